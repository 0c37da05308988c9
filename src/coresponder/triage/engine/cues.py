"""Cues in a call narrative ("man with a knife", "no weapons seen"), with negation.

A cue is a named concern the response policy can test: a weapon, violence, an injury, a
medical emergency, a mental-health or suicide concern, intoxication, homelessness, a call
still in progress. Narratives are written fast and abbreviated, so the lexicon is a set of
word patterns; negation follows the NegEx idea: a negation trigger ("no", "denies",
"unarmed", "not") shortly before the cue, or a "none"/"not seen" shortly after it, in the
same clause, negates it. A cue is present when at least one mention is not negated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CUE_PATTERNS: dict[str, tuple[str, ...]] = {
    "weapon": (
        r"weapons?", r"wpns?", r"guns?", r"firearms?", r"pistols?", r"handguns?", r"rifles?",
        r"shotguns?", r"knife", r"knives", r"machetes?", r"blades?", r"armed", r"shots? fired",
        r"brandish\w*", r"bat", r"axe", r"hatchet",
    ),
    "violence": (
        r"assault\w*", r"hitting", r"hit (?:him|her|them|me)", r"punch\w*", r"kick\w*",
        r"fight\w*", r"stabb?\w*", r"shot", r"beat(?:ing|en)?", r"attack\w*", r"choking",
        r"strangl\w*", r"violent\w*", r"threaten\w* to kill", r"combative", r"throwing",
    ),
    "injury": (
        r"injur\w*", r"bleeding", r"blood", r"wound\w*", r"hurt", r"broken bones?",
    ),
    "medical": (
        r"not breathing", r"unconscious", r"unresponsive", r"seizure\w*", r"chest pains?",
        r"cardiac", r"stroke", r"diabetic", r"overdos\w*", r"\bod\b", r"narcan",
        r"naloxone", r"difficulty breathing", r"fell", r"fall(?:en)?",
    ),
    "suicide": (
        r"suicid\w*", r"kill (?:him|her|them)sel(?:f|ves)", r"end (?:his|her|their) life",
        r"jump(?:ing)? off", r"self[- ]harm\w*", r"cutting (?:him|her|them)sel(?:f|ves)",
        r"overdos\w* on purpose",
    ),
    "mental_health": (
        r"mental\w*", r"psych\w*", r"hallucinat\w*", r"hearing voices", r"paranoi\w*",
        r"delusion\w*", r"bipolar", r"schizo\w*", r"off (?:his|her|their) meds?",
        r"not taking (?:his|her|their) med\w*", r"crisis", r"erratic\w*", r"confused",
        r"talking to (?:him|her|them)sel(?:f|ves)", r"5150", r"edp", r"emotionally disturbed",
        r"manic", r"depress\w*", r"anxiety", r"panic attack",
    ),
    "intoxication": (
        r"intox\w*", r"drunk", r"inebriat\w*", r"alcohol\w*", r"high on", r"under the influence",
        r"meth", r"fentanyl", r"heroin", r"using drugs", r"passed out", r"smell(?:s|ed)? of",
    ),
    "unhoused": (
        r"homeless\w*", r"unhoused", r"transients?", r"camp(?:ing|ment)?", r"encampments?",
        r"tents?", r"sleeping (?:in|on|outside)",
        r"living in (?:a |his |her |their )?(?:car|vehicle)",
    ),
    "in_progress": (
        r"in progress", r"happening now", r"right now", r"currently", r"ongoing", r"still there",
        r"on scene now",
    ),
}  # fmt: skip

# Triggers that negate a following cue within the same clause, a few words away.
_PRE_NEGATION = re.compile(
    r"\b(?:no|not|nor|never|without|denies|denied|deny|negative for|unarmed|free of|"
    r"absence of|no signs? of|no evidence of|did not see|didn't see|does not have|"
    r"doesn't have|has no|had no|not carrying|not armed|no reports? of)\b"
)
# Phrases after a cue that negate it: "weapons: none", "gun not seen", "knife - negative".
_POST_NEGATION = re.compile(
    r"^\W{0,3}(?:none|negative|neg|not seen|not observed|not found|not present|unknown|"
    r"not involved|denied|ruled out)\b"
)
# Clause boundaries: negation never reaches across them, so a narrative's cues are the cues of
# its clauses in order (bulk runs rely on it: they read each distinct clause once).
CLAUSE_PUNCTUATION = r"[.,;!?\n]"
_CLAUSE_BREAK = re.compile(CLAUSE_PUNCTUATION + r"|\bbut\b|\bhowever\b|\bthough\b|\balthough\b")
_WINDOW_WORDS = 5


@dataclass(frozen=True)
class Cue:
    name: str
    text: str  # the words that matched
    negated: bool
    context: str  # the clause around the mention, for the reasons shown to people


def _compile(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b")


_COMPILED = {name: _compile(patterns) for name, patterns in CUE_PATTERNS.items()}
CUE_NAMES = frozenset(CUE_PATTERNS)


def find_cues(narrative: str) -> tuple[Cue, ...]:
    """Every cue mention in ``narrative``, each marked negated or not, in text order."""
    if not narrative or not narrative.strip():
        return ()
    return _find_cues(narrative[:20_000].lower())


@lru_cache(maxsize=8192)
def _find_cues(text: str) -> tuple[Cue, ...]:
    found = []
    for name, pattern in _COMPILED.items():
        for match in pattern.finditer(text):
            before = _clause_before(text, match.start())
            after = _clause_after(text, match.end())
            negated = _negated_before(before) or bool(_POST_NEGATION.match(after))
            context = (before[-60:] + match.group(0) + after[:40]).strip()
            found.append((match.start(), Cue(name, match.group(0), negated, context)))
    return tuple(cue for _, cue in sorted(found, key=lambda item: item[0]))


def present_cues(narrative: str) -> dict[str, Cue]:
    """The cues present (at least one mention not negated), each with its first mention."""
    return present_among(find_cues(narrative))


def negated_cues(narrative: str) -> dict[str, Cue]:
    """Cues mentioned only in the negative ("no weapons seen"): worth showing as evidence."""
    return negated_among(find_cues(narrative))


def present_among(cues: tuple[Cue, ...]) -> dict[str, Cue]:
    present: dict[str, Cue] = {}
    for cue in cues:
        if not cue.negated and cue.name not in present:
            present[cue.name] = cue
    return present


def negated_among(cues: tuple[Cue, ...]) -> dict[str, Cue]:
    positive = {cue.name for cue in cues if not cue.negated}
    return {cue.name: cue for cue in cues if cue.negated and cue.name not in positive}


def _clause_before(text: str, end: int) -> str:
    start = max(0, end - 120)
    window = text[start:end]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    return window[breaks[-1].end() :] if breaks else window


def _clause_after(text: str, start: int) -> str:
    window = text[start : start + 60]
    cut = _CLAUSE_BREAK.search(window)
    return window[: cut.start()] if cut else window


def _negated_before(before: str) -> bool:
    words = before.split()
    nearby = " ".join(words[-_WINDOW_WORDS:])
    return bool(_PRE_NEGATION.search(nearby))
