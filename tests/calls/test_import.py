"""Importing CAD exports: exactly once, lossless, reconciled, and clear about bad rows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coresponder.calls.engine.reader import FileProblem
from coresponder.calls.engine.records import Reject
from coresponder.calls.models import Call, ImportBatch
from coresponder.calls.services import calls_import_file
from coresponder.cli import main
from tests.calls.helpers import HEADER, TEST_PROFILE, row, write_export
from tests.conftest import Personas


def _import(personas: Personas, path: Path, **kwargs):
    return calls_import_file(
        actor=None, agency=personas.agency, path=path, profile=TEST_PROFILE, **kwargs
    )


def test_it_imports_once_and_re_imports_as_duplicates(personas: Personas, tmp_path: Path) -> None:
    path = write_export(tmp_path / "a.csv", [row("E1"), row("E2"), row("E3")])
    first = _import(personas, path)
    assert first.as_json() | {"seconds": 0} == {
        "rows_in": 3,
        "new": 3,
        "updated": 0,
        "duplicate": 0,
        "stale": 0,
        "rejected": 0,
        "seconds": 0,
    }
    again = _import(personas, path)
    assert (again.counts.new, again.counts.updated, again.counts.duplicate) == (0, 0, 3)
    assert Call.objects.count() == 3


def test_it_stores_times_in_utc_from_the_profiles_zone(personas: Personas, tmp_path: Path) -> None:
    _import(
        personas,
        write_export(tmp_path / "a.csv", [row("E1", received="2025-07-01 10:00:00", cleared="")]),
    )
    call = Call.objects.get()
    assert call.received_at.isoformat() == "2025-07-01T15:00:00+00:00"  # CDT is UTC-5
    assert call.raw["Received"] == "2025-07-01 10:00:00"


def test_it_updates_to_a_later_version_and_counts_an_older_one_stale(
    personas: Personas, tmp_path: Path
) -> None:
    early = write_export(tmp_path / "early.csv", [row("E1", cleared="", call_type="DISTURBANCE")])
    late = write_export(
        tmp_path / "late.csv", [row("E1", cleared="2025-03-01 11:00:00", call_type="MENTAL HEALTH")]
    )
    assert _import(personas, early).counts.new == 1
    assert _import(personas, late).counts.updated == 1
    assert _import(personas, early).counts.stale == 1
    assert Call.objects.get().final_type_text == "MENTAL HEALTH"


def test_it_counts_repeats_inside_one_file(personas: Personas, tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "a.csv",
        [row("E1"), row("E1"), row("E1", cleared="2025-03-01 12:00:00"), row("E2")],
    )
    counts = _import(personas, path).counts
    assert (counts.new, counts.duplicate, counts.stale) == (2, 1, 1)
    assert counts.reconciles()
    assert Call.objects.get(event_number="E1").cleared_at.hour == 18  # the latest version won


VERSIONS = [
    row("E1", cleared="", call_type="A"),
    row("E1", cleared="2025-03-01 10:10:00", call_type="B"),
    row("E1", cleared="2025-03-01 10:10:00", call_type="C"),  # same time: the hash decides
    row("E2"),
    row("E3", received="2025-03-02 09:00:00"),
    row("E3", received="2025-03-02 09:00:00", notes="more"),
]


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(range(len(VERSIONS))), split=st.integers(1, len(VERSIONS) - 1))
def test_it_ends_in_the_same_state_whatever_the_order(
    personas: Personas, tmp_path_factory: pytest.TempPathFactory, order: list[int], split: int
) -> None:
    Call.objects.all().delete()
    ImportBatch.objects.all().delete()
    folder = tmp_path_factory.mktemp("perm")
    rows = [VERSIONS[i] for i in order]
    totals = []
    for n, part in enumerate((rows[:split], rows[split:])):
        totals.append(_import(personas, write_export(folder / f"{n}.csv", part), chunk_rows=2))
    state = sorted(
        Call.objects.values_list("event_number", "final_type_text", "narrative", "content_hash")
    )
    assert all(t.counts.reconciles() for t in totals)
    assert sum(t.counts.rows_in for t in totals) == len(VERSIONS)
    expected_state = _reference_state(personas, tmp_path_factory)
    assert state == expected_state


def _reference_state(personas: Personas, tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    """The state after importing every version in file order, in a rolled-back transaction."""
    from django.db import transaction

    folder = tmp_path_factory.mktemp("ref")
    with transaction.atomic():
        sid = transaction.savepoint()
        Call.objects.all().delete()
        _import(personas, write_export(folder / "all.csv", VERSIONS))
        state = sorted(
            Call.objects.values_list("event_number", "final_type_text", "narrative", "content_hash")
        )
        transaction.savepoint_rollback(sid)
    return state


def test_it_resumes_an_import_killed_between_chunks(
    personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_export(tmp_path / "a.csv", [row(f"E{n}") for n in range(10)])
    from coresponder.calls import services

    real = services._apply_chunk
    calls = {"n": 0}

    def crash_on_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_apply_chunk", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        _import(personas, path, chunk_rows=3)
    assert Call.objects.count() == 6  # two whole chunks, nothing of the third
    monkeypatch.setattr(services, "_apply_chunk", real)
    resumed = _import(personas, path, chunk_rows=3)
    assert resumed.as_json()["new"] == 10 and resumed.counts.rows_in == 10
    assert Call.objects.count() == 10
    assert ImportBatch.objects.get().status == ImportBatch.Status.COMPLETE


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (
            row(
                "",
            ),
            "event number is empty",
        ),
        (row("E9", received=""), "received time is empty"),
        (row("E9", received="yesterday"), "is not a time in the form"),
        (
            row("E9", received="2025-03-01 10:00:00", cleared="2025-03-01 09:00:00"),
            "before the received time",
        ),
        (row("E9", received="2099-01-01 00:00:00", cleared=""), "impossible"),
        (row("E9", notes="x" * 1_048_576), "1,048,576 characters"),
        (["E9", "2025-03-01 10:00:00"] + [""] * 8, "the row has 10 fields"),
    ],
)
def test_it_rejects_a_bad_row_with_its_line_and_reason_and_keeps_the_rest(
    personas: Personas, tmp_path: Path, bad: list[str], reason: str
) -> None:
    rejects: list[Reject] = []
    path = write_export(tmp_path / "a.csv", [row("E1"), bad, row("E2")])
    summary = _import(personas, path, on_reject=rejects.append)
    assert summary.counts.new == 2 and summary.counts.rejected == 1 and summary.counts.reconciles()
    assert len(rejects) == 1 and rejects[0].line == 3 and reason in rejects[0].reason


@pytest.mark.parametrize("encoding", ["utf-8-sig", "latin-1", "cp1252"])
def test_it_reads_a_bom_and_latin_1(personas: Personas, tmp_path: Path, encoding: str) -> None:
    path = write_export(tmp_path / "a.csv", [row("E1", address="12 PEÑA CALLE")], encoding=encoding)
    summary = _import(personas, path)
    assert summary.counts.new == 1
    assert Call.objects.get().address_raw == "12 PEÑA CALLE"


def test_it_keeps_a_row_with_stray_bytes(personas: Personas, tmp_path: Path) -> None:
    path = write_export(tmp_path / "a.csv", [row("E1"), row("E2", address="1 MAIN ST")])
    data = path.read_bytes().replace(b"1 MAIN ST", b"1 MA\xffIN ST")
    path.write_bytes(b"x" * 0 + data)
    assert _import(personas, path).counts.new == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"   \n\n", "The file is empty."),
        (b"Foo,Bar\n1,2\n", "missing .*'Incident'.*found 'Foo', 'Bar'"),
        (";".join(HEADER).encode() + b"\nE1;2025-03-01 10:00:00\n", "separated by ';'"),
    ],
)
def test_it_explains_a_file_it_cannot_read(
    personas: Personas, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    with pytest.raises(FileProblem, match=message):
        _import(personas, path)
    assert not Call.objects.exists()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and re.search(message, batch.notes[-1])


def test_it_changes_nothing_on_a_dry_run(personas: Personas, tmp_path: Path) -> None:
    summary = _import(personas, write_export(tmp_path / "a.csv", [row("E1")]), dry_run=True)
    assert summary.counts.new == 1
    assert not Call.objects.exists() and not ImportBatch.objects.exists()


def test_it_prints_a_json_summary_last_and_writes_the_errors_file(
    personas: Personas, tmp_path: Path
) -> None:
    profile = tmp_path / "test-cad.toml"
    profile.write_text(
        'name = "test-cad"\nsource = "test-cad"\n[time]\nzone = "UTC"\n'
        'formats = ["%Y-%m-%d %H:%M:%S"]\n'
        '[fields]\nevent_number = "Incident"\nreceived_at = "Received"\ncleared_at = "Cleared"\n'
    )
    data = write_export(tmp_path / "a.csv", [row("E1"), row("E2", received="nonsense")])
    errors = tmp_path / "errors.csv"
    result = CliRunner().invoke(
        main,
        [
            "import-calls",
            str(data),
            "--profile",
            str(profile),
            "--agency",
            "testville",
            "--errors",
            str(errors),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert {k: summary[k] for k in ("rows_in", "new", "rejected")} == {
        "rows_in": 2,
        "new": 1,
        "rejected": 1,
    }
    lines = errors.read_text().splitlines()
    assert lines[0] == "file,line,column,event_number,reason" and lines[1].startswith(
        "a.csv,3,Received,E2,"
    )


def test_it_reports_a_file_it_cannot_read_and_imports_the_others(
    personas: Personas, tmp_path: Path
) -> None:
    good = write_export(tmp_path / "good.csv", [row("E1")])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    profile = tmp_path / "p.toml"
    profile.write_text(
        '[fields]\nevent_number = "Incident"\nreceived_at = "Received"\n'
        '[time]\nformats = ["%Y-%m-%d %H:%M:%S"]\n'
    )
    result = CliRunner().invoke(
        main,
        ["import-calls", str(empty), str(good), "--profile", str(profile), "--agency", "testville"],
    )
    assert result.exit_code == 1
    assert "empty.csv: not imported: The file is empty." in result.output
    assert json.loads(result.output.strip().splitlines()[-1])["new"] == 1


def test_it_refuses_a_value_too_long_for_its_column(personas: Personas, tmp_path: Path) -> None:
    rejects: list[Reject] = []
    path = write_export(tmp_path / "a.csv", [row("E" * 65), row("E2", call_type="T" * 256)])
    summary = _import(personas, path, on_reject=rejects.append)
    assert summary.counts.rejected == 2 and summary.counts.new == 0
    assert "event number is 65 characters; at most 64 fit" in rejects[0].reason
    assert rejects[1].column == "Type"


def test_it_stops_at_a_line_the_csv_module_cannot_split(
    personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv as csv_module

    from coresponder.calls.engine import columnar

    # The column-wise reader has no such limit: the row reader is the one under test.
    monkeypatch.setattr(columnar, "eligible", lambda *args: False)
    path = write_export(tmp_path / "a.csv", [row("E1"), row("E2", notes="z" * 5000)])
    monkeypatch.setattr(csv_module, "field_size_limit", csv_module.field_size_limit)
    previous = csv_module.field_size_limit(1000)
    try:
        with pytest.raises(FileProblem, match="Line 3 cannot be read as CSV"):
            _import(personas, path)
    finally:
        csv_module.field_size_limit(previous)
