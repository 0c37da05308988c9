"""May this information go to this recipient for this purpose? The consent rule, without Django.

A disclosure names a recipient (a partner organisation, and the needs its service meets), a
purpose and the categories of information it carries. It is allowed when either

- none of its categories needs consent (``CONSENT_CATEGORIES``: behavioural health, substance
  use (42 CFR Part 2) and other health information), or
- one consent covers it: the consent is active at that moment (signed, not yet expired, not
  revoked, its ending event not recorded), names that recipient (the organisation itself, or
  a class of recipients the service belongs to), includes the purpose, and includes *every*
  category that needs consent, or
- an emergency basis is recorded (who decided, why): a bona fide medical emergency lets
  information go without consent, and the ledger says so.

The answer names the consent used, or says in plain words why none covers the disclosure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

# Categories of information a disclosure may carry.
CATEGORIES: dict[str, str] = {
    "identity": "Name, date of birth and other identifying details",
    "contact": "How to reach the person (phone, address, usual location)",
    "social_needs": "Needs such as housing, food, income and legal help",
    "behavioral_health": "Mental-health information (diagnoses, crises, assessments)",
    "substance_use": "Substance-use information (protected by 42 CFR Part 2)",
    "health": "Other health information (physical health, medication)",
}
CONSENT_CATEGORIES = frozenset({"behavioral_health", "substance_use", "health"})

PURPOSES: dict[str, str] = {
    "referral": "Referral for services",
    "care_coordination": "Coordinating care between the program and the recipient",
    "benefits": "Applying for benefits or housing",
    "emergency": "Medical emergency",
}

# A class of recipients is one of the directory's needs: "any housing provider" covers every
# service that meets the housing need.
RECIPIENT_CLASSES: dict[str, str] = {
    "mental_health": "Mental-health providers",
    "substance_use": "Substance-use treatment providers",
    "housing": "Housing and shelter providers",
    "food": "Food providers",
    "medical": "Medical providers",
    "income_benefits": "Income and benefits services",
    "legal": "Legal services",
    "family": "Family services",
    "safety": "Safety and victim services",
}

REDISCLOSURE_NOTICE_PART2 = (
    "This record, which has been disclosed to you, is protected by federal confidentiality "
    "rules (42 CFR part 2). These rules prohibit you from using or disclosing this record, or "
    "testimony that describes the information contained in this record, in any civil, "
    "criminal, administrative, or legislative proceedings by any Federal, State, or local "
    "authority, against the patient, unless authorized by the consent of the patient, except "
    "as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR "
    "2.64 or 2.65. In addition, the federal rules prohibit you from making any other use or "
    "disclosure of this record unless at least one of the following applies: (i) further use "
    "or disclosure is expressly permitted by the written consent of the individual whose "
    "information is being disclosed in this record or as otherwise permitted by 42 CFR part "
    "2; (ii) you are a covered entity or business associate and have received the record for "
    "treatment, payment, or health care operations, or (iii) you have received the record "
    "from a covered entity or business associate as permitted by 45 CFR part 164, subparts A "
    "and E. A general authorization for the release of medical or other information is NOT "
    "sufficient to meet the required elements of written consent to further use or redisclose "
    "the record (see 42 CFR 2.31)."
)
REDISCLOSURE_NOTICE = (
    "This information is disclosed with the person's consent for the purpose stated. Do not "
    "share it with anyone else, or use it for another purpose, without their further consent."
)


@dataclass(frozen=True)
class ConsentTerms:
    """What a consent says, as the rule needs it."""

    id: str
    categories: frozenset[str]
    purposes: frozenset[str]
    recipient_organization_id: str = ""  # one partner organisation, or
    recipient_class: str = ""  # a class of recipients (a need code)
    signed_on: date | None = None
    expires_on: date | None = None  # the last day it is valid
    ended_at: datetime | None = None  # the ending event recorded
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class Disclosure:
    """What would go out: to whom, why, and which categories of information."""

    recipient_organization_id: str
    purpose: str
    categories: frozenset[str]
    recipient_classes: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: str  # "consent" | "emergency" | "not_needed" | "" when refused
    consent_id: str = ""
    reason: str = ""


def needs_consent(categories: Iterable[str]) -> frozenset[str]:
    """The categories among ``categories`` that may go out only with consent."""
    return frozenset(categories) & CONSENT_CATEGORIES


def why_inactive(terms: ConsentTerms, at: datetime) -> str:
    """Why a consent is not in force at ``at`` ("" when it is)."""
    if terms.revoked_at is not None and terms.revoked_at <= at:
        return f"consent {terms.id} was revoked on {terms.revoked_at.date().isoformat()}"
    if terms.ended_at is not None and terms.ended_at <= at:
        return f"consent {terms.id} ended (its ending event was recorded)"
    if terms.signed_on is not None and terms.signed_on > at.date():
        return f"consent {terms.id} is dated {terms.signed_on.isoformat()}, after this"
    if terms.expires_on is not None and terms.expires_on < at.date():
        return f"consent {terms.id} expired on {terms.expires_on.isoformat()}"
    return ""


def why_not_covering(terms: ConsentTerms, disclosure: Disclosure) -> str:
    """Why a consent does not cover ``disclosure`` ("" when it does)."""
    if terms.recipient_organization_id:
        if terms.recipient_organization_id != disclosure.recipient_organization_id:
            return f"consent {terms.id} names another recipient"
    elif terms.recipient_class not in disclosure.recipient_classes:
        label = RECIPIENT_CLASSES.get(terms.recipient_class, terms.recipient_class or "nobody")
        return f"consent {terms.id} covers {label.lower()}, and this service is not one"
    if disclosure.purpose not in terms.purposes:
        return f"consent {terms.id} does not cover the purpose {disclosure.purpose!r}"
    missing = needs_consent(disclosure.categories) - terms.categories
    if missing:
        names = ", ".join(sorted(CATEGORIES.get(c, c).split(" (")[0].lower() for c in missing))
        return f"consent {terms.id} does not cover {names}"
    return ""


def decide(
    disclosure: Disclosure,
    consents: Sequence[ConsentTerms],
    *,
    at: datetime,
    emergency_basis: str = "",
) -> Decision:
    """Whether ``disclosure`` may go out at ``at``, and on what basis."""
    if not needs_consent(disclosure.categories):
        return Decision(True, "not_needed")
    reasons = []
    for terms in consents:
        reason = why_inactive(terms, at) or why_not_covering(terms, disclosure)
        if not reason:
            return Decision(True, "consent", consent_id=terms.id)
        reasons.append(reason)
    if emergency_basis.strip():
        return Decision(True, "emergency")
    if not reasons:
        return Decision(False, "", reason="the person has no consent on record for this")
    return Decision(False, "", reason="no consent covers this disclosure: " + "; ".join(reasons))
