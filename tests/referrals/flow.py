"""Shared steps of the referral tests: a stocked directory, a case, a consent, a referral."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.utils import timezone

from coresponder.cases.services import case_open, person_create
from coresponder.referrals import services
from coresponder.referrals.engine import read_hsds_json
from tests.conftest import Personas
from tests.referrals.engine.fixtures import uid
from tests.referrals.helpers import document

CLINIC, SHELTER, LINE = uid("clinic"), uid("shelter"), uid("line")
RIVERSIDE, NORTHSIDE = uid("org"), uid("org2")  # the clinic's and the shelter's organisations


def stock_directory(personas: Personas) -> None:
    services.import_directory(
        actor=personas.admin,
        agency=personas.agency,
        result=read_hsds_json(json.dumps(document())),
    )


def open_case(personas: Personas, *, needs: tuple[str, ...] = ("mental_health",)) -> Any:
    person = person_create(actor=personas.worker_a, first_name="Dana", last_name="Reyes")
    return case_open(
        actor=personas.worker_a, person=person, source="self_referral", needs=list(needs)
    )


def draft_referral(
    personas: Personas,
    case: Any,
    *,
    service_id: str = SHELTER,
    needs: list[str] | None = None,
    **extra: Any,
) -> Any:
    return services.referral_create(
        actor=personas.worker_a,
        case=case,
        service_id=service_id,
        needs=needs or ["housing"],
        note="Needs a bed tonight.",
        **extra,
    )


def record_consent(personas: Personas, person: Any, **terms: Any) -> Any:
    values: dict[str, Any] = {
        "categories": ["identity", "contact", "behavioral_health"],
        "purposes": ["referral"],
        "recipient_organization_id": RIVERSIDE,
        "signed_on": timezone.localdate() - timedelta(days=1),
        "expires_on": timezone.localdate() + timedelta(days=180),
        "method": "written",
        "signed_by": person.display_name,
    }
    values.update(terms)
    return services.consent_record(actor=personas.worker_a, person=person, **values)


def send(personas: Personas, referral: Any, **extra: Any) -> Any:
    return services.referral_send(
        actor=personas.worker_a, referral=referral, expected_version=referral.version, **extra
    )
