"""Writing calls: file imports and live feeds, exactly once.

A call is identified by agency + source + event number. Each version of it carries a
version key (when it was written, then its content hash): an import keeps the greatest, so
the final state never depends on the order files or rows arrive in.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import polars as pl
from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from coresponder.accounts.models import Agency
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import Outcome
from coresponder.audit.services import audit_record
from coresponder.calls.engine import address, columnar
from coresponder.calls.engine.profile import Profile
from coresponder.calls.engine.reader import (
    Chunk,
    FileProblem,
    KnownRows,
    ReadNotes,
    read_chunks,
)
from coresponder.calls.engine.records import CallRecord, Reject
from coresponder.calls.models import Call, CallPerson, CallUnit, ImportBatch, SourceRows
from coresponder.calls.signals import calls_chunk_written, calls_written

COUNTS = ("new", "updated", "duplicate", "stale", "rejected")
CALL_COLUMNS = (
    "received_at", "dispatched_at", "en_route_at", "on_scene_at", "cleared_at", "call_source",
    "call_source_raw", "initial_type_code", "initial_type_text", "final_type_code",
    "final_type_text", "priority", "disposition_code", "disposition_text", "address_raw",
    "city", "state", "zip_code", "latitude", "longitude", "beat", "district", "flags",
    "narrative", "raw_hash",
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
    chunk_rows: int = 20_000,
) -> ImportSummary:
    """Import one CAD export. Each chunk commits with the batch's progress, so an import
    killed mid-way leaves whole chunks only, and running it again resumes where it stopped."""
    started = time.perf_counter()
    digest = _sha256(path)
    if dry_run:
        return _dry_run(agency, path, profile, digest, on_reject, on_progress, chunk_rows, started)
    batch = _open_batch(actor, agency, path, profile, digest)
    notes = ReadNotes()
    try:
        _import_chunks(agency, path, profile, batch, notes, (on_reject, on_progress), chunk_rows)
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


def _import_chunks(
    agency: Agency,
    path: Path,
    profile: Profile,
    batch: ImportBatch,
    notes: ReadNotes,
    callbacks: tuple[Callable[[Reject], None] | None, Callable[[int], None] | None],
    chunk_rows: int,
) -> None:
    """Read and write the file chunk by chunk. A function of its own so that what the chunks
    held (and the set of event numbers written) is freed before ``calls_written`` receivers
    (triage of every new call) run in the same process."""
    chunks_done, written = 0, 0
    seen = _seen_if_fresh(agency, profile.source)
    chunks = read_chunks(
        path,
        profile,
        agency_time_zone=agency.time_zone,
        chunk_rows=chunk_rows,
        skip_rows=batch.rows_done,
        notes=notes,
        known=None if seen is not None else _known_rows(agency, profile.source),
        # Reading ahead holds two chunks at once: half-size blocks keep the peak RSS as it was.
        block_bytes=columnar.BLOCK_BYTES // 2 if seen is not None else columnar.BLOCK_BYTES,
    )
    # A first import's reading asks the database nothing: it runs a chunk ahead.
    with _bulk_writing():
        for chunk in _read_ahead(chunks) if seen is not None else chunks:
            with transaction.atomic():
                no_commit_wait()
                counts = _apply_chunk(agency, profile.source, batch, chunk, seen=seen)
                _advance(batch, chunk, counts)
            _report(chunk, *callbacks)
            chunks_done += 1
            written += counts.new + counts.updated
            # A first import looks nothing up: the statistics matter only once it is done.
            if seen is None and chunks_done in _ANALYZE_AFTER and written:
                _refresh_statistics()  # (a re-import changes nothing)
    if seen is not None and written:
        _refresh_statistics()


def no_commit_wait() -> None:
    """PostgreSQL: the current transaction's commit does not wait for its WAL to reach the
    disk (``synchronous_commit`` off for it alone). For the chunks of a file import (and the
    pages of their triage), whose loss in a crash the batch itself repairs: each chunk
    commits with the batch's progress, so a crash can only lose the latest chunks whole, and
    importing the file again resumes after the last one kept. The batch's closing
    transaction waits as usual, which makes every chunk before it durable too (the WAL is
    flushed in order). A no-op on SQLite, whose WAL mode with ``synchronous=NORMAL`` does not
    wait for the disk at a commit anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


# SQLite's page cache while an import writes, in KiB (PRAGMA cache_size takes -KiB): the
# default 2 MB holds few of the pages of a million-row table's indexes.
SQLITE_IMPORT_CACHE_KIB = 64 << 10


@contextmanager
def _bulk_writing() -> Iterator[None]:
    """For the chunks of a file import on SQLite: a bigger page cache for the connection
    (restored afterwards). 800,000 rows into the calls table alone: 3 % less CPU, a fifth less
    wall time."""
    previous = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            previous = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        if previous is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _read_ahead(chunks: Iterator[Chunk]) -> Iterator[Chunk]:
    """The chunks, read in a thread of their own one chunk ahead of the writer: Polars and
    the database then work at the same time (both release the GIL while they work). Only
    for reading that asks the database nothing: Django's connection is the main thread's.
    The reader's errors are raised here, in their place after the chunks before them."""
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for chunk in chunks:
                if not hand(("chunk", chunk)):
                    return
            hand(("end", None))
        except BaseException as error:  # handed over, raised by the writer
            hand(("error", error))
        finally:
            chunks.close()  # type: ignore[attr-defined]

    reader = threading.Thread(target=read, name="calls-import-reader", daemon=True)
    reader.start()
    try:
        while True:
            kind, value = handoff.get()
            if kind == "error":
                raise value
            if kind == "end":
                return
            yield value
    finally:
        stop.set()
        reader.join()


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


# The columns the import's look-ups, triage's pages and the calls list's indexes filter on:
# statistics of the others (the raw row above all, the widest) come with autovacuum.
_ANALYZED = ("agency_id", "source", "event_number", "batch_id", "received_at", "final_type_text")


def _refresh_statistics() -> None:
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        columns = ", ".join(quote(name) for name in _ANALYZED)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {quote(Call._meta.db_table)} ({columns})")


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
    seen = _seen_if_fresh(agency, profile.source)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                agency=agency, source=profile.source, profile=profile.name,
                file_name=path.name[:255], file_sha256=digest,
            )  # fmt: skip
            for chunk in read_chunks(
                path, profile, agency_time_zone=agency.time_zone, chunk_rows=chunk_rows,
                notes=notes,
                known=None if seen is not None else _known_rows(agency, profile.source),
            ):  # fmt: skip
                total.add(
                    _apply_chunk(agency, profile.source, batch, chunk, seen=seen, announce=False)
                )
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
        for position, record in enumerate(records, 1):
            record.line = record.line or position  # (where its source row is kept)
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


def _seen_if_fresh(agency: Agency, source: str) -> set[str] | None:
    """For an import into a source with no calls yet: an empty set, to hold the event numbers
    it writes. Its only possible duplicates are then its own rows, and asking the database
    about every row (the costliest part of a first import) is skipped. None otherwise."""
    if Call.objects.filter(agency=agency, source=source).exists():
        return None
    return set()


def _apply_chunk(
    agency: Agency,
    source: str,
    batch: ImportBatch,
    chunk: Chunk,
    seen: set[str] | None = None,
    *,
    announce: bool = True,
) -> Counts:
    """Write one chunk: new calls inserted, newer versions updated, the rest counted. With
    ``seen`` (a first import), only event numbers in it are looked up. With ``announce`` (a
    file import, not its dry run), the new calls read column-wise are announced with
    ``calls_chunk_written`` in the chunk's transaction."""
    counts = Counts(
        rows_in=chunk.rows,
        rejected=len(chunk.rejects),
        duplicate=chunk.folded + chunk.unchanged,
    )
    records, table = list(chunk.records), chunk.table
    if table is not None and len(table):
        table, clashing = _split_clashes(agency, source, table, records, seen)
        records += clashing
    best = _latest_per_event(records, counts)
    looked_up = list(best) if seen is None else [e for e in best if e in seen]
    existing = _existing(agency, source, looked_up)
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
    kept = [(record.line, record.raw) for record, _, _ in creates]
    kept += [(call.source_line, best[call.event_number][0].raw) for _, call in updates]
    _keep_source_rows(batch, kept, table)
    if table is not None and len(table):
        counts.new += len(table)
        written = _insert_table(agency, source, batch, table)
        if announce:
            calls_chunk_written.send(sender=ImportBatch, agency=agency, batch=batch, calls=written)
    if seen is not None:
        seen.update(record.event_number for record, _, _ in creates)
        if table is not None:
            seen.update(table.calls.get_column("event_number").to_list())
    return counts


def _keep_source_rows(
    batch: ImportBatch, kept: list[tuple[int, dict[str, str]]], table: columnar.Table | None
) -> None:
    """The source rows of the calls the chunk writes, once for the chunk (``SourceRows``),
    each found again by its batch and line: those written row by row (``kept``) and those
    read column-wise (``table``, whose rows are JSON text already)."""
    schema = {"line": pl.Int64, "raw": pl.String}
    frames = [pl.DataFrame([(line, json.dumps(raw)) for line, raw in kept], schema, orient="row")]
    if table is not None and len(table):
        frames.append(table.calls.select(pl.col("line").cast(pl.Int64), "raw"))
    rows = pl.concat(frames)
    if rows.is_empty():
        return
    SourceRows.objects.create(
        batch=batch,
        first_line=cast(int, rows["line"].min()),
        last_line=cast(int, rows["line"].max()),
        rows=SourceRows.pack(rows),
    )


def _split_clashes(
    agency: Agency,
    source: str,
    table: columnar.Table,
    records: list[CallRecord],
    seen: set[str] | None,
) -> tuple[columnar.Table, list[CallRecord]]:
    """(the calls read column-wise that are certainly new, the others as records). A call
    whose event number is stored, or read twice, is compared version by version, one at a
    time; the rest (all of a first import) go straight into the table in bulk."""
    events = table.calls.get_column("event_number")
    clash = events.is_duplicated() | events.is_in([r.event_number for r in records])
    names = events.to_list()
    if seen is None:
        stored = _existing(agency, source, names)
        clash = clash | pl.Series([name in stored for name in names], dtype=pl.Boolean)
    else:
        clash = clash | pl.Series([name in seen for name in names], dtype=pl.Boolean)
    if not clash.any():
        return table, []
    rows = table.calls.get_column("row").filter(clash)
    return table.drop(rows), columnar.to_records(table.take(rows))


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


def _known_rows(agency: Agency, source: str) -> KnownRows:
    """Which of (event number, raw row hash) pairs are stored exactly as read before."""

    def known(pairs: list[tuple[str, str]]) -> set[int]:
        rows = _stored(agency, source, [event for event, _ in pairs], ("raw_hash",))
        stored = {event: digest for event, digest in rows}
        return {i for i, (event, digest) in enumerate(pairs) if stored.get(event) == digest}

    return known


def _existing(agency: Agency, source: str, events: list[str]) -> dict[str, tuple[int, str, str]]:
    rows = _stored(agency, source, events, ("id", "version_key", "content_hash"))
    return {event: (pk, key, digest) for event, pk, key, digest in rows}


def _stored(
    agency: Agency, source: str, events: list[str], columns: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    """(event number, *columns) of the stored calls among ``events``: one query, whatever
    their number (the list goes as one parameter: an array on PostgreSQL, a JSON array on
    SQLite), rather than one ORM query per thousand."""
    if not events:
        return []
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in ("event_number", *columns))
    table = quote(Call._meta.db_table)
    value: list[str] | str
    if connection.vendor == "postgresql":
        among, value = "event_number = ANY(%s)", list(events)
    else:
        among, value = "event_number IN (SELECT value FROM json_each(%s))", json.dumps(events)
    sql = f"SELECT {names} FROM {table} WHERE agency_id = %s AND source = %s AND {among}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency.pk, source, value])
        return cursor.fetchall()


def _new_call(
    agency: Agency, source: str, batch: ImportBatch, record: CallRecord, key: str, digest: str
) -> Call:
    parts, is_block, is_intersection = address.describe(record.address_raw)
    is_block = record.is_block or is_block
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
        source_line=record.line,
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
        is_block = record.is_block or is_block
        values = {name: getattr(record, name) for name in CALL_COLUMNS}
        for name in TIME_COLUMNS:
            values[name] = adapt.time(values[name])
        values["flags"], values["source_line"] = adapt.json(record.flags), record.line
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
    "public_id", "agency_id", "source", "event_number", *CALL_COLUMNS, "source_line",
    "address_parts", "is_block", "is_intersection", "batch_id", "version_key", "content_hash",
    "created_at", "updated_at",
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
    fields = [*CALL_COLUMNS, "source_line", "batch", "version_key", "content_hash",
              "address_parts", "is_block", "is_intersection", "updated_at"]  # fmt: skip
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


# --------------------------------------------------------------------------------------------
# Calls read column-wise: written in bulk, with ids given out here so that their units and
# persons need no second look-up.


def _insert_table(
    agency: Agency, source: str, batch: ImportBatch, table: columnar.Table
) -> pl.DataFrame:
    """Write the chunk's new calls read column-wise; returns them as written (with ``id``)."""
    ids = _new_ids(len(table))
    calls = table.calls.with_columns(pl.Series("id", ids, dtype=pl.Int64))
    calls = calls.join(_addresses(calls), on="address_raw", how="left")
    now = timezone.now()
    calls = calls.with_columns(
        _public_ids(len(table)),
        pl.lit(agency.pk, dtype=pl.Int64).alias("agency_id"),
        pl.lit(source).alias("source"),
        pl.lit(batch.pk, dtype=pl.Int64).alias("batch_id"),
        pl.lit(now).dt.convert_time_zone("UTC").alias("created_at"),
        pl.lit(now).dt.convert_time_zone("UTC").alias("updated_at"),
        (pl.col("is_block_hint").fill_null(False) | pl.col("is_block")).alias("is_block"),
        pl.col("line").alias("source_line"),
    ).select("id", *INSERT_COLUMNS)
    by_row = table.calls.select("row").with_columns(pl.Series("call_id", ids, dtype=pl.Int64))
    units = table.units.join(by_row, on="row").select("call_id", *UNIT_COLUMNS)
    persons = table.persons.join(by_row, on="row").select("call_id", *PERSON_COLUMNS)
    write_frame(Call, calls)
    if units.height:
        write_frame(CallUnit, units)
    if persons.height:
        write_frame(CallPerson, persons)
    return calls


def _new_ids(count: int) -> list[int]:
    """Primary keys for ``count`` new calls. PostgreSQL: from the table's own sequence.
    SQLite: after the highest ever given (AUTOINCREMENT), safe as the import holds the write
    lock for the whole transaction."""
    table = connection.ops.quote_name(Call._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The values drawn are distinct, so they are a range when the lowest and highest
            # are count - 1 apart (unless another writer drew at the same moment): then two
            # numbers cross the wire instead of every id. Otherwise they are drawn again one
            # by one (a sequence may have gaps).
            sequence: list[Any] = [Call._meta.db_table, count]
            draw = (
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id FROM generate_series(1, %s)"
            )
            cursor.execute(f"WITH drawn AS ({draw}) SELECT min(id), max(id) FROM drawn", sequence)  # noqa: S608
            low, high = cursor.fetchone()
            if high - low + 1 == count:
                return list(range(low, high + 1))
            cursor.execute(draw, sequence)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [Call._meta.db_table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
    return list(range(start, start + count))


@lru_cache(maxsize=200_000)
def _described(text: str) -> tuple[str, bool, bool]:
    """An address's parts as JSON text, and its block and intersection flags: each distinct
    address of a city comes back in nearly every chunk."""
    parts, is_block, is_intersection = address.describe(text)
    return json.dumps(dict(parts)), is_block, is_intersection


def _addresses(calls: pl.DataFrame) -> pl.DataFrame:
    """Parsed parts and block and intersection flags of each distinct address (cached)."""
    distinct = calls.get_column("address_raw").unique().to_list()
    described = [_described(text) for text in distinct]
    return pl.DataFrame(
        {
            "address_raw": distinct,
            "address_parts": [parts for parts, _, _ in described],
            "is_block": [block for _, block, _ in described],
            "is_intersection": [crossing for _, _, crossing in described],
        },
        schema={"address_raw": pl.String, "address_parts": pl.String,
                "is_block": pl.Boolean, "is_intersection": pl.Boolean},
    )  # fmt: skip


def _public_ids(count: int) -> pl.Expr:
    """Version 7 UUIDs (RFC 9562) as 32 hex digits, made a block at a time: the time in
    milliseconds, then 74 random bits. Each chunk's ids then land at the end of the unique
    index; random (version 4) ones land anywhere in it, and on a big table nearly every
    insert reads and rewrites an index page the cache does not hold."""
    milliseconds = f"{time.time_ns() // 1_000_000:012x}"
    digits = os.urandom(16 * count).hex()
    series = pl.Series([digits[i : i + 32] for i in range(0, 32 * count, 32)], dtype=pl.String)
    variant = {f"{n:x}": "89ab"[n & 3] for n in range(16)}
    return pl.concat_str(
        pl.lit(milliseconds),
        pl.lit("7"),
        pl.lit(series.str.slice(13, 3)),
        pl.lit(series.str.slice(16, 1)).replace_strict(variant, return_dtype=pl.String),
        pl.lit(series.str.slice(17, 15)),
    ).alias("public_id")


def write_frame(model: Any, frame: pl.DataFrame) -> None:
    """Insert the frame's rows into the model's table (its columns named as the table's):
    ``COPY`` on PostgreSQL, one ``executemany`` on SQLite. Times as UTC datetimes."""
    if connection.vendor == "postgresql":
        _copy_frame(model, frame)
    else:
        _executemany_frame(model, frame)


def _executemany_frame(model: Any, frame: pl.DataFrame) -> None:
    """SQLite: times as Django stores them (text, microseconds only when there are some)."""
    times = [n for n, t in frame.schema.items() if isinstance(t, pl.Datetime)]
    frame = frame.with_columns(
        [
            pl.when(pl.col(n).dt.microsecond() == 0)
            .then(pl.col(n).dt.strftime("%Y-%m-%d %H:%M:%S"))
            .otherwise(pl.col(n).dt.strftime("%Y-%m-%d %H:%M:%S%.6f"))
            .alias(n)
            for n in times
        ]
    )
    with connection.cursor() as cursor:
        cursor.executemany(_plain_insert_sql(model, tuple(frame.columns)), frame.rows())


def _copy_frame(model: Any, frame: pl.DataFrame) -> None:
    """PostgreSQL: COPY of the frame written as CSV (an empty quoted text is '', an unquoted
    empty field NULL)."""
    buffer = io.BytesIO()
    frame.write_csv(
        buffer, include_header=False, null_value="", quote_style="non_numeric",
        datetime_format="%Y-%m-%d %H:%M:%S%.6f+00",
    )  # fmt: skip
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in frame.columns)
    sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN (FORMAT csv)"
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(sql) as copy:
            copy.write(buffer.getbuffer())
