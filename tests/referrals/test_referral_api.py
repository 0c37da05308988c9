"""The referrals and consents API: the same rules as the pages, through a token."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from coresponder.accounts.services import api_token_create
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.referrals.models import Disclosure, Referral
from tests.conftest import Personas
from tests.referrals.flow import CLINIC, RIVERSIDE, open_case, stock_directory


@pytest.fixture
def api(personas: Personas):
    _, secret = api_token_create(
        actor=None,
        user=personas.worker_a,
        name="case app",
        scopes=["referrals:read", "referrals:write", "consents:read", "consents:write"],
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def call(method: str, path: str, body: object = None):
        if body is None:
            return getattr(client, method)(f"/api/v1{path}")
        return getattr(client, method)(
            f"/api/v1{path}", json.dumps(body), content_type="application/json"
        )

    return call


@pytest.fixture
def case(personas: Personas):
    stock_directory(personas)
    return open_case(personas)


def _referral(case, **extra: object) -> dict[str, object]:
    return {
        "case": str(case.public_id),
        "service_id": CLINIC,
        "needs": ["mental_health"],
        "note": "Prefers mornings.",
        **extra,
    }


def test_send_is_refused_with_the_consent_rules_reason_then_allowed(api, case) -> None:
    refused = api("post", "/referrals", _referral(case, send=True))
    assert refused.status_code == 422
    assert "no consent on record" in refused.json()["detail"]
    assert refused.json()["errors"][0]["field"] == "consent"
    assert not Referral.objects.exists()  # nothing half-written
    assert AuditEvent.objects.filter(action=AuditAction.REFERRAL_REFUSED).count() == 1
    consent = api(
        "post",
        "/consents",
        {
            "person": str(case.person.public_id),
            "categories": ["identity", "contact", "behavioral_health"],
            "purposes": ["referral"],
            "recipient_organization_id": RIVERSIDE,
            "signed_on": timezone.localdate().isoformat(),
            "expires_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
            "method": "written",
            "signed_by": "Dana Reyes",
        },
    )
    assert consent.status_code == 201, consent.content
    made = api("post", "/referrals", _referral(case, send=True))
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["status"] == "sent" and body["consent"] == consent.json()["id"]
    assert body["partner_link"].startswith(f"/partner/referrals/{body['id']}/")
    assert Disclosure.objects.filter(referral__public_id=body["id"]).count() == 1
    listed = api("get", "/referrals?status=open")
    assert [r["id"] for r in listed.json()["items"]] == [body["id"]]
    assert api("get", f"/consents?person={case.person.public_id}").json()[0]["signed_by"] == (
        "Dana Reyes"
    )


def test_transitions_follow_the_lifecycle_and_versions(api, case) -> None:
    made = api("post", "/referrals", _referral(case, needs=["housing"], service_id=CLINIC))
    referral = made.json()
    path = f"/referrals/{referral['id']}"
    skipped = api("post", f"{path}/status", {"version": 1, "status": "engaged"})
    assert skipped.status_code == 422 and "cannot become engaged" in skipped.json()["detail"]
    sent = api("post", f"{path}/send", {"version": 1})
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    stale = api("post", f"{path}/status", {"version": 1, "status": "accepted"})
    assert stale.status_code == 409
    accepted = api("post", f"{path}/status", {"version": 2, "status": "accepted", "note": "ok"})
    assert accepted.json()["status"] == "accepted"
    assert [e["to_status"] for e in accepted.json()["events"]] == ["draft", "sent", "accepted"]


def test_bad_consents_are_refused_on_their_field(api, case) -> None:
    answer = api(
        "post",
        "/consents",
        {
            "person": str(case.person.public_id),
            "categories": ["behavioral_health"],
            "purposes": ["referral"],
            "recipient_class": "housing",
            "signed_on": timezone.localdate().isoformat(),
            "expires_on": timezone.localdate().isoformat(),
            "method": "verbal",
            "signed_by": "Dana Reyes",
        },
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"field": "witness", "message": "A verbal consent needs a witness: name them."}
    ]
    unknown = api("post", "/referrals", _referral(case, service_id="nope"))
    assert unknown.status_code == 422 and "not in the directory" in unknown.json()["detail"]
