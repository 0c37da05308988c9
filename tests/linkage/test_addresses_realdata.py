"""Addresses against real data beside the project: usaddress's labelled training addresses
and the Berkeley, Reno and Seattle CAD exports. Read where they are, never copied; skipped
when the folder is absent (a user's clone)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coresponder.linkage.engine.address_evaluation import (
    block_and_intersection_check,
    read_berkeley,
    read_labelled,
    score,
)
from coresponder.linkage.engine.addresses import group_locations, merge_points, parse_address

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
TRAINING = DATA / "usaddress_training" / "training"
CAD = DATA / "cad_exports"
ABSENT = f"the real data is not here ({DATA}); it sits beside the project in CI"

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not CAD.is_dir(), reason=ABSENT)]


@pytest.mark.skipif(not TRAINING.is_dir(), reason=ABSENT)
def test_it_reads_most_labelled_addresses_into_the_labelled_parts() -> None:
    result = score(read_labelled(sorted(TRAINING.glob("*.xml"))))
    print(f"labelled addresses: {result.total}, all parts match: {result.share:.3f}, "
          f"street parts match: {result.street_share:.3f}")  # fmt: skip
    assert result.total > 1500
    assert result.share >= 0.85
    assert result.street_share >= 0.89


def test_it_puts_a_berkeley_block_and_its_intersection_in_one_location() -> None:
    texts, lat, lon = read_berkeley(sorted((CAD / "berkeley").glob("*.csv")))
    grouping = group_locations(texts, lat, lon)
    check = block_and_intersection_check(grouping.addresses, grouping.locations, lat, lon)
    print(f"Berkeley points with a block and an intersection: {check.points}, "
          f"in one location: {check.share:.3f}")  # fmt: skip
    assert check.points > 100
    assert check.share >= 0.95
    # Spellings collapse: far fewer locations than distinct strings.
    assert len(set(grouping.locations)) < 0.7 * grouping.distinct_strings


def test_it_parses_every_reno_cad_address() -> None:
    texts = set()
    for path in sorted((CAD / "reno" / "snapshots").glob("*.csv")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            cells = line.split(",")
            if len(cells) > 5:
                texts.add(cells[5])
    found = [parse_address(t) for t in sorted(texts)]
    unparsed = [a.raw for a in found if not a.parsed]
    assert len(texts) > 100
    assert len(unparsed) <= 0.01 * len(texts), unparsed[:10]
    assert parse_address("N CENTER ST/E 8TH ST").key == parse_address("E 8TH ST/N CENTER ST").key


def test_it_merges_seattles_blurred_points() -> None:
    import csv

    path = CAD / "seattle" / "potential_mad_beach_calls_2010-2023.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    lat = [float(r["Blurred_Latitude"]) if r["Blurred_Latitude"] else None for r in rows]
    lon = [float(r["Blurred_Longitude"]) if r["Blurred_Longitude"] else None for r in rows]
    clusters = merge_points(lat, lon, radius_m=25)
    distinct_points = {(a, b) for a, b in zip(lat, lon, strict=True) if a is not None}
    assert 0 < len(set(clusters) - {-1}) < len(distinct_points)
