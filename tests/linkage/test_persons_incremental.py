"""Incremental person linkage: existing mentions are cleaned once, when first linked, and
read back as stored features; the pairs and probabilities are those of cleaning them all
again, and only the existing mentions that share a blocking key with a new one reach Splink."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest

from coresponder.linkage.engine import person_cleaning, person_review
from coresponder.linkage.engine.person_cleaning import (
    FEATURES_VERSION,
    clean_mentions,
    features_frame,
    pack_features,
    read_features,
)
from coresponder.linkage.engine.person_review import _equalities, score_pairs
from coresponder.linkage.engine.persons import default_model, train
from coresponder.linkage.engine.splink_backends import make_backend
from coresponder.linkage.engine.synthetic_persons import make_mentions

TODAY = date(2026, 11, 28)
COLUMNS = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]


@pytest.fixture(scope="module")
def sample() -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    """3,000 existing mentions, 300 new ones, and a model trained on them all."""
    mentions = make_mentions(3_300, seed=21).drop(columns="person_id")
    mentions = mentions.sample(frac=1.0, random_state=21).reset_index(drop=True)
    cleaned, _ = clean_mentions(mentions, today=TODAY)
    backend = make_backend("duckdb")
    try:
        trained = train(cleaned, backend=backend)
    finally:
        backend.close()
    return mentions.iloc[:3_000], mentions.iloc[3_000:], trained


def _sorted(pairs: pd.DataFrame) -> pd.DataFrame:
    return pairs[COLUMNS].sort_values(COLUMNS[:2]).reset_index(drop=True)


def _stored(existing: pd.DataFrame) -> pd.DataFrame:
    cleaned, _ = clean_mentions(existing, today=TODAY)
    lines = pack_features(cleaned)
    return pd.DataFrame({"unique_id": lines.index, "features": lines.to_numpy()})


@pytest.mark.parametrize("which", ["trained", "default"])
def test_it_scores_stored_features_exactly_as_cleaning_everything_again(
    sample: tuple[pd.DataFrame, pd.DataFrame, Any], which: str
) -> None:
    existing, new, trained = sample
    # the trained model adjusts for term frequencies (of every mention, new and existing);
    # the default one, fitted to the file's size, does not
    model = trained if which == "trained" else default_model()
    reference = score_pairs(new, threshold=0.5, existing=existing, model=model, today=TODAY)
    cleaned, _ = clean_mentions(existing, today=TODAY)
    for given in (cleaned, _stored(existing), features_frame(cleaned)):
        fast = score_pairs(new, threshold=0.5, existing_cleaned=given, model=model, today=TODAY)
        assert len(fast.pairs) == len(reference.pairs) > 100
        # the same pairs, the same way round, the same floating-point probabilities
        pd.testing.assert_frame_equal(_sorted(fast.pairs), _sorted(reference.pairs))
        fast_bf = fast.scored.filter(like="bf_").sort_index(axis=1)
        assert set(fast_bf.columns) == set(reference.scored.filter(like="bf_").columns)
        assert "clean existing" not in fast.timings and "read existing" in fast.timings


def test_it_hands_splink_only_the_existing_mentions_sharing_a_blocking_key(
    sample: tuple[pd.DataFrame, pd.DataFrame, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    existing, new, trained = sample
    seen: list[int] = []
    real = person_review._sharing_a_key

    def spy(*args: Any) -> Any:
        found = real(*args)
        seen.append(found.height)
        return found

    monkeypatch.setattr(person_review, "_sharing_a_key", spy)
    score_pairs(new.head(20), threshold=0.5, existing_cleaned=_stored(existing), model=trained)
    assert 0 < seen[0] < len(existing) / 5


def test_it_reads_stored_features_back_as_cleaning_gives_them() -> None:
    mentions = pd.DataFrame(
        {
            "unique_id": ["1", "2", "3"],
            "first_name": ["Bob", "UNKNOWN", "Mary Ann"],
            "last_name": ["Smith", "UNKNOWN", "O'Neil-Jones"],
            "dob": ["06/04/1980", "1900-01-01", "1975"],
            "phone": ["503-555-2301", "999-999-9999", ""],
            "address": ["12 Hazel Street", "", "HOMELESS"],
        }
    )
    cleaned, _ = clean_mentions(mentions, today=TODAY)
    lines = pack_features(cleaned)
    assert lines["1"].startswith(f"{FEATURES_VERSION}|1|bob|smith|bob,robert|")
    assert lines["2"].startswith(f"{FEATURES_VERSION}|0|")  # nothing to link on
    text = "\n".join(f"{uid}|{line}" for uid, line in lines.items())
    read = read_features(text)
    assert read.equals(features_frame(cleaned))
    assert read["unique_id"].to_list() == ["1", "3"]
    assert read.row(0, named=True)["first_name_names"] == "bob,robert"
    assert read.row(1, named=True)["dob"] is None and read.row(1, named=True)["dob_year"] == "1975"
    # another version's lines are not read (their mentions are cleaned again)
    assert read_features(text.replace(f"|{FEATURES_VERSION}|", "|p0|")).height == 0
    assert read_features("").height == 0
    assert person_cleaning.features_current(lines["1"])
    assert not person_cleaning.features_current("") and not person_cleaning.features_current("p0|1")


def test_it_reads_the_equalities_a_blocking_rule_requires() -> None:
    assert _equalities('(l."last_name" = r."last_name") AND (l."dob_year" = r."dob_year")') == [
        ("last_name", "last_name"),
        ("dob_year", "dob_year"),
    ]
    assert _equalities("l.first_name = r.last_name AND l.last_name = r.first_name") == [
        ("first_name", "last_name"),
        ("last_name", "first_name"),
    ]
    rule = (
        "l.first_name_key = r.first_name_key AND l.last_name_sound = r.last_name_sound AND "
        "(l.dob_year = r.dob_year OR l.dob_year IS NULL OR l.phone = r.phone)"
    )
    assert _equalities(rule) == [
        ("first_name_key", "first_name_key"),
        ("last_name_sound", "last_name_sound"),
    ]
    assert _equalities("levenshtein(l.dob, r.dob) <= 1") == []
