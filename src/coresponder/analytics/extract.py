"""Rows of one agency, for a period, from the database into the frames the metrics read.

Each source is one SQL query built by the ORM (so the joins and the agency filter are the
ORM's), read into Arrow columns through ADBC (``arrow.py``; all the queries of one extraction
share one reader), or, inside a transaction or without the drivers, through the DB-API cursor
in chunks of ``CHUNK`` rows: no model instances either way. SQLite returns times as text,
which Polars parses in one pass; PostgreSQL returns aware datetimes, which are made naive UTC
like the rest. The frames of an agency's window are kept as a snapshot (``snapshot.py``) under
the data version, and read from it while the data is unchanged.

What each column of ``metrics/frames.py`` is made of:

- ``calls``: the call, its triage decision (``category``, ``behavioural_health``, ``eligible``,
  ``mode_recommended``), ``mode_dispatched`` (the dispatcher's latest answer when there is one,
  else the mode triage recommended), ``public_initiated`` (not officer-initiated or an alarm;
  null when the source is unknown), ``criminal`` (the category's Vera equivalent is a crime),
  ``arrest`` / ``involuntary_hold`` / ``transport`` (the encounter outcomes on the call, else
  words of the CAD disposition; null when neither says), ``team`` (the team of the case whose
  encounter answered the call), ``location_key`` (linkage's ``CallLocation.location``) and
  ``person_id`` (the first linked person);
- ``units``: ``CallUnit`` rows of those calls;
- ``encounters``, ``tasks``, ``referrals``: the case records, with the team of their case in an
  extra ``team`` column (for the team filter);
- ``people``: each person's first encounter (their first social-work contact), over all time.

A source with no rows in the window is ``None``, so its metrics say "not available" instead of
showing zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Min, QuerySet, TextField
from django.db.models.functions import Cast

from coresponder.analytics import snapshot
from coresponder.analytics.arrow import arrow_reader, reading
from coresponder.analytics.metrics.frames import Frames
from coresponder.calls.models import Call, CallUnit
from coresponder.cases.models import Encounter, PersonCall, Task
from coresponder.referrals.models import Referral
from coresponder.triage.engine.taxonomy import vera_category
from coresponder.triage.models import DispatcherAnswer

CHUNK = 50_000
CATEGORICAL_MAX = 10_000  # distinct values of a text column kept as a categorical

# Vera equivalents that report a crime (the rest are not criminal).
CRIME_VERA = frozenset(
    {
        "Domestic Violence",
        "Drugs",
        "Liquor Violations",
        "Other Crimes",
        "Property Crime",
        "Sex Offenses",
        "Violent Crime",
        "Warrants",
    }
)
NOT_PUBLIC = ("officer_initiated", "alarm")
ARREST_OUTCOMES = ("arrest",)
HOLD_OUTCOMES = ("involuntary_hold",)
TRANSPORT_OUTCOMES = ("voluntary_transport", "involuntary_hold", "emergency_department", "detox")
# Words of a CAD disposition (lower case) that say what happened.
ARREST_WORDS = ("arrest", "booked", "custody")
HOLD_WORDS = ("involuntary", "5150", "mental hold", "emergency hold")
TRANSPORT_WORDS = ("transport", "hospital", "detox", "sobering")

Kinds = Sequence[tuple[str, str]]  # (column, kind): kind is "id", "str", "bool", "time"


def _dtype(kind: str, times_as_text: bool) -> Any:
    if kind == "id":
        return pl.Int64
    if kind == "bool":
        return pl.Boolean
    if kind == "str" or times_as_text:
        return pl.Utf8
    return pl.Datetime("us", "UTC")


def _read(queryset: QuerySet[Any], fields: Kinds, order: Sequence[str] = ()) -> pl.DataFrame:
    """Run the queryset's ``values_list`` SQL (through ADBC where ``arrow.py`` can, else the
    cursor) into a frame, sorted by the columns ``order``. On SQLite the times are selected as
    text (no per-value parsing in Python) and parsed by Polars in one pass (SQLite's own
    ``strftime('%s')`` on 15,000,000 times took longer than Polars' parsing).

    The database is not asked to sort: on SQLite an ORDER BY over millions of joined rows is
    a temporary B-tree that doubled the query's time; Polars sorts the frame in a fraction."""
    times_as_text = connection.vendor == "sqlite"
    selected: list[str] = []
    annotations: dict[str, Any] = {}
    for name, kind in fields:
        if kind == "time" and times_as_text:
            alias = f"t_{len(annotations)}_text"
            annotations[alias] = Cast(name, output_field=TextField())
            selected.append(alias)
        else:
            selected.append(name)
    if annotations:
        queryset = queryset.annotate(**annotations)
    queryset = queryset.order_by()
    sql, params = queryset.values_list(*selected).query.sql_with_params()
    schema = {name: _dtype(kind, times_as_text) for name, kind in fields}
    reader = arrow_reader()
    if reader is not None:
        frame = reader.read(sql, params, schema)
    else:
        frame = _read_rows(sql, params, schema)
    frame = frame.with_columns(
        _as_time(pl.col(name), times_as_text).alias(name) for name, kind in fields if kind == "time"
    )
    return frame.sort(order) if order else frame


def _read_rows(sql: str, params: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Through Django's cursor, CHUNK rows at a time, each chunk built row-wise by Polars."""
    parts: list[pl.DataFrame] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            parts.append(pl.DataFrame(rows, schema=schema, orient="row"))
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _as_time(column: pl.Expr, from_text: bool) -> pl.Expr:
    """Naive UTC microseconds, from SQLite's text ("YYYY-MM-DD HH:MM:SS[.ffffff]") or from
    aware datetimes."""
    if from_text:
        return column.str.slice(0, 19).str.to_datetime(
            "%Y-%m-%d %H:%M:%S", time_unit="us", strict=False
        )
    return column.dt.convert_time_zone("UTC").dt.replace_time_zone(None)


def _or_none(frame: pl.DataFrame) -> pl.DataFrame | None:
    return frame if frame.height else None


def _words(column: str, words: Sequence[str]) -> pl.Expr:
    text = pl.col(column).str.to_lowercase()
    expr = pl.lit(False)
    for word in words:
        expr = expr | text.str.contains(word, literal=True)
    return expr


def extract(
    agency_id: int,
    start: datetime,
    end: datetime,
    *,
    history_days: int = 365,
    time_zone: str = "UTC",
    version: str = "",
) -> Frames:
    """The frames of one agency for [start, end), calls reaching ``history_days`` either side
    for the before/after metrics. Times in the frames are naive, in ``time_zone`` (the
    agency's), so that hours of the week and periods are the agency's own; the rows read reach
    one more day either side so that a period in local time is whole.

    With the agency's data ``version`` the frames come from its snapshot when there is one
    (``snapshot.py``), and are kept as one when there is not."""
    pad = timedelta(days=history_days + 1)
    lo, hi = start - pad, end + pad
    frames = snapshot.frames_for(agency_id, lo, hi, version, lambda: _extract(agency_id, lo, hi))
    if time_zone == "UTC":
        return frames
    return Frames(
        calls=_local(frames.calls, time_zone),
        units=_local(frames.units, time_zone),
        encounters=_local(frames.encounters, time_zone),
        tasks=_local(frames.tasks, time_zone),
        referrals=_local(frames.referrals, time_zone),
        people=_local(frames.people, time_zone),
    )


def _local(frame: pl.DataFrame | None, time_zone: str) -> pl.DataFrame | None:
    if frame is None:
        return None
    return frame.with_columns(
        pl.col(name)
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(time_zone)
        .dt.replace_time_zone(None)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime)
    )


def _extract(agency_id: int, lo: datetime, hi: datetime) -> Frames:
    """The frames of [lo, hi), with text columns as categoricals."""
    with reading():  # one ADBC reader for all the queries
        frames = _extract_rows(agency_id, lo, hi)
    return snapshot.frames_of({name: _categorical(frames.get(name)) for name in snapshot.SOURCES})


def _categorical(frame: pl.DataFrame | None) -> pl.DataFrame | None:
    """Text columns of few values as categoricals: modes, categories, districts, teams repeat
    over millions of rows, and the catalogue groups and joins on them about twice as fast
    (measured at 5,000,000 calls); the metrics take either. A column of many values (places)
    stays text: building its categories cost more, reading a snapshot, than it saved."""
    if frame is None:
        return None
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not texts:
        return frame
    counts = frame.select(pl.col(texts).n_unique()).row(0)
    few = [name for name, n in zip(texts, counts, strict=True) if n <= CATEGORICAL_MAX]
    return frame.with_columns(pl.col(few).cast(pl.Categorical))


def _extract_rows(agency_id: int, lo: datetime, hi: datetime) -> Frames:
    calls_qs = Call.objects.filter(agency_id=agency_id, received_at__gte=lo, received_at__lt=hi)
    calls = _read(
        calls_qs,  # sorted by call id once derived
        [
            ("id", "id"),
            ("received_at", "time"),
            ("on_scene_at", "time"),
            ("cleared_at", "time"),
            ("call_source", "str"),
            ("district", "str"),
            ("disposition_code", "str"),
            ("disposition_text", "str"),
            ("triage__category", "str"),
            ("triage__behavioural_health", "bool"),
            ("triage__mode", "str"),
            ("triage__eligible", "bool"),
            ("location__location", "str"),
        ],
    )
    encounters, tasks, referrals = _case_sources(agency_id, lo, hi)
    people = _people(agency_id)
    if not calls.height:
        return Frames(
            encounters=_or_none(encounters),
            tasks=_or_none(tasks),
            referrals=_or_none(referrals),
            people=people,
        )
    calls = calls.rename(
        {
            "id": "call_id",
            "triage__category": "category",
            "triage__behavioural_health": "behavioural_health",
            "triage__mode": "mode_recommended",
            "triage__eligible": "eligible",
            "location__location": "location_key",
        }
    )
    window = {
        "call__agency_id": agency_id,
        "call__received_at__gte": lo,
        "call__received_at__lt": hi,
    }

    answers = _read(
        DispatcherAnswer.objects.filter(
            decision__agency_id=agency_id,
            decision__received_at__gte=lo,
            decision__received_at__lt=hi,
        ),
        [
            ("decision__call_id", "id"),
            ("chosen_mode", "str"),
            ("answered_at", "time"),
            ("id", "id"),
        ],
        order=("decision__call_id", "answered_at", "id"),
    ).rename({"decision__call_id": "call_id"})
    answers = answers.group_by("call_id").agg(pl.col("chosen_mode").last())

    links = (
        _read(
            PersonCall.objects.filter(**window),
            [("call_id", "id"), ("person_id", "id")],
        )
        .group_by("call_id")
        .agg(pl.col("person_id").min())
    )

    on_calls = (
        encounters.filter(pl.col("call_id").is_not_null())
        .sort("encounter_id")
        .group_by("call_id")
        .agg(
            pl.col("team").first().alias("team"),
            pl.col("outcome").is_in(ARREST_OUTCOMES).any().alias("enc_arrest"),
            pl.col("outcome").is_in(HOLD_OUTCOMES).any().alias("enc_hold"),
            pl.col("outcome").is_in(TRANSPORT_OUTCOMES).any().alias("enc_transport"),
        )
    )
    crime = {
        code: (vera in CRIME_VERA) if vera else None
        for code in calls["category"].drop_nulls().unique().to_list()
        for vera in [vera_category(code) if _known(code) else None]
    }
    disposition = pl.concat_str(
        [pl.col("disposition_code").fill_null(""), pl.col("disposition_text").fill_null("")],
        separator=" ",
    )
    said = disposition.str.strip_chars() != ""
    calls = (
        calls.join(answers, on="call_id", how="left")
        .join(links, on="call_id", how="left")
        .join(on_calls, on="call_id", how="left")
        .with_columns(disposition.alias("disposition"))
        .with_columns(
            pl.coalesce("chosen_mode", "mode_recommended").alias("mode_dispatched"),
            pl.when(pl.col("call_source").is_in(NOT_PUBLIC))
            .then(False)
            .when(pl.col("call_source").is_in(("unknown", "")) | pl.col("call_source").is_null())
            .then(None)
            .otherwise(True)
            .alias("public_initiated"),
            pl.col("category")
            .replace_strict(crime, default=None, return_dtype=pl.Boolean)
            .alias("criminal"),
            _flag("enc_arrest", ARREST_WORDS, said).alias("arrest"),
            _flag("enc_hold", HOLD_WORDS, said).alias("involuntary_hold"),
            _flag("enc_transport", TRANSPORT_WORDS, said).alias("transport"),
            pl.when(pl.col("district") == "")
            .then(None)
            .otherwise(pl.col("district"))
            .alias("district"),
        )
        .drop("chosen_mode", "enc_arrest", "enc_hold", "enc_transport", "call_source")
        .drop("disposition_code", "disposition_text")
        .sort("call_id")
    )

    units = _read(
        CallUnit.objects.filter(**window),
        [
            ("call_id", "id"),
            ("unit_type", "str"),
            ("dispatched_at", "time"),
            ("cleared_at", "time"),
            ("id", "id"),
        ],
        order=("call_id", "id"),
    ).drop("id")
    return Frames(
        calls=calls,
        units=_or_none(units),
        encounters=_or_none(encounters),
        tasks=_or_none(tasks),
        referrals=_or_none(referrals),
        people=people,
    )


def _case_sources(
    agency_id: int, lo: datetime, hi: datetime
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Encounters, tasks and referrals of the window, each with its case's team."""
    encounters = _read(
        Encounter.objects.filter(agency_id=agency_id, started_at__gte=lo, started_at__lt=hi),
        [
            ("id", "id"),
            ("case_id", "id"),
            ("case__person_id", "id"),
            ("call_id", "id"),
            ("started_at", "time"),
            ("kind", "str"),
            ("police_backup", "bool"),
            ("force_used", "bool"),
            ("outcome", "str"),
            ("case__team__name", "str"),
        ],
        order=("id",),
    ).rename({"id": "encounter_id", "case__person_id": "person_id", "case__team__name": "team"})

    tasks = _read(
        Task.objects.filter(agency_id=agency_id, created_at__gte=lo, created_at__lt=hi),
        [
            ("id", "id"),
            ("case_id", "id"),
            ("created_at", "time"),
            ("due_at", "time"),
            ("completed_at", "time"),
            ("status", "str"),
            ("case__team__name", "str"),
        ],
        order=("id",),
    ).rename({"id": "task_id", "case__team__name": "team"})
    referrals = _read(
        Referral.objects.filter(agency_id=agency_id, sent_at__gte=lo, sent_at__lt=hi),
        [
            ("id", "id"),
            ("person_id", "id"),
            ("status", "str"),
            ("sent_at", "time"),
            ("accepted_at", "time"),
            ("engaged_at", "time"),
            ("closed_at", "time"),
            ("case__team__name", "str"),
        ],
        order=("id",),
    ).rename({"id": "referral_id", "case__team__name": "team"})
    return encounters, tasks, referrals


def _known(code: str) -> bool:
    try:
        vera_category(code)
    except KeyError:
        return False
    return True


def _flag(encounter_column: str, words: Sequence[str], said: pl.Expr) -> pl.Expr:
    from_disposition = pl.when(said).then(_words("disposition", words)).otherwise(None)
    return (
        pl.when(pl.col(encounter_column))
        .then(True)
        .when(from_disposition)
        .then(True)
        .when(pl.col(encounter_column).is_not_null() | said)
        .then(False)
        .otherwise(None)
    )


def _people(agency_id: int) -> pl.DataFrame | None:
    """Each person's first social-work contact: their first encounter, over all time."""
    firsts = (
        Encounter.objects.filter(agency_id=agency_id)
        .values("case__person_id")
        .annotate(first_contact_at=Min("started_at"))
        .order_by()
    )
    frame = _read(firsts, [("case__person_id", "id"), ("first_contact_at", "time")])
    return _or_none(frame.rename({"case__person_id": "person_id"}))
