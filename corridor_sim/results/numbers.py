"""Numbers for people: significant figures, thousands separators, integers as integers.

What the command line, ``print`` and the HTML cards show; the CSV files keep every digit.

- :func:`format_number` — one value: ``3.684``, ``1,984``, ``28,943``, ``0.0021``, ``0``;
- :func:`format_frame` — a copy of a table with its float columns written that way, for
  text and HTML display (never for saving).

Examples
--------
>>> [format_number(x) for x in (3.684000000001, 2.0, 28943.09, 0.00209263, -1.5e-9, 0.0)]
['3.684', '2', '28,943', '0.002093', '-1.5e-09', '0']
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["SIGNIFICANT", "format_frame", "format_number"]

#: Significant figures shown by default (the integer part of a number is never rounded).
SIGNIFICANT = 4
#: Decimals beyond which a small number is written in scientific notation.
_MAX_DECIMALS = 8


def format_number(value: Any, digits: int = SIGNIFICANT) -> str:
    """Write `value` for reading: `digits` significant figures, thousands separators.

    Parameters
    ----------
    value : float, int or other
        The number; anything else (a string, None) is written with ``str``.
    digits : int, default 4
        Significant figures. The integer part is never rounded (``28,943``, not ``28,940``),
        whole numbers are written without decimals, trailing zeros are dropped and numbers
        below about ``1e-5`` in magnitude use scientific notation.

    Returns
    -------
    str
        ``"NaN"`` for a missing value, ``"inf"`` / ``"-inf"`` for infinities.

    Examples
    --------
    >>> format_number(1234567.891), format_number(0.5), format_number(float("nan"))
    ('1,234,568', '0.5', 'NaN')
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        return "" if value is None else str(value)
    x = float(value)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    if x == round(x) and abs(x) < 1e15:
        return f"{int(round(x)):,d}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    if decimals > _MAX_DECIMALS:
        mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{exponent}"
    text = f"{x:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", "0"} else text


def format_frame(frame: pd.DataFrame, digits: int = SIGNIFICANT) -> pd.DataFrame:
    """Return a copy of `frame` with its float columns written by :func:`format_number`.

    Parameters
    ----------
    frame : DataFrame
        Any table (a summary, a study's quantiles, a comparison).
    digits : int, default 4
        Significant figures.

    Returns
    -------
    DataFrame
        Float columns as text (object dtype); other columns unchanged. For display only:
        save the original to keep full precision.

    Examples
    --------
    >>> t = pd.DataFrame({"metric": ["delivered_mt", "binding_arcs"], "value": [3.684, 2.0]})
    >>> print(format_frame(t).to_string(index=False))
          metric value
    delivered_mt 3.684
    binding_arcs     2
    """
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = [format_number(v, digits) for v in out[col]]
    return out
