"""Metrics of the social worker's work inside the department (no Django): response plans
current against lapsed, consults answered and the time to answer, and outreach contacts that
became cases. Each reads one plain frame; ``None`` for a source not recorded gives a result
that says so rather than zero.

- ``plans``: ``status`` (str: draft, approved, retired), ``review_by`` (date);
- ``consults``: ``asked_at`` (datetime), ``answered_at`` (datetime, null when waiting);
- ``outreach``: ``people_reached`` (int), ``cases`` (int: cases opened from that event).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from coresponder.analytics.metrics.base import MetricResult


def _missing(name: str, source: str) -> MetricResult:
    return MetricResult(name, available=False, note=f"not available: {source} is not recorded yet")


def plans_current(plans: pl.DataFrame | None, *, as_of: date) -> MetricResult:
    """Share of approved response plans still before their review date on ``as_of`` (the
    others are lapsed: officers no longer see them until re-approved)."""
    if plans is None:
        return _missing("plans_current", "response plans")
    approved = plans.filter(pl.col("status") == "approved")
    current = approved.filter(pl.col("review_by") >= as_of).height
    lapsed = approved.height - current
    waiting = plans.filter(pl.col("status") == "draft").height
    value = current / approved.height if approved.height else None
    parts: dict[str, float | int | None] = {
        "current": current,
        "lapsed": lapsed,
        "waiting_for_approval": waiting,
    }
    return MetricResult("plans_current", value, "share", parts)


def consults_answered(consults: pl.DataFrame | None) -> MetricResult:
    """Share of officers' consults answered, with the median and 90th percentile of minutes
    from the question to the answer (answered consults only)."""
    if consults is None:
        return _missing("consults_answered", "officer consults")
    answered = consults.filter(pl.col("answered_at").is_not_null())
    minutes = (answered["answered_at"] - answered["asked_at"]).dt.total_seconds() / 60
    parts: dict[str, float | int | None] = {
        "asked": consults.height,
        "answered": answered.height,
        "median_minutes": float(minutes.median()) if answered.height else None,  # type: ignore[arg-type]
        "p90_minutes": float(minutes.quantile(0.9, "linear")) if answered.height else None,  # type: ignore[arg-type]
    }
    value = answered.height / consults.height if consults.height else None
    return MetricResult("consults_answered", value, "share", parts)


def outreach_to_cases(outreach: pl.DataFrame | None) -> MetricResult:
    """Cases opened from outreach per person reached."""
    if outreach is None:
        return _missing("outreach_to_cases", "community outreach")
    people = int(outreach["people_reached"].sum()) if outreach.height else 0
    cases = int(outreach["cases"].sum()) if outreach.height else 0
    value = cases / people if people else None
    return MetricResult(
        "outreach_to_cases", value, "share",
        {"events": outreach.height, "people_reached": people, "cases": cases},
    )  # fmt: skip
