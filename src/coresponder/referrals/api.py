"""API: search and read the community-partner directory; import an HSDS JSON document."""

# No `from __future__ import annotations` here: django-ninja reads the real types.
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from coresponder.access.api import api_requires
from coresponder.access.roles import Capability
from coresponder.referrals import selectors, services
from coresponder.referrals.engine import read_hsds_json

router = Router(tags=["partners"])
READ = "partners:read"
WRITE = "partners:write"


class PartnerQuery(Schema):
    need: list[str] = Field(default_factory=list)
    q: str = Field("", max_length=200)
    language: str = Field("", max_length=40)
    open_now: bool = False
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    radius_km: float | None = Field(None, gt=0, le=500)
    age: float | None = Field(None, ge=0, le=130)


class PhoneOut(Schema):
    number: str
    extension: int | None = None
    description: str | None = None


class PartnerOut(Schema):
    id: str
    name: str
    status: str
    organization: str | None
    description: str | None
    reasons: list[str]
    distance_km: float | None
    hours: str | None
    phones: list[PhoneOut]


class ImportOut(Schema):
    stored: dict[str, int]
    replaced: bool
    problems: list[str]


def _user(request: HttpRequest) -> Any:
    return request.auth.user  # type: ignore[attr-defined]


def _partner(details: Any, match: Any = None) -> dict[str, Any]:
    service = details.service
    return {
        "id": service.id,
        "name": service.name,
        "status": service.status,
        "organization": details.organization.name if details.organization else None,
        "description": service.description,
        "reasons": list(match.reasons) if match else [],
        "distance_km": match.distance_km if match else None,
        "hours": str(match.hours) if match and match.hours else None,
        "phones": [
            {"number": p.number, "extension": p.extension, "description": p.description}
            for p in details.phones
        ],
    }


@router.get("/partners", response=list[PartnerOut])
@api_requires(Capability.VIEW_DIRECTORY, token_scope=READ, audits="nothing (no personal data)")
def partners_search(request: HttpRequest, filters: Query[PartnerQuery]) -> Any:
    user = _user(request)
    near = (
        (filters.lat, filters.lon) if filters.lat is not None and filters.lon is not None else None
    )
    now = timezone.now().astimezone(ZoneInfo(user.agency.time_zone))
    matches = selectors.search_directory(
        user=user,
        needs=filters.need,
        text=filters.q,
        language=filters.language or None,
        open_at=now if filters.open_now else None,
        near=near,
        radius_km=filters.radius_km if near else None,
        age=filters.age,
    )
    directory = selectors.directory_of(user.agency)
    return [_partner(selectors.service_details(directory, m.service), m) for m in matches]


@router.post("/partners/import", response=ImportOut)
@api_requires(Capability.MANAGE_DIRECTORY, token_scope=WRITE, audits="each import (counts)")
def partners_import(request: HttpRequest, replace: bool = False) -> Any:
    """The body is an HSDS 3.0 JSON document; bad records are skipped and listed."""
    user = _user(request)
    summary = services.import_directory(
        actor=user, agency=user.agency, result=read_hsds_json(request.body), replace=replace
    )
    return {
        "stored": summary.stored,
        "replaced": summary.replaced,
        "problems": [str(p) for p in summary.problems],
    }


# After the import route: "/partners/import" is not a service id.
@router.get("/partners/{service_id}", response=PartnerOut)
@api_requires(Capability.VIEW_DIRECTORY, token_scope=READ, audits="nothing (no personal data)")
def partner_detail(request: HttpRequest, service_id: UUID) -> Any:
    directory = selectors.directory_of(_user(request).agency)
    service = selectors.service_in(directory, str(service_id))
    if service is None:
        raise Http404("No such service in the directory.")
    return _partner(selectors.service_details(directory, service))
