"""Headline figures of a Caspian corridor dispatch: the summary rows and their helpers.

Metric names are stable identifiers (no link id or hour in the name): which link binds
first and which hour a snapshot is go in the summary's ``element`` column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.models.caspian.fleets import FLEETS, HUBS
from corridor_sim.models.caspian.hourly import Hourly
from corridor_sim.models.caspian.network import ROUTE_OF, ROUTES, VIA
from corridor_sim.models.caspian.origin import Trace, category
from corridor_sim.models.caspian.params import HOURS_PER_WEEK
from corridor_sim.models.caspian.tables import at_limit
from corridor_sim.units import MWH_PER_GWH, MWH_PER_TWH, PERCENT

__all__ = [
    "EXPORT_LINKS",
    "az_green_export_share_pct",
    "az_new_green_export_share_pct",
    "default_snapshot_hours",
    "export_week",
    "first_binding",
    "origin_rows",
    "snapshot_rows",
    "summary_rows",
]

#: Links on the export routes (the Central Asian feeder kz_uz, the market ties and the
#: internal links excluded).
EXPORT_LINKS = (
    "caspian_cable", "az_ge", "ge_tr", "black_sea_cable", "tr_eu", "az_nakhchivan", "nakhchivan_tr",
)  # fmt: skip

_AC_LOSSES = "snapshot_ac_losses_mw"

#: A summary row: (metric, value, unit, element).
Row = tuple[str, float, str, str]


def first_binding(bottlenecks: pd.DataFrame) -> str:
    """Top-ranked export-route link that reached its limit at least once (or ``"none"``)."""
    hit = bottlenecks[
        (bottlenecks["binding_periods"] > 0) & bottlenecks["element"].isin(EXPORT_LINKS)
    ]
    return str(hit["element"].iloc[0]) if len(hit) else "none"


def _az(h: Hourly) -> tuple[list[str], list[str]]:
    az_hubs = list(FLEETS["az"][1])
    green = [c for c in h.available_mw.columns if c.split(".")[0] in az_hubs]
    return az_hubs, green


def az_green_export_share_pct(h: Hourly) -> float:
    """Share of Azerbaijan's wind+solar output that left the country, hour by hour (net).

    The first model's measure: each hour, Azerbaijan's net export counted green first after
    the thermal output above its own demand; every Azerbaijani green source counts.
    """
    az_hubs, green_cols = _az(h)
    gen = h.generation_mw
    green = gen[green_cols].sum(axis=1)
    thermal = gen[[c for c in gen.columns if c.startswith("az_rest.gas")]].sum(axis=1)
    demand = h.demand_mw[az_hubs].sum(axis=1) - h.unserved_mw[az_hubs].sum(axis=1)
    net_export = (green + thermal - demand).clip(lower=0.0)
    gas_backed = (thermal - demand).clip(lower=0.0)
    green_export = (net_export - gas_backed).clip(lower=0.0)
    total = float(green.sum())
    return float(green_export.sum()) / total * PERCENT if total > 0 else 0.0


def az_new_green_export_share_pct(h: Hourly, trace: Trace, new_share: float) -> float:
    """Return the seed's measure: share of the *new* green capacity directed to export (%).

    Azerbaijani wind and solar energy that leaves Azerbaijan (traced, over every border)
    divided by the output of the capacity added since 2026 (`new_share` of the fleet),
    the older plants serving home first; capped at 100 %. It is the share of the new
    capacity whose output is exported (``az.green.export_share``: "more than 70 percent").
    """
    az_ws = [c for c in trace.sources if c in ("az.wind", "az.solar")]
    cols = [trace.sources.index(c) for c in az_ws]
    leaving = [k for k in trace.mix if k != "az_nakhchivan"]  # the exclave is Azerbaijan
    left = sum(
        float(trace.mix[k][trace.sender[k].isin(["az", "nx"]).to_numpy()][:, cols].sum())
        for k in leaving
    )
    _, green_cols = _az(h)
    ws = [c for c in green_cols if c.split(".")[1] in ("wind", "solar")]
    new_output = float(h.generation_mw[ws].to_numpy().sum()) * new_share
    return min(PERCENT, left / new_output * PERCENT) if new_output > 0 else 0.0


def _traced(trace: Trace, links: Sequence[str]) -> dict[str, float]:
    """Energy (TWh) of the westward flow on `links` by category."""
    out = {"green": 0.0, "fossil": 0.0, "market": 0.0}
    for link in links:
        frame = trace.exports(link)
        for src, mwh in frame.sum().items():
            out[category(src)] += float(mwh) / MWH_PER_TWH
    return out


def origin_rows(
    h: Hourly, trace: Trace, p: Mapping[str, Any], cbam_eur_per_mwh: float
) -> list[Row]:
    """Summary rows of the exports' origin, the CBAM and the seed's 70 % export share."""
    rows: list[Row] = []
    links = list(ROUTE_OF)
    total = _traced(trace, links)
    exported = sum(total.values())
    share = total["green"] / exported * PERCENT if exported > 0 else float("nan")
    rows += [
        ("green_share_pct", share, "%", "+".join(links)),
        ("green_export_twh", total["green"], "TWh", "+".join(links)),
        ("fossil_export_twh", total["fossil"], "TWh", "+".join(links)),
        ("market_export_twh", total["market"], "TWh", "+".join(links)),
    ]
    for route, route_links in ROUTES.items():
        rows.append((f"green_share_{route}_pct", trace.green_share_pct(list(route_links)), "%",
                     "+".join(route_links)))  # fmt: skip
    thermal = float(h.generation_mw.get("az_rest.gas_export", pd.Series(0.0)).sum())
    rows.append(
        ("thermal_above_own_demand_twh", thermal / MWH_PER_TWH, "TWh", "az_rest.gas_export")
    )
    rows.append(("cbam_charge_meur", thermal * cbam_eur_per_mwh / MWH_PER_TWH, "MEUR", ""))
    limit = at_limit(h)
    green_cols = [s for s in trace.sources if category(s) == "green"]
    congested = sum(float(trace.exports(k)[green_cols].sum(axis=1)[limit[k]].sum()) for k in links)
    green_mwh = total["green"] * MWH_PER_TWH
    rows.append(("cbam_congested_green_share_pct",
                 congested / green_mwh * PERCENT if green_mwh > 0 else 0.0, "%", ""))  # fmt: skip
    new_mw = p["az_green_mw"] - value("caspian.az.green_today", unit="MW")
    new_share = max(0.0, new_mw) / p["az_green_mw"] if p["az_green_mw"] > 0 else 0.0
    rows += [
        ("az_new_green_mw", new_mw, "MW", ""),
        (
            "az_new_green_export_share_pct",
            az_new_green_export_share_pct(h, trace, new_share),
            "%",
            "",
        ),
        ("az_green_export_share_target_pct", value("az.green.export_share", unit="%"), "%", ""),
    ]
    return rows


def summary_rows(h: Hourly, bottlenecks: pd.DataFrame) -> list[Row]:
    """Return the summary of one dispatch (exports by route, curtailment, first binding link)."""
    via = {k: float(h.flow_mw[k].clip(lower=0).sum()) / MWH_PER_TWH for k in ROUTE_OF}
    route_twh = {r: sum(via[k] for k in links) for r, links in ROUTES.items()}
    available = float(h.available_mw.sum().sum())
    curtailed = float(h.curtailed_mw.sum().sum())
    intake = h.europe_intake_mw
    first = first_binding(bottlenecks)
    first_row = bottlenecks[bottlenecks["element"] == first]
    total = sum(route_twh.values())
    limit = at_limit(h)
    return [
        ("exported_twh", total, "TWh", "+".join(ROUTE_OF)),
        *((f"export_{r}_twh", v, "TWh", "+".join(ROUTES[r])) for r, v in route_twh.items()),
        *(
            (f"export_share_{r}_pct", v / total * PERCENT if total else 0.0, "%",
             "+".join(ROUTES[r]))
            for r, v in route_twh.items()
        ),
        *((f"export_via_{VIA[k]}_twh", v, "TWh", k) for k, v in via.items()),
        *((f"hours_at_limit_via_{VIA[k]}", float(limit[k].sum()), "h", k) for k in via),
        ("europe_intake_twh", float(intake.sum()) / MWH_PER_TWH, "TWh", "europe"),
        ("europe_intake_value_meur",
         float((intake * h.europe_price_eur_per_mwh).sum()) / MWH_PER_TWH, "MEUR", "europe"),
        ("europe_price_mean_eur_per_mwh", float(h.europe_price_eur_per_mwh.mean()), "EUR/MWh",
         "europe"),
        ("green_available_twh", available / MWH_PER_TWH, "TWh", ""),
        ("curtailed_twh", curtailed / MWH_PER_TWH, "TWh", ""),
        ("curtailed_pct", curtailed / available * PERCENT if available else 0.0, "%", ""),
        ("unserved_gwh", float(h.unserved_mw.sum().sum()) / MWH_PER_GWH, "GWh", ""),
        ("az_green_export_share_pct", az_green_export_share_pct(h), "%", ""),
        (
            "first_binding_link_hours_at_limit",
            float(first_row["binding_periods"].iloc[0]) if len(first_row) else 0.0,
            "h",
            first,
        ),
        ("objective_meur", h.objective_eur / MWH_PER_TWH, "MEUR", ""),
        ("hours", float(len(h.flow_mw)), "h", ""),
    ]  # fmt: skip


def export_week(h: Hourly) -> int:
    """0-based week whose hourly export varies most (the most telling export stack)."""
    total = sum(h.flow_mw[link].clip(lower=0) for link in ROUTE_OF)
    weeks = np.asarray(total.index) // HOURS_PER_WEEK
    spread = pd.Series(total.to_numpy()).groupby(weeks).std().fillna(0.0)
    return int(spread.idxmax())


def default_snapshot_hours(h: Hourly) -> dict[str, int]:
    """Return the hours of peak export (both routes) and of peak demand (all hubs), by role."""
    total = sum(h.flow_mw[link].clip(lower=0) for link in ROUTE_OF)
    demand = h.demand_mw[[c for c in h.demand_mw.columns if HUBS[c] not in ("eu", "ru", "ir")]]
    demand = demand.sum(axis=1)
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
