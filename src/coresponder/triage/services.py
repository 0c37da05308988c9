"""Writing triage: decisions on calls, dispatchers' answers, and the call-type crosswalk.

Decisions are computed by the engine (``triage/engine``) and stored one per call; a call
whose content changes (a later version from the CAD) is decided again. New call types go to
the review queue; a confirmed answer becomes an override, and the calls of that type are
decided again with it.
"""

from __future__ import annotations

import io
import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from coresponder.accounts.models import Agency
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.calls.models import Call, ImportBatch
from coresponder.calls.services import write_frame
from coresponder.triage.engine import bulk
from coresponder.triage.engine.classifier import normalise_call_type
from coresponder.triage.engine.policy import POLICE_ON_SCENE, PROGRAM_MODES, Policy, load_policy
from coresponder.triage.engine.taxonomy import CATEGORIES
from coresponder.triage.engine.triager import CallFacts, Triaged, Triager, hidden_reason
from coresponder.triage.models import (
    CallTypeOverride,
    CallTypeReview,
    DispatcherAnswer,
    TriageDecision,
)

BATCH_SIZE = 2_000
# A program call still open after this long is taken as finished when counting capacity.
_OPEN_CALL_HORIZON = timedelta(hours=4)
FACT_COLUMNS = (
    "pk", "received_at", "content_hash", "initial_type_code", "initial_type_text",
    "final_type_code", "final_type_text", "disposition_text", "priority", "flags", "narrative",
    "beat", "district",
)  # fmt: skip
DECISION_FIELDS = (
    "received_at", "call_type_key", "category", "vera_category", "behavioural_health",
    "hidden_behavioural_health", "mode", "eligible", "confidence", "rule", "reasons", "flags",
    "policy_version", "call_content_hash", "decided_at",
)  # fmt: skip


class TriageError(ValueError):
    """A request the triage services refuse, with a message for the person who made it."""


# ---- The policy and the triager ------------------------------------------------------------


def current_policy() -> Policy:
    """The policy in force: COREPONDER_TRIAGE_POLICY or the shipped default. Re-read when the
    file changes, so an edited policy takes effect without a restart."""
    path = settings.TRIAGE_POLICY or None
    stamp = os.stat(path).st_mtime_ns if path and Path(path).exists() else 0
    return _policy(path, stamp)


@lru_cache(maxsize=4)
def _policy(path: str | None, stamp: int) -> Policy:
    return load_policy(path)


def overrides_of(agency: Agency) -> dict[str, str]:
    return dict(CallTypeOverride.objects.filter(agency=agency).values_list("key", "category"))


def triager_for(agency: Agency) -> Triager:
    """The agency's triager. Kept while its policy and overrides stay the same, so that the
    classifier's cache of call types survives from one request to the next."""
    overrides = overrides_of(agency)
    return _triager(current_policy(), tuple(sorted(overrides.items())))


@lru_cache(maxsize=32)
def _triager(policy: Policy, overrides: tuple[tuple[str, str], ...]) -> Triager:
    return Triager(policy, dict(overrides))


def facts_of(row: dict[str, Any], zone: ZoneInfo, capacity: bool | None = None) -> CallFacts:
    """A stored call (as a values() row) in the engine's shape."""
    return CallFacts(
        initial_type_code=row["initial_type_code"],
        initial_type_text=row["initial_type_text"],
        final_type_code=row["final_type_code"],
        final_type_text=row["final_type_text"],
        disposition_text=row["disposition_text"],
        priority=row["priority"],
        flags=row["flags"] or {},
        narrative=row["narrative"],
        local_time=row["received_at"].astimezone(zone),
        area=row["district"] or row["beat"],
        capacity_available=capacity,
    )


def call_fact_batches(calls: QuerySet[Call], size: int) -> Iterator[list[dict[str, Any]]]:
    """The calls' facts (``FACT_COLUMNS``) in batches by primary key: each batch is one
    indexed query however many calls there are, and the rows of earlier batches may change
    meanwhile (their decisions are being written)."""
    last_pk = 0
    while True:
        rows = list(calls.filter(pk__gt=last_pk).order_by("pk").values(*FACT_COLUMNS)[:size])
        if not rows:
            return
        last_pk = rows[-1]["pk"]
        yield rows


def program_capacity_available(agency: Agency, policy: Policy) -> bool | None:
    """Whether a program team is free now: fewer open program calls than teams on duty.
    None when the policy does not track capacity."""
    if not policy.program.units:
        return None
    since = timezone.now() - _OPEN_CALL_HORIZON
    busy = TriageDecision.objects.filter(
        agency=agency,
        mode__in=PROGRAM_MODES,
        received_at__gte=since,
        call__cleared_at__isnull=True,
    ).count()
    return busy < policy.program.units


# ---- Deciding on stored calls --------------------------------------------------------------


@dataclass
class TriageRun:
    decided: int = 0
    modes: Counter[str] = field(default_factory=Counter)
    new_types: int = 0


def calls_triage_batch(*, agency: Agency, batch: ImportBatch) -> TriageRun:
    """Decide on the calls a batch wrote. A live batch (from the API) also weighs the
    program's capacity now; a file of past calls does not know it, and is decided column-wise
    (``_triage_in_bulk``): a file brings up to millions of calls at once."""
    if batch.profile == "api":
        calls = Call.objects.filter(agency=agency, batch=batch)
        return _triage(agency, calls, live=True, actor=None, batch=batch)
    return _triage_in_bulk(agency, batch)


def calls_triage_pending(*, agency: Agency, actor: Any | None = None) -> TriageRun:
    """Decide on every call of the agency with no decision, or one about an older version."""
    calls = Call.objects.filter(agency=agency).filter(
        Q(triage__isnull=True) | ~Q(triage__call_content_hash=F("content_hash"))
    )
    return _triage(agency, calls, live=False, actor=actor, batch=None)


def _triage(
    agency: Agency,
    calls: QuerySet[Call],
    *,
    live: bool,
    actor: Any | None,
    batch: ImportBatch | None,
) -> TriageRun:
    triager = triager_for(agency)
    zone = ZoneInfo(agency.time_zone)
    capacity = program_capacity_available(agency, triager.policy) if live else None
    run, seen_types = TriageRun(), _TypeTally()
    for rows in call_fact_batches(calls, BATCH_SIZE):
        decided = triager.triage_many(facts_of(row, zone, capacity) for row in rows)
        results = list(zip(rows, decided, strict=True))
        with transaction.atomic():
            first_time = _store(agency, triager.policy.label, results)
        for row, triaged in results:
            run.modes[triaged.decision.mode] += 1
            if row["pk"] in first_time:  # a call decided again is not seen again
                seen_types.add(triaged)
        run.decided += len(rows)
    _close_run(agency, run, seen_types, actor=actor, batch=batch)
    return run


def _close_run(
    agency: Agency,
    run: TriageRun,
    seen_types: _TypeTally,
    *,
    actor: Any | None,
    batch: ImportBatch | None,
) -> None:
    """The review queue's new call types and the run's audit event."""
    if run.decided:
        with transaction.atomic():
            run.new_types += _queue_new_types(agency, seen_types)
            audit_record(
                actor=actor,
                action=AuditAction.TRIAGE_DECIDED,
                object_type="import_batch" if batch else "agency",
                object_id=batch.public_id if batch else agency.public_id,
                data={
                    "decided": run.decided,
                    "new_types": run.new_types,
                    **{f"mode_{mode}": count for mode, count in run.modes.items()},
                },
                agency_id=agency.pk,
            )


# ---- Deciding on a file's calls column-wise ------------------------------------------------

# A file import's calls are read back a page at a time: one query and one column-wise
# decision a page, with memory bounded whatever the file's size.
BULK_PAGE = 100_000
_PAGE_TEXT = (
    "initial_type_code", "initial_type_text", "final_type_code", "final_type_text",
    "disposition_text", "priority", "narrative", "beat", "district",
)  # fmt: skip
_PAGE_SCHEMA = {
    "pk": pl.Int64, "received_at": pl.String, **{name: pl.String for name in _PAGE_TEXT},
    "flags": pl.String,
}  # fmt: skip
# Scratch tables of one page: each call's answer, and each answer's decision values.
_ANSWERS, _OUTCOMES = "triage_bulk_answers", "triage_bulk_outcomes"
_OUTCOME_COLUMNS = DECISION_FIELDS[1:13]  # call_type_key ... policy_version


@dataclass
class _ChunkRun:
    """What the chunks of a file import running in this process decided so far: added to the
    run that closes the batch (its audit event). ``memo`` holds the situations decided by
    ``triager``, so that each is decided once for the whole file, not once per chunk."""

    triager: Triager
    run: TriageRun = field(default_factory=TriageRun)
    memo: dict[Any, Any] = field(default_factory=dict)


_CHUNK_RUNS: dict[int, _ChunkRun] = {}


def calls_triage_chunk(*, agency: Agency, batch: ImportBatch, calls: pl.DataFrame) -> None:
    """Decide on the new calls of one chunk of a file import as they are written, inside the
    chunk's transaction (``calls_chunk_written``), from the import's own frame: no call is
    read back. They are new, so their decisions are inserted; the call types no override
    answers go to the review queue in the same transaction. A chunk and its decisions thus
    commit, or are lost, together, and resuming a killed import has nothing more to decide
    for the chunks it kept.

    PostgreSQL only. There, reading the calls back (COPY out) and the server's INSERT ...
    SELECT cost more: 100,000 calls took 18.8 s of client CPU and 45.8 s end to end decided
    after the import, 15.4 s and 36.8 s decided chunk by chunk. On SQLite, where reading
    back is cheap, chunk by chunk used more CPU in every paired run (100,000 calls: 22.1-24.1 s
    against 26.3-36.3 s), so its calls are decided after the import (``_triage_in_bulk``), as
    before (docs/performance.md, round four)."""
    if calls.is_empty() or connection.vendor != "postgresql":
        return
    triager = triager_for(agency)
    held = _CHUNK_RUNS.get(batch.pk)
    if held is None or held.triager is not triager:  # (a new policy or override meanwhile)
        held = _CHUNK_RUNS[batch.pk] = _ChunkRun(triager, run=held.run if held else TriageRun())
    page = _with_flag_columns(
        calls.select(
            pl.col("id").alias("pk"),
            pl.col("received_at").dt.strftime("%Y-%m-%dT%H:%M:%S%.6f+00:00"),
            *(pl.col(name).fill_null("") for name in _PAGE_TEXT),
            pl.col("flags").fill_null("{}"),
        )
    )
    answers, triaged = bulk.decide_calls(page, triager, agency.time_zone, held.memo)
    answers = answers.cast(pl.Int64)
    now = timezone.now()
    # COPY of every decision row: the server parses them in C.
    decisions = (
        pl.DataFrame({"call_id": calls["id"], "answer": answers})
        .join(_outcome_frame(triaged), on="answer", how="left", maintain_order="left")
        .with_columns(
            pl.lit(agency.pk, dtype=pl.Int64).alias("agency_id"),
            calls["received_at"].alias("received_at"),
            calls["content_hash"].alias("call_content_hash"),
            pl.lit(now).dt.convert_time_zone("UTC").alias("decided_at"),
        )
        .select("agency_id", "call_id", *DECISION_FIELDS)
    )
    write_frame(TriageDecision, decisions)
    run, tally = held.run, _TypeTally()
    for answer, count in answers.value_counts().iter_rows():
        run.modes[triaged[answer].decision.mode] += count
        tally.add(triaged[answer], count)
    run.decided += calls.height
    run.new_types += _queue_new_types(agency, tally)


def _triage_in_bulk(agency: Agency, batch: ImportBatch) -> TriageRun:
    """Decide on the calls a file import wrote that its chunks did not decide as they were
    written (``calls_triage_chunk``): the ones written row by row (later versions, repeats
    within the file), and those of a resumed import's earlier runs that were not decided.
    Each distinct situation once (``bulk.decide_calls``: the same decisions as
    ``Triager.triage`` call by call). The database puts the decision rows together itself
    from the call and its answer's values (INSERT ... SELECT), so no decision row passes
    through Python. When the chunks decided every call the batch wrote, nothing is read."""
    triager = triager_for(agency)
    held = _CHUNK_RUNS.pop(batch.pk, None)
    run, seen_types = held.run if held else TriageRun(), _TypeTally()
    last_pk = 0
    pending = batch.new + batch.updated > run.decided
    while pending and (page := _call_page(batch, last_pk)) is not None:
        answers, triaged = bulk.decide_calls(page, triager, agency.time_zone)
        with transaction.atomic():
            _no_commit_wait()
            first_time = _store_in_bulk(agency, batch, page, (answers, triaged), last_pk)
        for answer, calls in answers.value_counts().iter_rows():
            run.modes[triaged[answer].decision.mode] += calls
        for answer, calls in answers.filter(first_time).value_counts().iter_rows():
            seen_types.add(triaged[answer], calls)  # a call decided again is not seen again
        run.decided += page.height
        last_pk = page["pk"][-1]
    _close_run(agency, run, seen_types, actor=None, batch=batch)
    return run


def _no_commit_wait() -> None:
    """PostgreSQL: this page's commit does not wait for its WAL to reach the disk. A crash
    can then lose only the latest pages' decisions, whole, and ``calls_triage_pending``
    decides those calls again; the run's closing transaction (its audit event) waits as
    usual, which makes every page before it durable too."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _call_page(batch: ImportBatch, after_pk: int) -> pl.DataFrame | None:
    """The next page of the batch's calls with no decision on their current content, by
    primary key, as the columns triage reads: the received time as ISO text with its offset,
    flags as text."""
    quote = connection.ops.quote_name
    table = quote(Call._meta.db_table)
    decisions = quote(TriageDecision._meta.db_table)
    text = ", ".join(quote(name) for name in _PAGE_TEXT)
    decided = (
        f"SELECT 1 FROM {decisions} d WHERE d.call_id = {table}.id "  # noqa: S608
        f"AND d.call_content_hash = {table}.content_hash"
    )
    where = (
        f"batch_id = {int(batch.pk)} AND id > {int(after_pk)} AND NOT EXISTS ({decided}) "
        f"ORDER BY id LIMIT {BULK_PAGE}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            iso = "to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
            sql = f"SELECT id, {iso} || '+00:00', {text}, flags::text FROM {table} WHERE {where}"  # noqa: S608
            frame = _copied_out(cursor, sql)
        else:
            # An expression, not the column itself: Django's converter would parse every
            # stamp into a datetime.
            sql = f"SELECT id, received_at || '+00:00', {text}, flags FROM {table} WHERE {where}"  # noqa: S608
            cursor.execute(sql)
            # A slice of rows at a time: a whole page as Python tuples would cost more memory
            # than the rest of the import.
            frame = pl.concat(
                [pl.DataFrame(schema=_PAGE_SCHEMA)]
                + [
                    pl.DataFrame(rows, schema=_PAGE_SCHEMA, orient="row")
                    for rows in iter(lambda: cursor.fetchmany(20_000), [])
                ]
            )
    if frame.is_empty():
        return None
    return _with_flag_columns(frame.with_columns(pl.col(_PAGE_TEXT).fill_null("")))


def _with_flag_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Each flag as "1" or "0" (as the bulk engine reads flags), decoded once per distinct
    flags object of the page (there are a few dozen)."""
    decoded = {text: json.loads(text or "{}") or {} for text in frame["flags"].unique().to_list()}
    return frame.with_columns(
        pl.col("flags")
        .replace_strict(
            {text: "1" if values.get(flag) else "0" for text, values in decoded.items()},
            return_dtype=pl.String,
        )
        .alias(flag)
        for flag in bulk.FLAG_FIELDS
    ).drop("flags")


def _copied_out(cursor: Any, sql: str) -> pl.DataFrame:
    """PostgreSQL: the query's rows through COPY as CSV, read by Polars (an unquoted empty
    field is NULL)."""
    buffer = io.BytesIO()
    with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
        for block in copy:
            buffer.write(block)
    if not buffer.getbuffer().nbytes:
        return pl.DataFrame(schema=_PAGE_SCHEMA)
    return pl.read_csv(buffer.getvalue(), has_header=False, schema=_PAGE_SCHEMA)


def _store_in_bulk(
    agency: Agency,
    batch: ImportBatch,
    page: pl.DataFrame,
    decided: tuple[pl.Series, list[Triaged]],
    after_pk: int,
) -> pl.Series:
    """Write a page's decisions: those of calls decided before (an updated call) updated in
    place, the others inserted. Returns, per row, whether the call was decided for the first
    time."""
    answers, triaged = decided
    existing = set(
        TriageDecision.objects.filter(
            call__batch=batch, call_id__gt=after_pk, call_id__lte=page["pk"][-1]
        ).values_list("call_id", flat=True)
    )
    pairs = pl.DataFrame({"call_id": page["pk"], "answer": answers.cast(pl.Int64)})
    with connection.cursor() as cursor:
        _scratch_tables(cursor, pairs, _outcome_frame(triaged))
        now = _stamp(timezone.now())
        if existing:
            cursor.execute(_update_sql(), [now])
        cursor.execute(_insert_sql(skip_decided=bool(existing)), [agency.pk, now])
        for name in (_ANSWERS, _OUTCOMES):
            cursor.execute(f"DROP TABLE {name}")
    return ~page["pk"].is_in(list(existing))


def _scratch_tables(cursor: Any, pairs: pl.DataFrame, outcomes: pl.DataFrame) -> None:
    """Temporary tables of the page's answers per call and values per answer."""
    postgres = connection.vendor == "postgresql"
    json_type, real = ("jsonb", "double precision") if postgres else ("text", "real")
    types = {name: "text" for name in _OUTCOME_COLUMNS} | {
        "behavioural_health": "boolean", "hidden_behavioural_health": "boolean",
        "eligible": "boolean", "confidence": real, "reasons": json_type, "flags": json_type,
    }  # fmt: skip
    columns = ", ".join(f"{name} {types[name]}" for name in _OUTCOME_COLUMNS)
    for name in (_ANSWERS, _OUTCOMES):
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {_ANSWERS} (call_id bigint PRIMARY KEY, answer bigint)")
    cursor.execute(f"CREATE TEMPORARY TABLE {_OUTCOMES} (answer bigint PRIMARY KEY, {columns})")
    for name, frame in ((_ANSWERS, pairs), (_OUTCOMES, outcomes)):
        if postgres:
            # COPY of the frame as CSV: an empty quoted text is '', an unquoted field NULL.
            buffer = io.BytesIO()
            frame.write_csv(buffer, include_header=False, null_value="", quote_style="non_numeric")
            with cursor.cursor.copy(f"COPY {name} FROM STDIN (FORMAT csv)") as copy:
                copy.write(buffer.getbuffer())
        else:
            marks = ", ".join(["%s"] * frame.width)
            cursor.executemany(f"INSERT INTO {name} VALUES ({marks})", frame.rows())  # noqa: S608


def _insert_sql(*, skip_decided: bool) -> str:
    quote = connection.ops.quote_name
    table = quote(TriageDecision._meta.db_table)
    calls = quote(Call._meta.db_table)
    names = ", ".join(quote(name) for name in ("agency_id", "call_id", *DECISION_FIELDS))
    values = ", ".join(f"o.{name}" for name in _OUTCOME_COLUMNS)
    skip = (
        f" WHERE NOT EXISTS (SELECT 1 FROM {table} d WHERE d.call_id = a.call_id)"  # noqa: S608
        if skip_decided
        else ""
    )
    return (
        f"INSERT INTO {table} ({names}) SELECT %s, a.call_id, c.received_at, {values}, "  # noqa: S608
        f"c.content_hash, %s FROM {_ANSWERS} a JOIN {calls} c ON c.id = a.call_id "
        f"JOIN {_OUTCOMES} o ON o.answer = a.answer{skip}"
    )


def _update_sql() -> str:
    quote = connection.ops.quote_name
    table = quote(TriageDecision._meta.db_table)
    calls = quote(Call._meta.db_table)
    sets = ", ".join(f"{quote(name)} = o.{name}" for name in _OUTCOME_COLUMNS)
    return (
        f"UPDATE {table} SET received_at = c.received_at, {sets}, "  # noqa: S608
        f"call_content_hash = c.content_hash, decided_at = %s FROM {_ANSWERS} a "
        f"JOIN {calls} c ON c.id = a.call_id JOIN {_OUTCOMES} o ON o.answer = a.answer "
        f"WHERE {table}.call_id = a.call_id"
    )


def _outcome_frame(triaged: list[Triaged]) -> pl.DataFrame:
    """One row of decision values per distinct answer (``answer``: its position). Answers
    share their decisions, whose reasons are encoded once."""
    encoded: dict[tuple[int, tuple[str, ...]], tuple[str, str]] = {}
    rows = []
    for answer, result in enumerate(triaged):
        decision = result.decision
        key = (id(decision), result.hidden_behavioural_health)
        if key not in encoded:
            reasons = [reason.as_dict() for reason in decision.reasons]
            if result.hidden_behavioural_health:
                reasons.append(hidden_reason(result.hidden_behavioural_health))
            encoded[key] = (
                json.dumps(reasons, cls=DjangoJSONEncoder),
                json.dumps(sorted(decision.flags), cls=DjangoJSONEncoder),
            )
        rows.append(
            (
                answer, result.call_type_key[:255], decision.category, decision.vera_category,
                decision.behavioural_health, bool(result.hidden_behavioural_health),
                decision.mode, decision.eligible, decision.confidence, decision.rule,
                *encoded[key], decision.policy_version,
            )
        )  # fmt: skip
    schema = {"answer": pl.Int64} | {
        name: _OUTCOME_TYPES.get(name, pl.String) for name in _OUTCOME_COLUMNS
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


_OUTCOME_TYPES = {
    "behavioural_health": pl.Boolean, "hidden_behavioural_health": pl.Boolean,
    "eligible": pl.Boolean, "confidence": pl.Float64,
}  # fmt: skip


def _stamp(moment: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(moment)


def _store(
    agency: Agency, policy_label: str, results: list[tuple[dict[str, Any], Triaged]]
) -> set[int]:
    """Write a batch's decisions: new ones inserted, those of changed calls updated in place
    (dispatchers' answers keep pointing at them). Returns the calls decided for the first
    time."""
    existing = dict(
        TriageDecision.objects.filter(call_id__in=[row["pk"] for row, _ in results]).values_list(
            "call_id", "pk"
        )
    )
    values = _DecisionValues(agency.pk)
    creates = [values.of(row, t) for row, t in results if row["pk"] not in existing]
    updates = [
        (*values.of(row, t)[2:], existing[row["pk"]]) for row, t in results if row["pk"] in existing
    ]
    quote = connection.ops.quote_name
    table = quote(TriageDecision._meta.db_table)
    # Raw statements sent together: bulk_create and bulk_update spend seconds building SQL for
    # thousands of rows. Only the model's own names are spliced in; values are parameters.
    with connection.cursor() as cursor:
        if creates:
            columns = ", ".join(quote(c) for c in ("agency_id", "call_id", *_COLUMNS))
            marks = ", ".join(["%s"] * (len(_COLUMNS) + 2))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", creates)  # noqa: S608
        if updates:
            sets = ", ".join(f"{quote(c)} = %s" for c in _COLUMNS)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", updates)  # noqa: S608
    return {row["pk"] for row, _ in results} - set(existing)


# The decision's own columns, in the order _DecisionValues gives them (after agency and call).
_COLUMNS = DECISION_FIELDS


class _DecisionValues:
    """Database-ready values of decision rows. Calls decided alike share one Triaged, so its
    JSON is encoded once."""

    def __init__(self, agency_id: int) -> None:
        self.agency_id = agency_id
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.encoded: dict[int, tuple[Any, Any]] = {}

    def of(self, row: dict[str, Any], triaged: Triaged) -> tuple[Any, ...]:
        decision = triaged.decision
        reasons, flags = self._json(triaged)
        return (
            self.agency_id, row["pk"],
            connection.ops.adapt_datetimefield_value(row["received_at"]),
            triaged.call_type_key[:255], decision.category, decision.vera_category,
            decision.behavioural_health, bool(triaged.hidden_behavioural_health), decision.mode,
            decision.eligible, decision.confidence, decision.rule, reasons, flags,
            decision.policy_version, row["content_hash"], self.now,
        )  # fmt: skip

    def _json(self, triaged: Triaged) -> tuple[Any, Any]:
        found = self.encoded.get(id(triaged))
        if found is None:
            reasons = [reason.as_dict() for reason in triaged.decision.reasons]
            if triaged.hidden_behavioural_health:
                reasons.append(hidden_reason(triaged.hidden_behavioural_health))
            adapt = connection.ops.adapt_json_value
            found = (
                adapt(reasons, DjangoJSONEncoder),
                adapt(sorted(triaged.decision.flags), DjangoJSONEncoder),
            )
            self.encoded[id(triaged)] = found
        return found


class _TypeTally:
    """Call types seen in a run that no override answered, with their calls counted."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.first: dict[str, Triaged] = {}

    def add(self, triaged: Triaged, calls: int = 1) -> None:
        if triaged.classification.method == "override":
            return
        key = triaged.call_type_key
        self.counts[key] += calls
        self.first.setdefault(key, triaged)


def _queue_new_types(agency: Agency, tally: _TypeTally) -> int:
    """Put call types never seen before in the review queue; count the calls of known ones."""
    known = dict(
        CallTypeReview.objects.filter(agency=agency, key__in=list(tally.counts)).values_list(
            "key", "pk"
        )
    )
    now = timezone.now()
    new = []
    seen_again = [(count, now, known[key]) for key, count in tally.counts.items() if key in known]
    if seen_again:
        # One statement for all of them: a file import's chunks each see dozens of types.
        quote = connection.ops.quote_name
        table = quote(CallTypeReview._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET calls_seen = calls_seen + %s, last_seen = %s WHERE id = %s",  # noqa: S608
                [(count, _stamp(moment), pk) for count, moment, pk in seen_again],
            )
    for key, count in tally.counts.items():
        if key in known:
            continue
        triaged = tally.first[key]
        result = triaged.classification
        new.append(
            CallTypeReview(
                agency=agency,
                key=key[:255],
                example=(triaged.call_type or "(empty)")[:255],
                suggested_category=result.category,
                confidence=result.confidence,
                evidence=list(result.evidence),
                calls_seen=count,
                first_seen=now,
                last_seen=now,
            )
        )
    CallTypeReview.objects.bulk_create(new, batch_size=500)
    return len(new)


# ---- Dispatchers' answers ------------------------------------------------------------------


def triage_answer(
    *, actor: Any, decision: TriageDecision, chosen_mode: str, reason: str = ""
) -> DispatcherAnswer:
    """Accept the recommendation (the same mode) or override it (another mode, a reason)."""
    modes = {code for code, _ in TriageDecision._meta.get_field("mode").choices or []}
    if chosen_mode not in modes:
        raise TriageError(f"Choose a response mode ({', '.join(sorted(modes))}).")
    reason = reason.strip()
    overridden = chosen_mode != decision.mode
    if overridden and len(reason) < 5:
        raise TriageError("Say why you are overriding the recommendation (at least 5 letters).")
    if overridden and decision.mode in POLICE_ON_SCENE and _dangerous(decision):
        if chosen_mode not in POLICE_ON_SCENE:
            raise TriageError(
                "This call has a weapon or violence in progress: police must be on scene."
            )
    action = DispatcherAnswer.Action.OVERRIDDEN if overridden else DispatcherAnswer.Action.ACCEPTED
    with transaction.atomic():
        answer = DispatcherAnswer.objects.create(
            decision=decision,
            action=action,
            recommended_mode=decision.mode,
            chosen_mode=chosen_mode,
            rule=decision.rule,
            category=decision.category,
            reason=reason[:2000],
            actor=actor,
        )
        audit_record(
            actor=actor,
            action=(AuditAction.TRIAGE_OVERRIDDEN if overridden else AuditAction.TRIAGE_ACCEPTED),
            object_type="call",
            object_id=decision.call.public_id,
            reason=reason,
            data={"recommended": decision.mode, "chosen": chosen_mode, "rule": decision.rule},
        )
    return answer


def _dangerous(decision: TriageDecision) -> bool:
    flags = set(decision.flags)
    return "weapon" in flags or {"violence", "in_progress"} <= flags


# ---- The crosswalk and the review queue ----------------------------------------------------


def call_type_override_set(
    *, actor: Any, call_type: str, category: str, note: str = ""
) -> CallTypeOverride:
    """Make ``call_type`` always mean ``category`` for the actor's agency; calls of that type
    are decided again, and a pending review of it is closed."""
    if category not in CATEGORIES or category == "unknown":
        raise TriageError("Choose a category from the taxonomy.")
    key = normalise_call_type(call_type)
    if not key:
        raise TriageError("Give the call type as the CAD writes it.")
    agency = actor.agency
    now = timezone.now()
    with transaction.atomic():
        override, created = CallTypeOverride.objects.update_or_create(
            agency=agency,
            key=key,
            defaults={"category": category, "note": note.strip()[:300], "updated_at": now},
            create_defaults={
                "example": call_type.strip()[:255],
                "category": category,
                "note": note.strip()[:300],
                "created_by": actor,
                "updated_at": now,
            },
        )
        CallTypeReview.objects.filter(agency=agency, key=key).update(
            status=CallTypeReview.Status.CONFIRMED,
            confirmed_category=category,
            confirmed_by=actor,
            confirmed_at=now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.TRIAGE_OVERRIDE_SET,
            object_type="call_type",
            object_id=key,
            data={"category": category, "created": created},
        )
    _redecide_type(agency, key, actor)
    return override


def call_type_override_delete(*, actor: Any, override: CallTypeOverride) -> None:
    agency, key = override.agency, override.key
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.TRIAGE_OVERRIDE_DELETED,
            object_type="call_type",
            object_id=key,
            data={"category": override.category},
        )
        override.delete()
    _redecide_type(agency, key, actor)


def call_type_confirm(*, actor: Any, review: CallTypeReview, category: str) -> CallTypeOverride:
    """Confirm (or correct) the suggestion for a new call type: it becomes an override."""
    return call_type_override_set(
        actor=actor, call_type=review.example, category=category, note="Confirmed from review"
    )


def _redecide_type(agency: Agency, key: str, actor: Any) -> None:
    """Decide again on the agency's calls of one call type (its answer changed)."""
    calls = Call.objects.filter(agency=agency, triage__call_type_key=key)
    _triage(agency, calls, live=False, actor=actor, batch=None)
