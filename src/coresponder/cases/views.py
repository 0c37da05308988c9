"""The social worker's pages: caseload, my day, people, cases and what happens on them.

Views are thin: a form checks the input's shape, one service or selector does the work (and
the auditing), and the view redirects or renders. A refusal names its field; a stale edit
keeps the person's input and says so at the top of the form.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django import forms as django_forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from coresponder.access.policy import requires
from coresponder.access.principal import has_capability, team_ids_of
from coresponder.access.roles import Capability, Role
from coresponder.accounts.models import User
from coresponder.calls.models import Call
from coresponder.calls.selectors import call_get
from coresponder.cases import access, search, selectors, services
from coresponder.cases.engine.assessments import Instrument, Question
from coresponder.cases.forms import (
    CaseEditForm,
    CaseloadForm,
    CaseOpenForm,
    CaseStatusForm,
    EncounterForm,
    NoteAmendForm,
    NoteForm,
    PersonEditForm,
    PersonForm,
    ReassignForm,
    SafetyPlanForm,
    TaskCompleteForm,
    TaskForm,
    TimelineFilterForm,
    add_case_error,
)
from coresponder.cases.instruments import instrument_named, instruments
from coresponder.cases.models import Case, Person, SafetyPlan
from coresponder.core.listing import query_without_page, wants_results_only
from coresponder.plans.selectors import plans_of_person
from coresponder.referrals.selectors import my_overdue_referrals, referrals_of_case

PAGE_SIZE = 50
CONFLICT_HINT = "Your input is kept below. Saving again replaces what they saved."


def _user(request: HttpRequest) -> Any:
    return request.user


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


@contextmanager
def _agency_time(request: HttpRequest) -> Iterator[None]:
    """Times typed into forms and shown in them are in the agency's time zone."""
    with timezone.override(ZoneInfo(_user(request).agency.time_zone)):
        yield


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _case_url(case: Case, anchor: str = "") -> str:
    url = reverse("cases:detail", kwargs={"public_id": case.public_id})
    return f"{url}#{anchor}" if anchor else url


def _editable_case(request: HttpRequest, public_id: Any) -> selectors.CaseView:
    """A case the user may change, or 404 (the same answer as for one they cannot see)."""
    view = selectors.case_get(user=_user(request), public_id=public_id)
    if not view.can_edit:
        raise Http404
    return view


def _call_from(request: HttpRequest, key: str = "call") -> Call | None:
    raw = request.POST.get(key) or request.GET.get(key)
    if not raw:
        return None
    return call_get(user=_user(request), public_id=raw).call


def _rebased(form: django_forms.Form, conflict: services.EditConflict) -> django_forms.Form:
    """The same input, now naming the version saved by the other person, so that saving
    again is a deliberate choice to replace their changes."""
    record = conflict.record
    current = type(record).objects.filter(pk=record.pk).values_list("version", flat=True).first()
    data = form.data.copy()  # type: ignore[attr-defined]
    data["version"] = str(current or "")
    rebased = type(form)(data)
    rebased.is_valid()
    return rebased


def _form_page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, "cases/form.html", context, status=status)


# ---- Caseload -------------------------------------------------------------------------------


def _workers(user: Any) -> list[User]:
    """The people cases can be moved to: social workers and supervisors of the user's teams."""
    teams = team_ids_of(user, Capability.REASSIGN_CASES)
    return list(
        User.objects.filter(
            agency_id=user.agency_id,
            is_active=True,
            memberships__role__in=[Role.SOCIAL_WORKER, Role.SUPERVISOR],
            memberships__team_id__in=teams,
        )
        .distinct()
        .order_by("username")
    )


def _reassign_form(request: HttpRequest, data: Any = None) -> ReassignForm | None:
    user = _user(request)
    if not has_capability(user, Capability.REASSIGN_CASES):
        return None
    reachable = access.cases_in_reach(user, Capability.REASSIGN_CASES)
    chosen = [value for value in (data.getlist("cases") if data else []) if _is_uuid(value)]
    choices = [
        (str(key), str(key))
        for key in reachable.filter(public_id__in=chosen).values_list("public_id", flat=True)
    ]
    return ReassignForm(data, cases=choices, workers=_workers(user))


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _caseload_page(
    request: HttpRequest, reassign: ReassignForm | None = None, status: int = 200
) -> HttpResponse:
    form = CaseloadForm(request.GET or None)
    cases = selectors.caseload(user=_user(request), filters=form.filters())
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_task_counts(page.object_list)
    context = {
        "form": form,
        "filters": form.filters(),
        "page": page,
        "query": query_without_page(request),
        "reassign": reassign or _reassign_form(request),
    }
    partial = wants_results_only(request) and request.method == "GET"
    template = "cases/caseload.html#results" if partial else "cases/caseload.html"
    return render(request, template, context, status=status)


@requires(Capability.VIEW_CASES, audits="each caseload listing (with its filters)")
def caseload_view(request: HttpRequest) -> HttpResponse:
    return _caseload_page(request)


@requires(Capability.REASSIGN_CASES, audits="each case moved, with the reason")
@require_POST
def reassign_view(request: HttpRequest) -> HttpResponse:
    form = _reassign_form(request, request.POST)
    assert form is not None  # the policy guarantees the capability
    if form.is_valid():
        user = _user(request)
        keys = form.cleaned_data["cases"]
        cases = list(
            access.cases_in_reach(user, Capability.REASSIGN_CASES).filter(public_id__in=keys)
        )
        to_user = User.objects.filter(pk=form.cleaned_data["to_user"]).first()
        try:
            moved = services.cases_reassign(
                actor=user, cases=cases, to_user=to_user, reason=form.cleaned_data["reason"]
            )
        except services.CaseError as error:
            add_case_error(form, error)
        else:
            messages.success(
                request, f"{moved} case{'s' if moved != 1 else ''} moved to {to_user}."
            )
            return redirect(_next_url(request, reverse("cases:caseload") + "?which=team"))
    return _caseload_page(request, reassign=form, status=400)


# ---- My day and tasks -----------------------------------------------------------------------


@requires(Capability.VIEW_CASES, audits="each opening of the day's task list")
def my_day_view(request: HttpRequest) -> HttpResponse:
    tasks = list(selectors.my_day(user=_user(request)))
    overdue = sum(task.overdue for task in tasks)
    referrals = my_overdue_referrals(user=_user(request))
    context = {"tasks": tasks, "overdue": overdue, "overdue_referrals": referrals}
    return render(request, "cases/my_day.html", context)


@requires(Capability.EDIT_CASES, audits="each task completed", not_found_when_denied=True)
@require_POST
def task_complete_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    task = selectors.task_get(user=_user(request), public_id=public_id)
    form = TaskCompleteForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.task_complete(
                actor=_user(request),
                task=task,
                expected_version=form.cleaned_data["version"],
                outcome=form.cleaned_data["outcome"],
            )
        except services.CaseError as refused:
            error = str(refused)
    else:
        error = "This task could not be completed: reload the page and try again."
    if _htmx(request):
        task.refresh_from_db()
        context = {"task": task, "error": error, "show_case": request.POST.get("show_case")}
        return render(request, "cases/_task.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Task done: {task.title}.")
    return redirect(_next_url(request, _case_url(task.case, f"task-{task.public_id}")))


@requires(Capability.EDIT_CASES, audits="each task created", not_found_when_denied=True)
def task_new_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = _editable_case(request, public_id).case
    with _agency_time(request):
        form = TaskForm(request.POST or None)
        if form.is_valid():
            try:
                task = services.task_create(actor=_user(request), case=case, **form.cleaned_data)
            except services.CaseError as error:
                add_case_error(form, error)
            else:
                messages.success(request, f"Task added: {task.title}.")
                return redirect(_case_url(case, f"task-{task.public_id}"))
        return _form_page(
            request, {"title": "Add a task", "form": form, "case": case, "submit": "Add the task"}
        )


# ---- People ---------------------------------------------------------------------------------


@requires(Capability.VIEW_CASES, audits="each search (its length, never its words)")
def people_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    matches = search.people_search(user=_user(request), query=query) if query else []
    call = _call_from(request)
    context = {
        "query": query,
        "matches": matches,
        "call": call,
        "can_edit": has_capability(_user(request), Capability.EDIT_CASES),
    }
    template = "cases/people.html#results" if wants_results_only(request) else "cases/people.html"
    return render(request, template, context)


@requires(Capability.EDIT_CASES, audits="each person added")
def person_new_view(request: HttpRequest) -> HttpResponse:
    call = _call_from(request)
    form = PersonForm(request.POST or None, initial=_names_from(request.GET.get("q", "")))
    if form.is_valid():
        try:
            person = services.person_create(
                actor=_user(request),
                aliases=form.alias_names(),
                contacts=form.cleaned_data["contacts"],
                **form.person_fields(),
            )
        except services.CaseError as error:
            add_case_error(form, error)
        else:
            messages.success(request, f"{person.display_name} added.")
            if call is not None:
                return redirect(_open_case_url(person, call))
            return redirect("cases:person", public_id=person.public_id)
    context = {"title": "Add a person", "form": form, "call": call, "submit": "Add the person"}
    return _form_page(request, context)


def _names_from(query: str) -> dict[str, str]:
    words = query.split()
    if not words or any(character.isdigit() for character in query):
        return {}
    return {"first_name": " ".join(words[:-1]), "last_name": words[-1]}


def _open_case_url(person: Person, call: Call | None) -> str:
    url = reverse("cases:new") + f"?person={person.public_id}"
    return url + (f"&call={call.public_id}" if call else "")


@requires(Capability.VIEW_CASES, audits="the person viewed", not_found_when_denied=True)
def person_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    person = selectors.person_get(user=user, public_id=public_id)
    context = {
        "person": person,
        "cases": list(selectors.cases_of_person(user=user, person=person)),
        "calls": list(selectors.calls_of_person(person=person)),
        "can_edit": has_capability(user, Capability.EDIT_CASES),
        "can_see_calls": has_capability(user, Capability.VIEW_CALLS),
        "response_plans": plans_of_person(user=user, person=person),
    }
    return render(request, "cases/person.html", context)


def _person_initial(person: Person) -> dict[str, Any]:
    initial = {name: getattr(person, name) for name in services.PERSON_FIELDS}
    initial["aliases"] = "\n".join(alias.name for alias in person.aliases.all())
    initial["contacts"] = "\n".join(f"{c.kind}: {c.value}" for c in person.contacts.all())
    initial["version"] = person.version
    return initial


@requires(Capability.EDIT_CASES, audits="each change to a person", not_found_when_denied=True)
def person_edit_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    person = selectors.person_get(user=_user(request), public_id=public_id)
    form: django_forms.Form = PersonEditForm(request.POST or None, initial=_person_initial(person))
    conflict = ""
    if isinstance(form, PersonEditForm) and form.is_valid():
        try:
            services.person_update(
                actor=_user(request),
                person=person,
                expected_version=form.cleaned_data["version"],
                aliases=form.alias_names(),
                contacts=form.cleaned_data["contacts"],
                **form.person_fields(),
            )
        except services.EditConflict as stale:
            conflict, form = str(stale), _rebased(form, stale)
        except services.CaseError as error:
            add_case_error(form, error)
        else:
            messages.success(request, f"{person.display_name} saved.")
            return redirect("cases:person", public_id=person.public_id)
    context = {
        "title": f"Edit {person.display_name}",
        "form": form,
        "conflict": conflict,
        "back": reverse("cases:person", kwargs={"public_id": person.public_id}),
        "submit": "Save",
    }
    return _form_page(request, context, status=409 if conflict else 200)


# ---- Opening a case -------------------------------------------------------------------------


@requires(Capability.EDIT_CASES, audits="each case opened")
def case_new_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    call = _call_from(request)
    raw_person = request.POST.get("person") or request.GET.get("person")
    if not raw_person:  # first find (or add) the person
        return render(request, "cases/people.html", {"call": call, "can_edit": True, "find": True})
    person = selectors.person_get(user=user, public_id=raw_person)
    initial = {"source": Case.Source.CALL if call else Case.Source.SELF_REFERRAL}
    form = CaseOpenForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            case = services.case_open(
                actor=user, person=person, source_call=call, **form.cleaned_data
            )
        except services.CaseError as error:
            add_case_error(form, error)
        else:
            messages.success(request, f"Case opened for {person.display_name}.")
            if call is not None:
                url = reverse("cases:encounter_new", kwargs={"public_id": case.public_id})
                return redirect(f"{url}?call={call.public_id}")
            return redirect(_case_url(case))
    editable = access.cases_in_reach(user, Capability.EDIT_CASES)
    open_cases = (
        selectors.cases_of_person(user=user, person=person)
        .exclude(status=Case.Status.CLOSED)
        .filter(pk__in=editable.values("pk"))
    )
    context = {"form": form, "person": person, "call": call, "open_cases": list(open_cases)}
    return render(request, "cases/case_new.html", context)


# ---- The case page --------------------------------------------------------------------------


@requires(Capability.VIEW_CASES, audits="the case viewed", not_found_when_denied=True)
def case_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    view = selectors.case_get(user=user, public_id=public_id)
    filters = TimelineFilterForm(request.GET or None)
    timeline = selectors.case_timeline(user=user, case=view.case, kinds=filters.kinds_chosen())
    try:
        plan: SafetyPlan | None = view.case.safety_plan
    except SafetyPlan.DoesNotExist:
        plan = None
    context = {
        "view": view,
        "case": view.case,
        "filters": filters,
        "timeline": timeline,
        "plan": plan,
        "instruments": list(instruments().values()),
        "referrals": referrals_of_case(case=view.case),
    }
    partial = wants_results_only(request)
    return render(
        request, "cases/detail.html#timeline" if partial else "cases/detail.html", context
    )


@requires(
    Capability.EDIT_CASES, audits="each change of needs, goals or risk", not_found_when_denied=True
)
def case_edit_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = _editable_case(request, public_id).case
    initial = {
        "risk_level": case.risk_level,
        "needs": case.needs,
        "goals": case.goals,
        "version": case.version,
    }
    form: django_forms.Form = CaseEditForm(request.POST or None, initial=initial)
    conflict = ""
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.case_update(actor=_user(request), case=case, expected_version=version, **data)
        except services.EditConflict as stale:
            conflict, form = str(stale), _rebased(form, stale)
        except services.CaseError as error:
            add_case_error(form, error)
        else:
            messages.success(request, "Case saved.")
            return redirect(_case_url(case))
    context = {
        "title": "Needs, goals and risk",
        "form": form,
        "case": case,
        "conflict": conflict,
        "submit": "Save",
    }
    return _form_page(request, context, status=409 if conflict else 200)


@requires(
    Capability.EDIT_CASES,
    audits="each change of status, with the reason",
    not_found_when_denied=True,
)
def case_status_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = _editable_case(request, public_id).case
    initial = {"status": case.status, "close_reason": case.close_reason, "version": case.version}
    form: django_forms.Form = CaseStatusForm(request.POST or None, initial=initial)
    conflict = ""
    if form.is_valid():
        try:
            services.case_change_status(
                actor=_user(request),
                case=case,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                close_reason=form.cleaned_data["close_reason"],
            )
        except services.EditConflict as stale:
            conflict, form = str(stale), _rebased(form, stale)
        except services.CaseError as error:
            add_case_error(form, error)
        else:
            messages.success(request, f"The case is now {case.get_status_display().lower()}.")
            return redirect(_case_url(case))
    context = {
        "title": "Change status or close",
        "form": form,
        "case": case,
        "conflict": conflict,
        "submit": "Change status",
    }
    return _form_page(request, context, status=409 if conflict else 200)


# ---- Encounters, notes, safety plans --------------------------------------------------------


def _encounter_initial(call: Call | None) -> dict[str, Any]:
    if call is None:
        return {"started_at": timezone.now().replace(second=0, microsecond=0)}
    units = ", ".join(unit.unit_id for unit in call.units.all())
    return {
        "call": call.public_id,
        "kind": "crisis",
        "started_at": call.on_scene_at or call.received_at,
        "ended_at": call.cleared_at,
        "other_responders": units[:200],
    }


@requires(Capability.EDIT_CASES, audits="each encounter recorded", not_found_when_denied=True)
def encounter_new_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = _editable_case(request, public_id).case
    call = _call_from(request)
    with _agency_time(request):
        form = EncounterForm(request.POST or None, initial=_encounter_initial(call))
        if form.is_valid():
            try:
                encounter = services.encounter_record(
                    actor=_user(request), case=case, call=call, **form.encounter_fields()
                )
            except services.CaseError as error:
                add_case_error(form, error)
            else:
                follow_up = encounter.tasks.first()
                note = (
                    f" A follow-up is due by {timezone.localtime(follow_up.due_at):%Y-%m-%d %H:%M}."
                    if follow_up
                    else ""
                )
                messages.success(request, f"Encounter recorded.{note}")
                return redirect(_case_url(case, f"encounter-{encounter.public_id}"))
        context = {
            "title": "Record an encounter",
            "form": form,
            "case": case,
            "call": call,
            "submit": "Record the encounter",
        }
        return _form_page(request, context)


@requires(Capability.EDIT_CASES, audits="each note written", not_found_when_denied=True)
def note_new_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = _editable_case(request, public_id).case
    form = NoteForm(request.POST or None, initial={"kind": request.GET.get("kind", "note")})
    if form.is_valid():
        try:
            note = services.note_write(actor=_user(request), case=case, **form.cleaned_data)
        except services.CaseError as error:
            add_case_error(form, error)
        else:
            messages.success(request, f"{note.get_kind_display()} saved.")
            return redirect(_case_url(case, f"note-{note.public_id}"))
    context = {"title": "Write a note", "form": form, "case": case, "submit": "Save the note"}
    return _form_page(request, context)


def _note_context(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    user = _user(request)
    note = selectors.note_get(user=user, public_id=public_id)
    view = selectors.case_get(user=user, public_id=note.case.public_id)  # audits the reading
    versions = list(note.versions.select_related("author").order_by("-number"))
    return {"note": note, "case": view.case, "view": view, "versions": versions}


@requires(Capability.VIEW_CASES, audits="the note's case viewed", not_found_when_denied=True)
def note_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return render(request, "cases/note.html", _note_context(request, public_id))


@requires(
    Capability.EDIT_CASES, audits="each amendment, with its reason", not_found_when_denied=True
)
def note_amend_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    context = _note_context(request, public_id)
    note = context["note"]
    if not context["view"].can_edit:
        raise Http404
    form = NoteAmendForm(request.POST or None, initial={"body": context["versions"][0].body})
    if form.is_valid():
        try:
            services.note_amend(actor=_user(request), note=note, **form.cleaned_data)
        except services.CaseError as error:
            add_case_error(form, error)
        else:
            messages.success(request, "Note amended; the earlier version is kept.")
            return redirect("cases:note", public_id=note.public_id)
    return render(request, "cases/note.html", {**context, "form": form})


@requires(Capability.EDIT_CASES, audits="each save of the safety plan", not_found_when_denied=True)
def safety_plan_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = _editable_case(request, public_id).case
    plan = SafetyPlan.objects.filter(case=case).first()
    initial = {name: getattr(plan, name) for name in services.SAFETY_PLAN_FIELDS} if plan else {}
    initial["version"] = plan.version if plan else None
    form: django_forms.Form = SafetyPlanForm(request.POST or None, initial=initial)
    conflict = ""
    if isinstance(form, SafetyPlanForm) and form.is_valid():
        try:
            services.safety_plan_save(
                actor=_user(request),
                case=case,
                expected_version=form.cleaned_data["version"],
                **form.plan_fields(),
            )
        except services.EditConflict as stale:
            conflict = str(stale)
            fresh = SafetyPlan.objects.filter(case=case).first()
            data = form.data.copy()  # type: ignore[attr-defined]
            data["version"] = str(fresh.version) if fresh else ""
            form = SafetyPlanForm(data)
            form.is_valid()
        else:
            messages.success(request, "Safety plan saved.")
            return redirect(_case_url(case, "safety-plan"))
    context = {
        "title": "Safety plan",
        "form": form,
        "case": case,
        "conflict": conflict,
        "submit": "Save the safety plan",
    }
    return _form_page(request, context, status=409 if conflict else 200)


# ---- Assessments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionField:
    """One question as shown: whether skip logic shows it, its answer and any problem."""

    question: Question
    visible: bool
    value: str
    error: str = ""
    controls: bool = False  # other questions depend on its answer

    @property
    def choices(self) -> list[tuple[str, str]]:
        question = self.question
        if question.type == "yes_no":
            return [("yes", "Yes"), ("no", "No")]
        if question.type == "choice":
            return [(option.value, option.label) for option in question.options]
        if question.type == "scale" and question.min is not None and question.max is not None:
            steps = range(int(question.min), int(question.max) + 1)
            return [(str(n), f"{n} {question.labels.get(n, '')}".strip()) for n in steps]
        return []


def _answers(request: HttpRequest, instrument: Instrument) -> dict[str, str]:
    answers = {}
    for question in instrument.questions:
        value = request.POST.get(question.id, "").strip()
        if value:
            answers[question.id] = value
    return answers


def _question_fields(
    instrument: Instrument, answers: dict[str, str], errors: dict[str, str]
) -> list[QuestionField]:
    """Every question, each marked visible or not by the skip logic (evaluated here, on the
    server, for these answers)."""
    visible = {question.id for question in instrument.visible_questions(answers)}
    controlling = {q.show_if.question for q in instrument.questions if q.show_if is not None}
    return [
        QuestionField(
            question,
            question.id in visible,
            answers.get(question.id, ""),
            errors.get(question.id, ""),
            question.id in controlling,
        )
        for question in instrument.questions
    ]


def _changed_visibility(request: HttpRequest, fields: list[QuestionField]) -> list[QuestionField]:
    """The questions an answer has just shown or hidden: only these are replaced in the page,
    so that answers given meanwhile to the others are never overwritten."""
    shown = set(request.POST.getlist("shown"))
    return [field for field in fields if field.visible != (field.question.id in shown)]


def _answer_errors(instrument: Instrument, answers: dict[str, str]) -> dict[str, str]:
    result = instrument.score(answers)
    errors = {problem.question: problem.message for problem in result.problems}
    for question in result.missing:
        errors.setdefault(question, "An answer is needed.")
    return errors


@requires(Capability.EDIT_CASES, audits="each assessment completed", not_found_when_denied=True)
def assessment_new_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = _editable_case(request, public_id).case
    code = request.POST.get("instrument") or request.GET.get("instrument", "")
    instrument = instrument_named(code)
    if instrument is None:
        context = {"case": case, "instruments": list(instruments().values())}
        return render(request, "cases/assessment_choose.html", context)
    answers = _answers(request, instrument) if request.method == "POST" else {}
    errors: dict[str, str] = {}
    if request.method == "POST" and not _htmx(request):
        errors = _answer_errors(instrument, answers)
        if not errors:
            try:
                assessment = services.assessment_complete(
                    actor=_user(request), case=case, instrument=instrument.code, answers=answers
                )
            except services.CaseError as error:
                errors = {"": str(error)}
            else:
                messages.success(request, _assessment_message(instrument, assessment))
                return redirect(_case_url(case, f"assessment-{assessment.public_id}"))
    fields = _question_fields(instrument, answers, errors)
    if _htmx(request):
        context = {"case": case, "changed": _changed_visibility(request, fields)}
        return render(request, "cases/assessment.html#changed", context)
    context = {"case": case, "instrument": instrument, "fields": fields, "errors": errors}
    return render(request, "cases/assessment.html", context, status=400 if errors else 200)


def _assessment_message(instrument: Instrument, assessment: Any) -> str:
    risk = assessment.get_risk_level_display() if assessment.risk_level else "not rated"
    total = "" if assessment.total is None else f"score {assessment.total:g}, "
    return f"{instrument.title} completed: {total}risk level {risk.lower()}."
