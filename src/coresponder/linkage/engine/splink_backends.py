"""The engines Splink runs on, behind one small class: DuckDB in-process, Spark for regions.

The model, its comparisons and its blocking rules are the same on every backend; only where
the pairs are computed changes. No Django.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import pandas as pd

BACKENDS = ("duckdb", "spark")


class SplinkBackend(ABC):
    """Makes Splink's database API and loads a pandas frame into it."""

    name: str

    @abstractmethod
    def db_api(self) -> Any:
        """A Splink ``DatabaseAPI`` for this engine."""

    def table(self, frame: pd.DataFrame) -> Any:
        """The frame as something Splink's ``Linker`` accepts on this engine."""
        return frame

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release what the backend holds (a DuckDB connection; a Spark session stays up)."""


class DuckDBBackend(SplinkBackend):
    """In-process DuckDB: the default, a million mentions on a laptop."""

    name = "duckdb"

    def __init__(self, *, threads: int | None = None, memory_limit: str | None = None) -> None:
        import duckdb

        self.connection = duckdb.connect()
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.connection.execute("SET memory_limit = ?", [memory_limit])
        self.connection.execute("SET preserve_insertion_order = false")
        self.connection.execute("SET enable_progress_bar = false")

    def db_api(self) -> Any:
        from splink import DuckDBAPI

        return DuckDBAPI(connection=self.connection)

    def close(self) -> None:
        self.connection.close()


class SparkBackend(SplinkBackend):
    """Splink on Spark. Without a session given, a local one (``local[*]``) is started with
    Splink's string-similarity functions on its class path."""

    name = "spark"

    def __init__(self, spark_session: Any | None = None, *, partitions: int = 8) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raise RuntimeError(
                "the Spark backend needs pyspark: pip install 'coresponder[spark]'"
            ) from exc
        if spark_session is None:
            from splink.backends.spark import similarity_jar_location

            spark_session = (
                SparkSession.builder.master("local[*]")
                .appName("coresponder-linkage")
                .config("spark.jars", similarity_jar_location())
                .config("spark.sql.shuffle.partitions", str(partitions))
                .config("spark.default.parallelism", str(partitions))
                .config("spark.ui.enabled", "false")
                .config("spark.sql.execution.arrow.pyspark.enabled", "false")
                .config("spark.driver.memory", "2g")
                .getOrCreate()
            )
            spark_session.sparkContext.setCheckpointDir(_checkpoint_dir())
        self.spark = spark_session

    def db_api(self) -> Any:
        from splink import SparkAPI

        return SparkAPI(spark_session=self.spark, break_lineage_method="parquet")

    def table(self, frame: pd.DataFrame) -> Any:
        from pyspark.sql import types as T

        fields = []
        for column in frame.columns:
            if column == "first_name_names":
                kind: Any = T.ArrayType(T.StringType())
            elif column == "linkable":
                kind = T.BooleanType()
            else:
                kind = T.StringType()
            fields.append(T.StructField(column, kind, True))
        rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
        return self.spark.createDataFrame(rows, schema=T.StructType(fields))


def _checkpoint_dir() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="coresponder-spark-")


def make_backend(name: str, **options: Any) -> SplinkBackend:
    """``duckdb`` (default) or ``spark``."""
    if name == "duckdb":
        return DuckDBBackend(**options)
    if name == "spark":
        return SparkBackend(**options)
    raise ValueError(f"unknown backend {name!r}: choose one of {', '.join(BACKENDS)}")
