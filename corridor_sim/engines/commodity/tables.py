"""Result tables of :func:`corridor_sim.engines.commodity.solve`, built from a :class:`Solved`.

Every table is built in one go from (periods, width) arrays: key columns by ``np.repeat`` /
``np.tile``, value columns by ``ravel``, and one ``DataFrame(..., copy=False)`` per table, so a
year of hourly periods on hundreds of arcs costs one pass over each column and no per-period
Python loop. Whether the solution came from one LP or from blocks of periods makes no
difference here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from corridor_sim.engines.commodity.layout import Inputs, Solved, per_period_matrix
from corridor_sim.engines.commodity.solution import CommoditySolution
from corridor_sim.results.result import summary_frame
from corridor_sim.results.schemas import unit_suffix
from corridor_sim.results.tolerance import FEASIBILITY_TOL, magnitude, snap
from corridor_sim.units import PERCENT

if TYPE_CHECKING:
    from corridor_sim.engines.commodity.network import CommodityNetwork

__all__ = ["TOL", "clean", "horizon_totals", "tables"]

#: Relative tolerance for "flow at capacity" and for cleaning solver noise (HiGHS's
#: feasibility tolerance, :data:`corridor_sim.results.tolerance.FEASIBILITY_TOL`).
TOL = FEASIBILITY_TOL


def clean(x: np.ndarray, scale: float = 1.0, **bounds: np.ndarray) -> np.ndarray:
    """Round-off of `x` written as 0 or as its bound (``lower=``/``upper=``), in place.

    The tolerance is ``TOL x scale`` (:func:`corridor_sim.results.tolerance.snap`).
    """
    return snap(x, scale, **bounds)


def _clean_solution(inp: Inputs, sol: Solved) -> None:
    """Snap the primal values to 0 and to their bounds, the duals to 0, at the problem's scale.

    The primal scale is the largest finite capacity, supply, demand or tank size; the dual
    scale the largest arc, supply or delivery cost. A flow within the tolerance of its
    capacity is at capacity; a delivery within it of the demand meets the demand.
    """
    volume = magnitude(inp.cap, inp.supply, inp.demand, inp.level_cap)
    money = magnitude(inp.cost, inp.supply_cost, inp.value)
    clean(sol.flow, volume, upper=inp.cap)
    clean(sol.supplied, volume, upper=inp.supply)
    clean(sol.delivered, volume, upper=inp.demand)
    clean(sol.level, volume, upper=inp.level_cap)
    clean(sol.shadow, money)
    clean(sol.price, money)


def _keys(net: CommodityNetwork, ids: np.ndarray, t_n: int) -> dict[str, object]:
    """Key columns (element, period, period_label[, snapshot]) of a (T, K) block, period-major."""
    t = np.repeat(np.arange(t_n, dtype=np.int64), ids.size)
    keys: dict[str, object] = {
        "element": np.tile(ids, t_n),
        "period": t,
        "period_label": np.asarray(net.periods, dtype=object)[t],
    }
    if net.snapshots is not None:
        keys["snapshot"] = pd.DatetimeIndex(net.snapshots)[t]
    return keys


def _frame(keys: Mapping[str, object], values: Mapping[str, object]) -> pd.DataFrame:
    return pd.DataFrame({**keys, **values}, copy=False)


def tables(
    net: CommodityNetwork, inp: Inputs, sol: Solved, *, name: str, default_penalty: float
) -> CommoditySolution:
    """Build the :class:`CommoditySolution` of `net` from its solved arrays (cleaned in place)."""
    t_n = inp.n_periods
    _clean_solution(inp, sol)
    flow, supplied, delivered = sol.flow, sol.supplied, sol.delivered
    cap = inp.cap
    shadow = np.maximum(sol.shadow, 0.0, out=sol.shadow)
    shadow[np.isinf(cap)] = 0.0
    price = sol.price
    u, c = net.flow_suffix, net.cost_suffix

    arcs = net.arcs
    arc_ids = np.array(net.arc_ids, dtype=object)
    node_ids = np.array(net.node_ids, dtype=object)
    finite = np.isfinite(cap) & (cap > 0)
    safe_cap = np.where(finite, cap, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(finite, flow / np.where(finite, cap, 1.0), np.nan)
    util *= PERCENT
    binding = finite & (flow >= safe_cap - TOL * np.maximum(1.0, safe_cap))
    del safe_cap, finite
    binding |= shadow > TOL

    flows = _frame(
        {
            "element": np.tile(arc_ids, t_n),
            "source": np.tile(np.array([a.source for a in arcs], dtype=object), t_n),
            "target": np.tile(np.array([a.target for a in arcs], dtype=object), t_n),
            **{k: v for k, v in _keys(net, arc_ids, t_n).items() if k != "element"},
        },
        {
            f"flow_{u}": flow.ravel(),
            f"received_{u}": (flow * inp.keep).ravel(),
            f"capacity_{u}": cap.ravel(),
            f"capacity_nominal_{u}": per_period_matrix([a.capacity for a in arcs], t_n).ravel(),
            "availability_pu": per_period_matrix([a.availability for a in arcs], t_n).ravel(),
            "utilisation_pct": util.ravel(),
            f"shadow_price_{c}": shadow.ravel(),
            f"unit_cost_{c}": np.tile(inp.cost, t_n),
        },
    )
    utilisation = _frame(
        _keys(net, arc_ids, t_n),
        {"utilisation_pct": util.ravel().copy(), "binding": binding.ravel()},
    )

    demand = inp.demand
    with np.errstate(invalid="ignore"):
        gap = np.where(np.isinf(demand), np.nan, np.maximum(demand - delivered, 0.0))
    gap = clean(gap, magnitude(inp.cap, inp.supply, demand, inp.level_cap))
    unmet = _frame(
        _keys(net, node_ids[inp.dem], t_n),
        {
            f"demand_{u}": demand.ravel(),
            f"delivered_{u}": delivered.ravel(),
            f"unmet_{u}": gap.ravel(),
        },
    )
    supply = _frame(
        _keys(net, node_ids[inp.sup], t_n),
        {f"supplied_{u}": supplied.ravel(), f"available_{u}": inp.supply.ravel()},
    )
    storage = _frame(_keys(net, node_ids[inp.sto], t_n), _storage_values(net, inp, sol, u))
    prices = _frame(_keys(net, node_ids, t_n), {f"price_{c}": price.ravel()})

    bottlenecks = _bottlenecks(net, shadow, binding)
    money, vol = net.money_unit, net.unit
    summary = summary_frame(
        [
            ("total_cost", sol.objective, money),
            ("arc_cost", float((flow * inp.cost).sum()), money),
            ("supply_cost", float((supplied * inp.supply_cost).sum()), money),
            ("unmet_penalty_cost", float((np.nan_to_num(gap, nan=0.0) * inp.penalty).sum()), money),
            ("revenue", float((delivered * inp.value).sum()), money),
            ("supplied", float(supplied.sum()), vol),
            ("delivered", float(delivered.sum()), vol),
            ("unmet", float(np.nansum(gap)), vol),
            ("losses", float((flow * (1.0 - inp.keep)).sum()), vol),
            ("binding_arcs", float(len(bottlenecks)), "arcs"),
        ]
    )
    meta = {
        "model": "commodity",
        "engine": "commodity",
        "network": net.name,
        "name": name or net.name,
        "unit": net.unit,
        "cost_unit": net.cost_unit,
        "calendar": net.snapshots is not None,
        "periods": list(net.periods),
        "solver": sol.solver,
        "solver_status": sol.message,
        "status": "optimal",
        "default_unmet_penalty": default_penalty,
        "blocks": sol.blocks,
        "block_periods": sol.block_periods,
    }
    return CommoditySolution(
        tables={
            "flows": flows,
            "utilisation": utilisation,
            "unmet": unmet,
            "storage": storage,
            "supply": supply,
            "prices": prices,
            "bottlenecks": bottlenecks,
        },
        summary_table=summary,
        meta=meta,
        total_cost=sol.objective,
        status="optimal",
        network=net,
    )


def _storage_values(
    net: CommodityNetwork, inp: Inputs, sol: Solved, u: str
) -> dict[str, np.ndarray]:
    """Level, inflow (arcs + supply), outflow (arcs + delivery) and capacity of storage nodes."""
    t_n, sto = inp.n_periods, inp.sto
    if sto.size == 0:
        empty = np.zeros(0)
        return {f"{k}_{u}": empty for k in ("level", "inflow", "outflow", "capacity")}
    inflow = _onto(sol.flow * inp.keep, inp.tgt, sto, inp.n_nodes)
    outflow = _onto(sol.flow, inp.src, sto, inp.n_nodes)
    inflow += _onto(sol.supplied, inp.sup, sto, inp.n_nodes)
    outflow += _onto(sol.delivered, inp.dem, sto, inp.n_nodes)
    return {
        f"level_{u}": sol.level.ravel(),
        f"inflow_{u}": inflow.ravel(),
        f"outflow_{u}": outflow.ravel(),
        f"capacity_{u}": np.tile(inp.level_cap, t_n),
    }


def _onto(values: np.ndarray, ends: np.ndarray, nodes: np.ndarray, n_nodes: int) -> np.ndarray:
    """Sum (T, K) values onto nodes `ends` (K,) and keep the columns of `nodes`: (T, len(nodes))."""
    col_of = np.full(n_nodes, -1, dtype=np.int64)
    col_of[nodes] = np.arange(nodes.size)
    cols = col_of[ends] if ends.size else np.zeros(0, dtype=np.int64)
    mine = np.flatnonzero(cols >= 0)
    inc = sp.csr_matrix((np.ones(mine.size), (mine, cols[mine])), shape=(ends.size, nodes.size))
    return np.asarray(values @ inc) if ends.size else np.zeros((values.shape[0], nodes.size))


def _bottlenecks(net: CommodityNetwork, shadow: np.ndarray, binding: np.ndarray) -> pd.DataFrame:
    hit = np.flatnonzero(binding.any(axis=0))
    labels = np.asarray(net.periods, dtype=object)
    c = net.cost_suffix
    frame = pd.DataFrame(
        {
            "element": [net.arcs[j].id for j in hit],
            "source": [net.arcs[j].source for j in hit],
            "target": [net.arcs[j].target for j in hit],
            "binding_periods": binding[:, hit].sum(axis=0).astype(np.int64),
            "binding_period_labels": [",".join(labels[binding[:, j]]) for j in hit],
            f"shadow_price_mean_{c}": shadow.mean(axis=0)[hit] if hit.size else [],
            f"shadow_price_max_{c}": shadow.max(axis=0)[hit] if hit.size else [],
        }
    )
    frame = frame.sort_values(
        [f"shadow_price_mean_{c}", f"shadow_price_max_{c}", "binding_periods", "element"],
        ascending=[False, False, False, True],
        kind="stable",
    ).reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1, dtype=np.int64))
    return frame


def horizon_totals(
    flows: pd.DataFrame, scale: float = 1.0, unit: str | None = None
) -> pd.DataFrame:
    """Flow and capacity of every arc summed over the horizon, with its utilisation.

    Parameters
    ----------
    flows : DataFrame
        A commodity ``flows`` table: ``element``, ``source``, ``target``, ``flow_<unit>`` and
        ``capacity_<unit>`` per period.
    scale : float, default 1.0
        Flow units per unit of the totals (1000: kt summed as Mt).
    unit : str, optional
        The unit of the totals, for the column names (``"Mt"``: ``flow_mt``); default the
        flows' unit (then `scale` should be 1).

    Returns
    -------
    DataFrame
        Indexed by arc (``element``): ``source``, ``target``, ``flow_<unit>``,
        ``capacity_<unit>`` and ``utilisation_pct``, the summed flow over the summed
        capacity (NaN where the capacity is 0 or unlimited).

    Raises
    ------
    KeyError
        `flows` has no ``flow_<unit>`` column.

    Examples
    --------
    >>> from corridor_sim.engines.commodity import Arc, CommodityNetwork, Node, solve
    >>> net = CommodityNetwork(
    ...     nodes=(Node("a", kind="supply", supply=5.0), Node("b", kind="demand", demand=8.0)),
    ...     arcs=(Arc("a", "b", capacity=10.0, cost=1.0),),
    ... )
    >>> horizon_totals(solve(net).flows, scale=1000.0, unit="kt")
            source target  flow_kt  capacity_kt  utilisation_pct
    element
    a->b         a      b    0.005         0.01             50.0
    """
    flow = next((c for c in flows.columns if str(c).startswith("flow_")), None)
    if flow is None:
        msg = f"flows table has no flow_<unit> column (columns {list(flows.columns)})"
        raise KeyError(msg)
    cap = "capacity_" + flow.removeprefix("flow_")
    totals = flows.groupby("element", sort=False).agg(
        source=("source", "first"),
        target=("target", "first"),
        **{flow: (flow, "sum"), cap: (cap, "sum")},
    )
    totals[[flow, cap]] /= scale
    ok = np.isfinite(totals[cap]) & (totals[cap] > 0)
    totals["utilisation_pct"] = np.where(ok, PERCENT * totals[flow] / totals[cap].where(ok), np.nan)
    if unit is not None:
        suffix = unit_suffix(unit)
        totals = totals.rename(columns={flow: f"flow_{suffix}", cap: f"capacity_{suffix}"})
    return totals
