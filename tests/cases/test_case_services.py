"""Case records through their services: scope, optimistic locking, versioned notes, the
automatic follow-up, assessments raising the risk level, and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.http import Http404

from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.cases import services
from coresponder.cases.models import (
    BulkUpdateRefused,
    Case,
    Encounter,
    Note,
    Person,
    SafetyPlan,
    Task,
)
from tests.calls.factories import make_call
from tests.conftest import Personas

NOON = datetime(2025, 5, 5, 12, 0, tzinfo=UTC)


def _person(personas: Personas, **fields: object) -> Person:
    values = {"first_name": "Maria", "last_name": "Lopez", **fields}
    return services.person_create(actor=personas.worker_a, **values)  # type: ignore[arg-type]


def _case(personas: Personas, person: Person | None = None) -> Case:
    person = person or _person(personas)
    return services.case_open(
        actor=personas.worker_a, person=person, source=Case.Source.SELF_REFERRAL
    )


def test_a_case_opens_in_the_workers_team_assigned_to_them(personas: Personas) -> None:
    call = make_call(personas.agency, received_at=NOON)
    case = services.case_open(
        actor=personas.worker_a,
        person=_person(personas),
        source=Case.Source.CALL,
        source_call=call,
        needs=["housing", "mental_health"],
    )
    assert (case.team, case.assigned_to, case.status) == (
        personas.team_a,
        personas.worker_a,
        Case.Status.OPEN,
    )
    assert case.needs == ["housing", "mental_health"]
    assert case.person.call_links.get().call == call
    assert AuditEvent.objects.filter(action=AuditAction.CASE_OPENED).count() == 1


def test_bad_input_names_the_field(personas: Personas) -> None:
    with pytest.raises(services.CaseError) as refused:
        services.case_open(actor=personas.worker_a, person=_person(personas), source="email")
    assert refused.value.field == "source"
    with pytest.raises(services.CaseError) as refused:
        _person(personas, date_of_birth=datetime.now().date() + timedelta(days=3))
    assert refused.value.field == "date_of_birth"
    case = _case(personas)
    with pytest.raises(services.CaseError) as refused:
        services.case_update(actor=personas.worker_a, case=case, expected_version=1, needs=["x"])
    assert refused.value.field == "needs"


def test_officers_and_analysts_cannot_write_case_records(personas: Personas) -> None:
    for outsider in (personas.officer, personas.analyst):
        with pytest.raises(Http404):
            services.person_create(actor=outsider, first_name="A", last_name="B")
    case = _case(personas)
    with pytest.raises(Http404):
        services.note_write(actor=personas.officer, case=case, body="hello")
    with pytest.raises(Http404):  # another team's worker may not write on it either
        services.note_write(actor=personas.worker_b, case=case, body="hello")


def test_two_saves_from_the_same_version_give_one_conflict_and_lose_nothing(
    personas: Personas,
) -> None:
    case = _case(personas)
    services.case_update(actor=personas.worker_a, case=case, expected_version=1, goals="Housing")
    stale = Case.objects.get(pk=case.pk)
    with pytest.raises(services.EditConflict, match="Someone else saved"):
        services.case_update(
            actor=personas.supervisor, case=stale, expected_version=1, goals="Benefits"
        )
    case.refresh_from_db()
    assert (case.goals, case.version) == ("Housing", 2)
    assert AuditEvent.objects.filter(action=AuditAction.EDIT_CONFLICT).count() == 1


def test_bulk_update_on_audited_models_is_refused(personas: Personas) -> None:
    _case(personas)
    with pytest.raises(BulkUpdateRefused):
        Case.objects.update(risk_level="high")
    with pytest.raises(BulkUpdateRefused):
        Note.objects.filter(pk=1).update(sensitivity="general")


def test_closing_needs_a_reason_and_reopening_clears_it(personas: Personas) -> None:
    case = _case(personas)
    with pytest.raises(services.CaseError) as refused:
        services.case_change_status(
            actor=personas.worker_a, case=case, expected_version=1, status="closed"
        )
    assert refused.value.field == "close_reason"
    services.case_change_status(
        actor=personas.worker_a, case=case, expected_version=1, status="closed",
        close_reason="connected",
    )  # fmt: skip
    assert (case.status, case.close_reason) == ("closed", "connected") and case.closed_at
    services.case_change_status(
        actor=personas.worker_a, case=case, expected_version=2, status="active"
    )
    assert (case.status, case.close_reason, case.closed_at) == ("active", "", None)


def test_a_crisis_encounter_creates_a_follow_up_within_48_hours(personas: Personas) -> None:
    case = _case(personas)
    call = make_call(personas.agency, received_at=NOON)
    encounter = services.encounter_record(
        actor=personas.worker_a,
        case=case,
        call=call,
        kind=Encounter.Kind.CRISIS,
        started_at=NOON,
        ended_at=NOON + timedelta(hours=1),
        outcome=Encounter.Outcome.RESOLVED,
    )
    task = Task.objects.get(case=case)
    assert task.due_at == NOON + timedelta(hours=49)
    assert task.assigned_to == personas.worker_a and task.encounter == encounter
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE
    with pytest.raises(services.CaseError) as refused:
        services.encounter_record(
            actor=personas.worker_a, case=case, kind="phone", started_at=NOON,
            outcome="resolved", police_backup=True,
        )  # fmt: skip
    assert refused.value.field == "police_backup_reason"


def test_a_note_amendment_is_a_new_version_never_an_edit(personas: Personas) -> None:
    case = _case(personas)
    note = services.note_write(actor=personas.worker_a, case=case, body="Met at the shelter.")
    with pytest.raises(services.CaseError, match="why"):
        services.note_amend(actor=personas.worker_a, note=note, body="x", reason="")
    services.note_amend(
        actor=personas.worker_a, note=note, body="Met at the north shelter.", reason="Wrong shelter"
    )
    versions = list(note.versions.order_by("number").values_list("number", "body", "reason"))
    assert versions == [
        (1, "Met at the shelter.", ""),
        (2, "Met at the north shelter.", "Wrong shelter"),
    ]
    assert note.current_version == 2


def test_a_safety_plan_is_written_then_changed_with_locking(personas: Personas) -> None:
    case = _case(personas)
    plan = services.safety_plan_save(
        actor=personas.worker_a, case=case, expected_version=None, warning_signs="Not sleeping"
    )
    with pytest.raises(services.EditConflict):
        services.safety_plan_save(
            actor=personas.supervisor, case=case, expected_version=None, contacts="988"
        )
    services.safety_plan_save(
        actor=personas.worker_a, case=case, expected_version=plan.version, contacts="988"
    )
    plan = SafetyPlan.objects.get(case=case)
    assert (plan.warning_signs, plan.contacts, plan.version) == ("Not sleeping", "988", 2)


def test_reassignment_needs_a_reason_and_the_right_role(personas: Personas) -> None:
    case = _case(personas)
    with pytest.raises(Http404):
        services.cases_reassign(
            actor=personas.worker_a, cases=[case], to_user=personas.worker_b, reason="Leave"
        )
    with pytest.raises(services.CaseError, match="why"):
        services.cases_reassign(
            actor=personas.supervisor, cases=[case], to_user=personas.worker_b, reason=""
        )
    moved = services.cases_reassign(
        actor=personas.supervisor, cases=[case], to_user=personas.worker_b, reason="Annual leave"
    )
    case.refresh_from_db()
    assert moved == 1 and case.assigned_to == personas.worker_b
    event = AuditEvent.objects.get(action=AuditAction.CASES_REASSIGNED)
    assert event.reason == "Annual leave"


def test_a_task_is_completed_once(personas: Personas) -> None:
    case = _case(personas)
    task = services.task_create(
        actor=personas.worker_a, case=case, title="Call back", due_at=NOON + timedelta(days=1)
    )
    services.task_complete(
        actor=personas.worker_a, task=task, expected_version=1, outcome="Reached by phone"
    )
    assert (task.status, task.outcome, task.completed_by) == (
        "done",
        "Reached by phone",
        personas.worker_a,
    )
    with pytest.raises(services.CaseError, match="already closed"):
        services.task_complete(actor=personas.worker_a, task=task, expected_version=2)
