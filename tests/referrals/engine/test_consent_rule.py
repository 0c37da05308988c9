"""The consent rule (engine, no Django): a disclosure is allowed exactly when nothing in it
needs consent, an active covering consent exists, or an emergency basis is recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from coresponder.referrals.engine.consent import (
    CATEGORIES,
    CONSENT_CATEGORIES,
    PURPOSES,
    RECIPIENT_CLASSES,
    ConsentTerms,
    Disclosure,
    decide,
)

AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ORGS = ["org-a", "org-b", "org-c"]


def _consent(**terms: object) -> ConsentTerms:
    values: dict[str, object] = {
        "id": "c1",
        "categories": frozenset({"behavioral_health"}),
        "purposes": frozenset({"referral"}),
        "recipient_organization_id": "org-a",
        "signed_on": date(2026, 1, 1),
        "expires_on": date(2026, 12, 31),
    }
    values.update(terms)
    return ConsentTerms(**values)  # type: ignore[arg-type]


MH_TO_A = Disclosure("org-a", "referral", frozenset({"identity", "behavioral_health"}))


def test_it_allows_a_covered_disclosure_and_names_the_consent() -> None:
    decision = decide(MH_TO_A, [_consent()], at=AT)
    assert (decision.allowed, decision.basis, decision.consent_id) == (True, "consent", "c1")


def test_it_needs_no_consent_for_a_disclosure_without_health_information() -> None:
    plain = Disclosure("org-b", "referral", frozenset({"identity", "contact", "social_needs"}))
    assert decide(plain, [], at=AT).basis == "not_needed"


def test_it_refuses_with_the_reason_for_each_consent_on_record() -> None:
    consents = [
        _consent(id="expired", expires_on=date(2026, 5, 31)),
        _consent(id="revoked", revoked_at=AT - timedelta(days=1)),
        _consent(id="other", recipient_organization_id="org-b"),
        _consent(id="purpose", purposes=frozenset({"benefits"})),
        _consent(id="what", categories=frozenset({"substance_use"})),
        _consent(id="ended", ended_at=AT - timedelta(hours=1)),
        _consent(id="future", signed_on=date(2026, 6, 2)),
    ]
    decision = decide(MH_TO_A, consents, at=AT)
    assert not decision.allowed
    for reason in (
        "consent expired expired on 2026-05-31",
        "consent revoked was revoked on 2026-05-31",
        "consent other names another recipient",
        "consent purpose does not cover the purpose 'referral'",
        "consent what does not cover mental-health information",
        "consent ended ended",
        "consent future is dated 2026-06-02",
    ):
        assert reason in decision.reason


def test_it_is_valid_through_its_last_day_and_not_after() -> None:
    last_day = _consent(expires_on=AT.date())
    assert decide(MH_TO_A, [last_day], at=AT).allowed
    assert not decide(MH_TO_A, [last_day], at=AT + timedelta(days=1)).allowed


def test_a_class_of_recipients_covers_a_service_of_that_kind_only() -> None:
    housing = _consent(recipient_organization_id="", recipient_class="housing")
    to_shelter = Disclosure(
        "org-z", "referral", frozenset({"behavioral_health"}), frozenset({"housing"})
    )
    to_food = Disclosure("org-z", "referral", frozenset({"behavioral_health"}), frozenset({"food"}))
    assert decide(to_shelter, [housing], at=AT).allowed
    assert "covers housing and shelter providers" in decide(to_food, [housing], at=AT).reason


def test_substance_use_needs_its_own_category() -> None:
    sud = Disclosure("org-a", "referral", frozenset({"behavioral_health", "substance_use"}))
    assert not decide(sud, [_consent()], at=AT).allowed
    both = _consent(categories=frozenset({"behavioral_health", "substance_use"}))
    assert decide(sud, [both], at=AT).allowed


def test_an_emergency_basis_allows_it_and_says_so() -> None:
    decision = decide(MH_TO_A, [], at=AT, emergency_basis="Unconscious; ED needs history")
    assert (decision.allowed, decision.basis) == (True, "emergency")
    assert not decide(MH_TO_A, [], at=AT, emergency_basis="   ").allowed


# ---- The property: allowed exactly when the oracle says so ----------------------------------

days = st.integers(min_value=-400, max_value=400).map(lambda n: AT.date() + timedelta(days=n))
moments = st.integers(min_value=-400, max_value=400).map(lambda n: AT + timedelta(hours=n))
category_sets = st.frozensets(st.sampled_from(sorted(CATEGORIES)), max_size=4)
classes = st.frozensets(st.sampled_from(sorted(RECIPIENT_CLASSES)), max_size=3)


@st.composite
def consents(draw: st.DrawFn, index: int = 0) -> ConsentTerms:
    by_class = draw(st.booleans())
    signed = draw(days)
    return ConsentTerms(
        id=f"c{draw(st.integers(0, 10_000))}",
        categories=draw(category_sets),
        purposes=draw(st.frozensets(st.sampled_from(sorted(PURPOSES)), min_size=1, max_size=3)),
        recipient_organization_id="" if by_class else draw(st.sampled_from(ORGS)),
        recipient_class=draw(st.sampled_from(sorted(RECIPIENT_CLASSES))) if by_class else "",
        signed_on=signed,
        expires_on=draw(st.none() | days),
        ended_at=draw(st.none() | moments),
        revoked_at=draw(st.none() | moments),
    )


disclosures = st.builds(
    Disclosure,
    recipient_organization_id=st.sampled_from(ORGS),
    purpose=st.sampled_from(sorted(PURPOSES)),
    categories=category_sets,
    recipient_classes=classes,
)


def _oracle(d: Disclosure, consent_list: list[ConsentTerms], emergency: str) -> bool:
    """The rule as the issue states it, written independently of the engine."""
    sensitive = {c for c in d.categories if c in CONSENT_CATEGORIES}
    if not sensitive or emergency.strip():
        return True

    def active(c: ConsentTerms) -> bool:
        return (
            (c.revoked_at is None or c.revoked_at > AT)
            and (c.ended_at is None or c.ended_at > AT)
            and (c.signed_on is None or c.signed_on <= AT.date())
            and (c.expires_on is None or c.expires_on >= AT.date())
        )

    def covers(c: ConsentTerms) -> bool:
        if c.recipient_organization_id:
            recipient_ok = c.recipient_organization_id == d.recipient_organization_id
        else:
            recipient_ok = c.recipient_class in d.recipient_classes
        return recipient_ok and d.purpose in c.purposes and sensitive <= c.categories

    return any(active(c) and covers(c) for c in consent_list)


@settings(max_examples=2000, deadline=None)
@given(
    disclosure=disclosures,
    consent_list=st.lists(consents(), max_size=4),
    emergency=st.sampled_from(["", "  ", "Overdose: ED needs history"]),
)
def test_a_disclosure_is_allowed_exactly_when_a_covering_consent_or_emergency_exists(
    disclosure: Disclosure, consent_list: list[ConsentTerms], emergency: str
) -> None:
    decision = decide(disclosure, consent_list, at=AT, emergency_basis=emergency)
    assert decision.allowed == _oracle(disclosure, consent_list, emergency)
    if decision.allowed and decision.basis == "consent":
        assert decision.consent_id in {c.id for c in consent_list}
    if not decision.allowed:
        assert decision.reason
