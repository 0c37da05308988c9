"""What a reviewer needs beside the person-linkage engine (no Django): a name on a call split
into first and last, the per-field evidence for a pair of mentions, and the groups formed by
the pairs a model may join on its own (connected components).

The evidence is a plain per-field comparison of the two mentions after the engine's own
cleaning (placeholders out, names lower-cased, dates read, phones as digits, street words
abbreviated): ``agree``, ``close`` (a typo, a nickname, the day and month swapped, the same
year of birth), ``disagree`` or ``missing``. It is not the model's match-weight breakdown per
comparison: it says which fields carried the pair, not how much each weighed.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from coresponder.linkage.engine import person_cleaning
from coresponder.linkage.engine.person_cleaning import (
    _dob,
    _given_names,
    _name,
    _phone,
    normalise_address,
)

FIELDS = ("first_name", "last_name", "dob", "phone", "address")
LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "dob": "Date of birth",
    "phone": "Phone",
    "address": "Address",
}


def split_name(text: str) -> tuple[str, str]:
    """A CAD name in one field as (first, last): ``SMITH, ROBERT`` or ``ROBERT J SMITH``."""
    text = " ".join(text.split())
    if "," in text:
        last, _, first = text.partition(",")
        return first.strip(), last.strip()
    words = text.split(" ")
    if len(words) == 1:
        return "", words[0]
    return " ".join(words[:-1]), words[-1]


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


def _compare_name(a: str, b: str, *, given: bool) -> str:
    if a == b:
        return "agree"
    if given:
        first_a, first_b = a.split()[0], b.split()[0]
        if set(_given_names(first_a)) & set(_given_names(first_b)):
            return "close"
    return "close" if _similar(a, b) >= 0.8 else "disagree"


def _compare_dob(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> str:
    (full_a, year_a), (full_b, year_b) = a, b
    if full_a and full_b:
        if full_a == full_b:
            return "agree"
        swapped = f"{full_a[:4]}-{full_a[8:10]}-{full_a[5:7]}"
        if swapped == full_b or _similar(full_a, full_b) >= 0.9:
            return "close"
    if year_a and year_a == year_b:
        return "close"
    return "disagree"


def field_evidence(
    left: Mapping[str, str], right: Mapping[str, str], *, today: date | None = None
) -> list[dict[str, str]]:
    """Per field: the two values as written and ``agree``, ``close``, ``disagree`` or
    ``missing`` (either side empty or a placeholder) after the engine's cleaning."""
    today = today or date.today()
    rows = []
    for field in FIELDS:
        raw_a, raw_b = (left.get(field) or "").strip(), (right.get(field) or "").strip()
        verdict = "missing"
        if field in ("first_name", "last_name"):
            a, b = (_name(raw_a)[0] if raw_a else None), (_name(raw_b)[0] if raw_b else None)
            if a and b:
                verdict = _compare_name(a, b, given=field == "first_name")
        elif field == "dob":
            da = _dob(raw_a, today) if raw_a else (None, None)
            db = _dob(raw_b, today) if raw_b else (None, None)
            if da[1] and db[1]:
                verdict = _compare_dob((da[0], da[1]), (db[0], db[1]))
        elif field == "phone":
            a, b = (_phone(raw_a)[0] if raw_a else None), (_phone(raw_b)[0] if raw_b else None)
            if a and b:
                verdict = "agree" if a == b else "close" if _similar(a, b) >= 0.9 else "disagree"
        else:
            a = normalise_address(raw_a) if raw_a else None
            b = normalise_address(raw_b) if raw_b else None
            if a and b:
                verdict = "agree" if a == b else "close" if _similar(a, b) >= 0.85 else "disagree"
        rows.append(
            {"field": field, "label": LABELS[field], "left": raw_a, "right": raw_b,
             "verdict": verdict}
        )  # fmt: skip
    return rows


def components(
    ids: Iterable[str],
    pairs: Iterable[tuple[str, str]],
) -> dict[str, str]:
    """Each id's group (connected components of ``pairs``), named by its smallest member."""
    parent: dict[str, str] = {i: i for i in ids}

    def find(node: str) -> str:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    for a, b in pairs:
        if a not in parent or b not in parent:
            continue
        ra, rb = find(a), find(b)
        if ra != rb:
            low, high = sorted((ra, rb), key=_order)
            parent[high] = low
    return {node: find(node) for node in parent}


def dates_close(a: str, b: str) -> bool:
    """Whether one person could have two full dates of birth written so: the same, day and
    month swapped, or a typo."""
    return _compare_dob((a, None), (b, None)) != "disagree"


def constrained_components(
    ids: Iterable[str],
    pairs: Iterable[tuple[str, str, float]],
    dates: Mapping[str, Iterable[str]],
) -> tuple[dict[str, str], list[tuple[str, str, float]]]:
    """Groups like ``components``, joined strongest pair first, but never joining two groups
    whose dates of birth no typo explains (a cannot-link constraint): a mention with no date
    of birth matches two namesakes equally well and would otherwise make them one person.
    ``dates``: each id's full dates of birth (ISO). Returns the groups and the pairs refused,
    which a person may still confirm."""
    parent: dict[str, str] = {i: i for i in ids}
    known: dict[str, set[str]] = {i: set(dates.get(i, ())) for i in parent}

    def find(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    refused = []
    for a, b, probability in sorted(pairs, key=lambda pair: -pair[2]):
        if a not in parent or b not in parent:
            continue
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if any(not dates_close(x, y) for x in known[ra] for y in known[rb]):
            refused.append((a, b, probability))
            continue
        low, high = sorted((ra, rb), key=_order)
        parent[high] = low
        known[low] |= known.pop(high)
    return {node: find(node) for node in parent}, refused


def _order(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (1 << 62, value)


def sort_pairs(
    pairs: Iterable[tuple[str, str, float]],
    *,
    cluster_threshold: float,
    review_threshold: float,
    may_join_alone: Callable[[str, str], bool],
) -> tuple[list[tuple[str, str, float]], list[tuple[str, str, float]]]:
    """The pairs the model joins on its own (at or above the cluster threshold, between
    mentions ``may_join_alone`` allows) and the ones a person reviews (the rest at or above
    the review threshold)."""
    joined, review = [], []
    for left, right, probability in pairs:
        if probability < review_threshold:
            continue
        if probability >= cluster_threshold and may_join_alone(left, right):
            joined.append((left, right, probability))
        else:
            review.append((left, right, probability))
    return joined, review


# --- scoring with the model's own per-comparison weights --------------------------------------


@dataclass
class ScoredPairs:
    """The pairs at or above a threshold with each comparison's level and match weight (the
    model's own breakdown: the sum of the weights and the prior's is the pair's weight)."""

    pairs: pd.DataFrame  # unique_id_l, unique_id_r, match_probability, match_weight
    scored: pd.DataFrame  # the same pairs with Splink's intermediate columns
    levels: dict[str, list[tuple[str, float | None]]]  # each comparison's levels
    model_version: str
    model_source: str  # trained on these mentions, "default", or "given"
    prior_weight: float
    model: Any = None  # the PersonModel used (store it to link new mentions later)
    features: pd.Series | None = None  # each new mention's cleaned features, to store
    timings: dict[str, float] = dataclasses.field(default_factory=dict)  # seconds per stage

    def breakdown(
        self, wanted: set[tuple[str, str]]
    ) -> dict[tuple[str, str], dict[str, tuple[str, float]]]:
        """For the ``wanted`` pairs (``unique_id_l, unique_id_r``): per comparison, the level
        the pair fell in and its weight (read only for these: there may be millions)."""
        if not wanted or not len(self.scored):
            return {}
        keys = list(zip(self.scored["unique_id_l"].astype(str),
                        self.scored["unique_id_r"].astype(str), strict=True))  # fmt: skip
        rows = self.scored[[key in wanted for key in keys]]
        out: dict[tuple[str, str], dict[str, tuple[str, float]]] = {}
        for row in rows.to_dict("records"):
            fields = {}
            for name, known in self.levels.items():
                level_factor = float(row.get(f"bf_{name}", 1.0) or 0.0)
                factor = level_factor * float(row.get(f"bf_tf_adj_{name}", 1.0) or 1.0)
                weight = math.log2(factor) if factor else -99.0
                fields[name] = (_label_of(known, level_factor), weight)
            out[(str(row["unique_id_l"]), str(row["unique_id_r"]))] = fields
        return out

    def corroborated(self) -> set[tuple[str, str]]:
        """The pairs whose match rests on more than a name and a place: the same date of
        birth, the same phone, or both names exactly the same. A sparse mention (a nickname
        and an address, nothing else) can score high on a rare name at a rare place; joined
        on its own it would bridge two people into one, so it waits for a person instead."""
        if not len(self.scored):
            return set()
        frame = self.scored
        exact = {name: self._exact(frame, name) for name in ("first_name", "last_name", "dob",
                                                             "phone")}  # fmt: skip
        names = exact["first_name"] & exact["last_name"]
        keep = names | exact["dob"] | exact["phone"]
        left = frame["unique_id_l"].astype(str)[keep]
        right = frame["unique_id_r"].astype(str)[keep]
        return set(zip(left, right, strict=True))

    def _exact(self, frame: pd.DataFrame, name: str) -> pd.Series:
        """Whether each pair fell in the comparison's exact level (its first after the null
        one), known by that level's Bayes factor: Splink keeps the factors, not the levels."""
        column = f"bf_{name}"
        levels = [factor for level, factor in self.levels.get(name, []) if level != "missing"]
        if not levels or levels[0] is None or column not in frame:
            return pd.Series(False, index=frame.index)
        factors = frame[column].astype(float).to_numpy()
        return pd.Series(np.isclose(factors, levels[0], rtol=1e-9), index=frame.index)


def score_pairs(
    frame: pd.DataFrame,
    *,
    threshold: float,
    today: date | None = None,
    existing: pd.DataFrame | None = None,
    existing_cleaned: pd.DataFrame | None = None,
    model: Any = None,
) -> ScoredPairs:
    """Like ``link_persons(frame, threshold=..., keep_pairs=True)`` on DuckDB (the same
    cleaning, the same choice of model), but with Splink keeping its intermediate columns, so
    each pair says which level of each comparison it fell in and what that level weighed
    (with its term-frequency adjustment).

    Incremental: with mentions linked before and the ``model`` used then, only the pairs with
    a mention of ``frame`` are scored (new against new and new against existing; Splink's
    link of the two tables), not existing against existing. The existing mentions come
    either already cleaned (``existing_cleaned``: ``clean_mentions``' frame, or the stored
    form, ``unique_id`` and ``features`` as ``person_cleaning.pack_features`` writes them),
    or as written (``existing``: cleaned here and both tables handed whole to Splink, the
    slow reference the other is tested against). Cleaned ones are read into DuckDB once and
    only those that share a blocking key with a new mention are handed to Splink, with the
    term frequencies of all of them: the same pairs and probabilities, in a fraction of the
    time.

    The result carries the new mentions' features to store (``features``) and seconds per
    stage (``timings``)."""
    from coresponder.linkage.engine import persons
    from coresponder.linkage.engine.splink_backends import make_backend

    if existing is not None and existing_cleaned is not None:
        raise ValueError("give the existing mentions as written or cleaned, not both")
    persons._quiet_splink()
    watch = persons._Stopwatch()
    engine = make_backend("duckdb")
    try:
        with watch.stage("clean new"):
            mentions, _ = person_cleaning.clean_mentions(frame, today=today)
            features = person_cleaning.pack_features(mentions)
            new = persons._training_frame(mentions, ())
        old_rows = 0
        whole = None  # the existing mentions as written, cleaned here: the reference path
        if existing is not None:
            with watch.stage("clean existing"):
                cleaned, _ = person_cleaning.clean_mentions(existing, today=today)
                whole = persons._training_frame(cleaned, ())
                old_rows = len(whole)
        stored = None  # the existing mentions already cleaned, the model's columns
        if existing_cleaned is not None:
            with watch.stage("read existing"):
                stored = _existing_features(existing_cleaned)
                old_rows = stored.height
        rows = len(new) + old_rows
        if model is not None:
            source = "given"
            if model.model_version == persons.default_model().model_version:
                source = "default"
        elif rows < persons.MIN_TRAINING_MENTIONS:
            model, source = persons.default_model(), "default"
        else:
            with watch.stage("train"):
                model, source = persons.train(mentions, backend=engine), "trained"
        settings = model.settings_for(engine.db_api().sql_dialect.sql_dialect_str)
        if source == "default":
            persons._fit_default_to_small_file(settings, model, rows)
        settings["retain_intermediate_calculation_columns"] = True
        with watch.stage("score new against new"):
            linker = persons._linker(engine, new, settings, validate=stored is None)
            scored = linker.inference.predict(threshold_match_probability=threshold)
            scored = scored.as_pandas_dataframe()
        if whole is not None:  # new against existing, both tables handed whole to Splink
            with watch.stage("score new against existing"):
                from splink import Linker

                across = Linker(
                    [engine.table(new), engine.table(whole)],
                    {**settings, "link_type": "link_only"},
                    db_api=engine.db_api(), set_up_basic_logging=False,
                )  # fmt: skip
                found = across.inference.predict(threshold_match_probability=threshold)
                scored = pd.concat([scored, found.as_pandas_dataframe()], ignore_index=True)
        if stored is not None:  # new against existing (never existing with itself)
            with watch.stage("block new against existing"):
                rules = [
                    str(rule["blocking_rule"])
                    for rule in settings["blocking_rules_to_generate_predictions"]
                ]
                candidates = _sharing_a_key(new, stored, rules)
                tf_tables = _term_frequencies(new, stored, candidates, settings)
            with watch.stage("score new against existing"):
                from splink import Linker

                across = Linker(
                    [engine.table(new), engine.table(_as_model_frame(candidates))],
                    {**settings, "link_type": "link_only"},
                    db_api=engine.db_api(), set_up_basic_logging=False, validate_settings=False,
                )  # fmt: skip
                for column, table in tf_tables.items():
                    across.table_management.register_term_frequency_lookup(table, column)
                if candidates.height and len(new):
                    found = across.inference.predict(threshold_match_probability=threshold)
                    scored = pd.concat([scored, found.as_pandas_dataframe()], ignore_index=True)
        prior = float(settings["probability_two_random_records_match"])
        levels = _level_labels(settings)
    finally:
        engine.close()
    columns = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
    pairs = scored[columns].copy() if len(scored) else pd.DataFrame(columns=columns)
    return ScoredPairs(
        pairs=pairs,
        scored=scored,
        levels=levels,
        model_version=model.model_version,
        model_source=source,
        prior_weight=math.log2(prior / (1 - prior)),
        model=model,
        features=features,
        timings=watch.timings,
    )


def _existing_features(cleaned: pd.DataFrame | pl.DataFrame) -> pl.DataFrame:
    """The existing mentions, already cleaned, as ``person_cleaning.read_features`` gives
    them (from stored lines, ``unique_id`` and ``features``, or ``clean_mentions``' frame)."""
    if isinstance(cleaned, pl.DataFrame):
        return cleaned
    if "features" in cleaned.columns:
        ids = cleaned["unique_id"].astype(str).to_numpy(dtype=object)
        lines = "\n".join(
            f"{uid}|{line}" for uid, line in zip(ids, cleaned["features"], strict=True) if line
        )
        return person_cleaning.read_features(lines)
    return person_cleaning.features_frame(cleaned)


_EQUALS = re.compile(r'^\(*\s*l\."?(\w+)"?\s*=\s*r\."?(\w+)"?\s*\)*$')


def _equalities(rule: str) -> list[tuple[str, str]]:
    """The ``l.a = r.b`` conditions a blocking rule's top-level AND requires (the others,
    such as an OR in brackets, only narrow the pairs further and are left to Splink)."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(rule):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and rule[index : index + 5].upper() == " AND ":
            parts.append(rule[start:index])
            start = index + 5
    parts.append(rule[start:])
    found = [_EQUALS.match(part.strip()) for part in parts]
    return [(match.group(1), match.group(2)) for match in found if match]


def _sharing_a_key(new: pd.DataFrame, stored: pl.DataFrame, rules: list[str]) -> pl.DataFrame:
    """The existing mentions some blocking rule may pair with a new one. Splink links the
    new table (``l``) with the existing one (``r``); each rule's equalities are joined here
    (a superset of the pairs the rule lets through: its other conditions are Splink's to
    apply), so no pair Splink would score is lost. A rule with no equality keeps them all."""
    if not len(new) or not stored.height:
        return stored.head(0)
    left = pl.DataFrame(
        {
            column: person_cleaning.strings(column, new[column].to_numpy(dtype=object))
            for column in stored.columns
        }
    )
    keep = []
    for rule in rules:
        pairs = _equalities(rule)
        if not pairs:
            return stored
        # the rule's key (its columns together) hashed on either side: a number tested
        # against a small set per existing mention; a collision only lets one more through
        wanted = left.drop_nulls([a for a, _ in pairs]).select(_key([a for a, _ in pairs]))
        keep.append(
            stored.lazy()
            .filter(_key([b for _, b in pairs]).is_in(wanted.to_series().unique().implode()))
            .select("unique_id")
        )
    ids = pl.concat(keep).unique().collect()  # the rules run side by side
    return stored.join(ids, on="unique_id", how="semi")


def _key(columns: list[str]) -> pl.Expr:
    """One number for these columns' values together (each hashed with its place's seed)."""
    key = pl.col(columns[0]).hash(seed=0)
    for place, column in enumerate(columns[1:], start=1):
        key = key ^ pl.col(column).hash(seed=place)
    return key.alias("key")


def _as_model_frame(stored: pl.DataFrame) -> pd.DataFrame:
    """Stored features as the pandas frame ``clean_mentions`` would have given Splink."""
    data: dict[str, Any] = {}
    for column in stored.columns:
        values = stored[column].to_numpy()
        if column == "first_name_names":
            values = np.array(
                [value.split(",") if value else None for value in values], dtype=object
            )
        data[column] = values.astype(object)
    return pd.DataFrame(data, columns=stored.columns)


def _term_frequencies(
    new: pd.DataFrame, stored: pl.DataFrame, candidates: pl.DataFrame, settings: dict[str, Any]
) -> dict[str, pd.DataFrame]:
    """Each term-frequency column's table over every mention, new and existing, as Splink
    computes it from the two tables it links (``term_frequencies_for_single_column_sql``:
    the value's count over the count of non-null values), though only some of the existing
    ones are handed to it; kept to the values of the mentions it sees. Column -> table."""
    columns = sorted(
        {
            str(level["tf_adjustment_column"])
            for comparison in settings["comparisons"]
            for level in comparison["comparison_levels"]
            if level.get("tf_adjustment_column")
        }
    )
    if not columns:
        return {}
    fresh = pl.DataFrame(
        {column: person_cleaning.strings(column, new[column].to_numpy(dtype=object))
         for column in columns}
    )  # fmt: skip
    plans, totals = [], []
    for column in columns:
        seen = pl.concat([fresh[column], candidates[column]]).drop_nulls().unique().implode()
        plans.append(
            pl.concat([fresh.lazy().select(column), stored.lazy().select(column)])
            .filter(pl.col(column).is_in(seen))
            .group_by(column)
            .len()
        )
        # Splink divides by the count of values (not nulls) over both tables
        totals.append(
            fresh.height - fresh[column].null_count() + stored.height - stored[column].null_count()
        )
    tables = {}
    for column, counts, total in zip(columns, pl.collect_all(plans), totals, strict=True):
        tables[column] = pd.DataFrame(
            {
                column: counts[column].to_numpy().astype(object),
                f"tf_{column}": counts["len"].to_numpy().astype("float64") / float(total),
            }
        )
    return tables


def _level_labels(settings: dict[str, Any]) -> dict[str, list[tuple[str, float | None]]]:
    """Each comparison's levels: the label and the level's Bayes factor (m/u; none for the
    null level). Splink keeps the factors, not the levels, among its intermediate columns."""
    out: dict[str, list[tuple[str, float | None]]] = {}
    for comparison in settings["comparisons"]:
        levels: list[tuple[str, float | None]] = []
        for level in comparison["comparison_levels"]:
            label = str(level.get("label_for_charts") or "")
            if level.get("is_null_level"):
                levels.append(("missing", None))
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            levels.append((label, float(m) / float(u) if m and u else None))
        out[comparison["output_column_name"]] = levels
    return out


def _label_of(levels: list[tuple[str, float | None]], factor: float) -> str:
    """The level a pair fell in, found by its Bayes factor (the first level with that
    factor; a null level has none and weighs nothing)."""
    for label, known in levels:
        if known is not None and math.isclose(known, factor, rel_tol=1e-9):
            return label
    return "missing" if factor == 1.0 else "another level"


def add_breakdown(
    evidence: list[dict[str, str]], fields: dict[str, tuple[str, float]] | None
) -> list[dict[str, Any]]:
    """The field-by-field evidence with the model's level and weight for each field."""
    rows: list[dict[str, Any]] = []
    for row in evidence:
        level = (fields or {}).get(row["field"])
        rows.append(
            {**row, "level": level[0], "weight": round(level[1], 2)} if level else dict(row)
        )
    return rows
