"""One Middle Corridor scenario: options and events -> the network -> the engine -> tidy tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.engines.commodity import solve
from corridor_sim.errors import ScenarioError, SpecError, UnknownNameError
from corridor_sim.models.base import ScenarioLike
from corridor_sim.models.middle_corridor.network import (
    ARCS,
    LABELS,
    arc_days,
    make_slices,
    network,
    paths,
)
from corridor_sim.models.middle_corridor.params import PARAMS
from corridor_sim.models.middle_corridor.study import bottleneck_sequence, upgrades
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
from corridor_sim.units import PERCENT, THOUSAND

__all__ = ["OPTIONS", "Study", "simulate", "transit_times"]


class Study(StrEnum):
    """Extra study a scenario can ask for with ``options.study``."""

    NONE = "none"
    BOTTLENECK_SEQUENCE = "bottleneck_sequence"
    UPGRADES = "upgrades"


OPTIONS = OptionTable(
    "middle_corridor",
    [
        Option(
            "study",
            "str",
            (
                "'none', 'bottleneck_sequence' (relieve each bottleneck in turn) or "
                "'upgrades' (BTK, Alat, new ferries)"
            ),
            default=Study.NONE.value,
            choices=tuple(s.value for s in Study),
        ),
        Option(
            "sweep_volumes_mt_per_yr",
            "float_list",
            "offered volumes (Mt/yr) for the delivered-versus-offered curves",
            minimum=0.0,
            example="[1, 2, 4, 8]",
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


def transit_times(flows: pd.DataFrame, p: ParamValues) -> pd.DataFrame:
    """Split each period's flows into routes (largest first) and give each route's transit days.

    Returns
    -------
    DataFrame
        ``period``, ``element`` (route: arc ids joined by ``>``), ``transit_d``, ``flow_kt``.
    """
    days = arc_days(p)
    rows = []
    for period, part in flows.groupby("period"):
        left = part.groupby("element")["flow_kt"].sum().to_dict()
        while True:
            best = max(paths(), key=lambda path: min(left.get(a, 0.0) for a in path))
            amount = min(left.get(a, 0.0) for a in best)
            if amount <= 1e-6:
                break
            for a in best:
                left[a] -= amount
            rows.append((int(period), ">".join(best), sum(days[a] for a in best), amount))
    return pd.DataFrame(rows, columns=["period", "element", "transit_d", "flow_kt"])


def _weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    if w.sum() <= 0:
        return float("nan")
    order = np.argsort(x)
    cum = np.cumsum(w[order]) / w.sum()
    return float(x[order][np.searchsorted(cum, q)])


def _summary(p: ParamValues, tables: Mapping[str, pd.DataFrame]) -> list[tuple]:
    flows = tables["flows"].groupby("element")["flow_kt"].sum() / THOUSAND
    offered = float(tables["supply"]["available_kt"].sum()) / THOUSAND
    corridor = float(flows.get("turkish_rail", 0) + flows.get("black_sea_ports", 0))
    northern = float(flows.get("northern_route", 0))
    tt = tables["transit_times"]
    mc = tt[~tt["element"].eq("northern_route")]
    x, w = mc["transit_d"].to_numpy(float), mc["flow_kt"].to_numpy(float)
    top = tables["bottlenecks"]
    teu = p.mixed_t_per_teu / THOUSAND / THOUSAND
    rows = [
        ("offered_mt", offered, "Mt"),
        ("corridor_delivered_mt", corridor, "Mt", "europe"),
        ("corridor_delivered_teu", corridor / teu, "TEU", "europe"),
        ("northern_route_mt", northern, "Mt", "northern_route"),
        ("unmet_mt", max(offered - corridor - northern, 0.0), "Mt"),
        ("via_btk_mt", float(flows.get("btk", 0)), "Mt", "btk"),
        ("via_black_sea_mt", float(flows.get("black_sea_ports", 0)), "Mt", "black_sea_ports"),
        (
            "caspian_ferries_mt",
            float(flows.get("aktau_ferries", 0) + flows.get("kuryk_ferries", 0)),
            "Mt",
            "kuryk_ferries",
        ),
        ("caspian_ships_mt", float(flows.get("cargo_ships", 0)), "Mt", "cargo_ships"),
        ("transit_mean_d", float((x * w).sum() / w.sum()) if w.sum() > 0 else float("nan"), "d"),
        ("transit_p10_d", _weighted_quantile(x, w, 0.1), "d"),
        ("transit_p90_d", _weighted_quantile(x, w, 0.9), "d"),
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
    return rows


def _build(scenario: ScenarioLike, months: int) -> tuple[ParamValues, list[Slice], Any]:
    try:
        p = PARAMS.resolve(int(scenario.year), dict(scenario.overrides))
        cuts = event_cuts(
            scenario.events, months, elements=ARCS, year=int(scenario.year), model="middle_corridor"
        )
        slices = make_slices(int(scenario.year), months, cuts)
        net = network(p, slices, availability=event_availability(scenario.events, slices))
    except (SpecError, UnknownNameError) as err:
        msg = f"scenario {scenario.name or 'middle_corridor'!r}: {err}"
        raise ScenarioError(msg) from err
    return p, slices, net


def _monthly(flows: pd.DataFrame, slices: Sequence[Slice]) -> pd.DataFrame:
    monthly = by_period(flows, slices, sums={"flow_kt": "flow_kt", "capacity_kt": "capacity_kt"})
    cap = monthly["capacity_kt"].where(
        np.isfinite(monthly["capacity_kt"]) & (monthly["capacity_kt"] > 0)
    )
    monthly["utilisation_pct"] = PERCENT * monthly["flow_kt"] / cap
    monthly["label"] = monthly["element"].map({k: v[2] for k, v in ARCS.items()})
    return monthly


def simulate(scenario: ScenarioLike) -> Result:
    """Run one Middle Corridor scenario (events: storms on the ferries, a cut northern route).

    Returns
    -------
    Result
        Engine tables per slice, ``monthly_flows``, ``transit_times``, ``nodes`` and, with a
        study, ``bottleneck_sequence`` and ``sweep`` or ``upgrades``. ``meta["model"] ==
        "middle_corridor"``.

    Raises
    ------
    ScenarioError
        Unknown option, event element or period; a bad override.
    """
    try:
        opts = OPTIONS.resolve(scenario.options)
    except (SpecError, UnknownNameError) as err:
        raise ScenarioError(str(err)) from err
    if scenario.resolution not in (None, "month"):
        msg = f"resolution = {scenario.resolution!r}: model 'middle_corridor' supports 'month' only"
        raise ScenarioError(msg)
    months = 12 if scenario.periods is None else int(scenario.periods)
    p, slices, net = _build(scenario, months)
    sol = solve(net, name=scenario.name or f"middle_corridor_{p.year}")
    tables = {name: slice_columns(frame, slices) for name, frame in sol.tables.items()}
    tables["monthly_flows"] = _monthly(tables["flows"], slices)
    tables["transit_times"] = transit_times(tables["flows"], p)
    tables["nodes"] = nodes_table(net)
    rows = _summary(p, tables)
    top = tables["bottlenecks"]
    top = top[top["element"] != "northern_route"]
    meta: dict[str, Any] = {
        "model": "middle_corridor",
        "unit": "kt",
        "cost_unit": "USD/t",
        "year": int(p.year),
        "scenario": scenario.name or "",
        "bottleneck": "" if top.empty else str(top.iloc[0]["element"]),
        "mixed_t_per_teu": float(p.mixed_t_per_teu),
        "labels": {**LABELS, **{k: v[2] for k, v in ARCS.items()}},
    }
    study_overrides = {
        k: v for k, v in scenario.overrides.items() if k != "corridor_volume_mt_per_yr"
    }
    if opts["study"] == Study.BOTTLENECK_SEQUENCE:
        sequence, sweep = bottleneck_sequence(
            int(p.year),
            steps=opts["relief_steps"],
            volumes=opts["sweep_volumes_mt_per_yr"],
            months=months,
            **study_overrides,
        )
        tables["bottleneck_sequence"], tables["sweep"] = sequence, sweep
        if not sequence.empty:
            first = str(sequence["bottleneck"].iloc[0])
            rows.append(
                (
                    "corridor_capacity_mt_per_yr",
                    float(sequence["capacity_mt_per_yr"].iloc[0]),
                    "Mt/yr",
                    first,
                )
            )
            meta["first_bottleneck"] = first
    if opts["study"] == Study.UPGRADES:
        tables["upgrades"] = upgrades(int(p.year), months=months, **study_overrides)
    return Result(tables=tables, summary_table=summary_frame(rows), meta=meta)
