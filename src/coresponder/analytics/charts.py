"""Vega-Lite specifications of the dashboard's charts, written with Altair.

Each chart is drawn from the numbers of its table (``services.ChartTable``) after suppression,
so a chart never shows a count its table hides. The browser draws them with the vendored Vega
files (``core/static/coresponder/vega/``) through ``analytics.js``.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from coresponder.analytics.metrics.frames import MODES
from coresponder.analytics.services import ChartTable

WIDTH = "container"


def _long(chart: ChartTable, rows: list[str] | None = None) -> pl.DataFrame:
    records = []
    for row, line in zip(chart.rows, chart.values, strict=True):
        if row == "total" or (rows is not None and row not in rows):
            continue
        for column, value in zip(chart.columns, line, strict=False):
            if column == "total" or value is None:
                continue
            records.append({"row": row, "column": column, "value": value})
    return pl.DataFrame(
        records, schema={"row": pl.Utf8, "column": pl.Utf8, "value": pl.Int64}, orient="row"
    )


def spec_for(chart: ChartTable) -> dict[str, Any]:
    if not any(v for line in chart.values for v in line):
        return {}  # nothing to draw (no rows, or only zeros and hidden cells): the table says so
    builder = {
        "calls_by_mode": _calls_by_mode,
        "coverage": _coverage,
        "response_times": _response_times,
        "repeat_calls": _repeat_calls,
        "referral_funnel": _funnel,
    }[chart.name]
    spec: dict[str, Any] = builder(chart).properties(width=WIDTH, height=260).to_dict()
    spec.pop("$schema", None)
    return spec


def _calls_by_mode(chart: ChartTable) -> alt.Chart:
    data = _long(chart).filter(pl.col("value") > 0)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("row:O", title=chart.row_label),
            y=alt.Y("sum(value):Q", title="Calls"),
            color=_mode_colour(),
            tooltip=["row", "column", "value"],
        )
    )


def _mode_colour() -> alt.Color:
    """The same colour for a mode in every chart, whichever modes a filter leaves."""
    return alt.Color("column:N", title="Mode", scale=alt.Scale(domain=list(MODES)))


def _coverage(chart: ChartTable) -> alt.Chart:
    long = _long(chart).with_columns(
        pl.col("row").str.split(" ").list.get(0).alias("day"),
        pl.col("row").str.split(" ").list.get(1).alias("measure"),
    )
    eligible = long.filter(pl.col("measure") == "eligible").select(
        "day", "column", pl.col("value").alias("eligible")
    )
    served = long.filter(pl.col("measure") == "served").select(
        "day", "column", pl.col("value").alias("served")
    )
    wide = (
        eligible.join(served, on=["day", "column"], how="inner")
        .filter(pl.col("eligible") > 0)
        .with_columns((pl.col("served") / pl.col("eligible")).alias("coverage"))
    )
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    return (
        alt.Chart(wide)
        .mark_rect()
        .encode(
            x=alt.X("column:O", title="Hour"),
            y=alt.Y("day:O", title=None, sort=days),
            color=alt.Color(
                "coverage:Q", title="Share served", scale=alt.Scale(domain=[0, 1], scheme="blues")
            ),
            tooltip=[
                "day",
                "column",
                "eligible",
                "served",
                alt.Tooltip("coverage:Q", format=".0%"),
            ],
        )
    )


def _response_times(chart: ChartTable) -> alt.Chart:
    data = _long(chart)
    order = [row for row in chart.rows if row != "total"]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("row:O", title=chart.row_label, sort=order),
            y=alt.Y("value:Q", title="Calls"),
            color=_mode_colour(),
            xOffset="column:N",
            tooltip=["row", "column", "value"],
        )
    )


def _repeat_calls(chart: ChartTable) -> alt.Chart:
    data = _long(chart)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("row:N", title=None, sort=list(chart.rows)),
            x=alt.X("value:Q", title="Calls"),
            color=alt.Color("column:N", title="", sort=["before", "after"]),
            yOffset=alt.YOffset("column:N", sort=["before", "after"]),
            tooltip=["row", "column", "value"],
        )
    )


def _funnel(chart: ChartTable) -> alt.Chart:
    data = _long(chart)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("row:N", title=None, sort=list(chart.rows)),
            x=alt.X("value:Q", title="Referrals"),
            tooltip=["row", "value"],
        )
    )
