"""Headline figures of a Caspian corridor dispatch: the summary rows and their helpers.

Metric names are stable identifiers (no link id or hour in the name): which link binds
first and which hour a snapshot is go in the summary's ``element`` column.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.models.caspian.dispatch import Hourly
from corridor_sim.models.caspian.network import GAS_HUBS, HUBS, ROUTES
from corridor_sim.models.caspian.params import HOURS_PER_WEEK
from corridor_sim.units import MWH_PER_GWH, MWH_PER_TWH, PERCENT

__all__ = [
    "EXPORT_LINKS",
    "az_green_export_share_pct",
    "default_snapshot_hours",
    "export_week",
    "first_binding",
    "snapshot_rows",
    "summary_rows",
]

#: Links on the export routes (the Central Asian feeder kz_uz and internal links excluded).
EXPORT_LINKS = ("caspian_cable", "az_ge", "ge_tr", "black_sea_cable", "tr_eu")

_AC_LOSSES = "snapshot_ac_losses_mw"

#: A summary row: (metric, value, unit, element).
Row = tuple[str, float, str, str]


def first_binding(bottlenecks: pd.DataFrame) -> str:
    """Top-ranked export-route link that reached its limit at least once (or ``"none"``)."""
    hit = bottlenecks[
        (bottlenecks["binding_periods"] > 0) & bottlenecks["element"].isin(EXPORT_LINKS)
    ]
    return str(hit["element"].iloc[0]) if len(hit) else "none"


def az_green_export_share_pct(h: Hourly) -> float:
    """Share of Azerbaijan's wind+solar output that left the country (not gas-backed)."""
    az_hubs = [hub for hub, c in HUBS.items() if c == "az"]
    gen = h.generation_mw
    green_cols = [c for c in h.available_mw.columns if c.split(".")[0] in az_hubs]
    green = gen[green_cols].sum(axis=1)
    gas = gen[f"{GAS_HUBS['az']}.gas"]
    demand = h.demand_mw[az_hubs].sum(axis=1) - h.unserved_mw[az_hubs].sum(axis=1)
    net_export = (green + gas - demand).clip(lower=0.0)
    gas_backed = (gas - demand).clip(lower=0.0)
    green_export = (net_export - gas_backed).clip(lower=0.0)
    total = float(green.sum())
    return float(green_export.sum()) / total * PERCENT if total > 0 else 0.0


def summary_rows(h: Hourly, bottlenecks: pd.DataFrame) -> list[Row]:
    """Return the summary of one dispatch (exports by route, curtailment, first binding link)."""
    route_twh = {
        r: float(h.flow_mw[link].clip(lower=0).sum()) / MWH_PER_TWH for r, link in ROUTES.items()
    }
    available = float(h.available_mw.sum().sum())
    curtailed = float(h.curtailed_mw.sum().sum())
    sink = -float(h.generation_mw["europe.sink"].sum())
    first = first_binding(bottlenecks)
    first_row = bottlenecks[bottlenecks["element"] == first]
    total = sum(route_twh.values())
    return [
        ("exported_twh", total, "TWh", ""),
        *((f"export_{r}_twh", v, "TWh", ROUTES[r]) for r, v in route_twh.items()),
        *(
            (f"export_share_{r}_pct", v / total * PERCENT if total else 0.0, "%", ROUTES[r])
            for r, v in route_twh.items()
        ),
        ("europe_intake_twh", sink / MWH_PER_TWH, "TWh", "europe"),
        ("green_available_twh", available / MWH_PER_TWH, "TWh", ""),
        ("curtailed_twh", curtailed / MWH_PER_TWH, "TWh", ""),
        ("curtailed_pct", curtailed / available * PERCENT if available else 0.0, "%", ""),
        ("unserved_gwh", float(h.unserved_mw.sum().sum()) / MWH_PER_GWH, "GWh", ""),
        ("az_green_export_share_pct", az_green_export_share_pct(h), "%", ""),
        ("az_green_export_share_target_pct", value("az.green.export_share", unit="%"), "%", ""),
        (
            "first_binding_link_hours_at_limit",
            float(first_row["binding_periods"].iloc[0]) if len(first_row) else 0.0,
            "h",
            first,
        ),
        ("objective_meur", h.objective_eur / MWH_PER_TWH, "MEUR", ""),
        ("hours", float(len(h.flow_mw)), "h", ""),
    ]


def export_week(h: Hourly) -> int:
    """0-based week whose hourly export varies most (the most telling export stack)."""
    total = sum(h.flow_mw[link].clip(lower=0) for link in ROUTES.values())
    weeks = np.asarray(total.index) // HOURS_PER_WEEK
    spread = pd.Series(total.to_numpy()).groupby(weeks).std().fillna(0.0)
    return int(spread.idxmax())


def default_snapshot_hours(h: Hourly) -> dict[str, int]:
    """Return the hours of peak export (both routes) and of peak demand (all hubs), by role."""
    total = sum(h.flow_mw[link].clip(lower=0) for link in ROUTES.values())
    demand = h.demand_mw.sum(axis=1)
    return {
        "peak_export": int(total.to_numpy().argmax()),
        "peak_demand": int(demand.to_numpy().argmax()),
    }


def snapshot_rows(snapshots: pd.DataFrame, roles: dict[str, int]) -> list[Row]:
    """``<role>_snapshot_ac_losses_mw`` per snapshot role, the hour in ``element``.

    The AC losses are the line and HVDC losses of pandapower's AC power flow at that hour.
    Roles are ``peak_export`` and ``peak_demand`` for the default hours, ``snapshot_1``,
    ``snapshot_2``, ... for hours the user chose (in the order given).
    """
    branches = snapshots[(snapshots["method"] == "ac") & (snapshots["element_type"] != "bus")]
    losses = branches.groupby("hour")["pl_mw"].sum()
    rows: list[Row] = []
    for role, hour in roles.items():
        name = f"{role}_ac_losses_mw" if role.startswith("snapshot_") else f"{role}_{_AC_LOSSES}"
        rows.append((name, float(losses.get(hour, np.nan)), "MW", f"hour {hour}"))
    return rows


def snapshot_roles(snapshot_hours: Sequence[int] | None, h: Hourly) -> dict[str, int]:
    """Role -> hour of each snapshot: the defaults by role, else the given hours in order."""
    if snapshot_hours is None:
        return default_snapshot_hours(h)
    return {f"snapshot_{i}": int(t) for i, t in enumerate(snapshot_hours, start=1)}
