"""Evaluation of the program's effect on calls (no Django): an interrupted time series of monthly
calls around the program's start, and a per-person difference in differences against a
matched comparison group. Both return their estimates with 95 % confidence intervals, a
plain-language summary and the caveats to print next to the numbers."""

from coresponder.analytics.evaluation.did import DiDResult, matched_did
from coresponder.analytics.evaluation.its import (
    Estimate,
    ITSResult,
    interrupted_time_series,
    monthly_counts,
)

__all__ = [
    "DiDResult",
    "Estimate",
    "ITSResult",
    "interrupted_time_series",
    "matched_did",
    "monthly_counts",
]
