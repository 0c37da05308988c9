"""Sign-in, MFA, sign-out, one's own account, and the admin pages for users and tokens."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from coresponder.access.policy import password_session, public, requires
from coresponder.access.principal import roles_of
from coresponder.access.roles import Capability
from coresponder.accounts import selectors, services
from coresponder.accounts.decorators import step_up_required
from coresponder.accounts.forms import CodeForm, SignInForm, StepUpForm
from coresponder.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record


def _safe_next(request: HttpRequest, fallback: str = "core:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(fallback)


@public("the sign-in page, with the system-use notice")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = services.sign_in(
            request=request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if result.user is not None:
            login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
            now = timezone.now().isoformat()
            request.session[SIGNED_IN_AT] = now
            request.session[LAST_SEEN_AT] = now
            request.session["notice_acknowledged_at"] = now
            return HttpResponseRedirect(_after_password(request))
        error = result.error
    status = 400 if request.method == "POST" and (error or form.errors) else 200
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "error": error,
            "notice": settings.SYSTEM_USE_NOTICE,
            "next": request.GET.get("next", ""),
            "expired": "expired" in request.GET,
        },
        status=status,
    )


def _after_password(request: HttpRequest) -> str:
    if not settings.MFA_REQUIRED:
        return _safe_next(request)
    query = "?" + urlencode({"next": request.POST["next"]}) if request.POST.get("next") else ""
    if services.mfa_device(request.user) is None:  # type: ignore[arg-type]
        return reverse("accounts:mfa_enrol") + query
    return reverse("accounts:mfa_verify") + query


@password_session("second factor for a password-only session", audits="MFA results")
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    if not settings.MFA_REQUIRED or getattr(request, "mfa_satisfied", False):
        return redirect("core:home")
    device = services.mfa_device(request.user)  # type: ignore[arg-type]
    if device is None:
        return redirect("accounts:mfa_enrol")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.mfa_check(user=request.user, device=device, code=form.cleaned_data["code"]):  # type: ignore[arg-type]
            otp_login(request, device)
            return HttpResponseRedirect(_safe_next(request))
        form.add_error("code", "That code is not right, or was already used. Wait for the next.")
    status = 400 if form.errors else 200
    return render(request, "accounts/mfa_verify.html", {"form": form}, status=status)


@password_session("authenticator enrolment for a password-only session", audits="enrolment")
@require_http_methods(["GET", "POST"])
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    if services.mfa_device(request.user) is not None:  # type: ignore[arg-type]
        return redirect("accounts:mfa_verify")
    device = services.mfa_enrolment_device(request.user)  # type: ignore[arg-type]
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.mfa_check(
            user=request.user,  # type: ignore[arg-type]
            device=device,
            code=form.cleaned_data["code"],
            enrolling=True,
        ):
            otp_login(request, device)
            messages.success(request, "Your authenticator is set up.")
            return HttpResponseRedirect(_safe_next(request))
        form.add_error("code", "That code is not right. Check the time on your phone and retry.")
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr_data_uri": qr.svg_data_uri(scale=5, dark="#111", light="#fff"),
    }
    return render(request, "accounts/mfa_enrol.html", context, status=400 if form.errors else 200)


@password_session("signing out", audits="sign-out")
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    audit_record(actor=request.user, action=AuditAction.LOGOUT)
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:login")


@requires(Capability.MANAGE_OWN_ACCOUNT, audits="nothing (the user's own account)")
def account_view(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("team").order_by("role")  # type: ignore[union-attr]
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": memberships,
            "roles": sorted(roles_of(request.user)),
            "mfa_device": services.mfa_device(request.user),  # type: ignore[arg-type]
        },
    )


@requires(Capability.MANAGE_OWN_ACCOUNT, audits="step-up results")
@require_http_methods(["GET", "POST"])
def reauth_view(request: HttpRequest) -> HttpResponse:
    form = StepUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.step_up(
            request=request,
            user=request.user,  # type: ignore[arg-type]
            password=form.cleaned_data["password"],
            code=form.cleaned_data["code"],
        ):
            return HttpResponseRedirect(_safe_next(request))
        form.add_error(None, "Those details are not right.")
    return render(
        request,
        "accounts/reauth.html",
        {"form": form, "next": request.GET.get("next", ""), "mfa": settings.MFA_REQUIRED},
        status=400 if form.errors else 200,
    )


@requires(Capability.MANAGE_USERS, audits="the listing")
def users_view(request: HttpRequest) -> HttpResponse:
    rows = selectors.user_list(actor=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/users.html", {"rows": rows})


@requires(Capability.MANAGE_USERS, audits="the release")
@require_POST
def user_unlock(request: HttpRequest, public_id: str) -> HttpResponse:
    user = selectors.user_get(actor=request.user, public_id=public_id)  # type: ignore[arg-type]
    services.lockout_release(actor=request.user, username=user.username)  # type: ignore[arg-type]
    messages.success(request, f"{user.username} can sign in again.")
    return redirect("accounts:users")


@requires(Capability.MANAGE_USERS, audits="the reset")
@require_POST
@step_up_required
def user_mfa_reset(request: HttpRequest, public_id: str) -> HttpResponse:
    user = selectors.user_get(actor=request.user, public_id=public_id)  # type: ignore[arg-type]
    services.mfa_reset(actor=request.user, user=user)  # type: ignore[arg-type]
    messages.success(request, f"{user.username} will enrol a new authenticator at next sign-in.")
    return redirect("accounts:users")


@requires(Capability.MANAGE_USERS, audits="the deactivation")
@require_POST
@step_up_required
def user_deactivate(request: HttpRequest, public_id: str) -> HttpResponse:
    user = selectors.user_get(actor=request.user, public_id=public_id)  # type: ignore[arg-type]
    try:
        services.user_deactivate(actor=request.user, user=user)  # type: ignore[arg-type]
    except services.AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{user.username} is deactivated and their tokens revoked.")
    return redirect("accounts:users")


@requires(Capability.MANAGE_API_TOKENS, audits="the listing")
def tokens_view(request: HttpRequest) -> HttpResponse:
    tokens = selectors.api_token_list(actor=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/tokens.html", {"tokens": tokens})


@requires(Capability.MANAGE_API_TOKENS, audits="the revocation")
@require_POST
@step_up_required
def token_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    token = selectors.api_token_get(actor=request.user, public_id=public_id)  # type: ignore[arg-type]
    services.api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, f"The token “{token.name}” is revoked.")
    return redirect("accounts:tokens")
