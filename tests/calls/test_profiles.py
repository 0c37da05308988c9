"""Import profiles: every shipped one loads, bad ones say what is wrong, formats are recognised
from small files written here in the shape of each export, and suggested profiles parse."""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from coresponder.calls.engine.detect import (
    detect_profile,
    guess_fields,
    looks_like_header,
    suggest_profile,
    words,
)
from coresponder.calls.engine.profile import (
    Profile,
    ProfileError,
    available_profiles,
    load_profile,
    parse_profile,
)
from coresponder.calls.engine.reader import FileProblem, ReadNotes, read_chunks
from coresponder.calls.engine.records import CallRecord, Reject

SHIPPED = {
    "seattle": True,
    "seattle-analysis": True,
    "berkeley": True,
    "reno-cad": True,
    "reno-rms": True,
    "dallas-active-calls": True,
    "new-orleans-cfs": False,
    "seattle-open-data": False,
    "detroit-911": False,
    "cincinnati-cfs": False,
}


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _read(path: Path, profile: Profile, **kwargs: Any) -> tuple[list[CallRecord], list[Reject]]:
    records: list[CallRecord] = []
    rejects: list[Reject] = []
    for chunk in read_chunks(path, profile, **kwargs):
        records += chunk.all_records()
        rejects += chunk.rejects
    return records, rejects


# ---------------------------------------------------------------------------------------------
# Small files in the shape of each export (values made up here)


def seattle_file(folder: Path) -> Path:
    header = ["CAD Event Number", "Event Clearance Description", "Call Type", "Priority",
              "Initial Call Type", "Final Call Type", "Original Time Queued", "Arrived Time",
              "Precinct", "Sector", "Beat", "Blurred_Longitude", "Blurred_Latitude"]  # fmt: skip
    return _write(folder / "seattle.csv", [
        header,
        ["2022000100001", "ASSISTANCE RENDERED", "911", "2", "DISTURBANCE", "--DISTURBANCE - OTHER",
         "03/04/2022 9:15:00 PM", "03/04/2022 9:31:12 PM", "EAST", "CHARLIE", "C2", "-122.29",
         "47.62"],
        ["2022000100002", "REPORT WRITTEN (NO ARREST)", "TELEPHONE OTHER, NOT 911", "3",
         "THEFT", "--THEFT - CAR PROWL", "03/05/2022 08:02:44 AM", "", "EAST", "CHARLIE", "C3",
         "-122.28", "47.61"],
    ])  # fmt: skip


def seattle_analysis_file(folder: Path) -> Path:
    header = ["CAD.Event.Number", "Event.Clearance.Description", "Call.Type", "Priority",
              "Initial.Call.Type", "Final.Call.Type", "Incident.Date", "Blurred_Longitude",
              "Blurred_Latitude", "broad_category"]  # fmt: skip
    return _write(folder / "potential_calls.csv", [
        header,
        ["2023000200001", "ASSISTANCE RENDERED", "911", "1", "SHOTS HEARD", "DISTURBANCE - OTHER",
         "2023-06-01", "-122.28", "47.62", "violence"],
        ["2023000200002", "UNABLE TO LOCATE", "ONVIEW", "7", "PREMISE CHECK", "PREMISE CHECKS",
         "2023-06-02", "-122.27", "47.63", "other"],
    ])  # fmt: skip


SEATTLE_NOW = [
    "CAD Event Number", "CAD Event Clearance Description", "Call Type", "Priority",
    "Initial Call Type", "Final Call Type", "CAD Event Original Time Queued",
    "CAD Event Arrived Time", "Dispatch Precinct", "Dispatch Sector", "Dispatch Beat",
    "Dispatch Longitude", "Dispatch Latitude", "Dispatch Address", "Call Sign Dispatch ID",
    "Call Sign Dispatch Time", "Call Sign at Scene Time", "Call Sign In-Service Time",
    "First SPD Call Sign Dispatch Time", "Last SPD Call Sign In-Service Time",
]  # fmt: skip


def seattle_open_data_file(folder: Path, *, snake_case: bool = False) -> Path:
    header = [words(c).replace(" ", "_") for c in SEATTLE_NOW] if snake_case else SEATTLE_NOW
    event = ["2025000300001", "ASSISTANCE RENDERED", "911", "2", "WELFARE CHECK",
             "CRISIS - PERSON", "01/10/2025 10:00:00 AM", "01/10/2025 10:20:00 AM", "WEST",
             "KING", "K2", "-122.33", "47.60", "1XX BLOCK OF PINE ST"]  # fmt: skip
    return _write(folder / ("call_data_api.csv" if snake_case else "call_data.csv"), [
        header,
        [*event, "20250003000012B22", "01/10/2025 10:05:00 AM", "01/10/2025 10:20:00 AM",
         "01/10/2025 11:00:00 AM", "01/10/2025 10:05:00 AM", "01/10/2025 11:40:00 AM"],
        [*event, "20250003000013C11", "01/10/2025 10:06:00 AM", "01/10/2025 10:25:00 AM",
         "01/10/2025 11:40:00 AM", "01/10/2025 10:05:00 AM", "01/10/2025 11:40:00 AM"],
        ["2025000300002", "REPORT WRITTEN", "ONVIEW", "7", "TRAFFIC STOP", "TRAFFIC STOP",
         "01/11/2025 2:00:00 AM", "", "SOUTH", "REDACTED", "REDACTED", "REDACTED", "REDACTED",
         "REDACTED", "", "", "", "", "", ""],
    ])  # fmt: skip


def berkeley_file(folder: Path) -> Path:
    header = ["CASENO", "OFFENSE", "EVENTDT", "EVENTTM", "CVLEGEND", "CVDOW", "InDbDate",
              "Block_Location", "BLKADDR", "City", "State"]  # fmt: skip
    return _write(folder / "berkeley.csv", [
        header,
        ["21000001", "DISTURBANCE", "04/18/2021 12:00:00 AM", "22:17", "DISORDERLY CONDUCT", "0",
         "09/06/2021 03:30:12 AM", "OAK STREET &amp; ELM AVE\nBerkeley, CA\n(37.8566, -122.2752)",
         "OAK STREET & ELM AVE", "Berkeley", "CA"],
        ["21000002", "THEFT MISD. (UNDER $950)", "04/19/2021 12:00:00 AM", "07:05", "LARCENY",
         "1", "09/06/2021 03:30:13 AM", "200 MAIN ST\nBerkeley, CA", "200 MAIN ST", "Berkeley",
         "CA"],
        ["21000003", "VANDALISM", "04/20/2021 12:00:00 AM", "13:40", "VANDALISM", "2",
         "09/06/2021 03:30:14 AM", "Berkeley, CA\n(37.869058, -122.270455)", "", "Berkeley",
         "CA"],
    ])  # fmt: skip


def _reno_keys(folder: Path) -> None:
    _write(
        folder / "cfs_code_key.csv",
        [["code", "description"], ["ACCP", "Accident Police Response"], ["LARC", "Larceny"]],
    )
    _write(folder / "nature_code_key.csv",
           [["code", "description"], ["TRESPASS", "Trespassing"], ["DUI", "Driving Under the "
            "Influence"]])  # fmt: skip


def reno_cad_file(folder: Path, *, keys: bool = True) -> Path:
    if keys:
        _reno_keys(folder)
    return _write(folder / "snapshots" / "CAD0101.csv", [
        ["900000001", "ACCP", "10062021", "003837", "WC", "5200 SUN VALLEY BL", "SUN VALLEY", "NV",
         ""],
        ["900000002", "LARC", "10052021", "151335", "RP", "1300 S VIRGINIA ST", "RENO", "NV",
         "210019601"],
        ["900000003", "ACCP", "10052021", "181403", "RP", "N CENTER ST/E 8TH ST", "RENO", "NV", ""],
    ])  # fmt: skip


def reno_rms_file(folder: Path, *, keys: bool = True) -> Path:
    if keys:
        _reno_keys(folder)
    return _write(folder / "snapshots" / "RMS0101.csv", [
        ["900000011", "TRESPASS", "09252021", "014000", "WC", "6600 CHULA VISTA CT", "SPARKS", "NV",
         "210007773"],
        ["900000012", "DUI", "10012021", "084100", "WC", "SR 28 HY/RESERVOIR RD", "CRYSTAL BAY",
         "NV", "210007898"],
        ["T21000682", "DUI", "09262021", "000100", "WC", "13500 FIELDCREEK LN", "RENO", "NV",
         "210050596"],
    ])  # fmt: skip


def dallas_file(folder: Path) -> Path:
    header = ["beat", "block", "date_time", "division", "incident_number", "location",
              "nature_of_call", "priority", "reporting_area", "status", "unit_number"]  # fmt: skip
    rows = [
        ["716", "3000", "2021-01-09T09:26:00.000", "South Central", "21-0000001",
         "E Illinois Ave", "38 - Meet Complainant", "4", "4198", "At Scene", "B791"],
        ["156", "", "2021-01-09T09:17:00.000", "Central", "21-0000002",
         "N Peak St / Live Oak St", "26/01- Missing Person-Critical", "2", "2028", "At Scene",
         "B144"],
        ["156", "", "2021-01-09T09:17:00.000", "Central", "21-0000002",
         "N Peak St / Live Oak St", "26/01- Missing Person-Critical", "2", "2028", "At Scene",
         "B145"],
        ["728", "2500", "2021-01-09T09:16:00.000", "South Central", "21-0000003", "Marfa Ave",
         "PH - Panhandler", "3", "4273", "At Scene", "D723"],
    ]  # fmt: skip
    return _write(folder / "active_calls.csv", [header, *rows])


NOPD = ["NOPD_Item", "Type_", "TypeText", "Priority", "InitialType", "InitialTypeText",
        "InitialPriority", "MapX", "MapY", "TimeCreate", "TimeDispatch", "TimeArrive",
        "TimeClosed", "Disposition", "DispositionText", "SelfInitiated", "Beat",
        "BLOCK_ADDRESS", "Zip", "PoliceDistrict", "Location"]  # fmt: skip


def new_orleans_file(folder: Path) -> Path:
    return _write(folder / "Calls_for_Service_2021.csv", [
        NOPD,
        ["A0000121", "103", "DISTURBANCE", "1A", "103", "DISTURBANCE", "1A", "3678924", "529440",
         "01/01/2021 12:00:32 AM", "01/01/2021 12:05:00 AM", "01/01/2021 12:15:10 AM",
         "01/01/2021 01:00:00 AM", "NAT", "Necessary Action Taken", "N", "6E04",
         "022XX Jackson Ave", "70113", "6", "POINT (-90.0846 29.9334)"],
        ["A0000221", "21", "COMPLAINT OTHER", "1C", "21", "COMPLAINT OTHER", "1C", "0", "0",
         "01/01/2021 12:10:00 AM", "", "", "01/01/2021 12:30:00 AM", "GOA", "Gone On Arrival",
         "Y", "3R01", "Orleans Ave & N Broad St", "70119", "3", "(29.9711, -90.0812)"],
    ])  # fmt: skip


def detroit_file(folder: Path) -> Path:
    header = ["incident_id", "agency", "incident_address", "zip_code", "priority", "callcode",
              "calldescription", "category", "call_timestamp", "precinct_sca", "respondingunit",
              "officerinitiated", "intaketime", "dispatchtime", "traveltime",
              "totalresponsetime", "time_on_scene", "totaltime", "neighborhood", "block_id",
              "council_district", "longitude", "latitude"]  # fmt: skip
    return _write(folder / "911_Calls_For_Service.csv", [
        header,
        ["202100001", "DPD", "W GRAND BLVD & 14TH ST", "48208", "2", "3711", "SHOTS FIRED IP",
         "SHOTS IP", "2021/03/01 04:02:34+00", "0408", "4-8", "No", "1.2", "3.1", "6.0", "10.3",
         "30", "40.3", "Virginia Park", "261635", "5", "-83.09", "42.36"],
        ["202100002", "DPD", "7400 W WARREN AVE", "48210", "5", "9999", "TRAFFIC STOP",
         "TRAFFIC", "2021/03/01 05:10:00+00", "0604", "6-4", "Yes", "0", "0", "0", "0", "12",
         "12", "Warrendale", "261636", "7", "-83.15", "42.34"],
    ])  # fmt: skip


def cincinnati_file(folder: Path) -> Path:
    header = ["ADDRESS_X", "LATITUDE_X", "LONGITUDE_X", "AGENCY", "CREATE_TIME_INCIDENT",
              "DISPOSITION_TEXT", "EVENT_NUMBER", "INCIDENT_TYPE_ID", "INCIDENT_TYPE_DESC",
              "PRIORITY", "PRIORITY_COLOR", "ARRIVAL_TIME_PRIMARY_UNIT", "CLOSED_TIME_INCIDENT",
              "DISPATCH_TIME_PRIMARY_UNIT", "DISTRICT", "CPD_NEIGHBORHOOD",
              "SNA_NEIGHBORHOOD"]  # fmt: skip
    return _write(folder / "PDI__Police_Calls_for_Service.csv", [
        header,
        ["31XX VINE ST", "39.13", "-84.51", "CPD", "02/16/2024 10:00:00 AM", "ARR: ARREST",
         "CPD240216000123", "DIST", "DISTURBANCE", "2", "YELLOW", "02/16/2024 10:09:00 AM",
         "02/16/2024 11:00:00 AM", "02/16/2024 10:02:00 AM", "5", "CUF", "CUF"],
        ["12XX MAIN ST", "39.11", "-84.51", "CPD", "02/16/2024 10:30:00 AM", "NTR: NOTHING",
         "CPD240216000124", "SPOTS", "SHOT SPOTTER ACTIVITY", "1", "RED", "", "",
         "02/16/2024 10:31:00 AM", "1", "OTR", "OTR"],
    ])  # fmt: skip


def canonical_file(folder: Path) -> Path:
    """The canonical calls CSV, reduced to a few of its columns."""
    return _write(folder / "calls.csv", [
        ["event_number", "received_at", "call_source", "final_type_text", "address_raw"],
        ["C-1", "2025-02-01T10:00:00-06:00", "911", "WELFARE CHECK", "100 MAIN ST"],
        ["C-2", "2025-02-01T11:00:00-06:00", "officer_initiated", "TRAFFIC STOP", "2 ELM ST"],
    ])  # fmt: skip


FIXTURES: dict[str, Callable[[Path], Path]] = {
    "seattle": seattle_file,
    "seattle-analysis": seattle_analysis_file,
    "seattle-open-data": seattle_open_data_file,
    "berkeley": berkeley_file,
    "reno-cad": reno_cad_file,
    "reno-rms": reno_rms_file,
    "dallas-active-calls": dallas_file,
    "new-orleans-cfs": new_orleans_file,
    "detroit-911": detroit_file,
    "cincinnati-cfs": cincinnati_file,
    "coresponder-canonical": canonical_file,
}


# ---------------------------------------------------------------------------------------------
# Shipped profiles


def test_it_ships_the_profiles_the_issue_asks_for() -> None:
    assert set(SHIPPED) <= set(available_profiles())
    assert set(FIXTURES) == set(available_profiles()), "every shipped profile has a fixture"


@pytest.mark.parametrize("name", available_profiles())
def test_every_shipped_profile_loads_and_describes_itself(name: str) -> None:
    profile = load_profile(name)
    assert profile.name == name
    assert profile.title and profile.publisher and profile.source
    if name in SHIPPED:
        assert profile.verified is SHIPPED[name]
        assert profile.time_zone.startswith("America/")  # the city's own, never the agency's
    if not profile.verified:
        assert "not verified" in profile.title


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fields": {"event_number": "A", "recieved_at": "B"}}, "unknown field.*recieved_at"),
        ({"fields": {"event_number": "A"}}, "required field.*received_at.*not mapped"),
        ({"colour": "blue"}, "unknown key.*colour"),
        ({"read": {"headers": True}}, r"unknown key.*\[read\] headers"),
        ({"read": {"header": False}}, "header-less file needs \\[read\\] columns"),
        (
            {"read": {"header": False, "columns": ["A"]}},
            "use column.*'B'.*\\[read\\] columns does not name",
        ),
        ({"read": {"header": "yes"}}, "header must be true or false"),
        ({"read": {"delimiter": ";;"}}, "delimiter must be one character"),
        ({"time": {"zone": "Mars/Olympus"}}, "zone 'Mars/Olympus' is not a time zone"),
        ({"time": {"formats": "%Y-%m-%d"}}, "formats must be a list of strings"),
        ({"time": {"formats": []}}, "formats is empty"),
        ({"verified": "false"}, "verified must be true or false"),
        (
            {
                "fields": {
                    "event_number": {"column": "A", "extract": "(unclosed"},
                    "received_at": "B",
                }
            },
            "bad extract pattern",
        ),  # fmt: skip
        (
            {
                "fields": {
                    "event_number": {"columns": ["A"], "extract": ["a", "b"]},
                    "received_at": "B",
                }
            },
            "2 extract pattern.*1 column",
        ),  # fmt: skip
        ({"fields": {"event_number": {"value": "X"}, "received_at": "B"}}, "cannot be a constant"),
        ({"fields": {"event_number": {"formats": ["%Y"]}, "received_at": "B"}}, "names no column"),
        ({"units": {"status": "S"}}, r"\[units\] needs unit_id"),
        ({"units": {"unit_id": "U", "callsign": "C"}}, "unknown unit field.*callsign"),
        ({"maps": {"priority": {"1": "high"}}}, r"\[maps.priority\] is not supported"),
        (
            {"lookups": {"final_type_text": {"from": "final_type_code", "file": "k.csv"}}},
            "needs key, value",
        ),  # fmt: skip
        (
            {
                "lookups": {
                    "final_type_text": {
                        "from": "nowhere",
                        "file": "k.csv",
                        "key": "c",
                        "value": "d",
                    }
                }
            },
            "nowhere, which is not mapped",
        ),  # fmt: skip
        (
            {
                "lookups": {
                    "latitude": {"from": "event_number", "file": "k.csv", "key": "c", "value": "d"}
                }
            },
            "latitude is not a text field",
        ),  # fmt: skip
    ],
)
def test_a_bad_profile_gets_a_message_naming_the_problem(
    change: dict[str, Any], message: str
) -> None:
    data: dict[str, Any] = {
        "name": "bad",
        "read": {"header": True},
        "time": {"zone": "UTC", "formats": ["iso"]},
        "fields": {"event_number": "A", "received_at": "B"},
    }
    for key, value in change.items():
        data[key] = {**data[key], **value} if key in ("read", "time") else value
    with pytest.raises(ProfileError, match=message) as raised:
        parse_profile(data, path="bad.toml")
    assert str(raised.value).startswith("bad.toml: ")


def test_a_profile_file_that_is_not_toml_or_not_there_is_explained(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\n[fields\n')
    with pytest.raises(ProfileError, match="broken.toml: not valid TOML"):
        load_profile(str(broken))
    with pytest.raises(ProfileError, match="No profile 'nope'. Shipped profiles: berkeley"):
        load_profile("nope")


# ---------------------------------------------------------------------------------------------
# Recognising each format


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_it_recognises_each_format_and_reads_every_row(name: str, tmp_path: Path) -> None:
    path = FIXTURES[name](tmp_path)
    found = detect_profile(path)
    assert found.profile.name == name, [c.describe() for c in found.candidates[:3]]
    records, rejects = _read(path, found.profile)
    assert rejects == []
    assert records and all(r.event_number and r.received_at for r in records)


def test_it_reads_the_api_spelling_of_the_seattle_columns(tmp_path: Path) -> None:
    path = seattle_open_data_file(tmp_path, snake_case=True)
    assert detect_profile(path).profile.name == "seattle-open-data"
    records, _ = _read(path, load_profile("seattle-open-data"))
    first = next(r for r in records if r.event_number == "2025000300001")
    assert first.received_at == datetime(2025, 1, 10, 18, 0, tzinfo=UTC)
    assert [u.unit_id for u in first.units] == ["20250003000012B22", "20250003000013C11"]
    assert first.units[0].cleared_at == datetime(2025, 1, 10, 19, 0, tzinfo=UTC)


def test_seattle_redacted_locations_are_empty_not_rejected(tmp_path: Path) -> None:
    records, rejects = _read(seattle_open_data_file(tmp_path), load_profile("seattle-open-data"))
    onview = next(r for r in records if r.event_number == "2025000300002")
    assert rejects == [] and onview.latitude is None and onview.address_raw == ""
    assert onview.units == [] and onview.call_source == "officer_initiated"


def test_berkeley_address_time_and_point_come_from_the_multi_line_cell(tmp_path: Path) -> None:
    records, _ = _read(berkeley_file(tmp_path), load_profile("berkeley"))
    first, second, third = records
    assert first.address_raw == "OAK STREET & ELM AVE"
    assert (first.latitude, first.longitude) == (37.8566, -122.2752)
    assert first.received_at == datetime(2021, 4, 19, 5, 17, tzinfo=UTC)  # 22:17 PDT
    assert second.address_raw == "200 MAIN ST" and second.latitude is None
    assert third.address_raw == ""  # only the city and the city-centre point
    assert [r.line for r in records] == [2, 5, 7]  # the line each row starts on


def test_reno_codes_are_decoded_with_the_key_next_to_the_snapshots(tmp_path: Path) -> None:
    records, _ = _read(reno_cad_file(tmp_path), load_profile("reno-cad"))
    assert [(r.final_type_code, r.final_type_text) for r in records][:2] == [
        ("ACCP", "Accident Police Response"),
        ("LARC", "Larceny"),
    ]
    assert records[0].received_at == datetime(2021, 10, 6, 7, 38, 37, tzinfo=UTC)
    rms, _ = _read(reno_rms_file(tmp_path), load_profile("reno-rms"))
    assert [r.event_number for r in rms] == ["210007773", "210007898", "210050596"]


def test_a_missing_code_key_is_a_note_and_the_codes_stay(tmp_path: Path) -> None:
    notes = ReadNotes()
    records, _ = _read(reno_cad_file(tmp_path, keys=False), load_profile("reno-cad"), notes=notes)
    assert records[0].final_type_code == "ACCP" and records[0].final_type_text == ""
    assert any("cfs_code_key.csv not found" in note for note in notes.notes)


def test_a_code_key_without_the_named_columns_is_a_note(tmp_path: Path) -> None:
    path = reno_cad_file(tmp_path)
    _write(tmp_path / "cfs_code_key.csv", [["CODE_ID", "TEXT"], ["ACCP", "Accident"]])
    notes = ReadNotes()
    _read(path, load_profile("reno-cad"), notes=notes)
    assert any("has no column 'code', 'description'" in note for note in notes.notes)


def test_dallas_units_fold_into_one_call_and_the_nature_splits(tmp_path: Path) -> None:
    records, _ = _read(dallas_file(tmp_path), load_profile("dallas-active-calls"))
    assert len(records) == 3
    missing = next(r for r in records if r.event_number == "21-0000002")
    assert [u.unit_id for u in missing.units] == ["B144", "B145"]
    assert (missing.final_type_code, missing.final_type_text) == (
        "26/01",
        "Missing Person-Critical",
    )
    assert missing.address_raw == "N Peak St / Live Oak St"
    first = records[0]
    assert first.address_raw == "3000 E Illinois Ave" and first.final_type_code == "38"
    assert first.received_at == datetime(2021, 1, 9, 15, 26, tzinfo=UTC)  # CST is UTC-6


def test_units_of_one_call_stay_in_one_chunk(tmp_path: Path) -> None:
    path = dallas_file(tmp_path)
    chunks = list(read_chunks(path, load_profile("dallas-active-calls"), chunk_rows=2))
    assert [c.rows for c in chunks] == [3, 1]  # the second unit of 21-0000002 is not cut off
    assert sum(c.calls for c in chunks) == 3 and sum(c.folded for c in chunks) == 1


def test_units_of_one_call_far_apart_in_the_file_still_fold_into_it(tmp_path: Path) -> None:
    rows = list(csv.reader(dallas_file(tmp_path).open()))
    header, first, second_a, second_b, third = rows
    fillers = []
    for number in range(4, 10):
        filler = list(third)
        filler[4], filler[-1] = f"21-000000{number}", f"X{number}"
        fillers.append(filler)
    # 21-0000002's second unit comes seven rows after its first.
    path = _write(tmp_path / "far.csv", [header, first, third, second_a, *fillers, second_b])
    chunks = list(read_chunks(path, load_profile("dallas-active-calls"), chunk_rows=2))
    assert [c.rows for c in chunks] == [2, 8]  # no chunk ends while 21-0000002 is open
    records = [r for c in chunks for r in c.all_records()]
    call = next(r for r in records if r.event_number == "21-0000002")
    assert sorted(u.unit_id for u in call.units) == ["B144", "B145"]
    assert sum(c.folded for c in chunks) == 1 and len(records) == 9


def test_a_row_without_a_unit_is_still_a_call(tmp_path: Path) -> None:
    rows = list(csv.reader(dallas_file(tmp_path).open()))
    rows[1][-1] = ""
    records, _ = _read(_write(tmp_path / "d.csv", rows), load_profile("dallas-active-calls"))
    assert records[0].event_number == "21-0000001" and records[0].units == []


def test_new_orleans_points_in_either_spelling(tmp_path: Path) -> None:
    records, _ = _read(new_orleans_file(tmp_path), load_profile("new-orleans-cfs"))
    first, second = records
    assert (first.latitude, first.longitude) == (29.9334, -90.0846)
    assert (second.latitude, second.longitude) == (29.9711, -90.0812)
    assert (first.call_source, second.call_source) == ("unknown", "officer_initiated")
    assert first.cleared_at == datetime(2021, 1, 1, 7, 0, tzinfo=UTC)


def test_detroit_timestamps_marked_utc_are_utc(tmp_path: Path) -> None:
    records, _ = _read(detroit_file(tmp_path), load_profile("detroit-911"))
    assert records[0].received_at == datetime(2021, 3, 1, 4, 2, 34, tzinfo=UTC)
    assert [r.call_source for r in records] == ["911", "officer_initiated"]
    assert records[0].units[0].unit_id == "4-8"


def test_cincinnati_disposition_code_is_split_off(tmp_path: Path) -> None:
    records, _ = _read(cincinnati_file(tmp_path), load_profile("cincinnati-cfs"))
    assert (records[0].disposition_code, records[0].disposition_text) == ("ARR", "ARR: ARREST")
    assert records[0].dispatched_at == datetime(2024, 2, 16, 15, 2, tzinfo=UTC)


def test_header_names_match_whatever_their_case_and_punctuation(tmp_path: Path) -> None:
    rows = list(csv.reader(seattle_file(tmp_path).open(encoding="utf-8")))
    rows[0] = [name.upper().replace(" ", "_") for name in rows[0]]
    path = _write(tmp_path / "shouting.csv", rows)
    records, rejects = _read(path, load_profile("seattle"))
    assert len(records) == 2 and rejects == [] and records[0].beat == "C2"
    assert detect_profile(path).profile.name == "seattle"


def test_without_code_keys_reno_cad_is_still_told_from_rms_by_its_empty_report_numbers(
    tmp_path: Path,
) -> None:
    assert detect_profile(reno_cad_file(tmp_path, keys=False)).profile.name == "reno-cad"


def test_two_profiles_that_fit_equally_are_a_question_not_a_guess(tmp_path: Path) -> None:
    path = reno_rms_file(tmp_path, keys=False)  # no keys to tell CFS from nature codes
    with pytest.raises(FileProblem, match="fits several import profiles.*reno-cad.*reno-rms"):
        detect_profile(path)


def test_an_unknown_format_says_what_it_found_what_is_missing_and_its_guesses(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path / "county.csv", [
        ["Incident No", "Call Received", "Nature", "Address", "Lat", "Lon", "Disp"],
        ["24-0001", "03/01/2025 10:00", "WELFARE CHECK", "100 MAIN ST", "41.88", "-87.63", "GOA"],
        ["24-0002", "03/01/2025 11:30", "NOISE", "200 ELM ST", "41.89", "-87.64", "ADV"],
    ])  # fmt: skip
    with pytest.raises(FileProblem) as raised:
        detect_profile(path)
    message = str(raised.value)
    assert "Found: a header row of 7 columns" in message and "'Call Received'" in message
    assert "Missing: a shipped profile" in message
    assert "event_number <- 'Incident No'" in message
    assert "received_at <- 'Call Received'" in message
    assert "latitude <- 'Lat'" in message and "suggest-profile county.csv" in message


def test_a_file_with_no_recognisable_fields_says_which_are_missing(tmp_path: Path) -> None:
    path = _write(tmp_path / "odd.csv", [["colour", "size"], ["red", "large"], ["blue", "small"]])
    with pytest.raises(FileProblem, match=r"Missing: no column looks like .*\(event_number\)"):
        detect_profile(path)


def test_a_semicolon_file_is_told_its_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text("CAD Event Number;Original Time Queued\n1;01/01/2020 10:00:00 AM\n")
    with pytest.raises(FileProblem, match="separated by ';', the profile reads ','"):
        detect_profile(path)


def test_an_empty_file_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("\n\n")
    with pytest.raises(FileProblem, match="The file is empty"):
        detect_profile(path)
    with pytest.raises(FileProblem, match="The file is empty"):
        suggest_profile(path)


# ---------------------------------------------------------------------------------------------
# Guessing and suggesting


def test_column_names_become_words() -> None:
    assert words("TimeCreate") == "time create"
    assert words("CAD.Event.Number") == "cad event number"
    assert words("NOPD_Item") == "nopd item"
    assert words("InitialTypeText") == "initial type text"


def test_a_header_is_told_from_a_first_data_row() -> None:
    assert looks_like_header(["Incident", "Received", ""])
    assert not looks_like_header(["900000001", "ACCP", "10062021", "003837", "WC", ""])
    assert not looks_like_header(["A", "a"])


def test_guesses_use_synonyms_and_values() -> None:
    header = ["Event No", "Time Queued", "EVENTDATE", "Latitude", "Longitude", "Narrative"]
    rows = [["E-1", "2024-05-01 10:00:00", "05/01/2024", "47.6", "-122.3", "caller upset"]] * 3
    guesses = guess_fields(header, rows)
    assert guesses["event_number"].columns == ("Event No",)
    assert guesses["received_at"].columns == ("Time Queued",)
    assert guesses["received_at"].formats == ("iso",)
    assert guesses["latitude"].columns == ("Latitude",)
    assert guesses["narrative"].columns == ("Narrative",)


def test_guesses_a_date_and_a_clock_column_as_one_time() -> None:
    header = ["CASENO", "EVENTDT", "EVENTTM"]
    rows = [["1", "04/18/2021 12:00:00 AM", "22:17"], ["2", "04/19/2021 12:00:00 AM", "07:05"]]
    guess = guess_fields(header, rows)["received_at"]
    assert guess.columns == ("EVENTDT", "EVENTTM")
    assert guess.formats == ("%m/%d/%Y %H:%M",)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_a_suggested_profile_parses_and_reads_the_file(name: str, tmp_path: Path) -> None:
    path = FIXTURES[name](tmp_path)
    text = suggest_profile(path)
    profile = parse_profile(tomllib.loads(text), path="suggested.toml")
    records, rejects = _read(path, profile, agency_time_zone="America/Chicago")
    assert records and rejects == [], text


def test_a_suggested_profile_for_an_unknown_export_imports_it(tmp_path: Path) -> None:
    path = _write(tmp_path / "county.csv", [
        ["Incident No", "Call Received", "Dispatched", "Nature", "Address", "City", "Unit"],
        ["24-0001", "03/01/2025 10:00", "03/01/2025 10:04", "WELFARE CHECK", "100 MAIN ST",
         "SPRINGFIELD", "A1"],
        ["24-0001", "03/01/2025 10:00", "03/01/2025 10:04", "WELFARE CHECK", "100 MAIN ST",
         "SPRINGFIELD", "A2"],
        ["24-0002", "03/01/2025 11:30", "", "NOISE", "200 ELM ST", "SPRINGFIELD", "B7"],
    ])  # fmt: skip
    text = suggest_profile(path)
    profile = parse_profile(tomllib.loads(text), path="county.toml")
    assert profile.unit_fields["unit_id"].columns == ("Unit",)
    records, rejects = _read(path, profile, agency_time_zone="America/Chicago")
    assert rejects == [] and [r.event_number for r in records] == ["24-0001", "24-0002"]
    assert records[0].dispatched_at == datetime(2025, 3, 1, 16, 4, tzinfo=UTC)
    assert [u.unit_id for u in records[0].units] == ["A1", "A2"]
    assert records[0].city == "SPRINGFIELD"


def test_a_suggested_profile_marks_what_it_could_not_find(tmp_path: Path) -> None:
    path = _write(tmp_path / "odd.csv", [["colour", "size"], ["red", "large"]])
    text = suggest_profile(path)
    assert 'event_number = "FILL IN"  # REQUIRED' in text
    assert "# dispatched_at" in text
    parse_profile(tomllib.loads(text))  # still a valid profile to edit


def test_dallas_addresses_with_a_block_number_are_blocks(tmp_path: Path) -> None:
    records, _ = _read(dallas_file(tmp_path), load_profile("dallas-active-calls"))
    blocks = {r.event_number: r.is_block for r in records}
    # "3000 E Illinois Ave" says nothing of a block; the block column does.
    assert blocks == {"21-0000001": True, "21-0000002": None, "21-0000003": True}
