"""Streaming N-1 kernel: hours x outages in blocks, memory bounded by a budget.

The hours come in blocks of base-case flows (all of them at once for an in-memory screen,
or a block at a time computed on the fly for a stored one). For a block of outages the LODF
columns on the monitored branches come from sparse solves of the stored factorisation
(:meth:`DCModel.transfer_sensitivity`); the block's hours are then scanned in chunks.
Post-contingency loading of monitored branch ``m`` after outage ``o`` at hour ``t`` is
``|s_m f_m(t) + s_m L_mo f_o(t)|`` (``s`` = % per MW). A pair (m, o) is evaluated in a chunk
only if its upper bound ``max_t |s_m f_m| + |s_m L_mo| max_t |f_o|`` can exceed the
threshold, the worst loading found so far for ``m`` or the worst found so far for ``o``;
every other pair can neither violate nor change a reported maximum there. The bounds start
from exact values at each branch's and each outage's peak hour. What is kept:

* per monitored branch: the worst loading, its outage and hour, the LODF and the flow then;
* per outage: the worst loading, its element and hour, the number of violations;
* per monitored branch the number of hours with any violation;
* handed to a :class:`Sink`: per violating (outage, element) pair and block of hours the
  number of hours above the threshold, the worst loading, its hour and flow; optionally every
  violating (outage, hour, element) row.

Equal maxima are resolved the same way whatever the blocks: the lowest outage (element)
position, then the earliest hour. Nothing of size outages x monitored x hours is ever held.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from corridor_sim.engines._shared.dcmodel import BRIDGE_TOL, DCModel

__all__ = ["Branches", "Scan", "Sink", "outage_factors", "scan"]

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


class Sink(Protocol):
    """Where the scan hands the violating pairs and rows (memory or a store on disk)."""

    keep_rows: bool  # whether rows are still wanted (the sink may stop wanting them)

    def pairs(self, block: int, first: int, arrays: tuple[np.ndarray, ...]) -> None:
        """Take (outage, monitored, n_hours, loading, hour, p_mw) of hour block `block`.

        `first` is the position of the outage block's first outage.
        """

    def rows(self, arrays: tuple[np.ndarray, ...]) -> None:
        """Take (outage, hour, monitored, p_mw, loading) of violating rows."""


@dataclass(slots=True, eq=False)
class Scan:
    """What the scan keeps (see the module docstring); hours are positions."""

    best_m: np.ndarray  # per monitored: worst loading
    best_m_out: np.ndarray
    best_m_hour: np.ndarray
    best_m_lodf: np.ndarray  # LODF of that pair (NaN: cut off)
    best_m_p_mw: np.ndarray  # the flow then (MW)
    best_o: np.ndarray  # per outage: worst loading
    best_o_mon: np.ndarray
    best_o_hour: np.ndarray
    best_o_lodf: np.ndarray
    n_violations: np.ndarray  # per outage
    binding_hours: np.ndarray  # per monitored: hours with a violation after some outage
    base_peak_mw: np.ndarray  # per monitored: max |base-case flow| (MW)
    islands: dict[int, np.ndarray] = field(default_factory=dict)  # outage -> lost bus rows


def outage_factors(
    model: DCModel,
    br: Branches,
    outages: np.ndarray,
    islands_known: dict[int, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, dict[int, np.ndarray]]:
    """LODF on the monitored branches for `outages` (positions), keep mask, islands.

    Returns ``(lodf, keep, islands)``: ``lodf`` (n_mon x k) with the outage's own row -1;
    ``keep`` False where a bridge outage cuts a monitored branch off (it then carries 0 MW);
    ``islands`` the lost bus rows of each bridge outage (key: position in `outages`).
    `islands_known` (outage position -> lost bus rows) skips the search for known bridges.
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
    known = islands_known or {}
    for j, k in enumerate(bridges):  # bridges: the part without a slack is dropped
        row = rows[k]
        lost = known.get(int(outages[k]))
        lost = model.islanded_rows(row) if lost is None else lost
        f, t = model.branch_from_row[row], model.branch_to_row[row]
        fed[j], sign[j] = (f, 1.0) if t in lost else (t, -1.0)
        keep[np.isin(mon_f, lost) | np.isin(mon_t, lost), k] = False
        islands[int(k)] = lost
    if bridges.size:  # flow over the bridge is taken up by the slack: PTDF of the fed end
        lodf[:, bridges] = sign * model.transfer_sensitivity(fed, None, br.mon_rows)
    lodf[own, cols] = -1.0
    keep[own, cols] = True
    return lodf, keep, islands


def post_mw(
    flows: np.ndarray, br: Branches, m: np.ndarray, o: np.ndarray, t: np.ndarray, lodf: np.ndarray
) -> np.ndarray:
    """Post-contingency flow (MW) of monitored m after outage o at column t of `flows`."""
    if not m.size:
        return np.zeros(0)
    post = flows[m, t] + lodf * flows[br.out_mon[o], t]
    return np.where(np.isnan(lodf), 0.0, post)  # NaN: cut off by a bridge outage


def _chunk_max(values: np.ndarray, step: int) -> np.ndarray:
    """Max of |values| over column chunks of `step`: rows x n_chunks."""
    n = values.shape[1]
    out = np.zeros((values.shape[0], -(-n // step)))
    for c, start in enumerate(range(0, n, step)):
        np.max(np.abs(values[:, start : start + step]), axis=1, out=out[:, c])
    return out


def _record(best, who, hour, lodf, values, idx_who, idx_hour, idx_lodf) -> None:  # noqa: ANN001
    """Where `values` beat `best` (or equal it with a lower (who, hour)), store them."""
    better = values > best
    tie = values == best
    if tie.any():
        better |= tie & ((idx_who < who) | ((idx_who == who) & (idx_hour < hour)))
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
    hour: np.ndarray  # local hour (column of the hour block)
    count: np.ndarray


def _seed(state: Scan, blk: _Block, flows: np.ndarray, per_mw: np.ndarray, out_f: np.ndarray,
          outs: slice, h0: int) -> None:  # fmt: skip
    """Exact loadings at each branch's and each outage's peak hour: first lower bounds."""
    n_mon, k = blk.scaled.shape
    m_idx, o_idx = np.arange(n_mon), np.arange(k)
    t_m = np.abs(flows).argmax(axis=1)  # each monitored branch's peak hour
    post = np.abs((per_mw * flows[m_idx, t_m])[:, None] + blk.scaled * out_f[:, t_m].T)
    if blk.keep is not None:
        post *= blk.keep
    arg = post.argmax(axis=1)
    _record(state.best_m, state.best_m_out, state.best_m_hour, state.best_m_lodf,
            post[m_idx, arg], arg + outs.start, t_m + h0, blk.lodf[m_idx, arg])  # fmt: skip
    t_o = np.abs(out_f).argmax(axis=1)  # each outage's peak hour
    post = np.abs(per_mw[:, None] * flows[:, t_o] + blk.scaled * out_f[o_idx, t_o][None, :])
    if blk.keep is not None:
        post *= blk.keep
    arg = post.argmax(axis=0)
    _record(state.best_o[outs], state.best_o_mon[outs], state.best_o_hour[outs],
            state.best_o_lodf[outs], post[arg, o_idx], arg, t_o + h0,
            blk.lodf[arg, o_idx])  # fmt: skip


def _update(state: Scan, blk: _Block, outs: slice, h0: int) -> None:
    """Fold the block's pair maxima into the per-branch and per-outage maxima."""
    m_idx, o_idx = np.arange(blk.peak.shape[0]), np.arange(blk.peak.shape[1])
    arg = blk.peak.argmax(axis=1)
    _record(state.best_m, state.best_m_out, state.best_m_hour, state.best_m_lodf,
            blk.peak[m_idx, arg], arg + outs.start, blk.hour[m_idx, arg] + h0,
            blk.lodf[m_idx, arg])  # fmt: skip
    arg = blk.peak.argmax(axis=0)
    _record(state.best_o[outs], state.best_o_mon[outs], state.best_o_hour[outs],
            state.best_o_lodf[outs], blk.peak[arg, o_idx], arg, blk.hour[arg, o_idx] + h0,
            blk.lodf[arg, o_idx])  # fmt: skip


def outage_block_size(n_mon: int, n_out: int, memory_bytes: int) -> int:
    """Outages per block: ~8 arrays of n_mon x k doubles within a quarter of the budget."""
    return int(max(1, min(n_out, memory_bytes // 4 // (8 * 8 * max(n_mon, 1)))))


def _empty_state(n_mon: int, n_out: int) -> Scan:
    return Scan(
        best_m=np.full(n_mon, -1.0),
        best_m_out=np.zeros(n_mon, dtype=np.int64),
        best_m_hour=np.zeros(n_mon, dtype=np.int64),
        best_m_lodf=np.zeros(n_mon),
        best_m_p_mw=np.zeros(n_mon),
        best_o=np.full(n_out, -1.0),
        best_o_mon=np.zeros(n_out, dtype=np.int64),
        best_o_hour=np.zeros(n_out, dtype=np.int64),
        best_o_lodf=np.zeros(n_out),
        n_violations=np.zeros(n_out, dtype=np.int64),
        binding_hours=np.zeros(n_mon, dtype=np.int64),
        base_peak_mw=np.zeros(n_mon),
    )


def scan(
    model: DCModel,
    br: Branches,
    blocks: Iterable[tuple[int, np.ndarray]],
    *,
    threshold_pct: float,
    memory_bytes: int,
    sink: Sink,
) -> Scan:
    """Screen every outage of `br` over every block of hours, handing pairs/rows to `sink`.

    `blocks` yields ``(h0, flows)``: the position of the block's first hour and the
    base-case flows (MW) of the monitored branches in its hours, monitored x hours. Outage
    ``o`` has the base-case flow ``flows[br.out_mon[o]]``.
    """
    n_mon, n_out = br.mon_rows.size, br.out_rows.size
    state = _empty_state(n_mon, n_out)
    k_max = outage_block_size(n_mon, n_out, memory_bytes)
    for number, (h0, flows) in enumerate(blocks):
        if not (n_out and flows.shape[1] and n_mon):
            continue
        before = (state.best_m_out.copy(), state.best_m_hour.copy(), state.best_m.copy())
        violating = np.zeros(flows.shape, dtype=bool)
        for first in range(0, n_out, k_max):
            outs = slice(first, min(n_out, first + k_max))
            _scan_block(state, model, br, flows, h0, outs, threshold_pct, memory_bytes,
                        sink, number, violating)  # fmt: skip
        state.binding_hours += violating.sum(axis=1)
        del violating
        np.maximum(state.base_peak_mw, np.abs(flows).max(axis=1), out=state.base_peak_mw)
        changed = np.flatnonzero(
            (state.best_m_out != before[0])
            | (state.best_m_hour != before[1])
            | (state.best_m != before[2])
        )
        if changed.size:  # the worst case was found in this block: its flow from these hours
            state.best_m_p_mw[changed] = post_mw(
                flows, br, changed, state.best_m_out[changed],
                state.best_m_hour[changed] - h0, state.best_m_lodf[changed],
            )  # fmt: skip
        del flows  # before the next block is made: one block at a time
    return state


def _scan_block(
    state: Scan,
    model: DCModel,
    br: Branches,
    flows: np.ndarray,
    h0: int,
    outs: slice,
    thr: float,
    memory_bytes: int,
    sink: Sink,
    number: int,
    violating: np.ndarray,
) -> None:
    """Screen the outages `outs` over the hours of one block of `flows`."""
    n_hours = flows.shape[1]
    step = int(max(8, min(256, n_hours)))
    pair_cap = int(max(1, min(memory_bytes // 4, _PAIR_BYTES) // (8 * step)))
    peak_mw = _chunk_max(flows, step)  # n_mon x n_chunks, MW (cheap next to the pairs)
    load_max = peak_mw * br.per_mw[:, None]  # %
    flow_max = peak_mw[br.out_mon[outs]]  # k x n_chunks, MW
    positions = np.arange(outs.start, outs.stop)
    known = {p: state.islands[p] for p in positions.tolist() if p in state.islands}
    lodf, keep, islands = outage_factors(model, br, positions, known)
    state.islands.update({outs.start + k: lost for k, lost in islands.items()})
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
    _seed(state, blk, flows, br.per_mw, out_f, outs, h0)
    abs_scaled = np.abs(blk.scaled)
    for c, start in enumerate(range(0, n_hours, step)):
        stop = min(n_hours, start + step)
        bound = abs_scaled * flow_max[:, c][None, :]
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
            _pairs(blk, flows, br, base_c, out_c, m_p[a : a + pair_cap],
                   o_p[a : a + pair_cap], start, h0, thr, outs, sink, violating)  # fmt: skip
        _update(state, blk, outs, h0)
    m_v, o_v = np.nonzero(blk.count)
    if m_v.size:
        hour = blk.hour[m_v, o_v]
        p_mw = post_mw(flows, br, m_v, o_v + outs.start, hour, blk.lodf[m_v, o_v])
        pairs = (o_v + outs.start, m_v, blk.count[m_v, o_v], blk.peak[m_v, o_v], hour + h0, p_mw)
        sink.pairs(number, outs.start, pairs)
        state.n_violations[outs] += blk.count.sum(axis=0)


def _pairs(
    blk: _Block,
    flows: np.ndarray,
    br: Branches,
    base_c: np.ndarray,
    out_c: np.ndarray,
    m_p: np.ndarray,
    o_p: np.ndarray,
    start: int,
    h0: int,
    thr: float,
    outs: slice,
    sink: Sink,
    violating: np.ndarray,
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
    violating[m_hot[firsts], start : start + over.shape[1]] |= any_hour
    if sink.keep_rows:
        p_i, t_i = np.nonzero(over)
        rows = hot[p_i]
        m, o, t = m_p[rows], o_p[rows] + outs.start, t_i + start
        sink.rows((o, t + h0, m, post_mw(flows, br, m, o, t, blk.lodf[m_p[rows], o_p[rows]]),
                   post[rows, t_i]))  # fmt: skip
