"""The navigation each user sees: only the places their roles can open."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from coresponder.access.principal import has_capability
from coresponder.access.roles import Capability


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: Capability
    also: Capability | None = None  # a second capability the page needs (names, say)


NAVIGATION = [
    NavItem("Home", "core:home", Capability.VIEW_HOME),
    NavItem("Calls", "calls:list", Capability.VIEW_CALLS),
    NavItem("Cases", "cases:caseload", Capability.VIEW_CASES),
    NavItem("My day", "cases:my_day", Capability.VIEW_CASES),
    NavItem("People", "cases:people", Capability.VIEW_CASES),
    NavItem("Referrals", "referrals:list", Capability.VIEW_CASES),
    NavItem("Repeat calls", "linkage:places", Capability.VIEW_REPEAT_CALLS),
    NavItem(
        "Frequent people", "linkage:people", Capability.VIEW_CASES, Capability.VIEW_CALL_PERSONS
    ),
    NavItem("Plans", "plans:overview", Capability.VIEW_CASES),
    NavItem("Training", "training:home", Capability.MANAGE_TRAINING),
    NavItem("My training", "training:mine", Capability.VIEW_OWN_TRAINING),
    NavItem("Consults", "plans:consults", Capability.ASK_CONSULTS),
    NavItem("Consults", "plans:consults", Capability.ANSWER_CONSULTS),
    NavItem("Conferences", "conferences:list", Capability.VIEW_CASES),
    NavItem("Dispatch board", "triage:board", Capability.TRIAGE_CALLS),
    NavItem("Directory", "referrals:search", Capability.VIEW_DIRECTORY),
    NavItem("Manage directory", "referrals:manage", Capability.MANAGE_DIRECTORY),
    NavItem("Call types", "triage:review", Capability.MANAGE_TRIAGE),
    NavItem("Triage agreement", "triage:report", Capability.VIEW_AGGREGATES),
    NavItem("Outcomes", "analytics:dashboard", Capability.VIEW_AGGREGATES),
    NavItem("Training coverage", "training:coverage", Capability.VIEW_AGGREGATES),
    NavItem("Audit log", "audit:log", Capability.VIEW_AUDIT_LOG),
    NavItem("Users", "accounts:users", Capability.MANAGE_USERS),
    NavItem("API tokens", "accounts:tokens", Capability.MANAGE_API_TOKENS),
    NavItem("Notifications", "notifications:list", Capability.VIEW_HOME),
    NavItem("My account", "accounts:account", Capability.MANAGE_OWN_ACCOUNT),
]


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(request, "mfa_satisfied", False):
        return []
    items: list[dict[str, object]] = []
    for item in NAVIGATION:
        # One place may be reached through either of two capabilities (consults): listed once.
        allowed = has_capability(user, item.capability) and (
            item.also is None or has_capability(user, item.also)
        )
        if allowed and not any(i["url"] == reverse(item.url_name) for i in items):
            url = reverse(item.url_name)
            label = item.label
            if item.url_name == "notifications:list":
                label = _with_unread_count(label, user)
            items.append({"label": label, "url": url, "current": request.path == url})
    return items


def _with_unread_count(label: str, user: object) -> str:
    from coresponder.notifications.services import unread_count

    unread = unread_count(user)
    return f"{label} ({unread} new)" if unread else label
