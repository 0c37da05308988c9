"""Benchmark-only URLconf: the product's routes plus a bare copy of the admin's users page.

``bare_users`` renders the same template with the same rows and the same layout as
``/admin/users/`` but without what the benchmark prices: no session or user loaded from the
database (login), no policy or role check (access), no audit event. It is never mounted in
the product; ``bench_audit.py --part page`` points ROOT_URLCONF here for its own process.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path

from coresponder.access.policy import public
from coresponder.accounts.models import LoginThrottle, User

BARE_PATH = "/bench/bare-users/"

_user_fields = [field.attname for field in User._meta.concrete_fields]
_user_values: list[Any] = []


def set_baseline_user(user: User) -> None:
    """The account the bare page is rendered for (the benchmark's signed-in admin)."""
    _user_values[:] = [getattr(user, name) for name in _user_fields]


def _baseline_user() -> User:
    # A fresh instance per request, built without a query: nothing cached from earlier
    # requests (agency, roles), so the page does the same data work as the real one.
    return User.from_db("default", _user_fields, _user_values)


@public("benchmark baseline")
def bare_users(request: HttpRequest) -> HttpResponse:
    actor = _baseline_user()
    request.user = actor
    request.mfa_satisfied = True  # type: ignore[attr-defined]  # the layout shows navigation
    users = list(
        User.objects.filter(agency_id=actor.agency_id)
        .prefetch_related("memberships__team")
        .order_by("username")
    )
    locked = set(
        LoginThrottle.objects.filter(
            locked_at__isnull=False, username__in=[u.username.casefold() for u in users]
        ).values_list("username", flat=True)
    )
    rows = [(user, user.username.casefold() in locked) for user in users]
    return render(request, "accounts/users.html", {"rows": rows})


urlpatterns = [
    path(BARE_PATH.strip("/") + "/", bare_users, name="bench_bare_users"),
    path("", include("coresponder.urls")),
]

handler400 = "coresponder.core.views.bad_request"
handler403 = "coresponder.core.views.permission_denied"
handler404 = "coresponder.core.views.not_found"
handler500 = "coresponder.core.views.server_error"
