"""The people who call most, in the browser: a social worker finds them from the menu, reads
one person's calls, police hours and months, splits off a mention the model grouped wrongly,
and undoes it; the trend shows places and people."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from coresponder.access.roles import Role
from coresponder.calls.engine.records import PersonRecord, UnitRecord
from coresponder.linkage import services
from tests.browser.chromium import TABLET, skip_without_chromium
from tests.browser.flows import sign_in
from tests.calls.factories import make_call
from tests.factories import AgencyFactory, TeamFactory, UserFactory, enrol_totp

skip_without_chromium()
pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WRITTEN = [
    ("SMITHERS, ROBERT", "1980-06-04", "503-555-2301"),
    ("ROBERT SMITHERS", "06/04/1980", "5035552301"),
    ("BOB SMITHERS", "1980-06-04", "503-555-2301"),
    ("SMITHERS, ROBERT", "1980-06-04", "503-555-2301"),
    ("ROBERT SMITHRES", "1980-06-04", "503-555-2301"),
    ("SMITHERS ROBERT", "1980-06-04", "(503) 555-2301"),
]


def _calls(agency: Any, now: datetime) -> None:
    for index, (name, dob, phone) in enumerate(WRITTEN):
        received = now - timedelta(days=5 + index * 30)
        make_call(
            agency,
            received_at=received,
            address_raw="1452 HAZEL ST",
            persons=[PersonRecord(role="subject", name=name, date_of_birth=dob, phone=phone)],
            units=[
                UnitRecord(
                    unit_id="2A31", dispatched_at=received, cleared_at=received + timedelta(hours=2)
                )
            ],  # fmt: skip
        )


def test_a_worker_reads_a_frequent_person_and_splits_a_mention_off(
    page: Page, app_url: str, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path  # the stored linkage model
    agency = AgencyFactory(slug="testville", name="Testville Police Department")
    team = TeamFactory(agency=agency, name="Team A")
    worker = UserFactory(username="wren", agency=agency, roles=[(Role.SOCIAL_WORKER, team)])
    _calls(agency, timezone.now())
    services.link_people(actor=None, agency=agency, today=date.today())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, worker, enrol_totp(worker))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Frequent people").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People who call most")
    row = page.get_by_role("row").filter(has_text="SMITHERS")
    expect(row).to_contain_text("12.0")  # six calls, two police unit-hours each
    page.screenshot(path=str(SCREENSHOTS / "repeat-people-desktop.png"), full_page=True)
    row.get_by_role("link").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("ROBERT SMITHERS across calls")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("6 in 365 days")
    expect(facts).to_contain_text("12.0 in 12 months")
    expect(page.get_by_role("heading", name="Calls per month (12 months)")).to_be_visible()
    for label, size in (("desktop", {"width": 1280, "height": 900}), ("tablet", TABLET)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"repeat-person-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Split off ROBERT SMITHRES", exact=False).check()
    page.get_by_label("Why they are not this person").fill("Another Robert: different address")
    page.get_by_role("button", name="Split the ticked mentions off").click()
    expect(page.locator(".messages")).to_contain_text("Split off 1 mention")
    expect(page.locator("main")).to_contain_text("split off")
    expect(facts).to_contain_text("5 in 365 days")

    page.get_by_label("Why", exact=True).fill("The same Robert after all")
    page.get_by_role("button", name="Undo the split").click()
    expect(page.locator(".messages")).to_contain_text("Split undone")
    expect(page.locator("dl.facts")).to_contain_text("6 in 365 days")

    page.goto(f"{app_url}/repeat/trend/")
    expect(page.get_by_role("heading", name="Share of the year's calls naming a frequent person"))
    expect(page.get_by_role("region", name="People trend table")).to_contain_text("100 %")
    page.screenshot(path=str(SCREENSHOTS / "repeat-trend-desktop.png"), full_page=True)
