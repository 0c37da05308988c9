"""The monthly or quarterly report a supervisor hands the council: the dashboard's figures,
its charts (drawn as SVG on the server, each with its table) and the department's work, as a
PDF (WeasyPrint, from the same template as the page), a CSV or JSON.

The report leaves the program, so small cells are always suppressed in it (counts of 1–10,
with complementary suppression), whoever writes it.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from coresponder.analytics.department import DepartmentFigures, department_figures
from coresponder.analytics.services import ChartTable, Dashboard, Filters, Period, dashboard_for

FORMATS = ("pdf", "csv", "json")
BAR_WIDTH = 360  # px of the longest bar in the report's charts


def report_data(agency: Any, period: Period) -> tuple[Dashboard, DepartmentFigures]:
    dashboard, _ = dashboard_for(agency.pk, period, Filters(), suppressed=True)
    as_of = min(timezone.localdate(), (period.end - timedelta(days=1)).date())
    return dashboard, department_figures(agency.pk, as_of=as_of)


def render_report(agency: Any, period: Period, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"format is one of {', '.join(FORMATS)}")
    dashboard, department = report_data(agency, period)
    if fmt == "json":
        return json.dumps(_as_json(agency, dashboard, department), indent=2).encode()
    if fmt == "csv":
        return _as_csv(dashboard).encode()
    bars = {name: _bars(chart) for name, chart in dashboard.charts.items()}
    html = render_to_string(
        "analytics/report.html",
        {
            "agency": agency,
            "dashboard": dashboard,
            "department": department,
            "bars": bars,
            "bar_heights": {name: 18 * len(chart_bars) + 6 for name, chart_bars in bars.items()},
            "written_at": timezone.now(),
        },
    )
    from weasyprint import HTML  # imported here: it loads system libraries

    return bytes(HTML(string=html).write_pdf())


def _row_totals(chart: ChartTable) -> list[tuple[str, int | None]]:
    """Each row's total: the last column when the table carries totals, else the sum."""
    out = []
    for row, line in chart.table_rows:
        if row == "total":
            continue
        value = line[-1] if chart.totals else sum(v for v in line if v is not None)
        out.append((row, value))
    return out


def _bars(chart: ChartTable) -> list[dict[str, Any]]:
    totals = _row_totals(chart)
    peak = max((v for _, v in totals if v), default=0)
    scale = BAR_WIDTH / peak if peak else 0
    return [
        {"label": label, "value": value, "width": round((value or 0) * scale), "y": index * 18}
        for index, (label, value) in enumerate(totals[:24])
    ]


def _as_json(agency: Any, dashboard: Dashboard, department: DepartmentFigures) -> dict[str, Any]:
    return {
        "agency": agency.name,
        "period": dashboard.period.code,
        "small_cells_suppressed": True,
        "figures": [vars(h) for h in dashboard.figures],
        "charts": {
            name: {"title": c.title, "rows": c.rows, "columns": c.columns, "values": c.values}
            for name, c in dashboard.charts.items()
        },
        "department": {
            "training_coverage": department.training.value if department.training else None,
            "plans_current": department.plans.value,
            "consults_answered": department.consults.value,
            "outreach_to_cases": department.outreach.value,
        },
    }


def _as_csv(dashboard: Dashboard) -> str:
    """One long table: section, name, row, column, value (empty when suppressed)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "name", "row", "column", "value"])
    for h in dashboard.figures:
        writer.writerow(["figure", h.name, h.title, "", h.figure])
    for name, chart in dashboard.charts.items():
        for row, line in chart.table_rows:
            for column, value in zip(chart.columns, line, strict=True):
                writer.writerow(["chart", name, row, column, "" if value is None else value])
    return out.getvalue()
