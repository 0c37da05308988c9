"""Whatever arrives, the readers report problems and never raise."""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coresponder.referrals.engine import (
    ReadResult,
    read_hsds_datapackage,
    read_hsds_json,
)
from coresponder.referrals.engine.datapackage import FILE_NAMES
from coresponder.referrals.engine.model import RECORD_TYPES

from .fixtures import nested_service

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)
FIELD_NAMES = st.sampled_from(
    sorted({f for cls in RECORD_TYPES.values() for f in cls.__dataclass_fields__})
    + ["organization", "location", "phones", "schedules", "service_at_locations", "attributes"]
)
# Records whose keys are real HSDS fields, so the fuzz reaches the field parsers.
PLAUSIBLE_RECORDS = st.dictionaries(FIELD_NAMES, JSON_VALUES, max_size=8)


def _assert_reported(result: ReadResult) -> None:
    assert isinstance(result, ReadResult)
    assert all(isinstance(str(problem), str) for problem in result.problems)


@SETTINGS
@given(st.binary(max_size=300))
def test_it_never_raises_on_random_bytes(data: bytes) -> None:
    _assert_reported(read_hsds_json(data))


@SETTINGS
@given(JSON_VALUES)
def test_it_never_raises_on_random_json(document: Any) -> None:
    _assert_reported(read_hsds_json(json.dumps(document)))


@SETTINGS
@given(st.lists(PLAUSIBLE_RECORDS, max_size=4), st.sampled_from(["services", "list", "phones"]))
def test_it_never_raises_on_plausible_but_broken_records(records: list, shape: str) -> None:
    document: Any = records if shape == "list" else {shape: records}
    _assert_reported(read_hsds_json(json.dumps(document)))


@SETTINGS
@given(st.data())
def test_it_never_raises_when_a_good_service_is_mutated(data: st.DataObject) -> None:
    service = nested_service()
    key = data.draw(st.sampled_from(sorted(service)))
    service[key] = data.draw(JSON_VALUES)
    _assert_reported(read_hsds_json(json.dumps([service])))


@SETTINGS
@given(
    st.sampled_from(sorted(FILE_NAMES.values())), st.text(max_size=300) | st.binary(max_size=300)
)
def test_it_never_raises_on_random_csv(file_name: str, content: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder)
        (path / "datapackage.json").write_text("{}")  # no resources: the standard names
        target = path / file_name
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8", errors="surrogatepass")
        else:
            target.write_bytes(content)
        _assert_reported(read_hsds_datapackage(path))


@SETTINGS
@given(
    st.lists(FIELD_NAMES, min_size=1, max_size=6, unique=True),
    st.lists(st.lists(st.text(max_size=12), max_size=7), max_size=5),
)
def test_it_never_raises_on_csv_with_real_headers(header: list[str], rows: list) -> None:
    lines = [",".join(header)] + [",".join(json.dumps(cell) for cell in row) for row in rows]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder)
        for file_name in FILE_NAMES.values():
            (path / file_name).write_text(
                "\n".join(lines), encoding="utf-8", errors="surrogatepass"
            )
        _assert_reported(read_hsds_datapackage(path))


@SETTINGS
@given(st.binary(max_size=200), JSON_VALUES)
def test_it_never_raises_on_a_random_zip_or_descriptor(data: bytes, descriptor: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        bogus = Path(folder) / "random.zip"
        bogus.write_bytes(data)
        _assert_reported(read_hsds_datapackage(bogus))
        archive = Path(folder) / "package.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("datapackage.json", json.dumps(descriptor))
        _assert_reported(read_hsds_datapackage(archive))


def test_it_reports_json_nested_too_deeply_to_read() -> None:
    deep = "[" * 100_000 + "]" * 100_000

    result = read_hsds_json(deep)

    assert result.problems[0].record_type == "file"


def test_it_reports_services_nested_too_deeply() -> None:
    service: dict[str, Any] = {}
    for _ in range(300):
        service = {"organization": {"services": [service]}}

    _assert_reported(read_hsds_json(json.dumps([service])))
