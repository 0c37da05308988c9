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
