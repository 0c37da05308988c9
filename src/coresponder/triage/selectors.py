"""Reading triage: the dispatcher board, the review queue and crosswalk, agreement rates."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.triage.models import (
    CallTypeOverride,
    CallTypeReview,
    DispatcherAnswer,
    TriageDecision,
)

BOARD_SIZE = 30
BOARD_COLUMNS = (
    "pk", "mode", "category", "confidence", "rule", "reasons", "flags", "eligible",
    "received_at", "behavioural_health", "call__public_id", "call__event_number",
    "call__initial_type_text", "call__initial_type_code", "call__priority",
    "call__address_raw", "call__district", "call__received_at",
)  # fmt: skip


def board_decisions(*, user: Any, after: datetime | None = None) -> list[TriageDecision]:
    """The latest calls of the user's agency with their recommendation and latest answer,
    newest first. ``after``: only calls received later (the board's polling asks for these)."""
    decisions = _board(user)
    if after is not None:
        decisions = decisions.filter(received_at__gt=after)
    return list(decisions[:BOARD_SIZE])


def board_row(*, user: Any, decision_pk: int) -> TriageDecision:
    """One decision as the board shows it (after an answer, its row is redrawn)."""
    return _board(user).get(pk=decision_pk)


def _board(user: Any) -> QuerySet[TriageDecision]:
    latest_answer = DispatcherAnswer.objects.filter(decision=OuterRef("pk")).order_by("-pk")
    return (
        TriageDecision.objects.filter(agency_id=user.agency_id)
        .select_related("call")
        .only(*BOARD_COLUMNS)
        .annotate(
            answer_action=Subquery(latest_answer.values("action")[:1]),
            answer_mode=Subquery(latest_answer.values("chosen_mode")[:1]),
        )
        .order_by("-received_at", "-pk")
    )


def audit_board(*, user: Any, shown: int, refresh: bool) -> None:
    audit_record(
        actor=user,
        action=AuditAction.TRIAGE_BOARD_VIEWED,
        data={"calls_shown": shown, "refresh": refresh},
    )


def decision_for_call(*, user: Any, public_id: Any) -> TriageDecision:
    """The decision on one call of the user's agency, or 404."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    decision = (
        TriageDecision.objects.filter(agency_id=user.agency_id, call__public_id=key)
        .select_related("call")
        .first()
    )
    if decision is None:
        raise Http404
    return decision


def review_queue(*, user: Any) -> QuerySet[CallTypeReview]:
    audit_record(actor=user, action=AuditAction.TRIAGE_REVIEW_QUEUE_VIEWED, data={"list": "queue"})
    return CallTypeReview.objects.filter(
        agency_id=user.agency_id, status=CallTypeReview.Status.PENDING
    ).order_by("confidence", "-calls_seen", "key")


def review_get(*, user: Any, public_id: Any) -> CallTypeReview:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    review = CallTypeReview.objects.filter(agency_id=user.agency_id, public_id=key).first()
    if review is None:
        raise Http404
    return review


def crosswalk(*, user: Any) -> QuerySet[CallTypeOverride]:
    audit_record(
        actor=user, action=AuditAction.TRIAGE_REVIEW_QUEUE_VIEWED, data={"list": "crosswalk"}
    )
    return CallTypeOverride.objects.filter(agency_id=user.agency_id).order_by("key")


def override_get(*, user: Any, pk: int) -> CallTypeOverride:
    override = CallTypeOverride.objects.filter(agency_id=user.agency_id, pk=pk).first()
    if override is None:
        raise Http404
    return override


@dataclass(frozen=True)
class AgreementRow:
    name: str
    answered: int
    accepted: int
    overridden: int

    @property
    def override_rate(self) -> float:
        return self.overridden / self.answered if self.answered else 0.0

    @property
    def agreement_rate(self) -> float:
        return self.accepted / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class AgreementReport:
    by_rule: list[AgreementRow]
    by_category: list[AgreementRow]
    overrides_to: dict[str, int]  # chosen mode → overrides
    total: AgreementRow


def agreement_report(*, user: Any, since: datetime | None = None) -> AgreementReport:
    """How often dispatchers accepted or overrode the recommendations, per rule and per
    category, counting each call's latest answer only."""
    audit_record(
        actor=user,
        action=AuditAction.TRIAGE_REPORT_VIEWED,
        data={"since": since.isoformat() if since else None},
    )
    latest = (
        DispatcherAnswer.objects.filter(decision__agency_id=user.agency_id)
        .values("decision_id")
        .annotate(last=Max("pk"))
        .values("last")
    )
    answers = DispatcherAnswer.objects.filter(pk__in=Subquery(latest))
    if since:
        answers = answers.filter(answered_at__gte=since)
    overridden = Count("pk", filter=Q(action=DispatcherAnswer.Action.OVERRIDDEN))
    accepted = Count("pk", filter=Q(action=DispatcherAnswer.Action.ACCEPTED))

    def rows(field: str) -> list[AgreementRow]:
        grouped = (
            answers.values(field)
            .annotate(n=Count("pk"), yes=accepted, no=overridden)
            .order_by("-n", field)
        )
        return [AgreementRow(g[field], g["n"], g["yes"], g["no"]) for g in grouped]

    totals = answers.aggregate(n=Count("pk"), yes=accepted, no=overridden)
    overrides_to = dict(
        answers.filter(action=DispatcherAnswer.Action.OVERRIDDEN)
        .values_list("chosen_mode")
        .annotate(n=Count("pk"))
        .values_list("chosen_mode", "n")
    )
    return AgreementReport(
        by_rule=rows("rule"),
        by_category=rows("category"),
        overrides_to=overrides_to,
        total=AgreementRow("all", totals["n"] or 0, totals["yes"] or 0, totals["no"] or 0),
    )
