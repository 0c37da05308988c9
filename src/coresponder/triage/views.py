"""Triage pages: the dispatcher board, the call-type review queue and crosswalk, and the
agreement report."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from coresponder.access.policy import requires
from coresponder.access.roles import Capability
from coresponder.core.listing import day_start
from coresponder.triage import selectors, services
from coresponder.triage.engine.policy import MODE_LABELS, MODES
from coresponder.triage.engine.taxonomy import CATEGORIES

POLL_SECONDS = 5
CATEGORY_CHOICES = [(c.code, c.label) for c in CATEGORIES.values() if c.code != "unknown"]


class AnswerForm(forms.Form):
    mode = forms.ChoiceField(choices=[(m, MODE_LABELS[m]) for m in MODES], label="Response")
    reason = forms.CharField(required=False, max_length=2000, label="Reason for override")


@requires(Capability.TRIAGE_CALLS, audits="the board opened, and each refresh with new calls")
def board_view(request: HttpRequest) -> HttpResponse:
    after = _moment(request.GET.get("after"))
    refresh = request.GET.get("after") is not None
    decisions = selectors.board_decisions(user=request.user, after=after)
    if decisions or not refresh:
        selectors.audit_board(user=request.user, shown=len(decisions), refresh=refresh)
    latest = decisions[0].received_at if decisions else after
    context = {
        "decisions": decisions,
        "latest": latest.isoformat() if latest else "",
        "poll_seconds": POLL_SECONDS,
        "modes": _modes(),
        "refresh": refresh,
    }
    template = "triage/board.html#new_rows" if refresh else "triage/board.html"
    return render(request, template, context)


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_datetime(text)
    except ValueError:
        return None


@require_POST
@requires(Capability.TRIAGE_CALLS, audits="each answer (accepted or overridden, with reason)")
def answer_view(request: HttpRequest, public_id: str) -> HttpResponse:
    decision = selectors.decision_for_call(user=request.user, public_id=public_id)
    form = AnswerForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.triage_answer(
                actor=request.user,
                decision=decision,
                chosen_mode=form.cleaned_data["mode"],
                reason=form.cleaned_data["reason"],
            )
        except services.TriageError as problem:
            error = str(problem)
    else:
        error = "Choose a response from the list."
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "triage/board.html#row",
            {
                "decision": selectors.board_row(user=request.user, decision_pk=decision.pk),
                "modes": _modes(),
                "error": error,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Answer recorded for call {decision.call.event_number}.")
    return redirect("triage:board")


def _modes() -> list[tuple[str, str]]:
    return [(m, MODE_LABELS[m]) for m in MODES]


@requires(Capability.MANAGE_TRIAGE, audits="each view of the queue")
def review_view(request: HttpRequest) -> HttpResponse:
    reviews = list(selectors.review_queue(user=request.user)[:200])
    return render(
        request, "triage/review.html", {"reviews": reviews, "categories": CATEGORY_CHOICES}
    )


@require_POST
@requires(Capability.MANAGE_TRIAGE, audits="each confirmation (it becomes an override)")
def review_confirm_view(request: HttpRequest, public_id: str) -> HttpResponse:
    review = selectors.review_get(user=request.user, public_id=public_id)
    try:
        services.call_type_confirm(
            actor=request.user, review=review, category=request.POST.get("category", "")
        )
    except services.TriageError as problem:
        messages.error(request, f"{review.example}: {problem}")
    else:
        messages.success(request, f"{review.example} confirmed; its calls were decided again.")
    return redirect("triage:review")


class OverrideForm(forms.Form):
    call_type = forms.CharField(max_length=255, label="Call type as the CAD writes it")
    category = forms.ChoiceField(choices=CATEGORY_CHOICES)
    note = forms.CharField(required=False, max_length=300)


@requires(Capability.MANAGE_TRIAGE, audits="each view, and each change")
def crosswalk_view(request: HttpRequest) -> HttpResponse:
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_type_override_set(actor=request.user, **form.cleaned_data)
        except services.TriageError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(
                request, "The crosswalk is saved; calls of that type were decided again."
            )
            return redirect("triage:crosswalk")
    overrides = list(selectors.crosswalk(user=request.user))
    labels = {code: label for code, label in CATEGORY_CHOICES}
    return render(
        request,
        "triage/crosswalk.html",
        {"form": form, "overrides": overrides, "labels": labels},
        status=400 if form.errors else 200,
    )


@require_POST
@requires(Capability.MANAGE_TRIAGE, audits="each removal")
def crosswalk_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    override = selectors.override_get(user=request.user, pk=pk)
    services.call_type_override_delete(actor=request.user, override=override)
    messages.success(request, f"{override.example} is no longer overridden.")
    return redirect("triage:crosswalk")


class ReportForm(forms.Form):
    since = forms.DateField(
        required=False, label="Answers from", widget=forms.DateInput(attrs={"type": "date"})
    )


@requires(Capability.VIEW_AGGREGATES, audits="each view")
def report_view(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.GET or None)
    since = day_start(form.cleaned_data["since"]) if form.is_valid() else None
    report = selectors.agreement_report(user=request.user, since=since)
    return render(
        request,
        "triage/report.html",
        {"form": form, "report": report, "mode_labels": MODE_LABELS},
    )
