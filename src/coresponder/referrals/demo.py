"""The demo city's community partners and some referrals through their lifecycle.

Made-up organisations of Riverside (the synthetic city), in HSDS 3.0, loaded through the same
import as a real directory; then referrals from some demo cases, with the consents they need,
answered by the partners as they would be over the weeks. Idempotent: an agency that already
has referrals is left as it is.
"""

from __future__ import annotations

import random
import uuid
from datetime import time, timedelta

from django.utils import timezone

from coresponder.accounts.models import Agency
from coresponder.cases.models import Case
from coresponder.referrals import services
from coresponder.referrals.engine import (
    Directory,
    Location,
    Organization,
    Phone,
    ReadResult,
    Schedule,
    Service,
    ServiceAtLocation,
)
from coresponder.referrals.models import Referral

_NAMESPACE = uuid.UUID("6f1c1a52-8d59-4b0c-9a51-1c3f7e0d2b10")

# name, organisation, description (its words say which needs it meets), lat, lon, opens, closes
PARTNERS = (
    ("Walk-in Counseling", "Riverside Behavioral Health", "Same-day counseling and psychiatric "
     "care for adults in crisis.", 40.118, -88.731, time(8), time(18)),
    ("Mobile Crisis Team", "Riverside Behavioral Health", "Crisis intervention at home, with a "
     "counselor and a peer.", 40.118, -88.731, time(0), time(0)),
    ("Detox and Recovery Center", "Prairie Recovery", "Withdrawal management and substance use "
     "treatment; walk-in assessments.", 40.132, -88.702, time(0), time(0)),
    ("Medication for Addiction Clinic", "Prairie Recovery", "Buprenorphine and methadone for "
     "opioid use disorder.", 40.131, -88.705, time(7), time(15)),
    ("Overnight Shelter", "Riverside Rescue Mission", "Emergency shelter beds for adults "
     "experiencing homelessness.", 40.109, -88.744, time(19), time(7)),
    ("Housing Navigation", "Riverside Rescue Mission", "Help finding housing: rapid rehousing and "
     "rental assistance.", 40.109, -88.744, time(9), time(17)),
    ("Community Food Pantry", "Eastside Neighbors", "Groceries and hot meals every weekday.",
     40.121, -88.690, time(10), time(16)),
    ("Benefits Enrollment", "Legal Aid of Riverside", "Help applying for SNAP, Medicaid, SSI "
     "and other benefits.", 40.115, -88.725, time(9), time(17)),
    ("Tenant Legal Clinic", "Legal Aid of Riverside", "Free legal advice for eviction and "
     "tenant rights.", 40.115, -88.725, time(13), time(17)),
    ("Family Support Services", "Riverside Family Center", "Parenting support, family "
     "counseling and youth services.", 40.102, -88.719, time(9), time(19)),
    ("Safe Haven", "Riverside Family Center", "Safety planning and shelter for survivors of "
     "domestic violence.", 40.102, -88.719, time(0), time(0)),
    ("Community Health Clinic", "Riverside Health", "Primary care and medical care on a "
     "sliding fee.", 40.126, -88.738, time(8), time(17)),
)  # fmt: skip


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def demo_directory() -> Directory:
    organizations: dict[str, Organization] = {}
    services_, locations, links, phones, schedules = [], [], [], [], []
    for index, (name, org_name, text, lat, lon, opens, closes) in enumerate(PARTNERS):
        org = organizations.setdefault(
            org_name,
            Organization(
                id=_id("org", org_name),
                name=org_name,
                description=f"{org_name}, a partner of the Riverside program.",
                email=f"intake{len(organizations) + 1}@example.org",
            ),
        )
        service = Service(
            id=_id("service", name), organization_id=org.id, name=name, status="active",
            description=text,
        )  # fmt: skip
        location = Location(
            id=_id("location", name), location_type="physical", organization_id=org.id,
            name=f"{name} ({org_name})", latitude=lat, longitude=lon,
        )  # fmt: skip
        services_.append(service)
        locations.append(location)
        links.append(
            ServiceAtLocation(id=_id("sal", name), service_id=service.id, location_id=location.id)
        )
        phones.append(
            Phone(id=_id("phone", name), service_id=service.id, number=f"555-0{100 + index}")
        )
        schedules.append(
            Schedule(
                id=_id("hours", name), service_id=service.id, freq="WEEKLY",
                byday="MO,TU,WE,TH,FR,SA,SU", opens_at=opens, closes_at=closes,
            )
        )  # fmt: skip
    return Directory(
        organizations=tuple(organizations.values()),
        services=tuple(services_),
        locations=tuple(locations),
        service_at_locations=tuple(links),
        phones=tuple(phones),
        schedules=tuple(schedules),
    )


# Each partner service's organisation id, as demo_directory() writes it.
_ORGANIZATION_OF = {name: _id("org", org_name) for name, org_name, *_ in PARTNERS}

# What a partner answers, in order, and how often a referral ends each way.
ENDINGS = (
    (("accepted", "engaged", "completed"), 4),
    (("accepted", "engaged"), 3),
    (("accepted",), 2),
    ((), 2),  # still waiting for an answer
    (("declined",), 1),
    (("accepted", "no_contact"), 1),
)
SERVICE_FOR_NEED = {
    "mental_health": "Walk-in Counseling",
    "substance_use": "Detox and Recovery Center",
    "housing": "Housing Navigation",
    "food": "Community Food Pantry",
    "income_benefits": "Benefits Enrollment",
    "medical": "Community Health Clinic",
}


def load_demo_referrals(agency: Agency, *, seed: int = 1, limit: int = 60) -> int:
    """Load the demo directory and refer some demo cases; returns the referrals the agency has."""
    if Referral.objects.filter(agency=agency).exists():
        return Referral.objects.filter(agency=agency).count()
    services.import_directory(
        actor=None, agency=agency, result=ReadResult(demo_directory(), ()), replace=True
    )
    rng = random.Random(seed)
    cases = Case.objects.filter(agency=agency, assigned_to__isnull=False).exclude(
        status=Case.Status.CLOSED
    )
    for case in cases.select_related("person", "assigned_to").order_by("pk")[:limit]:
        need = next((n for n in case.needs if n in SERVICE_FOR_NEED), None)
        if need is not None:
            _refer(rng, case, need)
    return Referral.objects.filter(agency=agency).count()


def _refer(rng: random.Random, case: Case, need: str) -> None:
    worker = case.assigned_to
    service_id = _id("service", SERVICE_FOR_NEED[need])
    organization_id = _ORGANIZATION_OF[SERVICE_FOR_NEED[need]]
    today = timezone.localdate()
    if need in services.CATEGORIES_OF_NEED:
        services.consent_record(
            actor=worker, person=case.person,
            categories=["identity", "contact", services.CATEGORIES_OF_NEED[need]],
            purposes=["referral", "care_coordination"],
            recipient_organization_id=organization_id, signed_on=today - timedelta(days=3),
            expires_on=today + timedelta(days=365), method="written",
            signed_by=case.person.display_name,
        )  # fmt: skip
    referral = services.referral_create(
        actor=worker, case=case, service_id=service_id, needs=[need],
        note="Met during a crisis call; agreed to be contacted by phone.",
    )  # fmt: skip
    services.referral_send(actor=worker, referral=referral, expected_version=referral.version)
    steps = rng.choices([s for s, _ in ENDINGS], weights=[w for _, w in ENDINGS])[0]
    for step in steps:
        referral.refresh_from_db()
        services.referral_transition(
            actor=worker, referral=referral, to=step, expected_version=referral.version,
            note="Recorded after a phone call with the partner.",
        )  # fmt: skip
    if not steps and rng.random() < 0.5:
        _make_overdue(referral)


def _make_overdue(referral: Referral) -> None:
    """Some referrals of the demo were sent a week ago and never answered."""
    week_ago = timezone.now() - timedelta(days=7)
    Referral.objects.filter(pk=referral.pk).update_audited(
        sent_at=week_ago, answer_due_at=week_ago + timedelta(days=5)
    )
