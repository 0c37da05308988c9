"""Person linkage on Splink's fake_1000 (1,000 synthetic records with their true clusters),
read in place from ../shared/data when present."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

from coresponder.linkage.engine.persons import ExtraComparison, link_persons

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "splink_fake_1000"
ABSENT = f"{DATA} is not present (the shared data folder beside the project)"
pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not DATA.is_dir(), reason=ABSENT)]


def _pairs(frame: pd.DataFrame, column: str) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for _, ids in frame.groupby(column)["unique_id"]:
        pairs.update(combinations(sorted(ids), 2))
    return pairs


def test_it_finds_fake_1000s_clusters_precisely() -> None:
    frame = pd.read_csv(DATA / "fake_1000.csv", dtype=str)
    mentions = frame.rename(columns={"surname": "last_name", "city": "address"})
    result = link_persons(
        mentions[["unique_id", "first_name", "last_name", "dob", "address", "email"]],
        extra=[ExtraComparison("email", block=True)],
    )
    out = result.clusters.merge(frame[["unique_id", "cluster"]], on="unique_id")
    truth, found = _pairs(out, "cluster"), _pairs(out, "cluster_id")
    hits = len(truth & found)
    assert hits / len(found) >= 0.97  # precision
    assert hits / len(truth) >= 0.6  # recall: fake_1000's duplicates are heavily corrupted
    assert result.report.nulled["dob"]["in the future"] > 0
