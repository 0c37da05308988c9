"""A file import's calls are decided column-wise (``_triage_in_bulk``): every decision must be
the one ``Triager.triage`` gives for that call, written once per call and updated in place."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from django.db import connection

from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.calls.engine.profile import load_profile
from coresponder.calls.engine.synthetic import generate_calls
from coresponder.calls.models import Call
from coresponder.calls.services import calls_import_file
from coresponder.triage import services
from coresponder.triage.engine.triager import hidden_reason
from coresponder.triage.models import CallTypeReview, TriageDecision
from tests.conftest import Personas

CALLS = 1_500


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic calls, some without an initial type (decided on the final one) and some of a
    type no classifier knows (for the review queue)."""
    path = tmp_path_factory.mktemp("triage-import") / "calls.csv"
    generate_calls(path, calls=CALLS, seed=7)
    frame = pl.read_csv(path, infer_schema=False)
    position = pl.int_range(pl.len())
    frame = frame.with_columns(
        pl.when(position % 17 == 0).then(pl.lit("")).otherwise(pl.col(name)).alias(name)
        for name in ("initial_type_code", "initial_type_text")
    ).with_columns(
        pl.when(position % 29 == 0)
        .then(pl.lit("ZZQX BLORP"))
        .otherwise(pl.col("initial_type_text"))
        .alias("initial_type_text")
    )
    frame.write_csv(path)
    return path


def _import(personas: Personas, path: Path) -> None:
    profile = load_profile("coresponder-canonical")
    summary = calls_import_file(actor=None, agency=personas.agency, path=path, profile=profile)
    assert summary.counts.rejected == 0


def _expected(personas: Personas) -> dict[int, dict[str, object]]:
    """What Triager.triage gives for each stored call, one call at a time."""
    triager = services.triager_for(personas.agency)
    zone = ZoneInfo(personas.agency.time_zone)
    expected = {}
    calls = Call.objects.filter(agency=personas.agency)
    for rows in services.call_fact_batches(calls, 500):
        for row in rows:
            triaged = triager.triage(services.facts_of(row, zone))
            decision = triaged.decision
            reasons = [reason.as_dict() for reason in decision.reasons]
            if triaged.hidden_behavioural_health:
                reasons.append(hidden_reason(triaged.hidden_behavioural_health))
            expected[row["pk"]] = {
                "received_at": row["received_at"],
                "call_type_key": triaged.call_type_key,
                "category": decision.category,
                "vera_category": decision.vera_category,
                "behavioural_health": decision.behavioural_health,
                "hidden_behavioural_health": bool(triaged.hidden_behavioural_health),
                "mode": decision.mode,
                "eligible": decision.eligible,
                "confidence": decision.confidence,
                "rule": decision.rule,
                "reasons": json.loads(json.dumps(reasons)),
                "flags": sorted(decision.flags),
                "policy_version": decision.policy_version,
                "call_content_hash": row["content_hash"],
            }
    return expected


def _stored(personas: Personas) -> dict[int, dict[str, object]]:
    return {
        row["call_id"]: row
        for row in TriageDecision.objects.filter(agency=personas.agency).values()
    }


def _assert_decided_as_the_engine(personas: Personas) -> None:
    expected, stored = _expected(personas), _stored(personas)
    assert set(stored) == set(expected)
    for call_id, values in expected.items():
        got = {name: stored[call_id][name] for name in values}
        assert got == values, call_id


def test_an_imported_file_is_decided_call_by_call_as_the_engine_decides(
    personas: Personas, export: Path
) -> None:
    _import(personas, export)
    _assert_decided_as_the_engine(personas)
    decided = AuditEvent.objects.filter(action=AuditAction.TRIAGE_DECIDED).latest("seq")
    assert decided.data["decided"] == CALLS
    assert sum(v for k, v in decided.data.items() if k.startswith("mode_")) == CALLS
    review = CallTypeReview.objects.get(agency=personas.agency, key="ZZQX BLORP")
    assert review.calls_seen == len(range(0, CALLS, 29))


def test_a_later_version_updates_its_decision_in_place_and_is_not_counted_again(
    personas: Personas, export: Path, tmp_path: Path
) -> None:
    _import(personas, export)
    before = {row["call_id"]: row["id"] for row in _stored(personas).values()}
    review = CallTypeReview.objects.get(agency=personas.agency, key="ZZQX BLORP")
    seen = review.calls_seen
    # Every call again, later, with a weapon in its narrative: a new version of each.
    frame = pl.read_csv(export, infer_schema=False).with_columns(
        pl.lit("man with a gun").alias("narrative"),
        pl.lit("2026-01-15T00:00:00-06:00").alias("cleared_at"),  # after every call of 2025
    )
    later = tmp_path / "later.csv"
    frame.write_csv(later)
    _import(personas, later)
    _assert_decided_as_the_engine(personas)
    after = _stored(personas)
    assert {row["call_id"]: row["id"] for row in after.values()} == before
    assert {row["rule"] for row in after.values()} == {"gate-weapon"}
    review.refresh_from_db()
    assert review.calls_seen == seen


def test_chunks_are_decided_as_they_are_written_and_a_resumed_import_decides_the_rest(
    personas: Personas, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coresponder.calls import services as calls_services

    real, applied = calls_services._apply_chunk, {"n": 0}

    def killed_on_third(*args: object, **kwargs: object) -> object:
        applied["n"] += 1
        if applied["n"] == 3:
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    profile = load_profile("coresponder-canonical")
    monkeypatch.setattr(calls_services, "_apply_chunk", killed_on_third)
    with pytest.raises(KeyboardInterrupt):
        calls_import_file(
            actor=None, agency=personas.agency, path=export, profile=profile, chunk_rows=500
        )
    # On PostgreSQL the two chunks kept were decided in their own transactions, before any
    # import closed; on SQLite a file's calls are decided once its import closes.
    assert Call.objects.count() == 1_000
    decided = 1_000 if connection.vendor == "postgresql" else 0
    assert TriageDecision.objects.count() == decided
    monkeypatch.setattr(calls_services, "_apply_chunk", real)
    calls_import_file(
        actor=None, agency=personas.agency, path=export, profile=profile, chunk_rows=500
    )
    _assert_decided_as_the_engine(personas)
    review = CallTypeReview.objects.get(agency=personas.agency, key="ZZQX BLORP")
    assert review.calls_seen == len(range(0, CALLS, 29))
