"""The multi-period flow LP behind :func:`corridor_sim.engines.commodity.solve`.

Import the public names from :mod:`corridor_sim.engines.commodity`. The matrices
are built with index arrays (no loop over periods x arcs) and solved once with
HiGHS through :func:`scipy.optimize.linprog`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import OptimizeResult, linprog

from corridor_sim.engines._commodity_diag import diagnose_infeasible, diagnose_unbounded
from corridor_sim.engines._commodity_layout import LP, Layout
from corridor_sim.engines._commodity_network import CommodityNetwork
from corridor_sim.engines._commodity_spec import NodeKind
from corridor_sim.errors import InfeasibleError, SolverError, SpecError, UnknownNameError, suggest
from corridor_sim.results.result import Result, summary_frame
from corridor_sim.results.schemas import unit_suffix
from corridor_sim.units import PERCENT

__all__ = ["CommoditySolution", "default_unmet_penalty", "solve"]

#: Relative tolerance for "flow at capacity" and for cleaning solver noise.
TOL = 1e-7
#: Cap on the loss amplification used in the default unmet penalty.
_MAX_LOSS_AMPLIFICATION = 1e4


@dataclass(repr=False)
class CommoditySolution(Result):
    """Result of :func:`solve`: tidy tables plus the objective, status and network.

    Tables (all long: one row per element and period; volumes in ``network.unit``
    per period, costs in the network's cost units):

    Key columns ``element`` (arc or node id), ``period``, ``period_label`` and, when the
    network has snapshots, ``snapshot``; ``<u>`` is the network's unit in column form
    (``kt``) and ``<c>`` its cost unit (``usd_per_t``; ``cu_per_<u>`` when unset):

    - ``flows``: source, target, flow_<u>, received_<u>, capacity_<u> (= nominal x
      availability), capacity_nominal_<u>, availability_pu, utilisation_pct (NaN when
      the capacity is 0 or infinite), shadow_price_<c> (>= 0: cost saved per extra unit
      of capacity), unit_cost_<c>.
    - ``utilisation``: utilisation_pct, binding.
    - ``unmet``: demand_<u>, delivered_<u>, unmet_<u> (NaN for an open sink with
      infinite demand).
    - ``storage``: level_<u>, inflow_<u>, outflow_<u>, capacity_<u>.
    - ``supply``: supplied_<u>, available_<u>.
    - ``prices``: price_<c> (dual of the node balance).
    - ``bottlenecks``: rank, element, source, target, binding_periods (count),
      binding_period_labels, shadow_price_mean_<c>, shadow_price_max_<c>.
    """

    total_cost: float = math.nan
    status: str = ""
    network: CommodityNetwork | None = None

    @classmethod
    def load(cls, directory: str | Path) -> CommoditySolution:
        """Read a solution written by :meth:`save` (``network`` is not saved: None).

        Notes
        -----
        Column dtypes are restored from ``meta.json``, so period labels such as
        ``"0"`` come back as strings.
        """
        sol = super().load(directory)
        if "total_cost" in set(sol.summary_table["metric"]):
            sol.total_cost = sol.metric("total_cost")
        sol.status = str(sol.meta.get("status", ""))
        return sol

    def delivered(self, node: str | None = None) -> pd.DataFrame:
        """Volume delivered per demand node and period.

        Parameters
        ----------
        node : str, optional
            Only this demand node.

        Returns
        -------
        DataFrame
            Columns element (the node), period, period_label, demand_<unit>, delivered_<unit>.
        """
        unit = unit_suffix(str(self.meta.get("unit", "t")))
        keys = [c for c in ("element", "period", "period_label", "snapshot") if c in self.unmet]
        table = self.table("unmet").loc[:, [*keys, f"demand_{unit}", f"delivered_{unit}"]]
        if node is None:
            return table.reset_index(drop=True)
        if node not in set(table["element"]):
            msg = f"node {node!r} has no demand in this solution: {suggest(node, table['element'])}"
            raise UnknownNameError(msg)
        return table[table["element"] == node].reset_index(drop=True)


def _per_period_matrix(values: list[object], n_periods: int) -> np.ndarray:
    """Stack scalars / per-period tuples into an array of shape (n_periods, len(values))."""
    out = np.empty((n_periods, len(values)))
    for j, v in enumerate(values):  # one pass over elements, not periods x elements
        out[:, j] = v
    return out


def default_unmet_penalty(network: CommodityNetwork) -> float:
    """Return the engine's default cost per unit of unmet demand.

    ``10 ** ceil(log10(raw * amp))`` with ``raw = 1 + T * sum|arc cost| +
    max|supply cost| + max|value|`` (T = number of periods when the network has
    storage, since a path through time can use each arc once per period; T = 1
    without storage) and ``amp = max(1 / prod(1 - loss), 1 / min(loss))`` over the
    lossy arcs (capped at 1e4). The first factor is the most volume a delivered
    unit can need at its source; the second covers rerouting: sending a unit of
    supply over a cheaper but lossier path saves at most ``raw`` in cost and loses
    at least the smallest loss fraction of a unit, so a penalty above
    ``raw / min(loss)`` makes delivering more always worth the cost. So meeting
    demand always beats leaving it unmet, unless losses are below 1e-4 or compound
    beyond the cap: then give ``unmet_penalty`` explicitly.

    Parameters
    ----------
    network : CommodityNetwork
        The network.

    Returns
    -------
    float
        Penalty in cost units per network unit.
    """
    arc_costs = sum(abs(a.cost) for a in network.arcs)
    supply_costs = max((abs(n.supply_cost) for n in network.nodes), default=0.0)
    values = max((abs(n.value) for n in network.nodes), default=0.0)
    stores = any(n.kind is NodeKind.STORAGE for n in network.nodes)
    raw = 1.0 + (network.n_periods if stores else 1) * arc_costs + supply_costs + values
    keep = math.prod(1.0 - a.loss_fraction for a in network.arcs)
    lossy = [a.loss_fraction for a in network.arcs if a.loss_fraction > 0]
    reroute = 1.0 / min(lossy) if lossy else 1.0
    amp = min(max(1.0 / keep if keep > 0 else math.inf, reroute), _MAX_LOSS_AMPLIFICATION)
    return float(10.0 ** math.ceil(math.log10(raw * amp)))


def _build(net: CommodityNetwork) -> LP:
    t_n, n_n, n_a = net.n_periods, len(net.nodes), len(net.arcs)
    index = {nid: i for i, nid in enumerate(net.node_ids)}
    src = np.array([index[a.source] for a in net.arcs], dtype=np.int64)
    tgt = np.array([index[a.target] for a in net.arcs], dtype=np.int64)
    keep = np.array([1.0 - a.loss_fraction for a in net.arcs])
    cost = np.array([a.cost for a in net.arcs])
    cap = _per_period_matrix([a.capacity for a in net.arcs], t_n)
    with np.errstate(invalid="ignore"):
        cap *= _per_period_matrix([a.availability for a in net.arcs], t_n)
    cap[np.isnan(cap)] = 0.0  # inf * 0 availability
    supply = _per_period_matrix([n.supply for n in net.nodes], t_n)
    demand = _per_period_matrix([n.demand for n in net.nodes], t_n)
    sup = np.flatnonzero((supply > 0).any(axis=0))
    dem = np.flatnonzero((demand > 0).any(axis=0))
    sto = np.array(
        [i for i, n in enumerate(net.nodes) if n.kind is NodeKind.STORAGE], dtype=np.int64
    )
    n_s, n_d, n_l = sup.size, dem.size, sto.size
    n_x = t_n * n_a
    periods = np.arange(t_n)

    # flows: variable t * A + a; balance row t * N + n
    t_x = np.repeat(periods, n_a)
    a_x = np.tile(np.arange(n_a), t_n)
    col_x = np.arange(n_x)
    rows = [t_x * n_n + src[a_x], t_x * n_n + tgt[a_x]]
    cols = [col_x, col_x]
    vals = [-np.ones(n_x), keep[a_x]]
    off = n_x
    for nodes_, sign in ((sup, 1.0), (dem, -1.0)):
        k = nodes_.size
        t_k = np.repeat(periods, k)
        rows.append(t_k * n_n + np.tile(nodes_, t_n))
        cols.append(off + np.arange(t_n * k))
        vals.append(np.full(t_n * k, sign))
        off += t_n * k
    # storage: in - out - (L_t - L_{t-1}) = 0, L_{-1} = initial level (moved to b_eq)
    t_l = np.repeat(periods, n_l)
    col_l = off + np.arange(t_n * n_l)
    rows.append(t_l * n_n + np.tile(sto, t_n))
    cols.append(col_l)
    vals.append(-np.ones(t_n * n_l))
    later = t_l >= 1
    rows.append(t_l[later] * n_n + np.tile(sto, t_n)[later])
    cols.append(col_l[later] - n_l)
    vals.append(np.ones(int(later.sum())))
    n_var = off + t_n * n_l
    a_eq = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(t_n * n_n, n_var),
    )
    b_eq = np.zeros(t_n * n_n)
    initial = np.array([net.nodes[i].initial_level for i in sto])
    b_eq[sto] = -initial

    penalty = np.array(
        [
            net.nodes[i].unmet_penalty if net.nodes[i].unmet_penalty is not None else math.nan
            for i in dem
        ]
    )
    if np.isnan(penalty).any():
        penalty[np.isnan(penalty)] = default_unmet_penalty(net)
    demand_d = demand[:, dem]
    open_sink = np.isinf(demand_d).any(axis=0)
    penalty[open_sink] = 0.0
    value = np.array([net.nodes[i].value for i in dem])
    const = float((penalty * np.where(np.isinf(demand_d), 0.0, demand_d)).sum())

    c = np.concatenate(
        [
            np.tile(cost, t_n),
            np.tile(np.array([net.nodes[i].supply_cost for i in sup]), t_n),
            np.tile(-(penalty + value), t_n),
            np.zeros(t_n * n_l),
        ]
    )
    level_cap = np.array([net.nodes[i].storage_capacity for i in sto])
    level_low = np.zeros((t_n, n_l))
    final = [net.nodes[i].final_level for i in sto]
    level_low[-1] = [0.0 if f is None else f for f in final]
    bounds = np.zeros((n_var, 2))
    bounds[:, 1] = np.concatenate(
        [
            cap.ravel(),
            supply[:, sup].ravel(),
            demand_d.ravel(),
            np.tile(level_cap, t_n),
        ]
    )
    bounds[n_var - t_n * n_l :, 0] = level_low.ravel()
    layout = Layout.of(t_n, n_a, n_s, n_d, n_l)
    return LP(c, a_eq, b_eq, bounds, const, layout, sup, dem, sto, penalty, demand_d)


def _run(lp: LP) -> OptimizeResult:
    if lp.c.size == 0:  # nothing can move: the zero solution, zero duals
        zeros = OptimizeResult(marginals=np.zeros(0))
        return OptimizeResult(
            x=np.zeros(0),
            fun=0.0,
            status=0,
            message="empty LP (no variables)",
            upper=zeros,
            eqlin=OptimizeResult(marginals=np.zeros(lp.b_eq.size)),
        )
    return linprog(lp.c, A_eq=lp.a_eq, b_eq=lp.b_eq, bounds=lp.bounds, method="highs")


def solve(network: CommodityNetwork, *, name: str = "") -> CommoditySolution:
    """Solve the multi-period min-cost flow LP; see :mod:`corridor_sim.engines.commodity`."""
    if not isinstance(network, CommodityNetwork):
        msg = f"solve(network=...) got a {type(network).__name__}; expected a CommodityNetwork"
        raise SpecError(msg)
    lp = _build(network)
    res = _run(lp)
    if res.status == 2:
        msg = f"network {network.name!r} is infeasible: " + diagnose_infeasible(network, lp)
        raise InfeasibleError(msg)
    if res.status == 3:
        where = diagnose_unbounded(network, lp)
        msg = (
            f"network {network.name!r}: the LP is unbounded ({where or 'HiGHS: ' + res.message}); "
            "expected finite supply or a non-negative cost on every cycle of infinite capacity "
            "and no open sink (infinite demand) with value above its path cost from an "
            "infinite supply"
        )
        raise SolverError(msg)
    if res.status != 0:
        msg = f"network {network.name!r}: HiGHS failed with status {res.status}: {res.message}"
        raise SolverError(msg)
    return _tables(network, lp, res, name=name)


def _clean(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float).copy()
    x[np.abs(x) < 1e-9] = 0.0
    return x + 0.0  # no negative zeros


def _long(net: CommodityNetwork, ids: np.ndarray | list[str]) -> pd.DataFrame:
    """Key columns (element, period, period_label[, snapshot]) of a (T, K) block, period-major."""
    ids = np.asarray(ids, dtype=object)
    t_n, k = net.n_periods, ids.size
    t = np.repeat(np.arange(t_n), k)
    frame = pd.DataFrame(
        {
            "element": np.tile(ids, t_n),
            "period": t,
            "period_label": np.asarray(net.periods, dtype=object)[t],
        }
    )
    if net.snapshots is not None:
        frame["snapshot"] = pd.DatetimeIndex(net.snapshots)[t]
    return frame


def _tables(net: CommodityNetwork, lp: LP, res: OptimizeResult, *, name: str) -> CommoditySolution:
    t_n, n_n = net.n_periods, len(net.nodes)
    x = _clean(res.x)
    lay = lp.layout
    flow = lay.block(x, "flow")
    supplied = lay.block(x, "supply")
    delivered = lay.block(x, "delivery")
    level = lay.block(x, "level")
    cap = lay.block(lp.bounds[:, 1], "flow")
    shadow = np.maximum(0.0, -lay.block(_clean(res.upper.marginals), "flow")) + 0.0
    shadow[np.isinf(cap)] = 0.0
    price = _clean(res.eqlin.marginals).reshape(t_n, n_n)
    u, c = net.flow_suffix, net.cost_suffix

    arcs = net.arcs
    keep = np.array([1.0 - a.loss_fraction for a in arcs])
    cost = np.array([a.cost for a in arcs])
    nominal = _per_period_matrix([a.capacity for a in arcs], t_n)
    avail = _per_period_matrix([a.availability for a in arcs], t_n)
    finite = np.isfinite(cap) & (cap > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(finite, flow / np.where(finite, cap, 1.0), np.nan)
    safe_cap = np.where(finite, cap, 0.0)
    at_cap = finite & (flow >= safe_cap - TOL * np.maximum(1.0, safe_cap))
    binding = at_cap | (shadow > TOL)

    flows = _long(net, list(net.arc_ids))
    flows.insert(1, "source", np.tile(np.array([a.source for a in arcs], dtype=object), t_n))
    flows.insert(2, "target", np.tile(np.array([a.target for a in arcs], dtype=object), t_n))
    flows[f"flow_{u}"] = flow.ravel()
    flows[f"received_{u}"] = (flow * keep).ravel()
    flows[f"capacity_{u}"] = cap.ravel()
    flows[f"capacity_nominal_{u}"] = nominal.ravel()
    flows["availability_pu"] = avail.ravel()
    flows["utilisation_pct"] = PERCENT * util.ravel()
    flows[f"shadow_price_{c}"] = shadow.ravel()
    flows[f"unit_cost_{c}"] = np.tile(cost, t_n)

    utilisation = flows.drop(columns=["source", "target"]).iloc[:, : len(_keys(net))].copy()
    utilisation["utilisation_pct"] = PERCENT * util.ravel()
    utilisation["binding"] = binding.ravel()

    node_ids = np.array(net.node_ids, dtype=object)
    unmet = _long(net, node_ids[lp.dem])
    unmet[f"demand_{u}"] = lp.demand.ravel()
    unmet[f"delivered_{u}"] = delivered.ravel()
    with np.errstate(invalid="ignore"):
        gap = np.where(np.isinf(lp.demand), np.nan, np.maximum(lp.demand - delivered, 0.0))
    unmet[f"unmet_{u}"] = _clean(gap).ravel()

    supply_all = _per_period_matrix([n.supply for n in net.nodes], t_n)
    supply = _long(net, node_ids[lp.sup])
    supply[f"supplied_{u}"] = supplied.ravel()
    supply[f"available_{u}"] = supply_all[:, lp.sup].ravel()

    # storage inflow/outflow per period, vectorised with sparse incidence sums
    inflow_n = _incidence(flow * keep, [a.target for a in arcs], net)
    outflow_n = _incidence(flow, [a.source for a in arcs], net)
    sup_n = np.zeros((t_n, n_n))
    sup_n[:, lp.sup] = supplied
    del_n = np.zeros((t_n, n_n))
    del_n[:, lp.dem] = delivered
    storage = _long(net, node_ids[lp.sto])
    storage[f"level_{u}"] = level.ravel()
    storage[f"inflow_{u}"] = (inflow_n + sup_n)[:, lp.sto].ravel()
    storage[f"outflow_{u}"] = (outflow_n + del_n)[:, lp.sto].ravel()
    storage[f"capacity_{u}"] = np.tile([net.nodes[i].storage_capacity for i in lp.sto], t_n)

    prices = _long(net, node_ids)
    prices[f"price_{c}"] = price.ravel()

    bottlenecks = _bottlenecks(net, shadow, binding)
    arc_cost = float((flow * cost).sum())
    supply_cost = float((supplied * np.array([net.nodes[i].supply_cost for i in lp.sup])).sum())
    unmet_total = float(np.nansum(unmet[f"unmet_{u}"]))
    penalty_cost = float((np.nan_to_num(gap, nan=0.0) * lp.penalty).sum())
    revenue = float((delivered * np.array([net.nodes[i].value for i in lp.dem])).sum())
    total = float(res.fun + lp.const)
    vol = net.unit
    money = net.money_unit
    summary = summary_frame(
        [
            ("total_cost", total, money),
            ("arc_cost", arc_cost, money),
            ("supply_cost", supply_cost, money),
            ("unmet_penalty_cost", penalty_cost, money),
            ("revenue", revenue, money),
            ("supplied", float(supplied.sum()), vol),
            ("delivered", float(delivered.sum()), vol),
            ("unmet", unmet_total, vol),
            ("losses", float((flow * (1.0 - keep)).sum()), vol),
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
        "solver": "HiGHS (scipy.optimize.linprog)",
        "solver_status": res.message,
        "status": "optimal",
        "default_unmet_penalty": default_unmet_penalty(net),
    }
    tables = {
        "flows": flows,
        "utilisation": utilisation,
        "unmet": unmet,
        "storage": storage,
        "supply": supply,
        "prices": prices,
        "bottlenecks": bottlenecks,
    }
    return CommoditySolution(
        tables=tables,
        summary_table=summary,
        meta=meta,
        total_cost=total,
        status="optimal",
        network=net,
    )


def _keys(net: CommodityNetwork) -> tuple[str, ...]:
    return ("element", "period", "period_label") + (("snapshot",) if net.snapshots else ())


def _incidence(values: np.ndarray, ends: list[str], net: CommodityNetwork) -> np.ndarray:
    """Sum (T, A) arc values onto their end nodes: (T, N)."""
    index = {nid: i for i, nid in enumerate(net.node_ids)}
    cols = np.array([index[e] for e in ends], dtype=np.int64)
    inc = sp.csr_matrix(
        (np.ones(cols.size), (np.arange(cols.size), cols)), shape=(cols.size, len(net.nodes))
    )
    return np.asarray(values @ inc) if cols.size else np.zeros((net.n_periods, len(net.nodes)))


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
            f"shadow_price_mean_{c}": shadow[:, hit].mean(axis=0) if hit.size else [],
            f"shadow_price_max_{c}": shadow[:, hit].max(axis=0) if hit.size else [],
        }
    )
    frame = frame.sort_values(
        [f"shadow_price_mean_{c}", f"shadow_price_max_{c}", "binding_periods", "element"],
        ascending=[False, False, False, True],
        kind="stable",
    ).reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1, dtype=np.int64))
    return frame
