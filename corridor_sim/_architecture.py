"""The package's layers, the single source of docs/architecture.md and of the architecture test.

A module may import modules of its own layer or of a lower one, never a higher one. The
test (``tests/docs/test_architecture.py``) builds the import graph of ``corridor_sim/`` and
checks it against :data:`LAYERS`; ``python -m corridor_sim._docgen`` writes
:func:`markdown` into the ``<!-- architecture:start -->`` block of docs/architecture.md, and
a test fails when the page and this table disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["LAYERS", "WHERE", "Layer", "layer_of", "markdown", "module_sizes"]


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer: top-level names of ``corridor_sim`` and what they hold."""

    level: int
    names: tuple[str, ...]
    role: str


#: From the bottom up. ``__init__`` is the package's front door (``corridor_sim.run`` etc.).
LAYERS: tuple[Layer, ...] = (
    Layer(
        0,
        ("errors", "_architecture", "_sigint", "_limits"),
        "CorridorSimError and its subclasses; this table; Ctrl-C of the command; count limits",
    ),
    Layer(
        1,
        ("units", "catalogue", "results"),
        "unit conversions; the facts catalogue (seed figures and labelled assumptions); "
        "Result, the shared table schema, displays, save/load",
    ),
    Layer(
        2,
        ("engines",),
        "solvers that know networks, not corridors: engines.power (DC flow, N-1, AC "
        "check), engines.dispatch (multi-period DC-OPF), engines.commodity (flow LP, min "
        "cut); engines._shared holds the HiGHS wrapper and the sparse factorisation",
    ),
    Layer(
        3,
        ("models", "testing"),
        "one package per corridor on the engines, with models.toolkit shared by them; "
        "public assertions for tests",
    ),
    Layer(4, ("scenarios",), "Scenario, run, sweep, Monte Carlo, executors, checkpoints"),
    Layer(
        5,
        ("plotting", "_docgen"),
        "figures drawn from a Result (a model's own figures.py counts here); generated docs",
    ),
    Layer(6, ("export", "cli", "__init__"), "hand-over to other tools; the command line; the API"),
)

#: Where a thing lives: (what you look for, where it is).
WHERE: tuple[tuple[str, str], ...] = (
    ("a figure quoted from the seeds, or an assumption", "corridor_sim/catalogue/data/*.csv"),
    ("unit constants and conversions", "corridor_sim/units.py"),
    ("a model's parameters (declared once)", "corridor_sim/models/<name>/params.py"),
    ("a power model's network", "corridor_sim/models/caspian/network.py"),
    ("a power model's run: options, events, engine, tables", "corridor_sim/models/caspian/run.py"),
    (
        "a commodity corridor's nodes and arcs (nodes.csv, arcs.csv)",
        "corridor_sim/models/<name>/*.csv",
    ),
    ("a commodity corridor's rules, tables and summary", "corridor_sim/models/<name>/hook.py"),
    (
        "the corridor template, its capacity study and the validation table",
        "corridor_sim/models/toolkit/",
    ),
    ("a model's own figures", "corridor_sim/models/<name>/figures.py"),
    ("the model registry and ModelEntry", "corridor_sim/models/base.py"),
    ("the HiGHS wrapper used by every LP engine", "corridor_sim/engines/_shared/highs.py"),
    (
        "the sparse factorisation of the susceptance matrix",
        "corridor_sim/engines/_shared/linalg.py",
    ),
    ("batched DC power flow and N-1", "corridor_sim/engines/power/"),
    ("the multi-period DC-OPF", "corridor_sim/engines/dispatch/"),
    ("the commodity-flow LP and max flow", "corridor_sim/engines/commodity/"),
    ("the result table schema", "corridor_sim/results/schemas.py"),
    ("Result, save and load", "corridor_sim/results/result.py"),
    ("scenarios and their TOML files", "corridor_sim/scenarios/scenario.py"),
    ("sweeps and Monte Carlo studies", "corridor_sim/scenarios/study.py"),
    ("executors (serial, process pool, Dask)", "corridor_sim/scenarios/executors.py"),
    ("the command line", "corridor_sim/cli/"),
    ("generated doc blocks", "corridor_sim/_docgen.py"),
)

_LEVEL = {name: layer.level for layer in LAYERS for name in layer.names}
_PACKAGE = Path(__file__).resolve().parent


def layer_of(module: str) -> int:
    """Return the layer of a dotted module name of ``corridor_sim``.

    A model's own figures (``models.<name>.figures`` or ``..._figures``, at any depth)
    belong to the plotting layer.

    Parameters
    ----------
    module : str
        A dotted name such as ``"corridor_sim.engines.power.run"``.

    Returns
    -------
    int
        The layer's level (0 is the bottom).

    Examples
    --------
    >>> layer_of("corridor_sim.engines.power.run"), layer_of("corridor_sim.models.oil.figures")
    (2, 5)
    """
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    if top == "models" and (parts[-1] == "figures" or parts[-1].endswith("_figures")):
        return _LEVEL["plotting"]
    return _LEVEL[top]


def module_sizes(root: Path = _PACKAGE) -> list[tuple[str, int]]:
    """Lines per module of the package, longest first (a report, not a limit).

    Parameters
    ----------
    root : Path, optional
        The package folder (default: this installed ``corridor_sim``).

    Returns
    -------
    list of (str, int)
        Module path relative to `root`'s parent, and its number of lines.

    Examples
    --------
    >>> sizes = module_sizes()
    >>> sizes[0][1] >= sizes[-1][1]
    True
    """
    sizes = [
        (str(p.relative_to(root.parent)), len(p.read_text(encoding="utf-8").splitlines()))
        for p in sorted(root.rglob("*.py"))
    ]
    return sorted(sizes, key=lambda item: -item[1])


def _dotted(name: str) -> str:
    return "corridor_sim" if name == "__init__" else f"corridor_sim.{name}"


def markdown() -> str:
    """Return the generated part of docs/architecture.md: the drawing and the tables.

    Returns
    -------
    str
        Markdown: the layers drawn top to bottom, the layer table, "where does X live" and
        the modules of each package under ``models/``.

    Examples
    --------
    >>> "corridor_sim.engines" in markdown()
    True
    """
    drawing = ["```"]
    for i, layer in enumerate(reversed(LAYERS)):
        names = ", ".join(_dotted(n) for n in layer.names)
        drawing.append(f"{layer.level}  {names}")
        if i < len(LAYERS) - 1:
            drawing += ["   │ imports from the layers below, never above", "   ▼"]
    drawing.append("```")
    table = ["| layer | names | holds |", "|---|---|---|"]
    for layer in reversed(LAYERS):
        names = ", ".join(f"`{n}`" for n in layer.names)
        table.append(f"| {layer.level} | {names} | {layer.role} |")
    where = ["| where does ... live? | |", "|---|---|"]
    where += [f"| {what} | `{path}` |" for what, path in WHERE]
    models = ["| model package | modules |", "|---|---|"]
    for folder in sorted((_PACKAGE / "models").iterdir()):
        if folder.is_dir() and (folder / "__init__.py").is_file():
            files = sorted(
                str(f.relative_to(folder).with_suffix("")).replace("/", ".")
                for f in folder.rglob("*.py")
            )
            models.append(f"| `models/{folder.name}/` | {', '.join(files)} |")
    return "\n".join([*drawing, "", *table, "", *where, "", *models]) + "\n"
