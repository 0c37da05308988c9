"""Personas shared by every test: one agency with two teams, one person per role, and an
admin of a second agency who must never see anything of the first."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from coresponder.access.roles import Role
from coresponder.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from coresponder.accounts.models import Agency, Team, User
from tests.factories import AgencyFactory, TeamFactory, UserFactory, enrol_totp


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """PBKDF2 at production strength costs ~0.5 s a user; tests make many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test's database starts afresh, ids included: so must the cache keyed on them."""
    cache.clear()


@dataclass
class Personas:
    agency: Agency
    team_a: Team
    team_b: Team
    worker_a: User
    worker_b: User
    supervisor: User
    officer: User
    dispatcher: User
    analyst: User
    auditor: User
    admin: User
    other_agency: Agency
    outsider_admin: User
    outsider_auditor: User

    def by_role(self) -> dict[str, User]:
        return {
            "social_worker": self.worker_a,
            "supervisor": self.supervisor,
            "officer": self.officer,
            "dispatcher": self.dispatcher,
            "analyst": self.analyst,
            "auditor": self.auditor,
            "admin": self.admin,
        }


@pytest.fixture
def personas(db: None) -> Personas:
    agency = AgencyFactory(slug="testville", name="Testville Police Department")
    team_a = TeamFactory(agency=agency, name="Team A")
    team_b = TeamFactory(agency=agency, name="Team B")
    other = AgencyFactory(slug="otherton", name="Otherton Police")

    def person(username: str, role: Role, team: Team | None = None, of: Agency = agency) -> User:
        return UserFactory(username=username, agency=of, roles=[(role, team)])

    return Personas(
        agency=agency,
        team_a=team_a,
        team_b=team_b,
        worker_a=person("worker_a", Role.SOCIAL_WORKER, team_a),
        worker_b=person("worker_b", Role.SOCIAL_WORKER, team_b),
        supervisor=person("supervisor", Role.SUPERVISOR, team_a),
        officer=person("officer", Role.OFFICER),
        dispatcher=person("dispatcher", Role.DISPATCHER),
        analyst=person("analyst", Role.ANALYST),
        auditor=person("auditor", Role.AUDITOR),
        admin=person("admin", Role.ADMIN),
        other_agency=other,
        outsider_admin=person("outsider_admin", Role.ADMIN, of=other),
        outsider_auditor=person("outsider_auditor", Role.AUDITOR, of=other),
    )


def sign_in(client: Client, user: User, *, verified: bool = True) -> Client:
    """A session as after a real sign-in: password done and, if ``verified``, the TOTP too."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    now = timezone.now().isoformat()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now
    if verified:
        device = enrol_totp(user)
        session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for(db: None):
    """``client_for(user)`` gives a fresh client signed in (with MFA) as ``user``."""

    def make(user: User, *, verified: bool = True) -> Client:
        return sign_in(Client(), user, verified=verified)

    return make
