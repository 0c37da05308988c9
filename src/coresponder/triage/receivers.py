"""Triage listens to the calls domain: each batch of calls written is triaged at once."""

from __future__ import annotations

from typing import Any


def triage_written_calls(sender: Any, *, agency: Any, batch: Any, **_: Any) -> None:
    from coresponder.triage.services import calls_triage_batch

    calls_triage_batch(agency=agency, batch=batch)


def triage_chunk_calls(sender: Any, *, agency: Any, batch: Any, calls: Any, **_: Any) -> None:
    from coresponder.triage.services import calls_triage_chunk

    calls_triage_chunk(agency=agency, batch=batch, calls=calls)
