"""One schema for the result tables of every model and engine, declared with pandera.

The standard tables share key columns, so the tables of two scenarios of any models
concatenate into one DataFrame (add a ``scenario`` column) without renaming:

==============  ===============================================  =========================
table           keys                                             values (at least one)
==============  ===============================================  =========================
``flows``       ``element``, ``period``, ``snapshot``            ``flow_<unit>``, ``p_mw``
``utilisation`` ``element``, ``period``, ``snapshot``            ``utilisation_pct``
``prices``      ``element``, ``period``, ``snapshot``            ``price_<unit>``
``unmet``       ``element``, ``period``, ``snapshot``            ``unmet_<unit>``
``storage``     ``element``, ``period``, ``snapshot``            ``level_<unit>``
``bottlenecks`` ``rank``, ``element``                            ``binding_periods``
``summary``     ``metric`` (a stable identifier, unique)         ``value``, ``unit``
==============  ===============================================  =========================

- ``element`` (str) is the id of an arc, link, line, node, bus or hub; ``period`` (int) the
  0-based period of the horizon; ``snapshot`` (datetime64) the start of that period, as
  PyPSA's snapshots. Results of an engine run on a profile without dates may leave
  ``snapshot`` out.
- Every other column is a label from :data:`LABEL_COLUMNS` or a value whose name ends with
  its unit (``flow_kt``, ``p_mw``, ``loading_pct``, ``shadow_price_usd_per_t``); see
  :data:`UNIT_SUFFIXES`.
- Summary metric names carry no data (no link id, hour or site in the name): the
  ``element`` column of the summary says which element a metric is about.

:func:`validate` checks a :class:`~corridor_sim.Result` against these rules; the tests run it
on every example of every model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from corridor_sim.errors import SchemaError

if TYPE_CHECKING:
    from corridor_sim.results.result import Result

__all__ = [
    "KEY_COLUMNS",
    "LABEL_COLUMNS",
    "STANDARD_TABLES",
    "UNIT_SUFFIXES",
    "check_table",
    "concat",
    "schema",
    "unit_suffix",
    "validate",
]

#: Tables every model result shares, with their required value-column pattern.
STANDARD_TABLES: dict[str, str] = {
    "flows": r"^(flow_.+|p_mw)$",
    "utilisation": r"^utilisation_pct$",
    "prices": r"^price_.+$",
    "unmet": r"^unmet_.+$",
    "storage": r"^level_.+$",
    "bottlenecks": r"^binding_periods$",
}

#: Key columns of the per-period standard tables.
KEY_COLUMNS: tuple[str, ...] = ("element", "period", "snapshot")

#: Columns that carry no quantity (ids, labels, flags); every other column ends with a unit.
LABEL_COLUMNS: frozenset[str] = frozenset(
    {
        "element",
        "element_type",
        "element_index",
        "period",
        "snapshot",
        "period_label",
        "hour",
        "month",
        "kind",
        "carrier",
        "origin",
        "source",
        "target",
        "label",
        "route",
        "country",
        "site",
        "rank",
        "binding",
        "bottleneck",
        "export_route",
        "at_limit",
        "binding_periods",
        "binding_period_labels",
        "periods",
        "metric",
        "value",
        "unit",
        "scenario",
    }
)

#: Unit endings of value columns (``_per_`` joins two: ``usd_per_t``, ``eur_per_mwh``).
UNIT_SUFFIXES: tuple[str, ...] = (
    "pct",
    "pu",
    "mw",
    "kw",
    "gw",
    "mwh",
    "gwh",
    "twh",
    "mva",
    "mvar",
    "kv",
    "ka",
    "degree",
    "deg",
    "t",
    "kt",
    "mt",
    "bbl",
    "mbbl",
    "teu",
    "bcm",
    "mcm",
    "m3",
    "km",
    "h",
    "d",
    "days",
    "hours",
    "yr",
    "usd",
    "eur",
    "kusd",
    "keur",
    "musd",
    "meur",
    "busd",
    "beur",
    "mwh_per_mw",
    "cu",
)

_UNIT_RE = "|".join(sorted(UNIT_SUFFIXES, key=len, reverse=True))
_METRIC_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def unit_suffix(unit: str) -> str:
    """Column-name form of a unit: ``"kt"`` -> ``"kt"``, ``"Mt/yr"`` -> ``"mt_per_yr"``.

    Examples
    --------
    >>> unit_suffix("USD/t"), unit_suffix("EUR/MWh"), unit_suffix("m3")
    ('usd_per_t', 'eur_per_mwh', 'm3')
    """
    text = str(unit).strip().lower().replace("%", "pct").replace("/", "_per_")
    text = re.sub(r"[^a-z0-9_]+", "_", text)
    return re.sub(r"_+", "_", text).strip("_") or "units"


def _value_re(extra_units: Iterable[str] = ()) -> re.Pattern[str]:
    units = _UNIT_RE + "".join(f"|{re.escape(unit_suffix(u))}" for u in extra_units if u)
    unit = f"(?:{units})"
    return re.compile(rf"^[a-z][a-z0-9_]*_{unit}(?:_per_{unit})*$|^(?:{units})$")


def schema(name: str, *, require_snapshot: bool = True) -> Any:  # pandera type
    """Return the pandera schema of standard table `name` (keys, dtypes, bounds).

    pandera is imported on first use (it comes with pandapower).
    """
    import pandera.pandas as pa  # 0.6 s to import; only when validating

    if name == "summary":
        return pa.DataFrameSchema(
            {
                "metric": pa.Column(str, pa.Check.str_matches(_METRIC_RE.pattern), unique=True),
                "value": pa.Column(float, nullable=True),
                "unit": pa.Column(str),
                "element": pa.Column(str, required=False),
            },
            strict=True,
            name="summary",
        )
    if name == "bottlenecks":
        return pa.DataFrameSchema(
            {
                "rank": pa.Column(int, pa.Check.ge(1)),
                "element": pa.Column(str),
                "binding_periods": pa.Column(int, pa.Check.ge(0)),
            },
            strict=False,
            name="bottlenecks",
        )
    if name not in STANDARD_TABLES:
        msg = f"no schema for table {name!r}; standard tables: {', '.join(STANDARD_TABLES)}"
        raise SchemaError(msg)
    columns: dict[str, Any] = {
        "element": pa.Column(str),
        "period": pa.Column(int, pa.Check.ge(0)),
        "snapshot": pa.Column("datetime64[ns]", required=require_snapshot),
        STANDARD_TABLES[name]: pa.Column(float, regex=True, nullable=True),
    }
    return pa.DataFrameSchema(columns, strict=False, name=name)


def check_table(
    name: str,
    frame: pd.DataFrame,
    *,
    require_snapshot: bool = True,
    units: Iterable[str] = (),
) -> None:
    """Check one table: its schema if it is standard, and unit-suffixed column names.

    Raises
    ------
    SchemaError
        Naming the table, the column and what was expected.
    """
    import pandera.errors as pa_errors

    value_re = _value_re(units)
    bad = [
        c
        for c in frame.columns
        if not isinstance(c, str) or (c not in LABEL_COLUMNS and not value_re.match(c))
    ]
    if name in (*STANDARD_TABLES, "summary") and bad:
        msg = (
            f"table {name!r}: column {bad[0]!r} is neither a label "
            f"({', '.join(sorted(LABEL_COLUMNS)[:6])}, ...) nor a value named with its unit "
            "(e.g. flow_kt, p_mw, loading_pct)"
        )
        raise SchemaError(msg)
    if name not in (*STANDARD_TABLES, "summary"):
        return
    if name in STANDARD_TABLES and name != "bottlenecks" and frame.empty and not len(frame.columns):
        return  # a table the run did not produce
    pattern = STANDARD_TABLES.get(name)
    if pattern and not any(re.match(pattern, str(c)) for c in frame.columns):
        msg = f"table {name!r}: no value column matching {pattern} (columns {list(frame.columns)})"
        raise SchemaError(msg)
    try:
        schema(name, require_snapshot=require_snapshot).validate(frame, lazy=False)
    except (pa_errors.SchemaError, pa_errors.SchemaErrors) as err:
        first = str(err).strip().splitlines()[0]
        msg = f"table {name!r}: {first}"
        raise SchemaError(msg) from err


def validate(result: Result, *, require_snapshot: bool | None = None) -> Result:
    """Check every standard table and the summary of `result`; return it unchanged.

    Parameters
    ----------
    result : Result
        A model or engine result.
    require_snapshot : bool, optional
        Whether per-period tables need a ``snapshot`` column; by default they do for
        model results (``meta["model"]`` names a registered model) and for any table
        whose periods have dates.

    Raises
    ------
    SchemaError
        The first table, column or value that breaks the schema.
    """
    units = [str(result.meta.get("unit", ""))]
    need = bool(result.meta.get("calendar", True)) if require_snapshot is None else require_snapshot
    for name, frame in result.tables.items():
        check_table(name, frame, require_snapshot=need, units=units)
    check_table("summary", result.summary_table, units=units)
    return result


def concat(results: Iterable[tuple[str, Result]], table: str) -> pd.DataFrame:
    """One table of several results, stacked with a ``scenario`` column first.

    Examples
    --------
    >>> from corridor_sim.results.result import Result
    >>> a = Result({"unmet": pd.DataFrame({"element": ["x"], "unmet_kt": [1.0]})})
    >>> concat([("a", a), ("b", a)], "unmet")["scenario"].tolist()
    ['a', 'b']
    """
    frames = []
    for label, result in results:
        frame = result.tables.get(table, pd.DataFrame())
        frames.append(frame.assign(scenario=label)[["scenario", *frame.columns]])
    return pd.concat(frames, ignore_index=True)
