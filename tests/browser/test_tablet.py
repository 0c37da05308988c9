"""On a tablet held upright (768 by 1024) no page scrolls sideways; wide tables scroll
inside their own box instead."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from coresponder.access.roles import Role
from tests.browser.chromium import TABLET, skip_without_chromium
from tests.browser.flows import sign_in
from tests.factories import AgencyFactory, TeamFactory, UserFactory, enrol_totp

skip_without_chromium()
pytestmark = pytest.mark.browser

OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"


def test_it_fits_the_home_page_and_audit_log_to_a_tablet(page: Page) -> None:
    agency = AgencyFactory(slug="testville", name="Testville Police Department")
    team = TeamFactory(agency=agency, name="Team A")
    # Every role at once: the longest navigation and the most cards on the home page.
    person = UserFactory(
        username="morgan.alvarez-whitfield",
        display_name="Morgan Alvarez-Whitfield",
        agency=agency,
        roles=[
            (role, team if role in (Role.SOCIAL_WORKER, Role.SUPERVISOR) else None) for role in Role
        ],
    )
    page.set_viewport_size(TABLET)
    sign_in(page, person, enrol_totp(person))

    expect(page.locator(".card")).to_have_count(len(Role))
    assert page.evaluate(OVERFLOW) <= 0, "the home page scrolls sideways at 768px"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(page.locator("#results tbody tr").first).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0, "the audit log scrolls sideways at 768px"


SMALL_TARGETS = """() => [...document.querySelectorAll(
    'button, a.button, nav a, .brand a, .site-footer a, label.inline, select, '
    + 'input:not([type=hidden]):not([type=checkbox])'
  )]
  .filter((element) => element.getClientRects().length > 0)
  .map((element) => {
    const box = element.getBoundingClientRect();
    return {html: element.outerHTML.slice(0, 90), height: box.height, width: box.width};
  })
  .filter((target) => target.height < 44 || target.width < 44)"""


def test_it_gives_every_control_a_finger_sized_target_on_a_tablet(page: Page) -> None:
    agency = AgencyFactory(slug="testville", name="Testville Police Department")
    admin = UserFactory(
        username="robin", agency=agency, roles=[(Role.ADMIN, None), (Role.AUDITOR, None)]
    )
    UserFactory(username="sam", agency=agency, roles=[(Role.OFFICER, None)])
    page.set_viewport_size(TABLET)

    page.goto("/login/")
    assert page.evaluate(SMALL_TARGETS) == [], "sign-in page"
    sign_in(page, admin, enrol_totp(admin))
    for path, heading in [("/", "Welcome"), ("/audit/", "Audit log"), ("/admin/users/", "Users")]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert page.evaluate(SMALL_TARGETS) == [], path
