"""Hand a :class:`~corridor_sim.Result` to other tools: Excel here, xarray in ``_xarray``.

- :func:`to_excel` — one workbook (openpyxl): one sheet per table, ``summary`` and a
  ``meta`` sheet (model, scenario, year, corridor_sim version, every meta field and the
  unit of every value column);
- ``_xarray.to_xarray`` — an :class:`xarray.Dataset`: the per-period tables (one row
  per ``element`` and ``period``) pivoted to ``(snapshot, element)`` arrays, the other
  tables with a row dimension of their own, units as attributes;
- ``_xarray.to_netcdf`` — that Dataset written to a NetCDF file (netCDF4 when installed,
  else scipy's NetCDF3 writer, which needs no compiled library).

openpyxl and xarray are optional: ``pip install 'corridor_sim[export]'``. Files are written
beside the target and renamed into place, like :meth:`~corridor_sim.Result.save`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import json
import math
import re
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridor_sim.errors import OptionalDependencyError, ResultError
from corridor_sim.results._store import check_name, write_file_atomically
from corridor_sim.results.schemas import LABEL_COLUMNS, UNIT_SUFFIXES

if TYPE_CHECKING:
    from corridor_sim.results.result import Result

__all__ = ["column_unit", "to_excel"]

#: Rows of one Excel sheet (header included).
EXCEL_MAX_ROWS = 1_048_576

#: How unit suffixes read as units (anything else: upper-case as written).
_UNIT_TEXT = {
    "pct": "%",
    "pu": "p.u.",
    "mw": "MW",
    "kw": "kW",
    "gw": "GW",
    "mwh": "MWh",
    "gwh": "GWh",
    "twh": "TWh",
    "mva": "MVA",
    "mvar": "Mvar",
    "kv": "kV",
    "ka": "kA",
    "degree": "degree",
    "deg": "degree",
    "t": "t",
    "kt": "kt",
    "mt": "Mt",
    "bbl": "bbl",
    "mbbl": "Mbbl",
    "teu": "TEU",
    "bcm": "bcm",
    "mcm": "mcm",
    "m3": "m3",
    "km": "km",
    "h": "h",
    "hours": "h",
    "d": "d",
    "days": "d",
    "yr": "yr",
    "usd": "USD",
    "eur": "EUR",
    "kusd": "kUSD",
    "keur": "kEUR",
    "musd": "MUSD",
    "meur": "MEUR",
    "busd": "BUSD",
    "beur": "BEUR",
    "cu": "cost unit",
}
_ONE = "|".join(sorted(UNIT_SUFFIXES, key=len, reverse=True))
_UNIT_AT_END = re.compile(rf"(?:^|_)((?:{_ONE})(?:_per_(?:{_ONE}))*)$")


def column_unit(column: str) -> str:
    """Return the unit of a value column from its name's ending (``""`` for labels and counts).

    Examples
    --------
    >>> column_unit("flow_kt"), column_unit("shadow_price_eur_per_mwh"), column_unit("element")
    ('kt', 'EUR/MWh', '')
    >>> column_unit("loading_pct"), column_unit("gas_need_bcm_per_yr")
    ('%', 'bcm/yr')
    """
    name = str(column)
    if name in LABEL_COLUMNS:
        return ""
    match = _UNIT_AT_END.search(name)
    if match is None:
        return ""
    return "/".join(_UNIT_TEXT.get(part, part) for part in match.group(1).split("_per_"))


def _need(module: str, what: str) -> Any:  # a module
    """Import optional `module` or raise naming the extra that installs it."""
    if importlib.util.find_spec(module) is None:
        msg = (
            f"{what} needs the optional package {module!r}, which is not installed: "
            "pip install 'corridor_sim[export]' (openpyxl, xarray, netCDF4)"
        )
        raise OptionalDependencyError(msg)
    return importlib.import_module(module)


def _version() -> str:
    try:
        return version("corridor_sim")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _meta_rows(result: Result) -> list[tuple[str, str, Any]]:
    """Rows ``(section, name, value)`` of the ``meta`` sheet."""
    meta = result.meta
    rows: list[tuple[str, str, Any]] = [
        ("meta", "model", str(meta.get("model", ""))),
        ("meta", "scenario", str(meta.get("scenario") or meta.get("name") or "")),
        ("meta", "year", meta.get("year", "")),
        ("meta", "corridor_sim_version", _version()),
    ]
    shown = {"model", "scenario", "name", "year"}
    for key, value in meta.items():
        if key in shown:
            continue
        text = value if isinstance(value, (str, int, float, bool)) else _json(value)
        rows.append(("meta", str(key), text))
    frames = {**result.tables, "summary": result.summary_table}
    for name, frame in frames.items():
        for col in frame.columns:
            unit = column_unit(str(col))
            if unit:
                rows.append(("unit", f"{name}.{col}", unit))
    return rows


def _json(value: object) -> str:
    return json.dumps(value, default=str, sort_keys=True)


def _cell(value: Any) -> Any:  # one cell of any column
    """Return the value openpyxl writes: Python scalars, naive datetimes, None for missing."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:  # Excel has no time zones: UTC, as written in meta
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return stamp.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else str(value)
    if isinstance(value, (str, int, float, bool, dt.date)):
        return value
    return str(value)


def _cells(column: pd.Series) -> list[Any]:
    """Return the cells of one column (whole numeric columns at once; others cell by cell)."""
    kind = column.dtype
    exact = pd.api.types.is_bool_dtype(kind) or pd.api.types.is_integer_dtype(kind)
    if exact and not column.isna().any():
        return column.to_numpy().tolist()
    if pd.api.types.is_float_dtype(kind):
        values = column.to_numpy(dtype=float)
        cells = values.astype(object)
        cells[np.isnan(values)] = None
        cells[np.isposinf(values)] = "inf"  # Excel has no infinity: text, as pandas writes it
        cells[np.isneginf(values)] = "-inf"
        return cells.tolist()
    return [_cell(v) for v in column.to_numpy(dtype=object)]


def _sheet_names(names: list[str]) -> dict[str, str]:
    """Excel sheet name (at most 31 characters, unique) of every table."""
    out: dict[str, str] = {}
    used = {"summary", "meta"}
    for name in names:
        sheet = re.sub(r"[\[\]:*?/\\']", "_", name)[:31]
        k = 1
        while sheet.lower() in used:
            suffix = f"~{k}"
            sheet, k = name[: 31 - len(suffix)] + suffix, k + 1
        used.add(sheet.lower())
        out[name] = sheet
    return out


def to_excel(
    result: Result,
    path: str | Path,
    *,
    overwrite: bool = False,
    tables: Iterable[str] | None = None,
) -> Path:
    """Write `result` to one Excel workbook: a sheet per table, ``summary`` and ``meta``.

    Parameters
    ----------
    result : Result
        What to write.
    path : str or Path
        The ``.xlsx`` file; written beside it and renamed into place.
    overwrite : bool, default False
        Replace an existing file.
    tables : iterable of str, optional
        Write only these tables (``summary`` and ``meta`` always); default all. An hourly
        year of a power model holds some 10^5 rows per table, which openpyxl writes at
        about 10^4 rows a second: pick the tables, or use :func:`to_netcdf`.

    Returns
    -------
    Path
        `path`.

    Raises
    ------
    OptionalDependencyError
        Without openpyxl (``pip install 'corridor_sim[export]'``).
    ResultError
        If a table has more rows than a sheet holds (1,048,575; use :func:`to_netcdf`),
        or `path` exists without `overwrite`.

    Notes
    -----
    Sheets are named after the tables (cut to Excel's 31 characters). Floats keep 16
    significant digits (openpyxl's text form; Excel itself shows 15). Missing values are
    empty cells (so are empty strings when read back); infinities are the text ``inf``;
    datetimes are written without time zone (UTC). The ``meta`` sheet has columns
    ``section`` (``meta`` or ``unit``), ``name`` and ``value``: the model, scenario, year
    and corridor_sim version, every other meta field (JSON for nested ones) and the unit
    of every value column (``flows.flow_kt`` -> ``kt``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> import corridor_sim as cs
    >>> from corridor_sim.scenarios import example_scenario
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.xlsx"
    >>> _ = to_excel(cs.run(example_scenario()), path, tables=["flows"])
    >>> sheets = pd.read_excel(path, sheet_name=None)
    >>> list(sheets), sheets["flows"]["flow_t"].astype(float).tolist()
    (['flows', 'summary', 'meta'], [2.0])
    """
    openpyxl = _need("openpyxl", "Result.to_excel")
    target = Path(path)
    chosen = list(result.tables) if tables is None else [str(t) for t in tables]
    for name in chosen:
        check_name(name)
        result.table(name)  # an unknown name raises, listing the tables there are
    frames = {**{n: result.tables[n] for n in chosen}, "summary": result.summary_table}
    for name, frame in frames.items():
        if len(frame) >= EXCEL_MAX_ROWS:
            msg = (
                f"table {name!r} has {len(frame):,} rows; an Excel sheet holds "
                f"{EXCEL_MAX_ROWS - 1:,}: write it with Result.to_netcdf() or Result.save()"
            )
            raise ResultError(msg)
    sheets = {**_sheet_names(chosen), "summary": "summary"}

    def write(tmp: Path) -> None:
        book = openpyxl.Workbook(write_only=True)
        for name, frame in frames.items():
            sheet = book.create_sheet(sheets[name])
            sheet.append([str(c) for c in frame.columns])
            columns = [_cells(frame.iloc[:, i]) for i in range(frame.shape[1])]
            for row in zip(*columns, strict=True):
                sheet.append(row)
        meta = book.create_sheet("meta")
        meta.append(["section", "name", "value"])
        for row in _meta_rows(result):
            meta.append([_cell(v) for v in row])
        with tmp.open("wb") as handle:
            book.save(handle)

    return write_file_atomically(target, write, overwrite=overwrite)
