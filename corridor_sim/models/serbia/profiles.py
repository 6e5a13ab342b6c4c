"""Hourly inputs of the site study: the national load, the plant's dispatch, the hours' dates.

* an hourly national load for the year (8760 hours) from the 2024 consumption (C4) with a
  seasonal shape peaking on the record day (C5), a daily cycle and seeded noise;
* the plant runs at full output in the highest-load hours until its energy matches the
  capacity factor (the last hour partly, never below the minimum load).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.errors import SpecError
from corridor_sim.models.serbia.network import GridSpec
from corridor_sim.units import HOURS_PER_DAY, HOURS_PER_YEAR, MWH_PER_TWH, THOUSAND

__all__ = ["HOURS", "hour_snapshots", "national_load_mw", "plant_dispatch_mw"]

#: Hours of the study year (a 365-day year from 1 January).
HOURS = HOURS_PER_YEAR


def hour_snapshots(year: int, hours: npt.ArrayLike) -> pd.DatetimeIndex:
    """Start of each hour of the study (hour 0 = 1 January `year`, 00:00).

    Examples
    --------
    >>> hour_snapshots(2029, [0, 25])[1]
    Timestamp('2029-01-02 01:00:00')
    """
    start = pd.Timestamp(year=year, month=1, day=1)
    return start + pd.to_timedelta(np.asarray(hours, dtype=np.int64), unit="h")


def national_load_mw(
    year: int, *, rng: np.random.Generator, spec: GridSpec | None = None
) -> np.ndarray:
    """Hourly national consumption of Serbia in `year`, MW (8760 values).

    The daily mean follows ``1 + a cos(4 pi (d - d_rec) / days_per_year)`` (peaks on the
    record day, 17 July, and in mid-January) with `a` set so the record day's mean equals the
    record (``serbia.load.record_day_energy``) relative to the 2024 annual mean; a daily
    cycle (evening peak) and seeded noise are added, and the series is scaled to the year's
    annual energy exactly.

    Examples
    --------
    >>> x = national_load_mw(2024, rng=np.random.default_rng(0))
    >>> round(x.sum() / 1e5)  # 2024: 30.8 TWh
    308
    """
    spec = GridSpec.for_year(year) if spec is None else spec
    days = HOURS / HOURS_PER_DAY
    mean_day_gwh = value("serbia.load.annual_energy", unit="TWh") * THOUSAND / days
    amp = value("serbia.load.record_day_energy", unit="GWh/day") / mean_day_gwh - 1
    d_rec = value("serbia.load.record_day_of_year", unit="day")
    swing = value("serbia.load.daily_swing", unit="p.u.")
    noise = value("serbia.load.noise", unit="p.u.")
    peak_hour = value("serbia.load.peak_hour", unit="h")
    h = np.arange(HOURS)
    day = h // HOURS_PER_DAY
    hour = h % HOURS_PER_DAY
    seasonal = 1 + amp * np.cos(4 * np.pi * (day + 1 - d_rec) / (HOURS / HOURS_PER_DAY))
    # a plain cosine: evening peak at serbia.load.peak_hour, trough 12 hours later
    daily = 1 + swing * np.cos(2 * np.pi * (hour - peak_hour) / HOURS_PER_DAY)
    x = seasonal * daily * (1 + noise * rng.standard_normal(HOURS))
    return x / x.sum() * spec.annual_energy_twh * MWH_PER_TWH


def plant_dispatch_mw(
    national_mw: np.ndarray, *, capacity_mw: float, capacity_factor: float, min_load: float
) -> np.ndarray:
    """Plant output per hour: full output in the highest-load hours until the energy is reached.

    The energy is ``capacity_factor * capacity_mw * hours``; the last hour runs part-load,
    but not below ``min_load * capacity_mw`` (then it is dropped, which changes the energy by
    less than one hour at minimum load).

    Examples
    --------
    >>> d = plant_dispatch_mw(np.arange(10), capacity_mw=10, capacity_factor=0.25, min_load=0.4)
    >>> d.astype(int).tolist()
    [0, 0, 0, 0, 0, 0, 0, 5, 10, 10]
    """
    if not 0 <= capacity_factor <= 1:
        msg = f"capacity_factor = {capacity_factor!r}: expected a fraction in [0, 1]"
        raise SpecError(msg)
    n = len(national_mw)
    energy = capacity_factor * capacity_mw * n
    full = int(energy // capacity_mw)
    rest = energy - full * capacity_mw
    order = np.argsort(-np.asarray(national_mw), kind="stable")
    out = np.zeros(n)
    out[order[:full]] = capacity_mw
    if full < n and rest >= min_load * capacity_mw:
        out[order[full]] = rest
    return out
