"""The response policy: rules in order, safety gates refused at load, reasons with evidence."""

from __future__ import annotations

from datetime import datetime

import pytest

from coresponder.triage.engine.policy import (
    DEFAULT_POLICY_PATH,
    Classified,
    PolicyError,
    TriageInput,
    load_policy,
    parse_policy,
)

MONDAY_NOON = datetime(2026, 1, 5, 12, 0)
MONDAY_3AM = datetime(2026, 1, 5, 3, 0)
MENTAL_HEALTH = Classified("mental_health", 0.9, ("phrase 'mental'",), frozenset(), True)
THEFT = Classified("property_crime", 0.9, (), frozenset(), False, "Property Crime")


def decide(classified: Classified, **kwargs: object):
    return load_policy().decide(
        TriageInput(classified=classified, local_time=MONDAY_NOON, **kwargs)  # type: ignore[arg-type]
    )


def test_the_default_policy_loads_and_ends_with_a_default_rule() -> None:
    policy = load_policy()
    assert policy.version and policy.rules[-1].id == "default-police"
    assert [rule.id for rule in policy.rules[:2]] == ["gate-weapon", "gate-violence-in-progress"]


def test_a_mental_health_call_in_hours_goes_to_the_program_with_reasons() -> None:
    decision = decide(MENTAL_HEALTH)
    assert decision.mode == "alternative"
    assert decision.eligible and decision.behavioural_health
    assert decision.rule == "program-eligible"
    assert "category mental_health" in decision.reasons[0].evidence
    assert decision.reasons[1].rule == "classifier"
    assert decision.policy_version == "coresponder-default 2026.1"


def test_outside_program_hours_police_respond_and_the_call_counts_as_eligible() -> None:
    policy = load_policy()
    decision = policy.decide(TriageInput(classified=MENTAL_HEALTH, local_time=MONDAY_3AM))
    assert (decision.mode, decision.rule, decision.eligible) == (
        "police",
        "program-unavailable",
        True,
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"flags": {"weapon": True}},
        {"narrative": "He has a knife"},
        {"flags": {"violence": True, "in_progress": True}},
        {"narrative": "he is hitting her right now"},
    ],
)
def test_weapons_and_violence_in_progress_always_get_police(kwargs: dict[str, object]) -> None:
    decision = decide(MENTAL_HEALTH, **kwargs)
    assert decision.mode == "police"
    assert decision.rule.startswith("gate-")


def test_a_negated_weapon_does_not_trigger_the_gate_and_shows_as_evidence() -> None:
    decision = decide(MENTAL_HEALTH, narrative="No weapons seen, man hearing voices")
    assert decision.mode == "alternative"
    negated = [reason for reason in decision.reasons if reason.rule == "narrative"]
    assert negated and "no weapons seen" in negated[0].evidence[0]


def test_a_crime_goes_to_police_and_confidence_follows_the_classification() -> None:
    decision = decide(Classified("property_crime", 0.4, (), frozenset(), False))
    assert (decision.mode, decision.confidence) == ("police", 0.4)
    gate = decide(THEFT, flags={"weapon": True})
    assert gate.confidence == 1.0


def test_a_high_priority_behavioural_health_call_gets_co_response() -> None:
    decision = decide(Classified("welfare_check", 0.8, (), frozenset(), True), priority="1")
    assert decision.mode == "co_response"
    assert "priority 1" in decision.reasons[0].evidence


def test_the_program_area_and_capacity_are_respected() -> None:
    text = DEFAULT_POLICY_PATH.read_text().replace("service_area = []", 'service_area = ["D1"]')
    policy = parse_policy(text)
    inside = policy.decide(TriageInput(classified=MENTAL_HEALTH, local_time=MONDAY_NOON, area="d1"))
    outside = policy.decide(
        TriageInput(classified=MENTAL_HEALTH, local_time=MONDAY_NOON, area="D2")
    )
    busy = policy.decide(
        TriageInput(
            classified=MENTAL_HEALTH, local_time=MONDAY_NOON, area="D1", capacity_available=False
        )
    )
    assert inside.mode == "alternative"
    assert outside.mode == busy.mode == "police"
    assert "outside the area" not in str(inside.reasons)


def test_hours_past_midnight_belong_to_the_evening_they_started() -> None:
    text = DEFAULT_POLICY_PATH.read_text().replace(
        'hours = ["Mon-Sun 07:00-23:00"]', 'hours = ["Fri-Sat 20:00-04:00"]'
    )
    program = parse_policy(text).program
    assert program.is_open(datetime(2026, 1, 10, 2, 0))  # Saturday 02:00, Friday's shift
    assert program.is_open(datetime(2026, 1, 11, 3, 59))  # Sunday 03:59, Saturday's shift
    assert not program.is_open(datetime(2026, 1, 11, 4, 0))
    assert not program.is_open(datetime(2026, 1, 9, 2, 0))  # Friday 02:00: Thursday is off


UNSAFE = """
[policy]
name = "unsafe"
version = "1"

[[rules]]
id = "all-mental-health-to-program"
mode = "alternative"
when.categories = ["mental_health"]

[[rules]]
id = "default"
mode = "police"
"""


def test_a_policy_that_could_send_a_weapon_call_without_police_is_refused() -> None:
    with pytest.raises(PolicyError) as refused:
        parse_policy(UNSAFE, name="unsafe.toml")
    message = str(refused.value)
    assert "unsafe.toml, line 6, rule 'all-mental-health-to-program'" in message
    assert "a weapon" in message


def test_excluding_the_danger_flags_makes_a_program_rule_safe() -> None:
    safe = UNSAFE.replace(
        'when.categories = ["mental_health"]',
        'when.categories = ["mental_health"]\nwhen.flags_none = ["weapon", "violence"]',
    )
    assert parse_policy(safe).rules[0].mode == "alternative"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('mode = "alternative"', 'mode = "taxi"'),
            "line 6, rule 'all-mental-health-to-program': mode 'taxi'",
        ),
        (("when.categories", "when.catgories"), "unknown condition(s) catgories"),
        (('["mental_health"]', '["mental_heath"]'), "unknown name(s) mental_heath"),
        (
            (
                'id = "default"\nmode = "police"',
                'id = "default"\nmode = "police"\nwhen.priorities = ["1"]',
            ),
            "the last rule must have no conditions",
        ),
        (("[policy]", "[policy"), "not valid TOML"),
        (('version = "1"', ""), "needs a version"),
    ],
)
def test_a_malformed_policy_names_its_line_and_rule(change: tuple[str, str], expected: str) -> None:
    text = UNSAFE.replace(
        'when.categories = ["mental_health"]',
        'when.categories = ["mental_health"]\nwhen.flags_none = ["weapon", "violence"]',
    )
    with pytest.raises(PolicyError, match=None) as refused:
        parse_policy(text.replace(*change), name="p.toml")
    assert expected in str(refused.value)


def test_rule_ids_must_be_unique() -> None:
    text = DEFAULT_POLICY_PATH.read_text().replace('id = "violence"', 'id = "crime"')
    with pytest.raises(PolicyError, match="used twice"):
        parse_policy(text)
