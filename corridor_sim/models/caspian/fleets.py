"""Demand and fleets of the Caspian corridor's hubs for one year of resolved parameters.

:func:`hub_demand` gives each demand hub's annual energy, peak and peak month;
:func:`capacities` the installed wind, solar and hydro per hub; :func:`thermal_fleets` the
thermal fleets (one per country, at its main hub) with the hubs whose demand each serves
(``caspian.gen.gas.serves_own_demand``). Everything is read from the resolved parameters
(:data:`.params.PARAMS`) and the catalogue, with no cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import overload

import pandas as pd

from corridor_sim.catalogue import fact, value
from corridor_sim.units import HOURS_PER_YEAR, MWH_PER_GWH, PERCENT, THOUSAND

__all__ = [
    "DEMAND_HUBS",
    "FLEETS",
    "HUBS",
    "ThermalFleet",
    "capacities",
    "capacity_factor_id",
    "hub_demand",
    "mean_mw",
    "thermal_fleets",
]

#: Hub id -> country (zone) code. ``eu``, ``ru`` and ``ir`` are markets outside the corridor.
HUBS: dict[str, str] = {
    "kz_west": "kz",
    "kz_rest": "kz",
    "uz": "uz",
    "az_absheron": "az",
    "az_rest": "az",
    "nakhchivan": "az",
    "ge": "ge",
    "ge_black_sea": "ge",
    "tr": "tr",
    "tr_east": "tr",
    "ro_constanta": "eu",
    "europe": "eu",
    "ru": "ru",
    "ir": "ir",
}

#: Hubs with a demand profile (``<hub>.demand`` columns of the profiles).
DEMAND_HUBS: tuple[str, ...] = (
    "kz_west", "kz_rest", "uz", "az_absheron", "az_rest", "nakhchivan", "ge", "tr",
)  # fmt: skip

#: Thermal fleet -> (its hub, the hubs whose demand it serves). Nakhchivan, an exclave, has
#: its own small fleet; so has Kazakhstan's Western Zone at Aktau (``kzw``,
#: caspian.gen.kz_west.own_fleet); Azerbaijan's carries the export allowance
#: (caspian.az.gas_export_today).
FLEETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "kz": ("kz_rest", ("kz_rest",)),
    "kzw": ("kz_west", ("kz_west",)),
    "uz": ("uz", ("uz",)),
    "az": ("az_rest", ("az_absheron", "az_rest")),
    "nx": ("nakhchivan", ("nakhchivan",)),
    "ge": ("ge", ("ge", "ge_black_sea")),
    "tr": ("tr", ("tr", "tr_east")),
}

#: Fleet -> the country whose thermal cost it pays (the exclaves' fleets are national).
_FLEET_COUNTRY = {"nx": "az", "kzw": "kz"}

_SHARE_IDS = {
    "kz_west": "caspian.demand.kz_west_share",
    "az_absheron": "caspian.demand.az_absheron_share",
}


@overload
def mean_mw(annual_twh: float) -> float: ...
@overload
def mean_mw(annual_twh: pd.Series) -> pd.Series: ...
def mean_mw(annual_twh: float | pd.Series) -> float | pd.Series:
    """Mean power (MW) of an annual energy in TWh over the model's 8760-hour year."""
    return annual_twh * THOUSAND * MWH_PER_GWH / HOURS_PER_YEAR  # TWh -> GWh -> MWh, per hour


def _grown(fid: str, year: int, growth_pct: float) -> float:
    """Catalogue figure `fid` grown at `growth_pct` from its data year to `year`."""
    data_year = fact(fid).year or year
    return (1 + growth_pct / PERCENT) ** max(0, year - int(data_year))


def _national(year: int, p: Mapping[str, float]) -> dict[str, tuple[float, float]]:
    """Country -> (annual TWh, peak MW) in `year`; Nakhchivan carved out of Azerbaijan."""
    growth = p["demand_growth_pct_per_yr"]
    out: dict[str, tuple[float, float]] = {}
    for c, annual in (("kz", p["kz_demand_twh"]), ("uz", p["uz_demand_twh"])):
        base = value(f"caspian.demand.{c}.annual", unit="TWh")  # the peak's energy scale
        out[c] = (annual, value(f"caspian.demand.{c}.peak", unit="MW") * annual / base)
    for c in ("az", "ge", "tr"):
        aid = f"caspian.demand.{c}.annual"
        annual = value(aid, unit="TWh") * _grown(aid, year, growth)
        if c == "az":
            peak = value("caspian.demand.az.peak", unit="MW") * _grown(
                "caspian.demand.az.peak", year, growth
            )
        else:
            peak = mean_mw(annual) / value(f"caspian.demand.{c}.load_factor", unit="-")
        out[c] = (annual, peak)
    nid = "caspian.demand.nakhchivan.annual"
    nx = value(nid, unit="TWh") * _grown(nid, year, growth)
    az_annual, az_peak = out["az"]
    out["nx"] = (nx, az_peak * nx / az_annual)
    out["az"] = (az_annual - nx, az_peak * (1 - nx / az_annual))
    return out


def hub_demand(year: int, p: Mapping[str, float]) -> pd.DataFrame:
    """Annual energy (TWh), peak (MW) and peak month per demand hub for `year`.

    Parameters
    ----------
    year : int
        Model year.
    p : mapping
        Resolved parameters (``kz_demand_twh``, ``uz_demand_twh``,
        ``demand_growth_pct_per_yr``).

    Returns
    -------
    pandas.DataFrame
        Columns ``hub, country, annual_twh, peak_mw, peak_month``, one row per
        :data:`DEMAND_HUBS` entry.
    """
    national = _national(year, p)
    rows = []
    for hub in DEMAND_HUBS:
        country = "nx" if hub == "nakhchivan" else HUBS[hub]
        annual, peak = national[country]
        siblings = [h for h in DEMAND_HUBS if HUBS[h] == HUBS[hub] and h != "nakhchivan"]
        if hub in _SHARE_IDS:
            share = value(_SHARE_IDS[hub], unit="-")
        elif hub == "nakhchivan" or len(siblings) == 1:
            share = 1.0
        else:
            share = 1 - sum(value(_SHARE_IDS[h], unit="-") for h in siblings if h in _SHARE_IDS)
        month_country = "az" if hub == "nakhchivan" else HUBS[hub]
        month = int(value(f"caspian.demand.{month_country}.peak_month", unit="month"))
        rows.append((hub, HUBS[hub], annual * share, peak * share, month))
    return pd.DataFrame(rows, columns=["hub", "country", "annual_twh", "peak_mw", "peak_month"])


def capacity_factor_id(hub: str, kind: str) -> str:
    """Catalogue id of the annual capacity factor of `kind` at `hub`."""
    country = HUBS[hub]
    if kind == "hydro":
        return f"caspian.gen.{country}.hydro_cf"
    return f"caspian.cf.{country}.{kind}"


def capacities(p: Mapping[str, float]) -> pd.DataFrame:
    """Installed wind/solar/hydro MW per hub and kind (domestic plus export fleets)."""
    uz_export_wind = value("caspian.export.uz_wind_share", unit="-")
    rows = [
        ("kz_rest", "wind", p["kz_green_mw"] * p["kz_wind_share"]),
        ("kz_rest", "solar", p["kz_green_mw"] * (1 - p["kz_wind_share"])),
        ("kz_rest", "hydro", value("caspian.gen.kz.hydro", unit="MW")),
        ("kz_west", "wind", p["kz_export_wind_mw"]),
        ("uz", "wind", p["uz_green_mw"] * p["uz_wind_share"] + p["uz_export_mw"] * uz_export_wind),
        (
            "uz",
            "solar",
            p["uz_green_mw"] * (1 - p["uz_wind_share"]) + p["uz_export_mw"] * (1 - uz_export_wind),
        ),
        ("uz", "hydro", p["uz_hydro_mw"]),
        ("az_absheron", "wind", p["az_green_mw"] * p["az_wind_share"]),
        ("az_rest", "solar", p["az_green_mw"] * (1 - p["az_wind_share"])),
        ("az_rest", "hydro", value("caspian.gen.az.hydro", unit="MW")),
        ("ge", "hydro", value("caspian.gen.ge.hydro", unit="MW")),
    ]
    rows += [
        (("tr"), k, value(f"caspian.gen.tr.{k}", unit="MW")) for k in ("wind", "solar", "hydro")
    ]
    return pd.DataFrame(rows, columns=["hub", "kind", "capacity_mw"])


@dataclass(frozen=True, slots=True)
class ThermalFleet:
    """One country's thermal fleet: where it sits, what it serves, its size and cost."""

    fleet: str
    hub: str
    serves: tuple[str, ...]
    capacity_mw: float
    cost_eur_per_mwh: float
    export_mw: float


def thermal_fleets(demand: pd.DataFrame, p: Mapping[str, float]) -> list[ThermalFleet]:
    """Return the thermal fleets of `demand`'s year (`demand`: hub_demand indexed by hub).

    Azerbaijan's and Uzbekistan's capacities are the published fleets
    (``caspian.gen.az.thermal``, ``uz_thermal_mw``); the others cover their own peak with
    ``caspian.gen.gas.reserve_margin``. Only Azerbaijan has an export allowance.
    """
    margin = value("caspian.gen.gas.reserve_margin", unit="-")
    fact("caspian.gen.kz_west.own_fleet")  # the Western Zone's own fleet: a rule row
    out = []
    for fleet, (hub, serves) in FLEETS.items():
        peak = float(demand["peak_mw"].reindex(list(serves), fill_value=0.0).sum())
        if fleet == "az":
            installed = value("caspian.gen.az.thermal", unit="MW")
        elif fleet == "uz":
            installed = p["uz_thermal_mw"]
        else:
            installed = margin * peak
        country = _FLEET_COUNTRY.get(fleet, fleet)
        out.append(
            ThermalFleet(
                fleet=fleet,
                hub=hub,
                serves=serves,
                capacity_mw=float(installed),
                cost_eur_per_mwh=float(p[f"gas_cost_{country}_eur_per_mwh"]),
                export_mw=float(p["az_gas_export_mw"]) if fleet == "az" else 0.0,
            )
        )
    return out
