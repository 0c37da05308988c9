"""API: a triage recommendation for a call payload, without storing anything."""

# No `from __future__ import annotations` here: django-ninja reads the real types.
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import field_validator

from coresponder.access.api import api_requires
from coresponder.access.roles import Capability
from coresponder.triage.engine.policy import FLAG_NAMES, MODE_LABELS
from coresponder.triage.engine.triager import CallFacts
from coresponder.triage.services import program_capacity_available, triager_for

router = Router(tags=["triage"])


class TriageCallIn(Schema):
    initial_type_code: str = Field("", max_length=64)
    initial_type_text: str = Field("", max_length=255)
    final_type_code: str = Field("", max_length=64)
    final_type_text: str = Field("", max_length=255)
    disposition_text: str = Field("", max_length=255)
    priority: str = Field("", max_length=32)
    flags: dict[str, bool] = Field(default_factory=dict)
    narrative: str = Field("", max_length=100_000)
    received_at: datetime | None = None
    district: str = Field("", max_length=64)
    beat: str = Field("", max_length=32)

    @field_validator("flags")
    @classmethod
    def known_flags(cls, flags: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(flags) - FLAG_NAMES)
        if unknown:
            raise ValueError(
                f"unknown flag(s) {', '.join(unknown)}; flags are {', '.join(sorted(FLAG_NAMES))}"
            )
        return flags


class ReasonOut(Schema):
    rule: str
    text: str
    evidence: list[str]


class TriageDecisionOut(Schema):
    mode: str
    mode_label: str
    category: str
    vera_category: str
    behavioural_health: bool
    hidden_behavioural_health: list[str]
    eligible: bool
    confidence: float
    rule: str
    reasons: list[ReasonOut]
    flags: list[str]
    policy_version: str
    call_type: str
    call_type_key: str


@router.post("/triage", response=TriageDecisionOut)
@api_requires(
    Capability.TRIAGE_CALLS, token_scope="triage:read", audits="nothing (nothing is stored)"
)
def triage_post(request: HttpRequest, payload: TriageCallIn) -> dict[str, Any]:
    agency = request.auth.user.agency  # type: ignore[attr-defined]
    triager = triager_for(agency)
    received = payload.received_at or timezone.now()
    if received.tzinfo is None:
        received = received.replace(tzinfo=ZoneInfo(agency.time_zone))
    facts = CallFacts(
        initial_type_code=payload.initial_type_code,
        initial_type_text=payload.initial_type_text,
        final_type_code=payload.final_type_code,
        final_type_text=payload.final_type_text,
        disposition_text=payload.disposition_text,
        priority=payload.priority,
        flags=payload.flags,
        narrative=payload.narrative,
        local_time=received.astimezone(UTC).astimezone(ZoneInfo(agency.time_zone)),
        area=payload.district or payload.beat,
        capacity_available=program_capacity_available(agency, triager.policy),
    )
    triaged = triager.triage(facts)
    decision = triaged.decision.as_dict()
    return {
        **decision,
        "mode_label": MODE_LABELS[triaged.decision.mode],
        "hidden_behavioural_health": list(triaged.hidden_behavioural_health),
        "call_type": triaged.call_type,
        "call_type_key": triaged.call_type_key,
    }
