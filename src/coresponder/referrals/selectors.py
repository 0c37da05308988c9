"""Reads of the referrals domain, always within the user's own agency: the community-partner
directory, referrals (in the user's case reach), consents, the disclosure ledger, and what a
partner's signed link opens. Reads of personal records are audited."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from coresponder.audit.actions import AuditAction
from coresponder.audit.models import Outcome
from coresponder.audit.services import audit_record
from coresponder.referrals import access
from coresponder.referrals.engine import Directory, ServiceMatch, read_hsds_json, search
from coresponder.referrals.engine.lifecycle import FINAL, STATUS_LABELS, WAITING_FOR_PARTNER
from coresponder.referrals.engine.needs import NEEDS, need_evidence
from coresponder.referrals.models import (
    Consent,
    DirectorySnapshot,
    Disclosure,
    PartnerLink,
    Referral,
)

# agency id → (the snapshot's identity and version, the directory rebuilt from it); any save
# bumps the version and the time, so a stale entry is never used.
_CACHE: dict[int, tuple[tuple[Any, ...], Directory]] = {}


def snapshot_of(agency: Any) -> DirectorySnapshot:
    snapshot, _ = DirectorySnapshot.objects.get_or_create(agency=agency)
    return snapshot


def directory_of(agency: Any) -> Directory:
    """The agency's directory, rebuilt from its stored document when that changed."""
    snapshot = snapshot_of(agency)
    cached = cached_directory(snapshot)
    if cached is not None:
        return cached
    document = snapshot.document
    directory = read_hsds_json(json.dumps(document)).directory if document else Directory()
    remember_directory(snapshot, directory)
    return directory


def _cache_key(snapshot: DirectorySnapshot) -> tuple[Any, ...]:
    return (snapshot.pk, snapshot.version, snapshot.updated_at)


def cached_directory(snapshot: DirectorySnapshot) -> Directory | None:
    cached = _CACHE.get(snapshot.agency_id)
    return cached[1] if cached and cached[0] == _cache_key(snapshot) else None


def remember_directory(snapshot: DirectorySnapshot, directory: Directory) -> None:
    _CACHE[snapshot.agency_id] = (_cache_key(snapshot), directory)


def search_directory(
    *, user: Any, open_at: datetime | None = None, **criteria: Any
) -> list[ServiceMatch]:
    """The engine's search over the user's agency's directory."""
    return search(directory_of(user.agency), open_at=open_at, **criteria)


def service_in(directory: Directory, service_id: str) -> Any | None:
    return next((s for s in directory.services if s.id == service_id), None)


@dataclass(frozen=True)
class ServiceDetails:
    service: Any
    organization: Any | None
    phones: tuple[Any, ...]
    schedules: tuple[Any, ...]
    languages: tuple[Any, ...]
    locations: tuple[Any, ...]


def service_details(directory: Directory, service: Any) -> ServiceDetails:
    """What a worker needs to refer someone: phones, hours, languages and places."""
    sal_ids = {s.id for s in directory.service_at_locations if s.service_id == service.id}
    location_ids = {
        s.location_id for s in directory.service_at_locations if s.service_id == service.id
    }

    def concerns(record: Any) -> bool:
        return record.service_id == service.id or record.service_at_location_id in sal_ids

    return ServiceDetails(
        service=service,
        organization=next(
            (o for o in directory.organizations if o.id == service.organization_id), None
        ),
        phones=tuple(p for p in directory.phones if concerns(p)),
        schedules=tuple(s for s in directory.schedules if concerns(s)),
        languages=tuple(lang for lang in directory.languages if lang.service_id == service.id),
        locations=tuple(loc for loc in directory.locations if loc.id in location_ids),
    )


def near_point(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    return (lat, lon) if lat is not None and lon is not None else None


def service_needs(directory: Directory, service: Any) -> list[str]:
    """The needs a service meets (by its taxonomy terms or its words): the classes of
    recipient it belongs to, for consents given to "any housing provider" and the like."""
    terms = [
        name
        for attribute in directory.attributes
        if attribute.link_id == service.id
        for term in directory.taxonomy_terms
        if term.id == attribute.taxonomy_term_id
        for name in (term.name, term.code)
        if name
    ]
    return [need for need in NEEDS if need_evidence(need, service, terms)]


# ---- Referrals, consents and disclosures ----------------------------------------------------


def referral_get(*, user: Any, public_id: Any, audit: bool = True) -> Referral:
    """One referral in the user's case reach, or 404; audited."""
    referral = (
        access.referrals_in_reach(user)
        .filter(public_id=_uuid(public_id))
        .select_related("case", "case__assigned_to", "person", "consent", "agency")
        .first()
    )
    if referral is None:
        raise Http404
    if audit:
        audit_record(
            actor=user,
            action=AuditAction.REFERRAL_VIEWED,
            object_type="referral",
            object_id=referral.public_id,
        )
    return referral


@dataclass(frozen=True)
class ReferralFilters:
    which: str = "mine"  # mine | team
    status: str = "open"  # open | overdue | closed | all | one status


def referral_list(*, user: Any, filters: ReferralFilters) -> QuerySet[Referral]:
    audit_record(
        actor=user,
        action=AuditAction.REFERRALS_LISTED,
        data={"which": filters.which, "status": filters.status},
    )
    rows = access.referrals_in_reach(user).select_related("case", "person")
    if filters.which == "mine":
        rows = rows.filter(Q(case__assigned_to=user) | Q(created_by=user))
    if filters.status == "open":
        rows = rows.exclude(status__in=FINAL)
    elif filters.status == "overdue":
        rows = overdue(rows)
    elif filters.status == "closed":
        rows = rows.filter(status__in=FINAL)
    elif filters.status in STATUS_LABELS:
        rows = rows.filter(status=filters.status)
    return rows.order_by("-updated_at", "-pk")


def overdue(rows: QuerySet[Referral]) -> QuerySet[Referral]:
    """Sent and not answered by the partner in time."""
    return rows.filter(status__in=WAITING_FOR_PARTNER, answer_due_at__lt=timezone.now())


def my_overdue_referrals(*, user: Any) -> list[Referral]:
    """For the worker's day: overdue referrals of the cases assigned to them."""
    rows = access.referrals_in_reach(user).filter(case__assigned_to=user)
    return list(overdue(rows).select_related("person").order_by("answer_due_at")[:50])


def referrals_of_case(*, case: Any) -> list[Referral]:
    return list(Referral.objects.filter(case=case).order_by("-created_at"))


def consents_of(*, user: Any, person: Any) -> list[Consent]:
    access.require_person_read(user, person)
    audit_record(
        actor=user,
        action=AuditAction.CONSENTS_VIEWED,
        object_type="person",
        object_id=person.public_id,
    )
    return list(Consent.objects.filter(person=person).order_by("-signed_on", "-pk"))


def consent_get(*, user: Any, public_id: Any) -> Consent:
    consent = (
        Consent.objects.filter(agency_id=user.agency_id, public_id=_uuid(public_id))
        .select_related("person")
        .first()
    )
    if consent is None:
        raise Http404
    access.require_person_read(user, consent.person)
    return consent


def disclosures_of(*, user: Any, person: Any, audit_via: str = "page") -> list[Disclosure]:
    """The person's accounting of disclosures, newest first; producing it is audited."""
    if user is not None:
        access.require_person_read(user, person)
    audit_record(
        actor=user,
        action=AuditAction.DISCLOSURES_VIEWED,
        object_type="person",
        object_id=person.public_id,
        agency_id=person.agency_id,
        data={"via": audit_via},
    )
    return list(
        Disclosure.objects.filter(person=person)
        .select_related("consent", "disclosed_by", "referral")
        .order_by("-at", "-pk")
    )


# ---- The partner's side ---------------------------------------------------------------------


def partner_link_open(*, public_id: Any, token: str) -> tuple[Referral, PartnerLink]:
    """The referral a partner's link opens, or 404: a bad or expired signature, a withdrawn
    link, or a link made for another referral. Every refusal is audited."""
    from coresponder.referrals.services import LINK_SALT

    referral_id = _uuid(public_id)
    link = None
    try:
        link_id = signing.loads(
            token, salt=LINK_SALT, max_age=timedelta(days=settings.PARTNER_LINK_DAYS)
        )
        link = (
            PartnerLink.objects.filter(public_id=_uuid(link_id))
            .select_related("referral", "referral__agency", "referral__person", "referral__consent")
            .first()
        )
    except signing.BadSignature:
        link = None
    now = timezone.now()
    problem = ""
    if link is None:
        problem = "bad or expired signature"
    elif link.referral.public_id != referral_id:
        problem = "link made for another referral"
    elif link.revoked_at is not None:
        problem = "link withdrawn"
    elif link.expires_at <= now:
        problem = "link expired"
    if problem or link is None:
        audit_record(
            actor=None,
            action=AuditAction.PARTNER_LINK_REFUSED,
            object_type="referral",
            object_id=referral_id,
            outcome=Outcome.DENIED,
            reason=problem,
            agency_id=link.referral.agency_id if link is not None else None,
        )
        raise Http404
    PartnerLink.objects.filter(pk=link.pk).update_audited(last_used_at=now)
    audit_record(
        actor=None,
        action=AuditAction.REFERRAL_VIEWED,
        object_type="referral",
        object_id=link.referral.public_id,
        agency_id=link.referral.agency_id,
        data={"by_partner": True, "link": str(link.public_id)},
    )
    return link.referral, link


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None
