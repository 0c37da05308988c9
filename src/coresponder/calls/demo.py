"""The demo agency's calls: a synthetic city's CAD export, loaded like real data."""

from __future__ import annotations

from pathlib import Path

from coresponder.accounts.models import Agency
from coresponder.calls.engine.profile import load_profile
from coresponder.calls.engine.synthetic import generate_calls
from coresponder.calls.services import ImportSummary, calls_import_file

CANONICAL_PROFILE = "coresponder-canonical"


def load_synthetic_calls(
    agency: Agency, *, calls: int = 150_000, seed: int = 1, data_dir: Path
) -> ImportSummary:
    """Write ``calls`` synthetic calls (deterministic for ``seed``) as a canonical CSV in
    ``data_dir`` and import them through the same path as a real export. Running it again with
    the same arguments writes the same file and imports every call as a duplicate."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"synthetic-calls-{calls}-seed{seed}.csv"
    generate_calls(path, calls=calls, seed=seed, time_zone=agency.time_zone)
    return calls_import_file(
        actor=None, agency=agency, path=path, profile=load_profile(CANONICAL_PROFILE)
    )
