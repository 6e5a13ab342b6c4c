"""Figures of the Serbian plant study, drawn from a :class:`~corridor_sim.Result` (``"serbia"``).

``grid_map`` (the grid around Niš, lines coloured by their worst N-1 loading),
``site_comparison`` (losses, loadings and N-1 per site), ``n1_worst_cases`` (the worst
post-contingency loadings and their outages), ``gas_balance`` (gas need per capacity factor
against the contract and the route's free capacity) and ``figures`` (all of them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize

from corridor_sim.models.serbia.params import SITE_LABELS

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure

    from corridor_sim.results.result import Result

__all__ = ["figures", "gas_balance", "grid_map", "n1_worst_cases", "site_comparison"]

_SITE_COLOURS = {
    "none": "tab:gray",
    "trupale": "tab:blue",
    "krusevac": "tab:orange",
    "niska_banja": "tab:green",
}
_SITE_LABELS = SITE_LABELS


#: Lines shorter than this on the map (degrees) are labelled in a corner box instead.
_SHORT_DEG = 0.15
_PLANT_ZONES = ("trupale", "niska_banja")


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _sites(result: Result) -> list[str]:
    return [s for s in _SITE_COLOURS if s in set(result.table("site_comparison")["site"])]


def _draw_lines(ax: Axes, lines: pd.DataFrame, cmap: Colormap, norm: Normalize) -> list[str]:
    """Draw each line coloured by its worst N-1 loading; return the labels of the short ones."""
    short: list[str] = []
    for _, row in lines.iterrows():
        colour = cmap(norm(row["worst_n1_loading_pct"]))
        width = 3.5 if row["vn_kv"] > 300 else 2.0  # noqa: PLR2004 - 400 kV thicker than 220 kV
        ax.plot(
            [row["from_lon"], row["to_lon"]],
            [row["from_lat"], row["to_lat"]],
            color=colour,
            lw=width,
        )
        mx, my = (row["from_lon"] + row["to_lon"]) / 2, (row["from_lat"] + row["to_lat"]) / 2
        text = f"{row['max_loading_pct']:.0f}/{row['worst_n1_loading_pct']:.0f}%"
        if np.hypot(row["to_lon"] - row["from_lon"], row["to_lat"] - row["from_lat"]) < _SHORT_DEG:
            short.append(f"{row['element']}: {text}")
            continue
        ax.annotate(
            text,
            (mx, my),
            fontsize=7,
            ha="center",
            va="center",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        )
    return short


def _draw_buses(ax: Axes, buses: pd.DataFrame, site: str) -> None:
    """Draw the buses of `site` (one dot per position) with their substation names."""
    buses = buses[buses["site"] == site].drop_duplicates(["lon", "lat"])
    ax.scatter(buses["lon"], buses["lat"], s=25, color="black", zorder=3)
    for _, row in buses.iterrows():
        left = bool(row["zone"] in _PLANT_ZONES)  # plant buses sit next to Niš 2: label leftwards
        ax.annotate(
            str(row["element"]).rsplit(" ", 2)[0],
            (row["lon"], row["lat"]),
            xytext=(-6, -12) if left else (4, 4),
            textcoords="offset points",
            ha="right" if left else "left",
            fontsize=8,
        )


def grid_map(result: Result, site: str | None = None, ax: Axes | None = None) -> Axes:
    """Map of the grid around Niš: lines coloured by worst N-1 loading, width by voltage.

    Parameters
    ----------
    result : Result
        Output of the ``serbia`` model.
    site : str, optional
        Which site's grid to draw; default the scenario's site, else the best site.
    ax : Axes, optional
        Where to draw; a new figure when missing.

    Returns
    -------
    Axes
    """
    ax = _axes(ax, (8.0, 8.0))
    site = site or result.meta.get("site") or result.meta.get("best_site") or "none"
    tab = result.table("loadings")
    tab = tab[(tab["site"] == site) & (tab["element_type"] == "line")]
    cmap = colormaps["RdYlGn_r"]
    norm = Normalize(0, 120)
    short = _draw_lines(ax, tab, cmap, norm)
    _draw_buses(ax, result.table("buses"), site)
    if short:
        ax.text(
            0.98, 0.98, "\n".join(short), transform=ax.transAxes, ha="right", va="top", fontsize=7
        )
    plant = result.table("buses")
    plant = plant[(plant["site"] == site) & plant["plant"]]
    if len(plant):
        ax.scatter(
            plant["lon"],
            plant["lat"],
            marker="*",
            s=350,
            color=_SITE_COLOURS.get(site, "black"),
            edgecolor="black",
            zorder=4,
            label="500 MW plant",
        )
        ax.legend(loc="lower left")
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    ax.figure.colorbar(sm, ax=ax, shrink=0.6, pad=0.01, label="worst N-1 loading over the year (%)")
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.set_aspect(1 / np.cos(np.deg2rad(43.3)))
    ax.set_title(
        f"Grid around Niš, plant at {_SITE_LABELS.get(site, site)}: "
        "labels = max N-0 / worst N-1 loading"
    )
    return ax


def site_comparison(result: Result) -> Figure:
    """Four panels per site: losses, max N-0 loading, worst N-1 loading, hours with N-1 violations.

    Returns
    -------
    Figure
    """
    comp = result.table("site_comparison").set_index("site")
    sites = _sites(result)
    fig, axes = plt.subplots(2, 2, figsize=(10, 7), layout="constrained")
    panels = (
        ("losses_mwh", 1e-3, "losses in the modelled grid (GWh/yr)"),
        ("max_loading_pct", 1, "max loading without outage (%)"),
        ("worst_n1_loading_pct", 1, "worst N-1 loading (%)"),
        ("n1_violation_hours", 1, "hours with an N-1 violation"),
    )
    x = np.arange(len(sites))
    for ax, (col, scale, title) in zip(axes.ravel(), panels, strict=True):
        vals = comp.loc[sites, col].to_numpy(dtype=float) * scale
        ax.bar(x, vals, color=[_SITE_COLOURS[s] for s in sites])
        ax.set_xticks(x, [_SITE_LABELS[s] for s in sites])
        ax.set_title(title)
        for xi, v in zip(x, vals, strict=True):
            ax.annotate(
                f"{v:.0f}" if v >= 10 else f"{v:.1f}", (xi, v), ha="center", va="bottom", fontsize=9
            )  # noqa: PLR2004
        if col.endswith("loading_pct"):
            ax.axhline(100, color="red", ls="--", lw=1)
            ax.set_ylim(0, max(120, vals.max() * 1.1))
    best = result.meta.get("best_site", "")
    fig.suptitle(
        f"Site comparison, {result.meta.get('year', '')}: "
        f"best site by the grid study = {_SITE_LABELS.get(best, best)}"
    )
    return fig


def n1_worst_cases(result: Result, *, top: int = 6) -> Figure:
    """Plot the `top` worst post-contingency loadings per site, labelled "element | outage".

    Returns
    -------
    Figure
    """
    worst = result.table("n1_worst")
    sites = _sites(result)
    fig, axes = plt.subplots(
        1, len(sites), figsize=(4.2 * len(sites), 4.5), layout="constrained", sharex=True
    )
    axes = np.atleast_1d(axes)
    for ax, site in zip(axes, sites, strict=True):
        w = worst[worst["site"] == site].nlargest(top, "loading_pct").iloc[::-1]
        labels = [f"{e}\n| out: {o}" for e, o in zip(w["element"], w["outage"], strict=True)]
        colours = ["tab:red" if v > 100 else _SITE_COLOURS[site] for v in w["loading_pct"]]  # noqa: PLR2004
        ax.barh(labels, w["loading_pct"], color=colours)
        ax.barh(
            labels,
            w["base_loading_pct"],
            color="none",
            edgecolor="black",
            hatch="//",
            label="worst N-0",
        )
        ax.axvline(100, color="red", ls="--", lw=1)
        ax.set_title(_SITE_LABELS[site])
        ax.tick_params(axis="y", labelsize=7)
        ax.set_xlabel("loading (%)")
    axes[0].legend(loc="lower right", fontsize=7)
    fig.suptitle("Worst N-1 cases over all hours (bar) and worst N-0 loading (hatched)")
    return fig


def gas_balance(result: Result) -> Figure:
    """Gas need per capacity factor against the contract and the route's free capacity.

    Left: annual need (bcm/yr) per capacity factor, contracted volume and free route capacity,
    shortfall shaded. Right: month by month at the scenario's capacity factor, need and delivered.

    Returns
    -------
    Figure
    """
    bal = result.table("gas_balance").sort_values("capacity_factor")
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    cf = bal["capacity_factor"].to_numpy()
    need = bal["gas_need_bcm_per_yr"].to_numpy()
    ax.plot(cf, need, "o-", color="black", label="plant gas need")
    ax.axhline(
        bal["contracted_bcm_per_yr"].iloc[0], color="tab:blue", ls="--", label="contracted volume"
    )
    ax.axhline(
        bal["free_capacity_bcm_per_yr"].iloc[0],
        color="tab:orange",
        ls=":",
        lw=2,
        label="route free capacity",
    )
    plan = result.meta.get("contract_plan_bcm_per_yr")
    if plan is not None:
        ax.axhline(float(plan), color="tab:gray", ls="-.", lw=1, label="planned contract (C7)")
    limit = bal["supply_limit_bcm_per_yr"].to_numpy()
    ax.fill_between(
        cf, limit, need, where=need > limit, color="tab:red", alpha=0.25, label="shortfall"
    )
    ax.set_xlabel("capacity factor")
    ax.set_ylabel("bcm/yr")
    ax.set_title(f"Annual gas need vs supply (bottleneck: {bal['bottleneck'].iloc[0]})")
    ax.legend(fontsize=8)
    unmet = result.unmet
    plant = unmet[unmet["element"] == "plant"]
    if len(plant):
        months = np.arange(len(plant))
        ax2.bar(months, plant["demand_mcm"], color="lightgray", label="need")
        ax2.bar(months, plant["delivered_mcm"], color="tab:green", width=0.5, label="delivered")
        ax2.set_xticks(months, [str(m + 1) for m in months])
        ax2.set_xlabel("month")
        ax2.set_ylabel("mcm per month")
        cf_now = next(
            (r for r in result.summary().itertuples() if r.metric == "capacity_factor"), None
        )
        ax2.set_title(f"Ratable monthly deliveries at CF {cf_now.value if cf_now else ''}")
        ax2.legend(fontsize=8)
    return fig


def figures(result: Result) -> dict[str, Figure]:
    """All standard figures of a ``serbia`` result, keyed by file stem."""
    return {
        "serbia_grid_map": grid_map(result).figure,
        "serbia_site_comparison": site_comparison(result),
        "serbia_n1_worst_cases": n1_worst_cases(result),
        "serbia_gas_balance": gas_balance(result),
    }
