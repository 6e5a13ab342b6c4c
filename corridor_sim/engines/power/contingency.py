"""N-1 tables behind :func:`corridor_sim.engines.power.n_minus_1` (kernel: ``_power_lodf``)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from corridor_sim.engines._shared.dcmodel import DCModel
from corridor_sim.engines._shared.linalg import blas_threads
from corridor_sim.engines.power.flow import FlowArrays
from corridor_sim.engines.power.lodf import Branches, Scan, outage_factors, scan
from corridor_sim.engines.power.results import DCFlowResult, N1Result

__all__ = ["VIOLATION_COUNT_COLUMNS", "screen_outages"]

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
_VIOLATION_COLUMNS = [
    "outage_element",
    "outage_index",
    "hour",
    "element",
    "element_index",
    "p_mw",
    "loading_pct",
]
VIOLATION_COUNT_COLUMNS = [
    "outage_element",
    "outage_index",
    "element",
    "element_index",
    "n_hours",
    "loading_pct",
    "p_mw",
    "hour",
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
    arrays: FlowArrays,
    hours: pd.Index,
    outages: list[tuple[str, int]],
    *,
    base: DCFlowResult,
    threshold_pct: float,
    memory_mib: float,
    violations: str,
    max_violation_rows: int,
    n_threads: int | None,
) -> N1Result:
    """Screen `outages` over all hours (streamed, see ``_power_lodf``) and build the tables."""
    br, kind, index = _branches(model, outages)
    flows = _monitored_flows(arrays, br)
    with blas_threads(n_threads):
        state = scan(
            model, br, flows,
            threshold_pct=threshold_pct,
            memory_bytes=int(memory_mib * 2**20),
            keep_rows=violations != "compact",
            max_rows=max_violation_rows if violations == "auto" else np.iinfo(np.int64).max,
        )  # fmt: skip
    hour_values = hours.to_numpy()
    out_kind = np.array([e for e, _ in outages], dtype=object)
    out_index = np.array([i for _, i in outages], dtype=np.int64)
    tables = _Tables(flows, br, kind, index, out_kind, out_index, hour_values)
    islanding = np.isin(np.arange(len(outages)), _islanding_positions(model, state.islands))
    worst, by_outage = tables.worst_and_by_outage(state, islanding)
    if state.rows is not None:
        full, note = tables.violations(state), ""
    else:
        full = None
        note = (
            f"{state.n_rows} violation rows exceed max_violation_rows = {max_violation_rows}"
            if state.rows_dropped
            else "n_minus_1 ran with violations='compact'"
        )
    binding = pd.Series(
        state.violating_hours.sum(axis=1),
        index=pd.MultiIndex.from_arrays([kind, index], names=["element", "element_index"]),
    )
    return N1Result(
        worst=worst,
        by_outage=by_outage,
        violation_counts=tables.counts(state),
        islanding=_islanding_table(model, flows, br, out_kind, out_index, state.islands),
        base=base,
        threshold_pct=threshold_pct,
        _violations=full,
        _violations_note=note,
        _binding_hours=binding[binding > 0],
        _post=_post_function(model, flows, br, kind, index, arrays),
        _outages={o: k for k, o in enumerate(outages)},
    )


class _Tables:
    """Turns the scan's positions into the result tables (pandapower element references)."""

    def __init__(self, flows, br, kind, index, out_kind, out_index, hour_values) -> None:  # noqa: ANN001
        self.flows, self.br, self.kind, self.index = flows, br, kind, index
        self.out_kind, self.out_index, self.hours = out_kind, out_index, hour_values

    def _flow(self, m: np.ndarray, o: np.ndarray, t: np.ndarray, lodf: np.ndarray) -> np.ndarray:
        """Post-contingency flow (MW) of monitored m after outage o at hour t."""
        if not m.size:
            return np.zeros(0)
        post = self.flows[m, t] + lodf * self.flows[self.br.out_mon[o], t]
        return np.where(np.isnan(lodf), 0.0, post)  # NaN: cut off by a bridge outage

    def worst_and_by_outage(
        self, st: Scan, islanding: np.ndarray
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        if not self.out_kind.size:
            return pd.DataFrame(columns=_WORST_COLUMNS), pd.DataFrame(columns=_BY_OUTAGE_COLUMNS)
        n_mon = self.kind.size
        m_idx = np.arange(n_mon)
        peak = st.base_peak_mw if st.base_peak_mw is not None else np.zeros(n_mon)
        base_load = peak * self.br.per_mw
        worst = pd.DataFrame(
            {
                "element": self.kind,
                "element_index": self.index,
                "base_loading_pct": base_load,
                "loading_pct": st.best_m,
                "p_mw": self._flow(m_idx, st.best_m_out, st.best_m_hour, st.best_m_lodf),
                "outage_element": self.out_kind[st.best_m_out],
                "outage_index": self.out_index[st.best_m_out],
                "hour": self.hours[st.best_m_hour],
            }
        )
        worst = worst.sort_values("loading_pct", ascending=False, kind="stable").reset_index(
            drop=True
        )
        by_outage = pd.DataFrame(
            {
                "outage_element": self.out_kind,
                "outage_index": self.out_index,
                "islanding": islanding,
                "loading_pct": st.best_o,
                "element": self.kind[st.best_o_mon],
                "element_index": self.index[st.best_o_mon],
                "hour": self.hours[st.best_o_hour],
                "n_violations": st.n_violations,
            }
        )
        return worst, by_outage

    def counts(self, st: Scan) -> pd.DataFrame:
        """Compact violations: one row per (outage, element) pair above the threshold."""
        if not st.pairs:
            return pd.DataFrame(columns=VIOLATION_COUNT_COLUMNS)
        m, o, n, peak, hour, lodf = (np.concatenate(a) for a in zip(*st.pairs, strict=True))
        # sorted on integer keys before the frame is built: sorting the frame would copy it
        # whole (with its object columns), doubling the peak memory of a large table
        out_code = np.unique(self.out_kind.astype(str), return_inverse=True)[1].ravel()
        kind_code = np.unique(self.kind.astype(str), return_inverse=True)[1].ravel()
        order = np.lexsort((self.index[m], kind_code[m], self.out_index[o], out_code[o]))
        m, o, hour, lodf = m[order], o[order], hour[order], lodf[order]
        p_mw = self._flow(m, o, hour, lodf)
        del lodf
        return pd.DataFrame(
            {
                "outage_element": self.out_kind[o],
                "outage_index": self.out_index[o],
                "element": self.kind[m],
                "element_index": self.index[m],
                "n_hours": n[order],
                "loading_pct": peak[order],
                "p_mw": p_mw,
                "hour": self.hours[hour],
            }
        )

    def violations(self, st: Scan) -> pd.DataFrame:
        """Every (outage, hour, element) above the threshold."""
        if not st.rows:
            return pd.DataFrame(columns=_VIOLATION_COLUMNS)
        m, o, t, load, lodf = (np.concatenate(a) for a in zip(*st.rows, strict=True))
        frame = pd.DataFrame(
            {
                "outage_element": self.out_kind[o],
                "outage_index": self.out_index[o],
                "hour": self.hours[t],
                "element": self.kind[m],
                "element_index": self.index[m],
                "p_mw": self._flow(m, o, t, lodf),
                "loading_pct": load,
            }
        ).sort_values(["outage_element", "outage_index", "hour", "element", "element_index"])
        return frame.reset_index(drop=True)


def _post_function(model, flows, br, kind, index, arrays) -> Callable[[int], np.ndarray]:  # noqa: ANN001
    """Post-contingency flows (hours x lines+trafos, MW) of outage number k, on demand."""

    def post(k: int) -> np.ndarray:
        lodf, keep, _ = outage_factors(model, br, np.array([k]))
        out = np.zeros_like(arrays.branch_mw)
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


def _islanding_table(model, flows, br, out_kind, out_index, islands) -> pd.DataFrame:  # noqa: ANN001
    rows = []
    for k in sorted(islands):
        buses = model.bus_index[np.isin(model.bus_row, islands[k])]
        if buses.size == 0:  # only pandapower's auxiliary buses are cut off: nothing is lost
            continue
        own = flows[br.out_mon[k]]
        rows.append(
            {
                "outage_element": out_kind[k],
                "outage_index": int(out_index[k]),
                "n_islanded_buses": int(buses.size),
                "islanded_buses": tuple(int(b) for b in buses),
                "cut_p_mw_max": float(np.abs(own).max()) if own.size else 0.0,
            }
        )
    return pd.DataFrame(rows, columns=_ISLANDING_COLUMNS)
