"""The metrics catalogue on small hand-made frames, each answer worked by hand (tests/analytics
/frames.py describes the rows)."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest

from coresponder.analytics.metrics import (
    CATALOGUE,
    CostRates,
    Frames,
    FrameSchemaError,
    MetricResult,
    Params,
    compute_dashboard,
)
from tests.analytics import frames as hand


@pytest.fixture
def frames() -> Frames:
    return Frames(
        calls=hand.calls(),
        units=hand.units(),
        encounters=hand.encounters(),
        tasks=hand.tasks(),
        referrals=hand.referrals(),
    ).validated()


def run(name: str, frames: Frames, params: Params | None = None) -> MetricResult:
    return CATALOGUE[name](frames, params)


def test_it_computes_the_program_share_of_public_calls(frames: Frames) -> None:
    # public-initiated: c3–c10 = 8; of those the program (co_response, alternative) took c5–c9
    r = run("program_share", frames)
    assert (r.parts["numerator"], r.parts["denominator"]) == (5, 8)
    assert r.value == pytest.approx(5 / 8)


def test_it_computes_the_diversion_rate(frames: Frames) -> None:
    # alternative 3 ÷ (alternative 3 + police 4 + co_response 2)
    assert run("diversion_rate", frames).value == pytest.approx(3 / 9)


def test_it_counts_the_unserved_eligible_calls_by_hour_of_week(frames: Frames) -> None:
    # eligible c3, c5–c9 = 6; served c5–c9 = 5; c3 (police) is the one unserved: day 2, Wed 08h
    r = run("eligible_coverage", frames)
    assert r.value == pytest.approx(5 / 6)
    assert r.parts["unserved"] == 1
    assert r.table is not None and r.table.height == 168
    unserved = r.table.filter(pl.col("unserved") > 0)
    assert unserved.select("weekday", "hour", "eligible", "served").rows() == [(3, 8, 1, 0)]
    assert r.table["eligible"].sum() == 6


def test_it_computes_the_police_backup_rate_on_responses_without_police(frames: Frames) -> None:
    # crisis encounters 1, 3, 6, 8; backup on 1 and 8 (the co_response encounter is left out)
    r = run("police_backup_rate", frames)
    assert (r.parts["numerator"], r.parts["denominator"]) == (2, 4)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("arrest_rate", 0), ("involuntary_hold_rate", 1), ("transport_rate", 2)],
)
def test_it_computes_outcome_rates_per_program_call(
    frames: Frames, name: str, expected: int
) -> None:
    # program calls c5–c9 = 5; c9's outcomes are unknown; holds c5; transports c5, c7
    r = run(name, frames)
    assert r.parts["numerator"] == expected
    assert r.parts["denominator"] == 5
    assert r.parts["unknown"] == 1


def test_it_computes_response_time_median_and_p90_by_mode(frames: Frames) -> None:
    r = run("response_time", frames)
    assert r.table is not None
    table = {row["mode_dispatched"]: row for row in r.table.iter_rows(named=True)}
    # police 5, 7, 10, 12: median 8.5; p90 at rank 2.7 → 10 + 0.7 × 2 = 11.4
    assert table["police"]["median_min"] == pytest.approx(8.5)
    assert table["police"]["p90_min"] == pytest.approx(11.4)
    # alternative 15, 25 (c9 never on scene)
    assert table["alternative"]["calls"] == 2
    assert table["alternative"]["median_min"] == pytest.approx(20)
    # program 15, 20, 25, 30: median 22.5; p90 25 + 0.7 × 5 = 28.5
    assert r.value == pytest.approx(22.5)
    assert r.parts["program_p90"] == pytest.approx(28.5)
    assert r.parts["excluded"] == 1


def test_it_computes_unit_hours_by_call_type(frames: Frames) -> None:
    r = run("time_on_task", frames)
    # 1 + 0.5 + 3 + 3 + 2 + 1 + 1.5 + 1.5 + 1 (the open ems unit is left out)
    assert r.value == pytest.approx(14.5)
    assert r.parts["police_hours"] == pytest.approx(8)
    assert r.table is not None
    welfare = r.table.filter(pl.col("category") == "welfare_check").row(0, named=True)
    # c3 two police units 3 h, c6 co_response 1 h, c8 social worker 1 h + police 0.5 h
    assert (welfare["calls"], welfare["units"]) == (3, 5)
    assert welfare["unit_hours"] == pytest.approx(5.5)
    assert welfare["police_hours"] == pytest.approx(3.5)
    assert welfare["hours_per_call"] == pytest.approx(5.5 / 3)


def test_it_computes_follow_up_within_48_hours(frames: Frames) -> None:
    # responses 1, 3, 4, 6, 8; followed within 48 h: 1 (phone at +24 h), 6 (outreach at +47 h);
    # 4's follow-up came at +72 h
    r = run("follow_up_48h", frames)
    assert (r.parts["numerator"], r.parts["denominator"]) == (2, 5)


def test_it_computes_engagement_of_people_served(frames: Frames) -> None:
    # served 100, 200, 300, 400; engaged 100 (phone, resolved), 300 (outreach); 200 declined
    r = run("engagement", frames)
    assert (r.parts["numerator"], r.parts["denominator"]) == (2, 4)


def test_it_computes_follow_up_tasks_done_on_time(frames: Frames) -> None:
    # three tasks not cancelled, one done by its due time
    assert run("follow_up_tasks_on_time", frames).value == pytest.approx(1 / 3)
    # with the period ending before they are due, none is due yet
    early = Params(end=hand.T0 + timedelta(hours=24))
    assert run("follow_up_tasks_on_time", frames, early).value is None


def test_it_computes_the_referral_funnel_and_time_to_acceptance(frames: Frames) -> None:
    r = run("referral_completion", frames)
    # sent r1–r4 (r5 is a draft); completed r1; accepted r1, r2; engaged r1, r2; open r2, r4
    assert r.value == pytest.approx(0.25)
    assert (r.parts["accepted"], r.parts["engaged"], r.parts["open"]) == (2, 2, 2)
    t = run("referral_time_to_acceptance", frames)
    # 2 h and 10 h: median 6, p90 2 + 0.9 × 8 = 9.2
    assert t.value == pytest.approx(6)
    assert t.parts["p90"] == pytest.approx(9.2)


def test_it_computes_cost_per_incident_from_rates(frames: Frames) -> None:
    rates = CostRates(
        hourly={"police": 100, "social_worker": 60, "co_response": 150, "ems": 80},
        per_call={"alternative": 10},
    )
    r = run("cost_per_incident", frames, Params(rates=rates))
    # alternative: c7 1.5 h × 60 + c8 1 h × 60 + 0.5 h police × 100 = 200, + 3 × 10 → 230 ÷ 3
    assert r.value == pytest.approx(230 / 3)
    assert r.table is not None
    cost = dict(r.table.select("mode_dispatched", "cost_per_incident").iter_rows())
    assert cost["police"] == pytest.approx(750 / 4)
    assert cost["co_response"] == pytest.approx(450 / 2)
    assert cost["ems"] == pytest.approx(80)


def test_it_says_cost_is_not_available_without_rates(frames: Frames) -> None:
    r = run("cost_per_incident", frames)
    assert not r.available
    assert "no cost rates" in r.note


def test_it_computes_officer_hours_freed(frames: Frames) -> None:
    r = run("officer_hours_freed", frames)
    # welfare_check: 1 alternative call × 3 h per police call − 0.5 h backup = 2.5;
    # mental_health and intoxication: no police call, so the mean 7.5 h ÷ 4 = 1.875 each
    assert r.value == pytest.approx(2.5 + 2 * 1.875)
    assert r.parts["backup_hours"] == pytest.approx(0.5)
    fixed = run("officer_hours_freed", frames, Params(police_hours_per_call=1.0))
    assert fixed.value == pytest.approx(2.5 + 2 * 1.0)


def test_it_computes_the_call_mix(frames: Frames) -> None:
    r = run("call_mix", frames)
    # criminal c1, c4 → 8 of 10 non-criminal; behavioural health c3, c5–c9 = 6
    assert r.value == pytest.approx(0.8)
    assert r.parts["behavioural_health_share"] == pytest.approx(0.6)
    assert r.table is not None
    assert dict(r.table.select("category", "calls").iter_rows())["welfare_check"] == 3


DAY0 = datetime(2025, 1, 1)


def _repeat_frames() -> Frames:
    """Person 1: first contact day 200, calls on days 150, 190, 199, 210, 300, 500. Person 2:
    first contact day 50, calls on days 40, 45, 60. Person 3: no contact, a call on day 0 (the
    data's start). The data ends on day 600 (as_of)."""
    days = {1: [150, 190, 199, 210, 300, 500], 2: [40, 45, 60], 3: [0]}
    rows = [(p, d) for p, ds in days.items() for d in ds]
    base = hand.calls().head(1)
    calls = pl.concat(
        [
            base.with_columns(
                pl.lit(DAY0 + timedelta(days=d)).alias("received_at"),
                pl.lit(p).alias("person_id"),
                pl.lit(f"P{p}").alias("location_key"),
            )
            for p, d in rows
        ]
    )
    people = pl.DataFrame(
        {
            "person_id": [1, 2],
            "first_contact_at": [DAY0 + timedelta(days=200), DAY0 + timedelta(days=50)],
        }
    )
    return Frames(calls=calls, people=people)


def test_it_counts_calls_per_person_before_and_after_first_contact() -> None:
    params = Params(windows=(30, 100), as_of=DAY0 + timedelta(days=600))
    r = run("repeat_calls_person", _repeat_frames(), params)
    assert r.table is not None
    rows = {row["window_days"]: row for row in r.table.iter_rows(named=True)}
    # 30 days: person 1 before 190, 199 / after 210; person 2 before 40, 45 / after 60
    assert (rows[30]["keys"], rows[30]["before"], rows[30]["after"]) == (2, 4, 2)
    assert rows[30]["change"] == pytest.approx(-0.5)
    # 100 days: only person 1 (person 2's window starts before the data): 3 before, 2 after
    assert (rows[100]["keys"], rows[100]["before"], rows[100]["after"]) == (1, 3, 2)
    assert r.value == pytest.approx(2 / 3 - 1)
    # the period picks the people whose first contact falls in it
    later = Params(windows=(30,), as_of=params.as_of, start=DAY0 + timedelta(days=100))
    only_one = run("repeat_calls_person", _repeat_frames(), later)
    assert only_one.parts["keys_30"] == 1
    assert only_one.value == pytest.approx(-0.5)


def test_it_counts_calls_per_place_before_and_after_the_first_program_response() -> None:
    modes = {0: "police", 10: "police", 20: "alternative", 25: "police", 40: "police"}
    base = hand.calls().head(1)
    calls = pl.concat(
        [
            base.with_columns(
                pl.lit(DAY0 + timedelta(days=d)).alias("received_at"),
                pl.lit(m).alias("mode_dispatched"),
                pl.lit("A").alias("location_key"),
            )
            for d, m in modes.items()
        ]
        + [base.with_columns(pl.lit(DAY0 + timedelta(days=60)).alias("received_at"))]
    )
    r = run("repeat_calls_place", Frames(calls=calls), Params(windows=(20,)))
    assert r.table is not None
    # place A's first program call is day 20: before days 0, 10; after 25, 40; L1 has none
    assert r.table.select("keys", "before", "after").row(0) == (1, 2, 2)
    assert r.value == pytest.approx(0)


def test_it_says_a_metric_is_not_available_when_its_source_is_not_recorded() -> None:
    only_calls = Frames(calls=hand.calls())
    for name in ("police_backup_rate", "follow_up_48h", "engagement", "referral_completion"):
        r = run(name, only_calls)
        assert not r.available
        assert r.value is None
        assert r.note.startswith("not available: ")
        assert "is not recorded yet" in r.note
    assert run("time_on_task", only_calls).note == "not available: units is not recorded yet"
    assert str(run("repeat_calls_person", only_calls)) == (
        "repeat_calls_person: not available: people is not recorded yet"
    )


def test_it_names_the_missing_column() -> None:
    broken = Frames(calls=hand.calls().drop("eligible"))
    with pytest.raises(FrameSchemaError, match="calls has no column 'eligible'"):
        run("eligible_coverage", broken)
    with pytest.raises(FrameSchemaError, match=r"calls\.received_at should be datetime"):
        Frames(calls=hand.calls().with_columns(pl.col("received_at").cast(pl.Utf8))).validated()


def test_it_computes_the_whole_dashboard_for_a_period(frames: Frames) -> None:
    # the first five days: c1–c5
    period = Params(start=hand.T0, end=hand.T0 + timedelta(days=5))
    results = compute_dashboard(frames, period)
    assert set(results) == set(CATALOGUE)
    assert results["call_mix"].parts["denominator"] == 5
    assert results["program_share"].value == pytest.approx(1 / 3)  # c3, c4, c5 public; c5
    assert not results["repeat_calls_person"].available
    assert not results["cost_per_incident"].available


def test_it_attaches_each_unit_to_its_call_by_merge_or_by_join() -> None:
    from coresponder.analytics.metrics.frames import attach

    units = hand.units()
    calls = hand.calls().select("call_id", "category")

    def run(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
        return attach(left.lazy(), left["call_id"], right, "call_id", ["category"]).collect()

    expected = units.join(calls, on="call_id", how="inner")
    by_merge = run(units, calls)  # both in call order: merged
    by_join = run(units, calls.reverse())  # calls not in order: a join
    units_shuffled = run(units.reverse(), calls)  # units not in order: a join
    as_text = run(
        units.with_columns(pl.col("call_id").cast(pl.Utf8)),
        calls.with_columns(pl.col("call_id").cast(pl.Utf8)),
    )
    assert by_merge.equals(expected)
    for result in (by_join, units_shuffled, as_text):
        assert sorted(result["category"].to_list()) == sorted(expected["category"].to_list())
    # a unit whose call is missing is left out, as by an inner join
    assert run(units, calls.filter(pl.col("call_id") != 3)).height == units.height - 2
