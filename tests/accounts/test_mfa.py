"""TOTP enrolment and verification: every role, codes single-use, failures throttled."""

from __future__ import annotations

import base64
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from tests.conftest import Personas
from tests.factories import PASSWORD, current_code, enrol_totp


def _password_session(user) -> Client:
    client = Client()
    response = client.post(
        "/login/", {"username": user.username, "password": PASSWORD, "acknowledge": "on"}
    )
    assert response.status_code == 302
    return client


def _secret_on_page(html: str) -> bytes:
    secret = re.search(r'class="secret">([A-Z2-7 ]+)<', html)
    assert secret, "the enrolment page shows the key as text"
    return base64.b32decode(secret.group(1).replace(" ", ""))


@pytest.mark.parametrize(
    "role", ["social_worker", "supervisor", "officer", "dispatcher", "analyst", "auditor", "admin"]
)
def test_it_enrols_and_verifies_every_role(personas: Personas, role: str) -> None:
    user = personas.by_role()[role]
    client = _password_session(user)
    page = client.get(reverse("accounts:mfa_enrol"))
    assert page.status_code == 200
    assert b"data:image/svg+xml" in page.content
    key = _secret_on_page(page.content.decode())
    response = client.post(reverse("accounts:mfa_enrol"), {"code": f"{totp(key):06d}"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed
    assert AuditEvent.objects.filter(action=AuditAction.MFA_ENROLLED, actor_id=user.pk).exists()


def test_it_refuses_a_wrong_enrolment_code(personas: Personas) -> None:
    client = _password_session(personas.worker_a)
    client.get(reverse("accounts:mfa_enrol"))
    response = client.post(reverse("accounts:mfa_enrol"), {"code": "000000"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=personas.worker_a, confirmed=True).exists()


def test_it_verifies_a_code_once_and_refuses_its_replay(personas: Personas) -> None:
    device = enrol_totp(personas.worker_a)
    code = current_code(device)
    first = _password_session(personas.worker_a)
    assert first.post(reverse("accounts:mfa_verify"), {"code": code}).status_code == 302
    second = _password_session(personas.worker_a)
    replay = second.post(reverse("accounts:mfa_verify"), {"code": code})
    assert replay.status_code == 400
    assert second.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.MFA_FAILED).count() == 1


def test_it_throttles_repeated_wrong_codes(personas: Personas) -> None:
    device = enrol_totp(personas.worker_a)
    client = _password_session(personas.worker_a)
    client.post(reverse("accounts:mfa_verify"), {"code": "123456"})
    # Even the right code is refused while the device's back-off lasts.
    response = client.post(reverse("accounts:mfa_verify"), {"code": current_code(device)})
    assert response.status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567890", "12 34 5x", "٣٤٥٦٧٨"])
def test_it_explains_a_malformed_code(personas: Personas, code: str) -> None:
    enrol_totp(personas.worker_a)
    client = _password_session(personas.worker_a)
    response = client.post(reverse("accounts:mfa_verify"), {"code": code})
    assert response.status_code == 400
    assert b"six digits" in response.content or b"This field is required" in response.content


def test_it_lets_demo_mode_skip_mfa_and_says_so(personas: Personas, settings) -> None:
    settings.MFA_REQUIRED = False
    settings.DEMO_MODE = True
    client = _password_session(personas.worker_a)
    response = client.get("/")
    assert response.status_code == 200
    assert b"Demo mode" in response.content
