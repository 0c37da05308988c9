"""Referrals from a case through their lifecycle, consent before disclosure, the ledger, the
partner's signed link and the notifications that say only that something needs attention."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.notifications.models import Notification
from coresponder.referrals import services
from coresponder.referrals.models import Disclosure, PartnerLink, Referral
from tests.conftest import Personas, sign_in
from tests.referrals.flow import (
    CLINIC,
    NORTHSIDE,
    RIVERSIDE,
    draft_referral,
    open_case,
    record_consent,
    send,
    stock_directory,
)


@pytest.fixture
def case(personas: Personas):
    stock_directory(personas)
    return open_case(personas)


def _mental_health_referral(personas: Personas, case) -> Referral:
    return draft_referral(personas, case, service_id=CLINIC, needs=["mental_health"])


def test_a_referral_for_mental_health_is_refused_without_consent_and_nothing_leaves(
    personas: Personas, case
) -> None:
    referral = _mental_health_referral(personas, case)
    assert referral.categories == ["behavioral_health", "contact", "identity"]
    with pytest.raises(services.ReferralError, match="the person has no consent on record"):
        send(personas, referral)
    referral.refresh_from_db()
    assert referral.status == "draft" and not Disclosure.objects.exists()
    assert not PartnerLink.objects.exists() and mail.outbox == []
    refused = AuditEvent.objects.get(action=AuditAction.REFERRAL_REFUSED)
    assert refused.outcome == "denied" and "no consent" in refused.reason


def test_with_a_covering_consent_it_is_sent_ledgered_and_the_partner_emailed(
    personas: Personas, case
) -> None:
    consent = record_consent(personas, case.person)
    referral = _mental_health_referral(personas, case)
    sent = send(personas, referral, base_url="https://cr.example.org")
    referral.refresh_from_db()
    assert referral.status == "sent" and referral.consent == consent
    assert referral.answer_due_at == referral.sent_at + timedelta(days=5)
    row = Disclosure.objects.get(person=case.person)
    assert (row.kind, row.basis, row.consent, row.recipient) == (
        "referral", "consent", consent, "Riverside Community Services"
    )  # fmt: skip
    assert row.categories == ["behavioral_health", "contact", "identity"]
    assert sent.link_url.startswith(f"/partner/referrals/{referral.public_id}/")
    # The partner has no e-mail in this directory: none is sent, the worker gives the link.
    assert mail.outbox == []
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {AuditAction.REFERRAL_SENT, AuditAction.DISCLOSURE_RECORDED} <= actions
    assert AuditAction.PARTNER_LINK_CREATED in actions


def test_the_partner_email_holds_the_link_and_no_name(personas: Personas, case) -> None:
    record_consent(personas, case.person)
    referral = _mental_health_referral(personas, case)
    Referral.objects.filter(pk=referral.pk).update_audited(partner_email="intake@example.org")
    referral.refresh_from_db()
    sent = send(personas, referral, base_url="https://cr.example.org")
    (message,) = mail.outbox
    assert message.to == ["intake@example.org"]
    assert f"https://cr.example.org{sent.link_url}" in message.body
    for private in ("Dana", "Reyes", "mental", "Needs a bed"):
        assert private not in message.body and private not in message.subject


def test_a_referral_without_health_information_needs_no_consent_but_is_ledgered(
    personas: Personas, case
) -> None:
    referral = draft_referral(personas, case, needs=["housing"])
    send(personas, referral)
    row = Disclosure.objects.get()
    assert row.basis == "not_needed" and row.recipient_organization_id == NORTHSIDE


def test_an_emergency_basis_lets_it_go_without_consent_and_the_ledger_says_so(
    personas: Personas, case
) -> None:
    referral = _mental_health_referral(personas, case)
    send(personas, referral, emergency_basis="Overdose; the ED asked for history (J. Park)")
    row = Disclosure.objects.get()
    assert row.basis == "emergency" and "Overdose" in row.emergency_basis


@pytest.mark.parametrize(
    ("terms", "reason"),
    [
        ({"expires_on": timezone.localdate() - timedelta(days=1),
          "signed_on": timezone.localdate() - timedelta(days=30)}, "expired on"),
        ({"recipient_organization_id": NORTHSIDE}, "names another recipient"),
        ({"purposes": ["benefits"]}, "does not cover the purpose"),
        ({"categories": ["identity", "substance_use"]}, "does not cover mental-health"),
    ],
)  # fmt: skip
def test_a_consent_that_does_not_cover_it_is_refused_with_the_reason(
    personas: Personas, case, terms: dict[str, object], reason: str
) -> None:
    record_consent(personas, case.person, **terms)
    with pytest.raises(services.ReferralError, match=reason):
        send(personas, _mental_health_referral(personas, case))


def test_a_revoked_consent_no_longer_covers_anything(personas: Personas, case) -> None:
    consent = record_consent(personas, case.person)
    services.consent_revoke(actor=personas.worker_a, consent=consent, note="By phone, 10:05")
    with pytest.raises(services.ReferralError, match="was revoked on"):
        send(personas, _mental_health_referral(personas, case))


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"method": "verbal"}, "A verbal consent needs a witness"),
        ({"categories": []}, "Choose the kinds of information"),
        ({"recipient_organization_id": "", "recipient_class": ""}, "Name the recipient"),
        ({"expires_on": None}, "A consent needs an end"),
        ({"signed_on": timezone.localdate() + timedelta(days=2)}, "in the future"),
        ({"recipient_organization_id": "not-in-directory"}, "not in the directory"),
    ],
)
def test_an_incomplete_consent_is_refused_on_its_field(
    personas: Personas, case, terms: dict[str, object], message: str
) -> None:
    with pytest.raises(services.ReferralError, match=message):
        record_consent(personas, case.person, **terms)


# ---- The partner's link ---------------------------------------------------------------------


def _sent_with_link(personas: Personas, case) -> tuple[Referral, str]:
    record_consent(personas, case.person)
    referral = _mental_health_referral(personas, case)
    sent = send(personas, referral)
    referral.refresh_from_db()
    return referral, sent.link_url


def test_the_partner_sees_only_the_referral_and_closes_the_loop(personas: Personas, case) -> None:
    referral, link = _sent_with_link(personas, case)
    partner = Client()
    page = partner.get(link)
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    text = page.content.decode()
    assert "Dana Reyes" in text and "Needs a bed tonight." in text
    assert "42 CFR part 2" not in text  # no substance-use information in this one
    assert "consent of Dana Reyes" in text
    assert 'href="/cases/' not in text and "Sign out" not in text
    for step, note in (("accepted", "Intake Monday 9:00"), ("engaged", ""), ("completed", "")):
        referral.refresh_from_db()
        answer = partner.post(link, {"to": step, "version": referral.version, "note": note})
        assert answer.status_code == 302, answer.content.decode()[:500]
    referral.refresh_from_db()
    assert referral.status == "completed" and referral.outcome == "Intake Monday 9:00"
    assert [e.by_partner for e in referral.events.all()] == [False, False, True, True, True]
    told = Notification.objects.filter(recipient=personas.worker_a)
    assert told.count() == 3 and "Dana" not in told.first().message
    assert partner.get(reverse("cases:detail", args=[case.public_id])).status_code == 302


def test_the_partner_cannot_skip_a_step(personas: Personas, case) -> None:
    referral, link = _sent_with_link(personas, case)
    answer = Client().post(link, {"to": "completed", "version": referral.version})
    assert answer.status_code == 400
    assert "A sent referral cannot become completed" in answer.content.decode()


def test_a_link_for_another_referral_expired_or_withdrawn_is_not_found(
    personas: Personas, case
) -> None:
    referral, link = _sent_with_link(personas, case)
    other = draft_referral(personas, case, needs=["housing"])
    token = link.rstrip("/").rsplit("/", 1)[1]
    partner = Client()
    assert partner.get(f"/partner/referrals/{other.public_id}/{token}/").status_code == 404
    assert partner.get(link[:-3] + "xx/").status_code == 404
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert partner.get(link).status_code == 404
    services.partner_links_revoke(actor=personas.worker_a, referral=referral)
    assert partner.get(link).status_code == 404
    reasons = AuditEvent.objects.filter(action=AuditAction.PARTNER_LINK_REFUSED)
    assert sorted(reasons.values_list("reason", flat=True)) == [
        "bad or expired signature",
        "bad or expired signature",
        "link made for another referral",
        "link withdrawn",
    ]


def test_withdrawing_a_referral_ends_its_links(personas: Personas, case) -> None:
    referral, link = _sent_with_link(personas, case)
    services.referral_transition(
        actor=personas.worker_a,
        referral=referral,
        to="withdrawn",
        expected_version=referral.version,
    )
    assert Client().get(link).status_code == 404


def test_a_stale_version_is_a_conflict(personas: Personas, case) -> None:
    referral, _ = _sent_with_link(personas, case)
    with pytest.raises(services.ReferralConflict):
        services.referral_transition(
            actor=personas.worker_a, referral=referral, to="accepted", expected_version=1
        )


# ---- The worker's side ----------------------------------------------------------------------


def test_an_unanswered_referral_shows_on_my_day_once_overdue(personas: Personas, case) -> None:
    referral = draft_referral(personas, case, needs=["housing"])
    send(personas, referral)
    client = sign_in(Client(), personas.worker_a)
    assert "waiting too long" not in client.get(reverse("cases:my_day")).content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        client = sign_in(Client(), personas.worker_a)
        text = client.get(reverse("cases:my_day")).content.decode()
        assert "waiting too long" in text and "Overnight Shelter" in text
        overdue = client.get(reverse("referrals:list") + "?status=overdue").content.decode()
        assert "overdue" in overdue and "Dana Reyes" in overdue


def test_the_pages_take_a_referral_from_the_case_to_sent(personas: Personas, case) -> None:
    client = sign_in(Client(), personas.worker_a)
    choose = client.get(reverse("referrals:new") + f"?case={case.public_id}")
    assert "Walk-in Counseling Clinic" in choose.content.decode()
    url = reverse("referrals:new") + f"?case={case.public_id}&service={CLINIC}"
    made = client.post(url, {"needs": ["mental_health"], "purpose": "referral", "note": "Hi"})
    referral = Referral.objects.get()
    assert made["Location"] == reverse("referrals:referral", args=[referral.public_id])
    page = client.get(made["Location"]).content.decode()
    assert "Not yet: the person has no consent on record" in page
    refused = client.post(reverse("referrals:send", args=[referral.public_id]), {"version": 1})
    assert refused.status_code == 400 and "Not sent:" in refused.content.decode()
    consents = reverse("referrals:consents", args=[case.person.public_id])
    recorded = client.post(
        consents,
        {
            "categories": ["identity", "contact", "behavioral_health"],
            "recipient_organization_id": RIVERSIDE,
            "purposes": ["referral"],
            "signed_on": timezone.localdate().isoformat(),
            "expiry_event": "the end of counseling",
            "method": "verbal",
            "signed_by": "Dana Reyes",
            "witness": "Sam Lee",
        },
    )
    assert recorded.status_code == 302
    sent = client.post(reverse("referrals:send", args=[referral.public_id]), {"version": 1})
    assert sent.status_code == 302
    page = client.get(sent["Location"]).content.decode()
    assert "/partner/referrals/" in page and "Sent" in page
    ledger = client.get(reverse("referrals:disclosures", args=[case.person.public_id]))
    assert "Riverside Community Services" in ledger.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.DISCLOSURES_VIEWED).count() == 1


def test_the_disclosures_command_prints_the_accounting(personas: Personas, case) -> None:
    from click.testing import CliRunner

    from coresponder.cli import main

    send(personas, draft_referral(personas, case, needs=["housing"]))
    args = ["disclosures", str(case.person.public_id), "--agency", "testville", "--format", "csv"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("date,recipient,what") and "Northside Mission" in lines[1]
    missing = CliRunner().invoke(main, ["disclosures", "nobody", "--agency", "testville"])
    assert missing.exit_code != 0 and "No person nobody" in missing.output
