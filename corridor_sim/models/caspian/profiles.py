"""Hourly wind, solar, hydro and demand profiles for the Caspian corridor hubs.

Deterministic for a seed (one :class:`numpy.random.Generator`), with documented
annual capacity factors (``caspian.cf.*``, ``caspian.gen.*.hydro_cf``), daily and
seasonal shapes (``caspian.profile.*``), and demand scaled so that each hub's year
has its documented annual energy and peak.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.errors import SpecError
from corridor_sim.models.caspian.network import capacity_factor_id, hub_demand, mean_mw
from corridor_sim.models.caspian.params import PARAMS, check_hours, check_year
from corridor_sim.units import HOURS_PER_DAY, HOURS_PER_YEAR

__all__ = ["HOURS_PER_YEAR", "profile_columns", "profiles", "scale_to_capacity_factor"]

_DAYS = HOURS_PER_YEAR // HOURS_PER_DAY

# (hub, kind) pairs that get a capacity-factor column; demand hubs get a MW column
_RENEWABLES: tuple[tuple[str, str], ...] = (
    ("kz_west", "wind"),
    ("kz_rest", "wind"),
    ("kz_rest", "solar"),
    ("kz_rest", "hydro"),
    ("uz", "wind"),
    ("uz", "solar"),
    ("uz", "hydro"),
    ("az_absheron", "wind"),
    ("az_rest", "solar"),
    ("az_rest", "hydro"),
    ("ge", "hydro"),
    ("tr", "wind"),
    ("tr", "solar"),
    ("tr", "hydro"),
)
_DEMAND_HUBS = ("kz_west", "kz_rest", "uz", "az_absheron", "az_rest", "ge", "tr")


def profile_columns() -> list[str]:
    """Column names of :func:`profiles`: ``<hub>.<kind>`` (p.u.) then ``<hub>.demand`` (MW)."""
    return [f"{h}.{k}" for h, k in _RENEWABLES] + [f"{h}.demand" for h in _DEMAND_HUBS]


def scale_to_capacity_factor(raw: np.ndarray, cf: float) -> np.ndarray:
    """Scale a non-negative shape so that ``mean(min(1, a * raw)) == cf``.

    Parameters
    ----------
    raw : ndarray
        Non-negative hourly shape (any scale).
    cf : float
        Target annual capacity factor, 0 < cf < share of hours with output.

    Returns
    -------
    ndarray
        Hourly capacity factors in [0, 1] whose mean is `cf` (exact up to rounding):
        ``min(1, a * raw)`` with `a` solved in closed form over the sorted shape.

    Examples
    --------
    >>> import numpy as np
    >>> out = scale_to_capacity_factor(np.array([0.0, 1.0, 2.0, 3.0]), 0.5)
    >>> round(float(out.mean()), 6)
    0.5
    """
    raw = np.asarray(raw, dtype=float)
    if raw.size and raw.max() > 0:
        raw = raw / raw.max()  # scale-free; keeps the closed form away from overflow
    n = raw.size
    producing = np.count_nonzero(raw > 0)
    if not 0 < cf < 1 or n == 0 or raw.min() < 0 or cf * n >= producing:
        msg = (
            f"capacity factor = {cf!r}: expected 0 < cf < 1, below the share of hours with "
            f"output ({producing}/{n}), and a non-negative shape"
        )
        raise SpecError(msg)
    # exact: with the k largest hours clipped at 1, a = (n cf - k) / (sum of the others)
    r = np.sort(raw)[::-1]
    rest = np.cumsum(r[::-1])[::-1]  # rest[k] = sum of r[k:]
    k = np.arange(n)
    tol = 1e-12
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        a = (n * cf - k) / rest
        prev = np.r_[np.inf, r[:-1]]
        ok = (a > 0) & (a * r <= 1 + tol) & ((k == 0) | (a * prev >= 1 - tol))
    scale = a[np.flatnonzero(ok)[0]]
    return np.minimum(1.0, scale * raw)


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Return a stationary AR(1) series with unit variance."""
    eps = rng.standard_normal(n) * math.sqrt(1 - phi**2)
    out = np.empty(n)
    out[0] = rng.standard_normal()
    for i in range(1, n):
        out[i] = phi * out[i - 1] + eps[i]
    return out


def _hub_geo(hub: str) -> tuple[float, float]:
    return value(f"caspian.hub.{hub}.lat", unit="deg"), value(f"caspian.hub.{hub}.lon", unit="deg")


def _local_hour(lon: float) -> np.ndarray:
    """Local solar hour of each hour of the year (hour 0 = 1 January 00:00 UTC)."""
    return (np.arange(HOURS_PER_YEAR) + lon / 15) % HOURS_PER_DAY


def _day_of_year() -> np.ndarray:
    return np.arange(HOURS_PER_YEAR) / HOURS_PER_DAY


def _seasonal(peak_month: float, amplitude: float) -> np.ndarray:
    peak_day = (peak_month - 1) * _DAYS / 12 + 15
    return 1 + amplitude * np.cos(2 * np.pi * (_day_of_year() - peak_day) / _DAYS)


def _wind(rng: np.random.Generator, hub: str, cf: float) -> np.ndarray:
    _, lon = _hub_geo(hub)
    phi = value("caspian.profile.wind.persistence", unit="-")
    vol = value("caspian.profile.wind.volatility", unit="-")
    season = _seasonal(1, value("caspian.profile.wind.seasonal_amplitude", unit="-"))
    peak_h = value("caspian.profile.wind.peak_hour", unit="h")
    daily = 1 + value("caspian.profile.wind.diurnal_amplitude", unit="-") * np.cos(
        2 * np.pi * (_local_hour(lon) - peak_h) / HOURS_PER_DAY
    )
    raw = np.exp(vol * _ar1(rng, HOURS_PER_YEAR, phi)) * season * daily
    return scale_to_capacity_factor(raw, cf)


def _solar(rng: np.random.Generator, hub: str, cf: float) -> np.ndarray:
    lat, lon = _hub_geo(hub)
    tilt = math.radians(value("caspian.geo.axial_tilt", unit="deg"))
    decl = tilt * np.sin(2 * np.pi * (_day_of_year() - 81) / _DAYS)
    hour_angle = 2 * np.pi * (_local_hour(lon) - 12) / HOURS_PER_DAY
    phi = math.radians(lat)
    sin_el = math.sin(phi) * np.sin(decl) + math.cos(phi) * np.cos(decl) * np.cos(hour_angle)
    clear = np.clip(sin_el, 0, None)
    cloud = 1 / (
        1 + np.exp(-_ar1(rng, _DAYS, value("caspian.profile.solar.cloud_persistence", unit="-")))
    )
    depth = value("caspian.profile.solar.cloud_depth", unit="-")
    daily_clear = 1 - depth * np.repeat(cloud, HOURS_PER_DAY)
    return scale_to_capacity_factor(clear * daily_clear, cf)


def _hydro(rng: np.random.Generator, cf: float) -> np.ndarray:
    season = _seasonal(
        value("caspian.profile.hydro.peak_month", unit="month"),
        value("caspian.profile.hydro.seasonal_amplitude", unit="-"),
    )
    noise = 1 + value("caspian.profile.demand.noise", unit="-") * _ar1(
        rng, HOURS_PER_YEAR, 1 - 1 / HOURS_PER_DAY
    )
    return scale_to_capacity_factor(np.clip(season * noise, 0, None), cf)


def _demand(
    rng: np.random.Generator, hub: str, *, annual_twh: float, peak_mw: float, peak_month: int
) -> np.ndarray:
    _, lon = _hub_geo(hub)
    season = _seasonal(peak_month, value("caspian.profile.demand.seasonal_amplitude", unit="-"))
    peak_h = value("caspian.profile.demand.peak_hour", unit="h")
    daily = 1 + value("caspian.profile.demand.diurnal_amplitude", unit="-") * np.cos(
        2 * np.pi * (_local_hour(lon) - peak_h) / HOURS_PER_DAY
    )
    noise = 1 + value("caspian.profile.demand.noise", unit="-") * rng.standard_normal(
        HOURS_PER_YEAR
    )
    shape = season * daily * noise
    shape = shape / shape.mean()
    mean = mean_mw(annual_twh)
    k = (peak_mw / mean - 1) / (shape.max() - 1)
    return mean * (1 + k * (shape - 1))


def profiles(
    year: int,
    *,
    seed: int,
    hours: int = HOURS_PER_YEAR,
    demand_growth_pct_per_yr: float | None = None,
) -> pd.DataFrame:
    """Hourly capacity factors and demand for every hub of the corridor in `year`.

    Parameters
    ----------
    year : int
        Modelled year (sets demand growth; >= 2022).
    seed : int
        Seed of the :class:`numpy.random.Generator`; same seed, identical frame.
    hours : int, default 8760
        Number of hours from 1 January 00:00 UTC (1..8760). The year is always
        generated whole and then cut, so the first weeks are the same for any `hours`.
    demand_growth_pct_per_yr : float, optional
        Demand growth per year after each figure's data year (default: the catalogue's).

    Returns
    -------
    pandas.DataFrame
        Index ``hour`` (0-based); columns ``<hub>.<kind>`` (wind/solar/hydro
        capacity factor, p.u. of installed MW; the annual mean equals the
        catalogue capacity factor) and ``<hub>.demand`` (MW; the annual sum equals
        the hub's annual energy and the maximum its peak).

    Raises
    ------
    SpecError
        If `hours` is not in 1..8760 or `year` is before 2022.

    Examples
    --------
    >>> prof = profiles(2032, seed=1, hours=48)
    >>> prof.shape
    (48, 21)
    >>> bool((prof["az_rest.solar"].between(0, 1)).all())
    True
    """
    year = check_year(year)
    hours = check_hours(hours)
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {}
    for hub, kind in _RENEWABLES:
        cf = value(capacity_factor_id(hub, kind), unit="-")
        if kind == "wind":
            cols[f"{hub}.{kind}"] = _wind(rng, hub, cf)
        elif kind == "solar":
            cols[f"{hub}.{kind}"] = _solar(rng, hub, cf)
        else:
            cols[f"{hub}.{kind}"] = _hydro(rng, cf)
    growth = demand_growth_pct_per_yr
    if growth is None:
        growth = PARAMS["demand_growth_pct_per_yr"].default(year)
    demand = hub_demand(year, growth).set_index("hub")
    for hub in _DEMAND_HUBS:
        row = demand.loc[hub]
        cols[f"{hub}.demand"] = _demand(
            rng,
            hub,
            annual_twh=row["annual_twh"],
            peak_mw=row["peak_mw"],
            peak_month=int(row["peak_month"]),
        )
    frame = pd.DataFrame(cols).iloc[:hours]
    frame.index = pd.RangeIndex(hours, name="hour")
    return frame
