"""Admin pages: users and tokens of the admin's own agency only; every action audited."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from coresponder.accounts.models import ApiToken, LoginThrottle
from coresponder.accounts.services import api_token_create
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from tests.conftest import Personas


def _stepped_up(client) -> None:
    session = client.session
    session["stepped_up_at"] = timezone.now().isoformat()
    session.save()


def test_it_lists_only_the_admins_agency_and_audits_the_listing(
    personas: Personas, client_for
) -> None:
    response = client_for(personas.admin).get(reverse("accounts:users"))
    assert response.status_code == 200
    assert b"worker_a" in response.content
    assert b"outsider_admin" not in response.content
    assert AuditEvent.objects.filter(action=AuditAction.USERS_LISTED).count() == 1


def test_it_shows_and_releases_a_locked_username(personas: Personas, client_for) -> None:
    LoginThrottle.objects.create(username="worker_a", failures=5, locked_at=timezone.now())
    client = client_for(personas.admin)
    assert b"Release lock" in client.get(reverse("accounts:users")).content
    url = reverse("accounts:user_unlock", kwargs={"public_id": personas.worker_a.public_id})
    assert client.post(url).status_code == 302
    assert not LoginThrottle.objects.filter(username="worker_a").exists()
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_UNLOCKED).count() == 1


def test_it_answers_404_for_another_agencys_user(personas: Personas, client_for) -> None:
    client = client_for(personas.admin)
    _stepped_up(client)
    foreign = personas.outsider_admin.public_id
    for name in ("accounts:user_unlock", "accounts:user_mfa_reset", "accounts:user_deactivate"):
        assert client.post(reverse(name, kwargs={"public_id": foreign})).status_code == 404
    personas.outsider_admin.refresh_from_db()
    assert personas.outsider_admin.is_active


def test_it_deactivates_a_user_and_revokes_their_tokens(personas: Personas, client_for) -> None:
    token, _ = api_token_create(
        actor=None, user=personas.dispatcher, name="cad", scopes=["me:read"]
    )
    client = client_for(personas.admin)
    _stepped_up(client)
    url = reverse("accounts:user_deactivate", kwargs={"public_id": personas.dispatcher.public_id})
    assert client.post(url).status_code == 302
    personas.dispatcher.refresh_from_db()
    token.refresh_from_db()
    assert not personas.dispatcher.is_active and token.revoked_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.USER_DEACTIVATED).count() == 1


def test_it_will_not_let_an_admin_deactivate_themselves(personas: Personas, client_for) -> None:
    client = client_for(personas.admin)
    _stepped_up(client)
    url = reverse("accounts:user_deactivate", kwargs={"public_id": personas.admin.public_id})
    response = client.post(url, follow=True)
    assert b"You cannot deactivate your own account." in response.content
    personas.admin.refresh_from_db()
    assert personas.admin.is_active


def test_it_lists_and_revokes_tokens_of_the_agency_only(personas: Personas, client_for) -> None:
    mine, _ = api_token_create(
        actor=None, user=personas.dispatcher, name="CAD feed", scopes=["calls:write"]
    )
    theirs, _ = api_token_create(
        actor=None, user=personas.outsider_admin, name="Their feed", scopes=["me:read"]
    )
    client = client_for(personas.admin)
    page = client.get(reverse("accounts:tokens"))
    assert b"CAD feed" in page.content and b"Their feed" not in page.content
    _stepped_up(client)
    assert (
        client.post(
            reverse("accounts:token_revoke", kwargs={"public_id": theirs.public_id})
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("accounts:token_revoke", kwargs={"public_id": mine.public_id})
        ).status_code
        == 302
    )
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


def test_it_grants_nothing_to_a_superuser_without_roles(personas: Personas, client_for) -> None:
    from tests.factories import UserFactory

    root = UserFactory(username="root", agency=personas.agency, is_superuser=True, is_staff=True)
    client = client_for(root)
    assert client.get(reverse("audit:log")).status_code == 403
    assert client.get(reverse("accounts:users")).status_code == 403
