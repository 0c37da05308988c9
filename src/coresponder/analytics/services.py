"""The outcomes dashboard: a period's figures and chart tables for one agency, cached.

``dashboard_for`` extracts the agency's rows (``extract.py``), applies the filters, computes
the catalogue (``metrics.compute_dashboard``) and builds the chart tables; the result is kept in
Django's cache (the default backend: local memory, per process) under a key made of the agency,
the period, the filters, whether small cells are suppressed, and the **data version**: the count
and latest change time of the agency's calls, triage decisions, encounters, tasks and referrals,
and the count of placed calls. Any new or changed row changes the version, so the next request
computes afresh; an unchanged database is answered from the cache without extracting.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import polars as pl
from django.core.cache import cache
from django.db.models import Count, Max, Sum

from coresponder.accounts.models import Agency, Team
from coresponder.analytics.extract import extract
from coresponder.analytics.metrics import compute_dashboard
from coresponder.analytics.metrics.base import CATALOGUE, MetricResult, Params
from coresponder.analytics.metrics.frames import MODES, PROGRAM_MODES, Frames
from coresponder.analytics.metrics.suppression import suppress_matrix
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.calls.models import Call, ImportBatch
from coresponder.cases.models import Encounter, PersonCall, Task
from coresponder.linkage.models import CallLocation
from coresponder.referrals.models import Referral
from coresponder.triage.models import DispatcherAnswer, TriageDecision

CACHE_SECONDS = 6 * 3600
# Audited actions that add, rewrite or remove placed calls and links from calls to people.
LINKAGE_ACTIONS = (
    AuditAction.LINKAGE_RUN,
    AuditAction.LINK_CONFIRMED,
    AuditAction.LINK_REJECTED,
    AuditAction.PERSONS_UNMERGED,
    AuditAction.PLACE_ALIAS_SET,
    AuditAction.OUTREACH_STARTED,
)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
RESPONSE_BINS = (5, 10, 15, 20, 30, 45, 60)  # minutes; the last bin is "60+"
FUNNEL = ("sent", "accepted", "engaged", "completed")
CHART_COLUMNS = ("received_at", "on_scene_at", "mode_dispatched", "eligible")
HEADLINES = (
    "program_share",
    "diversion_rate",
    "eligible_coverage",
    "response_time",
    "follow_up_48h",
    "referral_completion",
    "officer_hours_freed",
    "call_mix",
)
_PERIOD = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])))?$")


class PeriodError(ValueError):
    """A period that is not YYYY, YYYY-MM or YYYY-Qn."""


@dataclass(frozen=True)
class Period:
    code: str
    start: datetime
    end: datetime
    kind: str  # year, quarter, month

    @property
    def label(self) -> str:
        if self.kind == "month":
            return self.start.strftime("%B %Y")
        if self.kind == "quarter":
            return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
        return str(self.start.year)


def parse_period(code: str) -> Period:
    match = _PERIOD.match(code.strip())
    if not match:
        raise PeriodError(f"{code!r} is not a period (2026, 2026-Q3 or 2026-10)")
    year = int(match.group(1))
    if match.group(2):
        month = int(match.group(2))
        start = datetime(year, month, 1, tzinfo=UTC)
        end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
        return Period(code, start, end, "month")
    if match.group(3):
        quarter = int(match.group(3))
        start = datetime(year, 3 * quarter - 2, 1, tzinfo=UTC)
        end = datetime(year + (quarter == 4), (3 * quarter) % 12 + 1, 1, tzinfo=UTC)
        return Period(code, start, end, "quarter")
    return Period(
        code, datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC), "year"
    )


def period_choices(agency_id: int) -> list[tuple[str, str]]:
    """Years, quarters and months of the agency's calls, latest first (the last two years)."""
    last = Call.objects.filter(agency_id=agency_id).aggregate(last=Max("received_at"))["last"]
    last = last or datetime.now(UTC)
    choices: list[tuple[str, str]] = []
    for year in (last.year, last.year - 1):
        choices.append((str(year), str(year)))
    quarter = (last.month - 1) // 3 + 1
    year = last.year
    for _ in range(8):
        choices.append((f"{year}-Q{quarter}", f"Q{quarter} {year}"))
        quarter, year = (quarter - 1, year) if quarter > 1 else (4, year - 1)
    month, year = last.month, last.year
    for _ in range(24):
        code = f"{year}-{month:02d}"
        choices.append((code, parse_period(code).label))
        month, year = (month - 1, year) if month > 1 else (12, year - 1)
    return choices


def default_period(agency_id: int) -> str:
    return period_choices(agency_id)[0][0]


@dataclass(frozen=True)
class Filters:
    team: str = ""
    district: str = ""
    mode: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"team": self.team, "district": self.district, "mode": self.mode}


@dataclass
class ChartTable:
    """A chart's numbers: counts by row and column, with totals; ``None`` where suppressed."""

    name: str
    title: str
    row_label: str
    rows: list[str]
    columns: list[str]
    values: list[list[int | None]]
    totals: bool = True
    caption: str = ""
    suppressed: int = 0
    spec: dict[str, Any] = field(default_factory=dict)

    @property
    def table_rows(self) -> list[tuple[str, list[int | None]]]:
        return list(zip(self.rows, self.values, strict=True))

    def csv_rows(self) -> list[list[str]]:
        header = [self.row_label, *self.columns]
        body = [
            [row, *("suppressed" if v is None else str(v) for v in line)]
            for row, line in zip(self.rows, self.values, strict=True)
        ]
        return [header, *body]


@dataclass(frozen=True)
class Headline:
    name: str
    title: str
    figure: str  # as shown: "42 %", "11.2 min", "not available", "suppressed"
    detail: str = ""


@dataclass
class Dashboard:
    period: Period
    filters: Filters
    suppressed: bool
    headlines: dict[str, MetricResult]
    figures: list[Headline]
    charts: dict[str, ChartTable]
    version: str
    computed_at: datetime


def data_version(agency_id: int) -> str:
    """What changes whenever the agency's data does, read from small tables and from the ends
    of indexes only: no count over millions of rows (at 5,000,000 calls three such counts took
    0.65 s of every cached request).

    Calls: every call is written by an import batch (a file or the live feed), so the batches'
    count, sums of rows and latest times change with any new or updated call; the highest call
    id is read from the index as well. Triage: the highest decision id (decisions are added
    with their calls, and removed only with them), the count and highest id of the
    dispatchers' answers. Linkage: the highest placed call and link from a call to a person
    (any new row), and the latest audited linkage action (a run that places calls or links
    people afresh, a confirmed, rejected or undone link, a place alias, outreach), as those
    also rewrite or remove rows. Case records: count and latest change of encounters,
    tasks and referrals (small tables). The frames' snapshots (``snapshot.py``) are kept under
    this version too, so it must change with anything ``extract`` reads.
    """
    parts: list[Any] = [
        ImportBatch.objects.filter(agency_id=agency_id)
        .order_by()
        .aggregate(
            n=Count("pk"),
            rows=Sum("rows_done"),
            new=Sum("new"),
            updated=Sum("updated"),
            started=Max("started_at"),
            finished=Max("finished_at"),
        ),
        Call.objects.filter(agency_id=agency_id).aggregate(last=Max("id")),
        TriageDecision.objects.filter(agency_id=agency_id).aggregate(last=Max("id")),
        DispatcherAnswer.objects.order_by().aggregate(n=Count("pk"), last=Max("id")),
        CallLocation.objects.aggregate(last=Max("call_id")),
        PersonCall.objects.aggregate(last=Max("id")),
        # one query per action: each reads the end of the action's index
        [
            AuditEvent.objects.filter(action=action).aggregate(last=Max("seq"))["last"]
            for action in LINKAGE_ACTIONS
        ],
    ]
    for model in (Encounter, Task, Referral):
        parts.append(
            model.objects.filter(agency_id=agency_id)
            .order_by()
            .aggregate(n=Count("pk"), last=Max("updated_at"))
        )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def filter_options(agency_id: int, version: str) -> dict[str, list[tuple[str, str]]]:
    """The choices of the filters (periods, teams, districts), cached with the data version."""
    key = f"outcomes-options:{agency_id}:{version}"
    found = cache.get(key)
    if isinstance(found, dict):
        return found
    teams = Team.objects.filter(agency_id=agency_id).order_by("name").values_list("name", flat=True)
    districts = (
        Call.objects.filter(agency_id=agency_id)
        .exclude(district="")
        .order_by("district")
        .values_list("district", flat=True)
        .distinct()
    )
    options = {
        "periods": period_choices(agency_id),
        "teams": [(t, t) for t in teams],
        "districts": [(d, d) for d in districts[:200]],
    }
    cache.set(key, options, CACHE_SECONDS)
    return options


def cache_key(
    agency_id: int, period: Period, filters: Filters, suppressed: bool, version: str
) -> str:
    return (
        f"outcomes:{agency_id}:{period.code}:{filters.team}|{filters.district}|{filters.mode}:"
        f"{int(suppressed)}:{version}"
    )


def dashboard_for(
    agency_id: int,
    period: Period,
    filters: Filters,
    *,
    suppressed: bool,
    version: str | None = None,
) -> tuple[Dashboard, bool]:
    """The dashboard and whether it came from the cache (``version``: ``data_version``, if the
    caller has it already)."""
    version = version or data_version(agency_id)
    key = cache_key(agency_id, period, filters, suppressed, version)
    hashed = "outcomes:" + hashlib.sha256(key.encode()).hexdigest()
    found = cache.get(hashed)
    if isinstance(found, Dashboard):
        return found, True
    dashboard = compute(agency_id, period, filters, suppressed=suppressed, version=version)
    cache.set(hashed, dashboard, CACHE_SECONDS)
    return dashboard, False


def apply_filters(frames: Frames, filters: Filters) -> Frames:
    """Calls of the team, district and mode chosen; case records of the team chosen."""
    calls = frames.calls
    if calls is not None:
        if filters.team:
            calls = calls.filter(pl.col("team") == filters.team)
        if filters.district:
            calls = calls.filter(pl.col("district") == filters.district)
        if filters.mode:
            calls = calls.filter(pl.col("mode_dispatched") == filters.mode)

    def by_team(frame: pl.DataFrame | None) -> pl.DataFrame | None:
        if frame is None or not filters.team:
            return frame
        return frame.filter(pl.col("team") == filters.team)

    return Frames(
        calls=calls,
        units=frames.units,
        encounters=by_team(frames.encounters),
        tasks=by_team(frames.tasks),
        referrals=by_team(frames.referrals),
        people=frames.people,
    )


def compute(
    agency_id: int, period: Period, filters: Filters, *, suppressed: bool, version: str = ""
) -> Dashboard:
    zone = Agency.objects.filter(pk=agency_id).values_list("time_zone", flat=True).first()
    frames = extract(agency_id, period.start, period.end, time_zone=zone or "UTC", version=version)
    frames = apply_filters(frames, filters)
    # periods are the agency's calendar: the frames' times are local
    start, end = period.start.replace(tzinfo=None), period.end.replace(tzinfo=None)
    params = Params(start=start, end=end)
    results = compute_dashboard(frames, params)
    headlines = {name: results[name] for name in HEADLINES}
    in_period = None
    if frames.calls is not None:
        # only the columns the charts read: a filter copies every column it keeps
        in_period = (
            frames.calls.lazy()
            .select(CHART_COLUMNS)
            .filter((pl.col("received_at") >= start) & (pl.col("received_at") < end))
            .collect()
        )
    charts = {
        "calls_by_mode": calls_by_mode(in_period, period),
        "coverage": coverage_by_hour(in_period),
        "response_times": response_times(in_period),
        "repeat_calls": repeat_calls(results),
        "referral_funnel": referral_funnel(frames, start, end),
    }
    if suppressed:
        for chart in charts.values():
            suppress(chart)
    from coresponder.analytics import charts as specs

    for chart in charts.values():
        chart.spec = specs.spec_for(chart)
    figures = [headline(results[name], suppressed) for name in HEADLINES]
    return Dashboard(
        period, filters, suppressed, headlines, figures, charts, version, datetime.now(UTC)
    )


def headline(result: MetricResult, suppressed: bool) -> Headline:
    """The figure shown for a metric; under suppression, none that rests on 1–10 cases."""
    title = CATALOGUE[result.name].title
    if not result.available:
        return Headline(result.name, title, "not available", result.note)
    if result.value is None:
        return Headline(result.name, title, "no data", "")
    counts = [
        v
        for k, v in result.parts.items()
        if k in ("numerator", "denominator", "timed", "accepted") and isinstance(v, int)
    ]
    if suppressed and any(1 <= v <= 10 for v in counts):
        return Headline(result.name, title, "suppressed", "rests on 1–10 cases")
    detail = ""
    if result.unit == "share":
        figure = f"{result.value:.0%}"
        if "numerator" in result.parts:
            detail = f"{result.parts['numerator']:,} of {result.parts['denominator']:,}"
    elif result.unit == "minutes":
        figure = f"{result.value:.1f} min"
        p90 = result.parts.get("program_p90")
        detail = f"median; 90th percentile {p90:.1f} min" if p90 is not None else "median"
    else:
        figure = f"{result.value:,.0f} {result.unit}".rstrip()
    return Headline(result.name, title, figure, detail)


def _grid(
    long: pl.DataFrame, row: str, column: str, rows: list[str], columns: list[str], value: str
) -> list[list[int | None]]:
    lookup = {
        (str(r), str(c)): int(v)
        for r, c, v in long.select(row, column, value).iter_rows()
        if r is not None and c is not None
    }
    return [[lookup.get((r, c), 0) for c in columns] for r in rows]


def _with_totals(values: list[list[int | None]]) -> list[list[int | None]]:
    body = [[*line, sum(v or 0 for v in line)] for line in values]
    if not body:
        return body
    totals = [sum((line[j] or 0) for line in body) for j in range(len(body[0]))]
    return [*body, list(totals)]


def calls_by_mode(calls: pl.DataFrame | None, period: Period) -> ChartTable:
    bucket = "month" if period.kind == "year" else "week"
    chart = ChartTable(
        "calls_by_mode",
        "Calls by response mode over time",
        bucket.capitalize() + " starting",
        [],
        [*MODES, "total"],
        [],
        caption=f"Calls received each {bucket}, by the mode sent.",
    )
    if calls is None or not calls.height:
        return chart
    every = "1mo" if bucket == "month" else "1w"
    # dates are written on the counted buckets, not on every call
    long = (
        calls.lazy()
        .group_by(
            pl.col("received_at").dt.truncate(every).alias("bucket"),
            pl.col("mode_dispatched").fill_null("unknown").cast(pl.Utf8).alias("mode"),
        )
        .len("n")
        .with_columns(pl.col("bucket").dt.strftime("%Y-%m-%d"))
        .collect()
    )
    chart.rows = sorted(long["bucket"].unique().to_list())
    chart.values = _with_totals(_grid(long, "bucket", "mode", chart.rows, list(MODES), "n"))
    chart.rows = [*chart.rows, "total"]
    return chart


def coverage_by_hour(calls: pl.DataFrame | None) -> ChartTable:
    columns = [f"{h:02d}" for h in range(24)]
    chart = ChartTable(
        "coverage",
        "Eligible calls and calls the program served, by hour of week",
        "Day and measure",
        [],
        [*columns, "total"],
        [],
        caption="Eligible calls (the program's criteria say it could take them) and those it "
        "served (co-response or alternative), by weekday and hour the call was received.",
    )
    if calls is None or not calls.height:
        return chart
    long = (
        calls.lazy()
        .filter(pl.col("eligible").fill_null(False))
        .with_columns(
            pl.col("received_at").dt.weekday().alias("day"),
            pl.col("received_at").dt.hour().alias("hour"),
            pl.col("mode_dispatched").cast(pl.Utf8).is_in(PROGRAM_MODES).alias("served"),
        )
        .group_by("day", "hour")
        .agg(pl.len().alias("eligible"), pl.col("served").sum().alias("served"))
        .collect()
    )
    grids = {}
    for measure in ("eligible", "served"):
        values = [[0] * 24 for _ in range(7)]
        for day, hour, n in long.select("day", "hour", measure).iter_rows():
            values[day - 1][hour] = int(n)
        grids[measure] = values
    chart.rows = [f"{WEEKDAYS[d]} {m}" for m in ("eligible", "served") for d in range(7)]
    chart.values = [[*line, sum(line)] for m in ("eligible", "served") for line in grids[m]]
    chart.totals = False  # two stacked grids; each row carries its own total
    return chart


def response_times(calls: pl.DataFrame | None) -> ChartTable:
    labels = [
        f"{lo}–{hi} min" for lo, hi in zip((0, *RESPONSE_BINS[:-1]), RESPONSE_BINS, strict=True)
    ] + [f"{RESPONSE_BINS[-1]}+ min"]
    chart = ChartTable(
        "response_times",
        "Response times by mode",
        "Received to on scene",
        labels + ["total"],
        [*MODES, "total"],
        [],
        caption="Calls by the minutes from the call being received to the first unit on scene.",
    )
    if calls is None or not calls.height:
        chart.rows = []
        return chart
    minutes = (pl.col("on_scene_at") - pl.col("received_at")).dt.total_seconds() / 60
    timed = (
        calls.lazy()
        .filter(pl.col("on_scene_at").is_not_null())
        .with_columns(
            minutes.alias("minutes"), pl.col("mode_dispatched").cast(pl.Utf8).alias("mode")
        )
        .filter(pl.col("minutes") >= 0)
    )
    index = pl.lit(len(RESPONSE_BINS))
    for position, edge in reversed(list(enumerate(RESPONSE_BINS))):
        index = pl.when(pl.col("minutes") < edge).then(pl.lit(position)).otherwise(index)
    # labels are put on the counted bins, not on every call
    long = (
        timed.with_columns(index.alias("bin"))
        .group_by("bin", "mode")
        .len("n")
        .with_columns(
            pl.col("bin").replace_strict(list(range(len(labels))), labels, return_dtype=pl.Utf8)
        )
        .collect()
    )
    chart.values = _with_totals(_grid(long, "bin", "mode", labels, list(MODES), "n"))
    return chart


def repeat_calls(results: dict[str, MetricResult]) -> ChartTable:
    chart = ChartTable(
        "repeat_calls",
        "Calls before and after the first social-work contact",
        "Window",
        [],
        ["before", "after", "total"],
        [],
        caption="Calls by the people (and at the places) the program met, in the days before "
        "and after the first contact (people and places with the whole window in the data).",
    )
    for name, label in (("repeat_calls_person", "people"), ("repeat_calls_place", "places")):
        result = results[name]
        if not result.available or result.table is None:
            continue
        for window, before, after in result.table.select(
            "window_days", "before", "after"
        ).iter_rows():
            chart.rows.append(f"{label}, {window} days")
            chart.values.append([int(before), int(after), int(before) + int(after)])
    chart.totals = False
    return chart


def referral_funnel(frames: Frames, start: datetime, end: datetime) -> ChartTable:
    chart = ChartTable(
        "referral_funnel",
        "Referral funnel",
        "Stage",
        [],
        ["referrals"],
        [],
        caption="Referrals sent in the period, and how many the partner accepted, engaged and "
        "completed (each stage counts those that reached it).",
        totals=False,
    )
    referrals = frames.referrals
    if referrals is None:
        return chart
    sent = referrals.filter((pl.col("sent_at") >= start) & (pl.col("sent_at") < end))
    counts = {
        "sent": sent.height,
        "accepted": sent.filter(pl.col("accepted_at").is_not_null()).height,
        "engaged": sent.filter(pl.col("engaged_at").is_not_null()).height,
        "completed": sent.filter(pl.col("status") == "completed").height,
    }
    chart.rows = list(FUNNEL)
    chart.values = [[counts[stage]] for stage in FUNNEL]
    return chart


def suppress(chart: ChartTable) -> None:
    """Hide counts of 1–10, and further cells so that totals do not give them back."""
    if not chart.values:
        return
    if chart.name == "coverage":
        # two grids (eligible, served), each 7 × 24 with its row totals and column totals
        hidden_rows: list[list[int | None]] = []
        for g in range(2):
            block = np.array(
                [line[:24] for line in chart.values[7 * g : 7 * g + 7]], dtype=np.int64
            )
            grid, _, hidden = suppress_matrix(block, row_totals=True, col_totals=True)
            for i in range(7):
                hidden_rows.append([None if hidden[i, j] else int(grid[i, j]) for j in range(25)])
        chart.values = hidden_rows
    elif chart.totals:
        body = np.array([line[:-1] for line in chart.values[:-1]], dtype=np.int64)
        grid, _, hidden = suppress_matrix(body, row_totals=True, col_totals=True)
        chart.values = [
            [None if hidden[i, j] else int(grid[i, j]) for j in range(grid.shape[1])]
            for i in range(grid.shape[0])
        ]
    elif chart.name == "repeat_calls":
        body = np.array([line[:2] for line in chart.values], dtype=np.int64)
        grid, _, hidden = suppress_matrix(body, row_totals=True, col_totals=False)
        chart.values = [
            [None if hidden[i, j] else int(grid[i, j]) for j in range(3)] for i in range(len(body))
        ]
    else:
        # the funnel: nested stages, not parts of a whole; a stage of 1–10 is hidden, and so is
        # a stage whose difference from the stage before it is 1–10 (it would give that back)
        shown: list[list[int | None]] = []
        previous: int | None = None
        for line in chart.values:
            value = int(line[0] or 0)
            small = 1 <= value <= 10
            gap = previous is not None and 1 <= previous - value <= 10
            shown.append([None if small or gap else value])
            previous = value
        chart.values = shown
    chart.suppressed = sum(v is None for line in chart.values for v in line)
