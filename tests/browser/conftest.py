"""Fixtures for the browser tests: one headless Debian Chromium per session, a fresh page
(own cookies) per test, and the live server with the audit triggers handled around the
flush that ends every transactional test.

Playwright's sync API runs an asyncio event loop in this thread, so Django would refuse
database access from the test code without ``DJANGO_ALLOW_ASYNC_UNSAFE``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.browser.chromium import CHROMIUM, CHROMIUM_ABSENT, CHROMIUM_ARGS, DESKTOP

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def _reinstall_audit_triggers() -> None:
    from django.db import connection

    from coresponder.audit import triggers

    triggers.drop(connection)
    triggers.install(connection)


@pytest.fixture(scope="package", autouse=True)
def _audit_triggers_back_after_browser_tests(
    django_db_setup: None, django_db_blocker
) -> Iterator[None]:
    """Put the append-only triggers back once the last browser test has flushed the
    database, so that tests running after these still meet a database as migrated."""
    yield
    with django_db_blocker.unblock():
        _reinstall_audit_triggers()


@pytest.fixture
def app_url(live_server, transactional_db: None) -> Iterator[str]:
    """The live server's base URL, with the audit log append-only during the test.

    Every live-server test ends with Django flushing all tables; the append-only triggers
    would (rightly) refuse that on the audit table, so they are lifted only for the flush.
    """
    from django.db import connection

    from coresponder.audit import triggers

    _reinstall_audit_triggers()
    yield live_server.url
    triggers.drop(connection)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(CHROMIUM_ABSENT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            # While Playwright's loop runs, Django hands this thread a separate set of
            # database connections (asgiref's context-local storage); close them here, or
            # PostgreSQL refuses to drop the test database at the end of the session.
            from django.db import connections

            connections.close_all()
            chromium.close()


@pytest.fixture
def page(browser, app_url: str):
    """A page in a fresh browser context (no cookies) that resolves paths against the live
    server. Any script error or Content-Security-Policy violation fails the test."""
    context = browser.new_context(base_url=app_url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    if problems:
        pytest.fail("The page reported problems:\n" + "\n".join(problems))
