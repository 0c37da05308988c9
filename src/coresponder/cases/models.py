"""Social-work case records: people, cases, encounters, assessments, notes, safety plans and
follow-up tasks.

Every record belongs to one agency. Records people edit carry a ``version`` for optimistic
locking: a save names the version it started from and is refused if someone saved since.
Their managers refuse bulk ``.update()``: every change goes through a service, which audits it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from coresponder.accounts.models import Agency, Team
from coresponder.calls.models import Call


class BulkUpdateRefused(RuntimeError):
    """Raised by ``.update()`` on an audited model: change records through their services."""


class AuditedQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise BulkUpdateRefused(
            f"{self.model.__name__} rows change only through their services, which audit them."
        )

    def update_audited(self, **kwargs: Any) -> int:
        """The services' own bulk update; the caller writes the audit events."""
        return super().update(**kwargs)


class AuditedManager(models.Manager.from_queryset(AuditedQuerySet)):  # type: ignore[misc]
    pass


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AuditedManager()

    class Meta:
        abstract = True


class Housing(models.TextChoices):
    HOUSED = "housed", "Housed"
    SHELTERED = "sheltered", "Sheltered (shelter or transitional)"
    UNSHELTERED = "unsheltered", "Unsheltered"
    ENCAMPMENT = "encampment", "Encampment"
    VEHICLE = "vehicle", "Living in a vehicle"
    UNKNOWN = "unknown", "Not known"


class Person(Versioned):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)  # when only age is known
    language = models.CharField(max_length=60, blank=True)
    housing = models.CharField(max_length=16, choices=Housing.choices, default=Housing.UNKNOWN)
    usual_location = models.CharField(max_length=200, blank=True)  # instead of an address
    address = models.CharField(max_length=200, blank=True)
    emergency_contact = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["agency", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        given = self.preferred_name or self.first_name
        return " ".join(part for part in (given, self.last_name) if part) or "Unnamed person"


class PersonAlias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class ContactPoint(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", "Phone"
        TEXT = "text", "Text messages"
        EMAIL = "email", "E-mail"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    value = models.CharField(max_length=200)
    note = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class PersonSearchKey(models.Model):
    """Keys a person is found by (name tokens, sounds, nicknames, prefixes): candidates come
    from an indexed lookup, then the engine ranks them."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="search_keys")
    key = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["agency", "key"], name="person_search_key_idx")]

    def __str__(self) -> str:
        return self.key


class PersonCall(models.Model):
    """A person's appearance on a call (as the person in crisis, the caller, ...)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="call_links")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="person_links")
    role = models.CharField(max_length=40, blank=True)
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "call"], name="person_call_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.call_id}"


class Risk(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"
    IMMINENT = "imminent", "Imminent"


RISK_ORDER = {Risk.LOW: 0, Risk.MODERATE: 1, Risk.HIGH: 2, Risk.IMMINENT: 3}

NEEDS = (
    ("mental_health", "Mental health"),
    ("substance_use", "Substance use"),
    ("housing", "Housing"),
    ("food", "Food"),
    ("medical", "Medical"),
    ("income_benefits", "Income and benefits"),
    ("legal", "Legal"),
    ("family", "Family"),
    ("safety", "Safety"),
)


class Case(Versioned):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    class Source(models.TextChoices):
        CALL = "call", "A call"
        OFFICER_REFERRAL = "officer_referral", "Officer referral"
        SELF_REFERRAL = "self_referral", "Self-referral"
        OUTREACH = "outreach", "Outreach"

    class CloseReason(models.TextChoices):
        GOALS_MET = "goals_met", "Goals met"
        CONNECTED = "connected", "Connected to ongoing services"
        DECLINED = "declined", "Declined further contact"
        NO_CONTACT = "no_contact", "Could not be contacted"
        MOVED = "moved", "Moved away"
        DIED = "died", "Died"
        OTHER = "other", "Other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    source = models.CharField(max_length=16, choices=Source.choices)
    source_call = models.ForeignKey(
        Call, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    risk_level = models.CharField(max_length=10, choices=Risk.choices, default=Risk.LOW)
    needs = models.JSONField(default=list, blank=True)
    goals = models.TextField(blank=True)
    close_reason = models.CharField(max_length=12, choices=CloseReason.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["agency", "team", "status"], name="case_team_status_idx"),
            models.Index(fields=["agency", "assigned_to", "status"], name="case_worker_idx"),
            # Caseloads list the most recently changed first: read in this order, a page of
            # fifty stops after about fifty rows however large the team.
            models.Index(fields=["agency", "team", "updated_at"], name="case_team_recent_idx"),
            models.Index(
                fields=["agency", "assigned_to", "updated_at"], name="case_worker_recent_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Case {str(self.public_id)[:8]} ({self.person})"


class Encounter(Versioned):
    class Kind(models.TextChoices):
        CRISIS = "crisis", "Crisis response on scene"
        CO_RESPONSE = "co_response", "Co-response with police"
        FOLLOW_UP = "follow_up", "Follow-up visit"
        PHONE = "phone", "Phone"
        OUTREACH = "outreach", "Outreach"
        OFFICE = "office", "Office"

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", "Resolved on scene"
        VOLUNTARY_TRANSPORT = "voluntary_transport", "Voluntary transport"
        INVOLUNTARY_HOLD = "involuntary_hold", "Involuntary hold"
        EMERGENCY_DEPARTMENT = "emergency_department", "Emergency department"
        DETOX = "detox", "Detox / sobering"
        SHELTER = "shelter", "Shelter"
        ARREST = "arrest", "Arrest"
        REFERRAL = "referral", "Referral made"
        DECLINED = "declined", "Declined help"
        NOT_FOUND = "not_found", "Person not found"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="encounters")
    call = models.ForeignKey(
        Call, on_delete=models.SET_NULL, null=True, blank=True, related_name="encounters"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    responders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    other_responders = models.CharField(max_length=200, blank=True)  # e.g. "Unit 2A31, EMS"
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    police_backup = models.BooleanField(default=False)
    police_backup_reason = models.CharField(max_length=300, blank=True)
    force_used = models.BooleanField(default=False)
    force_description = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["case", "started_at"], name="encounter_case_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d}"


class Assessment(models.Model):
    """A completed instrument. Never edited: a new assessment is taken instead."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    instrument = models.CharField(max_length=60)
    instrument_version = models.CharField(max_length=20)
    answers = models.JSONField(default=dict)
    total = models.FloatField(null=True, blank=True)
    domain_scores = models.JSONField(default=dict)
    risk_level = models.CharField(max_length=10, choices=Risk.choices, blank=True)
    flags = models.JSONField(default=list)
    summary = models.TextField(blank=True)
    completed_at = models.DateTimeField(default=timezone.now)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = AuditedManager()

    def __str__(self) -> str:
        return f"{self.instrument} {self.completed_at:%Y-%m-%d}"


class Sensitivity(models.TextChoices):
    GENERAL = "general", "General"
    BEHAVIOURAL_HEALTH = "behavioural_health", "Behavioural health"
    SUBSTANCE_USE = "substance_use", "Substance use (42 CFR Part 2)"
    CRIMINAL_JUSTICE = "criminal_justice", "Criminal-justice information"


class Note(models.Model):
    """A note; its text lives in versions, and an amendment adds a version (never an edit)."""

    class Kind(models.TextChoices):
        NOTE = "note", "Case note"
        HANDOFF = "handoff", "Shift handoff"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.NOTE)
    sensitivity = models.CharField(
        max_length=20, choices=Sensitivity.choices, default=Sensitivity.GENERAL
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    current_version = models.PositiveIntegerField(default=1)

    objects = AuditedManager()

    class Meta:
        indexes = [models.Index(fields=["case", "created_at"], name="note_case_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class NoteVersion(models.Model):
    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    reason = models.CharField(max_length=300, blank=True)  # why it was amended
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "number"], name="note_version_unique")
        ]

    def __str__(self) -> str:
        return f"version {self.number}"


class SafetyPlan(Versioned):
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="safety_plan")
    warning_signs = models.TextField(blank=True)
    coping_strategies = models.TextField(blank=True)
    reasons_for_living = models.TextField(blank=True)
    people_and_places = models.TextField(blank=True)  # for distraction and support
    contacts = models.TextField(blank=True)  # professionals and crisis lines (988)
    means_safety = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Safety plan of case {self.case_id}"


class Task(Versioned):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    encounter = models.ForeignKey(
        Encounter, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    outcome = models.CharField(max_length=300, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["agency", "assigned_to", "status", "due_at"], name="task_due_idx")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_at < timezone.now()
