"""Each agency's community-partner directory, stored as one HSDS 3.0 JSON document (see
docs/adr/0006-partner-directory.md): the engine's ``Directory`` is rebuilt from it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from coresponder.accounts.models import Agency


class DirectorySnapshot(models.Model):
    """The agency's directory as written by ``write_hsds_json``; ``version`` counts saves and
    guards edits (optimistic locking) and the per-agency cache of the rebuilt directory."""

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="+")
    document = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"directory of agency {self.agency_id} (version {self.version})"
