"""What the Middle Corridor adds to its tables: derived capacities, transit times, summary.

The topology is ``nodes.csv`` and ``arcs.csv`` beside this file; the rules named there
(``rule:<name>``) are the functions below. The capacity study is the shared one
(:mod:`corridor_sim.models.toolkit.study`); the upgrade cases are this corridor's own.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.errors import SpecError
from corridor_sim.models.middle_corridor import backcast
from corridor_sim.models.middle_corridor.params import (
    black_sea_ports_mt_per_yr,
    ferry_capacity_kt_per_day,
    northern_route_mt_per_yr,
)
from corridor_sim.models.params import ParamValues
from corridor_sim.models.toolkit.corridor import Corridor, StudyRun, evaluate
from corridor_sim.models.toolkit.tables import read_topology
from corridor_sim.units import HOURS_PER_DAY, MEGA, THOUSAND, days_in_year

__all__ = [
    "CAPACITY_UNITS",
    "SWEEP_OVERRIDES",
    "UPGRADES",
    "studies",
    "summary",
    "transit_times",
]

#: Upgrade cases: name -> overrides (BTK and Alat from the seeds, new ferries on the Kuryk line).
UPGRADES: dict[str, dict[str, Any]] = {
    "btk_1_alat_15": {"btk_upgraded": False, "alat_expanded": False},
    "btk_5_alat_15": {"btk_upgraded": True, "alat_expanded": False},
    "btk_1_alat_25": {"btk_upgraded": False, "alat_expanded": True},
    "btk_5_alat_25": {"btk_upgraded": True, "alat_expanded": True},
    "btk_5_alat_15_ferries_4": {"btk_upgraded": True, "new_ferries": 4},
    "btk_5_alat_25_ferries_8": {"btk_upgraded": True, "alat_expanded": True, "new_ferries": 8},
}
#: A volume sweep offers the corridor alone: nothing turns from the northern route.
SWEEP_OVERRIDES = {"northern_shift_share": 0.0}
#: Extra column of the bottleneck sequence: the capacity in TEU at the mixed-cargo ratio.
CAPACITY_UNITS = {"capacity_teu_per_yr": lambda p: MEGA / p.mixed_t_per_teu}
#: Studies of this corridor besides the shared bottleneck sequence.
studies = (("upgrades", "BTK, Alat, new ferries"),)


#: The corridor's own tables (the rules below read them; the package builds its Corridor).
_TOPOLOGY = read_topology(Path(__file__).parent)


# -- rules named in arcs.csv and nodes.csv ------------------------------------------------
def _kt_per_day_to_mt(kt_per_day: float, year: int) -> float:
    return kt_per_day * days_in_year(year) / THOUSAND


def aktau_ferries(p: ParamValues) -> float:
    """Ferries on the Aktau line, every ferry sailing (Mt/yr)."""
    return _kt_per_day_to_mt(ferry_capacity_kt_per_day(p, "aktau"), p.year)


def kuryk_ferries(p: ParamValues) -> float:
    """Ferries on the Kuryk line, new ferries included (Mt/yr)."""
    return _kt_per_day_to_mt(ferry_capacity_kt_per_day(p, "kuryk"), p.year)


def _alat(p: ParamValues) -> float:
    return p.alat_expanded_mt_per_yr if p.alat_expanded else p.alat_mt_per_yr


def alat_for_corridor(p: ParamValues) -> float:
    """Alat's capacity less its other traffic, at most Azerbaijan's rail (Mt/yr)."""
    return min(_alat(p) - p.alat_other_mt_per_yr, p.az_rail_mt_per_yr)


def black_sea_ports(p: ParamValues) -> float:
    """Poti/Batumi open to the corridor (Mt/yr), see :func:`.params.black_sea_ports_mt_per_yr`."""
    return black_sea_ports_mt_per_yr(p)


def btk(p: ParamValues) -> float:
    """Baku–Tbilisi–Kars before or after its upgrade (Mt/yr)."""
    return p.btk_upgraded_mt_per_yr if p.btk_upgraded else p.btk_mt_per_yr


def northern_shift(p: ParamValues) -> float:
    """Northern-route freight that turns to the corridor when the route is cut (Mt/yr)."""
    return northern_route_mt_per_yr(p) * p.northern_shift_share


def northern_cost(p: ParamValues) -> float:
    """Cost of the northern route: the cheapest corridor route's over ``cost_ratio_to_northern``."""
    arcs = {a.id: a for a in _TOPOLOGY.arcs}
    hook = sys.modules[__name__]
    cheapest = min(
        sum(evaluate(arcs[a].cost, p, hook) for a in path)
        for path in _TOPOLOGY.paths("china", "europe")
        if not any(arcs[a].outside for a in path)
    )
    return cheapest / p.cost_ratio_to_northern


def aktau_sailing_days(p: ParamValues) -> float:
    """Ferry sailing Alat–Aktau (d)."""
    return p.aktau_sailing_h / HOURS_PER_DAY


def kuryk_sailing_days(p: ParamValues) -> float:
    """Ferry sailing Alat–Kuryk (d)."""
    return p.kuryk_sailing_h / HOURS_PER_DAY


def check(p: ParamValues) -> None:
    """Refuse Alat's other traffic above the port's capacity."""
    if _alat(p) < p.alat_other_mt_per_yr:
        msg = (
            f"alat_other_mt_per_yr = {p.alat_other_mt_per_yr:g} exceeds the Alat capacity "
            f"{_alat(p):g} Mt/yr; expected other traffic below the port's capacity"
        )
        raise SpecError(msg)


# -- result tables --------------------------------------------------------------------------
def arc_days(corridor: Corridor, p: ParamValues) -> dict[str, float]:
    """Transit days on each arc (the ``days`` column of arcs.csv)."""
    return {a.id: corridor.quantity(a.days, p) for a in corridor.topology.arcs}


def transit_times(corridor: Corridor, flows: pd.DataFrame, p: ParamValues) -> pd.DataFrame:
    """Split each period's flows into routes (largest first) and give each route's transit days.

    Returns
    -------
    DataFrame
        ``period``, ``element`` (route: arc ids joined by ``>``), ``transit_d``, ``flow_kt``.
    """
    days = arc_days(corridor, p)
    routes = corridor.topology.paths(corridor.source, corridor.sink)
    rows = []
    for period, part in flows.groupby("period"):
        left = part.groupby("element")["flow_kt"].sum().to_dict()
        while True:
            best = max(routes, key=lambda path: min(left.get(a, 0.0) for a in path))
            amount = min(left.get(a, 0.0) for a in best)
            if amount <= 1e-6:
                break
            for a in best:
                left[a] -= amount
            rows.append((int(period), ">".join(best), sum(days[a] for a in best), amount))
    return pd.DataFrame(rows, columns=["period", "element", "transit_d", "flow_kt"])


def tables(
    corridor: Corridor,
    p: ParamValues,
    result: Mapping[str, pd.DataFrame],
    slices: Sequence[Any],
    net: Any,
) -> dict[str, pd.DataFrame]:
    """Return the ``transit_times`` table."""
    del slices, net
    return {"transit_times": transit_times(corridor, result["flows"], p)}


def _weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    if w.sum() <= 0:
        return float("nan")
    order = np.argsort(x)
    cum = np.cumsum(w[order]) / w.sum()
    return float(x[order][np.searchsorted(cum, q)])


def summary(p: ParamValues, result: Mapping[str, pd.DataFrame]) -> list[tuple]:
    """Summary rows: delivered by route, Caspian crossing, transit times."""
    flows = result["flows"].groupby("element")["flow_kt"].sum() / THOUSAND
    offered = float(result["supply"]["available_kt"].sum()) / THOUSAND
    corridor = float(flows.get("turkish_rail", 0) + flows.get("black_sea_ports", 0))
    northern = float(flows.get("northern_route", 0))
    tt = result["transit_times"]
    mc = tt[~tt["element"].eq("northern_route")]
    x, w = mc["transit_d"].to_numpy(float), mc["flow_kt"].to_numpy(float)
    teu = p.mixed_t_per_teu / MEGA
    ferries = float(flows.get("aktau_ferries", 0) + flows.get("kuryk_ferries", 0))
    ships = float(flows.get("cargo_ships", 0))
    return [
        ("offered_mt", offered, "Mt"),
        ("corridor_delivered_mt", corridor, "Mt", "europe"),
        ("corridor_delivered_teu", corridor / teu, "TEU", "europe"),
        ("northern_route_mt", northern, "Mt", "northern_route"),
        ("unmet_mt", max(offered - corridor - northern, 0.0), "Mt"),
        ("via_btk_mt", float(flows.get("btk", 0)), "Mt", "btk"),
        ("via_black_sea_mt", float(flows.get("black_sea_ports", 0)), "Mt", "black_sea_ports"),
        ("caspian_ferries_mt", ferries, "Mt", "kuryk_ferries"),
        ("caspian_ships_mt", ships, "Mt", "cargo_ships"),
        ("caspian_crossing_mt", ferries + ships, "Mt", "alat"),
        ("transit_mean_d", float((x * w).sum() / w.sum()) if w.sum() > 0 else float("nan"), "d"),
        ("transit_p10_d", _weighted_quantile(x, w, 0.1), "d"),
        ("transit_p90_d", _weighted_quantile(x, w, 0.9), "d"),
        ("binding_arcs", float(len(result["bottlenecks"])), "arcs"),
    ]


def meta(p: ParamValues, scenario: Any) -> dict[str, Any]:
    """Return the mixed-cargo ratio the TEU figures use."""
    del scenario
    return {"mixed_t_per_teu": float(p.mixed_t_per_teu)}


def upgrades(
    corridor: Corridor,
    year: int,
    *,
    months: int = 12,
    **overrides: Any,
) -> pd.DataFrame:
    """Corridor capacity under each case of :data:`UPGRADES` (BTK 1/5, Alat 15/25, new ferries).

    Parameters
    ----------
    corridor : Corridor
        The Middle Corridor (bound: ``middle_corridor.upgrades(year)``).
    year : int
        Model year.
    months : int, default 12
        Horizon.
    **overrides
        The corridor's parameters.

    Returns
    -------
    pandas.DataFrame
        One row per case: ``case``, ``capacity_mt_per_yr``, ``bottleneck`` (the cut's arcs)
        and ``gain_mt_per_yr`` over the first case.

    Examples
    --------
    >>> from corridor_sim.models import middle_corridor
    >>> table = middle_corridor.upgrades(2025)
    >>> bool((table["capacity_mt_per_yr"] > 0).all())
    True
    """
    from corridor_sim.models.toolkit.study import corridor_capacity

    rows = []
    for name, case in UPGRADES.items():
        cap = corridor_capacity(corridor, year, months=months, **{**overrides, **case})
        rows.append((name, cap["capacity_mt_per_yr"], "+".join(cap["cut_arcs"])))
    frame = pd.DataFrame(rows, columns=["case", "capacity_mt_per_yr", "bottleneck"])
    frame["gain_mt_per_yr"] = frame["capacity_mt_per_yr"] - float(
        frame["capacity_mt_per_yr"].iloc[0]
    )
    return frame


def study(run: StudyRun) -> None:
    """Run the ``upgrades`` study into the run's tables."""
    overrides = {
        k: v for k, v in run.scenario.overrides.items() if k != "corridor_volume_mt_per_yr"
    }
    run.tables["upgrades"] = upgrades(run.corridor, int(run.p.year), months=run.months, **overrides)


validation = backcast.validation
