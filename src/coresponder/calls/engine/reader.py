"""Read a CAD export in chunks of canonical call records, with a reason for every row refused.

Memory stays bounded: the file is streamed with the csv module and handed on a chunk at a time.
A problem with the whole file (no such columns, empty file, wrong delimiter) raises
``FileProblem``; a problem with one row becomes a ``Reject`` and the other rows go on.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from coresponder.calls.engine import columnar
from coresponder.calls.engine.profile import (
    NUMBER_FIELDS,
    REQUIRED,
    FieldSpec,
    Profile,
)
from coresponder.calls.engine.records import (
    FLAGS,
    TEXT_LIMITS,
    TIME_FIELDS,
    CallRecord,
    CallSource,
    PersonRecord,
    Reject,
    UnitRecord,
    UnitType,
)

MAX_FIELD_CHARS = 65_536
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
csv.field_size_limit(16 * 1024 * 1024)  # read long fields, then refuse them with a reason


class FileProblem(ValueError):
    """The file as a whole cannot be read with this profile; the message says why."""


class RowProblem(ValueError):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


@dataclass
class Chunk:
    records: list[CallRecord]
    rejects: list[Reject]
    rows: int  # data rows consumed, whatever became of them
    folded: int = 0  # rows that were further units of a call already in this chunk
    unchanged: int = 0  # rows identical to the row the stored version was read from
    table: columnar.Table | None = None  # calls read column-wise (columnar.py), all valid

    @property
    def calls(self) -> int:
        """Calls the chunk holds, row by row and column-wise."""
        return len(self.records) + (len(self.table) if self.table is not None else 0)

    def all_records(self) -> list[CallRecord]:
        """Every call of the chunk as a record, in line order (those read column-wise turned
        into records: for tests and small files, not the import's bulk path)."""
        records = list(self.records)
        if self.table is not None and len(self.table):
            records += columnar.to_records(self.table)
        return sorted(records, key=lambda record: record.line)


# Given (event number, raw row hash) pairs, the positions of those already stored as they are.
KnownRows = Callable[[list[tuple[str, str]]], set[int]]


def raw_row_hash(profile: Profile, cells: list[str]) -> str:
    """Fingerprint of a source row as read with a profile: the same row read the same way
    gives the same call, so an identical row needs no conversion to be known a duplicate."""
    text = "\x1e".join([profile.name, *cells])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class ReadNotes:
    encoding: str = "utf-8"
    delimiter: str = ","
    notes: list[str] = field(default_factory=list)


def sniff_encoding(head: bytes) -> tuple[str, str]:
    """(codec, note): UTF-8 (with or without BOM) when it decodes, else Windows-1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", ""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", ""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3:  # a character cut by the sample's end
            return "utf-8", ""
        return "cp1252", "the file is not UTF-8: read as Windows-1252 (latin-1)"
    return "utf-8", ""


def open_text(path: Path) -> tuple[IO[str], ReadNotes]:
    with path.open("rb") as raw:
        head = raw.read(1 << 16)
    if not head.strip():
        raise FileProblem("The file is empty.")
    encoding, note = sniff_encoding(head)
    notes = ReadNotes(encoding=encoding, notes=[note] if note else [])
    # Stray undecodable bytes become U+FFFD: the row still imports and its raw copy shows it.
    handle = path.open(encoding=encoding, errors="replace", newline="")
    return handle, notes


class RowConverter:
    """Turns one CSV row (a dict of column → text) into a CallRecord, or says why not."""

    def __init__(self, profile: Profile, time_zone: str, lookups: dict[str, dict[str, str]]):
        self.profile = profile
        zone_name = profile.time_zone if profile.time_zone != "agency" else time_zone
        try:
            self.zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise FileProblem(f"Unknown time zone {zone_name!r}.") from None
        self.lookups = lookups
        self.latest = datetime.now(UTC) + timedelta(days=1)
        self.nested_times = FieldSpec(formats=profile.time_formats)  # times inside JSON columns

    def call(self, row: dict[str, str], line: int) -> CallRecord:
        values: dict[str, object] = {"raw": row, "line": line}
        for name, spec in self.profile.fields.items():
            if name in FLAGS:  # read once, below
                continue
            text = self._text(row, name, spec)
            if name in TIME_FIELDS or name == "updated_at":
                values[name] = self._time(name, text, spec) if text else None
            elif name in NUMBER_FIELDS:
                values[name] = self._number(name, text) if text else None
            else:
                limit = TEXT_LIMITS.get(name)
                if limit is not None and len(text) > limit:
                    raise RowProblem(
                        self._column(name),
                        f"{name.replace('_', ' ')} is {len(text):,} characters; "
                        f"at most {limit} fit",
                    )
                values[name] = text
        for target, table in self.lookups.items():
            code = str(values.get(self.profile.lookups[target].source_field, ""))
            if not values.get(target) and code:
                values[target] = table.get(code.casefold(), "")
        if not values.get("event_number"):
            raise RowProblem(self._column("event_number"), "the event number is empty")
        if values.get("received_at") is None:
            raise RowProblem(self._column("received_at"), "the received time is empty")
        source_raw = str(values.pop("call_source", ""))
        record = CallRecord(**values)  # type: ignore[arg-type]
        record.call_source_raw = source_raw
        record.call_source = self._call_source(source_raw)
        record.flags = {
            flag: _truthy(self._text(row, flag, self.profile.fields[flag]))
            for flag in FLAGS
            if flag in self.profile.fields
        }
        if self.profile.block_column and (row.get(self.profile.block_column) or "").strip():
            record.is_block = True
        self._check_order(record)
        if self.profile.units_json or self.profile.persons_json:
            self._nested(row, record)
            self._check_unit_order(record)
        return record

    def _check_unit_order(self, record: CallRecord) -> None:
        for index, unit in enumerate(record.units):
            for name in TIME_FIELDS[1:]:
                stamp = getattr(unit, name)
                if stamp is not None and stamp < record.received_at:
                    raise RowProblem(
                        self.profile.units_json,
                        f"units[{index}] {_label(name)} {stamp:%Y-%m-%d %H:%M} UTC is before "
                        f"the received time {record.received_at:%Y-%m-%d %H:%M} UTC",
                    )

    def _nested(self, row: dict[str, str], record: CallRecord) -> None:
        """Units and persons from the profile's JSON columns (the canonical format)."""
        if column := self.profile.units_json:
            items = _json_array(row, column)
            record.units = [self._json_unit(column, i, item) for i, item in enumerate(items)]
        if column := self.profile.persons_json:
            record.persons = [
                PersonRecord(**_json_strings(column, f"persons[{i}]", item, PERSON_LIMITS))
                for i, item in enumerate(_json_array(row, column))
            ]

    def _json_unit(self, column: str, index: int, item: object) -> UnitRecord:
        where = f"units[{index}]"
        values: dict[str, object] = dict(_json_strings(column, where, item, UNIT_LIMITS))
        if not values.get("unit_id"):
            raise RowProblem(column, f"{where} has no unit_id")
        unit_type = str(values.get("unit_type") or UnitType.POLICE.value).casefold()
        if unit_type not in UNIT_TYPES:
            raise RowProblem(
                column, f"{where}: unit_type {unit_type!r} is not one of {', '.join(UNIT_TYPES)}"
            )
        values["unit_type"] = unit_type
        for name in TIME_FIELDS[1:]:
            text = str(values.get(name) or "")
            try:
                moment = self._time(name, text, self.nested_times, unit=True) if text else None
            except RowProblem as problem:
                raise RowProblem(column, f"{where}: {problem.reason}") from None
            values[name] = moment
        return UnitRecord(**values)  # type: ignore[arg-type]

    def unit(self, row: dict[str, str]) -> UnitRecord | None:
        """The responding unit a one-row-per-unit row names, or None when it names none
        (a call no unit has been sent to yet)."""
        values: dict[str, object] = {}
        for name, spec in self.profile.unit_fields.items():
            text = self._text(row, name, spec)
            if name in TIME_FIELDS:
                values[name] = self._time(name, text, spec, unit=True) if text else None
            else:
                values[name] = text
        if not values.get("unit_id"):
            return None
        return UnitRecord(**values)  # type: ignore[arg-type]

    def event_number(self, row: dict[str, str]) -> str:
        return self._text(row, "event_number", self.profile.fields["event_number"])

    def _text(self, row: dict[str, str], name: str, spec: FieldSpec) -> str:
        if spec.constant is not None:
            return spec.constant
        if spec.plain:  # one column, nothing to extract or replace: the common case, kept fast
            value = row.get(spec.columns[0], "")
            if len(value) <= MAX_FIELD_CHARS:
                value = value.strip()
                return "" if value.casefold() in self.profile.null_values else value
        parts = []
        for index, column in enumerate(spec.columns):
            value = row.get(column, "")
            if len(value) > MAX_FIELD_CHARS:
                raise RowProblem(
                    column,
                    f"the field holds {len(value):,} characters; at most "
                    f"{MAX_FIELD_CHARS:,} are accepted",
                )
            if value.strip().casefold() in self.profile.null_values:
                value = ""
            pattern = spec.extract[index] if index < len(spec.extract) else None
            if pattern is not None:
                found = pattern.search(value)
                value = (found.group(1) if found.groups() else found.group(0)) if found else ""
            parts.append(value.strip())
        text = " ".join(part for part in parts if part)
        for old, new in spec.replace:
            text = text.replace(old, new)
        return text

    def _time(self, name: str, text: str, spec: FieldSpec, *, unit: bool = False) -> datetime:
        for fmt in spec.formats:
            try:
                moment = parse_iso(text) if fmt == "iso" else datetime.strptime(text, fmt)
            except ValueError:
                continue
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=self.zone)
            moment = moment.astimezone(UTC)
            if not EARLIEST <= moment <= self.latest:
                raise RowProblem(
                    self._column(name, unit), f"{_label(name, unit)} {text!r} is impossible"
                )
            return moment
        expected = " or ".join(spec.formats)
        raise RowProblem(
            self._column(name, unit),
            f"{_label(name, unit)} {text!r} is not a time in the form {expected}",
        )

    def _number(self, name: str, text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            raise RowProblem(self._column(name), f"{name} {text!r} is not a number") from None
        limit = 90 if name == "latitude" else 180
        if not -limit <= number <= limit:
            raise RowProblem(self._column(name), f"{name} {number} is out of range")
        return number

    def _call_source(self, raw: str) -> str:
        mapped = self.profile.maps.get("call_source", {}).get(raw.casefold())
        return mapped or guess_call_source(raw)

    def _check_order(self, record: CallRecord) -> None:
        for name in TIME_FIELDS[1:]:
            stamp = getattr(record, name)
            if stamp is not None and stamp < record.received_at:
                raise RowProblem(
                    self._column(name),
                    f"{_label(name)} {stamp:%Y-%m-%d %H:%M} UTC is before the received time "
                    f"{record.received_at:%Y-%m-%d %H:%M} UTC",
                )

    def _column(self, name: str, unit: bool = False) -> str:
        spec = (self.profile.unit_fields if unit else self.profile.fields).get(name)
        return ", ".join(spec.columns) if spec else name


_SOURCE_WORDS = [
    ("911", CallSource.E911),
    ("onview", CallSource.OFFICER_INITIATED),
    ("on view", CallSource.OFFICER_INITIATED),
    ("officer", CallSource.OFFICER_INITIATED),
    ("self", CallSource.OFFICER_INITIATED),
    ("alarm", CallSource.ALARM),
    ("walk", CallSource.WALK_IN),
    ("text", CallSource.TEXT),
    ("referral", CallSource.REFERRAL),
    ("non", CallSource.NON_EMERGENCY),
    ("phone", CallSource.NON_EMERGENCY),
    ("telephone", CallSource.NON_EMERGENCY),
]


_SLASHED_DATE = re.compile(r"^(\d{4})/(\d{2})/(\d{2})")


def parse_iso(text: str) -> datetime:
    """ISO 8601 as Python reads it, also with slashes in the date (``2019/01/01 00:02:34+00``,
    as ArcGIS exports write it). ValueError when it is not."""
    if "/" in text[:10]:  # the regular expression only when it can matter: this is hot
        text = _SLASHED_DATE.sub(r"\1-\2-\3", text, count=1)
    return datetime.fromisoformat(text)


def guess_call_source(raw: str) -> str:
    lowered = raw.casefold()
    if not lowered:
        return CallSource.UNKNOWN.value
    if "not 911" in lowered:
        return CallSource.NON_EMERGENCY.value
    for word, source in _SOURCE_WORDS:
        if word in lowered:
            return source.value
    return CallSource.OTHER.value


def _truthy(text: str) -> bool:
    return text.strip().casefold() in {"y", "yes", "true", "t", "1", "x"}


def _label(name: str, unit: bool = False) -> str:
    return ("unit " if unit else "") + name.removesuffix("_at").replace("_", " ") + " time"


# JSON columns: the longest value each key may hold (the database columns' sizes).
UNIT_LIMITS = {"unit_id": 32, "unit_type": 24, "status": 64} | dict.fromkeys(TIME_FIELDS[1:], 64)
PERSON_LIMITS = {"role": 64, "name": 200, "date_of_birth": 32, "phone": 40}
UNIT_TYPES = tuple(unit_type.value for unit_type in UnitType)


def _json_array(row: dict[str, str], column: str) -> list[object]:
    """The JSON array in ``column`` (empty cell or null: none), or a RowProblem saying why not."""
    text = (row.get(column) or "").strip()
    if not text:
        return []
    if len(text) > MAX_FIELD_CHARS:
        raise RowProblem(
            column,
            f"the field holds {len(text):,} characters; at most {MAX_FIELD_CHARS:,} are accepted",
        )
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise RowProblem(
            column, f"{column} is not valid JSON ({error.msg} at character {error.pos + 1})"
        ) from None
    except RecursionError:
        raise RowProblem(column, f"{column} is not valid JSON (nested too deeply)") from None
    if value is None:
        return []
    if not isinstance(value, list):
        raise RowProblem(
            column, f"{column} must be a JSON array of objects, not {_json_type(value)}"
        )
    return value


def _json_strings(column: str, where: str, item: object, limits: dict[str, int]) -> dict[str, str]:
    """One object of a JSON column, checked: known keys only, strings (or null), not too long."""
    if not isinstance(item, dict):
        raise RowProblem(column, f"{where} must be a JSON object, not {_json_type(item)}")
    unknown = sorted(set(item) - set(limits))
    if unknown:
        raise RowProblem(
            column,
            f"{where} has unknown key(s) {', '.join(map(repr, unknown))}; "
            f"expected {', '.join(limits)}",
        )
    values = {}
    for key, value in item.items():
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise RowProblem(column, f"{where}.{key} must be a string, not {_json_type(value)}")
        value = value.strip()
        if len(value) > limits[key]:
            raise RowProblem(
                column, f"{where}.{key} holds {len(value)} characters; at most {limits[key]} fit"
            )
        values[key] = value
    return values


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "true/false"}
    return names.get(type(value), "a number" if isinstance(value, int | float) else "null")


def load_lookups(profile: Profile, data_file: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Read the agency's own code keys named by the profile, relative to the data file."""
    tables: dict[str, dict[str, str]] = {}
    notes = []
    for target, lookup in profile.lookups.items():
        path = (data_file.parent / lookup.file).resolve()
        if not path.exists():
            notes.append(f"code key {lookup.file} not found next to the file: codes kept as given")
            continue
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            reader = csv.DictReader(handle)
            absent = [c for c in (lookup.key, lookup.value) if c not in (reader.fieldnames or [])]
            if absent:
                notes.append(
                    f"code key {lookup.file} has no column {', '.join(map(repr, absent))}: "
                    "codes kept as given"
                )
                continue
            table = {
                (row.get(lookup.key) or "").strip().casefold(): (
                    row.get(lookup.value) or ""
                ).strip()
                for row in reader
            }
        tables[target] = {k: v for k, v in table.items() if k}
    return tables, notes


def read_chunks(
    path: Path,
    profile: Profile,
    *,
    agency_time_zone: str = "UTC",
    chunk_rows: int = 5_000,
    skip_rows: int = 0,
    notes: ReadNotes | None = None,
    known: KnownRows | None = None,
    block_bytes: int = columnar.BLOCK_BYTES,
) -> Iterator[Chunk]:
    """Stream ``path`` as chunks of records; the first ``skip_rows`` data rows are passed over
    (to resume an interrupted import). With ``known``, rows identical to what is stored are
    counted as unchanged without being converted (one row per call profiles only). The
    column-wise reader reads blocks of about ``block_bytes`` (a chunk is at most one block)."""
    handle, found = open_text(path)
    if notes is not None:
        notes.encoding, notes.notes = found.encoding, notes.notes + found.notes
    lookups, lookup_notes = load_lookups(profile, path)
    if notes is not None:
        notes.notes.extend(lookup_notes)
    converter = RowConverter(profile, agency_time_zone, lookups)
    if columnar.eligible(profile, found.encoding):
        handle.close()
        yield from _columnar_chunks(
            path, profile, converter, (chunk_rows, block_bytes), skip_rows, known
        )
        return
    with handle:
        reader = csv.reader(handle, delimiter=_delimiter(profile, handle))
        columns = _header(reader, profile)
        if known is not None and not profile.one_row_per_unit:
            yield from _chunks_skipping_known(
                reader, columns, converter, profile, chunk_rows, skip_rows, known
            )
        else:
            last_rows = (
                _last_rows(path, profile, converter, columns) if profile.one_row_per_unit else None
            )
            yield from _chunks(
                reader, columns, converter, profile, chunk_rows, skip_rows, last_rows
            )


def _delimiter(profile: Profile, handle: IO[str]) -> str:
    if profile.delimiter != "auto":
        return profile.delimiter
    sample = handle.read(1 << 15)
    handle.seek(0)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _header(reader: Iterator[list[str]], profile: Profile) -> list[str]:
    if not profile.header:
        return list(profile.columns)
    try:
        header = [name.strip().lstrip("\ufeff") for name in next(reader)]
    except StopIteration:
        raise FileProblem("The file is empty.") from None
    columns, missing = match_header(header, profile.columns_used())
    required_columns = {c for f in REQUIRED for c in profile.fields[f].columns}
    if missing and required_columns & set(missing):
        raise FileProblem(_missing_message(header, missing, profile))
    return columns


def normalise_name(name: str) -> str:
    """A column name reduced to lower-case letters and digits: ``CAD Event Number``,
    ``cad_event_number`` and ``CAD.Event.Number`` are the same name."""
    return re.sub(r"[^0-9a-z]+", "", name.casefold())


def match_header(header: list[str], wanted: set[str]) -> tuple[list[str], list[str]]:
    """(the header with each wanted column renamed to the profile's spelling, the wanted
    columns not found). A wanted column matches the same name in any case; failing that, the
    one header name that is the same once case, spaces, dots, dashes and underscores are
    ignored (``cad_event_number`` for ``CAD Event Number``)."""
    renamed = list(header)
    taken: set[int] = set()
    missing = []
    folded = [name.casefold() for name in header]
    normal = [normalise_name(name) for name in header]
    ordered = sorted(wanted, key=lambda c: (c.casefold() not in folded, c))  # exact ones first
    for column in ordered:
        exact = [i for i, name in enumerate(folded) if name == column.casefold() and i not in taken]
        loose = [
            i for i, name in enumerate(normal) if name == normalise_name(column) and i not in taken
        ]
        found = exact[:1] or (loose if len(loose) == 1 else [])
        if not found:
            missing.append(column)
            continue
        taken.add(found[0])
        renamed[found[0]] = column
    return renamed, sorted(missing)


def _missing_message(header: list[str], missing: list[str], profile: Profile) -> str:
    shown = ", ".join(repr(h) for h in header[:20]) or "(nothing)"
    message = (
        f"The file does not have the columns profile {profile.name!r} needs: "
        f"missing {', '.join(repr(m) for m in missing)}; found {shown}."
    )
    if len(header) == 1:
        for delimiter in ";\t|,":
            if delimiter in header[0] and delimiter != profile.delimiter:
                name = {"\t": "tab"}.get(delimiter, repr(delimiter))
                message += f" The columns look separated by {name}, not {profile.delimiter!r}."
    return message


def _chunks(
    reader: Iterator[list[str]],
    columns: list[str],
    converter: RowConverter,
    profile: Profile,
    chunk_rows: int,
    skip_rows: int,
    last_rows: dict[str, int] | None = None,
) -> Iterator[Chunk]:
    """With ``last_rows`` (one row per unit: each call's last row), a chunk ends only where no
    call read so far has rows still to come, however far apart a call's rows are: folding a
    unit needs its call in the same chunk. A chunk that would grow past ``OPEN_CALL_LIMIT``
    times its size ends anyway, to keep memory bounded."""
    chunk = Chunk([], [], 0)
    by_event: dict[str, CallRecord] = {}
    width = len(columns)
    open_until = -1  # the last row of any call of this chunk
    end = reader.line_num  # type: ignore[attr-defined]
    for index, cells in _rows(reader):
        # A quoted field may span lines: a row is reported by the line it starts on.
        line, end = end + 1, reader.line_num  # type: ignore[attr-defined]
        if index < skip_rows:
            continue
        row = dict(zip(columns, cells, strict=False))
        if chunk.rows >= chunk_rows and (
            index > open_until or chunk.rows >= chunk_rows * OPEN_CALL_LIMIT
        ):
            yield _finished(chunk)
            chunk, by_event, open_until = Chunk([], [], 0), {}, -1
        chunk.rows += 1
        problem = _shape_problem(cells, width, profile, line)
        if problem is not None:
            chunk.rejects.append(problem)
            continue
        event = _convert_row(row, line, converter, chunk, by_event)
        if last_rows is not None and event is not None:
            open_until = max(open_until, last_rows.get(event, index))
    if chunk.rows:
        yield _finished(chunk)


OPEN_CALL_LIMIT = 20


def _last_rows(
    path: Path, profile: Profile, converter: RowConverter, columns: list[str]
) -> dict[str, int]:
    """Each call's last row (by data row index), read in a first pass over the file."""
    handle, _ = open_text(path)
    last: dict[str, int] = {}
    with handle:
        reader = csv.reader(handle, delimiter=_delimiter(profile, handle))
        if profile.header:
            next(reader, None)
        try:
            for index, cells in _rows(reader):
                event = _event_of(dict(zip(columns, cells, strict=False)), converter)
                if event is not None:
                    last[event] = index
        except FileProblem:
            pass  # the reading pass proper stops there too, with its line
    return last


def _chunks_skipping_known(
    reader: Iterator[list[str]],
    columns: list[str],
    converter: RowConverter,
    profile: Profile,
    chunk_rows: int,
    skip_rows: int,
    known: KnownRows,
) -> Iterator[Chunk]:
    """Chunks of one-row-per-call files, asking ``known`` first which rows are stored as
    they are: a re-import then costs reading and hashing, not converting every row."""
    pending: list[tuple[int, list[str], str, str]] = []
    spec = profile.fields["event_number"]
    # The event number straight from its cell when the profile takes it as it is: most rows
    # of a re-import are then never turned into a dict at all.
    at = columns.index(spec.columns[0]) if spec.plain and spec.columns[0] in columns else None
    end = reader.line_num  # type: ignore[attr-defined]
    for index, cells in _rows(reader):
        line, end = end + 1, reader.line_num  # type: ignore[attr-defined]
        if index < skip_rows:
            continue
        if at is not None:
            event = cells[at].strip() if at < len(cells) else ""
        else:
            event = _event_of(dict(zip(columns, cells, strict=False)), converter) or ""
        pending.append((line, cells, event, raw_row_hash(profile, cells)))
        if len(pending) >= chunk_rows:
            yield _convert_pending(pending, columns, converter, profile, known)
            pending = []
    if pending:
        yield _convert_pending(pending, columns, converter, profile, known)


def _convert_pending(
    pending: list[tuple[int, list[str], str, str]],
    columns: list[str],
    converter: RowConverter,
    profile: Profile,
    known: KnownRows,
) -> Chunk:
    chunk = Chunk([], [], len(pending))
    unchanged = known([(event, digest) for _, _, event, digest in pending if event])
    candidates = [item for item in pending if item[2]]
    skip = {id(candidates[i]) for i in unchanged}
    by_event: dict[str, CallRecord] = {}
    width = len(columns)
    for item in pending:
        line, cells, _, digest = item
        if id(item) in skip:
            chunk.unchanged += 1
        elif (problem := _shape_problem(cells, width, profile, line)) is not None:
            chunk.rejects.append(problem)
        else:
            before = len(chunk.records)
            row = dict(zip(columns, cells, strict=False))
            _convert_row(row, line, converter, chunk, by_event)
            if len(chunk.records) > before:
                chunk.records[-1].raw_hash = digest
    return _finished(chunk)


def _shape_problem(cells: list[str], width: int, profile: Profile, line: int) -> Reject | None:
    """An empty row, or one with more fields than the header (or, header-less, a different
    number): refused before any field is read. Short rows are padded with empty fields."""
    if not any(cell.strip() for cell in cells):
        return Reject(line, "", "the row is empty")
    if len(cells) != width and not (profile.header and len(cells) < width):
        return Reject(line, "", f"the row has {len(cells)} fields; the header has {width}")
    return None


def _rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """The rows, numbered; a row the csv module cannot split stops the file with its line
    (the chunks before it are already imported, and a re-run resumes after them)."""
    index = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line = reader.line_num  # type: ignore[attr-defined]
            raise FileProblem(
                f"Line {line} cannot be read as CSV ({error}); the rows before it were read."
            ) from None
        yield index, cells
        index += 1


def _event_of(row: dict[str, str], converter: RowConverter) -> str | None:
    try:
        return converter.event_number(row) or None
    except RowProblem:
        return None


def _finished(chunk: Chunk) -> Chunk:
    for record in chunk.records:  # unit order must not depend on row order
        record.units.sort(key=lambda unit: (unit.unit_id, unit.status))
    return chunk


def _convert_row(
    row: dict[str, str],
    line: int,
    converter: RowConverter,
    chunk: Chunk,
    by_event: dict[str, CallRecord],
) -> str | None:
    """Convert one row into the chunk; the event number of the call it is part of."""
    try:
        record = converter.call(row, line)
        unit = converter.unit(row) if converter.profile.one_row_per_unit else None
    except RowProblem as problem:
        event = row.get(next(iter(converter.profile.fields["event_number"].columns), ""), "")
        chunk.rejects.append(Reject(line, problem.column, problem.reason, event[:64]))
        return None
    if not converter.profile.one_row_per_unit:
        chunk.records.append(record)
        return record.event_number
    earlier = by_event.get(record.event_number)
    if earlier is None:
        if unit is not None:
            record.units.append(unit)
        by_event[record.event_number] = record
        chunk.records.append(record)
    else:  # one row per responding unit: fold it into the call read first
        if unit is not None:
            earlier.units.append(unit)
        chunk.folded += 1
    return record.event_number


def count_rows(path: Path, profile: Profile) -> int:
    """Data rows in the file (for a progress bar); streams, so memory stays flat."""
    handle, _ = open_text(path)
    with handle:
        reader = csv.reader(handle, delimiter=_delimiter(profile, handle))
        total = sum(1 for _ in reader)
    return max(total - (1 if profile.header else 0), 0)


def _columnar_chunks(
    path: Path,
    profile: Profile,
    converter: RowConverter,
    sizes: tuple[int, int],
    skip_rows: int,
    known: KnownRows | None,
) -> Iterator[Chunk]:
    """Chunks read column-wise (columnar.py): a block at a time, the rows Polars cannot be
    trusted with read by the csv module, the rows any check doubts converted one by one."""
    with path.open("rb") as raw:
        head = columnar.header_line(raw).removeprefix(codecs.BOM_UTF8)
        text = head.decode("utf-8", errors="replace")
        columns = _header(csv.reader(io.StringIO(text, newline=""), delimiter=profile.delimiter),
                          profile)  # fmt: skip
        fast = len(set(columns)) == len(columns)
        line, index = 1 + _line_ends(head), 0
        width = len(columns)
        names = [f"c{i}" for i in range(width)]
        vector = columnar.Converter(profile, str(converter.zone), converter)
        chunk_rows, block_bytes = sizes
        for block in columnar.read_blocks(raw, block_bytes):
            frame = columnar.parse_block(block, names, profile.delimiter) if fast else None
            if frame is None:
                rows = list(columnar.slow_rows(block.decode("utf-8", "replace"),
                                               profile.delimiter, line))  # fmt: skip
                line += _line_ends(block)
                start, index = max(0, skip_rows - index), index + len(rows)
                for at in range(start, len(rows), chunk_rows):
                    some = rows[at : at + chunk_rows]
                    yield _row_chunk(some, columns, converter, profile, known)
                continue
            ends = columnar.newline_counts(frame) if block.count(b"\n") != frame.height else None
            lines = _row_lines(frame.height, line, ends)
            line += frame.height + (int(ends.sum()) if ends is not None else 0)
            start, index = max(0, skip_rows - index), index + frame.height
            frame = frame.with_columns(lines.alias("line"))
            for at in range(start, frame.height, chunk_rows):
                part = frame.slice(at, chunk_rows).with_row_index("row")
                yield _vector_chunk(part, columns, vector, converter, profile, known)


def _line_ends(data: bytes) -> int:
    return len(re.findall(rb"\r\n|\r|\n", data))


def _row_lines(height: int, first: int, ends: pl.Series | None) -> pl.Series:
    lines = pl.int_range(first, first + height, eager=True, dtype=pl.Int64)
    if ends is None:
        return lines
    before = ends.cast(pl.Int64).cum_sum() - ends.cast(pl.Int64)
    return lines + before


def _row_chunk(
    part: list[tuple[int, list[str]]],
    columns: list[str],
    converter: RowConverter,
    profile: Profile,
    known: KnownRows | None,
) -> Chunk:
    spec = profile.fields["event_number"]
    at = columns.index(spec.columns[0]) if spec.columns[0] in columns else None
    pending = [
        (line, cells, cells[at].strip() if at is not None and at < len(cells) else "",
         raw_row_hash(profile, cells))
        for line, cells in part
    ]  # fmt: skip
    return _convert_pending(pending, columns, converter, profile, known or _none_known)


def _none_known(pairs: list[tuple[str, str]]) -> set[int]:
    return set()


def _vector_chunk(
    part: pl.DataFrame,
    columns: list[str],
    vector: columnar.Converter,
    converter: RowConverter,
    profile: Profile,
    known: KnownRows | None,
) -> Chunk:
    chunk = Chunk([], [], part.height)
    part = part.with_columns(
        pl.Series("raw_hash", columnar.raw_hashes(part, len(columns), profile.name))
    )
    at = columns.index(profile.fields["event_number"].columns[0])
    if known is not None:
        events = part.get_column(f"c{at}").str.strip_chars(columnar.PY_SPACE)
        candidates = part.with_columns(events.alias("event")).filter(pl.col("event") != "")
        pairs = list(zip(candidates.get_column("event").to_list(),
                         candidates.get_column("raw_hash").to_list(), strict=True))  # fmt: skip
        same = known(pairs)
        if same:
            rows = candidates.get_column("row").gather(sorted(same))
            part = part.filter(~pl.col("row").is_in(rows.implode()))
            chunk.unchanged = len(same)
    if part.is_empty():  # every row stored as it is (a re-import): nothing to convert
        return chunk
    table, slow = vector.convert(part, columns)
    chunk.table = table
    if len(slow):
        width = len(columns)
        doubted = part.filter(pl.col("row").is_in(slow.implode())).sort("row")
        by_event: dict[str, CallRecord] = {}
        for values in doubted.iter_rows(named=True):
            cells = [values[f"c{i}"] for i in range(width)]
            line = values["line"]
            if (problem := _shape_problem(cells, width, profile, line)) is not None:
                chunk.rejects.append(problem)
                continue
            before = len(chunk.records)
            _convert_row(dict(zip(columns, cells, strict=True)), line, converter, chunk, by_event)
            if len(chunk.records) > before:
                chunk.records[-1].raw_hash = values["raw_hash"]
    return _finished(chunk)
