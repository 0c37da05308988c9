"""Writes of the repeat-call domain: each call's location (``locate_calls``), the agency's
named places. Locations are derived data: recomputing them loses nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.calls.models import Call
from coresponder.linkage.engine.addresses import AliasTable, group_locations
from coresponder.linkage.models import CallLocation, PlaceAlias

CHUNK = 50_000  # calls read and written per round trip


@dataclass(frozen=True)
class LocateSummary:
    calls: int
    located: int
    locations: int
    merged_by_point: int
    seconds: float
    full: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "located": self.located,
            "locations": self.locations,
            "merged_by_point": self.merged_by_point,
            "seconds": round(self.seconds, 2),
            "full": self.full,
        }


def aliases_of(agency: Any) -> AliasTable:
    return AliasTable(dict(PlaceAlias.objects.filter(agency=agency).values_list("name", "address")))


def locate_calls(*, actor: Any, agency: Any, full: bool = False) -> LocateSummary:
    """Give each call of the agency its location. Without ``full``, only calls that have none
    yet, placed by what the stored locations already say (a key already placed keeps its
    location); with ``full``, every call again, from scratch (after an alias table change)."""
    started = time.perf_counter()
    calls = Call.objects.filter(agency=agency)
    if not full:
        calls = calls.filter(location__isnull=True)
    rows = list(
        calls.order_by("pk").values_list(
            "pk", "address_raw", "latitude", "longitude", "received_at"
        )
    )
    grouping = group_locations(
        [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows], aliases=aliases_of(agency)
    )
    known = {} if full else _known_locations(agency)
    records = []
    for (pk, _, _, _, received_at), address, batch_location in zip(
        rows, grouping.addresses, grouping.locations, strict=True
    ):
        key = (address.block_key if address.parsed else "") or ""
        location = known.get(key, batch_location) if key else batch_location
        records.append(
            CallLocation(
                call_id=pk, agency=agency, received_at=received_at, key=key,
                location=location, kind=address.kind,
            )
        )  # fmt: skip
    with transaction.atomic():
        if full:
            CallLocation.objects.filter(agency=agency).delete()
        for chunk in _chunks(records):
            CallLocation.objects.bulk_create(chunk, batch_size=2_000)
        summary = LocateSummary(
            calls=len(rows),
            located=sum(1 for r in records if r.location),
            locations=len({r.location for r in records if r.location}),
            merged_by_point=grouping.merged_by_point,
            seconds=time.perf_counter() - started,
            full=full,
        )
        audit_record(
            actor=actor,
            action=AuditAction.LINKAGE_RUN,
            object_type="agency",
            object_id=agency.pk,
            agency_id=agency.pk,
            data={"what": "locations", **summary.as_dict()},
        )
    return summary


def _known_locations(agency: Any) -> dict[str, str]:
    pairs = (
        CallLocation.objects.filter(agency=agency).exclude(key="").values_list("key", "location")
    )
    return dict(pairs.distinct())


def _chunks(records: list[CallLocation]) -> Iterator[list[CallLocation]]:
    for start in range(0, len(records), CHUNK):
        yield records[start : start + CHUNK]


def place_alias_set(*, actor: Any, agency: Any, name: str, address: str) -> PlaceAlias:
    """Name a place (a shelter's name as dispatchers type it) and the address it stands for.
    Existing calls take it on at the next full run."""
    name, address = " ".join(name.split()), " ".join(address.split())
    if not name or not address:
        raise ValueError("A named place needs its name and its address.")
    alias, _ = PlaceAlias.objects.update_or_create(
        agency=agency, name=name, defaults={"address": address}
    )
    audit_record(
        actor=actor,
        action=AuditAction.PLACE_ALIAS_SET,
        object_type="place_alias",
        object_id=alias.pk,
        data={"name": name},
    )
    return alias
