"""Deny by default: every view and every API operation declares its access policy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from coresponder.access.policy import Gate, Policy, policy_of
from coresponder.api import api
from tests.access.route_expectations import PAGES


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry


def _page_routes() -> list[tuple[str, URLPattern]]:
    return [
        (name, p) for name, p in _walk(get_resolver().url_patterns) if not name.startswith("api:")
    ]


def _api_operations() -> list[tuple[str, Any]]:
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                label = f"{'/'.join(operation.methods)} {prefix}{path}"
                found.append((label, operation.view_func))
    return found


def test_it_finds_every_page_view_declares_a_policy() -> None:
    undeclared = [name for name, pattern in _page_routes() if policy_of(pattern.callback) is None]
    print(f"page routes: {len(_page_routes())}, undeclared: {len(undeclared)}")
    assert undeclared == []


def test_it_finds_every_api_operation_declares_a_policy() -> None:
    operations = _api_operations()
    undeclared = [label for label, view in operations if policy_of(view) is None]
    print(f"API operations: {len(operations)}, undeclared: {len(undeclared)}")
    assert operations and undeclared == []


def test_it_lists_every_page_route_in_the_expectation_table() -> None:
    names = {name for name, _ in _page_routes()}
    assert names == set(PAGES), f"missing: {names - set(PAGES)}; stale: {set(PAGES) - names}"


def test_it_gives_every_capability_policy_a_capability() -> None:
    for _, pattern in _page_routes():
        policy: Policy | None = policy_of(pattern.callback)
        assert policy is not None
        if policy.gate is Gate.CAPABILITY:
            assert policy.capability is not None and policy.audits


@pytest.mark.django_db
def test_it_refuses_a_view_without_a_policy(client, settings) -> None:
    settings.ROOT_URLCONF = "tests.access.undeclared_urls"
    response = client.get("/undeclared/")
    assert response.status_code == 404
    assert b"secret page" not in response.content
