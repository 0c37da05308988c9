"""Every persona against every route: the statuses in route_expectations.py, nothing else."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from coresponder.accounts.services import api_token_create
from coresponder.cases.services import case_open, note_write, person_create, task_create
from coresponder.triage.models import CallTypeReview
from tests.access.route_expectations import API, API_BODIES, PAGES, ROLES
from tests.calls.factories import make_call
from tests.conftest import Personas, sign_in
from tests.factories import UserFactory
from tests.referrals.flow import SHELTER, draft_referral, record_consent, stock_directory


def _client_for(role: str, personas: Personas) -> Client:
    client = Client()
    if role != "anonymous":
        sign_in(client, personas.by_role()[role])
    return client


@pytest.fixture
def targets(personas: Personas) -> dict[str, str]:
    target = UserFactory(username="target", agency=personas.agency)
    token, _ = api_token_create(actor=None, user=target, name="feed", scopes=["me:read"])
    call = make_call(personas.agency)
    person = person_create(actor=personas.worker_a, first_name="Ana", last_name="Diaz")
    case = case_open(actor=personas.worker_a, person=person, source="self_referral")
    note = note_write(actor=personas.worker_a, case=case, body="Met at the library.")
    task = task_create(
        actor=personas.worker_a, case=case, title="Call back", due_at=case.created_at
    )
    stock_directory(personas)
    referral = draft_referral(personas, case, needs=["housing"])
    consent = record_consent(personas, person)
    return {
        "target_referral": str(referral.public_id),
        "target_consent": str(consent.public_id),
        "target_service": SHELTER,
        "target_user": str(target.public_id),
        "target_token": str(token.public_id),
        "target_call": str(call.public_id),
        "target_review": str(CallTypeReview.objects.get(agency=personas.agency).public_id),
        "target_person": str(person.public_id),
        "target_case": str(case.public_id),
        "target_note": str(note.public_id),
        "target_task": str(task.public_id),
    }


def test_it_gives_every_role_the_expected_status_on_every_page(
    personas: Personas, targets: dict[str, str]
) -> None:
    mismatches = []
    for role in ROLES:
        for name, expectation in PAGES.items():
            client = _client_for(role, personas)
            kwargs = {k: v.format(**targets) for k, v in expectation.kwargs.items()}
            response = getattr(client, expectation.method)(reverse(name, kwargs=kwargs))
            expected = expectation.statuses[role]
            if response.status_code != expected:
                mismatches.append(f"{role} {name}: {response.status_code} != {expected}")
    print(f"role × page checks: {len(ROLES) * len(PAGES)}, mismatches: {len(mismatches)}")
    assert mismatches == []


def test_it_gives_every_role_the_expected_status_on_every_api_operation(
    personas: Personas, targets: dict[str, str]
) -> None:
    mismatches = []
    for role in ROLES:
        for (method, path), statuses in API.items():
            client = _client_for(role, personas)
            url = path.format(**targets)
            if method == "post":
                body = json.dumps(_filled(API_BODIES[path], targets))
                response = client.post(url, body, content_type="application/json")
            else:
                response = getattr(client, method)(url)
            if response.status_code != statuses[role]:
                mismatches.append(f"{role} {method} {url}: {response.status_code}")
    print(f"role × API checks: {len(ROLES) * len(API)}, mismatches: {len(mismatches)}")
    assert mismatches == []


def _filled(body: dict[str, object], targets: dict[str, str]) -> dict[str, object]:
    return {k: v.format(**targets) if isinstance(v, str) else v for k, v in body.items()}


def test_it_sends_an_unverified_session_to_mfa_not_to_the_page(personas: Personas) -> None:
    client = sign_in(Client(), personas.auditor, verified=False)
    response = client.get(reverse("audit:log"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_verify")
    assert client.get("/api/v1/me").status_code == 401
