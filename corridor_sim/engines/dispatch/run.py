"""Dispatch engine front door: dispatch() and the choice of formulation."""

from __future__ import annotations

import copy
import dataclasses
import functools
import time
from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.engines._shared.highs import LinprogStatus
from corridor_sim.engines._shared.net_checks import check_net_values
from corridor_sim.engines._shared.tidy import element_ids
from corridor_sim.engines.dispatch.diagnose import infeasible_hint
from corridor_sim.engines.dispatch.extendable import ExtData, Extendable, resolve
from corridor_sim.engines.dispatch.extendable import empty as ext_empty
from corridor_sim.engines.dispatch.lp import Block, solve_block
from corridor_sim.engines.dispatch.netcache import read_net_cached
from corridor_sim.engines.dispatch.netdata import NetData, coupled, read_net
from corridor_sim.engines.dispatch.results import DispatchResult, assemble
from corridor_sim.engines.dispatch.rows import FORMULATIONS, layout
from corridor_sim.engines.dispatch.warm import no_expansion_basis, without_expansion
from corridor_sim.errors import InfeasibleError, SpecError, suggest
from corridor_sim.units import PERCENT

# Defaults of dispatch(). Each is documented, with its reason and source, by a catalogue
# row of corridor_sim/catalogue/data/assumptions_power.csv (a test checks they agree); the
# engine takes them as arguments and does not read the catalogue.

#: Value of lost load (EUR/MWh) when ``voll_eur_per_mwh`` is None: the EU day-ahead
#: harmonised maximum clearing price (``power.dispatch.voll``).
VOLL_EUR_PER_MWH = 4000.0
#: Hours per LP block when ``block_hours`` is None and nothing couples the hours
#: (``power.dispatch.block_hours``: one week keeps each HiGHS solve small).
BLOCK_HOURS = 168
#: Round-trip efficiency (%) of a storage unit whose ``efficiency_percent`` is NaN or
#: missing, split evenly (square root) between charging and discharging
#: (``power.storage.round_trip_efficiency``: a Li-ion battery system).
STORAGE_ROUND_TRIP_EFFICIENCY_PCT = 90.0
#: State of charge (%) at the start of each block for a storage unit whose ``soc_percent``
#: is NaN or missing (``power.storage.initial_soc``: half full).
STORAGE_INITIAL_SOC_PCT = 50.0
# Speed settings: they change how the LP is written and split, never its optimum, so they
# are measured choices (docs/dispatch.md, "Formulations and speed"), not catalogue rows.

#: ``formulation="auto"`` writes flow limits as PTDF rows when the net has at most this many
#: bus rows, else with sparse bus angles.
PTDF_MAX_BUSES = 30
#: With ``block_hours=None`` and nothing coupling the hours, a block has about this many
#: rows (``BLOCK_ROWS // rows per hour`` hours, at least 1, at most :data:`BLOCK_HOURS`).
BLOCK_ROWS = 8000


def choose_formulation(n_bus_rows: int, formulation: str = "auto") -> str:
    """Return the formulation ``dispatch`` uses: `formulation`, or the choice for ``"auto"``.

    ``"auto"`` takes ``"ptdf"`` (flows as linear functions of the injections) up to
    :data:`PTDF_MAX_BUSES` bus rows, where its dense rows stay small, and ``"angle"``
    (bus voltage angles as variables, sparse) above.

    Parameters
    ----------
    n_bus_rows : int
        Buses of the net after merging (rows of the susceptance matrix).
    formulation : {"auto", "angle", "kirchhoff", "ptdf"}, default "auto"
        What the caller asked for.

    Returns
    -------
    str
        ``"angle"``, ``"kirchhoff"`` or ``"ptdf"``.

    Raises
    ------
    SpecError
        Another formulation name.

    Examples
    --------
    >>> choose_formulation(10), choose_formulation(118), choose_formulation(118, "ptdf")
    ('ptdf', 'angle', 'ptdf')
    """
    if formulation not in (*FORMULATIONS, "auto"):
        msg = f"formulation = {formulation!r}: expected 'auto', 'angle', 'kirchhoff' or 'ptdf'"
        raise SpecError(msg)
    if formulation != "auto":
        return formulation
    return "ptdf" if n_bus_rows <= PTDF_MAX_BUSES else "angle"


def _plain(label: object) -> object:
    """Return a numpy scalar as the plain Python value (for readable messages)."""
    return label.item() if isinstance(label, np.generic) else label


def _table(
    name: str, table: pd.DataFrame | None, known: pd.Index, *, minimum: float | None
) -> pd.DataFrame | None:
    if table is None:
        return None
    if not isinstance(table, pd.DataFrame):
        msg = f"{name}: got {type(table).__name__}; expected a DataFrame (hours x element index)"
        raise SpecError(msg)
    unknown = [c for c in table.columns if c not in known]
    if unknown:
        msg = (
            f"{name}: column {unknown[0]!r} is not an element index of the net; "
            f"{suggest(str(unknown[0]), [str(k) for k in known])}"
        )
        raise SpecError(msg)
    try:
        values = table.to_numpy(dtype=float)
    except (TypeError, ValueError) as err:
        msg = f"{name}: values must be numbers of MW; {err}"
        raise SpecError(msg) from err
    bad = ~np.isfinite(values) if minimum is None else ~(np.isfinite(values) & (values >= minimum))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        expected = "a finite number" if minimum is None else f"a finite number >= {minimum}"
        msg = (
            f"{name}: column {_plain(table.columns[j])!r}, hour {_plain(table.index[i])!r} = "
            f"{float(values[i, j])!r}; "
            f"expected {expected} of MW"
        )
        raise SpecError(msg)
    return table


def _check_switching(table: pd.DataFrame) -> None:
    """Require 0/1 (or False/True) in `line_in_service`: a line is in or out, not half in."""
    values = table.to_numpy(dtype=float)
    bad = ~np.isin(values, (0.0, 1.0))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        msg = (
            f"line_in_service: column {_plain(table.columns[j])!r}, hour "
            f"{_plain(table.index[i])!r} = {float(values[i, j])!r}; expected 0 or 1 (or a bool)"
        )
        raise SpecError(msg)


def _hour_index(tables: dict[str, pd.DataFrame | None], hours: object) -> pd.Index:
    given = {k: t for k, t in tables.items() if t is not None}
    index = next(iter(given.values())).index if given else pd.RangeIndex(1, name="hour")
    for name, t in given.items():
        if not t.index.equals(index):
            first = next(iter(given))
            msg = f"{name}: index differs from {first}'s; expected the same hours in every table"
            raise SpecError(msg)
    if hours is None:
        return index
    if isinstance(hours, int | np.integer):
        if not 0 < hours <= len(index):
            msg = f"hours = {hours!r}: expected 1..{len(index)} (the first n hours of the tables)"
            raise SpecError(msg)
        return index[: int(hours)]
    missing = [h for h in hours if h not in index]  # type: ignore[attr-defined]
    if missing:
        msg = (
            f"hours: {_plain(missing[0])!r} is not in the tables' index; "
            "expected labels of the index"
        )
        raise SpecError(msg)
    return pd.Index(list(hours))  # type: ignore[call-overload]


def _per_hour(
    static: np.ndarray, element: np.ndarray, table: pd.DataFrame | None, index: pd.Index
) -> np.ndarray:
    """(hours x n) array: the static value, replaced by the table's column where given."""
    out = np.repeat(static[None, :].astype(float), len(index), axis=0)
    if table is not None:
        sub = table.loc[index]
        cols = pd.Index(sub.columns).get_indexer(element)
        have = cols >= 0
        out[:, have] = sub.to_numpy(dtype=float)[:, cols[have]]
    return out


def dispatch(
    net: pp.pandapowerNet,
    *,
    load_p_mw: pd.DataFrame | None = None,
    sgen_max_p_mw: pd.DataFrame | None = None,
    gen_max_p_mw: pd.DataFrame | None = None,
    dcline_max_p_mw: pd.DataFrame | None = None,
    storage: bool = True,
    voll_eur_per_mwh: float | None = None,
    hours: int | Sequence[object] | None = None,
    block_hours: int | None = None,
    line_in_service: pd.DataFrame | None = None,
    storage_round_trip_efficiency_pct: float = STORAGE_ROUND_TRIP_EFFICIENCY_PCT,
    storage_initial_soc_pct: float = STORAGE_INITIAL_SOC_PCT,
    extendable: Mapping[tuple[str, int], Extendable] | None = None,
    formulation: str = "auto",
    warm_start: bool = False,
) -> DispatchResult:
    """Least-cost hourly dispatch of `net` with DC network limits (one HiGHS LP per block).

    Parameters
    ----------
    net : pandapower.pandapowerNet
        Any net ``pandapower.rundcpp`` can solve, with linear costs in ``net.poly_cost``
        (``cp1_eur_per_mw``, ``cp0_eur``; ``cp2`` must be 0). Not modified.
    load_p_mw : DataFrame, optional
        Demand per hour (index: hours, columns: ``net.load`` indices), MW. Columns left out
        keep ``p_mw * scaling``. Tables are taken as MW (``scaling`` is not applied).
    sgen_max_p_mw : DataFrame, optional
        Available output of sgens per hour, MW >= 0. An sgen in this table is curtailable
        between 0 (``min_p_mw``, capped at the value, if controllable) and the value.
    gen_max_p_mw : DataFrame, optional
        Upper limit of gens per hour (outages, fuel caps), MW. A non-controllable gen in the
        table is fixed at the value.
    dcline_max_p_mw : DataFrame, optional
        Rating of each dcline per hour in both directions (0 = outage), MW >= 0.
    storage : bool, default True
        Schedule ``net.storage`` units with ``max_e_mwh > 0`` (charge, discharge, state of
        charge; this couples hours). False: storages stay at their ``p_mw`` as fixed loads.
    voll_eur_per_mwh : float, optional
        Penalty per MWh of unserved demand; None: :data:`VOLL_EUR_PER_MWH` (4000 EUR/MWh).
    hours : int or sequence, optional
        Solve only the first `hours` rows, or these index labels, of the tables.
    block_hours : int, optional
        Hours per LP. None: the whole horizon when storage, ramps or extendable ratings
        couple hours, else about :data:`BLOCK_ROWS` rows per LP and at most
        :data:`BLOCK_HOURS` (168) hours; blocks are solved one after another and are exact
        without coupling. With storage, each block starts at the initial
        state of charge and must end no lower. Not allowed below the horizon with
        `extendable` (one rating for every hour).
    line_in_service : DataFrame, optional
        Line status per hour (1/True in service, 0/False out; columns ``net.line``
        indices, missing columns keep the net's status). Each distinct topology is solved on
        its own copy of the net (its own PTDF); not allowed together with storage or ramps
        when the topology changes. An out-of-service line has no row in ``flows`` for those
        hours.
    storage_round_trip_efficiency_pct : float, default :data:`STORAGE_ROUND_TRIP_EFFICIENCY_PCT`
        Round-trip efficiency (%, in (0, 100]) of storage units whose
        ``efficiency_percent`` is NaN or missing.
    storage_initial_soc_pct : float, default :data:`STORAGE_INITIAL_SOC_PCT`
        State of charge (%, in [0, 100]) at the start of each block for storage units whose
        ``soc_percent`` is NaN or missing.
    extendable : mapping, optional
        ``{("line" | "trafo" | "dcline", index): Extendable(min_mw, max_mw,
        cost_eur_per_mw, ...)}``: these branches' ratings (MW) are variables optimised with
        the dispatch of the whole horizon in one LP, at the capital cost per MW (for the
        horizon; see :func:`annuity_factor`). A line's or trafo's rating replaces its
        ``max_loading_percent`` limit (its reactance is kept); a dcline's hourly rating is
        the rating times the hour's availability ``dcline_max_p_mw / net.dcline.max_p_mw``
        (1 without a table column). Results: ``ratings``, ``capital_cost_eur``.
    formulation : {"auto", "angle", "kirchhoff", "ptdf"}, default "auto"
        How the network enters the LP: ``"angle"`` (bus angles, one sparse ranged row per
        limited branch: size grows with buses + branches), ``"kirchhoff"`` (a flow column
        per branch, nodal balance and one row per independent cycle, as PyPSA), ``"ptdf"``
        (dense PTDF rows: size grows with limited branches x buses); ``"auto"``: ``"ptdf"``
        up to :data:`PTDF_MAX_BUSES` bus rows, else ``"angle"`` (:func:`choose_formulation`).
        All give the same optimum and prices.
    warm_start : bool, default False
        Start each block's LP from the optimal basis of the previous block (same optimum,
        fewer simplex iterations: a full-year Caspian dispatch measured 1.7-1.9x faster).
        Where the LP is degenerate the solver may stop at another optimal vertex, so
        quantities the objective does not fix (which of two equal-cost units runs) can
        differ from a cold solve; the answer still depends only on the inputs. Either way
        the block LPs are built once per process and reused (only costs and bounds change,
        :data:`corridor_sim.engines._shared.highs.PROCESS_LP_CACHE`).
        With `extendable`, the one LP starts from the dispatch without expansion (every
        rating at its ``min_mw``, solved first in blocks of hours; its basis mapped onto the
        LP with ratings, :mod:`corridor_sim.engines.dispatch.warm`): the same optimum, in
        fewer simplex iterations on short horizons, but not faster on a year of the
        Caspian sizing (docs/benchmarks.md). ``meta`` then has ``warm_start_s`` (the
        dispatch without expansion) and ``warm_start_from``.

    Returns
    -------
    DispatchResult

    Raises
    ------
    SpecError
        Bad table (unknown column, NaN, negative availability), quadratic or piecewise costs,
        elements on buses without a slack, NaN limits, a bad scalar argument.
    InfeasibleError
        An element cannot meet its limits in some hour (e.g. ``min_p_mw`` above the hour's
        maximum), named with the hour; or the LP is infeasible for another reason.
    SolverError
        The LP is unbounded (negative cost without a limit) or HiGHS fails.

    Examples
    --------
    >>> import pandapower as pp
    >>> net = pp.create_empty_network()
    >>> a, b = pp.create_bus(net, vn_kv=110.0), pp.create_bus(net, vn_kv=110.0)
    >>> _ = pp.create_ext_grid(net, a, max_p_mw=100.0, min_p_mw=0.0)
    >>> _ = pp.create_poly_cost(net, 0, "ext_grid", cp1_eur_per_mw=50.0)
    >>> _ = pp.create_line(net, a, b, 10.0, "149-AL1/24-ST1A 110.0", max_loading_percent=100.0)
    >>> _ = pp.create_load(net, b, p_mw=30.0)
    >>> res = dispatch(net)
    >>> round(res.objective_eur, 6), float(res.prices["price_eur_per_mwh"].iloc[1])
    (1500.0, 50.0)

    The line's rating as a variable at 20 EUR per MW (cheaper than the 30 MW it carries
    would save at a 100 EUR/MWh local alternative):

    >>> _ = pp.create_gen(net, b, p_mw=0.0, min_p_mw=0.0, max_p_mw=50.0)
    >>> _ = pp.create_poly_cost(net, 0, "gen", cp1_eur_per_mw=100.0)
    >>> ext = {("line", 0): Extendable(max_mw=25.0, cost_eur_per_mw=20.0)}
    >>> res = dispatch(net, extendable=ext)
    >>> res.ratings[["rating_mw", "capital_cost_eur"]].round(6).values.tolist()
    [[25.0, 500.0]]
    >>> round(res.operating_cost_eur, 6), round(res.objective_eur, 6)
    (1750.0, 2250.0)
    """
    voll = VOLL_EUR_PER_MWH if voll_eur_per_mwh is None else voll_eur_per_mwh
    _check_scalar("voll_eur_per_mwh", voll, 0.0, np.inf, "EUR/MWh")
    _check_scalar("storage_round_trip_efficiency_pct", storage_round_trip_efficiency_pct,
                  0.0, PERCENT, "%", open_low=True)  # fmt: skip
    _check_scalar("storage_initial_soc_pct", storage_initial_soc_pct, 0.0, PERCENT, "%")
    check_net_values(net, costs=True)
    if block_hours is not None and not (
        isinstance(block_hours, int | np.integer) and block_hours > 0
    ):
        msg = f"block_hours = {block_hours!r}: expected a positive whole number of hours"
        raise SpecError(msg)
    tables = {
        "load_p_mw": _table("load_p_mw", load_p_mw, net.load.index, minimum=None),
        "sgen_max_p_mw": _table("sgen_max_p_mw", sgen_max_p_mw, net.sgen.index, minimum=0.0),
        "gen_max_p_mw": _table("gen_max_p_mw", gen_max_p_mw, net.gen.index, minimum=None),
        "dcline_max_p_mw": _table(
            "dcline_max_p_mw", dcline_max_p_mw, net.dcline.index, minimum=0.0
        ),
        "line_in_service": _table("line_in_service", line_in_service, net.line.index, minimum=0.0),
    }
    index = _hour_index(tables, hours)
    topology = tables.pop("line_in_service")
    if topology is not None:
        _check_switching(topology)
    choose_formulation(0, formulation)  # checks the name
    if not isinstance(warm_start, bool):
        msg = f"warm_start = {warm_start!r}: expected True or False"
        raise SpecError(msg)
    if extendable and block_hours is not None and block_hours < len(index):
        msg = (
            f"block_hours = {block_hours!r} with extendable ratings: expected None or at least "
            f"the horizon ({len(index)} h); a rating serves every hour, so the horizon is one LP"
        )
        raise SpecError(msg)
    options: dict[str, Any] = {
        "storage": storage,
        "round_trip_efficiency_pct": float(storage_round_trip_efficiency_pct),
        "initial_soc_pct": float(storage_initial_soc_pct),
    }
    solve: dict[str, Any] = {
        "voll": float(voll),
        "block_hours": block_hours,
        "formulation": formulation,
        "warm_start": bool(warm_start),
    }
    try:
        if topology is None:
            data = read_net_cached(net, **options)
            ext = resolve(net, data, extendable)
            result = _solve_hours(data, ext, tables, index, **solve)
        else:
            result = _by_topology(net, topology, tables, index, options, extendable, solve)
    except InfeasibleError as err:
        hint = infeasible_hint(net, tables["load_p_mw"])
        if not hint:
            raise
        msg = f"{err}; {hint}"
        raise InfeasibleError(msg) from err
    return dataclasses.replace(result, element_ids=element_ids(net))


def _check_scalar(
    name: str, value: object, low: float, high: float, unit: str, *, open_low: bool = False
) -> None:
    """Raise SpecError unless `value` is a number in [low, high] (or (low, high])."""
    number = isinstance(value, int | float | np.number) and not isinstance(value, bool)
    v = cast("float", value)  # read only when `number`
    inside = number and not np.isnan(v) and (v > low if open_low else v >= low)
    if not (inside and (v <= high if np.isfinite(high) else np.isfinite(v))):
        bracket = "(" if open_low else "["
        span = f"in {bracket}{low:g}, {high:g}]" if np.isfinite(high) else f">= {low:g}"
        msg = f"{name} = {value!r}: expected a finite number {span} {unit}"
        raise SpecError(msg)


def _dcline_hours(
    data: NetData, ext: ExtData, table: pd.DataFrame | None, index: pd.Index
) -> tuple[np.ndarray, np.ndarray]:
    """Return hourly dcline ratings and availabilities (hours x links).

    Ratings in MW (for an extendable link its availability, pu); availability in pu (1 for
    links that are not extendable).
    """
    dc_max = _per_hour(data.dclines.max_mw, data.dclines.element, table, index)
    avail = np.ones_like(dc_max)
    for pos in ext.dc_pos[ext.dc]:
        el = int(data.dclines.element[pos])
        if table is not None and el in table.columns:
            static = float(data.dclines.max_mw[pos])
            if not (np.isfinite(static) and static > 0):
                msg = (
                    f"net.dcline.max_p_mw = {static!r} for extendable dcline {el} with a "
                    "dcline_max_p_mw column: expected a positive MW rating, the reference of "
                    "the hourly availability (table / max_p_mw)"
                )
                raise SpecError(msg)
            avail[:, pos] = dc_max[:, pos] / static
        dc_max[:, pos] = avail[:, pos]
    if np.isnan(dc_max).any():
        el = data.dclines.element[np.flatnonzero(np.isnan(dc_max).any(axis=0))[0]]
        msg = f"net.dcline.max_p_mw is NaN for dcline {el}: expected a MW rating or a table"
        raise SpecError(msg)
    return dc_max, avail


def _solve_hours(
    data: NetData,
    ext: ExtData,
    tables: dict[str, pd.DataFrame | None],
    index: pd.Index,
    *,
    voll: float,
    block_hours: int | None,
    formulation: str,
    warm_start: bool = False,
) -> DispatchResult:
    n_h = len(index)
    lo, hi = _unit_bounds(data, tables, index)
    load = _per_hour(data.loads.p_mw, data.loads.element, tables["load_p_mw"], index)
    dc_max, avail = _dcline_hours(data, ext, tables["dcline_max_p_mw"], index)
    form = choose_formulation(data.n_row, formulation)
    if block_hours is not None:
        size = int(block_hours)
    elif coupled(data) or ext.size:
        size = n_h
    else:
        size = max(1, min(BLOCK_HOURS, BLOCK_ROWS // max(layout(data, ext, form).n_rows, 1)))
    parts = []
    chain: set[str] = set()
    start_basis, warm_s = None, 0.0
    if warm_start and ext.size:
        t0 = time.perf_counter()
        start_basis = _no_expansion_start(data, ext, lo, hi, load, dc_max, avail, index,
                                          form=form, voll=voll)  # fmt: skip
        warm_s = time.perf_counter() - t0
    for start in range(0, n_h, size):
        sl = slice(start, min(start + size, n_h))
        block = Block(
            hours=index[sl], lo=lo[sl], hi=hi[sl], load_mw=load[sl], dc_max_mw=dc_max[sl],
            dc_avail=avail[sl],
        )  # fmt: skip
        parts.append(
            solve_block(
                data,
                block,
                ext,
                formulation=form,
                voll_eur_per_mwh=voll,
                chain=chain,
                warm_start=warm_start,
                basis=start_basis,
            )  # fmt: skip
        )
    result = assemble(data, ext, parts, index, voll=voll, size=size, formulation=form)
    if start_basis is None:
        return result
    meta = {**result.meta, "warm_start_s": warm_s}
    meta["warm_start_from"] = (
        "dispatch without expansion" if all(p.warm_from_basis for p in parts) else "none"
    )
    return dataclasses.replace(result, meta=meta)


def _no_expansion_start(
    data: NetData, ext: ExtData, lo: np.ndarray, hi: np.ndarray, load: np.ndarray,
    dc_max: np.ndarray, avail: np.ndarray, index: pd.Index, *, form: str, voll: float,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Basis of the dispatch without expansion, for the one LP with extendable ratings."""
    base = without_expansion(data, ext)
    n_h = len(index)
    if coupled(data):
        size = n_h
    else:
        rows = max(layout(base, ext_empty(), form).n_rows, 1)
        size = max(1, min(BLOCK_HOURS, BLOCK_ROWS // rows))
    blocks = [
        Block(
            hours=index[sl],
            lo=lo[sl],
            hi=hi[sl],
            load_mw=load[sl],
            dc_max_mw=dc_max[sl],
            dc_avail=avail[sl],
        )  # fmt: skip
        for sl in (slice(s, min(s + size, n_h)) for s in range(0, n_h, size))
    ]
    solve = functools.partial(solve_block, formulation=form, voll_eur_per_mwh=voll)
    return no_expansion_basis(data, ext, blocks, solve, formulation=form)


def _by_topology(
    net: pp.pandapowerNet,
    topology: pd.DataFrame,
    tables: dict[str, pd.DataFrame | None],
    index: pd.Index,
    options: dict,
    extendable: Mapping[tuple[str, int], Extendable] | None,
    solve: dict,
) -> DispatchResult:
    """Solve each set of hours with the same lines in service on its own net copy."""
    state = np.ones((len(index), len(net.line)), dtype=bool)
    cols = net.line.index.get_indexer(topology.columns)
    state[:, cols] = topology.loc[index].to_numpy(dtype=float) > 0
    patterns, group = np.unique(state, axis=0, return_inverse=True)
    group = np.asarray(group).ravel()
    results = []
    for k, pattern in enumerate(patterns):
        work = copy.copy(net)
        work.line = net.line.assign(in_service=net.line["in_service"].to_numpy(bool) & pattern)
        data = read_net(work, **options)
        if (coupled(data) or extendable) and len(patterns) > 1:
            msg = (
                "line_in_service changes the topology within the horizon while storage, "
                "ramping limits or extendable ratings couple the hours; expected one topology "
                "(dispatch each stretch separately, or storage=False)"
            )
            raise SpecError(msg)
        sub = index[group == k]
        ext = resolve(work, data, extendable)
        results.append(_solve_hours(data, ext, tables, sub, **solve))
    order = {h: i for i, h in enumerate(index)}

    def merged(name: str) -> pd.DataFrame:
        frame = pd.concat([getattr(r, name) for r in results], ignore_index=True)
        pos = frame["hour"].map(order)
        return frame.iloc[np.argsort(pos.to_numpy(), kind="stable")].reset_index(drop=True)

    meta = dict(results[0].meta)
    meta["blocks"] = int(sum(r.meta["blocks"] for r in results))
    meta["topologies"] = len(patterns)
    for key in ("n_variables", "n_constraints", "n_nonzeros", "solve_s", "iterations"):
        meta[key] = sum(r.meta[key] for r in results)
    return DispatchResult(
        generation=merged("generation"),
        flows=merged("flows"),
        unserved=merged("unserved"),
        prices=merged("prices"),
        storage=merged("storage"),
        objective_eur=float(sum(r.objective_eur for r in results)),
        status=LinprogStatus.OPTIMAL.label,
        meta=meta,
        hours=index,
        ratings=results[0].ratings,
        capital_cost_eur=float(sum(r.capital_cost_eur for r in results)),
    )


def _unit_bounds(
    data: NetData, tables: dict[str, pd.DataFrame | None], index: pd.Index
) -> tuple[np.ndarray, np.ndarray]:
    n_h = len(index)
    lo = np.repeat(data.units.lo[None, :], n_h, axis=0)
    hi = np.repeat(data.units.hi[None, :], n_h, axis=0)
    for kind, name in (("gen", "gen_max_p_mw"), ("sgen", "sgen_max_p_mw")):
        table = tables[name]
        if table is None:
            continue
        sub = table.loc[index]
        mask = data.units.type == kind
        cols = pd.Index(sub.columns).get_indexer(data.units.element[mask])
        units = np.flatnonzero(mask)[cols >= 0]
        vals = sub.to_numpy(dtype=float)[:, cols[cols >= 0]]
        hi[:, units] = vals
        fixed = data.units.fixed[units]
        if kind == "sgen":
            lo[:, units] = np.where(fixed, 0.0, np.minimum(lo[:, units], vals))
        else:
            lo[:, units] = np.where(fixed, vals, lo[:, units])
    return lo, hi
