"""Fuzzing the CAD reader: whatever the bytes, it reads rows or explains the file, and every
row it sees is accounted for. No other exception may escape."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from coresponder.calls.engine.reader import FileProblem, read_chunks
from tests.calls.helpers import HEADER, TEST_PROFILE

CELL = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["2025-03-01 10:00:00", "03/01/2025 10:00", "", "E1", "1e309", '"', "\n"]),
)


def _read(content: bytes) -> tuple[int, int, int]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(content)
        rows = records = rejects = 0
        try:
            for chunk in read_chunks(path, TEST_PROFILE, chunk_rows=7):
                rows += chunk.rows
                records += chunk.calls
                rejects += len(chunk.rejects)
                assert chunk.rows == chunk.calls + len(chunk.rejects) + chunk.folded
        except FileProblem as problem:
            assert str(problem)
        return rows, records, rejects


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2_000))
def test_it_never_crashes_on_arbitrary_bytes(content: bytes) -> None:
    _read(content)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.lists(CELL, min_size=0, max_size=10), max_size=25),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]),
)
def test_it_accounts_for_every_row_of_messy_csv(
    rows: list[list[str]], delimiter: str, encoding: str
) -> None:
    lines = [delimiter.join(HEADER)] + [delimiter.join(cells) for cells in rows]
    text = "\n".join(lines) + "\n"
    content = text.encode(encoding, errors="replace")
    _read(content)
