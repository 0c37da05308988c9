"""Who and where calls again and again: the frequent-caller rule and rolling windows, without
Django.

The rule (configurable): a person or a place is *frequent* with at least ``min_year`` calls in
the last 12 months or at least ``min_half_year`` in the last 6. The defaults follow the
programs' usual definition: more than 4 calls in 12 months, or 2 or more in 6 months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOWS = (90, 180, 365)  # days, for the rolling counts shown everywhere


@dataclass(frozen=True)
class FrequentRule:
    min_year: int = 5  # calls in the last 365 days (that is, more than 4)
    min_half_year: int = 2  # calls in the last 182 days

    def reasons(self, *, year: int, half_year: int) -> list[str]:
        """Why counts make someone frequent (empty when they do not)."""
        out = []
        if year >= self.min_year:
            out.append(f"{year} calls in 12 months (the rule: {self.min_year} or more)")
        if half_year >= self.min_half_year:
            out.append(f"{half_year} calls in 6 months (the rule: {self.min_half_year} or more)")
        return out

    def is_frequent(self, *, year: int, half_year: int) -> bool:
        return bool(self.reasons(year=year, half_year=half_year))

    def describe(self) -> str:
        return (
            f"{self.min_year} or more calls in 12 months, or {self.min_half_year} or more in "
            "6 months"
        )


HALF_YEAR_DAYS = 182


@dataclass(frozen=True)
class Counts:
    """Calls in the rolling windows ending at ``now``."""

    days_90: int = 0
    days_180: int = 0
    days_365: int = 0
    half_year: int = 0
    behavioural_health: int = 0  # of the 365-day calls
    last_call: datetime | None = None

    @property
    def behavioural_health_share(self) -> float:
        return self.behavioural_health / self.days_365 if self.days_365 else 0.0


def count_windows(times: list[datetime], bh: list[bool], *, now: datetime) -> Counts:
    """The rolling counts of one person's or place's calls (``times`` with a flag each)."""

    def within(days: int) -> list[int]:
        start = now - timedelta(days=days)
        return [i for i, t in enumerate(times) if start <= t <= now]

    year = within(365)
    return Counts(
        days_90=len(within(90)),
        days_180=len(within(180)),
        days_365=len(year),
        half_year=len(within(HALF_YEAR_DAYS)),
        behavioural_health=sum(1 for i in year if bh[i]),
        last_call=max((t for t in times if t <= now), default=None),
    )
