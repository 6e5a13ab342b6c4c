"""Parameters of the Aktau–Baku–Ceyhan oil route, each declared once in :data:`PARAMS`.

Every default is a catalogue row (``seeds.csv`` for the documented volumes,
``assumptions_oil.csv`` and ``assumptions_units.csv`` for the rest) or a rule over such rows;
:meth:`~corridor_sim.models.params.ParamTable.provenance` lists the rows behind each value.
The quantities derived from the parameters (tanker round trip, lane capacity, seasonal
availability) are the functions below.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corridor_sim.catalogue import fact, value
from corridor_sim.errors import SpecError
from corridor_sim.models.params import Param, ParamTable, Relation
from corridor_sim.models.toolkit.caspian import season_of
from corridor_sim.units import (
    HOURS_PER_DAY,
    MEGA,
    THOUSAND,
    bbl_per_day_to_mt_per_yr,
    days_in_year,
)

__all__ = [
    "PARAMS",
    "availability",
    "cargo_per_call_t",
    "lane_cargo_t",
    "makhachkala_capacity_kt_per_day",
    "makhachkala_round_trip_days",
    "reinforcement_capacity_kt_per_day",
    "days_in_year",
    "per_day_kt",
    "round_trip_days",
    "season_of",
    "tanker_capacity_kt_per_day",
    "volume_id",
]

#: Documented or planned volume of the route, by year (catalogue ids, earliest first).
_VOLUME_IDS = (
    "oil.abc.volume_2023",
    "oil.abc.volume_2024",
    "oil.abc.volume_2025_plan",
    "oil.abc.volume_2026_agreement",
)


def volume_id(year: int) -> str:
    """Catalogue id of the documented or planned route volume that applies in `year`.

    Raises
    ------
    SpecError
        If `year` is before the first documented year (2023).
    """
    if isinstance(year, bool) or not isinstance(year, int):
        msg = f"year = {year!r}: expected an integer year, e.g. 2025"
        raise SpecError(msg)
    first = fact(_VOLUME_IDS[0], record=False).year
    if first is None or year < first:
        msg = (
            f"year = {year}: the Aktau–Baku–Ceyhan route's documented volumes start in "
            f"{first}; expected year >= {first}"
        )
        raise SpecError(msg)
    chosen = _VOLUME_IDS[0]
    for fid in _VOLUME_IDS:
        fyear = fact(fid, record=False).year
        if fyear is not None and fyear <= year:
            chosen = fid
    return chosen


def _kmtf_tankers_baku(year: int) -> int:
    """`oil.fleet.kmtf_tankers_baku` from its year (2025: first Baku cargo) on, none before."""
    row = fact("oil.fleet.kmtf_tankers_baku")
    return (
        int(value("oil.fleet.kmtf_tankers_baku", unit=row.unit)) if year >= (row.year or 0) else 0
    )


def _bbl_per_t() -> float:
    return value("units.crude.bbl_per_t", unit="bbl/t")


def _kazakh_volume(year: int) -> float:
    """`oil.abc.volume_*`: documented, planned or agreed (2023: 1.06 Mt ... 2026 on: 2.2 Mt/yr)."""
    fid = volume_id(year)
    return value(fid, unit=fact(fid, record=False).unit)  # Mt in a year, or the agreed Mt/yr


def _btc_capacity(year: int) -> float:
    """`oil.btc.capacity_dra` (Mbbl/d) over the year's days at `units.crude.bbl_per_t`."""
    bbl_d = value("oil.btc.capacity_dra", unit="Mbbl/d") * MEGA
    return float(
        bbl_per_day_to_mt_per_yr(bbl_d, bbl_per_t=_bbl_per_t(), days_per_yr=days_in_year(year))
    )


def _btc_spare(year: int) -> float:
    """BTC capacity minus `oil.btc.throughput_2022` (Azerbaijani and other crude)."""
    used = value("oil.btc.throughput_2022", unit="Mbbl/yr") / _bbl_per_t()
    return max(_btc_capacity(year) - used, 0.0)


def _per_year(fid: str, year: int) -> float:
    return float(
        bbl_per_day_to_mt_per_yr(
            value(fid, unit="bbl/d"), bbl_per_t=_bbl_per_t(), days_per_yr=days_in_year(year)
        )
    )


def _supsa_capacity(year: int) -> float:
    """`oil.supsa.capacity` (bbl/d) over the year's days at `units.crude.bbl_per_t`."""
    return _per_year("oil.supsa.capacity", year)


def _supsa_terminal(year: int) -> float:
    """`oil.supsa.capacity_max` (bbl/d) over the year's days at `units.crude.bbl_per_t`."""
    return _per_year("oil.supsa.capacity_max", year)


def _baku_storage(year: int) -> float:
    """Sangachal working storage x `oil.baku.storage_share_transit`, in kt."""
    del year
    mbbl = value("oil.baku.sangachal_working_storage", unit="Mbbl")
    return mbbl * THOUSAND / _bbl_per_t() * value("oil.baku.storage_share_transit", unit="-")


def _btc_tariff(year: int) -> float:
    """`oil.cost.btc_tariff` (USD/bbl) x `units.crude.bbl_per_t`."""
    del year
    return value("oil.cost.btc_tariff", unit="USD/bbl") * _bbl_per_t()


def _fraction(name: str, unit: str, desc: str, fid: str) -> Param:
    return Param(name, unit, desc, fact=fid, maximum=1.0)


#: The oil route's parameters (units in the names; ``corridor-sim models --year`` lists them).
PARAMS = ParamTable(
    "oil",
    [
        Param(
            "kazakh_volume_mt_per_yr",
            "Mt/yr",
            "Kazakh crude offered to the Aktau route",
            rule=_kazakh_volume,
        ),
        Param(
            "kmtf_tankers_baku",
            "tankers",
            "KMTF/CIMS tankers on the Aktau–Baku lane (Taraz, Liwa; from 2025)",
            rule=_kmtf_tankers_baku,
            kind="int",
        ),
        Param(
            "kmtf_cargo_t",
            "t",
            "cargo of one KMTF/CIMS tanker call at Baku",
            fact="oil.tanker.kmtf_cargo_per_call",
            strict_minimum=True,
        ),
        Param(
            "asco_tankers_baku",
            "tankers",
            "ASCO tankers on the Aktau–Baku lane",
            fact="oil.fleet.asco_tankers_baku",
        ),
        Param(
            "asco_dwt_t",
            "t",
            "mean deadweight of the ASCO tankers on the lane",
            fact="oil.fleet.asco_dwt",
            strict_minimum=True,
        ),
        Param(
            "asco_fleet_tankers",
            "tankers",
            "ASCO tanker fleet (bounds lane tankers plus reinforcement)",
            fact="oil.fleet.asco_tankers",
            aliases=("tanker_fleet_size", "fleet_size", "fleet_tankers"),
        ),
        _fraction(
            "tanker_cargo_share", "-", "share of deadweight that is cargo", "oil.tanker.cargo_share"
        ),
        Param(
            "tanker_speed_km_per_h",
            "km/h",
            "loaded tanker speed",
            fact="oil.tanker.speed",
            strict_minimum=True,
        ),
        Param(
            "sea_distance_km",
            "km",
            "Aktau–Baku sea distance",
            fact="oil.caspian.aktau_baku_distance",
            strict_minimum=True,
        ),
        Param(
            "port_time_days",
            "d",
            "port time per round trip (both ends)",
            fact="oil.tanker.port_time",
        ),
        _fraction(
            "tanker_availability_winter",
            "-",
            "vessel-day availability Dec–Feb (shared Caspian weather)",
            "caspian_sea.weather.availability_winter",
        ),
        _fraction(
            "tanker_availability_shoulder",
            "-",
            "vessel-day availability Mar, Nov (shared Caspian weather)",
            "caspian_sea.weather.availability_shoulder",
        ),
        _fraction(
            "tanker_availability_summer",
            "-",
            "vessel-day availability Apr–Oct (shared Caspian weather)",
            "caspian_sea.weather.availability_summer",
        ),
        Param(
            "aktau_loading_mt_per_yr",
            "Mt/yr",
            "Aktau oil berths loading capacity",
            fact="oil.aktau.oil_berth_capacity",
        ),
        Param(
            "kuryk_loading_mt_per_yr",
            "Mt/yr",
            "crude loading at Kuryk (none in service today)",
            fact="oil.kuryk.crude_loading",
        ),
        Param(
            "aktau_storage_kt", "kt", "Aktau tank space for export crude", fact="oil.aktau.storage"
        ),
        Param(
            "makhachkala_volume_mt_per_yr",
            "Mt/yr",
            "crude booked from Aktau to Makhachkala (2023 loadings)",
            fact="oil.aktau.loadings_makhachkala_2023",
            fact_unit="Mt",
        ),
        Param(
            "makhachkala_tankers",
            "tankers",
            "tankers on the Aktau–Makhachkala lane",
            fact="oil.fleet.kmtf_makhachkala_tankers",
        ),
        Param(
            "makhachkala_dwt_t",
            "t",
            "deadweight of a Makhachkala-lane tanker",
            fact="oil.fleet.kmtf_large_dwt",
            strict_minimum=True,
        ),
        Param(
            "makhachkala_distance_km",
            "km",
            "Aktau–Makhachkala sea distance",
            fact="oil.caspian.aktau_makhachkala_distance",
            strict_minimum=True,
        ),
        Param(
            "makhachkala_terminal_mt_per_yr",
            "Mt/yr",
            "Makhachkala oil terminal capacity",
            fact="oil.makhachkala.terminal_capacity",
        ),
        Param(
            "makhachkala_transit_usd_per_t",
            "USD/t",
            "Makhachkala onward to a Black Sea berth (Transneft)",
            fact="oil.cost.makhachkala_transit",
        ),
        Param(
            "reinforcement_tankers",
            "tankers",
            "extra ASCO tankers sent to the Baku lane in a disruption",
            value=0,
            kind="int",
        ),
        Param(
            "reinforcement_order_day",
            "d",
            "day of the horizon the reinforcement is ordered",
            value=0.0,
        ),
        Param(
            "reinforcement_lead_time_d",
            "d",
            "days from order to the extra tankers loading",
            fact="oil.reinforcement.lead_time",
        ),
        Param(
            "reinforcement_premium_usd_per_t",
            "USD/t",
            "extra freight on reinforcement tankers",
            fact="oil.reinforcement.premium",
        ),
        Param(
            "btc_spare_capacity_mt_per_yr",
            "Mt/yr",
            "BTC capacity left by Azerbaijani crude",
            rule=_btc_spare,
        ),
        Param(
            "btc_capacity_mt_per_yr",
            "Mt/yr",
            "BTC total capacity (Ceyhan terminal)",
            rule=_btc_capacity,
        ),
        Param(
            "supsa_capacity_mt_per_yr",
            "Mt/yr",
            "Baku–Supsa pipeline capacity (reserve)",
            rule=_supsa_capacity,
        ),
        Param(
            "supsa_terminal_mt_per_yr",
            "Mt/yr",
            "Supsa terminal loading capacity",
            rule=_supsa_terminal,
        ),
        Param("baku_storage_kt", "kt", "Sangachal tank space for Kazakh crude", rule=_baku_storage),
        Param("include_novorossiysk", "-", "add the CPC pipeline to Novorossiysk", value=False),
        Param(
            "cpc_volume_mt_per_yr",
            "Mt/yr",
            "Kazakh crude offered to CPC",
            fact="oil.cpc.kazakh_volume_2025",
            fact_unit="Mt",
        ),
        Param(
            "cpc_capacity_mt_per_yr",
            "Mt/yr",
            "CPC capacity, Kazakh section",
            fact="oil.cpc.capacity_kazakh",
        ),
        Param(
            "novorossiysk_terminal_mt_per_yr",
            "Mt/yr",
            "Novorossiysk (CPC) terminal capacity",
            fact="oil.cpc.capacity_total",
        ),
        Param(
            "tanker_freight_usd_per_t",
            "USD/t",
            "Caspian tanker freight",
            fact="oil.cost.caspian_freight",
        ),
        Param(
            "btc_tariff_usd_per_t",
            "USD/t",
            "BTC (and Baku–Supsa) pipeline tariff",
            rule=_btc_tariff,
        ),
        Param(
            "reserve_premium_usd_per_t",
            "USD/t",
            "extra cost of Black Sea outlets (reserve rule)",
            fact="oil.cost.reserve_premium",
        ),
        Param("cpc_tariff_usd_per_t", "USD/t", "CPC pipeline tariff", fact="oil.cost.cpc_tariff"),
        Param(
            "diversion_cost_usd_per_t",
            "USD/t",
            "moving CPC-bound crude to Aktau instead",
            fact="oil.cost.tengiz_aktau",
        ),
        Param(
            "tank_handling_usd_per_t",
            "USD/t",
            "putting crude through Sangachal tanks",
            fact="oil.cost.tank_handling",
        ),
        Param(
            "storage_time_preference_usd_per_t",
            "USD/t",
            "extra cost per period of later tank release",
            fact="oil.cost.storage_time_preference",
        ),
        Param(
            "market_value_usd_per_t", "USD/t", "value of a delivered tonne", fact="oil.market.value"
        ),
    ],
    relations=[
        Relation(
            "btc_spare_capacity_mt_per_yr",
            "<=",
            "btc_capacity_mt_per_yr",
            "the room left to Kazakh crude is part of BTC's capacity",
        ),
    ],
)


# -- derived quantities -----------------------------------------------------------------
def _round_trip(distance_km: float, p: Mapping[str, Any]) -> float:
    sailing_h = 2 * distance_km / p["tanker_speed_km_per_h"]
    return sailing_h / HOURS_PER_DAY + p["port_time_days"]


def round_trip_days(p: Mapping[str, Any]) -> float:
    """Aktau–Baku–Aktau cycle: sailing both ways plus port time (days)."""
    return _round_trip(p["sea_distance_km"], p)


def makhachkala_round_trip_days(p: Mapping[str, Any]) -> float:
    """Aktau–Makhachkala–Aktau cycle: sailing both ways plus port time (days)."""
    return _round_trip(p["makhachkala_distance_km"], p)


def cargo_per_call_t(p: Mapping[str, Any]) -> float:
    """Mean cargo of one tanker call at Baku: the lane's cargo per round over its tankers (t)."""
    n = p["kmtf_tankers_baku"] + p["asco_tankers_baku"]
    if n <= 0:
        return float("nan")
    return lane_cargo_t(p) / n


def lane_cargo_t(p: Mapping[str, Any]) -> float:
    """Cargo the Aktau–Baku lane's tankers carry in one round each (t).

    KMTF tankers carry ``kmtf_cargo_t`` per call (about 6 kt on the shallow lane), ASCO
    tankers their deadweight times the cargo share.
    """
    asco = p["asco_tankers_baku"] * p["asco_dwt_t"] * p["tanker_cargo_share"]
    return p["kmtf_tankers_baku"] * p["kmtf_cargo_t"] + asco


def tanker_capacity_kt_per_day(p: Mapping[str, Any]) -> float:
    """Baku lane capacity with every tanker sailing: cargo per round / round trip (kt/d)."""
    return lane_cargo_t(p) / THOUSAND / round_trip_days(p)


def makhachkala_capacity_kt_per_day(p: Mapping[str, Any]) -> float:
    """Makhachkala lane capacity with every tanker sailing (kt/d)."""
    dwt = p["makhachkala_tankers"] * p["makhachkala_dwt_t"]
    return dwt * p["tanker_cargo_share"] / THOUSAND / makhachkala_round_trip_days(p)


def reinforcement_capacity_kt_per_day(p: Mapping[str, Any]) -> float:
    """Capacity the reinforcement tankers add to the Baku lane once loading (kt/d)."""
    dwt = p["reinforcement_tankers"] * p["asco_dwt_t"]
    return dwt * p["tanker_cargo_share"] / THOUSAND / round_trip_days(p)


def availability(p: Mapping[str, Any], month: int) -> float:
    """Tanker-day availability in calendar `month` (storm and ice season)."""
    return float(p[f"tanker_availability_{season_of(month)}"])


def per_day_kt(year: int, mt_per_yr: float) -> float:
    """Convert an annual rate in Mt/yr to kt per day of `year`."""
    return mt_per_yr * THOUSAND / days_in_year(year)
