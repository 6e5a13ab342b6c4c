"""The Caspian corridor as a pandapower net: hubs, links, demand, fleets, lines.

:func:`network` builds the net from resolved parameters (:data:`.params.PARAMS`); every
other number comes from the facts catalogue (``assumptions_caspian.csv`` and the seed
facts), read when the net is built (no cache, so every read is in a run's provenance).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.catalogue import fact, value
from corridor_sim.models.caspian.params import PARAMS, applies
from corridor_sim.models.params import ParamValues
from corridor_sim.units import HOURS_PER_YEAR, MWH_PER_GWH, PERCENT, THOUSAND

__all__ = [
    "GAS_HUBS",
    "HUBS",
    "LINKS",
    "ROUTES",
    "capacity_factor_id",
    "hub_demand",
    "mean_mw",
    "line_rating_mw",
    "network",
]

#: Hub id -> country code (the catalogue's demand/generation figures are per country).
HUBS: dict[str, str] = {
    "kz_west": "kz",
    "kz_rest": "kz",
    "uz": "uz",
    "az_absheron": "az",
    "az_rest": "az",
    "ge": "ge",
    "ge_black_sea": "ge",
    "tr": "tr",
    "ro_constanta": "eu",
    "europe": "eu",
}

#: Link id -> (from hub, to hub, kind). Positive flow runs from -> to (westward).
#: ``hvdc`` and ``b2b`` are pandapower dclines; ``ac`` and ``internal`` are lines.
LINKS: dict[str, tuple[str, str, str]] = {
    "caspian_cable": ("kz_west", "az_absheron", "hvdc"),
    "black_sea_cable": ("ge_black_sea", "ro_constanta", "hvdc"),
    "ge_tr": ("ge", "tr", "b2b"),
    "az_ge": ("az_rest", "ge", "ac"),
    "kz_uz": ("uz", "kz_rest", "ac"),
    "tr_eu": ("tr", "europe", "ac"),
    "kz_internal": ("kz_rest", "kz_west", "internal"),
    "az_internal": ("az_absheron", "az_rest", "internal"),
    "ge_internal": ("ge", "ge_black_sea", "internal"),
    "ro_internal": ("ro_constanta", "europe", "internal"),
}

#: Export route -> the link whose flow leaves the South Caucasus on that route.
ROUTES: dict[str, str] = {
    "caspian_black_sea_europe": "black_sea_cable",
    "azerbaijan_turkiye_europe": "ge_tr",
}

# hubs with a national share of demand and a gas fleet; the two landings and Europe have none
_DEMAND_SHARE_IDS: dict[str, str | None] = {
    "kz_west": "caspian.demand.kz_west_share",
    "kz_rest": None,
    "uz": None,
    "az_absheron": "caspian.demand.az_absheron_share",
    "az_rest": None,
    "ge": None,
    "tr": None,
}
#: Country -> hub of its thermal fleet (caspian.gen.gas.serves_own_demand); Azerbaijan's
#: carries the 2 GW export allowance (caspian.az.gas_export_today).
GAS_HUBS: dict[str, str] = {"kz": "kz_rest", "uz": "uz", "az": "az_rest", "ge": "ge", "tr": "tr"}
_SLACK_HUBS = ("kz_rest", "az_rest", "tr")  # one per AC island (the islands meet only by DC)
_KINDS = ("wind", "solar", "hydro")
_LOW_VOLTAGE_COUNTRIES = ("tr", "eu")  # 400 kV hubs; the rest are 500 kV


def mean_mw(annual_twh: float | pd.Series) -> float | pd.Series:
    """Mean power (MW) of an annual energy in TWh over the model's 8760-hour year."""
    return annual_twh * THOUSAND * MWH_PER_GWH / HOURS_PER_YEAR  # TWh -> GWh -> MWh, per hour


def hub_demand(year: int, growth_pct: float) -> pd.DataFrame:
    """Annual energy (TWh) and peak (MW) per demand hub for `year`.

    Parameters
    ----------
    year : int
        Model year; each national figure grows from its data year.
    growth_pct : float
        Demand growth per year (%).

    Returns
    -------
    pandas.DataFrame
        Columns ``hub, country, annual_twh, peak_mw, peak_month`` (one row per demand hub).
    """
    rows = []
    for country in ("kz", "uz", "az", "ge", "tr"):
        annual_id = f"caspian.demand.{country}.annual"
        annual = value(annual_id, unit="TWh")
        data_year = fact(annual_id).year or year
        if country in ("ge", "tr"):
            peak = mean_mw(annual) / value(f"caspian.demand.{country}.load_factor", unit="-")
        else:
            peak = value(f"caspian.demand.{country}.peak", unit="MW")
        growth = (1 + growth_pct / PERCENT) ** max(0, year - int(data_year))
        hubs = [h for h, c in HUBS.items() if c == country and h in _DEMAND_SHARE_IDS]
        named = {h: value(i, unit="-") for h in hubs if (i := _DEMAND_SHARE_IDS[h]) is not None}
        rest = 1 - sum(named.values())
        for hub in hubs:
            share = named.get(hub, rest)
            rows.append(
                (
                    hub,
                    country,
                    annual * growth * share,
                    peak * growth * share,
                    int(value(f"caspian.demand.{country}.peak_month", unit="month")),
                )
            )
    return pd.DataFrame(rows, columns=["hub", "country", "annual_twh", "peak_mw", "peak_month"])


def _capacities(p: Mapping[str, float]) -> pd.DataFrame:
    """Installed wind/solar/hydro MW per hub and kind (domestic plus export fleets)."""
    rows: list[tuple[str, str, float]] = []
    for hub in ("kz_rest", "uz", "az_rest", "ge", "tr"):
        country = HUBS[hub]
        rows.append((hub, "hydro", value(f"caspian.gen.{country}.hydro", unit="MW")))
    for hub, country in (("kz_rest", "kz"), ("uz", "uz"), ("tr", "tr")):
        rows += [
            (hub, k, value(f"caspian.gen.{country}.{k}", unit="MW")) for k in ("wind", "solar")
        ]
    rows.append(("az_absheron", "wind", p["az_green_mw"] * p["az_wind_share"]))
    rows.append(("az_rest", "solar", p["az_green_mw"] * (1 - p["az_wind_share"])))
    rows.append(("kz_west", "wind", p["kz_export_wind_mw"]))
    uz_wind = value("caspian.export.uz_wind_share", unit="-")
    rows.append(("uz", "wind", p["uz_export_mw"] * uz_wind))
    rows.append(("uz", "solar", p["uz_export_mw"] * (1 - uz_wind)))
    frame = pd.DataFrame(rows, columns=["hub", "kind", "capacity_mw"])
    return frame.groupby(["hub", "kind"], as_index=False, sort=False)["capacity_mw"].sum()


def capacity_factor_id(hub: str, kind: str) -> str:
    """Catalogue id of the annual capacity factor of `kind` at `hub`."""
    country = HUBS[hub]
    if kind == "hydro":
        return f"caspian.gen.{country}.hydro_cf"
    return f"caspian.cf.{'az' if country == 'az' else country}.{kind}"


def _link_ratings(p: Mapping[str, float]) -> dict[str, float]:
    floor = value("caspian.link.internal_min", unit="MW")
    applies("caspian.link.az_ge.reinforcement")  # AZ-GE grows with the Black Sea cable
    az_wind = p["az_green_mw"] * p["az_wind_share"]
    return {
        "caspian_cable": p["caspian_cable_mw"],
        "black_sea_cable": p["black_sea_cable_mw"],
        "ge_tr": p["ge_tr_mw"],
        "az_ge": p["az_ge_mw"] + p["black_sea_cable_mw"],  # caspian.link.az_ge.reinforcement
        "kz_uz": p["kz_uz_mw"] + p["uz_export_mw"],
        "tr_eu": p["tr_eu_mw"],
        "kz_internal": max(floor, p["caspian_cable_mw"]),
        "az_internal": max(floor, p["caspian_cable_mw"] + az_wind),
        "ge_internal": max(floor, p["black_sea_cable_mw"]),
        "ro_internal": max(floor, p["black_sea_cable_mw"]),
    }


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between (lon, lat) points, km."""
    radius_km = value("caspian.geo.earth_radius", unit="km")
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * radius_km * math.asin(math.sqrt(h))


def _add_ac_link(
    net: pp.pandapowerNet, name: str, fb: int, tb: int, *, rating_mw: float, length_km: float
) -> None:
    vn_kv = float(net.bus.at[fb, "vn_kv"])
    r = value("caspian.ac.r_ohm_per_km", unit="ohm/km")
    x = value("caspian.ac.x_ohm_per_km", unit="ohm/km") * (
        1 - value("caspian.ac.series_compensation", unit="-")
    )
    c = value("caspian.ac.c_nf_per_km", unit="nF/km") * (
        1 - value("caspian.ac.shunt_compensation", unit="-")
    )
    i_ka = value("caspian.ac.max_i_ka", unit="kA")
    per_circuit_mw = math.sqrt(3) * vn_kv * i_ka
    angle = math.radians(value("caspian.ac.max_angle_deg", unit="deg"))
    by_angle = rating_mw * x * length_km / (vn_kv**2 * math.sin(angle))
    circuits = max(1, math.ceil(rating_mw / per_circuit_mw), math.ceil(by_angle))
    # the line's limit is the link's stated rating, shared by its parallel circuits
    max_i_ka = rating_mw / (math.sqrt(3) * vn_kv * circuits)
    pp.create_line_from_parameters(
        net,
        fb,
        tb,
        length_km=length_km,
        r_ohm_per_km=r,
        x_ohm_per_km=x,
        c_nf_per_km=c,
        max_i_ka=max(max_i_ka, i_ka / 1000),
        parallel=circuits,
        name=name,
        max_loading_percent=value("caspian.ac.max_loading_pct", unit="%"),
    )


def _add_links(
    net: pp.pandapowerNet, bus: Mapping[str, int], p: Mapping[str, float]
) -> pd.DataFrame:
    ratings = _link_ratings(p)
    line_pct = value("caspian.hvdc.line_loss_pct_per_1000km", unit="%")
    conv_pct = value("caspian.hvdc.converter_loss_pct", unit="%")
    fixed_km = {
        "az_ge": value("caspian.link.az_ge.length", unit="km"),
        "tr_eu": value("caspian.link.tr_eu.length", unit="km"),
        "caspian_cable": value("caspian.cable.caspian.length", unit="km"),
        "black_sea_cable": value("caspian.cable.black_sea.length", unit="km"),
        "ge_tr": 0.0,
    }
    factor = value("caspian.ac.route_factor", unit="-")
    hubs = net["caspian_hubs"].set_index("element")
    rows = []
    for link, (a, b, kind) in LINKS.items():
        rating = float(ratings[link])
        if link in fixed_km:
            length = fixed_km[link]
        else:
            pa, pb = (hubs.at[a, "lon"], hubs.at[a, "lat"]), (hubs.at[b, "lon"], hubs.at[b, "lat"])
            length = factor * _distance_km(pa, pb)
        if kind in ("hvdc", "b2b"):
            loss = line_pct * length / 1000 + 2 * conv_pct
            idx = pp.create_dcline(
                net,
                bus[a],
                bus[b],
                p_mw=0.0,
                loss_percent=loss,
                loss_mw=0.0,
                vm_from_pu=1.0,
                vm_to_pu=1.0,
                max_p_mw=rating,
                name=link,
            )
            wheeling = value("caspian.cost.hvdc_wheeling", unit="EUR/MWh")
            pp.create_poly_cost(net, idx, "dcline", cp1_eur_per_mw=wheeling)
            table = "dcline"
        else:
            _add_ac_link(net, link, bus[a], bus[b], rating_mw=rating, length_km=length)
            idx = int(net.line.index[-1])
            table = "line"
            loss = float("nan")
        rows.append((link, table, idx, kind, a, b, rating, length, loss))
    cols = [
        "element",
        "element_type",
        "element_index",
        "kind",
        "from_hub",
        "to_hub",
        "capacity_mw",
        "length_km",
        "loss_pct",
    ]
    return pd.DataFrame(rows, columns=cols)


def _add_gas(
    net: pp.pandapowerNet,
    bus: Mapping[str, int],
    demand: pd.DataFrame,
    caps: pd.DataFrame,
    p: Mapping[str, float],
) -> None:
    """One thermal generator per country at its main hub, sized to the national peak."""
    margin = value("caspian.gen.gas.reserve_margin", unit="-")
    mean = mean_mw(demand["annual_twh"])
    renewable = caps.assign(
        mean_mw=[
            r.capacity_mw * value(capacity_factor_id(r.hub, r.kind), unit="-")
            for r in caps.itertuples()
        ]
    )
    for country, hub in GAS_HUBS.items():
        hubs = [h for h in demand.index if HUBS[h] == country]
        export_mw = p["az_gas_export_mw"] if country == "az" else 0.0
        residual = mean[hubs].sum() - renewable.loc[renewable.hub.isin(hubs), "mean_mw"].sum()
        g = pp.create_gen(
            net,
            bus[hub],
            p_mw=max(0.0, float(residual)),
            vm_pu=1.0,
            max_p_mw=margin * demand.loc[hubs, "peak_mw"].sum() + export_mw,
            min_p_mw=0.0,
            controllable=True,
            slack=hub in _SLACK_HUBS,
            name=f"{hub}.gas",
            type="gas",
            export_mw=export_mw,
            country=country,
        )
        pp.create_poly_cost(net, g, "gen", cp1_eur_per_mw=p[f"gas_cost_{country}_eur_per_mwh"])


def network(p: ParamValues) -> pp.pandapowerNet:
    """Build the pandapower net of year ``p.year`` from resolved parameters `p`.

    Parameters
    ----------
    p : ParamValues
        From :func:`corridor_sim.models.caspian.params.resolve_year` (year checked).

    Returns
    -------
    pandapower.pandapowerNet
        As described in :func:`corridor_sim.models.caspian.build`.
    """
    year = p.year
    demand = hub_demand(year, p["demand_growth_pct_per_yr"]).set_index("hub")
    caps = _capacities(p)
    net = pp.create_empty_network(name=f"caspian_corridor_{year}", f_hz=50)
    net["caspian_year"] = year
    bus: dict[str, int] = {}
    hub_rows = []
    for hub, country in HUBS.items():
        lat = value(f"caspian.hub.{hub}.lat", unit="deg")
        lon = value(f"caspian.hub.{hub}.lon", unit="deg")
        vn = (
            value("caspian.link.eu.voltage", unit="kV")
            if country in _LOW_VOLTAGE_COUNTRIES
            else value("caspian.link.az_ge.voltage", unit="kV")
        )
        bus[hub] = pp.create_bus(net, vn_kv=vn, name=hub, zone=country, geodata=(lon, lat))
        hub_rows.append((hub, country, lat, lon, vn))
    net["caspian_hubs"] = pd.DataFrame(
        hub_rows, columns=["element", "country", "lat", "lon", "vn_kv"]
    )
    tan_phi = math.tan(math.acos(value("caspian.ac.load_power_factor", unit="-")))
    for hub, row in demand.iterrows():
        load_mw = mean_mw(row["annual_twh"])
        pp.create_load(
            net,
            bus[hub],
            p_mw=load_mw,
            q_mvar=load_mw * tan_phi,
            name=f"{hub}.demand",
            controllable=False,
        )
    _add_gas(net, bus, demand, caps, p)
    for r in caps.itertuples():
        if r.capacity_mw <= 0:
            continue
        cf = value(capacity_factor_id(r.hub, r.kind), unit="-")
        s = pp.create_sgen(
            net,
            bus[r.hub],
            p_mw=r.capacity_mw * cf,
            max_p_mw=r.capacity_mw,
            min_p_mw=0.0,
            controllable=True,
            name=f"{r.hub}.{r.kind}",
            type=r.kind,
        )
        pp.create_poly_cost(net, s, "sgen", cp1_eur_per_mw=0.0)
    sink_mw = value("caspian.europe.sink_capacity", unit="MW")
    g = pp.create_gen(
        net,
        bus["europe"],
        p_mw=0.0,
        vm_pu=1.0,
        max_p_mw=0.0,
        min_p_mw=-sink_mw,
        controllable=True,
        name="europe.sink",
        type="sink",
    )
    pp.create_poly_cost(net, g, "gen", cp1_eur_per_mw=p["europe_value_eur_per_mwh"])
    net["caspian_links"] = _add_links(net, bus, p)
    net["caspian_parameters"] = pd.DataFrame(
        {"name": list(p), "value": list(p.values()), "unit": [PARAMS[k].unit for k in p]}
    )
    return net


def line_rating_mw(net: pp.pandapowerNet) -> np.ndarray:
    """MW rating of each line: max_i_ka x sqrt(3) x vn_kv x parallel x max_loading_percent."""
    vn = net.bus.loc[net.line.from_bus, "vn_kv"].to_numpy()
    pct = net.line["max_loading_percent"].to_numpy()
    return (
        net.line.max_i_ka.to_numpy()
        * math.sqrt(3)
        * vn
        * net.line.parallel.to_numpy()
        * pct
        / PERCENT
    )
