"""What a corridor model provides to the scenario layer: :class:`ModelEntry`.

Every model package ``corridor_sim/models/<name>/`` defines a module-level ``MODEL``
(a :class:`ModelEntry`). The scenario layer finds it by name through
:func:`corridor_sim.models.get_model`; a model never imports the runner.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from corridor_sim.errors import SpecError
from corridor_sim.models.options import OptionTable
from corridor_sim.models.params import Parameter, ParamTable, provenance_table

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

    from corridor_sim.results.result import Result

__all__ = [
    "EventLike",
    "ExtrapolationWarning",
    "ModelEntry",
    "Parameter",
    "ScenarioLike",
    "lazy_figures",
]


class ExtrapolationWarning(UserWarning):
    """A model runs a year beyond the figures it has; dated figures are carried forward."""


class EventLike(Protocol):
    """An outage or derating: `element` at `availability` from period `start` for `duration`."""

    # read-only members: frozen dataclasses (Event, Scenario) satisfy them
    @property
    def element(self) -> str:
        """Element id in the model (an arc, a line, a cable)."""
        ...

    @property
    def start(self) -> int:
        """First affected period, 0-based."""
        ...

    @property
    def duration(self) -> int:
        """Number of affected periods."""
        ...

    @property
    def availability(self) -> float:
        """Fraction of the element's capacity available during the event, 0..1."""
        ...

    @property
    def days(self) -> float | None:
        """Outage days inside each affected period (monthly or daily horizons), or None."""
        ...


class ScenarioLike(Protocol):
    """What a model's ``simulate`` reads from a scenario (see :class:`corridor_sim.Scenario`)."""

    @property
    def model(self) -> str:
        """Registered model name."""
        ...

    @property
    def year(self) -> int:
        """The model year."""
        ...

    @property
    def name(self) -> str:
        """Label of the scenario."""
        ...

    @property
    def overrides(self) -> Mapping[str, Any]:
        """Model parameters to replace, by name."""
        ...

    @property
    def options(self) -> Mapping[str, Any]:
        """Model-specific study options."""
        ...

    @property
    def resolution(self) -> str | None:
        """Period length; None takes the model's default."""
        ...

    @property
    def periods(self) -> int | None:
        """Number of periods; None takes the model's default."""
        ...

    @property
    def seed(self) -> int:
        """Seed of every random draw."""
        ...

    @property
    def events(self) -> Sequence[EventLike]:
        """Outages and deratings."""
        ...

    @property
    def sweep(self) -> Mapping[str, Sequence[Any]]:
        """Parameter values to sweep, by name."""
        ...

    @property
    def network(self) -> Mapping[str, Any] | None:
        """The network table of a ``model = "commodity"`` scenario, else None."""
        ...

    def rng(self) -> np.random.Generator:
        """Return a fresh generator seeded from the scenario's seed."""
        ...


def lazy_figures(target: str) -> Callable[[Result], dict[str, Figure]]:
    """Return a ``figures`` function that imports ``"package.module:function"`` when first called.

    A model's figures need matplotlib; naming them this way keeps it out of the model's import.

    Raises
    ------
    SpecError
        `target` is not of the form ``"package.module:function"``.
    """
    module, _, name = target.partition(":")
    if not module or not name:
        msg = f"figures = {target!r}: expected 'package.module:function'"
        raise SpecError(msg)

    def figures(result: Result) -> dict[str, Figure]:
        import importlib

        return getattr(importlib.import_module(module), name)(result)

    figures.__doc__ = f"Figures of a result, drawn by ``{target}``."
    return figures


def _from_params(year: int) -> Mapping[str, Parameter] | None:
    """Default ``ModelEntry.parameters``: `params`'s, set in ``__post_init__`` (else none)."""
    return None


def _no_elements(year: int) -> Sequence[str] | None:
    """Default ``ModelEntry.elements``: none listed, the model checks event elements itself."""
    return None


@dataclass(frozen=True)
class ModelEntry:
    """A corridor model as the scenario layer sees it.

    Parameters
    ----------
    name : str
        Registry name, used as ``model = "..."`` in scenario files; a model package
        ``corridor_sim/models/<name>/`` is found by this name.
    description : str
        One line for ``corridor-sim models``.
    build : callable
        ``build(year, **overrides)`` returning the model's network object.
    simulate : callable
        ``simulate(scenario) -> Result``; validates ``scenario.options`` and events,
        raising :class:`~corridor_sim.errors.ScenarioError` naming the key.
    params : ParamTable, optional
        The parameters, declared once; gives `parameters`, override checks and the
        provenance of every run. ``None`` for a model whose overrides are free-form
        (the user-described commodity network checks them in `check`).
    parameters : callable, optional
        ``parameters(year) -> Mapping[str, Parameter] | None``; derived from `params`
        when not given.
    elements : callable, optional
        ``elements(year) -> Sequence[str]``: element ids an event may name
        (``None``: the model checks event elements itself, in `check`).
    options : OptionTable or mapping of str to str
        Accepted ``[options]`` keys (declared with :class:`~corridor_sim.models.options.Option`,
        or as name -> description).
    resolutions : tuple of str
        Time resolutions the model supports; the first is the default.
    check : callable, optional
        ``check(scenario)``: extra validation run by :meth:`Scenario.check`
        after the generic one (raise :class:`~corridor_sim.errors.ScenarioError`).
    figures : callable, optional
        ``figures(result) -> dict[str, Figure]``: the figures ``corridor-sim run --out``
        writes (file stem -> figure); :func:`lazy_figures` names one by
        ``"package.module:function"`` so matplotlib loads only when figures are drawn.
    max_periods : int, optional
        Longest horizon the model runs, in periods of its default resolution.
    years : (int, int), optional
        First and last year the model's figures cover. A scenario before the first is
        refused; one after the last runs with an :class:`ExtrapolationWarning` naming the
        dated figures it carries forward.

    Examples
    --------
    >>> from corridor_sim.models import get_model
    >>> entry = get_model("oil")
    >>> entry.name, entry.resolutions, entry.years
    ('oil', ('month',), (2023, 2026))
    >>> "btc" in entry.elements(2025)
    True
    """

    name: str
    description: str
    build: Callable[..., Any]
    simulate: Callable[[ScenarioLike], Result]
    params: ParamTable | None = None
    parameters: Callable[[int], Mapping[str, Parameter] | None] = _from_params
    elements: Callable[[int], Sequence[str] | None] = _no_elements
    options: Any = field(default_factory=dict)
    resolutions: tuple[str, ...] = ("month",)
    check: Callable[[ScenarioLike], None] | None = None
    figures: Callable[[Result], dict[str, Figure]] | None = None
    max_periods: int | None = None
    years: tuple[int, int] | None = None
    option_table: OptionTable | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.options, OptionTable):
            object.__setattr__(self, "option_table", self.options)
            object.__setattr__(self, "options", self.options.descriptions())
        else:
            object.__setattr__(self, "options", dict(self.options))
        if self.parameters is None or self.parameters is _from_params:  # None still accepted
            derived = _from_params if self.params is None else self.params.parameters
            object.__setattr__(self, "parameters", derived)
        if self.elements is None:
            object.__setattr__(self, "elements", _no_elements)

    def parameter_provenance(self, year: int, **overrides: Any) -> pd.DataFrame:
        """Every parameter of the `year` model with its value, unit and catalogue id(s).

        A model package exposes this as its ``provenance(year, **overrides)``.

        Parameters
        ----------
        year : int
            Model year.
        **overrides
            Parameter values replacing the defaults (marked ``"override"``).

        Returns
        -------
        pandas.DataFrame
            Columns :data:`~corridor_sim.models.params.PROVENANCE_COLUMNS`: one row per
            parameter and catalogue id (:meth:`ParamTable.provenance
            <corridor_sim.models.params.ParamTable.provenance>`).

        Raises
        ------
        SpecError
            A model without declared parameters (``params`` is None), or a bad override.

        Examples
        --------
        >>> from corridor_sim.models import serbia
        >>> table = serbia.provenance(2029)
        >>> table.query("parameter == 'efficiency'")["source_id"].tolist()
        ['serbia.plant.efficiency']
        """
        if self.params is None:
            msg = f"model {self.name!r} declares no parameters; expected a ParamTable"
            raise SpecError(msg)
        return self.params.provenance(year, overrides)

    def run(self, scenario: ScenarioLike) -> Result:
        """``simulate(scenario)`` plus the provenance of every catalogue row the run read.

        The run's catalogue reads are recorded (:func:`corridor_sim.catalogue.recording`);
        the Result gets a ``provenance`` table
        (:data:`~corridor_sim.models.params.PROVENANCE_COLUMNS`) with every parameter's value
        and sources, overrides marked ``"override"``, and the other rows read listed as
        ``"(fixed)"``.
        """
        from corridor_sim.catalogue import recording

        with recording() as read:
            result = self.simulate(scenario)
        result.tables["provenance"] = self.provenance(scenario, read)
        self._warn_extrapolated(int(scenario.year), read)
        return result

    def _warn_extrapolated(self, year: int, read: Sequence[str]) -> None:
        """Warn when `year` lies beyond the model's figures, naming the dated rows carried on."""
        if self.years is None or year <= self.years[1]:
            return
        import warnings

        from corridor_sim.catalogue import fact

        dated = sorted(
            ((fact(i, record=False).year, i) for i in read if fact(i, record=False).year),
            reverse=True,
        )
        shown = ", ".join(f"{i} ({y})" for y, i in dated[:5])
        more = f" and {len(dated) - 5} more" if len(dated) > 5 else ""
        msg = (
            f"model {self.name!r}, year {year}: its figures cover {self.years[0]}.."
            f"{self.years[1]}; later years carry these figures forward: {shown}{more}"
        )
        warnings.warn(msg, ExtrapolationWarning, stacklevel=3)

    def provenance(self, scenario: ScenarioLike, read: Sequence[str] = ()) -> pd.DataFrame:
        """Return the provenance table of `scenario`, given the catalogue ids the run `read`."""
        overrides = dict(scenario.overrides)
        if self.params is not None:
            return self.params.provenance(int(scenario.year), overrides, read=read)
        rows = [(k, v, "", "override of the scenario", "override") for k, v in overrides.items()]
        return provenance_table(rows, read=read)
