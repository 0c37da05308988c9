"""Cleaning person mentions before they are linked: placeholders out, dates read, keys made.

CAD and case records carry values that look like identifiers and are not: "UNKNOWN",
"JOHN DOE", "999-999-9999", a date of birth of 1900-01-01 or in the future, a single letter
for a name. Left in, they link strangers (every "UNKNOWN UNKNOWN" would be one person), so
each is set to null and counted in a :class:`CleaningReport`. A mention left with no usable
identifier is marked ``linkable = False`` and the linker never pairs it with anything.

Everything here is vectorised over unique values (a million mentions carry far fewer distinct
names), so cleaning a million rows takes seconds. No Django.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import jellyfish
import numpy as np
import pandas as pd
import polars as pl

from coresponder.cases.engine.people import nicknames, normalise_name

# the columns the linker reads, after any mapping of the input's own names
FIELDS = ("first_name", "last_name", "dob", "phone", "address")

NAME_PLACEHOLDERS = frozenset(
    {
        "unknown", "unk", "unkn", "unknwn", "none", "null", "nil", "na", "n a", "nfn", "nln",
        "fnu", "lnu", "nmn", "refused", "declined", "noname", "no name", "not given",
        "not provided", "anonymous", "anon", "test", "xxx", "xx", "x", "doe", "john doe",
        "jane doe", "baby", "unidentified", "unidentified male", "unidentified female",
        "male", "female", "subject", "suspect", "victim", "caller", "rp", "same",
    }
)  # fmt: skip
# a "John Doe" / "Jane Doe": both halves are placeholders together, though "John" alone is not
DOE_FIRST = frozenset({"john", "jane", "baby", "unknown"})
ADDRESS_PLACEHOLDERS = frozenset(
    {
        "unknown", "unk", "none", "null", "na", "n a", "refused", "declined", "no address",
        "none given", "not given", "homeless", "transient", "no fixed abode", "nfa",
        "no fixed address", "same", "xxx", "x", "test",
    }
)  # fmt: skip
OTHER_PLACEHOLDERS = frozenset(
    {"", "unknown", "unk", "none", "null", "nan", "na", "n/a", "refused", "xxx", "x", "-", "?"}
)
# well-known fake numbers: one digit repeated is handled separately
PHONE_PLACEHOLDERS = frozenset({"1234567890", "0123456789", "5555555555", "1234567", "5551212"})
FAKE_DOBS = frozenset({"1900-01-01", "1901-01-01", "1800-01-01"})
MIN_YEAR = 1900

_STREET_WORDS = {
    "street": "st", "avenue": "ave", "av": "ave", "road": "rd", "drive": "dr",
    "boulevard": "blvd", "lane": "ln", "place": "pl", "court": "ct", "terrace": "ter",
    "highway": "hwy", "parkway": "pkwy", "circle": "cir", "square": "sq", "crescent": "cres",
    "north": "n", "south": "s", "east": "e", "west": "w", "apartment": "apt", "unit": "apt",
    "suite": "ste", "#": "apt",
}  # fmt: skip
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_DIGITS = re.compile(r"\D+")
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T].*)?$")
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_US = re.compile(r"^(?P<m>\d{1,2})[/.-](?P<d>\d{1,2})[/.-](?P<y>\d{4})(?: .*)?$")
_YEAR_MONTH = re.compile(r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})$")
_YEAR = re.compile(r"^(?P<y>\d{4})$")
_DATE_PATTERNS = (_ISO, _COMPACT, _US, _YEAR_MONTH, _YEAR)


@dataclass
class CleaningReport:
    """What cleaning changed: values set to null per field and reason, and the mentions that
    were left with nothing to link on."""

    rows: int = 0
    nulled: dict[str, Counter[str]] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    unlinkable: int = 0
    unlinkable_ids: list[str] = field(default_factory=list)  # the first few, for the report

    def count(self, column: str, reason: str, n: int, values: Sequence[str] = ()) -> None:
        if n:
            self.nulled.setdefault(column, Counter())[reason] += n
            seen = self.examples.setdefault(column, [])
            for value in values:
                if len(seen) >= 5:
                    break
                if value not in seen:
                    seen.append(value)

    def as_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "nulled": {column: dict(reasons) for column, reasons in self.nulled.items()},
            "examples": self.examples,
            "unlinkable": self.unlinkable,
            "unlinkable_ids": self.unlinkable_ids,
        }

    def lines(self) -> list[str]:
        """The report as short sentences for a command's output."""
        out = []
        for column, reasons in sorted(self.nulled.items()):
            parts = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
            examples = ", ".join(repr(v) for v in self.examples.get(column, []))
            out.append(
                f"{column}: set to null: {parts}" + (f" (e.g. {examples})" if examples else "")
            )
        if self.unlinkable:
            out.append(
                f"{self.unlinkable} of {self.rows} mentions have no usable identifier and are "
                "not linked (each is its own cluster)"
            )
        return out


class _Column:
    """One input column read once per distinct value: a million mentions carry far fewer
    distinct names, dates, phones and addresses. ``codes`` index each row's value."""

    def __init__(self, series: pd.Series) -> None:
        values = series.to_numpy(dtype=object)
        self.codes, uniques = pd.factorize(values, use_na_sentinel=True)
        # blanks and "nan" read as missing; everything else as stripped text
        self.uniques = [_strip(value) for value in uniques]

    def derive(self, fn: Callable[[str], tuple[Any, ...]], width: int) -> list[np.ndarray]:
        """``fn`` over each distinct non-blank value -> ``width`` per-row arrays (None for a
        missing value)."""
        blank = (None,) * width
        rows = [fn(value) if value is not None else blank for value in self.uniques]
        rows.append(blank)  # what code -1 (missing) takes
        return [np.array([row[i] for row in rows], dtype=object)[self.codes] for i in range(width)]

    def raw(self) -> np.ndarray:
        return np.array([*self.uniques, None], dtype=object)[self.codes]


def _strip(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _report_reasons(
    report: CleaningReport, column: str, reasons: np.ndarray, raw: np.ndarray
) -> None:
    """Count each non-empty reason, with a few of the raw values it was given for."""
    found = pd.Series(reasons).dropna()
    found = found[found != ""]
    for reason, count in found.value_counts().items():
        examples = pd.unique(raw[found.index[found == reason][:200]])
        report.count(column, str(reason), int(count), [str(v) for v in examples])


def _name(value: str) -> tuple[str | None, str]:
    name = normalise_name(value)
    if not name:
        return None, "not a name"
    if name in NAME_PLACEHOLDERS:
        return (name, "") if name in ("john doe", "jane doe", "doe") else (None, "placeholder")
    if len(name.replace(" ", "")) <= 1:
        return None, "single letter"
    return name, ""


def _clean_names(frame: pd.DataFrame, report: CleaningReport) -> tuple[np.ndarray, np.ndarray]:
    columns = {}
    for column in ("first_name", "last_name"):
        read = _Column(frame[column])
        value, reason = read.derive(_name, 2)
        raw = read.raw()
        _report_reasons(report, column, reason, raw)
        columns[column] = (value, raw)
    (first, raw_first), (last, raw_last) = columns["first_name"], columns["last_name"]

    # "JOHN DOE": both halves placeholders together, though "John" alone is a name; the whole
    # placeholder written in one field nulls that field only
    first_s, last_s = pd.Series(first), pd.Series(last)
    doe = ((last_s == "doe") & (first_s.isin(DOE_FIRST) | first_s.isna())).to_numpy()
    doe |= ((first_s == "doe") & last_s.isin(DOE_FIRST)).to_numpy()
    whole = {"john doe", "jane doe"}
    doe_first = first_s.isin(whole).to_numpy() | (first_s == "doe").to_numpy()
    doe_last = last_s.isin(whole).to_numpy()
    if doe.any():
        pairs = zip(raw_first[doe], raw_last[doe], strict=True)
        shown = [f"{a or ''} {b or ''}".strip() for a, b in pairs]
        report.count("name", "John/Jane Doe", int(doe.sum()), shown)
    report.count("first_name", "John/Jane Doe", int((doe_first & ~doe).sum()),
                 [str(v) for v in raw_first[doe_first & ~doe][:5]])  # fmt: skip
    report.count("last_name", "John/Jane Doe", int((doe_last & ~doe).sum()),
                 [str(v) for v in raw_last[doe_last & ~doe][:5]])  # fmt: skip
    first, last = first.copy(), last.copy()
    first[doe | doe_first] = None
    last[doe | doe_last] = None
    return first, last


@lru_cache(maxsize=500_000)
def _metaphone(text: str) -> str | None:
    return jellyfish.metaphone(text.replace(" ", "")) or None


@lru_cache(maxsize=100_000)
def _given_names(token: str) -> tuple[str, ...]:
    """The full names a given name may stand for: itself, and what a nickname shortens."""
    return tuple(sorted(nicknames().get(token, frozenset()) | {token}))


def _given_key(token: str) -> str:
    """One full name for a given name, for blocking: "bob" and "robert" both give "robert"."""
    names = nicknames().get(token)
    return min(names) if names else token


def _given(token: str) -> tuple[str, list[str], str, str | None]:
    """A given name's first word (the middle name is too often absent), the full names it
    may stand for, its blocking key and its sound."""
    word = token.split()[0]
    return word, list(_given_names(word)), _given_key(word), _metaphone(word)


def _date_parts(text: str) -> tuple[int, int | None, int | None] | None:
    for pattern in _DATE_PATTERNS:
        found = pattern.match(text)
        if found:
            parts = found.groupdict()
            month, day = parts.get("m"), parts.get("d")
            return int(parts["y"]), int(month) if month else None, int(day) if day else None
    return None


def _dob(text: str, today: date) -> tuple[str | None, str | None, str | None, str | None, str]:
    """(date, year, year-month, date with day and month swapped, reason it was dropped)."""
    parts = _date_parts(text)
    if parts is None:
        return None, None, None, None, "unreadable"
    year, month, day = parts
    if month is not None and day is not None and month > 12 and day <= 12:
        month, day = day, month  # a month over 12 with a day that could be a month: swapped
    if month is not None and not 1 <= month <= 12:
        month, day = None, None
    full: date | None = None
    if month is not None and day is not None:
        try:
            full = date(year, month, day)
        except ValueError:
            full = None  # 30 February: the year and month still count
    if year < MIN_YEAR:
        return None, None, None, None, "before 1900"
    if year > today.year or (full is not None and full > today):
        return None, None, None, None, "in the future"
    iso = full.isoformat() if full else None
    if iso in FAKE_DOBS:
        return None, None, None, None, "placeholder"
    year_month = f"{year:04d}-{month:02d}" if month is not None else None
    swapped = None
    if full is not None and full.day <= 12 and full.day != full.month:
        swapped = f"{year:04d}-{full.day:02d}-{full.month:02d}"
    return iso, f"{year:04d}", year_month, swapped, ""


def _clean_dob(frame: pd.DataFrame, report: CleaningReport, today: date) -> dict[str, np.ndarray]:
    read = _Column(frame["dob"])
    dob, year, year_month, swapped, reason = read.derive(lambda v: _dob(v, today), 5)
    _report_reasons(report, "dob", reason, read.raw())
    return {"dob": dob, "dob_year": year, "dob_year_month": year_month, "dob_swapped": swapped}


_REPEATED = re.compile(r"(\d)\1+")
_FICTION = re.compile(r"(\d{3})?55501\d{2}")  # 555-0100 to 555-0199: numbers for fiction


def _phone(text: str) -> tuple[str | None, str]:
    digits = _DIGITS.sub("", text)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    digits = digits[-10:]
    if len(digits) < 7:
        return None, "too short"
    if digits in PHONE_PLACEHOLDERS or _REPEATED.fullmatch(digits) or _FICTION.fullmatch(digits):
        return None, "placeholder"
    return digits, ""


def _clean_phone(frame: pd.DataFrame, report: CleaningReport) -> np.ndarray:
    read = _Column(frame["phone"])
    phone, reason = read.derive(_phone, 2)
    _report_reasons(report, "phone", reason, read.raw())
    return phone


@lru_cache(maxsize=500_000)
def normalise_address(text: str) -> str | None:
    """Lower-case words with the common street words abbreviated; placeholders give None."""
    words = _NOT_ALNUM.sub(" ", text.lower().replace("#", " # ")).split()
    words = [_STREET_WORDS.get(word, word) for word in words]
    value = " ".join(words)
    if not value or value in ADDRESS_PLACEHOLDERS:
        return None
    return value


def _address(text: str) -> tuple[str | None, str | None, str]:
    address = normalise_address(text)
    if address is None:
        return None, None, "placeholder"
    number = next((word for word in address.split() if word.isdigit()), None)
    return address, number, ""


def _clean_address(frame: pd.DataFrame, report: CleaningReport) -> tuple[np.ndarray, np.ndarray]:
    read = _Column(frame["address"])
    address, number, reason = read.derive(_address, 3)
    _report_reasons(report, "address", reason, read.raw())
    return address, number


def _other(text: str) -> tuple[str | None, str]:
    value = _NOT_ALNUM.sub(" ", text.lower()).strip()
    if value in OTHER_PLACEHOLDERS:
        return None, "placeholder"
    return value, ""


def _clean_other(series: pd.Series, column: str, report: CleaningReport) -> np.ndarray:
    read = _Column(series)
    value, reason = read.derive(_other, 2)
    _report_reasons(report, column, reason, read.raw())
    return value


def clean_mentions(
    frame: pd.DataFrame,
    *,
    extra_columns: Sequence[str] = (),
    today: date | None = None,
) -> tuple[pd.DataFrame, CleaningReport]:
    """Clean person mentions for linkage.

    ``frame`` has ``unique_id`` and any of :data:`FIELDS` (missing ones count as empty) plus
    ``extra_columns``. Returns the frame the model reads (the cleaned fields, their derived
    keys and a ``linkable`` flag) and the report of what was set to null. A mention is
    linkable when it has something that identifies a person (a name, a phone or a value in
    an extra column, an identifier number say) and at least one more field (of the names,
    date of birth, phone, address and extra columns) to check it against.
    """
    today = today or date.today()
    report = CleaningReport(rows=len(frame))
    if "unique_id" not in frame.columns:
        raise ValueError("the mentions need a unique_id column")
    ids = frame["unique_id"].astype("string").str.strip()
    if ids.isna().any() or (ids == "").any():
        raise ValueError("every mention needs a unique_id")
    duplicated = ids[ids.duplicated()]
    if len(duplicated):
        raise ValueError(f"unique_id is not unique: {', '.join(duplicated.head(3))}")
    frame = frame.copy(deep=False)
    for column in FIELDS:
        if column not in frame.columns:
            frame[column] = None

    first, last = _clean_names(frame, report)
    given = _Column(pd.Series(first))
    word, names, key, sound = given.derive(_given, 4)
    surname = _Column(pd.Series(last))
    (last_sound,) = surname.derive(lambda v: (_metaphone(v),), 1)
    columns: dict[str, Any] = {
        "unique_id": ids.to_numpy(dtype=object),
        "first_name": word,
        "last_name": last,
        "first_name_names": names,
        "first_name_key": key,
        "first_name_sound": sound,
        "last_name_sound": last_sound,
    }
    columns |= _clean_dob(frame, report, today)
    columns["phone"] = _clean_phone(frame, report)
    columns["address"], columns["address_number"] = _clean_address(frame, report)
    for column in extra_columns:
        if column not in frame.columns:
            raise ValueError(f"no column {column!r} to compare")
        columns[column] = _clean_other(frame[column], column, report)
    out = pd.DataFrame(columns)

    # an identifier of the person (a name, a phone or an extra column such as an ID number)
    # and at least one more field to check it against
    who = out["first_name"].notna() | out["last_name"].notna() | out["phone"].notna()
    fields = ["first_name", "last_name", "dob_year", "phone", "address", *extra_columns]
    for column in extra_columns:
        who |= out[column].notna()
    linkable = who & (out[fields].notna().sum(axis=1) >= 2)
    out["linkable"] = linkable
    report.unlinkable = int((~linkable).sum())
    report.unlinkable_ids = [str(v) for v in out.loc[~linkable, "unique_id"].head(10)]
    return out, report


# --- cleaned features, stored ----------------------------------------------------------------
#
# A mention is cleaned once, when it is first linked, and its cleaned fields and keys are kept
# beside it (``PersonMention.features`` in the product) as one line of text: the format's
# version, the linkable flag, then each of FEATURE_COLUMNS, ``|`` between them, an empty value
# for a missing one and ``,`` between the full names a given name may stand for. Cleaned
# values are lower-case letters, digits, spaces and ``-`` (names are letters and spaces,
# addresses letters, digits and spaces, dates ``yyyy-mm-dd``), so neither separator occurs in
# them. A change to cleaning or to the keys bumps FEATURES_VERSION: stored features of another
# version are cleaned again.

FEATURES_VERSION = "p1"
FEATURE_COLUMNS = (
    "first_name", "last_name", "first_name_names", "first_name_key", "first_name_sound",
    "last_name_sound", "dob", "dob_year", "dob_year_month", "dob_swapped", "phone", "address",
    "address_number",
)  # fmt: skip
_SEPARATOR = "|"


def pack_features(cleaned: pd.DataFrame) -> pd.Series:
    """Each cleaned mention (``clean_mentions``' frame, without extra columns) as its stored
    line of features, indexed by ``unique_id``."""
    columns = []
    for column in FEATURE_COLUMNS:
        values = cleaned[column].to_numpy(dtype=object)
        if column == "first_name_names":
            columns.append([",".join(v) if isinstance(v, list | tuple) else "" for v in values])
        else:
            columns.append(["" if v is None or v is pd.NA else str(v) for v in values])
    flags = ["1" if flag else "0" for flag in cleaned["linkable"].to_numpy()]
    lines = [
        _SEPARATOR.join((FEATURES_VERSION, flag, *row))
        for flag, *row in zip(flags, *columns, strict=True)
    ]
    return pd.Series(lines, index=cleaned["unique_id"].to_numpy(dtype=object), dtype=object)


def features_current(line: str | None) -> bool:
    """Whether a stored line of features is of this version (else the mention is cleaned
    again)."""
    return bool(line) and str(line).startswith(FEATURES_VERSION + _SEPARATOR)


def read_features(lines: str | bytes) -> pl.DataFrame:
    """Stored features, one mention a line (``unique_id``, ``|``, its stored line), as the
    columns the model reads: the linkable mentions of this version only, missing values
    null, the full names a given name may stand for still joined by ``,``."""
    columns = ["unique_id", "version", "linkable", *FEATURE_COLUMNS]
    data = (lines.encode() if isinstance(lines, str) else lines).strip(b"\n")
    if not data.strip():
        return pl.DataFrame(schema=dict.fromkeys(["unique_id", *FEATURE_COLUMNS], pl.String))
    frame = pl.read_csv(
        io.BytesIO(data),
        separator=_SEPARATOR,
        has_header=False,
        new_columns=columns,
        schema_overrides={column: pl.String for column in columns},
        infer_schema=False,
        quote_char=None,
    )
    frame = frame.filter((pl.col("version") == FEATURES_VERSION) & (pl.col("linkable") == "1"))
    return frame.drop("version", "linkable")


def features_frame(cleaned: pd.DataFrame) -> pl.DataFrame:
    """``clean_mentions``' frame as ``read_features`` gives stored features: the linkable
    mentions, the model's columns, the full names joined by ``,``."""
    linkable = cleaned[cleaned["linkable"].to_numpy(dtype=bool)]
    data: dict[str, Any] = {
        "unique_id": strings("unique_id", linkable["unique_id"].astype(str).to_numpy(dtype=object))
    }
    for column in FEATURE_COLUMNS:
        values = linkable[column].to_numpy(dtype=object)
        if column == "first_name_names":
            values = np.array(
                [",".join(v) if isinstance(v, list | tuple) else None for v in values], dtype=object
            )
        data[column] = strings(column, values)
    return pl.DataFrame(data)


def strings(name: str, values: np.ndarray) -> pl.Series:
    """Text values (None for a missing one) as a polars string column."""
    return pl.Series(name, [None if v is None or v is pd.NA else str(v) for v in values],
                     dtype=pl.String)  # fmt: skip
