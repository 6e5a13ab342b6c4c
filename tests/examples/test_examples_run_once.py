"""No test runs an example scenario again: they read the run :func:`example_output` made.

Every scenario file in examples/ runs once per pytest run
(:func:`tests.helpers.example_output`, :func:`tests.helpers.example_result`). This test reads
the test modules and fails on a call that runs a single scenario (``cs.run``, ``run``,
``cs.diff``, ``diff``, ``main(["run", ...])``, ``main(["diff", ...])``) with an example file
as an argument: an expression that names the ``"examples"`` folder, or a name bound to one
(``EXAMPLES``, a module constant, a local variable). Studies over an example (sweeps, Monte
Carlo draws) are other computations and are not checked; tests of the command line's
mechanics use the ``tiny`` fixture's scenario.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

#: Calls that run one scenario (by function or method name).
_RUNS = {"run", "diff"}
#: Names that hold the examples folder or its files wherever the test modules use them.
_EXAMPLE_NAMES = {"EXAMPLES", "EXAMPLE_FILES"}
#: Modules whose ``run`` starts a child process (its command is then read).
_PROCESSES = {"subprocess", "_interrupt", "interrupts"}
TEST_FILES = sorted((ROOT / "tests").rglob("test_*.py"))


def _is_variant(node: ast.expr) -> bool:
    func = node.func if isinstance(node, ast.Call) else None
    return isinstance(func, ast.Attribute) and func.attr == "replace"


def _names_examples(node: ast.AST, names: set[str]) -> bool:
    for sub in ast.walk(node):
        text = sub.value if isinstance(sub, ast.Constant) else None
        if isinstance(text, str) and "examples" in text.replace("\\", "/").split("/"):
            return True
        if isinstance(sub, ast.Name) and sub.id in names:
            return True
    return False


def _bound(body: list[ast.stmt], names: set[str]) -> set[str]:
    """`names` and the names assigned in `body` from an expression naming the examples."""
    out = set(names)
    for _ in range(2):  # a name assigned from another bound name
        for node in body:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Assign) and _names_examples(sub.value, out):
                    out |= {t.id for t in sub.targets if isinstance(t, ast.Name)}
    return out


def _is_single_run(call: ast.Call) -> list[ast.expr] | None:
    """The arguments of `call` when it runs one scenario, else None.

    A child process (``subprocess.run``) counts when its command lists ``run`` or ``diff``;
    an argument ``scenario.replace(...)`` is another scenario.
    """
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    owner = func.value if isinstance(func, ast.Attribute) else None
    if isinstance(owner, ast.Name) and owner.id in _PROCESSES:
        command = call.args[0] if call.args else None
        words = command.elts if isinstance(command, ast.List) else []
        ran = any(isinstance(w, ast.Constant) and w.value in _RUNS for w in words)
        return list(words) if ran else None
    if name in _RUNS:
        args = [*call.args, *(k.value for k in call.keywords)]
        return [a for a in args if not _is_variant(a)]
    if name == "main" and call.args and isinstance(call.args[0], ast.List):
        argv = call.args[0].elts
        if argv and isinstance(argv[0], ast.Constant) and argv[0].value in _RUNS:
            return list(argv[1:])
    return None


def example_reruns(path: Path, root: Path = ROOT) -> list[str]:
    """``file:line`` (relative to `root`) of every call in `path` that runs an example."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module_names = _bound(tree.body, _EXAMPLE_NAMES)
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        names = _bound(func.body, module_names)
        for call in ast.walk(func):
            args = _is_single_run(call) if isinstance(call, ast.Call) else None
            if args and any(_names_examples(a, names) for a in args):
                found.append(f"{path.relative_to(root)}:{call.lineno}")
    return found


def test_the_check_finds_an_example_run(tmp_path: Path) -> None:
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "OIL = ROOT / 'examples' / 'oil_baseline_2025.toml'\n"
        "def test_a(root):\n"
        "    path = str(root / 'examples' / 'commodity_custom.toml')\n"
        "    main(['run', path, '--out', 'x'])\n"
        "    cs.run(OIL)\n"
        "    cs.diff(EXAMPLES / 'a.toml', 'b')\n"
        "    cs.monte_carlo(OIL, 3)\n"
        "    cs.run(cs.Scenario.from_toml(OIL).replace(year=2026))\n"
        "    subprocess.run([sys.executable, '-m', 'corridor_sim.cli', 'run', str(OIL)])\n"
        "    main(['sweep', path])\n",
        encoding="utf-8",
    )
    lines = [int(p.rsplit(":", 1)[1]) for p in example_reruns(probe, tmp_path)]
    assert lines == [4, 5, 6, 9]


def test_no_test_runs_an_example_again() -> None:
    found = [where for path in TEST_FILES for where in example_reruns(path)]
    assert not found, (
        f"these calls run an example scenario that tests.helpers.example_output already runs "
        f"once per pytest run; read its output (example_output / example_result) or use the "
        f"`tiny` fixture's scenario: {found}"
    )
