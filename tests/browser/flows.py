"""What a person does in the browser, step by step, shared by the browser tests."""

from __future__ import annotations

import re

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from coresponder.accounts.models import User
from tests.factories import PASSWORD, current_code


def submit_password(page: Page, username: str, password: str, *, acknowledge: bool = True):
    """Fill the sign-in form and submit it; returns once the next page has loaded."""
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_label("I have read the notice above").set_checked(acknowledge)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def sign_in(page: Page, user: User, device: TOTPDevice) -> None:
    """Sign in through the pages as a person with an enrolled authenticator."""
    submit_password(page, user.username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/mfa/verify/"))
    page.get_by_label("Six-digit code").fill(current_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
