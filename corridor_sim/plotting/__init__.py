"""Matplotlib figures drawn from a :class:`~corridor_sim.Result` only.

Each model has a module here (``oil``, ``caspian``, ``serbia``) with plot functions
that take a Result (and ``ax=None``), never call ``show()``, and return the Axes or
Figure, plus ``figures(result) -> dict[str, Figure]`` used by ``corridor-sim run --out``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from corridor_sim.results.result import Result

__all__ = ["figures"]


def figures(result: Result) -> dict[str, Figure]:
    """All standard figures for `result`, keyed by a file-name stem.

    The plotting module is chosen by ``result.meta["model"]``; a model without a
    plotting module gives an empty dict.
    """
    model = str(result.meta.get("model", ""))
    try:
        module = importlib.import_module(f"corridor_sim.plotting.{model}")
    except ModuleNotFoundError as err:
        if err.name == f"corridor_sim.plotting.{model}":
            return {}
        raise
    return module.figures(result)
