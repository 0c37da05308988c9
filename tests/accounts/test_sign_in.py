"""Sign-in: the system-use notice, lockout per username, MFA hand-off, and audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coresponder.accounts.models import LoginThrottle
from coresponder.accounts.services import lockout_release
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from tests.conftest import Personas
from tests.factories import PASSWORD, enrol_totp

LOGIN = "/login/"


def _post(
    client: Client, username: str, password: str, *, acknowledge: bool = True, ip: str = "10.0.0.1"
):
    data = {"username": username, "password": password}
    if acknowledge:
        data["acknowledge"] = "on"
    return client.post(LOGIN, data, REMOTE_ADDR=ip)


def _count(action: AuditAction) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_it_shows_the_system_use_notice_before_credentials(db: None, client: Client) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b"System-use notice" in response.content
    assert b"monitored" in response.content


def test_it_refuses_credentials_without_acknowledging_the_notice(personas: Personas) -> None:
    response = _post(Client(), "worker_a", PASSWORD, acknowledge=False)
    assert response.status_code == 400
    assert b"Acknowledge the system-use notice" in response.content
    assert "_auth_user_id" not in response.wsgi_request.session


def test_it_sends_a_user_without_an_authenticator_to_enrolment(personas: Personas) -> None:
    response = _post(Client(), "worker_a", PASSWORD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_enrol"))
    assert _count(AuditAction.LOGIN_SUCCEEDED) == 1


def test_it_sends_an_enrolled_user_to_verification(personas: Personas) -> None:
    enrol_totp(personas.worker_a)
    response = _post(Client(), "worker_a", PASSWORD)
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))


def test_it_keeps_a_password_only_session_out_of_the_product(personas: Personas) -> None:
    client = Client()
    enrol_totp(personas.worker_a)
    _post(client, "worker_a", PASSWORD)
    assert client.get("/")["Location"] == reverse("accounts:mfa_verify")
    assert client.get("/account/")["Location"] == reverse("accounts:mfa_verify")


def test_it_says_the_same_for_an_unknown_user_and_a_wrong_password(personas: Personas) -> None:
    wrong = _post(Client(), "worker_a", "not the password at all")
    unknown = _post(Client(), "nobody_here", "not the password at all")
    assert wrong.status_code == unknown.status_code == 400
    assert b"The username or password is not correct." in wrong.content
    assert b"The username or password is not correct." in unknown.content
    assert _count(AuditAction.LOGIN_FAILED) == 2


def test_it_locks_a_username_after_five_failures_from_any_address(personas: Personas) -> None:
    for attempt in range(5):
        _post(Client(), "worker_a", "wrong password!!", ip=f"10.0.0.{attempt + 1}")
    response = _post(Client(), "worker_a", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 400
    assert b"locked" in response.content
    assert _count(AuditAction.LOGIN_FAILED) == 5
    assert _count(AuditAction.LOGIN_LOCKED_OUT) == 1
    assert _count(AuditAction.LOGIN_REFUSED_LOCKED) == 1
    assert _count(AuditAction.LOGIN_SUCCEEDED) == 0


def test_it_keeps_the_lock_until_an_admin_releases_it(personas: Personas) -> None:
    for _ in range(5):
        _post(Client(), "worker_a", "wrong password!!")
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert b"locked" in _post(Client(), "worker_a", PASSWORD).content
        lockout_release(actor=personas.admin, username="worker_a")
        assert _post(Client(), "worker_a", PASSWORD).status_code == 302
    assert _count(AuditAction.ACCOUNT_UNLOCKED) == 1


def test_it_resets_the_count_on_success(personas: Personas) -> None:
    for _ in range(4):
        _post(Client(), "worker_a", "wrong password!!")
    assert _post(Client(), "worker_a", PASSWORD).status_code == 302
    for _ in range(4):
        _post(Client(), "worker_a", "wrong password!!")
    assert _post(Client(), "worker_a", PASSWORD).status_code == 302


def test_it_counts_only_failures_inside_the_fifteen_minute_window(personas: Personas) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            _post(Client(), "worker_a", "wrong password!!")
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        _post(Client(), "worker_a", "wrong password!!")
        assert LoginThrottle.objects.get(username="worker_a").failures == 1
        assert _post(Client(), "worker_a", PASSWORD).status_code == 302


def test_it_locks_unknown_usernames_the_same_way(db: None) -> None:
    for _ in range(5):
        _post(Client(), "ghost", "wrong password!!")
    assert LoginThrottle.objects.get(username="ghost").locked_at is not None


def test_it_treats_username_case_as_one_account(personas: Personas) -> None:
    for name in ["worker_a", "WORKER_A", "Worker_A", "worker_A", "WoRkEr_a"]:
        _post(Client(), name, "wrong password!!")
    assert b"locked" in _post(Client(), "worker_a", PASSWORD).content


def test_it_does_not_redirect_to_another_site_after_sign_in(personas: Personas) -> None:
    client = Client()
    enrol_totp(personas.worker_a)
    data = {"username": "worker_a", "password": PASSWORD, "acknowledge": "on"}
    data["next"] = "https://evil.example/steal"
    response = client.post(LOGIN, data)
    assert "evil.example" not in response["Location"] or response["Location"].startswith("/mfa/")


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    form=st.dictionaries(
        st.sampled_from(["username", "password", "acknowledge", "next", "junk"]),
        st.text(max_size=300),
    )
)
def test_it_answers_malformed_sign_in_posts_with_a_4xx_never_a_500(form: dict[str, str]) -> None:
    response = Client().post(LOGIN, form)
    assert response.status_code in (302, 400)
