"""Case conferences: the agenda drawn from the records, decisions that become tasks, and a
printable agenda without clinical detail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coresponder.cases.models import Task
from coresponder.cases.services import (
    case_open,
    note_write,
    person_create,
    person_link_call,
    task_create,
)
from coresponder.conferences import services
from coresponder.conferences.models import AgendaItem
from tests.calls.factories import make_call
from tests.conftest import Personas, sign_in


@pytest.fixture
def records(personas: Personas):
    risky = person_create(actor=personas.worker_a, first_name="Ana", last_name="Reyes")
    risky_case = case_open(
        actor=personas.worker_a, person=risky, source="self_referral", risk_level="high"
    )
    note_write(actor=personas.worker_a, case=risky_case, body="CLINICAL-CANARY psychosis")
    late = person_create(actor=personas.worker_a, first_name="Bo", last_name="Lund")
    late_case = case_open(actor=personas.worker_a, person=late, source="self_referral")
    task_create(
        actor=personas.worker_a, case=late_case, title="Call back",
        due_at=timezone.now() - timedelta(days=2),
    )  # fmt: skip
    frequent = person_create(actor=personas.worker_a, first_name="Cy", last_name="Moss")
    case_open(actor=personas.worker_a, person=frequent, source="self_referral")
    for days in (5, 30, 60, 90, 120):
        call = make_call(personas.agency, received_at=datetime.now(UTC) - timedelta(days=days))
        person_link_call(actor=personas.worker_a, person=frequent, call=call)
    calm = person_create(actor=personas.worker_a, first_name="Di", last_name="Ng")
    case_open(actor=personas.worker_a, person=calm, source="self_referral")
    return risky_case, late_case


def test_the_agenda_is_drawn_from_the_records(personas: Personas, records) -> None:
    conference = services.conference_create(
        actor=personas.supervisor, kind="case", held_on=timezone.localdate()
    )
    items = {(i.reason, i.person.last_name): i.summary for i in conference.items.all()}
    assert set(items) == {("high_risk", "Reyes"), ("overdue", "Lund"), ("no_plan", "Moss")}
    assert items[("overdue", "Lund")] == "1 follow-up past due"
    assert items[("no_plan", "Moss")].startswith("5 calls in 12 months")


def test_a_decision_with_an_action_becomes_a_task(personas: Personas, records) -> None:
    risky_case, _ = records
    conference = services.conference_create(
        actor=personas.supervisor, kind="staff", held_on=timezone.localdate()
    )
    item = AgendaItem.objects.get(conference=conference, reason="high_risk")
    services.record_decision(
        actor=personas.supervisor, item=item, decision="Joint visit with CIT officer.",
        action="Arrange the joint visit", due_on=timezone.localdate() + timedelta(days=3),
    )  # fmt: skip
    task = Task.objects.get(title="Arrange the joint visit")
    assert task.case == risky_case and task.assigned_to == personas.worker_a
    with pytest.raises(services.ConferenceError, match="Write what was decided"):
        services.record_decision(actor=personas.supervisor, item=item, decision=" ")


def test_the_pages_and_the_printable_agenda(personas: Personas, records) -> None:
    client = sign_in(Client(), personas.worker_a)
    made = client.post(
        reverse("conferences:new"), {"kind": "staff", "held_on": timezone.localdate().isoformat()}
    )
    detail = client.get(made["Location"]).content.decode()
    assert "Ana Reyes" in detail and "High-risk case" in detail
    printable = client.get(made["Location"] + "print/").content.decode()
    assert "Ana Reyes" in printable and "CLINICAL-CANARY" not in printable
    officer = sign_in(Client(), personas.officer)
    assert officer.get(made["Location"]).status_code == 404


def test_outreach_is_recorded_and_linked_to_the_cases_it_led_to(personas: Personas) -> None:
    from coresponder.conferences.models import OutreachEvent

    client = sign_in(Client(), personas.worker_a)
    recorded = client.post(
        reverse("conferences:outreach"),
        {
            "form": "event", "kind": "camp", "place": "5th Ave bridge encampment",
            "started_at": "2026-11-20T09:00", "people_reached": "14",
            "resources_given": "14 hygiene kits", "follow_ups": "3",
        },
    )  # fmt: skip
    assert recorded.status_code == 302
    event = OutreachEvent.objects.get()
    person = person_create(actor=personas.worker_a, first_name="Ed", last_name="Cole")
    case = case_open(actor=personas.worker_a, person=person, source="outreach")
    client.post(
        reverse("conferences:outreach"),
        {"form": "link", "event": str(event.public_id), "case": str(case.public_id)},
    )
    assert list(event.cases.all()) == [case]
    page = client.get(reverse("conferences:outreach")).content.decode()
    assert "14 people reached, 3 follow-ups, 1 case opened" in page
    bad = client.post(
        reverse("conferences:outreach"),
        {"form": "event", "kind": "camp", "place": "x", "started_at": "2026-11-20T09:00",
         "people_reached": "2", "follow_ups": "5"},
    )  # fmt: skip
    assert "cannot be more than the people reached" in bad.content.decode()


def test_partnerships_are_kept_by_supervisors(personas: Personas) -> None:
    supervisor = sign_in(Client(), personas.supervisor)
    saved = supervisor.post(
        reverse("conferences:partnerships"),
        {"partner": "Riverside Mission", "started_on": "2026-01-01", "review_on": "2026-06-30",
         "agreement": "Beds held for the crisis team until 22:00."},
    )  # fmt: skip
    assert saved.status_code == 302
    page = supervisor.get(reverse("conferences:partnerships")).content.decode()
    assert "Riverside Mission" in page and "review due" in page
    worker = sign_in(Client(), personas.worker_a)
    refused = worker.post(
        reverse("conferences:partnerships"),
        {"partner": "X", "started_on": "2026-01-01", "review_on": "2026-06-30"},
    )
    assert refused.status_code == 404
