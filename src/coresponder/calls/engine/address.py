"""What an address string says about itself: parsed parts, block or intersection."""

from __future__ import annotations

import re
from functools import lru_cache

import usaddress

_BLOCK = re.compile(r"^\s*\d+\s*(BLOCK|BLK)\b|^\s*\d+X+\b|\bBLOCK OF\b", re.I)
_INTERSECTION = re.compile(r"\s(/|&|@|AND|&amp;)\s|/", re.I)
# The commonest form, "1452 HAZEL ST [APT 4C]", read without the tagger (0.1 ms an address):
# a one-word street name that is no direction, with a usual suffix. usaddress tags this form
# the same way (tests/calls/test_address.py checks it on the synthetic city's addresses).
_SIMPLE = re.compile(
    r"^(\d+) ((?!(?:N|S|E|W|NE|NW|SE|SW|NORTH|SOUTH|EAST|WEST|APT|UNIT|STE)\b)[A-Z]{2,}"
    r"|\d+(?:ST|ND|RD|TH)) (ST|AVE|RD|BLVD|DR|LN|CT|PL|WAY|PKWY|TER|CIR)(?: APT ([0-9A-Z]+))?$"
)


@lru_cache(maxsize=200_000)
def describe(address: str) -> tuple[tuple[tuple[str, str], ...], bool, bool]:
    """(parts, is_block, is_intersection) for a CAD address string.

    Cached: a city has far fewer distinct addresses than calls, and parsing costs ~0.1 ms.
    """
    text = " ".join(address.split())
    if not text:
        return (), False, False
    is_block = bool(_BLOCK.search(text))
    is_intersection = bool(_INTERSECTION.search(text))
    simple = _SIMPLE.match(text)
    if simple:
        number, name, suffix, apartment = simple.groups()
        parts: tuple[tuple[str, str], ...] = (
            ("AddressNumber", number), ("StreetName", name), ("StreetNamePostType", suffix),
        )  # fmt: skip
        if apartment:
            parts += (("OccupancyType", "APT"), ("OccupancyIdentifier", apartment))
        return parts, is_block, is_intersection
    return _tagged(text), is_block, is_intersection


def _tagged(text: str) -> tuple[tuple[str, str], ...]:
    """Parts as usaddress tags them."""
    try:
        tagged, _ = usaddress.tag(text)
        return tuple((label, value) for label, value in tagged.items())
    except usaddress.RepeatedLabelError as error:
        return tuple((label, value) for value, label in error.parsed_string)
