"""Small-cell suppression: small counts are hidden, and nothing hidden can be worked back out
of the totals (the tests attack each table as an analyst with the published numbers would)."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.optimize import linprog

from coresponder.analytics.metrics.suppression import (
    SuppressionRule,
    suppress_crosstab,
    suppress_matrix,
)


def published_lines(shape: tuple[int, int]) -> list[list[tuple[int, int]]]:
    """The equations a reader knows: each row and column of the grid sums to its total."""
    rows, cols = shape
    lines = [[(i, j) for j in range(cols - 1)] + [(i, cols - 1)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows - 1)] + [(rows - 1, j)] for j in range(cols)]
    return lines


def attack_by_subtraction(grid: NDArray[np.int64], hidden: NDArray[np.bool_]) -> set[tuple]:
    """Repeatedly fill any line with one unknown left from its total, as a reader would."""
    known = ~hidden.copy()
    values = np.where(known, grid, 0)
    found: set[tuple] = set()
    progress = True
    while progress:
        progress = False
        for line in published_lines(grid.shape):
            unknown = [m for m in line if not known[m]]
            if len(unknown) == 1:
                (m,) = unknown
                cells, total = line[:-1], line[-1]
                if m == total:
                    values[m] = sum(values[c] for c in cells)
                else:
                    values[m] = values[total] - sum(values[c] for c in cells if c != m)
                assert values[m] == grid[m]
                known[m] = True
                found.add(m)
                progress = True
    return found


def attack_by_algebra(grid: NDArray[np.int64], hidden: NDArray[np.bool_]) -> set[tuple]:
    """A hidden cell is determined when its unit vector lies in the span of the equations."""
    unknown = [tuple(int(x) for x in idx) for idx in np.argwhere(hidden)]
    pos = {u: k for k, u in enumerate(unknown)}
    rows = []
    for line in published_lines(grid.shape):
        coeff = np.zeros(len(unknown))
        for m in line[:-1]:
            if m in pos:
                coeff[pos[m]] += 1
        if line[-1] in pos:
            coeff[pos[line[-1]]] -= 1
        if coeff.any():
            rows.append(coeff)
    if not rows:
        return set()
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    found = set()
    for u, k in pos.items():
        e = np.zeros(len(unknown))
        e[k] = 1
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            found.add(u)
    return found


def attack_by_bounds(
    grid: NDArray[np.int64], hidden: NDArray[np.bool_], cells: set[tuple]
) -> set[tuple]:
    """Least and greatest value of each cell over every table consistent with what is shown,
    every hidden cell being at least 1 while zeros are shown (a hidden cell is then not zero);
    a table that had to hide whole lines hides zeros too, and a hidden cell is then at least 0."""
    n = grid.size
    a_eq, b_eq = [], []
    for line in published_lines(grid.shape):
        coeff = np.zeros(n)
        for m in line[:-1]:
            coeff[np.ravel_multi_index(m, grid.shape)] += 1
        coeff[np.ravel_multi_index(line[-1], grid.shape)] -= 1
        a_eq.append(coeff)
        b_eq.append(0.0)
    floor = 1 if bool((grid[hidden] > 0).all()) else 0
    bounds = [
        (floor, None) if hidden.flat[k] else (int(grid.flat[k]), int(grid.flat[k]))
        for k in range(n)
    ]
    pinned = set()
    for cell in cells:
        c = np.zeros(n)
        c[np.ravel_multi_index(cell, grid.shape)] = 1
        lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs").fun
        top = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        hi = float("inf") if top.status == 3 else -top.fun  # 3: unbounded
        if hi - lo < 0.5:
            pinned.add(cell)
    return pinned


def assert_safe(grid: NDArray[np.int64], primary: NDArray[np.bool_], hidden: NDArray[np.bool_]):
    small = {tuple(int(x) for x in idx) for idx in np.argwhere(primary)}
    assert not (attack_by_subtraction(grid, hidden) & small)
    assert not (attack_by_algebra(grid, hidden) & small)
    assert not attack_by_bounds(grid, hidden, small)


def test_it_hides_a_small_cell_and_enough_others_that_the_totals_do_not_give_it_back() -> None:
    counts = [[40, 3, 25], [30, 50, 60], [20, 35, 45]]
    grid, primary, hidden = suppress_matrix(counts)
    assert primary.sum() == 1 and primary[0, 1]
    # the 3 alone would be 68 − 40 − 25: a second cell in its row and in its column is hidden
    assert hidden.sum() >= 4
    assert hidden[0, 1]
    assert_safe(grid, primary, hidden)


def test_without_complementary_suppression_the_attack_works() -> None:
    # the attack itself is real: with only the small cell hidden, the row total gives it back
    counts = np.array([[40, 3, 25], [30, 50, 60], [20, 35, 45]])
    grid, primary, _ = suppress_matrix(counts)
    assert attack_by_subtraction(grid, primary) == {(0, 1)}


def test_it_hides_small_totals_too() -> None:
    counts = [[2, 3, 0], [30, 50, 60], [20, 35, 45]]  # the first row totals 5
    grid, primary, hidden = suppress_matrix(counts)
    assert primary[0, 3], "the row total of 5 is small"
    assert not hidden[0, 2], "zeros are shown"
    assert_safe(grid, primary, hidden)


def test_it_protects_cells_the_lines_rule_alone_would_give_away() -> None:
    # two small cells in one row and one column of a 2 × 2 table: a rectangle of 4 hidden cells
    # is safe here only because the values are not pinned by the positivity of the others
    counts = [[1, 9], [9, 1]]
    grid, primary, hidden = suppress_matrix(counts)
    assert_safe(grid, primary, hidden)


def test_the_thresholds_are_a_setting() -> None:
    counts = [[40, 12, 25], [30, 50, 60], [20, 35, 45]]
    _, primary, _ = suppress_matrix(counts)
    assert not primary.any()
    grid, primary, hidden = suppress_matrix(counts, SuppressionRule(low=1, high=20))
    assert primary[0, 1]
    assert_safe(grid, primary, hidden)


def test_it_suppresses_a_one_column_table_with_its_total() -> None:
    grid, primary, hidden = suppress_matrix([[120], [4], [300]], row_totals=False)
    assert grid[-1, 0] == 424
    assert hidden[1, 0] and hidden.sum() == 2  # the 4 and the smallest other (120)
    assert hidden[0, 0]


def test_it_suppresses_a_crosstab_from_a_long_frame() -> None:
    frame = pl.DataFrame(
        {
            "district": ["north", "north", "south", "south", "east", "east"],
            "mode": ["police", "alternative"] * 3,
            "count": [400, 7, 300, 120, 250, 90],
        }
    )
    shown = suppress_crosstab(frame, "district", "mode")
    table = shown.table
    assert table.columns == ["district", "alternative", "police", "total"]
    assert table["district"].to_list() == ["east", "north", "south", "total"]
    north = table.filter(pl.col("district") == "north").row(0, named=True)
    assert north["alternative"] is None
    assert ("north", "alternative", "primary") in shown.hidden
    assert any(reason == "complementary" for _, _, reason in shown.hidden)
    # every row with a hidden cell has at least two
    for row in table.iter_rows():
        assert sum(v is None for v in row[1:]) in (0, 2, 3, 4)


@settings(max_examples=40, deadline=None)
@example(counts=[[0, 0, 0], [1, 1, 11]])  # whole lines hidden, zeros with them
@given(
    st.integers(2, 5).flatmap(
        lambda r: st.integers(2, 5).flatmap(
            lambda c: st.lists(
                st.lists(
                    st.one_of(st.integers(0, 12), st.integers(11, 200)), min_size=c, max_size=c
                ),
                min_size=r,
                max_size=r,
            )
        )
    )
)
def test_no_small_cell_can_be_derived_from_any_table(counts: list[list[int]]) -> None:
    grid, primary, hidden = suppress_matrix(counts)
    assert_safe(grid, primary, hidden)
    assert not (primary & ~hidden).any()


@pytest.mark.parametrize("values", list(itertools.product([0, 1, 11], repeat=4)))
def test_every_two_by_two_table_is_safe(values: tuple[int, ...]) -> None:
    counts = np.array(values).reshape(2, 2)
    grid, primary, hidden = suppress_matrix(counts)
    assert_safe(grid, primary, hidden)
