"""``coresponder triage evaluate`` and ``coresponder triage classify-types``.

Both run on files alone: no database, no Django setup. They are registered under the
``triage`` group by the CLI module.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from coresponder.triage.engine.evaluation import (
    EvaluationError,
    classify_types,
    evaluate,
    format_report,
)

_FILE = click.Path(path_type=Path, dir_okay=False)


@click.command("evaluate")
@click.argument("file", type=_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--call-type-column", default=None, help="Column of call types (default: detect).")
@click.option(
    "--category-column", default=None, help="Column of Vera categories (default: detect)."
)
@click.option("--weight-column", default=None, help="Column of call volumes (default: `count`).")
def evaluate_command(
    file: Path,
    as_json: bool,
    call_type_column: str | None,
    category_column: str | None,
    weight_column: str | None,
) -> None:
    """Volume-weighted accuracy of the call-type classifier against FILE's Vera categories,
    per city, with behavioural-health recall and the largest confusions."""
    try:
        report = evaluate(
            file,
            call_type_column=call_type_column,
            label_column=category_column,
            weight_column=weight_column,
        )
    except EvaluationError as error:
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(report.as_dict(), indent=2) if as_json else format_report(report))


@click.command("classify-types")
@click.argument("file", type=_FILE)
@click.option("--column", required=True, help="The column holding the call types.")
@click.option("--out", required=True, type=_FILE, help="The CSV file to write.")
def classify_types_command(file: Path, column: str, out: Path) -> None:
    """Classify each distinct call type in FILE's COLUMN into OUT: call_type, category,
    vera_category, confidence, evidence."""
    try:
        written = classify_types(file, column, out)
    except EvaluationError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{written} distinct call types written to {out}")
