"""Synthetic person mentions with the errors CAD and case records carry, and the truth.

For measuring and testing person linkage at any size without real people: a population whose
given names and surnames are as unevenly common as real ones (a few very common, a long tail),
each person mentioned a skewed number of times (most once, a few frequent callers many times),
and each mention written with realistic faults: nicknames, typos, first and last names
swapped, a date of birth missing, given as a year, with day and month swapped or one digit
off, phones and addresses missing or changed, and placeholder values. Deterministic for a
seed. No Django.
"""

from __future__ import annotations

import csv
from functools import lru_cache

import numpy as np
import pandas as pd

from coresponder.calls.engine.synthetic import FIRST_NAMES, LAST_NAMES, STREETS
from coresponder.cases.engine.people import NICKNAMES_PATH

_ONSETS = (
    "b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "j", "k", "kr", "l", "m", "n", "p",
    "pr", "r", "s", "sh", "st", "t", "tr", "v", "w", "y", "z", "bl", "fl", "gl", "sl", "sp",
    "th", "wh", "al", "an", "ar", "el", "en", "or", "os", "ul", "ab", "ad",
)  # fmt: skip
_MIDDLES = (
    "a", "e", "i", "o", "u", "an", "ar", "el", "en", "er", "il", "in", "on", "or", "un", "ay",
    "ow", "ee", "oo", "ai", "ea", "ie", "ou", "au", "ey",
)  # fmt: skip
_ENDINGS = (
    "son", "sen", "ton", "man", "ley", "ford", "field", "well", "wood", "berg", "stein", "ski",
    "ez", "es", "ell", "er", "ing", "ham", "land", "dale", "worth", "by", "ner", "ly", "rick",
    "lin", "ov", "ova", "ich", "ini", "etti", "ado", "ez", "ian", "yan", "oglu", "ka", "da",
)  # fmt: skip
_PLACEHOLDER_NAMES = ("UNKNOWN", "JOHN DOE", "UNK", "X", "REFUSED")
_PLACEHOLDER_PHONES = ("999-999-9999", "000-000-0000", "555-555-5555")
_PLACEHOLDER_DOBS = ("1900-01-01", "2099-01-01", "UNKNOWN")
_SUFFIX_VARIANTS = {"ST": ("ST", "STREET", "ST."), "RD": ("RD", "ROAD"), "AVE": ("AVE", "AVENUE")}
_KEYBOARD = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=1)
def _nicknames_by_name() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    with NICKNAMES_PATH.open(encoding="utf-8") as handle:
        rows = csv.reader(line for line in handle if not line.startswith("#"))
        next(rows, None)
        for row in rows:
            if len(row) == 2:
                table.setdefault(row[1].strip().upper(), []).append(row[0].strip().upper())
    return table


def _surnames(count: int, rng: np.random.Generator) -> list[str]:
    """The real common surnames first, then made-up ones (onset, vowel, ending) in a random
    order: up to ``count``, at most as many as there are combinations."""
    names = list(dict.fromkeys(name.replace("'", "") for name in LAST_NAMES))
    made = sorted({(a + b + c).upper() for a in _ONSETS for b in _MIDDLES for c in _ENDINGS})
    rng.shuffle(made)
    seen = set(names)
    names += [name for name in made if name not in seen]
    return names[:count]


def _given_names() -> list[str]:
    names = list(dict.fromkeys([*FIRST_NAMES, *sorted(_nicknames_by_name())]))
    return names


def _zipf_weights(count: int, offset: float, power: float) -> np.ndarray:
    weights = 1.0 / (np.arange(count) + offset) ** power
    return weights / weights.sum()


def _typo(word: str, rng: np.random.Generator) -> str:
    if len(word) < 3:
        return word
    i = int(rng.integers(1, len(word) - 1))
    kind = rng.integers(0, 4)
    if kind == 0:  # transposed letters
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if kind == 1:  # a letter dropped
        return word[:i] + word[i + 1 :]
    if kind == 2:  # a letter doubled
        return word[:i] + word[i] + word[i:]
    return word[:i] + _KEYBOARD[int(rng.integers(0, 26))].upper() + word[i + 1 :]


def make_people(count: int, *, seed: int = 7) -> pd.DataFrame:
    """``count`` distinct people: names, date of birth, phone, address."""
    rng = np.random.default_rng(seed)
    given = _given_names()
    surnames = _surnames(max(2_000, min(40_000, count // 8)), rng)
    # shares like the US census: the commonest surname ~1%, the commonest given name ~3%
    first_idx = rng.choice(len(given), size=count, p=_zipf_weights(len(given), 8, 1.1))
    last_idx = rng.choice(len(surnames), size=count, p=_zipf_weights(len(surnames), 60, 0.95))
    born = pd.Timestamp("1935-01-01") + pd.to_timedelta(
        rng.integers(0, 365 * 72, size=count), unit="D"
    )
    phone = rng.integers(200, 999, size=count) * 10_000_000 + rng.integers(
        2_000_000, 9_999_999, size=count
    )
    houses = rng.integers(1, 9_999, size=count)
    streets = rng.integers(0, len(STREETS), size=count)
    return pd.DataFrame(
        {
            "person_id": np.arange(count),
            "first_name": np.array(given, dtype=object)[first_idx],
            "last_name": np.array(surnames, dtype=object)[last_idx],
            "dob": born.strftime("%Y-%m-%d"),
            "phone": phone.astype(str),
            "address": [f"{h} {STREETS[s]}" for h, s in zip(houses, streets, strict=True)],
        }
    )


def make_mentions(count: int, *, seed: int = 7, people: int | None = None) -> pd.DataFrame:
    """``count`` mentions of about ``count / 2`` people with errors; ``person_id`` is the
    truth. Columns: unique_id, first_name, last_name, dob, phone, address, person_id."""
    rng = np.random.default_rng(seed + 1)
    population = make_people(people or max(1, count // 2), seed=seed)
    # a skewed number of mentions per person: most once or twice, a few frequent callers
    weights = rng.pareto(2.5, size=len(population)) + 1.0
    who = rng.choice(len(population), size=count, p=weights / weights.sum())
    base = population.iloc[who].reset_index(drop=True)
    nicks = _nicknames_by_name()

    rows = []
    draws = rng.random((count, 14))
    for i, person in enumerate(base.itertuples(index=False)):
        r = draws[i]
        first, last = person.first_name, person.last_name
        dob, phone, address = person.dob, person.phone, person.address
        if r[0] < 0.12 and first in nicks:
            first = nicks[first][int(rng.integers(0, len(nicks[first])))]
        if r[1] < 0.06:
            first = _typo(first, rng)
        if r[2] < 0.06:
            last = _typo(last, rng)
        if r[3] < 0.02:
            first, last = last, first
        if r[4] < 0.15:
            dob = None
        elif r[4] < 0.20:
            dob = dob[:4]  # the year only
        elif r[4] < 0.23 and int(dob[8:]) <= 12:
            dob = f"{dob[:4]}-{dob[8:]}-{dob[5:7]}"  # day and month swapped
        elif r[4] < 0.26:
            j = int(rng.choice([2, 3, 6, 9]))
            dob = dob[:j] + str(int(rng.integers(0, 10))) + dob[j + 1 :]
        if dob and r[5] < 0.5:
            dob = f"{dob[5:7]}/{dob[8:]}/{dob[:4]}" if len(dob) == 10 else dob  # US style
        if r[6] < 0.55:
            phone = None
        elif r[6] < 0.57:
            phone = _typo(phone, rng)
        elif r[7] < 0.5:
            phone = f"({phone[:3]}) {phone[3:6]}-{phone[6:]}"
        if r[8] < 0.3:
            address = None
        elif r[8] < 0.45:  # moved, or somewhere else when the call was made
            address = f"{int(rng.integers(1, 9999))} {STREETS[int(rng.integers(0, len(STREETS)))]}"
        elif r[8] < 0.55:
            number, _, rest = address.partition(" ")
            words = rest.split()
            words[-1] = str(rng.choice(_SUFFIX_VARIANTS.get(words[-1], (words[-1],))))
            address = f"{number} {' '.join(words)}"
        if r[9] < 0.01:
            first = str(rng.choice(_PLACEHOLDER_NAMES))
        if r[10] < 0.01:
            last = "UNKNOWN"
        if r[11] < 0.01:
            phone = str(rng.choice(_PLACEHOLDER_PHONES))
        if r[12] < 0.01:
            dob = str(rng.choice(_PLACEHOLDER_DOBS))
        if r[13] < 0.3:
            first, last = first.title(), last.title()
        rows.append((str(i), first, last, dob, phone, address, int(person.person_id)))
    return pd.DataFrame(
        rows,
        columns=["unique_id", "first_name", "last_name", "dob", "phone", "address", "person_id"],
    )
