"""A period's dashboard: every metric in the catalogue over the frames cut to the period."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from coresponder.analytics.metrics.base import CATALOGUE, MetricResult, Params
from coresponder.analytics.metrics.frames import Frames

# The column that places each source's rows in time.
PERIOD_COLUMN = {
    "calls": "received_at",
    "units": "dispatched_at",
    "encounters": "started_at",
    "tasks": "created_at",
    "referrals": "sent_at",
}


def for_period(frames: Frames, params: Params) -> Frames:
    """The frames cut to [params.start, params.end); people are not cut (they carry dates that
    the metrics read against the period themselves)."""

    def cut(name: str) -> pl.DataFrame | None:
        frame = frames.get(name)
        if frame is None or name not in PERIOD_COLUMN:
            return frame
        column = pl.col(PERIOD_COLUMN[name])
        # nothing to cut when every row is already inside (a cheap scan, no copy)
        bounds = frame.select(column.min().alias("lo"), column.max().alias("hi"))
        lo, hi = bounds["lo"][0], bounds["hi"][0]
        if (
            lo is not None
            and (params.start is None or lo >= params.start)
            and (params.end is None or hi < params.end)
            and frame[PERIOD_COLUMN[name]].null_count() == 0
        ):
            return frame
        expr = pl.lit(True)
        if params.start is not None:
            expr = expr & (column >= params.start)
        if params.end is not None:
            expr = expr & (column < params.end)
        return frame.filter(expr)

    return Frames(
        calls=cut("calls"),
        units=cut("units"),
        encounters=cut("encounters"),
        tasks=cut("tasks"),
        referrals=cut("referrals"),
        people=frames.people,
    )


def compute_dashboard(
    frames: Frames, params: Params, names: Iterable[str] | None = None
) -> dict[str, MetricResult]:
    """Every metric (or those named) for the period: history metrics see all the data."""
    cut = for_period(frames, params)
    wanted = list(CATALOGUE) if names is None else list(names)
    return {
        name: CATALOGUE[name](frames if CATALOGUE[name].history else cut, params) for name in wanted
    }
