"""Backcast of the load model: the base year's largest days and peak hour against the records.

The load shape is built to reproduce the records of ``serbia.load.*`` (the winter and
summer record days); this table shows the base-year model (2024: C4's 30.8 TWh of end
customers' consumption plus the network losses, :mod:`.load_basis`) next to every public
record the catalogue holds, so that a change to the shape or the records shows up.
``docs/serbia.md`` prints it.

Every row says its role (the project's rule: only predicted rows validate):

* ``input`` -- given to the model (the annual energy: the load is scaled to it; the
  record is C4 on the system basis, network losses included);
* ``fitted`` -- a parameter is set so that it matches (the winter and summer bumps are
  solved so that the record days equal the records);
* ``predicted`` -- computed without it (the peak hour, from the fitted days and the
  intraday swing). ``validates`` says whether the comparison is against an independent
  public record: for the peak hour it is not (no public MW record was found; the spread
  is the model's own), so this table validates nothing yet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor_sim.catalogue import fact, value
from corridor_sim.models.serbia.load_basis import system_energy_twh
from corridor_sim.models.serbia.profiles import national_load_mw
from corridor_sim.units import HOURS_PER_DAY, THOUSAND

__all__ = ["backcast_table"]


def backcast_table(*, rng: np.random.Generator) -> pd.DataFrame:
    """Compare the base year's model load with the public records (one row per quantity).

    Columns: ``element`` (the quantity), ``role`` (input, fitted or predicted),
    ``validates`` (a predicted row compared with an independent public record),
    ``model_value``, ``unit``, ``record_value``, ``record_low``, ``record_high`` (spread of
    the records), ``source_id`` (catalogue rows).

    Examples
    --------
    >>> t = backcast_table(rng=np.random.default_rng(1)).set_index("element")
    >>> bool(t.at["largest_winter_day", "record_low"] <= t.at["largest_winter_day", "model_value"]
    ...      <= t.at["largest_winter_day", "record_high"])
    True
    """
    base = int(value("serbia.load.base_year", unit="year"))
    load = national_load_mw(base, rng=rng)
    days = load.reshape(-1, HOURS_PER_DAY).sum(axis=1) / THOUSAND  # GWh
    winter = np.r_[days[:59], days[334:]]  # December to February
    summer = days[151:243]  # June to August
    summer_rec = value("serbia.load.record_day_energy", unit="GWh/day")
    gap = value("serbia.record.summer_winter_gap", unit="%")
    winter_ids = (
        "serbia.load.winter_record_day_energy",
        "serbia.record.winter_day_2026",
        "serbia.record.winter_day_2012",
    )
    winter_values = [value(i, unit="GWh/day") for i in winter_ids]
    spread = [*winter_values, summer_rec * (1 + gap / 100)]
    swing = fact("serbia.load.daily_swing", record=False)
    assert swing.low is not None  # a ranged row
    assert swing.high is not None
    record_mean_mw = winter_values[0] * THOUSAND / HOURS_PER_DAY
    rows = [
        (
            "annual_energy",
            float(load.sum()) / 1e6,
            "TWh",
            system_energy_twh(),
            np.nan,
            np.nan,
            "serbia.load.annual_energy,serbia.load.distribution_losses,"
            "serbia.load.transmission_losses",
        ),
        (
            "largest_winter_day",
            float(winter.max()),
            "GWh/day",
            winter_values[0],
            min(spread),
            max(spread),
            ",".join([*winter_ids, "serbia.record.summer_winter_gap"]),
        ),
        (
            "largest_summer_day",
            float(summer.max()),
            "GWh/day",
            summer_rec,
            np.nan,
            np.nan,
            "serbia.load.record_day_energy",
        ),
        (
            "peak_hour",
            float(load.max()),
            "MW",
            np.nan,
            record_mean_mw * (1 + swing.low),
            record_mean_mw * (1 + swing.high),
            "no public MW record found; spread = winter record day x (1 + serbia.load.daily_swing)",
        ),
    ]
    roles = {
        "annual_energy": ("input", False),
        "largest_winter_day": ("fitted", False),
        "largest_summer_day": ("fitted", False),
        "peak_hour": ("predicted", False),  # against the model's own spread: no record
    }
    table = pd.DataFrame(
        rows,
        columns=[
            "element",
            "model_value",
            "unit",
            "record_value",
            "record_low",
            "record_high",
            "source_id",
        ],
    )
    table.insert(1, "role", [roles[e][0] for e in table["element"]])
    table.insert(2, "validates", [roles[e][1] for e in table["element"]])
    return table
