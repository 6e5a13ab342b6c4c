"""Wide hourly frames of one Caspian corridor dispatch (:class:`Hourly`), from the engine."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridor_sim.models.caspian.network import LINKS, line_rating_mw

if TYPE_CHECKING:
    import pandapower as pp

    from corridor_sim.engines.dispatch import DispatchResult

__all__ = ["Hourly", "kahan_sum", "to_hourly"]

_MARKET = "europe.market"


@dataclass(frozen=True, slots=True)
class Hourly:
    """Wide hourly results of one corridor dispatch (index: hour).

    Parameters
    ----------
    generation_mw : DataFrame
        Output per generator name: ``<hub>.<kind>`` (wind, solar, hydro), ``<hub>.gas``
        (thermal serving its country), ``az_rest.gas_export`` (thermal above Azerbaijan's
        own demand), ``europe.market`` (Europe's own supply, all price levels),
        ``ru.market``, ``ir.market``.
    available_mw : DataFrame
        Available output per renewable generator name (profile x installed MW).
    demand_mw, unserved_mw, price_eur_per_mwh : DataFrame
        Per hub (the markets' demand is their fixed demand).
    flow_mw, limit_mw : DataFrame
        Per link: flow at the sending (``from``) end, positive in the link's
        direction (westward), and the hour's limit (rating x availability).
    loss_mw : DataFrame
        Per dcline: power lost in the hour (MW).
    objective_eur : float
        Thermal cost + lost load + HVDC charges - value of the energy the markets took
        (the cost of serving the markets' own demand left out).
    europe_price_eur_per_mwh : Series
        Europe's price as given in the profiles (before the LP's price levels).
    """

    generation_mw: pd.DataFrame
    available_mw: pd.DataFrame
    demand_mw: pd.DataFrame
    unserved_mw: pd.DataFrame
    price_eur_per_mwh: pd.DataFrame
    flow_mw: pd.DataFrame
    limit_mw: pd.DataFrame
    loss_mw: pd.DataFrame
    objective_eur: float
    europe_price_eur_per_mwh: pd.Series

    @property
    def curtailed_mw(self) -> pd.DataFrame:
        """Available minus dispatched renewable output, per generator (>= 0)."""
        used = self.generation_mw.reindex(columns=self.available_mw.columns)
        return (self.available_mw - used).clip(lower=0.0)

    @property
    def europe_intake_mw(self) -> pd.Series:
        """Energy Europe took from the corridor each hour: its demand less its own supply."""
        supply = self.generation_mw.get(_MARKET, pd.Series(0.0, index=self.demand_mw.index))
        return self.demand_mw["europe"] - self.unserved_mw["europe"] - supply

    def with_objective(self, objective_eur: float) -> Hourly:
        """Return a copy with another objective value."""
        return dataclasses.replace(self, objective_eur=float(objective_eur))

    @staticmethod
    def concat(parts: list[Hourly]) -> Hourly:
        """Stretches of hours, in order, as one :class:`Hourly`."""
        if len(parts) == 1:
            return parts[0]
        frames = {
            f.name: pd.concat([getattr(p, f.name) for p in parts])
            for f in dataclasses.fields(Hourly)
            if f.name != "objective_eur"
        }
        return Hourly(**frames, objective_eur=float(sum(p.objective_eur for p in parts)))


def _names(net: pp.pandapowerNet) -> dict[str, dict[int, str]]:
    return {
        t: dict(zip(net[t].index, net[t].name, strict=True))
        for t in ("gen", "sgen", "line", "dcline")
    }


def _labels(types: np.ndarray, elements: np.ndarray, name: dict[str, dict[int, str]]) -> np.ndarray:
    """Name of each (element type, element) row: one hashed lookup per element type."""
    out = np.empty(len(types), dtype=object)
    for kind in pd.unique(types):
        mask = types == kind
        out[mask] = pd.Series(elements[mask]).map(name[str(kind)]).to_numpy()
    return out


def _hour_major(hours: np.ndarray, keys: list[np.ndarray]) -> int | None:
    """Rows per hour if the rows run hour by hour with the same keys each hour, else None."""
    if not hours.size:
        return None
    change = np.flatnonzero(hours != hours[0])
    n = int(change[0]) if change.size else hours.size
    if hours.size % n:
        return None
    block = hours.reshape(-1, n)
    if not ((block == block[:, :1]).all() and (np.diff(block[:, 0]) > 0).all()):
        return None
    if not all((k.reshape(-1, n) == k[:n]).all() for k in keys):
        return None
    return n


def kahan_sum(columns: list[np.ndarray], n: int) -> np.ndarray:
    """Sum arrays in order, NaN skipped, as pandas' group sum does (compensated, Kahan).

    ``DataFrame.groupby(...).sum()`` adds a group's rows one by one with Kahan's
    compensation; this does the same for whole columns at once, so a table built from arrays
    equals the one pandas builds, to the bit.

    Parameters
    ----------
    columns : list of ndarray
        Arrays of length `n`, in the order pandas would meet them.
    n : int
        Their length (the result's, when `columns` is empty).

    Returns
    -------
    ndarray
        Element-wise sum (0 where every value is NaN, as pandas' ``min_count=0``).

    Examples
    --------
    >>> import pandas as pd
    >>> cols = [np.array([0.1, 1.0]), np.array([0.2, np.nan]), np.array([0.3, 2.0])]
    >>> kahan_sum(cols, 2).tolist(), 0.1 + 0.2 + 0.3
    ([0.6, 3.0], 0.6000000000000001)
    >>> frame = pd.DataFrame(np.vstack(cols))  # one row per array: pandas' group of rows
    >>> frame.groupby(np.zeros(3, dtype=int)).sum().to_numpy().ravel().tolist()
    [0.6, 3.0]
    """
    acc, comp = np.zeros(n), np.zeros(n)
    for val in columns:
        ok = ~np.isnan(val)
        y = val - comp
        t = acc + y
        c = t - acc - y
        comp = np.where(ok, np.where(c != c, 0.0, c), comp)  # an infinite value: no compensation
        acc = np.where(ok, t, acc)
    return acc


def _wide(
    hours: pd.Series,
    keys: list[pd.Series],
    label: Callable[[list[np.ndarray]], np.ndarray],
    values: pd.Series,
    *,
    name: str,
    total: bool = False,
) -> pd.DataFrame:
    """``pivot`` (or, with `total`, ``pivot_table(aggfunc="sum")``) of a long table, on arrays.

    Rows are (hour, keys, value); ``label(keys)`` names each row's column. The frame has
    the sorted hours as index (``"hour"``) and the sorted labels as columns (`name`), as
    pandas builds it. With `total` the values of one hour and label are summed in row order
    with pandas' compensated sum, so the result is pandas' to the bit; without it an hour
    and label must occur once. The engine's tables run hour by hour with the same elements
    each hour: then the labels are found for one hour and the values are reshaped.
    """
    h = hours.to_numpy()
    ks = [k.to_numpy() for k in keys]
    v = values.to_numpy(dtype=float)
    n = _hour_major(h, ks)
    if n is None:
        hour_pos, hour_values = pd.factorize(h, sort=True)
        col, names = pd.factorize(np.asarray(label(ks)), sort=True)
        n_h, n_c = hour_values.size, names.size
        cell = hour_pos * n_c + col
        order = np.argsort(cell, kind="stable")  # each cell's rows together, in row order
        runs = np.flatnonzero(np.r_[True, cell[order][1:] != cell[order][:-1]])
        sizes = np.diff(np.r_[runs, cell.size])
        if not total and (sizes > 1).any():
            msg = f"{name}: an hour and label occur more than once; expected one row each"
            raise ValueError(msg)
        acc, comp = np.zeros(n_h * n_c), np.zeros(n_h * n_c)
        seen = np.zeros(n_h * n_c, dtype=bool)
        for k in range(int(sizes.max()) if sizes.size else 0):  # the k-th row of each cell
            rows = order[runs[np.flatnonzero(sizes > k)] + k]
            at, val = cell[rows], v[rows]
            seen[at] = True
            if not total:
                acc[at] = val
                continue
            ok = ~np.isnan(val)
            y = val - comp[at]
            t = acc[at] + y
            c = t - acc[at] - y
            comp[at] = np.where(ok, np.where(c != c, 0.0, c), comp[at])
            acc[at] = np.where(ok, t, acc[at])
        out = np.where(seen, acc, np.nan)
        wide = out.reshape(n_h, n_c)
    else:
        col, names = pd.factorize(np.asarray(label([k[:n] for k in ks])), sort=True)
        hour_values = h[::n]
        values_2d = v.reshape(-1, n)
        wide = np.full((hour_values.size, names.size), np.nan)
        if total:
            for c in range(names.size):
                members = np.flatnonzero(col == c)
                wide[:, c] = kahan_sum([values_2d[:, j] for j in members], hour_values.size)
        else:
            if np.bincount(col, minlength=names.size).max(initial=0) > 1:
                msg = f"{name}: an hour and label occur more than once; expected one row each"
                raise ValueError(msg)
            wide[:, col] = values_2d
    return pd.DataFrame(
        wide, index=pd.Index(hour_values, name="hour"), columns=pd.Index(names, name=name)
    )


def to_hourly(
    net: pp.pandapowerNet,
    res: DispatchResult,
    load_mw: pd.DataFrame,
    sgen_max_mw: pd.DataFrame,
    dcline_max_mw: pd.DataFrame,
    europe_price: pd.Series,
) -> Hourly:
    """Assemble :class:`Hourly` from the engine's result on `net` (tables by element index)."""
    idx = load_mw.index
    name = _names(net)
    gen = res.generation[res.generation["element_type"].isin(["gen", "sgen"])]
    market = {  # every market unit counts as the market
        t: {e: _MARKET if n.startswith(f"{_MARKET}@") else n for e, n in name[t].items()}
        for t in ("gen", "sgen")
    }
    by_unit = [gen["element_type"], gen["element"]]
    generation = _wide(gen["hour"], by_unit, lambda k: _labels(k[0], k[1], market), gen["p_mw"],
                       name="name", total=True)  # fmt: skip
    fl = res.flows
    by_link = [fl["branch_type"], fl["element"]]

    def link_of(k: list[np.ndarray]) -> np.ndarray:
        return _labels(k[0], k[1], name)

    flow = _wide(fl["hour"], by_link, link_of, fl["p_mw"], name="link")
    dcl = fl[fl["branch_type"] == "dcline"]
    loss = _wide(dcl["hour"], [dcl["branch_type"], dcl["element"]], link_of, dcl["loss_mw"],
                 name="link")  # fmt: skip
    bus_name = dict(zip(net.bus.index, net.bus.name, strict=True))
    pr = res.prices
    price = _wide(pr["hour"], [pr["bus"]], lambda k: pd.Series(k[0]).map(bus_name).to_numpy(),
                  pr["price_eur_per_mwh"], name="hub")  # fmt: skip
    hub_of_load = dict(zip(net.load.index, net.bus.loc[net.load.bus, "name"], strict=True))
    demand = load_mw.rename(columns=hub_of_load)
    un = res.unserved
    unserved = _wide(un["hour"], [un["load"]], lambda k: k[0], un["p_mw"], name="load")
    unserved = unserved.reindex(idx)
    unserved = unserved.rename(columns=hub_of_load).reindex(columns=demand.columns, fill_value=0.0)
    limits = {
        n: np.full(len(idx), r) for n, r in zip(net.line.name, line_rating_mw(net), strict=True)
    }
    for d, dc in zip(net.dcline.index, net.dcline.name, strict=True):
        limits[dc] = dcline_max_mw[d].to_numpy()
    order = [n for n in LINKS if n in limits]
    return Hourly(
        generation_mw=generation.reindex(idx).set_axis(idx),
        available_mw=sgen_max_mw.rename(columns=name["sgen"]),
        demand_mw=demand,
        unserved_mw=unserved.fillna(0.0).set_axis(idx),
        price_eur_per_mwh=price.reindex(idx)[list(net.bus.name)].set_axis(idx),
        flow_mw=flow.reindex(idx).set_axis(idx)[order],
        limit_mw=pd.DataFrame(limits, index=idx)[order],
        loss_mw=loss.reindex(idx)[list(net.dcline.name)].set_axis(idx),
        objective_eur=float(res.objective_eur),
        europe_price_eur_per_mwh=europe_price.set_axis(idx),
    )
