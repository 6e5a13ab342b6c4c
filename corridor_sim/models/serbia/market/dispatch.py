"""The plant's economic dispatch: Serbia's plants and the regional market on the DC-OPF engine.

Serbia is one bidding zone, so the market dispatch does not depend on where in Serbia the
plant sits: :func:`market_dispatch` runs :func:`corridor_sim.engines.dispatch.dispatch`
on the grid with only the tie lines monitored (their thermal ratings bound the
exchange), lignite units available hour by hour at their marginal cost, hydro, wind and
CHP at their schedules, the neighbours at their net positions, the plant at its marginal
cost (gas / efficiency + O&M + carbon), and the rest of Europe (the slack) selling and
buying at the hour's regional power price.

The hourly price follows the load: ``price = mean * (1 + beta (load / mean load - 1))``
with ``beta`` set so that the mean price of the euro-peak hours (08-20, Monday-Friday)
over the mean equals ``serbia.market.peak_base_ratio``.

Engine workaround: the dispatch engine takes one linear cost per unit for the whole
horizon, while the regional price changes every hour. The LP's choice depends only on
the order of the price among the units' costs, so the hours are solved in groups (price
below lignite, between lignite and the plant, above the plant), each with its group's
mean price as the slack's cost; the hour's own price is then reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.engines.dispatch import dispatch
from corridor_sim.engines.power import dc_flow
from corridor_sim.errors import InfeasibleError, SpecError
from corridor_sim.models.params import ParamValues
from corridor_sim.models.serbia.gas.tariffs import HUB_PRICE, delivered_price_eur_per_mwh_th
from corridor_sim.models.serbia.grid.network import copy_net
from corridor_sim.models.serbia.market.params import FIXED_GAS_PRICE
from corridor_sim.models.serbia.market.prices import measured_price_eur_per_mwh
from corridor_sim.models.serbia.profiles import hour_snapshots
from corridor_sim.models.serbia.values import cv

__all__ = [
    "PRICE_PROFILES",
    "MarketResult",
    "MarketSpec",
    "market_dispatch",
    "power_price_series",
]

_PEAK_FROM, _PEAK_TO, _WEEKDAYS = 8, 20, 5


def _gas_price(p: ParamValues, draw: Mapping[str, float] | None) -> float:
    """Return the plant's gas price: the fixed one, or the route's hub price plus its tariffs."""
    if p.gas_route == FIXED_GAS_PRICE:
        if draw and "serbia.cost.gas.fuel" in draw:
            return cv("serbia.cost.gas.fuel", "EUR/MWh_th", draw)
        return float(p.gas_price_eur_per_mwh_th)
    if "gas_price_eur_per_mwh_th" in p.overridden:
        msg = (
            f"gas_price_eur_per_mwh_th = {p.gas_price_eur_per_mwh_th!r} with gas_route = "
            f"{p.gas_route!r}: the route sets the price (hub plus tariffs); expected "
            f"gas_route = {FIXED_GAS_PRICE!r} for a fixed price, or no gas_price_eur_per_mwh_th"
        )
        raise SpecError(msg)
    hub = None if draw and HUB_PRICE in draw else float(p.gas_hub_price_eur_per_mwh_th)
    return delivered_price_eur_per_mwh_th(p.gas_route, hub_eur_per_mwh_th=hub, draw=draw)


@dataclass(frozen=True, slots=True)
class MarketSpec:
    """Prices and the plant's technology for the economic dispatch.

    Attributes
    ----------
    technology : {"ccgt", "ocgt"}
    efficiency, min_load : float
        Of the chosen technology (p.u.).
    vom_eur_per_mwh : float
        The chosen technology's variable O&M.
    gas_price_eur_per_mwh_th, power_price_eur_per_mwh, carbon_price_eur_per_t : float
    peak_base_ratio : float
        Euro-peak over baseload price.
    """

    technology: str
    efficiency: float
    min_load: float
    vom_eur_per_mwh: float
    gas_price_eur_per_mwh_th: float
    power_price_eur_per_mwh: float
    carbon_price_eur_per_t: float
    peak_base_ratio: float

    @classmethod
    def from_params(cls, p: ParamValues, draw: Mapping[str, float] | None = None) -> MarketSpec:
        """Take the technology and prices of resolved parameters `p` (draws on top)."""
        ocgt = p.technology == "ocgt"
        tech = "ocgt" if ocgt else "ccgt"
        gas = _gas_price(p, draw)
        power = (
            cv("serbia.market.power_price", "EUR/MWh", draw)
            if draw and "serbia.market.power_price" in draw
            else float(p.power_price_eur_per_mwh)
        )
        return cls(
            technology=tech,
            efficiency=float(p.ocgt_efficiency if ocgt else p.efficiency),
            min_load=float(p.ocgt_min_load if ocgt else p.min_load),
            vom_eur_per_mwh=cv(f"serbia.plant.{tech}.vom", "EUR/MWh", draw),
            gas_price_eur_per_mwh_th=gas,
            power_price_eur_per_mwh=power,
            carbon_price_eur_per_t=float(p.carbon_price_eur_per_t),
            peak_base_ratio=cv("serbia.market.peak_base_ratio", "p.u.", draw),
        )

    @property
    def plant_cost_eur_per_mwh(self) -> float:
        """Marginal cost of the plant: fuel and carbon over efficiency, plus O&M."""
        co2 = cv("serbia.market.gas_co2_intensity", "t/MWh_th")
        fuel = self.gas_price_eur_per_mwh_th + self.carbon_price_eur_per_t * co2
        return fuel / self.efficiency + self.vom_eur_per_mwh

    def lignite_cost_eur_per_mwh(self, draw: Mapping[str, float] | None = None) -> float:
        """Marginal cost of the lignite units (technology-data's lignite plant)."""
        fuel = cv("serbia.cost.lignite.fuel", "EUR/MWh_th", draw)
        co2 = cv("serbia.market.lignite_co2_intensity", "t/MWh_th", draw)
        eff = cv("serbia.cost.lignite.efficiency", "p.u.", draw)
        vom = cv("serbia.cost.lignite.vom", "EUR/MWh", draw)
        return (fuel + self.carbon_price_eur_per_t * co2) / eff + vom


#: Price profiles of :func:`power_price_series` (option ``power_price_profile``).
PRICE_PROFILES = ("seepex", "synthetic")


def power_price_series(
    national_mw: np.ndarray, spec: MarketSpec, *, year: int, profile: str = "seepex"
) -> np.ndarray:
    """Hourly power price (EUR/MWh) with the annual mean ``spec.power_price_eur_per_mwh``.

    ``profile="seepex"`` (default): the measured hourly day-ahead prices of Serbia
    (:func:`~corridor_sim.models.serbia.market.prices.measured_price_eur_per_mwh`, ENTSO-E,
    2023/24) scaled to the annual mean, hour for hour from 1 January. ``"synthetic"``:
    ``price = k * day_load / mean_day_load * (r in euro-peak hours, o otherwise)``, with
    ``r`` = ``serbia.market.peak_base_ratio``, ``o`` such that peak and off-peak hours
    average to 1, and ``k`` such that the year's mean is the annual mean price.

    Examples
    --------
    >>> spec = MarketSpec("ccgt", 0.58, 0.45, 5.6, 28.4, 100.0, 0.0, 1.1)
    >>> p = power_price_series(np.full(8760, 5000.0), spec, year=2029, profile="synthetic")
    >>> round(float(p.mean()), 6), round(float(p.max() / p.min()), 3)
    (100.0, 1.165)
    >>> p = power_price_series(np.full(8760, 5000.0), spec, year=2029)
    >>> round(float(p.mean()), 6), round(float(p.min()), 2)
    (100.0, 0.0)
    """
    n = len(national_mw)
    if profile == "seepex":
        measured = measured_price_eur_per_mwh()
        if n > len(measured):
            msg = f"power_price_series: {n} hours; the measured prices cover {len(measured)}"
            raise SpecError(msg)
        return spec.power_price_eur_per_mwh * measured[:n] / measured.mean()
    if profile != "synthetic":
        msg = f"power_price_profile = {profile!r}: expected one of {PRICE_PROFILES}"
        raise SpecError(msg)
    when = hour_snapshots(year, np.arange(n))
    peak = (when.hour >= _PEAK_FROM) & (when.hour < _PEAK_TO) & (when.dayofweek < _WEEKDAYS)
    f = float(peak.mean())
    off = (1 - f * spec.peak_base_ratio) / (1 - f) if f < 1 else 1.0
    day = when.dayofyear.to_numpy()
    daily = pd.Series(national_mw).groupby(day).transform("mean").to_numpy()
    shape = daily / daily.mean() * np.where(peak, spec.peak_base_ratio, off)
    return np.maximum(0.0, spec.power_price_eur_per_mwh * shape / shape.mean())


@dataclass(frozen=True, slots=True, eq=False)
class MarketResult:
    """The economic dispatch of every hour.

    Attributes
    ----------
    gen_p_mw : DataFrame
        Hours x ``net.gen`` index, MW (every plant, the plant's minimum load applied).
    plant_mw : numpy.ndarray
        The plant's output per hour (zeros without the plant).
    price_eur_per_mwh : numpy.ndarray
        The regional price of each hour.
    serbia_price_eur_per_mwh : numpy.ndarray
        The price in Serbia (the regional one unless the tie lines congest).
    unserved_mw : numpy.ndarray
        Demand the dispatch could not serve (tie lines full and plants at their limits).
    congested_hours : int
        Hours in which a tie line would be overloaded by the merit order (solved by the LP).
    infeasible_hours : int
        Congested hours the LP cannot solve (the neighbours' fixed positions alone overload a
        tie); they keep the merit-order answer.
    """

    gen_p_mw: pd.DataFrame
    plant_mw: np.ndarray
    price_eur_per_mwh: np.ndarray
    serbia_price_eur_per_mwh: np.ndarray
    unserved_mw: np.ndarray
    congested_hours: int
    infeasible_hours: int = 0


def _market_net(net: pp.pandapowerNet, limit_pct: float) -> pp.pandapowerNet:
    m = copy_net(net)
    for table in ("line", "trafo"):
        ties = (m[table]["kind"] == "tie").to_numpy()
        m[table]["max_loading_percent"] = np.where(ties, limit_pct, np.nan)
    return m


def _groups(price: np.ndarray, costs: list[float]) -> list[np.ndarray]:
    edges = sorted(set(costs))
    labels = np.searchsorted(np.asarray(edges), price, side="right")
    return [np.flatnonzero(labels == k) for k in np.unique(labels)]


def _merit(
    m: pp.pandapowerNet, table: pd.DataFrame, price: np.ndarray, costs: dict[int, float]
) -> pd.DataFrame:
    """Each unit at its limit when the hour's price covers its cost (no network limits)."""
    out = pd.DataFrame(index=table.index)
    for i in m.gen.index:
        i = int(i)
        if i in table:
            avail = table[i].to_numpy()
        else:
            avail = np.full(len(table), float(m.gen.at[i, "p_mw"]))
        if i in costs and bool(m.gen.at[i, "controllable"]):
            avail = np.where(price >= costs[i], avail, 0.0)
        out[i] = avail
    return out


def market_dispatch(
    net: pp.pandapowerNet,
    load_p_mw: pd.DataFrame,
    available_mw: pd.DataFrame,
    price: np.ndarray,
    spec: MarketSpec,
    *,
    limit_pct: float,
    plant_fixed_mw: np.ndarray | None = None,
    draw: Mapping[str, float] | None = None,
) -> MarketResult:
    """Dispatch Serbia's plants and the plant against the regional price, hour by hour.

    Every hour first gets the merit-order answer without network limits (a unit runs at
    its limit when the price covers its cost; the rest of Europe takes the balance); its
    tie-line flows come from :func:`corridor_sim.engines.power.dc_flow`. Where no tie line
    is overloaded that answer is the optimum of the DC-OPF as well; the other hours are
    solved by :func:`corridor_sim.engines.dispatch.dispatch` with the tie lines' limits.

    Parameters
    ----------
    net : pandapower.pandapowerNet
        A grid from :func:`.network.build_grid` (with or without the plant).
    load_p_mw : DataFrame
        Hours x ``net.load`` index, MW.
    available_mw : DataFrame
        Hours x plant id (``net.gen.unit``): lignite availability, the others' schedules.
    price : numpy.ndarray
        Regional price per hour, EUR/MWh.
    spec : MarketSpec
        Plant technology and costs.
    limit_pct : float
        Loading limit of the tie lines (``serbia.study.loading_limit``).
    plant_fixed_mw : numpy.ndarray, optional
        Fix the plant's output (the ``capacity_factor`` dispatch) instead of optimising it.
    draw : Draw, optional
        Catalogue values drawn by the robustness study.

    Returns
    -------
    MarketResult
    """
    price = np.asarray(price, dtype=float)
    m = _market_net(net, limit_pct)
    gens = m.gen
    serbian = gens["kind"].isin(["lignite", "hydro_ror", "hydro_storage", "wind", "chp"])
    m.gen["controllable"] = serbian | (gens["kind"] == "plant")  # hydro, wind, CHP: curtailable
    plant = gens.index[gens["kind"] == "plant"]
    idx = load_p_mw.index
    table = pd.DataFrame(
        {int(i): available_mw[u].to_numpy() for i, u in gens.loc[serbian, "unit"].items()},
        index=idx,
    )
    costs = {
        int(i): spec.lignite_cost_eur_per_mwh(draw) for i in gens.index[gens["kind"] == "lignite"]
    }
    if len(plant):
        m.gen.loc[plant, "min_p_mw"] = 0.0  # a linear dispatch has no commitment (see below)
        costs[int(plant[0])] = spec.plant_cost_eur_per_mwh
        if plant_fixed_mw is not None:
            m.gen.loc[plant, "controllable"] = False
            table[int(plant[0])] = np.asarray(plant_fixed_mw, dtype=float)
        else:
            table[int(plant[0])] = float(gens.at[plant[0], "max_p_mw"])
    gen_p = _merit(m, table, price, costs)
    flows = dc_flow(m, load_p_mw=load_p_mw, gen_p_mw=gen_p)
    over = np.zeros(len(idx), dtype=bool)
    for kind, loading in (("line", flows.line_loading_pct), ("trafo", flows.trafo_loading_pct)):
        ties = m[kind].index[m[kind]["kind"] == "tie"]
        if len(ties):
            over |= (loading[ties] > limit_pct * (1 + 1e-9)).any(axis=1).to_numpy()
    serbia_price, unserved = price.copy(), np.zeros(len(idx))
    infeasible = np.zeros(len(idx), dtype=bool)
    if over.any():
        infeasible = _solve_congested(
            m, table, load_p_mw, price, costs, np.flatnonzero(over), gen_p, serbia_price, unserved
        )
    plant_mw = np.zeros(len(idx))
    if len(plant):
        col = int(plant[0])
        p = gen_p[col].to_numpy()
        low = spec.min_load * float(gens.at[col, "max_p_mw"])
        p = np.where((p > 1e-6) & (p < low), low, p)  # committed hours run at least at minimum
        gen_p[col] = p
        plant_mw = p
    return MarketResult(
        gen_p_mw=gen_p,
        plant_mw=plant_mw,
        price_eur_per_mwh=price,
        serbia_price_eur_per_mwh=serbia_price,
        unserved_mw=unserved,
        congested_hours=int(over.sum()),
        infeasible_hours=int(infeasible.sum()),
    )


def _solve_congested(
    m: pp.pandapowerNet,
    table: pd.DataFrame,
    load_p_mw: pd.DataFrame,
    price: np.ndarray,
    costs: dict[int, float],
    hours_at: np.ndarray,
    gen_p: pd.DataFrame,
    serbia_price: np.ndarray,
    unserved: np.ndarray,
) -> np.ndarray:
    """DC-OPF of the congested hours (in place), grouped by the price's rank among the costs.

    Returns the hours the LP finds infeasible (they keep the merit-order answer).
    """
    m.poly_cost = m.poly_cost.iloc[0:0]
    for i, c in costs.items():
        pp.create_poly_cost(m, i, "gen", cp1_eur_per_mw=c)
    slack = int(m.ext_grid.index[0])
    idx = load_p_mw.index
    infeasible = np.zeros(len(idx), dtype=bool)
    probe = int(m.bus.index[m.bus["key"] == "b2182"][0])  # Niš 2 400 kV
    for group in _groups(price[hours_at], list(costs.values())):
        hours = hours_at[group]
        m.poly_cost = m.poly_cost[m.poly_cost["et"] != "ext_grid"]
        group_price = float(np.mean(price[hours]))
        pp.create_poly_cost(m, slack, "ext_grid", cp1_eur_per_mw=group_price)
        try:
            res = dispatch(m, load_p_mw=load_p_mw, gen_max_p_mw=table, hours=list(idx[hours]))
        except InfeasibleError:  # the neighbours' fixed positions alone overload a tie
            infeasible[hours] = True
            continue
        g = res.generation[res.generation["element_type"] == "gen"]
        wide = g.pivot(index="hour", columns="element", values="p_mw")
        gen_p.loc[wide.index, wide.columns] = wide.to_numpy()
        lmp = res.prices[res.prices["bus"] == probe].set_index("hour")["price_eur_per_mwh"]
        lmp = lmp.reindex(idx[hours]).to_numpy()
        own = ~np.isclose(lmp, group_price)
        serbia_price[hours[own]] = lmp[own]
        unserved[hours] = res.unserved.groupby("hour")["p_mw"].sum().reindex(idx[hours]).to_numpy()
    return infeasible
