"""The ``validation`` table of a Serbian result: every comparison with a record, by role.

Columns: :data:`~corridor_sim.models.toolkit.validation.VALIDATION_COLUMNS` (``quantity``,
``role``, ``year``, ``unit``, ``modelled``, ``recorded``, ``error_pct``, ``source``), the
schema every model's table has. Rows:

* **2024 backcast** (:func:`~corridor_sim.models.serbia.backcast.backcast_table`): the
  annual energy is an *input* (the load is scaled to it); the largest winter and summer
  days are *fitted* (the cold-spell and heat-wave bumps are solved so that they equal the
  records); the peak hour is computed, but no public MW record was found, so it has no
  error. Two days of 2024 that EMS reported (3 and 10 January, a week apart, before and in a
  cold spell) are *predicted*: the model never reads them (2024 is its base year, whose
  energy is an input).
* **Later days**: two days of 2025 that EMS reported (3 October, a day of early snow, and
  16 October) are *predicted*: 2025 sets no input (its energy is 2024's grown 1 %/yr).
* **Measured load** (:mod:`.load`), only when the user has made the measured-load file
  (:func:`.load.data_path`; without it these rows are left out): the shape fitted on 2015
  is *fitted* there; 2016 is *predicted* from 2015 alone (:func:`.load.predicted_load_mw`):
  its energy is 2015's grown at the model's 1 %/yr, and both shapes at that energy give the
  peak, the lowest hour, the largest days, a point of the duration curve, the winter share
  and the hour of the daily peak. Nothing of 2016 is read. (``load_check`` compares the
  shapes at the measured energy instead, an input there.)

The table is the model at the catalogue's own values, computed once per process in a fresh
context (a run's catalogue overrides do not reach it); it is the same for every scenario.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from corridor_sim.catalogue import fact, value
from corridor_sim.models.serbia.backcast import backcast_table
from corridor_sim.models.serbia.profiles import national_load_mw
from corridor_sim.models.serbia.validation.load import (
    CHECK_YEAR,
    FIT_YEAR,
    LOAD_QUANTITIES,
    RECORD_IDS,
    SHAPES,
    check_table,
    data_path,
    measured_load_available,
    measured_load_mw,
    predicted_load_mw,
)
from corridor_sim.models.toolkit.validation import validation_frame, validation_row
from corridor_sim.units import HOURS_PER_DAY, MWH_PER_TWH, THOUSAND

__all__ = ["validation", "validation_rows"]

#: role and quantity of each backcast row (``element`` of the backcast table).
_BACKCAST = {
    "annual_energy": (
        "input",
        "Serbian system consumption, 2024 (C4's end customers plus network losses; the load "
        "is scaled to it)",
    ),
    "largest_winter_day": (
        "fitted",
        "largest winter day (the cold-spell bump is solved to equal the record)",
    ),
    "largest_summer_day": (
        "fitted",
        "largest summer day (the heat-wave bump is solved to equal the record)",
    ),
    "peak_hour": ("predicted", "peak hour of 2024 (no public MW record found)"),
}


#: Public daily records the model never reads: (catalogue id, year, day of year). 2024 is the
#: base year (its energy is an input); 2025 sets no input.
_RECORD_DAYS = (
    ("serbia.record.day_2024_01_03", 2024, 3),
    ("serbia.record.day_2024_01_10", 2024, 10),
    ("serbia.record.day_2025_10_03", 2025, 276),
    ("serbia.record.day_2025_10_16", 2025, 289),
)


def _daily_gwh(year: int) -> np.ndarray:
    load = national_load_mw(year, rng=np.random.default_rng(1))
    return load.reshape(-1, HOURS_PER_DAY).sum(axis=1) / THOUSAND


def _backcast_rows() -> list[tuple]:
    rows = []
    table = backcast_table(rng=np.random.default_rng(1))
    for r in table.itertuples(index=False):
        role, quantity = _BACKCAST[str(r.element)]
        ids = [i for i in str(r.source_id).split(",") if i.startswith("serbia.")]
        year = int(fact(ids[0]).year or 2024) if ids else 2024
        rows.append(
            validation_row(
                f"Load backcast: {quantity}",
                role,
                year,
                str(r.unit),
                float(r.model_value),
                float(r.record_value),
                ids if r.element == "annual_energy" else ids[:1],
            )
        )
    base = int(value("serbia.load.base_year", unit="year"))
    for fid, year, day in _RECORD_DAYS:
        row = fact(fid, record=False)
        kind = "Load backcast" if year == base else f"Load, {base} grown to {year}"
        rows.append(
            validation_row(
                f"{kind}: {row.subject.split('(')[0].strip()}",
                "predicted",
                year,
                "GWh/day",
                float(_daily_gwh(year)[day - 1]),
                value(fid, unit="GWh/day"),
                [fid],
            )
        )
    return rows


def validation_rows(measured: Callable[[int], np.ndarray] | None = None) -> list[tuple]:
    """Return the rows of the ``validation`` table (see the module docstring).

    Parameters
    ----------
    measured : callable, optional
        ``measured(year)`` -> the measured hourly load of 2015 or 2016. Default: the
        measured-load file (:func:`.load.measured_load_mw`) when the user has made it, else
        no measured-load rows. A test passes altered records to show that predicted rows do
        not read them.
    """
    rows = _backcast_rows()
    if measured is None:
        if not measured_load_available():
            return rows
        measured = measured_load_mw
    check = check_table(measured).set_index(["shape", "year", "quantity"])
    for quantity, (unit, _) in LOAD_QUANTITIES.items():
        r = check.loc[(SHAPES[1], FIT_YEAR, quantity)]
        rows.append(
            validation_row(
                f"Control-area load (with Kosovo): {quantity}, shape fitted on {FIT_YEAR}",
                "fitted",
                FIT_YEAR,
                unit,
                float(r["modelled"]),
                float(r["measured"]),
                [RECORD_IDS[FIT_YEAR]],
            )
        )
    energy, hours = predicted_load_mw(measured, CHECK_YEAR)
    record = np.asarray(measured(CHECK_YEAR), dtype=float)
    rows.append(
        validation_row(
            f"Control-area load (with Kosovo): annual energy, {FIT_YEAR}'s grown 1 %/yr",
            "predicted",
            CHECK_YEAR,
            "TWh",
            energy,
            float(record.sum()) / MWH_PER_TWH,
            [RECORD_IDS[CHECK_YEAR], "serbia.load.growth_per_yr"],
        )
    )
    for shape, model in hours.items():
        label = "catalogue shape" if shape == SHAPES[0] else f"shape fitted on {FIT_YEAR}"
        for quantity, (unit, of) in LOAD_QUANTITIES.items():
            rows.append(
                validation_row(
                    f"Control-area load (with Kosovo): {quantity}, {label}",
                    "predicted",
                    CHECK_YEAR,
                    unit,
                    of(model),
                    of(record),
                    [RECORD_IDS[CHECK_YEAR]],
                )
            )
    return rows


@functools.cache
def _table(path: Path | None) -> pd.DataFrame:
    return contextvars.Context().run(lambda: validation_frame(validation_rows()))


def validation() -> pd.DataFrame:
    """Return the Serbian ``validation`` table (computed once per process and data file).

    Without the measured-load file (:func:`.load.data_path`) it holds the backcast rows only:
    one input, two fitted and five predicted rows (four with a record).

    Examples
    --------
    >>> t = validation()
    >>> int((t["role"] == "predicted").sum()) >= 3
    True
    """
    return _table(data_path() if measured_load_available() else None).copy()
