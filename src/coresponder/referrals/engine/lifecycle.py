"""A referral's life: draft → sent → accepted → engaged → completed, or it ends declined, with
no contact, or withdrawn. Transitions that skip a step or go back are refused.

Who may make a transition: the worker (``worker``) sends and withdraws, and may record what a
partner said on the phone; the partner (``partner``, through its link) answers.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT = "draft"
SENT = "sent"
ACCEPTED = "accepted"
ENGAGED = "engaged"
COMPLETED = "completed"
DECLINED = "declined"
NO_CONTACT = "no_contact"
WITHDRAWN = "withdrawn"

STATUS_LABELS: dict[str, str] = {
    DRAFT: "Draft",
    SENT: "Sent",
    ACCEPTED: "Accepted",
    ENGAGED: "Engaged",
    COMPLETED: "Completed",
    DECLINED: "Declined",
    NO_CONTACT: "No contact",
    WITHDRAWN: "Withdrawn",
}
FINAL = frozenset({COMPLETED, DECLINED, NO_CONTACT, WITHDRAWN})
WAITING_FOR_PARTNER = frozenset({SENT})  # the partner has not answered yet


@dataclass(frozen=True)
class Step:
    to: str
    by: frozenset[str]  # "worker", "partner"
    verb: str  # the button's words


_BOTH = frozenset({"worker", "partner"})
_WORKER = frozenset({"worker"})

TRANSITIONS: dict[str, tuple[Step, ...]] = {
    DRAFT: (Step(SENT, _WORKER, "Send"), Step(WITHDRAWN, _WORKER, "Withdraw")),
    SENT: (
        Step(ACCEPTED, _BOTH, "Accept"),
        Step(DECLINED, _BOTH, "Decline"),
        Step(NO_CONTACT, _BOTH, "Could not reach the person"),
        Step(WITHDRAWN, _WORKER, "Withdraw"),
    ),
    ACCEPTED: (
        Step(ENGAGED, _BOTH, "The person is engaged"),
        Step(NO_CONTACT, _BOTH, "Could not reach the person"),
        Step(WITHDRAWN, _WORKER, "Withdraw"),
    ),
    ENGAGED: (
        Step(COMPLETED, _BOTH, "Completed"),
        Step(WITHDRAWN, _WORKER, "Withdraw"),
    ),
}


class TransitionRefused(ValueError):
    pass


def steps_from(status: str, by: str) -> tuple[Step, ...]:
    """What ``by`` may do next from ``status``."""
    return tuple(step for step in TRANSITIONS.get(status, ()) if by in step.by)


def check_transition(current: str, target: str, by: str) -> None:
    """Refuse, with the reason, a move the lifecycle does not allow."""
    if target not in STATUS_LABELS:
        raise TransitionRefused(f"{target!r} is not a referral status.")
    if current in FINAL:
        raise TransitionRefused(
            f"This referral is already {STATUS_LABELS[current].lower()}: it cannot change."
        )
    allowed = {step.to for step in steps_from(current, by)}
    if target not in allowed:
        choices = ", ".join(STATUS_LABELS[s].lower() for s in sorted(allowed)) or "nothing"
        raise TransitionRefused(
            f"A {STATUS_LABELS[current].lower()} referral cannot become "
            f"{STATUS_LABELS[target].lower()}; next it can be: {choices}."
        )
