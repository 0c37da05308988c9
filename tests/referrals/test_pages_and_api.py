"""The directory pages, the partners API and the directory commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coresponder.access.roles import Role
from coresponder.cli import main
from coresponder.referrals import selectors, services
from coresponder.referrals.engine import read_hsds_json
from tests.conftest import Personas
from tests.factories import UserFactory
from tests.referrals.engine.fixtures import small_directory, uid
from tests.referrals.helpers import BAD_STATUS, document, with_bad_service


@pytest.fixture
def stored(personas: Personas) -> Personas:
    result = read_hsds_json(json.dumps(document()))
    services.import_directory(actor=None, agency=personas.agency, result=result)
    return personas


def test_a_social_worker_finds_a_service_by_words_with_its_reasons(client_for, stored) -> None:
    client = client_for(stored.worker_a)
    response = client.get(reverse("referrals:search"), {"q": "crisis"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Crisis Line" in page and "988" in page and "Overnight Shelter" not in page


def test_the_live_search_answers_with_the_results_only(client_for, stored) -> None:
    client = client_for(stored.dispatcher)
    response = client.get(reverse("referrals:search"), {"q": "crisis"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "Crisis Line" in page and "<h1>" not in page


def test_the_service_page_shows_a_service_only_to_readers_of_its_agency(client_for, stored) -> None:
    url = reverse("referrals:service", kwargs={"service_id": uid("line")})
    page = client_for(stored.worker_a).get(url).content.decode()
    assert "Crisis Line" in page and "Spanish" in page
    assert client_for(stored.officer).get(url).status_code == 403
    elsewhere = UserFactory(
        username="elsewhere", agency=stored.other_agency, roles=[(Role.SOCIAL_WORKER, None)]
    )
    assert client_for(elsewhere).get(url).status_code == 404


def test_the_manage_page_imports_a_file_and_shows_its_problems(client_for, personas) -> None:
    client = client_for(personas.admin)
    upload = SimpleUploadedFile("partners.json", json.dumps(with_bad_service()).encode())
    response = client.post(reverse("referrals:manage"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert BAD_STATUS in page
    assert len(selectors.directory_of(personas.agency).services) == 4


def test_the_manage_page_saves_a_status_and_refuses_a_stale_form(client_for, stored) -> None:
    client = client_for(stored.supervisor)
    version = selectors.snapshot_of(stored.agency).version
    form = {"service_id": uid("line"), "version": version, "name": "Crisis Line"}
    client.post(reverse("referrals:manage_service"), {**form, "status": "inactive"})
    response = client.post(
        reverse("referrals:manage_service"), {**form, "status": "active"}, follow=True
    )
    assert "Someone else saved the directory" in response.content.decode()
    line = selectors.service_in(selectors.directory_of(stored.agency), uid("line"))
    assert line.status == "inactive"


def test_the_api_searches_and_reads_a_partner(client_for, stored) -> None:
    client = client_for(stored.worker_a)
    found = client.get("/api/v1/partners", {"q": "crisis"}).json()
    assert [p["name"] for p in found] == ["Crisis Line"]
    assert found[0]["reasons"] and found[0]["phones"][0]["number"] == "988"
    one = client.get(f"/api/v1/partners/{uid('line')}").json()
    assert one["organization"] == "Riverside Community Services"
    assert client.get(f"/api/v1/partners/{uid('nothing')}").status_code == 404
    assert client_for(stored.officer).get("/api/v1/partners").status_code == 403


def test_the_api_import_reports_counts_and_problems(client_for, personas) -> None:
    client = client_for(personas.admin)
    body = json.dumps(with_bad_service())
    response = client.post("/api/v1/partners/import", body, content_type="application/json")
    assert response.status_code == 200
    answer = response.json()
    assert answer["stored"]["services"] == 4
    assert len(answer["problems"]) == 1 and BAD_STATUS in answer["problems"][0]
    worker = client_for(personas.worker_a)
    refused = worker.post("/api/v1/partners/import", body, content_type="application/json")
    assert refused.status_code == 403


def test_the_commands_import_and_export(personas, tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(with_bad_service()))
    runner = CliRunner()
    result = runner.invoke(
        main, ["directory", "import", str(source), "--agency", "testville", "--replace"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert BAD_STATUS in lines[0]
    summary = json.loads(lines[-1])
    assert summary["stored"]["services"] == 4 and summary["problems"] == 1
    out = tmp_path / "out.zip"
    result = runner.invoke(main, ["directory", "export", str(out), "--agency", "testville"])
    assert result.exit_code == 0, result.output
    assert services.read_file(out).directory == small_directory()
