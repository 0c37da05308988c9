"""Referral pages: a case's referrals from draft to their end, consents and the accounting of
disclosures for a person, and the one page a partner reaches through its signed link.

Views are thin: a form checks the input's shape, one service or selector does the work and
the auditing; a refusal is shown on the field it concerns.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coresponder.access.policy import public, requires
from coresponder.access.principal import has_capability
from coresponder.access.roles import Capability
from coresponder.cases import access as case_access
from coresponder.cases import selectors as case_selectors
from coresponder.cases.models import Case
from coresponder.core.listing import query_without_page
from coresponder.referrals import selectors, services
from coresponder.referrals.engine import consent as consent_rules
from coresponder.referrals.engine.lifecycle import FINAL, STATUS_LABELS, steps_from
from coresponder.referrals.forms import (
    ConsentForm,
    ConsentStopForm,
    PartnerAnswerForm,
    ReferralFilterForm,
    ReferralForm,
    SendForm,
    TransitionForm,
    add_error,
)
from coresponder.referrals.models import Referral

PAGE_SIZE = 50


def _user(request: HttpRequest) -> Any:
    return request.user


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _referral_url(referral: Referral) -> str:
    return reverse("referrals:referral", kwargs={"public_id": referral.public_id})


# ---- Lists ----------------------------------------------------------------------------------


@requires(Capability.VIEW_CASES, audits="each listing of referrals (its filters)")
def referral_list_view(request: HttpRequest) -> HttpResponse:
    form = ReferralFilterForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    filters = selectors.ReferralFilters(
        which=data.get("which") or "mine", status=data.get("status") or "open"
    )
    rows = selectors.referral_list(user=_user(request), filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "labels": STATUS_LABELS,
        "query": query_without_page(request),
        "now": timezone.now(),
    }
    return render(request, "referrals/referral_list.html", context)


# ---- Making and sending a referral ----------------------------------------------------------


@requires(Capability.EDIT_CASES, audits="each referral drafted")
def referral_new_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    case_id = request.GET.get("case") or request.POST.get("case")
    service_id = request.GET.get("service") or request.POST.get("service") or ""
    if not case_id:
        return _choose_case(request, service_id)
    view = case_selectors.case_get(user=user, public_id=case_id, audit=False)
    if not view.can_edit:
        raise Http404
    case = view.case
    directory = selectors.directory_of(user.agency)
    service = selectors.service_in(directory, service_id) if service_id else None
    if service is None:
        matches = selectors.search_directory(user=user, needs=case.needs or [])
        context = {"case": case, "matches": matches[:50], "needs": case.needs}
        return render(request, "referrals/referral_choose_service.html", context)
    offered = set(selectors.service_needs(directory, service))
    initial = {"needs": [n for n in case.needs if n in offered] or list(case.needs)}
    form = ReferralForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            referral = services.referral_create(
                actor=user, case=case, service_id=service.id, **form.cleaned_data
            )
        except services.ReferralError as error:
            add_error(form, error)
        else:
            messages.success(request, "Referral saved as a draft: check it, then send it.")
            return redirect(_referral_url(referral))
    details = selectors.service_details(directory, service)
    context = {"case": case, "form": form, "details": details, "service_id": service.id}
    return render(request, "referrals/referral_new.html", context)


def _choose_case(request: HttpRequest, service_id: str) -> HttpResponse:
    cases = (
        case_access.cases_in_reach(_user(request), Capability.EDIT_CASES)
        .exclude(status=Case.Status.CLOSED)
        .select_related("person")
        .order_by("-updated_at")[:100]
    )
    context = {"cases": cases, "service_id": service_id}
    return render(request, "referrals/referral_choose_case.html", context)


@requires(Capability.VIEW_CASES, audits="the referral viewed", not_found_when_denied=True)
def referral_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    referral = selectors.referral_get(user=user, public_id=public_id)
    return render(request, "referrals/referral.html", _referral_context(request, referral))


def _referral_context(request: HttpRequest, referral: Referral, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    can_edit = selectors.access.can_edit(user, referral)
    decision = (
        services.disclosure_decision(referral) if referral.status == Referral.Status.DRAFT else None
    )
    context = {
        "referral": referral,
        "events": list(referral.events.select_related("actor")),
        "can_edit": can_edit,
        "steps": [s for s in steps_from(referral.status, "worker") if s.to != "sent"],
        "decision": decision,
        "send_form": SendForm(initial={"version": referral.version}),
        "labels": STATUS_LABELS,
        "category_labels": consent_rules.CATEGORIES,
        "purpose_labels": consent_rules.PURPOSES,
        "final": referral.status in FINAL,
        "links": list(referral.links.order_by("-created_at")),
        "disclosures": list(referral.disclosures.order_by("-at")),
        "now": timezone.now(),
    }
    context.update(extra)
    return context


@requires(
    Capability.EDIT_CASES,
    audits="each referral sent (and each refusal)",
    not_found_when_denied=True,
)
@require_POST
def referral_send_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    referral = selectors.referral_get(user=user, public_id=public_id, audit=False)
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "This referral could not be sent: reload the page.")
        return redirect(_referral_url(referral))
    try:
        sent = services.referral_send(
            actor=user,
            referral=referral,
            expected_version=form.cleaned_data["version"],
            emergency_basis=form.cleaned_data["emergency_basis"],
            base_url=_base_url(request),
        )
    except services.ReferralError as error:
        add_error(form, error)
        context = _referral_context(request, referral, send_form=form)
        return render(request, "referrals/referral.html", context, status=400)
    request.session["partner_link"] = sent.link_url
    messages.success(request, "Referral sent. Give the partner the link below.")
    return redirect(_referral_url(referral))


@requires(
    Capability.EDIT_CASES,
    audits="each change of a referral's status",
    not_found_when_denied=True,
)
@require_POST
def referral_transition_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    referral = selectors.referral_get(user=user, public_id=public_id, audit=False)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.referral_transition(
                actor=user,
                referral=referral,
                to=form.cleaned_data["to"],
                expected_version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
            )
        except services.ReferralError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Referral {STATUS_LABELS[referral.status].lower()}.")
    else:
        messages.error(request, "Keep the note to 500 characters.")
    return redirect(_referral_url(referral))


@requires(
    Capability.EDIT_CASES,
    audits="each partner link made or withdrawn",
    not_found_when_denied=True,
)
@require_POST
def referral_link_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    referral = selectors.referral_get(user=user, public_id=public_id, audit=False)
    if not selectors.access.can_edit(user, referral):
        raise Http404
    try:
        if request.POST.get("action") == "revoke":
            count = services.partner_links_revoke(actor=user, referral=referral)
            messages.success(request, f"{count} link{'s' if count != 1 else ''} withdrawn.")
        else:
            request.session["partner_link"] = services.partner_link_create(
                actor=user, referral=referral
            )
            messages.success(request, "A new link for the partner is below.")
    except services.ReferralError as error:
        messages.error(request, str(error))
    return redirect(_referral_url(referral))


@requires(
    Capability.EDIT_CASES,
    audits="each print (a disclosure in the ledger)",
    not_found_when_denied=True,
)
def referral_print_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    referral = selectors.referral_get(user=user, public_id=public_id)
    if request.method == "POST":
        try:
            services.referral_print(
                actor=user,
                referral=referral,
                emergency_basis=request.POST.get("emergency_basis", "")[:300],
            )
        except services.ReferralError as error:
            messages.error(request, str(error))
            return redirect(_referral_url(referral))
        context = _partner_context(referral)
        return render(request, "referrals/referral_print.html", context)
    return redirect(_referral_url(referral))


# ---- Consents and the accounting of disclosures ---------------------------------------------


def _organizations(user: Any) -> list[tuple[str, str]]:
    directory = selectors.directory_of(user.agency)
    return sorted(((o.id, o.name) for o in directory.organizations), key=lambda pair: pair[1])


@requires(
    Capability.VIEW_CASES, audits="each reading of a person's consents", not_found_when_denied=True
)
def consents_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    person = case_selectors.person_get(user=user, public_id=public_id)
    can_edit = has_capability(user, Capability.EDIT_CASES)
    form = ConsentForm(request.POST or None, organizations=_organizations(user))
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            try:
                services.consent_record(actor=user, person=person, **form.cleaned_data)
            except services.ReferralError as error:
                add_error(form, error)
            else:
                messages.success(request, "Consent recorded.")
                return redirect("referrals:consents", public_id=person.public_id)
    consents = selectors.consents_of(user=user, person=person)
    context = {
        "person": person,
        "consents": [(c, _consent_state(c)) for c in consents],
        "form": form,
        "can_edit": can_edit,
        "category_labels": consent_rules.CATEGORIES,
        "purpose_labels": consent_rules.PURPOSES,
        "class_labels": consent_rules.RECIPIENT_CLASSES,
    }
    return render(request, "referrals/consents.html", context, status=400 if form.errors else 200)


def _consent_state(consent: Any) -> str:
    return consent_rules.why_inactive(services.consent_terms(consent), timezone.now()) or ""


@requires(Capability.EDIT_CASES, audits="each consent revoked or ended", not_found_when_denied=True)
@require_POST
def consent_stop_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    consent = selectors.consent_get(user=user, public_id=public_id)
    form = ConsentStopForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say how and when the consent was revoked or ended.")
    else:
        stop = (
            services.consent_revoke
            if form.cleaned_data["action"] == "revoke"
            else (services.consent_end)
        )
        try:
            stop(actor=user, consent=consent, note=form.cleaned_data["note"])
        except services.ReferralError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Consent stopped: nothing more goes out on it.")
    return redirect("referrals:consents", public_id=consent.person.public_id)


@requires(
    Capability.VIEW_CASES,
    audits="each accounting of disclosures produced",
    not_found_when_denied=True,
)
def disclosures_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    person = case_selectors.person_get(user=user, public_id=public_id)
    rows = selectors.disclosures_of(user=user, person=person)
    context = {
        "person": person,
        "rows": rows,
        "category_labels": consent_rules.CATEGORIES,
        "purpose_labels": consent_rules.PURPOSES,
    }
    return render(request, "referrals/disclosures.html", context)


# ---- The partner's page ---------------------------------------------------------------------


def _partner_context(referral: Referral) -> dict[str, Any]:
    person = referral.person
    part2 = "substance_use" in referral.categories
    return {
        "referral": referral,
        "person": person,
        "contacts": list(person.contacts.all()),
        "labels": STATUS_LABELS,
        "category_labels": consent_rules.CATEGORIES,
        "purpose_labels": consent_rules.PURPOSES,
        "notice": consent_rules.REDISCLOSURE_NOTICE_PART2
        if part2
        else (consent_rules.REDISCLOSURE_NOTICE),
    }


@public("a partner's signed, expiring link to one referral: the signature is the access check")
def partner_view(request: HttpRequest, public_id: uuid.UUID, token: str) -> HttpResponse:
    referral, link = selectors.partner_link_open(public_id=public_id, token=token)
    form = PartnerAnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.referral_transition(
                    actor=None,
                    referral=referral,
                    to=form.cleaned_data["to"],
                    expected_version=form.cleaned_data["version"],
                    note=form.cleaned_data["note"],
                    link=link,
                    base_url=_base_url(request),
                )
            except services.ReferralError as error:
                add_error(form, error)
                status = 400
            else:
                messages.success(request, "Thank you: the program has your answer.")
                return redirect(request.path)
        else:
            status = 400
    context = _partner_context(referral)
    context.update(
        {
            "form": form,
            "steps": steps_from(referral.status, "partner"),
            "expires_at": link.expires_at,
        }
    )
    response = render(request, "referrals/partner.html", context, status=status)
    # The link is the key: never pass it to another site ("no-referrer" would also make the
    # browser send "Origin: null" with the answer, which the CSRF check rightly refuses).
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response
