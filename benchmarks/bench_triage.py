"""Benchmarks for triage: bulk, one call through the engine, the API (issue 4, `make bench-triage`).

    .venv/bin/python benchmarks/bench_triage.py                  # full run: 1,000,000 rows
    .venv/bin/python benchmarks/bench_triage.py --rows 100000    # a smaller file, to iterate
    .venv/bin/python benchmarks/bench_triage.py --parts engine api
    .venv/bin/python benchmarks/bench_triage.py --json out.json  # also keep the raw results

A synthetic export (``generate_calls``, fixed seed, the canonical profile, agency time zone
America/Chicago) is written once into a temporary directory, and a sample of its calls
(20,000 rows drawn at random, fixed seed) is kept for the engine and the API. Then:

  bulk      ``triage_file(FILE, load_profile("coresponder-canonical"), OUT.parquet,
            triager=Triager(), time_zone="America/Chicago")`` end to end (the profile and the
            Triager are built inside the timed span), against ``polars.read_csv(FILE)`` with
            default options: the time Polars takes only to read the same file. Each run is a
            fresh child process (imports done before the clock starts), the two alternate
            (A B B A ...) and the medians are compared. Target: at most 2x. The peak RSS of
            each child (``getrusage``) is reported; there is no memory target.
  engine    ``Triager.triage(CallFacts(...))`` for each sampled call, timed one at a time with
            ``perf_counter_ns``. In each of several fresh child processes: the Triager is
            built (timed on its own), a cold pass (empty classifier and cue caches: the first
            call of each type pays for classifying it), warm passes in shuffled orders, and
            warm passes in which every narrative is new (a reference appended: real
            narratives do not repeat, the synthetic city's templated ones do and would be
            found in the cue cache). Target: p99 at most 200 µs, judged on both warm kinds
            (the live steady state: types seen before, narratives new); the cold pass is
            reported next to them.
  api       a throwaway data directory and SQLite database (migrated; an agency in
            America/Chicago, a dispatcher and an API token with ``triage:read,me:read``), then
            ``coresponder serve --threads 1`` as a child process on a free port (DEBUG off,
            checked). An open-loop load generator sends 100 requests/s on a fixed schedule and
            measures each latency from its scheduled send time (no coordinated omission):
            ``POST /api/v1/triage`` with the sampled calls as payloads, and ``GET /api/v1/me``
            (a trivial ninja endpoint) as the baseline, alternating in rounds on the same
            server. Target: the triage p99 at most 15 ms.

Prints a summary table and a ``BENCH-RESULT {json}`` line; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from _common import (
    RESULT_MARK,
    ROOT,
    child_env,
    emit,
    machine,
    percentile,
    run_child_process,
    say,
    setup_django,
    verdict,
)

PARTS = ("bulk", "engine", "api")
FULL_ROWS = 1_000_000
SEED = 20250101
PROFILE = "coresponder-canonical"
TIME_ZONE = "America/Chicago"
SAMPLE_CALLS = 20_000

BULK_RATIO_TARGET = 2.0  # bulk triage / polars.read_csv of the same file
ENGINE_P99_TARGET = 200.0  # µs, one call through Triager.triage (warm)
API_P99_TARGET = 15.0  # ms, POST /api/v1/triage at 100 requests/s on one worker
API_RATE = 100.0  # requests per second, open loop
API_ROUNDS = 4  # rounds, each endpoint in turn; the seconds per endpoint are split over them
API_CLIENTS = 8  # load-generator threads, each with its own keep-alive connection

FLAG_NAMES = ("weapon", "violence", "injury", "medical", "domestic", "in_progress")
SAMPLE_COLUMNS = (
    "event_number", "received_at", "priority", "initial_type_code", "initial_type_text",
    "final_type_code", "final_type_text", "disposition_text", "district", "beat",
    *FLAG_NAMES, "narrative",
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Child side
# --------------------------------------------------------------------------------------------


def _rss_now_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_bulk(kind: str, path: str, out_dir: str) -> None:
    """One timed run in a fresh process: ``read`` (polars.read_csv) or ``triage``."""
    import polars as pl

    from coresponder.calls.engine.profile import load_profile
    from coresponder.triage.engine.bulk import triage_file
    from coresponder.triage.engine.triager import Triager

    rss_before = _rss_now_mb()
    result: dict[str, Any] = {"kind": kind}
    if kind == "read":
        started = time.perf_counter()
        frame = pl.read_csv(path)
        result["seconds"] = time.perf_counter() - started
        result["rows"] = frame.height
    else:
        out = Path(out_dir) / "decisions.parquet"
        started = time.perf_counter()
        summary = triage_file(
            Path(path),
            load_profile(PROFILE),
            out,
            triager=Triager(),
            time_zone=TIME_ZONE,
        )
        result["seconds"] = time.perf_counter() - started
        result["summary"] = summary.as_json()
        result["rows"] = pl.scan_parquet(out).select(pl.len()).collect().item()
        result["out_mb"] = out.stat().st_size / 1e6
        out.unlink()
    result["rss_before_mb"] = rss_before
    result["peak_rss_mb"] = _peak_rss_mb()
    emit(result)


def _facts(row: dict[str, Any]) -> Any:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from coresponder.triage.engine.triager import CallFacts

    return CallFacts(
        initial_type_code=row["initial_type_code"],
        initial_type_text=row["initial_type_text"],
        final_type_code=row["final_type_code"],
        final_type_text=row["final_type_text"],
        disposition_text=row["disposition_text"],
        priority=row["priority"],
        flags={flag: flag in row["flags"] for flag in FLAG_NAMES},
        narrative=row["narrative"],
        local_time=datetime.fromisoformat(row["received_at"]).astimezone(ZoneInfo(TIME_ZONE)),
        area=row["district"] or row["beat"],
    )


def _summary_us(values_ns: list[int]) -> dict[str, float]:
    us = [value / 1000 for value in values_ns]
    return {
        "n": len(us),
        "p50_us": percentile(us, 50),
        "p95_us": percentile(us, 95),
        "p99_us": percentile(us, 99),
        "max_us": max(us),
        "mean_us": statistics.fmean(us),
    }


def child_engine(sample_path: str, warm_passes: int, seed: int) -> None:
    """One fresh process: build a Triager, a cold pass over the sample, then warm passes."""
    from coresponder.triage.engine.triager import Triager

    rows = json.loads(Path(sample_path).read_text())
    calls = [_facts(row) for row in rows]
    clock = time.perf_counter_ns

    started = clock()
    triager = Triager()
    build_ms = (clock() - started) / 1e6

    # Cold: the classifier's cache (and the cue cache) are empty; the first call of each type
    # (and each new narrative clause) pays for reading it. Misses are told apart afterwards.
    info = triager.classifier._cached.cache_info
    cold: list[int] = []
    missed: list[int] = []
    hits: list[int] = []
    for facts in calls:
        misses = info().misses
        t0 = clock()
        triager.triage(facts)
        elapsed = clock() - t0
        cold.append(elapsed)
        (missed if info().misses != misses else hits).append(elapsed)
    warm: list[list[int]] = []
    order = list(range(len(calls)))
    shuffle = random.Random(seed)
    for _ in range(warm_passes):
        shuffle.shuffle(order)
        times = []
        for index in order:
            facts = calls[index]
            t0 = clock()
            triager.triage(facts)
            times.append(clock() - t0)
        warm.append(times)
    # Live: call types seen before (classifier cache warm), but every narrative new, as real
    # narratives are (the synthetic city's are drawn from templates and repeat, so the warm
    # passes above find them in the cue cache). A reference that holds no cue word makes each
    # narrative a string the engine has not read before.
    live: list[list[int]] = []
    for round_ in range(warm_passes):
        shuffle.shuffle(order)
        fresh = [
            replace(calls[index], narrative=f"{calls[index].narrative} REF {round_}-{index}")
            if calls[index].narrative
            else calls[index]
            for index in order
        ]
        times = []
        for facts in fresh:
            t0 = clock()
            triager.triage(facts)
            times.append(clock() - t0)
        live.append(times)
    emit(
        {
            "calls": len(calls),
            "distinct_types": info().currsize,
            "build_ms": build_ms,
            "cold": _summary_us(cold),
            "cold_misses": _summary_us(missed) if missed else None,
            "cold_hits": _summary_us(hits),
            "warm": _summary_us([t for times in warm for t in times]),
            "warm_passes": [_summary_us(times) for times in warm],
            "live": _summary_us([t for times in live for t in times]),
            "live_passes": [_summary_us(times) for times in live],
        }
    )


def child_api_setup() -> None:
    """Migrate the throwaway database; an agency, a dispatcher and a token."""
    setup_django(migrate=True)
    from django.conf import settings

    from coresponder.access.roles import Role
    from coresponder.accounts.services import agency_create, api_token_create, user_create

    agency = agency_create(slug="bench", name="Bench Police Department", time_zone=TIME_ZONE)
    user = user_create(
        actor=None,
        agency=agency,
        username="bench_dispatcher",
        password=secrets.token_urlsafe(24) + "-Aa1",
        display_name="Bench Dispatcher",
        roles=[(Role.DISPATCHER, None)],
    )
    _, secret = api_token_create(
        actor=None, user=user, name="bench triage", scopes=["triage:read", "me:read"]
    )
    emit(
        {
            "token": secret,
            "debug": settings.DEBUG,
            "environment": settings.ENVIRONMENT,
            "database": str(settings.DATABASES["default"]["NAME"]),
        }
    )


# --------------------------------------------------------------------------------------------
# Parent side: the file, the sample, the children, the load generator, the summary.
# --------------------------------------------------------------------------------------------


def _child(args: list[str], what: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    return run_child_process(command, env or dict(os.environ), what)


def generate(directory: str, rows: int) -> dict[str, Any]:
    from coresponder.calls.engine.synthetic import generate_calls

    path = Path(directory) / f"calls-{rows}.csv"
    say(f"\n== generating a {rows:,}-row synthetic export (seed {SEED}) ==")
    summary = generate_calls(path, calls=rows, seed=SEED)
    size_mb = path.stat().st_size / 1e6
    say(f"   {path}: {summary.calls:,} calls, {size_mb:.1f} MB in {summary.seconds:.1f} s")
    return {"path": str(path), "rows": rows, "mb": size_mb, "seconds": summary.seconds}


def write_sample(path: str, directory: str, calls: int) -> dict[str, Any]:
    """A random sample of the file's calls (fixed seed), as JSON, for the engine and the API."""
    import polars as pl

    frame = (
        pl.scan_csv(path, infer_schema=False)
        .select(*SAMPLE_COLUMNS)
        .with_columns(pl.col(name).fill_null("") for name in SAMPLE_COLUMNS)
        .collect()
    )
    frame = frame.sample(min(calls, frame.height), seed=SEED, shuffle=True)
    rows = []
    for row in frame.iter_rows(named=True):
        flags = [flag for flag in FLAG_NAMES if row.pop(flag).strip().upper() == "Y"]
        rows.append({**row, "flags": flags})
    out = Path(directory) / "sample.json"
    out.write_text(json.dumps(rows))
    info = {
        "calls": len(rows),
        "initial_types": len({row["initial_type_text"] for row in rows}),
        "priorities": len({row["priority"] for row in rows}),
        "with_flags": sum(1 for row in rows if row["flags"]),
        "with_narrative": sum(1 for row in rows if row["narrative"]),
        "path": str(out),
    }
    say(
        f"   sample: {info['calls']:,} calls, {info['initial_types']} initial types, "
        f"{info['priorities']} priorities, {info['with_flags']:,} with a flag, "
        f"{info['with_narrative']:,} with a narrative"
    )
    return info


def _warm_page_cache(path: str) -> None:
    with open(path, "rb") as handle:
        while handle.read(16 << 20):
            pass


def run_bulk(export: dict[str, Any], work: str, repeat: int) -> dict[str, Any]:
    say(f"\n== bulk: {repeat} runs each, alternating, one fresh process per run ==")
    _warm_page_cache(export["path"])  # both sides read the file from the page cache
    runs: dict[str, list[dict[str, Any]]] = {"read": [], "triage": []}
    for i in range(repeat):
        for kind in ("read", "triage") if i % 2 == 0 else ("triage", "read"):
            result = _child(
                ["--child", f"bulk-{kind}", "--file", export["path"], "--out-dir", work],
                f"bulk {kind}",
            )
            if result["rows"] != export["rows"]:
                raise SystemExit(f"bulk {kind}: {result['rows']:,} rows, not {export['rows']:,}")
            say(
                f"   {kind:6} run {i + 1}: {result['seconds']:.2f} s, peak RSS "
                f"{result['peak_rss_mb']:.0f} MB (after imports {result['rss_before_mb']:.0f} MB)"
            )
            runs[kind].append(result)
    read = statistics.median(r["seconds"] for r in runs["read"])
    triage = statistics.median(r["seconds"] for r in runs["triage"])
    pairs = [t["seconds"] / r["seconds"] for r, t in zip(runs["read"], runs["triage"], strict=True)]
    figures = {
        "repeat": repeat,
        "read_seconds": [r["seconds"] for r in runs["read"]],
        "triage_seconds": [r["seconds"] for r in runs["triage"]],
        "read_median": read,
        "triage_median": triage,
        "ratio": triage / read,
        "pair_ratios": pairs,
        "triage_peak_rss_mb": max(r["peak_rss_mb"] for r in runs["triage"]),
        "triage_rss_after_imports_mb": statistics.median(
            r["rss_before_mb"] for r in runs["triage"]
        ),
        "read_peak_rss_mb": max(r["peak_rss_mb"] for r in runs["read"]),
        "summary": runs["triage"][0]["summary"],
        "out_mb": runs["triage"][0]["out_mb"],
    }
    say(
        f"   medians: triage {triage:.2f} s, read {read:.2f} s, ratio {triage / read:.2f}x "
        f"(pairwise {min(pairs):.2f}-{max(pairs):.2f}x); "
        f"{figures['summary']['distinct_decisions']:,} distinct decisions"
    )
    return figures


def run_engine(sample: dict[str, Any], processes: int, warm_passes: int) -> dict[str, Any]:
    say(
        f"\n== engine: {processes} fresh processes, each a cold pass, {warm_passes} warm passes "
        f"and {warm_passes} with new narratives, over {sample['calls']:,} calls =="
    )
    results = []
    for i in range(processes):
        result = _child(
            ["--child", "engine", "--sample", sample["path"]]
            + ["--warm-passes", str(warm_passes), "--seed", str(SEED + i)],
            "engine",
        )
        misses = result["cold_misses"]
        say(
            f"   process {i + 1}: Triager() {result['build_ms']:.0f} ms; cold p50 "
            f"{result['cold']['p50_us']:.1f} µs p99 {result['cold']['p99_us']:.1f} µs "
            f"(the {misses['n'] if misses else 0} first calls of a type: p50 "
            f"{misses['p50_us'] if misses else 0:.0f} µs, max "
            f"{misses['max_us'] if misses else 0:.0f} µs); warm p50 "
            f"{result['warm']['p50_us']:.1f} µs p99 {result['warm']['p99_us']:.1f} µs; "
            f"warm types, new narratives p50 {result['live']['p50_us']:.1f} µs p99 "
            f"{result['live']['p99_us']:.1f} µs"
        )
        results.append(result)

    def median_of(phase: str, key: str) -> float:
        return statistics.median(r[phase][key] for r in results)

    return {
        "processes": results,
        "calls": sample["calls"],
        "build_ms": statistics.median(r["build_ms"] for r in results),
        "cold": {key: median_of("cold", key) for key in ("p50_us", "p95_us", "p99_us")},
        "warm": {key: median_of("warm", key) for key in ("p50_us", "p95_us", "p99_us")},
        "live": {key: median_of("live", key) for key in ("p50_us", "p95_us", "p99_us")},
        "cold_miss_p50_us": statistics.median(
            r["cold_misses"]["p50_us"] for r in results if r["cold_misses"]
        ),
        "distinct_types": results[0]["distinct_types"],
    }


# ---- API -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _payloads(sample_path: str) -> list[bytes]:
    bodies = []
    for row in json.loads(Path(sample_path).read_text()):
        payload = {
            name: row[name]
            for name in (
                "initial_type_code",
                "initial_type_text",
                "final_type_code",
                "final_type_text",
                "disposition_text",
                "priority",
                "narrative",
                "district",
                "beat",
            )  # fmt: skip
            if row[name]
        }
        payload["flags"] = {flag: True for flag in row["flags"]}
        payload["received_at"] = row["received_at"]
        bodies.append(json.dumps(payload).encode())
    return bodies


class Endpoint:
    def __init__(self, name: str, method: str, path: str, bodies: list[bytes] | None) -> None:
        self.name, self.method, self.path, self.bodies = name, method, path, bodies
        self.next = 0

    def body(self) -> bytes | None:
        if self.bodies is None:
            return None
        body = self.bodies[self.next % len(self.bodies)]
        self.next += 1
        return body


def _request(conn: http.client.HTTPConnection, endpoint: Endpoint, body: bytes | None,
             headers: dict[str, str]) -> tuple[int, bytes]:  # fmt: skip
    conn.request(endpoint.method, endpoint.path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def open_loop(
    port: int, endpoint: Endpoint, headers: dict[str, str], rate: float, seconds: float
) -> dict[str, Any]:
    """Send ``rate`` requests/s for ``seconds`` on a fixed schedule; each latency runs from the
    request's scheduled send time to the end of its response (a request that waits for a
    free client thread or for the server is charged that wait)."""
    count = int(rate * seconds)
    jobs: queue.SimpleQueue[tuple[int, float, bytes | None] | None] = queue.SimpleQueue()
    latency = [0.0] * count
    service = [0.0] * count
    statuses = [0] * count
    clock = time.perf_counter

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while (job := jobs.get()) is not None:
            index, scheduled, body = job
            sent = clock()
            try:
                status, _ = _request(conn, endpoint, body, headers)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = -1
            done = clock()
            latency[index], service[index], statuses[index] = done - scheduled, done - sent, status
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(API_CLIENTS)]
    for thread in threads:
        thread.start()
    late = 0.0
    start = clock() + 0.05
    for index in range(count):
        scheduled = start + index / rate
        delay = scheduled - clock()
        if delay > 0:
            time.sleep(delay)
        else:
            late = max(late, -delay)
        jobs.put((index, scheduled, endpoint.body()))
    for _ in threads:
        jobs.put(None)
    for thread in threads:
        thread.join()
    elapsed = clock() - start
    errors = [status for status in statuses if status != 200]
    return {
        "latency_ms": [value * 1000 for value in latency],
        "service_ms": [value * 1000 for value in service],
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
        "achieved_rate": count / elapsed,
        "max_schedule_slip_ms": late * 1000,
    }


def _wait_for_server(port: int, headers: dict[str, str], server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited before it answered")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            status, _ = _request(conn, Endpoint("me", "GET", "/api/v1/me", None), None, headers)
            conn.close()
            if status == 200:
                return
            raise SystemExit(f"GET /api/v1/me answered {status}")
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer within 90 s")


def _percentiles(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": percentile(values, 50),
        "p95_ms": percentile(values, 95),
        "p99_ms": percentile(values, 99),
        "max_ms": max(values),
    }


def run_api(sample: dict[str, Any], work: str, seconds: float) -> dict[str, Any]:
    say(
        f"\n== api: coresponder serve --threads 1; {API_RATE:.0f} requests/s open loop, "
        f"{seconds:.0f} s per endpoint in {API_ROUNDS} alternating rounds =="
    )
    data_dir = tempfile.mkdtemp(prefix="coresponder-bench-api.", dir=work)
    env = child_env(data_dir, f"sqlite:///{data_dir}/coresponder.sqlite3")
    setup = _child(["--child", "api-setup"], "API setup", env)
    if setup["debug"]:
        raise SystemExit("DEBUG is on in the server's environment: the figures would be wrong")
    headers = {"Authorization": f"Bearer {setup['token']}", "Content-Type": "application/json"}
    port = _free_port()
    log_path = Path(data_dir) / "server.log"
    command = [str(Path(sys.executable).parent / "coresponder"), "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--threads", "1"]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        _wait_for_server(port, headers, server)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        status, body = _request(
            conn, Endpoint("404", "GET", "/bench-no-such-page/", None), None, headers
        )
        conn.close()
        if status != 404 or b"technical_500" in body or b"DEBUG = True" in body:
            raise SystemExit(f"the server's 404 page looks like DEBUG is on (status {status})")
        bodies = _payloads(sample["path"])
        endpoints = [
            Endpoint("GET /api/v1/me", "GET", "/api/v1/me", None),
            Endpoint("POST /api/v1/triage", "POST", "/api/v1/triage", bodies),
        ]
        # Warm-up, not measured: each call type once (the agency's triager and its classifier
        # cache, as on a server that has been running), then a few seconds of each endpoint.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        seen: set[str] = set()
        for body in bodies:
            kind = json.loads(body).get("initial_type_text", "")
            if kind not in seen:
                seen.add(kind)
                status, answer = _request(conn, endpoints[1], body, headers)
                if status != 200:
                    raise SystemExit(f"POST /api/v1/triage answered {status}: {answer[:300]!r}")
        conn.close()
        for endpoint in endpoints:
            warm = open_loop(port, endpoint, headers, API_RATE, 3.0)
            if warm["errors"]:
                raise SystemExit(f"{endpoint.name}: {warm['errors']} errors in the warm-up")
        endpoints[1].next = 0
        load_before = os.getloadavg()[0]
        rounds: dict[str, list[dict[str, Any]]] = {e.name: [] for e in endpoints}
        for i in range(API_ROUNDS):
            for endpoint in endpoints if i % 2 == 0 else endpoints[::-1]:
                result = open_loop(port, endpoint, headers, API_RATE, seconds / API_ROUNDS)
                if result["errors"]:
                    raise SystemExit(
                        f"{endpoint.name}: {result['errors']} errors {result['error_statuses']}"
                    )
                figures = _percentiles(result["latency_ms"])
                say(
                    f"   round {i + 1} {endpoint.name:20} p50 {figures['p50_ms']:.2f} ms, "
                    f"p99 {figures['p99_ms']:.2f} ms, max {figures['max_ms']:.1f} ms "
                    f"({result['achieved_rate']:.1f}/s; load {os.getloadavg()[0]:.2f})"
                )
                result["load"] = os.getloadavg()[0]
                rounds[endpoint.name].append(result)
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    out: dict[str, Any] = {
        "seconds_per_endpoint": seconds,
        "rate": API_RATE,
        "rounds": API_ROUNDS,
        "clients": API_CLIENTS,
        "payloads": len(bodies),
        "debug": setup["debug"],
        "load_before": load_before,
        "load_after": load_after,
        "endpoints": {},
    }
    for name, results in rounds.items():
        latency = [value for r in results for value in r["latency_ms"]]
        service = [value for r in results for value in r["service_ms"]]
        out["endpoints"][name] = {
            "latency": _percentiles(latency),
            "service": _percentiles(service),
            "round_p99_ms": [percentile(r["latency_ms"], 99) for r in results],
            "round_load": [r["load"] for r in results],
            "achieved_rate": statistics.fmean(r["achieved_rate"] for r in results),
            "max_schedule_slip_ms": max(r["max_schedule_slip_ms"] for r in results),
        }
    return out


# ---- Summary -------------------------------------------------------------------------------


def judge(results: dict[str, Any], rows: int) -> list[list[str]]:
    """Rows: measure, figure, baseline (same run), ratio, target, result."""
    table: list[list[str]] = []
    if bulk := results.get("bulk"):
        table.append(
            [
                f"bulk: {rows:,} rows to decisions (median of {bulk['repeat']})",
                f"{bulk['triage_median']:.2f} s",
                f"polars.read_csv {bulk['read_median']:.2f} s",
                f"{bulk['ratio']:.2f}x",
                f"<= {BULK_RATIO_TARGET:.0f}x",
                verdict(bulk["ratio"] <= BULK_RATIO_TARGET),
            ]
        )
        table.append(
            [
                "bulk: peak RSS",
                f"{bulk['triage_peak_rss_mb']:.0f} MB",
                f"polars.read_csv {bulk['read_peak_rss_mb']:.0f} MB",
                f"{bulk['triage_peak_rss_mb'] / bulk['read_peak_rss_mb']:.2f}x",
                "(none)",
                "-",
            ]
        )
    if engine := results.get("engine"):
        warm, cold, live = engine["warm"], engine["cold"], engine["live"]
        table.append(
            [
                "engine: Triager.triage, live (types warm, narratives new)",
                f"p50 {live['p50_us']:.1f} µs, p99 {live['p99_us']:.1f} µs",
                "-",
                "-",
                f"p99 <= {ENGINE_P99_TARGET:.0f} µs",
                verdict(live["p99_us"] <= ENGINE_P99_TARGET),
            ]
        )
        table.append(
            [
                "engine: Triager.triage, warm (narratives cached too)",
                f"p50 {warm['p50_us']:.1f} µs, p99 {warm['p99_us']:.1f} µs",
                "-",
                "-",
                f"p99 <= {ENGINE_P99_TARGET:.0f} µs",
                verdict(warm["p99_us"] <= ENGINE_P99_TARGET),
            ]
        )
        table.append(
            [
                "engine: Triager.triage, cold pass",
                f"p50 {cold['p50_us']:.1f} µs, p99 {cold['p99_us']:.1f} µs",
                "-",
                "-",
                "(reported)",
                "-",
            ]
        )
    if api := results.get("api"):
        triage = api["endpoints"]["POST /api/v1/triage"]["latency"]
        me = api["endpoints"]["GET /api/v1/me"]["latency"]
        for key in ("p50_ms", "p95_ms", "p99_ms"):
            label = key.split("_")[0]
            is_p99 = key == "p99_ms"
            table.append(
                [
                    f"api: POST /api/v1/triage {label}",
                    f"{triage[key]:.2f} ms",
                    f"GET /api/v1/me {me[key]:.2f} ms",
                    f"{triage[key] / me[key]:.2f}x",
                    f"<= {API_P99_TARGET:.0f} ms" if is_p99 else "-",
                    verdict(triage[key] <= API_P99_TARGET) if is_p99 else "-",
                ]
            )
    return table


def print_table(rows: list[list[str]]) -> None:
    header = ["measure", "figure", "baseline (same run)", "ratio", "target", "result"]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for i, row in enumerate([header, *rows]):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * width for width in widths))


def orchestrate(args: argparse.Namespace) -> int:
    rows = args.rows or FULL_ROWS
    parts = [part for part in PARTS if part in (args.parts or PARTS)]
    info = machine()
    print(f"coresponder triage benchmarks ({rows:,} rows; parts: {' '.join(parts)})")
    for name, value in info.items():
        print(f"  {name:8} {value}")
    started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="coresponder-bench-triage.")
    results: dict[str, Any] = {}
    try:
        export = generate(work, rows)
        sample = write_sample(export["path"], work, SAMPLE_CALLS)
        if "bulk" in parts:
            results["bulk"] = run_bulk(export, work, args.repeat)
        if "engine" in parts:
            results["engine"] = run_engine(sample, args.engine_processes, args.warm_passes)
        if "api" in parts:
            results["api"] = run_api(sample, work, args.api_seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - started
    print(f"\n== summary ({total:.0f} s in all; load average now {os.getloadavg()[0]:.2f}) ==")
    table = judge(results, rows)
    print_table(table)
    compact = {
        "machine": info,
        "rows": rows,
        "export": {k: v for k, v in export.items() if k != "path"},
        "sample": {k: v for k, v in sample.items() if k != "path"},
        "seconds": total,
        "bulk": results.get("bulk"),
        "engine": {k: v for k, v in results["engine"].items() if k != "processes"}
        if "engine" in results
        else None,
        "api": {k: v for k, v in results["api"].items() if k != "endpoints"}
        | {
            name: {"latency": e["latency"], "service": e["service"]}
            for name, e in results["api"]["endpoints"].items()
        }
        if "api" in results
        else None,
        "verdicts": {row[0]: row[-1] for row in table if row[-1] != "-"},
    }
    print(RESULT_MARK + json.dumps(compact), flush=True)
    if args.json:
        full = {**compact, "engine": results.get("engine"), "api": results.get("api")}
        Path(args.json).write_text(json.dumps(full, indent=2))
    return 1 if any(row[-1] == "FAIL" for row in table) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, help=f"rows in the export (default {FULL_ROWS:,})")
    parser.add_argument("--parts", nargs="+", choices=PARTS, help="only these measures")
    parser.add_argument("--json", metavar="PATH", help="also write the results here")
    parser.add_argument("--repeat", type=int, default=5, help="bulk runs of each (default 5)")
    parser.add_argument(
        "--api-seconds", type=float, default=20.0, help="seconds per endpoint (default 20)"
    )
    parser.add_argument("--engine-processes", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--warm-passes", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument(
        "--child",
        choices=("bulk-read", "bulk-triage", "engine", "api-setup"),
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--out-dir", help=argparse.SUPPRESS)
    parser.add_argument("--sample", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=SEED, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child in ("bulk-read", "bulk-triage"):
        child_bulk(args.child.removeprefix("bulk-"), args.file, args.out_dir)
    elif args.child == "engine":
        child_engine(args.sample, args.warm_passes, args.seed)
    elif args.child == "api-setup":
        child_api_setup()
    else:
        return orchestrate(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
