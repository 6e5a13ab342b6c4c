"""The plausible ranges of catalogue rows, and one draw from a row's range.

A row may carry ``low``, ``high``, ``distribution`` and ``range_reason`` (see
:data:`~corridor_sim.catalogue.RANGE_COLUMNS`). The shapes:

==============  =================================================================
``triangular``  (the default when ``distribution`` is empty) from ``low`` to ``high``
                with the row's value as the mode
``uniform``     every value in [``low``, ``high``] equally likely
``normal``      ``low`` and ``high`` are the 5th and 95th percentiles (not bounds)
``lognormal``   likewise, on the logarithm (``low`` > 0)
==============  =================================================================

Monte Carlo studies (:func:`corridor_sim.monte_carlo`) draw from these ranges when no
distribution is given.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from corridor_sim.catalogue._files import Fact
from corridor_sim.errors import FactError

__all__ = ["Z_95", "draw_value", "ranges"]

#: The standard normal's 95th percentile: ``low``/``high`` of a normal range are mean -/+ Z_95 sd.
Z_95 = 1.6448536269514722

_RANGE_TABLE_COLUMNS = ["id", "value", "unit", "low", "high", "distribution", "range_reason"]


def ranges(ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Return the catalogue rows that carry a range, one row each.

    Parameters
    ----------
    ids : iterable of str, optional
        Keep only these ids (those without a range are left out).

    Returns
    -------
    pandas.DataFrame
        Columns ``id, value, unit, low, high, distribution, range_reason``, indexed by id;
        ``distribution`` is ``"triangular"`` where the file leaves it empty.

    Examples
    --------
    >>> table = ranges(["units.crude.bbl_per_t"])
    >>> row = table.loc["units.crude.bbl_per_t"]
    >>> float(row["low"]), float(row["high"]), row["distribution"]
    (7.32, 7.38, 'uniform')
    """
    from corridor_sim.catalogue._loader import facts  # the loader imports this

    table = facts()
    table = table[table["low"].notna() & table["high"].notna()]
    if ids is not None:
        wanted = list(dict.fromkeys(ids))
        table = table.loc[[i for i in wanted if i in table.index]]
    out = table[_RANGE_TABLE_COLUMNS].copy()
    out["distribution"] = out["distribution"].replace("", "triangular")
    return out


def draw_value(row: Fact, rng: np.random.Generator) -> float:
    """One value from `row`'s range, drawn with `rng` (see the module docstring for shapes).

    Parameters
    ----------
    row : Fact
        A catalogue row with ``low`` and ``high`` (from :func:`~corridor_sim.fact`).
    rng : numpy.random.Generator
        The random source; the same seed gives the same value.

    Returns
    -------
    float
        A value in the row's unit: between ``low`` and ``high`` for the uniform and
        triangular shapes (mode at the row's value), with ``low``/``high`` as the 5th and
        95th percentiles for the normal and lognormal ones.

    Raises
    ------
    FactError
        If the row has no range.

    Examples
    --------
    >>> from corridor_sim.catalogue import fact
    >>> x = draw_value(fact("units.crude.bbl_per_t"), np.random.default_rng(1))
    >>> 7.32 <= x <= 7.38
    True
    """
    if row.low is None or row.high is None:
        msg = f"{row.id!r} has no range (low and high are empty); nothing to draw"
        raise FactError(msg)
    low, high = float(row.low), float(row.high)
    shape = row.distribution or "triangular"
    if low == high:
        return low
    if shape == "uniform":
        return float(rng.uniform(low, high))
    if shape == "triangular":
        mode = (low + high) / 2 if row.value is None else float(row.value)
        return float(rng.triangular(low, mode, high))
    if shape == "normal":
        return float(rng.normal((low + high) / 2, (high - low) / (2 * Z_95)))
    log_low, log_high = math.log(low), math.log(high)
    return float(rng.lognormal((log_low + log_high) / 2, (log_high - log_low) / (2 * Z_95)))
