from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from coresponder.access.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs on every page: demo banner and role-aware navigation."""
    return {
        "demo_mode": settings.DEMO_MODE,
        "navigation": navigation_for(request),
    }
