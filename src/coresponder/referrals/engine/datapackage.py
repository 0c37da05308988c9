"""The HSDS 3.0 tabular form: a Frictionless data package (``datapackage.json`` and one CSV
per table) in a folder or a .zip.

Files are found through the package's ``resources`` (by resource name, singular or plural:
``service`` or ``services``); without a ``datapackage.json`` the standard file names are
tried, and the missing descriptor is reported. Resource paths that leave the package are
refused, so a crafted package cannot make the reader open other files.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .fields import to_csv_value
from .model import PLURALS, RECORD_TYPES, Directory, Problem, ReadResult
from .validate import RawRow, build_directory

DESCRIPTOR = "datapackage.json"
# File names written, as in the HSDS data package examples (service_at_location is singular).
FILE_NAMES = {name: f"{plural}.csv" for name, plural in PLURALS.items()}
FILE_NAMES["service_at_location"] = "service_at_location.csv"
_TABLE_NAMES = {
    **{plural: name for name, plural in PLURALS.items()},
    **{name: name for name in PLURALS},
}
_KINDS_AS_FRICTIONLESS = {"number": "number", "integer": "integer", "date": "date"}


class _Package:
    """Read-only access to the files of a package, in a folder or a zip."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.root = ""
        if path.is_file():
            self.zip = zipfile.ZipFile(path)
            descriptors = [n for n in self.zip.namelist() if posixpath.basename(n) == DESCRIPTOR]
            # A zip of a folder holds the package one level down.
            self.root = posixpath.dirname(min(descriptors, key=len)) if descriptors else ""

    def read(self, name: str) -> bytes | None:
        if not _is_inside(name):
            raise ValueError(f"path {name!r} leaves the package")
        if self.zip is not None:
            full = posixpath.join(self.root, name) if self.root else name
            return self.zip.read(full) if full in self.zip.namelist() else None
        file = self.path / name
        return file.read_bytes() if file.is_file() else None


def _is_inside(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return bool(name) and not name.startswith(("/", "\\")) and ".." not in parts and ":" not in name


def read_hsds_datapackage(path: str | Path) -> ReadResult:
    """Read an HSDS data package (folder or .zip). Never raises on bad input."""
    problems: list[Problem] = []
    package: _Package | None = None
    try:
        if not Path(path).exists():
            raise FileNotFoundError(f"no such file or folder: {path}")
        package = _Package(Path(path))
        rows = list(_rows_of_package(package, problems))
    except _UNREADABLE as error:
        problems.append(Problem("file", None, None, None, f"cannot be read: {error}", str(path)))
        return ReadResult(Directory(), tuple(problems))
    finally:
        if package is not None and package.zip is not None:
            package.zip.close()
    return build_directory(rows, problems)


# What a damaged or hostile folder or zip can raise while it is opened and read.
_UNREADABLE = (
    OSError,
    ValueError,
    zipfile.BadZipFile,
    RuntimeError,
    EOFError,
    NotImplementedError,
    zlib.error,
)


def _rows_of_package(package: _Package, problems: list[Problem]) -> Iterator[RawRow]:
    for table, file_name in _table_files(package, problems).items():
        try:
            data = package.read(file_name)
        except ValueError as error:
            problems.append(Problem(table, None, None, None, str(error), DESCRIPTOR))
            continue
        if data is not None:
            yield from _rows_of_csv(table, file_name, data, problems)


def _table_files(package: _Package, problems: list[Problem]) -> dict[str, str]:
    """Which file holds each table: from the descriptor, else the standard names."""
    data = package.read(DESCRIPTOR)
    if data is None:
        problems.append(Problem("file", None, None, None, "is missing", DESCRIPTOR))
        return dict(FILE_NAMES)
    try:
        descriptor = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as error:
        problems.append(
            Problem("file", None, None, None, f"is not valid JSON: {error}", DESCRIPTOR)
        )
        return dict(FILE_NAMES)
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        problems.append(Problem("file", None, "resources", None, "must be a list", DESCRIPTOR))
        return dict(FILE_NAMES)
    files: dict[str, str] = {}
    for resource in resources:
        if not isinstance(resource, dict):
            continue
        table = _TABLE_NAMES.get(str(resource.get("name", "")))
        path = resource.get("path")
        if table and isinstance(path, str):
            files[table] = path
    # Tables in dependency order, whatever order the descriptor lists them in.
    return {name: files[name] for name in RECORD_TYPES if name in files}


def _rows_of_csv(
    table: str, file_name: str, data: bytes, problems: list[Problem]
) -> Iterator[RawRow]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(Problem(table, None, None, None, f"is not UTF-8: {error}", file_name))
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    line = 1
    try:
        for cells in reader:
            if header is None:
                header = [cell.strip() for cell in cells]
            elif any(cell.strip() for cell in cells):
                yield RawRow(table, dict(zip(header, cells, strict=False)), line, file_name)
            line = reader.line_num + 1  # a quoted cell may span lines: next record starts here
    except csv.Error as error:
        problems.append(Problem(table, None, None, line, f"is not valid CSV: {error}", file_name))


def write_hsds_datapackage(directory: Directory, path: str | Path) -> None:
    """Write the directory as an HSDS data package: a folder, or a zip when ``path`` ends
    in ``.zip``."""
    files = {DESCRIPTOR: json.dumps(_descriptor(), indent=2)}
    for name in RECORD_TYPES:
        files[FILE_NAMES[name]] = _table_as_csv(name, directory.table(name))
    target = Path(path)
    if target.suffix.lower() == ".zip":
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for file_name, text in files.items():
                archive.writestr(file_name, text)
        return
    target.mkdir(parents=True, exist_ok=True)
    for file_name, text in files.items():
        (target / file_name).write_text(text, encoding="utf-8", newline="")


def _table_as_csv(name: str, records: tuple[Any, ...]) -> str:
    columns = [spec.name for spec in dataclasses.fields(RECORD_TYPES[name])]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([to_csv_value(getattr(record, column)) for column in columns])
    return buffer.getvalue()


def _descriptor() -> dict[str, Any]:
    return {
        "name": "hsds-directory",
        "profile": "tabular-data-package",
        "resources": [_resource(name) for name in RECORD_TYPES],
    }


def _resource(name: str) -> dict[str, Any]:
    fields = []
    foreign_keys = []
    for spec in dataclasses.fields(RECORD_TYPES[name]):
        kind = spec.metadata["kind"]
        field: dict[str, Any] = {
            "name": spec.name,
            "type": _KINDS_AS_FRICTIONLESS.get(kind, "string"),
        }
        if kind == "uuid":
            field["format"] = "uuid"
        if spec.default is dataclasses.MISSING:
            field["constraints"] = {"required": True}
        fields.append(field)
        if spec.metadata["ref"]:
            reference = {"resource": PLURALS[spec.metadata["ref"]], "fields": "id"}
            foreign_keys.append({"fields": spec.name, "reference": reference})
    return {
        "name": PLURALS[name],
        "path": FILE_NAMES[name],
        "profile": "tabular-data-resource",
        "schema": {"fields": fields, "primaryKey": "id", "foreignKeys": foreign_keys},
    }
