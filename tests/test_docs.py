"""The docs say what the code does: permissions matrix and audit event catalogue."""

from __future__ import annotations

import re
from pathlib import Path

from coresponder.access.roles import permissions_matrix_markdown
from coresponder.audit.actions import DESCRIPTIONS, AuditAction

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_it_keeps_the_permissions_matrix_in_the_docs_true() -> None:
    text = (DOCS / "permissions.md").read_text()
    match = re.search(r"<!-- matrix:start -->\n(.*?)\n<!-- matrix:end -->", text, re.S)
    assert match, "docs/permissions.md has the matrix between its markers"
    assert match.group(1).strip() == permissions_matrix_markdown().strip()


def test_it_documents_every_audit_action() -> None:
    text = (DOCS / "audit-events.md").read_text()
    missing = [a.name for a in AuditAction if f"| {a.value} | `{a.name}` |" not in text]
    print(f"audit actions: {len(AuditAction)}, undocumented: {len(missing)}")
    assert missing == []


def test_it_describes_every_audit_action_in_code() -> None:
    assert set(DESCRIPTIONS) == set(AuditAction)


def test_it_never_reuses_an_audit_code() -> None:
    values = [a.value for a in AuditAction]
    assert len(values) == len(set(values))
