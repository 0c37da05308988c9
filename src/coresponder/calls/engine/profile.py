"""Import profiles: declarative TOML files that say how one agency's CAD export maps to calls.

See docs/guides/cad-import-profiles.md for the format. Profiles shipped with the product live in
``coresponder/calls/profiles/``; an agency can write its own and pass its path.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coresponder.calls.engine.records import FLAGS, TIME_FIELDS

PROFILE_DIR = Path(__file__).resolve().parent.parent / "profiles"

TEXT_FIELDS = (
    "event_number",
    "call_source",
    "initial_type_code",
    "initial_type_text",
    "final_type_code",
    "final_type_text",
    "priority",
    "disposition_code",
    "disposition_text",
    "address_raw",
    "city",
    "state",
    "zip_code",
    "beat",
    "district",
    "narrative",
)
NUMBER_FIELDS = ("latitude", "longitude")
CALL_FIELDS = (*TEXT_FIELDS, *TIME_FIELDS, "updated_at", *NUMBER_FIELDS, *FLAGS)
UNIT_FIELDS = ("unit_id", "unit_type", "status", *TIME_FIELDS[1:])
REQUIRED = ("event_number", "received_at")


class ProfileError(ValueError):
    """A profile that cannot be used, with a message that names the problem."""


@dataclass(frozen=True)
class FieldSpec:
    """Where one canonical field comes from: columns (joined), or a constant."""

    columns: tuple[str, ...] = ()
    extract: tuple[re.Pattern[str] | None, ...] = ()
    replace: tuple[tuple[str, str], ...] = ()
    formats: tuple[str, ...] = ()
    constant: str | None = None


@dataclass(frozen=True)
class Lookup:
    """Decode a code with the agency's own key file (read at import time, never shipped)."""

    source_field: str
    file: str
    key: str
    value: str


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    source: str
    verified: bool
    header: bool
    columns: tuple[str, ...]
    delimiter: str
    time_zone: str
    time_formats: tuple[str, ...]
    fields: dict[str, FieldSpec]
    unit_fields: dict[str, FieldSpec] = field(default_factory=dict)
    maps: dict[str, dict[str, str]] = field(default_factory=dict)
    lookups: dict[str, Lookup] = field(default_factory=dict)
    path: str = ""

    @property
    def one_row_per_unit(self) -> bool:
        return bool(self.unit_fields)

    def columns_used(self) -> set[str]:
        specs = [*self.fields.values(), *self.unit_fields.values()]
        return {column for spec in specs for column in spec.columns}


def available_profiles() -> list[str]:
    return sorted(path.stem for path in PROFILE_DIR.glob("*.toml"))


def load_profile(name_or_path: str) -> Profile:
    """A shipped profile by name, or a profile file by path."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = PROFILE_DIR / f"{name_or_path}.toml"
    if not path.exists():
        known = ", ".join(available_profiles())
        raise ProfileError(f"No profile {name_or_path!r}. Shipped profiles: {known}.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path.name}: not valid TOML ({error})") from None
    return parse_profile(data, path=str(path))


def parse_profile(data: dict[str, Any], path: str = "") -> Profile:
    label = Path(path).name or data.get("name", "profile")
    read = data.get("read", {})
    time = data.get("time", {})
    default_formats = tuple(time.get("formats", ["iso"]))
    fields = {
        name: _field_spec(label, name, spec, default_formats)
        for name, spec in data.get("fields", {}).items()
    }
    unknown = sorted(set(fields) - set(CALL_FIELDS))
    if unknown:
        raise ProfileError(f"{label}: unknown field(s) {', '.join(unknown)}")
    missing = [name for name in REQUIRED if name not in fields]
    if missing:
        raise ProfileError(f"{label}: the required field(s) {', '.join(missing)} are not mapped")
    units = {
        name: _field_spec(label, f"units.{name}", spec, default_formats)
        for name, spec in data.get("units", {}).items()
    }
    if units and "unit_id" not in units:
        raise ProfileError(f"{label}: [units] needs unit_id")
    header = bool(read.get("header", True))
    columns = tuple(read.get("columns", []))
    if not header and not columns:
        raise ProfileError(f"{label}: a header-less file needs [read] columns")
    lookups = {
        target: Lookup(
            source_field=spec["from"], file=spec["file"], key=spec["key"], value=spec["value"]
        )
        for target, spec in data.get("lookups", {}).items()
    }
    return Profile(
        name=str(data.get("name", Path(path).stem)),
        title=str(data.get("title", "")),
        source=str(data.get("source", data.get("name", "cad"))),
        verified=bool(data.get("verified", False)),
        header=header,
        columns=columns,
        delimiter=str(read.get("delimiter", ",")),
        time_zone=str(time.get("zone", "agency")),
        time_formats=default_formats,
        fields=fields,
        unit_fields=units,
        maps={
            k: {str(a).casefold(): str(b) for a, b in v.items()}
            for k, v in data.get("maps", {}).items()
        },
        lookups=lookups,
        path=path,
    )


def _field_spec(label: str, name: str, spec: Any, formats: tuple[str, ...]) -> FieldSpec:
    if isinstance(spec, str):
        return FieldSpec(columns=(spec,), formats=formats)
    if not isinstance(spec, dict):
        raise ProfileError(f"{label}: field {name} must be a column name or a table")
    if "value" in spec:
        return FieldSpec(constant=str(spec["value"]))
    columns = spec.get("columns") or ([spec["column"]] if "column" in spec else [])
    if not columns:
        raise ProfileError(f"{label}: field {name} names no column")
    extract = spec.get("extract", [None] * len(columns))
    if isinstance(extract, str):
        extract = [extract]
    try:
        patterns = tuple(re.compile(p) if p else None for p in extract)
    except re.error as error:
        raise ProfileError(f"{label}: field {name} has a bad extract pattern ({error})") from None
    return FieldSpec(
        columns=tuple(columns),
        extract=patterns,
        replace=tuple((str(a), str(b)) for a, b in spec.get("replace", [])),
        formats=tuple(spec.get("formats", formats)),
    )
