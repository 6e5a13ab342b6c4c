"""Streaming N-1 kernel: outages x hours in blocks, memory bounded by a budget.

For a block of outages the LODF columns on the monitored branches come from sparse solves
of the stored factorisation (:meth:`DCModel.transfer_sensitivity`); the hours are then
scanned in chunks. Post-contingency loading of monitored branch ``m`` after outage ``o`` at
hour ``t`` is ``|s_m f_m(t) + s_m L_mo f_o(t)|`` (``s`` = % per MW). A pair (m, o) is
evaluated in a chunk only if its upper bound ``max_t |s_m f_m| + |s_m L_mo| max_t |f_o|``
can exceed the threshold, the worst loading found so far for ``m`` or the worst found so far
for ``o``; every other pair can neither violate nor change a reported maximum there. The
bounds start from exact values at each branch's and each outage's peak hour. What is kept:

* per monitored branch: the worst loading, its outage and hour (and the LODF, for the flow);
* per outage: the worst loading, its element and hour, the number of violations;
* per violating (outage, element) pair: the number of hours above the threshold, the worst
  loading and its hour; per element the hours with any violation;
* optionally every violating (outage, hour, element) row (``keep_rows``), up to a limit.

Nothing of size outages x monitored x hours is ever held.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from corridor_sim.engines._shared.dcmodel import BRIDGE_TOL, DCModel

__all__ = ["Branches", "Scan", "outage_factors", "scan"]

#: Bytes of one pairs x hours work array: small enough to stay in the CPU cache.
_PAIR_BYTES = 2**20

#: Relative widening of the pruning bound (covers its rounding).
_SLACK = 1.0 + 1e-9


@dataclass(frozen=True, slots=True, eq=False)
class Branches:
    """Monitored branches and screened outages (positions in the line+trafo result rows)."""

    mon_pos: np.ndarray  # columns of FlowArrays.branch_mw that are monitored (in service)
    mon_rows: np.ndarray  # their branch rows in the model
    per_mw: np.ndarray  # their loading % per MW
    out_mon: np.ndarray  # each outage's position among the monitored
    out_rows: np.ndarray  # each outage's branch row


@dataclass(slots=True, eq=False)
class Scan:
    """What the scan keeps (see the module docstring); hours are positions."""

    best_m: np.ndarray  # per monitored: worst loading
    best_m_out: np.ndarray
    best_m_hour: np.ndarray
    best_m_lodf: np.ndarray  # LODF of that pair (NaN: cut off), for the flow
    best_o: np.ndarray  # per outage: worst loading
    best_o_mon: np.ndarray
    best_o_hour: np.ndarray
    best_o_lodf: np.ndarray
    n_violations: np.ndarray  # per outage
    violating_hours: np.ndarray  # per monitored x hours (bool)
    pairs: list[tuple[np.ndarray, ...]] = field(default_factory=list)  # m, o, n, peak, hour, L
    rows: list[tuple[np.ndarray, ...]] | None = None  # m, o, hour, loading, L
    n_rows: int = 0
    rows_dropped: bool = False
    base_peak_mw: np.ndarray | None = None  # per monitored: max |base-case flow| (MW)
    islands: dict[int, np.ndarray] = field(default_factory=dict)  # outage -> lost bus rows


def outage_factors(
    model: DCModel, br: Branches, outages: np.ndarray
) -> tuple[np.ndarray, np.ndarray, dict[int, np.ndarray]]:
    """LODF on the monitored branches for `outages` (positions), keep mask, islands.

    Returns ``(lodf, keep, islands)``: ``lodf`` (n_mon x k) with the outage's own row -1;
    ``keep`` False where a bridge outage cuts a monitored branch off (it then carries 0 MW);
    ``islands`` the lost bus rows of each bridge outage (key: position in `outages`).
    """
    rows = br.out_rows[outages]
    own = br.out_mon[outages]
    cols = np.arange(outages.size)
    m = model.transfer_sensitivity(
        model.branch_from_row[rows], model.branch_to_row[rows], br.mon_rows
    )
    denom = 1.0 - m[own, cols]
    bridge = np.abs(denom) < BRIDGE_TOL
    with np.errstate(divide="ignore", invalid="ignore"):
        lodf = m / np.where(bridge, 1.0, denom)[None, :]
    keep = np.ones(lodf.shape, dtype=bool)
    islands: dict[int, np.ndarray] = {}
    bridges = np.flatnonzero(bridge)
    fed, sign = np.zeros(bridges.size, dtype=np.int64), np.ones(bridges.size)
    mon_f, mon_t = model.branch_from_row[br.mon_rows], model.branch_to_row[br.mon_rows]
    for j, k in enumerate(bridges):  # bridges: the part without a slack is dropped
        row = rows[k]
        lost = model.islanded_rows(row)
        f, t = model.branch_from_row[row], model.branch_to_row[row]
        fed[j], sign[j] = (f, 1.0) if t in lost else (t, -1.0)
        keep[np.isin(mon_f, lost) | np.isin(mon_t, lost), k] = False
        islands[int(k)] = lost
    if bridges.size:  # flow over the bridge is taken up by the slack: PTDF of the fed end
        lodf[:, bridges] = sign * model.transfer_sensitivity(fed, None, br.mon_rows)
    lodf[own, cols] = -1.0
    keep[own, cols] = True
    return lodf, keep, islands


def _chunk_max(values: np.ndarray, step: int) -> np.ndarray:
    """Max of |values| over column chunks of `step`: rows x n_chunks."""
    n = values.shape[1]
    out = np.zeros((values.shape[0], -(-n // step)))
    for c, start in enumerate(range(0, n, step)):
        np.max(np.abs(values[:, start : start + step]), axis=1, out=out[:, c])
    return out


def _record(best, who, hour, lodf, values, idx_who, idx_hour, idx_lodf) -> None:  # noqa: ANN001
    """Where `values` beat `best`, store them with their identity."""
    better = values > best
    if better.any():
        best[better] = values[better]
        who[better] = idx_who[better]
        hour[better] = idx_hour[better]
        lodf[better] = idx_lodf[better]


@dataclass(slots=True, eq=False)
class _Block:
    """Per outage block: the scaled factors and running maxima per (monitored, outage) pair."""

    scaled: np.ndarray  # n_mon x k: s_m L_mo keep_mo
    lodf: np.ndarray  # n_mon x k: L_mo, NaN where the outage cuts m off (for the flow)
    keep: np.ndarray | None  # n_mon x k or None (no bridge)
    peak: np.ndarray
    hour: np.ndarray
    count: np.ndarray


def _seed(state: Scan, blk: _Block, flows: np.ndarray, per_mw: np.ndarray, out_f: np.ndarray,
          outs: slice) -> None:  # fmt: skip
    """Exact loadings at each branch's and each outage's peak hour: first lower bounds."""
    n_mon, k = blk.scaled.shape
    m_idx, o_idx = np.arange(n_mon), np.arange(k)
    t_m = np.abs(flows).argmax(axis=1)  # each monitored branch's peak hour
    post = np.abs((per_mw * flows[m_idx, t_m])[:, None] + blk.scaled * out_f[:, t_m].T)
    if blk.keep is not None:
        post *= blk.keep
    arg = post.argmax(axis=1)
    _record(state.best_m, state.best_m_out, state.best_m_hour, state.best_m_lodf,
            post[m_idx, arg], arg + outs.start, t_m, blk.lodf[m_idx, arg])  # fmt: skip
    t_o = np.abs(out_f).argmax(axis=1)  # each outage's peak hour
    post = np.abs(per_mw[:, None] * flows[:, t_o] + blk.scaled * out_f[o_idx, t_o][None, :])
    if blk.keep is not None:
        post *= blk.keep
    arg = post.argmax(axis=0)
    _record(state.best_o[outs], state.best_o_mon[outs], state.best_o_hour[outs],
            state.best_o_lodf[outs], post[arg, o_idx], arg, t_o, blk.lodf[arg, o_idx])  # fmt: skip


def _update(state: Scan, blk: _Block, outs: slice) -> None:
    """Fold the block's pair maxima into the per-branch and per-outage maxima."""
    m_idx, o_idx = np.arange(blk.peak.shape[0]), np.arange(blk.peak.shape[1])
    arg = blk.peak.argmax(axis=1)
    _record(state.best_m, state.best_m_out, state.best_m_hour, state.best_m_lodf,
            blk.peak[m_idx, arg], arg + outs.start, blk.hour[m_idx, arg],
            blk.lodf[m_idx, arg])  # fmt: skip
    arg = blk.peak.argmax(axis=0)
    _record(state.best_o[outs], state.best_o_mon[outs], state.best_o_hour[outs],
            state.best_o_lodf[outs], blk.peak[arg, o_idx], arg, blk.hour[arg, o_idx],
            blk.lodf[arg, o_idx])  # fmt: skip


def scan(
    model: DCModel,
    br: Branches,
    flows: np.ndarray,
    *,
    threshold_pct: float,
    memory_bytes: int,
    keep_rows: bool,
    max_rows: int,
) -> Scan:
    """Screen every outage of `br` over all hours; `flows` (MW) is monitored x hours.

    Outage ``o`` has the base-case flow ``flows[br.out_mon[o]]``.
    """
    n_mon, n_hours = flows.shape
    n_out = br.out_rows.size
    state = Scan(
        best_m=np.full(n_mon, -1.0),
        best_m_out=np.zeros(n_mon, dtype=np.int64),
        best_m_hour=np.zeros(n_mon, dtype=np.int64),
        best_m_lodf=np.zeros(n_mon),
        best_o=np.full(n_out, -1.0),
        best_o_mon=np.zeros(n_out, dtype=np.int64),
        best_o_hour=np.zeros(n_out, dtype=np.int64),
        best_o_lodf=np.zeros(n_out),
        n_violations=np.zeros(n_out, dtype=np.int64),
        violating_hours=np.zeros((n_mon, n_hours), dtype=bool),
        rows=[] if keep_rows else None,
    )
    if not (n_out and n_hours and n_mon):
        return state
    # memory: ~8 arrays of n_mon x k doubles per outage block, pairs x hours x 3 per chunk
    k_max = int(max(1, min(n_out, memory_bytes // 4 // (8 * 8 * n_mon))))
    step = int(max(8, min(256, n_hours)))
    pair_cap = int(max(1, min(memory_bytes // 4, _PAIR_BYTES) // (8 * step)))
    peak_mw = _chunk_max(flows, step)  # n_mon x n_chunks, MW
    state.base_peak_mw = peak_mw.max(axis=1) if peak_mw.size else np.zeros(n_mon)
    load_max = peak_mw * br.per_mw[:, None]  # %
    flow_max = peak_mw[br.out_mon]  # n_out x n_chunks, MW
    thr = float(threshold_pct)
    for first in range(0, n_out, k_max):
        outs = slice(first, min(n_out, first + k_max))
        lodf, keep, islands = outage_factors(model, br, np.arange(outs.start, outs.stop))
        state.islands.update({first + k: lost for k, lost in islands.items()})
        blk = _Block(
            scaled=(lodf * keep if islands else lodf) * br.per_mw[:, None],
            lodf=np.where(keep, lodf, np.nan) if islands else lodf,
            keep=keep if islands else None,
            peak=np.full(lodf.shape, -1.0),
            hour=np.zeros(lodf.shape, dtype=np.int64),
            count=np.zeros(lodf.shape, dtype=np.int64),
        )
        del lodf
        out_f = flows[br.out_mon[outs]]  # k x hours (MW)
        _seed(state, blk, flows, br.per_mw, out_f, outs)
        abs_scaled = np.abs(blk.scaled)
        for c, start in enumerate(range(0, n_hours, step)):
            stop = min(n_hours, start + step)
            bound = abs_scaled * flow_max[outs, c][None, :]
            bound += load_max[:, c][:, None]
            if blk.keep is not None:
                bound *= blk.keep
            bound *= _SLACK  # rounding must never rule out a pair that reaches the floor
            floor = np.minimum(state.best_m[:, None], state.best_o[outs][None, :])
            np.minimum(floor, thr, out=floor)
            m_p, o_p = np.nonzero(bound > floor)
            if not m_p.size:
                continue
            base_c = flows[:, start:stop] * br.per_mw[:, None]  # signed, % (n_mon x h)
            out_c = out_f[:, start:stop]
            for a in range(0, m_p.size, pair_cap):
                _pairs(state, blk, base_c, out_c, m_p[a : a + pair_cap], o_p[a : a + pair_cap],
                       start, thr, outs, max_rows)  # fmt: skip
            _update(state, blk, outs)
        m_v, o_v = np.nonzero(blk.count)
        if m_v.size:
            state.pairs.append((m_v, o_v + first, blk.count[m_v, o_v], blk.peak[m_v, o_v],
                                blk.hour[m_v, o_v], blk.lodf[m_v, o_v]))  # fmt: skip
            state.n_violations[outs] += blk.count.sum(axis=0)
    return state


def _pairs(
    state: Scan,
    blk: _Block,
    base_c: np.ndarray,
    out_c: np.ndarray,
    m_p: np.ndarray,
    o_p: np.ndarray,
    start: int,
    thr: float,
    outs: slice,
    max_rows: int,
) -> None:
    """Exact loadings of the pairs (m_p, o_p) over one chunk of hours; update the maxima."""
    post = np.take(out_c, o_p, axis=0)
    post *= blk.scaled[m_p, o_p][:, None]
    post += np.take(base_c, m_p, axis=0)
    if blk.keep is not None:
        post *= blk.keep[m_p, o_p][:, None]
    np.abs(post, out=post)
    peak = post.max(axis=1)
    better = np.flatnonzero(peak > blk.peak[m_p, o_p])
    if better.size:
        blk.peak[m_p[better], o_p[better]] = peak[better]
        blk.hour[m_p[better], o_p[better]] = post[better].argmax(axis=1) + start
    hot = np.flatnonzero(peak > thr)
    if not hot.size:
        return
    over = post > thr if hot.size == m_p.size else post[hot] > thr
    blk.count[m_p[hot], o_p[hot]] += np.count_nonzero(over, axis=1)
    # hours with any violation per monitored branch (pairs come grouped by m)
    m_hot = m_p[hot]
    firsts = np.flatnonzero(np.r_[True, m_hot[1:] != m_hot[:-1]])
    any_hour = np.logical_or.reduceat(over, firsts, axis=0)
    state.violating_hours[m_hot[firsts], start : start + over.shape[1]] |= any_hour
    if state.rows is not None:
        p_i, t_i = np.nonzero(over)
        state.n_rows += p_i.size
        if state.n_rows > max_rows:
            state.rows, state.rows_dropped = None, True  # too many: the compact table only
            return
        rows = hot[p_i]
        state.rows.append((m_p[rows], o_p[rows] + outs.start, t_i + start, post[rows, t_i],
                           blk.lodf[m_p[rows], o_p[rows]]))  # fmt: skip
