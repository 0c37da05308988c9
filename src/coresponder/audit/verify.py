"""Verify the audit chain straight from the database with a raw cursor."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.db import connection

from coresponder.audit import chain, triggers

_BATCH = 20_000


def _rows() -> Iterator[tuple[tuple[Any, ...], str]]:
    columns = ", ".join((*chain.SIGNED_FIELDS, "mac"))
    # A server-side cursor on PostgreSQL, so memory stays flat however long the log is.
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM audit_auditevent ORDER BY seq")  # noqa: S608
        while batch := cursor.fetchmany(_BATCH):
            for row in batch:
                yield tuple(row[:-1]), row[-1]


def verify_chain(checkpoint: tuple[int, str] | None = None) -> chain.VerifyResult:
    """Check triggers, then every row's MAC and sequence, then the checkpoint if given."""
    absent = triggers.missing(connection)
    result = chain.verify_rows(settings.AUDIT_HMAC_KEY.encode(), _rows(), checkpoint)
    if not absent:
        return result
    missing = "append-only triggers missing: " + ", ".join(absent)
    return replace(result, problem=f"{result.problem}; {missing}" if result.problem else missing)


def chain_head() -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, mac FROM audit_auditevent ORDER BY seq DESC LIMIT 1")
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else (0, chain.GENESIS_MAC)


def parse_checkpoint(text: str) -> tuple[int, str]:
    """A checkpoint is ``SEQ:MAC`` as printed by `coresponder audit checkpoint`."""
    seq, _, mac = text.strip().partition(":")
    if not seq.isdigit() or len(mac) != 64 or any(c not in "0123456789abcdef" for c in mac):
        raise ValueError("a checkpoint looks like 1234:<64 hex digits>")
    return int(seq), mac
