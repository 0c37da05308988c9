"""Is a service open at a given moment? Evaluating HSDS 3.0 schedules.

A schedule with ``opens_at``/``closes_at`` is a session that starts on each day it occurs:

* ``freq`` WEEKLY (or no ``freq`` with ``byday``): on the listed days (``interval`` > 1
  counts weeks from ``dtstart``); MONTHLY: on numbered days (``2MO``, ``-1FR``) or
  ``bymonthday``; neither ``freq`` nor ``byday``: every day;
* only between ``valid_from`` and ``valid_to`` (and ``dtstart``/``until``), inclusive;
* ``closes_at`` at or before ``opens_at`` means the session runs past midnight into the
  next day (an overnight shelter opening 19:00 and closing 07:00).

A schedule with dates but no times is a closure (HSDS 3.0 dropped 2.0's holiday table):
sessions that would start on those dates do not happen. No usable schedule means the hours
are unknown, never "open".
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from .model import WEEKDAYS, Schedule


class Hours(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class HoursAt:
    hours: Hours
    reason: str


def hours_at(schedules: Iterable[Schedule], moment: datetime) -> HoursAt:
    """Whether ``schedules`` (those of one service or site) are open at ``moment``."""
    schedules = list(schedules)
    closures = [s for s in schedules if is_closure(s)]
    sessions = [s for s in schedules if s.opens_at is not None and s.closes_at is not None]
    if not sessions:
        return HoursAt(Hours.UNKNOWN, "hours unknown")
    closed_by: Schedule | None = None
    for schedule in sessions:
        local = _local_time(schedule, moment)
        for start_day in (local.date(), local.date() - timedelta(days=1)):
            if not _in_session(schedule, start_day, local):
                continue
            closure = next((c for c in closures if _closes(c, start_day)), None)
            if closure is None:
                return HoursAt(Hours.OPEN, f"open now ({describe(schedule)})")
            closed_by = closure
    if closed_by is not None:
        return HoursAt(Hours.CLOSED, f"closed: {_describe_closure(closed_by)}")
    return HoursAt(Hours.CLOSED, "closed now")


def is_closure(schedule: Schedule) -> bool:
    return schedule.opens_at is None and schedule.closes_at is None and bool(schedule.valid_from)


def _closes(closure: Schedule, day: date) -> bool:
    assert closure.valid_from is not None
    return closure.valid_from <= day <= (closure.valid_to or closure.valid_from)


def _local_time(schedule: Schedule, moment: datetime) -> datetime:
    """``moment`` as a wall-clock time where the schedule is kept. A naive moment, or a
    schedule with no zone at all, is taken as already being local wall-clock time."""
    zone = _schedule_zone(schedule)
    if zone is None or moment.tzinfo is None:
        return moment.replace(tzinfo=None)
    return moment.astimezone(zone).replace(tzinfo=None)


def _schedule_zone(schedule: Schedule) -> tzinfo | None:
    if schedule.opens_at is not None and schedule.opens_at.tzinfo is not None:
        return schedule.opens_at.tzinfo
    if schedule.timezone is not None:
        return timezone(timedelta(hours=schedule.timezone))
    return None


def _in_session(schedule: Schedule, start_day: date, local: datetime) -> bool:
    assert schedule.opens_at is not None and schedule.closes_at is not None
    if not occurs_on(schedule, start_day):
        return False
    opens, closes = _wall(schedule.opens_at), _wall(schedule.closes_at)
    start = datetime.combine(start_day, opens)
    end = datetime.combine(start_day, closes)
    if closes <= opens:  # runs past midnight (equal times: open around the clock)
        end += timedelta(days=1)
    return start <= local < end


def _wall(value: time) -> time:
    return value.replace(tzinfo=None)


def occurs_on(schedule: Schedule, day: date) -> bool:
    """Whether a session of ``schedule`` starts on ``day``."""
    if not _within_dates(schedule, day):
        return False
    if schedule.freq == "MONTHLY":
        return _monthly_on(schedule, day)
    if schedule.byday is None and schedule.freq is None:
        return True
    return _weekly_on(schedule, day)


def _within_dates(schedule: Schedule, day: date) -> bool:
    starts = [d for d in (schedule.valid_from, schedule.dtstart) if d is not None]
    ends = [d for d in (schedule.valid_to, schedule.until) if d is not None]
    return all(day >= d for d in starts) and all(day <= d for d in ends)


def _weekly_on(schedule: Schedule, day: date) -> bool:
    days = _days(schedule)
    if days and WEEKDAYS[day.weekday()] not in {code for _, code in days}:
        return False
    if not days and schedule.dtstart is not None and schedule.dtstart.weekday() != day.weekday():
        return False  # iCal: without BYDAY a weekly rule repeats on DTSTART's weekday
    if (schedule.interval or 1) > 1 and schedule.dtstart is not None:
        weeks = (_monday(day) - _monday(schedule.dtstart)).days // 7
        return weeks % (schedule.interval or 1) == 0
    return True


def _monthly_on(schedule: Schedule, day: date) -> bool:
    if schedule.bymonthday:
        last = _last_day_of_month(day)
        wanted = {
            int(n) if int(n) > 0 else last + int(n) + 1 for n in schedule.bymonthday.split(",")
        }
        return day.day in wanted
    days = _days(schedule)
    if not days:
        return schedule.dtstart is None or schedule.dtstart.day == day.day
    for ordinal, code in days:
        if WEEKDAYS[day.weekday()] != code:
            continue
        from_start = (day.day - 1) // 7 + 1
        from_end = -((_last_day_of_month(day) - day.day) // 7 + 1)
        if ordinal is None or ordinal in (from_start, from_end):
            return True
    return False


def _days(schedule: Schedule) -> list[tuple[int | None, str]]:
    if not schedule.byday:
        return []
    return [
        (int(token[:-2]) if token[:-2] else None, token[-2:]) for token in schedule.byday.split(",")
    ]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _last_day_of_month(day: date) -> int:
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (next_month - timedelta(days=1)).day


def describe(schedule: Schedule) -> str:
    """A short human description, e.g. ``MO,TU 09:00-17:00``."""
    days = schedule.byday or ("monthly" if schedule.freq == "MONTHLY" else "daily")
    if schedule.opens_at is None or schedule.closes_at is None:
        return days
    return f"{days} {schedule.opens_at:%H:%M}-{schedule.closes_at:%H:%M}"


def _describe_closure(closure: Schedule) -> str:
    span = f"{closure.valid_from}"
    if closure.valid_to and closure.valid_to != closure.valid_from:
        span += f" to {closure.valid_to}"
    note = closure.description or closure.notes
    return f"{span} ({note})" if note else span
