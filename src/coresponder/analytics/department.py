"""The department's work on the outcomes dashboard: training coverage by shift, response plans
current against lapsed, consults answered and their minutes, and outreach that became cases.

The figures come from the Django-free metrics (``analytics/metrics/training.py`` and
``department.py``) over small frames read here; they count the agency's own officers, plans,
consults and outreach events (not people served), so they are shown without suppression.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db.models import Count

from coresponder.analytics.metrics.base import MetricResult
from coresponder.analytics.metrics.department import (
    consults_answered,
    outreach_to_cases,
    plans_current,
)
from coresponder.analytics.metrics.training import training_coverage
from coresponder.conferences.models import OutreachEvent
from coresponder.plans.models import Consult, ResponsePlan
from coresponder.training.selectors import coverage_frames, default_course


@dataclass(frozen=True)
class DepartmentFigures:
    training: MetricResult | None  # None: no course in the roster
    training_course: str
    training_by_shift: list[dict[str, Any]]
    plans: MetricResult
    consults: MetricResult
    outreach: MetricResult


def department_figures(agency_id: int, *, as_of: date) -> DepartmentFigures:
    course = default_course(agency_id)
    training, by_shift = None, []
    if course is not None:
        officers, certificates, attendance = coverage_frames(agency_id)
        if officers.height:
            training = training_coverage(
                officers, certificates, course=course.code, as_of=as_of, by="shift",
                attendance=attendance,
            )  # fmt: skip
            by_shift = training.table.to_dicts() if training.table is not None else []
    plans = list(ResponsePlan.objects.filter(agency_id=agency_id).values("status", "review_by"))
    consults = list(Consult.objects.filter(agency_id=agency_id).values("asked_at", "answered_at"))
    outreach = list(
        OutreachEvent.objects.filter(agency_id=agency_id)
        .annotate(cases_opened=Count("cases"))
        .values("people_reached", "cases_opened")
    )
    return DepartmentFigures(
        training=training,
        training_course=course.title if course is not None else "",
        training_by_shift=by_shift,
        plans=plans_current(_frame(plans, {"status": pl.Utf8, "review_by": pl.Date}), as_of=as_of),
        consults=consults_answered(
            _frame(consults, {"asked_at": pl.Datetime, "answered_at": pl.Datetime})
        ),
        outreach=outreach_to_cases(
            _frame(
                [
                    {"people_reached": r["people_reached"], "cases": r["cases_opened"]}
                    for r in outreach
                ],
                {"people_reached": pl.Int64, "cases": pl.Int64},
            )  # fmt: skip
        ),
    )


def _frame(rows: list[dict[str, Any]], schema: dict[str, Any]) -> pl.DataFrame | None:
    """The rows as a frame, or None when the agency records none of them yet."""
    if not rows:
        return None
    return pl.DataFrame(rows, schema=schema, orient="row")
