"""The scenario contract: :class:`Scenario` and :class:`Event`, loadable from TOML.

A scenario names a model, a year, parameter overrides, a time horizon, events
(outages, deratings) and a seed. It is validated twice: its own fields when it
is made (types, signs, NaN) and, with :meth:`Scenario.check`, against the model
it names (parameter names and bounds, element names, resolution).

A scenario file looks like this::

    model = "oil"
    year = 2025
    name = "btc-outage"
    seed = 7
    resolution = "month"
    periods = 12

    [overrides]
    kazakh_volume_mt_per_yr = 1.7

    [[events]]
    element = "btc"
    start = 5        # 0-based period index (June)
    duration = 1
    days = 10        # outage days inside each affected period
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from corridor_sim.errors import ScenarioError, SpecError, UnknownNameError, is_number, suggest
from corridor_sim.models.params import Param, ParamTable
from corridor_sim.scenarios._display import scenario_html, scenario_repr
from corridor_sim.scenarios._toml import dumps
from corridor_sim.scenarios.event import Event

__all__ = ["Event", "Resolution", "Scenario"]

#: Years a scenario may name (each model narrows this to what its figures cover).
YEAR_RANGE = (1990, 2100)
_YEAR_RANGE = YEAR_RANGE


class Resolution(StrEnum):
    """Length of one period of a scenario's horizon.

    Attributes
    ----------
    HOUR, DAY, MONTH, YEAR : str
        ``"hour"``, ``"day"``, ``"month"``, ``"year"``: the values ``resolution`` takes in
        a scenario; each model lists those it supports (its first is the default).

    Examples
    --------
    >>> Resolution("month") is Resolution.MONTH
    True
    >>> from corridor_sim.models import get_model
    >>> [Resolution(r).value for r in get_model("oil").resolutions]
    ['month']
    """

    HOUR = "hour"
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


def _where(source: Path | None) -> str:
    return f"{source.name}: " if source is not None else ""


_EVENT_KEYS = tuple(f.name for f in dataclasses.fields(Event))


def _check_value(key: str, value: Any, source: Path | None, table: str = "overrides") -> None:
    """Check an override: a finite number, a boolean, a string or a list of those."""
    where = _where(source)
    if isinstance(value, (bool, str)):
        return
    if is_number(value):
        try:
            finite = math.isfinite(float(value))
        except OverflowError:
            finite = False
        if not finite:
            digits = str(value) if isinstance(value, int) else ""
            shown = f"{digits[:6]}... ({len(digits)} digits)" if digits else repr(value)
            msg = f"{where}{table}.{key} = {shown}: expected a finite number"
            raise ScenarioError(msg)
        return
    if isinstance(value, Sequence):
        for item in value:
            _check_value(key, item, source, table)
        return
    msg = (
        f"{where}{table}.{key} = {value!r} ({type(value).__name__}): "
        "expected a number, a boolean, a string or a list of those"
    )
    raise ScenarioError(msg)


@dataclass(frozen=True, repr=False)
class Scenario:
    """A validated description of one model run.

    Parameters
    ----------
    model : str
        Registered model name: ``"oil"``, ``"caspian"``, ``"serbia"`` or
        ``"commodity"`` (a network described in the file's ``[network]`` table).
    year : int
        The model year; models use what is documented or assumed for it.
    name : str, optional
        Label of the scenario (defaults to the file stem when loaded from TOML).
    description : str, optional
        Free text.
    seed : int, default 0
        Seed of every random draw (profiles, Monte Carlo); same seed, same tables.
    resolution : {"hour", "day", "month", "year"}, optional
        Period length; ``None`` takes the model's default.
    periods : int, optional
        Number of periods; ``None`` takes the model's default (a full year).
    overrides : mapping, optional
        Model parameters to replace (names from the model's ``parameters``).
    options : mapping, optional
        Model-specific study options (e.g. a site, a week to plot).
    events : sequence of Event or dict, optional
        Outages and deratings.
    sweep : mapping of str to list, optional
        Parameter values for :func:`corridor_sim.sweep` / ``corridor-sim sweep``.
    network : mapping, optional
        For ``model = "commodity"``: the network (unit, periods, nodes, arcs).
    source : Path, optional
        File the scenario was read from (used in error messages; not saved).

    Raises
    ------
    ScenarioError
        On a wrong type or value, naming the file, the key and the expected form.

    Examples
    --------
    >>> s = Scenario(model="oil", year=2025, overrides={"kazakh_volume_mt_per_yr": 1.7})
    >>> s.with_overrides(kazakh_volume_mt_per_yr=2.0).overrides["kazakh_volume_mt_per_yr"]
    2.0
    """

    model: str
    year: int
    name: str = ""
    description: str = ""
    seed: int = 0
    resolution: str | None = None
    periods: int | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    events: tuple[Event, ...] = ()
    sweep: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    network: Mapping[str, Any] | None = None
    source: Path | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        where = _where(self.source)
        if not isinstance(self.model, str) or not self.model:
            msg = f"{where}model = {self.model!r}: expected a model name string, e.g. 'oil'"
            raise ScenarioError(msg)
        if not isinstance(self.year, (int, np.integer)) or isinstance(self.year, bool):
            msg = f"{where}year = {self.year!r}: expected an integer year, e.g. 2025"
            raise ScenarioError(msg)
        if not _YEAR_RANGE[0] <= self.year <= _YEAR_RANGE[1]:
            lo, hi = _YEAR_RANGE
            msg = f"{where}year = {self.year}: expected a year between {lo} and {hi}"
            raise ScenarioError(msg)
        for key in ("name", "description"):
            if not isinstance(getattr(self, key), str):
                msg = f"{where}{key} = {getattr(self, key)!r}: expected a string"
                raise ScenarioError(msg)
        if (
            not isinstance(self.seed, (int, np.integer))
            or isinstance(self.seed, bool)
            or self.seed < 0
        ):
            msg = f"{where}seed = {self.seed!r}: expected an integer >= 0"
            raise ScenarioError(msg)
        if self.resolution is not None and self.resolution not in Resolution.__members__.values():
            msg = f"{where}resolution = {self.resolution!r}: expected one of " + ", ".join(
                repr(r.value) for r in Resolution
            )
            raise ScenarioError(msg)
        if self.periods is not None and (
            not isinstance(self.periods, (int, np.integer))
            or isinstance(self.periods, bool)
            or self.periods < 1
        ):
            msg = f"{where}periods = {self.periods!r}: expected a positive integer"
            raise ScenarioError(msg)
        for table in ("overrides", "options", "sweep"):
            if not isinstance(getattr(self, table), Mapping):
                msg = (
                    f"{where}[{table}] = {getattr(self, table)!r}: expected a table of key = value"
                )
                raise ScenarioError(msg)
        for key, value in self.overrides.items():
            _check_value(key, value, self.source)
        for key, values in self.sweep.items():
            if isinstance(values, (str, Mapping)) or not isinstance(values, Sequence) or not values:
                msg = f"{where}sweep.{key} = {values!r}: expected a non-empty list of values"
                raise ScenarioError(msg)
            _check_value(key, list(values), self.source, "sweep")
        if self.network is not None and not isinstance(self.network, Mapping):
            msg = f"{where}[network] = {self.network!r}: expected a table with nodes and arcs"
            raise ScenarioError(msg)
        object.__setattr__(self, "overrides", MappingProxyType(dict(self.overrides)))
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))
        object.__setattr__(
            self, "sweep", MappingProxyType({k: list(v) for k, v in self.sweep.items()})
        )
        object.__setattr__(self, "events", tuple(self._events(self.events)))

    def _events(self, raw: Sequence[Event | Mapping[str, Any]]) -> list[Event]:
        where = _where(self.source)
        if isinstance(raw, (str, Mapping)) or not isinstance(raw, Sequence):
            msg = f"{where}events = {raw!r}: expected a list of [[events]] tables"
            raise ScenarioError(msg)
        events = []
        for i, item in enumerate(raw):
            if isinstance(item, Event):
                events.append(item)
                continue
            if not isinstance(item, Mapping):
                msg = f"{where}events[{i}] = {item!r}: expected a table with element, start, ..."
                raise ScenarioError(msg)
            unknown = set(item) - set(_EVENT_KEYS)
            if unknown:
                bad = sorted(unknown)[0]
                msg = f"{where}events[{i}].{bad}: unknown key, {suggest(bad, _EVENT_KEYS)}"
                raise ScenarioError(msg)
            missing = [k for k in ("element", "start") if k not in item]
            if missing:
                msg = (
                    f"{where}events[{i}]: missing key {missing[0]!r} "
                    "(an event needs element and start)"
                )
                raise ScenarioError(msg)
            try:
                events.append(Event(**item))
            except ScenarioError as err:
                msg = f"{where}events[{i}]: {err}"
                raise ScenarioError(msg) from err
        return events

    # -- construction ------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: Path | None = None) -> Scenario:
        """Make a Scenario from a mapping with the same keys as a scenario file.

        Raises
        ------
        ScenarioError
            On an unknown key (with suggestions), a missing ``model`` or ``year``,
            or any invalid value.
        """
        where = _where(source)
        known = [f.name for f in dataclasses.fields(cls) if f.name != "source"]
        for key in data:
            if key not in known:
                msg = f"{where}{key}: unknown key, {suggest(key, known)}"
                raise ScenarioError(msg)
        for key in ("model", "year"):
            if key not in data:
                msg = f"{where}missing key {key!r}: a scenario needs at least model and year"
                raise ScenarioError(msg)
        kwargs = dict(data)
        if source is not None and not kwargs.get("name"):
            kwargs["name"] = source.stem
        return cls(**kwargs, source=source)

    @classmethod
    def from_toml(cls, path: str | Path, *, check: bool = True) -> Scenario:
        """Load a scenario file and (by default) check it against its model.

        Parameters
        ----------
        path : str or Path
            The TOML file.
        check : bool, default True
            Also run :meth:`check` (parameter and element names, bounds).

        Raises
        ------
        ScenarioError
            If `path` is not a path, the file is missing, is not valid TOML, or holds an
            invalid scenario.
        """
        if not isinstance(path, (str, os.PathLike)) or isinstance(path, bytes):
            msg = (
                f"Scenario.from_toml(path = {path!r}): expected the path of a scenario file "
                "(str or pathlib.Path), e.g. 'examples/oil_baseline_2025.toml'"
            )
            raise ScenarioError(msg)
        src = Path(path)
        try:
            text = src.read_text(encoding="utf-8")
        except FileNotFoundError as err:
            msg = f"{src}: no such scenario file"
            raise ScenarioError(msg) from err
        except UnicodeDecodeError as err:
            msg = f"{src.name}: not UTF-8 text ({err.reason} at byte {err.start}); expected TOML"
            raise ScenarioError(msg) from err
        except OSError as err:
            msg = f"{src}: cannot read the scenario file ({err.strerror or err})"
            raise ScenarioError(msg) from err
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            msg = f"{src.name}: not valid TOML ({err})"
            raise ScenarioError(msg) from err
        scenario = cls.from_dict(data, source=src)
        if check:
            scenario.check()
        return scenario

    def to_dict(self) -> dict[str, Any]:
        """Return the scenario as a plain dict (the TOML file's content); unset fields left out."""
        out: dict[str, Any] = {"model": self.model, "year": int(self.year)}
        for key in ("name", "description"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        out["seed"] = int(self.seed)
        if self.resolution is not None:
            out["resolution"] = str(self.resolution)
        if self.periods is not None:
            out["periods"] = int(self.periods)
        for key in ("overrides", "options", "sweep"):
            if getattr(self, key):
                out[key] = dict(getattr(self, key))
        if self.events:
            out["events"] = [e.to_dict() for e in self.events]
        if self.network is not None:
            out["network"] = dict(self.network)
        return out

    def to_toml(self, path: str | Path | None = None) -> str:
        """Return the scenario as TOML text, writing it to `path` when given.

        ``Scenario.from_toml(path)`` reads back an equal scenario.
        """
        text = dumps(self.to_dict())
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def replace(self, **changes: Any) -> Scenario:
        """Return a copy with some fields replaced, validated again.

        Parameters
        ----------
        **changes
            Scenario fields and their new values (``name=``, ``year=``, ``overrides=``,
            ``events=``, ...); ``overrides=`` replaces the whole table (see
            :meth:`with_overrides` to add to it).

        Returns
        -------
        Scenario
            A new scenario; this one is unchanged (scenarios are frozen).

        Raises
        ------
        ScenarioError
            A field value that the scenario's checks refuse.
        TypeError
            A name that is not a field of :class:`Scenario`.

        Examples
        --------
        >>> s = Scenario(model="oil", year=2025, name="base")
        >>> s.replace(year=2030, name="later").year
        2030
        """
        return dataclasses.replace(self, **changes)

    def with_overrides(self, **overrides: Any) -> Scenario:
        """Return a copy with `overrides` merged into the existing ones.

        Parameters
        ----------
        **overrides
            Model parameter name (or, for the ``commodity`` model, ``element.field``) to
            value; these win over the scenario's own overrides of the same name.

        Returns
        -------
        Scenario
            A new scenario with the merged ``overrides`` (checked when it runs, or with
            :meth:`check`).

        Examples
        --------
        >>> s = Scenario(model="oil", year=2025, overrides={"kazakh_volume_mt_per_yr": 1.7})
        >>> dict(s.with_overrides(btc_spare_capacity_mt_per_yr=10.0).overrides)
        {'kazakh_volume_mt_per_yr': 1.7, 'btc_spare_capacity_mt_per_yr': 10.0}
        """
        return self.replace(overrides={**self.overrides, **overrides})

    # -- display ----------------------------------------------------------------
    def __repr__(self) -> str:
        """One line: model, year, name, horizon, seed and what the scenario changes."""
        return scenario_repr(self)

    def _repr_html_(self) -> str:
        """Return a card for notebooks: the fields, overrides, options, events and sweep."""
        return scenario_html(self)

    def __reduce__(self) -> tuple[Any, ...]:
        # MappingProxyType does not pickle: rebuild from the plain dict (process pools).
        return (_rebuild, (self.to_dict(), self.source))

    def rng(self) -> np.random.Generator:
        """Return a fresh :class:`numpy.random.Generator` seeded with :attr:`seed`."""
        return np.random.default_rng(self.seed)

    # -- model checks ------------------------------------------------------------
    def check(self) -> Scenario:
        """Check the scenario against its model; return it unchanged when valid.

        Checks the model name, the resolution, every override name and bound,
        every sweep parameter and every event element.

        Raises
        ------
        ScenarioError
            Naming the file, the key, the value and the expected form.
        """
        from corridor_sim.models import get_model  # the registry imports pandapower lazily

        where = _where(self.source)
        try:
            entry = get_model(self.model)
        except UnknownNameError as err:
            msg = f"{where}{err}"
            raise ScenarioError(msg) from err
        if self.network is not None and self.model != "commodity":
            msg = (
                f"{where}[network]: model {self.model!r} builds its own network and would "
                "ignore this table; expected model = 'commodity' for a network of your own"
            )
            raise ScenarioError(msg)
        if (
            entry.max_periods is not None
            and self.periods is not None
            and self.periods > entry.max_periods
        ):
            unit = self.resolution or entry.resolutions[0]
            msg = (
                f"{where}periods = {self.periods}: model {self.model!r} runs at most "
                f"{entry.max_periods} {unit}s; expected 1..{entry.max_periods}"
            )
            raise ScenarioError(msg)
        if entry.years is not None and self.year < entry.years[0]:
            first, last = entry.years
            msg = (
                f"{where}year = {self.year}: model {self.model!r} has figures for "
                f"{first}..{last}; expected year >= {first}"
            )
            raise ScenarioError(msg)
        if self.resolution is not None and self.resolution not in entry.resolutions:
            msg = (
                f"{where}resolution = {self.resolution!r}: model {self.model!r} supports "
                + ", ".join(repr(r) for r in entry.resolutions)
            )
            raise ScenarioError(msg)
        checks = self._parameter_checks(entry)
        if checks is not None:
            for key, value in self.overrides.items():
                self._check_parameter("overrides", key, value, checks)
            for key, values in self.sweep.items():
                if key == "year":
                    continue
                for value in values:
                    self._check_parameter("sweep", key, value, checks)
        for key in self.options:
            if entry.options and key not in entry.options:
                msg = (
                    f"{where}options.{key}: unknown option for model {self.model!r}, "
                    f"{suggest(key, entry.options)}"
                )
                raise ScenarioError(msg)
        elements = entry.elements(self.year) if self.events else None
        if elements is not None:
            elements = list(elements)
            for i, event in enumerate(self.events):
                if event.element not in elements:
                    msg = (
                        f"{where}events[{i}].element = {event.element!r}: unknown element of "
                        f"model {self.model!r}, {suggest(event.element, elements)}"
                    )
                    raise ScenarioError(msg)
        if entry.check is not None:
            entry.check(self)
        return self

    def _parameter_checks(self, entry: Any) -> Any:  # a ParamTable
        """Return the model's parameter declaration, or one made from ``parameters(year)``."""
        if entry.params is not None:
            return entry.params
        params = entry.parameters(self.year)
        if params is None:
            return None
        rows = [
            Param(
                p.name, p.unit, p.description, value=p.default, minimum=p.minimum, maximum=p.maximum
            )
            for p in params.values()
        ]
        return ParamTable(self.model, rows)

    def _check_parameter(
        self,
        table: str,
        key: str,
        value: Any,
        params: ParamTable,
    ) -> None:
        try:
            params.check(key, value, label=table)
        except (UnknownNameError, SpecError) as err:
            msg = f"{_where(self.source)}{err}"
            raise ScenarioError(msg) from err


def _rebuild(data: dict[str, Any], source: Path | None) -> Scenario:
    scenario = Scenario.from_dict(data, source=source)
    return scenario
