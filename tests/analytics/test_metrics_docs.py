"""docs/metrics.md says what the catalogue does: every metric and every frame column."""

from __future__ import annotations

import re
from pathlib import Path

from coresponder.analytics.metrics import CATALOGUE, SCHEMAS

DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def test_it_documents_every_metric() -> None:
    text = DOC.read_text()
    headings = set(re.findall(r"^### (.+)$", text, re.M))
    documented = {name.strip() for h in headings for name in h.split(",")}
    assert sorted(set(CATALOGUE) - documented) == []


def test_it_keeps_the_frame_columns_in_the_docs_true() -> None:
    text = DOC.read_text()
    match = re.search(r"<!-- frames:start -->\n(.*?)<!-- frames:end -->", text, re.S)
    assert match
    expected = []
    for name, schema in SCHEMAS.items():
        expected += [f"#### {name}", "| column | type | meaning |", "|---|---|---|"]
        expected += [f"| `{c}` | {t} | {m} |" for c, (t, m) in schema.items()]
    assert match.group(1).strip().splitlines() == expected
