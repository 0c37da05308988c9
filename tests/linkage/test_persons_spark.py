"""The same person model on Splink's Spark backend, in local mode, when pyspark is installed
(`pip install 'coresponder[spark]'`); skipped otherwise."""

from __future__ import annotations

import shutil
from itertools import combinations

import pandas as pd
import pytest

from coresponder.linkage.engine.person_cleaning import clean_mentions
from coresponder.linkage.engine.persons import link_persons, train
from coresponder.linkage.engine.synthetic_persons import make_mentions

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (the spark extra)")
pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")


def _pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for _, ids in frame.groupby("cluster_id")["unique_id"]:
        pairs.update(combinations(sorted(ids), 2))
    return pairs


@pytest.fixture(scope="module")
def spark_backend():
    from coresponder.linkage.engine.splink_backends import SparkBackend

    backend = SparkBackend(partitions=1)
    yield backend
    backend.spark.stop()


def test_spark_estimates_and_links_like_duckdb(spark_backend) -> None:
    mentions = make_mentions(800, seed=21).drop(columns="person_id")
    cleaned, _ = clean_mentions(mentions)
    model = train(cleaned, backend=spark_backend, max_u_pairs=5e4, max_iterations=5)
    assert model.splink_settings["sql_dialect"] == "spark"
    assert 0 < model.splink_settings["probability_two_random_records_match"] < 0.01

    on_spark = link_persons(mentions, model=model, backend=spark_backend)
    on_duckdb = link_persons(mentions, model=model, backend="duckdb")
    assert len(on_spark.clusters) == len(mentions)
    spark_pairs, duckdb_pairs = _pairs(on_spark.clusters), _pairs(on_duckdb.clusters)
    assert spark_pairs  # it found people mentioned more than once
    # the same model on either engine: the same links, bar floating-point ties at the threshold
    assert len(spark_pairs ^ duckdb_pairs) <= 0.01 * len(duckdb_pairs)
