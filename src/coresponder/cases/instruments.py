"""The assessment instruments in use: those that ship with coresponder and any an agency adds
(its licensed instruments, as TOML files in COREPONDER_INSTRUMENTS_DIR; docs/assessments.md)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from coresponder.cases.engine.assessments import (
    Instrument,
    load_instruments_dir,
    shipped_instruments,
)


@lru_cache(maxsize=1)
def instruments() -> dict[str, Instrument]:
    found = dict(shipped_instruments())
    if settings.INSTRUMENTS_DIR:
        found.update(load_instruments_dir(settings.INSTRUMENTS_DIR))
    return found


def instrument_named(code: str) -> Instrument | None:
    return instruments().get(code)
