"""The column-wise reader: a CAD export read in blocks with Polars, every check and conversion
done on whole columns, for profiles simple enough (``eligible``).

It gives the same calls, rejects and line numbers as the row-by-row reader, because it only
decides what it is sure of: a row any vectorised check doubts (a time in another form, a field
too long, JSON it does not read strictly, a stamp before the received time, ...) is handed to
the row converter, which refuses it with its reason or reads it as it always has. A block whose
CSV Polars might split differently from the csv module (a blank line, a short row, a stray
quote, bytes that are not UTF-8) is read row by row altogether. See docs/adr/0004.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import IO, Any

import polars as pl

from coresponder.calls.engine.profile import NUMBER_FIELDS, Profile
from coresponder.calls.engine.records import (
    FIELD_SEP,
    FLAGS,
    ITEM_SEP,
    PERSON_KEYS,
    TEXT_LIMITS,
    TIME_FIELDS,
    UNIT_KEYS,
    UNIT_SEP,
    CallRecord,
    PersonRecord,
    Reject,
    UnitRecord,
    UnitType,
)

BLOCK_BYTES = 8 << 20
# Python's str.strip() removes these; Polars' default whitespace is Rust's, which differs.
PY_SPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
ISO = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?"
ISO_OFFSET, ISO_NAIVE = ISO + r"[+-]\d{2}:\d{2}$", ISO + r"$"
NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
# strptime formats of digits and fixed separators: the same pattern read by Polars.
SIMPLE_FORMAT = re.compile(r"^(?:%[YmdHMS]|[-/ :T.])+$")
FORMAT_PATTERN = {"%Y": r"\d{4}", "%m": r"\d{2}", "%d": r"\d{2}", "%H": r"\d{2}", "%M": r"\d{2}",
                  "%S": r"\d{2}"}  # fmt: skip
HASH_TIME = "%Y-%m-%dT%H:%M:%S%.6f"
VERSION_TIME = "%Y%m%dT%H%M%S%.6f"
UNIT_TYPES = tuple(unit_type.value for unit_type in UnitType)
UNIT_LIMITS = {"unit_id": 32, "unit_type": 24, "status": 64}
PERSON_LIMITS = {"role": 64, "name": 200, "date_of_birth": 32, "phone": 40}
TIME_COLUMNS = (*TIME_FIELDS, "updated_at")


def eligible(profile: Profile, encoding: str) -> bool:
    """Profiles whose every field is one column as it is (or a constant), read from a UTF-8
    file with a header: the canonical format and most one-row-per-call exports."""
    if encoding not in ("utf-8", "utf-8-sig") or not profile.header or profile.lookups:
        return False
    if profile.one_row_per_unit or len(profile.delimiter) != 1 or profile.delimiter == '"':
        return False
    if any(not value.isascii() for value in profile.null_values):
        return False
    for name, spec in profile.fields.items():
        if spec.constant is None and not spec.plain:
            return False
        if (name in TIME_COLUMNS) and not all(_format_ok(f) for f in spec.formats):
            return False
    return all(_format_ok(f) for f in profile.time_formats)


def _format_ok(fmt: str) -> bool:
    return fmt == "iso" or bool(SIMPLE_FORMAT.match(fmt))


def _gate(fmt: str) -> str:
    pattern = re.escape(fmt)
    for code, digits in FORMAT_PATTERN.items():
        pattern = pattern.replace(re.escape(code), digits).replace(code, digits)
    return f"^{pattern}$"


@dataclass
class Table:
    """Calls read column-wise: one row per call (``calls``), their units and persons keyed by
    the call's ``row``. Every column the database needs, already checked and converted."""

    calls: pl.DataFrame
    units: pl.DataFrame
    persons: pl.DataFrame

    def __len__(self) -> int:
        return self.calls.height

    def take(self, rows: pl.Series) -> Table:
        keep = pl.col("row").is_in(rows.implode())
        return Table(self.calls.filter(keep), self.units.filter(keep), self.persons.filter(keep))

    def drop(self, rows: pl.Series) -> Table:
        gone = pl.col("row").is_in(rows.implode())
        return Table(self.calls.filter(~gone), self.units.filter(~gone), self.persons.filter(~gone))


def read_blocks(handle: IO[bytes], size: int = BLOCK_BYTES) -> Iterator[bytes]:
    """The rest of a file in blocks of whole rows: each cut at a line end outside quotes (an
    even number of quote characters before it)."""
    buffer = b""
    while True:
        more = handle.read(size)
        buffer += more
        if not more:
            if buffer:
                yield buffer
            return
        cut = _row_end(buffer)
        if cut > 0:
            yield buffer[:cut]
            buffer = buffer[cut:]


def _row_end(buffer: bytes) -> int:
    pos = buffer.rfind(b"\n")
    while pos >= 0:
        if buffer.count(b'"', 0, pos) % 2 == 0:
            return pos + 1
        pos = buffer.rfind(b"\n", 0, pos)
    return 0


def header_line(handle: IO[bytes]) -> bytes:
    """The header row's bytes (it may span lines inside quotes)."""
    line = handle.readline()
    while line.count(b'"') % 2 and (more := handle.readline()):
        line += more
    return line


def parse_block(block: bytes, columns: list[str], delimiter: str) -> pl.DataFrame | None:
    """The block's rows as strings, or None when Polars might split it otherwise than the
    csv module: then the block is read row by row."""
    if block.count(b"\r") != block.count(b"\r\n"):
        return None  # lone carriage returns: lines Polars would not see
    if b"\n\n" in block or b"\n\r\n" in block or block.startswith((b"\n", b"\r\n")):
        return None  # a blank line (or one inside quotes): an empty row to the csv module
    try:
        frame = pl.read_csv(
            block, has_header=False, new_columns=columns, separator=delimiter,
            infer_schema=False, empty_string_is_null=False, truncate_ragged_lines=False,
            encoding="utf8", raise_if_empty=False,
        )  # fmt: skip
    except (pl.exceptions.PolarsError, ValueError):
        return None
    if frame.width != len(columns):
        return None
    # Polars pads a short row with empty fields where the csv module gives fewer: the
    # delimiters outside quotes must be exactly width - 1 a row for none to be short.
    inside = frame.select(
        pl.sum_horizontal(pl.all().str.count_matches(delimiter, literal=True)).sum()
    ).item()
    if block.count(delimiter.encode()) != frame.height * (len(columns) - 1) + (inside or 0):
        return None
    return frame


def newline_counts(frame: pl.DataFrame) -> pl.Series:
    """Line ends inside each row's cells, counted as the csv module counts lines."""
    return frame.select(
        pl.sum_horizontal(pl.all().str.count_matches(r"\r\n|\r|\n")).alias("n")
    ).to_series()


class Converter:
    """Checks and converts one block's rows with the profile, column by column."""

    def __init__(self, profile: Profile, zone: str, row_converter: Any) -> None:
        self.profile = profile
        self.zone = zone
        self.rows = row_converter  # reader.RowConverter, for call sources and flags
        self.latest = datetime.now(UTC) + timedelta(days=1)

    def convert(self, frame: pl.DataFrame, columns: list[str]) -> tuple[Table, pl.Series]:
        """(the rows read, the row numbers of those left to the row converter). ``frame``
        has the cells as columns c0, c1, ... (so no name of the file's can clash with the
        working columns), then ``row``, ``line`` and ``raw_hash``."""
        p = self.profile
        self.index = {name: f"c{i}" for i, name in enumerate(columns)}
        work = frame.with_columns(pl.lit(True).alias("ok"))
        exprs: list[pl.Expr] = []
        checks: list[pl.Expr] = []
        for name, spec in p.fields.items():
            if spec.constant is not None:
                exprs.append(pl.lit(spec.constant).alias(f"t_{name}"))
                continue
            column = self.index.get(spec.columns[0])
            if column is None:
                exprs.append(pl.lit("").alias(f"t_{name}"))
                continue
            cell = pl.col(column)
            checks.append(cell.str.len_chars() <= 65_536)
            text = cell.str.strip_chars(PY_SPACE)
            if p.null_values:
                checks.append(cell.str.contains(r"^[\x00-\x7f]*$"))
                text = (
                    pl.when(text.str.to_lowercase().is_in(list(p.null_values)))
                    .then(pl.lit(""))
                    .otherwise(text)
                )
            exprs.append(text.alias(f"t_{name}"))
        work = work.with_columns(exprs)
        if checks:
            work = work.with_columns(pl.all_horizontal(checks).alias("ok"))
        work = self._typed(work)
        units = self._units(work) if p.units_json else _empty_units()
        persons = self._persons(work) if p.persons_json else _empty_persons()
        bad_units = units.filter(~pl.col("ok")).get_column("row").unique()
        bad_persons = persons.filter(~pl.col("ok")).get_column("row").unique()
        work = work.with_columns(
            (
                pl.col("ok")
                & ~pl.col("row").is_in(bad_units.implode())
                & ~pl.col("row").is_in(bad_persons.implode())
            ).alias("ok")
        )
        work = self._unit_order(work, units)
        slow = work.filter(~pl.col("ok")).get_column("row")
        keep = pl.col("ok")
        good = work.filter(keep)
        rows = good.get_column("row").implode()
        units = units.filter(pl.col("row").is_in(rows)).drop("ok")
        persons = persons.filter(pl.col("row").is_in(rows)).drop("ok")
        calls = self._finish(good, units, persons, columns)
        return Table(calls, units, persons), slow

    # -- fields ---------------------------------------------------------------------------

    def _typed(self, work: pl.DataFrame) -> pl.DataFrame:
        p = self.profile
        exprs: list[pl.Expr] = []
        checks: list[pl.Expr] = [pl.col("ok")]
        naive = _naive_columns(work, [f"t_{name}" for name in p.fields if name in TIME_COLUMNS])
        for name in p.fields:
            text = pl.col(f"t_{name}")
            # The checks read the columns written by ``exprs`` (eager Polars would work out
            # a shared expression again for each use).
            if name in TIME_COLUMNS:
                moment = self._time(text, p.fields[name].formats, f"t_{name}" in naive)
                exprs.append(moment.alias(name))
                checks.append((text == "") | pl.col(name).is_not_null())
            elif name in NUMBER_FIELDS:
                limit = 90 if name == "latitude" else 180
                number = pl.when(text.str.contains(NUMBER)).then(
                    text.cast(pl.Float64, strict=False)
                )
                exprs.append(number.alias(name))
                value = pl.col(name)
                fine = value.is_between(-limit, limit) & (
                    (value.abs() >= 1e-4) | (value == 0)  # Python writes 1e-05, Polars not
                )
                checks.append((text == "") | fine.fill_null(False))
            elif name not in FLAGS:
                limit_ = TEXT_LIMITS.get(name)
                if limit_ is not None:
                    checks.append(text.str.len_chars() <= limit_)
                exprs.append(text.alias(name))
        checks.append(pl.col("t_event_number") != "")
        work = work.with_columns(exprs).with_columns(
            pl.all_horizontal([c.fill_null(False) for c in checks]).alias("ok")
        )
        work = work.with_columns(pl.col("ok") & pl.col("received_at").is_not_null())
        later = [pl.col(n) for n in TIME_FIELDS[1:] if n in p.fields]
        if later:
            order = pl.all_horizontal(
                [(c.is_null() | (c >= pl.col("received_at"))).fill_null(True) for c in later]
            )
            work = work.with_columns(pl.col("ok") & order)
        return self._mapped(work)

    def _time(self, text: pl.Expr, formats: tuple[str, ...], naive: bool = True) -> pl.Expr:
        """The first format the text has, parsed; null when none (the row is then read row
        by row, which says why). ``naive``: whether any text may be an ISO time without an
        offset (reading those in the agency's zone costs as much as the rest together)."""
        result: pl.Expr = pl.lit(None, dtype=pl.Datetime("us", "UTC"))
        for fmt in reversed(formats):  # built inside out: the first format wins
            if fmt == "iso":
                spaced = text.str.replace(" ", "T", literal=True, n=1)
                aware = spaced.str.to_datetime(
                    "%Y-%m-%dT%H:%M:%S%.f%:z", strict=False, time_unit="us"
                )
                if naive:
                    local = self._local(
                        spaced.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False,
                                               time_unit="us")
                    )  # fmt: skip
                    result = pl.when(text.str.contains(ISO_NAIVE)).then(local).otherwise(result)
                result = (
                    pl.when(text.str.contains(ISO_OFFSET))
                    .then(aware.dt.convert_time_zone("UTC"))
                    .otherwise(result)
                )
            else:
                parsed = self._local(text.str.to_datetime(fmt, strict=False, time_unit="us"))
                result = pl.when(text.str.contains(_gate(fmt))).then(parsed).otherwise(result)
        earliest = datetime(1970, 1, 1, tzinfo=UTC)
        return pl.when(result.is_between(earliest, self.latest)).then(result)

    def _local(self, naive: pl.Expr) -> pl.Expr:
        return naive.dt.replace_time_zone(
            self.zone, ambiguous="earliest", non_existent="null"
        ).dt.convert_time_zone("UTC")

    def _mapped(self, work: pl.DataFrame) -> pl.DataFrame:
        """Call source and flags: few distinct values, each decided by the row converter's
        own functions."""
        p = self.profile
        if "call_source" in p.fields:
            raw = work.get_column("t_call_source")
            table = {v: self.rows._call_source(v) for v in raw.unique().to_list()}
            work = work.with_columns(
                pl.col("t_call_source").alias("call_source_raw"),
                pl.col("t_call_source").replace_strict(table, return_dtype=pl.String)
                .alias("call_source"),
            )  # fmt: skip
        else:
            work = work.with_columns(
                pl.lit("").alias("call_source_raw"),
                pl.lit(self.rows._call_source("")).alias("call_source"),
            )
        from coresponder.calls.engine.reader import _truthy

        flags = [f for f in FLAGS if f in p.fields]
        exprs = []
        for flag in flags:
            values = work.get_column(f"t_{flag}").unique().to_list()
            exprs.append(
                pl.col(f"t_{flag}")
                .replace_strict({v: _truthy(v) for v in values}, return_dtype=pl.Boolean)
                .alias(f"flag_{flag}")
            )
        return work.with_columns(exprs)

    # -- units and persons ----------------------------------------------------------------

    def _json(
        self, work: pl.DataFrame, column: str, keys: tuple[str, ...]
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The JSON column exploded to one row per item, with ``ok`` false for rows whose JSON
        is not plainly an array of objects of known keys with plain string values."""
        value = r'(?:"[^"\\\x00-\x1f]*"|null)'
        key = "(?:" + "|".join(f'"{k}"' for k in keys) + ")"
        pair = rf"\s*{key}\s*:\s*{value}\s*"
        obj = rf"\s*\{{(?:{pair}(?:,{pair})*)?\}}\s*"
        strict = rf"^\s*(?:\[(?:{obj}(?:,{obj})*)?\]|null|)\s*$"
        text = pl.col(self.index[column]) if column in self.index else pl.lit("")
        dtype = pl.List(pl.Struct({k: pl.String for k in keys}))
        items = work.select(
            "row",
            (text.str.contains(strict) & (text.str.len_chars() <= 65_536)).alias("json_ok"),
            pl.when(text.str.strip_chars(PY_SPACE).is_in(["", "null"]))
            .then(pl.lit("[]"))
            .otherwise(text)
            .alias("json"),
        )
        items = items.with_columns(
            pl.when(pl.col("json_ok")).then(pl.col("json")).otherwise(pl.lit("[]"))
        )
        bad = items.filter(~pl.col("json_ok")).select("row", pl.lit(False).alias("ok"))
        flat = (
            items.select("row", pl.col("json").str.json_decode(dtype).alias("item"))
            .explode("item")
            .drop_nulls("item")
            .unnest("item")
        )
        flat = flat.with_columns(
            [pl.col(k).fill_null("").str.strip_chars(PY_SPACE) for k in keys]
        ).with_columns(pl.lit(True).alias("ok"))
        return flat, bad

    def _units(self, work: pl.DataFrame) -> pl.DataFrame:
        keys = UNIT_KEYS
        flat, bad = self._json(work, self.profile.units_json, keys)
        checks = [pl.col("unit_id") != ""]
        checks += [pl.col(k).str.len_chars() <= n for k, n in UNIT_LIMITS.items()]
        unit_type = (
            pl.when(pl.col("unit_type") == "")
            .then(pl.lit("police"))
            .otherwise(pl.col("unit_type").str.to_lowercase())
        )
        checks.append(pl.col("unit_type").str.contains(r"^[\x00-\x7f]*$"))
        checks.append(unit_type.is_in(list(UNIT_TYPES)))
        # Each stamp parsed once into a column of its own, which the checks then read.
        naive = _naive_columns(flat, list(TIME_FIELDS[1:]))
        moments = [
            self._time(pl.col(name), self.profile.time_formats, name in naive).alias(f"m_{name}")
            for name in TIME_FIELDS[1:]
        ]
        for name in TIME_FIELDS[1:]:
            text = pl.col(name)
            checks.append(text.str.len_chars() <= 64)
            checks.append((text == "") | pl.col(f"m_{name}").is_not_null())
        flat = flat.with_columns(moments)
        flat = flat.with_columns(
            pl.all_horizontal(checks).fill_null(False).alias("ok"), unit_type.alias("unit_type")
        )
        flat = flat.with_columns(pl.col(f"m_{n}").alias(n) for n in TIME_FIELDS[1:]).drop(
            f"m_{n}" for n in TIME_FIELDS[1:]
        )
        flat = _with_bad(flat, bad)
        # Unit order must not depend on row order (as the row reader sorts them).
        return flat.sort(["row", "unit_id", "status"], maintain_order=True)

    def _persons(self, work: pl.DataFrame) -> pl.DataFrame:
        flat, bad = self._json(work, self.profile.persons_json, PERSON_KEYS)
        checks = [pl.col(k).str.len_chars() <= n for k, n in PERSON_LIMITS.items()]
        flat = flat.with_columns(pl.all_horizontal(checks).fill_null(False).alias("ok"))
        return _with_bad(flat, bad)

    def _unit_order(self, work: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
        """A unit's stamps may not precede the call's received time."""
        if units.is_empty():
            return work
        stamps = [pl.col(n) for n in TIME_FIELDS[1:]]
        early = (
            units.join(work.select("row", "received_at"), on="row")
            .filter(
                pl.any_horizontal([(c < pl.col("received_at")).fill_null(False) for c in stamps])
            )
            .get_column("row")
        )
        return work.with_columns(pl.col("ok") & ~pl.col("row").is_in(early.implode()))

    # -- what the database needs ----------------------------------------------------------

    def _finish(
        self, good: pl.DataFrame, units: pl.DataFrame, persons: pl.DataFrame, columns: list[str]
    ) -> pl.DataFrame:
        p = self.profile
        for name in TIME_COLUMNS:
            if name not in good.columns:
                good = good.with_columns(pl.lit(None, dtype=pl.Datetime("us", "UTC")).alias(name))
        for name in NUMBER_FIELDS:
            if name not in good.columns:
                good = good.with_columns(pl.lit(None, dtype=pl.Float64).alias(name))
        from coresponder.calls.engine.records import HASHED_FIELDS

        for name in HASHED_FIELDS:
            if name not in good.columns:
                good = good.with_columns(pl.lit("").alias(name))
        unit_text, unit_latest = _unit_summary(units)
        person_text = _person_summary(persons)
        good = (
            good.join(unit_text, on="row", how="left")
            .join(person_text, on="row", how="left")
            .with_columns(pl.col("units_text", "persons_text").fill_null(""))
        )
        flags = sorted(f for f in FLAGS if f in p.fields)
        flag_text = (
            pl.concat_str(
                [
                    pl.concat_str(
                        pl.lit(f"{f}="), pl.col(f"flag_{f}").cast(pl.Int8).cast(pl.String)
                    )
                    for f in flags
                ],
                separator=",",
            )
            if flags
            else pl.lit("")
        )
        rendered = [_render(name, good.schema[name]) for name in HASHED_FIELDS]
        text = pl.concat_str(
            [*rendered, flag_text, pl.col("units_text"), pl.col("persons_text")],
            separator=FIELD_SEP,
        )
        texts = good.select(text).to_series().to_list()
        digests = [hashlib.sha256(t.encode("utf-8", "surrogatepass")).hexdigest() for t in texts]
        good = good.with_columns(pl.Series("content_hash", digests, dtype=pl.String))
        latest = pl.max_horizontal([pl.col(n) for n in TIME_FIELDS] + [pl.col("unit_latest")])
        good = good.join(unit_latest, on="row", how="left")
        version = (
            pl.when(pl.col("updated_at").is_not_null()).then(pl.col("updated_at")).otherwise(latest)
        )
        flags_json = (
            pl.struct(
                [pl.col(f"flag_{f}").alias(f) for f in FLAGS if f in p.fields]
            ).struct.json_encode()
            if any(f in p.fields for f in FLAGS)
            else pl.lit("{}")
        )
        raw_json = pl.struct(
            [pl.col(f"c{i}").alias(name) for i, name in enumerate(columns)]
        ).struct.json_encode()
        block = (
            pl.col(self.index[p.block_column]).str.strip_chars(PY_SPACE) != ""
            if p.block_column in self.index
            else pl.lit(None, dtype=pl.Boolean)
        )
        return good.select(
            "row",
            "line",
            "event_number",
            *TIME_COLUMNS,
            "call_source",
            "call_source_raw",
            *[
                n
                for n in HASHED_FIELDS
                if n not in TIME_COLUMNS
                and n not in ("event_number", "call_source", "call_source_raw")
            ],  # fmt: skip
            flags_json.alias("flags"),
            raw_json.alias("raw"),
            "raw_hash",
            "content_hash",
            pl.concat_str(
                version.dt.strftime(VERSION_TIME), pl.lit("|"), pl.col("content_hash")
            ).alias("version_key"),
            pl.when(block).then(True).alias("is_block_hint"),
        )


def _naive_columns(frame: pl.DataFrame, columns: list[str]) -> set[str]:
    """Which of ``columns`` hold any text that reads as an ISO time without an offset."""
    if not columns:
        return set()
    found = frame.select(pl.col(c).str.contains(ISO_NAIVE).any() for c in columns)
    return {name for name, seen in found.row(0, named=True).items() if seen}


def _render(name: str, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if isinstance(dtype, pl.Datetime):
        return column.dt.strftime(HASH_TIME).fill_null("")
    if dtype == pl.Float64:
        return column.cast(pl.String).fill_null("")
    return column.fill_null("")


def _unit_summary(units: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per call: its units as the content text writes them, and their latest stamp."""
    stamps = [pl.col(n) for n in TIME_FIELDS[1:]]
    text = pl.concat_str(
        [pl.col(k).dt.strftime(HASH_TIME).fill_null("") if k in TIME_FIELDS else pl.col(k)
         for k in UNIT_KEYS],
        separator=ITEM_SEP,
    )  # fmt: skip
    grouped = units.group_by("row", maintain_order=True).agg(
        text.str.join(UNIT_SEP).alias("units_text"),
        pl.max_horizontal(stamps).max().alias("unit_latest"),
    )
    if units.is_empty():
        grouped = pl.DataFrame(
            schema={"row": pl.UInt32, "units_text": pl.String,
                    "unit_latest": pl.Datetime("us", "UTC")}
        )  # fmt: skip
    return grouped.select("row", "units_text"), grouped.select("row", "unit_latest")


def _person_summary(persons: pl.DataFrame) -> pl.DataFrame:
    if persons.is_empty():
        return pl.DataFrame(schema={"row": pl.UInt32, "persons_text": pl.String})
    text = pl.concat_str([pl.col(k) for k in PERSON_KEYS], separator=ITEM_SEP)
    return persons.group_by("row", maintain_order=True).agg(
        text.str.join(UNIT_SEP).alias("persons_text")
    )


def _with_bad(flat: pl.DataFrame, bad: pl.DataFrame) -> pl.DataFrame:
    if bad.is_empty():
        return flat
    filler = bad.with_columns(
        [pl.lit(None, dtype=flat.schema[c]).alias(c) for c in flat.columns if c not in bad.columns]
    ).select(flat.columns)
    return pl.concat([flat, filler.cast(flat.schema)], how="vertical")


def _empty_units() -> pl.DataFrame:
    schema: dict[str, Any] = {"row": pl.UInt32, "unit_id": pl.String, "unit_type": pl.String,
                              "status": pl.String, "ok": pl.Boolean}  # fmt: skip
    schema |= {n: pl.Datetime("us", "UTC") for n in TIME_FIELDS[1:]}
    return pl.DataFrame(schema=schema)


def _empty_persons() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"row": pl.UInt32, **{k: pl.String for k in PERSON_KEYS}, "ok": pl.Boolean}
    )


def raw_hashes(frame: pl.DataFrame, width: int, profile_name: str) -> list[str]:
    """reader.raw_row_hash of every row, the cells (c0, c1, ...) joined the same way."""
    joined = frame.select(
        pl.concat_str(
            [pl.lit(profile_name), *[pl.col(f"c{i}") for i in range(width)]], separator="\x1e"
        )  # fmt: skip
    ).to_series()
    return [hashlib.sha256(t.encode("utf-8", "surrogatepass")).hexdigest() for t in joined]


def to_records(table: Table) -> list[CallRecord]:
    """Rows of a table as CallRecords (for the few the writer must compare one by one)."""
    units: dict[int, list[UnitRecord]] = {}
    for unit in table.units.iter_rows(named=True):
        row = unit.pop("row")
        units.setdefault(row, []).append(UnitRecord(**unit))
    persons: dict[int, list[PersonRecord]] = {}
    for person in table.persons.iter_rows(named=True):
        row = person.pop("row")
        persons.setdefault(row, []).append(PersonRecord(**person))
    import json

    records = []
    skip = {"row", "flags", "raw", "content_hash", "version_key", "is_block_hint"}
    for values in table.calls.iter_rows(named=True):
        row = values["row"]
        record = CallRecord(**{k: v for k, v in values.items() if k not in skip})
        record.flags = json.loads(values["flags"])
        record.raw = json.loads(values["raw"])
        record.is_block = values["is_block_hint"]
        record.units, record.persons = units.get(row, []), persons.get(row, [])
        records.append(record)
    return records


def slow_rows(text: str, delimiter: str, first_line: int) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a block read with the csv module, lines counted from ``first_line``."""
    from coresponder.calls.engine.reader import FileProblem

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line = first_line + reader.line_num - 1
            raise FileProblem(
                f"Line {line} cannot be read as CSV ({error}); the rows before it were read."
            ) from None
        yield first_line + end, cells
        end = reader.line_num


def with_line(reject: Reject, line: int) -> Reject:
    return Reject(line, reject.column, reject.reason, reject.event_number)
