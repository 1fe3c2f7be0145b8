"""Small units: no module of the package over 400 lines, no class over 200 (read from the
source), so that each reads in one sitting."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"
MAX_MODULE, MAX_CLASS = 400, 200


def test_modules_and_classes_are_small() -> None:
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if source.count("\n") > MAX_MODULE:
            too_long.append(f"{path.relative_to(PACKAGE)}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > MAX_CLASS:  # type: ignore[operator]
                too_long.append(f"{path.relative_to(PACKAGE)}: class {node.name}")
    assert not too_long, too_long
