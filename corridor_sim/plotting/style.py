"""One style for every corridor_sim figure: colours, colour maps, font sizes, titles, saving.

The rules (docs/plotting.md):

- colour-blind-safe colour maps only: :data:`UTILISATION_CMAP` (viridis) for shares of a
  capacity, :data:`SEQUENTIAL_CMAP` (cividis) for other magnitudes, :data:`CATEGORICAL`
  (Okabe–Ito) for categories; never red-green maps such as RdYlGn;
- no text under :data:`FONT_MIN_PT` (8 pt) at the saved size: :func:`small_texts` lists
  offenders and :func:`save_figure` warns about them;
- every figure's title names the scenario (:func:`figure_title`);
- maps share the basemap colours below (:mod:`corridor_sim.plotting.basemap`);
- time is time: a figure over the periods of a run plots against the table's ``snapshot``
  (:func:`time_values`) with date ticks (:func:`time_axis`: months as ``Jan``, hours as
  dates), and falls back to the labelled ``period`` when a table has no dates.

Examples
--------
>>> from corridor_sim import Result
>>> figure_title(Result(meta={"model": "oil", "year": 2025, "scenario": "base"}), "Flows")
'Flows — scenario base (oil, 2025)'
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib import colormaps

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure
    from matplotlib.text import Text
    from matplotlib.typing import RcKeyType

    from corridor_sim.results.result import Result

__all__ = [
    "CATEGORICAL",
    "FONT_MIN_PT",
    "FONT_PT",
    "MAP_COLOURS",
    "RC",
    "SAVE_DPI",
    "SEQUENTIAL_CMAP",
    "TITLE_LINE_CHARS",
    "UTILISATION_CMAP",
    "FigureStyleWarning",
    "axes_or_new",
    "cmap",
    "figure_of",
    "figure_title",
    "save_figure",
    "time_axis",
    "time_values",
    "scenario_label",
    "small_texts",
    "style_context",
]

#: Smallest font size (points at the saved size) any text of a figure may have.
FONT_MIN_PT = 8.0
#: Font sizes (points) by role.
FONT_PT = {
    "title": 11.0,
    "label": 9.0,
    "tick": 8.0,
    "legend": 8.0,
    "annotation": 8.0,
    "node": 9.0,
    "place": 8.0,
}
#: Longest one-line title (characters) of :func:`figure_title`; about 9 in at 11 pt.
TITLE_LINE_CHARS = 80
#: Resolution of saved figures (dots per inch); sizes are set in inches, fonts in points.
SAVE_DPI = 150
#: Colour map for utilisation and other shares of a capacity (0–100 %).
UTILISATION_CMAP = "viridis"
#: Colour map for other magnitudes (prices, levels); readable in grey and by colour-blind readers.
SEQUENTIAL_CMAP = "cividis"
#: Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
CATEGORICAL = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
#: Colours of the basemap and of what maps draw on it.
MAP_COLOURS = {
    "sea": "#d4e6f1",
    "land": "#f4f1ea",
    "lake": "#d4e6f1",
    "coast": "#7393ad",
    "border": "#a39a8c",
    "country_label": "#8a8175",
    "sea_label": "#4f7795",
    "outside": "#ffffff",
    "no_limit": "#bdbdbd",
    "node": "#000000",
}
#: Matplotlib settings of :func:`style_context`.
RC: dict[RcKeyType, Any] = {
    "font.size": FONT_PT["label"],
    "axes.titlesize": FONT_PT["title"],
    "axes.labelsize": FONT_PT["label"],
    "xtick.labelsize": FONT_PT["tick"],
    "ytick.labelsize": FONT_PT["tick"],
    "legend.fontsize": FONT_PT["legend"],
    "legend.title_fontsize": FONT_PT["legend"],
    "figure.titlesize": FONT_PT["title"],
    "savefig.dpi": SAVE_DPI,
    "image.cmap": UTILISATION_CMAP,
    "axes.prop_cycle": cycler(color=list(CATEGORICAL)),
}
_CMAPS = {"utilisation": UTILISATION_CMAP, "sequential": SEQUENTIAL_CMAP}


class FigureStyleWarning(UserWarning):
    """A figure breaks a style rule (text below the minimum size).

    Given by :func:`save_figure`; turn it into an error in a test with
    ``warnings.simplefilter("error", FigureStyleWarning)``.

    Parameters
    ----------
    message : str
        The file, the number of small texts and the first ones with their size.

    Examples
    --------
    >>> import pathlib, tempfile, warnings
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("tiny", fontsize=4)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = save_figure(fig, pathlib.Path(tempfile.mkdtemp()) / "tiny.png")
    >>> [w.category.__name__ for w in caught]
    ['FigureStyleWarning']
    >>> plt.close(fig)
    """


@contextmanager
def style_context() -> Iterator[None]:
    """Matplotlib settings of the house style (font sizes, colour cycle, dpi) in a block.

    Every figure function of :mod:`corridor_sim.plotting` draws inside it; use it for a
    figure of your own that should match. Settings outside the block are untouched.

    Yields
    ------
    None
        The settings hold while the block runs.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> with style_context():
    ...     fig, ax = plt.subplots()
    >>> plt.close(fig)
    """
    with mpl.rc_context(RC):
        yield


def cmap(kind: str = "utilisation") -> Colormap:
    """Return the colour map for `kind`: ``"utilisation"`` (viridis) or ``"sequential"`` (cividis).

    Parameters
    ----------
    kind : {"utilisation", "sequential"}, default "utilisation"
        ``"utilisation"`` colours loading and utilisation (0-100 %), ``"sequential"``
        any other one-signed quantity.

    Returns
    -------
    Colormap
        The matplotlib colour map (colour-blind safe, readable in grey).

    Raises
    ------
    KeyError
        For another kind; the message lists the known ones.

    Examples
    --------
    >>> cmap().name, cmap("sequential").name
    ('viridis', 'cividis')
    """
    try:
        return colormaps[_CMAPS[kind]]
    except KeyError:
        msg = f"colour map kind {kind!r}: expected one of {sorted(_CMAPS)}"
        raise KeyError(msg) from None


def scenario_label(result: Result) -> str:
    """Name of the run a Result comes from: ``scenario <name> (<model>, <year>)``.

    Without a scenario name: ``<model> <year>``; without either: ``""``.

    Parameters
    ----------
    result : Result
        Any result; its ``meta`` gives the scenario name, model and year.

    Returns
    -------
    str
        The label figure titles end with.

    Examples
    --------
    >>> import corridor_sim as cs
    >>> from corridor_sim.scenarios import example_scenario
    >>> scenario_label(cs.run(example_scenario(name="toy")))
    'scenario toy (commodity, 2025)'
    """
    meta = result.meta
    name = str(meta.get("scenario") or meta.get("name") or "")
    model = str(meta.get("model") or "")
    year = str(meta.get("year") or "")
    what = ", ".join(x for x in (model, year) if x)
    if name:
        return f"scenario {name} ({what})" if what else f"scenario {name}"
    return what.replace(", ", " ")


def axes_or_new(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """Return `ax`, or the axes of a new figure of `size` inches (constrained layout).

    Every figure function takes ``ax=None`` and draws into a new figure when it is missing.

    Parameters
    ----------
    ax : Axes or None
        Where the caller wants the drawing.
    size : (float, float)
        Width and height (inches) of the new figure.

    Returns
    -------
    Axes
        `ax` itself, or the new axes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = axes_or_new(None, (4.0, 3.0))
    >>> ax.figure.get_size_inches().tolist(), axes_or_new(ax, (9.0, 9.0)) is ax
    ([4.0, 3.0], True)
    >>> plt.close(ax.figure)
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def figure_of(ax: Axes) -> Figure:
    """Return the figure `ax` is drawn on (the top-level one when `ax` sits in a subfigure).

    Parameters
    ----------
    ax : Axes
        Any axes.

    Returns
    -------
    Figure
        The top-level figure (the one to draw, lay out and save).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> figure_of(ax) is fig
    True
    >>> plt.close(fig)
    """
    from matplotlib.figure import SubFigure

    fig = ax.figure
    return fig.figure if isinstance(fig, SubFigure) else fig


def figure_title(result: Result, text: str, *, width: int = TITLE_LINE_CHARS) -> str:
    """Return a figure's title: `text` and the scenario it shows.

    One line, ``"<text> — scenario <name> (<model>, <year>)"``, when it fits in `width`
    characters; otherwise the scenario goes on a second line.

    Parameters
    ----------
    result : Result
        The result the figure shows (see :func:`scenario_label`).
    text : str
        What the figure shows, e.g. ``"Monthly flows"``.
    width : int, default :data:`TITLE_LINE_CHARS`
        Longest one-line title, in characters.

    Returns
    -------
    str
        The title; `text` alone when the result names no scenario, model or year.

    Examples
    --------
    >>> import corridor_sim as cs
    >>> from corridor_sim.scenarios import example_scenario
    >>> r = cs.run(example_scenario(name="toy"))
    >>> figure_title(r, "Flows")
    'Flows — scenario toy (commodity, 2025)'
    >>> figure_title(r, "Flows", width=20).splitlines()
    ['Flows', 'scenario toy (commodity, 2025)']
    """
    label = scenario_label(result)
    if not label:
        return text
    one_line = f"{text} — {label}"
    return one_line if len(one_line) <= width else f"{text}\n{label}"


def small_texts(fig: Figure, minimum: float = FONT_MIN_PT) -> list[Text]:
    """Visible, non-empty texts of `fig` smaller than `minimum` points.

    Font sizes are in points at the figure's own size, which :func:`save_figure` keeps,
    so a text listed here is smaller than `minimum` points in the saved file too.

    Parameters
    ----------
    fig : Figure
        The figure to check.
    minimum : float, default :data:`FONT_MIN_PT`
        Smallest allowed font size, in points.

    Returns
    -------
    list of Text
        The offending texts, in drawing order (empty when the figure is fine).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("tiny", fontsize=4)
    >>> [t.get_text() for t in small_texts(fig)]
    ['tiny']
    >>> plt.close(fig)
    """
    from matplotlib.text import Text

    found = []
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip() and float(text.get_fontsize()) < minimum:
            found.append(text)
    return found


def save_figure(fig: Figure, path: str | Path, *, dpi: float = SAVE_DPI) -> Path:
    """Save `fig` as the house style wants it and return the path written.

    The figure keeps its size in inches (so font sizes in points hold in the file),
    is cropped to its content and saved at `dpi`. A text below :data:`FONT_MIN_PT`
    gives a :class:`FigureStyleWarning` naming it.

    Parameters
    ----------
    fig : Figure
        The figure; not closed (close it with ``plt.close(fig)`` when done).
    path : str or Path
        File to write; its suffix picks the format (``.png``, ``.svg``, ``.pdf``).
    dpi : float, default :data:`SAVE_DPI`
        Resolution of raster formats.

    Returns
    -------
    Path
        The file written (its folder is made if missing).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> save_figure(fig, folder / "figures" / "empty.png").stat().st_size > 0
    True
    >>> plt.close(fig)
    """
    out = Path(path)
    small = small_texts(fig)
    if small:
        names = ", ".join(f"{t.get_text()[:30]!r} ({t.get_fontsize():g} pt)" for t in small[:5])
        warnings.warn(
            f"{out.name}: {len(small)} text(s) below {FONT_MIN_PT:g} pt: {names}",
            FigureStyleWarning,
            stacklevel=2,
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=dpi, bbox_inches="tight", facecolor="white")
    return out


def time_values(frame: pd.DataFrame) -> tuple[pd.DatetimeIndex | np.ndarray, bool]:
    """Return the x values of a per-period table: its ``snapshot``, else its ``period``.

    Parameters
    ----------
    frame : DataFrame
        A table with ``snapshot`` (datetime64) or ``period`` (int) columns.

    Returns
    -------
    values : DatetimeIndex or ndarray
        One value per row.
    dated : bool
        Whether `values` are dates (then pass ``dated=True`` to :func:`time_axis`).

    Examples
    --------
    >>> import pandas as pd
    >>> x, dated = time_values(pd.DataFrame({"period": [0, 1]}))
    >>> x.tolist(), dated
    ([0, 1], False)
    """
    if "snapshot" in frame and frame["snapshot"].notna().all():
        return pd.DatetimeIndex(pd.to_datetime(frame["snapshot"])), True
    return frame["period"].to_numpy(), False


def time_axis(
    ax: Axes, *, dated: bool, step: str = "month", label: str | None = None, axis: str = "x"
) -> None:
    """Give `ax` a time axis: date ticks and a label, or the labelled period when undated.

    Parameters
    ----------
    ax : Axes
        The axes drawn against :func:`time_values`.
    dated : bool
        Whether the values are dates (else they are 0-based periods).
    step : {"month", "day", "hour"}
        The data's step: months tick as ``Jan`` (``Jan 2024`` on a January, so the
        year shows), days and hours as dates (``05 Mar``).
    label : str, optional
        The axis label; by default ``"month"`` / ``"date"`` with dates, ``"period (month
        of the horizon, from 0)"`` / ``"hour of the horizon (h)"`` without.
    axis : {"x", "y"}
        Which axis holds time.

    Returns
    -------
    None
        `ax` is changed in place.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"period": [0, 1, 2], "flow_kt": [3.0, 4.0, 2.0]})
    >>> x, dated = time_values(frame)
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot(x, frame["flow_kt"])
    >>> time_axis(ax, dated=dated)
    >>> ax.get_xlabel()
    'period (month of the horizon, from 0)'
    >>> plt.close(fig)
    """
    target = ax.xaxis if axis == "x" else ax.yaxis
    if dated:
        if step == "month":
            target.set_major_locator(mdates.MonthLocator())
            target.set_major_formatter(mdates.ConciseDateFormatter(
                target.get_major_locator(), formats=["%Y", "%b", "%d", "%H:%M", "%H:%M", "%S"],
                zero_formats=["", "%b\n%Y", "%b", "%d %b", "%H:%M", "%H:%M"],
                offset_formats=["", "", "", "", "", ""]))  # fmt: skip
            lo, hi = target.get_view_interval()
            if hi - lo > 3 * 366:  # several years: one tick a quarter
                target.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
            default = "month"
        else:
            locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
            target.set_major_locator(locator)
            target.set_major_formatter(mdates.DateFormatter("%d %b"))
            default = "date (UTC)" if step == "hour" else "date"
    else:
        default = (
            "period (month of the horizon, from 0)"
            if step == "month"
            else "hour of the horizon (h)"
        )
    (ax.set_xlabel if axis == "x" else ax.set_ylabel)(label or default)
