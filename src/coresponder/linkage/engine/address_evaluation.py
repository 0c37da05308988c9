"""How well ``parse_address`` reads labelled addresses (usaddress's training XML).

Each ``<AddressString>`` holds tokens tagged with USPS component labels. The raw string is
the tokens joined by spaces; the expected parts are the labels' values normalised the same
way the parser normalises its own output (``parts_from_labels``), so "Drive" and "DR" agree
and only a wrong split counts as a miss.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - reads local labelled files, not user input
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from coresponder.linkage.engine.addresses import Address, parse_address, parts_from_labels

STREET_PARTS = ("number", "predir", "pretype", "name", "suffix", "postdir")
UNIT_PARTS = ("unit_type", "unit_id")
COMPARED = STREET_PARTS + UNIT_PARTS


@dataclass(frozen=True)
class Labelled:
    raw: str
    expected: dict[str, str]
    intersection: bool


def read_labelled(paths: Iterable[Path]) -> Iterator[Labelled]:
    """Every labelled address in the XML files, in order."""
    for path in paths:
        root = ET.parse(path).getroot()  # noqa: S314 - local files
        for string in root.iter("AddressString"):
            pairs = [(child.text or "", child.tag) for child in string]
            raw = " ".join(value for value, _ in pairs if value)
            yield Labelled(
                raw=raw,
                expected=parts_from_labels(pairs),
                intersection=any(tag == "IntersectionSeparator" for _, tag in pairs),
            )


def _ours(address: Address) -> dict[str, str]:
    row = address.row()
    return {name: row[name] for name in COMPARED}


@dataclass
class Score:
    total: int = 0
    matched: int = 0  # every compared part equal
    street_matched: int = 0  # number, directionals, types, name equal
    with_street: int = 0  # labelled with a street name and a house number
    with_street_matched: int = 0
    intersections: int = 0
    intersections_found: int = 0
    part_errors: Counter[str] = field(default_factory=Counter)
    misses: list[tuple[str, dict[str, str], dict[str, str]]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.matched / self.total if self.total else 0.0

    @property
    def street_share(self) -> float:
        return self.street_matched / self.total if self.total else 0.0

    @property
    def with_street_share(self) -> float:
        return self.with_street_matched / self.with_street if self.with_street else 0.0


def score(labelled: Iterable[Labelled], keep_misses: int = 20) -> Score:
    """Compare ``parse_address`` with the labels: the share of addresses whose parts all match
    (intersections count as matched when they are read as intersections)."""
    result = Score()
    for item in labelled:
        result.total += 1
        address = parse_address(item.raw)
        if item.intersection:
            result.intersections += 1
            if address.kind == "intersection":
                result.intersections_found += 1
                result.matched += 1
                result.street_matched += 1
            continue
        ours = _ours(address)
        wrong = [p for p in COMPARED if ours.get(p, "") != item.expected.get(p, "")]
        street_ok = not any(p in STREET_PARTS for p in wrong)
        result.street_matched += street_ok
        result.matched += not wrong
        if item.expected.get("number") and item.expected.get("name"):
            result.with_street += 1
            result.with_street_matched += not wrong
        result.part_errors.update(wrong)
        if wrong and len(result.misses) < keep_misses:
            expected = {p: item.expected.get(p, "") for p in COMPARED}
            result.misses.append((item.raw, expected, ours))
    return result


@dataclass
class PointCheck:
    """Points where an agency wrote a block (or house) address and an intersection."""

    points: int = 0
    together: int = 0  # every row at the point has one location
    misses: list[tuple[tuple[float, float], list[tuple[str, str]]]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.together / self.points if self.points else 0.0


def block_and_intersection_check(
    addresses: list[Address],
    locations: list[str],
    lat: list[float | None],
    lon: list[float | None],
    keep_misses: int = 10,
) -> PointCheck:
    """For each exact point that carries both a block or house address and an intersection
    (an agency's geocoder put the block at that corner), whether all its rows share one
    location."""
    at: dict[tuple[float, float], list[tuple[Address, str]]] = {}
    for address, location, a, b in zip(addresses, locations, lat, lon, strict=True):
        if a is not None and b is not None:
            at.setdefault((a, b), []).append((address, location))
    check = PointCheck()
    for point, rows in at.items():
        kinds = {address.kind for address, _ in rows}
        if not (kinds & {"address", "block"} and "intersection" in kinds):
            continue
        check.points += 1
        if len({location for _, location in rows}) == 1:
            check.together += 1
        elif len(check.misses) < keep_misses:
            seen = sorted({(address.raw.split("\n")[0], loc) for address, loc in rows})
            check.misses.append((point, seen))
    return check


def read_berkeley(
    paths: Iterable[Path],
) -> tuple[list[str], list[float | None], list[float | None]]:
    """Berkeley's exports: each row's ``BLKADDR`` (or the first line of ``Block_Location``)
    and the point in ``Block_Location`` (None when it has none)."""
    import csv

    from coresponder.linkage.engine.addresses import split_point

    texts: list[str] = []
    lat: list[float | None] = []
    lon: list[float | None] = []
    for path in paths:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            for row in csv.DictReader(handle):
                text, point = split_point(row.get("Block_Location") or "")
                texts.append(row.get("BLKADDR") or text)
                lat.append(point[0] if point else None)
                lon.append(point[1] if point else None)
    return texts, lat, lon
