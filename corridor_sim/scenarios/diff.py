"""Compare two runs: the inputs that differ and what they change.

:func:`diff` takes scenarios (run here), results in memory or saved result folders, in any
mix; nothing already run is run again. The answer, a :class:`ScenarioDiff`, holds the
inputs that differ, every summary metric with its absolute and relative change, the
bottlenecks that changed and, when both runs have the same elements, the flows that
changed; it prints as text and shows as an HTML card in a notebook; its figure is
:func:`corridor_sim.plotting.diff.diff_bars`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from corridor_sim.errors import ScenarioError
from corridor_sim.results._store import MANIFEST
from corridor_sim.results.display import html_card, one_line
from corridor_sim.results.numbers import format_frame
from corridor_sim.results.result import Result
from corridor_sim.scenarios._diff_tables import (
    bottleneck_changes,
    changed,
    flow_changes,
    input_changes,
    metric_changes,
)
from corridor_sim.scenarios.scenario import Scenario
from corridor_sim.scenarios.single import load, run

__all__ = ["ScenarioDiff", "diff"]

#: What :func:`diff` accepts for A and B.
Comparable = Scenario | Result | str | Path


@dataclass
class ScenarioDiff:
    """What differs between runs A and B, and what it changes.

    Attributes
    ----------
    inputs : DataFrame
        ``input, a, b``: scenario fields, overrides, options, events and (for one model)
        every resolved parameter value that differs.
    metrics : DataFrame
        ``metric, unit, a, b, change, change_pct, element_a, element_b`` for every summary
        metric of either run (NaN where a run lacks it); ``change = b - a`` (round-off
        written as 0), ``change_pct`` relative to ``|a|``.
    results : tuple of Result
        The two runs.
    names : tuple of str
        What A and B are (scenario file, name or result folder).
    bottlenecks : DataFrame
        ``element, rank_a, rank_b, binding_periods_a, binding_periods_b, change``: elements
        binding in either run whose rank or binding periods differ.
    flows : DataFrame
        ``element, unit, a, b, change, change_pct``: the flow of each element summed over
        the periods, for the elements whose flow changed (empty when the runs' elements
        differ; :attr:`flow_note` says why).
    flow_note : str
        What the flow comparison covers.

    Examples
    --------
    Made by :func:`corridor_sim.diff`; here the toy network with its arc widened from 2
    to 3 t:

    >>> from corridor_sim.scenarios import example_diff
    >>> d = example_diff()
    >>> moved = d.changed_metrics.set_index("metric")
    >>> [float(x) for x in moved.loc["delivered", ["a", "b", "change", "change_pct"]]]
    [2.0, 3.0, 1.0, 50.0]
    """

    inputs: pd.DataFrame
    metrics: pd.DataFrame
    results: tuple[Result, Result]
    names: tuple[str, str] = ("a", "b")
    bottlenecks: pd.DataFrame = field(default_factory=pd.DataFrame)
    flows: pd.DataFrame = field(default_factory=pd.DataFrame)
    flow_note: str = ""

    @property
    def changed_metrics(self) -> pd.DataFrame:
        """The rows of :attr:`metrics` that changed (or that only one run reports)."""
        return changed(self.metrics)

    def _title(self) -> str:
        a, b = self.names
        years = sorted({str(y) for r in self.results if (y := r.meta.get("year")) is not None})
        year = f" ({', '.join(years)})" if years else ""
        return f"B = {Path(b).stem} against A = {Path(a).stem}{year}"

    def to_text(self) -> str:
        """Return the comparison as text (what ``corridor-sim diff`` prints).

        Returns
        -------
        str
            The inputs that differ, the changed metrics (numbers for reading), the changed
            bottlenecks and flows; unchanged metrics are counted, not listed.
        """
        a, b = self.names
        lines = [f"A = {a}", f"B = {b}", "", "inputs that differ:"]
        with pd.option_context(
            "display.width", 160, "display.max_rows", 500, "display.max_colwidth", 60
        ):
            lines.append(self.inputs.to_string(index=False) if not self.inputs.empty else "(none)")
            moved = self.changed_metrics
            lines += [
                "",
                f"summary metrics that changed ({len(moved)} of {len(self.metrics)}; "
                "change = B - A):",
            ]
            lines.append(_metric_text(moved) if not moved.empty else "(none)")
            lines += ["", "bottlenecks that changed:"]
            bottlenecks = [str(r.meta.get("bottleneck", "") or "(none)") for r in self.results]
            lines.append(f"top bottleneck: A {bottlenecks[0]}, B {bottlenecks[1]}")
            if not self.bottlenecks.empty:
                lines.append(format_frame(self.bottlenecks).to_string(index=False))
            lines += ["", self.flow_note or "flows not compared"]
            if not self.flows.empty:
                lines.append(format_frame(self.flows.head(20)).to_string(index=False))
        return "\n".join(lines)

    def __str__(self) -> str:
        """Return :meth:`to_text` (``print(d)``)."""
        return self.to_text()

    def __repr__(self) -> str:
        """One line: A, B and how much differs."""
        a, b = self.names
        fields = [
            ("A", a),
            ("B", b),
            ("inputs_differ", len(self.inputs)),
            ("metrics_changed", f"{len(self.changed_metrics)} of {len(self.metrics)}"),
        ]
        return one_line("ScenarioDiff", fields)

    def _repr_html_(self) -> str:
        """Return a card for notebooks: A, B, the inputs, changed metrics, bottlenecks, flows."""
        a, b = self.names
        moved = self.changed_metrics
        sections = {
            "inputs that differ": self.inputs,
            f"metrics that changed ({len(moved)} of {len(self.metrics)}, change = B - A)": (
                format_frame(_metric_columns(moved))
            ),
            "bottlenecks that changed": format_frame(self.bottlenecks),
            self.flow_note or "flows": format_frame(self.flows),
        }
        return html_card(
            "ScenarioDiff",
            [("A", a), ("B", b)],
            sections=sections,
            subtitle=self._title(),
        )


def _metric_columns(moved: pd.DataFrame) -> pd.DataFrame:
    cols = ["metric", "unit", "a", "b", "change", "change_pct"]
    if (moved["element_a"] != "").any() or (moved["element_b"] != "").any():
        same = (moved["element_a"] == moved["element_b"]).all()
        cols += ["element_a"] if same else ["element_a", "element_b"]
    out = moved.loc[:, cols]
    return out.rename(columns={"element_a": "element"}) if "element_b" not in cols else out


def _metric_text(moved: pd.DataFrame) -> str:
    return format_frame(_metric_columns(moved)).to_string(index=False)


def _is_saved(value: object) -> bool:
    return isinstance(value, (str, Path)) and (Path(value) / MANIFEST).is_file()


def _describe(scn: Scenario) -> dict[str, Any]:
    return {
        "model": scn.model,
        "year": scn.year,
        "resolution": scn.resolution,
        "periods": scn.periods,
        "seed": scn.seed,
        "overrides": dict(scn.overrides),
        "options": dict(scn.options),
        "events": [e.to_dict() for e in scn.events],
        "network": scn.network or None,
    }


def _model_of(value: Scenario | Result) -> str:
    return str(value.model if isinstance(value, Scenario) else value.meta.get("model", ""))


def _prepare(value: Comparable, which: str) -> tuple[Scenario | Result, str]:
    """Return a checked Scenario (to run) or a Result (in memory or loaded), and its name."""
    if isinstance(value, Result):
        return value, str(value.meta.get("source") or value.meta.get("scenario") or which)
    if isinstance(value, (str, Path)) and _is_saved(value):
        return Result.load(Path(value)), str(value)
    try:
        scn = load(value).check()
    except ScenarioError as err:
        msg = (
            f"diff {which} = {value!r}: {err} (expected a Scenario, a scenario TOML, a Result "
            f"or a folder written by Result.save / corridor-sim run --out)"
        )
        raise ScenarioError(msg) from err
    return scn, str(scn.source or scn.name or which)


def diff(a: Comparable, b: Comparable, *, progress: bool = False) -> ScenarioDiff:
    """Compare runs `a` and `b`: the inputs that differ and what they change.

    Parameters
    ----------
    a, b : Scenario, Result, str or Path
        A Scenario or the path of a scenario TOML (run here), a :class:`~corridor_sim.Result`
        in memory, or a result folder written by ``Result.save`` / ``corridor-sim run --out``
        (loaded, not run). A and B may be of different kinds.
    progress : bool, default False
        Show a bar while a scenario runs.

    Returns
    -------
    ScenarioDiff
        ``inputs``, ``metrics`` (every summary metric with ``change`` and ``change_pct``),
        ``changed_metrics``, ``bottlenecks``, ``flows``; ``print`` it, show it in a notebook
        or draw it with :func:`corridor_sim.plotting.diff.diff_bars`.

    Raises
    ------
    ScenarioError
        `a` or `b` is not a scenario, result or result folder, or A and B are runs of
        different models (their metrics have nothing in common). Raised before anything runs.

    Examples
    --------
    >>> import corridor_sim as cs
    >>> from corridor_sim.scenarios import example_scenario
    >>> s = example_scenario()
    >>> d = cs.diff(s, s.with_overrides(**{"s->d.capacity": 3.0}))
    >>> d.inputs.values.tolist()
    [['overrides.s->d.capacity', '', '3.0']]
    >>> float(d.metrics.set_index("metric").loc["delivered", "change"])
    1.0
    >>> d2 = cs.diff(d.results[0], d.results[1])  # results: nothing runs again
    >>> d2.changed_metrics["metric"].tolist() == d.changed_metrics["metric"].tolist()
    True
    """
    pa, name_a = _prepare(a, "A")
    pb, name_b = _prepare(b, "B")
    model_a, model_b = _model_of(pa), _model_of(pb)
    if model_a and model_b and model_a != model_b:
        msg = (
            f"diff: A ({name_a}) is a run of model {model_a!r}, B ({name_b}) of model "
            f"{model_b!r}; their metrics have nothing in common. Compare two runs of one model"
        )
        raise ScenarioError(msg)
    ra = pa if isinstance(pa, Result) else run(pa, progress=progress)
    rb = pb if isinstance(pb, Result) else run(pb, progress=progress)
    ma = _describe(pa) if isinstance(pa, Scenario) else ra.meta
    mb = _describe(pb) if isinstance(pb, Scenario) else rb.meta
    flows, note = flow_changes(ra, rb)
    return ScenarioDiff(
        inputs=input_changes(ma, mb),
        metrics=metric_changes(ra, rb),
        results=(ra, rb),
        names=(name_a, name_b),
        bottlenecks=bottleneck_changes(ra, rb),
        flows=flows,
        flow_note=note,
    )
