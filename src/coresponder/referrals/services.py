"""Writes of the referrals domain, each audited in the same transaction: the community-partner
directory (import, replace or merge by id, export, one service's fields), consents, referrals
through their lifecycle, partner links, and the disclosure ledger (docs/referrals.md)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coresponder.audit.actions import AuditAction
from coresponder.audit.models import Outcome
from coresponder.audit.services import audit_record
from coresponder.cases import access as case_access
from coresponder.cases.models import Case, Person
from coresponder.cases.services import NEED_CODES
from coresponder.core.versioning import save_if_unchanged
from coresponder.notifications.services import notify, send_email
from coresponder.referrals import access
from coresponder.referrals.engine import (
    Directory,
    Problem,
    ReadResult,
    read_hsds_datapackage,
    read_hsds_json,
    write_hsds_datapackage,
    write_hsds_json,
)
from coresponder.referrals.engine import consent as consent_rules
from coresponder.referrals.engine.hsds_json import hsds_document
from coresponder.referrals.engine.lifecycle import (
    ACCEPTED,
    DRAFT,
    ENGAGED,
    FINAL,
    SENT,
    STATUS_LABELS,
    WITHDRAWN,
    TransitionRefused,
    check_transition,
)
from coresponder.referrals.engine.model import PLURALS, RECORD_TYPES, SERVICE_STATUSES
from coresponder.referrals.models import (
    Consent,
    DirectorySnapshot,
    Disclosure,
    PartnerLink,
    Referral,
    ReferralEvent,
)
from coresponder.referrals.selectors import (
    cached_directory,
    directory_of,
    remember_directory,
    service_details,
    service_in,
    service_needs,
    snapshot_of,
)

EDITABLE_FIELDS = ("name", "description", "status")


class DirectoryError(ValueError):
    """A refused directory change, with a message fit to show the person."""


class DirectoryConflict(DirectoryError):
    """Someone else saved the directory after the editor opened it."""


@dataclass(frozen=True)
class ImportSummary:
    stored: dict[str, int]
    problems: tuple[Problem, ...]
    replaced: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "stored": self.stored,
            "problems": len(self.problems),
            "replaced": self.replaced,
        }

    def audit_data(self) -> dict[str, Any]:
        """Flat counts: audit data holds scalars only."""
        return {
            "records": sum(self.stored.values()),
            "services": self.stored["services"],
            "problems": len(self.problems),
            "replaced": self.replaced,
        }


def read_file(path: Path) -> ReadResult:
    """A JSON file or a data package (a .zip or a datapackage.json with its CSV files)."""
    if path.suffix.lower() == ".zip" or path.name == "datapackage.json":
        return read_hsds_datapackage(path)
    return read_hsds_json(path)


def import_directory(
    *, actor: Any, agency: Any, result: ReadResult, replace: bool = False
) -> ImportSummary:
    """Store every valid record of ``result``: instead of the directory (``replace``) or over
    it, record by record by id. Bad records were already left out by the engine's reader, and
    every reference of a record it kept points at a record it kept; a merge by id keeps every
    id of both sides, so the merged directory needs no second validation."""
    with transaction.atomic():
        snapshot = _locked_snapshot(agency, with_document=not replace)
        if replace:
            _save(snapshot, result.directory)
        else:  # merged as documents: the stored one need not be rebuilt into records first
            _save_document(snapshot, _merge_documents(snapshot.document, result.directory))
        summary = ImportSummary(_counts(result.directory), result.problems, replace)
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_IMPORTED,
            object_type="directory",
            object_id=agency.pk,
            agency_id=agency.pk,
            data=summary.audit_data(),
        )
    return summary


def export_directory(*, actor: Any, agency: Any, out: Path) -> dict[str, int]:
    """Write the agency's directory to OUT.json or OUT.zip (a data package); audited."""
    directory = directory_of(agency)
    if out.suffix.lower() == ".zip":
        write_hsds_datapackage(directory, out)
    else:
        out.write_text(write_hsds_json(directory), encoding="utf-8")
    counts = _counts(directory)
    audit_record(
        actor=actor,
        action=AuditAction.DIRECTORY_EXPORTED,
        object_type="directory",
        object_id=agency.pk,
        agency_id=agency.pk,
        data={"records": sum(counts.values()), "services": counts["services"]},
    )
    return counts


def update_service(
    *, actor: Any, agency: Any, service_id: str, expected_version: int, changes: Mapping[str, Any]
) -> None:
    """Change one service's name, description or status if the directory is still at
    ``expected_version``; otherwise refuse with a conflict."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise DirectoryError(f"These fields cannot be edited here: {', '.join(unknown)}.")
    if "status" in changes and changes["status"] not in SERVICE_STATUSES:
        raise DirectoryError(f"Status must be one of {', '.join(SERVICE_STATUSES)}.")
    if not str(changes.get("name", "x")).strip():
        raise DirectoryError("A service needs a name.")
    with transaction.atomic():
        snapshot = _locked_snapshot(agency, with_document=True)
        if snapshot.version != expected_version:
            raise DirectoryConflict(
                "Someone else saved the directory after you opened it. Your changes were not "
                "saved: reload to see theirs, then make yours again."
            )
        directory = _stored_directory(snapshot)
        services = _with_changed_service(directory.services, service_id, changes)
        _save(snapshot, dataclasses.replace(directory, services=services))
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_SERVICE_UPDATED,
            object_type="directory_service",
            object_id=service_id,
            agency_id=agency.pk,
            data={"fields": sorted(changes)},
        )


def _with_changed_service(
    services: Iterable[Any], service_id: str, changes: Mapping[str, Any]
) -> tuple[Any, ...]:
    found = False
    changed = []
    for service in services:
        if service.id == service_id:
            found = True
            service = dataclasses.replace(service, **changes)
        changed.append(service)
    if not found:
        raise DirectoryError("No such service in this agency's directory.")
    return tuple(changed)


def _locked_snapshot(agency: Any, *, with_document: bool) -> DirectorySnapshot:
    """The agency's snapshot, locked for the change; a replace never reads the old document
    (a large directory costs memory and time to load for nothing)."""
    snapshot_of(agency)  # create it first if this agency has none yet
    rows = DirectorySnapshot.objects.select_for_update()
    if not with_document:
        rows = rows.defer("document")
    return rows.get(agency=agency)


def _stored_directory(snapshot: DirectorySnapshot) -> Directory:
    """The stored directory, from the per-process cache when it holds this very version."""
    cached = cached_directory(snapshot)
    if cached is not None:
        return cached
    document = snapshot.document
    return read_hsds_json(json.dumps(document)).directory if document else Directory()


def _save(snapshot: DirectorySnapshot, directory: Directory) -> None:
    _save_document(snapshot, hsds_document(directory))
    remember_directory(snapshot, directory)  # the next read need not rebuild it


def _save_document(snapshot: DirectorySnapshot, document: dict[str, Any]) -> None:
    snapshot.document = document
    snapshot.version += 1
    snapshot.updated_at = timezone.now()
    snapshot.save(update_fields=["document", "version", "updated_at"])


def _merge_documents(stored: Mapping[str, Any], incoming: Directory) -> dict[str, Any]:
    """The stored document with the incoming records added or replacing theirs by id, table by
    table, in the stored order and then the new ones."""
    merged: dict[str, Any] = {}
    for table, records in hsds_document(incoming).items():
        by_id = {record["id"]: record for record in (stored or {}).get(table, [])}
        by_id.update({record["id"]: record for record in records})
        merged[table] = list(by_id.values())
    return merged


def _counts(directory: Directory) -> dict[str, int]:
    return {PLURALS[name]: len(directory.table(name)) for name in RECORD_TYPES}


# ---- Consents -------------------------------------------------------------------------------


class ReferralError(ValueError):
    """A refused referral or consent change, naming its field where there is one."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class ReferralConflict(ReferralError):
    """Someone else changed the referral since this change began (HTTP 409 in the API)."""


def consent_record(
    *,
    actor: Any,
    person: Person,
    categories: Iterable[str],
    purposes: Iterable[str],
    signed_on: date,
    method: str,
    signed_by: str,
    recipient_organization_id: str = "",
    recipient_class: str = "",
    expires_on: date | None = None,
    expiry_event: str = "",
    witness: str = "",
) -> Consent:
    """Record a consent after checking it is complete: what, to whom, why, until when, and
    signed (or given verbally before a named witness)."""
    access.require_person_edit(actor, person)
    categories, purposes = sorted(set(categories)), sorted(set(purposes))
    _check_consent_terms(categories, purposes, recipient_organization_id, recipient_class)
    if method not in Consent.Method.values:
        raise ReferralError("Say how the consent was given: signed or verbal.", "method")
    if not signed_by.strip():
        raise ReferralError("Name who gave the consent (the person or their representative).")
    if method == Consent.Method.VERBAL and not witness.strip():
        raise ReferralError("A verbal consent needs a witness: name them.", "witness")
    today = timezone.localdate()
    if signed_on > today:
        raise ReferralError("The consent cannot be dated in the future.", "signed_on")
    if expires_on is not None and expires_on < signed_on:
        raise ReferralError("It cannot expire before it was given.", "expires_on")
    if expires_on is None and not expiry_event.strip():
        raise ReferralError(
            "A consent needs an end: an expiry date or the event that ends it.", "expires_on"
        )
    recipient_name = _recipient_name(person.agency, recipient_organization_id)
    with transaction.atomic():
        consent = Consent.objects.create(
            agency_id=person.agency_id,
            person=person,
            discloser=person.agency.name,
            categories=categories,
            purposes=purposes,
            recipient_organization_id=recipient_organization_id,
            recipient_name=recipient_name,
            recipient_class=recipient_class if not recipient_organization_id else "",
            signed_on=signed_on,
            expires_on=expires_on,
            expiry_event=expiry_event.strip(),
            method=method,
            signed_by=signed_by.strip(),
            witness=witness.strip(),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CONSENT_RECORDED,
            object_type="consent",
            object_id=consent.public_id,
            data={
                "categories": categories,
                "purposes": purposes,
                "recipient": recipient_organization_id or f"class:{recipient_class}",
                "method": method,
            },
        )
    return consent


def _check_consent_terms(
    categories: list[str], purposes: list[str], organization_id: str, recipient_class: str
) -> None:
    unknown = [c for c in categories if c not in consent_rules.CATEGORIES]
    if not categories or unknown:
        raise ReferralError("Choose the kinds of information it covers.", "categories")
    if not purposes or any(p not in consent_rules.PURPOSES for p in purposes):
        raise ReferralError("Choose the purposes it covers.", "purposes")
    if not organization_id and recipient_class not in consent_rules.RECIPIENT_CLASSES:
        raise ReferralError(
            "Name the recipient: one partner organisation or a class of recipients.",
            "recipient_organization_id",
        )


def _recipient_name(agency: Any, organization_id: str) -> str:
    if not organization_id:
        return ""
    directory = directory_of(agency)
    organization = next((o for o in directory.organizations if o.id == organization_id), None)
    if organization is None:
        raise ReferralError(
            "That organisation is not in the directory.", "recipient_organization_id"
        )
    return str(organization.name)


def consent_revoke(*, actor: Any, consent: Consent, note: str) -> Consent:
    """The person took their consent back (how, in ``note``): nothing more goes out on it."""
    return _consent_stop(actor, consent, note, revoked=True)


def consent_end(*, actor: Any, consent: Consent, note: str) -> Consent:
    """The consent's ending event happened (e.g. the end of treatment)."""
    return _consent_stop(actor, consent, note, revoked=False)


def _consent_stop(actor: Any, consent: Consent, note: str, *, revoked: bool) -> Consent:
    access.require_person_edit(actor, consent.person)
    if not note.strip():
        raise ReferralError("Say how and when this happened.", "note")
    if consent.revoked_at or consent.ended_at:
        raise ReferralError("This consent is already revoked or ended.")
    field = "revoked_at" if revoked else "ended_at"
    with transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update_audited(
            **{field: timezone.now()}, revocation_note=note.strip()[:300]
        )
        consent.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.CONSENT_REVOKED if revoked else AuditAction.CONSENT_ENDED,
            object_type="consent",
            object_id=consent.public_id,
            reason=note.strip()[:500],
        )
    return consent


def consent_terms(consent: Consent) -> consent_rules.ConsentTerms:
    return consent_rules.ConsentTerms(
        id=str(consent.public_id),
        categories=frozenset(consent.categories),
        purposes=frozenset(consent.purposes),
        recipient_organization_id=consent.recipient_organization_id,
        recipient_class=consent.recipient_class,
        signed_on=consent.signed_on,
        expires_on=consent.expires_on,
        ended_at=consent.ended_at,
        revoked_at=consent.revoked_at,
    )


# ---- Referrals ------------------------------------------------------------------------------

# What a referral for a need tells the partner about the person, whatever the note says: a
# referral to substance-use treatment discloses substance-use information by being made.
CATEGORIES_OF_NEED = {
    "mental_health": "behavioral_health",
    "substance_use": "substance_use",
    "medical": "health",
}
ALWAYS_DISCLOSED = ("identity", "contact")


def categories_for(needs: Iterable[str], chosen: Iterable[str]) -> list[str]:
    implied = {CATEGORIES_OF_NEED[n] for n in needs if n in CATEGORIES_OF_NEED}
    return sorted(set(ALWAYS_DISCLOSED) | implied | set(chosen))


def referral_create(
    *,
    actor: Any,
    case: Case,
    service_id: str,
    needs: Iterable[str],
    note: str = "",
    purpose: str = "referral",
    categories: Iterable[str] = (),
) -> Referral:
    """A draft referral of the case's person to one service of the agency's directory."""
    case_access.require_edit(actor, case)
    if case.status == Case.Status.CLOSED:
        raise ReferralError("This case is closed: reopen it to refer.")
    needs = sorted(set(needs))
    if not needs or any(n not in NEED_CODES for n in needs):
        raise ReferralError("Choose the needs this referral is for.", "needs")
    if purpose not in consent_rules.PURPOSES or purpose == "emergency":
        raise ReferralError("Choose the purpose of the referral.", "purpose")
    unknown = [c for c in categories if c not in consent_rules.CATEGORIES]
    if unknown:
        raise ReferralError(f"Unknown kind of information: {unknown[0]}.", "categories")
    directory = directory_of(case.agency)
    service = service_in(directory, service_id)
    if service is None:
        raise ReferralError("That service is not in the directory.", "service")
    details = service_details(directory, service)
    organization = details.organization
    with transaction.atomic():
        referral = Referral.objects.create(
            agency_id=case.agency_id,
            case=case,
            person_id=case.person_id,
            service_id=service.id,
            service_name=service.name,
            organization_id=service.organization_id,
            organization_name=organization.name if organization else "",
            partner_email=service.email or (organization.email if organization else "") or "",
            needs=needs,
            purpose=purpose,
            categories=categories_for(needs, categories),
            note=note.strip(),
            created_by=actor,
        )
        ReferralEvent.objects.create(referral=referral, to_status=DRAFT, actor=actor)
        audit_record(
            actor=actor,
            action=AuditAction.REFERRAL_CREATED,
            object_type="referral",
            object_id=referral.public_id,
            data={"needs": needs, "service": service.id},
        )
    return referral


def disclosure_of(referral: Referral) -> consent_rules.Disclosure:
    directory = directory_of(referral.agency)
    service = service_in(directory, referral.service_id)
    classes = frozenset(service_needs(directory, service)) if service else frozenset()
    return consent_rules.Disclosure(
        recipient_organization_id=referral.organization_id,
        purpose=referral.purpose,
        categories=frozenset(referral.categories),
        recipient_classes=classes | frozenset(referral.needs),
    )


def disclosure_decision(referral: Referral, *, emergency_basis: str = "") -> consent_rules.Decision:
    consents = Consent.objects.filter(person_id=referral.person_id).order_by("-signed_on", "pk")
    return consent_rules.decide(
        disclosure_of(referral),
        [consent_terms(c) for c in consents],
        at=timezone.now(),
        emergency_basis=emergency_basis,
    )


@dataclass(frozen=True)
class SentReferral:
    referral: Referral
    link_url: str  # the partner's signed link, a path inside the product


def referral_send(
    *,
    actor: Any,
    referral: Referral,
    expected_version: int,
    emergency_basis: str = "",
    base_url: str = "",
) -> SentReferral:
    """Send a draft: only when no consent is needed, a consent covers it, or an emergency
    basis is recorded. The disclosure is written to the ledger, a partner link is made and
    the partner is e-mailed it (no names in the e-mail)."""
    case_access.require_edit(actor, referral.case)
    check_transition(referral.status, SENT, "worker")
    decision = disclosure_decision(referral, emergency_basis=emergency_basis)
    if not decision.allowed:
        _audit_refused(actor, referral, decision.reason)
        raise ReferralError(
            f"Not sent: {decision.reason}. Record a consent that covers this partner, this "
            "purpose and this information, or take out what needs it.",
            "consent",
        )
    now = timezone.now()
    consent = _consent_used(decision)
    with transaction.atomic():
        _save_versioned(
            actor,
            referral,
            expected_version,
            {
                "status": SENT,
                "sent_at": now,
                "answer_due_at": now + timedelta(days=settings.REFERRAL_ANSWER_DAYS),
                "consent": consent,
                "emergency_basis": emergency_basis.strip() if decision.basis == "emergency" else "",
            },
        )
        ReferralEvent.objects.create(
            referral=referral, from_status=DRAFT, to_status=SENT, actor=actor
        )
        _ledger(actor, referral, Disclosure.Kind.REFERRAL, decision, emergency_basis)
        audit_record(
            actor=actor,
            action=AuditAction.REFERRAL_SENT,
            object_type="referral",
            object_id=referral.public_id,
            data={"basis": decision.basis, "consent": decision.consent_id},
        )
        link_path = partner_link_create(actor=actor, referral=referral)
    if referral.partner_email:
        send_email(
            to=referral.partner_email,
            subject=f"A referral from {referral.agency.name}",
            body=(
                f"{referral.agency.name} sent {referral.organization_name or 'you'} a "
                f"referral. Open it to accept or decline it:\n\n{base_url}{link_path}\n\n"
                f"The link works for {settings.PARTNER_LINK_DAYS} days and for this referral "
                "only."
            ),
        )
    return SentReferral(referral, link_path)


def referral_print(*, actor: Any, referral: Referral, emergency_basis: str = "") -> None:
    """A printed referral is a disclosure too: allowed on the same terms, and ledgered."""
    case_access.require_edit(actor, referral.case)
    decision = disclosure_decision(referral, emergency_basis=emergency_basis)
    if not decision.allowed:
        _audit_refused(actor, referral, decision.reason)
        raise ReferralError(f"Not printed: {decision.reason}.", "consent")
    with transaction.atomic():
        _ledger(actor, referral, Disclosure.Kind.PRINT, decision, emergency_basis)


def _consent_used(decision: consent_rules.Decision) -> Consent | None:
    if not decision.consent_id:
        return None
    return Consent.objects.filter(public_id=decision.consent_id).first()


def audit_refused_for_case(actor: Any, case: Case, reason: str) -> None:
    """A refused make-and-send through the API: nothing was kept, but the refusal is logged."""
    audit_record(
        actor=actor,
        action=AuditAction.REFERRAL_REFUSED,
        object_type="case",
        object_id=case.public_id,
        outcome=Outcome.DENIED,
        reason=reason[:500],
    )


def _audit_refused(actor: Any, referral: Referral, reason: str) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.REFERRAL_REFUSED,
        object_type="referral",
        object_id=referral.public_id,
        outcome=Outcome.DENIED,
        reason=reason[:500],
    )


def _ledger(
    actor: Any,
    referral: Referral,
    kind: str,
    decision: consent_rules.Decision,
    emergency_basis: str,
) -> Disclosure:
    consent = _consent_used(decision)
    row = Disclosure.objects.create(
        agency_id=referral.agency_id,
        person_id=referral.person_id,
        kind=kind,
        recipient=referral.organization_name or referral.service_name,
        recipient_organization_id=referral.organization_id,
        categories=list(referral.categories),
        description=f"{Disclosure.Kind(kind).label} to {referral.service_name}"[:300],
        purpose=referral.purpose,
        basis=decision.basis,
        consent=consent,
        emergency_basis=emergency_basis.strip() if decision.basis == "emergency" else "",
        referral=referral,
        disclosed_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.DISCLOSURE_RECORDED,
        object_type="disclosure",
        object_id=row.public_id,
        data={"kind": kind, "basis": decision.basis, "referral": str(referral.public_id)},
    )
    return row


def referral_transition(
    *,
    actor: Any,
    referral: Referral,
    to: str,
    expected_version: int,
    note: str = "",
    link: PartnerLink | None = None,
    base_url: str = "",
) -> Referral:
    """Move a referral on: a worker (``actor``), or the partner through ``link`` (no actor).
    Skipping a step or going back is refused; the partner's answer tells the worker."""
    by_partner = link is not None
    if not by_partner:
        case_access.require_edit(actor, referral.case)
    if to == SENT:
        raise ReferralError("Send a referral with its own button: it checks consent first.")
    try:
        check_transition(referral.status, to, "partner" if by_partner else "worker")
    except TransitionRefused as refused:
        raise ReferralError(str(refused), "status") from None
    note = note.strip()
    if len(note) > 500:
        raise ReferralError("Keep the note to 500 characters.", "note")
    previous = referral.status
    now = timezone.now()
    changes: dict[str, Any] = {"status": to}
    if to == ACCEPTED:
        changes["accepted_at"] = now
    elif to == ENGAGED:
        changes["engaged_at"] = now
    if to in FINAL:
        changes["closed_at"] = now
    if by_partner and note:
        changes["outcome"] = note
    with transaction.atomic():
        _save_versioned(actor, referral, expected_version, changes)
        ReferralEvent.objects.create(
            referral=referral,
            from_status=previous,
            to_status=to,
            actor=actor,
            by_partner=by_partner,
            note=note,
        )
        if to == WITHDRAWN:
            PartnerLink.objects.filter(referral=referral, revoked_at__isnull=True).update_audited(
                revoked_at=now
            )
        audit_record(
            actor=actor,
            action=AuditAction.REFERRAL_STATUS_CHANGED,
            object_type="referral",
            object_id=referral.public_id,
            agency_id=referral.agency_id,
            data={
                "from": previous,
                "to": to,
                "by_partner": by_partner,
                "link": str(link.public_id) if link else "",
            },
        )
    if by_partner:
        notify(
            users=[referral.case.assigned_to, referral.created_by],
            message=f"A partner marked a referral {STATUS_LABELS[to].lower()}",
            path=reverse("referrals:referral", kwargs={"public_id": referral.public_id}),
            base_url=base_url,
        )
    return referral


def _save_versioned(
    actor: Any, referral: Referral, expected_version: int, changes: Mapping[str, Any]
) -> None:
    if not save_if_unchanged(referral, expected_version, changes):
        raise ReferralConflict(
            "Someone else changed this referral after you opened it: reload to see where it "
            "stands now.",
            "version",
        )


# ---- Partner links --------------------------------------------------------------------------

LINK_SALT = "coresponder.referrals.partner-link"


def partner_link_create(*, actor: Any, referral: Referral) -> str:
    """A new signed link for the referral's partner (earlier ones keep working until they
    expire or are withdrawn); returns its path."""
    if referral.status not in {SENT, ACCEPTED, ENGAGED}:
        raise ReferralError("Only a sent referral that is still open has a partner link.")
    expires = timezone.now() + timedelta(days=settings.PARTNER_LINK_DAYS)
    link = PartnerLink.objects.create(referral=referral, expires_at=expires)
    audit_record(
        actor=actor,
        action=AuditAction.PARTNER_LINK_CREATED,
        object_type="partner_link",
        object_id=link.public_id,
        data={"referral": str(referral.public_id), "expires": expires.isoformat()},
    )
    return partner_link_path(link)


def partner_link_path(link: PartnerLink) -> str:
    token = signing.dumps(str(link.public_id), salt=LINK_SALT, compress=True)
    return reverse(
        "referrals:partner", kwargs={"public_id": link.referral.public_id, "token": token}
    )


def partner_links_revoke(*, actor: Any, referral: Referral) -> int:
    """Withdraw every live link of the referral (e.g. sent to the wrong address)."""
    case_access.require_edit(actor, referral.case)
    with transaction.atomic():
        count = PartnerLink.objects.filter(
            referral=referral, revoked_at__isnull=True
        ).update_audited(revoked_at=timezone.now())
        audit_record(
            actor=actor,
            action=AuditAction.PARTNER_LINK_REVOKED,
            object_type="referral",
            object_id=referral.public_id,
            data={"links": count},
        )
    return count
