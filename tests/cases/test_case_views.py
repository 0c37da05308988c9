"""The case pages: who reaches them, what the forms refuse and how, conflicts kept in the page,
the call-to-encounter flow, and a constant number of queries per page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.cases import services
from coresponder.cases.models import Assessment, Case, Encounter, Note, Person, SafetyPlan, Task
from tests.calls.factories import make_call
from tests.conftest import Personas

HX = {"HTTP_HX_REQUEST": "true"}


def _person(personas: Personas, **fields: object) -> Person:
    values = {"first_name": "Maria", "last_name": "Lopez", **fields}
    return services.person_create(actor=personas.worker_a, **values)  # type: ignore[arg-type]


def _case(personas: Personas, person: Person | None = None) -> Case:
    return services.case_open(
        actor=personas.worker_a, person=person or _person(personas), source="self_referral"
    )


def _url(name: str, record: object) -> str:
    return reverse(name, kwargs={"public_id": record.public_id})  # type: ignore[attr-defined]


def _encounter(personas: Personas, case: Case, **fields: object) -> Encounter:
    values = {
        "kind": "follow_up",
        "started_at": timezone.now() - timedelta(hours=1),
        "outcome": "resolved",
        **fields,
    }
    return services.encounter_record(actor=personas.worker_a, case=case, **values)


# ---- Who reaches the case page --------------------------------------------------------------


def test_it_shows_the_case_page_to_its_worker_and_the_team_supervisor(
    personas: Personas, client_for
) -> None:
    case = _case(personas)
    services.note_write(actor=personas.worker_a, case=case, body="Met at the library.")
    for user in (personas.worker_a, personas.supervisor):
        response = client_for(user).get(_url("cases:detail", case))
        assert response.status_code == 200
        assert b"Met at the library." in response.content
    assert AuditEvent.objects.filter(
        action=AuditAction.CASE_VIEWED, object_id=str(case.public_id)
    ).exists()


@pytest.mark.parametrize("role", ["officer", "dispatcher", "analyst", "auditor", "admin"])
def test_it_answers_404_on_a_case_to_roles_without_case_access(
    personas: Personas, client_for, role: str
) -> None:
    case = _case(personas)
    user = personas.by_role()[role]
    assert client_for(user).get(_url("cases:detail", case)).status_code == 404
    assert client_for(user).get(reverse("cases:caseload")).status_code == 403


def test_it_answers_404_to_another_team_and_another_agency(personas: Personas, client_for) -> None:
    case = _case(personas)
    assert client_for(personas.worker_b).get(_url("cases:detail", case)).status_code == 404
    assert client_for(personas.outsider_admin).get(_url("cases:detail", case)).status_code == 404


def test_it_sends_an_anonymous_visitor_to_sign_in(personas: Personas, client) -> None:
    case = _case(personas)
    response = client.get(_url("cases:detail", case))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_shows_a_note_the_reader_may_not_read_as_withheld(
    personas: Personas, client_for
) -> None:
    case = _case(personas)
    services.note_write(
        actor=personas.supervisor, case=case, body="WARRANT-CANARY", sensitivity="criminal_justice"
    )
    page = client_for(personas.worker_a).get(_url("cases:detail", case)).content.decode()
    assert "WARRANT-CANARY" not in page and "Withheld" in page
    supervisor_page = client_for(personas.supervisor).get(_url("cases:detail", case))
    assert b"WARRANT-CANARY" in supervisor_page.content


def test_it_filters_the_timeline_in_place(personas: Personas, client_for) -> None:
    case = _case(personas)
    services.note_write(actor=personas.worker_a, case=case, body="NOTE-CANARY")
    _encounter(personas, case, summary="ENCOUNTER-CANARY")
    response = client_for(personas.worker_a).get(_url("cases:detail", case) + "?kinds=note", **HX)
    page = response.content.decode()
    assert "NOTE-CANARY" in page and "ENCOUNTER-CANARY" not in page
    assert "<html" not in page  # only the timeline


# ---- Encounters, notes, tasks ---------------------------------------------------------------


def test_it_records_an_encounter_and_its_follow_up(personas: Personas, client_for) -> None:
    case = _case(personas)
    started = timezone.localtime(timezone.now() - timedelta(hours=2))
    response = client_for(personas.worker_a).post(
        _url("cases:encounter_new", case),
        {"kind": "crisis", "started_at": started.strftime("%Y-%m-%dT%H:%M"), "outcome": "resolved"},
    )
    assert response.status_code == 302
    encounter = Encounter.objects.get(case=case)
    assert encounter.kind == "crisis"
    assert Task.objects.filter(case=case, encounter=encounter).exists()


def test_it_refuses_a_bad_encounter_with_field_messages(personas: Personas, client_for) -> None:
    case = _case(personas)
    response = client_for(personas.worker_a).post(
        _url("cases:encounter_new", case),
        {
            "kind": "crisis",
            "started_at": "2025-05-01T10:00",
            "outcome": "resolved",
            "police_backup": "on",
            "summary": "SUMMARY-KEPT",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say why police backup was requested." in page
    assert "SUMMARY-KEPT" in page  # the input is kept
    assert not Encounter.objects.exists()
    response = client_for(personas.worker_a).post(
        _url("cases:encounter_new", case), {"kind": "nonsense", "started_at": "yesterday"}
    )
    assert (
        b"Select a valid choice" in response.content and b"Enter a valid date" in response.content
    )


def test_it_prefills_the_encounter_from_the_call(personas: Personas, client_for) -> None:
    case = _case(personas)
    call = make_call(personas.agency, event_number="25-0042")
    response = client_for(personas.worker_a).get(
        _url("cases:encounter_new", case) + f"?call={call.public_id}"
    )
    page = response.content.decode()
    assert "25-0042" in page and "2A31" in page and str(call.public_id) in page
    assert 'value="crisis" selected' in page


def test_it_writes_a_note_and_amends_it_keeping_the_first_version(
    personas: Personas, client_for
) -> None:
    case = _case(personas)
    client = client_for(personas.worker_a)
    empty = client.post(_url("cases:note_new", case), {"kind": "note", "sensitivity": "general"})
    assert b"This field is required." in empty.content and not Note.objects.exists()
    client.post(
        _url("cases:note_new", case),
        {"kind": "handoff", "sensitivity": "general", "body": "FIRST-TEXT"},
    )
    note = Note.objects.get(case=case)
    assert note.kind == "handoff"
    refused = client.post(_url("cases:note_amend", note), {"body": "SECOND-TEXT", "reason": "x"})
    assert b"Ensure this value has at least 5 characters" in refused.content
    client.post(_url("cases:note_amend", note), {"body": "SECOND-TEXT", "reason": "Wrong day"})
    page = client.get(_url("cases:note", note)).content.decode()
    assert "FIRST-TEXT" in page and "SECOND-TEXT" in page and "Wrong day" in page


def test_it_adds_and_completes_a_task_in_place(personas: Personas, client_for) -> None:
    case = _case(personas)
    client = client_for(personas.worker_a)
    bad = client.post(_url("cases:task_new", case), {"title": "", "due_at": "soon"})
    assert bad.content.count(b"field-error") == 2
    client.post(
        _url("cases:task_new", case), {"title": "Bring the forms", "due_at": "2025-05-01T09:00"}
    )
    task = Task.objects.get(case=case)
    day = client.get(reverse("cases:my_day")).content.decode()
    assert "Bring the forms" in day and "Overdue" in day
    response = client.post(
        _url("cases:task_complete", task), {"version": task.version, "outcome": "Done"}, **HX
    )
    assert response.status_code == 200 and b"<html" not in response.content
    assert b"Done" in response.content
    task.refresh_from_db()
    assert task.status == Task.Status.DONE


# ---- Conflicts ------------------------------------------------------------------------------


def test_a_stale_case_edit_shows_the_conflict_and_keeps_the_input(
    personas: Personas, client_for
) -> None:
    case = _case(personas)
    stale = case.version
    services.case_update(actor=personas.supervisor, case=case, expected_version=stale, goals="X")
    response = client_for(personas.worker_a).post(
        _url("cases:edit", case),
        {"version": stale, "risk_level": "high", "goals": "MY-GOALS", "needs": ["housing"]},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this record" in page and "MY-GOALS" in page
    case.refresh_from_db()
    assert case.goals == "X"
    assert f'name="version" value="{case.version}"' in page  # saving again is deliberate


def test_a_stale_person_edit_shows_the_conflict(personas: Personas, client_for) -> None:
    person = _person(personas)
    services.person_update(
        actor=personas.supervisor, person=person, expected_version=1, language="Spanish"
    )
    response = client_for(personas.worker_a).post(
        _url("cases:person_edit", person),
        {"version": 1, "first_name": "Mary", "last_name": "Lopez", "housing": "housed"},
    )
    assert response.status_code == 409
    assert b"Someone else saved this record" in response.content
    assert b'value="Mary"' in response.content


def test_it_edits_a_person_and_their_aliases(personas: Personas, client_for) -> None:
    person = _person(personas)
    response = client_for(personas.worker_a).post(
        _url("cases:person_edit", person),
        {
            "version": person.version,
            "first_name": "Maria",
            "last_name": "Lopez",
            "housing": "unsheltered",
            "aliases": "Mimi\nLa Flaca",
        },
    )
    assert response.status_code == 302
    assert sorted(person.aliases.values_list("name", flat=True)) == ["La Flaca", "Mimi"]


def test_closing_needs_a_reason(personas: Personas, client_for) -> None:
    case = _case(personas)
    client = client_for(personas.worker_a)
    response = client.post(_url("cases:status", case), {"version": 1, "status": "closed"})
    assert b"Say why the case is closing." in response.content
    client.post(
        _url("cases:status", case), {"version": 1, "status": "closed", "close_reason": "goals_met"}
    )
    case.refresh_from_db()
    assert (case.status, case.close_reason) == ("closed", "goals_met")


def test_it_saves_a_safety_plan_and_shows_a_conflict(personas: Personas, client_for) -> None:
    case = _case(personas)
    client = client_for(personas.worker_a)
    client.post(_url("cases:safety_plan", case), {"version": "", "warning_signs": "Not sleeping"})
    plan = SafetyPlan.objects.get(case=case)
    assert plan.warning_signs == "Not sleeping"
    assert b"Not sleeping" in client.get(_url("cases:detail", case)).content
    response = client.post(_url("cases:safety_plan", case), {"version": "", "contacts": "988"})
    assert response.status_code == 409 and b"Someone else wrote a safety plan" in response.content


# ---- Assessments ----------------------------------------------------------------------------


def test_an_assessment_shows_follow_up_questions_as_answers_change(
    personas: Personas, client_for
) -> None:
    case = _case(personas)
    client = client_for(personas.worker_a)
    url = _url("cases:assessment_new", case)
    first = client.get(url + "?instrument=suicide_risk_screen").content.decode()
    assert 'id="question-thoughts_recent">' in first
    assert 'id="question-plan" hidden' in first
    shown = client.post(
        url,
        {
            "instrument": "suicide_risk_screen",
            "thoughts_recent": "yes",
            "shown": ["thoughts_recent", "past_attempt"],
        },
        **HX,
    ).content.decode()
    # Only the questions just shown are sent, out of band; the others keep their answers.
    assert 'id="question-plan" hx-swap-oob="true"' in shown
    assert "how you would do it" in shown and "<html" not in shown
    assert "question-past_attempt" not in shown and "question-intent" not in shown


def test_an_assessment_names_missing_answers_then_scores_and_raises_the_risk(
    personas: Personas, client_for
) -> None:
    case = _case(personas)
    client = client_for(personas.worker_a)
    url = _url("cases:assessment_new", case)
    missing = client.post(url, {"instrument": "suicide_risk_screen", "thoughts_recent": "yes"})
    assert missing.status_code == 400 and b"An answer is needed." in missing.content
    answers = {
        "instrument": "suicide_risk_screen",
        "thoughts_recent": "yes",
        "thoughts_frequency": "most_days",
        "thoughts_today": "yes",
        "plan": "no",
        "firearm_access": "no",
        "preparation": "no",
        "past_attempt": "no",
    }
    done = client.post(url, answers)
    assert done.status_code == 302
    assessment = Assessment.objects.get(case=case)
    case.refresh_from_db()
    assert case.risk_level == assessment.risk_level == "high"
    page = client.get(_url("cases:detail", case)).content.decode()
    assert "Suicide-risk screen" in page and "Thoughts of suicide today" in page


# ---- People and the call-to-encounter flow --------------------------------------------------


def test_people_search_is_typo_tolerant_and_shows_why(personas: Personas, client_for) -> None:
    _person(personas, date_of_birth=timezone.localdate().replace(year=1980))
    client = client_for(personas.worker_a)
    response = client.get(reverse("cases:people") + "?q=Marai+Lopes", **HX)
    page = response.content.decode()
    assert "Maria Lopez" in page and "Why:" in page and "<html" not in page


def test_a_person_is_added_with_field_messages_for_bad_input(
    personas: Personas, client_for
) -> None:
    client = client_for(personas.worker_a)
    response = client.post(reverse("cases:person_new"), {"housing": "housed"})
    assert b"Give at least a first name" in response.content
    response = client.post(
        reverse("cases:person_new"),
        {"last_name": "Doe", "housing": "housed", "date_of_birth": "2999-01-01"},
    )
    assert b"The date of birth is in the future." in response.content
    assert not Person.objects.exists()


def test_from_a_call_the_worker_adds_the_person_opens_a_case_and_records_the_encounter(
    personas: Personas, client_for
) -> None:
    call = make_call(personas.agency, event_number="25-0100")
    client = client_for(personas.worker_a)
    call_page = client.get(_url("calls:detail", call)).content.decode()
    assert "Record an encounter for this call" in call_page
    find = client.get(reverse("cases:new") + f"?call={call.public_id}")
    assert b"who is the person?" in find.content
    added = client.post(
        reverse("cases:person_new") + f"?call={call.public_id}",
        {"first_name": "Sam", "last_name": "Okafor", "housing": "unsheltered"},
    )
    person = Person.objects.get(last_name="Okafor")
    assert added["Location"] == f"/cases/new/?person={person.public_id}&call={call.public_id}"
    opened = client.post(
        added["Location"],
        {"person": person.public_id, "call": call.public_id, "source": "call", "risk_level": "low"},
    )
    case = Case.objects.get(person=person)
    assert case.source_call == call
    assert opened["Location"].endswith(f"/encounters/new/?call={call.public_id}")
    # A second visit offers to join the open case instead of opening another.
    again = client.get(f"/cases/new/?person={person.public_id}&call={call.public_id}")
    assert _url("cases:encounter_new", case).encode() in again.content


def test_the_call_page_offers_no_encounter_link_to_a_dispatcher(
    personas: Personas, client_for
) -> None:
    call = make_call(personas.agency)
    page = client_for(personas.dispatcher).get(_url("calls:detail", call)).content
    assert b"Record an encounter for this call" not in page


def test_the_person_page_lists_their_cases_and_calls(personas: Personas, client_for) -> None:
    call = make_call(personas.agency, event_number="25-0777")
    person = _person(personas)
    services.case_open(actor=personas.worker_a, person=person, source="call", source_call=call)
    page = client_for(personas.supervisor).get(_url("cases:person", person)).content.decode()
    assert "25-0777" in page and "Open case" in page


# ---- Caseload and reassignment --------------------------------------------------------------


def test_the_supervisor_reassigns_cases_with_a_reason(personas: Personas, client_for) -> None:
    cases = [_case(personas), _case(personas)]
    client = client_for(personas.supervisor)
    team = client.get(reverse("cases:caseload") + "?which=team").content.decode()
    assert "Maria Lopez" in team and "Reassign the selected cases" in team
    ids = [str(case.public_id) for case in cases]
    refused = client.post(
        reverse("cases:reassign"), {"cases": ids, "to_user": personas.supervisor.pk}
    )
    assert refused.status_code == 400 and b"Say why the cases are being moved." in refused.content
    moved = client.post(
        reverse("cases:reassign"),
        {"cases": ids, "to_user": personas.supervisor.pk, "reason": "Worker on leave"},
    )
    assert moved.status_code == 302
    assert set(Case.objects.values_list("assigned_to", flat=True)) == {personas.supervisor.pk}
    assert AuditEvent.objects.filter(action=AuditAction.CASES_REASSIGNED).count() == 2


def test_a_social_worker_sees_no_reassignment_form(personas: Personas, client_for) -> None:
    _case(personas)
    page = client_for(personas.worker_a).get(reverse("cases:caseload")).content.decode()
    assert "Maria Lopez" in page and "Reassign" not in page


def test_the_caseload_highlights_overdue_follow_ups(personas: Personas, client_for) -> None:
    case = _case(personas)
    services.task_create(
        actor=personas.worker_a, case=case, title="Call", due_at=timezone.now() - timedelta(days=1)
    )
    page = client_for(personas.worker_a).get(reverse("cases:caseload")).content.decode()
    assert "1 overdue" in page and "row-overdue" in page


# ---- Queries per page -----------------------------------------------------------------------


def _fill(personas: Personas, case: Case, count: int) -> None:
    for number in range(count):
        _encounter(personas, case, kind="crisis", summary=f"visit {number}")
        note = services.note_write(actor=personas.worker_a, case=case, body=f"note {number}")
        services.note_amend(actor=personas.worker_a, note=note, body="changed", reason="typo fix")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_case_page_makes_the_same_number_of_queries_for_5_or_50_records(
    personas: Personas, client_for
) -> None:
    client = client_for(personas.worker_a)
    small, large = _case(personas), _case(personas)
    _fill(personas, small, 5)
    _fill(personas, large, 50)
    assert _queries(client, _url("cases:detail", small)) == _queries(
        client, _url("cases:detail", large)
    )


def test_the_caseload_makes_the_same_number_of_queries_for_5_or_50_cases(
    personas: Personas, client_for
) -> None:
    client = client_for(personas.supervisor)
    for _ in range(5):
        _case(personas)
    few = _queries(client, reverse("cases:caseload") + "?which=team")
    for _ in range(45):
        _fill(personas, _case(personas), 0)
    many = _queries(client, reverse("cases:caseload") + "?which=team")
    assert few == many
