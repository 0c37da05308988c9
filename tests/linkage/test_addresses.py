"""Addresses: the cases the repeat-calls issue names, written out by hand."""

from __future__ import annotations

import pytest

from coresponder.linkage.engine.addresses import (
    AliasTable,
    group_locations,
    merge_points,
    normalise_street,
    parse_address,
    split_point,
    tables,
)


def key(text: str) -> str:
    return parse_address(text).key


def block(text: str) -> str:
    return parse_address(text).block_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1452 HAZEL ST", "addr:1452 HAZEL ST"),
        ("1452 Hazel Street", "addr:1452 HAZEL ST"),
        ("1452 hazel st.", "addr:1452 HAZEL ST"),
        ("0012 HAZEL ST", "addr:12 HAZEL ST"),
        ("5295 SUN VALLEY BL", "addr:5295 SUN VALLEY BLVD"),
        ("1313 South Virginia Street", "addr:1313 S VIRGINIA ST"),
        ("500 Marquette Avenue Northwest", "addr:500 MARQUETTE AVE NW"),
        ("123 1/2 MAIN ST", "addr:123 1/2 MAIN ST"),
        ("6257A North McCormick Road", "addr:6257A N MCCORMICK RD"),
    ],
)
def test_it_reads_house_number_addresses(text: str, expected: str) -> None:
    assert key(text) == expected
    assert parse_address(text).kind == "address"


@pytest.mark.parametrize(
    "text",
    ["100 BLOCK OF MAIN ST", "1XX MAIN ST", "100 BLK MAIN ST", "100 block main street",
     "BLOCK 100 MAIN ST", "100-BLOCK MAIN ST"],
)  # fmt: skip
def test_it_reads_every_way_of_writing_a_block(text: str) -> None:
    found = parse_address(text)
    assert found.kind == "block"
    assert found.key == found.block_key == "block:100 MAIN ST"


def test_it_puts_a_house_address_on_its_block() -> None:
    assert block("152 MAIN ST") == block("100 BLOCK OF MAIN ST") == "block:100 MAIN ST"
    assert block("1452 HAZEL ST APT 4") == block("14XX HAZEL STREET") == "block:1400 HAZEL ST"
    assert block("99 MAIN ST") == "block:0 MAIN ST"


@pytest.mark.parametrize(
    "text",
    ["MAIN ST & 3RD AV", "3RD AVE / MAIN STREET", "MAIN ST AT 3RD AVE", "main st and 3rd ave",
     "MAIN ST X 3RD AVE", "MAIN ST @ 3RD AVE", "Main Street/Third Avenue", "3RD AV&MAIN ST",
     "MAIN ST &amp; 3RD AVE"],
)  # fmt: skip
def test_it_reads_intersections_in_either_order_with_any_separator(text: str) -> None:
    found = parse_address(text)
    assert found.kind == "intersection"
    assert found.key == "xing:3RD AVE & MAIN ST"


def test_it_keeps_the_unit_as_a_part_and_out_of_the_key() -> None:
    found = parse_address("1452 HAZEL ST APT 4C")
    assert (found.key, found.unit_type, found.unit_id) == ("addr:1452 HAZEL ST", "APT", "4C")
    assert found.row()["block"] == "1400"
    assert key("1452 HAZEL ST #4C") == key("1452 Hazel Street, Apartment 4C") == found.key
    assert parse_address("1452 HAZEL ST #4C").unit_id == "4C"
    assert parse_address("100 RALSTON ST SUITE 200").unit_type == "STE"
    # Berkeley writes a unit letter straight after the street.
    berkeley = parse_address("2906 MARTIN LUTHER KING JR WAY C")
    assert (berkeley.key, berkeley.unit_id) == ("addr:2906 MARTIN LUTHER KING JR WAY", "C")


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("SHATTUCK AV", "SHATTUCK AVE"),
        ("SHATTUCK AVENUE", "SHATTUCK AVE"),
        ("DWIGHT WY", "DWIGHT WAY"),
        ("THOUSAND OAKS BL", "THOUSAND OAKS BLVD"),
        ("EASTSHORE HW", "EASTSHORE HWY"),
        ("EASTSHORE HIGHWAY", "EASTSHORE HWY"),
        ("CAUGHLIN PW", "CAUGHLIN PKWY"),
        ("North Center Street", "N CENTER ST"),
        ("SEVENTH ST", "7TH ST"),
        ("Twenty-First Street", "21ST ST"),
        ("22th street", "22ND ST"),
        ("M L KING JR WAY", "MARTIN LUTHER KING JR WAY"),
        ("MARTIN LUTHER KING JR WY", "MARTIN LUTHER KING JR WAY"),
        ("MLK BLVD", "MARTIN LUTHER KING JR BLVD"),
        ("MC GEE AV", "MCGEE AVE"),
        ("O'FARRELL ST", "OFARRELL ST"),
        ("ST JAMES PL", "SAINT JAMES PL"),
        ("MAIN STRET", "MAIN ST"),
        ("MAIN AVENEU", "MAIN AVE"),
    ],
)
def test_it_writes_suffixes_directionals_and_spellings_one_way(
    written: str, canonical: str
) -> None:
    assert normalise_street(written) == canonical


def test_it_ships_the_usps_tables() -> None:
    t = tables()
    assert t.suffixes["AVENUE"] == t.suffixes["AV"] == "AVE"
    assert t.suffixes["BOULEVARD"] == "BLVD"
    assert t.directionals["NORTHWEST"] == "NW"
    assert t.units["APARTMENT"] == "APT"
    assert len(t.suffixes) > 400


def test_it_reads_a_city_state_and_zip_with_the_tagger() -> None:
    found = parse_address("123 Main Street, Chicago, IL 60601")
    assert found.key == "addr:123 MAIN ST"
    assert (found.city, found.state, found.zip) == ("CHICAGO", "IL", "60601")


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "empty"), ("   ", "empty"), ("!!!", "empty"), ("12345", "no-letters"),
     ("a", "too-short"), ("x" * 1_000_000, "too-long"), ("PO BOX 5884", "po-box"),
     ("37.88101, -122.24340", "coordinates-only"), ("<UNKNOWN>", "placeholder"),
     ("n/a", "placeholder"), ("HOMELESS", "placeholder"), ("1600 BLOCK", "no-street")],
)  # fmt: skip
def test_it_gives_bad_input_an_unparsed_key_with_a_reason(text: str, reason: str) -> None:
    found = parse_address(text)
    assert found.kind == "unparsed"
    assert found.key == f"unparsed:{reason}"
    assert found.block_key == ""


def test_it_takes_non_text_values_without_failing() -> None:
    assert parse_address(None).reason == "not-text"
    assert parse_address(12).reason == "not-text"


def test_it_reads_a_location_cell_with_its_point() -> None:
    cell = "OREGON STREET &amp; MCGEE AVE\nBerkeley, CA\n(37.856572, -122.275241)"
    assert split_point(cell) == ("OREGON STREET &amp; MCGEE AVE", (37.856572, -122.275241))
    assert key(cell) == "xing:MCGEE AVE & OREGON ST"


def test_it_resolves_named_places_through_the_agency_alias_table() -> None:
    aliases = AliasTable(
        {"St. Mary's Shelter": "1452 Hazel St", "Civic Center Park": "2100 MLK Way"}
    )
    shelter = parse_address("ST MARYS SHELTER", aliases)
    assert (shelter.key, shelter.place) == ("addr:1452 HAZEL ST", "ST MARYS SHELTER")
    assert parse_address("the civic center park", aliases).key == (
        "addr:2100 MARTIN LUTHER KING JR WAY"
    )
    assert parse_address("CIVIC CENTER PARK & MILVIA ST", aliases).key == (
        "xing:MARTIN LUTHER KING JR WAY & MILVIA ST"
    )
    unknown = parse_address("BERKELEY MARINA")
    assert (unknown.kind, unknown.key) == ("place", "place:BERKELEY MARINA")


def test_it_reads_a_named_place_at_an_address() -> None:
    found = parse_address("BERKELEY HIGH @ 1980 ALLSTON WAY")
    assert (found.key, found.place) == ("addr:1980 ALLSTON WAY", "BERKELEY HIGH")


def test_it_reads_one_street_written_twice_as_that_street() -> None:
    found = parse_address("EIGHTH STREET &EIGHTH ST")
    assert (found.kind, found.key) == ("street", "street:8TH ST")


def test_it_groups_many_strings_and_parses_each_distinct_string_once() -> None:
    texts = ["100 BLOCK OF MAIN ST", "152 Main Street", "1XX MAIN", "MAIN ST & 3RD AV",
             "3RD AVE / MAIN STREET", "", "garbage !!"] * 3  # fmt: skip
    grouping = group_locations(texts)
    assert grouping.distinct_strings == 7
    assert grouping.locations[:5] == [
        "block:100 MAIN ST", "block:100 MAIN ST", "block:100 MAIN ST",
        "xing:3RD AVE & MAIN ST", "xing:3RD AVE & MAIN ST",
    ]  # fmt: skip
    assert grouping.locations[5] == ""  # no text, no point: no location


def test_it_borrows_the_one_suffix_a_batch_gives_a_street() -> None:
    grouping = group_locations(["1623 VIRGINIA", "1600 VIRGINIA ST", "EASTSHORE & GILMAN ST",
                                "EASTSHORE HWY & GILMAN ST"])  # fmt: skip
    assert grouping.locations == [
        "block:1600 VIRGINIA ST", "block:1600 VIRGINIA ST",
        "xing:EASTSHORE HWY & GILMAN ST", "xing:EASTSHORE HWY & GILMAN ST",
    ]  # fmt: skip
    # Two suffixes for one name: nothing is borrowed.
    two = group_locations(["200 MARINA", "200 MARINA BLVD", "200 MARINA WAY"])
    assert two.locations[0] == "block:200 MARINA"


def test_it_merges_a_block_and_an_intersection_geocoded_to_one_point() -> None:
    texts = ["2100 SHATTUCK AVE", "SHATTUCK AVENUE & ADDISON ST", "2150 Shattuck Av",
             "ADDISON ST/SHATTUCK AV", "2200 SHATTUCK AVE"]  # fmt: skip
    lat = [37.871167, 37.871167, None, 37.8711671, 37.8722]
    lon = [-122.268285, -122.268285, None, -122.2682851, -122.2683]
    grouping = group_locations(texts, lat, lon)
    assert len(set(grouping.locations[:4])) == 1
    assert grouping.locations[4] == "block:2200 SHATTUCK AVE"  # 120 m away: another place
    assert grouping.merged_by_point == 1


def test_it_merges_near_identical_points_without_chaining() -> None:
    # Points 10 m apart along a line: each joins a leader within 25 m, never a chain.
    step = 10 / 111_320
    lat = [47.6 + i * step for i in range(20)]
    clusters = merge_points(lat, [-122.3] * 20, radius_m=25)
    assert clusters[0] == clusters[1] == clusters[2]
    assert len(set(clusters)) >= 6
    assert merge_points([None, 91.0, 0.0], [1.0, 1.0, 0.0]) == [-1, -1, -1]
    # The same set of points in another order makes the same clusters.
    shuffled = merge_points(list(reversed(lat)), [-122.3] * 20, radius_m=25)
    assert list(reversed(shuffled)) == clusters


def test_it_names_rows_with_only_a_point_by_their_point() -> None:
    grouping = group_locations(["", ""], [47.61, 47.61000001], [-122.28, -122.28])
    assert grouping.locations == ["point:47.61000,-122.28000"] * 2


def test_it_groups_by_house_address_when_asked() -> None:
    grouping = group_locations(["152 MAIN ST", "160 MAIN ST"], level="address")
    assert grouping.locations == ["addr:152 MAIN ST", "addr:160 MAIN ST"]
    with pytest.raises(ValueError, match="level"):
        group_locations([], level="city")


def test_it_corrects_a_rare_misspelt_street_name_from_the_batch() -> None:
    texts = ["2200 DWIGHT WAY"] * 12 + ["2250 DWIGH WAY", "2200 GILMAN ST", "10TH ST & DWIGHT WAY"]
    grouping = group_locations(texts)
    assert grouping.corrections == {"DWIGH": "DWIGHT"}
    assert grouping.locations[12] == "block:2200 DWIGHT WAY"
    assert grouping.addresses[12].key == "addr:2250 DWIGHT WAY"
    # Numbered streets are never corrected, and fix=False leaves the batch as written.
    assert group_locations(["10TH ST"] * 30 + ["11TH ST"]).corrections == {}
    assert group_locations(texts, fix=False).locations[12] == "block:2200 DWIGH WAY"


def test_it_locates_a_later_call_by_what_a_batch_learnt() -> None:
    texts = ["2100 SHATTUCK AVE", "SHATTUCK AVENUE & ADDISON ST", "1623 VIRGINIA ST"]
    texts += ["2200 DWIGHT WAY"] * 12
    grouping = group_locations(texts, [37.871167, 37.871167] + [None] * 13,
                               [-122.268285, -122.268285] + [None] * 13)  # fmt: skip
    assert grouping.locate("ADDISON ST / SHATTUCK AV") == "block:2100 SHATTUCK AVE"
    assert grouping.locate("2250 DWIGH WAY") == "block:2200 DWIGHT WAY"
    assert grouping.locate("1600 VIRGINIA") == "block:1600 VIRGINIA ST"
    assert grouping.locate("99 NEW ST") == "block:0 NEW ST"
    assert grouping.locate("") == ""
    assert grouping.key_locations["xing:ADDISON ST & SHATTUCK AVE"] == "block:2100 SHATTUCK AVE"
