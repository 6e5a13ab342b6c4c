"""Network-agnostic commodity flow: multi-period min-cost flow LP with storage, duals and min cut.

A :class:`CommodityNetwork` holds :class:`Node` objects (supply, demand,
storage, transit) and :class:`Arc` objects (capacity per period, availability,
cost, loss) over a sequence of periods. :func:`solve` builds one linear
programme over all periods and solves it with HiGHS
(:func:`scipy.optimize.linprog`, ``method="highs"``; without storage nodes the periods are
independent and long horizons are solved in blocks of periods with ``highspy``)::

    min  sum_t [ sum_a cost_a x_at + sum_n supply_cost_n s_nt
                 + sum_n penalty_n (demand_nt - d_nt) - sum_n value_n d_nt ]
    s.t. sum_{a into n} (1 - loss_a) x_at - sum_{a out of n} x_at
         + s_nt - d_nt - (L_nt - L_n,t-1) = 0          (every node n, period t)
         0 <= x_at <= capacity_at * availability_at
         0 <= s_nt <= supply_nt,  0 <= d_nt <= demand_nt
         0 <= L_nt <= storage_capacity_n,  L_n,-1 = initial_level_n,
         L_n,T-1 >= final_level_n                        (storage nodes only)

Unmet demand ``demand - d`` is a penalised slack, so the LP is always feasible
except when a storage ``final_level`` cannot be reached (:class:`InfeasibleError`
naming the node). Duals: ``prices.price`` is the marginal cost of one more unit
withdrawn at a node in a period; ``flows.shadow_price_<cost unit> >= 0`` is the cost saved
per extra unit of capacity on an arc in a period (column names carry the network's units:
``flow_kt`` for ``unit="kt"``; see :class:`CommoditySolution`).

Examples
--------
A pipeline (4 units, cost 1) and a tanker lane (10 units, cost 3) from a field
to a port that wants 6 units: the pipeline fills, the tanker carries the rest,
and one more unit of pipeline capacity would save ``3 - 1 = 2``.

>>> net = CommodityNetwork(
...     nodes=(
...         Node("field", kind="supply", supply=10.0),
...         Node("port", kind="demand", demand=6.0),
...     ),
...     arcs=(
...         Arc("field", "port", capacity=4.0, cost=1.0, id="pipe"),
...         Arc("field", "port", capacity=10.0, cost=3.0, id="tanker"),
...     ),
...     unit="kt",
... )
>>> sol = solve(net)
>>> sol.total_cost
10.0
>>> sol.flows[["element", "flow_kt", "shadow_price_cu_per_kt"]]
  element  flow_kt  shadow_price_cu_per_kt
0    pipe      4.0                     2.0
1  tanker      2.0                     0.0
>>> mf = max_flow(net, "field", "port")
>>> mf.value, mf.cut_arcs
(14.0, ('pipe', 'tanker'))
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from corridor_sim.engines import _commodity_lp
from corridor_sim.engines._commodity_io import (
    _check_period,
    from_networkx,
    network_from_dict,
    to_networkx,
    value_at,
)
from corridor_sim.engines._commodity_lp import CommoditySolution, default_unmet_penalty
from corridor_sim.engines._commodity_network import CommodityNetwork
from corridor_sim.engines._commodity_spec import Arc, Node, NodeKind
from corridor_sim.engines._display import engine_html, engine_repr
from corridor_sim.errors import SolverError, SpecError, UnknownNameError, suggest

__all__ = [
    "Arc",
    "CommodityNetwork",
    "CommoditySolution",
    "MaxFlowResult",
    "Node",
    "NodeKind",
    "default_unmet_penalty",
    "from_networkx",
    "max_flow",
    "network_from_dict",
    "solve",
    "to_networkx",
    "value_at",
]


def solve(
    network: CommodityNetwork, *, name: str = "", block_periods: int | None = None
) -> CommoditySolution:
    """Solve the multi-period min-cost flow LP over all periods.

    Parameters
    ----------
    network : CommodityNetwork
        Nodes, arcs and periods; volumes in ``network.unit`` per period.
    name : str, optional
        Name recorded in ``meta["name"]`` (default: the network's name).
    block_periods : int, optional
        Periods per LP when no node is a storage node (periods are then independent).
        None: about 2,000 variables per LP (one period per LP for a few hundred arcs),
        and one LP over all periods when that covers the horizon. An int >= the number of
        periods forces one LP. Networks with storage nodes are always one LP; a smaller
        value for them is a :class:`SpecError`.

    Returns
    -------
    CommoditySolution
        A :class:`~corridor_sim.results.Result` with tables ``flows``,
        ``utilisation``, ``unmet``, ``storage``, ``supply``, ``prices``,
        ``bottlenecks`` (see :class:`CommoditySolution`), a summary
        (total_cost, supplied, delivered, unmet, losses, ...), and the
        attributes ``total_cost``, ``status`` and ``network``. ``meta["blocks"]``
        is the number of LPs solved, ``meta["block_periods"]`` the periods per LP
        and ``meta["solver"]`` which HiGHS interface solved them.

    Raises
    ------
    InfeasibleError
        A storage ``final_level`` cannot be reached; the message names the node,
        the period and the most that can be in store.
    SolverError
        The LP is unbounded (e.g. an open sink with positive value fed by an
        infinite supply, or a negative-cost cycle of infinite capacity), or HiGHS
        failed.
    SpecError
        `block_periods` is not None or an int >= 1, or is below the number of periods
        of a network with storage nodes.

    Notes
    -----
    Unmet demand costs ``unmet_penalty`` per unit; the default
    (:func:`default_unmet_penalty`) is a power of ten above
    ``1 + T * sum|arc cost| + max|supply cost| + max|value|`` (T = number of
    periods if the network has storage, else 1), times the loss
    amplification, so demand is met whenever the network can carry it.
    Shadow prices are ``-res.upper.marginals`` of the flow bounds (HiGHS
    reports d objective / d upper bound <= 0); node prices are
    ``res.eqlin.marginals`` of the balance rows written as
    ``inflow + supply - outflow - delivered - storage change = 0``, i.e. the
    cost of one more unit withdrawn at that node. When the LP is degenerate
    (two arcs in series, both full) HiGHS puts the shadow price on one of them;
    raising that one alone may then not save anything.

    Without storage nodes the LP is block-diagonal by period, so solving it in
    blocks of periods (each block's LP built on its own and solved with ``highspy``,
    warm-started from the previous block's basis) gives the same optimum: the same
    objective, and the same flows and duals wherever the LP has a unique optimum.
    Memory then grows with one block plus the result tables, not with the horizon.
    With storage the periods are linked and the exact LP over all periods is solved
    with :func:`scipy.optimize.linprog`.

    Examples
    --------
    >>> net = CommodityNetwork(
    ...     nodes=(Node("a", kind="supply", supply=5.0), Node("b", kind="demand", demand=8.0)),
    ...     arcs=(Arc("a", "b", capacity=10.0, cost=1.0),),
    ... )
    >>> sol = solve(net)
    >>> sol.unmet[["element", "demand_t", "delivered_t", "unmet_t"]]
      element  demand_t  delivered_t  unmet_t
    0       b       8.0          5.0      3.0
    """
    return _commodity_lp.solve(network, name=name, block_periods=block_periods)


@dataclass(frozen=True)
class MaxFlowResult:
    """Maximum flow between two nodes in one period and a minimum cut.

    Attributes
    ----------
    value : float
        Largest volume the sink can receive per period (``math.inf`` when a path
        of infinite capacity joins source and sink).
    cut_arcs : tuple of str
        Ids of the arcs from the source side to the sink side (all full); their
        capacities sum to `value` when there are no losses.
    source_side : frozenset of str
        Nodes reachable from the source in the residual graph.
    flows : dict of str to float
        Flow on each arc in the maximum flow found.
    """

    value: float
    cut_arcs: tuple[str, ...]
    source_side: frozenset[str]
    flows: dict[str, float] = field(default_factory=dict)

    def __repr__(self) -> str:
        """One line: the value, the cut and the sizes (not every arc's flow)."""
        return engine_repr(self)

    def _repr_html_(self) -> str:
        """Return a card for notebooks: value, cut and the arcs' flows."""
        return engine_html(self)


def max_flow(
    network: CommodityNetwork, source: str, sink: str, *, period: int = 0
) -> MaxFlowResult:
    """Maximum flow from `source` to `sink` in one period, with a minimum cut.

    Capacities are ``capacity * availability`` of `period`; losses count (the
    value is what the sink receives); supplies, demands and storage are ignored.
    Solved as an LP with HiGHS; the cut is the set of arcs leaving the nodes
    reachable from `source` in the residual graph of that solution.

    Parameters
    ----------
    network : CommodityNetwork
        The network.
    source, sink : str
        Node ids.
    period : int, default 0
        Period index (0-based).

    Returns
    -------
    MaxFlowResult
        ``value``, ``cut_arcs``, ``source_side``, ``flows``.

    Raises
    ------
    UnknownNameError
        Unknown source or sink.
    SpecError
        ``source == sink`` or `period` out of range.

    Examples
    --------
    >>> net = CommodityNetwork(
    ...     nodes=(Node("s"), Node("m"), Node("t")),
    ...     arcs=(Arc("s", "m", capacity=3.0), Arc("m", "t", capacity=2.0),
    ...           Arc("s", "t", capacity=1.0)),
    ... )
    >>> r = max_flow(net, "s", "t")
    >>> r.value, r.cut_arcs
    (3.0, ('m->t', 's->t'))
    """
    if not isinstance(network, CommodityNetwork):
        msg = f"max_flow(network=...) got a {type(network).__name__}; expected a CommodityNetwork"
        raise SpecError(msg)
    for role, name in (("source", source), ("sink", sink)):
        if name not in network.node_ids:
            msg = f"max_flow {role} = {name!r} is not a node: {suggest(name, network.node_ids)}"
            raise UnknownNameError(msg)
    if source == sink:
        msg = f"max_flow: source = sink = {source!r}; expected two different nodes"
        raise SpecError(msg)
    _check_period(network, period)
    ids = network.node_ids
    index = {n: i for i, n in enumerate(ids)}
    arcs = network.arcs
    src = np.array([index[a.source] for a in arcs], dtype=np.int64)
    tgt = np.array([index[a.target] for a in arcs], dtype=np.int64)
    cap = np.array([value_at(a.capacity, period) * value_at(a.availability, period) for a in arcs])
    cap = np.nan_to_num(cap, nan=0.0, posinf=np.inf)
    keep = np.array([1.0 - a.loss_fraction for a in arcs])
    s_i, t_i = index[source], index[sink]

    infinite = _reach(len(ids), src, tgt, np.isinf(cap), np.zeros(len(arcs), bool), s_i)
    if infinite[t_i]:
        side = frozenset(ids[i] for i in np.flatnonzero(infinite))
        return MaxFlowResult(math.inf, (), side, {})

    n_a = len(arcs)
    inner = np.array([i for i in range(len(ids)) if i not in (s_i, t_i)], dtype=np.int64)
    row_of = np.full(len(ids), -1)
    row_of[inner] = np.arange(inner.size)
    cols = np.arange(n_a)
    r_out, r_in = row_of[src], row_of[tgt]
    mask_out, mask_in = r_out >= 0, r_in >= 0
    a_eq = sp.csr_matrix(
        (
            np.concatenate([-np.ones(mask_out.sum()), keep[mask_in]]),
            (
                np.concatenate([r_out[mask_out], r_in[mask_in]]),
                np.concatenate([cols[mask_out], cols[mask_in]]),
            ),
        ),
        shape=(inner.size, n_a),
    )
    c = np.where(tgt == t_i, -keep, 0.0) + np.where(src == t_i, 1.0, 0.0)
    bounds = np.column_stack([np.zeros(n_a), cap])
    res = linprog(
        c,
        A_eq=a_eq if inner.size else None,
        b_eq=np.zeros(inner.size) if inner.size else None,
        bounds=bounds,
        method="highs",
    )
    if res.status != 0:
        msg = f"max_flow {source!r} -> {sink!r}: HiGHS failed (status {res.status}: {res.message})"
        raise SolverError(msg)
    x = np.where(np.abs(res.x) < 1e-9, 0.0, res.x)
    tol = _commodity_lp.TOL * np.maximum(1.0, np.where(np.isinf(cap), 1.0, cap))
    forward = x < cap - tol
    backward = x > tol
    side_mask = _reach(len(ids), src, tgt, forward, backward, s_i)
    cut = tuple(arcs[j].id for j in np.flatnonzero(side_mask[src] & ~side_mask[tgt]))
    value = float(-res.fun) if res.fun != 0 else 0.0
    side = frozenset(ids[i] for i in np.flatnonzero(side_mask))
    flows = {a.id: float(v) for a, v in zip(arcs, x, strict=True)}
    return MaxFlowResult(value, cut, side, flows)


def _reach(
    n: int, src: np.ndarray, tgt: np.ndarray, forward: np.ndarray, backward: np.ndarray, start: int
) -> np.ndarray:
    """Nodes reachable from `start` along arcs open `forward` or open `backward` (reversed)."""
    adj: list[list[int]] = [[] for _ in range(n)]
    for u, v in zip(src[forward], tgt[forward], strict=True):
        adj[u].append(v)
    for u, v in zip(src[backward], tgt[backward], strict=True):
        adj[v].append(u)
    seen = np.zeros(n, dtype=bool)
    seen[start] = True
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for v in adj[u]:
            if not seen[v]:
                seen[v] = True
                queue.append(v)
    return seen
