"""Finding services for a person: by need, distance, opening hours, language and text."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from .model import Directory, Location, Organization, Schedule, Service
from .needs import NEEDS, need_evidence
from .schedules import Hours, hours_at, is_closure

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class ServiceMatch:
    """A service that matches, why, and how far its nearest location is."""

    service: Service
    organization: Organization | None
    reasons: tuple[str, ...]
    distance_km: float | None = None
    nearest_location: Location | None = None
    hours: Hours | None = None  # only when an ``open_at`` moment was asked about
    needs_met: tuple[str, ...] = ()


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class _Index:
    """The directory's tables keyed the ways search needs them."""

    def __init__(self, directory: Directory) -> None:
        self.organizations = {o.id: o for o in directory.organizations}
        self.locations = {loc.id: loc for loc in directory.locations}
        self.terms = {t.id: t for t in directory.taxonomy_terms}
        self.sites: dict[str, list[tuple[str, Location]]] = defaultdict(list)
        for sal in directory.service_at_locations:
            # A directory built by hand may skip validation: ignore a dangling link.
            location = self.locations.get(sal.location_id)
            if location is not None:
                self.sites[sal.service_id].append((sal.id, location))
        self.schedules: dict[str, list[Schedule]] = defaultdict(list)
        for schedule in directory.schedules:
            for owner in (
                schedule.service_id,
                schedule.location_id,
                schedule.service_at_location_id,
            ):
                if owner:
                    self.schedules[owner].append(schedule)
        self.terms_of: dict[str, list[str]] = defaultdict(list)
        for attribute in directory.attributes:
            term = self.terms.get(attribute.taxonomy_term_id)
            if term is not None:
                self.terms_of[attribute.link_id].extend(t for t in (term.name, term.code) if t)
        self.languages: dict[str, list[tuple[str, str]]] = defaultdict(list)
        phone_owner = {p.id: p.service_id or p.location_id for p in directory.phones}
        for language in directory.languages:
            owner = (
                language.service_id
                or language.location_id
                or phone_owner.get(language.phone_id or "")
            )
            if owner:
                self.languages[owner].append((language.code or "", language.name or ""))


def search(
    directory: Directory,
    *,
    needs: Sequence[str] = (),
    near: tuple[float, float] | None = None,
    radius_km: float | None = None,
    open_at: datetime | None = None,
    language: str | None = None,
    text: str = "",
    age: float | None = None,
) -> list[ServiceMatch]:
    """Active services that meet any of ``needs`` (all when none given), within ``radius_km``
    of ``near``, open at ``open_at``, offering ``language`` (ISO code or name), containing
    every word of ``text`` and taking a person of ``age`` (by ``minimum_age`` and
    ``maximum_age``). Best first: most needs met, then nearest, then by name."""
    unknown = [need for need in needs if need not in NEEDS]
    if unknown:
        raise ValueError(f"unknown needs: {', '.join(unknown)}")
    if radius_km is not None and (near is None or radius_km < 0):
        raise ValueError("radius_km needs a point to measure from and must not be negative")
    index = _Index(directory)
    matches = []
    for service in directory.services:
        if age is not None and not _takes_age(service, age):
            continue
        match = _match(service, index, needs, near, radius_km, open_at, language, text)
        if match is not None:
            matches.append(match)
    return sorted(matches, key=_rank)


def _takes_age(service: Service, age: float) -> bool:
    too_young = service.minimum_age is not None and age < service.minimum_age
    too_old = service.maximum_age is not None and age > service.maximum_age
    return not (too_young or too_old)


def _rank(match: ServiceMatch) -> tuple[int, float, str]:
    distance = match.distance_km if match.distance_km is not None else math.inf
    return (-len(match.needs_met), distance, match.service.name.casefold())


def _match(
    service: Service,
    index: _Index,
    needs: Sequence[str],
    near: tuple[float, float] | None,
    radius_km: float | None,
    open_at: datetime | None,
    language: str | None,
    text: str,
) -> ServiceMatch | None:
    if service.status != "active":
        return None
    organization = index.organizations.get(service.organization_id)
    reasons: list[str] = []
    needs_met = _needs_met(service, index, needs, reasons)
    if needs and not needs_met:
        return None
    if text and not _has_words(service, organization, text, reasons):
        return None
    if language and not _speaks(service, index, language, reasons):
        return None
    distance, nearest = _nearest(service, index, near)
    if near is not None and not _within(service, index, distance, radius_km, reasons):
        return None
    hours = None
    if open_at is not None:
        hours = _hours(service, index, open_at, reasons)
        if hours is not Hours.OPEN:
            return None
    return ServiceMatch(service, organization, tuple(reasons), distance, nearest, hours, needs_met)


def _needs_met(
    service: Service, index: _Index, needs: Sequence[str], reasons: list[str]
) -> tuple[str, ...]:
    met = []
    for need in needs:
        evidence = need_evidence(need, service, index.terms_of.get(service.id, []))
        if evidence:
            met.append(need)
            reasons.append(f"meets need {need}: {evidence}")
    return tuple(met)


def _has_words(
    service: Service, organization: Organization | None, text: str, reasons: list[str]
) -> bool:
    fields = (service.name, service.alternate_name, service.description)
    haystack = " ".join(f for f in (*fields, organization.name if organization else None) if f)
    words = text.casefold().split()
    if all(word in haystack.casefold() for word in words):
        reasons.append(f"mentions {text!r}")
        return True
    return False


def _speaks(service: Service, index: _Index, wanted: str, reasons: list[str]) -> bool:
    owners = [service.id, *(location.id for _, location in index.sites.get(service.id, []))]
    for owner in owners:
        for code, name in index.languages.get(owner, []):
            if wanted.casefold() in (code.casefold(), name.casefold()):
                reasons.append(f"offers {name or code}")
                return True
    return False


def _nearest(
    service: Service, index: _Index, near: tuple[float, float] | None
) -> tuple[float | None, Location | None]:
    if near is None:
        return None, None
    best: tuple[float | None, Location | None] = (None, None)
    for _, location in index.sites.get(service.id, []):
        if location.latitude is None or location.longitude is None:
            continue
        distance = haversine_km(near, (location.latitude, location.longitude))
        if best[0] is None or distance < best[0]:
            best = (distance, location)
    return best


def _within(
    service: Service,
    index: _Index,
    distance: float | None,
    radius_km: float | None,
    reasons: list[str],
) -> bool:
    if distance is not None and (radius_km is None or distance <= radius_km):
        reasons.append(f"{distance:.1f} km away")
        return True
    # A hotline or online service reaches the person wherever they are.
    if any(loc.location_type == "virtual" for _, loc in index.sites.get(service.id, [])):
        reasons.append("available remotely (virtual location)")
        return True
    return radius_km is None


def _hours(service: Service, index: _Index, moment: datetime, reasons: list[str]) -> Hours:
    """Open when any site is open. A site's own schedules win over the service's, which win
    over the location's: the most specific hours are the true ones."""
    results = [hours_at(schedules, moment) for schedules in _schedule_sets(service, index)]
    for wanted in (Hours.OPEN, Hours.CLOSED):
        for result in results:
            if result.hours is wanted:
                reasons.append(result.reason)
                return wanted
    reasons.append("hours unknown")
    return Hours.UNKNOWN


def _schedule_sets(service: Service, index: _Index) -> Iterable[list[Schedule]]:
    own = index.schedules.get(service.id, [])
    sites = index.sites.get(service.id, [])
    if not sites:
        yield own
    for sal_id, location in sites:
        levels = [index.schedules.get(sal_id, []), own, index.schedules.get(location.id, [])]
        hours = next((level for level in levels if _has_hours(level)), [])
        # A closure anywhere counts: a building shut for a holiday shuts every service in it.
        closures = [s for level in levels for s in level if is_closure(s)]
        yield [*hours, *closures]


def _has_hours(schedules: list[Schedule]) -> bool:
    return any(s.opens_at is not None for s in schedules)
