"""The tables of a comparison (:func:`corridor_sim.diff`): inputs, metrics, bottlenecks, flows.

Each is built from two :class:`~corridor_sim.Result` objects (and, when known, their
scenarios) only, so saved results compare as well as fresh runs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.errors import CorridorSimError
from corridor_sim.results.result import Result
from corridor_sim.results.tolerance import magnitude, tolerance

__all__ = ["bottleneck_changes", "changed", "flow_changes", "input_changes", "metric_changes"]

#: Scenario fields compared (from the scenario, or from a result's ``meta``).
FIELDS = ("model", "year", "resolution", "periods", "seed")
#: Key columns of a flow table, in order of preference (the first present is the element).
_ELEMENT = ("element", "branch", "arc")
_PERIOD = ("period", "hour", "snapshot")


def _text(value: Any) -> str:
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True, default=str)
    return "" if value is None else str(value)


def input_changes(ma: Mapping[str, Any], mb: Mapping[str, Any]) -> pd.DataFrame:
    """``input, a, b``: scenario fields, overrides, options, events and resolved parameters.

    `ma` / `mb` describe a run as :func:`corridor_sim.run` records it in ``Result.meta``
    (``model``, ``year``, ``overrides``, ``options``, ``events``...), or a Scenario's fields.
    """
    rows: list[tuple[str, str, str]] = []
    for name in FIELDS:
        va, vb = ma.get(name), mb.get(name)
        if va is not None and vb is not None and va != vb:  # a saved run may lack a field
            rows.append((name, _text(va), _text(vb)))
    for table in ("overrides", "options"):
        da, db = dict(ma.get(table) or {}), dict(mb.get(table) or {})
        for key in sorted(set(da) | set(db)):
            if da.get(key) != db.get(key):
                rows.append((f"{table}.{key}", _text(da.get(key)), _text(db.get(key))))
    ea, eb = list(ma.get("events") or []), list(mb.get("events") or [])
    if ea != eb:
        rows.append(("events", _text(ea), _text(eb)))
    na, nb = ma.get("network"), mb.get("network")
    # a scenario's [network] is a table; a result's meta["network"] is only the network's
    # name (the engine's), so a result and its own scenario compare by table alone
    if isinstance(na, Mapping) and isinstance(nb, Mapping) and dict(na) != dict(nb):
        rows.append(("network", "(A's [network])", "(B's [network])"))
    elif isinstance(na, str) and isinstance(nb, str) and na != nb:
        rows.append(("network", na, nb))
    rows += _parameter_changes(ma, mb)
    return pd.DataFrame(rows, columns=["input", "a", "b"])


def _parameter_changes(ma: Mapping[str, Any], mb: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """Return the resolved parameter values that differ (same model, parameters not overridden)."""
    model = ma.get("model")
    if not model or model != mb.get("model") or ma.get("year") is None or mb.get("year") is None:
        return []
    from corridor_sim.models import get_model

    try:
        table = get_model(str(model)).params
        if table is None:
            return []
        oa, ob = dict(ma.get("overrides") or {}), dict(mb.get("overrides") or {})
        pa, pb = table.resolve(int(ma["year"]), oa), table.resolve(int(mb["year"]), ob)
    except (CorridorSimError, TypeError, ValueError):
        return []  # a saved result of a model (or version) this library cannot resolve
    return [
        (f"parameter {name}", _text(pa[name]), _text(pb[name]))
        for name in table.names
        if name not in oa and name not in ob and pa[name] != pb[name]
    ]


def metric_changes(ra: Result, rb: Result) -> pd.DataFrame:
    """Every summary metric of either run: ``metric, unit, a, b, change, change_pct, element_*``.

    ``change = b - a``; ``change_pct`` is relative to ``|a|`` (NaN when ``a`` is 0 or missing).
    """
    sa = ra.summary().drop_duplicates("metric")
    sb = rb.summary().drop_duplicates("metric")
    merged = sa.merge(sb, on="metric", how="outer", suffixes=("_a", "_b"), sort=False)
    order = list(dict.fromkeys([*sa["metric"], *sb["metric"]]))
    merged = merged.set_index("metric").loc[order].reset_index()
    unit = merged["unit_a"].fillna(merged["unit_b"])
    a, b = merged["value_a"].astype(float), merged["value_b"].astype(float)
    change = (b - a).to_numpy(copy=True)
    scale = np.maximum(np.abs(a.to_numpy()), np.abs(b.to_numpy()))
    change[np.abs(change) <= [tolerance(max(s, 1.0)) for s in np.nan_to_num(scale)]] = 0.0
    change += 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(a != 0, 100.0 * change / a.abs(), np.nan)
    return pd.DataFrame(
        {
            "metric": merged["metric"],
            "unit": unit,
            "a": a,
            "b": b,
            "change": change,
            "change_pct": pct,
            "element_a": merged["element_a"].fillna(""),
            "element_b": merged["element_b"].fillna(""),
        }
    )


def changed(metrics: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`metric_changes` that changed (or that only one run reports)."""
    one_side = metrics["a"].isna() != metrics["b"].isna()
    moved = metrics["change"].fillna(0.0) != 0.0
    other = metrics["element_a"] != metrics["element_b"]
    return metrics[one_side | moved | other].reset_index(drop=True)


def bottleneck_changes(ra: Result, rb: Result) -> pd.DataFrame:
    """``element, rank_a, rank_b, binding_periods_a, binding_periods_b, change``.

    One row per element that binds in either run and whose rank or binding periods differ;
    ``change`` is ``new in B``, ``gone in B`` or ``moved``.
    """
    cols = ["element", "rank_a", "rank_b", "binding_periods_a", "binding_periods_b", "change"]
    ba, bb = ra.bottlenecks, rb.bottlenecks
    if (ba.empty and bb.empty) or "element" not in ba.columns.union(bb.columns):
        return pd.DataFrame(columns=cols)

    def ranked(frame: pd.DataFrame) -> pd.DataFrame:
        if frame.empty or "element" not in frame:
            return pd.DataFrame(columns=["element", "rank", "binding_periods"])
        order = frame.sort_values("rank", kind="stable") if "rank" in frame else frame
        out = order.drop_duplicates("element").reset_index(drop=True)
        rank = pd.Series(np.arange(1, len(out) + 1))  # 1 = binds most (the table's order)
        periods = out.get("binding_periods", np.nan)
        return pd.DataFrame({"element": out["element"], "rank": rank, "binding_periods": periods})

    merged = ranked(ba).merge(ranked(bb), on="element", how="outer", suffixes=("_a", "_b"))
    state = np.where(
        merged["rank_a"].isna(),
        "new in B",
        np.where(merged["rank_b"].isna(), "gone in B", "moved"),
    )
    merged["change"] = state
    same = (merged["rank_a"] == merged["rank_b"]) & (
        merged["binding_periods_a"] == merged["binding_periods_b"]
    )
    out = merged[~same].sort_values(["rank_b", "rank_a"], na_position="last")
    return out.loc[:, cols].reset_index(drop=True)


def _flow_column(frame: pd.DataFrame) -> str | None:
    for col in frame.columns:
        if str(col).startswith("flow_") or col == "p_mw":
            return str(col)
    return None


def flow_changes(ra: Result, rb: Result) -> tuple[pd.DataFrame, str]:
    """Per element, the flow summed over the periods in A and B and its change.

    Volumes (``flow_<unit>`` per period) are summed however the periods are cut (an outage
    splits a month); power (``p_mw``) compares only over the same number of hours. Returns
    the table (``element, unit, a, b, change, change_pct``; the changed elements
    only) and a note: what was compared, or why the flows were not (different elements,
    different periods, no flow table).
    """
    cols = ["element", "unit", "a", "b", "change", "change_pct"]
    fa, fb = ra.flows, rb.flows
    col = _flow_column(fa)
    key = next((k for k in _ELEMENT if k in fa.columns), None)
    if fa.empty or fb.empty or col is None or key is None or col not in fb or key not in fb:
        return pd.DataFrame(columns=cols), "flows not compared: a run has no flow table"
    ea, eb = set(fa[key].astype(str)), set(fb[key].astype(str))
    if ea != eb:
        note = (
            f"flows not compared: A has {len(ea)} elements, B {len(eb)}, "
            f"{len(ea & eb)} in common (a different network)"
        )
        return pd.DataFrame(columns=cols), note
    period = next((k for k in _PERIOD if k in fa.columns and k in fb.columns), None)
    n_a, n_b = (f[period].nunique() if period else 1 for f in (fa, fb))
    if n_a != n_b and not col.startswith("flow_"):  # power: MW summed over unequal hours
        note = f"flows not compared: A has {fa[period].nunique()} periods, B {fb[period].nunique()}"
        return pd.DataFrame(columns=cols), note
    a = fa.groupby(fa[key].astype(str), sort=False)[col].sum()
    b = fb.groupby(fb[key].astype(str), sort=False)[col].sum().reindex(a.index)
    change = (b - a).to_numpy(copy=True)
    change[np.abs(change) <= tolerance(magnitude(a, b))] = 0.0
    change += 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(a.to_numpy() != 0, 100.0 * change / np.abs(a.to_numpy()), np.nan)
    unit = col.removeprefix("flow_") if col.startswith("flow_") else "MW x periods"
    table = pd.DataFrame(
        {"element": a.index, "unit": unit, "a": a.values, "b": b.values, "change": change}
    )
    table["change_pct"] = pct
    moved = table[table["change"] != 0].reset_index(drop=True)
    what = f"{col} summed over " + (
        f"{n_a} periods" if n_a == n_b else f"A's {n_a} and B's {n_b} periods"
    )
    note = f"flows: {len(moved)} of {len(table)} elements changed ({what})"
    return moved.loc[:, cols], note
