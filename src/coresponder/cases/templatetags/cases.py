"""Small display helpers of the case pages (labels for stored codes; no decisions)."""

from __future__ import annotations

from typing import Any

from django import template

from coresponder.cases.instruments import instrument_named
from coresponder.cases.models import NEEDS

register = template.Library()
NEED_LABELS = dict(NEEDS)


@register.filter
def need_labels(codes: list[str]) -> str:
    return ", ".join(NEED_LABELS.get(code, code) for code in codes or []) or "None recorded"


@register.filter
def current_text(note: Any) -> str:
    """The note's latest text (its versions are prefetched in number order)."""
    versions = list(note.versions.all())
    return versions[-1].body if versions else ""


@register.filter
def amendments(note: Any) -> int:
    return max(len(note.versions.all()) - 1, 0)


@register.filter
def instrument_title(code: str) -> str:
    found = instrument_named(code)
    return found.title if found else code


@register.filter
def flag_labels(assessment: Any) -> list[str]:
    found = instrument_named(assessment.instrument)
    labels = {flag.id: flag.label for flag in found.flags} if found else {}
    return [labels.get(flag, flag) for flag in assessment.flags]


@register.filter
def can_edit_cases(user: Any) -> bool:
    """Whether the user's roles let them write case records (for links into the case pages)."""
    from coresponder.access.principal import has_capability
    from coresponder.access.roles import Capability

    return bool(user.is_authenticated) and has_capability(user, Capability.EDIT_CASES)
