"""The analytics engines run without Django: from notebooks, the command line and tests."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ENGINES = Path(__file__).resolve().parents[2] / "src" / "coresponder" / "analytics"


def test_it_imports_nothing_from_django_in_the_engines() -> None:
    offenders = []
    for package in ("metrics", "evaluation"):
        for path in sorted((ENGINES / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []


def test_it_loads_the_engines_without_loading_django() -> None:
    code = (
        "import sys, coresponder.analytics.metrics, coresponder.analytics.evaluation;"
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
