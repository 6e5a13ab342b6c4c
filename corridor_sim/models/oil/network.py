"""Build the commodity network of the oil route from its parameters over monthly slices.

A month is one period unless an event with ``days`` falls in it: then the month
is cut into slices at the outage's end (days ``0..d`` out, ``d..D`` back; see
:mod:`corridor_sim.models._common.calendar`), so the model sees that crude arriving at
Baku during the outage must wait in tanks, go to Supsa or stay in Kazakhstan, while the
pipeline catches up afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from corridor_sim.engines.commodity import Arc, CommodityNetwork, Node, NodeKind
from corridor_sim.errors import SpecError
from corridor_sim.models._common.calendar import Slice, month_slices, snapshots
from corridor_sim.models._common.commodity import coordinates
from corridor_sim.models.oil.params import availability as weather_availability
from corridor_sim.models.oil.params import per_day_kt, tanker_capacity_kt_per_day
from corridor_sim.models.params import ParamValues

__all__ = [
    "ARCS",
    "CPC_ARCS",
    "LABELS",
    "ROUTE_ARCS",
    "SINK",
    "SOURCE",
    "TERMINAL_ARCS",
    "VIA",
    "Slice",
    "coords",
    "make_slices",
    "merge_release_arcs",
    "network",
]

#: Where the Kazakh crude of the route enters and where delivered crude leaves.
SOURCE = "kazakh_fields"
SINK = "world_market"

#: Label of each node (coordinates come from the catalogue: ``oil.geo.<node>_lon`` / ``_lat``).
LABELS: dict[str, str] = {
    "kazakh_fields": "Kazakh fields (Tengiz)",
    "aktau": "Aktau port",
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
    "tanker_lane": ("aktau", "baku", "Caspian tanker lane Aktau -> Baku"),
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
#: Export arc of each terminal (what "delivered at a terminal" means).
TERMINAL_ARCS: dict[str, str] = {
    "ceyhan": "ceyhan_export",
    "supsa": "supsa_export",
    "novorossiysk": "novorossiysk_export",
}


def make_slices(
    year: int, months: int, cuts: Mapping[int, Iterable[float]] | None = None
) -> list[Slice]:
    """Monthly slices of the horizon (see :func:`corridor_sim.models._common.calendar.make_slices`)."""
    return month_slices(year, months, cuts)


def _node(nid: str, **kwargs: object) -> Node:
    lon, lat = coords(nid)
    return Node(nid, lon=lon, lat=lat, label=LABELS[nid], **kwargs)


def release_arc(k: int) -> str:
    """Id of the arc that empties the Baku tanks in slice `k` (``tank_out_03``)."""
    return f"tank_out_{k:02d}"


def _release_arcs(p: ParamValues, slices: Sequence[Slice], avail: Sequence[float]) -> list[Arc]:
    """One tank-release arc per slice, each open only in its slice, dearer the later it is.

    The LP is otherwise indifferent to *when* stored crude leaves the tanks; a cost
    growing by ``oil.cost.storage_time_preference`` per slice makes it leave as soon
    as the pipeline can take it. :func:`merge_release_arcs` folds them back into one
    ``tank_out`` arc in result tables.
    """
    out = []
    for k, s in enumerate(slices):
        open_k = tuple(math.inf if j == k else 0 for j in range(len(slices)))
        out.append(
            Arc(
                "baku_tanks",
                "baku",
                capacity=open_k,
                availability=tuple(avail),
                cost=p.storage_time_preference_usd_per_t * k,
                id=release_arc(k),
                label=f"out of Sangachal tanks in {s.label}",
            )
        )
    return out


def merge_release_arcs(frame: pd.DataFrame) -> pd.DataFrame:
    """Fold the per-slice ``tank_out_kk`` rows of an arc table into one ``tank_out`` arc.

    Keeps, for each ``tank_out_kk``, only the row of its own period ``kk`` (flows,
    utilisation tables) and drops the others; tables without a ``period`` column
    (bottlenecks) simply lose the ``tank_out_kk`` rows.
    """
    if frame.empty or "element" not in frame:
        return frame
    is_release = frame["element"].astype(str).str.match(r"^tank_out_\d+$")
    if not is_release.any():
        return frame
    if "period" not in frame:
        return frame[~is_release].reset_index(drop=True)
    own = frame["element"].str.slice(len("tank_out_")).where(is_release)
    keep = ~is_release | (pd.to_numeric(own, errors="coerce") == frame["period"])
    out = frame[keep].copy()
    out.loc[is_release[keep], "element"] = "tank_out"
    return out.reset_index(drop=True)


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

    tanker = tuple(tanker_capacity_kt_per_day(p) * d for d in days)
    weather = tuple(weather_availability(p, s.calendar_month) for s in slices)
    capacity: dict[str, tuple[float, ...] | float] = {
        "aktau_loading": per_slice(p.aktau_loading_mt_per_yr),
        "tanker_lane": tanker,
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
        "tank_in": p.tank_handling_usd_per_t,
        "btc": btc,
        "baku_supsa": btc,
        "supsa_export": p.reserve_premium_usd_per_t,
        "cpc": p.cpc_tariff_usd_per_t,
        "novorossiysk_export": p.reserve_premium_usd_per_t,
        "cpc_diversion": p.diversion_cost_usd_per_t,
    }
    arc_ids = list(ARCS if p.include_novorossiysk else ROUTE_ARCS)
    for aid in availability:
        if aid not in arc_ids:
            msg = f"event element {aid!r} is not in the network" + (
                " (set include_novorossiysk = true for the CPC arcs)" if aid in CPC_ARCS else ""
            )
            raise SpecError(msg)
    arcs = []
    for aid in arc_ids:
        src, tgt, label = ARCS[aid]
        avail = weather if aid == "tanker_lane" else (1,) * len(slices)
        if aid in availability:
            avail = tuple(a * e for a, e in zip(avail, availability[aid], strict=True))
        cap = math.inf if aid in relieved else capacity[aid]
        if aid == "tank_out":
            arcs += _release_arcs(p, slices, avail)
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
        _node(SOURCE, kind=NodeKind.SUPPLY, supply=per_slice(p.kazakh_volume_mt_per_yr)),
        _node("aktau"),
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
