"""Calls for tests, written through the same service as the live feed."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from coresponder.accounts.models import Agency
from coresponder.calls.engine.records import CallRecord, PersonRecord, UnitRecord
from coresponder.calls.models import Call
from coresponder.calls.services import calls_receive

_numbers = itertools.count(1)


def make_call(agency: Agency, **fields: object) -> Call:
    number = fields.pop("event_number", f"T-{next(_numbers)}")
    received = fields.pop("received_at", datetime(2025, 5, 1, 14, 0, tzinfo=UTC))
    values: dict[str, object] = {
        "on_scene_at": received + timedelta(minutes=9),  # type: ignore[operator]
        "final_type_text": "WELFARE CHECK",
        "address_raw": "100 BLOCK OF MAIN ST",
        "narrative": "NARRATIVE-CANARY subject yelling at traffic",
        "units": [UnitRecord(unit_id="2A31")],
        "persons": [PersonRecord(role="subject", name="PERSON-CANARY", date_of_birth="1980-01-02")],
        "raw": {"source": "test"},
        **fields,
    }
    record = CallRecord(event_number=str(number), received_at=received, **values)  # type: ignore[arg-type]
    calls_receive(actor=None, agency=agency, source="test", records=[record])
    return Call.objects.get(agency=agency, source="test", event_number=str(number))
