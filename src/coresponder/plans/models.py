"""What officers may know before they arrive: response plans for people in frequent crisis
contact, and premise notes for places. Both are written by a social worker, approved by
someone else, and shown only while approved and before their review date (docs/plans.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from coresponder.accounts.models import Agency
from coresponder.cases.models import AuditedManager, Person


class Approvable(models.Model):
    """Written by one person, approved by another, current until its review date."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Waiting for approval"
        APPROVED = "approved", "Approved"
        RETIRED = "retired", "Retired"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_by = models.DateField()  # after this day it is not shown until approved again
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AuditedManager()

    class Meta:
        abstract = True

    def is_current(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return self.status == self.Status.APPROVED and self.review_by >= day  # type: ignore[operator]


class ResponsePlan(Approvable):
    """A short plan for officers about one person: nothing clinical, nothing about substance
    use, only what helps an officer keep everyone safe."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="response_plans")
    safety_concerns = models.TextField(blank=True)
    triggers = models.TextField(blank=True)
    what_helps = models.TextField(blank=True)
    de_escalation = models.TextField(blank=True)
    who_to_call = models.CharField(max_length=300, default="The on-call social worker")
    co_author = models.CharField(max_length=200, blank=True)  # the person or a caregiver

    class Meta:
        indexes = [models.Index(fields=["agency", "person", "status"], name="plan_person_idx")]

    def __str__(self) -> str:
        return f"response plan {self.public_id}"


class PremiseNote(Approvable):
    """A note about a place for officers ("resident is deaf; knock and text")."""

    location = models.CharField(max_length=200)  # the location key (docs/repeat-calls.md)
    address = models.CharField(max_length=200)  # as the author wrote it
    note = models.CharField(max_length=500)

    class Meta:
        indexes = [models.Index(fields=["agency", "location", "status"], name="premise_loc_idx")]

    def __str__(self) -> str:
        return f"premise note {self.public_id}"
