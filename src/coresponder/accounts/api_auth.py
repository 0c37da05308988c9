"""django-ninja authentication: API tokens for machines, MFA-verified sessions for people."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from coresponder.access.api import Caller
from coresponder.access.middleware import mfa_satisfied
from coresponder.accounts.services import TokenRefused, api_token_authenticate


class TokenAuth(HttpBearer):
    openapi_description = "An API token: `Authorization: Bearer crt_<id>_<secret>`."

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization")
        if header is None:
            return None
        scheme, _, credential = header.partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            raise TokenRefused("The Authorization header must be 'Bearer <token>'.")
        return self.authenticate(request, credential.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        api_token = api_token_authenticate(token)
        return Caller(user=api_token.user, token=api_token)


class VerifiedSessionAuth(SessionAuth):
    """The browser's session, with CSRF, and only once the second factor is done."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        user = request.user
        if user.is_authenticated and user.is_active and mfa_satisfied(request):
            return Caller(user=user)
        return None
