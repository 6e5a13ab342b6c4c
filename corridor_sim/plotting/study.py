"""Figures of a sweep or Monte Carlo study (a :class:`~corridor_sim.scenarios.study.StudyResult`).

- :func:`fan_chart` — the quantile fan of every metric that varies (P10–P90 and P25–P75
  bands, the median, the base scenario), relative to the median so metrics of different
  units share one axis;
- :func:`bottleneck_bars` — how often each element is the bottleneck;
- :func:`tornado` — which inputs move one metric most (Spearman rank correlation over the
  draws, :meth:`StudyResult.sensitivity`);
- :func:`sweep_plot` — a metric against the swept parameter (a sweep);
- :func:`figures` — the figures ``corridor-sim monte-carlo`` / ``sweep --out`` write.

A model's own capacity study (oil's ``bottleneck_sequence``, drawn by
``corridor_sim.plotting.oil.sweep_curve(cs.run(...))``) is a single run's table, not a study.
Every function takes a StudyResult (and ``ax=None``), never calls ``show()``, and returns
the Axes or Figure.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridor_sim.errors import UnknownNameError, suggest
from corridor_sim.plotting.layout import place_legend
from corridor_sim.plotting.names import element_label, metric_label, metric_name, parameter_label
from corridor_sim.plotting.style import CATEGORICAL, figure_of
from corridor_sim.results.numbers import format_number
from corridor_sim.results.tolerance import varies

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["bottleneck_bars", "fan_chart", "figures", "headline_metric", "sweep_plot", "tornado"]

_BAND_COLOUR = CATEGORICAL[0]
_BASE_COLOUR = CATEGORICAL[3]  # vermillion
#: Tornado bars: positive and negative correlation (Okabe–Ito blue and vermillion, not green/red).
_UP, _DOWN = CATEGORICAL[0], CATEGORICAL[3]
#: Longest line of a tick label naming an element or an input, in characters.
_TICK_CHARS = 45


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # matplotlib on use

    _, ax = plt.subplots(figsize=size)
    return ax


def _study(study: Any, what: str) -> Any:  # a StudyResult
    if not hasattr(study, "tables") or "runs" not in getattr(study, "tables", {}):
        msg = (
            f"{what}: expected the StudyResult of cs.sweep or cs.monte_carlo, got "
            f"{type(study).__name__}"
        )
        raise UnknownNameError(msg)
    return study


def _title(study: Any, text: str) -> str:
    """Return ``<what the study is> (<year>): <text>`` (the year when the title lacks it)."""
    meta = study.meta
    head = str(meta.get("title", "study"))
    year = meta.get("year")
    if year is not None and str(year) not in head:
        head += f" ({year})"
    return f"{head}: {text}"


def _input_label(study: Any, name: str, *, unit: bool = True) -> str:
    """Return an input by its declaration: a parameter's description, a catalogue row's subject."""
    if "." in name:  # a catalogue id
        from corridor_sim.catalogue import fact
        from corridor_sim.errors import CorridorSimError

        try:
            row = fact(name)
        except CorridorSimError:
            row = None  # an element's field (``port->market.capacity``), not a catalogue id
        if row is not None:
            return f"{row.subject} ({row.unit or '-'})" if unit else row.subject
    return parameter_label(str(study.meta.get("model", "")), name, unit=unit)


def _unit_of(study: Any, metric: str) -> str:
    unit = study.tables["values"].loc[lambda t: t["metric"] == metric, "unit"]
    return str(unit.iloc[0]) if not unit.empty else ""


def _varying(study: Any) -> list[str]:
    wide = study.wide()
    skip = {study.key, "bottleneck", *study.input_names}
    return [c for c in wide.columns if c not in skip and varies(wide[c])]


def headline_metric(study: Any) -> str:
    """Return the first metric (in the model's summary order) that varies across the runs.

    Parameters
    ----------
    study : StudyResult
        A sweep or a Monte Carlo study.

    Returns
    -------
    str
        The metric; the first one reported when none varies.

    Raises
    ------
    UnknownNameError
        The study has no finished run.

    Examples
    --------
    >>> from corridor_sim.scenarios import example_monte_carlo
    >>> mc = example_monte_carlo()
    >>> headline_metric(mc)
    'total_cost'
    """
    varying = _varying(_study(study, "headline_metric"))
    if varying:
        return varying[0]
    metrics = list(dict.fromkeys(study.tables["values"]["metric"]))
    if not metrics:
        msg = "the study has no finished run, so no metric to plot"
        raise UnknownNameError(msg)
    return metrics[0]


def fan_chart(study: Any, metrics: list[str] | None = None, ax: Axes | None = None) -> Axes:
    """Quantile fan of each metric relative to its median (P10–P90, P25–P75, P50, base).

    Parameters
    ----------
    study : StudyResult
        A Monte Carlo study (a sweep works too: its runs are treated as draws).
    metrics : list of str, optional
        Metrics to show (default: every metric that varies, at most 12).
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        One row per metric; a metric whose median is 0 (no shortfall in most draws) is
        drawn as a share of its largest value, as its label says.

    Examples
    --------
    >>> from corridor_sim.scenarios import example_monte_carlo
    >>> mc = example_monte_carlo()
    >>> ax = fan_chart(mc, metrics=["unmet"])
    >>> ax.get_yticklabels()[0].get_text().splitlines()[0]
    'Unmet'
    """
    study = _study(study, "fan_chart")
    values = study.tables["values"]
    metrics = metrics or _varying(study)[:12]
    unknown = [m for m in metrics if m not in set(values["metric"])]
    if unknown:
        hint = suggest(unknown[0], set(values["metric"]))
        msg = f"fan_chart: metric {unknown[0]!r} not in the study, {hint}"
        raise UnknownNameError(msg)
    ax = _axes(ax, (8.0, 0.55 * max(len(metrics), 2) + 1.5))
    base = study.tables.get("base")
    base_of = (
        base.drop_duplicates("metric").set_index("metric")["value"]
        if base is not None and not base.empty
        else pd.Series(dtype=float)
    )
    labels = []
    lo, hi = 0.0, 0.0
    for y, metric in enumerate(reversed(metrics)):
        part = values.loc[values["metric"] == metric, "value"].to_numpy(dtype=float)
        unit = str(values.loc[values["metric"] == metric, "unit"].iloc[0])
        q = np.nanquantile(part, [0.1, 0.25, 0.5, 0.75, 0.9])
        # a zero median (no shortfall in most draws): the spread as a share of the largest
        # magnitude instead, said on the label
        zero_median = q[2] == 0
        scale = abs(q[2]) if not zero_median else max(float(np.nanmax(np.abs(part))), 1.0e-300)
        rel = 100.0 * (q - q[2]) / scale
        lo, hi = min(lo, rel[0]), max(hi, rel[4])
        ax.barh(y, rel[4] - rel[0], left=rel[0], height=0.6, color=_BAND_COLOUR, alpha=0.3)
        ax.barh(y, rel[3] - rel[1], left=rel[1], height=0.6, color=_BAND_COLOUR, alpha=0.6)
        ax.plot([0, 0], [y - 0.3, y + 0.3], color="black", lw=1.5)
        if metric in base_of.index and np.isfinite(base_of[metric]):
            ax.plot(100.0 * (base_of[metric] - q[2]) / scale, y, "D", color=_BASE_COLOUR, ms=5)
        of = f"  (% of max {format_number(scale)})" if zero_median and np.any(part != 0) else ""
        labels.append(f"{metric_name(metric, unit)}\nP50 {format_number(q[2])} {unit}{of}")
    ax.set_yticks(range(len(metrics)), labels, fontsize=8)
    pad = 0.08 * max(hi - lo, 1.0)
    ax.set_xlim(lo - pad, hi + pad)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("difference from the median (% of the median)")
    ax.set_title(
        _title(study, "quantiles of each metric")
        + "\nbands P10–P90 (light) and P25–P75 (dark); diamond: base scenario"
    )
    return ax


def bottleneck_bars(study: Any, ax: Axes | None = None) -> Axes:
    """Draw the share of the finished runs in which each element is the model's top bottleneck.

    Parameters
    ----------
    study : StudyResult
        A sweep or a Monte Carlo study.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        One bar per element, labelled with share and count. Elements are named by the
        model's declarations (:func:`~corridor_sim.plotting.names.element_label`: the
        ``BTC pipeline``, not ``btc``); ``nothing binds`` counts the runs without one.

    Examples
    --------
    >>> from corridor_sim.scenarios import example_monte_carlo
    >>> ax = bottleneck_bars(example_monte_carlo())
    >>> ax.get_xlabel(), sorted(t.get_text() for t in ax.get_yticklabels())
    ('share of finished runs (%)', ['nothing binds', 's → d'])
    """
    study = _study(study, "bottleneck_bars")
    freq = study.bottleneck_frequency()
    model = str(study.meta.get("model", ""))
    names = [textwrap.fill(element_label(model, e), _TICK_CHARS) for e in freq["bottleneck"]]
    ax = _axes(ax, (7.0, 0.45 * max(len(freq), 2) + 1.5))
    ax.barh(range(len(freq))[::-1], 100.0 * freq["share"], color=CATEGORICAL[1])
    ax.set_yticks(range(len(freq))[::-1], names)
    for y, (share, runs) in zip(
        range(len(freq))[::-1], zip(freq["share"], freq["runs"], strict=True), strict=True
    ):
        ax.text(100.0 * share, y, f" {100 * share:.0f} % ({runs})", va="center", fontsize=8)
    ax.set_xlim(0, 115)
    ax.set_xlabel("share of finished runs (%)")
    ax.set_title(_title(study, "bottleneck frequency"))
    return ax


def tornado(
    study: Any, metric: str | None = None, ax: Axes | None = None, *, top: int = 12
) -> Axes:
    """Rank the inputs by their Spearman rank correlation with `metric` (default: headline).

    Parameters
    ----------
    study : StudyResult
        A Monte Carlo study (or a sweep).
    metric : str, optional
        A summary metric (default: :func:`headline_metric`).
    ax : Axes, optional
        Where to draw.
    top : int, default 12
        Inputs shown.

    Returns
    -------
    Axes
        One bar per input, named by its declaration; a metric that does not vary (or only
        by solver round-off) gets a note instead of bars.

    Examples
    --------
    >>> from corridor_sim.scenarios import example_monte_carlo
    >>> mc = example_monte_carlo()
    >>> tornado(mc, "unmet").get_yticklabels()[0].get_text()
    'Demand of d'
    """
    study = _study(study, "tornado")
    metric = metric or headline_metric(study)
    sens = study.sensitivity()
    part = sens[sens["metric"] == metric].head(top)
    ax = _axes(ax, (7.5, 0.45 * max(len(part), 2) + 1.5))
    if part.empty:
        ax.text(
            0.5,
            0.5,
            f"{metric_name(metric, _unit_of(study, metric))}: no input moves it (or too few runs)",
            ha="center",
            transform=ax.transAxes,
        )
    else:
        rho = part["spearman_rho"].to_numpy()
        ys = np.arange(len(part))[::-1]
        colours = [_UP if r > 0 else _DOWN for r in rho]
        ax.barh(ys, rho, color=colours)
        names = [
            textwrap.fill(_input_label(study, n, unit=False), _TICK_CHARS) for n in part["input"]
        ]
        ax.set_yticks(ys, names, fontsize=8)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlim(-1.05, 1.05)
    name = metric_name(metric, _unit_of(study, metric)).lower()
    ax.set_xlabel(f"Spearman rank correlation with {name} (-1 to 1)")
    ax.set_title(_title(study, f"what moves {name}"))
    return ax


def sweep_plot(study: Any, metric: str | None = None, ax: Axes | None = None) -> Axes:
    """Draw `metric` against the first swept parameter, one line per value of the others.

    Axis labels come from the declarations: the parameter's description and unit (its
    :class:`~corridor_sim.models.params.Param`), the metric's name in words and the unit
    of its summary row.

    Parameters
    ----------
    study : StudyResult
        A sweep (a Monte Carlo works too: one point per draw).
    metric : str, optional
        A summary metric (default: :func:`headline_metric`).
    ax : Axes, optional
        Where to draw (a new figure when None).

    Returns
    -------
    Axes
        One line per combination of the other swept parameters (legend clear of the data).

    Raises
    ------
    UnknownNameError
        `metric` is not in the study (with suggestions).

    Examples
    --------
    >>> import corridor_sim as cs
    >>> from corridor_sim.scenarios import example_scenario
    >>> s = example_scenario(name="toy")
    >>> study = cs.sweep(s, {"s->d.capacity": [1.0, 2.0, 3.0]}, progress=False)
    >>> sweep_plot(study, "delivered").get_ylabel()
    'Delivered (t)'
    """
    study = _study(study, "sweep_plot")
    metric = metric or headline_metric(study)
    wide = study.wide()
    if metric not in wide:
        msg = f"sweep_plot: metric {metric!r} not in the study, {suggest(metric, wide.columns)}"
        raise UnknownNameError(msg)
    names = study.input_names
    ax = _axes(ax, (7.5, 4.5))
    x = names[0] if names else study.key
    others = names[1:]
    groups = wide.groupby(others) if others else [((), wide)]
    for label, part in groups:
        part = part.sort_values(x)
        text = ", ".join(
            f"{_input_label(study, k)} = {format_number(v)}"
            for k, v in zip(others, np.atleast_1d(label), strict=False)
        )
        ax.plot(part[x], part[metric], marker="o", label=text or None)
    if others:
        place_legend(ax, fontsize=8)
    ax.set_xlabel(_input_label(study, x) if names else "run (-)")
    unit = _unit_of(study, metric)
    ax.set_ylabel(metric_label(metric, unit))
    ax.set_title(_title(study, metric_name(metric, unit).lower()))
    return ax


def figures(study: Any) -> dict[str, Figure]:
    """Return the standard figures of a study, keyed by a file-name stem.

    Parameters
    ----------
    study : StudyResult
        A sweep or a Monte Carlo study.

    Returns
    -------
    dict of str to Figure
        Monte Carlo: ``study_fan``, ``study_tornado`` (when a metric varies) and
        ``study_bottlenecks``; sweep: ``study_sweep`` and ``study_bottlenecks``; empty when
        no run finished.

    Examples
    --------
    >>> from corridor_sim.scenarios import example_monte_carlo
    >>> mc = example_monte_carlo()
    >>> sorted(figures(mc))
    ['study_bottlenecks', 'study_fan', 'study_tornado']
    """
    study = _study(study, "figures")
    if study.tables["values"].empty:
        return {}
    out = {}
    if study.kind == "monte_carlo":
        if _varying(study):
            out["study_fan"] = figure_of(fan_chart(study))
            out["study_tornado"] = figure_of(tornado(study))
    else:
        out["study_sweep"] = figure_of(sweep_plot(study))
    out["study_bottlenecks"] = figure_of(bottleneck_bars(study))
    for fig in out.values():
        fig.tight_layout()
    return out
