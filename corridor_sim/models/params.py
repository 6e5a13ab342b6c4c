"""Model parameters and options, each declared once: :class:`Param`, :class:`ParamTable`.

A corridor model declares its parameters as one table of :class:`Param` rows, in the
manner of PyPSA's component attribute tables: name, unit, where the default comes from
(a catalogue id, a rule over years that reads catalogue ids, or a fixed modelling
choice), bounds and a one-line description. Everything else is derived from that one
declaration:

- :meth:`ParamTable.resolve` — the values for a year with overrides applied, every
  override checked (name, type, bounds) in one place;
- :meth:`ParamTable.provenance` — every catalogue row behind every value;
- :meth:`ParamTable.parameters` — what ``corridor-sim models`` and
  :meth:`corridor_sim.Scenario.check` show and check;
- :meth:`ParamTable.describe` / :meth:`ParamTable.markdown` — the parameter table of the
  model's docs page (a test checks the page against it).

Options (study switches such as a site or a week to plot) are declared the same way with
:class:`~corridor_sim.models.options.Option` and :class:`~corridor_sim.models.options.OptionTable`.

Examples
--------
>>> table = ParamTable("demo", [
...     Param("volume_mt_per_yr", "Mt", "crude offered", fact="oil.abc.volume_2023"),
...     Param("share", "-", "a fraction", value=0.5, maximum=1.0),
... ])
>>> p = table.resolve(2023, {"share": 0.25})
>>> p.volume_mt_per_yr, p.share, p.overridden
(1.06, 0.25, ('share',))
>>> table.resolve(2023, {"shar": 1})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
corridor_sim.errors.UnknownNameError: overrides.shar: unknown parameter ... did you mean 'share' ...
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.catalogue import recording, value
from corridor_sim.errors import SpecError, UnknownNameError, is_number, suggest
from corridor_sim.models._suggest import suggest_parameter
from corridor_sim.models.provenance import PROVENANCE_COLUMNS, provenance_table
from corridor_sim.models.relations import Relation

__all__ = [
    "PROVENANCE_COLUMNS",
    "Param",
    "ParamTable",
    "ParamValues",
    "Parameter",
    "Relation",
    "provenance_table",
]

_KINDS = ("float", "int", "bool", "str")


@dataclass(frozen=True, slots=True)
class Parameter:
    """One parameter as the scenario layer and the CLI see it, for one year.

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
        Catalogue id(s) behind the default, comma-separated (``"modelling choice"`` for a
        fixed switch).
    minimum : float or None, default 0.0
        Smallest accepted numeric value (``None``: no bound).
    maximum : float or None, default None
        Largest accepted numeric value.

    Examples
    --------
    >>> from corridor_sim.models import oil
    >>> p = oil.parameters(2025)["kazakh_volume_mt_per_yr"]
    >>> p.unit, p.description
    ('Mt/yr', 'Kazakh crude offered to the Aktau route')
    """

    name: str
    default: Any
    unit: str
    description: str
    source: str = ""
    minimum: float | None = 0.0
    maximum: float | None = None


@dataclass(frozen=True, slots=True)
class Param:
    """The declaration of one model parameter (one row of a model's parameter table).

    Exactly one of `fact`, `rule` and `value` gives the default.

    Parameters
    ----------
    name : str
        Keyword of ``build(year, **overrides)`` and of ``[overrides]``; ends with its unit
        (``capacity_mw``, ``volume_mt_per_yr``) unless it is a count, share or switch.
    unit : str
        Unit of the value; a `fact` default must be in this unit in the catalogue.
    description : str
        One line of what it is.
    fact : str, optional
        Catalogue id whose value is the default in every year.
    rule : callable, optional
        ``rule(year) -> value``: a default that depends on the year or is computed from
        several catalogue rows. It reads the catalogue with
        :func:`corridor_sim.catalogue.value`, so the rows it reads are recorded as the
        parameter's sources without being listed again. Its docstring's first line is
        the "default" text of the docs table.
    value : float, int, bool or str, optional
        A fixed modelling choice (a switch, a study setting) that no catalogue row gives.
    minimum, maximum : float or None
        Bounds of a numeric value (defaults: ``0`` and none); checked on every override.
    strict_minimum : bool, default False
        The value must be strictly above `minimum` (a positive length, a speed).
    kind : {"float", "int", "bool", "str"}, optional
        Value type; inferred from `value` when not given, else ``"float"``.
    choices : tuple of str
        Accepted values of a string parameter.
    fact_unit : str, optional
        The catalogue row's unit when it is written differently from `unit` for the same
        quantity (a yearly volume ``"Mt"`` read as a rate in ``"Mt/yr"``).
    aliases : tuple of str
        Other names users reach for; an unknown override equal to one is answered with
        "did you mean" this parameter (they are not accepted as overrides).
    element : str, optional
        Id of the network element whose capacity this parameter sets, when the name does
        not start with it (``kz_west_link_mw`` sets link ``kz_internal``): figures name the
        element by this declaration (:func:`corridor_sim.plotting.names.element_label`).

    Examples
    --------
    >>> volume = Param("volume_mt_per_yr", "Mt", "crude offered", fact="oil.abc.volume_2023")
    >>> share = Param("share", "-", "a fraction", value=0.5, maximum=1.0)
    >>> volume.default(2023), share.default(2023)
    (1.06, 0.5)
    """

    name: str
    unit: str
    description: str
    fact: str | None = None
    rule: Callable[[int], Any] | None = None
    value: Any = None
    minimum: float | None = 0.0
    maximum: float | None = None
    strict_minimum: bool = False
    kind: str = ""
    choices: tuple[str, ...] = ()
    fact_unit: str = ""
    aliases: tuple[str, ...] = ()
    element: str = ""

    def __post_init__(self) -> None:
        given = [x is not None for x in (self.fact, self.rule, self.value)]
        if sum(given) != 1:
            msg = (
                f"parameter {self.name!r}: give exactly one of fact=, rule= or value= "
                f"(got {sum(given)})"
            )
            raise SpecError(msg)
        kind = self.kind or self._infer_kind()
        if kind not in _KINDS:
            msg = f"parameter {self.name!r}: kind = {kind!r}; {suggest(kind, _KINDS)}"
            raise SpecError(msg)
        object.__setattr__(self, "kind", kind)
        if kind in ("bool", "str"):
            object.__setattr__(self, "minimum", None)

    def _infer_kind(self) -> str:
        if isinstance(self.value, bool):
            return "bool"
        if isinstance(self.value, str) or self.choices:
            return "str"
        if isinstance(self.value, (int, np.integer)) and not isinstance(self.value, bool):
            return "int"
        return "float"

    @property
    def default_text(self) -> str:
        """Where the default comes from, for docs: the catalogue id, the rule, or the value."""
        if self.fact is not None:
            return f"`{self.fact}`"
        if self.rule is not None:
            doc = (self.rule.__doc__ or "").strip().splitlines()
            return doc[0].rstrip(".") if doc else f"rule {self.rule.__name__}"
        return f"{self.value!r} (modelling choice)"

    def default(self, year: int) -> Any:  # the parameter's own type
        """Return the default for `year` (reads the catalogue; recorded by ``recording()``)."""
        if self.fact is not None:
            raw: Any = value(self.fact, unit=self.fact_unit or self.unit)
        elif self.rule is not None:
            raw = self.rule(year)
        else:
            raw = self.value
        return self.coerce(raw, label="default")

    def coerce(self, raw: Any, *, label: str = "overrides") -> Any:
        """Check `raw` against the declaration and return it in the parameter's type.

        Raises
        ------
        SpecError
            Naming ``<label>.<name>``, the value and what was expected.
        """
        where = f"{label}.{self.name} = {raw!r}"
        if self.kind == "bool":
            if not isinstance(raw, (bool, np.bool_)):
                msg = f"{where}: expected true or false"
                raise SpecError(msg)
            return bool(raw)
        if self.kind == "str":
            if not isinstance(raw, str):
                msg = f"{where}: expected a string"
                raise SpecError(msg)
            if self.choices and raw not in self.choices:
                msg = f"{where}: {suggest(raw, self.choices)}"
                raise SpecError(msg)
            return raw
        if not is_number(raw):
            msg = f"{where}: expected a number in {self.unit} ({self.description})"
            raise SpecError(msg)
        try:
            number = float(raw)
        except OverflowError as err:
            msg = f"{where}: expected a finite number in {self.unit}"
            raise SpecError(msg) from err
        if not math.isfinite(number):
            msg = f"{where}: expected a finite number in {self.unit}"
            raise SpecError(msg)
        low, high = self.minimum, self.maximum
        if low is not None and (number < low or (self.strict_minimum and number == low)):
            rel = ">" if self.strict_minimum else ">="
            msg = f"{where}: expected a value {rel} {low:g} {self.unit} ({self.description})"
            raise SpecError(msg)
        if high is not None and number > high:
            msg = f"{where}: expected a value <= {high:g} {self.unit} ({self.description})"
            raise SpecError(msg)
        if self.kind == "int":
            if number != int(number):
                msg = f"{where}: expected a whole number of {self.unit}"
                raise SpecError(msg)
            return int(number)
        return number


class ParamValues(Mapping[str, Any]):
    """The parameter values of one model year: a read-only mapping with attribute access.

    Attributes
    ----------
    year : int
        The model year.
    overridden : tuple of str
        Names whose value came from an override, in the order given.
    """

    __slots__ = ("_table", "_values", "overridden", "year")

    def __init__(
        self,
        table: ParamTable,
        year: int,
        values: Mapping[str, Any],
        overridden: Iterable[str] = (),
    ) -> None:
        self._table = table
        self._values = dict(values)
        self.year = int(year)
        self.overridden = tuple(overridden)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            msg = f"{self._table.model} parameter {name!r}: {suggest(name, self._values)}"
            raise AttributeError(msg) from None

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in list(self._values.items())[:4])
        more = ", ..." if len(self._values) > 4 else ""
        return f"ParamValues({self._table.model} {self.year}: {shown}{more})"

    def replace(self, **overrides: Any) -> ParamValues:
        """Copy with `overrides` applied (checked like any override)."""
        return self._table.resolve(self.year, {**self._overrides(), **overrides})

    def _overrides(self) -> dict[str, Any]:
        return {k: self._values[k] for k in self.overridden}

    def provenance(self, *, read: Iterable[str] = ()) -> pd.DataFrame:
        """Return the provenance table of this year (see :meth:`ParamTable.provenance`)."""
        return self._table.provenance(self.year, self._overrides(), read=read)


@dataclass(frozen=True)
class ParamTable:
    """A model's parameters, declared once (see the module docstring).

    Parameters
    ----------
    model : str
        The model's registry name (used in messages).
    params : sequence of Param
        One row per parameter; names are unique.
    relations : sequence of Relation, optional
        Rules between two parameters, checked on every resolve.
    year_check : callable, optional
        ``year_check(year) -> int``: the model's accepted years (e.g. from its earliest data
        year on), run before :meth:`resolve`, :meth:`parameters` and :meth:`provenance`;
        raises :class:`~corridor_sim.errors.SpecError` naming the year and the range.

    Raises
    ------
    SpecError
        A parameter declared twice, or a relation naming an undeclared parameter.

    Examples
    --------
    >>> table = ParamTable("demo", [Param("share", "-", "a fraction", value=0.5, maximum=1.0)])
    >>> table.resolve(2025, {"share": 0.2}).share
    0.2
    >>> table.resolve(2025, {"share": 2.0})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    corridor_sim.errors.SpecError: overrides.share = 2.0...
    """

    model: str
    params: Sequence[Param]
    relations: Sequence[Relation] = ()
    year_check: Callable[[object], int] | None = None
    _by_name: dict[str, Param] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, Param] = {}
        for p in self.params:
            if p.name in by_name:
                msg = f"model {self.model!r}: parameter {p.name!r} is declared twice"
                raise SpecError(msg)
            by_name[p.name] = p
        for rule in self.relations:
            for name in (rule.left, rule.right):
                if name not in by_name:
                    msg = f"model {self.model!r}: relation names unknown parameter {name!r}"
                    raise SpecError(msg)
        object.__setattr__(self, "params", tuple(self.params))
        object.__setattr__(self, "relations", tuple(self.relations))
        object.__setattr__(self, "_by_name", by_name)

    def __iter__(self) -> Iterator[Param]:
        return iter(self.params)

    def __len__(self) -> int:
        return len(self.params)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> Param:
        try:
            return self._by_name[name]
        except KeyError:
            hint = suggest_parameter(name, self.params)
            msg = f"unknown parameter {name!r} of model {self.model!r}: {hint}"
            raise UnknownNameError(msg) from None

    @property
    def names(self) -> tuple[str, ...]:
        """Parameter names in declaration order."""
        return tuple(self._by_name)

    # -- values -----------------------------------------------------------------
    def check(self, name: str, raw: Any, *, label: str = "overrides") -> Any:
        """Check one override `name` = `raw`; return the value in the parameter's type.

        Raises
        ------
        UnknownNameError
            If `name` is not a parameter (with a "did you mean").
        SpecError
            If the value has the wrong type or is out of bounds.
        """
        if name not in self._by_name:
            msg = (
                f"{label}.{name}: unknown parameter of model {self.model!r}, "
                f"{suggest_parameter(name, self.params)}"
            )
            raise UnknownNameError(msg)
        return self._by_name[name].coerce(raw, label=label)

    def defaults(self, year: int) -> dict[str, Any]:
        """Every parameter's default for `year`."""
        return {p.name: p.default(year) for p in self.params}

    def _year(self, year: Any) -> int:
        """`year` checked by `year_check` (unchecked when the table has none)."""
        return year if self.year_check is None else self.year_check(year)

    def resolve(self, year: int, overrides: Mapping[str, Any] | None = None) -> ParamValues:
        """Values for `year` with `overrides` applied, every override checked.

        Raises
        ------
        UnknownNameError
            An override that is not a parameter.
        SpecError
            A year `year_check` refuses, an override of the wrong type or out of bounds, or
            values that break one of the table's relations (naming both parameters).
        """
        year = self._year(year)
        overrides = dict(overrides or {})
        checked = {k: self.check(k, v) for k, v in overrides.items()}
        values = {
            p.name: checked[p.name] if p.name in checked else p.default(year) for p in self.params
        }
        for rule in self.relations:
            problem = rule.problem(values)
            if problem:
                raise SpecError(problem)
        return ParamValues(self, year, values, overridden=tuple(checked))

    def parameters(self, year: int) -> dict[str, Parameter]:
        """Return the overrides a model accepts in `year`, with defaults, units and sources.

        A model package exposes this as its ``parameters(year)`` (through
        :attr:`ModelEntry.parameters <corridor_sim.models.ModelEntry>`).

        Parameters
        ----------
        year : int
            Model year (checked by `year_check` when the table has one).

        Returns
        -------
        dict of str to Parameter
            Name -> :class:`Parameter` (default for `year`, unit, bounds, and the catalogue
            ids the default reads, ``"modelling choice"`` for a fixed value).

        Raises
        ------
        SpecError
            A year `year_check` refuses.

        Examples
        --------
        >>> from corridor_sim.models import caspian
        >>> p = caspian.parameters(2032)
        >>> p["black_sea_cable_mw"].default, p["az_green_mw"].default, p["az_gas_export_mw"].default
        (1300.0, 9230.0, 2000.0)
        >>> caspian.parameters(2026)["black_sea_cable_mw"].default
        0.0
        """
        year = self._year(year)
        out = {}
        for p in self.params:
            with recording() as ids:
                default = p.default(year)
            out[p.name] = Parameter(
                name=p.name,
                default=default,
                unit=p.unit,
                description=p.description,
                source=", ".join(ids) if ids else "modelling choice",
                minimum=p.minimum,
                maximum=p.maximum,
            )
        return out

    def provenance(
        self,
        year: int,
        overrides: Mapping[str, Any] | None = None,
        *,
        read: Iterable[str] = (),
    ) -> pd.DataFrame:
        """Every parameter's value with the catalogue rows behind it.

        Parameters
        ----------
        year : int
            Model year.
        overrides : mapping, optional
            Overridden values (their rows say ``source_id = "override"``).
        read : iterable of str
            Further catalogue ids the run read outside the parameters (line lengths,
            coordinates, conversion factors): listed as ``parameter = "(fixed)"``.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`PROVENANCE_COLUMNS`: one row per parameter and source id.

        Raises
        ------
        SpecError
            A year `year_check` refuses, or a bad override.

        Examples
        --------
        >>> from corridor_sim.models import serbia
        >>> table = serbia.PARAMS.provenance(2029)
        >>> table.query("parameter == 'efficiency'")["source_id"].tolist()
        ['serbia.plant.efficiency']
        """
        year = self._year(year)
        overrides = dict(overrides or {})
        values = self.resolve(year, overrides)
        rows: list[tuple[str, Any, str, str, str]] = []
        seen: set[str] = set()
        for p in self.params:
            with recording() as ids:
                p.default(year)
            seen.update(ids)
            sources = ["override"] if p.name in overrides else ids or ["modelling choice"]
            rows += [(p.name, values[p.name], p.unit, p.description, i) for i in sources]
        return provenance_table(rows, read=[i for i in read if i not in seen])

    # -- documentation ------------------------------------------------------------
    def describe(self) -> pd.DataFrame:
        """Return the declaration as a table: name, unit, default source, bounds, description."""
        rows = []
        for p in self.params:
            rows.append(
                {
                    "parameter": p.name,
                    "unit": p.unit,
                    "default": p.default_text,
                    "minimum": p.minimum,
                    "maximum": p.maximum,
                    "description": p.description,
                }
            )
        return pd.DataFrame(rows)

    def markdown(self) -> str:
        """Return the parameter table of the model's docs page (Markdown)."""
        lines = [
            "| parameter | unit | default | bounds | description |",
            "|---|---|---|---|---|",
        ]
        for p in self.params:
            if p.kind in ("bool", "str"):
                bounds = " / ".join(p.choices) if p.choices else p.kind
            else:
                low = (
                    "—"
                    if p.minimum is None
                    else f"{'>' if p.strict_minimum else '≥'} {p.minimum:g}"
                )
                high = "" if p.maximum is None else f", ≤ {p.maximum:g}"
                bounds = f"{low}{high}"
            unit = p.unit.replace("|", "/")
            lines.append(f"| `{p.name}` | {unit} | {p.default_text} | {bounds} | {p.description} |")
        return "\n".join(lines) + "\n"
