"""What a metric is, what it returns, and the registry of them all (the catalogue)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from coresponder.analytics.metrics.frames import Frames, validate


@dataclass(frozen=True)
class CostRates:
    """Configurable rates for the cost metrics, in the agency's currency.

    ``hourly`` is the cost of one unit-hour by unit type (police, social_worker, co_response,
    ems...); ``per_call`` a fixed cost per call by dispatched mode (dispatch, overhead, supplies).
    """

    hourly: Mapping[str, float] = field(default_factory=dict)
    per_call: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Params:
    """What a metric is asked for: the period, the windows and the rates.

    ``start``/``end`` bound the period (``end`` exclusive); ``None`` means all the data.
    ``as_of`` is the end of the data for the before/after windows (default: the last call).
    """

    start: datetime | None = None
    end: datetime | None = None
    windows: tuple[int, ...] = (90, 180, 365)
    rates: CostRates = field(default_factory=CostRates)
    as_of: datetime | None = None
    police_hours_per_call: float | None = None  # fallback for officer-hours freed


@dataclass(frozen=True)
class MetricResult:
    """A metric's answer.

    ``value`` is the headline figure (a share in 0..1, minutes, hours...; ``None`` when there is
    nothing to divide); ``parts`` the numbers behind it; ``table`` a breakdown. When a source
    is not recorded, ``available`` is False and ``note`` says which source.
    """

    name: str
    value: float | None = None
    unit: str = ""
    parts: dict[str, float | int | None] = field(default_factory=dict)
    table: pl.DataFrame | None = None
    available: bool = True
    note: str = ""

    def __str__(self) -> str:
        if not self.available:
            return f"{self.name}: {self.note}"
        if self.value is None:
            return f"{self.name}: no data"
        return f"{self.name}: {self.value:.4g} {self.unit}".rstrip()


Compute = Callable[[Frames, Params], MetricResult]


@dataclass(frozen=True)
class Metric:
    """A catalogue entry: its name, what it reads, and the function computing it.

    ``history`` metrics read calls outside the period (the before/after windows) and are given
    the unfiltered frames.
    """

    name: str
    title: str
    inputs: Mapping[str, tuple[str, ...]]
    compute: Compute
    history: bool = False

    def __call__(self, frames: Frames, params: Params | None = None) -> MetricResult:
        params = params or Params()
        for source, columns in self.inputs.items():
            frame = frames.get(source)
            if frame is None:
                return MetricResult(
                    self.name, available=False, note=f"not available: {source} is not recorded yet"
                )
            validate(source, frame, columns)
        return self.compute(frames, params)


CATALOGUE: dict[str, Metric] = {}


def metric(
    name: str, title: str, inputs: Mapping[str, tuple[str, ...]], *, history: bool = False
) -> Callable[[Compute], Metric]:
    """Register a metric in the catalogue."""

    def register(fn: Compute) -> Metric:
        if name in CATALOGUE:
            raise ValueError(f"metric {name!r} is registered twice")
        entry = Metric(name, title, inputs, fn, history)
        CATALOGUE[name] = entry
        return entry

    return register


def ratio(numerator: int | float, denominator: int | float) -> float | None:
    return None if not denominator else numerator / denominator


def share(name: str, numerator: int, denominator: int, **parts: float | int | None) -> MetricResult:
    return MetricResult(
        name,
        ratio(numerator, denominator),
        "share",
        {"numerator": numerator, "denominator": denominator, **parts},
    )
