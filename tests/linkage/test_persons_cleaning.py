"""Cleaning person mentions: placeholders out and reported, dates read, keys made."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coresponder.linkage.engine.person_cleaning import clean_mentions, normalise_address

TODAY = date(2026, 11, 28)


def _clean(**columns: list[object]) -> tuple[pd.DataFrame, object]:
    count = len(next(iter(columns.values())))
    frame = pd.DataFrame({"unique_id": [str(i) for i in range(count)], **columns})
    return clean_mentions(frame, today=TODAY)


def test_it_nulls_placeholder_names_and_reports_them() -> None:
    out, report = _clean(
        first_name=["UNKNOWN", "John", "J", "Refused", "Ann"],
        last_name=["UNKNOWN", "DOE", "Smith", "Smith", "Q"],
    )
    assert out["first_name"].tolist() == [None, None, None, None, "ann"]
    assert out["last_name"].tolist() == [None, None, "smith", "smith", None]
    assert report.nulled["first_name"]["placeholder"] == 2
    assert report.nulled["first_name"]["single letter"] == 1
    assert report.nulled["name"]["John/Jane Doe"] == 1
    assert report.nulled["last_name"]["single letter"] == 1
    assert any("JOHN" in line.upper() for line in report.lines())


def test_it_reads_iso_us_compact_and_partial_dates() -> None:
    out, _ = _clean(dob=["1980-06-04", "06/04/1980", "19800604", "1980-06", "1980", "garbage"])
    assert out["dob"].tolist() == ["1980-06-04"] * 3 + [None, None, None]
    assert out["dob_year"].tolist() == ["1980"] * 5 + [None]
    assert out["dob_year_month"].tolist() == ["1980-06"] * 4 + [None, None]


def test_it_swaps_an_impossible_month_with_the_day_and_keeps_the_swapped_date() -> None:
    out, _ = _clean(dob=["1980-25-06", "1980-06-04", "1980-06-06", "1980-06-25"])
    assert out["dob"].tolist() == ["1980-06-25", "1980-06-04", "1980-06-06", "1980-06-25"]
    # the date with day and month exchanged, when that is another real date
    assert out["dob_swapped"].tolist() == [None, "1980-04-06", None, None]


def test_it_nulls_placeholder_future_and_impossible_dates_of_birth() -> None:
    out, report = _clean(dob=["1900-01-01", "2090-05-05", "2026-12-01", "1850-01-01", "1980-02-30"])
    assert out["dob"].isna().all()
    assert out["dob_year"].tolist() == [None, None, None, None, "1980"]  # Feb 30: the year holds
    assert report.nulled["dob"]["placeholder"] == 1
    assert report.nulled["dob"]["in the future"] == 2
    assert report.nulled["dob"]["before 1900"] == 1


def test_it_nulls_placeholder_and_short_phones_and_keeps_ten_digits() -> None:
    out, report = _clean(
        phone=["999-999-9999", "+1 (206) 555-1234", "123", "000-000-0000", "206.555.0142"]
    )
    assert out["phone"].tolist() == [None, "2065551234", None, None, None]
    assert report.nulled["phone"]["placeholder"] == 3
    assert report.nulled["phone"]["too short"] == 1


def test_it_normalises_addresses_and_drops_placeholders() -> None:
    assert normalise_address("100 Main Street, Apt #3") == "100 main st apt 3"
    assert normalise_address("100 MAIN ST APT 3") == "100 main st apt 3"
    assert normalise_address("UNKNOWN") is None
    assert normalise_address("Homeless") is None


def test_a_mention_needs_an_identifier_and_something_to_check_it_against() -> None:
    out, report = _clean(
        first_name=["Ann", "Ann", None, "UNKNOWN", None, None],
        last_name=["Lee", None, None, "UNKNOWN", None, None],
        dob=[None, "1980-01-02", "1980-01-02", "1900-01-01", None, None],
        phone=[None, None, None, "999-999-9999", "2065551234", None],
        address=[None, None, "1 Main St", None, "1 Main St", "1 Main St"],
    )
    assert out["linkable"].tolist() == [True, True, False, False, True, False]
    assert report.unlinkable == 3
    assert report.unlinkable_ids == ["2", "3", "5"]


def test_it_refuses_missing_or_repeated_ids() -> None:
    with pytest.raises(ValueError, match="unique"):
        clean_mentions(pd.DataFrame({"unique_id": ["1", "1"]}))
    with pytest.raises(ValueError, match="unique_id"):
        clean_mentions(pd.DataFrame({"first_name": ["a"]}))


def test_it_gives_nickname_keys_and_sounds() -> None:
    out, _ = _clean(first_name=["Bob", "Robert", "Jon"], last_name=["Smith", "Smyth", "Smith"])
    assert out["first_name_key"].tolist()[:2] == ["robert", "robert"]
    assert "robert" in out["first_name_names"][0]
    assert out["last_name_sound"][0] == out["last_name_sound"][1]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(max_size=12), st.text(max_size=12), st.text(max_size=12)),
        min_size=1,
        max_size=8,
    )
)
def test_it_never_crashes_on_garbage(rows: list[tuple[str, str, str]]) -> None:
    frame = pd.DataFrame(
        {
            "unique_id": [str(i) for i in range(len(rows))],
            "first_name": [r[0] for r in rows],
            "last_name": [r[1] for r in rows],
            "dob": [r[2] for r in rows],
            "phone": [r[2] for r in rows],
            "address": [r[0] for r in rows],
        }
    )
    out, report = clean_mentions(frame, today=TODAY)
    assert len(out) == len(rows)
    assert report.rows == len(rows)
