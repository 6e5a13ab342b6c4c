"""N-1 screening kernel behind :func:`corridor_sim.engines.power.n_minus_1` (LODF, chunks)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from corridor_sim.engines._dcmodel import BRIDGE_TOL, DCModel
from corridor_sim.engines._power_results import DCFlowResult, N1Result

__all__ = ["screen_outages"]

_CHUNK_BYTES = 8 * 2**20  # about L3-sized chunks: fewer cache misses than larger ones

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
_ISLANDING_COLUMNS = [
    "outage_element",
    "outage_index",
    "n_islanded_buses",
    "islanded_buses",
    "cut_p_mw_max",
]


@dataclass(frozen=True, slots=True, eq=False)
class _Monitored:
    """Monitored in-service branches (lines, then trafos): table, index, branch row, %/MW."""

    element: np.ndarray
    index: np.ndarray
    rows: np.ndarray
    per_mw: np.ndarray


@dataclass(frozen=True, slots=True, eq=False)
class _Outages:
    """Screened outages: table, index, branch row (in the order given)."""

    element: np.ndarray
    index: np.ndarray
    rows: np.ndarray


@dataclass(slots=True, eq=False)
class _Scan:
    """Running maxima over hours per (monitored, outage) pair, and the violations found."""

    load: np.ndarray  # worst |loading| (%)
    hour: np.ndarray  # its hour position
    flow: np.ndarray  # the post-contingency flow then (MW)
    n_violations: np.ndarray  # per outage
    violations: list[tuple[np.ndarray, ...]]  # (monitored, outage, hour, p_mw, loading_pct)


def _factors(
    model: DCModel, out_rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Outage factors on *all* branch rows, keep-mask and islanded bus rows per outage."""
    ptdf = model.ptdf()
    factors, denom = model.lodf(out_rows, ptdf)
    keep = np.ones((model.n_branch, out_rows.size), dtype=bool)
    keep[out_rows, np.arange(out_rows.size)] = False
    islands: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * out_rows.size
    for k in np.flatnonzero(np.abs(denom) < BRIDGE_TOL):  # bridges: the outage splits the grid
        row = out_rows[k]
        lost = model.islanded_rows(row)
        f, t = model.branch_from_row[row], model.branch_to_row[row]
        fed_end, sign = (f, 1.0) if t in lost else (t, -1.0)
        factors[:, k] = sign * ptdf[:, fed_end]
        factors[row, k] = -1.0
        keep[np.isin(model.branch_from_row, lost) | np.isin(model.branch_to_row, lost), k] = False
        islands[k] = lost
    return factors, keep, islands


def _branches(model: DCModel, outages: list[tuple[str, int]]) -> tuple[_Monitored, _Outages]:
    lrow = dict(zip(model.line_index.tolist(), model.line_row.tolist(), strict=True))
    trow = dict(zip(model.trafo_index.tolist(), model.trafo_row.tolist(), strict=True))
    mon = [("line", i, r) for i, r in lrow.items() if r >= 0]
    mon += [("trafo", i, r) for i, r in trow.items() if r >= 0]
    mon_rows = np.array([m[2] for m in mon], dtype=np.int64)
    monitored = _Monitored(
        element=np.array([m[0] for m in mon], dtype=object),
        index=np.array([m[1] for m in mon], dtype=np.int64),
        rows=mon_rows,
        per_mw=model.loading_pct_per_mw[mon_rows],
    )
    screened = _Outages(
        element=np.array([e for e, _ in outages], dtype=object),
        index=np.array([i for _, i in outages], dtype=np.int64),
        rows=np.array([(lrow if e == "line" else trow)[i] for e, i in outages], dtype=np.int64),
    )
    return monitored, screened


def _scan(  # noqa: PLR0913
    flows: np.ndarray,
    mon: _Monitored,
    out: _Outages,
    factors: np.ndarray,
    keep: np.ndarray,
    *,
    threshold_pct: float,
    chunk_hours: int | None,
) -> _Scan:
    """Worst post-contingency loading per (monitored, outage) over all hours, in chunks."""
    n_mon, n_out, n_hours = mon.rows.size, out.rows.size, flows.shape[1]
    fm, km = factors[mon.rows], keep[mon.rows]
    if chunk_hours is None:
        chunk_hours = max(1, _CHUNK_BYTES // max(1, 8 * n_mon * max(n_out, 1)))
    scan = _Scan(
        load=np.full((n_mon, n_out), -1.0),
        hour=np.zeros((n_mon, n_out), dtype=np.int64),
        flow=np.zeros((n_mon, n_out)),
        n_violations=np.zeros(n_out, dtype=np.int64),
        violations=[],
    )
    # loading_pct = |per_mw * (f_m + L_mo f_o)|: scale once, then a few in-place passes
    scaled = fm * mon.per_mw[:, None]
    masked = np.flatnonzero(~km.all(axis=0))  # outages that cut off branches (bridges)
    m_grid, o_grid = np.indices((n_mon, n_out))
    for start in range(0, n_hours if n_out else 0, chunk_hours):
        stop = min(n_hours, start + chunk_hours)
        f_out = np.ascontiguousarray(flows[out.rows, start:stop])
        f_mon = np.ascontiguousarray(flows[mon.rows, start:stop])
        load = scaled[:, :, None] * f_out[None, :, :]
        load += (f_mon * mon.per_mw[:, None])[:, None, :]
        if masked.size:
            load[:, masked, :] *= km[:, masked, None]
        np.abs(load, out=load)
        arg = load.argmax(axis=2)
        peak = np.take_along_axis(load, arg[..., None], axis=2)[..., 0]
        better = peak > scan.load
        if better.any():
            flow_at = (f_mon[m_grid, arg] + fm * f_out[o_grid, arg]) * km
            scan.load = np.where(better, peak, scan.load)
            scan.hour = np.where(better, arg + start, scan.hour)
            scan.flow = np.where(better, flow_at, scan.flow)
        m_p, o_p = np.nonzero(peak > threshold_pct)  # only pairs that violate somewhere
        if m_p.size:
            p_i, t_i = np.nonzero(load[m_p, o_p, :] > threshold_pct)
            m_i, o_i = m_p[p_i], o_p[p_i]
            post = (f_mon[m_i, t_i] + fm[m_i, o_i] * f_out[o_i, t_i]) * km[m_i, o_i]
            scan.n_violations += np.bincount(o_i, minlength=n_out)
            scan.violations.append((m_i, o_i, t_i + start, post, load[m_i, o_i, t_i]))
    return scan


def _worst_tables(  # noqa: PLR0913
    scan: _Scan,
    mon: _Monitored,
    out: _Outages,
    flows: np.ndarray,
    hour_values: np.ndarray,
    islanding: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``worst`` (per monitored branch) and ``by_outage`` (per outage) tables."""
    n_mon, n_out = mon.rows.size, out.rows.size
    if not n_out:
        return pd.DataFrame(columns=_WORST_COLUMNS), pd.DataFrame(columns=_BY_OUTAGE_COLUMNS)
    base_rows = flows[mon.rows]
    base_load = np.abs(base_rows).max(axis=1) * mon.per_mw if flows.shape[1] else np.zeros(n_mon)
    o_best = scan.load.argmax(axis=1)
    m_range = np.arange(n_mon)
    worst = pd.DataFrame(
        {
            "element": mon.element,
            "element_index": mon.index,
            "base_loading_pct": base_load,
            "loading_pct": scan.load[m_range, o_best],
            "p_mw": scan.flow[m_range, o_best],
            "outage_element": out.element[o_best],
            "outage_index": out.index[o_best],
            "hour": hour_values[scan.hour[m_range, o_best]],
        }
    )
    m_best = scan.load.argmax(axis=0)
    o_range = np.arange(n_out)
    by_outage = pd.DataFrame(
        {
            "outage_element": out.element,
            "outage_index": out.index,
            "islanding": islanding,
            "loading_pct": scan.load[m_best, o_range],
            "element": mon.element[m_best],
            "element_index": mon.index[m_best],
            "hour": hour_values[scan.hour[m_best, o_range]],
            "n_violations": scan.n_violations,
        }
    )
    return worst, by_outage


def _violations_table(
    scan: _Scan, mon: _Monitored, out: _Outages, hour_values: np.ndarray
) -> pd.DataFrame:
    if not scan.violations:
        return pd.DataFrame(columns=_VIOLATION_COLUMNS)
    m_i, o_i, t_i, p, ld = (np.concatenate(a) for a in zip(*scan.violations, strict=True))
    violations = pd.DataFrame(
        {
            "outage_element": out.element[o_i],
            "outage_index": out.index[o_i],
            "hour": hour_values[t_i],
            "element": mon.element[m_i],
            "element_index": mon.index[m_i],
            "p_mw": p,
            "loading_pct": ld,
        }
    ).sort_values(["outage_element", "outage_index", "hour", "element", "element_index"])
    return violations.reset_index(drop=True)


def screen_outages(  # noqa: PLR0913
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
    mon, out = _branches(model, outages)
    factors, keep, islands = _factors(model, out.rows)
    scan = _scan(
        flows, mon, out, factors, keep, threshold_pct=threshold_pct, chunk_hours=chunk_hours
    )
    hour_values = hours.to_numpy()
    islanding = np.isin(np.arange(out.rows.size), _islanding_positions(model, islands))
    worst, by_outage = _worst_tables(scan, mon, out, flows, hour_values, islanding)
    worst = worst.sort_values("loading_pct", ascending=False, kind="stable").reset_index(drop=True)
    return N1Result(
        worst=worst,
        by_outage=by_outage,
        violations=_violations_table(scan, mon, out, hour_values),
        islanding=_islanding_table(model, flows, out, islands),
        base=base,
        threshold_pct=threshold_pct,
        _model=model,
        _flows=flows,
        _factors=factors,
        _keep=keep,
        _outages={o: k for k, o in enumerate(outages)},
    )


def _islanding_positions(model: DCModel, islands: list[np.ndarray]) -> np.ndarray:
    """Positions of outages that cut off at least one pandapower bus."""
    return np.array(
        [k for k, lost in enumerate(islands) if np.isin(model.bus_row, lost).any()], dtype=np.int64
    )


def _islanding_table(
    model: DCModel, flows: np.ndarray, out: _Outages, islands: list[np.ndarray]
) -> pd.DataFrame:
    rows = []
    for k, lost in enumerate(islands):
        buses = model.bus_index[np.isin(model.bus_row, lost)]
        if buses.size == 0:  # only pandapower's auxiliary buses are cut off: nothing is lost
            continue
        rows.append(
            {
                "outage_element": out.element[k],
                "outage_index": int(out.index[k]),
                "n_islanded_buses": int(buses.size),
                "islanded_buses": tuple(int(b) for b in buses),
                "cut_p_mw_max": float(np.abs(flows[out.rows[k]]).max()) if flows.shape[1] else 0.0,
            }
        )
    return pd.DataFrame(rows, columns=_ISLANDING_COLUMNS)
