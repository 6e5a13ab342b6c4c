"""Wide hourly frames of one Caspian corridor dispatch (:class:`Hourly`), from the engine."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridor_sim.models.caspian.network import LINKS, line_rating_mw

if TYPE_CHECKING:
    import pandapower as pp

    from corridor_sim.engines.dispatch import DispatchResult

__all__ = ["Hourly", "to_hourly"]

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


def _labels(types: pd.Series, elements: pd.Series, name: dict[str, dict[int, str]]) -> np.ndarray:
    """Name of each (element type, element) row: one hashed lookup per element type."""
    kinds = types.to_numpy()
    el = elements.to_numpy()
    out = np.empty(len(kinds), dtype=object)
    for kind in pd.unique(kinds):
        mask = kinds == kind
        out[mask] = pd.Series(el[mask]).map(name[str(kind)]).to_numpy()
    return out


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
    labels = _labels(gen["element_type"], gen["element"], market)
    generation = gen.assign(name=labels).pivot_table(
        index="hour", columns="name", values="p_mw", aggfunc="sum"
    )
    fl = res.flows
    link = _labels(fl["branch_type"], fl["element"], name)
    flow = fl.assign(link=link).pivot(index="hour", columns="link", values="p_mw")
    dcl = fl.assign(link=link)[fl["branch_type"] == "dcline"]
    loss = dcl.pivot(index="hour", columns="link", values="loss_mw")
    bus_name = dict(zip(net.bus.index, net.bus.name, strict=True))
    price = res.prices.assign(hub=res.prices["bus"].map(bus_name)).pivot(
        index="hour", columns="hub", values="price_eur_per_mwh"
    )
    hub_of_load = dict(zip(net.load.index, net.bus.loc[net.load.bus, "name"], strict=True))
    demand = load_mw.rename(columns=hub_of_load)
    unserved = res.unserved.pivot(index="hour", columns="load", values="p_mw").reindex(idx)
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
