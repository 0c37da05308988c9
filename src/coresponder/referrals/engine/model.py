"""The HSDS 3.0 records the directory holds, as frozen dataclasses.

Each field carries its HSDS format in ``metadata`` (see :func:`hsds_field`); the readers,
the validator and the writers are all driven by those declarations, so a field is added in
one place. A field without a default is required.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
LOCATION_TYPES = ("physical", "postal", "virtual")
PHONE_TYPES = ("text", "voice", "fax", "cell", "video", "pager", "textphone")
FREQUENCIES = ("WEEKLY", "MONTHLY")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def hsds_field(
    kind: str,
    *,
    required: bool = False,
    ref: str | None = None,
    choices: tuple[str, ...] = (),
    low: float | None = None,
    high: float | None = None,
) -> Any:
    """Declare a field: its format (``kind``), the table it refers to, allowed values, range."""
    metadata = {"kind": kind, "ref": ref, "choices": choices, "low": low, "high": high}
    if required:
        return field(metadata=metadata)
    return field(default=None, metadata=metadata)


def _ref(table: str, *, required: bool = False) -> Any:
    return hsds_field("uuid", ref=table, required=required)


@dataclass(frozen=True, kw_only=True)
class Organization:
    id: str = hsds_field("uuid", required=True)
    name: str = hsds_field("text", required=True)
    description: str = hsds_field("text", required=True)
    alternate_name: str | None = hsds_field("text")
    email: str | None = hsds_field("email")
    website: str | None = hsds_field("url")


@dataclass(frozen=True, kw_only=True)
class Service:
    id: str = hsds_field("uuid", required=True)
    # Required in the tabular form; in the nested JSON form it comes from `organization`.
    organization_id: str = _ref("organization", required=True)
    name: str = hsds_field("text", required=True)
    status: str = hsds_field("enum", required=True, choices=SERVICE_STATUSES)
    alternate_name: str | None = hsds_field("text")
    description: str | None = hsds_field("text")
    url: str | None = hsds_field("url")
    email: str | None = hsds_field("email")
    interpretation_services: str | None = hsds_field("text")
    application_process: str | None = hsds_field("text")
    fees_description: str | None = hsds_field("text")
    eligibility_description: str | None = hsds_field("text")
    minimum_age: float | None = hsds_field("number", low=0, high=130)
    maximum_age: float | None = hsds_field("number", low=0, high=130)
    alert: str | None = hsds_field("text")


@dataclass(frozen=True, kw_only=True)
class Location:
    id: str = hsds_field("uuid", required=True)
    location_type: str = hsds_field("enum", required=True, choices=LOCATION_TYPES)
    organization_id: str | None = _ref("organization")
    name: str | None = hsds_field("text")
    alternate_name: str | None = hsds_field("text")
    description: str | None = hsds_field("text")
    transportation: str | None = hsds_field("text")
    url: str | None = hsds_field("url")
    latitude: float | None = hsds_field("number", low=-90, high=90)
    longitude: float | None = hsds_field("number", low=-180, high=180)


@dataclass(frozen=True, kw_only=True)
class ServiceAtLocation:
    id: str = hsds_field("uuid", required=True)
    service_id: str = _ref("service", required=True)
    location_id: str = _ref("location", required=True)
    description: str | None = hsds_field("text")


@dataclass(frozen=True, kw_only=True)
class Contact:
    id: str = hsds_field("uuid", required=True)
    organization_id: str | None = _ref("organization")
    service_id: str | None = _ref("service")
    service_at_location_id: str | None = _ref("service_at_location")
    location_id: str | None = _ref("location")
    name: str | None = hsds_field("text")
    title: str | None = hsds_field("text")
    department: str | None = hsds_field("text")
    email: str | None = hsds_field("email")


@dataclass(frozen=True, kw_only=True)
class Phone:
    id: str = hsds_field("uuid", required=True)
    number: str = hsds_field("phone", required=True)
    location_id: str | None = _ref("location")
    service_id: str | None = _ref("service")
    organization_id: str | None = _ref("organization")
    contact_id: str | None = _ref("contact")
    service_at_location_id: str | None = _ref("service_at_location")
    extension: int | None = hsds_field("integer", low=0, high=10**9)
    type: str | None = hsds_field("enum", choices=PHONE_TYPES)
    description: str | None = hsds_field("text")


@dataclass(frozen=True, kw_only=True)
class Schedule:
    id: str = hsds_field("uuid", required=True)
    service_id: str | None = _ref("service")
    location_id: str | None = _ref("location")
    service_at_location_id: str | None = _ref("service_at_location")
    valid_from: date | None = hsds_field("date")
    valid_to: date | None = hsds_field("date")
    dtstart: date | None = hsds_field("date")
    until: date | None = hsds_field("date")
    # A UTC offset in hours (HSDS says "number"), used when opens_at carries no offset.
    timezone: float | None = hsds_field("number", low=-14, high=14)
    freq: str | None = hsds_field("enum", choices=FREQUENCIES)
    interval: int | None = hsds_field("integer", low=1, high=100)
    byday: str | None = hsds_field("byday")
    bymonthday: str | None = hsds_field("monthdays")
    opens_at: time | None = hsds_field("time")
    closes_at: time | None = hsds_field("time")
    description: str | None = hsds_field("text")
    notes: str | None = hsds_field("text")


@dataclass(frozen=True, kw_only=True)
class Address:
    id: str = hsds_field("uuid", required=True)
    location_id: str = _ref("location", required=True)
    address_1: str = hsds_field("text", required=True)
    city: str = hsds_field("text", required=True)
    state_province: str = hsds_field("text", required=True)
    postal_code: str = hsds_field("text", required=True)
    country: str = hsds_field("country", required=True)
    address_type: str = hsds_field("enum", required=True, choices=LOCATION_TYPES)
    attention: str | None = hsds_field("text")
    address_2: str | None = hsds_field("text")
    region: str | None = hsds_field("text")


@dataclass(frozen=True, kw_only=True)
class Language:
    id: str = hsds_field("uuid", required=True)
    service_id: str | None = _ref("service")
    location_id: str | None = _ref("location")
    phone_id: str | None = _ref("phone")
    name: str | None = hsds_field("text")
    code: str | None = hsds_field("language")
    note: str | None = hsds_field("text")


@dataclass(frozen=True, kw_only=True)
class TaxonomyTerm:
    id: str = hsds_field("uuid", required=True)
    name: str = hsds_field("text", required=True)
    description: str = hsds_field("text", required=True)
    code: str | None = hsds_field("text")
    parent_id: str | None = _ref("taxonomy_term")
    taxonomy: str | None = hsds_field("text")


# An attribute may describe any record except another attribute.
LINKABLE_TABLES = (
    "organization",
    "taxonomy_term",
    "location",
    "service",
    "service_at_location",
    "contact",
    "phone",
    "schedule",
    "address",
    "language",
)


@dataclass(frozen=True, kw_only=True)
class Attribute:
    id: str = hsds_field("uuid", required=True)
    link_id: str = hsds_field("uuid", required=True)
    link_entity: str = hsds_field("enum", required=True, choices=LINKABLE_TABLES)
    taxonomy_term_id: str = _ref("taxonomy_term", required=True)
    link_type: str | None = hsds_field("text")
    value: str | None = hsds_field("text")
    label: str | None = hsds_field("text")


# Tables in dependency order: a table only refers to tables before it (or to itself), so one
# pass can drop records whose references were dropped earlier.
RECORD_TYPES: dict[str, type] = {
    "organization": Organization,
    "taxonomy_term": TaxonomyTerm,
    "location": Location,
    "service": Service,
    "service_at_location": ServiceAtLocation,
    "contact": Contact,
    "phone": Phone,
    "schedule": Schedule,
    "address": Address,
    "language": Language,
    "attribute": Attribute,
}

# Directory attribute (and CSV file stem / JSON array key) for each table.
PLURALS = {
    "organization": "organizations",
    "taxonomy_term": "taxonomy_terms",
    "location": "locations",
    "service": "services",
    "service_at_location": "service_at_locations",
    "contact": "contacts",
    "phone": "phones",
    "schedule": "schedules",
    "address": "addresses",
    "language": "languages",
    "attribute": "attributes",
}


@dataclass(frozen=True)
class Directory:
    """A whole community-partner directory: every table as a tuple, in file order."""

    organizations: tuple[Organization, ...] = ()
    taxonomy_terms: tuple[TaxonomyTerm, ...] = ()
    locations: tuple[Location, ...] = ()
    services: tuple[Service, ...] = ()
    service_at_locations: tuple[ServiceAtLocation, ...] = ()
    contacts: tuple[Contact, ...] = ()
    phones: tuple[Phone, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    addresses: tuple[Address, ...] = ()
    languages: tuple[Language, ...] = ()
    attributes: tuple[Attribute, ...] = ()

    def table(self, record_type: str) -> tuple[Any, ...]:
        return tuple(getattr(self, PLURALS[record_type]))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, naming the record, the field and where it was."""

    record_type: str
    record_id: str | None
    field: str | None
    line: int | None
    message: str
    source: str = ""

    def __str__(self) -> str:
        parts = [p for p in (self.source, f"line {self.line}" if self.line else "") if p]
        if self.record_id:
            parts.append(f"{self.record_type} {self.record_id}")
        elif self.record_type and self.record_type != "file":
            parts.append(self.record_type)
        where = ", ".join(parts)
        what = f"field `{self.field}` {self.message}" if self.field else self.message
        return f"{where}: {what}" if where else what


@dataclass(frozen=True)
class ReadResult:
    """The directory built from every valid record, and the problems with the others."""

    directory: Directory
    problems: tuple[Problem, ...] = ()
