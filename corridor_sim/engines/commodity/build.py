"""The commodity LP built from arrays: :func:`inputs` (the network once) and :func:`build`.

:func:`build` makes the LP of any range of periods directly from the arrays with index arrays
(no loop over periods x arcs), so a block of periods costs memory in proportion to the block,
not to the horizon. Shared by :mod:`._commodity_lp` (one LP) and :mod:`._commodity_blocks`.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp

from corridor_sim.engines.commodity.layout import LP, Inputs, Layout, per_period_matrix
from corridor_sim.engines.commodity.network import CommodityNetwork
from corridor_sim.engines.commodity.spec import NodeKind

__all__ = ["build", "build_const", "default_unmet_penalty", "inputs", "upper_bounds"]

#: Cap on the loss amplification used in the default unmet penalty.
_MAX_LOSS_AMPLIFICATION = 1e4


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

    Examples
    --------
    A network without costs gets the smallest penalty, 1 cost unit per unit unmet; an arc
    cost of 250 per unit raises it to the next power of ten above 1 + 250:

    >>> from corridor_sim.engines.commodity import network_from_dict
    >>> from corridor_sim.scenarios import example_network
    >>> net = network_from_dict(example_network())  # 5 t offered, 3 t wanted, an arc of 2 t
    >>> default_unmet_penalty(net)
    1.0
    >>> net = net.with_arc("s->d", cost=250.0)
    >>> default_unmet_penalty(net)
    1000.0
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


def inputs(net: CommodityNetwork) -> Inputs:
    """Return the network as arrays: topology, per-period bounds, costs and penalties."""
    t_n = net.n_periods
    index = {nid: i for i, nid in enumerate(net.node_ids)}
    cap = per_period_matrix([a.capacity for a in net.arcs], t_n)
    with np.errstate(invalid="ignore"):
        cap *= per_period_matrix([a.availability for a in net.arcs], t_n)
    cap[np.isnan(cap)] = 0.0  # inf * 0 availability
    supply = per_period_matrix([n.supply for n in net.nodes], t_n)
    demand = per_period_matrix([n.demand for n in net.nodes], t_n)
    sup = np.flatnonzero((supply > 0).any(axis=0))
    dem = np.flatnonzero((demand > 0).any(axis=0))
    sto = np.array(
        [i for i, n in enumerate(net.nodes) if n.kind is NodeKind.STORAGE], dtype=np.int64
    )
    nodes = net.nodes
    penalty = np.array(
        [nodes[i].unmet_penalty if nodes[i].unmet_penalty is not None else math.nan for i in dem]
    )
    if np.isnan(penalty).any():
        penalty[np.isnan(penalty)] = default_unmet_penalty(net)
    demand_d = demand[:, dem]
    penalty[np.isinf(demand_d).any(axis=0)] = 0.0  # open sinks: only their value pulls
    return Inputs(
        n_periods=t_n,
        n_nodes=len(nodes),
        src=np.array([index[a.source] for a in net.arcs], dtype=np.int64),
        tgt=np.array([index[a.target] for a in net.arcs], dtype=np.int64),
        keep=np.array([1.0 - a.loss_fraction for a in net.arcs]),
        cost=np.array([a.cost for a in net.arcs]),
        cap=cap,
        sup=sup,
        dem=dem,
        sto=sto,
        supply=supply[:, sup],
        demand=demand_d,
        supply_cost=np.array([nodes[i].supply_cost for i in sup]),
        value=np.array([nodes[i].value for i in dem]),
        penalty=penalty,
        level_cap=np.array([nodes[i].storage_capacity for i in sto]),
        initial=np.array([nodes[i].initial_level for i in sto]),
        final=np.array([nodes[i].final_level or 0.0 for i in sto]),
    )


def build(inp: Inputs, start: int = 0, stop: int | None = None) -> LP:
    """Build the LP of periods ``start .. stop - 1`` (default: all) directly from `inp`.

    Variables are period-major within each :class:`Layout` block; balance row ``t * N + n``.
    The storage level before `start` is the initial level, and the final level bounds the
    level after `stop - 1` only when that is the last period: storage networks are built
    over the whole horizon.
    """
    stop = inp.n_periods if stop is None else stop
    t_n, n_n, n_a = stop - start, inp.n_nodes, inp.cap.shape[1]
    sup, dem, sto = inp.sup, inp.dem, inp.sto
    n_l = sto.size
    n_x = t_n * n_a
    periods = np.arange(t_n)

    # flows: variable t * A + a; balance row t * N + n
    t_x = np.repeat(periods, n_a)
    a_x = np.tile(np.arange(n_a), t_n)
    col_x = np.arange(n_x)
    rows = [t_x * n_n + inp.src[a_x], t_x * n_n + inp.tgt[a_x]]
    cols = [col_x, col_x]
    vals = [-np.ones(n_x), inp.keep[a_x]]
    del t_x, a_x
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
    del rows, cols, vals
    b_eq = np.zeros(t_n * n_n)
    if start == 0:
        b_eq[sto] = -inp.initial

    demand = inp.demand[start:stop]
    const = build_const(inp, start, stop)
    c = np.concatenate(
        [
            np.tile(inp.cost, t_n),
            np.tile(inp.supply_cost, t_n),
            np.tile(-(inp.penalty + inp.value), t_n),
            np.zeros(t_n * n_l),
        ]
    )
    bounds = np.zeros((n_var, 2))
    bounds[:, 1] = upper_bounds(inp, start, stop)
    if stop == inp.n_periods and n_l:
        bounds[n_var - n_l :, 0] = inp.final
    layout = Layout.of(t_n, n_a, sup.size, dem.size, n_l)
    return LP(c, a_eq, b_eq, bounds, const, layout, sup, dem, sto, inp.penalty, demand)


def upper_bounds(inp: Inputs, start: int, stop: int) -> np.ndarray:
    """Return the variables' upper bounds for periods ``start .. stop - 1`` (Layout order)."""
    return np.concatenate(
        [
            inp.cap[start:stop].ravel(),
            inp.supply[start:stop].ravel(),
            inp.demand[start:stop].ravel(),
            np.tile(inp.level_cap, stop - start),
        ]
    )


def build_const(inp: Inputs, start: int = 0, stop: int | None = None) -> float:
    """Return the objective's constant: unmet penalty x finite demand of these periods."""
    demand = inp.demand[start:stop]
    return float((inp.penalty * np.where(np.isinf(demand), 0.0, demand)).sum())
