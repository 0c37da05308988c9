"""Recognise a CAD export's format among the shipped profiles, or write a starter profile.

``detect_profile(path)`` reads the header (or, for a file without one, the first rows), scores
every shipped profile against it and returns the best one whose required fields map. When none
fits, it raises ``FileProblem`` saying what the file has, what is missing and what each column
most likely holds. ``suggest_profile(path)`` writes those guesses as a starter TOML profile.

Plain Python: no Django imports here.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from difflib import SequenceMatcher
from pathlib import Path

from coresponder.calls.engine.profile import (
    REQUIRED,
    Profile,
    available_profiles,
    load_profile,
)
from coresponder.calls.engine.reader import (
    FileProblem,
    RowConverter,
    RowProblem,
    load_lookups,
    match_header,
    normalise_name,
    open_text,
    parse_iso,
)
from coresponder.calls.engine.records import TIME_FIELDS

SAMPLE_CHARS = 1 << 18  # enough for a few hundred rows of any export
SAMPLE_ROWS = 200
DELIMITERS = ",;\t|"
AMBIGUOUS = 0.02  # two profiles closer than this are a tie: ask the user
MIN_ROWS_READ = 0.5  # a profile must read at least half the sample rows to be chosen

# Names people give each canonical field, lower-case words (a column name is split into words
# at spaces, punctuation and camelCase before it is compared with these).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "event_number": (
        "event number", "event no", "event num", "event id", "cad event number", "cad number",
        "incident number", "incident no", "incident num", "incident id", "call number",
        "call no", "call id", "cfs number", "master incident number", "item number",
        "nopd item", "case number", "case no", "caseno", "cad id",
    ),
    "received_at": (
        "call received", "received", "time received", "received time", "received date time",
        "time queued", "original time queued", "queued", "create time", "created",
        "time create", "create time incident", "call created", "call time", "call date time",
        "call datetime", "call timestamp", "date time", "datetime", "incident date",
        "event date", "entry time", "entered", "reported", "date reported",
    ),
    "dispatched_at": (
        "dispatched", "dispatch time", "time dispatch", "dispatch date time",
        "first dispatch", "time assigned", "assigned",
    ),
    "en_route_at": ("en route", "enroute", "en route time", "time en route", "responding"),
    "on_scene_at": (
        "arrived", "arrived time", "arrival time", "time arrive", "on scene", "at scene",
        "on scene time", "time on scene",
    ),
    "cleared_at": (
        "cleared", "clear time", "time cleared", "closed", "time closed", "close time",
        "closed time", "in service", "completed", "time completed",
    ),
    "call_source": (
        "call source", "source", "how received", "received via", "call origin",
        "self initiated", "officer initiated", "call method",
    ),
    "initial_type_code": ("initial type", "initial type code", "initial call code"),
    "initial_type_text": (
        "initial call type", "initial type text", "initial type description",
        "original call type", "initial nature",
    ),
    "final_type_code": (
        "type code", "call code", "callcode", "nature code", "incident type id", "cfs code",
        "call type code", "final type code", "type",
    ),
    "final_type_text": (
        "final call type", "call type", "type text", "type description", "call description",
        "call type description", "nature", "nature of call", "incident type", "offense",
        "problem", "description", "final type",
    ),
    "priority": ("priority", "pri", "priority code", "call priority", "priority level"),
    "disposition_code": ("disposition code", "dispo code", "clearance code"),
    "disposition_text": (
        "disposition", "disposition text", "disposition description", "dispo", "clearance",
        "event clearance description", "clearance description", "clear by", "outcome",
    ),
    "address_raw": (
        "address", "location", "block address", "incident address", "block location",
        "street address", "hundred block", "hundred block location", "dispatch address",
        "incident location",
    ),
    "city": ("city", "town", "municipality"),
    "state": ("state", "st", "province"),
    "zip_code": ("zip", "zip code", "zipcode", "postal code"),
    "latitude": ("lat", "latitude", "y", "lat y", "blurred latitude", "dispatch latitude"),
    "longitude": (
        "lon", "lng", "long", "longitude", "x", "lon x", "blurred longitude",
        "dispatch longitude",
    ),
    "beat": ("beat", "zone", "patrol beat"),
    "district": ("district", "precinct", "division", "sector", "area", "police district"),
    "narrative": ("narrative", "comments", "notes", "remarks", "details"),
}  # fmt: skip
UNIT_SYNONYMS = (
    "unit", "unit id", "unit number", "unit no", "responding unit", "call sign", "callsign",
    "primary unit", "call sign dispatch id",
)  # fmt: skip
ORDER = (
    "event_number", "received_at", "dispatched_at", "en_route_at", "on_scene_at", "cleared_at",
    "call_source", "initial_type_code", "initial_type_text", "final_type_code",
    "final_type_text", "priority", "disposition_code", "disposition_text", "address_raw",
    "city", "state", "zip_code", "latitude", "longitude", "beat", "district", "narrative",
)  # fmt: skip
HINTS = {
    "event_number": "the agency's incident or event number",
    "received_at": "when the call was received (date and time)",
    "dispatched_at": "when the first unit was dispatched",
    "en_route_at": "when the first unit was en route",
    "on_scene_at": "when the first unit arrived",
    "cleared_at": "when the call was closed or cleared",
    "call_source": "how the call came in (911, phone, officer-initiated, ...)",
    "initial_type_code": "the call type code as first taken",
    "initial_type_text": "the call type description as first taken",
    "final_type_code": "the final call type code",
    "final_type_text": "the final call type description",
    "priority": "the call priority",
    "disposition_code": "the disposition (clearance) code",
    "disposition_text": "the disposition (clearance) description",
    "address_raw": "the address, block or intersection",
    "city": "the city",
    "state": "the state",
    "zip_code": "the ZIP code",
    "latitude": "the latitude in degrees",
    "longitude": "the longitude in degrees",
    "beat": "the beat or zone",
    "district": "the district, precinct or division",
    "narrative": "the narrative or comments",
}

# Time shapes tried on sample values, most specific first.
DATETIME_FORMATS = (
    "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M",
    "%m/%d/%y %I:%M:%S %p", "%m/%d/%y %I:%M %p", "%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
    "%m-%d-%Y %H:%M:%S", "%m-%d-%Y %I:%M:%S %p", "%d-%b-%Y %H:%M:%S", "%d-%b-%y %H:%M:%S",
    "%m%d%Y %H%M%S", "%Y%m%d %H%M%S", "%Y%m%d%H%M%S",
)  # fmt: skip
DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%d/%m/%Y", "%Y/%m/%d", "%m-%d-%Y", "%m%d%Y", "%Y%m%d")
CLOCK_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%H%M%S")
_WIDTHS = {"%Y": r"\d{4}", "%m": r"\d{2}", "%d": r"\d{2}", "%H": r"\d{2}", "%M": r"\d{2}",
           "%S": r"\d{2}"}  # fmt: skip


def _compact(fmt: str) -> re.Pattern[str]:
    parts = re.split(r"(%[YmdHMS])", fmt)
    return re.compile("".join(_WIDTHS.get(part, re.escape(part)) for part in parts))


@dataclass(frozen=True)
class Candidate:
    """How well one shipped profile fits the file."""

    name: str
    score: float
    eligible: bool
    matched: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    rows_read: int = 0
    rows_sampled: int = 0
    reasons: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"{self.name} ({self.score:.2f}): " + "; ".join(self.reasons)


@dataclass
class DetectResult:
    profile: Profile
    score: float
    header: list[str]
    has_header: bool
    delimiter: str
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.candidates[0].reasons if self.candidates else ()


@dataclass(frozen=True)
class Guess:
    """What one canonical field most likely comes from."""

    field: str
    columns: tuple[str, ...]
    confidence: float
    why: str
    formats: tuple[str, ...] = ()
    extract: tuple[str, ...] = ()


@dataclass
class Sample:
    first: list[str]
    rows: list[list[str]]
    delimiter: str
    encoding: str


# ---------------------------------------------------------------------------------------------
# Detection


def detect_profile(path: Path | str, profiles: Iterable[Profile] | None = None) -> DetectResult:
    """The shipped profile (or one of ``profiles``) that reads this file best; FileProblem
    with what was found, what is missing and the best guesses when none does."""
    path = Path(path)
    sample = read_sample(path)
    pool = list(profiles) if profiles is not None else _shipped()
    has_header = looks_like_header(sample.first)
    candidates = sorted(
        (_score(profile, sample, has_header, path) for profile in pool),
        key=lambda c: (-c.score, c.name),
    )
    chosen = [c for c in candidates if c.eligible]
    if not chosen:
        raise FileProblem(_unrecognised(path, sample, has_header, candidates))
    best = chosen[0]
    if len(chosen) > 1 and best.score - chosen[1].score < AMBIGUOUS:
        tied = [c for c in chosen if best.score - c.score < AMBIGUOUS]
        raise FileProblem(
            f"{path.name} fits several import profiles equally well: "
            + "; ".join(c.describe() for c in tied)
            + ". Choose one with --profile NAME."
        )
    profile = next(p for p in pool if p.name == best.name)
    return DetectResult(
        profile=profile,
        score=best.score,
        header=sample.first,
        has_header=has_header,
        delimiter=sample.delimiter,
        candidates=candidates,
    )


def _shipped() -> list[Profile]:
    return [load_profile(name) for name in available_profiles()]


def read_sample(path: Path) -> Sample:
    """The first row and up to SAMPLE_ROWS more, with the delimiter that splits them best."""
    handle, notes = open_text(path)
    with handle:
        text = handle.read(SAMPLE_CHARS)
        complete = not handle.read(1)
    delimiter = sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise FileProblem(f"The file cannot be read as CSV ({error}).") from None
    if not complete and len(rows) > 1:
        rows.pop()  # cut by the sample's end
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise FileProblem("The file is empty.")
    first = [cell.strip().lstrip("\ufeff") for cell in rows[0]]
    return Sample(first, rows[1 : SAMPLE_ROWS + 1], delimiter, notes.encoding)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first rows into the same number (> 1) of fields."""
    best, best_key = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        rows = []
        try:
            for row in csv.reader(io.StringIO(text[:65536], newline=""), delimiter=delimiter):
                rows.append(row)
                if len(rows) >= 30:
                    break
        except csv.Error:
            continue
        rows = [row for row in rows if row]
        if not rows or len(rows[0]) < 2:
            continue
        same = sum(len(row) == len(rows[0]) for row in rows) / len(rows)
        key = (same, len(rows[0]))
        if key > best_key:
            best, best_key = delimiter, key
    return best


def looks_like_header(first: Sequence[str]) -> bool:
    """A row of distinct names (a few may be blank), none of them a number or a time."""
    cells = [cell.strip() for cell in first if cell.strip()]
    if len(cells) < max(1, len(first) / 2):
        return False
    if len({cell.casefold() for cell in cells}) != len(cells):
        return False
    return not any(_is_number(cell) or _time_shape([cell]) for cell in cells)


def _score(profile: Profile, sample: Sample, has_header: bool, path: Path) -> Candidate:
    if profile.header:
        candidate = _score_header(profile, sample, has_header, path)
    else:
        candidate = _score_headerless(profile, sample, has_header, path)
    if profile.delimiter not in ("auto", sample.delimiter):
        shown = {"\t": "tabs"}.get(sample.delimiter, repr(sample.delimiter))
        reason = f"the file is separated by {shown}, the profile reads {profile.delimiter!r}"
        return replace(candidate, score=candidate.score / 2, eligible=False,
                       reasons=(reason, *candidate.reasons))  # fmt: skip
    return candidate


def _score_header(profile: Profile, sample: Sample, has_header: bool, path: Path) -> Candidate:
    wanted = profile.columns_used()
    renamed, missing = match_header(sample.first, wanted)
    required = {c for name in REQUIRED for c in profile.fields[name].columns}
    lost = sorted(required & set(missing))
    matched = sorted(wanted - set(missing))
    folded = {cell.casefold() for cell in sample.first}
    exact = sum(1 for c in matched if c.casefold() in folded)
    coverage = (exact + 0.9 * (len(matched) - exact)) / max(len(wanted), 1)
    named = [cell for cell in sample.first if cell]
    share = len(matched) / max(len(named), 1)
    reasons = [
        f"the header has {len(matched)} of the profile's {len(wanted)} columns"
        + (
            f" ({len(matched) - exact} ignoring case and punctuation)"
            if exact < len(matched)
            else ""
        )
    ]
    if lost:
        reasons.append(f"missing the required {', '.join(map(repr, lost))}")
        return Candidate(
            profile.name,
            round(0.5 * coverage, 4),
            eligible=False,
            matched=tuple(matched),
            missing=tuple(missing),
            reasons=tuple(reasons),
        )
    if not has_header:
        reasons.append("the first row does not look like a header")
    read, total, problem = _rows_read(profile, renamed, sample.rows)
    rate = read / total if total else 1.0
    score = (0.6 * coverage + 0.4 * share) * (0.5 + 0.5 * rate)
    score, lookup_reason = _lookup_factor(profile, renamed, sample.rows, path, score)
    reasons += _read_reasons(read, total, problem) + lookup_reason
    return Candidate(
        profile.name,
        round(score, 4),
        eligible=rate >= MIN_ROWS_READ,
        matched=tuple(matched),
        missing=tuple(missing),
        rows_read=read,
        rows_sampled=total,
        reasons=tuple(reasons),
    )


def _score_headerless(profile: Profile, sample: Sample, has_header: bool, path: Path) -> Candidate:
    width = len(profile.columns)
    if has_header:
        return Candidate(profile.name, 0.0, eligible=False, reasons=("the file has a header row",))
    if len(sample.first) != width:
        reason = f"the first row has {len(sample.first)} fields; the profile reads {width}"
        return Candidate(profile.name, 0.0, eligible=False, reasons=(reason,))
    rows = [sample.first, *sample.rows][:SAMPLE_ROWS]
    same = sum(len(row) == width for row in rows) / len(rows)
    read, total, problem = _rows_read(profile, list(profile.columns), rows)
    rate = read / total if total else 0.0
    score = 0.5 * same + 0.5 * rate
    score, lookup_reason = _lookup_factor(profile, list(profile.columns), rows, path, score)
    reasons = [f"{same:.0%} of the rows have the profile's {width} fields"]
    reasons += _read_reasons(read, total, problem) + lookup_reason
    return Candidate(
        profile.name,
        round(score, 4),
        eligible=rate >= MIN_ROWS_READ,
        matched=tuple(profile.columns),
        rows_read=read,
        rows_sampled=total,
        reasons=tuple(reasons),
    )


def _rows_read(profile: Profile, columns: list[str], rows: list[list[str]]) -> tuple[int, int, str]:
    """(rows the profile turns into calls, rows tried, the first problem met)."""
    converter = RowConverter(profile, "UTC", {})
    read, problem = 0, ""
    for index, cells in enumerate(rows):
        if len(cells) != len(columns) and not (profile.header and len(cells) < len(columns)):
            problem = problem or f"row {index + 1} has {len(cells)} fields, not {len(columns)}"
            continue
        row = dict(zip(columns, cells, strict=False))
        try:
            converter.call(row, index + 1)
            if profile.one_row_per_unit:
                converter.unit(row)
        except RowProblem as error:
            problem = problem or f"{error.column}: {error.reason}"
            continue
        read += 1
    return read, len(rows), problem


def _read_reasons(read: int, total: int, problem: str) -> list[str]:
    if not total:
        return ["no data rows to try"]
    text = f"{read} of {total} sample rows read"
    return [text + (f" (first problem: {problem})" if problem and read < total else "")]


def _lookup_factor(
    profile: Profile, columns: list[str], rows: list[list[str]], path: Path, score: float
) -> tuple[float, list[str]]:
    """Codes decoded by the agency's key files are evidence: the share of the sample's codes
    found scales the score by 0.5 to 1. A key file that is absent counts as half found, so it
    neither helps nor hurts against profiles whose keys are there."""
    if not profile.lookups:
        return score, []
    tables, _ = load_lookups(profile, path)
    converter = RowConverter(profile, "UTC", {})
    reasons = []
    for target, lookup in profile.lookups.items():
        table = tables.get(target)
        if table is None:
            score *= 0.75
            reasons.append(f"{lookup.file} not found: its codes tell nothing")
            continue
        spec = profile.fields[lookup.source_field]
        codes = []
        for cells in rows:
            try:
                code = converter._text(dict(zip(columns, cells, strict=False)), target, spec)
            except RowProblem:
                continue
            if code:
                codes.append(code.casefold())
        if not codes:
            continue
        found = sum(code in table for code in codes) / len(codes)
        score *= 0.5 + 0.5 * found
        reasons.append(f"{found:.0%} of the codes are in {lookup.file}")
    return score, reasons


def _unrecognised(path: Path, sample: Sample, has_header: bool, candidates: list[Candidate]) -> str:
    header = sample.first if has_header else [f"column {i + 1}" for i in range(len(sample.first))]
    data = sample.rows if has_header else [sample.first, *sample.rows]
    guesses = guess_fields(header, data)
    shown = {"\t": "tabs"}.get(sample.delimiter, repr(sample.delimiter))
    if has_header:
        found = (
            f"Found: a header row of {len(header)} columns separated by {shown}: "
            + _listing(sample.first)
            + f"; {len(sample.rows)} data rows sampled."
        )
    else:
        found = (
            f"Found: no header row; the first row has {len(sample.first)} values separated by "
            f"{shown}: " + _listing(sample.first) + "."
        )
    lines = [
        f"{path.name} does not match any shipped import profile "
        f"({', '.join(c.name for c in sorted(candidates, key=lambda c: c.name))}).",
        found,
    ]
    missing = [name for name in REQUIRED if name not in guesses]
    if missing:
        lines.append(
            "Missing: no column looks like "
            + " or like ".join(f"{HINTS[name]} ({name})" for name in missing)
            + "."
        )
    else:
        lines.append(
            "Missing: a shipped profile with these columns (the required event number and "
            "received time can be guessed, below)."
        )
    if guesses:
        lines.append(
            "Best guesses: "
            + "; ".join(
                f"{g.field} <- {' + '.join(map(repr, g.columns))} ({' '.join(g.why.split())})"
                for g in sorted(guesses.values(), key=lambda g: ORDER.index(g.field))
            )
            + "."
        )
    near = [c for c in candidates if c.matched and (c.rows_read or c.missing)][:2]
    if near:
        lines.append("Closest shipped profiles: " + "; ".join(_near(c) for c in near) + ".")
    else:
        lines.append("No shipped profile shares a column with this file.")
    lines.append(
        f"Write a profile with `coresponder calls suggest-profile {path.name} > my-profile.toml`, "
        "check it, then import with --profile my-profile.toml."
    )
    return "\n".join(lines)


def _near(candidate: Candidate) -> str:
    text = f"{candidate.name}: " + "; ".join(candidate.reasons)
    if candidate.missing and candidate.matched:
        text += f"; it lacks {_listing(list(candidate.missing), 6)}"
    return text


def _listing(values: Sequence[str], limit: int = 20) -> str:
    shown = ", ".join(repr(v) for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


# ---------------------------------------------------------------------------------------------
# Guessing what each column holds


def words(name: str) -> str:
    """A column name as lower-case words: ``TimeCreate`` -> ``time create``,
    ``CAD.Event.Number`` -> ``cad event number``, ``NOPD_Item`` -> ``nopd item``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name)
    return " ".join(re.findall(r"[a-z0-9]+", spaced.casefold()))


def name_score(column: str, synonyms: Iterable[str]) -> tuple[float, str]:
    """(0..1, the synonym it is like): how much a column name looks like one of the synonyms."""
    spoken = words(column)
    tokens = set(spoken.split())
    best, like = 0.0, ""
    for synonym in synonyms:
        if spoken == synonym or normalise_name(column) == synonym.replace(" ", ""):
            return 1.0, synonym
        parts = set(synonym.split())
        if len(parts) > 1 and parts <= tokens:
            score = 0.85 + 0.1 * len(parts) / len(tokens)
        else:
            score = SequenceMatcher(None, spoken, synonym).ratio()
        if score > best:
            best, like = score, synonym
    return best, like


@dataclass
class _Column:
    name: str
    values: list[str]
    time_format: str = ""
    time_kind: str = ""  # "datetime", "date" (no time, or always midnight) or "clock"
    number: bool = False
    low: float = 0.0
    high: float = 0.0
    decimals: bool = False
    distinct: float = 0.0


def _profile_column(name: str, values: list[str]) -> _Column:
    filled = [v.strip() for v in values if v.strip()]
    column = _Column(name, filled)
    if not filled:
        return column
    column.distinct = len(set(filled)) / len(filled)
    shape = _time_shape(filled)
    if shape:
        column.time_format, column.time_kind = shape
    numbers = [_number(v) for v in filled]
    if all(n is not None for n in numbers):
        column.number = True
        column.low = min(n for n in numbers if n is not None)
        column.high = max(n for n in numbers if n is not None)
        column.decimals = any("." in v for v in filled)
    return column


def _time_shape(values: list[str]) -> tuple[str, str] | None:
    """(format, kind) that reads at least 90 % of the values, or None."""
    sample = values[:100]
    for fmt in ("iso", *DATETIME_FORMATS, *DATE_FORMATS, *CLOCK_FORMATS):
        parsed = [_parse(v, fmt) for v in sample]
        good = [p for p in parsed if p is not None]
        if len(good) < max(1, 0.9 * len(sample)):
            continue
        if fmt in CLOCK_FORMATS:
            return fmt, "clock"
        if fmt in DATE_FORMATS or all(p.time() == datetime.min.time() for p in good):
            return fmt, "date"
        return fmt, "datetime"
    return None


def _parse(value: str, fmt: str) -> datetime | None:
    if fmt == "iso":
        if not re.match(r"^\d{4}[-/]\d{2}[-/]\d{2}", value):
            return None
        try:
            moment = parse_iso(value)
        except ValueError:
            return None
    else:
        # Digits run together (MMDDYYYY, HHMMSS) must have exactly their width: strptime
        # would also read 7 digits as a date.
        if re.search(r"%[YmdHMS]%[YmdHMS]", fmt) and not _compact(fmt).fullmatch(value):
            return None
        try:
            moment = datetime.strptime(value, fmt)
        except ValueError:
            return None
    if fmt not in CLOCK_FORMATS and not 1970 <= moment.year <= 2100:
        return None
    return moment


def _eg(value: str) -> str:
    """A sample value for a message or a comment: quoted, on one line, not too long."""
    return json.dumps(value if len(value) <= 40 else value[:40] + "...", ensure_ascii=False)


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _is_number(value: str) -> bool:
    return _number(value) is not None


def guess_fields(header: list[str], rows: list[list[str]]) -> dict[str, Guess]:
    """The most likely column(s) for each canonical field, from names and sample values."""
    columns = [
        _profile_column(name, [row[i] for row in rows if i < len(row)])
        for i, name in enumerate(header)
    ]
    by_name = {c.name: c for c in columns}
    pairs = []
    for column in columns:
        if not column.name.strip():
            continue
        for name, synonyms in SYNONYMS.items():
            score, like = name_score(column.name, synonyms)
            if score >= 0.75:
                pairs.append((score, -ORDER.index(name), name, column.name, like))
    guesses: dict[str, Guess] = {}
    used: set[str] = set()
    for score, _, name, column_name, like in sorted(pairs, reverse=True):
        if name in guesses or column_name in used:
            continue
        guess = _check_values(name, by_name[column_name], score, f'the name is like "{like}"')
        if guess is not None:
            guesses[name] = guess
            used.add(column_name)
    _guess_by_values(columns, guesses, used)
    _pair_date_and_clock(columns, guesses, used)
    return guesses


def _check_values(name: str, column: _Column, score: float, why: str) -> Guess | None:
    """A name guess, kept only when the values agree with the field's kind."""
    example = f"; e.g. {_eg(column.values[0])}" if column.values else ""
    if name in TIME_FIELDS:
        if not column.values:
            return Guess(name, (column.name,), score * 0.8, why + "; no values to check")
        if column.time_kind in ("", "clock"):
            return None
        return Guess(
            name,
            (column.name,),
            score,
            f"{why}; times like {_eg(column.values[0])}",
            formats=(column.time_format,),
        )
    if name in ("latitude", "longitude"):
        if column.values and not (column.number and column.decimals):
            return None
        limit = 90 if name == "latitude" else 180
        if column.values and not (-limit <= column.low and column.high <= limit):
            return None
        return Guess(name, (column.name,), score, why + example)
    if name == "event_number" and column.time_kind in ("datetime", "date"):
        return None
    if any("\n" in value for value in column.values):  # a multi-line cell: its first line
        return Guess(name, (column.name,), score * 0.9, why + example + "; first line only",
                     extract=(r"^([^\r\n]*)",))  # fmt: skip
    return Guess(name, (column.name,), score, why + example)


def _guess_by_values(columns: list[_Column], guesses: dict[str, Guess], used: set[str]) -> None:
    """Fill the fields names did not give from what the values look like."""
    free = [c for c in columns if c.name not in used and c.values]
    if "received_at" not in guesses:
        timed = [c for c in free if c.time_kind in ("datetime", "date")]
        if timed:
            column = timed[0]
            guesses["received_at"] = Guess(
                "received_at",
                (column.name,),
                0.5,
                f"the first column of times, like {_eg(column.values[0])}",
                formats=(column.time_format,),
            )
            used.add(column.name)
    if "event_number" not in guesses:
        for column in free:
            if column.name in used or column.time_kind:
                continue
            idlike = all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-_/.]{2,}", v) for v in column.values)
            if idlike and any(ch.isdigit() for ch in column.values[0]) and column.distinct > 0.5:
                guesses["event_number"] = Guess(
                    "event_number",
                    (column.name,),
                    0.5,
                    f"mostly distinct identifiers, like {_eg(column.values[0])}",
                )
                used.add(column.name)
                break
    free = [c for c in columns if c.name not in used and c.values]
    coordinates = [c for c in free if c.number and c.decimals and -180 <= c.low <= c.high <= 180]
    if "latitude" not in guesses and "longitude" not in guesses and len(coordinates) >= 2:
        lat = next((c for c in coordinates if -90 <= c.low <= c.high <= 90), None)
        lon = next((c for c in coordinates if c is not lat and max(-c.low, c.high) > 90), None)
        if lat is not None and lon is not None:
            for name, column in (("latitude", lat), ("longitude", lon)):
                guesses[name] = Guess(
                    name, (column.name,), 0.5, f"decimal degrees, like {_eg(column.values[0])}"
                )
                used.add(column.name)
    free = [c for c in columns if c.name not in used and c.values]
    if "state" not in guesses:
        states = [
            c
            for c in free
            if all(re.fullmatch(r"[A-Z]{2}", v) for v in c.values) and c.distinct < 0.5
        ]
        if states:  # the fewest distinct codes: an agency code column varies more than a state
            column = min(states, key=lambda c: (len(set(c.values)), -columns.index(c)))
            guesses["state"] = Guess(
                "state", (column.name,), 0.5, f"two-letter codes, like {_eg(column.values[0])}"
            )
            used.add(column.name)
    if "address_raw" not in guesses:
        street = re.compile(r"^\d+[A-Z]?\s+\S+|\S\s*(/|&| AND )\s*\S", re.I)
        for column in free:
            if column.name in used or column.number:
                continue
            if sum(bool(street.search(v)) for v in column.values) >= 0.6 * len(column.values):
                guesses["address_raw"] = Guess(
                    "address_raw", (column.name,), 0.5, f"addresses, like {_eg(column.values[0])}"
                )
                used.add(column.name)
                break
    _guess_codes_and_places(columns, guesses, used)


def _guess_codes_and_places(
    columns: list[_Column], guesses: dict[str, Guess], used: set[str]
) -> None:
    """A hundred-block number column joins the address; a column of few plain words right
    after the address is the city; a column of short repeated codes is the call type code."""
    address = guesses.get("address_raw")
    if address is not None and len(address.columns) == 1:
        for column in columns:
            named = words(column.name) in ("block", "block number", "hundred block", "house number",
                                           "street number", "block no")  # fmt: skip
            if named and column.name not in used and all(v.isdigit() for v in column.values):
                guesses["address_raw"] = Guess(
                    "address_raw", (column.name, address.columns[0]), address.confidence * 0.9,
                    f"{address.why}, after the block number in {column.name!r}",
                )  # fmt: skip
                used.add(column.name)
                break
        after = next((i + 1 for i, c in enumerate(columns) if c.name == address.columns[-1]), 0)
        if "city" not in guesses and after < len(columns):
            column = columns[after]
            plain = all(re.fullmatch(r"[A-Za-z][A-Za-z .'-]{2,}", v) for v in column.values)
            if column.values and column.name not in used and plain and column.distinct < 0.5:
                guesses["city"] = Guess("city", (column.name,), 0.5,
                                        f"place names after the address, like "
                                        f"{_eg(column.values[0])}")  # fmt: skip
                used.add(column.name)
    if "final_type_code" not in guesses and "initial_type_code" not in guesses:
        codes = [
            c for c in columns
            if c.name not in used and c.values and not c.number and c.distinct < 0.6
            and all(re.fullmatch(r"[A-Z0-9][A-Z0-9 /_-]{0,9}", v) for v in c.values)
        ]  # fmt: skip
        if codes:  # the most varied: agency or unit-type codes vary less than call types
            column = max(codes, key=lambda c: (len(set(c.values)), -columns.index(c)))
            why = f"short codes, like {_eg(column.values[0])}"
            guesses["final_type_code"] = Guess("final_type_code", (column.name,), 0.5, why)
            used.add(column.name)


def _pair_date_and_clock(columns: list[_Column], guesses: dict[str, Guess], used: set[str]) -> None:
    """A received date without a time (or with a dummy midnight) next to a column of clock
    times becomes one field read from both columns."""
    guess = guesses.get("received_at")
    if guess is None or len(guess.columns) != 1:
        return
    date = next(c for c in columns if c.name == guess.columns[0])
    if date.time_kind != "date":
        return
    clocks = [c for c in columns if c.time_kind == "clock" and c.name not in used]
    if not clocks:
        return
    clock = min(clocks, key=lambda c: abs(columns.index(c) - columns.index(date)))
    date_format = date.time_format
    extract: tuple[str, ...] = ()
    if date_format == "iso" or date_format not in DATE_FORMATS:  # a date with a dummy time
        date_format = "%Y-%m-%d" if date_format == "iso" else date_format.split(" ")[0]
        extract = (r"^(\S+?)(?:[T ]|$)", "")
    guesses["received_at"] = Guess(
        "received_at",
        (date.name, clock.name),
        min(guess.confidence, 0.7),
        f"dates like {_eg(date.values[0])} with clock times like {_eg(clock.values[0])}",
        formats=(f"{date_format} {clock.time_format}",),
        extract=extract,
    )
    used.add(clock.name)


def _guess_unit(header: list[str], rows: list[list[str]], guesses: dict[str, Guess]) -> str:
    """A unit column when the event number repeats (one row per responding unit)."""
    event = guesses.get("event_number")
    if event is None:
        return ""
    index = header.index(event.columns[0])
    values = [row[index] for row in rows if index < len(row) and row[index].strip()]
    if len(set(values)) == len(values):
        return ""
    used = {c for g in guesses.values() for c in g.columns}
    scored = [(name_score(c, UNIT_SYNONYMS)[0], c) for c in header if c not in used]
    scored = [(s, c) for s, c in scored if s >= 0.75]
    return max(scored)[1] if scored else ""


# ---------------------------------------------------------------------------------------------
# Writing a starter profile


def suggest_profile(path: Path | str) -> str:
    """A starter TOML profile for ``path``, with every guess commented on and the fields it
    could not place listed for the user to fill in."""
    path = Path(path)
    sample = read_sample(path)
    has_header = looks_like_header(sample.first)
    if has_header:
        header, rows = sample.first, sample.rows
    else:
        header = [f"column_{i + 1}" for i in range(len(sample.first))]
        rows = [sample.first, *sample.rows]
    guesses = guess_fields(header, rows)
    unit = _guess_unit(header, rows, guesses)
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.casefold()).strip("-") or "my-cad"
    time_formats: list[str] = []
    for guess in guesses.values():
        time_formats += [f for f in guess.formats if f not in time_formats]
    out = [
        f"# Starter import profile for {path.name},",
        "# written by `coresponder calls suggest-profile`.",
        "# Every mapping below is a guess: check each against the file, fix what is wrong, fill",
        "# in what is missing, then import with",
        f"# `coresponder import-calls {path.name} --profile {slug}.toml`.",
        "# The format is described in docs/guides/cad-import-profiles.md.",
        "",
        f"name = {_q(slug)}",
        f"title = {_q('CAD export like ' + path.name)}",
        'publisher = ""  # who publishes this export: the agency, its CAD system',
        "verified = false  # true once checked against real exports",
        f"source = {_q(slug)}  # a call is identified by agency + source + event number",
        "",
        "[read]",
        f"header = {'true' if has_header else 'false'}",
    ]
    if not has_header:
        out.append(f"columns = [{', '.join(_q(c) for c in header)}]")
        for name, value in zip(header, sample.first, strict=False):
            out.append(f"# {name}: e.g. {_q(value[:60])}")
    out += [
        f"delimiter = {_q(sample.delimiter)}",
        '# null_values = ["REDACTED"]  # cell values that mean "no value"',
        "",
        "[time]",
        'zone = "agency"  # the agency\'s own time zone; or a name such as "America/Chicago"',
        f"formats = [{', '.join(_q(f) for f in time_formats or ['iso'])}]"
        + ("  # sniffed from the values" if time_formats else "  # no times recognised: CHECK"),
        "",
        "[fields]",
    ]
    for name in ORDER:
        found = guesses.get(name)
        if found is None:
            if name in REQUIRED:
                out.append(
                    f'{name} = "FILL IN"  # REQUIRED and not found: the column with {HINTS[name]}'
                )
            else:
                out.append(f'# {name} = ""  # not found: the column with {HINTS[name]}, if any')
            continue
        why = " ".join(found.why.split())
        sure = (
            "sure" if found.confidence >= 0.95 else "likely" if found.confidence >= 0.8 else "check"
        )
        out.append(f"{name} = {_field_value(found)}  # {sure}: {why}")
    used = {c for g in guesses.values() for c in g.columns} | {unit}
    rest = [c for c in header if c not in used and c]
    if rest:
        out.append("# not mapped (kept in each call's raw row): " + _listing(rest, 40))
    out += ["", "# One row per responding unit? Name the unit column; rows of one event fold."]
    if unit:
        out += ["[units]", f"unit_id = {_q(unit)}  # check: the event number repeats"]
    else:
        out += ["# [units]", '# unit_id = "Unit"']
    out += [
        "",
        "# How calls reached the agency, for call_source (raw value = code):",
        "# [maps.call_source]",
        '# "911" = "911"',
        '# "OFFICER INITIATED" = "officer_initiated"',
        "",
        "# Decode a code with the agency's own key file (path relative to the imported file):",
        "# [lookups.final_type_text]",
        '# from = "final_type_code"',
        '# file = "call_type_key.csv"',
        '# key = "code"',
        '# value = "description"',
        "",
    ]
    return "\n".join(out)


def _field_value(guess: Guess) -> str:
    if len(guess.columns) == 1 and not guess.extract:
        return _q(guess.columns[0])  # its time format is in [time] formats
    parts = [f"columns = [{', '.join(_q(c) for c in guess.columns)}]"]
    if guess.extract:
        parts.append(f"extract = [{', '.join(_q(e) for e in guess.extract)}]")
    if guess.formats:
        parts.append(f"formats = [{', '.join(_q(f) for f in guess.formats)}]")
    return "{ " + ", ".join(parts) + " }"


def _q(text: str) -> str:
    """A TOML basic string (JSON's escapes are all valid TOML)."""
    return json.dumps(text, ensure_ascii=False)
