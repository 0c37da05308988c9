"""Reading calls: scoped to the reader's agency, what they may see of each, and audited."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404

from coresponder.access.principal import has_capability
from coresponder.access.roles import Capability
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.calls.models import Call, ImportBatch

SORTS = {
    "newest": ("-received_at", "-pk"),
    "oldest": ("received_at", "pk"),
    "priority": ("priority", "-received_at"),
}


@dataclass(frozen=True)
class CallFilters:
    since: datetime | None = None
    until: datetime | None = None
    call_type: str = ""
    disposition: str = ""
    district: str = ""
    address: str = ""
    category: str = ""  # the triage category (triage decides on every call written)
    mode: str = ""  # the recommended response mode
    sort: str = "newest"

    def as_data(self) -> dict[str, Any]:
        return {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in asdict(self).items()
            if value not in ("", None)
        }


# Columns a list needs: the narrative, raw row and persons never leave the database here.
LIST_COLUMNS = (
    "public_id", "event_number", "received_at", "on_scene_at", "cleared_at", "call_source",
    "initial_type_text", "final_type_text", "final_type_code", "priority", "disposition_text",
    "address_raw", "district", "beat",
)  # fmt: skip
# The recommendation shown beside each call (the triage app's decision, one per call).
TRIAGE_COLUMNS = ("triage__mode", "triage__category", "triage__hidden_behavioural_health")


def call_list(*, user: Any, filters: CallFilters) -> QuerySet[Call]:
    """Calls of the user's agency matching ``filters``; the search is audited."""
    audit_record(actor=user, action=AuditAction.CALLS_LISTED, data=filters.as_data())
    calls = Call.objects.filter(agency_id=user.agency_id).only(*LIST_COLUMNS)
    if filters.since:
        calls = calls.filter(received_at__gte=filters.since)
    if filters.until:
        calls = calls.filter(received_at__lt=filters.until)
    if filters.call_type:
        calls = calls.filter(final_type_text=filters.call_type)
    if filters.disposition:
        calls = calls.filter(disposition_text=filters.disposition)
    if filters.district:
        calls = calls.filter(district=filters.district)
    if filters.address:
        calls = calls.filter(address_raw__icontains=filters.address)
    if filters.category:
        calls = calls.filter(triage__category=filters.category)
    if filters.mode:
        calls = calls.filter(triage__mode=filters.mode)
    calls = calls.select_related("triage").only(*LIST_COLUMNS, *TRIAGE_COLUMNS)
    return calls.order_by(*SORTS.get(filters.sort, SORTS["newest"]))


@dataclass(frozen=True)
class CallView:
    """One call as a given reader may see it."""

    call: Call
    show_narrative: bool
    show_persons: bool


def call_get(*, user: Any, public_id: Any) -> CallView:
    """One call of the user's agency, or 404 (the same for "not yours" and "no such call")."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    call = (
        Call.objects.filter(agency_id=user.agency_id, public_id=key)
        .prefetch_related("units", "persons")
        .first()
    )
    if call is None:
        raise Http404
    view = CallView(
        call=call,
        show_narrative=has_capability(user, Capability.VIEW_CALL_NARRATIVE),
        show_persons=has_capability(user, Capability.VIEW_CALL_PERSONS),
    )
    audit_record(
        actor=user,
        action=AuditAction.CALL_VIEWED,
        object_type="call",
        object_id=call.public_id,
        data={"narrative_shown": view.show_narrative, "persons_shown": view.show_persons},
    )
    return view


def call_type_choices(*, user: Any) -> list[str]:
    """The distinct call types of the agency, for the filter.

    Scanning a million calls for them costs ~60 ms, so they are cached until the agency's
    calls next change (a new import batch gives a new cache key)."""
    latest = (
        ImportBatch.objects.filter(agency_id=user.agency_id)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    key = f"calls:types:{user.agency_id}:{latest}"
    types = cache.get(key)
    if types is None:
        types = list(
            Call.objects.filter(agency_id=user.agency_id)
            .exclude(final_type_text="")
            .order_by("final_type_text")
            .values_list("final_type_text", flat=True)
            .distinct()[:500]
        )
        cache.set(key, types, timeout=3600)
    return types
