"""``coresponder export ...``: data that leaves the product on purpose."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.group("export")
def export_group() -> None:
    """Exports for the public (de-identified)."""


@export_group.command("open-data")
@click.option("--period", required=True, help="2026, 2026-Q3 or 2026-10.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--agency", "agency_slug", default=None, help="Default: the installation's agency.")
def open_data_command(period: str, out: Path, agency_slug: str | None) -> None:
    """Write the period's calls, de-identified (block-level places, times to the hour, no
    narratives or names; k-anonymous on the quasi-identifiers), with a data dictionary and a
    report of what was generalised, suppressed and withheld."""
    from coresponder.cli import _setup

    _setup()
    from coresponder.analytics.opendata.export import export_open_data
    from coresponder.analytics.services import PeriodError, parse_period
    from coresponder.calls.importing import agency_by_slug

    agency = agency_by_slug(agency_slug)
    try:
        parsed = parse_period(period)
    except PeriodError as error:
        raise click.ClickException(str(error)) from None
    report = export_open_data(actor=None, agency=agency, period=parsed, out=out)
    click.echo(json.dumps({"out": str(out), **report.as_dict()}, sort_keys=True))


@click.command("report")
@click.option("--period", required=True, help="2026-10 (a month), 2026-Q3 or 2026.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "csv", "json"]), default="pdf",
              show_default=True)  # fmt: skip
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--agency", "agency_slug", default=None, help="Default: the installation's agency.")
def report_command(period: str, fmt: str, out: Path, agency_slug: str | None) -> None:
    """Write the program report for a period (small cells suppressed): the figures, charts
    with their tables, and the department's work."""
    from coresponder.cli import _setup

    _setup()
    from coresponder.analytics.report import render_report
    from coresponder.analytics.services import PeriodError, parse_period
    from coresponder.audit.actions import AuditAction
    from coresponder.audit.services import audit_record
    from coresponder.calls.importing import agency_by_slug

    agency = agency_by_slug(agency_slug)
    try:
        parsed = parse_period(period)
    except PeriodError as error:
        raise click.ClickException(str(error)) from None
    data = render_report(agency, parsed, fmt)
    out.write_bytes(data)
    audit_record(
        actor=None, action=AuditAction.OUTCOMES_REPORT_WRITTEN, object_type="agency",
        object_id=agency.pk, agency_id=agency.pk, data={"period": parsed.code, "format": fmt},
    )  # fmt: skip
    click.echo(json.dumps({"out": str(out), "format": fmt, "bytes": len(data)}))
