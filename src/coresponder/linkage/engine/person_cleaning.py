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


def _map_unique(series: pd.Series, fn: Callable[[str], Any]) -> pd.Series:
    """Apply ``fn`` once per distinct value (names and addresses repeat a lot)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.array([fn(value) for value in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=series.index, dtype=object)


def _text(series: pd.Series) -> pd.Series:
    """Strings stripped, with blanks as null; numbers read as text."""
    text = series.astype("string").str.strip()
    return text.where(text.notna() & (text != ""), None).astype(object)


def _placeholder_or_letter(value: str, placeholders: frozenset[str]) -> tuple[str | None, str]:
    if value in placeholders:
        return None, "placeholder"
    if len(value.replace(" ", "")) <= 1:
        return None, "single letter"
    return value, ""


def _clean_names(
    frame: pd.DataFrame, report: CleaningReport
) -> tuple[pd.Series, pd.Series, pd.Series]:
    raw_first = _text(frame["first_name"])
    raw_last = _text(frame["last_name"])
    first = _map_unique(raw_first, normalise_name)
    last = _map_unique(raw_last, normalise_name)
    garbage_first = raw_first.notna() & (first.isna() | (first == ""))
    garbage_last = raw_last.notna() & (last.isna() | (last == ""))
    report.count("first_name", "not a name", int(garbage_first.sum()), raw_first[garbage_first])
    report.count("last_name", "not a name", int(garbage_last.sum()), raw_last[garbage_last])
    first = first.where(~garbage_first & first.notna(), None)
    last = last.where(~garbage_last & last.notna(), None)

    # "JOHN DOE" in either field order, or the whole name in one field
    doe = (last == "doe") & (first.isin(DOE_FIRST) | first.isna())
    doe |= (first == "doe") & last.isin(DOE_FIRST)
    whole = {"john doe", "jane doe"}  # the whole placeholder in one field: that field only
    doe_first, doe_last = first.isin(whole), last.isin(whole)
    shown = (raw_first.fillna("") + " " + raw_last.fillna("")).str.strip()
    report.count("name", "John/Jane Doe", int(doe.sum()), shown[doe])
    report.count("first_name", "John/Jane Doe", int(doe_first.sum()), raw_first[doe_first])
    report.count("last_name", "John/Jane Doe", int(doe_last.sum()), raw_last[doe_last])
    first = first.where(~doe & ~doe_first, None)
    last = last.where(~doe & ~doe_last, None)

    for column, values in (("first_name", first), ("last_name", last)):
        checked = _map_unique(values, lambda v: _placeholder_or_letter(v, NAME_PLACEHOLDERS)[1])
        for reason in ("placeholder", "single letter"):
            hit = checked == reason
            raw = raw_first if column == "first_name" else raw_last
            report.count(column, reason, int(hit.sum()), raw[hit])
        values.loc[checked.isin({"placeholder", "single letter"})] = None
    # a given name is its first word ("mary ann" -> "mary"); the middle name is too often absent
    first = _map_unique(first, lambda v: v.split()[0])
    return first, last, shown


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


def _clean_dob(frame: pd.DataFrame, report: CleaningReport, today: date) -> pd.DataFrame:
    raw = _text(frame["dob"])
    parts = pd.DataFrame(index=frame.index, columns=["y", "m", "d"], dtype="float64")
    rest = raw.notna()
    for pattern in _DATE_PATTERNS:
        found = raw[rest].str.extract(pattern)
        found = found.reindex(columns=["y", "m", "d"]).dropna(subset=["y"])
        parts.loc[found.index] = found.astype("float64").to_numpy()
        rest.loc[found.index] = False
    unreadable = raw.notna() & parts["y"].isna()
    report.count("dob", "unreadable", int(unreadable.sum()), raw[unreadable])

    year, month, day = parts["y"], parts["m"], parts["d"]
    # a month over 12 with a day that could be a month: the writer swapped them
    swap = (month > 12) & (day <= 12)
    month, day = month.where(~swap, day), day.where(~swap, month)
    bad_month = month.notna() & ~month.between(1, 12)
    month = month.where(~bad_month)
    day = day.where(month.notna())
    full = year.notna() & month.notna() & day.notna()
    iso = (
        year.astype("Int64").astype("string").str.zfill(4)
        + "-"
        + month.astype("Int64").astype("string").str.zfill(2)
        + "-"
        + day.astype("Int64").astype("string").str.zfill(2)
    )
    when = pd.to_datetime(iso.where(full), format="%Y-%m-%d", errors="coerce")
    bad_day = full & when.isna()
    full &= ~bad_day  # the year and month still count

    fake = full & iso.isin(FAKE_DOBS)
    early = year.notna() & (year < MIN_YEAR)
    future = (full & (when > pd.Timestamp(today))) | (year > today.year)
    for reason, hit in (("placeholder", fake), ("before 1900", early), ("in the future", future)):
        report.count("dob", reason, int(hit.sum()), raw[hit])
    drop = fake | early | future
    year = year.where(~drop)
    month = month.where(~drop & year.notna())
    full &= ~drop

    out = pd.DataFrame(index=frame.index)
    out["dob"] = iso.where(full).astype(object).where(full, None)
    out["dob_year"] = year.astype("Int64").astype("string").astype(object).where(year.notna(), None)
    has_month = year.notna() & month.notna()
    year_month = (
        year.astype("Int64").astype("string")
        + "-"
        + month.astype("Int64").astype("string").str.zfill(2)
    )
    out["dob_year_month"] = year_month.astype(object).where(has_month, None)
    # the same date with day and month exchanged, where that is still a date and a different one
    swappable = full & (day <= 12) & (day != month)
    swapped = (
        year.astype("Int64").astype("string").str.zfill(4)
        + "-"
        + day.astype("Int64").astype("string").str.zfill(2)
        + "-"
        + month.astype("Int64").astype("string").str.zfill(2)
    )
    out["dob_swapped"] = swapped.astype(object).where(swappable, None)
    return out


def _digits(value: str) -> str | None:
    digits = _DIGITS.sub("", value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits[-10:] if digits else None


def _clean_phone(frame: pd.DataFrame, report: CleaningReport) -> pd.Series:
    raw = _text(frame["phone"])
    phone = _map_unique(raw, _digits)
    short = raw.notna() & (phone.isna() | (phone.str.len() < 7))
    report.count("phone", "too short", int(short.sum()), raw[short])
    phone = phone.where(~short, None)
    text = phone.fillna("").astype(str)
    fake = phone.isin(PHONE_PLACEHOLDERS) | text.str.fullmatch(r"(\d)\1+")
    fake |= text.str.fullmatch(r"\d{3}55501\d{2}|55501\d{2}")  # 555-01xx: fiction's numbers
    report.count("phone", "placeholder", int(fake.sum()), raw[fake])
    return phone.where(~fake, None)


@lru_cache(maxsize=500_000)
def normalise_address(text: str) -> str | None:
    """Lower-case words with the common street words abbreviated; placeholders give None."""
    words = _NOT_ALNUM.sub(" ", text.lower().replace("#", " # ")).split()
    words = [_STREET_WORDS.get(word, word) for word in words]
    value = " ".join(words)
    if not value or value in ADDRESS_PLACEHOLDERS:
        return None
    return value


def _house_number(address: str) -> str | None:
    for word in address.split():
        if word.isdigit():
            return word
    return None


def _clean_address(frame: pd.DataFrame, report: CleaningReport) -> tuple[pd.Series, pd.Series]:
    raw = _text(frame["address"])
    address = _map_unique(raw, normalise_address)
    fake = raw.notna() & address.isna()
    report.count("address", "placeholder", int(fake.sum()), raw[fake])
    return address, _map_unique(address, _house_number)


def _clean_other(series: pd.Series, column: str, report: CleaningReport) -> pd.Series:
    raw = _text(series)
    value = _map_unique(raw, lambda v: _NOT_ALNUM.sub(" ", v.lower()).strip())
    fake = raw.notna() & (value.isin(OTHER_PLACEHOLDERS) | value.isna())
    report.count(column, "placeholder", int(fake.sum()), raw[fake])
    return value.where(~fake, None)


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
    frame = frame.copy()
    for column in FIELDS:
        if column not in frame.columns:
            frame[column] = None

    out = pd.DataFrame({"unique_id": ids.astype(object)}, index=frame.index)
    first, last, _ = _clean_names(frame, report)
    out["first_name"] = first
    out["last_name"] = last
    out["first_name_names"] = _map_unique(first, lambda v: list(_given_names(v)))
    out["first_name_key"] = _map_unique(first, _given_key)
    out["first_name_sound"] = _map_unique(first, _metaphone)
    out["last_name_sound"] = _map_unique(last, _metaphone)
    out = out.join(_clean_dob(frame, report, today))
    out["phone"] = _clean_phone(frame, report)
    out["address"], out["address_number"] = _clean_address(frame, report)
    for column in extra_columns:
        if column not in frame.columns:
            raise ValueError(f"no column {column!r} to compare")
        out[column] = _clean_other(frame[column], column, report)

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
    return out.reset_index(drop=True), report
