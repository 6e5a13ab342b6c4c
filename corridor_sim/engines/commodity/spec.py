"""Data classes of the commodity-flow engine: Node, Arc, CommodityNetwork (and NodeKind).

Import them from :mod:`corridor_sim.engines.commodity`; this module only keeps
that one under ~500 lines. Every check runs in ``__post_init__`` and raises
:class:`~corridor_sim.errors.SpecError` (bad value) or
:class:`~corridor_sim.errors.UnknownNameError` (unknown node or arc id), naming
the element, the field, the value and the expected form.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from numbers import Real
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd

from corridor_sim.errors import SpecError, suggest

__all__ = ["Arc", "Node", "NodeKind"]

PerPeriod = float | Sequence[float]


class NodeKind(StrEnum):
    """Role of a node: where the commodity enters, leaves, waits or passes.

    Attributes
    ----------
    SUPPLY, DEMAND, STORAGE, TRANSIT : str
        ``"supply"``, ``"demand"``, ``"storage"``, ``"transit"`` (the ``kind`` of a
        :class:`Node`, also accepted as the plain string).

    Examples
    --------
    >>> Node("sangachal", kind="storage", storage_capacity=400.0).kind is NodeKind.STORAGE
    True
    """

    SUPPLY = "supply"
    DEMAND = "demand"
    STORAGE = "storage"
    TRANSIT = "transit"


def _number(where: str, name: str, value: object, *, expected: str) -> float:
    """Return `value` as float, or raise SpecError naming `where`.`name`."""
    if isinstance(value, bool) or not isinstance(value, Real):
        msg = f"{where}: {name} = {value!r} is a {type(value).__name__}; expected {expected}"
        raise SpecError(msg)
    try:
        number = float(value)
    except OverflowError:
        msg = f"{where}: {name} = {value!r:.40}... is too large for a float; expected {expected}"
        raise SpecError(msg) from None
    if math.isnan(number):
        msg = f"{where}: {name} = nan; expected {expected}"
        raise SpecError(msg)
    return number


def _check_range(
    where: str,
    name: str,
    value: object,
    *,
    low: float = 0.0,
    high: float = math.inf,
    high_open: bool = False,
    allow_inf: bool = True,
    expected: str,
) -> float:
    number = _number(where, name, value, expected=expected)
    too_high = number >= high if high_open else number > high
    if number < low or too_high or (not allow_inf and math.isinf(number)):
        msg = f"{where}: {name} = {value!r}; expected {expected}"
        raise SpecError(msg)
    return number


def _per_period(
    where: str, name: str, value: object, **limits: object
) -> float | tuple[float, ...]:
    """Validate a scalar or a per-period sequence; sequences become tuples of floats."""
    if isinstance(value, Real):
        return _check_range(where, name, value, **limits)  # type: ignore[arg-type]
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _check_range(where, name, value.item(), **limits)  # type: ignore[arg-type]
    array_like = isinstance(value, (Sequence, np.ndarray, pd.Series))
    if isinstance(value, (str, bytes)) or not array_like:
        msg = (
            f"{where}: {name} = {value!r}; expected {limits['expected']} "
            "or a list of them, one per period"
        )
        raise SpecError(msg)
    items = (
        value.tolist()
        if isinstance(value, (np.ndarray, pd.Series))
        else cast("Sequence[object]", value)  # array_like and not an array: a Sequence
    )
    if isinstance(value, np.ndarray) and value.ndim != 1:
        msg = f"{where}: {name} has shape {value.shape}; expected a 1-d sequence, one per period"
        raise SpecError(msg)
    return tuple(
        _check_range(where, f"{name}[{i}]", v, **limits)  # type: ignore[arg-type]
        for i, v in enumerate(items)
    )


def set_frozen(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


def _set_checked(obj: object, where: str, name: str, **limits: Any) -> float:
    """Check field `name` of `obj` with :func:`_check_range`, store the float and return it."""
    number = _check_range(where, name, getattr(obj, name), **limits)
    set_frozen(obj, name, number)
    return number


@dataclass(frozen=True, slots=True)
class Node:
    """A place where the commodity is supplied, wanted, stored or passed on.

    Parameters
    ----------
    id : str
        Short unique id, e.g. ``"aktau"``.
    kind : NodeKind or str, default ``"transit"``
        ``supply``, ``demand``, ``storage`` or ``transit``. Supply and demand are
        honoured on any kind; storage fields need ``kind="storage"``.
    supply : float or sequence of float, default 0
        Largest injection per period (network unit per period, ``math.inf``
        allowed). A sequence gives one value per period.
    supply_cost : float, default 0
        Cost per unit injected (cost units per network unit).
    demand : float or sequence of float, default 0
        Withdrawal wanted per period (network unit per period). ``math.inf``
        makes an open sink that takes whatever `value` makes worthwhile
        (no unmet penalty then).
    unmet_penalty : float or None, default None
        Cost per unit of demand left unmet; ``None`` uses the engine default,
        larger than any path cost (see :func:`corridor_sim.engines.commodity.solve`).
    value : float, default 0
        Revenue per unit delivered here (subtracted from the cost).
    storage_capacity : float, default 0
        Largest level of a storage node (network unit; ``math.inf`` allowed).
    initial_level : float, default 0
        Level before period 0, finite, ``0 <= initial_level <= storage_capacity``.
    final_level : float or None, default None
        Smallest level required after the last period (finite; ``None``: free).
    lon, lat : float or None
        Coordinates in degrees, for maps.
    label : str
        Human-readable name, e.g. ``"Aktau port"``.

    Raises
    ------
    SpecError
        An unknown kind, a negative or NaN amount, a sequence where one number is due
        (``supply_cost``, ``value``), storage fields on a node that is not
        ``kind="storage"``, coordinates out of range; naming the node and the field.

    Examples
    --------
    >>> aktau = Node("aktau", kind="supply", supply=150.0, lon=51.17, lat=43.65,
    ...              label="Aktau port")
    >>> aktau.kind, aktau.supply
    (<NodeKind.SUPPLY: 'supply'>, 150.0)
    >>> Node("baku", kind="demand", demand=-1.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    corridor_sim.errors.SpecError: node 'baku': demand = -1.0...
    """

    id: str
    kind: NodeKind = NodeKind.TRANSIT
    supply: PerPeriod = 0.0
    supply_cost: float = 0.0
    demand: PerPeriod = 0.0
    unmet_penalty: float | None = None
    value: float = 0.0
    storage_capacity: float = 0.0
    initial_level: float = 0.0
    final_level: float | None = None
    lon: float | None = None
    lat: float | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            msg = f"Node.id = {self.id!r}; expected a non-empty string such as 'aktau'"
            raise SpecError(msg)
        where = f"node {self.id!r}"
        try:
            set_frozen(self, "kind", NodeKind(self.kind))
        except ValueError as err:
            msg = f"{where}: kind = {self.kind!r}; expected one of " + ", ".join(
                repr(k.value) for k in NodeKind
            )
            raise SpecError(msg) from err
        amount = "a number >= 0 (math.inf allowed)"
        set_frozen(self, "supply", _per_period(where, "supply", self.supply, expected=amount))
        set_frozen(self, "demand", _per_period(where, "demand", self.demand, expected=amount))
        finite = "a finite number"
        for name in ("supply_cost", "value"):
            _set_checked(self, where, name, low=-math.inf, allow_inf=False, expected=finite)
        if self.unmet_penalty is not None:
            _set_checked(
                self,
                where,
                "unmet_penalty",
                allow_inf=False,
                expected="a finite number >= 0, or None for the engine default",
            )
        cap = _set_checked(self, where, "storage_capacity", expected=amount)
        if self.kind is not NodeKind.STORAGE and (
            cap > 0 or self.initial_level != 0 or self.final_level is not None
        ):
            msg = (
                f"{where}: storage_capacity/initial_level/final_level set on a "
                f"{self.kind.value!r} node; expected kind='storage' for a node that stores"
            )
            raise SpecError(msg)
        within = f"a finite number between 0 and storage_capacity = {cap!r}"
        _set_checked(self, where, "initial_level", high=cap, allow_inf=False, expected=within)
        if self.final_level is not None:
            _set_checked(self, where, "final_level", high=cap, allow_inf=False, expected=within)
        for name, bound in (("lon", 180.0), ("lat", 90.0)):
            if getattr(self, name) is not None:
                _set_checked(
                    self,
                    where,
                    name,
                    low=-bound,
                    high=bound,
                    expected=f"degrees between -{bound:g} and {bound:g}, or None",
                )


@dataclass(frozen=True, slots=True)
class Arc:
    """A directed link (pipeline, tanker lane, rail line) with a capacity per period.

    Parameters
    ----------
    source, target : str
        Node ids at either end.
    capacity : float or sequence of float
        Largest flow per period (network unit per period, ``math.inf`` allowed).
    availability : float or sequence of float, default 1
        Fraction of `capacity` available in each period (outages, storms), 0..1.
    cost : float, default 0
        Cost per unit of flow (cost units per network unit).
    loss_fraction : float, default 0
        ``0 <= loss < 1``: the target receives ``(1 - loss) * flow``.
    id : str, default ``f"{source}->{target}"``
        Unique arc id.
    label : str
        Human-readable name.

    Raises
    ------
    SpecError
        Equal ends, a negative capacity or cost, an availability outside 0..1, a loss
        fraction outside 0 <= loss < 1; naming the arc and the field.

    Examples
    --------
    >>> btc = Arc("baku", "ceyhan", capacity=4_900.0, cost=3.2, id="btc", label="BTC pipeline")
    >>> btc.id, btc.capacity
    ('btc', 4900.0)
    >>> Arc("baku", "ceyhan", capacity=100.0).id  # the default id
    'baku->ceyhan'
    """

    source: str
    target: str
    capacity: PerPeriod
    availability: PerPeriod = 1.0
    cost: float = 0.0
    loss_fraction: float = 0.0
    id: str = ""
    label: str = ""

    def __post_init__(self) -> None:
        for name in ("source", "target"):
            end = getattr(self, name)
            if not isinstance(end, str) or not end:
                msg = f"Arc.{name} = {end!r}; expected a node id (non-empty string)"
                raise SpecError(msg)
        if not self.id:
            set_frozen(self, "id", f"{self.source}->{self.target}")
        where = f"arc {self.id!r}"
        if not isinstance(self.id, str):
            msg = f"{where}: id must be a string, got {type(self.id).__name__}"
            raise SpecError(msg)
        if self.source == self.target:
            msg = f"{where}: source = target = {self.source!r}; expected two different nodes"
            raise SpecError(msg)
        set_frozen(
            self,
            "capacity",
            _per_period(
                where, "capacity", self.capacity, expected="a number >= 0 (math.inf allowed)"
            ),
        )
        set_frozen(
            self,
            "availability",
            _per_period(
                where,
                "availability",
                self.availability,
                high=1.0,
                expected="a fraction between 0 and 1",
            ),
        )
        _set_checked(
            self, where, "cost", low=-math.inf, allow_inf=False, expected="a finite number"
        )
        _set_checked(
            self,
            where,
            "loss_fraction",
            high=1.0,
            high_open=True,
            expected="a fraction with 0 <= loss_fraction < 1",
        )


_Item = TypeVar("_Item", Node, Arc)


def replace_fields(item: _Item, where: str, changes: dict[str, Any]) -> _Item:
    names = [f.name for f in dataclasses.fields(item)]
    for key in changes:
        if key not in names:
            msg = f"{where}: no field {key!r}; {suggest(key, names)}"
            raise SpecError(msg)
    return dataclasses.replace(item, **changes)


def check_unique(what: str, ids: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in ids:
        if name in seen:
            msg = f"{what} {name!r} appears more than once; expected unique ids"
            raise SpecError(msg)
        seen.add(name)
