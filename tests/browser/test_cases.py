"""A social worker's day in the browser: from a call to a case, an encounter, a note, an
assessment and the follow-up; a referral with consent that the partner accepts through its
link, which the worker then sees engaged; the supervisor sees the case in the team caseload;
an officer gets 404 on the case. Each page is photographed at desktop and tablet width."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from coresponder.access.roles import Role
from coresponder.referrals import services
from coresponder.referrals.engine import read_hsds_json
from tests.browser.chromium import TABLET, skip_without_chromium
from tests.browser.flows import sign_in
from tests.calls.factories import make_call
from tests.factories import AgencyFactory, TeamFactory, UserFactory, enrol_totp
from tests.referrals.helpers import document as directory_document

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
    services.import_directory(
        actor=None, agency=agency, result=read_hsds_json(json.dumps(directory_document()))
    )
    worker = UserFactory(username="wren", agency=agency, roles=[(Role.SOCIAL_WORKER, team)])
    supervisor = UserFactory(username="sade", agency=agency, roles=[(Role.SUPERVISOR, team)])
    officer = UserFactory(username="otto", agency=agency, roles=[(Role.OFFICER, None)])
    page.set_viewport_size(DESKTOP)
    sign_in(page, worker, enrol_totp(worker))

    # Find the call and start from it.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Calls", exact=True
    ).click()
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

    _refer_with_consent_and_let_the_partner_answer(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My day").click()
    _photograph(page, "my-day")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Cases", exact=True
    ).click()
    expect(page.locator("#results")).to_contain_text("Rosa Quintero")
    _photograph(page, "caseload-worker")
    page.get_by_role("button", name="Sign out").click()

    # The supervisor sees it in the team caseload.
    sign_in(page, supervisor, enrol_totp(supervisor))
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Cases", exact=True
    ).click()
    page.get_by_label("Cases", exact=True).select_option("team")
    expect(page.locator("#results")).to_contain_text("Rosa Quintero")
    expect(page.locator("#results")).to_contain_text("Wren")
    _photograph(page, "caseload-team")
    page.get_by_role("button", name="Sign out").click()

    # An officer opening the case's address gets 404.
    sign_in(page, officer, enrol_totp(officer))
    response = page.goto(case_url)
    assert response is not None and response.status == 404


def _refer_with_consent_and_let_the_partner_answer(page: Page) -> None:
    """From the case page: refer to the clinic, record the consent it needs, send it; the
    partner opens its link in a browser of its own, accepts, then says the person engaged."""
    page.get_by_role("link", name="Refer to a partner").click()
    _photograph(page, "referral-choose")
    page.get_by_role("link", name="Walk-in Counseling Clinic").click()
    expect(page.get_by_label("Mental health")).to_be_checked()
    page.get_by_label("Note for the partner").fill("Asks for a counsellor who speaks Spanish.")
    _photograph(page, "referral-new")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator("#send-heading + p")).to_contain_text("no consent on record")
    referral_url = page.url

    page.get_by_role("link", name="Record a consent").click()
    page.get_by_label("Name, date of birth and other identifying details").check()
    page.get_by_label("How to reach the person (phone, address, usual location)").check()
    page.get_by_label("Mental-health information (diagnoses, crises, assessments)").check()
    page.get_by_label("To this partner organisation").select_option(
        label="Riverside Community Services"
    )
    page.get_by_label("Referral for services").check()
    page.get_by_label("Given on").fill("2026-01-10")
    page.get_by_label("Expires on (last valid day)").fill("2030-01-10")
    page.get_by_label("How it was given").select_option("verbal")
    page.get_by_label("Given by (the person or representative)").fill("Rosa Quintero")
    page.get_by_label("Witness (verbal consent)").fill("Wren")
    _photograph(page, "consent-new")
    page.get_by_role("button", name="Record the consent").click()
    expect(page.locator(".messages")).to_contain_text("Consent recorded")

    page.goto(referral_url)
    expect(page.locator("#send-heading + p")).to_contain_text("A consent on record covers")
    page.get_by_role("button", name="Send to the partner").click()
    expect(page.locator(".messages")).to_contain_text("Referral sent")
    link = page.locator("#partner-link").input_value()
    _photograph(page, "referral-sent")

    partner = page.context.browser.new_context()  # no session: only the link
    try:
        partner_page = partner.new_page()
        partner_page.goto(link)
        expect(partner_page.get_by_role("heading", level=1)).to_contain_text("A referral from")
        expect(partner_page.locator("main")).to_contain_text("Rosa Quintero")
        expect(partner_page.locator("main")).to_contain_text("consent of Rosa Quintero")
        partner_page.get_by_label("Short outcome (optional)").fill("Intake booked for Monday")
        partner_page.get_by_role("button", name="Accept").click()
        expect(partner_page.locator(".messages")).to_contain_text("the program has your answer")
        partner_page.get_by_role("button", name="The person is engaged").click()
        expect(partner_page.locator("h1 .badge")).to_have_text("Engaged")
        partner_page.screenshot(path=str(SCREENSHOTS / "cases-partner-desktop.png"), full_page=True)
    finally:
        partner.close()

    page.goto(referral_url)
    expect(page.locator("h1 .badge")).to_have_text("Engaged")
    expect(page.locator(".timeline")).to_contain_text("by the partner: Intake booked for Monday")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Notifications (2 new)")
    _photograph(page, "referral-engaged")
