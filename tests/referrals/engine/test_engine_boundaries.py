"""The directory engine runs without Django: from the CLI, notebooks and tests alike."""

from __future__ import annotations

import ast
from pathlib import Path

import coresponder.referrals.engine as engine

ENGINE = Path(engine.__file__).parent


def test_it_imports_nothing_from_django_or_the_rest_of_coresponder() -> None:
    imported = set()
    for source in ENGINE.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module)

    assert not {m for m in imported if m.split(".")[0] in ("django", "coresponder")}


def test_it_searches_a_hand_built_directory_with_a_dangling_link() -> None:
    from coresponder.referrals.engine import Directory, Service, ServiceAtLocation, search

    service = Service(id="a" * 8, organization_id="o", name="Food bank", status="active")
    link = ServiceAtLocation(id="l", service_id=service.id, location_id="missing")

    matches = search(Directory(services=(service,), service_at_locations=(link,)), needs=["food"])

    assert [m.service for m in matches] == [service]
