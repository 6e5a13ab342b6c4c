"""The multi-period flow LP behind :func:`corridor_sim.engines.commodity.solve`.

Import the public names from :mod:`corridor_sim.engines.commodity`. The network is turned into
arrays once (:func:`._commodity_build.inputs`). Networks with storage nodes are solved as one
LP over all periods with HiGHS through :func:`scipy.optimize.linprog`; without storage the
periods are independent and :mod:`._commodity_blocks` solves them block by block when the
horizon is long. Either way the tables come from :mod:`._commodity_tables`.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import OptimizeResult, linprog

from corridor_sim.engines.commodity import blocks as _commodity_blocks
from corridor_sim.engines.commodity.build import build, default_unmet_penalty, inputs
from corridor_sim.engines.commodity.diagnose import diagnose_infeasible, unbounded_error
from corridor_sim.engines.commodity.layout import LP, Inputs, Solved
from corridor_sim.engines.commodity.network import CommodityNetwork
from corridor_sim.engines.commodity.solution import CommoditySolution
from corridor_sim.engines.commodity.tables import TOL, tables
from corridor_sim.errors import InfeasibleError, SolverError, SpecError

__all__ = ["TOL", "CommoditySolution", "default_unmet_penalty", "solve"]

#: Name of the single-LP solver in ``meta["solver"]``.
_LINPROG = "HiGHS (scipy.optimize.linprog)"


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


def _single(net: CommodityNetwork, inp: Inputs) -> Solved:
    """Solve all periods as one LP with :func:`scipy.optimize.linprog`."""
    lp = build(inp)
    res = _run(lp)
    if res.status == 2:
        msg = f"network {net.name!r} is infeasible: " + diagnose_infeasible(net, lp)
        raise InfeasibleError(msg)
    if res.status == 3:
        raise unbounded_error(net, lp, res.message)
    if res.status != 0:
        msg = f"network {net.name!r}: HiGHS failed with status {res.status}: {res.message}"
        raise SolverError(msg)
    lay = lp.layout
    x = np.asarray(res.x, dtype=float)
    const = lp.const
    del lp
    return Solved(
        flow=lay.block(x, "flow").copy(),
        supplied=lay.block(x, "supply").copy(),
        delivered=lay.block(x, "delivery").copy(),
        level=lay.block(x, "level").copy(),
        shadow=-lay.block(np.asarray(res.upper.marginals, dtype=float), "flow"),
        price=np.asarray(res.eqlin.marginals, dtype=float).reshape(inp.n_periods, inp.n_nodes),
        objective=float(res.fun + const),
        message=res.message,
        solver=_LINPROG,
        blocks=1,
        block_periods=inp.n_periods,
    )


def solve(
    network: CommodityNetwork, *, name: str = "", block_periods: int | None = None
) -> CommoditySolution:
    """Solve the multi-period min-cost flow LP; see :mod:`corridor_sim.engines.commodity`."""
    if not isinstance(network, CommodityNetwork):
        msg = f"solve(network=...) got a {type(network).__name__}; expected a CommodityNetwork"
        raise SpecError(msg)
    inp = inputs(network)
    block = _commodity_blocks.block_size(network, inp, block_periods)
    if block >= inp.n_periods:
        solved = _single(network, inp)
    else:
        solved = _commodity_blocks.solve_blocks(network, inp, block)
    return tables(network, inp, solved, name=name, default_penalty=default_unmet_penalty(network))
