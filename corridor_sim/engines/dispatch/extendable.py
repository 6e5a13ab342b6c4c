"""Extendable branch ratings of the dispatch LP (in the manner of PyPSA's ``s_nom_extendable``).

:class:`Extendable` describes one line, trafo or dcline whose rating (MW) is a variable of
the LP, between ``min_mw`` and ``max_mw``, with a capital cost per MW of rating (optionally
plus a cost per MW and km). :func:`resolve` checks a mapping ``{(table, index): Extendable}``
against the net and returns the arrays :mod:`corridor_sim.engines.dispatch.lp` needs.
:func:`annuity_factor` turns an investment into an equal annual cost.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.engines.dispatch.netdata import NetData
from corridor_sim.errors import SpecError, suggest

__all__ = ["EXTENDABLE_TABLES", "ExtData", "Extendable", "annuity_factor", "resolve"]

#: Element tables whose rating can be extendable.
EXTENDABLE_TABLES = ("line", "trafo", "dcline")


def annuity_factor(rate: float, years: float) -> float:
    """Annual payment per unit of investment: ``rate / (1 - (1 + rate) ** -years)``.

    Multiply an overnight investment (EUR/MW) by it to get the equal annual cost over the
    asset's life at the discount `rate` (a fraction, 0.07 for 7 %); ``1 / years`` at rate 0.

    Parameters
    ----------
    rate : float
        Discount rate per year as a fraction, > -1.
    years : float
        Economic life in years, > 0.

    Returns
    -------
    float

    Raises
    ------
    SpecError
        If `rate` <= -1 or `years` <= 0 (or either is not a finite number).

    Examples
    --------
    >>> round(annuity_factor(0.07, 40), 6)
    0.075009
    >>> annuity_factor(0.0, 25)
    0.04
    """
    ok = all(
        isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in (rate, years)
    )
    if not ok or not (math.isfinite(rate) and math.isfinite(years)) or rate <= -1 or years <= 0:
        msg = (
            f"annuity_factor(rate={rate!r}, years={years!r}): expected a finite rate > -1 "
            "(a fraction per year) and a finite life > 0 years"
        )
        raise SpecError(msg)
    if rate == 0:
        return 1.0 / float(years)
    return float(rate / (1.0 - (1.0 + rate) ** (-float(years))))


@dataclass(frozen=True, slots=True)
class Extendable:
    """The rating of one branch as a variable of the dispatch LP.

    The rating ``r`` (MW) is chosen together with the dispatch of every hour of the horizon
    (one LP), with ``min_mw <= r <= max_mw``, at a capital cost of ``cost_per_mw x r``
    charged once for the horizon solved, where ``cost_per_mw = cost_eur_per_mw +
    cost_eur_per_mw_km x length_km``. For a one-year horizon pass the annual cost of one MW
    (investment x :func:`annuity_factor` + fixed O&M); for a shorter horizon scale it to
    that horizon's share of the year.

    Attributes
    ----------
    min_mw : float, default 0
        Lowest rating (MW >= 0), e.g. the existing rating when only additions are allowed.
    max_mw : float, default inf
        Highest rating (MW >= min_mw; inf: no limit).
    cost_eur_per_mw : float, default 0
        Capital cost (EUR per MW of rating, for the horizon solved), >= 0.
    cost_eur_per_mw_km : float, default 0
        Capital cost per MW and km of length (EUR/(MW km)), >= 0; added to
        ``cost_eur_per_mw`` times ``length_km``.
    length_km : float, optional
        Length for ``cost_eur_per_mw_km``; None: ``net.line.length_km`` for a line, required
        for a trafo or dcline when ``cost_eur_per_mw_km`` > 0.

    Examples
    --------
    >>> Extendable(min_mw=0.0, max_mw=2000.0, cost_eur_per_mw=1.2e4).max_mw
    2000.0
    """

    min_mw: float = 0.0
    max_mw: float = math.inf
    cost_eur_per_mw: float = 0.0
    cost_eur_per_mw_km: float = 0.0
    length_km: float | None = None

    def check(self, key: object) -> None:
        """Raise SpecError naming `key` unless the fields are consistent numbers."""
        fields = {
            "min_mw": self.min_mw, "max_mw": self.max_mw, "cost_eur_per_mw": self.cost_eur_per_mw,
            "cost_eur_per_mw_km": self.cost_eur_per_mw_km,
        }  # fmt: skip
        if self.length_km is not None:
            fields["length_km"] = self.length_km
        for name, v in fields.items():
            number = isinstance(v, int | float | np.number) and not isinstance(v, bool)
            finite_ok = name == "max_mw" or (number and math.isfinite(v))
            if not (number and not math.isnan(v) and v >= 0 and finite_ok):
                kind = "a number >= 0 (inf allowed)" if name == "max_mw" else "a finite number >= 0"
                msg = f"extendable[{key!r}].{name} = {v!r}: expected {kind}"
                raise SpecError(msg)
        if self.max_mw < self.min_mw:
            msg = (
                f"extendable[{key!r}]: max_mw = {self.max_mw!r} is below min_mw = "
                f"{self.min_mw!r}; expected min_mw <= max_mw"
            )
            raise SpecError(msg)


@dataclass(frozen=True, slots=True, eq=False)
class ExtData:
    """Extendable ratings resolved against one net (arrays, one entry per rating variable).

    ``table`` (line/trafo/dcline), ``element`` (pandapower index), ``branch_row`` (row of
    the DC model for line/trafo, -1 for dclines), ``dc_pos`` (position in
    ``NetData.dclines.element`` for dclines, -1 otherwise), ``min_mw``, ``max_mw``,
    ``cost_eur_per_mw`` (the total per MW, with the per-km part), ``ac`` / ``dc`` (positions
    of the AC / HVDC ratings in these arrays).
    """

    table: np.ndarray
    element: np.ndarray
    branch_row: np.ndarray
    dc_pos: np.ndarray
    min_mw: np.ndarray
    max_mw: np.ndarray
    cost_eur_per_mw: np.ndarray

    @property
    def size(self) -> int:
        """Number of rating variables."""
        return int(self.table.size)

    @property
    def ac(self) -> np.ndarray:
        """Positions of line and trafo ratings."""
        return np.flatnonzero(self.table != "dcline")

    @property
    def dc(self) -> np.ndarray:
        """Positions of dcline ratings."""
        return np.flatnonzero(self.table == "dcline")


def empty() -> ExtData:
    """No extendable ratings."""
    z = np.zeros(0)
    i = np.zeros(0, np.int64)
    return ExtData(np.zeros(0, dtype=object), i, i, i, z, z, z)


def _key(key: object) -> tuple[str, int]:
    ok = (
        isinstance(key, tuple)
        and len(key) == 2
        and key[0] in EXTENDABLE_TABLES
        and isinstance(key[1], int | np.integer)
        and not isinstance(key[1], bool)
    )
    if not ok:
        tables = ", ".join(repr(t) for t in EXTENDABLE_TABLES)
        msg = f"extendable: key {key!r}; expected (table, index) with table one of {tables}"
        raise SpecError(msg)
    key = cast("tuple[str, int]", key)  # checked above
    return str(key[0]), int(key[1])


def resolve(
    net: pp.pandapowerNet, data: NetData, extendable: Mapping[Any, Extendable] | None
) -> ExtData:
    """Check `extendable` against `net` and its :class:`NetData`; return :class:`ExtData`.

    Raises
    ------
    SpecError
        A malformed key, an element that does not exist or is out of service, a value that
        is not an :class:`Extendable`, bad bounds or costs, or a per-km cost without length.
    """
    if not extendable:
        return empty()
    if not isinstance(extendable, Mapping):
        msg = (
            f"extendable: got {type(extendable).__name__}; expected a mapping "
            "{(table, index): Extendable(...)}"
        )
        raise SpecError(msg)
    model = data.model
    rows_of = {
        "line": dict(zip(model.line_index.tolist(), model.line_row.tolist(), strict=True)),
        "trafo": dict(zip(model.trafo_index.tolist(), model.trafo_row.tolist(), strict=True)),
    }
    dc_pos = {int(e): k for k, e in enumerate(data.dclines.element)}
    cols: dict[str, list] = {k: [] for k in ExtData.__slots__}
    seen: set[tuple[str, int]] = set()
    for raw, spec in extendable.items():
        table, index = _key(raw)
        if (table, index) in seen:
            msg = f"extendable: {table} {index} appears twice; expected one entry per element"
            raise SpecError(msg)
        seen.add((table, index))
        if not isinstance(spec, Extendable):
            msg = f"extendable[{raw!r}]: got {type(spec).__name__}; expected an Extendable"
            raise SpecError(msg)
        spec.check(raw)
        frame = net[table] if table in net else pd.DataFrame()
        if index not in frame.index:
            known = [str(i) for i in frame.index]
            msg = f"extendable: {table} {index} is not in net.{table}; {suggest(str(index), known)}"
            raise SpecError(msg)
        row = rows_of[table].get(index, -1) if table != "dcline" else -1
        pos = dc_pos.get(index, -1) if table == "dcline" else -1
        if row < 0 and pos < 0:
            msg = (
                f"extendable: {table} {index} is out of service or not connected to a slack; "
                "expected an in-service branch"
            )
            raise SpecError(msg)
        length = spec.length_km
        if length is None and table == "line":
            length = float(net.line.at[index, "length_km"])
        if spec.cost_eur_per_mw_km > 0 and length is None:
            msg = (
                f"extendable[{raw!r}].length_km is None with cost_eur_per_mw_km = "
                f"{spec.cost_eur_per_mw_km!r}; expected the length (km) of the {table}"
            )
            raise SpecError(msg)
        per_km = spec.cost_eur_per_mw_km * (length or 0.0)
        values = (table, index, row, pos, spec.min_mw, spec.max_mw, spec.cost_eur_per_mw + per_km)
        for name, v in zip(ExtData.__slots__, values, strict=True):
            cols[name].append(v)
    return ExtData(
        table=np.asarray(cols["table"], dtype=object),
        element=np.asarray(cols["element"], dtype=np.int64),
        branch_row=np.asarray(cols["branch_row"], dtype=np.int64),
        dc_pos=np.asarray(cols["dc_pos"], dtype=np.int64),
        min_mw=np.asarray(cols["min_mw"], dtype=float),
        max_mw=np.asarray(cols["max_mw"], dtype=float),
        cost_eur_per_mw=np.asarray(cols["cost_eur_per_mw"], dtype=float),
    )
