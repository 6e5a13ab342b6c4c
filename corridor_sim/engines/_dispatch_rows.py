"""Matrices of the dispatch LP for one block of hours, in the PTDF or the angle formulation.

Columns are hour-major: every hour has the same ``nv`` columns (:func:`layout`), then come
the extendable ratings (one column each for the whole block). Every hour has the same rows
(an hour-invariant matrix repeated with ``kron``), with hour-dependent right-hand sides;
storage and ramping rows link consecutive hours, rating columns enter the limit rows of
every hour.

Per hour, in both formulations: units (``p_mw``), unserved demand per fixed load, dcline
forward and reverse sent power, storage charge, discharge and state of charge.

* ``ptdf``: rows = one power balance per island (equality), storage energy balance
  (equality), then upper and lower PTDF rows of each limited branch (dense: one entry per
  injection column of the island).
* ``angle``: adds bus angles (times the base MVA, so the coefficients are ``Bbus``/``Bf``
  in per unit; the island's reference row fixed at 0) and one flow column per limited
  branch; rows = one balance per bus (``injection = Bbus theta + shift``), one flow
  definition per limited branch (``f = Bf theta + shift``), storage; a fixed limit is the
  flow column's bounds. The LP then grows with buses and branches, not branches x buses.

Extendable ratings add rows per hour: ``+-flow - r <= 0`` (AC) and ``sent - a_t r <= 0``
for both directions of a dcline (``a_t``: the hour's availability).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from corridor_sim.engines._dispatch_ext import ExtData
from corridor_sim.engines._dispatch_net import NetData

__all__ = ["FORMULATIONS", "Layout", "LinearProgram", "build", "layout"]

#: Network formulations of the dispatch LP.
FORMULATIONS = ("ptdf", "angle")


@dataclass(frozen=True, slots=True, eq=False)
class Layout:
    """Where things are in one block's LP (see the module docstring).

    ``sl``: column slices of one hour; ``nv``: columns per hour; ``fixed``: branch rows with
    a fixed limit; ``xac``: branch rows with an extendable rating (``ext.ac`` order);
    ``eq``/``ub``: row slices of one hour (``bal``: island or bus balances, ``flow``: flow
    definitions, ``st``: storage; ``up``/``lo``: fixed PTDF rows, ``xup``/``xlo``: extendable
    AC rows, ``xfwd``/``xrev``: extendable dcline rows).
    """

    formulation: str
    sl: dict[str, slice]
    nv: int
    fixed: np.ndarray
    xac: np.ndarray
    eq: dict[str, slice]
    ub: dict[str, slice]

    @property
    def n_eq(self) -> int:
        """Equality rows per hour."""
        return max((s.stop for s in self.eq.values()), default=0)

    @property
    def n_ub(self) -> int:
        """Inequality rows per hour (without ramps)."""
        return max((s.stop for s in self.ub.values()), default=0)


@dataclass(frozen=True, slots=True, eq=False)
class LinearProgram:
    """``linprog`` arguments of one block, plus the injection map used to read flows."""

    c: np.ndarray
    a_ub: sp.csr_matrix | None
    b_ub: np.ndarray | None
    a_eq: sp.csr_matrix
    b_eq: np.ndarray
    bounds: np.ndarray
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
    """Column and row layout of one hour for `formulation` (``ptdf`` or ``angle``)."""
    xac = ext.branch_row[ext.ac]
    fixed = np.setdiff1d(data.monitored, xac)
    n_u, n_l = data.unit_type.size, data.load_element.size
    n_d, n_s = data.dc_element.size, data.st_element.size
    sizes = {"unit": n_u, "uns": n_l, "fwd": n_d, "rev": n_d, "ch": n_s, "dis": n_s, "soc": n_s}
    n_xd = ext.dc.size
    if formulation == "angle":
        sizes |= {"theta": data.n_row, "flow": fixed.size + xac.size}
        eq = _slices({"bal": data.n_row, "flow": fixed.size + xac.size, "st": n_s})
        ub = _slices({"xup": xac.size, "xlo": xac.size, "xfwd": n_xd, "xrev": n_xd})
    else:
        eq = _slices({"bal": data.n_island, "st": n_s})
        ub = _slices({"up": fixed.size, "lo": fixed.size, "xup": xac.size, "xlo": xac.size,
                      "xfwd": n_xd, "xrev": n_xd})  # fmt: skip
    sl = _slices(sizes)
    return Layout(formulation, sl, max(s.stop for s in sl.values()), fixed, xac, eq, ub)


def _injection(data: NetData, lay: Layout) -> sp.csr_matrix:
    """(bus rows x columns of one hour): MW injected at each bus row by each column."""
    sl = lay.sl
    r, c, v = [], [], []

    def put(rows: np.ndarray, key: str, vals: np.ndarray | float) -> None:
        cols = np.arange(sl[key].start, sl[key].stop)
        r.append(np.asarray(rows))
        c.append(cols)
        v.append(np.broadcast_to(np.asarray(vals, dtype=float), cols.shape))

    put(data.unit_row, "unit", data.unit_sign)
    put(data.load_row, "uns", 1.0)
    put(data.dc_from_row, "fwd", -1.0)
    put(data.dc_to_row, "fwd", data.dc_keep)
    put(data.dc_to_row, "rev", -1.0)
    put(data.dc_from_row, "rev", data.dc_keep)
    put(data.st_row, "ch", -1.0)
    put(data.st_row, "dis", 1.0)
    return sp.csr_matrix(
        (np.concatenate(v), (np.concatenate(r), np.concatenate(c))), shape=(data.n_row, lay.nv)
    )


def _select(
    n_rows: int, cols: np.ndarray, nv: int, vals: float | np.ndarray = 1.0
) -> sp.csr_matrix:
    """(n_rows x nv) with ``vals`` at (k, cols[k])."""
    vals = np.broadcast_to(np.asarray(vals, dtype=float), cols.shape)
    return sp.csr_matrix((vals, (np.arange(cols.size), cols)), shape=(n_rows, nv))


def _hour_equalities(
    data: NetData, lay: Layout, a_inj: sp.csr_matrix, finj: np.ndarray
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Hour-invariant equality rows (n_eq x nv) and their right-hand sides (hours x n_eq)."""
    n_h, nv, sl = finj.shape[0], lay.nv, lay.sl
    n_s = data.st_element.size
    s_idx = np.arange(n_s)
    s_cols = np.concatenate([sl[k].start + s_idx for k in ("soc", "ch", "dis")])
    s_vals = np.concatenate([np.ones(n_s), -data.st_eta_charge, 1.0 / data.st_eta_discharge])
    s_in = sp.csr_matrix((s_vals, (np.tile(s_idx, 3), s_cols)), shape=(n_s, nv))
    rhs = np.zeros((n_h, lay.n_eq))
    model = data.model
    if lay.formulation == "angle":
        theta = sl["theta"].start + np.arange(data.n_row)
        bal = a_inj - sp.csr_matrix(model.bbus) @ _select(data.n_row, theta, nv)
        limited = np.concatenate([lay.fixed, lay.xac])
        f_cols = sl["flow"].start + np.arange(limited.size)
        flow = _select(limited.size, f_cols, nv) - sp.csr_matrix(model.bf[limited]) @ _select(
            data.n_row, theta, nv
        )
        rows = [bal, flow, s_in]
        rhs[:, lay.eq["bal"]] = model.p_shift_bus_mw[None, :] - finj
        rhs[:, lay.eq["flow"]] = model.p_shift_branch_mw[limited][None, :]
    else:
        grp = sp.csr_matrix(
            (np.ones(data.n_row), (data.island, np.arange(data.n_row))),
            shape=(data.n_island, data.n_row),
        )
        rows = [grp @ a_inj, s_in]
        rhs[:, lay.eq["bal"]] = -(grp @ finj.T).T
    rhs[0, lay.eq["st"]] = data.st_e0_mwh
    return sp.vstack(rows, format="csr"), rhs


def _hour_inequalities(
    data: NetData, lay: Layout, ext: ExtData, a_inj: sp.csr_matrix, finj: np.ndarray
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Return the hour-invariant inequality rows and right-hand sides.

    The rows are (n_ub x nv), without the rating columns; the sides (hours x n_ub).
    """
    n_h, nv, sl, ub = finj.shape[0], lay.nv, lay.sl, lay.ub
    rhs = np.zeros((n_h, lay.n_ub))
    parts: list[sp.csr_matrix] = []
    if lay.formulation == "ptdf":
        for key_up, key_lo, rows, lim in (
            ("up", "lo", lay.fixed, data.branch_limit_mw[lay.fixed]),
            ("xup", "xlo", lay.xac, np.zeros(lay.xac.size)),
        ):
            pm = data.ptdf[rows]
            m = sp.csr_matrix(pm) @ a_inj
            parts += [m, -m]
            base = finj @ pm.T + data.offset_mw[rows]
            rhs[:, ub[key_up]] = lim - base
            rhs[:, ub[key_lo]] = lim + base
    else:
        f_x = sl["flow"].start + lay.fixed.size + np.arange(lay.xac.size)
        parts += [_select(lay.xac.size, f_x, nv), _select(lay.xac.size, f_x, nv, -1.0)]
    pos = ext.dc_pos[ext.dc]
    for key in ("fwd", "rev"):
        parts.append(_select(pos.size, sl[key].start + pos, nv))
    return sp.vstack(parts, format="csr"), rhs


def _rating_columns(lay: Layout, ext: ExtData, dc_avail: np.ndarray) -> sp.csr_matrix:
    """(hours * n_ub x n_ratings): ``-1`` (AC) or ``-a_t`` (dcline) in each rating's rows."""
    n_h, n_ub, ub = dc_avail.shape[0], lay.n_ub, lay.ub
    r, c, v = [], [], []
    hour0 = np.arange(n_h)[:, None] * n_ub
    for key in ("xup", "xlo"):
        local = ub[key].start + np.arange(ext.ac.size)
        r.append((hour0 + local).ravel())
        c.append(np.tile(ext.ac, n_h))
        v.append(np.full(n_h * ext.ac.size, -1.0))
    avail = dc_avail[:, ext.dc_pos[ext.dc]]
    for key in ("xfwd", "xrev"):
        local = ub[key].start + np.arange(ext.dc.size)
        r.append((hour0 + local).ravel())
        c.append(np.tile(ext.dc, n_h))
        v.append(-avail.ravel())
    return sp.csr_matrix(
        (np.concatenate(v), (np.concatenate(r), np.concatenate(c))), shape=(n_h * n_ub, ext.size)
    )


def _ramps(data: NetData, lay: Layout, n_h: int) -> tuple[sp.csr_matrix | None, np.ndarray]:
    """Rows ``p_t - p_(t-1) <= up`` and ``p_(t-1) - p_t <= down`` from the second hour on."""
    blocks, rhs = [], []
    for sign, limit in ((1.0, data.unit_ramp_up), (-1.0, data.unit_ramp_down)):
        ramped = np.flatnonzero(np.isfinite(limit))
        if ramped.size and n_h > 1:
            sel = _select(ramped.size, lay.sl["unit"].start + ramped, lay.nv, sign)
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
    np.add.at(finj.T, data.load_row, -load_mw.T)
    dc_on = dc_max_mw > 0
    np.add.at(finj.T, data.dc_from_row, -(dc_on * data.dc_loss_mw).T)
    return finj, dc_on


def _bounds(  # noqa: PLR0913
    data: NetData, lay: Layout, ext: ExtData, lo_u: np.ndarray, hi_u: np.ndarray,
    load_mw: np.ndarray, dc_max_mw: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Column bounds as linprog's (n, 2): hourly columns, then the ratings."""
    n_h, sl = lo_u.shape[0], lay.sl
    lo = np.zeros((n_h, lay.nv))
    hi = np.zeros((n_h, lay.nv))
    lo[:, sl["unit"]], hi[:, sl["unit"]] = lo_u, hi_u
    hi[:, sl["uns"]] = np.maximum(load_mw, 0.0)
    dc_hi = dc_max_mw.copy()
    dc_hi[:, ext.dc_pos[ext.dc]] = np.inf  # limited by the rating rows
    hi[:, sl["fwd"]] = hi[:, sl["rev"]] = dc_hi
    hi[:, sl["ch"]] = data.st_charge_max_mw
    hi[:, sl["dis"]] = data.st_discharge_max_mw
    lo[:, sl["soc"]], hi[:, sl["soc"]] = data.st_e_min_mwh, data.st_e_max_mwh
    # the block ends no lower than it started
    lo[-1, sl["soc"]] = np.maximum(data.st_e_min_mwh, np.minimum(data.st_e0_mwh, data.st_e_max_mwh))
    if lay.formulation == "angle":
        theta = sl["theta"]
        lo[:, theta], hi[:, theta] = -np.inf, np.inf
        lo[:, theta.start + data.ref_row] = hi[:, theta.start + data.ref_row] = 0.0
        lim = data.branch_limit_mw[lay.fixed]
        f = sl["flow"].start + np.arange(lay.fixed.size)
        lo[:, f], hi[:, f] = -lim, lim
        fx = sl["flow"].start + lay.fixed.size + np.arange(lay.xac.size)
        lo[:, fx], hi[:, fx] = -np.inf, np.inf
    hourly = np.column_stack([lo.ravel(), hi.ravel()])
    return np.vstack([hourly, np.column_stack([ext.min_mw, ext.max_mw])])


def _cost(data: NetData, lay: Layout, voll_eur_per_mwh: float) -> np.ndarray:
    cost = np.zeros(lay.nv)
    sl = lay.sl
    cost[sl["unit"]] = data.unit_cost
    cost[sl["uns"]] = voll_eur_per_mwh
    cost[sl["fwd"]] = cost[sl["rev"]] = data.dc_cost
    cost[sl["ch"]] = data.st_cost
    cost[sl["dis"]] = -data.st_cost
    return cost


def build(  # noqa: PLR0913
    data: NetData, ext: ExtData, lay: Layout, *, lo: np.ndarray, hi: np.ndarray,
    load_mw: np.ndarray, dc_max_mw: np.ndarray, dc_avail: np.ndarray, voll_eur_per_mwh: float,
) -> LinearProgram:  # fmt: skip
    """Return the LP of one block of hours (arrays: hours x elements)."""
    n_h, nv, n_x = lo.shape[0], lay.nv, ext.size
    a_inj = _injection(data, lay)
    finj, dc_on = fixed_injections(data, load_mw, dc_max_mw)
    eye = sp.identity(n_h, format="csr")
    e_hour, b_eq = _hour_equalities(data, lay, a_inj, finj)
    a_eq = sp.kron(eye, e_hour, format="csr")
    n_s = data.st_element.size
    if n_s and n_h > 1:  # soc_t - soc_(t-1) - ...: the previous hour's state of charge
        s_prev = sp.csr_matrix(
            (
                -np.ones(n_s),
                (lay.eq["st"].start + np.arange(n_s), lay.sl["soc"].start + np.arange(n_s)),
            ),
            shape=(lay.n_eq, nv),
        )
        a_eq = a_eq + sp.kron(sp.diags(np.ones(n_h - 1), -1, format="csr"), s_prev, format="csr")
    a_eq = sp.hstack([a_eq, sp.csr_matrix((a_eq.shape[0], n_x))], format="csr")
    u_hour, b_hour = _hour_inequalities(data, lay, ext, a_inj, finj)
    ub_rows, ub_rhs = [], []
    if u_hour.shape[0]:
        ub_rows.append(sp.hstack([sp.kron(eye, u_hour), _rating_columns(lay, ext, dc_avail)]))
        ub_rhs.append(b_hour.ravel())
    ramps, ramp_rhs = _ramps(data, lay, n_h)
    if ramps is not None:
        ub_rows.append(sp.hstack([ramps, sp.csr_matrix((ramps.shape[0], n_x))]))
        ub_rhs.append(ramp_rhs)
    c = np.concatenate([np.tile(_cost(data, lay, voll_eur_per_mwh), n_h), ext.cost_eur_per_mw])
    return LinearProgram(
        c=c,
        a_ub=sp.vstack(ub_rows, format="csr") if ub_rows else None,
        b_ub=np.concatenate(ub_rhs) if ub_rhs else None,
        a_eq=a_eq,
        b_eq=b_eq.ravel(),
        bounds=_bounds(data, lay, ext, lo, hi, load_mw, dc_max_mw),
        a_inj=a_inj,
        finj=finj,
        dc_on=dc_on,
    )
