"""The response policy: ordered, declarative rules from what is known about a call to who
should respond, with the reasons.

A policy is a TOML file (``policies/default.toml`` ships; docs/triage-policy.md explains it).
Rules are tried in order and the first whose conditions all hold decides. Safety gates are
checked when a policy loads: one that could send a call with a weapon, or with violence in
progress, without police on scene is refused, naming the rule and its line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

from coresponder.triage.engine.cues import CUE_NAMES, Cue, find_cues, negated_among, present_among

MODES = ("police", "co_response", "alternative", "ems", "referral", "no_dispatch")
MODE_LABELS = {
    "police": "Police",
    "co_response": "Co-response (officer and social worker)",
    "alternative": "Social worker / alternative team",
    "ems": "EMS (medical)",
    "referral": "Referral (988 / 211)",
    "no_dispatch": "No dispatch",
}
POLICE_ON_SCENE = frozenset({"police", "co_response"})
PROGRAM_MODES = frozenset({"co_response", "alternative"})
FLAG_NAMES = frozenset({"weapon", "violence", "injury", "medical", "domestic", "in_progress"})
# Narrative cues that count as the flag of the same name.
_CUE_FLAGS = FLAG_NAMES & CUE_NAMES
# Categories that imply a flag whatever the source's flags say.
_CATEGORY_FLAGS = {
    "weapons": "weapon",
    "violent_crime": "violence",
    "simple_assault": "violence",
    "domestic_violence": "violence",
}
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

DEFAULT_POLICY_PATH = Path(__file__).parent / "policies" / "default.toml"


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the line and rule."""


@dataclass(frozen=True)
class Classified:
    """What the policy needs to know of a call type's classification."""

    category: str = "unknown"
    confidence: float = 0.0
    evidence: tuple[str, ...] = ()
    modifiers: frozenset[str] = frozenset()
    behavioural_health: bool = False
    vera_category: str = ""


@dataclass(frozen=True)
class TriageInput:
    classified: Classified
    flags: Mapping[str, bool] = field(default_factory=dict)
    priority: str = ""
    narrative: str = ""
    local_time: datetime | None = None  # in the agency's own time zone
    area: str = ""  # beat or district, matched against the program's service area
    capacity_available: bool | None = None  # None: not known, taken as available
    # Worked out already (bulk runs do it for whole columns); None: from local_time and area.
    program_open: bool | None = None
    in_service_area: bool | None = None
    cues: tuple[Cue, ...] | None = None  # the narrative's cues, when found already


@dataclass(frozen=True)
class Reason:
    rule: str
    text: str
    evidence: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "text": self.text, "evidence": list(self.evidence)}


@dataclass(frozen=True)
class Decision:
    mode: str
    category: str
    vera_category: str
    behavioural_health: bool
    eligible: bool  # the program could take it (whether or not it is open or has capacity)
    confidence: float
    rule: str
    reasons: tuple[Reason, ...]
    policy_version: str
    flags: frozenset[str]

    @property
    def mode_label(self) -> str:
        return MODE_LABELS[self.mode]

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "category": self.category,
            "vera_category": self.vera_category,
            "behavioural_health": self.behavioural_health,
            "eligible": self.eligible,
            "confidence": round(self.confidence, 3),
            "rule": self.rule,
            "reasons": [reason.as_dict() for reason in self.reasons],
            "policy_version": self.policy_version,
            "flags": sorted(self.flags),
        }


@dataclass(frozen=True)
class HoursWindow:
    days: frozenset[int]  # 0 = Monday
    start: time
    end: time  # may be before start: the window runs past midnight

    def contains(self, moment: datetime) -> bool:
        now, day = moment.time(), moment.weekday()
        if self.start <= self.end:
            return day in self.days and self.start <= now < self.end
        # Past midnight: the early hours belong to the previous day's window.
        return (day in self.days and now >= self.start) or (
            (day - 1) % 7 in self.days and now < self.end
        )


@dataclass(frozen=True)
class Program:
    name: str = "Program"
    hours: tuple[HoursWindow, ...] = ()  # empty: always open
    service_area: frozenset[str] = frozenset()  # empty: the whole agency
    units: int = 0  # teams on duty at once; 0: capacity is not tracked

    def is_open(self, moment: datetime | None) -> bool:
        if not self.hours or moment is None:
            return True
        return any(window.contains(moment) for window in self.hours)

    def serves(self, area: str) -> bool:
        return not self.service_area or area.strip().upper() in self.service_area


@dataclass(frozen=True)
class Conditions:
    categories: frozenset[str] | None = None
    categories_not: frozenset[str] = frozenset()
    behavioural_health: bool | None = None
    flags_any: frozenset[str] = frozenset()
    flags_all: frozenset[str] = frozenset()
    flags_none: frozenset[str] = frozenset()
    cues_any: frozenset[str] = frozenset()
    cues_none: frozenset[str] = frozenset()
    priorities: frozenset[str] | None = None
    in_program_hours: bool | None = None
    in_service_area: bool | None = None
    capacity_available: bool | None = None
    min_confidence: float | None = None

    def depends_on_category(self) -> bool:
        return bool(
            self.categories is not None
            or self.categories_not
            or self.behavioural_health is not None
        )


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    mode: str
    when: Conditions
    eligible: bool
    gate: bool
    line: int


@dataclass(frozen=True)
class Policy:
    name: str
    version: str
    summary: str
    program: Program
    rules: tuple[Rule, ...]
    source: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    def priorities_named(self) -> frozenset[str]:
        """Every priority a rule tests: any other priority decides like an empty one."""
        named: set[str] = set()
        for rule in self.rules:
            named |= rule.when.priorities or set()
        return frozenset(named)

    def decide(self, call: TriageInput) -> Decision:
        facts = _Facts.of(call, self.program)
        for rule in self.rules:
            evidence = facts.match(rule.when)
            if evidence is not None:
                return self._decision(call, facts, rule, evidence)
        raise AssertionError("a loaded policy always ends with a default rule")

    def _decision(
        self, call: TriageInput, facts: _Facts, rule: Rule, evidence: list[str]
    ) -> Decision:
        classified = call.classified
        reasons = [Reason(rule.id, rule.description, tuple(evidence))]
        if rule.when.depends_on_category() and classified.evidence:
            reasons.append(Reason("classifier", "How the call type was read", classified.evidence))
        for name, cue in facts.negated.items():
            reasons.append(
                Reason("narrative", f"Mentioned but negated: {name}", (f'"{cue.context}"',))
            )
        # As sure as the reading of the call type, unless the rule did not need it: a safety
        # gate or a flag rule is certain; an unread call type (unknown) is confidence 0.
        from_type = rule.when.depends_on_category() or classified.category == "unknown"
        confidence = classified.confidence if from_type and not rule.gate else 1.0
        return Decision(
            mode=rule.mode,
            category=classified.category,
            vera_category=classified.vera_category,
            behavioural_health=classified.behavioural_health or bool(facts.bh_cues),
            eligible=rule.eligible,
            confidence=confidence,
            rule=rule.id,
            reasons=tuple(reasons),
            policy_version=self.label,
            flags=frozenset(facts.flags),
        )


@dataclass
class _Facts:
    """What is true of one call, worked out once and shared by every rule's test."""

    classified: Classified
    flags: dict[str, str]  # flag → where it came from
    cues: dict[str, str]  # cue → the words that showed it
    negated: dict[str, Any]
    priority: str
    open_now: bool
    in_area: bool
    capacity: bool
    bh_cues: tuple[str, ...]

    @classmethod
    def of(cls, call: TriageInput, program: Program) -> _Facts:

        flags = {name: "the call's flags" for name, on in call.flags.items() if on}
        for modifier in call.classified.modifiers & FLAG_NAMES:
            flags.setdefault(modifier, "the call type")
        implied = _CATEGORY_FLAGS.get(call.classified.category)
        if implied:
            flags.setdefault(implied, f"the category {call.classified.category}")
        found = call.cues if call.cues is not None else find_cues(call.narrative)
        present = present_among(found)
        cues = {name: cue.text for name, cue in present.items()}
        for name in _CUE_FLAGS & set(cues):
            flags.setdefault(name, f'the narrative ("{cues[name]}")')
        return cls(
            classified=call.classified,
            flags=flags,
            cues=cues,
            negated=negated_among(found),
            priority=call.priority.strip().upper(),
            open_now=(
                program.is_open(call.local_time) if call.program_open is None else call.program_open
            ),
            in_area=(
                program.serves(call.area) if call.in_service_area is None else call.in_service_area
            ),
            capacity=call.capacity_available is not False,
            bh_cues=tuple(n for n in ("mental_health", "suicide", "intoxication") if n in cues),
        )

    def match(self, when: Conditions) -> list[str] | None:
        """The evidence for each condition when all hold, or None when one fails."""
        evidence: list[str] = []
        for test in _TESTS:
            found = test(self, when)
            if found is None:
                return None
            evidence.extend(found)
        return evidence


def _test_category(facts: _Facts, when: Conditions) -> list[str] | None:
    category = facts.classified.category
    if when.categories is not None and category not in when.categories:
        return None
    if category in when.categories_not:
        return None
    if when.categories is not None:
        return [f"category {category}"]
    return []


def _test_behavioural_health(facts: _Facts, when: Conditions) -> list[str] | None:
    if when.behavioural_health is None:
        return []
    is_bh = facts.classified.behavioural_health or bool(facts.bh_cues)
    if is_bh != when.behavioural_health:
        return None
    if not is_bh:
        return ["not a behavioural-health call"]
    if facts.classified.behavioural_health:
        return [f"behavioural-health category {facts.classified.category}"]
    return [f"narrative cue {facts.bh_cues[0]} ({facts.cues[facts.bh_cues[0]]!r})"]


def _test_flags(facts: _Facts, when: Conditions) -> list[str] | None:
    present = set(facts.flags)
    if when.flags_none & present or not when.flags_all <= present:
        return None
    hits = (when.flags_any & present) | when.flags_all
    if when.flags_any and not when.flags_any & present:
        return None
    shown = [f"{flag} (from {facts.flags[flag]})" for flag in sorted(hits)]
    shown += [f"no {flag}" for flag in sorted(when.flags_none)]
    return shown


def _test_cues(facts: _Facts, when: Conditions) -> list[str] | None:
    present = set(facts.cues)
    if when.cues_none & present:
        return None
    if when.cues_any and not when.cues_any & present:
        return None
    return [f"narrative: {name} ({facts.cues[name]!r})" for name in sorted(when.cues_any & present)]


def _test_priority(facts: _Facts, when: Conditions) -> list[str] | None:
    if when.priorities is None:
        return []
    return [f"priority {facts.priority}"] if facts.priority in when.priorities else None


def _test_program(facts: _Facts, when: Conditions) -> list[str] | None:
    evidence = []
    for wanted, actual, yes, no in (
        (when.in_program_hours, facts.open_now, "within program hours", "outside program hours"),
        (when.in_service_area, facts.in_area, "inside the service area", "outside the area"),
        (when.capacity_available, facts.capacity, "a team is available", "no team available"),
    ):
        if wanted is None:
            continue
        if wanted != actual:
            return None
        evidence.append(yes if actual else no)
    return evidence


def _test_confidence(facts: _Facts, when: Conditions) -> list[str] | None:
    if when.min_confidence is None:
        return []
    if facts.classified.confidence < when.min_confidence:
        return None
    return [f"classification confidence {facts.classified.confidence:.2f}"]


_TESTS = (
    _test_category,
    _test_behavioural_health,
    _test_flags,
    _test_cues,
    _test_priority,
    _test_program,
    _test_confidence,
)


# ---- Loading -------------------------------------------------------------------------------

_CONDITION_KEYS = {
    "categories", "categories_not", "behavioural_health", "flags_any", "flags_all", "flags_none",
    "cues_any", "cues_none", "priorities", "in_program_hours", "in_service_area",
    "capacity_available", "min_confidence",
}  # fmt: skip
_RULE_KEYS = {"id", "description", "mode", "when", "eligible", "gate"}


def load_policy(
    path: str | Path | None = None, *, categories: frozenset[str] | None = None
) -> Policy:
    """Read and check a policy file (the shipped default when ``path`` is None)."""
    source = Path(path) if path else DEFAULT_POLICY_PATH
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(f"{source}: cannot read the policy ({error}).") from None
    return parse_policy(text, name=str(source), categories=categories)


def parse_policy(
    text: str, *, name: str = "policy", categories: frozenset[str] | None = None
) -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"{name}: not valid TOML: {error}") from None
    known = categories if categories is not None else _taxonomy_codes()
    lines = _rule_lines(text)
    header = _table(data, "policy", name)
    for key in ("name", "version"):
        if not isinstance(header.get(key), str) or not header[key].strip():
            raise PolicyError(f"{name}: [policy] needs a {key} (text).")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise PolicyError(f"{name}: the policy has no [[rules]].")
    rules = tuple(
        _rule(raw, lines[index] if index < len(lines) else 0, name, known)
        for index, raw in enumerate(raw_rules)
    )
    _check_unique_ids(rules, name)
    _check_default_last(rules, name)
    policy = Policy(
        name=header["name"].strip(),
        version=header["version"].strip(),
        summary=str(header.get("summary", "")).strip(),
        program=_program(data.get("program", {}), name),
        rules=rules,
        source=name,
    )
    check_safety(policy)
    return policy


def _taxonomy_codes() -> frozenset[str] | None:
    try:
        from coresponder.triage.engine.taxonomy import CATEGORIES
    except ImportError:  # pragma: no cover - the taxonomy ships with the package
        return None
    return frozenset(CATEGORIES)


def _rule_lines(text: str) -> list[int]:
    """The line of each ``[[rules]]`` header, in order: tomllib keeps no positions."""
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if re.match(r"^\s*\[\[\s*rules\s*\]\]", line)
    ]


def _table(data: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise PolicyError(f"{name}: a [{key}] table is needed.")
    return value


def _rule(raw: Any, line: int, name: str, known: frozenset[str] | None) -> Rule:
    where = f"{name}, line {line}"
    if not isinstance(raw, dict):
        raise PolicyError(f"{where}: a rule must be a table.")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", rule_id):
        raise PolicyError(f"{where}: each rule needs an id (lower-case letters, digits, - _ .).")
    where = f"{where}, rule {rule_id!r}"
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise PolicyError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}.")
    mode = raw.get("mode")
    if mode not in MODES:
        raise PolicyError(f"{where}: mode {mode!r} is not one of {', '.join(MODES)}.")
    when = raw.get("when", {})
    if not isinstance(when, dict):
        raise PolicyError(f"{where}: 'when' must be a table of conditions.")
    eligible = raw.get("eligible", mode in PROGRAM_MODES)
    gate = raw.get("gate", False)
    if not isinstance(eligible, bool) or not isinstance(gate, bool):
        raise PolicyError(f"{where}: 'eligible' and 'gate' are true or false.")
    return Rule(
        id=rule_id,
        description=str(raw.get("description", rule_id)),
        mode=mode,
        when=_conditions(when, where, known),
        eligible=eligible,
        gate=gate,
        line=line,
    )


def _conditions(when: dict[str, Any], where: str, known: frozenset[str] | None) -> Conditions:
    unknown = set(when) - _CONDITION_KEYS
    if unknown:
        raise PolicyError(
            f"{where}: unknown condition(s) {', '.join(sorted(unknown))}; "
            f"conditions are {', '.join(sorted(_CONDITION_KEYS))}."
        )
    values: dict[str, Any] = {}
    for key, value in when.items():
        if key in {"behavioural_health", "in_program_hours", "in_service_area"} | {
            "capacity_available"
        }:
            if not isinstance(value, bool):
                raise PolicyError(f"{where}: {key} is true or false.")
            values[key] = value
        elif key == "min_confidence":
            if not isinstance(value, int | float) or not 0 <= value <= 1:
                raise PolicyError(f"{where}: min_confidence is a number from 0 to 1.")
            values[key] = float(value)
        else:
            values[key] = _names(key, value, where, known)
    return Conditions(**values)


def _names(key: str, value: Any, where: str, known: frozenset[str] | None) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyError(f"{where}: {key} is a list of names.")
    names = frozenset(v.strip() for v in value)
    if key.startswith("priorities"):
        return frozenset(v.upper() for v in names)
    allowed: frozenset[str] | None = {
        "flags": FLAG_NAMES,
        "cues": CUE_NAMES,
        "categories": known,
    }[key.split("_")[0]]
    if allowed is not None and names - allowed:
        raise PolicyError(
            f"{where}: {key} has unknown name(s) {', '.join(sorted(names - allowed))}; "
            f"known: {', '.join(sorted(allowed))}."
        )
    return names


def _program(raw: Any, name: str) -> Program:
    if not isinstance(raw, dict):
        raise PolicyError(f"{name}: [program] must be a table.")
    hours = raw.get("hours", [])
    area = raw.get("service_area", [])
    if not isinstance(hours, list) or not isinstance(area, list):
        raise PolicyError(f"{name}: [program] hours and service_area are lists.")
    units = raw.get("units", 0)
    if not isinstance(units, int) or isinstance(units, bool) or units < 0:
        raise PolicyError(f"{name}: [program] units is a whole number (0: not tracked).")
    return Program(
        name=str(raw.get("name", "Program")),
        hours=tuple(_hours_window(text, name) for text in hours),
        service_area=frozenset(str(a).strip().upper() for a in area),
        units=units,
    )


_HOURS = re.compile(
    r"^\s*(?P<first>[a-z]{3})(?:\s*-\s*(?P<last>[a-z]{3}))?\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$",
    re.IGNORECASE,
)


def _hours_window(text: Any, name: str) -> HoursWindow:
    match = _HOURS.match(str(text))
    problem = f"{name}: program hours {text!r} must read like 'Mon-Fri 07:00-19:00'."
    if not match:
        raise PolicyError(problem)
    first, last = match["first"].lower(), (match["last"] or match["first"]).lower()
    if first not in _DAYS or last not in _DAYS:
        raise PolicyError(problem)
    start_day, end_day = _DAYS.index(first), _DAYS.index(last)
    span = range(start_day, (end_day if end_day >= start_day else end_day + 7) + 1)
    try:
        start, end = (time.fromisoformat(match[k].zfill(5)) for k in ("start", "end"))
    except ValueError:
        raise PolicyError(problem) from None
    return HoursWindow(frozenset(d % 7 for d in span), start, end)


def _check_unique_ids(rules: tuple[Rule, ...], name: str) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise PolicyError(f"{name}, line {rule.line}: rule id {rule.id!r} is used twice.")
        seen.add(rule.id)


def _check_default_last(rules: tuple[Rule, ...], name: str) -> None:
    last = rules[-1]
    if last.when != Conditions():
        raise PolicyError(
            f"{name}, line {last.line}, rule {last.id!r}: the last rule must have no "
            "conditions (the default), so that every call gets a decision."
        )


# ---- Safety gates --------------------------------------------------------------------------

# Situations that must always have police on scene, as sets of flags that are certainly true.
DANGER = {
    "a weapon": frozenset({"weapon"}),
    "violence in progress": frozenset({"violence", "in_progress"}),
}


def check_safety(policy: Policy) -> None:
    """Refuse a policy that could send a dangerous call without police on scene.

    For each danger, walk the rules in order. A rule that police-on-scene mode and whose only
    conditions are flags the danger makes true catches every such call: the walk stops there.
    Before that, any rule whose conditions could hold for such a call and sends no police is
    an error. This is conservative: a rule is assumed to possibly match unless its conditions
    exclude the danger's flags outright."""
    for danger, flags in DANGER.items():
        for rule in policy.rules:
            if _catches_all(rule, flags):
                break
            if rule.mode not in POLICE_ON_SCENE and _could_match(rule.when, flags):
                raise PolicyError(
                    f"{policy.source}, line {rule.line}, rule {rule.id!r}: it could send a call "
                    f"with {danger} to {rule.mode!r} without police on scene. Put a gate rule "
                    f"before it (for example when.flags_any = {sorted(flags)[:1]} → police) or "
                    f"exclude the flags with flags_none."
                )


def _catches_all(rule: Rule, flags: frozenset[str]) -> bool:
    if rule.mode not in POLICE_ON_SCENE:
        return False
    when = rule.when
    only_flags = Conditions(flags_any=when.flags_any, flags_all=when.flags_all)
    if when != only_flags:
        return False
    return when.flags_all <= flags and (not when.flags_any or bool(when.flags_any & flags))


def _could_match(when: Conditions, flags: frozenset[str]) -> bool:
    return not (when.flags_none & flags)
