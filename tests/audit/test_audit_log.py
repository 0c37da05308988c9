"""The audit table in a real database: append-only triggers, chain verification, commands."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from django.db import DatabaseError, connection, transaction

from coresponder.audit import triggers
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.audit.services import AuditDataError, audit_record
from coresponder.audit.verify import chain_head, verify_chain
from coresponder.cli import main
from coresponder.core import context

pytestmark = pytest.mark.django_db


def _events(count: int) -> list[AuditEvent]:
    return [
        audit_record(
            actor=None, action=AuditAction.LOGOUT, object_type="t", object_id=str(n), data={"n": n}
        )
        for n in range(count)
    ]


def _raw(sql: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _tamper(sql: str, params: list[object] | None = None) -> None:
    """What an attacker with database access does: drop the triggers, change, put them back."""
    triggers.drop(connection)
    _raw(sql, params)
    triggers.install(connection)


def test_it_chains_events_with_gapless_sequence_numbers() -> None:
    events = _events(5)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    result = verify_chain()
    assert result.ok and result.checked == 5


def test_it_records_time_to_the_microsecond_and_the_request_context() -> None:
    token = context.activate(
        context.RequestContext(request_id="abc12345", client_ip="10.1.2.3", role="auditor")
    )
    try:
        event = audit_record(actor=None, action=AuditAction.LOGOUT)
    finally:
        context.deactivate(token)
    stored = AuditEvent.objects.get(seq=event.seq)
    assert (stored.request_id, stored.client_ip, stored.actor_role) == (
        "abc12345",
        "10.1.2.3",
        "auditor",
    )
    assert stored.at == event.at and stored.at.tzinfo is not None


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_auditevent SET reason = 'x'", "DELETE FROM audit_auditevent"]
)
def test_it_refuses_update_and_delete_in_the_database(statement: str) -> None:
    _events(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw(statement)
    assert AuditEvent.objects.count() == 2


def test_it_refuses_bulk_and_row_changes_in_the_orm() -> None:
    event = _events(1)[0]
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(reason="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        event.delete()
    event.reason = "changed"
    with pytest.raises(PermissionError):
        event.save()


def test_it_refuses_audit_data_that_cannot_round_trip() -> None:
    with pytest.raises(AuditDataError):
        audit_record(actor=None, action=AuditAction.LOGOUT, data={"nested": {"a": 1}})


def test_it_detects_an_edited_row() -> None:
    _events(5)
    _tamper("UPDATE audit_auditevent SET object_id = 'forged' WHERE seq = 3")
    assert verify_chain().broken_seq == 3


def test_it_detects_a_deleted_middle_row() -> None:
    _events(5)
    _tamper("DELETE FROM audit_auditevent WHERE seq = 2")
    assert verify_chain().broken_seq == 2


def test_it_detects_reordered_rows() -> None:
    _events(5)
    # Swap the whole signed content and MACs of rows 2 and 3, keeping the sequence column.
    columns = ["at", "action", "object_type", "object_id", "data", "mac"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seq, {', '.join(columns)} FROM audit_auditevent WHERE seq IN (2, 3)"
        )
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    triggers.drop(connection)
    assignments = ", ".join(f"{c} = %s" for c in columns)
    for seq, other in ((2, 3), (3, 2)):
        values = [json.dumps(v) if isinstance(v, dict) else v for v in rows[other]]
        _raw(f"UPDATE audit_auditevent SET {assignments} WHERE seq = %s", [*values, seq])
    triggers.install(connection)
    assert verify_chain().broken_seq == 2


def test_it_detects_a_deleted_tail_with_a_checkpoint() -> None:
    _events(6)
    checkpoint = chain_head()
    _tamper("DELETE FROM audit_auditevent WHERE seq > 4")
    assert verify_chain().ok
    result = verify_chain(checkpoint)
    assert not result.ok and "tail deleted" in result.problem


def test_it_detects_a_dropped_trigger() -> None:
    _events(2)
    triggers.drop(connection)
    result = verify_chain()
    assert not result.ok and "triggers missing" in result.problem


def test_it_reports_through_the_command_line() -> None:
    _events(3)
    runner = CliRunner()
    checkpoint = runner.invoke(main, ["audit", "checkpoint"])
    assert checkpoint.exit_code == 0
    head = checkpoint.output.strip()
    assert head.startswith("3:")
    ok = runner.invoke(main, ["audit", "verify", "--checkpoint", head])
    assert ok.exit_code == 0 and "OK: 4 events verified" in ok.output
    _tamper("DELETE FROM audit_auditevent WHERE seq >= 3")
    broken = runner.invoke(main, ["audit", "verify", "--checkpoint", head])
    assert broken.exit_code == 1 and "BROKEN" in broken.output
    bad = runner.invoke(main, ["audit", "verify", "--checkpoint", "nonsense"])
    assert bad.exit_code == 2 and "looks like" in bad.output


def test_it_reports_missing_triggers_alongside_a_broken_chain() -> None:
    _events(3)
    triggers.drop(connection)
    _raw("DELETE FROM audit_auditevent WHERE seq = 2")
    result = verify_chain()
    assert result.broken_seq == 2 and "triggers missing" in result.problem


def test_it_records_each_verification_run() -> None:
    _events(2)
    CliRunner().invoke(main, ["audit", "verify"])
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == AuditAction.AUDIT_CHAIN_VERIFIED
    assert event.data == {"checked": 2, "broken_seq": None}
