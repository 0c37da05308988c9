"""Linking person mentions across calls and case records: a Fellegi–Sunter model with Splink.

A mention is a row with a ``unique_id`` and any of a first name, a last name, a date of
birth, a phone and an address (plus any extra columns to compare). The engine

1. **cleans** the mentions (``person_cleaning``): placeholders and impossible values to null,
   reported; mentions with no usable identifier are set aside and never linked;
2. **trains** the model on the mentions themselves, without labels: the prior from
   deterministic rules, ``u`` probabilities by random sampling, ``m`` probabilities by
   expectation maximisation over three blocked samples;
3. **scores** the pairs that the blocking rules let through, with term-frequency adjustments
   on names, phones and addresses (a common surname agreeing says less than a rare one);
4. **clusters** the pairs at a chosen match probability (connected components).

The comparisons, their levels and the blocking rules are the same on every backend (DuckDB by
default, Spark for regional data); a trained model is written as Splink's settings JSON inside
a small envelope that names its version, and can be re-applied on either backend.
docs/linkage-persons.md explains the model. No Django.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from coresponder.linkage.engine.person_cleaning import CleaningReport, clean_mentions
from coresponder.linkage.engine.splink_backends import SplinkBackend, make_backend

SCHEMA = "coresponder.person-linkage/1"  # the comparisons and levels below; bump on change
DEFAULT_THRESHOLD = 0.95
# fewer linkable mentions than this are too few to estimate a model from: the default model
# (estimated from synthetic mentions, see default_model) links them instead
MIN_TRAINING_MENTIONS = 500
DEFAULT_MODEL_PATH = Path(__file__).parent / "data" / "persons_default_model.json"
EXTRA_KINDS = ("exact", "fuzzy")
MODEL_COLUMNS = (
    "unique_id", "first_name", "last_name", "first_name_names", "first_name_key",
    "first_name_sound", "last_name_sound", "dob", "dob_year", "dob_year_month", "dob_swapped",
    "phone", "address", "address_number",
)  # fmt: skip

# the samples expectation maximisation learns m from; a comparison is estimated only in the
# samples not blocked on its own columns
EM_RULES = (
    ("first_name", "last_name"),  # date of birth, phone, address, extra columns
    ("dob", "first_name_sound"),  # last name
    ("dob", "last_name_sound"),  # first name
    ("dob", "address_number"),  # both names, swapped names among them
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtraComparison:
    """A further column compared: ``exact`` (agree or not) or ``fuzzy`` (also one edit away,
    or close by Jaro-Winkler), with term-frequency adjustment on agreement."""

    column: str
    kind: str = "fuzzy"
    block: bool = False  # also score every pair agreeing on it (an identifier number)

    def __post_init__(self) -> None:
        if self.kind not in EXTRA_KINDS:
            raise ValueError(f"{self.column}: kind must be one of {', '.join(EXTRA_KINDS)}")
        if self.column in MODEL_COLUMNS or self.column in ("linkable", "cluster_id"):
            raise ValueError(f"{self.column!r} is already compared")

    @classmethod
    def parse(cls, text: str) -> ExtraComparison:
        """``postcode`` (fuzzy), ``state:exact``, ``ssn:exact:block``."""
        column, *options = [part.strip() for part in text.split(":")]
        kinds = [option for option in options if option != "block"]
        if len(kinds) > 1:
            raise ValueError(f"{text!r}: write COLUMN[:exact|fuzzy][:block]")
        return cls(column, kinds[0] if kinds else "fuzzy", "block" in options)


# --- the model's shape -----------------------------------------------------------------------


def _swapped_with_typo_level() -> Any:
    from splink.internals.comparison_level_creator import ComparisonLevelCreator

    class SwappedWithTypo(ComparisonLevelCreator):
        """First and last names swapped, each close by Jaro-Winkler (>= 0.9) to the other's."""

        def create_sql(self, sql_dialect: Any) -> str:
            jw = sql_dialect.jaro_winkler_function_name
            return (
                f"{jw}(first_name_l, last_name_r) >= 0.9 AND {jw}(last_name_l, first_name_r) >= 0.9"
            )

        def create_label_for_charts(self) -> str:
            return "first and last names swapped, with a typo"

    return SwappedWithTypo()


def _comparisons(extra: Sequence[ExtraComparison]) -> list[Any]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    def name(column: str, *, nickname: bool) -> Any:
        levels: list[Any] = [
            cll.NullLevel(column),
            cll.ExactMatchLevel(column, term_frequency_adjustments=True),
            # swapped names are seen by EM only in its sample blocked on date of birth and
            # house number; where that finds none the starting m stays (one in fifty)
            cll.ColumnsReversedLevel("first_name", "last_name", symmetrical=True).configure(
                label_for_charts="first and last names swapped", m_probability=0.02
            ),
            _swapped_with_typo_level().configure(m_probability=0.005),
        ]
        if nickname:
            levels.append(
                cll.ArrayIntersectLevel("first_name_names", 1).configure(
                    label_for_charts="nickname of the same name"
                )
            )
        levels += [
            cll.JaroWinklerLevel(column, 0.92).configure(label_for_charts="typo (JW >= 0.92)"),
            cll.ExactMatchLevel(f"{column}_sound").configure(label_for_charts="sounds alike"),
            cll.JaroWinklerLevel(column, 0.8).configure(label_for_charts="similar (JW >= 0.8)"),
            cll.ElseLevel(),
        ]
        return cl.CustomComparison(levels, output_column_name=column)

    dob = cl.CustomComparison(
        [
            cll.NullLevel("dob_year"),
            cll.ExactMatchLevel("dob").configure(label_for_charts="same date"),
            cll.CustomLevel("dob_l = dob_swapped_r").configure(
                label_for_charts="day and month swapped"
            ),
            cll.DamerauLevenshteinLevel("dob", 1).configure(label_for_charts="one digit off"),
            cll.CustomLevel(
                "(dob_l IS NULL OR dob_r IS NULL) AND dob_year_month_l = dob_year_month_r"
            ).configure(label_for_charts="year and month agree, day missing"),
            cll.CustomLevel(
                "(dob_l IS NULL OR dob_r IS NULL) AND dob_year_l = dob_year_r"
            ).configure(label_for_charts="year agrees, the rest missing"),
            cll.ExactMatchLevel("dob_year").configure(label_for_charts="same year, other date"),
            cll.ElseLevel(),
        ],
        output_column_name="dob",
    )
    phone = cl.CustomComparison(
        [
            cll.NullLevel("phone"),
            cll.ExactMatchLevel("phone", term_frequency_adjustments=True),
            cll.DamerauLevenshteinLevel("phone", 1).configure(label_for_charts="one digit off"),
            cll.ElseLevel(),
        ],
        output_column_name="phone",
    )
    address = cl.CustomComparison(
        [
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("address", 0.9).configure(label_for_charts="typo (JW >= 0.9)"),
            cll.And(
                cll.ExactMatchLevel("address_number"), cll.JaroWinklerLevel("address", 0.7)
            ).configure(label_for_charts="same house number, similar (JW >= 0.7)"),
            cll.JaroWinklerLevel("address", 0.8).configure(label_for_charts="similar (JW >= 0.8)"),
            cll.ExactMatchLevel("address_number").configure(label_for_charts="same house number"),
            cll.ElseLevel(),
        ],
        output_column_name="address",
    )
    comparisons = [name("first_name", nickname=True), name("last_name", nickname=False)]
    comparisons += [dob, phone, address]
    for item in extra:
        levels: list[Any] = [cll.NullLevel(item.column), cll.ExactMatchLevel(item.column, True)]
        if item.kind == "fuzzy":
            levels += [
                cll.DamerauLevenshteinLevel(item.column, 1),
                cll.JaroWinklerLevel(item.column, 0.88),
            ]
        levels.append(cll.ElseLevel())
        comparisons.append(cl.CustomComparison(levels, output_column_name=item.column))
    return comparisons


def blocking_rules() -> list[Any]:
    """The pairs scored: each true match should satisfy at least one rule, and together they
    keep the number of pairs near-linear in the number of mentions."""
    from splink import block_on

    return [
        # nicknames and surname typos, unless the dates of birth disagree and nothing else
        # does (the join is on the names; the rest only filters the pairs it makes)
        "l.first_name_key = r.first_name_key AND l.last_name_sound = r.last_name_sound AND "
        "(l.dob_year = r.dob_year OR l.dob_year IS NULL OR r.dob_year IS NULL "
        "OR levenshtein(l.dob, r.dob) <= 1 OR l.address_number = r.address_number "
        "OR l.phone = r.phone)",
        block_on("last_name", "dob_year"),  # given-name changes and typos
        block_on("first_name", "dob"),  # surname changes (marriage) and typos
        block_on("dob", "address_number"),  # both names misspelt
        block_on("first_name", "address_number"),  # surname missing or changed, no dob
        block_on("last_name", "address_number"),  # given name misspelt, no dob
        block_on("phone"),
        block_on("address", "first_name_sound"),
        block_on("address", "dob_year"),
        "l.first_name = r.last_name AND l.last_name = r.first_name",  # transposed names
    ]


def _extra_rules(extra: Sequence[ExtraComparison]) -> list[Any]:
    """Every extra column blocks with the year of birth, the house number and the sound of
    each name; one marked ``block`` (an identifier number, rare values) also on its own."""
    from splink import block_on

    rules: list[Any] = []
    for item in extra:
        if item.block:
            rules.append(block_on(item.column))
        for other in ("dob_year", "address_number", "first_name_sound", "last_name_sound"):
            rules.append(block_on(item.column, other))
    return rules


def settings_creator(extra: Sequence[ExtraComparison] = (), max_iterations: int = 25) -> Any:
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=_comparisons(extra),
        blocking_rules_to_generate_predictions=[*blocking_rules(), *_extra_rules(extra)],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=max_iterations,
        em_convergence=0.0001,
    )


# --- a trained model and its JSON ------------------------------------------------------------


@dataclass
class PersonModel:
    """A trained model: Splink's settings (with the estimated parameters) and their version."""

    splink_settings: dict[str, Any]
    extra: tuple[ExtraComparison, ...] = ()
    trained_at: str = ""
    training_rows: int = 0
    schema: str = SCHEMA

    @property
    def model_version(self) -> str:
        """``persons-1-<hash>``: the hash of the parameters, so equal models share a version."""
        parameters = {
            "schema": self.schema,
            "extra": [[item.column, item.kind, item.block] for item in self.extra],
            "prior": self.splink_settings.get("probability_two_random_records_match"),
            "levels": [
                [
                    [level.get("m_probability"), level.get("u_probability")]
                    for level in comparison["comparison_levels"]
                ]
                for comparison in self.splink_settings["comparisons"]
            ],
        }
        text = json.dumps(parameters, sort_keys=True, default=str)
        return f"persons-1-{hashlib.sha256(text.encode()).hexdigest()[:12]}"

    def settings_for(self, dialect: str) -> dict[str, Any]:
        """Splink's settings for ``dialect`` (duckdb, spark) with this model's parameters: the
        comparisons are rebuilt in that dialect's SQL and the estimates copied level by level."""
        if self.splink_settings.get("sql_dialect") == dialect:
            return json.loads(json.dumps(self.splink_settings))
        target = settings_creator(self.extra).create_settings_dict(dialect)
        target["sql_dialect"] = dialect
        target["probability_two_random_records_match"] = self.splink_settings[
            "probability_two_random_records_match"
        ]
        pairs = zip(target["comparisons"], self.splink_settings["comparisons"], strict=True)
        for into, source in pairs:
            levels = zip(into["comparison_levels"], source["comparison_levels"], strict=True)
            for level_into, level_source in levels:
                for key in ("m_probability", "u_probability"):
                    if key in level_source:
                        level_into[key] = level_source[key]
        return target

    def as_dict(self) -> dict[str, Any]:
        import splink

        return {
            "format": "coresponder.person-linkage-model",
            "model_version": self.model_version,
            "schema": self.schema,
            "trained_at": self.trained_at,
            "training_rows": self.training_rows,
            "splink_version": splink.__version__,
            "extra_comparisons": [
                {"column": i.column, "kind": i.kind, "block": i.block} for i in self.extra
            ],
            "splink_settings": self.splink_settings,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, sort_keys=False)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PersonModel:
        if data.get("format") != "coresponder.person-linkage-model":
            raise ValueError("not a person-linkage model (no coresponder model envelope)")
        if data.get("schema") != SCHEMA:
            raise ValueError(
                f"the model was built for {data.get('schema')}, this version reads {SCHEMA}: "
                "train it again"
            )
        extra = tuple(
            ExtraComparison(i["column"], i["kind"], bool(i.get("block")))
            for i in data["extra_comparisons"]
        )
        model = cls(
            splink_settings=data["splink_settings"],
            extra=extra,
            trained_at=data.get("trained_at", ""),
            training_rows=int(data.get("training_rows", 0)),
        )
        if data.get("model_version") not in (None, model.model_version):
            raise ValueError("the model's parameters do not match its version: edited by hand?")
        return model

    @classmethod
    def from_json(cls, text: str) -> PersonModel:
        return cls.from_dict(json.loads(text))

    @classmethod
    def load(cls, path: str | Path) -> PersonModel:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


# --- training and linking --------------------------------------------------------------------


@dataclass
class LinkResult:
    """Clusters (``unique_id, cluster_id, match_probability``), what cleaning reported, the
    model used, seconds per stage and pair counts."""

    clusters: pd.DataFrame
    report: CleaningReport
    model: PersonModel
    threshold: float
    timings: dict[str, float] = field(default_factory=dict)
    pairs_above_threshold: int = 0
    model_source: str = "trained"  # trained on these mentions, "given", or "default"
    pairs: pd.DataFrame | None = None  # the scored pairs above the threshold, when kept


class _Stopwatch:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


def _quiet_splink() -> None:
    for name in ("splink", "py4j"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _linker(
    backend: SplinkBackend, mentions: pd.DataFrame, settings: Any, *, validate: bool = True
) -> Any:
    """Splink's linker; ``validate=False`` skips Splink's check that the settings' columns
    are in the input (it only logs, and costs a noticeable part of a small incremental run:
    the settings are the engine's own)."""
    from splink import Linker

    return Linker(
        backend.table(mentions), settings, db_api=backend.db_api(), set_up_basic_logging=False,
        validate_settings=validate,
    )  # fmt: skip


def _training_frame(mentions: pd.DataFrame, extra: Sequence[ExtraComparison]) -> pd.DataFrame:
    columns = [*MODEL_COLUMNS, *(item.column for item in extra)]
    return mentions.loc[mentions["linkable"], columns].reset_index(drop=True)


def train(
    mentions: pd.DataFrame,
    *,
    extra: Sequence[ExtraComparison] = (),
    backend: SplinkBackend,
    max_u_pairs: float = 1e6,
    recall: float = 0.6,
    seed: int = 1,
    sample: int = 250_000,
    max_iterations: int = 25,
    stopwatch: _Stopwatch | None = None,
) -> PersonModel:
    """Estimate the model from cleaned mentions, without labels.

    The prior (the chance two random mentions are the same person) comes from pairs agreeing
    on first name, last name and date of birth, assumed to find ``recall`` of the true pairs;
    ``u`` from ``max_u_pairs`` random pairs; ``m`` by expectation maximisation in three
    sessions, each blocked so that every comparison is estimated in at least one. Over
    ``sample`` linkable mentions, a uniform random sample of them is used.
    """
    from splink import block_on
    from splink.internals.exceptions import EMTrainingException

    _quiet_splink()
    watch = stopwatch or _Stopwatch()
    frame = _training_frame(mentions, extra)
    if len(frame) > sample:
        # a uniform sample of mentions keeps the chance that two random mentions match (both
        # the matching pairs and all pairs shrink by the same square), and the m and u
        # probabilities, while training costs a fraction
        frame = frame.sample(n=sample, random_state=seed).reset_index(drop=True)
    linker = _linker(backend, frame, settings_creator(extra, max_iterations))
    with watch.stage("train: prior"):
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "last_name", "dob")], recall=recall
        )
    with watch.stage("train: u by random sampling"):
        linker.training.estimate_u_using_random_sampling(max_pairs=max_u_pairs, seed=seed)
    with watch.stage("train: m by EM"):
        skipped: list[str] = []
        for rule in [block_on(*columns) for columns in EM_RULES]:
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True
                )
            except EMTrainingException as exc:  # no pairs agree on this rule's columns
                skipped.append(str(exc).split("`")[1] if "`" in str(exc) else str(exc))
        if len(skipped) == len(EM_RULES):
            raise ValueError(
                "too few mentions agree on anything to estimate the model: link them with a "
                "model trained on a larger file (--model)"
            )
        for rule_sql in skipped:
            log.warning("EM session skipped, no pairs: %s", rule_sql)
    settings = linker.misc.save_model_to_json()
    return PersonModel(
        splink_settings=settings,
        extra=tuple(extra),
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        training_rows=len(frame),
    )


def _fit_default_to_small_file(settings: dict[str, Any], model: PersonModel, rows: int) -> None:
    """The default model on a small file: the prior rescaled (with people mentioned about as
    often, the chance two random mentions match grows as the file shrinks; capped), and no
    term-frequency adjustment (a surname twice in ten mentions is not a common surname)."""
    prior = float(model.splink_settings["probability_two_random_records_match"])
    settings["probability_two_random_records_match"] = min(
        1e-3, prior * model.training_rows / max(rows, 2)
    )
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)


def _count_rows(linker: Any, table: Any) -> int:
    # the table name is Splink's own (never user input)
    sql = "SELECT count(*) AS n FROM " + table.physical_name  # noqa: S608
    return int(linker.misc.query_sql(sql)["n"].iloc[0])


_BEST_LINK_SQL = """
WITH ends AS (
    SELECT unique_id_l AS unique_id, match_probability FROM {pairs}
    UNION ALL
    SELECT unique_id_r AS unique_id, match_probability FROM {pairs}
), best AS (
    SELECT unique_id, max(match_probability) AS match_probability FROM ends GROUP BY unique_id
)
SELECT c.unique_id, c.cluster_id, b.match_probability
FROM {clusters} AS c LEFT JOIN best AS b ON c.unique_id = b.unique_id
"""


def link_persons(
    frame: pd.DataFrame,
    *,
    extra: Sequence[ExtraComparison] = (),
    backend: str | SplinkBackend = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    model: PersonModel | None = None,
    today: date | None = None,
    max_u_pairs: float = 1e6,
    keep_pairs: bool = False,
) -> LinkResult:
    """Link person mentions into clusters of the same person.

    Trains a model on ``frame`` unless ``model`` is given. Every mention gets a cluster: the
    ones with no usable identifier are their own cluster with no probability; the others take
    the ``unique_id`` of a member of their cluster and their strongest link's probability
    (empty when they are alone).
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError("the threshold is a probability between 0 and 1")
    _quiet_splink()
    watch = _Stopwatch()
    engine = make_backend(backend) if isinstance(backend, str) else backend
    try:
        with watch.stage("clean"):
            mentions, report = clean_mentions(
                frame, extra_columns=[item.column for item in extra], today=today
            )
        source = "given"
        if model is None and int(mentions["linkable"].sum()) < MIN_TRAINING_MENTIONS:
            if extra:
                raise ValueError(
                    f"fewer than {MIN_TRAINING_MENTIONS:,} linkable mentions are too few to "
                    "estimate a model with extra columns: give a model trained on a larger file"
                )
            model, source = default_model(), "default"
        elif model is None:
            model = train(
                mentions, extra=extra, backend=engine, max_u_pairs=max_u_pairs, stopwatch=watch
            )
            source = "trained"
        if set(model.extra) != set(extra):
            raise ValueError("the model compares other extra columns than asked")
        linkable = _training_frame(mentions, extra)
        with watch.stage("predict (block and score)"):
            settings = model.settings_for(engine.db_api().sql_dialect.sql_dialect_str)
            if source == "default":
                _fit_default_to_small_file(settings, model, len(linkable))
            linker = _linker(engine, linkable, settings)
            predictions = linker.inference.predict(threshold_match_probability=threshold)
        with watch.stage("cluster"):
            clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
                predictions, threshold_match_probability=threshold
            )
        with watch.stage("output"):
            # each mention's strongest link, computed where the pairs are
            best = linker.misc.query_sql(
                _BEST_LINK_SQL.format(
                    pairs=predictions.physical_name, clusters=clustered.physical_name
                )
            )
            pair_count = _count_rows(linker, predictions)
            pairs = None
            if keep_pairs:
                pairs = predictions.as_pandas_dataframe()[
                    ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
                ]
            best["unique_id"] = best["unique_id"].astype(str)
            best["cluster_id"] = best["cluster_id"].astype(str)
            out = mentions[["unique_id"]].merge(best, on="unique_id", how="left")
            out["cluster_id"] = out["cluster_id"].fillna(out["unique_id"]).astype(str)
            out["match_probability"] = out["match_probability"].astype(float)
    finally:
        if isinstance(backend, str):
            engine.close()
    return LinkResult(
        clusters=out,
        report=report,
        model=model,
        threshold=threshold,
        timings=watch.timings,
        pairs_above_threshold=pair_count,
        pairs=pairs,
        model_source=source,
    )


def default_model() -> PersonModel:
    """The model shipped for files too small to estimate their own: estimated, like any
    other, without labels, from 200,000 synthetic mentions (``make_default_model``)."""
    return PersonModel.load(DEFAULT_MODEL_PATH)


def make_default_model(path: str | Path = DEFAULT_MODEL_PATH, mentions: int = 200_000) -> None:
    """Estimate the default model from synthetic mentions and write it to ``path``."""
    from coresponder.linkage.engine.synthetic_persons import make_mentions

    frame = make_mentions(mentions, seed=3).drop(columns="person_id")
    cleaned, _ = clean_mentions(frame)
    backend = make_backend("duckdb")
    try:
        model = train(cleaned, backend=backend)
    finally:
        backend.close()
    model.save(path)


def count_pairs(mentions: pd.DataFrame, *, backend: SplinkBackend) -> int:
    """How many pairs the blocking rules let through (the pairs the model scores)."""
    from splink.blocking_analysis import (
        cumulative_comparisons_to_be_scored_from_blocking_rules_data,
    )

    counts = cumulative_comparisons_to_be_scored_from_blocking_rules_data(
        table_or_tables=backend.table(_training_frame(mentions, ())),
        blocking_rules=blocking_rules(),
        link_type="dedupe_only",
        db_api=backend.db_api(),
        unique_id_column_name="unique_id",
    )
    return int(counts["row_count"].sum())
