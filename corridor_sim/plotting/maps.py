"""Maps of commodity networks drawn from a Result's ``nodes`` and ``flows`` tables only.

:func:`commodity_map` works for any model whose Result has a ``nodes`` table (``element``,
``kind``, ``lon``, ``lat``, ``label``) and the standard ``flows`` table (``element``,
``source``, ``target``, ``flow_<unit>``, ``capacity_<unit>``): the oil route, the user's own
commodity network with coordinates, the next corridor. Arc width is the flow over the
horizon, colour its utilisation, over land, seas, coastlines and borders
(:mod:`corridor_sim.plotting.basemap`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D

from corridor_sim.engines.commodity import horizon_totals
from corridor_sim.plotting.basemap import draw_basemap, map_extent
from corridor_sim.plotting.labels import place_labels
from corridor_sim.plotting.style import FONT_PT, MAP_COLOURS, figure_title
from corridor_sim.plotting.style import cmap as style_cmap

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from corridor_sim.results.result import Result

__all__ = ["arc_totals", "commodity_map", "has_map", "map_figsize"]


def _flow_columns(flows: pd.DataFrame) -> tuple[str, str, str]:
    flow = next((c for c in flows.columns if re.match(r"^flow_", str(c))), None)
    if flow is None:
        msg = f"flows table has no flow_<unit> column (columns {list(flows.columns)})"
        raise KeyError(msg)
    unit = flow.removeprefix("flow_")
    return flow, f"capacity_{unit}", unit


def has_map(result: Result) -> bool:
    """Whether `result` has node positions to draw (a ``nodes`` table with lon and lat).

    Parameters
    ----------
    result : Result
        Any result.

    Returns
    -------
    bool
        True when at least one node has a longitude and a latitude and the ``flows``
        table is not empty: then :func:`commodity_map` can draw it.

    Examples
    --------
    >>> import corridor_sim as cs
    >>> from corridor_sim.scenarios import example_scenario
    >>> has_map(cs.run(example_scenario()))
    True
    """
    nodes = result.tables.get("nodes")
    return (
        nodes is not None
        and {"lon", "lat"} <= set(nodes.columns)
        and bool(nodes[["lon", "lat"]].notna().all(axis=1).any())
        and not result.flows.empty
    )


def arc_totals(result: Result) -> pd.DataFrame:
    """Flow and capacity of every arc summed over the horizon, with its utilisation.

    A result that stores the table (``arc_totals``: the oil route and the Middle Corridor,
    in Mt) gives it as stored, so a map's labels and the table are the same figures;
    otherwise it is summed from ``flows`` in the flows' unit.

    Parameters
    ----------
    result : Result
        A commodity result (a ``flows`` table with ``flow_<unit>`` and ``capacity_<unit>``).

    Returns
    -------
    DataFrame
        Indexed by arc: ``source``, ``target``, ``flow_<unit>``, ``capacity_<unit>``,
        ``utilisation_pct`` (NaN where the capacity is 0 or unlimited).

    Examples
    --------
    >>> from corridor_sim.engines.commodity import Arc, CommodityNetwork, Node, solve
    >>> from corridor_sim.plotting.maps import arc_totals
    >>> net = CommodityNetwork(
    ...     nodes=(Node("a", kind="supply", supply=5.0), Node("b", kind="demand", demand=8.0)),
    ...     arcs=(Arc("a", "b", capacity=10.0, cost=1.0),),
    ... )
    >>> arc_totals(solve(net))[["flow_t", "capacity_t", "utilisation_pct"]]
             flow_t  capacity_t  utilisation_pct
    element
    a->b        5.0        10.0             50.0
    """
    stored = result.tables.get("arc_totals")
    if stored is not None:
        return stored.set_index("element")
    return horizon_totals(result.flows)


#: Display form of a unit suffix of a table column (``flow_mt`` is in Mt).
_UNIT_NAMES = {"mt": "Mt", "twh": "TWh", "gwh": "GWh", "mwh": "MWh", "teu": "TEU"}

_MARKERS = {"supply": "^", "demand": "v", "storage": "s", "transit": "o", "waypoint": "."}
_KIND_NAMES = {
    "supply": "supply",
    "demand": "demand",
    "storage": "storage",
    "transit": "junction or terminal",
    "waypoint": "waypoint",
}


def _amount(value: float) -> str:
    """Format a quantity for a label: three significant figures, thousands separated."""
    if value == 0 or not np.isfinite(value):
        return f"{value:g}"
    digits = max(0, 2 - int(np.floor(np.log10(abs(value)))))
    return f"{value:,.{digits}f}"


def _samples(xs: np.ndarray, ys: np.ndarray, step: float) -> list[tuple[float, float]]:
    """Points every `step` (data units) along the polyline xs, ys."""
    out = []
    for x0, y0, x1, y1 in zip(xs[:-1], ys[:-1], xs[1:], ys[1:], strict=True):
        n = max(2, int(np.hypot(x1 - x0, y1 - y0) / step) + 1)
        t = np.linspace(0.0, 1.0, n)
        out += list(zip(x0 + t * (x1 - x0), y0 + t * (y1 - y0), strict=True))
    return out


def _arc_name(arc: str, names: Mapping[str, str]) -> str:
    return names.get(arc) or arc.replace("->", " → ").replace("_", " ")


def _node_name(node: str, row: pd.Series, names: Mapping[str, str]) -> str:
    label = row.get("label")
    if node in names:
        return names[node]
    return str(label) if isinstance(label, str) and label.strip() else node.replace("_", " ")


def map_figsize(extent: Sequence[float], width_in: float = 9.0) -> tuple[float, float]:
    """Figure size (inches) for a map of `extent` with a colour bar, a title and a legend below.

    The map's height follows its shape on the page (the equirectangular aspect), so the
    colour bar sits beside it and no band of white is left over.

    Parameters
    ----------
    extent : (lon0, lon1, lat0, lat1)
        The region the map shows, in degrees.
    width_in : float, default 9.0
        Figure width in inches.

    Returns
    -------
    (float, float)
        Width and height in inches; the height is kept within 4 to 10 inches.

    Examples
    --------
    >>> width, height = map_figsize((22.45, 75.75, 32.44, 52.16))
    >>> width, round(height, 1)
    (9.0, 5.8)
    """
    lon0, lon1, lat0, lat1 = (float(v) for v in extent)
    shrink = float(np.cos(np.deg2rad((lat0 + lat1) / 2)))
    ratio = (lat1 - lat0) / ((lon1 - lon0) * shrink)
    map_width = width_in - 1.8  # the colour bar and the latitude labels
    return width_in, float(np.clip(map_width * ratio + 2.2, 4.0, 10.0))


def commodity_map(
    result: Result,
    ax: Axes | None = None,
    *,
    via: Mapping[str, Sequence[str]] | None = None,
    hide: Iterable[str] = (),
    offsets: Mapping[str, float] | None = None,
    title: str | None = None,
    scale: float = 1.0,
    names: Mapping[str, str] | None = None,
    extent: Sequence[float] | None = None,
) -> Axes:
    """Draw a commodity network on a map: arc width = flow over the horizon, colour = utilisation.

    The basemap (land, seas, coastlines, borders; :func:`.basemap.draw_basemap`) is
    drawn under the network in the equirectangular projection corrected at the middle
    latitude. Node and arc labels are placed so that they do not collide
    (:func:`.labels.place_labels`); nodes are named by the ``label`` column of the
    ``nodes`` table. The legend lists only what the map shows.

    Parameters
    ----------
    result : Result
        Has a ``nodes`` table (``element``, ``kind``, ``lon``, ``lat``, ``label``) and ``flows``.
    ax : Axes, optional
        Where to draw; a new figure when missing.
    via : mapping of arc id to node ids, optional
        Paths through waypoints (ends included), e.g. ``{"btc": ("baku", "tbilisi", "ceyhan")}``.
    hide : iterable of str
        Node or arc ids not drawn (sinks, tanks); arcs touching a hidden node are not drawn.
    offsets : mapping of arc id to float, optional
        Latitude offset (degrees) of arcs drawn beside another on a shared stretch.
    title : str, optional
        What the figure shows (default: flow and utilisation); the scenario is added
        (:func:`.style.figure_title`).
    scale : float, default 1.0
        Flow units per displayed unit in the labels (1000: kt shown as Mt).
    names : mapping of id to str, optional
        Display names of arcs or nodes (default: the node's label, the arc's id in words).
    extent : (lon0, lon1, lat0, lat1), optional
        Region shown (default: around the nodes drawn).

    Returns
    -------
    Axes
        The map; its figure has the colour bar of utilisation (%) and the legend.

    Raises
    ------
    UnknownNameError
        The result has no ``nodes`` table (see :func:`has_map`).

    Examples
    --------
    >>> import corridor_sim as cs
    >>> from corridor_sim.scenarios import example_scenario
    >>> ax = commodity_map(cs.run(example_scenario(name="toy")))
    >>> [t.get_text().splitlines()[0] for t in ax.texts]
    ['Aktau', 'Baku', 's → d']
    >>> ax.get_title().splitlines()[-1]
    'scenario toy (commodity, 2025)'
    """
    via = dict(via or {})
    offsets = dict(offsets or {})
    names = dict(names or {})
    hidden = set(hide)
    nodes = result.table("nodes").set_index("element")
    totals = arc_totals(result)
    flow, _, unit = _flow_columns(totals)
    unit = _UNIT_NAMES.get(unit, unit)
    shown_unit = {1000.0: {"kt": "Mt", "t": "kt"}}.get(float(scale), {}).get(unit, unit)
    placed = nodes[nodes[["lon", "lat"]].notna().all(axis=1)]
    shown = placed[~placed.index.isin(hidden)]
    drawn = []
    for arc, row in totals.iterrows():
        if arc in hidden or row["source"] in hidden or row["target"] in hidden:
            continue
        path = list(via.get(str(arc), (row["source"], row["target"])))
        if set(path) <= set(placed.index):
            drawn.append((str(arc), row, path))
    lon = np.r_[shown["lon"].to_numpy(float), [placed.loc[n, "lon"] for *_, p in drawn for n in p]]
    lat = np.r_[shown["lat"].to_numpy(float), [placed.loc[n, "lat"] for *_, p in drawn for n in p]]
    view = tuple(extent) if extent is not None else map_extent(lon, lat)
    if ax is None:
        _, ax = plt.subplots(figsize=map_figsize(view), layout="constrained")
    draw_basemap(ax, view)
    cmap = style_cmap("utilisation")
    norm = Normalize(0, 100)
    top = max((float(row[flow]) for _, row, _ in drawn), default=0.0)
    arc_points, arc_texts = [], []
    line_points: list[tuple[float, float]] = []
    unlimited = False
    for arc, row, path in drawn:
        xs = placed.loc[path, "lon"].to_numpy(dtype=float)
        ys = placed.loc[path, "lat"].to_numpy(dtype=float)
        dy = float(offsets.get(arc, 0.0))
        if dy:
            ys = ys + np.r_[np.full(len(ys) - 1, dy), 0.0]
        width = 1 + 9 * np.sqrt(max(row[flow], 0.0) / top) if top > 0 else 1.0
        pct = row["utilisation_pct"]
        unlimited |= bool(np.isnan(pct))
        colour = MAP_COLOURS["no_limit"] if np.isnan(pct) else cmap(norm(pct))
        ax.plot(xs, ys, color="black", lw=width + 1.2, solid_capstyle="round", zorder=1)
        ax.plot(xs, ys, color=colour, lw=width, solid_capstyle="round", zorder=2)
        line_points += _samples(xs, ys, step=0.02 * (ax.get_xlim()[1] - ax.get_xlim()[0]))
        seg = 0 if dy else len(xs) - 2
        arc_points.append(((xs[seg] + xs[seg + 1]) / 2, (ys[seg] + ys[seg + 1]) / 2))
        share = "" if np.isnan(pct) else f", {pct:.0f} %"
        amount = f"{_amount(row[flow] / scale)} {shown_unit}{share}"
        arc_texts.append(f"{_arc_name(arc, names)}\n{amount}")
    kinds = []
    for _, row in shown.iterrows():
        kind = str(row.get("kind", ""))
        marker = _MARKERS.get(kind, "o")
        size = 9 if marker == "." else 7
        ax.plot(row["lon"], row["lat"], marker, color=MAP_COLOURS["node"], ms=size, zorder=5)
        if kind not in kinds:
            kinds.append(kind)
    flows = [float(row[flow]) for _, row, _ in drawn if float(row[flow]) > 0]
    keys = sorted({max(flows), min(flows)}, reverse=True) if flows else []
    handles = _legend_handles(kinds, unlimited, top, keys, scale, shown_unit)
    legend = None
    if handles:
        legend = ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.1),
            ncols=min(len(handles), 4),
            frameon=False,
        )
    if any(not np.isnan(row["utilisation_pct"]) for _, row, _ in drawn):
        sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
        # an inset follows the map's box, which its fixed aspect may have narrowed
        cax = ax.inset_axes((1.02, 0.1, 0.025, 0.8))
        ax.figure.colorbar(sm, cax=cax, label="utilisation over the horizon (%)")
    what = title or "Flow over the horizon (line width) and utilisation (colour)"
    if not drawn:
        what += ": no arc to draw"
    elif top <= 0:
        what += ": nothing flows"
    ax.set_title(figure_title(result, what))
    avoid = [legend] if legend is not None else []
    node_points = list(zip(shown["lon"], shown["lat"], strict=True))
    node_texts = [_node_name(str(n), r, names) for n, r in shown.iterrows()]
    place_labels(ax, node_points, node_texts, weight="bold", avoid=avoid, avoid_points=line_points)
    place_labels(
        ax,
        arc_points,
        arc_texts,
        fontsize=FONT_PT["annotation"],
        centred=True,
        avoid=avoid,
        multialignment="center",
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "alpha": 0.85, "lw": 0},
    )
    return ax


def _legend_handles(
    kinds: Sequence[str],
    unlimited: bool,
    top: float,
    keys: Sequence[float],
    scale: float,
    unit: str,
) -> list[Line2D]:
    """Legend entries for what the map shows: node kinds, flow widths, unlimited arcs.

    The width key shows the largest and the smallest flow drawn (`keys`), figures of
    the map's own table, not made-up round steps.
    """
    handles = [
        Line2D(
            [],
            [],
            ls="",
            marker=_MARKERS.get(k, "o"),
            color=MAP_COLOURS["node"],
            ms=9 if _MARKERS.get(k) == "." else 6,
            label=_KIND_NAMES.get(k, k or "node"),
        )
        for k in kinds
    ]
    if top > 0:
        for value in keys:
            handles.append(
                Line2D(
                    [],
                    [],
                    color="0.4",
                    lw=1 + 9 * np.sqrt(value / top),
                    label=f"{_amount(value / scale)} {unit} over the horizon",
                )
            )
    if unlimited:
        handles.append(
            Line2D([], [], color=MAP_COLOURS["no_limit"], lw=4, label="no capacity limit")
        )
    return handles
