"""Where the browser is and how it is started: Debian's chromium, never a downloaded one."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ABSENT = (
    f"{CHROMIUM} is absent: the browser tests need Debian's chromium "
    "(apt-get install chromium); Playwright's own browsers are never downloaded"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 768, "height": 1024}


def skip_without_chromium() -> None:
    """Call at the top of each browser test module: skips the whole module cleanly."""
    if not CHROMIUM.exists():
        pytest.skip(CHROMIUM_ABSENT, allow_module_level=True)
