"""Assessment instruments as data: questions, skip logic, scoring, thresholds and flags.

An instrument is a TOML file (``instruments/*.toml`` ship with the package; docs/assessments.md
explains the format). ``load_instrument`` checks a file and names the file, the line and the
question of every problem it finds; ``score`` turns a set of answers into a risk level, per-domain
scores and levels, the flags raised, the required questions still unanswered and the answers that
could not be used. Scoring never raises on bad answers: it reports them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

RISK_LEVELS = ("low", "moderate", "high", "imminent")
NEED_LEVELS = ("none", "low", "moderate", "high")
QUESTION_TYPES = ("yes_no", "choice", "scale", "number", "text", "date")
SCORED_TYPES = frozenset({"yes_no", "choice", "scale"})
SHIPPED_DIR = Path(__file__).parent / "instruments"

_ID = re.compile(r"[a-z][a-z0-9_]*")
_TOP_KEYS = frozenset(
    {
        "code",
        "title",
        "version",
        "licence",
        "description",
        "note",
        "scoring",
        "domains",
        "questions",
        "thresholds",
        "flags",
    }
)
_QUESTION_KEYS = frozenset(
    {
        "id",
        "text",
        "help",
        "type",
        "required",
        "domain",
        "scored",
        "options",
        "yes_score",
        "no_score",
        "min",
        "max",
        "labels",
        "max_length",
        "show_if",
        "flag",
        "flag_if",
        "flag_min",
    }
)
_OPTION_KEYS = frozenset({"value", "label", "score", "flag"})
_SHOW_IF_KEYS = frozenset({"question", "value", "values"})
_SCORING_KEYS = frozenset({"method", "domain_bands"})
_DOMAIN_KEYS = frozenset({"id", "label", "in_total", "bands"})
_BAND_KEYS = frozenset({"min", "max", "level", "text"})
_THRESHOLD_KEYS = frozenset({"min", "max", "risk_level", "text"})
_FLAG_KEYS = frozenset({"id", "label", "min_risk_level", "all_of", "text"})
_YES = frozenset({"yes", "y", "true", "1", "on"})
_NO = frozenset({"no", "n", "false", "0", "off"})


class InstrumentError(ValueError):
    """An instrument file that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[InstrumentProblem]) -> None:
        self.problems: tuple[InstrumentProblem, ...] = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class InstrumentProblem:
    """One problem in an instrument file: where it is and what is wrong."""

    source: str
    line: int
    question: str  # the question's id, "" when the problem is not in a question
    message: str

    def __str__(self) -> str:
        where = f"{self.source}, line {self.line}" if self.line else self.source
        if self.question:
            where += f", question {self.question!r}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    score: int | None = None
    flag: str = ""


@dataclass(frozen=True)
class ShowIf:
    """Show a question only when an earlier question's answer is one of ``values``."""

    question: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    type: str
    help: str = ""
    required: bool = False
    domain: str = ""
    scored: bool = False
    options: tuple[Option, ...] = ()
    yes_score: int = 1
    no_score: int = 0
    min: float | None = None
    max: float | None = None
    labels: Mapping[int, str] = field(default_factory=dict)  # scale: value -> label
    max_length: int | None = None
    show_if: ShowIf | None = None
    flag: str = ""
    flag_if: tuple[Any, ...] = ()
    flag_min: float | None = None
    line: int = 0

    def option(self, value: Any) -> Option | None:
        for option in self.options:
            if option.value == str(value):
                return option
        return None

    @property
    def max_score(self) -> int:
        if not self.scored:
            return 0
        if self.type == "yes_no":
            return max(self.yes_score, self.no_score)
        if self.type == "choice":
            return max((option.score or 0 for option in self.options), default=0)
        return int(self.max or 0)


@dataclass(frozen=True)
class Band:
    """A score range (inclusive; ``max`` None is open-ended) and the level it means."""

    min: int
    max: int | None
    level: str
    text: str = ""

    def contains(self, value: float) -> bool:
        return value >= self.min and (self.max is None or value <= self.max)


@dataclass(frozen=True)
class Domain:
    id: str
    label: str
    in_total: bool = True
    bands: tuple[Band, ...] = ()


@dataclass(frozen=True)
class FlagRule:
    """A named flag and the minimum risk level it forces. ``all_of``: raised when all of these
    other flags are raised (a flag without it is raised by answers)."""

    id: str
    label: str
    min_risk_level: str = "low"
    all_of: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class Instrument:
    code: str
    title: str
    version: str
    licence: str
    description: str
    questions: tuple[Question, ...]
    thresholds: tuple[Band, ...]
    domains: tuple[Domain, ...] = ()
    flags: tuple[FlagRule, ...] = ()
    note: str = ""
    source: str = ""

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def domain(self, domain_id: str) -> Domain:
        for domain in self.domains:
            if domain.id == domain_id:
                return domain
        raise KeyError(domain_id)

    def flag(self, flag_id: str) -> FlagRule:
        for rule in self.flags:
            if rule.id == flag_id:
                return rule
        raise KeyError(flag_id)

    @property
    def max_total(self) -> int:
        counted = {domain.id for domain in self.domains if domain.in_total}
        return sum(
            question.max_score
            for question in self.questions
            if not question.domain or question.domain in counted
        )

    def visible_questions(self, answers: Mapping[str, Any]) -> list[Question]:
        """The questions shown for these answers, in order (skip logic applied)."""
        cleaned, _ = _clean_answers(self, answers)
        return [question for question in self.questions if question.id in cleaned.visible]

    def score(self, answers: Mapping[str, Any]) -> AssessmentResult:
        return score(self, answers)


@dataclass(frozen=True)
class DomainScore:
    id: str
    label: str
    score: int
    max_score: int
    level: str  # one of NEED_LEVELS; "" when the domain has no bands or nothing was answered
    text: str = ""
    answered: int = 0  # how many of the domain's visible questions were answered
    in_total: bool = True


@dataclass(frozen=True)
class RaisedFlag:
    id: str
    label: str
    min_risk_level: str
    text: str = ""
    questions: tuple[str, ...] = ()  # the questions whose answers raised it


@dataclass(frozen=True)
class AnswerProblem:
    question: str
    message: str


@dataclass(frozen=True)
class AssessmentResult:
    instrument: str  # code
    version: str
    total: int
    max_total: int
    risk_level: str
    threshold_text: str
    domains: Mapping[str, DomainScore]
    flags: tuple[RaisedFlag, ...]
    missing: tuple[str, ...]  # required questions shown but not answered
    problems: tuple[AnswerProblem, ...]
    answers: Mapping[str, Any]  # the usable answers to shown questions, normalised
    summary: str

    @property
    def complete(self) -> bool:
        return not self.missing and not self.problems

    @property
    def flag_ids(self) -> frozenset[str]:
        return frozenset(flag.id for flag in self.flags)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (dates as ISO text) for storing with the assessment."""
        return {
            "instrument": self.instrument,
            "version": self.version,
            "total": self.total,
            "max_total": self.max_total,
            "risk_level": self.risk_level,
            "threshold_text": self.threshold_text,
            "domains": {
                key: {
                    "label": domain.label,
                    "score": domain.score,
                    "max_score": domain.max_score,
                    "level": domain.level,
                    "text": domain.text,
                    "answered": domain.answered,
                    "in_total": domain.in_total,
                }
                for key, domain in self.domains.items()
            },
            "flags": [
                {
                    "id": flag.id,
                    "label": flag.label,
                    "min_risk_level": flag.min_risk_level,
                    "text": flag.text,
                    "questions": list(flag.questions),
                }
                for flag in self.flags
            ],
            "missing": list(self.missing),
            "problems": [
                {"question": problem.question, "message": problem.message}
                for problem in self.problems
            ],
            "answers": {
                key: value.isoformat() if isinstance(value, date) else value
                for key, value in self.answers.items()
            },
            "summary": self.summary,
            "complete": self.complete,
        }


def risk_at_least(level: str, minimum: str) -> str:
    """The higher of two risk levels."""
    return level if RISK_LEVELS.index(level) >= RISK_LEVELS.index(minimum) else minimum


# --- loading ---------------------------------------------------------------------------------


def load_instrument(path_or_text: str | Path, *, name: str | None = None) -> Instrument:
    """Read and check an instrument from a path or from TOML text.

    A ``Path``, or a ``str`` naming an existing ``.toml`` file, is read; any other string is
    taken as the TOML text itself. Raises ``InstrumentError`` listing every problem, each with
    the file, line and question.
    """
    if isinstance(path_or_text, Path) or (
        "\n" not in path_or_text and path_or_text.endswith(".toml")
    ):
        source = Path(path_or_text)
        label = name or str(source)
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InstrumentError(
                [InstrumentProblem(label, 0, "", f"cannot read the instrument ({error}).")]
            ) from None
    else:
        text = path_or_text
        label = name or "instrument"
    return _Loader(text, label).load()


def load_instruments_dir(path: str | Path) -> dict[str, Instrument]:
    """Every ``*.toml`` instrument in a directory, by code. A code used twice is an error."""
    found: dict[str, Instrument] = {}
    problems: list[InstrumentProblem] = []
    for file in sorted(Path(path).glob("*.toml")):
        try:
            instrument = load_instrument(file)
        except InstrumentError as error:
            problems.extend(error.problems)
            continue
        if instrument.code in found:
            problems.append(
                InstrumentProblem(
                    str(file),
                    _Loader(file.read_text(encoding="utf-8"), str(file)).key_line("code"),
                    "",
                    f"code {instrument.code!r} is already used by {found[instrument.code].source}.",
                )
            )
            continue
        found[instrument.code] = instrument
    if problems:
        raise InstrumentError(problems)
    return found


_SHIPPED: dict[str, Instrument] | None = None


def shipped_instruments() -> dict[str, Instrument]:
    """The instruments that ship with coresponder, by code (read once)."""
    global _SHIPPED
    if _SHIPPED is None:
        _SHIPPED = load_instruments_dir(SHIPPED_DIR)
    return dict(_SHIPPED)


class _Loader:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.lines = text.splitlines()
        self.problems: list[InstrumentProblem] = []
        self.question_lines = self._headers("questions")
        self.threshold_lines = self._headers("thresholds")
        self.domain_lines = self._headers("domains")
        self.flag_lines = self._headers("flags")
        self.declared_flags: set[str] = set()

    # where things are: tomllib keeps no positions, so scan the text
    def _headers(self, name: str) -> list[int]:
        pattern = re.compile(r"^\s*\[\[\s*" + re.escape(name) + r"\s*\]\]")
        return [n for n, line in enumerate(self.lines, start=1) if pattern.match(line)]

    def _block_end(self, start: int) -> int:
        for number in range(start + 1, len(self.lines) + 1):
            if re.match(r"^\s*\[", self.lines[number - 1]):
                return number - 1
        return len(self.lines)

    def key_line(self, key: str, start: int = 0, contains: str = "") -> int:
        """The line of ``key = ...`` in the block starting at ``start`` (0: the top level)."""
        end = self._block_end(start) if start else len(self.lines)
        pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
        inline = re.compile(r"[{,]\s*" + re.escape(key) + r"\s*=")
        for number in range(max(start, 1), end + 1):
            line = self.lines[number - 1]
            if (pattern.match(line) or (start and inline.search(line))) and (
                not contains or contains in line
            ):
                return number
            if not start and number > 1 and re.match(r"^\s*\[", line):
                break
        return start

    def text_line(self, needle: str, start: int) -> int:
        end = self._block_end(start) if start else len(self.lines)
        for number in range(max(start, 1), end + 1):
            if needle in self.lines[number - 1]:
                return number
        return start

    def problem(self, line: int, question: str, message: str) -> None:
        self.problems.append(InstrumentProblem(self.source, line, question, message))

    # the file
    def load(self) -> Instrument:
        try:
            data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as error:
            match = re.search(r"line (\d+)", str(error))
            raise InstrumentError(
                [
                    InstrumentProblem(
                        self.source, int(match.group(1)) if match else 0, "", f"not TOML: {error}"
                    )
                ]
            ) from None
        for key in sorted(set(data) - _TOP_KEYS):
            self.problem(self.key_line(key) or self._table_line(key), "", f"unknown key {key!r}.")
        header: dict[str, str] = {}
        for key in ("code", "title", "version", "licence", "description"):
            value = data.get(key)
            if not isinstance(value, str) or not value.strip():
                self.problem(self.key_line(key), "", f"{key!r} is needed (text).")
                value = ""
            header[key] = value.strip()
        if header["code"] and not _ID.fullmatch(header["code"]):
            self.problem(
                self.key_line("code"), "", "'code' must be lower-case letters, digits and _."
            )
        note = data.get("note", "")
        if not isinstance(note, str):
            self.problem(self.key_line("note"), "", "'note' must be text.")
            note = ""
        domain_bands = self._scoring(data.get("scoring", {}))
        domains = self._domains(data.get("domains", []), domain_bands)
        flags = self._flags(data.get("flags", []))
        self.declared_flags = {rule.id for rule in flags}
        questions = self._questions(data.get("questions"), domains, flags)
        thresholds = self._bands(
            data.get("thresholds"), self.threshold_lines, "threshold", "risk_level", RISK_LEVELS
        )
        if "thresholds" not in data:
            self.problem(0, "", "the instrument has no [[thresholds]].")
        self._check_raised_flags(questions, flags)
        if self.problems:
            raise InstrumentError(self.problems)
        return Instrument(
            code=header["code"],
            title=header["title"],
            version=header["version"],
            licence=header["licence"],
            description=header["description"],
            note=note.strip(),
            questions=questions,
            thresholds=thresholds,
            domains=domains,
            flags=flags,
            source=self.source,
        )

    def _table_line(self, key: str) -> int:
        pattern = re.compile(r"^\s*\[+\s*" + re.escape(key) + r"\s*[\].]")
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return 0

    def _scoring(self, raw: Any) -> tuple[Band, ...]:
        line = self._table_line("scoring")
        if not isinstance(raw, dict):
            self.problem(line, "", "[scoring] must be a table.")
            return ()
        for key in sorted(set(raw) - _SCORING_KEYS):
            self.problem(self.key_line(key, line), "", f"unknown key {key!r} in [scoring].")
        if raw.get("method", "sum") != "sum":
            self.problem(self.key_line("method", line), "", "the only scoring method is 'sum'.")
        if "domain_bands" not in raw:
            return ()
        return self._inline_bands(raw["domain_bands"], self.key_line("domain_bands", line), "")

    def _domains(self, raw: Any, default_bands: tuple[Band, ...]) -> tuple[Domain, ...]:
        if not isinstance(raw, list):
            self.problem(self._table_line("domains"), "", "'domains' must be [[domains]] tables.")
            return ()
        domains: list[Domain] = []
        seen: set[str] = set()
        for index, item in enumerate(raw):
            line = self.domain_lines[index] if index < len(self.domain_lines) else 0
            if not isinstance(item, dict):
                self.problem(line, "", "a domain must be a table.")
                continue
            for key in sorted(set(item) - _DOMAIN_KEYS):
                self.problem(self.key_line(key, line), "", f"unknown key {key!r} in a domain.")
            domain_id = item.get("id")
            if not isinstance(domain_id, str) or not _ID.fullmatch(domain_id):
                self.problem(line, "", "a domain needs an 'id' (lower-case letters, digits, _).")
                continue
            if domain_id in seen:
                self.problem(line, "", f"domain id {domain_id!r} is used twice.")
                continue
            seen.add(domain_id)
            bands = default_bands
            if "bands" in item:
                bands = self._inline_bands(
                    item["bands"], self.key_line("bands", line), f"domain {domain_id!r}"
                )
            label = item.get("label", domain_id)
            domains.append(
                Domain(
                    id=domain_id,
                    label=str(label),
                    in_total=bool(item.get("in_total", True)),
                    bands=bands,
                )
            )
        return tuple(domains)

    def _inline_bands(self, raw: Any, line: int, what: str) -> tuple[Band, ...]:
        return self._bands(raw, [], what or "domain band", "level", NEED_LEVELS, line)

    def _bands(
        self,
        raw: Any,
        lines: list[int],
        what: str,
        level_key: str,
        levels: tuple[str, ...],
        fallback_line: int = 0,
    ) -> tuple[Band, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list) or not raw:
            self.problem(fallback_line, "", f"{what}s must be a list of tables.")
            return ()
        bands: list[tuple[Band, int]] = []
        for index, item in enumerate(raw):
            line = lines[index] if index < len(lines) else fallback_line
            if not isinstance(item, dict):
                self.problem(line, "", f"a {what} must be a table.")
                continue
            allowed = _THRESHOLD_KEYS if level_key == "risk_level" else _BAND_KEYS
            for key in sorted(set(item) - allowed):
                self.problem(
                    self.key_line(key, line) if lines else line, "", f"unknown key {key!r}."
                )
            low, high, level = item.get("min"), item.get("max", None), item.get(level_key)
            if not isinstance(low, int) or isinstance(low, bool):
                self.problem(line, "", f"a {what} needs a whole-number 'min'.")
                continue
            if high is not None and (not isinstance(high, int) or isinstance(high, bool)):
                self.problem(line, "", f"a {what}'s 'max' must be a whole number.")
                continue
            if high is not None and high < low:
                self.problem(line, "", f"a {what} has 'max' {high} below 'min' {low}.")
                continue
            if level not in levels:
                self.problem(
                    line, "", f"a {what} needs a {level_key!r}: one of {', '.join(levels)}."
                )
                continue
            bands.append((Band(low, high, level, str(item.get("text", "")).strip()), line))
        bands.sort(key=lambda pair: pair[0].min)
        for (before, _), (after, line) in zip(bands, bands[1:], strict=False):
            if before.max is None or after.min <= before.max:
                self.problem(
                    line,
                    "",
                    f"{what}s overlap: {_range(before)} and {_range(after)}.",
                )
            elif after.min > before.max + 1:
                self.problem(
                    line,
                    "",
                    f"{what}s leave a gap: no {level_key} for scores "
                    f"{before.max + 1} to {after.min - 1}.",
                )
        if bands and bands[0][0].min > 0:
            self.problem(
                bands[0][1],
                "",
                f"{what}s leave a gap: no {level_key} for scores below {bands[0][0].min}.",
            )
        if bands and bands[-1][0].max is not None:
            self.problem(
                bands[-1][1],
                "",
                f"the last {what} needs no 'max' (open-ended), so that every score has a "
                f"{level_key}.",
            )
        return tuple(band for band, _ in bands)

    def _flags(self, raw: Any) -> tuple[FlagRule, ...]:
        if not isinstance(raw, list):
            self.problem(self._table_line("flags"), "", "'flags' must be [[flags]] tables.")
            return ()
        rules: list[FlagRule] = []
        seen: set[str] = set()
        for index, item in enumerate(raw):
            line = self.flag_lines[index] if index < len(self.flag_lines) else 0
            if not isinstance(item, dict):
                self.problem(line, "", "a flag must be a table.")
                continue
            for key in sorted(set(item) - _FLAG_KEYS):
                self.problem(self.key_line(key, line), "", f"unknown key {key!r} in a flag.")
            flag_id = item.get("id")
            if not isinstance(flag_id, str) or not _ID.fullmatch(flag_id):
                self.problem(line, "", "a flag needs an 'id' (lower-case letters, digits, _).")
                continue
            if flag_id in seen:
                self.problem(line, "", f"flag id {flag_id!r} is used twice.")
                continue
            seen.add(flag_id)
            level = item.get("min_risk_level", "low")
            if level not in RISK_LEVELS:
                self.problem(
                    self.key_line("min_risk_level", line),
                    "",
                    f"flag {flag_id!r}: 'min_risk_level' must be one of {', '.join(RISK_LEVELS)}.",
                )
                level = "low"
            all_of = item.get("all_of", [])
            if not isinstance(all_of, list) or not all(isinstance(x, str) for x in all_of):
                self.problem(
                    self.key_line("all_of", line), "", f"flag {flag_id!r}: 'all_of' lists flag ids."
                )
                all_of = []
            rules.append(
                FlagRule(
                    id=flag_id,
                    label=str(item.get("label", flag_id)),
                    min_risk_level=level,
                    all_of=tuple(all_of),
                    text=str(item.get("text", "")).strip(),
                )
            )
        known = {rule.id for rule in rules}
        for index, rule in enumerate(rules):
            for other in rule.all_of:
                if other not in known or other == rule.id:
                    line = self.flag_lines[index] if index < len(self.flag_lines) else 0
                    self.problem(
                        self.key_line("all_of", line),
                        "",
                        f"flag {rule.id!r}: 'all_of' names {other!r}, which is not another "
                        "declared flag.",
                    )
        return tuple(rules)

    def _questions(
        self, raw: Any, domains: tuple[Domain, ...], flags: tuple[FlagRule, ...]
    ) -> tuple[Question, ...]:
        if not isinstance(raw, list) or not raw:
            self.problem(0, "", "the instrument has no [[questions]].")
            return ()
        domain_ids = {domain.id for domain in domains}
        questions: list[Question] = []
        seen: dict[str, Question] = {}
        all_ids = [item.get("id") for item in raw if isinstance(item, dict)]
        for index, item in enumerate(raw):
            line = self.question_lines[index] if index < len(self.question_lines) else 0
            question = self._question(item, line, seen, all_ids, domain_ids)
            if question is None:
                continue
            seen[question.id] = question
            questions.append(question)
        return tuple(questions)

    def _question(
        self,
        item: Any,
        line: int,
        seen: Mapping[str, Question],
        all_ids: list[Any],
        domain_ids: set[str],
    ) -> Question | None:
        if not isinstance(item, dict):
            self.problem(line, "", "a question must be a table.")
            return None
        qid = item.get("id")
        if not isinstance(qid, str) or not _ID.fullmatch(qid):
            self.problem(line, "", "a question needs an 'id' (lower-case letters, digits, _).")
            return None
        problems_before = len(self.problems)

        def bad(key: str, message: str, contains: str = "") -> None:
            self.problem(self.key_line(key, line, contains) if key else line, qid, message)

        if qid in seen:
            bad("id", f"question id {qid!r} is used twice (first at line {seen[qid].line}).")
            return None
        for key in sorted(set(item) - _QUESTION_KEYS):
            bad(key, f"unknown key {key!r}.")
        qtype = item.get("type")
        if qtype not in QUESTION_TYPES:
            bad("type", f"'type' must be one of {', '.join(QUESTION_TYPES)}.")
            return None
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            bad("text", "'text' is needed (the question as asked).")
        for key in ("help",):
            if key in item and not isinstance(item[key], str):
                bad(key, f"{key!r} must be text.")
        for key in ("required", "scored", "in_total"):
            if key in item and not isinstance(item[key], bool):
                bad(key, f"{key!r} must be true or false.")
        domain = item.get("domain", "")
        if domain and domain not in domain_ids:
            bad("domain", f"domain {domain!r} is not declared in [[domains]].")
            domain = ""
        scored = bool(item.get("scored", qtype in SCORED_TYPES))
        if scored and qtype not in SCORED_TYPES:
            bad("scored", f"a {qtype} question cannot be scored.")
            scored = False

        options: list[Option] = []
        if qtype == "choice":
            raw_options = item.get("options")
            if not isinstance(raw_options, list) or len(raw_options) < 2:
                bad("options", "a choice question needs at least two 'options'.")
            else:
                values: set[str] = set()
                for raw_option in raw_options:
                    option = self._option(raw_option, qid, line, scored)
                    if option is None:
                        continue
                    if option.value in values:
                        bad("value", f"option value {option.value!r} is used twice.", option.value)
                    values.add(option.value)
                    options.append(option)
        elif "options" in item:
            bad("options", f"a {qtype} question has no 'options'.")

        low: Any = item.get("min")
        high: Any = item.get("max")
        labels: dict[int, str] = {}
        if qtype == "scale":
            if not (_is_int(low) and _is_int(high)) or high <= low:
                bad("min", "a scale needs whole-number 'min' and 'max', with max above min.")
                low, high = 0, 0
            raw_labels = item.get("labels", {})
            if isinstance(raw_labels, list):
                raw_labels = {str(low + i): label for i, label in enumerate(raw_labels)}
            if not isinstance(raw_labels, dict):
                bad("labels", "'labels' is a list, or a table from value to label.")
                raw_labels = {}
            for key, label in raw_labels.items():
                try:
                    number = int(key)
                except ValueError:
                    number = low - 1
                if not low <= number <= high:
                    bad("labels", f"label for {key!r} is outside the scale {low} to {high}.")
                    continue
                labels[number] = str(label)
        elif qtype == "number":
            for key, value in (("min", low), ("max", high)):
                if value is not None and not _is_number(value):
                    bad(key, f"{key!r} must be a number.")
            if _is_number(low) and _is_number(high) and high < low:
                bad("max", "'max' is below 'min'.")
        else:
            for key in ("min", "max", "labels"):
                if key in item:
                    bad(key, f"a {qtype} question has no {key!r}.")
        if qtype != "yes_no":
            for key in ("yes_score", "no_score"):
                if key in item:
                    bad(key, f"{key!r} is only for yes_no questions.")
        for key in ("yes_score", "no_score"):
            if key in item and not _is_int(item[key]):
                bad(key, f"{key!r} must be a whole number.")
        max_length = item.get("max_length")
        if max_length is not None and (qtype != "text" or not _is_int(max_length)):
            bad("max_length", "'max_length' is a whole number, for text questions only.")
            max_length = None

        show_if = self._show_if(item.get("show_if"), qid, line, seen, all_ids)

        flag = item.get("flag", "")
        flag_if: tuple[Any, ...] = ()
        flag_min = item.get("flag_min")
        if flag:
            if not isinstance(flag, str) or flag not in self._flag_ids():
                bad("flag", f"flag {flag!r} is not declared in [[flags]].")
            raw_if = item.get("flag_if")
            if qtype == "yes_no":
                flag_if = tuple(
                    _as_yes_no(v) for v in (raw_if if isinstance(raw_if, list) else [True])
                )
                if None in flag_if:
                    bad("flag_if", "'flag_if' for a yes_no question lists true and/or false.")
            elif qtype == "choice":
                if not isinstance(raw_if, list) or not raw_if:
                    bad("flag_if", "a choice question's flag needs 'flag_if' (option values).")
                else:
                    flag_if = tuple(str(v) for v in raw_if)
                    for value in flag_if:
                        if options and value not in {o.value for o in options}:
                            bad("flag_if", f"'flag_if' names {value!r}, which is not an option.")
            elif qtype in ("scale", "number"):
                if not _is_number(flag_min):
                    bad("flag", f"a {qtype} question's flag needs a number 'flag_min'.")
            else:
                bad("flag", f"a {qtype} question cannot raise a flag.")
        elif "flag_if" in item or "flag_min" in item:
            bad("flag_if" if "flag_if" in item else "flag_min", "there is no 'flag' to raise.")
        for option in options:
            if option.flag and option.flag not in self._flag_ids():
                bad(
                    "flag",
                    f"option {option.value!r} raises {option.flag!r}, which is not declared "
                    "in [[flags]].",
                    option.flag,
                )
        if len(self.problems) > problems_before:
            return None
        return Question(
            id=qid,
            text=str(text).strip(),
            type=qtype,
            help=str(item.get("help", "")).strip(),
            required=bool(item.get("required", False)),
            domain=str(domain),
            scored=scored,
            options=tuple(options),
            yes_score=int(item.get("yes_score", 1)),
            no_score=int(item.get("no_score", 0)),
            min=low,
            max=high,
            labels=labels,
            max_length=max_length,
            show_if=show_if,
            flag=str(flag),
            flag_if=flag_if,
            flag_min=flag_min,
            line=line,
        )

    def _flag_ids(self) -> set[str]:
        return self.declared_flags

    def _option(self, raw: Any, qid: str, line: int, scored: bool) -> Option | None:
        if not isinstance(raw, dict):
            self.problem(self.key_line("options", line), qid, "each option must be a table.")
            return None
        value = raw.get("value")
        if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
            self.problem(self.key_line("options", line), qid, "each option needs a 'value'.")
            return None
        value = str(value)
        where = self.text_line(f'"{value}"', line)
        for key in sorted(set(raw) - _OPTION_KEYS):
            self.problem(where, qid, f"option {value!r}: unknown key {key!r}.")
        score = raw.get("score")
        if score is not None and not _is_int(score):
            self.problem(where, qid, f"option {value!r}: 'score' must be a whole number.")
            return None
        if scored and score is None:
            self.problem(
                where,
                qid,
                f"option {value!r} has no 'score' (the question is scored; "
                "say scored = false if it is not).",
            )
            return None
        label = raw.get("label", value)
        flag = raw.get("flag", "")
        return Option(value=value, label=str(label), score=score, flag=str(flag))

    def _show_if(
        self,
        raw: Any,
        qid: str,
        line: int,
        seen: Mapping[str, Question],
        all_ids: list[Any],
    ) -> ShowIf | None:
        if raw is None:
            return None
        where = self.key_line("show_if", line)
        if not isinstance(raw, dict):
            self.problem(where, qid, "'show_if' is a table: { question = ..., value(s) = ... }.")
            return None
        for key in sorted(set(raw) - _SHOW_IF_KEYS):
            self.problem(where, qid, f"'show_if': unknown key {key!r}.")
        target = raw.get("question")
        if target not in seen:
            if target == qid:
                message = "'show_if' points at the question itself."
            elif target in all_ids:
                message = f"'show_if' points at {target!r}, which comes later; it must come first."
            else:
                message = f"'show_if' points at {target!r}, which is not a question here."
            self.problem(where, qid, message)
            return None
        if ("value" in raw) == ("values" in raw):
            self.problem(where, qid, "'show_if' needs 'value' or 'values' (one of them).")
            return None
        raw_values = raw["values"] if "values" in raw else [raw["value"]]
        if not isinstance(raw_values, list) or not raw_values:
            self.problem(where, qid, "'show_if' values must be a non-empty list.")
            return None
        other = seen[str(target)]
        values: list[Any] = []
        for value in raw_values:
            cleaned, problem = _clean(other, value)
            if problem or cleaned is None:
                self.problem(
                    where,
                    qid,
                    f"'show_if' value {value!r} is not a possible answer to {target!r}.",
                )
                return None
            values.append(cleaned)
        return ShowIf(question=str(target), values=tuple(values))

    def _check_raised_flags(
        self, questions: tuple[Question, ...], flags: tuple[FlagRule, ...]
    ) -> None:
        raised = {question.flag for question in questions if question.flag} | {
            option.flag for question in questions for option in question.options if option.flag
        }
        for index, rule in enumerate(flags):
            if not rule.all_of and rule.id not in raised:
                line = self.flag_lines[index] if index < len(self.flag_lines) else 0
                self.problem(
                    line,
                    "",
                    f"flag {rule.id!r} is raised by no question and has no 'all_of'.",
                )


def _range(band: Band) -> str:
    return f"{band.min} to {band.max}" if band.max is not None else f"{band.min} and above"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --- scoring ---------------------------------------------------------------------------------


def _as_yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
    return None


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(question: Question, value: Any) -> tuple[Any, str]:
    """An answer as the instrument understands it, or a message saying why it cannot be used."""
    kind = question.type
    if kind == "yes_no":
        answer = _as_yes_no(value)
        return (answer, "") if answer is not None else (None, "the answer must be yes or no.")
    if kind == "choice":
        if isinstance(value, str | int) and not isinstance(value, bool):
            option = question.option(str(value).strip())
            if option is not None:
                return option.value, ""
        choices = ", ".join(option.value for option in question.options)
        return None, f"the answer must be one of: {choices}."
    if kind in ("scale", "number"):
        number: float | None = None
        if _is_number(value):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                number = None
        if number is None or number != number or number in (float("inf"), float("-inf")):
            return None, "the answer must be a number."
        if kind == "scale" and not number.is_integer():
            return None, "the answer must be a whole number on the scale."
        low, high = question.min, question.max
        if (low is not None and number < low) or (high is not None and number > high):
            lo = "" if low is None else f"{low:g}"
            hi = "" if high is None else f"{high:g}"
            return None, f"the answer must be between {lo or 'any'} and {hi or 'any'}."
        return (int(number) if number.is_integer() else number), ""
    if kind == "text":
        if not isinstance(value, str):
            return None, "the answer must be text."
        if question.max_length is not None and len(value) > question.max_length:
            return None, f"the answer is longer than {question.max_length} characters."
        return value.strip(), ""
    if kind == "date":
        if isinstance(value, datetime):
            return value.date(), ""
        if isinstance(value, date):
            return value, ""
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip()), ""
            except ValueError:
                pass
        return None, "the answer must be a date (YYYY-MM-DD)."
    return None, "this question cannot be answered."  # pragma: no cover - types are checked


@dataclass
class _Cleaned:
    values: dict[str, Any]
    visible: set[str]


def _clean_answers(
    instrument: Instrument, answers: Mapping[str, Any]
) -> tuple[_Cleaned, list[AnswerProblem]]:
    cleaned = _Cleaned({}, set())
    problems: list[AnswerProblem] = []
    for question in instrument.questions:
        rule = question.show_if
        if rule is not None and (
            rule.question not in cleaned.visible
            or cleaned.values.get(rule.question) not in rule.values
        ):
            continue
        cleaned.visible.add(question.id)
        try:
            value = answers.get(question.id)
        except Exception:  # noqa: BLE001 - an odd mapping must not break scoring
            value = None
        if _is_blank(value):
            continue
        answer, message = _clean(question, value)
        if message:
            problems.append(AnswerProblem(question.id, f"{question.text} — {message}"))
            continue
        cleaned.values[question.id] = answer
    return cleaned, problems


def _question_score(question: Question, answer: Any) -> int:
    if not question.scored or answer is None:
        return 0
    if question.type == "yes_no":
        return question.yes_score if answer else question.no_score
    if question.type == "choice":
        option = question.option(answer)
        return (option.score or 0) if option else 0
    if question.type == "scale":
        return int(answer)
    return 0


def _question_flags(question: Question, answer: Any) -> list[str]:
    raised: list[str] = []
    if question.flag:
        if question.type in ("yes_no", "choice") and answer in question.flag_if:
            raised.append(question.flag)
        elif (
            question.type in ("scale", "number")
            and question.flag_min is not None
            and answer >= question.flag_min
        ):
            raised.append(question.flag)
    if question.type == "choice":
        option = question.option(answer)
        if option is not None and option.flag:
            raised.append(option.flag)
    return raised


def _band_for(bands: tuple[Band, ...], value: int) -> Band | None:
    for band in bands:
        if band.contains(value):
            return band
    return None


def score(instrument: Instrument, answers: Mapping[str, Any]) -> AssessmentResult:
    """Score a set of answers (question id -> answer). Never raises on bad answers.

    Answers to questions hidden by skip logic are ignored; an answer that cannot be used (wrong
    type, out of range, not an option) is listed in ``problems`` and counts as unanswered; the
    risk level is the threshold's for the total, raised to the minimum of every flag raised.
    """
    if not isinstance(answers, Mapping):
        answers = {}
    cleaned, problems = _clean_answers(instrument, answers)
    known = {question.id for question in instrument.questions}
    for key in answers:
        if key not in known:
            problems.append(AnswerProblem(str(key), f"{key!r} is not a question of this form."))
    counted = {domain.id for domain in instrument.domains if domain.in_total}
    total = 0
    domain_scores = {domain.id: 0 for domain in instrument.domains}
    domain_answered = {domain.id: 0 for domain in instrument.domains}
    raised_by: dict[str, list[str]] = {}
    missing: list[str] = []
    for question in instrument.questions:
        if question.id not in cleaned.visible:
            continue
        answer = cleaned.values.get(question.id)
        if answer is None:
            if question.required:
                missing.append(question.id)
            continue
        points = _question_score(question, answer)
        if question.domain:
            domain_scores[question.domain] += points
            domain_answered[question.domain] += 1
        if not question.domain or question.domain in counted:
            total += points
        for flag in _question_flags(question, answer):
            raised_by.setdefault(flag, []).append(question.id)
    # flags made of other flags, until nothing changes (they may build on each other)
    changed = True
    while changed:
        changed = False
        for rule in instrument.flags:
            if (
                rule.all_of
                and rule.id not in raised_by
                and all(f in raised_by for f in rule.all_of)
            ):
                sources = sorted({q for f in rule.all_of for q in raised_by[f]})
                raised_by[rule.id] = sources
                changed = True
    flags = tuple(
        RaisedFlag(
            id=rule.id,
            label=rule.label,
            min_risk_level=rule.min_risk_level,
            text=rule.text,
            questions=tuple(raised_by[rule.id]),
        )
        for rule in instrument.flags
        if rule.id in raised_by
    )
    band = _band_for(instrument.thresholds, total)
    risk = band.level if band else RISK_LEVELS[0]
    for raised in flags:
        risk = risk_at_least(risk, raised.min_risk_level)
    domains: dict[str, DomainScore] = {}
    for domain in instrument.domains:
        value = domain_scores[domain.id]
        answered = domain_answered[domain.id]
        # a domain with nothing answered has no level: "none" would claim there is no need
        level_band = _band_for(domain.bands, value) if domain.bands and answered else None
        domains[domain.id] = DomainScore(
            id=domain.id,
            label=domain.label,
            score=value,
            max_score=sum(q.max_score for q in instrument.questions if q.domain == domain.id),
            level=level_band.level if level_band else "",
            text=level_band.text if level_band else "",
            answered=answered,
            in_total=domain.in_total,
        )
    result_problems = tuple(problems)
    summary = _summary(instrument, total, risk, band, flags, domains, missing, result_problems)
    return AssessmentResult(
        instrument=instrument.code,
        version=instrument.version,
        total=total,
        max_total=instrument.max_total,
        risk_level=risk,
        threshold_text=band.text if band else "",
        domains=domains,
        flags=flags,
        missing=tuple(missing),
        problems=result_problems,
        answers=dict(cleaned.values),
        summary=summary,
    )


def _summary(
    instrument: Instrument,
    total: int,
    risk: str,
    band: Band | None,
    flags: tuple[RaisedFlag, ...],
    domains: Mapping[str, DomainScore],
    missing: list[str],
    problems: tuple[AnswerProblem, ...],
) -> str:
    parts = [f"{instrument.title}: risk level {risk} (score {total} of {instrument.max_total})."]
    if band and band.level != risk:
        raising = [f.label for f in flags if f.min_risk_level == risk]
        parts.append(f"Raised from {band.level} by: {'; '.join(raising)}.")
    elif flags:
        parts.append(f"Flags: {'; '.join(flag.label for flag in flags)}.")
    needs = [f"{d.label} ({d.level})" for d in domains.values() if d.level not in ("", "none")]
    if needs:
        parts.append(f"Needs: {', '.join(needs)}.")
    if missing:
        parts.append(
            f"{len(missing)} required question{'s' if len(missing) != 1 else ''} unanswered."
        )
    if problems:
        parts.append(
            f"{len(problems)} answer{'s' if len(problems) != 1 else ''} could not be used."
        )
    if band and band.text:
        parts.append(band.text)
    for flag in flags:
        if flag.text:
            parts.append(flag.text)
    return " ".join(parts)
