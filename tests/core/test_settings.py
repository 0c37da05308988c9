"""Settings: every one documented, secrets kept out of the code, production refusals."""

from __future__ import annotations

import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from coresponder.core.env import REGISTRY

ROOT = Path(__file__).resolve().parents[2]


def _settings_subprocess(
    env: dict[str, str], code: str = "import coresponder.settings"
) -> subprocess.CompletedProcess[str]:
    # A fresh process with only what the test sets (the browser tests' async flag included).
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("COREPONDER_")
        and k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_documents_every_setting_it_reads() -> None:
    documented = (ROOT / "docs" / "configuration.md").read_text()
    names = sorted(REGISTRY)
    missing = [name for name in names if f"`{name}`" not in documented]
    print(f"settings read: {len(names)}, undocumented: {len(missing)}")
    assert names and missing == []


def test_it_reads_the_environment_only_through_the_typed_helpers() -> None:
    offenders = []
    for path in (ROOT / "src" / "coresponder").rglob("*.py"):
        if path.name in {"env.py", "cli.py", "wsgi.py"}:
            continue
        if re.search(r"os\.environ|os\.getenv", path.read_text()):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_it_generates_secrets_into_the_data_directory_readable_by_owner_only(
    tmp_path: Path,
) -> None:
    result = _settings_subprocess({"COREPONDER_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    for name in ("secret_key", "audit_key"):
        path = tmp_path / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(path.read_text()) >= 50
    again = _settings_subprocess(
        {"COREPONDER_DATA_DIR": str(tmp_path)},
        "from coresponder import settings; print(settings.SECRET_KEY)",
    )
    assert again.stdout.strip() == (tmp_path / "secret_key").read_text()


def test_it_reads_a_secret_from_a_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "audit.key"
    secret_file.write_text("from-a-file-" + "k" * 40 + "\n")
    result = _settings_subprocess(
        {
            "COREPONDER_DATA_DIR": str(tmp_path / "data"),
            "COREPONDER_AUDIT_KEY_FILE": str(secret_file),
        },
        "from coresponder import settings; print(settings.AUDIT_HMAC_KEY)",
    )
    assert result.stdout.strip() == "from-a-file-" + "k" * 40


PRODUCTION = {
    "COREPONDER_ENV": "production",
    "COREPONDER_SECRET_KEY": secrets.token_urlsafe(48),
    "COREPONDER_AUDIT_KEY": secrets.token_urlsafe(48),
    "DATABASE_URL": "postgres://coresponder@db.internal/coresponder",
    "COREPONDER_ALLOWED_HOSTS": "coresponder.example.org",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"COREPONDER_DEBUG": "true"}, "COREPONDER_DEBUG must be off"),
        ({"COREPONDER_SECURE_COOKIES": "false"}, "COREPONDER_SECURE_COOKIES must be on"),
        (
            {"DATABASE_URL": "sqlite:////tmp/x.sqlite3"},
            "COREPONDER_SQLITE_DISK_ENCRYPTION_ATTESTED",
        ),
        ({"COREPONDER_SESSION_IDLE_MINUTES": "soon"}, "must be a whole number"),
        ({"COREPONDER_ENV": "staging"}, "COREPONDER_ENV must be"),
    ],
)
def test_it_refuses_unsafe_production_settings(
    tmp_path: Path, change: dict[str, str], message: str
) -> None:
    result = _settings_subprocess({**PRODUCTION, "COREPONDER_DATA_DIR": str(tmp_path), **change})
    assert result.returncode != 0
    assert message in result.stderr


def test_it_allows_sqlite_in_production_with_an_encryption_attestation(tmp_path: Path) -> None:
    env = {
        **PRODUCTION,
        "COREPONDER_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "COREPONDER_SQLITE_DISK_ENCRYPTION_ATTESTED": "true",
    }
    assert _settings_subprocess(env).returncode == 0


def test_it_ignores_a_demo_marker_in_production(tmp_path: Path) -> None:
    (tmp_path / "demo-mode").write_text("")
    result = _settings_subprocess(
        {**PRODUCTION, "COREPONDER_DATA_DIR": str(tmp_path)},
        "from coresponder import settings; print(settings.DEMO_MODE, settings.MFA_REQUIRED)",
    )
    assert result.stdout.strip() == "False True"


def test_it_passes_the_deployment_checks_in_production(tmp_path: Path) -> None:
    result = _settings_subprocess(
        {**PRODUCTION, "COREPONDER_DATA_DIR": str(tmp_path)},
        "from coresponder.cli import main; "
        "main(['manage', 'check', '--deploy', '--fail-level', 'WARNING'])",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_keeps_the_safe_default_when_a_setting_is_set_but_empty(tmp_path: Path) -> None:
    result = _settings_subprocess(
        {
            "COREPONDER_DATA_DIR": str(tmp_path),
            "COREPONDER_MFA_REQUIRED": "",
            "COREPONDER_SESSION_IDLE_MINUTES": "",
        },
        "from coresponder import settings as s; print(s.MFA_REQUIRED, s.SESSION_IDLE_TIMEOUT)",
    )
    assert result.stdout.strip() == "True 0:30:00"


def test_it_keeps_the_data_directory_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {
        "COREPONDER_DATA_DIR": str(data),
        "COREPONDER_SECRET_KEY": "s" * 60,
        "COREPONDER_AUDIT_KEY": "a" * 60,
    }
    assert _settings_subprocess(env).returncode == 0
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
