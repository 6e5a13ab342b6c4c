"""Zero is zero: solver round-off cleaned out of results, with one documented tolerance.

An LP solver meets its constraints to a *feasibility tolerance*, not exactly: HiGHS's
``primal_feasibility_tolerance`` and ``dual_feasibility_tolerance`` are both ``1e-7`` by
default (``highspy.Highs().getOptionValue("primal_feasibility_tolerance")``, highspy 1.16).
A flow it reports as ``4e-16`` is zero, and a flow ``1e-12`` below its capacity is at
that capacity. Left in, such round-off becomes a finding: ``unmet_mt > 0`` counts every
draw of a Monte Carlo, a zero median draws a band across -100 %.

The tolerance is relative to the magnitudes of the problem: ``FEASIBILITY_TOL x scale``,
where `scale` is the largest finite magnitude of the quantities involved (capacities,
demands, supplies of one network; the values of one unit in a summary). So a network in
kt and the same network in t are cleaned alike. The rule, used by the engines and by every
:class:`~corridor_sim.Result` summary:

- a value within the tolerance of zero is written as ``0.0`` (never ``-0.0``);
- a value within the tolerance of a bound (a capacity, a demand) is written as the bound,
  so a flow at capacity counts as at capacity and ``demand - delivered`` is exactly 0;
- a study metric whose values spread by less than the tolerance of their magnitude does
  not vary (no fan, no sensitivity ranking against noise).

Examples
--------
>>> import numpy as np
>>> snap(np.array([4.4e-16, -1e-12, 0.5, 2.0 - 1e-12]), scale=3.7, upper=2.0).tolist()
[0.0, 0.0, 0.5, 2.0]
>>> tolerance(2.0)
2e-07
>>> varies([3.684, 3.684 + 4e-16]), varies([0.0, 0.002])
(False, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["FEASIBILITY_TOL", "clean_summary", "magnitude", "snap", "tolerance", "varies"]

#: HiGHS's default primal (and dual) feasibility tolerance: the relative precision of every
#: LP result of the engines.
FEASIBILITY_TOL = 1e-7


def magnitude(*arrays: Any) -> float:
    """Return the largest finite magnitude in `arrays` (1.0 when there is none or it is 0).

    Parameters
    ----------
    *arrays : array-like or None
        Quantities of one problem (capacities, demands...); None and infinities are skipped.

    Returns
    -------
    float
        The scale that :func:`tolerance` multiplies.

    Examples
    --------
    >>> magnitude([1.0, -250.0, float("inf")], None, 3)
    250.0
    """
    best = 0.0
    for values in arrays:
        if values is None:
            continue
        a = np.abs(np.asarray(values, dtype=float)).ravel()
        a = a[np.isfinite(a)]
        if a.size:
            best = max(best, float(a.max()))
    return best if best > 0 else 1.0


def tolerance(scale: float = 1.0) -> float:
    """Return the absolute tolerance ``FEASIBILITY_TOL x scale`` for quantities of size `scale`.

    Parameters
    ----------
    scale : float, default 1.0
        The problem's largest magnitude (see :func:`magnitude`); 0 or non-finite counts as 1.

    Returns
    -------
    float
        Values closer than this to zero (or to a bound) are round-off.

    Examples
    --------
    >>> tolerance(2.0)
    2e-07
    """
    s = abs(float(scale))
    return FEASIBILITY_TOL * (s if np.isfinite(s) and s > 0 else 1.0)


def snap(
    x: np.ndarray,
    scale: float,
    *,
    lower: Any = None,
    upper: Any = None,
) -> np.ndarray:
    """Write round-off as exact values: near 0 as 0, near a bound as the bound; in place.

    Parameters
    ----------
    x : ndarray of float
        Values (changed in place and returned).
    scale : float
        The problem's magnitude; the tolerance is :func:`tolerance` of it.
    lower, upper : float or ndarray, optional
        Bounds (broadcast against `x`; infinite or NaN entries are ignored). A value within
        the tolerance of a bound becomes the bound.

    Returns
    -------
    ndarray
        `x`, with no ``-0.0``.

    Examples
    --------
    >>> snap(np.array([1e-9, 9.99999999, -0.0]), 10.0, upper=np.array([5.0, 10.0, 5.0])).tolist()
    [0.0, 10.0, 0.0]
    """
    tol = tolerance(scale)
    for bound in (upper, lower):
        if bound is None:
            continue
        b = np.broadcast_to(np.asarray(bound, dtype=float), x.shape)
        with np.errstate(invalid="ignore"):
            near = np.isfinite(b) & (np.abs(x - b) <= tol)
        x[near] = b[near]
    x[np.abs(x) <= tol] = 0.0
    x += 0.0  # -0.0 + 0.0 is +0.0
    return x


def varies(values: Iterable[float]) -> bool:
    """Whether finite `values` spread by more than the tolerance of their magnitude.

    Parameters
    ----------
    values : iterable of float
        One metric over the runs of a study.

    Returns
    -------
    bool
        False for a constant metric, or one that differs only by round-off.

    Examples
    --------
    >>> varies([1.0, 1.0 + 1e-15, 1.0]), varies([1.0, 1.1])
    (False, True)
    """
    a = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=float)
    a = a[np.isfinite(a)]
    if a.size < 2:
        return False
    return float(a.max() - a.min()) > tolerance(magnitude(a))


def clean_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Snap the ``value`` column of a summary to zero within the tolerance of each unit's scale.

    The scale of a row is the largest magnitude among the rows of the same ``unit``, and at
    least 1 (so ``unmet_mt = 4.4e-16`` beside ``delivered_mt = 3.684`` is 0, and so is a
    lone ``4.4e-16 %``: below ``1e-7`` of one unit is no figure to report). A copy is
    returned.

    Parameters
    ----------
    frame : DataFrame
        Columns ``value`` and ``unit`` (see :func:`corridor_sim.results.result.summary_frame`).

    Returns
    -------
    DataFrame
        The same rows, values within tolerance of zero written as 0.0.

    Examples
    --------
    >>> t = pd.DataFrame({"metric": ["a", "b"], "value": [3.684, 4.4e-16], "unit": "Mt"})
    >>> clean_summary(t)["value"].tolist()
    [3.684, 0.0]
    """
    out = frame.copy()
    if out.empty or "value" not in out:
        return out
    values = out["value"].to_numpy(dtype=float, copy=True)
    units = out["unit"].astype(str).to_numpy() if "unit" in out else np.zeros(len(out), str)
    for unit in pd.unique(units):
        mine = units == unit
        part = values[mine]
        values[mine] = snap(part, max(magnitude(part), 1.0))
    out["value"] = values
    return out
