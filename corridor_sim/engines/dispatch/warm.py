"""A warm start for the LP with extendable ratings: the dispatch without expansion.

With every extendable rating at its lower bound (``min_mw``: no expansion) the dispatch is
an ordinary one: its hours do not share a rating, so it is solved in blocks of hours, each
warm-started from the previous block. Its optimal point is feasible for the LP with
extendable ratings (the ratings at their lower bounds), and its basis maps onto that LP's
rows and columns:

* hourly columns and the rows of both LPs (balances, cycles, storage, fixed limits, ramps)
  keep their statuses;
* the ranged limit row ``-F <= flow <= F`` of an extendable line or trafo becomes the two
  rows ``flow - r <= 0`` and ``-flow - r <= 0``: the one at the side where the flow sat
  (if it sat at a limit) is nonbasic at its upper bound, the other basic;
* a column bounded by the rating without expansion (an extendable dcline's sent power,
  ``<= a_t min_mw``; a branch flow column in the ``kirchhoff`` formulation) becomes basic
  when it sat at that bound, its new rating row then nonbasic at its upper bound, else the
  column keeps its status and the row is basic;
* the rating columns are nonbasic at their lower bounds.

Each added row comes with one added basic variable, so the map is a basis of the LP with
ratings, primal feasible (up to the fixed injections of links with ``loss_mw`` and no
rating without expansion) and dual feasible except in the rating columns. HiGHS starts
from it (:func:`no_expansion_basis`); the optimum does not depend on the start.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from corridor_sim.engines._shared.highs import BASIS_STATUS
from corridor_sim.engines.dispatch.extendable import ExtData, empty
from corridor_sim.engines.dispatch.lp import Block, BlockSolution
from corridor_sim.engines.dispatch.netdata import NetData
from corridor_sim.engines.dispatch.rows import layout

__all__ = ["no_expansion_basis", "without_expansion"]

_LOWER, _BASIC, _UPPER = BASIS_STATUS["lower"], BASIS_STATUS["basic"], BASIS_STATUS["upper"]


def without_expansion(data: NetData, ext: ExtData) -> NetData:
    """Return `data` with each extendable line or trafo limited at its ``min_mw``."""
    limit = data.branch_limit_mw.copy()
    limit[ext.branch_row[ext.ac]] = ext.min_mw[ext.ac]
    monitored = np.union1d(data.monitored, ext.branch_row[ext.ac]).astype(data.monitored.dtype)
    # a new instance: its LP memo starts empty (other limit rows, other block matrices)
    return dataclasses.replace(data, branch_limit_mw=limit, monitored=monitored)


def _block_without_expansion(block: Block, ext: ExtData) -> Block:
    """Return `block` with each extendable dcline's hourly limit at availability x ``min_mw``."""
    pos = ext.dc_pos[ext.dc]
    dc_max = block.dc_max_mw.copy()
    dc_max[:, pos] = block.dc_avail[:, pos] * ext.min_mw[ext.dc]
    return dataclasses.replace(block, dc_max_mw=dc_max, dc_avail=np.ones_like(block.dc_avail))


def no_expansion_basis(
    data: NetData,
    ext: ExtData,
    blocks: list[Block],
    solve: Callable[..., BlockSolution],
    *,
    formulation: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Solve the dispatch without expansion over `blocks`; return its basis for the LP with `ext`.

    `blocks` cover the horizon in order (hours that no storage or ramp links across
    blocks); `solve` is :func:`corridor_sim.engines.dispatch.lp.solve_block` with the other
    arguments bound (it is called with ``ext``, ``chain``, ``warm_start`` and
    ``keep_basis``). Returns the column and row statuses of the one-LP horizon with ratings
    (see the module docstring); rows after the hourly ones (ramps, only in a single block)
    keep their statuses.
    """
    base = without_expansion(data, ext)
    none = empty()
    chain: set[str] = set()
    cols, rows, tails = [], [], []
    lay0 = layout(base, none, formulation)
    for block in blocks:
        sol = solve(
            base, _block_without_expansion(block, ext), none,
            chain=chain, warm_start=True, keep_basis=True,
        )  # fmt: skip
        assert sol.basis is not None  # keep_basis=True
        col, row = sol.basis
        n_h = len(block.hours)
        cols.append(col.reshape(n_h, lay0.nv))
        rows.append(row[: n_h * lay0.n_rows].reshape(n_h, lay0.n_rows))
        tails.append(row[n_h * lay0.n_rows :])
    col0, row0 = np.concatenate(cols), np.concatenate(rows)
    return _map(data, ext, lay0, col0, row0, np.concatenate(tails), formulation)


def _map(
    data: NetData, ext: ExtData, lay0: object, col0: np.ndarray, row0: np.ndarray,
    tail: np.ndarray, formulation: str,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Map statuses (hours x columns / rows without expansion) onto the LP with `ext`."""
    lay = layout(data, ext, formulation)
    n_h = col0.shape[0]
    col = col0.copy()
    row = np.full((n_h, lay.n_rows), _BASIC, dtype=np.int8)
    r0, r1 = lay0.rows, lay.rows  # type: ignore[attr-defined]
    for key in ("nodal_balance", "kirchhoff_voltage_law", "storage_balance"):
        row[:, r1[key]] = row0[:, r0[key]]
    # fixed limits of both LPs (rows; in "kirchhoff" the flow columns' bounds, kept above):
    # the rows of the branches that stay fixed keep their status
    at = {int(b): k for k, b in enumerate(lay0.fixed_branches)}  # type: ignore[attr-defined]
    keep = np.array([at[int(b)] for b in lay.fixed_branches], dtype=np.int64)
    if keep.size and formulation != "kirchhoff":
        row[:, r1["branch_limit"].start + np.arange(keep.size)] = (
            row0[:, r0["branch_limit"].start + keep]
        )  # fmt: skip
    up = r1["extendable_upper"].start + np.arange(ext.ac.size)
    low = r1["extendable_lower"].start + np.arange(ext.ac.size)
    if formulation == "kirchhoff":  # the limit was the flow column's bounds
        flow_cols = lay.sl["branch_flow"].start + lay.extendable_branches
        status = col[:, flow_cols].copy()
        col[:, flow_cols] = np.where(np.isin(status, (_LOWER, _UPPER)), _BASIC, status)
    else:
        ranged = r0["branch_limit"].start + np.array(
            [at[int(b)] for b in lay.extendable_branches], dtype=np.int64
        )
        status = row0[:, ranged]
    row[:, up] = np.where(status == _UPPER, _UPPER, _BASIC)
    row[:, low] = np.where(status == _LOWER, _UPPER, _BASIC)  # -flow - r <= 0 at its bound
    pos = ext.dc_pos[ext.dc]
    for side, key in (("dcline_forward", "extendable_dcline_forward"),
                      ("dcline_reverse", "extendable_dcline_reverse")):  # fmt: skip
        c = lay.sl[side].start + pos
        r = r1[key].start + np.arange(pos.size)
        at_limit = col[:, c] == _UPPER
        col[:, c] = np.where(at_limit, _BASIC, col[:, c])
        row[:, r] = np.where(at_limit, _UPPER, _BASIC)
    ratings = np.full(ext.size, _LOWER, dtype=np.int8)
    return (
        np.concatenate([col.ravel(), ratings]).astype(np.int8),
        np.concatenate([row.ravel(), tail]).astype(np.int8),
    )
