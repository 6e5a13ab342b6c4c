"""Key columns of the power and dispatch engines' standard result tables.

The engines' own result objects index elements by pandapower table and index (``line 3``)
and hours by the input's index labels. Their ``to_result()`` methods turn that into the keys
of :mod:`corridor_sim.results.schemas`:

- ``element``: a string id, the pandapower ``name`` when the names of that element table are
  non-empty and unique (and clash with no other element's id), else ``"<table> <index>"``
  (``"line 3"``); ``element_type`` and ``element_index`` keep the pandapower reference;
- ``period``: the 0-based position of the hour in the horizon;
- ``snapshot`` when the hours are a :class:`pandas.DatetimeIndex` (time zone dropped: local
  wall time), else ``hour`` (integer labels) or ``period_label`` (any other labels).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.errors import SpecError

__all__ = ["ELEMENT_TABLES", "ElementIds", "element_ids", "keyed_frame", "time_columns"]

#: pandapower tables whose elements appear in the engines' result tables.
ELEMENT_TABLES: tuple[str, ...] = (
    "bus",
    "line",
    "trafo",
    "dcline",
    "ext_grid",
    "gen",
    "sgen",
    "load",
    "storage",
)

#: Element id per pandapower table and index: ``ids["line"][3] == "Baku-Tbilisi"``.
ElementIds = Mapping[str, Mapping[int, str]]


def _names(table: pd.DataFrame) -> dict[int, str] | None:
    """Return the table's names by index when all are non-empty strings and unique, else None."""
    if "name" not in table.columns:
        return None
    names = [n if isinstance(n, str) and n.strip() else "" for n in table["name"]]
    if not all(names) or len(set(names)) != len(names):
        return None
    return dict(zip((int(i) for i in table.index), names, strict=True))


def element_ids(net: pp.pandapowerNet, tables: Iterable[str] = ELEMENT_TABLES) -> dict:
    """Element ids of `net` for the result tables (see the module docstring).

    Returns
    -------
    dict of str to dict of int to str
        ``ids[table][index]``; every id is unique over all `tables`.

    Examples
    --------
    >>> import pandapower as pp
    >>> net = pp.create_empty_network()
    >>> _ = pp.create_bus(net, 110.0, name="Baku"), pp.create_bus(net, 110.0)
    >>> element_ids(net, ["bus"])
    {'bus': {0: 'bus 0', 1: 'bus 1'}}
    """
    frames = {t: net[t] for t in tables if t in net and isinstance(net[t], pd.DataFrame)}
    named = {t: _names(f) for t, f in frames.items()}
    while True:
        ids = {
            t: named[t] or {int(i): f"{t} {i}" for i in frame.index} for t, frame in frames.items()
        }
        count = Counter(label for by_index in ids.values() for label in by_index.values())
        clash = [
            t
            for t, by_index in ids.items()
            if named[t] and any(count[label] > 1 for label in by_index.values())
        ]
        if not clash:
            return ids
        for t in clash:  # names shared across tables: those tables use "<table> <index>"
            named[t] = None


def ids_of(ids: ElementIds, types: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Element id of every row (``types[k]``, ``indices[k]``), as an object array."""
    types = np.asarray(types, dtype=object)
    indices = np.asarray(indices)
    if types.size == 0:
        return np.zeros(0, dtype=object)
    codes, uniques = pd.MultiIndex.from_arrays([types, indices]).factorize()
    labels = np.array(
        [ids.get(str(t), {}).get(int(i), f"{t} {int(i)}") for t, i in uniques], dtype=object
    )
    return labels[codes]


def time_columns(hours: pd.Index, period: np.ndarray) -> tuple[dict[str, object], bool]:
    """Columns ``period`` and ``snapshot`` | ``hour`` | ``period_label`` of rows at `period`.

    Returns the columns and whether the hours carry dates (``meta["calendar"]``).
    """
    period = np.asarray(period, dtype=np.int64)
    cols: dict[str, object] = {"period": period}
    if isinstance(hours, pd.DatetimeIndex):
        stamps = hours.tz_localize(None) if hours.tz is not None else hours
        cols["snapshot"] = np.asarray(stamps.as_unit("ns"))[period]
        return cols, True
    if pd.api.types.is_integer_dtype(hours.dtype):
        cols["hour"] = hours.to_numpy()[period]
    else:
        cols["period_label"] = hours.astype(str).to_numpy()[period]
    return cols, False


def periods_of(hours: pd.Index, labels: pd.Series | np.ndarray) -> np.ndarray:
    """0-based position in `hours` of each hour label in `labels`.

    Raises
    ------
    SpecError
        If `hours` has repeated labels (a position would be ambiguous).
    """
    if not hours.is_unique:
        dup = hours[hours.duplicated()][0]
        msg = f"hour index: label {dup!r} appears twice; expected unique hour labels"
        raise SpecError(msg)
    return hours.get_indexer(pd.Index(labels)).astype(np.int64)


def keyed_frame(
    ids: ElementIds,
    types: np.ndarray,
    indices: np.ndarray,
    hours: pd.Index,
    period: np.ndarray,
    values: Mapping[str, np.ndarray],
) -> tuple[pd.DataFrame, bool]:
    """Build a standard long table: element keys, time keys, then `values` (one entry per row).

    Returns the frame and whether the hours carry dates.
    """
    time, calendar = time_columns(hours, period)
    frame = pd.DataFrame(
        {
            "element": ids_of(ids, types, indices),
            "element_type": np.asarray(types, dtype=object),
            "element_index": np.asarray(indices, dtype=np.int64),
            **time,
            **{k: np.asarray(v, dtype=float) for k, v in values.items()},
        }
    )
    return frame, calendar
