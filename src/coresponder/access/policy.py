"""Every view and API operation declares who may reach it.

``PolicyMiddleware`` refuses any view without a declared policy, and a meta-test walks the
URL resolver (and every django-ninja operation) so an undeclared one cannot be merged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from coresponder.access.roles import Capability

F = TypeVar("F", bound=Callable[..., Any])


class Gate(StrEnum):
    PUBLIC = "public"  # no login: the login page, static files, the OpenAPI document
    PASSWORD = "password"  # a password-only session: MFA enrol/verify and logout
    CAPABILITY = "capability"  # a verified (MFA) session whose roles grant the capability


@dataclass(frozen=True)
class Policy:
    gate: Gate
    capability: Capability | None = None
    token_scope: str | None = None
    audits: str = "nothing"
    reason: str = ""
    # A record's own page: refused as "not found" (404), so that whether it exists is not
    # given away to someone who may not see records of its kind at all.
    not_found_when_denied: bool = False

    def describe(self) -> str:
        if self.gate is Gate.CAPABILITY:
            return f"{self.capability} (audits {self.audits})"
        return f"{self.gate}: {self.reason}"


def declare(policy: Policy) -> Callable[[F], F]:
    def mark(view: F) -> F:
        view.access_policy = policy  # type: ignore[attr-defined]
        return view

    return mark


def public(reason: str) -> Callable[[F], F]:
    return declare(Policy(Gate.PUBLIC, reason=reason))


def password_session(reason: str, audits: str = "nothing") -> Callable[[F], F]:
    return declare(Policy(Gate.PASSWORD, reason=reason, audits=audits))


def requires(
    capability: Capability,
    *,
    audits: str,
    token_scope: str | None = None,
    not_found_when_denied: bool = False,
) -> Callable[[F], F]:
    return declare(
        Policy(
            Gate.CAPABILITY,
            capability=capability,
            audits=audits,
            token_scope=token_scope,
            not_found_when_denied=not_found_when_denied,
        )
    )


def policy_of(view: Callable[..., Any]) -> Policy | None:
    return getattr(view, "access_policy", None)
