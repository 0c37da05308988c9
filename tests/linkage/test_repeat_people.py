"""Repeat calls by person: mentions extracted from calls and case records, linked by the
person-linkage engine; uncertain links wait for review (confirm, reject, unmerge); the
frequent people, the outreach list and its "start outreach"; who may see names."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse

from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.calls.engine.records import PersonRecord, UnitRecord
from coresponder.cases.models import Case, PersonCall
from coresponder.cases.services import person_create
from coresponder.linkage import selectors, services
from coresponder.linkage.engine.person_review import field_evidence, split_name
from coresponder.linkage.models import LinkCandidate, PersonMention
from tests.calls.factories import make_call
from tests.conftest import Personas, sign_in

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
TODAY = date(2026, 6, 30)
# one person, as dispatchers wrote them on six calls
ROBERT = [
    ("SMITHERS, ROBERT", "1980-06-04", "503-555-2301"),
    ("ROBERT SMITHERS", "06/04/1980", "5035552301"),
    ("BOB SMITHERS", "1980-06-04", "503-555-2301"),
    ("SMITHERS, ROBERT", "1980-04-06", "503-555-2301"),
    ("ROBERT SMITHRES", "1980-06-04", "503-555-2301"),
    ("SMITHERS ROBERT", "1980-06-04", "(503) 555-2301"),
]
HOUR = timedelta(hours=1)
PLACEHOLDERS = [("UNKNOWN", "1900-01-01", "999-999-9999"), ("JOHN DOE", "", "")]


def _call_with(personas: Personas, name: str, dob: str, phone: str, days_ago: int) -> None:
    received = NOW - timedelta(days=days_ago)
    make_call(
        personas.agency,
        received_at=received,
        address_raw="1452 HAZEL ST",
        persons=[PersonRecord(role="subject", name=name, date_of_birth=dob, phone=phone)],
        # an hour of one police unit on each call, for the unit-hours
        units=[UnitRecord(unit_id="2A31", dispatched_at=received, cleared_at=received + HOUR)],
    )


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path  # the stored model lives here


@pytest.fixture
def linked(personas: Personas) -> services.PeopleSummary:
    for index, (name, dob, phone) in enumerate(ROBERT):
        _call_with(personas, name, dob, phone, 5 + index * 30)
    for index, (name, dob, phone) in enumerate(PLACEHOLDERS * 3):
        _call_with(personas, name, dob, phone, 3 + index)
    _call_with(personas, "MARIA OKAFOR", "1975-02-11", "503-555-8800", 12)
    return services.link_people(actor=None, agency=personas.agency, today=TODAY)


def _group_of(personas: Personas, name: str) -> set[int]:
    groups = selectors.people_groups(personas.agency.pk)
    first = PersonMention.objects.filter(call_person__name=name).first()
    assert first is not None
    return {pk for pk, g in groups.items() if g == groups[first.pk]}


def test_names_split_and_evidence_per_field() -> None:
    assert split_name("SMITH, ROBERT J") == ("ROBERT J", "SMITH")
    assert split_name("ROBERT SMITH") == ("ROBERT", "SMITH")
    assert split_name("CHER") == ("", "CHER")
    rows = field_evidence(
        {"first_name": "BOB", "last_name": "SMITH", "dob": "1980-06-04", "phone": "999-999-9999"},
        {"first_name": "ROBERT", "last_name": "SMITH", "dob": "1980-04-06", "address": "1 A ST"},
        today=TODAY,
    )
    verdicts = {row["field"]: row["verdict"] for row in rows}
    assert verdicts == {
        "first_name": "close", "last_name": "agree", "dob": "close", "phone": "missing",
        "address": "missing",
    }  # fmt: skip


def test_mentions_from_calls_with_spelling_variants_link(
    personas: Personas, linked: services.PeopleSummary
) -> None:
    assert linked.new_call_mentions == len(ROBERT) + 6 + 1
    robert = _group_of(personas, "SMITHERS, ROBERT")
    names = set(PersonMention.objects.filter(pk__in=robert).values_list("call_person__name"))
    assert len(robert) >= 5, names
    assert ("MARIA OKAFOR",) not in names
    mentions = PersonMention.objects.filter(pk__in=robert)
    assert all(m.model_version.startswith("persons-") for m in mentions)
    run = AuditEvent.objects.filter(action=AuditAction.LINKAGE_RUN).last()
    assert run is not None and run.data["what"] == "people"


def test_placeholders_are_never_linked(personas: Personas, linked: services.PeopleSummary) -> None:
    groups = selectors.people_groups(personas.agency.pk)
    for mention in PersonMention.objects.filter(call_person__name__in=["UNKNOWN", "JOHN DOE"]):
        assert [pk for pk, g in groups.items() if g == groups[mention.pk]] == [mention.pk]
        assert mention.cluster_probability is None
        assert not LinkCandidate.objects.filter(left=mention).exists()
        assert not LinkCandidate.objects.filter(right=mention).exists()


def test_later_runs_link_only_the_new_mentions(
    personas: Personas, linked: services.PeopleSummary
) -> None:
    assert not linked.incremental and services.model_path(personas.agency).exists()
    robert = _group_of(personas, "SMITHERS, ROBERT")
    nothing = services.link_people(actor=None, agency=personas.agency, today=TODAY)
    assert (nothing.new_call_mentions, nothing.scored_mentions) == (0, 0)
    _call_with(personas, "ROBT SMITHERS", "1980-06-04", "503-555-2301", 1)
    again = services.link_people(actor=None, agency=personas.agency, today=TODAY)
    assert again.incremental and again.model_version == linked.model_version
    assert (again.new_call_mentions, again.scored_mentions) == (1, 1)
    assert again.mentions == linked.mentions + 1
    assert _group_of(personas, "ROBT SMITHERS") == robert | {
        PersonMention.objects.get(call_person__name="ROBT SMITHERS").pk
    }
    full = services.link_people(actor=None, agency=personas.agency, today=TODAY, full=True)
    assert not full.incremental and full.scored_mentions == full.mentions


def _case_person(personas: Personas) -> PersonMention:
    person = person_create(
        actor=personas.worker_a, first_name="Robert", last_name="Smithers",
        date_of_birth=date(1980, 6, 4), address="1452 Hazel Street",
    )  # fmt: skip
    services.link_people(actor=None, agency=personas.agency, today=TODAY)
    return PersonMention.objects.get(person=person)


def test_a_case_record_waits_for_review_and_confirming_joins_the_history(
    personas: Personas, linked: services.PeopleSummary
) -> None:
    mention = _case_person(personas)
    candidates = LinkCandidate.objects.filter(right=mention, status="pending")
    assert candidates.exists(), "a call and a case record are never joined without review"
    groups = selectors.people_groups(personas.agency.pk)
    joins = [frozenset((groups[c.left_id], groups[c.right_id])) for c in candidates]
    assert len(joins) == len(set(joins)), "one candidate per two people"
    candidate = candidates.order_by("-match_probability").first()
    assert candidate is not None and candidate.match_probability is not None
    assert candidate.match_probability >= services.REVIEW_THRESHOLD
    assert {row["field"] for row in candidate.evidence} >= {"first_name", "dob", "phone"}
    # the model's own breakdown: the fields' weights and the prior's make the pair's weight
    assert candidate.match_weight is not None
    total = sum(row["weight"] for row in candidate.evidence)
    assert abs(total - candidate.match_weight) < 0.1
    dob = next(row for row in candidate.evidence if row["field"] == "dob")
    assert dob["level"] == "same date" and dob["weight"] > 0
    client = sign_in(Client(), personas.worker_a)
    page = client.get(reverse("linkage:review"))
    assert page.status_code == 200 and "Smithers" in page.content.decode()
    assert PersonCall.objects.filter(person=mention.person).count() == 0
    response = client.post(
        reverse("linkage:decide", args=[candidate.pk]),
        {"decision": "confirm", "reason": "Same date of birth and phone"},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == "confirmed" and candidate.decided_by == personas.worker_a
    robert_calls = PersonCall.objects.filter(person=mention.person).count()
    assert robert_calls >= 5 and len(candidate.added_person_calls) == robert_calls
    assert AuditEvent.objects.filter(action=AuditAction.LINK_CONFIRMED).count() == 1
    # unmerge takes back exactly what confirming added
    client.post(
        reverse("linkage:decide", args=[candidate.pk]),
        {"decision": "unmerge", "reason": "A different Robert, per his worker"},
    )
    candidate.refresh_from_db()
    assert candidate.status == "unmerged"
    assert PersonCall.objects.filter(person=mention.person).count() == 0
    assert AuditEvent.objects.filter(action=AuditAction.PERSONS_UNMERGED).count() == 1
    # a decided pair is not offered again
    services.link_people(actor=None, agency=personas.agency, today=TODAY)
    assert LinkCandidate.objects.filter(pk=candidate.pk, status="unmerged").exists()
    pair = LinkCandidate.objects.filter(left=candidate.left, right=candidate.right)
    assert pair.count() == 1


def test_reject_needs_a_reason_and_is_audited(
    personas: Personas, linked: services.PeopleSummary
) -> None:
    mention = _case_person(personas)
    candidate = LinkCandidate.objects.filter(right=mention, status="pending").first()
    assert candidate is not None
    with pytest.raises(services.LinkDecisionError):
        services.candidate_reject(actor=personas.worker_a, candidate=candidate, reason=" ")
    services.candidate_reject(actor=personas.worker_a, candidate=candidate, reason="Not him")
    assert AuditEvent.objects.filter(action=AuditAction.LINK_REJECTED).count() == 1
    with pytest.raises(services.LinkDecisionError):
        services.candidate_confirm(actor=personas.worker_a, candidate=candidate, reason="x")


def test_a_pair_between_the_thresholds_goes_to_the_queue(personas: Personas) -> None:
    from coresponder.linkage.engine.person_review import sort_pairs

    joined, review = sort_pairs(
        [("1", "2", 0.99), ("2", "3", 0.85), ("3", "4", 0.5), ("5", "6", 0.97)],
        cluster_threshold=0.95,
        review_threshold=0.80,
        may_join_alone=lambda a, b: a != "5",
    )
    assert [p[:2] for p in joined] == [("1", "2")]
    assert [p[:2] for p in review] == [("2", "3"), ("5", "6")]


def test_frequent_people_and_the_outreach_list(
    personas: Personas, linked: services.PeopleSummary
) -> None:
    people = selectors.frequent_people(agency_id=personas.agency.pk, actor=None, now=NOW)
    robert = next(p for p in people if "SMITHERS" in p["name"].upper())
    assert robert["counts"].days_365 >= 5 and robert["on_caseload"] is None
    assert robert["reasons"]
    assert not any("UNKNOWN" in p["name"] for p in people)
    client = sign_in(Client(), personas.worker_a)
    listing = client.get(reverse("linkage:outreach"))
    assert listing.status_code == 200 and "Start outreach" in listing.content.decode()
    one = client.get(reverse("linkage:person") + f"?key={robert['key']}")
    assert one.status_code == 200
    response = client.post(reverse("linkage:outreach_start"), {"key": robert["key"]})
    assert response.status_code == 302
    case = Case.objects.get(source="outreach")
    assert case.status == "open" and case.person.last_name.upper() == "SMITHERS"
    assert PersonCall.objects.filter(person=case.person).count() == robert["counts"].days_365
    assert AuditEvent.objects.filter(action=AuditAction.OUTREACH_STARTED).count() == 1
    after = selectors.frequent_people(
        agency_id=personas.agency.pk, actor=None, outreach=True, now=NOW
    )
    assert not any("SMITHERS" in p["name"].upper() for p in after)
    everyone = selectors.frequent_people(agency_id=personas.agency.pk, actor=None, now=NOW)
    assert next(p for p in everyone if p["key"] == robert["key"])["on_caseload"] is not None


def test_who_may_see_people(personas: Personas, linked: services.PeopleSummary) -> None:
    for user in (personas.worker_a, personas.supervisor):
        client = sign_in(Client(), user)
        for name in ("linkage:people", "linkage:outreach", "linkage:review"):
            assert client.get(reverse(name)).status_code == 200, (user, name)
    for user in (personas.officer, personas.analyst, personas.dispatcher):
        client = sign_in(Client(), user)
        for name in ("linkage:people", "linkage:outreach", "linkage:review"):
            assert client.get(reverse(name)).status_code == 403, (user, name)
        assert client.get(reverse("linkage:person") + "?key=1").status_code == 404


def _robert(personas: Personas) -> dict[str, Any]:
    people = selectors.frequent_people(agency_id=personas.agency.pk, actor=None, now=NOW)
    return next(p for p in people if "SMITHERS" in p["name"].upper())


def test_a_person_has_windows_police_hours_and_calls_per_month(
    personas: Personas, linked: services.PeopleSummary
) -> None:
    robert = _robert(personas)
    year = robert["counts"].days_365
    assert robert["police_unit_hours"] == pytest.approx(year * 1.0)
    history = selectors.person_history(user=personas.worker_a, key=robert["key"], now=NOW)
    assert history.counts.days_365 == year and history.reasons
    assert history.police_unit_hours == pytest.approx(year * 1.0)
    assert sum(calls for _, calls, _ in history.months) == year
    page = sign_in(Client(), personas.worker_a).get(
        reverse("linkage:person") + f"?key={robert['key']}"
    )
    text = page.content.decode()
    assert "Police unit-hours" in text and "Calls per month" in text and "Frequent:" in text


def test_the_trend_of_people(personas: Personas, linked: services.PeopleSummary) -> None:
    year = _robert(personas)["counts"].days_365
    months = selectors.people_trend(user=personas.supervisor, months=3, now=NOW)
    assert len(months) == 3 and months[-1].month_end == NOW
    assert months[-1].frequent_people == 1  # Robert; the placeholders are never one person
    assert months[-1].calls_with_frequent_people == year
    assert months[-1].calls == len(ROBERT) + len(PLACEHOLDERS) * 3 + 1
    # four months earlier, Robert had only the calls made before then
    assert months[0].calls_with_frequent_people < year
    page = sign_in(Client(), personas.supervisor).get(reverse("linkage:trend")).content.decode()
    assert "naming a frequent person" in page


def test_the_command_line_lists_people(personas: Personas, linked: services.PeopleSummary) -> None:
    from click.testing import CliRunner

    from coresponder.cli import main

    both = CliRunner().invoke(main, ["repeat-callers", "--agency", "testville"])
    assert both.exit_code == 0, both.output
    assert "Places with" in both.output and "SMITHERS" in both.output.upper()
    people = CliRunner().invoke(
        main, ["repeat-callers", "--agency", "testville", "--of", "people", "--format", "json"]
    )
    listed = json.loads(people.output)
    assert list(listed) == ["people"]
    robert = next(p for p in listed["people"] if "SMITHERS" in p["name"].upper())
    assert robert["police_unit_hours"] >= 5 and robert["on_caseload"] is False
    assert AuditEvent.objects.filter(action=AuditAction.REPEAT_PEOPLE_LISTED).exists()
    later = CliRunner().invoke(
        main, ["repeat-callers", "--agency", "testville", "--of", "people", "--since", "2030-01-01"]
    )
    assert "People with" in later.output and "SMITHERS" not in later.output.upper()


def test_the_menu_leads_to_the_people_for_those_who_may_see_names(
    personas: Personas, linked: services.PeopleSummary
) -> None:
    worker = sign_in(Client(), personas.worker_a).get(reverse("core:home")).content.decode()
    assert "Frequent people" in worker
    officer = sign_in(Client(), personas.officer).get(reverse("core:home")).content.decode()
    assert "Frequent people" not in officer


def test_only_corroborated_pairs_join_without_review() -> None:
    """A nickname at the same place, with nothing else, never joins two people on its own:
    the date of birth, the phone, or both names exactly must agree."""
    from coresponder.linkage.engine.person_review import ScoredPairs

    def levels(exact: float, other: float) -> list[tuple[str, float | None]]:
        return [("missing", None), ("exact", exact), ("close", other)]

    scored = pd.DataFrame(
        {
            "unique_id_l": ["1", "2", "3", "4"],
            "unique_id_r": ["9", "9", "9", "9"],
            "bf_first_name": [60.0, 8.0, 8.0, 8.0],  # exact, then a nickname
            "bf_last_name": [60.0, 60.0, 60.0, 60.0],
            "bf_dob": [1.0, 1.0, 700.0, 1.0],  # missing, missing, the same date, missing
            "bf_phone": [1.0, 1.0, 1.0, 2000.0],
        }
    )
    pairs = ScoredPairs(
        pairs=scored[["unique_id_l", "unique_id_r"]], scored=scored,
        levels={"first_name": levels(60.0, 8.0), "last_name": levels(60.0, 2.0),
                "dob": levels(700.0, 0.01), "phone": levels(2000.0, 1e-9)},
        model_version="m", model_source="given", prior_weight=-10.0,
    )  # fmt: skip
    assert pairs.corroborated() == {("1", "9"), ("3", "9"), ("4", "9")}


def test_two_namesakes_with_different_dates_of_birth_are_never_one_person() -> None:
    """A mention with no date of birth matches two namesakes equally well: the strongest pair
    joins, the join that would put two dates of birth in one group waits for a person."""
    from coresponder.linkage.engine.person_review import constrained_components, dates_close

    assert dates_close("1980-06-04", "1980-04-06") and dates_close("1980-06-04", "1980-06-05")
    assert not dates_close("1980-06-04", "1991-09-22")
    dates = {"a": {"1964-03-08"}, "b": {"1991-09-22"}, "c": {"1964-03-08"}}
    pairs = [("a", "x", 0.99), ("b", "x", 0.98), ("a", "c", 0.97)]
    groups, refused = constrained_components(["a", "b", "c", "x"], pairs, dates)
    assert groups == {"a": "a", "x": "a", "c": "a", "b": "b"}
    assert refused == [("b", "x", 0.98)]


def test_a_mention_the_model_grouped_wrongly_is_split_off_and_back(
    personas: Personas, linked: services.PeopleSummary
) -> None:
    robert = _group_of(personas, "SMITHERS, ROBERT")
    key = min(robert)
    odd = PersonMention.objects.get(call_person__name="ROBERT SMITHRES")
    assert odd.pk in robert and odd.pk != key
    client = sign_in(Client(), personas.worker_a)
    page = client.get(reverse("linkage:person") + f"?key={key}").content.decode()
    assert "Split the ticked mentions off" in page
    for bad in ([], [key, *sorted(robert - {key})], [999_999]):
        with pytest.raises(services.LinkDecisionError):
            services.mentions_split(actor=personas.worker_a, key=key, mention_ids=bad, reason="x")
    response = client.post(
        reverse("linkage:split"), {"key": key, "mention": [odd.pk], "reason": "Another Robert"}
    )
    assert response.status_code == 302
    odd.refresh_from_db()
    assert odd.kept_apart and _group_of(personas, "ROBERT SMITHRES") == {odd.pk}
    assert _group_of(personas, "SMITHERS, ROBERT") == robert - {odd.pk}
    split = LinkCandidate.objects.get(split=True)
    assert split.status == "rejected" and split.reason == "Another Robert"
    alone = client.get(reverse("linkage:person") + f"?key={odd.pk}").content.decode()
    assert "Undo the split" in alone and "Split the ticked mentions off" not in alone
    queue = client.get(reverse("linkage:review") + "?status=rejected").content.decode()
    assert "Split off the model" in queue and f"key={odd.pk}" in queue
    assert AuditEvent.objects.filter(action=AuditAction.PERSON_SPLIT).count() == 1
    # a full run trains and groups again: the split stays, and is not offered for review
    services.link_people(actor=None, agency=personas.agency, today=TODAY, full=True)
    assert _group_of(personas, "ROBERT SMITHRES") == {odd.pk}
    assert not LinkCandidate.objects.filter(status="pending", left=odd).exists()
    assert not LinkCandidate.objects.filter(status="pending", right=odd).exists()
    # and undone from the person's page
    undo = client.post(
        reverse("linkage:decide", args=[split.pk]),
        {"decision": "undo_split", "reason": "Same Robert after all",
         "next": reverse("linkage:person") + f"?key={key}"},
    )  # fmt: skip
    assert undo.status_code == 302 and undo["Location"].startswith(reverse("linkage:person"))
    odd.refresh_from_db()
    assert not odd.kept_apart and odd.pk in _group_of(personas, "SMITHERS, ROBERT")
    assert AuditEvent.objects.filter(action=AuditAction.PERSON_SPLIT_UNDONE).count() == 1
    officer = sign_in(Client(), personas.officer)
    assert officer.post(reverse("linkage:split"), {"key": key}).status_code == 404
