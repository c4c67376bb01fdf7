"""Layers you can see: the core library never imports Qt; the CLI stays thin."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "paperpal"
QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "qtpy")


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def test_core_never_imports_qt():
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        for line, module in _imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if module.split(".")[0] in QT:
                offenders.append(f"{path.relative_to(CORE.parent)}:{line} imports {module}: move it to ui/")
    assert not offenders, "\n".join(offenders)


def test_nothing_imports_private_cli_helpers():
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        if "cli" in path.relative_to(CORE).parts:
            continue
        for line, module in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if module == "paperpal.cli" or module.endswith(".cli"):
                offenders.append(f"{path.relative_to(CORE.parent)}:{line} imports the CLI: move the shared code to the core")
    assert not offenders, "\n".join(offenders)
