"""The Middle Corridor as a monthly commodity network (kt per period), from its parameters.

China's railheads -> the Dostyk and Altynkol crossings -> Kazakh rail -> Aktau and Kuryk ->
ferries and cargo ships across the Caspian -> the Port of Baku at Alat -> Azerbaijani rail
-> Tbilisi -> either Georgian rail to Poti/Batumi and the Black Sea, or Baku–Tbilisi–Kars
into Türkiye -> Europe. The northern route via Russia is one arc China -> Europe that
carries the freight that would turn to the corridor if it were cut.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from corridor_sim.engines.commodity import Arc, CommodityNetwork, Node, NodeKind
from corridor_sim.errors import SpecError
from corridor_sim.models.middle_corridor.params import (
    black_sea_ports_mt_per_yr,
    ferry_capacity_kt_per_day,
    northern_route_mt_per_yr,
)
from corridor_sim.models.params import ParamValues
from corridor_sim.models.toolkit.calendar import Slice, month_slices, snapshots
from corridor_sim.models.toolkit.caspian import season_of
from corridor_sim.models.toolkit.commodity import coordinates
from corridor_sim.units import THOUSAND, days_in_year

__all__ = [
    "ARCS",
    "AT_SEA",
    "LABELS",
    "SINK",
    "SOURCE",
    "arc_days",
    "make_slices",
    "network",
    "paths",
]

SOURCE = "china"
SINK = "europe"

LABELS: dict[str, str] = {
    "china": "China (Xinjiang railheads)",
    "dostyk": "Dostyk",
    "altynkol": "Altynkol",
    "kz_rail": "Kazakh rail",
    "aktau": "Aktau",
    "kuryk": "Kuryk",
    "alat": "Alat (Port of Baku)",
    "tbilisi": "Tbilisi",
    "black_sea": "Poti / Batumi",
    "kars": "Kars",
    "europe": "Europe",
}

#: Arc id -> (source, target, short label for figures).
ARCS: dict[str, tuple[str, str, str]] = {
    "dostyk_crossing": ("china", "dostyk", "Dostyk–Alashankou"),
    "altynkol_crossing": ("china", "altynkol", "Altynkol–Khorgos"),
    "dostyk_rail": ("dostyk", "kz_rail", "rail from Dostyk"),
    "altynkol_rail": ("altynkol", "kz_rail", "rail from Altynkol"),
    "aktau_port": ("kz_rail", "aktau", "Aktau port"),
    "kuryk_port": ("kz_rail", "kuryk", "Kuryk port"),
    "aktau_ferries": ("aktau", "alat", "ferries Aktau–Alat"),
    "kuryk_ferries": ("kuryk", "alat", "ferries Kuryk–Alat"),
    "cargo_ships": ("aktau", "alat", "cargo ships Aktau–Alat"),
    "alat_port": ("alat", "tbilisi", "Alat port + Azerbaijani rail"),
    "georgian_rail": ("tbilisi", "black_sea", "Georgian rail to Poti/Batumi"),
    "black_sea_ports": ("black_sea", "europe", "Poti/Batumi + Black Sea"),
    "btk": ("tbilisi", "kars", "Baku–Tbilisi–Kars"),
    "turkish_rail": ("kars", "europe", "Turkish rail to Europe"),
    "northern_route": ("china", "europe", "northern route via Russia"),
}
#: Arcs at sea: the shared Caspian weather availability applies to them.
AT_SEA = ("aktau_ferries", "kuryk_ferries", "cargo_ships")


def make_slices(
    year: int, months: int, cuts: Mapping[int, Iterable[float]] | None = None
) -> list[Slice]:
    """Monthly slices (see :func:`corridor_sim.models.toolkit.calendar.month_slices`)."""
    return month_slices(year, months, cuts)


def _weather(p: ParamValues, month: int) -> float:
    """Vessel-day availability in calendar `month` (the shared Caspian weather rows)."""
    return float(p[f"availability_{season_of(month)}"])


def arc_days(p: ParamValues) -> dict[str, float]:
    """Transit days on each arc (crossings and Kazakh rail on the rail arcs; dwell on port arcs)."""
    return {
        "dostyk_crossing": 0.0,
        "altynkol_crossing": 0.0,
        "dostyk_rail": p.kz_rail_days,
        "altynkol_rail": p.kz_rail_days,
        "aktau_port": p.port_dwell_days,
        "kuryk_port": p.port_dwell_days,
        "aktau_ferries": p.aktau_sailing_h / 24,
        "kuryk_ferries": p.kuryk_sailing_h / 24,
        "cargo_ships": p.aktau_sailing_h / 24,
        "alat_port": p.port_dwell_days + p.az_rail_days,
        "georgian_rail": p.georgia_rail_days,
        "black_sea_ports": p.black_sea_days,
        "btk": p.btk_days,
        "turkish_rail": p.turkish_rail_days,
        "northern_route": p.northern_days,
    }


def _costs(p: ParamValues) -> dict[str, float]:
    c = {
        "dostyk_rail": p.rail_kz_usd_per_t,
        "altynkol_rail": p.rail_kz_usd_per_t,
        "aktau_port": p.port_usd_per_t,
        "kuryk_port": p.port_usd_per_t,
        "aktau_ferries": p.ferry_usd_per_t,
        "kuryk_ferries": p.ferry_usd_per_t,
        "cargo_ships": p.cargo_ship_usd_per_t,
        "alat_port": p.port_usd_per_t + p.az_rail_usd_per_t,
        "georgian_rail": p.georgia_rail_usd_per_t,
        "black_sea_ports": p.port_usd_per_t + p.black_sea_usd_per_t,
        "btk": p.btk_usd_per_t,
        "turkish_rail": p.turkish_rail_usd_per_t,
    }
    cheapest = min(
        sum(c.get(a, 0.0) for a in path) for path in paths() if "northern_route" not in path
    )
    c["northern_route"] = cheapest / p.cost_ratio_to_northern
    return c


def paths() -> list[tuple[str, ...]]:
    """Every route from China to Europe as a tuple of arc ids (the corridor's 12, plus northern)."""
    out = [("northern_route",)]
    for cross in ("dostyk", "altynkol"):
        for port, sea in (
            ("aktau", "aktau_ferries"),
            ("aktau", "cargo_ships"),
            ("kuryk", "kuryk_ferries"),
        ):
            for west in (("georgian_rail", "black_sea_ports"), ("btk", "turkish_rail")):
                out.append(
                    (f"{cross}_crossing", f"{cross}_rail", f"{port}_port", sea, "alat_port", *west)
                )
    return out


def network(
    p: ParamValues,
    slices: Sequence[Slice],
    *,
    availability: Mapping[str, Sequence[float]] | None = None,
    relieve: Iterable[str] = (),
) -> CommodityNetwork:
    """Build the corridor as a commodity network in kt per slice (costs USD/t).

    Raises
    ------
    SpecError
        Alat's other traffic larger than its capacity.
    """
    availability = dict(availability or {})
    relieved = set(relieve)
    days = [s.days for s in slices]
    year_d = days_in_year(p.year)

    def per_slice(mt_per_yr: float) -> tuple[float, ...]:
        return tuple(mt_per_yr * THOUSAND / year_d * d for d in days)

    alat = p.alat_expanded_mt_per_yr if p.alat_expanded else p.alat_mt_per_yr
    if alat < p.alat_other_mt_per_yr:
        msg = (
            f"alat_other_mt_per_yr = {p.alat_other_mt_per_yr:g} exceeds the Alat capacity "
            f"{alat:g} Mt/yr; expected other traffic below the port's capacity"
        )
        raise SpecError(msg)
    shift = northern_route_mt_per_yr(p) * p.northern_shift_share
    capacity = {
        "dostyk_crossing": per_slice(p.dostyk_mt_per_yr),
        "altynkol_crossing": per_slice(p.altynkol_mt_per_yr),
        "dostyk_rail": math.inf,
        "altynkol_rail": math.inf,
        "aktau_port": per_slice(p.aktau_mt_per_yr),
        "kuryk_port": per_slice(p.kuryk_mt_per_yr),
        "aktau_ferries": tuple(ferry_capacity_kt_per_day(p, "aktau") * d for d in days),
        "kuryk_ferries": tuple(ferry_capacity_kt_per_day(p, "kuryk") * d for d in days),
        "cargo_ships": per_slice(p.cargo_ships_mt_per_yr),
        "alat_port": per_slice(min(alat - p.alat_other_mt_per_yr, p.az_rail_mt_per_yr)),
        "georgian_rail": per_slice(p.georgia_rail_mt_per_yr),
        "black_sea_ports": per_slice(black_sea_ports_mt_per_yr(p)),
        "btk": per_slice(p.btk_upgraded_mt_per_yr if p.btk_upgraded else p.btk_mt_per_yr),
        "turkish_rail": math.inf,
        "northern_route": per_slice(shift),
    }
    costs = _costs(p)
    weather = tuple(_weather(p, s.calendar_month) for s in slices)
    arcs = []
    for aid, (src, tgt, label) in ARCS.items():
        avail = weather if aid in AT_SEA else (1.0,) * len(slices)
        if aid in availability:
            avail = tuple(a * e for a, e in zip(avail, availability[aid], strict=True))
        cap = math.inf if aid in relieved else capacity[aid]
        arcs.append(
            Arc(
                src,
                tgt,
                capacity=cap,
                availability=avail,
                cost=costs.get(aid, 0.0),
                id=aid,
                label=label,
            )
        )
    nodes = []
    for nid, label in LABELS.items():
        lon, lat = coordinates("freight", nid)
        kw: dict = {}
        if nid == SOURCE:
            kw = {"kind": NodeKind.SUPPLY, "supply": per_slice(p.corridor_volume_mt_per_yr + shift)}
        elif nid == SINK:
            kw = {"kind": NodeKind.DEMAND, "demand": math.inf, "value": p.market_value_usd_per_t}
        nodes.append(Node(nid, lon=lon, lat=lat, label=label, **kw))
    prov = p.provenance()
    return CommodityNetwork(
        nodes=tuple(nodes),
        arcs=tuple(arcs),
        periods=tuple(s.label for s in slices),
        unit="kt",
        name=f"middle_corridor_{p.year}",
        provenance=tuple(zip(prov["parameter"], prov["source_id"], strict=True)),
        cost_unit="USD/t",
        snapshots=snapshots(slices),
    )
