"""Figures of the Middle Corridor, drawn from a Result of model ``"middle_corridor"`` only.

``corridor_map`` (the corridor on the basemap: width = freight moved, colour = utilisation),
``monthly_flows`` (freight per link and month), ``sweep_curve`` (delivered versus offered,
the bottleneck at each knee) and ``transit_histogram`` (freight by route transit time).
Every figure follows the house style (:mod:`corridor_sim.plotting.style`): colour-blind-safe
colours, text of 8 pt or more, the scenario in the title, units on the axes, human names.

The shipped basemap ends at 80°E, so the map starts at the Kazakh rail network: the
Chinese border crossings (Dostyk 82.5°E, Altynkol 80.3°E) and the northern route are
written in a box at the map's eastern edge instead of drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np

from corridor_sim.models.middle_corridor import CORRIDOR
from corridor_sim.plotting.basemap import load_basemap, map_extent
from corridor_sim.plotting.labels import place_labels, stage_curves
from corridor_sim.plotting.layout import place_legend
from corridor_sim.plotting.maps import arc_totals, commodity_map, map_figsize
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
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from corridor_sim.results.result import Result

__all__ = [
    "ARC_NAMES",
    "corridor_map",
    "figures",
    "monthly_flows",
    "sweep_curve",
    "transit_histogram",
]

#: Short display names of the arcs (map labels, legends, knees): the ``name`` column of arcs.csv.
ARC_NAMES: dict[str, str] = CORRIDOR.topology.names
#: Links shown per month, in this order (the rest follow them or never bind).
_MONTHLY = ("kuryk_ferries", "aktau_ferries", "cargo_ships", "alat_port", "btk", "black_sea_ports")
_STYLES = ("-", "--", "-.", ":", "-", "--")
#: Nodes east of the basemap (drawn as a note at the map's edge).
_EAST = ("china", "dostyk", "altynkol")
_CROSSINGS = ("dostyk_crossing", "altynkol_crossing")


#: Groups of arcs that bind together, by one name.
_GROUPS = {
    frozenset({"aktau_ferries", "kuryk_ferries", "cargo_ships"}): "Caspian ferries + cargo ships"
}


def _names(arcs: str) -> str:
    """``"btk+black_sea_ports"`` in words; the Caspian crossing's three arcs by one name."""
    ids = [a for a in arcs.split("+") if a]
    named = _GROUPS.get(frozenset(ids))
    return named or " + ".join(ARC_NAMES.get(a, a.replace("_", " ")) for a in ids)


def _amount(mt: float, pct: float) -> str:
    share = "" if not np.isfinite(pct) else f", {pct:.0f} %"
    return f"{mt:.2f} Mt{share}"


def corridor_map(result: Result, ax: Axes | None = None) -> Axes:
    """Draw the corridor on the basemap: line width = freight moved, colour = utilisation.

    The generic :func:`corridor_sim.plotting.maps.commodity_map` from the Kazakh rail
    network westwards (the basemap ends at 80°E); the Chinese crossings' flows and the
    northern route are written in a box at the eastern edge.

    Returns
    -------
    Axes
    """
    totals = arc_totals(result)
    nodes = result.table("nodes").set_index("element")
    shown = nodes.drop(index=[n for n in _EAST if n in nodes.index])
    extent = map_extent(shown["lon"].to_numpy(float), shown["lat"].to_numpy(float))
    with style_context():
        if ax is None:
            _, ax = plt.subplots(figsize=map_figsize(extent, width_in=11.0), layout="constrained")
        ax = commodity_map(
            result,
            ax,
            extent=extent,
            hide=_EAST,
            names=ARC_NAMES,
            title="Middle Corridor: freight over the horizon (line width) and utilisation (colour)",
        )
        lines = ["from China (crossings east of 80°E):"]
        for arc in _CROSSINGS:
            if arc in totals.index:
                row = totals.loc[arc]
                lines.append(f"{ARC_NAMES[arc]} {_amount(row['flow_mt'], row['utilisation_pct'])}")
        if "northern_route" in totals.index:
            north = totals.loc["northern_route"]
            lines.append(f"{ARC_NAMES['northern_route']}: {north['flow_mt']:.2f} Mt")
        if "kz_rail" in nodes.index:
            east = min(float(ax.get_xlim()[1]), load_basemap().extent[1])
            lat = float(nodes.loc["kz_rail", "lat"])
            ax.annotate(
                "",
                xy=(float(nodes.loc["kz_rail", "lon"]), lat),
                xytext=(east, lat),
                arrowprops={"arrowstyle": "-|>", "color": "0.3", "lw": 1.5},
                zorder=4,
            )
            place_labels(
                ax,
                [(east, lat)],
                ["\n".join(lines)],
                fontsize=FONT_PT["annotation"],
                bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "0.5", "lw": 0.8},
            )
    return ax


def monthly_flows(result: Result, ax: Axes | None = None) -> Axes:
    """Freight per month on the main links (kt), one line per link that carries freight.

    Returns
    -------
    Axes
    """
    with style_context():
        ax = axes_or_new(ax, (9.0, 4.5))
        monthly = result.table("monthly_flows")
        drawn, dated = 0, "snapshot" in monthly
        for k, arc in enumerate(_MONTHLY):
            part = monthly[monthly["element"] == arc].sort_values("period")
            if part.empty or not part["flow_kt"].abs().sum() > 0:
                continue
            x, dated = time_values(part)
            ax.plot(
                x,
                part["flow_kt"],
                _STYLES[k],
                marker="o",
                ms=4,
                lw=2,
                color=CATEGORICAL[k],
                label=ARC_NAMES[arc],
            )
            drawn += 1
        time_axis(ax, dated=dated, step="month")
        ax.set_ylabel("freight per month (kt)")
        ax.set_ylim(bottom=0)
        what = "Freight by link and month"
        if not drawn:
            what += ": no freight moved"
        ax.set_title(figure_title(result, what))
        if drawn:
            ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    return ax


def sweep_curve(result: Result, ax: Axes | None = None) -> Axes:
    """Delivered versus offered corridor freight per relief stage, each knee named.

    Returns
    -------
    Axes
    """
    sweep = result.table("sweep")
    seq = result.table("bottleneck_sequence").set_index("stage")

    def label(stage: int, part: pd.DataFrame) -> str:
        before = seq.loc[stage - 1, "bottleneck"] if stage - 1 in seq.index else ""
        return f"stage {stage}: " + (f"+ {_names(str(before))} relieved" if before else "as built")

    def knee(stage: int, part: pd.DataFrame) -> tuple[tuple[float, float], str] | None:
        if stage not in seq.index:
            return None
        row = seq.loc[stage]
        cap, at = float(row["capacity_mt_per_yr"]), float(row["first_shortfall_mt_per_yr"])
        return (at, at), f"{_names(str(row['bottleneck']))}\n{cap:.1f} Mt/yr"

    with style_context():
        ax = axes_or_new(ax, (8.5, 5.5))
        points, texts, along = stage_curves(ax, sweep, label=label, knee=knee, n=6)
        ax.set_xlabel("freight offered to the corridor (Mt/yr)")
        ax.set_ylabel("delivered to Europe (Mt)")
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        what = "Bottleneck sequence: each knee's bottleneck relieved in turn"
        ax.set_title(figure_title(result, what))
        legend = place_legend(ax, fontsize=FONT_PT["legend"])
        place_labels(
            ax, points, texts, fontsize=FONT_PT["annotation"], avoid=[legend], avoid_points=along
        )
    return ax


def _family(route: str) -> str:
    arcs = route.split(">")
    if "northern_route" in arcs:
        return "northern route via Russia"
    return "via Baku–Tbilisi–Kars" if "btk" in arcs else "via Poti/Batumi"


def transit_histogram(result: Result, ax: Axes | None = None) -> Axes:
    """Freight delivered by route transit time (days): via Poti/Batumi, via BTK, northern route.

    Returns
    -------
    Axes
    """
    with style_context():
        ax = axes_or_new(ax, (9.0, 4.2))
        tt = result.table("transit_times")
        by = tt.assign(family=tt["element"].map(_family))
        by = by.groupby(["family", "transit_d"], as_index=False)["flow_kt"].sum()
        families = ("via Poti/Batumi", "via Baku–Tbilisi–Kars", "northern route via Russia")
        width = 0.15
        drawn = 0
        for k, fam in enumerate(families):
            part = by[by["family"] == fam]
            if part.empty or not part["flow_kt"].sum() > 0:
                continue
            ax.bar(
                part["transit_d"] + (k - 1) * width,
                part["flow_kt"] / THOUSAND,
                width=width,
                color=CATEGORICAL[k],
                label=fam,
            )
            drawn += 1
        ax.set_xlabel("transit time China → Europe (d)")
        ax.set_ylabel("freight over the horizon (Mt)")
        corridor = by[by["family"] != families[2]]
        what = "Transit times"
        if corridor["flow_kt"].sum() > 0:
            mean = float(np.average(corridor["transit_d"], weights=corridor["flow_kt"]))
            what += f" (corridor mean {mean:.1f} d)"
        elif not drawn:
            what += ": no freight delivered"
        ax.set_title(figure_title(result, what))
        if drawn:
            ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    return ax


def figures(result: Result) -> dict[str, Figure]:
    """All figures for `result` (file stem -> figure), for ``corridor-sim run --out``."""
    out = {
        "middle_corridor_map": figure_of(corridor_map(result)),
        "middle_corridor_monthly_flows": figure_of(monthly_flows(result)),
        "middle_corridor_transit_times": figure_of(transit_histogram(result)),
    }
    if "sweep" in result.tables and not result.table("sweep").empty:
        out["middle_corridor_bottlenecks"] = figure_of(sweep_curve(result))
    return out
