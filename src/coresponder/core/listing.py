"""What every filtered, paginated list page shares (the audit log, the calls list, ...)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.http import HttpRequest
from django.utils import timezone


def day_start(day: date | None, *, next_day: bool = False) -> datetime | None:
    """The start of ``day`` (or of the day after, for an inclusive "to" date) in the active
    time zone."""
    if day is None:
        return None
    moment = timezone.make_aware(datetime.combine(day, time.min))
    return moment + timedelta(days=1) if next_day else moment


def wants_results_only(request: HttpRequest) -> bool:
    """An HTMX filter request gets the results partial; a history restore gets the page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
