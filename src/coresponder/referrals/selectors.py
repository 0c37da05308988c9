"""Reads of the community-partner directory, always the user's own agency's."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from coresponder.referrals.engine import Directory, ServiceMatch, read_hsds_json, search
from coresponder.referrals.models import DirectorySnapshot

# agency id → (the snapshot's identity and version, the directory rebuilt from it); any save
# bumps the version and the time, so a stale entry is never used.
_CACHE: dict[int, tuple[tuple[Any, ...], Directory]] = {}


def snapshot_of(agency: Any) -> DirectorySnapshot:
    snapshot, _ = DirectorySnapshot.objects.get_or_create(agency=agency)
    return snapshot


def directory_of(agency: Any) -> Directory:
    """The agency's directory, rebuilt from its stored document when that changed."""
    snapshot = snapshot_of(agency)
    key = (snapshot.pk, snapshot.version, snapshot.updated_at)
    cached = _CACHE.get(agency.pk)
    if cached and cached[0] == key:
        return cached[1]
    document = snapshot.document
    directory = read_hsds_json(json.dumps(document)).directory if document else Directory()
    _CACHE[agency.pk] = (key, directory)
    return directory


def search_directory(
    *, user: Any, open_at: datetime | None = None, **criteria: Any
) -> list[ServiceMatch]:
    """The engine's search over the user's agency's directory."""
    return search(directory_of(user.agency), open_at=open_at, **criteria)


def service_in(directory: Directory, service_id: str) -> Any | None:
    return next((s for s in directory.services if s.id == service_id), None)


@dataclass(frozen=True)
class ServiceDetails:
    service: Any
    organization: Any | None
    phones: tuple[Any, ...]
    schedules: tuple[Any, ...]
    languages: tuple[Any, ...]
    locations: tuple[Any, ...]


def service_details(directory: Directory, service: Any) -> ServiceDetails:
    """What a worker needs to refer someone: phones, hours, languages and places."""
    sal_ids = {s.id for s in directory.service_at_locations if s.service_id == service.id}
    location_ids = {
        s.location_id for s in directory.service_at_locations if s.service_id == service.id
    }

    def concerns(record: Any) -> bool:
        return record.service_id == service.id or record.service_at_location_id in sal_ids

    return ServiceDetails(
        service=service,
        organization=next(
            (o for o in directory.organizations if o.id == service.organization_id), None
        ),
        phones=tuple(p for p in directory.phones if concerns(p)),
        schedules=tuple(s for s in directory.schedules if concerns(s)),
        languages=tuple(lang for lang in directory.languages if lang.service_id == service.id),
        locations=tuple(loc for loc in directory.locations if loc.id in location_ids),
    )


def near_point(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    return (lat, lon) if lat is not None and lon is not None else None
