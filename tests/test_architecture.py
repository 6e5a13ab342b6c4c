"""The package's shape: imports flow one way with no cycles, modules stay readable."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "corridor_sim"
MAX_LINES = 500

#: Layers from the bottom up: a module may import its own layer or any lower one.
LAYERS = {
    "errors": 0,
    "units": 1,
    "catalogue": 1,
    "results": 1,
    "engines": 2,
    "models": 3,
    "testing": 3,
    "scenarios": 4,
    "plotting": 5,
    "_docgen": 5,
    "export": 6,
    "cli": 6,
    "__init__": 6,
    "_sigint": 0,
    "_limits": 0,
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> set[str]:
    """Modules of corridor_sim that `path` imports (at any depth, outside TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("corridor_sim"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("corridor_sim"):
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    found.add(sub if sub in MODULES else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m in MODULES}


def _graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for name, path in MODULES.items():
        graph.add_node(name)
        for target in _imports(path):
            if target != name:
                graph.add_edge(name, target)
    return graph


def test_no_import_cycles() -> None:
    cycles = list(nx.simple_cycles(_graph()))
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles[:5])


def _layer(module: str) -> int:
    """The layer of `module`; a model's own figures (figures.py, *_figures.py) are plotting."""
    parts = module.split(".")
    if parts[1:2] == ["models"] and (parts[-1] == "figures" or parts[-1].endswith("_figures")):
        return LAYERS["plotting"]
    return LAYERS[parts[1] if len(parts) > 1 else "__init__"]


def test_imports_flow_downward() -> None:
    """An engine never imports a model, a model never imports the runner, and so on."""
    upward = [
        (a, b)
        for a, b in _graph().edges
        if _layer(b) > _layer(a) and b != f"{a}.figures"  # a model wires its own figures
    ]
    assert not upward, f"imports against the layering: {upward[:5]}"


def test_engines_do_not_read_the_catalogue() -> None:
    readers = [a for a, b in _graph().edges if ".engines" in a and ".catalogue" in b]
    assert not readers, f"engines take defaults as arguments, not from the catalogue: {readers}"


@pytest.mark.parametrize("name", sorted(MODULES), ids=sorted(MODULES))
def test_module_is_short(name: str) -> None:
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it (limit {MAX_LINES})"
