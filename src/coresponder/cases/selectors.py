"""Reading case records: scoped to what the reader's roles reach, and audited before any
record leaves."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from coresponder.access.roles import Capability
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.calls.models import Call
from coresponder.cases import access
from coresponder.cases.models import (
    Assessment,
    Case,
    Encounter,
    Note,
    NoteVersion,
    Person,
    Sensitivity,
    Task,
)


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


# ---- Cases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseView:
    case: Case
    can_edit: bool
    can_reassign: bool


def case_get(*, user: Any, public_id: Any, audit: bool = True) -> CaseView:
    """One case the user may see, or 404 (the same for "not yours" and "no such case")."""
    case = (
        access.cases_in_reach(user)
        .filter(public_id=_uuid(public_id))
        .select_related("person", "team", "assigned_to", "source_call")
        .first()
    )
    if case is None:
        raise Http404
    if audit:
        audit_record(
            actor=user, action=AuditAction.CASE_VIEWED, object_type="case", object_id=case.public_id
        )
    return CaseView(case, access.can_edit(user, case), access.can_reassign(user, case))


@dataclass(frozen=True)
class CaseloadFilters:
    which: str = "mine"  # mine | team
    status: str = "current"  # current (open and active) | open | active | closed | overdue | all
    risk: str = ""
    worker: int | None = None


def caseload(*, user: Any, filters: CaseloadFilters) -> QuerySet[Case]:
    """The user's cases, or the cases of the teams they reach, most recently changed first."""
    audit_record(
        actor=user,
        action=AuditAction.CASES_LISTED,
        data={"which": filters.which, "status": filters.status, "risk": filters.risk},
    )
    cases = access.cases_in_reach(user)
    if filters.which == "mine":
        cases = cases.filter(assigned_to=user)
    if filters.status == "current":
        cases = cases.exclude(status=Case.Status.CLOSED)
    elif filters.status in Case.Status.values:
        cases = cases.filter(status=filters.status)
    if filters.risk:
        cases = cases.filter(risk_level=filters.risk)
    if filters.worker:
        cases = cases.filter(assigned_to_id=filters.worker)
    if filters.status == "overdue":
        overdue = Task.objects.filter(
            agency_id=user.agency_id, status=Task.Status.OPEN, due_at__lt=timezone.now()
        )
        cases = cases.filter(pk__in=overdue.values("case_id"))
    # The most recently changed first, read in that order from an index (agency, team or
    # worker, updated_at): a page stops early however large the team. Ordering by risk or by
    # overdue tasks would mean reading and sorting every open case of the team (hundreds of
    # milliseconds); the risk and "overdue" filters narrow the list instead, and
    # ``with_task_counts`` counts the tasks of the page shown.
    return cases.select_related("person", "team", "assigned_to").order_by("-updated_at", "-pk")


def with_task_counts(cases: Iterable[Case]) -> list[Case]:
    """The cases, each with ``open_tasks`` and ``overdue_tasks``: one query for them all."""
    listed = list(cases)
    now = timezone.now()
    counts = {
        row["case_id"]: row
        for row in Task.objects.filter(
            case_id__in=[case.pk for case in listed], status=Task.Status.OPEN
        )
        .values("case_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
    }
    for case in listed:
        row = counts.get(case.pk, {})
        case.open_tasks = row.get("open", 0)  # type: ignore[attr-defined]
        case.overdue_tasks = row.get("overdue", 0)  # type: ignore[attr-defined]
    return listed


# ---- The case timeline ----------------------------------------------------------------------

TIMELINE_KINDS = ("call", "encounter", "note", "assessment", "task")


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    at: datetime
    record: Any
    restricted: bool = False  # a note the reader may not read: shown as withheld


def case_timeline(*, user: Any, case: Case, kinds: set[str] | None = None) -> list[TimelineEntry]:
    """Everything that happened on a case, newest first: the person's calls, encounters,
    notes (with their current text), assessments and tasks. A fixed number of queries
    whatever the case holds."""
    kinds = kinds or set(TIMELINE_KINDS)
    entries: list[TimelineEntry] = []
    if "call" in kinds:
        calls = Call.objects.filter(person_links__person_id=case.person_id).only(
            "public_id", "event_number", "received_at", "final_type_text", "initial_type_text",
            "address_raw",
        )  # fmt: skip
        entries += [TimelineEntry("call", call.received_at, call) for call in calls]
    if "encounter" in kinds:
        encounters = case.encounters.prefetch_related("responders")
        entries += [TimelineEntry("encounter", e.started_at, e) for e in encounters]
    if "note" in kinds:
        entries += _note_entries(user, case)
    if "assessment" in kinds:
        assessments = case.assessments.select_related("completed_by")
        entries += [TimelineEntry("assessment", a.completed_at, a) for a in assessments]
    if "task" in kinds:
        tasks = case.tasks.select_related("assigned_to", "completed_by")
        entries += [TimelineEntry("task", t.completed_at or t.due_at, t) for t in tasks]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def _note_entries(user: Any, case: Case) -> list[TimelineEntry]:
    readable = access.readable_sensitivities(user)
    notes = case.notes.select_related("author").prefetch_related(
        Prefetch(
            "versions",
            queryset=NoteVersion.objects.select_related("author").order_by("number"),
        )
    )
    entries = []
    part_2_shown = 0
    for note in notes:
        allowed = note.sensitivity in readable
        part_2_shown += allowed and note.sensitivity == Sensitivity.SUBSTANCE_USE
        entries.append(TimelineEntry("note", note.created_at, note, restricted=not allowed))
    if part_2_shown:
        audit_record(
            actor=user,
            action=AuditAction.SUBSTANCE_USE_NOTES_VIEWED,
            object_type="case",
            object_id=case.public_id,
            data={"notes": part_2_shown},
        )
    return entries


def note_get(*, user: Any, public_id: Any) -> Note:
    note = (
        Note.objects.filter(public_id=_uuid(public_id), case__in=access.cases_in_reach(user))
        .select_related("case")
        .first()
    )
    if note is None or note.sensitivity not in access.readable_sensitivities(user):
        raise Http404
    return note


def task_get(*, user: Any, public_id: Any) -> Task:
    task = (
        Task.objects.filter(public_id=_uuid(public_id), case__in=access.cases_in_reach(user))
        .select_related("case")
        .first()
    )
    if task is None:
        raise Http404
    return task


def encounters_of(*, case: Case) -> QuerySet[Encounter]:
    return (
        case.encounters.select_related("call")
        .prefetch_related("responders")
        .order_by("-started_at")
    )


def assessments_of(*, case: Case) -> QuerySet[Assessment]:
    return case.assessments.select_related("completed_by").order_by("-completed_at")


# ---- Tasks: the day's list ------------------------------------------------------------------


def my_day(*, user: Any) -> QuerySet[Task]:
    """The user's open tasks due by the end of today, and any overdue, soonest first."""
    audit_record(actor=user, action=AuditAction.TASKS_LISTED)
    end_of_day = timezone.localtime().replace(hour=23, minute=59, second=59)
    return (
        Task.objects.filter(
            agency_id=user.agency_id,
            assigned_to=user,
            status=Task.Status.OPEN,
            due_at__lte=end_of_day,
            case__in=access.cases_in_reach(user),
        )
        .select_related("case", "case__person")
        .order_by("due_at")
    )


# ---- People ---------------------------------------------------------------------------------


def person_get(*, user: Any, public_id: Any) -> Person:
    """A person of the user's agency, for someone who works cases; audited."""
    if not _works_cases(user):
        raise Http404
    person = (
        Person.objects.filter(agency_id=user.agency_id, public_id=_uuid(public_id))
        .prefetch_related("aliases", "contacts")
        .first()
    )
    if person is None:
        raise Http404
    audit_record(
        actor=user,
        action=AuditAction.PERSON_VIEWED,
        object_type="person",
        object_id=person.public_id,
    )
    return person


def _works_cases(user: Any) -> bool:
    from coresponder.access.principal import has_capability

    return has_capability(user, Capability.VIEW_CASES)


def cases_of_person(*, user: Any, person: Person) -> QuerySet[Case]:
    return (
        access.cases_in_reach(user)
        .filter(person=person)
        .select_related("team", "assigned_to")
        .order_by("-created_at")
    )


def calls_of_person(*, person: Person) -> QuerySet[Call]:
    return Call.objects.filter(person_links__person=person).order_by("-received_at")[:50]
