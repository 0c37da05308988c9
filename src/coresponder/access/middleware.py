from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from coresponder.access.policy import Gate, policy_of
from coresponder.access.principal import acting_role
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.core import context

logger = logging.getLogger(__name__)
API_NAMESPACE = "api"


def mfa_satisfied(request: HttpRequest) -> bool:
    if not settings.MFA_REQUIRED:
        return True
    return bool(getattr(request.user, "is_verified", lambda: False)())


class PolicyMiddleware:
    """Deny by default: a view is served only under the policy it declares.

    API operations are checked by the API layer (each operation declares its own policy), so
    here the ninja views pass through; the meta-test covers both.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.mfa_satisfied = (  # type: ignore[attr-defined]
            request.user.is_authenticated and mfa_satisfied(request)
        )
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and match.namespace == API_NAMESPACE:
            return None
        policy = policy_of(view_func)
        if policy is None:
            logger.error("refused %s: the view declares no access policy", request.path)
            return render(request, "404.html", status=404)
        if policy.gate is Gate.PUBLIC:
            return None
        if not request.user.is_authenticated:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{query}")
        if policy.gate is Gate.PASSWORD:
            return None
        if not request.mfa_satisfied:  # type: ignore[attr-defined]
            return HttpResponseRedirect(reverse("accounts:mfa_verify"))
        assert policy.capability is not None
        role = acting_role(request.user, policy.capability)
        if role is None:
            audit_record(
                actor=request.user,
                action=AuditAction.ACCESS_DENIED,
                object_type="route",
                object_id=match.view_name if match else request.path,
                outcome="denied",
            )
            if policy.not_found_when_denied:
                return render(request, "404.html", status=404)
            return render(request, "403.html", status=403)
        context.current().role = role.value
        return None
