"""Compare two scenarios: the inputs that differ and the change in every summary metric."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.models import get_model
from corridor_sim.results.result import Result
from corridor_sim.scenarios.scenario import Scenario
from corridor_sim.scenarios.single import load, run

__all__ = ["ScenarioDiff", "diff"]

_FIELDS = ("model", "year", "resolution", "periods", "seed")


@dataclass
class ScenarioDiff:
    """What differs between scenarios A and B, and what it changes.

    Attributes
    ----------
    inputs : DataFrame
        ``input, a, b``: scenario fields, overrides, options, events and (for one model)
        every resolved parameter value that differs.
    metrics : DataFrame
        ``metric, unit, a, b, change, change_pct, element_a, element_b`` for every summary
        metric of either run (NaN where a run lacks it).
    results : tuple of Result
        The two runs.
    """

    inputs: pd.DataFrame
    metrics: pd.DataFrame
    results: tuple[Result, Result]
    names: tuple[str, str] = ("a", "b")

    def to_text(self) -> str:
        """Return the comparison as text (what ``corridor-sim diff`` prints)."""
        a, b = self.names
        lines = [f"A = {a}", f"B = {b}", "", "inputs that differ:"]
        with pd.option_context(
            "display.width", 160, "display.max_rows", 500, "display.max_colwidth", 60
        ):
            lines.append(self.inputs.to_string(index=False) if not self.inputs.empty else "(none)")
            lines += ["", "summary metrics (change = B - A):"]
            lines.append(self.metrics.to_string(index=False, float_format=lambda x: f"{x:.5g}"))
        bottlenecks = [str(r.meta.get("bottleneck", "") or "(none)") for r in self.results]
        lines += ["", f"bottleneck: A {bottlenecks[0]}, B {bottlenecks[1]}"]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def _text(value: Any) -> str:
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True, default=str)
    return "" if value is None else str(value)


def _inputs(a: Scenario, b: Scenario) -> pd.DataFrame:
    rows: list[tuple[str, str, str]] = []
    for name in _FIELDS:
        va, vb = getattr(a, name), getattr(b, name)
        if va != vb:
            rows.append((name, _text(va), _text(vb)))
    for table in ("overrides", "options"):
        da, db = dict(getattr(a, table)), dict(getattr(b, table))
        for key in sorted(set(da) | set(db)):
            if da.get(key) != db.get(key):
                rows.append((f"{table}.{key}", _text(da.get(key)), _text(db.get(key))))
    ea, eb = [e.to_dict() for e in a.events], [e.to_dict() for e in b.events]
    if ea != eb:
        rows.append(("events", _text(ea), _text(eb)))
    if (a.network or None) != (b.network or None):
        rows.append(("network", "(A's [network])", "(B's [network])"))
    if a.model == b.model:
        params = get_model(a.model).params
        if params is not None:
            pa = params.resolve(a.year, a.overrides)
            pb = params.resolve(b.year, b.overrides)
            for name in params.names:
                if name in a.overrides or name in b.overrides:
                    continue  # listed above as an override
                if pa[name] != pb[name]:
                    rows.append((f"parameter {name}", _text(pa[name]), _text(pb[name])))
    return pd.DataFrame(rows, columns=["input", "a", "b"])


def _metrics(ra: Result, rb: Result) -> pd.DataFrame:
    sa = ra.summary().drop_duplicates("metric")
    sb = rb.summary().drop_duplicates("metric")
    merged = sa.merge(sb, on="metric", how="outer", suffixes=("_a", "_b"), sort=False)
    order = list(dict.fromkeys([*sa["metric"], *sb["metric"]]))
    merged = merged.set_index("metric").loc[order].reset_index()
    unit = merged["unit_a"].fillna(merged["unit_b"])
    a, b = merged["value_a"].astype(float), merged["value_b"].astype(float)
    change = b - a
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


def diff(
    a: Scenario | str | Path, b: Scenario | str | Path, *, progress: bool = False
) -> ScenarioDiff:
    """Run scenarios `a` and `b`; list the inputs that differ and the change in every metric.

    Examples
    --------
    >>> import corridor_sim as cs
    >>> net = {"nodes": [{"id": "s", "kind": "supply", "supply": 5},
    ...        {"id": "d", "kind": "demand", "demand": 3}],
    ...        "arcs": [{"source": "s", "target": "d", "capacity": 2}]}
    >>> s = cs.Scenario(model="commodity", year=2025, network=net)
    >>> d = cs.diff(s, s.with_overrides(**{"s->d.capacity": 3.0}))
    >>> d.inputs.values.tolist()
    [['overrides.s->d.capacity', '', '3.0']]
    >>> float(d.metrics.set_index("metric").loc["delivered", "change"])
    1.0
    """
    sa, sb = load(a).check(), load(b).check()
    ra, rb = run(sa, progress=progress), run(sb, progress=progress)
    names = (str(sa.source or sa.name or "a"), str(sb.source or sb.name or "b"))
    return ScenarioDiff(_inputs(sa, sb), _metrics(ra, rb), (ra, rb), names)
