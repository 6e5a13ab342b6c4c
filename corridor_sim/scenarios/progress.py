"""Progress bars for studies and long single runs (tqdm, in terminals and notebooks).

:func:`study_bar` counts finished runs of a sweep or Monte Carlo study; :func:`run_bar`
shows a single long run (a Caspian year) with its elapsed time. Both are off with
``enabled=False`` and draw nothing when stderr is not a terminal (tqdm's ``disable=None``),
except in a notebook, where ``tqdm.auto`` draws a widget.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["NullBar", "run_bar", "study_bar"]

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


def _tqdm(**kwargs: Any) -> Any:  # a tqdm bar or a NullBar
    try:
        from tqdm.auto import tqdm  # optional at import time
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return NullBar()
    return tqdm(file=sys.stderr, disable=None, dynamic_ncols=True, **kwargs)


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
