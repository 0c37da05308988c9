"""Training coverage: the share of active officers holding a current certificate of a course,
overall and by a roster column (shift or district), with hours of training per officer.

No Django: it reads three plain frames, so the training pages, a notebook and a test compute
the same numbers.

- ``officers``: ``officer_id`` (int), ``shift`` (str), ``district`` (str), ``active`` (bool);
- ``certificates``: ``officer_id`` (int), ``course`` (str, the course code),
  ``issued_on`` (date), ``expires_on`` (date, null when it does not expire);
- ``attendance`` (optional): ``officer_id`` (int), ``hours`` (float), one row per session.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from coresponder.analytics.metrics.base import MetricResult

GROUPS = ("shift", "district")


def training_coverage(
    officers: pl.DataFrame,
    certificates: pl.DataFrame,
    *,
    course: str,
    as_of: date,
    by: str = "shift",
    attendance: pl.DataFrame | None = None,
) -> MetricResult:
    """Share of active officers with a certificate of ``course`` current on ``as_of``.

    A certificate is current when issued on or before ``as_of`` and not expired before it
    (``expires_on`` null or on/after ``as_of``). ``table``: one row per ``by`` value with
    ``officers``, ``trained``, ``share``, ``hours`` and ``hours_per_officer`` (hours of all
    training attended by those officers, over all time). Inactive officers count nowhere.
    """
    if by not in GROUPS:
        raise ValueError(f"by must be one of {GROUPS}, not {by!r}")
    active = officers.filter(pl.col("active")).select("officer_id", "shift", "district")
    current = (
        certificates.filter(
            (pl.col("course") == course)
            & (pl.col("issued_on") <= as_of)
            & (pl.col("expires_on").is_null() | (pl.col("expires_on") >= as_of))
        )
        .select("officer_id")
        .unique()
        .with_columns(pl.lit(True).alias("trained"))
    )
    if attendance is not None and attendance.height:
        hours = attendance.group_by("officer_id").agg(pl.col("hours").cast(pl.Float64).sum())
    else:
        hours = pl.DataFrame(schema={"officer_id": pl.Int64, "hours": pl.Float64})
    rows = (
        active.join(current, on="officer_id", how="left")
        .join(
            hours.with_columns(pl.col("officer_id").cast(active.schema["officer_id"])),
            on="officer_id",
            how="left",
        )  # fmt: skip
        .with_columns(pl.col("trained").fill_null(False), pl.col("hours").fill_null(0.0))
    )
    table = (
        rows.group_by(by)
        .agg(
            pl.len().alias("officers"),
            pl.col("trained").sum().alias("trained"),
            pl.col("hours").sum().alias("hours"),
        )
        .with_columns(
            (pl.col("trained") / pl.col("officers")).alias("share"),
            (pl.col("hours") / pl.col("officers")).alias("hours_per_officer"),
        )
        .sort(by)
        .select(by, "officers", "trained", "share", "hours", "hours_per_officer")
    )
    total, trained = rows.height, int(rows["trained"].sum()) if rows.height else 0
    hours_total = float(rows["hours"].sum()) if rows.height else 0.0
    return MetricResult(
        name="training_coverage",
        value=trained / total if total else None,
        unit="share",
        parts={
            "officers": total,
            "trained": trained,
            "hours": hours_total,
            "hours_per_officer": hours_total / total if total else None,
        },
        table=table,
    )
