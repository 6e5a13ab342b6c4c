"""One oil scenario: options and events -> the network -> the engine -> tidy tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.engines.commodity import CommodityNetwork, solve
from corridor_sim.errors import ScenarioError, SpecError, UnknownNameError
from corridor_sim.models.base import ScenarioLike
from corridor_sim.models.oil.backcast import backcast_overrides, backcast_table
from corridor_sim.models.oil.network import (
    ARCS,
    CPC_ARCS,
    SOURCE,
    TERMINAL_ARCS,
    coords,
    make_slices,
    merge_release_arcs,
    network,
)
from corridor_sim.models.oil.params import (
    PARAMS,
    cargo_per_call_t,
    makhachkala_capacity_kt_per_day,
    reinforcement_capacity_kt_per_day,
    tanker_capacity_kt_per_day,
)
from corridor_sim.models.oil.study import bottleneck_sequence
from corridor_sim.models.options import Option, OptionTable
from corridor_sim.models.params import ParamValues
from corridor_sim.models.toolkit.calendar import Slice
from corridor_sim.models.toolkit.commodity import (
    by_period,
    event_availability,
    event_cuts,
    nodes_table,
    slice_columns,
)
from corridor_sim.results.result import Result, summary_frame
from corridor_sim.units import PERCENT, THOUSAND, days_in_year

__all__ = ["OPTIONS", "Study", "simulate"]


class _Overridden:
    """A scenario seen with other overrides (everything else passed through)."""

    def __init__(self, scenario: ScenarioLike, overrides: Mapping[str, Any]) -> None:
        self._scenario = scenario
        self.overrides = dict(overrides)

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - the wrapped scenario's fields
        return getattr(self._scenario, name)


class Study(StrEnum):
    """Extra study a scenario can ask for with ``options.study``."""

    NONE = "none"
    BOTTLENECK_SEQUENCE = "bottleneck_sequence"
    BACKCAST = "backcast"


#: The oil model's ``[options]``.
OPTIONS = OptionTable(
    "oil",
    [
        Option(
            "study",
            "str",
            (
                "'none' (default), 'bottleneck_sequence' (relieve each bottleneck in turn) "
                "or 'backcast' (2023 only: 2023's loadings offered, compared with public figures)"
            ),
            default=Study.NONE.value,
            choices=tuple(s.value for s in Study),
        ),
        Option(
            "sweep_volumes_mt_per_yr",
            "float_list",
            "offered volumes (Mt/yr) for the delivered-versus-offered curves",
            minimum=0.0,
            example="[1, 2, 5, 10]",
        ),
        Option(
            "relief_steps",
            "int",
            "number of bottleneck stages to find (default 4)",
            default=4,
            minimum=1,
            maximum=8,
        ),
    ],
)


def _events(scenario: ScenarioLike, months: int, year: int) -> tuple[list[Slice], dict]:
    """Slices (months cut at outage ends) and per-slice event availability per arc."""
    cuts = event_cuts(scenario.events, months, elements=ARCS, year=year, model="oil")
    slices = make_slices(year, months, cuts)
    return slices, event_availability(scenario.events, slices)


def _monthly_tables(tables: Mapping[str, pd.DataFrame], slices: Sequence[Slice]) -> dict:
    flows = tables["flows"]
    monthly = by_period(
        flows,
        slices,
        sums={"flow_kt": "flow_kt", "capacity_kt": "capacity_kt"},
        maxes={"shadow_price_usd_per_t": "shadow_price_usd_per_t"},
    )
    cap = monthly["capacity_kt"].where(
        np.isfinite(monthly["capacity_kt"]) & (monthly["capacity_kt"] > 0)
    )
    monthly.insert(6, "utilisation_pct", PERCENT * monthly["flow_kt"] / cap)
    terminal_of = {arc: t for t, arc in TERMINAL_ARCS.items()}
    delivered = monthly[monthly["element"].isin(terminal_of)].copy()
    delivered["element"] = delivered["element"].map(terminal_of)
    delivered = delivered[["element", "period", "snapshot", "period_label", "flow_kt"]].rename(
        columns={"flow_kt": "delivered_kt"}
    )
    unmet = by_period(
        tables["supply"],
        slices,
        sums={"offered_kt": "available_kt", "shipped_kt": "supplied_kt"},
    )
    unmet["unmet_kt"] = (unmet["offered_kt"] - unmet["shipped_kt"]).clip(lower=0)
    return {
        "monthly_flows": monthly,
        "delivered": delivered.reset_index(drop=True),
        "unmet": unmet,
    }


def _summary(p: ParamValues, tables: Mapping[str, pd.DataFrame]) -> list[tuple]:
    per_terminal = tables["delivered"].groupby("element")["delivered_kt"].sum() / THOUSAND
    offered = tables["unmet"].groupby("element")["offered_kt"].sum() / THOUSAND
    by_arc = tables["flows"].groupby("element")["flow_kt"].sum() / THOUSAND
    storage = tables["storage"]
    months = max(int(tables["monthly_flows"]["period"].nunique()), 1)
    share = sum(float(d) for d in tables["flows"].drop_duplicates("period")["duration_d"])
    share /= days_in_year(p.year)
    total_offered = float(offered.sum())
    total_delivered = float(per_terminal.sum())
    baku = float(by_arc.get("tanker_lane", 0)) + float(by_arc.get("reinforcement_lane", 0))
    top = tables["bottlenecks"]
    year_mt = days_in_year(p.year) / THOUSAND

    def peak(node: str) -> float:
        part = storage[storage["element"] == node] if not storage.empty else storage
        return float(part["level_kt"].max()) if not part.empty else 0.0

    def end(node: str) -> float:
        part = storage[storage["element"] == node] if not storage.empty else storage
        return float(part["level_kt"].iloc[-1]) if not part.empty else 0.0

    rows = [
        ("offered_mt", total_offered, "Mt"),
        ("delivered_mt", total_delivered, "Mt"),
        ("unmet_mt", max(total_offered - total_delivered, 0), "Mt"),
        ("route_offered_mt", p.kazakh_volume_mt_per_yr * share, "Mt", SOURCE),
        ("makhachkala_booked_mt", p.makhachkala_volume_mt_per_yr * share, "Mt", "makhachkala"),
        ("via_ceyhan_mt", float(per_terminal.get("ceyhan", 0)), "Mt", "ceyhan"),
        ("via_supsa_mt", float(per_terminal.get("supsa", 0)), "Mt", "supsa"),
        ("via_makhachkala_mt", float(per_terminal.get("makhachkala", 0)), "Mt", "makhachkala"),
        ("tanker_lane_mt", float(by_arc.get("tanker_lane", 0)), "Mt", "tanker_lane"),
        (
            "reinforcement_mt",
            float(by_arc.get("reinforcement_lane", 0)),
            "Mt",
            "reinforcement_lane",
        ),
        (
            "baku_tanker_calls_per_month",
            baku * THOUSAND * THOUSAND / cargo_per_call_t(p) / months
            if cargo_per_call_t(p) > 0
            else 0.0,
            "calls/month",
            "baku",
        ),
        ("storage_peak_kt", peak("baku_tanks"), "kt", "baku_tanks"),
        ("storage_end_kt", end("baku_tanks"), "kt", "baku_tanks"),
        ("storage_capacity_kt", p.baku_storage_kt, "kt", "baku_tanks"),
        ("aktau_storage_peak_kt", peak("aktau_tanks"), "kt", "aktau_tanks"),
        ("aktau_storage_end_kt", end("aktau_tanks"), "kt", "aktau_tanks"),
        (
            "tanker_lane_capacity_mt_per_yr",
            tanker_capacity_kt_per_day(p) * year_mt,
            "Mt/yr",
            "tanker_lane",
        ),
        (
            "makhachkala_lane_capacity_mt_per_yr",
            makhachkala_capacity_kt_per_day(p) * year_mt,
            "Mt/yr",
            "makhachkala_lane",
        ),
        (
            "reinforcement_capacity_mt_per_yr",
            reinforcement_capacity_kt_per_day(p) * year_mt,
            "Mt/yr",
            "reinforcement_lane",
        ),
        ("btc_spare_capacity_mt_per_yr", p.btc_spare_capacity_mt_per_yr, "Mt/yr", "btc"),
        ("binding_arcs", float(len(top)), "arcs"),
    ]
    if not top.empty:
        rows.append(
            (
                "bottleneck_shadow_price_usd_per_t",
                float(top["shadow_price_mean_usd_per_t"].iloc[0]),
                "USD/t",
                str(top["element"].iloc[0]),
            )
        )
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


def _nodes(net: CommodityNetwork) -> pd.DataFrame:
    """Node positions for maps, plus the Tbilisi waypoint of the pipelines."""
    lon, lat = coords("tbilisi")
    return nodes_table(net, [("tbilisi", "waypoint", lon, lat, "Tbilisi")])


def _build(
    scenario: ScenarioLike, months: int
) -> tuple[ParamValues, list[Slice], CommodityNetwork]:
    try:
        p = PARAMS.resolve(int(scenario.year), dict(scenario.overrides))
        slices, avail = _events(scenario, months, int(scenario.year))
        if any(e.element in CPC_ARCS for e in scenario.events) and not p.include_novorossiysk:
            msg = "events name a CPC arc: set overrides.include_novorossiysk = true"
            raise ScenarioError(msg)
        net = network(p, slices, availability=avail)
    except (SpecError, UnknownNameError) as err:
        msg = f"scenario {scenario.name or 'oil'!r}: {err}"
        raise ScenarioError(msg) from err
    return p, slices, net


def simulate(scenario: ScenarioLike) -> Result:
    """Run one oil scenario: overrides, events (outages, storms), optional capacity study.

    Parameters
    ----------
    scenario : ScenarioLike
        ``year``, ``overrides`` (parameters of :data:`PARAMS`), ``periods`` (months,
        default 12), ``events`` (element = arc id; ``days`` cuts the month so
        the outage's first ``days`` days have the arc out; otherwise
        ``availability`` multiplies the arc's availability in those months) and
        ``options`` (see :data:`OPTIONS`).

    Returns
    -------
    Result
        Engine tables per slice (``flows``, ``utilisation``, ``storage``, ``supply``,
        ``prices``, ``bottlenecks``, with ``month``, ``duration_d`` and ``end_d``), plus
        per month ``monthly_flows``, ``delivered`` (terminal, ``delivered_kt``) and
        ``unmet`` (offered, shipped, ``unmet_kt`` per supply node), ``nodes`` (map
        positions) and, with ``study = "bottleneck_sequence"``, ``bottleneck_sequence``
        and ``sweep``. ``meta["model"] == "oil"``.

    Raises
    ------
    ScenarioError
        Unknown option, option value, event element or period; bad override.
    """
    try:
        opts = OPTIONS.resolve(scenario.options)
    except (SpecError, UnknownNameError) as err:
        raise ScenarioError(str(err)) from err
    if scenario.resolution not in (None, "month"):
        msg = f"resolution = {scenario.resolution!r}: model 'oil' supports 'month' only"
        raise ScenarioError(msg)
    months = 12 if scenario.periods is None else int(scenario.periods)
    if opts["study"] == Study.BACKCAST:
        overrides = backcast_overrides(int(scenario.year), dict(scenario.overrides))
        scenario = _Overridden(scenario, overrides)
    p, slices, net = _build(scenario, months)
    sol = solve(net, name=scenario.name or f"oil_{p.year}")
    tables = {
        name: slice_columns(merge_release_arcs(frame), slices)
        for name, frame in sol.tables.items()
        if name != "unmet"
    }
    tables.update(_monthly_tables(tables, slices))
    tables["nodes"] = _nodes(net)
    rows = _summary(p, tables)
    top = tables["bottlenecks"]
    meta: dict[str, Any] = {
        "model": "oil",
        "unit": "kt",
        "cost_unit": "USD/t",
        "year": int(p.year),
        "bottleneck": "" if top.empty else str(top.iloc[0]["element"]),
        "slices": [s.label for s in slices],
        "include_novorossiysk": p.include_novorossiysk,
        "reserve_rule": "cost: Supsa carries oil.cost.reserve_premium over Ceyhan",
    }
    if opts["study"] == Study.BACKCAST:
        calls = float(next(r[1] for r in rows if r[0] == "baku_tanker_calls_per_month"))
        tables["backcast"] = backcast_table(tables["monthly_flows"], calls)
        rows.append(("backcast_within", float(tables["backcast"]["within"].mean()), "share"))
    if opts["study"] == Study.BOTTLENECK_SEQUENCE:
        overrides = {k: v for k, v in scenario.overrides.items() if k != "kazakh_volume_mt_per_yr"}
        sequence, sweep = bottleneck_sequence(
            int(p.year),
            steps=opts["relief_steps"],
            volumes=opts["sweep_volumes_mt_per_yr"],
            months=months,
            **overrides,
        )
        tables["bottleneck_sequence"] = sequence
        tables["sweep"] = sweep
        if not sequence.empty:
            first = str(sequence["bottleneck"].iloc[0])
            rows.append(
                (
                    "route_capacity_mt_per_yr",
                    float(sequence["capacity_mt_per_yr"].iloc[0]),
                    "Mt/yr",
                    first,
                )
            )
            meta["first_bottleneck"] = first
    return Result(tables=tables, summary_table=summary_frame(rows), meta=meta)
