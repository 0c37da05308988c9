"""Typed readers for environment settings.

Every setting the product reads goes through these helpers, which record the name in
``REGISTRY`` so that a test can prove ``docs/configuration.md`` documents each one.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

REGISTRY: dict[str, str] = {}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str, default: str) -> str:
    REGISTRY[name] = default
    return os.environ.get(name, default)


def env_str(name: str, default: str = "") -> str:
    return _raw(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name, "true" if default else "false").strip().lower()
    if not value:  # NAME= (set but empty) keeps the safe default rather than meaning "off"
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name, str(default)).strip() or str(default)
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in _raw(name, default).split(",") if item.strip()]


def env_secret(name: str, data_dir: Path, filename: str) -> str:
    """Read a secret from NAME, from the file named by NAME_FILE, or from the data directory.

    On first run with neither set, a fresh secret is generated into ``data_dir/filename``
    with mode 0600 so that restarts keep sessions and the audit chain verifiable.
    """
    REGISTRY[name] = "(generated)"
    REGISTRY[f"{name}_FILE"] = ""
    if os.environ.get(name):
        return os.environ[name]
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE cannot be read: {error}") from None
    path = data_dir / filename
    if path.exists():
        return path.read_text().strip()
    ensure_private_dir(data_dir)
    value = secrets.token_urlsafe(48)
    # Write a private temporary file, then publish it with link(), which fails if the name
    # exists: a process starting at the same moment never reads a half-written key.
    fd, temporary = tempfile.mkstemp(dir=data_dir, prefix=f".{filename}.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
        os.link(temporary, path)
    except FileExistsError:  # another process generated it first: use theirs
        return path.read_text().strip()
    finally:
        os.unlink(temporary)
    return value


def ensure_private_dir(path: Path) -> None:
    """The data directory holds the database and keys: only its owner may enter it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
