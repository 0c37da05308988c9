"""The live feed and the calls API: exactly once, validated, scoped."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from coresponder.accounts.services import api_token_create
from coresponder.calls.models import Call
from tests.calls.factories import make_call
from tests.conftest import Personas


def _feed(personas: Personas) -> str:
    _, secret = api_token_create(
        actor=None, user=personas.dispatcher, name="CAD", scopes=["calls:write", "calls:read"]
    )
    return secret


def _post(secret: str, body: object):
    return Client().post(
        "/api/v1/calls",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


CALL = {
    "event_number": "25-000123",
    "received_at": "2025-05-01T10:00:00",
    "on_scene_at": "2025-05-01T10:12:00",
    "final_type_text": "WELFARE CHECK",
    "call_source": "911",
    "units": [
        {"unit_id": "SW3", "unit_type": "social_worker", "on_scene_at": "2025-05-01T10:12:00"}
    ],
    "persons": [{"role": "caller", "name": "A Neighbour"}],
}


def test_it_takes_a_batch_exactly_once(personas: Personas) -> None:
    secret = _feed(personas)
    first = _post(secret, {"calls": [CALL]})
    assert first.status_code == 200 and first.json()["new"] == 1
    again = _post(secret, {"calls": [CALL]})
    assert again.json() == {
        "rows_in": 1,
        "new": 0,
        "updated": 0,
        "duplicate": 1,
        "stale": 0,
        "rejected": 0,
    }
    later = {**CALL, "cleared_at": "2025-05-01T11:00:00", "disposition_text": "RESOLVED"}
    assert _post(secret, {"calls": [later]}).json()["updated"] == 1
    assert _post(secret, {"calls": [CALL]}).json()["stale"] == 1
    call = Call.objects.get()
    assert call.disposition_text == "RESOLVED" and call.call_source == "911"
    assert call.received_at.isoformat() == "2025-05-01T10:00:00+00:00"  # agency zone is UTC
    assert call.units.get().unit_type == "social_worker"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"calls": []}, "calls"),
        ({"calls": [{"received_at": "2025-05-01T10:00:00"}]}, "event_number"),
        ({"calls": [{**CALL, "received_at": "noon"}]}, "received_at"),
        ({"calls": [{**CALL, "cleared_at": "2025-05-01T09:00:00"}]}, "calls.0.cleared_at"),
        ({"calls": [{**CALL, "latitude": 123}]}, "latitude"),
        ("not an object", "calls"),
    ],
)
def test_it_explains_a_malformed_call(personas: Personas, body: object, fragment: str) -> None:
    response = _post(_feed(personas), body)
    assert response.status_code == 422
    assert fragment in response.json()["detail"]
    assert not Call.objects.exists()


def test_it_reads_calls_with_filters_and_hides_narratives_by_role(
    personas: Personas, client_for
) -> None:
    call = make_call(personas.agency, final_type_text="OVERDOSE")
    make_call(personas.other_agency, event_number="FOREIGN")
    listing = client_for(personas.worker_a).get("/api/v1/calls", {"call_type": "OVERDOSE"})
    assert listing.status_code == 200
    assert [item["event_number"] for item in listing.json()["items"]] == [call.event_number]
    worker = client_for(personas.worker_a).get(f"/api/v1/calls/{call.public_id}").json()
    dispatcher = client_for(personas.dispatcher).get(f"/api/v1/calls/{call.public_id}").json()
    assert worker["narrative"] is None and "CANARY" in dispatcher["narrative"]
    assert worker["units"][0]["unit_id"] == "2A31"


def test_it_answers_404_for_another_agencys_call_through_the_api(
    personas: Personas, client_for
) -> None:
    foreign = make_call(personas.other_agency)
    assert (
        client_for(personas.dispatcher).get(f"/api/v1/calls/{foreign.public_id}").status_code == 404
    )
