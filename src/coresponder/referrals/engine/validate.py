"""Building a :class:`Directory` from raw rows: field formats, record rules, references.

A record is kept whole or not at all. Problems name the table, the record id, the field and
where the row was (CSV line or JSON path), so whoever keeps the directory can fix the source.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .fields import is_missing, parse_field
from .model import PLURALS, RECORD_TYPES, Directory, Problem, ReadResult


@dataclass(frozen=True)
class RawRow:
    """One record as read, before validation."""

    record_type: str
    values: Mapping[str, Any]
    line: int | None = None
    source: str = ""

    def problem(self, field: str | None, message: str) -> Problem:
        return Problem(self.record_type, self.raw_id, field, self.line, message, self.source)

    @property
    def raw_id(self) -> str | None:
        raw = self.values.get("id")
        if isinstance(raw, str) and raw.strip():
            return raw.strip()[:60]
        return None


def build_directory(rows: Iterable[RawRow], problems: list[Problem]) -> ReadResult:
    """Validate ``rows`` and keep every valid record; ``problems`` already found are kept too."""
    parsed: dict[str, list[tuple[Any, RawRow]]] = {name: [] for name in RECORD_TYPES}
    rejected: dict[str, set[str]] = {name: set() for name in RECORD_TYPES}
    for row in rows:
        record, row_problems = parse_record(row)
        problems.extend(row_problems)
        if record is None:
            if row.raw_id:
                rejected[row.record_type].add(row.raw_id.lower())
        else:
            parsed[row.record_type].append((record, row))
    unique = {name: _without_duplicates(parsed[name], problems) for name in RECORD_TYPES}
    kept = _with_references_resolved(unique, rejected, problems)
    tables = {PLURALS[name]: tuple(records) for name, records in kept.items()}
    return ReadResult(Directory(**tables), tuple(problems))


def parse_record(row: RawRow) -> tuple[Any | None, list[Problem]]:
    """Parse every field of one row; the record is ``None`` when any field is wrong."""
    record_class = RECORD_TYPES[row.record_type]
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for spec in dataclasses.fields(record_class):
        raw = row.values.get(spec.name)
        value, error = parse_field(spec, raw)
        if error:
            problems.append(row.problem(spec.name, error))
        elif value is None and _is_required(spec) and is_missing(raw):
            problems.append(row.problem(spec.name, "is required"))
        values[spec.name] = value
    if problems:
        return None, problems
    problems = [row.problem(field, message) for field, message in record_rules(values, row)]
    if problems:
        return None, problems
    return record_class(**values), []


def _is_required(spec: dataclasses.Field[Any]) -> bool:
    return spec.default is dataclasses.MISSING


def record_rules(values: Mapping[str, Any], row: RawRow) -> list[tuple[str, str]]:
    """Rules across fields of one record: (field, message) for each one broken."""
    rules = _RULES.get(row.record_type)
    return rules(values) if rules else []


def _service_rules(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    low, high = values["minimum_age"], values["maximum_age"]
    if low is not None and high is not None and low > high:
        return [("maximum_age", f"({high:g}) is below minimum_age ({low:g})")]
    return []


def _location_rules(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    if (values["latitude"] is None) != (values["longitude"] is None):
        missing = "latitude" if values["latitude"] is None else "longitude"
        return [(missing, "is required when the other coordinate is given")]
    return []


def _schedule_rules(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    broken: list[tuple[str, str]] = []
    start, end = values["valid_from"], values["valid_to"]
    if start is not None and end is not None and start > end:
        broken.append(("valid_to", f"({end}) is before valid_from ({start})"))
    if (values["opens_at"] is None) != (values["closes_at"] is None):
        missing = "opens_at" if values["opens_at"] is None else "closes_at"
        broken.append((missing, "is required when the other of opens_at/closes_at is given"))
    owners = ("service_id", "location_id", "service_at_location_id")
    if all(values[owner] is None for owner in owners):
        broken.append(
            (
                "service_id",
                "is required: a schedule belongs to a service, a "
                "location or a service at a location",
            )
        )
    if (
        values["byday"]
        and values["freq"] != "MONTHLY"
        and any(not day.isalpha() for day in values["byday"].split(","))
    ):
        broken.append(("byday", "has numbered days (e.g. 2MO), which need freq MONTHLY"))
    if values["bymonthday"] and values["freq"] != "MONTHLY":
        broken.append(("bymonthday", "needs freq MONTHLY"))
    return broken


_RULES = {
    "service": _service_rules,
    "location": _location_rules,
    "schedule": _schedule_rules,
}


def _without_duplicates(
    records: list[tuple[Any, RawRow]], problems: list[Problem]
) -> list[tuple[Any, RawRow]]:
    """Keep the first record with each id; an identical repeat (the nested JSON form repeats
    an organization under each of its services) is merged silently."""
    first: dict[str, tuple[Any, RawRow]] = {}
    unique: list[tuple[Any, RawRow]] = []
    for record, row in records:
        seen = first.get(record.id)
        if seen is None:
            first[record.id] = (record, row)
            unique.append((record, row))
        elif seen[0] != record:
            where = f"line {seen[1].line}" if seen[1].line else seen[1].source
            problems.append(row.problem("id", f"is a duplicate; the record at {where} is kept"))
    return unique


def _with_references_resolved(
    tables: dict[str, list[tuple[Any, RawRow]]],
    rejected: dict[str, set[str]],
    problems: list[Problem],
) -> dict[str, list[Any]]:
    kept_ids: dict[str, set[str]] = {}
    kept: dict[str, list[Any]] = {}
    for name in RECORD_TYPES:  # dependency order: targets are settled before they are used
        # A table may refer to itself (taxonomy parents): any valid record of it counts.
        kept_ids[name] = {record.id for record, _ in tables[name]}
        kept[name] = []
        for record, row in tables[name]:
            broken = _broken_references(record, kept_ids, rejected)
            problems.extend(row.problem(field, message) for field, message in broken)
            if broken:
                kept_ids[name].discard(record.id)
                rejected[name].add(record.id)
            else:
                kept[name].append(record)
    return kept


def _broken_references(
    record: Any, kept_ids: dict[str, set[str]], rejected: dict[str, set[str]]
) -> list[tuple[str, str]]:
    broken = []
    for field, target in _references(record):
        value = getattr(record, field)
        if value is None or value in kept_ids.get(target, set()):
            continue
        noun = target.replace("_", " ")
        if value in rejected.get(target, set()):
            broken.append((field, f"refers to {noun} {value}, which was rejected (see above)"))
        else:
            broken.append((field, f"refers to {_article(noun)} {noun} that is not in the file"))
    return broken


def _references(record: Any) -> list[tuple[str, str]]:
    references = [
        (spec.name, spec.metadata["ref"])
        for spec in dataclasses.fields(record)
        if spec.metadata["ref"]
    ]
    if hasattr(record, "link_entity"):  # an attribute refers to whatever it describes
        references.append(("link_id", record.link_entity))
    return references


def _article(noun: str) -> str:
    return "an" if noun[0] in "aeiou" else "a"
