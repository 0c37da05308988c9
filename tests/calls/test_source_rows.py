"""Lossless provenance: each call's source row is kept once per chunk of its import
(``SourceRows``), not in the call's own row, and read back as it was read."""

from __future__ import annotations

import csv
from pathlib import Path

from django.urls import reverse

from coresponder.calls.engine.profile import load_profile
from coresponder.calls.engine.synthetic import generate_calls
from coresponder.calls.models import Call, ImportBatch, SourceRows
from coresponder.calls.services import calls_import_file
from tests.calls.factories import make_call
from tests.calls.helpers import TEST_PROFILE, row, write_export
from tests.conftest import Personas


def test_every_call_reads_back_its_own_source_row(personas: Personas, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    generate_calls(path, calls=300, seed=3)
    profile = load_profile("coresponder-canonical")
    calls_import_file(
        actor=None, agency=personas.agency, path=path, profile=profile, chunk_rows=100
    )
    with path.open(newline="", encoding="utf-8") as handle:
        rows = {r["event_number"]: (line, r) for line, r in enumerate(csv.DictReader(handle), 2)}
    calls = list(Call.objects.all())
    assert len(calls) == 300
    for call in calls:
        line, source = rows[call.event_number]
        assert (call.source_line, call.raw) == (line, source)
    assert SourceRows.objects.count() == 3  # one a chunk
    again = calls_import_file(
        actor=None, agency=personas.agency, path=path, profile=profile, chunk_rows=100
    )
    assert again.counts.duplicate == 300
    assert SourceRows.objects.count() == 3  # duplicates keep nothing


def test_a_later_version_reads_back_its_own_row_and_the_earlier_row_is_kept(
    personas: Personas, tmp_path: Path
) -> None:
    early = write_export(tmp_path / "early.csv", [row("E1", cleared="", notes="first")])
    late = write_export(tmp_path / "late.csv", [row("E2"), row("E1", notes="second")])
    for path in (early, late):
        calls_import_file(actor=None, agency=personas.agency, path=path, profile=TEST_PROFILE)
    call = Call.objects.get(event_number="E1")
    assert call.batch.file_name == "late.csv"
    assert (call.source_line, call.raw["Notes"]) == (3, "second")
    assert Call.objects.get(event_number="E2").raw["Notes"] == ""
    first = SourceRows.objects.get(batch=ImportBatch.objects.get(file_name="early.csv"))
    assert SourceRows.unpack(first.rows)["raw"].to_list()[0].find('"first"') > 0


def test_a_call_from_the_live_feed_keeps_what_it_was_sent_as(personas: Personas) -> None:
    first = make_call(personas.agency, raw={"source": "test", "n": "1"})
    second = make_call(personas.agency)
    assert first.raw == {"source": "test", "n": "1"}
    assert second.raw == {"source": "test"}
    assert first.source_line == second.source_line == 1  # the first of its API batch


def test_a_call_with_no_kept_row_reads_an_empty_one(personas: Personas) -> None:
    call = make_call(personas.agency)
    SourceRows.objects.all().delete()
    assert Call.objects.get(pk=call.pk).raw == {}


def test_the_call_page_shows_the_kept_source_row_to_criminal_justice_roles(
    personas: Personas, client_for
) -> None:
    call = make_call(personas.agency, raw={"SOURCE-COLUMN": "SOURCE-CANARY"})
    url = reverse("calls:detail", args=[call.public_id])
    for user, sees_it in ((personas.officer, True), (personas.worker_a, False)):
        body = client_for(user).get(url).content
        assert (b"SOURCE-CANARY" in body) is sees_it
        assert (b"SOURCE-COLUMN" in body) is sees_it
