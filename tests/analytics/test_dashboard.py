"""The outcomes dashboard: extraction from the database, the cache, the page and its CSVs."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from coresponder.analytics.extract import extract
from coresponder.analytics.metrics import compute_dashboard
from coresponder.analytics.metrics.base import Params
from coresponder.analytics.services import Filters, dashboard_for, parse_period
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.calls.models import Call
from coresponder.cases.models import Case, Encounter, Person, PersonCall
from coresponder.linkage.models import CallLocation
from coresponder.referrals.models import Referral
from coresponder.triage.models import TriageDecision
from tests.calls.factories import make_call
from tests.conftest import Personas

MAY = datetime(2025, 5, 5, 14, 0, tzinfo=UTC)  # a Monday, 14:00 UTC


def _triaged(call: Call, *, category: str, mode: str, eligible: bool, bh: bool = False) -> None:
    TriageDecision.objects.update_or_create(
        call=call,
        defaults={
            "agency_id": call.agency_id,
            "received_at": call.received_at,
            "category": category,
            "behavioural_health": bh,
            "mode": mode,
            "eligible": eligible,
            "rule": "test",
            "policy_version": "test",
            "call_content_hash": call.content_hash,
        },
    )


@dataclass
class Program:
    calls: list[Call]
    person: Person
    case: Case


@pytest.fixture
def program(personas: Personas) -> Program:
    """Four calls in May 2025, one answered by Team A (a person, a referral, a place)."""
    agency = personas.agency
    c1 = make_call(agency, received_at=MAY, call_source="911", district="North")
    c2 = make_call(
        agency, received_at=MAY + timedelta(hours=1), call_source="911", district="North"
    )
    c3 = make_call(
        agency, received_at=MAY + timedelta(hours=2), call_source="911", district="South"
    )
    c4 = make_call(
        agency,
        received_at=MAY + timedelta(days=1),
        call_source="officer_initiated",
        district="South",
        disposition_text="ARREST MADE",
    )
    _triaged(c1, category="mental_health", mode="alternative", eligible=True, bh=True)
    _triaged(c2, category="welfare_check", mode="co_response", eligible=True, bh=True)
    _triaged(c3, category="welfare_check", mode="police", eligible=True, bh=True)
    _triaged(c4, category="simple_assault", mode="police", eligible=False)
    person = Person.objects.create(agency=agency, first_name="Ada", last_name="Test")
    case = Case.objects.create(
        agency=agency, person=person, team=personas.team_a, source="call", source_call=c1
    )
    Encounter.objects.create(
        agency=agency,
        case=case,
        call=c1,
        kind="crisis",
        started_at=MAY + timedelta(minutes=9),
        outcome="voluntary_transport",
    )
    PersonCall.objects.create(person=person, call=c1, role="subject")
    CallLocation.objects.create(
        call=c1,
        agency=agency,
        received_at=c1.received_at,
        key="k1",
        location="100 MAIN ST",
        kind="address",
    )
    Referral.objects.create(
        agency=agency,
        case=case,
        person=person,
        service_id="s1",
        service_name="Crisis stabilisation",
        organization_id="o1",
        organization_name="Partner",
        status="accepted",
        sent_at=MAY + timedelta(hours=3),
        accepted_at=MAY + timedelta(hours=9),
        created_by=personas.worker_a,
    )
    return Program([c1, c2, c3, c4], person, case)


def test_it_extracts_the_frames_and_the_metrics_computed_by_hand(
    personas: Personas, program: Program
) -> None:
    c1, c2, c3, c4 = program.calls
    frames = extract(
        personas.agency.pk, datetime(2025, 5, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC)
    )
    assert frames.calls is not None and frames.calls.height == 4
    calls = {row["call_id"]: row for row in frames.calls.iter_rows(named=True)}
    assert calls[c1.pk]["mode_dispatched"] == "alternative"
    assert calls[c1.pk]["team"] == "Team A"
    assert calls[c1.pk]["location_key"] == "100 MAIN ST"
    assert calls[c1.pk]["person_id"] == program.person.pk
    assert calls[c1.pk]["transport"] is True  # the encounter's outcome
    assert calls[c4.pk]["public_initiated"] is False
    assert calls[c4.pk]["criminal"] is True and calls[c1.pk]["criminal"] is False
    assert calls[c4.pk]["arrest"] is True  # the disposition's words
    assert calls[c2.pk]["team"] is None
    assert frames.units is not None and frames.units.height == 4  # one unit a call
    assert frames.encounters is not None and frames.encounters.height == 1
    assert frames.referrals is not None and frames.referrals.height == 1
    assert frames.tasks is None  # no rows: "not available", not zero
    assert frames.people is not None and frames.people.height == 1
    frames.validated()

    params = Params(start=datetime(2025, 5, 1), end=datetime(2025, 6, 1))
    results = compute_dashboard(frames, params)
    # public-initiated calls: c1, c2, c3; the program (co-response, alternative) took c1, c2
    assert results["program_share"].value == pytest.approx(2 / 3)
    # alternative ÷ (alternative + police-attended: c2 co-response, c3 and c4 police)
    assert results["diversion_rate"].value == pytest.approx(1 / 4)
    # eligible c1, c2, c3; served c1, c2
    assert results["eligible_coverage"].value == pytest.approx(2 / 3)
    # every call is on scene 9 minutes after it was received
    assert results["response_time"].value == pytest.approx(9.0)
    assert results["referral_time_to_acceptance"].value == pytest.approx(6.0)
    assert results["transport_rate"].parts["numerator"] == 1
    assert not results["follow_up_tasks_on_time"].available


def test_it_caches_the_dashboard_until_new_data_arrives(
    personas: Personas, program: Program
) -> None:
    period = parse_period("2025-05")
    first, cached = dashboard_for(personas.agency.pk, period, Filters(), suppressed=False)
    assert not cached
    again, cached = dashboard_for(personas.agency.pk, period, Filters(), suppressed=False)
    assert cached and again.version == first.version
    assert first.charts["calls_by_mode"].values[-1][-1] == 4  # the grand total

    call = make_call(personas.agency, received_at=MAY + timedelta(days=2), call_source="911")
    _triaged(call, category="mental_health", mode="alternative", eligible=True)
    fresh, cached = dashboard_for(personas.agency.pk, period, Filters(), suppressed=False)
    assert not cached and fresh.version != first.version
    assert fresh.charts["calls_by_mode"].values[-1][-1] == 5


def test_it_filters_by_team_district_and_mode(personas: Personas, program: Program) -> None:
    period = parse_period("2025-05")
    north, _ = dashboard_for(
        personas.agency.pk, period, Filters(district="North"), suppressed=False
    )
    assert north.charts["calls_by_mode"].values[-1][-1] == 2
    police, _ = dashboard_for(personas.agency.pk, period, Filters(mode="police"), suppressed=False)
    assert police.charts["calls_by_mode"].values[-1][-1] == 2
    team, _ = dashboard_for(personas.agency.pk, period, Filters(team="Team A"), suppressed=False)
    assert team.charts["calls_by_mode"].values[-1][-1] == 1


def test_it_shows_the_analyst_suppressed_cells_and_audits(
    personas: Personas, program: Program, client_for
) -> None:
    response = client_for(personas.analyst).get(
        reverse("analytics:dashboard"), {"period": "2025-05"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Counts of 1 to 10 are hidden" in html
    assert '<span class="suppressed">suppressed</span>' in html
    event = AuditEvent.objects.filter(action=AuditAction.OUTCOMES_VIEWED).latest("seq")
    assert event.actor_id == personas.analyst.pk
    assert event.data["period"] == "2025-05" and event.data["suppressed"] is True


def test_it_shows_the_supervisor_exact_counts(
    personas: Personas, program: Program, client_for
) -> None:
    response = client_for(personas.supervisor).get(
        reverse("analytics:dashboard"), {"period": "2025-05"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Counts of 1 to 10 are hidden" not in html
    assert '<span class="suppressed">' not in html
    assert "Outcomes" in html and 'id="chart-coverage"' in html


def test_it_downloads_a_chart_as_csv(personas: Personas, program: Program, client_for) -> None:
    url = reverse("analytics:chart_csv", args=["calls_by_mode"])
    response = client_for(personas.supervisor).get(url, {"period": "2025"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, may, total = rows[0], rows[1], rows[-1]
    assert header[0] == "Month starting" and header[-1] == "total"
    assert may[0] == "2025-05-01"
    counts = dict(zip(header[1:], may[1:], strict=True))
    assert counts["alternative"] == "1" and counts["co_response"] == "1"
    assert counts["police"] == "2" and counts["total"] == "4"
    assert total[0] == "total" and total[-1] == "4"
    event = AuditEvent.objects.filter(action=AuditAction.OUTCOMES_CHART_DOWNLOADED).latest("seq")
    assert event.object_id == "calls_by_mode"

    analyst = client_for(personas.analyst).get(url, {"period": "2025"})
    analyst_rows = list(csv.reader(io.StringIO(analyst.content.decode())))
    assert "suppressed" in analyst_rows[1]

    missing = client_for(personas.analyst).get(reverse("analytics:chart_csv", args=["nothing"]))
    assert missing.status_code == 404


def test_it_refuses_a_social_worker(personas: Personas, client_for) -> None:
    client = client_for(personas.worker_a)
    assert client.get(reverse("analytics:dashboard")).status_code == 403
    url = reverse("analytics:chart_csv", args=["calls_by_mode"])
    assert client.get(url).status_code == 403


def test_it_says_not_available_without_data(personas: Personas, client_for) -> None:
    response = client_for(personas.analyst).get(reverse("analytics:dashboard"))
    assert response.status_code == 200
    assert "not available" in response.content.decode()


def test_it_reads_periods() -> None:
    assert parse_period("2026-Q4").end == datetime(2027, 1, 1, tzinfo=UTC)
    assert parse_period("2026-12").end == datetime(2027, 1, 1, tzinfo=UTC)
    assert parse_period("2026").label == "2026"
    with pytest.raises(ValueError):
        parse_period("2026-13")


def test_it_shows_the_departments_work(personas: Personas, client_for) -> None:
    from datetime import date

    from coresponder.plans import services as plans
    from coresponder.training.models import Certificate, Course, Officer

    course = Course.objects.create(
        agency=personas.agency, code="CIT40", title="CIT 40-hour course", kind="cit", hours=40
    )
    for badge, shift, trained in (("1", "days", True), ("2", "days", False), ("3", "nights", True)):
        officer = Officer.objects.create(
            agency=personas.agency, badge=badge, name=f"Officer {badge}", shift=shift,
            district="North",
        )  # fmt: skip
        if trained:
            Certificate.objects.create(
                officer=officer, course=course, issued_on=date(2025, 1, 1), expires_on=None
            )
    consult = plans.consult_ask(actor=personas.officer, question="Advice, please.")
    plans.consult_answer(actor=personas.worker_a, consult=consult, answer="Call us at once.")
    html = client_for(personas.supervisor).get(reverse("analytics:dashboard")).content.decode()
    assert "The department's work" in html and "CIT 40-hour course" in html
    assert "67 %" in html  # 2 of 3 active officers hold a current certificate
    assert "Consults answered" in html and "100 %" in html


def test_it_writes_the_report_as_pdf_csv_and_json(
    personas: Personas, program: Program, client_for, tmp_path
) -> None:
    from click.testing import CliRunner

    from coresponder.cli import main

    client = client_for(personas.supervisor)
    pdf = client.get(reverse("analytics:report"), {"period": "2025-05", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    data = client.get(reverse("analytics:report"), {"period": "2025-05", "format": "json"}).json()
    assert data["small_cells_suppressed"] is True and "calls_by_mode" in data["charts"]
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(
        main, ["report", "--period", "2025-05", "--format", "csv", "--out", str(out),
               "--agency", "testville"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("section,name,row,column,value")
    assert client.get(reverse("analytics:report"), {"format": "doc"}).status_code == 404
