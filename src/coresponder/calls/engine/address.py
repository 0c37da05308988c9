"""What an address string says about itself: parsed parts, block or intersection."""

from __future__ import annotations

import re
from functools import lru_cache

import usaddress

_BLOCK = re.compile(r"^\s*\d+\s*(BLOCK|BLK)\b|^\s*\d+X+\b|\bBLOCK OF\b", re.I)
_INTERSECTION = re.compile(r"\s(/|&|@|AND|&amp;)\s|/", re.I)


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
    try:
        tagged, _ = usaddress.tag(text)
        parts = tuple((label, value) for label, value in tagged.items())
    except usaddress.RepeatedLabelError as error:
        parts = tuple((label, value) for value, label in error.parsed_string)
    return parts, is_block, is_intersection
