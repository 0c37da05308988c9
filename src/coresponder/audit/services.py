"""Writing audit events. Call inside the same transaction as the change being audited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
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
    db = connections[DEFAULT_DB_ALIAS]  # resolved once: each `connection.x` is a lookup
    with transaction.atomic(using=db.alias):
        _lock_chain(db)
        seq, previous_mac = chain_head()
        signed = [
            seq + 1,
            timezone.now(),
            agency_id if agency_id is not None else getattr(actor, "agency_id", None),
            getattr(actor, "pk", None),
            getattr(actor, "username", "") or "",
            ctx.role,
            int(action),
            object_type,
            str(object_id)[:150],
            reason[:500],
            str(outcome),
            ctx.request_id,
            ctx.client_ip,
            payload,
        ]
        row = dict(zip(chain.SIGNED_FIELDS, signed, strict=True))
        row["mac"] = chain.compute_mac(_key(), previous_mac, signed)
        values = [row[name] for name in _ATTNAMES]
        _insert(db, values)
    return AuditEvent.from_db(db.alias, _ATTNAMES, values)  # as after save()


def _lock_chain(db: Any) -> None:
    """Serialise appends: SQLite's BEGIN IMMEDIATE already holds the write lock;
    PostgreSQL takes a transaction-scoped advisory lock."""
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])


# The audit table's columns in model order, and its INSERT: built once, not per event.
_FIELDS = tuple(AuditEvent._meta.concrete_fields)
_ATTNAMES = tuple(field.attname for field in _FIELDS)
_INSERT = "INSERT INTO {table} ({columns}) VALUES ({values})".format(  # noqa: S608 (model names)
    table=connection.ops.quote_name(AuditEvent._meta.db_table),
    columns=", ".join(connection.ops.quote_name(str(field.column)) for field in _FIELDS),
    values=", ".join(["%s"] * len(_FIELDS)),
)


def _insert(db: Any, values: list[Any]) -> None:
    """What ``AuditEvent(...).save(force_insert=True)`` ran, without compiling the ORM query
    on every append (that was about half the cost of one): each value prepared by its own
    field, then one parameterised INSERT. No model save signals are sent for audit rows."""
    params = [
        field.get_db_prep_save(value, db) for field, value in zip(_FIELDS, values, strict=True)
    ]
    with db.cursor() as cursor:
        cursor.execute(_INSERT, params)


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
