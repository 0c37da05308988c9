"""Benchmarks for the audit chain and what access control costs a page (`make bench`).

    .venv/bin/python benchmarks/bench_audit.py            # full run, SQLite then PostgreSQL
    .venv/bin/python benchmarks/bench_audit.py --quick    # small counts: a smoke run
    .venv/bin/python benchmarks/bench_audit.py --no-postgres

Three measures, each on SQLite and (when its server binaries are installed) on a throwaway
PostgreSQL cluster started and removed here, as scripts/run-tests does:

  append  100,000 events through ``audit_record``, one call and one transaction each, as in
          production; events/s. Target on SQLite: at least 5,000/s.
  verify  1,000,000 chained rows (MACs computed with ``chain.compute_mac``, inserted in bulk,
          the last few appended through ``audit_record``), then ``verify_chain()`` timed, then
          the ``coresponder audit verify`` command itself. Target: at most 20 s.
  page    /admin/users/ (signed in with MFA, policy-checked, audited) against a bare view of
          the same template and rows (benchmarks/bench_urls.py), requested in turn with
          django.test.Client; median and p95 latency. Target: at most 1.5x the bare page.

Django reads its settings once per process, so the top-level run starts one child process
per backend and measure (``--backend sqlite --part append``), each with a fresh
COREPONDER_DATA_DIR and database, and prints a summary table. Exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

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

PARTS = ("append", "verify", "page")

APPEND_TARGET = 5_000.0  # events/s, SQLite
VERIFY_TARGET = 20.0  # seconds for 1,000,000 events
PAGE_TARGET = 1.5  # protected page latency / bare page latency

FULL = {"append": 100_000, "verify": 1_000_000, "verify_pg": 1_000_000, "page": 1_000}
QUICK = {"append": 5_000, "verify": 50_000, "verify_pg": 50_000, "page": 100}
VERIFY_FULL_COUNT = FULL["verify"]


# --------------------------------------------------------------------------------------------
# Child side: one backend, one measure, in a process of its own.
# --------------------------------------------------------------------------------------------


def _make_agency(staff: int) -> Any:
    """One agency with two teams, an admin and ``staff`` more accounts; returns the admin."""
    from coresponder.access.roles import Role
    from coresponder.accounts.models import Agency, LoginThrottle, Membership, Team, User

    agency = Agency.objects.create(slug="benchville", name="Benchville Police Department")
    teams = [Team.objects.create(agency=agency, name=name) for name in ("North", "South")]
    admin = User.objects.create(
        username="bench_admin", display_name="Bench Admin", agency=agency, email="a@example.org"
    )
    admin.set_unusable_password()
    admin.save()
    Membership.objects.create(user=admin, role=Role.ADMIN.value)
    roles = [Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.OFFICER, Role.DISPATCHER, Role.ANALYST]
    for i in range(staff):
        user = User.objects.create(
            username=f"staff{i:03d}",
            display_name=f"Staff Member {i}",
            agency=agency,
            email=f"s{i}@example.org",
            is_active=i % 17 != 5,
        )
        role = roles[i % len(roles)]
        team = teams[i % 2] if role in (Role.SOCIAL_WORKER, Role.SUPERVISOR) else None
        Membership.objects.create(user=user, role=role.value, team=team)
    LoginThrottle.objects.create(username="staff003", failures=5, locked_at=datetime.now(UTC))
    return admin


def part_append(count: int) -> dict[str, Any]:
    from django.db import connection

    from coresponder.audit.actions import AuditAction
    from coresponder.audit.services import audit_record
    from coresponder.audit.verify import verify_chain
    from coresponder.core import context

    admin = _make_agency(staff=3)
    ctx = context.RequestContext(client_ip="203.0.113.7", role="admin")
    context.activate(ctx)
    actions = [
        AuditAction.USERS_LISTED,
        AuditAction.LOGIN_SUCCEEDED,
        AuditAction.AUDIT_LOG_VIEWED,
        AuditAction.ACCESS_DENIED,
    ]
    request_ids = [f"{i:032x}" for i in range(count)]

    def one(i: int) -> None:
        ctx.request_id = request_ids[i]
        audit_record(
            actor=admin,
            action=actions[i % 4],
            object_type="route" if i % 4 == 3 else "",
            object_id="accounts:users" if i % 4 == 3 else "",
            outcome="denied" if i % 4 == 3 else "success",
            data={"page": i % 7, "q": "smith"} if i % 4 == 2 else None,
        )

    assert not connection.in_atomic_block, "each append must be its own transaction"
    warmup = min(1_000, count // 10)
    for i in range(warmup):
        one(i)
    say(f"appending {count:,} events ({warmup:,} more as warm-up)...")
    durations: list[int] = []
    clock = time.perf_counter_ns
    started = clock()
    for i in range(count):
        t0 = clock()
        one(i)
        durations.append(clock() - t0)
    elapsed = (clock() - started) / 1e9
    result = verify_chain()
    if not result.ok or result.checked != count + warmup:
        raise SystemExit(f"the appended chain does not verify: {result}")
    rate = count / elapsed
    say(
        f"{count:,} events in {elapsed:.2f} s: {rate:,.0f} events/s "
        f"(per call median {statistics.median(durations) / 1e6:.3f} ms, "
        f"p99 {percentile(durations, 99) / 1e6:.3f} ms); chain verified"
    )
    return {
        "events": count,
        "seconds": elapsed,
        "events_per_s": rate,
        "call_median_ms": statistics.median(durations) / 1e6,
        "call_p99_ms": percentile(durations, 99) / 1e6,
    }


def _generated_rows(count: int, key: bytes) -> Iterator[tuple[list[Any], str]]:
    """``count`` chained rows as ``audit_record`` writes them: (signed fields, mac)."""
    from coresponder.audit import chain
    from coresponder.audit.actions import AuditAction

    actions = [int(action) for action in AuditAction]
    roles = ["social_worker", "supervisor", "officer", "dispatcher", "analyst", "admin"]
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    previous = chain.GENESIS_MAC
    for seq in range(1, count + 1):
        actor = seq % 40 + 1
        action = actions[seq % len(actions)]
        if seq % 5 == 0:
            data: dict[str, Any] = {"page": seq % 9, "q": "smith", "teams": [1, 2]}
        elif seq % 7 == 0:
            data = {"seq": seq, "ok": True}
        else:
            data = {}
        signed = [
            seq,
            start + timedelta(microseconds=seq * 1_537),
            1,
            actor,
            f"user{actor:02d}",
            roles[seq % len(roles)],
            action,
            "case" if seq % 3 == 0 else "",
            str(seq // 3) if seq % 3 == 0 else "",
            "",
            "denied" if action == AuditAction.ACCESS_DENIED else "success",
            f"{seq:032x}",
            f"10.0.{seq % 256}.{seq % 200 + 1}",
            data,
        ]
        mac = chain.compute_mac(key, previous, signed)
        previous = mac
        yield signed, mac


def _bulk_insert_sqlite(count: int, key: bytes, batch: int = 100_000) -> None:
    from django.db import connection, transaction

    from coresponder.audit import chain

    columns = ", ".join((*chain.SIGNED_FIELDS, "mac"))
    marks = ", ".join("?" * (len(chain.SIGNED_FIELDS) + 1))
    sql = f"INSERT INTO audit_auditevent ({columns}) VALUES ({marks})"
    rows: list[tuple[Any, ...]] = []

    def flush() -> None:
        with transaction.atomic():
            connection.connection.executemany(sql, rows)
        rows.clear()

    for signed, mac in _generated_rows(count, key):
        # As Django's SQLite backend stores them: naive UTC text and JSON text.
        at = signed[1].replace(tzinfo=None).isoformat(" ")
        rows.append((*signed[:1], at, *signed[2:13], json.dumps(signed[13]), mac))
        if len(rows) >= batch:
            flush()
    if rows:
        flush()


def _bulk_insert_postgres(count: int, key: bytes) -> None:
    from django.db import connection, transaction

    from coresponder.audit import chain

    columns = ", ".join((*chain.SIGNED_FIELDS, "mac"))
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy:
            for signed, mac in _generated_rows(count, key):
                copy.write_row((*signed[:13], json.dumps(signed[13]), mac))
        cursor.execute("ANALYZE audit_auditevent")


def part_verify(count: int) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection

    from coresponder.audit.actions import AuditAction
    from coresponder.audit.services import audit_record
    from coresponder.audit.verify import verify_chain

    tail = 10  # appended through the production path on top of the generated rows
    generated = count - tail
    say(f"generating and inserting {generated:,} chained rows...")
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        _bulk_insert_postgres(generated, settings.AUDIT_HMAC_KEY.encode())
    else:
        _bulk_insert_sqlite(generated, settings.AUDIT_HMAC_KEY.encode())
    admin = _make_agency(staff=0)
    for i in range(tail):
        audit_record(actor=admin if i % 2 else None, action=AuditAction.AUDIT_LOG_VIEWED)
    load_seconds = time.perf_counter() - started
    say(f"{count:,} rows in place after {load_seconds:.1f} s; timing verify_chain()...")

    started = time.perf_counter()
    result = verify_chain()
    seconds = time.perf_counter() - started
    if not result.ok or result.checked != count:
        raise SystemExit(f"the generated chain does not verify: {result}")
    say(f"verify_chain(): {result.checked:,} events OK in {seconds:.2f} s")

    command = [str(Path(sys.executable).parent / "coresponder"), "audit", "verify"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    cli_seconds = time.perf_counter() - started
    if done.returncode != 0 or f"OK: {count} events verified" not in done.stdout:
        raise SystemExit(f"`coresponder audit verify` failed: {done.stdout}{done.stderr}")
    say(f"`coresponder audit verify`: {done.stdout.strip()} in {cli_seconds:.2f} s (wall)")
    return {
        "events": count,
        "seconds": seconds,
        "cli_seconds": cli_seconds,
        "load_seconds": load_seconds,
        "events_per_s": count / seconds,
    }


def part_page(requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    import bench_urls
    from coresponder.audit.actions import AuditAction
    from coresponder.audit.models import AuditEvent

    admin = _make_agency(staff=30)
    bench_urls.set_baseline_user(admin)
    protected_client, bare_client = Client(), Client()
    sign_in(protected_client, admin)
    protected_url, bare_url = "/admin/users/", bench_urls.BARE_PATH

    def fetch(client: Any, url: str) -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        return response

    with override_settings(ROOT_URLCONF="bench_urls"):
        pages = {
            url: fetch(c, url)
            for c, url in ((protected_client, protected_url), (bare_client, bare_url))
        }
        for url, response in pages.items():
            if b"staff029" not in response.content or b"Bench Admin" not in response.content:
                raise SystemExit(f"{url} does not show the agency's users")
        queries = {}
        for client, url in ((protected_client, protected_url), (bare_client, bare_url)):
            with CaptureQueriesContext(connection) as captured:
                fetch(client, url)
            queries[url] = len(captured)
        warmup = max(20, requests // 10)
        for _ in range(warmup):
            fetch(protected_client, protected_url)
            fetch(bare_client, bare_url)
        before = AuditEvent.objects.filter(action=AuditAction.USERS_LISTED).count()
        say(f"{requests:,} requests of each page, interleaved ({warmup} each as warm-up)...")
        timings: dict[str, list[float]] = {protected_url: [], bare_url: []}
        clock = time.perf_counter_ns
        for _ in range(requests):
            for client, url in ((protected_client, protected_url), (bare_client, bare_url)):
                t0 = clock()
                fetch(client, url)
                timings[url].append((clock() - t0) / 1e6)
        audited = AuditEvent.objects.filter(action=AuditAction.USERS_LISTED).count() - before
    if audited != requests:
        raise SystemExit(f"expected {requests} USERS_LISTED events, found {audited}")

    def summary(url: str) -> dict[str, float]:
        values = timings[url]
        return {"median_ms": statistics.median(values), "p95_ms": percentile(values, 95)}

    protected, bare = summary(protected_url), summary(bare_url)
    result = {
        "requests": requests,
        "protected": protected,
        "bare": bare,
        "median_ratio": protected["median_ms"] / bare["median_ms"],
        "p95_ratio": protected["p95_ms"] / bare["p95_ms"],
        "protected_queries": queries[protected_url],
        "bare_queries": queries[bare_url],
        "protected_bytes": len(pages[protected_url].content),
        "bare_bytes": len(pages[bare_url].content),
    }
    for name, url, figures in (("protected", protected_url, protected), ("bare", bare_url, bare)):
        say(
            f"{name:9} {url:20} median {figures['median_ms']:.2f} ms, "
            f"p95 {figures['p95_ms']:.2f} ms, {result[name + '_queries']} queries, "
            f"{result[name + '_bytes']:,} bytes"
        )
    say(f"ratio: median {result['median_ratio']:.2f}x, p95 {result['p95_ratio']:.2f}x")
    return result


def run_child(backend: str, part: str, count: int) -> None:
    setup_django()
    from django.db import connection

    if connection.vendor != ("postgresql" if backend == "postgres" else "sqlite"):
        raise SystemExit(f"DATABASE_URL is {connection.vendor}, not {backend}")
    measures: dict[str, Callable[[int], dict[str, Any]]] = {
        "append": part_append,
        "verify": part_verify,
        "page": part_page,
    }
    result = measures[part](count)
    result["server_version"] = server_version(backend)
    emit({"backend": backend, "part": part, **result})


# --------------------------------------------------------------------------------------------
# Top level: the machine, the throwaway databases, one child per measure, the summary.
# --------------------------------------------------------------------------------------------


def run_part(backend: str, part: str, count: int, database_url: Callable[[str], str]) -> dict:
    """One measure in a child process with a fresh data directory; returns its result."""
    data_dir = tempfile.mkdtemp(prefix=f"coresponder-bench-{backend}-{part}.")
    try:
        command = [sys.executable, __file__, "--backend", backend, "--part", part]
        command += ["--count", str(count)]
        print(f"\n== {part} on {backend} ==", flush=True)
        env = child_env(data_dir, database_url(data_dir))
        return run_child_process(command, env, f"{part} on {backend}")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def judge(results: list[dict[str, Any]]) -> list[list[str]]:
    """Summary rows: measure, backend, figure, target, result."""
    rows = []
    for r in results:
        backend = "SQLite" if r["backend"] == "sqlite" else "PostgreSQL"
        if r["part"] == "append":
            target = f">= {APPEND_TARGET:,.0f}/s" if r["backend"] == "sqlite" else "(none)"
            passed = r["events_per_s"] >= APPEND_TARGET if r["backend"] == "sqlite" else None
            figure = f"{r['events_per_s']:,.0f} events/s ({r['events']:,} in {r['seconds']:.1f} s)"
            rows.append([f"append {r['events']:,}", backend, figure, target, verdict(passed)])
        elif r["part"] == "verify":
            limit = VERIFY_TARGET * r["events"] / VERIFY_FULL_COUNT
            scaled = "" if r["events"] == VERIFY_FULL_COUNT else " (scaled)"
            figure = f"{r['seconds']:.2f} s ({r['events_per_s']:,.0f}/s)"
            figure += f"; CLI {r['cli_seconds']:.2f} s"
            rows.append(
                [
                    f"verify {r['events']:,}",
                    backend,
                    figure,
                    f"<= {limit:.1f} s{scaled}",
                    verdict(r["seconds"] <= limit),
                ]
            )
        else:
            p, b = r["protected"], r["bare"]
            for stat, key in (("median", "median_ms"), ("p95", "p95_ms")):
                ratio = p[key] / b[key]
                figure = f"{p[key]:.2f} ms vs {b[key]:.2f} ms = {ratio:.2f}x"
                rows.append(
                    [
                        f"page {stat} ({r['requests']:,} each)",
                        backend,
                        figure,
                        f"<= {PAGE_TARGET}x",
                        verdict(ratio <= PAGE_TARGET),
                    ]
                )
    return rows


def orchestrate(args: argparse.Namespace) -> int:
    counts = QUICK if args.quick else FULL
    parts = args.parts or list(PARTS)
    info = machine()
    print(f"coresponder audit benchmarks{' (QUICK: small counts)' if args.quick else ''}")
    if args.pg_setting:
        info["pg_settings"] = " ".join(args.pg_setting)
    for name, value in info.items():
        print(f"  {name:8} {value}")
    results: list[dict[str, Any]] = []
    started = time.perf_counter()

    for part in parts:
        results.append(
            run_part("sqlite", part, counts[part], lambda d: f"sqlite:///{d}/coresponder.sqlite3")
        )

    skipped = ""
    if args.no_postgres:
        skipped = "PostgreSQL figures skipped (--no-postgres)."
    elif (pg_bin := find_pg_bin()) is None:
        skipped = postgres_missing_message()
    else:
        with postgres_cluster(pg_bin, args.pg_setting) as socket_dir:
            for part in parts:
                name = f"bench_{part}"
                create_database(socket_dir, name)
                count = counts["verify_pg" if part == "verify" else part]
                url = f"postgres://postgres@/{name}?host={socket_dir}"
                results.append(run_part("postgres", part, count, lambda _d, u=url: u))
    if skipped:
        print(f"\n{skipped}")

    print(f"\n== summary ({time.perf_counter() - started:.0f} s in all) ==")
    versions = {r["backend"]: r["server_version"] for r in results}
    for backend, version in sorted(versions.items()):
        print(f"  {backend} {version}")
    rows = judge(results)
    print_table(rows)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"machine": info, "quick": args.quick, "results": results}, indent=2)
        )
    if args.quick:
        print("(quick run: smoke figures only, not for docs/performance.md)")
    return 1 if any(row[-1] == "FAIL" for row in rows) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts, for a smoke run")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--parts", nargs="+", choices=PARTS, help="only these measures")
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
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.backend:  # a child: the environment names its own data directory and database
        if not args.part or not args.count:
            parser.error("--backend needs --part and --count")
        run_child(args.backend, args.part, args.count)
        return 0
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
