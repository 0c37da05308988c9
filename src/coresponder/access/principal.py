"""What a signed-in user may do: their roles, and the scope each capability reaches."""

from __future__ import annotations

from typing import Any

from coresponder.access.roles import Capability, Role, Scope, widest_scope


def roles_of(user: Any) -> set[Role]:
    """The user's roles, read once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_coresponder_roles", None)
    if cached is None:
        cached = {Role(role) for role in user.memberships.values_list("role", flat=True)}
        user._coresponder_roles = cached
    return set(cached)


def team_ids_of(user: Any, capability: Capability) -> set[int]:
    """Teams in which the user holds a role that grants ``capability``."""
    granting = [role.value for role in Role if _grants(role, capability)]
    return set(
        user.memberships.filter(role__in=granting, team__isnull=False).values_list(
            "team_id", flat=True
        )
    )


def _grants(role: Role, capability: Capability) -> bool:
    return widest_scope({role}, capability) is not None


def scope_for(user: Any, capability: Capability) -> Scope | None:
    found = widest_scope(roles_of(user), capability)
    return found[0] if found else None


def acting_role(user: Any, capability: Capability) -> Role | None:
    found = widest_scope(roles_of(user), capability)
    return found[1] if found else None


def has_capability(user: Any, capability: Capability) -> bool:
    return scope_for(user, capability) is not None
