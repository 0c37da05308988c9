"""Auditor pages: the log with filters and "who viewed this record", agency-scoped."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.audit.services import audit_record
from tests.conftest import Personas


def test_it_shows_the_agencys_events_and_audits_the_search(personas: Personas, client_for) -> None:
    audit_record(actor=personas.worker_a, action=AuditAction.LOGOUT)
    audit_record(
        actor=personas.outsider_admin, action=AuditAction.LOGOUT, object_id="foreign-marker"
    )
    response = client_for(personas.auditor).get(reverse("audit:log"))
    assert response.status_code == 200
    assert b"worker_a" in response.content
    assert b"foreign-marker" not in response.content and b"outsider_admin" not in response.content
    viewed = AuditEvent.objects.filter(action=AuditAction.AUDIT_LOG_VIEWED).get()
    assert viewed.actor_id == personas.auditor.pk and viewed.actor_role == "auditor"


def _results(response) -> bytes:
    """The results section only: the filter form itself lists every action name."""
    return response.content.split(b'id="results"', 1)[1]


def test_it_filters_by_actor_action_object_and_time(personas: Personas, client_for) -> None:
    audit_record(
        actor=personas.worker_a, action=AuditAction.LOGOUT, object_type="user", object_id="u1"
    )
    audit_record(actor=personas.worker_b, action=AuditAction.MFA_VERIFIED)
    client = client_for(personas.auditor)
    by_actor = client.get(reverse("audit:log"), {"actor": "worker_b"})
    assert b"MFA_VERIFIED" in _results(by_actor) and b"LOGOUT" not in _results(by_actor)
    by_action = client.get(reverse("audit:log"), {"action": int(AuditAction.LOGOUT)})
    assert b"worker_a" in _results(by_action) and b"worker_b" not in _results(by_action)
    by_object = client.get(reverse("audit:log"), {"object_type": "user", "object_id": "u1"})
    assert b"1 event;" in _results(by_object)
    future = client.get(reverse("audit:log"), {"since": "2999-01-01"})
    assert b"No events match." in future.content
    recorded = AuditEvent.objects.filter(action=AuditAction.AUDIT_LOG_VIEWED).order_by("seq")
    assert recorded.last().data == {"since": "2999-01-01T00:00:00+00:00"}


def test_it_returns_only_the_results_partial_to_htmx(personas: Personas, client_for) -> None:
    response = client_for(personas.auditor).get(reverse("audit:log"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b'id="results"' in response.content and b"<html" not in response.content


def test_it_explains_malformed_filters(personas: Personas, client_for) -> None:
    response = client_for(personas.auditor).get(
        reverse("audit:log"), {"since": "yesterday", "action": "x"}
    )
    assert response.status_code == 400
    assert b"Enter a valid date" in response.content


def test_it_shows_who_viewed_a_record(personas: Personas, client_for) -> None:
    audit_record(
        actor=personas.admin, action=AuditAction.MFA_RESET, object_type="user", object_id="abc"
    )
    audit_record(
        actor=personas.admin, action=AuditAction.LOGOUT, object_type="user", object_id="other"
    )
    url = reverse("audit:record_viewers", kwargs={"object_type": "user", "object_id": "abc"})
    response = client_for(personas.auditor).get(url)
    assert response.status_code == 200
    assert b"MFA_RESET" in response.content and b"LOGOUT" not in response.content
    assert AuditEvent.objects.filter(
        action=AuditAction.AUDIT_RECORD_VIEWERS_VIEWED, object_id="abc"
    ).exists()


def test_it_returns_nothing_when_the_audit_event_cannot_be_written(
    personas: Personas, client_for, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fail closed: no audit row, no confidential data."""
    client = client_for(personas.admin)

    def broken(**_: object) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("coresponder.accounts.selectors.audit_record", broken)
    client.raise_request_exception = False
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 500
    assert b"worker_a" not in response.content
    assert (
        b"audit store unavailable" not in response.content and b"Traceback" not in response.content
    )


def test_it_answers_the_api_search_for_an_auditor(personas: Personas, client_for) -> None:
    audit_record(actor=personas.worker_a, action=AuditAction.LOGOUT)
    response = client_for(personas.auditor).get(
        "/api/v1/audit/events", {"actor": "worker_a", "limit": 5}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["action_name"] == "LOGOUT"
    bad = client_for(personas.auditor).get("/api/v1/audit/events", {"since": "not a time"})
    assert bad.status_code == 422 and "since" in bad.json()["detail"]


def test_it_shows_system_events_of_no_agency_to_auditors(personas: Personas, client_for) -> None:
    audit_record(
        actor=None, action=AuditAction.LOGIN_FAILED, object_type="username", object_id="ghost"
    )
    response = client_for(personas.auditor).get(reverse("audit:log"))
    assert b"ghost" in _results(response)


def test_it_shows_filter_errors_in_the_htmx_partial_and_no_events(
    personas: Personas, client_for
) -> None:
    audit_record(actor=personas.worker_a, action=AuditAction.LOGOUT)
    response = client_for(personas.auditor).get(
        reverse("audit:log"), {"since": "yesterday"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"Fix the filters" in response.content and b"0 events" in response.content


def test_it_answers_an_htmx_history_restore_with_the_whole_page(
    personas: Personas, client_for
) -> None:
    response = client_for(personas.auditor).get(
        reverse("audit:log"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert b"<html" in response.content
