"""``coresponder directory ...``: import and export the agency's community-partner
directory (HSDS 3.0 JSON or data package)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click


@click.group()
def directory() -> None:
    """The community-partner directory: import and export HSDS files."""


def _agency(slug: str | None) -> Any:
    from coresponder.cli import _setup

    _setup()  # before any import of models: Django's apps must be loaded first
    from coresponder.calls.importing import agency_by_slug

    return agency_by_slug(slug)


@directory.command("import")
@click.argument("file", type=click.Path(path_type=Path, exists=True))
@click.option("--agency", "agency_slug", default=None, help="Default: the installation's agency.")
@click.option("--replace", is_flag=True, help="Replace the directory instead of merging by id.")
def import_command(file: Path, agency_slug: str | None, replace: bool) -> None:
    """Import FILE (HSDS JSON, or a data package .zip / datapackage.json). Prints each problem
    (those records are skipped), then a JSON summary."""
    agency = _agency(agency_slug)
    from coresponder.referrals import services

    summary = services.import_directory(
        actor=None, agency=agency, result=services.read_file(file), replace=replace
    )
    for problem in summary.problems:
        click.echo(str(problem))
    click.echo(json.dumps(summary.as_dict(), sort_keys=True))


@directory.command("export")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--agency", "agency_slug", default=None, help="Default: the installation's agency.")
def export_command(out: Path, agency_slug: str | None) -> None:
    """Write the directory to OUT.json (HSDS JSON) or OUT.zip (a data package)."""
    agency = _agency(agency_slug)
    from coresponder.referrals import services

    counts = services.export_directory(actor=None, agency=agency, out=out)
    click.echo(json.dumps({"out": str(out), "records": counts}, sort_keys=True))
