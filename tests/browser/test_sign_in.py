"""A new person's first sign-in: the notice, the acknowledgement, enrolling an authenticator,
the role-aware home page, and signing out."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from coresponder.access.roles import Role
from tests.browser.chromium import skip_without_chromium
from tests.factories import PASSWORD, AgencyFactory, TeamFactory, UserFactory

skip_without_chromium()
pytestmark = pytest.mark.browser


def code_for(spaced_key: str) -> str:
    """What an authenticator app shows now for the key typed in from the enrolment page."""
    key = base64.b32decode(spaced_key.replace(" ", ""))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def test_it_takes_a_new_person_through_the_notice_and_enrolment_to_their_home_page(
    page: Page,
) -> None:
    agency = AgencyFactory(slug="testville", name="Testville Police Department")
    team = TeamFactory(agency=agency, name="Team A")
    person = UserFactory(
        username="sam",
        display_name="Sam Rivera",
        agency=agency,
        roles=[(Role.SOCIAL_WORKER, team)],
    )

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=%2F$"))
    notice = page.get_by_role("region", name="System-use notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Use is monitored and recorded")

    page.get_by_label("Username").fill(person.username)
    page.get_by_label("Password").fill(PASSWORD)
    acknowledgement = page.get_by_label("I have read the notice above and accept its terms")
    expect(acknowledgement).not_to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_text("Acknowledge the system-use notice to sign in.")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value(person.username)

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("I have read the notice above and accept its terms").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/mfa/enrol/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()

    secret = page.locator(".secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+=*", secret.strip()), secret
    page.get_by_label("Six-digit code").fill(code_for(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Finish set-up").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Sam Rivera")
    expect(page.get_by_role("status")).to_contain_text("Your authenticator is set up.")
    card = page.locator(".card")
    expect(card).to_have_count(1)
    expect(card.get_by_role("heading")).to_have_text("Social worker")
    expect(card).to_contain_text("crisis calls, follow-ups and your caseload")
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link")).to_have_text(
        [
            "Home",
            "Calls",
            "Cases",
            "My day",
            "People",
            "Referrals",
            "Repeat calls",
            "Frequent people",
            "Plans",
            "Consults",
            "Conferences",
            "Directory",
            "Notifications",
            "My account",
        ]
    )
    expect(navigation.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    assert TOTPDevice.objects.filter(user=person, confirmed=True).count() == 1

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=%2F$"))
