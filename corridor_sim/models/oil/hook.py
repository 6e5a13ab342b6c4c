"""What the oil route adds to its tables: tanker capacities, storage release, summary.

The topology is ``nodes.csv`` and ``arcs.csv`` beside this file; the rules named there
(``rule:<name>``) are the functions below. The tanks release stored crude through one arc
per slice, dearer the later it is, so that crude leaves as soon as the route can take it;
:func:`tidy` folds them back into one ``tank_out`` (``aktau_tank_out``) arc in result tables.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from corridor_sim.engines.commodity import Arc, CommodityNetwork, value_at
from corridor_sim.errors import ScenarioError, SpecError
from corridor_sim.models.oil import backcast
from corridor_sim.models.oil.params import (
    cargo_per_call_t,
    makhachkala_capacity_kt_per_day,
    reinforcement_capacity_kt_per_day,
    tanker_capacity_kt_per_day,
)
from corridor_sim.models.params import ParamValues
from corridor_sim.models.toolkit.calendar import Slice
from corridor_sim.models.toolkit.commodity import by_period
from corridor_sim.models.toolkit.corridor import Corridor, StudyRun
from corridor_sim.units import THOUSAND, days_in_year

__all__ = [
    "STORES",
    "TERMINAL_ARCS",
    "VIA",
    "baku_stream",
    "idle",
    "merge_release_arcs",
    "ready_share",
    "release_arc",
    "summary",
]

#: Waypoints the pipelines pass on the map (arc id -> nodes in order, ends included).
VIA: dict[str, tuple[str, ...]] = {
    "btc": ("baku", "tbilisi", "ceyhan"),
    "baku_supsa": ("baku", "tbilisi", "supsa"),
}
#: Side storage nodes: storage node -> (node it hangs on, release-arc prefix, label).
STORES: dict[str, tuple[str, str, str]] = {
    "baku_tanks": ("baku", "tank_out", "out of Sangachal tanks"),
    "aktau_tanks": ("kazakh_fields", "aktau_tank_out", "out of Aktau tanks"),
}
_RELEASE_RE = r"^(tank_out|aktau_tank_out)_(\d+)$"
#: Export arc of each terminal (what "delivered at a terminal" means).
TERMINAL_ARCS: dict[str, str] = {
    "ceyhan": "ceyhan_export",
    "makhachkala": "makhachkala_lane",
    "supsa": "supsa_export",
    "novorossiysk": "novorossiysk_export",
}
#: Studies of this route besides the shared bottleneck sequence.
studies = (("backcast", "2023 only: 2023's loadings offered; the fit year of the validation"),)


# -- rules named in arcs.csv and nodes.csv ------------------------------------------------
def _mt_per_yr(kt_per_day: float, year: int) -> float:
    return kt_per_day * days_in_year(year) / THOUSAND


def tanker_lane(p: ParamValues) -> float:
    """Return the Aktau–Baku lane with every tanker sailing (Mt/yr)."""
    return _mt_per_yr(tanker_capacity_kt_per_day(p), p.year)


def reinforcement_lane(p: ParamValues) -> float:
    """Return what the reinforcement tankers add once loading (Mt/yr)."""
    return _mt_per_yr(reinforcement_capacity_kt_per_day(p), p.year)


def makhachkala_lane(p: ParamValues) -> float:
    """Return the Aktau–Makhachkala lane with every tanker sailing (Mt/yr)."""
    return _mt_per_yr(makhachkala_capacity_kt_per_day(p), p.year)


def makhachkala_booked(p: ParamValues) -> float:
    """Crude booked to Makhachkala, at most its terminal (Mt/yr)."""
    return min(p.makhachkala_volume_mt_per_yr, p.makhachkala_terminal_mt_per_yr)


def makhachkala_value(p: ParamValues) -> float:
    """Return a tonne's value at Makhachkala: market less onward transit (USD/t)."""
    return p.market_value_usd_per_t - p.makhachkala_transit_usd_per_t


def ready_share(slices: Sequence[Slice], ready_day: float) -> tuple[float, ...]:
    """Share of each slice after `ready_day` (days from the start of the horizon)."""
    out, start = [], 0.0
    for s in slices:
        end = start + s.days
        share = min(max((end - ready_day) / s.days, 0.0), 1.0) if s.days > 0 else 0.0
        out.append(share)
        start = end
    return tuple(out)


def reinforcement_ready(p: ParamValues, slices: Sequence[Slice]) -> tuple[float, ...]:
    """Share of each slice the reinforcement tankers are loading (after order + lead time)."""
    return ready_share(slices, p.reinforcement_order_day + p.reinforcement_lead_time_d)


def check(p: ParamValues) -> None:
    """Refuse more lane plus reinforcement tankers than ASCO's fleet."""
    used = p.asco_tankers_baku + p.reinforcement_tankers
    if used > p.asco_fleet_tankers:
        msg = (
            f"asco_tankers_baku + reinforcement_tankers = {used:g} tankers; expected at most "
            f"asco_fleet_tankers = {p.asco_fleet_tankers:g} (ASCO's tanker fleet)"
        )
        raise SpecError(msg)


def idle(p: ParamValues, relieved: Iterable[str] = ()) -> dict[str, str]:
    """Arcs left out because they can carry nothing, with what would add them.

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


# -- storage release arcs -------------------------------------------------------------------
def release_arc(k: int, prefix: str = "tank_out") -> str:
    """Id of the arc that empties a store in slice `k` (``tank_out_03``, ``aktau_tank_out_03``)."""
    return f"{prefix}_{k:02d}"


def arcs(p: ParamValues, slices: Sequence[Slice], built: list[Arc]) -> list[Arc]:
    """Replace each store's release arc by one per slice, open in its slice only.

    The LP is otherwise indifferent to *when* stored crude leaves the tanks; a cost growing
    by ``oil.cost.storage_time_preference`` per slice makes it leave as soon as the route
    can take it.
    """
    prefixes = {prefix: (store, label) for store, (_, prefix, label) in STORES.items()}
    out = []
    for arc in built:
        if arc.id not in prefixes:
            out.append(arc)
            continue
        store, label = prefixes[arc.id]
        for k, s in enumerate(slices):
            out.append(
                dataclasses.replace(
                    arc,
                    capacity=tuple(math.inf if j == k else 0 for j in range(len(slices))),
                    cost=p.storage_time_preference_usd_per_t * k,
                    id=release_arc(k, arc.id),
                    label=f"{label} in {s.label}",
                )
            )
        del store
    return out


def merge_release_arcs(frame: pd.DataFrame) -> pd.DataFrame:
    """Fold the per-slice release rows (``tank_out_kk``, ``aktau_tank_out_kk``) into one arc each.

    Keeps, for each release arc, only the row of its own period ``kk`` (flows, utilisation
    tables) and drops the others; tables without a ``period`` column (bottlenecks) simply
    lose the release rows.
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


tidy = merge_release_arcs


def baku_stream(net: CommodityNetwork) -> CommodityNetwork:
    """Return the network as the Baku stream sees it: the Makhachkala booking served first.

    The booked Makhachkala outlet is cheaper than BTC, so the LP fills it first; for the
    max-flow capacity of the route to Ceyhan and Supsa its monthly flow (the booking, or
    what its tankers can carry) is taken off the Aktau berths.
    """
    lane, booked = net.arc("makhachkala_lane"), net.node("makhachkala")
    berth = net.arc("aktau_loading")
    left = []
    for k in range(net.n_periods):
        lane_k = value_at(lane.capacity, k) * value_at(lane.availability, k)
        taken = min(value_at(booked.demand, k), lane_k)
        left.append(max(value_at(berth.capacity, k) - taken, 0.0))
    return net.with_arc("aktau_loading", capacity=tuple(left))


capacity_view = baku_stream


# -- result tables and summary --------------------------------------------------------------
def tables(
    corridor: Corridor,
    p: ParamValues,
    result: Mapping[str, pd.DataFrame],
    slices: Sequence[Slice],
    net: Any,
) -> dict[str, pd.DataFrame]:
    """Return ``delivered`` (per terminal and month) and ``unmet`` (per supply node and month)."""
    del corridor, p, net
    monthly = result["monthly_flows"]
    terminal_of = {arc: t for t, arc in TERMINAL_ARCS.items()}
    delivered = monthly[monthly["element"].isin(terminal_of)].copy()
    delivered["element"] = delivered["element"].map(terminal_of)
    delivered = delivered[["element", "period", "snapshot", "period_label", "flow_kt"]].rename(
        columns={"flow_kt": "delivered_kt"}
    )
    unmet = by_period(
        result["supply"], slices, sums={"offered_kt": "available_kt", "shipped_kt": "supplied_kt"}
    )
    unmet["unmet_kt"] = (unmet["offered_kt"] - unmet["shipped_kt"]).clip(lower=0)
    return {"delivered": delivered.reset_index(drop=True), "unmet": unmet}


def _storage(storage: pd.DataFrame, node: str, how: str) -> float:
    part = storage[storage["element"] == node] if not storage.empty else storage
    if part.empty:
        return 0.0
    return float(part["level_kt"].max() if how == "peak" else part["level_kt"].iloc[-1])


def summary(p: ParamValues, result: Mapping[str, pd.DataFrame]) -> list[tuple]:
    """Summary rows: offered, delivered per terminal, tanker calls, storage, capacities."""
    per_terminal = result["delivered"].groupby("element")["delivered_kt"].sum() / THOUSAND
    offered = result["unmet"].groupby("element")["offered_kt"].sum() / THOUSAND
    by_arc = result["flows"].groupby("element")["flow_kt"].sum() / THOUSAND
    storage = result["storage"]
    months = max(int(result["monthly_flows"]["period"].nunique()), 1)
    share = sum(float(d) for d in result["flows"].drop_duplicates("period")["duration_d"])
    share /= days_in_year(p.year)
    total_offered, total_delivered = float(offered.sum()), float(per_terminal.sum())
    baku = float(by_arc.get("tanker_lane", 0)) + float(by_arc.get("reinforcement_lane", 0))
    cargo = cargo_per_call_t(p)
    calls = baku * THOUSAND * THOUSAND / cargo / months if cargo > 0 else 0.0
    rows = [
        ("offered_mt", total_offered, "Mt"),
        ("delivered_mt", total_delivered, "Mt"),
        ("unmet_mt", max(total_offered - total_delivered, 0), "Mt"),
        ("route_offered_mt", p.kazakh_volume_mt_per_yr * share, "Mt", "kazakh_fields"),
        ("makhachkala_booked_mt", p.makhachkala_volume_mt_per_yr * share, "Mt", "makhachkala"),
    ]
    rows += [
        (f"via_{t}_mt", float(per_terminal.get(t, 0)), "Mt", t)
        for t in ("ceyhan", "supsa", "makhachkala")
    ]
    rows += [
        ("tanker_lane_mt", float(by_arc.get("tanker_lane", 0)), "Mt", "tanker_lane"),
        (
            "reinforcement_mt",
            float(by_arc.get("reinforcement_lane", 0)),
            "Mt",
            "reinforcement_lane",
        ),
        ("baku_tanker_calls_per_month", calls, "calls/month", "baku"),
        ("storage_peak_kt", _storage(storage, "baku_tanks", "peak"), "kt", "baku_tanks"),
        ("storage_end_kt", _storage(storage, "baku_tanks", "end"), "kt", "baku_tanks"),
        ("storage_capacity_kt", p.baku_storage_kt, "kt", "baku_tanks"),
        ("aktau_storage_peak_kt", _storage(storage, "aktau_tanks", "peak"), "kt", "aktau_tanks"),
        ("aktau_storage_end_kt", _storage(storage, "aktau_tanks", "end"), "kt", "aktau_tanks"),
    ]
    rows += [
        (f"{lane}_capacity_mt_per_yr", rule(p), "Mt/yr", arc)
        for lane, rule, arc in (
            ("tanker_lane", tanker_lane, "tanker_lane"),
            ("makhachkala_lane", makhachkala_lane, "makhachkala_lane"),
            ("reinforcement", reinforcement_lane, "reinforcement_lane"),
        )
    ]
    rows += [
        ("btc_spare_capacity_mt_per_yr", p.btc_spare_capacity_mt_per_yr, "Mt/yr", "btc"),
        ("binding_arcs", float(len(result["bottlenecks"])), "arcs"),
    ]
    if p.include_novorossiysk:
        rows += [
            ("cpc_offered_mt", float(offered.get("cpc_fields", 0)), "Mt", "cpc_fields"),
            (
                "via_novorossiysk_mt",
                float(per_terminal.get("novorossiysk", 0)),
                "Mt",
                "novorossiysk",
            ),
            ("cpc_diverted_mt", float(by_arc.get("cpc_diversion", 0)), "Mt", "cpc_diversion"),
        ]
    return rows


def meta(p: ParamValues, scenario: Any) -> dict[str, Any]:
    """Return whether CPC is modelled and the reserve rule."""
    del scenario
    return {
        "include_novorossiysk": p.include_novorossiysk,
        "reserve_rule": "cost: Supsa carries oil.cost.reserve_premium over Ceyhan",
    }


def prepare(scenario: Any, options: Mapping[str, Any]) -> Any:
    """Refuse events on the CPC arcs without CPC; give a backcast its overrides."""
    overrides = dict(scenario.overrides)
    cpc = ("cpc", "novorossiysk_export", "cpc_diversion")
    if any(e.element in cpc for e in scenario.events) and not overrides.get(
        "include_novorossiysk", False
    ):
        msg = "events name a CPC arc: set overrides.include_novorossiysk = true"
        raise ScenarioError(msg)
    if options["study"] != "backcast":
        return scenario
    return backcast.Overridden(scenario, backcast.backcast_overrides(int(scenario.year), overrides))


def study(run: StudyRun) -> None:
    """Run the ``backcast`` study: 2023 with its loadings offered (see :mod:`.backcast`).

    The scenario was given 2023's loadings by :func:`prepare`; the result's ``validation``
    table says which of its rows are inputs, fitted or predicted.
    """
    run.meta["backcast"] = "2023 loadings offered; see the validation table for roles"


validation = backcast.validation
