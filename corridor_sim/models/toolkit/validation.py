"""The ``validation`` table of a model's result: each row a quantity and its role.

A row compares what the model computes with a public record. Its *role* says what the
comparison is worth:

- ``input``: the record (or a figure it is computed from) is what the model was given, so
  agreement says nothing;
- ``fitted``: a parameter was chosen to reproduce the record, so agreement is by design;
- ``predicted``: the model computed the quantity without that record; only these rows
  validate the model, and their ``error_pct`` is the model's error.

Examples
--------
>>> row = validation_row("crude toward Baku", "predicted", 2024, "Mt", 1.25, 1.2, ["a.b"])
>>> round(row[6], 2)
4.17
>>> list(validation_frame([row]).columns) == list(VALIDATION_COLUMNS)
True
"""

from __future__ import annotations

import contextvars
import math
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import Any

import pandas as pd

from corridor_sim.errors import SpecError
from corridor_sim.results.tolerance import tolerance

__all__ = ["VALIDATION_COLUMNS", "Role", "once_per_process", "validation_frame", "validation_row"]

#: Columns of every model's ``validation`` table, in this order.
VALIDATION_COLUMNS = (
    "quantity",
    "role",
    "year",
    "unit",
    "modelled",
    "recorded",
    "error_pct",
    "source",
)


class Role(StrEnum):
    """What a validation row is worth: an input, a fitted quantity or a prediction."""

    INPUT = "input"
    FITTED = "fitted"
    PREDICTED = "predicted"


def validation_row(
    quantity: str,
    role: str,
    year: int,
    unit: str,
    modelled: float,
    recorded: float,
    sources: Sequence[str],
) -> tuple:
    """Return one row of :data:`VALIDATION_COLUMNS`; ``error_pct`` is (modelled/recorded - 1) %.

    A difference within the solver tolerance at the values' scale
    (:func:`corridor_sim.results.tolerance.tolerance`) is an error of 0.

    Raises
    ------
    SpecError
        A role that is not input, fitted or predicted.
    """
    if role not in tuple(Role):
        msg = f"role = {role!r} for {quantity!r}: expected one of {[r.value for r in Role]}"
        raise SpecError(msg)
    error = float("nan")
    if recorded and math.isfinite(recorded) and math.isfinite(modelled):
        diff = modelled - recorded
        if abs(diff) <= tolerance(max(abs(modelled), abs(recorded))):
            diff = 0.0  # a fitted row matches its record: round-off is no error
        error = 100.0 * diff / recorded
    return (quantity, str(role), int(year), unit, float(modelled), float(recorded), error,
            "; ".join(sources))  # fmt: skip


def validation_frame(rows: Iterable[tuple]) -> pd.DataFrame:
    """Return the rows as the ``validation`` table (columns :data:`VALIDATION_COLUMNS`)."""
    return pd.DataFrame(list(rows), columns=list(VALIDATION_COLUMNS))


def once_per_process(rows: Callable[[Any], list[tuple]]) -> Callable[[Any], pd.DataFrame]:
    """Return ``validation(corridor)``: the table of ``rows(corridor)``, computed once per process.

    The table is the model at the catalogue's own values (each year at its defaults), so it
    is computed once per corridor, in a fresh context: a run's catalogue overrides (a Monte
    Carlo draw) do not reach it, and the rows it reads (records and other years' inputs) are
    not the run's inputs, so they stay out of the run's provenance; the table's ``source``
    column names the records.
    """
    cache: dict[str, pd.DataFrame] = {}

    def validation(corridor: Any) -> pd.DataFrame:
        if corridor.name not in cache:
            table = contextvars.Context().run(lambda: validation_frame(rows(corridor)))
            cache[corridor.name] = table
        return cache[corridor.name].copy()

    validation.__doc__ = (rows.__doc__ or "").strip() or "Return the model's validation table."
    return validation
