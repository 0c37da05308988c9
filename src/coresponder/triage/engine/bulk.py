"""Triage a whole CAD export into a decisions file, without a database.

The fast road (any profile that takes each needed field straight from one column): Polars
reads only the columns triage needs, works out the program's hours, its area and the flags
for whole columns, and the engine decides once per distinct combination of what a decision
depends on; the answers are joined back to every row. Narratives are kept in that
combination only when they hold a cue word at all, which most do not. Any other profile goes
the row-by-row road of the calls reader. Both give the same decisions as the live path,
because both end in ``Triager.triage``.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from coresponder.calls.engine.columnar import PY_SPACE
from coresponder.calls.engine.profile import Profile
from coresponder.calls.engine.reader import read_chunks
from coresponder.calls.engine.records import CallRecord
from coresponder.triage.engine.cues import CLAUSE_PUNCTUATION, CUE_PATTERNS, Cue, find_cues
from coresponder.triage.engine.policy import HoursWindow, Program
from coresponder.triage.engine.triager import CallFacts, Triaged, Triager, hidden_reason

DISPATCH_FIELDS = ("initial_type_code", "initial_type_text", "priority")
AFTER_FIELDS = ("final_type_code", "final_type_text", "disposition_text")
TEXT_FIELDS = DISPATCH_FIELDS + AFTER_FIELDS
FLAG_FIELDS = ("weapon", "violence", "injury", "medical", "domestic", "in_progress")
AREA_FIELDS = ("district", "beat")
OUTPUT_COLUMNS = (
    "event_number", "received_at", "call_type", "category", "vera_category",
    "behavioural_health", "hidden_behavioural_health", "mode", "eligible", "confidence", "rule",
    "reasons", "policy_version",
)  # fmt: skip
_TRUTHY = r"(?i)^\s*(?:y|yes|true|t|1|x)\s*$"  # as the calls reader reads flags
_ANY_CUE = "|".join(rf"\b(?:{'|'.join(patterns)})\b" for patterns in CUE_PATTERNS.values())
_ANY_CUE_ANY_CASE = "(?i)" + _ANY_CUE


class BulkError(ValueError):
    """A file or output the bulk run cannot use; the message says which and why."""


@dataclass
class BulkSummary:
    rows: int = 0
    rejected: int = 0
    modes: Counter[str] = field(default_factory=Counter)
    eligible: int = 0
    behavioural_health: int = 0
    hidden_behavioural_health: int = 0
    distinct_decisions: int = 0
    road: str = "columnar"
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "rejected": self.rejected,
            "modes": dict(sorted(self.modes.items())),
            "eligible": self.eligible,
            "behavioural_health": self.behavioural_health,
            "hidden_behavioural_health": self.hidden_behavioural_health,
            "distinct_decisions": self.distinct_decisions,
            "road": self.road,
            "seconds": round(self.seconds, 3),
        }


def triage_file(
    path: Path,
    profile: Profile,
    out: Path,
    *,
    triager: Triager,
    time_zone: str = "UTC",
    on_progress: Callable[[int], None] | None = None,
) -> BulkSummary:
    """Write one decision per call of ``path`` to ``out`` (.parquet or .csv)."""
    started = time.perf_counter()
    if out.suffix.lower() not in {".parquet", ".csv"}:
        raise BulkError(f"{out}: the output must end in .parquet or .csv.")
    zone = profile.time_zone if profile.time_zone != "agency" else time_zone
    frame: pl.DataFrame | pl.LazyFrame
    if columnar_road(profile):
        frame, summary = _columnar(path, profile, triager, zone)
    else:
        frame, summary = _by_rows(path, profile, triager, time_zone, on_progress)
    _write(frame, out)
    summary.seconds = time.perf_counter() - started
    return summary


def columnar_road(profile: Profile) -> bool:
    """Whether every field triage needs comes straight from one column of a headed file."""
    needed = ("event_number", "received_at", *TEXT_FIELDS, *FLAG_FIELDS, "narrative", *AREA_FIELDS)
    if set(profile.lookups) & set(needed):
        return False
    for name in needed:
        spec = profile.fields.get(name)
        if spec is not None and (not spec.plain or name in profile.maps):
            return False
    if profile.fields["received_at"].formats != ("iso",):
        return False
    return profile.header and not profile.one_row_per_unit and profile.delimiter != "auto"


# ---- The columnar road ---------------------------------------------------------------------


def _columnar(
    path: Path, profile: Profile, triager: Triager, zone: str
) -> tuple[pl.LazyFrame, BulkSummary]:
    # Districts and beats matter only to a program that serves part of the agency.
    areas = AREA_FIELDS if triager.policy.program.service_area else ()
    source = {
        name: profile.fields[name].columns[0]
        for name in ("event_number", "received_at", *TEXT_FIELDS, *FLAG_FIELDS, "narrative") + areas
        if name in profile.fields
    }
    # Types, dispositions, priorities, flags and areas repeat: read as categories, they group
    # and join by small integers instead of by text.
    repeating = {
        column: pl.Categorical
        for name, column in source.items()
        if name not in ("event_number", "received_at", "narrative")
    }
    query = (
        pl.scan_csv(
            path,
            infer_schema=False,
            schema_overrides=repeating,
            separator=profile.delimiter,
            encoding="utf8-lossy",
            null_values=list(profile.null_values) or None,
            truncate_ragged_lines=True,
        )
        .select(*(pl.col(column).alias(name) for name, column in source.items()))
        .with_columns(*_missing(source, areas))
    )
    try:
        frame, combos = _situations(query.collect(), triager, zone)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise BulkError(f"{path}: cannot read it as {profile.name} ({error}).") from None
    decisions = _decide_distinct(combos.select(DECISION_KEYS).unique(), triager)
    hidden = _hidden_distinct(combos.select(HIDDEN_KEYS).unique(), triager)
    # The outputs are put together once per distinct combination, then joined to the rows;
    # their text stays dictionary-encoded (categorical) rather than copied per row.
    outputs = _combined(
        combos.join(decisions, on=DECISION_KEYS, nulls_equal=True).join(
            hidden, on=HIDDEN_KEYS, nulls_equal=True
        )
    )
    result = (
        frame.select("event_number", "received_at", "combination")
        .lazy()
        .join(
            outputs.select("combination", *OUTPUT_COLUMNS[2:]).lazy(),
            on="combination",
            maintain_order="left",  # the decisions in the file's order
        )
        .select("event_number", "received_at", *OUTPUT_COLUMNS[2:])
    )
    return result, _summary(outputs, len(decisions), "columnar")


# ---- Stored calls --------------------------------------------------------------------------

# What ``decide_calls`` reads: the received time as ISO text with its offset, the rest as the
# calls table holds it (flags as text the calls reader takes as true or false: "1", "true").
CALL_COLUMNS = ("received_at", *TEXT_FIELDS, *FLAG_FIELDS, "narrative", *AREA_FIELDS)
_FALLBACK_KEYS = ["fallback_code", "fallback_text"]


def decide_calls(
    frame: pl.DataFrame, triager: Triager, zone: str, memo: dict[Any, Any] | None = None
) -> tuple[pl.Series, list[Triaged]]:
    """Decide on calls given as columns (``CALL_COLUMNS``), each distinct situation once.
    Returns, per row, the position of its answer in the list of answers; each answer equals
    ``triager.triage`` of that row's facts (hidden behavioural health included). ``memo``,
    kept by the caller from one call to the next with the same triager, holds the situations
    decided before, so that frames of one file decided one after the other (an import's
    chunks) decide each situation once in all."""
    memo = {} if memo is None else memo
    frame, combos = _situations(frame.select(CALL_COLUMNS), triager, zone)
    # With no initial type the final one is decided on (as Triager.triage does).
    no_initial = _blank("initial_type_code") & _blank("initial_type_text")
    combos = combos.with_columns(
        pl.when(no_initial).then(pl.col(f"final_type_{part}")).otherwise(pl.lit(""))
        .cast(pl.String).alias(f"fallback_{part}")
        for part in ("code", "text")
    )  # fmt: skip
    decision_keys = [*DECISION_KEYS, *_FALLBACK_KEYS]
    decisions = combos.select(decision_keys).unique(maintain_order=True)
    hidden = combos.select(HIDDEN_KEYS).unique(maintain_order=True)
    decided = [
        _memoised(memo, ("decided", *row.values()), partial(_decided, row, triager))
        for row in decisions.iter_rows(named=True)
    ]
    evidence = [
        _memoised(memo, ("evidence", *row.values()), partial(_evidence, row, triager))
        for row in hidden.iter_rows(named=True)
    ]
    pairs = combos.join(
        decisions.with_row_index("decision"), on=decision_keys, nulls_equal=True
    ).join(hidden.with_row_index("hidden"), on=HIDDEN_KEYS, nulls_equal=True)
    answers = pairs.select("decision", "hidden").unique(maintain_order=True)
    triaged = [_with_hidden(decided[d], evidence[h]) for d, h in answers.iter_rows()]
    per_combination = pairs.select("combination", "decision", "hidden").join(
        answers.with_row_index("answer"), on=["decision", "hidden"]
    )
    answer = frame.select("combination").join(
        per_combination.select("combination", "answer"), on="combination", how="left",
        maintain_order="left",
    )["answer"]  # fmt: skip
    return answer, triaged


def _memoised(memo: dict[Any, Any], key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    found = memo.get(key)
    if found is None:
        found = memo[key] = make()
    return found


def _blank(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.String).fill_null("").str.strip_chars(PY_SPACE) == ""


def _decided(row: dict[str, Any], triager: Triager) -> Triaged:
    return triager.triage(
        CallFacts(
            initial_type_code=row["initial_type_code"],
            initial_type_text=row["initial_type_text"],
            final_type_code=row["fallback_code"],
            final_type_text=row["fallback_text"],
            priority=row["priority_class"],
            flags={flag: bool(row[f"{flag}_on"]) for flag in FLAG_FIELDS},
            narrative_cues=_decode(row["cues"]),
            program_open=row["program_open"],
            in_service_area=row["in_service_area"],
        ),
        with_hidden=False,
    )


def _evidence(row: dict[str, Any], triager: Triager) -> tuple[str, ...]:
    facts = CallFacts(
        **{name: row[name] for name in AFTER_FIELDS}, narrative_cues=_decode(row["cues"])
    )
    return triager.hidden_evidence(facts)


def _with_hidden(decided: Triaged, evidence: tuple[str, ...]) -> Triaged:
    """As Triager.triage: hidden evidence counts only for a decision that was not a
    behavioural-health one."""
    hidden = () if decided.decision.behavioural_health else evidence
    return replace(decided, hidden_behavioural_health=hidden)


# A decision depends on the dispatch type and what was known at dispatch; the hidden
# behavioural-health check on what was learnt after. Each is worked out once per distinct
# combination of its own inputs.
DECISION_KEYS = [
    "initial_type_code", "initial_type_text", "priority_class",
    *(f"{flag}_on" for flag in FLAG_FIELDS), "cues", "program_open", "in_service_area",
]  # fmt: skip
HIDDEN_KEYS = [*AFTER_FIELDS, "cues"]


def _situations(
    frame: pl.DataFrame, triager: Triager, zone: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the rows with their ``combination``, the distinct combinations with what the policy
    reads of them: flags as booleans, the priority class, the service area)."""
    program = triager.policy.program
    areas = AREA_FIELDS if program.service_area else ()
    frame = _with_local_minutes(frame, zone)
    # Per row, only what differs from row to row: the time (program hours) and the narrative.
    frame = frame.with_columns(
        _open_expression(program).alias("program_open"),
        pl.col("narrative").str.contains(_ANY_CUE_ANY_CASE).fill_null(False).alias("has_cue"),
    )
    frame = _with_cue_signatures(frame)
    # Everything else is worked out per distinct combination of the raw values (a few
    # thousand): the flags read as true or false, the priority as the policy sees it, the area.
    raw_keys = [*TEXT_FIELDS, *FLAG_FIELDS, *areas, "cues", "program_open"]
    frame, combos = _combinations(frame, raw_keys)
    combos = combos.with_columns(
        *(_flag_expression(flag).alias(f"{flag}_on") for flag in FLAG_FIELDS),
        _priority_class(triager.policy.priorities_named()).alias("priority_class"),
        _area_expression(program).alias("in_service_area"),
    )
    return frame, combos


def _combinations(frame: pl.DataFrame, keys: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each row's combination of ``keys`` as one integer (``combination``), and the distinct
    combinations with their calls counted. Grouping and joining a million rows by one integer
    is several times cheaper than by many columns. The integer is a 64-bit hash; a second,
    independent one checks that no two combinations share it (if they ever did, the rows are
    grouped by the columns themselves)."""
    hashed = frame.with_columns(
        _combined_hash(frame, keys, seed=0).alias("combination"),
        _combined_hash(frame, keys, seed=1).alias("check"),
    )
    groups = (
        hashed.with_row_index("row")
        .group_by("combination")
        .agg(
            pl.col("row").first(),
            pl.len().alias("calls"),
            pl.col("check").n_unique().alias("checks"),
        )
    )
    if groups["checks"].max() == 1:
        # The combinations' values, taken from one row of each.
        combos = pl.concat(
            [groups.select("combination", "calls"), frame.select(keys)[groups["row"]]],
            how="horizontal",
        )
        return hashed.drop("check"), combos
    numbered = frame.group_by(keys).len("calls").with_row_index("combination")
    by_keys = frame.join(
        numbered.select(*keys, "combination"), on=keys, nulls_equal=True, maintain_order="left"
    )
    return by_keys, numbered


def _combined_hash(frame: pl.DataFrame, keys: list[str], *, seed: int) -> pl.Expr:
    """A 64-bit hash of a row's values of ``keys``: each column hashed with its own seed, the
    hashes combined by exclusive or (hashing a struct of the columns costs several times
    more). Categories are hashed by their codes."""
    combined: pl.Expr | None = None
    for position, key in enumerate(keys):
        column = pl.col(key).to_physical() if frame.schema[key] == pl.Categorical else pl.col(key)
        hashed = column.hash(seed=seed * 1_000 + position)
        combined = hashed if combined is None else combined ^ hashed
    assert combined is not None
    return combined


def _combined(joined: pl.DataFrame) -> pl.DataFrame:
    found = (~pl.col("behavioural_health")) & (pl.col("hidden_reason") != "")
    reasons = pl.concat_str(
        pl.col("reasons").str.head(-1), pl.lit(", "), pl.col("hidden_reason"), pl.lit("]")
    )
    return joined.with_columns(
        found.alias("hidden_behavioural_health"),
        pl.when(found).then(reasons).otherwise(pl.col("reasons")).alias("reasons"),
    ).with_columns(
        *(
            pl.col(name).cast(pl.Categorical)
            for name, dtype in _DTYPES.items()
            if dtype == pl.String
        )
    )


def _priority_class(named: frozenset[str]) -> pl.Expr:
    """The priority as the policy sees it: one it names, or nothing (saves distinct work)."""
    priority = pl.col("priority").cast(pl.String).str.strip_chars().str.to_uppercase()
    return pl.when(priority.is_in(sorted(named))).then(priority).otherwise(pl.lit(""))


def _missing(source: dict[str, str], areas: tuple[str, ...]) -> list[pl.Expr]:
    """Fields the profile does not map are empty; empty cells of the text fields too (the
    engine reads text). Flags and narratives are left null: they read as false and none."""
    wanted = ("event_number", "received_at", *TEXT_FIELDS, *FLAG_FIELDS, "narrative", *areas)
    text = ("event_number", "received_at", *TEXT_FIELDS, *areas)
    return [
        pl.col(name).fill_null("") if name in source and name in text else pl.lit("").alias(name)
        for name in wanted
        if name not in source or name in text
    ]


def _with_local_minutes(frame: pl.DataFrame, zone: str) -> pl.DataFrame:
    """A ``local_minutes`` column: minutes since 1970-01-01 on the agency's wall clock (null
    when the time cannot be read), by integer arithmetic: the wall clock written, less the
    offset written (a few distinct ones), plus the zone's offset at that instant (looked up
    once per distinct quarter hour of the file). Worked out on the one column, so that
    nothing else of the frame is copied."""
    text = pl.col("received_at").str.strip_chars().str.replace(" ", "T", literal=True)
    written = text.str.slice(0, 19).str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False)
    times = frame.select(
        (written.dt.epoch("s") // 60).alias("written"),
        text.str.slice(19).str.replace(r"^\.\d+", "").alias("suffix"),
    )
    offsets = {value: _offset_minutes(value) for value in times["suffix"].unique().to_list()}
    times = times.with_columns(
        pl.col("suffix").replace_strict(offsets, default=None, return_dtype=pl.Int64).alias("utc")
    ).with_columns((pl.col("written") - pl.col("utc")).alias("utc"))
    quarters = times.select((pl.col("utc") // 15).alias("quarter")).drop_nulls().unique()
    zone_offsets = pl.DataFrame(
        list(_zone_offsets(quarters["quarter"].to_list(), zone).items()),
        schema={"quarter": pl.Int64, "zone_offset": pl.Int64},
        orient="row",
    )
    local = (
        times.with_columns((pl.col("utc") // 15).alias("quarter"))
        .join(zone_offsets, on="quarter", how="left", maintain_order="left")
        .select(
            # No offset written: the wall clock is the agency's own.
            pl.when(pl.col("suffix") == "")
            .then(pl.col("written"))
            .otherwise(pl.col("utc") + pl.col("zone_offset"))
            .alias("local_minutes")
        )
    )
    return frame.with_columns(local["local_minutes"])


def _offset_minutes(suffix: str | None) -> int | None:
    """Minutes east of UTC for what follows the seconds: "", "Z", "+05:30", "-0600"."""
    if suffix is None:
        return None
    if suffix in ("", "Z", "z"):
        return 0
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", suffix)
    if not match:
        return None
    minutes = int(match[2]) * 60 + int(match[3])
    return minutes if match[1] == "+" else -minutes


def _zone_offsets(quarters: list[int], zone: str) -> dict[int, int]:
    """The zone's offset from UTC (minutes) at each quarter hour since 1970 (UTC)."""
    tz = ZoneInfo(zone)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    offsets = {}
    for quarter in quarters:
        offset = (epoch + timedelta(minutes=quarter * 15)).astimezone(tz).utcoffset()
        offsets[quarter] = int(offset.total_seconds() // 60) if offset is not None else 0
    return offsets


def _flag_expression(flag: str) -> pl.Expr:
    """A flag column as true or false, read as the calls reader reads flags."""
    return pl.col(flag).cast(pl.String).str.contains(_TRUTHY).fill_null(False)


def _open_expression(program: Program) -> pl.Expr:
    """Whether the program was on duty when each call came in, as one boolean expression over
    the day of the week and the minute of the day (the same test as ``Program.is_open``).
    Reads the ``local_minutes`` column, worked out once before (an expression used several
    times in one eager select is evaluated each time)."""
    if not program.hours:
        return pl.lit(True)
    minutes = pl.col("local_minutes")
    day = (minutes // 1440 + 3) % 7  # 1970-01-01 was a Thursday
    minute = minutes % 1440
    on_duty = pl.lit(False)
    for window in program.hours:
        on_duty = on_duty | _window_expression(window, day, minute)
    # A time that cannot be read counts as within hours, as Program.is_open(None) does.
    return pl.when(minutes.is_null()).then(pl.lit(True)).otherwise(on_duty)


def _window_expression(window: HoursWindow, day: pl.Expr, minute: pl.Expr) -> pl.Expr:
    days = sorted(window.days)
    start = window.start.hour * 60 + window.start.minute
    end = window.end.hour * 60 + window.end.minute
    if start <= end:
        return day.is_in(days) & (minute >= start) & (minute < end)
    return (day.is_in(days) & (minute >= start)) | (((day - 1) % 7).is_in(days) & (minute < end))


def _area_expression(program: Program) -> pl.Expr:
    if not program.service_area:
        return pl.lit(True)
    district, beat = pl.col("district").cast(pl.String), pl.col("beat").cast(pl.String)
    area = pl.when(district != "").then(district).otherwise(beat)
    return area.str.strip_chars().str.to_uppercase().is_in(sorted(program.service_area))


_SEPARATOR = "\x1e"


def _with_cue_signatures(frame: pl.DataFrame) -> pl.DataFrame:
    """A ``cues`` column: each narrative's cues, encoded. Cues never reach across a clause,
    so each distinct clause holding a cue word is read once, and a narrative's cues are its
    clauses' cues in order; most narratives hold no cue word and are not read at all."""
    frame = frame.with_row_index("row")
    with_cue = frame.filter(pl.col("has_cue")).select(
        "row", pl.col("narrative").str.to_lowercase().alias("text")
    )
    clauses = (
        with_cue.select(
            "row",
            pl.col("text").str.replace_all(CLAUSE_PUNCTUATION, _SEPARATOR).str.split(_SEPARATOR),
        )
        .explode("text")
        .with_columns(pl.int_range(pl.len()).over("row").alias("position"))
        .filter(pl.col("text").str.contains(_ANY_CUE))
    )
    distinct = clauses.select("text").unique()
    encoded = [_encode(find_cues(text)) for text in distinct["text"].to_list()]
    read = distinct.with_columns(pl.Series("found", encoded, dtype=pl.String))
    per_row = (
        clauses.join(read, on="text", how="left")
        .filter(pl.col("found") != "")
        .sort("row", "position")
        .group_by("row", maintain_order=True)
        .agg(pl.col("found").str.join(_SEPARATOR).alias("cues"))
    )
    # Written into place by row number: most rows have none, so no join over all of them.
    cues = pl.repeat("", frame.height, dtype=pl.String, eager=True).alias("cues")
    if per_row.height:
        cues = cues.scatter(per_row["row"], per_row["cues"])
    return frame.drop("row").with_columns(cues)


def _encode(cues: tuple[Cue, ...]) -> str:
    return _SEPARATOR.join(
        json.dumps([cue.name, cue.text, cue.negated, cue.context]) for cue in cues
    )


def _decode(signature: str) -> tuple[Cue, ...]:
    if not signature:
        return ()
    return tuple(Cue(*json.loads(item)) for item in signature.split(_SEPARATOR))


_DECISION_OUTPUTS = tuple(
    name for name in OUTPUT_COLUMNS[2:] if name != "hidden_behavioural_health"
)


def _decide_distinct(distinct: pl.DataFrame, triager: Triager) -> pl.DataFrame:
    outputs: dict[str, list[Any]] = {name: [] for name in _DECISION_OUTPUTS}
    for row in distinct.iter_rows(named=True):
        facts = CallFacts(
            initial_type_code=row["initial_type_code"],
            initial_type_text=row["initial_type_text"],
            priority=row["priority_class"],
            flags={flag: bool(row[f"{flag}_on"]) for flag in FLAG_FIELDS},
            narrative_cues=_decode(row["cues"]),
            program_open=row["program_open"],
            in_service_area=row["in_service_area"],
        )
        values = _output_row(triager.triage(facts, with_hidden=False))
        for name in _DECISION_OUTPUTS:
            outputs[name].append(values[name])
    return distinct.with_columns(
        *(pl.Series(name, outputs[name], dtype=_DTYPES[name]) for name in _DECISION_OUTPUTS)
    )


def _hidden_distinct(distinct: pl.DataFrame, triager: Triager) -> pl.DataFrame:
    reasons = []
    for row in distinct.iter_rows(named=True):
        facts = CallFacts(
            **{name: row[name] for name in AFTER_FIELDS}, narrative_cues=_decode(row["cues"])
        )
        evidence = triager.hidden_evidence(facts)
        reasons.append(json.dumps(hidden_reason(evidence), ensure_ascii=False) if evidence else "")
    return distinct.with_columns(pl.Series("hidden_reason", reasons, dtype=pl.String))


_DTYPES: dict[str, Any] = {
    "call_type": pl.String, "category": pl.String, "vera_category": pl.String,
    "behavioural_health": pl.Boolean, "hidden_behavioural_health": pl.Boolean,
    "mode": pl.String, "eligible": pl.Boolean, "confidence": pl.Float64, "rule": pl.String,
    "reasons": pl.String, "policy_version": pl.String,
}  # fmt: skip


def _output_row(triaged: Triaged) -> dict[str, Any]:
    decision = triaged.decision
    reasons = [reason.as_dict() for reason in decision.reasons]
    if triaged.hidden_behavioural_health:
        reasons.append(hidden_reason(triaged.hidden_behavioural_health))
    return {
        "call_type": triaged.call_type,
        "category": decision.category,
        "vera_category": decision.vera_category,
        "behavioural_health": decision.behavioural_health,
        "hidden_behavioural_health": bool(triaged.hidden_behavioural_health),
        "mode": decision.mode,
        "eligible": decision.eligible,
        "confidence": round(decision.confidence, 3),
        "rule": decision.rule,
        "reasons": json.dumps(reasons, ensure_ascii=False),
        "policy_version": decision.policy_version,
    }


# ---- The row-by-row road -------------------------------------------------------------------


def _by_rows(
    path: Path,
    profile: Profile,
    triager: Triager,
    time_zone: str,
    on_progress: Callable[[int], None] | None,
) -> tuple[pl.DataFrame, BulkSummary]:
    zone = ZoneInfo(time_zone)
    spec = profile.fields["received_at"]
    received_column = spec.columns[0] if spec.plain else ""
    rows: list[dict[str, Any]] = []
    rejected = 0
    for chunk in read_chunks(path, profile, agency_time_zone=time_zone):
        rejected += len(chunk.rejects)
        for record in chunk.all_records():
            triaged = triager.triage(_facts_of(record, zone))
            rows.append(
                {
                    "event_number": record.event_number,
                    # As written in the file when it is one column (as the columnar road does).
                    "received_at": record.raw.get(received_column)
                    or record.received_at.isoformat(),
                    **_output_row(triaged),
                }
            )
        if on_progress:
            on_progress(chunk.rows)
    frame = pl.DataFrame(
        rows,
        schema={"event_number": pl.String, "received_at": pl.String, **_DTYPES},
        orient="row",
    )
    summary = _summary(frame, frame.height, "rows")
    summary.rejected = rejected
    return frame, summary


def _facts_of(record: CallRecord, zone: ZoneInfo) -> CallFacts:
    return CallFacts(
        initial_type_code=record.initial_type_code,
        initial_type_text=record.initial_type_text,
        final_type_code=record.final_type_code,
        final_type_text=record.final_type_text,
        disposition_text=record.disposition_text,
        priority=record.priority,
        flags=record.flags,
        narrative=record.narrative,
        local_time=record.received_at.astimezone(zone),
        area=record.district or record.beat,
    )


# ---- Output --------------------------------------------------------------------------------


def _summary(frame: pl.DataFrame, distinct: int, road: str) -> BulkSummary:
    """Counts over decisions, one row per call or (with a ``calls`` column) per combination."""
    if "calls" not in frame.columns:
        frame = frame.with_columns(pl.lit(1, dtype=pl.UInt32).alias("calls"))
    calls = pl.col("calls")
    counts = frame.select(
        calls.sum().alias("rows"),
        calls.filter(pl.col("eligible")).sum().alias("eligible"),
        calls.filter(pl.col("behavioural_health")).sum().alias("bh"),
        calls.filter(pl.col("hidden_behavioural_health")).sum().alias("hidden"),
    ).row(0, named=True)
    modes = Counter(
        dict(frame.group_by(pl.col("mode").cast(pl.String)).agg(calls.sum()).iter_rows())
    )
    return BulkSummary(
        rows=counts["rows"],
        modes=modes,
        eligible=counts["eligible"] or 0,
        behavioural_health=counts["bh"] or 0,
        hidden_behavioural_health=counts["hidden"] or 0,
        distinct_decisions=distinct,
        road=road,
    )


def _write(frame: pl.DataFrame | pl.LazyFrame, out: Path) -> None:
    try:
        if isinstance(frame, pl.LazyFrame):
            if out.suffix.lower() == ".parquet":
                frame.sink_parquet(out)
            else:
                frame.sink_csv(out)
        elif out.suffix.lower() == ".parquet":
            frame.write_parquet(out)
        else:
            frame.write_csv(out)
    except OSError as error:
        raise BulkError(f"{out}: cannot write the decisions ({error}).") from None
