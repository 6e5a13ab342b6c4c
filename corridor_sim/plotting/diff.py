"""The figure of a comparison (:func:`corridor_sim.diff`): :func:`diff_bars`.

Examples
--------
>>> from corridor_sim.scenarios import example_diff
>>> ax = diff_bars(example_diff())
>>> ax.get_title().splitlines()[0]
'What B changes: wider against base (commodity, 2025)'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from corridor_sim.plotting.names import metric_name
from corridor_sim.plotting.style import CATEGORICAL
from corridor_sim.results.numbers import format_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["diff_bars"]

_UP, _DOWN = CATEGORICAL[0], CATEGORICAL[3]


def _name(result: Any, fallback: str) -> str:
    meta = result.meta
    return str(meta.get("scenario") or meta.get("name") or fallback)


def diff_bars(d: Any, ax: Axes | None = None, *, top: int = 15) -> Axes:
    """Draw the relative change (B against A) of the metrics that changed.

    Parameters
    ----------
    d : ScenarioDiff
        What :func:`corridor_sim.diff` returned.
    ax : Axes, optional
        Where to draw (a new figure when None).
    top : int, default 15
        Metrics shown, largest relative change first; a metric that was 0 in A (no
        relative change) is listed with its values only.

    Returns
    -------
    Axes
        Horizontal bars in % of A's value, each labelled with A's and B's value and unit.

    Examples
    --------
    >>> from corridor_sim.scenarios import example_diff
    >>> [t.get_text() for t in diff_bars(example_diff(demand=4.0)).get_yticklabels()][:2]
    ['Total cost', 'Unmet penalty cost']
    """
    moved = d.changed_metrics
    moved = moved[moved["a"].notna() & moved["b"].notna()]
    order = moved.assign(size=moved["change_pct"].abs().fillna(np.inf))
    shown = order.sort_values("size", ascending=False, kind="stable").head(top)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8.0, 0.5 * max(len(shown), 2) + 1.8))
    ra, rb = d.results
    meta = ra.meta
    model, year = meta.get("model"), meta.get("year")
    what = ", ".join(str(x) for x in (model, year) if x)
    names = f"{_name(rb, 'B')} against {_name(ra, 'A')}" + (f" ({what})" if what else "")
    ax.set_title(f"What B changes: {names}\nrelative change of each summary metric")
    if shown.empty:
        ax.text(0.5, 0.5, "no summary metric changed", ha="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    pct = shown["change_pct"].to_numpy(dtype=float)
    bars = np.nan_to_num(pct, nan=0.0)
    ys = np.arange(len(shown))[::-1]
    ax.barh(ys, bars, color=[_UP if v >= 0 else _DOWN for v in bars], height=0.6)
    span = max(float(np.abs(bars).max()), 1.0)
    for y, v, (_, row) in zip(ys, bars, shown.iterrows(), strict=True):
        text = f"{format_number(row['a'])} → {format_number(row['b'])} {row['unit']}".strip()
        if not np.isfinite(row["change_pct"]):
            text += " (from 0)"
        ax.text(
            v + (0.02 if v >= 0 else -0.02) * span,
            y,
            text,
            va="center",
            ha="left" if v >= 0 else "right",
            fontsize=8,
        )
    ax.set_yticks(
        ys,
        [metric_name(m, u) for m, u in zip(shown["metric"], shown["unit"], strict=True)],
        fontsize=8,
    )
    lo, hi = min(float(bars.min()), 0.0), max(float(bars.max()), 0.0)
    ax.set_xlim(
        lo - 0.9 * span if lo < 0 else -0.05 * span, hi + 0.9 * span if hi >= 0 else 0.05 * span
    )
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("change from A (% of A's value)")
    return ax
