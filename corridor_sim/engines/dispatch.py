"""Multi-period DC optimal power flow (economic dispatch with network limits) on HiGHS.

:func:`dispatch` takes any pandapower net with linear costs in ``net.poly_cost`` and hourly
tables (hours x element index, like pandapower time series) and solves, per block of hours,
one linear programme with SciPy's HiGHS: minimum generation cost plus value of lost load,
nodal balance per island, PTDF flow limits on lines and trafos with ``max_loading_percent``,
HVDC links (``net.dcline``) with proportional losses, and optional storage. Nodal prices
come from the duals. The formulation is in ``docs/dispatch.md``.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.engines._dispatch_lp import Block, BlockSolution, solve_block
from corridor_sim.engines._dispatch_net import NetData, coupled, read_net
from corridor_sim.errors import SpecError, suggest
from corridor_sim.results.result import Result, summary_frame

__all__ = ["DispatchResult", "dispatch"]


@dataclass(frozen=True, slots=True, eq=False)
class DispatchResult:
    """Tidy tables of one dispatch run (one row per element and hour).

    Attributes
    ----------
    generation : DataFrame
        ``element_type`` (ext_grid, gen, sgen, load for controllable loads, storage for fixed
        storage), ``element``, ``hour``, ``p_mw`` (injection; negative for sinks),
        ``available_mw`` (the hour's upper bound), ``curtailed_mw`` (available minus
        dispatched, curtailable sgens only, else 0), ``cost_eur`` (cp1 x p + cp0).
    flows : DataFrame
        ``branch_type`` (line, trafo, dcline), ``element``, ``hour``, ``p_mw`` (from-end flow,
        positive from -> to; for a dcline the power leaving the from bus), ``limit_mw`` (NaN
        when not monitored), ``loading_pct`` (pandapower's ``loading_percent`` of the
        thermal rating; the limit is ``max_loading_percent`` of it; dclines: abs flow /
        the hour's rating), ``loss_mw`` (dclines),
        ``shadow_price_eur_per_mwh`` (value of 1 MW more limit in that hour, >= 0).
    unserved : DataFrame
        ``load``, ``hour``, ``p_mw`` (demand not served), ``demand_mw``.
    prices : DataFrame
        ``bus``, ``hour``, ``price_eur_per_mwh`` (locational marginal price: the cost of
        1 MW more demand at the bus; NaN for out-of-service buses).
    storage : DataFrame
        ``element``, ``hour``, ``p_mw`` (pandapower's sign: + charging), ``soc_mwh`` (end of
        the hour).
    objective_eur : float
        Total cost: generation and dcline costs (cp1, cp0 per hour) + VOLL x unserved MWh.
    status : str
        ``"optimal"``.
    meta : dict
        ``blocks``, ``block_hours``, ``voll_eur_per_mwh``, ``n_variables``, ``solve_s``.
    """

    generation: pd.DataFrame
    flows: pd.DataFrame
    unserved: pd.DataFrame
    prices: pd.DataFrame
    storage: pd.DataFrame
    objective_eur: float
    status: str
    meta: dict = field(default_factory=dict)

    def to_result(self, *, model: str = "dispatch") -> Result:
        """Wrap the tables in a :class:`corridor_sim.results.Result` (``unserved`` -> ``unmet``)."""
        tables = {
            "generation": self.generation,
            "flows": self.flows,
            "unmet": self.unserved,
            "prices": self.prices,
            "storage": self.storage,
        }
        summary = summary_frame(
            [
                ("objective", self.objective_eur, "EUR"),
                ("unserved_energy", float(self.unserved["p_mw"].sum()), "MWh"),
                ("curtailed_energy", float(self.generation["curtailed_mw"].sum()), "MWh"),
            ]
        )
        return Result(tables, summary_table=summary, meta={"model": model, **self.meta})


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
    missing = [h for h in hours if h not in index]  # type: ignore[union-attr]
    if missing:
        msg = (
            f"hours: {_plain(missing[0])!r} is not in the tables' index; "
            "expected labels of the index"
        )
        raise SpecError(msg)
    return pd.Index(list(hours))  # type: ignore[arg-type]


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


def dispatch(  # noqa: PLR0913
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
        Penalty per MWh of unserved demand; default ``power.dispatch.voll`` (4000 EUR/MWh).
    hours : int or sequence, optional
        Solve only the first `hours` rows, or these index labels, of the tables.
    block_hours : int, optional
        Hours per LP. Default: the whole horizon when storage couples hours, else
        ``power.dispatch.block_hours`` (168); blocks are solved one after another and are
        exact without coupling. With storage, each block starts at the initial state of
        charge and must end no lower.
    line_in_service : DataFrame, optional
        Line status per hour (1/True in service, 0/False out; columns ``net.line``
        indices, missing columns keep the net's status). Each distinct topology is solved on
        its own copy of the net (its own PTDF); not allowed together with storage or ramps
        when the topology changes. An out-of-service line has no row in ``flows`` for those
        hours.

    Returns
    -------
    DispatchResult

    Raises
    ------
    SpecError
        Bad table (unknown column, NaN, negative availability), quadratic or piecewise costs,
        elements on buses without a slack, NaN limits.
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
    """
    voll = voll_eur_per_mwh
    if voll is None:
        voll = value("power.dispatch.voll", unit="EUR/MWh")
    number = isinstance(voll, int | float | np.number) and not isinstance(voll, bool)
    if not (number and np.isfinite(voll) and voll >= 0):
        msg = f"voll_eur_per_mwh = {voll_eur_per_mwh!r}: expected a finite number >= 0 EUR/MWh"
        raise SpecError(msg)
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
    if topology is None:
        data = read_net(net, storage=storage)
        return _solve_hours(data, tables, index, voll=float(voll), block_hours=block_hours)
    return _by_topology(
        net, topology, tables, index, storage=storage, voll=float(voll), block_hours=block_hours
    )


def _solve_hours(
    data: NetData,
    tables: dict[str, pd.DataFrame | None],
    index: pd.Index,
    *,
    voll: float,
    block_hours: int | None,
) -> DispatchResult:
    n_h = len(index)
    lo, hi = _unit_bounds(data, tables, index)
    load = _per_hour(data.load_p_mw, data.load_element, tables["load_p_mw"], index)
    dc_max = _per_hour(data.dc_max_mw, data.dc_element, tables["dcline_max_p_mw"], index)
    if np.isnan(dc_max).any():
        el = data.dc_element[np.flatnonzero(np.isnan(dc_max).any(axis=0))[0]]
        msg = f"net.dcline.max_p_mw is NaN for dcline {el}: expected a MW rating or a table"
        raise SpecError(msg)
    if block_hours is None:
        size = n_h if coupled(data) else int(value("power.dispatch.block_hours", unit="h"))
    else:
        size = int(block_hours)
    parts = []
    for start in range(0, n_h, size):
        sl = slice(start, min(start + size, n_h))
        block = Block(hours=index[sl], lo=lo[sl], hi=hi[sl], load_mw=load[sl], dc_max_mw=dc_max[sl])
        parts.append(solve_block(data, block, voll_eur_per_mwh=voll))
    return _assemble(data, parts, index, voll=voll, size=size)


def _by_topology(  # noqa: PLR0913
    net: pp.pandapowerNet,
    topology: pd.DataFrame,
    tables: dict[str, pd.DataFrame | None],
    index: pd.Index,
    *,
    storage: bool,
    voll: float,
    block_hours: int | None,
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
        data = read_net(work, storage=storage)
        if coupled(data) and len(patterns) > 1:
            msg = (
                "line_in_service changes the topology within the horizon while storage or "
                "ramping limits couple the hours; expected one topology (dispatch each "
                "stretch separately, or storage=False)"
            )
            raise SpecError(msg)
        sub = index[group == k]
        results.append(_solve_hours(data, tables, sub, voll=voll, block_hours=block_hours))
    order = {h: i for i, h in enumerate(index)}

    def merged(name: str) -> pd.DataFrame:
        frame = pd.concat([getattr(r, name) for r in results], ignore_index=True)
        pos = frame["hour"].map(order)
        return frame.iloc[np.argsort(pos.to_numpy(), kind="stable")].reset_index(drop=True)

    meta = dict(results[0].meta)
    meta["blocks"] = int(sum(r.meta["blocks"] for r in results))
    meta["topologies"] = len(patterns)
    for key in ("n_variables", "solve_s"):
        meta[key] = sum(r.meta[key] for r in results)
    return DispatchResult(
        generation=merged("generation"),
        flows=merged("flows"),
        unserved=merged("unserved"),
        prices=merged("prices"),
        storage=merged("storage"),
        objective_eur=float(sum(r.objective_eur for r in results)),
        status="optimal",
        meta=meta,
    )


def _unit_bounds(
    data: NetData, tables: dict[str, pd.DataFrame | None], index: pd.Index
) -> tuple[np.ndarray, np.ndarray]:
    n_h = len(index)
    lo = np.repeat(data.unit_lo[None, :], n_h, axis=0)
    hi = np.repeat(data.unit_hi[None, :], n_h, axis=0)
    for kind, name in (("gen", "gen_max_p_mw"), ("sgen", "sgen_max_p_mw")):
        table = tables[name]
        if table is None:
            continue
        sub = table.loc[index]
        mask = data.unit_type == kind
        cols = pd.Index(sub.columns).get_indexer(data.unit_element[mask])
        units = np.flatnonzero(mask)[cols >= 0]
        vals = sub.to_numpy(dtype=float)[:, cols[cols >= 0]]
        hi[:, units] = vals
        fixed = data.unit_fixed[units]
        if kind == "sgen":
            lo[:, units] = np.where(fixed, 0.0, np.minimum(lo[:, units], vals))
        else:
            lo[:, units] = np.where(fixed, vals, lo[:, units])
    return lo, hi


def _tidy(
    index: pd.Index, keys: dict[str, np.ndarray], values: dict[str, np.ndarray]
) -> pd.DataFrame:
    """Long table: element keys tiled over hours, (hours x n) values flattened hour-major."""
    n = next(iter(keys.values())).size
    out: dict[str, np.ndarray] = {k: np.tile(v, len(index)) for k, v in keys.items()}
    out["hour"] = np.repeat(np.asarray(index), n)
    out.update({k: np.asarray(v, dtype=float).reshape(-1) for k, v in values.items()})
    return pd.DataFrame(out)


def _assemble(
    data: NetData, parts: list[BlockSolution], index: pd.Index, *, voll: float, size: int
) -> DispatchResult:
    skip = ("objective_eur", "solve_s", "n_variables")
    cat = {
        k: np.concatenate([getattr(p, k) for p in parts])
        for k in BlockSolution.__slots__
        if k not in skip
    }
    p_el = cat["unit_p"]
    gen = _tidy(
        index,
        {"element_type": data.unit_type.astype(str), "element": data.unit_element},
        {
            "p_mw": p_el * data.unit_sign,
            "available_mw": cat["unit_hi"] * data.unit_sign,
            "curtailed_mw": np.where(
                data.unit_curtailable, np.maximum(cat["unit_hi"] - p_el, 0.0), 0.0
            ),
            "cost_eur": p_el * data.unit_cost + data.unit_cost0,
        },
    )
    uns = _tidy(
        index,
        {"load": data.load_element},
        {"p_mw": cat["unserved"], "demand_mw": cat["load_mw"]},
    )
    rows = data.bus_row
    price = np.where(rows[None, :] >= 0, cat["lmp"][:, np.maximum(rows, 0)], np.nan)
    prices = _tidy(index, {"bus": data.bus_index}, {"price_eur_per_mwh": price})
    sto = _tidy(
        index, {"element": data.st_element}, {"p_mw": cat["st_p"], "soc_mwh": cat["st_soc"]}
    )
    meta = {
        "blocks": len(parts),
        "block_hours": size,
        "voll_eur_per_mwh": voll,
        "n_variables": int(sum(p.n_variables for p in parts)),
        "solve_s": float(sum(p.solve_s for p in parts)),
    }
    return DispatchResult(
        generation=gen,
        flows=_flows_table(data, cat, index),
        unserved=uns,
        prices=prices,
        storage=sto,
        objective_eur=float(sum(p.objective_eur for p in parts)),
        status="optimal",
        meta=meta,
    )


def _flows_table(data: NetData, cat: dict, index: pd.Index) -> pd.DataFrame:
    n_h = len(index)
    ok = data.branch_element >= 0
    rows = np.flatnonzero(ok & np.isin(data.branch_type, ("line", "trafo")))
    flow = cat["flow"][:, rows]
    limit = data.branch_limit_mw[rows]
    lim = np.where(np.isfinite(limit), limit, np.nan)
    ac = pd.DataFrame(
        {
            "branch_type": np.tile(data.branch_type[rows].astype(str), n_h),
            "element": np.tile(data.branch_element[rows], n_h),
            "hour": np.repeat(np.asarray(index), rows.size),
            "p_mw": flow.ravel(),
            "limit_mw": np.tile(lim, n_h),
            "loading_pct": (np.abs(flow) * data.model.loading_pct_per_mw[rows]).ravel(),
            "loss_mw": 0.0,
            "shadow_price_eur_per_mwh": cat["branch_mu"][:, rows].ravel(),
        }
    )
    n_d = data.dc_element.size
    dc_lim = cat["dc_max"]
    with np.errstate(divide="ignore", invalid="ignore"):
        dc_pct = np.where(dc_lim > 0, np.abs(cat["dc_p"]) / dc_lim * 100.0, np.nan)
    dc = pd.DataFrame(
        {
            "branch_type": "dcline",
            "element": np.tile(data.dc_element, n_h),
            "hour": np.repeat(np.asarray(index), n_d),
            "p_mw": cat["dc_p"].ravel(),
            "limit_mw": dc_lim.ravel(),
            "loading_pct": dc_pct.ravel(),
            "loss_mw": cat["dc_loss"].ravel(),
            "shadow_price_eur_per_mwh": cat["dc_mu"].ravel(),
        }
    )
    frames = [f for f in (ac, dc) if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else ac
