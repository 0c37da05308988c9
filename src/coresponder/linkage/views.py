"""Repeat-call pages: the places that call most, one place's history, and the trend."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coresponder.access.policy import requires
from coresponder.access.roles import Capability
from coresponder.core.listing import query_without_page
from coresponder.linkage import selectors

PAGE_SIZE = 50
KINDS = [("", "Every kind"), ("address", "Addresses"), ("block", "Blocks"),
         ("intersection", "Intersections"), ("place", "Named places")]  # fmt: skip


class PlaceFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=KINDS, required=False, label="Kind of place")
    bh = forms.ChoiceField(
        choices=[("", "Any share"), ("0.25", "A quarter or more"), ("0.5", "Half or more")],
        required=False,
        label="Behavioural-health calls",
    )


@requires(Capability.VIEW_REPEAT_CALLS, audits="each listing (the rule and filters)")
def places_view(request: HttpRequest) -> HttpResponse:
    form = PlaceFilterForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    filters = selectors.PlaceFilters(
        kind=data.get("kind", ""), min_bh_share=float(data.get("bh") or 0)
    )
    user: Any = request.user
    places = selectors.frequent_places(agency_id=user.agency_id, actor=user, filters=filters)
    context = {
        "form": form,
        "page": Paginator(places, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query_without_page(request),
        "rule": selectors.frequent_rule().describe(),
        "as_of": selectors.as_of(user.agency_id),
    }
    return render(request, "linkage/places.html", context)


@requires(Capability.VIEW_REPEAT_CALLS, audits="each place viewed", not_found_when_denied=True)
def place_view(request: HttpRequest) -> HttpResponse:
    history = selectors.place_history(user=request.user, location=request.GET.get("location", ""))
    peak = max((calls for _, calls, _ in history.months), default=0)
    bars = _bars(history.months, peak)
    context = {"history": history, "bars": bars, "chart_width": max(len(bars), 1) * 34}
    return render(request, "linkage/place.html", context)


def _bars(months: list[tuple[Any, int, int]], peak: int) -> list[dict[str, Any]]:
    """Heights (0–100) for the monthly bar chart: all calls, and the behavioural-health part."""
    scale = 100 / peak if peak else 0
    return [
        {
            "month": m, "calls": c, "bh": b, "x": i * 34,
            "h": round(c * scale), "y": 100 - round(c * scale),
            "hb": round(b * scale), "yb": 100 - round(b * scale),
        }
        for i, (m, c, b) in enumerate(months)
    ]  # fmt: skip


@requires(Capability.VIEW_REPEAT_CALLS, audits="each reading of the trend")
def trend_view(request: HttpRequest) -> HttpResponse:
    months = selectors.repeat_trend(user=request.user)
    rows = []
    for index, month in enumerate(months):
        share = month.calls_at_frequent_places / month.calls if month.calls else 0.0
        height = round(share * 100)
        rows.append(
            {"month": month, "share": share, "h": height, "y": 100 - height, "x": index * 44}
        )
    context = {
        "rows": rows,
        "rule": selectors.frequent_rule().describe(),
        "chart_width": max(len(rows), 1) * 44,
        "as_of": selectors.as_of(request.user.agency_id),  # type: ignore[union-attr]
    }
    return render(request, "linkage/trend.html", context)
