from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

STEPPED_UP_AT = "stepped_up_at"


def recently_authenticated(request: HttpRequest) -> bool:
    value = request.session.get(STEPPED_UP_AT)
    if not isinstance(value, str):
        return False
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False
    return timezone.now() - moment <= settings.STEP_UP_MAX_AGE


def step_up_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sensitive actions ask for the password (and a TOTP code) again if the last
    re-authentication is older than COREPONDER_STEP_UP_MINUTES (CJIS IA-11)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if recently_authenticated(request):
            return view(request, *args, **kwargs)
        query = urlencode({"next": _return_path(request)})
        return HttpResponseRedirect(f"{reverse('accounts:reauth')}?{query}")

    return wrapper


def _return_path(request: HttpRequest) -> str:
    """Where to go after re-authenticating: the page itself, or for a form post the page
    that held the form (the post is then made again by the person, deliberately)."""
    if request.method != "POST":
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return urlparse(referer).path or "/"
    return "/"
