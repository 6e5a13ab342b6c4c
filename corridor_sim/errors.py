"""Exceptions raised by corridor_sim.

Everything the library raises on purpose derives from :class:`CorridorSimError`,
so a notebook can catch one class. Each subclass also derives from the builtin
that fits (``ValueError``, ``LookupError``, ``RuntimeError``, ``ImportError``),
so generic handlers keep working.

Messages name the field, the offending value and the expected form.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable

__all__ = [
    "ConvergenceError",
    "CorridorSimError",
    "FactError",
    "InfeasibleError",
    "OptionalDependencyError",
    "ResultError",
    "ScenarioError",
    "SchemaError",
    "SolverError",
    "SpecError",
    "UnitError",
    "UnknownNameError",
    "finite_float",
    "is_number",
    "suggest",
]


class CorridorSimError(Exception):
    """Base class of every error corridor_sim raises on purpose."""


class SpecError(CorridorSimError, ValueError):
    """A model or network parameter has a wrong value (negative, NaN, wrong type)."""


class UnknownNameError(CorridorSimError, LookupError):
    """A name (node, element, parameter, model, site) is not known."""

    def __str__(self) -> str:  # LookupError would quote the message like a KeyError
        return str(self.args[0]) if self.args else ""


class FactError(UnknownNameError):
    """A fact or assumption id is not in the catalogue, or the catalogue is malformed."""


class UnitError(CorridorSimError, ValueError):
    """A quantity was given in a unit that does not fit, or a conversion is undefined."""


class ScenarioError(CorridorSimError, ValueError):
    """A scenario file or object is invalid (unknown key, wrong type, bad value)."""


class ResultError(CorridorSimError, ValueError):
    """A saved result cannot be written or read back whole (wrong folder, altered files)."""


class SchemaError(CorridorSimError, ValueError):
    """A result table breaks the shared schema (missing key column, unit-less column name)."""


class InfeasibleError(CorridorSimError, RuntimeError):
    """An optimisation problem has no solution; the message says which constraint fails."""


class SolverError(CorridorSimError, RuntimeError):
    """A solver failed for a reason other than infeasibility (unbounded, numerical trouble)."""


class ConvergenceError(CorridorSimError, RuntimeError):
    """A power flow did not converge."""


class OptionalDependencyError(CorridorSimError, ImportError):
    """An optional dependency (Dask, pyarrow, ...) is needed but not installed."""


def is_number(x: object) -> bool:
    """Return whether `x` is a real number (int, float or their NumPy kinds), not a bool.

    The one test every input check uses before comparing a value with its bounds.

    Parameters
    ----------
    x : object
        Any value.

    Returns
    -------
    bool
        True for ints, floats and NumPy numbers; False for bools, strings and the rest.

    Examples
    --------
    >>> is_number(1.5), is_number(True), is_number("2")
    (True, False, False)
    """
    import numpy as np

    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def finite_float(
    raw: object,
    where: str,
    *,
    expected: str = "a finite number",
    error: type[CorridorSimError] = SpecError,
) -> float:
    """Return `raw` as a finite float, else raise ``"<where>: expected <expected>"``.

    The one conversion of a user's text or number to a finite value (``"1.5"``, ``2``).

    Parameters
    ----------
    raw : object
        The value given (a number or text).
    where : str
        What was given, as the message starts: ``"threshold 'unmet_mt>x'"``.
    expected : str, default "a finite number"
        The expected form, e.g. ``"a finite number in Mt"``.
    error : exception class, default SpecError
        The :class:`CorridorSimError` subclass raised.

    Returns
    -------
    float
        The value as a finite float.

    Raises
    ------
    CorridorSimError
        Of class `error`, when `raw` is not a number or is infinite or NaN.

    Examples
    --------
    >>> finite_float("1.5", "x")
    1.5
    >>> finite_float("inf", "x = 'inf'")
    Traceback (most recent call last):
    ...
    corridor_sim.errors.SpecError: x = 'inf': expected a finite number
    """
    msg = f"{where}: expected {expected}"
    try:
        number = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError) as err:
        raise error(msg) from err
    if not math.isfinite(number):
        raise error(msg)
    return number


def suggest(name: str, candidates: Iterable[str], *, n: int = 3) -> str:
    """Return a short "did you mean" phrase for `name` among `candidates`.

    Parameters
    ----------
    name : str
        The unknown name the user typed.
    candidates : iterable of str
        The valid names.
    n : int, default 3
        Most suggestions to give.

    Returns
    -------
    str
        ``"did you mean 'a', 'b'?"`` or, when nothing is close, the list of valid
        names (shortened to 12).

    Examples
    --------
    >>> suggest("ceyhn", ["aktau", "baku", "ceyhan"])
    "did you mean 'ceyhan'?"
    """
    pool = sorted(set(candidates))
    close = difflib.get_close_matches(name, pool, n=n, cutoff=0.6)
    if close:
        return "did you mean " + ", ".join(repr(c) for c in close) + "?"
    shown = ", ".join(repr(c) for c in pool[:12])
    more = f", ... ({len(pool)} in all)" if len(pool) > 12 else ""
    return f"expected one of {shown}{more}"
