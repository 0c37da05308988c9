"""Optimistic locking for records people edit: a save names the version it started from and
changes the row only if it is still at that version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import F
from django.utils import timezone


def save_if_unchanged(
    record: Any, expected_version: int | None, changes: Mapping[str, Any]
) -> bool:
    """Write ``changes`` (bumping ``version`` and ``updated_at``) only if the row is still at
    ``expected_version``; reload ``record`` and say whether it was written. The record's
    manager must offer ``update_audited`` (the caller writes the audit event)."""
    rows = type(record).objects.filter(pk=record.pk, version=expected_version)
    updated = rows.update_audited(**changes, version=F("version") + 1, updated_at=timezone.now())
    if updated:
        record.refresh_from_db()
    return bool(updated)
