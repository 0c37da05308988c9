"""Writing audit events. Call inside the same transaction as the change being audited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from coresponder.audit import chain
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent, Outcome
from coresponder.audit.verify import chain_head
from coresponder.core import context

# Any constant works: it names the one advisory lock that serialises chain appends.
_CHAIN_LOCK_ID = 0x636F7265


class AuditDataError(ValueError):
    pass


def audit_record(
    *,
    actor: Any | None,
    action: AuditAction,
    object_type: str = "",
    object_id: object = "",
    reason: str = "",
    outcome: str = Outcome.SUCCESS,
    data: dict[str, Any] | None = None,
    agency_id: int | None = None,
) -> AuditEvent:
    """Append one event to the chain and return it.

    Raises if the event cannot be written; callers about to return confidential data call
    this first, so a failure to audit means the data is not returned.
    """
    ctx = context.current()
    payload = _checked_data(data or {})
    actor_id = getattr(actor, "pk", None)
    with transaction.atomic():
        _lock_chain()
        seq, previous_mac = chain_head()
        event = AuditEvent(
            seq=seq + 1,
            at=timezone.now(),
            agency_id=agency_id if agency_id is not None else getattr(actor, "agency_id", None),
            actor_id=actor_id,
            actor_label=getattr(actor, "username", "") or "",
            actor_role=ctx.role,
            action=int(action),
            object_type=object_type,
            object_id=str(object_id)[:150],
            reason=reason[:500],
            outcome=str(outcome),
            request_id=ctx.request_id,
            client_ip=ctx.client_ip,
            data=payload,
        )
        signed = [getattr(event, name) for name in chain.SIGNED_FIELDS]
        event.mac = chain.compute_mac(_key(), previous_mac, signed)
        event.save(force_insert=True)
    return event


def _lock_chain() -> None:
    """Serialise appends: SQLite's BEGIN IMMEDIATE already holds the write lock;
    PostgreSQL takes a transaction-scoped advisory lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])


def _key() -> bytes:
    return settings.AUDIT_HMAC_KEY.encode()


_ALLOWED_SCALARS = (str, int, float, bool, type(None))


def _checked_data(data: dict[str, Any]) -> dict[str, Any]:
    """Audit data is flat JSON of scalars or lists of scalars: it must round-trip exactly
    through both databases for the MAC to verify."""
    for key, value in data.items():
        if not isinstance(key, str):
            raise AuditDataError(f"audit data keys must be text, not {key!r}")
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(item, _ALLOWED_SCALARS) for item in values):
            raise AuditDataError(f"audit data {key!r} must be a scalar or a list of scalars")
    return data
