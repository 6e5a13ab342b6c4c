"""Maximum flow and a minimum cut of a commodity network in one period (an LP with HiGHS)."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog

from corridor_sim.engines._shared.display import engine_html, engine_repr
from corridor_sim.engines.commodity import lp as _commodity_lp
from corridor_sim.engines.commodity.io import check_period, value_at
from corridor_sim.engines.commodity.network import CommodityNetwork
from corridor_sim.errors import SolverError, SpecError, UnknownNameError, suggest

__all__ = ["MaxFlowResult", "max_flow"]


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

    Examples
    --------
    Made by :func:`max_flow`:

    >>> from corridor_sim.engines.commodity import network_from_dict
    >>> from corridor_sim.scenarios import example_network
    >>> net = network_from_dict(example_network())  # 5 t offered, 3 t wanted, an arc of 2 t
    >>> from corridor_sim.engines.commodity import max_flow
    >>> r = max_flow(net, "s", "d")
    >>> r.value, r.cut_arcs, sorted(r.source_side)
    (2.0, ('s->d',), ['s'])
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

    def display_fields(self) -> list[tuple[str, Any]]:
        """Value, cut and sizes (see ``_shared.display.ShowsItself``)."""
        return [
            ("value", float(self.value)),
            ("cut_arcs", list(self.cut_arcs)),
            ("source_side", f"{len(self.source_side)} nodes"),
            ("arcs", len(self.flows)),
        ]

    def display_tables(self, *, brief: bool = False) -> dict[str, pd.DataFrame]:
        """Return no tables (the flows are a card section)."""
        return {}

    def display_card(self) -> tuple[list[tuple[str, Any]], dict[str, pd.DataFrame]]:
        """Return the arcs' flows as a card section, largest first."""
        flows = pd.DataFrame({"arc": list(self.flows), "flow": list(self.flows.values())})
        return [], {"flows": flows.sort_values("flow", ascending=False)}


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
    >>> from corridor_sim.engines.commodity import Arc, CommodityNetwork, Node, max_flow, solve
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
    check_period(network, period)
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
