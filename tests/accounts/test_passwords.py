"""Password rules: 12+ characters, long passphrases welcome, common and agency words refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from coresponder.accounts.services import AccountError, user_create
from tests.conftest import Personas


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short pass", "at least 12"),
        ("password1234", "too common"),
        ("testville-is-great-2024", "testville"),
        ("x" * 257, "at most 256"),
    ],
)
def test_it_refuses_weak_passwords_with_a_reason(
    personas: Personas, password: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as error:
        user_create(actor=None, agency=personas.agency, username="newbie", password=password)
    assert reason in " ".join(error.value.messages).lower()


def test_it_accepts_a_long_passphrase_with_any_characters(personas: Personas) -> None:
    phrase = "Quiet river, 7 herons & a kettle — café ünïcode " * 2
    user = user_create(actor=None, agency=personas.agency, username="newbie", password=phrase)
    assert user.check_password(phrase)


def test_it_refuses_a_duplicate_username_whatever_the_case(personas: Personas) -> None:
    with pytest.raises(AccountError, match="taken"):
        user_create(
            actor=None,
            agency=personas.agency,
            username="WORKER_A",
            password="a fine long passphrase",
        )


def test_it_has_no_composition_rules(personas: Personas) -> None:
    validate_password("all lower case words here", None)
