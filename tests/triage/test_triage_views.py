"""The triage pages: the dispatcher board, answers, the review queue, the crosswalk, the
agreement report, and the recommendation on the call pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.triage.models import CallTypeOverride, CallTypeReview, DispatcherAnswer
from tests.calls.factories import make_call
from tests.conftest import Personas

NOON = datetime(2025, 5, 5, 12, 0, tzinfo=UTC)


def test_the_board_shows_calls_with_their_recommendation(personas: Personas, client_for) -> None:
    make_call(personas.agency, event_number="B-1", initial_type_text="MENTAL HEALTH CRISIS",
              received_at=NOON)  # fmt: skip
    make_call(personas.other_agency, event_number="X-1", received_at=NOON)
    response = client_for(personas.dispatcher).get("/triage/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "B-1" in page and "X-1" not in page
    assert "Social worker / alternative" in page and "program-eligible" in page
    assert 'hx-trigger="every 5s"' in page
    assert AuditEvent.objects.filter(action=AuditAction.TRIAGE_BOARD_VIEWED).count() == 1


def test_polling_returns_only_calls_newer_than_the_board_has(
    personas: Personas, client_for
) -> None:
    make_call(personas.agency, event_number="OLD", received_at=NOON)
    make_call(personas.agency, event_number="NEW", received_at=NOON + timedelta(minutes=5))
    client = client_for(personas.dispatcher)
    after = NOON.isoformat()
    response = client.get("/triage/", {"after": after}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "NEW" in page and "OLD" not in page
    assert 'hx-swap-oob="true"' in page and "1 new call." in page
    quiet = client.get(
        "/triage/", {"after": (NOON + timedelta(hours=1)).isoformat()}, HTTP_HX_REQUEST="true"
    )
    assert "<tr" not in quiet.content.decode()
    # Polls that bring nothing new are not audited; the board opening and the new call were.
    assert AuditEvent.objects.filter(action=AuditAction.TRIAGE_BOARD_VIEWED).count() == 1


def test_a_dispatcher_overrides_in_place_and_must_give_a_reason(
    personas: Personas, client_for
) -> None:
    call = make_call(personas.agency, initial_type_text="WELFARE CHECK", received_at=NOON)
    client = client_for(personas.dispatcher)
    url = f"/triage/calls/{call.public_id}/answer/"
    refused = client.post(url, {"mode": "police", "reason": ""}, HTTP_HX_REQUEST="true")
    assert "Say why you are overriding" in refused.content.decode()
    assert not DispatcherAnswer.objects.exists()
    done = client.post(url, {"mode": "police", "reason": "Known threats to staff"},
                       HTTP_HX_REQUEST="true")  # fmt: skip
    assert "Overridden: police" in done.content.decode()
    accepted = client.post(url, {"mode": "alternative"})
    assert accepted.status_code == 302
    assert DispatcherAnswer.objects.count() == 2


def test_answering_another_agencys_call_is_not_found(personas: Personas, client_for) -> None:
    theirs = make_call(personas.other_agency, received_at=NOON)
    response = client_for(personas.dispatcher).post(
        f"/triage/calls/{theirs.public_id}/answer/", {"mode": "police"}
    )
    assert response.status_code == 404


def test_a_supervisor_confirms_a_new_call_type_from_the_queue(
    personas: Personas, client_for
) -> None:
    make_call(personas.agency, initial_type_text="ZZQX BLORP", received_at=NOON)
    client = client_for(personas.supervisor)
    page = client.get("/triage/review/").content.decode()
    assert "ZZQX BLORP" in page
    review = CallTypeReview.objects.get(example="ZZQX BLORP")
    response = client.post(f"/triage/review/{review.public_id}/confirm/", {"category": "other"})
    assert response.status_code == 302
    assert CallTypeOverride.objects.get(key="ZZQX BLORP").category == "other"
    after = client.get("/triage/review/").content.decode()
    assert "ZZQX BLORP confirmed" in after
    assert '<th scope="row">ZZQX BLORP</th>' not in after


def test_the_crosswalk_adds_and_removes_overrides(personas: Personas, client_for) -> None:
    client = client_for(personas.admin)
    bad = client.post("/triage/crosswalk/", {"call_type": "  ", "category": "other"})
    assert bad.status_code == 400
    client.post("/triage/crosswalk/", {"call_type": "PAN", "category": "panhandling"})
    override = CallTypeOverride.objects.get(agency=personas.agency)
    assert "PAN" in client.get("/triage/crosswalk/").content.decode()
    client.post(f"/triage/crosswalk/{override.pk}/delete/")
    assert not CallTypeOverride.objects.exists()
    outsider = client_for(personas.outsider_admin)
    client.post("/triage/crosswalk/", {"call_type": "PAN", "category": "panhandling"})
    override = CallTypeOverride.objects.get(agency=personas.agency)
    assert outsider.post(f"/triage/crosswalk/{override.pk}/delete/").status_code == 404


def test_the_report_gives_agreement_per_rule_and_category(personas: Personas, client_for) -> None:
    call = make_call(personas.agency, initial_type_text="WELFARE CHECK", received_at=NOON)
    dispatcher = client_for(personas.dispatcher)
    url = f"/triage/calls/{call.public_id}/answer/"
    dispatcher.post(url, {"mode": "police", "reason": "Known threats to staff"})
    page = client_for(personas.analyst).get("/triage/report/").content.decode()
    assert "program-eligible" in page and "welfare_check" in page
    assert "100 %" in page  # one answer, overridden


def test_the_call_page_hides_narrative_evidence_from_roles_without_it(
    personas: Personas, client_for
) -> None:
    call = make_call(personas.agency, initial_type_text="WELFARE CHECK",
                     narrative="NARRATIVE-CANARY he has a knife", received_at=NOON)  # fmt: skip
    url = f"/calls/{call.public_id}/"
    dispatcher_page = client_for(personas.dispatcher).get(url).content.decode()
    worker_page = client_for(personas.worker_a).get(url).content.decode()
    assert "Triage recommendation" in dispatcher_page and "knife" in dispatcher_page
    assert "Triage recommendation" in worker_page and "gate-weapon" in worker_page
    assert "knife" not in worker_page and "NARRATIVE-CANARY" not in worker_page
    assert "shown only to roles with criminal-justice access" in worker_page


def test_the_calls_list_filters_by_category_and_mode(personas: Personas, client_for) -> None:
    make_call(personas.agency, event_number="MH-1", initial_type_text="MENTAL HEALTH CRISIS",
              received_at=NOON)  # fmt: skip
    make_call(personas.agency, event_number="TH-1", initial_type_text="THEFT", received_at=NOON)
    client = client_for(personas.supervisor)
    by_category = client.get("/calls/", {"category": "mental_health"}).content.decode()
    by_mode = client.get("/calls/", {"mode": "police"}).content.decode()
    assert "MH-1" in by_category and "TH-1" not in by_category
    assert "TH-1" in by_mode and "MH-1" not in by_mode
    assert client.get("/calls/", {"category": "nonsense"}).status_code == 400
