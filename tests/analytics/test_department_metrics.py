"""Plans current vs lapsed, consults answered and time to answer, outreach that became cases:
small frames with answers worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from coresponder.analytics.metrics.department import (
    consults_answered,
    outreach_to_cases,
    plans_current,
)


def test_plans_current_against_lapsed() -> None:
    plans = pl.DataFrame(
        {
            "status": ["approved", "approved", "approved", "draft", "retired"],
            "review_by": [date(2026, 12, 1), date(2026, 11, 28), date(2026, 10, 1),
                          date(2027, 1, 1), date(2027, 1, 1)],
        }
    )  # fmt: skip
    result = plans_current(plans, as_of=date(2026, 11, 28))
    # Approved: 3; current on 11-28: the 12-01 and the 11-28 ones (the last day counts) = 2/3.
    assert result.value == pytest.approx(2 / 3)
    assert result.parts == {"current": 2, "lapsed": 1, "waiting_for_approval": 1}
    assert not plans_current(None, as_of=date(2026, 1, 1)).available


def test_consults_answered_and_minutes() -> None:
    consults = pl.DataFrame(
        {
            "asked_at": [datetime(2026, 5, 1, 10, 0), datetime(2026, 5, 1, 11, 0),
                         datetime(2026, 5, 2, 9, 0), datetime(2026, 5, 3, 9, 0)],
            "answered_at": [datetime(2026, 5, 1, 10, 10), datetime(2026, 5, 1, 11, 30),
                            datetime(2026, 5, 2, 10, 0), None],
        }
    )  # fmt: skip
    result = consults_answered(consults)
    # 3 of 4 answered; minutes 10, 30, 60: median 30; p90 (linear) at 1.8 of 2: 30 + 0.8 × 30 = 54.
    assert result.value == pytest.approx(0.75)
    assert result.parts["median_minutes"] == pytest.approx(30)
    assert result.parts["p90_minutes"] == pytest.approx(54)
    assert consults_answered(None).note == "not available: officer consults is not recorded yet"


def test_outreach_contacts_that_became_cases() -> None:
    outreach = pl.DataFrame({"people_reached": [14, 6, 0], "cases": [2, 1, 0]})
    result = outreach_to_cases(outreach)
    assert result.value == pytest.approx(3 / 20)
    assert result.parts == {"events": 3, "people_reached": 20, "cases": 3}
