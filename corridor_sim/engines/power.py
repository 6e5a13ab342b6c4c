"""Batched DC power flow and N-1 screening over many hours, generic over any pandapower net.

:func:`dc_flow` returns, for all hours at once, what ``pandapower.rundcpp`` gives hour by hour
when per-hour ``p_mw`` tables (as pandapower's ``ConstControl`` would write them) are applied.
:func:`n_minus_1` screens every single-branch outage for every hour with line outage
distribution factors (LODF). Both factorise the network once (:class:`DCModel`) and solve for
all hours with one sparse solve; there is no Python loop over hours.
See ``docs/power-engine.md`` for the math and the limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.engines._dcmodel import DCModel
from corridor_sim.engines._power_inputs import HourlyInjections, Table, hourly_injections
from corridor_sim.engines._power_n1 import screen_outages
from corridor_sim.engines._power_results import DCFlowResult, N1Result
from corridor_sim.engines._tidy import ElementIds, element_ids
from corridor_sim.errors import SpecError
from corridor_sim.units import PERCENT

__all__ = ["DCFlowResult", "DCModel", "N1Result", "OutageSet", "dc_flow", "n_minus_1"]

#: Above this many bus rows, dc_flow solves with the sparse LU instead of dense sensitivities.
_DENSE_MAX_BUS = 3000


class OutageSet(StrEnum):
    """Predefined outage sets of :func:`n_minus_1`."""

    LINES = "lines"
    LINES_TRAFOS = "lines+trafos"


@dataclass(frozen=True, slots=True, eq=False)
class _Linear:
    """Affine maps from bus injections (MW) to every reported quantity: ``y = p @ m.T + c``."""

    line: tuple[np.ndarray, np.ndarray]
    trafo: tuple[np.ndarray, np.ndarray]
    branch: tuple[np.ndarray, np.ndarray]
    bus_va: tuple[np.ndarray, np.ndarray]
    slack: tuple[np.ndarray, np.ndarray]


def _linear(model: DCModel) -> _Linear:
    """Dense sensitivities of flows, angles and slack outputs (cached on the model)."""
    cached = model._cache.get("power_linear")
    if cached is not None:
        return cached
    ptdf, f0 = model.ptdf(), model.flow_offset_mw()
    sens, va0 = model.angle_sensitivity(), model.solve_angles_rad(np.zeros(model.n_bus))

    def rows_of(
        matrix: np.ndarray, offset: np.ndarray, rows: np.ndarray, fill: float
    ) -> tuple[np.ndarray, np.ndarray]:
        ok = rows >= 0
        m = np.zeros((rows.size, matrix.shape[1]))
        c = np.full(rows.size, fill)
        m[ok], c[ok] = matrix[rows[ok]], offset[rows[ok]]
        return np.ascontiguousarray(m.T), c

    share = model.slack_share[:, None]
    pick = np.zeros((model.slack_row.size, model.n_bus))
    pick[np.arange(model.slack_row.size), model.slack_row] = 1.0
    b_rows = model.bbus[model.slack_row]
    slack_m = share * (model.base_mva * (b_rows @ sens) - pick)
    slack_c = model.slack_share * (
        model.base_mva * (b_rows @ va0) + model.p_shift_bus_mw[model.slack_row]
    )
    linear = _Linear(
        line=rows_of(ptdf, f0, model.line_row, 0.0),
        trafo=rows_of(ptdf, f0, model.trafo_row, 0.0),
        branch=(np.ascontiguousarray(ptdf.T), f0),
        bus_va=rows_of(np.rad2deg(sens), np.rad2deg(va0), model.bus_row, np.nan),
        slack=(np.ascontiguousarray(slack_m.T), slack_c),
    )
    model._cache["power_linear"] = linear
    return linear


def _apply(p_bus: np.ndarray, linear: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    out = p_bus @ linear[0]
    out += linear[1][None, :]
    return out


def _evaluate(model: DCModel, p: np.ndarray, *, branch: bool = False) -> dict[str, np.ndarray]:
    """Hours x element arrays of line / trafo / branch flows, bus angles and slack outputs.

    Dense cached sensitivities (one matrix product per quantity) up to ``_DENSE_MAX_BUS``
    rows; beyond, one sparse LU solve with all hours as right-hand sides.
    """
    if model.n_bus <= _DENSE_MAX_BUS:
        lin = _linear(model)
        out = {key: _apply(p, getattr(lin, key)) for key in ("line", "trafo", "bus_va", "slack")}
        if branch:
            out["branch"] = _apply(p, lin.branch)
        return out
    va = model.solve_angles_rad(p.T)
    flows = model.branch_flow_mw(va).T
    out = {"branch": flows}
    for key, rows in (("line", model.line_row), ("trafo", model.trafo_row)):
        block = np.zeros((p.shape[0], rows.size))
        block[:, rows >= 0] = flows[:, rows[rows >= 0]]
        out[key] = block
    out["bus_va"] = np.rad2deg(va.T[:, np.maximum(model.bus_row, 0)])
    zero = np.zeros((model.slack_row.size, p.shape[0]))
    out["slack"] = model.slack_p_mw(va, p.T, zero).T
    return out


def _result(model: DCModel, hourly: HourlyInjections, ids: ElementIds) -> DCFlowResult:
    hours, p = hourly.hours, hourly.p_bus_mw
    values = _evaluate(model, p)
    frames = {}
    for element, index, per_mw_rows in (
        ("line", model.line_index, model.line_row),
        ("trafo", model.trafo_index, model.trafo_row),
    ):
        flow = values[element]
        ok = per_mw_rows >= 0
        per_mw = np.zeros(per_mw_rows.size)
        per_mw[ok] = model.loading_pct_per_mw[per_mw_rows[ok]]
        load = np.abs(flow)
        load *= per_mw[None, :]
        columns = pd.Index(index)
        frames[element] = (
            pd.DataFrame(flow, index=hours, columns=columns, copy=False),
            pd.DataFrame(load, index=hours, columns=columns, copy=False),
        )
    va = values["bus_va"]
    va[:, model.bus_row < 0] = np.nan
    slack = values["slack"] + hourly.slack_p0_mw
    ext = np.zeros((len(hours), model.ext_grid_index.size))
    gen = hourly.gen_p_mw.copy()
    epos = {int(i): k for k, i in enumerate(model.ext_grid_index)}
    gpos = {int(i): k for k, i in enumerate(model.elements["gen"].index)} if gen.size else {}
    for k, (element, idx) in enumerate(zip(model.slack_element, model.slack_index, strict=True)):
        if element == "ext_grid":
            ext[:, epos[int(idx)]] = slack[:, k]
        else:
            gen[:, gpos[int(idx)]] = slack[:, k]
    gen_cols = model.elements["gen"].index if "gen" in model.elements else np.zeros(0, int)
    return DCFlowResult(
        line_p_from_mw=frames["line"][0],
        trafo_p_hv_mw=frames["trafo"][0],
        line_loading_pct=frames["line"][1],
        trafo_loading_pct=frames["trafo"][1],
        ext_grid_p_mw=pd.DataFrame(ext, index=hours, columns=pd.Index(model.ext_grid_index)),
        gen_p_mw=pd.DataFrame(gen, index=hours, columns=pd.Index(gen_cols)),
        bus_va_degree=pd.DataFrame(va, index=hours, columns=pd.Index(model.bus_index), copy=False),
        element_ids=ids,
    )


# ---------------------------------------------------------------------- public API
def dc_flow(
    net: pp.pandapowerNet,
    load_p_mw: Table = None,
    sgen_p_mw: Table = None,
    gen_p_mw: Table = None,
    *,
    storage_p_mw: Table = None,
    model: DCModel | None = None,
) -> DCFlowResult:
    """DC power flow of `net` for every hour at once, equal to ``pandapower.rundcpp`` per hour.

    Parameters
    ----------
    net : pandapower.pandapowerNet
        Any net ``pandapower.rundcpp`` solves. It is not modified.
    load_p_mw, sgen_p_mw, gen_p_mw, storage_p_mw : DataFrame or numpy.ndarray, optional
        Hourly ``p_mw`` set-points (MW, before the element's ``scaling``), as pandapower's
        ``ConstControl`` writes them: a DataFrame indexed by hour with one column per element
        index (elements without a column keep their value from the net), or an array of shape
        (hours, number of elements) in table order. DataFrames must share one index.
        With no table at all, the net is solved once (one hour, index 0).
    model : DCModel, optional
        A model already built from this very net (skips the factorisation).

    Returns
    -------
    DCFlowResult
        Line / trafo flows (MW) and loading (%), ext_grid and gen output (MW), bus angles.

    Raises
    ------
    SpecError
        A table has an unknown element index as column, a NaN or infinite value, or a wrong
        shape; the message names the table, the column and the value.
    CorridorSimError
        pandapower cannot run a DC power flow on `net` (for instance no slack).

    Examples
    --------
    >>> import pandapower.networks as pn
    >>> net = pn.case9()
    >>> load = pd.DataFrame({1: [90.0, 120.0]})  # load 1 (100 MW in the net), hours 0 and 1
    >>> res = dc_flow(net, load_p_mw=load)
    >>> res.ext_grid_p_mw.round(1)
          0
    0  57.0
    1  87.0
    """
    model = DCModel.from_net(net) if model is None else model
    tables = {
        "load_p_mw": load_p_mw,
        "sgen_p_mw": sgen_p_mw,
        "gen_p_mw": gen_p_mw,
        "storage_p_mw": storage_p_mw,
    }
    hourly = hourly_injections(model, tables)
    return _result(model, hourly, element_ids(net))


def n_minus_1(
    net: pp.pandapowerNet,
    load_p_mw: Table = None,
    sgen_p_mw: Table = None,
    gen_p_mw: Table = None,
    *,
    storage_p_mw: Table = None,
    outages: str | list[tuple[str, int]] = "lines",
    threshold_pct: float = PERCENT,
    chunk_hours: int | None = None,
    model: DCModel | None = None,
) -> N1Result:
    """N-1 screen: every single-branch outage in every hour, by LODF, in one batched pass.

    Post-contingency flows equal ``pandapower.rundcpp`` with the outaged element out of
    service. Outages that split the grid (bridges) are flagged as islanding: the part
    without a slack is dropped, as pandapower does (its branches carry 0 MW).

    Parameters
    ----------
    net : pandapower.pandapowerNet
        Any net ``pandapower.rundcpp`` solves. It is not modified.
    load_p_mw, sgen_p_mw, gen_p_mw, storage_p_mw : DataFrame or numpy.ndarray, optional
        Hourly set-points, as in :func:`dc_flow`.
    outages : {"lines", "lines+trafos"} or list of (element_type, index)
        Outages to screen: all in-service lines, lines and two-winding trafos, or an
        explicit list such as ``[("line", 3), ("trafo", 0)]``.
    threshold_pct : float, default 100
        Post-contingency loading (%) above which a row enters ``violations``.
    chunk_hours : int, optional
        Hours processed together (bounds memory to about
        monitored x outages x chunk_hours x 8 bytes); default keeps that near 8 MB.
    model : DCModel, optional
        A model already built from this very net.

    Returns
    -------
    N1Result
        ``worst`` (per monitored line/trafo), ``by_outage``, ``violations``, ``islanding``,
        the pre-contingency ``base`` flows and ``post_flows(outage)`` for any screened outage.

    Raises
    ------
    SpecError
        Bad tables (see :func:`dc_flow`), unknown outage set, element or index, an outage
        element already out of service, a non-positive `chunk_hours` or NaN threshold.
    CorridorSimError
        pandapower cannot run a DC power flow on `net`.

    Examples
    --------
    >>> import pandapower.networks as pn
    >>> res = n_minus_1(pn.case9(), outages="lines")
    >>> res.worst.columns.tolist()[:4]
    ['element', 'element_index', 'base_loading_pct', 'loading_pct']
    >>> res.islanding[["outage_index", "n_islanded_buses"]]  # radial lines of case9
       outage_index  n_islanded_buses
    0             0                 8
    1             3                 1
    2             6                 1
    """
    if not np.isfinite(threshold_pct):
        msg = f"threshold_pct = {threshold_pct!r}: expected a finite loading in %, e.g. 100"
        raise SpecError(msg)
    if chunk_hours is not None and (not isinstance(chunk_hours, int) or chunk_hours < 1):
        msg = f"chunk_hours = {chunk_hours!r}: expected a positive integer number of hours"
        raise SpecError(msg)
    model = DCModel.from_net(net) if model is None else model
    tables = {
        "load_p_mw": load_p_mw,
        "sgen_p_mw": sgen_p_mw,
        "gen_p_mw": gen_p_mw,
        "storage_p_mw": storage_p_mw,
    }
    hourly = hourly_injections(model, tables)
    base = _result(model, hourly, element_ids(net))
    flows = _evaluate(model, hourly.p_bus_mw, branch=True)["branch"].T  # branch rows x hours (view)
    outage_list = _outage_list(model, outages)
    return screen_outages(
        model,
        flows,
        hourly.hours,
        outage_list,
        base=base,
        threshold_pct=float(threshold_pct),
        chunk_hours=chunk_hours,
    )


def _outage_list(model: DCModel, outages: str | list[tuple[str, int]]) -> list[tuple[str, int]]:
    in_service = {
        "line": dict(zip(model.line_index.tolist(), model.line_row.tolist(), strict=True)),
        "trafo": dict(zip(model.trafo_index.tolist(), model.trafo_row.tolist(), strict=True)),
    }
    if isinstance(outages, str):
        try:
            choice = OutageSet(outages)
        except ValueError as err:
            msg = (
                f"outages = {outages!r}: expected 'lines', 'lines+trafos' "
                "or a list of (element_type, index)"
            )
            raise SpecError(msg) from err
        kinds = ["line"] if choice is OutageSet.LINES else ["line", "trafo"]
        return [(k, i) for k in kinds for i, r in in_service[k].items() if r >= 0]
    result = []
    for item in outages:
        if not (isinstance(item, tuple | list) and len(item) == 2):  # noqa: PLR2004
            msg = (
                f"outages entry {item!r}: expected a pair (element_type, index) such as ('line', 3)"
            )
            raise SpecError(msg)
        kind, idx = item
        if kind not in in_service:
            msg = (
                f"outages entry {item!r}: element_type {kind!r} unknown; expected 'line' or 'trafo'"
            )
            raise SpecError(msg)
        row = in_service[kind].get(int(idx)) if isinstance(idx, int | np.integer) else None
        if row is None:
            msg = f"outages entry {item!r}: the net has no {kind} with index {idx!r}"
            raise SpecError(msg)
        if row < 0:
            msg = f"outages entry {item!r}: {kind} {idx} is already out of service (or isolated)"
            raise SpecError(msg)
        result.append((str(kind), int(idx)))
    return result
