"""The training coverage metric, on a roster small enough to count by hand."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from coresponder.analytics.metrics.training import training_coverage

OFFICERS = pl.DataFrame(
    {
        "officer_id": [1, 2, 3, 4, 5, 6],
        "shift": ["days", "days", "days", "nights", "nights", "nights"],
        "district": ["North", "South", "North", "North", "South", "South"],
        "active": [True, True, True, True, True, False],
    }
)
CERTIFICATES = pl.DataFrame(
    {
        "officer_id": [1, 2, 4, 5, 6, 3],
        "course": ["CIT40", "CIT40", "CIT40", "CIT40", "CIT40", "MHFA"],
        "issued_on": [date(2025, 1, 1), date(2021, 1, 1), date(2026, 12, 1), date(2024, 5, 1),
                      date(2025, 1, 1), date(2025, 1, 1)],
        "expires_on": [date(2028, 1, 1), date(2024, 1, 1), date(2029, 12, 1), None,
                       date(2028, 1, 1), None],
    }
)  # fmt: skip
ATTENDANCE = pl.DataFrame({"officer_id": [1, 1, 2, 4, 6], "hours": [40.0, 8.0, 40.0, 20.0, 40.0]})
AS_OF = date(2026, 6, 1)


def test_it_counts_current_certificates_of_active_officers_by_shift() -> None:
    # current on 2026-06-01: 1 (until 2028) and 5 (no expiry). Not: 2 (expired), 4 (issued
    # later), 6 (inactive), 3 (another course). Active: 1-5.
    result = training_coverage(
        OFFICERS, CERTIFICATES, course="CIT40", as_of=AS_OF, attendance=ATTENDANCE
    )
    assert result.value == pytest.approx(2 / 5)
    assert result.parts["officers"] == 5 and result.parts["trained"] == 2
    assert result.parts["hours"] == pytest.approx(108.0)  # 48 + 40 + 20; 6 is inactive
    assert result.table is not None
    rows = {row["shift"]: row for row in result.table.to_dicts()}
    assert (rows["days"]["officers"], rows["days"]["trained"]) == (3, 1)
    assert rows["days"]["hours_per_officer"] == pytest.approx(88 / 3)
    assert (rows["nights"]["officers"], rows["nights"]["trained"]) == (2, 1)
    assert rows["nights"]["share"] == pytest.approx(0.5)


def test_it_groups_by_district() -> None:
    result = training_coverage(OFFICERS, CERTIFICATES, course="CIT40", as_of=AS_OF, by="district")
    assert result.table is not None
    shares = {row["district"]: row["share"] for row in result.table.to_dicts()}
    assert shares == {"North": pytest.approx(1 / 3), "South": pytest.approx(1 / 2)}


def test_a_certificate_expiring_on_the_day_still_counts_and_an_empty_roster_has_no_value() -> None:
    result = training_coverage(OFFICERS, CERTIFICATES, course="CIT40", as_of=date(2028, 1, 1))
    assert result.parts["trained"] == 3  # 1 and 5, and 4 (issued 2026-12-01)
    empty = training_coverage(OFFICERS.clear(), CERTIFICATES, course="CIT40", as_of=AS_OF)
    assert empty.value is None
    with pytest.raises(ValueError):
        training_coverage(OFFICERS, CERTIFICATES, course="CIT40", as_of=AS_OF, by="rank")
