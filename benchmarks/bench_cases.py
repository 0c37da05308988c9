"""Benchmarks for cases: search, case page, caseload, 20 users (issue 5, `make bench-cases`).

    .venv/bin/python benchmarks/bench_cases.py                   # full: 100,000 people ...
    .venv/bin/python benchmarks/bench_cases.py --scale 0.1       # a tenth of each, to iterate
    .venv/bin/python benchmarks/bench_cases.py --backends sqlite --parts search case
    .venv/bin/python benchmarks/bench_cases.py --json out.json   # also keep the raw results

For each backend (SQLite in a file; PostgreSQL in a throwaway cluster on a unix socket) a child
process migrates a fresh database and fills one agency (America/Chicago; two teams, nine
social workers and a supervisor in each) with, at ``--scale 1``: 100,000 people, 150,000
cases, 1,000,000 encounters (each with its worker as responder), 2,000,000 notes (a version
each, 3% amended: a second version), 300,000 tasks and 30,000 assessments. Rows are written
in batches straight into the tables (executemany on SQLite, COPY on PostgreSQL): fixture
data, not product writes, so nothing is audited. People have names drawn (by frequency) from a
few thousand US and Mexican first and last names, some a preferred name (a nickname) or an
alias, most a date of birth; their search keys are the product's (``engine.name_keys`` and
``birth_keys``, with the aliases as ``search.person_keys`` gives them; a sample is checked
against ``person_keys``). Encounters and notes are spread over cases with a long tail (a
log-normal weight per case), as frequent callers have far more than most. PostgreSQL is
ANALYZEd after the load (autovacuum would do it); SQLite is left as the product leaves it.

The same child signs in every user as ``_common.sign_in`` does (a session, MFA verified) and
gives each an API token (``cases:read,cases:write``); it also counts the queries of each page
(``CaptureQueriesContext``) and EXPLAINs the slowest. Then ``coresponder serve --threads 8``
runs as a child process on a free port (DEBUG off, checked) and the parent measures over
HTTP, one request at a time (closed loop, after a warm-up), with signed-in sessions:

  search    ``/cases/people/?q=`` (else ``GET /api/v1/people?q=``): exact names, typos,
            nicknames, "last name + date of birth", a date of birth alone, "last name + year".
            Target p95 <= 100 ms. Also reported: how often the person searched for is on the
            first page of results.
  case      ``/cases/<uuid>/`` (else ``GET /api/v1/cases/{id}`` + its notes + its encounters,
            timed together) for random cases of the reader's team. Target p95 <= 150 ms.
  caseload  ``/cases/`` for a worker and ``/cases/?which=team`` for a supervisor (else
            ``GET /api/v1/cases``). Target p95 <= 150 ms each.
  concurrent  20 users (the 18 workers and 2 supervisors) as threads, each with its own
            keep-alive connection, for ``--seconds``: search 30%, open a case 30% (pages, with
            the session), write a note 15%, record an encounter 15%, complete a task 10% (the
            API, with the user's token). Target: 0 errors; throughput and p95 reported.

Prints a table per backend and a ``BENCH-RESULT {json}`` line; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from _common import (
    RESULT_MARK,
    ROOT,
    child_env,
    create_database,
    emit,
    find_pg_bin,
    machine,
    percentile,
    postgres_cluster,
    postgres_missing_message,
    run_child_process,
    say,
    server_version,
    setup_django,
    sign_in,
    verdict,
)

PARTS = ("search", "case", "caseload", "concurrent")
BACKENDS = ("sqlite", "postgres")
SEED = 20250105
TIME_ZONE = "America/Chicago"

FULL = {
    "people": 100_000,
    "cases": 150_000,
    "encounters": 1_000_000,
    "notes": 2_000_000,
    "tasks": 300_000,
    "assessments": 30_000,
}
TEAMS = ("North team", "South team")
WORKERS_PER_TEAM = 9
BATCH = 20_000

SEARCH_P95_TARGET = 100.0  # ms
CASE_P95_TARGET = 150.0  # ms
CASELOAD_P95_TARGET = 150.0  # ms
CONCURRENT_USERS = 20
SERVER_THREADS = 8
WORKLOAD = (
    ("search", 30), ("open case", 30), ("write note", 15), ("record encounter", 15),
    ("complete task", 10),
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Child side: the data
# --------------------------------------------------------------------------------------------


def _names() -> tuple[list[str], list[int], list[str], list[int]]:
    """First and last names with their weights (Faker's US lists carry frequencies; the
    Mexican ones are weighted evenly, lower)."""
    from faker.providers.person.en_US import Provider as US
    from faker.providers.person.es_MX import Provider as MX

    first: dict[str, int] = {}
    for table in (US.first_names_male, US.first_names_female):
        for name, weight in table.items():
            first[name] = first.get(name, 0) + max(1, int(float(weight) * 1000))
    for name in (*MX.first_names_male, *MX.first_names_female):
        first.setdefault(name, 3)
    last: dict[str, int] = {
        name: max(1, int(float(weight) * 1000)) for name, weight in US.last_names.items()
    }
    for name in MX.last_names:
        last.setdefault(name, 4)
    return list(first), list(first.values()), list(last), list(last.values())


def _nicknames_of() -> dict[str, list[str]]:
    """Full given name (normalised) -> the nicknames that stand for it."""
    from coresponder.cases.engine.people import nicknames

    out: dict[str, list[str]] = {}
    for nick, names in nicknames().items():
        for name in names:
            if name != nick:
                out.setdefault(name, []).append(nick)
    return {name: sorted(nicks) for name, nicks in out.items()}


class Loader:
    """Rows straight into a table: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.rows: dict[str, int] = {}

    def _prep_sqlite(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return str(value.astimezone(UTC).replace(tzinfo=None))
        if isinstance(value, uuid.UUID):
            return value.hex
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return value

    def _prep_postgres(self, value: Any) -> Any:
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return value

    def insert(self, model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        from django.db import transaction

        table = model._meta.db_table
        known = {field.column for field in model._meta.concrete_fields}
        if set(columns) != known:
            raise SystemExit(
                f"{table}: the loader's columns differ from the model's: missing "
                f"{sorted(known - set(columns))}, unknown {sorted(set(columns) - known)}"
            )
        quoted = ", ".join(self.connection.ops.quote_name(column) for column in columns)
        count = 0
        with transaction.atomic(), self.connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([self._prep_postgres(value) for value in row])
                        count += 1
            else:
                marks = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"
                batch: list[list[Any]] = []
                for row in rows:
                    batch.append([self._prep_sqlite(value) for value in row])
                    if len(batch) == BATCH:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        self.rows[table] = self.rows.get(table, 0) + count

    def finish(self, models: list[Any]) -> None:
        """Sequences past the explicit ids (PostgreSQL), then ANALYZE there."""
        if not self.postgres:
            return
        from django.core.management.color import no_style

        with self.connection.cursor() as cursor:
            for sql in self.connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            cursor.execute("ANALYZE")


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _typo(rng: random.Random, word: str) -> str:
    """One slip: two neighbouring letters swapped, a letter doubled, dropped or replaced."""
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2:
        return word[:i] + word[i + 1 :]
    vowels = "aeiou"
    swap = rng.choice([v for v in vowels if v != word[i].lower()])
    return word[:i] + swap + word[i + 1 :]


def build(scale: float, seed: int, state_path: str) -> None:
    """Migrate, create the agency, teams and users, load the rows, sign everyone in."""
    setup_django(migrate=True)
    from django.conf import settings
    from django.db import connection

    from coresponder.access.roles import Role
    from coresponder.accounts.services import (
        agency_create,
        api_token_create,
        team_create,
        user_create,
    )
    from coresponder.cases import search
    from coresponder.cases.engine.people import birth_keys, name_keys
    from coresponder.cases.models import (
        Assessment,
        Case,
        Encounter,
        Note,
        NoteVersion,
        Person,
        PersonAlias,
        PersonSearchKey,
        Task,
    )

    counts = {name: max(1, int(value * scale)) for name, value in FULL.items()}
    rng = random.Random(seed)
    started = time.perf_counter()
    agency = agency_create(slug="bench", name="Bench City Police", time_zone=TIME_ZONE)
    teams = [team_create(actor=None, agency=agency, name=name) for name in TEAMS]
    workers: list[Any] = []  # per team
    supervisors: list[Any] = []
    password = secrets.token_urlsafe(18) + "-Aa1"
    for t, team in enumerate(teams):
        for w in range(WORKERS_PER_TEAM):
            number = t * WORKERS_PER_TEAM + w + 1
            workers.append(
                user_create(
                    actor=None,
                    agency=agency,
                    username=f"worker{number:02}",
                    password=password,
                    display_name=f"Worker {number}",
                    roles=[(Role.SOCIAL_WORKER, team)],
                )
            )
        supervisors.append(
            user_create(
                actor=None,
                agency=agency,
                username=f"supervisor{t + 1}",
                password=password,
                display_name=f"Supervisor {t + 1}",
                roles=[(Role.SUPERVISOR, team)],
            )
        )
    team_workers = [
        workers[t * WORKERS_PER_TEAM : (t + 1) * WORKERS_PER_TEAM] for t in range(len(teams))
    ]
    users_seconds = time.perf_counter() - started
    say(f"   agency, 2 teams, {len(workers)} workers, 2 supervisors: {users_seconds:.1f} s")

    loader = Loader()
    now = datetime.now(UTC).replace(microsecond=0)
    t0 = time.perf_counter()

    # ---- people, aliases, search keys --------------------------------------------------------
    firsts, first_w, lasts, last_w = _names()
    nicks = _nicknames_of()
    n_people = counts["people"]
    first_of = rng.choices(firsts, weights=first_w, k=n_people)
    last_of = rng.choices(lasts, weights=last_w, k=n_people)
    people: list[dict[str, Any]] = []
    for i in range(n_people):
        first, last = first_of[i], last_of[i]
        roll = rng.random()
        born: date | None = None
        year: int | None = None
        if roll < 0.85:
            born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 67))
        elif roll < 0.95:
            year = rng.randrange(1945, 2006)
        own_nicks = nicks.get(first.lower(), [])
        preferred = rng.choice(own_nicks).title() if own_nicks and rng.random() < 0.2 else ""
        aliases: list[str] = []
        if rng.random() < 0.08:
            aliases.append(f"{first} {rng.choices(lasts, weights=last_w)[0]}")
        if rng.random() < 0.04:
            aliases.append(rng.choice(("Smitty", "Red", "Junior", "Tex", "Doc", "Shorty")))
        people.append(
            {
                "id": i + 1,
                "public_id": _uuid(rng),
                "first": first,
                "last": last,
                "preferred": preferred,
                "born": born,
                "year": year,
                "aliases": aliases,
            }
        )
    housing = ["housed"] * 5 + ["sheltered", "unsheltered", "encampment", "vehicle", "unknown"]
    languages = ["English"] * 8 + ["Spanish", "Vietnamese"]
    created_span = 5 * 365 * 86400
    loader.insert(
        Person,
        ["id", "public_id", "agency_id", "first_name", "last_name", "preferred_name",
         "pronouns", "date_of_birth", "birth_year", "language", "housing", "usual_location",
         "address", "emergency_contact", "created_by_id", "version", "created_at",
         "updated_at"],
        (
            (p["id"], p["public_id"], agency.pk, p["first"], p["last"], p["preferred"], "",
             p["born"], p["year"], rng.choice(languages), rng.choice(housing), "", "", "",
             None, 1, now - timedelta(seconds=rng.randrange(created_span)), now)
            for p in people
        ),
    )  # fmt: skip
    alias_rows = [
        (person["id"], name) for person in people for name in person["aliases"] if name.strip()
    ]
    loader.insert(
        PersonAlias,
        ["id", "person_id", "name"],
        ((i + 1, pid, name) for i, (pid, name) in enumerate(alias_rows)),
    )

    def keys_of(person: dict[str, Any]) -> list[str]:
        # As search.person_keys: the aliases, then the preferred name with the last name.
        aliases = list(person["aliases"])
        if person["preferred"]:
            aliases.append(f"{person['preferred']} {person['last']}".strip())
        keys = name_keys(person["first"], person["last"], aliases=aliases)
        keys |= birth_keys(person["born"], person["year"])
        return sorted(key[:64] for key in keys)

    def key_rows() -> Iterator[tuple[int, int, int, str]]:
        next_id = 1
        for person in people:
            for key in keys_of(person):
                yield (next_id, agency.pk, person["id"], key)
                next_id += 1

    loader.insert(PersonSearchKey, ["id", "agency_id", "person_id", "key"], key_rows())
    say(
        f"   people {n_people:,}, aliases {len(alias_rows):,}, search keys "
        f"{loader.rows[PersonSearchKey._meta.db_table]:,}: {time.perf_counter() - t0:.1f} s"
    )

    # ---- cases -------------------------------------------------------------------------------
    t1 = time.perf_counter()
    n_cases = counts["cases"]
    case_person = list(range(1, n_people + 1))
    case_person += [rng.randrange(1, n_people + 1) for _ in range(n_cases - n_people)]
    case_person = case_person[:n_cases]
    rng.shuffle(case_person)
    needs_codes = ["mental_health", "substance_use", "housing", "food", "medical",
                   "income_benefits", "legal", "family", "safety"]  # fmt: skip
    risks = ["low"] * 4 + ["moderate"] * 3 + ["high"] * 2 + ["imminent"]
    cases: list[dict[str, Any]] = []
    for i in range(n_cases):
        team_index = rng.randrange(len(teams))
        worker = rng.choice(team_workers[team_index])
        created = now - timedelta(seconds=rng.randrange(created_span))
        roll = rng.random()
        status = "closed" if roll < 0.8 else ("active" if roll < 0.9 else "open")
        closed = (
            created + timedelta(seconds=rng.randrange(max(1, int((now - created).total_seconds()))))
            if status == "closed"
            else None
        )
        cases.append(
            {
                "id": i + 1,
                "public_id": _uuid(rng),
                "person": case_person[i],
                "team": team_index,
                "worker": worker.pk,
                "status": status,
                "created": created,
                "end": closed or now,
            }
        )
    sources = ["call", "officer_referral", "self_referral", "outreach"]
    loader.insert(
        Case,
        ["id", "public_id", "agency_id", "person_id", "team_id", "assigned_to_id", "status",
         "source", "source_call_id", "risk_level", "needs", "goals", "close_reason",
         "closed_at", "created_by_id", "version", "created_at", "updated_at"],
        (
            (c["id"], c["public_id"], agency.pk, c["person"], teams[c["team"]].pk, c["worker"],
             c["status"], rng.choice(sources[1:]), None, rng.choice(risks),
             sorted(rng.sample(needs_codes, rng.randint(1, 3))),
             "Stable housing; keep the clinic appointments.",
             rng.choice(["goals_met", "connected", "declined", "no_contact", "moved"])
             if c["status"] == "closed" else "",
             c["end"] if c["status"] == "closed" else None,
             c["worker"], 1, c["created"], c["end"] if c["status"] == "closed" else c["created"])
            for c in cases
        ),
    )  # fmt: skip
    say(f"   cases {n_cases:,}: {time.perf_counter() - t1:.1f} s")

    # A long tail: each case's share of encounters and notes is log-normal.
    weights = [rng.lognormvariate(0, 0.9) for _ in range(n_cases)]
    cumulative: list[float] = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    case_ids = range(n_cases)

    def moment(case: dict[str, Any]) -> datetime:
        span = max(1.0, (case["end"] - case["created"]).total_seconds())
        return case["created"] + timedelta(seconds=int(rng.random() * span))

    # ---- encounters and their responders ----------------------------------------------------
    t2 = time.perf_counter()
    n_enc = counts["encounters"]
    enc_case = rng.choices(case_ids, cum_weights=cumulative, k=n_enc)
    kinds = ["crisis", "co_response", "follow_up", "follow_up", "phone", "phone", "outreach",
             "office"]  # fmt: skip
    outcomes = ["resolved"] * 8 + ["referral"] * 4 + ["voluntary_transport", "shelter", "detox",
                "emergency_department", "declined", "not_found", "involuntary_hold"]  # fmt: skip
    enc_worker: list[int] = [0] * n_enc

    def encounter_rows() -> Iterator[tuple[Any, ...]]:
        for i, index in enumerate(enc_case):
            case = cases[index]
            started = moment(case)
            enc_worker[i] = case["worker"]
            backup = rng.random() < 0.05
            yield (
                i + 1, _uuid(rng), agency.pk, case["id"], None, rng.choice(kinds), started,
                started + timedelta(minutes=rng.randint(10, 90)), "", rng.choice(outcomes),
                backup, "Person became agitated near traffic." if backup else "", False, "",
                "Talked through what happened; agreed next steps.", case["worker"], 1, started,
                started,
            )  # fmt: skip

    loader.insert(
        Encounter,
        ["id", "public_id", "agency_id", "case_id", "call_id", "kind", "started_at",
         "ended_at", "other_responders", "outcome", "police_backup", "police_backup_reason",
         "force_used", "force_description", "summary", "created_by_id", "version",
         "created_at", "updated_at"],
        encounter_rows(),
    )  # fmt: skip
    responders = Encounter.responders.through
    loader.insert(
        responders,
        ["id", "encounter_id", "user_id"],
        ((i + 1, i + 1, enc_worker[i]) for i in range(n_enc)),
    )
    say(f"   encounters {n_enc:,} (+ responders): {time.perf_counter() - t2:.1f} s")

    # ---- notes and their versions -----------------------------------------------------------
    t3 = time.perf_counter()
    n_notes = counts["notes"]
    note_case = rng.choices(case_ids, cum_weights=cumulative, k=n_notes)
    sensitivities = ["general"] * 14 + ["behavioural_health"] * 4
    sensitivities += ["substance_use", "criminal_justice"]
    openings = (
        "Met {name} at the usual spot.", "Phoned {name}; reached on the second try.",
        "Visited {name} at the shelter.", "{name} came to the office.",
        "Handoff: {name} was seen tonight.",
    )  # fmt: skip
    middles = (
        "Talked about sleep and money worries.", "Has been to the clinic intake.",
        "Wants help with the benefits appointment.", "Gave a bus pass and the food bank hours.",
        "Calm; said things are better this week.", "Worried about the eviction notice.",
    )  # fmt: skip
    closings = (
        "Agreed to a visit this week.", "Will call back on Friday.",
        "Please check in tomorrow morning by phone.", "Next step: the housing application.",
    )  # fmt: skip
    note_meta: list[tuple[int, datetime, int]] = []  # (author, created, versions)

    def note_rows() -> Iterator[tuple[Any, ...]]:
        for i, index in enumerate(note_case):
            case = cases[index]
            created = moment(case)
            versions = 2 if rng.random() < 0.03 else 1
            note_meta.append((case["worker"], created, versions))
            handoff = rng.random() < 0.1
            yield (
                i + 1, _uuid(rng), agency.pk, case["id"], "handoff" if handoff else "note",
                rng.choice(sensitivities), case["worker"], created, versions,
            )  # fmt: skip

    loader.insert(
        Note,
        ["id", "public_id", "agency_id", "case_id", "kind", "sensitivity", "author_id",
         "created_at", "current_version"],
        note_rows(),
    )  # fmt: skip
    first_names = {p["id"]: p["preferred"] or p["first"] for p in people}

    def version_rows() -> Iterator[tuple[Any, ...]]:
        next_id = 1
        for i, (author, created, versions) in enumerate(note_meta):
            name = first_names[cases[note_case[i]]["person"]]
            body = " ".join(
                (rng.choice(openings).format(name=name), rng.choice(middles),
                 rng.choice(closings))
            )  # fmt: skip
            yield (next_id, i + 1, 1, body, "", author, created)
            next_id += 1
            if versions == 2:
                yield (
                    next_id, i + 1, 2, body + " (Corrected: the visit is on Thursday.)",
                    "Wrong day in the first version.", author, created + timedelta(hours=2),
                )  # fmt: skip
                next_id += 1

    loader.insert(
        NoteVersion,
        ["id", "note_id", "number", "body", "reason", "author_id", "created_at"],
        version_rows(),
    )
    say(
        f"   notes {n_notes:,}, versions {loader.rows[NoteVersion._meta.db_table]:,}: "
        f"{time.perf_counter() - t3:.1f} s"
    )

    # ---- tasks and assessments -------------------------------------------------------------
    t4 = time.perf_counter()
    n_tasks = counts["tasks"]
    task_case = rng.choices(case_ids, cum_weights=cumulative, k=n_tasks)
    open_tasks: dict[int, list[str]] = {}  # worker -> open task public ids

    def task_rows() -> Iterator[tuple[Any, ...]]:
        for i, index in enumerate(task_case):
            case = cases[index]
            public_id = _uuid(rng)
            if case["status"] != "closed" and rng.random() < 0.35:
                due = now + timedelta(hours=rng.randint(-240, 240))
                open_tasks.setdefault(case["worker"], []).append(str(public_id))
                status, done_at, done_by, outcome = "open", None, None, ""
            else:
                due = moment(case) + timedelta(hours=48)
                status, done_at, done_by = "done", due - timedelta(hours=10), case["worker"]
                outcome = rng.choice(["Reached by phone.", "Visited; doing better.", "No answer."])
            yield (
                i + 1, public_id, agency.pk, case["id"], "Contact within 48 hours", due,
                case["worker"], status, None, outcome, done_at, done_by, case["worker"], 1,
                due - timedelta(hours=48), done_at or due - timedelta(hours=48),
            )  # fmt: skip

    loader.insert(
        Task,
        ["id", "public_id", "agency_id", "case_id", "title", "due_at", "assigned_to_id",
         "status", "encounter_id", "outcome", "completed_at", "completed_by_id",
         "created_by_id", "version", "created_at", "updated_at"],
        task_rows(),
    )  # fmt: skip
    n_assess = counts["assessments"]
    loader.insert(
        Assessment,
        ["id", "public_id", "agency_id", "case_id", "instrument", "instrument_version",
         "answers", "total", "domain_scores", "risk_level", "flags", "summary", "completed_at",
         "completed_by_id"],
        (
            (i + 1, _uuid(rng), agency.pk, cases[index]["id"], "needs", "1",
             {"housing": 2, "food": 1}, 3.0, {"housing": 2.0, "food": 1.0}, "moderate", [],
             "Needs: housing, food.", moment(cases[index]), cases[index]["worker"])
            for i, index in enumerate(rng.choices(case_ids, cum_weights=cumulative, k=n_assess))
        ),
    )  # fmt: skip
    say(f"   tasks {n_tasks:,}, assessments {n_assess:,}: {time.perf_counter() - t4:.1f} s")
    t5 = time.perf_counter()
    loader.finish(
        [Person, PersonAlias, PersonSearchKey, Case, Encounter, responders, Note, NoteVersion,
         Task, Assessment]
    )  # fmt: skip
    load_seconds = time.perf_counter() - t0
    say(
        f"   loaded in {load_seconds:.1f} s"
        + (f" (ANALYZE and sequences {time.perf_counter() - t5:.1f} s)" if loader.postgres else "")
    )

    # ---- the stored keys are the product's ---------------------------------------------------
    sample = rng.sample(people, min(300, len(people)))
    stored: dict[int, set[str]] = {}
    for pid, key in PersonSearchKey.objects.filter(
        person_id__in=[p["id"] for p in sample]
    ).values_list("person_id", "key"):
        stored.setdefault(pid, set()).add(key)
    for person in Person.objects.filter(pk__in=[p["id"] for p in sample]).prefetch_related(
        "aliases"
    ):
        expected = {key[:64] for key in search.person_keys(person)}
        if stored.get(person.pk, set()) != expected:
            raise SystemExit(f"person {person.pk}: stored keys differ from person_keys")

    # ---- what the clients will ask for ---------------------------------------------------------
    queries = _search_queries(rng, people, nicks, 2000)
    team_cases: list[list[str]] = [[], []]
    mine: dict[int, list[str]] = {}
    for case in cases:
        team_cases[case["team"]].append(str(case["public_id"]))
        if case["status"] != "closed":
            mine.setdefault(case["worker"], []).append(str(case["public_id"]))
    sign_ins: list[dict[str, Any]] = []
    from django.test import Client

    for team_index, team_users in enumerate(team_workers):
        for user in [*team_users, supervisors[team_index]]:
            client = Client()
            sign_in(client, user)
            _, token = api_token_create(
                actor=None, user=user, name="bench cases", scopes=["cases:read", "cases:write"]
            )
            sign_ins.append(
                {
                    "username": user.username,
                    "supervisor": user in supervisors,
                    "team": team_index,
                    "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "token": token,
                    "own_cases": rng.sample(
                        mine.get(user.pk, []), min(400, len(mine.get(user.pk, [])))
                    ),
                    "open_tasks": open_tasks.get(user.pk, [])[:2000],
                }
            )
    state = {
        "cookie": settings.SESSION_COOKIE_NAME,
        "users": sign_ins,
        "team_cases": [rng.sample(ids, min(3000, len(ids))) for ids in team_cases],
        "queries": queries,
    }
    Path(state_path).write_text(json.dumps(state))
    profile = _profile(workers[0], supervisors[0], team_cases[0], queries)
    emit(
        {
            "counts": counts,
            "rows": loader.rows,
            "users_seconds": users_seconds,
            "load_seconds": load_seconds,
            "total_seconds": time.perf_counter() - started,
            "server": server_version("postgres" if loader.postgres else "sqlite"),
            "debug": settings.DEBUG,
            "vendor": connection.vendor,
            "max_encounters_per_case": _max_per_case(Encounter),
            "max_notes_per_case": _max_per_case(Note),
            "profile": profile,
        }
    )


def _max_per_case(model: Any) -> int:
    from django.db.models import Count

    top = model.objects.values("case_id").annotate(n=Count("id")).order_by("-n").first()
    return int(top["n"]) if top else 0


def _search_queries(
    rng: random.Random, people: list[dict[str, Any]], nicks: dict[str, list[str]], count: int
) -> list[dict[str, str]]:
    """Queries a worker would type, each with the person meant."""
    out: list[dict[str, str]] = []
    kinds = ("exact", "typo", "nickname", "last name + date of birth", "date of birth",
             "last name + year")  # fmt: skip
    while len(out) < count:
        person = rng.choice(people)
        kind = kinds[len(out) % len(kinds)]
        first, last, born = person["first"], person["last"], person["born"]
        if kind == "exact":
            text = f"{first} {last}"
        elif kind == "typo":
            text = (
                f"{first} {_typo(rng, last)}"
                if rng.random() < 0.6
                else (f"{_typo(rng, first)} {last}")
            )
        elif kind == "nickname":
            own = nicks.get(first.lower())
            if not own:
                continue
            text = f"{rng.choice(own).title()} {last}"
        elif kind == "last name + date of birth":
            if born is None:
                continue
            text = f"{last} {born.month}/{born.day}/{born.year}"
        elif kind == "date of birth":
            if born is None:
                continue
            text = born.isoformat()
        else:
            year = born.year if born else person["year"]
            if year is None:
                continue
            text = f"{last} {year}"
        out.append({"q": text, "kind": kind, "person": str(person["public_id"])})
    return out


def _profile(
    worker: Any, supervisor: Any, cases: list[str], queries: list[dict[str, str]]
) -> dict[str, Any]:
    """Queries per request of each page (and the API fallbacks), the slowest of them and its
    plan; in this process, through django.test.Client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out: dict[str, Any] = {}
    clients = {}
    for user in (worker, supervisor):
        client = Client()
        sign_in(client, user)
        clients[user.username] = client
    heavy = _heaviest_case(cases)
    targets = [
        ("search page", worker, f"/cases/people/?q={quote(queries[1]['q'])}"),
        ("search API", worker, f"/api/v1/people?q={quote(queries[1]['q'])}"),
        ("case page", worker, f"/cases/{cases[0]}/"),
        ("case page, the case with the most records", worker, f"/cases/{heavy}/"),
        ("caseload page, worker", worker, "/cases/"),
        ("caseload page, supervisor (team)", supervisor, "/cases/?which=team"),
    ]
    for label, user, url in targets:
        client = clients[user.username]
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        queries_run = [(float(q["time"]), q["sql"]) for q in captured.captured_queries]
        slowest = max(queries_run, default=(0.0, ""))
        entry: dict[str, Any] = {
            "url": url.split("?")[0] if "people" in url else url,
            "status": response.status_code,
            "ms": elapsed,
            "queries": len(queries_run),
            "db_ms": sum(t for t, _ in queries_run) * 1000,
            "slowest_ms": slowest[0] * 1000,
            "slowest_sql": slowest[1][:1500],
        }
        if slowest[1].lstrip().upper().startswith("SELECT"):
            entry["plan"] = _explain(slowest[1])
        out[label] = entry
        say(
            f"   profile {label}: {response.status_code}, {elapsed:.1f} ms, "
            f"{len(queries_run)} queries ({entry['db_ms']:.1f} ms in the database; slowest "
            f"{entry['slowest_ms']:.1f} ms)"
        )
    return out


def _heaviest_case(cases: list[str]) -> str:
    from django.db.models import Count

    from coresponder.cases.models import Case

    top = (
        Case.objects.filter(public_id__in=[uuid.UUID(c) for c in cases[:3000]])
        .annotate(n=Count("notes"))
        .order_by("-n")
        .values_list("public_id", flat=True)
        .first()
    )
    return str(top)


def _explain(sql: str) -> str:
    """The plan of a captured query (its parameters are already inlined by Django)."""
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql.replace("%", "%%"))
            rows = cursor.fetchall()
    except Exception as error:  # noqa: BLE001 - a plan is a diagnostic, never fatal
        return f"(no plan: {error})"
    if connection.vendor == "sqlite":
        return "\n".join(f"{row[0]}|{row[1]}| {row[-1]}" for row in rows)
    return "\n".join(str(row[0]) for row in rows)


# --------------------------------------------------------------------------------------------
# Parent side: the server, the clients, the summary
# --------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Http:
    """One keep-alive connection; reconnects after an error."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port, self.headers = port, headers
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return -1, b""

    def close(self) -> None:
        self.conn.close()


def _clients(port: int, user: dict[str, Any], cookie: str) -> tuple[Http, Http]:
    page = Http(port, {"Cookie": f"{cookie}={user['session']}"})
    api = Http(port, {"Authorization": f"Bearer {user['token']}"})
    return page, api


def _start_server(env: dict[str, str], data_dir: str) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    command = [str(Path(sys.executable).parent / "coresponder"), "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--threads", str(SERVER_THREADS)]
    log = open(Path(data_dir) / "server.log", "wb")  # noqa: SIM115 - closed with the server
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    log.close()
    return server, port


def _wait_for_server(port: int, server: subprocess.Popen[bytes], token: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited before it answered")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                pass
        except OSError:
            time.sleep(0.3)
            continue
        client = Http(port, {"Authorization": f"Bearer {token}"})
        status, body = client.request("GET", "/api/v1/people?q=zz")
        client.close()
        if status == 200:
            return
        raise SystemExit(f"GET /api/v1/people answered {status}: {body[:300]!r}")
    raise SystemExit("the server did not answer within 120 s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50_ms": percentile(values, 50),
        "p95_ms": percentile(values, 95),
        "p99_ms": percentile(values, 99),
        "max_ms": max(values),
        "mean_ms": statistics.fmean(values),
    }


def _timed(client: Http, method: str, path: str, body: Any = None) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    status, answer = client.request(method, path, body)
    return (time.perf_counter() - started) * 1000, status, answer


def _use_pages(port: int, state: dict[str, Any]) -> tuple[bool, str]:
    """Pages when /cases/, /cases/<uuid>/ and /cases/people/ answer 200; else the API."""
    user = state["users"][0]
    page, _ = _clients(port, user, state["cookie"])
    probes = ["/cases/", f"/cases/{user['own_cases'][0]}/", "/cases/people/?q=smith"]
    try:
        for path in probes:
            status, _ = page.request("GET", path)
            if status != 200:
                return False, f"GET {path} answered {status}"
    finally:
        page.close()
    return True, "pages"


def run_search(port: int, state: dict[str, Any], pages: bool, n: int) -> dict[str, Any]:
    users = [u for u in state["users"] if not u["supervisor"]]
    queries = state["queries"]
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = {}
    found: dict[str, list[int]] = {}
    errors = 0
    conns = {u["username"]: _clients(port, u, state["cookie"]) for u in users}
    warm = 20
    for i in range(n + warm):
        query = queries[i % len(queries)]
        user = users[i % len(users)]
        page, api = conns[user["username"]]
        q = quote(query["q"])
        if pages:
            ms, status, body = _timed(page, "GET", f"/cases/people/?q={q}")
        else:
            ms, status, body = _timed(api, "GET", f"/api/v1/people?q={q}")
        if i < warm:
            continue
        if status != 200:
            errors += 1
            continue
        latencies.append(ms)
        by_kind.setdefault(query["kind"], []).append(ms)
        found.setdefault(query["kind"], []).append(int(query["person"].encode() in body))
    for page, api in conns.values():
        page.close()
        api.close()
    return {
        "via": "/cases/people/?q=" if pages else "GET /api/v1/people?q=",
        "latency": _summary(latencies),
        "errors": errors,
        "by_kind": {
            kind: {**_summary(values), "found": sum(found[kind]) / len(found[kind])}
            for kind, values in by_kind.items()
        },
        "found": sum(sum(v) for v in found.values()) / max(1, sum(len(v) for v in found.values())),
    }


def run_case(port: int, state: dict[str, Any], pages: bool, n: int) -> dict[str, Any]:
    users = state["users"]
    rng = random.Random(SEED)
    latencies: list[float] = []
    errors = 0
    conns = {u["username"]: _clients(port, u, state["cookie"]) for u in users}
    warm = 20
    for i in range(n + warm):
        user = users[i % len(users)]
        case_id = rng.choice(state["team_cases"][user["team"]])
        page, api = conns[user["username"]]
        if pages:
            ms, status, _ = _timed(page, "GET", f"/cases/{case_id}/")
        else:
            ms = 0.0
            status = 200
            for suffix in ("", "/notes", "/encounters"):
                part, answer, _ = _timed(api, "GET", f"/api/v1/cases/{case_id}{suffix}")
                ms += part
                status = answer if answer != 200 else status
        if i < warm:
            continue
        if status != 200:
            errors += 1
            continue
        latencies.append(ms)
    for page, api in conns.values():
        page.close()
        api.close()
    return {
        "via": "/cases/<uuid>/"
        if pages
        else "GET /api/v1/cases/{id} + /notes + /encounters (summed)",
        "latency": _summary(latencies),
        "errors": errors,
    }


def run_caseload(port: int, state: dict[str, Any], pages: bool, n: int) -> dict[str, Any]:
    out: dict[str, Any] = {"via": "/cases/" if pages else "GET /api/v1/cases"}
    for who, supervisor, path, api_path in (
        ("worker", False, "/cases/", "/api/v1/cases"),
        ("supervisor", True, "/cases/?which=team", "/api/v1/cases?which=team"),
    ):
        users = [u for u in state["users"] if u["supervisor"] == supervisor]
        conns = {u["username"]: _clients(port, u, state["cookie"]) for u in users}
        latencies: list[float] = []
        errors = 0
        for i in range(n + 10):
            page, api = conns[users[i % len(users)]["username"]]
            if pages:
                ms, status, _ = _timed(page, "GET", path)
            else:
                ms, status, _ = _timed(api, "GET", api_path)
            if i < 10:
                continue
            if status != 200:
                errors += 1
                continue
            latencies.append(ms)
        for page, api in conns.values():
            page.close()
            api.close()
        out[who] = {"latency": _summary(latencies), "errors": errors}
    return out


def run_concurrent(port: int, state: dict[str, Any], pages: bool, seconds: float) -> dict[str, Any]:
    """CONCURRENT_USERS threads, each a signed-in user, for ``seconds``."""
    users = state["users"][:CONCURRENT_USERS]
    names = [name for name, _ in WORKLOAD]
    weights = [weight for _, weight in WORKLOAD]
    results: list[list[tuple[str, float, int]]] = [[] for _ in users]
    failures: list[list[str]] = [[] for _ in users]
    barrier = threading.Barrier(len(users) + 1)
    stop_at = [0.0]

    def worker(index: int) -> None:
        user = users[index]
        rng = random.Random(SEED + index)
        page, api = _clients(port, user, state["cookie"])
        tasks = list(user["open_tasks"])
        own = user["own_cases"] or state["team_cases"][user["team"]]
        barrier.wait()
        while time.perf_counter() < stop_at[0]:
            action = rng.choices(names, weights=weights)[0]
            if action == "complete task" and not tasks:
                action = "write note"
            case_id = rng.choice(own)
            if action == "search":
                q = quote(rng.choice(state["queries"])["q"])
                path = f"/cases/people/?q={q}" if pages else f"/api/v1/people?q={q}"
                client = page if pages else api
                ms, status, body = _timed(client, "GET", path)
            elif action == "open case":
                read_id = rng.choice(state["team_cases"][user["team"]])
                if pages:
                    ms, status, body = _timed(page, "GET", f"/cases/{read_id}/")
                else:
                    ms, status, body = _timed(api, "GET", f"/api/v1/cases/{read_id}/notes")
            elif action == "write note":
                note = {"body": "Phoned; doing better. Visit on Friday.", "sensitivity": "general"}
                ms, status, body = _timed(api, "POST", f"/api/v1/cases/{case_id}/notes", note)
            elif action == "record encounter":
                at = datetime.now(UTC) - timedelta(minutes=rng.randint(30, 600))
                encounter = {
                    "kind": rng.choice(["follow_up", "phone", "outreach", "crisis"]),
                    "started_at": at.isoformat(),
                    "ended_at": (at + timedelta(minutes=25)).isoformat(),
                    "outcome": rng.choice(["resolved", "referral", "declined"]),
                    "summary": "Checked in; agreed next steps.",
                }
                ms, status, body = _timed(
                    api, "POST", f"/api/v1/cases/{case_id}/encounters", encounter
                )
            else:
                task_id = tasks.pop()
                change = {"version": 1, "status": "done", "outcome": "Reached by phone."}
                ms, status, body = _timed(api, "PATCH", f"/api/v1/tasks/{task_id}", change)
            results[index].append((action, ms, status))
            if not 200 <= status < 300:
                failures[index].append(f"{action} {status}: {body[:200]!r}")
        page.close()
        api.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(len(users))]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds + 0.5  # the threads wait at the barrier first
    barrier.wait()
    started = time.perf_counter()
    stop_at[0] = started + seconds
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [entry for per_user in results for entry in per_user]
    errors = [failure for per_user in failures for failure in per_user]
    ok = [ms for _, ms, status in flat if 200 <= status < 300]
    return {
        "users": len(users),
        "seconds": elapsed,
        "requests": len(flat),
        "throughput": len(flat) / elapsed,
        "errors": len(errors),
        "error_samples": errors[:5],
        "latency": _summary(ok),
        "by_action": {
            name: _summary([ms for action, ms, _ in flat if action == name]) for name in names
        },
        "via": "pages for search and open case, API for writes" if pages else "API throughout",
    }


def run_backend(
    backend: str, args: argparse.Namespace, database_url: str, data_dir: str
) -> dict[str, Any]:
    say(f"\n== {backend}: building the data (scale {args.scale}) ==")
    env = child_env(data_dir, database_url)
    state_path = str(Path(data_dir) / "state.json")
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "build"]
    command += ["--scale", str(args.scale), "--state", state_path]
    built = run_child_process(command, env, f"{backend} build")
    if built["debug"]:
        raise SystemExit("DEBUG is on in the children's environment: the figures would be wrong")
    state = json.loads(Path(state_path).read_text())
    result: dict[str, Any] = {"backend": backend, "build": built}
    server, port = _start_server(env, data_dir)
    try:
        _wait_for_server(port, server, state["users"][0]["token"])
        probe = Http(port, {})
        status, body = probe.request("GET", "/bench-no-such-page/")
        probe.close()
        if status != 404 or b"technical_500" in body or b"DEBUG = True" in body:
            raise SystemExit(f"the server's 404 page looks like DEBUG is on (status {status})")
        pages, why = _use_pages(port, state)
        result["pages"] = pages
        result["pages_reason"] = why
        say(f"   server on port {port}; measuring through {'the pages' if pages else why}")
        result["load_before"] = os.getloadavg()[0]
        if "search" in args.parts:
            result["search"] = run_search(port, state, pages, args.requests)
            _say_latency("search", result["search"])
        if "case" in args.parts:
            result["case"] = run_case(port, state, pages, args.requests)
            _say_latency("case", result["case"])
        if "caseload" in args.parts:
            result["caseload"] = run_caseload(port, state, pages, max(50, args.requests // 2))
            for who in ("worker", "supervisor"):
                _say_latency(f"caseload {who}", result["caseload"][who])
        if "concurrent" in args.parts:
            result["concurrent"] = run_concurrent(port, state, pages, args.seconds)
            c = result["concurrent"]
            say(
                f"   concurrent: {c['requests']:,} requests in {c['seconds']:.1f} s = "
                f"{c['throughput']:.1f}/s, p95 {c['latency'].get('p95_ms', 0):.1f} ms, "
                f"{c['errors']} errors {c['error_samples'][:2]}"
            )
        result["load_after"] = os.getloadavg()[0]
    finally:
        _stop(server)
    return result


def _say_latency(label: str, figures: dict[str, Any]) -> None:
    lat = figures["latency"]
    if not lat.get("n"):
        say(f"   {label}: no successful request ({figures['errors']} errors)")
        return
    say(
        f"   {label}: p50 {lat['p50_ms']:.1f} ms, p95 {lat['p95_ms']:.1f} ms, max "
        f"{lat['max_ms']:.1f} ms over {lat['n']} requests, {figures['errors']} errors "
        f"(load {os.getloadavg()[0]:.2f})"
    )


def judge(result: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []

    def latency_row(label: str, figures: dict[str, Any] | None, target: float) -> None:
        if not figures:
            return
        lat = figures["latency"]
        if not lat.get("n"):
            rows.append([label, "-", "-", f"p95 <= {target:.0f} ms", "FAIL"])
            return
        passed = lat["p95_ms"] <= target and figures["errors"] == 0
        rows.append(
            [
                label,
                f"{lat['p50_ms']:.1f} ms",
                f"{lat['p95_ms']:.1f} ms",
                f"p95 <= {target:.0f} ms",
                verdict(passed),
            ]
        )

    search = result.get("search")
    if search:
        latency_row(f"person search ({search['via']})", search, SEARCH_P95_TARGET)
        rows.append(["  person searched for on the first page", f"{search['found']:.1%}", "",
                     "(reported)", "-"])  # fmt: skip
    if case := result.get("case"):
        latency_row(f"case page ({case['via']})", case, CASE_P95_TARGET)
    if caseload := result.get("caseload"):
        latency_row(
            f"caseload, worker ({caseload['via']})", caseload["worker"], CASELOAD_P95_TARGET
        )
        latency_row(
            f"caseload, supervisor ({caseload['via']}?which=team)",
            caseload["supervisor"],
            CASELOAD_P95_TARGET,
        )
    if concurrent := result.get("concurrent"):
        lat = concurrent["latency"]
        rows.append(
            [
                f"{concurrent['users']} users, mixed workload: {concurrent['throughput']:.1f} "
                f"requests/s, {concurrent['errors']} errors",
                f"{lat.get('p50_ms', 0):.1f} ms",
                f"{lat.get('p95_ms', 0):.1f} ms",
                "0 errors",
                verdict(concurrent["errors"] == 0 and concurrent["requests"] > 0),
            ]
        )
    return rows


def print_table(backend: str, rows: list[list[str]]) -> None:
    header = ["measure", "p50", "p95", "target", "result"]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    print(f"\n{backend}:")
    for i, row in enumerate([header, *rows]):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * width for width in widths))


def orchestrate(args: argparse.Namespace) -> int:
    args.parts = [part for part in PARTS if part in (args.parts or PARTS)]
    backends = [b for b in BACKENDS if b in (args.backends or BACKENDS)]
    info = machine()
    counts = {name: max(1, int(value * args.scale)) for name, value in FULL.items()}
    print(
        f"coresponder case benchmarks (scale {args.scale}: "
        + ", ".join(f"{value:,} {name}" for name, value in counts.items())
        + f"; parts: {' '.join(args.parts)}; backends: {' '.join(backends)})"
    )
    for name, value in info.items():
        print(f"  {name:8} {value}")
    started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="coresponder-bench-cases.")
    results: list[dict[str, Any]] = []
    notes: list[str] = []
    try:
        for backend in backends:
            data_dir = tempfile.mkdtemp(prefix=f"{backend}.", dir=work)
            if backend == "sqlite":
                url = f"sqlite:///{data_dir}/coresponder.sqlite3"
                results.append(run_backend(backend, args, url, data_dir))
                continue
            pg_bin = find_pg_bin()
            if pg_bin is None:
                notes.append(postgres_missing_message())
                print(notes[-1])
                continue
            with postgres_cluster(pg_bin) as socket_dir:
                create_database(socket_dir, "bench_cases")
                url = f"postgres://postgres@/bench_cases?host={socket_dir}"
                results.append(run_backend(backend, args, url, data_dir))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - started
    print(f"\n== summary ({total:.0f} s in all; load average now {os.getloadavg()[0]:.2f}) ==")
    failed = False
    verdicts: dict[str, dict[str, str]] = {}
    for result in results:
        table = judge(result)
        built = result["build"]
        print_table(
            f"{result['backend']} ({built['server']}; data loaded in "
            f"{built['load_seconds']:.0f} s; load average {result['load_before']:.2f} before, "
            f"{result['load_after']:.2f} after)",
            table,
        )
        failed |= any(row[-1] == "FAIL" for row in table)
        verdicts[result["backend"]] = {row[0]: row[-1] for row in table if row[-1] != "-"}
    compact = {
        "machine": info,
        "scale": args.scale,
        "counts": counts,
        "seconds": total,
        "notes": notes,
        "verdicts": verdicts,
    }
    print(RESULT_MARK + json.dumps(compact), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({**compact, "results": results}, indent=2))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of the full counts (default 1)"
    )
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, help="only these databases")
    parser.add_argument("--parts", nargs="+", choices=PARTS, help="only these measures")
    parser.add_argument("--json", metavar="PATH", help="also write the results here")
    parser.add_argument(
        "--requests", type=int, default=300, help="requests per latency measure (default 300)"
    )
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="seconds of concurrent load (default 30)"
    )
    parser.add_argument("--child", choices=("build",), help=argparse.SUPPRESS)
    parser.add_argument("--state", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=SEED, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "build":
        build(args.scale, args.seed, args.state)
        return 0
    if not math.isfinite(args.scale) or args.scale <= 0:
        parser.error("--scale must be a positive number")
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
