"""Hourly input tables of :mod:`corridor_sim.engines.power`: validation and bus injections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import pandas as pd
import scipy.sparse as sp

from corridor_sim.engines._shared.dcmodel import DCModel
from corridor_sim.errors import SpecError

__all__ = ["HourlyInjections", "Table", "hourly_injections"]

Table: TypeAlias = pd.DataFrame | np.ndarray | None

#: Element-to-bus maps up to this many entries (bus rows x columns) are kept dense.
_DENSE_SCATTER_MAX = 2**18


def _hours_of(tables: dict[str, Table]) -> pd.Index:
    index: pd.Index | None = None
    n_rows: int | None = None
    for name, table in tables.items():
        if table is None:
            continue
        if isinstance(table, pd.DataFrame):
            if index is not None and not table.index.equals(index):
                msg = (
                    f"{name}: its hour index differs from the other tables; "
                    "all tables must share one index"
                )
                raise SpecError(msg)
            index = table.index
            rows = len(table)
        elif isinstance(table, np.ndarray):
            if table.ndim != 2:
                msg = f"{name}: numpy array of shape {table.shape}; expected 2-D (hours, elements)"
                raise SpecError(msg)
            rows = table.shape[0]
        else:
            msg = (
                f"{name}: got {type(table).__name__}; expected a DataFrame "
                "(hours x element index) or a 2-D numpy array"
            )
            raise SpecError(msg)
        if n_rows is not None and rows != n_rows:
            msg = f"{name}: {rows} hours, but another table has {n_rows}"
            raise SpecError(msg)
        if rows == 0:
            msg = f"{name}: has no rows; expected at least one hour"
            raise SpecError(msg)
        n_rows = rows
    if index is not None:
        return index
    return pd.RangeIndex(n_rows if n_rows is not None else 1, name="hour")


def _profile(
    name: str, table: Table, index: np.ndarray, n_hours: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return (positions of the given columns in the element table, values hours x columns)."""
    if table is None:
        return np.zeros(0, dtype=np.int64), np.zeros((n_hours, 0))
    if isinstance(table, np.ndarray):
        if table.shape[1] != index.size:
            msg = (
                f"{name}: array has {table.shape[1]} columns, "
                f"expected one per element ({index.size})"
            )
            raise SpecError(msg)
        positions = np.arange(index.size)
        columns = index
        try:
            values = np.asarray(table, dtype=float)
        except (TypeError, ValueError) as err:
            msg = f"{name}: array of dtype {table.dtype} is not numeric; expected MW values"
            raise SpecError(msg) from err
    else:
        columns = table.columns.to_numpy()
        if table.columns.has_duplicates:
            dup = table.columns[table.columns.duplicated()][0]
            msg = f"{name}: column {dup!r} appears twice; expected one column per element index"
            raise SpecError(msg)
        lookup = {int(i): k for k, i in enumerate(index)}
        positions = np.empty(columns.size, dtype=np.int64)
        for k, col in enumerate(columns):
            key = col.item() if isinstance(col, np.generic) else col
            if not isinstance(key, int) or isinstance(key, bool) or key not in lookup:
                shown = f"{index.min()}..{index.max()}" if index.size else "none"
                msg = f"{name}: column {key!r} is not an element index of the net (indices {shown})"
                raise SpecError(msg)
            positions[k] = lookup[key]
        try:
            values = table.to_numpy(dtype=float)
        except (TypeError, ValueError) as err:
            bad = _first_non_numeric(table)
            msg = f"{name}: non-numeric value{bad}; expected MW per hour in every column"
            raise SpecError(msg) from err
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        hour = table.index[row] if isinstance(table, pd.DataFrame) else row
        msg = (
            f"{name}: column {_plain(columns[col])!r}, hour {_plain(hour)!r} has value "
            f"{float(values[row, col])!r}; expected a finite number of MW"
        )
        raise SpecError(msg)
    return positions, values


def _plain(value: object) -> object:
    """Turn a numpy scalar into a Python scalar, for readable messages."""
    return value.item() if isinstance(value, np.generic) else value


@dataclass(frozen=True, slots=True, eq=False)
class HourlyInjections:
    """Bus injections for every hour, built block by block, and what the results need.

    The injection of hour ``t`` is ``constant_mw + sum(scatter @ values[t])`` over the given
    tables: only the input tables are held, never the hours x buses matrix (see
    :meth:`block`).
    """

    hours: pd.Index
    constant_mw: np.ndarray  # n_bus: injections of the elements without an hourly column
    parts: tuple[tuple[sp.csr_matrix | np.ndarray, np.ndarray], ...]  # (n_bus x cols, hours x cols)
    slack_p0_mw: np.ndarray  # hours x n_slack
    gen_p_mw: np.ndarray  # hours x n_gen (scaled set-points, 0 when inactive)

    def block(self, start: int, stop: int) -> np.ndarray:
        """Net injection per bus row (MW) of hours ``start:stop``, shape (n_bus, stop - start)."""
        out = np.empty((self.constant_mw.size, stop - start))
        out[:] = self.constant_mw[:, None]
        for scatter, values in self.parts:
            out += scatter @ values[start:stop].T
        return out

    def take(self, positions: np.ndarray) -> HourlyInjections:
        """Return the injections of the hours at `positions` only (in that order)."""
        return HourlyInjections(
            hours=self.hours[positions],
            constant_mw=self.constant_mw,
            parts=tuple((scatter, values[positions]) for scatter, values in self.parts),
            slack_p0_mw=self.slack_p0_mw[positions],
            gen_p_mw=self.gen_p_mw[positions],
        )

    @property
    def p_bus_mw(self) -> np.ndarray:
        """Net injection per bus row for all hours, hours x n_bus (MW); built on each call."""
        return np.ascontiguousarray(self.block(0, len(self.hours)).T)


def hourly_injections(model: DCModel, tables: dict[str, Table]) -> HourlyInjections:
    """Validate the hourly tables and return the bus injections' ingredients (MW)."""
    hours = _hours_of(tables)
    n_hours = len(hours)
    constant = model.p_bus_mw.copy()
    parts: list[tuple[sp.csr_matrix | np.ndarray, np.ndarray]] = []
    gen_sp = None
    for element, table in tables.items():
        key = element.removesuffix("_p_mw")
        emap = model.elements.get(key)
        if emap is None:
            if table is not None:
                msg = f"{element}: the net has no {key} table"
                raise SpecError(msg)
            continue
        pos, values = _profile(element, table, emap.index, n_hours)
        if key == "gen":
            full = np.repeat(emap.p_mw[None, :], n_hours, axis=0)
            full[:, pos] = values
            gen_sp = full * (np.abs(emap.factor) * (emap.row >= 0))[None, :]
        ok = emap.row[pos] >= 0
        if not ok.any():
            continue
        pos = pos[ok]
        scatter = sp.csr_matrix(
            (emap.factor[pos], (emap.row[pos], np.arange(pos.size))),
            shape=(model.n_bus, pos.size),
        )
        constant -= scatter @ emap.p_mw[pos]  # the net's own values are replaced
        if model.n_bus * pos.size <= _DENSE_SCATTER_MAX:  # small: one BLAS product per block
            scatter = scatter.toarray()
        parts.append((scatter, values if ok.all() else np.ascontiguousarray(values[:, ok])))
    if gen_sp is None:
        emap = model.elements.get("gen")
        sp0 = emap.p_mw * np.abs(emap.factor) * (emap.row >= 0) if emap else np.zeros(0)
        gen_sp = np.repeat(sp0[None, :], n_hours, axis=0)
    slack_p0 = np.repeat(model.slack_p0_mw[None, :], n_hours, axis=0)
    if model.slack_index.size and gen_sp.shape[1]:
        gpos = {int(i): k for k, i in enumerate(model.elements["gen"].index)}
        for k, (element, idx) in enumerate(
            zip(model.slack_element, model.slack_index, strict=True)
        ):
            if element == "gen":
                slack_p0[:, k] = gen_sp[:, gpos[int(idx)]]
    return HourlyInjections(
        hours=hours,
        constant_mw=constant,
        parts=tuple(parts),
        slack_p0_mw=slack_p0,
        gen_p_mw=gen_sp,
    )


def _first_non_numeric(table: pd.DataFrame) -> str:
    """Describe the first non-number cell of `table` (" (column c, hour h has value v)")."""
    for col in table.columns:
        numeric = pd.to_numeric(table[col], errors="coerce")
        bad = numeric.isna() & table[col].notna()
        if bad.any():
            hour = bad.idxmax()
            return f" (column {col!r}, hour {hour!r} has value {table.at[hour, col]!r})"
    return ""
