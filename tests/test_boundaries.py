"""The layers of the house, enforced by parsing imports (DESIGN: a pure core under Django apps
that persist it, under the web project and the CLI).

- the core (territory, offer, travel, access, needs, planning, …) imports no Django and nothing
  of the apps, the web or the CLI;
- the domain apps of ``sdaasp.diagnostic`` import nothing of the web nor the CLI;
- the CLI imports nothing of the web project.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "sdaasp"
CORE = ["territory", "offer", "travel", "access", "needs", "planning", "reports", "errors.py",
        "_files.py", "testing"]
RULES = {
    "core": (CORE, ("django", "sdaasp.web", "sdaasp.scheme", "sdaasp.diagnostic", "sdaasp.cli")),
    "diagnostic": (["diagnostic"], ("sdaasp.web", "sdaasp.cli")),
    "cli": (["cli"], ("sdaasp.web",)),
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _files(names: list[str]) -> list[Path]:
    files: list[Path] = []
    for name in names:
        p = SRC / name
        if p.is_file():
            files.append(p)
        elif p.is_dir():
            files += sorted(p.rglob("*.py"))
    return files


CASES = [(layer, path) for layer, (names, _) in RULES.items() for path in _files(names)]


@pytest.mark.parametrize(("layer", "path"), CASES,
                         ids=[f"{layer}:{p.relative_to(SRC)}" for layer, p in CASES])
def test_layer_imports_only_what_it_may(layer, path):
    forbidden = RULES[layer][1]
    bad = {m for m in _imports(path) if m.startswith(forbidden)}
    assert not bad, f"{path.relative_to(SRC)} ({layer}) importe {sorted(bad)}"


def test_every_layer_has_files():
    """A renamed folder must not silently empty a rule."""
    for layer, (names, _) in RULES.items():
        assert _files(names), layer
