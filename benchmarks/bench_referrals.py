"""Benchmark for the partner directory import (issue 6, `make bench-referrals`).

    .venv/bin/python benchmarks/bench_referrals.py                  # full run: 10,000 services
    .venv/bin/python benchmarks/bench_referrals.py --quick          # 1,000 services: a smoke run
    .venv/bin/python benchmarks/bench_referrals.py --no-postgres    # SQLite only
    .venv/bin/python benchmarks/bench_referrals.py --forms json --parts import
    .venv/bin/python benchmarks/bench_referrals.py --json out.json  # also keep the raw results

A synthetic HSDS 3.0 directory of 10,000 services (``generate_directory``, fixed seed) is
built with the engine's records: organizations with their services, locations (most physical,
with an address; some virtual), services at locations, phones (service, location and contact
phones), schedules (weekly hours per site, some overnight, around the clock or monthly, and
holiday closures), languages, contacts, taxonomy terms and attributes. It is written once in
both forms, as HSDS JSON (``write_hsds_json``) and as a zipped CSV data package
(``write_hsds_datapackage``); both must read back to the same directory with no problems.
Then, per form:

  read      the baseline, in a child process of its own: ``json.loads`` of the JSON file, and
            the engine's reader alone (``read_hsds_json`` of the file;
            ``read_hsds_datapackage`` of the zip), each ``--repeat`` times: median wall and
            CPU time.
  import    ``coresponder directory import FILE --agency bench --replace`` as a subprocess,
            after ``coresponder init`` and ``coresponder agency create bench`` in a fresh data
            directory and database, on SQLite and (when its server binaries are installed) on
            a throwaway PostgreSQL cluster: wall time end to end, CPU time (user + system, from
            getrusage of children) and peak RSS (GNU time, else getrusage). Its summary must
            count every record and no problem. Each import runs ``--runs`` times (3; after the
            first, --replace over the same records): the median is judged. Target: at most
            10 s wall (judged at 10,000 services only). Also reported: the ratios to the
            engine's read alone.
  merge     the same command without ``--replace``: the same file merged into the stored
            directory, every record already there. Target: at most 10 s as well.

After each import the stored directory is checked in the child: the agency's snapshot holds
the 10,000 services, and ``coresponder directory export`` (timed, for information) writes a
file that reads back equal to the generated directory. Starting Python, setting Django up
and importing the directory's code is timed too (best of 3): every import pays it.

One child process per backend, form and measure (``--backend sqlite --form json --part
import``), as in the other benchmarks; the measures of one backend and form share a data
directory (and database), so the merge sees what the import stored; a merge run without the
import before it (``--parts merge``) imports first, untimed. Exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from _common import (
    child_env,
    create_database,
    emit,
    find_pg_bin,
    machine,
    postgres_cluster,
    postgres_missing_message,
    print_table,
    run_child_process,
    say,
    server_version,
    setup_django,
    verdict,
)

FORMS = ("json", "datapackage")
PARTS = ("import", "merge")
BACKENDS = ("sqlite", "postgres")
FULL_SERVICES, QUICK_SERVICES = 10_000, 1_000
SEED = 20250106
AGENCY, AGENCY_TIME_ZONE = "bench", "America/Chicago"
IMPORT_TARGET = 10.0  # seconds, end to end, for 10,000 services
READ_REPEAT = 3
IMPORT_RUNS = 3  # each import measured this many times: the median is judged
TIME_BIN = Path("/usr/bin/time")
# What every command pays before its work: Python, Django's setup and the directory's code.
STARTUP = (
    "import django; django.setup(); "
    "import coresponder.referrals.commands, coresponder.referrals.services"
)
FILE_NAMES = {"json": "directory.json", "datapackage": "directory.zip"}
FORM_LABELS = {"json": "HSDS JSON", "datapackage": "CSV data package (.zip)"}


# --------------------------------------------------------------------------------------------
# The directory
# --------------------------------------------------------------------------------------------

# (service name, description, taxonomy term) of the kinds of help a 211 directory lists.
SERVICE_KINDS = (
    ("Emergency Shelter", "Overnight beds for adults experiencing homelessness.", "Shelter"),
    ("Family Shelter", "Emergency housing for families with children.", "Shelter"),
    ("Rapid Rehousing", "Help finding and paying for housing after homelessness.", "Housing"),
    ("Eviction Prevention", "One-time rent help for tenants facing eviction.", "Housing"),
    ("Food Pantry", "Groceries once a week; bring a bag.", "Food Pantries"),
    ("Community Meals", "Free hot meals, no questions asked.", "Meals"),
    ("SNAP Enrollment", "Help applying for SNAP food benefits.", "Benefits"),
    ("Walk-in Counseling", "Same-day counseling with a licensed therapist.", "Mental Health"),
    ("Mobile Crisis Team", "Crisis intervention in the community, day and night.", "Crisis"),
    ("Peer Support Group", "Weekly recovery group led by peers.", "Substance Use"),
    ("Outpatient Addiction Treatment", "Assessment and opioid treatment.", "Substance Use"),
    ("Detox Program", "Medically supervised withdrawal management.", "Detox"),
    ("Sobering Center", "A safe place to sober up, open overnight.", "Substance Use"),
    ("Primary Care Clinic", "Sliding-fee medical care for adults and children.", "Primary Care"),
    ("Dental Clinic", "Low-cost dental care and emergency extractions.", "Health Care"),
    ("Benefits Counseling", "Help with SSI, disability benefits and Medicaid.", "Benefits"),
    ("Job Readiness", "Employment coaching, resumes and job search.", "Employment"),
    ("Tenant Legal Clinic", "Free legal advice for tenants; an attorney reviews leases.", "Legal"),
    ("Expungement Help", "Lawyers help clear eligible court records.", "Legal"),
    ("Parenting Classes", "Classes and home visits for new parents.", "Parenting"),
    ("Youth Drop-in Center", "A safe place for youth ages 14 to 24.", "Youth"),
    ("Domestic Violence Hotline", "Safety planning and a safe house for victims.", "Safety"),
    ("Sexual Assault Advocacy", "Advocates for victims of sexual assault.", "Victim Services"),
    ("Senior Services", "Case management and meals for older adults.", "Meals"),
    ("Transportation Assistance", "Bus passes and rides to medical appointments.", "Transport"),
    ("Utility Assistance", "Help with heating and electric bills.", "Financial Assistance"),
)
TERMS = sorted({kind[2] for kind in SERVICE_KINDS})
ORG_WORDS = (
    "Riverside", "Northside", "Lakeview", "Harbor", "Cedar", "Prairie", "Summit", "Unity",
    "Hope", "Bridge", "Beacon", "Pathways", "Open Door", "Good Shepherd", "St. Vincent",
    "Greenwood", "Maple", "Eastside", "Westside", "Southside", "Oak Hill", "Valley", "Mission",
    "Heritage", "New Horizons", "Compass", "Lighthouse", "Haven", "Cornerstone", "Anchor",
)  # fmt: skip
ORG_KINDS = (
    "Community Services", "Family Center", "Health Center", "Mission", "Outreach",
    "Legal Aid", "Food Shelf", "Housing Partnership", "Recovery Center", "Youth Services",
    "Counseling Center", "Coalition", "Action Agency", "Neighborhood House",
)  # fmt: skip
STREETS = (
    "Main St", "Oak Ave", "Lake St", "Hennepin Ave", "University Ave", "Cedar Ave",
    "Franklin Ave", "Broadway", "Washington Ave", "Central Ave", "Park Ave", "Chicago Ave",
    "Nicollet Ave", "Portland Ave", "Riverside Ave", "Snelling Ave", "Grand Ave", "7th St",
)  # fmt: skip
CITIES = (
    ("Minneapolis", "55401", 44.98, -93.27), ("St. Paul", "55101", 44.95, -93.09),
    ("Bloomington", "55420", 44.84, -93.30), ("Brooklyn Park", "55443", 45.09, -93.36),
    ("Duluth", "55802", 46.79, -92.10), ("Rochester", "55901", 44.02, -92.47),
)  # fmt: skip
LANGUAGES = (
    ("en", "English"), ("es", "Spanish"), ("so", "Somali"), ("hmn", "Hmong"),
    ("vi", "Vietnamese"), ("ar", "Arabic"), ("ru", "Russian"), ("om", "Oromo"),
)  # fmt: skip
FIRST = ("Maria", "James", "Amina", "John", "Linh", "Fatima", "David", "Sarah", "Abdi", "Grace")
LAST = ("Johnson", "Garcia", "Nguyen", "Hassan", "Smith", "Vang", "Lee", "Olson", "Ali", "Brown")
TITLES = ("Program Manager", "Intake Coordinator", "Case Manager", "Director", "Navigator")
WEEKDAYS = ("MO,TU,WE,TH,FR", "MO,WE,FR", "TU,TH", "MO,TU,WE,TH,FR,SA", "SA,SU")
HOLIDAYS = (date(2026, 11, 26), date(2026, 12, 25), date(2027, 1, 1))


def generate_directory(services: int, seed: int = SEED) -> Any:
    """A realistic directory of ``services`` services (about four per organization)."""
    from coresponder.referrals.engine import (
        Address,
        Attribute,
        Contact,
        Directory,
        Language,
        Location,
        Organization,
        Phone,
        Schedule,
        Service,
        ServiceAtLocation,
        TaxonomyTerm,
    )

    rng = random.Random(seed)

    def uid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def phone_number() -> str:
        return f"+1 ({rng.randint(201, 989)}) 555-{rng.randint(0, 9999):04d}"

    terms = {
        name: TaxonomyTerm(
            id=uid(), name=name, description=f"Services: {name.lower()}", taxonomy="local"
        )
        for name in TERMS
    }
    out: dict[str, list[Any]] = {
        name: []
        for name in (
            "organizations", "locations", "services", "service_at_locations", "contacts",
            "phones", "schedules", "addresses", "languages", "attributes",
        )
    }  # fmt: skip
    made = 0
    while made < services:
        org_name = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_KINDS)}"
        slug = org_name.lower().replace(" ", "").replace(".", "")
        org = Organization(
            id=uid(),
            name=org_name,
            description=f"{org_name} serves the metro area since {rng.randint(1950, 2020)}.",
            email=f"info@{slug}.org",
            website=f"https://www.{slug}.org",
        )
        out["organizations"].append(org)
        out["phones"].append(
            Phone(id=uid(), organization_id=org.id, number=phone_number(), type="voice")
        )
        director = Contact(
            id=uid(),
            organization_id=org.id,
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            title="Executive Director",
            email=f"director@{slug}.org",
        )
        out["contacts"].append(director)
        locations = []
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            city, postal, lat, lon = rng.choice(CITIES)
            location = Location(
                id=uid(),
                location_type="physical",
                organization_id=org.id,
                name=f"{org_name} – {rng.choice(STREETS).split()[0]} site",
                transportation="Near a bus stop." if rng.random() < 0.5 else None,
                latitude=round(lat + rng.uniform(-0.08, 0.08), 6),
                longitude=round(lon + rng.uniform(-0.1, 0.1), 6),
            )
            locations.append(location)
            out["locations"].append(location)
            out["addresses"].append(
                Address(
                    id=uid(),
                    location_id=location.id,
                    address_1=f"{rng.randint(100, 9999)} {rng.choice(STREETS)}",
                    address_2=f"Suite {rng.randint(100, 400)}" if rng.random() < 0.3 else None,
                    city=city,
                    state_province="MN",
                    postal_code=postal,
                    country="US",
                    address_type="physical",
                )
            )
            out["phones"].append(
                Phone(id=uid(), location_id=location.id, number=phone_number(), type="voice")
            )
            if rng.random() < 0.2:
                out["phones"].append(
                    Phone(id=uid(), location_id=location.id, number=phone_number(), type="fax")
                )
            for holiday in HOLIDAYS[: rng.randint(0, 3)]:
                out["schedules"].append(
                    Schedule(
                        id=uid(),
                        location_id=location.id,
                        valid_from=holiday,
                        valid_to=holiday,
                        description="Closed for the holiday",
                    )
                )
        if rng.random() < 0.15:
            virtual = Location(
                id=uid(),
                location_type="virtual",
                organization_id=org.id,
                name=f"{org_name} online",
                url=f"https://www.{slug}.org/chat",
            )
            locations.append(virtual)
            out["locations"].append(virtual)
        for _ in range(min(rng.choice((1, 2, 3, 4, 5, 6, 8)), services - made)):
            made += 1
            name, description, term = rng.choice(SERVICE_KINDS)
            minimum_age = rng.choice((None, None, None, 18, 18, 55, 14))
            service = Service(
                id=uid(),
                organization_id=org.id,
                name=name,
                status=rng.choices(
                    ("active", "inactive", "temporarily closed", "defunct"), (92, 4, 2, 2)
                )[0],
                description=description,
                url=f"https://www.{slug}.org/{name.lower().replace(' ', '-')}",
                email=f"intake@{slug}.org" if rng.random() < 0.5 else None,
                interpretation_services="Phone interpreters on request.",
                application_process=rng.choice(("Walk in.", "Call to apply.", "Referral.")),
                fees_description=rng.choice(("Free.", "Sliding fee scale.", None)),
                eligibility_description=rng.choice(
                    ("Adults 18 and over.", "County residents.", "Low income households.", None)
                ),
                minimum_age=minimum_age,
                maximum_age=24 if minimum_age == 14 else None,
            )
            out["services"].append(service)
            out["attributes"].append(
                Attribute(
                    id=uid(),
                    link_id=service.id,
                    link_entity="service",
                    taxonomy_term_id=terms[term].id,
                )
            )
            out["phones"].append(
                Phone(
                    id=uid(),
                    service_id=service.id,
                    number=phone_number(),
                    extension=rng.randint(100, 999) if rng.random() < 0.3 else None,
                    type=rng.choice(("voice", "voice", "text", "cell")),
                    description="Intake line",
                )
            )
            for code, language_name in rng.sample(LANGUAGES[1:], rng.choice((0, 1, 1, 2, 3))):
                out["languages"].append(
                    Language(id=uid(), service_id=service.id, code=code, name=language_name)
                )
            out["languages"].append(
                Language(id=uid(), service_id=service.id, code="en", name="English")
            )
            if rng.random() < 0.3:
                contact = Contact(
                    id=uid(),
                    service_id=service.id,
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    title=rng.choice(TITLES),
                    department=name,
                    email=f"{rng.choice(FIRST).lower()}@{slug}.org",
                )
                out["contacts"].append(contact)
                out["phones"].append(
                    Phone(id=uid(), contact_id=contact.id, number=phone_number(), type="cell")
                )
            sites = rng.sample(locations, rng.choice((1, 1, 1, 2)) if len(locations) > 1 else 1)
            for site in sites:
                at = ServiceAtLocation(id=uid(), service_id=service.id, location_id=site.id)
                out["service_at_locations"].append(at)
                out["schedules"].append(_hours(rng, uid(), at.id, Schedule))
                if rng.random() < 0.2:  # a second session the same days: evening hours
                    out["schedules"].append(
                        Schedule(
                            id=uid(),
                            service_at_location_id=at.id,
                            freq="WEEKLY",
                            byday="TU,TH",
                            opens_at=clock_time(18, 0),
                            closes_at=clock_time(20, 30),
                            description="Evening hours",
                        )
                    )
    return Directory(
        taxonomy_terms=tuple(terms.values()), **{name: tuple(rows) for name, rows in out.items()}
    )


def _hours(rng: random.Random, schedule_id: str, at_id: str, schedule: Any) -> Any:
    shape = rng.random()
    if shape < 0.05:  # around the clock
        return schedule(
            id=schedule_id,
            service_at_location_id=at_id,
            opens_at=clock_time(0, 0),
            closes_at=clock_time(0, 0),
            description="Open 24 hours",
        )
    if shape < 0.15:  # overnight
        return schedule(
            id=schedule_id,
            service_at_location_id=at_id,
            freq="WEEKLY",
            byday="MO,TU,WE,TH,FR,SA,SU",
            opens_at=clock_time(19, 0),
            closes_at=clock_time(7, 0),
            timezone=-6,
        )
    if shape < 0.22:  # monthly: the second and last Saturday
        return schedule(
            id=schedule_id,
            service_at_location_id=at_id,
            freq="MONTHLY",
            byday="2SA,-1SA",
            opens_at=clock_time(10, 0),
            closes_at=clock_time(13, 0),
            valid_from=date(2026, 1, 1),
        )
    opens = rng.choice((8, 8, 9, 9, 10))
    return schedule(
        id=schedule_id,
        service_at_location_id=at_id,
        freq="WEEKLY",
        byday=rng.choice(WEEKDAYS),
        opens_at=clock_time(opens, rng.choice((0, 30))),
        closes_at=clock_time(opens + rng.choice((4, 7, 8, 9)), 0),
        dtstart=date(2025, 1, 6),
    )


def counts_of(directory: Any) -> dict[str, int]:
    from coresponder.referrals.engine.model import PLURALS, RECORD_TYPES

    return {PLURALS[name]: len(directory.table(name)) for name in RECORD_TYPES}


def write_files(work: str, services: int) -> dict[str, Any]:
    """Generate the directory and write it in both forms; check both read back equal."""
    from coresponder.referrals.engine import (
        read_hsds_datapackage,
        read_hsds_json,
        write_hsds_datapackage,
        write_hsds_json,
    )

    started = time.perf_counter()
    directory = generate_directory(services)
    generated = time.perf_counter() - started
    paths = {form: Path(work) / name for form, name in FILE_NAMES.items()}
    paths["json"].write_text(write_hsds_json(directory), encoding="utf-8")
    write_hsds_datapackage(directory, paths["datapackage"])
    for form, read in (("json", read_hsds_json), ("datapackage", read_hsds_datapackage)):
        result = read(paths[form])
        if result.problems or result.directory != directory:
            shown = "; ".join(str(problem) for problem in result.problems[:5])
            raise SystemExit(f"the generated {form} file does not read back equal: {shown}")
    counts = counts_of(directory)
    if counts["services"] != services:
        raise SystemExit(f"generated {counts['services']} services, not {services}")
    info = {
        "services": services,
        "records": sum(counts.values()),
        "counts": counts,
        "generate_seconds": generated,
        "paths": {form: str(path) for form, path in paths.items()},
        "mb": {form: path.stat().st_size / 1e6 for form, path in paths.items()},
    }
    say(
        f"generated {services:,} services, {info['records']:,} records in {generated:.1f} s: "
        + ", ".join(f"{name} {count:,}" for name, count in counts.items())
    )
    say(
        f"HSDS JSON {info['mb']['json']:.1f} MB; data package (zip) "
        f"{info['mb']['datapackage']:.1f} MB; both read back equal, with no problems"
    )
    return info


# --------------------------------------------------------------------------------------------
# Child side: one backend, form and measure, in a process of its own.
# --------------------------------------------------------------------------------------------


def _coresponder() -> str:
    return str(Path(sys.executable).parent / "coresponder")


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done


def _measured(args: list[str]) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Run ``args``; its result and figures: wall seconds, CPU seconds (user + system: less
    moved by other work on the machine than the wall time), peak RSS in MB and how."""
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
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done, {"seconds": seconds, "cpu_seconds": cpu, "rss_mb": rss_mb, "rss_how": how}


def _prepare_installation() -> float:
    """`coresponder init` and the agency, as an operator would (if not done already)."""
    started = time.perf_counter()
    _run([_coresponder(), "init"])
    init_seconds = time.perf_counter() - started
    setup_django(migrate=False)
    from coresponder.accounts.models import Agency

    if not Agency.objects.filter(slug=AGENCY).exists():
        _run(
            [_coresponder(), "agency", "create", AGENCY, "--name", "Bench County Crisis Response"]
            + ["--time-zone", AGENCY_TIME_ZONE]
        )
    return init_seconds


def _stored_services() -> int:
    """The services in the agency's stored directory, by a query of its own."""
    from django.db import connections

    from coresponder.referrals.models import DirectorySnapshot

    connections.close_all()  # a fresh connection: see what the import committed
    snapshot = DirectorySnapshot.objects.filter(agency__slug=AGENCY).first()
    if snapshot is None or not snapshot.document:
        return 0
    return len(snapshot.document.get("services", []))


def _import_command(path: str, replace: bool) -> list[str]:
    command = [_coresponder(), "directory", "import", path, "--agency", AGENCY]
    return command + (["--replace"] if replace else [])


def _summary_of(done: subprocess.CompletedProcess[str], expected: dict[str, int]) -> Any:
    lines = done.stdout.strip().splitlines()
    if not lines:
        raise SystemExit(f"directory import printed nothing:\n{done.stderr}")
    summary = json.loads(lines[-1])
    if summary["problems"] or len(lines) > 1:
        raise SystemExit("the import reported problems:\n" + "\n".join(lines[:10]))
    if summary["stored"] != expected:
        raise SystemExit(f"the import counted {summary['stored']}, expected {expected}")
    return summary


def _check_stored(path: str, form: str, services: int, work: str) -> dict[str, Any]:
    """The stored directory holds ``services`` services, and its export reads back equal to
    the generated file."""
    from coresponder.referrals.engine import read_hsds_datapackage, read_hsds_json

    stored = _stored_services()
    if stored != services:
        raise SystemExit(f"the stored directory holds {stored:,} services, not {services:,}")
    out = Path(work) / ("export.json" if form == "json" else "export.zip")
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    _run([_coresponder(), "directory", "export", str(out), "--agency", AGENCY])
    export_seconds = time.perf_counter() - started
    read = read_hsds_json if form == "json" else read_hsds_datapackage
    exported, original = read(out), read(Path(path))
    if exported.problems or exported.directory != original.directory:
        raise SystemExit("the exported directory differs from the imported file")
    out.unlink()
    say(
        f"checked: the stored directory holds {stored:,} services; `coresponder directory "
        f"export` wrote it in {export_seconds:.2f} s and it reads back equal to the file"
    )
    return {"stored_services": stored, "export_seconds": export_seconds}


def part_import(
    path: str, form: str, services: int, replace: bool, work: str, runs: int
) -> dict[str, Any]:
    """The import command ``runs`` times (the first --replace into an empty directory, the
    others --replace over the same records); the median of each figure, the largest RSS."""
    from coresponder.referrals.engine import read_hsds_datapackage, read_hsds_json

    init_seconds = _prepare_installation()
    expected = counts_of(
        (read_hsds_json if form == "json" else read_hsds_datapackage)(path).directory
    )
    already = _stored_services()
    if replace and already:
        raise SystemExit("the agency already has a directory: the import must start empty")
    if not replace and already != services:
        say(f"importing {services:,} services first (untimed)...")
        _summary_of(_run(_import_command(path, replace=True)), expected)
    what = "import --replace" if replace else "import (merge, every record already stored)"
    say(f"`coresponder init` took {init_seconds:.2f} s; {what} of {services:,} services...")
    each = []
    for run in range(1, runs + 1):
        done, figures = _measured(_import_command(path, replace))
        summary = _summary_of(done, expected)
        if run == 1:
            say(f"summary: {json.dumps(summary, sort_keys=True)}")
        say(
            f"{what}, run {run}: {figures['seconds']:.2f} s wall, {figures['cpu_seconds']:.2f} "
            f"s CPU, peak RSS {figures['rss_mb']:.0f} MB ({figures['rss_how']})"
        )
        each.append(figures)
    return {
        "runs": runs,
        "seconds": statistics.median(f["seconds"] for f in each),
        "cpu_seconds": statistics.median(f["cpu_seconds"] for f in each),
        "rss_mb": max(f["rss_mb"] for f in each),
        "rss_how": each[0]["rss_how"],
        "each": each,
        "init_seconds": init_seconds,
        "summary": summary,
        **_check_stored(path, form, services, work),
    }


def part_read(paths: dict[str, str], repeat: int) -> dict[str, Any]:
    """The baseline, in this process: json.loads of the JSON file, and each reader alone."""
    import gc

    from coresponder.referrals.engine import read_hsds_datapackage, read_hsds_json

    def timed(action: Any) -> tuple[list[float], list[float]]:
        wall, cpu = [], []
        for _ in range(repeat):
            gc.collect()
            started, cpu_started = time.perf_counter(), time.process_time()
            result = action()
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            del result
        return wall, cpu

    json_path, zip_path = Path(paths["json"]), Path(paths["datapackage"])
    figures = {
        "json_loads": timed(lambda: json.loads(json_path.read_bytes())),
        "read_hsds_json": timed(lambda: read_hsds_json(json_path)),
        "read_hsds_datapackage": timed(lambda: read_hsds_datapackage(zip_path)),
    }
    startup = []
    for _ in range(3):
        started = time.perf_counter()
        _run([sys.executable, "-c", STARTUP])
        startup.append(time.perf_counter() - started)
    result: dict[str, Any] = {"repeat": repeat, "startup_seconds": min(startup)}
    for name, (wall, cpu) in figures.items():
        result[name] = {
            "median": statistics.median(wall),
            "all": wall,
            "cpu_median": statistics.median(cpu),
            "cpu_all": cpu,
        }
        say(
            f"{name:22} median {statistics.median(wall):.3f} s wall "
            f"({', '.join(f'{v:.3f}' for v in wall)}), {statistics.median(cpu):.3f} s CPU"
        )
    say(f"starting Python and Django, importing the directory code: {min(startup):.2f} s")
    return result


def run_child(args: argparse.Namespace) -> None:
    paths = json.loads(args.paths)
    if args.part == "read":
        result = part_read(paths, args.repeat)
        result.update(backend="-", form="-", part="read")
    else:
        result = part_import(
            paths[args.form], args.form, args.services, args.part == "import", args.work, args.runs
        )
        result.update(
            backend=args.backend,
            form=args.form,
            part=args.part,
            server_version=server_version(args.backend),
        )
    emit(result)


# --------------------------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------------------------


def _child_command(args: list[str], paths: dict[str, str], services: int, work: str) -> list[str]:
    command = [sys.executable, __file__, *args, "--paths", json.dumps(paths)]
    return command + ["--services", str(services), "--work", work]


def run_backend(
    backend: str,
    forms: list[str],
    parts: list[str],
    files: dict[str, Any],
    urls: dict[str, str],
    work: str,
    runs: int,
) -> list[dict[str, Any]]:
    results = []
    for form in forms:
        data_dir = tempfile.mkdtemp(prefix=f"coresponder-bench-{backend}-{form}.", dir=work)
        database_url = urls[form].replace("DATA_DIR", data_dir)
        for part in parts:
            print(f"\n== {part}, {FORM_LABELS[form]}, on {backend} ==", flush=True)
            command = _child_command(
                ["--backend", backend, "--form", form, "--part", part, "--runs", str(runs)],
                files["paths"],
                files["services"],
                data_dir,
            )
            env = child_env(data_dir, database_url)
            results.append(run_child_process(command, env, f"{part} {form} on {backend}"))
    return results


def judge(results: list[dict[str, Any]], files: dict[str, Any]) -> list[list[str]]:
    """Summary rows: measure, backend, figure, target, result."""
    services = files["services"]
    full = services == FULL_SERVICES  # the target is for 10,000 services: no verdict else
    table = [
        [
            f"generate {services:,} services ({files['records']:,} records)",
            "-",
            f"JSON {files['mb']['json']:.1f} MB, zip {files['mb']['datapackage']:.1f} MB, "
            f"{files['generate_seconds']:.1f} s",
            "(none)",
            "-",
        ]
    ]
    read = next((r for r in results if r["part"] == "read"), None)
    reader = {"json": "read_hsds_json", "datapackage": "read_hsds_datapackage"}
    if read:
        for label, key in (
            ("baseline: json.loads of the JSON file", "json_loads"),
            *((f"baseline: {reader[form]} alone", reader[form]) for form in FORMS),
        ):
            figure = f"{read[key]['median']:.2f} s (CPU {read[key]['cpu_median']:.2f} s)"
            table.append([label, "-", figure, "(none)", "-"])
        table.append(
            ["start Python + Django (no import)", "-", f"{read['startup_seconds']:.2f} s"]
            + ["(none)", "-"]
        )
    by = {(r["backend"], r["form"], r["part"]): r for r in results}
    for backend in BACKENDS:
        name = "SQLite" if backend == "sqlite" else "PostgreSQL"
        for form in FORMS:
            for part in PARTS:
                r = by.get((backend, form, part))
                if r is None:
                    continue
                figure = (
                    f"median {r['seconds']:.2f} s (CPU {r['cpu_seconds']:.2f} s) of {r['runs']}, "
                    f"{r['rss_mb']:.0f} MB"
                )
                if read:
                    base = read[reader[form]]
                    figure += (
                        f"; {r['seconds'] / base['median']:.1f}x read "
                        f"(CPU {r['cpu_seconds'] / base['cpu_median']:.1f}x)"
                    )
                what = "import --replace" if part == "import" else "merge import"
                table.append(
                    [
                        f"{what}, {FORM_LABELS[form]}",
                        name,
                        figure,
                        f"<= {IMPORT_TARGET:.0f} s" + ("" if full else " at 10,000"),
                        verdict(r["seconds"] <= IMPORT_TARGET if full else None),
                    ]
                )
    return table


def orchestrate(args: argparse.Namespace) -> int:
    services = args.services or (QUICK_SERVICES if args.quick else FULL_SERVICES)
    forms = [form for form in FORMS if form in (args.forms or FORMS)]
    parts = [part for part in PARTS if part in (args.parts or PARTS)]
    info = machine()
    print(f"coresponder partner directory import{' (QUICK: small counts)' if args.quick else ''}")
    for name, value in info.items():
        print(f"  {name:8} {value}")
    started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="coresponder-bench-referrals.")
    results: list[dict[str, Any]] = []
    try:
        files = write_files(work, services)
        print("\n== baseline: the engine's readers alone, in process ==", flush=True)
        results.append(
            run_child_process(
                _child_command(["--part", "read"], files["paths"], services, work)
                + ["--repeat", str(args.repeat)],
                child_env(work, f"sqlite:///{work}/unused.sqlite3"),
                "read",
            )
        )
        sqlite_urls = {form: "sqlite:///DATA_DIR/coresponder.sqlite3" for form in forms}
        results += run_backend("sqlite", forms, parts, files, sqlite_urls, work, args.runs)

        skipped = ""
        if args.no_postgres:
            skipped = "PostgreSQL figures skipped (--no-postgres)."
        elif (pg_bin := find_pg_bin()) is None:
            skipped = postgres_missing_message()
        else:
            with postgres_cluster(pg_bin) as socket_dir:
                pg_urls = {}
                for form in forms:
                    create_database(socket_dir, f"bench_referrals_{form}")
                    pg_urls[form] = f"postgres://postgres@/bench_referrals_{form}?host={socket_dir}"
                results += run_backend("postgres", forms, parts, files, pg_urls, work, args.runs)
        if skipped:
            print(f"\n{skipped}")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n== summary ({time.perf_counter() - started:.0f} s in all) ==")
    versions = {r["backend"]: r["server_version"] for r in results if "server_version" in r}
    for backend, version in sorted(versions.items()):
        print(f"  {backend} {version}")
    table = judge(results, files)
    print_table(table)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"machine": info, "quick": args.quick, "files": files, "results": results},
                indent=2,
            )
        )
    if args.quick:
        print("(quick run: smoke figures only, not for docs/performance.md)")
    return 1 if any(row[-1] == "FAIL" for row in table) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_SERVICES:,} services: a smoke run"
    )
    parser.add_argument("--services", type=int, help="services in the directory (10,000)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--forms", nargs="+", choices=FORMS, help="only these file forms")
    parser.add_argument("--parts", nargs="+", choices=PARTS, help="only these measures")
    parser.add_argument("--repeat", type=int, default=READ_REPEAT, help="baseline repeats")
    parser.add_argument(
        "--runs", type=int, default=IMPORT_RUNS, help="runs of each import (median)"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the results here")
    parser.add_argument("--backend", choices=BACKENDS, help=argparse.SUPPRESS)
    parser.add_argument("--form", choices=FORMS, help=argparse.SUPPRESS)
    parser.add_argument("--part", choices=(*PARTS, "read"), help=argparse.SUPPRESS)
    parser.add_argument("--paths", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.part:  # a child: the environment names its own data directory and database
        if not args.paths or not args.services or not args.work:
            parser.error("--part needs --paths, --services and --work")
        if args.part != "read" and not (args.backend and args.form):
            parser.error("--part import/merge needs --backend and --form")
        run_child(args)
        return 0
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
