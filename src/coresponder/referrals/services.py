"""Writes to the community-partner directory: import (replace or merge by id), export, and
one service's basic fields and status. Each write is audited in the same transaction."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.referrals.engine import (
    Directory,
    Problem,
    ReadResult,
    read_hsds_datapackage,
    read_hsds_json,
    write_hsds_datapackage,
    write_hsds_json,
)
from coresponder.referrals.engine.model import PLURALS, RECORD_TYPES, SERVICE_STATUSES
from coresponder.referrals.models import DirectorySnapshot
from coresponder.referrals.selectors import directory_of, snapshot_of

EDITABLE_FIELDS = ("name", "description", "status")


class DirectoryError(ValueError):
    """A refused directory change, with a message fit to show the person."""


class DirectoryConflict(DirectoryError):
    """Someone else saved the directory after the editor opened it."""


@dataclass(frozen=True)
class ImportSummary:
    stored: dict[str, int]
    problems: tuple[Problem, ...]
    replaced: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "stored": self.stored,
            "problems": len(self.problems),
            "replaced": self.replaced,
        }

    def audit_data(self) -> dict[str, Any]:
        """Flat counts: audit data holds scalars only."""
        return {
            "records": sum(self.stored.values()),
            "services": self.stored["services"],
            "problems": len(self.problems),
            "replaced": self.replaced,
        }


def read_file(path: Path) -> ReadResult:
    """A JSON file or a data package (a .zip or a datapackage.json with its CSV files)."""
    if path.suffix.lower() == ".zip" or path.name == "datapackage.json":
        return read_hsds_datapackage(path)
    return read_hsds_json(path)


def import_directory(
    *, actor: Any, agency: Any, result: ReadResult, replace: bool = False
) -> ImportSummary:
    """Store every valid record of ``result``: instead of the directory (``replace``) or over
    it, record by record by id. Bad records were already left out by the engine's reader."""
    with transaction.atomic():
        snapshot = _locked_snapshot(agency)
        base = Directory() if replace else _directory_of_document(snapshot.document)
        merged = _revalidated(_merge(base, result.directory))
        _save(snapshot, merged)
        summary = ImportSummary(_counts(result.directory), result.problems, replace)
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_IMPORTED,
            object_type="directory",
            object_id=agency.pk,
            agency_id=agency.pk,
            data=summary.audit_data(),
        )
    return summary


def export_directory(*, actor: Any, agency: Any, out: Path) -> dict[str, int]:
    """Write the agency's directory to OUT.json or OUT.zip (a data package); audited."""
    directory = directory_of(agency)
    if out.suffix.lower() == ".zip":
        write_hsds_datapackage(directory, out)
    else:
        out.write_text(write_hsds_json(directory), encoding="utf-8")
    counts = _counts(directory)
    audit_record(
        actor=actor,
        action=AuditAction.DIRECTORY_EXPORTED,
        object_type="directory",
        object_id=agency.pk,
        agency_id=agency.pk,
        data={"records": sum(counts.values()), "services": counts["services"]},
    )
    return counts


def update_service(
    *, actor: Any, agency: Any, service_id: str, expected_version: int, changes: Mapping[str, Any]
) -> None:
    """Change one service's name, description or status if the directory is still at
    ``expected_version``; otherwise refuse with a conflict."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise DirectoryError(f"These fields cannot be edited here: {', '.join(unknown)}.")
    if "status" in changes and changes["status"] not in SERVICE_STATUSES:
        raise DirectoryError(f"Status must be one of {', '.join(SERVICE_STATUSES)}.")
    if not str(changes.get("name", "x")).strip():
        raise DirectoryError("A service needs a name.")
    with transaction.atomic():
        snapshot = _locked_snapshot(agency)
        if snapshot.version != expected_version:
            raise DirectoryConflict(
                "Someone else saved the directory after you opened it. Your changes were not "
                "saved: reload to see theirs, then make yours again."
            )
        directory = _directory_of_document(snapshot.document)
        services = _with_changed_service(directory.services, service_id, changes)
        _save(snapshot, dataclasses.replace(directory, services=services))
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_SERVICE_UPDATED,
            object_type="directory_service",
            object_id=service_id,
            agency_id=agency.pk,
            data={"fields": sorted(changes)},
        )


def _with_changed_service(
    services: Iterable[Any], service_id: str, changes: Mapping[str, Any]
) -> tuple[Any, ...]:
    found = False
    changed = []
    for service in services:
        if service.id == service_id:
            found = True
            service = dataclasses.replace(service, **changes)
        changed.append(service)
    if not found:
        raise DirectoryError("No such service in this agency's directory.")
    return tuple(changed)


def _locked_snapshot(agency: Any) -> DirectorySnapshot:
    snapshot_of(agency)  # create it first if this agency has none yet
    return DirectorySnapshot.objects.select_for_update().get(agency=agency)


def _save(snapshot: DirectorySnapshot, directory: Directory) -> None:
    snapshot.document = json.loads(write_hsds_json(directory))
    snapshot.version += 1
    snapshot.updated_at = timezone.now()
    snapshot.save(update_fields=["document", "version", "updated_at"])


def _directory_of_document(document: Mapping[str, Any]) -> Directory:
    return read_hsds_json(json.dumps(document)).directory if document else Directory()


def _merge(base: Directory, incoming: Directory) -> Directory:
    tables: dict[str, tuple[Any, ...]] = {}
    for name in RECORD_TYPES:
        by_id = {record.id: record for record in base.table(name)}
        by_id.update({record.id: record for record in incoming.table(name)})
        tables[PLURALS[name]] = tuple(by_id.values())
    return Directory(**tables)


def _revalidated(directory: Directory) -> Directory:
    """The merged directory read back, so every reference points at a stored record."""
    return read_hsds_json(write_hsds_json(directory)).directory


def _counts(directory: Directory) -> dict[str, int]:
    return {PLURALS[name]: len(directory.table(name)) for name in RECORD_TYPES}
