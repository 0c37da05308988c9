"""Triage decisions on calls, dispatchers' answers to them, and each agency's crosswalk of
call types to categories with the queue of call types not seen before."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from coresponder.accounts.models import Agency
from coresponder.calls.models import Call

MODE_CHOICES = [
    ("police", "Police"),
    ("co_response", "Co-response"),
    ("alternative", "Social worker / alternative"),
    ("ems", "EMS"),
    ("referral", "Referral (988 / 211)"),
    ("no_dispatch", "No dispatch"),
]


class TriageDecision(models.Model):
    """The recommendation for one call, at the call's current version. Recomputed when the
    call changes (its content hash no longer matches) or when asked to (a new policy)."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="triage")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()  # the call's, copied for reports by period
    call_type_key = models.CharField(max_length=255, blank=True)
    category = models.CharField(max_length=40)
    vera_category = models.CharField(max_length=60, blank=True)
    behavioural_health = models.BooleanField(default=False)
    # The final type, disposition or narrative shows a behavioural-health need that the
    # type the call was dispatched under did not.
    hidden_behavioural_health = models.BooleanField(default=False)
    mode = models.CharField(max_length=16, choices=MODE_CHOICES)
    eligible = models.BooleanField(default=False)
    confidence = models.FloatField(default=0.0)
    rule = models.CharField(max_length=80)
    reasons = models.JSONField(default=list)
    flags = models.JSONField(default=list)
    policy_version = models.CharField(max_length=120)
    call_content_hash = models.CharField(max_length=64)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["agency", "received_at"], name="triage_agency_received_idx"),
            models.Index(fields=["agency", "mode", "received_at"], name="triage_agency_mode_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.mode} ({self.category})"


class DispatcherAnswer(models.Model):
    """A dispatcher's answer to a recommendation: accepted, or overridden with a reason.
    A later answer supersedes an earlier one; all are kept."""

    class Action(models.TextChoices):
        ACCEPTED = "accepted"
        OVERRIDDEN = "overridden"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(TriageDecision, on_delete=models.CASCADE, related_name="answers")
    action = models.CharField(max_length=16, choices=Action.choices)
    recommended_mode = models.CharField(max_length=16, choices=MODE_CHOICES)
    chosen_mode = models.CharField(max_length=16, choices=MODE_CHOICES)
    rule = models.CharField(max_length=80)
    category = models.CharField(max_length=40)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.action}: {self.chosen_mode}"


class CallTypeOverride(models.Model):
    """An agency's own answer for a call type: wins over the classifier."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=255)  # the normalised call type
    example = models.CharField(max_length=255)  # the call type as it was first seen
    category = models.CharField(max_length=40)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "key"], name="override_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.example} → {self.category}"


class CallTypeReview(models.Model):
    """A call type the agency had not seen before, waiting for a person to confirm what it is."""

    class Status(models.TextChoices):
        PENDING = "pending"
        CONFIRMED = "confirmed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=255)
    example = models.CharField(max_length=255)
    suggested_category = models.CharField(max_length=40)
    confidence = models.FloatField(default=0.0)
    evidence = models.JSONField(default=list)
    calls_seen = models.PositiveIntegerField(default=0)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    confirmed_category = models.CharField(max_length=40, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "key"], name="review_unique_key")]

    def __str__(self) -> str:
        return f"{self.example} ({self.status})"
