"""Maps of commodity networks drawn from a Result's ``nodes`` and ``flows`` tables only.

:func:`commodity_map` works for any model whose Result has a ``nodes`` table (``element``,
``kind``, ``lon``, ``lat``, ``label``) and the standard ``flows`` table (``element``,
``source``, ``target``, ``flow_<unit>``, ``capacity_<unit>``): the oil route, the user's own
commodity network with coordinates, the next corridor. Arc width is the flow over the
horizon, colour its utilisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import Normalize

from corridor_sim.units import PERCENT

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from corridor_sim.results.result import Result

__all__ = ["arc_totals", "commodity_map", "has_map"]


def _flow_columns(flows: pd.DataFrame) -> tuple[str, str, str]:
    flow = next((c for c in flows.columns if re.match(r"^flow_", str(c))), None)
    if flow is None:
        msg = f"flows table has no flow_<unit> column (columns {list(flows.columns)})"
        raise KeyError(msg)
    unit = flow.removeprefix("flow_")
    return flow, f"capacity_{unit}", unit


def has_map(result: Result) -> bool:
    """Whether `result` has node positions to draw (a ``nodes`` table with lon and lat)."""
    nodes = result.tables.get("nodes")
    return (
        nodes is not None
        and {"lon", "lat"} <= set(nodes.columns)
        and bool(nodes[["lon", "lat"]].notna().all(axis=1).any())
        and not result.flows.empty
    )


def arc_totals(result: Result) -> pd.DataFrame:
    """Flow and capacity of every arc summed over the horizon, with its utilisation.

    Returns
    -------
    DataFrame
        Indexed by arc: ``source``, ``target``, ``flow_<unit>``, ``capacity_<unit>``,
        ``utilisation_pct`` (NaN where the capacity is 0 or unlimited).
    """
    flows = result.flows
    flow, cap, _ = _flow_columns(flows)
    totals = flows.groupby("element", sort=False).agg(
        source=("source", "first"),
        target=("target", "first"),
        **{flow: (flow, "sum"), cap: (cap, "sum")},
    )
    ok = np.isfinite(totals[cap]) & (totals[cap] > 0)
    totals["utilisation_pct"] = np.where(ok, PERCENT * totals[flow] / totals[cap].where(ok), np.nan)
    return totals


def commodity_map(
    result: Result,
    ax: Axes | None = None,
    *,
    via: Mapping[str, Sequence[str]] | None = None,
    hide: Iterable[str] = (),
    offsets: Mapping[str, float] | None = None,
    title: str | None = None,
    scale: float = 1.0,
) -> Axes:
    """Draw a commodity network: arc width = flow over the horizon, colour = utilisation.

    Parameters
    ----------
    result : Result
        Has a ``nodes`` table (``element``, ``kind``, ``lon``, ``lat``) and ``flows``.
    ax : Axes, optional
        Where to draw; a new figure when missing.
    via : mapping of arc id to node ids, optional
        Paths through waypoints (ends included), e.g. ``{"btc": ("baku", "tbilisi", "ceyhan")}``.
    hide : iterable of str
        Node or arc ids not drawn (sinks, tanks); arcs touching a hidden node are not drawn.
    offsets : mapping of arc id to float, optional
        Latitude offset (degrees) of arcs drawn beside another on a shared stretch.
    title : str, optional
        Figure title (default names the scenario and the units).
    scale : float, default 1.0
        Flow units per displayed unit in the labels (1000: kt shown as Mt).

    Returns
    -------
    Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9.0, 6.0), layout="constrained")
    via = dict(via or {})
    offsets = dict(offsets or {})
    hidden = set(hide)
    nodes = result.table("nodes").set_index("element")
    totals = arc_totals(result)
    flow, _, unit = _flow_columns(result.flows)
    shown_unit = {1000.0: {"kt": "Mt", "t": "kt"}}.get(float(scale), {}).get(unit, unit)
    cmap = colormaps["viridis"]
    norm = Normalize(0, 100)
    top = max(float(totals[flow].max()), 1e-12)
    for arc, row in totals.iterrows():
        if arc in hidden or row["source"] in hidden or row["target"] in hidden:
            continue
        path = list(via.get(str(arc), (row["source"], row["target"])))
        if not set(path) <= set(nodes.index) or nodes.loc[path, ["lon", "lat"]].isna().any().any():
            continue
        xs = nodes.loc[path, "lon"].to_numpy(dtype=float)
        ys = nodes.loc[path, "lat"].to_numpy(dtype=float)
        dy = float(offsets.get(str(arc), 0.0))
        if dy:
            ys = ys + np.r_[np.full(len(ys) - 1, dy), 0.0]
        width = 1 + 9 * np.sqrt(max(row[flow], 0.0) / top)
        pct = row["utilisation_pct"]
        colour = "lightgrey" if np.isnan(pct) else cmap(norm(pct))
        ax.plot(xs, ys, color="black", lw=width + 1.2, solid_capstyle="round", zorder=1)
        ax.plot(xs, ys, color=colour, lw=width, solid_capstyle="round", zorder=2)
        seg = 0 if dy else len(xs) - 2
        mx = (xs[seg] + xs[seg + 1]) / 2
        my = (ys[seg] + ys[seg + 1]) / 2 + (dy if dy else 0.0)
        share = "" if np.isnan(pct) else f", {pct:.0f}%"
        ax.annotate(
            f"{arc}\n{row[flow] / scale:.2f} {shown_unit}{share}",
            (mx, my),
            fontsize=8,
            ha="center",
            va="center",
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "alpha": 0.8, "lw": 0},
            zorder=4,
        )
    shown = nodes[~nodes.index.isin(hidden) & nodes[["lon", "lat"]].notna().all(axis=1)]
    for nid, row in shown.iterrows():
        marker = "." if row.get("kind") == "waypoint" else "o"
        ax.plot(row["lon"], row["lat"], marker, color="black", ms=7, zorder=5)
        ax.annotate(
            str(nid),
            (row["lon"], row["lat"]),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=9,
            weight="bold",
            zorder=6,
        )
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    ax.figure.colorbar(sm, ax=ax, label="utilisation over the horizon (%)", shrink=0.7)
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    mid_lat = float(shown["lat"].mean()) if len(shown) else 0.0
    ax.set_aspect(1 / np.cos(np.deg2rad(mid_lat)))
    ax.margins(0.08)
    label = result.meta.get("scenario") or result.meta.get("name") or result.meta.get("model", "")
    ax.set_title(title or f"{label}: flow over the horizon (width) and utilisation (colour)")
    return ax
