"""`coresponder link persons`: a CSV of mentions in, unique_id,cluster_id,match_probability
out, no database."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from coresponder.cli import main
from coresponder.linkage.engine.person_cleaning import FIELDS
from coresponder.linkage.engine.synthetic_persons import make_mentions
from coresponder.linkage.person_commands import FIELDS as COMMAND_FIELDS

MENTIONS = """\
id,given,last_name,dob,phone,address,postcode
1,Robert,Smith,1980-06-04,206-555-1234,100 Main St,98101
2,Bob,Smith,06/04/1980,,100 MAIN STREET,98101
3,UNKNOWN,UNKNOWN,1900-01-01,999-999-9999,,
4,Maria,Lopez,1975-03-12,,22 Oak Ave,98102
5,Maria,Lopez,1975-12-03,,22 OAK AVENUE,98102
"""


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["link", "persons", *args])
    return result.exit_code, result.output


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_it_writes_a_cluster_and_probability_per_mention(tmp_path: Path) -> None:
    source, out = tmp_path / "mentions.csv", tmp_path / "clusters.csv"
    source.write_text(MENTIONS)
    code, output = _run(
        str(source), "--out", str(out), "--map", "first_name=given", "--map", "unique_id=id"
    )
    assert code == 0, output
    rows = _rows(out)
    assert list(rows[0]) == ["unique_id", "cluster_id", "match_probability"]
    cluster = {row["unique_id"]: row["cluster_id"] for row in rows}
    assert cluster["1"] == cluster["2"] and cluster["4"] == cluster["5"] != cluster["1"]
    assert cluster["3"] == "3"
    probability = {row["unique_id"]: row["match_probability"] for row in rows}
    assert float(probability["1"]) >= 0.95 and probability["3"] == ""
    assert "5 mentions, 3 people" in output
    assert "no usable identifier" in output and "'999-999-9999'" in output
    assert "default model" in output


def test_it_estimates_saves_and_reuses_a_model_with_an_extra_column(tmp_path: Path) -> None:
    mentions = make_mentions(2_000, seed=9).drop(columns="person_id")
    mentions["district"] = mentions["unique_id"].astype(int) % 7
    source, out, model = tmp_path / "m.csv", tmp_path / "c.csv", tmp_path / "model.json"
    mentions.to_csv(source, index=False)
    code, output = _run(str(source), "--out", str(out), "--compare", "district:exact",
                        "--threshold", "0.9", "--save-model", str(model))  # fmt: skip
    assert code == 0, output
    assert "estimated from these" in output
    saved = json.loads(model.read_text())
    assert saved["extra_comparisons"] == [{"column": "district", "kind": "exact", "block": False}]
    first = _rows(out)
    code, output = _run(str(source), "--out", str(out), "--model", str(model), "--threshold", "0.9")
    assert code == 0, output
    assert f"loaded from {model}" in output
    assert _rows(out) == first


def test_it_explains_bad_flags_and_files(tmp_path: Path) -> None:
    source = tmp_path / "m.csv"
    source.write_text(MENTIONS)
    out = str(tmp_path / "c.csv")
    code, output = _run(str(source), "--out", out, "--map", "given")
    assert code != 0 and "FIELD=COLUMN" in output
    code, output = _run(str(source), "--out", out, "--map", "middle_name=given")
    assert code != 0 and "the fields are" in output
    code, output = _run(str(source), "--out", out)
    assert code != 0 and "No column 'unique_id'" in output
    code, output = _run(str(source), "--out", out, "--map", "unique_id=id", "--compare", "ssn")
    assert code != 0 and "No column 'ssn'" in output
    code, output = _run(str(source), "--out", out, "--map", "unique_id=id", "--compare", "zip:a:b")
    assert code != 0 and "--compare" in output
    code, output = _run(str(source), "--out", out, "--threshold", "1")
    assert code != 0
    bad = tmp_path / "model.json"
    bad.write_text("{}")
    code, output = _run(str(source), "--out", out, "--map", "unique_id=id", "--model", str(bad))
    assert code != 0 and "model" in output


def test_the_command_and_the_engine_agree_on_the_fields() -> None:
    assert COMMAND_FIELDS == FIELDS


def test_it_runs_without_django(tmp_path: Path) -> None:
    source, out = tmp_path / "m.csv", tmp_path / "c.csv"
    source.write_text(MENTIONS)
    script = (
        "import sys; from coresponder.cli import main; "
        "sys.argv = ['coresponder', 'link', 'persons', sys.argv[1], '--out', sys.argv[2], "
        "'--map', 'unique_id=id']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "assert 'django.db' not in sys.modules, 'Django was loaded'\n"
        "sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(source), str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert len(_rows(out)) == 5
