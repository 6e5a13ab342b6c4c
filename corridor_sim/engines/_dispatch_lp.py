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
from scipy.optimize import linprog

from corridor_sim.engines._dispatch_net import NetData
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


def solve_block(data: NetData, block: Block, *, voll_eur_per_mwh: float) -> BlockSolution:  # noqa: PLR0915
    """Build and solve the LP of one block of hours."""
    _check_bounds(data, block)
    n_h = len(block.hours)
    a_inj, sl = _injection(data)
    nv = a_inj.shape[1]
    n_s, n_isl = data.st_element.size, data.n_island
    # fixed injections per hour: demand and constant dcline losses (at the from bus)
    finj = np.zeros((n_h, data.n_row))
    np.add.at(finj.T, data.load_row, -block.load_mw.T)
    dc_on = block.dc_max_mw > 0
    np.add.at(finj.T, data.dc_from_row, -(dc_on * data.dc_loss_mw).T)
    grp = sp.csr_matrix(
        (np.ones(data.n_row), (data.island, np.arange(data.n_row))), shape=(n_isl, data.n_row)
    )
    # equalities per hour: balance per island, storage energy
    e_bal = grp @ a_inj
    s_idx = np.arange(n_s)
    s_in = sp.csr_matrix(
        (
            np.concatenate([np.ones(n_s), -data.st_eta_charge, 1.0 / data.st_eta_discharge]),
            (np.tile(s_idx, 3), np.concatenate([sl[k].start + s_idx for k in ("soc", "ch", "dis")])),  # noqa: E501
        ),
        shape=(n_s, nv),
    )  # fmt: skip
    s_prev = sp.csr_matrix((-np.ones(n_s), (s_idx, sl["soc"].start + s_idx)), shape=(n_s, nv))
    eye = sp.identity(n_h, format="csr")
    a_eq = sp.kron(eye, sp.vstack([e_bal, s_in]), format="csr")
    if n_s and n_h > 1:
        sub = sp.diags(np.ones(n_h - 1), -1, format="csr")
        zero = sp.csr_matrix((n_isl, nv))
        a_eq = a_eq + sp.kron(sub, sp.vstack([zero, s_prev]), format="csr")
    b_eq = np.zeros((n_h, n_isl + n_s))
    b_eq[:, :n_isl] = -(grp @ finj.T).T
    b_eq[0, n_isl:] = data.st_e0_mwh
    # flow limits of monitored branches
    mon = data.monitored
    pm = data.ptdf[mon]
    m = sp.csr_matrix(pm) @ a_inj
    a_ub = [sp.kron(eye, sp.vstack([m, -m]), format="csr")] if mon.size else []
    lim, off = data.branch_limit_mw[mon], data.offset_mw[mon]
    base = finj @ pm.T  # (n_h, n_mon)
    b_ub = [np.hstack([lim - off - base, lim + off + base]).ravel()] if mon.size else []
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
    # bounds and costs
    lo = np.zeros((n_h, nv))
    hi = np.zeros((n_h, nv))
    lo[:, sl["unit"]], hi[:, sl["unit"]] = block.lo, block.hi
    hi[:, sl["uns"]] = np.maximum(block.load_mw, 0.0)
    hi[:, sl["fwd"]] = hi[:, sl["rev"]] = block.dc_max_mw
    hi[:, sl["ch"]] = data.st_charge_max_mw
    hi[:, sl["dis"]] = data.st_discharge_max_mw
    lo[:, sl["soc"]], hi[:, sl["soc"]] = data.st_e_min_mwh, data.st_e_max_mwh
    lo[-1, sl["soc"]] = np.maximum(data.st_e_min_mwh, np.minimum(data.st_e0_mwh, data.st_e_max_mwh))
    cost = np.zeros(nv)
    cost[sl["unit"]] = data.unit_cost
    cost[sl["uns"]] = voll_eur_per_mwh
    cost[sl["fwd"]] = cost[sl["rev"]] = data.dc_cost
    cost[sl["ch"]] = data.st_cost
    cost[sl["dis"]] = -data.st_cost
    t0 = time.perf_counter()
    res = linprog(
        np.tile(cost, n_h),
        A_ub=sp.vstack(a_ub, format="csr") if a_ub else None,
        b_ub=np.concatenate(b_ub) if b_ub else None,
        A_eq=a_eq,
        b_eq=b_eq.ravel(),
        bounds=np.column_stack([lo.ravel(), hi.ravel()]),
        method="highs",
    )
    solve_s = time.perf_counter() - t0
    hours = f"hours {_plain(block.hours[0])!r}..{_plain(block.hours[-1])!r}"
    if res.status == 2:  # noqa: PLR2004
        msg = f"dispatch LP infeasible for {hours}: {res.message}"
        raise InfeasibleError(msg)
    if res.status != 0:
        msg = (
            f"HiGHS could not solve the dispatch LP for {hours} (status {res.status}): "
            f"{res.message}; an element with negative cost and no upper limit makes it unbounded"
        )
        raise SolverError(msg)
    x = res.x.reshape(n_h, nv)
    lam = res.eqlin.marginals.reshape(n_h, n_isl + n_s)[:, :n_isl]
    lmp = lam[:, data.island]
    branch_mu = np.zeros((n_h, data.ptdf.shape[0]))
    if mon.size:
        mu = res.ineqlin.marginals[: n_h * 2 * mon.size].reshape(n_h, 2, mon.size)
        lmp = lmp + (mu[:, 0] - mu[:, 1]) @ pm
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
