"""Session limits (idle and absolute) with time travel, and step-up re-authentication."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from tests.conftest import Personas
from tests.factories import PASSWORD, current_code


def test_it_ends_a_session_idle_for_more_than_thirty_minutes(
    personas: Personas, client_for
) -> None:
    client = client_for(personas.worker_a)
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_EXPIRED_IDLE).count() == 1


def test_it_ends_an_active_session_after_twelve_hours(personas: Personas, client_for) -> None:
    client = client_for(personas.worker_a)
    start = timezone.now()
    for minutes in range(20, 12 * 60, 20):  # busy all day, never idle
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        response = client.get("/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_EXPIRED_ABSOLUTE).count() == 1


def test_it_tells_htmx_to_redirect_when_a_session_expires(personas: Personas, client_for) -> None:
    client = client_for(personas.auditor)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        response = client.get(reverse("audit:log"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_it_asks_for_step_up_before_resetting_someone_elses_mfa(
    personas: Personas, client_for
) -> None:
    client = client_for(personas.admin)
    target = personas.worker_a
    url = reverse("accounts:user_mfa_reset", kwargs={"public_id": target.public_id})
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    response = client.post(url, HTTP_REFERER="http://testserver/admin/users/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauth"))
    assert TOTPDevice.objects.filter(user=target).exists()

    device = TOTPDevice.objects.get(user=personas.admin)
    step_up = client.post(
        reverse("accounts:reauth") + "?next=/admin/users/",
        {"password": PASSWORD, "code": current_code(device), "next": "/admin/users/"},
    )
    assert step_up.status_code == 302 and step_up["Location"] == "/admin/users/"
    assert client.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert AuditEvent.objects.filter(action=AuditAction.MFA_RESET).count() == 1


def test_it_refuses_a_wrong_step_up_and_audits_it(personas: Personas, client_for) -> None:
    client = client_for(personas.admin)
    response = client.post(reverse("accounts:reauth"), {"password": "not it at all", "code": "1"})
    assert response.status_code == 400
    assert AuditEvent.objects.filter(action=AuditAction.STEP_UP_FAILED).count() == 1


def test_it_lets_a_step_up_lapse_after_five_minutes(personas: Personas, client_for) -> None:
    client = client_for(personas.admin)
    device = TOTPDevice.objects.get(user=personas.admin)
    client.post(reverse("accounts:reauth"), {"password": PASSWORD, "code": current_code(device)})
    url = reverse("accounts:user_mfa_reset", kwargs={"public_id": personas.worker_a.public_id})
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        response = client.post(url)
    assert response["Location"].startswith(reverse("accounts:reauth"))


def test_it_signs_out_only_by_post_and_audits_it(personas: Personas, client_for) -> None:
    client: Client = client_for(personas.worker_a)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT).count() == 1
