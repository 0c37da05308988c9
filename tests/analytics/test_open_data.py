"""The open-data export: no narrative, name or house number leaves; every group of the
quasi-identifiers has at least k rows; what was generalised, suppressed and withheld is
reported."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import polars as pl
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from coresponder.analytics.opendata.engine import deidentify, is_k_anonymous
from coresponder.cli import main
from coresponder.linkage.services import locate_calls
from tests.calls.factories import make_call
from tests.conftest import Personas


def _frame(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "received_hour": ["2026-05-01T10:00"] * len(rows),
            "location": [r[0] for r in rows],
            "district": [r[1] for r in rows],
            "category": [r[2] for r in rows],
            "vera_category": ["x"] * len(rows),
            "behavioural_health": [False] * len(rows),
            "mode": ["police"] * len(rows),
            "priority": ["2"] * len(rows),
        }
    )


def test_small_groups_are_generalised_then_withheld() -> None:
    rows = (
        [("block:100 MAIN ST", "D1", "noise")] * 12  # a big enough group: released as it is
        + [("block:200 OAK ST", "D1", "noise")] * 3  # small: joins D1's noise at district level
        + [("block:300 ELM ST", "D2", "welfare")] * 2  # small, alone in D2 and everywhere
    )
    released, report = deidentify(_frame(rows), k=11)
    assert report.rows_in == 17 and report.released == 12 + 0 and report.withheld == 5
    assert released["location"].to_list() == ["block:100 MAIN ST"] * 12
    assert is_k_anonymous(released, ["location", "category"], 11)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["block:1 A", "block:2 B", "xing:A & B", None]),
            st.sampled_from(["D1", "D2"]),
            st.sampled_from(["noise", "welfare", "theft"]),
        ),
        max_size=120,
    ),
    st.integers(min_value=2, max_value=15),
)
def test_any_release_is_k_anonymous_and_reconciles(rows, k) -> None:
    released, report = deidentify(_frame(rows), k=k)
    assert is_k_anonymous(released, ["location", "category"], k)
    assert report.released + report.withheld == report.rows_in == len(rows)


def test_the_command_writes_the_dataset_dictionary_and_report(personas: Personas, tmp_path):
    start = datetime(2026, 5, 1, 10, 17, tzinfo=UTC)
    for i in range(12):
        make_call(
            personas.agency, received_at=start + timedelta(hours=i),
            address_raw=f"{1400 + i} HAZEL ST", narrative="NARRATIVE-CANARY",
        )  # fmt: skip
    make_call(personas.agency, received_at=start, address_raw="77 OAK ST")
    locate_calls(actor=None, agency=personas.agency)
    out = tmp_path / "open"
    result = CliRunner().invoke(
        main, ["export", "open-data", "--period", "2026-05", "--out", str(out),
               "--agency", "testville"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["rows_in"] == 13 and summary["released"] == 12 and summary["rows_withheld"] == 1
    text = (out / "calls-2026-05.csv").read_text()
    assert "CANARY" not in text and "1405 HAZEL" not in text and "block:1400 HAZEL ST" in text
    assert ":17" not in text  # times rounded down to the hour
    assert "received_hour" in (out / "data-dictionary.csv").read_text()
    assert json.loads((out / "report.json").read_text())["k"] == 11
    bad = CliRunner().invoke(main, ["export", "open-data", "--period", "May", "--out", str(out)])
    assert bad.exit_code != 0 and "is not a period" in bad.output
