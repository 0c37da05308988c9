"""Assessment instruments: loading and checking, scoring with skip logic and flags, and the
shipped instruments scoring known answer sets to the expected risk levels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coresponder.cases.engine.assessments import (
    RISK_LEVELS,
    InstrumentError,
    load_instrument,
    load_instruments_dir,
    score,
    shipped_instruments,
)

MINIMAL = """\
code = "mini"
title = "Mini"
version = "1"
licence = "test"
description = "A small form."

[[questions]]
id = "upset"
text = "Upset?"
type = "yes_no"
required = true
yes_score = 2
flag = "upset"

[[questions]]
id = "how_much"
text = "How much?"
type = "scale"
min = 0
max = 3
required = true
show_if = { question = "upset", value = true }

[[questions]]
id = "when"
text = "Since when?"
type = "date"

[[thresholds]]
min = 0
max = 1
risk_level = "low"

[[thresholds]]
min = 2
risk_level = "moderate"

[[flags]]
id = "upset"
label = "Upset"
min_risk_level = "high"
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(InstrumentError) as caught:
        load_instrument(text, name="form.toml")
    return [str(problem) for problem in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_it_loads_a_minimal_instrument() -> None:
    instrument = load_instrument(MINIMAL)
    assert [q.id for q in instrument.questions] == ["upset", "how_much", "when"]
    assert instrument.max_total == 5
    assert instrument.question("how_much").show_if is not None


def test_it_loads_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert load_instrument(path).source == str(path)
    assert load_instrument(str(path)).code == "mini"


@pytest.mark.parametrize(
    ("change", "needle", "question", "message"),
    [
        (('text = "Upset?"', 'text = "Upset?"\ncolour = "red"'), "colour", "upset", "unknown key"),
        (('id = "when"', 'id = "upset"  # again'), "# again", "upset", "used twice"),
        (
            (
                'required = true\nshow_if = { question = "upset"',
                'required = true\nshow_if = { question = "when"',
            ),
            'question = "when"',
            "how_much",
            "comes later",
        ),
        (
            ('show_if = { question = "upset"', 'show_if = { question = "nope"'),
            "nope",
            "how_much",
            "not a question here",
        ),
        (('type = "date"', 'type = "colour"'), "colour", "when", "'type' must be one of"),
        (('flag = "upset"', 'flag = "cross"'), "cross", "upset", "not declared"),
    ],
)
def test_each_problem_names_the_file_the_line_and_the_question(
    change: tuple[str, str], needle: str, question: str, message: str
) -> None:
    text = MINIMAL.replace(*change, 1)
    assert text != MINIMAL
    found = problems_of(text)
    wanted = f"form.toml, line {line_of(text, needle)}, question {question!r}: "
    assert any(p.startswith(wanted) and message in p for p in found), found


def test_thresholds_that_overlap_or_leave_gaps_are_refused_with_their_line() -> None:
    overlap = MINIMAL.replace("min = 2\nrisk_level", "min = 1\nrisk_level")
    [problem] = problems_of(overlap)
    assert "overlap" in problem and f"line {line_of(overlap, '[[thresholds]]') + 5}" in problem
    gap = MINIMAL.replace("min = 2\nrisk_level", "min = 4\nrisk_level")
    [problem] = problems_of(gap)
    assert "gap" in problem and "2 to 3" in problem
    closed = MINIMAL.replace(
        'min = 2\nrisk_level = "moderate"', 'min = 2\nmax = 5\nrisk_level = "moderate"'
    )
    assert any("open-ended" in p for p in problems_of(closed))


def test_a_scored_choice_needs_a_score_on_every_option() -> None:
    text = MINIMAL.replace(
        'id = "when"\ntext = "Since when?"\ntype = "date"',
        'id = "where"\ntext = "Where?"\ntype = "choice"\n'
        'options = [\n  { value = "home", label = "Home", score = 0 },\n'
        '  { value = "street", label = "Street" },\n]',
    )
    [problem] = problems_of(text)
    assert problem.startswith(f"form.toml, line {line_of(text, 'street')}, question 'where'")
    assert "no 'score'" in problem


def test_every_problem_is_reported_at_once_and_top_level_keys_are_checked() -> None:
    text = MINIMAL.replace('licence = "test"\n', 'licence = "test"\nauthor = "me"\n').replace(
        'type = "date"', 'type = "date"\nbogus = 1'
    )
    found = problems_of(text)
    assert len(found) == 2
    assert found[0] == f"form.toml, line {line_of(text, 'author')}: unknown key 'author'."
    assert f"line {line_of(text, 'bogus')}, question 'when'" in found[1]


def test_broken_toml_names_the_file_and_line() -> None:
    [problem] = problems_of(MINIMAL.replace('title = "Mini"', "title = Mini"))
    assert problem.startswith("form.toml, line 2")


def test_skip_logic_ignores_hidden_answers_and_only_asks_for_visible_ones() -> None:
    instrument = load_instrument(MINIMAL)
    result = score(instrument, {"upset": "no", "how_much": 3})
    assert result.total == 0 and result.risk_level == "low"
    assert "how_much" not in result.answers and result.missing == ()
    shown = score(instrument, {"upset": True})
    assert shown.missing == ("how_much",)
    assert shown.risk_level == "high"  # the flag forces at least high
    assert [flag.id for flag in shown.flags] == ["upset"]


def test_bad_answers_are_reported_not_raised() -> None:
    instrument = load_instrument(MINIMAL)
    result = score(instrument, {"upset": "perhaps", "when": "yesterday", "extra": 1})
    problems = {problem.question: problem.message for problem in result.problems}
    assert "yes or no" in problems["upset"] and "date" in problems["when"]
    assert "not a question" in problems["extra"]
    assert result.missing == ("upset",) and not result.complete
    out_of_range = score(instrument, {"upset": "yes", "how_much": 9})
    assert "between 0 and 3" in out_of_range.problems[0].message
    assert out_of_range.missing == ("how_much",)


def test_the_result_is_json_ready() -> None:
    import json

    instrument = load_instrument(MINIMAL)
    data = score(instrument, {"upset": "yes", "how_much": "2", "when": "2026-01-02"}).as_dict()
    assert json.loads(json.dumps(data))["answers"] == {
        "upset": True,
        "how_much": 2,
        "when": "2026-01-02",
    }
    assert data["total"] == 4 and data["complete"]


# --- the shipped instruments -------------------------------------------------------------------


def test_two_instruments_ship_in_our_own_wording_and_licence() -> None:
    instruments = shipped_instruments()
    assert set(instruments) == {"needs_assessment", "suicide_risk_screen"}
    for instrument in instruments.values():
        assert instrument.licence == "coresponder, CC BY 4.0"
    screen = instruments["suicide_risk_screen"]
    assert "screen, not a diagnosis" in screen.note and "protocol" in screen.note


SCREEN_NO = {"thoughts_recent": "no", "past_attempt": "no"}
SCREEN_CASES = [
    (SCREEN_NO, "low", set()),
    ({"thoughts_recent": "no", "past_attempt": "yes", "attempt_when": "longer"}, "low", set()),
    (
        {"thoughts_recent": "no", "past_attempt": "yes", "attempt_when": "within_3_months"},
        "high",
        {"recent_attempt"},
    ),
    (
        {
            "thoughts_recent": "yes",
            "thoughts_frequency": "rarely",
            "thoughts_today": "no",
            "plan": "no",
            "firearm_access": "no",
            "preparation": "no",
            "past_attempt": "no",
        },
        "moderate",
        {"suicidal_thoughts"},
    ),
    (
        {
            "thoughts_recent": "yes",
            "thoughts_frequency": "some_days",
            "thoughts_today": "no",
            "plan": "yes",
            "intent": "no",
            "means_access": "yes",
            "firearm_access": "no",
            "preparation": "no",
            "past_attempt": "no",
        },
        "high",
        {"suicidal_thoughts", "has_plan", "means_access", "plan_and_means"},
    ),
    (
        {
            "thoughts_recent": "yes",
            "thoughts_frequency": "most_days",
            "thoughts_today": "yes",
            "plan": "yes",
            "intent": "yes",
            "timing": "no_time",
            "means_access": "yes",
            "firearm_access": "yes",
            "preparation": "no",
            "past_attempt": "no",
        },
        "imminent",
        {
            "suicidal_thoughts",
            "thoughts_now",
            "has_plan",
            "intent",
            "means_access",
            "firearm_access",
            "plan_and_means",
            "intent_plan_means",
        },
    ),
    (
        {
            "thoughts_recent": "yes",
            "thoughts_frequency": "rarely",
            "thoughts_today": "no",
            "plan": "yes",
            "intent": "yes",
            "timing": "today",
            "means_access": "no",
            "firearm_access": "no",
            "preparation": "no",
            "past_attempt": "no",
        },
        "imminent",
        {"suicidal_thoughts", "has_plan", "intent", "acting_today"},
    ),
]


@pytest.mark.parametrize(("answers", "level", "flags"), SCREEN_CASES)
def test_the_suicide_risk_screen_scores_known_answers(
    answers: dict[str, str], level: str, flags: set[str]
) -> None:
    result = shipped_instruments()["suicide_risk_screen"].score(answers)
    assert result.risk_level == level, result.summary
    assert result.flag_ids == flags
    assert result.missing == () and result.problems == ()


def test_the_screen_asks_about_a_plan_only_after_thoughts_and_ignores_hidden_answers() -> None:
    screen = shipped_instruments()["suicide_risk_screen"]
    result = screen.score({**SCREEN_NO, "plan": "yes", "means_access": "yes", "intent": "yes"})
    assert result.risk_level == "low" and result.flags == () and result.total == 0
    visible = [q.id for q in screen.visible_questions({"thoughts_recent": "yes"})]
    assert "plan" in visible and "intent" not in visible and "attempt_when" not in visible


def test_protective_factors_are_counted_apart_and_never_lower_the_level() -> None:
    screen = shipped_instruments()["suicide_risk_screen"]
    answers = dict(SCREEN_CASES[4][0])
    with_support = screen.score(
        {**answers, "reasons_to_live": "yes", "support_tonight": "yes", "in_care": "yes"}
    )
    assert with_support.risk_level == "high"
    assert with_support.domains["protective"].score == 3
    assert with_support.total == screen.score(answers).total


def test_the_needs_assessment_gives_each_domain_a_need_level() -> None:
    needs = shipped_instruments()["needs_assessment"]
    assert [d.id for d in needs.domains] == [
        "mental_health",
        "substance_use",
        "housing",
        "food",
        "medical",
        "income_benefits",
        "legal",
        "family",
        "safety",
    ]
    calm = {
        "mh_distress": 0,
        "mh_care": "yes",
        "mh_self_harm": "no",
        "su_problems": "never",
        "housing_situation": "housed_stable",
        "housing_tonight": "yes",
        "food_skipped": "never",
        "food_today": "yes",
        "med_urgent": "no",
        "med_medicines": "no",
        "income_source": "regular",
        "safety_afraid": "no",
        "safety_where_staying": "safe",
        "safety_harm_others": "no",
    }
    result = needs.score(calm)
    assert result.risk_level == "low" and result.missing == () and result.total == 0
    assert {d.level for k, d in result.domains.items() if d.answered} == {"none"}
    assert result.domains["legal"].level == ""  # nothing asked: no level claimed
    hard = {
        **calm,
        "mh_distress": 2,
        "su_problems": "daily",
        "su_withdrawal": "yes",
        "housing_situation": "unsheltered",
        "housing_tonight": "no",
        "food_skipped": "often",
        "income_source": "none",
    }
    result = needs.score(hard)
    levels = {key: domain.level for key, domain in result.domains.items()}
    assert levels["housing"] == "high" and levels["substance_use"] == "high"
    assert levels["mental_health"] == "moderate" and levels["food"] == "moderate"
    assert levels["income_benefits"] == "moderate"
    assert result.risk_level == "high"  # total 19
    assert result.flag_ids == {"withdrawal_risk", "no_safe_place_tonight"}
    assert "Housing (high)" in result.summary
    urgent = needs.score({**calm, "med_urgent": "yes"})
    assert urgent.risk_level == "high" and "medical_urgent" in urgent.flag_ids
    self_harm = needs.score({**calm, "mh_self_harm": "yes"})
    assert self_harm.risk_level == "moderate" and "suicide-risk screen" in self_harm.summary


def test_an_agency_adds_an_instrument_by_dropping_a_file_in_a_directory(tmp_path: Path) -> None:
    (tmp_path / "mini.toml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "readme.txt").write_text("not an instrument", encoding="utf-8")
    assert list(load_instruments_dir(tmp_path)) == ["mini"]
    (tmp_path / "copy.toml").write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(
        InstrumentError, match=r"mini\.toml, line 1: code 'mini' is already used by .*copy\.toml"
    ):
        load_instruments_dir(tmp_path)


ANSWER = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["yes", "no", "rarely", "today", "daily", "2026-02-30", "2026-01-01", "3"]),
    st.dates(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=150, deadline=None)
@given(
    code=st.sampled_from(["needs_assessment", "suicide_risk_screen"]),
    data=st.data(),
)
def test_random_answers_never_raise(code: str, data: st.DataObject) -> None:
    instrument = shipped_instruments()[code]
    ids = [q.id for q in instrument.questions] + ["other", ""]
    answers = data.draw(st.dictionaries(st.sampled_from(ids), ANSWER, max_size=len(ids)))
    result = score(instrument, answers)
    assert result.risk_level in RISK_LEVELS
    assert 0 <= result.total <= instrument.max_total
    assert result.summary.startswith(instrument.title)
    visible = {q.id for q in instrument.visible_questions(answers)}
    assert set(result.missing) <= visible and set(result.answers) <= visible
    assert re.search(r"risk level (low|moderate|high|imminent)", result.summary)


def test_the_documented_example_instrument_loads_and_scores() -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "assessments.md"
    example = re.search(r"```toml\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    assert example
    instrument = load_instrument(example.group(1), name="docs/assessments.md")
    result = instrument.score({"upset": "yes", "how_often": "daily", "distress": 1})
    assert result.flag_ids == {"upset", "daily", "upset_daily"} and result.risk_level == "high"
