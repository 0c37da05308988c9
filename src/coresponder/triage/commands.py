"""``coresponder triage ...``: evaluate the classifier, check a policy, triage a file (no
database), decide pending calls and backtest a policy on stored calls."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from coresponder.triage.classifier_commands import classify_types_command, evaluate_command

_FILE = click.Path(path_type=Path, dir_okay=False)


@click.group()
def triage() -> None:
    """Triage: classify call types, check policies, decide on calls, backtest."""


triage.add_command(evaluate_command)
triage.add_command(classify_types_command)


def _policy(path: Path | None) -> Any:
    from coresponder.triage.engine.policy import PolicyError, load_policy

    try:
        return load_policy(path)
    except PolicyError as error:
        raise click.ClickException(str(error)) from None


@triage.command("check-policy")
@click.argument("file", type=_FILE, required=False)
def check_policy(file: Path | None) -> None:
    """Load a response policy (default: the shipped one), run its safety checks and list its
    rules. Exits 1 with the line and rule of the first problem."""
    policy = _policy(file)
    click.echo(f"{policy.label}: {len(policy.rules)} rules, safety gates hold.")
    hours = ", ".join(f"{sorted(w.days)} {w.start}-{w.end}" for w in policy.program.hours)
    click.echo(f"Program hours (0 = Monday): {hours or 'always'}")
    for rule in policy.rules:
        gate = " [gate]" if rule.gate else ""
        click.echo(f"  line {rule.line:>3}  {rule.id:<32} → {rule.mode}{gate}")


@triage.command("run")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--profile", "profile_name", required=True, help="An import profile name or path.")
@click.option("--out", required=True, type=_FILE, help="OUT.parquet or OUT.csv")
@click.option("--policy", "policy_path", type=_FILE, default=None, help="Default: shipped.")
@click.option("--time-zone", default="UTC", show_default=True,
              help="For naive times, when the profile says the agency's zone.")  # fmt: skip
@click.option("--crosswalk", type=_FILE, default=None,
              help="A CSV of call_type,category overrides (the agency's crosswalk).")  # fmt: skip
def run(
    file: Path,
    profile_name: str,
    out: Path,
    policy_path: Path | None,
    time_zone: str,
    crosswalk: Path | None,
) -> None:
    """Triage every call of a CAD export into a decisions file, without a database. The last
    line printed is a JSON summary."""
    from coresponder.calls.engine.profile import ProfileError, load_profile
    from coresponder.calls.engine.reader import FileProblem
    from coresponder.triage.engine.bulk import BulkError, triage_file
    from coresponder.triage.engine.triager import Triager

    try:
        profile = load_profile(profile_name)
        triager = Triager(_policy(policy_path), _crosswalk(crosswalk) if crosswalk else None)
        summary = triage_file(file, profile, out, triager=triager, time_zone=time_zone)
    except (ProfileError, FileProblem, BulkError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(summary.as_json()))


def _crosswalk(path: Path) -> dict[str, str]:
    import csv

    from coresponder.triage.engine.classifier import normalise_call_type

    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{path}: cannot read the crosswalk ({error}).") from None
    if rows and not {"call_type", "category"} <= set(rows[0]):
        raise click.ClickException(f"{path}: the crosswalk needs call_type and category columns.")
    return {normalise_call_type(row["call_type"]): row["category"].strip() for row in rows}


def _setup() -> None:
    from coresponder.cli import _setup as setup_django

    setup_django()


def _agency(slug: str | None) -> Any:
    from coresponder.calls.importing import agency_by_slug

    return agency_by_slug(slug)


@triage.command("pending")
@click.option("--agency", "agency_slug", default=None, help="Default: the installation's agency.")
def pending(agency_slug: str | None) -> None:
    """Decide on every stored call with no decision, or one about an older version (after an
    interrupted import, say)."""
    _setup()
    from coresponder.triage.services import calls_triage_pending

    run_ = calls_triage_pending(agency=_agency(agency_slug))
    click.echo(json.dumps({"decided": run_.decided, "modes": dict(run_.modes)}))


@triage.command("backtest")
@click.option("--since", required=True, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="YYYY-MM-DD")
@click.option("--policy", "policy_path", type=_FILE, default=None,
              help="The policy to try (default: the one in force).")  # fmt: skip
@click.option("--baseline", "baseline_path", type=_FILE, default=None,
              help="The policy to compare with (default: the one in force).")  # fmt: skip
@click.option("--agency", "agency_slug", default=None, help="Default: the installation's agency.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def backtest_command(
    since: datetime,
    until: datetime | None,
    policy_path: Path | None,
    baseline_path: Path | None,
    agency_slug: str | None,
    as_json: bool,
) -> None:
    """What a policy would have decided on the stored calls of a period: calls per mode,
    eligible calls by hour of the week, police unit-hours that would move, hidden
    behavioural-health calls, and the changes against the baseline policy."""
    _setup()
    from zoneinfo import ZoneInfo

    from coresponder.triage.backtest import backtest

    agency = _agency(agency_slug)
    zone = ZoneInfo(agency.time_zone)
    report = backtest(
        agency=agency,
        since=since.replace(tzinfo=zone),
        until=until.replace(tzinfo=zone) if until else None,
        policy=_policy(policy_path) if policy_path else None,
        baseline=_policy(baseline_path) if baseline_path else None,
    )
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2))
        return
    _print_backtest(report.as_json())


def _print_backtest(data: dict[str, Any]) -> None:
    echo = click.echo
    calls = data["calls"] or 1
    echo(f"Policy {data['policy']} against {data['baseline']}, calls from {data['since'][:10]}")
    echo(f"Calls: {data['calls']:,}")
    echo("Calls per mode (policy / baseline):")
    for mode in sorted(set(data["modes"]) | set(data["baseline_modes"])):
        now, before = data["modes"].get(mode, 0), data["baseline_modes"].get(mode, 0)
        echo(f"  {mode:<12} {now:>9,} ({now / calls:6.1%})   {before:>9,}")
    echo(f"Eligible for the program: {data['eligible']:,} ({data['eligible'] / calls:.1%})")
    echo("Eligible calls by hour of the week (local time):")
    echo("       " + "".join(f"{hour:>5}" for hour in range(0, 24, 2)))
    for day, row in data["eligible_by_hour_of_week"].items():
        pairs = [row[h] + row[h + 1] for h in range(0, 24, 2)]
        echo(f"  {day}  " + "".join(f"{n:>5}" for n in pairs))
    echo(
        f"Police unit-hours on these calls: {data['police_unit_hours']:,.1f}; "
        f"that would move: {data['unit_hours_moving']:,.1f}"
    )
    echo(
        f"Behavioural-health calls: {data['behavioural_health']:,}; hidden by the dispatch "
        f"type: {data['hidden_behavioural_health']:,}"
    )
    echo(f"Calls whose mode changes: {data['changed']:,}")
    for change, count in list(data["changes"].items())[:10]:
        echo(f"  {change:<28} {count:>9,}")
