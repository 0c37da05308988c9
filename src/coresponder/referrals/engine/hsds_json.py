"""The HSDS 3.0 JSON form: read nested services or top-level arrays, write top-level arrays.

Accepted on read:

* a list of services, each with HSDS's nested objects (``organization``,
  ``service_at_locations[].location``, ``phones``, ``schedules``, ``languages``,
  ``contacts``, ``attributes[].taxonomy_term``, a location's ``addresses`` ...), as in the
  HSDS ``service`` compiled schema; an API page ``{"contents": [...]}`` is read the same way;
* an object of top-level arrays keyed by table (``organizations``, ``services``,
  ``locations``, ``service_at_locations``, ``phones``, ``schedules``, ``addresses``,
  ``languages``, ``contacts``, ``taxonomy_terms``, ``attributes``), each record flat with its
  foreign keys, or nested as above.

Written: the object of top-level arrays, because it holds every record (an organization
without services, a location nobody uses) and so round-trips exactly.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .fields import to_json_value
from .model import PLURALS, RECORD_TYPES, Directory, Problem, ReadResult
from .validate import RawRow, build_directory

# Nested arrays HSDS allows under each table, and the table each holds.
_CHILD_ARRAYS: dict[str, dict[str, str]] = {
    "organization": {
        "services": "service",
        "locations": "location",
        "phones": "phone",
        "contacts": "contact",
        "attributes": "attribute",
    },
    "service": {
        "service_at_locations": "service_at_location",
        "phones": "phone",
        "schedules": "schedule",
        "languages": "language",
        "contacts": "contact",
        "attributes": "attribute",
    },
    "service_at_location": {
        "phones": "phone",
        "schedules": "schedule",
        "contacts": "contact",
        "attributes": "attribute",
    },
    "location": {
        "addresses": "address",
        "phones": "phone",
        "languages": "language",
        "contacts": "contact",
        "schedules": "schedule",
        "attributes": "attribute",
    },
    "contact": {"phones": "phone", "attributes": "attribute"},
    "phone": {"languages": "language", "attributes": "attribute"},
}
# Nested single objects: (table, the foreign key on the parent that names it).
_CHILD_OBJECTS: dict[str, dict[str, tuple[str, str]]] = {
    "service": {"organization": ("organization", "organization_id")},
    "service_at_location": {"location": ("location", "location_id")},
    "attribute": {"taxonomy_term": ("taxonomy_term", "taxonomy_term_id")},
}
_TABLE_KEYS = {**{plural: name for name, plural in PLURALS.items()}, **{n: n for n in PLURALS}}


def read_hsds_json(path_or_text: str | bytes | Path) -> ReadResult:
    """Read HSDS 3.0 JSON from a file path, JSON text or bytes. Never raises on bad input.

    A ``str`` that starts with ``[`` or ``{`` is JSON text; any other ``str`` is a path."""
    problems: list[Problem] = []
    text = _load_text(path_or_text, problems)
    if text is None:
        return ReadResult(Directory(), tuple(problems))
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        problems.append(Problem("file", None, None, None, f"is not valid JSON: {error}"))
        return ReadResult(Directory(), tuple(problems))
    try:
        rows = list(_rows_of_document(document, problems))
    except RecursionError:  # objects nested thousands deep: not a directory anyone keeps
        problems.append(Problem("file", None, None, None, "is nested too deeply"))
        return ReadResult(Directory(), tuple(problems))
    return build_directory(rows, problems)


def _load_text(path_or_text: str | bytes | Path, problems: list[Problem]) -> str | None:
    try:
        if isinstance(path_or_text, str) and path_or_text.lstrip()[:1] in ("[", "{"):
            return path_or_text
        if isinstance(path_or_text, str | Path) and not isinstance(path_or_text, bytes):
            data = Path(path_or_text).read_bytes()
        else:
            data = path_or_text
        return data.decode("utf-8-sig")
    except (OSError, ValueError) as error:  # unreadable path, bad UTF-8, NUL in a path
        problems.append(Problem("file", None, None, None, f"cannot be read: {error}"))
        return None


def _rows_of_document(document: Any, problems: list[Problem]) -> Iterator[RawRow]:
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        document = document["contents"]
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield from _flatten("service", item, f"[{index}]", problems)
        return
    if not isinstance(document, dict):
        message = "must be a list of services or an object of arrays by table"
        problems.append(Problem("file", None, None, None, message))
        return
    for key, items in document.items():
        table = _TABLE_KEYS.get(key)
        if table is None:
            continue  # tables this directory does not keep (programs, funding, ...)
        if not isinstance(items, list):
            problems.append(Problem(table, None, None, None, "must be an array", key))
            continue
        for index, item in enumerate(items):
            yield from _flatten(table, item, f"{key}[{index}]", problems)


def _flatten(table: str, item: Any, path: str, problems: list[Problem]) -> Iterator[RawRow]:
    """Yield the record at ``path`` and, after it, every record nested inside it, each with
    the foreign key that its nesting implies (unless it names one itself)."""
    if not isinstance(item, dict):
        problems.append(Problem(table, None, None, None, "is not a JSON object", path))
        return
    own = dict(item)
    nested: list[RawRow] = []
    for key, (child_table, foreign_key) in _CHILD_OBJECTS.get(table, {}).items():
        child = own.pop(key, None)
        if isinstance(child, dict):
            own.setdefault(foreign_key, child.get("id"))
            nested.extend(_flatten(child_table, child, f"{path}.{key}", problems))
        elif child is not None:
            problems.append(Problem(child_table, None, None, None, "is not a JSON object", path))
    for key, child_table in _CHILD_ARRAYS.get(table, {}).items():
        children = own.pop(key, None)
        nested.extend(_nested_array(table, own, child_table, children, f"{path}.{key}", problems))
    yield RawRow(table, own, None, path)
    yield from nested


def _nested_array(
    parent_table: str,
    parent: Mapping[str, Any],
    child_table: str,
    children: Any,
    path: str,
    problems: list[Problem],
) -> Iterator[RawRow]:
    if children is None:
        return
    if not isinstance(children, list):
        problems.append(Problem(child_table, None, None, None, "must be an array", path))
        return
    link = _parent_link(parent_table, parent.get("id"), child_table)
    for index, child in enumerate(children):
        if isinstance(child, dict):
            child = {**link, **child}
        yield from _flatten(child_table, child, f"{path}[{index}]", problems)


def _parent_link(parent_table: str, parent_id: Any, child_table: str) -> dict[str, Any]:
    if child_table == "attribute":
        return {"link_id": parent_id, "link_entity": parent_table}
    return {f"{parent_table}_id": parent_id}


def write_hsds_json(directory: Directory) -> str:
    """The directory as HSDS 3.0 JSON: one object of top-level arrays by table."""
    return json.dumps(hsds_document(directory), ensure_ascii=False, indent=2)


def hsds_document(directory: Directory) -> dict[str, list[dict[str, Any]]]:
    """The same document as ``write_hsds_json``, as Python values (to store it as JSON
    without writing and parsing the text)."""
    return {
        PLURALS[name]: [_record_as_json(record) for record in directory.table(name)]
        for name in RECORD_TYPES
    }


def _record_as_json(record: Any) -> dict[str, Any]:
    return {
        spec.name: to_json_value(getattr(record, spec.name))
        for spec in dataclasses.fields(record)
        if getattr(record, spec.name) is not None
    }
