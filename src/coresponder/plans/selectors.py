"""Reads of plans and premise notes. Officers reach them only as a call's briefing: the
approved, current plans of the people linked to the call and the notes for its place, with
nothing else about anyone; every briefing shown is audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from coresponder.access.principal import has_capability
from coresponder.access.roles import Capability
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.calls.models import Call
from coresponder.cases.models import PersonCall
from coresponder.linkage.engine.addresses import parse_address
from coresponder.plans.models import Approvable, PremiseNote, ResponsePlan


@dataclass(frozen=True)
class PlanForOfficers:
    """Only what an officer may see: the person's name and the plan's officer-facing parts."""

    person_name: str
    safety_concerns: str
    triggers: str
    what_helps: str
    de_escalation: str
    who_to_call: str
    review_by: Any
    photo_url: str = ""  # when the plan carries a photo the person consented to


@dataclass(frozen=True)
class NoteForOfficers:
    address: str
    note: str
    on_this_block: bool  # the call gives only a block: the note is for an address in it
    review_by: Any


@dataclass(frozen=True)
class Briefing:
    plans: list[PlanForOfficers]
    notes: list[NoteForOfficers]

    def as_dict(self) -> dict[str, Any]:
        return {
            "plans": [vars(p) | {"review_by": p.review_by.isoformat()} for p in self.plans],
            "premise_notes": [vars(n) | {"review_by": n.review_by.isoformat()} for n in self.notes],
        }


def _current(rows: QuerySet[Any]) -> QuerySet[Any]:
    return rows.filter(status=Approvable.Status.APPROVED, review_by__gte=timezone.localdate())


def briefing_for_call(*, user: Any, call: Call, via: str = "page") -> Briefing | None:
    """The briefing for ``call`` for a user who may read safety notes (None for others)."""
    if not has_capability(user, Capability.VIEW_SAFETY_NOTES) or call.agency_id != user.agency_id:
        return None
    people = PersonCall.objects.filter(call=call).values("person_id")
    plans = [
        PlanForOfficers(
            person_name=plan.person.display_name,
            safety_concerns=plan.safety_concerns,
            triggers=plan.triggers,
            what_helps=plan.what_helps,
            de_escalation=plan.de_escalation,
            who_to_call=plan.who_to_call,
            review_by=plan.review_by,
            photo_url=_photo_url(plan),
        )
        for plan in _current(ResponsePlan.objects.filter(agency_id=call.agency_id))
        .filter(person_id__in=people)
        .select_related("person")
        .order_by("person_id", "-approved_at")
    ]
    notes = _notes_for(call)
    audit_record(
        actor=user,
        action=AuditAction.BRIEFING_VIEWED,
        object_type="call",
        object_id=call.public_id,
        data={"plans": len(plans), "notes": len(notes), "via": via},
    )
    return Briefing(plans, notes)


def _photo_url(plan: ResponsePlan) -> str:
    from django.urls import reverse

    if not plan.photo_type:
        return ""
    return reverse("plans:photo", kwargs={"public_id": plan.public_id})


def plan_photo(*, user: Any, public_id: Any) -> tuple[bytes, str]:
    """A plan's photo: for those who work cases, or for those who may read safety notes while
    the plan is approved and current (as in a briefing); else 404. Audited."""
    plan = (
        ResponsePlan.objects.filter(agency_id=user.agency_id, public_id=_uuid(public_id))
        .exclude(photo_type="")
        .first()
    )
    if plan is None:
        raise Http404
    works_cases = has_capability(user, Capability.VIEW_CASES)
    if not works_cases and not (
        has_capability(user, Capability.VIEW_SAFETY_NOTES) and plan.is_current()
    ):
        raise Http404
    audit_record(
        actor=user, action=AuditAction.PLAN_VIEWED, object_type="response_plan",
        object_id=plan.public_id, data={"photo": True},
    )  # fmt: skip
    return bytes(plan.photo or b""), plan.photo_type


def _notes_for(call: Call) -> list[NoteForOfficers]:
    if not call.address_raw:
        return []
    parsed = parse_address(call.address_raw)
    if not parsed.parsed:
        return []
    rows = _current(PremiseNote.objects.filter(agency_id=call.agency_id))
    exact = list(rows.filter(location=parsed.key))
    found = [NoteForOfficers(n.address, n.note, False, n.review_by) for n in exact]
    if parsed.kind == "block":
        block = [n for n in rows.filter(location__startswith="addr:") if _block_of(n) == parsed.key]
        found += [NoteForOfficers(n.address, n.note, True, n.review_by) for n in block]
    return found


def _block_of(note: PremiseNote) -> str:
    return parse_address(note.address).block_key


def plans_of_person(*, user: Any, person: Any) -> list[ResponsePlan]:
    if not has_capability(user, Capability.VIEW_CASES) or person.agency_id != user.agency_id:
        raise Http404
    return list(
        ResponsePlan.objects.filter(person=person)
        .select_related("author", "approved_by")
        .order_by("-updated_at")
    )


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def plan_get(*, user: Any, public_id: Any) -> ResponsePlan:
    """A plan for those who work cases (never officers: they see plans only in a briefing)."""
    if not has_capability(user, Capability.VIEW_CASES):
        raise Http404
    plan = (
        ResponsePlan.objects.filter(agency_id=user.agency_id, public_id=_uuid(public_id))
        .select_related("person", "author", "approved_by")
        .first()
    )
    if plan is None:
        raise Http404
    audit_record(
        actor=user, action=AuditAction.PLAN_VIEWED, object_type="response_plan",
        object_id=plan.public_id,
    )  # fmt: skip
    return plan


def note_get(*, user: Any, public_id: Any) -> PremiseNote:
    if not has_capability(user, Capability.VIEW_CASES):
        raise Http404
    note = PremiseNote.objects.filter(agency_id=user.agency_id, public_id=_uuid(public_id)).first()
    if note is None:
        raise Http404
    return note


def plans_overview(*, user: Any) -> dict[str, list[Any]]:
    """For workers and supervisors: what waits for approval, what is current, what lapsed."""
    audit_record(actor=user, action=AuditAction.PLANS_LISTED)
    plans = ResponsePlan.objects.filter(agency_id=user.agency_id).select_related(
        "person", "author", "approved_by"
    )
    notes = PremiseNote.objects.filter(agency_id=user.agency_id).select_related("author")
    today = timezone.localdate()
    approved = Approvable.Status.APPROVED
    return {
        "waiting_plans": list(plans.filter(status=Approvable.Status.DRAFT).order_by("created_at")),
        "waiting_notes": list(notes.filter(status=Approvable.Status.DRAFT).order_by("created_at")),
        "current_plans": list(
            plans.filter(status=approved, review_by__gte=today).order_by("review_by")
        ),  # fmt: skip
        "lapsed_plans": list(
            plans.filter(status=approved, review_by__lt=today).order_by("review_by")
        ),  # fmt: skip
        "current_notes": list(
            notes.filter(status=approved, review_by__gte=today).order_by("review_by")
        ),  # fmt: skip
        "lapsed_notes": list(
            notes.filter(status=approved, review_by__lt=today).order_by("review_by")
        ),  # fmt: skip
    }


# ---- Officer consults -----------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultFigures:
    asked: int
    answered: int
    median_minutes: float | None  # from question to answer


def consults_for(*, user: Any) -> tuple[list[Any], ConsultFigures]:
    """Officers: their own consults. The team: every consult of the agency, open first."""
    from coresponder.plans.models import Consult

    rows = Consult.objects.filter(agency_id=user.agency_id).select_related(
        "asked_by", "answered_by", "case"
    )
    if not has_capability(user, Capability.ANSWER_CONSULTS):
        rows = rows.filter(asked_by=user)
    items = list(rows.order_by("-status", "-asked_at")[:200])
    minutes = sorted(m for c in items if (m := c.minutes_to_answer) is not None)
    middle = len(minutes) // 2
    median = None
    if minutes:
        median = (
            minutes[middle] if len(minutes) % 2 else (minutes[middle - 1] + minutes[middle]) / 2
        )
    figures = ConsultFigures(len(items), sum(1 for c in items if c.answered_at), median)
    return items, figures


def consult_get(*, user: Any, public_id: Any) -> Any:
    """One consult: for the team, or for the officer who asked it; else 404."""
    from coresponder.plans.models import Consult

    consult = (
        Consult.objects.filter(agency_id=user.agency_id, public_id=_uuid(public_id))
        .select_related("asked_by", "answered_by", "case")
        .first()
    )
    if consult is None:
        raise Http404
    if not has_capability(user, Capability.ANSWER_CONSULTS) and consult.asked_by_id != user.pk:
        raise Http404
    audit_record(
        actor=user, action=AuditAction.CONSULT_VIEWED, object_type="consult",
        object_id=consult.public_id,
    )  # fmt: skip
    return consult
