"""Read a CAD export in chunks of canonical call records, with a reason for every row refused.

Memory stays bounded: the file is streamed with the csv module and handed on a chunk at a time.
A problem with the whole file (no such columns, empty file, wrong delimiter) raises
``FileProblem``; a problem with one row becomes a ``Reject`` and the other rows go on.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coresponder.calls.engine.profile import (
    NUMBER_FIELDS,
    REQUIRED,
    FieldSpec,
    Profile,
)
from coresponder.calls.engine.records import (
    FLAGS,
    TIME_FIELDS,
    CallRecord,
    CallSource,
    Reject,
    UnitRecord,
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

    def call(self, row: dict[str, str], line: int) -> CallRecord:
        values: dict[str, object] = {"raw": row, "line": line}
        for name, spec in self.profile.fields.items():
            text = self._text(row, name, spec)
            if name in TIME_FIELDS or name == "updated_at":
                values[name] = self._time(name, text, spec) if text else None
            elif name in NUMBER_FIELDS:
                values[name] = self._number(name, text) if text else None
            elif name in FLAGS:
                continue
            else:
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
        self._check_order(record)
        return record

    def unit(self, row: dict[str, str]) -> UnitRecord:
        values: dict[str, object] = {}
        for name, spec in self.profile.unit_fields.items():
            text = self._text(row, name, spec)
            values[name] = self._time(name, text, spec) if name in TIME_FIELDS else text
            if name in TIME_FIELDS and not text:
                values[name] = None
        return UnitRecord(**values)  # type: ignore[arg-type]

    def _text(self, row: dict[str, str], name: str, spec: FieldSpec) -> str:
        if spec.constant is not None:
            return spec.constant
        parts = []
        for index, column in enumerate(spec.columns):
            value = row.get(column, "")
            if len(value) > MAX_FIELD_CHARS:
                raise RowProblem(
                    column,
                    f"the field holds {len(value):,} characters; at most "
                    f"{MAX_FIELD_CHARS:,} are accepted",
                )
            pattern = spec.extract[index] if index < len(spec.extract) else None
            if pattern is not None:
                found = pattern.search(value)
                value = (found.group(1) if found.groups() else found.group(0)) if found else ""
            parts.append(value.strip())
        text = " ".join(part for part in parts if part)
        for old, new in spec.replace:
            text = text.replace(old, new)
        return text

    def _time(self, name: str, text: str, spec: FieldSpec) -> datetime:
        for fmt in spec.formats:
            try:
                moment = (
                    datetime.fromisoformat(text) if fmt == "iso" else datetime.strptime(text, fmt)
                )
            except ValueError:
                continue
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=self.zone)
            moment = moment.astimezone(UTC)
            if not EARLIEST <= moment <= self.latest:
                raise RowProblem(self._column(name), f"{_label(name)} {text!r} is impossible")
            return moment
        expected = " or ".join(spec.formats)
        raise RowProblem(
            self._column(name), f"{_label(name)} {text!r} is not a time in the form {expected}"
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

    def _column(self, name: str) -> str:
        spec = self.profile.fields.get(name)
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


def _label(name: str) -> str:
    return name.removesuffix("_at").replace("_", " ") + " time"


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
            table = {
                (row.get(lookup.key) or "").strip().casefold(): (
                    row.get(lookup.value) or ""
                ).strip()
                for row in csv.DictReader(handle)
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
) -> Iterator[Chunk]:
    """Stream ``path`` as chunks of records; the first ``skip_rows`` data rows are passed over
    (to resume an interrupted import)."""
    handle, found = open_text(path)
    if notes is not None:
        notes.encoding, notes.notes = found.encoding, notes.notes + found.notes
    lookups, lookup_notes = load_lookups(profile, path)
    if notes is not None:
        notes.notes.extend(lookup_notes)
    converter = RowConverter(profile, agency_time_zone, lookups)
    with handle:
        reader = csv.reader(handle, delimiter=_delimiter(profile, handle))
        columns = _header(reader, profile)
        yield from _chunks(reader, columns, converter, profile, chunk_rows, skip_rows)


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
    wanted = profile.columns_used()
    by_fold = {name.casefold(): name for name in header}
    missing = sorted(c for c in wanted if c.casefold() not in by_fold)
    required_columns = {c for f in REQUIRED for c in profile.fields[f].columns}
    if missing and required_columns & set(missing):
        raise FileProblem(_missing_message(header, missing, profile))
    # Match the profile's column names case-insensitively by renaming the header.
    canonical = {c.casefold(): c for c in wanted}
    return [canonical.get(name.casefold(), name) for name in header]


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
) -> Iterator[Chunk]:
    chunk = Chunk([], [], 0)
    by_event: dict[str, CallRecord] = {}
    width = len(columns)
    for index, cells in enumerate(reader):
        if index < skip_rows:
            continue
        line = reader.line_num  # type: ignore[attr-defined]
        chunk.rows += 1
        if not any(cell.strip() for cell in cells):
            chunk.rejects.append(Reject(line, "", "the row is empty"))
        elif len(cells) != width and not (profile.header and len(cells) < width):
            chunk.rejects.append(
                Reject(line, "", f"the row has {len(cells)} fields; the header has {width}")
            )
        else:
            _convert_row(dict(zip(columns, cells, strict=False)), line, converter, chunk, by_event)
        if chunk.rows >= chunk_rows:
            yield _finished(chunk)
            chunk, by_event = Chunk([], [], 0), {}
    if chunk.rows:
        yield _finished(chunk)


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
) -> None:
    try:
        record = converter.call(row, line)
        unit = converter.unit(row) if converter.profile.one_row_per_unit else None
    except RowProblem as problem:
        event = row.get(next(iter(converter.profile.fields["event_number"].columns), ""), "")
        chunk.rejects.append(Reject(line, problem.column, problem.reason, event[:64]))
        return
    if unit is None:
        chunk.records.append(record)
        return
    earlier = by_event.get(record.event_number)
    if earlier is None:
        record.units.append(unit)
        by_event[record.event_number] = record
        chunk.records.append(record)
    else:  # one row per responding unit: fold it into the call read first
        earlier.units.append(unit)
        chunk.folded += 1


def count_rows(path: Path, profile: Profile) -> int:
    """Data rows in the file (for a progress bar); streams, so memory stays flat."""
    handle, _ = open_text(path)
    with handle:
        reader = csv.reader(handle, delimiter=_delimiter(profile, handle))
        total = sum(1 for _ in reader)
    return max(total - (1 if profile.header else 0), 0)
