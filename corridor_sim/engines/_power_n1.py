"""N-1 screening kernel behind :func:`corridor_sim.engines.power.n_minus_1` (LODF, chunks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridor_sim.engines._dcmodel import DCModel
from corridor_sim.errors import SpecError
from corridor_sim.results.result import Result, summary_frame

if TYPE_CHECKING:
    from corridor_sim.engines.power import DCFlowResult

__all__ = ["N1Result", "screen_outages"]

_CHUNK_BYTES = 8 * 2**20  # about L3-sized chunks: fewer cache misses than larger ones


@dataclass(frozen=True, slots=True, eq=False)
class N1Result:
    """Result of :func:`corridor_sim.engines.power.n_minus_1`.

    Attributes
    ----------
    worst : pandas.DataFrame
        One row per monitored in-service line / trafo: ``element, element_index,
        base_loading_pct`` (worst hour without outage), ``loading_pct`` (worst
        post-contingency loading), ``p_mw`` (the flow then), ``outage_element,
        outage_index, hour`` (what caused it). Sorted by ``loading_pct``, descending.
    by_outage : pandas.DataFrame
        One row per screened outage: ``outage_element, outage_index, islanding,
        loading_pct`` (highest post-contingency loading over elements and hours),
        ``element, element_index, hour`` (where) and ``n_violations``.
    violations : pandas.DataFrame
        Every (outage, hour, element) with ``loading_pct > threshold_pct``:
        ``outage_element, outage_index, hour, element, element_index, p_mw, loading_pct``.
    islanding : pandas.DataFrame
        Outages that split the grid: ``outage_element, outage_index, n_islanded_buses,
        islanded_buses`` (pandapower bus indices) and ``cut_p_mw_max`` (largest |flow| the
        outaged branch carried, i.e. the load/generation lost with the island).
    base : DCFlowResult
        Pre-contingency flows.
    threshold_pct : float
        Violation threshold used (%).
    """

    worst: pd.DataFrame
    by_outage: pd.DataFrame
    violations: pd.DataFrame
    islanding: pd.DataFrame
    base: DCFlowResult
    threshold_pct: float
    _model: DCModel = field(repr=False)
    _flows: np.ndarray = field(repr=False)
    _factors: np.ndarray = field(repr=False)
    _keep: np.ndarray = field(repr=False)
    _outages: dict[tuple[str, int], int] = field(repr=False)

    def post_flows(self, outage: tuple[str, int]) -> pd.DataFrame:
        """Post-contingency flows (MW) of every line and trafo for one screened `outage`.

        Returns hours x MultiIndex columns ``(element, element_index)``; out-of-service and
        islanded branches carry 0 MW, like ``res_line.p_from_mw`` / ``res_trafo.p_hv_mw``.
        """
        key = (str(outage[0]), int(outage[1]))
        if key not in self._outages:
            known = list(self._outages)[:3]
            msg = f"outage {outage!r} was not screened; screened outages are e.g. {known}"
            raise SpecError(msg)
        k = self._outages[key]
        model = self._model
        row = model.line_row if key[0] == "line" else model.trafo_row
        own = row[
            np.flatnonzero((model.line_index if key[0] == "line" else model.trafo_index) == key[1])[
                0
            ]
        ]
        post = self._flows + self._factors[:, k, None] * self._flows[own][None, :]
        post *= self._keep[:, k, None]
        cols, data = [], []
        for element, index, rows in (
            ("line", model.line_index, model.line_row),
            ("trafo", model.trafo_index, model.trafo_row),
        ):
            for i, r in zip(index.tolist(), rows.tolist(), strict=True):
                cols.append((element, i))
                data.append(post[r] if r >= 0 else np.zeros(post.shape[1]))
        hours = self.base.line_p_from_mw.index
        columns = pd.MultiIndex.from_tuples(cols, names=["element", "element_index"])
        return pd.DataFrame(np.array(data).T, index=hours, columns=columns)

    def to_result(self, *, model: str = "power") -> Result:
        """Wrap as a :class:`Result` (``bottlenecks`` = worst, plus violations / outages tables)."""
        worst = float(self.worst["loading_pct"].max()) if len(self.worst) else 0.0
        summary = summary_frame(
            [
                ("worst_post_contingency_loading", worst, "%"),
                ("violations", float(len(self.violations)), "count"),
                ("islanding_outages", float(len(self.islanding)), "count"),
            ]
        )
        tables = {
            "bottlenecks": self.worst,
            "utilisation": self.base.to_frame(),
            "n_minus_1": self.by_outage,
            "violations": self.violations,
            "islanding": self.islanding,
        }
        return Result(tables=tables, summary_table=summary, meta={"model": model})


def _factors(
    model: DCModel, out_rows: np.ndarray, mon_rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Outage factors on *all* branch rows, keep-mask and islanded bus rows per outage."""
    ptdf = model.ptdf()
    factors, denom = model.lodf(out_rows, ptdf)
    keep = np.ones((model.n_branch, out_rows.size), dtype=bool)
    keep[out_rows, np.arange(out_rows.size)] = False
    islands: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * out_rows.size
    for k in np.flatnonzero(np.abs(denom) < 1e-9):  # bridges: the outage splits the grid
        row = out_rows[k]
        lost = model.islanded_rows(row)
        f, t = model.branch_from_row[row], model.branch_to_row[row]
        fed_end, sign = (f, 1.0) if t in lost else (t, -1.0)
        factors[:, k] = sign * ptdf[:, fed_end]
        factors[row, k] = -1.0
        keep[np.isin(model.branch_from_row, lost) | np.isin(model.branch_to_row, lost), k] = False
        islands[k] = lost
    del mon_rows
    return factors, keep, islands


def screen_outages(
    model: DCModel,
    flows: np.ndarray,
    hours: pd.Index,
    outages: list[tuple[str, int]],
    *,
    base: DCFlowResult,
    threshold_pct: float,
    chunk_hours: int | None,
) -> N1Result:
    """Screen `outages` over all hours; `flows` is branch rows x hours (MW)."""
    lrow = dict(zip(model.line_index.tolist(), model.line_row.tolist(), strict=True))
    trow = dict(zip(model.trafo_index.tolist(), model.trafo_row.tolist(), strict=True))
    out_rows = np.array([(lrow if e == "line" else trow)[i] for e, i in outages], dtype=np.int64)
    mon = [("line", i, r) for i, r in lrow.items() if r >= 0]
    mon += [("trafo", i, r) for i, r in trow.items() if r >= 0]
    mon_el = np.array([m[0] for m in mon], dtype=object)
    mon_idx = np.array([m[1] for m in mon], dtype=np.int64)
    mon_rows = np.array([m[2] for m in mon], dtype=np.int64)
    per_mw = model.loading_pct_per_mw[mon_rows]
    n_mon, n_out, n_hours = mon_rows.size, out_rows.size, flows.shape[1]

    factors, keep, islands = _factors(model, out_rows, mon_rows)
    fm, km = factors[mon_rows], keep[mon_rows]
    if chunk_hours is None:
        chunk_hours = max(1, _CHUNK_BYTES // max(1, 8 * n_mon * max(n_out, 1)))
    best_load = np.full((n_mon, n_out), -1.0)
    best_hour = np.zeros((n_mon, n_out), dtype=np.int64)
    best_flow = np.zeros((n_mon, n_out))
    n_viol = np.zeros(n_out, dtype=np.int64)
    viol: list[tuple[np.ndarray, ...]] = []
    # loading_pct = |per_mw * (f_m + L_mo f_o)|: scale once, then a few in-place passes
    scaled = fm * per_mw[:, None]
    masked = np.flatnonzero(~km.all(axis=0))  # outages that cut off branches (bridges)
    m_grid, o_grid = np.indices((n_mon, n_out))
    for start in range(0, n_hours if n_out else 0, chunk_hours):
        stop = min(n_hours, start + chunk_hours)
        f_out = np.ascontiguousarray(flows[out_rows, start:stop])
        f_mon = np.ascontiguousarray(flows[mon_rows, start:stop])
        load = scaled[:, :, None] * f_out[None, :, :]
        load += (f_mon * per_mw[:, None])[:, None, :]
        if masked.size:
            load[:, masked, :] *= km[:, masked, None]
        np.abs(load, out=load)
        arg = load.argmax(axis=2)
        peak = np.take_along_axis(load, arg[..., None], axis=2)[..., 0]
        better = peak > best_load
        if better.any():
            flow_at = (f_mon[m_grid, arg] + fm * f_out[o_grid, arg]) * km
            best_load = np.where(better, peak, best_load)
            best_hour = np.where(better, arg + start, best_hour)
            best_flow = np.where(better, flow_at, best_flow)
        m_p, o_p = np.nonzero(peak > threshold_pct)  # only pairs that violate somewhere
        if m_p.size:
            p_i, t_i = np.nonzero(load[m_p, o_p, :] > threshold_pct)
            m_i, o_i = m_p[p_i], o_p[p_i]
            post = (f_mon[m_i, t_i] + fm[m_i, o_i] * f_out[o_i, t_i]) * km[m_i, o_i]
            n_viol += np.bincount(o_i, minlength=n_out)
            viol.append((m_i, o_i, t_i + start, post, load[m_i, o_i, t_i]))

    hour_values = hours.to_numpy()
    out_el = np.array([e for e, _ in outages], dtype=object)
    out_idx = np.array([i for _, i in outages], dtype=np.int64)
    base_rows = flows[mon_rows]
    base_load = np.abs(base_rows).max(axis=1) * per_mw if n_hours else np.zeros(n_mon)
    if n_out:
        o_best = best_load.argmax(axis=1)
        m_range = np.arange(n_mon)
        worst = pd.DataFrame(
            {
                "element": mon_el,
                "element_index": mon_idx,
                "base_loading_pct": base_load,
                "loading_pct": best_load[m_range, o_best],
                "p_mw": best_flow[m_range, o_best],
                "outage_element": out_el[o_best],
                "outage_index": out_idx[o_best],
                "hour": hour_values[best_hour[m_range, o_best]],
            }
        )
        m_best = best_load.argmax(axis=0)
        o_range = np.arange(n_out)
        by_outage = pd.DataFrame(
            {
                "outage_element": out_el,
                "outage_index": out_idx,
                "islanding": np.isin(np.arange(n_out), _islanding_positions(model, islands)),
                "loading_pct": best_load[m_best, o_range],
                "element": mon_el[m_best],
                "element_index": mon_idx[m_best],
                "hour": hour_values[best_hour[m_best, o_range]],
                "n_violations": n_viol,
            }
        )
    else:
        worst = pd.DataFrame(columns=_WORST_COLUMNS)
        by_outage = pd.DataFrame(columns=_BY_OUTAGE_COLUMNS)
    worst = worst.sort_values("loading_pct", ascending=False, kind="stable").reset_index(drop=True)
    if viol:
        m_i, o_i, t_i, p, ld = (np.concatenate(a) for a in zip(*viol, strict=True))
        violations = pd.DataFrame(
            {
                "outage_element": out_el[o_i],
                "outage_index": out_idx[o_i],
                "hour": hour_values[t_i],
                "element": mon_el[m_i],
                "element_index": mon_idx[m_i],
                "p_mw": p,
                "loading_pct": ld,
            }
        ).sort_values(["outage_element", "outage_index", "hour", "element", "element_index"])
        violations = violations.reset_index(drop=True)
    else:
        violations = pd.DataFrame(columns=_VIOLATION_COLUMNS)
    islanding = _islanding_table(model, flows, out_rows, out_el, out_idx, islands)
    return N1Result(
        worst=worst,
        by_outage=by_outage,
        violations=violations,
        islanding=islanding,
        base=base,
        threshold_pct=threshold_pct,
        _model=model,
        _flows=flows,
        _factors=factors,
        _keep=keep,
        _outages={o: k for k, o in enumerate(outages)},
    )


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


def _islanding_positions(model: DCModel, islands: list[np.ndarray]) -> np.ndarray:
    """Positions of outages that cut off at least one pandapower bus."""
    return np.array(
        [k for k, lost in enumerate(islands) if np.isin(model.bus_row, lost).any()], dtype=np.int64
    )


def _islanding_table(
    model: DCModel,
    flows: np.ndarray,
    out_rows: np.ndarray,
    out_el: np.ndarray,
    out_idx: np.ndarray,
    islands: list[np.ndarray],
) -> pd.DataFrame:
    rows = []
    for k, lost in enumerate(islands):
        buses = model.bus_index[np.isin(model.bus_row, lost)]
        if buses.size == 0:  # only pandapower's auxiliary buses are cut off: nothing is lost
            continue
        rows.append(
            {
                "outage_element": out_el[k],
                "outage_index": int(out_idx[k]),
                "n_islanded_buses": int(buses.size),
                "islanded_buses": tuple(int(b) for b in buses),
                "cut_p_mw_max": float(np.abs(flows[out_rows[k]]).max()) if flows.shape[1] else 0.0,
            }
        )
    columns = [
        "outage_element",
        "outage_index",
        "n_islanded_buses",
        "islanded_buses",
        "cut_p_mw_max",
    ]
    return pd.DataFrame(rows, columns=columns)
