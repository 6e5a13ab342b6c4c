"""Capacity studies of the Middle Corridor: bottleneck sequence with knees, upgrade options."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.engines.commodity import CommodityNetwork, solve
from corridor_sim.models.middle_corridor.network import SINK, SOURCE, make_slices, network
from corridor_sim.models.middle_corridor.params import PARAMS
from corridor_sim.models.toolkit.commodity import period_max_flows
from corridor_sim.units import THOUSAND, days_in_year

__all__ = ["UPGRADES", "bottleneck_sequence", "corridor_capacity", "upgrades", "volume_sweep"]

#: Upgrade cases: name -> overrides (BTK and Alat from the seeds, new ferries on the Kuryk line).
UPGRADES: dict[str, dict[str, Any]] = {
    "btk_1_alat_15": {"btk_upgraded": False, "alat_expanded": False},
    "btk_5_alat_15": {"btk_upgraded": True, "alat_expanded": False},
    "btk_1_alat_25": {"btk_upgraded": False, "alat_expanded": True},
    "btk_5_alat_25": {"btk_upgraded": True, "alat_expanded": True},
    "btk_5_alat_15_ferries_4": {"btk_upgraded": True, "new_ferries": 4},
    "btk_5_alat_25_ferries_8": {"btk_upgraded": True, "alat_expanded": True, "new_ferries": 8},
}


def _corridor_only(net: CommodityNetwork) -> CommodityNetwork:
    return net.with_arc("northern_route", capacity=0.0)


def corridor_capacity(
    year: int,
    *,
    relieve: Iterable[str] = (),
    months: int = 12,
    **overrides: Any,  # noqa: ANN401
) -> dict[str, Any]:
    """Largest yearly corridor volume (Mt/yr) from monthly max flows, with the usual min cut."""
    p = PARAMS.resolve(year, overrides)
    slices = make_slices(year, months)
    net = _corridor_only(network(p, slices, relieve=relieve))
    values, cuts = period_max_flows(net, SOURCE, SINK)
    if np.isinf(values).any():
        return {
            "capacity_mt_per_yr": math.inf,
            "first_shortfall_mt_per_yr": math.inf,
            "cut_arcs": (),
        }
    per_day = values / np.array([s.days for s in slices])
    days = sum(s.days for s in slices)
    return {
        "capacity_mt_per_yr": float(values.sum()) / THOUSAND * days_in_year(year) / days,
        "first_shortfall_mt_per_yr": float(per_day.min()) * days_in_year(year) / THOUSAND,
        "cut_arcs": Counter(cuts).most_common(1)[0][0],
    }


def volume_sweep(
    year: int,
    volumes: Sequence[float],
    *,
    relieve: Iterable[str] = (),
    months: int = 12,
    **overrides: Any,  # noqa: ANN401
) -> pd.DataFrame:
    """Delivered corridor freight for each offered volume (northern route closed to the sweep)."""
    rows = []
    base = {k: v for k, v in overrides.items() if k != "corridor_volume_mt_per_yr"}
    slices = make_slices(year, months)
    for vol in volumes:
        p = PARAMS.resolve(
            year, {**base, "corridor_volume_mt_per_yr": float(vol), "northern_shift_share": 0.0}
        )
        sol = solve(network(p, slices, relieve=relieve), name=f"mc_sweep_{vol:g}")
        flows = sol.flows.groupby("element")["flow_kt"].sum()
        delivered = float(flows.get("turkish_rail", 0) + flows.get("black_sea_ports", 0)) / THOUSAND
        offered = float(sol.tables["supply"]["available_kt"].sum()) / THOUSAND
        top = sol.bottlenecks
        rows.append(
            (
                float(vol),
                offered,
                delivered,
                max(offered - delivered, 0.0),
                "" if top.empty else str(top.iloc[0]["element"]),
            )
        )
    return pd.DataFrame(
        rows, columns=["offered_mt_per_yr", "offered_mt", "delivered_mt", "unmet_mt", "bottleneck"]
    )


def bottleneck_sequence(
    year: int,
    *,
    steps: int = 4,
    volumes: Sequence[float] | None = None,
    months: int = 12,
    **overrides: Any,  # noqa: ANN401
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Find the corridor's bottleneck (min cut), relieve it, find the next, and so on.

    Returns
    -------
    (sequence, sweep)
        `sequence`: ``stage, relieved, bottleneck, capacity_mt_per_yr, capacity_teu_per_yr,
        first_shortfall_mt_per_yr``; `sweep`: :func:`volume_sweep` rows with ``stage``.
    """
    relieved: list[str] = []
    rows = []
    tpt = PARAMS.resolve(year, overrides).mixed_t_per_teu
    for stage in range(steps):
        cap = corridor_capacity(year, relieve=relieved, months=months, **overrides)
        if not math.isfinite(cap["capacity_mt_per_yr"]) or not cap["cut_arcs"]:
            break
        rows.append(
            (
                stage,
                "+".join(relieved),
                "+".join(cap["cut_arcs"]),
                cap["capacity_mt_per_yr"],
                cap["capacity_mt_per_yr"] * 1e6 / tpt,
                cap["first_shortfall_mt_per_yr"],
            )
        )
        relieved = [*relieved, *cap["cut_arcs"]]
    cols = [
        "stage",
        "relieved",
        "bottleneck",
        "capacity_mt_per_yr",
        "capacity_teu_per_yr",
        "first_shortfall_mt_per_yr",
    ]
    sequence = pd.DataFrame(rows, columns=cols)
    if volumes is None:
        top = float(sequence["capacity_mt_per_yr"].max()) if len(sequence) else 10.0
        volumes = [round(float(v), 3) for v in np.geomspace(0.5, 1.5 * top, 14)]
    frames = []
    for row in sequence.itertuples(index=False):
        relieve = [a for a in row.relieved.split("+") if a]
        frame = volume_sweep(year, volumes, relieve=relieve, months=months, **overrides)
        frame.insert(0, "stage", row.stage)
        frame.insert(1, "relieved", row.relieved)
        frames.append(frame)
    return sequence, (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame())


def upgrades(year: int, *, months: int = 12, **overrides: Any) -> pd.DataFrame:  # noqa: ANN401
    """Corridor capacity under each case of :data:`UPGRADES` (BTK 1/5, Alat 15/25, new ferries)."""
    rows = []
    for name, case in UPGRADES.items():
        cap = corridor_capacity(year, months=months, **{**overrides, **case})
        rows.append((name, cap["capacity_mt_per_yr"], "+".join(cap["cut_arcs"])))
    frame = pd.DataFrame(rows, columns=["case", "capacity_mt_per_yr", "bottleneck"])
    frame["gain_mt_per_yr"] = frame["capacity_mt_per_yr"] - float(
        frame["capacity_mt_per_yr"].iloc[0]
    )
    return frame
