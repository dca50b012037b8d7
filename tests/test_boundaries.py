"""The core imports no Django and nothing of the web side (DESIGN: a pure core)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "sdaasp"
CORE = ["territory", "offer", "travel", "access", "needs", "planning", "errors.py", "_files.py",
        "testing"]
FORBIDDEN = ("django", "sdaasp.web", "sdaasp.scheme", "sdaasp.commands", "sdaasp.cli")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _core_files() -> list[Path]:
    files: list[Path] = []
    for name in CORE:
        p = SRC / name
        files += [p] if p.is_file() else sorted(p.rglob("*.py"))
    return files


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_core_module_is_django_free(path):
    bad = {m for m in _imports(path) if m.startswith(FORBIDDEN)}
    assert not bad, f"{path.relative_to(SRC)} importe {sorted(bad)}"
