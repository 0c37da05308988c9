"""The caseload: the most recently changed first, task counts on the page shown, and the
cases with an overdue follow-up, or of one risk level, on their own."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from coresponder.cases import selectors, services
from coresponder.cases.models import Case
from tests.conftest import Personas


def _case(personas: Personas, last_name: str, risk: str) -> Case:
    person = services.person_create(actor=personas.worker_a, first_name="A", last_name=last_name)
    return services.case_open(
        actor=personas.worker_a, person=person, source="outreach", risk_level=risk
    )


def test_the_caseload_lists_the_latest_first_with_task_counts(personas: Personas) -> None:
    calm = _case(personas, "Adams", "low")
    urgent = _case(personas, "Young", "high")
    services.task_create(actor=personas.worker_a, case=calm, title="Call",
                         due_at=timezone.now() - timedelta(hours=2))  # fmt: skip
    services.task_create(actor=personas.worker_a, case=calm, title="Visit",
                         due_at=timezone.now() + timedelta(days=1))  # fmt: skip
    listed = selectors.with_task_counts(
        selectors.caseload(user=personas.worker_a, filters=selectors.CaseloadFilters())
    )
    assert [case.pk for case in listed] == [urgent.pk, calm.pk]
    assert [(c.open_tasks, c.overdue_tasks) for c in listed] == [(0, 0), (2, 1)]  # type: ignore[attr-defined]
    overdue = selectors.caseload(
        user=personas.worker_a, filters=selectors.CaseloadFilters(status="overdue")
    )
    assert list(overdue) == [calm]
    high = selectors.caseload(
        user=personas.worker_a, filters=selectors.CaseloadFilters(risk="high")
    )
    assert list(high) == [urgent]


def test_a_supervisor_sees_the_team_and_a_worker_only_theirs(personas: Personas) -> None:
    mine = _case(personas, "Brown", "moderate")
    team = selectors.caseload(user=personas.supervisor, filters=selectors.CaseloadFilters("team"))
    others = selectors.caseload(user=personas.worker_b, filters=selectors.CaseloadFilters("team"))
    assert list(team) == [mine] and list(others) == []
