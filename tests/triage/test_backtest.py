"""Triage on imported files, pending calls, and the backtest of a policy on stored calls."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from coresponder.calls.engine.profile import load_profile
from coresponder.calls.engine.records import UnitRecord
from coresponder.calls.engine.synthetic import generate_calls
from coresponder.calls.models import Call
from coresponder.calls.services import calls_import_file
from coresponder.cli import main
from coresponder.triage.backtest import backtest
from coresponder.triage.engine.policy import DEFAULT_POLICY_PATH, parse_policy
from coresponder.triage.models import TriageDecision
from coresponder.triage.services import calls_triage_pending
from tests.calls.factories import make_call
from tests.conftest import Personas

NOON = datetime(2025, 5, 5, 12, 0, tzinfo=UTC)


def test_an_imported_file_is_triaged_call_by_call(personas: Personas, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    generate_calls(path, calls=600, seed=5)
    summary = calls_import_file(
        actor=None,
        agency=personas.agency,
        path=path,
        profile=load_profile("coresponder-canonical"),
    )
    assert summary.counts.new == Call.objects.count()
    decisions = TriageDecision.objects.filter(agency=personas.agency)
    assert decisions.count() == Call.objects.count()
    assert set(decisions.values_list("mode", flat=True)) >= {"police", "alternative"}


def test_pending_decides_calls_left_without_a_decision(personas: Personas) -> None:
    call = make_call(personas.agency, initial_type_text="WELFARE CHECK", received_at=NOON)
    TriageDecision.objects.filter(call=call).delete()
    run = calls_triage_pending(agency=personas.agency)
    assert run.decided == 1
    assert TriageDecision.objects.filter(call=call).exists()
    assert calls_triage_pending(agency=personas.agency).decided == 0


def _police(minutes: int) -> list[UnitRecord]:
    start = NOON.replace(minute=10)
    return [
        UnitRecord(
            unit_id="1A",
            unit_type="police",
            on_scene_at=start,
            cleared_at=start + (NOON.replace(minute=10 + minutes) - start),
        )
    ]


def test_the_backtest_counts_modes_hours_and_changes(personas: Personas) -> None:
    make_call(personas.agency, event_number="1", initial_type_text="WELFARE CHECK",
              received_at=NOON, units=_police(30))  # fmt: skip
    make_call(personas.agency, event_number="2", initial_type_text="THEFT",
              final_type_text="THEFT", received_at=NOON, units=_police(45))  # fmt: skip
    make_call(personas.agency, event_number="3", initial_type_text="SUSPICIOUS PERSON",
              final_type_text="MENTAL HEALTH CRISIS", received_at=NOON,
              units=_police(15))  # fmt: skip
    # A stricter policy: the team alone takes nothing but mental-health calls.
    stricter = parse_policy(
        DEFAULT_POLICY_PATH.read_text().replace(
            '"mental_health", "welfare_check", "intoxication", "unhoused", "panhandling",\n'
            '  "neighbour_dispute", "trespass", "juvenile_status", "missing_person", "liquor",\n]\n'
            "when.min_confidence",
            '"mental_health"]\nwhen.min_confidence',
        )
    )
    report = backtest(agency=personas.agency, since=NOON.replace(hour=0), policy=stricter)
    data = report.as_json()
    assert data["calls"] == 3
    # The welfare check is still a behavioural-health call: the program goes with an officer.
    assert data["modes"] == {"co_response": 1, "police": 2}
    assert data["baseline_modes"] == {"alternative": 1, "police": 2}
    assert data["changes"] == {"alternative->co_response": 1}
    assert data["hidden_behavioural_health"] == 1
    assert data["police_unit_hours"] == pytest.approx(1.5)
    assert data["unit_hours_moving"] == 0
    assert data["eligible_by_hour_of_week"]["Mon"][12] == 1
    default = backtest(agency=personas.agency, since=NOON.replace(hour=0)).as_json()
    assert default["unit_hours_moving"] == pytest.approx(0.5)  # the welfare check's unit


def test_the_backtest_command_prints_the_report(personas: Personas) -> None:
    make_call(personas.agency, initial_type_text="WELFARE CHECK", received_at=NOON)
    result = CliRunner().invoke(
        main, ["triage", "backtest", "--since", "2025-05-01", "--agency", "testville", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["calls"] == 1
    text = CliRunner().invoke(main, ["triage", "backtest", "--since", "2025-05-01",
                                     "--agency", "testville"])  # fmt: skip
    assert "Eligible calls by hour of the week" in text.output
    missing = CliRunner().invoke(main, ["triage", "backtest", "--since", "2025-05-01",
                                        "--agency", "nowhere"])  # fmt: skip
    assert missing.exit_code != 0 and "No agency 'nowhere'" in missing.output
