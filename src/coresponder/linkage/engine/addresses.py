"""CAD address strings to canonical location keys: the same place, however a CAD wrote it.

A CAD writes one place many ways: "1452 Hazel Street Apt 4", "1400 BLOCK OF HAZEL ST",
"14XX HAZEL", "HAZEL ST / MAIN AV", "MAIN AVENUE & HAZEL ST". ``parse_address`` reads one
string into parts (number, directionals, name, USPS suffix, unit, ...) and two keys:

- ``key``: the most precise place the string names (``addr:1452 HAZEL ST``,
  ``block:1400 HAZEL ST``, ``xing:HAZEL ST & MAIN AVE``, ``street:HAZEL ST``,
  ``place:CIVIC CENTER PARK``) or ``unparsed:<reason>``;
- ``block_key``: the block it lies on (a house address gives its hundred block; a block, an
  intersection, a street or a place gives its own key).

A unit ("APT 4") is a part, never in a key: calls from one building group together, and the
unit stays for the social worker. ``group_locations`` reads many strings (and, where present,
latitude/longitude) and gives each row a location: distinct strings are parsed once, a street
written without its suffix borrows the one suffix the batch gives it, and keys whose calls
sit at the same point merge (an intersection with the block the agency geocoded to that
corner). The rules, with examples and limits, are in docs/linkage-addresses.md.

No Django here: the CLI, notebooks and tests use this without a database.
"""

from __future__ import annotations

import csv
import html
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import usaddress

MAX_LENGTH = 300  # characters; a longer field is no address (a pasted narrative, a 1 MB blob)
DEFAULT_RADIUS_M = 25.0
# Values that say there is no address: never a place, never grouped with each other.
PLACEHOLDERS = frozenset({
    "UNKNOWN", "UNK", "UNKN", "NONE", "NULL", "NA", "N/A", "N A", "TBD", "REFUSED", "NO ADDRESS",
    "NOT GIVEN", "NOT PROVIDED", "UNKNOWN ADDRESS", "UNKNOWN LOCATION", "VARIOUS", "HOMELESS",
    "TRANSIENT", "XX", "XXX", "CITYWIDE", "CITY WIDE",
})  # fmt: skip

KINDS = ("address", "block", "intersection", "street", "place", "unparsed")


# --------------------------------------------------------------------------------------------
# Tables: USPS Publication 28 (package data) and street-name spellings
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tables:
    suffixes: dict[str, str]  # any written form -> USPS standard abbreviation
    directionals: dict[str, str]
    units: dict[str, str]
    names: dict[tuple[str, ...], tuple[str, ...]]  # phrase -> canonical phrase
    longest_name: int
    suffix_typos: dict[str, frozenset[str]]  # a full name less one letter -> the full names


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath(filename).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


@lru_cache(maxsize=1)
def tables() -> Tables:
    """The USPS Publication 28 suffixes, directionals and unit designators, and the street-name
    spellings, read once from the CSV files beside this module."""
    by_kind: dict[str, dict[str, str]] = {"suffix": {}, "directional": {}, "unit": {}}
    full: set[str] = set()
    for row in _rows("usps_pub28.csv"):
        variants = row["variants"].split()
        for variant in [*variants, row["standard"]]:
            by_kind[row["kind"]][variant] = row["standard"]
        if row["kind"] == "suffix" and row["source"] == "usps" and len(variants[0]) >= 5:
            full.add(variants[0])
    names = {
        tuple(row["variant"].split()): tuple(row["canonical"].split())
        for row in _rows("street_names.csv")
    }
    return Tables(
        suffixes=by_kind["suffix"],
        directionals=by_kind["directional"],
        units=by_kind["unit"],
        names=names,
        longest_name=max(len(k) for k in names),
        suffix_typos=_deletions_index(full),
    )


# Ordinal words to numerals: SEVENTH -> 7TH, TWENTY FIRST -> 21ST.
_UNITS = ["", "FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "SIXTH", "SEVENTH", "EIGHTH",
          "NINTH", "TENTH", "ELEVENTH", "TWELFTH", "THIRTEENTH", "FOURTEENTH", "FIFTEENTH",
          "SIXTEENTH", "SEVENTEENTH", "EIGHTEENTH", "NINETEENTH"]  # fmt: skip
_TENS = {"TWENTY": 20, "THIRTY": 30, "FORTY": 40, "FIFTY": 50, "SIXTY": 60, "SEVENTY": 70,
         "EIGHTY": 80, "NINETY": 90}  # fmt: skip
_TENTHS = {"TWENTIETH": 20, "THIRTIETH": 30, "FORTIETH": 40, "FIFTIETH": 50, "SIXTIETH": 60,
           "SEVENTIETH": 70, "EIGHTIETH": 80, "NINETIETH": 90}  # fmt: skip
_ORDINAL_WORD = {word: n for n, word in enumerate(_UNITS) if word} | _TENTHS
_ORDINAL_NUMBER = re.compile(r"^0*(\d+)(?:ST|ND|RD|TH)$")
_NAME_ABBREVIATIONS = {"ST": "SAINT", "MT": "MOUNT", "FT": "FORT"}  # inside a name only


def ordinal(n: int) -> str:
    """21 -> 21ST, 12 -> 12TH."""
    if 10 <= n % 100 <= 20:
        return f"{n}TH"
    return str(n) + {1: "ST", 2: "ND", 3: "RD"}.get(n % 10, "TH")


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Street:
    """One street, normalised: ``predir pretype name suffix postdir``."""

    name: str
    predir: str = ""
    pretype: str = ""
    suffix: str = ""
    postdir: str = ""

    @property
    def text(self) -> str:
        return " ".join(p for p in (self.predir, self.pretype, self.name, self.suffix,
                                    self.postdir) if p)  # fmt: skip

    @property
    def stem(self) -> tuple[str, str, str, str]:
        """The street without its suffix: what a suffix-less spelling is matched on."""
        return (self.predir, self.pretype, self.name, self.postdir)


@dataclass(frozen=True, slots=True)
class Address:
    """One parsed CAD address string: its kind, keys and parts."""

    raw: str
    kind: str
    key: str
    block_key: str
    number: str = ""
    street: Street | None = None
    cross: tuple[Street, ...] = ()  # the other street(s) of an intersection
    unit_type: str = ""
    unit_id: str = ""
    place: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    reason: str = ""  # why it is unparsed
    parser: str = ""  # "rules" or "usaddress": which reader gave the parts

    @property
    def parsed(self) -> bool:
        return self.kind != "unparsed"

    @property
    def block(self) -> int | None:
        digits = re.match(r"\d+", self.number)
        return int(digits.group()) // 100 * 100 if digits else None

    def row(self) -> dict[str, str]:
        """The parts as flat text, for a CSV row (see ``ROW_FIELDS``)."""
        street = self.street or Street("")
        return {
            "kind": self.kind,
            "key": self.key,
            "block_key": self.block_key,
            "number": self.number,
            "block": ""
            if self.block is None or self.kind not in {"address", "block"}
            else str(self.block),
            "predir": street.predir,
            "pretype": street.pretype,
            "name": street.name,
            "suffix": street.suffix,
            "postdir": street.postdir,
            "street": street.text,
            "cross_street": " & ".join(s.text for s in self.cross),
            "unit_type": self.unit_type,
            "unit_id": self.unit_id,
            "place": self.place,
            "city": self.city,
            "state": self.state,
            "zip": self.zip,
            "reason": self.reason,
        }


ROW_FIELDS = tuple(Address("", "unparsed", "", "").row())


def _unparsed(raw: str, reason: str) -> Address:
    return Address(raw=raw, kind="unparsed", key=f"unparsed:{reason}", block_key="",
                   reason=reason)  # fmt: skip


def _keys(
    kind: str, street: Street | None, cross: tuple[Street, ...], place: str, number: str
) -> tuple[str, str]:
    """(key, block_key) from the parts: the one place keys are made."""
    if kind == "place" or street is None:
        key = f"place:{place}"
        return key, key
    if kind == "intersection":
        key = "xing:" + " & ".join(sorted({street.text, *(s.text for s in cross)}))
        return key, key
    if kind == "street":
        key = f"street:{street.text}"
        return key, key
    digits = _DIGITS.match(number)
    block_key = f"block:{int(digits.group()) // 100 * 100 if digits else 0} {street.text}"
    return (block_key if kind == "block" else f"addr:{number} {street.text}"), block_key


def _keyed(address: Address, **changes: object) -> Address:
    """A copy of the address with ``changes`` and its keys made again."""
    changed = replace(address, **changes)  # type: ignore[arg-type]
    if changed.kind == "unparsed":
        return changed
    key, block_key = _keys(changed.kind, changed.street, changed.cross, changed.place,
                           changed.number)  # fmt: skip
    return replace(changed, key=key, block_key=block_key)


def _finish(fresh: Address, raw: str) -> Address:
    """Set the raw text and the keys on an address built by this parse (not yet shared, so
    set in place: a copy would be a third of the cost of parsing a simple address)."""
    object.__setattr__(fresh, "raw", raw)
    if fresh.kind != "unparsed":
        key, block_key = _keys(fresh.kind, fresh.street, fresh.cross, fresh.place, fresh.number)
        object.__setattr__(fresh, "key", key)
        object.__setattr__(fresh, "block_key", block_key)
    return fresh


_DIGITS = re.compile(r"\d+")


# --------------------------------------------------------------------------------------------
# Cleaning and the rules reader
# --------------------------------------------------------------------------------------------

_LATLON = re.compile(r"\(\s*(-?\d{1,3}\.\d+)\s*,\s*(-?\d{1,3}\.\d+)\s*\)")
_LATLON_ALONE = re.compile(r"^\s*\(?\s*(-?\d{1,3}\.\d+)\s*[,~ ]\s*(-?\d{1,3}\.\d+)\s*\)?\s*$")
_DROP = re.compile(r"[.'`\"]")
_OTHER = re.compile(r"[^A-Z0-9#&/@,\- ]+")
_DASH = re.compile(r"(?<!\d)-|-(?!\d)")
_SPACES = re.compile(r"\s+")
_LETTER = re.compile(r"[A-Z]")
_SEPARATOR = re.compile(r"\s*(?:&|@|(?<!\d)/|/(?!\d)|\bAND\b|\bAT\b|\bX\b)\s*")
_BLOCK_WORD = re.compile(r"^0*(\d+)\s*(?:BLOCK|BLK|BK)(?:\s+OF)?\s+(.+)$")
_BLOCK_LEADING = re.compile(r"^(?:BLOCK|BLK)\s+(?:OF\s+)?0*(\d+)\s+(?:OF\s+|BLOCK\s+)?(.+)$")
_BLOCK_X = re.compile(r"^(\d*)(X+)\s+(.+)$")
_NUMBER = re.compile(r"^0*(\d+)([A-Z]?|-\d+|-[A-Z])(?:\s+(1/2))?\s+(.+)$")
_ZIP_TAIL = re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?$|^\d{5}(?:-\d{4})?$")
_AT = re.compile(r"@|\bAT\b")
_NUMERIC_UNIT = re.compile(r"^[0-9]{1,5}[A-Z]?$|^[A-Z]$|^[A-Z][0-9]{1,4}$")


def clean(text: str) -> str:
    """Upper case, one line, entities decoded, punctuation that carries nothing dropped."""
    text = html.unescape(text).upper()
    text = _DROP.sub("", text)
    text = _OTHER.sub(" ", text)
    text = _DASH.sub(" ", text)
    return _SPACES.sub(" ", text).strip(" ,")


def split_point(text: str) -> tuple[str, tuple[float, float] | None]:
    """A Socrata location cell ("2100 SHATTUCK AVE\\nBerkeley, CA\\n(37.87, -122.26)") as its
    first line and its point; other text comes back whole with no point."""
    match = _LATLON.search(text) or _LATLON_ALONE.match(text)
    point = None
    if match:
        lat, lon = float(match.group(1)), float(match.group(2))
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            point = (lat, lon)
    if "\n" in text:
        text = next((line for line in text.splitlines() if line.strip()), "")
    elif match:
        text = text[: match.start()]
    return text, point


def point_of(text: object) -> tuple[float, float] | None:
    """The latitude/longitude written inside a location cell, if any (cached)."""
    return split_point(text)[1] if isinstance(text, str) and len(text) <= MAX_LENGTH else None


def _name_words(tokens: Sequence[str]) -> str:
    """The street-name words, normalised: spellings table, MC joins, ordinals, ST -> SAINT."""
    t = tables()
    words = list(tokens)
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(t.longest_name, len(words) - i), 0, -1):
            phrase = tuple(words[i : i + size])
            if phrase in t.names:
                out.extend(t.names[phrase])
                i += size
                break
        else:
            word = words[i]
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if word in {"MC", "O"} and nxt.isalpha() and len(words) > 1:
                out.append(word + nxt)  # MC GEE -> MCGEE, O FARRELL -> OFARRELL
                i += 2
                continue
            if word in _TENS and nxt in _ORDINAL_WORD and _ORDINAL_WORD[nxt] < 10:
                out.append(ordinal(_TENS[word] + _ORDINAL_WORD[nxt]))
                i += 2
                continue
            if word in _ORDINAL_WORD:
                word = ordinal(_ORDINAL_WORD[word])
            elif (m := _ORDINAL_NUMBER.match(word)) is not None:
                word = ordinal(int(m.group(1)))
            elif word in _NAME_ABBREVIATIONS and len(words) > 1 and i < len(words) - 1:
                word = _NAME_ABBREVIATIONS[word]
            out.append(word)
            i += 1
    return " ".join(out)


@lru_cache(maxsize=20_000)
def _suffix(word: str) -> str:
    """The USPS suffix for a written form, also for a one-letter typo of a full name
    (STRET, AVENEU, BOULEVRD); '' when it is none."""
    t = tables()
    found = t.suffixes.get(word)
    if found or len(word) < 5 or not word.isalpha():
        return found or ""
    # Symmetric deletion: a word one edit from a full name shares a one-letter deletion with
    # it (or is one); the few candidates are then checked exactly.
    candidates: set[str] = set()
    for variant in (word, *(word[:i] + word[i + 1 :] for i in range(len(word)))):
        candidates |= t.suffix_typos.get(variant, frozenset())
    for full in sorted(candidates):
        if _one_edit(word, full):
            return t.suffixes[full]
    return ""


def _deletions_index(names: Iterable[str]) -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for name in names:
        index[name].add(name)
        for i in range(len(name)):
            index[name[:i] + name[i + 1 :]].add(name)
    return {k: frozenset(v) for k, v in index.items()}


def _one_edit(a: str, b: str) -> bool:
    """True when a and b differ by one insertion, deletion, substitution or transposition."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


# Types a CAD writes after most street names. Any other suffix word written in full (ISLAND,
# GROVE, PARK) may as well be part of the name, so the trained tagger reads those strings.
_STREET_TYPES = {"ST", "AVE", "RD", "DR", "BLVD", "LN", "CT", "PL", "WAY", "TER", "CIR", "PKWY",
                 "HWY", "FWY", "EXPY", "SQ", "LOOP", "TRL", "ALY", "PLZ", "XING", "HTS", "ROW",
                 "WALK", "PATH", "RUN", "PIKE", "TPKE", "RTE", "BYP", "CRES"}  # fmt: skip
_NUMBER_WORDS = {"ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE", "TEN",
                 "TWENTY", "THIRTY", "FORTY", "FIFTY", "HUNDRED"}  # fmt: skip
_PRETYPES = {"AVE", "HWY", "RTE", "FWY", "EXPY", "TPKE", "PKWY", "CIR"}  # "AVENUE B", "HWY 80"
_PRETYPE_MODIFIERS = {"US", "STATE", "COUNTY", "CR", "SR", "OLD", "INTERSTATE"}


def street_from_tokens(
    tokens: Sequence[str], strict: bool = False
) -> tuple[Street, list[str]] | None:
    """A street from its words, and any trailing words that are no part of it (a unit); None
    when the words are ambiguous and the trained tagger should read them.

    ``strict`` (after a house number) accepts only the shapes CAD systems write: a one-word
    name, or a name ending in a common street type, then at most a unit. Everything else (a
    city after the street, "STATE RTE 120", "AVE H", "612 A SO LAKE ST") goes to the tagger,
    which reads usaddress's labelled addresses better than rules do.
    """
    t = tables()
    words = [w for w in tokens if w]
    if not words:
        return None
    rest: list[str] = []
    # Trailing unit: "... ST APT 4", "... ST #4", "... WAY C".
    for i in range(1, len(words)):
        word = words[i]
        if word.startswith("#") or (word in t.units and i + 1 < len(words) and i >= 2):
            words, rest = words[:i], words[i:]
            break
    postdir = predir = pretype = suffix = ""
    if len(words) >= 3 and words[-1] in t.directionals and _suffix(words[-2]):
        postdir = t.directionals[words.pop()]
    elif (
        len(words) >= 3
        and _suffix(words[-2])
        and _NUMERIC_UNIT.match(words[-1])
        and words[-1] not in t.directionals
        and not rest
    ):
        rest = [words.pop()]  # Berkeley's "2906 MARTIN LUTHER KING JR WAY C"
    if len(words) >= 2 and (found := _suffix(words[-1])):
        if found not in _STREET_TYPES and words[-1] != found:
            return None  # "STONY ISLAND", "COTTAGE GROVE": a name word or a type? the tagger
        suffix = found
        words.pop()
    if len(words) >= 2 and words[0] in t.directionals:
        predir = t.directionals[words.pop(0)]
    if not suffix and len(words) >= 2 and t.suffixes.get(words[0]) in _PRETYPES:
        pretype = t.suffixes[words.pop(0)]
    if len(words) >= 2 and not suffix and not postdir and words[-1] in t.directionals:
        if words[-2] not in t.directionals and (pretype or words[-2].isdigit() or len(words) > 2):
            postdir = t.directionals[words.pop()]  # "HWY 34 E", "E 3300 S"
    if not suffix and len(words) > 2:
        return None  # "SOUTH DEARBORN SECOND FLOOR": leave it to the tagger
    if any(not re.fullmatch(r"[A-Z0-9]+", w) for w in words):
        return None
    if strict and (
        pretype
        or (not suffix and len(words) > 1)
        or (len(words[0]) == 1 and len(words) > 1)
        or len(words) > 5
        or len(rest) > 2
        or (rest and not rest[0].startswith("#") and rest[0] not in t.units and len(rest) > 1)
        or any(w.isdigit() and len(w) >= 5 for w in rest)
        or (rest and suffix in _PRETYPES | {"LOOP", "RD"} and rest[0][0].isdigit())
        or any(_suffix(w) in _STREET_TYPES or w in t.directionals for w in words[1:])
    ):
        return None
    return Street(_name_words(words), predir, pretype, suffix, postdir), rest


def _unit(rest: Sequence[str]) -> tuple[str, str]:
    """(unit_type, unit_id) from the words after a street: "APT 4" -> ("APT", "4")."""
    t = tables()
    words = [w for w in " ".join(rest).replace("#", " # ").split() if w]
    kind = ""
    if words and words[0] in t.units:
        kind = t.units[words.pop(0)]
    if kind == "#" and words and words[0] in t.units:
        kind = t.units[words.pop(0)]
    if kind == "#":
        kind = ""  # "# 4" says only that 4 is the unit
    return kind, " ".join(w for w in words if w != "#")


def _read_rules(text: str) -> Address | None:
    """House-number and block addresses, streets and named places, by rules (CAD shapes)."""
    if "," in text or _ZIP_TAIL.search(text):
        return None
    number = ""
    kind = "address"
    if (m := _BLOCK_WORD.match(text) or _BLOCK_LEADING.match(text)) is not None:
        number, body, kind = m.group(1), m.group(2), "block"
    elif (m := _BLOCK_X.match(text)) is not None:
        number, body, kind = (m.group(1) or "0") + "0" * len(m.group(2)), m.group(3), "block"
    elif (m := _NUMBER.match(text)) is not None and not _ORDINAL_NUMBER.match(text.split()[0]):
        number = m.group(1) + (m.group(2) or "") + (f" {m.group(3)}" if m.group(3) else "")
        body = m.group(4)
    elif text.split(" ", 1)[0] in _NUMBER_WORDS:
        return None  # "ONE S DEARBORN ST": a number in words; the tagger knows them
    else:
        body, kind = text, "street"
    parsed = street_from_tokens(body.split(), strict=True)
    if parsed is None:
        return None
    street, rest = parsed
    if kind == "street" and not (street.suffix or street.pretype):
        if rest:
            return None
        return Address(raw=text, kind="place", key="", block_key="", place=street.text,
                       street=street, parser="rules")  # fmt: skip
    unit_type, unit_id = _unit(rest)
    if kind == "block" and (unit_type or unit_id):
        unit_type = unit_id = ""
    number = str(int(number)) if number.isdigit() else number
    return Address(raw=text, kind=kind, key="", block_key="", number=number, street=street,
                   unit_type=unit_type, unit_id=unit_id, parser="rules")  # fmt: skip


# --------------------------------------------------------------------------------------------
# The trained tagger, for what the rules leave (city, state and ZIP; unusual orders)
# --------------------------------------------------------------------------------------------


def normalise_component(label: str, value: str, cleaned: bool = False) -> str:
    """One usaddress component in this module's canonical form (used for the tagger's output
    and to compare with labelled data). ``cleaned``: the value comes from text that went
    through ``clean`` already (the tagger's input), so only commas are left to drop."""
    t = tables()
    words = (value if cleaned else clean(value)).replace(",", " ").split()
    if not words:
        return ""
    if label in {"StreetNamePreDirectional", "StreetNamePostDirectional"}:
        return " ".join(t.directionals.get(w, w) for w in words)
    if label in {"StreetNamePostType", "StreetNamePreType"}:
        return " ".join(_suffix(w) or w for w in words)
    if label == "StreetName":
        return _name_words(words)
    if label in {"OccupancyType", "SubaddressType"}:
        return " ".join(t.units.get(w, w) for w in words)
    if label in {"OccupancyIdentifier", "SubaddressIdentifier"}:
        return " ".join(words).replace("#", "").strip()
    if label == "AddressNumber":
        joined = "".join(words)
        return joined.lstrip("0") or joined
    return " ".join(words)


_TAG_FIELDS = {
    "AddressNumberPrefix": "number", "AddressNumber": "number", "AddressNumberSuffix": "number",
    "StreetNamePreDirectional": "predir", "StreetNamePreModifier": "pretype",
    "StreetNamePreType": "pretype", "StreetName": "name", "StreetNamePostType": "suffix",
    "StreetNamePostDirectional": "postdir", "StreetNamePostModifier": "postdir",
    "OccupancyType": "unit_type", "SubaddressType": "unit_type",
    "OccupancyIdentifier": "unit_id", "SubaddressIdentifier": "unit_id",
    "PlaceName": "city", "StateName": "state", "ZipCode": "zip",
    "Recipient": "place", "BuildingName": "place", "LandmarkName": "place",
    "USPSBoxType": "box", "USPSBoxID": "box", "USPSBoxGroupType": "box", "USPSBoxGroupID": "box",
}  # fmt: skip


def parts_from_labels(pairs: Iterable[tuple[str, str]], cleaned: bool = False) -> dict[str, str]:
    """Labelled tokens (value, usaddress label) as this module's parts, normalised."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for value, label in pairs:
        grouped[label].append(value)
    parts: dict[str, list[str]] = defaultdict(list)
    for label, values in grouped.items():
        target = _TAG_FIELDS.get(label)
        if target is None:
            continue
        text = normalise_component(label, " ".join(values), cleaned)
        if text:
            parts[target].append(text)
    out = {k: " ".join(v) for k, v in parts.items()}
    if "number" in out:
        # "612 A" -> "612A" (a letter belongs to the number); "2615 1/2" keeps its space.
        out["number"] = re.sub(r"(?<=\d) (?=[A-Z]$)", "", out["number"].lstrip("0")) or "0"
    return out


def _read_tagger(text: str) -> Address:
    try:
        pairs = usaddress.parse(text)
    except Exception:  # noqa: BLE001 - the tagger's own failures are an unparsed reason
        return _unparsed(text, "tagger-failed")
    parts = parts_from_labels(pairs, cleaned=True)
    if "box" in parts and "name" not in parts:
        return _unparsed(text, "po-box")
    if "name" not in parts:
        if parts.get("place"):
            return Address(raw=text, kind="place", key="", block_key="", place=parts["place"],
                           city=parts.get("city", ""), state=parts.get("state", ""),
                           zip=parts.get("zip", ""), parser="usaddress")  # fmt: skip
        return _unparsed(text, "no-street")
    street = Street(parts["name"], parts.get("predir", ""), parts.get("pretype", ""),
                    parts.get("suffix", ""), parts.get("postdir", ""))  # fmt: skip
    number = parts.get("number", "")
    if number and not number[0].isdigit():
        number = ""
    kind = "address" if number else "street"
    return Address(raw=text, kind=kind, key="", block_key="", number=number, street=street,
                   unit_type=parts.get("unit_type", ""), unit_id=parts.get("unit_id", ""),
                   place=parts.get("place", ""), city=parts.get("city", ""),
                   state=parts.get("state", ""), zip=parts.get("zip", ""),
                   parser="usaddress")  # fmt: skip


# --------------------------------------------------------------------------------------------
# Named places: an agency's alias table
# --------------------------------------------------------------------------------------------


def _place_name(text: str) -> str:
    words = clean(text).replace(",", " ").split()
    if words and words[0] == "THE":
        words = words[1:]
    return " ".join(words)


class AliasTable:
    """An agency's named places ("ST MARY'S SHELTER", "CIVIC CENTER PARK") and the address
    each stands for. Compared on the cleaned name, with a leading THE dropped."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self.addresses: dict[str, str] = {}
        for name, address in mapping.items():
            key = _place_name(name)
            if key and address and address.strip():
                self.addresses[key] = address

    def __len__(self) -> int:
        return len(self.addresses)

    def lookup(self, text: str) -> str | None:
        return self.addresses.get(_place_name(text))

    @classmethod
    def from_csv(cls, path: Path) -> AliasTable:
        """A CSV with the columns ``name`` and ``address``."""
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"name", "address"} <= set(reader.fieldnames):
                raise ValueError(f"{path}: an alias table needs the columns name,address")
            return cls({row["name"] or "": row["address"] or "" for row in reader})


# --------------------------------------------------------------------------------------------
# parse_address
# --------------------------------------------------------------------------------------------


def parse_address(text: object, aliases: AliasTable | None = None) -> Address:
    """Parse one CAD address string into its kind, parts, ``key`` and ``block_key``.

    Never raises: an empty, over-long or meaningless value comes back with kind "unparsed"
    and a reason. Cached per (text, alias table).
    """
    if not isinstance(text, str):
        return _unparsed("" if text is None else str(text)[:MAX_LENGTH], "not-text")
    if len(text) > MAX_LENGTH:
        return _unparsed(text[:MAX_LENGTH], "too-long")
    return _parse_cached(text, aliases)


@lru_cache(maxsize=100_000)
def _parse_cached(raw: str, aliases: AliasTable | None) -> Address:
    point = None
    if "\n" in raw or "(" in raw or "." in raw:
        first_line, point = split_point(raw)
        text = clean(first_line)
    else:
        text = clean(raw)
    if not text:
        return _unparsed(raw, "coordinates-only" if point else "empty")
    if not _LETTER.search(text):
        return _unparsed(raw, "no-letters")
    if text in PLACEHOLDERS:
        return _unparsed(raw, "placeholder")
    if aliases is not None and (target := aliases.lookup(text)) is not None:
        return _aliased(raw, text, target, aliases)
    sides = [s for s in _SEPARATOR.split(text) if s.strip(" ,")]
    if len(sides) >= 2 or (len(sides) == 1 and sides[0] != text and _SEPARATOR.search(text)):
        found = _read_intersection(raw, text, sides, aliases)
    else:
        found = _read_rules(text) or _read_tagger(text)
    if found.kind == "unparsed":
        return _unparsed(raw, found.reason)
    if found.street is not None and found.street.name in {"", "BLOCK", "BLK", "OF"}:
        return _unparsed(raw, "no-street")
    if found.kind == "place" and len(found.place.replace(" ", "")) < 2:
        return _unparsed(raw, "too-short")
    return _finish(found, raw)


def _aliased(raw: str, name: str, target: str, aliases: AliasTable) -> Address:
    """A named place: the parts of its address, with the name kept as ``place``."""
    found = _parse_cached(target, None)
    if found.kind == "unparsed":
        return _unparsed(raw, f"alias-address-{found.reason}")
    return replace(found, raw=raw, place=_place_name(name))


def _read_intersection(
    raw: str, text: str, sides: list[str], aliases: AliasTable | None
) -> Address:
    """ "MAIN ST & 3RD AV", "3RD AVE / MAIN STREET", "MAIN AT 3RD"; also "PLACE @ 12 MAIN ST"
    (a named place at an address) and "EIGHTH ST & EIGHTH ST" (one street)."""
    numbered = [s for s in sides if _NUMBER.match(s) and not _ORDINAL_NUMBER.match(s.split()[0])]
    if len(sides) == 2 and len(numbered) == 1 and _AT.search(text):
        address_side = numbered[0]
        name_side = sides[1] if sides[0] is address_side else sides[0]
        found = _parse_cached(address_side, aliases)
        if found.kind in {"address", "block"}:
            return replace(found, place=_place_name(name_side))
    streets: list[Street] = []
    for side in sides:
        if aliases is not None and (target := aliases.lookup(side)) is not None:
            named = _parse_cached(target, None)
            if named.street is not None:
                streets.append(named.street)
                continue
        words = side.replace(",", " ").split()
        if words and _NUMBER.match(side) and not _ORDINAL_NUMBER.match(words[0]):
            words = words[1:]  # "100 MAIN ST / 3RD AVE": the corner, not the house
        parsed = street_from_tokens(words)
        if parsed is not None:
            streets.append(parsed[0])
        elif words:
            tagged = _read_tagger(" ".join(words))
            # A side nothing reads ("395S SB OFF RP") stays as written: dropping it would
            # turn a ramp into the whole of the other street.
            streets.append(tagged.street or Street(" ".join(words)))
    unique = sorted({s.text: s for s in streets if s.name}.items())
    if not unique:
        return _unparsed(raw, "no-street")
    if len(unique) == 1:
        return Address(raw=raw, kind="street", key="", block_key="", street=unique[0][1],
                       parser="rules")  # fmt: skip
    first, *others = (s for _, s in unique)
    return Address(raw=raw, kind="intersection", key="", block_key="", street=first,
                   cross=tuple(others), parser="rules")  # fmt: skip


def normalise_street(text: str) -> str:
    """A street written any way, in canonical form: "Martin Luther King Jr. Way" ->
    "MARTIN LUTHER KING JR WAY"; '' when it is no street."""
    cleaned = clean(text)
    parsed = street_from_tokens(cleaned.split())
    if parsed is not None:
        return parsed[0].text
    tagged = _read_tagger(cleaned) if _LETTER.search(cleaned) else None
    return tagged.street.text if tagged is not None and tagged.street is not None else ""


# --------------------------------------------------------------------------------------------
# Many strings: suffix completion, near-identical points, locations
# --------------------------------------------------------------------------------------------


def complete_suffixes(parsed: Iterable[Address]) -> dict[tuple[str, str, str, str], str]:
    """For each street stem written both with and without a suffix in a batch, the suffix when
    the batch gives it exactly one ("1623 VIRGINIA" beside "1600 VIRGINIA ST")."""
    seen: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    bare: set[tuple[str, str, str, str]] = set()
    for address in parsed:
        for street in (address.street, *address.cross):
            if street is None:
                continue
            if street.suffix:
                seen[street.stem].add(street.suffix)
            elif not street.pretype:
                bare.add(street.stem)
    return {stem: next(iter(seen[stem])) for stem in bare if len(seen.get(stem, ())) == 1}


def single_suffixes(parsed: Iterable[Address]) -> dict[tuple[str, str, str, str], str]:
    """Each street stem the batch writes with exactly one suffix, and that suffix."""
    seen: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for address in parsed:
        for street in (address.street, *address.cross):
            if street is not None and street.suffix:
                seen[street.stem].add(street.suffix)
    return {stem: next(iter(found)) for stem, found in seen.items() if len(found) == 1}


RARE_ROWS = 3  # a name written in at most this many rows may be a misspelling ...
COMMON_FACTOR = 10  # ... of a name written in at least this many times as many rows (and 10)


def name_rows(counted: Iterable[tuple[Address, int]]) -> Counter[str]:
    """Rows per street name (every street of an intersection counts)."""
    rows: Counter[str] = Counter()
    for address, count in counted:
        for street in (address.street, *address.cross):
            if street is not None and street.name:
                rows[street.name] += count
    return rows


def correct_rare_names(
    counted: Iterable[tuple[Address, int]], common: Mapping[str, int] | None = None
) -> dict[str, str]:
    """Misspelt street names in a batch: a name of five letters or more, without digits, in at
    most ``RARE_ROWS`` rows, that is one edit from a name in at least ``COMMON_FACTOR`` times
    as many rows (and at least 10) reads as that name ("DWIGH WAY" beside 205 rows of
    "DWIGHT WAY"; "GILLMAN ST" beside "GILMAN ST"). Numbered streets are never corrected
    (10TH and 11TH are both real)."""
    rows = name_rows(counted)
    targets = common if common is not None else {n: m for n, m in rows.items() if m >= 10}
    corrections: dict[str, str] = {}
    for name, n in rows.items():
        if n > RARE_ROWS or len(name) < 5 or any(c.isdigit() for c in name):
            continue
        best = [
            (m, other)
            for other, m in targets.items()
            if m >= COMMON_FACTOR * n
            and abs(len(other) - len(name)) <= 1
            and _one_edit(name, other)
        ]
        if best:
            corrections[name] = max(best)[1]
    return corrections


def with_streets(
    address: Address,
    completion: Mapping[tuple[str, str, str, str], str],
    names: Mapping[str, str] | None = None,
) -> Address:
    """The address with misspelt names corrected (``correct_rare_names``) and suffix-less
    streets completed (``complete_suffixes``)."""
    if address.street is None or not (completion or names):
        return address

    def fix(street: Street) -> Street:
        if names and street.name in names:
            street = replace(street, name=names[street.name])
        if street.suffix or street.pretype or street.stem not in completion:
            return street
        return replace(street, suffix=completion[street.stem])

    street = fix(address.street)
    cross = tuple(fix(s) for s in address.cross)
    if street == address.street and cross == address.cross:
        return address
    kind = address.kind
    if kind == "place" and street.suffix:
        kind = "street"
    if kind == "place":
        return _keyed(address, street=street, cross=cross, place=street.text)
    return _keyed(address, street=street, cross=cross, kind=kind)


_EARTH_M_PER_DEG = 111_320.0


def merge_points(
    lat: Sequence[float | None], lon: Sequence[float | None], radius_m: float = DEFAULT_RADIUS_M
) -> list[int]:
    """A cluster number per point (-1 where there is none): near-identical points merge.

    Leader clustering on a grid: points are taken in sorted order; a point joins the first
    leader within ``radius_m`` metres (searched in the 3 x 3 grid cells around it), else it
    becomes a leader. A cluster is at most 2 x radius_m across and clusters never chain, so
    a street of evenly spaced calls does not collapse into one place. Deterministic for the
    same set of points, whatever their order.
    """
    if radius_m <= 0:
        raise ValueError("radius_m must be positive")
    distinct: dict[tuple[float, float], int] = {}
    for a, b in zip(lat, lon, strict=True):
        if _valid(a, b):
            distinct.setdefault((round(float(a), 6), round(float(b), 6)), -1)  # type: ignore[arg-type]
    cells: dict[tuple[int, int], list[tuple[float, float, int]]] = defaultdict(list)
    leaders = 0
    # One east-west scale for the whole batch (its mean latitude): a per-point scale would
    # shift far-west longitudes by metres between neighbouring latitudes.
    scale = math.cos(math.radians(sum(p[0] for p in distinct) / len(distinct))) if distinct else 1
    for point in sorted(distinct):
        y = point[0] * _EARTH_M_PER_DEG
        x = point[1] * _EARTH_M_PER_DEG * scale
        cy, cx = int(y // radius_m), int(x // radius_m)
        found = -1
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for ly, lx, number in cells.get((cy + dy, cx + dx), ()):
                    if (ly - y) ** 2 + (lx - x) ** 2 <= radius_m**2:
                        found = number
                        break
                if found >= 0:
                    break
            if found >= 0:
                break
        if found < 0:
            found = leaders
            leaders += 1
            cells[(cy, cx)].append((y, x, found))
        distinct[point] = found
    return [
        distinct[(round(float(a), 6), round(float(b), 6))] if _valid(a, b) else -1  # type: ignore[arg-type]
        for a, b in zip(lat, lon, strict=True)
    ]


def _valid(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    try:
        fa, fb = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return -90 <= fa <= 90 and -180 <= fb <= 180 and not (fa == 0 and fb == 0)


@dataclass
class Grouping:
    """Row-aligned results of ``group_locations``."""

    addresses: list[Address]
    locations: list[str]  # '' = no location (unparsed text and no point)
    distinct_strings: int = 0
    merged_by_point: int = 0  # keys folded into another key's location by a shared point
    corrections: dict[str, str] = field(default_factory=dict)  # misspelt name -> name
    completed: int = 0  # street stems given the batch's one suffix
    key_locations: dict[str, str] = field(default_factory=dict)  # key -> location, to keep
    suffixes: dict[tuple[str, str, str, str], str] = field(default_factory=dict)  # stem: its one
    names: frozenset[str] = frozenset()  # every street name in the batch
    common_names: dict[str, int] = field(default_factory=dict)  # in >= 10 rows: their rows
    level: str = "block"

    def locate(self, text: object, aliases: AliasTable | None = None) -> str:
        """The location of a string outside the batch, by what the batch learnt (its name
        corrections, suffixes and placed keys): its key's location when the batch placed that
        key, else its own key ('' when unparsed). For calls that arrive after a batch."""
        address = parse_address(text, aliases)
        fixes = dict(self.corrections)
        if self.common_names and any(
            s is not None and s.name not in self.names for s in (address.street, *address.cross)
        ):
            # A name the batch never saw, one edit from a name it saw often: a misspelling.
            fixes.update(correct_rare_names([(address, 1)], common=self.common_names))
        address = with_streets(with_streets(address, {}, fixes), self.suffixes)
        key = address.block_key if self.level == "block" else address.key
        return self.key_locations.get(key, key) if address.parsed else ""


def group_locations(
    texts: Sequence[object],
    lat: Sequence[float | None] | None = None,
    lon: Sequence[float | None] | None = None,
    *,
    aliases: AliasTable | None = None,
    radius_m: float = DEFAULT_RADIUS_M,
    level: str = "block",
    fix: bool = True,
) -> Grouping:
    """A location per row: the block (``level="block"``) or the most precise key
    (``level="address"``), with keys merged where their calls share a point.

    Each distinct string is parsed once. With ``fix`` (the default) the batch corrects itself:
    rare misspelt street names (``correct_rare_names``, listed in ``Grouping.corrections``)
    and streets written without their suffix (``complete_suffixes``). Where coordinates are
    given, each key is placed at the point cluster most of its rows fall in, and keys placed at
    the same cluster become one location, named by the key with the most rows (ties: the first
    in sort order). Rows with an unparsed string but a point get ``point:LAT,LON`` (the
    cluster's smallest point, 5 decimals).
    """
    if level not in {"block", "address"}:
        raise ValueError("level is 'block' or 'address'")
    distinct: dict[object, Address] = {}
    for text in texts:
        if text not in distinct:
            distinct[text] = parse_address(text, aliases)
    text_rows = Counter(texts)
    rows_by_name = name_rows((distinct[t], n) for t, n in text_rows.items())
    names = correct_rare_names((distinct[t], n) for t, n in text_rows.items()) if fix else {}
    if names:
        distinct = {k: with_streets(v, {}, names) for k, v in distinct.items()}
    completion = complete_suffixes(distinct.values()) if fix else {}
    if completion:
        distinct = {k: with_streets(v, completion) for k, v in distinct.items()}
    rows = [distinct[text] for text in texts]

    def level_key(address: Address) -> str:
        if not address.parsed:
            return ""
        return address.block_key if level == "block" else address.key

    keys = [level_key(a) for a in rows]
    grouping = Grouping(
        addresses=rows,
        locations=list(keys),
        distinct_strings=len(distinct),
        corrections=names,
        completed=len(completion),
        key_locations={k: k for k in keys if k},
        suffixes=single_suffixes(distinct.values()) if fix else {},
        names=frozenset(rows_by_name),
        common_names={n: m for n, m in rows_by_name.items() if m >= 10} if fix else {},
        level=level,
    )
    if lat is None or lon is None:
        # A location cell may carry its own point: "2100 SHATTUCK AVE\n...\n(37.87, -122.26)".
        points = {text: point_of(text) for text in distinct}
        if not any(points.values()):
            return grouping
        lat = [p[0] if (p := points[text]) else None for text in texts]
        lon = [p[1] if (p := points[text]) else None for text in texts]
    clusters = merge_points(lat, lon, radius_m)
    votes: dict[str, Counter[int]] = defaultdict(Counter)
    counts: Counter[str] = Counter(k for k in keys if k)
    leader_point: dict[int, tuple[float, float]] = {}
    for key, cluster, a, b in zip(keys, clusters, lat, lon, strict=True):
        if cluster >= 0:
            point = (float(a), float(b))  # type: ignore[arg-type]
            leader_point[cluster] = min(leader_point.get(cluster, point), point)
            if key:
                votes[key][cluster] += 1
    at_cluster: dict[int, list[str]] = defaultdict(list)
    for key, counter in votes.items():
        best = max(counter.items(), key=lambda item: (item[1], -item[0]))[0]
        at_cluster[best].append(key)
    rename: dict[str, str] = {}
    for members in at_cluster.values():
        if len(members) > 1:
            name = min(members, key=lambda k: (-counts[k], k))
            for member in members:
                if member != name:
                    rename[member] = name
    grouping.merged_by_point = len(rename)
    grouping.key_locations = {k: rename.get(k, k) for k in keys if k}
    locations = []
    for key, cluster in zip(keys, clusters, strict=True):
        if key:
            locations.append(rename.get(key, key))
        elif cluster >= 0:
            point = leader_point[cluster]
            locations.append(f"point:{point[0]:.5f},{point[1]:.5f}")
        else:
            locations.append("")
    grouping.locations = locations
    return grouping
