"""API: the caller's identity and API token management."""

# No `from __future__ import annotations` here: django-ninja reads the real types.
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status

from coresponder.access.api import Caller, api_requires
from coresponder.access.principal import roles_of
from coresponder.access.roles import Capability
from coresponder.accounts import selectors, services
from coresponder.accounts.decorators import recently_authenticated
from coresponder.accounts.models import ApiToken, User
from coresponder.accounts.schemas import MeOut, TokenCreated, TokenIn, TokenOut

router = Router(tags=["accounts"])


def _caller(request: HttpRequest) -> Caller:
    return request.auth  # type: ignore[attr-defined]


@router.get("/me", response=MeOut)
@api_requires(Capability.VIEW_HOME, token_scope="me:read", audits="nothing (own identity)")
def me(request: HttpRequest) -> dict[str, object]:
    caller = _caller(request)
    return {
        "id": caller.user.public_id,
        "username": caller.user.username,
        "agency": caller.user.agency.slug,
        "roles": sorted(roles_of(caller.user)),
        "token_scopes": sorted(caller.scopes) if caller.scopes is not None else None,
    }


def _token_out(token: ApiToken) -> dict[str, object]:
    return {
        "id": token.public_id,
        "name": token.name,
        "username": token.user.username,
        "scopes": token.scopes,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "last_used_at": token.last_used_at,
    }


@router.get("/tokens", response=list[TokenOut])
@api_requires(Capability.MANAGE_API_TOKENS, token_scope="tokens:write", audits="the listing")
def token_list(request: HttpRequest) -> list[dict[str, object]]:
    return [_token_out(t) for t in selectors.api_token_list(actor=_caller(request).user)]


@router.post("/tokens", response={201: TokenCreated})
@api_requires(Capability.MANAGE_API_TOKENS, token_scope="tokens:write", audits="the issue")
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    caller = _caller(request)
    _require_step_up(request, caller)
    user = User.objects.filter(
        agency_id=caller.user.agency_id, username__iexact=payload.username
    ).first()
    if user is None:
        raise services.AccountError(f"username: there is no account {payload.username!r}.")
    token, secret = services.api_token_create(
        actor=caller.user,
        user=user,
        name=payload.name,
        scopes=payload.scopes,
        expires_at=payload.expires_at,
    )
    return Status(201, {**_token_out(token), "token": secret})


@router.delete("/tokens/{token_id}", response={204: None})
@api_requires(Capability.MANAGE_API_TOKENS, token_scope="tokens:write", audits="the revocation")
def token_revoke(request: HttpRequest, token_id: UUID) -> Status:
    caller = _caller(request)
    _require_step_up(request, caller)
    token = selectors.api_token_get(actor=caller.user, public_id=str(token_id))
    services.api_token_revoke(actor=caller.user, token=token)
    return Status(204, None)


def _require_step_up(request: HttpRequest, caller: Caller) -> None:
    """People re-authenticate before issuing credentials; machines hold tokens:write."""
    if caller.token is None and not recently_authenticated(request):
        raise services.AccountError(
            "Re-authenticate first (My account → Re-authenticate), then retry."
        )
