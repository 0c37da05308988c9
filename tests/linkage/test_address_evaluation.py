"""The measures behind the address benchmark, on small files written here in the shapes of
usaddress's labelled XML and Berkeley's export (the real ones sit in ../shared/data)."""

from __future__ import annotations

from pathlib import Path

from coresponder.linkage.engine.address_evaluation import (
    block_and_intersection_check,
    read_berkeley,
    read_labelled,
    score,
)
from coresponder.linkage.engine.addresses import group_locations

LABELLED = """<AddressCollection>
  <AddressString><AddressNumber>3600</AddressNumber> <StreetNamePreDirectional>West</StreetNamePreDirectional> <StreetName>5th</StreetName> <StreetNamePostType>Ave</StreetNamePostType></AddressString>
  <AddressString><AddressNumber>1328</AddressNumber> <StreetName>McDermott</StreetName> <StreetNamePostType>Drive</StreetNamePostType> <OccupancyType>Suite</OccupancyType> <OccupancyIdentifier>200,</OccupancyIdentifier> <PlaceName>Allen,</PlaceName> <StateName>TX</StateName> <ZipCode>75013</ZipCode></AddressString>
  <AddressString><StreetName>Main</StreetName> <StreetNamePostType>St</StreetNamePostType> <IntersectionSeparator>&amp;</IntersectionSeparator> <StreetName>Oak</StreetName> <StreetNamePostType>Ave</StreetNamePostType></AddressString>
  <AddressString><AddressNumber>2010</AddressNumber> <StreetName>Central</StreetName> <StreetName>Park</StreetName> <StreetName>Lane</StreetName></AddressString>
</AddressCollection>
"""  # noqa: E501 - one labelled address a line, as in the real files

BERKELEY = (
    "CASENO,OFFENSE,BLKADDR,Block_Location\n"
    '1,THEFT,2100 SHATTUCK AVE,"2100 SHATTUCK AVE\nBerkeley, CA\n(37.871167, -122.268285)"\n'
    '2,THEFT,SHATTUCK AVENUE & ADDISON ST,"SHATTUCK AVENUE &amp; ADDISON ST\nBerkeley, CA\n'
    '(37.871167, -122.268285)"\n'
    '3,THEFT,,"2200 SHATTUCK AV\nBerkeley, CA\n(37.8722, -122.2683)"\n'
    '4,THEFT,800 BOLIVAR DR,"800 BOLIVAR DR\nBerkeley, CA"\n'
)


def test_it_scores_parts_against_labels(tmp_path: Path) -> None:
    path = tmp_path / "labeled.xml"
    path.write_text(LABELLED, encoding="utf-8")
    items = list(read_labelled([path]))
    assert items[0].raw == "3600 West 5th Ave"
    assert items[0].expected == {"number": "3600", "predir": "W", "name": "5TH", "suffix": "AVE"}
    assert items[1].expected["unit_id"] == "200" and items[1].expected["city"] == "ALLEN"
    assert items[2].intersection
    result = score(items)
    assert (result.total, result.matched) == (4, 3)  # "CENTRAL PARK LANE": a name, then LN
    assert result.intersections_found == 1
    assert result.misses[0][0] == "2010 Central Park Lane"


def test_it_checks_blocks_and_intersections_at_one_point(tmp_path: Path) -> None:
    path = tmp_path / "berkeley.csv"
    path.write_text(BERKELEY, encoding="utf-8")
    texts, lat, lon = read_berkeley([path])
    assert texts == ["2100 SHATTUCK AVE", "SHATTUCK AVENUE & ADDISON ST", "2200 SHATTUCK AV",
                     "800 BOLIVAR DR"]  # fmt: skip
    assert lat[3] is None
    grouping = group_locations(texts, lat, lon)
    check = block_and_intersection_check(grouping.addresses, grouping.locations, lat, lon)
    assert (check.points, check.together, check.share) == (1, 1, 1.0)
