"""API: searching the audit log."""

# No `from __future__ import annotations` here: django-ninja reads the real types.
from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from coresponder.access.api import api_requires
from coresponder.access.roles import Capability
from coresponder.audit.models import AuditEvent
from coresponder.audit.schemas import AuditEventOut
from coresponder.audit.selectors import AuditFilters, audit_event_list

router = Router(tags=["audit"])


class AuditQuery(Schema):
    actor: str = ""
    action: int | None = None
    object_type: str = ""
    object_id: str = ""
    since: datetime | None = None
    until: datetime | None = None


@router.get("/events", response=list[AuditEventOut])
@api_requires(Capability.VIEW_AUDIT_LOG, token_scope="audit:read", audits="each search")
@paginate(LimitOffsetPagination)
def audit_events(request: HttpRequest, filters: Query[AuditQuery]) -> QuerySet[AuditEvent]:
    return audit_event_list(
        user=request.auth.user,  # type: ignore[attr-defined]
        filters=AuditFilters(**filters.dict()),
    )
