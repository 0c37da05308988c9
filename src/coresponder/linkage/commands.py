"""``coresponder link ...``: repeat-call linkage from the command line.

``link addresses`` needs no database (it never loads Django): it reads a CSV, normalises one
column of address strings and writes each row's location key and parts. Further subcommands
(people) join the same ``link`` group.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

import click

from coresponder.linkage.person_commands import persons

_FILE = click.Path(path_type=Path, dir_okay=False)


@click.group()
def link() -> None:
    """Repeat calls: normalise addresses into locations (and link people across calls)."""


link.add_command(persons)


def _read_rows(path: Path, no_header: bool) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV, whatever its encoding (undecodable bytes become U+FFFD)."""
    csv.field_size_limit(sys.maxsize)
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            rows = list(csv.reader(handle))
    except csv.Error as error:
        raise click.ClickException(f"{path}: not a readable CSV ({error}).") from None
    if not rows:
        raise click.ClickException(f"{path} is empty: no header and no rows.")
    if no_header:
        width = max(len(row) for row in rows)
        return [str(i) for i in range(1, width + 1)], rows
    return [name.strip() for name in rows[0]], rows[1:]


def _column(header: list[str], name: str | None, what: str) -> int | None:
    if name is None:
        return None
    if name in header:
        return header.index(name)
    shown = ", ".join(repr(h) for h in header[:30])
    raise click.ClickException(f"No column {name!r} for {what}; the file has: {shown}.")


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


@link.command("addresses")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--column", default=None,
              help="The address column (with --no-header: its number, from 1). Optional with "
              "--lat/--lon: points alone then make the locations.")  # fmt: skip
@click.option("--out", required=True, type=_FILE, help="OUT.csv: one row per input row.")
@click.option("--lat", "lat_column", default=None, help="A latitude column, if any.")
@click.option("--lon", "lon_column", default=None, help="A longitude column, if any.")
@click.option("--aliases", "aliases_path", type=click.Path(path_type=Path, exists=True,
              dir_okay=False), default=None,
              help="A CSV of named places: columns name,address.")  # fmt: skip
@click.option("--radius", "radius_m", default=25.0, show_default=True,
              type=click.FloatRange(min=0.1, max=1000),
              help="Metres: nearer points merge.")  # fmt: skip
@click.option("--level", type=click.Choice(["block", "address"]), default="block",
              show_default=True, help="Group calls by block or by house address.")  # fmt: skip
@click.option("--no-header", is_flag=True, help="The file has no header row (Reno's CAD).")
@click.option("--no-fix", is_flag=True,
              help="Leave misspelt names and missing suffixes as written.")  # fmt: skip
def addresses(
    file: Path,
    column: str | None,
    out: Path,
    lat_column: str | None,
    lon_column: str | None,
    aliases_path: Path | None,
    radius_m: float,
    level: str,
    no_header: bool,
    no_fix: bool,
) -> None:
    """Normalise FILE's address column into location keys and parts, written to OUT.

    Each output row has the input row's number, the raw value, its location (rows that share
    a location are one place), the kind, key, block key and parts; an unreadable value gets
    kind "unparsed" and a reason. No database is used.
    """
    from coresponder.linkage.engine.addresses import ROW_FIELDS, AliasTable, group_locations

    if (lat_column is None) != (lon_column is None):
        raise click.UsageError("--lat and --lon go together.")
    if column is None and lat_column is None:
        raise click.UsageError("Name the address column (--column) or --lat and --lon.")
    header, rows = _read_rows(file, no_header)
    index = _column(header, column, "--column")
    lat_index = _column(header, lat_column, "--lat")
    lon_index = _column(header, lon_column, "--lon")
    aliases = None
    if aliases_path is not None:
        try:
            aliases = AliasTable.from_csv(aliases_path)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    texts = [_cell(row, index) for row in rows]
    lat = lon = None
    if lat_index is not None:
        lat = [_float(_cell(row, lat_index)) for row in rows]
        lon = [_float(_cell(row, lon_index)) for row in rows]
    grouping = group_locations(texts, lat, lon, aliases=aliases, radius_m=radius_m, level=level)
    fields = ["row", "raw", "location", *ROW_FIELDS]
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for number, (raw, address, location) in enumerate(
            zip(texts, grouping.addresses, grouping.locations, strict=True), start=1
        ):
            writer.writerow({"row": number, "raw": raw[:300], "location": location,
                             **address.row()})  # fmt: skip
    kinds = Counter(a.kind for a in grouping.addresses)
    reasons = Counter(a.reason for a in grouping.addresses if a.reason)
    locations = len({loc for loc in grouping.locations if loc})
    click.echo(
        f"{len(rows):,} rows, {grouping.distinct_strings:,} distinct strings, "
        f"{locations:,} locations ({grouping.merged_by_point:,} keys merged by a shared point)."
    )
    click.echo("Kinds: " + ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items())))
    if grouping.corrections:
        fixed = ", ".join(f"{a} -> {b}" for a, b in sorted(grouping.corrections.items()))
        click.echo(f"Misspelt street names corrected: {fixed}")
    if grouping.completed:
        click.echo(f"Streets written without their suffix and given it: {grouping.completed:,}")
    if reasons:
        click.echo("Unparsed: " + ", ".join(f"{r} {n:,}" for r, n in reasons.most_common()))
    click.echo(f"Written: {out}")
