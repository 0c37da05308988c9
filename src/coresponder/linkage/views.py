"""Repeat-call pages: the places that call most, one place's history, and the trend; the
people who call most, one person, the outreach list and the review queue of person links."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coresponder.access.policy import requires
from coresponder.access.principal import has_capability
from coresponder.access.roles import Capability
from coresponder.cases.services import CaseError
from coresponder.core.listing import query_without_page
from coresponder.linkage import selectors, services
from coresponder.linkage.models import LinkCandidate

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


def _share_rows(months: list[Any], part: str) -> list[dict[str, Any]]:
    """Bar geometry for a trend: the share ``part`` (an attribute) is of each month's calls."""
    rows = []
    for index, month in enumerate(months):
        share = getattr(month, part) / month.calls if month.calls else 0.0
        height = round(share * 100)
        rows.append(
            {"month": month, "share": share, "h": height, "y": 100 - height, "x": index * 44}
        )
    return rows


@requires(Capability.VIEW_REPEAT_CALLS, audits="each reading of the trend (places and people)")
def trend_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    rows = _share_rows(selectors.repeat_trend(user=user), "calls_at_frequent_places")
    people_rows = _share_rows(selectors.people_trend(user=user), "calls_with_frequent_people")
    context = {
        "rows": rows,
        "people_rows": people_rows,
        "rule": selectors.frequent_rule().describe(),
        "chart_width": max(len(rows), 1) * 44,
        "as_of": selectors.as_of(user.agency_id),
    }
    return render(request, "linkage/trend.html", context)


# ---- People ---------------------------------------------------------------------------------


def _require_names(request: HttpRequest) -> None:
    """Names appear on the people pages: reading them needs the call persons too."""
    if not has_capability(request.user, Capability.VIEW_CALL_PERSONS):
        raise PermissionDenied


def _people_page(request: HttpRequest, *, outreach: bool) -> HttpResponse:
    _require_names(request)
    user: Any = request.user
    people = selectors.frequent_people(agency_id=user.agency_id, actor=user, outreach=outreach)
    context = {
        "page": Paginator(people, PAGE_SIZE).get_page(request.GET.get("page")),
        "rule": selectors.frequent_rule().describe(),
        "as_of": selectors.people_as_of(user.agency_id),
        "outreach": outreach,
        "pending": LinkCandidate.objects.filter(
            agency_id=user.agency_id, status=LinkCandidate.Status.PENDING
        ).count(),
    }
    return render(request, "linkage/people.html", context)


@requires(Capability.VIEW_CASES, audits="each listing of frequent people (the rule)")
def people_view(request: HttpRequest) -> HttpResponse:
    return _people_page(request, outreach=False)


@requires(Capability.VIEW_CASES, audits="each reading of the outreach list")
def outreach_view(request: HttpRequest) -> HttpResponse:
    return _people_page(request, outreach=True)


def _key(request: HttpRequest, source: Any) -> int:
    try:
        return int(source.get("key", ""))
    except ValueError:
        raise Http404 from None


@requires(Capability.VIEW_CASES, audits="each person viewed", not_found_when_denied=True)
def person_view(request: HttpRequest) -> HttpResponse:
    if not has_capability(request.user, Capability.VIEW_CALL_PERSONS):
        raise Http404
    user: Any = request.user
    history = selectors.person_history(user=user, key=_key(request, request.GET))
    peak = max((calls for _, calls, _ in history.months), default=0)
    bars = _bars(history.months, peak)
    context = {
        "history": history,
        "bars": bars,
        "chart_width": max(len(bars), 1) * 34,
        "as_of": selectors.people_as_of(user.agency_id),
        "can_review": has_capability(user, Capability.REVIEW_PERSON_LINKS),
        "splittable": selectors.splittable(history.mentions),
    }
    return render(request, "linkage/person.html", context)


@requires(Capability.REVIEW_PERSON_LINKS, audits="each split (the service audits)",
          not_found_when_denied=True)  # fmt: skip
@require_POST
def split_view(request: HttpRequest) -> HttpResponse:
    _require_names(request)
    key = _key(request, request.POST)
    try:
        chosen = [int(pk) for pk in request.POST.getlist("mention")]
    except ValueError:
        raise Http404 from None
    try:
        splits = services.mentions_split(
            actor=request.user, key=key, mention_ids=chosen, reason=request.POST.get("reason", "")
        )
    except services.LinkDecisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Split off {len(splits)} mention{'s' if len(splits) > 1 else ''}"
                         ": each stands alone now; the split can be undone below.")  # fmt: skip
    return redirect(f"{reverse('linkage:person')}?key={key}")


@requires(Capability.EDIT_CASES, audits="the outreach started (the service audits)")
@require_POST
def outreach_start_view(request: HttpRequest) -> HttpResponse:
    _require_names(request)
    try:
        case = services.outreach_start(actor=request.user, key=_key(request, request.POST))
    except (services.LinkDecisionError, CaseError) as error:
        messages.error(request, str(error))
        return redirect("linkage:outreach")
    messages.success(request, "Outreach started: a case is open with the person's calls.")
    return redirect("cases:detail", public_id=case.public_id)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("confirm", "Confirm"),
            ("reject", "Reject"),
            ("unmerge", "Unmerge"),
            ("undo_split", "Undo the split"),
        ]  # fmt: skip
    )
    reason = forms.CharField(max_length=500, label="Why")


STATUSES = [("pending", "Waiting"), ("confirmed", "Confirmed"), ("rejected", "Rejected"),
            ("unmerged", "Unmerged")]  # fmt: skip


@requires(Capability.REVIEW_PERSON_LINKS, audits="each reading of the review queue")
def review_view(request: HttpRequest) -> HttpResponse:
    _require_names(request)
    status = request.GET.get("status", "pending")
    if status not in dict(STATUSES):
        status = "pending"
    candidates = selectors.review_queue(user=request.user, status=status)
    context = {"candidates": candidates, "status": status, "statuses": STATUSES}
    return render(request, "linkage/review.html", context)


@requires(Capability.REVIEW_PERSON_LINKS, audits="each decision (the service audits)",
          not_found_when_denied=True)  # fmt: skip
@require_POST
def decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    candidate = get_object_or_404(LinkCandidate, pk=pk, agency_id=user.agency_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a decision and say why.")
        return redirect("linkage:review")
    decision = form.cleaned_data["decision"]
    decide = {
        "confirm": services.candidate_confirm,
        "reject": services.candidate_reject,
        "unmerge": services.candidate_unmerge,
        "undo_split": services.split_undo,
    }[decision]
    try:
        decide(actor=user, candidate=candidate, reason=form.cleaned_data["reason"])
    except services.LinkDecisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, DONE[decision])
    back = request.POST.get("next", "")
    if back.startswith(reverse("linkage:person")):  # back to the person's page it came from
        return redirect(back)
    return redirect("linkage:review")


DONE = {"confirm": "Link confirmed.", "reject": "Link rejected.", "unmerge": "Link unmerged.",
        "undo_split": "Split undone: the mention is with the person again."}  # fmt: skip
