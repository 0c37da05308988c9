"""The HMAC chain over audit rows. Pure Python, no Django: the verifier must not trust the ORM.

Each row's MAC is HMAC-SHA256(key, previous MAC ‖ canonical content of the row). Editing a
row breaks its own MAC; deleting or reordering rows breaks the next row's link and the
sequence; deleting the tail is caught against a checkpoint kept off the machine.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_MAC = "0" * 64

# The columns that are signed, in order. Adding one is a chain-format change (see ADR 0002).
SIGNED_FIELDS = (
    "seq",
    "at",
    "agency_id",
    "actor_id",
    "actor_label",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "reason",
    "outcome",
    "request_id",
    "client_ip",
    "data",
)


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _as_datetime(value: datetime | str) -> datetime:
    """Raw SQLite cursors return naive UTC text; PostgreSQL returns aware datetimes."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def canonical(row: Sequence[Any]) -> bytes:
    """The exact bytes signed for a row given in SIGNED_FIELDS order."""
    values = list(row)
    values[1] = format_time(_as_datetime(values[1]))
    if isinstance(values[-1], str):  # JSON columns come back as text from raw cursors
        values[-1] = json.loads(values[-1])
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def compute_mac(key: bytes, previous_mac: str, row: Sequence[Any]) -> str:
    return hmac.new(key, previous_mac.encode() + canonical(row), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_seq: int | None = None
    problem: str = ""
    last_seq: int = 0
    last_mac: str = GENESIS_MAC

    @property
    def ok(self) -> bool:
        return self.broken_seq is None and not self.problem


def verify_rows(
    key: bytes,
    rows: Iterable[tuple[Sequence[Any], str]],
    checkpoint: tuple[int, str] | None = None,
) -> VerifyResult:
    """Walk (signed fields, stored mac) pairs in sequence order and report the first break."""
    previous_mac, expected_seq, checked = GENESIS_MAC, 1, 0
    # A checkpoint taken on an empty log (0:GENESIS) is satisfied by any log.
    checkpoint_seen = checkpoint is None or checkpoint == (0, GENESIS_MAC)
    for fields, stored_mac in rows:
        seq = int(fields[0])
        if seq != expected_seq:
            return VerifyResult(checked, expected_seq, f"sequence jumps to {seq}")
        if not hmac.compare_digest(compute_mac(key, previous_mac, fields), stored_mac):
            return VerifyResult(checked, seq, "MAC does not match the row and its predecessor")
        if checkpoint is not None and seq == checkpoint[0]:
            if not hmac.compare_digest(stored_mac, checkpoint[1]):
                return VerifyResult(checked, seq, "row differs from the checkpoint")
            checkpoint_seen = True
        previous_mac, expected_seq, checked = stored_mac, seq + 1, checked + 1
    if not checkpoint_seen:
        assert checkpoint is not None
        return VerifyResult(
            checked,
            checked + 1,
            f"the log ends at {checked} before checkpoint {checkpoint[0]}: tail deleted",
        )
    return VerifyResult(checked, last_seq=expected_seq - 1, last_mac=previous_mac)
