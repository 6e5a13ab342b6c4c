"""Independent periods solved block by block: the long-horizon path of ``solve``.

Without storage nodes nothing links one period to the next: the LP over all periods is
block-diagonal, one block per period, and its optimum is the optimum of each block. So the
periods are cut into blocks of ``k`` periods, each block's LP is built directly from the input
arrays (:func:`.build.build`, never by slicing a whole-horizon matrix) and solved with HiGHS
through the engines' wrapper (:class:`~corridor_sim.engines._shared.highs.HighsLP`), and its
flows and duals are written into the preallocated (periods, width) arrays of a
:class:`Solved`. Peak memory is one block's LP plus the output arrays.

Every block of ``k`` periods has the same matrix and costs; only the column bounds
(capacities x availability, supplies, demands) change. One HiGHS instance therefore keeps
the model, takes the next block's bounds and starts from the previous block's optimal basis,
which stays dual feasible (costs unchanged): dual simplex then needs a fraction of the
iterations of a cold start. Duals per period are unchanged by the split, because a period's
balance rows and bounds appear in its block only.
"""

from __future__ import annotations

import numpy as np

from corridor_sim.engines._shared.highs import (
    HighsLP,
    HighsSolution,
    LinprogStatus,
    LPArrays,
    highs_version,
)
from corridor_sim.engines.commodity.build import build, build_const, upper_bounds
from corridor_sim.engines.commodity.diagnose import unbounded_error
from corridor_sim.engines.commodity.layout import LP, Inputs, Solved
from corridor_sim.engines.commodity.network import CommodityNetwork
from corridor_sim.errors import SolverError, SpecError

__all__ = ["TARGET_BLOCK_VARIABLES", "block_size", "solve_blocks"]

#: Variables per LP that the automatic block size aims at (at least one period per block).
TARGET_BLOCK_VARIABLES = 2_000


def block_size(net: CommodityNetwork, inp: Inputs, block_periods: int | None) -> int:
    """Periods per LP: `block_periods`, or chosen so each LP has about 2,000 variables.

    A result of ``n_periods`` or more means one LP over all periods. Networks with storage
    nodes always get one LP (their periods are linked).

    Raises
    ------
    SpecError
        `block_periods` is not an int >= 1, or is below the number of periods of a network
        with storage nodes.
    """
    t_n = inp.n_periods
    if block_periods is not None and (
        isinstance(block_periods, bool)
        or not isinstance(block_periods, (int, np.integer))
        or block_periods < 1
    ):
        msg = f"solve: block_periods = {block_periods!r}; expected None or an int >= 1"
        raise SpecError(msg)
    if inp.sto.size:
        if block_periods is not None and block_periods < t_n:
            names = ", ".join(repr(net.nodes[i].id) for i in inp.sto[:3])
            msg = (
                f"solve: block_periods = {block_periods} on network {net.name!r}, whose "
                f"storage node(s) {names} link all {t_n} periods; expected None (periods "
                "linked by storage are solved as one LP)"
            )
            raise SpecError(msg)
        return t_n
    if block_periods is not None:
        return int(block_periods)
    return max(1, TARGET_BLOCK_VARIABLES // max(1, inp.vars_per_period))


def _highs(lp: LP) -> HighsLP:
    """Return the shared HiGHS wrapper holding `lp` (equality rows ``a_eq x = b_eq``)."""
    return HighsLP(LPArrays(lp.c, lp.a_eq, lp.b_eq, lp.b_eq, lp.bounds[:, 0], lp.bounds[:, 1]))


def solver_name() -> str:
    """``HiGHS <version> (highspy, warm-started blocks)``."""
    return f"HiGHS {highs_version()} (highspy, warm-started blocks)"


def solve_blocks(net: CommodityNetwork, inp: Inputs, k: int) -> Solved:
    """Solve periods ``0..T-1`` of a network without storage in blocks of `k` periods.

    Raises
    ------
    SolverError
        A block is unbounded (the message names the runaway arcs and nodes) or HiGHS failed.
    """
    t_n = inp.n_periods
    n_blocks = -(-t_n // k)
    out = Solved.empty(inp, solver=solver_name(), blocks=n_blocks, block_periods=k)
    h: HighsLP | None = None
    lp: LP | None = None
    length, messages = 0, set()
    for start in range(0, t_n, k):
        stop = min(start + k, t_n)
        if stop - start != length:  # first block, or a shorter last one: a new model
            lp, length = build(inp, start, stop), stop - start
            if lp.c.size == 0:
                messages.add("empty LP (no variables)")
                continue
            h = _highs(lp)
            upper = lp.bounds[:, 1]
        elif lp is None or h is None or lp.c.size == 0:
            continue
        else:
            upper = upper_bounds(inp, start, stop)
            h.update(col_hi=upper)
        sol = h.solve()
        if sol.status is not LinprogStatus.OPTIMAL:
            # a block without storage is always feasible (all zero): an LP that is not
            # optimal after the wrapper's run without presolve is unbounded
            if sol.status in (LinprogStatus.UNBOUNDED, LinprogStatus.INFEASIBLE):
                raise unbounded_error(net, build(inp, start, stop), sol.message)
            msg = (
                f"network {net.name!r}: HiGHS failed on periods {start}..{stop - 1} "
                f"with {sol.message!r}"
            )
            raise SolverError(msg)
        messages.add(sol.message.removeprefix("HiGHS model status "))
        _store(out, lp, sol, start, stop, upper)
        out.objective += sol.fun + build_const(inp, start, stop)
    out.message = ", ".join(sorted(messages))
    return out


def _store(
    out: Solved, lp: LP, sol: HighsSolution, start: int, stop: int, upper: np.ndarray
) -> None:
    """Copy the block's primal values and duals into rows ``start .. stop - 1`` of `out`."""
    lay = lp.layout
    x, dual = sol.x, sol.col_dual
    flow = lay.block(x, "flow")
    out.flow[start:stop] = flow
    out.supplied[start:stop] = lay.block(x, "supply")
    out.delivered[start:stop] = lay.block(x, "delivery")
    # -d objective / d capacity where the flow sits at its capacity (HiGHS's dual of the
    # column, as scipy reports it for columns nonbasic at their upper bound)
    cap = lay.block(upper, "flow")
    finite = np.isfinite(cap)
    safe = np.where(finite, cap, 0.0)
    at_upper = finite & (flow >= safe - 1e-9 * np.maximum(1.0, safe))
    out.shadow[start:stop] = np.where(at_upper, -lay.block(dual, "flow"), 0.0)
    out.price[start:stop] = sol.row_dual.reshape(stop - start, -1)
