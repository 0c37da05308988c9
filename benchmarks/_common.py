"""Helpers shared by the benchmark scripts (bench_audit.py, bench_import.py).

A benchmark is an orchestrating parent that starts one child process per backend and measure
(Django reads its settings once per process), each with its own COREPONDER_DATA_DIR and
DATABASE_URL; a child prints its figures as one ``BENCH-RESULT {json}`` line. PostgreSQL runs
in a throwaway cluster on a unix socket, started and removed here as scripts/run-tests does.
"""

from __future__ import annotations

import json
import math
import os
import platform
import shlex
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULT_MARK = "BENCH-RESULT "


# --------------------------------------------------------------------------------------------
# Child side
# --------------------------------------------------------------------------------------------


def setup_django(migrate: bool = True) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coresponder.settings")
    import django
    from django.core.management import call_command

    django.setup()
    if migrate:
        call_command("migrate", verbosity=0)


def emit(result: dict[str, Any]) -> None:
    print(RESULT_MARK + json.dumps(result), flush=True)


def say(text: str) -> None:
    print(text, flush=True)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with ``pct``% of values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def sign_in(client: Any, user: Any) -> None:
    """An MFA-verified session, as after a real sign-in (as tests/conftest.py sign_in)."""
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from coresponder.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT

    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    now = timezone.now().isoformat()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session["otp_device_id"] = device.persistent_id
    session.save()


def server_version(backend: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if backend == "postgres" else "SELECT sqlite_version()")
        return cursor.fetchone()[0]


# --------------------------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    import django

    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "load": " ".join(f"{load:.2f}" for load in os.getloadavg()),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def child_env(data_dir: str, database_url: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("COREPONDER_") and name != "DATABASE_URL"
    }
    env.update(
        COREPONDER_ENV="development",
        COREPONDER_DATA_DIR=data_dir,
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="coresponder.settings",
    )
    return env


def run_child_process(command: list[str], env: dict[str, str], what: str) -> dict[str, Any]:
    """Run one child, echoing its output indented; return its BENCH-RESULT, with the load
    average after it (other work on the machine skews the figures)."""
    load_before = os.getloadavg()[0]
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert child.stdout is not None
    result: dict[str, Any] | None = None
    for line in child.stdout:
        if line.startswith(RESULT_MARK):
            result = json.loads(line[len(RESULT_MARK) :])
        else:
            print("   " + line, end="", flush=True)
    if child.wait() != 0 or result is None:
        raise SystemExit(f"the {what} benchmark failed")
    result["load_after"] = os.getloadavg()[0]
    print(f"   (load average {load_before:.2f} before, {result['load_after']:.2f} after)")
    return result


def find_pg_bin() -> Path | None:
    candidates = []
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    return None


def postgres_missing_message() -> str:
    return (
        "PostgreSQL figures skipped: the server binaries (initdb, pg_ctl) are not "
        "installed. Install PostgreSQL to measure them."
    )


def as_postgres_user(args: list[str]) -> None:
    """PostgreSQL refuses to run as root: use the postgres account when we are root."""
    if os.geteuid() == 0:
        args = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(args)]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


@contextmanager
def postgres_cluster(pg_bin: Path, settings: Sequence[str] = ()) -> Iterator[str]:
    """A throwaway cluster on a unix socket in a temporary directory; yields that directory.

    Durability settings are left at PostgreSQL's defaults (fsync and synchronous_commit on),
    unlike scripts/run-tests: each commit waits for its WAL flush, as in production.
    ``settings`` (NAME=VALUE) are passed to the server, e.g. for a diagnostic run."""
    pg_dir = tempfile.mkdtemp(prefix="coresponder-bench-pg.")
    data = f"{pg_dir}/data"
    os.chmod(pg_dir, 0o755)
    if os.geteuid() == 0:
        shutil.chown(pg_dir, "postgres")
    started = False
    try:
        as_postgres_user(
            [str(pg_bin / "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8"]
        )
        options = f"-k {pg_dir} -c listen_addresses="
        options += "".join(f" -c {setting}" for setting in settings)
        as_postgres_user(
            [str(pg_bin / "pg_ctl"), "-D", data, "-l", f"{pg_dir}/log", "-w", "-o", options]
            + ["start"]
        )
        started = True
        yield pg_dir
    finally:
        if started:
            as_postgres_user([str(pg_bin / "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"])
        shutil.rmtree(pg_dir, ignore_errors=True)


def create_database(socket_dir: str, name: str) -> None:
    import psycopg

    with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres") as conn:
        conn.autocommit = True
        conn.execute(f"CREATE DATABASE {name}")


def verdict(passed: bool | None) -> str:
    return "-" if passed is None else ("PASS" if passed else "FAIL")


def print_table(rows: list[list[str]]) -> None:
    header = ["measure", "backend", "figure", "target", "result"]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for i, row in enumerate([header, *rows]):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * width for width in widths))
