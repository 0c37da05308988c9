"""Keyboard use: the skip link comes first and takes focus past the header to the content."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from coresponder.access.roles import Role
from tests.browser.chromium import skip_without_chromium
from tests.browser.flows import sign_in
from tests.factories import AgencyFactory, UserFactory, enrol_totp

skip_without_chromium()
pytestmark = pytest.mark.browser


def skip_to_main(page: Page) -> None:
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#main$"))


def test_it_makes_the_skip_link_the_first_tab_stop_on_the_sign_in_page(page: Page) -> None:
    page.goto("/login/")
    skip_to_main(page)
    # The next Tab continues inside main, not back in the header.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()


def test_it_makes_the_skip_link_the_first_tab_stop_past_the_navigation(page: Page) -> None:
    agency = AgencyFactory(slug="testville", name="Testville Police Department")
    admin = UserFactory(username="robin", agency=agency, roles=[(Role.ADMIN, None)])
    sign_in(page, admin, enrol_totp(admin))
    page.goto("/admin/users/")
    skip_to_main(page)
    page.keyboard.press("Tab")
    focused_inside_main = page.evaluate(
        "document.getElementById('main').contains(document.activeElement)"
    )
    assert focused_inside_main
