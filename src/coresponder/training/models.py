"""Officer training: the roster, courses, sessions, attendance and certificates
(docs/training.md). Every record belongs to one agency; nothing here is about the people the
program serves."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from coresponder.accounts.models import Agency


class Officer(models.Model):
    """One sworn officer on the agency's roster (not necessarily a user of coresponder)."""

    class Shift(models.TextChoices):
        DAYS = "days", "Days"
        EVENINGS = "evenings", "Evenings"
        NIGHTS = "nights", "Nights"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    badge = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    shift = models.CharField(max_length=10, choices=Shift.choices)
    district = models.CharField(max_length=60)
    active = models.BooleanField(default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_officer",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "badge"], name="officer_badge_per_agency")
        ]
        ordering = ["badge"]

    def __str__(self) -> str:
        return f"{self.name} ({self.badge})"


class Course(models.Model):
    class Kind(models.TextChoices):
        CIT = "cit", "Crisis intervention team (40 hours)"
        DE_ESCALATION = "de_escalation", "De-escalation"
        CRISIS_COUNSELLING = "crisis_counselling", "Crisis counselling"
        MENTAL_HEALTH_FIRST_AID = "mhfa", "Mental-health first aid"
        REFRESHER = "refresher", "Refresher"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    validity_months = models.PositiveSmallIntegerField(null=True, blank=True)  # blank: no expiry
    # A refresher renews the certificate of this course (which the officer must already hold).
    renews = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="refreshers"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="course_code_per_agency")
        ]
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Session(models.Model):
    """One delivery of a course: a day (or the first day), a place and a trainer."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField()
    place = models.CharField(max_length=200)
    trainer = models.CharField(max_length=200)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.course.code} on {self.date:%Y-%m-%d}"


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendance")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="attendance")
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    completed = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "officer"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"attendance {self.pk}"


class Certificate(models.Model):
    """An officer's certificate for a course: one per officer and course, renewed in place
    (``issued_on`` is the latest issue or renewal; the audit log keeps each)."""

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)  # None: does not expire
    session = models.ForeignKey(Session, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["officer", "course"], name="certificate_once")
        ]

    def __str__(self) -> str:
        return f"certificate {self.pk}"

    def is_current(self, on: object) -> bool:
        return self.issued_on <= on and (self.expires_on is None or self.expires_on >= on)  # type: ignore[operator]
