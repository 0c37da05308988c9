"""The taxonomy: stable codes, one Vera equivalent each, every Vera category reachable."""

from __future__ import annotations

import re

import pytest

from coresponder.triage.engine.taxonomy import (
    BEHAVIORAL_HEALTH_VERA,
    CATEGORIES,
    TAXONOMY_VERSION,
    UNKNOWN,
    VERA_CATEGORIES,
    behavioural_health_codes,
    category,
)

ISSUE_CATEGORIES = (
    "mental_health suicide welfare_check intoxication overdose unhoused panhandling "
    "noise_disturbance neighbour_dispute trespass juvenile_status missing_person medical "
    "traffic_collision traffic property_crime violent_crime domestic_violence weapons alarm "
    "hang_up administrative warrant other unknown"
).split()


def test_the_taxonomy_has_a_version():
    assert re.fullmatch(r"\d{4}\.\d+", TAXONOMY_VERSION)


@pytest.mark.parametrize("code", ISSUE_CATEGORIES)
def test_every_category_the_issue_asks_for_exists(code):
    assert category(code).code == code


def test_codes_are_snake_case_and_every_category_is_described():
    for code, item in CATEGORIES.items():
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", code)
        assert item.code == code and item.label and len(item.description) > 20


def test_each_category_has_one_vera_equivalent_and_only_unknown_has_none():
    for item in CATEGORIES.values():
        if item.code == UNKNOWN:
            assert item.vera is None
        else:
            assert item.vera in VERA_CATEGORIES


def test_every_vera_category_is_reachable_from_some_category():
    reached = {item.vera for item in CATEGORIES.values()}
    assert set(VERA_CATEGORIES) <= reached


def test_behavioural_health_flag_covers_the_crisis_categories():
    flagged = {c.code for c in CATEGORIES.values() if c.behavioural_health}
    assert {"mental_health", "suicide", "overdose", "intoxication", "welfare_check"} <= flagged
    assert not {"violent_crime", "traffic", "alarm", "unknown"} & flagged


def test_behavioural_health_codes_are_those_whose_vera_equivalent_is_behavioural_health():
    codes = behavioural_health_codes()
    assert codes == {"mental_health", "suicide", "overdose"}
    assert all(category(code).vera == BEHAVIORAL_HEALTH_VERA for code in codes)


def test_an_unknown_code_is_a_key_error_naming_it():
    with pytest.raises(KeyError, match="no triage category 'nope'"):
        category("nope")
