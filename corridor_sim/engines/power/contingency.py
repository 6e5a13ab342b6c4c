"""N-1 tables behind :func:`corridor_sim.engines.power.n_minus_1` (kernel: ``_power_lodf``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from corridor_sim.engines._shared.dcmodel import DCModel
from corridor_sim.engines._shared.linalg import blas_threads
from corridor_sim.engines._shared.tidy import ElementIds
from corridor_sim.engines.power.flow import FlowArrays, flow_blocks, hours_per_block
from corridor_sim.engines.power.inputs import HourlyInjections
from corridor_sim.engines.power.lodf import Branches, Scan, outage_factors, scan
from corridor_sim.engines.power.results import DCFlowResult, N1Result, take_hours
from corridor_sim.engines.power.store import (
    VIOLATION_COUNT_COLUMNS,
    Keys,
    MemorySink,
    StoreSink,
    pair_frame,
    row_frame,
)

__all__ = ["VIOLATION_COUNT_COLUMNS", "BaseFunction", "screen_outages"]

#: Computes the base case of some hour positions (None: every hour).
BaseFunction = Callable[[np.ndarray | None], tuple[DCFlowResult, FlowArrays]]

_WORST_COLUMNS = [
    "element",
    "element_index",
    "base_loading_pct",
    "loading_pct",
    "p_mw",
    "outage_element",
    "outage_index",
    "hour",
]
_BY_OUTAGE_COLUMNS = [
    "outage_element",
    "outage_index",
    "islanding",
    "loading_pct",
    "element",
    "element_index",
    "hour",
    "n_violations",
]
_ISLANDING_COLUMNS = [
    "outage_element",
    "outage_index",
    "n_islanded_buses",
    "islanded_buses",
    "cut_p_mw_max",
]


def _branches(
    model: DCModel, outages: list[tuple[str, int]]
) -> tuple[Branches, np.ndarray, np.ndarray]:
    """Return the monitored branches (in-service lines, then trafos), outages, element tables."""
    rows = np.concatenate([model.line_row, model.trafo_row]).astype(np.int64)
    kind = np.repeat(
        np.array(["line", "trafo"], dtype=object), [model.line_row.size, model.trafo_row.size]
    )
    index = np.concatenate([model.line_index, model.trafo_index]).astype(np.int64)
    mon_pos = np.flatnonzero(rows >= 0)
    where = {(str(kind[p]), int(index[p])): k for k, p in enumerate(mon_pos)}
    out_mon = np.array([where[(e, int(i))] for e, i in outages], dtype=np.int64)
    br = Branches(
        mon_pos=mon_pos,
        mon_rows=rows[mon_pos],
        per_mw=model.loading_pct_per_mw[rows[mon_pos]],
        out_mon=out_mon,
        out_rows=rows[mon_pos][out_mon] if out_mon.size else np.zeros(0, dtype=np.int64),
    )
    return br, kind[mon_pos], index[mon_pos]


def _monitored_flows(arrays: FlowArrays, br: Branches) -> np.ndarray:
    """Base-case flows of the monitored branches, monitored x hours (element-major copy)."""
    if br.mon_pos.size == arrays.branch_mw.shape[1]:
        return np.ascontiguousarray(arrays.branch_mw.T)
    return np.ascontiguousarray(arrays.branch_mw[:, br.mon_pos].T)


def screen_outages(
    model: DCModel,
    hourly: HourlyInjections,
    outages: list[tuple[str, int]],
    *,
    base: tuple[DCFlowResult, FlowArrays] | BaseFunction,
    ids: ElementIds,
    threshold_pct: float,
    memory_mib: float,
    violations: str,
    max_violation_rows: int,
    n_threads: int | None,
    store_dir: Path | None = None,
) -> N1Result:
    """Screen `outages` over all hours (streamed, see ``_power_lodf``) and build the tables.

    `base` is the base case (result and arrays) computed already, or, with `store_dir`,
    a function computing it for some hour positions (None: all): the screen then makes the
    flows one block of hours at a time, writes the violations to `store_dir` and keeps
    neither.
    """
    br, kind, index = _branches(model, outages)
    hours = hourly.hours
    out_kind = np.array([e for e, _ in outages], dtype=object)
    out_index = np.array([i for _, i in outages], dtype=np.int64)
    keys = Keys(kind, index, out_kind, out_index, hours.to_numpy())
    memory_bytes = int(memory_mib * 2**20)
    keep_rows = violations != "compact"
    max_rows = max_violation_rows if violations == "auto" else np.iinfo(np.int64).max
    sink: MemorySink | StoreSink
    if store_dir is None:
        assert isinstance(base, tuple)
        flows = _monitored_flows(base[1], br)
        blocks: Iterable[tuple[int, np.ndarray]] = [(0, flows)]
        sink = MemorySink(keep_rows, max_rows)
    else:
        flows = None
        n_block = hours_per_block(model, br.mon_pos.size, memory_bytes)
        blocks = flow_blocks(model, hourly, br.mon_pos, n_block)
        sink = StoreSink(store_dir, keys, keep_rows, max_rows, n_block)
    with blas_threads(n_threads):
        state = scan(
            model, br, blocks, threshold_pct=threshold_pct, memory_bytes=memory_bytes, sink=sink
        )
    del blocks
    islanding = np.isin(np.arange(len(outages)), _islanding_positions(model, state.islands))
    worst, by_outage = _worst_and_by_outage(state, br, keys, islanding)
    note = ""
    if not sink.keep_rows:
        note = (
            f"{sink.n_rows} violation rows exceed max_violation_rows = {max_violation_rows}"
            if sink.dropped
            else "n_minus_1 ran with violations='compact'"
        )
    binding = pd.Series(
        state.binding_hours,
        index=pd.MultiIndex.from_arrays([kind, index], names=["element", "element_index"]),
    )
    common = {
        "hours": hours,
        "_element_ids": ids,
        "worst": worst,
        "by_outage": by_outage,
        "islanding": _islanding_table(model, state, br, out_kind, out_index),
        "threshold_pct": threshold_pct,
        "_violations_note": note,
        "_binding_hours": binding[binding > 0],
        "_outages": {o: k for k, o in enumerate(outages)},
    }
    if isinstance(sink, MemorySink):
        assert isinstance(base, tuple)
        assert flows is not None
        rows = sink.row_records()
        kept = base[0]
        return N1Result(
            **common,
            _base=lambda positions: kept if positions is None else take_hours(kept, positions),
            _counts=pair_frame(sink.pair_records(), keys),
            _violations=None if rows is None else row_frame(rows, keys),
            _post=_post_function(model, br, lambda: flows, base[1].branch_mw.shape),
            _reader=None,
        )
    sink.finish(threshold_pct)
    assert callable(base)
    shape = (len(hours), model.line_row.size + model.trafo_row.size)
    return N1Result(
        **common,
        _base=lambda positions: base(positions)[0],
        _counts=None,
        _violations=None,
        _post=_post_function(model, br, lambda: _monitored_flows(base(None)[1], br), shape),
        _reader=_Reader(sink, keys),
    )


@dataclass(frozen=True, slots=True, eq=False)
class _Reader:
    """Reads a stored screen's tables back (see :class:`~.store.StoreSink`)."""

    sink: StoreSink
    keys: Keys

    @property
    def path(self) -> Path:
        return self.sink.path

    def violation_counts(
        self, outages: np.ndarray | None = None, elements: np.ndarray | None = None
    ) -> pd.DataFrame:
        return pair_frame(self.sink.pair_records(outages, elements), self.keys)

    def violations(self) -> pd.DataFrame | None:
        rows = self.sink.row_records()
        return None if rows is None else row_frame(rows, self.keys)


def _worst_and_by_outage(
    st: Scan, br: Branches, keys: Keys, islanding: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build the per-element and per-outage tables (pandapower element references)."""
    if not keys.out_kind.size:
        return pd.DataFrame(columns=_WORST_COLUMNS), pd.DataFrame(columns=_BY_OUTAGE_COLUMNS)
    worst = pd.DataFrame(
        {
            "element": keys.kind,
            "element_index": keys.index,
            "base_loading_pct": st.base_peak_mw * br.per_mw,
            "loading_pct": st.best_m,
            "p_mw": st.best_m_p_mw,
            "outage_element": keys.out_kind[st.best_m_out],
            "outage_index": keys.out_index[st.best_m_out],
            "hour": keys.hours[st.best_m_hour],
        }
    )
    worst = worst.sort_values("loading_pct", ascending=False, kind="stable").reset_index(drop=True)
    by_outage = pd.DataFrame(
        {
            "outage_element": keys.out_kind,
            "outage_index": keys.out_index,
            "islanding": islanding,
            "loading_pct": st.best_o,
            "element": keys.kind[st.best_o_mon],
            "element_index": keys.index[st.best_o_mon],
            "hour": keys.hours[st.best_o_hour],
            "n_violations": st.n_violations,
        }
    )
    return worst, by_outage


def _post_function(
    model: DCModel,
    br: Branches,
    flows_of: Callable[[], np.ndarray],
    shape: tuple[int, int],
) -> Callable[[int], np.ndarray]:
    """Post-contingency flows (hours x lines+trafos, MW) of outage number k, on demand."""

    def post(k: int) -> np.ndarray:
        flows = flows_of()
        lodf, keep, _ = outage_factors(model, br, np.array([k]))
        out = np.zeros(shape)
        col = (lodf * keep)[:, 0]
        values = flows + col[:, None] * flows[br.out_mon[k]][None, :]
        values *= keep[:, 0][:, None]
        values[br.out_mon[k]] = 0.0
        out[:, br.mon_pos] = values.T
        return out

    return post


def _islanding_positions(model: DCModel, islands: dict[int, np.ndarray]) -> np.ndarray:
    """Positions of outages that cut off at least one pandapower bus."""
    return np.array(
        sorted(k for k, lost in islands.items() if np.isin(model.bus_row, lost).any()),
        dtype=np.int64,
    )


def _islanding_table(model, st, br, out_kind, out_index) -> pd.DataFrame:  # noqa: ANN001
    rows = []
    for k in sorted(st.islands):
        buses = model.bus_index[np.isin(model.bus_row, st.islands[k])]
        if buses.size == 0:  # only pandapower's auxiliary buses are cut off: nothing is lost
            continue
        rows.append(
            {
                "outage_element": out_kind[k],
                "outage_index": int(out_index[k]),
                "n_islanded_buses": int(buses.size),
                "islanded_buses": tuple(int(b) for b in buses),
                "cut_p_mw_max": float(st.base_peak_mw[br.out_mon[k]]),
            }
        )
    return pd.DataFrame(rows, columns=_ISLANDING_COLUMNS)
