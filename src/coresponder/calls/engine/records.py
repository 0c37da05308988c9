"""The canonical shape every CAD export is turned into, whatever its columns."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum


class CallSource(StrEnum):
    """How the call reached the agency. Stable codes."""

    E911 = "911"
    NON_EMERGENCY = "non_emergency"
    OFFICER_INITIATED = "officer_initiated"
    WALK_IN = "walk_in"
    ALARM = "alarm"
    REFERRAL = "referral"
    TEXT = "text"
    OTHER = "other"
    UNKNOWN = "unknown"


class UnitType(StrEnum):
    POLICE = "police"
    SOCIAL_WORKER = "social_worker"
    CO_RESPONSE = "co_response"
    EMS = "ems"
    FIRE = "fire"
    OTHER = "other"


# Longest value each text field may hold (the database columns' sizes): longer is refused with
# a reason rather than cut, so that nothing is silently lost.
TEXT_LIMITS = {
    "event_number": 64, "call_source": 120, "initial_type_code": 64, "initial_type_text": 255,
    "final_type_code": 64, "final_type_text": 255, "priority": 32, "disposition_code": 64,
    "disposition_text": 255, "address_raw": 255, "city": 120, "state": 32, "zip_code": 16,
    "beat": 32, "district": 64,
}  # fmt: skip
FLAGS = ("weapon", "violence", "injury", "medical", "domestic", "in_progress")
TIME_FIELDS = ("received_at", "dispatched_at", "en_route_at", "on_scene_at", "cleared_at")


@dataclass
class UnitRecord:
    unit_id: str
    unit_type: str = UnitType.POLICE.value
    status: str = ""
    dispatched_at: datetime | None = None
    en_route_at: datetime | None = None
    on_scene_at: datetime | None = None
    cleared_at: datetime | None = None


@dataclass
class PersonRecord:
    """A person named on the call. Confidential: only roles allowed to see them do."""

    role: str = ""
    name: str = ""
    date_of_birth: str = ""
    phone: str = ""


@dataclass
class CallRecord:
    event_number: str
    received_at: datetime
    dispatched_at: datetime | None = None
    en_route_at: datetime | None = None
    on_scene_at: datetime | None = None
    cleared_at: datetime | None = None
    updated_at: datetime | None = None
    call_source: str = CallSource.UNKNOWN.value
    call_source_raw: str = ""
    initial_type_code: str = ""
    initial_type_text: str = ""
    final_type_code: str = ""
    final_type_text: str = ""
    priority: str = ""
    disposition_code: str = ""
    disposition_text: str = ""
    address_raw: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    beat: str = ""
    district: str = ""
    flags: dict[str, bool] = field(default_factory=dict)
    narrative: str = ""
    units: list[UnitRecord] = field(default_factory=list)
    persons: list[PersonRecord] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)
    raw_hash: str = ""  # fingerprint of the source row itself (see reader.raw_row_hash)
    # True when the source itself says the address is a hundred block; None: judged from the
    # address text. Derived from the row like the address parts, so not part of the content.
    is_block: bool | None = None
    line: int = 0

    def content_hash(self) -> str:
        """A fingerprint of what the call says (not where or when it was read)."""
        return hashlib.sha256(self.content_text().encode("utf-8", "surrogatepass")).hexdigest()

    def content_text(self) -> str:
        """What the call says as one text, the input of ``content_hash``. The column-wise
        reader (``columnar.py``) writes the very same text with Polars: both must agree to
        the character, which the tests check."""
        parts = [render(getattr(self, name)) for name in HASHED_FIELDS]
        parts.append(",".join(f"{k}={int(v)}" for k, v in sorted(self.flags.items())))
        parts.append(
            UNIT_SEP.join(
                ITEM_SEP.join(render(getattr(u, n)) for n in UNIT_KEYS) for u in self.units
            )
        )
        parts.append(
            UNIT_SEP.join(ITEM_SEP.join(getattr(p, n) for n in PERSON_KEYS) for p in self.persons)
        )
        return FIELD_SEP.join(parts)

    def version_time(self) -> datetime:
        """When this version of the call was written: an explicit update time if the source
        has one, else the latest time stamp on it (a call only gains stamps as it proceeds)."""
        if self.updated_at is not None:
            return self.updated_at
        stamps = [getattr(self, name) for name in TIME_FIELDS]
        stamps += [getattr(u, n) for u in self.units for n in TIME_FIELDS[1:] if getattr(u, n)]
        return max(s for s in stamps if s is not None)

    def fingerprint(self) -> tuple[str, str]:
        """(version key, content hash). The version key is a total order on versions of one
        call: a later time wins; equal times are broken by the content hash, so the winner
        never depends on the order files are read in."""
        digest = self.content_hash()
        return f"{self.version_time().astimezone(UTC).strftime(VERSION_FORMAT)}|{digest}", digest


FIELD_SEP, UNIT_SEP, ITEM_SEP = "\x1f", "\x1d", "\x1c"
HASH_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"  # UTC; Polars writes it "%Y-%m-%dT%H:%M:%S%.6f"
VERSION_FORMAT = "%Y%m%dT%H%M%S.%f"
UNIT_KEYS = ("unit_id", "unit_type", "status", *TIME_FIELDS[1:])
PERSON_KEYS = ("role", "name", "date_of_birth", "phone")


def render(value: object) -> str:
    """A field as the content text holds it: times in UTC with microseconds, numbers as
    Python writes them, nothing as an empty text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(HASH_TIME_FORMAT)
    if isinstance(value, float):
        return repr(value)
    return str(value)


HASHED_FIELDS = tuple(
    f.name
    for f in fields(CallRecord)
    if f.name not in {"raw", "raw_hash", "line", "flags", "units", "persons", "is_block"}
)


def time_problem(record: CallRecord) -> tuple[str, str] | None:
    """(field, reason) when a stamp on the call is before it was received, else None."""
    stamps = [(name, getattr(record, name)) for name in TIME_FIELDS[1:]]
    for unit in record.units:
        stamps += [(f"units.{name}", getattr(unit, name)) for name in TIME_FIELDS[1:]]
    for name, stamp in stamps:
        if stamp is not None and stamp < record.received_at:
            return name, f"{name} is before received_at"
    return None


@dataclass(frozen=True)
class Reject:
    line: int
    column: str
    reason: str
    event_number: str = ""
