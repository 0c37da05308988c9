"""What makes a big import fast: reading a chunk ahead of the writer, and ids that land at the
end of their index."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from coresponder.calls import services
from coresponder.calls.engine.profile import load_profile
from coresponder.calls.engine.reader import Chunk, FileProblem
from coresponder.calls.engine.synthetic import generate_calls
from coresponder.calls.models import Call
from tests.conftest import Personas


def _chunks(count: int, closed: list[bool], fail: bool = False) -> Iterator[Chunk]:
    try:
        for number in range(count):
            yield Chunk(records=[], rejects=[], rows=number)
        if fail:
            raise FileProblem("Line 9 cannot be read")
    finally:
        closed.append(True)


def test_reading_ahead_gives_the_chunks_in_order_then_the_readers_error() -> None:
    closed: list[bool] = []
    seen = []
    with pytest.raises(FileProblem, match="Line 9"):
        for chunk in services._read_ahead(_chunks(5, closed, fail=True)):
            seen.append(chunk.rows)
    assert seen == [0, 1, 2, 3, 4]
    assert closed == [True]


def test_a_writer_that_stops_early_stops_the_reader() -> None:
    closed: list[bool] = []
    with pytest.raises(RuntimeError):
        for chunk in services._read_ahead(_chunks(1_000, closed)):
            if chunk.rows == 2:
                raise RuntimeError("the database went away")
    assert closed == [True]


def test_imported_calls_get_distinct_version_7_ids(personas: Personas, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    generate_calls(path, calls=300, seed=5)
    profile = load_profile("coresponder-canonical")
    services.calls_import_file(actor=None, agency=personas.agency, path=path, profile=profile)
    ids = list(Call.objects.filter(agency=personas.agency).values_list("public_id", flat=True))
    assert len(ids) == len(set(ids)) == 300
    assert {uuid.UUID(str(value)).version for value in ids} == {7}
    assert {uuid.UUID(str(value)).variant for value in ids} == {uuid.RFC_4122}
