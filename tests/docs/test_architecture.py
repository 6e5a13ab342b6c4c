"""The package's shape: imports flow one way with no cycles, as the layer table says.

The layers are declared once, in :mod:`corridor_sim._architecture`; docs/architecture.md is
generated from the same table (``tests/docs/test_docs.py`` checks the page).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

from corridor_sim._architecture import LAYERS, WHERE, layer_of, module_sizes
from tests.helpers import ROOT

PACKAGE = ROOT / "corridor_sim"


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


def test_imports_flow_downward() -> None:
    """An engine never imports a model, a model never imports the runner, and so on."""
    upward = [
        (a, b)
        for a, b in _graph().edges
        if layer_of(b) > layer_of(a) and b != f"{a}.figures"  # a model wires its own figures
    ]
    assert not upward, f"imports against the layering: {upward[:5]}"


def test_engines_do_not_read_the_catalogue() -> None:
    readers = [a for a, b in _graph().edges if ".engines" in a and ".catalogue" in b]
    assert not readers, f"engines take defaults as arguments, not from the catalogue: {readers}"


def test_every_top_level_name_has_a_layer() -> None:
    tops = {name.split(".")[1] if "." in name else "__init__" for name in MODULES}
    missing = sorted(t for t in tops if t not in {n for layer in LAYERS for n in layer.names})
    assert not missing, f"add these to corridor_sim._architecture.LAYERS: {missing}"


def test_where_table_points_at_real_places() -> None:
    root = PACKAGE.parent
    for what, path in WHERE:
        pattern = path.replace("<name>", "oil")
        found = list(root.glob(pattern)) if "*" in pattern else [root / pattern]
        assert found, f"{what}: {path} matches nothing"
        assert all(p.exists() for p in found), f"{what}: {path} does not exist"


def test_module_sizes_are_reported_not_limited() -> None:
    sizes = module_sizes(PACKAGE)
    assert {name for name, _ in sizes} == {
        str(p.relative_to(PACKAGE.parent)) for p in MODULES.values()
    }


#: Test areas and the packages whose private modules their unit tests may open.
_WHITE_BOX = {
    "engines": ("corridor_sim.engines",),
    "catalogue": ("corridor_sim.catalogue",),
    "results": ("corridor_sim.results",),
    "scenarios": ("corridor_sim.scenarios",),
    "docs": ("corridor_sim._docgen", "corridor_sim._architecture"),
    "models": ("corridor_sim.models",),
}
#: Other private imports, each with its reason.
_ALLOWED = {
    # spies on every catalogue read, independent of the provenance the run records
    ("models/caspian/test_caspian.py", "corridor_sim.catalogue._loader"),
    ("models/serbia/test_serbia.py", "corridor_sim.catalogue._loader"),
    # writes arbitrary (also invalid) scenario files, which Scenario.to_toml cannot
    ("inputs/test_bad_inputs_fuzz.py", "corridor_sim.scenarios._toml"),
    # the measured figure behind a study's maximum number of runs is checked against it
    ("scenarios/test_limits.py", "corridor_sim._limits"),
    # the command line's figure writer is checked to go through the house style
    ("plotting/test_figures_every_example.py", "corridor_sim.cli._commands"),
}


def test_tests_import_public_names() -> None:
    """A test opens private modules only of its own area (unit tests of internals)."""
    tests = ROOT / "tests"
    wrong = []
    for path in sorted(tests.rglob("test_*.py")):
        rel = path.relative_to(tests).as_posix()
        area = rel.split("/")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] != "corridor_sim" or not any(p.startswith("_") for p in parts[1:]):
                    continue
                private = ".".join(
                    parts[: next(i for i, p in enumerate(parts) if p.startswith("_") and i) + 1]
                )
                if private.startswith(_WHITE_BOX.get(area, ())) or (rel, private) in _ALLOWED:
                    continue
                wrong.append(f"{rel}: {private}")
    assert not wrong, "tests import private modules outside their area: " + ", ".join(
        sorted(set(wrong))
    )
