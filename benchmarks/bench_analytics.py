"""Analytics: a year's dashboard metrics over 5,000,000 calls and 500,000 encounters, cold,
with Polars (the catalogue) and with pandas (the same metrics written for pandas), in one run.

    .venv/bin/python benchmarks/bench_analytics.py            # 5,000,000 calls (about 4 GB)
    .venv/bin/python benchmarks/bench_analytics.py --quick    # 200,000 calls, not recorded
    COREPONDER_DATA_DIR=DIR .venv/bin/python benchmarks/bench_analytics.py --parts dashboard

``--parts dashboard`` measures the product path instead: the outcomes dashboard of a year
(``analytics.services.dashboard_for``: extraction from the database, the filters, the catalogue,
the chart tables and their Vega-Lite specifications) on the database of ``COREPONDER_DATA_DIR``
(load it first with ``coresponder init`` and ``coresponder demo --calls N``), cold (empty
cache) and cached (the same request again: the data-version query and a cache hit).

The frames are generated in memory with numpy (vectorised, seeded): calls spread over one year
(the dashboard's period), about 1.3 units per call, encounters, follow-up tasks, referrals and
the people's first contacts. Both libraries get the same arrays (string columns as categoricals
in both). "Cold" is the first computation in the process, with nothing cached; the catalogue is
then run twice more. Every headline value is compared between the two before the ratio is
printed, so the two compute the same thing.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from coresponder.analytics.metrics import (  # noqa: E402
    CostRates,
    Frames,
    Params,
    compute_dashboard,
)

YEAR = datetime(2026, 1, 1)
YEAR_END = datetime(2027, 1, 1)
US_PER_YEAR = int((YEAR_END - YEAR).total_seconds() * 1_000_000)
CATEGORIES = [
    "mental_health", "welfare_check", "intoxication", "suicide_threat", "homeless_concern",
    "disturbance", "noise", "trespass", "theft", "burglary", "assault", "domestic", "traffic",
    "suspicious", "alarm", "medical", "fire", "parking", "fraud", "weapons",
]  # fmt: skip
CRIMINAL = {"theft", "burglary", "assault", "domestic", "fraud", "weapons", "trespass"}
BH = {"mental_health", "intoxication", "suicide_threat", "welfare_check", "homeless_concern"}
MODES = ["police", "co_response", "alternative", "ems", "referral", "no_dispatch"]
RATES = CostRates(
    hourly={"police": 120.0, "social_worker": 65.0, "co_response": 180.0, "ems": 150.0},
    per_call={"alternative": 25.0, "co_response": 25.0, "police": 40.0},
)
PARAMS = Params(start=YEAR, end=YEAR_END, rates=RATES)


# ------------------------------------------------------------------------------------------
# Generation: plain numpy arrays, then a Polars and a pandas frame over the same arrays
# ------------------------------------------------------------------------------------------


def _times(rng: np.random.Generator, n: int) -> np.ndarray:
    offsets = rng.integers(0, US_PER_YEAR, n)
    return np.datetime64(YEAR, "us") + offsets.astype("timedelta64[us]")


def _minutes(values: np.ndarray) -> np.ndarray:
    return (values * 60_000_000).astype("int64").astype("timedelta64[us]")


def _nat_where(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    out = values.copy()
    out[mask] = np.datetime64("NaT")
    return out


def generate(calls_n: int, encounters_n: int, seed: int = 8) -> dict[str, dict[str, Any]]:
    """Columns as numpy arrays; strings as (codes, labels); nullable values with a mask."""
    rng = np.random.default_rng(seed)
    n = calls_n
    received = _times(rng, n)
    category = rng.choice(len(CATEGORIES), n, p=_weights(len(CATEGORIES), rng)).astype("int16")
    cat_names = np.array(CATEGORIES)
    is_bh = np.isin(cat_names, sorted(BH))[category]
    is_criminal = np.isin(cat_names, sorted(CRIMINAL))[category]
    eligible = is_bh & (rng.random(n) < 0.8)
    mode = np.where(
        eligible,
        rng.choice([1, 2, 0], n, p=[0.25, 0.35, 0.40]),
        rng.choice([0, 3, 4, 5], n, p=[0.82, 0.1, 0.04, 0.04]),
    ).astype("int8")
    recommended = np.where(rng.random(n) < 0.9, mode, rng.integers(0, 6, n)).astype("int8")
    no_scene = rng.random(n) < 0.05
    on_scene = _nat_where(received + _minutes(rng.lognormal(2.4, 0.6, n)), no_scene)
    cleared = received + _minutes(rng.lognormal(3.6, 0.7, n) + 10)
    program = (mode == 1) | (mode == 2)
    person = np.where(rng.random(n) < 0.3, rng.integers(0, 300_000, n), -1)
    location = rng.integers(0, 200_000, n)
    unknown_outcome = rng.random(n) < 0.02
    calls: dict[str, Any] = {
        "call_id": np.arange(n, dtype="int64"),
        "received_at": received,
        "on_scene_at": on_scene,
        "cleared_at": cleared,
        "category": (category, CATEGORIES),
        "public_initiated": rng.random(n) < 0.8,
        "criminal": is_criminal,
        "behavioural_health": is_bh,
        "mode_recommended": (recommended, MODES),
        "mode_dispatched": (mode, MODES),
        "eligible": eligible,
        "district": (rng.integers(0, 10, n).astype("int8"), [f"D{i}" for i in range(10)]),
        "team": (np.where(program, rng.integers(0, 3, n), -1).astype("int8"), ["A", "B", "C"]),
        "disposition": (rng.integers(0, 8, n).astype("int8"), [f"DSP{i}" for i in range(8)]),
        "arrest": (rng.random(n) < np.where(program, 0.002, 0.05), unknown_outcome),
        "involuntary_hold": (rng.random(n) < np.where(program, 0.03, 0.01), unknown_outcome),
        "transport": (rng.random(n) < np.where(program, 0.15, 0.05), unknown_outcome),
        "location_key": (location.astype("int32"), None),
        "person_id": (person, person < 0),
    }
    # units: 1 for most calls, 2 or 3 for some; the type follows the mode
    per_call = rng.choice([1, 2, 3], n, p=[0.75, 0.2, 0.05])
    unit_call = np.repeat(np.arange(n), per_call)
    unit_mode = mode[unit_call]
    unit_type = np.select(
        [unit_mode == 2, unit_mode == 1, unit_mode == 3],
        [np.where(rng.random(len(unit_call)) < 0.9, 1, 0), 2, 3],
        default=0,
    ).astype("int8")
    dispatched = received[unit_call] + _minutes(rng.exponential(3, len(unit_call)))
    unit_cleared = _nat_where(
        dispatched + _minutes(rng.lognormal(3.7, 0.8, len(unit_call))),
        rng.random(len(unit_call)) < 0.01,
    )
    units: dict[str, Any] = {
        "call_id": unit_call.astype("int64"),
        "unit_type": (unit_type, ["police", "social_worker", "co_response", "ems"]),
        "dispatched_at": dispatched,
        "cleared_at": unit_cleared,
    }
    m = encounters_n
    enc_person = rng.integers(0, 100_000, m)
    kinds = ["crisis", "co_response", "follow_up", "phone", "outreach", "office"]
    outcomes = ["resolved", "involuntary_hold", "arrest", "referral", "declined", "not_found"]
    encounters: dict[str, Any] = {
        "encounter_id": np.arange(m, dtype="int64"),
        "case_id": enc_person.astype("int64"),
        "person_id": enc_person.astype("int64"),
        "call_id": (np.zeros(m, dtype="int64"), np.ones(m, dtype=bool)),
        "started_at": _times(rng, m),
        "kind": (rng.choice(6, m, p=[0.3, 0.15, 0.25, 0.15, 0.1, 0.05]).astype("int8"), kinds),
        "police_backup": rng.random(m) < 0.04,
        "force_used": rng.random(m) < 0.002,
        "outcome": (rng.choice(6, m, p=[0.6, 0.03, 0.01, 0.2, 0.1, 0.06]).astype("int8"), outcomes),
    }
    k = max(m // 5, 10)
    task_created = _times(rng, k)
    task_due = task_created + np.timedelta64(48, "h")
    task_done = rng.random(k) < 0.8
    tasks: dict[str, Any] = {
        "task_id": np.arange(k, dtype="int64"),
        "case_id": rng.integers(0, 100_000, k),
        "created_at": task_created,
        "due_at": task_due,
        "completed_at": _nat_where(task_created + _minutes(rng.exponential(1800, k)), ~task_done),
        "status": (np.where(task_done, 1, rng.choice([0, 2], k)).astype("int8"),
                   ["open", "done", "cancelled"]),
    }  # fmt: skip
    r = max(m // 5, 10)
    sent = _times(rng, r)
    stage = rng.choice(5, r, p=[0.1, 0.15, 0.15, 0.4, 0.2])  # 0 draft .. 3 completed, 4 declined
    statuses = ["draft", "sent", "accepted", "completed", "declined"]
    accepted = _nat_where(sent + _minutes(rng.exponential(600, r)), ~np.isin(stage, [2, 3]))
    referrals: dict[str, Any] = {
        "referral_id": np.arange(r, dtype="int64"),
        "person_id": rng.integers(0, 100_000, r),
        "status": (stage.astype("int8"), statuses),
        "sent_at": _nat_where(sent, stage == 0),
        "accepted_at": accepted,
        "engaged_at": _nat_where(accepted + _minutes(rng.exponential(2000, r)), stage != 3),
        "closed_at": _nat_where(sent + _minutes(rng.exponential(9000, r)), stage < 3),
    }
    p = 100_000
    people: dict[str, Any] = {
        "person_id": np.arange(p, dtype="int64"),
        "first_contact_at": _times(rng, p),
    }
    return {
        "calls": calls,
        "units": units,
        "encounters": encounters,
        "tasks": tasks,
        "referrals": referrals,
        "people": people,
    }


def _weights(k: int, rng: np.random.Generator) -> np.ndarray:
    w = rng.dirichlet(np.ones(k) * 2)
    return w / w.sum()


def to_polars(columns: dict[str, Any]) -> pl.DataFrame:
    series = []
    for name, value in columns.items():
        if isinstance(value, tuple) and value[1] is None:  # keys shown as strings
            series.append(pl.Series(name, value[0]).cast(pl.Utf8).cast(pl.Categorical))
        elif isinstance(value, tuple) and isinstance(value[1], list):  # codes and labels
            codes, labels = value
            s = pl.Series(name, codes).replace_strict(
                list(range(len(labels))), labels, default=None, return_dtype=pl.Categorical
            )
            series.append(s)
        elif isinstance(value, tuple):  # values and a null mask
            s = pl.Series(name, value[0])
            series.append(s.set(pl.Series(value[1]), None))
        else:
            series.append(pl.Series(name, value))
    return pl.DataFrame(series)


def to_pandas(columns: dict[str, Any]) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for name, value in columns.items():
        if isinstance(value, tuple) and value[1] is None:
            data[name] = pd.Categorical(value[0].astype(str))
        elif isinstance(value, tuple) and isinstance(value[1], list):
            codes, labels = value
            data[name] = pd.Categorical.from_codes(np.where(codes < 0, -1, codes), labels)
        elif isinstance(value, tuple):
            array, mask = value
            dtype = "boolean" if array.dtype == bool else "Int64"
            data[name] = pd.array(np.where(mask, 0, array), dtype=dtype)
            data[name][mask] = pd.NA
        else:
            data[name] = value
    return pd.DataFrame(data)


# ------------------------------------------------------------------------------------------
# The same metrics, written for pandas
# ------------------------------------------------------------------------------------------

PROGRAM = ["co_response", "alternative"]


def pandas_dashboard(f: dict[str, pd.DataFrame]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    start, end = pd.Timestamp(YEAR), pd.Timestamp(YEAR_END)
    full_calls = f["calls"]
    calls = full_calls[(full_calls.received_at >= start) & (full_calls.received_at < end)]
    units = f["units"][(f["units"].dispatched_at >= start) & (f["units"].dispatched_at < end)]
    enc = f["encounters"]
    enc = enc[(enc.started_at >= start) & (enc.started_at < end)]
    tasks = f["tasks"][(f["tasks"].created_at >= start) & (f["tasks"].created_at < end)]
    refs = f["referrals"]
    refs = refs[(refs.sent_at >= start) & (refs.sent_at < end)]
    mode = calls.mode_dispatched
    program = mode.isin(PROGRAM)

    public = calls.public_initiated
    out["program_share"] = (program & public).sum() / public.sum()
    diverted = (mode == "alternative").sum()
    out["diversion_rate"] = diverted / (diverted + mode.isin(["police", "co_response"]).sum())
    el = calls[calls.eligible]
    grid = (
        pd.DataFrame(
            {
                "weekday": el.received_at.dt.weekday + 1,
                "hour": el.received_at.dt.hour,
                "served": el.mode_dispatched.isin(PROGRAM),
            }
        )
        .groupby(["weekday", "hour"])
        .served.agg(["size", "sum"])
    )
    out["eligible_coverage"] = grid["sum"].sum() / grid["size"].sum()
    crisis = enc[enc.kind == "crisis"]
    out["police_backup_rate"] = crisis.police_backup.sum() / len(crisis)
    prog_calls = calls[program]
    for col in ("arrest", "involuntary_hold", "transport"):
        out[f"{col}_rate"] = prog_calls[col].fillna(False).sum() / len(prog_calls)
    minutes = (calls.on_scene_at - calls.received_at).dt.total_seconds() / 60
    timed = pd.DataFrame({"mode": mode, "minutes": minutes})
    timed = timed[timed.minutes >= 0]
    timed.groupby("mode", observed=True).minutes.agg(["size", "median", lambda s: s.quantile(0.9)])
    out["response_time"] = timed[timed["mode"].isin(PROGRAM)].minutes.median()
    hours = pd.DataFrame(
        {
            "call_id": units.call_id,
            "unit_type": units.unit_type,
            "hours": (units.cleared_at - units.dispatched_at).dt.total_seconds() / 3600,
        }
    )
    hours = hours[hours.hours >= 0].merge(
        calls[["call_id", "category", "mode_dispatched"]], on="call_id", how="inner"
    )
    hours["police_h"] = hours.hours.where(hours.unit_type == "police", 0.0)
    tot = hours.groupby("category", observed=True).agg(
        calls=("call_id", "nunique"), units=("hours", "size"), unit_hours=("hours", "sum"),
        police_hours=("police_h", "sum"),
    )  # fmt: skip
    out["time_on_task"] = tot.unit_hours.sum()
    resp = enc[enc.kind.isin(["crisis", "co_response"])][["person_id", "started_at"]]
    resp = resp.rename(columns={"started_at": "response_at"}).reset_index(drop=True)
    resp["response"] = np.arange(len(resp))
    fu = enc[enc.kind.isin(["follow_up", "phone", "outreach", "office"])]
    fu = fu[["person_id", "outcome", "started_at"]].rename(columns={"started_at": "follow_up_at"})
    j = resp.merge(fu, on="person_id")
    ok = (j.follow_up_at > j.response_at) & (
        j.follow_up_at <= j.response_at + pd.Timedelta(hours=48)
    )
    out["follow_up_48h"] = j[ok].response.nunique() / len(resp)
    t = tasks[tasks.status != "cancelled"]
    t = t[t.due_at < end]
    out["follow_up_tasks_on_time"] = (
        (t.status == "done") & (t.completed_at <= t.due_at)
    ).sum() / len(t)
    first = resp.groupby("person_id").response_at.min().reset_index()
    e = first.merge(fu[~fu.outcome.isin(["declined", "not_found"])], on="person_id")
    out["engagement"] = e[e.follow_up_at > e.response_at].person_id.nunique() / len(first)
    sent = refs[refs.sent_at.notna()]
    out["referral_completion"] = (sent.status == "completed").sum() / len(sent)
    acc = sent[sent.accepted_at.notna()]
    h = (acc.accepted_at - acc.sent_at).dt.total_seconds() / 3600
    out["referral_time_to_acceptance"] = h[h >= 0].median()
    out["repeat_calls_person"] = _pandas_repeat_person(full_calls, f["people"], start, end)
    out["repeat_calls_place"] = _pandas_repeat_place(full_calls, start, end)
    out.update(_pandas_cost(calls, hours))
    out["call_mix"] = (~calls.criminal).sum() / len(calls)
    calls.groupby("category", observed=True).size()
    return out


def _pandas_before_after(
    events: pd.DataFrame, index: pd.DataFrame, data_start: Any, data_end: Any
) -> float | None:
    j = index.merge(events, on="key", how="left")
    d = (j["at"] - j["t0"]).dt.total_seconds() / 86400
    for w in (90, 180, 365):
        j[f"b{w}"] = (d >= -w) & (d < 0)
        j[f"a{w}"] = (d > 0) & (d <= w)
    per = (
        j.groupby(["key", "t0"], observed=True)[[f"{p}{w}" for w in (90, 180, 365) for p in "ba"]]
        .sum()
        .reset_index()
    )
    result = None
    for w in (90, 180, 365):
        inside = per[
            (per.t0 - pd.Timedelta(days=w) >= data_start)
            & (per.t0 + pd.Timedelta(days=w) <= data_end)
        ]
        before, after = inside[f"b{w}"].sum(), inside[f"a{w}"].sum()
        if len(inside):
            result = after / before - 1 if before else None
    return result


def _pandas_repeat_person(calls: pd.DataFrame, people: pd.DataFrame, start: Any, end: Any) -> Any:
    data_start, data_end = calls.received_at.min(), calls.received_at.max()
    idx = people[(people.first_contact_at >= start) & (people.first_contact_at < end)]
    idx = idx.rename(columns={"person_id": "key", "first_contact_at": "t0"})
    linked = calls[calls.person_id.notna()]
    events = pd.DataFrame({"key": linked.person_id.astype("int64"), "at": linked.received_at})
    return _pandas_before_after(events, idx, data_start, data_end)


def _pandas_repeat_place(calls: pd.DataFrame, start: Any, end: Any) -> Any:
    data_start, data_end = calls.received_at.min(), calls.received_at.max()
    placed = calls[calls.location_key.notna()]
    first = (
        placed[placed.mode_dispatched.isin(PROGRAM)]
        .groupby("location_key", observed=True)
        .received_at.min()
        .rename("t0")
        .reset_index()
        .rename(columns={"location_key": "key"})
    )
    first = first[(first.t0 >= start) & (first.t0 < end)]
    events = pd.DataFrame({"key": placed.location_key, "at": placed.received_at})
    return _pandas_before_after(events, first, data_start, data_end)


def _pandas_cost(calls: pd.DataFrame, hours: pd.DataFrame) -> dict[str, float | None]:
    rate = hours.unit_type.astype(str).map(RATES.hourly)
    cost = (hours.hours * rate).groupby(hours.mode_dispatched, observed=True).sum()
    n = calls.groupby("mode_dispatched", observed=True).size()
    fixed = pd.Series(RATES.per_call).reindex(n.index).fillna(0.0)
    per_incident = (cost.reindex(n.index).fillna(0.0) + fixed * n) / n
    police = hours[hours.unit_type == "police"]
    pm = calls[calls.mode_dispatched == "police"].groupby("category", observed=True).size()
    ph = police[police.mode_dispatched == "police"].groupby("category", observed=True).hours.sum()
    fallback = ph.sum() / pm.sum()
    alt = calls[calls.mode_dispatched == "alternative"].groupby("category", observed=True).size()
    backup = (
        police[police.mode_dispatched == "alternative"]
        .groupby("category", observed=True)
        .hours.sum()
    )
    per_call = (ph.reindex(pm.index).fillna(0.0) / pm).reindex(alt.index).fillna(fallback)
    freed = (alt * per_call - backup.reindex(alt.index).fillna(0.0)).sum()
    return {"cost_per_incident": per_incident["alternative"], "officer_hours_freed": freed}


# ------------------------------------------------------------------------------------------


def rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def dashboard_part(repeats: int) -> int:
    """The dashboard through the product path, on the database of COREPONDER_DATA_DIR."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coresponder.settings")
    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count

    from coresponder.analytics.extract import extract
    from coresponder.analytics.services import Filters, dashboard_for, parse_period
    from coresponder.calls.models import Call

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs; Python {platform.python_version()}"
    )
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    busiest = Call.objects.values("agency_id").annotate(n=Count("id")).order_by("-n").first()
    if busiest is None:
        print("no calls: load some with `coresponder demo --calls N` first")
        return 1
    agency_id = busiest["agency_id"]
    # the calendar year that holds the middle call (the demo's 12 months end on a new year)
    middle = (
        Call.objects.filter(agency_id=agency_id)
        .order_by("received_at")
        .values_list("received_at", flat=True)[busiest["n"] // 2]
    )
    period = parse_period(str(middle.year))
    in_period = Call.objects.filter(
        agency_id=agency_id, received_at__gte=period.start, received_at__lt=period.end
    ).count()
    print(f"agency {agency_id}: {busiest['n']:,} calls, {in_period:,} in the period {period.code}")

    t = time.perf_counter()
    frames = extract(agency_id, period.start, period.end)
    extract_s = time.perf_counter() - t
    sizes = {
        name: (frame.height if frame is not None else None)
        for name in ("calls", "units", "encounters", "tasks", "referrals", "people")
        for frame in [frames.get(name)]
    }
    print(f"extraction alone: {extract_s:.2f} s; rows " + ", ".join(
        f"{k} {'none' if v is None else f'{v:,}'}" for k, v in sizes.items()))  # fmt: skip
    t = time.perf_counter()
    compute_dashboard(frames, Params(start=period.start.replace(tzinfo=None),
                                     end=period.end.replace(tzinfo=None)))  # fmt: skip
    print(f"catalogue alone on those frames: {time.perf_counter() - t:.2f} s")
    del frames
    gc.collect()

    for label, suppressed in (("supervisor (exact counts)", False), ("analyst (suppressed)", True)):
        cache.clear()
        t = time.perf_counter()
        dashboard, hit = dashboard_for(agency_id, period, Filters(), suppressed=suppressed)
        cold = time.perf_counter() - t
        assert not hit
        cached = []
        for _ in range(repeats):
            t = time.perf_counter()
            _, hit = dashboard_for(agency_id, period, Filters(), suppressed=suppressed)
            cached.append(time.perf_counter() - t)
            assert hit
        cached.sort()
        hidden = sum(chart.suppressed for chart in dashboard.charts.values())
        print(
            f"{label}: cold {cold:.2f} s; cached median {cached[len(cached) // 2] * 1000:.0f} ms "
            f"(min {cached[0] * 1000:.0f}, max {cached[-1] * 1000:.0f}); cells suppressed {hidden}"
        )
    print("targets (5,000,000 calls): cold ≤ 3 s, cached ≤ 200 ms")
    print(f"peak RSS {rss_gib():.1f} GiB; load average after: "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))  # fmt: skip
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--parts",
        choices=["metrics", "dashboard"],
        default="metrics",
        help="metrics: the catalogue on generated frames, with pandas; dashboard: the product "
        "path on the database of COREPONDER_DATA_DIR",
    )
    parser.add_argument("--repeats", type=int, default=7, help="cached requests (dashboard)")
    parser.add_argument("--quick", action="store_true", help="200,000 calls; not recorded")
    parser.add_argument("--calls", type=int, help="number of calls (default 5,000,000)")
    parser.add_argument("--encounters", type=int, help="number of encounters (default 500,000)")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    if args.parts == "dashboard":
        return dashboard_part(args.repeats)
    calls_n = args.calls or (200_000 if args.quick else 5_000_000)
    encounters_n = args.encounters or (20_000 if args.quick else 500_000)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs; Python {platform.python_version()}"
    )
    print(f"polars {pl.__version__} ({pl.thread_pool_size()} threads), pandas {pd.__version__}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    t = time.perf_counter()
    raw = generate(calls_n, encounters_n, args.seed)
    polars_frames = {name: to_polars(cols) for name, cols in raw.items()}
    pandas_frames = {name: to_pandas(cols) for name, cols in raw.items()}
    del raw
    gc.collect()
    rows = {name: frame.height for name, frame in polars_frames.items()}
    print(f"generated in {time.perf_counter() - t:.1f} s: " + ", ".join(
        f"{name} {n:,}" for name, n in rows.items()))  # fmt: skip
    pf = polars_frames
    frames = Frames(
        calls=pf["calls"],
        units=pf["units"],
        encounters=pf["encounters"],
        tasks=pf["tasks"],
        referrals=pf["referrals"],
        people=pf["people"],
    ).validated()

    timings = []
    for _ in range(3):
        t = time.perf_counter()
        results = compute_dashboard(frames, PARAMS)
        timings.append(time.perf_counter() - t)
    cold = timings[0]
    print(f"polars: {len(results)} metrics, cold {cold:.2f} s; then "
          + ", ".join(f"{x:.2f} s" for x in timings[1:]))  # fmt: skip

    t = time.perf_counter()
    pandas_values = pandas_dashboard(pandas_frames)
    pandas_s = time.perf_counter() - t
    print(f"pandas: {len(pandas_values)} metrics, {pandas_s:.2f} s")

    mismatched = []
    for name, value in pandas_values.items():
        mine = results[name].value
        same = (mine is None and value is None) or (
            mine is not None and value is not None and abs(mine - value) <= 1e-6 * max(1, abs(mine))
        )
        if not same:
            mismatched.append(f"{name}: polars {mine} pandas {value}")
    print("headline values: " + ("all equal" if not mismatched else "; ".join(mismatched)))
    for result in results.values():
        print(f"  {result}")
    print(f"pandas ÷ polars (cold): {pandas_s / cold:.1f}×; target ≥ 5× and polars cold ≤ 3 s")
    print(f"peak RSS {rss_gib():.1f} GiB; load average after: "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))  # fmt: skip
    return 1 if mismatched else 0


if __name__ == "__main__":
    raise SystemExit(main())
