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


@click.command("disclosures")
@click.argument("person_id")
@click.option("--agency", "agency_slug", default=None, help="Default: the installation's agency.")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "csv", "json"]),
    default="text",
    show_default=True,
)
def disclosures_command(person_id: str, agency_slug: str | None, output: str) -> None:
    """The accounting of disclosures of one person (PERSON_ID: the person's id as shown in
    the address of their page): every time information about them left the program."""
    agency = _agency(agency_slug)
    from django.http import Http404

    from coresponder.cases.models import Person
    from coresponder.referrals import selectors

    try:
        person = Person.objects.get(agency=agency, public_id=selectors._uuid(person_id))
    except (Person.DoesNotExist, Http404):
        raise click.ClickException(f"No person {person_id} in agency {agency.slug}.") from None
    rows = [
        _disclosure_row(d)
        for d in selectors.disclosures_of(user=None, person=person, audit_via="cli")
    ]
    _print_rows(rows, output, person.display_name)


def _disclosure_row(d: Any) -> dict[str, str]:
    return {
        "date": d.at.isoformat(timespec="minutes"),
        "recipient": d.recipient,
        "what": d.description,
        "categories": ";".join(d.categories),
        "purpose": d.purpose,
        "basis": d.get_basis_display(),
        "consent": str(d.consent.public_id) if d.consent else "",
        "emergency": d.emergency_basis,
        "by": str(d.disclosed_by),
    }


def _print_rows(rows: list[dict[str, str]], output: str, name: str) -> None:
    import csv
    import sys

    if output == "json":
        click.echo(json.dumps(rows, indent=2))
    elif output == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(_disclosure_fields()))
        writer.writeheader()
        writer.writerows(rows)
    else:
        click.echo(f"Accounting of disclosures: {name} ({len(rows)})")
        for row in rows:
            click.echo(
                f"{row['date']}  {row['recipient']}: {row['what']} [{row['categories']}], "
                f"for {row['purpose']}, basis {row['basis']}, by {row['by']}"
            )


def _disclosure_fields() -> tuple[str, ...]:
    return ("date", "recipient", "what", "categories", "purpose", "basis", "consent",
            "emergency", "by")  # fmt: skip
