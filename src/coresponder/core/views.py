"""The home page and the error pages (which never show internals)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coresponder.access.policy import requires
from coresponder.access.principal import roles_of
from coresponder.access.roles import Capability, Role

# What each role's home page offers first; later domains add their own entries.
ROLE_INTRODUCTIONS: dict[Role, str] = {
    Role.DISPATCHER: "Receive calls and see who the triage recommends should respond.",
    Role.OFFICER: "See approved safety notes for the calls you attend.",
    Role.SOCIAL_WORKER: "Your day: crisis calls, follow-ups and your caseload.",
    Role.SUPERVISOR: "Your team's caseloads, approvals and overdue follow-ups.",
    Role.ANALYST: "Program outcomes, as aggregates with small cells suppressed.",
    Role.AUDITOR: "The tamper-evident audit log: who did what, and who viewed which record.",
    Role.ADMIN: "Accounts, locked usernames, MFA resets and API tokens.",
}


@requires(Capability.VIEW_HOME, audits="nothing (no records shown)")
def home(request: HttpRequest) -> HttpResponse:
    roles = sorted(roles_of(request.user))
    return render(
        request,
        "core/home.html",
        {"role_cards": [(role, ROLE_INTRODUCTIONS[role]) for role in roles]},
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
