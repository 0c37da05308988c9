"""``{% call_briefing call %}``: the officer briefing on the call page, for those who may read
safety notes (dispatchers, officers, social workers, supervisors); audited each time."""

from __future__ import annotations

from typing import Any

from django import template

from coresponder.plans.selectors import briefing_for_call

register = template.Library()


@register.inclusion_tag("plans/_briefing.html", takes_context=True)
def call_briefing(context: dict[str, Any], call: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    briefing = briefing_for_call(user=user, call=call) if user is not None else None
    return {"briefing": briefing}
