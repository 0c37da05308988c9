"""A dispatcher works the triage board: calls arrive while the page is open, each with its
recommendation and reasons; the dispatcher accepts one and overrides another with a reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from coresponder.access.roles import Role
from coresponder.triage.models import DispatcherAnswer
from tests.browser.chromium import TABLET, skip_without_chromium
from tests.browser.flows import sign_in
from tests.calls.factories import make_call
from tests.factories import AgencyFactory, UserFactory, enrol_totp

skip_without_chromium()
pytestmark = pytest.mark.browser

OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"
NOON = datetime(2025, 5, 5, 12, 0, tzinfo=UTC)


def test_a_dispatcher_sees_calls_arrive_and_answers_them(page: Page) -> None:
    agency = AgencyFactory(slug="testville", name="Testville Police Department")
    make_call(agency, event_number="25-0001", initial_type_text="MENTAL HEALTH CRISIS",
              received_at=NOON)  # fmt: skip
    dispatcher = UserFactory(username="dana", agency=agency, roles=[(Role.DISPATCHER, None)])
    page.set_viewport_size(TABLET)
    sign_in(page, dispatcher, enrol_totp(dispatcher))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dispatch board").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dispatcher board")
    first = page.locator("#board-rows tr", has_text="25-0001")
    expect(first).to_contain_text("Social worker / alternative")
    first.get_by_text("Why").click()
    expect(first).to_contain_text("category mental_health")

    # A call comes in while the board is open: it appears at the top without a reload.
    later = NOON + timedelta(minutes=3)
    make_call(agency, event_number="25-0002", initial_type_text="WELFARE CHECK",
              narrative="Neighbour says he has a knife", received_at=later)  # fmt: skip
    second = page.locator("#board-rows tr").first
    expect(second).to_contain_text("25-0002", timeout=12_000)
    expect(second).to_contain_text("Police")
    expect(page.locator("#board-announcement")).to_have_text("1 new call.")

    first.get_by_role("button", name="Accept").click()
    expect(page.locator("#board-rows tr", has_text="25-0001")).to_contain_text("Accepted")

    second.get_by_text("Override", exact=True).click()
    second.get_by_label("Response").select_option("co_response")
    second.get_by_label("Reason").fill("Crisis team already on scene next door")
    second.get_by_role("button", name="Record override").click()
    expect(page.locator("#board-rows tr", has_text="25-0002")).to_contain_text(
        "Overridden: co_response"
    )
    assert page.evaluate(OVERFLOW) <= 0, "the board scrolls sideways at 768px"
    answers = list(DispatcherAnswer.objects.order_by("pk").values_list("action", "reason"))
    assert answers == [("accepted", ""), ("overridden", "Crisis team already on scene next door")]
