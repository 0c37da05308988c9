from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"
ACTIVITY_RESOLUTION = timedelta(minutes=1)


class SessionLimitsMiddleware:
    """Ends a session after the idle timeout or at the absolute limit (CJIS AC-11, AC-12)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            expired = self._expired(request)
            if expired is not None:
                user = request.user
                audit_record(actor=user, action=expired)
                logout(request)
                return self._to_login(request)
            self._note_activity(request)
        return self.get_response(request)

    def _note_activity(self, request: HttpRequest) -> None:
        """Record activity at most once a minute: writing the session on every request costs
        a database write per page, and the idle limit does not need finer time than this."""
        now = timezone.now()
        last_seen = _moment(request.session.get(LAST_SEEN_AT))
        if last_seen is None or now - last_seen >= ACTIVITY_RESOLUTION:
            request.session[LAST_SEEN_AT] = now.isoformat()

    def _expired(self, request: HttpRequest) -> AuditAction | None:
        now = timezone.now()
        signed_in = _moment(request.session.get(SIGNED_IN_AT))
        last_seen = _moment(request.session.get(LAST_SEEN_AT))
        if signed_in is None or now - signed_in > settings.SESSION_ABSOLUTE_TIMEOUT:
            return AuditAction.SESSION_EXPIRED_ABSOLUTE
        if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            return AuditAction.SESSION_EXPIRED_IDLE
        return None

    def _to_login(self, request: HttpRequest) -> HttpResponse:
        url = reverse(settings.LOGIN_URL) + "?expired=1"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
