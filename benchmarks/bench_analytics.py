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
import functools
import gc
import os
import platform
import resource
import shutil
import sys
import time
import unittest.mock
from datetime import datetime, timedelta
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


def dashboard_part(repeats: int, pdf: bool, baseline: bool) -> int:
    """The dashboard through the product path, on the database of COREPONDER_DATA_DIR (or
    DATABASE_URL): cold with no snapshot of the frames (extraction from the database), cold
    with the snapshot (what every computation after the first reads), cached; then the
    monthly PDF report the same two ways."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coresponder.settings")
    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count

    from coresponder.analytics import extract as extract_module
    from coresponder.analytics import snapshot
    from coresponder.analytics.arrow import arrow_reader, reading
    from coresponder.analytics.extract import _extract, extract
    from coresponder.analytics.services import Filters, dashboard_for, data_version, parse_period
    from coresponder.calls.models import Call

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs; Python {platform.python_version()}"
        f"; polars {pl.__version__}"
    )
    with reading():
        reader = arrow_reader()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; reader: "
          + (type(reader).__name__ if reader else "Django's cursor"))  # fmt: skip
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    busiest = Call.objects.values("agency_id").annotate(n=Count("id")).order_by("-n").first()
    if busiest is None:
        print("no calls: load some with `--parts load` or `coresponder demo --calls N` first")
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

    def forget() -> None:
        """Empty the cache and remove the agency's snapshots: nothing computed is left."""
        cache.clear()
        shutil.rmtree(snapshot.root() / f"agency-{agency_id}", ignore_errors=True)

    def timed(call: Any) -> tuple[Any, float]:
        t = time.perf_counter()
        value = call()
        return value, time.perf_counter() - t

    cpu: list[float] = []  # CPU seconds (all threads) of the last timed_cpu call

    def timed_cpu(call: Any) -> tuple[Any, float]:
        """Also the process's CPU time: on a shared machine the wall time includes waiting for
        a core, the CPU time is the work itself (on an idle 2-vCPU machine the wall time is at
        most about that, as the files read are in the page cache)."""
        before = resource.getrusage(resource.RUSAGE_SELF)
        value, seconds = timed(call)
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return value, seconds

    version, version_s = timed(lambda: data_version(agency_id))
    print(f"data version: {version_s * 1000:.0f} ms")
    pad = timedelta(days=366)
    frames, extract_s = timed(lambda: _extract(agency_id, period.start - pad, period.end + pad))
    sizes = {name: frames.get(name) for name in snapshot.SOURCES}
    print(f"extraction alone (no snapshot): {extract_s:.2f} s; rows " + ", ".join(
        f"{k} {'none' if v is None else f'{v.height:,}'}" for k, v in sizes.items()))  # fmt: skip
    if baseline:
        # the rows through Django's cursor, as before ADBC (still without ORDER BY)
        with unittest.mock.patch.object(extract_module, "arrow_reader", lambda: None):
            rows, rows_s = timed(lambda: _extract(agency_id, period.start - pad, period.end + pad))
        del rows
        print(f"extraction through Django's cursor (the baseline): {rows_s:.2f} s; "
              f"ADBC ÷ cursor {extract_s / rows_s:.2f}")  # fmt: skip
    params = Params(start=period.start.replace(tzinfo=None), end=period.end.replace(tzinfo=None))
    _, catalogue_s = timed(functools.partial(compute_dashboard, frames, params))
    print(f"catalogue alone on those frames: {catalogue_s:.2f} s")
    del frames, sizes
    gc.collect()
    forget()
    request = functools.partial(dashboard_for, agency_id, period, Filters())
    (_, hit), nothing = timed(lambda: request(suppressed=False))
    assert not hit
    print(f"supervisor, nothing computed (extraction, snapshot written, catalogue, charts): "
          f"{nothing:.2f} s")  # fmt: skip
    _, snapshot_read_s = timed(lambda: extract(agency_id, period.start, period.end,
                                               version=version))  # fmt: skip
    print(f"reading the snapshot back alone: {snapshot_read_s:.2f} s")
    gc.collect()

    for label, suppressed in (("supervisor (exact counts)", False), ("analyst (suppressed)", True)):
        colds = []
        for _ in range(3):  # the machine is shared: three cold runs, the median recorded
            cache.clear()
            (dashboard, hit), seconds = timed_cpu(lambda s=suppressed: request(suppressed=s))  # type: ignore[misc]
            assert not hit
            colds.append((seconds, cpu[-1]))
        cached = []
        for _ in range(repeats):
            (_, hit), seconds = timed_cpu(lambda s=suppressed: request(suppressed=s))  # type: ignore[misc]
            cached.append((seconds, cpu[-1]))
            assert hit
        colds.sort()
        cached.sort()
        hidden = sum(chart.suppressed for chart in dashboard.charts.values())
        mid = cached[len(cached) // 2]
        print(
            f"{label}: cold, snapshot present, median of 3 {colds[1][0]:.2f} s, CPU "
            f"{colds[1][1]:.2f} s ("
            + ", ".join(f"{w:.2f}/{c:.2f}" for w, c in colds)
            + f"); cached median {mid[0] * 1000:.0f} ms, CPU {mid[1] * 1000:.0f} ms (min "
            f"{cached[0][0] * 1000:.0f}, max {cached[-1][0] * 1000:.0f}); "
            f"cells suppressed {hidden}"
        )
        gc.collect()
    print("targets (5,000,000 calls): cold ≤ 3 s, cached ≤ 200 ms")
    if pdf:
        pdf_part(agency_id, middle, forget)
    print(f"peak RSS {rss_gib():.1f} GiB; load average after: "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))  # fmt: skip
    return 0


def pdf_part(agency_id: int, middle: datetime, forget: Any) -> None:
    """The monthly report as PDF (``coresponder report --format pdf``'s function), for the
    month of the middle call: with nothing computed, then with the snapshot present."""
    from django.core.cache import cache

    from coresponder.accounts.models import Agency
    from coresponder.analytics.report import render_report
    from coresponder.analytics.services import parse_period

    agency = Agency.objects.get(pk=agency_id)
    month = parse_period(f"{middle.year}-{middle.month:02d}")
    forget()
    t = time.perf_counter()
    data = render_report(agency, month, "pdf")
    no_snapshot = time.perf_counter() - t
    cache.clear()
    before = resource.getrusage(resource.RUSAGE_SELF)
    t = time.perf_counter()
    render_report(agency, month, "pdf")
    with_snapshot = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    print(f"monthly PDF ({month.code}, {len(data):,} bytes): nothing computed {no_snapshot:.2f} s;"
          f" snapshot present {with_snapshot:.2f} s (CPU {cpu:.2f} s); target ≤ 10 s")  # fmt: skip


# ------------------------------------------------------------------------------------------
# A database of N calls for the product path: generated with numpy, written with ADBC's bulk
# ingest (SQLite: prepared inserts in C; PostgreSQL: binary COPY), not through the ORM
# ------------------------------------------------------------------------------------------

LOAD_YEAR = datetime(2025, 1, 1)
SOURCES = ["911", "non_emergency", "officer_initiated", "alarm", "walk_in", "other"]
DISPOSITIONS = ["REPORT", "ADVISED", "ARREST MADE", "TRANSPORTED", "GONE ON ARRIVAL", ""]
LOAD_CATEGORIES = [
    "mental_health", "suicide", "overdose", "intoxication", "welfare_check", "unhoused",
    "noise_disturbance", "neighbour_dispute", "trespass", "property_crime", "violent_crime",
    "simple_assault", "domestic_violence", "traffic", "suspicious", "alarm", "medical",
    "assist_public", "fraud", "weapons",
]  # fmt: skip
LOAD_BH = {"mental_health", "suicide", "overdose", "intoxication", "welfare_check", "unhoused"}


def _load_times(rng: np.random.Generator, n: int, sort: bool = False) -> np.ndarray:
    seconds = rng.integers(0, 365 * 86400, n)
    if sort:
        seconds.sort()
    # microseconds (what Polars takes from numpy) of whole seconds
    return (np.datetime64(LOAD_YEAR, "s") + seconds.astype("timedelta64[s]")).astype("M8[us]")


def _load_minutes(values: np.ndarray) -> np.ndarray:
    """Whole seconds, as microseconds."""
    return (values * 60).astype("timedelta64[s]").astype("m8[us]")


def _nat_unless(keep: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.where(keep, values, np.datetime64("NaT"))


def _pick(rng: np.random.Generator, labels: list[str], n: int, p: Any = None) -> pl.Series:
    codes = rng.choice(len(labels), n, p=p)
    return pl.Series(np.array(labels, dtype=object)[codes], dtype=pl.Utf8)


def load_frames(
    calls_n: int, encounters_n: int, seed: int, ids: dict[str, int]
) -> dict[str, pl.DataFrame]:
    """Rows for the tables the dashboard reads, keyed by table name; ids of the agency, batch,
    user and teams in ``ids``. Times are UTC, whole seconds."""
    rng = np.random.default_rng(seed)
    n = calls_n
    call_id = np.arange(1, n + 1, dtype=np.int64)
    received = _load_times(rng, n, sort=True)  # ids follow time, as an import writes them
    cat_index = rng.choice(len(LOAD_CATEGORIES), n, p=_weights(len(LOAD_CATEGORIES), rng))
    category = np.array(LOAD_CATEGORIES, dtype=object)[cat_index]
    bh = np.isin(category, sorted(LOAD_BH))
    eligible = bh & (rng.random(n) < 0.8)
    mode = np.where(
        eligible,
        np.array(["co_response", "alternative", "police"], dtype=object)[
            rng.choice(3, n, p=[0.25, 0.35, 0.4])
        ],
        np.array(["police", "ems", "referral", "no_dispatch"], dtype=object)[
            rng.choice(4, n, p=[0.82, 0.1, 0.04, 0.04])
        ],
    )
    on_scene = received + (rng.lognormal(2.4, 0.6, n) * 60).astype("timedelta64[s]").astype(
        "m8[us]"
    )
    on_scene = np.where(rng.random(n) < 0.05, np.datetime64("NaT"), on_scene)
    cleared = received + ((rng.lognormal(3.6, 0.7, n) + 10) * 60).astype("timedelta64[s]").astype(
        "m8[us]"
    )
    agency = ids["agency"]
    calls = pl.DataFrame(
        {
            "id": call_id,
            "public_id": pl.Series(call_id).cast(pl.Utf8).str.zfill(32),
            "source": "bench",
            "event_number": pl.Series(call_id).cast(pl.Utf8),
            "received_at": received,
            "on_scene_at": on_scene,
            "cleared_at": cleared,
            "call_source": _pick(rng, SOURCES, n, [0.55, 0.25, 0.12, 0.04, 0.02, 0.02]),
            "final_type_code": pl.Series(category, dtype=pl.Utf8).str.to_uppercase(),
            "disposition_code": _pick(rng, DISPOSITIONS, n, [0.4, 0.3, 0.06, 0.08, 0.1, 0.06]),
            "district": "D" + pl.Series(rng.integers(1, 11, n)).cast(pl.Utf8),
        }
    ).with_columns(
        pl.col("received_at").alias("created_at"),
        pl.col("received_at").alias("updated_at"),
        pl.lit(agency).alias("agency_id"),
        pl.lit(ids["batch"]).alias("batch_id"),
    )
    calls = calls.with_columns(
        *[pl.lit("").alias(c) for c in (
            "call_source_raw", "initial_type_code", "initial_type_text", "final_type_text",
            "priority", "disposition_text", "address_raw", "city", "state", "zip_code", "beat",
            "narrative", "version_key", "content_hash", "raw_hash")],
        *[pl.lit("{}").alias(c) for c in ("address_parts", "flags")],
        pl.lit(0).alias("source_line"),  # the source rows are kept per chunk (SourceRows)
        pl.lit(False).alias("is_block"),
        pl.lit(False).alias("is_intersection"),
    )  # fmt: skip
    triage = pl.DataFrame(
        {
            "id": call_id,
            "call_id": call_id,
            "received_at": received,
            "decided_at": received,
            "category": pl.Series(category, dtype=pl.Utf8),
            "call_type_key": pl.Series(category, dtype=pl.Utf8),
            "behavioural_health": bh,
            "mode": pl.Series(mode, dtype=pl.Utf8),
            "eligible": eligible,
        }
    ).with_columns(
        pl.lit(agency).alias("agency_id"),
        pl.lit("").alias("vera_category"),
        pl.lit(False).alias("hidden_behavioural_health"),
        pl.lit(0.9).alias("confidence"),
        pl.lit("bench").alias("rule"),
        pl.lit("[]").alias("reasons"),
        pl.lit("[]").alias("flags"),
        pl.lit("bench").alias("policy_version"),
        pl.lit("").alias("call_content_hash"),
    )
    placed = rng.random(n) < 0.96
    place = rng.integers(0, max(n // 25, 1), n)[placed]
    locations = pl.DataFrame(
        {
            "call_id": call_id[placed],
            "received_at": received[placed],
            "key": "loc-" + pl.Series(place).cast(pl.Utf8),
        }
    ).with_columns(
        pl.col("key").alias("location"),
        pl.lit("address").alias("kind"),
        pl.lit(agency).alias("agency_id"),
    )
    per_call = rng.choice([1, 2, 3], n, p=[0.75, 0.2, 0.05])
    unit_row = np.repeat(np.arange(n), per_call)
    m_units = len(unit_row)
    unit_mode = mode[unit_row]
    unit_type = np.where(
        unit_mode == "alternative", "social_worker",
        np.where(unit_mode == "co_response", "co_response",
                 np.where(unit_mode == "ems", "ems", "police")),
    ).astype(object)  # fmt: skip
    dispatched = received[unit_row] + (rng.exponential(3, m_units) * 60).astype(
        "timedelta64[s]"
    ).astype("m8[us]")
    unit_cleared = dispatched + (rng.lognormal(3.7, 0.8, m_units) * 60).astype(
        "timedelta64[s]"
    ).astype("m8[us]")
    units = pl.DataFrame(
        {
            "id": np.arange(1, m_units + 1, dtype=np.int64),
            "call_id": call_id[unit_row],
            "unit_id": pl.Series(rng.integers(1, 400, m_units)).cast(pl.Utf8),
            "unit_type": pl.Series(unit_type, dtype=pl.Utf8),
            "dispatched_at": dispatched,
            "cleared_at": np.where(rng.random(m_units) < 0.01, np.datetime64("NaT"), unit_cleared),
        }
    ).with_columns(pl.lit("").alias("status"))
    answered = np.flatnonzero(rng.random(n) < 0.01)
    answers = pl.DataFrame(
        {
            "id": np.arange(1, len(answered) + 1, dtype=np.int64),
            "public_id": pl.Series(np.arange(1, len(answered) + 1)).cast(pl.Utf8).str.zfill(32),
            "decision_id": call_id[answered],
            "recommended_mode": pl.Series(mode[answered], dtype=pl.Utf8),
            "chosen_mode": _pick(rng, ["police", "co_response", "alternative"], len(answered)),
            "category": pl.Series(category[answered], dtype=pl.Utf8),
            "answered_at": received[answered] + np.timedelta64(60, "s"),
        }
    ).with_columns(
        pl.lit("override").alias("action"), pl.lit("bench").alias("rule"),
        pl.lit("").alias("reason"), pl.lit(ids["user"]).alias("actor_id"),
    )  # fmt: skip
    return {
        "calls_call": calls,
        "triage_triagedecision": triage,
        "linkage_calllocation": locations,
        "calls_callunit": units,
        "triage_dispatcheranswer": answers,
        **_case_frames(rng, encounters_n, call_id, mode, received, ids),
    }


def _case_frames(
    rng: np.random.Generator,
    m: int,
    call_id: np.ndarray,
    mode: np.ndarray,
    received: np.ndarray,
    ids: dict[str, int],
) -> dict[str, pl.DataFrame]:
    """People, their cases (one each), encounters (some answering program calls), follow-up
    tasks, referrals and links from calls to people."""
    agency, user = ids["agency"], ids["user"]
    p = max(m // 5, 10)
    person_id = np.arange(1, p + 1, dtype=np.int64)
    created = _load_times(rng, p)
    versioned = [pl.lit(1).alias("version")]
    people = pl.DataFrame({"id": person_id, "created_at": created}).with_columns(
        pl.col("created_at").alias("updated_at"),
        pl.col("id").cast(pl.Utf8).str.zfill(32).alias("public_id"),
        pl.lit(agency).alias("agency_id"),
        *versioned,
        *[pl.lit("").alias(c) for c in (
            "first_name", "last_name", "preferred_name", "pronouns", "language",
            "usual_location", "address", "emergency_contact")],
        pl.lit("unknown").alias("housing"),
    )  # fmt: skip
    teams = np.array(ids["teams"], dtype=np.int64)
    cases = pl.DataFrame(
        {"id": person_id, "person_id": person_id, "team_id": teams[rng.integers(0, len(teams), p)],
         "created_at": created},
    ).with_columns(
        pl.col("created_at").alias("updated_at"),
        pl.col("id").cast(pl.Utf8).str.zfill(32).alias("public_id"),
        pl.lit(agency).alias("agency_id"), *versioned,
        pl.lit("open").alias("status"), pl.lit("call").alias("source"),
        pl.lit("low").alias("risk_level"), pl.lit("[]").alias("needs"),
        pl.lit("").alias("goals"), pl.lit("").alias("close_reason"),
    )  # fmt: skip
    kinds = ["crisis", "co_response", "follow_up", "phone", "outreach", "office"]
    kind = np.array(kinds, dtype=object)[rng.choice(6, m, p=[0.3, 0.15, 0.25, 0.15, 0.1, 0.05])]
    program_calls = np.flatnonzero(np.isin(mode, ["co_response", "alternative"]))
    on_call = np.isin(kind, ["crisis", "co_response"]) & (rng.random(m) < 0.8)
    chosen = (
        rng.choice(program_calls, on_call.sum(), replace=False)
        if len(program_calls) >= on_call.sum()
        else None
    )
    enc_call = np.zeros(m, dtype=np.int64)
    started = _load_times(rng, m)
    if chosen is not None:
        enc_call[np.flatnonzero(on_call)] = call_id[chosen]
        started[on_call] = received[chosen] + np.timedelta64(20 * 60, "s")
    outcomes = [
        "resolved",
        "voluntary_transport",
        "involuntary_hold",
        "arrest",
        "referral",
        "declined",
        "not_found",
    ]
    enc_id = np.arange(1, m + 1, dtype=np.int64)
    encounters = pl.DataFrame(
        {"id": enc_id, "call_id": enc_call, "case_id": rng.integers(1, p + 1, m),
         "kind": pl.Series(kind, dtype=pl.Utf8),
         "started_at": started,
         "outcome": _pick(rng, outcomes, m, [0.55, 0.08, 0.03, 0.01, 0.2, 0.08, 0.05]),
         "police_backup": rng.random(m) < 0.04, "force_used": rng.random(m) < 0.002},
    ).with_columns(
        pl.when(pl.col("call_id") > 0).then(pl.col("call_id")).alias("call_id"),
        pl.col("started_at").alias("created_at"), pl.col("started_at").alias("updated_at"),
        pl.col("id").cast(pl.Utf8).str.zfill(32).alias("public_id"),
        pl.lit(agency).alias("agency_id"), *versioned,
        *[pl.lit("").alias(c) for c in (
            "other_responders", "police_backup_reason", "force_description", "summary")],
    )  # fmt: skip
    k = max(m // 5, 10)
    task_created = _load_times(rng, k)
    done = rng.random(k) < 0.8
    tasks = pl.DataFrame(
        {"id": np.arange(1, k + 1, dtype=np.int64), "case_id": rng.integers(1, p + 1, k),
         "created_at": task_created, "due_at": task_created + np.timedelta64(48 * 3600, "s"),
         "completed_at": _nat_unless(done, task_created + _load_minutes(rng.exponential(1800, k))),
         "status": pl.Series(np.where(done, "done", np.where(
             rng.random(k) < 0.5, "open", "cancelled")).astype(object), dtype=pl.Utf8)},
    ).with_columns(
        pl.col("created_at").alias("updated_at"),
        pl.col("id").cast(pl.Utf8).str.zfill(32).alias("public_id"),
        pl.lit(agency).alias("agency_id"), *versioned,
        pl.lit("Follow up").alias("title"), pl.lit("").alias("outcome"),
    )  # fmt: skip
    r = max(m // 5, 10)
    sent = _load_times(rng, r)
    stage = rng.choice(5, r, p=[0.1, 0.15, 0.15, 0.4, 0.2])
    statuses = np.array(["draft", "sent", "accepted", "completed", "declined"], dtype=object)
    accepted = np.where(
        np.isin(stage, [2, 3]),
        sent + (rng.exponential(600, r) * 60).astype("timedelta64[s]").astype("m8[us]"),
        np.datetime64("NaT"),
    )
    ref_case = rng.integers(1, p + 1, r)
    referrals = pl.DataFrame(
        {"id": np.arange(1, r + 1, dtype=np.int64), "case_id": ref_case, "person_id": ref_case,
         "status": pl.Series(statuses[stage], dtype=pl.Utf8),
         "sent_at": np.where(stage == 0, np.datetime64("NaT"), sent), "accepted_at": accepted,
         "engaged_at": _nat_unless(stage == 3, accepted + _load_minutes(rng.exponential(2000, r))),
         "closed_at": _nat_unless(stage >= 3, sent + _load_minutes(rng.exponential(9000, r))),
         "created_at": sent},
    ).with_columns(
        pl.col("created_at").alias("updated_at"),
        pl.col("id").cast(pl.Utf8).str.zfill(32).alias("public_id"),
        pl.lit(agency).alias("agency_id"), *versioned, pl.lit(user).alias("created_by_id"),
        *[pl.lit("").alias(c) for c in (
            "service_id", "service_name", "organization_id", "organization_name",
            "partner_email", "note", "emergency_basis", "outcome")],
        pl.lit("[]").alias("needs"), pl.lit("[]").alias("categories"),
        pl.lit("care_coordination").alias("purpose"),
    )  # fmt: skip
    linked = np.flatnonzero(rng.random(len(call_id)) < 0.3)
    links = pl.DataFrame(
        {"id": np.arange(1, len(linked) + 1, dtype=np.int64), "call_id": call_id[linked],
         "person_id": rng.integers(1, p + 1, len(linked)), "linked_at": received[linked]},
    ).with_columns(pl.lit("").alias("role"))  # fmt: skip
    return {
        "cases_person": people,
        "cases_case": cases,
        "cases_encounter": encounters,
        "cases_task": tasks,
        "referrals_referral": referrals,
        "cases_personcall": links,
    }


def _adbc_connect() -> Any:
    """An ADBC connection to Django's database (the loader writes through it)."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        import adbc_driver_sqlite.dbapi

        return adbc_driver_sqlite.dbapi.connect(str(settings["NAME"]))
    import adbc_driver_postgresql.dbapi

    from coresponder.analytics.arrow import postgres_conninfo

    return adbc_driver_postgresql.dbapi.connect(postgres_conninfo())


def _ingest(conn: Any, vendor: str, table: str, frame: pl.DataFrame, chunk: int = 500_000) -> None:
    """Append ``frame`` to ``table``. SQLite stores times as Django does (text, UTC, no zone);
    PostgreSQL's binary COPY wants exact types, so rows go through a staging table and are cast
    to the target's column types on the way in."""
    frame = _as_table(table, frame)
    times = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Datetime)]
    cursor = conn.cursor()
    if vendor == "sqlite":
        frame = frame.with_columns(pl.col(times).dt.strftime("%Y-%m-%d %H:%M:%S"))
        for start in range(0, frame.height, chunk):
            cursor.adbc_ingest(table, frame.slice(start, chunk), mode="append")
        conn.commit()
        return
    frame = frame.with_columns(pl.col(times).dt.replace_time_zone("UTC"))
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = "
        f"'{table}'"
    )
    types = dict(pl.DataFrame(cursor.fetch_arrow()).iter_rows())
    # the rows are consistent by construction: foreign keys are not checked row by row (at
    # COMMIT, as Django declares them deferred, that took over a minute a table)
    cursor.execute("SET session_replication_role = replica")
    staging = f"bench_{table}"
    cursor.execute(f"DROP TABLE IF EXISTS {staging}")
    cursor.adbc_ingest(staging, frame, mode="create")
    names = ", ".join(f'"{c}"' for c in frame.columns)
    cast = ", ".join(f'"{c}"::{types[c]}' for c in frame.columns)
    cursor.execute(f"INSERT INTO {table} ({names}) SELECT {cast} FROM {staging}")
    cursor.execute(f"DROP TABLE {staging}")
    conn.commit()


def _as_table(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame's columns the table has (the schema moves on), and the table's required
    columns the frame lacks at their model defaults."""
    import json

    from django.apps import apps

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    fields = {f.column: f for f in model._meta.concrete_fields}
    frame = frame.select(c for c in frame.columns if c in fields)
    missing = []
    for column, field in fields.items():
        if column in frame.columns or field.null:
            continue
        value = field.get_default()
        missing.append(pl.lit(json.dumps(value) if isinstance(value, dict | list) else value)
                       .alias(column))  # fmt: skip
    return frame.with_columns(missing)


def load_part(calls_n: int, encounters_n: int, seed: int) -> int:
    """A database of ``calls_n`` calls over 2025 and ``encounters_n`` encounters, for
    ``--parts dashboard``: into the (migrated, empty of calls) database of COREPONDER_DATA_DIR
    or DATABASE_URL."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coresponder.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from coresponder.accounts.models import Agency, Team, User
    from coresponder.calls.models import Call, ImportBatch

    call_command("migrate", verbosity=0)
    agency, _ = Agency.objects.get_or_create(slug="bench", defaults={"name": "Bench agency"})
    if Call.objects.filter(agency=agency).exists():
        print(f"agency {agency.slug} has calls already: load into an empty database")
        return 1
    teams = [Team.objects.get_or_create(agency=agency, name=f"Team {x}")[0].pk for x in "ABC"]
    user, _ = User.objects.get_or_create(
        username="bench-loader", defaults={"agency": agency, "email": "bench@example.org"}
    )
    batch = ImportBatch.objects.create(
        agency=agency, source="bench", profile="bench", status="done", rows_in=calls_n,
        rows_done=calls_n, new=calls_n,
    )  # fmt: skip
    ids = {"agency": agency.pk, "batch": batch.pk, "user": user.pk, "teams": teams}
    print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.2f}")
    t = time.perf_counter()
    frames = load_frames(calls_n, encounters_n, seed, ids)
    print(f"generated in {time.perf_counter() - t:.1f} s")
    conn = _adbc_connect()
    vendor = connection.vendor
    connection.close()  # ADBC writes now; SQLite allows one writer
    for table, frame in frames.items():
        t = time.perf_counter()
        _ingest(conn, vendor, table, frame)
        print(f"  {table}: {frame.height:,} rows in {time.perf_counter() - t:.1f} s", flush=True)
    if vendor == "postgresql":
        cursor = conn.cursor()
        for table, frame in frames.items():
            if "id" not in frame.columns:
                continue  # keyed by its call, no sequence
            # ids were written explicitly: move the sequence past them
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")
        conn.commit()
    else:
        conn.cursor().execute("ANALYZE")
        conn.commit()
    conn.close()
    print(f"peak RSS {rss_gib():.1f} GiB")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--parts",
        choices=["metrics", "dashboard", "load"],
        default="metrics",
        help="metrics: the catalogue on generated frames, with pandas; dashboard: the product "
        "path on the database of COREPONDER_DATA_DIR",
    )
    parser.add_argument("--repeats", type=int, default=7, help="cached requests (dashboard)")
    parser.add_argument("--quick", action="store_true", help="200,000 calls; not recorded")
    parser.add_argument("--calls", type=int, help="number of calls (default 5,000,000)")
    parser.add_argument("--encounters", type=int, help="number of encounters (default 500,000)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--no-pdf", action="store_true", help="dashboard: skip the monthly PDF")
    parser.add_argument(
        "--baseline", action="store_true",
        help="dashboard: also extract through Django's cursor (about a minute at 5,000,000 calls)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.parts == "dashboard":
        return dashboard_part(args.repeats, pdf=not args.no_pdf, baseline=args.baseline)
    if args.parts == "load":
        return load_part(args.calls or 5_000_000, args.encounters or 500_000, args.seed)
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
