"""Backtest: what a policy would have decided on the calls already stored.

For a period it reports the calls per response mode, the calls the program could have taken
by hour of the week, the police unit-hours that would move to the program (from the units'
on-scene to clear times), the calls whose type hid a behavioural-health need, and what
changes against another policy (by default the one in force).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from coresponder.accounts.models import Agency
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.calls.models import Call, CallUnit
from coresponder.triage.engine.policy import Policy
from coresponder.triage.engine.triager import Triager
from coresponder.triage.services import (
    call_fact_batches,
    current_policy,
    facts_of,
    overrides_of,
)

BATCH_SIZE = 5_000
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Modes that take police off a call entirely: their police unit-hours would move.
POLICE_FREED = frozenset({"alternative", "referral", "no_dispatch"})


@dataclass
class BacktestReport:
    policy: str
    baseline: str
    since: datetime
    until: datetime | None
    calls: int = 0
    modes: Counter[str] = field(default_factory=Counter)
    baseline_modes: Counter[str] = field(default_factory=Counter)
    changes: Counter[tuple[str, str]] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    eligible: int = 0
    eligible_by_hour: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in DAYS])
    unit_hours_moving: float = 0.0
    police_unit_hours: float = 0.0
    hidden_behavioural_health: int = 0
    behavioural_health: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "baseline": self.baseline,
            "since": self.since.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "calls": self.calls,
            "modes": dict(sorted(self.modes.items())),
            "baseline_modes": dict(sorted(self.baseline_modes.items())),
            "changed": sum(self.changes.values()),
            "changes": {f"{a}->{b}": n for (a, b), n in self.changes.most_common()},
            "rules": dict(self.rules.most_common()),
            "eligible": self.eligible,
            "eligible_by_hour_of_week": {
                day: row for day, row in zip(DAYS, self.eligible_by_hour, strict=True)
            },
            "police_unit_hours": round(self.police_unit_hours, 1),
            "unit_hours_moving": round(self.unit_hours_moving, 1),
            "behavioural_health": self.behavioural_health,
            "hidden_behavioural_health": self.hidden_behavioural_health,
        }


def backtest(
    *,
    agency: Agency,
    since: datetime,
    until: datetime | None = None,
    policy: Policy | None = None,
    baseline: Policy | None = None,
    actor: Any | None = None,
) -> BacktestReport:
    overrides = overrides_of(agency)
    candidate = Triager(policy or current_policy(), overrides)
    reference = Triager(baseline or current_policy(), overrides)
    report = BacktestReport(
        policy=candidate.policy.label,
        baseline=reference.policy.label,
        since=since,
        until=until,
    )
    zone = ZoneInfo(agency.time_zone)
    calls = Call.objects.filter(agency=agency, received_at__gte=since)
    if until is not None:
        calls = calls.filter(received_at__lt=until)
    for rows in call_fact_batches(calls, BATCH_SIZE):
        hours = _police_unit_hours({row["pk"] for row in rows})
        for row in rows:
            _count(report, row, candidate, reference, hours.get(row["pk"], 0.0), zone)
    audit_record(
        actor=actor,
        action=AuditAction.TRIAGE_BACKTEST_RUN,
        object_type="agency",
        object_id=agency.public_id,
        data={
            "policy": report.policy,
            "baseline": report.baseline,
            "since": since.isoformat(),
            "calls": report.calls,
        },
        agency_id=agency.pk,
    )
    return report


def _count(
    report: BacktestReport,
    row: dict[str, Any],
    candidate: Triager,
    reference: Triager,
    police_hours: float,
    zone: ZoneInfo,
) -> None:
    facts = facts_of(row, zone)
    triaged = candidate.triage(facts)
    decision = triaged.decision
    before = reference.triage(facts, with_hidden=False).decision.mode
    report.calls += 1
    report.modes[decision.mode] += 1
    report.baseline_modes[before] += 1
    report.rules[decision.rule] += 1
    if before != decision.mode:
        report.changes[(before, decision.mode)] += 1
    if decision.eligible:
        report.eligible += 1
        local = row["received_at"].astimezone(zone)
        report.eligible_by_hour[local.weekday()][local.hour] += 1
    report.police_unit_hours += police_hours
    if decision.mode in POLICE_FREED:
        report.unit_hours_moving += police_hours
    report.behavioural_health += decision.behavioural_health
    report.hidden_behavioural_health += bool(triaged.hidden_behavioural_health)


def _police_unit_hours(call_ids: set[int]) -> dict[int, float]:
    """Police unit time on scene per call: from arriving (or being dispatched, when the
    arrival was not recorded) to clearing."""
    hours: dict[int, float] = {}
    # A range rather than IN (...): thousands of ids exceed some databases' parameter limits.
    units = CallUnit.objects.filter(
        call_id__gte=min(call_ids), call_id__lte=max(call_ids), unit_type="police"
    ).values_list("call_id", "dispatched_at", "on_scene_at", "cleared_at")
    for call_id, dispatched, on_scene, cleared in units:
        if call_id not in call_ids:
            continue
        start = on_scene or dispatched
        if start and cleared and cleared > start:
            hours[call_id] = hours.get(call_id, 0.0) + (cleared - start).total_seconds() / 3600
    return hours
