"""A supervisor reads the outcomes dashboard in the browser: the charts are drawn by the
vendored Vega under the page's Content-Security-Policy, a filter changes the figures, a chart's
table view opens; the page is photographed at desktop and tablet width."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from coresponder.access.roles import Role
from coresponder.triage.models import TriageDecision
from tests.browser.chromium import TABLET, skip_without_chromium
from tests.browser.flows import sign_in
from tests.calls.factories import make_call
from tests.factories import AgencyFactory, TeamFactory, UserFactory, enrol_totp

skip_without_chromium()
pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"
MODES = ("alternative", "co_response", "police", "police", "ems", "no_dispatch")


def _photograph(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("tablet", TABLET)):
        page.set_viewport_size(size)
        page.wait_for_timeout(300)  # the charts fit their new width
        page.screenshot(
            path=str(SCREENSHOTS / f"outcomes-{name}-{label}.png"), full_page=True, caret="initial"
        )
        if label == "tablet":
            assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways at 768px"
    page.set_viewport_size(DESKTOP)


def test_a_supervisor_reads_the_outcomes_dashboard(page: Page) -> None:
    agency = AgencyFactory(slug="testville", name="Testville Police Department")
    team = TeamFactory(agency=agency, name="Team A")
    start = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
    for i in range(60):
        call = make_call(
            agency,
            received_at=start + timedelta(days=5 * i, hours=i % 14),
            call_source="911",
            district="North" if i % 3 else "South",
        )
        TriageDecision.objects.update_or_create(
            call=call,
            defaults={
                "agency_id": agency.pk,
                "received_at": call.received_at,
                "category": "mental_health" if i % 2 else "welfare_check",
                "behavioural_health": True,
                "mode": MODES[i % len(MODES)],
                "eligible": i % 4 != 0,
                "rule": "test",
                "policy_version": "test",
                "call_content_hash": call.content_hash,
            },
        )
    supervisor = UserFactory(username="sade", agency=agency, roles=[(Role.SUPERVISOR, team)])
    page.set_viewport_size(DESKTOP)
    sign_in(page, supervisor, enrol_totp(supervisor))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes: 2025")
    charts = page.locator(".vega-chart")
    expect(charts.first).to_have_attribute("data-drawn", "true")
    expect(page.locator(".vega-chart[data-error]")).to_have_count(0)
    expect(page.locator("#chart-calls_by_mode svg").first).to_be_visible()
    _photograph(page, "year")

    page.get_by_label("Response mode", exact=True).select_option("police")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"mode=police"))
    program_share = page.locator(".card", has_text="Program share of calls")
    expect(program_share).to_contain_text("0%")

    calls_by_mode = page.locator("#chart-calls_by_mode")
    calls_by_mode.get_by_text("Table view").click()
    table = calls_by_mode.get_by_role("table")
    expect(table).to_be_visible()
    expect(table.get_by_role("row").last).to_contain_text("20")  # every police call
    expect(calls_by_mode.locator("svg").first).to_be_visible()
    _photograph(page, "police-table")
