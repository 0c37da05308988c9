"""Auditor pages: the audit log with filters, and who viewed or changed one record."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coresponder.access.policy import requires
from coresponder.access.roles import Capability
from coresponder.audit.actions import DESCRIPTIONS, AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.audit.selectors import AuditFilters, audit_event_list, record_viewer_list
from coresponder.core.listing import day_start, query_without_page, wants_results_only

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    actor = forms.CharField(required=False, max_length=150, label="Actor (username)")
    action = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any action")] + [(a.value, f"{a.value} {a.name}") for a in AuditAction],
    )
    object_type = forms.CharField(required=False, max_length=64, label="Object type")
    object_id = forms.CharField(required=False, max_length=150, label="Object id")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            actor=data["actor"],
            action=data["action"],
            object_type=data["object_type"],
            object_id=data["object_id"],
            since=day_start(data["since"]),
            until=day_start(data["until"], next_day=True),
        )


@requires(Capability.VIEW_AUDIT_LOG, audits="each search of the log")
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    # Invalid filters show their errors and no events, never the unfiltered log instead.
    valid = form.is_valid() or not form.is_bound
    events = (
        audit_event_list(
            user=request.user, filters=form.filters() if form.is_bound else AuditFilters()
        )
        if valid
        else AuditEvent.objects.none()
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    partial = wants_results_only(request)
    return render(
        request,
        "audit/log.html#results" if partial else "audit/log.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "descriptions": DESCRIPTIONS,
        },
        # HTMX swaps only 2xx answers: the partial carries the errors itself.
        status=400 if form.errors and not partial else 200,
    )


@requires(Capability.VIEW_AUDIT_LOG, audits="the question asked")
def record_viewers(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    events = record_viewer_list(user=request.user, object_type=object_type, object_id=object_id)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/record_viewers.html",
        {"object_type": object_type, "object_id": object_id, "page": page},
    )
