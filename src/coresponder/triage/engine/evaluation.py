"""Measure the call-type classifier against labelled call types, and classify a file in bulk.

``evaluate`` reads a CSV shaped like the Vera development file (a call-type column, a Vera
category column, optionally a ``count`` column weighting each row by its real call volume and a
``city`` column) and reports volume-weighted accuracy (our category's Vera equivalent equals the
label), behavioural-health recall (of the volume labelled "Behavioral Health", the share we put
in a category whose Vera equivalent is Behavioral Health) and the largest confusions. Rows whose
label is blank are left out, as the analysts left them open.

The classifier learns nothing from labelled call types: its lexicon is the project's own,
written by hand. Every figure is therefore already out of sample for every city, and a
leave-one-city-out run gives the same numbers (``leave_one_city_out`` says so and returns them).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from coresponder.triage.engine.classifier import CallTypeClassifier, Classification
from coresponder.triage.engine.taxonomy import BEHAVIORAL_HEALTH_VERA, VERA_CATEGORIES, category

CALL_TYPE_COLUMNS = ("call_type", "calltype", "call type", "type", "nature_of_call", "nature")
LABEL_COLUMNS = ("category_norm", "vera_category", "category")
WEIGHT_COLUMNS = ("count", "weight", "volume", "calls")
CITY_COLUMNS = ("city", "agency")
ALL_CITIES = "all"
LEARNS_FROM_ROWS = False
METHOD_NOTE = (
    "the classifier learns only from the project's own phrase list, never from labelled rows, "
    "so every figure is out of sample (leave-one-city-out gives the same numbers)"
)
_VERA_BY_FOLDED = {name.casefold(): name for name in VERA_CATEGORIES}


class EvaluationError(ValueError):
    """A file that cannot be evaluated or classified; the message is one line for the user."""


@dataclass(frozen=True)
class Columns:
    call_type: str
    label: str | None
    weight: str | None
    city: str | None


@dataclass
class CityScore:
    city: str
    rows: int = 0
    weight: float = 0.0
    correct: float = 0.0
    behavioural_health: float = 0.0
    behavioural_health_found: float = 0.0
    unknown: float = 0.0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.weight if self.weight else None

    @property
    def behavioural_health_recall(self) -> float | None:
        if not self.behavioural_health:
            return None
        return self.behavioural_health_found / self.behavioural_health

    def add(self, weight: float, correct: bool, labelled_bh: bool, found_bh: bool, unknown: bool):
        self.rows += 1
        self.weight += weight
        self.correct += weight if correct else 0.0
        self.unknown += weight if unknown else 0.0
        if labelled_bh:
            self.behavioural_health += weight
            self.behavioural_health_found += weight if found_bh else 0.0

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["accuracy"] = self.accuracy
        data["behavioural_health_recall"] = self.behavioural_health_recall
        return data


@dataclass(frozen=True)
class Miss:
    """One labelled call type we put in another Vera category."""

    city: str
    call_type: str
    expected: str
    category: str
    predicted: str
    weight: float


@dataclass
class EvaluationReport:
    source: str
    columns: Columns
    cities: list[CityScore]
    overall: CityScore
    confusions: list[tuple[str, str, float]]  # (expected Vera, predicted Vera, weight)
    misses: list[Miss]  # the heaviest wrong rows
    unlabelled_rows: int = 0
    unrecognised_labels: list[str] = field(default_factory=list)
    learns_from_rows: bool = LEARNS_FROM_ROWS
    note: str = METHOD_NOTE

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "columns": asdict(self.columns),
            "cities": [score.as_dict() for score in self.cities],
            "overall": self.overall.as_dict(),
            "confusions": [
                {"expected": e, "predicted": p, "weight": w} for e, p, w in self.confusions
            ],
            "misses": [asdict(miss) for miss in self.misses],
            "unlabelled_rows": self.unlabelled_rows,
            "unrecognised_labels": self.unrecognised_labels,
            "learns_from_rows": self.learns_from_rows,
            "note": self.note,
        }


# --------------------------------------------------------------------------- reading


def _open_rows(path: Path) -> tuple[list[str], Iterator[dict[str, str]]]:
    """The header and the rows of a CSV, or an EvaluationError saying why not."""
    try:
        handle = path.open(encoding="utf-8-sig", errors="replace", newline="")
    except OSError as error:
        raise EvaluationError(f"cannot read {path}: {error.strerror or error}") from None
    reader = csv.DictReader(handle)
    try:
        header = [name for name in (reader.fieldnames or []) if name is not None]
    except csv.Error as error:
        handle.close()
        raise EvaluationError(f"{path} is not a readable CSV file: {error}") from None
    if not header:
        handle.close()
        raise EvaluationError(f"{path} is empty or has no header row")

    def rows() -> Iterator[dict[str, str]]:
        with handle:
            try:
                yield from reader
            except csv.Error as error:
                raise EvaluationError(
                    f"{path} line {reader.line_num}: not readable as CSV: {error}"
                ) from None

    return header, rows()


def _find(header: Sequence[str], wanted: str | None, candidates: Sequence[str]) -> str | None:
    """The header name matching ``wanted`` (or the first candidate), ignoring case and spaces."""
    by_folded = {name.strip().casefold(): name for name in header}
    for name in [wanted] if wanted else candidates:
        if name is not None and name.strip().casefold() in by_folded:
            return by_folded[name.strip().casefold()]
    return None


def _require(header: Sequence[str], wanted: str | None, candidates: Sequence[str], what: str):
    found = _find(header, wanted, candidates)
    if found is None:
        asked = repr(wanted) if wanted else "one of " + ", ".join(map(repr, candidates))
        raise EvaluationError(f"no {what} column {asked}; the columns are {', '.join(header)}")
    return found


def _optional(header: Sequence[str], wanted: str | None, candidates: Sequence[str], what: str):
    """A column found by its usual names, or None; one asked for by name must exist."""
    if wanted is None:
        return _find(header, None, candidates)
    return _require(header, wanted, candidates, what)


def detect_columns(
    header: Sequence[str],
    call_type: str | None = None,
    label: str | None = None,
    weight: str | None = None,
    city: str | None = None,
) -> Columns:
    return Columns(
        call_type=_require(header, call_type, CALL_TYPE_COLUMNS, "call-type"),
        label=_require(header, label, LABEL_COLUMNS, "category"),
        weight=_optional(header, weight, WEIGHT_COLUMNS, "weight"),
        city=_optional(header, city, CITY_COLUMNS, "city"),
    )


def _weight(raw: str | None, line: int, path: Path) -> float:
    if raw is None or not raw.strip():
        return 1.0
    try:
        value = float(raw.replace(",", ""))
    except ValueError:
        raise EvaluationError(f"{path} line {line}: weight {raw!r} is not a number") from None
    if value < 0:
        raise EvaluationError(f"{path} line {line}: weight {raw!r} is negative")
    return value


# --------------------------------------------------------------------------- evaluation


def _vera_of(found: Classification) -> str | None:
    return category(found.category).vera


def evaluate(
    path: str | Path,
    *,
    classifier: CallTypeClassifier | None = None,
    call_type_column: str | None = None,
    label_column: str | None = None,
    weight_column: str | None = None,
    city_column: str | None = None,
    top: int = 15,
) -> EvaluationReport:
    """Volume-weighted accuracy and behavioural-health recall of the classifier on a file."""
    path = Path(path)
    classifier = classifier or CallTypeClassifier()
    header, rows = _open_rows(path)
    columns = detect_columns(header, call_type_column, label_column, weight_column, city_column)
    assert columns.label is not None
    scores: dict[str, CityScore] = {}
    overall = CityScore(ALL_CITIES)
    confusion: dict[tuple[str, str], float] = {}
    misses: list[Miss] = []
    unlabelled = 0
    unrecognised: set[str] = set()
    for number, row in enumerate(rows, start=2):
        raw_label = (row.get(columns.label) or "").strip()
        if not raw_label:
            unlabelled += 1
            continue
        expected = _VERA_BY_FOLDED.get(raw_label.casefold(), raw_label)
        if expected not in VERA_CATEGORIES:
            unrecognised.add(raw_label)
        weight = _weight(row.get(columns.weight) if columns.weight else None, number, path)
        city = ((row.get(columns.city) or "").strip() or "?") if columns.city else ALL_CITIES
        call_type = row.get(columns.call_type) or ""
        found = classifier.classify(call_type)
        predicted = _vera_of(found)
        correct = predicted == expected
        labelled_bh = expected == BEHAVIORAL_HEALTH_VERA
        found_bh = predicted == BEHAVIORAL_HEALTH_VERA
        unknown = predicted is None
        for score in (scores.setdefault(city, CityScore(city)), overall):
            score.add(weight, correct, labelled_bh, found_bh, unknown)
        if not correct:
            pair = (expected, predicted or "(unknown)")
            confusion[pair] = confusion.get(pair, 0.0) + weight
            misses.append(Miss(city, call_type, expected, found.category, predicted or "", weight))
    misses.sort(key=lambda miss: -miss.weight)
    return EvaluationReport(
        source=str(path),
        columns=columns,
        cities=[scores[name] for name in sorted(scores)],
        overall=overall,
        confusions=[(e, p, w) for (e, p), w in sorted(confusion.items(), key=lambda i: -i[1])][
            :top
        ],
        misses=misses[:top],
        unlabelled_rows=unlabelled,
        unrecognised_labels=sorted(unrecognised),
    )


def leave_one_city_out(path: str | Path, **options: object) -> EvaluationReport:
    """The leave-one-city-out figures: the same as ``evaluate``, since nothing is learnt from
    the labelled rows (``LEARNS_FROM_ROWS`` is False). Kept so callers and the docs can ask the
    question explicitly; if the classifier ever learns from rows this must train per fold."""
    if LEARNS_FROM_ROWS:  # pragma: no cover - a guard for a future learning classifier
        raise NotImplementedError("train one classifier per held-out city")
    return evaluate(path, **options)  # type: ignore[arg-type]


def _percent(value: float | None) -> str:
    return "   n/a" if value is None else f"{100 * value:5.1f}%"


def format_report(report: EvaluationReport) -> str:
    """The report as plain text for the terminal."""
    c = report.columns
    lines = [
        f"{report.source}: call type from {c.call_type!r}, category from {c.label!r}, "
        f"weight from {repr(c.weight) if c.weight else 'none (1 per row)'}, "
        f"city from {repr(c.city) if c.city else 'none'}",
        f"{'city':<16} {'rows':>6} {'weight':>12} {'accuracy':>9} {'BH recall':>10} {'unknown':>8}",
    ]
    for score in [*report.cities, report.overall]:
        unknown = score.unknown / score.weight if score.weight else None
        lines.append(
            f"{score.city:<16} {score.rows:>6} {score.weight:>12,.0f} "
            f"{_percent(score.accuracy):>9} {_percent(score.behavioural_health_recall):>10} "
            f"{_percent(unknown):>8}"
        )
    lines.append(f"left out: {report.unlabelled_rows} rows without a category")
    if report.unrecognised_labels:
        lines.append(f"labels that are not Vera categories: {report.unrecognised_labels}")
    lines.append("largest confusions (expected → predicted, weight):")
    lines += [f"  {e} → {p}: {w:,.0f}" for e, p, w in report.confusions]
    lines.append("heaviest misses:")
    lines += [
        f"  [{m.city}] {m.call_type!r}: {m.expected} → {m.category} ({m.predicted or 'none'})"
        f" {m.weight:,.0f}"
        for m in report.misses
    ]
    lines.append(f"note: {report.note}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- bulk classify

OUTPUT_COLUMNS = ("call_type", "category", "vera_category", "confidence", "evidence")


def classify_types(
    path: str | Path,
    column: str,
    out: str | Path,
    *,
    classifier: CallTypeClassifier | None = None,
) -> int:
    """Write one row per distinct value of ``column``; return how many were written."""
    path, out = Path(path), Path(out)
    classifier = classifier or CallTypeClassifier()
    header, rows = _open_rows(path)
    name = _require(header, column, (), "call-type")
    distinct: dict[str, None] = {}
    for row in rows:
        distinct.setdefault(row.get(name) or "", None)
    try:
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(OUTPUT_COLUMNS)
            for call_type in distinct:
                found = classifier.classify(call_type)
                writer.writerow(
                    [
                        call_type,
                        found.category,
                        _vera_of(found) or "",
                        f"{found.confidence:.2f}",
                        " | ".join(found.evidence),
                    ]
                )
    except OSError as error:
        raise EvaluationError(f"cannot write {out}: {error.strerror or error}") from None
    return len(distinct)
