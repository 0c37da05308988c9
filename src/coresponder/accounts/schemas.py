from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema


class MeOut(Schema):
    id: UUID
    username: str
    agency: str
    roles: list[str]
    token_scopes: list[str] | None = Field(
        None, description="The token's scopes, or null for a signed-in session."
    )


class TokenIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    name: str = Field(..., min_length=1, max_length=120, description="What uses the token.")
    scopes: list[str] = Field(..., min_length=1)
    expires_at: datetime | None = None


class TokenOut(Schema):
    id: UUID
    name: str
    username: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(..., description="The secret, shown this once only.")
