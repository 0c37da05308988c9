"""API: referrals (from a case, through their lifecycle) and consents, under the same rules as
the pages: a referral follows its case's reach, a consent its person's; sending checks
consent; server-owned fields (status times, the consent used, the partner's names) are never
taken from a body."""

# No `from __future__ import annotations` here: django-ninja reads the real types.
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from coresponder.access.api import api_requires
from coresponder.access.roles import Capability
from coresponder.cases import selectors as case_selectors
from coresponder.referrals import selectors, services
from coresponder.referrals.models import Consent, Referral

router = Router(tags=["referrals"])
READ, WRITE = "referrals:read", "referrals:write"
CONSENTS_READ, CONSENTS_WRITE = "consents:read", "consents:write"


def _user(request: HttpRequest) -> Any:
    return request.auth.user  # type: ignore[attr-defined]


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# ---- Referrals ------------------------------------------------------------------------------


class ReferralIn(Schema):
    case: UUID
    service_id: str = Field(..., max_length=64)
    needs: list[str] = Field(..., min_length=1, max_length=9)
    purpose: str = "referral"
    categories: list[str] = Field(default_factory=list, max_length=6)
    note: str = Field("", max_length=4000)
    send: bool = Field(False, description="Send at once (consent is checked).")
    emergency_basis: str = Field("", max_length=300)


class SendIn(Schema):
    version: int
    emergency_basis: str = Field("", max_length=300)


class TransitionIn(Schema):
    version: int
    status: str = Field(..., max_length=12)
    note: str = Field("", max_length=500)


class ReferralEventOut(Schema):
    from_status: str
    to_status: str
    at: datetime
    by_partner: bool
    note: str


class ReferralOut(Schema):
    id: UUID
    case: UUID
    person: UUID
    service_id: str
    service_name: str
    organization_id: str
    organization_name: str
    needs: list[str]
    purpose: str
    categories: list[str]
    note: str
    status: str
    consent: UUID | None = None
    emergency_basis: str
    sent_at: datetime | None
    answer_due_at: datetime | None
    accepted_at: datetime | None
    engaged_at: datetime | None
    closed_at: datetime | None
    outcome: str
    version: int
    events: list[ReferralEventOut] = Field(default_factory=list)
    partner_link: str | None = Field(None, description="Only in the answer to a send.")


def _referral_out(referral: Referral, link: str | None = None) -> dict[str, Any]:
    out = {
        field: getattr(referral, field)
        for field in (
            "service_id", "service_name", "organization_id",
            "organization_name", "needs", "purpose", "categories", "note", "status",
            "emergency_basis", "sent_at", "answer_due_at", "accepted_at", "engaged_at",
            "closed_at", "outcome", "version",
        )
    }  # fmt: skip
    out["id"] = referral.public_id
    out["case"] = referral.case.public_id
    out["person"] = referral.person.public_id
    out["consent"] = referral.consent.public_id if referral.consent else None
    out["events"] = list(referral.events.all())
    out["partner_link"] = link
    return out


class ReferralQuery(Schema):
    which: str = "mine"
    status: str = "open"


@router.get("/referrals", response=list[ReferralOut])
@api_requires(Capability.VIEW_CASES, token_scope=READ, audits="each list (its filters)")
@paginate(LimitOffsetPagination)
def referrals_list(request: HttpRequest, filters: Query[ReferralQuery]) -> Any:
    rows = selectors.referral_list(
        user=_user(request),
        filters=selectors.ReferralFilters(which=filters.which, status=filters.status),
    )
    return [_referral_out(r) for r in rows.prefetch_related("events")[:500]]


@router.post("/referrals", response={201: ReferralOut})
@api_requires(Capability.EDIT_CASES, token_scope=WRITE, audits="each referral made (and sent)")
def referral_create(request: HttpRequest, payload: ReferralIn) -> Status[Any]:
    user = _user(request)
    case = case_selectors.case_get(user=user, public_id=payload.case, audit=False).case
    try:
        # One request, one outcome: a draft whose sending is refused is not kept.
        with transaction.atomic():
            referral, link = _create_and_maybe_send(request, user, case, payload)
    except services.ReferralError as refused:
        if payload.send:  # the refusal's audit event was rolled back with the draft
            services.audit_refused_for_case(user, case, str(refused))
        raise
    return Status(201, _referral_out(referral, link))


def _create_and_maybe_send(
    request: HttpRequest, user: Any, case: Any, payload: ReferralIn
) -> tuple[Referral, str | None]:
    referral = services.referral_create(
        actor=user,
        case=case,
        service_id=payload.service_id,
        needs=payload.needs,
        purpose=payload.purpose,
        categories=payload.categories,
        note=payload.note,
    )
    if not payload.send:
        return referral, None
    sent = services.referral_send(
        actor=user,
        referral=referral,
        expected_version=referral.version,
        emergency_basis=payload.emergency_basis,
        base_url=_base_url(request),
    )
    return referral, sent.link_url


@router.get("/referrals/{referral_id}", response=ReferralOut)
@api_requires(Capability.VIEW_CASES, token_scope=READ, audits="each referral read")
def referral_detail(request: HttpRequest, referral_id: UUID) -> Any:
    return _referral_out(selectors.referral_get(user=_user(request), public_id=referral_id))


@router.post("/referrals/{referral_id}/send", response=ReferralOut)
@api_requires(Capability.EDIT_CASES, token_scope=WRITE, audits="each send (and refusal)")
def referral_send(request: HttpRequest, referral_id: UUID, payload: SendIn) -> Any:
    user = _user(request)
    referral = selectors.referral_get(user=user, public_id=referral_id, audit=False)
    sent = services.referral_send(
        actor=user,
        referral=referral,
        expected_version=payload.version,
        emergency_basis=payload.emergency_basis,
        base_url=_base_url(request),
    )
    return _referral_out(sent.referral, sent.link_url)


@router.post("/referrals/{referral_id}/status", response=ReferralOut)
@api_requires(Capability.EDIT_CASES, token_scope=WRITE, audits="each status change")
def referral_status(request: HttpRequest, referral_id: UUID, payload: TransitionIn) -> Any:
    user = _user(request)
    referral = selectors.referral_get(user=user, public_id=referral_id, audit=False)
    services.referral_transition(
        actor=user,
        referral=referral,
        to=payload.status,
        expected_version=payload.version,
        note=payload.note,
    )
    return _referral_out(referral)


# ---- Consents -------------------------------------------------------------------------------


class ConsentIn(Schema):
    person: UUID
    categories: list[str] = Field(..., min_length=1, max_length=6)
    purposes: list[str] = Field(..., min_length=1, max_length=4)
    recipient_organization_id: str = Field("", max_length=64)
    recipient_class: str = Field("", max_length=32)
    signed_on: date
    expires_on: date | None = None
    expiry_event: str = Field("", max_length=200)
    method: str
    signed_by: str = Field(..., max_length=200)
    witness: str = Field("", max_length=200)


class ConsentStop(Schema):
    note: str = Field(..., min_length=1, max_length=300)
    ended: bool = Field(False, description="The ending event happened (not a revocation).")


class ConsentOut(Schema):
    id: UUID = Field(..., alias="public_id")
    person: UUID = Field(..., alias="person.public_id")
    discloser: str
    categories: list[str]
    purposes: list[str]
    recipient_organization_id: str
    recipient_name: str
    recipient_class: str
    signed_on: date
    expires_on: date | None
    expiry_event: str
    method: str
    signed_by: str
    witness: str
    ended_at: datetime | None
    revoked_at: datetime | None
    revocation_note: str


@router.get("/consents", response=list[ConsentOut], tags=["consents"])
@api_requires(Capability.VIEW_CASES, token_scope=CONSENTS_READ, audits="each person's consents")
def consents_list(request: HttpRequest, person: UUID) -> Any:
    user = _user(request)
    someone = case_selectors.person_get(user=user, public_id=person)
    return selectors.consents_of(user=user, person=someone)


@router.post("/consents", response={201: ConsentOut}, tags=["consents"])
@api_requires(Capability.EDIT_CASES, token_scope=CONSENTS_WRITE, audits="each consent recorded")
def consent_create(request: HttpRequest, payload: ConsentIn) -> Status[Any]:
    user = _user(request)
    data = payload.dict()
    someone = case_selectors.person_get(user=user, public_id=data.pop("person"))
    return Status(201, services.consent_record(actor=user, person=someone, **data))


@router.post("/consents/{consent_id}/stop", response=ConsentOut, tags=["consents"])
@api_requires(Capability.EDIT_CASES, token_scope=CONSENTS_WRITE, audits="each revocation")
def consent_stop(request: HttpRequest, consent_id: UUID, payload: ConsentStop) -> Consent:
    user = _user(request)
    consent = selectors.consent_get(user=user, public_id=consent_id)
    stop = services.consent_end if payload.ended else services.consent_revoke
    return stop(actor=user, consent=consent, note=payload.note)
