"""One block of hours of the dispatch LP: assemble the sparse matrices, solve, read duals.

Columns per hour, in this order: units (``p_mw`` of ext_grids, gens, sgens, controllable
loads, fixed storages), unserved demand per fixed load, dcline forward and reverse sent
power, storage charge, discharge and state of charge. Rows per hour: one power balance per
island (equality), storage energy balance (equality, linking hour t-1), then upper and
lower PTDF flow limits of the monitored branches (inequalities).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import OptimizeResult, linprog

from corridor_sim.engines._dispatch_net import NetData
from corridor_sim.engines._solver import LinprogStatus, linprog_status
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
    objective_eur: float
    solve_s: float
    n_variables: int


def _plain(label: object) -> object:
    return label.item() if isinstance(label, np.generic) else label


def _check_bounds(data: NetData, block: Block) -> None:
    bad = block.lo > block.hi + _TOL_MW
    if bad.any():
        h, j = np.argwhere(bad)[0]
        msg = (
            f"{data.unit_type[j]} {int(data.unit_element[j])} in hour {_plain(block.hours[h])!r}: "
            f"lower limit {float(block.lo[h, j])!r} MW exceeds the hour's maximum "
            f"{float(block.hi[h, j])!r} MW "
            "(min_p_mw above the available output); expected min_p_mw <= available"
        )
        raise InfeasibleError(msg)


def _injection(data: NetData) -> tuple[sp.csr_matrix, dict[str, slice]]:
    n_u, n_l = data.unit_type.size, data.load_element.size
    n_d, n_s = data.dc_element.size, data.st_element.size
    sizes = {"unit": n_u, "uns": n_l, "fwd": n_d, "rev": n_d, "ch": n_s, "dis": n_s, "soc": n_s}
    sl, at = {}, 0
    for k, n in sizes.items():
        sl[k] = slice(at, at + n)
        at += n
    r, c, v = [], [], []

    def put(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray | float) -> None:
        r.append(np.asarray(rows))
        c.append(np.asarray(cols))
        v.append(np.broadcast_to(np.asarray(vals, dtype=float), np.shape(rows)))

    cols = lambda k: np.arange(sl[k].start, sl[k].stop)  # noqa: E731
    put(data.unit_row, cols("unit"), data.unit_sign)
    put(data.load_row, cols("uns"), 1.0)
    put(data.dc_from_row, cols("fwd"), -1.0)
    put(data.dc_to_row, cols("fwd"), data.dc_keep)
    put(data.dc_to_row, cols("rev"), -1.0)
    put(data.dc_from_row, cols("rev"), data.dc_keep)
    put(data.st_row, cols("ch"), -1.0)
    put(data.st_row, cols("dis"), 1.0)
    a = sp.csr_matrix(
        (np.concatenate(v), (np.concatenate(r), np.concatenate(c))), shape=(data.n_row, at)
    )
    return a, sl


def _fixed_injections(data: NetData, block: Block) -> tuple[np.ndarray, np.ndarray]:
    """Return fixed injections per hour and bus row (demand; dcline losses at the from bus)."""
    finj = np.zeros((len(block.hours), data.n_row))
    np.add.at(finj.T, data.load_row, -block.load_mw.T)
    dc_on = block.dc_max_mw > 0
    np.add.at(finj.T, data.dc_from_row, -(dc_on * data.dc_loss_mw).T)
    return finj, dc_on


def _island_sum(data: NetData) -> sp.csr_matrix:
    """(islands x bus rows) sum over the rows of each island."""
    return sp.csr_matrix(
        (np.ones(data.n_row), (data.island, np.arange(data.n_row))),
        shape=(data.n_island, data.n_row),
    )


def _equalities(
    data: NetData, a_inj: sp.csr_matrix, sl: dict[str, slice], finj: np.ndarray
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Per hour: power balance per island, then the storage energy balance (links t-1)."""
    n_h, nv = finj.shape[0], a_inj.shape[1]
    n_s, n_isl = data.st_element.size, data.n_island
    grp = _island_sum(data)
    s_idx = np.arange(n_s)
    s_cols = np.concatenate([sl[k].start + s_idx for k in ("soc", "ch", "dis")])
    s_vals = np.concatenate([np.ones(n_s), -data.st_eta_charge, 1.0 / data.st_eta_discharge])
    s_in = sp.csr_matrix((s_vals, (np.tile(s_idx, 3), s_cols)), shape=(n_s, nv))
    a_eq = sp.kron(sp.identity(n_h, format="csr"), sp.vstack([grp @ a_inj, s_in]), format="csr")
    if n_s and n_h > 1:
        s_prev = sp.csr_matrix((-np.ones(n_s), (s_idx, sl["soc"].start + s_idx)), shape=(n_s, nv))
        sub = sp.diags(np.ones(n_h - 1), -1, format="csr")
        zero = sp.csr_matrix((n_isl, nv))
        a_eq = a_eq + sp.kron(sub, sp.vstack([zero, s_prev]), format="csr")
    b_eq = np.zeros((n_h, n_isl + n_s))
    b_eq[:, :n_isl] = -(grp @ finj.T).T
    b_eq[0, n_isl:] = data.st_e0_mwh
    return a_eq, b_eq.ravel()


def _inequalities(
    data: NetData, a_inj: sp.csr_matrix, sl: dict[str, slice], finj: np.ndarray
) -> tuple[sp.csr_matrix | None, np.ndarray | None]:
    """Per hour: upper then lower PTDF limits of monitored branches; then ramping rows."""
    n_h, nv = finj.shape[0], a_inj.shape[1]
    mon = data.monitored
    a_ub: list[sp.csr_matrix] = []
    b_ub: list[np.ndarray] = []
    if mon.size:
        pm = data.ptdf[mon]
        m = sp.csr_matrix(pm) @ a_inj
        a_ub.append(sp.kron(sp.identity(n_h, format="csr"), sp.vstack([m, -m]), format="csr"))
        lim, off = data.branch_limit_mw[mon], data.offset_mw[mon]
        base = finj @ pm.T  # (n_h, n_mon)
        b_ub.append(np.hstack([lim - off - base, lim + off + base]).ravel())
    # ramping: p_t - p_(t-1) <= up, p_(t-1) - p_t <= down (from the block's second hour)
    for sign, limit in ((1.0, data.unit_ramp_up), (-1.0, data.unit_ramp_down)):
        ramped = np.flatnonzero(np.isfinite(limit))
        if ramped.size and n_h > 1:
            sel = sp.csr_matrix(
                (np.full(ramped.size, sign), (np.arange(ramped.size), sl["unit"].start + ramped)),
                shape=(ramped.size, nv),
            )
            diff = sp.diags([-np.ones(n_h - 1), np.ones(n_h - 1)], [0, 1], shape=(n_h - 1, n_h))
            a_ub.append(sp.kron(diff, sel, format="csr"))
            b_ub.append(np.tile(limit[ramped], n_h - 1))
    if not a_ub:
        return None, None
    return sp.vstack(a_ub, format="csr"), np.concatenate(b_ub)


def _bounds_and_cost(
    data: NetData, block: Block, sl: dict[str, slice], nv: int, voll_eur_per_mwh: float
) -> tuple[np.ndarray, np.ndarray]:
    """Column bounds (hours x columns, as linprog's (n, 2)) and the cost of one hour."""
    n_h = len(block.hours)
    lo = np.zeros((n_h, nv))
    hi = np.zeros((n_h, nv))
    lo[:, sl["unit"]], hi[:, sl["unit"]] = block.lo, block.hi
    hi[:, sl["uns"]] = np.maximum(block.load_mw, 0.0)
    hi[:, sl["fwd"]] = hi[:, sl["rev"]] = block.dc_max_mw
    hi[:, sl["ch"]] = data.st_charge_max_mw
    hi[:, sl["dis"]] = data.st_discharge_max_mw
    lo[:, sl["soc"]], hi[:, sl["soc"]] = data.st_e_min_mwh, data.st_e_max_mwh
    # the block ends no lower than it started
    lo[-1, sl["soc"]] = np.maximum(data.st_e_min_mwh, np.minimum(data.st_e0_mwh, data.st_e_max_mwh))
    cost = np.zeros(nv)
    cost[sl["unit"]] = data.unit_cost
    cost[sl["uns"]] = voll_eur_per_mwh
    cost[sl["fwd"]] = cost[sl["rev"]] = data.dc_cost
    cost[sl["ch"]] = data.st_cost
    cost[sl["dis"]] = -data.st_cost
    return np.column_stack([lo.ravel(), hi.ravel()]), cost


def _check_status(res: OptimizeResult, block: Block) -> None:
    """Raise the error that fits a non-optimal HiGHS status, naming the block's hours."""
    status = linprog_status(res)
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


def solve_block(data: NetData, block: Block, *, voll_eur_per_mwh: float) -> BlockSolution:
    """Build and solve the LP of one block of hours."""
    _check_bounds(data, block)
    n_h = len(block.hours)
    a_inj, sl = _injection(data)
    nv = a_inj.shape[1]
    finj, dc_on = _fixed_injections(data, block)
    a_eq, b_eq = _equalities(data, a_inj, sl, finj)
    a_ub, b_ub = _inequalities(data, a_inj, sl, finj)
    bounds, cost = _bounds_and_cost(data, block, sl, nv, voll_eur_per_mwh)
    t0 = time.perf_counter()
    res = linprog(
        np.tile(cost, n_h), A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds,
        method="highs",
    )  # fmt: skip
    solve_s = time.perf_counter() - t0
    _check_status(res, block)
    return _solution(data, block, res, a_inj, sl, finj, dc_on, solve_s=solve_s)


def _solution(  # noqa: PLR0913
    data: NetData,
    block: Block,
    res: OptimizeResult,
    a_inj: sp.csr_matrix,
    sl: dict[str, slice],
    finj: np.ndarray,
    dc_on: np.ndarray,
    *,
    solve_s: float,
) -> BlockSolution:
    """Primal values, LMPs (balance and flow-limit duals) and branch shadow prices."""
    n_h, nv = len(block.hours), a_inj.shape[1]
    n_isl, n_s, mon = data.n_island, data.st_element.size, data.monitored
    x = res.x.reshape(n_h, nv)
    lam = res.eqlin.marginals.reshape(n_h, n_isl + n_s)[:, :n_isl]
    lmp = lam[:, data.island]
    branch_mu = np.zeros((n_h, data.ptdf.shape[0]))
    if mon.size:
        mu = res.ineqlin.marginals[: n_h * 2 * mon.size].reshape(n_h, 2, mon.size)
        lmp = lmp + (mu[:, 0] - mu[:, 1]) @ data.ptdf[mon]
        branch_mu[:, mon] = -(mu[:, 0] + mu[:, 1])
    pinj = x @ a_inj.T + finj
    flow = pinj @ data.ptdf.T + data.offset_mw
    upper = res.upper.marginals.reshape(n_h, nv)
    fwd, rev = x[:, sl["fwd"]], x[:, sl["rev"]]
    keep = data.dc_keep
    return BlockSolution(
        unit_p=x[:, sl["unit"]],
        unit_hi=block.hi,
        unserved=x[:, sl["uns"]],
        load_mw=block.load_mw,
        lmp=lmp,
        flow=flow,
        branch_mu=branch_mu,
        dc_p=fwd - keep * rev,
        dc_max=block.dc_max_mw,
        dc_loss=(1.0 - keep) * (fwd + rev) + dc_on * data.dc_loss_mw,
        dc_mu=-(upper[:, sl["fwd"]] + upper[:, sl["rev"]]),
        st_p=x[:, sl["ch"]] - x[:, sl["dis"]],
        st_soc=x[:, sl["soc"]],
        objective_eur=float(res.fun) + n_h * float(data.unit_cost0.sum()),
        solve_s=solve_s,
        n_variables=int(nv * n_h),
    )
