"""The load model against measured hourly load: fitted on 2015, checked on 2016.

The measured series are ENTSO-E's hourly actual total load of the Serbian control area in
2015 and 2016, which then included Kosovo; the model is therefore compared in *shape*: each
modelled year is scaled to the measured year's energy (an **input**), and everything else
comes from the model.

**The file is not shipped**: the user makes it with ``tools/make_serbia_load.py`` from its
public sources (ENTSO-E via Open Power System Data for 2015, via the JRC's Dispa-SET
database for 2016; see ``data/README.md``) and points the environment variable
``CORRIDOR_SIM_SERBIA_LOAD`` at it, or puts it at ``data/load_rs.csv.gz`` in this package
(:func:`data_path`). Without it, every function here that reads it raises
:class:`MeasuredLoadMissingError`; the Serbian result then has no ``load_check`` and
``load_hourly`` tables and its ``validation`` table no measured-load rows.

Two shapes are checked:

* ``"catalogue"`` -- the load model as the site study uses it (the catalogue's seasonal
  amplitudes, record days, daily swing and peak hour, none of them set on these data): both
  years are **predicted**;
* ``"fitted on 2015"`` -- the same model with its shape parameters fitted on 2015
  (:func:`fit_load_shape`): the largest winter and summer days of 2015 become the model's
  cold-spell and heat-wave days, the seasonal amplitudes are least squares on 2015's daily
  energies, the daily swing and peak hour least squares on its hours. 2015 is then
  **fitted**, 2016 (never read by the fit) **predicted**.

Hours are Central European winter time (UTC+1) all year; the model has no weekly cycle and
no daylight saving, which limits the hourly correlation.

Examples
--------
With the file (else :class:`MeasuredLoadMissingError`):

>>> x = measured_load_mw(2016)  # doctest: +SKIP
>>> len(x), int(x.max())  # doctest: +SKIP
(8760, 6958)
"""

from __future__ import annotations

import functools
import gzip
import os
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from corridor_sim.catalogue import value
from corridor_sim.errors import CorridorSimError, SpecError
from corridor_sim.models.serbia.profiles import daily_shape, national_load_mw
from corridor_sim.models.serbia.values import Draw
from corridor_sim.units import HOURS_PER_DAY, HOURS_PER_YEAR, MWH_PER_TWH, PERCENT, THOUSAND

__all__ = [
    "CHECK_YEAR",
    "DATA_ENV",
    "FIT_YEAR",
    "LOAD_PROFILES",
    "LOAD_QUANTITIES",
    "MEASURED_YEARS",
    "PACKAGE_DATA",
    "RECORD_IDS",
    "SHAPES",
    "MeasuredLoadMissingError",
    "check_table",
    "data_path",
    "fit_load_shape",
    "held_out_hours",
    "load_check",
    "measured_load_available",
    "measured_load_mw",
    "measured_profile_mw",
    "modelled_load_mw",
    "predicted_load_mw",
    "role",
]

#: Years of the stored measured series.
MEASURED_YEARS = (2015, 2016)
#: The year the shape is fitted on, and the held-out year it is checked on.
FIT_YEAR, CHECK_YEAR = 2015, 2016
#: The shapes :func:`check_table` compares: the catalogue's and the one fitted on 2015.
SHAPES = ("catalogue", f"fitted on {FIT_YEAR}")
#: Choices of the scenario option ``load_profile``: the model's shape, or a measured year's.
LOAD_PROFILES = ("model", *(f"measured_{y}" for y in MEASURED_YEARS))
#: Catalogue id of each stored year (the series' source and energy).
RECORD_IDS = {2015: "serbia.record.load_2015", 2016: "serbia.record.load_2016"}

#: Environment variable naming the measured-load file (written by ``tools/make_serbia_load.py``).
DATA_ENV = "CORRIDOR_SIM_SERBIA_LOAD"
#: Where the file is read when :data:`DATA_ENV` is unset (not shipped: the user puts it there).
PACKAGE_DATA = Path(__file__).resolve().parent / "data" / "load_rs.csv.gz"
_DAYS = HOURS_PER_YEAR // HOURS_PER_DAY
_WINTER = np.r_[0:59, 334:_DAYS]  # December to February (days of a 365-day year)
_SUMMER = np.arange(151, 243)  # June to August
_LDC_HOURS = 1000  # a point of the load duration curve: the load exceeded this many hours
_SEED = 1  # the model's hourly noise in the checks (the scenarios' usual seed)


class MeasuredLoadMissingError(CorridorSimError, FileNotFoundError):
    """The measured hourly load file is absent (it is not shipped; the user makes it)."""


def data_path() -> Path:
    """Return the measured-load file's path: :data:`DATA_ENV` if set, else :data:`PACKAGE_DATA`.

    The file may not exist (:func:`measured_load_available`).
    """
    env = os.environ.get(DATA_ENV, "").strip()
    return Path(env).expanduser() if env else PACKAGE_DATA


def measured_load_available() -> bool:
    """Whether the measured-load file exists (:func:`data_path`)."""
    return data_path().is_file()


def _missing_message(path: Path) -> str:
    where = (
        f"{DATA_ENV} = {str(path)!r}"
        if os.environ.get(DATA_ENV, "").strip()
        else (f"{DATA_ENV} is unset and {path} does not exist")
    )
    return (
        f"measured hourly load of Serbia not found ({where}): it is not shipped with "
        "corridor_sim. Make it with `python tools/make_serbia_load.py COURSE_GIT_DIR "
        "DISPASET_GIT_DIR OUT_FILE` from clones of github.com/martavp/integrated-energy-grids "
        "(ENTSO-E via Open Power System Data, 2015) and "
        "github.com/energy-modelling-toolkit/Dispa-SET (ENTSO-E Transparency Platform, "
        f"2016), then set {DATA_ENV}=OUT_FILE (see "
        "corridor_sim/models/serbia/validation/data/README.md)"
    )


def _path() -> Path:
    path = data_path()
    if not path.is_file():
        raise MeasuredLoadMissingError(_missing_message(path))
    return path


@functools.cache
def _read(path: Path) -> pd.DataFrame:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return pd.read_csv(fh)


def _stored() -> pd.DataFrame:
    return _read(_path())


def measured_load_mw(year: int) -> np.ndarray:
    """Measured hourly load of the Serbian control area (with Kosovo) in `year`, MW.

    Raises
    ------
    SpecError
        A year without a measured series.
    MeasuredLoadMissingError
        The file is absent (:func:`data_path`).
    """
    if year not in MEASURED_YEARS:
        msg = f"year = {year!r}: measured load is stored for {list(MEASURED_YEARS)}"
        raise SpecError(msg)
    data = _stored()
    return data.loc[data["year"] == year, "load_mw"].to_numpy(dtype=float)


def measured_profile_mw(profile: str, *, annual_twh: float) -> np.ndarray:
    """Return a measured year's hourly load shape scaled to `annual_twh` (8760 hours, MW).

    `profile` is ``"measured_2015"`` or ``"measured_2016"`` (:data:`LOAD_PROFILES`): the
    site study of option ``load_profile`` runs on the measured hours instead of the model's
    shape. The measured calendar is kept (its weekdays and cold spells), at the model
    year's energy.

    Raises
    ------
    SpecError
        Another profile.
    MeasuredLoadMissingError
        The file is absent (:func:`data_path`).

    Examples
    --------
    With the file:

    >>> x = measured_profile_mw("measured_2016", annual_twh=30.8)  # doctest: +SKIP
    >>> peak = int(measured_load_mw(2016).argmax())  # doctest: +SKIP
    >>> round(float(x.sum()) / 1e6, 6), int(x.argmax()) == peak  # doctest: +SKIP
    (30.8, True)
    """
    if profile not in LOAD_PROFILES[1:]:
        msg = f"load_profile = {profile!r}: expected one of {list(LOAD_PROFILES[1:])}"
        raise SpecError(msg)
    try:
        x = measured_load_mw(int(profile.removeprefix("measured_")))
    except MeasuredLoadMissingError as err:
        msg = f"load_profile = {profile!r} needs the measured-load file: {err}"
        raise MeasuredLoadMissingError(msg) from None
    return x / x.sum() * annual_twh * MWH_PER_TWH


def _daily_gwh(x: np.ndarray) -> np.ndarray:
    return x.reshape(_DAYS, HOURS_PER_DAY).sum(axis=1) / THOUSAND


def _peak_hour(x: np.ndarray) -> float:
    return float(np.argmax(x.reshape(_DAYS, HOURS_PER_DAY).mean(axis=0)))


def fit_load_shape(measured_mw: np.ndarray) -> Draw:
    """Fit the load model's shape parameters on a measured year (8760 hours, MW).

    Returns
    -------
    Draw
        Catalogue id -> fitted value: ``serbia.load.annual_energy`` (the year's energy, the
        reference of the record days' ratios; the two loss shares are set to zero, since a
        measured total load already carries its losses, :mod:`..load_basis`), the winter and
        summer record days and their energies (the year's largest December–February and
        June–August days), the two seasonal amplitudes (least squares on the daily energies,
        with the bumps solved as the model solves them), ``serbia.load.daily_swing`` and
        ``serbia.load.peak_hour``
        (least squares of each hour over its day's mean on the daily cosine).

    Raises
    ------
    SpecError
        Not 8760 positive finite values.

    Examples
    --------
    On a modelled year (on the measured 2015, with the file: 141.3 GWh and 15.5 h):

    >>> x = national_load_mw(2024, rng=np.random.default_rng(3))
    >>> d = fit_load_shape(x)
    >>> round(d["serbia.load.peak_hour"], 1), round(d["serbia.load.annual_energy"], 2)
    (19.0, 35.67)
    """
    x = np.asarray(measured_mw, dtype=float)
    if x.shape != (HOURS_PER_YEAR,) or not np.all(np.isfinite(x)) or x.min() <= 0:
        msg = f"measured_mw: expected {HOURS_PER_YEAR} positive hourly values in MW"
        raise SpecError(msg)
    days = _daily_gwh(x)
    w = int(_WINTER[np.argmax(days[_WINTER])])
    s = int(_SUMMER[np.argmax(days[_SUMMER])])
    fixed = {
        "serbia.load.annual_energy": float(x.sum()) / MWH_PER_TWH,
        # a measured total load carries its network losses: its energy is the system energy
        "serbia.load.distribution_losses": 0.0,
        "serbia.load.transmission_losses": 0.0,
        "serbia.load.winter_record_day_of_year": float(w + 1),
        "serbia.load.winter_record_day_energy": float(days[w]),
        "serbia.load.record_day_of_year": float(s + 1),
        "serbia.load.record_day_energy": float(days[s]),
    }
    target = days / days.mean()

    def residual(a: np.ndarray) -> np.ndarray:
        draw = {
            **fixed,
            "serbia.load.seasonal_annual_amplitude": float(a[0]),
            "serbia.load.seasonal_semiannual_amplitude": float(a[1]),
        }
        return daily_shape(draw) - target

    fit = least_squares(residual, x0=[0.13, 0.13], bounds=([0.0, -0.3], [0.5, 0.5]))
    hour = np.arange(HOURS_PER_YEAR) % HOURS_PER_DAY
    ratio = x / np.repeat(x.reshape(_DAYS, HOURS_PER_DAY).mean(axis=1), HOURS_PER_DAY) - 1
    # least squares on the daily cosine, phase free: one cosine cannot follow both the
    # morning plateau and the evening peak, so its peak falls between them (the check shows
    # it); a phase fixed at the evening peak (19:00) gives a swing of 0.08 and peaks 8 %
    # too low in the held-out year
    angle = 2 * np.pi * hour / HOURS_PER_DAY
    (c, d), *_ = np.linalg.lstsq(np.c_[np.cos(angle), np.sin(angle)], ratio, rcond=None)
    peak = float(np.arctan2(d, c) * HOURS_PER_DAY / (2 * np.pi)) % HOURS_PER_DAY
    return Draw(
        {
            **fixed,
            "serbia.load.seasonal_annual_amplitude": float(fit.x[0]),
            "serbia.load.seasonal_semiannual_amplitude": float(fit.x[1]),
            "serbia.load.daily_swing": float(np.hypot(c, d)),
            "serbia.load.peak_hour": peak,
        }
    )


@functools.cache
def _fitted_draw_of(path: Path) -> Draw:
    return fit_load_shape(measured_load_mw(FIT_YEAR))


def _fitted_draw() -> Draw:
    return _fitted_draw_of(_path())


def _model(draw: Draw | None, annual_twh: float) -> np.ndarray:
    rng = np.random.default_rng(_SEED)
    return national_load_mw(FIT_YEAR, rng=rng, draw=draw, annual_twh=annual_twh)


def modelled_load_mw(shape: str, *, annual_twh: float) -> np.ndarray:
    """Return the model's hourly load (8760 hours, MW) of `shape` scaled to `annual_twh`.

    `shape` is one of :data:`SHAPES`: the catalogue's, or the one fitted on 2015 (the
    measured series; that shape needs the file, :func:`data_path`). The record it is
    compared with is never read here, only its energy (`annual_twh`). The hourly noise is
    seeded (seed 1).

    Raises
    ------
    SpecError
        An unknown shape.
    MeasuredLoadMissingError
        The shape fitted on 2015 without the file.

    Examples
    --------
    >>> x = modelled_load_mw("catalogue", annual_twh=38.88)
    >>> round(float(x.sum()) / 1e6, 2)
    38.88
    """
    if shape not in SHAPES:
        msg = f"shape = {shape!r}: expected one of {list(SHAPES)}"
        raise SpecError(msg)
    return _model(None if shape == SHAPES[0] else _fitted_draw(), annual_twh)


def predicted_load_mw(
    measured: Callable[[int], np.ndarray] = measured_load_mw, year: int = CHECK_YEAR
) -> tuple[float, dict[str, np.ndarray]]:
    """Predict `year`'s load from the fit year alone: its energy and both shapes' hours.

    The energy is the fit year's grown at the model's own rate (``serbia.load.growth_per_yr``,
    1 %/yr); the hours are each shape (:data:`SHAPES`; the fitted one fitted on
    ``measured(FIT_YEAR)``) at that energy. Nothing of `year`'s record is read.

    Returns
    -------
    tuple
        (annual energy in TWh, {shape: 8760 hourly loads in MW}).

    Examples
    --------
    With the file (`measured` defaults to it):

    >>> energy, hours = predicted_load_mw()  # doctest: +SKIP
    >>> round(energy, 2), sorted(hours) == sorted(SHAPES)  # doctest: +SKIP
    (39.9, True)
    """
    fit = np.asarray(measured(FIT_YEAR), dtype=float)
    growth = value("serbia.load.growth_per_yr", unit="1/yr")
    energy = float(fit.sum()) / MWH_PER_TWH * (1 + growth) ** (year - FIT_YEAR)
    draws = {SHAPES[0]: None, SHAPES[1]: fit_load_shape(fit)}
    return energy, {shape: _model(draw, energy) for shape, draw in draws.items()}


#: quantity -> (unit, function of an 8760-hour series): what the validation compares.
LOAD_QUANTITIES: Mapping[str, tuple[str, Callable[[np.ndarray], float]]] = {
    "annual peak load": ("MW", lambda x: float(x.max())),
    "lowest hourly load": ("MW", lambda x: float(x.min())),
    "largest daily energy": ("GWh/day", lambda x: float(_daily_gwh(x).max())),
    "largest summer day (June-August)": ("GWh/day", lambda x: float(_daily_gwh(x)[_SUMMER].max())),
    "load exceeded 1,000 hours a year (duration curve)": (
        "MW",
        lambda x: float(np.sort(x)[::-1][_LDC_HOURS - 1]),
    ),
    "winter (December-February) share of the year's energy": (
        "%",
        lambda x: float(_daily_gwh(x)[_WINTER].sum() / _daily_gwh(x).sum() * PERCENT),
    ),
    "hour of the daily peak, mean day (CET)": ("h", _peak_hour),
}  # fmt: skip


def _agreement(model: np.ndarray, meas: np.ndarray) -> list[tuple[str, str, float]]:
    """Measures of how two series agree (no record of their own)."""
    dm, dx = model.reshape(_DAYS, HOURS_PER_DAY), meas.reshape(_DAYS, HOURS_PER_DAY)
    ldc_m, ldc_x = np.sort(model)[::-1], np.sort(meas)[::-1]
    daily_max = dm.max(axis=1) / dx.max(axis=1) - 1
    return [
        ("correlation of the hourly load", "-", float(np.corrcoef(model, meas)[0, 1])),
        (
            "correlation of the daily energy",
            "-",
            float(np.corrcoef(dm.sum(axis=1), dx.sum(axis=1))[0, 1]),
        ),
        ("daily maxima: mean absolute error", "%", float(np.mean(np.abs(daily_max)) * PERCENT)),
        ("daily maxima: mean error", "%", float(np.mean(daily_max) * PERCENT)),
        (
            "load duration curve: RMS error",
            "%",
            float(np.sqrt(np.mean((ldc_m / ldc_x - 1) ** 2)) * PERCENT),
        ),
    ]


def role(shape: str, year: int) -> str:
    """Role of a comparison of `shape` in `year`: fitted on its fit year, else predicted."""
    return "fitted" if (shape != SHAPES[0] and year == FIT_YEAR) else "predicted"


def check_table(measured: Callable[[int], np.ndarray] = measured_load_mw) -> pd.DataFrame:
    """Compare the load model with the measured years, per shape (the ``load_check`` table).

    Parameters
    ----------
    measured : callable, optional
        ``measured(year)`` -> the year's 8760 hourly loads in MW (default: the measured
        file, :func:`data_path`). The fit reads only the fit year's; another year's series
        enters the model only through its energy.

    Returns
    -------
    DataFrame
        ``shape`` (:data:`SHAPES`), ``year``, ``role`` (``input``: the annual energy the
        model is scaled to; ``fitted``: the fitted shape on its fit year; ``predicted``:
        the other cases), ``quantity``, ``unit``, ``modelled``, ``measured`` (NaN for the
        measures of agreement: correlations and errors), ``error_pct``.
    """
    draws = {SHAPES[0]: None, SHAPES[1]: fit_load_shape(measured(FIT_YEAR))}
    rows = []
    for year in MEASURED_YEARS:
        meas = np.asarray(measured(year), dtype=float)
        energy = float(meas.sum()) / MWH_PER_TWH
        for shape in SHAPES:
            model = _model(draws[shape], energy)
            r = role(shape, year)
            rows.append((shape, year, "input", "annual energy", "TWh", energy, energy))
            for quantity, (unit, of) in LOAD_QUANTITIES.items():
                rows.append((shape, year, r, quantity, unit, of(model), of(meas)))
            for quantity, unit, v in _agreement(model, meas):
                rows.append((shape, year, r, quantity, unit, v, np.nan))
    cols = ["shape", "year", "role", "quantity", "unit", "modelled", "measured"]
    table = pd.DataFrame(rows, columns=cols)
    table["error_pct"] = (table["modelled"] / table["measured"] - 1) * PERCENT
    return table


@functools.cache
def _default_check(path: Path) -> pd.DataFrame:
    return check_table()


def load_check() -> pd.DataFrame:
    """:func:`check_table` of the measured file (computed once per process and file).

    Raises
    ------
    MeasuredLoadMissingError
        The file is absent (:func:`data_path`).

    Examples
    --------
    With the file:

    >>> t = load_check().set_index(["shape", "year", "quantity"])  # doctest: +SKIP
    >>> key = ("fitted on 2015", 2016, "correlation of the hourly load")  # doctest: +SKIP
    >>> bool(0.7 < t.loc[key, "modelled"] < 1)  # doctest: +SKIP
    True
    """
    return _default_check(_path()).copy()


@functools.cache
def _held_out(path: Path) -> pd.DataFrame:
    meas = measured_load_mw(CHECK_YEAR)
    energy = float(meas.sum()) / MWH_PER_TWH
    return pd.DataFrame(
        {
            "year": CHECK_YEAR,
            "hour": np.arange(HOURS_PER_YEAR),
            "measured_mw": meas,
            "fitted_mw": modelled_load_mw(SHAPES[1], annual_twh=energy),
            "catalogue_mw": modelled_load_mw(SHAPES[0], annual_twh=energy),
        }
    )


def held_out_hours() -> pd.DataFrame:
    """Return the held-out year hour by hour, measured and modelled (table ``load_hourly``).

    Columns: ``year`` (2016), ``hour`` (0..8759, CET from 1 January), ``measured_mw``,
    ``fitted_mw`` (the shape fitted on 2015), ``catalogue_mw`` (the catalogue's shape); both
    modelled series at the measured year's energy.

    Raises
    ------
    MeasuredLoadMissingError
        The file is absent (:func:`data_path`).

    Examples
    --------
    With the file:

    >>> h = held_out_hours()  # doctest: +SKIP
    >>> ratio = h["fitted_mw"].sum() / h["measured_mw"].sum()  # doctest: +SKIP
    >>> len(h), bool(abs(ratio - 1) < 1e-9)  # doctest: +SKIP
    (8760, True)
    """
    return _held_out(_path()).copy()
