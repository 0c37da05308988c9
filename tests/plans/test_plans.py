"""Response plans and premise notes: written by a worker, approved by someone else, shown to
officers on the call page and through the briefing API only while approved and current, and
nothing else about the person."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coresponder.access.roles import Role
from coresponder.accounts.services import api_token_create
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.cases.services import case_open, note_write, person_create, person_link_call
from coresponder.notifications.models import Notification
from coresponder.plans import services
from coresponder.plans.models import Consult, ResponsePlan
from tests.calls.factories import make_call
from tests.conftest import Personas, sign_in
from tests.factories import UserFactory

PLAN = {
    "safety_concerns": "Startles at sirens; may run into traffic.",
    "triggers": "Raised voices, being touched without warning.",
    "what_helps": "Speak slowly; offer water; let him keep his dog close.",
    "de_escalation": "One officer talks; others step back.",
    "who_to_call": "On-call social worker 555-0142",
}


@pytest.fixture
def setting(personas: Personas):
    person = person_create(actor=personas.worker_a, first_name="Leo", last_name="Marsh")
    case = case_open(actor=personas.worker_a, person=person, source="self_referral")
    note_write(actor=personas.worker_a, case=case, body="CLINICAL-CANARY diagnosis details")
    call = make_call(personas.agency, address_raw="1452 HAZEL ST")
    person_link_call(actor=personas.worker_a, person=person, call=call, role="subject")
    return person, call


def _plan(personas: Personas, person, **extra: object) -> ResponsePlan:
    return services.plan_save(
        actor=personas.worker_a,
        person=person,
        review_by=timezone.localdate() + timedelta(days=90),
        **{**PLAN, **extra},
    )


def _officer_call_page(personas: Personas, call) -> str:
    client = sign_in(Client(), personas.officer)
    response = client.get(reverse("calls:detail", args=[call.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_author_cannot_approve_their_own_plan(personas: Personas, setting) -> None:
    person, _ = setting
    plan = services.plan_save(
        actor=personas.supervisor, person=person,
        review_by=timezone.localdate() + timedelta(days=30), **PLAN,
    )  # fmt: skip
    with pytest.raises(services.PlanError, match="cannot be approved by the person who wrote it"):
        services.approve(actor=personas.supervisor, record=plan, expected_version=plan.version)
    refused = AuditEvent.objects.get(action=AuditAction.PLAN_APPROVAL_REFUSED)
    assert refused.outcome == "denied"


def test_an_officer_sees_an_approved_plan_and_nothing_else(personas: Personas, setting) -> None:
    person, call = setting
    plan = _plan(personas, person)
    assert "Speak slowly" not in _officer_call_page(personas, call)  # not approved yet
    services.approve(actor=personas.supervisor, record=plan, expected_version=plan.version)
    page = _officer_call_page(personas, call)
    assert "Response plan: Leo Marsh" in page and "Speak slowly" in page
    assert "CLINICAL-CANARY" not in page and "/cases/" not in page
    officer = sign_in(Client(), personas.officer)
    assert officer.get(reverse("plans:plan", args=[plan.public_id])).status_code == 404
    assert officer.get(reverse("cases:person", args=[person.public_id])).status_code == 404
    assert officer.get(reverse("plans:overview")).status_code == 403
    seen = AuditEvent.objects.filter(
        action=AuditAction.BRIEFING_VIEWED, actor_id=personas.officer.pk
    )
    assert seen.count() == 2 and seen.last().data["plans"] == 1


def test_a_plan_past_its_review_date_is_not_shown(personas: Personas, setting) -> None:
    person, call = setting
    plan = _plan(personas, person)
    services.approve(actor=personas.supervisor, record=plan, expected_version=plan.version)
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert "Speak slowly" not in _officer_call_page(personas, call)
        plan.refresh_from_db()
        with pytest.raises(services.PlanError, match="review date has passed"):
            services.approve(actor=personas.supervisor, record=plan, expected_version=plan.version)


def test_a_change_sends_the_plan_back_for_approval(personas: Personas, setting) -> None:
    person, call = setting
    plan = _plan(personas, person)
    services.approve(actor=personas.supervisor, record=plan, expected_version=plan.version)
    services.plan_save(
        actor=personas.worker_a, person=person, plan=plan, expected_version=plan.version,
        review_by=plan.review_by, **{**PLAN, "what_helps": "Offer a blanket."},
    )  # fmt: skip
    assert plan.status == "draft" and plan.approved_by is None
    assert "Offer a blanket" not in _officer_call_page(personas, call)


def test_bad_plans_are_refused_on_their_field(personas: Personas, setting) -> None:
    person, _ = setting
    with pytest.raises(services.PlanError, match="at least one part"):
        _plan(personas, person, safety_concerns="", triggers="", what_helps="", de_escalation="")
    with pytest.raises(services.PlanError, match="within a year"):
        services.plan_save(
            actor=personas.worker_a, person=person,
            review_by=timezone.localdate() + timedelta(days=400), **PLAN,
        )  # fmt: skip


def test_premise_notes_show_at_their_address_and_on_its_block(personas: Personas, setting) -> None:
    _, call = setting
    note = services.premise_note_save(
        actor=personas.worker_a,
        address="1452 Hazel Street",
        note="Resident is deaf; knock and text 555-0100.",
        review_by=timezone.localdate() + timedelta(days=30),
    )
    services.approve(actor=personas.supervisor, record=note, expected_version=note.version)
    assert "Resident is deaf" in _officer_call_page(personas, call)
    block_call = make_call(personas.agency, address_raw="1400 BLOCK OF HAZEL ST")
    page = _officer_call_page(personas, block_call)
    assert "Resident is deaf" in page and "an address on this block" in page
    elsewhere = make_call(personas.agency, address_raw="77 OAK ST")
    assert "Resident is deaf" not in _officer_call_page(personas, elsewhere)
    with pytest.raises(services.PlanError, match="number and street"):
        services.premise_note_save(
            actor=personas.worker_a, address="???", note="x",
            review_by=timezone.localdate() + timedelta(days=3),
        )  # fmt: skip


def test_the_briefing_api_for_a_cad_client(personas: Personas, setting) -> None:
    person, call = setting
    plan = _plan(personas, person)
    services.approve(actor=personas.supervisor, record=plan, expected_version=plan.version)
    _, secret = api_token_create(
        actor=None, user=personas.officer, name="mdt", scopes=["briefing:read"]
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    answer = client.get(f"/api/v1/calls/{call.public_id}/briefing")
    assert answer.status_code == 200
    body = answer.json()
    assert body["plans"][0]["person_name"] == "Leo Marsh" and body["premise_notes"] == []
    assert set(body["plans"][0]) == {"person_name", *PLAN, "review_by", "photo_url"}
    assert client.get(f"/api/v1/calls/{call.public_id}").status_code == 403  # scope
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert client.get(f"/api/v1/calls/{call.public_id}/briefing").json()["plans"] == []


def test_the_pages_for_workers_and_supervisors(personas: Personas, setting) -> None:
    person, _ = setting
    worker = sign_in(Client(), personas.worker_a)
    made = worker.post(
        reverse("plans:plan_new", args=[person.public_id]),
        {**PLAN, "review_by": (timezone.localdate() + timedelta(days=60)).isoformat()},
    )
    plan = ResponsePlan.objects.get()
    assert made["Location"] == reverse("plans:plan", args=[plan.public_id])
    supervisor = sign_in(Client(), personas.supervisor)
    assert "Waiting for approval" in supervisor.get(reverse("plans:overview")).content.decode()
    supervisor.post(
        reverse("plans:plan_decide", args=[plan.public_id]),
        {"version": plan.version, "action": "approve"},
    )
    plan.refresh_from_db()
    assert plan.status == "approved" and plan.approved_by == personas.supervisor
    person_page = worker.get(reverse("cases:person", args=[person.public_id])).content.decode()
    assert "Response plans for officers" in person_page and "review by" in person_page


# ---- Officer consults -----------------------------------------------------------------------


def test_an_officer_asks_and_the_team_answers_timed(personas: Personas) -> None:
    officer = sign_in(Client(), personas.officer)
    asked = officer.post(
        reverse("plans:consult_new"),
        {"question": "Man on the bridge rail, calm, asks for his sister.", "urgency": "now"},
    )
    consult = Consult.objects.get()
    assert asked["Location"] == reverse("plans:consult", args=[consult.public_id])
    told = Notification.objects.filter(recipient=personas.worker_a)
    assert told.count() == 1 and "bridge" not in told.get().message
    with time_machine.travel(timezone.now() + timedelta(minutes=12)):
        worker = sign_in(Client(), personas.worker_a)
        worker.post(
            reverse("plans:consult", args=[consult.public_id]),
            {"answer": "Keep talking about his sister; the crisis team is 5 minutes out."},
        )
    consult.refresh_from_db()
    assert consult.status == "answered" and 11 < consult.minutes_to_answer < 13
    page = officer.get(reverse("plans:consult", args=[consult.public_id])).content.decode()
    assert "crisis team is 5 minutes out" in page
    listing = officer.get(reverse("plans:consults")).content.decode()
    assert "1 of 1 answered" in listing
    other_officer = UserFactory(agency=personas.agency, roles=[(Role.OFFICER, None)])
    stranger = sign_in(Client(), other_officer)
    assert stranger.get(reverse("plans:consult", args=[consult.public_id])).status_code == 404


def test_a_consult_becomes_a_case(personas: Personas) -> None:
    consult = services.consult_ask(actor=personas.officer, question="Neighbour keeps calling us.")
    case = services.consult_to_case(
        actor=personas.worker_a, consult=consult, first_name="Ada", last_name="Park"
    )
    assert case.source == "officer_referral" and case.person.display_name == "Ada Park"
    with pytest.raises(services.PlanError, match="already a case"):
        services.consult_to_case(
            actor=personas.worker_a, consult=consult, first_name="Ada", last_name="Park"
        )
    with pytest.raises(services.PlanError, match="Write the question"):
        services.consult_ask(actor=personas.officer, question="  ")


# ---- A photo on a plan ----------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_consented_photo_shows_with_the_current_plan_only(personas: Personas, setting) -> None:
    person, call = setting
    plan = _plan(personas, person)
    with pytest.raises(services.PlanError, match="who consented"):
        services.plan_photo_set(
            actor=personas.worker_a, plan=plan, expected_version=plan.version, data=PNG,
            consent=" ",
        )  # fmt: skip
    with pytest.raises(services.PlanError, match="JPEG or PNG"):
        services.plan_photo_set(
            actor=personas.worker_a, plan=plan, expected_version=plan.version,
            data=b"<svg onload=alert(1)>", consent="Leo, 2026-11-20",
        )  # fmt: skip
    services.plan_photo_set(
        actor=personas.worker_a, plan=plan, expected_version=plan.version, data=PNG,
        consent="Leo Marsh, signed 2026-11-20",
    )  # fmt: skip
    photo_url = reverse("plans:photo", args=[plan.public_id])
    officer = sign_in(Client(), personas.officer)
    assert officer.get(photo_url).status_code == 404  # not approved yet
    services.approve(actor=personas.supervisor, record=plan, expected_version=plan.version)
    assert photo_url in _officer_call_page(personas, call)
    shown = officer.get(photo_url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert shown.content == PNG
    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert sign_in(Client(), personas.officer).get(photo_url).status_code == 404
    plan.refresh_from_db()
    services.plan_photo_remove(actor=personas.worker_a, plan=plan, expected_version=plan.version)
    assert officer.get(photo_url).status_code == 404
