"""The calls list and call page: agency-scoped, filtered, audited, narratives only for CJI roles."""

from __future__ import annotations

from datetime import UTC, datetime

from django.urls import reverse

from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from tests.calls.factories import make_call
from tests.conftest import Personas


def test_it_lists_the_agencys_calls_with_filters_and_audits_the_search(
    personas: Personas, client_for
) -> None:
    make_call(personas.agency, event_number="A-1", final_type_text="MENTAL HEALTH CRISIS")
    make_call(personas.agency, event_number="A-2", received_at=datetime(2025, 8, 1, tzinfo=UTC))
    make_call(personas.other_agency, event_number="FOREIGN-1")
    client = client_for(personas.dispatcher)
    everything = client.get(reverse("calls:list"))
    assert b"A-1" in everything.content and b"A-2" in everything.content
    assert b"FOREIGN-1" not in everything.content
    by_type = client.get(reverse("calls:list"), {"call_type": "MENTAL HEALTH CRISIS"})
    assert b"A-1" in by_type.content and b"A-2</a>" not in by_type.content
    by_period = client.get(reverse("calls:list"), {"since": "2025-07-01", "until": "2025-08-31"})
    assert b"A-2" in by_period.content and b"A-1</a>" not in by_period.content
    searches = AuditEvent.objects.filter(action=AuditAction.CALLS_LISTED)
    assert searches.count() == 3
    assert searches.order_by("seq").last().data["since"].startswith("2025-07-01")


def test_it_explains_bad_filters(personas: Personas, client_for) -> None:
    response = client_for(personas.dispatcher).get(
        reverse("calls:list"), {"since": "2025-09-01", "until": "2025-08-01"}
    )
    assert response.status_code == 400
    assert b"The end date is before the start date." in response.content


def test_it_shows_a_call_with_its_time_line_and_audits_the_view(
    personas: Personas, client_for
) -> None:
    call = make_call(personas.agency)
    response = client_for(personas.dispatcher).get(reverse("calls:detail", args=[call.public_id]))
    assert response.status_code == 200
    assert b"On scene" in response.content and b"+9 min" in response.content
    assert b"2A31" in response.content
    event = AuditEvent.objects.get(action=AuditAction.CALL_VIEWED)
    assert event.object_id == str(call.public_id)
    assert event.data == {"narrative_shown": True, "persons_shown": True}


def test_it_keeps_narratives_from_roles_without_criminal_justice_access(
    personas: Personas, client_for
) -> None:
    call = make_call(personas.agency)
    url = reverse("calls:detail", args=[call.public_id])
    for user, sees_narrative in ((personas.officer, True), (personas.worker_a, False)):
        body = client_for(user).get(url).content
        assert (b"NARRATIVE-CANARY" in body) is sees_narrative
        assert b"PERSON-CANARY" in body


def test_it_answers_404_for_another_agencys_call(personas: Personas, client_for) -> None:
    foreign = make_call(personas.other_agency)
    response = client_for(personas.dispatcher).get(
        reverse("calls:detail", args=[foreign.public_id])
    )
    assert response.status_code == 404
    assert b"NARRATIVE-CANARY" not in response.content


def test_it_offers_the_agencys_call_types_and_refreshes_them_after_an_import(
    personas: Personas, client_for
) -> None:
    make_call(personas.agency, final_type_text="OVERDOSE")
    client = client_for(personas.dispatcher)
    assert b'<option value="OVERDOSE">' in client.get(reverse("calls:list")).content
    make_call(personas.agency, final_type_text="TRESPASS")
    page = client.get(reverse("calls:list")).content
    assert b'<option value="TRESPASS">' in page and b'<option value="OVERDOSE">' in page
