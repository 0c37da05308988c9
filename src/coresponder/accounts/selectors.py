"""Shared reads on accounts, scoped to the reader's agency and audited where listed."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from coresponder.accounts.models import ApiToken, LoginThrottle, User
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record


def user_list(*, actor: User) -> list[tuple[User, bool]]:
    """The agency's accounts with their lock state; listing them is audited."""
    audit_record(actor=actor, action=AuditAction.USERS_LISTED)
    users = list(
        User.objects.filter(agency_id=actor.agency_id)
        .prefetch_related("memberships__team")
        .order_by("username")
    )
    locked = set(
        LoginThrottle.objects.filter(
            locked_at__isnull=False, username__in=[u.username.casefold() for u in users]
        ).values_list("username", flat=True)
    )
    return [(user, user.username.casefold() in locked) for user in users]


def user_get(*, actor: User, public_id: str) -> User:
    """One account of the actor's agency, or 404 for anything else (never says which)."""
    user = User.objects.filter(agency_id=actor.agency_id, public_id=_uuid(public_id)).first()
    if user is None:
        raise Http404
    return user


def api_token_list(*, actor: User) -> QuerySet[ApiToken]:
    audit_record(actor=actor, action=AuditAction.API_TOKENS_LISTED)
    return (
        ApiToken.objects.filter(agency_id=actor.agency_id)
        .select_related("user")
        .order_by("-created_at")
    )


def api_token_get(*, actor: User, public_id: str) -> ApiToken:
    token = ApiToken.objects.filter(agency_id=actor.agency_id, public_id=_uuid(public_id)).first()
    if token is None:
        raise Http404
    return token


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise Http404 from None
