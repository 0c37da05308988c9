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
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    for username, _, role, _ in DEMO_ACCOUNTS:
        line = next(line for line in result.output.splitlines() if line.startswith(username + " "))
        password = line.split()[1]
        assert User.objects.get(username=username).check_password(password)
        assert role.value in line
    assert (tmp_path / "demo-mode").exists()
    assert CliRunner().invoke(main, ["demo"]).exit_code == 0  # running it again is fine


def test_it_creates_a_token_and_prints_the_secret_once(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    CliRunner().invoke(main, ["demo"])
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
    CliRunner().invoke(main, ["demo"])
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
