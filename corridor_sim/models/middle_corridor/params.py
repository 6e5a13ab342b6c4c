"""Parameters of the Middle Corridor freight model, each declared once in :data:`PARAMS`.

Capacities in Mt/yr (the network turns them into kt per month over the calendar days),
transit times in days, costs in USD per tonne. Every default is a seed row
(``freight.btk.*``, ``freight.baku_port.*``) or an assumption in
``assumptions_freight.csv``; the Caspian weather rows (``caspian_sea.weather.*``) are the
ones the oil tankers use, so a storm season hits both models.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corridor_sim.catalogue import fact, value
from corridor_sim.models.params import Param, ParamTable
from corridor_sim.units import HOURS_PER_DAY, MEGA, THOUSAND

__all__ = [
    "PARAMS",
    "black_sea_ports_mt_per_yr",
    "ferry_capacity_kt_per_day",
    "mixed_t_per_teu",
    "northern_route_mt_per_yr",
]

#: First year with a documented corridor volume.
FIRST_YEAR = 2023


#: Whole-route cargo by year (actuals; the last carries on), and the year the share is fitted on.
_ROUTE_IDS = ("freight.titr.route_2023", "freight.titr.route_2024", "freight.titr.route_2025")
FIT_YEAR = 2024


def _dated(ids: tuple[str, ...], year: int) -> str:
    chosen = ids[0]
    for fid in ids:
        if (fact(fid, record=False).year or 0) <= year:
            chosen = fid
    return chosen


def route_oil_mt(year: int) -> float:
    """Kazakh crude by tanker toward Baku counted in the route's total (Mt).

    2023: the loadings (``oil.aktau.loadings_baku_2023``, 1.392 Mt); 2024: the plan
    (``oil.abc.volume_2024``, 1.5 Mt; 1.2 Mt had moved by October); 2025 on: the plan
    (``oil.abc.volume_2025_plan``, 1.7 Mt; shipments paused in August 2025, so the 2025 dry
    freight is a lower estimate).
    """
    if year <= FIRST_YEAR:
        return value("oil.aktau.loadings_baku_2023", unit="Mt")
    if year == FIRST_YEAR + 1:
        return value("oil.abc.volume_2024", unit="Mt")
    return value("oil.abc.volume_2025_plan", unit="Mt")


def route_dry_mt(year: int) -> float:
    """Whole-route cargo of the year (``freight.titr.route_*``) less its Kazakh crude (Mt)."""
    return value(_dated(_ROUTE_IDS, year), unit="Mt") - route_oil_mt(year)


def _caspian_share(year: int) -> float:
    """Fitted on 2024: (``freight.titr.crossing_2024`` - 2024 crude) / 2024 dry route cargo."""
    del year
    crossing = value("freight.titr.crossing_2024", unit="Mt") - route_oil_mt(FIT_YEAR)
    return crossing / route_dry_mt(FIT_YEAR)


def _volume(year: int) -> float:
    """Dry route cargo of the year (``freight.titr.route_*`` less crude) x ``caspian_share``."""
    return route_dry_mt(year) * _caspian_share(year)


def mixed_t_per_teu(year: int = 0) -> float:
    """`freight.titr.dry_2025_plan` over `freight.titr.dry_teu_2025_plan`: dry cargo per container.

    A mixed-cargo ratio (about 26 t): the 2.5 Mt hold bulk and general cargo in wagons and
    trucks besides the 96,000 TEU of containers, so it is not the load of a box.
    """
    del year
    return (
        value("freight.titr.dry_2025_plan", unit="Mt")
        * MEGA
        / value("freight.titr.dry_teu_2025_plan", unit="TEU")
    )


def _aktau_dry(year: int) -> float:
    """`freight.aktau.port_capacity` less the oil berths `oil.aktau.oil_berth_capacity`."""
    del year
    return value("freight.aktau.port_capacity", unit="Mt/yr") - value(
        "oil.aktau.oil_berth_capacity", unit="Mt/yr"
    )


def _btk_upgraded(year: int) -> bool:
    """`freight.btk.capacity_2025`'s year on (seed 003: 5 Mt/yr after the modernisation)."""
    return year >= (fact("freight.btk.capacity_2025").year or year)


def _alat_other(year: int) -> float:
    """`freight.alat.handled_2024` less the 2024 corridor freight (other traffic at Alat)."""
    del year
    return max(value("freight.alat.handled_2024", unit="Mt") - _volume(FIT_YEAR), 0.0)


def _georgia_rail(year: int) -> float:
    """`freight.georgia_rail.capacity` (27 Mt/yr), from its year `..._capacity_2025` (48)."""
    upgraded = "freight.georgia_rail.capacity_2025"
    fid = upgraded if year >= (fact(upgraded).year or year) else "freight.georgia_rail.capacity"
    return value(fid, unit="Mt/yr")


def _t_per_wagon(year: int) -> float:
    """`freight.caspian.ferry_capacity_t` over `freight.caspian.ferry_capacity_wagons`."""
    del year
    return (
        value("freight.caspian.ferry_capacity_t", unit="Mt/yr")
        * MEGA
        / value("freight.caspian.ferry_capacity_wagons", unit="wagons/yr")
    )


def _p(name: str, unit: str, desc: str, fid: str, **kw: Any) -> Param:
    return Param(name, unit, desc, fact=fid, **kw)


def _cost(key: str, desc: str) -> Param:
    return _p(f"{key}_usd_per_t", "USD/t", desc, f"freight.cost.{key}")


def _days(key: str, desc: str) -> Param:
    return _p(f"{key}_days", "d", desc, f"freight.time.{key}")


#: The Middle Corridor's parameters (units in the names).
PARAMS = ParamTable(
    "middle_corridor",
    [
        Param(
            "corridor_volume_mt_per_yr",
            "Mt/yr",
            "dry freight offered westbound that crosses the Caspian",
            rule=_volume,
        ),
        Param(
            "caspian_share",
            "-",
            "share of the route's dry cargo that crosses the Caspian (fitted on 2024)",
            rule=_caspian_share,
            maximum=1.0,
        ),
        Param(
            "mixed_t_per_teu",
            "t/TEU",
            "dry cargo per container carried (2025 plan's mix; not a box load)",
            rule=mixed_t_per_teu,
            strict_minimum=True,
        ),
        _p(
            "container_t_per_teu",
            "t/TEU",
            "cargo in one loaded TEU (converts container counts to tonnes)",
            "freight.container.t_per_teu",
            strict_minimum=True,
        ),
        _p(
            "dostyk_mt_per_yr",
            "Mt/yr",
            "Dostyk–Alashankou capacity free for the corridor",
            "freight.border.dostyk_free",
        ),
        _p(
            "altynkol_mt_per_yr",
            "Mt/yr",
            "Altynkol–Khorgos capacity free for the corridor",
            "freight.border.altynkol_free",
        ),
        Param("aktau_mt_per_yr", "Mt/yr", "Aktau dry cargo and ferry capacity", rule=_aktau_dry),
        _p("kuryk_mt_per_yr", "Mt/yr", "Kuryk ferry complex capacity", "freight.kuryk.capacity"),
        _p(
            "ferries",
            "vessels",
            "ferries and Ro-Ro ships on the Kazakh lines",
            "freight.ferry.vessels_kazakh_lines",
        ),
        _p(
            "ferry_kuryk_share",
            "-",
            "share of those ferries on the Kuryk line",
            "freight.ferry.kuryk_share",
            maximum=1.0,
        ),
        Param("new_ferries", "vessels", "new ferries added to the Kuryk line", value=0, kind="int"),
        _p("ferry_wagons", "wagons", "wagons per ferry voyage", "freight.ferry.wagons"),
        Param("t_per_wagon", "t", "cargo per ferry wagon", rule=_t_per_wagon, strict_minimum=True),
        _p(
            "kuryk_sailing_h",
            "h",
            "ferry sailing Alat–Kuryk",
            "freight.ferry.kuryk_sailing",
            strict_minimum=True,
        ),
        _p(
            "aktau_sailing_h",
            "h",
            "ferry sailing Alat–Aktau",
            "freight.ferry.aktau_sailing",
            strict_minimum=True,
        ),
        _p("ferry_port_h", "h", "ferry handling per port call", "freight.ferry.port_time"),
        _p(
            "cargo_ships_mt_per_yr",
            "Mt/yr",
            "container feeders and dry-cargo ships Aktau–Alat",
            "freight.cargo_ships.capacity",
        ),
        _p(
            "availability_winter",
            "-",
            "vessel-day availability Dec–Feb (shared Caspian weather)",
            "caspian_sea.weather.availability_winter",
            maximum=1.0,
        ),
        _p(
            "availability_shoulder",
            "-",
            "vessel-day availability Mar, Nov (shared Caspian weather)",
            "caspian_sea.weather.availability_shoulder",
            maximum=1.0,
        ),
        _p(
            "availability_summer",
            "-",
            "vessel-day availability Apr–Oct (shared Caspian weather)",
            "caspian_sea.weather.availability_summer",
            maximum=1.0,
        ),
        Param(
            "alat_expanded",
            "-",
            "Alat at 25 Mt/yr instead of 15 (seed: can be expanded)",
            value=False,
        ),
        _p(
            "alat_mt_per_yr",
            "Mt/yr",
            "Port of Baku (Alat) capacity today",
            "freight.baku_port.capacity_2025",
        ),
        _p(
            "alat_expanded_mt_per_yr",
            "Mt/yr",
            "Port of Baku (Alat) capacity expanded",
            "freight.baku_port.capacity_expandable",
        ),
        Param(
            "alat_other_mt_per_yr",
            "Mt/yr",
            "Alat traffic other than the corridor freight",
            rule=_alat_other,
        ),
        _p(
            "az_rail_mt_per_yr",
            "Mt/yr",
            "Azerbaijan Railways Alat–Georgian border",
            "freight.az_rail.capacity",
        ),
        Param(
            "georgia_rail_mt_per_yr", "Mt/yr", "Georgian Railway to Poti/Batumi", rule=_georgia_rail
        ),
        _p(
            "batumi_mt_per_yr",
            "Mt/yr",
            "Batumi dry-cargo terminal (open to the corridor)",
            "freight.batumi.dry_capacity",
        ),
        _p(
            "poti_teu_per_yr",
            "TEU/yr",
            "Poti's 2025 container extension (open to the corridor)",
            "freight.poti.expansion_teu",
        ),
        Param(
            "btk_upgraded",
            "-",
            "Baku–Tbilisi–Kars at 5 Mt/yr instead of 1",
            rule=_btk_upgraded,
            kind="bool",
        ),
        _p(
            "btk_mt_per_yr",
            "Mt/yr",
            "Baku–Tbilisi–Kars before the upgrade",
            "freight.btk.capacity_2024",
        ),
        _p(
            "btk_upgraded_mt_per_yr",
            "Mt/yr",
            "Baku–Tbilisi–Kars after the upgrade",
            "freight.btk.capacity_2025",
        ),
        _p(
            "northern_route_teu_per_yr",
            "TEU/yr",
            "China–Europe rail containers via Russia",
            "freight.northern.teu_2020",
            fact_unit="TEU",
        ),
        _p(
            "northern_shift_share",
            "-",
            "share of it that turns to the corridor when cut",
            "freight.northern.shift_share",
            maximum=1.0,
        ),
        _p(
            "cost_ratio_to_northern",
            "-",
            "corridor cost over northern-route cost",
            "freight.cost.ratio_to_northern",
            strict_minimum=True,
        ),
        _cost("rail_kz", "Kazakh rail to the Caspian"),
        _cost("port", "one port call"),
        _cost("ferry", "Caspian ferry crossing"),
        _cost("cargo_ship", "Caspian crossing by ship"),
        _cost("az_rail", "Azerbaijan rail"),
        _cost("georgia_rail", "Georgian rail to the Black Sea"),
        _cost("black_sea", "Black Sea shipping"),
        _cost("btk", "Baku–Tbilisi–Kars"),
        _cost("turkish_rail", "Turkish rail to Europe"),
        _p(
            "market_value_usd_per_t",
            "USD/t",
            "value of a delivered tonne (LP device)",
            "freight.market.value",
        ),
        _days("kz_rail", "Kazakh rail, border to port"),
        _days("port_dwell", "dwell per Caspian port call"),
        _days("az_rail", "Azerbaijan rail"),
        _days("georgia_rail", "Georgian rail to Poti/Batumi"),
        _days("black_sea", "Black Sea to Constanța"),
        _days("btk", "Alat–Kars over BTK"),
        _days("turkish_rail", "Kars to central Europe"),
        _days("northern", "northern route via Russia"),
    ],
)


def ferry_capacity_kt_per_day(p: Mapping[str, Any], line: str) -> float:
    """Capacity of the ferries on `line` ('kuryk' or 'aktau') with every ferry sailing (kt/d).

    Vessels x wagons x t per wagon per round trip (two sailings plus two port calls).
    """
    share = p["ferry_kuryk_share"] if line == "kuryk" else 1 - p["ferry_kuryk_share"]
    vessels = p["ferries"] * share + (p["new_ferries"] if line == "kuryk" else 0)
    trip_d = (2 * p[f"{line}_sailing_h"] + 2 * p["ferry_port_h"]) / HOURS_PER_DAY
    per_trip_t = p["ferry_wagons"] * p["t_per_wagon"]
    return vessels * per_trip_t / trip_d / THOUSAND


def black_sea_ports_mt_per_yr(p: Mapping[str, Any]) -> float:
    """Poti/Batumi open to the corridor: Batumi dry cargo + Poti's new containers (Mt/yr)."""
    return p["batumi_mt_per_yr"] + p["poti_teu_per_yr"] * p["container_t_per_teu"] / MEGA


def northern_route_mt_per_yr(p: Mapping[str, Any]) -> float:
    """China–Europe rail freight via Russia in Mt/yr: its containers x cargo per loaded TEU."""
    return p["northern_route_teu_per_yr"] * p["container_t_per_teu"] / MEGA
