"""A social worker's day in the browser: from a call to a case, an encounter, a note, an
assessment and the follow-up; the supervisor sees the case in the team caseload; an officer
gets 404 on the case. Each page is photographed at desktop and tablet width."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from coresponder.access.roles import Role
from tests.browser.chromium import TABLET, skip_without_chromium
from tests.browser.flows import sign_in
from tests.calls.factories import make_call
from tests.factories import AgencyFactory, TeamFactory, UserFactory, enrol_totp

skip_without_chromium()
pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"


def _photograph(page: Page, name: str) -> None:
    """Save the page at desktop and tablet width; at tablet width it must not scroll sideways."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("tablet", TABLET)):
        page.set_viewport_size(size)
        page.screenshot(
            path=str(SCREENSHOTS / f"cases-{name}-{label}.png"), full_page=True, caret="initial"
        )
        if label == "tablet":
            assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways at 768px"
    page.set_viewport_size(DESKTOP)


def test_a_social_worker_goes_from_a_call_to_a_case_and_its_follow_up(page: Page) -> None:
    agency = AgencyFactory(slug="testville", name="Testville Police Department")
    team = TeamFactory(agency=agency, name="Team A")
    make_call(agency, event_number="25-0500", final_type_text="MENTAL HEALTH CRISIS")
    worker = UserFactory(username="wren", agency=agency, roles=[(Role.SOCIAL_WORKER, team)])
    supervisor = UserFactory(username="sade", agency=agency, roles=[(Role.SUPERVISOR, team)])
    officer = UserFactory(username="otto", agency=agency, roles=[(Role.OFFICER, None)])
    page.set_viewport_size(DESKTOP)
    sign_in(page, worker, enrol_totp(worker))

    # Find the call and start from it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calls").click()
    page.get_by_role("link", name="25-0500").click()
    _photograph(page, "call")
    page.get_by_role("link", name="Record an encounter for this call").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("who is the person?")

    # Search (nobody yet), then add the person.
    page.get_by_label("Name, other name or date of birth").fill("Rosa Quintero")
    expect(page.locator("#results")).to_contain_text("0 people found")
    _photograph(page, "find-person")
    page.get_by_role("link", name=re.compile("Add a new person")).click()
    expect(page.get_by_label("First name")).to_have_value("Rosa")
    page.get_by_label("Other names (aliases)").fill("Rosie")
    page.get_by_label("Housing").select_option("unsheltered")
    page.get_by_label("Usual location").fill("Under the 5th St bridge")
    _photograph(page, "person-new")
    page.get_by_role("button", name="Add the person").click()

    # Open the case from the call.
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Record an encounter for Rosa Quintero"
    )
    page.get_by_label("Mental health").check()
    page.get_by_label("Housing").check()
    _photograph(page, "case-new")
    page.get_by_role("button", name="Open the case").click()

    # Record the encounter, prefilled from the call.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record an encounter")
    expect(page.get_by_label("Other responders")).to_have_value("2A31")
    page.get_by_label("Outcome").select_option("resolved")
    page.get_by_label("Summary").fill("Talked for 40 minutes; agreed to a visit tomorrow.")
    _photograph(page, "encounter-new")
    page.get_by_role("button", name="Record the encounter").click()
    expect(page.locator(".messages")).to_contain_text("A follow-up is due by")
    case_url = page.url.split("#")[0]

    # A note.
    page.get_by_role("link", name="Write a note", exact=True).click()
    page.get_by_label("Sensitivity").select_option("behavioural_health")
    page.get_by_label("Note", exact=True).fill("Prefers to be called Rosie. Hears voices at night.")
    _photograph(page, "note-new")
    page.get_by_role("button", name="Save the note").click()
    expect(page.locator("#timeline")).to_contain_text("Prefers to be called Rosie")

    # The suicide-risk screen: follow-up questions appear as answers change.
    page.get_by_role("link", name="Suicide-risk screen").click()
    recent = page.get_by_role("group", name=re.compile("thoughts about ending your life"))
    recent.get_by_label("Yes").check()
    frequency = page.get_by_role("group", name=re.compile("How often"))
    expect(frequency).to_be_visible()
    frequency.get_by_label("Once or twice").check()
    page.get_by_role("group", name=re.compile("with you today")).get_by_label("No").check()
    page.get_by_role("group", name=re.compile("how you would do it")).get_by_label("No").check()
    page.get_by_role("group", name=re.compile("a gun where you live")).get_by_label("No").check()
    page.get_by_role("group", name=re.compile("done anything to get ready")).get_by_label(
        "No"
    ).check()
    page.get_by_role("group", name=re.compile("ever tried to end your life")).get_by_label(
        "No"
    ).check()
    _photograph(page, "assessment")
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.locator(".messages")).to_contain_text("Suicide-risk screen completed")
    expect(page.locator("#timeline")).to_contain_text("Thoughts of suicide in the last two weeks")

    # Complete the follow-up task in place.
    task = page.locator(".entry-task .task").first
    task.get_by_label(re.compile("Outcome of")).fill("Phoned; visit booked")
    task.get_by_role("button", name=re.compile("Complete")).click()
    expect(page.locator(".entry-task").first).to_contain_text("Done")
    _photograph(page, "case")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My day").click()
    _photograph(page, "my-day")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    expect(page.locator("#results")).to_contain_text("Rosa Quintero")
    _photograph(page, "caseload-worker")
    page.get_by_role("button", name="Sign out").click()

    # The supervisor sees it in the team caseload.
    sign_in(page, supervisor, enrol_totp(supervisor))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    page.get_by_label("Cases", exact=True).select_option("team")
    expect(page.locator("#results")).to_contain_text("Rosa Quintero")
    expect(page.locator("#results")).to_contain_text("Wren")
    _photograph(page, "caseload-team")
    page.get_by_role("button", name="Sign out").click()

    # An officer opening the case's address gets 404.
    sign_in(page, officer, enrol_totp(officer))
    response = page.goto(case_url)
    assert response is not None and response.status == 404
