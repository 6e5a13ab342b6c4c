"""Progress bars for studies and long single runs (tqdm, in terminals and notebooks).

:func:`study_bar` counts finished runs of a sweep or Monte Carlo study; :func:`run_bar`
shows a single long run (a Caspian year) with its elapsed time. Both are off with
``enabled=False`` (``--quiet``). Which bar fits where it runs (:func:`bar_kind`):

- in a notebook with ipywidgets installed: a widget (``tqdm.notebook``);
- in a notebook without ipywidgets: a text bar in the cell's output (not ``tqdm.auto``,
  which warns ``TqdmWarning: IProgress not found`` there);
- in a terminal: a text bar on stderr; when stderr is not a terminal (a script piped to a
  file, a CI log): nothing (tqdm's ``disable=None``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
import threading
import warnings
from collections.abc import Iterator
from typing import Any

__all__ = ["NullBar", "bar_kind", "run_bar", "study_bar"]

#: Seconds between redraws of the elapsed-time line of a run that reports no steps.
_REFRESH_S = 1.0


class NullBar:
    """A bar that shows nothing (progress off, or tqdm missing)."""

    n = 0
    total = None

    def update(self, n: int = 1) -> None:
        """Count `n` more (and show nothing)."""
        self.n += n

    def set_postfix_str(self, text: str) -> None:
        """Ignore a status text."""

    def refresh(self) -> None:
        """Nothing to redraw."""

    def close(self) -> None:
        """Nothing to close."""


def _in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (IPython already imported, a kernel app)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except AttributeError:  # pragma: no cover - a partial IPython
        return False
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def bar_kind() -> str:
    """Return the bar that fits where this runs: ``"widget"``, ``"notebook-text"`` or ``"text"``.

    Returns
    -------
    str
        ``"widget"`` in a notebook with ipywidgets, ``"notebook-text"`` in a notebook
        without it, ``"text"`` elsewhere (shown only when stderr is a terminal).

    Examples
    --------
    >>> bar_kind()  # a plain Python process
    'text'
    """
    if not _in_notebook():
        return "text"
    return "widget" if importlib.util.find_spec("ipywidgets") is not None else "notebook-text"


def _tqdm(**kwargs: Any) -> Any:
    kind = bar_kind()
    if kind == "widget":
        from tqdm import TqdmWarning
        from tqdm.notebook import tqdm as widget

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", TqdmWarning)
                return widget(**kwargs)
        except ImportError:  # an ipywidgets too old for tqdm: a text bar instead
            kind = "notebook-text"
    from tqdm.std import tqdm

    # in a notebook stderr is no terminal, yet the cell shows it: draw the text bar there
    disable = False if kind == "notebook-text" else None
    return tqdm(file=sys.stderr, disable=disable, dynamic_ncols=True, **kwargs)


@contextlib.contextmanager
def study_bar(
    total: int, *, done: int = 0, desc: str = "", unit: str = "run", enabled: bool = True
) -> Iterator[Any]:
    """Show a bar counting `total` runs, `done` of them already finished (from a checkpoint)."""
    bar = _tqdm(total=total, initial=done, desc=desc, unit=unit) if enabled else NullBar()
    try:
        yield bar
    finally:
        bar.close()


@contextlib.contextmanager
def run_bar(desc: str, *, enabled: bool = True) -> Iterator[Any]:
    """Show that one long run is going on: its description and the elapsed time.

    The line is redrawn every second by a daemon thread that ends with the block. (The
    models and engines do not report steps of a run yet; the line says that the run is
    alive and how long it has taken.)
    """
    if not enabled:
        yield NullBar()
        return
    bar = _tqdm(total=None, desc=desc, bar_format="{desc}: {elapsed} elapsed")
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(_REFRESH_S):
            bar.refresh()

    ticker = threading.Thread(target=tick, name="corridor_sim-run-bar", daemon=True)
    if not getattr(bar, "disable", True):
        ticker.start()
    try:
        yield bar
    finally:
        stop.set()
        if ticker.is_alive():
            ticker.join()
        bar.close()
