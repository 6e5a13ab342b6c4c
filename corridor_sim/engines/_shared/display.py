"""How the engines' results show themselves: one ``repr`` line and an HTML card.

:class:`~corridor_sim.engines.power.DCFlowResult`, :class:`~corridor_sim.engines.power.N1Result`,
:class:`~corridor_sim.engines.dispatch.DispatchResult` and
:class:`~corridor_sim.engines.commodity.MaxFlowResult` call these; the fields are cheap to
compute (no tidy tables are built), so showing a year of hours stays instant. The layout
comes from :mod:`corridor_sim.results.display`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.engines._shared.tidy import ids_of
from corridor_sim.results.display import html_card, one_line

# The result classes import this module, so it names them only in annotations' text (no
# import, not even under TYPE_CHECKING: tests/test_power_n1.py counts those as edges too).
DCFlowResult = N1Result = DispatchResult = MaxFlowResult = Any

__all__ = ["dcflow_tables", "engine_html", "engine_repr", "fields"]

#: Rows of the worst-case table shown in an N-1 card.
CARD_WORST_ROWS = 10


def _span(hours: pd.Index) -> str:
    """``"48 (2030-01-01 00:00 … 2030-01-02 23:00)"`` or ``"24 (0 … 23)"``."""
    if len(hours) == 0:
        return "0"
    first, last = hours[0], hours[-1]
    if isinstance(first, pd.Timestamp):
        return f"{len(hours)} ({first:%Y-%m-%d %H:%M} … {last:%Y-%m-%d %H:%M})"
    return f"{len(hours)} ({first} … {last})"


def _max_of(frames: list[pd.DataFrame]) -> tuple[float, str, int] | None:
    """Largest value over `frames` (hours x element), with its table position and column."""
    best: tuple[float, str, int] | None = None
    for kind, frame in zip(("line", "trafo"), frames, strict=True):
        values = frame.to_numpy(dtype=float)
        if values.size == 0 or np.isnan(values).all():
            continue
        flat = int(np.nanargmax(values))
        top = float(values.flat[flat])
        if best is None or top > best[0]:
            best = (top, kind, int(frame.columns[flat % values.shape[1]]))
    return best


def _element(ids: Any, kind: str, index: int) -> str:  # noqa: ANN401 - ElementIds mapping
    return str(ids_of(ids, np.array([kind]), np.array([index]))[0])


def dcflow_tables(result: DCFlowResult) -> dict[str, pd.DataFrame]:
    """Return the hours x element tables of a :class:`DCFlowResult`, by attribute name."""
    names = (
        "line_p_from_mw",
        "trafo_p_hv_mw",
        "line_loading_pct",
        "trafo_loading_pct",
        "ext_grid_p_mw",
        "gen_p_mw",
        "bus_va_degree",
    )
    return {name: getattr(result, name) for name in names}


def _dcflow_fields(r: DCFlowResult) -> list[tuple[str, Any]]:
    top = _max_of([r.line_loading_pct, r.trafo_loading_pct])
    peak = None if top is None else f"{top[0]:.4g} ({_element(r.element_ids, top[1], top[2])})"
    return [
        ("hours", _span(r.hours)),
        ("lines", r.line_p_from_mw.shape[1]),
        ("trafos", r.trafo_p_hv_mw.shape[1]),
        ("buses", r.bus_va_degree.shape[1]),
        ("max_loading_pct", peak),
    ]


def _n1_fields(r: N1Result) -> list[tuple[str, Any]]:
    worst = None
    if len(r.worst):
        row = r.worst.iloc[0]
        ids = r.base.element_ids
        what = _element(ids, str(row["element"]), int(row["element_index"]))
        cause = _element(ids, str(row["outage_element"]), int(row["outage_index"]))
        worst = f"{float(row['loading_pct']):.4g} ({what} after {cause} out)"
    return [
        ("hours", _span(r.base.hours)),
        ("outages_screened", len(r.by_outage)),
        ("violations", r.n_violations),
        ("islanding_outages", len(r.islanding)),
        ("worst_loading_pct", worst),
        ("threshold_pct", float(r.threshold_pct)),
        ("ac_checked", None if r.ac is None else len(r.ac)),
    ]


def _n1_tables(r: N1Result) -> dict[str, pd.DataFrame]:
    tables = {
        "worst": r.worst,
        "by_outage": r.by_outage,
        "violation_counts": r.violation_counts,
        "islanding": r.islanding,
    }
    if r.has_violation_rows:
        tables["violations"] = r.violations
    if r.ac is not None:
        tables["ac"] = r.ac
    return tables


def _dispatch_fields(r: DispatchResult) -> list[tuple[str, Any]]:
    hours = r.hours if r.hours is not None else pd.Index(pd.unique(r.prices["hour"]))
    unserved = float(r.unserved["p_mw"].sum()) if len(r.unserved) else 0.0
    curtailed = float(r.generation["curtailed_mw"].sum()) if "curtailed_mw" in r.generation else 0.0
    return [
        ("status", r.status),
        ("hours", _span(pd.Index(hours))),
        ("objective_eur", float(r.objective_eur)),
        ("unserved_mwh", unserved),
        ("curtailed_mwh", curtailed),
        ("extendable", len(r.ratings) or None),
        ("formulation", r.meta.get("formulation")),
    ]


def _dispatch_tables(r: DispatchResult) -> dict[str, pd.DataFrame]:
    tables = {
        "generation": r.generation,
        "flows": r.flows,
        "unserved": r.unserved,
        "prices": r.prices,
        "storage": r.storage,
    }
    if len(r.ratings):
        tables["ratings"] = r.ratings
    return tables


def _maxflow_fields(r: MaxFlowResult) -> list[tuple[str, Any]]:
    return [
        ("value", float(r.value)),
        ("cut_arcs", list(r.cut_arcs)),
        ("source_side", f"{len(r.source_side)} nodes"),
        ("arcs", len(r.flows)),
    ]


def fields(obj: object) -> tuple[list[tuple[str, Any]], dict[str, pd.DataFrame]]:
    """Return the (name, value) fields and the tables of an engine result, by its class name."""
    kind = type(obj).__name__
    if kind == "DCFlowResult":
        return _dcflow_fields(obj), dcflow_tables(obj)  # type: ignore[arg-type]
    if kind == "N1Result":
        return _n1_fields(obj), _n1_tables(obj)  # type: ignore[arg-type]
    if kind == "DispatchResult":
        return _dispatch_fields(obj), _dispatch_tables(obj)  # type: ignore[arg-type]
    if kind == "MaxFlowResult":
        return _maxflow_fields(obj), {}  # type: ignore[arg-type]
    msg = f"no display for {kind}"  # pragma: no cover - only the classes above call this
    raise TypeError(msg)


def engine_repr(obj: object) -> str:
    """One line: what the result is, its size, its key figure, its tables with sizes."""
    row_fields, tables = fields(obj)
    if type(obj).__name__ == "DCFlowResult":  # hours x element: the tables with elements
        shown = {n: f for n, f in tables.items() if f.shape[1] and not n.startswith("bus_va")}
    else:
        shown = tables
    return one_line(type(obj).__name__, row_fields, tables=shown or None)


def engine_html(obj: object) -> str:
    """Return an HTML card: the fields, a short table of the key rows and the list of tables."""
    row_fields, tables = fields(obj)
    kind = type(obj).__name__
    sections: dict[str, pd.DataFrame] = {}
    if kind == "N1Result":
        worst = obj.worst  # type: ignore[attr-defined]
        sections[f"worst cases (first {min(len(worst), CARD_WORST_ROWS)})"] = worst.head(
            CARD_WORST_ROWS
        )
        row_fields.append(("base", repr(obj.base)))  # type: ignore[attr-defined]
    elif kind == "DispatchResult":
        meta = obj.meta  # type: ignore[attr-defined]
        row_fields += [(k, meta.get(k)) for k in ("blocks", "n_variables", "solve_s")]
    elif kind == "MaxFlowResult":
        flows = obj.flows  # type: ignore[attr-defined]
        sections["flows"] = pd.DataFrame(
            {"arc": list(flows), "flow": list(flows.values())}
        ).sort_values("flow", ascending=False)
    return html_card(
        kind,
        row_fields,
        tables=tables or None,
        sections=sections,
    )
