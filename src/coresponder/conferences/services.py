"""Building a conference's agenda from the records, and recording decisions on its items.

The agenda takes, within the team (or the agency): open cases at high or imminent risk,
cases with an overdue follow-up, people linked to calls who meet the frequent-caller rule and
have no current response plan, and referrals waiting for an answer past their due date or
accepted long ago without engagement. Each item's summary says why it is there in words fit
for a meeting with officers: counts and dates, never notes, assessments or diagnoses."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from coresponder.access.principal import has_capability
from coresponder.access.roles import Capability
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.cases import access as case_access
from coresponder.cases.models import Case, PersonCall, Risk, Task
from coresponder.cases.services import CaseError, task_create
from coresponder.conferences.models import AgendaItem, Conference, OutreachEvent, Partnership
from coresponder.linkage.selectors import frequent_rule
from coresponder.plans.models import Approvable, ResponsePlan
from coresponder.referrals.models import Referral

STUCK_AFTER_ACCEPTED = timedelta(days=14)


class ConferenceError(ValueError):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def conference_create(*, actor: Any, kind: str, held_on: date, team: Any = None) -> Conference:
    if not has_capability(actor, Capability.EDIT_CASES):
        raise Http404
    if kind not in Conference.Kind.values:
        raise ConferenceError("Choose the kind of meeting.", "kind")
    if team is not None and team.agency_id != actor.agency_id:
        raise Http404
    with transaction.atomic():
        conference = Conference.objects.create(
            agency_id=actor.agency_id, team=team, kind=kind, held_on=held_on, created_by=actor
        )
        items = _agenda(actor, team)
        for position, item in enumerate(items, start=1):
            item.conference = conference
            item.position = position
        AgendaItem.objects.bulk_create(items)
        audit_record(
            actor=actor, action=AuditAction.CONFERENCE_CREATED, object_type="conference",
            object_id=conference.public_id, data={"items": len(items), "kind": kind},
        )  # fmt: skip
    return conference


def _agenda(actor: Any, team: Any) -> list[AgendaItem]:
    cases = case_access.cases_in_reach(actor).exclude(status=Case.Status.CLOSED)
    if team is not None:
        cases = cases.filter(team=team)
    now = timezone.now()
    items: list[AgendaItem] = []
    for case in cases.filter(risk_level__in=[Risk.HIGH, Risk.IMMINENT]).select_related("person"):
        summary = (
            f"Risk {case.get_risk_level_display().lower()}; case open since {_day(case.created_at)}"
        )
        items.append(AgendaItem(reason=AgendaItem.Reason.HIGH_RISK, person=case.person, case=case,
                                summary=summary))  # fmt: skip
    overdue = cases.annotate(
        late=Count("tasks", filter=Q(tasks__status=Task.Status.OPEN, tasks__due_at__lt=now))
    ).filter(late__gt=0)
    for case in overdue.select_related("person"):
        items.append(AgendaItem(
            reason=AgendaItem.Reason.OVERDUE, person=case.person, case=case,
            summary=f"{case.late} follow-up{'s' if case.late != 1 else ''} past due",
        ))  # fmt: skip
    items += _frequent_without_plan(actor, cases, now)
    items += _stuck_referrals(cases, now)
    return items


def _frequent_without_plan(actor: Any, cases: Any, now: datetime) -> list[AgendaItem]:
    rule = frequent_rule()
    year, half = now - timedelta(days=365), now - timedelta(days=182)
    planned = ResponsePlan.objects.filter(
        agency_id=actor.agency_id, status=Approvable.Status.APPROVED,
        review_by__gte=timezone.localdate(),
    ).values("person_id")  # fmt: skip
    counts = (
        PersonCall.objects.filter(person__in=cases.values("person_id"))
        .exclude(person_id__in=planned)
        .values("person_id")
        .annotate(
            year=Count("pk", filter=Q(call__received_at__gt=year)),
            half=Count("pk", filter=Q(call__received_at__gt=half)),
        )
        .filter(Q(year__gte=rule.min_year) | Q(half__gte=rule.min_half_year))
    )
    by_person = {row["person_id"]: row for row in counts}
    items = []
    for case in cases.filter(person_id__in=by_person).select_related("person"):
        row = by_person.pop(case.person_id, None)
        if row is None:
            continue  # the person has another case already on the agenda for this
        items.append(AgendaItem(
            reason=AgendaItem.Reason.NO_PLAN, person=case.person, case=case,
            summary=f"{row['year']} calls in 12 months, {row['half']} in 6; no response plan",
        ))  # fmt: skip
    return items


def _stuck_referrals(cases: Any, now: datetime) -> list[AgendaItem]:
    stuck = Referral.objects.filter(case__in=cases).filter(
        Q(status="sent", answer_due_at__lt=now)
        | Q(status="accepted", accepted_at__lt=now - STUCK_AFTER_ACCEPTED)
    )
    items = []
    for referral in stuck.select_related("person", "case"):
        since = referral.sent_at if referral.status == "sent" else referral.accepted_at
        items.append(AgendaItem(
            reason=AgendaItem.Reason.STUCK_REFERRAL, person=referral.person, case=referral.case,
            summary=f"Referral to {referral.service_name} {referral.get_status_display().lower()}"
            f" since {_day(since)}, no further answer",
        ))  # fmt: skip
    return items


def _day(moment: datetime | None) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else "—"


def record_decision(
    *,
    actor: Any,
    item: AgendaItem,
    decision: str,
    action: str = "",
    due_on: date | None = None,
    assigned_to: Any = None,
) -> AgendaItem:
    """Record what was decided on an item; an action becomes a follow-up task on its case."""
    if (
        not has_capability(actor, Capability.EDIT_CASES)
        or item.conference.agency_id != actor.agency_id
    ):
        raise Http404
    decision = decision.strip()
    if not decision:
        raise ConferenceError("Write what was decided.", "decision")
    with transaction.atomic():
        task = None
        if action.strip():
            if item.case is None or due_on is None:
                raise ConferenceError("An action needs a due date (and a case).", "due_on")
            due = timezone.make_aware(
                datetime.combine(due_on, datetime.min.time()).replace(hour=17)
            )
            try:
                task = task_create(
                    actor=actor, case=item.case, title=action.strip()[:200], due_at=due,
                    assigned_to=assigned_to or item.case.assigned_to,
                )  # fmt: skip
            except CaseError as error:
                raise ConferenceError(str(error), "action") from None
        AgendaItem.objects.filter(pk=item.pk).update(
            decision=decision[:4000], task=task, decided_by=actor
        )
        item.refresh_from_db()
        audit_record(
            actor=actor, action=AuditAction.CONFERENCE_DECISION_RECORDED,
            object_type="conference", object_id=item.conference.public_id,
            data={"item": item.position, "task": bool(task)},
        )  # fmt: skip
    return item


# ---- Community outreach and partnerships ------------------------------------------------------


def outreach_record(
    *,
    actor: Any,
    kind: str,
    place: str,
    started_at: datetime,
    people_reached: int,
    resources_given: str = "",
    follow_ups: int = 0,
    audience: str = "",
) -> OutreachEvent:
    if not has_capability(actor, Capability.EDIT_CASES):
        raise Http404
    if kind not in OutreachEvent.Kind.values:
        raise ConferenceError("Choose the kind of outreach.", "kind")
    if not place.strip():
        raise ConferenceError("Say where it took place.", "place")
    if people_reached < 0 or follow_ups < 0 or follow_ups > max(people_reached, 0):
        raise ConferenceError("Follow-ups cannot be more than the people reached.", "follow_ups")
    if started_at > timezone.now() + timedelta(days=1):
        raise ConferenceError("Record outreach once it has happened.", "started_at")
    with transaction.atomic():
        event = OutreachEvent.objects.create(
            agency_id=actor.agency_id, kind=kind, place=place.strip()[:200],
            started_at=started_at, people_reached=people_reached,
            resources_given=resources_given.strip()[:500], follow_ups=follow_ups,
            audience=audience.strip()[:200], recorded_by=actor,
        )  # fmt: skip
        audit_record(
            actor=actor, action=AuditAction.OUTREACH_RECORDED, object_type="outreach",
            object_id=event.public_id, data={"kind": kind, "people": people_reached},
        )  # fmt: skip
    return event


def outreach_link_case(*, actor: Any, event: OutreachEvent, case: Case) -> None:
    """A contact made at this outreach became a case (counted in the outreach metrics)."""
    case_access.require_edit(actor, case)
    if event.agency_id != case.agency_id:
        raise Http404
    event.cases.add(case)
    audit_record(
        actor=actor, action=AuditAction.OUTREACH_CASE_LINKED, object_type="outreach",
        object_id=event.public_id, data={"case": str(case.public_id)},
    )  # fmt: skip


def partnership_save(
    *, actor: Any, partner: str, started_on: date, review_on: date, agreement: str = "",
    contact: str = "",
) -> Partnership:  # fmt: skip
    if not has_capability(actor, Capability.MANAGE_DIRECTORY):
        raise Http404
    if not partner.strip():
        raise ConferenceError("Name the partner.", "partner")
    if review_on <= started_on:
        raise ConferenceError("The review comes after the start.", "review_on")
    with transaction.atomic():
        row = Partnership.objects.create(
            agency_id=actor.agency_id, partner=partner.strip()[:200], started_on=started_on,
            review_on=review_on, agreement=agreement.strip(), contact=contact.strip()[:200],
        )  # fmt: skip
        audit_record(
            actor=actor, action=AuditAction.PARTNERSHIP_SAVED, object_type="partnership",
            object_id=row.pk, data={"partner": row.partner[:80]},
        )  # fmt: skip
    return row
