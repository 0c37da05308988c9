"""The real CAD exports in ../shared/data/cad_exports: each imports with its profile and with
auto-detection, reconciles exactly, and imports again as nothing new.

The files are read where they are and never copied. Without the folder (a user's clone) these
tests skip.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from fnmatch import fnmatch
from pathlib import Path

import pytest

from coresponder.calls.engine.detect import detect_profile
from coresponder.calls.engine.profile import Profile, load_profile
from coresponder.calls.models import Call, CallUnit
from coresponder.calls.services import ImportSummary, calls_import_file
from tests.conftest import Personas

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "cad_exports"
ABSENT = f"the real CAD exports are not here ({DATA}); they sit beside the project in CI"

# Which profile reads which file; a new file in the folder without a rule fails the suite.
RULES = [
    ("seattle/db_call_data_*.csv", "seattle"),
    ("seattle/potential_*.csv", "seattle-analysis"),
    ("berkeley/*.csv", "berkeley"),
    ("reno/snapshots/CAD*.csv", "reno-cad"),
    ("reno/snapshots/RMS*.csv", "reno-rms"),
    ("dallas/*.csv", "dallas-active-calls"),
]
CODE_KEYS = {"reno/cfs_code_key.csv", "reno/nature_code_key.csv"}

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not DATA.is_dir(), reason=ABSENT)]


def _files() -> list[str]:
    if not DATA.is_dir():
        return ["(absent)"]
    return sorted(
        path.relative_to(DATA).as_posix()
        for path in DATA.rglob("*.csv")
        if path.relative_to(DATA).as_posix() not in CODE_KEYS
    )


def _profile_for(name: str) -> str:
    for pattern, profile in RULES:
        if fnmatch(name, pattern):
            return profile
    raise AssertionError(f"no profile is named for the real file {name}: add a rule")


def _distinct_events(path: Path, profile: Profile) -> set[str]:
    """The event numbers in the file, counted here with the csv module, not the reader."""
    column = profile.fields["event_number"].columns[0]
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        if profile.header:
            rows: Iterable[dict[str, str]] = csv.DictReader(handle)
        else:
            rows = (dict(zip(profile.columns, row, strict=False)) for row in csv.reader(handle))
        return {row[column].strip() for row in rows if row[column].strip()}


def _data_rows(path: Path, profile: Profile) -> int:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - (1 if profile.header else 0)


def _import(personas: Personas, path: Path, profile: Profile) -> ImportSummary:
    return calls_import_file(actor=None, agency=personas.agency, path=path, profile=profile)


@pytest.mark.parametrize("name", _files())
def test_auto_detection_picks_the_profile_written_for_each_real_file(name: str) -> None:
    found = detect_profile(DATA / name)
    assert found.profile.name == _profile_for(name), [c.describe() for c in found.candidates[:3]]


@pytest.mark.parametrize("how", ["named", "auto"])
@pytest.mark.parametrize("name", _files())
def test_each_real_file_imports_exactly_and_again_as_nothing_new(
    personas: Personas, name: str, how: str
) -> None:
    path = DATA / name
    profile = load_profile(_profile_for(name)) if how == "named" else detect_profile(path).profile
    events = _distinct_events(path, profile)

    first = _import(personas, path, profile)
    counts = first.counts
    assert counts.reconciles(), first.as_json()
    assert counts.rows_in == _data_rows(path, profile)
    assert counts.rejected == 0, first.as_json()
    assert counts.new == len(events)
    assert set(Call.objects.values_list("event_number", flat=True)) == events
    assert not [note for note in first.notes if "not found" in note or "has no column" in note]

    again = _import(personas, path, profile).counts
    assert again.reconciles() and again.rows_in == counts.rows_in
    assert (again.new, again.updated, again.rejected) == (0, 0, 0)
    assert again.duplicate + again.stale == again.rows_in
    assert Call.objects.count() == len(events)


@pytest.mark.parametrize(("prefix", "profile_name"), [("CAD", "reno-cad"), ("RMS", "reno-rms")])
def test_overlapping_reno_snapshots_give_each_call_once(
    personas: Personas, prefix: str, profile_name: str
) -> None:
    profile = load_profile(profile_name)
    paths = sorted((DATA / "reno" / "snapshots").glob(f"{prefix}*.csv"))
    events = set().union(*(_distinct_events(p, profile) for p in paths))
    rows = sum(_data_rows(p, profile) for p in paths)
    assert len(paths) > 1 and rows > len(events)  # they do overlap

    summaries = [_import(personas, path, profile) for path in paths]
    assert all(s.counts.reconciles() for s in summaries)
    assert sum(s.counts.rows_in for s in summaries) == rows
    assert sum(s.counts.new for s in summaries) == len(events)
    assert sum(s.counts.rejected for s in summaries) == 0
    assert Call.objects.filter(source=profile.source).count() == len(events)

    backwards = [_import(personas, path, profile).counts for path in reversed(paths)]
    assert sum(c.new for c in backwards) == 0 and sum(c.updated for c in backwards) == 0


def test_the_cad_snapshots_hold_the_95_calls_the_data_readme_counts(personas: Personas) -> None:
    profile = load_profile("reno-cad")
    paths = sorted((DATA / "reno" / "snapshots").glob("CAD*.csv"))
    assert sum(_data_rows(p, profile) for p in paths) == 1695
    assert len(set().union(*(_distinct_events(p, profile) for p in paths))) == 95


def test_dallas_collapses_63_unit_rows_into_45_calls(personas: Personas) -> None:
    path = DATA / "dallas" / "active_calls_2018-01-08.csv"
    profile = load_profile("dallas-active-calls")
    assert _data_rows(path, profile) == 63 and len(_distinct_events(path, profile)) == 45

    counts = _import(personas, path, profile).counts
    assert (counts.rows_in, counts.new, counts.duplicate, counts.rejected) == (63, 45, 18, 0)
    assert Call.objects.count() == 45 and CallUnit.objects.count() == 63
    biggest = max(Call.objects.all(), key=lambda call: call.units.count())
    assert biggest.units.count() == 4


@pytest.mark.parametrize("analysis_first", [False, True])
def test_the_full_seattle_export_wins_over_the_analysis_copy_in_either_order(
    personas: Personas, analysis_first: bool
) -> None:
    full = DATA / "seattle" / "db_call_data_2018-2023.csv"
    copy = DATA / "seattle" / "potential_db_calls_2010-2023.csv"
    seattle, analysis = load_profile("seattle"), load_profile("seattle-analysis")
    shared = _distinct_events(full, seattle) & _distinct_events(copy, analysis)
    assert shared  # the same calls, re-saved by an analyst

    steps = [(copy, analysis), (full, seattle)]
    if not analysis_first:
        steps.reverse()
    second = [_import(personas, path, profile) for path, profile in steps][1].counts
    if analysis_first:
        assert second.updated == len(shared)
    else:
        assert second.stale == len(shared)
    kept = Call.objects.filter(event_number__in=shared)
    assert all(call.on_scene_at or call.beat for call in kept)  # the full export's fields
