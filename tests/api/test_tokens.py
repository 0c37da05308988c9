"""API tokens: hashed at rest, scoped, revocable, last use recorded; bad headers get 401."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coresponder.accounts.models import ApiToken
from coresponder.accounts.services import AccountError, api_token_create
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from tests.conftest import Personas


def _get(path: str, secret: str, client: Client | None = None):
    return (client or Client()).get(path, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_it_stores_only_a_hash_of_the_secret(personas: Personas) -> None:
    token, secret = api_token_create(
        actor=None, user=personas.dispatcher, name="cad", scopes=["me:read"]
    )
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.split("_", 2)[2] not in json.dumps(
        [stored.prefix, stored.secret_hash, stored.name, stored.scopes]
    )


def test_it_answers_me_for_a_token_with_its_scopes(personas: Personas) -> None:
    token, secret = api_token_create(
        actor=None, user=personas.dispatcher, name="cad", scopes=["me:read"]
    )
    response = _get("/api/v1/me", secret)
    assert response.status_code == 200
    assert response.json()["username"] == "dispatcher"
    assert response.json()["token_scopes"] == ["me:read"]
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN_USED).count() == 1


def test_it_needs_both_the_scope_and_the_role(personas: Personas) -> None:
    _, wrong_scope = api_token_create(
        actor=None, user=personas.auditor, name="x", scopes=["me:read"]
    )
    _, wrong_role = api_token_create(
        actor=None, user=personas.dispatcher, name="x", scopes=["audit:read"]
    )
    _, both = api_token_create(actor=None, user=personas.auditor, name="x", scopes=["audit:read"])
    assert _get("/api/v1/audit/events", wrong_scope).status_code == 403
    assert _get("/api/v1/audit/events", wrong_role).status_code == 403
    assert _get("/api/v1/audit/events", both).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.API_ACCESS_DENIED).count() == 2


def test_it_refuses_revoked_and_expired_tokens(personas: Personas) -> None:
    revoked, secret_r = api_token_create(
        actor=None, user=personas.dispatcher, name="x", scopes=["me:read"]
    )
    revoked.revoked_at = timezone.now()
    revoked.save(update_fields=["revoked_at"])
    _, secret_e = api_token_create(
        actor=None,
        user=personas.dispatcher,
        name="y",
        scopes=["me:read"],
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    for secret in (secret_r, secret_e):
        response = _get("/api/v1/me", secret)
        assert response.status_code == 401
        assert "revoked or has expired" in response.json()["detail"]


def test_it_refuses_a_token_whose_user_was_deactivated(personas: Personas) -> None:
    _, secret = api_token_create(actor=None, user=personas.dispatcher, name="x", scopes=["me:read"])
    personas.dispatcher.is_active = False
    personas.dispatcher.save(update_fields=["is_active"])
    assert _get("/api/v1/me", secret).status_code == 401


def test_it_refuses_unknown_scopes_and_empty_names(personas: Personas) -> None:
    with pytest.raises(AccountError, match="Unknown scope"):
        api_token_create(actor=None, user=personas.dispatcher, name="x", scopes=["calls:delete"])
    with pytest.raises(AccountError, match="name"):
        api_token_create(actor=None, user=personas.dispatcher, name="  ", scopes=["me:read"])


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Basic dXNlcjpwYXNz", "must be 'Bearer <token>'"),
        ("Bearer", "must be 'Bearer <token>'"),
        ("Bearer nonsense", "malformed"),
        ("Bearer crt_abc_def", "not recognised"),
        ("Bearer crt__", "malformed"),
    ],
)
def test_it_explains_a_bad_authorization_header(db: None, header: str, message: str) -> None:
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert message in response.json()["detail"]


@pytest.mark.django_db
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(header=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF), max_size=200))
def test_it_never_fails_with_a_500_on_any_authorization_header(header: str) -> None:
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["detail"]


def test_it_creates_a_token_through_the_api_with_a_token(personas: Personas) -> None:
    _, admin_secret = api_token_create(
        actor=None, user=personas.admin, name="ops", scopes=["tokens:write"]
    )
    body = {"username": "dispatcher", "name": "CAD feed", "scopes": ["calls:write"]}
    response = Client().post(
        "/api/v1/tokens",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {admin_secret}",
    )
    assert response.status_code == 201
    created = response.json()
    assert created["token"].startswith("crt_") and created["scopes"] == ["calls:write"]
    revoke = Client().delete(
        f"/api/v1/tokens/{created['id']}", HTTP_AUTHORIZATION=f"Bearer {admin_secret}"
    )
    assert revoke.status_code == 204
    assert _get("/api/v1/me", created["token"]).status_code == 401


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("{not json", "body"),
        (json.dumps({"name": "x", "scopes": ["me:read"]}), "username"),
        (json.dumps({"username": "dispatcher", "name": "x", "scopes": []}), "scopes"),
        (json.dumps({"username": "dispatcher", "name": "x", "scopes": "me:read"}), "scopes"),
        (
            json.dumps({"username": "dispatcher", "name": "x", "scopes": ["nope:x"]}),
            "Unknown scope",
        ),
        (json.dumps({"username": "ghost", "name": "x", "scopes": ["me:read"]}), "ghost"),
        (json.dumps([1, 2, 3]), "username"),
    ],
)
def test_it_explains_a_malformed_token_request(
    personas: Personas, body: str, fragment: str
) -> None:
    _, admin_secret = api_token_create(
        actor=None, user=personas.admin, name="ops", scopes=["tokens:write"]
    )
    response = Client().post(
        "/api/v1/tokens",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {admin_secret}",
    )
    assert 400 <= response.status_code < 500
    assert fragment in response.json()["detail"]


def test_it_checks_csrf_for_session_api_writes(personas: Personas, client_for) -> None:
    client = client_for(personas.admin)
    client.handler.enforce_csrf_checks = True
    response = client.post(
        "/api/v1/tokens",
        json.dumps({"username": "dispatcher", "name": "x", "scopes": ["me:read"]}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_it_publishes_the_openapi_document(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/me", "/api/v1/tokens", "/api/v1/audit/events"} <= set(paths)


def test_it_keeps_audit_read_tokens_out_of_admin_hands(personas: Personas) -> None:
    with pytest.raises(AccountError, match="command line|coresponder token create"):
        api_token_create(
            actor=personas.admin, user=personas.auditor, name="x", scopes=["audit:read"]
        )
    token, _ = api_token_create(
        actor=None, user=personas.auditor, name="siem", scopes=["audit:read"]
    )
    assert token.scopes == ["audit:read"]
