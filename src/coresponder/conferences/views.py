"""Conference pages: the list, a new conference (its agenda generated), the agenda with the
decisions, and the printable agenda without clinical detail."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coresponder.access.policy import requires
from coresponder.access.principal import team_ids_of
from coresponder.access.roles import Capability
from coresponder.accounts.models import Team
from coresponder.conferences import selectors, services
from coresponder.conferences.models import AgendaItem, Conference, OutreachEvent, Partnership


class ConferenceForm(forms.Form):
    kind = forms.ChoiceField(choices=Conference.Kind.choices, label="Meeting")
    held_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date")
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False,
                                  empty_label="The whole agency")  # fmt: skip


class DecisionForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    action = forms.CharField(max_length=200, required=False, label="Action (becomes a task)")
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                             label="Action due")  # fmt: skip


def _user(request: HttpRequest) -> Any:
    return request.user


@requires(Capability.VIEW_CASES, audits="nothing: the list of meetings holds no personal data")
def conferences_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ConferenceForm(initial={"held_on": timezone.localdate(), "kind": "case"})
    form.fields["team"].queryset = Team.objects.filter(  # type: ignore[attr-defined]
        pk__in=team_ids_of(user, Capability.VIEW_CASES) or []
    )
    context = {"conferences": selectors.conferences_of(user=user)[:50], "form": form}
    return render(request, "conferences/list.html", context)


@requires(Capability.EDIT_CASES, audits="each conference created (its agenda generated)")
@require_POST
def conference_new_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ConferenceForm(request.POST)
    form.fields["team"].queryset = Team.objects.filter(agency_id=user.agency_id)  # type: ignore[attr-defined]
    if not form.is_valid():
        messages.error(request, "Choose the meeting and its date.")
        return redirect("conferences:list")
    conference = services.conference_create(actor=user, **form.cleaned_data)
    return redirect("conferences:detail", public_id=conference.public_id)


@requires(Capability.VIEW_CASES, audits="each agenda opened", not_found_when_denied=True)
def conference_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    conference = selectors.conference_get(user=user, public_id=public_id)
    if request.method == "POST":
        return _decide(request, conference)
    context = {"conference": conference, "items": selectors.items_of(conference)}
    return render(request, "conferences/detail.html", context)


def _decide(request: HttpRequest, conference: Conference) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write what was decided.")
        return redirect("conferences:detail", public_id=conference.public_id)
    item = AgendaItem.objects.filter(conference=conference, pk=form.cleaned_data["item"]).first()
    if item is None:
        raise Http404
    try:
        services.record_decision(
            actor=_user(request), item=item, decision=form.cleaned_data["decision"],
            action=form.cleaned_data["action"], due_on=form.cleaned_data["due_on"],
        )  # fmt: skip
    except services.ConferenceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Decision recorded for item {item.position}.")
    return redirect(f"/conferences/{conference.public_id}/#item-{item.position}")


@requires(Capability.VIEW_CASES, audits="each printable agenda", not_found_when_denied=True)
def conference_print_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    conference = selectors.conference_get(user=_user(request), public_id=public_id, printable=True)
    context = {"conference": conference, "items": selectors.items_of(conference)}
    return render(request, "conferences/print.html", context)


# ---- Community outreach and partnerships ------------------------------------------------------


class OutreachForm(forms.Form):
    kind = forms.ChoiceField(choices=OutreachEvent.Kind.choices)
    place = forms.CharField(max_length=200)
    started_at = forms.DateTimeField(
        label="When", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )  # fmt: skip
    people_reached = forms.IntegerField(min_value=0, max_value=100_000)
    resources_given = forms.CharField(max_length=500, required=False)
    follow_ups = forms.IntegerField(min_value=0, max_value=100_000, initial=0)
    audience = forms.CharField(max_length=200, required=False, label="Audience (education)")


class PartnershipForm(forms.Form):
    partner = forms.CharField(max_length=200)
    agreement = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    started_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    review_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    contact = forms.CharField(max_length=200, required=False)


def _outreach_cases(user: Any) -> Any:
    from coresponder.cases.access import cases_in_reach
    from coresponder.cases.models import Case

    return (
        cases_in_reach(user, Capability.EDIT_CASES)
        .filter(source=Case.Source.OUTREACH)
        .select_related("person")
        .order_by("-created_at")[:50]
    )


@requires(Capability.VIEW_CASES, audits="each outreach recorded or linked to a case")
def outreach_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = OutreachForm(request.POST if request.POST.get("form") == "event" else None)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "event" and form.is_valid():
                services.outreach_record(actor=user, **form.cleaned_data)
                messages.success(request, "Outreach recorded.")
                return redirect("conferences:outreach")
            if request.POST.get("form") == "link":
                _link_case(request, user)
                return redirect("conferences:outreach")
        except services.ConferenceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
    events = OutreachEvent.objects.filter(agency_id=user.agency_id).prefetch_related("cases")
    events = events.order_by("-started_at")[:100]
    context = {
        "form": form,
        "events": events,
        "totals": _outreach_totals(list(events)),
        "linkable": list(_outreach_cases(user)),
    }
    return render(request, "conferences/outreach.html", context)


def _link_case(request: HttpRequest, user: Any) -> None:
    from coresponder.cases.models import Case

    try:
        event_id, case_id = uuid.UUID(request.POST["event"]), uuid.UUID(request.POST["case"])
    except (KeyError, ValueError):
        raise Http404 from None
    event = OutreachEvent.objects.filter(agency_id=user.agency_id, public_id=event_id).first()
    case = Case.objects.filter(agency_id=user.agency_id, public_id=case_id).first()
    if event is None or case is None:
        raise Http404
    services.outreach_link_case(actor=user, event=event, case=case)
    messages.success(request, "Case linked to the outreach.")


def _outreach_totals(events: list[OutreachEvent]) -> dict[str, int]:
    return {
        "events": len(events),
        "people": sum(e.people_reached for e in events),
        "follow_ups": sum(e.follow_ups for e in events),
        "cases": sum(e.cases.count() for e in events),
    }


@requires(Capability.VIEW_CASES, audits="each partnership saved")
def partnerships_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PartnershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_save(actor=user, **form.cleaned_data)
        except services.ConferenceError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, "Partnership saved.")
            return redirect("conferences:partnerships")
    rows = Partnership.objects.filter(agency_id=user.agency_id).order_by("review_on")
    context = {"form": form, "rows": rows, "today": timezone.localdate()}
    return render(request, "conferences/partnerships.html", context)
