"""The append-only audit log."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone

from coresponder.audit.actions import AuditAction


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    """Bulk changes bypass any per-row check, so on the audit table they are refused outright."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit events are append-only: update() is refused")

    def delete(self) -> NoReturn:
        raise PermissionError("audit events are append-only: delete() is refused")


class Outcome(models.TextChoices):
    SUCCESS = "success"
    DENIED = "denied"
    FAILURE = "failure"


class AuditEvent(models.Model):
    """One audited action. ``seq`` is gapless and ``mac`` chains each row to the one before.

    No foreign keys: the log must outlive and not depend on the rows it describes, and a
    cascade must never be able to touch it. No PII of the people served goes in here.
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    agency_id = models.BigIntegerField(null=True, db_index=True)
    actor_id = models.BigIntegerField(null=True, db_index=True)
    actor_label = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.PositiveIntegerField(db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=150, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    request_id = models.CharField(max_length=64, blank=True)
    client_ip = models.CharField(max_length=45, blank=True)
    data = models.JSONField(default=dict)
    mac = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit events are append-only")

    @property
    def action_name(self) -> str:
        try:
            return AuditAction(self.action).name
        except ValueError:
            return str(self.action)
