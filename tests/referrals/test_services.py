"""Importing, exporting and editing the stored directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.referrals import selectors, services
from coresponder.referrals.engine import read_hsds_datapackage, read_hsds_json
from tests.conftest import Personas
from tests.referrals.engine.fixtures import small_directory, uid
from tests.referrals.helpers import BAD_STATUS, document, one_new_service, with_bad_service


def _import(personas: Personas, doc: dict[str, object], *, replace: bool = False):
    result = read_hsds_json(json.dumps(doc))
    return services.import_directory(
        actor=personas.admin, agency=personas.agency, result=result, replace=replace
    )


def test_it_stores_every_record_of_a_good_file(personas: Personas) -> None:
    summary = _import(personas, document())
    assert summary.problems == ()
    assert summary.stored["services"] == 4
    assert selectors.directory_of(personas.agency) == small_directory()
    event = AuditEvent.objects.get(action=AuditAction.DIRECTORY_IMPORTED)
    assert event.data["services"] == 4 and event.data["problems"] == 0


def test_it_skips_bad_records_with_the_engines_message_and_stores_the_rest(
    personas: Personas,
) -> None:
    summary = _import(personas, with_bad_service())
    assert [BAD_STATUS in str(p) for p in summary.problems] == [True]
    names = {s.name for s in selectors.directory_of(personas.agency).services}
    assert "Bad" not in names and "Crisis Line" in names


def test_it_merges_by_id_or_replaces(personas: Personas) -> None:
    _import(personas, document())
    _import(personas, one_new_service())
    assert len(selectors.directory_of(personas.agency).services) == 5
    _import(personas, one_new_service(), replace=True)
    names = [s.name for s in selectors.directory_of(personas.agency).services]
    assert names == ["Tenant Legal Clinic"]


def test_each_agency_has_its_own_directory(personas: Personas) -> None:
    _import(personas, document())
    assert selectors.directory_of(personas.other_agency).services == ()


@pytest.mark.parametrize("name", ["out.json", "out.zip"])
def test_an_export_reads_back_as_the_stored_directory(
    personas: Personas, tmp_path: Path, name: str
) -> None:
    _import(personas, document())
    out = tmp_path / name
    counts = services.export_directory(actor=personas.admin, agency=personas.agency, out=out)
    assert counts["services"] == 4
    read = read_hsds_datapackage(out) if name.endswith(".zip") else read_hsds_json(out)
    assert read.problems == ()
    assert read.directory == small_directory()
    assert AuditEvent.objects.filter(action=AuditAction.DIRECTORY_EXPORTED).count() == 1


def test_an_edit_changes_a_service_and_a_stale_one_is_refused(personas: Personas) -> None:
    _import(personas, document())
    version = selectors.snapshot_of(personas.agency).version
    services.update_service(
        actor=personas.supervisor,
        agency=personas.agency,
        service_id=uid("line"),
        expected_version=version,
        changes={"status": "temporarily closed", "name": "Crisis Line (988)"},
    )
    line = selectors.service_in(selectors.directory_of(personas.agency), uid("line"))
    assert (line.name, line.status) == ("Crisis Line (988)", "temporarily closed")
    with pytest.raises(services.DirectoryConflict):
        services.update_service(
            actor=personas.admin,
            agency=personas.agency,
            service_id=uid("line"),
            expected_version=version,
            changes={"status": "active"},
        )
    event = AuditEvent.objects.get(action=AuditAction.DIRECTORY_SERVICE_UPDATED)
    assert event.data["fields"] == ["name", "status"]


def test_an_edit_refuses_an_unknown_status(personas: Personas) -> None:
    _import(personas, document())
    with pytest.raises(services.DirectoryError, match="Status must be one of"):
        services.update_service(
            actor=personas.admin,
            agency=personas.agency,
            service_id=uid("line"),
            expected_version=selectors.snapshot_of(personas.agency).version,
            changes={"status": "open"},
        )
