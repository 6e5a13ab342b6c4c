"""The provenance table of a model run: every value with the catalogue rows behind it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.catalogue import fact
from corridor_sim.errors import is_number

__all__ = ["PROVENANCE_COLUMNS", "provenance_table"]

#: Columns of every model's ``provenance`` table.
PROVENANCE_COLUMNS = (
    "parameter",
    "value",
    "value_text",
    "unit",
    "description",
    "source_id",
    "status",
)


def provenance_table(
    rows: Iterable[tuple[str, Any, str, str, str]], *, read: Iterable[str] = ()
) -> pd.DataFrame:
    """Build a provenance table from (parameter, value, unit, description, source id) rows.

    Numeric values go to ``value`` (float), booleans and strings to ``value_text`` (and
    ``value`` is NaN), so the table keeps one dtype per column and saves exactly. Each
    source id's ``status`` is its catalogue status (``"override"`` and
    ``"modelling choice"`` stand for themselves). Ids in `read` become
    ``parameter = "(fixed)"`` rows with the catalogue's value and unit.
    """
    out = []
    for name, val, unit, desc, sid in rows:
        number, text = _split_value(val)
        status = sid if sid in ("override", "modelling choice") else str(fact(sid).status.value)
        out.append((name, number, text, unit, desc, sid, status))
    for sid in read:
        row = fact(sid)
        number = math.nan if row.value is None else float(row.value)
        out.append(("(fixed)", number, "", row.unit, row.subject, sid, str(row.status.value)))
    frame = pd.DataFrame(out, columns=list(PROVENANCE_COLUMNS))
    frame["value"] = frame["value"].astype(float)
    return frame


def _split_value(val: Any) -> tuple[float, str]:
    if isinstance(val, (bool, np.bool_)):
        return math.nan, "true" if val else "false"
    if is_number(val):
        return float(val), ""
    return math.nan, str(val)
