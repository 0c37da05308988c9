"""A small CAD export shape the call tests write themselves."""

from __future__ import annotations

import csv
from pathlib import Path

from coresponder.calls.engine.profile import Profile, parse_profile

HEADER = ["Incident", "Received", "Cleared", "Type", "Priority", "Address", "Notes", "Source"]

TEST_PROFILE: Profile = parse_profile(
    {
        "name": "test-cad",
        "source": "test-cad",
        "read": {"header": True},
        "time": {"zone": "America/Chicago", "formats": ["%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M"]},
        "fields": {
            "event_number": "Incident",
            "received_at": "Received",
            "cleared_at": "Cleared",
            "final_type_text": "Type",
            "priority": "Priority",
            "address_raw": "Address",
            "narrative": "Notes",
            "call_source": "Source",
        },
    },
    path="test-cad.toml",
)


def row(event: str, received: str = "2025-03-01 10:00:00", cleared: str = "2025-03-01 10:30:00",
        call_type: str = "WELFARE CHECK", address: str = "100 BLOCK OF MAIN ST",
        notes: str = "", source: str = "911", priority: str = "3") -> list[str]:  # fmt: skip
    return [event, received, cleared, call_type, priority, address, notes, source]


def write_export(path: Path, rows: list[list[str]], *, encoding: str = "utf-8",
                 header: list[str] | None = None, delimiter: str = ",") -> Path:  # fmt: skip
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header or HEADER)
        writer.writerows(rows)
    return path
