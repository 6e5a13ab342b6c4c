"""The gas chain to the Serbian plant as a daily commodity network (365 days, mcm per day).

Route (REFERENCES C6–C11, ``assumptions_serbia_gas.csv``)::

    contract ─▶ sangachal ─SCP─▶ turkgozu ─TANAP─▶ kipoi ─TAP─▶ komotini ─IGB─▶ stara_zagora
                                                     │                             │ BG grid
                                  Turkish grid (TR–BG entry)                       ▼
                                                     ▼                         novi_iskar
                                  malkoclar ─Balkan Stream─▶ kireevo               │ IBS
                                                               └── Serbian grid ──▶ nis
    nis ─▶ today's users, plant; nis ◀─▶ banatski_dvor (the plant's share)

The network carries gas to Serbia only. Each leg's arc capacity is the room the leg's other
users (Türkiye, the TAP shippers, Bulgaria, TurkStream's Russian gas) leave for it, per day
(the annual figure ratably over the 365 days); the leg's own capacity and its other users'
use are in :func:`leg_table`. The Azerbaijani contract is an account (a storage node that
starts the year with the contracted volume) delivering at most ``contract_daily_max`` times
its ratable rate per day (the part above the ratable rate, ``contract_swing``, costs
:data:`COST_SWING`). Today's users take their share first (unmet penalty
:data:`PENALTY_USERS`); the plant gets what is left (:data:`PENALTY_PLANT`). The plant's
share of Banatski Dvor is a storage node with its injection and withdrawal rates as arcs;
its year is cyclic (it ends at least as full as it starts).

For "what the plant needs" the network takes a new contract (a supply at Sangachal, at most
``new_contract_mcm_per_d`` a day, cost :data:`COST_NEW_CONTRACT` per mcm) and parallel
``<leg>_new`` arcs of unlimited capacity on the legs of the main route (cost
:data:`COST_NEW_CAPACITY` per mcm), so the solution uses the existing room first.
Costs are in cost units (cu) that only rank the choices.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.engines.commodity import Arc, CommodityNetwork, Node, NodeKind
from corridor_sim.errors import SpecError
from corridor_sim.models.serbia.gas.params import ChainSpec
from corridor_sim.models.serbia.gas.route import gas_mcm_from_mwh
from corridor_sim.models.toolkit.calendar import make_slices
from corridor_sim.units import HOURS_PER_DAY, THOUSAND

__all__ = [
    "DAYS",
    "LEGS",
    "MAIN_ROUTE",
    "Leg",
    "chain_network",
    "daily_gas_need_mcm",
    "existing_use_mcm",
    "leg_table",
    "plant_at_nis",
    "serbian_demand_shape",
]

#: Days of the model year (the hourly horizon of 8760 hours).
DAYS = 365
#: Unmet penalties (cu per mcm): today's users before the plant.
PENALTY_USERS, PENALTY_PLANT = 10.0, 1.0
#: Cost of a mcm of the new contract and of a mcm over a new-capacity arc (cu per mcm).
COST_NEW_CONTRACT, COST_NEW_CAPACITY = 0.1, 0.01
#: Cost of a mcm into or out of storage, and over the Türkiye–Bulgaria route (cu per mcm).
COST_STORAGE, COST_DETOUR = 1e-3, 1e-3
#: Cost of a mcm of the contract above its ratable rate (its daily swing), cu per mcm: above a
#: storage round trip, so storage at Niš flattens what the route carries before the swing does.
COST_SWING = 5e-3
#: Day of the year (0-based) on which Serbian demand peaks: mid-January.
PEAK_DAY = 14


def _ratable(bcm_per_yr: float | np.ndarray) -> np.ndarray:
    """Annual volume (bcm/yr) as mcm per day over the model year."""
    return np.asarray(bcm_per_yr, dtype=float) * THOUSAND / DAYS


@dataclass(frozen=True)
class Leg:
    """One pipeline leg: its ends, and its capacity and room for gas to Serbia by day.

    ``capacity`` and ``free`` map (spec, dates) to bcm/yr per day; ``main`` legs are on the
    TAP/IGB/IBS route and get a new-capacity arc in the needs study.
    """

    id: str
    source: str
    target: str
    label: str
    capacity: Callable[[ChainSpec, pd.DatetimeIndex], np.ndarray]
    free: Callable[[ChainSpec, pd.DatetimeIndex], np.ndarray]
    main: bool = True


def _const(f: Callable[[ChainSpec], float]) -> Callable[[ChainSpec, pd.DatetimeIndex], np.ndarray]:
    return lambda s, dates: np.full(len(dates), float(f(s)))


def _tap_on(s: ChainSpec, dates: pd.DatetimeIndex) -> np.ndarray:
    """1.0 on the days the TAP expansion is in service, else 0.0."""
    start = pd.Timestamp(year=int(s.tap_expansion_year), month=1, day=1)
    return (dates >= start).astype(float)


def _tap_capacity(s: ChainSpec, dates: pd.DatetimeIndex) -> np.ndarray:
    return s.tap_capacity + s.tap_expansion_bcm_per_yr * _tap_on(s, dates)


def _tap_free(s: ChainSpec, dates: pd.DatetimeIndex) -> np.ndarray:
    open_share = 1.0 - s.tap_expansion_booked_share
    return s.tap_free_bcm_per_yr + s.tap_expansion_bcm_per_yr * open_share * _tap_on(s, dates)


def _balkan_capacity(s: ChainSpec) -> float:  # a leg capacity takes the spec
    return value("serbia.gas.balkan_stream.capacity", unit="bcm/yr")


#: The legs, upstream first; the Türkiye–Bulgaria route last.
LEGS: tuple[Leg, ...] = (
    Leg("scp", "sangachal", "turkgozu", "South Caucasus Pipeline with SCPX",
        _const(lambda s: s.scp_capacity), _const(lambda s: s.scp_free_bcm_per_yr)),
    Leg("tanap", "turkgozu", "kipoi", "TANAP",
        _const(lambda s: s.tanap_capacity), _const(lambda s: s.tanap_free_bcm_per_yr)),
    Leg("tap", "kipoi", "komotini", "TAP (Kipoi–Komotini)", _tap_capacity, _tap_free),
    Leg("igb", "komotini", "stara_zagora", "IGB",
        _const(lambda s: s.igb_capacity), _const(lambda s: s.igb_free_bcm_per_yr)),
    Leg("ibs", "novi_iskar", "nis", "IBS (Novi Iskar–Niš)",
        _const(lambda s: s.ibs_capacity),
        _const(lambda s: max(0.0, s.ibs_capacity - s.ibs_other_use))),
    Leg("botas_transit", "kipoi", "malkoclar", "Turkish grid to Malkoçlar",
        _const(lambda s: s.botas_transit_bcm_per_yr),
        _const(lambda s: s.botas_transit_bcm_per_yr), main=False),
    Leg("balkan_stream", "malkoclar", "kireevo", "Balkan Stream (Strandzha 2–Kireevo)",
        _const(_balkan_capacity), _const(lambda s: s.balkan_stream_free_bcm_per_yr), main=False),
)  # fmt: skip
#: Ids of the legs that get a new-capacity arc in the needs study.
MAIN_ROUTE: tuple[str, ...] = tuple(leg.id for leg in LEGS if leg.main)

_NODE_LABELS = {
    "contract": "Azerbaijani contract for Serbia (account)",
    "sangachal": "Sangachal terminal",
    "turkgozu": "Georgia–Türkiye border (SCP/TANAP)",
    "kipoi": "Kipoi (TANAP/TAP)",
    "komotini": "Komotini (TAP/IGB)",
    "stara_zagora": "Stara Zagora (IGB/Bulgarian grid)",
    "novi_iskar": "Novi Iskar (IBS)",
    "malkoclar": "Malkoçlar/Strandzha 2 (Türkiye–Bulgaria entry)",
    "kireevo": "Kireevo/Zaječar (Bulgaria–Serbia)",
    "nis": "Niš (Serbian grid)",
}


def _dates(year: int) -> tuple[tuple[str, ...], tuple[pd.Timestamp, ...]]:
    slices = make_slices(int(year), DAYS, resolution="day")
    return tuple(s.label for s in slices), tuple(s.start for s in slices)


def leg_table(spec: ChainSpec) -> pd.DataFrame:
    """Each leg's capacity, its other users' use and its room for gas to Serbia, by date.

    One row per leg and period in which its figures hold (a new row when the TAP expansion
    enters service): ``element, source, target, label, route, snapshot, capacity_bcm_per_yr,
    other_use_bcm_per_yr, free_bcm_per_yr, free_mcm_per_d``.

    Examples
    --------
    >>> from corridor_sim.models.serbia.gas.study import chain_spec
    >>> t = leg_table(chain_spec(2029))
    >>> t.set_index("element").loc["ibs", "capacity_bcm_per_yr"]
    np.float64(1.8)
    """
    _, stamps = _dates(spec.year)
    dates = pd.DatetimeIndex(stamps)
    rows = []
    for leg in LEGS:
        cap = leg.capacity(spec, dates)
        free = np.minimum(leg.free(spec, dates), cap)
        change = np.r_[True, (np.diff(cap) != 0) | (np.diff(free) != 0)]
        for i in np.flatnonzero(change):
            rows.append(
                {
                    "element": leg.id,
                    "source": leg.source,
                    "target": leg.target,
                    "label": leg.label,
                    "route": "TAP/IGB/IBS" if leg.main else "Türkiye–Bulgaria",
                    "snapshot": dates[i],
                    "capacity_bcm_per_yr": float(cap[i]),
                    "other_use_bcm_per_yr": float(cap[i] - free[i]),
                    "free_bcm_per_yr": float(free[i]),
                    "free_mcm_per_d": float(_ratable(free[i])),
                }
            )
    return pd.DataFrame(rows)


def serbian_demand_shape(*, days: int = DAYS) -> np.ndarray:
    """Daily shape of Serbian gas demand (sums to 1): industry flat, heating peaking mid-January.

    Industry (``serbia.gas.demand.industry``) is flat; heating (``serbia.gas.demand.heating``)
    follows ``max(0, cos(2π(d - PEAK_DAY)/days) - c)`` with ``c`` chosen so that the peak day
    is ``serbia.gas.demand.peak_day`` (14 mcm/d) for the annual total.

    Examples
    --------
    >>> shape = serbian_demand_shape()
    >>> round(float(shape.sum()), 12), int(shape.argmax())
    (1.0, 14)
    """
    base = value("serbia.gas.demand.industry", unit="bcm/yr") * THOUSAND / days
    heating = value("serbia.gas.demand.heating", unit="bcm/yr") * THOUSAND
    peak = value("serbia.gas.demand.peak_day", unit="mcm/d") - base
    if peak <= 0 or heating <= 0:
        msg = "serbia.gas.demand.peak_day: expected a peak day above the flat industrial demand"
        raise SpecError(msg)
    cos = np.cos(2 * np.pi * (np.arange(days) - PEAK_DAY) / days)

    def total(c: float) -> float:  # heating volume for a peak of `peak`, given cut-off c
        return float(peak * np.maximum(0.0, cos - c).sum() / (1.0 - c))

    lo, hi = -1.0, 1.0 - 1e-9
    if total(lo) < heating:
        msg = (
            f"serbian demand: heating {heating:.0f} mcm/yr cannot have a peak of only "
            f"{peak:.1f} mcm/d above industry; check serbia.gas.demand.*"
        )
        raise SpecError(msg)
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if total(mid) > heating else (lo, mid)
    c = 0.5 * (lo + hi)
    daily = base + peak * np.maximum(0.0, cos - c) / (1.0 - c)
    return daily / daily.sum()


def existing_use_mcm(spec: ChainSpec) -> np.ndarray:
    """Today's users' daily offtake of the contract, mcm/d (flat, or shaped like Serbian demand)."""
    total = spec.contract_existing_use * THOUSAND
    if spec.existing_use_profile == "seasonal":
        return total * serbian_demand_shape()
    return np.full(DAYS, total / DAYS)


def daily_gas_need_mcm(plant_mw: npt.ArrayLike, *, efficiency: float) -> np.ndarray:
    """Daily gas burn (mcm/d, Serbian LHV) of an hourly output series of 8760 values (MW).

    Examples
    --------
    >>> need = daily_gas_need_mcm(np.full(8760, 500.0), efficiency=0.58)
    >>> need.shape, round(float(need[0]), 3)
    ((365,), 2.234)
    """
    mw = np.asarray(plant_mw, dtype=float)
    if mw.ndim != 1 or mw.size != DAYS * HOURS_PER_DAY:
        msg = f"plant_mw: {mw.size} values; expected {DAYS * HOURS_PER_DAY} hourly values (MW)"
        raise SpecError(msg)
    if not np.all(np.isfinite(mw)) or np.any(mw < 0):
        bad = int(np.flatnonzero(~np.isfinite(mw) | (mw < 0))[0])
        msg = f"plant_mw[{bad}] = {mw[bad]!r}: expected a finite output >= 0 MW"
        raise SpecError(msg)
    energy_mwh = mw.reshape(DAYS, HOURS_PER_DAY).sum(axis=1)
    return np.asarray(gas_mcm_from_mwh(energy_mwh, efficiency=efficiency), dtype=float)


def _check_need(plant_mcm_per_d: npt.ArrayLike) -> np.ndarray:
    need = np.asarray(plant_mcm_per_d, dtype=float)
    if need.shape != (DAYS,) or not np.all(np.isfinite(need)) or np.any(need < 0):
        msg = f"plant_mcm_per_d: expected {DAYS} finite values >= 0 (mcm/d), got shape {need.shape}"
        raise SpecError(msg)
    return need


def plant_at_nis(spec: ChainSpec, need: np.ndarray) -> tuple[list[Node], list[Arc]]:
    """Return the plant and its share of Banatski Dvor at node ``nis``: nodes and arcs.

    Every supply route ends there (the chain and :mod:`.sizing`'s routes share it): the
    plant's demand ``plant`` (unmet penalty :data:`PENALTY_PLANT`), the storage
    ``banatski_dvor`` (its year cyclic) with arcs ``plant_offtake``, ``injection`` and
    ``withdrawal``.

    Examples
    --------
    >>> from corridor_sim.models.serbia.gas.study import chain_spec
    >>> nodes, arcs = plant_at_nis(chain_spec(2029), np.full(365, 2.0))
    >>> [n.id for n in nodes], [a.id for a in arcs]
    (['plant', 'banatski_dvor'], ['plant_offtake', 'injection', 'withdrawal'])
    """
    store = spec.plant_storage_mcm
    nodes = [
        Node("plant", kind=NodeKind.DEMAND, demand=tuple(need.tolist()),
             unmet_penalty=PENALTY_PLANT, label="the gas plant"),
        Node("banatski_dvor", kind=NodeKind.STORAGE, storage_capacity=store,
             initial_level=spec.plant_storage_start_level * store,
             final_level=spec.plant_storage_start_level * store,
             label="Banatski Dvor (the plant's share)"),
    ]  # fmt: skip
    arcs = [
        Arc("nis", "plant", capacity=math.inf, id="plant_offtake"),
        Arc("nis", "banatski_dvor", capacity=spec.plant_storage_injection_mcm_per_d,
            cost=COST_STORAGE, id="injection", label="Banatski Dvor injection"),
        Arc("banatski_dvor", "nis", capacity=spec.plant_storage_withdrawal_mcm_per_d,
            cost=COST_STORAGE, id="withdrawal", label="Banatski Dvor withdrawal"),
    ]  # fmt: skip
    return nodes, arcs


def _nodes(
    spec: ChainSpec, need: np.ndarray, new_contract: float | None, *, legs: bool
) -> list[Node]:
    account = spec.contracted_volume * THOUSAND
    transit = ("sangachal", "turkgozu", "kipoi", "komotini", "stara_zagora", "novi_iskar",
               "malkoclar", "kireevo", "nis") if legs else ("sangachal", "nis")  # fmt: skip
    nodes = [
        Node("contract", kind=NodeKind.STORAGE, storage_capacity=account, initial_level=account,
             label=_NODE_LABELS["contract"]),
        *(Node(n, label=_NODE_LABELS[n]) for n in transit),
        Node("users", kind=NodeKind.DEMAND, demand=tuple(existing_use_mcm(spec).tolist()),
             unmet_penalty=PENALTY_USERS, label="today's users of the contract"),
        *plant_at_nis(spec, need)[0],
    ]  # fmt: skip
    if new_contract is not None:
        nodes.append(
            Node("new_contract", kind=NodeKind.SUPPLY, supply=math.inf,
                 supply_cost=COST_NEW_CONTRACT, label="new contract for the plant")
        )  # fmt: skip
    return nodes


def _route_arcs(spec: ChainSpec, dates: pd.DatetimeIndex, *, expand: bool) -> list[Arc]:
    arcs = []
    for leg in LEGS:
        free = np.minimum(leg.free(spec, dates), leg.capacity(spec, dates))
        cost = 0.0 if leg.main else COST_DETOUR
        arcs.append(Arc(leg.source, leg.target, capacity=tuple(_ratable(free).tolist()),
                        cost=cost, id=leg.id, label=leg.label))  # fmt: skip
        if expand and leg.main:
            arcs.append(Arc(leg.source, leg.target, capacity=math.inf, cost=COST_NEW_CAPACITY,
                            id=f"{leg.id}_new", label=f"new capacity on {leg.label}"))  # fmt: skip
    return [
        *arcs,
        Arc("stara_zagora", "novi_iskar", capacity=math.inf, id="bg_grid",
            label="Bulgarian grid (not limiting)"),
        Arc("kireevo", "nis", capacity=math.inf, cost=COST_DETOUR, id="rs_grid",
            label="Gastrans and Serbian grid (not limiting)"),
    ]  # fmt: skip


def _arcs(spec: ChainSpec, dates: pd.DatetimeIndex, new_contract: float | None,
          *, expand: bool, route_cap: float | None) -> list[Arc]:  # fmt: skip
    ratable = float(_ratable(spec.contracted_volume))
    entry = "sangachal"
    arcs = [
        Arc("contract", entry, capacity=ratable, id="contract_delivery",
            label="Azerbaijani contract, ratable delivery"),
        Arc("contract", entry, capacity=ratable * (spec.contract_daily_max - 1.0),
            cost=COST_SWING, id="contract_swing", label="Azerbaijani contract, daily swing"),
    ]  # fmt: skip
    if route_cap is None:
        arcs += _route_arcs(spec, dates, expand=expand)
    else:
        arcs.append(Arc("sangachal", "nis", capacity=route_cap, id="route",
                        label="the route as one arc (every leg expandable)"))  # fmt: skip
    arcs += [
        Arc("nis", "users", capacity=math.inf, id="users_offtake"),
        *plant_at_nis(spec, np.zeros(0))[1],
    ]
    if new_contract is not None:
        arcs.append(Arc("new_contract", entry, capacity=new_contract,
                        id="new_contract_delivery", label="new contract delivery"))  # fmt: skip
    return arcs


def chain_network(
    spec: ChainSpec,
    plant_mcm_per_d: npt.ArrayLike,
    *,
    new_contract_mcm_per_d: float | None = None,
    expand: bool = False,
    route_cap_mcm_per_d: float | None = None,
    name: str = "serbia_gas_chain",
) -> CommodityNetwork:
    """Build the chain for one year of days (mcm per day).

    Parameters
    ----------
    spec : ChainSpec
        The year's capacities, room, contract and storage.
    plant_mcm_per_d : array_like of 365 floats
        The plant's daily gas need (:func:`daily_gas_need_mcm`).
    new_contract_mcm_per_d : float, optional
        Add a new contract delivering at most this much a day (``math.inf``: no limit).
    expand : bool
        Add unlimited new-capacity arcs ``<leg>_new`` on the legs of :data:`MAIN_ROUTE`.
    route_cap_mcm_per_d : float, optional
        Replace the legs by one arc ``route`` (Sangachal–Niš) of this capacity per day
        (``math.inf``: none) -- the network of the needs study, in which every leg may be
        expanded, so only the flow the whole route must carry matters.
    name : str
        Network name.

    Returns
    -------
    CommodityNetwork
        Periods ``"YYYY-MM-DD"`` with their snapshots; unit ``mcm``.

    Examples
    --------
    >>> from corridor_sim.models.serbia.gas.study import chain_spec
    >>> net = chain_network(chain_spec(2029), np.zeros(365))
    >>> net.n_periods, net.unit, net.arc("ibs").capacity[0] == 1.8e3 / 365
    (365, 'mcm', True)
    """
    need = _check_need(plant_mcm_per_d)
    for name_, x in (("new_contract_mcm_per_d", new_contract_mcm_per_d),
                     ("route_cap_mcm_per_d", route_cap_mcm_per_d)):  # fmt: skip
        if x is not None and not x >= 0:
            msg = f"{name_} = {x!r}: expected a number >= 0 (mcm/d)"
            raise SpecError(msg)
    labels, stamps = _dates(spec.year)
    return CommodityNetwork(
        nodes=tuple(_nodes(spec, need, new_contract_mcm_per_d, legs=route_cap_mcm_per_d is None)),
        arcs=tuple(
            _arcs(
                spec,
                pd.DatetimeIndex(stamps),
                new_contract_mcm_per_d,
                expand=expand,
                route_cap=route_cap_mcm_per_d,
            )
        ),  # fmt: skip
        periods=labels,
        snapshots=stamps,
        unit="mcm",
        name=name,
    )
