"""What a sweep or a Monte Carlo study returns: :class:`StudyResult` and its summary.

A study is many runs of one scenario. Its tables:

``runs``
    one row per run (sweep point or draw): the key (``run`` or ``draw``), one column per
    swept or drawn input, the scenario ``seed``, ``status`` (``ok`` or ``failed``),
    ``error`` (the failing run's message) and ``bottleneck`` (the element the model names
    as its top binding one, ``Result.meta["bottleneck"]``; empty when nothing binds);
``values``
    the tidy long table of the runs that finished: key, inputs, ``metric``, ``value``,
    ``unit``, ``element``, ``bottleneck``;
``inputs``
    what was swept or drawn: name, kind, distribution, range, source and reason;
``base``
    (Monte Carlo) the summary of the base scenario, run as it is.

:meth:`StudyResult.summary` gives the answers: quantiles (P10/P50/P90 and mean) of every
metric, how often each element is the bottleneck, the probability of each threshold, the
sensitivity ranking and the count of failed runs.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.errors import ScenarioError, UnknownNameError, finite_float, suggest
from corridor_sim.results.numbers import format_number
from corridor_sim.results.tolerance import varies
from corridor_sim.scenarios._display import study_html, study_repr, summary_html, summary_repr

__all__ = ["StudyResult", "StudySummary", "Threshold", "parse_threshold"]

#: Quantiles of :meth:`StudyResult.quantiles` (P10, P50, P90).
QUANTILES = (0.1, 0.5, 0.9)
#: Bottleneck label of a run in which nothing binds.
NO_BOTTLENECK = "(none)"

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}
_THRESHOLD_RE = re.compile(r"^\s*([^<>=\s]+)\s*(>=|<=|>|<)\s*([-+0-9.eE]+)\s*$")


@dataclass(frozen=True)
class Threshold:
    """A condition on one metric, e.g. ``unmet_mt > 0``."""

    metric: str
    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.value:g}"


def parse_threshold(spec: str | Threshold | Sequence[Any]) -> Threshold:
    """Read ``"unmet_mt>0"``, ``("unmet_mt", ">", 0)`` or a :class:`Threshold`.

    Raises
    ------
    ScenarioError
        Naming the threshold and the expected form.
    """
    if isinstance(spec, Threshold):
        return spec
    if isinstance(spec, str):
        match = _THRESHOLD_RE.match(spec)
        if match is None:
            msg = f"threshold {spec!r}: expected METRIC>VALUE (or >=, <, <=), e.g. 'unmet_mt>0'"
            raise ScenarioError(msg)
        metric, op, number = match.groups()
    elif isinstance(spec, Sequence) and len(spec) == 3:
        metric, op, number = tuple(spec)  # mypy keeps str in a narrowed Sequence[Any]
    else:
        msg = f"threshold {spec!r}: expected 'METRIC>VALUE' or (metric, op, value)"
        raise ScenarioError(msg)
    if op not in _OPS:
        msg = f"threshold {spec!r}: operator {op!r} is not one of {', '.join(_OPS)}"
        raise ScenarioError(msg)
    value = finite_float(number, f"threshold {spec!r}: value {number!r}", error=ScenarioError)
    return Threshold(str(metric), str(op), value)


@dataclass
class StudySummary:
    """The answers of a study (see :meth:`StudyResult.summary`).

    Attributes
    ----------
    metrics : DataFrame
        Monte Carlo: ``metric, unit, runs, mean, p10, p50, p90, min, max, base``. Sweep:
        one row per grid point, the swept inputs and one column per metric.
    bottlenecks : DataFrame
        ``bottleneck, runs, share`` over the finished runs (``(none)``: nothing binds).
    thresholds : DataFrame
        ``threshold, metric, op, value, runs, probability``.
    sensitivity : DataFrame
        ``metric, input, spearman_rho, rank`` (Monte Carlo; rank 1 moves the metric most).
    failed : DataFrame
        The failed runs: key, inputs, error.
    kind : str
        ``"monte_carlo"`` or ``"sweep"``.
    runs : int
        Runs asked for.
    """

    metrics: pd.DataFrame
    bottlenecks: pd.DataFrame
    thresholds: pd.DataFrame
    sensitivity: pd.DataFrame
    failed: pd.DataFrame
    kind: str
    runs: int
    title: str = ""
    inputs: list[str] = field(default_factory=list)

    def to_text(self, *, top: int = 3, metrics: int = 6) -> str:
        """Return the summary as text (what ``corridor-sim monte-carlo`` prints)."""
        ok = self.runs - len(self.failed)
        what = "draws" if self.kind == "monte_carlo" else "runs"
        lines = [f"{self.title}: {ok} of {self.runs} {what} finished, {len(self.failed)} failed"]
        with pd.option_context("display.width", 160, "display.max_rows", 500):
            if self.kind == "sweep" and self.inputs:
                lines += ["", f"one column per run: {'/'.join(self.inputs)} ="]
                table = _by_metric(self.metrics, self.inputs)
                lines += [table.to_string(float_format=format_number)]
            else:
                lines += ["", self.metrics.to_string(index=False, float_format=format_number)]
            if not self.bottlenecks.empty:
                lines += ["", "bottleneck frequency:"]
                lines += [self.bottlenecks.to_string(index=False, float_format=format_number)]
            if not self.thresholds.empty:
                lines += ["", "threshold probabilities:"]
                lines += [self.thresholds.to_string(index=False, float_format=format_number)]
            if not self.sensitivity.empty:
                shown = list(dict.fromkeys(self.sensitivity["metric"]))[:metrics]
                best = self.sensitivity[
                    (self.sensitivity["rank"] <= top) & self.sensitivity["metric"].isin(shown)
                ]
                lines += [
                    "",
                    f"sensitivity (Spearman rank correlation; top {top} inputs of the first "
                    f"{len(shown)} varying metrics, all in .sensitivity):",
                ]
                lines += [best.to_string(index=False, float_format=format_number)]
            if not self.failed.empty:
                lines += ["", "failed:"]
                lines += [self.failed.head(10).to_string(index=False)]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        """One line (``print(summary)`` gives the text of :meth:`to_text`)."""
        return summary_repr(self)

    def _repr_html_(self) -> str:
        return summary_html(self)


def _by_metric(wide: pd.DataFrame, inputs: Sequence[str]) -> pd.DataFrame:
    """Turn a sweep's wide table for reading: one row per metric, one column per run."""
    labels = [
        "/".join(f"{row[k]:g}" if isinstance(row[k], float) else str(row[k]) for k in inputs)
        for _, row in wide[list(inputs)].iterrows()
    ]
    metrics = wide.drop(columns=["run", *inputs], errors="ignore")
    table = metrics.T
    table.columns = labels
    table.index.name = "metric"
    return table


@dataclass
class StudyResult:
    """Runs of a sweep or a Monte Carlo study, with the tables underneath and the answers.

    Attributes
    ----------
    kind : {"monte_carlo", "sweep"}
        Which study.
    tables : dict of str to DataFrame
        ``runs``, ``values``, ``inputs`` and (Monte Carlo) ``base``; see the module docstring.
    meta : dict
        Scenario, model, seed, runs asked for, executor, checkpoint, thresholds.
    kept : dict
        References to the tables kept from each run (``tables=`` of the study), read with
        :meth:`run_table`.

    Examples
    --------
    Made by :func:`corridor_sim.sweep` and :func:`corridor_sim.monte_carlo`; here 20 draws
    of the toy network's demand between 1 and 3 t against an arc of 2 t:

    >>> from corridor_sim.scenarios import example_monte_carlo
    >>> mc = example_monte_carlo(20)
    >>> mc.kind, len(mc.runs)
    ('monte_carlo', 20)
    >>> mc.bottleneck_frequency().values.tolist()
    [['s->d', 12, 0.6], ['(none)', 8, 0.4]]
    >>> float(mc.exceedance(["unmet > 0"])["probability"].iloc[0])
    0.6
    >>> q = mc.quantiles().set_index("metric")
    >>> float(q.loc["delivered", "max"]), q.loc["delivered", "unit"]
    (2.0, 't')
    """

    kind: str
    tables: dict[str, pd.DataFrame]
    meta: dict[str, Any] = field(default_factory=dict)
    kept: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict, repr=False)

    # -- tables -------------------------------------------------------------------
    @property
    def key(self) -> str:
        """Name of the run column: ``"draw"`` or ``"run"``."""
        return "draw" if self.kind == "monte_carlo" else "run"

    @property
    def input_names(self) -> list[str]:
        """The swept or drawn inputs, in column order."""
        return list(self.tables["inputs"]["input"]) if "inputs" in self.tables else []

    def table(self, name: str) -> pd.DataFrame:
        """One of the study's tables (``runs``, ``values``, ``inputs``, ``base``).

        Raises
        ------
        UnknownNameError
            For another name. A model's own capacity study (oil's ``bottleneck_sequence``
            and its curves) is not part of a sweep: it is in ``cs.run(scenario)``.
        """
        if name in self.tables:
            return self.tables[name]
        msg = (
            f"study result: no table {name!r}, {suggest(name, self.tables)}. A sweep or Monte "
            "Carlo study holds its runs' summaries; a model's own capacity study (oil's "
            "'bottleneck_sequence' and its delivered-versus-offered curves) is a table of "
            "cs.run(scenario) with options.study set. Plot studies with "
            "corridor_sim.plotting.study"
        )
        raise UnknownNameError(msg)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        msg = f"{type(self).__name__!r} object has no attribute {name!r}"
        raise AttributeError(msg)

    def run_table(self, name: str, key: int | None = None) -> pd.DataFrame:
        """Return a table kept from the runs (``tables=[name]`` in the study).

        Parameters
        ----------
        name : str
            The table's name in each run's :class:`~corridor_sim.Result`.
        key : int, optional
            One run (``draw`` or ``run`` number); default: every finished run, one after
            the other, with the key as the first column.

        Raises
        ------
        UnknownNameError
            If the study did not keep `name`, or `key` is not a finished run.
        ResultError
            If a kept file is missing or does not match the checksum its run recorded.
        """
        from corridor_sim.scenarios._kept import kept_table

        return kept_table(self.kept, name, self.key, key, self.meta.get("store"))

    def to_frame(self) -> pd.DataFrame:
        """Return the tidy long table ``values`` (what ``sweep``/``monte_carlo`` gave before)."""
        return self.tables["values"].copy()

    @property
    def failures(self) -> pd.DataFrame:
        """The failed runs: key, inputs, error."""
        runs = self.tables["runs"]
        cols = [self.key, *self.input_names, "error"]
        return runs.loc[runs["status"] == "failed", cols].reset_index(drop=True)

    def wide(self) -> pd.DataFrame:
        """One row per finished run: key, inputs, one column per metric, bottleneck."""
        values = self.tables["values"]
        runs = self.tables["runs"]
        ok = runs.loc[runs["status"] == "ok", [self.key, *self.input_names, "bottleneck"]]
        if values.empty:
            return ok.reset_index(drop=True)
        pivot = values.pivot_table(index=self.key, columns="metric", values="value", sort=False)
        pivot.columns.name = None
        return ok.merge(pivot.reset_index(), on=self.key, how="left").reset_index(drop=True)

    # -- answers ------------------------------------------------------------------
    def quantiles(self, q: Sequence[float] = QUANTILES) -> pd.DataFrame:
        """Per metric: unit, runs, mean, the quantiles `q` (``p10``...), min, max, base value."""
        values = self.tables["values"]
        cols = ["metric", "unit", "runs", "mean", *[f"p{round(x * 100):d}" for x in q]]
        if values.empty:
            return pd.DataFrame(columns=[*cols, "min", "max", "base"])
        order = list(dict.fromkeys(values["metric"]))
        grouped = values.groupby("metric", sort=False)["value"]
        table = pd.DataFrame(
            {
                "metric": order,
                "unit": values.groupby("metric", sort=False)["unit"].first().reindex(order).values,
                "runs": grouped.count().reindex(order).values,
                "mean": grouped.mean().reindex(order).values,
            }
        )
        for x in q:
            table[f"p{round(x * 100):d}"] = grouped.quantile(x).reindex(order).values
        table["min"] = grouped.min().reindex(order).values
        table["max"] = grouped.max().reindex(order).values
        base = self.tables.get("base")
        if base is not None and not base.empty:
            table["base"] = table["metric"].map(
                base.drop_duplicates("metric").set_index("metric")["value"]
            )
        else:
            table["base"] = np.nan
        return table

    def bottleneck_frequency(self) -> pd.DataFrame:
        """How often each element is the model's top bottleneck: ``bottleneck, runs, share``."""
        runs = self.tables["runs"]
        ok = runs.loc[runs["status"] == "ok", "bottleneck"].replace("", NO_BOTTLENECK)
        if ok.empty:
            return pd.DataFrame(columns=["bottleneck", "runs", "share"])
        counts = ok.value_counts(sort=False)
        table = pd.DataFrame({"bottleneck": counts.index.astype(str), "runs": counts.to_numpy()})
        table["share"] = table["runs"] / len(ok)
        return table.sort_values(["runs", "bottleneck"], ascending=[False, True]).reset_index(
            drop=True
        )

    def exceedance(self, thresholds: Iterable[Any]) -> pd.DataFrame:
        """Probability of each threshold over the finished runs that report its metric.

        Raises
        ------
        UnknownNameError
            For a metric no run reports (with suggestions).
        """
        values = self.tables["values"]
        rows = []
        for spec in thresholds:
            t = parse_threshold(spec)
            part = values.loc[values["metric"] == t.metric, "value"]
            if part.empty:
                known = list(dict.fromkeys(values["metric"]))
                hint = suggest(t.metric, known)
                msg = f"threshold {str(t)!r}: no run reports metric {t.metric!r}, {hint}"
                raise UnknownNameError(msg)
            hits = _OPS[t.op](part.to_numpy(dtype=float), t.value)
            rows.append((str(t), t.metric, t.op, t.value, len(part), float(np.mean(hits))))
        cols = ["threshold", "metric", "op", "value", "runs", "probability"]
        return pd.DataFrame(rows, columns=cols)

    def sensitivity(self) -> pd.DataFrame:
        """Spearman rank correlation of every numeric input with every metric.

        The inputs' draws and the metrics' values are ranked over the finished runs and
        correlated: ``spearman_rho`` near +1 or -1 means the input moves the metric most
        (monotonically), near 0 that it does not. ``rank`` orders the inputs by
        ``|spearman_rho|`` within each metric. Inputs or metrics that do not vary are left
        out (a metric that differs only by solver round-off does not vary:
        :func:`corridor_sim.results.tolerance.varies`). No extra runs are needed.
        """
        cols = ["metric", "input", "spearman_rho", "rank"]
        wide = self.wide()
        inputs = [
            c
            for c in self.input_names
            if c in wide and pd.api.types.is_numeric_dtype(wide[c]) and wide[c].nunique() > 1
        ]
        metrics = [
            c
            for c in wide.columns
            if c not in {self.key, "bottleneck", *self.input_names}
            and wide[c].notna().sum() > 2
            and varies(wide[c])
        ]
        if not inputs or not metrics or len(wide) < 3:
            return pd.DataFrame(columns=cols)
        rows = []
        for metric in metrics:
            part = wide[[*inputs, metric]].dropna()
            ranked = part.rank()
            for name in inputs:
                rho = ranked[name].corr(ranked[metric])
                if np.isfinite(rho):
                    rows.append((metric, name, float(rho)))
        table = pd.DataFrame(rows, columns=cols[:3])
        if table.empty:
            return pd.DataFrame(columns=cols)
        table["abs"] = table["spearman_rho"].abs()
        table = table.sort_values(["metric", "abs", "input"], ascending=[True, False, True])
        table["rank"] = table.groupby("metric").cumcount() + 1
        order = {m: i for i, m in enumerate(metrics)}
        table = table.sort_values(
            ["metric", "rank"], key=lambda s: s.map(order) if s.name == "metric" else s
        )
        return table[cols].reset_index(drop=True)

    def summary(self, thresholds: Iterable[Any] | None = None) -> StudySummary:
        """Return the study's answers (:class:`StudySummary`).

        Parameters
        ----------
        thresholds : iterable, optional
            Conditions such as ``"unmet_mt>0"`` (default: those the study was run with).
        """
        if thresholds is None:
            thresholds = self.meta.get("thresholds", [])
        if self.kind == "monte_carlo":
            metrics = self.quantiles()
            sensitivity = self.sensitivity()
        else:
            metrics = self.wide()
            sensitivity = pd.DataFrame(columns=["metric", "input", "spearman_rho", "rank"])
        return StudySummary(
            metrics=metrics,
            bottlenecks=self.bottleneck_frequency(),
            thresholds=self.exceedance(thresholds),
            sensitivity=sensitivity,
            failed=self.failures,
            kind=self.kind,
            runs=len(self.tables["runs"]),
            title=str(self.meta.get("title", self.kind)),
            inputs=self.input_names,
        )

    def __repr__(self) -> str:
        return study_repr(self)

    def _repr_html_(self) -> str:
        return study_html(self)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | {n for n in self.tables if n.isidentifier()})

    # -- files --------------------------------------------------------------------
    def save(
        self,
        directory: str | Path,
        *,
        thresholds: Iterable[Any] | None = None,
        overwrite: bool = False,
        extra: Callable[[Path], None] | None = None,
    ) -> Path:
        """Write the tables and the summary as CSV files, and ``meta.json``; return the folder.

        Written like :meth:`corridor_sim.Result.save`: into a new folder moved into place
        in one step; an earlier study or result is replaced only with `overwrite`, a
        folder of other files never; ``extra(folder)`` adds files (figures) before the move.
        """
        from corridor_sim.results._store import FORMAT_VERSION, write_atomically
        from corridor_sim.scenarios.checkpoint import jsonable

        s = self.summary(thresholds)

        def write(out: Path) -> None:
            for name, frame in self.tables.items():
                frame.to_csv(out / f"{name}.csv", index=False)
            s.metrics.to_csv(out / "summary.csv", index=False)
            s.bottlenecks.to_csv(out / "bottleneck_frequency.csv", index=False)
            if not s.thresholds.empty:
                s.thresholds.to_csv(out / "thresholds.csv", index=False)
            if not s.sensitivity.empty:
                s.sensitivity.to_csv(out / "sensitivity.csv", index=False)
            meta = {
                "format": "corridor_sim.study",
                "format_version": FORMAT_VERSION,
                "kind": self.kind,
                **jsonable(dict(self.meta)),
            }
            text = json.dumps(meta, indent=2, default=str)
            (out / "meta.json").write_text(text, encoding="utf-8")
            if extra is not None:
                extra(out)

        return write_atomically(Path(directory), write, overwrite=overwrite)
