"""Build the commodity network of the oil route from its parameters over monthly slices.

A month is one period unless an event with ``days`` falls in it: then the month
is cut into slices at the outage's end (days ``0..d`` out, ``d..D`` back; see
:mod:`corridor_sim.models.toolkit.calendar`), so the model sees that crude arriving at
Baku during the outage must wait in tanks, go to Supsa or stay in Kazakhstan, while the
pipeline catches up afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from corridor_sim.engines.commodity import Arc, CommodityNetwork, Node, NodeKind
from corridor_sim.errors import SpecError
from corridor_sim.models.oil.params import availability as weather_availability
from corridor_sim.models.oil.params import (
    makhachkala_capacity_kt_per_day,
    per_day_kt,
    reinforcement_capacity_kt_per_day,
    tanker_capacity_kt_per_day,
)
from corridor_sim.models.params import ParamValues
from corridor_sim.models.toolkit.calendar import Slice, month_slices, snapshots
from corridor_sim.models.toolkit.commodity import coordinates

__all__ = [
    "ARCS",
    "CPC_ARCS",
    "LABELS",
    "ROUTE_ARCS",
    "SINK",
    "SOURCE",
    "TERMINAL_ARCS",
    "STORES",
    "VIA",
    "Slice",
    "coords",
    "idle_arcs",
    "make_slices",
    "merge_release_arcs",
    "network",
    "ready_share",
]

#: Where the Kazakh crude of the route enters and where delivered crude leaves.
SOURCE = "kazakh_fields"
SINK = "world_market"

#: Label of each node (coordinates come from the catalogue: ``oil.geo.<node>_lon`` / ``_lat``).
LABELS: dict[str, str] = {
    "kazakh_fields": "Kazakh crude at Aktau (Tengiz and others)",
    "aktau": "Aktau port",
    "aktau_tanks": "Aktau tanks",
    "kuryk": "Kuryk port",
    "makhachkala": "Makhachkala (to Novorossiysk)",
    "baku": "Baku (Sangachal terminal)",
    "baku_tanks": "Sangachal tanks (Kazakh share)",
    "ceyhan": "Ceyhan terminal",
    "supsa": "Supsa terminal",
    "world_market": "World market (Mediterranean)",
    "cpc_fields": "CPC fields (Tengiz, Kashagan, Karachaganak)",
    "novorossiysk": "Novorossiysk (CPC terminal)",
}


def coords(nid: str) -> tuple[float, float]:
    """Longitude and latitude (degrees) of node or waypoint `nid` from the catalogue."""
    return coordinates("oil", nid)


#: Waypoints the pipelines pass on the map (arc id -> nodes in order, ends included).
VIA: dict[str, tuple[str, ...]] = {
    "btc": ("baku", "tbilisi", "ceyhan"),
    "baku_supsa": ("baku", "tbilisi", "supsa"),
}

#: Arc id -> (source, target, label). Route arcs first, then the optional CPC ones.
ROUTE_ARCS: dict[str, tuple[str, str, str]] = {
    "aktau_loading": ("kazakh_fields", "aktau", "Aktau oil berths"),
    "kuryk_loading": ("kazakh_fields", "kuryk", "Kuryk crude loading"),
    "kuryk_sea": ("kuryk", "aktau", "Kuryk joins the Aktau sea lanes"),
    "aktau_tank_in": ("kazakh_fields", "aktau_tanks", "into Aktau tanks"),
    "aktau_tank_out": ("aktau_tanks", "kazakh_fields", "out of Aktau tanks"),
    "tanker_lane": ("aktau", "baku", "Caspian tankers Aktau -> Baku (KMTF + ASCO)"),
    "reinforcement_lane": ("aktau", "baku", "reinforcement tankers Aktau -> Baku"),
    "makhachkala_lane": ("aktau", "makhachkala", "Caspian tankers Aktau -> Makhachkala"),
    "tank_in": ("baku", "baku_tanks", "into Sangachal tanks"),
    "tank_out": ("baku_tanks", "baku", "out of Sangachal tanks"),
    "btc": ("baku", "ceyhan", "BTC pipeline Baku -> Tbilisi -> Ceyhan"),
    "baku_supsa": ("baku", "supsa", "Baku -> Supsa pipeline (reserve)"),
    "ceyhan_export": ("ceyhan", "world_market", "Ceyhan export terminal"),
    "supsa_export": ("supsa", "world_market", "Supsa export terminal"),
}
CPC_ARCS: dict[str, tuple[str, str, str]] = {
    "cpc": ("cpc_fields", "novorossiysk", "CPC pipeline to Novorossiysk"),
    "novorossiysk_export": ("novorossiysk", "world_market", "Novorossiysk export terminal"),
    "cpc_diversion": ("cpc_fields", "kazakh_fields", "CPC crude sent to Aktau instead"),
}
ARCS: dict[str, tuple[str, str, str]] = {**ROUTE_ARCS, **CPC_ARCS}
#: Arcs at sea: the shared Caspian weather availability applies to them.
_AT_SEA = ("tanker_lane", "reinforcement_lane", "makhachkala_lane")
#: Export arc of each terminal (what "delivered at a terminal" means).
TERMINAL_ARCS: dict[str, str] = {
    "ceyhan": "ceyhan_export",
    "makhachkala": "makhachkala_lane",
    "supsa": "supsa_export",
    "novorossiysk": "novorossiysk_export",
}


def make_slices(
    year: int, months: int, cuts: Mapping[int, Iterable[float]] | None = None
) -> list[Slice]:
    """Monthly slices (see :func:`corridor_sim.models.toolkit.calendar.month_slices`)."""
    return month_slices(year, months, cuts)


def _node(nid: str, **kwargs: object) -> Node:
    lon, lat = coords(nid)
    return Node(nid, lon=lon, lat=lat, label=LABELS[nid], **kwargs)


#: Side storage nodes: storage node -> (node it hangs on, release-arc prefix, label).
STORES: dict[str, tuple[str, str, str]] = {
    "baku_tanks": ("baku", "tank_out", "out of Sangachal tanks"),
    "aktau_tanks": ("kazakh_fields", "aktau_tank_out", "out of Aktau tanks"),
}
_RELEASE_RE = r"^(tank_out|aktau_tank_out)_(\d+)$"


def release_arc(k: int, prefix: str = "tank_out") -> str:
    """Id of the arc that empties a store in slice `k` (``tank_out_03``, ``aktau_tank_out_03``)."""
    return f"{prefix}_{k:02d}"


def _release_arcs(
    p: ParamValues, slices: Sequence[Slice], avail: Sequence[float], store: str
) -> list[Arc]:
    """One release arc per slice for `store`, each open only in its slice, dearer the later it is.

    The LP is otherwise indifferent to *when* stored crude leaves the tanks; a cost
    growing by ``oil.cost.storage_time_preference`` per slice makes it leave as soon
    as the route can take it. :func:`merge_release_arcs` folds them back into one
    ``tank_out`` (``aktau_tank_out``) arc in result tables.
    """
    back_to, prefix, label = STORES[store]
    out = []
    for k, s in enumerate(slices):
        open_k = tuple(math.inf if j == k else 0 for j in range(len(slices)))
        out.append(
            Arc(
                store,
                back_to,
                capacity=open_k,
                availability=tuple(avail),
                cost=p.storage_time_preference_usd_per_t * k,
                id=release_arc(k, prefix),
                label=f"{label} in {s.label}",
            )
        )
    return out


def merge_release_arcs(frame: pd.DataFrame) -> pd.DataFrame:
    """Fold the per-slice release rows (``tank_out_kk``, ``aktau_tank_out_kk``) into one arc each.

    Keeps, for each release arc, only the row of its own period ``kk`` (flows,
    utilisation tables) and drops the others; tables without a ``period`` column
    (bottlenecks) simply lose the release rows.
    """
    if frame.empty or "element" not in frame:
        return frame
    parts = frame["element"].astype(str).str.extract(_RELEASE_RE)
    is_release = parts[0].notna()
    if not is_release.any():
        return frame
    if "period" not in frame:
        return frame[~is_release].reset_index(drop=True)
    own = pd.to_numeric(parts[1], errors="coerce")
    keep = ~is_release | (own == frame["period"])
    out = frame[keep].copy()
    out.loc[is_release[keep], "element"] = parts.loc[keep & is_release, 0]
    return out.reset_index(drop=True)


def ready_share(slices: Sequence[Slice], ready_day: float) -> tuple[float, ...]:
    """Share of each slice after `ready_day` (days from the start of the horizon)."""
    out, start = [], 0.0
    for s in slices:
        end = start + s.days
        share = min(max((end - ready_day) / s.days, 0.0), 1.0) if s.days > 0 else 0.0
        out.append(share)
        start = end
    return tuple(out)


def _check_fleet(p: ParamValues) -> None:
    used = p.asco_tankers_baku + p.reinforcement_tankers
    if used > p.asco_fleet_tankers:
        msg = (
            f"asco_tankers_baku + reinforcement_tankers = {used:g} tankers; expected at most "
            f"asco_fleet_tankers = {p.asco_fleet_tankers:g} (ASCO's tanker fleet)"
        )
        raise SpecError(msg)


def idle_arcs(p: ParamValues, relieved: Iterable[str] = ()) -> dict[str, str]:
    """Arcs left out of the network because they can carry nothing, with what would add them.

    Kuryk has no crude berth today (``kuryk_loading_mt_per_yr = 0``: its loading arc, its
    sea link and the node go) and the reinforcement lane has no tankers unless some are
    ordered; an arc that is relieved in a capacity study stays.
    """
    relieved = set(relieved)
    out = {}
    if p.kuryk_loading_mt_per_yr <= 0 and "kuryk_loading" not in relieved:
        why = "Kuryk has no crude loading: set kuryk_loading_mt_per_yr > 0"
        out.update(dict.fromkeys(("kuryk_loading", "kuryk_sea"), why))
    if p.reinforcement_tankers <= 0 and "reinforcement_lane" not in relieved:
        out["reinforcement_lane"] = "no reinforcement: set reinforcement_tankers > 0"
    return out


def network(
    p: ParamValues,
    slices: Sequence[Slice],
    *,
    availability: Mapping[str, Sequence[float]] | None = None,
    relieve: Iterable[str] = (),
) -> CommodityNetwork:
    """Build the route as a commodity network in kt per slice.

    Parameters
    ----------
    p : ParamValues
        The year's parameters (:data:`corridor_sim.models.oil.params.PARAMS`).
    slices : sequence of Slice
        The LP periods.
    availability : mapping of arc id to per-slice fractions, optional
        Event availability, multiplied into the arc's own (weather) availability.
    relieve : iterable of str
        Arc ids whose capacity is lifted (``math.inf``) — a capacity study.

    Returns
    -------
    CommodityNetwork
        Unit ``"kt"``, costs in USD/t, periods = slice labels with their snapshots,
        provenance = (parameter, catalogue id) pairs.
    """
    availability = dict(availability or {})
    relieved = set(relieve)
    days = [s.days for s in slices]

    def per_slice(mt_per_yr: float) -> tuple[float, ...]:
        rate = per_day_kt(p.year, mt_per_yr)
        return tuple(rate * d for d in days)

    _check_fleet(p)
    tanker = tuple(tanker_capacity_kt_per_day(p) * d for d in days)
    weather = tuple(weather_availability(p, s.calendar_month) for s in slices)
    ready = ready_share(slices, p.reinforcement_order_day + p.reinforcement_lead_time_d)
    booked = per_slice(min(p.makhachkala_volume_mt_per_yr, p.makhachkala_terminal_mt_per_yr))
    capacity: dict[str, tuple[float, ...] | float] = {
        "aktau_loading": per_slice(p.aktau_loading_mt_per_yr),
        "kuryk_loading": per_slice(p.kuryk_loading_mt_per_yr),
        "kuryk_sea": math.inf,
        "aktau_tank_in": math.inf,
        "aktau_tank_out": math.inf,
        "tanker_lane": tanker,
        "reinforcement_lane": tuple(reinforcement_capacity_kt_per_day(p) * d for d in days),
        "makhachkala_lane": tuple(makhachkala_capacity_kt_per_day(p) * d for d in days),
        "tank_in": math.inf,
        "tank_out": math.inf,
        "btc": per_slice(p.btc_spare_capacity_mt_per_yr),
        "baku_supsa": per_slice(p.supsa_capacity_mt_per_yr),
        "ceyhan_export": per_slice(p.btc_capacity_mt_per_yr),
        "supsa_export": per_slice(p.supsa_terminal_mt_per_yr),
        "cpc": per_slice(p.cpc_capacity_mt_per_yr),
        "novorossiysk_export": per_slice(p.novorossiysk_terminal_mt_per_yr),
        "cpc_diversion": math.inf,
    }
    btc = p.btc_tariff_usd_per_t
    cost = {
        "tanker_lane": p.tanker_freight_usd_per_t,
        "reinforcement_lane": p.tanker_freight_usd_per_t + p.reinforcement_premium_usd_per_t,
        "makhachkala_lane": p.tanker_freight_usd_per_t,
        "aktau_tank_in": p.tank_handling_usd_per_t,
        "tank_in": p.tank_handling_usd_per_t,
        "btc": btc,
        "baku_supsa": btc,
        "supsa_export": p.reserve_premium_usd_per_t,
        "cpc": p.cpc_tariff_usd_per_t,
        "novorossiysk_export": p.reserve_premium_usd_per_t,
        "cpc_diversion": p.diversion_cost_usd_per_t,
    }
    idle = idle_arcs(p, relieved)
    arc_ids = [a for a in (ARCS if p.include_novorossiysk else ROUTE_ARCS) if a not in idle]
    for aid in availability:
        if aid not in arc_ids:
            how = idle.get(aid) or (
                "set include_novorossiysk = true for the CPC arcs" if aid in CPC_ARCS else ""
            )
            msg = f"event element {aid!r} is not in the network" + (f" ({how})" if how else "")
            raise SpecError(msg)
    arcs = []
    for aid in arc_ids:
        src, tgt, label = ARCS[aid]
        avail = weather if aid in _AT_SEA else (1,) * len(slices)
        if aid == "reinforcement_lane":
            avail = tuple(w * r for w, r in zip(weather, ready, strict=True))
        if aid in availability:
            avail = tuple(a * e for a, e in zip(avail, availability[aid], strict=True))
        cap = math.inf if aid in relieved else capacity[aid]
        if aid in ("tank_out", "aktau_tank_out"):
            store = "baku_tanks" if aid == "tank_out" else "aktau_tanks"
            arcs += _release_arcs(p, slices, avail, store)
            continue
        arcs.append(
            Arc(
                src,
                tgt,
                capacity=cap,
                availability=avail,
                cost=cost.get(aid, 0),
                id=aid,
                label=label,
            )
        )
    nodes = [
        _node(
            SOURCE,
            kind=NodeKind.SUPPLY,
            supply=per_slice(p.kazakh_volume_mt_per_yr + p.makhachkala_volume_mt_per_yr),
        ),
        _node("aktau_tanks", kind=NodeKind.STORAGE, storage_capacity=p.aktau_storage_kt),
        *([] if "kuryk_loading" in idle else [_node("kuryk")]),
        _node("aktau"),
        _node(
            "makhachkala",
            kind=NodeKind.DEMAND,
            demand=booked,
            unmet_penalty=0.0,
            value=p.market_value_usd_per_t - p.makhachkala_transit_usd_per_t,
        ),
        _node("baku"),
        _node("baku_tanks", kind=NodeKind.STORAGE, storage_capacity=p.baku_storage_kt),
        _node("ceyhan"),
        _node("supsa"),
        _node(SINK, kind=NodeKind.DEMAND, demand=math.inf, value=p.market_value_usd_per_t),
    ]
    if p.include_novorossiysk:
        nodes += [
            _node("cpc_fields", kind=NodeKind.SUPPLY, supply=per_slice(p.cpc_volume_mt_per_yr)),
            _node("novorossiysk"),
        ]
    prov = p.provenance()
    provenance = list(zip(prov["parameter"], prov["source_id"], strict=True))
    return CommodityNetwork(
        nodes=tuple(nodes),
        arcs=tuple(arcs),
        periods=tuple(s.label for s in slices),
        unit="kt",
        name=f"oil_{p.year}",
        provenance=tuple(provenance),
        cost_unit="USD/t",
        snapshots=snapshots(slices),
    )
