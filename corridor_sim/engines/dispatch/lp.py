"""One block of hours of the dispatch LP: build (``_dispatch_rows``), solve, read the duals.

The matrices are assembled by :mod:`corridor_sim.engines.dispatch.rows` in the PTDF or the
angle formulation; this module solves them with HiGHS (``highspy``, through
:func:`corridor_sim.engines._shared.highs.solve_highs`) and turns the primal and dual values into
per-hour arrays (dispatch, flows, prices, shadow prices) and the optimal extendable ratings
with their shadow values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from corridor_sim.engines._shared.highs import (
    PROCESS_LP_CACHE,
    HighsLP,
    HighsSolution,
    LinprogStatus,
    LPArrays,
    structure_key,
)
from corridor_sim.engines.dispatch.extendable import ExtData
from corridor_sim.engines.dispatch.netdata import NetData
from corridor_sim.engines.dispatch.rows import Layout, LinearProgram, build, layout
from corridor_sim.errors import InfeasibleError, SolverError

__all__ = ["Block", "BlockSolution", "solve_block"]

_TOL_MW = 1e-9


@dataclass(frozen=True, slots=True, eq=False)
class Block:
    """Hour-dependent inputs of one block: (hours x n) arrays."""

    hours: pd.Index
    lo: np.ndarray
    hi: np.ndarray
    load_mw: np.ndarray
    dc_max_mw: np.ndarray
    dc_avail: np.ndarray  # availability (pu) of extendable dclines' ratings


@dataclass(frozen=True, slots=True, eq=False)
class BlockSolution:
    """Primal and dual values of one block, (hours x n) arrays."""

    unit_p: np.ndarray
    unit_hi: np.ndarray
    unserved: np.ndarray
    load_mw: np.ndarray
    lmp: np.ndarray
    flow: np.ndarray
    branch_mu: np.ndarray
    dc_p: np.ndarray
    dc_max: np.ndarray
    dc_loss: np.ndarray
    dc_mu: np.ndarray
    st_p: np.ndarray
    st_soc: np.ndarray
    branch_lim: np.ndarray  # limit (MW) of each branch row in each hour, inf: none
    objective_eur: float
    solve_s: float
    n_variables: int
    n_constraints: int = 0
    n_nonzeros: int = 0
    ext_rating: np.ndarray | None = None
    ext_value: np.ndarray | None = None
    ext_shadow: np.ndarray | None = None
    capital_eur: float = 0.0
    iterations: int = 0
    basis: tuple[np.ndarray, np.ndarray] | None = None  # (column, row) statuses if kept
    warm_from_basis: bool = False  # started from a given basis (``solve_block(basis=...)``)


def _plain(label: object) -> object:
    return label.item() if isinstance(label, np.generic) else label


def _check_bounds(data: NetData, block: Block) -> None:
    bad = block.lo > block.hi + _TOL_MW
    if bad.any():
        h, j = np.argwhere(bad)[0]
        unit = f"{data.units.type[j]} {int(data.units.element[j])}"
        msg = (
            f"{unit} in hour {_plain(block.hours[h])!r}: "
            f"lower limit {float(block.lo[h, j])!r} MW exceeds the hour's maximum "
            f"{float(block.hi[h, j])!r} MW "
            "(min_p_mw above the available output); expected min_p_mw <= available"
        )
        raise InfeasibleError(msg)


def _check_status(res: HighsSolution, block: Block) -> None:
    """Raise the error that fits a non-optimal HiGHS status, naming the block's hours."""
    status = res.status
    if status is LinprogStatus.OPTIMAL:
        return
    hours = f"hours {_plain(block.hours[0])!r}..{_plain(block.hours[-1])!r}"
    if status is LinprogStatus.INFEASIBLE:
        msg = f"dispatch LP infeasible for {hours}: {res.message}"
        raise InfeasibleError(msg)
    hint = (
        "; an element with negative cost and no upper limit makes it unbounded"
        if status is LinprogStatus.UNBOUNDED
        else ""
    )
    msg = (
        f"HiGHS could not solve the dispatch LP for {hours} "
        f"(status {status.value}, {status.label}): {res.message}{hint}"
    )
    raise SolverError(msg)


def solve_block(
    data: NetData,
    block: Block,
    ext: ExtData,
    *,
    formulation: str,
    voll_eur_per_mwh: float,
    options: Mapping[str, bool | float | str] | None = None,
    chain: set[str] | None = None,
    warm_start: bool = False,
    basis: tuple[np.ndarray, np.ndarray] | None = None,
    keep_basis: bool = False,
) -> BlockSolution:
    """Build and solve the LP of one block of hours in `formulation` (see ``FORMULATIONS``).

    `options` are HiGHS options (e.g. ``{"threads": 1}``). With `chain` (the structure keys
    already solved in this dispatch) the LP comes from the process's LP cache
    (:data:`~corridor_sim.engines._shared.highs.PROCESS_LP_CACHE`: built once per worker,
    only costs and bounds change) and is solved from scratch, as a new instance would;
    with `warm_start` it starts from the basis of the previous block of the same structure
    in this dispatch instead (the first block of each structure starts cold, so the answer
    never depends on what the process solved before). None: a new LP, cold.

    `basis` (column and row statuses, :data:`~corridor_sim.engines._shared.highs.BASIS_STATUS`
    codes) starts the solve from that basis instead (when HiGHS accepts it; else as without
    it). `keep_basis` returns the optimal basis in ``BlockSolution.basis``.
    """
    _check_bounds(data, block)
    lay = layout(data, ext, formulation)
    lp = build(
        data, ext, lay, lo=block.lo, hi=block.hi, load_mw=block.load_mw,
        dc_max_mw=block.dc_max_mw, dc_avail=block.dc_avail, voll_eur_per_mwh=voll_eur_per_mwh,
    )  # fmt: skip
    arrays = LPArrays(lp.c, lp.a, lp.row_lo, lp.row_hi, lp.col_lo, lp.col_hi)
    if chain is None:
        highs = HighsLP(arrays, options=options)
    else:
        memo = ("structure_key", id(lp.a), repr(sorted((options or {}).items())))
        key = data.lp_memo.get(memo)
        if key is None or data.lp_memo.get(("structure_matrix", memo)) is not lp.a:
            key = structure_key(lp.a, options)
            data.lp_memo[memo], data.lp_memo[("structure_matrix", memo)] = key, lp.a
        highs, _ = PROCESS_LP_CACHE.get(arrays, options=options, key=key)
        if not (warm_start and key in chain):
            highs.clear_basis()
        chain.add(key)
    given = basis is not None and highs.set_basis(*basis)
    res = highs.solve()
    _check_status(res, block)
    kept = highs.basis() if keep_basis else None
    return replace(_solution(data, block, ext, lay, lp, res), basis=kept, warm_from_basis=given)


def _duals(
    data: NetData, lay: Layout, res: HighsSolution, n_h: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read the LMPs, branch shadow prices and extendable dcline rows' shadow prices.

    Returns (hours x bus rows), (hours x branch rows) and (hours x ext.dc) arrays.
    """
    y = res.row_dual[: n_h * lay.n_rows].reshape(n_h, lay.n_rows)
    rows = lay.rows
    y_lim, y_up, y_lo = (
        y[:, rows["branch_limit"]],
        y[:, rows["extendable_upper"]],
        y[:, rows["extendable_lower"]],
    )
    branch_mu = np.zeros((n_h, data.model.n_branch))
    if lay.formulation == "kirchhoff":
        nv = lay.nv
        reduced = res.col_dual[: n_h * nv].reshape(n_h, nv)[:, lay.sl["branch_flow"]]
        branch_mu[:, lay.fixed_branches] = np.abs(reduced[:, lay.fixed_branches])
    if lay.formulation in ("angle", "kirchhoff"):
        lmp = y[:, rows["nodal_balance"]]
    else:
        lmp = y[:, rows["nodal_balance"]][:, data.island]
        if lay.fixed_branches.size:
            lmp = lmp + y_lim @ data.ptdf[lay.fixed_branches]
        if lay.extendable_branches.size:
            lmp = lmp + (y_up - y_lo) @ data.ptdf[lay.extendable_branches]
    if lay.formulation != "kirchhoff":
        branch_mu[:, lay.fixed_branches] = np.abs(
            y_lim
        )  # <= 0 at the upper limit, >= 0 at the lower
    branch_mu[:, lay.extendable_branches] = -(y_up + y_lo)
    x_dc_mu = -(y[:, rows["extendable_dcline_forward"]] + y[:, rows["extendable_dcline_reverse"]])
    return lmp, branch_mu, x_dc_mu


def _solution(
    data: NetData,
    block: Block,
    ext: ExtData,
    lay: Layout,
    lp: LinearProgram,
    res: HighsSolution,
) -> BlockSolution:
    """Primal values, LMPs, branch shadow prices and the ratings' values."""
    n_h, nv, sl = len(block.hours), lay.nv, lay.sl
    x = res.x[: n_h * nv].reshape(n_h, nv)
    rating = res.x[n_h * nv :]
    lmp, branch_mu, x_dc_mu = _duals(data, lay, res, n_h)
    if lay.formulation == "kirchhoff":
        flow = x[:, sl["branch_flow"]]
    elif lay.formulation == "angle":
        theta = x[:, sl["voltage_angle"]]
        flow = np.asarray((data.model.bf @ theta.T).T) + data.model.p_shift_branch_mw
    else:
        pinj = x @ lp.a_inj.T + lp.finj
        flow = pinj @ data.ptdf.T + data.offset_mw
    reduced = res.col_dual[: n_h * nv].reshape(n_h, nv)
    fwd, rev = x[:, sl["dcline_forward"]], x[:, sl["dcline_reverse"]]
    keep = data.dclines.keep
    # a column with a negative reduced cost sits at its upper bound: its rating binds
    dc_mu = -(
        np.minimum(reduced[:, sl["dcline_forward"]], 0.0)
        + np.minimum(reduced[:, sl["dcline_reverse"]], 0.0)
    )
    dc_max = block.dc_max_mw.copy()
    x_pos = ext.dc_pos[ext.dc]
    dc_mu[:, x_pos] = x_dc_mu
    dc_max[:, x_pos] = block.dc_avail[:, x_pos] * rating[ext.dc]
    branch_lim = np.repeat(data.branch_limit_mw[None, :], n_h, axis=0)
    branch_lim[:, lay.extendable_branches] = rating[ext.ac]
    value = np.zeros(ext.size)
    value[ext.ac] = branch_mu[:, lay.extendable_branches].sum(axis=0)
    value[ext.dc] = (block.dc_avail[:, x_pos] * x_dc_mu).sum(axis=0)
    return BlockSolution(
        unit_p=x[:, sl["generation"]],
        unit_hi=block.hi,
        unserved=x[:, sl["unserved"]],
        load_mw=block.load_mw,
        lmp=lmp,
        flow=flow,
        branch_mu=branch_mu,
        dc_p=fwd - keep * rev,
        dc_max=dc_max,
        dc_loss=(1.0 - keep) * (fwd + rev) + lp.dc_on * data.dclines.loss_mw,
        dc_mu=dc_mu,
        st_p=x[:, sl["storage_charge"]] - x[:, sl["storage_discharge"]],
        st_soc=x[:, sl["state_of_charge"]],
        branch_lim=branch_lim,
        objective_eur=res.fun + n_h * float(data.units.cost0.sum()),
        solve_s=res.solve_s,
        n_variables=int(lp.c.size),
        n_constraints=int(lp.a.shape[0]),
        n_nonzeros=int(lp.a.nnz),
        ext_rating=rating,
        ext_value=value,
        ext_shadow=-res.col_dual[n_h * nv :],
        capital_eur=float(rating @ ext.cost_eur_per_mw),
        iterations=res.iterations,
    )
