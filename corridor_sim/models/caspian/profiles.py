"""Hourly wind, solar, hydro, demand and European price profiles for the Caspian corridor.

Deterministic for a seed (one :class:`numpy.random.Generator`), with documented annual
capacity factors (``caspian.cf.*``, ``caspian.gen.*.hydro_cf``), daily and seasonal shapes
(``caspian.profile.*``), weather that is correlated between hubs (the wind and cloud
processes share innovations with correlation ``exp(-distance / length)``,
``caspian.profile.wind.correlation_length``; the sun follows each hub's latitude and
longitude), demand scaled so that each hub's year has its documented annual energy and
peak, and the European day-ahead price: Romania's hourly prices of 2023-24 (stored in
``data/europe_price_ro.csv.gz``, made by ``tools/make_caspian_europe_price.py``) scaled to
the year's mean.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from corridor_sim.catalogue import value
from corridor_sim.errors import SpecError
from corridor_sim.models.caspian.fleets import DEMAND_HUBS, capacity_factor_id, hub_demand, mean_mw
from corridor_sim.models.caspian.params import check_hours, check_year, resolve_year
from corridor_sim.units import HOURS_PER_DAY, HOURS_PER_YEAR

__all__ = [
    "HOURS_PER_YEAR",
    "PRICE_COLUMN",
    "europe_price",
    "profile_columns",
    "profiles",
    "scale_to_capacity_factor",
]

#: Column of the European day-ahead price (EUR/MWh) in the profiles.
PRICE_COLUMN = "europe.price"
_PRICE_FILE = "europe_price_ro.csv.gz"

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


def profile_columns() -> list[str]:
    """Columns of :func:`profiles`: ``<hub>.<kind>`` (p.u.), ``<hub>.demand`` (MW), the price."""
    return (
        [f"{h}.{k}" for h, k in _RENEWABLES] + [f"{h}.demand" for h in DEMAND_HUBS] + [PRICE_COLUMN]
    )


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


def _correlated_ar1(rng: np.random.Generator, n: int, phi: float, corr: np.ndarray) -> np.ndarray:
    """(n x k) stationary AR(1) series with unit variance whose innovations have `corr`."""
    k = corr.shape[0]
    chol = np.linalg.cholesky(corr + 1e-12 * np.eye(k))
    eps = rng.standard_normal((n, k)) @ chol.T * math.sqrt(1 - phi**2)
    out = np.empty((n, k))
    out[0] = rng.standard_normal(k) @ chol.T
    # out[i] = phi * out[i - 1] + eps[i], as a first-order filter: the same operations in
    # the same order (bit for bit the loop's values), without a Python loop over the hours
    out[1:], _ = lfilter([1.0], [1.0, -phi], eps[1:], axis=0, zi=(phi * out[0])[None, :])
    return out


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Return a stationary AR(1) series with unit variance."""
    return _correlated_ar1(rng, n, phi, np.eye(1))[:, 0]


def _hub_geo(hub: str) -> tuple[float, float]:
    return value(f"caspian.hub.{hub}.lat", unit="deg"), value(f"caspian.hub.{hub}.lon", unit="deg")


def _distances_km(hubs: list[str]) -> np.ndarray:
    """Great-circle distances between hubs (km)."""
    radius = value("caspian.geo.earth_radius", unit="km")
    lat, lon = (np.radians([_hub_geo(h)[i] for h in hubs]) for i in (0, 1))
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * radius * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def _correlation(hubs: list[str]) -> np.ndarray:
    """Correlation of the hubs' weather innovations: exp(-distance / correlation length)."""
    length = value("caspian.profile.wind.correlation_length", unit="km")
    return np.exp(-_distances_km(hubs) / length)


def _local_hour(lon: float) -> np.ndarray:
    """Local solar hour of each hour of the year (hour 0 = 1 January 00:00 UTC)."""
    return (np.arange(HOURS_PER_YEAR) + lon / 15) % HOURS_PER_DAY


def _day_of_year() -> np.ndarray:
    return np.arange(HOURS_PER_YEAR) / HOURS_PER_DAY


def _seasonal(peak_month: float, amplitude: float) -> np.ndarray:
    peak_day = (peak_month - 1) * _DAYS / 12 + 15
    return 1 + amplitude * np.cos(2 * np.pi * (_day_of_year() - peak_day) / _DAYS)


def _winds(rng: np.random.Generator, hubs: list[str]) -> dict[str, np.ndarray]:
    """Correlated wind capacity factors of `hubs`, each scaled to its catalogue factor."""
    phi = value("caspian.profile.wind.persistence", unit="-")
    vol = value("caspian.profile.wind.volatility", unit="-")
    season = _seasonal(1, value("caspian.profile.wind.seasonal_amplitude", unit="-"))
    peak_h = value("caspian.profile.wind.peak_hour", unit="h")
    amp = value("caspian.profile.wind.diurnal_amplitude", unit="-")
    weather = _correlated_ar1(rng, HOURS_PER_YEAR, phi, _correlation(hubs))
    out = {}
    for j, hub in enumerate(hubs):
        _, lon = _hub_geo(hub)
        daily = 1 + amp * np.cos(2 * np.pi * (_local_hour(lon) - peak_h) / HOURS_PER_DAY)
        raw = np.exp(vol * weather[:, j]) * season * daily
        out[hub] = scale_to_capacity_factor(raw, value(capacity_factor_id(hub, "wind"), unit="-"))
    return out


def _solars(rng: np.random.Generator, hubs: list[str]) -> dict[str, np.ndarray]:
    """Clear-sky sun of each hub times correlated, seasonal daily cloudiness, scaled."""
    tilt = math.radians(value("caspian.geo.axial_tilt", unit="deg"))
    decl = tilt * np.sin(2 * np.pi * (_day_of_year() - 81) / _DAYS)
    day = np.arange(_DAYS)
    winter = value("caspian.profile.solar.cloud_seasonal_amplitude", unit="-") * np.cos(
        2 * np.pi * (day + 10) / _DAYS  # cloudiest near the winter solstice
    )
    clouds = _correlated_ar1(
        rng, _DAYS, value("caspian.profile.solar.cloud_persistence", unit="-"), _correlation(hubs)
    )
    depth = value("caspian.profile.solar.cloud_depth", unit="-")
    out = {}
    for j, hub in enumerate(hubs):
        lat, lon = _hub_geo(hub)
        hour_angle = 2 * np.pi * (_local_hour(lon) - 12) / HOURS_PER_DAY
        phi = math.radians(lat)
        sin_el = math.sin(phi) * np.sin(decl) + math.cos(phi) * np.cos(decl) * np.cos(hour_angle)
        cloud = 1 / (1 + np.exp(-(clouds[:, j] + winter)))
        daily_clear = 1 - depth * np.repeat(cloud, HOURS_PER_DAY)
        raw = np.clip(sin_el, 0, None) * daily_clear
        out[hub] = scale_to_capacity_factor(raw, value(capacity_factor_id(hub, "solar"), unit="-"))
    return out


def _hydro(rng: np.random.Generator, cf: float) -> np.ndarray:
    season = _seasonal(
        value("caspian.profile.hydro.peak_month", unit="month"),
        value("caspian.profile.hydro.seasonal_amplitude", unit="-"),
    )
    noise = 1 + value("caspian.profile.demand.noise", unit="-") * _ar1(
        rng, HOURS_PER_YEAR, 1 - 1 / HOURS_PER_DAY
    )
    return scale_to_capacity_factor(np.clip(season * noise, 0, None), cf)


def europe_price(mean_eur_per_mwh: float, shape: str = "hourly") -> np.ndarray:
    """Return the year's 8,760 hourly European prices (EUR/MWh), UTC from 1 January.

    Parameters
    ----------
    mean_eur_per_mwh : float
        Annual mean the stored 2023-24 Romanian profile is scaled to.
    shape : {"hourly", "flat"}
        ``"flat"``: the mean in every hour.

    Examples
    --------
    >>> prices = europe_price(100.0)
    >>> prices.shape, round(float(prices.mean()), 9)
    ((8760,), 100.0)
    >>> float(europe_price(80.0, "flat").max())
    80.0
    """
    if shape == "flat":
        return np.full(HOURS_PER_YEAR, float(mean_eur_per_mwh))
    stored = _stored_price()
    return stored * (mean_eur_per_mwh / stored.mean())


@functools.lru_cache(maxsize=1)
def _stored_price() -> np.ndarray:
    """Return the stored hourly price profile (read once per process; read-only)."""
    data = resources.files("corridor_sim.models.caspian").joinpath("data", _PRICE_FILE)
    with resources.as_file(data) as path:
        stored = pd.read_csv(path, index_col="hour")["price_eur_per_mwh"].to_numpy(dtype=float)
    stored.setflags(write=False)
    return stored


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
    params: Mapping[str, Any] | None = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Hourly capacity factors, demand and the European price for the corridor in `year`.

    Parameters
    ----------
    year : int
        Modelled year (sets demand; >= 2022).
    seed : int
        Seed of the :class:`numpy.random.Generator`; same seed, identical frame.
    hours : int, default 8760
        Number of hours from 1 January 00:00 UTC (1..8760). The year is always
        generated whole and then cut, so the first weeks are the same for any `hours`.
    params : mapping, optional
        Resolved parameters of the year (:func:`corridor_sim.models.caspian.params.resolve_year`);
        default: the year's defaults with `overrides` applied.
    **overrides
        Parameter overrides (e.g. ``uz_demand_twh=110.0``) when `params` is not given.

    Returns
    -------
    pandas.DataFrame
        Index ``hour`` (0-based); columns ``<hub>.<kind>`` (wind/solar/hydro capacity
        factor, p.u. of installed MW; the annual mean equals the catalogue capacity
        factor), ``<hub>.demand`` (MW; the annual sum equals the hub's annual energy and
        the maximum its peak) and ``europe.price`` (EUR/MWh).

    Raises
    ------
    SpecError
        If `hours` is not in 1..8760 or `year` is before 2022.

    Examples
    --------
    >>> prof = profiles(2032, seed=1, hours=48)
    >>> prof.shape
    (48, 23)
    >>> bool((prof["az_rest.solar"].between(0, 1)).all())
    True
    """
    year = check_year(year)
    p = resolve_year(year, overrides) if params is None else params
    hours = check_hours(hours)
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {}
    wind_hubs = [h for h, k in _RENEWABLES if k == "wind"]
    solar_hubs = [h for h, k in _RENEWABLES if k == "solar"]
    winds, solars = _winds(rng, wind_hubs), _solars(rng, solar_hubs)
    for hub, kind in _RENEWABLES:
        if kind == "wind":
            cols[f"{hub}.{kind}"] = winds[hub]
        elif kind == "solar":
            cols[f"{hub}.{kind}"] = solars[hub]
        else:
            cols[f"{hub}.{kind}"] = _hydro(rng, value(capacity_factor_id(hub, kind), unit="-"))
    demand = hub_demand(year, p).set_index("hub")
    for hub in DEMAND_HUBS:
        row = demand.loc[hub]
        cols[f"{hub}.demand"] = _demand(
            rng, hub, annual_twh=row["annual_twh"], peak_mw=row["peak_mw"],
            peak_month=int(row["peak_month"]),
        )  # fmt: skip
    cols[PRICE_COLUMN] = europe_price(p["europe_price_mean_eur_per_mwh"], p["europe_price_profile"])
    frame = pd.DataFrame(cols).iloc[:hours]
    frame.index = pd.RangeIndex(hours, name="hour")
    return frame
