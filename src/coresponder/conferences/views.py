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
from coresponder.conferences.models import AgendaItem, Conference


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
