"""Figures of the Middle Corridor, drawn from a Result of model ``"middle_corridor"`` only.

``corridor_map`` (the generic commodity map with human names), ``monthly_flows`` (flow per
link and month), ``sweep_curve`` (delivered versus offered, the bottleneck at each knee) and
``transit_histogram`` (tonnes by route transit time).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from corridor_sim.plotting.maps import commodity_map
from corridor_sim.results.result import Result
from corridor_sim.units import THOUSAND

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["corridor_map", "figures", "monthly_flows", "sweep_curve", "transit_histogram"]

#: Okabe–Ito colours (colour-blind safe).
_OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
_SHOWN = ("kuryk_ferries", "aktau_ferries", "cargo_ships", "alat_port", "btk", "black_sea_ports")


def _name(result: Result) -> str:
    return str(result.meta.get("scenario") or result.meta.get("name") or "middle corridor")


def _relabelled(result: Result) -> Result:
    """A copy whose node and arc ids are the human names (for the generic map's labels)."""
    labels = dict(result.meta.get("labels", {}))
    flows = result.flows.copy()
    for col in ("element", "source", "target"):
        flows[col] = flows[col].map(lambda x: labels.get(x, x))
    nodes = result.table("nodes").copy()
    nodes["element"] = nodes["element"].map(lambda x: labels.get(x, x))
    return Result(tables={"flows": flows, "nodes": nodes}, meta=dict(result.meta))


def corridor_map(result: Result, ax: Axes | None = None) -> Axes:
    """The corridor on the generic commodity map: width = freight moved, colour = utilisation."""
    labels = dict(result.meta.get("labels", {}))
    hide = [labels.get("northern_route", "northern_route")]
    return commodity_map(
        _relabelled(result),
        ax,
        hide=hide,
        scale=THOUSAND,
        title=f"{_name(result)}: freight over the horizon (width, Mt) and utilisation (colour)",
    )


def monthly_flows(result: Result, ax: Axes | None = None) -> Axes:
    """Freight per month on the main links (kt), one line per link."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9.0, 4.5), layout="constrained")
    monthly = result.table("monthly_flows")
    for colour, arc in zip(_OKABE_ITO, _SHOWN, strict=False):
        part = monthly[monthly["element"] == arc]
        if part.empty or part["flow_kt"].abs().sum() <= 0:
            continue
        ax.plot(part["period_label"], part["flow_kt"], marker="o", color=colour, label=str(part["label"].iloc[0]))
    ax.set_ylabel("freight per month (kt)")
    ax.set_title(f"{_name(result)}: freight by link and month")
    ax.tick_params(axis="x", rotation=45, labelsize=8)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
    return ax


def sweep_curve(result: Result, ax: Axes | None = None) -> Axes:
    """Delivered versus offered corridor freight per relief stage, each knee named."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 5.0), layout="constrained")
    sweep, seq = result.table("sweep"), result.table("bottleneck_sequence").set_index("stage")
    labels = dict(result.meta.get("labels", {}))
    for colour, (stage, part) in zip(_OKABE_ITO, sweep.groupby("stage"), strict=False):
        part = part.sort_values("offered_mt_per_yr")
        ax.plot(part["offered_mt_per_yr"], part["delivered_mt"], marker=".", color=colour, label=f"stage {stage}")
        row = seq.loc[stage]
        names = " + ".join(labels.get(a, a) for a in str(row["bottleneck"]).split("+"))
        cap = float(row["capacity_mt_per_yr"])
        ax.plot([cap], [cap], "v", color=colour, ms=8)
        ax.annotate(f"{names}\n{cap:.1f} Mt/yr", (cap, cap), xytext=(-8, 8), textcoords="offset points", fontsize=8, ha="right")
    ax.set_xlabel("freight offered to the corridor (Mt/yr)")
    ax.set_ylabel("delivered to Europe (Mt)")
    ax.set_title(f"{_name(result)}: bottleneck sequence (each knee relieved in turn)")
    ax.legend(fontsize=8, loc="upper left")
    return ax


def transit_histogram(result: Result, ax: Axes | None = None) -> Axes:
    """Tonnes delivered by route transit time (days), corridor routes and the northern route."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 4.0), layout="constrained")
    tt = result.table("transit_times")
    by = tt.groupby(["element", "transit_d"], as_index=False)["flow_kt"].sum()
    north = by["element"].eq("northern_route")
    for colour, (mask, label) in zip(_OKABE_ITO, ((~north, "Middle Corridor routes"), (north, "northern route")), strict=False):
        part = by[mask]
        if part.empty:
            continue
        ax.bar(part["transit_d"], part["flow_kt"] / THOUSAND, width=0.35, color=colour, label=label)
    ax.set_xlabel("transit China -> Europe (days)")
    ax.set_ylabel("freight over the horizon (Mt)")
    ax.set_title(f"{_name(result)}: transit-time distribution")
    ax.legend(fontsize=8)
    return ax


def figures(result: Result) -> dict[str, Figure]:
    """All figures for `result` (file stem -> figure), for ``corridor-sim run --out``."""
    out = {
        "middle_corridor_map": corridor_map(result).figure,
        "middle_corridor_monthly_flows": monthly_flows(result).figure,
        "middle_corridor_transit_times": transit_histogram(result).figure,
    }
    if "sweep" in result.tables and not result.table("sweep").empty:
        out["middle_corridor_bottlenecks"] = sweep_curve(result).figure
    return out
