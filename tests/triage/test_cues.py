"""Narrative cues: what a call's narrative says, and what it says is not there."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coresponder.triage.engine.cues import find_cues, negated_cues, present_cues


def test_it_finds_a_weapon_and_violence_in_a_narrative() -> None:
    cues = present_cues("Caller says her son has a KNIFE and is hitting the door")
    assert set(cues) >= {"weapon", "violence"}
    assert cues["weapon"].text == "knife"


def test_it_reads_a_weapon_denied_before_or_after_as_absent() -> None:
    for narrative in (
        "No weapons seen, subject yelling at traffic",
        "Subject denies having a gun",
        "Unarmed male, talking to himself",
        "Weapons: none. Subject hearing voices",
        "RP states he is not armed",
    ):
        assert "weapon" not in present_cues(narrative), narrative
        assert "weapon" in negated_cues(narrative) or "armed" in narrative.lower(), narrative


def test_a_negation_does_not_reach_into_the_next_clause() -> None:
    cues = present_cues("No weapons seen, but he punched his brother")
    assert "violence" in cues
    assert "weapon" not in cues


def test_a_mention_that_is_not_negated_wins_over_one_that_is() -> None:
    cues = present_cues("No gun seen. Neighbour now reports a gun in his waistband")
    assert "weapon" in cues
    assert "weapon" not in negated_cues("No gun seen. Neighbour now reports a gun in his waistband")


def test_it_finds_behavioural_health_cues() -> None:
    cues = present_cues("Off his meds, hearing voices, threatening to kill himself")
    assert {"mental_health", "suicide"} <= set(cues)


@given(st.text(max_size=400))
def test_any_text_gives_cues_without_error(text: str) -> None:
    for cue in find_cues(text):
        assert cue.name and cue.text
