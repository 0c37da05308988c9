"""Password rules beyond Django's: a generous maximum and no agency-name words (CJIS IA-5)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

MAXIMUM_LENGTH = 256
_WORD = re.compile(r"[a-z]{4,}")
_PRODUCT_WORDS = {"coresponder", "password"}


class MaximumLengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > MAXIMUM_LENGTH:
            raise ValidationError(
                f"Use at most {MAXIMUM_LENGTH} characters.", code="password_too_long"
            )

    def get_help_text(self) -> str:
        return f"Up to {MAXIMUM_LENGTH} characters; any printable characters, spaces included."


class AgencyNameValidator:
    """Refuse passwords built on the agency's own name: the first words an attacker tries."""

    def validate(self, password: str, user: Any = None) -> None:
        words = set(_PRODUCT_WORDS)
        agency = getattr(user, "agency", None) if user is not None else None
        if agency is not None:
            words |= set(_WORD.findall(f"{agency.name} {agency.slug}".lower()))
        lowered = password.lower()
        found = sorted(word for word in words if word in lowered)
        if found:
            raise ValidationError(
                f"Do not build the password on the word {found[0]!r}: it is among the first "
                "an attacker tries.",
                code="password_agency_word",
            )

    def get_help_text(self) -> str:
        return "Not built on the agency's or the product's name."
