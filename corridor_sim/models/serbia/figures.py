"""Figures of the Serbian plant study, drawn from a :class:`~corridor_sim.Result` (``"serbia"``).

``grid_map`` (Serbia's 400/220 kV grid along the extract's line routes, coloured by the
worst N-1 loading, on the offline basemap when it is installed), ``loading_duration`` (the
plant area's hourly maximum loading, sorted, per site), ``site_comparison`` (losses,
headroom and N-1 violations per site), ``n1_worst_cases`` (the worst post-contingency
loadings in the plant's area), ``site_robustness`` (the Monte Carlo's probabilities that a
site is N-1 secure and the best), ``gas_balance`` (gas need per capacity factor against the
contract and the route's free capacity) and ``figures`` (all of them).
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
    from matplotlib.figure import Figure

    from corridor_sim.results.result import Result

__all__ = [
    "figures",
    "gas_balance",
    "grid_map",
    "loading_duration",
    "n1_worst_cases",
    "site_comparison",
    "site_robustness",
]

_SITE_COLOURS = {
    "none": "tab:gray",
    "trupale": "tab:blue",
    "krusevac": "tab:orange",
    "niska_banja": "tab:green",
}
_SITE_LABELS = SITE_LABELS
_EHV_KV = 300.0  # 400 kV lines drawn thicker than 220 kV
_LABELLED = 8  # the most loaded lines get a label on the map


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _sites(result: Result) -> list[str]:
    return [s for s in _SITE_COLOURS if s in set(result.table("site_comparison")["site"])]


def _points(route: str) -> np.ndarray:
    return np.array([[float(v) for v in p.split()] for p in str(route).split(";")])


def _basemap(ax: Axes, extent: tuple[float, float, float, float]) -> bool:
    """Draw the offline basemap (borders, coasts) when ``corridor_sim.plotting.basemap`` exists."""
    try:
        from corridor_sim.plotting.basemap import draw_basemap  # noqa: PLC0415
    except ImportError:
        return False
    draw_basemap(ax, extent, borders=True, labels=False)
    return True


def grid_map(result: Result, site: str | None = None, ax: Axes | None = None) -> Axes:
    """Map of Serbia's 400/220 kV grid: routes coloured by worst N-1 loading, width by voltage.

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
    ax = _axes(ax, (8.0, 9.0))
    site = site or result.meta.get("site") or result.meta.get("best_site") or "none"
    lines = result.table("loadings")
    lines = lines[(lines["site"] == site) & (lines["element_type"] == "line")]
    buses = result.table("buses")
    buses = buses[buses["site"] == site]
    shown = buses[buses["kind"] != "hub"]
    extent = (
        float(shown["lon"].min()) - 0.3,
        float(shown["lon"].max()) + 0.3,
        float(shown["lat"].min()) - 0.3,
        float(shown["lat"].max()) + 0.3,
    )
    has_map = _basemap(ax, extent)
    if "map_lines" in result.tables:
        other = result.table("map_lines")
        for route in other.loc[other["site"] == site, "route"]:
            pts = _points(route)
            ax.plot(pts[:, 0], pts[:, 1], color="0.55", lw=1.0, zorder=2)
    cmap, norm = colormaps["RdYlGn_r"], Normalize(0, 120)
    for _, row in lines.sort_values("worst_n1_loading_pct").iterrows():
        pts = _points(row["route"])
        colour = cmap(norm(row["worst_n1_loading_pct"]))
        ax.plot(
            pts[:, 0],
            pts[:, 1],
            color=colour,
            lw=3.0 if row["vn_kv"] > _EHV_KV else 1.6,
            zorder=3,
            solid_capstyle="round",
        )
    for _, row in lines.nlargest(_LABELLED, "worst_n1_loading_pct").iterrows():
        pts = _points(row["route"])
        mid = pts[len(pts) // 2]
        ax.annotate(
            f"{row['worst_n1_loading_pct']:.0f}%",
            mid,
            fontsize=7,
            ha="center",
            zorder=5,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
        )
    subs = shown[(shown["country"] == "RS") & (shown["kind"] != "site")].drop_duplicates(
        ["lon", "lat"]
    )
    ax.scatter(subs["lon"], subs["lat"], s=10, color="black", zorder=4)
    for _, row in subs[~subs["element"].str.startswith("bus ")].iterrows():
        ax.annotate(
            str(row["element"]),
            (row["lon"], row["lat"]),
            xytext=(3, 3),
            textcoords="offset points",
            fontsize=6,
            zorder=5,
        )
    plant = buses[buses["plant"]]
    if len(plant):
        ax.scatter(
            plant["lon"],
            plant["lat"],
            marker="*",
            s=300,
            color=_SITE_COLOURS.get(site, "k"),
            edgecolor="black",
            zorder=6,
            label="500 MW plant",
        )
        ax.legend(loc="lower left", fontsize=8)
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    ax.figure.colorbar(sm, ax=ax, shrink=0.5, pad=0.01, label="worst N-1 loading over the year (%)")
    if not has_map:
        ax.set_xlim(extent[:2])
        ax.set_ylim(extent[2:])
        ax.set_aspect(1 / np.cos(np.deg2rad(np.mean(extent[2:]))))
        ax.set_xlabel("longitude (°E)")
        ax.set_ylabel("latitude (°N)")
    ax.set_title(
        f"Serbian 400/220 kV grid (ENTSO-E map extract and changes), plant at "
        f"{_SITE_LABELS.get(site, site)}"
    )
    return ax


def loading_duration(result: Result, ax: Axes | None = None) -> Axes:
    """Plot the plant area's highest N-0 loading in each hour, sorted, one curve per site."""
    ax = _axes(ax, (8.0, 4.5))
    hourly = result.table("hourly")
    for site in _sites(result):
        h = hourly[hourly["site"] == site]
        col = "max_area_loading_pct" if "max_area_loading_pct" in h else "max_loading_pct"
        curve = np.sort(h[col].to_numpy())[::-1]
        ax.plot(
            np.arange(1, len(curve) + 1), curve, color=_SITE_COLOURS[site], label=_SITE_LABELS[site]
        )
    ax.axhline(100, color="red", ls="--", lw=1)
    ax.set_xlabel("hours of the year (sorted)")
    ax.set_ylabel("highest loading in the plant's area (%)")
    ax.set_title("Loading duration: the plant area's most loaded line or transformer, N-0")
    ax.legend(fontsize=8)
    return ax


def site_comparison(result: Result) -> Figure:
    """Four panels per site: losses, worst N-1 loading in the area, N-1 violation hours caused."""
    comp = result.table("site_comparison").set_index("site")
    sites = _sites(result)
    fig, axes = plt.subplots(2, 2, figsize=(10, 7), layout="constrained")
    panels = (
        ("losses_mwh", 1e-3, "losses of the Serbian grid (GWh/yr, DC estimate)"),
        ("worst_area_n1_loading_pct", 1, "worst N-1 loading in the plant's area (%)"),
        ("n1_area_violation_hours", 1, "hours with an N-1 violation the plant causes, area"),
        ("n1_site_violation_hours", 1, "hours with an N-1 violation the plant causes, anywhere"),
    )
    x = np.arange(len(sites))
    for ax, (col, scale, title) in zip(axes.ravel(), panels, strict=True):
        vals = (
            comp.loc[sites, col].to_numpy(dtype=float) * scale if col in comp else np.zeros(len(x))
        )
        vals = np.nan_to_num(vals)
        ax.bar(x, vals, color=[_SITE_COLOURS[s] for s in sites])
        ax.set_xticks(x, [_SITE_LABELS[s] for s in sites])
        ax.set_title(title, fontsize=10)
        for xi, v in zip(x, vals, strict=True):
            ax.annotate(
                f"{v:.0f}" if v >= 10 else f"{v:.1f}",
                (xi, v),
                ha="center",  # noqa: PLR2004
                va="bottom",
                fontsize=9,
            )
        if col.endswith("loading_pct"):
            ax.axhline(100, color="red", ls="--", lw=1)
            ax.set_ylim(0, max(120, float(vals.max()) * 1.1))
    best = result.meta.get("best_site", "")
    fig.suptitle(
        f"Site comparison, {result.meta.get('year', '')}: "
        f"best site by the grid study = {_SITE_LABELS.get(best, best)}"
    )
    return fig


def n1_worst_cases(result: Result, *, top: int = 6) -> Figure:
    """Plot the `top` worst N-1 loadings in the plant's area per site ("element | outage")."""
    worst = result.table("n1_worst")
    if "in_area" in worst:
        worst = worst[worst["in_area"]]
    sites = _sites(result)
    fig, axes = plt.subplots(
        1, len(sites), figsize=(4.4 * len(sites), 4.5), layout="constrained", sharex=True
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
        ax.tick_params(axis="y", labelsize=6)
        ax.set_xlabel("loading (%)")
    axes[0].legend(loc="lower right", fontsize=7)
    fig.suptitle("Worst N-1 cases in the plant's area over all hours (bar), worst N-0 (hatched)")
    return fig


def site_robustness(summary: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Bars of each site's probability of being N-1 secure and of being the best site.

    Parameters
    ----------
    summary : DataFrame
        :func:`corridor_sim.models.serbia.robustness.robustness_summary` (or a result's
        ``robustness_summary`` table).
    ax : Axes, optional
        Where to draw.
    """
    ax = _axes(ax, (7.0, 4.0))
    sites = [s for s in _SITE_COLOURS if s in set(summary["site"])]
    s = summary.set_index("site").loc[sites]
    x = np.arange(len(sites))
    ax.bar(
        x - 0.2,
        s["p_secure"],
        width=0.4,
        color=[_SITE_COLOURS[k] for k in sites],
        label="N-1 secure in its area",
    )
    ax.bar(
        x + 0.2,
        s["p_best"],
        width=0.4,
        color="white",
        edgecolor=[_SITE_COLOURS[k] for k in sites],
        hatch="//",
        label="best site",
    )
    ax.set_xticks(x, [_SITE_LABELS[k] for k in sites])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share of draws")
    ax.set_title(f"Robustness over {int(s['draws'].max())} draws of the catalogue ranges")
    ax.legend(fontsize=8)
    return ax


def gas_balance(result: Result) -> Figure:
    """Gas need per capacity factor against the contract and the route's free capacity.

    Left: annual need (bcm/yr) per capacity factor, contracted volume and free route capacity,
    shortfall shaded. Right: month by month at the scenario's capacity factor, need and delivered.
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
        ax2.set_title(f"Ratable monthly deliveries at CF {cf_now.value:.2f}" if cf_now else "")
        ax2.legend(fontsize=8)
    return fig


def figures(result: Result) -> dict[str, Figure]:
    """All standard figures of a ``serbia`` result, keyed by file stem."""
    out = {
        "serbia_grid_map": grid_map(result).figure,
        "serbia_loading_duration": loading_duration(result).figure,
        "serbia_site_comparison": site_comparison(result),
        "serbia_n1_worst_cases": n1_worst_cases(result),
        "serbia_gas_balance": gas_balance(result),
    }
    if "robustness_summary" in result.tables:
        out["serbia_site_robustness"] = site_robustness(result.table("robustness_summary")).figure
    return out
