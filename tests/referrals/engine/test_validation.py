"""Every kind of problem the readers report, with the record and field it names."""

from __future__ import annotations

import json
from typing import Any

import pytest

from coresponder.referrals.engine import read_hsds_json

from .fixtures import uid

ORG = {"id": uid("o"), "name": "Org", "description": "An organization"}


def _service(**fields: Any) -> dict[str, Any]:
    return {"id": uid("s"), "organization_id": uid("o"), "name": "S", "status": "active", **fields}


def _read(**tables: list[dict[str, Any]]) -> Any:
    return read_hsds_json(json.dumps({"organizations": [ORG], **tables}))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"id": "7b2"}, "id", "is not a UUID: '7b2'"),
        ({"name": "  "}, "name", "is required"),
        ({"name": ["a list"]}, "name", "must be text"),
        ({"status": "closed"}, "status", "must be one of active, inactive, defunct"),
        ({"url": "www.example.org"}, "url", "is not an http(s) URL"),
        ({"url": "javascript:alert(1)"}, "url", "is not an http(s) URL"),
        ({"email": "help at example.org"}, "email", "is not an e-mail address"),
        ({"minimum_age": "eighteen"}, "minimum_age", "is not a number"),
        ({"minimum_age": -1}, "minimum_age", "must be between 0 and 130"),
        ({"maximum_age": True}, "maximum_age", "is not a number"),
        ({"minimum_age": 65, "maximum_age": 18}, "maximum_age", "(18) is below minimum_age (65)"),
        (
            {"organization_id": uid("elsewhere")},
            "organization_id",
            "refers to an organization that is not in the file",
        ),
    ],
)
def test_it_reports_a_bad_service_field(fields: dict[str, Any], field: str, message: str) -> None:
    result = _read(services=[_service(**fields)])

    assert result.directory.services == ()
    [problem] = result.problems
    assert (problem.record_type, problem.field) == ("service", field)
    assert message in problem.message


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"opens_at": "9am", "closes_at": "17:00"}, "opens_at", "is not a time"),
        ({"opens_at": "25:00", "closes_at": "17:00"}, "opens_at", "is not a time"),
        ({"opens_at": "09:00"}, "closes_at", "is required when the other"),
        ({"valid_from": "2026-13-01"}, "valid_from", "is not a date"),
        ({"valid_from": "2026-02-01", "valid_to": "2026-01-01"}, "valid_to", "is before"),
        ({"freq": "DAILY"}, "freq", "must be one of WEEKLY, MONTHLY"),
        ({"byday": "MON"}, "byday", "is not a list of iCal days"),
        ({"byday": "2MO", "freq": "WEEKLY"}, "byday", "need freq MONTHLY"),
        ({"bymonthday": "32", "freq": "MONTHLY"}, "bymonthday", "days of the month"),
        ({"interval": 1.5}, "interval", "is not a whole number"),
        ({"service_id": None}, "service_id", "a schedule belongs to"),
    ],
)
def test_it_reports_a_bad_schedule_field(fields: dict[str, Any], field: str, message: str) -> None:
    schedule = {"id": uid("h"), "service_id": uid("s"), **fields}

    result = _read(services=[_service()], schedules=[schedule])

    assert result.directory.schedules == ()
    assert len(result.directory.services) == 1
    [problem] = result.problems
    assert (problem.record_type, problem.record_id, problem.field) == ("schedule", uid("h"), field)
    assert message in problem.message


@pytest.mark.parametrize(
    ("table", "record", "field", "message"),
    [
        ("phones", {"number": "call us"}, "number", "is not a phone number"),
        ("phones", {"number": "12"}, "number", "is not a phone number"),
        ("phones", {"number": "911", "type": "pigeon"}, "type", "must be one of text, voice"),
        (
            "locations",
            {"location_type": "physical", "latitude": 95, "longitude": 0},
            "latitude",
            "must be between -90 and 90",
        ),
        (
            "locations",
            {"location_type": "physical", "latitude": 45},
            "longitude",
            "is required when the other coordinate",
        ),
        (
            "addresses",
            {
                "location_id": uid("nowhere"),
                "address_1": "1 Main",
                "city": "C",
                "state_province": "MN",
                "postal_code": "1",
                "country": "USA",
                "address_type": "physical",
            },
            "country",
            "two-letter",
        ),
        ("languages", {"service_id": uid("s"), "code": "Spanish"}, "code", "ISO 639"),
        (
            "attributes",
            {"link_id": uid("s"), "link_entity": "service", "taxonomy_term_id": uid("no-term")},
            "taxonomy_term_id",
            "refers to a taxonomy term that is not in the file",
        ),
        (
            "attributes",
            {"link_id": uid("s"), "link_entity": "spaceship", "taxonomy_term_id": uid("t")},
            "link_entity",
            "must be one of",
        ),
    ],
)
def test_it_reports_bad_fields_in_other_tables(
    table: str, record: dict[str, Any], field: str, message: str
) -> None:
    result = _read(services=[_service()], **{table: [{"id": uid("r"), **record}]})

    assert getattr(result.directory, table) == ()
    [problem] = result.problems
    assert problem.field == field
    assert message in problem.message


def test_it_takes_a_whole_number_as_text_for_postal_codes() -> None:
    location = {"id": uid("l"), "location_type": "physical"}
    address = {
        "id": uid("a"),
        "location_id": uid("l"),
        "address_1": "1 Main",
        "city": "C",
        "state_province": "MN",
        "postal_code": 55401,
        "country": "us",
        "address_type": "physical",
    }

    [kept] = _read(locations=[location], addresses=[address]).directory.addresses

    assert (kept.postal_code, kept.country) == ("55401", "US")


def test_it_accepts_the_short_crisis_numbers() -> None:
    phones = [{"id": uid("988"), "number": "988"}, {"id": uid("211"), "number": "211"}]

    assert len(_read(phones=phones).directory.phones) == 2


def test_it_keeps_the_first_of_two_different_records_with_one_id() -> None:
    first, second = _service(name="First"), _service(name="Second")

    result = _read(services=[first, second])

    assert [s.name for s in result.directory.services] == ["First"]
    [problem] = result.problems
    assert (problem.field, problem.source) == ("id", "services[1]")
    assert "is a duplicate; the record at services[0] is kept" in problem.message


def test_it_rejects_a_record_that_refers_to_a_rejected_one() -> None:
    sal = {"id": uid("sal"), "service_id": uid("s"), "location_id": uid("l")}
    location = {"id": uid("l"), "location_type": "physical"}

    result = _read(
        services=[_service(status="?")], locations=[location], service_at_locations=[sal]
    )

    problem = result.problems[-1]
    assert (problem.record_type, problem.field) == ("service_at_location", "service_id")
    assert f"refers to service {uid('s')}, which was rejected" in problem.message


def test_it_normalises_case_where_hsds_is_case_insensitive() -> None:
    service = _service(id=uid("s").upper(), status="Temporarily Closed")
    schedule = {"id": uid("h"), "service_id": uid("s"), "byday": "mo, tu", "freq": "weekly"}

    result = _read(services=[service], schedules=[schedule])

    assert result.problems == ()
    assert result.directory.services[0].id == uid("s")
    assert result.directory.services[0].status == "temporarily closed"
    assert result.directory.schedules[0].byday == "MO,TU"
