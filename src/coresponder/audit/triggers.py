"""Database triggers that refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit rows.

The ORM refuses them too, but the triggers also stop raw SQL and a compromised app account
that has not gone as far as dropping them; `audit verify` reports a missing trigger.
"""

from __future__ import annotations

from typing import Any

TABLE = "audit_auditevent"
SQLITE_TRIGGERS = ("audit_refuse_update", "audit_refuse_delete")
POSTGRES_TRIGGERS = ("audit_refuse_change", "audit_refuse_truncate")

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_refuse_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_refuse_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
_POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER audit_refuse_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    f"""CREATE TRIGGER audit_refuse_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
]


def install(connection: Any) -> None:
    statements = _POSTGRES_INSTALL if connection.vendor == "postgresql" else _SQLITE_INSTALL
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def drop(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name in POSTGRES_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}")
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def missing(connection: Any) -> list[str]:
    """Names of the expected triggers that the database does not have."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
            expected: tuple[str, ...] = POSTGRES_TRIGGERS
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
            expected = SQLITE_TRIGGERS
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in expected if name not in present]
