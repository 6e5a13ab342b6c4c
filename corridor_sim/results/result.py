"""The :class:`Result` container: tidy tables, a summary and metadata.

A Result is what every engine and scenario run hands back. Its tables are
long-format pandas DataFrames (one row per element and period, value columns
carrying their unit in the name) so that results of many scenarios concatenate
and pivot without reshaping.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd

from corridor_sim.errors import ResultError, UnknownNameError, suggest
from corridor_sim.results._store import (
    FORMAT_VERSION,
    MANIFEST,
    check_format,
    check_name,
    sha256,
    write_atomically,
)
from corridor_sim.results.display import html_card, one_line
from corridor_sim.results.numbers import format_frame
from corridor_sim.results.tolerance import clean_summary

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["SUMMARY_COLUMNS", "Result", "summary_frame"]

#: Columns of :meth:`Result.summary`: a stable metric identifier, its value and unit, and
#: the element the metric is about ("" for the scenario as a whole).
SUMMARY_COLUMNS = ("metric", "value", "unit", "element")

#: Tables that every Result exposes as attributes (empty DataFrame when absent).
STANDARD_TABLES = ("flows", "utilisation", "bottlenecks", "prices", "unmet", "storage")


def summary_frame(
    rows: list[tuple[str, float, str]] | list[tuple[str, float, str, str]] | pd.DataFrame,
) -> pd.DataFrame:
    """Build a summary DataFrame with columns ``metric``, ``value``, ``unit``, ``element``.

    Parameters
    ----------
    rows : list of (metric, value, unit[, element]) tuples, or DataFrame
        The summary rows; `element` (which link, site or node the metric is about) is
        ``""`` when left out. Metric names are stable identifiers: data such as a link id
        belongs in `element`, not in the name.

    Returns
    -------
    pandas.DataFrame
        Columns ``metric`` (str), ``value`` (float), ``unit`` (str), ``element`` (str).

    Examples
    --------
    >>> summary_frame([("delivered", 1.7, "Mt"), ("first_bottleneck_periods", 3, "months", "btc")])
                         metric  value    unit element
    0                 delivered    1.7      Mt
    1  first_bottleneck_periods    3.0  months     btc
    """
    if isinstance(rows, pd.DataFrame):
        frame = rows.copy()
        if "element" not in frame:
            frame["element"] = ""
        frame = frame.loc[:, list(SUMMARY_COLUMNS)]
    else:
        padded = [(*r, "") if len(r) == 3 else tuple(r) for r in rows]
        frame = pd.DataFrame(padded, columns=list(SUMMARY_COLUMNS))
    frame["value"] = frame["value"].astype(float)
    for col in ("metric", "unit", "element"):
        frame[col] = frame[col].fillna("").astype(str)
    return frame.reset_index(drop=True)


def _jsonable(value: Any) -> Any:  # metadata is free-form
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return f if math.isfinite(f) else str(f)
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, Path):
        return str(value)
    return str(value)


@dataclass
class Result:
    """Outcome of a simulation: named tidy tables, a summary and metadata.

    Parameters
    ----------
    tables : dict of str to DataFrame
        The result tables, e.g. ``flows``, ``utilisation``, ``bottlenecks``,
        ``prices``, ``unmet``, ``storage`` and any model-specific ones.
    summary_table : DataFrame, optional
        Headline figures with columns ``metric``, ``value``, ``unit``.
    meta : dict, optional
        Free-form metadata (model, year, scenario name, seed, solver status).

    Notes
    -----
    The six standard tables are reachable as attributes (``result.flows``);
    a table the run did not produce is an empty DataFrame. Other tables are
    reached with :meth:`table` or by attribute as well.

    Examples
    --------
    >>> import pandas as pd
    >>> r = Result({"flows": pd.DataFrame({"arc": ["a"], "flow_kt": [1.0]})})
    >>> r.flows.loc[0, "flow_kt"]
    np.float64(1.0)
    >>> r.summary().columns.tolist()
    ['metric', 'value', 'unit', 'element']
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    summary_table: pd.DataFrame = field(default_factory=lambda: summary_frame([]))
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, frame in self.tables.items():
            if not isinstance(frame, pd.DataFrame):
                msg = (
                    f"Result table {name!r} is a {type(frame).__name__}: "
                    "expected a pandas DataFrame"
                )
                raise TypeError(msg)
        # round-off of the solver and of the model's sums is not a finding (results.tolerance)
        self.summary_table = clean_summary(summary_frame(self.summary_table))

    # -- access ---------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """Return the table called `name`.

        Raises
        ------
        UnknownNameError
            If the Result has no such table; the message lists the ones it has.
        """
        try:
            return self.tables[name]
        except KeyError:
            msg = f"Result has no table {name!r}: {suggest(name, self.tables)}"
            raise UnknownNameError(msg) from None

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_") or name in {"tables", "summary_table", "meta"}:
            raise AttributeError(name)
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        if name in STANDARD_TABLES:
            return pd.DataFrame()
        msg = f"Result has no attribute or table {name!r}: {suggest(name, tables)}"
        raise AttributeError(msg)

    def summary(self) -> pd.DataFrame:
        """Headline figures as a DataFrame with columns ``metric``, ``value``, ``unit``."""
        return self.summary_table.copy()

    def metric(self, name: str) -> float:
        """Return the value of one summary metric.

        Raises
        ------
        UnknownNameError
            If no summary row has that metric name.
        """
        rows = self.summary_table.loc[self.summary_table["metric"] == name, "value"]
        if rows.empty:
            msg = (
                f"summary has no metric {name!r}: "
                f"{suggest(name, self.summary_table['metric'].tolist())}"
            )
            raise UnknownNameError(msg)
        return float(rows.iloc[0])

    # -- display ----------------------------------------------------------------
    def _display_fields(self) -> list[tuple[str, Any]]:
        meta = self.meta
        return [
            ("model", meta.get("model")),
            ("scenario", meta.get("scenario") or meta.get("name")),
            ("year", meta.get("year")),
        ]

    def __repr__(self) -> str:
        """One line: model, scenario, year and the tables with their row counts."""
        return one_line(type(self).__name__, self._display_fields(), tables=self.tables)

    def __str__(self) -> str:
        """Return the ``repr`` line, then the summary with numbers for reading (``print(result)``).

        Values are written by :func:`corridor_sim.results.numbers.format_number` (significant
        figures, thousands separators, integers as integers); :meth:`save` keeps every digit.
        """
        head = repr(self)
        if self.summary_table.empty:
            return head
        with pd.option_context("display.max_rows", 500, "display.width", 160):
            table = format_frame(self.summary_table).to_string(index=False)
        return f"{head}\n{table}"

    def _repr_html_(self) -> str:
        """Return a card for notebooks: what the run was, its summary and its tables."""
        meta = self.meta
        skip = {"model", "scenario", "name", "year", "description"}
        rows = self._display_fields() + [
            (str(k), v) for k, v in meta.items() if k not in skip and not isinstance(v, Mapping)
        ]
        return html_card(
            type(self).__name__,
            rows,
            tables=self.tables,
            summary=self.summary_table,
            subtitle=str(meta.get("description") or ""),
        )

    def __dir__(self) -> list[str]:
        """Attributes and the names of the tables (so tab completion offers them)."""
        names = {n for n in self.tables if str(n).isidentifier()}
        return sorted(set(super().__dir__()) | names)

    # -- persistence ------------------------------------------------------------
    def save(
        self,
        directory: str | Path,
        *,
        overwrite: bool = False,
        extra: Callable[[Path], None] | None = None,
    ) -> Path:
        """Write every table as CSV, plus ``summary.csv`` and ``meta.json``, atomically.

        The folder is written beside `directory` and moved into place in one step, so a
        process killed during the save leaves the earlier result or the new one, complete.
        ``meta.json`` lists every file with its rows and SHA-256; :meth:`load` checks them.
        Floats are written in full (shortest round-trip form) and read back exactly.

        Parameters
        ----------
        directory : str or Path
            Created if missing; may be an empty folder.
        overwrite : bool, default False
            Replace an earlier corridor_sim result in `directory`. A folder holding any
            other files is never written into.
        extra : callable, optional
            ``extra(folder)`` writes further files (figures) into the new folder before it
            is moved into place, so they arrive with the tables or not at all.

        Returns
        -------
        Path
            The directory written.

        Raises
        ------
        ResultError
            If `directory` holds other files, or an earlier result without `overwrite`,
            or a table name would leave the folder.
        """
        for name in self.tables:
            check_name(name)

        def write(folder: Path) -> None:
            self._write(folder)
            if extra is not None:
                extra(folder)

        return write_atomically(Path(directory), write, overwrite=overwrite)

    def _write(self, out: Path) -> None:
        files: dict[str, dict[str, Any]] = {}
        dtypes: dict[str, dict[str, str]] = {}
        no_missing: dict[str, list[str]] = {}
        frames = {**self.tables, "summary": self.summary_table}
        for name, frame in frames.items():
            flat = frame.reset_index(drop=True)
            path = out / f"{name}.csv"
            flat.to_csv(path, index=False)
            files[f"{name}.csv"] = {"rows": len(flat), "sha256": sha256(path)}
            dtypes[name] = {str(c): str(t) for c, t in flat.dtypes.items()}
            # text columns without missing values: an empty cell is "" on load, not None
            no_missing[name] = [
                str(c) for c in flat.columns if flat[c].dtype == object and flat[c].notna().all()
            ]
        payload = {
            "format": "corridor_sim.result",
            "format_version": FORMAT_VERSION,
            "meta": _jsonable(self.meta),
            "tables": list(self.tables),
            "files": files,
            "dtypes": dtypes,
            "text_without_missing": no_missing,
        }
        (out / MANIFEST).write_text(json.dumps(payload, indent=2), encoding="utf-8")

    # -- hand-over to other tools -----------------------------------------------------
    def to_excel(
        self,
        path: str | Path,
        *,
        overwrite: bool = False,
        tables: Iterable[str] | None = None,
    ) -> Path:
        """Write one Excel workbook: a sheet per table, ``summary`` and ``meta`` (openpyxl).

        The same as :func:`corridor_sim.export.to_excel` (``meta`` sheet: model, scenario,
        year, version, every meta field and the unit of every value column).

        Parameters
        ----------
        path : str or Path
            The ``.xlsx`` file; written beside it and renamed into place.
        overwrite : bool, default False
            Replace an existing file.
        tables : iterable of str, optional
            Only these tables (``summary`` and ``meta`` always); default all.

        Returns
        -------
        Path
            `path`.

        Raises
        ------
        OptionalDependencyError
            Without openpyxl: ``pip install 'corridor_sim[export]'``.
        ResultError
            A table longer than a sheet holds, or `path` exists without `overwrite`.

        Examples
        --------
        >>> import pandas as pd, tempfile, pathlib
        >>> r = Result({"flows": pd.DataFrame({"element": ["a"], "flow_kt": [1.0]})})
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "run.xlsx"
        >>> r.to_excel(path).name
        'run.xlsx'
        """
        from corridor_sim.results._export import to_excel  # optional deps

        return to_excel(self, path, overwrite=overwrite, tables=tables)

    def to_xarray(self) -> xr.Dataset:
        """Return the tables as an :class:`xarray.Dataset` (per-period tables as 2-D arrays).

        Per-period tables become ``<table>__<column>`` arrays on ``(snapshot, element)``,
        other tables keep a row dimension ``<table>_row``; value columns carry ``units``.
        See :func:`corridor_sim.results._xarray.to_xarray`. Needs xarray
        (``pip install 'corridor_sim[export]'``).
        """
        from corridor_sim.results._xarray import to_xarray  # optional deps

        return to_xarray(self)

    def to_netcdf(
        self, path: str | Path, *, overwrite: bool = False, engine: str | None = None
    ) -> Path:
        """Write :meth:`to_xarray` to a NetCDF file (netCDF4 when installed, else scipy).

        Read back with ``xarray.open_dataset(path)`` (``engine="scipy"`` for a file written
        by scipy). See :func:`corridor_sim.results._xarray.to_netcdf`.
        """
        from corridor_sim.results._xarray import to_netcdf  # optional deps

        return to_netcdf(self, path, overwrite=overwrite, engine=engine)

    @classmethod
    def load(cls, directory: str | Path) -> Self:
        """Read a Result written by :meth:`save`, checking it is whole.

        Raises
        ------
        ResultError
            If the folder is not a saved result, its manifest names another format or
            major format version, or a file is missing, altered (its SHA-256 or row count
            differs from ``meta.json``) or named outside the folder.

        Warns
        -----
        UserWarning
            For a newer minor format version (it loads; unknown fields are ignored).
        """
        src = Path(directory)
        meta_path = src / MANIFEST
        if not meta_path.is_file():
            msg = f"{src}: no meta.json here; expected a directory written by Result.save()"
            raise ResultError(msg)
        try:
            payload = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            msg = f"{meta_path}: not a readable result manifest ({err})"
            raise ResultError(msg) from err
        if isinstance(payload, dict):
            check_format(meta_path, payload, "corridor_sim.result")
        if not isinstance(payload, dict) or not isinstance(payload.get("tables"), list):
            msg = f"{meta_path}: no list of tables; expected a manifest written by Result.save()"
            raise ResultError(msg)
        names = [check_name(n, where=f"{meta_path.name}: table") for n in payload["tables"]]
        _verify(src, payload, names)
        tables = {name: _read_table(src, name, payload) for name in names}
        summary = _read_table(src, "summary", payload)
        return cls(tables=tables, summary_table=summary, meta=payload.get("meta", {}))

    def equals(self, other: Result, *, rtol: float = 1e-9) -> bool:
        """Return True when both Results have the same tables and summary (floats within `rtol`)."""
        if set(self.tables) != set(other.tables):
            return False
        pairs = [(self.tables[k], other.tables[k]) for k in self.tables]
        pairs.append((self.summary_table, other.summary_table))
        for left, right in pairs:
            try:
                pd.testing.assert_frame_equal(
                    left.reset_index(drop=True),
                    right.reset_index(drop=True),
                    check_dtype=False,
                    rtol=rtol,
                )
            except AssertionError:
                return False
        return True


def _verify(src: Path, payload: Mapping[str, Any], names: list[str]) -> None:
    """Refuse a folder whose files do not match its manifest (a save interrupted or mixed)."""
    files = payload.get("files")
    if not isinstance(files, Mapping):
        msg = f"{src}: meta.json lists no files; expected a folder written by Result.save()"
        raise ResultError(msg)
    wanted = {f"{n}.csv" for n in [*names, "summary"]}
    if set(files) != wanted:
        msg = f"{src}: meta.json lists {sorted(files)}, expected {sorted(wanted)}"
        raise ResultError(msg)
    for fname, info in files.items():
        path = src / fname
        if not path.is_file():
            msg = f"{src}: {fname} is missing; the folder does not hold the whole result"
            raise ResultError(msg)
        if sha256(path) != info.get("sha256"):
            msg = (
                f"{src}: {fname} differs from the file this result saved (checksum); the folder "
                "mixes results or was edited"
            )
            raise ResultError(msg)


def _read_table(src: Path, name: str, payload: Mapping[str, Any]) -> pd.DataFrame:
    types = payload.get("dtypes", {}).get(name, {})
    full_text = payload.get("text_without_missing", {}).get(name, ())
    path = src / f"{name}.csv"
    text_cols = {c: str for c, kind in types.items() if kind in ("object", "str", "string")}
    if path.stat().st_size <= 1:
        return pd.DataFrame()
    # pandas writes a missing value as an empty cell; only that cell is missing, so names
    # such as "NA", "null" or "nan" come back as the strings they were; floats are parsed
    # with round-trip precision, so they come back bit for bit
    frame = pd.read_csv(
        path,
        dtype=text_cols,
        keep_default_na=False,
        na_values=[""],
        float_precision="round_trip",
    )
    rows = payload.get("files", {}).get(f"{name}.csv", {}).get("rows")
    if rows is not None and len(frame) != rows:
        msg = f"{src}: {name}.csv has {len(frame)} rows, meta.json says {rows}"
        raise ResultError(msg)
    for col, kind in types.items():
        if col not in frame.columns:
            continue
        if kind.startswith("datetime"):
            frame[col] = pd.to_datetime(frame[col]).astype(kind)
        elif kind in ("object", "str", "string"):
            fill = "" if col in full_text else None
            frame[col] = frame[col].astype(object).where(frame[col].notna(), fill)
        elif kind == "bool" and frame[col].dtype == object:
            frame[col] = frame[col].map({"True": True, "False": False}).astype(bool)
        else:
            frame[col] = frame[col].astype(kind)
    return frame
