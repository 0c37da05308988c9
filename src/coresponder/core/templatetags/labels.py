"""Human labels for stable codes shown in pages."""

from __future__ import annotations

from django import template

from coresponder.access.roles import ROLE_LABELS, Role

register = template.Library()


@register.filter
def role_label(value: str) -> str:
    """'social_worker' → 'Social worker'; unknown values are shown as they are."""
    try:
        return ROLE_LABELS[Role(value)]
    except ValueError:
        return value
