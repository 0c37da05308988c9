"""The address shortcut reads the commonest form exactly as usaddress tags it."""

from __future__ import annotations

import polars as pl
import pytest

from coresponder.calls.engine import address
from coresponder.calls.engine.synthetic import generate_calls

HANDMADE = [
    "12 MAIN ST", "4230 RIVER RD APT 2B", "1 1ST AVE", "300 PARK AVE", "77 ELM DR",
    "5 OAK LN", "9001 CEDAR CT", "42 MAPLE PL", "18 BROADWAY WAY", "100 LAKE BLVD APT 10",
    "2 52ND ST", "61 HILL TER", "8 ROSE CIR", "700 PINE PKWY", "150 WASHINGTON AVE",
]  # fmt: skip
NOT_SIMPLE = [
    "100 N ST", "100 NORTH AVE", "1200 BLOCK OF 33RD AVE", "RIVER RD / 21ST AVE",
    "12 MAIN ST SUITE 4", "12 S MAIN ST", "MEADOWBROOK NURSING CENTER, 4230 RIVER RD",
]  # fmt: skip


@pytest.fixture(scope="module")
def synthetic_addresses(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    path = tmp_path_factory.mktemp("addresses") / "calls.csv"
    generate_calls(path, calls=20_000, seed=3)
    column = pl.read_csv(path, columns=["address_raw"], infer_schema=False)["address_raw"]
    return sorted(text for text in column.unique().to_list() if text)


def test_the_shortcut_tags_as_usaddress_does(synthetic_addresses: list[str]) -> None:
    simple = [text for text in [*HANDMADE, *synthetic_addresses] if address._SIMPLE.match(text)]
    assert len(simple) > 1_000
    address.describe.cache_clear()
    for text in simple:
        assert address.describe(text)[0] == address._tagged(text), text


def test_other_forms_go_to_usaddress(synthetic_addresses: list[str]) -> None:
    assert not any(address._SIMPLE.match(text) for text in NOT_SIMPLE)
    others = [text for text in synthetic_addresses if not address._SIMPLE.match(text)]
    assert others
    for text in NOT_SIMPLE + others[:200]:
        assert address.describe(text)[0] == address._tagged(text), text
