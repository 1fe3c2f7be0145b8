"""No import cycle in the ``assistant`` package.

The graph is read from the source (nothing is imported): an edge for every import that runs
when a module is loaded — ``from .x import …``, ``from ..x import …``, ``from . import x``
and absolute ``assistant.…`` imports, at module level or in a class body. Imports inside
functions run later and do not count, nor does an ``if TYPE_CHECKING:`` block.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"

#: Cycles accepted for now, each as the sorted names of its modules (none today).
KNOWN_CYCLES: set[tuple[str, ...]] = set()


def module_names(package: Path) -> dict[str, Path]:
    """Dotted name of every module of ``package`` (a package is its ``__init__``)."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def load_time_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements that run when the module is loaded."""
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        stack.extend(ast.iter_child_nodes(node))


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the modules of the package that it imports when it is loaded."""
    modules = module_names(package)
    top = package.name
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in load_time_imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name == top or a.name.startswith(top + ".")]
                graph[name].update(t for t in targets if t in modules)
                continue
            if node.level:
                parts = here.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            elif node.module and (node.module == top or node.module.startswith(top + ".")):
                base = node.module
            else:
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in modules:  # from package import submodule
                    graph[name].add(sub)
                    if node.module and base in modules:
                        graph[name].add(base)
                elif base in modules:
                    graph[name].add(base)
    return graph


def cycles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """The strongly connected components with more than one module, or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[tuple[str, ...]] = set()

    def visit(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
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
                found.add(tuple(sorted(component)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_assistant_package_has_no_import_cycle() -> None:
    graph = import_graph(PACKAGE)
    assert "assistant.index" in graph["assistant.pipeline"]  # the graph is read
    found = cycles(graph)
    new = found - KNOWN_CYCLES
    assert not new, "import cycles: " + "; ".join(" <-> ".join(c) for c in sorted(new))
    assert not KNOWN_CYCLES - found, f"no longer cycles, remove them from KNOWN_CYCLES: {KNOWN_CYCLES - found}"


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_the_check_finds_a_cycle_through_relative_imports(tmp_path: Path) -> None:
    package = _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from .b import thing\n",
        "pkg/b.py": "from .sub.c import other\nthing = 1\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/c.py": "from ..a import x\n",
        "pkg/d.py": "from . import a\n",
    })
    assert cycles(import_graph(package)) == {("pkg.a", "pkg.b", "pkg.sub.c")}


def test_the_check_ignores_imports_in_functions_and_type_checking(tmp_path: Path) -> None:
    package = _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from .b import thing\n",
        "pkg/b.py": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from .a import x\n"
            "def later():\n    from .a import x\n"
            "class K:\n    def m(self):\n        from . import a\n"
        ),
    })
    graph = import_graph(package)
    assert graph["pkg.a"] == {"pkg.b"} and graph["pkg.b"] == set()
    assert cycles(graph) == set()


def test_the_check_sees_a_package_init_that_imports_back(tmp_path: Path) -> None:
    package = _write(tmp_path, {
        "pkg/__init__.py": "from .a import f\nVALUE = 1\n",
        "pkg/a.py": "from . import VALUE\n",  # needs the half-loaded package
    })
    assert cycles(import_graph(package)) == {("pkg", "pkg.a")}
