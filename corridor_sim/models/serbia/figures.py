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

from typing import TYPE_CHECKING, cast

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize

from corridor_sim.models.serbia.gas.figures import figures as gas_chain_figures
from corridor_sim.models.serbia.params import SITE_LABELS
from corridor_sim.models.serbia.validation.figures import load_validation
from corridor_sim.plotting.labels import place_labels
from corridor_sim.plotting.layout import empty_note, place_legend
from corridor_sim.plotting.style import (
    CATEGORICAL,
    FONT_PT,
    axes_or_new,
    cmap,
    figure_title,
    style_context,
    time_axis,
    time_values,
)

if TYPE_CHECKING:
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

#: Okabe–Ito colours of the sites (colour-blind safe); no plant in grey.
_SITE_COLOURS = {
    "none": "0.6",
    "trupale": CATEGORICAL[0],
    "krusevac": CATEGORICAL[1],
    "niska_banja": CATEGORICAL[2],
}
#: Loadings above this (%) are over the rating: drawn in vermillion.
_LIMIT_PCT = 100.0
_OVER = CATEGORICAL[3]
_SITE_LABELS = SITE_LABELS
_EHV_KV = 300.0  # 400 kV lines drawn thicker than 220 kV
_LABELLED = 8  # the most loaded lines get a label on the map
_STYLES = ("-", "--", "-.", ":")


def _sites(result: Result) -> list[str]:
    return [s for s in _SITE_COLOURS if s in set(result.table("site_comparison")["site"])]


def _points(route: str) -> np.ndarray:
    return np.array([[float(v) for v in p.split()] for p in str(route).split(";")])


def _basemap(ax: Axes, extent: tuple[float, float, float, float]) -> bool:
    """Draw the offline basemap (borders, coasts) when ``corridor_sim.plotting.basemap`` exists."""
    try:
        from corridor_sim.plotting.basemap import draw_basemap
    except ImportError:
        return False
    draw_basemap(ax, extent, borders=True, labels=False)
    return True


def grid_map(result: Result, site: str | None = None, ax: Axes | None = None) -> Axes:
    """Map of Serbia's 400/220 kV grid: routes coloured by worst N-1 loading, width by voltage.

    Colours are viridis (0-120 %); lines loaded over 100 % after an outage carry a
    vermillion label with their loading, the others among the most loaded a white one.
    Substation names are placed so they do not collide (those that cannot be placed
    clear of the others are left out).

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
    with style_context():
        return _grid_map(result, site, ax)


def _grid_map(result: Result, site: str | None, ax: Axes | None) -> Axes:
    ax = axes_or_new(ax, (8.0, 9.0))
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
    colours, norm = cmap("utilisation"), Normalize(0, 120)
    along = []
    for _, row in lines.sort_values("worst_n1_loading_pct").iterrows():
        pts = _points(row["route"])
        along += [tuple(p) for p in pts]
        ax.plot(
            pts[:, 0],
            pts[:, 1],
            color=colours(norm(row["worst_n1_loading_pct"])),
            lw=3.0 if row["vn_kv"] > _EHV_KV else 1.6,
            zorder=3,
            solid_capstyle="round",
        )
    points, texts, over = [], [], []
    for _, row in lines.nlargest(_LABELLED, "worst_n1_loading_pct").iterrows():
        pts = _points(row["route"])
        points.append(tuple(pts[len(pts) // 2]))
        texts.append(f"{row['worst_n1_loading_pct']:.0f} %")
        over.append(row["worst_n1_loading_pct"] > _LIMIT_PCT)
    subs = shown[(shown["country"] == "RS") & (shown["kind"] != "site")].drop_duplicates(
        ["lon", "lat"]
    )
    ax.scatter(subs["lon"], subs["lat"], s=10, color="black", zorder=4)
    handles = []
    plant = buses[buses["plant"]]
    if len(plant):
        handles.append(
            ax.scatter(
                plant["lon"],
                plant["lat"],
                marker="*",
                s=300,
                color=_SITE_COLOURS.get(site, "k"),
                edgecolor="black",
                zorder=6,
                label=f"500 MW plant at {_SITE_LABELS.get(site, site)}",
            )
        )
    legend = ax.legend(loc="lower left") if handles else None
    avoid = [legend] if legend is not None else []
    sm = plt.cm.ScalarMappable(norm=norm, cmap=colours)
    # the colour bar and the limits first: labels are placed on the axes as they will be
    ax.figure.colorbar(sm, ax=ax, shrink=0.5, pad=0.01, label="worst N-1 loading over the year (%)")
    if not has_map:
        ax.set_xlim(extent[:2])
        ax.set_ylim(extent[2:])
        ax.set_aspect(1 / np.cos(np.deg2rad(np.mean(extent[2:]))))
        ax.set_xlabel("longitude (°E)")
        ax.set_ylabel("latitude (°N)")
    ax.set_title(
        figure_title(
            result,
            f"Serbian 400/220 kV grid, plant at {_SITE_LABELS.get(site, site)}: worst N-1 loading",
        )
    )
    plant_points = list(zip(plant["lon"], plant["lat"], strict=True))
    loading_labels = place_labels(
        ax,
        points,
        texts,
        fontsize=FONT_PT["annotation"],
        centred=True,
        avoid=avoid,
        avoid_points=plant_points,
        leader=False,
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
    )
    for text, is_over in zip(loading_labels, over, strict=True):
        if is_over:
            text.set_color(_OVER)
            text.set_fontweight("bold")
    named = subs[~subs["element"].str.startswith("bus ")]
    place_labels(
        ax,
        list(zip(named["lon"], named["lat"], strict=True)),
        [str(e) for e in named["element"]],
        fontsize=FONT_PT["place"],
        avoid=[*avoid, *loading_labels],
        avoid_points=[*along[::3], *plant_points],
        optional=True,  # the Belgrade cluster: names with no clear place are left out
    )
    return ax


def loading_duration(result: Result, ax: Axes | None = None) -> Axes:
    """Plot the plant area's highest N-0 loading in each hour, sorted, one curve per site."""
    with style_context():
        ax = axes_or_new(ax, (8.0, 4.5))
        hourly = result.table("hourly")
        for k, site in enumerate(_sites(result)):
            h = hourly[hourly["site"] == site]
            col = "max_area_loading_pct" if "max_area_loading_pct" in h else "max_loading_pct"
            curve = np.sort(h[col].to_numpy())[::-1]
            ax.plot(
                np.arange(1, len(curve) + 1),
                curve,
                _STYLES[k % len(_STYLES)],
                color=_SITE_COLOURS[site],
                label=_SITE_LABELS[site],
            )
        ax.axhline(_LIMIT_PCT, color=_OVER, ls="--", lw=1, label="rating (100 %)")
        ax.set_xlabel("hours of the year, sorted by loading (h)")
        ax.set_ylabel("highest loading in the plant's area (%)")
        ax.set_title(
            figure_title(result, "Loading duration of the plant area's most loaded branch, N-0")
        )
        place_legend(ax)
    return ax


def _best_site_text(result: Result, comp: pd.DataFrame) -> str:
    """Say what the comparison shows about the best site, and no more."""
    best = str(result.meta.get("best_site", ""))
    candidates = [s for s in comp.index if s != "none"]
    name = _SITE_LABELS.get(best, best)
    secure = (
        bool(comp.at[best, "n1_secure"]) if "n1_secure" in comp and best in comp.index else None
    )
    if not best or not candidates:
        return "no candidate site"
    if len(candidates) == 1:
        text = f"one candidate, {_SITE_LABELS.get(candidates[0], candidates[0])}"
    else:
        text = f"preferred by the grid study: {name}"
    if secure is False:
        text += " (not N-1 secure in its area)"
    known = best in comp.index and "n1_site_violation_hours" in comp
    hours = float(comp.at[best, "n1_site_violation_hours"]) if known else 0.0
    if np.nan_to_num(hours) > 0:
        text += f", causes N-1 violations in {float(hours):,.0f} h"
    return text


def _ties_text(result: Result) -> str:
    """Which ties the verdict relies on, and the verdict with the disputed ties switched."""
    if "tie_states" not in result.tables:
        return ""
    states = result.table("tie_states")
    own = states[states["scenario_state"].astype(bool)]
    relied = result.meta.get("ties_relied_on") or []
    text = f"{own['tie_state'].iloc[0]}; relies on the ties to {', '.join(relied)}"
    for state, rows in states[~states["scenario_state"].astype(bool)].groupby("tie_state"):
        best = rows.loc[rows["best"].astype(bool), "site"]
        unsafe = rows.loc[(rows["site"] != "none") & ~rows["n1_secure"].astype(bool), "site"]
        text += f"\nwith {state}: best {_SITE_LABELS.get(best.iloc[0], best.iloc[0])}"
        if len(unsafe):
            text += f", not N-1 secure: {', '.join(_SITE_LABELS.get(s, s) for s in unsafe)}"
    return text


def site_comparison(result: Result) -> Figure:
    """Four panels per site: losses, worst N-1 loading in the area, N-1 violation hours caused."""
    with style_context():
        return _site_comparison(result)


def _site_comparison(result: Result) -> Figure:
    comp = result.table("site_comparison").set_index("site")
    sites = _sites(result)
    fig, axes = plt.subplots(2, 2, figsize=(10, 7), layout="constrained")
    panels = (
        ("losses_gwh", 1, "Losses of the Serbian grid (DC estimate)",
         "losses over the hours studied (GWh)"),
        ("worst_area_n1_loading_pct", 1, "Worst N-1 loading in the plant's area", "loading (%)"),
        ("n1_area_violation_hours", 1, "N-1 violations the plant causes, in its area",
         "hours with a violation (h)"),
        ("n1_site_violation_hours", 1, "N-1 violations the plant causes, anywhere",
         "hours with a violation (h)"),
    )  # fmt: skip
    x = np.arange(len(sites))
    for ax, (col, scale, title, unit) in zip(axes.ravel(), panels, strict=True):
        vals = (
            comp.loc[sites, col].to_numpy(dtype=float) * scale if col in comp else np.zeros(len(x))
        )
        vals = np.nan_to_num(vals)
        if not vals.any() and not col.endswith("loading_pct"):  # say it, no row of zero bars
            ax.set_title(title)
            empty_note(ax, "none at any site")
            continue
        ax.bar(x, vals, color=[_SITE_COLOURS[s] for s in sites])
        ax.set_xticks(x, [_SITE_LABELS[s] for s in sites])
        ax.set_xlim(-0.5 - 0.5 * (len(sites) < 3), len(sites) - 0.5 + 0.5 * (len(sites) < 3))
        ax.set_title(title)
        ax.set_ylabel(unit)
        for xi, v in zip(x, vals, strict=True):
            ax.annotate(
                f"{v:.0f}" if v >= 10 else f"{v:.1f}",
                (xi, v),
                ha="center",
                va="bottom",
                fontsize=FONT_PT["annotation"],
            )
        if col.endswith("loading_pct"):
            ax.axhline(_LIMIT_PCT, color=_OVER, ls="--", lw=1)
            ax.set_ylim(0, max(120, float(vals.max()) * 1.1))
    ties = _ties_text(result)
    verdict = _best_site_text(result, comp) + (f"\n{ties}" if ties else "")
    fig.suptitle(figure_title(result, f"Site comparison: {verdict}"))
    return fig


def _short(name: str, width: int = 34) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def n1_worst_cases(result: Result, *, top: int = 6) -> Figure:
    """Plot the `top` worst N-1 loadings in the plant's area per site, one panel per site.

    Each bar is a branch after an outage (label: the branch, and the branch out of
    service), its worst N-0 loading hatched on it; bars over 100 % are vermillion.
    """
    with style_context():
        return _n1_worst_cases(result, top)


def _n1_worst_cases(result: Result, top: int) -> Figure:
    worst = result.table("n1_worst")
    if "in_area" in worst:
        worst = worst[worst["in_area"]]
    sites = _sites(result)
    fig, axes = plt.subplots(
        len(sites), 1, figsize=(9.0, 0.6 + 2.7 * len(sites)), layout="constrained", sharex=True,
        squeeze=False,
    )  # fmt: skip
    axes = axes[:, 0]
    for ax, site in zip(axes, sites, strict=True):
        w = worst[worst["site"] == site].nlargest(top, "loading_pct").iloc[::-1]
        labels = [
            f"{_short(str(e))}\nwithout {_short(str(o))}"
            for e, o in zip(w["element"], w["outage"], strict=True)
        ]
        y = np.arange(len(w))
        colours = [_OVER if v > _LIMIT_PCT else _SITE_COLOURS[site] for v in w["loading_pct"]]
        ax.barh(y, w["loading_pct"], color=colours, label="after the outage (N-1)")
        ax.barh(
            y,
            w["base_loading_pct"],
            color="none",
            edgecolor="black",
            hatch="//",
            label="worst N-0",
        )
        ax.set_yticks(y, labels)
        ax.axvline(_LIMIT_PCT, color=_OVER, ls="--", lw=1)
        ax.set_title(f"Plant at {_SITE_LABELS[site]}" if site != "none" else "No plant")
        if not len(w):
            ax.set_title(f"{ax.get_title()}: no N-1 case in the area")
    axes[-1].set_xlabel("loading (% of rating)")
    place_legend(axes[0])
    fig.suptitle(figure_title(result, "Worst N-1 cases in the plant's area over all hours"))
    return fig


def site_robustness(
    summary: pd.DataFrame, ax: Axes | None = None, *, result: Result | None = None, year: int = 0
) -> Axes:
    """Bars of each site's probability of being N-1 secure and of being the best site.

    Parameters
    ----------
    summary : DataFrame
        :func:`corridor_sim.models.serbia.study.robustness.robustness_summary` (or a result's
        ``robustness_summary`` table); with a ``tie_state`` column (draws studied with the
        disputed ties in both states) each state gets its own pair of bars.
    ax : Axes, optional
        Where to draw.
    result : Result, optional
        The run the table comes from: its scenario and year go in the title.
    year : int, optional
        The study year for the title when there is no `result` (``robustness(2029, ...)``).

    Returns
    -------
    Axes
        Two bars per site and tie state (solid: secure; hatched: preferred), the second
        state's lighter; the legend clear of the bars.

    Examples
    --------
    >>> s = pd.DataFrame({"tie_state": ["RS-XK open"] * 2 + ["RS-XK credited"] * 2,
    ...                   "site": ["trupale", "krusevac"] * 2, "draws": 4,
    ...                   "p_secure": [1.0, 0.5, 1.0, 1.0], "p_best": [0.5, 0.5, 0.25, 0.75]})
    >>> len(site_robustness(s, year=2029).patches)
    8
    """
    with style_context():
        ax = axes_or_new(ax, (7.5, 4.2))
        states = list(dict.fromkeys(summary["tie_state"])) if "tie_state" in summary else [""]
        sites = [s for s in _SITE_COLOURS if s in set(summary["site"])]
        x = np.arange(len(sites))
        width = 0.8 / (2 * len(states))
        for k, state in enumerate(states):
            part = summary if not state else summary[summary["tie_state"] == state]
            s = part.set_index("site").reindex(sites)
            colours = [_SITE_COLOURS[site] for site in sites]
            alpha = 1.0 if k == 0 else 0.45
            where = f" ({state})" if state else ""
            left = x - 0.4 + width * (2 * k + 0.5)
            ax.bar(left, s["p_secure"] * 100, width=width, color=colours, alpha=alpha,
                   label=f"N-1 secure in its area{where}")  # fmt: skip
            ax.bar(left + width, s["p_best"] * 100, width=width, color="white", alpha=alpha,
                   edgecolor=colours, hatch="//", label=f"preferred site{where}")  # fmt: skip
        ax.set_xticks(x, [_SITE_LABELS[k] for k in sites])
        ax.set_ylim(0, 105)
        ax.set_ylabel("share of draws (%)")
        what = f"Robustness over {int(summary['draws'].max())} draws of the catalogue ranges"
        if result is not None:
            ax.set_title(figure_title(result, what))
        else:
            ax.set_title(f"{what}\nSerbian 500 MW plant sites" + (f", {year}" if year else ""))
        place_legend(ax)
    return ax


def gas_balance(result: Result) -> Figure:
    """Gas need per capacity factor against the contract and the route's free capacity.

    Left: annual need (bcm/yr) per capacity factor, contracted volume and free route capacity
    (one line when they are equal, so neither hides the other), shortfall shaded. Right:
    month by month at the scenario's capacity factor, need and delivered, against the date.
    """
    with style_context():
        return _gas_balance(result)


def _gas_balance(result: Result) -> Figure:
    bal = result.table("gas_balance").sort_values("capacity_factor")
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    cf = bal["capacity_factor"].to_numpy()
    need = bal["gas_need_bcm_per_yr"].to_numpy()
    ax.plot(cf, need, "o-", color="black", label="plant gas need")
    contract = float(bal["contracted_bcm_per_yr"].iloc[0])
    free = float(bal["free_capacity_bcm_per_yr"].iloc[0])
    if np.isclose(contract, free, rtol=0.01):
        same = f"contracted volume = route free capacity ({contract:.2f} bcm/yr)"
        ax.axhline(contract, color=CATEGORICAL[0], ls="--", label=same)
    else:
        ax.axhline(contract, color=CATEGORICAL[0], ls="--",
                   label=f"contracted volume ({contract:.2f} bcm/yr)")  # fmt: skip
        ax.axhline(free, color=CATEGORICAL[1], ls=":", lw=2,
                   label=f"route free capacity ({free:.2f} bcm/yr)")  # fmt: skip
    plan = result.meta.get("contract_plan_bcm_per_yr")
    if plan is not None and not np.isclose(float(plan), contract, rtol=0.01):
        ax.axhline(float(plan), color="0.4", ls="-.", lw=1,
                   label=f"planned contract, C7 ({float(plan):.2f} bcm/yr)")  # fmt: skip
    limit = bal["supply_limit_bcm_per_yr"].to_numpy()
    left = float(bal["contract_available_bcm_per_yr"].iloc[0])
    if not np.isclose(left, contract, rtol=0.01):
        what = f"contract left for the plant after today's users ({left:.2f} bcm/yr)"
        ax.axhline(left, color=CATEGORICAL[2], lw=2.5, label=what)
    if (need > limit).any():
        ax.fill_between(cf, limit, need, where=need > limit, color=_OVER, alpha=0.25,
                        label="shortfall")  # fmt: skip
    ax.set_xlabel("capacity factor of the plant (share of the year at full output, 0–1)")
    ax.set_ylabel("gas (bcm/yr)")
    ax.set_title(f"Annual gas need and supply (bottleneck: {bal['bottleneck'].iloc[0]})")
    place_legend(ax)
    unmet = result.unmet
    plant = unmet[unmet["element"] == "plant"].sort_values("period")
    cf_now = next((r for r in result.summary().itertuples() if r.metric == "capacity_factor"), None)
    if len(plant):
        x, dated = time_values(plant)
        width = 0.8 * 30.4 if dated else 0.8
        ax2.bar(x, plant["demand_mcm"], width=width, color="0.8", label="need")
        delivered = plant["delivered_mcm"].to_numpy(dtype=float)
        if delivered.sum() > 0:
            ax2.bar(x, delivered, width=width / 2, color=CATEGORICAL[2], label="delivered")
        time_axis(ax2, dated=dated, step="month")
        ax2.set_ylabel("gas per month (mcm)")
        place_legend(ax2)
        at = f" at capacity factor {cf_now.value:.2f}" if cf_now else ""
        none = "" if delivered.sum() > 0 else ": nothing delivered"
        ax2.set_title(f"Ratable monthly deliveries{at}{none}")
    else:
        ax2.set_visible(False)
    fig.suptitle(figure_title(result, "Gas for the plant: need, contract and route"))
    return fig


def figures(result: Result) -> dict[str, Figure]:
    """All standard figures of a ``serbia`` result, keyed by file stem."""
    out = {
        "serbia_grid_map": cast("Figure", grid_map(result).figure),
        "serbia_loading_duration": cast("Figure", loading_duration(result).figure),
        "serbia_site_comparison": site_comparison(result),
        "serbia_n1_worst_cases": n1_worst_cases(result),
        "serbia_gas_balance": gas_balance(result),
    }
    if "robustness_summary" in result.tables:
        table = result.table("robustness_summary")
        out["serbia_site_robustness"] = cast("Figure", site_robustness(table, result=result).figure)
    out.update(gas_chain_figures(result))  # the daily gas chain on the run's own dispatch
    if "load_hourly" in result.tables:
        out["serbia_load_validation"] = load_validation(result)
    return out
