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
    """Base class of every error corridor_sim raises on purpose.

    Catch this one class in a notebook or a script to handle any input, model or solver
    error of the library; programming errors (``TypeError`` from a wrong call, say) are
    left to Python.

    Parameters
    ----------
    message : str
        What went wrong: the field, the offending value and the expected form.

    Examples
    --------
    >>> import corridor_sim as cs
    >>> try:
    ...     cs.Scenario(model="oil", year=2025, seed=-1)
    ... except cs.CorridorSimError as err:
    ...     print(type(err).__name__, "-", err)
    ScenarioError - seed = -1: expected an integer >= 0
    """


class SpecError(CorridorSimError, ValueError):
    """A model or network parameter has a wrong value (negative, NaN, wrong type).

    Also a ``ValueError``.

    Parameters
    ----------
    message : str
        The parameter or field, its value and the accepted range or type.

    Examples
    --------
    >>> from corridor_sim.engines.commodity import network_from_dict
    >>> network_from_dict({"nodes": [{"id": "s", "kind": "supply", "supply": -5}], "arcs": []})
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    corridor_sim.errors.SpecError: [network].nodes[0]: node 's': supply = -5; expected ...
    """


class UnknownNameError(CorridorSimError, LookupError):
    """A name (node, element, parameter, model, site) is not known.

    Also a ``LookupError``. The message lists the known names, or suggests the closest.

    Parameters
    ----------
    message : str
        The unknown name and the known ones (or a "did you mean").

    Examples
    --------
    >>> from corridor_sim.models import get_model
    >>> get_model("gaz")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    corridor_sim.errors.UnknownNameError: model = 'gaz': unknown model, expected ...
    """

    def __str__(self) -> str:  # LookupError would quote the message like a KeyError
        return str(self.args[0]) if self.args else ""


class FactError(UnknownNameError):
    """A fact or assumption id is not in the catalogue, or the catalogue is malformed.

    An :class:`UnknownNameError` (hence a ``LookupError``).

    Parameters
    ----------
    message : str
        The fact id and the closest ids, or the catalogue file and row at fault.

    Examples
    --------
    >>> import corridor_sim as cs
    >>> try:
    ...     cs.fact("btc.capacity")
    ... except FactError as err:
    ...     print(str(err).split(":")[0])
    unknown fact id 'btc.capacity'
    """


class UnitError(CorridorSimError, ValueError):
    """A quantity was given in a unit that does not fit, or a conversion is undefined.

    Also a ``ValueError``.

    Parameters
    ----------
    message : str
        The quantity, the unit given and the units accepted.

    Examples
    --------
    >>> from corridor_sim.units import twh_per_bcm
    >>> twh_per_bcm(basis="hhv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    corridor_sim.errors.UnitError: basis = 'hhv': unknown gas energy basis; expected one of ...
    """


class ScenarioError(CorridorSimError, ValueError):
    """A scenario file or object is invalid (unknown key, wrong type, bad value).

    Also a ``ValueError``. Raised when a :class:`~corridor_sim.Scenario` is made or
    loaded, and by ``Scenario.check()`` against its model (parameter names, bounds).

    Parameters
    ----------
    message : str
        The file (if any), the key, its value and the expected form.

    Examples
    --------
    >>> import corridor_sim as cs
    >>> cs.Scenario(model="oil", year=2025, seed=-1)
    Traceback (most recent call last):
    ...
    corridor_sim.errors.ScenarioError: seed = -1: expected an integer >= 0
    """


class ResultError(CorridorSimError, ValueError):
    """A saved result cannot be written or read back whole (wrong folder, altered files).

    Also a ``ValueError``.

    Parameters
    ----------
    message : str
        The folder or table name and what a saved result must look like.

    Examples
    --------
    >>> import corridor_sim as cs
    >>> try:
    ...     cs.Result.load("no-such-folder")
    ... except ResultError as err:
    ...     print(str(err).split(": ", 1)[1])
    no meta.json here; expected a directory written by Result.save()
    """


class SchemaError(CorridorSimError, ValueError):
    """A result table breaks the shared schema (missing key column, unit-less column name).

    Also a ``ValueError``.

    Parameters
    ----------
    message : str
        The table, the column at fault and the schema it breaks.

    Examples
    --------
    >>> from corridor_sim.results.schemas import schema
    >>> schema("losses")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    corridor_sim.errors.SchemaError: no schema for table 'losses'; standard tables: flows, ...
    """


class InfeasibleError(CorridorSimError, RuntimeError):
    """An optimisation problem has no solution; the message says which constraint fails.

    Also a ``RuntimeError``. The commodity models rarely raise it, since unmet demand is
    allowed at a penalty; a dispatch whose demand exceeds every generator can.

    Parameters
    ----------
    message : str
        The network and the constraint that cannot hold (node, period).

    Examples
    --------
    >>> issubclass(InfeasibleError, RuntimeError), issubclass(InfeasibleError, SolverError)
    (True, False)
    """


class SolverError(CorridorSimError, RuntimeError):
    """A solver failed for a reason other than infeasibility (unbounded, numerical trouble).

    Also a ``RuntimeError``; the message carries the solver's own status text.

    Parameters
    ----------
    message : str
        The network or model and the solver's status text.

    Examples
    --------
    >>> import corridor_sim as cs
    >>> issubclass(SolverError, cs.CorridorSimError), issubclass(SolverError, RuntimeError)
    (True, True)
    """


class ConvergenceError(CorridorSimError, RuntimeError):
    """A power flow did not converge.

    Also a ``RuntimeError``; pandapower's own error is chained as ``__cause__``.

    Parameters
    ----------
    message : str
        The hour or case that did not converge and what pandapower said.

    Examples
    --------
    >>> try:
    ...     raise ConvergenceError("AC check of hour 4100: power flow did not converge")
    ... except RuntimeError as err:
    ...     print(type(err).__name__)
    ConvergenceError
    """


class OptionalDependencyError(CorridorSimError, ImportError):
    """An optional dependency (Dask, pyarrow, ...) is needed but not installed.

    Also an ``ImportError``; the message names the extra to install, e.g.
    ``pip install "corridor_sim[dask]"``.

    Parameters
    ----------
    message : str
        The feature, the missing package and the extra to install.

    Examples
    --------
    >>> issubclass(OptionalDependencyError, ImportError)
    True
    """


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
