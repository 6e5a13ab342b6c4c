"""What the plant needs on each supply route: the same daily chain LP for every route.

One network per route (:func:`route_network`), 365 days in mcm/d::

    new_contract ─▶ source ─booked─▶ entry ─leg 1─▶ … ─leg n─▶ nis ─▶ plant
    (contract left) ┘                         (<leg>_new)         ▲▼ banatski_dvor

Each limiting leg of :data:`~.tariffs.ROUTE_LEGS` is an arc whose capacity on each day is the
room its other users leave for gas to Serbia (:func:`~.supply.leg_room_mcm_per_d`); the
grids the model does not limit are left out. Gas comes from a new contract (cost
:data:`~.chain.COST_NEW_CONTRACT` per mcm) after the contracted gas left for the plant on the
route (the Azerbaijani contract in its years), delivered ratably up to the contract's daily
swing. The plant's share of Banatski Dvor (:class:`~.params.ChainSpec`) serves every route:
it sits at Niš, where every route ends. With ``expand`` each leg gets a parallel arc
``<leg>_new`` of unlimited capacity (cost :data:`~.chain.COST_NEW_CAPACITY` per mcm), so a
plan uses the room first; ``booked_mcm_per_d`` caps what the route carries on any day.

:func:`size_route` answers for one route, with the plant's storage and without it: the
contract volume, the largest daily capacity the plant must book on the route (the least
cap with no day short: a bisection on ``booked_mcm_per_d``, within
:data:`~.needs.TOL_MCM_PER_D`), the new capacity each leg needs in that plan, which leg binds
and on how many days its room is full, and the gas short with the legs as
they are. :func:`route_needs` is its table over the three routes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridor_sim.engines.commodity import (
    Arc,
    CommodityNetwork,
    CommoditySolution,
    Node,
    NodeKind,
    solve,
)
from corridor_sim.errors import SpecError, UnknownNameError, suggest
from corridor_sim.models.serbia.gas.chain import (
    COST_NEW_CAPACITY,
    COST_NEW_CONTRACT,
    DAYS,
    _check_need,
    _dates,
    plant_at_nis,
)
from corridor_sim.models.serbia.gas.needs import TOL_MCM, _bisect, no_storage
from corridor_sim.models.serbia.gas.params import ChainSpec
from corridor_sim.models.serbia.gas.route import mwh_from_gas_mcm
from corridor_sim.models.serbia.gas.supply import SUPPLY_LEGS, leg_room_mcm_per_d
from corridor_sim.models.serbia.gas.tariffs import (
    GAS_ROUTES,
    ROUTE_LABELS,
    ROUTE_LEGS,
    check_route,
    delivered_price_eur_per_mwh_th,
)
from corridor_sim.units import THOUSAND

__all__ = ["route_legs", "route_needs", "route_network", "size_route"]

#: Flows (mcm/d) below this are round-off.
_TOL_FLOW = 1e-6


def _contract_for_plant(route: str, spec: ChainSpec) -> float:
    """Contracted gas on `route` left for the plant in ``spec.year``, bcm/yr.

    Only the Azerbaijani contract can serve the plant (what today's users leave, in its
    years 2024–2026); Gazprom's contract and the LNG booking serve today's users.
    """
    return spec.contract_left_bcm_per_yr if route == "azerbaijan" else 0.0


def route_legs(
    spec: ChainSpec, route: str, room_mcm_per_d: Mapping[str, float] | None = None
) -> dict[str, np.ndarray]:
    """Each limiting leg of `route` (upstream first) with its room by day, mcm/d.

    Parameters
    ----------
    spec : ChainSpec
        The year's chain.
    route : str
        One of :data:`~.tariffs.GAS_ROUTES`.
    room_mcm_per_d : mapping, optional
        Leg id -> room (mcm/d, every day) replacing the leg's own: a what-if.

    Returns
    -------
    dict of str to numpy.ndarray
        Leg id -> 365 daily rooms (mcm/d).

    Raises
    ------
    UnknownNameError
        An unknown route, or a leg of `room_mcm_per_d` not on the route.
    SpecError
        A room that is negative or not a number.

    Examples
    --------
    >>> from corridor_sim.models.serbia.gas.study import chain_spec
    >>> list(route_legs(chain_spec(2029), "lng"))
    ['lng_terminals', 'igb', 'ibs']
    """
    check_route(route)
    legs = {x: leg_room_mcm_per_d(spec, x) for x in ROUTE_LEGS[route] if SUPPLY_LEGS[x].limiting}
    for leg, room in (room_mcm_per_d or {}).items():
        if leg not in legs:
            msg = f"room_mcm_per_d[{leg!r}]: not a leg of route {route!r}, {suggest(leg, legs)}"
            raise UnknownNameError(msg)
        if isinstance(room, bool) or not isinstance(room, int | float) or not room >= 0:
            msg = f"room_mcm_per_d[{leg!r}] = {room!r}: expected a number of mcm/d >= 0"
            raise SpecError(msg)
        legs[leg] = np.full(DAYS, float(room))
    return legs


def route_network(
    spec: ChainSpec,
    route: str,
    need_mcm_per_d: npt.ArrayLike,
    *,
    expand: bool = False,
    booked_mcm_per_d: float = math.inf,
    room_mcm_per_d: Mapping[str, float] | None = None,
) -> CommodityNetwork:
    """Build the daily chain of one supply route to the plant (365 days, mcm).

    Parameters
    ----------
    spec : ChainSpec
        The year's chain: rooms, contract, the plant's storage (``no_storage(spec)``: none).
    route : str
        One of :data:`~.tariffs.GAS_ROUTES`.
    need_mcm_per_d : array_like of 365 floats
        The plant's daily gas need (:func:`~.chain.daily_gas_need_mcm`).
    expand : bool
        Add an unlimited ``<leg>_new`` arc beside each leg.
    booked_mcm_per_d : float
        Most the route carries for the plant on any day (arc ``booked``).
    room_mcm_per_d : mapping, optional
        Leg rooms replacing the route's (:func:`route_legs`).

    Returns
    -------
    CommodityNetwork
        Arcs ``booked``, one per leg (its id), ``<leg>_new`` with `expand`,
        ``plant_offtake``, ``injection``, ``withdrawal``; demand node ``plant``.

    Raises
    ------
    UnknownNameError
        An unknown route or leg.
    SpecError
        A negative room or booked capacity, or a need that is not 365 values >= 0.

    Examples
    --------
    >>> from corridor_sim.models.serbia.gas.study import chain_spec
    >>> net = route_network(chain_spec(2029), "lng", np.full(365, 2.0))
    >>> [a.id for a in net.arcs][:4], round(net.arc("igb").capacity[0], 3)
    (['new_contract_delivery', 'booked', 'lng_terminals', 'igb'], 1.315)
    """
    need = _check_need(need_mcm_per_d)
    if not booked_mcm_per_d >= 0:
        msg = f"booked_mcm_per_d = {booked_mcm_per_d!r}: expected a number of mcm/d >= 0"
        raise SpecError(msg)
    legs = route_legs(spec, route, room_mcm_per_d)
    nodes = [
        Node("new_contract", kind=NodeKind.SUPPLY, supply=math.inf,
             supply_cost=COST_NEW_CONTRACT, label="new contract for the plant"),
        Node("source", label="where the route's gas is bought"),
        Node("entry", label="the route's entry"),
        *(Node(f"{leg}_out", label=f"end of {SUPPLY_LEGS[leg].label}") for leg in legs),
        Node("nis", label="Niš (Serbian grid)"),
    ]  # fmt: skip
    end_nodes, end_arcs = plant_at_nis(spec, need)
    arcs = [
        Arc("new_contract", "source", capacity=math.inf, id="new_contract_delivery",
            label="new contract delivery"),
        Arc("source", "entry", capacity=booked_mcm_per_d, id="booked",
            label="capacity booked for the plant on the route"),
    ]  # fmt: skip
    left = _contract_for_plant(route, spec) * THOUSAND
    if left > 0:
        nodes.append(Node("contract", kind=NodeKind.STORAGE, storage_capacity=left,
                          initial_level=left, label="the contract left for the plant"))  # fmt: skip
        arcs.append(Arc("contract", "source", capacity=left / DAYS * spec.contract_daily_max,
                        id="contract_delivery", label="contract delivery"))  # fmt: skip
    ends = ["entry", *(f"{leg}_out" for leg in legs)]
    ends[-1] = "nis"
    for (leg, room), a, b in zip(legs.items(), ends[:-1], ends[1:], strict=True):
        label = SUPPLY_LEGS[leg].label
        arcs.append(Arc(a, b, capacity=tuple(room.tolist()), id=leg, label=label))
        if expand:
            arcs.append(Arc(a, b, capacity=math.inf, cost=COST_NEW_CAPACITY, id=f"{leg}_new",
                            label=f"new capacity on {label}"))  # fmt: skip
    if legs:
        nodes = [n for n in nodes if n.id != f"{next(reversed(legs))}_out"]
    else:
        arcs.append(Arc("entry", "nis", capacity=math.inf, id="route"))
    nodes += end_nodes
    arcs += end_arcs
    labels, stamps = _dates(spec.year)
    return CommodityNetwork(nodes=tuple(nodes), arcs=tuple(arcs), periods=labels,
                            snapshots=stamps, unit="mcm", name=f"serbia_gas_{route}")  # fmt: skip


def _short(sol: CommoditySolution) -> float:
    return float(sol.unmet["unmet_mcm"].sum())


def _flow(sol: CommoditySolution, arc: str) -> np.ndarray:
    f = sol.flows
    return f.loc[f["element"] == arc, "flow_mcm"].to_numpy()


def _plan(
    spec: ChainSpec, route: str, need: np.ndarray, room: Mapping[str, float] | None
) -> tuple[float, CommoditySolution]:
    """Return the least daily capacity the route must carry, and the plan at it."""

    def run(cap: float) -> CommoditySolution:
        return solve(route_network(spec, route, need, expand=True, booked_mcm_per_d=cap,
                                   room_mcm_per_d=room))  # fmt: skip

    peak = float(need.max())
    best = run(peak)  # the peak day always suffices
    if spec.plant_storage_mcm <= 0 or peak <= 0:
        return peak, best
    # storage ends the year at least as full: the route brings the year's need
    lo = max(0.0, (need.sum() - _contract_for_plant(route, spec) * THOUSAND) / DAYS)
    return _bisect(run, min(lo, peak), peak, best)


def size_route(
    spec: ChainSpec,
    route: str,
    need_mcm_per_d: npt.ArrayLike,
    *,
    room_mcm_per_d: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Return what the plant needs on `route` alone, with its storage and without.

    Parameters
    ----------
    spec : ChainSpec
        The year's chain (:func:`~.study.chain_spec`).
    route : str
        One of :data:`~.tariffs.GAS_ROUTES`.
    need_mcm_per_d : array_like of 365 floats
        The plant's daily gas need.
    room_mcm_per_d : mapping, optional
        Leg rooms replacing the route's (:func:`route_legs`).

    Returns
    -------
    dict
        ``route``, ``contract_for_plant_bcm_per_yr``, ``new_contract_bcm_per_yr``,
        ``booked_{storage,no_storage}_mcm_per_d`` (the largest daily capacity the plant
        needs on the route), ``new_capacity_{storage,no_storage}_mcm_per_d`` (on the
        binding leg), ``binding_leg``, ``binding_days_{storage,no_storage}`` (days the plan
        fills the binding leg's room: unique, unlike the days it uses new capacity, which
        storage can move), ``legs_to_expand``, ``room_min_mcm_per_d``
        (the binding leg's least room), ``unmet_as_is_{storage,no_storage}_bcm_per_yr``
        (gas short with the legs as they are), ``storage_used_mcm`` and
        ``new_capacity_by_leg`` (leg -> mcm/d, with storage).

    Examples
    --------
    >>> from corridor_sim.models.serbia.gas.study import chain_spec
    >>> r = size_route(chain_spec(2029), "lng", np.full(365, 2.0))
    >>> r["binding_leg"], round(r["new_capacity_no_storage_mcm_per_d"], 3)
    ('igb', 0.685)
    >>> r["binding_days_storage"], r["unmet_as_is_storage_bcm_per_yr"] > 0
    (365, True)
    """
    need = _check_need(need_mcm_per_d)
    legs = route_legs(spec, route, room_mcm_per_d)
    out: dict[str, Any] = {
        "route": route,
        "contract_for_plant_bcm_per_yr": _contract_for_plant(route, spec),
    }
    by_leg: dict[str, float] = {}
    for key, s in (("storage", spec), ("no_storage", no_storage(spec))):
        booked, plan = _plan(s, route, need, room_mcm_per_d)
        new = {leg: _flow(plan, f"{leg}_new") for leg in legs}
        peaks = {leg: float(f.max()) if f.size else 0.0 for leg, f in new.items()}
        as_is = solve(route_network(s, route, need, room_mcm_per_d=room_mcm_per_d))
        if key == "storage":
            by_leg = peaks
            tight = max(peaks.values(), default=0.0)
            if tight > _TOL_FLOW:
                binding = [leg for leg, v in peaks.items() if math.isclose(v, tight, abs_tol=1e-6)]
            else:  # no leg short: the one with the least room
                low = min(float(r.min()) for r in legs.values()) if legs else math.inf
                binding = [leg for leg, r in legs.items() if math.isclose(r.min(), low)]
            out["binding_leg"] = "+".join(binding) or "none"
            out["legs_to_expand"] = "+".join(x for x, v in peaks.items() if v > _TOL_FLOW) or "none"
            out["new_contract_bcm_per_yr"] = float(_flow(plan, "new_contract_delivery").sum())
            out["new_contract_bcm_per_yr"] /= THOUSAND
            levels = plan.storage
            level = levels.loc[levels["element"] == "banatski_dvor", "level_mcm"].to_numpy()
            out["storage_used_mcm"] = float(np.ptp(level)) if level.size else 0.0
        first = binding[0] if binding else None
        out[f"booked_{key}_mcm_per_d"] = booked
        out[f"new_capacity_{key}_mcm_per_d"] = peaks.get(first, 0.0) if first else 0.0
        full = _flow(plan, first) >= legs[first] - _TOL_FLOW if first else np.zeros(0, bool)
        out[f"binding_days_{key}"] = int((full & (legs[first] < math.inf)).sum()) if first else 0
        out[f"unmet_as_is_{key}_bcm_per_yr"] = _short(as_is) / THOUSAND
    out["room_min_mcm_per_d"] = float(legs[binding[0]].min()) if binding else math.inf
    out["new_capacity_by_leg"] = by_leg
    return out


def route_needs(
    spec: ChainSpec,
    need_mcm_per_d: npt.ArrayLike | Mapping[str, npt.ArrayLike],
    *,
    efficiency: float,
    hub_eur_per_mwh_th: float | None = None,
    routes: tuple[str, ...] = GAS_ROUTES,
) -> pd.DataFrame:
    """Return the contract and capacity the plant needs on each route alone, and what binds.

    Every route is sized by :func:`size_route` (the same daily chain LP, with the plant's
    share of Banatski Dvor and without it) for the plant's daily gas need.

    Parameters
    ----------
    spec : ChainSpec
        The year's chain (:func:`~.study.chain_spec`).
    need_mcm_per_d : array_like of 365 floats, or mapping of route to one
        The plant's daily gas need (:func:`~.chain.daily_gas_need_mcm`) from its dispatch at
        the run's gas price, for every route; or each route's own need (its dispatch at that
        route's price), whose keys are then the routes sized.
    efficiency : float
        The plant's efficiency (for the fuel cost per MWh of electricity).
    hub_eur_per_mwh_th : float, optional
        Hub price (default: the catalogue's).
    routes : tuple of str
        The routes to size (default: all).

    Returns
    -------
    DataFrame
        One row per route: ``route, label, gas_need_bcm_per_yr, peak_need_mcm_per_d,
        contract_for_plant_bcm_per_yr, new_contract_bcm_per_yr, binding_leg,
        route_free_bcm_per_yr, room_min_mcm_per_d, booked_storage_mcm_per_d,
        booked_no_storage_mcm_per_d, new_capacity_storage_mcm_per_d,
        new_capacity_no_storage_mcm_per_d, binding_days_storage, binding_days_no_storage,
        legs_to_expand, unmet_as_is_storage_bcm_per_yr, unmet_as_is_no_storage_bcm_per_yr,
        storage_used_mcm, carries_plant, gas_price_eur_per_mwh_th, fuel_cost_eur_per_mwh,
        fuel_cost_meur_per_yr``.

    Examples
    --------
    >>> from corridor_sim.models.serbia.gas.study import chain_spec
    >>> t = route_needs(chain_spec(2029), np.full(365, 1.0), efficiency=0.58)
    >>> t["binding_leg"].tolist(), t.loc[t["carries_plant"], "route"].tolist()
    (['turkstream', 'tanap+tap', 'igb'], ['azerbaijan', 'lng'])
    """
    if isinstance(need_mcm_per_d, Mapping):
        needs = {check_route(r): _check_need(v) for r, v in need_mcm_per_d.items()}
    else:
        one = _check_need(need_mcm_per_d)
        needs = {check_route(r): one for r in routes}
    rows = []
    for route, need in needs.items():
        total = float(need.sum())
        energy_mwh_th = float(mwh_from_gas_mcm(total, efficiency=1.0))
        sized = size_route(spec, route, need)
        sized.pop("new_capacity_by_leg")
        price = delivered_price_eur_per_mwh_th(route, hub_eur_per_mwh_th=hub_eur_per_mwh_th)
        rows.append(
            {
                "route": route,
                "label": ROUTE_LABELS[route],
                "gas_need_bcm_per_yr": total / THOUSAND,
                "peak_need_mcm_per_d": float(need.max()),
                **sized,
                "route_free_bcm_per_yr": sized["room_min_mcm_per_d"] * DAYS / THOUSAND,
                "carries_plant": bool(
                    sized["unmet_as_is_storage_bcm_per_yr"] * THOUSAND <= TOL_MCM
                ),
                "gas_price_eur_per_mwh_th": price,
                "fuel_cost_eur_per_mwh": price / efficiency,
                "fuel_cost_meur_per_yr": price * energy_mwh_th / 1e6,
            }
        )
    return pd.DataFrame(rows)
