"""Writing a directory and reading it back gives the same directory, in both forms."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from coresponder.referrals.engine import (
    Directory,
    read_hsds_datapackage,
    read_hsds_json,
    write_hsds_datapackage,
    write_hsds_json,
)

from .fixtures import small_directory
from .strategies import directories

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(directories())
def test_it_round_trips_json(directory: Directory) -> None:
    result = read_hsds_json(write_hsds_json(directory))

    assert result.problems == ()
    assert result.directory == directory


@SETTINGS
@given(directories())
def test_it_round_trips_a_datapackage_folder_and_zip(directory: Directory) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for target in (Path(folder) / "package", Path(folder) / "package.zip"):
            write_hsds_datapackage(directory, target)
            result = read_hsds_datapackage(target)

            assert result.problems == ()
            assert result.directory == directory


def test_it_round_trips_the_fixture_between_the_two_forms(tmp_path: Path) -> None:
    write_hsds_datapackage(small_directory(), tmp_path / "package")
    from_csv = read_hsds_datapackage(tmp_path / "package").directory

    assert read_hsds_json(write_hsds_json(from_csv)).directory == small_directory()
