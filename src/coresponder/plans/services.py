"""Writing response plans and premise notes: a social worker writes, someone else approves,
and every change sends it back for approval. Each write is audited in its transaction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coresponder.access.principal import has_capability
from coresponder.access.roles import Capability
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import Outcome
from coresponder.audit.services import audit_record
from coresponder.cases.models import Person
from coresponder.core.versioning import save_if_unchanged
from coresponder.linkage.engine.addresses import parse_address
from coresponder.notifications.services import notify
from coresponder.plans.models import Approvable, Consult, PremiseNote, ResponsePlan

PLAN_FIELDS = ("safety_concerns", "triggers", "what_helps", "de_escalation", "who_to_call",
               "co_author")  # fmt: skip
LONGEST_REVIEW = timedelta(days=366)  # a plan is looked at again at least once a year


class PlanError(ValueError):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class PlanConflict(PlanError):
    """Someone else changed it after this edit began."""


def _require(actor: Any, capability: Capability, agency_id: int) -> None:
    from django.http import Http404

    if not has_capability(actor, capability) or actor.agency_id != agency_id:
        raise Http404


def _check_review_by(review_by: date) -> None:
    today = timezone.localdate()
    if review_by <= today:
        raise PlanError("The review date must be after today.", "review_by")
    if review_by > today + LONGEST_REVIEW:
        raise PlanError("Review it within a year: choose an earlier date.", "review_by")


def plan_save(
    *,
    actor: Any,
    person: Person,
    review_by: date,
    plan: ResponsePlan | None = None,
    expected_version: int | None = None,
    **fields: str,
) -> ResponsePlan:
    """Write a new plan for ``person``, or change ``plan``; either way it waits for approval."""
    _require(actor, Capability.EDIT_CASES, person.agency_id)
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise PlanError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    values = {name: (fields.get(name) or "").strip() for name in PLAN_FIELDS}
    if not any(values[name] for name in ("safety_concerns", "triggers", "what_helps",
                                          "de_escalation")):  # fmt: skip
        raise PlanError("Write at least one part of the plan for officers.", "safety_concerns")
    values["who_to_call"] = values["who_to_call"] or "The on-call social worker"
    _check_review_by(review_by)
    with transaction.atomic():
        if plan is None:
            plan = ResponsePlan.objects.create(
                agency_id=person.agency_id, person=person, author=actor, review_by=review_by,
                **values,
            )  # fmt: skip
        else:
            _save_versioned(actor, plan, expected_version, {
                **values, "review_by": review_by, "status": Approvable.Status.DRAFT,
                "approved_by": None, "approved_at": None, "author": actor,
            })  # fmt: skip
        audit_record(
            actor=actor,
            action=AuditAction.PLAN_SAVED,
            object_type="response_plan",
            object_id=plan.public_id,
            data={"version": plan.version, "review_by": review_by.isoformat()},
        )
    return plan


def premise_note_save(
    *,
    actor: Any,
    address: str,
    note: str,
    review_by: date,
    record: PremiseNote | None = None,
    expected_version: int | None = None,
) -> PremiseNote:
    _require(actor, Capability.EDIT_CASES, actor.agency_id)
    parsed = parse_address(address)
    if not parsed.parsed:
        raise PlanError("Give an address the product can read (number and street).", "address")
    note = " ".join(note.split())
    if not note:
        raise PlanError("Write the note for officers.", "note")
    if len(note) > 500:
        raise PlanError("Keep the note to 500 characters.", "note")
    _check_review_by(review_by)
    values = {"location": parsed.key, "address": address.strip(), "note": note,
              "review_by": review_by}  # fmt: skip
    with transaction.atomic():
        if record is None:
            record = PremiseNote.objects.create(agency_id=actor.agency_id, author=actor, **values)
        else:
            _save_versioned(actor, record, expected_version, {
                **values, "status": Approvable.Status.DRAFT, "approved_by": None,
                "approved_at": None, "author": actor,
            })  # fmt: skip
        audit_record(
            actor=actor,
            action=AuditAction.PREMISE_NOTE_SAVED,
            object_type="premise_note",
            object_id=record.public_id,
            data={"location": parsed.key[:100]},
        )
    return record


def approve(*, actor: Any, record: ResponsePlan | PremiseNote, expected_version: int) -> None:
    """Approve a plan or note written by someone else, while its review date is ahead."""
    _require(actor, Capability.APPROVE_SAFETY_NOTES, record.agency_id)
    kind = "plan" if isinstance(record, ResponsePlan) else "premise note"
    problem = ""
    if record.author_id == actor.pk:
        problem = f"A {kind} cannot be approved by the person who wrote it: ask a colleague."
    elif record.review_by <= timezone.localdate():
        problem = (
            f"This {kind}'s review date has passed: change it with a new review date, and it "
            "can be approved again."
        )
    elif record.status != Approvable.Status.DRAFT:
        problem = f"This {kind} is not waiting for approval."
    if problem:
        audit_record(
            actor=actor,
            action=AuditAction.PLAN_APPROVAL_REFUSED,
            object_type=type(record).__name__.lower(),
            object_id=record.public_id,
            outcome=Outcome.DENIED,
            reason=problem,
        )
        raise PlanError(problem)
    with transaction.atomic():
        _save_versioned(actor, record, expected_version, {
            "status": Approvable.Status.APPROVED, "approved_by": actor,
            "approved_at": timezone.now(),
        })  # fmt: skip
        audit_record(
            actor=actor,
            action=AuditAction.PLAN_APPROVED,
            object_type=type(record).__name__.lower(),
            object_id=record.public_id,
            data={"review_by": record.review_by.isoformat()},
        )


def retire(
    *, actor: Any, record: ResponsePlan | PremiseNote, expected_version: int, reason: str
) -> None:
    """Take a plan or note out of use (it no longer applies); it stays on record."""
    _require(actor, Capability.EDIT_CASES, record.agency_id)
    if not reason.strip():
        raise PlanError("Say why it no longer applies.", "reason")
    with transaction.atomic():
        _save_versioned(actor, record, expected_version, {"status": Approvable.Status.RETIRED})
        audit_record(
            actor=actor,
            action=AuditAction.PLAN_RETIRED,
            object_type=type(record).__name__.lower(),
            object_id=record.public_id,
            reason=reason.strip()[:500],
        )


def _save_versioned(
    actor: Any, record: Approvable, expected_version: int | None, changes: dict[str, Any]
) -> None:
    if not save_if_unchanged(record, expected_version, changes):
        raise PlanConflict(
            "Someone else changed this after you opened it: reload to see their version."
        )


# ---- Officer consults -----------------------------------------------------------------------


def consult_ask(
    *, actor: Any, question: str, urgency: str = "today", call_number: str = ""
) -> Consult:
    """An officer asks the social-work team; the team is told (no names in the message)."""
    _require(actor, Capability.ASK_CONSULTS, actor.agency_id)
    question = question.strip()
    if not question:
        raise PlanError("Write the question.", "question")
    if len(question) > 2000:
        raise PlanError("Keep the question to 2,000 characters.", "question")
    if urgency not in Consult.Urgency.values:
        raise PlanError("Choose how soon an answer is needed.", "urgency")
    with transaction.atomic():
        consult = Consult.objects.create(
            agency_id=actor.agency_id, asked_by=actor, question=question, urgency=urgency,
            call_number=call_number.strip()[:64],
        )  # fmt: skip
        audit_record(
            actor=actor, action=AuditAction.CONSULT_ASKED, object_type="consult",
            object_id=consult.public_id, data={"urgency": urgency},
        )  # fmt: skip
    notify(
        users=_answerers(actor.agency_id),
        message="An officer asked the social-work team for advice",
        path=reverse("plans:consult", kwargs={"public_id": consult.public_id}),
    )
    return consult


def _answerers(agency_id: int) -> list[Any]:
    from coresponder.accounts.models import User

    return [
        user
        for user in User.objects.filter(agency_id=agency_id, is_active=True)
        if has_capability(user, Capability.ANSWER_CONSULTS)
    ]


def consult_answer(*, actor: Any, consult: Consult, answer: str) -> Consult:
    """Answer a consult (timed from the question); the officer is told."""
    _require(actor, Capability.ANSWER_CONSULTS, consult.agency_id)
    answer = answer.strip()
    if not answer:
        raise PlanError("Write the answer.", "answer")
    if consult.status != Consult.Status.OPEN:
        raise PlanError("This consult was already answered.")
    with transaction.atomic():
        updated = Consult.objects.filter(pk=consult.pk, status=Consult.Status.OPEN).update_audited(
            status=Consult.Status.ANSWERED, answer=answer[:4000], answered_by=actor,
            answered_at=timezone.now(),
        )  # fmt: skip
        if not updated:
            raise PlanError("Someone answered this consult a moment ago: reload to see it.")
        consult.refresh_from_db()
        audit_record(
            actor=actor, action=AuditAction.CONSULT_ANSWERED, object_type="consult",
            object_id=consult.public_id,
            data={"minutes": round(consult.minutes_to_answer or 0, 1)},
        )  # fmt: skip
    notify(
        users=[consult.asked_by],
        message="The social-work team answered your consult",
        path=reverse("plans:consult", kwargs={"public_id": consult.public_id}),
    )
    return consult


def consult_to_case(*, actor: Any, consult: Consult, first_name: str, last_name: str) -> Any:
    """Make a case of a consult: a person (named by the worker) and an officer-referral case."""
    from coresponder.cases.services import case_open, person_create

    _require(actor, Capability.ANSWER_CONSULTS, consult.agency_id)
    if consult.case_id:
        raise PlanError("This consult is already a case.")
    if not (first_name.strip() or last_name.strip()):
        raise PlanError("Name the person the case is for.", "last_name")
    with transaction.atomic():
        person = person_create(actor=actor, first_name=first_name, last_name=last_name)
        case = case_open(actor=actor, person=person, source="officer_referral")
        Consult.objects.filter(pk=consult.pk).update_audited(case=case)
        consult.refresh_from_db()
        audit_record(
            actor=actor, action=AuditAction.CONSULT_BECAME_CASE, object_type="consult",
            object_id=consult.public_id, data={"case": str(case.public_id)},
        )  # fmt: skip
    return case


# ---- A photo on a plan ----------------------------------------------------------------------

MAX_PHOTO_BYTES = 2 * 1024 * 1024
PHOTO_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def photo_type_of(data: bytes) -> str:
    """The image type by its first bytes (a file's name or claimed type is not trusted)."""
    return next((kind for magic, kind in PHOTO_SIGNATURES.items() if data.startswith(magic)), "")


def plan_photo_set(
    *, actor: Any, plan: ResponsePlan, expected_version: int, data: bytes, consent: str
) -> ResponsePlan:
    """Put a photo on a plan, with the consent it rests on; like any change, the plan waits
    for approval again before officers see it."""
    _require(actor, Capability.EDIT_CASES, plan.agency_id)
    consent = " ".join(consent.split())
    if not consent:
        raise PlanError("Say who consented to the photo, and when.", "photo_consent")
    if len(data) > MAX_PHOTO_BYTES:
        raise PlanError("The photo is larger than 2 MB: choose a smaller one.", "photo")
    kind = photo_type_of(data)
    if not kind:
        raise PlanError("The photo must be a JPEG or PNG image.", "photo")
    with transaction.atomic():
        _save_versioned(actor, plan, expected_version, {
            "photo": data, "photo_type": kind, "photo_consent": consent[:200],
            "status": Approvable.Status.DRAFT, "approved_by": None, "approved_at": None,
        })  # fmt: skip
        audit_record(
            actor=actor, action=AuditAction.PLAN_SAVED, object_type="response_plan",
            object_id=plan.public_id, data={"photo": kind, "bytes": len(data)},
        )  # fmt: skip
    return plan


def plan_photo_remove(*, actor: Any, plan: ResponsePlan, expected_version: int) -> None:
    """Take the photo off (consent withdrawn); officers stop seeing it at once."""
    _require(actor, Capability.EDIT_CASES, plan.agency_id)
    with transaction.atomic():
        _save_versioned(
            actor, plan, expected_version, {"photo": None, "photo_type": "", "photo_consent": ""}
        )
        audit_record(
            actor=actor, action=AuditAction.PLAN_SAVED, object_type="response_plan",
            object_id=plan.public_id, data={"photo": "removed"},
        )  # fmt: skip
