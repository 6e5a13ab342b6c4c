"""Hourly inputs of the site study: the national load, the plants' availability, the hours' dates.

* The national load (8760 hours) carries the year's system consumption (C4's end customers
  grown, plus the distribution and transmission losses, :mod:`.load_basis`) on a seasonal shape
  (a winter-summer and a semi-annual cosine) with two bumps, a cold spell and a heat wave,
  sized so that the base year's largest winter and summer days equal the public records
  (``serbia.load.winter_record_day_energy``, 9 January; C5's 105.8 GWh, 17 July); a daily
  cosine (evening peak) and seeded noise on top.
* Plant availability from Serbia's 2024 generation mix (``serbia.gen.*``): lignite
  available at its 2024 capacity factor with summer overhauls, hydro and wind at their
  2024 capacity factors with seasonal shapes (wind with seeded day-to-day noise), CHP
  heat-led. Storage hydro delivers each day's energy in the day's highest-load hours.
* :func:`plant_dispatch_mw` ranks hours by a series (the price) for a fixed capacity factor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.errors import SpecError
from corridor_sim.models.serbia.load_basis import system_energy_twh
from corridor_sim.models.serbia.values import cv
from corridor_sim.units import HOURS_PER_DAY, HOURS_PER_YEAR, MWH_PER_TWH, PERCENT, THOUSAND

if TYPE_CHECKING:
    from corridor_sim.models.serbia.grid.network import GridSpec

__all__ = [
    "HOURS",
    "daily_energy_gwh",
    "hour_snapshots",
    "national_load_mw",
    "plant_dispatch_mw",
    "unit_profiles",
]

#: Hours of the study year (a 365-day year from 1 January).
HOURS = HOURS_PER_YEAR
_DAYS = HOURS // HOURS_PER_DAY


def hour_snapshots(year: int, hours: npt.ArrayLike) -> pd.DatetimeIndex:
    """Start of each hour of the study (hour 0 = 1 January `year`, 00:00).

    Examples
    --------
    >>> hour_snapshots(2029, [0, 25])[1]
    Timestamp('2029-01-02 01:00:00')
    """
    start = pd.Timestamp(year=year, month=1, day=1)
    return start + pd.to_timedelta(np.asarray(hours, dtype=np.int64), unit="h")


def _bump(day: np.ndarray, centre: float, width: float) -> np.ndarray:
    """Return a Gaussian bump on the circle of the year's days."""
    d = np.abs(day - centre)
    d = np.minimum(d, _DAYS - d)
    return np.exp(-0.5 * (d / width) ** 2)


def _season(day: np.ndarray, peak_day: float, amplitude: float) -> np.ndarray:
    return 1 + amplitude * np.cos(2 * np.pi * (day - peak_day) / _DAYS)


def daily_shape(draw: Mapping[str, float] | None = None) -> np.ndarray:
    """Daily load relative to the annual mean day (365 values, mean 1).

    The seasonal cosines (``serbia.load.seasonal_*``) plus a cold-spell bump centred on the
    winter record's day and a heat-wave bump on the summer record's day, of width
    ``serbia.load.spell_days``. The bumps' heights solve two linear equations so that the
    two record days, relative to the mean day of the base year, equal the records. The mean
    day is the base year's system consumption (C4's end customers plus the network losses,
    :func:`~corridor_sim.models.serbia.load_basis.system_energy_twh`): the records' basis.

    Examples
    --------
    >>> s = daily_shape()
    >>> round(float(s.mean()), 9), round(float(s[8]) * system_energy_twh() * 1e3 / 365, 1)
    (1.0, 130.0)
    """
    day = np.arange(_DAYS, dtype=float)
    mean_gwh = system_energy_twh(draw) * THOUSAND / _DAYS  # the records' basis (load_basis)
    d_w = cv("serbia.load.winter_record_day_of_year", "day", draw) - 1
    d_s = cv("serbia.load.record_day_of_year", "day", draw) - 1
    r_w = cv("serbia.load.winter_record_day_energy", "GWh/day", draw) / mean_gwh
    r_s = cv("serbia.load.record_day_energy", "GWh/day", draw) / mean_gwh
    a1 = cv("serbia.load.seasonal_annual_amplitude", "p.u.", draw)
    a2 = cv("serbia.load.seasonal_semiannual_amplitude", "p.u.", draw)
    width = cv("serbia.load.spell_days", "day", draw)
    theta = 2 * np.pi * (day - d_w) / _DAYS
    base = 1 + a1 * np.cos(theta) + a2 * np.cos(2 * theta)
    g_w, g_s = _bump(day, d_w, width), _bump(day, d_s, width)
    iw, is_ = int(d_w), int(d_s)
    # base[i] + W g_w[i] + H g_s[i] = r (mean(base) + W mean(g_w) + H mean(g_s)), i = w, s
    m = np.array(
        [
            [g_w[iw] - r_w * g_w.mean(), g_s[iw] - r_w * g_s.mean()],
            [g_w[is_] - r_s * g_w.mean(), g_s[is_] - r_s * g_s.mean()],
        ]
    )
    rhs = np.array([r_w * base.mean() - base[iw], r_s * base.mean() - base[is_]])
    heights = np.maximum(np.linalg.solve(m, rhs), 0.0)
    shape = base + heights[0] * g_w + heights[1] * g_s
    return shape / shape.mean()


def daily_energy_gwh(annual_twh: float, draw: Mapping[str, float] | None = None) -> np.ndarray:
    """Daily national consumption (365 values, GWh) of a year of `annual_twh`."""
    return daily_shape(draw) * annual_twh * THOUSAND / _DAYS


def national_load_mw(
    year: int,
    *,
    rng: np.random.Generator,
    spec: GridSpec | None = None,
    draw: Mapping[str, float] | None = None,
    annual_twh: float | None = None,
) -> np.ndarray:
    """Hourly system consumption of Serbia in `year`, MW (8760 values), losses included.

    :func:`daily_shape` times a daily cosine (``serbia.load.daily_swing``, peak at
    ``serbia.load.peak_hour``) and seeded noise (``serbia.load.noise``), scaled to the
    year's energy exactly: `annual_twh` when given, else `spec.annual_energy_twh`, else the
    system consumption of `year` (:func:`~corridor_sim.models.serbia.params.annual_energy_twh`:
    C4 grown, plus distribution and transmission losses). `draw` replaces catalogue values of
    the shape (a robustness draw, or the shape fitted on measured load,
    :mod:`corridor_sim.models.serbia.validation.load`).

    Examples
    --------
    >>> x = national_load_mw(2024, rng=np.random.default_rng(0))
    >>> round(x.sum() / 1e5), round(x.reshape(-1, 24).sum(axis=1).max() / 1e3)  # TWh/10, GWh
    (357, 130)
    """
    from corridor_sim.models.serbia.params import annual_energy_twh

    if annual_twh is not None:
        annual = annual_twh
    else:
        annual = annual_energy_twh(year) if spec is None else spec.annual_energy_twh
    draw = draw if draw is not None else getattr(spec, "draw", None)
    swing = cv("serbia.load.daily_swing", "p.u.", draw)
    noise = value("serbia.load.noise", unit="p.u.")
    peak_hour = cv("serbia.load.peak_hour", "h", draw)
    h = np.arange(HOURS)
    hour = h % HOURS_PER_DAY
    daily = 1 + swing * np.cos(2 * np.pi * (hour - peak_hour) / HOURS_PER_DAY)
    x = (
        np.repeat(daily_shape(draw), HOURS_PER_DAY)
        * daily
        * (1 + noise * rng.standard_normal(HOURS))
    )
    return x / x.sum() * annual * MWH_PER_TWH


def plant_dispatch_mw(
    national_mw: np.ndarray, *, capacity_mw: float, capacity_factor: float, min_load: float
) -> np.ndarray:
    """Plant output per hour: full output in the highest hours of a series until the energy is met.

    The series is the price (the plant runs in the most valuable hours) or, as in earlier
    versions, the national load. The energy is ``capacity_factor * capacity_mw * hours``;
    the last hour runs part-load, but not below ``min_load * capacity_mw`` (then it is
    dropped, which changes the energy by less than one hour at minimum load).

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


def _storage_schedule(
    cap: float, daily_mwh: np.ndarray, load: np.ndarray, hours: int
) -> np.ndarray:
    """Spread each day's energy over its `hours` highest-load hours, the rest at full output."""
    out = np.zeros(HOURS)
    days = load.reshape(_DAYS, HOURS_PER_DAY)
    hours = min(max(hours, 1), HOURS_PER_DAY)
    for d in range(_DAYS):
        order = np.argsort(-days[d], kind="stable") + d * HOURS_PER_DAY
        energy = min(float(daily_mwh[d]), cap * HOURS_PER_DAY)
        per = min(cap, energy / hours)
        out[order[:hours]] = per
        rest = energy - per * hours
        for k in order[hours:]:
            if rest <= 0:
                break
            out[k] = min(cap, rest)
            rest -= out[k]
    return out


def unit_profiles(
    units: pd.DataFrame,
    base_capacity_mw: Mapping[str, float],
    national_mw: np.ndarray,
    *,
    rng: np.random.Generator,
    draw: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Hourly available (lignite) or scheduled (hydro, wind, CHP) output of each plant, MW.

    Parameters
    ----------
    units : DataFrame
        ``unit``, ``kind``, ``capacity_mw`` of the Serbian plants (``net.gen`` rows).
    base_capacity_mw : mapping
        Capacity of each kind in the base year (2024), MW: the 2024 energies of
        ``serbia.gen.*`` over these give the capacity factors.
    national_mw : numpy.ndarray
        Hourly national load (storage hydro follows its daily peaks).
    rng : numpy.random.Generator
        Seeds the wind's day-to-day noise.
    draw : mapping, optional
        Catalogue values drawn by the robustness study.

    Returns
    -------
    DataFrame
        Hours x unit id (MW).
    """
    total = cv("serbia.gen.total_2024", "TWh", draw) * MWH_PER_TWH
    day = np.arange(_DAYS)
    d_w = cv("serbia.load.winter_record_day_of_year", "day", draw) - 1

    def cf(kind: str, energy_mwh: float) -> float:
        cap = base_capacity_mw.get(kind, 0.0)
        return energy_mwh / (cap * HOURS) if cap > 0 else 0.0

    lignite = cf("lignite", total * cv("serbia.gen.coal_share_2024", "%", draw) / PERCENT)
    lignite_day = lignite * _season(
        day, d_w, cv("serbia.gen.lignite_seasonal_amplitude", "p.u.", draw)
    )
    hydro_energy = total * cv("serbia.gen.hydro_share_2024", "%", draw) / PERCENT
    hydro_cap = base_capacity_mw.get("hydro_ror", 0.0) + base_capacity_mw.get("hydro_storage", 0.0)
    hydro = hydro_energy / (hydro_cap * HOURS) if hydro_cap > 0 else 0.0
    hydro_day = hydro * _season(
        day,
        cv("serbia.gen.hydro_peak_day", "day", draw) - 1,
        cv("serbia.gen.hydro_seasonal_amplitude", "p.u.", draw),
    )
    wind = cf("wind", cv("serbia.gen.wind_energy_2024", "GWh", draw) * THOUSAND)
    noise = rng.lognormal(0.0, cv("serbia.gen.wind_noise", "p.u.", draw), _DAYS)
    wind_day = wind * _season(day, d_w, cv("serbia.gen.wind_seasonal_amplitude", "p.u.", draw))
    wind_day = wind_day * noise / noise.mean()
    chp = cf("chp", total * cv("serbia.gen.chp_share_2024", "%", draw) / PERCENT)
    chp_day = chp * _season(day, d_w, cv("serbia.gen.chp_seasonal_amplitude", "p.u.", draw))
    storage_hours = int(cv("serbia.gen.storage_hours", "h", draw))
    per_day = {"lignite": lignite_day, "hydro_ror": hydro_day, "wind": wind_day, "chp": chp_day}
    out = {}
    for row in units.itertuples(index=False):
        cap = float(row.capacity_mw)
        if row.kind == "hydro_storage":
            daily_mwh = cap * HOURS_PER_DAY * np.clip(hydro_day, 0, 1)
            out[row.unit] = _storage_schedule(cap, daily_mwh, national_mw, storage_hours)
        else:
            out[row.unit] = cap * np.repeat(np.clip(per_day[row.kind], 0, 1), HOURS_PER_DAY)
    return pd.DataFrame(out, index=pd.RangeIndex(HOURS, name="hour"))
