"""Static part of the dispatch LP: what a pandapower net contributes, hour-independent.

Reads the net once (through :class:`corridor_sim.engines._shared.dcmodel.DCModel`, i.e. pandapower's
own conversion) into plain arrays: the controllable and fixed injections ("units"), HVDC
links, storage units, islands with one reference bus each, the branch limits, and (computed
on first use, for the PTDF formulation only) the PTDF with those references.
:mod:`corridor_sim.engines.dispatch` turns these into one LP per block of hours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandapower as pp
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from corridor_sim.engines._shared.dcmodel import DENSE_INVERSE_MAX_BUS, DCModel
from corridor_sim.engines._shared.factor import factorise
from corridor_sim.engines.dispatch.cycles import cycle_rows
from corridor_sim.errors import SpecError
from corridor_sim.units import PERCENT

__all__ = ["DCLines", "FixedLoads", "NetData", "Storages", "Units", "coupled", "read_net"]

_EPS_PCT = 1e-9


@dataclass(frozen=True, slots=True, eq=False)
class Units:
    """The LP's unit columns (one per in-service element), one entry per unit.

    ``type`` (``ext_grid``/``gen``/``sgen``/``load``/``storage``), ``element`` (pandapower
    index), ``row`` (bus row), ``sign`` (+1 generator convention, -1 load convention),
    ``cost`` (EUR per MW of the element's own ``p_mw``, pandapower's sign rule), ``cost0``
    (EUR per hour), ``lo``/``hi`` (static bounds of ``p_mw``), ``fixed`` (bounds equal),
    ``curtailable`` (sgen whose upper bound is an availability), ``ramp_up``/``ramp_down``
    (MW per hour from the optional ``ramp_up_mw_per_h`` / ``ramp_down_mw_per_h`` columns;
    inf without a limit).
    """

    type: np.ndarray
    element: np.ndarray
    row: np.ndarray
    sign: np.ndarray
    cost: np.ndarray
    cost0: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    fixed: np.ndarray
    curtailable: np.ndarray
    ramp_up: np.ndarray
    ramp_down: np.ndarray


@dataclass(frozen=True, slots=True, eq=False)
class FixedLoads:
    """In-service loads that are not controllable: demand (MW) that may go unserved."""

    element: np.ndarray
    row: np.ndarray
    p_mw: np.ndarray


@dataclass(frozen=True, slots=True, eq=False)
class DCLines:
    """In-service HVDC links with both ends on solved buses.

    ``keep``: MW delivered per MW sent (``1 - loss_percent / 100``); ``loss_mw``: fixed loss
    while in use; ``max_mw``: rating; ``cost``: EUR per MW sent.
    """

    element: np.ndarray
    from_row: np.ndarray
    to_row: np.ndarray
    keep: np.ndarray
    loss_mw: np.ndarray
    max_mw: np.ndarray
    cost: np.ndarray


@dataclass(frozen=True, slots=True, eq=False)
class Storages:
    """Storage units the LP schedules (charge, discharge, state of charge)."""

    element: np.ndarray
    row: np.ndarray
    charge_max_mw: np.ndarray
    discharge_max_mw: np.ndarray
    e_min_mwh: np.ndarray
    e_max_mwh: np.ndarray
    e0_mwh: np.ndarray
    eta_charge: np.ndarray
    eta_discharge: np.ndarray
    cost: np.ndarray


@dataclass(frozen=True, eq=False)
class NetData:
    """Hour-independent arrays of one net (see the module docstring), per component type.

    The network (``model``, bus rows, islands, branch limits) and ``units``
    (:class:`Units`), ``loads`` (:class:`FixedLoads`), ``dclines`` (:class:`DCLines`) and
    ``storage`` (:class:`Storages`). The fields are fixed at construction; the PTDF, its
    offset and the Kirchhoff rows are derived on first use and kept
    (:func:`functools.cached_property`), so the class has no ``__slots__``.
    """

    model: DCModel
    bus_index: np.ndarray
    bus_row: np.ndarray
    n_row: int
    island: np.ndarray  # island label per bus row
    n_island: int
    ref_row: np.ndarray  # the reference (angle 0) bus row of each island
    branch_type: np.ndarray
    branch_element: np.ndarray
    branch_limit_mw: np.ndarray  # inf when not monitored
    monitored: np.ndarray  # branch rows with a finite limit
    units: Units
    loads: FixedLoads
    dclines: DCLines
    storage: Storages

    @cached_property
    def _ptdf_and_offset(self) -> tuple[np.ndarray, np.ndarray]:
        return _ptdf(self.model, self.ref_row)

    @property
    def ptdf(self) -> np.ndarray:
        """Dense PTDF (n_branch x n_row) with ``ref_row`` as the references (computed once)."""
        return self._ptdf_and_offset[0]

    @property
    def offset_mw(self) -> np.ndarray:
        """Flow (MW) at zero injection: the phase-shift term ``Pfinj - PTDF Pbusinj``."""
        return self._ptdf_and_offset[1]

    @cached_property
    def lp_memo(self) -> dict:
        """Memo of the LP builder for this net: block matrices and their structure keys.

        Filled by :func:`corridor_sim.engines.dispatch.rows.build` (the matrix of a block
        without rating columns depends only on the net and the block's length) and
        :func:`corridor_sim.engines.dispatch.lp.solve_block`.
        """
        return {}

    @cached_property
    def kvl(self) -> tuple[sp.csr_matrix, np.ndarray]:
        """Kirchhoff's voltage law rows and right-hand sides of the network (computed once)."""
        return cycle_rows(self.model, self.ref_row)


def coupled(data: NetData) -> bool:
    """Whether anything links consecutive hours (storage or ramping limits)."""
    ramps = np.isfinite(data.units.ramp_up) | np.isfinite(data.units.ramp_down)
    return bool(data.storage.element.size or ramps.any())


def _col(table: pd.DataFrame, name: str, default: float) -> np.ndarray:
    if name not in table:
        return np.full(len(table), default, dtype=float)
    return table[name].astype(float).fillna(default).to_numpy()


def _flag(table: pd.DataFrame, name: str, default: bool) -> np.ndarray:
    if name not in table:
        return np.full(len(table), default, dtype=bool)
    return table[name].astype(object).where(table[name].notna(), default).astype(bool).to_numpy()


def _costs(net: pp.pandapowerNet) -> dict[tuple[str, int], tuple[float, float]]:
    if len(getattr(net, "pwl_cost", ())):
        msg = (
            f"net.pwl_cost has {len(net.pwl_cost)} rows: the dispatch LP reads linear costs "
            "from net.poly_cost only (cp1_eur_per_mw, cp0_eur); convert them or drop pwl_cost"
        )
        raise SpecError(msg)
    out: dict[tuple[str, int], tuple[float, float]] = {}
    for row in net.poly_cost.itertuples():
        cp2 = float(getattr(row, "cp2_eur_per_mw2", 0.0) or 0.0)
        if cp2 != 0.0:
            msg = (
                f"net.poly_cost row {row.Index} ({row.et} {row.element}): cp2_eur_per_mw2 = "
                f"{cp2!r}; the dispatch LP is linear, expected 0 (use cp1_eur_per_mw)"
            )
            raise SpecError(msg)
        key = (str(row.et), int(row.element))
        if key in out:
            msg = f"net.poly_cost: two cost rows for {key[0]} {key[1]}; expected one"
            raise SpecError(msg)
        out[key] = (float(row.cp1_eur_per_mw), float(row.cp0_eur))
    return out


def _islands(model: DCModel) -> tuple[np.ndarray, int]:
    n = model.n_bus
    f, t = model.branch_from_row, model.branch_to_row
    graph = sp.coo_matrix((np.ones(f.size), (f, t)), shape=(n, n))
    n_isl, labels = connected_components(graph, directed=False)
    return labels, int(n_isl)


def _references(model: DCModel, island: np.ndarray) -> np.ndarray:
    """Return the first slack row of each island (or its first row without a slack)."""
    refs = []
    for isl in np.unique(island):
        rows = model.ref_rows[island[model.ref_rows] == isl]
        refs.append(int(rows[0]) if rows.size else int(np.flatnonzero(island == isl)[0]))
    return np.asarray(refs, dtype=np.int64)


def _ptdf(model: DCModel, refs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PTDF with the rows `refs` (one per island) as its references, and the offset."""
    nonref = np.setdiff1d(np.arange(model.n_bus), refs)
    ptdf = np.zeros((model.n_branch, model.n_bus))
    if nonref.size and model.n_branch:
        bf = model.bf[:, nonref].toarray()
        if nonref.size <= DENSE_INVERSE_MAX_BUS:
            ptdf[:, nonref] = bf @ np.linalg.inv(model.bbus[nonref][:, nonref].toarray())
        else:  # Bbus is symmetric: PTDF.T = Bbus^-1 Bf.T, solved with the sparse LU
            ptdf[:, nonref] = factorise(model.bbus[nonref][:, nonref]).solve(bf.T).T
    offset = model.p_shift_branch_mw - ptdf @ model.p_shift_bus_mw
    return ptdf, offset


def _bus_rows(model: DCModel) -> Callable[[pd.Series], np.ndarray]:
    """Return a function mapping a column of pandapower bus indices to bus rows (-1: not solved)."""
    pos = pd.Index(np.asarray(model.bus_index))

    def rows_of(buses: pd.Series) -> np.ndarray:
        return model.bus_row[pos.get_indexer(buses.to_numpy())]

    return rows_of


def _branch_limits(net: pp.pandapowerNet, model: DCModel) -> np.ndarray:
    """MW limit per branch row from ``max_loading_percent`` of lines and trafos (inf: none)."""
    per_mw = model.loading_pct_per_mw
    limit = np.full(model.n_branch, np.inf)
    for kind, index, rows in (
        ("line", model.line_index, model.line_row),
        ("trafo", model.trafo_index, model.trafo_row),
    ):
        if not len(index):
            continue
        pct = _col(net[kind], "max_loading_percent", np.nan)
        ok = (rows >= 0) & np.isfinite(pct)
        r = rows[ok]
        with np.errstate(divide="ignore"):
            limit[r] = np.where(per_mw[r] > _EPS_PCT, pct[ok] / per_mw[r], np.inf)
    return limit


class _Units:
    """Collects the LP's unit columns (one per in-service element), see :class:`NetData`."""

    _FIELDS = (
        ("type", object), ("element", np.int64), ("row", np.int64), ("sign", float),
        ("cost", float), ("cost0", float), ("lo", float), ("hi", float), ("fixed", bool),
        ("curtailable", bool), ("ramp_up", float), ("ramp_down", float),
    )  # fmt: skip

    def __init__(self, costs: dict, rows_of: Callable[[pd.Series], np.ndarray]) -> None:
        self.costs = costs
        self.rows_of = rows_of
        self.cols: dict[str, list] = {name: [] for name, _ in self._FIELDS}

    def add(
        self,
        kind: str,
        table: pd.DataFrame,
        sign: float,
        lo: np.ndarray,
        hi: np.ndarray,
        fixed: np.ndarray,
        *,
        curtailable: bool = False,
    ) -> None:
        """Add the in-service elements of `table` (on a solved bus) as units."""
        rows = self.rows_of(table["bus"])
        active = _flag(table, "in_service", True) & (rows >= 0)
        ramp = [_col(table, f"ramp_{d}_mw_per_h", np.inf) for d in ("up", "down")]
        bad = np.flatnonzero(active & ((ramp[0] < 0) | (ramp[1] < 0)))
        if bad.size:
            msg = (
                f"net.{kind} {table.index[bad[0]]}: ramp_up_mw_per_h / ramp_down_mw_per_h = "
                f"{float(ramp[0][bad[0]])!r} / {float(ramp[1][bad[0]])!r}; expected MW per hour "
                ">= 0 or NaN"
            )
            raise SpecError(msg)
        for j in np.flatnonzero(active):
            c1, c0 = self.costs.get((kind, int(table.index[j])), (0.0, 0.0))
            values = (
                kind, int(table.index[j]), int(rows[j]), sign, c1, c0, float(lo[j]),
                float(hi[j]), bool(fixed[j]), curtailable and not fixed[j], float(ramp[0][j]),
                float(ramp[1][j]),
            )  # fmt: skip
            for (name, _), v in zip(self._FIELDS, values, strict=True):
                self.cols[name].append(v)

    def arrays(self) -> Units:
        """Return the collected units."""
        return Units(
            **{name: np.asarray(self.cols[name], dtype=dtype) for name, dtype in self._FIELDS}
        )


def _add_generators(net: pp.pandapowerNet, units: _Units) -> None:
    """ext_grids, gens, sgens and controllable loads as units (bounds as rundcopp reads them)."""
    eg = net.ext_grid
    if len(eg):
        lo, hi = _col(eg, "min_p_mw", -np.inf), _col(eg, "max_p_mw", np.inf)
        units.add("ext_grid", eg, 1.0, lo, hi, np.zeros(len(eg), bool))
    for kind, default_ctrl in (("gen", True), ("sgen", False)):
        tab = net[kind]
        if not len(tab):
            continue
        ctrl = _flag(tab, "controllable", default_ctrl)
        p_fix = _col(tab, "p_mw", 0.0) * _col(tab, "scaling", 1.0)
        lo = np.where(ctrl, _col(tab, "min_p_mw", 0.0), p_fix)
        hi = np.where(ctrl, _col(tab, "max_p_mw", np.nan), p_fix)
        bad = np.flatnonzero(ctrl & ~np.isfinite(hi) & _flag(tab, "in_service", True))
        if bad.size:
            msg = (
                f"net.{kind}.max_p_mw is NaN for controllable {kind} {tab.index[bad[0]]}: "
                "expected a finite MW limit (or give it per hour in the "
                f"{kind}_max_p_mw table)"
            )
            raise SpecError(msg)
        units.add(kind, tab, 1.0, lo, hi, ~ctrl, curtailable=kind == "sgen")
    ld = net.load
    ctrl_load = _flag(ld, "controllable", False) if len(ld) else np.zeros(0, bool)
    if ctrl_load.any():
        sub = ld[ctrl_load]
        lo, hi = _col(sub, "min_p_mw", 0.0), _col(sub, "max_p_mw", np.nan)
        units.add("load", sub, -1.0, lo, hi, np.zeros(len(sub), bool))


def _fixed_loads(net: pp.pandapowerNet, rows_of: Callable[[pd.Series], np.ndarray]) -> FixedLoads:
    """Return the fixed in-service loads (demand that may go unserved)."""
    ld = net.load
    ctrl_load = _flag(ld, "controllable", False) if len(ld) else np.zeros(0, bool)
    fixed_ld = ld[~ctrl_load] if len(ld) else ld
    ld_rows = rows_of(fixed_ld["bus"]) if len(fixed_ld) else np.zeros(0, np.int64)
    ld_active = _flag(fixed_ld, "in_service", True) if len(fixed_ld) else np.zeros(0, bool)
    ld_p = _col(fixed_ld, "p_mw", 0.0) * _col(fixed_ld, "scaling", 1.0)
    lost = ld_active & (ld_rows < 0) & (ld_p != 0)
    if lost.any():
        el = fixed_ld.index[np.flatnonzero(lost)[0]]
        msg = (
            f"load {el} (bus {fixed_ld.loc[el, 'bus']}) sits on a bus that is out of service or "
            "in an island without a slack; expected every in-service load to be reachable from "
            "an ext_grid or a gen with slack=True"
        )
        raise SpecError(msg)
    keep = ld_active & (ld_rows >= 0)
    return FixedLoads(
        element=fixed_ld.index.to_numpy()[keep] if len(fixed_ld) else np.zeros(0, np.int64),
        row=ld_rows[keep],
        p_mw=ld_p[keep],
    )


def _scheduled_storage(
    net: pp.pandapowerNet,
    units: _Units,
    rows_of: Callable[[pd.Series], np.ndarray],
    *,
    storage: bool,
) -> pd.DataFrame:
    """Storage units the LP schedules; the others are added to `units` as fixed loads."""
    st = net.storage if "storage" in net else pd.DataFrame()
    if not len(st):
        return st
    st_on = _flag(st, "in_service", True) & (rows_of(st["bus"]) >= 0)
    if storage:
        st_on &= _col(st, "max_e_mwh", 0.0) > 0
    fixed_st = st[~st_on] if storage else st
    if len(fixed_st):
        p = _col(fixed_st, "p_mw", 0.0) * _col(fixed_st, "scaling", 1.0)
        units.add("storage", fixed_st, -1.0, p, p, np.ones(len(fixed_st), bool))
    return st[st_on] if storage else st.iloc[:0]


def _storage(
    sto: pd.DataFrame,
    costs: dict,
    rows_of: Callable[[pd.Series], np.ndarray],
    *,
    round_trip_efficiency_pct: float,
    initial_soc_pct: float,
) -> Storages:
    """Return the scheduled storage units `sto`, checked."""
    if not len(sto):
        none = np.zeros(0)
        return Storages(
            element=np.zeros(0, np.int64), row=np.zeros(0, np.int64), charge_max_mw=none,
            discharge_max_mw=none, e_min_mwh=none, e_max_mwh=none, e0_mwh=none,
            eta_charge=none, eta_discharge=none, cost=none,
        )  # fmt: skip
    cmax = _col(sto, "max_p_mw", np.nan)
    dmax = -_col(sto, "min_p_mw", np.nan)
    dmax = np.where(np.isnan(dmax), cmax, dmax)
    if not (np.isfinite(cmax).all() and (cmax >= 0).all() and (dmax >= 0).all()):
        msg = (
            "net.storage: max_p_mw must be a finite charging limit >= 0 MW and min_p_mw "
            f"<= 0 (discharge); got max_p_mw={cmax.tolist()}, min_p_mw={(-dmax).tolist()}"
        )
        raise SpecError(msg)
    e_max, e_min = _col(sto, "max_e_mwh", 0.0), _col(sto, "min_e_mwh", 0.0)
    soc0 = _col(sto, "soc_percent", initial_soc_pct)
    rte = _col(sto, "efficiency_percent", round_trip_efficiency_pct) / PERCENT
    if not ((rte > 0) & (rte <= 1)).all():
        msg = f"net.storage.efficiency_percent = {(rte * PERCENT).tolist()}: expected (0, 100]"
        raise SpecError(msg)
    bad = ~((soc0 >= 0) & (soc0 <= PERCENT) & (e_min >= 0) & (e_min <= e_max))
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        msg = (
            f"net.storage {sto.index[j]}: soc_percent = {float(soc0[j])!r}, min_e_mwh = "
            f"{float(e_min[j])!r}, max_e_mwh = {float(e_max[j])!r}; expected "
            "0 <= soc_percent <= 100 and 0 <= min_e_mwh <= max_e_mwh"
        )
        raise SpecError(msg)
    eta = np.sqrt(rte)  # the round trip split evenly between charging and discharging
    return Storages(
        element=sto.index.to_numpy(),
        row=rows_of(sto["bus"]),
        charge_max_mw=cmax,
        discharge_max_mw=dmax,
        e_min_mwh=e_min,
        e_max_mwh=e_max,
        e0_mwh=soc0 / PERCENT * e_max,
        eta_charge=eta,
        eta_discharge=eta,
        cost=np.array([costs.get(("storage", int(e)), (0.0, 0.0))[0] for e in sto.index]),
    )


def _dclines(
    net: pp.pandapowerNet, rows_of: Callable[[pd.Series], np.ndarray], costs: dict
) -> DCLines:
    """Return the in-service HVDC links with both ends on solved buses."""
    dc = net.dcline if "dcline" in net else pd.DataFrame()
    if len(dc):
        dc = dc[_flag(dc, "in_service", True)]
    dc_f = rows_of(dc["from_bus"]) if len(dc) else np.zeros(0, np.int64)
    dc_t = rows_of(dc["to_bus"]) if len(dc) else np.zeros(0, np.int64)
    if len(dc) and ((dc_f < 0) | (dc_t < 0)).any():
        el = dc.index[np.flatnonzero((dc_f < 0) | (dc_t < 0))[0]]
        msg = (
            f"dcline {el}: a terminal bus is out of service or in an island without a slack; "
            "expected both ends reachable from an ext_grid or a gen with slack=True"
        )
        raise SpecError(msg)
    return DCLines(
        element=dc.index.to_numpy() if len(dc) else np.zeros(0, np.int64),
        from_row=dc_f,
        to_row=dc_t,
        keep=1.0 - _col(dc, "loss_percent", 0.0) / PERCENT,
        loss_mw=_col(dc, "loss_mw", 0.0),
        max_mw=_col(dc, "max_p_mw", np.nan),
        cost=np.array([costs.get(("dcline", int(e)), (0.0, 0.0))[0] for e in dc.index]),
    )


def read_net(
    net: pp.pandapowerNet,
    *,
    storage: bool,
    round_trip_efficiency_pct: float,
    initial_soc_pct: float,
) -> NetData:
    """Read `net` into :class:`NetData` (the net is not modified).

    `round_trip_efficiency_pct` and `initial_soc_pct` fill NaN / missing
    ``efficiency_percent`` and ``soc_percent`` of scheduled storage units.
    """
    model = DCModel.from_net(net)
    rows_of = _bus_rows(model)
    island, n_isl = _islands(model)
    limit = _branch_limits(net, model)
    costs = _costs(net)
    units = _Units(costs, rows_of)
    _add_generators(net, units)
    loads = _fixed_loads(net, rows_of)
    stores = _storage(
        _scheduled_storage(net, units, rows_of, storage=storage),
        costs,
        rows_of,
        round_trip_efficiency_pct=round_trip_efficiency_pct,
        initial_soc_pct=initial_soc_pct,
    )
    return NetData(
        model=model,
        bus_index=np.asarray(model.bus_index),
        bus_row=model.bus_row,
        n_row=model.n_bus,
        island=island,
        n_island=n_isl,
        ref_row=_references(model, island),
        branch_type=model.branch_element,
        branch_element=model.branch_element_index,
        branch_limit_mw=limit,
        monitored=np.flatnonzero(np.isfinite(limit)),
        units=units.arrays(),
        loads=loads,
        dclines=_dclines(net, rows_of, costs),
        storage=stores,
    )
