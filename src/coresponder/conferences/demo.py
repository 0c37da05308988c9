"""The demo city's meetings and outreach: this week's case conference (its agenda drawn from
the demo records), outreach events and education sessions over the last months, and two
standing partnerships. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from coresponder.accounts.models import Agency, User
from coresponder.conferences import services
from coresponder.conferences.models import Conference, OutreachEvent, Partnership

EVENTS = (
    ("camp", "5th Ave bridge encampment", 14, "14 hygiene kits, 6 bus passes", 3, ""),
    ("street", "Riverside Transit Center", 22, "Water, socks, 988 cards", 4, ""),
    ("education", "Eastside Library", 35, "", 0, "neighbourhood association"),
    ("camp", "Mill Pond Park", 9, "Tents repaired, 9 meals", 2, ""),
    ("education", "Riverside High School", 120, "", 0, "parents and staff"),
    ("event", "Riverside community resource fair", 60, "Benefits sign-up help", 5, ""),
)


def load_demo_conferences(agency: Agency) -> int:
    supervisor = User.objects.filter(agency=agency, username="supervisor").first()
    worker = User.objects.filter(agency=agency, username="worker").first()
    if supervisor is None or worker is None:
        return 0
    if not Conference.objects.filter(agency=agency).exists():
        services.conference_create(actor=supervisor, kind="case", held_on=timezone.localdate())
    if not OutreachEvent.objects.filter(agency=agency).exists():
        now = timezone.now()
        for index, (kind, place, people, given, follow_ups, audience) in enumerate(EVENTS):
            services.outreach_record(
                actor=worker, kind=kind, place=place, people_reached=people,
                started_at=now - timedelta(days=12 * (index + 1)), resources_given=given,
                follow_ups=follow_ups, audience=audience,
            )  # fmt: skip
    if not Partnership.objects.filter(agency=agency).exists():
        today = timezone.localdate()
        services.partnership_save(
            actor=supervisor, partner="Riverside Rescue Mission", started_on=today.replace(day=1),
            review_on=today + timedelta(days=180),
            agreement="Two beds held for the crisis team until 22:00; staff meet the team.",
        )  # fmt: skip
        services.partnership_save(
            actor=supervisor, partner="Riverside Behavioral Health",
            started_on=today.replace(day=1), review_on=today + timedelta(days=365),
            agreement="Same-day appointments for people the team refers; a warm line.",
        )  # fmt: skip
    return Conference.objects.filter(agency=agency).count()
