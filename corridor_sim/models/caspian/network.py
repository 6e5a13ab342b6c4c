"""The Caspian corridor as a pandapower net: hubs, links, demand, fleets, lines.

:func:`network` builds the net from resolved parameters (:data:`.params.PARAMS`); every
other number comes from the facts catalogue (``assumptions_caspian.csv`` and the seed
facts), read when the net is built (no cache, so every read is in a run's provenance).
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Mapping

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.models.caspian.fleets import (
    FLEETS,
    HUBS,
    capacities,
    capacity_factor_id,
    hub_demand,
    mean_mw,
    thermal_fleets,
)
from corridor_sim.models.caspian.params import PARAMS
from corridor_sim.models.caspian.schedule import applies
from corridor_sim.models.params import ParamValues
from corridor_sim.units import PERCENT

__all__ = [
    "DC_LINKS",
    "cbam_eur_per_mwh",
    "FLEETS",
    "HUBS",
    "LINKS",
    "ROUTES",
    "ROUTE_OF",
    "VIA",
    "capacity_factor_id",
    "hub_demand",
    "line_rating_mw",
    "mean_mw",
    "network",
]

#: Link id -> (from hub, to hub, kind). Positive flow runs from -> to (westward).
#: ``hvdc``: subsea cable; ``b2b``: back-to-back converter; ``ac``: AC tie; ``tie``: a tie
#: to an external market (with ``neighbour_ties``); ``internal``: a hub-to-hub equivalent
#: inside a country.
LINKS: dict[str, tuple[str, str, str]] = {
    "caspian_cable": ("kz_west", "az_absheron", "hvdc"),
    "black_sea_cable": ("ge_black_sea", "ro_constanta", "hvdc"),
    "ge_tr": ("ge", "tr_east", "b2b"),
    "az_ge": ("az_rest", "ge", "ac"),
    "az_nakhchivan": ("az_rest", "nakhchivan", "ac"),
    "nakhchivan_tr": ("nakhchivan", "tr_east", "b2b"),
    "kz_uz": ("uz", "kz_rest", "ac"),
    "tr_eu": ("tr", "europe", "ac"),
    "az_ru": ("az_absheron", "ru", "tie"),
    "az_ir": ("az_rest", "ir", "tie"),
    "kz_internal": ("kz_rest", "kz_west", "internal"),
    "az_internal": ("az_absheron", "az_rest", "internal"),
    "ge_internal": ("ge", "ge_black_sea", "internal"),
    "ro_internal": ("ro_constanta", "europe", "internal"),
    "tr_internal": ("tr_east", "tr", "internal"),
}

#: Links built as pandapower dclines (controllable): the HVDC cables and converters, the
#: market ties, and the Zangezur line, which ties the Nakhchivan exclave (an AC island of
#: its own today) to Azerbaijan. The other links are lines.
DC_LINKS: frozenset[str] = frozenset(
    {
        "caspian_cable",
        "black_sea_cable",
        "ge_tr",
        "az_nakhchivan",
        "nakhchivan_tr",
        "az_ru",
        "az_ir",
    }
)

#: Export route (the seed's two corridors) -> the links on which energy leaves the South
#: Caucasus on it: under the Black Sea, or into Türkiye through Georgia or Nakhchivan.
ROUTES: dict[str, tuple[str, ...]] = {
    "caspian_black_sea_europe": ("black_sea_cable",),
    "azerbaijan_turkiye_europe": ("ge_tr", "nakhchivan_tr"),
}
#: Export link -> its route (the inverse of :data:`ROUTES`).
ROUTE_OF: dict[str, str] = {link: route for route, links in ROUTES.items() for link in links}
#: Export link -> the short name of the way it takes (summary metrics, figure labels).
VIA: dict[str, str] = {
    "black_sea_cable": "black_sea",
    "ge_tr": "georgia",
    "nakhchivan_tr": "nakhchivan",
}

# one slack per AC island (the islands meet only by DC): Central Asia, the South Caucasus,
# Nakhchivan, Türkiye with the European landing, and the two external markets
_SLACK_HUBS = ("kz_rest", "az_rest", "nakhchivan", "tr", "ru", "ir")
_LOW_VOLTAGE_COUNTRIES = ("tr", "eu", "ru", "ir")  # 400 kV / 330 kV hubs; the rest are 500 kV
_WHEELED = ("hvdc", "b2b", "tie")  # dclines charged caspian.cost.hvdc_wheeling per MWh


def _link_ratings(p: Mapping[str, float]) -> dict[str, float]:
    """MW rating of every link; the internal equivalents from their catalogue rows.

    Aktau–rest of Kazakhstan is the Western Zone's transfer (``kz_west_link_mw``,
    ``caspian.link.kz_internal.capacity``); Absheron–rest of Azerbaijan carries its headroom
    (``caspian.link.az_internal.headroom``, a range) plus the Absheron wind and what the
    Caspian cable can bring (its rating, at most the Western Zone's transfer plus the Aktau
    export wind: the Western Zone's own fleet serves only its own demand); the cable
    landings without demand or generation (Anaklia, Constanța) are rated at their cable's
    rating plus its losses (``caspian.link.landing.rule``), so they never bind before it.
    """
    headroom = value("caspian.link.az_internal.headroom", unit="MW")
    applies("caspian.link.landing.rule")
    az_wind = p["az_green_mw"] * p["az_wind_share"]
    ties = 1.0 if p["neighbour_ties"] else 0.0
    cable_brings = min(p["caspian_cable_mw"], p["kz_west_link_mw"] + p["kz_export_wind_mw"])
    bs_keep = 1 - _dc_loss_pct("hvdc", value("caspian.cable.black_sea.length", unit="km")) / PERCENT
    landing = p["black_sea_cable_mw"] / bs_keep
    return {
        "caspian_cable": p["caspian_cable_mw"],
        "black_sea_cable": p["black_sea_cable_mw"],
        "ge_tr": p["ge_tr_mw"],
        "az_ge": p["az_ge_mw"] + p["az_ge_reinforcement_mw"],
        "az_nakhchivan": p["az_nakhchivan_mw"],
        "nakhchivan_tr": p["nakhchivan_tr_mw"],
        "kz_uz": p["kz_uz_mw"] + p["uz_export_mw"],
        "tr_eu": p["tr_eu_mw"],
        "az_ru": ties * p["az_ru_mw"],
        "az_ir": ties * p["az_ir_mw"],
        "kz_internal": p["kz_west_link_mw"],
        "az_internal": headroom + cable_brings + az_wind,
        "ge_internal": landing,
        "ro_internal": landing,
        "tr_internal": p["tr_east_west_mw"],
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


def _fixed_lengths() -> dict[str, float]:
    """Return the published lengths (km); the other links follow the hub distance."""
    return {
        "az_ge": value("caspian.link.az_ge.length", unit="km"),
        "tr_eu": value("caspian.link.tr_eu.length", unit="km"),
        "caspian_cable": value("caspian.cable.caspian.length", unit="km"),
        "black_sea_cable": value("caspian.cable.black_sea.length", unit="km"),
        "az_nakhchivan": value("caspian.link.az_nakhchivan.length", unit="km"),
        "nakhchivan_tr": value("caspian.link.nakhchivan_tr.length", unit="km"),
        "ge_tr": 0.0,
    }


def _dc_loss_pct(kind: str, length_km: float) -> float:
    """Loss of a dcline: HVDC line loss per km plus two converters (b2b: converters only)."""
    line_pct = value("caspian.hvdc.line_loss_pct_per_1000km", unit="%")
    conv_pct = value("caspian.hvdc.converter_loss_pct", unit="%")
    if kind == "hvdc":
        return line_pct * length_km / 1000 + 2 * conv_pct
    if kind == "b2b":
        return 2 * conv_pct
    return 0.0  # the AC Zangezur line and the market ties: lossless like the other AC links


def _add_links(
    net: pp.pandapowerNet, bus: Mapping[str, int], p: Mapping[str, float]
) -> pd.DataFrame:
    ratings = _link_ratings(p)
    fixed_km = _fixed_lengths()
    factor = value("caspian.ac.route_factor", unit="-")
    wheeling = value("caspian.cost.hvdc_wheeling", unit="EUR/MWh")
    hubs = net["caspian_hubs"].set_index("element")
    rows = []
    for link, (a, b, kind) in LINKS.items():
        rating = float(ratings[link])
        if link in fixed_km:
            length = fixed_km[link]
        else:
            pa, pb = (hubs.at[a, "lon"], hubs.at[a, "lat"]), (hubs.at[b, "lon"], hubs.at[b, "lat"])
            length = factor * _distance_km(pa, pb)
        if link in DC_LINKS:
            loss = _dc_loss_pct(kind, length)
            idx = pp.create_dcline(
                net, bus[a], bus[b], p_mw=0.0, loss_percent=loss, loss_mw=0.0,
                vm_from_pu=1.0, vm_to_pu=1.0, max_p_mw=rating, name=link,
            )  # fmt: skip
            if kind in _WHEELED:
                pp.create_poly_cost(net, idx, "dcline", cp1_eur_per_mw=wheeling)
            table = "dcline"
        else:
            _add_ac_link(net, link, bus[a], bus[b], rating_mw=rating, length_km=length)
            idx = int(net.line.index[-1])
            table = "line"
            loss = float("nan")
        rows.append((link, table, idx, kind, a, b, rating, length, loss))
    cols = [
        "element", "element_type", "element_index", "kind", "from_hub", "to_hub",
        "capacity_mw", "length_km", "loss_pct",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def _add_gas(
    net: pp.pandapowerNet,
    bus: Mapping[str, int],
    demand: pd.DataFrame,
    caps: pd.DataFrame,
    p: Mapping[str, float],
) -> None:
    """One thermal generator per fleet at its hub, plus Azerbaijan's export allowance.

    The allowance (``<hub>.gas_export``) is the thermal output above Azerbaijan's own demand:
    under hourly matching the fossil share of its exports, charged the CBAM when ``cbam`` is on.
    """
    mean = mean_mw(demand["annual_twh"])
    renewable = caps.assign(
        mean_mw=[
            r.capacity_mw * value(capacity_factor_id(r.hub, r.kind), unit="-")
            for r in caps.itertuples()
        ]
    )
    cbam = cbam_eur_per_mwh(p)
    for fleet in thermal_fleets(demand, p):
        serves = list(fleet.serves)
        residual = (
            mean.reindex(serves, fill_value=0.0).sum()
            - renewable.loc[renewable.hub.isin(serves), "mean_mw"].sum()
        )
        g = pp.create_gen(
            net, bus[fleet.hub], p_mw=min(fleet.capacity_mw, max(0.0, float(residual))),
            vm_pu=1.0, max_p_mw=fleet.capacity_mw, min_p_mw=0.0, controllable=True,
            slack=fleet.hub in _SLACK_HUBS, name=f"{fleet.hub}.gas", type="gas",
            fleet=fleet.fleet,
        )  # fmt: skip
        pp.create_poly_cost(net, g, "gen", cp1_eur_per_mw=fleet.cost_eur_per_mwh)
        if fleet.export_mw > 0:
            g = pp.create_gen(
                net, bus[fleet.hub], p_mw=0.0, vm_pu=1.0, max_p_mw=fleet.export_mw,
                min_p_mw=0.0, controllable=True, slack=False, name=f"{fleet.hub}.gas_export",
                type="gas_export", fleet=fleet.fleet,
            )  # fmt: skip
            pp.create_poly_cost(net, g, "gen", cp1_eur_per_mw=fleet.cost_eur_per_mwh + cbam)


def cbam_eur_per_mwh(p: Mapping[str, float]) -> float:
    """CBAM charge per MWh of Azerbaijani thermal output exported (0 without ``cbam``)."""
    if not p["cbam"]:
        return 0.0
    applies("caspian.cbam.actual_emissions_rule")
    t_per_mwh = (
        value("caspian.gen.gas.co2_intensity_fuel", unit="tCO2/MWh_th") / p["az_gas_efficiency"]
    )
    return float(p["eu_ets_price_eur_per_t"] * t_per_mwh)


def _add_markets(net: pp.pandapowerNet, bus: Mapping[str, int], p: Mapping[str, float]) -> None:
    """Europe and, with ``neighbour_ties``, Russia and Iran as markets at a price.

    Each market is a fixed demand served by a market generator at the market's price: energy
    the corridor delivers displaces that generator, so it is worth the price; energy the
    corridor draws costs it. Europe's generator here stands for its hourly price levels,
    which the dispatch puts in its place (:func:`corridor_sim.models.caspian.dispatch`).
    """
    sink_mw = value("caspian.europe.sink_capacity", unit="MW")
    ratings = _link_ratings(p)
    markets = {
        "europe": (sink_mw, p["europe_price_mean_eur_per_mwh"]),
        "ru": (ratings["az_ru"], value("caspian.market.ru.price", unit="EUR/MWh")),
        "ir": (ratings["az_ir"], value("caspian.market.ir.price", unit="EUR/MWh")),
    }
    for hub, (demand_mw, price) in markets.items():
        pp.create_load(net, bus[hub], p_mw=demand_mw, q_mvar=0.0, name=f"{hub}.demand",
                       controllable=False)  # fmt: skip
        g = pp.create_gen(
            net, bus[hub], p_mw=demand_mw, vm_pu=1.0, max_p_mw=2 * demand_mw, min_p_mw=0.0,
            controllable=True, slack=hub in _SLACK_HUBS, name=f"{hub}.market", type="market",
        )  # fmt: skip
        pp.create_poly_cost(net, g, "gen", cp1_eur_per_mw=price)


@functools.lru_cache(maxsize=1)
def _empty_template() -> pp.pandapowerNet:
    """Return pandapower's empty net with its standard types, made once per process."""
    return pp.create_empty_network()


def _empty_network(name: str, *, f_hz: float) -> pp.pandapowerNet:
    """``pandapower.create_empty_network(name, f_hz)`` as a copy of one template.

    Making the empty tables and the standard types is half of the corridor net's build; a
    deep copy of the template is the same net in a tenth of the time.
    """
    net = copy.deepcopy(_empty_template())
    net["name"], net["f_hz"] = name, f_hz
    return net


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
    applies("caspian.gen.gas.serves_own_demand")
    demand = hub_demand(year, p).set_index("hub")
    caps = capacities(p)
    net = _empty_network(f"caspian_corridor_{year}", f_hz=50)
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
        pp.create_load(net, bus[hub], p_mw=load_mw, q_mvar=load_mw * tan_phi,
                       name=f"{hub}.demand", controllable=False)  # fmt: skip
    _add_gas(net, bus, demand, caps, p)
    for r in caps.itertuples():
        if r.capacity_mw <= 0:
            continue
        cf = value(capacity_factor_id(r.hub, r.kind), unit="-")
        s = pp.create_sgen(
            net, bus[r.hub], p_mw=r.capacity_mw * cf, max_p_mw=r.capacity_mw, min_p_mw=0.0,
            controllable=True, name=f"{r.hub}.{r.kind}", type=r.kind,
        )  # fmt: skip
        pp.create_poly_cost(net, s, "sgen", cp1_eur_per_mw=0.0)
    _add_markets(net, bus, p)
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
