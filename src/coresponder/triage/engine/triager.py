"""One call in, one decision out: the classifier and the response policy put together.

Used the same way by the live feed, file imports, ``coresponder triage run`` (no database)
and the backtest, so that a decision never depends on the road the call came in by.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from coresponder.triage.engine.classifier import CallTypeClassifier, Classification
from coresponder.triage.engine.cues import Cue, find_cues, present_among, present_cues
from coresponder.triage.engine.policy import (
    Classified,
    Decision,
    Policy,
    TriageInput,
    load_policy,
)
from coresponder.triage.engine.taxonomy import CATEGORIES

_BH_CUES = ("mental_health", "suicide", "intoxication")


@dataclass(frozen=True)
class CallFacts:
    """What a CAD system knows about a call, in the canonical shape."""

    initial_type_code: str = ""
    initial_type_text: str = ""
    final_type_code: str = ""
    final_type_text: str = ""
    disposition_text: str = ""
    priority: str = ""
    flags: Mapping[str, bool] = field(default_factory=dict)
    narrative: str = ""
    local_time: datetime | None = None
    area: str = ""
    capacity_available: bool | None = None
    program_open: bool | None = None  # known already (bulk runs); None: from local_time
    in_service_area: bool | None = None  # known already; None: from area
    narrative_cues: tuple[Cue, ...] | None = None  # found already (bulk runs); None: found here


@dataclass(frozen=True)
class Triaged:
    decision: Decision
    call_type: str  # the string that was classified
    call_type_key: str
    classification: Classification
    hidden_behavioural_health: tuple[str, ...]  # evidence; empty when nothing was hidden


def hidden_reason(evidence: tuple[str, ...]) -> dict[str, Any]:
    """The reason added to a decision whose call hid a behavioural-health need."""
    return {
        "rule": "hidden-behavioural-health",
        "text": "A behavioural-health need the dispatch type did not show",
        "evidence": list(evidence),
    }


def call_type_string(code: str, text: str) -> str:
    """The call type as dispatched: its description, or its code when it has none. Agencies'
    own codes (``WELCK``, ``415N``) say less than their descriptions and can mislead."""
    return text.strip() or code.strip()


def classified(result: Classification) -> Classified:
    """The classifier's answer with what the taxonomy says about its category."""
    category = CATEGORIES.get(result.category) or CATEGORIES["unknown"]
    return Classified(
        category=category.code,
        confidence=result.confidence,
        evidence=result.evidence,
        modifiers=result.modifiers,
        behavioural_health=category.behavioural_health,
        vera_category=category.vera or "",
    )


class Triager:
    def __init__(
        self,
        policy: Policy | None = None,
        overrides: Mapping[str, str] | None = None,
    ) -> None:
        self.policy = policy or load_policy()
        self.classifier = CallTypeClassifier(overrides or {})

    def classify(self, code: str, text: str) -> tuple[str, Classification]:
        call_type = call_type_string(code, text)
        return call_type, self.classifier.classify(call_type)

    def triage(self, call: CallFacts, *, with_hidden: bool = True) -> Triaged:
        """Decide on the type the call was dispatched under (the initial one), as a
        dispatcher would have; the final type only when there was no initial one."""
        call_type, result = self.classify(call.initial_type_code, call.initial_type_text)
        if not call_type:
            call_type, result = self.classify(call.final_type_code, call.final_type_text)
        decision = self.policy.decide(
            TriageInput(
                classified=classified(result),
                flags=call.flags,
                priority=call.priority,
                narrative=call.narrative,
                local_time=call.local_time,
                area=call.area,
                capacity_available=call.capacity_available,
                program_open=call.program_open,
                in_service_area=call.in_service_area,
                cues=self._cues(call),
            )
        )
        hidden = (
            self.hidden_evidence(call) if with_hidden and not decision.behavioural_health else ()
        )
        return Triaged(decision, call_type, result.key, result, hidden)

    def triage_many(self, calls: Iterable[CallFacts]) -> list[Triaged]:
        """Triage a batch, deciding each distinct situation once: calls of a batch repeat
        their types, flags and (mostly empty) narratives, and the program's hours and area
        come down to two booleans."""
        program = self.policy.program
        memo: dict[tuple[object, ...], Triaged] = {}
        results = []
        for call in calls:
            if call.program_open is None:
                call = replace(call, program_open=program.is_open(call.local_time))
            if call.in_service_area is None:
                call = replace(call, in_service_area=program.serves(call.area))
            key = (
                call.initial_type_code, call.initial_type_text, call.final_type_code,
                call.final_type_text, call.disposition_text, call.priority,
                frozenset(name for name, on in call.flags.items() if on), call.narrative,
                call.program_open, call.in_service_area, call.capacity_available,
            )  # fmt: skip
            found = memo.get(key)
            if found is None:
                found = memo[key] = self.triage(call)
            results.append(found)
        return results

    @staticmethod
    def _cues(call: CallFacts) -> tuple[Cue, ...]:
        if call.narrative_cues is not None:
            return call.narrative_cues
        return find_cues(call.narrative)

    def hidden_evidence(self, call: CallFacts) -> tuple[str, ...]:
        """Evidence of a behavioural-health need in what was learnt after dispatch (the final
        type, the disposition, the narrative). It counts as hidden when the decision, made on
        the dispatch type, was not a behavioural-health one."""
        evidence = []
        final_type = call_type_string(call.final_type_code, call.final_type_text)
        if final_type:
            final = classified(self.classifier.classify(final_type))
            if final.behavioural_health:
                evidence.append(f"final type {final_type!r} is {final.category}")
        disposition = present_cues(call.disposition_text)
        narrative = present_among(self._cues(call))
        for source, cues in (("disposition", disposition), ("narrative", narrative)):
            for name in _BH_CUES:
                if name in cues:
                    evidence.append(
                        f"{source} mentions {name.replace('_', ' ')} ({cues[name].text!r})"
                    )
                    break
        return tuple(evidence)
