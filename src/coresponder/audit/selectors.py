"""Reading the audit log. Reading it is itself audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.audit.services import audit_record


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: int | None = None
    object_type: str = ""
    object_id: str = ""
    since: datetime | None = None
    until: datetime | None = None

    def as_data(self) -> dict[str, Any]:
        return {
            key: (value.isoformat() if isinstance(value, datetime) else value)
            for key, value in self.__dict__.items()
            if value not in ("", None)
        }


def _visible_to(user: Any) -> QuerySet[AuditEvent]:
    """The user's agency's events, plus system events that belong to no agency (sign-in
    failures on unknown usernames, refused tokens, command-line actions)."""
    return AuditEvent.objects.filter(Q(agency_id=user.agency_id) | Q(agency_id__isnull=True))


def audit_event_list(*, user: Any, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The user's agency's events matching ``filters``, newest first; the search is audited."""
    audit_record(actor=user, action=AuditAction.AUDIT_LOG_VIEWED, data=filters.as_data())
    events = _visible_to(user)
    if filters.actor:
        events = events.filter(actor_label__iexact=filters.actor)
    if filters.action is not None:
        events = events.filter(action=filters.action)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    if filters.since:
        events = events.filter(at__gte=filters.since)
    if filters.until:
        events = events.filter(at__lt=filters.until)
    return events.order_by("-seq")


def record_viewer_list(*, user: Any, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """Who viewed or changed one record: every event on it in the user's agency."""
    audit_record(
        actor=user,
        action=AuditAction.AUDIT_RECORD_VIEWERS_VIEWED,
        object_type=object_type,
        object_id=object_id,
    )
    return (
        _visible_to(user)
        .filter(
            object_type=object_type,
            object_id=object_id,
        )
        .order_by("-seq")
    )
