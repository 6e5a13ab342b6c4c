"""Corridor models, one package each, found by name.

A model is a package ``corridor_sim/models/<name>/`` whose ``__init__`` defines
``build(year, **overrides)`` and a module-level ``MODEL``
(:class:`~corridor_sim.models.base.ModelEntry`). Packages are discovered: adding a corridor
is one new folder here (plus its catalogue CSV, examples, docs page and tests), with no list
to edit. A model living in another installed package registers through the entry point
group ``corridor_sim.models``; in its ``pyproject.toml``::

    [project.entry-points."corridor_sim.models"]
    my_corridor = "my_package.my_corridor:MODEL"

(the target may be the ``ModelEntry`` or a module that defines ``MODEL``). It then runs
with ``corridor-sim run`` and :func:`corridor_sim.run` like the built-in models.

Examples
--------
>>> from corridor_sim.models import available_models, get_model
>>> {"oil", "caspian", "serbia", "commodity"} <= set(available_models())
True
>>> get_model("oil").resolutions
('month',)
"""

from __future__ import annotations

import importlib
import pkgutil
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType

from corridor_sim.errors import SpecError, UnknownNameError, suggest
from corridor_sim.models.base import ModelEntry
from corridor_sim.models.options import Option, OptionTable
from corridor_sim.models.params import Param, Parameter, ParamTable

__all__ = [
    "ENTRY_POINT_GROUP",
    "ModelEntry",
    "Option",
    "OptionTable",
    "Param",
    "ParamTable",
    "Parameter",
    "available_models",
    "get_model",
]

#: Entry point group through which other installed packages register models.
ENTRY_POINT_GROUP = "corridor_sim.models"
#: Sub-packages that are not models: the shared toolkit of the corridor models.
_NOT_MODELS = frozenset({"toolkit"})


def _packages() -> list[str]:
    """Model packages shipped in ``corridor_sim/models/`` (not ``toolkit``, not starting with _)."""
    return sorted(
        m.name
        for m in pkgutil.iter_modules(__path__)
        if m.ispkg and not m.name.startswith("_") and m.name not in _NOT_MODELS
    )


def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def available_models() -> list[str]:
    """Names accepted as ``model = "..."`` in a scenario (built-in and registered).

    Returns
    -------
    list of str
        Sorted: the packages of ``corridor_sim/models/`` and the models registered
        through the ``corridor_sim.models`` entry point group.

    Examples
    --------
    >>> available_models()
    ['caspian', 'commodity', 'middle_corridor', 'oil', 'serbia']
    """
    return sorted({*_packages(), *_entry_points()})


def _entry_of(obj: object, origin: str) -> ModelEntry:
    if isinstance(obj, ModuleType):
        obj = getattr(obj, "MODEL", None)
    if not isinstance(obj, ModelEntry):
        msg = (
            f"{origin}: expected a ModelEntry (a module-level MODEL = ModelEntry(...)), "
            f"found {type(obj).__name__}"
        )
        raise SpecError(msg)
    return obj


def get_model(name: str) -> ModelEntry:
    """Return the model called `name`.

    Built-in packages come first; then models registered through the
    ``corridor_sim.models`` entry point group.

    Parameters
    ----------
    name : str
        A name of :func:`available_models`.

    Returns
    -------
    ModelEntry
        The model's build and simulate functions, parameters, options and years.

    Raises
    ------
    UnknownNameError
        If no model has that name; the message lists the known ones.
    SpecError
        If the package or entry point does not provide a :class:`ModelEntry`.

    Examples
    --------
    >>> entry = get_model("caspian")
    >>> entry.resolutions[0], "caspian_cable_mw" in entry.parameters(2032)
    ('hour', True)
    """
    if not isinstance(name, str):
        msg = f"model = {name!r}: expected a model name string, e.g. 'oil'"
        raise UnknownNameError(msg)
    if name in _packages():
        module = importlib.import_module(f"{__name__}.{name}")
        entry = _entry_of(module, f"corridor_sim/models/{name}/__init__.py")
    else:
        points = _entry_points()
        if name not in points:
            msg = f"model = {name!r}: unknown model, {suggest(name, available_models())}"
            raise UnknownNameError(msg)
        entry = _entry_of(points[name].load(), f"entry point {name!r} ({points[name].value})")
    if entry.name != name:
        msg = f"model {name!r}: its MODEL is named {entry.name!r}; the two must agree"
        raise SpecError(msg)
    return entry
