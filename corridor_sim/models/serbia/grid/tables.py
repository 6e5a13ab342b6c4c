"""The Serbian 400/220 kV grid of a year as element tables (before pandapower).

:func:`grid_tables` turns the stored extract (:mod:`.grid.stored`), the public changes up
to the year, the neighbours' equivalents and the plant's connection into plain
DataFrames; :mod:`.grid.network` makes the pandapower net from them.

* Serbia (and Kosovo, ``XK``): every 220/380 kV bus, line and transformer of the extract,
  parameters from standard types by voltage (``serbia.line.kv400.*``, ``kv220.*``) and the
  extract's circuits; the changes of ``changes.csv`` from their year on.
* Neighbours (``HU RO BG MK ME BA HR``) and the rest of Europe (``EXT``): one hub bus each.
  Every neighbour bus a tie line reaches links to its hub through an equivalent of
  ``serbia.neighbour.internal_km`` of 400 kV line; hubs couple through the parallel
  impedance of the real lines between the two countries (``coupling_lines.csv``), plus
  each side's internal equivalent. Hubs carry the neighbours' net positions; ``EXT`` is
  the slack.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from corridor_sim.models.serbia.grid.equivalents import (
    LevelParams,
    equivalents,
    level_params,
    line_row,
)
from corridor_sim.models.serbia.grid.stored import (
    DUPLICATES,
    EXTERNAL,
    NEIGHBOURS,
    bus_key,
    generator_kind,
    load_shares,
    polyline_km,
    read_tables,
    split_polyline,
)
from corridor_sim.models.serbia.grid.ties import default_open_borders
from corridor_sim.models.serbia.values import cv

__all__ = ["GridTables", "LevelParams", "grid_tables", "level_params"]


@dataclass(frozen=True, slots=True, eq=False)
class GridTables:
    """Element tables of one grid.

    ``buses``: key, vn_kv, name, country, kind (substation, border, hub, site), lon, lat,
    source. ``lines``: id (the corridor an event names), name, from, to, vn_kv, length_km,
    r/x/c per km, max_i_ka, parallel, kind (rs, tie, xk, plant, equivalent), source,
    geometry (list of lon/lat), border (``RS-HU``, ...; empty for a line inside a country)
    and in_service (False for the ties of an open border, :mod:`.grid.ties`). ``trafos``:
    id, name, hv, lv, sn_mva, vn_hv_kv, vn_lv_kv, vk_percent, vkr_percent, parallel, kind,
    source. ``gens``: id, name, bus, kind, capacity_mw, source. ``loads``: id, bus, share.
    ``positions``: id, bus, country, p_mw.
    """

    buses: pd.DataFrame
    lines: pd.DataFrame
    trafos: pd.DataFrame
    gens: pd.DataFrame
    loads: pd.DataFrame
    positions: pd.DataFrame
    slack: str


def _name(bus_id: str, names: dict[str, str]) -> str:
    return names.get(bus_id, f"bus {bus_id}")


def _in_service(year: int, row: Any, planned: bool, draw: Mapping[str, float] | None) -> bool:
    """Whether a change (a row of changes.csv) is in the grid of `year`.

    A row without ``year_fact`` is an element that was in service before the extract
    (March 2022) but is missing from it: it is in every year's grid.
    """
    if not row.year_fact:
        return planned or row.status == "built"
    return year >= cv(row.year_fact, "year", draw) and (planned or row.status == "built")


def _buses(
    year: int, planned: bool, draw: Mapping[str, float] | None
) -> tuple[list[dict], dict[str, list[str]]]:
    t = read_tables()
    lv = level_params(draw)
    rows: list[dict] = []
    border: dict[str, list[str]] = {}
    for b in t.buses.itertuples(index=False):
        cc = EXTERNAL if b.country not in ("RS", "XK", *NEIGHBOURS) else b.country
        kind = "substation" if b.country in ("RS", "XK") else "border"
        if kind == "border":
            border.setdefault(cc, []).append(bus_key(b.bus_id))
        rows.append(
            {
                "key": bus_key(b.bus_id),
                "vn_kv": lv[b.voltage].vn_kv,
                "name": _name(b.bus_id, t.station_names),
                "country": cc,
                "kind": kind,
                "lon": float(b.x),
                "lat": float(b.y),
                "source": f"extract bus {b.bus_id}",
            }
        )
    by_key = {r["key"]: r for r in rows}
    for c in t.changes[t.changes["kind"] == "bus"].itertuples(index=False):
        if not _in_service(year, c, planned, draw):
            continue
        at = by_key[bus_key(c.bus0)]
        rows.append({**at, "key": c.change_id, "vn_kv": lv[c.voltage].vn_kv, "source": c.change_id})
    for cc in (*NEIGHBOURS, EXTERNAL):
        pts = np.array([[by_key[k]["lon"], by_key[k]["lat"]] for k in border.get(cc, [])])
        lon, lat = pts.mean(axis=0) if len(pts) else (np.nan, np.nan)
        rows.append(
            {
                "key": f"hub_{cc}",
                "vn_kv": lv["380"].vn_kv,
                "name": f"{cc} equivalent",
                "country": cc,
                "kind": "hub",
                "lon": float(lon),
                "lat": float(lat),
                "source": "equivalent (mean position of its border substations)",
            }
        )
    return rows, border


def _line_kind(c0: str, c1: str) -> str:
    if c0 == c1 == "RS":
        return "rs"
    if "RS" in (c0, c1):
        return "tie"
    return "xk"


def _route(text: str) -> list[tuple[float, float]]:
    points = [tuple(float(v) for v in p.split()) for p in text.split(";")]
    return cast("list[tuple[float, float]]", points)  # coordinate pairs


def _border(a: dict, z: dict) -> str:
    """Border of a line between Serbia and another country (``RS-HU``); empty inside."""
    other = {a["country"], z["country"]} - {"RS"}
    return f"RS-{other.pop()}" if "RS" in (a["country"], z["country"]) and other else ""


def _lines(
    year: int, buses: dict[str, dict], planned: bool, draw: Mapping[str, float] | None
) -> list[dict]:
    t = read_tables()
    lv = level_params(draw)
    rows = []
    for ln in t.lines.itertuples(index=False):
        a, z = buses[bus_key(ln.bus0)], buses[bus_key(ln.bus1)]
        name = f"{a['name']} – {z['name']} {int(a['vn_kv'])} kV"
        rows.append(
            line_row(
                f"line_{ln.line_id}",
                a["key"],
                z["key"],
                ln.voltage,
                float(ln.length_m) / 1e3,
                int(ln.circuits),
                _line_kind(a["country"], z["country"]),
                name,
                f"extract line {ln.line_id}",
                _route(ln.geometry),
                lv,
            )
            | {"border": _border(a, z)}
        )
    internal = cv("serbia.neighbour.internal_km", "km", draw)
    changes = t.changes[[_in_service(year, c, planned, draw) for c in t.changes.itertuples()]]
    removed = {f"line_{c.bus0}" for c in changes[changes["kind"] == "remove"].itertuples()}
    rows = [r for r in rows if r["id"] not in removed]
    for c in changes[changes["kind"] == "loop_in"].itertuples(index=False):
        rows = _loop_in(rows, c, buses, draw)
    for c in changes[changes["kind"] == "line"].itertuples(index=False):
        a = buses[_change_bus(c.bus0)]
        to_hub = c.bus1.startswith("hub:")
        z = buses[f"hub_{c.bus1[4:]}" if to_hub else _change_bus(c.bus1)]
        km = cv(c.length_fact, "km", draw) + (internal if to_hub else 0.0)
        circuits = int(cv(c.circuits_fact, "circuits", draw)) if c.circuits_fact else 1
        name = f"{a['name']} – {z['name']} {int(a['vn_kv'])} kV"
        geometry = (
            _route(c.geometry) if c.geometry else [(a["lon"], a["lat"]), (z["lon"], z["lat"])]
        )
        kind = "tie" if to_hub else _line_kind(a["country"], z["country"])
        rows.append(
            line_row(
                c.change_id,
                a["key"],
                z["key"],
                c.voltage,
                km,
                circuits,
                kind,
                name,
                c.change_id,
                geometry,
                lv,
            )
            | {"border": _border(a, z) if kind == "tie" else ""}
        )
    return rows


def _change_bus(ref: str) -> str:
    """Key of a bus a change names: an extract bus id (``"2172"``) or a change's bus id."""
    return bus_key(ref) if ref.isdigit() else ref


def _loop_in(
    rows: list[dict], c: Any, buses: dict[str, dict], draw: Mapping[str, float] | None
) -> list[dict]:
    """Loop extract line ``c.bus0`` into station ``c.bus1`` (an in/out connection).

    The line's route is cut at its point nearest the station; each half runs on to the
    station over ``c.length_fact`` km of new line (the loop-in route), so the two new lines
    are the route's halves plus that length. Ids: ``<change_id>_a`` (from the line's first
    end) and ``<change_id>_b``.
    """
    lid = f"line_{c.bus0}"
    row = next(r for r in rows if r["id"] == lid)
    st = buses[_change_bus(c.bus1)]
    geo = row["geometry"]
    if np.hypot(geo[0][0] - buses[row["from"]]["lon"], geo[0][1] - buses[row["from"]]["lat"]) > (
        np.hypot(geo[-1][0] - buses[row["from"]]["lon"], geo[-1][1] - buses[row["from"]]["lat"])
    ):
        geo = geo[::-1]
    cum = polyline_km(geo)
    frac = _nearest_fraction(geo, cum, (st["lon"], st["lat"]))
    first, second, _ = split_polyline(geo, frac)
    loop_km = cv(c.length_fact, "km", draw)
    total = row["length_km"]
    out = [r for r in rows if r["id"] != lid]
    kv = int(row["vn_kv"])
    for suffix, a, z, part, km in (
        ("a", row["from"], st["key"], [*first, (st["lon"], st["lat"])], frac * total + loop_km),
        (
            "b",
            st["key"],
            row["to"],
            [(st["lon"], st["lat"]), *second],
            (1 - frac) * total + loop_km,
        ),
    ):
        out.append(
            {
                **row,
                "id": f"{c.change_id}_{suffix}",
                "from": a,
                "to": z,
                "length_km": km,
                "geometry": part,
                "name": f"{buses[a]['name']} – {buses[z]['name']} {kv} kV",
                "source": c.change_id,
            }
        )
    return out


def _nearest_fraction(
    geo: list[tuple[float, float]], cum: np.ndarray, point: tuple[float, float]
) -> float:
    """Fraction of the route's length at its point nearest `point` (equirectangular)."""
    pts = np.asarray(geo, dtype=float)
    scale = np.array([np.cos(np.deg2rad(pts[:, 1].mean())), 1.0])
    p = np.asarray(point) * scale
    best, at = np.inf, 0.0
    for i in range(len(pts) - 1):
        a, b = pts[i] * scale, pts[i + 1] * scale
        d = b - a
        t = float(np.clip(np.dot(p - a, d) / max(np.dot(d, d), 1e-18), 0.0, 1.0))
        dist = float(np.hypot(*(a + t * d - p)))
        if dist < best:
            best, at = dist, cum[i] + t * (cum[i + 1] - cum[i])
    return at / cum[-1] if cum[-1] > 0 else 0.5


def _trafos(
    year: int, buses: dict[str, dict], planned: bool, draw: Mapping[str, float] | None
) -> list[dict]:
    t = read_tables()
    sn = cv("serbia.trafo.kv400_220.sn_mva", "MVA", draw)
    units = int(cv("serbia.trafo.kv400_220.units", "units", draw))
    vk = cv("serbia.trafo.vk_percent", "%", draw)
    vkr = cv("serbia.trafo.vkr_percent", "%", draw)
    pairs = [
        (f"trafo_{r.transformer_id}", r.bus0, r.bus1, f"extract transformer {r.transformer_id}")
        for r in t.transformers.itertuples(index=False)
    ]
    for c in t.changes[t.changes["kind"] == "trafo"].itertuples(index=False):
        if _in_service(year, c, planned, draw):
            pairs.append((c.change_id, c.bus0, c.bus1, c.change_id))
    rows = []
    for tid, b0, b1, source in pairs:
        ends = [buses[_change_bus(b)] for b in (b0, b1)]
        hv, lv = sorted(ends, key=lambda b: -b["vn_kv"])
        rows.append(
            {
                "id": tid,
                "name": f"{hv['name']} {int(hv['vn_kv'])}/{int(lv['vn_kv'])} kV",
                "hv": hv["key"],
                "lv": lv["key"],
                "sn_mva": sn,
                "vn_hv_kv": hv["vn_kv"],
                "vn_lv_kv": lv["vn_kv"],
                "vk_percent": vk,
                "vkr_percent": vkr,
                "parallel": units,
                "kind": "rs" if hv["country"] == "RS" else "xk",
                "source": source,
            }
        )
    return rows


def _nearest_serbian(x: float, y: float, buses: dict[str, dict]) -> str:
    best, dist = "", np.inf
    for k, b in buses.items():
        if b["country"] != "RS" or b["kind"] != "substation" or not k[1:].isdigit():
            continue
        d = np.hypot((b["lon"] - x) * np.cos(np.deg2rad(y)), b["lat"] - y)
        if d < dist:
            best, dist = k, d
    return best


def _highest_at_station(key: str, buses: dict[str, dict]) -> str:
    """Return the station's highest-voltage bus (same position as `key`)."""
    b = buses[key]
    same = [
        k
        for k, o in buses.items()
        if (o["lon"], o["lat"]) == (b["lon"], b["lat"])
        and o["kind"] == "substation"
        and k[1:].isdigit()
    ]
    return max(same, key=lambda k: buses[k]["vn_kv"])


def _gens(
    year: int, buses: dict[str, dict], planned: bool, draw: Mapping[str, float] | None
) -> list[dict]:
    t = read_tables()
    big = cv("serbia.grid.ehv_connection_mw", "MW", draw)
    rows = []
    for g in t.generators.itertuples(index=False):
        key = bus_key(g.bus_id)
        at = buses.get(key)
        if g.generator_id in DUPLICATES or (at is not None and at["country"] == "XK"):
            continue  # a duplicate row; Kosovo's plants are inside its net position
        if at is None or at["country"] != "RS":
            key = _nearest_serbian(float(g.x), float(g.y), buses)
        elif float(g.capacity_mw) >= big:
            key = _highest_at_station(key, buses)
        rows.append(
            {
                "id": f"gen_{g.generator_id}",
                "name": g.name,
                "bus": key,
                "kind": generator_kind(g.technology, g.generator_id),
                "capacity_mw": float(g.capacity_mw),
                "source": f"extract generator {g.generator_id}",
            }
        )
    for g in t.generator_changes.itertuples(index=False):
        if _in_service(year, g, planned, draw):
            rows.append(
                {
                    "id": g.generator_id,
                    "name": g.name,
                    "bus": bus_key(g.bus_id),
                    "kind": generator_kind(g.technology),
                    "capacity_mw": cv(g.capacity_fact, "MW", draw),
                    "source": g.capacity_fact,
                }
            )
    return rows


_SITE_NAMES = {"trupale": "Trupale plant", "niska_banja": "Niška Banja plant"}


def _split_for_site(lines: list[dict], site: str, km_from_nis: float, buses: dict) -> dict:
    """Loop the plant bus into the 400 kV line it cuts; return the plant bus position."""
    corridor = {"trupale": "line_4236", "niska_banja": "line_14699"}[site]
    nis = bus_key("2182")
    row = next(r for r in lines if r["id"] == corridor)
    lines.remove(row)
    geo = row["geometry"] if row["to"] == nis else row["geometry"][::-1]
    far = row["from"] if row["to"] == nis else row["to"]
    first, second, cut = split_polyline(geo, 1 - km_from_nis / row["length_km"])
    key, label = f"site_{site}", _SITE_NAMES[site]
    kv = int(row["vn_kv"])
    lines.append(
        {
            **row,
            "from": far,
            "to": key,
            "length_km": row["length_km"] - km_from_nis,
            "geometry": first,
            "name": f"{buses[far]['name']} – {label} {kv} kV",
        }
    )
    lines.append(
        {
            **row,
            "from": key,
            "to": nis,
            "length_km": km_from_nis,
            "geometry": second,
            "name": f"{label} – {buses[nis]['name']} {kv} kV",
        }
    )
    return {"key": key, "lon": cut[0], "lat": cut[1]}


def _loads(buses: dict[str, dict], draw: Mapping[str, float] | None) -> list[dict]:
    """Place the load key's shares at the substations, split between a station's two busbars."""
    ehv = cv("serbia.load.ehv_share_at_dual_stations", "p.u.", draw)
    rows = []
    for b, share in sorted(load_shares().items()):
        key = bus_key(b)
        top = _highest_at_station(key, buses)
        low = min(
            (
                k
                for k, o in buses.items()
                if (o["lon"], o["lat"]) == (buses[key]["lon"], buses[key]["lat"])
                and k[1:].isdigit()
            ),
            key=lambda k: buses[k]["vn_kv"],
        )
        if top != low and buses[top]["vn_kv"] > buses[low]["vn_kv"]:
            rows.append({"id": f"load_{b}", "bus": low, "share": share * (1 - ehv)})
            rows.append({"id": f"load_{b}_ehv", "bus": top, "share": share * ehv})
        else:
            rows.append({"id": f"load_{b}", "bus": key, "share": share})
    return rows


def _unique_names(lines: list[dict]) -> None:
    """Parallel lines between the same stations get their id in the name (in place)."""
    count: dict[str, int] = {}
    for row in lines:
        count[row["name"]] = count.get(row["name"], 0) + 1
    for row in lines:
        if count[row["name"]] > 1:
            row["name"] = f"{row['name']} ({row['id'].replace('_', ' ')})"


def grid_tables(
    year: int,
    site: str | None,
    *,
    planned: bool = True,
    draw: Mapping[str, float] | None = None,
    open_ties: frozenset[str] | None = None,
) -> GridTables:
    """Element tables of the grid in `year` with the plant's bus at `site` (``None``: none).

    Parameters
    ----------
    year : int
        Changes with a year in service up to `year` are in.
    site : {"trupale", "krusevac", "niska_banja"} or None
        A loop-in site gets its own 400 kV bus; Kruševac connects at Kruševac 1's busbar.
    planned : bool, default True
        Include planned changes (announced dates after 2025: the Trans-Balkan corridor's
        sections 3 and 4) from their dates; False: only what is built.
    draw : Draw, optional
        Catalogue values drawn by the robustness study.
    open_ties : frozenset of str, optional
        Borders whose tie lines are open (``in_service`` False); default: the borders
        without N-1 credit (:func:`.ties.default_open_borders`, Serbia–Kosovo).
    """
    bus_rows, border = _buses(year, planned, draw)
    buses = {r["key"]: r for r in bus_rows}
    lines = _lines(year, buses, planned, draw)
    eq_lines, eq_trafos = equivalents(buses, border, draw)
    trafos = _trafos(year, buses, planned, draw) + eq_trafos
    gens = _gens(year, buses, planned, draw)
    if site in ("trupale", "niska_banja"):
        km = cv(f"serbia.site.{site}.loop_in_km", "km", draw)
        at = _split_for_site(lines, site, km, buses)
        bus_rows.append(
            {
                "key": at["key"],
                "vn_kv": level_params(draw)["380"].vn_kv,
                "name": _SITE_NAMES[site],
                "country": "RS",
                "kind": "site",
                "lon": at["lon"],
                "lat": at["lat"],
                "source": f"serbia.site.{site}.loop_in_km",
            }
        )
    loads = _loads(buses, draw)
    positions = [
        {
            "id": f"position_{cc}",
            "bus": "b7067" if cc == "XK" else f"hub_{cc}",
            "country": cc,
            "p_mw": cv(f"serbia.neighbour.{cc.lower()}.net_position", "MW", draw),
        }
        for cc in (*NEIGHBOURS, "XK")
    ]
    _unique_names(lines)
    opened = default_open_borders() if open_ties is None else open_ties
    line_table = pd.DataFrame(lines + eq_lines)
    line_table["border"] = line_table["border"].fillna("")
    line_table["in_service"] = ~line_table["border"].isin(opened)
    return GridTables(
        buses=pd.DataFrame(bus_rows),
        lines=line_table,
        trafos=pd.DataFrame(trafos),
        gens=pd.DataFrame(gens),
        loads=pd.DataFrame(loads),
        positions=pd.DataFrame(positions),
        slack=f"hub_{EXTERNAL}",
    )
