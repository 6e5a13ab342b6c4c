"""Figures of the oil route, drawn from a :class:`~corridor_sim.Result` of model ``"oil"`` only.

Also reachable as :mod:`corridor_sim.plotting.oil` (the name used before models became
packages).

``route_map`` (schematic map: arc width = yearly flow, colour = utilisation),
``monthly_flow_stack`` (delivered per terminal and unmet, per month),
``storage_levels`` (Sangachal tank level over time), ``sweep_curve`` (delivered
versus offered volume per relief stage, the bottleneck named at each knee) and
``figures`` (all of them, for ``corridor-sim run --out``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from corridor_sim.models.oil.network import VIA
from corridor_sim.plotting.maps import commodity_map
from corridor_sim.units import THOUSAND

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from corridor_sim.results.result import Result

__all__ = ["figures", "monthly_flow_stack", "route_map", "storage_levels", "sweep_curve"]

_TERMINAL_COLOURS = {"ceyhan": "tab:blue", "supsa": "tab:orange", "novorossiysk": "tab:green"}
_HIDDEN_ARCS = ("tank_in", "tank_out")


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def route_map(result: Result, ax: Axes | None = None) -> Axes:
    """Map of the route: arcs as lines whose width is the flow and colour the utilisation.

    The generic :func:`corridor_sim.plotting.maps.commodity_map` with the pipelines drawn
    through Tbilisi and the crude delivered at each terminal written beside it.

    Parameters
    ----------
    result : Result
        Output of the ``oil`` model (needs ``nodes``, ``flows`` and ``delivered``).
    ax : Axes, optional
        Where to draw; a new figure when missing.

    Returns
    -------
    Axes
    """
    ax = commodity_map(
        result,
        ax,
        via=VIA,
        hide=("world_market", "baku_tanks", *_HIDDEN_ARCS),
        offsets={"baku_supsa": 0.35},
        scale=THOUSAND,
        title=(
            f"Oil route {result.meta.get('year', '')}: flow over the horizon (width) "
            "and utilisation (colour)"
        ),
    )
    nodes = result.table("nodes").set_index("element")
    delivered = result.table("delivered").groupby("element")["delivered_kt"].sum() / THOUSAND
    for terminal, mt in delivered.items():
        if terminal in nodes.index:
            ax.annotate(
                f"delivered {mt:.2f} Mt",
                (nodes.loc[terminal, "lon"], nodes.loc[terminal, "lat"]),
                xytext=(-6, -4),
                ha="right",
                va="top",
                textcoords="offset points",
                fontsize=8,
                weight="bold",
                color=_TERMINAL_COLOURS.get(str(terminal), "black"),
            )
    return ax


def monthly_flow_stack(result: Result, ax: Axes | None = None) -> Axes:
    """Stacked bars per month: crude delivered at each terminal, plus what the route left behind.

    Returns
    -------
    Axes
    """
    ax = _axes(ax, (9.0, 4.5))
    delivered = result.table("delivered").pivot_table(
        index="period_label", columns="element", values="delivered_kt", aggfunc="sum", sort=False
    )
    unmet = result.table("unmet").pivot_table(
        index="period_label", values="unmet_kt", aggfunc="sum", sort=False
    )["unmet_kt"]
    labels = list(delivered.index)
    x = np.arange(len(labels))
    bottom = np.zeros(len(labels))
    for terminal in [c for c in delivered.columns if delivered[c].sum() > 0]:
        vals = delivered[terminal].to_numpy()
        ax.bar(
            x, vals, bottom=bottom, label=f"via {terminal}", color=_TERMINAL_COLOURS.get(terminal)
        )
        bottom += vals
    lost = unmet.reindex(labels).fillna(0).to_numpy()
    some = lost > 1e-6 * max(float(bottom.max()), 1)
    ax.bar(
        x[some],
        lost[some],
        bottom=bottom[some],
        label="offered, not shipped",
        color="white",
        edgecolor="red",
        hatch="//",
    )
    ax.set_ylim(0, 1.08 * max(float((bottom + lost).max()), 1))
    ax.set_xticks(x, labels, rotation=45, ha="right")
    ax.set_ylabel("crude per month (kt)")
    ax.set_title("Delivered per terminal and month")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
    return ax


def storage_levels(result: Result, ax: Axes | None = None) -> Axes:
    """Level of the Sangachal tank share over time (end of each period), with its capacity.

    Returns
    -------
    Axes
    """
    ax = _axes(ax, (9.0, 3.8))
    storage = result.storage
    if storage.empty:
        ax.text(0.5, 0.5, "no storage in this run", ha="center", transform=ax.transAxes)
        return ax
    for node, frame in storage.groupby("element"):
        ends = frame["end_d"].to_numpy(dtype=float)
        level = frame["level_kt"].to_numpy(dtype=float)
        xs = np.concatenate([[0.0], ends])
        ys = np.concatenate([[0.0], level])
        ax.plot(xs, ys, marker="o", ms=3, label=f"{node} level")
        ax.axhline(
            float(frame["capacity_kt"].iloc[0]), ls="--", color="grey", label=f"{node} capacity"
        )
    months = result.table("monthly_flows").drop_duplicates("period")[["period", "period_label"]]
    month_ends = storage.groupby("month")["end_d"].max()
    ticks = np.concatenate([[0.0], month_ends.to_numpy(dtype=float)])[:-1]
    ax.set_xticks(ticks, months["period_label"].tolist()[: len(ticks)], rotation=45, ha="right")
    ax.set_ylabel("tank level (kt)")
    ax.set_xlabel("start of month")
    ax.set_title("Kazakh crude in Sangachal tanks (end of each period)")
    ax.legend(fontsize=8)
    return ax


def sweep_curve(frame: pd.DataFrame | Result, ax: Axes | None = None) -> Axes:
    """Delivered versus offered volume, one curve per relief stage, each knee named.

    Parameters
    ----------
    frame : DataFrame or Result
        The ``sweep`` table of :func:`corridor_sim.models.oil.bottleneck_sequence`
        (columns ``stage``, ``relieved``, ``offered_mt_per_yr``, ``delivered_mt``,
        ``bottleneck``), or a Result holding it (then the ``bottleneck_sequence``
        table gives the knees).
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
    """
    sequence = None
    if not isinstance(frame, pd.DataFrame):
        sequence = frame.table("bottleneck_sequence")
        frame = frame.table("sweep")
    ax = _axes(ax, (8.0, 5.0))
    for stage, part in frame.groupby("stage"):
        part = part.sort_values("offered_mt_per_yr")
        relieved = str(part["relieved"].iloc[0])
        label = f"stage {stage}: " + (f"relieved {relieved}" if relieved else "as is")
        ax.plot(part["offered_mt_per_yr"], part["delivered_mt"], marker=".", label=label)
        if sequence is not None and stage in set(sequence["stage"]):
            row = sequence.set_index("stage").loc[stage]
            knee, cap, name = (
                row["first_shortfall_mt_per_yr"],
                row["capacity_mt_per_yr"],
                row["bottleneck"],
            )
        else:
            short = part[part["delivered_mt"] < part["offered_mt"] * (1 - 1e-6)]
            if short.empty:
                continue
            knee = cap = float(part["delivered_mt"].max())
            name = str(short["bottleneck"].iloc[0])
        ax.plot([knee], [min(knee, cap)], "kv", ms=8)
        ax.annotate(
            f"{name}\n{cap:.2f} Mt/yr",
            (knee, min(knee, cap)),
            xytext=(-10, 10),
            textcoords="offset points",
            fontsize=8,
            ha="right",
        )
    lim = float(frame["offered_mt_per_yr"].max())
    low = max(float(frame["offered_mt_per_yr"].min()), 1e-3)
    ax.plot([low, lim], [low, lim], color="grey", ls=":", label="delivered = offered")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("Kazakh crude offered to the route (Mt/yr)")
    ax.set_ylabel("delivered at Ceyhan + Supsa (Mt)")
    ax.set_title("Capacity study: bottleneck at each knee, relieved in turn")
    ax.legend(fontsize=7, loc="upper left")
    return ax


def figures(result: Result) -> dict[str, Figure]:
    """All oil figures for `result`, keyed by file stem (``oil_route_map`` ...)."""
    out: dict[str, Figure] = {}
    for stem, func in (
        ("oil_route_map", route_map),
        ("oil_monthly_flows", monthly_flow_stack),
        ("oil_storage", storage_levels),
    ):
        out[stem] = func(result).figure
    if "sweep" in result.tables and not result.table("sweep").empty:
        out["oil_sweep"] = sweep_curve(result).figure
    return out
