"""Audited reads of the outcomes: who may see which numbers, and the audit event first.

Suppression: people whose roles do not let them open case records (analysts) see every count
of 1–10 hidden, with complementary suppression (``metrics/suppression.py``). Supervisors, who
run the program and may open its case records, see exact counts.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from coresponder.access.principal import has_capability
from coresponder.access.roles import Capability
from coresponder.accounts.models import Team
from coresponder.analytics.services import (
    ChartTable,
    Dashboard,
    Filters,
    Period,
    dashboard_for,
    period_choices,
)
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.calls.models import Call


def suppressed_for(user: Any) -> bool:
    """Small cells are hidden for anyone who may not open case records."""
    return not has_capability(user, Capability.VIEW_CASES)


def filter_options(*, agency_id: int) -> dict[str, list[tuple[str, str]]]:
    teams = Team.objects.filter(agency_id=agency_id).order_by("name").values_list("name", flat=True)
    districts = (
        Call.objects.filter(agency_id=agency_id)
        .exclude(district="")
        .order_by("district")
        .values_list("district", flat=True)
        .distinct()
    )
    return {
        "periods": period_choices(agency_id),
        "teams": [(t, t) for t in teams],
        "districts": [(d, d) for d in districts[:200]],
    }


def outcomes(*, user: Any, period: Period, filters: Filters) -> Dashboard:
    suppressed = suppressed_for(user)
    audit_record(
        actor=user,
        action=AuditAction.OUTCOMES_VIEWED,
        data={"period": period.code, **filters.as_dict(), "suppressed": suppressed},
    )
    dashboard, _ = dashboard_for(user.agency_id, period, filters, suppressed=suppressed)
    return dashboard


def outcome_chart(*, user: Any, period: Period, filters: Filters, name: str) -> ChartTable:
    suppressed = suppressed_for(user)
    dashboard, _ = dashboard_for(user.agency_id, period, filters, suppressed=suppressed)
    chart = dashboard.charts.get(name)
    if chart is None:
        raise Http404
    audit_record(
        actor=user,
        action=AuditAction.OUTCOMES_CHART_DOWNLOADED,
        object_type="chart",
        object_id=name,
        data={"period": period.code, **filters.as_dict(), "suppressed": suppressed},
    )
    return chart
