"""The people and cases API: scope, server-owned fields, conflicts, and concurrent writers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from coresponder.accounts.services import api_token_create
from coresponder.cases import services
from coresponder.cases.models import Case, Note
from tests.conftest import Personas

NOON = datetime(2025, 5, 5, 12, 0, tzinfo=UTC)


def _client(user: object, scopes: list[str] | None = None) -> tuple[Client, str]:
    _, secret = api_token_create(
        actor=None, user=user, name="app", scopes=scopes or ["cases:read", "cases:write"]
    )
    return Client(), f"Bearer {secret}"


def _send(user: object, method: str, path: str, body: object | None = None):
    client, auth = _client(user)
    return getattr(client, method)(
        path,
        json.dumps(body) if body is not None else None,
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )


def _case(personas: Personas) -> Case:
    person = services.person_create(actor=personas.worker_a, first_name="Ana", last_name="Diaz")
    return services.case_open(actor=personas.worker_a, person=person, source="self_referral")


def test_a_worker_creates_a_person_and_opens_a_case(personas: Personas) -> None:
    jon = {"first_name": "Jon", "last_name": "Smyth", "date_of_birth": "1980-03-02"}
    made = _send(personas.worker_a, "post", "/api/v1/people", jon)
    assert made.status_code == 201, made.content
    person = made.json()["id"]
    opened = _send(personas.worker_a, "post", "/api/v1/cases",
                   {"person": person, "source": "outreach", "needs": ["housing"]})  # fmt: skip
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert (body["team"], body["assigned_to"], body["status"]) == ("Team A", "worker_a", "open")
    found = _send(personas.worker_a, "get", "/api/v1/people?q=john%20smith%201980")
    assert found.json()[0]["person"]["id"] == person
    assert found.json()[0]["reasons"]


def test_server_owned_fields_in_a_body_change_nothing(personas: Personas) -> None:
    case = _case(personas)
    response = _send(personas.worker_a, "patch", f"/api/v1/cases/{case.public_id}",
                     {"version": 1, "goals": "Benefits", "team": "Team B", "assigned_to": "x",
                      "status_owner": "me", "agency": 99})  # fmt: skip
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert (case.goals, case.team, case.assigned_to, case.version) == (
        "Benefits", personas.team_a, personas.worker_a, 2,
    )  # fmt: skip
    note = _send(personas.worker_a, "post", f"/api/v1/cases/{case.public_id}/notes",
                 {"body": "Seen", "author": "someone else", "version": 7})  # fmt: skip
    assert note.status_code == 201
    stored = Note.objects.get()
    assert (stored.author, stored.current_version) == (personas.worker_a, 1)


def test_a_stale_version_is_a_409_and_bad_input_a_422(personas: Personas) -> None:
    case = _case(personas)
    first = _send(personas.worker_a, "patch", f"/api/v1/cases/{case.public_id}",
                  {"version": 1, "goals": "Housing"})  # fmt: skip
    second = _send(personas.supervisor, "patch", f"/api/v1/cases/{case.public_id}",
                   {"version": 1, "goals": "Benefits"})  # fmt: skip
    assert (first.status_code, second.status_code) == (200, 409)
    assert "Someone else saved" in second.json()["detail"]
    bad = _send(personas.worker_a, "patch", f"/api/v1/cases/{case.public_id}",
                {"version": 2, "risk_level": "extreme"})  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "risk_level"


def test_out_of_scope_is_404_and_officers_get_nothing(personas: Personas) -> None:
    case = _case(personas)
    assert _send(personas.worker_b, "get", f"/api/v1/cases/{case.public_id}").status_code == 404
    assert _send(personas.outsider_admin, "get", f"/api/v1/cases/{case.public_id}").status_code in (
        403,
        404,
    )
    assert _send(personas.officer, "get", f"/api/v1/cases/{case.public_id}").status_code == 403
    assert _send(personas.analyst, "get", "/api/v1/people?q=ana").status_code == 403


def test_an_encounter_after_a_crisis_adds_the_follow_up(personas: Personas) -> None:
    case = _case(personas)
    crisis = {"kind": "crisis", "started_at": NOON.isoformat(), "outcome": "resolved"}
    response = _send(
        personas.worker_a, "post", f"/api/v1/cases/{case.public_id}/encounters", crisis
    )
    assert response.status_code == 201, response.content
    tasks = _send(personas.worker_a, "get", f"/api/v1/cases/{case.public_id}/tasks").json()
    assert len(tasks) == 1 and tasks[0]["title"].startswith("Follow up within 48 hours")
    close = {"version": tasks[0]["version"], "status": "done", "outcome": "Phoned"}
    done = _send(personas.worker_a, "patch", f"/api/v1/tasks/{tasks[0]['id']}", close)
    assert done.status_code == 200 and done.json()["status"] == "done"


def test_an_assessment_is_scored_and_raises_the_case_risk(personas: Personas) -> None:
    from coresponder.cases.instruments import instruments

    case = _case(personas)
    code = (
        "suicide_risk_screen"
        if "suicide_risk_screen" in instruments()
        else next(iter(instruments()))
    )
    missing = _send(personas.worker_a, "post", f"/api/v1/cases/{case.public_id}/assessments",
                    {"instrument": code, "answers": {}})  # fmt: skip
    assert missing.status_code == 422
    assert "an answer is needed" in missing.json()["detail"]


@pytest.fixture
def committed_db(transactional_db: None, django_db_blocker: object) -> Iterator[None]:
    """Real commits, so that writers on separate connections see each other. The audit log's
    append-only triggers are lifted only for the flush that ends the test, then restored."""
    from django.db import connection

    from coresponder.audit import triggers

    triggers.drop(connection)
    triggers.install(connection)
    yield
    triggers.drop(connection)


@pytest.fixture(scope="module", autouse=True)
def _triggers_back_after_flush(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    yield
    from django.db import connection

    from coresponder.audit import triggers

    with django_db_blocker.unblock():
        triggers.drop(connection)
        triggers.install(connection)


def test_fifty_concurrent_writers_lose_no_edit(committed_db: None, personas: Personas) -> None:
    case = _case(personas)
    writers = 50
    saved: list[str] = []
    failures: list[BaseException] = []

    def write(number: int) -> None:
        marker = f"[w{number}]"
        try:
            for _ in range(500):
                current = Case.objects.get(pk=case.pk)
                try:
                    services.case_update(
                        actor=personas.worker_a,
                        case=current,
                        expected_version=current.version,
                        goals=current.goals + marker,
                    )
                except services.EditConflict:
                    continue
                saved.append(marker)
                return
            failures.append(RuntimeError(f"{marker} never got its turn"))
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    case.refresh_from_db()
    assert len(saved) == writers
    assert all(marker in case.goals for marker in saved)  # every saved edit is there
    assert case.version == writers + 1
