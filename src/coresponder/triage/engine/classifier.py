"""Classify any agency's raw call-type string into a taxonomy category, with its evidence.

How it works (each step leaves a line of evidence):

1. **Normalise** the string into a key (``normalise_call_type``): upper case, single spaces, no
   leading or trailing punctuation. Per-agency overrides are matched on this key and win.
2. **Tokenise** it into segments (split at `` - ``, commas, brackets, semicolons) of lower-case
   words; ``W/`` becomes "with", ``W/O`` "without", ``D.U.I.`` "dui".
3. **Expand** agency codes and abbreviations from ``data/abbreviations.csv`` (``TRBL`` →
   "trouble", ``415`` → "disturbance", ``5150`` → "mental health hold"). Unknown code-like
   tokens (``127D``, ``46A``) are ignored; misspelt or truncated words are corrected to the
   nearest lexicon word (one edit away, or a prefix of one when the string was cut short).
4. **Negate**: words after "no", "non", "not", "without", "except" up to the end of their
   segment do not count ("NON INJURY", "NO WEAPONS", "(EXCEPT ABANDONED CAR)").
5. **Match phrases** from ``data/phrases.csv``: a phrase matches when all its words occur in
   the string (in any order, so "BURGLARY RESIDENTIAL" and "RESIDENTIAL BURGLARY" agree). Each
   phrase carries a category and a weight (its specificity); the category with the heaviest
   phrase wins, ties going to the category listed first in the taxonomy.
6. **Modifiers** (flags for the response policy) come from ``data/modifiers.csv`` the same way.

Nothing is learnt from labelled call types of any city: the lexicon is written from domain
knowledge, so a measurement on any city's strings is out of sample.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from coresponder.triage.engine.taxonomy import CATEGORIES, UNKNOWN

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_INPUT_CHARS = 300  # a call type longer than this is not a call type; the rest is ignored
CACHE_SIZE = 65_536

METHOD_OVERRIDE = "override"
METHOD_LEXICON = "lexicon"
METHOD_MODEL = "model"
METHOD_NONE = "none"


@dataclass(frozen=True)
class Classification:
    category: str  # taxonomy code; "unknown" when nothing matches
    confidence: float  # 0..1; exactly 0.0 for unknown
    evidence: tuple[str, ...]  # human-readable reasons, in the order they were found
    modifiers: frozenset[str]  # flags such as in_progress, weapon, injury, domestic
    method: str  # "override" | "lexicon" | "model" | "none"
    key: str  # the normalised call type (what overrides are matched on)


# --------------------------------------------------------------------------- normalisation

_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = re.compile(r"^[^0-9A-Z]+|[^0-9A-Z)]+$")


def normalise_call_type(text: object) -> str:
    """The key of a raw call type: NFKC, upper case, one space, no punctuation at the edges.

    ``"--Disturbance -  Noise "`` and ``"DISTURBANCE - NOISE"`` share the key
    ``"DISTURBANCE - NOISE"``. Anything that is not a string gives ``""``.
    """
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text[:MAX_INPUT_CHARS]).upper()
    text = _SPACES.sub(" ", text).strip()
    return _EDGE_PUNCTUATION.sub("", text)


# --------------------------------------------------------------------------- lexicon data


def _read_rows(name: str) -> Iterator[list[str]]:
    """Rows of a data CSV, skipping blank lines and ``#`` comments and the header."""
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(line for line in handle if line.strip() and not line.startswith("#"))
        next(rows, None)
        for row in rows:
            yield [cell.strip() for cell in row]


def stem(word: str) -> str:
    """A light plural stemmer, enough to make "weapons" and "weapon" one word."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Phrase:
    text: str
    words: frozenset[str]
    target: str  # a category code, or a modifier name
    weight: float


@dataclass
class Lexicon:
    abbreviations: dict[str, str]
    phrases: list[Phrase]
    modifiers: list[Phrase]
    vocabulary: frozenset[str]
    by_word: dict[str, list[Phrase]] = field(default_factory=dict)
    modifiers_by_word: dict[str, list[Phrase]] = field(default_factory=dict)
    near_words: dict[str, set[str]] = field(default_factory=dict)
    category_rank: dict[str, int] = field(default_factory=dict)


def _phrase(text: str, target: str, weight: float) -> Phrase:
    words = frozenset(stem(w) for w in text.lower().split())
    return Phrase(text.lower(), words, target, weight)


def _index(phrases: Iterable[Phrase]) -> dict[str, list[Phrase]]:
    index: dict[str, list[Phrase]] = {}
    for phrase in phrases:
        for word in phrase.words:
            index.setdefault(word, []).append(phrase)
    return index


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _near_word_index(vocabulary: Iterable[str]) -> dict[str, set[str]]:
    """Each word and its one-letter deletions → the vocabulary words they come from."""
    index: dict[str, set[str]] = {}
    for word in vocabulary:
        if len(word) >= 4:
            for variant in _deletions(word) | {word}:
                index.setdefault(variant, set()).add(word)
    return index


def load_lexicon() -> Lexicon:
    abbreviations = {
        stemless.lower(): expansion.lower()
        for stemless, expansion in (
            (row[0], row[1]) for row in _read_rows("abbreviations.csv") if len(row) >= 2
        )
    }
    phrases = [_phrase(r[0], r[1], float(r[2])) for r in _read_rows("phrases.csv")]
    modifiers = [_phrase(r[0], r[1], 1.0) for r in _read_rows("modifiers.csv")]
    unknown_targets = {p.target for p in phrases} - set(CATEGORIES)
    if unknown_targets:
        raise ValueError(f"phrases.csv names unknown categories: {sorted(unknown_targets)}")
    vocabulary = (
        frozenset(word for phrase in phrases + modifiers for word in phrase.words)
        | frozenset(
            stem(word) for expansion in abbreviations.values() for word in expansion.split()
        )
        | frozenset(_KNOWN_WORDS)
    )
    lexicon = Lexicon(abbreviations, phrases, modifiers, vocabulary)
    lexicon.by_word = _index(phrases)
    lexicon.modifiers_by_word = _index(modifiers)
    lexicon.near_words = _near_word_index(vocabulary)
    lexicon.category_rank = {code: rank for rank, code in enumerate(CATEGORIES)}
    return lexicon


# Words that carry no category but are real words, so they are never "corrected".
_KNOWN_WORDS = (
    "and or of the a an to for by in on at with without from into no non not except excluding "
    "other general all only any includes include including incl does etc per call person "
    "report reported request requested nature unknown"
).split()
_NEGATIONS = frozenset("no non not without except excluding excl exc never".split())


# --------------------------------------------------------------------------- tokenising

_ACRONYM = re.compile(r"\b(?:[A-Za-z]\.){2,}")
_SEGMENT_BREAK = re.compile(r"\s[-–—]+\s|^-+|[,;:()\[\]{}|]|\s-+|-+\s")
_WORD = re.compile(r"[a-z0-9]+")
_WITH_OUT = re.compile(r"\bw/o\b|\bw/out\b", re.IGNORECASE)
_WITH = re.compile(r"\bw/", re.IGNORECASE)
_TEN_CODE = re.compile(r"\b10-(\d{1,3})\b")
_CODE_LIKE = re.compile(r"^(?=.*\d)[a-z0-9]+$")
_OTHER_THAN = re.compile(r"\bother than\b")


def _segments(key: str) -> list[list[str]]:
    """Lower-case word lists, one per segment of the key."""
    text = _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), key)
    text = _WITH_OUT.sub(" without ", text)
    text = _WITH.sub(" with ", text)
    text = _TEN_CODE.sub(r" 10\1 ", text)  # 10-50 → one token "1050"
    text = text.replace("&", " and ").replace("_", " ").lower()
    text = _OTHER_THAN.sub(" except ", text)
    return [_WORD.findall(part) for part in _SEGMENT_BREAK.split(text) if part.strip()]


@dataclass
class _Reading:
    """The words of a call type after expansion, with what was done to them."""

    words: list[str] = field(default_factory=list)  # stemmed, not negated
    negated: list[str] = field(default_factory=list)
    expanded: bool = False
    notes: list[str] = field(default_factory=list)
    corrections: int = 0


def _correct(word: str, lexicon: Lexicon, last: bool) -> str | None:
    """The lexicon word a misspelt or truncated word most likely is, if any.

    One letter missing, extra or changed; a changed letter must not be the first, since
    "rental" is not a misspelling of "mental".
    """
    if len(word) >= 5:
        candidates = set(lexicon.near_words.get(word, ()))
        for variant in _deletions(word):
            candidates |= lexicon.near_words.get(variant, set())
        candidates = {w for w in candidates if w[0] == word[0] or len(w) != len(word)}
        if candidates:
            return min(candidates, key=lambda w: (abs(len(w) - len(word)), w))
    if last and len(word) >= 4:
        # Many CAD systems cut descriptions at a fixed width: "SIMPLE CRIMINAL DAMA".
        prefixed = sorted(w for w in lexicon.vocabulary if w.startswith(word))
        if prefixed:
            return min(prefixed, key=len)
    return None


def _known(part: str, lexicon: Lexicon) -> list[str] | None:
    if part in lexicon.abbreviations:
        return lexicon.abbreviations[part].split()
    if len(part) >= 3 and stem(part) in lexicon.vocabulary:
        return [part]
    return None


def _split_compound(word: str, lexicon: Lexicon) -> list[str] | None:
    """Codes glued from two abbreviations ("RESALM", "TRFPRB") read as both words."""
    for cut in range(len(word) - 2, 1, -1):
        left, right = _known(word[:cut], lexicon), _known(word[cut:], lexicon)
        if left and right and max(cut, len(word) - cut) >= 3:
            return left + right
    return None


def _expand_word(word: str, lexicon: Lexicon, last: bool, reading: _Reading) -> list[str]:
    if word in lexicon.abbreviations:
        reading.expanded = True
        return lexicon.abbreviations[word].split()
    stemmed = stem(word)
    if stemmed in lexicon.vocabulary or word in lexicon.vocabulary:
        return [word]
    if _CODE_LIKE.match(word):
        reading.notes.append(f'ignored code "{word.upper()}"')
        return []
    if word.startswith("non") and stem(word[3:]) in lexicon.vocabulary:
        return ["non", word[3:]]
    if len(word) >= 5 and (parts := _split_compound(word, lexicon)) is not None:
        reading.expanded = True
        return parts
    corrected = _correct(stemmed, lexicon, last)
    if corrected is not None:
        reading.corrections += 1
        reading.notes.append(f'read "{word.upper()}" as "{corrected}"')
        return [corrected]
    return [word]


def read_call_type(key: str, lexicon: Lexicon) -> _Reading:
    reading = _Reading()
    segments = _segments(key)
    for index, segment in enumerate(segments):
        negating = False
        last_segment = index == len(segments) - 1
        for position, word in enumerate(segment):
            last = last_segment and position == len(segment) - 1
            for expanded in _expand_word(word, lexicon, last, reading):
                if expanded in _NEGATIONS:
                    negating = True
                    continue
                target = reading.negated if negating else reading.words
                target.append(stem(expanded))
    return reading


# --------------------------------------------------------------------------- matching


def _matches(words: set[str], index: Mapping[str, list[Phrase]]) -> list[Phrase]:
    found: dict[int, Phrase] = {}
    for word in words:
        for phrase in index.get(word, ()):
            if phrase.words <= words:
                found[id(phrase)] = phrase
    return list(found.values())


def _best_category(
    matched: list[Phrase], rank: Mapping[str, int]
) -> tuple[str, float, float, list[Phrase]]:
    """The winning category, its score, the runner-up's score and the phrases behind it."""
    by_category: dict[str, list[Phrase]] = {}
    for phrase in matched:
        by_category.setdefault(phrase.target, []).append(phrase)
    scores = {
        code: max(p.weight for p in phrases) + 0.01 * (len(phrases) - 1)
        for code, phrases in by_category.items()
    }
    ordered = sorted(scores, key=lambda code: (-scores[code], rank.get(code, 999)))
    winner = ordered[0]
    runner_up = scores[ordered[1]] if len(ordered) > 1 else 0.0
    # Ties in weight go by the phrase itself: the evidence must read the same in every process
    # (the words came from a set, whose order changes from run to run).
    reasons = sorted(by_category[winner], key=lambda p: (-p.weight, p.text))
    return winner, scores[winner], runner_up, reasons


def _confidence(top: float, runner_up: float, corrections: int) -> float:
    """Higher for a heavy phrase with no close competitor; lower for each corrected word."""
    margin = (top - runner_up) / top if top > 0 else 0.0
    strength = min(top, 10.0) / 10.0
    value = 0.45 + 0.3 * margin + 0.2 * strength - 0.1 * corrections
    return round(max(0.05, min(0.99, value)), 2)


def _unknown(key: str, evidence: list[str], modifiers: frozenset[str]) -> Classification:
    evidence.append("no phrase of the lexicon matched")
    return Classification(UNKNOWN, 0.0, tuple(evidence), modifiers, METHOD_NONE, key)


def classify_key(key: str, lexicon: Lexicon) -> Classification:
    """Classify an already normalised key with the lexicon (no overrides, no cache)."""
    if not key:
        return Classification(UNKNOWN, 0.0, ("empty call type",), frozenset(), METHOD_NONE, key)
    reading = read_call_type(key, lexicon)
    words = set(reading.words)
    evidence: list[str] = []
    if reading.expanded:
        evidence.append(f'expanded "{key}" → "{" ".join(reading.words + reading.negated)}"')
    evidence.extend(reading.notes)
    if reading.negated:
        evidence.append(f'negated "{" ".join(reading.negated)}"')
    modifier_phrases = _matches(words, lexicon.modifiers_by_word)
    modifiers = frozenset(p.target for p in modifier_phrases)
    matched = _matches(words, lexicon.by_word)
    if not matched:
        return _unknown(key, evidence, modifiers)
    code, top, runner_up, reasons = _best_category(matched, lexicon.category_rank)
    evidence.extend(f'phrase "{p.text}" → {code}' for p in reasons)
    evidence.extend(f'modifier "{p.text}" → {p.target}' for p in modifier_phrases)
    confidence = _confidence(top, runner_up, reading.corrections)
    return Classification(code, confidence, tuple(evidence), modifiers, METHOD_LEXICON, key)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return load_lexicon()


class CallTypeClassifier:
    """Classify raw call types; per-agency ``overrides`` (key → category code) win.

    Override keys are normalised with ``normalise_call_type``, so an admin may write them as
    the agency does. An override naming a category that does not exist is refused here, when
    the crosswalk is loaded, not when a call arrives.
    """

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        self.lexicon = default_lexicon()
        self.overrides = self._checked_overrides(overrides or {})
        self._cached = lru_cache(maxsize=CACHE_SIZE)(self._classify_normalised)

    @staticmethod
    def _checked_overrides(overrides: Mapping[str, str]) -> dict[str, str]:
        checked: dict[str, str] = {}
        for raw_key, code in overrides.items():
            if code not in CATEGORIES:
                raise ValueError(f"override for {raw_key!r} names unknown category {code!r}")
            checked[normalise_call_type(raw_key)] = code
        return checked

    def classify(self, call_type: str) -> Classification:
        """The category of one raw call type; never raises for any input."""
        return self._cached(normalise_call_type(call_type))

    def classify_uncached(self, call_type: str) -> Classification:
        return self._classify_normalised(normalise_call_type(call_type))

    def _classify_normalised(self, key: str) -> Classification:
        found = classify_key(key, self.lexicon)
        code = self.overrides.get(key)
        if code is None:
            return found
        evidence = (f'override "{key}" → {code}',) + found.evidence
        return Classification(code, 1.0, evidence, found.modifiers, METHOD_OVERRIDE, key)
