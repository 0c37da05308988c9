"""The referral lifecycle: forward one step at a time, never back, never past an end."""

from __future__ import annotations

import pytest

from coresponder.referrals.engine.lifecycle import (
    FINAL,
    STATUS_LABELS,
    TransitionRefused,
    check_transition,
    steps_from,
)

HAPPY_PATH = ["draft", "sent", "accepted", "engaged", "completed"]


def test_the_happy_path_is_allowed_step_by_step() -> None:
    for current, target in zip(HAPPY_PATH, HAPPY_PATH[1:], strict=False):
        by = "worker" if target == "sent" else "partner"
        check_transition(current, target, by)


@pytest.mark.parametrize(
    ("current", "target"),
    [("sent", "engaged"), ("sent", "completed"), ("draft", "accepted"), ("accepted", "sent"),
     ("engaged", "accepted"), ("accepted", "completed")],
)  # fmt: skip
def test_it_refuses_a_skip_or_a_step_back_and_says_what_can_come_next(
    current: str, target: str
) -> None:
    with pytest.raises(TransitionRefused, match="next it can be"):
        check_transition(current, target, "worker")


@pytest.mark.parametrize("final", sorted(FINAL))
def test_nothing_follows_an_end(final: str) -> None:
    for target in STATUS_LABELS:
        with pytest.raises(TransitionRefused, match="already"):
            check_transition(final, target, "worker")


def test_a_partner_cannot_send_or_withdraw() -> None:
    with pytest.raises(TransitionRefused):
        check_transition("draft", "sent", "partner")
    with pytest.raises(TransitionRefused):
        check_transition("accepted", "withdrawn", "partner")
    assert {s.to for s in steps_from("sent", "partner")} == {"accepted", "declined", "no_contact"}


def test_an_unknown_status_is_named() -> None:
    with pytest.raises(TransitionRefused, match="'lost' is not a referral status"):
        check_transition("sent", "lost", "worker")
