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
    # A photo only with the person's consent (who gave it, when): stored with the plan, shown
    # only where the plan is, and read through an audited view.
    photo = models.BinaryField(null=True, blank=True, editable=False)
    photo_type = models.CharField(max_length=20, blank=True)  # image/jpeg or image/png
    photo_consent = models.CharField(max_length=200, blank=True)

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


class Consult(models.Model):
    """An officer asks the social-work team for advice about a situation or a person; the
    answer is timed and counted, and the consult can become a case."""

    class Urgency(models.TextChoices):
        NOW = "now", "Now (on scene)"
        TODAY = "today", "Today"
        THIS_WEEK = "week", "This week"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for an answer"
        ANSWERED = "answered", "Answered"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    asked_at = models.DateTimeField(default=timezone.now)
    urgency = models.CharField(max_length=6, choices=Urgency.choices, default=Urgency.TODAY)
    call_number = models.CharField(max_length=64, blank=True)  # the CAD event, if any
    question = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="consults"
    )

    objects = AuditedManager()

    class Meta:
        indexes = [models.Index(fields=["agency", "status", "asked_at"], name="consult_open_idx")]

    def __str__(self) -> str:
        return f"consult {self.public_id}"

    @property
    def minutes_to_answer(self) -> float | None:
        if self.answered_at is None:
            return None
        return (self.answered_at - self.asked_at).total_seconds() / 60
