"""``coresponder link run`` and ``coresponder repeat-callers``: the repeat-call work that needs
the database (``link addresses`` and ``link persons`` do not)."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

import click


def _agency(slug: str | None) -> Any:
    from coresponder.cli import _setup

    _setup()
    from coresponder.calls.importing import agency_by_slug

    return agency_by_slug(slug)


@click.command("run")
@click.option("--agency", "agency_slug", default=None, help="Default: the installation's agency.")
@click.option(
    "--full",
    is_flag=True,
    help="Place every call again (after the named places change) and link every person "
    "mention again with a newly trained model.",
)
@click.option("--no-people", is_flag=True, help="Place calls only; do not link people.")
def run_command(agency_slug: str | None, full: bool, no_people: bool) -> None:
    """Place new calls into locations (incremental: calls placed before keep their place),
    then link new person mentions to the people already known (incremental too)."""
    agency = _agency(agency_slug)
    from coresponder.linkage.services import link_people, locate_calls

    summary = locate_calls(actor=None, agency=agency, full=full)
    out: dict[str, Any] = {"locations": summary.as_dict()}
    if not no_people:
        out["people"] = link_people(actor=None, agency=agency, full=full).as_dict()
    click.echo(json.dumps(out, sort_keys=True))


@click.command("repeat-callers")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Only places and people with a call since this date.",
)
@click.option("--agency", "agency_slug", default=None, help="Default: the installation's agency.")
@click.option(
    "--of",
    "what",
    type=click.Choice(["both", "places", "people"]),
    default="both",
    help="Places, people (names: confidential, the reading is audited), or both.",
)
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
def repeat_callers_command(
    since: datetime | None, agency_slug: str | None, what: str, output: str
) -> None:
    """The places and the people that meet the frequent-caller rule, most calls first (people
    as linked by ``coresponder link run``, with the links people confirmed)."""
    agency = _agency(agency_slug)
    from coresponder.linkage.selectors import (
        PlaceFilters,
        frequent_people,
        frequent_places,
        frequent_rule,
    )

    start = None
    if since is not None:
        start = datetime.combine(date(since.year, since.month, since.day), time.min).astimezone()
    found: dict[str, list[dict[str, Any]]] = {}
    if what in ("both", "places"):
        places = frequent_places(agency_id=agency.pk, actor=None, filters=PlaceFilters())
        found["places"] = [p for p in places if _since(p["last_call"], start)]
    if what in ("both", "people"):
        people = frequent_people(agency_id=agency.pk, actor=None)
        found["people"] = [_person_out(p) for p in people if _since(p["counts"].last_call, start)]
    if output == "json":
        click.echo(json.dumps(found, default=str, indent=2))
        return
    _print_text(found, frequent_rule().describe())


def _since(last_call: datetime | None, start: datetime | None) -> bool:
    return start is None or (last_call is not None and last_call >= start)


def _person_out(person: dict[str, Any]) -> dict[str, Any]:
    """A listed person as plain values (no model objects), for text or JSON."""
    counts = person["counts"]
    caseload = person["on_caseload"]
    return {
        "key": person["key"], "name": person["name"], "dob": person["dob"],
        "written_as": person["names"], "days_90": counts.days_90, "days_180": counts.days_180,
        "days_365": counts.days_365, "bh_share": round(person["bh_share"], 3),
        "police_unit_hours": round(person["police_unit_hours"], 1),
        "last_call": counts.last_call, "on_caseload": caseload is not None,
        "reasons": person["reasons"],
    }  # fmt: skip


def _print_text(found: dict[str, list[dict[str, Any]]], rule: str) -> None:
    if "places" in found:
        click.echo(f"Places with {rule}: {len(found['places'])}")
        for place in found["places"]:
            click.echo(
                f"{place['days_365']:>5} a year  {place['days_90']:>4} in 90 days  "
                f"{round(place['bh_share'] * 100):>3}% BH  {place['location']}"
            )
    if "people" in found:
        click.echo(f"People with {rule}: {len(found['people'])}")
        for person in found["people"]:
            caseload = "on a caseload" if person["on_caseload"] else "not on a caseload"
            click.echo(
                f"{person['days_365']:>5} a year  {person['days_90']:>4} in 90 days  "
                f"{round(person['bh_share'] * 100):>3}% BH  "
                f"{person['police_unit_hours']:>7.1f} police h  "
                f"{person['name'] or '(no name)'} ({caseload})"
            )
