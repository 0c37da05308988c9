"""The HMAC chain engine, without a database: every kind of tampering is caught."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from coresponder.audit.chain import GENESIS_MAC, compute_mac, verify_rows

KEY = b"test key kept outside the database"
START = datetime(2026, 1, 1, tzinfo=UTC)


def _rows(count: int, key: bytes = KEY) -> list[tuple[list[object], str]]:
    rows, previous = [], GENESIS_MAC
    for seq in range(1, count + 1):
        fields: list[object] = [
            seq,
            START + timedelta(seconds=seq, microseconds=seq),
            1,
            7,
            "worker",
            "social_worker",
            100 + seq % 3,
            "case",
            f"id-{seq}",
            "",
            "success",
            f"req{seq}",
            "10.0.0.1",
            {"n": seq},
        ]
        previous = compute_mac(key, previous, fields)
        rows.append((fields, previous))
    return rows


def test_it_accepts_an_untouched_chain() -> None:
    result = verify_rows(KEY, _rows(50))
    assert result.ok and result.checked == 50 and result.last_seq == 50


def test_it_finds_an_edited_row() -> None:
    rows = _rows(10)
    rows[4][0][8] = "someone-else"
    result = verify_rows(KEY, rows)
    assert result.broken_seq == 5


def test_it_finds_a_deleted_middle_row() -> None:
    rows = _rows(10)
    del rows[3]
    assert verify_rows(KEY, rows).broken_seq == 4


def test_it_finds_reordered_rows() -> None:
    rows = _rows(10)
    rows[2], rows[3] = rows[3], rows[2]
    assert verify_rows(KEY, rows).broken_seq == 3


def test_it_finds_a_deleted_tail_against_a_checkpoint() -> None:
    rows = _rows(10)
    checkpoint = (10, rows[-1][1])
    truncated = rows[:7]
    assert verify_rows(KEY, truncated).ok  # without a checkpoint a clean cut looks whole
    result = verify_rows(KEY, truncated, checkpoint)
    assert not result.ok and "tail deleted" in result.problem


def test_it_finds_a_chain_rebuilt_without_the_key() -> None:
    forged = _rows(10, key=b"a guess")
    assert verify_rows(KEY, forged).broken_seq == 1


def test_it_finds_a_row_differing_from_its_checkpoint() -> None:
    rows = _rows(5)
    assert verify_rows(KEY, rows, (3, "f" * 64)).problem == "row differs from the checkpoint"


@given(st.integers(min_value=1, max_value=30), st.data())
def test_it_finds_any_single_field_edit(count: int, data: st.DataObject) -> None:
    rows = _rows(count)
    victim = data.draw(st.integers(min_value=0, max_value=count - 1))
    field = data.draw(st.sampled_from([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))
    value = rows[victim][0][field]
    rows[victim][0][field] = (value + 1) if isinstance(value, int) else f"{value}x"
    assert verify_rows(KEY, rows).broken_seq == victim + 1


def test_it_accepts_a_checkpoint_taken_on_an_empty_log() -> None:
    assert verify_rows(KEY, _rows(3), (0, GENESIS_MAC)).ok
    assert verify_rows(KEY, [], (0, GENESIS_MAC)).ok
