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
    help="Only places with a call since this date.",
)
@click.option("--agency", "agency_slug", default=None, help="Default: the installation's agency.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
def repeat_callers_command(since: datetime | None, agency_slug: str | None, output: str) -> None:
    """The places that meet the frequent-caller rule, most calls first."""
    agency = _agency(agency_slug)
    from coresponder.linkage.selectors import PlaceFilters, frequent_places, frequent_rule

    places = frequent_places(agency_id=agency.pk, actor=None, filters=PlaceFilters())
    if since is not None:
        start = datetime.combine(date(since.year, since.month, since.day), time.min).astimezone()
        places = [p for p in places if p["last_call"] and p["last_call"] >= start]
    if output == "json":
        click.echo(json.dumps(places, default=str, indent=2))
        return
    click.echo(f"Places with {frequent_rule().describe()}: {len(places)}")
    for place in places:
        click.echo(
            f"{place['days_365']:>5} a year  {place['days_90']:>4} in 90 days  "
            f"{round(place['bh_share'] * 100):>3}% BH  {place['location']}"
        )
