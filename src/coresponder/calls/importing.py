"""The command-line import: profiles, progress, the errors file and the JSON summary."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click

from coresponder.accounts.models import Agency
from coresponder.accounts.services import default_agency
from coresponder.calls.engine.profile import Profile, ProfileError, load_profile
from coresponder.calls.engine.reader import FileProblem, count_rows
from coresponder.calls.engine.records import Reject
from coresponder.calls.services import COUNTS, Counts, calls_import_file


def resolve_profile(name: str, path: Path) -> Profile:
    if name == "auto":
        from coresponder.calls.engine.detect import detect_profile

        return detect_profile(path).profile
    return load_profile(name)


def import_files(
    paths: list[Path],
    *,
    profile_name: str,
    agency_slug: str | None,
    errors_path: Path | None,
    dry_run: bool,
    echo: Callable[[str], None],
    progress: bool,
) -> dict[str, Any]:
    """Import each file in turn; a file that cannot be read is reported and skipped (its
    rows are not counted), the others still import."""
    agency = agency_by_slug(agency_slug)
    total, seconds, failed = Counts(), 0.0, []
    with ExitStack() as stack:
        on_reject = _errors_writer(stack, errors_path)
        for path in paths:
            try:
                profile = resolve_profile(profile_name, path)
                rejects = (lambda r, p=path: on_reject(p, r)) if on_reject else None
                summary = _one_file(agency, path, profile, dry_run, rejects, progress)
            except (FileProblem, ProfileError) as problem:
                echo(f"{path}: not imported: {problem}")
                failed.append(str(path))
                continue
            echo(
                f"{path}: profile {profile.name}: "
                + ", ".join(
                    f"{name} {getattr(summary.counts, name)}" for name in ("rows_in", *COUNTS)
                )
                + ("".join(f"; note: {note}" for note in summary.notes))
                + (" (dry run: nothing written)" if dry_run else "")
            )
            total.add(summary.counts)
            seconds += summary.seconds
    result: dict[str, Any] = {**total.__dict__, "seconds": round(seconds, 2)}
    if failed:
        result["failed"] = failed
    return result


def agency_by_slug(slug: str | None) -> Agency:
    """The agency a command names, or the installation's own; a clear error for no such one."""
    if slug is None:
        return default_agency()
    agency = Agency.objects.filter(slug=slug).first()
    if agency is None:
        raise click.ClickException(f"No agency {slug!r}.")
    return agency


def _errors_writer(stack: ExitStack, path: Path | None) -> Callable[[Path, Reject], None] | None:
    if path is None:
        return None
    handle = stack.enter_context(path.open("w", newline="", encoding="utf-8"))
    writer = csv.writer(handle)
    writer.writerow(["file", "line", "column", "event_number", "reason"])
    return lambda source, reject: writer.writerow(
        [source.name, reject.line, reject.column, reject.event_number, reject.reason]
    )


def _one_file(
    agency: Agency,
    path: Path,
    profile: Profile,
    dry_run: bool,
    on_reject: Callable[[Reject], None] | None,
    progress: bool,
) -> Any:
    if not progress:
        return calls_import_file(
            actor=None, agency=agency, path=path, profile=profile, dry_run=dry_run,
            on_reject=on_reject,
        )  # fmt: skip
    bar: Any
    with click.progressbar(
        length=count_rows(path, profile), label=path.name, file=sys.stderr
    ) as bar:
        return calls_import_file(
            actor=None, agency=agency, path=path, profile=profile, dry_run=dry_run,
            on_reject=on_reject, on_progress=bar.update,
        )  # fmt: skip
