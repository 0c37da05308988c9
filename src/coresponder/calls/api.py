"""API: the live CAD feed (POST) and reading calls (GET)."""

# No `from __future__ import annotations` here: django-ninja reads the real types.
from datetime import UTC, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from coresponder.access.api import api_requires
from coresponder.access.roles import Capability
from coresponder.calls.engine.reader import guess_call_source
from coresponder.calls.engine.records import CallRecord, PersonRecord, UnitRecord, time_problem
from coresponder.calls.models import Call
from coresponder.calls.schemas import (
    CallBatchIn,
    CallDetailOut,
    CallIn,
    CallOut,
    ImportCountsOut,
)
from coresponder.calls.selectors import CallFilters, call_get, call_list
from coresponder.calls.services import calls_receive

router = Router(tags=["calls"])


@router.post("/calls", response=ImportCountsOut)
@api_requires(Capability.WRITE_CALLS, token_scope="calls:write", audits="each batch received")
def calls_post(request: HttpRequest, payload: CallBatchIn) -> dict[str, int]:
    caller = request.auth  # type: ignore[attr-defined]
    agency = caller.user.agency
    zone = ZoneInfo(agency.time_zone)
    records = []
    for index, item in enumerate(payload.calls):
        record = _record(item, zone)
        problem = time_problem(record)
        if problem:
            raise HttpError(422, f"calls.{index}.{problem[0]}: {problem[1]}")
        records.append(record)
    counts = calls_receive(actor=caller.user, agency=agency, source=payload.source, records=records)
    return counts.__dict__


def _aware(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)


def _record(item: CallIn, zone: ZoneInfo) -> CallRecord:
    data = item.dict()
    times = ("received_at", "dispatched_at", "en_route_at", "on_scene_at", "cleared_at")
    units = []
    for unit in data.pop("units"):
        for name in times[1:]:
            unit[name] = _aware(unit[name], zone)
        units.append(UnitRecord(**unit))
    persons = [PersonRecord(**person) for person in data.pop("persons")]
    for name in (*times, "updated_at"):
        data[name] = _aware(data[name], zone)
    source_raw = data.pop("call_source")
    return CallRecord(
        **{k: v for k, v in data.items() if k != "address"},
        address_raw=data["address"],
        call_source=guess_call_source(source_raw),
        call_source_raw=source_raw,
        units=units,
        persons=persons,
        raw={"api": "true"},
    )


class CallQuery(Schema):
    since: datetime | None = None
    until: datetime | None = None
    call_type: str = ""
    district: str = ""


@router.get("/calls", response=list[CallOut])
@api_requires(Capability.VIEW_CALLS, token_scope="calls:read", audits="each search")
@paginate(LimitOffsetPagination)
def calls_get(request: HttpRequest, filters: Query[CallQuery]) -> QuerySet[Call]:
    return call_list(
        user=request.auth.user,  # type: ignore[attr-defined]
        filters=CallFilters(**filters.dict()),
    ).defer("narrative")


@router.get("/calls/{call_id}", response=CallDetailOut)
@api_requires(Capability.VIEW_CALLS, token_scope="calls:read", audits="each call read")
def call_detail(request: HttpRequest, call_id: UUID) -> dict[str, Any]:
    view = call_get(user=request.auth.user, public_id=call_id)  # type: ignore[attr-defined]
    call = view.call
    return {
        **{
            field.alias or name: getattr(call, field.alias or name)
            for name, field in CallOut.model_fields.items()
        },
        "flags": call.flags,
        "units": list(call.units.all()),
        "narrative": call.narrative if view.show_narrative else None,
        "persons": list(call.persons.all()) if view.show_persons else None,
    }
