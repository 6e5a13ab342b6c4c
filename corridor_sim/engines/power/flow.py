"""Hour-blocked DC power flow behind :func:`corridor_sim.engines.power.dc_flow`.

The hours are cut into blocks of a few MB of right-hand sides (``DCModel.block_columns``);
per block the injections are built from the input tables, the angles solved with the stored
sparse factorisation and the line / trafo flows, loadings, bus angles and slack outputs
computed and written into the output arrays. Peak memory is therefore the output plus one
block; there is no hours x buses matrix and no dense PTDF.

On very small nets (up to ``DENSE_MAX_BUS`` non-slack rows) a dense angle sensitivity (one
small inverse, then one matrix product per block) is faster than a sparse solve's per-call cost;
the choice is automatic and both give the same numbers to round-off.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from corridor_sim.engines._shared.dcmodel import DCModel, FlowPlan
from corridor_sim.engines._shared.linalg import blas_threads
from corridor_sim.engines.power.inputs import HourlyInjections

__all__ = ["DENSE_MAX_BUS", "FlowArrays", "evaluate", "flow_blocks", "hours_per_block", "use_dense"]

#: Up to this many non-slack bus rows the angles come from a dense sensitivity (measured
#: faster there, ``benchmarks/bench_dc_flow.py --nets case30 case118``); above, sparse solves.
DENSE_MAX_BUS = 200


@dataclass(frozen=True, slots=True, eq=False)
class FlowArrays:
    """Hour-major results of every hour (rows: hours, columns: elements).

    ``branch_mw`` / ``loading_pct`` hold every line, then every trafo, of the net (0 for
    out-of-service ones); ``bus_va_degree`` every bus (NaN when not solved); ``slack_mw``
    each slack unit's output without its set-point ``p0``.
    """

    branch_mw: np.ndarray
    loading_pct: np.ndarray
    bus_va_degree: np.ndarray
    slack_mw: np.ndarray
    n_line: int


def use_dense(model: DCModel) -> bool:
    """Whether :func:`evaluate` takes the dense route on `model` (small nets)."""
    return 0 < model.pvpq_rows.size <= DENSE_MAX_BUS


def _angles(model: DCModel, plan: FlowPlan, p: np.ndarray) -> np.ndarray:
    """Bus angles (rad), block x n_bus (hour-major), for injections `p` (n_bus x block, MW)."""
    va = np.empty((p.shape[1], model.n_bus))
    va[:, model.ref_rows] = model.va_ref_rad[None, :]
    pvpq = model.pvpq_rows
    if not pvpq.size:
        return va
    rhs = p[pvpq] / model.base_mva
    rhs -= plan.rhs_offset[:, None]
    assert model.lu is not None  # factorised whenever there are pv/pq rows
    va[:, pvpq] = model.lu.solve(rhs).T  # Fortran order: .T is hour-major
    return va


def _block_angles(
    model: DCModel, plan: FlowPlan, p: np.ndarray, dense_angles: tuple | None
) -> np.ndarray:
    """Bus angles (rad) of one block of hours, block x n_bus, by the dense or sparse route."""
    if dense_angles is None:
        return _angles(model, plan, p)
    sens, va0 = dense_angles
    va = p.T @ sens.T  # hour-major, block x n_bus
    va += va0[None, :]
    return va


def _block_flow(plan: FlowPlan, va: np.ndarray) -> np.ndarray:
    """In-service branch flows (MW) of one block, block x branches (hour-major)."""
    # every step writes contiguous hour-major slabs: filling fresh output memory in
    # transposed order page-faults per element and was 6x slower (case2869pegase)
    flow = np.ascontiguousarray((plan.bf_mw @ va.T).T)
    flow += plan.shift_mw[None, :]
    return flow


def hours_per_block(model: DCModel, n_rows: int, memory_bytes: int) -> int:
    """Hours per block of :func:`flow_blocks`: `n_rows` flows within half of the budget.

    A multiple of ``model.block_columns()``, so the solves see the very right-hand sides
    :func:`evaluate` gives them (the flows are equal bit for bit).
    """
    step = model.block_columns()
    fit = memory_bytes // 2 // (8 * max(n_rows, 1))
    return int(max(step, fit // step * step))


def flow_blocks(
    model: DCModel, hourly: HourlyInjections, positions: np.ndarray, n_hours_block: int
) -> Iterator[tuple[int, np.ndarray]]:
    """Base-case flows (MW) of the branches at `positions`, one block of hours at a time.

    Yields ``(h0, flows)``: the block's first hour position and its flows, element-major
    (len(positions) x hours), equal to ``evaluate(...).branch_mw[h0:h1, positions].T``.
    `positions` index the lines-then-trafos columns and must be in service. Only one block
    is held at a time; `n_hours_block` must be a multiple of ``model.block_columns()``.
    """
    plan = model.flow_plan
    dense_angles = (
        (model.angle_sensitivity(), model.zero_injection_angles_rad) if use_dense(model) else None
    )
    inverse = np.full(model.line_row.size + model.trafo_row.size, -1, dtype=np.int64)
    inverse[positions] = np.arange(positions.size)
    col = inverse[plan.pos]
    sel = np.flatnonzero(col >= 0)
    step = model.block_columns()
    n_hours = len(hourly.hours)
    for h0 in range(0, n_hours, n_hours_block):
        h1 = min(n_hours, h0 + n_hours_block)
        out = np.zeros((positions.size, h1 - h0))
        for start in range(h0, h1, step):
            stop = min(h1, start + step)
            va = _block_angles(model, plan, hourly.block(start, stop), dense_angles)
            out[col[sel], start - h0 : stop - h0] = _block_flow(plan, va)[:, sel].T
        yield h0, out
        del out  # the next block is made only once this one is let go of


def evaluate(
    model: DCModel,
    hourly: HourlyInjections,
    *,
    n_threads: int | None = 1,
    dense: bool | None = None,
) -> FlowArrays:
    """Flows, loadings, angles and slack outputs of every hour, block by block.

    Parameters
    ----------
    model : DCModel
    hourly : HourlyInjections
    n_threads : int or None, default 1
        BLAS threads during the computation (None: leave as configured).
    dense : bool, optional
        Force the dense (True) or sparse (False) route; default :func:`use_dense`.
    """
    plan = model.flow_plan
    dense = use_dense(model) if dense is None else dense
    n_hours = len(hourly.hours)
    n_el = model.line_row.size + model.trafo_row.size
    every = plan.pos.size == n_el
    all_buses = plan.bus_pos.size == model.bus_index.size
    # hour-major outputs: each block writes one contiguous slab (element-major writes of
    # short rows cost a TLB miss per row and were 5x slower on case2869pegase)
    branch = np.empty((n_hours, n_el)) if every else np.zeros((n_hours, n_el))
    loading = np.empty((n_hours, n_el)) if every else np.zeros((n_hours, n_el))
    bus_va = np.empty((n_hours, model.bus_index.size))
    slack = np.empty((model.slack_row.size, n_hours))
    step = model.block_columns()
    dense_angles = (model.angle_sensitivity(), model.zero_injection_angles_rad) if dense else None
    with blas_threads(n_threads):
        for start in range(0, n_hours, step):
            stop = min(n_hours, start + step)
            p = hourly.block(start, stop)
            va = _block_angles(model, plan, p, dense_angles)
            flow = _block_flow(plan, va)
            load = np.abs(flow)  # in cache; the output is written once
            load *= plan.per_mw[None, :]
            if every:
                branch[start:stop] = flow
                loading[start:stop] = load
            else:
                branch[start:stop, plan.pos] = flow
                loading[start:stop, plan.pos] = load
            if all_buses:
                angle = np.take(va, plan.bus_rows, axis=1, out=bus_va[start:stop])
                np.rad2deg(angle, out=angle)
            else:
                bus_va[start:stop] = np.nan
                bus_va[start:stop, plan.bus_pos] = np.rad2deg(va[:, plan.bus_rows])
            if slack.shape[0]:
                out = plan.slack_b_mw @ va.T
                out -= p[model.slack_row]
                out += plan.slack_c_mw[:, None]
                out *= model.slack_share[:, None]
                slack[:, start:stop] = out
    return FlowArrays(
        branch_mw=branch,
        loading_pct=loading,
        bus_va_degree=bus_va,
        slack_mw=slack,
        n_line=model.line_row.size,
    )
