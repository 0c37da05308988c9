"""Writing calls: file imports and live feeds, exactly once.

A call is identified by agency + source + event number. Each version of it carries a
version key (when it was written, then its content hash): an import keeps the greatest, so
the final state never depends on the order files or rows arrive in.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from coresponder.accounts.models import Agency
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import Outcome
from coresponder.audit.services import audit_record
from coresponder.calls.engine import address
from coresponder.calls.engine.profile import Profile
from coresponder.calls.engine.reader import (
    Chunk,
    FileProblem,
    KnownRows,
    ReadNotes,
    read_chunks,
)
from coresponder.calls.engine.records import CallRecord, Reject
from coresponder.calls.models import Call, CallPerson, CallUnit, ImportBatch
from coresponder.calls.signals import calls_written

COUNTS = ("new", "updated", "duplicate", "stale", "rejected")
CALL_COLUMNS = (
    "received_at", "dispatched_at", "en_route_at", "on_scene_at", "cleared_at", "call_source",
    "call_source_raw", "initial_type_code", "initial_type_text", "final_type_code",
    "final_type_text", "priority", "disposition_code", "disposition_text", "address_raw",
    "city", "state", "zip_code", "latitude", "longitude", "beat", "district", "flags",
    "narrative", "raw", "raw_hash",
)  # fmt: skip


@dataclass
class Counts:
    rows_in: int = 0
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    stale: int = 0
    rejected: int = 0

    def add(self, other: Counts) -> None:
        for name in ("rows_in", *COUNTS):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def reconciles(self) -> bool:
        return self.rows_in == sum(getattr(self, name) for name in COUNTS)


@dataclass
class ImportSummary:
    counts: Counts
    seconds: float
    batch_id: str = ""
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self.counts), "seconds": round(self.seconds, 2)}


class DryRunRollback(Exception):
    """Raised inside the import transaction to undo a dry run."""


def calls_import_file(
    *,
    actor: Any | None,
    agency: Agency,
    path: Path,
    profile: Profile,
    dry_run: bool = False,
    on_reject: Callable[[Reject], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    chunk_rows: int = 5_000,
) -> ImportSummary:
    """Import one CAD export. Each chunk commits with the batch's progress, so an import
    killed mid-way leaves whole chunks only, and running it again resumes where it stopped."""
    started = time.perf_counter()
    digest = _sha256(path)
    if dry_run:
        return _dry_run(agency, path, profile, digest, on_reject, on_progress, chunk_rows, started)
    batch = _open_batch(actor, agency, path, profile, digest)
    notes, chunks_done = ReadNotes(), 0
    try:
        for chunk in read_chunks(
            path,
            profile,
            agency_time_zone=agency.time_zone,
            chunk_rows=chunk_rows,
            skip_rows=batch.rows_done,
            notes=notes,
            known=_known_rows(agency, profile.source),
        ):
            with transaction.atomic():
                counts = _apply_chunk(agency, profile.source, batch, chunk)
                _advance(batch, chunk, counts)
            _report(chunk, on_reject, on_progress)
            chunks_done += 1
            if chunks_done in _ANALYZE_AFTER:
                _refresh_statistics()
    except FileProblem as problem:
        # The file itself is unreadable from here on: the batch ends (with what it imported
        # before) rather than waiting to be resumed, and says why.
        _fail_batch(actor, batch, [*notes.notes, str(problem)], ImportBatch.Status.FAILED)
        raise
    except BaseException:
        # Anything else (a crash, a kill, a lost database) leaves the batch running, so that
        # importing the same file again resumes it.
        _fail_batch(actor, batch, notes.notes, ImportBatch.Status.RUNNING)
        raise
    summary = _close_batch(actor, batch, notes.notes, started)
    calls_written.send(sender=ImportBatch, agency=agency, batch=batch)
    return summary


def _fail_batch(actor: Any | None, batch: ImportBatch, notes: list[str], status: str) -> None:
    with transaction.atomic():
        batch.status, batch.notes = status, notes
        batch.save(update_fields=["status", "notes"])
        audit_record(
            actor=actor,
            action=AuditAction.CALLS_IMPORT_FAILED,
            object_type="import_batch",
            object_id=batch.public_id,
            outcome=Outcome.FAILURE,
            data={"resumable": status == ImportBatch.Status.RUNNING},
            agency_id=batch.agency_id,
        )


# PostgreSQL plans the event-number lookups from table statistics; a table filling up from
# empty has none, and each lookup then scans the agency's calls (20 ms instead of 1 ms).
_ANALYZE_AFTER = frozenset({1, 10, 100})


def _refresh_statistics() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Call._meta.db_table)}")


def _dry_run(
    agency: Agency,
    path: Path,
    profile: Profile,
    digest: str,
    on_reject: Callable[[Reject], None] | None,
    on_progress: Callable[[int], None] | None,
    chunk_rows: int,
    started: float,
) -> ImportSummary:
    """Everything a real import does, inside one transaction that is then rolled back."""
    total, notes = Counts(), ReadNotes()
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                agency=agency, source=profile.source, profile=profile.name,
                file_name=path.name[:255], file_sha256=digest,
            )  # fmt: skip
            for chunk in read_chunks(
                path, profile, agency_time_zone=agency.time_zone, chunk_rows=chunk_rows,
                notes=notes, known=_known_rows(agency, profile.source),
            ):  # fmt: skip
                total.add(_apply_chunk(agency, profile.source, batch, chunk))
                _report(chunk, on_reject, on_progress)
            raise DryRunRollback
    except DryRunRollback:
        pass
    return ImportSummary(total, time.perf_counter() - started, notes=notes.notes)


def _report(
    chunk: Chunk,
    on_reject: Callable[[Reject], None] | None,
    on_progress: Callable[[int], None] | None,
) -> None:
    if on_reject:
        for reject in chunk.rejects:
            on_reject(reject)
    if on_progress:
        on_progress(chunk.rows)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _open_batch(
    actor: Any | None, agency: Agency, path: Path, profile: Profile, digest: str
) -> ImportBatch:
    """The unfinished batch of this very file, to resume, or a new one."""
    unfinished = ImportBatch.objects.filter(
        agency=agency, file_sha256=digest, profile=profile.name, status=ImportBatch.Status.RUNNING
    ).first()
    if unfinished is not None:
        return unfinished
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            agency=agency,
            source=profile.source,
            profile=profile.name,
            file_name=path.name[:255],
            file_sha256=digest,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CALLS_IMPORT_STARTED,
            object_type="import_batch",
            object_id=batch.public_id,
            data={"profile": profile.name, "file_sha256": digest},
            agency_id=agency.pk,
        )
    return batch


def _advance(batch: ImportBatch, chunk: Chunk, counts: Counts) -> None:
    batch.rows_done += chunk.rows
    for name in ("rows_in", *COUNTS):
        setattr(batch, name, getattr(batch, name) + getattr(counts, name))
    batch.save(update_fields=["rows_done", "rows_in", *COUNTS])


def _close_batch(
    actor: Any | None, batch: ImportBatch, notes: list[str], started: float
) -> ImportSummary:
    counts = Counts(**{name: getattr(batch, name) for name in ("rows_in", *COUNTS)})
    with transaction.atomic():
        batch.status = ImportBatch.Status.COMPLETE
        batch.finished_at = timezone.now()
        batch.notes = notes
        batch.save(update_fields=["status", "finished_at", "notes"])
        audit_record(
            actor=actor,
            action=AuditAction.CALLS_IMPORTED,
            object_type="import_batch",
            object_id=batch.public_id,
            data=asdict(counts),
            agency_id=batch.agency_id,
        )
    return ImportSummary(counts, time.perf_counter() - started, str(batch.public_id), notes)


def calls_receive(*, actor: Any, agency: Agency, source: str, records: list[CallRecord]) -> Counts:
    """The live feed: upsert a batch of calls sent through the API, exactly once."""
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            agency=agency, source=source, profile="api", status=ImportBatch.Status.COMPLETE,
            finished_at=timezone.now(),
        )  # fmt: skip
        chunk = Chunk(records=records, rejects=[], rows=len(records))
        counts = _apply_chunk(agency, source, batch, chunk)
        _advance(batch, chunk, counts)
        audit_record(
            actor=actor,
            action=AuditAction.CALLS_RECEIVED,
            object_type="import_batch",
            object_id=batch.public_id,
            data=asdict(counts),
        )
    calls_written.send(sender=ImportBatch, agency=agency, batch=batch)
    return counts


def _apply_chunk(agency: Agency, source: str, batch: ImportBatch, chunk: Chunk) -> Counts:
    """Write one chunk: new calls inserted, newer versions updated, the rest counted."""
    counts = Counts(
        rows_in=chunk.rows,
        rejected=len(chunk.rejects),
        duplicate=chunk.folded + chunk.unchanged,
    )
    best = _latest_per_event(chunk.records, counts)
    existing = _existing(agency, source, list(best))
    creates, updates = [], []
    for event_number, (record, key, digest) in best.items():
        found = existing.get(event_number)
        if found is None:
            creates.append((record, key, digest))
            counts.new += 1
        elif found[2] == digest:
            counts.duplicate += 1
        elif key > found[1]:
            updates.append((found[0], _new_call(agency, source, batch, record, key, digest)))
            counts.updated += 1
        else:
            counts.stale += 1
    _insert(agency, source, batch, creates)
    _update(updates, {r.event_number: r for r, _, _ in best.values()})
    return counts


def _latest_per_event(
    records: Iterable[CallRecord], counts: Counts
) -> dict[str, tuple[CallRecord, str, str]]:
    """One version per event number: repeats of the same content are duplicates, older
    versions are stale."""
    best: dict[str, tuple[CallRecord, str, str]] = {}
    for record in records:
        key, digest = record.fingerprint()
        held = best.get(record.event_number)
        if held is None:
            best[record.event_number] = (record, key, digest)
        elif held[2] == digest:
            counts.duplicate += 1
        else:
            counts.stale += 1
            if key > held[1]:
                best[record.event_number] = (record, key, digest)
    return best


def _lookup_size() -> int:
    """Event numbers per IN (...) query: a whole chunk where the database allows it (fewer
    round trips), else its parameter limit (Django assumes 999 for SQLite)."""
    limit = connection.features.max_query_params
    return 5_000 if limit is None else min(5_000, limit - 10)


def _known_rows(agency: Agency, source: str) -> KnownRows:
    """Which of (event number, raw row hash) pairs are stored exactly as read before."""

    def known(pairs: list[tuple[str, str]]) -> set[int]:
        events = [event for event, _ in pairs]
        stored: dict[str, str] = {}
        size = _lookup_size()
        for start in range(0, len(events), size):
            stored.update(
                Call.objects.filter(
                    agency=agency,
                    source=source,
                    event_number__in=events[start : start + size],
                ).values_list("event_number", "raw_hash")
            )
        return {i for i, (event, digest) in enumerate(pairs) if stored.get(event) == digest}

    return known


def _existing(agency: Agency, source: str, events: list[str]) -> dict[str, tuple[int, str, str]]:
    found: dict[str, tuple[int, str, str]] = {}
    size = _lookup_size()
    for start in range(0, len(events), size):
        rows = Call.objects.filter(
            agency=agency, source=source, event_number__in=events[start : start + size]
        ).values_list("event_number", "pk", "version_key", "content_hash")
        found.update({event: (pk, key, digest) for event, pk, key, digest in rows})
    return found


def _new_call(
    agency: Agency, source: str, batch: ImportBatch, record: CallRecord, key: str, digest: str
) -> Call:
    parts, is_block, is_intersection = address.describe(record.address_raw)
    return Call(
        agency=agency,
        source=source,
        event_number=record.event_number,
        batch=batch,
        version_key=key,
        content_hash=digest,
        address_parts=dict(parts),
        is_block=is_block,
        is_intersection=is_intersection,
        **{name: getattr(record, name) for name in CALL_COLUMNS},
    )


def _insert(
    agency: Agency, source: str, batch: ImportBatch, creates: list[tuple[CallRecord, str, str]]
) -> None:
    """New calls in one parameterised INSERT per chunk: building ORM objects and compiling
    the query for each row cost most of an import's time."""
    if not creates:
        return
    adapt = _Adapter(connection)
    now = adapt.time(timezone.now())
    rows = []
    for record, key, digest in creates:
        parts, is_block, is_intersection = address.describe(record.address_raw)
        values = {name: getattr(record, name) for name in CALL_COLUMNS}
        for name in TIME_COLUMNS:
            values[name] = adapt.time(values[name])
        values["flags"], values["raw"] = adapt.json(record.flags), adapt.json(record.raw)
        values.update(
            public_id=adapt.uuid(uuid.uuid4()), agency_id=agency.pk, source=source,
            event_number=record.event_number, batch_id=batch.pk, version_key=key,
            content_hash=digest, address_parts=adapt.json(dict(parts)), is_block=is_block,
            is_intersection=is_intersection, created_at=now, updated_at=now,
        )  # fmt: skip
        rows.append([values[column] for column in INSERT_COLUMNS])
    with connection.cursor() as cursor:
        cursor.executemany(_plain_insert_sql(Call, INSERT_COLUMNS), rows)
    with_children = [r for r, _, _ in creates if r.units or r.persons]
    if with_children:
        ids = _existing(agency, source, [r.event_number for r in with_children])
        _children_of({ids[r.event_number][0]: r for r in with_children})


TIME_COLUMNS = ("received_at", "dispatched_at", "en_route_at", "on_scene_at", "cleared_at")
INSERT_COLUMNS = (
    "public_id", "agency_id", "source", "event_number", *CALL_COLUMNS, "address_parts",
    "is_block", "is_intersection", "batch_id", "version_key", "content_hash", "created_at",
    "updated_at",
)  # fmt: skip


class _Adapter:
    """Database values for one backend, chosen once per chunk rather than per value."""

    def __init__(self, db: Any) -> None:
        self.sqlite = db.vendor == "sqlite"

    def time(self, value: Any) -> Any:
        if value is None or not self.sqlite:
            return value
        return str(value.astimezone(UTC).replace(tzinfo=None))  # as Django stores it

    def json(self, value: Any) -> Any:
        return json.dumps(value) if self.sqlite else Jsonb(value)

    def uuid(self, value: uuid.UUID) -> Any:
        return value.hex if self.sqlite else value


def _update(pairs: list[tuple[int, Call]], records: dict[str, CallRecord]) -> None:
    if not pairs:
        return
    now = timezone.now()
    calls = []
    for pk, call in pairs:
        call.pk, call.updated_at = pk, now
        calls.append(call)
    fields = [*CALL_COLUMNS, "batch", "version_key", "content_hash", "address_parts",
              "is_block", "is_intersection", "updated_at"]  # fmt: skip
    Call.objects.bulk_update(calls, fields, batch_size=500)
    ids = [call.pk for call in calls]
    CallUnit.objects.filter(call_id__in=ids).delete()
    CallPerson.objects.filter(call_id__in=ids).delete()
    _children_of({call.pk: records[call.event_number] for call in calls})


UNIT_COLUMNS = ("unit_id", "unit_type", "status", *TIME_COLUMNS[1:])
PERSON_COLUMNS = ("role", "name", "date_of_birth", "phone")


def _children_of(records_by_call_id: dict[int, CallRecord]) -> None:
    """Units and persons of the given calls, one parameterised INSERT each."""
    adapt = _Adapter(connection)
    units, persons = [], []
    for call_id, record in records_by_call_id.items():
        for unit in record.units:
            values = [getattr(unit, name) for name in UNIT_COLUMNS]
            units.append([call_id, *values[:3], *(adapt.time(v) for v in values[3:])])
        persons += [
            [call_id, *(getattr(person, name) for name in PERSON_COLUMNS)]
            for person in record.persons
        ]
    with connection.cursor() as cursor:
        if units:
            cursor.executemany(_plain_insert_sql(CallUnit, ("call_id", *UNIT_COLUMNS)), units)
        if persons:
            cursor.executemany(_plain_insert_sql(CallPerson, ("call_id", *PERSON_COLUMNS)), persons)


def _plain_insert_sql(model: Any, columns: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
