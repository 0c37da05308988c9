"""API: people, cases and what happens on them (encounters, notes, assessments, tasks).

Server-owned fields (the owner, team, author, version, status of a note...) are never taken
from a body; a body naming them changes nothing. Edits name the ``version`` they started
from: a stale one is answered 409.
"""

# No `from __future__ import annotations` here: django-ninja reads the real types.
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from coresponder.access.api import api_requires
from coresponder.access.roles import Capability
from coresponder.calls.models import Call
from coresponder.cases import search, selectors, services
from coresponder.cases.models import Encounter, Note, Task

router = Router(tags=["cases"])
READ, WRITE = "cases:read", "cases:write"


def _user(request: HttpRequest) -> Any:
    return request.auth.user  # type: ignore[attr-defined]


# ---- People ---------------------------------------------------------------------------------


class PersonIn(Schema):
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    preferred_name: str = Field("", max_length=100)
    pronouns: str = Field("", max_length=40)
    date_of_birth: date | None = None
    birth_year: int | None = None
    language: str = Field("", max_length=60)
    housing: str = "unknown"
    usual_location: str = Field("", max_length=200)
    emergency_contact: str = Field("", max_length=200)
    aliases: list[str] = Field(default_factory=list, max_length=20)


class PersonOut(Schema):
    id: UUID = Field(..., alias="public_id")
    display_name: str
    first_name: str
    last_name: str
    preferred_name: str
    pronouns: str
    date_of_birth: date | None
    birth_year: int | None
    language: str
    housing: str
    usual_location: str
    version: int


class PersonMatchOut(Schema):
    person: PersonOut
    score: float
    reasons: list[str]


@router.get("/people", response=list[PersonMatchOut])
@api_requires(Capability.VIEW_CASES, token_scope=READ, audits="each search")
def people_search(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    """People by name, alias or date of birth, typos forgiven, best matches first."""
    matches = search.people_search(user=_user(request), query=q)
    return [{"person": m.person, "score": m.score, "reasons": m.reasons} for m in matches]


@router.post("/people", response={201: PersonOut})
@api_requires(Capability.EDIT_CASES, token_scope=WRITE, audits="each person created")
def person_create(request: HttpRequest, payload: PersonIn) -> Status[Any]:
    data = payload.dict()
    aliases = data.pop("aliases")
    person = services.person_create(actor=_user(request), aliases=aliases, **data)
    return Status(201, person)


@router.get("/people/{person_id}", response=PersonOut)
@api_requires(Capability.VIEW_CASES, token_scope=READ, audits="each person read")
def person_detail(request: HttpRequest, person_id: UUID) -> Any:
    return selectors.person_get(user=_user(request), public_id=person_id)


# ---- Cases ----------------------------------------------------------------------------------


class CaseIn(Schema):
    person: UUID
    source: str
    source_call: UUID | None = None
    needs: list[str] = Field(default_factory=list)
    goals: str = Field("", max_length=5000)
    risk_level: str = "low"


class CaseChange(Schema):
    version: int = Field(..., description="The version the change starts from (409 if stale).")
    needs: list[str] | None = None
    goals: str | None = Field(None, max_length=5000)
    risk_level: str | None = None
    status: str | None = None
    close_reason: str = ""


class CaseOut(Schema):
    id: UUID = Field(..., alias="public_id")
    person: UUID = Field(..., alias="person.public_id")
    person_name: str = Field(..., alias="person.display_name")
    team: str = Field(..., alias="team.name")
    assigned_to: str | None = Field(None, alias="assigned_to.username")
    status: str
    source: str
    risk_level: str
    needs: list[str]
    goals: str
    close_reason: str
    created_at: datetime
    closed_at: datetime | None
    version: int


class CaseQuery(Schema):
    which: str = "mine"
    status: str = "current"
    risk: str = ""


@router.get("/cases", response=list[CaseOut])
@api_requires(Capability.VIEW_CASES, token_scope=READ, audits="each list")
@paginate(LimitOffsetPagination)
def cases_list(request: HttpRequest, filters: Query[CaseQuery]) -> Any:
    return selectors.caseload(
        user=_user(request), filters=selectors.CaseloadFilters(**filters.dict())
    )


@router.post("/cases", response={201: CaseOut})
@api_requires(Capability.EDIT_CASES, token_scope=WRITE, audits="each case opened")
def case_open(request: HttpRequest, payload: CaseIn) -> Status[Any]:
    user = _user(request)
    person = selectors.person_get(user=user, public_id=payload.person)
    call = _call(user, payload.source_call)
    case = services.case_open(
        actor=user,
        person=person,
        source=payload.source,
        source_call=call,
        needs=payload.needs,
        goals=payload.goals,
        risk_level=payload.risk_level,
    )
    return Status(201, case)


def _call(user: Any, public_id: UUID | None) -> Call | None:
    if public_id is None:
        return None
    call = Call.objects.filter(agency_id=user.agency_id, public_id=public_id).first()
    if call is None:
        raise Http404
    return call


@router.get("/cases/{case_id}", response=CaseOut)
@api_requires(Capability.VIEW_CASES, token_scope=READ, audits="each case read")
def case_detail(request: HttpRequest, case_id: UUID) -> Any:
    return selectors.case_get(user=_user(request), public_id=case_id).case


@router.patch("/cases/{case_id}", response=CaseOut)
@api_requires(Capability.EDIT_CASES, token_scope=WRITE, audits="each change")
def case_change(request: HttpRequest, case_id: UUID, payload: CaseChange) -> Any:
    user = _user(request)
    case = selectors.case_get(user=user, public_id=case_id, audit=False).case
    fields = {
        name: value
        for name, value in payload.dict(include={"needs", "goals", "risk_level"}).items()
        if value is not None
    }
    version = payload.version
    if fields:
        case = services.case_update(actor=user, case=case, expected_version=version, **fields)
        version = case.version
    if payload.status is not None:
        case = services.case_change_status(
            actor=user,
            case=case,
            expected_version=version,
            status=payload.status,
            close_reason=payload.close_reason,
        )
    return case


# ---- Encounters -----------------------------------------------------------------------------


class EncounterIn(Schema):
    kind: str
    started_at: datetime
    ended_at: datetime | None = None
    call: UUID | None = None
    other_responders: str = Field("", max_length=200)
    outcome: str
    police_backup: bool = False
    police_backup_reason: str = Field("", max_length=300)
    force_used: bool = False
    force_description: str = Field("", max_length=300)
    summary: str = Field("", max_length=20_000)


class EncounterOut(Schema):
    id: UUID = Field(..., alias="public_id")
    kind: str
    started_at: datetime
    ended_at: datetime | None
    call: UUID | None = Field(None, alias="call.public_id")
    outcome: str
    police_backup: bool
    police_backup_reason: str
    force_used: bool
    force_description: str
    summary: str
    version: int


@router.get("/cases/{case_id}/encounters", response=list[EncounterOut])
@api_requires(Capability.VIEW_CASES, token_scope=READ, audits="the case read")
def encounters_list(request: HttpRequest, case_id: UUID) -> Any:
    case = selectors.case_get(user=_user(request), public_id=case_id).case
    return list(selectors.encounters_of(case=case))


@router.post("/cases/{case_id}/encounters", response={201: EncounterOut})
@api_requires(Capability.EDIT_CASES, token_scope=WRITE, audits="each encounter recorded")
def encounter_record(request: HttpRequest, case_id: UUID, payload: EncounterIn) -> Status[Any]:
    user = _user(request)
    case = selectors.case_get(user=user, public_id=case_id, audit=False).case
    data = payload.dict()
    call = _call(user, data.pop("call"))
    encounter: Encounter = services.encounter_record(actor=user, case=case, call=call, **data)
    return Status(201, encounter)


# ---- Notes ----------------------------------------------------------------------------------


class NoteIn(Schema):
    body: str = Field(..., min_length=1, max_length=50_000)
    sensitivity: str = "general"
    kind: str = "note"


class AmendmentIn(Schema):
    body: str = Field(..., min_length=1, max_length=50_000)
    reason: str = Field(..., min_length=5, max_length=300)


class NoteOut(Schema):
    id: UUID
    kind: str
    sensitivity: str
    author: str
    created_at: datetime
    version: int
    body: str | None
    withheld: bool


def _note_out(note: Note, withheld: bool = False) -> dict[str, Any]:
    current = None if withheld else _current_body(note)
    return {
        "id": note.public_id,
        "kind": note.kind,
        "sensitivity": note.sensitivity,
        "author": str(note.author),
        "created_at": note.created_at,
        "version": note.current_version,
        "body": current,
        "withheld": withheld,
    }


def _current_body(note: Note) -> str:
    versions = list(note.versions.all())
    return versions[-1].body if versions else ""


@router.get("/cases/{case_id}/notes", response=list[NoteOut])
@api_requires(Capability.VIEW_CASES, token_scope=READ, audits="the case read")
def notes_list(request: HttpRequest, case_id: UUID) -> list[dict[str, Any]]:
    user = _user(request)
    case = selectors.case_get(user=user, public_id=case_id).case
    entries = selectors.case_timeline(user=user, case=case, kinds={"note"})
    return [_note_out(entry.record, entry.restricted) for entry in entries]


@router.post("/cases/{case_id}/notes", response={201: NoteOut})
@api_requires(Capability.EDIT_CASES, token_scope=WRITE, audits="each note written")
def note_write(request: HttpRequest, case_id: UUID, payload: NoteIn) -> Status[Any]:
    user = _user(request)
    case = selectors.case_get(user=user, public_id=case_id, audit=False).case
    note = services.note_write(actor=user, case=case, **payload.dict())
    return Status(201, _note_out(note))


@router.post("/notes/{note_id}/amendments", response={201: NoteOut})
@api_requires(Capability.EDIT_CASES, token_scope=WRITE, audits="each amendment")
def note_amend(request: HttpRequest, note_id: UUID, payload: AmendmentIn) -> Status[Any]:
    user = _user(request)
    note = selectors.note_get(user=user, public_id=note_id)
    services.note_amend(actor=user, note=note, body=payload.body, reason=payload.reason)
    return Status(201, _note_out(note))


# ---- Assessments ----------------------------------------------------------------------------


class AssessmentIn(Schema):
    instrument: str = Field(..., max_length=60)
    answers: dict[str, Any]


class AssessmentOut(Schema):
    id: UUID = Field(..., alias="public_id")
    instrument: str
    instrument_version: str
    total: float | None
    domain_scores: dict[str, Any]
    risk_level: str
    flags: list[str]
    summary: str
    completed_at: datetime


@router.get("/cases/{case_id}/assessments", response=list[AssessmentOut])
@api_requires(Capability.VIEW_CASES, token_scope=READ, audits="the case read")
def assessments_list(request: HttpRequest, case_id: UUID) -> Any:
    case = selectors.case_get(user=_user(request), public_id=case_id).case
    return list(selectors.assessments_of(case=case))


@router.post("/cases/{case_id}/assessments", response={201: AssessmentOut})
@api_requires(Capability.EDIT_CASES, token_scope=WRITE, audits="each assessment")
def assessment_complete(request: HttpRequest, case_id: UUID, payload: AssessmentIn) -> Status[Any]:
    user = _user(request)
    case = selectors.case_get(user=user, public_id=case_id, audit=False).case
    assessment = services.assessment_complete(
        actor=user, case=case, instrument=payload.instrument, answers=payload.answers
    )
    return Status(201, assessment)


# ---- Tasks ----------------------------------------------------------------------------------


class TaskIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    due_at: datetime


class TaskChange(Schema):
    version: int
    status: str = Field(..., description="done or cancelled")
    outcome: str = Field("", max_length=300)


class TaskOut(Schema):
    id: UUID = Field(..., alias="public_id")
    title: str
    due_at: datetime
    status: str
    assigned_to: str | None = Field(None, alias="assigned_to.username")
    outcome: str
    completed_at: datetime | None
    overdue: bool
    version: int


@router.get("/cases/{case_id}/tasks", response=list[TaskOut])
@api_requires(Capability.VIEW_CASES, token_scope=READ, audits="the case read")
def tasks_list(request: HttpRequest, case_id: UUID) -> Any:
    case = selectors.case_get(user=_user(request), public_id=case_id).case
    return list(case.tasks.select_related("assigned_to").order_by("due_at"))


@router.post("/cases/{case_id}/tasks", response={201: TaskOut})
@api_requires(Capability.EDIT_CASES, token_scope=WRITE, audits="each task created")
def task_create(request: HttpRequest, case_id: UUID, payload: TaskIn) -> Status[Any]:
    user = _user(request)
    case = selectors.case_get(user=user, public_id=case_id, audit=False).case
    task: Task = services.task_create(
        actor=user, case=case, title=payload.title, due_at=payload.due_at
    )
    return Status(201, task)


@router.patch("/tasks/{task_id}", response=TaskOut)
@api_requires(Capability.EDIT_CASES, token_scope=WRITE, audits="each task closed")
def task_change(request: HttpRequest, task_id: UUID, payload: TaskChange) -> Any:
    user = _user(request)
    task = selectors.task_get(user=user, public_id=task_id)
    if payload.status not in (Task.Status.DONE, Task.Status.CANCELLED):
        raise services.CaseError("A task is closed as done or cancelled.", "status")
    return services.task_complete(
        actor=user,
        task=task,
        expected_version=payload.version,
        outcome=payload.outcome,
        cancel=payload.status == Task.Status.CANCELLED,
    )
