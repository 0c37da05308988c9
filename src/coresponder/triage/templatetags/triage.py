"""Showing a triage decision: the reasons a reader may see."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

HIDDEN = "(from the narrative: shown only to roles with criminal-justice access)"


@register.filter
def visible_reasons(reasons: list[dict[str, Any]], show_narrative: bool) -> list[dict[str, Any]]:
    """The reasons with anything quoted from the narrative (criminal-justice information)
    replaced by a note, for readers who may not see the narrative."""
    if show_narrative:
        return reasons
    visible = []
    for reason in reasons:
        if reason.get("rule") == "narrative":
            continue
        evidence = [HIDDEN if "narrative" in item else item for item in reason.get("evidence", [])]
        visible.append({**reason, "evidence": list(dict.fromkeys(evidence))})
    return visible


SHORT_MODES = {
    "police": "Police",
    "co_response": "Co-response",
    "alternative": "Social worker",
    "ems": "EMS",
    "referral": "Referral",
    "no_dispatch": "No dispatch",
}


@register.filter
def mode_short(mode: str) -> str:
    """A response mode in a word or two, for tables."""
    return SHORT_MODES.get(mode, mode)


@register.filter
def category_label(code: str) -> str:
    from coresponder.triage.engine.taxonomy import CATEGORIES

    category = CATEGORIES.get(code)
    return category.label if category else code
