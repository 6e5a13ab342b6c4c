"""Figures ready as they are: legends clear of the data, texts that do not collide.

- :func:`place_legend` — a legend where it covers no data: the first free corner of the
  axes, else outside them on the right;
- :func:`legend_over_data` — what an axes' legend covers (lines, bars, filled areas,
  points, named horizontal or vertical lines such as a contract level; unnamed reference
  lines across the axes and basemap layers do not count);
- :func:`text_collisions` — pairs of visible texts of a figure whose boxes overlap (titles,
  axis and tick labels, legends, annotations, map labels);
- :func:`empty_note` — write on an axes what is empty, instead of bare axes.

All measure in display space on a drawn figure (``fig.canvas.draw()`` first for the checks).

Examples
--------
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots(figsize=(4, 3))
>>> _ = ax.plot([0, 1, 2, 3], [3, 3, 3, 3], label="flat at the top")
>>> _ = ax.plot([0, 1, 2, 3], [0, 1, 2, 3], label="rising")
>>> legend = place_legend(ax)
>>> fig.canvas.draw()
>>> legend_over_data(ax)
[]
>>> text_collisions(fig)
[]
>>> plt.close(fig)
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor_sim.plotting.style import figure_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

__all__ = ["empty_note", "legend_over_data", "place_legend", "text_collisions"]

#: Corners tried by :func:`place_legend`, in order.
_CORNERS = ("upper right", "upper left", "lower right", "lower left", "center right", "center left")
#: Points sampled along each line, per 100 display pixels of its length.
_SAMPLES_PER_100PX = 50
#: Two texts collide when their boxes share more than this many square pixels.
COLLISION_PX2 = 4.0


def _renderer(fig: Any) -> Any:  # a Figure or SubFigure: get_renderer is Agg's
    return fig.canvas.get_renderer()


def _in_data_coords(artist: Any, ax: Axes) -> bool:
    """Whether the artist is placed in the axes' data coordinates (not axhline, not a key)."""
    try:
        return artist.get_transform().contains_branch(ax.transData)
    except (AttributeError, ValueError):  # pragma: no cover - exotic artists
        return False


def _is_background(artist: Any) -> bool:
    label = str(artist.get_label() or "")
    return label.startswith("_basemap") or not artist.get_visible()


def _line_points(line: Any, ax: Axes) -> np.ndarray:
    """Display points along a line, its segments sampled densely (so a crossing counts)."""
    xy = np.asarray(line.get_xydata(), dtype=float)
    xy = xy[np.isfinite(xy).all(axis=1)] if xy.size else np.zeros((0, 2))
    if len(xy) == 0:
        return np.zeros((0, 2))
    pts = line.get_transform().transform(xy)  # data, or blended (an axhline at a value)
    if len(pts) == 1:
        return pts
    seg = np.diff(pts, axis=0)
    length = np.hypot(seg[:, 0], seg[:, 1])
    steps = np.clip((length / 100.0 * _SAMPLES_PER_100PX).astype(int), 1, 400)
    parts = [pts[:1]]
    for start, step, n in zip(pts[:-1], seg, steps, strict=True):
        t = np.arange(1, n + 1)[:, None] / n
        parts.append(start + t * step)
    return np.concatenate(parts)


def _covered(ax: Axes, box: Bbox) -> list[str]:
    """Labels of the data artists of `ax` that reach inside display box `box`."""
    found: list[str] = []
    grid = np.stack(
        np.meshgrid(np.linspace(box.x0, box.x1, 9), np.linspace(box.y0, box.y1, 7)), axis=-1
    ).reshape(-1, 2)
    for line in ax.lines:
        named = not str(line.get_label()).startswith("_")  # a line the legend explains
        if _is_background(line) or not (named or _in_data_coords(line, ax)):
            continue  # unnamed reference lines across the axes (axvline at 0) do not count
        pts = _line_points(line, ax)
        inside = (
            (pts[:, 0] > box.x0)
            & (pts[:, 0] < box.x1)
            & (pts[:, 1] > box.y0)
            & (pts[:, 1] < box.y1)
        )
        if inside.any():
            found.append(str(line.get_label()))
    for patch in ax.patches:
        if _is_background(patch) or not _in_data_coords(patch, ax):
            continue
        ext = patch.get_window_extent()
        if ext.width > 0.5 and ext.height > 0.5 and ext.overlaps(box):
            inter = (min(ext.x1, box.x1) - max(ext.x0, box.x0)) * (
                min(ext.y1, box.y1) - max(ext.y0, box.y0)
            )
            if inter > COLLISION_PX2:
                found.append(str(patch.get_label()))
    for coll in ax.collections:
        if _is_background(coll) or not _in_data_coords(coll, ax):
            continue
        offsets = np.asarray(coll.get_offsets(), dtype=float)
        paths = coll.get_paths()
        if len(paths) and offsets.size <= 2:
            for path in paths:
                if (
                    np.asarray(path.vertices).size
                    and path.contains_points(grid, ax.transData).any()
                ):
                    found.append(str(coll.get_label()))
                    break
        elif offsets.size:
            pts = ax.transData.transform(offsets)
            if box.count_contains(pts):
                found.append(str(coll.get_label()))
    return found


def legend_over_data(ax: Axes) -> list[str]:
    """Return the labels of the data artists that the legend of `ax` covers.

    Parameters
    ----------
    ax : Axes
        An axes of a drawn figure.

    Returns
    -------
    list of str
        Empty when the axes has no legend, when its legend lies outside the axes, or when
        no line, bar, filled area or point of the data reaches under it.
    """
    legend = ax.get_legend()
    if legend is None or not legend.get_visible():
        return []
    box = legend.get_window_extent(_renderer(ax.figure))
    return _covered(ax, box)


def place_legend(ax: Axes, *args: Any, **kwargs: Any) -> Legend:
    """Add a legend to `ax` where it covers no data.

    The corners of the axes are tried in turn (upper right first); when each would cover
    a line, bar, area or point, the legend goes outside the axes on the right.

    Parameters
    ----------
    ax : Axes
        The axes, with its data drawn and its limits set.
    *args, **kwargs
        As :meth:`matplotlib.axes.Axes.legend` (``loc`` and ``bbox_to_anchor`` are chosen).

    Returns
    -------
    Legend
        The legend placed.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 1], label="rising")
    >>> _ = place_legend(ax)  # upper right is covered by the line: upper left
    >>> legend_over_data(ax)
    []
    >>> plt.close(fig)
    """
    kwargs.pop("loc", None)
    kwargs.pop("bbox_to_anchor", None)
    ax.get_xlim()  # settle the autoscaled limits before measuring
    engine = ax.figure.get_layout_engine()
    if engine is not None:  # and the axes where the layout puts them
        engine.execute(figure_of(ax))
    ax.apply_aspect()
    renderer = _renderer(ax.figure)
    add_legend: Any = ax.legend  # its overloads do not take *args
    for corner in _CORNERS:
        legend = add_legend(*args, loc=corner, **kwargs)
        if not _covered(ax, legend.get_window_extent(renderer)):
            return legend
    kwargs.setdefault("frameon", False)
    return add_legend(*args, loc="upper left", bbox_to_anchor=(1.01, 1.0), **kwargs)


def _drawn_ticklabels(axis: Any) -> list[Text]:
    """Tick labels the axis draws (inside its view), not the stale ones it keeps."""
    try:
        ticks = axis._update_ticks()
    except AttributeError:  # pragma: no cover - a matplotlib without it
        return list(axis.get_ticklabels())
    return [label for tick in ticks for label in (tick.label1, tick.label2) if label.get_visible()]


def _visible_texts(fig: Any) -> list[Text]:  # reads matplotlib's title attributes
    texts: list[Text] = [fig._suptitle] if fig._suptitle is not None else []
    texts += list(fig.texts)
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        texts += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        if ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                texts += [axis.label, *_drawn_ticklabels(axis)]
    legends = [ax.get_legend() for ax in fig.axes if ax.get_visible()] + list(fig.legends)
    for legend in legends:
        if legend is not None and legend.get_visible():
            texts += [*legend.get_texts(), legend.get_title()]
    return [
        t
        for t in texts
        if t.get_visible()
        and str(t.get_text()).strip()
        and ((alpha := t.get_alpha()) is None or alpha > 0)
    ]


def text_collisions(fig: Figure) -> list[tuple[str, str]]:
    """Return the pairs of visible texts of `fig` whose boxes overlap.

    Parameters
    ----------
    fig : Figure
        A drawn figure.

    Returns
    -------
    list of (str, str)
        The two texts of each colliding pair (more than :data:`COLLISION_PX2` square
        pixels shared); a text inside a legend is compared with texts outside it only.
    """
    from matplotlib.text import Text

    renderer = _renderer(fig)
    texts = _visible_texts(fig)
    boxes: list[Bbox | None] = []
    for text in texts:
        try:  # the text's own box: an annotation's leader line is no text
            boxes.append(Text.get_window_extent(text, renderer))
        except (RuntimeError, ValueError):  # pragma: no cover - a text without a position
            boxes.append(None)
    owner = {}
    for legend in [ax.get_legend() for ax in fig.axes] + list(fig.legends):
        if legend is None:
            continue
        for t in [*legend.get_texts(), legend.get_title()]:
            owner[id(t)] = id(legend)
    found = []
    for (ta, ba), (tb, bb) in combinations(zip(texts, boxes, strict=True), 2):
        if ba is None or bb is None or ta is tb:
            continue
        if owner.get(id(ta)) is not None and owner.get(id(ta)) == owner.get(id(tb)):
            continue
        w = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
        h = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
        if w > 0 and h > 0 and w * h > COLLISION_PX2:
            found.append((str(ta.get_text()), str(tb.get_text())))
    return found


def empty_note(ax: Axes, what: str) -> Axes:
    """Write `what` is empty in the middle of `ax` and hide its ticks; return `ax`.

    Parameters
    ----------
    ax : Axes
        The axes left without data.
    what : str
        The sentence shown, e.g. ``"nothing curtailed in 2032: every MWh of wind and sun
        was used"``.

    Returns
    -------
    Axes
        `ax`, with the note and without ticks.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = empty_note(plt.figure().add_subplot(), "nothing curtailed")
    >>> ax.texts[0].get_text()
    'nothing curtailed'
    """
    ax.text(0.5, 0.5, what, ha="center", va="center", transform=ax.transAxes, wrap=True)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax
