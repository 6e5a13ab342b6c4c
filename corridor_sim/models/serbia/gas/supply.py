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
the chain's (:class:`~.params.ChainSpec`, so overrides apply to both).
:func:`leg_room_mcm_per_d` gives a leg's room by day, which the route's daily chain
(:mod:`.sizing`) takes as the leg's capacity; :func:`supply_summary_rows` gives the metrics
of :func:`~.sizing.route_needs`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.errors import UnknownNameError, suggest
from corridor_sim.models.serbia.gas.chain import DAYS, LEGS
from corridor_sim.models.serbia.gas.params import ChainSpec
from corridor_sim.models.serbia.gas.tariffs import (
    GAS_ROUTES,
    LEG_TARIFFS,
    ROUTE_LEGS,
    check_route,
)
from corridor_sim.units import THOUSAND

__all__ = [
    "SUPPLY_LEGS",
    "SupplyLeg",
    "leg_room_mcm_per_d",
    "supply_legs",
    "supply_summary_rows",
]


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
    by_day: Callable[[ChainSpec], np.ndarray] | None = None
    in_service: str | None = None
    limiting: bool = True


def _dates(s: ChainSpec) -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp(year=s.year, month=1, day=1), periods=DAYS, freq="D")


def _chain_leg(
    leg_id: str,
) -> tuple[
    Callable[[ChainSpec], float], Callable[[ChainSpec], float], Callable[[ChainSpec], np.ndarray]
]:
    """Capacity and room of a leg of the daily chain (least over the year), and room by day."""
    leg = next(x for x in LEGS if x.id == leg_id)

    def by_day(s: ChainSpec) -> np.ndarray:  # bcm/yr on each day
        return np.minimum(leg.free(s, _dates(s)), leg.capacity(s, _dates(s)))

    def cap(s: ChainSpec) -> float:
        return float(leg.capacity(s, _dates(s)).min())

    def free(s: ChainSpec) -> float:
        return float(by_day(s).min())

    return cap, free, by_day


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


def _lng_by_day(s: ChainSpec) -> np.ndarray:
    """Return the terminals' room by day (bcm/yr): ratable, at most the unbooked send-out.

    The unbooked share of Alexandroupolis' daily send-out plus Serbia's booking (ratable)
    and Revithoussa's room; a terminal's largest day is above its ratable rate, so the
    ratable room is the smaller in practice.
    """
    room = _lng_free(s)
    if room <= 0:
        return np.zeros(DAYS)
    send_out = value("serbia.gas.lng.alexandroupolis.send_out", unit="mcm/d") * DAYS / THOUSAND
    booked = value("serbia.gas.lng.alexandroupolis.booked_share", unit="p.u.")
    own = value("serbia.gas.lng.alexandroupolis.serbia_booking", unit="bcm/yr")
    revithoussa = value("serbia.gas.lng.revithoussa.free", unit="bcm/yr")
    return np.full(DAYS, min(room, send_out * (1.0 - booked) + own + revithoussa))


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
                  _lng_capacity, _lng_free, _lng_by_day),
        SupplyLeg("gr_grid", "Greek grid to Komotini (not limiting)", *_UNLIMITED,
                  limiting=False),
    )
}  # fmt: skip


def _in_service(leg: SupplyLeg, year: int) -> bool:
    """Whether `leg` serves the whole of `year` (from the year after it entered service)."""
    return leg.in_service is None or year > int(value(leg.in_service, unit="year"))


def leg_room_mcm_per_d(spec: ChainSpec, leg_id: str) -> np.ndarray:
    """Room a leg leaves for gas to Serbia on each day of ``spec.year``, mcm/d.

    Parameters
    ----------
    spec : ChainSpec
        The year's chain (:func:`~.study.chain_spec`; its overrides apply).
    leg_id : str
        A key of :data:`SUPPLY_LEGS`.

    Returns
    -------
    numpy.ndarray
        365 values: the leg's room by day (its annual room ratably, the TAP expansion from
        its date, the LNG terminals at most their unbooked send-out); 0 in a year the leg
        is not in service for the whole of; ``inf`` for a grid the model does not limit.

    Raises
    ------
    UnknownNameError
        An unknown leg (with a "did you mean").

    Examples
    --------
    >>> from corridor_sim.models.serbia.gas.study import chain_spec
    >>> round(float(leg_room_mcm_per_d(chain_spec(2029), "igb")[0]), 3)  # 0.48 bcm/yr
    1.315
    """
    if leg_id not in SUPPLY_LEGS:
        msg = f"leg = {leg_id!r}: unknown supply leg, {suggest(str(leg_id), list(SUPPLY_LEGS))}"
        raise UnknownNameError(msg)
    leg = SUPPLY_LEGS[leg_id]
    if not leg.limiting:
        return np.full(DAYS, math.inf)
    if not _in_service(leg, spec.year):
        return np.zeros(DAYS)
    bcm = leg.by_day(spec) if leg.by_day is not None else np.full(DAYS, leg.free(spec))
    return np.asarray(bcm, dtype=float) * THOUSAND / DAYS


def supply_legs(spec: ChainSpec) -> pd.DataFrame:
    """Each route's legs in ``spec.year``: capacity, room for gas to Serbia, date, tariff.

    Returns
    -------
    DataFrame
        One row per route and leg (upstream first): ``route, element, label,
        in_service_year, in_service, limiting, capacity_bcm_per_yr, other_use_bcm_per_yr
        (capacity less the room its other users leave), free_bcm_per_yr, free_mcm_per_d,
        tariff_eur_per_mwh_th, tariff_source``. A leg not in service for the whole year
        has no room.

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
                    "other_use_bcm_per_yr": (
                        max(0.0, leg.capacity(spec) - leg.free(spec)) if leg.limiting else 0.0
                    ),
                    "free_bcm_per_yr": free,
                    "free_mcm_per_d": free * THOUSAND / DAYS,
                    "tariff_eur_per_mwh_th": (value(tariff, unit="EUR/MWh_th") if tariff else 0.0),
                    "tariff_source": tariff or "",
                }
            )
    return pd.DataFrame(rows)


def supply_summary_rows(needs: pd.DataFrame, *, route: str) -> list[tuple[str, Any, str, str]]:
    """Summary rows ``(metric, value, unit, element)`` of :func:`~.sizing.route_needs`' table.

    For `route` (the run's): the contract volume it needs, the largest daily capacity the
    plant must book on it with its storage and without, the new capacity its binding leg
    needs and the days its room is full, the gas short with the legs as they are (element:
    ``route:binding leg``), and its gas price; then
    the cheapest route and the route that needs the least new capacity (with storage; element:
    the route). Every route's figures are in the table itself.

    Examples
    --------
    >>> from corridor_sim.models.serbia.gas.sizing import route_needs
    >>> from corridor_sim.models.serbia.gas.study import chain_spec
    >>> t = route_needs(chain_spec(2029), np.full(365, 1.0), efficiency=0.58, routes=("lng",))
    >>> supply_summary_rows(t, route="lng")[0]
    ('gas_route_contract_bcm_per_yr', np.float64(0.365), 'bcm/yr', 'lng:igb')
    """
    r = needs.set_index("route").loc[check_route(route)]
    tag = f"{route}:{r['binding_leg']}"
    rows: list[tuple[str, Any, str, str]] = [
        ("gas_route_contract_bcm_per_yr", r["new_contract_bcm_per_yr"], "bcm/yr", tag),
        ("gas_route_booked_mcm_per_d", r["booked_storage_mcm_per_d"], "mcm/d", tag),
        ("gas_route_booked_no_storage_mcm_per_d", r["booked_no_storage_mcm_per_d"], "mcm/d", tag),
        ("gas_route_free_bcm_per_yr", r["route_free_bcm_per_yr"], "bcm/yr", tag),
        ("gas_route_new_capacity_mcm_per_d", r["new_capacity_storage_mcm_per_d"], "mcm/d", tag),
        ("gas_route_new_capacity_no_storage_mcm_per_d", r["new_capacity_no_storage_mcm_per_d"],
         "mcm/d", tag),
        ("gas_route_binding_days", r["binding_days_storage"], "days", tag),
        ("gas_route_binding_days_no_storage", r["binding_days_no_storage"], "days", tag),
        ("gas_route_unmet_as_is_bcm_per_yr", r["unmet_as_is_storage_bcm_per_yr"], "bcm/yr", tag),
        ("gas_route_price_eur_per_mwh_th", r["gas_price_eur_per_mwh_th"], "EUR/MWh_th", route),
    ]  # fmt: skip
    cheap = needs.loc[needs["gas_price_eur_per_mwh_th"].idxmin()]
    least = needs.loc[needs["new_capacity_storage_mcm_per_d"].idxmin()]
    rows += [
        ("gas_cheapest_route_eur_per_mwh_th", cheap["gas_price_eur_per_mwh_th"], "EUR/MWh_th",
         str(cheap["route"])),
        ("gas_least_expansion_route_mcm_per_d", least["new_capacity_storage_mcm_per_d"], "mcm/d",
         str(least["route"])),
    ]  # fmt: skip
    return rows
