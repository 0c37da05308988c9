"""Benchmarks for the calls import and the calls list page (issue 3, `make bench-import`).

    .venv/bin/python benchmarks/bench_import.py            # full run, SQLite then PostgreSQL
    .venv/bin/python benchmarks/bench_import.py --quick    # 50,000 rows: a smoke run
    .venv/bin/python benchmarks/bench_import.py --no-postgres
    .venv/bin/python benchmarks/bench_import.py --parts floor import

A synthetic export of 1,000,000 calls (``generate_calls``, fixed seed) is written once, then on
SQLite and (when its server binaries are installed) on a throwaway PostgreSQL cluster:

  floor     the database's own bulk load of the same CSV into a bare table of text columns:
            ``/usr/bin/sqlite3`` ``.mode csv`` + ``.import FILE bare`` into a fresh database
            file; ``COPY bare FROM STDIN (FORMAT csv, HEADER)`` through psycopg.
  import    ``coresponder import-calls FILE --profile coresponder-canonical --agency bench``
            as a subprocess, after ``coresponder init`` and ``coresponder agency create
            bench``: wall time and peak RSS (GNU time, else getrusage). Its JSON summary must
            reconcile and count every row as new. Targets: at most 15 s and 600 MB; the aim
            is at most 3x the floor.
  reimport  the same command again: every row a duplicate. Target: at most 15 s.
  page      GET /calls/ as an MFA-verified dispatcher of ``bench`` with the 1,000,000 calls,
            filtered by one month and the commonest call type, and by one week; requests in
            turn through django.test.Client after a warm-up; median and p95. Target: p95 at
            most 150 ms.

Two exports are measured, each on its own databases:

  full      the canonical export as the synthetic city writes it: every column, with each
            call's units and named persons as JSON (about 670 bytes a row).
  public    the same calls with only the columns a typical public CAD export has (Seattle's
            Call Data, New Orleans' Calls for Service: event number, times received, on scene
            and cleared, call source, priority, call type, disposition, block address, beat,
            district): about 150 bytes a row, the shape issue 3's "about 135 MB" describes.
            Projected from the full file with Polars; imported with the same profile.

``--exports full`` or ``--exports public`` measures one of them (the page only on ``full``).

One child process per backend and measure (``--backend sqlite --part import``), as in
bench_audit.py; the measures of one backend share its data directory (and database), so the
re-import and the page see what the import wrote. A measure run without the import before it
(``--parts page``) loads the file first, untimed. Exits 1 if a target (or the 3x aim) is
missed. A --quick run scales the time targets with the row count.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from _common import (
    child_env,
    create_database,
    emit,
    find_pg_bin,
    machine,
    percentile,
    postgres_cluster,
    postgres_missing_message,
    print_table,
    run_child_process,
    say,
    server_version,
    setup_django,
    sign_in,
    verdict,
)

PARTS = ("floor", "import", "reimport", "page")
EXPORTS = ("full", "public")
# The columns of a typical public CAD export, as canonical columns (see the docstring).
PUBLIC_COLUMNS = (
    "event_number", "received_at", "on_scene_at", "cleared_at", "call_source", "priority",
    "final_type_code", "final_type_text", "disposition_code", "address_raw", "beat", "district",
)  # fmt: skip
FULL_ROWS, QUICK_ROWS = 1_000_000, 50_000
SEED = 20250101
AGENCY, AGENCY_TIME_ZONE = "bench", "America/Chicago"
PROFILE = "coresponder-canonical"

IMPORT_TARGET = 15.0  # seconds for 1,000,000 rows, end to end
RSS_TARGET = 600.0  # MB, peak resident set of the import command
FLOOR_AIM = 3.0  # import wall time / the database's own bulk load of the same CSV
REIMPORT_TARGET = 15.0  # seconds for 1,000,000 duplicate rows
PAGE_TARGET = 150.0  # ms, p95 of the filtered calls list

PAGE_REQUESTS = {"full": 300, "quick": 60}  # per filter, after the warm-up
MONTH = ("2025-06-01", "2025-06-30")  # the synthetic city's calls run through 2025
WEEK = ("2025-06-09", "2025-06-15")  # Monday to Sunday
TIME_BIN = Path("/usr/bin/time")


# --------------------------------------------------------------------------------------------
# Child side: one backend, one measure, in a process of its own.
# --------------------------------------------------------------------------------------------


def _coresponder() -> str:
    return str(Path(sys.executable).parent / "coresponder")


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done


def _measured(args: list[str]) -> tuple[subprocess.CompletedProcess[str], float, float, str]:
    """Run ``args``; (result, wall seconds, peak RSS in MB, how the RSS was measured).

    stdout and stderr are captured, so stderr is not a terminal and the import shows no
    progress bar (which would read the whole file once more to count its rows). The CPU
    seconds the command itself used (user + system; on PostgreSQL the server's are not in
    them) are kept in ``LAST_CPU``: on a machine shared with other work they move less than
    the wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if TIME_BIN.exists():
        with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
            started = time.perf_counter()
            done = subprocess.run(
                [str(TIME_BIN), "-f", "%M", "-o", report.name, *args],
                capture_output=True,
                text=True,
                check=False,
            )
            seconds = time.perf_counter() - started
            lines = Path(report.name).read_text().split()
        rss_mb, how = int(lines[-1]) / 1024, "GNU time %M"
    else:
        started = time.perf_counter()
        done = subprocess.run(args, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        # The largest of all waited-for children so far: the import is the largest here.
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        how = "getrusage(RUSAGE_CHILDREN)"
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_CPU[0] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done, seconds, rss_mb, how


LAST_CPU = [0.0]


def _prepare_installation() -> dict[str, float]:
    """`coresponder init` and the agency, as an operator would (if not done already)."""
    started = time.perf_counter()
    _run([_coresponder(), "init"])
    init_seconds = time.perf_counter() - started
    setup_django(migrate=False)
    from coresponder.accounts.models import Agency

    if not Agency.objects.filter(slug=AGENCY).exists():
        _run(
            [_coresponder(), "agency", "create", AGENCY, "--name", "Bench Police Department"]
            + ["--time-zone", AGENCY_TIME_ZONE]
        )
    return {"init_seconds": init_seconds}


def _calls_loaded() -> int:
    from coresponder.calls.models import Call

    return Call.objects.filter(agency__slug=AGENCY).count()


def _import_command(path: str) -> list[str]:
    return [_coresponder(), "import-calls", path, "--profile", PROFILE, "--agency", AGENCY]


def _summary_of(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    lines = done.stdout.strip().splitlines()
    if not lines:
        raise SystemExit(f"import-calls printed nothing:\n{done.stderr}")
    summary = json.loads(lines[-1])
    counted = sum(summary[name] for name in ("new", "updated", "duplicate", "stale", "rejected"))
    if summary["rows_in"] != counted:
        raise SystemExit(f"the import does not reconcile: {summary}")
    return summary


def _ensure_loaded(path: str, rows: int) -> None:
    """For a measure run without the import before it: load the file, untimed."""
    _prepare_installation()
    if _calls_loaded() < rows:
        say(f"loading {rows:,} calls first (untimed)...")
        _summary_of(_run(_import_command(path)))


def part_floor(path: str, rows: int) -> dict[str, Any]:
    from django.db import connection

    size_mb = Path(path).stat().st_size / 1e6
    if connection.vendor == "sqlite":
        database = Path(os.environ["COREPONDER_DATA_DIR"]) / "floor.sqlite3"
        database.unlink(missing_ok=True)
        command = ["/usr/bin/sqlite3", str(database), "-cmd", ".mode csv", f".import {path} bare"]
        started = time.perf_counter()
        _run(command)
        seconds = time.perf_counter() - started
        count = int(_run(["/usr/bin/sqlite3", str(database), "SELECT count(*) FROM bare"]).stdout)
        how = "sqlite3 .mode csv; .import FILE bare (fresh database file)"
        database.unlink()
    else:
        import psycopg

        with Path(path).open(encoding="utf-8") as handle:
            header = handle.readline().strip().split(",")
        columns = ", ".join(f'"{name}" text' for name in header)
        with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
            conn.execute("DROP TABLE IF EXISTS bare")
            conn.execute(f"CREATE TABLE bare ({columns})")
            conn.commit()
            started = time.perf_counter()
            with (
                conn.cursor() as cursor,
                cursor.copy("COPY bare FROM STDIN (FORMAT csv, HEADER)") as copy,
                Path(path).open("rb") as handle,
            ):
                while block := handle.read(1 << 20):
                    copy.write(block)
            conn.commit()
            seconds = time.perf_counter() - started
            count = conn.execute("SELECT count(*) FROM bare").fetchone()[0]
            conn.execute("DROP TABLE bare")
        how = "COPY bare FROM STDIN (FORMAT csv, HEADER), psycopg, 1 MiB blocks"
    if count != rows:
        raise SystemExit(f"the bare table has {count:,} rows, not {rows:,}")
    say(f"floor: {how}: {rows:,} rows, {size_mb:.0f} MB in {seconds:.2f} s")
    return {"seconds": seconds, "rows": rows, "mb_per_s": size_mb / seconds, "how": how}


def _database_mb() -> float:
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "sqlite":
        name = Path(settings.DATABASES["default"]["NAME"])
        return sum(p.stat().st_size for p in name.parent.glob(name.name + "*")) / 1e6
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0] / 1e6


def part_import(path: str, rows: int) -> dict[str, Any]:
    prepared = _prepare_installation()
    if _calls_loaded():
        raise SystemExit("the database already holds calls: the import must start empty")
    say(f"`coresponder init` took {prepared['init_seconds']:.2f} s; importing {rows:,} rows...")
    done, seconds, rss_mb, how = _measured(_import_command(path))
    summary = _summary_of(done)
    if summary["new"] != rows or summary["rows_in"] != rows:
        raise SystemExit(f"expected {rows:,} new calls: {summary}")
    loaded = _calls_loaded()
    if loaded != rows:
        raise SystemExit(f"{loaded:,} calls in the database, not {rows:,}")
    database_mb = _database_mb()
    triage_seconds = _triage_seconds()
    say(done.stderr.strip())
    say(f"summary: {json.dumps(summary)}")
    say(
        f"import: {seconds:.2f} s wall ({seconds / rows * 1e6:.1f} µs/row; the command's own "
        f"figure {summary['seconds']:.2f} s, then triage of the new calls "
        f"{triage_seconds:.2f} s), peak RSS {rss_mb:.0f} MB ({how}); "
        f"database now {database_mb:,.0f} MB; the command's CPU {LAST_CPU[0]:.2f} s"
    )
    return {
        "cpu_seconds": LAST_CPU[0],
        "triage_seconds": triage_seconds,
        "rows": rows,
        "seconds": seconds,
        "command_seconds": summary["seconds"],
        "us_per_row": seconds / rows * 1e6,
        "rss_mb": rss_mb,
        "rss_how": how,
        "summary": summary,
        "database_mb": database_mb,
        **prepared,
    }


def _triage_seconds() -> float:
    """How long triage took after the import closed: from the batch's CALLS_IMPORTED audit
    event to triage's TRIAGE_DECIDED event for the same batch (what runs on `calls_written`
    inside the same command)."""
    from coresponder.audit.actions import AuditAction
    from coresponder.audit.models import AuditEvent

    imported = AuditEvent.objects.filter(action=AuditAction.CALLS_IMPORTED).latest("seq")
    decided = AuditEvent.objects.filter(
        action=AuditAction.TRIAGE_DECIDED, object_id=imported.object_id
    ).latest("seq")
    return (decided.at - imported.at).total_seconds()


def part_reimport(path: str, rows: int) -> dict[str, Any]:
    _ensure_loaded(path, rows)
    say(f"importing the same {rows:,} rows again...")
    done, seconds, rss_mb, how = _measured(_import_command(path))
    summary = _summary_of(done)
    if summary["duplicate"] != rows or summary["new"] or summary["updated"]:
        raise SystemExit(f"expected {rows:,} duplicates and nothing new or updated: {summary}")
    say(done.stderr.strip())
    say(f"summary: {json.dumps(summary)}")
    say(
        f"re-import: {seconds:.2f} s wall ({seconds / rows * 1e6:.1f} µs/row; the command's own "
        f"figure {summary['seconds']:.2f} s), peak RSS {rss_mb:.0f} MB; "
        f"the command's CPU {LAST_CPU[0]:.2f} s"
    )
    return {
        "cpu_seconds": LAST_CPU[0],
        "rows": rows,
        "seconds": seconds,
        "command_seconds": summary["seconds"],
        "us_per_row": seconds / rows * 1e6,
        "rss_mb": rss_mb,
        "summary": summary,
    }


def _dispatcher() -> Any:
    from coresponder.access.roles import Role
    from coresponder.accounts.models import Agency, Membership, User

    agency = Agency.objects.get(slug=AGENCY)
    user = User.objects.create(
        username="bench_dispatcher", display_name="Bench Dispatcher", agency=agency
    )
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, role=Role.DISPATCHER.value)
    return user


def part_page(path: str, rows: int, requests: int) -> dict[str, Any]:
    _ensure_loaded(path, rows)  # sets Django up
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from coresponder.audit.actions import AuditAction
    from coresponder.audit.models import AuditEvent
    from coresponder.calls.models import Call

    loaded = _calls_loaded()
    if loaded != rows:
        raise SystemExit(f"{loaded:,} calls in the database, not {rows:,}")
    common = (
        Call.objects.filter(agency__slug=AGENCY)
        .exclude(final_type_text="")
        .values_list("final_type_text")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert common is not None
    call_type = common[0]
    client = Client()
    sign_in(client, _dispatcher())
    filters = {
        "month+type": {"since": MONTH[0], "until": MONTH[1], "call_type": call_type},
        "week": {"since": WEEK[0], "until": WEEK[1]},
    }
    urls = {name: "/calls/?" + urlencode(query) for name, query in filters.items()}

    def fetch(url: str) -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        return response

    found: dict[str, int] = {}
    queries: dict[str, list[tuple[str, Any]]] = {}
    for name, url in urls.items():
        match = re.search(rb"([\d,]+) calls?\. Times", fetch(url).content)
        if match is None or not int(match.group(1).replace(b",", b"")):
            raise SystemExit(f"{url} lists no calls")
        found[name] = int(match.group(1).replace(b",", b""))
        statements: list[tuple[str, Any]] = []

        def capture(execute: Any, sql: str, params: Any, *rest: Any, into: list = statements):
            into.append((sql, params))
            return execute(sql, params, *rest)

        with connection.execute_wrapper(capture):
            fetch(url)
        queries[name] = statements
    warmup = max(20, requests // 10)
    for _ in range(warmup):
        for url in urls.values():
            fetch(url)
    before = AuditEvent.objects.filter(action=AuditAction.CALLS_LISTED).count()
    say(
        f"{requests:,} requests of each filter, interleaved ({warmup} each as warm-up); "
        f"call type {call_type!r} (the commonest)..."
    )
    timings: dict[str, list[float]] = {name: [] for name in urls}
    clock = time.perf_counter_ns
    for _ in range(requests):
        for name, url in urls.items():
            t0 = clock()
            fetch(url)
            timings[name].append((clock() - t0) / 1e6)
    audited = AuditEvent.objects.filter(action=AuditAction.CALLS_LISTED).count() - before
    if audited != requests * len(urls):
        raise SystemExit(f"expected {requests * len(urls)} CALLS_LISTED events, found {audited}")
    result: dict[str, Any] = {"requests": requests, "call_type": call_type, "filters": {}}
    for name, url in urls.items():
        values = timings[name]
        selects = _timed_selects(queries[name])
        figures = {
            "url": url,
            "calls_found": found[name],
            "median_ms": statistics.median(values),
            "p95_ms": percentile(values, 95),
            "max_ms": max(values),
            "queries": len(queries[name]),
            "select_ms": sum(ms for ms, _ in selects),
            "slowest_selects": selects[:3],
        }
        result["filters"][name] = figures
        say(
            f"{name:10} {url}: {found[name]:,} calls; median {figures['median_ms']:.1f} ms, "
            f"p95 {figures['p95_ms']:.1f} ms, max {figures['max_ms']:.1f} ms; "
            f"{figures['queries']} statements; its SELECTs re-run on their own (execute and "
            f"fetch all, best of 5) take {figures['select_ms']:.1f} ms, the slowest:"
        )
        for ms, sql in figures["slowest_selects"]:
            say(f"    {ms:7.1f} ms  {sql[:150]}")
    return result


def _timed_selects(statements: list[tuple[str, Any]]) -> list[tuple[float, str]]:
    """Each SELECT of one request run again, fetching every row (the sqlite3 module steps a
    statement on fetch, so timing execute alone hides the work): best of 5, slowest first."""
    from django.db import connection

    timed = []
    for sql, params in statements:
        if not sql.lstrip().upper().startswith("SELECT") or "pg_advisory" in sql:
            continue
        best = math.inf
        for _ in range(5):
            with connection.cursor() as cursor:
                t0 = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                best = min(best, time.perf_counter() - t0)
        timed.append((best * 1000, sql))
    return sorted(timed, reverse=True)


def run_child(backend: str, part: str, path: str, rows: int, requests: int) -> None:
    if part == "floor":
        setup_django(migrate=False)  # the floor needs no schema, only the connection
        result = part_floor(path, rows)
    elif part == "import":
        result = part_import(path, rows)
    elif part == "reimport":
        result = part_reimport(path, rows)
    else:
        result = part_page(path, rows, requests)
    from django.db import connection

    if connection.vendor != ("postgresql" if backend == "postgres" else "sqlite"):
        raise SystemExit(f"DATABASE_URL is {connection.vendor}, not {backend}")
    result["server_version"] = server_version(backend)
    emit({"backend": backend, "part": part, **result})


# --------------------------------------------------------------------------------------------
# Top level: the export, the throwaway databases, one child per measure, the summary.
# --------------------------------------------------------------------------------------------


def generate(directory: str, rows: int) -> dict[str, Any]:
    from coresponder.calls.engine.synthetic import generate_calls

    path = Path(directory) / f"calls-{rows}.csv"
    print(f"\n== generating a {rows:,}-row synthetic export (seed {SEED}) ==", flush=True)
    summary = generate_calls(path, calls=rows, seed=SEED)
    size_mb = path.stat().st_size / 1e6
    common = sorted(summary.by_type.items(), key=lambda item: -item[1])[:3]
    print(
        f"   {path}: {summary.calls:,} calls, {size_mb:.1f} MB "
        f"({path.stat().st_size / rows:.0f} bytes/row) in {summary.seconds:.1f} s; "
        f"commonest types {', '.join(f'{code} {n:,}' for code, n in common)}",
        flush=True,
    )
    return {
        "name": "full",
        "path": str(path),
        "rows": rows,
        "mb": size_mb,
        "seconds": summary.seconds,
    }


def public_export(full: dict[str, Any]) -> dict[str, Any]:
    """The full export's calls with only the columns of a typical public CAD export."""
    import polars as pl

    source = Path(full["path"])
    path = source.with_name(source.stem + "-public.csv")
    started = time.perf_counter()
    pl.scan_csv(source, infer_schema=False).select(PUBLIC_COLUMNS).sink_csv(path)
    seconds = time.perf_counter() - started
    size_mb = path.stat().st_size / 1e6
    rows = full["rows"]
    print(
        f"   {path}: {len(PUBLIC_COLUMNS)} columns ({', '.join(PUBLIC_COLUMNS)}), {size_mb:.1f} MB "
        f"({path.stat().st_size / rows:.0f} bytes/row), projected in {seconds:.1f} s",
        flush=True,
    )
    return {"name": "public", "path": str(path), "rows": rows, "mb": size_mb, "seconds": seconds}


def run_backend(
    backend: str, parts: list[str], export: dict[str, Any], database_url: str, data_dir: str
) -> list[dict[str, Any]]:
    results = []
    requests = PAGE_REQUESTS["quick" if export["rows"] < FULL_ROWS else "full"]
    for part in parts:
        command = [sys.executable, __file__, "--backend", backend, "--part", part]
        command += ["--file", export["path"], "--rows", str(export["rows"])]
        command += ["--requests", str(requests)]
        print(f"\n== {part} on {backend} ==", flush=True)
        env = child_env(data_dir, database_url)
        results.append(run_child_process(command, env, f"{part} on {backend}"))
    return results


def judge(results: list[dict[str, Any]], export: dict[str, Any]) -> list[list[str]]:
    """Summary rows: measure, backend, figure, target, result."""
    rows_n = export["rows"]
    scale = rows_n / FULL_ROWS
    scaled = "" if rows_n == FULL_ROWS else " (scaled)"
    name_ = export["name"]
    table = [
        [
            f"[{name_}] export, {rows_n:,} rows",
            "-",
            f"{export['mb']:.1f} MB ({export['mb'] * 1e6 / rows_n:.0f} B/row), "
            f"{export['seconds']:.1f} s",
            "(none)",
            "-",
        ]
    ]
    by = {(r["backend"], r["part"]): r for r in results if r.get("export") == name_}
    for backend in ("sqlite", "postgres"):
        name = "SQLite" if backend == "sqlite" else "PostgreSQL"
        floor = by.get((backend, "floor"))
        if floor:
            label = "sqlite3 .import" if backend == "sqlite" else "COPY"
            figure = f"{floor['seconds']:.2f} s ({floor['mb_per_s']:.0f} MB/s)"
            table.append([f"floor: {label}", name, figure, "(none)", "-"])
        if r := by.get((backend, "import")):
            limit = IMPORT_TARGET * scale
            figure = f"{r['seconds']:.2f} s ({r['us_per_row']:.1f} µs/row)"
            if "cpu_seconds" in r:
                figure += f", CPU {r['cpu_seconds']:.1f} s"
            table.append(
                [
                    f"import {rows_n:,}",
                    name,
                    figure,
                    f"<= {limit:.2f} s{scaled}",
                    verdict(r["seconds"] <= limit),
                ]
            )
            table.append(
                [
                    "· the import itself (its own `seconds`)",
                    name,
                    f"{r['command_seconds']:.2f} s"
                    + (f" ({r['command_seconds'] / floor['seconds']:.1f}x floor)" if floor else ""),
                    "-",
                    "-",
                ]
            )
            if "triage_seconds" in r:
                table.append(
                    ["· then triage of the new calls", name, f"{r['triage_seconds']:.2f} s"]
                    + ["-", "-"]
                )
            table.append(
                [
                    "import peak RSS",
                    name,
                    f"{r['rss_mb']:.0f} MB",
                    f"<= {RSS_TARGET:.0f} MB",
                    verdict(r["rss_mb"] <= RSS_TARGET),
                ]
            )
            if floor:
                ratio = r["seconds"] / floor["seconds"]
                table.append(
                    [
                        "import / floor",
                        name,
                        f"{r['seconds']:.2f} s / {floor['seconds']:.2f} s = {ratio:.1f}x",
                        f"aim <= {FLOOR_AIM:.0f}x",
                        verdict(ratio <= FLOOR_AIM),
                    ]
                )
        if r := by.get((backend, "reimport")):
            limit = REIMPORT_TARGET * scale
            table.append(
                [
                    f"re-import {rows_n:,} (duplicates)",
                    name,
                    f"{r['seconds']:.2f} s ({r['us_per_row']:.1f} µs/row)"
                    + (f", CPU {r['cpu_seconds']:.1f} s" if "cpu_seconds" in r else ""),
                    f"<= {limit:.2f} s{scaled}",
                    verdict(r["seconds"] <= limit),
                ]
            )
        if r := by.get((backend, "page")):
            for filter_name, figures in r["filters"].items():
                figure = (
                    f"median {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms "
                    f"({figures['calls_found']:,} calls)"
                )
                table.append(
                    [
                        f"calls page, {filter_name} ({r['requests']})",
                        name,
                        figure,
                        f"p95 <= {PAGE_TARGET:.0f} ms",
                        verdict(figures["p95_ms"] <= PAGE_TARGET),
                    ]
                )
    return table


def orchestrate(args: argparse.Namespace) -> int:
    rows = args.rows or (QUICK_ROWS if args.quick else FULL_ROWS)
    parts = [part for part in PARTS if part in (args.parts or PARTS)]
    info = machine()
    print(f"coresponder calls import benchmarks{' (QUICK: small counts)' if args.quick else ''}")
    for name, value in info.items():
        print(f"  {name:8} {value}")
    started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="coresponder-bench-import.")
    results: list[dict[str, Any]] = []
    names = [name for name in EXPORTS if name in (args.exports or EXPORTS)]
    try:
        full = generate(work, rows)
        exports = [e for e in (full, public_export(full) if "public" in names else None) if e]
        exports = [e for e in exports if e["name"] in names]

        def measured(backend: str, export: dict[str, Any], url: str, data_dir: str) -> None:
            chosen = [p for p in parts if p != "page" or export["name"] == "full"]
            print(f"\n==== the {export['name']} export on {backend} ====", flush=True)
            for result in run_backend(backend, chosen, export, url, data_dir):
                results.append({**result, "export": export["name"]})

        for export in exports:
            sqlite_dir = tempfile.mkdtemp(prefix="coresponder-bench-sqlite.", dir=work)
            sqlite_url = f"sqlite:///{sqlite_dir}/coresponder.sqlite3"
            measured("sqlite", export, sqlite_url, sqlite_dir)
            shutil.rmtree(sqlite_dir, ignore_errors=True)  # several GB at full size

        skipped = ""
        if args.no_postgres:
            skipped = "PostgreSQL figures skipped (--no-postgres)."
        elif (pg_bin := find_pg_bin()) is None:
            skipped = postgres_missing_message()
        else:
            with postgres_cluster(pg_bin, args.pg_setting) as socket_dir:
                for export in exports:
                    database = f"bench_import_{export['name']}"
                    create_database(socket_dir, database)
                    url = f"postgres://postgres@/{database}?host={socket_dir}"
                    pg_dir = tempfile.mkdtemp(prefix="coresponder-bench-postgres.", dir=work)
                    measured("postgres", export, url, pg_dir)
        if skipped:
            print(f"\n{skipped}")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n== summary ({time.perf_counter() - started:.0f} s in all) ==")
    versions = {r["backend"]: r["server_version"] for r in results}
    for backend, version in sorted(versions.items()):
        print(f"  {backend} {version}")
    table = [row for export in exports for row in judge(results, export)]
    print_table(table)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"machine": info, "quick": args.quick, "exports": exports, "results": results},
                indent=2,
            )
        )
    if args.quick:
        print("(quick run: smoke figures only, not for docs/performance.md)")
    return 1 if any(row[-1] == "FAIL" for row in table) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} rows: a smoke run")
    parser.add_argument("--rows", type=int, help="rows in the export (default 1,000,000)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--parts", nargs="+", choices=PARTS, help="only these measures")
    parser.add_argument("--exports", nargs="+", choices=EXPORTS, help="only these exports")
    parser.add_argument("--json", metavar="PATH", help="also write the results here")
    parser.add_argument(
        "--pg-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a PostgreSQL server setting for the throwaway cluster (repeatable)",
    )
    parser.add_argument("--backend", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--part", choices=PARTS, help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument(
        "--requests", type=int, default=PAGE_REQUESTS["full"], help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.backend:  # a child: the environment names its own data directory and database
        if not args.part or not args.file or not args.rows:
            parser.error("--backend needs --part, --file and --rows")
        run_child(args.backend, args.part, args.file, args.rows, args.requests)
        return 0
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
