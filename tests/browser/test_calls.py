"""A dispatcher finds a call on a tablet: filter the list in place, open the call."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from coresponder.access.roles import Role
from tests.browser.chromium import TABLET, skip_without_chromium
from tests.browser.flows import sign_in
from tests.calls.factories import make_call
from tests.factories import AgencyFactory, UserFactory, enrol_totp

skip_without_chromium()
pytestmark = pytest.mark.browser

OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"


def test_it_lets_a_dispatcher_filter_calls_and_open_one_on_a_tablet(page: Page) -> None:
    agency = AgencyFactory(slug="testville", name="Testville Police Department")
    make_call(agency, event_number="25-0001", final_type_text="MENTAL HEALTH CRISIS")
    make_call(agency, event_number="25-0002", received_at=datetime(2025, 6, 1, tzinfo=UTC))
    dispatcher = UserFactory(username="dana", agency=agency, roles=[(Role.DISPATCHER, None)])
    page.set_viewport_size(TABLET)
    sign_in(page, dispatcher, enrol_totp(dispatcher))

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Calls", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calls for service")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    assert page.evaluate(OVERFLOW) <= 0, "the calls list scrolls sideways at 768px"

    page.get_by_label("Call type").fill("MENTAL HEALTH CRISIS")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"call_type=MENTAL"))

    page.get_by_role("link", name="25-0001").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("25-0001")
    expect(page.get_by_text("NARRATIVE-CANARY")).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0, "the call page scrolls sideways at 768px"
