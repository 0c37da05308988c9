"""``coresponder link persons``: cluster the person mentions of a CSV, without a database."""

from __future__ import annotations

from pathlib import Path

import click

# the model's fields (person_cleaning.FIELDS; not imported here so that the command line starts
# without loading pandas)
FIELDS = ("first_name", "last_name", "dob", "phone", "address")
_FILE = click.Path(path_type=Path, dir_okay=False)


def _mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    """``first_name=given`` pairs: the model's field -> the file's column."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not column:
            raise click.UsageError(f"--map {pair!r}: write FIELD=COLUMN, e.g. first_name=given")
        if field not in (*FIELDS, "unique_id"):
            choices = ", ".join(("unique_id", *FIELDS))
            raise click.UsageError(f"--map {pair!r}: the fields are {choices}")
        mapping[field] = column
    return mapping


@click.command("persons")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--out", required=True, type=_FILE,
              help="clusters.csv: unique_id,cluster_id,match_probability per mention.")  # fmt: skip
@click.option("--backend", type=click.Choice(["duckdb", "spark"]), default="duckdb",
              show_default=True, help="Splink's engine: in-process DuckDB, or Spark.")  # fmt: skip
@click.option("--threshold", type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
              default=0.95, show_default=True,
              help="Match probability from which two mentions are one person.")  # fmt: skip
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN",
              help="Read a field from another column, e.g. --map first_name=given "
              "(fields: unique_id, first_name, last_name, dob, phone, address).")  # fmt: skip
@click.option("--compare", "compares", multiple=True, metavar="COLUMN[:exact|fuzzy][:block]",
              help="Compare a further column too, e.g. --compare postcode or "
              "--compare id_number:exact:block (block: also pair every two mentions that "
              "agree on it).")  # fmt: skip
@click.option("--model", "model_path", type=click.Path(path_type=Path, dir_okay=False,
              exists=True), default=None,
              help="Use a model saved with --save-model instead of training one.")  # fmt: skip
@click.option("--save-model", "save_path", type=_FILE, default=None,
              help="Write the model (Splink's JSON with its version) here.")  # fmt: skip
def persons(
    file: Path,
    out: Path,
    backend: str,
    threshold: float,
    maps: tuple[str, ...],
    compares: tuple[str, ...],
    model_path: Path | None,
    save_path: Path | None,
) -> None:
    """Link FILE's person mentions into people, written to OUT.

    FILE is a CSV with unique_id and, by default, first_name, last_name, dob, phone and
    address (missing columns count as empty). A model is estimated from the file itself
    (no labels needed) unless --model is given; a file with fewer than 500 linkable mentions
    is linked with the default model (docs/linkage-persons.md). Placeholder values
    ("UNKNOWN", "JOHN DOE", "999-999-9999", 1900-01-01, future dates, single letters) are set
    aside and reported; a mention left with nothing to link on is its own cluster. No
    database is used.
    """
    import pandas as pd

    from coresponder.linkage.engine.persons import ExtraComparison, PersonModel, link_persons

    mapping = _mapping(maps)
    try:
        extra = [ExtraComparison.parse(text) for text in compares]
    except ValueError as error:
        raise click.UsageError(f"--compare: {error}") from None
    model = None
    if model_path is not None:
        try:
            model = PersonModel.load(model_path)
        except (ValueError, KeyError) as error:
            raise click.ClickException(f"{model_path}: {error}") from None
        extra = list(model.extra) if not compares else extra
    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False, encoding_errors="replace")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError) as error:
        raise click.ClickException(f"{file}: not a readable CSV ({error}).") from None
    wanted = {"unique_id": mapping.get("unique_id", "unique_id")}
    wanted |= {field: mapping.get(field, field) for field in FIELDS}
    for field, column in wanted.items():
        if column not in frame.columns and (field == "unique_id" or field in mapping):
            shown = ", ".join(repr(c) for c in list(frame.columns)[:30])
            raise click.ClickException(f"No column {column!r} for {field}; the file has: {shown}.")
    for item in extra:
        if item.column not in frame.columns:
            raise click.ClickException(f"No column {item.column!r} to compare.")
    mentions = pd.DataFrame({
        field: frame[column] if column in frame.columns else None
        for field, column in wanted.items()
    })  # fmt: skip
    for item in extra:
        mentions[item.column] = frame[item.column]

    try:
        result = link_persons(
            mentions, extra=extra, backend=backend, threshold=threshold, model=model
        )
    except (ValueError, RuntimeError) as error:
        raise click.ClickException(str(error)) from None

    clusters = result.clusters
    clusters["match_probability"] = clusters["match_probability"].map(
        lambda p: "" if pd.isna(p) else f"{p:.6f}"
    )
    clusters.to_csv(out, index=False, columns=["unique_id", "cluster_id", "match_probability"])
    if save_path is not None:
        result.model.save(save_path)
    people = clusters["cluster_id"].nunique()
    linked = int((clusters["match_probability"] != "").sum())
    click.echo(
        f"{len(clusters):,} mentions, {people:,} people; {linked:,} mentions linked to another "
        f"at match probability >= {threshold} ({result.pairs_above_threshold:,} pairs)."
    )
    origin = {
        "given": f"loaded from {model_path}",
        "trained": f"estimated from these {result.model.training_rows:,} mentions",
        "default": "the default model: too few mentions to estimate one from this file",
    }[result.model_source]
    click.echo(f"Model {result.model.model_version} on {backend} ({origin}).")
    for line in result.report.lines():
        click.echo(line)
    click.echo("Seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in result.timings.items()))
    click.echo(f"Written: {out}" + (f"; model: {save_path}" if save_path else ""))
