"""The metrics the program's reports compute, each from documented frames (see frames.py).

Formulas, inputs, caveats and published values to compare with are in docs/metrics.md; each
function's docstring gives its formula in one line. Shares are in 0..1, times in minutes or
hours as the unit says.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

import polars as pl

from coresponder.analytics.metrics.base import (
    MetricResult,
    Params,
    metric,
    ratio,
    share,
)
from coresponder.analytics.metrics.frames import (
    FOLLOW_UP_KINDS,
    POLICE_MODES,
    PROGRAM_MODES,
    REFERRAL_ENGAGED,
    RESPONSE_KINDS,
    Frames,
    attach,
)

HOUR = 3_600_000_000  # microseconds
MINUTE = 60_000_000


def _frame(frames: Frames, name: str) -> pl.DataFrame:
    frame = frames.get(name)
    assert frame is not None  # Metric.__call__ returned "not available" otherwise
    return frame


def _program() -> pl.Expr:
    return pl.col("mode_dispatched").is_in(PROGRAM_MODES)


def _count_true(expr: pl.Expr) -> pl.Expr:
    return expr.fill_null(False).sum()


def _hours(end: str, start: str) -> pl.Expr:
    return (pl.col(end) - pl.col(start)).dt.total_microseconds() / HOUR


# ------------------------------------------------------------------------------------------
# Who answers the calls
# ------------------------------------------------------------------------------------------


@metric(
    "program_share",
    "Program share of calls",
    {"calls": ("public_initiated", "mode_dispatched")},
)
def program_share(frames: Frames, params: Params) -> MetricResult:
    """Public-initiated calls the program handled ÷ public-initiated calls."""
    calls = _frame(frames, "calls")
    public = pl.col("public_initiated").fill_null(False)
    row = calls.select(
        public.sum().alias("public"), _count_true(public & _program()).alias("program")
    )
    return share("program_share", int(row["program"][0]), int(row["public"][0]))


@metric("diversion_rate", "Diversion from police", {"calls": ("mode_dispatched",)})
def diversion_rate(frames: Frames, params: Params) -> MetricResult:
    """Calls answered without police (mode alternative) ÷ (those + calls police attended)."""
    calls = _frame(frames, "calls")
    row = calls.select(
        _count_true(pl.col("mode_dispatched") == "alternative").alias("diverted"),
        _count_true(pl.col("mode_dispatched").is_in(POLICE_MODES)).alias("police"),
    )
    diverted, police = int(row["diverted"][0]), int(row["police"][0])
    return share("diversion_rate", diverted, diverted + police, police_calls=police)


@metric(
    "eligible_coverage",
    "Coverage of eligible calls (and the unserved, by hour of week)",
    {"calls": ("received_at", "eligible", "mode_dispatched")},
)
def eligible_coverage(frames: Frames, params: Params) -> MetricResult:
    """Eligible calls the program served ÷ eligible calls; the table has all 168 hours of week
    (weekday 1 = Monday .. 7, hour 0..23) with eligible, served and unserved calls."""
    calls = _frame(frames, "calls")
    by_hour = (
        calls.lazy()
        .select("received_at", "eligible", "mode_dispatched")
        .filter(pl.col("eligible").fill_null(False))
        .group_by(
            pl.col("received_at").dt.weekday().alias("weekday"),
            pl.col("received_at").dt.hour().alias("hour"),
        )
        .agg(pl.len().alias("eligible"), _count_true(_program()).alias("served"))
        .collect()
    )
    grid = pl.DataFrame({"weekday": list(range(1, 8))}, schema={"weekday": pl.Int8}).join(
        pl.DataFrame({"hour": list(range(24))}, schema={"hour": pl.Int8}), how="cross"
    )
    table = (
        grid.join(
            by_hour.with_columns(pl.col("weekday").cast(pl.Int8), pl.col("hour").cast(pl.Int8)),
            on=["weekday", "hour"],
            how="left",
        )
        .with_columns(pl.col("eligible", "served").fill_null(0).cast(pl.Int64))
        .with_columns((pl.col("eligible") - pl.col("served")).alias("unserved"))
        .with_columns((pl.col("served") / pl.col("eligible")).alias("coverage"))
        .sort("weekday", "hour")
    )
    total, served = int(table["eligible"].sum()), int(table["served"].sum())
    result = share("eligible_coverage", served, total, unserved=total - served)
    return MetricResult(result.name, result.value, result.unit, result.parts, table)


@metric(
    "police_backup_rate",
    "Police backup on program responses",
    {"encounters": ("kind", "police_backup")},
)
def police_backup_rate(frames: Frames, params: Params) -> MetricResult:
    """Responses on scene without police (encounter kind crisis) where police backup was
    requested ÷ those responses. Co-response encounters have police already and are left out."""
    encounters = _frame(frames, "encounters")
    row = encounters.filter(pl.col("kind") == "crisis").select(
        pl.len().alias("responses"), _count_true(pl.col("police_backup")).alias("backup")
    )
    return share("police_backup_rate", int(row["backup"][0]), int(row["responses"][0]))


def _outcome_rate(frames: Frames, column: str, name: str) -> MetricResult:
    calls = _frame(frames, "calls")
    program = _program()
    row = calls.select(
        program.sum().alias("calls"),
        _count_true(program & pl.col(column)).alias("yes"),
        (program & pl.col(column).is_null()).sum().alias("unknown"),
    )
    return share(name, int(row["yes"][0]), int(row["calls"][0]), unknown=int(row["unknown"][0]))


@metric("arrest_rate", "Arrests per program call", {"calls": ("mode_dispatched", "arrest")})
def arrest_rate(frames: Frames, params: Params) -> MetricResult:
    """Program calls with an arrest ÷ program calls (unknown counts as no, and is reported)."""
    return _outcome_rate(frames, "arrest", "arrest_rate")


@metric(
    "involuntary_hold_rate",
    "Involuntary holds per program call",
    {"calls": ("mode_dispatched", "involuntary_hold")},
)
def involuntary_hold_rate(frames: Frames, params: Params) -> MetricResult:
    """Program calls with an involuntary hold ÷ program calls."""
    return _outcome_rate(frames, "involuntary_hold", "involuntary_hold_rate")


@metric(
    "transport_rate", "Transports per program call", {"calls": ("mode_dispatched", "transport")}
)
def transport_rate(frames: Frames, params: Params) -> MetricResult:
    """Program calls with a transport ÷ program calls."""
    return _outcome_rate(frames, "transport", "transport_rate")


# ------------------------------------------------------------------------------------------
# Time
# ------------------------------------------------------------------------------------------


@metric(
    "response_time",
    "Response time, received to on scene, by mode",
    {"calls": ("received_at", "on_scene_at", "mode_dispatched")},
)
def response_time(frames: Frames, params: Params) -> MetricResult:
    """on_scene_at − received_at in minutes: median and 90th percentile (linear interpolation)
    by dispatched mode; the headline is the program modes' median. Calls with no on-scene time
    or a negative interval are left out and counted."""
    calls = _frame(frames, "calls")
    minutes = (pl.col("on_scene_at") - pl.col("received_at")).dt.total_microseconds() / MINUTE
    valid = (
        calls.lazy()
        .select("mode_dispatched", minutes.alias("minutes"))
        .filter(pl.col("minutes") >= 0)
    )
    table = (
        valid.group_by("mode_dispatched")
        .agg(
            pl.len().alias("calls"),
            pl.col("minutes").median().alias("median_min"),
            pl.col("minutes").quantile(0.9, "linear").alias("p90_min"),
        )
        .sort("mode_dispatched")
        .collect()
    )
    program = valid.filter(pl.col("mode_dispatched").is_in(PROGRAM_MODES)).collect()["minutes"]
    excluded = calls.height - int(table["calls"].sum())
    return MetricResult(
        "response_time",
        float(program.median()) if program.len() else None,  # type: ignore[arg-type]
        "minutes",
        {
            "program_p90": float(program.quantile(0.9, "linear")) if program.len() else None,  # type: ignore[arg-type]
            "timed": int(table["calls"].sum()),
            "excluded": excluded,
        },
        table,
    )


def _unit_cube(frames: Frames) -> pl.DataFrame:
    """Unit-hours (dispatch → clear; negative or still open left out) summed by the call's
    category and mode and the unit's type: a small table the time and cost metrics share,
    computed once per set of frames."""
    cached = frames.shared.get("unit_cube")
    if cached is not None:
        return cast(pl.DataFrame, cached)
    units = _frame(frames, "units")
    calls = _frame(frames, "calls")
    # whole microseconds summed, divided into hours once per cell of the cube
    elapsed = (pl.col("cleared_at") - pl.col("dispatched_at")).dt.total_microseconds()
    hours = (
        units.lazy().select("call_id", "unit_type", elapsed.alias("us")).filter(pl.col("us") >= 0)
    )
    cube = (
        attach(hours, units["call_id"], calls, "call_id", ("category", "mode_dispatched"))
        .group_by("category", "mode_dispatched", "unit_type")
        .agg(pl.len().alias("units"), (pl.col("us").sum() / HOUR).alias("hours"))
        .with_columns(pl.col("category", "mode_dispatched", "unit_type").cast(pl.Utf8))
        .collect()
    )
    frames.shared["unit_cube"] = cube
    return cube


def _call_cube(frames: Frames) -> pl.DataFrame:
    """Calls by category and dispatched mode (shared, computed once per set of frames)."""
    cached = frames.shared.get("call_cube")
    if cached is not None:
        return cast(pl.DataFrame, cached)
    cube = (
        _frame(frames, "calls")
        .lazy()
        .group_by("category", "mode_dispatched")
        .agg(pl.len().alias("calls"))
        .with_columns(pl.col("category", "mode_dispatched").cast(pl.Utf8))
        .collect()
    )
    frames.shared["call_cube"] = cube
    return cube


@metric(
    "time_on_task",
    "Unit-hours by call type",
    {
        "calls": ("call_id", "category", "mode_dispatched"),
        "units": ("call_id", "unit_type", "dispatched_at", "cleared_at"),
    },
)
def time_on_task(frames: Frames, params: Params) -> MetricResult:
    """Σ (cleared_at − dispatched_at) over units, in hours, by call category, with the police
    part and hours per call (all calls of the category, with a unit or not); the headline is
    all unit-hours."""
    police = pl.col("unit_type") == "police"
    table = (
        _unit_cube(frames)
        .group_by("category")
        .agg(
            pl.col("units").sum(),
            pl.col("hours").sum().alias("unit_hours"),
            pl.col("hours").filter(police).sum().alias("police_hours"),
        )
        .join(
            _call_cube(frames).group_by("category").agg(pl.col("calls").sum()),
            on="category",
            how="left",
        )
        .with_columns((pl.col("unit_hours") / pl.col("calls")).alias("hours_per_call"))
        .select("category", "calls", "units", "unit_hours", "police_hours", "hours_per_call")
        .sort("unit_hours", descending=True)
    )
    return MetricResult(
        "time_on_task",
        float(table["unit_hours"].sum()),
        "unit-hours",
        {"police_hours": float(table["police_hours"].sum())},
        table,
    )


# ------------------------------------------------------------------------------------------
# Follow-up, engagement, referrals
# ------------------------------------------------------------------------------------------


def _responses_and_follow_ups(encounters: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    responses = encounters.filter(pl.col("kind").is_in(RESPONSE_KINDS)).select(
        "person_id", pl.col("started_at").alias("response_at")
    )
    follow_ups = encounters.filter(pl.col("kind").is_in(FOLLOW_UP_KINDS)).select(
        "person_id", "outcome", pl.col("started_at").alias("follow_up_at")
    )
    return responses, follow_ups


@metric(
    "follow_up_48h",
    "Follow-up within 48 hours of a crisis response",
    {"encounters": ("person_id", "started_at", "kind")},
)
def follow_up_48h(frames: Frames, params: Params) -> MetricResult:
    """Crisis responses (encounter kind crisis or co_response) followed by a follow-up contact
    (follow_up, phone, outreach, office) with the same person within 48 hours ÷ responses."""
    responses, follow_ups = _responses_and_follow_ups(_frame(frames, "encounters"))
    responses = responses.with_row_index("response")
    joined = responses.join(follow_ups, on="person_id", how="inner").filter(
        (pl.col("follow_up_at") > pl.col("response_at"))
        & (pl.col("follow_up_at") <= pl.col("response_at") + pl.duration(hours=48))
    )
    followed = joined["response"].n_unique()
    return share("follow_up_48h", followed, responses.height)


@metric(
    "follow_up_tasks_on_time",
    "Follow-up tasks done by their due time",
    {"tasks": ("due_at", "completed_at", "status")},
)
def follow_up_tasks_on_time(frames: Frames, params: Params) -> MetricResult:
    """Tasks done by due_at ÷ tasks due (due_at before the end of the period or now), cancelled
    tasks left out."""
    tasks = _frame(frames, "tasks").filter(pl.col("status") != "cancelled")
    if params.end is not None:
        tasks = tasks.filter(pl.col("due_at") < params.end)
    row = tasks.select(
        pl.len().alias("due"),
        _count_true(
            (pl.col("status") == "done") & (pl.col("completed_at") <= pl.col("due_at"))
        ).alias("on_time"),
    )
    return share("follow_up_tasks_on_time", int(row["on_time"][0]), int(row["due"][0]))


@metric(
    "engagement",
    "People who engage in follow-up",
    {"encounters": ("person_id", "started_at", "kind", "outcome")},
)
def engagement(frames: Frames, params: Params) -> MetricResult:
    """People served on scene (a crisis or co_response encounter) who later had a follow-up
    contact whose outcome is not declined or not_found ÷ people served."""
    responses, follow_ups = _responses_and_follow_ups(_frame(frames, "encounters"))
    first = responses.group_by("person_id").agg(pl.col("response_at").min())
    engaged = (
        first.join(
            follow_ups.filter(~pl.col("outcome").is_in(("declined", "not_found"))),
            on="person_id",
        )
        .filter(pl.col("follow_up_at") > pl.col("response_at"))["person_id"]
        .n_unique()
    )
    return share("engagement", engaged, first.height)


@metric(
    "referral_completion",
    "Referrals completed, and the funnel",
    {"referrals": ("status", "sent_at", "accepted_at", "engaged_at")},
)
def referral_completion(frames: Frames, params: Params) -> MetricResult:
    """Referrals completed ÷ referrals sent; parts give the funnel sent → accepted → engaged →
    completed. Referrals still open count in the denominator (completion is a floor)."""
    sent = _frame(frames, "referrals").filter(pl.col("sent_at").is_not_null())
    row = sent.select(
        pl.len().alias("sent"),
        pl.col("accepted_at").is_not_null().sum().alias("accepted"),
        (pl.col("engaged_at").is_not_null() | pl.col("status").is_in(REFERRAL_ENGAGED))
        .sum()
        .alias("engaged"),
        (pl.col("status") == "completed").sum().alias("completed"),
        pl.col("status").is_in(("sent", "accepted", "engaged")).sum().alias("open"),
    )
    counts = {k: int(row[k][0]) for k in row.columns}
    return share(
        "referral_completion",
        counts["completed"],
        counts["sent"],
        accepted=counts["accepted"],
        engaged=counts["engaged"],
        open=counts["open"],
    )


@metric(
    "referral_time_to_acceptance",
    "Time from sending a referral to its acceptance",
    {"referrals": ("sent_at", "accepted_at")},
)
def referral_time_to_acceptance(frames: Frames, params: Params) -> MetricResult:
    """accepted_at − sent_at in hours: the median (and p90) over accepted referrals."""
    hours = (
        _frame(frames, "referrals")
        .filter(pl.col("sent_at").is_not_null() & pl.col("accepted_at").is_not_null())
        .select(_hours("accepted_at", "sent_at").alias("h"))
        .filter(pl.col("h") >= 0)["h"]
    )
    if hours.len() == 0:
        return MetricResult("referral_time_to_acceptance", None, "hours", {"accepted": 0})
    return MetricResult(
        "referral_time_to_acceptance",
        float(hours.median()),  # type: ignore[arg-type]
        "hours",
        {"accepted": hours.len(), "p90": float(hours.quantile(0.9, "linear"))},  # type: ignore[arg-type]
    )


# ------------------------------------------------------------------------------------------
# Repeat calls before and after the first social-work contact
# ------------------------------------------------------------------------------------------


def before_after(
    events: pl.DataFrame,
    index: pl.DataFrame,
    windows: Sequence[int],
    data_start: datetime,
    data_end: datetime,
) -> pl.DataFrame:
    """Per window W (days): events per key in [t0 − W, t0) and in (t0, t0 + W], over the keys
    whose whole window lies inside [data_start, data_end].

    ``events`` has (key, at); ``index`` has (key, t0), one row per key. Returns one row per
    window: keys, before, after, mean_before, mean_after, change (after ÷ before − 1).
    """

    def inside(w: int) -> pl.Expr:
        return (pl.col("t0") - pl.duration(days=w) >= data_start) & (
            pl.col("t0") + pl.duration(days=w) <= data_end
        )

    days = (pl.col("at") - pl.col("t0")).dt.total_microseconds() / (24 * HOUR)
    longest = max(windows)
    # Totals over all keys at once: no per-key grouping is needed for sums and means.
    joined = (
        index.lazy()
        .join(events.lazy(), on="key", how="inner")
        .with_columns(days.alias("d"))
        .filter(pl.col("d").abs() <= longest)
    )
    sums = joined.select(
        *(
            expr
            for w in windows
            for expr in (
                (inside(w) & (pl.col("d") >= -w) & (pl.col("d") < 0)).sum().alias(f"b{w}"),
                (inside(w) & (pl.col("d") > 0) & (pl.col("d") <= w)).sum().alias(f"a{w}"),
            )
        )
    ).collect()
    keys = index.select(*(inside(w).sum().alias(f"k{w}") for w in windows))
    rows = []
    for w in windows:
        n, before, after = int(keys[f"k{w}"][0]), int(sums[f"b{w}"][0]), int(sums[f"a{w}"][0])
        rows.append(
            {
                "window_days": w,
                "keys": n,
                "before": before,
                "after": after,
                "mean_before": before / n if n else None,
                "mean_after": after / n if n else None,
                "change": after / before - 1 if before else None,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "window_days": pl.Int64,
            "keys": pl.Int64,
            "before": pl.Int64,
            "after": pl.Int64,
            "mean_before": pl.Float64,
            "mean_after": pl.Float64,
            "change": pl.Float64,
        },
    )


def _data_bounds(calls: pl.DataFrame, params: Params) -> tuple[datetime, datetime]:
    bounds = calls.select(pl.col("received_at").min().alias("a"), pl.col("received_at").max())
    start: datetime = bounds["a"][0]
    end: datetime = params.as_of or bounds["received_at"][0]
    return start, end


def _in_period(column: str, params: Params) -> pl.Expr:
    expr = pl.lit(True)
    if params.start is not None:
        expr = expr & (pl.col(column) >= params.start)
    if params.end is not None:
        expr = expr & (pl.col(column) < params.end)
    return expr


def _repeat_result(name: str, table: pl.DataFrame, windows: Sequence[int]) -> MetricResult:
    # the headline: the longest window that has anyone in it
    observed = table.filter(pl.col("keys") > 0).sort("window_days")
    headline = observed["change"][-1] if observed.height else None
    parts: dict[str, float | int | None] = {}
    for row in table.iter_rows(named=True):
        parts[f"keys_{row['window_days']}"] = row["keys"]
        parts[f"change_{row['window_days']}"] = row["change"]
    return MetricResult(name, headline, "change", parts, table)


@metric(
    "repeat_calls_person",
    "Calls per person before and after the first social-work contact",
    {"calls": ("received_at", "person_id"), "people": ("person_id", "first_contact_at")},
    history=True,
)
def repeat_calls_person(frames: Frames, params: Params) -> MetricResult:
    """Per window W in 90/180/365 days, for people whose first contact falls in the period and
    whose whole window is inside the data: calls in the W days before the first contact vs the
    W days after; the headline is the change (after ÷ before − 1) over the longest window that
    has anyone in it.
    No comparison group here: see analytics.evaluation.did for that."""
    calls, people = _frame(frames, "calls"), _frame(frames, "people")
    data_start, data_end = _data_bounds(calls, params)
    index = people.filter(
        pl.col("first_contact_at").is_not_null() & _in_period("first_contact_at", params)
    ).select(pl.col("person_id").alias("key"), pl.col("first_contact_at").alias("t0"))
    events = calls.select(
        pl.col("person_id").alias("key"), pl.col("received_at").alias("at")
    ).filter(pl.col("key").is_not_null())
    table = before_after(events, index, params.windows, data_start, data_end)
    return _repeat_result("repeat_calls_person", table, params.windows)


@metric(
    "repeat_calls_place",
    "Calls per place before and after the first social-work response there",
    {"calls": ("received_at", "location_key", "mode_dispatched")},
    history=True,
)
def repeat_calls_place(frames: Frames, params: Params) -> MetricResult:
    """As repeat_calls_person, for places: a place's first contact is its first call the
    program answered (mode co_response or alternative)."""
    calls = _frame(frames, "calls")
    data_start, data_end = _data_bounds(calls, params)
    placed = calls.select(
        pl.col("location_key").alias("key"), pl.col("received_at").alias("at"), "mode_dispatched"
    ).filter(pl.col("key").is_not_null())
    index = (
        placed.lazy()
        .filter(_program())
        .group_by("key")
        .agg(pl.col("at").min().alias("t0"))
        .filter(_in_period("t0", params))
        .collect()
    )
    events = placed.select("key", "at")
    table = before_after(events, index, params.windows, data_start, data_end)
    return _repeat_result("repeat_calls_place", table, params.windows)


# ------------------------------------------------------------------------------------------
# Cost
# ------------------------------------------------------------------------------------------


@metric(
    "cost_per_incident",
    "Cost per incident by mode",
    {
        "calls": ("call_id", "category", "mode_dispatched"),
        "units": ("call_id", "unit_type", "dispatched_at", "cleared_at"),
    },
)
def cost_per_incident(frames: Frames, params: Params) -> MetricResult:
    """(Σ unit-hours × hourly rate of the unit type + calls × fixed cost of the mode) ÷ calls,
    by dispatched mode; the headline is the alternative mode's. A unit type with no rate costs
    nothing and is listed in parts as unpriced unit-hours."""
    rates = params.rates
    if not rates.hourly and not rates.per_call:
        return MetricResult(
            "cost_per_incident", available=False, note="not available: no cost rates are set"
        )
    hourly = pl.col("unit_type").replace_strict(
        dict(rates.hourly), default=None, return_dtype=pl.Float64
    )
    cube = _unit_cube(frames).with_columns((pl.col("hours") * hourly).alias("cost"))
    unit_cost = cube.group_by("mode_dispatched").agg(pl.col("cost").sum().alias("unit_cost"))
    calls = _call_cube(frames).group_by("mode_dispatched").agg(pl.col("calls").sum())
    fixed = pl.col("mode_dispatched").replace_strict(
        dict(rates.per_call), default=0.0, return_dtype=pl.Float64
    )
    table = (
        calls.join(unit_cost, on="mode_dispatched", how="left")
        .with_columns(pl.col("unit_cost").fill_null(0.0), (fixed * pl.col("calls")).alias("fixed"))
        .with_columns(
            ((pl.col("unit_cost") + pl.col("fixed")) / pl.col("calls")).alias("cost_per_incident")
        )
        .sort("mode_dispatched")
    )
    unpriced = float(cube.filter(pl.col("cost").is_null())["hours"].sum())
    alternative = table.filter(pl.col("mode_dispatched") == "alternative")["cost_per_incident"]
    return MetricResult(
        "cost_per_incident",
        float(alternative[0]) if alternative.len() else None,
        "currency",
        {"unpriced_unit_hours": unpriced},
        table,
    )


@metric(
    "officer_hours_freed",
    "Officer-hours freed by calls answered without police",
    {
        "calls": ("call_id", "category", "mode_dispatched"),
        "units": ("call_id", "unit_type", "dispatched_at", "cleared_at"),
    },
)
def officer_hours_freed(frames: Frames, params: Params) -> MetricResult:
    """Σ over categories of (alternative calls × police unit-hours per police-mode call of the
    same category) − police unit-hours actually spent on alternative calls (backup). A category
    police never answered uses ``params.police_hours_per_call``, or the all-category mean."""
    police = _unit_cube(frames).filter(pl.col("unit_type") == "police")
    calls = _call_cube(frames)
    police_calls = (
        calls.filter(pl.col("mode_dispatched") == "police")
        .group_by("category")
        .agg(pl.col("calls").sum().alias("police_calls"))
    )
    police_hours = (
        police.filter(pl.col("mode_dispatched") == "police")
        .group_by("category")
        .agg(pl.col("hours").sum().alias("police_hours"))
    )
    total_calls = int(police_calls["police_calls"].sum())
    fallback = params.police_hours_per_call
    if fallback is None:
        fallback = ratio(float(police_hours["police_hours"].sum()), total_calls) or 0.0
    backup = (
        police.filter(pl.col("mode_dispatched") == "alternative")
        .group_by("category")
        .agg(pl.col("hours").sum().alias("backup_hours"))
    )
    table = (
        calls.filter(pl.col("mode_dispatched") == "alternative")
        .group_by("category")
        .agg(pl.col("calls").sum().alias("alternative_calls"))
        .join(police_calls, on="category", how="left")
        .join(police_hours, on="category", how="left")
        .join(backup, on="category", how="left")
        .with_columns(
            pl.when(pl.col("police_calls") > 0)
            .then(pl.col("police_hours").fill_null(0.0) / pl.col("police_calls"))
            .otherwise(pl.lit(fallback))
            .alias("hours_per_police_call"),
            pl.col("backup_hours").fill_null(0.0),
        )
        .with_columns(
            (
                pl.col("alternative_calls") * pl.col("hours_per_police_call")
                - pl.col("backup_hours")
            ).alias("hours_freed")
        )
        .sort("category")
    )
    return MetricResult(
        "officer_hours_freed",
        float(table["hours_freed"].sum()),
        "officer-hours",
        {"backup_hours": float(table["backup_hours"].sum())},
        table,
    )


# ------------------------------------------------------------------------------------------
# Call mix
# ------------------------------------------------------------------------------------------


@metric(
    "call_mix",
    "Call mix: non-criminal and behavioural-health shares, and calls by category",
    {"calls": ("category", "criminal", "behavioural_health")},
)
def call_mix(frames: Frames, params: Params) -> MetricResult:
    """Calls not reporting a crime ÷ calls (headline); behavioural-health calls ÷ calls; the
    table gives calls and share by category. Calls with the flag unknown count as neither."""
    calls = _frame(frames, "calls")
    row = calls.select(
        pl.len().alias("calls"),
        _count_true(~pl.col("criminal")).alias("non_criminal"),
        _count_true(pl.col("behavioural_health")).alias("bh"),
    )
    n = int(row["calls"][0])
    table = (
        calls.lazy()
        .group_by("category")
        .agg(pl.len().alias("calls"))
        .with_columns((pl.col("calls") / n).alias("share"))
        .sort("calls", descending=True)
        .collect()
    )
    bh = int(row["bh"][0])
    result = share(
        "call_mix",
        int(row["non_criminal"][0]),
        n,
        behavioural_health=bh,
        behavioural_health_share=ratio(bh, n),
    )
    return MetricResult(result.name, result.value, result.unit, result.parts, table)
