"""Hypothesis strategies for valid directories: every reference resolves, every record rule
holds, so that write-then-read must give the same directory back."""

from __future__ import annotations

from datetime import UTC, date, time, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from coresponder.referrals.engine import (
    Address,
    Attribute,
    Contact,
    Directory,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from coresponder.referrals.engine.model import (
    FREQUENCIES,
    LOCATION_TYPES,
    PHONE_TYPES,
    SERVICE_STATUSES,
    WEEKDAYS,
)

# Printable text with something in it: blank text reads back as "missing", by design.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=15
).filter(str.strip)
OPTIONAL_TEXT = st.none() | TEXT | st.just('two\nlines, "quoted"')
IDS = st.uuids().map(str)
OPTIONAL_URL = st.none() | st.sampled_from(["https://example.org/a?b=1", "http://x.test"])
OPTIONAL_EMAIL = st.none() | st.sampled_from(["help@example.org", "a.b+c@x.test"])
DATES = st.dates(date(2020, 1, 1), date(2030, 12, 31))
ZONES = st.sampled_from(
    [None, UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))]
)


def _time(zone: Any) -> Any:
    return st.builds(
        time, st.integers(0, 23), st.integers(0, 59), st.integers(0, 59), tzinfo=st.just(zone)
    )


def _maybe_ref(ids: list[str]) -> Any:
    return st.none() | st.sampled_from(ids) if ids else st.none()


@st.composite
def directories(draw: st.DrawFn) -> Directory:
    organizations = draw(
        st.lists(
            st.builds(
                Organization,
                id=IDS,
                name=TEXT,
                description=TEXT,
                alternate_name=OPTIONAL_TEXT,
                email=OPTIONAL_EMAIL,
                website=OPTIONAL_URL,
            ),
            min_size=1,
            max_size=3,
            unique_by=lambda o: o.id,
        )
    )
    org_ids = [o.id for o in organizations]
    terms = draw(
        st.lists(
            st.builds(
                TaxonomyTerm,
                id=IDS,
                name=TEXT,
                description=TEXT,
                code=OPTIONAL_TEXT,
            ),
            max_size=2,
            unique_by=lambda t: t.id,
        )
    )
    locations = draw(st.lists(_locations(org_ids), max_size=3, unique_by=lambda x: x.id))
    services = draw(st.lists(_services(org_ids), max_size=3, unique_by=lambda x: x.id))
    service_ids, location_ids = [s.id for s in services], [x.id for x in locations]
    sals = []
    if services and locations:
        sals = draw(
            st.lists(
                st.builds(
                    ServiceAtLocation,
                    id=IDS,
                    service_id=st.sampled_from(service_ids),
                    location_id=st.sampled_from(location_ids),
                    description=OPTIONAL_TEXT,
                ),
                max_size=3,
                unique_by=lambda x: x.id,
            )
        )
    sal_ids = [x.id for x in sals]
    contacts = draw(
        st.lists(
            st.builds(
                Contact,
                id=IDS,
                organization_id=_maybe_ref(org_ids),
                service_id=_maybe_ref(service_ids),
                name=OPTIONAL_TEXT,
                email=OPTIONAL_EMAIL,
            ),
            max_size=2,
            unique_by=lambda x: x.id,
        )
    )
    phones = draw(
        st.lists(
            st.builds(
                Phone,
                id=IDS,
                number=st.sampled_from(["988", "+1 (555) 010-2000", "555.010.3000"]),
                service_id=_maybe_ref(service_ids),
                location_id=_maybe_ref(location_ids),
                contact_id=_maybe_ref([c.id for c in contacts]),
                extension=st.none() | st.integers(0, 9999),
                type=st.none() | st.sampled_from(PHONE_TYPES),
                description=OPTIONAL_TEXT,
            ),
            max_size=3,
            unique_by=lambda x: x.id,
        )
    )
    owners = service_ids + location_ids + sal_ids
    schedules = (
        draw(
            st.lists(
                _schedules(service_ids, location_ids, sal_ids), max_size=3, unique_by=lambda x: x.id
            )
        )
        if owners
        else []
    )
    addresses = (
        draw(
            st.lists(
                st.builds(
                    Address,
                    id=IDS,
                    location_id=st.sampled_from(location_ids),
                    address_1=TEXT,
                    city=TEXT,
                    state_province=TEXT,
                    postal_code=TEXT,
                    country=st.sampled_from(["US", "CA"]),
                    address_type=st.sampled_from(LOCATION_TYPES),
                    address_2=OPTIONAL_TEXT,
                ),
                max_size=2,
                unique_by=lambda x: x.id,
            )
        )
        if locations
        else []
    )
    languages = draw(
        st.lists(
            st.builds(
                Language,
                id=IDS,
                service_id=_maybe_ref(service_ids),
                location_id=_maybe_ref(location_ids),
                phone_id=_maybe_ref([p.id for p in phones]),
                name=OPTIONAL_TEXT,
                code=st.none() | st.sampled_from(["en", "es", "som"]),
                note=OPTIONAL_TEXT,
            ),
            max_size=2,
            unique_by=lambda x: x.id,
        )
    )
    linkable = [("service", i) for i in service_ids] + [("organization", i) for i in org_ids]
    attributes = (
        draw(
            st.lists(
                st.builds(
                    lambda target, **kw: Attribute(link_entity=target[0], link_id=target[1], **kw),
                    st.sampled_from(linkable),
                    id=IDS,
                    taxonomy_term_id=st.sampled_from([t.id for t in terms]),
                    value=OPTIONAL_TEXT,
                ),
                max_size=2,
                unique_by=lambda x: x.id,
            )
        )
        if terms
        else []
    )
    return Directory(
        organizations=tuple(organizations),
        taxonomy_terms=tuple(terms),
        locations=tuple(locations),
        services=tuple(services),
        service_at_locations=tuple(sals),
        contacts=tuple(contacts),
        phones=tuple(phones),
        schedules=tuple(schedules),
        addresses=tuple(addresses),
        languages=tuple(languages),
        attributes=tuple(attributes),
    )


def _locations(org_ids: list[str]) -> Any:
    coordinates = st.none() | st.tuples(
        st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False)
    )
    return st.builds(
        lambda point, **kw: Location(
            latitude=point[0] if point else None, longitude=point[1] if point else None, **kw
        ),
        coordinates,
        id=IDS,
        location_type=st.sampled_from(LOCATION_TYPES),
        organization_id=_maybe_ref(org_ids),
        name=OPTIONAL_TEXT,
        url=OPTIONAL_URL,
    )


@st.composite
def _services(draw: st.DrawFn, org_ids: list[str]) -> Service:
    ages = sorted(draw(st.lists(st.integers(0, 130) | st.floats(0, 130), min_size=2, max_size=2)))
    return Service(
        id=draw(IDS),
        organization_id=draw(st.sampled_from(org_ids)),
        name=draw(TEXT),
        status=draw(st.sampled_from(SERVICE_STATUSES)),
        description=draw(OPTIONAL_TEXT),
        eligibility_description=draw(OPTIONAL_TEXT),
        url=draw(OPTIONAL_URL),
        email=draw(OPTIONAL_EMAIL),
        minimum_age=draw(st.none() | st.just(float(ages[0]))),
        maximum_age=draw(st.none() | st.just(float(ages[1]))),
    )


@st.composite
def _schedules(
    draw: st.DrawFn, service_ids: list[str], location_ids: list[str], sal_ids: list[str]
) -> Schedule:
    owner_field, owner_ids = draw(
        st.sampled_from(
            [
                (field, ids)
                for field, ids in (
                    ("service_id", service_ids),
                    ("location_id", location_ids),
                    ("service_at_location_id", sal_ids),
                )
                if ids
            ]
        )
    )
    freq = draw(st.none() | st.sampled_from(FREQUENCIES))
    days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=3, unique=True))
    if freq == "MONTHLY":
        days = [f"{draw(st.sampled_from(['', '1', '-1', '+2']))}{d}" for d in days]
    start, end = sorted(draw(st.lists(DATES, min_size=2, max_size=2)))
    zone = draw(ZONES)
    timed = draw(st.booleans())
    return Schedule(
        id=draw(IDS),
        **{owner_field: draw(st.sampled_from(owner_ids))},
        freq=freq,
        byday=draw(st.none() | st.just(",".join(days))),
        bymonthday=draw(st.none() | st.just("1,-1")) if freq == "MONTHLY" else None,
        interval=draw(st.none() | st.integers(1, 4)),
        valid_from=draw(st.none() | st.just(start)),
        valid_to=draw(st.none() | st.just(end)),
        dtstart=draw(st.none() | DATES),
        timezone=draw(st.none() | st.sampled_from([-5.0, 5.5])),
        opens_at=draw(_time(zone)) if timed else None,
        closes_at=draw(_time(zone)) if timed else None,
        description=draw(OPTIONAL_TEXT),
    )
