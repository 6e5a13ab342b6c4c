"""corridor_sim: simulate the energy and oil corridors from Central Asia and the Caspian to Europe.

The public API is small and flat:

- :func:`facts`, :func:`fact` — the documented-figures catalogue (seed facts and
  labelled assumptions);
- :class:`Scenario`, :func:`run`, :func:`sweep`, :func:`monte_carlo`, :func:`diff` —
  scenario runs, sweeps (a grid of scenarios) and Monte Carlo studies, which return a
  :class:`StudyResult` (``summary()``: P10/P50/P90, bottleneck frequency, sensitivity);
- :class:`Result` — tidy result tables with ``summary()``, ``save()`` and ``Result.load()``;
- :class:`CorridorSimError` — the base of every error the library raises.

Models live in :mod:`corridor_sim.models` (``oil``, ``caspian``, ``serbia``), solvers in
:mod:`corridor_sim.engines` (``commodity``, ``power``), figures in :mod:`corridor_sim.plotting`.
Everything but the errors is imported on first use, so ``import corridor_sim`` takes
milliseconds and imports neither numpy nor pandas (the ``corridor-sim`` command relies on
it to take Ctrl-C from its first moment). The library
logs to the ``corridor_sim`` logger and configures no handler of its own (a ``NullHandler``):
the application (``corridor-sim -v``, or ``logging.basicConfig`` in a notebook) decides.
"""

from __future__ import annotations

# first of all: the ``corridor-sim`` command takes Ctrl-C from here on (one line, exit 130)
from corridor_sim import _sigint

_sigint.guard_start()

import importlib  # noqa: E402
import logging  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

from corridor_sim.errors import CorridorSimError  # noqa: E402

if TYPE_CHECKING:
    from corridor_sim.results.result import Result

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "CorridorSimError",
    "Result",
    "Scenario",
    "StudyInterrupted",
    "StudyResult",
    "__version__",
    "diff",
    "fact",
    "facts",
    "monte_carlo",
    "run",
    "sweep",
]

_LAZY = {
    "Result": ("corridor_sim.results.result", "Result"),
    "facts": ("corridor_sim.catalogue", "facts"),
    "fact": ("corridor_sim.catalogue", "fact"),
    "Scenario": ("corridor_sim.scenarios.scenario", "Scenario"),
    "run": ("corridor_sim.scenarios.runner", "run"),
    "sweep": ("corridor_sim.scenarios.runner", "sweep"),
    "monte_carlo": ("corridor_sim.scenarios.runner", "monte_carlo"),
    "diff": ("corridor_sim.scenarios.diff", "diff"),
    "StudyResult": ("corridor_sim.scenarios.study", "StudyResult"),
    "StudyInterrupted": ("corridor_sim.scenarios.checkpoint", "StudyInterrupted"),
}


def __getattr__(name: str) -> Any:  # returns the lazily imported object
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    msg = f"module 'corridor_sim' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
