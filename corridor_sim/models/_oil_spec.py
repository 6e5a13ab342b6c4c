"""Parameters of the Aktau–Baku–Ceyhan oil route: :class:`OilSpec`, each value traced.

Every default is read from the facts catalogue (``seeds.csv`` for the documented
volumes, ``assumptions_oil.csv`` and ``assumptions_units.csv`` for the rest) and
:data:`SOURCES` records which ids each field comes from. Import from
:mod:`corridor_sim.models.oil`; this module only keeps that one short.
"""

from __future__ import annotations

import calendar
import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from corridor_sim.catalogue import fact, value
from corridor_sim.errors import SpecError, UnknownNameError, suggest
from corridor_sim.models.base import Parameter
from corridor_sim.units import bbl_per_day_to_mt_per_yr

__all__ = ["PERCENT", "SOURCES", "UNITS", "OilSpec", "days_in_year", "season_of"]

#: Mega (1e6): Mbbl -> bbl.
MEGA = 1000 * 1000
#: Percent per unit fraction.
PERCENT = 10 * 10
#: Hours per day.
HOURS_PER_DAY = 24
#: Calendar months of the winter storm season and of the shoulder months.
WINTER_MONTHS = (12, 1, 2)
SHOULDER_MONTHS = (3, 11)

#: Documented or planned volume of the route, by year (catalogue ids, earliest first).
_VOLUME_IDS = (
    "oil.abc.volume_2023",
    "oil.abc.volume_2024",
    "oil.abc.volume_2025_plan",
    "oil.abc.volume_2026_agreement",
)

#: Catalogue ids behind each field of :class:`OilSpec`.
SOURCES: dict[str, tuple[str, ...]] = {
    "kazakh_volume_mt_per_yr": _VOLUME_IDS,  # narrowed to one id per year in `OilSpec.sources`
    "tanker_fleet_size": ("oil.tanker.fleet_size",),
    "tanker_dwt_t": ("oil.tanker.dwt",),
    "tanker_cargo_share": ("oil.tanker.cargo_share",),
    "tanker_speed_km_per_h": ("oil.tanker.speed",),
    "sea_distance_km": ("oil.caspian.aktau_baku_distance",),
    "port_time_days": ("oil.tanker.port_time",),
    "tanker_availability_winter": ("oil.tanker.availability_winter",),
    "tanker_availability_shoulder": ("oil.tanker.availability_shoulder",),
    "tanker_availability_summer": ("oil.tanker.availability_summer",),
    "aktau_loading_mt_per_yr": ("oil.aktau.oil_berth_capacity",),
    "btc_spare_capacity_mt_per_yr": (
        "oil.btc.capacity_dra",
        "oil.btc.throughput_2022",
        "units.crude.bbl_per_t",
    ),
    "btc_capacity_mt_per_yr": (
        "oil.btc.capacity_dra",
        "units.crude.bbl_per_t",
    ),
    "supsa_capacity_mt_per_yr": (
        "oil.supsa.capacity",
        "units.crude.bbl_per_t",
    ),
    "supsa_terminal_mt_per_yr": (
        "oil.supsa.capacity_max",
        "units.crude.bbl_per_t",
    ),
    "baku_storage_kt": (
        "oil.baku.sangachal_working_storage",
        "oil.baku.storage_share_transit",
        "units.crude.bbl_per_t",
    ),
    "include_novorossiysk": (),
    "cpc_volume_mt_per_yr": ("oil.cpc.kazakh_volume_2025",),
    "cpc_capacity_mt_per_yr": ("oil.cpc.capacity_kazakh",),
    "novorossiysk_terminal_mt_per_yr": ("oil.cpc.capacity_total",),
    "tanker_freight_usd_per_t": ("oil.cost.caspian_freight",),
    "btc_tariff_usd_per_t": ("oil.cost.btc_tariff", "units.crude.bbl_per_t"),
    "reserve_premium_usd_per_t": ("oil.cost.reserve_premium", "oil.supsa.strategic_reserve"),
    "cpc_tariff_usd_per_t": ("oil.cost.cpc_tariff",),
    "diversion_cost_usd_per_t": ("oil.cost.tengiz_aktau",),
    "tank_handling_usd_per_t": ("oil.cost.tank_handling",),
    "storage_time_preference_usd_per_t": ("oil.cost.storage_time_preference",),
    "market_value_usd_per_t": ("oil.market.value",),
}

#: Unit and one-line description of each field.
UNITS: dict[str, tuple[str, str]] = {
    "kazakh_volume_mt_per_yr": ("Mt/yr", "Kazakh crude offered to the Aktau route"),
    "tanker_fleet_size": ("tankers", "tankers serving the Aktau–Baku lane"),
    "tanker_dwt_t": ("t", "deadweight of one tanker"),
    "tanker_cargo_share": ("-", "share of deadweight that is cargo"),
    "tanker_speed_km_per_h": ("km/h", "loaded tanker speed"),
    "sea_distance_km": ("km", "Aktau–Baku sea distance"),
    "port_time_days": ("d", "port time per round trip (both ends)"),
    "tanker_availability_winter": ("-", "tanker-day availability Dec–Feb"),
    "tanker_availability_shoulder": ("-", "tanker-day availability Mar, Nov"),
    "tanker_availability_summer": ("-", "tanker-day availability Apr–Oct"),
    "aktau_loading_mt_per_yr": ("Mt/yr", "Aktau oil berths loading capacity"),
    "btc_spare_capacity_mt_per_yr": ("Mt/yr", "BTC capacity left by Azerbaijani crude"),
    "btc_capacity_mt_per_yr": ("Mt/yr", "BTC total capacity (Ceyhan terminal)"),
    "supsa_capacity_mt_per_yr": ("Mt/yr", "Baku–Supsa pipeline capacity (reserve)"),
    "supsa_terminal_mt_per_yr": ("Mt/yr", "Supsa terminal loading capacity"),
    "baku_storage_kt": ("kt", "Sangachal tank space for Kazakh crude"),
    "include_novorossiysk": ("-", "add the CPC pipeline to Novorossiysk"),
    "cpc_volume_mt_per_yr": ("Mt/yr", "Kazakh crude offered to CPC"),
    "cpc_capacity_mt_per_yr": ("Mt/yr", "CPC capacity, Kazakh section"),
    "novorossiysk_terminal_mt_per_yr": ("Mt/yr", "Novorossiysk (CPC) terminal capacity"),
    "tanker_freight_usd_per_t": ("USD/t", "Caspian tanker freight"),
    "btc_tariff_usd_per_t": ("USD/t", "BTC (and Baku–Supsa) pipeline tariff"),
    "reserve_premium_usd_per_t": ("USD/t", "extra cost of Black Sea outlets (reserve rule)"),
    "cpc_tariff_usd_per_t": ("USD/t", "CPC pipeline tariff"),
    "diversion_cost_usd_per_t": ("USD/t", "moving CPC-bound crude to Aktau instead"),
    "tank_handling_usd_per_t": ("USD/t", "putting crude through Sangachal tanks"),
    "storage_time_preference_usd_per_t": ("USD/t", "extra cost per period of later tank release"),
    "market_value_usd_per_t": ("USD/t", "value of a delivered tonne"),
}

_FRACTIONS = (
    "tanker_cargo_share",
    "tanker_availability_winter",
    "tanker_availability_shoulder",
    "tanker_availability_summer",
)
_POSITIVE = (
    "tanker_dwt_t",
    "tanker_speed_km_per_h",
    "sea_distance_km",
)


def days_in_year(year: int) -> int:
    """Calendar days in `year` (365 or 366)."""
    return sum(calendar.monthrange(year, m)[1] for m in range(1, 13))


def season_of(month: int) -> str:
    """Return the season of calendar `month` 1–12: winter (Dec–Feb), shoulder (Mar, Nov), summer."""
    if month in WINTER_MONTHS:
        return "winter"
    if month in SHOULDER_MONTHS:
        return "shoulder"
    return "summer"


def _volume_id(year: int) -> str:
    """Catalogue id of the documented or planned route volume that applies in `year`."""
    first = fact(_VOLUME_IDS[0]).year
    if first is None or year < first:
        msg = (
            f"year = {year}: the Aktau–Baku–Ceyhan route's documented volumes start in "
            f"{first}; expected year >= {first}"
        )
        raise SpecError(msg)
    chosen = _VOLUME_IDS[0]
    for fid in _VOLUME_IDS:
        fyear = fact(fid).year
        if fyear is not None and fyear <= year:
            chosen = fid
    return chosen


def _bbl_per_t() -> float:
    return value("units.crude.bbl_per_t", unit="bbl/t")


@dataclass(frozen=True, slots=True)
class OilSpec:
    """All parameters of the oil route for one year (units in the field names).

    Build it with :meth:`for_year` and change fields with :meth:`replace`; every
    default is a catalogue fact or assumption listed in :data:`SOURCES`.
    """

    year: int
    kazakh_volume_mt_per_yr: float
    tanker_fleet_size: float
    tanker_dwt_t: float
    tanker_cargo_share: float
    tanker_speed_km_per_h: float
    sea_distance_km: float
    port_time_days: float
    tanker_availability_winter: float
    tanker_availability_shoulder: float
    tanker_availability_summer: float
    aktau_loading_mt_per_yr: float
    btc_spare_capacity_mt_per_yr: float
    btc_capacity_mt_per_yr: float
    supsa_capacity_mt_per_yr: float
    supsa_terminal_mt_per_yr: float
    baku_storage_kt: float
    include_novorossiysk: bool
    cpc_volume_mt_per_yr: float
    cpc_capacity_mt_per_yr: float
    novorossiysk_terminal_mt_per_yr: float
    tanker_freight_usd_per_t: float
    btc_tariff_usd_per_t: float
    reserve_premium_usd_per_t: float
    cpc_tariff_usd_per_t: float
    diversion_cost_usd_per_t: float
    tank_handling_usd_per_t: float
    storage_time_preference_usd_per_t: float
    market_value_usd_per_t: float
    overridden: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in UNITS:
            val = getattr(self, name)
            if name == "include_novorossiysk":
                if not isinstance(val, bool):
                    msg = f"include_novorossiysk = {val!r}: expected true or false"
                    raise SpecError(msg)
                continue
            if isinstance(val, bool) or not isinstance(val, (int, float)) or math.isnan(val):
                msg = f"{name} = {val!r}: expected a number in {UNITS[name][0]}"
                raise SpecError(msg)
            if val < 0:
                msg = f"{name} = {val!r}: expected a value >= 0 {UNITS[name][0]} ({UNITS[name][1]})"
                raise SpecError(msg)
            if name in _FRACTIONS and val > 1:
                msg = f"{name} = {val!r}: expected a fraction between 0 and 1 ({UNITS[name][1]})"
                raise SpecError(msg)
            if name in _POSITIVE and val == 0:
                msg = f"{name} = {val!r}: expected a positive number of {UNITS[name][0]}"
                raise SpecError(msg)

    @classmethod
    def for_year(cls, year: int) -> OilSpec:
        """Defaults for `year` from the catalogue.

        Raises
        ------
        SpecError
            If `year` is before the route's first documented year (2023).
        """
        if isinstance(year, bool) or not isinstance(year, int):
            msg = f"year = {year!r}: expected an integer year, e.g. 2025"
            raise SpecError(msg)
        bbl_t = _bbl_per_t()
        btc_bbl_d = value("oil.btc.capacity_dra", unit="Mbbl/d") * MEGA
        # bbl/d capacities over the calendar days of `year`, so that per_day_kt gives back
        # exactly the quoted daily rate in leap years too
        days = days_in_year(year)
        btc_total = float(bbl_per_day_to_mt_per_yr(btc_bbl_d, days_per_yr=days))
        btc_used = value("oil.btc.throughput_2022", unit="Mbbl/yr") / bbl_t
        storage_kt = (
            value("oil.baku.sangachal_working_storage", unit="Mbbl")
            * 1000
            / bbl_t
            * value("oil.baku.storage_share_transit", unit="-")
        )
        return cls(
            year=year,
            kazakh_volume_mt_per_yr=value(_volume_id(year)),
            tanker_fleet_size=value("oil.tanker.fleet_size", unit="tankers"),
            tanker_dwt_t=value("oil.tanker.dwt", unit="t"),
            tanker_cargo_share=value("oil.tanker.cargo_share", unit="-"),
            tanker_speed_km_per_h=value("oil.tanker.speed", unit="km/h"),
            sea_distance_km=value("oil.caspian.aktau_baku_distance", unit="km"),
            port_time_days=value("oil.tanker.port_time", unit="d"),
            tanker_availability_winter=value("oil.tanker.availability_winter", unit="-"),
            tanker_availability_shoulder=value("oil.tanker.availability_shoulder", unit="-"),
            tanker_availability_summer=value("oil.tanker.availability_summer", unit="-"),
            aktau_loading_mt_per_yr=value("oil.aktau.oil_berth_capacity", unit="Mt/yr"),
            btc_spare_capacity_mt_per_yr=max(btc_total - btc_used, 0),
            btc_capacity_mt_per_yr=btc_total,
            supsa_capacity_mt_per_yr=float(
                bbl_per_day_to_mt_per_yr(
                    value("oil.supsa.capacity", unit="bbl/d"), days_per_yr=days
                )
            ),
            supsa_terminal_mt_per_yr=float(
                bbl_per_day_to_mt_per_yr(
                    value("oil.supsa.capacity_max", unit="bbl/d"), days_per_yr=days
                )
            ),
            baku_storage_kt=storage_kt,
            include_novorossiysk=False,
            cpc_volume_mt_per_yr=value("oil.cpc.kazakh_volume_2025", unit="Mt"),
            cpc_capacity_mt_per_yr=value("oil.cpc.capacity_kazakh", unit="Mt/yr"),
            novorossiysk_terminal_mt_per_yr=value("oil.cpc.capacity_total", unit="Mt/yr"),
            tanker_freight_usd_per_t=value("oil.cost.caspian_freight", unit="USD/t"),
            btc_tariff_usd_per_t=value("oil.cost.btc_tariff", unit="USD/bbl") * bbl_t,
            reserve_premium_usd_per_t=value("oil.cost.reserve_premium", unit="USD/t"),
            cpc_tariff_usd_per_t=value("oil.cost.cpc_tariff", unit="USD/t"),
            diversion_cost_usd_per_t=value("oil.cost.tengiz_aktau", unit="USD/t"),
            tank_handling_usd_per_t=value("oil.cost.tank_handling", unit="USD/t"),
            storage_time_preference_usd_per_t=value(
                "oil.cost.storage_time_preference", unit="USD/t"
            ),
            market_value_usd_per_t=value("oil.market.value", unit="USD/t"),
        )

    def replace(self, **overrides: Any) -> OilSpec:  # noqa: ANN401
        """Copy with fields replaced; unknown names raise :class:`UnknownNameError`."""
        for key in overrides:
            if key not in UNITS:
                msg = f"oil override {key!r}: unknown parameter, {suggest(key, UNITS)}"
                raise UnknownNameError(msg)
        fixed = {
            k: (float(v) if isinstance(v, int) and not isinstance(v, bool) else v)
            for k, v in overrides.items()
        }
        done = tuple(dict.fromkeys((*self.overridden, *overrides)))
        return dataclasses.replace(self, **fixed, overridden=done)

    # -- derived quantities ----------------------------------------------------
    @property
    def round_trip_days(self) -> float:
        """Aktau–Baku–Aktau cycle: sailing both ways plus port time (days)."""
        sailing_h = 2 * self.sea_distance_km / self.tanker_speed_km_per_h
        return sailing_h / HOURS_PER_DAY + self.port_time_days

    @property
    def tanker_capacity_kt_per_day(self) -> float:
        """Lane capacity with every tanker sailing: fleet x cargo / round trip (kt/d)."""
        cargo_kt = self.tanker_fleet_size * self.tanker_dwt_t * self.tanker_cargo_share / 1000
        return cargo_kt / self.round_trip_days

    def availability(self, month: int) -> float:
        """Tanker-day availability in calendar `month` (storm and ice season)."""
        return float(getattr(self, f"tanker_availability_{season_of(month)}"))

    def per_day_kt(self, mt_per_yr: float) -> float:
        """Convert an annual rate in Mt/yr to kt per day of this spec's year."""
        return mt_per_yr * 1000 / days_in_year(self.year)

    def sources(self, name: str) -> tuple[str, ...]:
        """Catalogue ids behind field `name` (``("override",)`` when overridden)."""
        if name in self.overridden:
            return ("override",)
        if name == "kazakh_volume_mt_per_yr":
            return (_volume_id(self.year),)
        return SOURCES[name]

    def provenance(self) -> pd.DataFrame:
        """Every parameter with its value, unit and source ids.

        Returns
        -------
        pandas.DataFrame
            Columns ``parameter``, ``value``, ``unit``, ``description``, ``source_id``
            (one row per parameter and id), ``status`` (``actual``, ``planned``,
            ``assumption``, ... or ``override``; ``modelling choice`` for switches).
        """
        rows = []
        for name, (unit, desc) in UNITS.items():
            ids = self.sources(name) or ("modelling choice",)
            for sid in ids:
                if sid in ("override", "modelling choice"):
                    status = sid
                else:
                    status = str(fact(sid).status.value)
                rows.append((name, getattr(self, name), unit, desc, sid, status))
        columns = ["parameter", "value", "unit", "description", "source_id", "status"]
        return pd.DataFrame(rows, columns=columns)

    def parameters(self) -> dict[str, Parameter]:
        """Return the fields as :class:`~corridor_sim.models.base.Parameter` objects."""
        out = {}
        for name, (unit, desc) in UNITS.items():
            maximum = 1 if name in _FRACTIONS else None
            out[name] = Parameter(
                name=name,
                default=getattr(self, name),
                unit=unit,
                description=desc,
                source=", ".join(self.sources(name)),
                minimum=None if name == "include_novorossiysk" else 0,
                maximum=maximum,
            )
        return out
