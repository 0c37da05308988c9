"""The demo agency's officer training: a roster of 120 officers over three shifts and four
districts, the usual courses, three years of sessions and attendance, so coverage is partial
(nights and the East district lag) and some certificates expire within the reminder window.
Idempotent: a second run changes nothing once sessions exist."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from coresponder.accounts.models import Agency, User
from coresponder.training import services
from coresponder.training.models import Course, Officer, Session

SHIFTS = ("days", "evenings", "nights")
DISTRICTS = ("North", "South", "East", "Central")
FIRST = (
    "Alex",
    "Jordan",
    "Sam",
    "Chris",
    "Taylor",
    "Morgan",
    "Casey",
    "Riley",
    "Jamie",
    "Drew",
    "Avery",
    "Quinn",
    "Reese",
    "Cameron",
    "Dakota",
    "Hayden",
    "Kendall",
    "Parker",
)
LAST = (
    "Garcia",
    "Nguyen",
    "Smith",
    "Okafor",
    "Kowalski",
    "Haddad",
    "Silva",
    "Johnson",
    "Lee",
    "Brown",
    "Martinez",
    "Novak",
    "Patel",
    "Schmidt",
    "Williams",
    "Dubois",
    "Tanaka",
    "Ortiz",
)
COURSES = (
    ("CIT40", "Crisis intervention team", Course.Kind.CIT, 40, 36),
    ("DESC", "De-escalation", Course.Kind.DE_ESCALATION, 8, 24),
    ("CCOUNS", "Crisis counselling for officers", Course.Kind.CRISIS_COUNSELLING, 16, None),
    ("MHFA", "Mental-health first aid", Course.Kind.MENTAL_HEALTH_FIRST_AID, 8, 36),
)  # fmt: skip
# (course code, months ago, place, trainer, share of the roster invited)
SESSIONS = (
    ("CIT40", 40, "Training academy", "Lt. R. Moreno and the crisis team", 0.30),
    ("CIT40", 35, "Training academy", "Lt. R. Moreno and the crisis team", 0.14),
    ("CIT40", 34, "North station", "Lt. R. Moreno and the crisis team", 0.10),
    ("CIT40", 22, "Training academy", "Sgt. K. Obi and the crisis team", 0.25),
    ("CIT40", 9, "South station", "Sgt. K. Obi and the crisis team", 0.25),
    ("CIT-R", 4, "Training academy", "Sgt. K. Obi", 0.35),
    ("DESC", 23, "Central station", "Officer P. Lindqvist", 0.30),
    ("DESC", 6, "Central station", "Officer P. Lindqvist", 0.25),
    ("CCOUNS", 14, "Riverside Community College", "The program's social workers", 0.18),
    ("MHFA", 30, "Public library", "County behavioural-health trainers", 0.20),
    ("MHFA", 2, "Public library", "County behavioural-health trainers", 0.15),
)  # fmt: skip
# Chance an officer of this shift / district is sent on a course: nights and East lag.
SHIFT_WEIGHT = {"days": 1.2, "evenings": 1.0, "nights": 0.6}
DISTRICT_WEIGHT = {"North": 1.1, "South": 1.0, "East": 0.6, "Central": 1.2}


@dataclass(frozen=True)
class DemoTraining:
    officers: int
    courses: int
    sessions: int
    attendance: int


def _months_ago(today: date, months: int) -> date:
    return services.add_months(today, -months)


def load_demo_training(agency: Agency, seed: int = 1, officers: int = 120) -> DemoTraining:
    rng = random.Random(seed)
    demo_officer = User.objects.filter(agency=agency, username="officer").first()
    roster: list[Officer] = []
    for index in range(officers):
        roster.append(
            services.officer_save(
                actor=None,
                agency=agency,
                badge=f"{4100 + index}",
                name=f"{FIRST[index % len(FIRST)]} {LAST[(index * 7) % len(LAST)]}",
                shift=SHIFTS[index % 3],
                district=DISTRICTS[(index // 3) % 4],
                active=index % 29 != 28,  # a few have left
                user=demo_officer if index == 0 else None,
            )
        )
    courses = {}
    for code, title, kind, hours, months in COURSES:
        courses[code] = services.course_save(
            actor=None, agency=agency, code=code, title=title, kind=kind, hours=hours,
            validity_months=months,
        )  # fmt: skip
    courses["CIT-R"] = services.course_save(
        actor=None, agency=agency, code="CIT-R", title="Crisis intervention refresher",
        kind=Course.Kind.REFRESHER, hours=8, validity_months=36, renews=courses["CIT40"],
    )  # fmt: skip
    if Session.objects.filter(agency=agency).exists():
        return DemoTraining(len(roster), len(courses), 0, 0)
    today = timezone.localdate()
    trained_cit: set[int] = set()
    sessions = attended = 0
    for code, months, place, trainer, share in SESSIONS:
        session = services.session_save(
            actor=None, course=courses[code], day=_months_ago(today, months) - timedelta(days=3),
            place=place, trainer=trainer,
        )  # fmt: skip
        sessions += 1
        course = courses[code]
        for officer in roster:
            if code == "CIT40" and officer.pk in trained_cit:
                continue
            if code == "CIT-R" and officer.pk not in trained_cit:
                continue
            chance = share * SHIFT_WEIGHT[officer.shift] * DISTRICT_WEIGHT[officer.district]
            if officer.user_id is not None and code in ("CIT40", "DESC"):
                chance = 1.0  # the demo officer has a record to look at
            if rng.random() >= chance:
                continue
            completed = rng.random() < 0.93
            full = float(course.hours)
            spent = full if completed else float(rng.choice((4, 8, 16))) if full > 8 else 4.0
            services.attendance_record(
                actor=None, session=session, officer=officer, hours=spent, completed=completed
            )
            attended += 1
            if code == "CIT40" and completed:
                trained_cit.add(officer.pk)
    return DemoTraining(len(roster), len(courses), sessions, attended)
