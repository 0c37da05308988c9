"""Repeat calls by place: calls placed into locations (incrementally), the frequent-caller
rule over rolling windows, one place's history with police unit-hours, the trend, the pages
and the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from django.test import Client
from django.urls import reverse

from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.calls.engine.records import UnitRecord
from coresponder.cli import main
from coresponder.linkage import selectors, services
from coresponder.linkage.engine.repeat import FrequentRule, count_windows
from coresponder.linkage.models import CallLocation
from tests.calls.factories import make_call
from tests.conftest import Personas, sign_in

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
HAZEL = ("1452 HAZEL ST", "1400 BLOCK OF HAZEL ST", "14XX HAZEL", "1410 Hazel Street Apt 2")


def _calls_at(personas: Personas, addresses: tuple[str, ...], days_ago: list[int]) -> None:
    for index, days in enumerate(days_ago):
        received = NOW - timedelta(days=days)
        unit = UnitRecord(
            unit_id="2A31", dispatched_at=received, cleared_at=received + timedelta(minutes=90)
        )
        make_call(
            personas.agency,
            received_at=received,
            address_raw=addresses[index % len(addresses)],
            units=[unit],
        )


@pytest.fixture
def placed(personas: Personas) -> None:
    _calls_at(personas, HAZEL, [5, 40, 100, 200, 300, 350])  # 6 a year: frequent
    _calls_at(personas, ("MAIN ST & 3RD AV", "3RD AVE / MAIN STREET"), [10, 20])  # 2 in 6 months
    _calls_at(personas, ("77 OAK ST",), [400])  # over a year ago: not frequent
    services.locate_calls(actor=None, agency=personas.agency)


def test_the_rule_and_windows_in_the_engine() -> None:
    rule = FrequentRule(min_year=5, min_half_year=2)
    assert rule.reasons(year=5, half_year=1) == ["5 calls in 12 months (the rule: 5 or more)"]
    assert not rule.is_frequent(year=4, half_year=1)
    times = [NOW - timedelta(days=d) for d in (1, 100, 200, 400)]
    counts = count_windows(times, [True, False, True, True], now=NOW)
    assert (counts.days_90, counts.days_180, counts.days_365) == (1, 2, 3)
    assert counts.behavioural_health == 2 and counts.last_call == times[0]


def test_every_way_of_writing_a_block_is_one_place(personas: Personas, placed: None) -> None:
    locations = set(CallLocation.objects.values_list("location", flat=True))
    assert locations == {"block:1400 HAZEL ST", "xing:3RD AVE & MAIN ST", "block:0 OAK ST"}


def test_frequent_places_with_windows_and_reasons(personas: Personas, placed: None) -> None:
    places = selectors.frequent_places(
        agency_id=personas.agency.pk, actor=None, filters=selectors.PlaceFilters(), now=NOW
    )
    by_location = {p["location"]: p for p in places}
    assert list(by_location) == ["block:1400 HAZEL ST", "xing:3RD AVE & MAIN ST"]
    hazel = by_location["block:1400 HAZEL ST"]
    assert (hazel["days_90"], hazel["days_180"], hazel["days_365"]) == (2, 3, 6)
    assert hazel["reasons"][0] == "6 calls in 12 months (the rule: 5 or more)"
    corner = by_location["xing:3RD AVE & MAIN ST"]
    assert corner["reasons"] == ["2 calls in 6 months (the rule: 2 or more)"]


def test_new_calls_join_the_place_already_known(personas: Personas, placed: None) -> None:
    make_call(personas.agency, received_at=NOW - timedelta(days=1), address_raw="1499 HAZEL ST")
    summary = services.locate_calls(actor=None, agency=personas.agency)
    assert summary.calls == 1 and summary.full is False
    assert CallLocation.objects.filter(location="block:1400 HAZEL ST").count() == 7
    assert services.locate_calls(actor=None, agency=personas.agency).calls == 0


def test_a_place_history_counts_police_unit_hours(personas: Personas, placed: None) -> None:
    history = selectors.place_history(
        user=personas.worker_a, location="block:1400 HAZEL ST", now=NOW
    )
    assert history.police_unit_hours == pytest.approx(6 * 1.5)
    assert sum(calls for _, calls, _ in history.months) == 6
    assert {key for key, _ in history.keys} == {"block:1400 HAZEL ST"}


def test_the_trend_counts_frequent_places_at_each_month_end(
    personas: Personas, placed: None
) -> None:
    months = selectors.repeat_trend(user=personas.supervisor, months=3, now=NOW)
    assert [m.frequent_places for m in months][-1] == 2
    assert months[-1].calls_at_frequent_places == 8 and months[-1].calls == 8


def test_the_pages(personas: Personas, placed: None) -> None:
    client = sign_in(Client(), personas.worker_a)
    listing = client.get(reverse("linkage:places")).content.decode()
    assert "block:1400 HAZEL ST" in listing and "5 or more calls in 12 months" in listing
    place = client.get(reverse("linkage:place") + "?location=block%3A1400+HAZEL+ST")
    assert place.status_code == 200 and "Police unit-hours" in place.content.decode()
    assert client.get(reverse("linkage:place") + "?location=nowhere").status_code == 404
    assert client.get(reverse("linkage:trend")).status_code == 200
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {AuditAction.REPEAT_PLACES_LISTED, AuditAction.REPEAT_PLACE_VIEWED} <= actions
    officer = sign_in(Client(), personas.officer)
    assert officer.get(reverse("linkage:places")).status_code == 403


def test_the_command_line(personas: Personas) -> None:
    _calls_at(personas, HAZEL, [1, 2, 3, 4, 5])
    run = CliRunner().invoke(main, ["link", "run", "--agency", "testville"])
    assert run.exit_code == 0, run.output
    assert json.loads(run.output.strip().splitlines()[-1])["locations"]["located"] == 5
    listed = CliRunner().invoke(main, ["repeat-callers", "--agency", "testville"])
    assert listed.exit_code == 0 and "block:1400 HAZEL ST" in listed.output
