"""Matrices of the dispatch LP for one block of hours, in one of three formulations.

Columns are hour-major: every hour has the same ``nv`` columns (:func:`layout`), then come
the extendable ratings (one column each for the whole block). Every hour has the same rows
(an hour-invariant matrix repeated with ``kron``) with hour-dependent bounds; storage and
ramping rows link consecutive hours, rating columns enter the limit rows of every hour.
Rows are ``lo <= a x <= hi``: equalities, one-sided or ranged (HiGHS takes them as such).

Per hour, in every formulation: units (``p_mw``), unserved demand per fixed load, dcline
forward and reverse sent power, storage charge, discharge and state of charge.

* ``kirchhoff``: adds a flow column per branch; rows = one balance per bus (flows in and
  out), one row per independent cycle (Kirchhoff's voltage law: the flows less their
  phase-shift term, weighted by reactance, sum to zero around it), storage; fixed limits
  are the flow columns' bounds. The network as PyPSA writes it (``cycles.cycle_rows``).
* ``ptdf``: rows = one power balance per island, storage energy balance, then one ranged
  PTDF row per limited branch (``-F <= PTDF p + offset <= F``; dense: one entry per
  injection column of the island).
* ``angle``: adds bus angles (times the base MVA, so the coefficients are ``Bbus``/``Bf``
  in per unit; each island's reference row fixed at 0); rows = one balance per bus
  (``injection = Bbus theta + shift``), storage, one ranged row per limited branch
  (``-F <= Bf theta + shift <= F``: two or three entries). The LP then grows with buses
  and branches, not branches x buses.

Extendable ratings add rows per hour: ``+-flow - r <= 0`` (AC) and ``sent - a_t r <= 0``
for both directions of a dcline (``a_t``: the hour's availability).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from corridor_sim.engines.dispatch.extendable import ExtData
from corridor_sim.engines.dispatch.netdata import NetData

__all__ = ["FORMULATIONS", "Layout", "LinearProgram", "build", "fixed_injections", "layout"]

#: Network formulations of the dispatch LP.
FORMULATIONS = ("kirchhoff", "angle", "ptdf")


@dataclass(frozen=True, slots=True, eq=False)
class Layout:
    """Where things are in one block's LP (see the module docstring).

    ``sl``: column slices of one hour (``generation``, ``unserved``, ``dcline_forward``,
    ``dcline_reverse``, ``storage_charge``, ``storage_discharge``, ``state_of_charge``, and
    ``voltage_angle`` or ``branch_flow`` by formulation); ``nv``: columns per hour;
    ``fixed_branches``: branch rows with a fixed limit; ``extendable_branches``: branch rows
    with an extendable rating (``ext.ac`` order); ``rows``: row slices of one hour
    (``nodal_balance``: island or bus balances, ``kirchhoff_voltage_law``: cycle rows,
    ``storage_balance``, ``branch_limit``: fixed limits, ``extendable_upper`` /
    ``extendable_lower``: extendable AC rows, ``extendable_dcline_forward`` /
    ``extendable_dcline_reverse``: extendable dcline rows).
    """

    formulation: str
    sl: dict[str, slice]
    nv: int
    fixed_branches: np.ndarray
    extendable_branches: np.ndarray
    rows: dict[str, slice]

    @property
    def n_rows(self) -> int:
        """Rows per hour (without ramps)."""
        return max((s.stop for s in self.rows.values()), default=0)


@dataclass(frozen=True, slots=True, eq=False)
class LinearProgram:
    """One block's LP: minimise ``c x``, ``row_lo <= a x <= row_hi``, ``col_lo <= x <= col_hi``.

    ``a_inj``, ``finj`` and ``dc_on`` (injection map, fixed injections, available links)
    are kept to read flows from the solution.
    """

    c: np.ndarray
    a: sp.csr_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    col_lo: np.ndarray
    col_hi: np.ndarray
    a_inj: sp.csr_matrix
    finj: np.ndarray
    dc_on: np.ndarray


def _slices(sizes: dict[str, int]) -> dict[str, slice]:
    out, at = {}, 0
    for k, n in sizes.items():
        out[k] = slice(at, at + n)
        at += n
    return out


def layout(data: NetData, ext: ExtData, formulation: str) -> Layout:
    """Column and row layout of one hour for `formulation` (see :data:`FORMULATIONS`)."""
    xac = ext.branch_row[ext.ac]
    fixed = np.setdiff1d(data.monitored, xac)
    n_u, n_l = data.units.type.size, data.loads.element.size
    n_d, n_s = data.dclines.element.size, data.storage.element.size
    sizes = {
        "generation": n_u,
        "unserved": n_l,
        "dcline_forward": n_d,
        "dcline_reverse": n_d,
        "storage_charge": n_s,
        "storage_discharge": n_s,
        "state_of_charge": n_s,
    }
    n_bal, n_kvl, n_lim = data.n_island, 0, fixed.size
    if formulation == "angle":
        sizes["voltage_angle"] = data.n_row
        n_bal = data.n_row
    elif formulation == "kirchhoff":
        sizes["branch_flow"] = data.model.n_branch
        n_bal, n_kvl, n_lim = data.n_row, data.kvl[0].shape[0], 0
    n_xd = ext.dc.size
    rows = _slices(
        {
            "nodal_balance": n_bal,
            "kirchhoff_voltage_law": n_kvl,
            "storage_balance": n_s,
            "branch_limit": n_lim,
            "extendable_upper": xac.size,
            "extendable_lower": xac.size,
            "extendable_dcline_forward": n_xd,
            "extendable_dcline_reverse": n_xd,
        }
    )
    sl = _slices(sizes)
    return Layout(formulation, sl, max(s.stop for s in sl.values()), fixed, xac, rows)


def _injection(data: NetData, lay: Layout) -> sp.csr_matrix:
    """(bus rows x columns of one hour): MW injected at each bus row by each column."""
    sl = lay.sl
    r, c, v = [], [], []

    def put(rows: np.ndarray, key: str, vals: np.ndarray | float) -> None:
        cols = np.arange(sl[key].start, sl[key].stop)
        r.append(np.asarray(rows))
        c.append(cols)
        v.append(np.broadcast_to(np.asarray(vals, dtype=float), cols.shape))

    put(data.units.row, "generation", data.units.sign)
    put(data.loads.row, "unserved", 1.0)
    put(data.dclines.from_row, "dcline_forward", -1.0)
    put(data.dclines.to_row, "dcline_forward", data.dclines.keep)
    put(data.dclines.to_row, "dcline_reverse", -1.0)
    put(data.dclines.from_row, "dcline_reverse", data.dclines.keep)
    put(data.storage.row, "storage_charge", -1.0)
    put(data.storage.row, "storage_discharge", 1.0)
    return sp.csr_matrix(
        (np.concatenate(v), (np.concatenate(r), np.concatenate(c))), shape=(data.n_row, lay.nv)
    )


def _select(
    n_rows: int, cols: np.ndarray, nv: int, vals: float | np.ndarray = 1.0
) -> sp.csr_matrix:
    """(n_rows x nv) with ``vals`` at (k, cols[k])."""
    vals = np.broadcast_to(np.asarray(vals, dtype=float), cols.shape)
    return sp.csr_matrix((vals, (np.arange(cols.size), cols)), shape=(n_rows, nv))


def _hour_rows(
    data: NetData, lay: Layout, ext: ExtData, a_inj: sp.csr_matrix, finj: np.ndarray,
    *, matrix: bool = True,
) -> tuple[sp.csr_matrix | None, np.ndarray, np.ndarray]:  # fmt: skip
    """Return the hour-invariant rows (n_rows x nv) and their bounds (hours x n_rows).

    The rating columns' entries are added by :func:`_rating_columns`. Without `matrix`
    only the bounds are computed (the rows are None): the caller has the block's matrix.
    """
    n_h, nv, sl, rows = finj.shape[0], lay.nv, lay.sl, lay.rows
    lo = np.zeros((n_h, lay.n_rows))
    hi = np.zeros((n_h, lay.n_rows))
    model = data.model
    lim = data.branch_limit_mw[lay.fixed_branches]
    kvl = sp.csr_matrix((0, nv))
    if lay.formulation == "kirchhoff":
        lo[:, rows["nodal_balance"]] = hi[:, rows["nodal_balance"]] = -finj
        cyc, cyc_rhs = data.kvl
        lo[:, rows["kirchhoff_voltage_law"]] = hi[:, rows["kirchhoff_voltage_law"]] = cyc_rhs
        if matrix:
            flows = _select(model.n_branch, sl["branch_flow"].start + np.arange(model.n_branch), nv)
            bal = a_inj - sp.csr_matrix(model.cft).T @ flows
            kvl = cyc @ flows
            flow_fixed = sp.csr_matrix((0, nv))
            flow_x = flows[lay.extendable_branches]
        lim = np.zeros(0)  # fixed limits are the flow columns' bounds
        base_fixed = np.zeros((n_h, 0))
        base_x = np.zeros((n_h, lay.extendable_branches.size))
    elif lay.formulation == "angle":
        lo[:, rows["nodal_balance"]] = hi[:, rows["nodal_balance"]] = (
            model.p_shift_bus_mw[None, :] - finj
        )
        if matrix:
            theta = _select(data.n_row, sl["voltage_angle"].start + np.arange(data.n_row), nv)
            bal = a_inj - sp.csr_matrix(model.bbus) @ theta
            flow_fixed = sp.csr_matrix(model.bf[lay.fixed_branches]) @ theta
            flow_x = sp.csr_matrix(model.bf[lay.extendable_branches]) @ theta
        base_fixed = np.broadcast_to(
            model.p_shift_branch_mw[lay.fixed_branches], (n_h, lay.fixed_branches.size)
        )
        base_x = np.broadcast_to(
            model.p_shift_branch_mw[lay.extendable_branches], (n_h, lay.extendable_branches.size)
        )
    else:
        grp = sp.csr_matrix(
            (np.ones(data.n_row), (data.island, np.arange(data.n_row))),
            shape=(data.n_island, data.n_row),
        )
        lo[:, rows["nodal_balance"]] = hi[:, rows["nodal_balance"]] = -(grp @ finj.T).T
        if matrix:
            bal = grp @ a_inj
            flow_fixed = sp.csr_matrix(data.ptdf[lay.fixed_branches]) @ a_inj
            flow_x = sp.csr_matrix(data.ptdf[lay.extendable_branches]) @ a_inj
        base_fixed = finj @ data.ptdf[lay.fixed_branches].T + data.offset_mw[lay.fixed_branches]
        base_x = (
            finj @ data.ptdf[lay.extendable_branches].T + data.offset_mw[lay.extendable_branches]
        )
    lo[0, rows["storage_balance"]] = hi[0, rows["storage_balance"]] = data.storage.e0_mwh
    lo[:, rows["branch_limit"]], hi[:, rows["branch_limit"]] = -lim - base_fixed, lim - base_fixed
    lo[:, rows["extendable_upper"]], hi[:, rows["extendable_upper"]] = (
        -np.inf,
        -base_x,
    )  # flow - r <= 0
    lo[:, rows["extendable_lower"]], hi[:, rows["extendable_lower"]] = (
        -np.inf,
        base_x,
    )  # -flow - r <= 0
    lo[:, rows["extendable_dcline_forward"]] = lo[
        :, rows["extendable_dcline_reverse"]
    ] = -np.inf  # sent - a r <= 0
    if not matrix:
        return None, lo, hi
    n_s = data.storage.element.size
    s_idx = np.arange(n_s)
    s_cols = np.concatenate(
        [sl[k].start + s_idx for k in ("state_of_charge", "storage_charge", "storage_discharge")]
    )
    s_vals = np.concatenate(
        [np.ones(n_s), -data.storage.eta_charge, 1.0 / data.storage.eta_discharge]
    )
    s_in = sp.csr_matrix((s_vals, (np.tile(s_idx, 3), s_cols)), shape=(n_s, nv))
    pos = ext.dc_pos[ext.dc]
    dc_rows = [
        _select(pos.size, sl[key].start + pos, nv) for key in ("dcline_forward", "dcline_reverse")
    ]
    parts = [bal, kvl, s_in, flow_fixed, flow_x, -flow_x, *dc_rows]
    return sp.vstack(parts, format="csr"), lo, hi


def _rating_columns(lay: Layout, ext: ExtData, dc_avail: np.ndarray) -> sp.csr_matrix:
    """(hours * n_rows x n_ratings): ``-1`` (AC) or ``-a_t`` (dcline) in each rating's rows."""
    n_h, n_rows, rows = dc_avail.shape[0], lay.n_rows, lay.rows
    r, c, v = [], [], []
    hour0 = np.arange(n_h)[:, None] * n_rows
    for key in ("extendable_upper", "extendable_lower"):
        local = rows[key].start + np.arange(ext.ac.size)
        r.append((hour0 + local).ravel())
        c.append(np.tile(ext.ac, n_h))
        v.append(np.full(n_h * ext.ac.size, -1.0))
    avail = dc_avail[:, ext.dc_pos[ext.dc]]
    for key in ("extendable_dcline_forward", "extendable_dcline_reverse"):
        local = rows[key].start + np.arange(ext.dc.size)
        r.append((hour0 + local).ravel())
        c.append(np.tile(ext.dc, n_h))
        v.append(-avail.ravel())
    return sp.csr_matrix(
        (np.concatenate(v), (np.concatenate(r), np.concatenate(c))),
        shape=(n_h * n_rows, ext.size),
    )


def _ramps(data: NetData, lay: Layout, n_h: int) -> tuple[sp.csr_matrix | None, np.ndarray]:
    """Rows ``p_t - p_(t-1) <= up`` and ``p_(t-1) - p_t <= down`` from the second hour on."""
    blocks, rhs = [], []
    for sign, limit in ((1.0, data.units.ramp_up), (-1.0, data.units.ramp_down)):
        ramped = np.flatnonzero(np.isfinite(limit))
        if ramped.size and n_h > 1:
            sel = _select(ramped.size, lay.sl["generation"].start + ramped, lay.nv, sign)
            diff = sp.diags([-np.ones(n_h - 1), np.ones(n_h - 1)], [0, 1], shape=(n_h - 1, n_h))
            blocks.append(sp.kron(diff, sel, format="csr"))
            rhs.append(np.tile(limit[ramped], n_h - 1))
    if not blocks:
        return None, np.zeros(0)
    return sp.vstack(blocks, format="csr"), np.concatenate(rhs)


def fixed_injections(
    data: NetData, load_mw: np.ndarray, dc_max_mw: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the fixed injections and whether each link is available, per hour.

    Injections (hours x bus rows): demand, dcline ``loss_mw`` at the from bus.
    """
    finj = np.zeros((load_mw.shape[0], data.n_row))
    np.add.at(finj.T, data.loads.row, -load_mw.T)
    dc_on = dc_max_mw > 0
    np.add.at(finj.T, data.dclines.from_row, -(dc_on * data.dclines.loss_mw).T)
    return finj, dc_on


def _bounds(
    data: NetData, lay: Layout, ext: ExtData, lo_u: np.ndarray, hi_u: np.ndarray,
    load_mw: np.ndarray, dc_max_mw: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Column bounds (lower, upper): hourly columns hour-major, then the ratings."""
    n_h, sl = lo_u.shape[0], lay.sl
    lo = np.zeros((n_h, lay.nv))
    hi = np.zeros((n_h, lay.nv))
    lo[:, sl["generation"]], hi[:, sl["generation"]] = lo_u, hi_u
    hi[:, sl["unserved"]] = np.maximum(load_mw, 0.0)
    dc_hi = dc_max_mw.copy()
    dc_hi[:, ext.dc_pos[ext.dc]] = np.inf  # limited by the rating rows
    hi[:, sl["dcline_forward"]] = hi[:, sl["dcline_reverse"]] = dc_hi
    hi[:, sl["storage_charge"]] = data.storage.charge_max_mw
    hi[:, sl["storage_discharge"]] = data.storage.discharge_max_mw
    lo[:, sl["state_of_charge"]], hi[:, sl["state_of_charge"]] = (
        data.storage.e_min_mwh,
        data.storage.e_max_mwh,
    )
    # the block ends no lower than it started
    lo[-1, sl["state_of_charge"]] = np.maximum(
        data.storage.e_min_mwh, np.minimum(data.storage.e0_mwh, data.storage.e_max_mwh)
    )
    if lay.formulation == "angle":
        theta = sl["voltage_angle"]
        lo[:, theta], hi[:, theta] = -np.inf, np.inf
        lo[:, theta.start + data.ref_row] = hi[:, theta.start + data.ref_row] = 0.0
    if lay.formulation == "kirchhoff":
        flow = sl["branch_flow"]
        lo[:, flow], hi[:, flow] = -np.inf, np.inf
        lim = data.branch_limit_mw[lay.fixed_branches]
        lo[:, flow.start + lay.fixed_branches], hi[:, flow.start + lay.fixed_branches] = -lim, lim
    return np.concatenate([lo.ravel(), ext.min_mw]), np.concatenate([hi.ravel(), ext.max_mw])


def _cost(data: NetData, lay: Layout, voll_eur_per_mwh: float) -> np.ndarray:
    cost = np.zeros(lay.nv)
    sl = lay.sl
    cost[sl["generation"]] = data.units.cost
    cost[sl["unserved"]] = voll_eur_per_mwh
    cost[sl["dcline_forward"]] = cost[sl["dcline_reverse"]] = data.dclines.cost
    cost[sl["storage_charge"]] = data.storage.cost
    cost[sl["storage_discharge"]] = -data.storage.cost
    return cost


def _matrix(
    data: NetData, lay: Layout, ext: ExtData, hour: sp.csr_matrix, ramps: sp.csr_matrix | None,
    dc_avail: np.ndarray,
) -> sp.csr_matrix:  # fmt: skip
    """Return the block's matrix: `hour` for every hour, storage links, ratings, ramps."""
    n_h, nv, n_x = dc_avail.shape[0], lay.nv, ext.size
    a = sp.kron(sp.identity(n_h, format="csr"), hour, format="csr")
    n_s = data.storage.element.size
    if n_s and n_h > 1:  # soc_t - soc_(t-1) - ...: the previous hour's state of charge
        st = lay.rows["storage_balance"].start + np.arange(n_s)
        soc = lay.sl["state_of_charge"].start + np.arange(n_s)
        prev = sp.csr_matrix((-np.ones(n_s), (st, soc)), shape=(lay.n_rows, nv))
        a = a + sp.kron(sp.diags(np.ones(n_h - 1), -1, format="csr"), prev, format="csr")
    blocks = [[a, _rating_columns(lay, ext, dc_avail)]]
    if ramps is not None:
        blocks.append([ramps, sp.csr_matrix((ramps.shape[0], n_x))])
    return sp.bmat(blocks, format="csr")


def build(
    data: NetData, ext: ExtData, lay: Layout, *, lo: np.ndarray, hi: np.ndarray,
    load_mw: np.ndarray, dc_max_mw: np.ndarray, dc_avail: np.ndarray, voll_eur_per_mwh: float,
) -> LinearProgram:  # fmt: skip
    """Return the LP of one block of hours (arrays: hours x elements)."""
    n_h, n_x = lo.shape[0], ext.size
    a_inj = data.lp_memo.get(("injection", lay.formulation))  # depends on the net only
    if a_inj is None:
        a_inj = data.lp_memo[("injection", lay.formulation)] = _injection(data, lay)
    finj, dc_on = fixed_injections(data, load_mw, dc_max_mw)
    # without rating columns the matrix depends only on the net and the block's length: the
    # blocks of one dispatch share it (built once, and its structure key with it)
    key = ("block_matrix", lay.formulation, n_h)
    a = data.lp_memo.get(key) if n_x == 0 else None
    hour, row_lo, row_hi = _hour_rows(data, lay, ext, a_inj, finj, matrix=a is None)
    lo_rows, hi_rows = [row_lo.ravel()], [row_hi.ravel()]
    ramps, ramp_hi = _ramps(data, lay, n_h)
    if ramps is not None:
        lo_rows.append(np.full(ramp_hi.size, -np.inf))
        hi_rows.append(ramp_hi)
    if a is None:
        assert hour is not None  # matrix=True
        a = _matrix(data, lay, ext, hour, ramps, dc_avail)
        if n_x == 0:
            data.lp_memo[key] = a
    col_lo, col_hi = _bounds(data, lay, ext, lo, hi, load_mw, dc_max_mw)
    return LinearProgram(
        c=np.concatenate([np.tile(_cost(data, lay, voll_eur_per_mwh), n_h), ext.cost_eur_per_mw]),
        a=a,
        row_lo=np.concatenate(lo_rows),
        row_hi=np.concatenate(hi_rows),
        col_lo=col_lo,
        col_hi=col_hi,
        a_inj=a_inj,
        finj=finj,
        dc_on=dc_on,
    )
