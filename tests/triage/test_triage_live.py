"""Decisions stored for every call written, the review queue and crosswalk, dispatchers'
answers, and the API that triages a payload without storing it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from coresponder.accounts.services import api_token_create
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.calls.models import Call
from coresponder.triage import services
from coresponder.triage.models import (
    CallTypeOverride,
    CallTypeReview,
    DispatcherAnswer,
    TriageDecision,
)
from tests.calls.factories import make_call
from tests.conftest import Personas

# 14:00 UTC is 09:00 in Testville's default zone (UTC here): within program hours.
NOON = datetime(2025, 5, 5, 12, 0, tzinfo=UTC)


def _call(personas: Personas, **fields: object) -> Call:
    fields.setdefault("received_at", NOON)
    return make_call(personas.agency, **fields)


def test_every_call_written_gets_a_decision_with_reasons(personas: Personas) -> None:
    call = _call(personas, initial_type_text="MENTAL HEALTH CRISIS", narrative="hearing voices")
    decision = TriageDecision.objects.get(call=call)
    assert (decision.mode, decision.category, decision.rule) == (
        "alternative",
        "mental_health",
        "program-eligible",
    )
    assert decision.reasons[0]["evidence"]
    assert decision.policy_version == "coresponder-default 2026.1"
    assert decision.call_content_hash == call.content_hash
    assert AuditEvent.objects.filter(action=AuditAction.TRIAGE_DECIDED).exists()


def test_a_later_version_of_a_call_is_decided_again(personas: Personas) -> None:
    _call(personas, event_number="V-1", initial_type_text="WELFARE CHECK")
    _call(
        personas,
        event_number="V-1",
        initial_type_text="WELFARE CHECK",
        narrative="man with a gun",
        updated_at=datetime(2025, 5, 5, 13, 0, tzinfo=UTC),
    )
    decision = TriageDecision.objects.get(call__event_number="V-1")
    assert (decision.mode, decision.rule) == ("police", "gate-weapon")
    assert TriageDecision.objects.filter(call__event_number="V-1").count() == 1


def test_a_hidden_behavioural_health_call_is_flagged(personas: Personas) -> None:
    call = _call(
        personas,
        initial_type_text="SUSPICIOUS PERSON",
        final_type_text="MENTAL HEALTH CRISIS",
        narrative="",
    )
    decision = TriageDecision.objects.get(call=call)
    assert decision.hidden_behavioural_health
    assert decision.reasons[-1]["rule"] == "hidden-behavioural-health"


def test_unseen_call_types_go_to_the_review_queue_once(personas: Personas) -> None:
    _call(personas, initial_type_text="ZZQX BLORP")
    _call(personas, initial_type_text="ZZQX BLORP")
    review = CallTypeReview.objects.get(agency=personas.agency, example="ZZQX BLORP")
    assert (review.suggested_category, review.confidence) == ("unknown", 0.0)
    assert review.calls_seen == 2
    assert TriageDecision.objects.filter(category="unknown").count() == 2
    # Deciding the same calls again (a new policy, a changed crosswalk) does not count them twice.
    TriageDecision.objects.update(call_content_hash="")
    assert services.calls_triage_pending(agency=personas.agency).decided == 2
    review.refresh_from_db()
    assert review.calls_seen == 2


def test_confirming_a_review_makes_an_override_and_decides_its_calls_again(
    personas: Personas,
) -> None:
    call = _call(personas, initial_type_text="ZZQX BLORP")
    review = CallTypeReview.objects.get(example="ZZQX BLORP")
    services.call_type_confirm(actor=personas.supervisor, review=review, category="welfare_check")
    review.refresh_from_db()
    assert review.status == CallTypeReview.Status.CONFIRMED
    assert CallTypeOverride.objects.get(agency=personas.agency).category == "welfare_check"
    decision = TriageDecision.objects.get(call=call)
    assert (decision.category, decision.mode) == ("welfare_check", "alternative")
    assert AuditEvent.objects.filter(action=AuditAction.TRIAGE_OVERRIDE_SET).exists()
    # The next call of that type is answered by the override, and queues nothing.
    _call(personas, initial_type_text="zzqx  blorp")
    assert CallTypeReview.objects.filter(status="pending").count() == 0


def test_an_override_is_per_agency(personas: Personas) -> None:
    services.call_type_override_set(
        actor=personas.supervisor, call_type="TRAFFIC STOP", category="administrative"
    )
    mine = _call(personas, initial_type_text="TRAFFIC STOP")
    theirs = make_call(personas.other_agency, initial_type_text="TRAFFIC STOP", received_at=NOON)
    assert TriageDecision.objects.get(call=mine).category == "administrative"
    assert TriageDecision.objects.get(call=theirs).category == "traffic"


def test_a_dispatcher_accepts_or_overrides_with_a_reason(personas: Personas) -> None:
    decision = TriageDecision.objects.get(call=_call(personas, initial_type_text="WELFARE CHECK"))
    with pytest.raises(services.TriageError, match="Say why"):
        services.triage_answer(actor=personas.dispatcher, decision=decision, chosen_mode="police")
    services.triage_answer(
        actor=personas.dispatcher,
        decision=decision,
        chosen_mode="police",
        reason="Caller reports threats to staff",
    )
    services.triage_answer(actor=personas.dispatcher, decision=decision, chosen_mode=decision.mode)
    answers = list(DispatcherAnswer.objects.order_by("pk").values_list("action", "chosen_mode"))
    assert answers == [("overridden", "police"), ("accepted", "alternative")]
    assert AuditEvent.objects.filter(action=AuditAction.TRIAGE_OVERRIDDEN).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.TRIAGE_ACCEPTED).count() == 1


def test_an_override_cannot_take_police_off_a_weapon_call(personas: Personas) -> None:
    call = _call(personas, initial_type_text="WELFARE CHECK", narrative="he has a gun")
    decision = TriageDecision.objects.get(call=call)
    with pytest.raises(services.TriageError, match="police must be on scene"):
        services.triage_answer(
            actor=personas.dispatcher,
            decision=decision,
            chosen_mode="alternative",
            reason="The team knows him well",
        )
    services.triage_answer(
        actor=personas.dispatcher,
        decision=decision,
        chosen_mode="co_response",
        reason="The team knows him well",
    )


@time_machine.travel(NOON, tick=False)
def test_live_capacity_sends_police_when_every_team_is_busy(personas: Personas) -> None:
    for number in range(2):  # the default policy has two teams on duty
        _call(personas, event_number=f"B-{number}", initial_type_text="WELFARE CHECK",
              on_scene_at=None, cleared_at=None)  # fmt: skip
    assert TriageDecision.objects.filter(mode="alternative").count() == 2
    busy = _call(personas, event_number="B-3", initial_type_text="WELFARE CHECK", on_scene_at=None)
    decision = TriageDecision.objects.get(call=busy)
    assert (decision.mode, decision.rule, decision.eligible) == (
        "police",
        "program-unavailable",
        True,
    )


def _token(personas: Personas, scopes: list[str]) -> str:
    _, secret = api_token_create(actor=None, user=personas.dispatcher, name="CAD", scopes=scopes)
    return secret


def _post(secret: str, body: object):
    return Client().post(
        "/api/v1/triage",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def test_the_api_triages_a_payload_and_stores_nothing(personas: Personas) -> None:
    secret = _token(personas, ["triage:read"])
    response = _post(
        secret,
        {
            "initial_type_text": "127D_Suicide Threat",
            "priority": "2",
            "narrative": "no weapons seen",
            "received_at": "2025-05-05T12:00:00Z",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["mode"], body["category"], body["rule"]) == (
        "co_response",
        "suicide",
        "suicide-co-response",
    )
    assert body["reasons"][0]["evidence"]
    assert TriageDecision.objects.count() == 0
    assert Call.objects.count() == 0


def test_the_api_refuses_unknown_flags_and_a_token_without_the_scope(personas: Personas) -> None:
    bad = _post(_token(personas, ["triage:read"]), {"flags": {"knife": True}})
    assert bad.status_code == 422
    assert "flags" in bad.json()["detail"] and "unknown flag" in bad.json()["detail"]
    refused = _post(_token(personas, ["calls:read"]), {"initial_type_text": "THEFT"})
    assert refused.status_code == 403


def test_garbage_call_types_are_unknown_never_an_error(personas: Personas) -> None:
    secret = _token(personas, ["triage:read"])
    for call_type in ("", "   ", "@@@###", "x" * 255, "\u202e\u0000?"):
        response = _post(secret, {"initial_type_text": call_type})
        assert response.status_code == 200, call_type
        assert response.json()["category"] == "unknown"
        assert response.json()["confidence"] == 0.0
