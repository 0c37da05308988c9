"""Extraction straight into Arrow (ADBC) and the frames' snapshots on disk.

These tests commit their rows (``transaction=True``): the ADBC reader opens its own
connection, and snapshots are only kept of committed rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import transaction
from polars.testing import assert_frame_equal

from coresponder.analytics import extract as extract_module
from coresponder.analytics import snapshot
from coresponder.analytics.arrow import arrow_reader, reading
from coresponder.analytics.services import Dashboard, Filters, dashboard_for, parse_period
from coresponder.cases.models import PersonCall
from coresponder.linkage.models import CallLocation
from tests.analytics import test_dashboard
from tests.analytics.test_dashboard import MAY, Program, _triaged
from tests.calls.factories import make_call
from tests.conftest import Personas

committed = pytest.mark.usefixtures("committed_db")
program = test_dashboard.program  # the same four calls in May 2025, one answered by Team A
LO, HI = datetime(2024, 5, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)


def _reinstall_audit_triggers() -> None:
    from django.db import connection

    from coresponder.audit import triggers

    triggers.drop(connection)
    triggers.install(connection)


@pytest.fixture(scope="module", autouse=True)
def _audit_triggers_back(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    """Put the append-only triggers back after the last flush (as tests/browser does)."""
    yield
    with django_db_blocker.unblock():
        _reinstall_audit_triggers()


@pytest.fixture
def committed_db(transactional_db: None) -> Iterator[None]:
    """Rows committed, and the audit log append-only during the test; the triggers are lifted
    only for the flush that ends a transactional test (they rightly refuse it)."""
    from django.db import connection

    from coresponder.audit import triggers

    _reinstall_audit_triggers()
    yield
    triggers.drop(connection)


@pytest.fixture(autouse=True)
def _own_data_dir(settings, tmp_path: Path) -> None:
    """Snapshots of one test's rows must not reach another's (ids start afresh)."""
    settings.DATA_DIR = tmp_path


def _snapshots(agency_id: int) -> list[Path]:
    folder = snapshot.root() / f"agency-{agency_id}"
    return (
        sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []
    )


def _figures(dashboard: Dashboard) -> tuple[object, ...]:
    return (
        [(h.name, h.figure, h.detail) for h in dashboard.figures],
        {name: chart.values for name, chart in dashboard.charts.items()},
    )


@committed
def test_it_reads_the_same_frames_through_adbc_as_through_djangos_cursor(
    personas: Personas, program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    with reading():
        assert arrow_reader() is not None  # ADBC is installed and used
    through_arrow = extract_module._extract(personas.agency.pk, LO, HI)
    monkeypatch.setattr(extract_module, "arrow_reader", lambda: None)
    through_cursor = extract_module._extract(personas.agency.pk, LO, HI)
    for name in snapshot.SOURCES:
        mine, theirs = through_arrow.get(name), through_cursor.get(name)
        assert (mine is None) == (theirs is None), name
        if mine is not None and theirs is not None:
            assert_frame_equal(mine, theirs)
    assert through_arrow.calls is not None and through_arrow.calls.height == 4
    assert through_arrow.tasks is None  # no rows: "not available", as through the cursor


@committed
def test_it_keeps_the_frames_as_a_snapshot_and_computes_from_it_without_the_database(
    personas: Personas, program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    agency_id, period = personas.agency.pk, parse_period("2025-05")
    first, _ = dashboard_for(agency_id, period, Filters(), suppressed=False)
    assert len(_snapshots(agency_id)) == 1

    def no_database(*args: object) -> None:
        raise AssertionError("extracted again although the snapshot is current")

    monkeypatch.setattr(extract_module, "_extract", no_database)
    from django.core.cache import cache

    cache.clear()
    again, cached = dashboard_for(agency_id, period, Filters(), suppressed=False)
    assert not cached  # computed, from the snapshot
    assert _figures(again) == _figures(first)
    analyst, _ = dashboard_for(agency_id, period, Filters(team="Team A"), suppressed=True)
    assert analyst.charts["calls_by_mode"].suppressed > 0  # suppression still applies


@committed
def test_it_extracts_afresh_and_drops_the_old_snapshot_when_data_arrives(
    personas: Personas, program: Program
) -> None:
    agency_id, period = personas.agency.pk, parse_period("2025-05")
    first, _ = dashboard_for(agency_id, period, Filters(), suppressed=False)
    old = _snapshots(agency_id)

    call = make_call(personas.agency, received_at=MAY + timedelta(days=2), call_source="911")
    _triaged(call, category="mental_health", mode="alternative", eligible=True)
    fresh, cached = dashboard_for(agency_id, period, Filters(), suppressed=False)
    assert not cached and fresh.version != first.version
    assert fresh.charts["calls_by_mode"].values[-1][-1] == 5
    assert len(_snapshots(agency_id)) == 1 and _snapshots(agency_id) != old


@committed
def test_it_sees_new_links_and_places_of_calls(personas: Personas, program: Program) -> None:
    agency_id, period = personas.agency.pk, parse_period("2025-05")
    first, _ = dashboard_for(agency_id, period, Filters(), suppressed=False)
    c2 = program.calls[1]
    PersonCall.objects.create(person=program.person, call=c2, role="subject")
    linked, _ = dashboard_for(agency_id, period, Filters(), suppressed=False)
    assert linked.version != first.version
    CallLocation.objects.create(
        call=c2, agency=personas.agency, received_at=c2.received_at, key="k2",
        location="200 MAIN ST", kind="address",
    )  # fmt: skip
    placed, _ = dashboard_for(agency_id, period, Filters(), suppressed=False)
    assert placed.version != linked.version


@committed
def test_it_ignores_a_damaged_snapshot(personas: Personas, program: Program) -> None:
    agency_id, period = personas.agency.pk, parse_period("2025-05")
    first, _ = dashboard_for(agency_id, period, Filters(), suppressed=False)
    (where,) = _snapshots(agency_id)
    (where / "calls.parquet").write_bytes(b"not parquet")
    from django.core.cache import cache

    cache.clear()
    again, _ = dashboard_for(agency_id, period, Filters(), suppressed=False)
    assert _figures(again) == _figures(first)


@committed
def test_it_neither_reads_nor_keeps_a_snapshot_inside_a_transaction(
    personas: Personas, program: Program
) -> None:
    with transaction.atomic(), reading():
        assert arrow_reader() is None  # another connection would not see this transaction
        dashboard, _ = dashboard_for(
            personas.agency.pk, parse_period("2025-05"), Filters(), suppressed=False
        )
    assert dashboard.charts["calls_by_mode"].values[-1][-1] == 4
    assert _snapshots(personas.agency.pk) == []
