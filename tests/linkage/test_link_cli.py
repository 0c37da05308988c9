"""`coresponder link addresses`: a file in, a key and parts per row out, no database."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coresponder.cli import main


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["link", "addresses", *args])
    return result.exit_code, result.output


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_it_writes_each_rows_key_location_and_parts(tmp_path: Path) -> None:
    source = tmp_path / "calls.csv"
    source.write_text(
        "id,address\n1,100 BLOCK OF MAIN ST\n2,152 Main Street Apt 4\n3,MAIN ST & 3RD AV\n"
        "4,3RD AVE / MAIN STREET\n5,\n6,!!!\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    code, output = _run(str(source), "--column", "address", "--out", str(out))
    assert code == 0, output
    assert "6 rows, 6 distinct strings, 2 locations" in output
    rows = _rows(out)
    assert [r["location"] for r in rows[:4]] == ["block:100 MAIN ST"] * 2 + [
        "xing:3RD AVE & MAIN ST"
    ] * 2
    assert (rows[1]["key"], rows[1]["unit_type"], rows[1]["unit_id"]) == (
        "addr:152 MAIN ST", "APT", "4",
    )  # fmt: skip
    assert (rows[4]["kind"], rows[4]["reason"], rows[4]["location"]) == ("unparsed", "empty", "")


def test_it_merges_by_point_and_reads_aliases(tmp_path: Path) -> None:
    source = tmp_path / "calls.csv"
    source.write_text(
        "where,lat,lon\n2100 SHATTUCK AVE,37.871167,-122.268285\n"
        "SHATTUCK AVENUE & ADDISON ST,37.871167,-122.268285\nTHE SHELTER,,\n",
        encoding="utf-8",
    )
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("name,address\nThe Shelter,2150 Shattuck Ave\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    code, output = _run(str(source), "--column", "where", "--lat", "lat", "--lon", "lon",
                        "--aliases", str(aliases), "--out", str(out))  # fmt: skip
    assert code == 0, output
    assert {r["location"] for r in _rows(out)} == {"block:2100 SHATTUCK AVE"}


def test_it_reads_a_file_without_a_header_by_column_number(tmp_path: Path) -> None:
    source = tmp_path / "cad.csv"
    source.write_text("1,N CENTER ST/E 8TH ST,RENO\n2,E 8TH ST/N CENTER ST,RENO\n")
    out = tmp_path / "out.csv"
    code, output = _run(str(source), "--no-header", "--column", "2", "--out", str(out))
    assert code == 0, output
    assert {r["key"] for r in _rows(out)} == {"xing:E 8TH ST & N CENTER ST"}


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"", ["--column", "a"], "is empty"),
        (b"a,b\n1,2\n", ["--column", "address"], "No column 'address'"),
        (b"a,b\n1,2\n", [], "Name the address column"),
        (b"a,b\n1,2\n", ["--column", "a", "--lat", "b"], "--lat and --lon go together"),
    ],
)
def test_it_explains_bad_files_and_options(
    tmp_path: Path, content: bytes, args: list[str], message: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    code, output = _run(str(source), *args, "--out", str(tmp_path / "out.csv"))
    assert code != 0
    assert message in output


def test_it_survives_non_utf8_bytes_garbage_and_a_1mb_field(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    big = b"9" * 1_000_000
    source.write_bytes(
        b"address\n1452 HAZEL ST\n\xff\xfe\xe9 caf\xe9 st\n" + big + b"\nA\n\x00\x01\x02\n"
    )
    out = tmp_path / "out.csv"
    code, output = _run(str(source), "--column", "address", "--out", str(out))
    assert code == 0, output
    rows = _rows(out)
    assert rows[0]["key"] == "addr:1452 HAZEL ST"
    assert rows[2]["key"] == "unparsed:too-long"
    assert rows[3]["key"] == "unparsed:too-short"
    assert all(r["kind"] for r in rows)


def test_it_never_loads_django(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("address\n1452 HAZEL ST\n")
    out = tmp_path / "out.csv"
    script = (
        "import sys\n"
        "from coresponder.cli import main\n"
        "try:\n"
        f"    main(['link', 'addresses', {str(source)!r}, '--column', 'address',"
        f" '--out', {str(out)!r}])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code in (0, None), exit.code\n"
        "assert 'django.apps' not in sys.modules, 'Django was loaded'\n"
        "print('no django')\n"
    )
    result = subprocess.run(  # noqa: S603 - the test's own interpreter and script
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "no django" in result.stdout
    assert _rows(out)[0]["key"] == "addr:1452 HAZEL ST"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=400))
def test_it_never_fails_on_any_bytes(tmp_path: Path, content: bytes) -> None:
    source = tmp_path / "fuzz.csv"
    source.write_bytes(b"address\n" + content)
    code, output = _run(str(source), "--column", "address", "--out", str(tmp_path / "o.csv"))
    assert code == 0, output
    assert "Written:" in output
