"""Per-person difference in differences against a matched comparison group.

Who: people whose first social-work contact (``people.first_contact_at``, the index date t0)
falls in the period, who called at least ``min_pre_calls`` times in the W days before t0 (the
frequent callers the program is for), and whose window [t0 − W, t0 + W] lies inside the data.

Comparison: for each such person, one person who was *not yet engaged* by t0 + W (no first
contact, or a later one), judged over the same dates [t0 − W, t0 + W], with the same most
frequent call category before t0 and the nearest number of calls before t0 (at most
``caliper`` apart; ties drawn at random with ``seed``), chosen with replacement. Matching on
the calls before is what takes out regression to the mean: people picked because they called
a lot tend to call less afterwards anyway, and so do their matches.

Estimate: the mean over pairs of (after − before of the person) − (after − before of the
match), with a 95 % interval from the pairs' spread (normal approximation). People with no
match within the caliper are counted and left out. Because one person can be the match of
several, the standard error is clustered on the match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from math import erfc, sqrt

import numpy as np
import polars as pl

from coresponder.analytics.evaluation.its import Estimate

Z95 = 1.959963984540054


@dataclass(frozen=True)
class DiDResult:
    effect: Estimate | None  # calls per person over the window, person vs match
    window_days: int
    treated: int  # eligible people with a first contact in the period
    matched: int
    unmatched: int
    distinct_controls: int
    treated_before: float | None  # mean calls per person
    treated_after: float | None
    control_before: float | None
    control_after: float | None
    pairs: pl.DataFrame
    summary: str
    caveats: list[str] = field(default_factory=list)


def _window_counts(calls: pl.DataFrame, index: pl.DataFrame, window: timedelta) -> pl.DataFrame:
    """Per (person_id, t0): calls in [t0 − W, t0), in (t0, t0 + W], and the most frequent
    category before."""
    joined = index.join(calls, on="person_id", how="left").filter(
        (pl.col("received_at") >= pl.col("t0") - window)
        & (pl.col("received_at") <= pl.col("t0") + window)
    )
    before = pl.col("received_at") < pl.col("t0")
    counts = joined.group_by("person_id", "t0").agg(
        before.sum().alias("before"),
        (pl.col("received_at") > pl.col("t0")).sum().alias("after"),
    )
    top = (
        joined.filter(before)
        .group_by("person_id", "t0", "category")
        .agg(pl.len().alias("n"))
        .sort("person_id", "t0", "n", "category", descending=[False, False, True, False])
        .group_by("person_id", "t0", maintain_order=True)
        .agg(pl.col("category").first().alias("top_category"))
    )
    return (
        index.join(counts, on=["person_id", "t0"], how="left")
        .join(top, on=["person_id", "t0"], how="left")
        .with_columns(pl.col("before", "after").fill_null(0).cast(pl.Int64))
    )


def _pool_counts(
    by_time: pl.DataFrame,
    times: pl.Series,
    contacts: pl.DataFrame,
    t0: datetime,
    window: timedelta,
    min_pre_calls: int,
) -> pl.DataFrame:
    """Calls before and after ``t0`` within the window, and the most frequent category before,
    for everyone not engaged by t0 + window who called at least ``min_pre_calls`` times
    before."""
    lo = int(times.search_sorted(t0 - window, side="left"))
    hi = int(times.search_sorted(t0 + window, side="right"))
    engaged = contacts.filter(pl.col("t0") <= t0 + window).select("person_id")
    rows = by_time.slice(lo, hi - lo).join(engaged, on="person_id", how="anti").lazy()
    before = pl.col("received_at") < t0
    counts = (
        rows.group_by("person_id")
        .agg(
            before.sum().alias("before"),
            (pl.col("received_at") > t0).sum().alias("after"),
        )
        .filter(pl.col("before") >= min_pre_calls)
    )
    top = (
        rows.filter(before)
        .group_by("person_id", "category")
        .agg(pl.len().alias("n"))
        .sort("person_id", "n", "category", descending=[False, True, False])
        .group_by("person_id", maintain_order=True)
        .agg(pl.col("category").first().alias("top_category"))
    )
    return (
        counts.join(top, on="person_id", how="left")
        .with_columns(pl.col("before", "after").cast(pl.Int64))
        .collect()
    )


def matched_did(
    calls: pl.DataFrame,
    people: pl.DataFrame,
    *,
    window_days: int = 180,
    start: datetime | None = None,
    end: datetime | None = None,
    as_of: datetime | None = None,
    min_pre_calls: int = 2,
    caliper: int = 1,
    seed: int = 0,
) -> DiDResult:
    """Estimate the change in calls per person after the first social-work contact, against
    matched people not yet engaged (see the module docstring for the method).

    ``calls`` needs person_id, received_at, category; ``people`` person_id, first_contact_at.
    """
    window = timedelta(days=window_days)
    calls = calls.filter(pl.col("person_id").is_not_null()).select(
        "person_id", "received_at", "category"
    )
    data_start: datetime = calls["received_at"].min()  # type: ignore[assignment]
    data_end: datetime = as_of or calls["received_at"].max()  # type: ignore[assignment]
    contacts = people.filter(pl.col("first_contact_at").is_not_null()).select(
        "person_id", pl.col("first_contact_at").alias("t0")
    )
    index = contacts.filter(
        (pl.col("t0") - window >= data_start) & (pl.col("t0") + window <= data_end)
    )
    if start is not None:
        index = index.filter(pl.col("t0") >= start)
    if end is not None:
        index = index.filter(pl.col("t0") < end)
    treated = _window_counts(calls, index, window).filter(pl.col("before") >= min_pre_calls)

    if min_pre_calls < 1:
        raise ValueError("min_pre_calls must be at least 1: the method is for frequent callers")
    # The comparison pool is everyone who calls; sorted by time, each index day reads only the
    # calls of its window.
    by_time = calls.sort("received_at")
    times = by_time["received_at"]
    rng = np.random.default_rng(seed)
    pairs = []
    unmatched = 0
    # One pass per index day: the pool is judged over the same dates as the people it matches.
    for (day,), group in treated.with_columns(pl.col("t0").dt.date().alias("day")).group_by(
        "day", maintain_order=True
    ):
        assert isinstance(day, date)
        t0_day: datetime = group["t0"].min()  # type: ignore[assignment]
        controls = _pool_counts(by_time, times, contacts, t0_day, window, min_pre_calls)
        # each match is offered under every count within the caliper of its own, so that an
        # equality join finds exactly the candidates close enough
        offered = (
            controls.select(
                pl.col("person_id").alias("control_id"),
                pl.col("before").alias("control_before"),
                pl.col("after").alias("control_after"),
                "top_category",
                pl.int_ranges(pl.col("before") - caliper, pl.col("before") + caliper + 1).alias(
                    "before"
                ),
            )
            .explode("before")
            .with_columns(pl.col("before").cast(pl.Int64))
        )
        candidates = (
            group.drop("day")
            .join(offered, on=["top_category", "before"], how="inner")
            .with_columns((pl.col("control_before") - pl.col("before")).abs().alias("distance"))
        )
        # a fixed order first, so that the seed alone decides ties (joins do not keep order)
        candidates = candidates.sort("person_id", "control_id").with_columns(
            pl.Series("tiebreak", rng.random(candidates.height))
        )
        best = (
            candidates.sort("person_id", "distance", "tiebreak")
            .group_by("person_id", maintain_order=True)
            .first()
        )
        unmatched += group.height - best.height
        pairs.append(best)
    schema: dict[str, pl.DataType] = {
        "person_id": calls.schema["person_id"],
        "t0": calls.schema["received_at"],
        "before": pl.Int64(),
        "after": pl.Int64(),
        "top_category": pl.Utf8(),
        "control_id": calls.schema["person_id"],
        "control_before": pl.Int64(),
        "control_after": pl.Int64(),
    }
    matched = (
        pl.concat([p.select(list(schema)) for p in pairs]) if pairs else pl.DataFrame(schema=schema)
    )
    return _result(matched, treated.height, unmatched, window_days)


def _result(pairs: pl.DataFrame, treated: int, unmatched: int, window_days: int) -> DiDResult:
    caveats = [
        "Matching uses calls and categories only: people first engaged may differ from their "
        "matches in ways calls do not show (why they were engaged, housing, a hospital stay).",
        "Matches are people not yet engaged, who may later be; a match can serve several "
        "people (the interval allows for that by clustering on the match) but not for the "
        "uncertainty of the matching itself: on simulated callers the 95 % interval held the "
        "true effect 82–88 % of the time, so read it as somewhat too narrow.",
        "Calls per person depend on linking calls to people; a missed link looks like a call "
        "that did not happen.",
        "Fewer calls is not the same as being better off: a person may move away, be in "
        "hospital or custody, or call another service.",
    ]
    n = pairs.height
    if n < 2:
        return DiDResult(
            None,
            window_days,
            treated,
            n,
            unmatched,
            pairs["control_id"].n_unique() if n else 0,
            None,
            None,
            None,
            None,
            pairs,
            f"Too few matched people ({n}) to estimate an effect over {window_days} days.",
            caveats,
        )
    diff = (
        ((pairs["after"] - pairs["before"]) - (pairs["control_after"] - pairs["control_before"]))
        .to_numpy()
        .astype(float)
    )
    mean = float(diff.mean())
    # Pairs sharing a match are not independent: the standard error is clustered on the match
    # (the sum of each match's residuals, squared), with the usual G/(G−1) correction.
    residual = pl.DataFrame({"g": pairs["control_id"], "r": diff - mean})
    sums = residual.group_by("g").agg(pl.col("r").sum())["r"].to_numpy()
    g = len(sums)
    se = float(np.sqrt((sums**2).sum() * g / max(g - 1, 1)) / n)
    if se > 0:
        p_value = erfc(abs(mean / se) / sqrt(2))
    else:
        p_value = 0.0 if mean else 1.0
    effect = Estimate(mean, mean - Z95 * se, mean + Z95 * se, p_value)
    columns = ("before", "after", "control_before", "control_after")
    means = {c: float(pairs[c].to_numpy().mean()) for c in columns}
    direction = "fewer" if mean < 0 else "more"
    text = (
        f"{n} frequent callers first seen by a social worker were each compared with a similar "
        f"caller not yet engaged, over {window_days} days before and after. They went from "
        f"{means['before']:.1f} to {means['after']:.1f} calls; their matches from "
        f"{means['control_before']:.1f} to {means['control_after']:.1f}. The difference is "
        f"{abs(mean):.2f} {direction} calls per person than the matches "
        f"(95 % CI {effect.low:+.2f} to {effect.high:+.2f})."
    )
    if effect.low <= 0 <= effect.high:
        text += " The interval includes no change, so this does not show an effect."
    if unmatched:
        text += f" {unmatched} people had no close match and are left out."
    return DiDResult(
        effect,
        window_days,
        treated,
        n,
        unmatched,
        pairs["control_id"].n_unique(),
        means["before"],
        means["after"],
        means["control_before"],
        means["control_after"],
        pairs,
        text,
        caveats,
    )
