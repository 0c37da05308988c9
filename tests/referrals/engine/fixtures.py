"""A small made-up directory the tests build themselves: ids are UUIDs derived from names so
a test can say ``uid("shelter")`` instead of copying hex around."""

from __future__ import annotations

import uuid
from datetime import date, time
from typing import Any

from coresponder.referrals.engine import (
    Address,
    Attribute,
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

_NAMESPACE = uuid.UUID("6f1c1d1e-0000-4000-8000-000000000000")


def uid(name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, name))


# Downtown of a made-up city, and a point about 5.6 km north of it.
DOWNTOWN = (45.0, -93.0)
NORTH = (45.05, -93.0)


def small_directory() -> Directory:
    """Two organizations, four services: a weekday clinic, an overnight shelter (closed on
    2026-12-25), a crisis line (virtual, around the clock) and a defunct food pantry."""
    org = Organization(id=uid("org"), name="Riverside Community Services", description="Help")
    org2 = Organization(id=uid("org2"), name="Northside Mission", description="Shelter")
    clinic = Service(
        id=uid("clinic"),
        organization_id=org.id,
        name="Walk-in Counseling Clinic",
        status="active",
        description="Same-day counseling for adults.",
        minimum_age=18,
    )
    shelter = Service(
        id=uid("shelter"),
        organization_id=org2.id,
        name="Overnight Shelter",
        status="active",
        description="Emergency beds and counseling for adults experiencing homelessness.",
    )
    line = Service(id=uid("line"), organization_id=org.id, name="Crisis Line", status="active")
    pantry = Service(
        id=uid("pantry"),
        organization_id=org.id,
        name="Food Pantry",
        status="defunct",
        description="Groceries every week.",
    )
    downtown = Location(
        id=uid("downtown"),
        location_type="physical",
        organization_id=org.id,
        name="Downtown office",
        latitude=DOWNTOWN[0],
        longitude=DOWNTOWN[1],
    )
    north = Location(
        id=uid("north"),
        location_type="physical",
        organization_id=org2.id,
        name="North shelter",
        latitude=NORTH[0],
        longitude=NORTH[1],
    )
    online = Location(id=uid("online"), location_type="virtual", url="https://example.org/chat")
    sals = (
        ServiceAtLocation(id=uid("sal-clinic"), service_id=clinic.id, location_id=downtown.id),
        ServiceAtLocation(id=uid("sal-shelter"), service_id=shelter.id, location_id=north.id),
        ServiceAtLocation(id=uid("sal-line"), service_id=line.id, location_id=online.id),
        ServiceAtLocation(id=uid("sal-pantry"), service_id=pantry.id, location_id=downtown.id),
    )
    schedules = (
        Schedule(
            id=uid("clinic-hours"),
            service_id=clinic.id,
            freq="WEEKLY",
            byday="MO,TU,WE,TH,FR",
            opens_at=time(9, 0),
            closes_at=time(17, 0),
        ),
        Schedule(
            id=uid("shelter-hours"),
            service_id=shelter.id,
            freq="WEEKLY",
            byday="MO,TU,WE,TH,FR,SA,SU",
            opens_at=time(19, 0),
            closes_at=time(7, 0),
        ),
        Schedule(
            id=uid("shelter-christmas"),
            service_id=shelter.id,
            valid_from=date(2026, 12, 25),
            valid_to=date(2026, 12, 25),
            description="Christmas Day",
        ),
        Schedule(
            id=uid("line-hours"), service_id=line.id, opens_at=time(0, 0), closes_at=time(0, 0)
        ),
    )
    housing = TaxonomyTerm(id=uid("term-housing"), name="Emergency Shelter", description="Beds")
    return Directory(
        organizations=(org, org2),
        taxonomy_terms=(housing,),
        locations=(downtown, north, online),
        services=(clinic, shelter, line, pantry),
        service_at_locations=sals,
        phones=(Phone(id=uid("phone-line"), service_id=line.id, number="988", type="voice"),),
        schedules=schedules,
        addresses=(
            Address(
                id=uid("addr"),
                location_id=downtown.id,
                address_1="1 Main St",
                city="Rivertown",
                state_province="MN",
                postal_code="55000",
                country="US",
                address_type="physical",
            ),
        ),
        languages=(
            Language(id=uid("lang-es"), service_id=line.id, code="es", name="Spanish"),
            Language(id=uid("lang-so"), location_id=north.id, code="so", name="Somali"),
        ),
        attributes=(
            Attribute(
                id=uid("attr-shelter"),
                link_id=shelter.id,
                link_entity="service",
                taxonomy_term_id=housing.id,
            ),
        ),
    )


def nested_service(**overrides: Any) -> dict[str, Any]:
    """One service in HSDS's nested JSON form, as a partner's export would send it."""
    service: dict[str, Any] = {
        "id": uid("svc"),
        "name": "Tenant Legal Clinic",
        "status": "active",
        "description": "Free advice for tenants facing eviction.",
        "organization": {"id": uid("svc-org"), "name": "Legal Aid", "description": "Law"},
        "phones": [{"id": uid("svc-phone"), "number": "+1 (555) 010-2000"}],
        "schedules": [
            {
                "id": uid("svc-hours"),
                "freq": "WEEKLY",
                "byday": "TU,TH",
                "opens_at": "13:00",
                "closes_at": "16:00",
            }
        ],
        "languages": [{"id": uid("svc-lang"), "code": "es", "name": "Spanish"}],
        "service_at_locations": [
            {
                "id": uid("svc-sal"),
                "location": {
                    "id": uid("svc-loc"),
                    "location_type": "physical",
                    "latitude": 45.01,
                    "longitude": -93.01,
                    "addresses": [
                        {
                            "id": uid("svc-addr"),
                            "address_1": "2 Court St",
                            "city": "Rivertown",
                            "state_province": "MN",
                            "postal_code": "55001",
                            "country": "US",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "attributes": [
            {
                "id": uid("svc-attr"),
                "taxonomy_term": {"id": uid("svc-term"), "name": "Legal", "description": "Law"},
            }
        ],
    }
    service.update(overrides)
    return service
