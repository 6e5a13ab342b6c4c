"""What a corridor model provides to the scenario layer: :class:`ModelEntry`.

Every module in :mod:`corridor_sim.models` defines a module-level ``MODEL``
(a :class:`ModelEntry`). The scenario layer finds it by name through
:func:`corridor_sim.models.get_model`; a model never imports the runner.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

    from corridor_sim.results.result import Result

__all__ = ["EventLike", "ModelEntry", "Parameter", "ScenarioLike"]


@dataclass(frozen=True, slots=True)
class Parameter:
    """One override a model accepts: name, default, unit and where the default comes from.

    Parameters
    ----------
    name : str
        The keyword accepted by the model's ``build`` and by ``[overrides]`` in a scenario.
    default : float, int, str or bool
        The value the model uses for the year asked, when not overridden.
    unit : str
        Unit of the value (``"MW"``, ``"Mt/yr"``, ``"-"``).
    description : str
        One line of what it is.
    source : str
        Catalogue id(s) of the fact or assumption behind the default.
    minimum : float or None, default 0.0
        Smallest accepted numeric value (``None``: no bound).
    maximum : float or None, default None
        Largest accepted numeric value.
    """

    name: str
    default: Any
    unit: str
    description: str
    source: str = ""
    minimum: float | None = 0.0
    maximum: float | None = None


class EventLike(Protocol):
    """An outage or derating: `element` at `availability` from period `start` for `duration`."""

    element: str
    start: int
    duration: int
    availability: float
    days: float | None


class ScenarioLike(Protocol):
    """What a model's ``simulate`` reads from a scenario (see :class:`corridor_sim.Scenario`)."""

    model: str
    year: int
    name: str
    overrides: Mapping[str, Any]
    options: Mapping[str, Any]
    resolution: str | None
    periods: int | None
    seed: int
    events: Sequence[EventLike]
    network: Mapping[str, Any] | None

    def rng(self) -> np.random.Generator:
        """Return a fresh generator seeded from the scenario's seed."""
        ...


@dataclass(frozen=True)
class ModelEntry:
    """A corridor model as the scenario layer sees it.

    Parameters
    ----------
    name : str
        Registry name, used as ``model = "..."`` in scenario files.
    description : str
        One line for ``corridor-sim models``.
    build : callable
        ``build(year=..., **overrides)`` returning the model's network object.
    simulate : callable
        ``simulate(scenario) -> Result``; validates ``scenario.options`` and events,
        raising :class:`~corridor_sim.errors.ScenarioError` naming the key.
    parameters : callable
        ``parameters(year) -> Mapping[str, Parameter]``: the accepted overrides
        (``None``: the model checks its overrides itself, in `check`).
    elements : callable
        ``elements(year) -> Sequence[str]``: element ids an event may name
        (``None``: the model checks event elements itself, in `check`).
    options : mapping of str to str
        Accepted ``[options]`` keys with a short description each.
    resolutions : tuple of str
        Time resolutions the model supports; the first is the default.
    check : callable, optional
        ``check(scenario)``: extra validation run by :meth:`Scenario.check`
        after the generic one (raise :class:`~corridor_sim.errors.ScenarioError`).
    """

    name: str
    description: str
    build: Callable[..., Any]
    simulate: Callable[[ScenarioLike], Result]
    parameters: Callable[[int], Mapping[str, Parameter] | None]
    elements: Callable[[int], Sequence[str] | None]
    options: Mapping[str, str] = field(default_factory=dict)
    resolutions: tuple[str, ...] = ("month",)
    check: Callable[[ScenarioLike], None] | None = None
