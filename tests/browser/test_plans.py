"""A response plan in the browser: a worker writes it from the person's page, a supervisor
approves it, and an officer sees it on the call page and nothing else about the person."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from coresponder.access.roles import Role
from coresponder.cases.services import case_open, note_write, person_create, person_link_call
from tests.browser.chromium import TABLET, skip_without_chromium
from tests.browser.flows import sign_in
from tests.calls.factories import make_call
from tests.factories import AgencyFactory, TeamFactory, UserFactory, enrol_totp

skip_without_chromium()
pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def test_a_plan_goes_from_worker_to_supervisor_to_the_officer(page: Page, app_url: str) -> None:
    agency = AgencyFactory(slug="testville", name="Testville Police Department")
    team = TeamFactory(agency=agency, name="Team A")
    worker = UserFactory(username="wren", agency=agency, roles=[(Role.SOCIAL_WORKER, team)])
    supervisor = UserFactory(username="sade", agency=agency, roles=[(Role.SUPERVISOR, team)])
    officer = UserFactory(username="otto", agency=agency, roles=[(Role.OFFICER, None)])
    person = person_create(actor=worker, first_name="Leo", last_name="Marsh")
    case = case_open(actor=worker, person=person, source="self_referral")
    note_write(actor=worker, case=case, body="CLINICAL-CANARY: history of psychosis")
    call = make_call(agency, event_number="25-0900", address_raw="1452 HAZEL ST")
    person_link_call(actor=worker, person=person, call=call, role="subject")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, worker, enrol_totp(worker))
    page.goto(f"{app_url}/cases/people/{person.public_id}/")
    page.get_by_role("link", name="Write a response plan").click()
    page.get_by_label("Safety concerns").fill("Startles at sirens; may run into traffic.")
    page.get_by_label("What helps").fill("Speak slowly; let him keep his dog close.")
    review_by = timezone.localdate() + timedelta(days=90)
    page.get_by_label("Review by (it stops showing after this day)").fill(review_by.isoformat())
    page.screenshot(path=str(SCREENSHOTS / "plans-new-desktop.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("once someone approves it")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)  # not its author's
    plan_url = page.url
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, supervisor, enrol_totp(supervisor))
    page.goto(f"{app_url}/plans/")
    expect(page.locator("main")).to_contain_text("Plan: Leo Marsh")
    page.goto(plan_url)
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("Approved")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, officer, enrol_totp(officer))
    page.goto(f"{app_url}/calls/{call.public_id}/")
    briefing = page.get_by_role("region", name="Before you arrive")
    expect(briefing).to_contain_text("Response plan: Leo Marsh")
    expect(briefing).to_contain_text("Speak slowly")
    expect(page.locator("main")).not_to_contain_text("CLINICAL-CANARY")
    expect(page.locator(f"a[href*='{person.public_id}']")).to_have_count(0)
    for label, size in (("desktop", {"width": 1280, "height": 900}), ("tablet", TABLET)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"plans-officer-call-{label}.png"), full_page=True)
    response = page.goto(plan_url)
    assert response is not None and response.status == 404
