"""Unit conversions the corridor models need (oil tonnage, gas volume, power and energy).

Every factor that is not an exact SI definition comes from the facts catalogue
(``assumptions_units.csv``) and is read by id at call time:

========================  ================================  ============================
factor                    catalogue id                      default
========================  ================================  ============================
barrels per tonne         ``units.crude.bbl_per_t``         7.38 bbl/t (Azeri, implied)
gas energy, BP            ``units.gas.pj_per_bcm_bp``       36 PJ/bcm (10 TWh/bcm)
gas LHV, Serbia           ``units.gas.lhv_serbia``          33,338.35 kJ/m3 (9.26 TWh/bcm)
hours per year            ``units.time.hours_per_year``     8760 h
days per year             ``units.time.days_per_year``      365 d
========================  ================================  ============================

Exact definitions (1 TWh = 3.6 PJ, 1 Mt = 1000 kt, 1 GWh = 1000 MWh) are code constants.

All functions accept a float or an array (returned as a float or a NumPy array);
negative or NaN inputs raise :class:`~corridor_sim.errors.SpecError` naming the argument.
"""

from __future__ import annotations

import calendar
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from corridor_sim.catalogue import value
from corridor_sim.errors import SpecError, UnitError

__all__ = [
    "HOURS_PER_DAY",
    "HOURS_PER_YEAR",
    "MEGA",
    "MWH_PER_GWH",
    "MWH_PER_TWH",
    "MW_PER_GW",
    "PERCENT",
    "THOUSAND",
    "GasBasis",
    "bbl_per_day_to_mt_per_yr",
    "bcm_to_twh",
    "days_in_month",
    "days_in_year",
    "gas_burn_bcm_per_yr",
    "gwh_per_yr_to_mw",
    "kt_to_mt",
    "mt_per_yr_to_bbl_per_day",
    "mt_to_kt",
    "mw_to_gwh_per_yr",
    "power_from_gas_mw",
    "twh_to_bcm",
    "twh_per_bcm",
]

#: Exact: 1 TWh = 3.6e15 J = 3.6 PJ.
PJ_PER_TWH = 3.6
#: Exact: 1 Mt = 1000 kt; 1 GWh = 1000 MWh; 1 TWh = 1000 GWh.
THOUSAND = 1000.0
#: Exact: 1 Mt = 1e6 t.
T_PER_MT = 1.0e6
#: Exact: percent per unit fraction.
PERCENT = 100.0
#: Exact: 1 GW = 1000 MW.
MW_PER_GW = THOUSAND
#: Exact: 1 GWh = 1000 MWh.
MWH_PER_GWH = THOUSAND
#: Exact: 1 TWh = 1e6 MWh.
MWH_PER_TWH = 1.0e6
#: Exact: 1 million = 1e6 (Mbbl -> bbl, MEUR -> EUR).
MEGA = 1.0e6
#: Exact: hours per day.
HOURS_PER_DAY = 24
#: Hours of a 365-day year: the horizon of the hourly models (8,760 snapshots).
HOURS_PER_YEAR = 8760
#: Exact: 1 kJ/m3 x 1e9 m3 = 1e12 J = 1e-3 PJ, so PJ per bcm = (kJ/m3) / 1000.
_KJ_PER_M3_TO_PJ_PER_BCM = 1.0e-3

Number = float | npt.NDArray[np.float64]


class GasBasis(StrEnum):
    """Energy content used to turn a gas volume into energy.

    ``bp``: BP's convention, 1 bcm = 36 PJ = 10 TWh (``units.gas.pj_per_bcm_bp``).
    ``serbia_lhv``: the Serbian regulator's lower heating value, 33,338.35 kJ/m3
    (``units.gas.lhv_serbia``), 1 bcm = 9.26 TWh.

    Attributes
    ----------
    BP : str
        ``"bp"``, the default of every gas conversion.
    SERBIA_LHV : str
        ``"serbia_lhv"``, for Serbian volumes (Srbijagas, the regulator AERS).

    Examples
    --------
    >>> GasBasis("serbia_lhv") is GasBasis.SERBIA_LHV, [b.value for b in GasBasis]
    (True, ['bp', 'serbia_lhv'])
    """

    BP = "bp"
    SERBIA_LHV = "serbia_lhv"


def _check(name: str, x: float | npt.ArrayLike, *, positive: bool = False) -> np.ndarray:
    """Return `x` as a float array; raise SpecError if negative, NaN or not a number."""
    if x is None:  # np.asarray(None, dtype=float) would be NaN
        msg = f"{name} = None: expected a number or an array of numbers"
        raise SpecError(msg)
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as err:
        msg = f"{name} = {x!r}: expected a number or an array of numbers"
        raise SpecError(msg) from err
    if np.isnan(arr).any():
        msg = f"{name} = {x!r}: NaN is not allowed; expected a non-negative number"
        raise SpecError(msg)
    if positive and (arr <= 0).any():
        msg = f"{name} = {x!r}: expected a positive number"
        raise SpecError(msg)
    if (arr < 0).any():
        msg = f"{name} = {x!r}: expected a non-negative number"
        raise SpecError(msg)
    if np.isinf(arr).any():
        msg = f"{name} = {x!r}: expected a finite number"
        raise SpecError(msg)
    return arr


def _fraction(name: str, x: float) -> Number:
    """Check a fraction in (0, 1] (capacity factor, efficiency)."""
    arr = _check(name, x, positive=True)
    if (arr > 1).any():
        msg = f"{name} = {x!r}: expected a fraction in (0, 1], e.g. 0.55"
        raise SpecError(msg)
    return float(arr) if arr.ndim == 0 else arr


def _out(arr: np.ndarray) -> Number:
    return float(arr) if arr.ndim == 0 else arr


def _default(name: str, given: float | npt.ArrayLike | None, fact_id: str, unit: str) -> Number:
    """Return the catalogue value of `fact_id`, or `given` checked (positive number or array)."""
    if given is None:
        return value(fact_id, unit=unit)
    return _out(_check(name, given, positive=True))


def _crude_factors(bbl_per_t: float | None, days_per_yr: float | None) -> tuple[Number, Number]:
    """Return barrels per tonne and days per year (given or catalogue), for both directions."""
    k = _default("bbl_per_t", bbl_per_t, "units.crude.bbl_per_t", "bbl/t")
    d = _default("days_per_yr", days_per_yr, "units.time.days_per_year", "d")
    return k, d


def _power_factors(capacity_factor: float, hours: float | None) -> tuple[Number, Number]:
    """Return the checked capacity factor and the hours per year (given or catalogue)."""
    cf = _fraction("capacity_factor", capacity_factor)
    h = _default("hours", hours, "units.time.hours_per_year", "h")
    return cf, h


def twh_per_bcm(*, basis: str = GasBasis.BP) -> float:
    """Return the energy in TWh of one billion cubic metres of natural gas, on `basis`.

    Parameters
    ----------
    basis : {"bp", "serbia_lhv"}, default "bp"
        Energy content (see :class:`GasBasis`).

    Returns
    -------
    float
        TWh per bcm (10.0 on the BP basis, 9.26 on the Serbian LHV).

    Raises
    ------
    UnitError
        If `basis` is unknown; the message lists the valid ones.

    Examples
    --------
    >>> twh_per_bcm()
    10.0
    >>> round(twh_per_bcm(basis="serbia_lhv"), 3)
    9.261
    """
    try:
        choice = GasBasis(basis)
    except ValueError as err:
        valid = ", ".join(repr(b.value) for b in GasBasis)
        msg = f"basis = {basis!r}: unknown gas energy basis; expected one of {valid}"
        raise UnitError(msg) from err
    if choice is GasBasis.BP:
        pj_per_bcm = value("units.gas.pj_per_bcm_bp", unit="PJ/bcm")
    else:
        pj_per_bcm = value("units.gas.lhv_serbia", unit="kJ/m3") * _KJ_PER_M3_TO_PJ_PER_BCM
    return pj_per_bcm / PJ_PER_TWH


def mt_per_yr_to_bbl_per_day(
    x_mt_per_yr: float | npt.ArrayLike,
    *,
    bbl_per_t: float | None = None,
    days_per_yr: float | None = None,
) -> Number:
    """Convert crude oil flow from million tonnes per year to barrels per day.

    Parameters
    ----------
    x_mt_per_yr : float or array_like
        Flow in Mt/yr, non-negative.
    bbl_per_t : float, optional
        Barrels per tonne; default ``units.crude.bbl_per_t`` (7.38).
    days_per_yr : float, optional
        Days per year; default ``units.time.days_per_year`` (365).

    Returns
    -------
    float or numpy.ndarray
        Flow in bbl/d.

    Examples
    --------
    >>> round(mt_per_yr_to_bbl_per_day(1.7))
    34373
    >>> round(mt_per_yr_to_bbl_per_day(50, bbl_per_t=7.3))
    1000000
    """
    arr = _check("x_mt_per_yr", x_mt_per_yr)
    k, d = _crude_factors(bbl_per_t, days_per_yr)
    return _out(arr * T_PER_MT * k / d)


def bbl_per_day_to_mt_per_yr(
    x_bbl_per_day: float | npt.ArrayLike,
    *,
    bbl_per_t: float | None = None,
    days_per_yr: float | None = None,
) -> Number:
    """Convert crude oil flow from barrels per day to million tonnes per year.

    Inverse of :func:`mt_per_yr_to_bbl_per_day` (same options and defaults).

    Parameters
    ----------
    x_bbl_per_day : float or array_like
        Flow in bbl/d, non-negative.
    bbl_per_t : float, optional
        Barrels per tonne; default ``units.crude.bbl_per_t`` (7.38).
    days_per_yr : float, optional
        Days per year; default ``units.time.days_per_year`` (365).

    Returns
    -------
    float or numpy.ndarray
        Flow in Mt/yr.

    Raises
    ------
    SpecError
        `x_bbl_per_day` negative, NaN or not a number.

    Examples
    --------
    >>> round(bbl_per_day_to_mt_per_yr(1_000_000, bbl_per_t=7.3), 2)
    50.0
    """
    arr = _check("x_bbl_per_day", x_bbl_per_day)
    k, d = _crude_factors(bbl_per_t, days_per_yr)
    return _out(arr * d / (k * T_PER_MT))


def bcm_to_twh(x_bcm: float | npt.ArrayLike, *, basis: str = GasBasis.BP) -> Number:
    """Convert a natural-gas volume in bcm to energy in TWh.

    Parameters
    ----------
    x_bcm : float or array_like
        Gas volume in billion cubic metres (or bcm/yr, giving TWh/yr).
    basis : {"bp", "serbia_lhv"}, default "bp"
        Energy content (see :class:`GasBasis`).

    Returns
    -------
    float or numpy.ndarray
        Energy in TWh.

    Examples
    --------
    >>> bcm_to_twh(1.0)
    10.0
    >>> round(bcm_to_twh(0.4, basis="serbia_lhv"), 3)
    3.704
    """
    arr = _check("x_bcm", x_bcm)
    return _out(arr * twh_per_bcm(basis=basis))


def twh_to_bcm(x_twh: float | npt.ArrayLike, *, basis: str = GasBasis.BP) -> Number:
    """Convert energy in TWh to a natural-gas volume in bcm (inverse of :func:`bcm_to_twh`).

    Parameters
    ----------
    x_twh : float or array_like
        Energy in TWh (or TWh/yr, giving bcm/yr), non-negative.
    basis : {"bp", "serbia_lhv"}, default "bp"
        Energy content (see :class:`GasBasis`).

    Returns
    -------
    float or numpy.ndarray
        Gas volume in billion cubic metres.

    Raises
    ------
    SpecError
        `x_twh` negative, NaN or not a number.

    Examples
    --------
    >>> twh_to_bcm(10.0)
    1.0
    """
    arr = _check("x_twh", x_twh)
    return _out(arr / twh_per_bcm(basis=basis))


def mw_to_gwh_per_yr(
    p_mw: float | npt.ArrayLike, *, capacity_factor: float, hours: float | None = None
) -> Number:
    """Return the annual energy in GWh of `p_mw` running at `capacity_factor`.

    Parameters
    ----------
    p_mw : float or array_like
        Capacity in MW.
    capacity_factor : float
        Average output / capacity, in (0, 1].
    hours : float, optional
        Hours per year; default ``units.time.hours_per_year`` (8760).

    Returns
    -------
    float or numpy.ndarray
        Energy in GWh/yr.

    Examples
    --------
    >>> mw_to_gwh_per_yr(500, capacity_factor=0.5)
    2190.0
    """
    arr = _check("p_mw", p_mw)
    cf, h = _power_factors(capacity_factor, hours)
    return _out(arr * cf * h / THOUSAND)


def gwh_per_yr_to_mw(
    e_gwh_per_yr: float | npt.ArrayLike, *, capacity_factor: float, hours: float | None = None
) -> Number:
    """Return the capacity in MW that yields `e_gwh_per_yr` at `capacity_factor`.

    Inverse of :func:`mw_to_gwh_per_yr`.

    Parameters
    ----------
    e_gwh_per_yr : float or array_like
        Annual energy in GWh/yr, non-negative.
    capacity_factor : float
        Average output / capacity, in (0, 1].
    hours : float, optional
        Hours per year; default ``units.time.hours_per_year`` (8760).

    Returns
    -------
    float or numpy.ndarray
        Capacity in MW.

    Raises
    ------
    SpecError
        `e_gwh_per_yr` negative, NaN or not a number, or a capacity factor outside (0, 1].

    Examples
    --------
    >>> gwh_per_yr_to_mw(2190.0, capacity_factor=0.5)
    500.0
    """
    arr = _check("e_gwh_per_yr", e_gwh_per_yr)
    cf, h = _power_factors(capacity_factor, hours)
    return _out(arr * THOUSAND / (cf * h))


def gas_burn_bcm_per_yr(
    p_mw: float | npt.ArrayLike,
    *,
    capacity_factor: float,
    efficiency: float,
    basis: str = GasBasis.BP,
    hours: float | None = None,
) -> Number:
    """Return the gas a power plant burns per year, in bcm/yr.

    ``bcm = p_mw * capacity_factor * hours / efficiency / (TWh per bcm) / 1e6``.

    Parameters
    ----------
    p_mw : float or array_like
        Electrical capacity in MW.
    capacity_factor : float
        Average output / capacity, in (0, 1].
    efficiency : float
        Electrical efficiency on the basis' heating value, in (0, 1] (CCGT about 0.58).
    basis : {"bp", "serbia_lhv"}, default "bp"
        Energy content of the gas (see :class:`GasBasis`).
    hours : float, optional
        Hours per year; default ``units.time.hours_per_year`` (8760).

    Returns
    -------
    float or numpy.ndarray
        Gas volume in bcm/yr.

    Examples
    --------
    >>> round(gas_burn_bcm_per_yr(500, capacity_factor=0.5, efficiency=0.5), 3)
    0.438
    """
    e_gwh = mw_to_gwh_per_yr(p_mw, capacity_factor=capacity_factor, hours=hours)
    eff = _fraction("efficiency", efficiency)
    return twh_to_bcm(np.asarray(e_gwh) / eff / THOUSAND, basis=basis)


def power_from_gas_mw(
    gas_bcm_per_yr: float | npt.ArrayLike,
    *,
    capacity_factor: float,
    efficiency: float,
    basis: str = GasBasis.BP,
    hours: float | None = None,
) -> Number:
    """Return the capacity in MW that burns `gas_bcm_per_yr` (inverse of the gas burn).

    Inverse of :func:`gas_burn_bcm_per_yr` (same options and defaults).

    Parameters
    ----------
    gas_bcm_per_yr : float or array_like
        Gas burnt in bcm/yr, non-negative.
    capacity_factor : float
        Average output / capacity, in (0, 1].
    efficiency : float
        Electrical efficiency on the basis' heating value, in (0, 1] (CCGT about 0.58).
    basis : {"bp", "serbia_lhv"}, default "bp"
        Energy content of the gas (see :class:`GasBasis`).
    hours : float, optional
        Hours per year; default ``units.time.hours_per_year`` (8760).

    Returns
    -------
    float or numpy.ndarray
        Electrical capacity in MW.

    Raises
    ------
    SpecError
        `gas_bcm_per_yr` negative, NaN or not a number; a capacity factor or efficiency
        outside (0, 1].

    Examples
    --------
    >>> round(power_from_gas_mw(0.438, capacity_factor=0.5, efficiency=0.5))
    500
    """
    arr = _check("gas_bcm_per_yr", gas_bcm_per_yr)
    eff = _fraction("efficiency", efficiency)
    e_gwh = np.asarray(bcm_to_twh(arr, basis=basis)) * THOUSAND * eff
    return gwh_per_yr_to_mw(e_gwh, capacity_factor=capacity_factor, hours=hours)


def mt_to_kt(x_mt: float | npt.ArrayLike) -> Number:
    """Convert million tonnes to thousand tonnes (x 1000).

    Parameters
    ----------
    x_mt : float or array_like
        Mass in Mt (or Mt/yr), non-negative.

    Returns
    -------
    float or numpy.ndarray
        Mass in kt (or kt/yr).

    Raises
    ------
    SpecError
        `x_mt` negative, NaN or not a number.

    Examples
    --------
    >>> mt_to_kt(1.625)
    1625.0
    """
    return _out(_check("x_mt", x_mt) * THOUSAND)


def kt_to_mt(x_kt: float | npt.ArrayLike) -> Number:
    """Convert thousand tonnes to million tonnes (/ 1000).

    Parameters
    ----------
    x_kt : float or array_like
        Mass in kt (or kt/yr), non-negative.

    Returns
    -------
    float or numpy.ndarray
        Mass in Mt (or Mt/yr).

    Raises
    ------
    SpecError
        `x_kt` negative, NaN or not a number.

    Examples
    --------
    >>> kt_to_mt(250)
    0.25
    """
    return _out(_check("x_kt", x_kt) / THOUSAND)


def days_in_month(year: int, month: int) -> int:
    """Return the number of days in `month` (1-12) of `year` (Gregorian calendar).

    Parameters
    ----------
    year : int
        Year, 1 to 9999.
    month : int
        Month, 1 (January) to 12.

    Returns
    -------
    int
        28 to 31.

    Raises
    ------
    SpecError
        A year or month that is not an integer in its range.

    Examples
    --------
    >>> days_in_month(2028, 2)
    29
    """
    for name, v, lo, hi in (("year", year, 1, 9999), ("month", month, 1, 12)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or not lo <= v <= hi:
            msg = f"{name} = {v!r}: expected an integer in {lo}..{hi}"
            raise SpecError(msg)
    return calendar.monthrange(int(year), int(month))[1]


def days_in_year(year: int) -> int:
    """Return the number of days in `year` (365, or 366 in a leap year).

    Parameters
    ----------
    year : int
        Year, 1 to 9999.

    Returns
    -------
    int
        365 or 366.

    Raises
    ------
    SpecError
        A year that is not an integer in 1..9999.

    Examples
    --------
    >>> days_in_year(2024), days_in_year(2025)
    (366, 365)
    """
    days_in_month(year, 1)  # checks the year
    return 366 if calendar.isleap(int(year)) else 365
