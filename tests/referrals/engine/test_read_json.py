"""Reading HSDS 3.0 JSON: both accepted shapes, and problems that name record and field."""

from __future__ import annotations

import json
from pathlib import Path

from coresponder.referrals.engine import read_hsds_json, write_hsds_json

from .fixtures import nested_service, small_directory, uid


def test_it_reads_a_list_of_nested_services_into_every_table() -> None:
    result = read_hsds_json(json.dumps([nested_service()]))

    directory = result.directory
    assert result.problems == ()
    assert [s.name for s in directory.services] == ["Tenant Legal Clinic"]
    assert directory.services[0].organization_id == uid("svc-org")
    assert directory.service_at_locations[0].service_id == uid("svc")
    assert directory.service_at_locations[0].location_id == uid("svc-loc")
    assert directory.addresses[0].location_id == uid("svc-loc")
    assert directory.phones[0].service_id == uid("svc")
    assert directory.attributes[0].link_id == uid("svc")
    assert directory.attributes[0].link_entity == "service"
    assert directory.attributes[0].taxonomy_term_id == uid("svc-term")


def test_it_reads_an_api_page_of_services() -> None:
    result = read_hsds_json(json.dumps({"contents": [nested_service()], "total_items": 1}))

    assert len(result.directory.services) == 1


def test_it_reads_an_object_of_top_level_arrays() -> None:
    directory = small_directory()

    assert read_hsds_json(write_hsds_json(directory)).directory == directory


def test_it_merges_an_organization_repeated_under_each_of_its_services() -> None:
    second = nested_service(
        id=uid("svc2"),
        name="Second",
        phones=[],
        schedules=[],
        languages=[],
        service_at_locations=[],
        attributes=[],
    )

    result = read_hsds_json(json.dumps([nested_service(), second]))

    assert result.problems == ()
    assert len(result.directory.organizations) == 1
    assert len(result.directory.services) == 2


def test_it_reads_a_file_path(tmp_path: Path) -> None:
    path = tmp_path / "directory.json"
    path.write_text(json.dumps([nested_service()]), encoding="utf-8")

    assert len(read_hsds_json(path).directory.services) == 1
    assert len(read_hsds_json(str(path)).directory.services) == 1


def test_it_reports_a_file_that_is_not_json() -> None:
    result = read_hsds_json(b"{not json")

    assert result.directory.services == ()
    assert result.problems[0].record_type == "file"
    assert "is not valid JSON" in result.problems[0].message


def test_it_reports_a_missing_file() -> None:
    result = read_hsds_json("/nonexistent/directory.json")

    assert "cannot be read" in result.problems[0].message


def test_it_keeps_the_good_services_and_skips_the_bad_one_whole() -> None:
    bad = nested_service(
        id=uid("bad"),
        status="open-ish",
        phones=[],
        schedules=[],
        languages=[],
        service_at_locations=[],
        attributes=[],
    )

    result = read_hsds_json(json.dumps([nested_service(), bad]))

    assert [s.id for s in result.directory.services] == [uid("svc")]
    [problem] = result.problems
    assert (problem.record_type, problem.record_id, problem.field) == (
        "service",
        uid("bad"),
        "status",
    )
    assert problem.source == "[1]"
    assert "must be one of active, inactive, defunct, temporarily closed" in problem.message


def test_it_drops_records_nested_under_a_rejected_service() -> None:
    result = read_hsds_json(json.dumps([nested_service(name="")]))

    assert result.directory.services == ()
    assert result.directory.phones == ()
    messages = [str(p) for p in result.problems]
    assert messages[0] == f"[0], service {uid('svc')}: field `name` is required"
    assert any("which was rejected" in m and "phone" in m for m in messages)


def test_it_names_the_json_path_of_a_nested_record() -> None:
    service = nested_service()
    service["phones"][0]["number"] = "call us"

    [problem] = read_hsds_json(json.dumps([service])).problems

    assert problem.source == "[0].phones[0]"
    assert problem.field == "number"
    assert str(problem).startswith(f"[0].phones[0], phone {uid('svc-phone')}: field `number`")


def test_it_reports_records_that_are_not_objects_and_tables_that_are_not_arrays() -> None:
    result = read_hsds_json(json.dumps({"services": [42], "phones": {"id": "x"}}))

    assert {(p.record_type, p.message) for p in result.problems} == {
        ("service", "is not a JSON object"),
        ("phone", "must be an array"),
    }


def test_it_reads_services_and_locations_nested_under_an_organization() -> None:
    organization = {
        "id": uid("o"),
        "name": "Riverside",
        "description": "Community services",
        "services": [{"id": uid("s"), "name": "Pantry", "status": "active"}],
        "locations": [
            {
                "id": uid("l"),
                "location_type": "physical",
                "schedules": [{"id": uid("h"), "opens_at": "09:00", "closes_at": "12:00"}],
                "attributes": [{"id": uid("a"), "taxonomy_term_id": uid("t")}],
            }
        ],
    }
    term = {"id": uid("t"), "name": "Food", "description": "Food"}

    result = read_hsds_json(json.dumps({"organizations": [organization], "taxonomy_terms": [term]}))

    assert result.problems == ()
    assert result.directory.services[0].organization_id == uid("o")
    assert result.directory.locations[0].organization_id == uid("o")
    assert result.directory.schedules[0].location_id == uid("l")
    assert result.directory.attributes[0].link_entity == "location"
