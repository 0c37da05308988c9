"""Case conferences and staff meetings: an agenda generated from the records, and the
decisions and actions taken on each item (actions become follow-up tasks)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from coresponder.accounts.models import Agency, Team
from coresponder.cases.models import Case, Person, Task


class Conference(models.Model):
    class Kind(models.TextChoices):
        CASE_CONFERENCE = "case", "Case conference (social work)"
        STAFF_MEETING = "staff", "Staff meeting (police and social work)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")  # fmt: skip
    kind = models.CharField(max_length=6, choices=Kind.choices)
    held_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class AgendaItem(models.Model):
    class Reason(models.TextChoices):
        HIGH_RISK = "high_risk", "High-risk case"
        OVERDUE = "overdue", "Overdue follow-up"
        NO_PLAN = "no_plan", "Frequent caller with no response plan"
        STUCK_REFERRAL = "stuck", "Referral waiting too long"

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")  # fmt: skip
    # Why it is on the agenda, in words fit for a mixed meeting: no clinical detail.
    summary = models.CharField(max_length=300)
    decision = models.TextField(blank=True)
    task = models.ForeignKey(Task, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")  # fmt: skip
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")  # fmt: skip

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.person_id}"


# ---- Community outreach and partnerships ------------------------------------------------------


class OutreachEvent(models.Model):
    """Work in the community before the crisis: where and when, how many people were reached,
    what was given, and the follow-ups and cases that came of it."""

    class Kind(models.TextChoices):
        STREET = "street", "Street outreach"
        ENCAMPMENT = "camp", "Encampment visit"
        EDUCATION = "education", "Public education session"
        EVENT = "event", "Community event"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    place = models.CharField(max_length=200)
    started_at = models.DateTimeField()
    people_reached = models.PositiveIntegerField(default=0)
    resources_given = models.CharField(max_length=500, blank=True)  # e.g. "12 hygiene kits"
    follow_ups = models.PositiveIntegerField(default=0)  # contacts to follow up
    audience = models.CharField(max_length=200, blank=True)  # for education sessions
    cases = models.ManyToManyField(Case, blank=True, related_name="+")  # cases it led to
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.place}"


class Partnership(models.Model):
    """A standing partnership (a shelter, a clinic, the school district): its agreement and
    when it is reviewed."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    partner = models.CharField(max_length=200)
    agreement = models.TextField(blank=True)  # what each side does
    started_on = models.DateField()
    review_on = models.DateField()
    contact = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.partner
