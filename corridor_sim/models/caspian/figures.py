"""Figures of a Caspian corridor Result (reads the Result only; never calls ``show``).

``corridor_map``, ``export_stack``, ``loading_duration_curves``,
``curtailment_by_month``, ``capacity_study_curves`` and ``figures``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import Normalize

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from corridor_sim.results.result import Result

__all__ = [
    "capacity_study_curves",
    "corridor_map",
    "curtailment_by_month",
    "export_stack",
    "figures",
    "loading_duration_curves",
]

_ROUTE_LABELS = {
    "caspian_black_sea_europe": "Caspian–Black Sea–Europe (Black Sea cable)",
    "azerbaijan_turkiye_europe": "Azerbaijan–Türkiye–Europe (GE–TR link)",
}
_CROSS_BORDER = ("caspian_cable", "kz_uz", "az_ge", "ge_tr", "black_sea_cable", "tr_eu")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _axes(ax: Axes | None, size: tuple[float, float] = (8, 4.5)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _title(result: Result, what: str) -> str:
    year = result.meta.get("year", "")
    name = result.meta.get("scenario") or f"caspian {year}"
    return f"{what} — {name}"


def corridor_map(result: Result, ax: Axes | None = None) -> Axes:
    """Draw the hubs at their coordinates and each link coloured by its mean loading.

    Line width grows with the link's rating; labels give mean flow (MW) and mean
    loading; HVDC links are dashed; arrows point in the direction of the mean flow.
    """
    ax = _axes(ax, (12, 5))
    hubs = result.table("hubs").set_index("element")
    links = result.table("links").set_index("element")
    stats = result.table("link_statistics").set_index("element")
    flows = result.flows
    mean_flow = flows.groupby("element")["p_mw"].mean()
    cmap, norm = colormaps["plasma_r"], Normalize(0, 100)
    cap_max = max(float(links["capacity_mw"].max()), 1.0)
    for link, row in links.iterrows():
        a, b = hubs.loc[row["from_hub"]], hubs.loc[row["to_hub"]]
        loading = float(stats.at[link, "mean_loading_pct"]) if link in stats.index else 0.0
        width = 1 + 6 * float(row["capacity_mw"]) / cap_max
        style = "--" if row["kind"] in ("hvdc", "b2b") else "-"
        color = cmap(norm(loading)) if row["capacity_mw"] > 0 else "0.8"
        ax.plot([a.lon, b.lon], [a.lat, b.lat], style, color=color, lw=width, zorder=1)
        flow = float(mean_flow.get(link, 0.0))
        mid = ((a.lon + b.lon) / 2, (a.lat + b.lat) / 2)
        if abs(flow) > 1:
            src, dst = (a, b) if flow > 0 else (b, a)
            ax.annotate(
                "",
                xy=(mid[0] + (dst.lon - src.lon) * 0.08, mid[1] + (dst.lat - src.lat) * 0.08),
                xytext=mid,
                arrowprops={"arrowstyle": "-|>", "color": "k", "lw": 1.2},
                zorder=3,
            )
        if row["kind"] != "internal" or abs(flow) > 1:
            ax.text(mid[0], mid[1] - 0.3, f"{link}\n{abs(flow):,.0f} MW | {loading:.0f} %",
                    fontsize=6.5, ha="center", va="top", color="0.15", zorder=4,
                    bbox={"fc": "white", "ec": "none", "alpha": 0.6, "pad": 0.5})  # fmt: skip
    ax.scatter(hubs["lon"], hubs["lat"], s=60, color="tab:green", edgecolor="k", zorder=5)
    for hub, row in hubs.iterrows():
        ax.text(row.lon, row.lat + 0.35, hub, fontsize=8, ha="center", weight="bold", zorder=6)
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    ax.figure.colorbar(sm, ax=ax, label="mean loading (%)", shrink=0.6)
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.set_aspect(1 / np.cos(np.radians(float(hubs["lat"].mean()))))
    ax.set_xlim(float(hubs["lon"].min()) - 3, float(hubs["lon"].max()) + 3)
    ax.set_ylim(float(hubs["lat"].min()) - 4, float(hubs["lat"].max()) + 3)
    ax.grid(alpha=0.3)
    ax.set_title(_title(result, "Corridor: mean flows and loading (dashed = HVDC)"))
    return ax


def export_stack(result: Result, week: int | None = None, ax: Axes | None = None) -> Axes:
    """Stack the hourly export by route over one week (default ``meta['week']``)."""
    ax = _axes(ax)
    week = int(result.meta.get("week", 0) if week is None else week)
    ex = result.table("exports")
    lo, hi = week * 24 * 7, (week + 1) * 24 * 7
    sel = ex[(ex["hour"] >= lo) & (ex["hour"] < hi)]
    wide = sel.pivot_table(index="hour", columns="route", values="p_mw", aggfunc="sum").fillna(0.0)
    wide = wide.clip(lower=0.0)
    labels = [_ROUTE_LABELS.get(c, c) for c in wide.columns]
    if len(wide):
        ax.stackplot(wide.index, wide.T.to_numpy(), labels=labels, alpha=0.85)
        ax.legend(loc="upper left", fontsize=8)
    ax.set_xlabel("hour of the year")
    ax.set_ylabel("export leaving the Caucasus (MW)")
    ax.set_ylim(bottom=0)
    ax.set_title(_title(result, f"Hourly export by route, week {week}"))
    return ax


def loading_duration_curves(result: Result, ax: Axes | None = None) -> Axes:
    """Plot each cross-border link's loading sorted from highest to lowest (duration curve)."""
    ax = _axes(ax)
    flows = result.flows
    styles = ("-", "--", "-.", ":")  # links at 100 % all year overlap: keep each visible
    drawn = 0
    for link in _CROSS_BORDER:
        sub = flows[flows["element"] == link]
        if sub.empty or float(sub["limit_mw"].max()) <= 0:
            continue
        curve = np.sort(sub["loading_pct"].to_numpy())[::-1]
        style = styles[drawn % len(styles)]
        ax.plot(np.arange(1, curve.size + 1), curve, style, label=link, linewidth=2)
        drawn += 1
    ax.set_xlabel("hours (sorted)")
    ax.set_ylabel("loading (% of rating)")
    ax.set_ylim(0, 105)
    ax.legend(fontsize=8, ncol=2)
    ax.set_title(_title(result, "Loading duration curves"))
    return ax


def curtailment_by_month(result: Result, ax: Axes | None = None) -> Axes:
    """Bar chart of curtailed green energy per month, stacked by hub (GWh)."""
    ax = _axes(ax)
    cur = result.table("curtailment")
    wide = cur.pivot_table(index="month", columns="element", values="curtailed_gwh", aggfunc="sum")
    wide = wide.reindex(range(1, 13)).fillna(0.0)
    wide = wide.loc[:, wide.sum() > 0]
    bottom = np.zeros(len(wide))
    for hub in wide.columns:
        ax.bar(wide.index, wide[hub], bottom=bottom, label=hub)
        bottom += wide[hub].to_numpy()
    if not len(wide.columns):
        ax.text(0.5, 0.5, "no curtailment", transform=ax.transAxes, ha="center")
    else:
        ax.legend(fontsize=8)
    ax.set_xticks(range(1, 13), _MONTHS)
    ax.set_ylabel("curtailed green energy (GWh)")
    ax.set_title(_title(result, "Curtailment by month"))
    return ax


def capacity_study_curves(result: Result) -> Figure:
    """Plot exported energy and curtailment against the cable ratings, binding link annotated."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
    study = result.tables.get("capacity_study", pd.DataFrame())
    if study.empty:
        for ax in (ax1, ax2):
            ax.text(0.5, 0.5, "no capacity study in this run", transform=ax.transAxes, ha="center")
        return fig
    for bs, grp in study.groupby("black_sea_mw"):
        grp = grp.sort_values("caspian_mw")
        x = grp["caspian_mw"].to_numpy() / 1000
        ax1.plot(x, grp["exported_twh"], "o-", label=f"Black Sea {bs:,.0f} MW")
        ax2.plot(x, grp["curtailed_twh"], "o-", label=f"Black Sea {bs:,.0f} MW")
        for xi, yi, link in zip(x, grp["exported_twh"], grp["binding_link"], strict=True):
            ax1.annotate(link, (xi, yi), textcoords="offset points", xytext=(0, 6), fontsize=7,
                         ha="center")  # fmt: skip
    ax1.set_xlabel("Caspian cable rating (GW)")
    ax1.set_ylabel("exported energy (TWh)")
    ax1.set_title("Export (label: binding link)")
    ax2.set_xlabel("Caspian cable rating (GW)")
    ax2.set_ylabel("curtailed green energy (TWh)")
    ax2.set_title("Curtailment")
    ax1.set_ylim(0, float(study["exported_twh"].max()) * 1.2 + 1e-9)
    ax2.set_ylim(0, max(float(study["curtailed_twh"].max()) * 1.2, 0.1))
    for ax in (ax1, ax2):
        ax.legend(fontsize=8, loc="lower right" if ax is ax1 else "upper right")
    fig.suptitle(_title(result, "Capacity study"))
    return fig


def figures(result: Result) -> dict[str, Figure]:
    """Return every standard figure of a caspian Result, keyed by file stem."""
    out: dict[str, Figure] = {}
    for stem, draw in (
        ("caspian_map", corridor_map),
        ("caspian_export_stack", export_stack),
        ("caspian_loading_duration", loading_duration_curves),
        ("caspian_curtailment_by_month", curtailment_by_month),
    ):
        out[stem] = draw(result).figure
    if "capacity_study" in result.tables:
        out["caspian_capacity_study"] = capacity_study_curves(result)
    return out
