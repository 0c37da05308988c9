"""Searching the directory by need, distance, open-now, language and text."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coresponder.referrals.engine import NEEDS, Directory, Hours, haversine_km, search

from .fixtures import DOWNTOWN, NORTH, small_directory, uid
from .strategies import directories

MONDAY_NOON = datetime(2026, 11, 30, 12, 0)
MONDAY_NIGHT = datetime(2026, 11, 30, 22, 0)
CHRISTMAS_NIGHT = datetime(2026, 12, 25, 22, 0)


def _ids(matches: list) -> list[str]:
    return [m.service.id for m in matches]


def test_it_covers_every_coresponder_need() -> None:
    assert set(NEEDS) == {
        "mental_health",
        "substance_use",
        "housing",
        "food",
        "medical",
        "income_benefits",
        "legal",
        "family",
        "safety",
    }


def test_it_finds_a_need_by_keyword_and_by_taxonomy_term() -> None:
    counseling = search(small_directory(), needs=["mental_health"])
    housing = search(small_directory(), needs=["housing"])

    assert _ids(counseling) == [uid("line"), uid("shelter"), uid("clinic")]  # by name
    assert counseling[0].reasons == ("meets need mental_health: 'Crisis' in its name",)
    assert "meets need mental_health: 'Counseling' in its name" in counseling[2].reasons
    assert _ids(housing) == [uid("shelter")]
    assert housing[0].reasons[0] == "meets need housing: taxonomy term 'Emergency Shelter'"


def test_it_leaves_out_services_that_are_not_active() -> None:
    assert search(small_directory(), needs=["food"]) == []


def test_it_ranks_services_meeting_more_needs_first() -> None:
    matches = search(small_directory(), needs=["mental_health", "housing"])

    assert _ids(matches) == [uid("shelter"), uid("line"), uid("clinic")]
    assert matches[0].needs_met == ("mental_health", "housing")
    assert [len(m.needs_met) for m in matches] == [2, 1, 1]


def test_it_filters_by_radius_and_reports_the_distance() -> None:
    near_downtown = search(small_directory(), near=DOWNTOWN, radius_km=2)

    assert _ids(near_downtown) == [uid("clinic"), uid("line")]  # the line is virtual
    assert near_downtown[0].distance_km == pytest.approx(0.0)
    assert "available remotely (virtual location)" in near_downtown[1].reasons
    wider = search(small_directory(), near=DOWNTOWN, radius_km=10)
    shelter = next(m for m in wider if m.service.id == uid("shelter"))
    assert shelter.distance_km == pytest.approx(haversine_km(DOWNTOWN, NORTH))
    assert shelter.nearest_location is not None and shelter.nearest_location.id == uid("north")


def test_it_measures_distance_with_the_haversine_formula() -> None:
    # One degree of latitude is about 111.2 km anywhere on the globe.
    assert haversine_km((0.0, 0.0), (1.0, 0.0)) == pytest.approx(111.19, abs=0.01)
    assert haversine_km(DOWNTOWN, DOWNTOWN) == 0.0


def test_it_finds_what_is_open_now() -> None:
    at_noon = search(small_directory(), open_at=MONDAY_NOON)
    at_night = search(small_directory(), open_at=MONDAY_NIGHT)

    assert set(_ids(at_noon)) == {uid("clinic"), uid("line")}
    assert set(_ids(at_night)) == {uid("shelter"), uid("line")}
    assert all(m.hours is Hours.OPEN for m in at_night)
    shelter = next(m for m in at_night if m.service.id == uid("shelter"))
    assert "open now (MO,TU,WE,TH,FR,SA,SU 19:00-07:00)" in shelter.reasons


def test_it_leaves_out_a_service_closed_for_a_holiday() -> None:
    assert uid("shelter") not in _ids(search(small_directory(), open_at=CHRISTMAS_NIGHT))


def test_it_does_not_call_a_service_without_hours_open() -> None:
    directory = small_directory()
    without_hours = type(directory)(**{**directory.__dict__, "schedules": ()})

    assert search(without_hours, open_at=MONDAY_NOON) == []


def test_it_finds_a_language_at_the_service_or_its_location() -> None:
    assert _ids(search(small_directory(), language="es")) == [uid("line")]
    assert _ids(search(small_directory(), language="Somali")) == [uid("shelter")]
    assert search(small_directory(), language="fr") == []


def test_it_matches_every_word_of_the_text() -> None:
    assert _ids(search(small_directory(), text="walk-in clinic")) == [uid("clinic")]
    assert _ids(search(small_directory(), text="northside")) == [uid("shelter")]


def test_it_leaves_out_services_the_person_is_too_young_for() -> None:
    assert uid("clinic") not in _ids(search(small_directory(), age=16))
    assert uid("clinic") in _ids(search(small_directory(), age=18))


def test_it_combines_filters() -> None:
    matches = search(
        small_directory(),
        needs=["housing"],
        near=DOWNTOWN,
        radius_km=10,
        open_at=MONDAY_NIGHT,
        language="so",
    )

    assert _ids(matches) == [uid("shelter")]
    assert len(matches[0].reasons) == 4


def test_it_refuses_an_unknown_need_or_a_radius_without_a_point() -> None:
    with pytest.raises(ValueError, match="unknown needs: jobs"):
        search(small_directory(), needs=["jobs"])
    with pytest.raises(ValueError, match="radius_km"):
        search(small_directory(), radius_km=5)


def test_it_closes_a_service_when_its_building_is_closed() -> None:
    from datetime import date

    from coresponder.referrals.engine import Schedule

    directory = small_directory()
    building_closed = Schedule(
        id=uid("north-closed"), location_id=uid("north"), valid_from=date(2026, 11, 30)
    )
    closed = type(directory)(
        **{**directory.__dict__, "schedules": (*directory.schedules, building_closed)}
    )

    assert uid("shelter") not in _ids(search(closed, open_at=MONDAY_NIGHT))
    assert uid("shelter") in _ids(search(directory, open_at=MONDAY_NIGHT))


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    directories(),
    st.lists(st.sampled_from(sorted(NEEDS)), max_size=3, unique=True),
    st.none() | st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
    st.none() | st.floats(0, 20_000),
    st.none() | st.datetimes(datetime(2020, 1, 1), datetime(2031, 1, 1)),
)
def test_it_only_returns_active_services_within_the_radius(
    directory: Directory,
    needs: list[str],
    near: tuple[float, float] | None,
    radius_km: float | None,
    open_at: datetime | None,
) -> None:
    radius = radius_km if near is not None else None

    matches = search(directory, needs=needs, near=near, radius_km=radius, open_at=open_at)

    for match in matches:
        assert match.service.status == "active"
        assert set(match.needs_met) <= set(needs)
        assert bool(match.needs_met) == bool(needs)
        if radius is not None and match.distance_km is not None:
            assert match.distance_km <= radius or "available remotely" in " ".join(match.reasons)
        if open_at is not None:
            assert match.hours is Hours.OPEN
