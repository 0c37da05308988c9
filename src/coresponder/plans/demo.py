"""The demo city's response plans and premise notes: plans for some of the people the demo
cases follow (written by their worker, approved by the supervisor of team North, who writes
none), and premise notes at some of the places that call most. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from coresponder.accounts.models import Agency, User
from coresponder.cases.models import Case, PersonCall
from coresponder.linkage.models import CallLocation
from coresponder.plans import services
from coresponder.plans.models import PremiseNote, ResponsePlan

PLANS = (
    {"safety_concerns": "May walk into traffic when frightened.",
     "triggers": "Sirens, several officers approaching at once.",
     "what_helps": "One officer, calm voice; let him sit down; offer water.",
     "de_escalation": "Give time to answer; do not touch without saying so first."},
    {"safety_concerns": "Carries a walking stick; has swung it when cornered.",
     "triggers": "Being blocked in a doorway.",
     "what_helps": "Leave an open way out; talk about her cat.",
     "de_escalation": "Sit at her level; short sentences."},
    {"safety_concerns": "None known to officers.",
     "triggers": "Loud radios.",
     "what_helps": "Ask for the on-call social worker; he trusts the crisis team.",
     "de_escalation": "Turn radios down; explain each step."},
)  # fmt: skip
NOTES = (
    "Resident is deaf: knock, then text the number on the door.",
    "Large friendly dog in the yard; owner asks to be called first.",
    "Shelter entrance is round the back; staff meet officers at the side gate.",
)


def load_demo_plans(agency: Agency, *, plans: int = 12) -> int:
    if ResponsePlan.objects.filter(agency=agency).exists():
        return ResponsePlan.objects.filter(agency=agency).count()
    approver = User.objects.filter(agency=agency, username="supervisor").first()
    if approver is None:
        return 0
    linked = PersonCall.objects.filter(person__agency=agency).values("person_id")
    cases = (
        Case.objects.filter(agency=agency, person_id__in=linked, assigned_to__isnull=False)
        .exclude(assigned_to=approver)
        .select_related("person", "assigned_to")
        .order_by("pk")[:plans]
    )
    review_by = timezone.localdate() + timedelta(days=180)
    for index, case in enumerate(cases):
        text = PLANS[index % len(PLANS)]
        plan = services.plan_save(
            actor=case.assigned_to, person=case.person, review_by=review_by,
            safety_concerns=text["safety_concerns"], triggers=text["triggers"],
            what_helps=text["what_helps"], de_escalation=text["de_escalation"],
        )  # fmt: skip
        if index % 4 != 3:  # a few wait for approval, as in any week
            services.approve(actor=approver, record=plan, expected_version=plan.version)
    _notes(agency, approver, review_by)
    return ResponsePlan.objects.filter(agency=agency).count()


def _notes(agency: Agency, approver: User, review_by: object) -> None:
    if PremiseNote.objects.filter(agency=agency).exists():
        return
    author = User.objects.filter(agency=agency, username="worker").first()
    addresses = (
        CallLocation.objects.filter(agency=agency, kind="address")
        .values_list("call__address_raw", flat=True)
        .distinct()[: len(NOTES)]
    )
    for address, text in zip(addresses, NOTES, strict=False):
        note = services.premise_note_save(
            actor=author,
            address=address,
            note=text,
            review_by=review_by,  # type: ignore[arg-type]
        )
        services.approve(actor=approver, record=note, expected_version=note.version)
