"""The frames the metrics read: one schema per source, and a validator that names what is missing.

Every metric reads plain Polars frames. Services extract them from the database (through the ORM
or the DB-API into Arrow); tests and benchmarks build them by hand. A source the platform does
not record yet is passed as ``None`` and the metrics that need it say so instead of showing zero.

Times are ``pl.Datetime`` (UTC, naive or aware, but the same in every frame); flags are
``pl.Boolean`` and may be null where the source did not say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

# The response modes, as triage.engine.policy.MODES names them (copied, not imported: engines
# do not depend on one another's internals, and these values are stable codes).
MODES = ("police", "co_response", "alternative", "ems", "referral", "no_dispatch")
# Calls the program handles: a social worker goes, with an officer or without.
PROGRAM_MODES = ("co_response", "alternative")
# Modes that put police on scene.
POLICE_MODES = ("police", "co_response")
# Encounter kinds that are a response on scene to a call, and the kinds that are follow-up.
RESPONSE_KINDS = ("crisis", "co_response")
FOLLOW_UP_KINDS = ("follow_up", "phone", "outreach", "office")
# Referral statuses that mean the person was reached by the partner, and the completed one.
REFERRAL_ENGAGED = ("engaged", "completed")

# column -> (dtype family, meaning). The dtype family is checked loosely: "int" accepts any
# integer, "str" Utf8 or Categorical or Enum, "datetime" any Datetime, "bool" Boolean,
# "id" an integer or a string.
Schema = Mapping[str, tuple[str, str]]

SCHEMAS: dict[str, Schema] = {
    "calls": {
        "call_id": ("id", "the call's identifier"),
        "received_at": ("datetime", "when the call reached the 911 centre"),
        "on_scene_at": ("datetime", "first unit on scene (null if none)"),
        "cleared_at": ("datetime", "last unit cleared (null if open)"),
        "category": ("str", "taxonomy category (triage)"),
        "public_initiated": ("bool", "a member of the public called (not officer-initiated)"),
        "criminal": ("bool", "the call reports a crime"),
        "behavioural_health": ("bool", "mental health, substance use or crisis involved"),
        "mode_recommended": ("str", "the mode triage recommended (one of MODES)"),
        "mode_dispatched": ("str", "the mode actually sent (one of MODES)"),
        "eligible": ("bool", "the program's criteria say it could take the call"),
        "district": ("str", "police district"),
        "team": ("str", "the program team that answered (null if none)"),
        "disposition": ("str", "the CAD disposition"),
        "arrest": ("bool", "someone was arrested"),
        "involuntary_hold": ("bool", "someone was held involuntarily"),
        "transport": ("bool", "someone was transported (hospital, detox, shelter)"),
        "location_key": ("str", "the call's location (linkage), null if not placed"),
        "person_id": ("id", "the linked person, null if none"),
    },
    "units": {
        "call_id": ("id", "the call the unit was sent to"),
        "unit_type": ("str", "police, social_worker, co_response, ems, fire, other"),
        "dispatched_at": ("datetime", "when the unit was dispatched"),
        "cleared_at": ("datetime", "when the unit cleared"),
    },
    "encounters": {
        "encounter_id": ("id", "the encounter"),
        "case_id": ("id", "its case"),
        "person_id": ("id", "the person met"),
        "call_id": ("id", "the call it answered, null for follow-up and outreach"),
        "started_at": ("datetime", "when it started"),
        "kind": ("str", "crisis, co_response, follow_up, phone, outreach, office"),
        "police_backup": ("bool", "police backup was requested"),
        "force_used": ("bool", "force was used"),
        "outcome": ("str", "resolved, involuntary_hold, arrest, referral, declined, ..."),
    },
    "tasks": {
        "task_id": ("id", "the follow-up task"),
        "case_id": ("id", "its case"),
        "created_at": ("datetime", "when it was set"),
        "due_at": ("datetime", "when it is due"),
        "completed_at": ("datetime", "when it was done (null if not)"),
        "status": ("str", "open, done, cancelled"),
    },
    "referrals": {
        "referral_id": ("id", "the referral"),
        "person_id": ("id", "the person referred"),
        "status": ("str", "draft, sent, accepted, engaged, completed, declined, ..."),
        "sent_at": ("datetime", "sent to the partner (null while draft)"),
        "accepted_at": ("datetime", "accepted by the partner"),
        "engaged_at": ("datetime", "the partner met the person"),
        "closed_at": ("datetime", "completed, declined, no contact or withdrawn"),
    },
    "people": {
        "person_id": ("id", "the person"),
        "first_contact_at": ("datetime", "first social-work contact"),
    },
}


class FrameSchemaError(ValueError):
    """A frame lacks a column a metric needs, or holds it with the wrong type."""


def _family_ok(family: str, dtype: pl.DataType) -> bool:
    if family == "datetime":
        return isinstance(dtype, pl.Datetime)
    if family == "bool":
        return dtype == pl.Boolean or dtype == pl.Null
    if family == "str":
        return dtype in (pl.Utf8, pl.Categorical, pl.Null) or isinstance(dtype, pl.Enum)
    if family == "int":
        return dtype.is_integer()
    if family == "id":
        return dtype.is_integer() or dtype in (pl.Utf8, pl.Categorical, pl.Null)
    raise ValueError(f"unknown dtype family {family!r}")


def validate(name: str, frame: pl.DataFrame, columns: Iterable[str] | None = None) -> None:
    """Check that ``frame`` (the source ``name``) has ``columns`` (default: all) with their types.

    Raises FrameSchemaError naming the first missing or mistyped column.
    """
    schema = SCHEMAS[name]
    wanted = list(schema) if columns is None else list(columns)
    present = frame.schema
    for column in wanted:
        if column not in schema:
            raise ValueError(f"{name}.{column} is not a documented column")
        if column not in present:
            raise FrameSchemaError(f"{name} has no column {column!r} ({schema[column][1]})")
        family = schema[column][0]
        if not _family_ok(family, present[column]):
            raise FrameSchemaError(f"{name}.{column} should be {family}, not {present[column]}")


@dataclass(frozen=True)
class Frames:
    """The sources a metric may read; ``None`` for a source that is not recorded yet."""

    calls: pl.DataFrame | None = None
    units: pl.DataFrame | None = None
    encounters: pl.DataFrame | None = None
    tasks: pl.DataFrame | None = None
    referrals: pl.DataFrame | None = None
    people: pl.DataFrame | None = None
    # intermediate frames several metrics share (the unit-hours with their call), computed once
    shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def get(self, name: str) -> pl.DataFrame | None:
        value: pl.DataFrame | None = getattr(self, name)
        return value

    def validated(self) -> Frames:
        """Check every present frame against its full schema."""
        for name in SCHEMAS:
            frame = self.get(name)
            if frame is not None:
                validate(name, frame)
        return self


def _increasing(keys: pl.Series, strictly: bool) -> bool:
    if not keys.dtype.is_integer() or keys.null_count():
        return False
    steps = keys.diff().drop_nulls()
    return steps.len() == 0 or bool(((steps > 0) if strictly else (steps >= 0)).all())


def attach(
    left: pl.LazyFrame,
    left_keys: pl.Series,
    right: pl.DataFrame,
    key: str,
    columns: Iterable[str],
) -> pl.LazyFrame:
    """``left`` with ``columns`` of the ``right`` row whose ``key`` matches (an inner join with
    a unique key on the right), e.g. each unit with its call's category.

    ``left_keys`` is the key column of the frame ``left`` was made from (filters keep its
    order). When both sides' integer keys are in order, as call identifiers from an export
    usually are, the rows are merged in one pass (an as-of join, then exact matches kept),
    several times faster than a hash join on two cores; otherwise it is a plain join.
    """
    wanted = list(columns)
    keys = right[key]
    if _increasing(keys, strictly=True) and _increasing(left_keys, strictly=False):
        matched = "__attached_key"
        return (
            left.with_columns(pl.col(key).set_sorted())
            .join_asof(
                right.lazy().select(pl.col(key).set_sorted(), pl.col(key).alias(matched), *wanted),
                on=key,
                strategy="backward",
            )
            .filter(pl.col(matched) == pl.col(key))
            .drop(matched)
        )
    return left.join(right.lazy().select(key, *wanted), on=key, how="inner")
