"""Labels that do not collide: :func:`place_labels` (greedy placement over candidate offsets).

Each label is tried at candidate offsets around its point (upper right first, then the
other seven directions, then the same at two, four, six and eight times the distance) and
put at the first where its box, measured with the renderer, overlaps no label already placed on the
axes, no point being labelled and no artist in `avoid`, and stays inside the axes. When
every candidate collides, the one with the least overlap wins. A label pushed beyond the
first ring gets a thin leader line to its point. Background names drawn by
:func:`~corridor_sim.plotting.basemap.draw_basemap` give way: those under a placed label
or a labelled point are hidden.

Sizes are in points, so the placement holds at any dpi; call it after the figure's other
parts (colour bar, legend, title) are in place, as it fixes the layout to measure.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots(figsize=(4, 3))
>>> _ = ax.set(xlim=(0, 10), ylim=(0, 10))
>>> texts = place_labels(ax, [(5, 5), (5.1, 5.1)], ["first label", "second label"])
>>> a, b = (t.get_window_extent() for t in texts)
>>> bool(a.overlaps(b))
False
>>> plt.close(fig)
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from corridor_sim.plotting.style import CATEGORICAL, FONT_MIN_PT, FONT_PT, figure_of

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation, Text
    from matplotlib.transforms import Bbox

__all__ = ["place_labels", "placed_labels", "register_background", "stage_curve", "stage_curves"]

#: Directions tried, in order of preference (cartographic: upper right first).
_DIRECTIONS = ((1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1))
_RINGS = (1.0, 2.0, 4.0, 6.0, 8.0)

_PLACED: weakref.WeakKeyDictionary[Axes, list[Text]] = weakref.WeakKeyDictionary()
_BACKGROUND: weakref.WeakKeyDictionary[Axes, list[Text]] = weakref.WeakKeyDictionary()


def register_background(ax: Axes, texts: Iterable[Text]) -> None:
    """Mark `texts` on `ax` as background names that placed labels may hide.

    :func:`~corridor_sim.plotting.basemap.draw_basemap` registers its country and sea
    names; register your own when a map of yours draws names that matter less than the
    labels :func:`place_labels` puts on top.

    Parameters
    ----------
    ax : Axes
        The axes the texts are drawn on.
    texts : iterable of Text
        The background texts.

    Returns
    -------
    None

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(4, 3))
    >>> _ = ax.set(xlim=(0, 10), ylim=(0, 10))
    >>> sea = ax.text(5, 5, "Caspian Sea", ha="center")
    >>> register_background(ax, [sea])
    >>> _ = place_labels(ax, [(5, 5)], ["Baku"], centred=True)
    >>> sea.get_visible()
    False
    >>> plt.close(fig)
    """
    _BACKGROUND.setdefault(ax, []).extend(texts)


def placed_labels(ax: Axes) -> list[Text]:
    """Return the labels :func:`place_labels` has put on `ax` so far.

    Parameters
    ----------
    ax : Axes
        Any axes.

    Returns
    -------
    list of Text
        In placement order, hidden optional labels included; empty for other axes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(4, 3))
    >>> _ = ax.set(xlim=(0, 10), ylim=(0, 10))
    >>> _ = place_labels(ax, [(2, 2), (8, 8)], ["Aktau", "Baku"])
    >>> [t.get_text() for t in placed_labels(ax)]
    ['Aktau', 'Baku']
    >>> plt.close(fig)
    """
    return [t for t in _PLACED.get(ax, []) if t.axes is ax]


def _renderer(fig: Figure) -> RendererBase:
    """Lay the figure out and return a renderer that measures text as it will be drawn."""
    fig.draw_without_rendering()
    get = getattr(fig.canvas, "get_renderer", None)
    return get() if get is not None else fig._get_renderer()  # type: ignore[attr-defined]


def _boxes(boxes: Iterable[Bbox]) -> np.ndarray:
    """Bboxes as an (n, 4) array of x0, y0, x1, y1 (pixels)."""
    rows = [b.extents for b in boxes]
    return np.asarray(rows, dtype=float).reshape(-1, 4)


def _overlap(box: np.ndarray, others: np.ndarray) -> float:
    """Total area of `box` (x0, y0, x1, y1) covered by each of `others`, summed."""
    if not len(others):
        return 0.0
    w = np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])
    h = np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])
    return float(np.sum(np.clip(w, 0, None) * np.clip(h, 0, None)))


def _outside(box: np.ndarray, frame: np.ndarray) -> float:
    area = (box[2] - box[0]) * (box[3] - box[1])
    return area - _overlap(box, frame[None, :])


def _alignment(
    dx: float, dy: float
) -> tuple[Literal["left", "right", "center"], Literal["bottom", "top", "center"]]:
    ha: Literal["left", "right", "center"] = "left" if dx > 0 else "right" if dx < 0 else "center"
    va: Literal["bottom", "top", "center"] = "bottom" if dy > 0 else "top" if dy < 0 else "center"
    return ha, va


def _candidates(radius_pt: float, centred: bool) -> list[tuple[float, float, int]]:
    out = [(0.0, 0.0, 0)] if centred else []
    for ring, factor in enumerate(_RINGS):
        r = radius_pt * factor
        for ux, uy in _DIRECTIONS:
            scale = r if ux == 0 or uy == 0 else r * 0.75
            out.append((ux * scale, uy * scale, ring))
    return out


def place_labels(
    ax: Axes,
    points: Sequence[tuple[float, float]],
    texts: Sequence[str],
    *,
    fontsize: float = FONT_PT["node"],
    centred: bool = False,
    avoid: Iterable[Artist] = (),
    avoid_points: Sequence[tuple[float, float]] = (),
    radius_pt: float | None = None,
    leader: bool = True,
    zorder: float = 6.0,
    optional: bool = False,
    **text_kw: Any,  # passed to Axes.annotate
) -> list[Annotation]:
    """Label `points` (data coordinates) with `texts` so that no two labels overlap.

    Parameters
    ----------
    ax : Axes
        The axes, with everything else already drawn on it.
    points : sequence of (x, y)
        Where each label belongs, in data coordinates; labels are placed in this order,
        so put the most important first.
    texts : sequence of str
        One text per point.
    fontsize : float, default ``FONT_PT["node"]``
        Points; never below the style's minimum.
    centred : bool, default False
        Try the point itself first (for labels of lines, at their middle); otherwise
        the label sits beside its point and leaves the point visible.
    avoid : iterable of Artist
        Further artists not to cover (legend, other texts).
    avoid_points : sequence of (x, y)
        Points (data coordinates) better left uncovered, such as samples along the lines
        of a map; covering them costs a quarter of covering a label.
    radius_pt : float, optional
        Distance of the first ring of candidates (default: about half the font size).
    leader : bool, default True
        Draw a thin line from a label placed beyond the first ring to its point.
    zorder : float, default 6
        Above lines and markers.
    optional : bool, default False
        Leave out (hide) a label that cannot be placed clear of the labels already placed,
        instead of placing it where it overlaps least (for names on a crowded map; the
        most important come first and stay).
    **text_kw
        Passed to :meth:`~matplotlib.axes.Axes.annotate` (``weight``, ``color``, ``bbox``,
        ``multialignment``); the alignment (``ha``, ``va``) is the placement's.

    Returns
    -------
    list of Annotation
        One per point, in the order given.

    Raises
    ------
    ValueError
        When `points` and `texts` differ in length.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(4, 3))
    >>> _ = ax.set(xlim=(0, 10), ylim=(0, 10))
    >>> points = [(5, 5), (5.1, 5.1), (5.2, 4.9)]
    >>> texts = place_labels(ax, points, ["Baku", "Sangachal", "Alat port"])
    >>> boxes = [t.get_window_extent() for t in texts]
    >>> any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    False
    >>> plt.close(fig)
    """
    if len(points) != len(texts):
        msg = f"place_labels: {len(points)} points but {len(texts)} texts; expected one text each"
        raise ValueError(msg)
    fontsize = max(float(fontsize), FONT_MIN_PT)
    for key in ("ha", "va", "horizontalalignment", "verticalalignment"):
        text_kw.pop(key, None)
    fig = figure_of(ax)
    renderer = _renderer(fig)
    engine = fig.get_layout_engine()
    if engine is not None:  # settle the axes where the layout puts them before measuring
        engine.execute(fig)
    ax.apply_aspect()  # a map's fixed aspect shrinks its box at draw time: do it now
    frame = np.asarray(ax.get_window_extent(renderer).extents)
    px = fig.dpi / 72.0
    radius_pt = radius_pt if radius_pt is not None else 0.5 * fontsize + 2.0
    margin = 0.25 * fontsize * px  # room for a label's bbox patch and a little air
    anchors = ax.transData.transform(np.asarray(points, dtype=float).reshape(-1, 2))
    dots = _around(anchors, 3.5 * px)
    lines = _around(ax.transData.transform(np.asarray(avoid_points, float).reshape(-1, 2)), 2 * px)
    taken = _boxes(t.get_window_extent(renderer) for t in placed_labels(ax))
    taken = np.vstack([taken, _boxes(_axis_texts(ax, renderer))])
    taken = np.vstack([taken, _boxes(a.get_window_extent(renderer) for a in avoid)])
    out: list[Annotation] = []
    for i, ((x, y), text) in enumerate(zip(points, texts, strict=True)):
        ann = ax.annotate(
            text,
            (x, y),
            xytext=(0, 0),
            textcoords="offset points",
            fontsize=fontsize,
            zorder=zorder,
            annotation_clip=False,
            **text_kw,
        )
        others = np.vstack([taken, np.delete(dots, i, axis=0)])
        best: tuple[float, float, float, int, np.ndarray] | None = None
        for dx, dy, ring in _candidates(radius_pt, centred):
            _move(ann, dx, dy)
            box = ann.get_window_extent(renderer).extents + np.array([-1, -1, 1, 1]) * margin
            score = (
                _overlap(box, others)
                + 0.25 * _overlap(box, lines)
                + 4 * _outside(box, frame)
                + 0.01 * ring
            )
            if best is None or score < best[0]:
                best = (score, dx, dy, ring, box)
            if score < 0.02:
                break
        assert best is not None  # there is always a candidate
        _, dx, dy, ring, box = best
        if optional and _overlap(box, taken) > 0:
            ann.set_visible(False)  # no clear place on a crowded map: left out
            ann.set_in_layout(False)
            out.append(ann)
            continue
        _move(ann, dx, dy)
        if leader and ring > 0:
            ann.remove()
            ann = ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                fontsize=fontsize,
                zorder=zorder,
                annotation_clip=False,
                ha=_alignment(dx, dy)[0],
                va=_alignment(dx, dy)[1],
                arrowprops={
                    "arrowstyle": "-",
                    "lw": 0.6,
                    "color": "0.35",
                    "shrinkA": 1,
                    "shrinkB": 3,
                },
                **text_kw,
            )
        ann.set_in_layout(False)  # placed in points from its point: the layout must not move it
        taken = np.vstack([taken, box[None, :]])
        out.append(ann)
    _PLACED.setdefault(ax, []).extend(out)
    _hide_background(ax, np.vstack([taken, dots]), renderer)
    return out


def _axis_texts(ax: Axes, renderer: RendererBase) -> list[Bbox]:
    """Boxes of the axes' own texts: tick labels, axis labels, title (labels keep off them)."""
    texts = [ax.title, ax.xaxis.label, ax.yaxis.label]
    axes_of: tuple[Any, ...] = (ax.xaxis, ax.yaxis)  # _update_ticks is matplotlib's own
    for axis in axes_of:
        try:
            ticks = axis._update_ticks()
        except AttributeError:  # pragma: no cover - a matplotlib without it
            ticks = []
        texts += [t for tick in ticks for t in (tick.label1, tick.label2) if t.get_visible()]
    return [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text()]


def _around(xy: np.ndarray, half: float) -> np.ndarray:
    """Square boxes of half-width `half` (pixels) around each point."""
    return np.column_stack([xy - half, xy + half]).reshape(-1, 4)


def _move(ann: Annotation, dx: float, dy: float) -> None:
    ann.xyann = (dx, dy)
    ha, va = _alignment(dx, dy)
    ann.set_horizontalalignment(ha)
    ann.set_verticalalignment(va)


def _hide_background(ax: Axes, boxes: np.ndarray, renderer: RendererBase) -> None:
    """Hide background names that cover a placed label, a point or an earlier name."""
    for text in _BACKGROUND.get(ax, []):
        if not text.get_visible():
            continue
        box = text.get_window_extent(renderer).extents + np.array([-2.0, -2.0, 2.0, 2.0])
        if _overlap(box, boxes) > 0:
            text.set_visible(False)
        else:
            boxes = np.vstack([boxes, box[None, :]])


def stage_curve(
    ax: Axes, part: pd.DataFrame, *, colour: str, label: str, log: bool = False, n: int = 8
) -> list[tuple[float, float]]:
    """Draw one relief stage of a capacity study: delivered against offered volume.

    Parameters
    ----------
    ax : Axes
        Where to draw.
    part : DataFrame
        The stage's rows of a ``sweep`` table (``offered_mt_per_yr``, ``delivered_mt``),
        sorted by offered volume.
    colour, label : str
        Line colour and legend label.
    log : bool, default False
        Whether the axes are (or will be) logarithmic: the returned points are spaced along
        the curve as it is drawn.
    n : int, default 8
        Points per segment.

    Returns
    -------
    list of (float, float)
        Points along the curve, for labels to keep clear of it (:func:`place_labels`).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> fig, ax = plt.subplots()
    >>> part = pd.DataFrame({"offered_mt_per_yr": [1.0, 2.0, 4.0], "delivered_mt": [1.0, 2.0, 2.5]})
    >>> len(stage_curve(ax, part, colour="C0", label="today", n=4)) > 0
    True
    >>> plt.close(fig)
    """
    xs = part["offered_mt_per_yr"].to_numpy(dtype=float)
    ys = part["delivered_mt"].to_numpy(dtype=float)
    ax.plot(xs, ys, marker=".", color=colour, label=label)
    if log:
        xs, ys = np.log10(np.clip(xs, 1e-9, None)), np.log10(np.clip(ys, 1e-9, None))
    t = np.linspace(0.0, 1.0, n)[:, None]
    px = (xs[:-1] + t * np.diff(xs)).ravel()
    py = (ys[:-1] + t * np.diff(ys)).ravel()
    if log:
        px, py = 10**px, 10**py
    return list(zip(px.tolist(), py.tolist(), strict=True))


#: A knee of a relief stage: where to mark it (offered, delivered) and its label.
Knee = tuple[tuple[float, float], str]


def stage_curves(
    ax: Axes,
    sweep: pd.DataFrame,
    *,
    label: Callable[[int, pd.DataFrame], str],
    knee: Callable[[int, pd.DataFrame], Knee | None],
    log: bool = False,
    n: int = 8,
) -> tuple[list[tuple[float, float]], list[str], list[tuple[float, float]]]:
    """Draw every relief stage of a capacity study, its knee marked with a triangle.

    Parameters
    ----------
    ax : Axes
        Where to draw.
    sweep : DataFrame
        A ``sweep`` table (``stage``, ``offered_mt_per_yr``, ``delivered_mt``).
    label : callable
        ``label(stage, part)``: the legend label of a stage (`part`: its rows, sorted).
    knee : callable
        ``knee(stage, part)``: ``((offered, delivered), text)`` of the stage's knee, or None.
    log : bool, default False
        Whether the axes are (or will be) logarithmic (see :func:`stage_curve`).
    n : int, default 8
        Points per segment of each curve.

    Returns
    -------
    points, texts, along : lists
        The knees, their labels, and points along the curves: the arguments of
        :func:`place_labels` (``avoid_points=along``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> fig, ax = plt.subplots()
    >>> sweep = pd.DataFrame({"stage": [0, 0, 0], "offered_mt_per_yr": [1.0, 2.0, 4.0],
    ...                       "delivered_mt": [1.0, 2.0, 2.5]})
    >>> points, texts, along = stage_curves(
    ...     ax, sweep, label=lambda s, p: f"stage {s}", knee=lambda s, p: ((2.0, 2.0), "pipe"))
    >>> points, texts
    ([(2.0, 2.0)], ['pipe'])
    >>> plt.close(fig)
    """
    points: list[tuple[float, float]] = []
    texts: list[str] = []
    along: list[tuple[float, float]] = []
    for k, (stage, rows) in enumerate(sweep.groupby("stage")):
        part = rows.sort_values("offered_mt_per_yr")
        colour = CATEGORICAL[k % len(CATEGORICAL)]
        name = label(int(stage), part)
        along += stage_curve(ax, part, colour=colour, label=name, log=log, n=n)
        found = knee(int(stage), part)
        if found is None:
            continue
        (x, y), text = found
        ax.plot([x], [y], "v", color=colour, mec="black", ms=8)
        points.append((x, y))
        texts.append(text)
    return points, texts, along
