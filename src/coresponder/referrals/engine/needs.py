"""coresponder's needs codes, mapped to what HSDS directories say about a service.

A service meets a need when one of its taxonomy terms (through ``attribute`` records; the
term's name or code) contains one of the need's terms, or when its name, alternate name,
description or eligibility description contains one of the need's keywords (whole words,
case-insensitive). Terms cover Open Eligibility / 211 style names; keywords catch directories
that are not categorised at all. Keep docs/referrals-directory.md in step with this table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Service


@dataclass(frozen=True)
class NeedRule:
    terms: tuple[str, ...]
    keywords: tuple[str, ...]


NEEDS: dict[str, NeedRule] = {
    "mental_health": NeedRule(
        terms=("mental health", "behavioral health", "counseling", "crisis intervention"),
        keywords=(
            "mental health",
            "counseling",
            "counselling",
            "crisis",
            "psychiatric",
            "therapy",
            "behavioral health",
            "suicide",
        ),
    ),
    "substance_use": NeedRule(
        terms=("substance use", "substance abuse", "addiction", "detox"),
        keywords=(
            "substance use",
            "addiction",
            "detox",
            "recovery",
            "alcohol",
            "opioid",
            "naloxone",
            "sobering",
        ),
    ),
    "housing": NeedRule(
        terms=("housing", "shelter", "homeless"),
        keywords=("housing", "shelter", "homeless", "rent", "eviction", "rehousing"),
    ),
    "food": NeedRule(
        terms=("food", "meals", "nutrition"),
        keywords=("food", "meal", "meals", "pantry", "snap", "soup kitchen", "groceries"),
    ),
    "medical": NeedRule(
        terms=("health care", "medical", "primary care", "clinic"),
        keywords=(
            "medical",
            "clinic",
            "health care",
            "healthcare",
            "nurse",
            "doctor",
            "primary care",
        ),
    ),
    "income_benefits": NeedRule(
        terms=("income support", "benefits", "financial assistance", "employment"),
        keywords=(
            "benefits",
            "income",
            "financial assistance",
            "cash assistance",
            "ssi",
            "disability benefits",
            "employment",
            "job",
        ),
    ),
    "legal": NeedRule(
        terms=("legal", "advocacy"),
        keywords=("legal", "lawyer", "attorney", "court", "expungement"),
    ),
    "family": NeedRule(
        terms=("family", "parenting", "child care", "youth"),
        keywords=("family", "families", "parenting", "child care", "childcare", "youth"),
    ),
    "safety": NeedRule(
        terms=("domestic violence", "victim", "safety", "abuse"),
        keywords=(
            "domestic violence",
            "victim",
            "safety planning",
            "safe house",
            "abuse",
            "sexual assault",
            "trafficking",
        ),
    ),
}

_PATTERNS = {
    need: re.compile(r"\b(" + "|".join(re.escape(k) for k in rule.keywords) + r")\b", re.I)
    for need, rule in NEEDS.items()
}


def need_evidence(need: str, service: Service, term_names: Iterable[str]) -> str | None:
    """Why ``service`` meets ``need`` (a short phrase), or ``None`` when it does not."""
    for name in term_names:
        if any(term in name.casefold() for term in NEEDS[need].terms):
            return f"taxonomy term {name!r}"
    for field in ("name", "alternate_name", "description", "eligibility_description"):
        value = getattr(service, field)
        found = _PATTERNS[need].search(value) if value else None
        if found:
            return f"{found.group(0)!r} in its {field.replace('_', ' ')}"
    return None
