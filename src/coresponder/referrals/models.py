"""Referrals and what they rest on: each agency's community-partner directory, stored as one
HSDS 3.0 JSON document (docs/adr/0006-partner-directory.md), consents, referrals with their
steps and partner links, and the ledger of disclosures (docs/referrals.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from coresponder.accounts.models import Agency
from coresponder.cases.models import AuditedManager, Case, Person, Versioned


class DirectorySnapshot(models.Model):
    """The agency's directory as written by ``write_hsds_json``; ``version`` counts saves and
    guards edits (optimistic locking) and the per-agency cache of the rebuilt directory."""

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="+")
    document = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"directory of agency {self.agency_id} (version {self.version})"


# ---- Consent, referrals and the disclosure ledger (docs/referrals.md) ---------------------------


class Consent(models.Model):
    """A person's consent to disclose: what (categories), to whom (one partner organisation or
    a class of recipients), why (purposes), until when; signed, or given verbally before a
    witness. Its terms never change after it is recorded: it is revoked or ended, and a new
    one is recorded."""

    class Method(models.TextChoices):
        WRITTEN = "written", "Signed in writing"
        VERBAL = "verbal", "Given verbally, with a witness"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    discloser = models.CharField(max_length=200)  # who may disclose (the program)
    categories = models.JSONField(default=list)
    recipient_organization_id = models.CharField(max_length=64, blank=True)
    recipient_name = models.CharField(max_length=200, blank=True)  # as the directory named it
    recipient_class = models.CharField(max_length=32, blank=True)
    purposes = models.JSONField(default=list)
    signed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    expiry_event = models.CharField(max_length=200, blank=True)  # e.g. "end of treatment"
    method = models.CharField(max_length=8, choices=Method.choices)
    signed_by = models.CharField(max_length=200)  # the person, or their representative
    witness = models.CharField(max_length=200, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AuditedManager()

    class Meta:
        indexes = [models.Index(fields=["agency", "person"], name="consent_person_idx")]

    def __str__(self) -> str:
        return f"consent {self.public_id}"


class Referral(Versioned):
    """A referral of a case's person to one partner service, for some needs."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        ENGAGED = "engaged", "Engaged"
        COMPLETED = "completed", "Completed"
        DECLINED = "declined", "Declined"
        NO_CONTACT = "no_contact", "No contact"
        WITHDRAWN = "withdrawn", "Withdrawn"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    # The partner as the directory described it when the referral was made: a directory edit
    # later does not rewrite where a referral went.
    service_id = models.CharField(max_length=64)
    service_name = models.CharField(max_length=300)
    organization_id = models.CharField(max_length=64)
    organization_name = models.CharField(max_length=300)
    partner_email = models.EmailField(blank=True)
    needs = models.JSONField(default=list)
    purpose = models.CharField(max_length=24, default="referral")
    categories = models.JSONField(default=list)  # what the note discloses
    note = models.TextField(blank=True)  # what the partner reads
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    emergency_basis = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answer_due_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    engaged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True)  # the partner's short answer
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["agency", "status", "answer_due_at"], name="referral_due_idx"),
            models.Index(fields=["agency", "organization_id"], name="referral_partner_idx"),
        ]

    def __str__(self) -> str:
        return f"referral {self.public_id}"


class ReferralEvent(models.Model):
    """One step of a referral's life, with who took it (a user, or the partner's link)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    by_partner = models.BooleanField(default=False)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class PartnerLink(models.Model):
    """A signed, expiring link that lets one partner answer one referral without an account.
    The URL carries a signature of this row's id; the row says which referral it opens, until
    when, and whether it was withdrawn."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="links")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = AuditedManager()

    def __str__(self) -> str:
        return f"partner link {self.public_id}"


class Disclosure(models.Model):
    """The ledger: every time information about a person left the program (a referral sent,
    an export, a print), to whom, what, why, and on what basis. Rows are only ever added."""

    class Kind(models.TextChoices):
        REFERRAL = "referral", "Referral"
        EXPORT = "export", "Export"
        PRINT = "print", "Print"

    class Basis(models.TextChoices):
        CONSENT = "consent", "Consent"
        EMERGENCY = "emergency", "Medical emergency"
        NOT_NEEDED = "not_needed", "No consent needed (no health information)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="disclosures")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    recipient = models.CharField(max_length=300)
    recipient_organization_id = models.CharField(max_length=64, blank=True)
    categories = models.JSONField(default=list)
    description = models.CharField(max_length=300)
    purpose = models.CharField(max_length=24)
    basis = models.CharField(max_length=12, choices=Basis.choices)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures"
    )
    emergency_basis = models.CharField(max_length=300, blank=True)
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures"
    )
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = AuditedManager()

    class Meta:
        indexes = [models.Index(fields=["agency", "person", "at"], name="disclosure_person_idx")]

    def __str__(self) -> str:
        return f"disclosure {self.public_id}"
