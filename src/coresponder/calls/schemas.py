from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema


class UnitIn(Schema):
    unit_id: str = Field(..., min_length=1, max_length=32)
    unit_type: str = "police"
    status: str = Field("", max_length=64)
    dispatched_at: datetime | None = None
    en_route_at: datetime | None = None
    on_scene_at: datetime | None = None
    cleared_at: datetime | None = None


class PersonIn(Schema):
    role: str = Field("", max_length=64)
    name: str = Field("", max_length=200)
    date_of_birth: str = Field("", max_length=32)
    phone: str = Field("", max_length=40)


class CallIn(Schema):
    """One call as the CAD sends it. Times without an offset are in the agency's time zone."""

    event_number: str = Field(..., min_length=1, max_length=64)
    received_at: datetime
    dispatched_at: datetime | None = None
    en_route_at: datetime | None = None
    on_scene_at: datetime | None = None
    cleared_at: datetime | None = None
    updated_at: datetime | None = Field(
        None, description="When the CAD last changed the call: the newest version wins."
    )
    call_source: str = Field("", max_length=120)
    initial_type_code: str = Field("", max_length=64)
    initial_type_text: str = Field("", max_length=255)
    final_type_code: str = Field("", max_length=64)
    final_type_text: str = Field("", max_length=255)
    priority: str = Field("", max_length=32)
    disposition_code: str = Field("", max_length=64)
    disposition_text: str = Field("", max_length=255)
    address: str = Field("", max_length=255)
    city: str = Field("", max_length=120)
    state: str = Field("", max_length=32)
    zip_code: str = Field("", max_length=16)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    beat: str = Field("", max_length=32)
    district: str = Field("", max_length=64)
    flags: dict[str, bool] = {}
    narrative: str = Field("", max_length=65_536)
    units: list[UnitIn] = []
    persons: list[PersonIn] = []


class CallBatchIn(Schema):
    source: str = Field("cad-feed", min_length=1, max_length=60)
    calls: list[CallIn] = Field(..., min_length=1, max_length=5_000)


class ImportCountsOut(Schema):
    rows_in: int
    new: int
    updated: int
    duplicate: int
    stale: int
    rejected: int


class UnitOut(Schema):
    unit_id: str
    unit_type: str
    status: str
    dispatched_at: datetime | None
    on_scene_at: datetime | None
    cleared_at: datetime | None


class CallOut(Schema):
    id: UUID = Field(..., alias="public_id")
    event_number: str
    source: str
    received_at: datetime
    dispatched_at: datetime | None
    en_route_at: datetime | None
    on_scene_at: datetime | None
    cleared_at: datetime | None
    call_source: str
    initial_type_code: str
    initial_type_text: str
    final_type_code: str
    final_type_text: str
    priority: str
    disposition_code: str
    disposition_text: str
    address: str = Field(..., alias="address_raw")
    district: str
    beat: str
    latitude: float | None
    longitude: float | None


class CallDetailOut(CallOut):
    flags: dict[str, bool]
    units: list[UnitOut]
    narrative: str | None = Field(None, description="Only for roles with criminal-justice access.")
    persons: list[PersonIn] | None = Field(None, description="Only for roles allowed to see them.")
