"""Corridor models, one module each, found by name.

Each module defines ``build(year=..., **overrides)`` and a module-level
``MODEL`` (:class:`~corridor_sim.models.base.ModelEntry`). Adding a corridor
is one new module here plus one line in ``_MODULES``.
"""

from __future__ import annotations

import importlib

from corridor_sim.errors import UnknownNameError, suggest
from corridor_sim.models.base import ModelEntry, Parameter

__all__ = ["ModelEntry", "Parameter", "available_models", "get_model"]

_MODULES: dict[str, str] = {
    "oil": "corridor_sim.models.oil",
    "caspian": "corridor_sim.models.caspian",
    "serbia": "corridor_sim.models.serbia",
    "commodity": "corridor_sim.models.custom",
}


def available_models() -> list[str]:
    """Names accepted as ``model = "..."`` in a scenario."""
    return sorted(_MODULES)


def get_model(name: str) -> ModelEntry:
    """Return the registered model called `name`.

    Raises
    ------
    UnknownNameError
        If no model has that name; the message lists the known ones.
    """
    if name not in _MODULES:
        msg = f"model = {name!r}: unknown model, {suggest(name, _MODULES)}"
        raise UnknownNameError(msg)
    module = importlib.import_module(_MODULES[name])
    return module.MODEL
