"""The metrics catalogue (no Django): every metric in ``CATALOGUE``, computed from Polars frames.

from coresponder.analytics.metrics import CATALOGUE, Frames, Params, compute_dashboard
results = compute_dashboard(Frames(calls=calls, units=units), Params(start=..., end=...))
"""

from coresponder.analytics.metrics import catalogue as _catalogue  # noqa: F401  (registers)
from coresponder.analytics.metrics.base import (
    CATALOGUE,
    CostRates,
    Metric,
    MetricResult,
    Params,
)
from coresponder.analytics.metrics.dashboard import compute_dashboard, for_period
from coresponder.analytics.metrics.frames import SCHEMAS, Frames, FrameSchemaError, validate

__all__ = [
    "CATALOGUE",
    "SCHEMAS",
    "CostRates",
    "FrameSchemaError",
    "Frames",
    "Metric",
    "MetricResult",
    "Params",
    "compute_dashboard",
    "for_period",
    "validate",
]
