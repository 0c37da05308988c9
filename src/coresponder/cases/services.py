"""Writing case records. Every change is a service: it checks the actor may make it, saves
with optimistic locking where people edit the same record, and audits it in the same
transaction."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import F, Model
from django.http import Http404
from django.utils import timezone

from coresponder.access.roles import Capability
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import Outcome
from coresponder.audit.services import audit_record
from coresponder.calls.models import Call
from coresponder.cases import access, search
from coresponder.cases.models import (
    NEEDS,
    RISK_ORDER,
    Assessment,
    Case,
    ContactPoint,
    Encounter,
    Note,
    NoteVersion,
    Person,
    PersonAlias,
    PersonCall,
    Risk,
    SafetyPlan,
    Sensitivity,
    Task,
)
from coresponder.core.versioning import save_if_unchanged

NEED_CODES = {code for code, _ in NEEDS}
# Encounters after which someone must be contacted again, by default within 48 hours.
CRISIS_KINDS = {Encounter.Kind.CRISIS, Encounter.Kind.CO_RESPONSE}


class CaseError(ValueError):
    """A change refused with a message for the person who asked (a field, a reason)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class EditConflict(CaseError):
    """Someone else saved the record since this edit began (HTTP 409 in the API)."""

    def __init__(self, message: str, *, actor: Any = None, record: Any = None) -> None:
        super().__init__(message)
        self.actor, self.record = actor, record


F_ = TypeVar("F_", bound=Callable[..., Any])


def _conflicts_audited(service: F_) -> F_:
    """Audit a refused save after its transaction has rolled back (inside it, the audit
    event would be rolled back too)."""

    @functools.wraps(service)
    def audited(*args: Any, **kwargs: Any) -> Any:
        try:
            return service(*args, **kwargs)
        except EditConflict as conflict:
            record = conflict.record
            audit_record(
                actor=conflict.actor or kwargs.get("actor"),
                action=AuditAction.EDIT_CONFLICT,
                object_type=type(record).__name__.lower() if record is not None else "",
                object_id=getattr(record, "public_id", getattr(record, "pk", "")),
                outcome=Outcome.FAILURE,
            )
            raise

    return audited  # type: ignore[return-value]


# ---- Optimistic locking ---------------------------------------------------------------------


def _save_versioned(
    actor: Any, record: Any, expected_version: int, changes: Mapping[str, Any]
) -> None:
    """Write ``changes`` only if the record is still at ``expected_version``; else refuse."""
    if not save_if_unchanged(record, expected_version, changes):
        raise EditConflict(
            "Someone else saved this record after you opened it. Your changes were not "
            "saved: reload to see theirs, then make yours again.",
            actor=actor,
            record=record,
        )


# ---- People ---------------------------------------------------------------------------------

PERSON_FIELDS = (
    "first_name", "last_name", "preferred_name", "pronouns", "date_of_birth", "birth_year",
    "language", "housing", "usual_location", "address", "emergency_contact",
)  # fmt: skip


def person_create(
    *,
    actor: Any,
    aliases: Iterable[str] = (),
    contacts: Iterable[tuple[str, str]] = (),
    **fields: Any,
) -> Person:
    _require(actor, Capability.EDIT_CASES)
    values = _person_values(fields)
    if not (values.get("first_name") or values.get("last_name") or list(aliases)):
        raise CaseError(
            "Give at least a first name, a last name or a name they go by.", "last_name"
        )
    with transaction.atomic():
        person = Person.objects.create(agency_id=actor.agency_id, created_by=actor, **values)
        _replace_aliases(person, aliases)
        _replace_contacts(person, contacts)
        search.index_person(person)
        audit_record(
            actor=actor,
            action=AuditAction.PERSON_CREATED,
            object_type="person",
            object_id=person.public_id,
        )
    return person


@_conflicts_audited
def person_update(
    *,
    actor: Any,
    person: Person,
    expected_version: int,
    aliases: Iterable[str] | None = None,
    contacts: Iterable[tuple[str, str]] | None = None,
    **fields: Any,
) -> Person:
    """Change a person; ``aliases`` and ``contacts``, when given, replace the ones held."""
    _require(actor, Capability.EDIT_CASES)
    _same_agency(actor, person)
    with transaction.atomic():
        _save_versioned(actor, person, expected_version, _person_values(fields))
        if aliases is not None:
            _replace_aliases(person, aliases)
        if contacts is not None:
            _replace_contacts(person, contacts)
        search.index_person(person)
        audit_record(
            actor=actor,
            action=AuditAction.PERSON_UPDATED,
            object_type="person",
            object_id=person.public_id,
            data={"fields": sorted(fields)},
        )
    return person


def _replace_aliases(person: Person, names: Iterable[str]) -> None:
    person.aliases.all().delete()
    PersonAlias.objects.bulk_create(
        PersonAlias(person=person, name=name.strip()[:200]) for name in names if name.strip()
    )


def _replace_contacts(person: Person, contacts: Iterable[tuple[str, str]]) -> None:
    kept = [(kind, value.strip()[:200]) for kind, value in contacts if value.strip()]
    unknown = sorted({kind for kind, _ in kept} - set(ContactPoint.Kind.values))
    if unknown:
        raise CaseError(f"Unknown kind of contact: {', '.join(unknown)}.", "contacts")
    person.contacts.all().delete()
    ContactPoint.objects.bulk_create(
        ContactPoint(person=person, kind=kind, value=value) for kind, value in kept
    )


def _person_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise CaseError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    values = dict(fields)
    born = values.get("date_of_birth")
    if born and born > timezone.localdate():
        raise CaseError("The date of birth is in the future.", "date_of_birth")
    year = values.get("birth_year")
    if year and not 1900 <= int(year) <= timezone.localdate().year:
        raise CaseError("The birth year is not a plausible year.", "birth_year")
    return values


def person_link_call(*, actor: Any, person: Person, call: Call, role: str = "") -> PersonCall:
    _require(actor, Capability.EDIT_CASES)
    _same_agency(actor, person)
    _same_agency(actor, call)
    with transaction.atomic():
        link, created = PersonCall.objects.get_or_create(
            person=person, call=call, defaults={"role": role[:40]}
        )
        if created:
            audit_record(
                actor=actor,
                action=AuditAction.PERSON_LINKED_TO_CALL,
                object_type="person",
                object_id=person.public_id,
                data={"call": str(call.public_id), "role": role[:40]},
            )
    return link


# ---- Cases ----------------------------------------------------------------------------------


def case_open(
    *,
    actor: Any,
    person: Person,
    source: str,
    source_call: Call | None = None,
    team: Any | None = None,
    assigned_to: Any | None = None,
    needs: Iterable[str] = (),
    goals: str = "",
    risk_level: str = Risk.LOW,
) -> Case:
    """Open a case for a person: by default assigned to the actor, in the actor's team."""
    _require(actor, Capability.EDIT_CASES)
    _same_agency(actor, person)
    if source not in Case.Source.values:
        raise CaseError("Say how the case came in.", "source")
    if source == Case.Source.CALL and source_call is None:
        raise CaseError("A case opened from a call needs the call.", "source_call")
    team = team or _home_team(actor)
    if team is None or team.agency_id != actor.agency_id:
        raise CaseError("Choose the team that will hold the case.", "team")
    with transaction.atomic():
        case = Case.objects.create(
            agency_id=actor.agency_id,
            person=person,
            team=team,
            assigned_to=assigned_to or actor,
            source=source,
            source_call=source_call,
            needs=_needs(needs),
            goals=goals.strip(),
            risk_level=_risk(risk_level),
            created_by=actor,
        )
        if source_call is not None:
            _same_agency(actor, source_call)
            PersonCall.objects.get_or_create(person=person, call=source_call)
        audit_record(
            actor=actor,
            action=AuditAction.CASE_OPENED,
            object_type="case",
            object_id=case.public_id,
            data={"source": source, "team": team.name},
        )
    return case


def _home_team(actor: Any) -> Any | None:
    membership = actor.memberships.filter(team__isnull=False).select_related("team").first()
    return membership.team if membership else None


@_conflicts_audited
def case_update(*, actor: Any, case: Case, expected_version: int, **fields: Any) -> Case:
    """Change a case's needs, goals or risk level."""
    access.require_edit(actor, case)
    allowed = {"needs", "goals", "risk_level"}
    unknown = set(fields) - allowed
    if unknown:
        raise CaseError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    changes: dict[str, Any] = {}
    if "needs" in fields:
        changes["needs"] = _needs(fields["needs"])
    if "goals" in fields:
        changes["goals"] = str(fields["goals"]).strip()
    if "risk_level" in fields:
        changes["risk_level"] = _risk(fields["risk_level"])
    with transaction.atomic():
        _save_versioned(actor, case, expected_version, changes)
        audit_record(
            actor=actor,
            action=AuditAction.CASE_UPDATED,
            object_type="case",
            object_id=case.public_id,
            data={"fields": sorted(changes)},
        )
    return case


@_conflicts_audited
def case_change_status(
    *, actor: Any, case: Case, expected_version: int, status: str, close_reason: str = ""
) -> Case:
    """open → active → closed (with a reason); a closed case can be reopened (active)."""
    access.require_edit(actor, case)
    if status not in Case.Status.values:
        raise CaseError("Choose open, active or closed.", "status")
    changes: dict[str, Any] = {"status": status}
    if status == Case.Status.CLOSED:
        if close_reason not in Case.CloseReason.values:
            raise CaseError("Say why the case is closing.", "close_reason")
        changes.update(close_reason=close_reason, closed_at=timezone.now())
    else:
        changes.update(close_reason="", closed_at=None)
    with transaction.atomic():
        before = case.status
        _save_versioned(actor, case, expected_version, changes)
        audit_record(
            actor=actor,
            action=AuditAction.CASE_STATUS_CHANGED,
            object_type="case",
            object_id=case.public_id,
            data={"from": before, "to": status, "reason": close_reason},
        )
    return case


def cases_reassign(*, actor: Any, cases: Iterable[Case], to_user: Any, reason: str) -> int:
    """Move cases to another worker of the agency. A reason is required; each move is audited."""
    reason = reason.strip()
    if len(reason) < 5:
        raise CaseError("Say why the cases are being moved (at least 5 letters).", "reason")
    if to_user is None or to_user.agency_id != actor.agency_id or not to_user.is_active:
        raise CaseError("Choose an active worker of your agency.", "to_user")
    moved = 0
    with transaction.atomic():
        for case in cases:
            if not access.can_reassign(actor, case):
                raise Http404
            if case.assigned_to_id == to_user.pk:
                continue
            before = case.assigned_to_id
            Case.objects.filter(pk=case.pk).update_audited(
                assigned_to=to_user, version=F("version") + 1, updated_at=timezone.now()
            )
            audit_record(
                actor=actor,
                action=AuditAction.CASES_REASSIGNED,
                object_type="case",
                object_id=case.public_id,
                reason=reason,
                data={"from_user": before, "to_user": to_user.pk},
            )
            moved += 1
    return moved


def _needs(values: Iterable[str]) -> list[str]:
    needs = sorted({str(value) for value in values})
    unknown = [need for need in needs if need not in NEED_CODES]
    if unknown:
        raise CaseError(f"Unknown need(s): {', '.join(unknown)}.", "needs")
    return needs


def _risk(value: str) -> str:
    if value not in Risk.values:
        raise CaseError("Choose a risk level: low, moderate, high or imminent.", "risk_level")
    return value


# ---- Encounters -----------------------------------------------------------------------------

ENCOUNTER_FIELDS = (
    "kind", "started_at", "ended_at", "other_responders", "outcome", "police_backup",
    "police_backup_reason", "force_used", "force_description", "summary",
)  # fmt: skip


def encounter_record(
    *,
    actor: Any,
    case: Case,
    call: Call | None = None,
    responders: Iterable[Any] = (),
    **fields: Any,
) -> Encounter:
    """Record an encounter. After a crisis or co-response, a follow-up task is created: contact
    within COREPONDER_FOLLOW_UP_HOURS (48) hours, for the case's worker."""
    access.require_edit(actor, case)
    values = _encounter_values(fields)
    if call is not None:
        _same_agency(actor, call)
    with transaction.atomic():
        encounter = Encounter.objects.create(
            agency_id=actor.agency_id, case=case, call=call, created_by=actor, **values
        )
        encounter.responders.set(
            [actor, *[r for r in responders if r.agency_id == actor.agency_id]]
        )
        if call is not None:
            PersonCall.objects.get_or_create(person_id=case.person_id, call=call)
        audit_record(
            actor=actor,
            action=AuditAction.ENCOUNTER_RECORDED,
            object_type="encounter",
            object_id=encounter.public_id,
            data={
                "case": str(case.public_id),
                "kind": encounter.kind,
                "outcome": encounter.outcome,
            },
        )
        if encounter.kind in CRISIS_KINDS:
            _follow_up_task(actor, case, encounter)
        if case.status == Case.Status.OPEN:
            Case.objects.filter(pk=case.pk).update_audited(
                status=Case.Status.ACTIVE, version=F("version") + 1, updated_at=timezone.now()
            )
    return encounter


def _encounter_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(ENCOUNTER_FIELDS)
    if unknown:
        raise CaseError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    values = dict(fields)
    if values.get("kind") not in Encounter.Kind.values:
        raise CaseError("Choose the kind of encounter.", "kind")
    if values.get("outcome") not in Encounter.Outcome.values:
        raise CaseError("Choose the outcome.", "outcome")
    started, ended = values.get("started_at"), values.get("ended_at")
    if not isinstance(started, datetime):
        raise CaseError("Give the time the encounter started.", "started_at")
    if started > timezone.now() + timedelta(minutes=5):
        raise CaseError("The start time is in the future.", "started_at")
    if ended is not None and ended < started:
        raise CaseError("The encounter ends before it starts.", "ended_at")
    if values.get("police_backup") and not str(values.get("police_backup_reason", "")).strip():
        raise CaseError("Say why police backup was requested.", "police_backup_reason")
    if values.get("force_used") and not str(values.get("force_description", "")).strip():
        raise CaseError("Describe the force used and by whom.", "force_description")
    return values


def _follow_up_task(actor: Any, case: Case, encounter: Encounter) -> Task:
    hours = settings.FOLLOW_UP_HOURS
    task = Task.objects.create(
        agency_id=actor.agency_id,
        case=case,
        title=f"Follow up within {hours} hours of the {encounter.get_kind_display().lower()}",
        due_at=(encounter.ended_at or encounter.started_at) + timedelta(hours=hours),
        assigned_to_id=case.assigned_to_id or actor.pk,
        encounter=encounter,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.TASK_CREATED,
        object_type="task",
        object_id=task.public_id,
        data={"case": str(case.public_id), "automatic": True},
    )
    return task


# ---- Assessments ----------------------------------------------------------------------------


def assessment_complete(
    *, actor: Any, case: Case, instrument: str, answers: Mapping[str, Any]
) -> Assessment:
    """Score an instrument's answers and keep them. The case's risk level rises to the
    assessment's when that is higher (it never falls by itself: a person lowers it)."""
    from coresponder.cases.engine.assessments import score
    from coresponder.cases.instruments import instrument_named

    access.require_edit(actor, case)
    found = instrument_named(instrument)
    if found is None:
        raise CaseError(f"No instrument {instrument!r}.", "instrument")
    result = score(found, answers)
    if result.problems or result.missing:
        problems = [f"{p.question}: {p.message}" for p in result.problems]
        problems += [f"{question}: an answer is needed" for question in result.missing]
        raise CaseError("; ".join(problems), "answers")
    with transaction.atomic():
        assessment = Assessment.objects.create(
            agency_id=actor.agency_id,
            case=case,
            instrument=found.code,
            instrument_version=found.version,
            answers=dict(result.answers),
            total=result.total,
            domain_scores={
                domain.id: {"score": domain.score, "max": domain.max_score, "level": domain.level}
                for domain in result.domains.values()
            },
            risk_level=result.risk_level or "",
            flags=sorted(flag.id for flag in result.flags),
            summary=result.summary,
            completed_by=actor,
        )
        raised = (
            result.risk_level
            and RISK_ORDER[Risk(result.risk_level)] > RISK_ORDER[Risk(case.risk_level)]
        )
        if raised:
            Case.objects.filter(pk=case.pk).update_audited(
                risk_level=result.risk_level, version=F("version") + 1, updated_at=timezone.now()
            )
        audit_record(
            actor=actor,
            action=AuditAction.ASSESSMENT_COMPLETED,
            object_type="assessment",
            object_id=assessment.public_id,
            data={
                "case": str(case.public_id),
                "instrument": found.code,
                "risk_level": result.risk_level or "",
                "case_risk_raised": bool(raised),
            },
        )
    return assessment


# ---- Notes and safety plans -----------------------------------------------------------------


def note_write(
    *,
    actor: Any,
    case: Case,
    body: str,
    sensitivity: str = Sensitivity.GENERAL,
    kind: str = Note.Kind.NOTE,
) -> Note:
    access.require_edit(actor, case)
    body = body.strip()
    if not body:
        raise CaseError("The note is empty.", "body")
    if sensitivity not in Sensitivity.values:
        raise CaseError("Choose the note's sensitivity.", "sensitivity")
    if kind not in Note.Kind.values:
        raise CaseError("Choose a case note or a shift handoff.", "kind")
    with transaction.atomic():
        note = Note.objects.create(
            agency_id=actor.agency_id, case=case, kind=kind, sensitivity=sensitivity, author=actor
        )
        NoteVersion.objects.create(note=note, number=1, body=body, author=actor)
        audit_record(
            actor=actor,
            action=AuditAction.NOTE_WRITTEN,
            object_type="note",
            object_id=note.public_id,
            data={"case": str(case.public_id), "sensitivity": sensitivity, "kind": kind},
        )
    return note


def note_amend(*, actor: Any, note: Note, body: str, reason: str) -> NoteVersion:
    """An amendment is a new version with its reason; earlier versions stay as written."""
    access.require_edit(actor, note.case)
    body, reason = body.strip(), reason.strip()
    if not body:
        raise CaseError("The amended note is empty.", "body")
    if len(reason) < 5:
        raise CaseError("Say why the note is amended (at least 5 letters).", "reason")
    with transaction.atomic():
        locked = Note.objects.select_for_update().get(pk=note.pk)
        number = locked.current_version + 1
        version = NoteVersion.objects.create(
            note=locked, number=number, body=body, reason=reason[:300], author=actor
        )
        Note.objects.filter(pk=note.pk).update_audited(current_version=number)
        audit_record(
            actor=actor,
            action=AuditAction.NOTE_AMENDED,
            object_type="note",
            object_id=note.public_id,
            reason=reason,
            data={"version": number},
        )
    note.refresh_from_db()
    return version


SAFETY_PLAN_FIELDS = (
    "warning_signs", "coping_strategies", "reasons_for_living", "people_and_places", "contacts",
    "means_safety",
)  # fmt: skip


@_conflicts_audited
def safety_plan_save(
    *, actor: Any, case: Case, expected_version: int | None, **fields: Any
) -> SafetyPlan:
    """Create the case's safety plan (``expected_version`` None) or change it."""
    access.require_edit(actor, case)
    unknown = set(fields) - set(SAFETY_PLAN_FIELDS)
    if unknown:
        raise CaseError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    values = {name: str(value).strip() for name, value in fields.items()}
    with transaction.atomic():
        plan = SafetyPlan.objects.filter(case=case).first()
        if plan is None:
            if expected_version is not None:
                raise EditConflict(
                    "The safety plan was removed since you opened it.", actor=actor, record=case
                )
            plan = SafetyPlan.objects.create(case=case, updated_by=actor, **values)
        else:
            if expected_version is None:
                raise EditConflict(
                    "Someone else wrote a safety plan for this case after you opened it. "
                    "Reload to see it, then make your changes.",
                    actor=actor,
                    record=case,
                )
            _save_versioned(actor, plan, expected_version, {**values, "updated_by": actor})
        audit_record(
            actor=actor,
            action=AuditAction.SAFETY_PLAN_SAVED,
            object_type="case",
            object_id=case.public_id,
            data={"version": plan.version},
        )
    return plan


# ---- Tasks ----------------------------------------------------------------------------------


def task_create(
    *, actor: Any, case: Case, title: str, due_at: datetime, assigned_to: Any | None = None
) -> Task:
    access.require_edit(actor, case)
    title = title.strip()
    if not title:
        raise CaseError("Say what is to be done.", "title")
    assignee = assigned_to or actor
    if assignee.agency_id != actor.agency_id:
        raise CaseError("Choose someone in your agency.", "assigned_to")
    with transaction.atomic():
        task = Task.objects.create(
            agency_id=actor.agency_id,
            case=case,
            title=title[:200],
            due_at=due_at,
            assigned_to=assignee,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.TASK_CREATED,
            object_type="task",
            object_id=task.public_id,
            data={"case": str(case.public_id)},
        )
    return task


@_conflicts_audited
def task_complete(
    *, actor: Any, task: Task, expected_version: int, outcome: str = "", cancel: bool = False
) -> Task:
    access.require_edit(actor, task.case)
    if task.status != Task.Status.OPEN:
        raise CaseError("This task is already closed.")
    status = Task.Status.CANCELLED if cancel else Task.Status.DONE
    with transaction.atomic():
        _save_versioned(
            actor,
            task,
            expected_version,
            {
                "status": status,
                "outcome": outcome.strip()[:300],
                "completed_at": timezone.now(),
                "completed_by": actor,
            },
        )
        audit_record(
            actor=actor,
            action=AuditAction.TASK_COMPLETED,
            object_type="task",
            object_id=task.public_id,
            data={"status": status},
        )
    return task


# ---- Shared checks --------------------------------------------------------------------------


def _require(actor: Any, capability: Capability) -> None:
    from coresponder.access.principal import has_capability

    if not has_capability(actor, capability):
        raise Http404


def _same_agency(actor: Any, record: Model) -> None:
    if getattr(record, "agency_id", None) != actor.agency_id:
        raise Http404
