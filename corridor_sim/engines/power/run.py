"""Power-flow engine front doors: dc_flow, n_minus_1, ac_check."""

from __future__ import annotations

import dataclasses
import os
from enum import StrEnum

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.engines._shared.dcmodel import DCModel
from corridor_sim.engines._shared.linalg import DEFAULT_BLAS_THREADS, check_blas_threads
from corridor_sim.engines._shared.net_checks import check_built_from
from corridor_sim.engines._shared.tidy import ElementIds, element_ids
from corridor_sim.engines.power.ac import ac_check as run_ac_check
from corridor_sim.engines.power.contingency import screen_outages
from corridor_sim.engines.power.flow import FlowArrays, evaluate
from corridor_sim.engines.power.inputs import HourlyInjections, Table, hourly_injections
from corridor_sim.engines.power.results import DCFlowResult, N1Result
from corridor_sim.engines.power.store import check_store_dir
from corridor_sim.errors import SpecError
from corridor_sim.units import PERCENT

#: Default working memory of :func:`n_minus_1` besides its result (MiB).
DEFAULT_MEMORY_MIB = 256

#: Default limit of the full violation list under ``violations="auto"`` (rows, ~56 MB).
DEFAULT_MAX_VIOLATION_ROWS = 1_000_000

ac_check = run_ac_check


class OutageSet(StrEnum):
    """Predefined outage sets of :func:`n_minus_1`.

    Attributes
    ----------
    LINES : str
        ``"lines"``: every in-service line, one at a time.
    LINES_TRAFOS : str
        ``"lines+trafos"``: every in-service line and two-winding transformer.

    Examples
    --------
    >>> import pandapower.networks as pn
    >>> res = n_minus_1(pn.case9(), outages=OutageSet.LINES)
    >>> sorted(set(res.by_outage["outage_element"]))
    ['line']
    """

    LINES = "lines"
    LINES_TRAFOS = "lines+trafos"


def _result(
    model: DCModel, hourly: HourlyInjections, ids: ElementIds, *, n_threads: int | None
) -> tuple[DCFlowResult, FlowArrays]:
    """Evaluate every hour (block by block) and wrap the arrays as a :class:`DCFlowResult`."""
    hours = hourly.hours
    arrays = evaluate(model, hourly, n_threads=n_threads)
    n_line = arrays.n_line

    def frame(values: np.ndarray, columns: np.ndarray) -> pd.DataFrame:
        # hour-major arrays (views of the engine's output, no copy)
        return pd.DataFrame(values, index=hours, columns=pd.Index(columns), copy=False)

    slack = (arrays.slack_mw + hourly.slack_p0_mw.T).T
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
    result = DCFlowResult(
        line_p_from_mw=frame(arrays.branch_mw[:, :n_line], model.line_index),
        trafo_p_hv_mw=frame(arrays.branch_mw[:, n_line:], model.trafo_index),
        line_loading_pct=frame(arrays.loading_pct[:, :n_line], model.line_index),
        trafo_loading_pct=frame(arrays.loading_pct[:, n_line:], model.trafo_index),
        ext_grid_p_mw=frame(ext, model.ext_grid_index),
        gen_p_mw=frame(gen, gen_cols),
        bus_va_degree=frame(arrays.bus_va_degree, model.bus_index),
        element_ids=ids,
    )
    return result, arrays


# ---------------------------------------------------------------------- public API
def _model_of(net: pp.pandapowerNet, model: DCModel | None) -> DCModel:
    """`model` when it was built from `net` as it is now, else a new one (checked)."""
    if model is None:
        return DCModel.from_net(net)
    if not isinstance(model, DCModel):
        msg = f"model = {type(model).__name__}: expected a DCModel (DCModel.from_net(net))"
        raise SpecError(msg)
    check_built_from(model.net_fingerprint, net)
    return model


def _model_and_hours(
    net: pp.pandapowerNet,
    model: DCModel | None,
    load_p_mw: Table,
    sgen_p_mw: Table,
    gen_p_mw: Table,
    storage_p_mw: Table,
) -> tuple[DCModel, dict[str, Table], HourlyInjections]:
    """Return the checked model of `net`, the four tables by name and their hourly injections."""
    model = _model_of(net, model)
    tables = {
        "load_p_mw": load_p_mw,
        "sgen_p_mw": sgen_p_mw,
        "gen_p_mw": gen_p_mw,
        "storage_p_mw": storage_p_mw,
    }
    return model, tables, hourly_injections(model, tables)


def dc_flow(
    net: pp.pandapowerNet,
    load_p_mw: Table = None,
    sgen_p_mw: Table = None,
    gen_p_mw: Table = None,
    *,
    storage_p_mw: Table = None,
    model: DCModel | None = None,
    blas_threads: int | None = DEFAULT_BLAS_THREADS,
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
    blas_threads : int or None, default 1
        BLAS threads while solving (None: leave BLAS as configured). One thread is as fast
        for these sparse solves and small products, and steady on a busy machine.

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
    model, tables, hourly = _model_and_hours(
        net, model, load_p_mw, sgen_p_mw, gen_p_mw, storage_p_mw
    )
    n_threads = check_blas_threads(blas_threads)
    return _result(model, hourly, element_ids(net), n_threads=n_threads)[0]


def n_minus_1(
    net: pp.pandapowerNet,
    load_p_mw: Table = None,
    sgen_p_mw: Table = None,
    gen_p_mw: Table = None,
    *,
    storage_p_mw: Table = None,
    outages: str | list[tuple[str, int]] = "lines",
    threshold_pct: float = PERCENT,
    memory_mib: float = DEFAULT_MEMORY_MIB,
    violations: str = "auto",
    max_violation_rows: int = DEFAULT_MAX_VIOLATION_ROWS,
    ac_check: str | None = None,
    ac_top_k: int = 10,
    chunk_hours: int | None = None,
    store_dir: str | os.PathLike | None = None,
    overwrite: bool = False,
    model: DCModel | None = None,
    blas_threads: int | None = DEFAULT_BLAS_THREADS,
) -> N1Result:
    """N-1 screen: every single-branch outage in every hour, by LODF, streamed.

    Post-contingency flows equal ``pandapower.rundcpp`` with the outaged element out of
    service. Outages that split the grid (bridges) are flagged as islanding: the part
    without a slack is dropped, as pandapower does (its branches carry 0 MW). Outages and
    hours are screened in blocks whose working memory stays within `memory_mib`; only the
    worst cases and the violations are kept (see ``docs/power-engine.md``). With
    `store_dir` the memory is flat in the hours: the base case is made one block of hours
    at a time and not kept, and the violations are written to that directory.

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
        Post-contingency loading (%) above which an (outage, hour, element) is a violation.
    memory_mib : float, default 256
        Working memory of the screen (MiB) besides the base-case result: bounds the blocks
        of outages and hours. Larger is not much faster.
    violations : {"auto", "full", "compact"}, default "auto"
        ``violation_counts`` (one row per violating outage and element) is always built.
        The full list of violating (outage, hour, element) rows (:attr:`N1Result.violations`)
        is kept with "full", not with "compact", and with "auto" while it has at most
        `max_violation_rows` rows.
    max_violation_rows : int, default 1,000,000
        Limit of the full list under ``violations="auto"``.
    ac_check : {None, "worst", "violations"}
        Re-check cases with ``pandapower.runpp`` (see :func:`ac_check`): "worst" the worst
        case of the `ac_top_k` most loaded elements, "violations" every violating (outage,
        element) pair at its worst hour. The table is ``N1Result.ac``.
    ac_top_k : int, default 10
        Elements re-checked with ``ac_check="worst"``.
    chunk_hours : int, optional
        Deprecated, ignored: the blocks follow `memory_mib`. Still checked (positive).
    store_dir : str or path-like, optional
        Directory for a **stored screen**, for long horizons on large nets: the base-case
        flows are made one block of hours at a time (half of `memory_mib` each) and not
        kept; the violating pairs (and rows, as `violations` says) are written there as
        ``.npy`` chunks. The result holds the per-element and per-outage tables;
        ``violation_counts``, ``violations``, ``base`` and ``post_flows`` are read or
        recomputed on access, equal to those of an in-memory screen. The directory is
        created; it must be new or empty, or hold a store of an earlier screen.
    overwrite : bool, default False
        Replace the store of an earlier screen in `store_dir`.
    model : DCModel, optional
        A model already built from this very net.
    blas_threads : int or None, default 1
        BLAS threads while solving (None: leave BLAS as configured).

    Returns
    -------
    N1Result
        ``worst`` (per monitored line/trafo), ``by_outage``, ``violation_counts``,
        ``violations`` (when kept), ``islanding``, the pre-contingency ``base`` flows,
        ``post_flows(outage)`` for any screened outage and ``ac`` (AC re-check).
        ``store_dir`` is the store's directory (or None).

    Raises
    ------
    SpecError
        Bad tables (see :func:`dc_flow`), unknown outage set, element or index, an outage
        element already out of service, a non-positive `chunk_hours` or `memory_mib`, an
        unknown `violations` or `ac_check` mode, or a NaN threshold; a `store_dir` that is
        a file, cannot be written, holds other files, or holds a store and `overwrite` is
        False.
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

    A stored screen of two days, its violations in a directory:

    >>> import tempfile
    >>> from pathlib import Path
    >>> net = pn.case9()
    >>> load = pd.DataFrame({2: [90.0, 125.0] * 24})  # load 2 (125 MW in the net), 48 h
    >>> store = Path(tempfile.mkdtemp()) / "n1"
    >>> res = n_minus_1(net, load_p_mw=load, threshold_pct=60, store_dir=store)
    >>> res.store_dir == store, sorted(p.name for p in store.iterdir())
    (True, ['hours.npy', 'keys.npz', 'n1_store.json', 'pairs', 'rows'])
    >>> same = n_minus_1(net, load_p_mw=load, threshold_pct=60)  # in memory
    >>> res.violation_counts.equals(same.violation_counts), res.worst.equals(same.worst)
    (True, True)
    """
    _check_n1_arguments(threshold_pct, chunk_hours, memory_mib, violations, max_violation_rows)
    if ac_check not in (None, "worst", "violations"):
        msg = f"ac_check = {ac_check!r}: expected None, 'worst' or 'violations'"
        raise SpecError(msg)
    n_threads = check_blas_threads(blas_threads)
    model, tables, hourly = _model_and_hours(
        net, model, load_p_mw, sgen_p_mw, gen_p_mw, storage_p_mw
    )
    path = None if store_dir is None else check_store_dir(store_dir, overwrite=overwrite)
    ids = element_ids(net)
    outage_list = _outage_list(model, outages)

    def base_of(positions: np.ndarray | None) -> tuple[DCFlowResult, FlowArrays]:
        hours = hourly if positions is None else hourly.take(positions)
        return _result(model, hours, ids, n_threads=n_threads)

    result = screen_outages(
        model,
        hourly,
        outage_list,
        base=base_of(None) if path is None else base_of,
        ids=ids,
        store_dir=path,
        threshold_pct=float(threshold_pct),
        memory_mib=float(memory_mib),
        violations=violations,
        max_violation_rows=int(max_violation_rows),
        n_threads=n_threads,
    )
    if ac_check is None:
        return result
    table = run_ac_check(net, result, tables, cases=ac_check, top_k=ac_top_k)
    return dataclasses.replace(result, ac=table)


def _check_n1_arguments(
    threshold_pct: float,
    chunk_hours: int | None,
    memory_mib: float,
    violations: str,
    max_violation_rows: int,
) -> None:
    if not np.isfinite(threshold_pct):
        msg = f"threshold_pct = {threshold_pct!r}: expected a finite loading in %, e.g. 100"
        raise SpecError(msg)
    if chunk_hours is not None and (not isinstance(chunk_hours, int) or chunk_hours < 1):
        msg = f"chunk_hours = {chunk_hours!r}: expected a positive integer number of hours"
        raise SpecError(msg)
    if not (isinstance(memory_mib, int | float) and np.isfinite(memory_mib) and memory_mib > 0):
        msg = f"memory_mib = {memory_mib!r}: expected a positive number of MiB, e.g. 256"
        raise SpecError(msg)
    if violations not in ("auto", "full", "compact"):
        msg = f"violations = {violations!r}: expected 'auto', 'full' or 'compact'"
        raise SpecError(msg)
    if not isinstance(max_violation_rows, int | np.integer) or max_violation_rows < 0:
        msg = f"max_violation_rows = {max_violation_rows!r}: expected a non-negative integer"
        raise SpecError(msg)


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
        if not (isinstance(item, tuple | list) and len(item) == 2):
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
