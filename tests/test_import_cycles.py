"""No import cycles in the ``assistant`` package.

The import graph is read from the source (an AST walk, nothing is imported): an edge
``a → b`` for every ``import`` of ``b`` in ``a`` — at module level, and also inside
functions (a deferred import is still a dependency: the cycle only waits for the call),
but not under ``if TYPE_CHECKING:``. Importing ``p.q.r`` is an edge to ``p.q`` and
``p.q.r``; a module's own parent packages are not edges (they are loaded before it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"

#: Cycles through a deferred import that are accepted (none today): a cycle found must lie
#: within one of these sets.
KNOWN_DEFERRED_CYCLES: tuple[frozenset[str], ...] = ()


def module_names(root: Path) -> dict[str, Path]:
    """Dotted name → file, for every module of the package at ``root``."""
    names = {}
    for path in root.rglob("*.py"):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
                isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
            ):
                for sub in node.body:
                    skip.update(id(n) for n in ast.walk(sub))
    return skip


def _imports(tree: ast.Module, deferred: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements of a module: at module level (also under if/try and in class
    bodies), and with ``deferred`` those inside functions too."""
    def visit(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and not deferred:
                continue
            else:
                yield from visit(child)

    yield from visit(tree)


def import_graph(root: Path, deferred: bool = True) -> dict[str, set[str]]:
    known = module_names(root)
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skip = _type_checking_nodes(tree)
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        ancestors = {".".join(name.split(".")[:i]) for i in range(1, len(name.split(".")))}
        edges: set[str] = set()

        def add(target: str) -> None:
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                prefix = ".".join(parts[:i])
                if prefix in known and prefix != name and prefix not in ancestors:  # noqa: B023
                    edges.add(prefix)  # noqa: B023

        for node in _imports(tree, deferred):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    add(alias.name)
                continue
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            add(module)
            for alias in node.names:  # ``from . import evaluation`` imports a module
                add(f"{module}.{alias.name}")
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return sorted(found)


def test_no_import_cycle_at_import_time():
    assert cycles(import_graph(PACKAGE, deferred=False)) == []


def test_no_import_cycle_through_deferred_imports():
    unexpected = [c for c in cycles(import_graph(PACKAGE)) if not any(set(c) <= known for known in KNOWN_DEFERRED_CYCLES)]
    assert unexpected == [], f"import cycle(s): {unexpected}"


def test_the_evaluation_and_its_baseline_share_types_without_a_cycle():
    graph = import_graph(PACKAGE)
    assert "assistant.eval_types" in graph["assistant.baseline"]
    assert "assistant.baseline" in graph["assistant.eval_runner"]
    assert not {"assistant.evaluation", "assistant.eval_runner"} & graph["assistant.baseline"]
    assert graph["assistant.eval_types"] <= {"assistant.types"}


@pytest.mark.parametrize("deferred_back", [True, False])
def test_the_check_finds_a_cycle(tmp_path: Path, deferred_back: bool):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "sub" / "__init__.py").write_text("from .leaf import X\n", encoding="utf-8")
    (pkg / "sub" / "leaf.py").write_text("from .. import a\nX = 1\n", encoding="utf-8")  # leaf → a; leaf → sub is its parent
    (pkg / "a.py").write_text("from .b import B\nA = 1\n", encoding="utf-8")
    back = "def f():\n    from .a import A\n    return A\n" if deferred_back else "from .a import A\n"
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .sub import X\n"
                              + back + "B = 2\n", encoding="utf-8")
    assert cycles(import_graph(pkg)) == [["pkg.a", "pkg.b"]]
    assert cycles(import_graph(pkg, deferred=False)) == ([] if deferred_back else [["pkg.a", "pkg.b"]])
    assert import_graph(pkg)["pkg.sub.leaf"] == {"pkg.a"}
