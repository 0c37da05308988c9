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
from coresponder.analytics import services
from coresponder.analytics.services import ChartTable, Dashboard, Filters, Period, dashboard_for
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record


def suppressed_for(user: Any) -> bool:
    """Small cells are hidden for anyone who may not open case records."""
    return not has_capability(user, Capability.VIEW_CASES)


def filter_options(*, agency_id: int, version: str) -> dict[str, list[tuple[str, str]]]:
    return services.filter_options(agency_id, version)


def data_version(*, agency_id: int) -> str:
    return services.data_version(agency_id)


def outcomes(
    *, user: Any, period: Period, filters: Filters, version: str | None = None
) -> Dashboard:
    suppressed = suppressed_for(user)
    audit_record(
        actor=user,
        action=AuditAction.OUTCOMES_VIEWED,
        data={"period": period.code, **filters.as_dict(), "suppressed": suppressed},
    )
    dashboard, _ = dashboard_for(
        user.agency_id, period, filters, suppressed=suppressed, version=version
    )
    return dashboard


def outcome_chart(
    *, user: Any, period: Period, filters: Filters, name: str, version: str | None = None
) -> ChartTable:
    suppressed = suppressed_for(user)
    dashboard, _ = dashboard_for(
        user.agency_id, period, filters, suppressed=suppressed, version=version
    )
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
