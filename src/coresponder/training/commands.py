"""``coresponder training``: reminders before certificates expire, and attendance import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click


def _agency(slug: str | None) -> Any:
    from coresponder.cli import _setup

    _setup()
    from coresponder.calls.importing import agency_by_slug

    return agency_by_slug(slug)


@click.group()
def training() -> None:
    """Officer training: certificate reminders and attendance import."""


@training.command("remind")
@click.option("--agency", "agency_slug", default=None, help="Default: the installation's agency.")
@click.option("--days", type=click.IntRange(1, 3650), default=None,
              help="Default: COREPONDER_TRAINING_REMINDER_DAYS (60).")  # fmt: skip
def remind_command(agency_slug: str | None, days: int | None) -> None:
    """Tell the agency's supervisors about certificates expiring soon, and list them."""
    agency = _agency(agency_slug)
    from coresponder.training.services import training_remind

    reminder = training_remind(agency=agency, days=days)
    click.echo(
        f"{len(reminder.certificates)} certificates expire within {reminder.days} days; "
        f"{reminder.told} supervisors told."
    )
    for cert in reminder.certificates:
        officer = cert.officer
        click.echo(
            f"{cert.expires_on:%Y-%m-%d}  {officer.badge:<8} {officer.name:<28} "
            f"{officer.shift:<9} {officer.district:<12} {cert.course.code}"
        )


@training.command("import-attendance")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--session", "session_id", required=True, help="The session's id (from its page).")
@click.option("--agency", "agency_slug", default=None, help="Default: the installation's agency.")
def import_attendance_command(file: Path, session_id: str, agency_slug: str | None) -> None:
    """Import attendance (columns badge, hours, completed) into a session; refused rows are
    listed with their line and reason. Prints a JSON summary last."""
    import uuid

    agency = _agency(agency_slug)
    from coresponder.training.models import Session
    from coresponder.training.services import attendance_import

    try:
        session = Session.objects.get(agency=agency, public_id=uuid.UUID(session_id))
    except (ValueError, Session.DoesNotExist):
        raise click.ClickException(f"No training session {session_id} in {agency.slug}.") from None
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException("That file is not UTF-8 text: save it as CSV (UTF-8).") from None
    report = attendance_import(actor=None, session=session, text=text)
    for line, reason in report.refused:
        click.echo(f"line {line}: {reason}", err=True)
    click.echo(json.dumps(report.as_dict() | {"refused": len(report.refused)}))


@training.command("import-roster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--agency", "agency_slug", default=None, help="Default: the installation's agency.")
def import_roster_command(file: Path, agency_slug: str | None) -> None:
    """Add or change officers from CSV (badge, name, shift, district[, active, username]);
    refused rows are listed with their line and reason. Prints a JSON summary last."""
    agency = _agency(agency_slug)
    from coresponder.training.services import roster_import

    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException("That file is not UTF-8 text: save it as CSV (UTF-8).") from None
    report = roster_import(actor=None, agency=agency, text=text)
    for line, reason in report.refused:
        click.echo(f"line {line}: {reason}", err=True)
    click.echo(json.dumps(report.as_dict() | {"refused": len(report.refused)}))
