"""Repeated wrong passwords lock a username, and the right one no longer opens it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from coresponder.access.roles import Role
from coresponder.accounts.services import FAILED_MESSAGE, LOCKED_MESSAGE
from tests.browser.chromium import skip_without_chromium
from tests.browser.flows import submit_password
from tests.factories import PASSWORD, AgencyFactory, UserFactory

skip_without_chromium()
pytestmark = pytest.mark.browser


def test_it_locks_a_username_after_five_wrong_passwords(page: Page) -> None:
    agency = AgencyFactory(slug="testville", name="Testville Police Department")
    UserFactory(username="jordan", agency=agency, roles=[(Role.OFFICER, None)])
    alert = page.get_by_role("alert")

    for attempt in range(1, 6):
        submit_password(page, "jordan", f"wrong password number {attempt}")
        expect(page).to_have_url(re.compile(r"/login/$"))
        expect(alert).to_have_text(LOCKED_MESSAGE if attempt == 5 else FAILED_MESSAGE)

    submit_password(page, "jordan", PASSWORD)
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(alert).to_have_text(LOCKED_MESSAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=%2F$"))
