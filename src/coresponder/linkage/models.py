"""Repeat-call records: where each call happened, as one normalised location.

A call's location is worked out by ``coresponder link run`` (not during an import, so imports
stay fast): the address engine reads the call's address into a key (a block, an intersection,
a named place), and keys whose calls share a point are one location
(docs/linkage-addresses.md). Named places are the agency's alias table.
"""

from __future__ import annotations

from django.db import models

from coresponder.accounts.models import Agency
from coresponder.calls.models import Call


class CallLocation(models.Model):
    call = models.OneToOneField(Call, on_delete=models.CASCADE, primary_key=True,
                                related_name="location")  # fmt: skip
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()  # the call's, copied: windows read one table
    key = models.CharField(max_length=200)  # the engine's key for this call's address
    location = models.CharField(max_length=200)  # the location the key belongs to
    kind = models.CharField(max_length=16)  # address, block, intersection, place, ...

    class Meta:
        indexes = [
            models.Index(fields=["agency", "location", "received_at"], name="call_location_idx"),
            models.Index(fields=["agency", "received_at"], name="call_location_time_idx"),
            models.Index(fields=["agency", "key"], name="call_location_key_idx"),
        ]

    def __str__(self) -> str:
        return self.location


class PlaceAlias(models.Model):
    """A named place (a shelter, a hospital, a park) and the address it stands for."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="place_alias_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.address}"


class PersonMention(models.Model):
    """One appearance of a person: a person named on a call, or a person in the case records.

    Extracted by ``coresponder link run``; ``cluster_id`` is the group of call mentions the
    person-linkage engine put together at the cluster threshold (derived, recomputed by each
    run). A case record joins a group only through a confirmed ``LinkCandidate``.
    """

    class Source(models.TextChoices):
        CALL = "call", "A call"
        CASE = "case", "Case records"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=4, choices=Source.choices)
    call_person = models.OneToOneField(
        "calls.CallPerson", on_delete=models.CASCADE, null=True, blank=True, related_name="mention"
    )
    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, null=True, blank=True, related_name="person_mentions"
    )
    person = models.OneToOneField(
        "cases.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="mention"
    )
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    dob = models.CharField(max_length=32, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)  # the call's
    cluster_id = models.CharField(max_length=40, blank=True)
    cluster_probability = models.FloatField(null=True, blank=True)
    model_version = models.CharField(max_length=40, blank=True)
    # a person split it from the group the model made: it never joins a group on its own
    # again (its pairs wait for review) until the split is undone
    kept_apart = models.BooleanField(default=False)
    # the engine's cleaned fields and keys (person_cleaning.pack_features, one line of text
    # beginning with its format's version), written when the mention is first linked so
    # later runs never clean it again; empty until then, and emptied when the values above
    # change (cleaned again at the next run). Derived: a full run writes it afresh.
    features = models.TextField(blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["agency", "cluster_id"], name="person_mention_cluster_idx"),
            models.Index(fields=["agency", "received_at"], name="person_mention_time_idx"),
            models.Index(
                fields=["agency"],
                condition=models.Q(kept_apart=True),
                name="person_mention_apart_idx",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.name or f"mention {self.pk}"

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class LinkCandidate(models.Model):
    """Two mentions the engine scored between the review threshold and the cluster threshold
    (or a call and a case record at any score above review): a person decides."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        CONFIRMED = "confirmed", "Confirmed: the same person"
        REJECTED = "rejected", "Rejected: not the same person"
        UNMERGED = "unmerged", "Confirmed, then unmerged"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    left = models.ForeignKey(PersonMention, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(PersonMention, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField(null=True, blank=True)  # none: made by a person
    match_weight = models.FloatField(null=True, blank=True)
    evidence = models.JSONField(default=list)  # per field: agree, close, disagree or missing
    model_version = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    added_person_calls = models.JSONField(default=list)  # PersonCall ids confirming created
    # made by splitting a mention from the model's group (rejected), not by the model
    split = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="link_candidate_unique")
        ]
        indexes = [models.Index(fields=["agency", "status"], name="link_candidate_status_idx")]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({self.status})"
