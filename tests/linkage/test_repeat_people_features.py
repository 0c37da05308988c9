"""``coresponder link run`` keeps each mention's cleaned features beside it: written when the
mention is first linked, read back by later runs instead of cleaning every mention again,
emptied when a case record changes and cleaned again at the next run that scores; a full run
writes them afresh."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from coresponder.calls.engine.records import PersonRecord
from coresponder.cases.services import person_create, person_update
from coresponder.linkage import selectors, services
from coresponder.linkage.engine import person_cleaning
from coresponder.linkage.engine.person_cleaning import FEATURES_VERSION, features_current
from coresponder.linkage.models import LinkCandidate, PersonMention
from tests.calls.factories import make_call
from tests.conftest import Personas

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
TODAY = date(2026, 6, 30)
ROBERT = [
    ("SMITHERS, ROBERT", "1980-06-04", "503-555-2301"),
    ("ROBERT SMITHERS", "06/04/1980", "5035552301"),
    ("BOB SMITHERS", "1980-06-04", "503-555-2301"),
    ("SMITHERS ROBERT", "1980-06-04", "(503) 555-2301"),
    ("MARIA OKAFOR", "1975-02-11", "503-555-8800"),
    ("UNKNOWN", "1900-01-01", "999-999-9999"),
]


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def _call(personas: Personas, name: str, dob: str, phone: str, days_ago: int) -> None:
    make_call(
        personas.agency,
        received_at=NOW - timedelta(days=days_ago),
        address_raw="1452 HAZEL ST",
        persons=[PersonRecord(role="subject", name=name, date_of_birth=dob, phone=phone)],
    )


@pytest.fixture
def linked(personas: Personas) -> services.PeopleSummary:
    for index, (name, dob, phone) in enumerate(ROBERT):
        _call(personas, name, dob, phone, 5 + index * 30)
    return services.link_people(actor=None, agency=personas.agency, today=TODAY)


def _cleaned_rows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many mentions each call of ``clean_mentions`` cleans, from now on."""
    calls: list[int] = []
    real = person_cleaning.clean_mentions

    def spy(frame: Any, **options: Any) -> Any:
        calls.append(len(frame))
        return real(frame, **options)

    monkeypatch.setattr(person_cleaning, "clean_mentions", spy)
    return calls


def _groups(personas: Personas) -> dict[int, int]:
    return selectors.people_groups(personas.agency.pk)


def test_it_stores_the_features_when_a_mention_is_first_linked(
    personas: Personas, linked: services.PeopleSummary
) -> None:
    mentions = PersonMention.objects.filter(agency=personas.agency)
    assert mentions.count() == len(ROBERT)
    assert all(features_current(m.features) for m in mentions)
    unknown = mentions.get(call_person__name="UNKNOWN")
    assert unknown.features.startswith(f"{FEATURES_VERSION}|0|")  # kept, never linked
    bob = mentions.get(call_person__name="BOB SMITHERS")
    assert bob.features.startswith(f"{FEATURES_VERSION}|1|bob|smithers|bob,robert|")


def test_later_runs_clean_only_the_new_mentions(
    personas: Personas, linked: services.PeopleSummary, monkeypatch: pytest.MonkeyPatch
) -> None:
    robert = {pk for pk, g in _groups(personas).items() if g == min(_groups(personas))}
    cleaned = _cleaned_rows(monkeypatch)
    _call(personas, "ROBT SMITHERS", "1980-06-04", "503-555-2301", 1)
    _call(personas, "MARIA OKAFOR", "02/11/1975", "", 2)
    again = services.link_people(actor=None, agency=personas.agency, today=TODAY)
    assert again.incremental and again.scored_mentions == 2
    assert cleaned == [2], "the existing mentions are read as stored, not cleaned again"
    assert any(stage.startswith("read existing features") for stage in again.as_dict()["stages"])
    groups = _groups(personas)
    new_robert = PersonMention.objects.get(call_person__name="ROBT SMITHERS")
    assert new_robert.pk in {pk for pk, g in groups.items() if g == groups[min(robert)]}
    assert features_current(new_robert.features)


def test_mentions_without_current_features_are_cleaned_again_and_link_the_same(
    personas: Personas, linked: services.PeopleSummary, monkeypatch: pytest.MonkeyPatch
) -> None:
    mentions = PersonMention.objects.filter(agency=personas.agency)
    # features of an older format, or none (written before features were kept)
    mentions.filter(call_person__name="ROBERT SMITHERS").update(features="p0|1|robert")
    mentions.exclude(call_person__name="ROBERT SMITHERS").update(features="")
    cleaned = _cleaned_rows(monkeypatch)
    _call(personas, "ROBT SMITHERS", "1980-06-04", "503-555-2301", 1)
    again = services.link_people(actor=None, agency=personas.agency, today=TODAY)
    assert cleaned == [len(ROBERT), 1]  # the existing ones, once, then the new one
    assert all(features_current(m.features) for m in mentions.all())
    groups = _groups(personas)
    robert = PersonMention.objects.get(call_person__name="ROBERT SMITHERS").pk
    new_robert = PersonMention.objects.get(call_person__name="ROBT SMITHERS").pk
    assert groups[new_robert] == groups[robert] and again.scored_mentions == 1
    cleaned.clear()
    services.link_people(actor=None, agency=personas.agency, today=TODAY)
    assert cleaned == []  # nothing new, nothing stale


def test_a_changed_case_record_is_cleaned_again(
    personas: Personas, linked: services.PeopleSummary, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = person_create(
        actor=personas.worker_a, first_name="Robert", last_name="Smithers",
        date_of_birth=date(1980, 6, 4), address="1452 Hazel Street",
    )  # fmt: skip
    services.link_people(actor=None, agency=personas.agency, today=TODAY)
    mention = PersonMention.objects.get(person=person)
    assert features_current(mention.features)
    assert LinkCandidate.objects.filter(right=mention, status="pending").exists()
    cleaned = _cleaned_rows(monkeypatch)
    services.link_people(actor=None, agency=personas.agency, today=TODAY)
    assert cleaned == [], "an unchanged case record is neither rewritten nor cleaned"
    person_update(
        actor=personas.worker_a, person=person, expected_version=person.version,
        first_name="Bobby",
    )  # fmt: skip
    services.link_people(actor=None, agency=personas.agency, today=TODAY)
    mention.refresh_from_db()
    assert mention.first_name == "Bobby" and mention.features == ""
    assert cleaned == [], "nothing new to score: cleaned when next needed"
    _call(personas, "ROBT SMITHERS", "1980-06-04", "503-555-2301", 1)
    services.link_people(actor=None, agency=personas.agency, today=TODAY)
    mention.refresh_from_db()
    assert cleaned == [1, 1]  # the changed record, then the new call's mention
    assert mention.features.startswith(f"{FEATURES_VERSION}|1|bobby|smithers|")


def test_a_full_run_writes_every_mention_s_features_afresh(
    personas: Personas, linked: services.PeopleSummary
) -> None:
    PersonMention.objects.filter(agency=personas.agency).update(features="")
    full = services.link_people(actor=None, agency=personas.agency, today=TODAY, full=True)
    assert not full.incremental
    mentions = PersonMention.objects.filter(agency=personas.agency)
    assert all(features_current(m.features) for m in mentions)
