"""The demo city's case records: made through the services, for the people of its
behavioural-health calls after the program began."""

from __future__ import annotations

from pathlib import Path

from coresponder.accounts.models import Agency
from coresponder.calls.demo import load_synthetic_calls
from coresponder.cases.demo import load_demo_cases
from coresponder.cases.models import Case, Encounter, PersonCall, Task
from coresponder.demo import load_demo


def test_the_demo_adds_cases_encounters_notes_and_follow_ups(db: None, tmp_path: Path) -> None:
    load_demo()
    agency = Agency.objects.get(slug="riverside")
    load_synthetic_calls(agency, calls=4_000, seed=3, data_dir=tmp_path)
    made = load_demo_cases(agency, people=20, seed=3)
    assert made.cases == made.people > 0
    assert made.encounters >= made.cases and made.notes == 2 * made.cases
    assert Case.objects.filter(source_call__isnull=False).count() == made.cases
    assert PersonCall.objects.count() >= made.encounters
    on_calls = Encounter.objects.filter(call__isnull=False)
    assert set(on_calls.values_list("kind", flat=True)) <= {"crisis", "co_response"}
    # the follow-up contacts the outcome metrics count: by phone or a visit, after the crisis
    follow_ups = Encounter.objects.filter(call__isnull=True)
    assert follow_ups.exists() and on_calls.count() + follow_ups.count() == made.encounters
    assert set(follow_ups.values_list("kind", flat=True)) <= {"phone", "follow_up"}
    for follow_up in follow_ups:
        assert on_calls.filter(case=follow_up.case, started_at__lt=follow_up.started_at).exists()
    assert Task.objects.filter(status=Task.Status.DONE).exists()
    assert load_demo_cases(agency, people=20, seed=3) == made  # a second run adds nothing
