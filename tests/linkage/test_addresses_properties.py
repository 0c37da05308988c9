"""Addresses under messy input: whatever the string, an answer and never an exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from coresponder.linkage.engine.addresses import KINDS, group_locations, parse_address

STREETS = st.sampled_from(["MAIN", "HAZEL", "SHATTUCK", "3RD", "MARTIN LUTHER KING JR", "OAK"])
SUFFIXES = st.sampled_from(["ST", "STREET", "AVE", "AV", "AVENUE", "WAY", "WY", "BLVD", "BL"])
SEPARATORS = st.sampled_from([" & ", "/", " AND ", " AT ", " @ ", " X ", "&", " and "])
CAD_TEXT = st.text(alphabet=st.sampled_from("0123456789ABCXZ &/@#-.,'\n()"), max_size=60)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=200), CAD_TEXT))
def test_it_answers_any_string_with_a_kind_and_a_key(text: str) -> None:
    found = parse_address(text)
    assert found.kind in KINDS
    assert found.key.split(":", 1)[0] in {"addr", "block", "xing", "street", "place", "unparsed"}
    if found.kind == "unparsed":
        assert found.reason and found.block_key == ""
    else:
        assert found.key and found.block_key
    assert set(found.row()) >= {"key", "block_key", "kind", "reason"}


@settings(max_examples=200, deadline=None)
@given(STREETS, SUFFIXES, STREETS, SUFFIXES, SEPARATORS)
def test_it_gives_an_intersection_one_key_in_either_order(
    a: str, sa: str, b: str, sb: str, sep: str
) -> None:
    one = parse_address(f"{a} {sa}{sep}{b} {sb}")
    other = parse_address(f"{b} {sb}{sep}{a} {sa}".lower())
    assert one.key == other.key
    assert one.kind in {"intersection", "street"}


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=99_999), STREETS, SUFFIXES)
def test_it_puts_every_house_number_on_its_hundred_block(
    number: int, name: str, suffix: str
) -> None:
    found = parse_address(f"{number} {name} {suffix}")
    hundred = number // 100 * 100
    assert found.kind == "address"
    assert found.block_key == parse_address(f"{hundred} BLOCK OF {name} {suffix}").key
    assert found.block_key.startswith(f"block:{hundred} ")


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.one_of(st.text(max_size=40), st.none()), max_size=30),
    st.lists(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)), max_size=30),
)
def test_it_groups_any_batch_without_failing(texts: list, coords: list) -> None:
    coords = (coords + [None] * len(texts))[: len(texts)]
    grouping = group_locations(texts, coords, coords)
    assert len(grouping.locations) == len(texts)
