"""Small hand-made frames for the metric tests: each test's expected answer is worked by hand
from the rows here (the comments say how)."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

T0 = datetime(2026, 1, 5, 8, 0)  # a Monday, 08:00


def t(minutes: float = 0, days: float = 0) -> datetime:
    return T0 + timedelta(days=days, minutes=minutes)


def calls() -> pl.DataFrame:
    """Ten calls. Modes: police ×4 (c1–c4), co_response ×2 (c5, c6), alternative ×3 (c7–c9),
    ems ×1 (c10). Public-initiated: all but c1 and c2."""
    rows = [
        # id, mode, public, eligible, category, criminal, bh, on_scene min, arrest, hold, transp
        (1, "police", False, False, "theft", True, False, 5, True, False, False),
        (2, "police", False, False, "traffic", False, False, 7, False, False, False),
        (3, "police", True, True, "welfare_check", False, True, 10, False, False, False),
        (4, "police", True, False, "assault", True, False, 12, True, False, True),
        (5, "co_response", True, True, "mental_health", False, True, 20, False, True, True),
        (6, "co_response", True, True, "welfare_check", False, True, 30, False, False, False),
        (7, "alternative", True, True, "mental_health", False, True, 15, False, False, True),
        (8, "alternative", True, True, "welfare_check", False, True, 25, False, False, False),
        (9, "alternative", True, True, "intoxication", False, True, None, None, None, None),
        (10, "ems", True, False, "medical", False, False, 8, False, False, True),
    ]
    return pl.DataFrame(
        {
            "call_id": [r[0] for r in rows],
            "received_at": [t(days=r[0] - 1) for r in rows],
            "on_scene_at": [None if r[7] is None else t(minutes=r[7], days=r[0] - 1) for r in rows],
            "cleared_at": [t(minutes=90, days=r[0] - 1) for r in rows],
            "category": [r[4] for r in rows],
            "public_initiated": [r[2] for r in rows],
            "criminal": [r[5] for r in rows],
            "behavioural_health": [r[6] for r in rows],
            "mode_recommended": [r[1] for r in rows],
            "mode_dispatched": [r[1] for r in rows],
            "eligible": [r[3] for r in rows],
            "district": ["north"] * 5 + ["south"] * 5,
            "team": [None] * 4 + ["A"] * 6,
            "disposition": ["done"] * 10,
            "arrest": [r[8] for r in rows],
            "involuntary_hold": [r[9] for r in rows],
            "transport": [r[10] for r in rows],
            "location_key": ["L1", "L2", "L1", "L3", "L1", "L2", "L1", "L2", None, "L3"],
            "person_id": [None, None, 100, None, 100, 200, 100, 200, None, None],
        }
    )


def units() -> pl.DataFrame:
    """Unit-hours: c1 police 1 h; c2 police 0.5 h; c3 police 2 h + 1 h (two units); c4 police
    3 h; c5 co_response 2 h; c6 co_response 1 h; c7 social_worker 1.5 h; c8 social_worker 1 h +
    police backup 0.5 h; c10 ems 1 h. c9 has no unit; one unit never cleared (left out)."""
    rows = [
        (1, "police", 60),
        (2, "police", 30),
        (3, "police", 120),
        (3, "police", 60),
        (4, "police", 180),
        (5, "co_response", 120),
        (6, "co_response", 60),
        (7, "social_worker", 90),
        (8, "social_worker", 60),
        (8, "police", 30),
        (10, "ems", 60),
        (10, "ems", None),
    ]
    return pl.DataFrame(
        {
            "call_id": [r[0] for r in rows],
            "unit_type": [r[1] for r in rows],
            "dispatched_at": [t(days=r[0] - 1) for r in rows],
            "cleared_at": [None if r[2] is None else t(minutes=r[2], days=r[0] - 1) for r in rows],
        }
    )


def encounters() -> pl.DataFrame:
    """Person 100: crisis at day 0 with backup, follow-up phone at +24 h (resolved), another
    crisis at day 10 with no follow-up. Person 200: co_response at day 5, follow-up at +72 h
    (declined). Person 300: crisis at day 2, outreach at +47 h (referral). Person 400: crisis
    at day 3 with backup, nothing after."""
    rows = [
        (1, 100, "crisis", 0, True, "resolved"),
        (2, 100, "phone", 24, False, "resolved"),
        (3, 100, "crisis", 240, False, "referral"),
        (4, 200, "co_response", 120, False, "resolved"),
        (5, 200, "follow_up", 192, False, "declined"),
        (6, 300, "crisis", 48, False, "resolved"),
        (7, 300, "outreach", 95, False, "referral"),
        (8, 400, "crisis", 72, True, "resolved"),
    ]
    return pl.DataFrame(
        {
            "encounter_id": [r[0] for r in rows],
            "case_id": [r[1] for r in rows],
            "person_id": [r[1] for r in rows],
            "call_id": [None] * len(rows),
            "started_at": [T0 + timedelta(hours=r[3]) for r in rows],
            "kind": [r[2] for r in rows],
            "police_backup": [r[4] for r in rows],
            "force_used": [False] * len(rows),
            "outcome": [r[5] for r in rows],
        },
        schema_overrides={"call_id": pl.Int64},
    )


def referrals() -> pl.DataFrame:
    """Five referrals: r1 completed (accepted after 2 h), r2 engaged (accepted after 10 h),
    r3 declined (never accepted), r4 sent only, r5 still a draft."""
    h = timedelta(hours=1)
    return pl.DataFrame(
        {
            "referral_id": [1, 2, 3, 4, 5],
            "person_id": [100, 200, 300, 400, 100],
            "status": ["completed", "engaged", "declined", "sent", "draft"],
            "sent_at": [T0, T0, T0, T0, None],
            "accepted_at": [T0 + 2 * h, T0 + 10 * h, None, None, None],
            "engaged_at": [T0 + 20 * h, T0 + 30 * h, None, None, None],
            "closed_at": [T0 + 100 * h, None, T0 + 5 * h, None, None],
        }
    )


def tasks() -> pl.DataFrame:
    """Four tasks due at T0+48 h: done at +40 h (on time), done at +50 h (late), open, cancelled."""
    h = timedelta(hours=1)
    return pl.DataFrame(
        {
            "task_id": [1, 2, 3, 4],
            "case_id": [100, 200, 300, 400],
            "created_at": [T0] * 4,
            "due_at": [T0 + 48 * h] * 4,
            "completed_at": [T0 + 40 * h, T0 + 50 * h, None, None],
            "status": ["done", "done", "open", "cancelled"],
        }
    )
