"""Reads of conferences: within the user's agency, for those who work cases; audited."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from coresponder.access.principal import has_capability
from coresponder.access.roles import Capability
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.conferences.models import Conference


def conferences_of(*, user: Any) -> QuerySet[Conference]:
    return (
        Conference.objects.filter(agency_id=user.agency_id)
        .select_related("team")
        .order_by("-held_on", "-pk")
    )


def conference_get(*, user: Any, public_id: Any, printable: bool = False) -> Conference:
    if not has_capability(user, Capability.VIEW_CASES):
        raise Http404
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    conference = Conference.objects.filter(agency_id=user.agency_id, public_id=key).first()
    if conference is None:
        raise Http404
    audit_record(
        actor=user, action=AuditAction.CONFERENCE_VIEWED, object_type="conference",
        object_id=conference.public_id, data={"printable": printable},
    )  # fmt: skip
    return conference


def items_of(conference: Conference) -> list[Any]:
    return list(
        conference.items.select_related("person", "case", "case__assigned_to", "task", "decided_by")
    )
