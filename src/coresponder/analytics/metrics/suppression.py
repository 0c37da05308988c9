"""Small-cell suppression for aggregates shown to analysts, with complementary suppression.

A cell whose count is between ``low`` and ``high`` (1 and 10 by default, a setting) is hidden
(primary suppression). Hiding it is not enough when the table shows totals: a row total minus
the cells shown gives it back. So further cells are hidden (complementary suppression) until
no hidden count can be worked out from the totals:

1. every row and column (totals included) holds either no hidden cell or at least two; the
   next cell hidden is the smallest positive one shown in that line (then its total, then a
   zero), which hides as little as possible;
2. then an attacker's check: for each primary cell, the smallest and largest value it can take
   given every published number (a linear programme over the hidden cells, each at least 1
   when every hidden count is positive). A cell whose range is a single value is given away
   by the totals, and the smallest shown positive cell in its row or column is hidden too.
   The two steps repeat until nothing changes.

This is a simple heuristic; it hides more than an optimal solver would, and
is safe against sums of rows and columns (and their combinations), which is what a published
table allows. Zeros are shown: a zero is not a small count of people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray
from scipy.optimize import linprog

TOTAL = "total"


@dataclass(frozen=True)
class SuppressionRule:
    low: int = 1
    high: int = 10

    def is_small(self, values: NDArray[np.int64]) -> NDArray[np.bool_]:
        return (values >= self.low) & (values <= self.high)


@dataclass
class Grid:
    """The published grid: the cells, with a total column and/or a total row appended."""

    values: NDArray[np.int64]
    lines: list[list[tuple[int, int]]]  # each line: its cells, the total last
    interior_rows: int
    interior_cols: int

    @classmethod
    def build(cls, counts: NDArray[np.int64], row_totals: bool, col_totals: bool) -> Grid:
        r, c = counts.shape
        values = np.zeros((r + int(col_totals), c + int(row_totals)), dtype=np.int64)
        values[:r, :c] = counts
        lines: list[list[tuple[int, int]]] = []
        if row_totals:
            values[:r, c] = counts.sum(axis=1)
            for i in range(values.shape[0]):
                lines.append([(i, j) for j in range(c)] + [(i, c)])
        if col_totals:
            values[r, :c] = counts.sum(axis=0)
            if row_totals:
                values[r, c] = counts.sum()
            for j in range(values.shape[1]):
                lines.append([(i, j) for i in range(r)] + [(r, j)])
        return cls(values, lines, r, c)

    def is_total(self, cell: tuple[int, int]) -> bool:
        return cell[0] >= self.interior_rows or cell[1] >= self.interior_cols


def value_range(
    grid: Grid, hidden: NDArray[np.bool_], cell: tuple[int, int], floor: int
) -> tuple[float, float]:
    """The least and the greatest value ``cell`` can take given every published number: the
    cells shown, and each line's cells summing to its total (hidden cells at least ``floor``)."""
    unknown = [tuple(int(x) for x in idx) for idx in np.argwhere(hidden)]
    position = {u: k for k, u in enumerate(unknown)}
    rows: list[list[float]] = []
    rhs: list[float] = []
    for line in grid.lines:
        cells, total = line[:-1], line[-1]
        coefficients = [0.0] * len(unknown)
        known = 0.0
        involved = False
        for sign, members in ((1.0, cells), (-1.0, [total])):
            for m in members:
                if m in position:
                    coefficients[position[m]] += sign
                    involved = True
                else:
                    known += sign * float(grid.values[m])
        if involved:
            rows.append(coefficients)
            rhs.append(-known)
    target = position[cell]
    objective = np.zeros(len(unknown))
    bounds = [(float(floor), None)] * len(unknown)
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    ends: list[float] = []
    for sign in (1.0, -1.0):
        objective[:] = 0
        objective[target] = sign
        res = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if res.status == 3:  # unbounded: the cell is in no equation with a known total
            ends.append(float("-inf") if sign > 0 else float("inf"))
            continue
        if not res.success:
            raise RuntimeError(f"suppression check failed: {res.message}")
        ends.append(sign * float(res.fun))
    return ends[0], ends[1]


def _next_in(
    grid: Grid, hidden: NDArray[np.bool_], line: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    shown = [m for m in line if not hidden[m]]
    if not shown:
        return None

    def cost(m: tuple[int, int]) -> tuple[int, int, int]:
        v = int(grid.values[m])
        # positive interior cells first (smallest), then totals, then zeros
        return (0 if v > 0 and not grid.is_total(m) else 1 if v > 0 else 2, v, 0)

    return min(shown, key=cost)


def _lines_of(grid: Grid, cell: tuple[int, int]) -> list[list[tuple[int, int]]]:
    return [line for line in grid.lines if cell in line]


def suppress_matrix(
    counts: NDArray[np.int64] | Sequence[Sequence[int]],
    rule: SuppressionRule | None = None,
    *,
    row_totals: bool = True,
    col_totals: bool = True,
) -> tuple[NDArray[np.int64], NDArray[np.bool_], NDArray[np.bool_]]:
    """Suppress a table of counts published with its totals.

    Returns (grid, primary, hidden): the grid of counts with the total column and/or row
    appended, the cells hidden as small, and every cell hidden (primary and complementary).
    """
    rule = rule or SuppressionRule()
    matrix = np.asarray(counts, dtype=np.int64)
    if matrix.ndim != 2:
        raise ValueError("counts must be a two-dimensional table")
    grid = Grid.build(matrix, row_totals, col_totals)
    primary = rule.is_small(grid.values)
    hidden = primary.copy()
    for _ in range(grid.values.size):
        changed = True
        while changed:
            changed = False
            for line in grid.lines:
                if int(hidden[tuple(np.array(line).T)].sum()) == 1:
                    pick = _next_in(grid, hidden, line)
                    if pick is not None:
                        hidden[pick] = True
                        changed = True
        floor = 1 if bool((grid.values[hidden] > 0).all()) else 0
        exposed = None
        for idx in np.argwhere(primary):
            cell = (int(idx[0]), int(idx[1]))
            lo, hi = value_range(grid, hidden, cell, floor)
            if hi - lo < 0.5:
                exposed = cell
                break
        if exposed is None:
            return grid.values, primary, hidden
        picks = [p for line in _lines_of(grid, exposed) if (p := _next_in(grid, hidden, line))]
        if not picks:
            break
        hidden[min(picks, key=lambda m: int(grid.values[m]))] = True
    # could not protect by steps: hide every cell of every line holding a hidden cell
    for line in grid.lines:
        if hidden[tuple(np.array(line).T)].any():
            hidden[tuple(np.array(line).T)] = True
    return grid.values, primary, hidden


@dataclass(frozen=True)
class SuppressedTable:
    """A crosstab ready to show: hidden cells are null; ``hidden`` lists them with the reason."""

    table: pl.DataFrame
    hidden: list[tuple[str, str, str]]  # (row label, column label, "primary"/"complementary")


def suppress_crosstab(
    frame: pl.DataFrame,
    rows: str,
    columns: str,
    value: str = "count",
    rule: SuppressionRule | None = None,
) -> SuppressedTable:
    """Pivot a long frame of counts (rows × columns), append the totals and suppress it.

    Row and column labels are shown as strings; the total row and column are named "total".
    """
    row_labels = [str(v) for v in frame[rows].unique(maintain_order=True).sort().to_list()]
    col_labels = [str(v) for v in frame[columns].unique(maintain_order=True).sort().to_list()]
    ri = {label: i for i, label in enumerate(row_labels)}
    ci = {label: j for j, label in enumerate(col_labels)}
    matrix = np.zeros((len(row_labels), len(col_labels)), dtype=np.int64)
    for r, c, v in frame.select(rows, columns, value).iter_rows():
        matrix[ri[str(r)], ci[str(c)]] += int(v)
    values, primary, hidden = suppress_matrix(matrix, rule)
    all_rows, all_cols = [*row_labels, TOTAL], [*col_labels, TOTAL]
    data: dict[str, list[object]] = {rows: list(all_rows)}
    for j, label in enumerate(all_cols):
        data[label] = [None if hidden[i, j] else int(values[i, j]) for i in range(len(all_rows))]
    schema = {rows: pl.Utf8, **{label: pl.Int64 for label in all_cols}}
    listing = [
        (all_rows[i], all_cols[j], "primary" if primary[i, j] else "complementary")
        for i, j in np.argwhere(hidden)
    ]
    return SuppressedTable(pl.DataFrame(data, schema=schema), listing)
