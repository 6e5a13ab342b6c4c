"""Helpers shared by the test areas: paths, figure checks and the example runs.

Every example in ``examples/*.toml`` runs at most once per pytest run, whatever the number
of xdist workers: :func:`example_output` runs it through the command line (``corridor-sim run
FILE --out DIR``, tables and figures) into a folder shared by the workers, under a file lock,
and every later call, in any worker, reads that folder. :func:`example_result` loads it as a
:class:`corridor_sim.Result` (the save/load round trip is exact: see
``tests/models/test_model_contract.py``).
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from functools import cache
from pathlib import Path

import matplotlib.axes
import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np
from matplotlib.dates import AutoDateFormatter, ConciseDateFormatter, DateFormatter
from matplotlib.ticker import FixedFormatter, FuncFormatter, NullFormatter
from PIL import Image

import corridor_sim as cs
from corridor_sim.plotting.style import scenario_label, small_texts

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
#: Every scenario file of examples/, sorted.
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.toml"))

#: Saved figures: at least this many pixels each way, at most this many.
MIN_PX, MAX_PX = (500, 300), (4000, 4000)
#: Physical size (inches) a saved figure may have, and the least resolution (dpi).
MIN_IN, MAX_IN, MIN_DPI = 3.0, 20.0, 100


# -- the examples, each run once per pytest run ------------------------------------------
def _cache_root() -> Path:
    """A folder shared by the xdist workers of this pytest run (one per run)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid{os.getpid()}"
    root = Path(tempfile.gettempdir()) / "corridor_sim-examples" / run
    root.mkdir(parents=True, exist_ok=True)
    return root


def example_output(stem: str) -> Path:
    """The folder ``corridor-sim run examples/<stem>.toml --out DIR`` wrote in this run.

    Runs the example the first time any worker asks for it; the others wait on the lock and
    read the folder. A run that failed raises the CLI's message in every test that asks.
    """
    from corridor_sim.cli import main  # the command line, imported when used

    path = EXAMPLES / f"{stem}.toml"
    assert path.is_file(), f"no example {path}"
    root = _cache_root()
    out, failed = root / stem, root / f"{stem}.failed"
    with (root / f"{stem}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not out.exists() and not failed.exists():
            try:
                code = main(["run", str(path), "--out", str(out), "--quiet"])
            except BaseException as err:
                failed.write_text(f"{type(err).__name__}: {err}", encoding="utf-8")
                raise
            if code != 0:
                failed.write_text(f"corridor-sim run exited {code}", encoding="utf-8")
            plt.close("all")
    if failed.exists():
        msg = f"example {stem} failed: {failed.read_text(encoding='utf-8')}"
        raise AssertionError(msg)
    return out


@cache
def example_result(stem: str) -> cs.Result:
    """The Result of ``examples/<stem>.toml``, run once per pytest run (see the module)."""
    return cs.Result.load(example_output(stem))


#: A two-node commodity scenario for tests of the command line's mechanics (flags, exit
#: codes, files written, messages): not an example, so those tests run no example again.
TINY_SCENARIO = """\
model = "commodity"
year = 2025
name = "tiny"
resolution = "month"

[sweep]
"pipe.capacity" = [10.0, 20.0, 30.0, 40.0]

[network]
unit = "kt"
periods = ["2025-01", "2025-02"]

[[network.nodes]]
id = "field"
kind = "supply"
supply = 50.0

[[network.nodes]]
id = "market"
kind = "demand"
demand = 40.0

[[network.arcs]]
id = "pipe"
source = "field"
target = "market"
capacity = 30.0
cost = 1.0
"""


def tiny_scenario(folder: Path) -> Path:
    """Write :data:`TINY_SCENARIO` to ``folder/tiny.toml`` and return the path."""
    path = Path(folder) / "tiny.toml"
    path.write_text(TINY_SCENARIO, encoding="utf-8")
    return path


# -- checks on figures ----------------------------------------------------------------
def check_png(path: str | Path) -> dict[str, float]:
    """Assert `path` is a readable figure: size in bounds, resolution, not blank.

    Returns what it measured (pixels, inches, dpi, grey-level spread, inked share).
    """
    path = Path(path)
    assert path.is_file(), f"{path}: not written"
    assert path.stat().st_size > 0, f"{path}: empty"
    with Image.open(path) as img:
        width, height = img.size
        dpi = float(img.info.get("dpi", (0, 0))[0])
        grey = np.asarray(img.convert("L"), dtype=float) / 255.0
    assert MIN_PX[0] <= width <= MAX_PX[0], f"{path.name}: {width} px wide"
    assert MIN_PX[1] <= height <= MAX_PX[1], f"{path.name}: {height} px high"
    assert dpi >= MIN_DPI, f"{path.name}: {dpi:g} dpi; expected >= {MIN_DPI}"
    inches = (width / dpi, height / dpi)
    assert all(MIN_IN <= x <= MAX_IN for x in inches), f"{path.name}: {inches} in"
    spread = float(grey.std())
    inked = float((grey < 0.9).mean())
    assert spread > 0.05, f"{path.name}: blank (grey-level spread {spread:.3f})"
    assert inked > 0.01, f"{path.name}: blank ({inked:.1%} of pixels inked)"
    return {"width_px": width, "height_px": height, "dpi": dpi, "spread": spread, "inked": inked}


def axis_kind(axis) -> str:
    """``"none"`` (no tick labels shown), ``"date"``, ``"category"`` or ``"numeric"``.

    Call it on a drawn figure: shared axes hide their tick labels only when drawn.
    """
    fmt = axis.get_major_formatter()
    shown = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
    if isinstance(fmt, NullFormatter) or not shown:
        return "none"
    if isinstance(fmt, DateFormatter | AutoDateFormatter | ConciseDateFormatter):
        return "date"
    # set_ticks(ticks, labels) installs a FuncFormatter (older matplotlib: FixedFormatter)
    if isinstance(fmt, FixedFormatter | FuncFormatter) or type(fmt).__name__ == (
        "StrCategoryFormatter"
    ):
        return "category"
    return "numeric"


def has_unit(label: str) -> bool:
    """Whether a line of an axis label ends with a unit in () or []."""
    return any(line.rstrip().endswith((")", "]")) for line in label.splitlines())


def check_figure(fig: plt.Figure, result: cs.Result) -> None:
    """Assert the style rules a figure can be checked for before it is saved.

    Every text at least FONT_MIN_PT; a title naming the scenario; on every data axes
    (not a colour bar) each numeric axis labelled with a unit in () or [], each date
    axis labelled; axes of names (categories) need no unit.
    """
    fig.canvas.draw()
    small = small_texts(fig)
    assert not small, [f"{t.get_text()!r} {t.get_fontsize()} pt" for t in small]
    titles = " ".join([fig.get_suptitle()] + [ax.get_title() for ax in fig.axes if ax.get_title()])
    assert scenario_label(result) in titles, f"no scenario in titles {titles!r}"
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>" or not ax.get_visible() or not ax.axison:
            continue
        for axis, label in ((ax.xaxis, ax.get_xlabel()), (ax.yaxis, ax.get_ylabel())):
            kind = axis_kind(axis)
            if kind == "numeric":
                assert has_unit(label), f"axis label {label!r} has no unit"
            elif kind == "date":
                assert label.strip(), "a date axis without a label"


# -- numbers written on figures --------------------------------------------------------
#: A number as a label writes it: optional sign, thousands separators, decimals.
NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?")


def figure_numbers(fig) -> list[tuple[str, str]]:
    """Numbers written on `fig`, with their text: titles, labels, legends, annotations.

    Tick labels are left out (they are the axes' scale, not figures of the result).
    """
    ticks: set[int] = set()
    for ax in fig.findobj(matplotlib.axes.Axes):  # colour bars and insets included
        ticks |= {id(t) for t in ax.get_xticklabels() + ax.get_yticklabels()}
    out = []
    for text in fig.findobj(matplotlib.text.Text):
        if id(text) in ticks or not text.get_visible():
            continue
        out += [(m.group(0), text.get_text()) for m in NUMBER.finditer(text.get_text())]
    return out


def result_numbers(result: cs.Result, tables=None) -> np.ndarray:
    """Every number of `result`'s summary, meta and tables (`tables`: those only), sorted."""
    values = [float(v) for v in result.summary()["value"]]
    for name, frame in result.tables.items():
        if tables is None or name in tables:
            values += [float(v) for v in frame.select_dtypes("number").to_numpy().ravel()]
    values += [float(v) for v in result.meta.values() if isinstance(v, (int, float))]
    array = np.asarray(values, dtype=float)
    return np.unique(array[np.isfinite(array)])


def written_as(token: str, values: np.ndarray) -> bool:
    """Whether some value of `values`, written with `token`'s decimals, is `token`."""
    digits = token.replace(",", "")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    target = float(digits)
    close = values[np.abs(values - target) <= 0.5 * 10.0**-decimals + 1e-9]
    return any(f"{v:.{decimals}f}" == f"{target:.{decimals}f}" for v in close)
