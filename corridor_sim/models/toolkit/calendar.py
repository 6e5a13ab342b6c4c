"""Periods as time: the calendar of a model's horizon, cut into slices where events need it.

A model's horizon is a run of periods of one resolution (months, days, years or hours) from
1 January of the scenario year. An outage that lasts ``days`` inside a period cuts that
period into slices (days ``0..d`` out, ``d..D`` back), so an LP sees *when* in the period
the capacity is missing, not only how much. Every slice has a start time (its snapshot).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from corridor_sim.errors import SpecError
from corridor_sim.units import HOURS_PER_DAY, days_in_month, days_in_year

__all__ = ["Slice", "make_slices", "month_slices", "period_days", "snapshots"]

#: Resolutions whose periods can be cut at a day.
_CUTTABLE = ("month", "day", "year")


@dataclass(frozen=True, slots=True)
class Slice:
    """A period of the LP: a whole period of the horizon or a part of one.

    Attributes
    ----------
    label : str
        ``"2025-06"`` for a whole month, ``"2025-06 d0-10"`` for days 0–10 of it.
    month : int
        0-based period of the horizon the slice belongs to (the scenario's period index;
        named ``month`` because the monthly models use it most).
    month_label : str
        Label of that whole period (``"YYYY-MM"`` for months).
    calendar_month : int
        1–12, the calendar month the slice lies in.
    first_day, days : float
        Start (days into the period) and length (days) of the slice.
    month_days : float
        Days in the whole period.
    start : pandas.Timestamp
        When the slice starts (its snapshot).
    """

    label: str
    month: int
    month_label: str
    calendar_month: int
    first_day: float
    days: float
    month_days: float
    start: pd.Timestamp

    @property
    def period(self) -> int:
        """The horizon period the slice belongs to (same as :attr:`month`)."""
        return self.month


def _check_count(n: object, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        msg = f"periods = {n!r}: expected a positive number of {what}"
        raise SpecError(msg)
    return n


def period_days(resolution: str, year: int, period: int) -> float:
    """Length in days of period `period` (0-based) of a horizon starting on 1 January `year`."""
    if resolution == "month":
        return float(days_in_month(year + period // 12, period % 12 + 1))
    if resolution == "day":
        return 1.0
    if resolution == "year":
        return float(days_in_year(year + period))
    if resolution == "hour":
        return 1.0 / HOURS_PER_DAY
    msg = f"resolution = {resolution!r}: expected 'month', 'day', 'year' or 'hour'"
    raise SpecError(msg)


def _period_start(resolution: str, year: int, period: int) -> pd.Timestamp:
    if resolution == "month":
        return pd.Timestamp(year=year + period // 12, month=period % 12 + 1, day=1)
    if resolution == "year":
        return pd.Timestamp(year=year + period, month=1, day=1)
    step = pd.Timedelta(days=1) if resolution == "day" else pd.Timedelta(hours=1)
    return pd.Timestamp(year=year, month=1, day=1) + period * step


def _period_label(resolution: str, start: pd.Timestamp) -> str:
    fmt = {"month": "%Y-%m", "day": "%Y-%m-%d", "year": "%Y", "hour": "%Y-%m-%d %H:00"}
    return start.strftime(fmt[resolution])


def make_slices(
    year: int,
    periods: int,
    cuts: Mapping[int, Iterable[float]] | None = None,
    *,
    resolution: str = "month",
) -> list[Slice]:
    """Slices of a `periods`-long horizon starting on 1 January `year`.

    Parameters
    ----------
    year : int
        First calendar year; periods run on into the next years.
    periods : int
        Number of periods (>= 1).
    cuts : mapping of int to iterable of float, optional
        0-based period -> days into that period at which to cut it (only for month,
        day and year resolutions).
    resolution : {"month", "day", "year", "hour"}
        Length of a period.

    Returns
    -------
    list of Slice
        In time order.

    Examples
    --------
    >>> [s.label for s in make_slices(2025, 2, {1: [10]})]
    ['2025-01', '2025-02 d0-10', '2025-02 d10-28']
    """
    _check_count(periods, f"{resolution}s")
    cuts = cuts or {}
    if cuts and resolution not in _CUTTABLE:
        msg = f"events with days cannot cut {resolution} periods; expected availability instead"
        raise SpecError(msg)
    out = []
    for m in range(periods):
        start = _period_start(resolution, year, m)
        d = period_days(resolution, year, m)
        label = _period_label(resolution, start)
        bounds = sorted({0.0, d, *(float(c) for c in cuts.get(m, ()) if 0 < c < d)})
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            whole = len(bounds) == 2
            out.append(
                Slice(
                    label if whole else f"{label} d{a:g}-{b:g}",
                    m,
                    label,
                    start.month,
                    a,
                    b - a,
                    d,
                    start + pd.Timedelta(days=a),
                )
            )
    return out


def month_slices(
    year: int, months: int, cuts: Mapping[int, Iterable[float]] | None = None
) -> list[Slice]:
    """Slices of a `months`-long monthly horizon (see :func:`make_slices`)."""
    return make_slices(year, months, cuts, resolution="month")


def snapshots(slices: Sequence[Slice]) -> tuple[pd.Timestamp, ...]:
    """Start time of every slice (a network's ``snapshots``)."""
    return tuple(s.start for s in slices)


def is_whole(slices: Sequence[Slice]) -> bool:
    """Whether no period is cut (one slice per period)."""
    return all(math.isclose(s.days, s.month_days) for s in slices)
