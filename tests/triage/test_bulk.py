"""Triaging a whole export into a decisions file, without a database."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from coresponder.calls.engine.profile import load_profile
from coresponder.calls.engine.synthetic import generate_calls
from coresponder.cli import main
from coresponder.triage.engine import bulk
from coresponder.triage.engine.policy import DEFAULT_POLICY_PATH, parse_policy
from coresponder.triage.engine.triager import Triager

ZONE = "America/Chicago"


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bulk") / "calls.csv"
    generate_calls(path, calls=3_000, seed=11)
    return path


AREA_AND_NIGHTS = (
    DEFAULT_POLICY_PATH.read_text()
    .replace("service_area = []", 'service_area = ["D1", "d3"]')
    .replace(
        'hours = ["Mon-Sun 07:00-23:00"]', 'hours = ["Fri-Sun 20:00-04:00", "Mon 09:00-17:30"]'
    )
)


@pytest.mark.parametrize("policy_text", [None, AREA_AND_NIGHTS], ids=["default", "area-nights"])
def test_the_columnar_road_decides_exactly_as_the_row_road(
    export: Path, tmp_path: Path, policy_text: str | None
) -> None:
    profile = load_profile("coresponder-canonical")
    assert bulk.columnar_road(profile)
    triager = Triager(parse_policy(policy_text) if policy_text else None)
    summary = bulk.triage_file(
        export, profile, tmp_path / "out.parquet", triager=triager, time_zone=ZONE
    )
    by_rows, row_summary = bulk._by_rows(export, profile, triager, ZONE, None)
    written = pl.read_parquet(tmp_path / "out.parquet")
    in_file = pl.read_csv(export, infer_schema=False)["event_number"]
    assert written["event_number"].to_list() == in_file.to_list()  # in the file's order
    columnar = written.sort("event_number")
    by_rows = by_rows.sort("event_number")
    assert summary.rows == row_summary.rows == 3_000
    assert summary.distinct_decisions < 3_000  # decided once per distinct combination
    for column in bulk.OUTPUT_COLUMNS:
        differing = (columnar[column].cast(pl.String) != by_rows[column].cast(pl.String)).sum()
        assert differing == 0, column
    assert summary.modes == row_summary.modes
    assert set(summary.modes) >= {"police", "alternative", "ems"}


def test_the_command_writes_csv_and_prints_a_json_summary(export: Path, tmp_path: Path) -> None:
    out = tmp_path / "decisions.csv"
    result = CliRunner().invoke(
        main,
        ["triage", "run", str(export), "--profile", "coresponder-canonical", "--out", str(out),
         "--time-zone", ZONE],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    decisions = pl.read_csv(out)
    assert summary["rows"] == decisions.height == 3_000
    assert list(decisions.columns) == list(bulk.OUTPUT_COLUMNS)
    reasons = json.loads(decisions["reasons"][0])
    assert reasons[0]["rule"] and reasons[0]["text"]


def test_a_crosswalk_wins_over_the_classifier(export: Path, tmp_path: Path) -> None:
    crosswalk = tmp_path / "crosswalk.csv"
    crosswalk.write_text("call_type,category\nTRAFFIC STOP,administrative\n")
    out = tmp_path / "d.parquet"
    result = CliRunner().invoke(
        main,
        ["triage", "run", str(export), "--profile", "coresponder-canonical", "--out", str(out),
         "--crosswalk", str(crosswalk)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    stops = pl.read_parquet(out).filter(pl.col("call_type") == "TRAFFIC STOP")
    assert stops.height and set(stops["category"].cast(pl.String)) == {"administrative"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.txt"], "must end in .parquet or .csv"),
        (["--profile", "no-such-profile"], "no-such-profile"),
        (["--policy", "missing.toml"], "cannot read the policy"),
    ],
)
def test_bad_arguments_get_one_clear_line(
    export: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    base = {"--profile": "coresponder-canonical", "--out": str(tmp_path / "o.csv")}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    argv = ["triage", "run", str(export)] + [item for pair in base.items() for item in pair]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_check_policy_lists_the_rules_and_refuses_an_unsafe_one(tmp_path: Path) -> None:
    ok = CliRunner().invoke(main, ["triage", "check-policy"])
    assert ok.exit_code == 0 and "safety gates hold" in ok.output
    unsafe = tmp_path / "unsafe.toml"
    unsafe.write_text(
        '[policy]\nname = "u"\nversion = "1"\n\n[[rules]]\nid = "all"\nmode = "alternative"\n'
    )
    refused = CliRunner().invoke(main, ["triage", "check-policy", str(unsafe)])
    assert refused.exit_code == 1
    assert "line 5, rule 'all'" in refused.output
