"""The command line: init, demo, token create, user unlock."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.utils import timezone

from coresponder.accounts.models import ApiToken, LoginThrottle, User
from coresponder.cli import main
from coresponder.demo import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def test_it_loads_the_demo_agency_and_prints_one_account_per_role(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    result = CliRunner().invoke(main, ["demo", "--calls", "300"])
    assert result.exit_code == 0, result.output
    for username, _, role, _ in DEMO_ACCOUNTS:
        line = next(line for line in result.output.splitlines() if line.startswith(username + " "))
        password = line.split()[1]
        assert User.objects.get(username=username).check_password(password)
        assert role.value in line
    assert (tmp_path / "demo-mode").exists()
    from coresponder.calls.models import Call

    assert Call.objects.filter(agency__slug="riverside").count() == 300
    assert (
        CliRunner().invoke(main, ["demo", "--calls", "300"]).exit_code == 0
    )  # running it again is fine


def test_it_creates_a_token_and_prints_the_secret_once(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    CliRunner().invoke(main, ["demo", "--calls", "300"])
    result = CliRunner().invoke(
        main,
        [
            "token",
            "create",
            "--agency",
            "riverside",
            "--user",
            "dispatch",
            "--scopes",
            "calls:write,triage:read",
        ],
    )
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("crt_")
    assert ApiToken.objects.get().scopes == ["calls:write", "triage:read"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "nowhere", "--user", "dispatch", "--scopes", "me:read"], "No account"),
        (
            ["--agency", "riverside", "--user", "dispatch", "--scopes", "calls:delete"],
            "Unknown scope",
        ),
        (["--agency", "riverside", "--user", "dispatch", "--scopes", ","], "at least one scope"),
    ],
)
def test_it_explains_a_bad_token_request(settings, tmp_path, args: list[str], message: str) -> None:
    settings.DATA_DIR = tmp_path
    CliRunner().invoke(main, ["demo", "--calls", "300"])
    result = CliRunner().invoke(main, ["token", "create", *args])
    assert result.exit_code == 1 and message in result.output


def test_it_releases_a_locked_username(db: None) -> None:
    LoginThrottle.objects.create(username="someone", failures=5, locked_at=timezone.now())
    result = CliRunner().invoke(main, ["user", "unlock", "someone"])
    assert result.exit_code == 0 and "released" in result.output
    assert not LoginThrottle.objects.exists()


def test_it_has_a_migration_for_every_model_change() -> None:
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_it_deactivates_accounts_idle_past_the_limit(settings) -> None:
    from datetime import timedelta

    from coresponder.audit.actions import AuditAction
    from coresponder.audit.models import AuditEvent
    from tests.factories import UserFactory

    now = timezone.now()
    stale = UserFactory(username="stale", last_login=now - timedelta(days=91))
    never = UserFactory(username="never", date_joined=now - timedelta(days=100), last_login=None)
    recent = UserFactory(username="recent", last_login=now - timedelta(days=89))
    result = CliRunner().invoke(main, ["user", "deactivate-idle"])
    assert result.exit_code == 0 and "2 idle account(s)" in result.output
    for user, active in ((stale, False), (never, False), (recent, True)):
        user.refresh_from_db()
        assert user.is_active is active
    event = AuditEvent.objects.filter(action=AuditAction.USER_DEACTIVATED).first()
    assert event is not None and event.reason == "no sign-in for 90 days"


def test_it_keeps_machine_accounts_whose_tokens_are_in_use() -> None:
    from datetime import timedelta

    from coresponder.accounts.services import api_token_create
    from tests.factories import UserFactory

    now = timezone.now()
    feed = UserFactory(username="cadfeed", date_joined=now - timedelta(days=400), last_login=None)
    token, _ = api_token_create(actor=None, user=feed, name="CAD", scopes=["calls:write"])
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now - timedelta(days=1))
    CliRunner().invoke(main, ["user", "deactivate-idle"])
    feed.refresh_from_db()
    assert feed.is_active


def test_it_sets_up_an_agency_and_its_first_admin_from_the_command_line() -> None:
    runner = CliRunner()
    created = runner.invoke(
        main,
        [
            "agency",
            "create",
            "bloomington",
            "--name",
            "Bloomington PD",
            "--time-zone",
            "America/Indiana/Indianapolis",
        ],
    )
    assert created.exit_code == 0, created.output
    assert runner.invoke(main, ["agency", "add-team", "bloomington", "North"]).exit_code == 0
    made = runner.invoke(
        main,
        [
            "user",
            "create",
            "chief",
            "--agency",
            "bloomington",
            "--role",
            "admin",
            "--role",
            "supervisor:North",
        ],
        input="a long and private passphrase\na long and private passphrase\n",
    )
    assert made.exit_code == 0, made.output
    chief = User.objects.get(username="chief")
    assert sorted(chief.memberships.values_list("role", flat=True)) == ["admin", "supervisor"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["agency", "create", "Bad Slug", "--name", "x"], "slug"),
        (["agency", "create", "ok-slug", "--name", "x", "--time-zone", "Mars/Base"], "time zone"),
        (
            [
                "user",
                "create",
                "u",
                "--agency",
                "nowhere",
                "--role",
                "admin",
                "--password",
                "x" * 20,
            ],
            "No agency",
        ),
    ],
)
def test_it_explains_bad_setup_commands(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0 and message in result.output


def test_it_refuses_a_weak_first_password_with_the_reason() -> None:
    runner = CliRunner()
    runner.invoke(main, ["agency", "create", "town", "--name", "Town PD"])
    result = runner.invoke(
        main, ["user", "create", "u", "--agency", "town", "--role", "admin", "--password", "short"]
    )
    assert result.exit_code == 1 and "at least 12" in result.output
