"""Figures of the oil route, drawn from a :class:`~corridor_sim.Result` of model ``"oil"`` only.

Also reachable as :mod:`corridor_sim.plotting.oil` (the name used before models became
packages).

``route_map`` (the route on the basemap: arc width = crude moved, colour = utilisation,
crude delivered at each terminal), ``monthly_flow_stack`` (delivered per terminal and what
was offered but not shipped, per month), ``storage_levels`` (Aktau and Sangachal tank
levels over time), ``sweep_curve`` (delivered versus offered volume per relief stage, the
bottleneck named at each knee) and ``figures`` (those with something to show, for
``corridor-sim run --out``). Every figure follows the house style
(:mod:`corridor_sim.plotting.style`): colour-blind-safe colours, text of 8 pt or more,
the scenario in the title, units on the axes, human names instead of ids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridor_sim.models.oil import CORRIDOR
from corridor_sim.models.oil.hook import STORES, VIA
from corridor_sim.plotting.labels import place_labels, stage_curves
from corridor_sim.plotting.layout import place_legend
from corridor_sim.plotting.maps import commodity_map
from corridor_sim.plotting.style import (
    CATEGORICAL,
    FONT_PT,
    axes_or_new,
    figure_of,
    figure_title,
    style_context,
    time_axis,
    time_values,
)
from corridor_sim.units import THOUSAND

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from corridor_sim.results.result import Result

__all__ = [
    "ARC_NAMES",
    "figures",
    "has_storage",
    "monthly_flow_stack",
    "route_map",
    "storage_levels",
    "sweep_curve",
]

#: Terminal -> (name in legends and labels, Okabe–Ito colour).
_TERMINALS: dict[str, tuple[str, str]] = {
    "ceyhan": ("Ceyhan (BTC)", CATEGORICAL[0]),
    "makhachkala": ("Makhachkala", CATEGORICAL[2]),
    "supsa": ("Supsa (Baku–Supsa)", CATEGORICAL[1]),
    "novorossiysk": ("Novorossiysk (CPC)", CATEGORICAL[4]),
}
_UNMET_COLOUR = CATEGORICAL[3]
#: Short display names of the arcs (maps, knees of the capacity study): arcs.csv's ``name``.
ARC_NAMES: dict[str, str] = CORRIDOR.topology.names
_STORE_NAMES = {"baku_tanks": "Sangachal tanks (Kazakh share)", "aktau_tanks": "Aktau tanks"}
#: Below this level (kt) a tank counts as unused.
_EMPTY_KT = 1e-6


def _names(arcs: str) -> str:
    """``"tanker_lane+aktau_loading"`` in words: ``"tankers Aktau–Baku + Aktau oil berths"``."""
    return " + ".join(ARC_NAMES.get(a, a.replace("_", " ")) for a in arcs.split("+") if a)


def route_map(result: Result, ax: Axes | None = None) -> Axes:
    """Map of the route on the basemap: width = crude moved, colour = utilisation.

    The generic :func:`corridor_sim.plotting.maps.commodity_map` with the pipelines drawn
    through Tbilisi, the tanks left out (:func:`storage_levels` shows them) and the crude
    delivered at each terminal written beside it (placed clear of the other labels). Arcs
    that can carry nothing are not in the network (Kuryk crude loading today, reinforcement
    tankers not ordered: :func:`corridor_sim.models.oil.hook.idle`).

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
    with style_context():
        ax = commodity_map(
            result,
            ax,
            via=VIA,
            hide=("world_market", *STORES),
            offsets={"baku_supsa": 0.35},
            names=ARC_NAMES,
            title="Oil route: crude moved over the horizon (line width) and utilisation (colour)",
        )
        nodes = result.table("nodes").set_index("element")
        delivered = result.table("delivered").groupby("element")["delivered_kt"].sum() / THOUSAND
        for terminal, (_, colour) in _TERMINALS.items():
            if terminal not in delivered.index or terminal not in nodes.index:
                continue
            place_labels(
                ax,
                [(float(nodes.loc[terminal, "lon"]), float(nodes.loc[terminal, "lat"]))],
                [f"delivered {delivered[terminal]:.2f} Mt"],
                fontsize=FONT_PT["annotation"],
                weight="bold",
                bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": colour, "lw": 1.5},
            )
    return ax


def monthly_flow_stack(result: Result, ax: Axes | None = None) -> Axes:
    """Stacked bars per month: crude delivered at each terminal, plus what was left behind.

    "Offered, not shipped" appears (bars and legend) only in a run that left crude behind.

    Returns
    -------
    Axes
    """
    with style_context():
        ax = axes_or_new(ax, (9.0, 4.5))
        table = result.table("delivered")
        index = "snapshot" if "snapshot" in table else "period"
        delivered = table.pivot_table(
            index=index, columns="element", values="delivered_kt", aggfunc="sum"
        )
        unmet = result.table("unmet")
        lost = (
            unmet.pivot_table(index=index, values="unmet_kt", aggfunc="sum")["unmet_kt"]
            .reindex(delivered.index)
            .fillna(0.0)
            .to_numpy(dtype=float)
        )
        x, dated = time_values(delivered.index.to_frame(index=False))
        width = _bar_width_d(x) if dated else 0.8
        bottom = np.zeros(len(delivered))
        for terminal, (name, colour) in _TERMINALS.items():
            if terminal not in delivered or not delivered[terminal].sum() > 0:
                continue
            values = delivered[terminal].to_numpy(dtype=float)
            ax.bar(x, values, bottom=bottom, width=width, label=f"via {name}", color=colour)
            bottom += values
        some = lost > 1e-6 * max(float(bottom.max(initial=0.0)), 1.0)
        if some.any():
            ax.bar(
                x[some],
                lost[some],
                bottom=bottom[some],
                width=np.asarray(width)[some] if np.ndim(width) else width,
                label="offered, not shipped",
                color="white",
                edgecolor=_UNMET_COLOUR,
                hatch="//",
            )
        ax.set_ylim(0, 1.08 * max(float((bottom + np.where(some, lost, 0)).max(initial=0.0)), 1.0))
        time_axis(ax, dated=dated, step="month")
        ax.set_ylabel("crude per month (kt)")
        what = "Crude delivered per terminal and month"
        if not some.any():
            what += " (all offered crude shipped)"
        ax.set_title(figure_title(result, what))
        ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    return ax


def _bar_width_d(stamps: pd.DatetimeIndex) -> np.ndarray:
    """Bar widths (days) of periods starting at `stamps`: 80 % of each period's length."""
    if len(stamps) < 2:
        return np.full(len(stamps), 0.8 * 30.4)
    days = np.diff(stamps.asi8) / 86_400e9
    return 0.8 * np.append(days, days[-1])


def has_storage(result: Result) -> bool:
    """Whether any tank of the run held crude at some point (else the storage figure is empty)."""
    storage = result.storage
    return not storage.empty and float(storage["level_kt"].max()) > _EMPTY_KT


def storage_levels(result: Result, ax: Axes | None = None) -> Axes:
    """Tank levels at Aktau and Sangachal over time (end of each period), with their capacities.

    A run whose tanks stay empty says so in the title (:func:`figures` does not write it).

    Returns
    -------
    Axes
    """
    with style_context():
        ax = axes_or_new(ax, (9.0, 4.0))
        storage = result.storage
        what = "Crude held in tanks at Aktau and Sangachal (end of each period)"
        if not has_storage(result):
            what += ": the tanks stay empty"
        if storage.empty:
            ax.set(xlabel="end of period (date)", ylabel="tank level (kt)")
            ax.set_title(figure_title(result, what))
            return ax
        dated = "snapshot" in storage
        empty = []
        for k, (node, frame) in enumerate(storage.groupby("element", sort=False)):
            frame = frame.sort_values("period")
            name = _STORE_NAMES.get(str(node), str(node))
            if has_storage(result) and float(frame["level_kt"].max()) <= _EMPTY_KT:
                empty.append(name)  # a flat line at zero: said in the title instead
                continue
            if dated:
                starts = pd.to_datetime(frame["snapshot"])
                ends = starts + pd.to_timedelta(frame["duration_d"].astype(float), unit="D")
                xs = [starts.iloc[0], *ends]
            else:
                xs = [0, *(frame["period"].to_numpy() + 1)]
            ys = [0.0, *frame["level_kt"].astype(float)]
            colour = (CATEGORICAL[0], CATEGORICAL[3])[k % 2]
            ax.plot(xs, ys, marker="o", ms=3, color=colour, label=f"{name}: level")
            ax.axhline(
                float(frame["capacity_kt"].iloc[0]),
                ls="--",
                lw=1,
                color=colour,
                label=f"{name}: capacity",
            )
        if empty:
            what += f"; {' and '.join(empty)} stay empty"
        time_axis(
            ax,
            dated=dated,
            step="month",
            label="date (level at the end of each period)" if dated else None,
        )
        ax.set_ylabel("tank level (kt)")
        ax.set_ylim(bottom=0)
        ax.set_title(figure_title(result, what))
        ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    return ax


def _knees(sequence: pd.DataFrame | None, part: pd.DataFrame, stage: int) -> tuple | None:
    """(offered volume at the knee, capacity, bottleneck arcs) of one relief stage."""
    if sequence is not None and stage in set(sequence["stage"]):
        row = sequence.set_index("stage").loc[stage]
        return (
            float(row["first_shortfall_mt_per_yr"]),
            float(row["capacity_mt_per_yr"]),
            str(row["bottleneck"]),
        )
    short = part[part["delivered_mt"] < part["offered_mt"] * (1 - 1e-6)]
    if short.empty:
        return None
    cap = float(part["delivered_mt"].max())
    return cap, cap, str(short["bottleneck"].iloc[0])


def sweep_curve(frame: pd.DataFrame | Result, ax: Axes | None = None) -> Axes:
    """Delivered versus offered volume, one curve per relief stage, each knee named.

    Parameters
    ----------
    frame : DataFrame or Result
        The ``sweep`` table of :func:`corridor_sim.models.oil.bottleneck_sequence`
        (columns ``stage``, ``relieved``, ``offered_mt_per_yr``, ``delivered_mt``,
        ``bottleneck``), or a Result holding it (then the ``bottleneck_sequence``
        table gives the knees and the title names the scenario).
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
    """
    sequence, result = None, None
    if not isinstance(frame, pd.DataFrame):
        result = frame
        sequence = frame.table("bottleneck_sequence")
        frame = frame.table("sweep")

    def label(stage: int, part: pd.DataFrame) -> str:
        relieved = str(part["relieved"].iloc[0])
        return f"stage {stage}: " + (f"{_names(relieved)} relieved" if relieved else "as built")

    def knee(stage: int, part: pd.DataFrame) -> tuple[tuple[float, float], str] | None:
        found = _knees(sequence, part, stage)
        if found is None:
            return None
        at, cap, name = found
        stacked = _names(name).replace(" + ", " +\n")  # narrow labels fit among the curves
        return (at, min(at, cap)), f"{stacked}\n{cap:.2f} Mt/yr"

    with style_context():
        ax = axes_or_new(ax, (8.5, 5.5))
        points, texts, along = stage_curves(ax, frame, label=label, knee=knee, log=True)
        lim = float(frame["offered_mt_per_yr"].max())
        low = max(float(frame["offered_mt_per_yr"].min()), 1e-3)
        ax.plot([low, lim], [low, lim], color="grey", ls=":", label="delivered = offered")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("Kazakh crude offered to the route (Mt/yr)")
        ax.set_ylabel("delivered at Ceyhan + Supsa (Mt)")
        what = "Capacity study: the bottleneck at each knee, relieved in turn"
        ax.set_title(figure_title(result, what) if result is not None else what)
        legend = place_legend(ax)
        place_labels(
            ax, points, texts, fontsize=FONT_PT["annotation"], avoid=[legend], avoid_points=along
        )
    return ax


def figures(result: Result) -> dict[str, Figure]:
    """All oil figures with something to show, keyed by file stem (``oil_route_map`` ...).

    ``oil_storage`` is left out when no tank held crude in the run, ``oil_sweep`` when the
    run has no capacity study.
    """
    out: dict[str, Figure] = {
        "oil_route_map": figure_of(route_map(result)),
        "oil_monthly_flows": figure_of(monthly_flow_stack(result)),
    }
    if has_storage(result):
        out["oil_storage"] = figure_of(storage_levels(result))
    if "sweep" in result.tables and not result.table("sweep").empty:
        out["oil_sweep"] = figure_of(sweep_curve(result))
    return out
