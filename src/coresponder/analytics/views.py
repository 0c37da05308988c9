"""The outcomes dashboard and its charts' CSV downloads."""

from __future__ import annotations

import csv
from datetime import timedelta
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from coresponder.access.policy import requires
from coresponder.access.roles import Capability
from coresponder.analytics import selectors
from coresponder.analytics.department import department_figures
from coresponder.analytics.metrics.frames import MODES
from coresponder.analytics.services import Filters, PeriodError, parse_period
from coresponder.triage.engine.policy import MODE_LABELS


class OutcomeFilterForm(forms.Form):
    period = forms.ChoiceField(label="Period", required=False)
    team = forms.ChoiceField(label="Team", required=False)
    district = forms.ChoiceField(label="District", required=False)
    mode = forms.ChoiceField(
        label="Response mode",
        required=False,
        choices=[("", "Every mode"), *((m, MODE_LABELS[m]) for m in MODES)],
    )

    def __init__(self, data: Any, *, agency_id: int, version: str) -> None:
        super().__init__(data)
        options = selectors.filter_options(agency_id=agency_id, version=version)
        fields: dict[str, Any] = self.fields
        fields["period"].choices = options["periods"]
        fields["team"].choices = [("", "Every team"), *options["teams"]]
        fields["district"].choices = [("", "Every district"), *options["districts"]]
        self.default_period = options["periods"][0][0]


def _parse(request: HttpRequest) -> tuple[OutcomeFilterForm, str, Filters, str]:
    user: Any = request.user
    version = selectors.data_version(agency_id=user.agency_id)
    form = OutcomeFilterForm(request.GET or None, agency_id=user.agency_id, version=version)
    data = form.cleaned_data if form.is_valid() else {}
    period = data.get("period") or form.default_period
    filters = Filters(
        team=data.get("team", ""), district=data.get("district", ""), mode=data.get("mode", "")
    )
    return form, period, filters, version


@requires(Capability.VIEW_AGGREGATES, audits="each view (the period and filters)")
def dashboard_view(request: HttpRequest) -> HttpResponse:
    form, period, filters, version = _parse(request)
    dashboard = selectors.outcomes(
        user=request.user, period=parse_period(period), filters=filters, version=version
    )
    query = request.GET.urlencode()
    as_of = min(timezone.localdate(), (parse_period(period).end - timedelta(days=1)).date())
    context = {
        "form": form,
        "dashboard": dashboard,
        "query": query,
        "mode_labels": MODE_LABELS,
        "department": department_figures(request.user.agency_id, as_of=as_of),  # type: ignore[union-attr]
    }
    return render(request, "analytics/dashboard.html", context)


@requires(Capability.VIEW_AGGREGATES, audits="each download (the chart, period and filters)")
def chart_csv_view(request: HttpRequest, name: str) -> HttpResponse:
    _, period, filters, version = _parse(request)
    try:
        parsed = parse_period(period)
    except PeriodError as error:
        raise Http404 from error
    chart = selectors.outcome_chart(
        user=request.user, period=parsed, filters=filters, name=name, version=version
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{parsed.code}.csv"'
    writer = csv.writer(response)
    writer.writerows(chart.csv_rows())
    return response


@requires(Capability.VIEW_AGGREGATES, audits="each report written (period and format)")
def report_view(request: HttpRequest) -> HttpResponse:
    """The program report for the period chosen, as a PDF, CSV or JSON download (small
    cells suppressed: the report leaves the program)."""
    from coresponder.analytics.report import FORMATS, render_report
    from coresponder.audit.actions import AuditAction
    from coresponder.audit.services import audit_record

    _, period, _, _ = _parse(request)
    fmt = request.GET.get("format", "pdf")
    if fmt not in FORMATS:
        raise Http404
    try:
        parsed = parse_period(period)
    except PeriodError as error:
        raise Http404 from error
    user: Any = request.user
    data = render_report(user.agency, parsed, fmt)
    audit_record(
        actor=user, action=AuditAction.OUTCOMES_REPORT_WRITTEN, object_type="agency",
        object_id=user.agency_id, data={"period": parsed.code, "format": fmt},
    )  # fmt: skip
    types = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8", "json": "application/json"}
    response = HttpResponse(data, content_type=types[fmt])
    response["Content-Disposition"] = f'attachment; filename="report-{parsed.code}.{fmt}"'
    return response
