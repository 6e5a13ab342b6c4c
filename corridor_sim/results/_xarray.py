"""A :class:`~corridor_sim.Result` as an :class:`xarray.Dataset` and a NetCDF file.

:func:`to_xarray` pivots the per-period tables (one row per ``element`` and ``period``,
every pair present) to ``(snapshot, element)`` arrays and keeps the other tables with a row
dimension of their own, units as attributes; :func:`to_netcdf` writes that Dataset
(netCDF4 when installed, else scipy's NetCDF-3 writer, which needs no compiled library).
xarray is optional: ``pip install 'corridor_sim[export]'``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd

from corridor_sim.errors import ResultError
from corridor_sim.results._export import _json, _need, _version, column_unit
from corridor_sim.results._store import write_file_atomically
from corridor_sim.results.schemas import LABEL_COLUMNS

if TYPE_CHECKING:
    import xarray as xr

    from corridor_sim.results.result import Result

__all__ = ["SEP", "to_netcdf", "to_xarray"]

#: Separator of table and column in Dataset variable names: ``flows__flow_kt``.
SEP = "__"
#: Tables whose axes are the shared ``snapshot`` and ``element`` dimensions when they agree.
STANDARD_ORDER = ("flows", "utilisation", "storage", "unmet", "prices")
#: Columns that label a period (coordinates of the time dimension when constant per period).
TIME_LABELS = ("period", "snapshot", "hour", "period_label", "month", "duration_d", "end_d")


class _Dims:
    """Dimension names shared by tables whose axes agree, table-prefixed where they differ."""

    def __init__(self) -> None:
        self.axes: dict[str, pd.Index] = {}
        self.coords: dict[str, tuple[str, np.ndarray]] = {}

    def axis(self, base: str, table: str, index: pd.Index) -> str:
        for name in (base, f"{table}_{base}"):
            if name in self.coords:
                continue
            known = self.axes.get(name)
            if known is None:
                self.axes[name] = index
                return name
            if known.equals(index):
                return name
        msg = f"table {table!r}: dimension {base!r} named twice"  # pragma: no cover
        raise ResultError(msg)

    def coord(self, name: str, table: str, dim: str, values: np.ndarray) -> None:
        for key in (name, f"{table}{SEP}{name}"):
            if key in self.axes:
                continue
            known = self.coords.get(key)
            if known is None:
                self.coords[key] = (dim, values)
                return
            if known[0] == dim and _same(known[1], values):
                return
        msg = f"table {table!r}: coordinate {name!r} named twice"  # pragma: no cover
        raise ResultError(msg)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return len(a) == len(b) and bool(pd.Series(a).equals(pd.Series(b)))


def _per_period(frame: pd.DataFrame) -> bool:
    """Whether `frame` has one row per (period, element), every pair: a full 2-D grid."""
    if not {"element", "period"} <= set(frame.columns) or frame.empty:
        return False
    pairs = frame["period"].nunique() * frame["element"].nunique()
    return pairs == len(frame) and not frame.duplicated(["period", "element"]).any()


def _constant_by(frame: pd.DataFrame, key: str, col: str) -> bool:
    return bool((frame.groupby(key, sort=False)[col].nunique(dropna=False) <= 1).all())


def _grid_table(name: str, frame: pd.DataFrame, dims: _Dims) -> dict[str, Any]:
    """Variables of a per-period table on (time, element) dimensions."""
    periods = pd.Index(pd.unique(frame["period"]))
    elements = pd.Index(pd.unique(frame["element"]))
    first = frame.drop_duplicates("period").set_index("period").reindex(periods)
    has_time = "snapshot" in frame and pd.api.types.is_datetime64_any_dtype(frame["snapshot"])
    time_key = "period"
    if has_time and _constant_by(frame, "period", "snapshot"):
        time_key = "snapshot"
    axis = pd.Index(first["snapshot"].to_numpy()) if time_key == "snapshot" else periods
    time_dim = dims.axis(time_key, name, axis)
    el_dim = dims.axis("element", name, elements)
    rows = pd.MultiIndex.from_arrays([frame["period"], frame["element"]])
    full = pd.MultiIndex.from_product([periods, elements])
    out: dict[str, Any] = {}
    for col in frame.columns:
        if col in ("element", time_key):
            continue
        if col in TIME_LABELS and _constant_by(frame, "period", col):
            dims.coord(col, name, time_dim, first[col].to_numpy() if col != "period" else periods)
            continue
        if col in LABEL_COLUMNS and _constant_by(frame, "element", col):
            values = frame.drop_duplicates("element").set_index("element")[col]
            dims.coord(col, name, el_dim, values.reindex(elements).to_numpy())
            continue
        series = pd.Series(frame[col].to_numpy(), index=rows).reindex(full)
        grid = series.to_numpy().reshape(len(periods), len(elements)).astype(frame[col].dtype)
        out[f"{name}{SEP}{col}"] = ((time_dim, el_dim), grid, _attrs(name, col))
    return out


def _row_table(name: str, frame: pd.DataFrame) -> dict[str, Any]:
    """Variables of any other table, on a row dimension ``<table>_row``."""
    dim = f"{name}_row"
    return {
        f"{name}{SEP}{col}": ((dim,), frame[col].to_numpy(), _attrs(name, col))
        for col in frame.columns
    }


def _attrs(table: str, col: str) -> dict[str, str]:
    attrs = {"table": table, "column": str(col)}
    unit = column_unit(str(col))
    if unit:
        attrs["units"] = unit
    return attrs


def to_xarray(result: Result) -> xr.Dataset:
    """Return `result` as an :class:`xarray.Dataset`.

    Per-period tables (columns ``element`` and ``period``, one row per pair) become arrays
    on a time dimension and an element dimension: variable ``<table>__<column>`` with
    dims ``(snapshot, element)`` (``period`` where the table has no snapshot). Tables on the
    same snapshots and the same elements share the dimensions; where a table's differ
    (prices by node, flows by arc), its dimension is ``<table>_element`` (or
    ``<table>_snapshot``). Labels constant along an axis become coordinates (``period``,
    ``hour``, ``period_label`` on the time axis; ``source``, ``target``, ``kind`` on the
    element axis). Every other table (and ``summary``) keeps its rows: dimension
    ``<table>_row``, one variable per column. Value columns carry ``units`` (from the
    column name: ``flow_kt`` -> ``kt``), every variable ``table`` and ``column``;
    the Dataset's attributes hold ``model``, ``scenario``, ``year``,
    ``corridor_sim_version`` and ``meta_json`` (all of ``Result.meta``).

    Parameters
    ----------
    result : Result
        What to convert.

    Returns
    -------
    xarray.Dataset
        The variables, coordinates and attributes described above.

    Raises
    ------
    OptionalDependencyError
        Without xarray (``pip install 'corridor_sim[export]'``).

    Examples
    --------
    >>> import corridor_sim as cs
    >>> from corridor_sim.scenarios import example_scenario
    >>> ds = to_xarray(cs.run(example_scenario(name="toy")))
    >>> flow = ds["flows__flow_t"]
    >>> flow.dims, flow.attrs["units"], ds.attrs["scenario"]
    (('snapshot', 'element'), 't', 'toy')
    >>> float(flow.sum())
    2.0
    """
    xr_mod = _need("xarray", "Result.to_xarray")
    dims = _Dims()
    variables: dict[str, Any] = {}
    frames = {**result.tables, "summary": result.summary_table}
    # the standard tables first: they name the shared dimensions
    order = sorted(frames, key=lambda n: n not in STANDARD_ORDER)
    for name in order:
        flat = frames[name].reset_index(drop=True)
        if _per_period(flat):
            variables.update(_grid_table(name, flat, dims))
        else:
            variables.update(_row_table(name, flat))
    coords: dict[str, Any] = {name: (name, index.to_numpy()) for name, index in dims.axes.items()}
    for key, (dim, values) in dims.coords.items():
        if key != dim:
            coords[key] = (dim, values)
    meta = result.meta
    attrs = {
        "model": str(meta.get("model", "")),
        "scenario": str(meta.get("scenario") or meta.get("name") or ""),
        "year": str(meta.get("year", "")),
        "corridor_sim_version": _version(),
        "meta_json": _json(meta),
        "tables": ",".join([*result.tables, "summary"]),
    }
    return xr_mod.Dataset(variables, coords=coords, attrs=attrs)


def _netcdf_ready(ds: xr.Dataset) -> xr.Dataset:
    """Text variables with missing values as ``""`` (NetCDF text has no missing value)."""
    out = ds.copy()
    for key, var in {**out.data_vars, **out.coords}.items():
        if var.dtype == object:
            values = var.to_numpy()
            mask = pd.isna(values)
            if mask.any():
                values = np.where(mask, "", values.astype(str)).astype(object)
            out[key] = var.copy(data=values.astype(str))
    return out


def to_netcdf(
    result: Result, path: str | Path, *, overwrite: bool = False, engine: str | None = None
) -> Path:
    """Write :func:`to_xarray` of `result` to a NetCDF file.

    Parameters
    ----------
    result : Result
        What to write.
    path : str or Path
        The ``.nc`` file; written beside it and renamed into place.
    overwrite : bool, default False
        Replace an existing file.
    engine : {"netcdf4", "scipy"}, optional
        xarray's writer: default ``"netcdf4"`` when the netCDF4 package is installed
        (NetCDF-4 file), else ``"scipy"`` (NetCDF-3, no compiled library needed; 64-bit
        integers are stored as 32-bit ones, which xarray reads back as such).

    Returns
    -------
    Path
        `path`.

    Notes
    -----
    Read it back with ``xarray.open_dataset(path)``; it equals ``result.to_xarray()``
    except that missing text is ``""``. Datetimes are stored as numbers with CF units.

    Raises
    ------
    OptionalDependencyError
        Without xarray, or with ``engine="netcdf4"`` and no netCDF4.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import xarray as xr
    >>> import corridor_sim as cs
    >>> from corridor_sim.scenarios import example_scenario
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.nc"
    >>> _ = to_netcdf(cs.run(example_scenario()), path)
    >>> with xr.open_dataset(path) as ds:
    ...     float(ds["flows__flow_t"].sum()), ds.attrs["model"]
    (2.0, 'commodity')
    """
    _need("xarray", "Result.to_netcdf")
    if engine is None:
        engine = "netcdf4" if importlib.util.find_spec("netCDF4") is not None else "scipy"
    if engine == "netcdf4":
        _need("netCDF4", "Result.to_netcdf(engine='netcdf4')")
    elif engine != "scipy":
        msg = f"engine {engine!r}: expected 'netcdf4' or 'scipy'"
        raise ResultError(msg)
    ds = _netcdf_ready(to_xarray(result))

    checked = cast("Literal['netcdf4', 'scipy']", engine)  # one of the two, checked above

    def write(tmp: Path) -> None:
        ds.to_netcdf(tmp, engine=checked)

    return write_file_atomically(Path(path), write, overwrite=overwrite)
