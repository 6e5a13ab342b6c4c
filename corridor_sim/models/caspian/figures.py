"""Figures of a Caspian corridor Result (reads the Result only; never calls ``show``).

``corridor_map`` (energy and traced green share of every link on the basemap),
``export_stack`` (a week of exports coloured by origin), ``loading_duration_curves``,
``curtailment_by_month`` (only drawn by :func:`figures` when something is curtailed),
``capacity_study_curves`` (the grid search with the optimisation's ratings on it) and
``figures``. Colours are colour-blind safe (Okabe–Ito, viridis), every text is at least
8 pt, labels are placed so that they do not overlap, titles name the scenario.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D

from corridor_sim.plotting.basemap import draw_basemap, map_extent
from corridor_sim.plotting.labels import place_labels
from corridor_sim.plotting.layout import empty_note, place_legend
from corridor_sim.plotting.style import (
    CATEGORICAL,
    FONT_PT,
    MAP_COLOURS,
    axes_or_new,
    cmap,
    figure_of,
    figure_title,
    time_axis,
    time_values,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from corridor_sim.results.result import Result

__all__ = [
    "ORIGIN_GROUPS",
    "capacity_study_curves",
    "corridor_map",
    "curtailment_by_month",
    "export_stack",
    "figures",
    "loading_duration_curves",
]

_HUB_NAMES = {
    "kz_west": "Aktau", "kz_rest": "Kazakhstan", "uz": "Uzbekistan", "az_absheron": "Baku",
    "az_rest": "Azerbaijan", "nakhchivan": "Nakhchivan", "ge": "Georgia",
    "ge_black_sea": "Anaklia", "tr": "Türkiye", "tr_east": "Erzurum", "ro_constanta": "Constanța",
    "europe": "Europe", "ru": "Russia", "ir": "Iran",
}  # fmt: skip
_LINK_NAMES = {
    "caspian_cable": "Caspian cable", "black_sea_cable": "Black Sea cable",
    "ge_tr": "Georgia–Türkiye", "az_ge": "Azerbaijan–Georgia", "az_nakhchivan": "Zangezur line",
    "nakhchivan_tr": "Nakhchivan–Türkiye", "kz_uz": "Kazakhstan–Uzbekistan",
    "tr_eu": "Türkiye–EU", "az_ru": "Azerbaijan–Russia", "az_ir": "Azerbaijan–Iran",
}  # fmt: skip
#: Origin groups of the export stack: (label, colour, sources).
ORIGIN_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Azerbaijani wind", CATEGORICAL[0], ("az.wind",)),
    ("Azerbaijani solar", CATEGORICAL[6], ("az.solar",)),
    ("hydro (Caucasus)", CATEGORICAL[5], ("az.hydro", "ge.hydro")),
    ("Central Asian green", CATEGORICAL[2], ("kz.wind", "kz.solar", "kz.hydro", "uz.wind",
                                             "uz.solar", "uz.hydro")),
    ("other green", CATEGORICAL[4], ()),
    ("thermal (fossil)", CATEGORICAL[3], ()),
    ("bought from markets", "0.55", ()),
)  # fmt: skip
_LABEL_BOX = {"boxstyle": "round,pad=0.2", "fc": "white", "alpha": 0.85, "lw": 0}
#: Hubs curtailing less than this share of the total are too thin a bar to draw.
_THIN_SHARE = 0.005


def _group(source: str, category: str) -> str:
    for label, _, sources in ORIGIN_GROUPS:
        if source in sources:
            return label
    return {"green": "other green", "fossil": "thermal (fossil)"}.get(
        category, "bought from markets"
    )


def _twh(value: float) -> str:
    """Format an energy label: one decimal from 1 TWh, two below."""
    return f"{value:.1f}" if abs(value) >= 1 else f"{value:.2f}"


def _link_energy(result: Result) -> pd.DataFrame:
    """Per link from ``link_statistics``: energies each way, hours at the limit, green share."""
    stats = result.table("link_statistics").set_index("element")
    cols = ["forward_energy_twh", "backward_energy_twh", "binding_periods"]
    if "forward_green_share_pct" in stats:
        cols.append("forward_green_share_pct")
    return stats[cols].rename(columns={"forward_green_share_pct": "green_share_pct"})


def corridor_map(result: Result, ax: Axes | None = None) -> Axes:
    """Links on the basemap: width = energy moved westward, colour = its traced green share.

    Every number on the map is read from the result's tables: the forward (westward)
    and backward energy of ``link_statistics`` (measured at the link's from-end, as the
    summary's ``export_via_*_twh``), its hours at the limit ("full") and the traced green
    share of the forward energy (``forward_green_share_pct``, from ``origin_by_source``).
    Cross-border links are coloured by that share (viridis, 0-100 %); links inside a country
    are grey; HVDC links and converters carry a white dashed centre line.
    """
    hubs = result.table("hubs").set_index("element")
    links = result.table("links").set_index("element")
    energy = _link_energy(result)
    live = links[(links["capacity_mw"] > 0) | (links["kind"] == "internal")]
    used = set(live["from_hub"]) | set(live["to_hub"])
    shown = hubs[hubs.index.isin(used)]
    view = map_extent(shown["lon"], shown["lat"], pad=0.05)
    if ax is None:
        _, ax = plt.subplots(figsize=(12, 7.5), layout="constrained")
    draw_basemap(ax, view)
    colours, norm = cmap("utilisation"), Normalize(0, 100)
    top_link = energy["forward_energy_twh"].idxmax()
    top = max(float(energy.at[top_link, "forward_energy_twh"]), 1e-9)
    points, texts, samples = [], [], []
    for link, row in live.iterrows():
        a, b = hubs.loc[row["from_hub"]], hubs.loc[row["to_hub"]]
        e = energy.loc[link] if link in energy.index else None
        twh = float(e["forward_energy_twh"]) if e is not None else 0.0
        back = float(e["backward_energy_twh"]) if e is not None else 0.0
        width = 1.0 + 8.0 * np.sqrt(min(twh, top) / top)
        share = float(e.get("green_share_pct", np.nan)) if e is not None else np.nan
        internal = row["kind"] == "internal"
        colour = MAP_COLOURS["no_limit"] if internal or np.isnan(share) else colours(norm(share))
        ax.plot([a.lon, b.lon], [a.lat, b.lat], color="black", lw=width + 1.0, zorder=2,
                solid_capstyle="round")  # fmt: skip
        ax.plot([a.lon, b.lon], [a.lat, b.lat], color=colour, lw=width, zorder=3,
                solid_capstyle="round")  # fmt: skip
        if row["kind"] in ("hvdc", "b2b"):  # converters: a white dashed centre line
            ax.plot([a.lon, b.lon], [a.lat, b.lat], color="white", lw=0.8, ls=(0, (3, 2)),
                    zorder=4)  # fmt: skip
        if internal or e is None or twh + back <= 0:  # no statistics: no energy either
            continue
        hours = int(e["binding_periods"])
        green = "" if np.isnan(share) else f", {share:.0f} % green"
        east = f"\n{_twh(back)} TWh east" if back >= 0.005 else ""
        text = f"{_LINK_NAMES.get(link, link)}\n{_twh(twh)} TWh west{green}{east}, {hours:,} h full"
        points.append(((a.lon + b.lon) / 2, (a.lat + b.lat) / 2))
        samples += [(a.lon + (b.lon - a.lon) * f, a.lat + (b.lat - a.lat) * f)
                    for f in np.linspace(0.05, 0.95, 12)]  # fmt: skip
        texts.append(text)
    ax.plot(shown["lon"], shown["lat"], "o", color=MAP_COLOURS["node"], ms=6, zorder=5)
    sm = plt.cm.ScalarMappable(norm=norm, cmap=colours)
    cax = ax.inset_axes((1.02, 0.1, 0.02, 0.8))
    ax.figure.colorbar(sm, cax=cax, label="green share of the westward energy, traced (%)")
    handles = [
        Line2D(
            [], [], color="0.4", lw=1 + 8.0, label=f"{_twh(top)} TWh westward over the horizon"
        ),  # fmt: skip
        Line2D([], [], color="0.4", lw=5.0, ls=(0, (3, 1)), label="HVDC (white dashes)"),
        Line2D([], [], color=MAP_COLOURS["no_limit"], lw=3, label="inside a country"),
    ]
    legend = ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08),
                       ncols=3, frameon=False)  # fmt: skip
    ax.set_title(figure_title(result, "Energy moved westward and its traced green share"))
    hub_points = list(zip(shown["lon"], shown["lat"], strict=True))
    place_labels(ax, points, texts, fontsize=FONT_PT["annotation"], centred=True, avoid=[legend],
                 avoid_points=[*samples, *hub_points], multialignment="center",
                 bbox=_LABEL_BOX)  # fmt: skip
    place_labels(ax, list(zip(shown["lon"], shown["lat"], strict=True)),
                 [_HUB_NAMES.get(h, h) for h in shown.index], weight="bold", avoid=[legend],
                 avoid_points=samples)  # fmt: skip
    return ax


def export_stack(result: Result, week: int | None = None, ax: Axes | None = None) -> Axes:
    """Stack a week of hourly exports (all routes) by traced origin (default ``meta['week']``)."""
    ax = axes_or_new(ax, (9, 4.8))
    week = int(result.meta.get("week", 0) if week is None else week)
    lo, hi = week * 168, (week + 1) * 168
    exp = result.table("exports")
    sel = exp[(exp["hour"] >= lo) & (exp["hour"] < hi)]
    stamps = sel.groupby("hour")["snapshot"].first()
    org = result.tables.get("export_origin", pd.DataFrame())
    if not org.empty:
        org = org[(org["hour"] >= lo) & (org["hour"] < hi)]
    groups = [g[0] for g in ORIGIN_GROUPS]
    colour = {g[0]: g[1] for g in ORIGIN_GROUPS}
    if org.empty:
        wide = pd.DataFrame(index=stamps.index, columns=groups, dtype=float).fillna(0.0)
    else:
        org = org.assign(group=[_group(s, c) for s, c in zip(org["source"], org["category"],
                                                              strict=True)])  # fmt: skip
        wide = org.pivot_table(index="hour", columns="group", values="p_mw", aggfunc="sum")
        wide = wide.reindex(index=stamps.index, columns=groups).fillna(0.0)
    wide = wide.loc[:, wide.sum() > 0]
    x = pd.to_datetime(stamps.to_numpy())
    if len(wide.columns):
        ax.stackplot(x, wide.T.to_numpy(), labels=list(wide.columns),
                     colors=[colour[c] for c in wide.columns], alpha=0.9)  # fmt: skip
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    total = sel[sel["p_mw"] > 0].groupby("hour")["p_mw"].sum().reindex(stamps.index).fillna(0.0)
    ax.plot(x, total.to_numpy(), color="black", lw=0.8, label="_total")
    ax.xaxis.set_major_locator(mdates.DayLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.set_xlabel("date (UTC, hourly)")
    ax.set_ylabel("export leaving the South Caucasus (MW)")
    ax.set_ylim(bottom=0)
    what = f"Exports by traced origin, week {week}"
    if not len(wide.columns):
        what += ": nothing exported"
    ax.set_title(figure_title(result, what))
    return ax


def loading_duration_curves(result: Result, ax: Axes | None = None) -> Axes:
    """Plot each cross-border link's loading sorted from highest to lowest (duration curve)."""
    ax = axes_or_new(ax, (8, 4.5))
    flows = result.flows
    styles = ("-", "--", "-.", ":")  # links at 100 % all year overlap: keep each visible
    drawn = 0
    for link in _LINK_NAMES:
        sub = flows[flows["element"] == link]
        if sub.empty or float(sub["limit_mw"].max()) <= 0:
            continue
        curve = np.sort(sub["loading_pct"].to_numpy())[::-1]
        colour = CATEGORICAL[drawn % len(CATEGORICAL)]
        style = styles[(drawn // len(CATEGORICAL) + drawn) % len(styles)]
        ax.plot(np.arange(1, curve.size + 1), curve, style, color=colour,
                label=_LINK_NAMES[link], linewidth=2)  # fmt: skip
        drawn += 1
    ax.set_xlabel("hours, sorted by loading (h)")
    ax.set_ylabel("loading (% of rating)")
    ax.set_ylim(0, 105)
    place_legend(ax, ncols=2)
    ax.set_title(figure_title(result, "Loading duration curves"))
    return ax


def curtailment_by_month(result: Result, ax: Axes | None = None) -> Axes:
    """Bar chart of curtailed green energy per month, stacked by hub (GWh), against the date.

    Hubs whose curtailment over the horizon is below 0.5 % of the total (too thin a bar to
    see) are left out of the bars and the legend; the title says so (every number on a
    figure is a value of the result's tables).
    """
    ax = axes_or_new(ax, (8, 4.5))
    cur = result.table("curtailment")
    index = "snapshot" if "snapshot" in cur else "period"
    wide = cur.pivot_table(index=index, columns="element", values="curtailed_gwh", aggfunc="sum")
    wide = wide.fillna(0.0)
    totals = wide.sum()
    total = float(totals.sum())
    shown = totals[totals > max(_THIN_SHARE * total, 1e-9)].sort_values(ascending=False).index
    hidden = total - float(totals[shown].sum())
    wide = wide.loc[:, shown]
    x, dated = time_values(wide.index.to_frame(index=False))
    width = 0.8 * 30.4 if dated else 0.8
    bottom = np.zeros(len(wide))
    for j, hub in enumerate(wide.columns):
        ax.bar(x, wide[hub], bottom=bottom, width=width, label=_HUB_NAMES.get(hub, hub),
               color=CATEGORICAL[j % len(CATEGORICAL)])  # fmt: skip
        bottom += wide[hub].to_numpy()
    what = "Curtailed green energy by month"
    if not len(wide.columns):  # say what is empty rather than draw bare axes
        ax.set_title(figure_title(result, what + ": none curtailed"))
        year = result.meta.get("year", "the year")
        return empty_note(ax, f"Nothing curtailed in {year}: all the wind and solar\n"
                              "energy offered was used or exported")  # fmt: skip
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if hidden > 0:
        what += " (hubs with too little to show left out)"
    time_axis(ax, dated=dated, step="month", label="month (of the model year)")
    ax.set_ylabel("curtailed green energy (GWh)")
    ax.set_title(figure_title(result, what))
    return ax


def capacity_study_curves(result: Result) -> Figure:
    """Plot the grid search against the cable ratings, with the optimised ratings marked.

    Left: exported energy against the Caspian cable rating, one line per Black Sea rating
    (label: the bottleneck). Right: the cost of the corridor per year (operation, from the
    dispatch objective, plus the annuities of what the links add) at each grid point, from
    the hours dispatched; the optimisation's ratings (table ``sizing``) are a star at their
    cost, counted the same way.
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.8), layout="constrained")
    study = result.tables.get("capacity_study", pd.DataFrame())
    sizing = result.tables.get("sizing", pd.DataFrame())
    for j, (bs, grp) in enumerate(study.groupby("black_sea_mw") if not study.empty else []):
        grp = grp.sort_values("caspian_mw")
        x = grp["caspian_mw"].to_numpy() / 1000
        c = CATEGORICAL[j % len(CATEGORICAL)]
        ax1.plot(x, grp["exported_twh"], "o-", color=c, label=f"Black Sea {bs:,.0f} MW")
        per_year = grp["annual_cost_meur"] * 8760 / grp["hours"]  # the horizon's cost, a year
        ax2.plot(x, per_year, "o-", color=c, label=f"Black Sea {bs:,.0f} MW")
        place_labels(ax1, list(zip(x, grp["exported_twh"], strict=True)),
                     list(grp["bottleneck"]), fontsize=FONT_PT["annotation"],
                     leader=False)  # fmt: skip
    if not sizing.empty:
        opt = sizing.set_index("element")
        cm = (
            float(opt.at["caspian_cable", "rating_mw"]) / 1000
            if "caspian_cable" in opt.index
            else 0
        )
        bs = float(opt.at["black_sea_cable", "rating_mw"]) if "black_sea_cable" in opt.index else 0
        cost = float(result.summary().set_index("metric").get("value", pd.Series()).get(
            "sizing_annual_cost_meur", np.nan))  # fmt: skip
        ax2.plot([cm], [cost], "*", ms=16, color="black",
                 label=f"optimum: Caspian {cm * 1000:,.0f} MW, Black Sea {bs:,.0f} MW")  # fmt: skip
    ax1.set_xlabel("Caspian cable rating (GW)")
    ax1.set_ylabel("exported energy (TWh)")
    ax1.set_title("Export (label: the bottleneck)")
    ax2.set_xlabel("Caspian cable rating (GW)")
    ax2.set_ylabel("operation + cable annuities (MEUR/yr)")
    ax2.set_title("Annual cost of the corridor")
    for ax in (ax1, ax2):
        if ax.lines:
            place_legend(ax)
    what = "Cable sizes: grid search and optimisation"
    if study.empty and sizing.empty:
        what += ": no study in this run"
    fig.suptitle(figure_title(result, what))
    return fig


def figures(result: Result) -> dict[str, Figure]:
    """Return every figure of a caspian Result with something to show, keyed by file stem.

    ``caspian_curtailment_by_month`` only when green energy was curtailed, and
    ``caspian_capacity_study`` only with a capacity study or a sizing in the run.
    """
    out: dict[str, Figure] = {}
    for stem, draw in (
        ("caspian_map", corridor_map),
        ("caspian_export_stack", export_stack),
        ("caspian_loading_duration", loading_duration_curves),
    ):
        out[stem] = figure_of(draw(result))
    if float(result.table("curtailment")["curtailed_gwh"].sum()) > 1e-6:
        out["caspian_curtailment_by_month"] = figure_of(curtailment_by_month(result))
    if "capacity_study" in result.tables or "sizing" in result.tables:
        out["caspian_capacity_study"] = capacity_study_curves(result)
    return out
