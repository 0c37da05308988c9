"""Benchmark for address normalisation (issue 7, part 1). Not a test: it prints figures.

    .venv/bin/python benchmarks/bench_linkage_addresses.py
    .venv/bin/python benchmarks/bench_linkage_addresses.py --calls 200000 --repeat 5

Three measures, in one process and one run:

  labels      the share of usaddress's 1,634 labelled training addresses
              (../shared/data/usaddress_training/training/*.xml) whose parts, as
              ``parse_address`` reads them, match the labels. Label values are normalised
              the same way (so "Drive" = "DR"); "all parts" compares number, directionals,
              pre-type, name, suffix and unit, "street parts" leaves out the unit. Printed
              beside it: the same score when every string goes to the tagger (the rules for
              CAD shapes switched off), since usaddress was trained on these very labels.
  berkeley    Berkeley's two exports (../shared/data/cad_exports/berkeley): the points where
              Berkeley geocoded both a block address ("2100 SHATTUCK AVE") and an
              intersection ("SHATTUCK AVENUE & ADDISON ST"), and the share of them whose rows
              all land in one location with ``group_locations`` (25 m). Also: rows, distinct
              strings, distinct block keys and locations. And across years: the 2018 rows
              with their points, the 2019 rows without theirs; for 2019's block-and-
              intersection points, the share in one location among those whose keys 2018 had
              seen (a location learnt from one period, applied to the next).
  throughput  distinct address strings per second: ``parse_address`` with an empty cache
              against ``usaddress.parse`` on the same strings, taking turns every 200 strings
              (so the load of a shared machine falls on both alike), best of ``--repeat``,
              for each source on its own and all together: the synthetic city's
              (``generate_calls``, seed 1), Berkeley's, Reno's and the labelled addresses,
              each deduplicated. Also
              ``group_locations`` over every synthetic call, without and with its point (rows
              per second, cache cleared): what grouping a CAD export costs when most strings
              repeat.

Without ../shared/data the real-data measures are skipped and said so.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import usaddress

from coresponder.calls.engine.synthetic import generate_calls
from coresponder.linkage.engine import addresses as engine
from coresponder.linkage.engine.address_evaluation import (
    block_and_intersection_check,
    read_berkeley,
    read_labelled,
    score,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
TRAINING = DATA / "usaddress_training" / "training"
CAD = DATA / "cad_exports"


def labels() -> dict[str, object]:
    if not TRAINING.is_dir():
        return {"skipped": f"{TRAINING} is absent"}
    items = list(read_labelled(sorted(TRAINING.glob("*.xml"))))
    engine._parse_cached.cache_clear()
    ours = score(items, keep_misses=0)
    rules = engine._read_rules
    engine._read_rules = lambda text: None
    engine._parse_cached.cache_clear()
    try:
        tagger = score(items, keep_misses=0)
    finally:
        engine._read_rules = rules
        engine._parse_cached.cache_clear()
    return {
        "addresses": ours.total,
        "all_parts_match": round(ours.share, 4),
        "street_parts_match": round(ours.street_share, 4),
        "with_number_and_street": ours.with_street,
        "with_number_and_street_match": round(ours.with_street_share, 4),
        "intersections": f"{ours.intersections_found}/{ours.intersections}",
        "part_errors": dict(ours.part_errors.most_common()),
        "tagger_only_all_parts_match": round(tagger.share, 4),
        "tagger_only_street_parts_match": round(tagger.street_share, 4),
    }


def berkeley() -> dict[str, object]:
    folder = CAD / "berkeley"
    if not folder.is_dir():
        return {"skipped": f"{folder} is absent"}
    texts, lat, lon = read_berkeley(sorted(folder.glob("*.csv")))
    engine._parse_cached.cache_clear()
    grouping = engine.group_locations(texts, lat, lon)
    check = block_and_intersection_check(grouping.addresses, grouping.locations, lat, lon)
    text_only = engine.group_locations(texts)
    return {
        **_berkeley_cross_year(folder),
        "rows": len(texts),
        "rows_with_a_point": sum(a is not None for a in lat),
        "distinct_strings": grouping.distinct_strings,
        "distinct_block_keys": len({a.block_key for a in grouping.addresses if a.parsed}),
        "locations_text_only": len({loc for loc in text_only.locations if loc}),
        "locations_with_points": len({loc for loc in grouping.locations if loc}),
        "keys_merged_by_point": grouping.merged_by_point,
        "block_and_intersection_points": check.points,
        "in_one_location": check.together,
        "share": round(check.share, 4),
        "misses": [{"point": p, "rows": rows} for p, rows in check.misses],
    }


def _berkeley_cross_year(folder: Path) -> dict[str, object]:
    """The points of 2018 only: do 2019's blocks and intersections, given without their points,
    land in one location through what 2018 taught?"""
    files = sorted(folder.glob("*.csv"))
    earlier = [f for f in files if "2018" in f.name]
    later = [f for f in files if "2019" in f.name]
    if not earlier or not later:
        return {}
    texts_a, lat_a, lon_a = read_berkeley(earlier)
    texts_b, lat_b, lon_b = read_berkeley(later)
    none: list[float | None] = [None] * len(texts_b)
    grouping = engine.group_locations(texts_a + texts_b, lat_a + none, lon_a + none)
    n = len(texts_a)
    check = block_and_intersection_check(
        grouping.addresses[n:], grouping.locations[n:], lat_b, lon_b, keep_misses=1000
    )
    known = {a.block_key for a in grouping.addresses[:n]}
    # A block and an intersection can share a location only through a point, so a point that
    # is together had all its keys placed by 2018; a miss may have a key 2018 never saw.
    taught_misses = sum(all(loc in known for _, loc in rows) for _, rows in check.misses)
    taught = check.together + taught_misses
    return {
        "cross_year_points": check.points,
        "cross_year_in_one_location": check.together,
        "cross_year_points_with_keys_seen_in_2018": taught,
        "cross_year_share_of_those": round(check.together / taught, 4) if taught else 0.0,
    }


Points = tuple[list[float | None], list[float | None]]


def _sources(calls: int, workdir: Path) -> tuple[dict[str, list[str]], list[str], Points]:
    """(distinct strings by source, every synthetic call's address, and its point)."""
    path = workdir / "calls.csv"
    generate_calls(path, calls=calls, seed=1)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    synthetic = [row["address_raw"] for row in rows]
    lat = [float(row["latitude"]) if row["latitude"] else None for row in rows]
    lon = [float(row["longitude"]) if row["longitude"] else None for row in rows]
    pools: dict[str, list[str]] = {"synthetic city": synthetic}
    if CAD.is_dir():
        pools["Berkeley"] = read_berkeley(sorted((CAD / "berkeley").glob("*.csv")))[0]
        reno: list[str] = []
        for snapshot in sorted((CAD / "reno" / "snapshots").glob("*.csv")):
            for line in snapshot.read_text(encoding="utf-8", errors="replace").splitlines():
                cells = line.split(",")
                if len(cells) > 5:
                    reno.append(cells[5])
        pools["Reno"] = reno
    if TRAINING.is_dir():
        pools["labelled"] = [item.raw for item in read_labelled(sorted(TRAINING.glob("*.xml")))]
    distinct = {}
    for name, pool in pools.items():
        strings = sorted({text for text in pool if text.strip()})
        random.Random(1).shuffle(strings)
        distinct[name] = strings
    return distinct, synthetic, (lat, lon)


CHUNK = 200  # strings per turn: the two parsers take turns this often, so load hits both


def _rates(strings: list[str], repeat: int) -> dict[str, object]:
    """parse_address (empty cache) against usaddress.parse on the same strings, taking turns
    every ``CHUNK`` strings (a busy machine slows both alike); the best of ``repeat`` runs."""
    ours: list[float] = []
    plain: list[float] = []
    for _ in range(repeat):
        engine._parse_cached.cache_clear()
        mine = theirs = 0.0
        for start in range(0, len(strings), CHUNK):
            chunk = strings[start : start + CHUNK]
            started = time.perf_counter()
            for text in chunk:
                engine.parse_address(text)
            mine += time.perf_counter() - started
            started = time.perf_counter()
            for text in chunk:
                usaddress.parse(text)
            theirs += time.perf_counter() - started
        ours.append(mine)
        plain.append(theirs)
    engine._parse_cached.cache_clear()
    by = {"rules": 0, "usaddress": 0, "none (unparsed)": 0}
    for text in strings:
        by[engine.parse_address(text).parser or "none (unparsed)"] += 1
    return {
        "distinct": len(strings),
        "parse_address_per_s": round(len(strings) / min(ours)),
        "usaddress_parse_per_s": round(len(strings) / min(plain)),
        "ratio": round(min(plain) / min(ours), 2),
        "read_by": by,
    }


def throughput(calls: int, repeat: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        sources, synthetic, (lat, lon) = _sources(calls, Path(folder))
    everything = sorted({text for strings in sources.values() for text in strings})
    random.Random(1).shuffle(everything)
    results: dict[str, object] = {
        name: _rates(strings, repeat) for name, strings in sources.items()
    }
    results["all"] = _rates(everything, repeat)
    grouping_seconds: list[float] = []
    for _ in range(repeat):
        engine._parse_cached.cache_clear()
        started = time.perf_counter()
        grouping = engine.group_locations(synthetic)
        grouping_seconds.append(time.perf_counter() - started)
    with_points: list[float] = []
    for _ in range(repeat):
        engine._parse_cached.cache_clear()
        started = time.perf_counter()
        located = engine.group_locations(synthetic, lat, lon)
        with_points.append(time.perf_counter() - started)
    results["group"] = {
        "rows": len(synthetic),
        "distinct": grouping.distinct_strings,
        "rows_per_s": round(len(synthetic) / min(grouping_seconds)),
        "seconds": round(min(grouping_seconds), 3),
        "rows_with_a_point": sum(a is not None for a in lat),
        "with_points_seconds": round(min(with_points), 3),
        "with_points_rows_per_s": round(len(synthetic) / min(with_points)),
        "locations": len({loc for loc in grouping.locations if loc}),
        "locations_with_points": len({loc for loc in located.locations if loc}),
    }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=100_000, help="synthetic calls to group")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args()
    load = os.getloadavg()
    results: dict[str, Any] = {
        "machine": f"{platform.machine()}, nproc {os.cpu_count()}, Python {sys.version.split()[0]}",
        "load_before": [round(x, 2) for x in load],
        "labels": labels(),
        "berkeley": berkeley(),
        "throughput": throughput(args.calls, args.repeat),
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    lab: dict[str, Any] = results["labels"]
    brk: dict[str, Any] = results["berkeley"]
    thr: dict[str, Any] = results["throughput"]
    print("Addresses (issue 7)")
    if "skipped" not in lab:
        print(f"  labelled addresses: {lab['addresses']}; all parts match "
              f"{lab['all_parts_match']:.1%}, street parts {lab['street_parts_match']:.1%} "
              f"(tagger only: {lab['tagger_only_all_parts_match']:.1%} / "
              f"{lab['tagger_only_street_parts_match']:.1%})")  # fmt: skip
    if "skipped" not in brk:
        print(f"  Berkeley: {brk['block_and_intersection_points']} points with a block and an "
              f"intersection, {brk['in_one_location']} in one location ({brk['share']:.1%}); "
              f"{brk['distinct_strings']} strings -> {brk['distinct_block_keys']} block keys -> "
              f"{brk['locations_with_points']} locations")  # fmt: skip
        if "cross_year_points" in brk:
            print(f"  Berkeley 2019 rows without their points, 2018 points only: "
                  f"{brk['cross_year_in_one_location']} of {brk['cross_year_points']} points in "
                  f"one location; of the {brk['cross_year_points_with_keys_seen_in_2018']} "
                  f"whose keys 2018 had seen: {brk['cross_year_share_of_those']:.1%}")  # fmt: skip
    print("  throughput, distinct strings per second (parse_address / usaddress.parse):")
    for name, rates in thr.items():
        if name == "group":
            continue
        print(f"    {name:<15} {rates['distinct']:>7,} strings  {rates['parse_address_per_s']:>8,}"
              f" / {rates['usaddress_parse_per_s']:>8,}  ({rates['ratio']}x)")  # fmt: skip
    group = thr["group"]
    print(f"  group_locations: {group['rows']:,} synthetic calls ({group['distinct']:,} distinct)"
          f" in {group['seconds']} s, {group['rows_per_s']:,} rows/s; with their points "
          f"({group['rows_with_a_point']:,}) {group['with_points_seconds']} s, "
          f"{group['locations']:,} -> {group['locations_with_points']:,} locations")  # fmt: skip
    line = json.dumps(results, default=str)
    print("BENCH-RESULT " + line)
    if args.json:
        args.json.write_text(line + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
