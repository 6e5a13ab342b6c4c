"""The validation figure of a Serbian result: modelled against measured load in the held-out year.

Reads the result's ``load_hourly`` (2016 hour by hour: measured, the shape fitted on 2015 and
the catalogue's shape, both at the measured energy) and ``load_check`` (the correlations in
the legend) tables only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from corridor_sim.plotting.layout import place_legend
from corridor_sim.plotting.style import CATEGORICAL, figure_title, style_context
from corridor_sim.units import HOURS_PER_DAY, THOUSAND

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from corridor_sim.results.result import Result

__all__ = ["load_validation"]

_SERIES = (
    ("measured_mw", "measured (ENTSO-E)", "-", "black"),
    ("fitted_mw", "model, shape fitted on 2015", "-", CATEGORICAL[0]),
    ("catalogue_mw", "model, catalogue shape", "--", CATEGORICAL[1]),
)
_SHAPE_OF = {"fitted_mw": "fitted on 2015", "catalogue_mw": "catalogue"}
_WINDOW_DAYS = 14


def _label(check: pd.DataFrame, col: str, label: str, year: int) -> str:
    if col not in _SHAPE_OF:
        return label
    row = check[
        (check["shape"] == _SHAPE_OF[col])
        & (check["year"] == year)
        & (check["quantity"] == "correlation of the hourly load")
    ]
    return f"{label} (r = {float(row['modelled'].iloc[0]):.3f})" if len(row) else label


def load_validation(result: Result) -> Figure:
    """Plot the held-out year's load: measured against the model with both shapes.

    Four panels: the fortnight around the measured annual peak hour by hour, the daily energy
    over the year, the load duration curves and the mean day. The legend gives each shape's
    hourly correlation with the measured load (table ``load_check``).

    Returns
    -------
    Figure
    """
    hours = result.table("load_hourly")
    check = result.table("load_check")
    year = int(hours["year"].iloc[0])
    with style_context():
        fig = plt.figure(figsize=(12.0, 7.5), layout="constrained")
        grid = fig.add_gridspec(2, 3)
        top = fig.add_subplot(grid[0, :])
        days_ax, ldc_ax, day_ax = (fig.add_subplot(grid[1, k]) for k in range(3))
        peak = int(hours["measured_mw"].to_numpy().argmax())
        span = _WINDOW_DAYS * HOURS_PER_DAY
        start = min(max(peak - span // 2, 0), len(hours) - span)
        window = hours.iloc[start : start + span]
        t = pd.Timestamp(year=year, month=1, day=1) + pd.to_timedelta(window["hour"], unit="h")
        for col, label, style, colour in _SERIES:
            x = hours[col].to_numpy(dtype=float)
            name = _label(check, col, label, year)
            top.plot(t, window[col], style, color=colour, lw=1.0, label=name)
            daily = x.reshape(-1, HOURS_PER_DAY).sum(axis=1) / THOUSAND
            days_ax.plot(np.arange(1, len(daily) + 1), daily, style, color=colour, lw=0.8)
            ldc_ax.plot(np.arange(1, len(x) + 1), np.sort(x)[::-1], style, color=colour, lw=1.0)
            mean_day = x.reshape(-1, HOURS_PER_DAY).mean(axis=0)
            day_ax.plot(np.arange(HOURS_PER_DAY), mean_day, style, color=colour, lw=1.2)
        top.set_xlabel("date (CET)")
        top.set_ylabel("load (MW)")
        top.set_title("two weeks around the measured annual peak, hour by hour")
        place_legend(top)
        days_ax.set_xlabel("day of the year (d)")
        days_ax.set_ylabel("daily energy (GWh)")
        ldc_ax.set_xlabel("hours of the year, sorted (h)")
        ldc_ax.set_ylabel("load (MW)")
        ldc_ax.set_title("load duration curve")
        day_ax.set_xlabel("hour of the day (CET)")
        day_ax.set_ylabel("mean load (MW)")
        day_ax.set_title("mean day")
        fig.suptitle(
            figure_title(
                result,
                f"Serbian control-area load (with Kosovo) in {year}, held out of the fit: "
                "measured against the model at the measured energy",
            )
        )
    return fig
