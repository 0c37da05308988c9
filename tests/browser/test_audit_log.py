"""An auditor signs in with password and code, opens the audit log and narrows it down."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from coresponder.access.roles import Role
from coresponder.audit.actions import AuditAction
from tests.browser.chromium import skip_without_chromium
from tests.browser.flows import sign_in
from tests.factories import AgencyFactory, UserFactory, enrol_totp

skip_without_chromium()
pytestmark = pytest.mark.browser


def test_it_lets_an_auditor_filter_the_audit_log_in_place(page: Page) -> None:
    agency = AgencyFactory(slug="testville", name="Testville Police Department")
    auditor = UserFactory(username="avery", agency=agency, roles=[(Role.AUDITOR, None)])
    device = enrol_totp(auditor)

    sign_in(page, auditor, device)
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link")).to_have_text(
        ["Home", "Audit log", "Notifications", "My account"]
    )
    with page.expect_navigation():
        navigation.get_by_role("link", name="Audit log").click()
    expect(page).to_have_url(re.compile(r"/audit/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(navigation.get_by_role("link", name="Audit log")).to_have_attribute(
        "aria-current", "page"
    )

    results = page.get_by_role("region", name="Audit events", exact=True)
    actions = results.locator("tbody tr td:nth-child(5)")
    # Signing in and opening the log are already in it: at least three kinds of event.
    expect(actions.filter(has_text="LOGIN_SUCCEEDED")).to_have_count(1)
    expect(actions.filter(has_text="MFA_VERIFIED")).to_have_count(1)
    expect(actions.filter(has_text="AUDIT_LOG_VIEWED")).to_have_count(1)

    # A marker on the window survives only if the results are swapped in without a reload.
    page.evaluate("window.stillTheSamePage = true")
    search = page.get_by_role("search", name="Filter the audit log")
    search.get_by_label("Action").select_option(str(AuditAction.LOGIN_SUCCEEDED.value))
    with page.expect_response(
        lambda response: (
            "/audit/?" in response.url and response.request.headers.get("hx-request") == "true"
        )
    ) as swap:
        search.get_by_role("button", name="Filter").click()
    assert swap.value.status == 200

    expect(page).to_have_url(re.compile(rf"/audit/\?.*action={AuditAction.LOGIN_SUCCEEDED.value}"))
    expect(results).to_contain_text("1 event; newest first")
    expect(page.locator("#results-announcement")).to_have_text("1 event found.")
    expect(page.locator("#results")).to_have_count(1)
    expect(actions).to_have_count(1)
    expect(actions).to_have_text("LOGIN_SUCCEEDED")
    expect(results.locator("tbody tr td:nth-child(3)")).to_have_text("avery")
    assert page.evaluate("window.stillTheSamePage") is True
    expect(search.get_by_label("Action")).to_have_value(str(AuditAction.LOGIN_SUCCEEDED.value))

    filtered_url = page.url

    # No copy of the log is kept in the browser's storage for the history...
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None
    # ...so going back loads the whole unfiltered page again, navigation included.
    with page.expect_navigation():
        page.go_back()
    expect(page).to_have_url(re.compile(r"/audit/$"))
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("region", name="Audit events", exact=True)).not_to_contain_text(
        "1 event;"
    )

    # The pushed URL is a real address: opening it shows the same filtered log.
    page.goto(filtered_url)
    expect(page.get_by_role("region", name="Audit events", exact=True)).to_contain_text("1 event;")
    expect(page.get_by_label("Action")).to_have_value(str(AuditAction.LOGIN_SUCCEEDED.value))
