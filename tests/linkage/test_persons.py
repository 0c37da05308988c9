"""Linking person mentions: small hand-made files on the default model, a model estimated
without labels from synthetic mentions, and the model's JSON."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

from coresponder.linkage.engine.persons import (
    DEFAULT_THRESHOLD,
    ExtraComparison,
    PersonModel,
    default_model,
    link_persons,
)
from coresponder.linkage.engine.synthetic_persons import make_mentions

COLUMNS = ["unique_id", "first_name", "last_name", "dob", "phone", "address"]


def _frame(*rows: tuple[str | None, ...]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=COLUMNS)


def _cluster_of(result: pd.DataFrame) -> dict[str, str]:
    return dict(zip(result["unique_id"], result["cluster_id"], strict=True))


def _pairs(frame: pd.DataFrame, column: str) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for _, ids in frame.groupby(column)["unique_id"]:
        pairs.update(combinations(sorted(ids), 2))
    return pairs


@pytest.fixture(scope="module")
def trained() -> tuple[pd.DataFrame, PersonModel, pd.DataFrame]:
    """3,000 synthetic mentions linked with a model estimated from them."""
    mentions = make_mentions(3_000, seed=5)
    result = link_persons(mentions.drop(columns="person_id"))
    return mentions, result.model, result.clusters


def test_it_links_a_nickname_with_the_same_date_of_birth() -> None:
    result = link_persons(
        _frame(
            ("1", "Robert", "Smith", "1980-06-04", "206-555-1234", "100 Main St"),
            ("2", "Bob", "Smith", "06/04/1980", None, "100 MAIN STREET"),
            ("3", "Roberta", "Smithers", "1955-01-09", None, "9 Elm St"),
        )
    )
    clusters = _cluster_of(result.clusters)
    assert result.model_source == "default"
    assert clusters["1"] == clusters["2"] != clusters["3"]
    linked = result.clusters.set_index("unique_id")["match_probability"]
    assert linked["1"] >= DEFAULT_THRESHOLD and pd.isna(linked["3"])


def test_it_links_a_date_of_birth_with_day_and_month_swapped() -> None:
    result = link_persons(
        _frame(
            ("1", "Maria", "Lopez", "1975-03-12", None, "22 Oak Ave"),
            ("2", "Maria", "Lopez", "1975-12-03", None, "22 OAK AVENUE"),
            ("3", "Maria", "Lopez", "1991-07-30", None, "5 Pine St"),
        )
    )
    clusters = _cluster_of(result.clusters)
    assert clusters["1"] == clusters["2"] != clusters["3"]


def test_it_links_first_and_last_names_written_the_wrong_way_round() -> None:
    result = link_persons(
        _frame(
            ("1", "Nguyen", "Minh", "1988-02-17", "2065550188", None),
            ("2", "Minh", "Nguyen", "1988-02-17", "(206) 555-0188", None),
        )
    )
    assert result.clusters["cluster_id"].nunique() == 1


def test_placeholder_mentions_are_never_linked() -> None:
    placeholders = [
        (str(i), "UNKNOWN", "UNKNOWN", "1900-01-01", "999-999-9999", "UNKNOWN") for i in range(5)
    ]
    placeholders += [
        ("5", "John", "Doe", None, "999-999-9999", None),
        ("6", "J", "D", "2090-01-01", "000-000-0000", None),
        ("7", "Jane", "Doe", "1900-01-01", None, None),
    ]
    result = link_persons(_frame(*placeholders))
    assert result.clusters["cluster_id"].nunique() == len(placeholders)
    assert result.clusters["match_probability"].isna().all()
    assert result.report.unlinkable == len(placeholders)
    assert result.report.nulled["phone"]["placeholder"] == 7


def test_a_shared_address_alone_does_not_link_strangers() -> None:
    result = link_persons(
        _frame(
            ("1", "Alice", "Walker", "1970-01-15", None, "500 Shelter Way"),
            ("2", "Tomas", "Okafor", "1992-11-03", None, "500 Shelter Way"),
        )
    )
    assert result.clusters["cluster_id"].nunique() == 2


def test_every_mention_gets_a_cluster_in_input_order() -> None:
    frame = _frame(
        ("b", "Ann", "Lee", "1960-01-01", None, None),
        ("a", None, None, None, None, None),
        ("c", "Ann", "Lee", "1960-01-01", None, None),
    )
    result = link_persons(frame)
    assert result.clusters["unique_id"].tolist() == ["b", "a", "c"]
    clusters = _cluster_of(result.clusters)
    assert clusters["a"] == "a" and clusters["b"] == clusters["c"]


def test_it_checks_its_arguments() -> None:
    frame = _frame(("1", "Ann", "Lee", None, None, None))
    with pytest.raises(ValueError, match="probability"):
        link_persons(frame, threshold=1.5)
    with pytest.raises(ValueError, match="backend"):
        link_persons(frame, backend="oracle")
    with pytest.raises(ValueError, match="extra"):
        link_persons(frame.assign(ssn="1"), extra=[ExtraComparison("ssn")])
    with pytest.raises(ValueError, match="already compared"):
        ExtraComparison("phone")
    assert ExtraComparison.parse("ssn:exact:block") == ExtraComparison("ssn", "exact", True)
    assert ExtraComparison.parse("postcode") == ExtraComparison("postcode", "fuzzy", False)


def test_a_model_estimated_without_labels_finds_the_synthetic_people(
    trained: tuple[pd.DataFrame, PersonModel, pd.DataFrame],
) -> None:
    mentions, model, clusters = trained
    truth = _pairs(mentions, "person_id")
    found = _pairs(clusters, "cluster_id")
    hits = len(found & truth)
    assert hits / len(found) >= 0.95  # precision
    assert hits / len(truth) >= 0.85  # recall
    assert model.training_rows > 2_900


def test_the_model_round_trips_through_its_json(
    tmp_path: Path, trained: tuple[pd.DataFrame, PersonModel, pd.DataFrame]
) -> None:
    mentions, model, clusters = trained
    path = tmp_path / "model.json"
    model.save(path)
    data = json.loads(path.read_text())
    assert data["model_version"] == model.model_version
    assert data["model_version"].startswith("persons-1-")
    assert data["splink_settings"]["comparisons"][0]["output_column_name"] == "first_name"
    loaded = PersonModel.load(path)
    assert loaded.model_version == model.model_version
    again = link_persons(mentions.drop(columns="person_id"), model=loaded)
    assert again.model_source == "given"
    assert _pairs(again.clusters, "cluster_id") == _pairs(clusters, "cluster_id")


def test_a_model_edited_by_hand_or_of_another_schema_is_refused(
    trained: tuple[pd.DataFrame, PersonModel, pd.DataFrame],
) -> None:
    data = trained[1].as_dict()
    data["splink_settings"]["probability_two_random_records_match"] = 0.5
    with pytest.raises(ValueError, match="version"):
        PersonModel.from_dict(json.loads(json.dumps(data)))
    data["schema"] = "coresponder.person-linkage/0"
    with pytest.raises(ValueError, match="train it again"):
        PersonModel.from_dict(data)
    with pytest.raises(ValueError, match="envelope"):
        PersonModel.from_dict({"link_type": "dedupe_only"})


def test_the_model_is_rewritten_for_spark_with_the_same_parameters() -> None:
    model = default_model()
    spark = model.settings_for("spark")
    assert spark["sql_dialect"] == "spark"
    ours = model.splink_settings["comparisons"]
    for theirs, mine in zip(spark["comparisons"], ours, strict=True):
        for a, b in zip(theirs["comparison_levels"], mine["comparison_levels"], strict=True):
            assert a.get("m_probability") == b.get("m_probability")
            assert a.get("u_probability") == b.get("u_probability")
    sql = json.dumps(spark)
    assert "jaro_winkler_similarity" not in sql  # DuckDB's name for it


def test_the_default_model_is_versioned_and_loads() -> None:
    model = default_model()
    assert model.model_version.startswith("persons-1-")
    assert model.training_rows >= 100_000
