"""Deciding open-now from HSDS schedules."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from coresponder.referrals.engine import Hours, Schedule, hours_at, read_hsds_json

from .fixtures import uid

# 2026-11-30 is a Monday.
MONDAY = date(2026, 11, 30)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def _schedule(**fields: Any) -> Schedule:
    return Schedule(id=uid(repr(sorted(fields.items()))), service_id=uid("s"), **fields)


WEEKDAYS_9_TO_5 = _schedule(
    freq="WEEKLY", byday="MO,TU,WE,TH,FR", opens_at=time(9), closes_at=time(17)
)
NIGHTS = _schedule(freq="WEEKLY", byday="FR,SA", opens_at=time(19), closes_at=time(7))


def test_it_is_open_inside_weekday_hours_and_closed_outside() -> None:
    assert hours_at([WEEKDAYS_9_TO_5], _at(MONDAY, 9)).hours is Hours.OPEN
    assert hours_at([WEEKDAYS_9_TO_5], _at(MONDAY, 16, 59)).hours is Hours.OPEN
    assert hours_at([WEEKDAYS_9_TO_5], _at(MONDAY, 17)).hours is Hours.CLOSED
    assert hours_at([WEEKDAYS_9_TO_5], _at(MONDAY - timedelta(days=1), 12)).hours is Hours.CLOSED


def test_it_runs_a_session_past_midnight_into_the_next_day() -> None:
    friday, saturday, sunday = (MONDAY + timedelta(days=n) for n in (4, 5, 6))

    assert hours_at([NIGHTS], _at(friday, 23)).hours is Hours.OPEN
    assert hours_at([NIGHTS], _at(saturday, 3)).hours is Hours.OPEN  # Friday's night
    assert hours_at([NIGHTS], _at(sunday, 6, 59)).hours is Hours.OPEN  # Saturday's night
    assert hours_at([NIGHTS], _at(sunday, 7)).hours is Hours.CLOSED
    assert hours_at([NIGHTS], _at(friday, 3)).hours is Hours.CLOSED  # Thursday has none


def test_it_closes_on_a_holiday_but_finishes_the_night_before() -> None:
    christmas = _schedule(valid_from=date(2026, 12, 25), description="Christmas Day")
    every_night = _schedule(opens_at=time(19), closes_at=time(7))

    eve = hours_at([every_night, christmas], _at(date(2026, 12, 25), 2))
    day = hours_at([every_night, christmas], _at(date(2026, 12, 25), 20))

    assert eve.hours is Hours.OPEN
    assert day.hours is Hours.CLOSED
    assert day.reason == "closed: 2026-12-25 (Christmas Day)"


def test_it_treats_no_schedule_as_hours_unknown_not_open() -> None:
    described = _schedule(description="By appointment")

    assert hours_at([], _at(MONDAY, 12)).hours is Hours.UNKNOWN
    assert hours_at([described], _at(MONDAY, 12)).hours is Hours.UNKNOWN


def test_it_respects_valid_from_and_valid_to() -> None:
    winter = _schedule(
        valid_from=date(2026, 12, 1),
        valid_to=date(2027, 2, 28),
        opens_at=time(8),
        closes_at=time(20),
    )

    assert hours_at([winter], _at(MONDAY, 12)).hours is Hours.CLOSED
    assert hours_at([winter], _at(date(2026, 12, 1), 12)).hours is Hours.OPEN
    assert hours_at([winter], _at(date(2027, 3, 1), 12)).hours is Hours.CLOSED


def test_it_evaluates_numbered_monthly_days() -> None:
    last_friday = _schedule(freq="MONTHLY", byday="-1FR", opens_at=time(10), closes_at=time(12))
    second_monday = _schedule(freq="MONTHLY", byday="2MO", opens_at=time(10), closes_at=time(12))
    fifteenth = _schedule(freq="MONTHLY", bymonthday="15", opens_at=time(10), closes_at=time(12))

    assert hours_at([last_friday], _at(date(2026, 11, 27), 11)).hours is Hours.OPEN
    assert hours_at([last_friday], _at(date(2026, 11, 20), 11)).hours is Hours.CLOSED
    assert hours_at([second_monday], _at(date(2026, 11, 9), 11)).hours is Hours.OPEN
    assert hours_at([second_monday], _at(date(2026, 11, 2), 11)).hours is Hours.CLOSED
    assert hours_at([fifteenth], _at(date(2026, 11, 15), 11)).hours is Hours.OPEN


def test_it_counts_fortnights_from_dtstart() -> None:
    fortnightly = _schedule(
        freq="WEEKLY", interval=2, byday="MO", dtstart=MONDAY, opens_at=time(9), closes_at=time(12)
    )

    assert hours_at([fortnightly], _at(MONDAY, 10)).hours is Hours.OPEN
    assert hours_at([fortnightly], _at(MONDAY + timedelta(days=7), 10)).hours is Hours.CLOSED
    assert hours_at([fortnightly], _at(MONDAY + timedelta(days=14), 10)).hours is Hours.OPEN


def test_it_converts_an_aware_moment_to_the_schedule_offset() -> None:
    eastern = timezone(timedelta(hours=-5))
    hours = _schedule(opens_at=time(9, tzinfo=eastern), closes_at=time(17, tzinfo=eastern))

    at_14_utc = datetime.combine(MONDAY, time(14), tzinfo=UTC)  # 09:00 in -05:00
    at_13_utc = datetime.combine(MONDAY, time(13), tzinfo=UTC)

    assert hours_at([hours], at_14_utc).hours is Hours.OPEN
    assert hours_at([hours], at_13_utc).hours is Hours.CLOSED


def test_it_treats_equal_opening_and_closing_times_as_around_the_clock() -> None:
    always = _schedule(opens_at=time(0), closes_at=time(0))

    assert hours_at([always], _at(MONDAY, 3)).hours is Hours.OPEN
    assert hours_at([always], _at(MONDAY, 23, 59)).hours is Hours.OPEN


def test_it_reads_closing_at_24_00_as_midnight() -> None:
    service = {"id": uid("s"), "organization_id": uid("o"), "name": "S", "status": "active"}
    evenings = {"id": uid("h"), "service_id": uid("s"), "opens_at": "18:00", "closes_at": "24:00"}
    document = {
        "organizations": [{"id": uid("o"), "name": "O", "description": "D"}],
        "services": [service],
        "schedules": [evenings],
    }

    [schedule] = read_hsds_json(json.dumps(document)).directory.schedules

    assert schedule.closes_at == time(0, 0)
    assert hours_at([schedule], _at(MONDAY, 23, 59)).hours is Hours.OPEN
    assert hours_at([schedule], _at(MONDAY + timedelta(days=1), 0, 0)).hours is Hours.CLOSED
