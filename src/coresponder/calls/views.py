"""The calls list and the call page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coresponder.access.policy import requires
from coresponder.access.roles import Capability
from coresponder.calls.selectors import SORTS, CallFilters, call_get, call_list, call_type_choices
from coresponder.core.listing import day_start, query_without_page, wants_results_only

PAGE_SIZE = 50


class CallFilterForm(forms.Form):
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    call_type = forms.CharField(required=False, max_length=255, label="Call type")
    disposition = forms.CharField(required=False, max_length=255)
    district = forms.CharField(required=False, max_length=64)
    address = forms.CharField(required=False, max_length=120, label="Address contains")
    category = forms.ChoiceField(required=False, choices=[], label="Category")
    mode = forms.ChoiceField(required=False, choices=[], label="Recommended response")
    sort = forms.ChoiceField(
        required=False, choices=[(key, key.title()) for key in SORTS], initial="newest"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The triage taxonomy and modes, when the triage app is installed (it is, by default).
        from coresponder.triage.engine.policy import MODE_LABELS
        from coresponder.triage.engine.taxonomy import CATEGORIES

        category, mode = self.fields["category"], self.fields["mode"]
        assert isinstance(category, forms.ChoiceField) and isinstance(mode, forms.ChoiceField)
        category.choices = [("", "Any")] + [(c.code, c.label) for c in CATEGORIES.values()]
        mode.choices = [("", "Any"), *MODE_LABELS.items()]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date is before the start date.")
        return data

    def filters(self) -> CallFilters:
        data = self.cleaned_data
        return CallFilters(
            since=day_start(data["since"]),
            until=day_start(data["until"], next_day=True),
            call_type=data["call_type"],
            disposition=data["disposition"],
            district=data["district"],
            address=data["address"],
            category=data["category"],
            mode=data["mode"],
            sort=data["sort"] or "newest",
        )


@requires(Capability.VIEW_CALLS, audits="each search (filters)")
def call_list_view(request: HttpRequest) -> HttpResponse:
    form = CallFilterForm(request.GET or None)
    # Invalid filters show their errors and no calls, never the unfiltered list instead.
    page = None
    if form.is_valid() or not form.is_bound:
        filters = form.filters() if form.is_bound else CallFilters()
        calls = call_list(user=request.user, filters=filters)
        page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    partial = wants_results_only(request)
    return render(
        request,
        "calls/list.html#results" if partial else "calls/list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "call_types": call_type_choices(user=request.user),
        },
        status=400 if form.errors and not partial else 200,
    )


@requires(Capability.VIEW_CALLS, audits="each call opened")
def call_detail_view(request: HttpRequest, public_id: str) -> HttpResponse:
    view = call_get(user=request.user, public_id=public_id)
    call = view.call
    stamps = [
        ("Received", call.received_at),
        ("Dispatched", call.dispatched_at),
        ("En route", call.en_route_at),
        ("On scene", call.on_scene_at),
        ("Cleared", call.cleared_at),
    ]
    timeline = [
        (label, moment, _since(call.received_at, moment)) for label, moment in stamps if moment
    ]
    return render(request, "calls/detail.html", {"view": view, "call": call, "timeline": timeline})


def _since(start: datetime, moment: datetime) -> str:
    minutes = int((moment - start).total_seconds() // 60)
    return (
        ""
        if minutes <= 0
        else f"+{minutes // 60} h {minutes % 60} min"
        if minutes >= 60
        else f"+{minutes} min"
    )
