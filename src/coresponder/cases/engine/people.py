"""Finding a person by name, alias and date of birth, typos and all.

Two halves. **Keys**: ``name_keys`` gives each person a small set of search keys (their name
tokens, how each sounds, the full names behind nicknames, the letters of each token in order
for transposed letters) that a database stores and indexes; ``query_keys`` reads a free-text
query into name tokens, a date of birth (full, month and year, or year) and the keys to look up.
**Ranking**: ``rank`` scores the candidates the keys found, 0 to 1 with the reasons: exact beats
nickname beats sounds-alike beats typo, and the date of birth agreeing lifts a match while
disagreeing lowers it. docs/assessments.md ("How person search matches") explains it.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import jellyfish
from rapidfuzz.distance import JaroWinkler

NICKNAMES_PATH = Path(__file__).parent / "data" / "nicknames.csv"
MAX_KEYS = 20  # keys stored per person
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "mr", "mrs", "ms", "miss", "dr"})
_SPECIAL = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d",
     "Đ": "d", "þ": "th", "Þ": "th", "œ": "oe", "Œ": "oe", "ı": "i"}
)  # fmt: skip
_APOSTROPHES = re.compile(r"['’‘`´]")
_NOT_LETTER = re.compile(r"[^a-z ]+")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_WORD = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"

# the weights of a match: how much a name token scores by the way it matched
EXACT, NICKNAME, PREFIX, SOUNDS, INITIAL = 1.0, 0.95, 0.85, 0.9, 0.8
TYPO_MIN, TYPO_MAX = 0.84, 0.92  # Jaro-Winkler from which two tokens are "a typo", and its cap
ALIAS_FACTOR = 0.97  # an alias matching scores a little below the name matching
NAME_WEIGHT, DATE_WEIGHT = 0.7, 0.3


# --- names and keys --------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def normalise_name(text: str) -> str:
    """Lower-case ASCII words: accents dropped, apostrophes removed, other punctuation a space,
    "Last, First" turned to "first last", and suffixes and titles (Jr, III, Dr) left out."""
    if not text:
        return ""
    if text.isascii():
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
        text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    if "," in text:
        parts = [part for part in text.split(",") if part.strip()]
        parts = [part for part in parts if part.strip().strip(".") not in _SUFFIXES]
        if len(parts) >= 2:
            text = " ".join([*parts[1:], parts[0]])
        elif parts:
            text = parts[0]
    text = _APOSTROPHES.sub("", text)
    text = _NOT_LETTER.sub(" ", text)
    return " ".join(word for word in text.split() if word not in _SUFFIXES)


@lru_cache(maxsize=1)
def nicknames() -> dict[str, frozenset[str]]:
    """Name token -> the full given names it may stand for (a full name stands for itself)."""
    table: dict[str, set[str]] = {}
    with NICKNAMES_PATH.open(encoding="utf-8") as handle:
        rows = csv.reader(line for line in handle if not line.startswith("#"))
        next(rows, None)
        for row in rows:
            if len(row) != 2:
                continue
            nick, name = normalise_name(row[0]), normalise_name(row[1])
            if nick and name:
                table.setdefault(nick, set()).add(name)
                table.setdefault(name, set()).add(name)
    return {token: frozenset(names) for token, names in table.items()}


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    sound: str  # metaphone, "" for tokens too short to sound alike
    names: frozenset[str]  # the full names a given-name token may stand for
    letters: str  # the letters sorted: transposed letters give the same key


@lru_cache(maxsize=200_000)
def _token(text: str) -> _Token:
    return _Token(text, _sound(text), nicknames().get(text, frozenset()), "".join(sorted(text)))


def _token_keys(token: _Token, given: bool) -> tuple[list[str], list[str]]:
    """(the strong keys, the weak keys) of one token."""
    strong = [f"t:{token.text}"]
    if token.sound:
        strong.append(f"p:{token.sound}")
    if given and token.names:
        ordered = sorted(token.names, key=lambda name: (name != token.text, name))
        strong.extend(f"n:{name}" for name in ordered[:3] if name != token.text)
        if token.text in token.names:
            strong.append(f"n:{token.text}")
    weak = [f"a:{token.letters}"] if len(token.text) >= 4 else []
    return strong, weak


def _tokens(text: str) -> list[str]:
    return normalise_name(text).split()


def name_keys(first: str, last: str, aliases: Iterable[str] = ()) -> set[str]:
    """The search keys of one person (at most ``MAX_KEYS``; the name's before the aliases').

    ``t:`` a name token, ``p:`` how a token sounds (metaphone), ``n:`` a full given name a
    token may stand for (Bill -> n:william), ``a:`` a token's letters in order (Jhon ~ John).
    Aliases are whole names ("Billy Smith") or single names ("Smitty").
    """
    strong: list[str] = []
    weak: list[str] = []
    for text, given in ((first, True), (last, False)):
        for word in _tokens(text):
            keys, extra = _token_keys(_token(word), given)
            strong.extend(keys)
            weak.extend(extra)
    alias_strong: list[str] = []
    alias_weak: list[str] = []
    for alias in aliases:
        words = _tokens(alias)
        for index, word in enumerate(words):
            keys, extra = _token_keys(_token(word), given=index < len(words) - 1 or len(words) == 1)
            alias_strong.extend(keys)
            alias_weak.extend(extra)
    chosen: list[str] = []
    seen: set[str] = set()
    for key in (*strong, *weak, *alias_strong, *alias_weak):
        if key not in seen:
            seen.add(key)
            chosen.append(key)
            if len(chosen) == MAX_KEYS:
                break
    return set(chosen)


def birth_keys(date_of_birth: date | None = None, birth_year: int | None = None) -> set[str]:
    """Date-of-birth keys of one person: ``dob:YYYY-MM-DD`` and ``yob:YYYY``."""
    keys: set[str] = set()
    if date_of_birth is not None:
        keys |= {f"dob:{date_of_birth.isoformat()}", f"yob:{date_of_birth.year}"}
    elif birth_year:
        keys.add(f"yob:{birth_year}")
    return keys


# --- queries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryPlan:
    """What a free-text query asks for, and the keys to look up."""

    text: str
    name_tokens: tuple[str, ...] = ()
    date_of_birth: date | None = None  # a full date, read month/day first when both could be
    swapped_date: date | None = None  # the same digits read the other way round, when valid
    birth_year: int | None = None
    birth_month: int | None = None
    keys: frozenset[str] = frozenset()  # name keys (t:, p:, n:, a:)

    @property
    def has_date(self) -> bool:
        return self.birth_year is not None

    @property
    def birth_dates(self) -> tuple[date, ...]:
        """The full dates the query may mean (as read, then day and month swapped)."""
        return tuple(d for d in (self.date_of_birth, self.swapped_date) if d is not None)

    @property
    def date_keys(self) -> frozenset[str]:
        """``dob:`` keys for each full date the query may mean, else ``yob:`` for the year."""
        if self.birth_dates:
            return frozenset(f"dob:{d.isoformat()}" for d in self.birth_dates)
        if self.birth_year is not None:
            return frozenset({f"yob:{self.birth_year}"})
        return frozenset()

    @property
    def all_keys(self) -> frozenset[str]:
        return self.keys | self.date_keys

    @property
    def is_empty(self) -> bool:
        return not self.name_tokens and not self.has_date


def _year(text: str) -> int | None:
    value = int(text)
    if len(text) == 2:
        this_year = date.today().year
        value += 2000 if value <= this_year % 100 else 1900
    return value if 1880 <= value <= date.today().year else None


def _date(year: int | None, month: int, day: int) -> date | None:
    if year is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


_FULL_ISO = re.compile(r"\b(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})\b")
_FULL_NUMERIC = re.compile(r"\b(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4}|\d{2})\b")
_COMPACT = re.compile(r"\b(?P<y>(?:18|19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})\b")
_DAY_MONTH_WORD = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_WORD + r"\s*,?\s+(?P<y>\d{4})\b"
)
_MONTH_WORD_DAY = re.compile(
    r"\b" + _MONTH_WORD + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s+(?P<y>\d{4})\b"
)
_MONTH_WORD_YEAR = re.compile(r"\b" + _MONTH_WORD + r"\s*,?\s+(?P<y>\d{4})\b")
_MONTH_YEAR = re.compile(r"\b(?P<m>\d{1,2})[-/.](?P<y>\d{4})\b")
_YEAR_MONTH = re.compile(r"\b(?P<y>\d{4})[-/.](?P<m>\d{1,2})\b")
_YEAR = re.compile(r"\b(?P<y>(?:18|19|20)\d{2})\b")  # fmt: skip


def _read_date(text: str) -> tuple[str, date | None, date | None, int | None, int | None]:
    """(the text without the date, full date, swapped date, year, month)."""
    lowered = text.lower()
    for pattern in (_FULL_ISO, _COMPACT):
        found = pattern.search(lowered)
        if found:
            year = _year(found["y"])
            day = _date(year, int(found["m"]), int(found["d"]))
            if day is not None:
                swapped = _date(year, day.day, day.month) if day.day != day.month else None
                return _cut(text, found), day, swapped, day.year, day.month
    found = _FULL_NUMERIC.search(lowered)
    if found:
        year = _year(found["y"])
        first, second = int(found["a"]), int(found["b"])
        as_us = _date(year, first, second)  # month/day, the US way
        other = _date(year, second, first) if first != second else None
        if as_us is None and other is not None:
            as_us, other = other, None
        if as_us is not None:
            return _cut(text, found), as_us, other, as_us.year, as_us.month
    for pattern in (_DAY_MONTH_WORD, _MONTH_WORD_DAY):
        found = pattern.search(lowered)
        if found:
            day = _date(_year(found["y"]), _MONTHS[found["mon"]], int(found["d"]))
            if day is not None:
                return _cut(text, found), day, None, day.year, day.month
    found = _MONTH_WORD_YEAR.search(lowered)
    if found and _year(found["y"]):
        return _cut(text, found), None, None, _year(found["y"]), _MONTHS[found["mon"]]
    for pattern in (_MONTH_YEAR, _YEAR_MONTH):
        found = pattern.search(lowered)
        if found and 1 <= int(found["m"]) <= 12 and _year(found["y"]):
            return _cut(text, found), None, None, _year(found["y"]), int(found["m"])
    found = _YEAR.search(lowered)
    if found and _year(found["y"]):
        return _cut(text, found), None, None, _year(found["y"]), None
    return text, None, None, None, None


def _cut(text: str, found: re.Match[str]) -> str:
    return f"{text[: found.start()]} {text[found.end() :]}"


def query_keys(query: str) -> QueryPlan:
    """Read a free-text query ("Jon Smyth 1980", "smith, john 03/02/1980", "Liz 3/1980")."""
    text = query or ""
    rest, full, swapped, year, month = _read_date(text)
    rest = re.sub(r"\d+", " ", rest)
    tokens = tuple(_tokens(rest))
    keys: set[str] = set()
    for word in tokens:
        if len(word) < 2:
            continue  # an initial: ranked, but too common to look up
        token = _token(word)
        strong, weak = _token_keys(token, given=True)
        keys.update(strong)
        keys.update(weak)
        keys.update(f"n:{name}" for name in token.names)  # every name a nickname may stand for
    return QueryPlan(
        text=text,
        name_tokens=tokens,
        date_of_birth=full,
        swapped_date=swapped,
        birth_year=year,
        birth_month=month,
        keys=frozenset(keys),
    )


# --- ranking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A person as the ranking sees them."""

    id: Any
    first_name: str = ""
    last_name: str = ""
    aliases: tuple[str, ...] = ()
    date_of_birth: date | None = None
    birth_year: int | None = None  # approximate, when the date of birth is not known


class Match:
    """A candidate that matched: its score (0 to 1) and, worked out when first read, the
    reasons."""

    __slots__ = ("id", "score", "candidate", "via_alias", "_plan", "_details", "_reasons")

    def __init__(
        self,
        candidate: Candidate,
        score: float,
        plan: QueryPlan,
        details: _Best | None = None,
    ) -> None:
        self.id: Any = candidate.id
        self.score = score
        self.candidate = candidate
        self.via_alias = bool(details and details.variant and details.variant.alias)
        self._plan = plan
        self._details = details
        self._reasons: tuple[str, ...] | None = None

    @property
    def reasons(self) -> tuple[str, ...]:
        if self._reasons is None:
            self._reasons = _reasons(self._plan, self.candidate, self._details)
        return self._reasons

    @property
    def matched(self) -> str:
        """The name or alias that matched best."""
        variant = self._details.variant if self._details else None
        return variant.label(self.candidate) if variant else ""

    def __repr__(self) -> str:
        return f"Match(id={self.id!r}, score={self.score}, reasons={self.reasons!r})"


@dataclass(frozen=True, slots=True)
class _Variant:
    words: tuple[str, ...]
    roles: tuple[str, ...]  # "first name", "middle name", "surname", "alias ...", per word
    alias: str = ""  # the alias's text, "" for the person's name

    def label(self, candidate: Candidate) -> str:
        return self.alias or f"{candidate.first_name} {candidate.last_name}".strip()


@dataclass(frozen=True, slots=True)
class _Pair:
    score: float
    kind: str  # exact, nickname, sounds, typo, prefix, initial, ""


@dataclass(slots=True)
class _Best:
    variant: _Variant | None
    pairs: tuple[tuple[int, int], ...]  # (query token, variant word) pairs chosen
    date_reason: str = ""


@lru_cache(maxsize=100_000)
def _name_variant(first: str, last: str) -> _Variant | None:
    given = _tokens(first)
    surname = _tokens(last)
    if not given and not surname:
        return None
    roles = ["first name"] + ["middle name"] * (len(given) - 1) if given else []
    return _Variant(tuple(given + surname), tuple(roles + ["surname"] * len(surname)))


@lru_cache(maxsize=100_000)
def _alias_variant(alias: str) -> _Variant | None:
    words = _tokens(alias)
    if not words:
        return None
    if len(words) == 1:
        return _Variant(tuple(words), ("alias",), alias)
    roles = ["alias first name"] * (len(words) - 1) + ["alias surname"]
    return _Variant(tuple(words), tuple(roles), alias)


@lru_cache(maxsize=200_000)
def _sound(word: str) -> str:
    return jellyfish.metaphone(word) if len(word) >= 3 else ""


def _pair(query: _Token, word: str) -> _Pair:
    """How one query token pairs with one name word (cheap tests first: this is the hot path)."""
    asked = query.text
    if asked == word:
        return _Pair(EXACT, "exact")
    if query.names:
        names = nicknames().get(word)
        if names and query.names & names:
            return _Pair(NICKNAME, "nickname")
    if len(asked) == 1:
        return _Pair(INITIAL if word.startswith(asked) else 0.0, "initial")
    if len(word) == 1:
        return _Pair(INITIAL * 0.9 if asked.startswith(word) else 0.0, "initial")
    similarity = JaroWinkler.normalized_similarity(asked, word)
    if similarity >= 0.7 and query.sound and query.sound == _sound(word):
        return _Pair(max(SOUNDS, min(similarity, TYPO_MAX)), "sounds")
    if len(asked) >= 3 and word.startswith(asked):
        return _Pair(PREFIX, "prefix")
    if similarity >= TYPO_MIN or (
        len(word) == len(asked) >= 4 and "".join(sorted(word)) == query.letters
    ):
        return _Pair(min(max(similarity, TYPO_MIN), TYPO_MAX), "typo")
    return _Pair(similarity * 0.5, "")


def _name_score(
    rows: Sequence[dict[str, float]], query: Sequence[_Token], variant: _Variant
) -> tuple[float, tuple[tuple[int, int], ...]]:
    """The best one-to-one pairing of query tokens with the variant's words, and its score."""
    words = variant.words
    scores: list[list[float]] = []
    for token, row in zip(query, rows, strict=True):
        line = []
        for word in words:
            value = row.get(word)
            if value is None:
                value = row[word] = _pair(token, word).score
            line.append(value)
        scores.append(line)
    count = len(query)
    chosen: tuple[tuple[int, int], ...]
    if count == 1:
        line = scores[0]
        best = max(range(len(words)), key=line.__getitem__)
        total, chosen = line[best], ((0, best),)
    elif count == 2 and len(words) >= 2:
        total, chosen = -1.0, ()
        first, second = scores
        for i, a in enumerate(first):
            for j, b in enumerate(second):
                if i != j and a + b > total:
                    total, chosen = a + b, ((0, i), (1, j))
    else:
        cells = sorted(
            ((value, qi, wi) for qi, line in enumerate(scores) for wi, value in enumerate(line)),
            reverse=True,
        )
        used_q: set[int] = set()
        used_w: set[int] = set()
        picked: list[tuple[int, int]] = []
        total = 0.0
        for value, qi, wi in cells:
            if qi in used_q or wi in used_w:
                continue
            used_q.add(qi)
            used_w.add(wi)
            picked.append((qi, wi))
            total += value
        chosen = tuple(picked)
    score = total / count
    if count >= 2 and not variant.alias and len(words) >= 2:
        if not any(
            variant.roles[wi] == "surname" and scores[qi][wi] >= TYPO_MIN for qi, wi in chosen
        ):
            score *= 0.85  # two names asked for and the surname is not one of them
    return score, chosen


def _date_score(plan: QueryPlan, candidate: Candidate) -> tuple[float, str]:
    born = candidate.date_of_birth
    year = plan.birth_year
    if year is None:
        return 0.0, ""
    if born is None:
        if candidate.birth_year:
            gap = abs(candidate.birth_year - year)
            if gap == 0:
                return 0.8, f"born about {candidate.birth_year}: year matches"
            if gap <= 2:
                return 0.5, f"born about {candidate.birth_year}: within {gap} of {year}"
            return 0.0, f"born about {candidate.birth_year}, not {year}"
        return 0.35, "no date of birth on record"
    if plan.date_of_birth is not None:
        if born == plan.date_of_birth:
            return 1.0, f"date of birth {born.isoformat()} matches"
        if plan.swapped_date is not None and born == plan.swapped_date:
            return 0.85, f"date of birth {born.isoformat()}: day and month swapped"
        if (
            born.year == year
            and born.month == plan.date_of_birth.day
            and born.day == plan.date_of_birth.month
        ):
            return 0.85, f"date of birth {born.isoformat()}: day and month swapped"
        if (born.month, born.day) == (plan.date_of_birth.month, plan.date_of_birth.day):
            if abs(born.year - year) == 1 or _one_digit_apart(born.year, year):
                return 0.6, f"date of birth {born.isoformat()}: same day, year differs by a digit"
        if born.year == year:
            return 0.35, f"born {born.year}: year matches, day differs"
        return 0.0, f"date of birth {born.isoformat()} differs"
    if plan.birth_month is not None:
        if born.year == year and born.month == plan.birth_month:
            return 1.0, f"born {born.month:02d}/{born.year}: month and year match"
        if born.year == year:
            return 0.5, f"born {born.year}: year matches, month differs"
        return 0.0, f"born {born.year}, not {year}"
    if born.year == year:
        return 1.0, f"born {year}: year matches"
    if abs(born.year - year) == 1:
        return 0.4, f"born {born.year}: a year from {year}"
    return 0.0, f"born {born.year}, not {year}"


def _one_digit_apart(a: int, b: int) -> bool:
    return sum(x != y for x, y in zip(str(a), str(b), strict=False)) == 1


def rank(
    plan: QueryPlan,
    candidates: Iterable[Candidate],
    *,
    limit: int | None = None,
    min_score: float = 0.0,
) -> list[Match]:
    """The candidates that match the query better than ``min_score``, best first (at most
    ``limit``), each with a score from 0 to 1 and, when read, the reasons."""
    query = [_token(word) for word in plan.name_tokens]
    rows: list[dict[str, float]] = [{} for _ in query]  # query token -> word -> how they pair
    has_date = plan.has_date
    found: list[tuple[float, Candidate, _Best | None]] = []
    for candidate in candidates:
        best_score = 0.0
        best: _Best | None = None
        if query:
            variant = _name_variant(candidate.first_name or "", candidate.last_name or "")
            if variant is not None:
                best_score, pairs = _name_score(rows, query, variant)
                best = _Best(variant, pairs)
            for alias in candidate.aliases:
                other = _alias_variant(alias)
                if other is None:
                    continue
                value, pairs = _name_score(rows, query, other)
                value *= ALIAS_FACTOR
                if value > best_score:
                    best_score, best = value, _Best(other, pairs)
        if has_date:
            date_value, reason = _date_score(plan, candidate)
            if best is None:
                best = _Best(None, ())
            best.date_reason = reason
            best_score = (
                NAME_WEIGHT * best_score + DATE_WEIGHT * date_value if query else date_value
            )
        if best_score > min_score:
            found.append((best_score, candidate, best))
    found.sort(key=lambda item: (-item[0], str(item[1].id)))
    if limit is not None:
        found = found[:limit]
    return [
        Match(candidate, round(min(1.0, value), 4), plan, details)
        for value, candidate, details in found
    ]


def _reasons(plan: QueryPlan, candidate: Candidate, best: _Best | None) -> tuple[str, ...]:
    if best is None:
        return ()
    reasons: list[str] = []
    variant = best.variant
    query = [_token(word) for word in plan.name_tokens]
    if variant is not None:
        if variant.alias:
            reasons.append(f"alias {variant.alias!r}")
        matched = 0
        for qi, wi in sorted(best.pairs, key=lambda chosen: chosen[1]):
            pair = _pair(query[qi], variant.words[wi])
            reason = _pair_reason(query[qi].text, variant.words[wi], variant.roles[wi], pair)
            if reason:
                reasons.append(reason)
                matched += 1
        unmatched = len(query) - matched
        if unmatched > 0:
            reasons.append(f"{unmatched} name{'s' if unmatched > 1 else ''} not matched")
    if best.date_reason:
        reasons.append(best.date_reason)
    return tuple(reasons)


def _pair_reason(asked: str, word: str, role: str, pair: _Pair) -> str:
    asked_t, word_t = asked.title(), word.title()
    if pair.kind == "exact":
        return f"{role} {word_t}: exact"
    if pair.kind == "nickname":
        asked_names = nicknames().get(asked, frozenset())
        word_names = nicknames().get(word, frozenset())
        if word in asked_names:
            return f"{role}: {asked_t} is a nickname of {word_t}"
        if asked in word_names:
            return f"{role} {word_t} is a nickname of {asked_t}"
        return f"{role} {word_t}: {asked_t} and {word_t} are nicknames of the same name"
    if pair.kind == "sounds":
        return f"{role} {word_t} sounds like {asked_t}"
    if pair.kind == "typo":
        return f"{role} {word_t}: close spelling of {asked_t}"
    if pair.kind == "prefix":
        return f"{role} {word_t} starts with {asked_t}"
    if pair.kind == "initial" and pair.score > 0:
        return f"{role} {word_t}: initial {asked[0].upper()} matches"
    return ""
