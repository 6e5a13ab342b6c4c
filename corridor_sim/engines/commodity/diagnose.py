"""Diagnoses for :func:`corridor_sim.engines.commodity.solve` when HiGHS finds no optimum.

Both re-solve a relaxed copy of the LP built by ``_commodity_lp.build`` and turn
the answer into a sentence naming the nodes and arcs at fault.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import linprog

from corridor_sim.errors import SolverError

if TYPE_CHECKING:
    from corridor_sim.engines.commodity.layout import LP
    from corridor_sim.engines.commodity.network import CommodityNetwork

__all__ = ["diagnose_infeasible", "diagnose_unbounded", "unbounded_error"]

#: Relative tolerance for "level reached".
_TOL = 1e-7


def diagnose_infeasible(net: CommodityNetwork, lp: LP) -> str:
    """Relax every final storage level and report the ones that cannot be reached."""
    n_var = lp.c.size
    t_n, n_l = net.n_periods, lp.sto.size
    first_last = lp.layout.level.stop - n_l  # level variables of the last period
    wanted = lp.bounds[first_last:, 0].copy()
    bounds = lp.bounds.copy()
    bounds[first_last:, 0] = 0.0
    # maximise the last levels of the constrained storage nodes (weighted by need)
    c = np.zeros(n_var)
    c[first_last:] = -(wanted > 0).astype(float)
    res = linprog(c, A_eq=lp.a_eq, b_eq=lp.b_eq, bounds=bounds, method="highs")
    if res.status != 0:
        return f"HiGHS status {res.status}: {res.message}"
    reached = res.x[first_last:]
    parts = []
    for k in np.flatnonzero(reached < wanted - _TOL * np.maximum(1.0, wanted)):
        node = net.nodes[lp.sto[k]]
        parts.append(
            f"storage node {node.id!r}: final_level = {wanted[k]:g} {net.unit} after period "
            f"{t_n - 1} ({net.periods[-1]!r}) cannot be reached; at most {reached[k]:g} "
            f"{net.unit} can be in store then (initial_level {node.initial_level:g}, "
            f"storage_capacity {node.storage_capacity:g})"
        )
    return "; ".join(parts) or f"no unreachable final level found ({res.message})"


def diagnose_unbounded(net: CommodityNetwork, lp: LP) -> str:
    """Cap every infinite bound far above anything finite; name what runs to the cap."""
    upper = lp.bounds[:, 1]
    finite = np.isfinite(upper)
    scale = 1.0 + float(upper[finite].sum()) + float(np.abs(lp.b_eq).sum())
    bounds = lp.bounds.copy()
    bounds[~finite, 1] = 1e3 * scale
    res = linprog(lp.c, A_eq=lp.a_eq, b_eq=lp.b_eq, bounds=bounds, method="highs")
    if res.status != 0:
        return ""
    runaway = res.x > scale
    arcs = lp.layout.block(runaway, "flow").any(axis=0)
    sup = lp.layout.block(runaway, "supply").any(axis=0)
    dem = lp.layout.block(runaway, "delivery").any(axis=0)
    parts = []
    if arcs.any():
        names = ", ".join(repr(net.arcs[j].id) for j in np.flatnonzero(arcs))
        parts.append(f"flow grows without limit on arc(s) {names}")
    if sup.any():
        names = ", ".join(repr(net.nodes[lp.sup[k]].id) for k in np.flatnonzero(sup))
        parts.append(f"from infinite supply at {names}")
    if dem.any():
        nodes = [net.nodes[lp.dem[k]] for k in np.flatnonzero(dem)]
        names = ", ".join(f"{n.id!r} (value {n.value:g})" for n in nodes)
        parts.append(f"into open sink(s) {names}")
    return "; ".join(parts)


def unbounded_error(net: CommodityNetwork, lp: LP, message: str) -> SolverError:
    """Return the error for an unbounded LP, naming what runs away (``diagnose_unbounded``)."""
    where = diagnose_unbounded(net, lp)
    msg = (
        f"network {net.name!r}: the LP is unbounded ({where or 'HiGHS: ' + message}); "
        "expected finite supply or a non-negative cost on every cycle of infinite capacity "
        "and no open sink (infinite demand) with value above its path cost from an "
        "infinite supply"
    )
    return SolverError(msg)
