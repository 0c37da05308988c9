"""Plan pages for social workers and supervisors. Officers never open these: they see plans
only as a call's briefing (on the call page and through the briefing API)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coresponder.access.policy import requires
from coresponder.access.principal import has_capability
from coresponder.access.roles import Capability
from coresponder.cases import selectors as case_selectors
from coresponder.plans import selectors, services
from coresponder.plans.forms import (
    AnswerForm,
    ConsultCaseForm,
    ConsultForm,
    DecisionForm,
    PlanForm,
    PremiseNoteForm,
)


def _user(request: HttpRequest) -> Any:
    return request.user


def _add_error(form: Any, error: services.PlanError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


@requires(Capability.VIEW_CASES, audits="each listing of plans and notes")
def plans_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        **selectors.plans_overview(user=user),
        "can_approve": has_capability(user, Capability.APPROVE_SAFETY_NOTES),
    }
    return render(request, "plans/overview.html", context)


@requires(Capability.EDIT_CASES, audits="each plan written", not_found_when_denied=True)
def plan_new_view(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    person = case_selectors.person_get(user=_user(request), public_id=person_id)
    form = PlanForm(request.POST or None)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version")
        try:
            plan = services.plan_save(actor=_user(request), person=person, **data)
        except services.PlanError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Plan saved. It shows to officers once someone approves it.")
            return redirect("plans:plan", public_id=plan.public_id)
    context = {"form": form, "person": person, "title": f"Response plan for {person}"}
    return render(request, "plans/form.html", context)


@requires(Capability.VIEW_CASES, audits="each plan opened", not_found_when_denied=True)
def plan_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    plan = selectors.plan_get(user=user, public_id=public_id)
    context = {
        "plan": plan,
        "current": plan.is_current(),
        "can_approve": has_capability(user, Capability.APPROVE_SAFETY_NOTES)
        and plan.author_id != user.pk,
        "can_edit": has_capability(user, Capability.EDIT_CASES),
    }
    return render(request, "plans/plan.html", context)


@requires(Capability.EDIT_CASES, audits="each plan changed", not_found_when_denied=True)
def plan_edit_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    plan = selectors.plan_get(user=_user(request), public_id=public_id)
    initial = {name: getattr(plan, name) for name in (*services.PLAN_FIELDS, "review_by")}
    form = PlanForm(request.POST or None, initial={**initial, "version": plan.version})
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.plan_save(
                actor=_user(request), person=plan.person, plan=plan, expected_version=version,
                **data,
            )  # fmt: skip
        except services.PlanError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Plan changed. It waits for approval again.")
            return redirect("plans:plan", public_id=plan.public_id)
    context = {"form": form, "person": plan.person, "title": f"Change the plan for {plan.person}"}
    return render(request, "plans/form.html", context)


def _decide(request: HttpRequest, record: Any, back: str) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Reload the page and try again.")
        return redirect(back)
    action = request.POST.get("action")
    try:
        if action == "approve":
            services.approve(
                actor=_user(request), record=record, expected_version=form.cleaned_data["version"]
            )
            messages.success(request, "Approved: officers see it until its review date.")
        else:
            services.retire(
                actor=_user(request), record=record,
                expected_version=form.cleaned_data["version"], reason=form.cleaned_data["reason"],
            )  # fmt: skip
            messages.success(request, "Retired: officers no longer see it.")
    except services.PlanError as error:
        messages.error(request, str(error))
    return redirect(back)


@requires(Capability.EDIT_CASES, audits="each approval or retirement", not_found_when_denied=True)
@require_POST
def plan_decide_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    plan = selectors.plan_get(user=_user(request), public_id=public_id)
    return _decide(request, plan, f"/plans/{plan.public_id}/")


@requires(Capability.EDIT_CASES, audits="each premise note written")
def note_new_view(request: HttpRequest) -> HttpResponse:
    form = PremiseNoteForm(request.POST or None)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version")
        try:
            services.premise_note_save(actor=_user(request), **data)
        except services.PlanError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Note saved. It shows to officers once someone approves it.")
            return redirect("plans:overview")
    return render(request, "plans/form.html", {"form": form, "title": "Premise note"})


@requires(Capability.EDIT_CASES, audits="each approval or retirement", not_found_when_denied=True)
@require_POST
def note_decide_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    note = selectors.note_get(user=_user(request), public_id=public_id)
    return _decide(request, note, "/plans/")


# ---- Officer consults -----------------------------------------------------------------------


@requires(Capability.ASK_CONSULTS, audits="each consult asked")
def consult_new_view(request: HttpRequest) -> HttpResponse:
    form = ConsultForm(request.POST or None, initial={"call_number": request.GET.get("call", "")})
    if form.is_valid():
        try:
            consult = services.consult_ask(actor=_user(request), **form.cleaned_data)
        except services.PlanError as error:
            _add_error(form, error)
        else:
            messages.success(request, "Sent to the social-work team; you will be told the answer.")
            return redirect("plans:consult", public_id=consult.public_id)
    return render(request, "plans/form.html", {"form": form, "title": "Ask the social-work team"})


def _consults_visible(user: Any) -> bool:
    return has_capability(user, Capability.ASK_CONSULTS) or has_capability(
        user, Capability.ANSWER_CONSULTS
    )


@requires(Capability.VIEW_HOME, audits="nothing: the list of one's own or the team's consults")
def consults_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not _consults_visible(user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    items, figures = selectors.consults_for(user=user)
    context = {
        "items": items,
        "figures": figures,
        "can_ask": has_capability(user, Capability.ASK_CONSULTS),
        "can_answer": has_capability(user, Capability.ANSWER_CONSULTS),
    }
    return render(request, "plans/consults.html", context)


@requires(Capability.VIEW_HOME, audits="each consult opened", not_found_when_denied=True)
def consult_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    if not _consults_visible(user):
        from django.http import Http404

        raise Http404
    consult = selectors.consult_get(user=user, public_id=public_id)
    can_answer = has_capability(user, Capability.ANSWER_CONSULTS)
    answer_form = AnswerForm(request.POST or None) if can_answer else None
    case_form = ConsultCaseForm()
    if request.method == "POST" and can_answer:
        try:
            if request.POST.get("action") == "case":
                case_form = ConsultCaseForm(request.POST)
                case_form.is_valid()
                case = services.consult_to_case(
                    actor=user, consult=consult, **case_form.cleaned_data
                )
                messages.success(request, "Case opened from the consult.")
                return redirect("cases:detail", public_id=case.public_id)
            if answer_form is not None and answer_form.is_valid():
                services.consult_answer(
                    actor=user, consult=consult, answer=answer_form.cleaned_data["answer"]
                )
                messages.success(request, "Answer sent: the officer is told.")
                return redirect("plans:consult", public_id=consult.public_id)
        except services.PlanError as error:
            messages.error(request, str(error))
    context = {
        "consult": consult,
        "answer_form": answer_form,
        "case_form": case_form,
        "can_answer": can_answer,
    }
    return render(request, "plans/consult.html", context)


# ---- A photo on a plan ----------------------------------------------------------------------


@requires(
    Capability.VIEW_SAFETY_NOTES,
    audits="each photo shown (workers; officers only while the plan is current)",
    not_found_when_denied=True,
)
def plan_photo_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    data, kind = selectors.plan_photo(user=_user(request), public_id=public_id)
    response = HttpResponse(data, content_type=kind)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires(
    Capability.EDIT_CASES, audits="each photo put on or taken off", not_found_when_denied=True
)
@require_POST
def plan_photo_upload_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    plan = selectors.plan_get(user=user, public_id=public_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        if request.POST.get("action") == "remove":
            services.plan_photo_remove(actor=user, plan=plan, expected_version=version)
            messages.success(request, "Photo taken off the plan.")
        else:
            upload = request.FILES.get("photo")
            if upload is None:
                raise services.PlanError("Choose a photo.", "photo")
            if upload.size is not None and upload.size > services.MAX_PHOTO_BYTES:
                raise services.PlanError("The photo is larger than 2 MB: choose a smaller one.")
            services.plan_photo_set(
                actor=user, plan=plan, expected_version=version, data=upload.read(),
                consent=request.POST.get("photo_consent", ""),
            )  # fmt: skip
            messages.success(request, "Photo added. The plan waits for approval again.")
    except services.PlanError as error:
        messages.error(request, str(error))
    return redirect("plans:plan", public_id=plan.public_id)
