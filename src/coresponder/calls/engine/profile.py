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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
MAPPABLE = ("call_source",)  # fields a [maps.<field>] table may translate
TOP_LEVEL = {
    "name", "title", "publisher", "verified", "source", "notes",
    "read", "time", "fields", "units", "persons", "maps", "lookups", "address",
}  # fmt: skip
READ_KEYS = {"header", "columns", "delimiter", "null_values"}
TIME_KEYS = {"zone", "formats"}
FIELD_KEYS = {"column", "columns", "extract", "replace", "formats", "value"}
LOOKUP_KEYS = {"from", "file", "key", "value"}
ADDRESS_KEYS = {"block_column"}


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
    plain: bool = field(init=False, default=False)  # one column taken as it is

    def __post_init__(self) -> None:
        # Worked out once here: the reader asks it for every field of every row.
        plain = (
            self.constant is None
            and len(self.columns) == 1
            and not self.replace
            and not any(self.extract)
        )
        object.__setattr__(self, "plain", plain)


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
    publisher: str = ""
    null_values: tuple[str, ...] = ()  # cell values that mean "no value" (casefolded)
    units_json: str = ""  # a column holding all the call's units as a JSON array
    persons_json: str = ""  # a column holding all the call's persons as a JSON array
    # A column that, when it has a value, says the address is a hundred block (Dallas's
    # ``block``): the source's word beats guessing from the address text.
    block_column: str = ""

    @property
    def one_row_per_unit(self) -> bool:
        return bool(self.unit_fields)

    def columns_used(self) -> set[str]:
        specs = [*self.fields.values(), *self.unit_fields.values()]
        nested = {c for c in (self.units_json, self.persons_json, self.block_column) if c}
        return {column for spec in specs for column in spec.columns} | nested


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
    """Check a profile's content and build it; every mistake is a ProfileError naming it."""
    label = Path(path).name or str(data.get("name", "profile"))
    _known_keys(label, "", data, TOP_LEVEL)
    read = _table(label, data, "read")
    time = _table(label, data, "time")
    _known_keys(label, "[read] ", read, READ_KEYS)
    _known_keys(label, "[time] ", time, TIME_KEYS)
    default_formats = _string_list(label, "[time] formats", time.get("formats", ["iso"]))
    if not default_formats:
        raise ProfileError(f"{label}: [time] formats is empty; give at least one format")
    time_zone = _string(label, "[time] zone", time.get("zone", "agency"))
    if time_zone != "agency":
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ProfileError(
                f"{label}: [time] zone {time_zone!r} is not a time zone name "
                '(write e.g. "America/Chicago", or "agency" for the agency\'s own)'
            ) from None
    fields = {
        name: _field_spec(label, name, spec, default_formats)
        for name, spec in _table(label, data, "fields").items()
    }
    unknown = sorted(set(fields) - set(CALL_FIELDS))
    if unknown:
        raise ProfileError(
            f"{label}: unknown field(s) {', '.join(unknown)} in [fields]; "
            f"known fields: {', '.join(CALL_FIELDS)}"
        )
    missing = [name for name in REQUIRED if name not in fields]
    if missing:
        raise ProfileError(f"{label}: the required field(s) {', '.join(missing)} are not mapped")
    for name in REQUIRED:
        if fields[name].constant is not None:
            raise ProfileError(f"{label}: the required field {name} cannot be a constant value")
    units_json, unit_specs = _json_column(label, data, "units")
    persons_json, _ = _json_column(label, data, "persons")
    units = {
        name: _field_spec(label, f"units.{name}", spec, default_formats)
        for name, spec in unit_specs.items()
    }
    unknown = sorted(set(units) - set(UNIT_FIELDS))
    if unknown:
        raise ProfileError(
            f"{label}: unknown unit field(s) {', '.join(unknown)} in [units]; "
            f"known unit fields: {', '.join(UNIT_FIELDS)}"
        )
    if units and "unit_id" not in units:
        raise ProfileError(f"{label}: [units] needs unit_id")
    header = read.get("header", True)
    if not isinstance(header, bool):
        raise ProfileError(f"{label}: [read] header must be true or false")
    columns = tuple(_string_list(label, "[read] columns", read.get("columns", [])))
    if not header and not columns:
        raise ProfileError(f"{label}: a header-less file needs [read] columns")
    if len(set(columns)) != len(columns):
        raise ProfileError(f"{label}: [read] columns names a column twice")
    delimiter = _string(label, "[read] delimiter", read.get("delimiter", ","))
    if delimiter != "auto" and len(delimiter) != 1:
        raise ProfileError(f'{label}: [read] delimiter must be one character or "auto"')
    lookups = _lookups(label, data, fields)
    address = _table(label, data, "address")
    _known_keys(label, "[address] ", address, ADDRESS_KEYS)
    block_column = _string(label, "[address] block_column", address.get("block_column", ""))
    verified = data.get("verified", False)
    if not isinstance(verified, bool):
        raise ProfileError(f"{label}: verified must be true or false, not {verified!r}")
    profile = Profile(
        name=_string(label, "name", data.get("name", Path(path).stem or "profile")),
        title=_string(label, "title", data.get("title", "")),
        source=_string(label, "source", data.get("source", data.get("name", "cad"))),
        verified=verified,
        header=header,
        columns=columns,
        delimiter=delimiter,
        time_zone=time_zone,
        time_formats=tuple(default_formats),
        fields=fields,
        unit_fields=units,
        maps=_maps(label, data),
        lookups=lookups,
        path=path,
        units_json=units_json,
        persons_json=persons_json,
        block_column=block_column,
        publisher=_string(label, "publisher", data.get("publisher", "")),
        null_values=tuple(
            v.casefold()
            for v in _string_list(label, "[read] null_values", read.get("null_values", []))
        ),
    )
    if not header:
        unnamed = sorted(profile.columns_used() - set(columns))
        if unnamed:
            raise ProfileError(
                f"{label}: field(s) use column(s) {', '.join(map(repr, unnamed))} "
                "that [read] columns does not name"
            )
    return profile


def _json_column(label: str, data: dict[str, Any], key: str) -> tuple[str, dict[str, Any]]:
    """``[units] json = "col"`` or ``[persons] json = "col"``: one column holds them all as a
    JSON array of objects (the canonical format). Returns the column and the table's rest."""
    table = dict(_table(label, data, key))
    column = _string(label, f"[{key}] json", table.pop("json", ""))
    if key == "persons":
        _known_keys(label, "[persons] ", table, {"json"})
    elif column and table:
        raise ProfileError(
            f"{label}: [units] json reads every unit from one column; it cannot be combined "
            f"with unit field columns ({', '.join(sorted(table))})"
        )
    return column, table


def _known_keys(label: str, where: str, table: dict[str, Any], known: set[str]) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise ProfileError(
            f"{label}: unknown key(s) {where}{', '.join(unknown)}; "
            f"expected {', '.join(sorted(known))}"
        )


def _table(label: str, data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ProfileError(f"{label}: [{key}] must be a table")
    return value


def _string(label: str, where: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ProfileError(f"{label}: {where} must be a string, not {value!r}")
    return value


def _string_list(label: str, where: str, value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list):
        raise ProfileError(f'{label}: {where} must be a list of strings, e.g. ["a", "b"]')
    for item in value:
        _string(label, f"each of {where}", item)
    return value


def _maps(label: str, data: dict[str, Any]) -> dict[str, dict[str, str]]:
    maps = _table(label, data, "maps")
    unknown = sorted(set(maps) - set(MAPPABLE))
    if unknown:
        raise ProfileError(
            f"{label}: [maps.{unknown[0]}] is not supported; only {', '.join(MAPPABLE)} is mapped"
        )
    result = {}
    for name, table in maps.items():
        if not isinstance(table, dict):
            raise ProfileError(f'{label}: [maps.{name}] must be a table of "raw" = "code"')
        result[name] = {str(a).casefold(): str(b) for a, b in table.items()}
    return result


def _lookups(label: str, data: dict[str, Any], fields: dict[str, FieldSpec]) -> dict[str, Lookup]:
    lookups = {}
    for target, spec in _table(label, data, "lookups").items():
        where = f"[lookups.{target}]"
        if not isinstance(spec, dict):
            raise ProfileError(f"{label}: {where} must be a table with from, file, key, value")
        _known_keys(label, f"{where} ", spec, LOOKUP_KEYS)
        missing = sorted(LOOKUP_KEYS - set(spec))
        if missing:
            raise ProfileError(f"{label}: {where} needs {', '.join(missing)}")
        if target not in TEXT_FIELDS:
            raise ProfileError(f"{label}: {where}: {target} is not a text field a code can fill")
        source = _string(label, f"{where} from", spec["from"])
        if source not in fields:
            raise ProfileError(
                f"{label}: {where} reads the code from {source}, which is not mapped"
            )
        lookups[target] = Lookup(
            source_field=source,
            file=_string(label, f"{where} file", spec["file"]),
            key=_string(label, f"{where} key", spec["key"]),
            value=_string(label, f"{where} value", spec["value"]),
        )
    return lookups


def _field_spec(label: str, name: str, spec: Any, formats: list[str]) -> FieldSpec:
    if isinstance(spec, str):
        if not spec:
            raise ProfileError(f"{label}: field {name} names an empty column")
        return FieldSpec(columns=(spec,), formats=tuple(formats))
    if not isinstance(spec, dict):
        raise ProfileError(f"{label}: field {name} must be a column name or a table")
    _known_keys(label, f"in field {name}: ", spec, FIELD_KEYS)
    if "value" in spec:
        return FieldSpec(constant=str(spec["value"]))
    columns = spec.get("columns") or ([spec["column"]] if "column" in spec else [])
    if isinstance(columns, str):
        columns = [columns]
    _string_list(label, f"field {name} columns", columns)
    if not columns:
        raise ProfileError(f"{label}: field {name} names no column")
    extract = spec.get("extract", [None] * len(columns))
    if isinstance(extract, str):
        extract = [extract]
    if not isinstance(extract, list) or len(extract) > len(columns):
        raise ProfileError(
            f"{label}: field {name} has {len(extract) if isinstance(extract, list) else 'bad'} "
            f'extract pattern(s) for {len(columns)} column(s); give one per column ("" for none)'
        )
    try:
        patterns = tuple(re.compile(p) if p else None for p in extract)
    except (re.error, TypeError) as error:
        raise ProfileError(f"{label}: field {name} has a bad extract pattern ({error})") from None
    replace = spec.get("replace", [])
    if not isinstance(replace, list) or not all(
        isinstance(pair, list) and len(pair) == 2 for pair in replace
    ):
        raise ProfileError(f"{label}: field {name}: replace must be a list of [old, new] pairs")
    field_formats = _string_list(label, f"field {name} formats", spec.get("formats", formats))
    return FieldSpec(
        columns=tuple(columns),
        extract=patterns,
        replace=tuple((str(a), str(b)) for a, b in replace),
        formats=tuple(field_formats),
    )
