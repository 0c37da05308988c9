"""The demo agency: a synthetic city's program with teams and one account per role.

Later domains add their own seeders here (calls, cases, …). Nothing in it is real.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from coresponder.access.roles import Role
from coresponder.accounts.models import Agency, Membership, Team, User
from coresponder.accounts.services import user_create

AGENCY_SLUG = "riverside"
AGENCY_NAME = "Riverside Police Department"
TEAMS = ("Crisis Response North", "Crisis Response South")

# username, display name, role, team index (None: agency-wide)
DEMO_ACCOUNTS: list[tuple[str, str, Role, int | None]] = [
    ("dispatch", "Dana Dispatcher", Role.DISPATCHER, None),
    ("officer", "Omar Officer", Role.OFFICER, None),
    ("worker", "Sam Social-Worker", Role.SOCIAL_WORKER, 0),
    ("worker2", "Alex Social-Worker", Role.SOCIAL_WORKER, 1),
    ("supervisor", "Pat Supervisor", Role.SUPERVISOR, 0),
    ("analyst", "Ana Analyst", Role.ANALYST, None),
    ("auditor", "Audrey Auditor", Role.AUDITOR, None),
    ("admin", "Ada Admin", Role.ADMIN, None),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    team: str


def _password() -> str:
    # Four random words would be friendlier; random URL-safe text is enough for a demo.
    return "demo-" + secrets.token_urlsafe(12)


@transaction.atomic
def load_demo() -> list[DemoAccount]:
    """Create (or refresh) the demo agency; every run sets new passwords and prints them."""
    agency, _ = Agency.objects.get_or_create(
        slug=AGENCY_SLUG, defaults={"name": AGENCY_NAME, "time_zone": "America/Chicago"}
    )
    teams = [Team.objects.get_or_create(agency=agency, name=name)[0] for name in TEAMS]
    accounts = []
    for username, display_name, role, team_index in DEMO_ACCOUNTS:
        team = teams[team_index] if team_index is not None else None
        password = _password()
        user = User.objects.filter(username=username).first()
        if user is None:
            user_create(
                actor=None,
                agency=agency,
                username=username,
                password=password,
                display_name=display_name,
                roles=[(role, team)],
            )
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
            Membership.objects.get_or_create(user=user, team=team, role=role.value)
        accounts.append(DemoAccount(username, password, role.value, team.name if team else ""))
    return accounts
