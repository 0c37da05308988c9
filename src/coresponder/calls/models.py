"""Calls for service, their responding units and named persons, and import batches."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import polars as pl
from django.db import models
from django.utils import timezone

from coresponder.accounts.models import Agency
from coresponder.calls.engine.records import CallSource, UnitType


class SourceRowField(models.JSONField):
    """(Kept for migration 0004: calls no longer hold their source row, see ``SourceRows``.)
    The source row as it was read (column -> text), read back as a dict like a JSONField but
    stored as plain text: no ``JSON_VALID`` check on SQLite, no ``jsonb`` parsing on
    PostgreSQL. The importer writes it only from ``json.dumps`` or Polars' JSON encoder, which
    write valid JSON; nothing queries inside it. On a 1,000,000-row import the check and the
    parsing cost more than anything they protect (docs/adr/0004)."""

    def db_type(self, connection: Any) -> str:
        return "text"

    def db_check(self, connection: Any) -> None:
        return None

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or hasattr(value, "as_sql"):
            return value
        return json.dumps(value, cls=self.encoder)


class ImportBatch(models.Model):
    """One run of an import (a file, or an API batch). Counts always reconcile:
    rows_in = new + updated + duplicate + stale + rejected."""

    class Status(models.TextChoices):
        RUNNING = "running"
        COMPLETE = "complete"
        FAILED = "failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="import_batches")
    source = models.CharField(max_length=60)
    profile = models.CharField(max_length=120)
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_in = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    stale = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    notes = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.file_name or 'API'} ({self.status})"


class Call(models.Model):
    """A call for service as the agency's CAD recorded it, at its latest version."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="calls")
    source = models.CharField(max_length=60)
    event_number = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)
    en_route_at = models.DateTimeField(null=True, blank=True)
    on_scene_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    call_source = models.CharField(
        max_length=24, choices=[(s.value, s.value) for s in CallSource], default="unknown"
    )
    call_source_raw = models.CharField(max_length=120, blank=True)
    initial_type_code = models.CharField(max_length=64, blank=True)
    initial_type_text = models.CharField(max_length=255, blank=True)
    final_type_code = models.CharField(max_length=64, blank=True)
    final_type_text = models.CharField(max_length=255, blank=True)
    priority = models.CharField(max_length=32, blank=True)
    disposition_code = models.CharField(max_length=64, blank=True)
    disposition_text = models.CharField(max_length=255, blank=True)
    address_raw = models.CharField(max_length=255, blank=True)
    address_parts = models.JSONField(default=dict, blank=True)
    is_block = models.BooleanField(default=False)
    is_intersection = models.BooleanField(default=False)
    city = models.CharField(max_length=120, blank=True)
    state = models.CharField(max_length=32, blank=True)
    zip_code = models.CharField(max_length=16, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    beat = models.CharField(max_length=32, blank=True)
    district = models.CharField(max_length=64, blank=True)
    flags = models.JSONField(default=dict, blank=True)
    narrative = models.TextField(blank=True)  # criminal-justice information
    # The source row of this version: line ``source_line`` of its batch's kept rows
    # (``SourceRows``), read back by ``raw``. Kept once per chunk, not once per call.
    source_line = models.BigIntegerField(default=0)
    raw_hash = models.CharField(max_length=64, blank=True)  # of the source row stored
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="calls")
    version_key = models.CharField(max_length=96)
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "source", "event_number"], name="call_unique_event_per_source"
            )
        ]
        indexes = [
            models.Index(fields=["agency", "received_at"], name="call_agency_received_idx"),
            models.Index(
                fields=["agency", "final_type_text", "received_at"], name="call_agency_type_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_number} {self.final_type_text or self.initial_type_text}"

    @property
    def call_type(self) -> str:
        return self.final_type_text or self.initial_type_text or self.final_type_code

    @property
    def raw(self) -> dict[str, str]:
        """The source row of this version of the call as it was read (column -> text), from
        its batch's kept rows; empty if none is kept (calls written before batches kept
        them never are: the migration moved every stored row)."""
        return SourceRows.row_of(self.batch_id, self.source_line)


class SourceRows(models.Model):
    """The source rows of the calls one chunk of an import wrote (new calls and later
    versions), as read: once per chunk, compressed, instead of a copy in every call's row
    (docs/adr/0004, addendum four). ``rows`` is an Arrow IPC stream compressed with zstd,
    two columns: ``line`` (the row's line in the file, or its position in an API batch) and
    ``raw`` (the row as a JSON object, column -> text). A call finds its row by its batch
    and ``source_line``."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="source_rows")
    first_line = models.BigIntegerField()
    last_line = models.BigIntegerField()
    rows = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["batch", "first_line"], name="sourcerows_batch_line_idx")]

    def __str__(self) -> str:
        return f"lines {self.first_line}-{self.last_line} of {self.batch_id}"

    @staticmethod
    def pack(rows: pl.DataFrame) -> bytes:
        """The ``rows`` of a frame of ``line`` and ``raw`` (the row as JSON text)."""
        buffer = io.BytesIO()
        rows.select(pl.col("line").cast(pl.Int64), pl.col("raw").cast(pl.String)).write_ipc(
            buffer, compression="zstd"
        )
        return buffer.getvalue()

    @staticmethod
    def unpack(rows: bytes | memoryview) -> pl.DataFrame:
        return pl.read_ipc(io.BytesIO(bytes(rows)))

    @classmethod
    def row_of(cls, batch_id: int, line: int) -> dict[str, str]:
        kept = cls.objects.filter(
            batch_id=batch_id, first_line__lte=line, last_line__gte=line
        ).values_list("rows", flat=True)
        for rows in kept:
            found = cls.unpack(rows).filter(pl.col("line") == line)
            if found.height:
                value = json.loads(found["raw"][0])
                return value if isinstance(value, dict) else {}
        return {}


class CallUnit(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="units")
    unit_id = models.CharField(max_length=32)
    unit_type = models.CharField(
        max_length=24, choices=[(u.value, u.value) for u in UnitType], default="police"
    )
    status = models.CharField(max_length=64, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    en_route_at = models.DateTimeField(null=True, blank=True)
    on_scene_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.unit_id


class CallPerson(models.Model):
    """A person named on a call (confidential)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.CharField(max_length=32, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return self.role or "person"
