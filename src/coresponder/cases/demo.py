"""Case records for the demo city: the people named on its behavioural-health calls after the
program started, each with a case, encounters on their calls, notes, follow-ups (most done,
a few due today), an assessment for some and a safety plan for those at high risk.

Everything goes through the services, as a social worker's work would. Nothing in it is real.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone

from coresponder.accounts.models import Agency, User
from coresponder.calls.models import Call, CallPerson
from coresponder.cases import services
from coresponder.cases.engine.assessments import Instrument
from coresponder.cases.instruments import instruments
from coresponder.cases.models import Case, Encounter, Note, PersonCall, Risk, Task

WORKERS = ("worker", "worker2")
OUTCOMES = [
    (Encounter.Outcome.RESOLVED, 40), (Encounter.Outcome.REFERRAL, 20),
    (Encounter.Outcome.VOLUNTARY_TRANSPORT, 10), (Encounter.Outcome.SHELTER, 8),
    (Encounter.Outcome.DETOX, 5), (Encounter.Outcome.EMERGENCY_DEPARTMENT, 6),
    (Encounter.Outcome.DECLINED, 7), (Encounter.Outcome.NOT_FOUND, 3),
    (Encounter.Outcome.INVOLUNTARY_HOLD, 1),
]  # fmt: skip
NOTES = (
    "Met {name} at the scene with the responding officer. Calm once the officer stepped back; "
    "talked about sleep and money worries. Agreed to a visit this week.",
    "Phoned {name}: reached on the second try. Has been to the clinic intake. Wants help with "
    "the benefits appointment.",
    "Handoff: {name} was seen tonight; said they would stay with a friend. Please check in "
    "tomorrow morning by phone.",
    "Visited {name} at the usual spot. Gave a bus pass and the food bank hours.",
)


@dataclass(frozen=True)
class DemoCases:
    people: int
    cases: int
    encounters: int
    notes: int
    tasks_open: int


def load_demo_cases(
    agency: Agency, *, people: int = 150, seed: int = 1, program_start: date = date(2025, 7, 1)
) -> DemoCases:
    """Idempotent: an agency that already has cases is left as it is."""
    if not Case.objects.filter(agency=agency).exists():
        rng = random.Random(seed)
        workers = list(
            User.objects.filter(agency=agency, username__in=WORKERS).order_by("username")
        )
        if workers:
            start = datetime.combine(program_start, datetime.min.time(), tzinfo=UTC)
            for index, row in enumerate(_frequent_subjects(agency, start, people)):
                _one_person(rng, workers[index % len(workers)], row, start)
    return _counts(agency)


def _frequent_subjects(agency: Agency, start: datetime, limit: int) -> list[dict[str, Any]]:
    """The people named on behavioural-health calls since the program began, most calls first."""
    rows = (
        CallPerson.objects.filter(
            call__agency=agency,
            call__received_at__gte=start,
            call__triage__behavioural_health=True,
            role="subject",
        )
        .exclude(name="")
        .values("name", "date_of_birth")
        .annotate(calls=Count("id"))
        .order_by("-calls", "name")[:limit]
    )
    return [dict(row) for row in rows]


def _one_person(rng: random.Random, worker: User, row: dict[str, Any], start: datetime) -> None:
    last, _, first = row["name"].partition(",")
    born = _date(row["date_of_birth"])
    person = services.person_create(
        actor=worker,
        first_name=first.strip().title(),
        last_name=last.strip().title(),
        date_of_birth=born,
        housing=rng.choice(["housed", "housed", "sheltered", "unsheltered", "vehicle"]),
        language=rng.choice(["English"] * 8 + ["Spanish", "Vietnamese"]),
    )
    calls = list(
        Call.objects.filter(
            persons__name=row["name"], persons__date_of_birth=row["date_of_birth"]
        ).order_by("received_at")[:40]
    )
    PersonCall.objects.bulk_create(
        [PersonCall(person=person, call=call, role="subject") for call in calls],
        ignore_conflicts=True,
    )
    after = [call for call in calls if call.received_at >= start] or calls[-1:]
    case = services.case_open(
        actor=worker,
        person=person,
        source=Case.Source.CALL,
        source_call=after[0],
        needs=rng.sample(["mental_health", "housing", "substance_use", "income_benefits"], 2),
        risk_level=rng.choice([Risk.LOW, Risk.MODERATE, Risk.MODERATE, Risk.HIGH]),
    )
    for call in after[:3]:
        _encounter(rng, worker, case, call)
    for template in rng.sample(NOTES, 2):
        services.note_write(
            actor=worker,
            case=case,
            body=template.format(name=person.first_name or person.display_name),
            sensitivity=rng.choice(["general", "behavioural_health"]),
            kind="handoff" if template.startswith("Handoff") else "note",
        )
    _close_follow_ups(rng, worker, case)
    _assessment(rng, worker, case)
    if case.risk_level in (Risk.HIGH, Risk.IMMINENT):
        services.safety_plan_save(
            actor=worker,
            case=case,
            expected_version=None,
            warning_signs="Stops answering the phone; talks about being a burden.",
            coping_strategies="Walks by the river; music; calling their sister.",
            contacts="988 Suicide and Crisis Lifeline; the on-call social worker.",
            means_safety="Medication kept by their sister; no firearms at home.",
        )


def _encounter(rng: random.Random, worker: User, case: Case, call: Call) -> None:
    started = call.on_scene_at or call.received_at
    decision = getattr(call, "triage", None)
    kind = (
        Encounter.Kind.CO_RESPONSE
        if decision and decision.mode == "co_response"
        else (Encounter.Kind.CRISIS)
    )
    outcome = rng.choices([o for o, _ in OUTCOMES], weights=[w for _, w in OUTCOMES])[0]
    backup = rng.random() < 0.05
    services.encounter_record(
        actor=worker,
        case=case,
        call=call,
        kind=kind,
        started_at=started,
        ended_at=started + timedelta(minutes=rng.randint(25, 90)),
        outcome=outcome,
        police_backup=backup,
        police_backup_reason="Person became agitated near traffic." if backup else "",
        summary="Talked through what happened; agreed next steps.",
    )


# What became of the follow-up after a crisis contact: reached by phone or on a visit,
# declined, not reached, or not tried before the task was closed. People differ: about two in
# five take up follow-up, the rest rarely do (published engagement in follow-up care is about
# a third of the people served, SF SCRT). Most attempts are made within the 48 hours.
FOLLOW_UPS = ("reached_phone", "reached_visit", "declined", "not_reached", "not_tried")
FOLLOW_UP_WEIGHTS = {True: (40, 20, 5, 15, 20), False: (3, 2, 15, 40, 40)}  # takes it up?


def _close_follow_ups(rng: random.Random, worker: User, case: Case) -> None:
    """Each crisis contact's follow-up task: the contact made (a follow-up encounter, most
    within 48 hours) or not, then the task closed; a few people need a call today."""
    weights = FOLLOW_UP_WEIGHTS[rng.random() < 0.4]
    for task in Task.objects.filter(case=case, status=Task.Status.OPEN).select_related("encounter"):
        what = rng.choices(FOLLOW_UPS, weights=weights)[0]
        outcome = "Closed without a contact."
        if what != "not_tried" and task.encounter is not None:
            outcome = _follow_up_contact(rng, worker, case, task.encounter.started_at, what)
        services.task_complete(
            actor=worker, task=task, expected_version=task.version, outcome=outcome
        )
    if rng.random() < 0.3:
        services.task_create(
            actor=worker,
            case=case,
            title="Check in by phone",
            due_at=timezone.now() + timedelta(hours=rng.randint(-20, 8)),
        )


def _follow_up_contact(
    rng: random.Random, worker: User, case: Case, after: datetime, what: str
) -> str:
    """Record the follow-up contact (``what``) some hours after the crisis contact; the
    task's outcome in words."""
    hours = rng.uniform(3, 44) if rng.random() < 0.8 else rng.uniform(48, 120)
    started = after + timedelta(hours=hours)
    if started > timezone.now():
        return "Closed without a contact."
    kind = Encounter.Kind.FOLLOW_UP if what == "reached_visit" else Encounter.Kind.PHONE
    outcome, words = {
        "reached_phone": (Encounter.Outcome.RESOLVED, "Reached by phone."),
        "reached_visit": (Encounter.Outcome.REFERRAL, "Visited; doing better."),
        "declined": (Encounter.Outcome.DECLINED, "Reached; did not want more help."),
        "not_reached": (Encounter.Outcome.NOT_FOUND, "No answer twice."),
    }[what]
    services.encounter_record(
        actor=worker, case=case, kind=kind, started_at=started,
        ended_at=started + timedelta(minutes=rng.randint(10, 45)), outcome=outcome,
        summary=words,
    )  # fmt: skip
    return words


def _assessment(rng: random.Random, worker: User, case: Case) -> None:
    available = instruments()
    if rng.random() < 0.4 and available:
        instrument = available[sorted(available)[0]]
        services.assessment_complete(
            actor=worker,
            case=case,
            instrument=instrument.code,
            answers=_plausible_answers(rng, instrument),
        )


def _plausible_answers(rng: random.Random, instrument: Instrument) -> dict[str, Any]:
    """An answer to every question, of the right type (hidden ones are ignored by scoring)."""
    answers: dict[str, Any] = {}
    for question in instrument.questions:
        if question.type == "yes_no":
            answers[question.id] = rng.random() < 0.3
        elif question.type == "choice" and question.options:
            answers[question.id] = rng.choice(question.options).value
        elif question.type in ("scale", "number"):
            low = int(question.min if question.min is not None else 0)
            high = int(question.max if question.max is not None else low + 4)
            answers[question.id] = rng.randint(low, high)
        elif question.type == "date":
            answers[question.id] = timezone.localdate().isoformat()
        else:
            answers[question.id] = "Talked it through."
    return answers


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _counts(agency: Agency) -> DemoCases:
    cases = Case.objects.filter(agency=agency)
    return DemoCases(
        people=cases.values("person").distinct().count(),
        cases=cases.count(),
        encounters=Encounter.objects.filter(case__agency=agency).count(),
        notes=Note.objects.filter(agency=agency).count(),
        tasks_open=Task.objects.filter(agency=agency, status=Task.Status.OPEN).count(),
    )
