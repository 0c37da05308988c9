"""API: the officer briefing for a call, for a CAD or mobile client (token scope
``briefing:read``): the approved, current response plans of the people linked to the call and
the premise notes for its place; nothing else about anyone. Audited each time."""

# No `from __future__ import annotations` here: django-ninja reads the real types.
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from coresponder.access.api import api_requires
from coresponder.access.roles import Capability
from coresponder.calls.models import Call
from coresponder.plans.selectors import briefing_for_call

router = Router(tags=["briefing"])


class PlanOut(Schema):
    person_name: str
    safety_concerns: str
    triggers: str
    what_helps: str
    de_escalation: str
    who_to_call: str
    review_by: str
    photo_url: str = Field("", description="Present when the person consented to a photo.")


class NoteOut(Schema):
    address: str
    note: str
    on_this_block: bool
    review_by: str


class BriefingOut(Schema):
    plans: list[PlanOut]
    premise_notes: list[NoteOut]


@router.get("/calls/{call_id}/briefing", response=BriefingOut)
@api_requires(Capability.VIEW_SAFETY_NOTES, token_scope="briefing:read", audits="each briefing")
def call_briefing(request: HttpRequest, call_id: UUID) -> Any:
    user = request.auth.user  # type: ignore[attr-defined]
    call = Call.objects.filter(agency_id=user.agency_id, public_id=call_id).first()
    if call is None:
        raise Http404
    briefing = briefing_for_call(user=user, call=call, via="api")
    if briefing is None:
        raise Http404
    return briefing.as_dict()
