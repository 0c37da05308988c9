"""The synthetic city: deterministic, shaped like the published figures, and importable."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from coresponder.calls.demo import load_synthetic_calls
from coresponder.calls.engine.profile import load_profile
from coresponder.calls.engine.reader import read_chunks
from coresponder.calls.engine.records import CallSource, UnitType
from coresponder.calls.engine.synthetic import (
    HEADER,
    TYPE_BY_CODE,
    SyntheticSummary,
    generate_calls,
)
from coresponder.calls.models import Call, CallPerson, CallUnit

ZONE = ZoneInfo("America/Chicago")
UNIT_TIMES = ("dispatched_at", "en_route_at", "on_scene_at", "cleared_at")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[SyntheticSummary, list[dict[str, str]]]:
    path = tmp_path_factory.mktemp("synthetic") / "calls.csv"
    summary = generate_calls(path, calls=20_000, seed=3)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return summary, rows


def _units(row: dict[str, str]) -> list[dict[str, str]]:
    return json.loads(row["units"]) if row["units"] else []


def _persons(row: dict[str, str]) -> list[dict[str, str]]:
    return json.loads(row["persons"]) if row["persons"] else []


def _minutes(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 60


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    first, again, other = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    generate_calls(first, calls=3_000, seed=7)
    generate_calls(again, calls=3_000, seed=7)
    generate_calls(other, calls=3_000, seed=8)
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_it_writes_the_documented_columns_and_as_many_calls_as_asked(city) -> None:
    summary, rows = city
    assert list(rows[0]) == list(HEADER)
    assert len(rows) == summary.calls == 20_000
    assert len({row["event_number"] for row in rows}) == len(rows)
    received = [datetime.fromisoformat(row["received_at"]) for row in rows]
    assert received == sorted(received)
    assert min(received).astimezone(ZONE).date() == date(2025, 1, 1)
    assert max(received).astimezone(ZONE).date() == date(2025, 12, 31)


def test_its_call_mix_is_in_the_published_ranges(city) -> None:
    _, rows = city
    final = Counter(row["final_type_code"] for row in rows)
    non_criminal = sum(n for code, n in final.items() if not TYPE_BY_CODE[code].criminal)
    behavioural = sum(n for code, n in final.items() if TYPE_BY_CODE[code].behavioural)
    print(f"non-criminal {non_criminal / len(rows):.1%}, behavioural {behavioural / len(rows):.1%}")
    assert 0.70 <= non_criminal / len(rows) <= 0.80  # Seattle 2017-19: 79.7 %
    assert 0.05 <= behavioural / len(rows) <= 0.15
    changed = sum(row["initial_type_code"] != row["final_type_code"] for row in rows)
    assert 0.02 <= changed / len(rows) <= 0.15
    sources = Counter(row["call_source"] for row in rows)
    assert set(sources) <= {s.value for s in CallSource}
    assert {"911", "non_emergency", "officer_initiated", "alarm", "walk_in", "text"} <= set(sources)
    assert sources["911"] > sources["officer_initiated"] > sources["alarm"] > sources["text"]
    assert {row["priority"] for row in rows} == {"1", "2", "3", "4", "5"}


def test_priority_follows_the_call_type_and_sets_the_response_time(city) -> None:
    _, rows = city
    shots = Counter(row["priority"] for row in rows if row["initial_type_code"] == "SHOTS")
    parking = Counter(row["priority"] for row in rows if row["initial_type_code"] == "PARK")
    assert shots.most_common(1)[0][0] == "1"
    assert parking.most_common(1)[0][0] == "5"
    medians = []
    for priority in "135":
        minutes = sorted(
            _minutes(row["received_at"], row["on_scene_at"])
            for row in rows
            if row["priority"] == priority and row["on_scene_at"]
            and row["call_source"] != "officer_initiated"
        )  # fmt: skip
        medians.append(minutes[len(minutes) // 2])
    print("median minutes to on scene, priority 1, 3, 5:", [round(m, 1) for m in medians])
    assert medians == sorted(medians)
    assert medians[0] < 10


def test_no_time_is_ever_before_the_received_time(city) -> None:
    _, rows = city
    for row in rows:
        received = datetime.fromisoformat(row["received_at"])
        for name in UNIT_TIMES:
            if row[name]:
                assert datetime.fromisoformat(row[name]) >= received, (row["event_number"], name)
        for unit in _units(row):
            stamps = [datetime.fromisoformat(unit[n]) for n in UNIT_TIMES if unit.get(n)]
            assert stamps == sorted(stamps), (row["event_number"], unit)
            assert all(stamp >= received for stamp in stamps), (row["event_number"], unit)


def test_some_calls_are_never_attended_or_never_cleared(city) -> None:
    _, rows = city
    assert 0.02 < sum(not row["dispatched_at"] for row in rows) / len(rows) < 0.10
    assert 0.03 < sum(not row["on_scene_at"] for row in rows) / len(rows) < 0.15
    cancelled = [row for row in rows if row["disposition_code"] == "CAN"]
    assert cancelled and all(not row["on_scene_at"] and row["cleared_at"] for row in cancelled)


def test_it_has_daily_weekly_and_monthly_seasons(city) -> None:
    _, rows = city
    local = [datetime.fromisoformat(row["received_at"]).astimezone(ZONE) for row in rows]
    hours = Counter(moment.hour for moment in local)
    assert hours[4] + hours[5] < (hours[16] + hours[17]) / 2  # a night lull, an afternoon peak
    weekend_nights = sum(1 for m in local if m.weekday() in (5, 6) and m.hour < 4)
    weekday_nights = sum(1 for m in local if m.weekday() in (1, 2) and m.hour < 4)
    assert weekend_nights > 1.2 * weekday_nights
    months = Counter(moment.month for moment in local)
    assert months[7] / 31 > months[2] / 28  # summer busier than winter


def test_locations_are_heavy_tailed_with_consistent_beats(city) -> None:
    summary, rows = city
    assert summary.addresses == 20_000
    counts = Counter(row["address_raw"] for row in rows)
    top = sum(n for _, n in counts.most_common(summary.addresses // 100))
    print(f"distinct addresses {len(counts)}; the city's top 1 %: {top / len(rows):.1%} of calls")
    assert top / len(rows) >= 0.25
    assert len(counts) >= 5_000  # and a long tail: most places call rarely
    kinds = [row["address_raw"] for row in rows]
    assert any(" BLOCK OF " in a for a in kinds) and any(" / " in a for a in kinds)
    assert any("SHELTER" in a for a in kinds) and any("HOSPITAL" in a for a in kinds)
    where = {}
    for row in rows:
        place = (row["beat"], row["district"], row["latitude"], row["longitude"], row["zip_code"])
        assert where.setdefault(row["address_raw"], place) == place
        assert row["beat"][0] == row["district"][-1]
        assert 39.9 < float(row["latitude"]) < 40.3 and -88.8 < float(row["longitude"]) < -88.4


def test_a_few_frequent_callers_make_a_large_share_of_calls(city) -> None:
    summary, rows = city
    calls_by_person: Counter[tuple[str, str]] = Counter()
    for row in rows:
        for person in {(p["name"], p.get("date_of_birth", "")) for p in _persons(row)}:
            calls_by_person[person] += 1
    # "high utiliser": more than 4 calls a year; counted on name and birth date as given
    frequent = {person for person, n in calls_by_person.items() if n > 4 and person[1]}
    public = [r for r in rows if r["call_source"] not in ("officer_initiated", "alarm")]
    theirs = [
        row for row in public
        if any((p["name"], p.get("date_of_birth", "")) in frequent for p in _persons(row))
    ]  # fmt: skip
    print(f"{len(frequent)} frequent people made {len(theirs) / len(public):.1%} of public calls")
    assert summary.frequent_callers <= len(frequent) <= 3 * summary.frequent_callers
    assert len(theirs) / len(public) >= 0.10  # Santa Fe: 250 people, ~18 % of 911 calls
    mix = Counter(TYPE_BY_CODE[row["final_type_code"]].behavioural for row in theirs)
    assert mix[True] / len(theirs) > 2 * summary.behavioural_health / summary.calls
    roles = {p["role"] for row in rows for p in _persons(row)}
    assert roles == {"caller", "subject"}


def test_the_social_work_program_starts_mid_year(city) -> None:
    summary, rows = city
    assert summary.program_start == date(2025, 7, 1)
    program = [
        row for row in rows
        if any(u["unit_type"] in ("social_worker", "co_response") for u in _units(row))
    ]  # fmt: skip
    assert len(program) == summary.program_calls > 100
    starts = [datetime.fromisoformat(row["received_at"]).astimezone(ZONE) for row in program]
    assert min(starts).date() >= summary.program_start
    types = Counter(TYPE_BY_CODE[row["initial_type_code"]].program != "" for row in program)
    assert types[False] == 0  # only calls the program takes
    ids = {u["unit_id"] for row in program for u in _units(row)}
    assert any(i.startswith("SW") for i in ids) and any(i.startswith("CR") for i in ids)
    outcomes = Counter(row["disposition_code"] for row in program)
    assert outcomes["RSV"] + outcomes["REF"] > outcomes["ARR"] * 20
    all_types = {u["unit_type"] for row in rows for u in _units(row)}
    assert all_types == {t.value for t in UnitType} - {"other"}


def test_flags_and_narratives_fit_the_call_type(city) -> None:
    _, rows = city
    for row in rows:
        if row["final_type_code"] == "DV":
            assert row["domestic"] == "Y"
        if row["final_type_code"] in ("PARK", "FOUND", "FRAUD"):
            assert not row["weapon"] and not row["violence"]
        if row["final_type_code"] in ("MED", "OD"):
            assert row["medical"] == "Y"
    with_narrative = sum(bool(row["narrative"]) for row in rows) / len(rows)
    assert 0.1 < with_narrative < 0.6


def test_the_canonical_profile_reads_every_row(city, tmp_path: Path) -> None:
    summary, rows = city
    path = tmp_path / "small.csv"
    generate_calls(path, calls=500, seed=3)
    records, rejects = [], []
    for chunk in read_chunks(path, load_profile("coresponder-canonical"), chunk_rows=200):
        records += chunk.all_records()
        rejects += chunk.rejects
    assert rejects == [] and len(records) == 500
    assert sum(len(r.units) for r in records) > 400
    assert sum(len(r.persons) for r in records) > 100
    assert {u.unit_type for r in records for u in r.units} >= {"police", "ems"}


def _canonical(path: Path, units: str = "", persons: str = "") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        row = dict.fromkeys(HEADER, "")
        row.update(event_number="E1", received_at="2025-03-01T10:00:00-06:00")
        row.update(units=units, persons=persons)
        writer.writerow(row.values())
    return path


@pytest.mark.parametrize(
    ("units", "persons", "reason"),
    [
        ('[{"unit_id": "2A31"', "", "units is not valid JSON"),
        ('{"unit_id": "2A31"}', "", "must be a JSON array of objects, not an object"),
        ('["2A31"]', "", "units[0] must be a JSON object, not a string"),
        ('[{"unit_id": ""}]', "", "units[0] has no unit_id"),
        ('[{"unit_id": "2A31", "unit_type": "cop"}]', "", "unit_type 'cop' is not one of"),
        ('[{"unit_id": "2A31", "dispatched_at": "soon"}]', "", "units[0]: unit dispatched time"),
        ('[{"unit_id": "2A31", "callsign": "x"}]', "", "unknown key(s) 'callsign'"),
        (
            '[{"unit_id": "2A31", "on_scene_at": "2025-03-01T09:00:00-06:00"}]',
            "",
            "units[0] on scene time 2025-03-01 15:00 UTC is before the received time",
        ),
        ('[{"unit_id": 7}]', "", "units[0].unit_id must be a string, not a number"),
        ("", '[{"role": "caller", "name": "' + "X" * 300 + '"}]', "at most 200 fit"),
        ("", "[" * 50_000, "persons is not valid JSON (nested too deeply)"),
    ],
)
def test_malformed_json_is_refused_with_a_reason(
    tmp_path: Path, units: str, persons: str, reason: str
) -> None:
    path = _canonical(tmp_path / "bad.csv", units, persons)
    chunks = list(read_chunks(path, load_profile("coresponder-canonical")))
    assert [c.all_records() for c in chunks] == [[]]
    (reject,) = chunks[0].rejects
    assert reason in reject.reason, reject.reason
    assert reject.column == ("units" if units else "persons")
    assert reject.event_number == "E1"


def test_empty_json_columns_mean_none(tmp_path: Path) -> None:
    path = _canonical(tmp_path / "ok.csv", units="[]", persons="null")
    (chunk,) = read_chunks(path, load_profile("coresponder-canonical"))
    (record,) = chunk.all_records()
    assert chunk.rejects == [] and record.units == [] == record.persons


def test_a_synthetic_city_imports_exactly_once(personas, tmp_path: Path) -> None:
    agency = personas.agency
    first = load_synthetic_calls(agency, calls=2_000, seed=5, data_dir=tmp_path)
    print(first.as_json())
    assert first.counts.rows_in == first.counts.new == 2_000
    assert first.counts.reconciles() and first.counts.rejected == 0
    assert Call.objects.filter(agency=agency).count() == 2_000
    assert CallUnit.objects.filter(call__agency=agency).count() > 2_000
    assert CallPerson.objects.filter(call__agency=agency).count() > 500
    assert CallUnit.objects.filter(call__agency=agency, unit_type="social_worker").exists()
    again = load_synthetic_calls(agency, calls=2_000, seed=5, data_dir=tmp_path)
    assert again.counts.duplicate == again.counts.rows_in == 2_000
    assert again.counts.reconciles() and again.counts.new == again.counts.updated == 0


def test_the_column_wise_reader_agrees_with_the_row_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same calls, fingerprints, raw rows and rejects, whichever reader reads the file."""
    from coresponder.calls.engine import columnar

    path = tmp_path / "calls.csv"
    generate_calls(path, calls=1_500, seed=7)
    with path.open("a", encoding="utf-8") as handle:  # a few rows the fast path must doubt
        handle.write("X1,not a time" + "," * 29 + "\n")
        handle.write(
            "X2,2025-03-01T10:00:00-06:00" + "," * 28 + '"[{""unit_id"":""A"",""x"":""1""}]",\n'
        )

    def read() -> tuple[list[Any], list[Any]]:
        records, rejects = [], []
        for chunk in read_chunks(path, load_profile("coresponder-canonical"), chunk_rows=400):
            records += chunk.all_records()
            rejects += chunk.rejects
        return records, rejects

    fast = read()
    monkeypatch.setattr(columnar, "eligible", lambda *args: False)
    slow = read()
    assert fast[1] == slow[1] and len(fast[1]) == 2
    assert len(fast[0]) == len(slow[0]) == 1_500
    for mine, theirs in zip(fast[0], slow[0], strict=True):
        assert mine.fingerprint() == theirs.fingerprint()
        assert (mine.line, mine.raw, mine.units, mine.persons, mine.flags) == (
            theirs.line, theirs.raw, theirs.units, theirs.persons, theirs.flags,
        )  # fmt: skip
