"""De-identifying a calls dataset for the public, without Django: k-anonymity on the
quasi-identifiers by generalising, then suppressing, then withholding.

The released rows hold no narrative, name, date of birth, phone or exact address: a block or
intersection (never a house number), the time rounded down to the hour, and categories and
modes. Someone who knows that a call came from a place, and what about, must not be able to
single it out: every combination of the quasi-identifiers (by default the location and the
category) is shared by at least ``k`` released rows (default 11). Rows in smaller groups are
first given their district instead of their block, then no location at all; rows whose group
is still smaller than ``k`` are withheld. The report counts each step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

GENERALISED = "(district only)"
SUPPRESSED = "(withheld)"

# Released columns, in order, with what each holds (the data dictionary).
DICTIONARY: dict[str, str] = {
    "call_id": "A random identifier for the release (not the CAD event number).",
    "received_hour": "When the call was received, rounded down to the hour (agency's time zone).",
    "location": "The block or intersection (e.g. 'block:1400 HAZEL ST'); 'district only' or "
    "'withheld' where fewer than k calls share it with this category.",
    "district": "The police district or precinct, as the CAD gives it.",
    "category": "The call's category in the product's taxonomy (docs/taxonomy.md).",
    "vera_category": "The equivalent in the Vera Institute's consolidated 911 taxonomy.",
    "behavioural_health": "Whether the call type shows a behavioural-health need (true/false).",
    "mode": "The response mode recommended by the response policy (police, co-response, "
    "alternative, EMS, referral, no dispatch).",
    "priority": "The priority as the CAD gives it.",
}


@dataclass
class Report:
    rows_in: int
    released: int
    generalised: int = 0  # location replaced by the district
    suppressed: int = 0  # location withheld
    withheld: int = 0  # rows not released at all
    k: int = 11
    quasi_identifiers: tuple[str, ...] = ()
    smallest_group: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "rows_in": self.rows_in, "released": self.released,
            "location_generalised_to_district": self.generalised,
            "location_withheld": self.suppressed, "rows_withheld": self.withheld,
            "k": self.k, "quasi_identifiers": list(self.quasi_identifiers),
            "smallest_group": self.smallest_group, "notes": self.notes,
        }  # fmt: skip


def _group_sizes(frame: pl.DataFrame, keys: Sequence[str]) -> pl.Series:
    return frame.select(pl.len().over(list(keys)).alias("n"))["n"]


def smallest_group(frame: pl.DataFrame, keys: Sequence[str]) -> int:
    """The size of the smallest quasi-identifier group (0 for an empty frame)."""
    if frame.height == 0:
        return 0
    return int(frame.group_by(list(keys)).len()["len"].min())  # type: ignore[arg-type]


def deidentify(
    calls: pl.DataFrame, *, k: int = 11, quasi_identifiers: Sequence[str] = ("location", "category")
) -> tuple[pl.DataFrame, Report]:
    """Release ``calls`` (columns of ``DICTIONARY`` apart from ``call_id``, plus anything else,
    which is dropped) so that every quasi-identifier group has at least ``k`` rows."""
    if k < 2:
        raise ValueError("k must be at least 2")
    unknown = [q for q in quasi_identifiers if q not in DICTIONARY]
    if unknown:
        raise ValueError(f"not a released column: {', '.join(unknown)}")
    columns = [c for c in DICTIONARY if c != "call_id"]
    frame = calls.select(
        [pl.col(c).cast(pl.Utf8) if c != "behavioural_health" else pl.col(c) for c in columns]
    ).with_columns(
        pl.col("location").fill_null(SUPPRESSED), pl.col("category").fill_null("unknown")
    )
    report = Report(
        rows_in=frame.height, released=0, k=k, quasi_identifiers=tuple(quasi_identifiers)
    )
    keys = list(quasi_identifiers)
    if "location" in keys:
        small = _group_sizes(frame, keys) < k
        report.generalised = int(small.sum())
        frame = frame.with_columns(
            pl.when(small)
            .then(pl.concat_str(pl.lit("district:"), pl.col("district").fill_null("?")))
            .otherwise(pl.col("location"))
            .alias("location")
        )
        small = _group_sizes(frame, keys) < k
        report.suppressed = int(small.sum())
        report.generalised -= report.suppressed
        frame = frame.with_columns(
            pl.when(small).then(pl.lit(SUPPRESSED)).otherwise(pl.col("location")).alias("location")
        )
    keep = _group_sizes(frame, keys) >= k
    report.withheld = int((~keep).sum())
    released = frame.filter(keep)
    report.released = released.height
    report.smallest_group = smallest_group(released, keys)
    released = released.sample(fraction=1.0, shuffle=True, seed=0) if released.height else released
    released = released.with_row_index("call_id", offset=1).with_columns(
        pl.col("call_id").cast(pl.Utf8)
    )
    return released.select(list(DICTIONARY)), report


def is_k_anonymous(frame: pl.DataFrame, keys: Sequence[str], k: int) -> bool:
    return frame.height == 0 or smallest_group(frame, keys) >= k
