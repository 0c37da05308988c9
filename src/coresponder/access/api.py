"""Who is calling the API, and the per-operation policy check.

A caller is a signed-in (and MFA-verified) session, or a machine presenting an API token.
A token acts as its user, narrowed to its scopes: the operation needs both the capability
from the user's roles and the token scope it declares.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.http import HttpRequest

from coresponder.access.policy import Gate, Policy
from coresponder.access.principal import acting_role
from coresponder.access.roles import Capability
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import Outcome
from coresponder.audit.services import audit_record
from coresponder.core import context

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Caller:
    user: Any
    token: Any | None = None

    @property
    def scopes(self) -> set[str] | None:
        return set(self.token.scopes) if self.token is not None else None


class ApiDenied(Exception):
    """Raised when the caller lacks the capability or token scope; answered with 403."""


def api_requires(capability: Capability, *, token_scope: str, audits: str) -> Callable[[F], F]:
    """Declare and enforce an API operation's policy."""
    policy = Policy(Gate.CAPABILITY, capability=capability, token_scope=token_scope, audits=audits)

    def decorate(operation: F) -> F:
        @functools.wraps(operation)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            caller: Caller = request.auth  # type: ignore[attr-defined]
            role = acting_role(caller.user, capability)
            scopes = caller.scopes
            if role is None or (scopes is not None and token_scope not in scopes):
                audit_record(
                    actor=caller.user,
                    action=AuditAction.API_ACCESS_DENIED,
                    object_type="api_operation",
                    object_id=operation.__name__,
                    outcome=Outcome.DENIED,
                )
                missing = (
                    f"the token scope {token_scope}"
                    if role is not None
                    else f"a role with {capability.value}"
                )
                raise ApiDenied(f"This operation needs {missing}.")
            context.current().role = role.value
            return operation(request, *args, **kwargs)

        checked.access_policy = policy  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate
