"""The gas supply of Serbia as it is: three routes, their legs, capacities, dates and tariffs.

Routes (:data:`~corridor_sim.models.serbia.gas.tariffs.ROUTE_LEGS`):

* ``balkan_stream`` -- today's supply: Russian gas through TurkStream's European string and
  Balkan Stream (Strandzha 2 – Kireevo/Zaječar), under Srbijagas' contract with Gazprom;
* ``azerbaijan`` -- SCP, TANAP, TAP, IGB, the Bulgarian grid and IBS (Novi Iskar – Niš,
  inaugurated 10 December 2023), the legs of the daily chain (:mod:`.chain`);
* ``lng`` -- Greek LNG (Alexandroupolis FSRU from October 2024, Revithoussa), the Greek grid,
  IGB, the Bulgarian grid and IBS.

Each leg has its capacity, the room its other users leave for gas to Serbia and the year it
entered service (a leg counts from the first whole year after); the Azerbaijani legs' room is
the chain's (:class:`~.params.ChainSpec`, so overrides apply to both). :func:`route_needs`
answers, for a plant's daily gas need, what contract and capacity the plant needs on each
route taken alone and which leg binds; :func:`supply_summary_rows` gives the metrics.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.models.serbia.gas.chain import DAYS, LEGS
from corridor_sim.models.serbia.gas.params import ChainSpec
from corridor_sim.models.serbia.gas.route import mwh_from_gas_mcm
from corridor_sim.models.serbia.gas.tariffs import (
    GAS_ROUTES,
    LEG_TARIFFS,
    ROUTE_LABELS,
    ROUTE_LEGS,
    check_route,
    delivered_price_eur_per_mwh_th,
)
from corridor_sim.units import THOUSAND

__all__ = ["SUPPLY_LEGS", "SupplyLeg", "route_needs", "supply_legs", "supply_summary_rows"]

#: Shortfalls and extra capacities below this (mcm/d) are round-off.
_TOL_MCM_PER_D = 1e-9


@dataclass(frozen=True)
class SupplyLeg:
    """One leg of a supply route: capacity and room for gas to Serbia (bcm/yr) for a spec.

    ``in_service`` names the catalogue row of the year it entered service (``None``: in
    service before any model year); ``limiting`` is False for the national grids the model
    does not limit.
    """

    id: str
    label: str
    capacity: Callable[[ChainSpec], float]
    free: Callable[[ChainSpec], float]
    in_service: str | None = None
    limiting: bool = True


def _chain_leg(leg_id: str) -> tuple[Callable[[ChainSpec], float], Callable[[ChainSpec], float]]:
    """Capacity and room of a leg of the daily chain: their least value over the year's days."""
    leg = next(x for x in LEGS if x.id == leg_id)

    def dates(s: ChainSpec) -> pd.DatetimeIndex:
        return pd.date_range(pd.Timestamp(year=s.year, month=1, day=1), periods=DAYS, freq="D")

    def cap(s: ChainSpec) -> float:
        return float(leg.capacity(s, dates(s)).min())

    def free(s: ChainSpec) -> float:
        return float(np.minimum(leg.free(s, dates(s)), leg.capacity(s, dates(s))).min())

    return cap, free


def _fact(fid: str, unit: str = "bcm/yr") -> Callable[[ChainSpec], float]:
    return lambda s: value(fid, unit=unit)


def _lng_capacity(s: ChainSpec) -> float:
    """Alexandroupolis FSRU plus Revithoussa."""
    return value("serbia.gas.lng.alexandroupolis.capacity", unit="bcm/yr") + value(
        "serbia.gas.lng.revithoussa.capacity", unit="bcm/yr"
    )


def _lng_free(s: ChainSpec) -> float:
    """Alexandroupolis' unbooked capacity plus Serbia's own booking, and Revithoussa's room."""
    alex = value("serbia.gas.lng.alexandroupolis.capacity", unit="bcm/yr")
    booked = value("serbia.gas.lng.alexandroupolis.booked_share", unit="p.u.")
    own = value("serbia.gas.lng.alexandroupolis.serbia_booking", unit="bcm/yr")
    if s.year <= int(value("serbia.gas.lng.alexandroupolis.in_service", unit="year")):
        alex = own = 0.0  # not in service for the whole year
    revithoussa = value("serbia.gas.lng.revithoussa.free", unit="bcm/yr")
    return alex * (1.0 - booked) + own + revithoussa


_SCP, _TANAP, _TAP, _IGB, _IBS = (_chain_leg(x) for x in ("scp", "tanap", "tap", "igb", "ibs"))
_BALKAN = _chain_leg("balkan_stream")
_UNLIMITED = (lambda s: math.inf, lambda s: math.inf)

#: Every leg of the three routes, declared once (:data:`.tariffs.ROUTE_LEGS` orders them).
SUPPLY_LEGS: dict[str, SupplyLeg] = {
    leg.id: leg
    for leg in (
        SupplyLeg("turkstream", "TurkStream's European string to Strandzha 2",
                  _fact("serbia.gas.balkan_stream.other_use"), _fact("serbia.gas.turkstream.free")),
        SupplyLeg("balkan_stream", "Balkan Stream (Strandzha 2 – Kireevo/Zaječar)", *_BALKAN,
                  in_service="serbia.gas.balkan_stream.in_service"),
        SupplyLeg("scp", "South Caucasus Pipeline with SCPX", *_SCP),
        SupplyLeg("tanap", "TANAP", *_TANAP, in_service="serbia.gas.tanap.in_service"),
        SupplyLeg("tap", "TAP (Kipoi–Komotini)", *_TAP, in_service="serbia.gas.tap.in_service"),
        SupplyLeg("igb", "IGB (Komotini–Stara Zagora)", *_IGB,
                  in_service="serbia.gas.igb.in_service"),
        SupplyLeg("bg_grid", "Bulgarian grid (not limiting)", *_UNLIMITED, limiting=False),
        SupplyLeg("ibs", "IBS (Novi Iskar–Niš)", *_IBS, in_service="serbia.gas.ibs.in_service"),
        SupplyLeg("lng_terminals", "Greek LNG terminals (Alexandroupolis FSRU, Revithoussa)",
                  _lng_capacity, _lng_free),
        SupplyLeg("gr_grid", "Greek grid to Komotini (not limiting)", *_UNLIMITED,
                  limiting=False),
    )
}  # fmt: skip


def _in_service(leg: SupplyLeg, year: int) -> bool:
    """Whether `leg` serves the whole of `year` (from the year after it entered service)."""
    return leg.in_service is None or year > int(value(leg.in_service, unit="year"))


def supply_legs(spec: ChainSpec) -> pd.DataFrame:
    """Each route's legs in ``spec.year``: capacity, room for gas to Serbia, date, tariff.

    Returns
    -------
    DataFrame
        One row per route and leg (upstream first): ``route, element, label,
        in_service_year, in_service, limiting, capacity_bcm_per_yr, free_bcm_per_yr,
        free_mcm_per_d, tariff_eur_per_mwh_th, tariff_source``. A leg not in service for the
        whole year has no room.

    Examples
    --------
    >>> from corridor_sim.models.serbia.gas.study import chain_spec
    >>> t = supply_legs(chain_spec(2029)).set_index(["route", "element"])
    >>> float(t.loc[("azerbaijan", "ibs"), "free_bcm_per_yr"]), int(
    ...     t.loc[("azerbaijan", "ibs"), "in_service_year"])
    (1.8, 2023)
    """
    rows = []
    for route in GAS_ROUTES:
        for leg_id in ROUTE_LEGS[route]:
            leg = SUPPLY_LEGS[leg_id]
            on = _in_service(leg, spec.year)
            free = leg.free(spec) if on else 0.0
            tariff = LEG_TARIFFS.get(leg_id)
            rows.append(
                {
                    "route": route,
                    "element": leg_id,
                    "label": leg.label,
                    "in_service_year": (
                        int(value(leg.in_service, unit="year")) if leg.in_service else pd.NA
                    ),
                    "in_service": on,
                    "limiting": leg.limiting,
                    "capacity_bcm_per_yr": leg.capacity(spec),
                    "free_bcm_per_yr": free,
                    "free_mcm_per_d": free * THOUSAND / DAYS,
                    "tariff_eur_per_mwh_th": (value(tariff, unit="EUR/MWh_th") if tariff else 0.0),
                    "tariff_source": tariff or "",
                }
            )
    return pd.DataFrame(rows)


def _contract_for_plant(route: str, spec: ChainSpec) -> float:
    """Contracted gas on `route` left for the plant in ``spec.year``, bcm/yr.

    Only the Azerbaijani contract can serve the plant (what today's users leave, in its
    years 2024–2026); Gazprom's contract and the LNG booking serve today's users.
    """
    return spec.contract_left_bcm_per_yr if route == "azerbaijan" else 0.0


def route_needs(
    spec: ChainSpec,
    need_mcm_per_d: npt.ArrayLike,
    *,
    efficiency: float,
    hub_eur_per_mwh_th: float | None = None,
) -> pd.DataFrame:
    """Return the contract and capacity the plant needs on each route alone, and what binds.

    For each route: the new contract is the plant's gas need less the contracted gas left
    for it on that route; its largest day is the plant's peak day. Each limiting leg needs
    new capacity equal to the plant's flow less the leg's room for gas to Serbia, at the
    peak day (no storage) and at the year's mean (storage flattens the flow). The binding
    leg is the one with the least room.

    Parameters
    ----------
    spec : ChainSpec
        The year's chain (:func:`~.study.chain_spec`).
    need_mcm_per_d : array_like of 365 floats
        The plant's daily gas need (:func:`~.chain.daily_gas_need_mcm`).
    efficiency : float
        The plant's efficiency (for the fuel cost per MWh of electricity).
    hub_eur_per_mwh_th : float, optional
        Hub price (default: the catalogue's).

    Returns
    -------
    DataFrame
        One row per route: ``route, label, gas_need_bcm_per_yr, peak_need_mcm_per_d,
        contract_for_plant_bcm_per_yr, new_contract_bcm_per_yr, new_contract_max_mcm_per_d,
        route_free_bcm_per_yr, binding_leg, new_capacity_peak_mcm_per_d,
        new_capacity_mean_mcm_per_d, legs_to_expand, carries_plant_mean,
        gas_price_eur_per_mwh_th, fuel_cost_eur_per_mwh, fuel_cost_meur_per_yr``.
    """
    need = np.asarray(need_mcm_per_d, dtype=float)
    peak, mean, total = float(need.max()), float(need.mean()), float(need.sum())
    legs = supply_legs(spec)
    energy_mwh_th = float(mwh_from_gas_mcm(total, efficiency=1.0))
    rows = []
    for route in GAS_ROUTES:
        own = legs[(legs["route"] == route) & legs["limiting"]]
        room = own.set_index("element")["free_mcm_per_d"]
        low = float(room.min())
        binding = "+".join(room.index[np.isclose(room.to_numpy(), low)])
        at_peak = (peak - room).clip(lower=0.0)
        at_mean = (mean - room).clip(lower=0.0)
        contract = _contract_for_plant(route, spec)
        price = delivered_price_eur_per_mwh_th(route, hub_eur_per_mwh_th=hub_eur_per_mwh_th)
        rows.append(
            {
                "route": route,
                "label": ROUTE_LABELS[route],
                "gas_need_bcm_per_yr": total / THOUSAND,
                "peak_need_mcm_per_d": peak,
                "contract_for_plant_bcm_per_yr": contract,
                "new_contract_bcm_per_yr": max(0.0, total / THOUSAND - contract),
                "new_contract_max_mcm_per_d": peak,
                "route_free_bcm_per_yr": low * DAYS / THOUSAND,
                "binding_leg": binding,
                "new_capacity_peak_mcm_per_d": float(at_peak.max()),
                "new_capacity_mean_mcm_per_d": float(at_mean.max()),
                "legs_to_expand": "+".join(at_peak.index[at_peak > _TOL_MCM_PER_D]) or "none",
                "carries_plant_mean": bool(low >= mean - _TOL_MCM_PER_D),
                "gas_price_eur_per_mwh_th": price,
                "fuel_cost_eur_per_mwh": price / efficiency,
                "fuel_cost_meur_per_yr": price * energy_mwh_th / 1e6,
            }
        )
    return pd.DataFrame(rows)


def supply_summary_rows(needs: pd.DataFrame, *, route: str) -> list[tuple[str, Any, str, str]]:
    """Summary rows ``(metric, value, unit, element)`` of :func:`route_needs`' table.

    For `route` (the run's): its room and the new capacity it needs at the peak day (element:
    ``route:binding leg``) and its gas price; then the cheapest route and the route that needs
    the least new capacity at the peak day (element: the route). Every route's figures are in
    the table itself.
    """
    r = needs.set_index("route").loc[check_route(route)]
    tag = f"{route}:{r['binding_leg']}"
    rows: list[tuple[str, Any, str, str]] = [
        ("gas_route_free_bcm_per_yr", r["route_free_bcm_per_yr"], "bcm/yr", tag),
        ("gas_route_new_capacity_mcm_per_d", r["new_capacity_peak_mcm_per_d"], "mcm/d", tag),
        ("gas_route_price_eur_per_mwh_th", r["gas_price_eur_per_mwh_th"], "EUR/MWh_th", route),
    ]
    cheap = needs.loc[needs["gas_price_eur_per_mwh_th"].idxmin()]
    least = needs.loc[needs["new_capacity_peak_mcm_per_d"].idxmin()]
    rows += [
        ("gas_cheapest_route_eur_per_mwh_th", cheap["gas_price_eur_per_mwh_th"], "EUR/MWh_th",
         str(cheap["route"])),
        ("gas_least_expansion_route_mcm_per_d", least["new_capacity_peak_mcm_per_d"], "mcm/d",
         str(least["route"])),
    ]  # fmt: skip
    return rows
