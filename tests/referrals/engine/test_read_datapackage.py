"""Reading the HSDS tabular form: CSV line numbers, zips, descriptors."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from coresponder.referrals.engine import read_hsds_datapackage, write_hsds_datapackage

from .fixtures import small_directory, uid


def _package(tmp_path: Path) -> Path:
    folder = tmp_path / "package"
    write_hsds_datapackage(small_directory(), folder)
    return folder


def test_it_writes_the_hsds_file_names_and_a_descriptor(tmp_path: Path) -> None:
    folder = _package(tmp_path)

    names = {p.name for p in folder.iterdir()}
    assert {
        "datapackage.json",
        "organizations.csv",
        "services.csv",
        "locations.csv",
        "service_at_location.csv",
        "phones.csv",
        "schedules.csv",
        "addresses.csv",
        "languages.csv",
    } <= names
    descriptor = json.loads((folder / "datapackage.json").read_text())
    services = next(r for r in descriptor["resources"] if r["name"] == "services")
    assert services["schema"]["primaryKey"] == "id"
    assert {
        "fields": "organization_id",
        "reference": {"resource": "organizations", "fields": "id"},
    } in services["schema"]["foreignKeys"]


def test_it_names_file_line_record_and_field(tmp_path: Path) -> None:
    folder = _package(tmp_path)
    services = folder / "services.csv"
    lines = services.read_text().splitlines()
    # Line 3 of the file is the second service (the header is line 1).
    lines[2] = lines[2].replace(uid("org2"), uid("nobody"))
    services.write_text("\r\n".join(lines) + "\r\n")

    result = read_hsds_datapackage(folder)

    problem = result.problems[0]
    assert str(problem) == (
        f"services.csv, line 3, service {uid('shelter')}: field `organization_id` refers to "
        "an organization that is not in the file"
    )
    assert uid("shelter") not in {s.id for s in result.directory.services}
    assert len(result.directory.services) == 3


def test_it_counts_lines_across_quoted_cells_that_span_lines(tmp_path: Path) -> None:
    folder = tmp_path / "package"
    write_hsds_datapackage(small_directory(), folder)
    (folder / "organizations.csv").write_text(
        "id,name,description,email\r\n"
        f'{uid("o1")},One,"first line\nsecond line",\r\n'
        f"{uid('o2')},Two,Fine,not-an-email\r\n"
    )

    result = read_hsds_datapackage(folder)

    email = next(p for p in result.problems if p.field == "email")
    assert (email.line, email.record_id) == (4, uid("o2"))


def test_it_reads_a_zip_with_the_package_in_a_subfolder(tmp_path: Path) -> None:
    folder = _package(tmp_path)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in folder.iterdir():
            zf.write(file, f"export-2026/{file.name}")

    result = read_hsds_datapackage(archive)

    assert result.problems == ()
    assert result.directory == small_directory()


def test_it_reports_a_missing_descriptor_and_reads_the_standard_names(tmp_path: Path) -> None:
    folder = _package(tmp_path)
    (folder / "datapackage.json").unlink()

    result = read_hsds_datapackage(folder)

    assert [str(p) for p in result.problems] == ["datapackage.json: is missing"]
    assert result.directory == small_directory()


def test_it_refuses_a_resource_path_that_leaves_the_package(tmp_path: Path) -> None:
    folder = _package(tmp_path)
    (tmp_path / "secret.csv").write_text("id,name\r\n")
    descriptor = {"resources": [{"name": "services", "path": "../secret.csv"}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor))

    result = read_hsds_datapackage(folder)

    assert result.directory.services == ()
    assert "leaves the package" in result.problems[0].message


def test_it_reports_a_file_that_is_not_a_zip_or_folder(tmp_path: Path) -> None:
    bogus = tmp_path / "export.zip"
    bogus.write_bytes(b"not a zip")

    result = read_hsds_datapackage(bogus)

    assert result.directory.services == ()
    assert "cannot be read" in result.problems[0].message


def test_it_reports_a_csv_that_is_not_utf8(tmp_path: Path) -> None:
    folder = _package(tmp_path)
    (folder / "phones.csv").write_bytes(b"id,number\r\n\xff\xfe,911\r\n")

    result = read_hsds_datapackage(folder)

    assert any(p.source == "phones.csv" and "not UTF-8" in p.message for p in result.problems)


def test_it_reports_a_package_that_does_not_exist(tmp_path: Path) -> None:
    result = read_hsds_datapackage(tmp_path / "nowhere")

    assert result.directory.services == ()
    assert "cannot be read: no such file or folder" in result.problems[0].message
