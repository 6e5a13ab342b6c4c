"""Run scenarios: one run, a sweep (a grid of scenarios) or a Monte Carlo study.

Names: a **sweep** (:func:`sweep`) runs one scenario over a grid of parameter values, one
run per grid point. A model's **own capacity study** (oil's
``options.study = "bottleneck_sequence"``: relieve each bottleneck in turn and trace the
delivered-versus-offered curves) is something else: it is part of one run
(:func:`run`), and a sweep or Monte Carlo study drops ``options.study`` from its runs unless
asked (``model_study=True``), so it is not recomputed and thrown away in every variant.

Both studies return a :class:`~corridor_sim.scenarios.study.StudyResult`; both save each
finished run in a ``checkpoint`` folder and resume from it, show a progress bar, record a
failing run instead of stopping, and give the same tables on every executor.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim._limits import check_count, max_study_runs
from corridor_sim._sigint import interrupted_in
from corridor_sim.catalogue import facts, ranges
from corridor_sim.errors import ScenarioError, UnknownNameError, suggest
from corridor_sim.models import get_model
from corridor_sim.scenarios._kept import check_table_names
from corridor_sim.scenarios._records import build_tables
from corridor_sim.scenarios._store import is_url
from corridor_sim.scenarios.checkpoint import Checkpoint, StudyInterrupted, jsonable
from corridor_sim.scenarios.draws import Input, draw_seed, explicit_inputs
from corridor_sim.scenarios.execute import Payloads, execute, normalise, record_of
from corridor_sim.scenarios.executors import check_executor
from corridor_sim.scenarios.scenario import Scenario
from corridor_sim.scenarios.single import load, run
from corridor_sim.scenarios.study import StudyResult, parse_threshold

__all__ = ["StudyInterrupted", "StudyResult", "load", "monte_carlo", "run", "sweep"]

logger = logging.getLogger(__name__)

#: The option through which a model runs its own capacity study (oil).
MODEL_STUDY_OPTION = "study"


def _without_model_study(scn: Scenario, keep: bool) -> tuple[Scenario, dict[str, Any]]:
    """Drop ``options.study`` from a study's runs unless `keep`; return what was dropped."""
    if keep or MODEL_STUDY_OPTION not in scn.options:
        return scn, {}
    dropped = {MODEL_STUDY_OPTION: scn.options[MODEL_STUDY_OPTION]}
    logger.info(
        "options.study = %r is the model's own capacity study; it runs once with cs.run() "
        "and is left out of the study's runs (model_study=True keeps it)",
        dropped[MODEL_STUDY_OPTION],
    )
    options = {k: v for k, v in scn.options.items() if k != MODEL_STUDY_OPTION}
    return scn.replace(options=options), dropped


def _grid(scn: Scenario, grid: Mapping[str, Sequence[Any]] | None) -> dict[str, list[Any]]:
    if grid is not None and not isinstance(grid, Mapping):
        msg = f"grid = {grid!r}: expected a mapping of parameter name to a list of values"
        raise ScenarioError(msg)
    raw = dict(scn.sweep) if grid is None else dict(grid)
    if not raw:
        msg = (
            f"scenario {scn.name or scn.model!r}: nothing to sweep; pass "
            '{"parameter": [values, ...]} or add a [sweep] table to the file'
        )
        raise ScenarioError(msg)
    values: dict[str, list[Any]] = {}
    for key, vals in raw.items():
        if isinstance(vals, (str, bytes, Mapping)) or not isinstance(vals, Sequence) or not vals:
            msg = f"sweep.{key} = {vals!r}: expected a non-empty list of values"
            raise ScenarioError(msg)
        values[key] = list(vals)
    for year in values.get("year", []):
        if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
            msg = f"sweep.year = {year!r}: expected an integer year, e.g. 2030"
            raise ScenarioError(msg)
    return values


def _variant(scn: Scenario, combo: Mapping[str, Any], label: str) -> Scenario:
    combo = dict(combo)
    year = combo.pop("year", scn.year)
    return scn.replace(
        year=int(year),
        overrides={**scn.overrides, **combo},
        sweep={},
        name=f"{scn.name or scn.model}[{label}]",
    )


def _thresholds(thresholds: Iterable[Any] | None) -> list[str]:
    if thresholds is None:
        return []
    if isinstance(thresholds, str):
        thresholds = [thresholds]
    return [str(parse_threshold(t)) for t in thresholds]


def _version() -> str:
    try:
        return importlib.metadata.version("corridor_sim")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"


def _checkpoint(directory: str | Path | None, spec: Mapping[str, Any]) -> Checkpoint | None:
    """Open the study's checkpoint; its spec also pins the catalogue and the library version."""
    if directory is None:
        return None
    table = facts().drop(columns=["file"]).to_csv(index=False).encode("utf-8")
    pinned = {
        **spec,
        "catalogue_sha256": hashlib.sha256(table).hexdigest(),
        "corridor_sim_version": _version(),
    }
    return Checkpoint(directory, pinned)


def _store_of(checkpoint: str | Path | None) -> str | None:
    """Where workers write kept tables: the checkpoint as an absolute path or a URL."""
    if checkpoint is None:
        return None
    return str(checkpoint) if is_url(checkpoint) else str(Path(checkpoint).resolve())


def _kept(done: Mapping[int, Mapping[str, Any]], names: Sequence[str]) -> dict[str, Any]:
    """Return the references to the kept tables of the finished runs (name, key -> ref)."""
    out: dict[str, Any] = {name: {} for name in names}
    for k, record in sorted(done.items()):
        for name, ref in (record.get("tables") or {}).items():
            if name in out:
                out[name][k] = ref
    return out


@dataclass(frozen=True)
class _Execution:
    """How a study runs: executor, worker processes, progress bar, checkpoint folder."""

    executor: str
    max_workers: int | None
    progress: bool
    checkpoint: str | Path | None

    def execute(
        self,
        payloads: Payloads,
        records: dict[int, dict[str, Any]],
        ckpt: Checkpoint | None,
        result: Callable[[dict[int, dict[str, Any]]], StudyResult],
        *,
        desc: str,
        unit: str,
    ) -> StudyResult:
        """Run the `payloads` not in `records` yet, then return `result` of all of them."""
        execute(
            payloads,
            records,
            checkpoint=ckpt,
            executor=self.executor,
            max_workers=self.max_workers,
            progress=self.progress,
            desc=desc,
            unit=unit,
            partial=result,
        )
        return result({k: r for k, r in records.items() if k < len(payloads)})


def _meta(
    what: str,
    scn: Scenario,
    runs: int,
    how: _Execution,
    dropped: dict[str, Any],
    thresholds: Iterable[Any] | None,
    *,
    seed: int | None = None,
) -> dict[str, Any]:
    """Return the ``meta`` of a study of `scn` (`what`: "sweep", "Monte Carlo") of `runs` runs."""
    label = scn.name or scn.model
    return {
        "title": f"{what} of {label}",
        "scenario": label,
        "model": scn.model,
        "year": int(scn.year),
        **({} if seed is None else {"seed": seed}),
        "runs": runs,
        "executor": how.executor,
        "checkpoint": None if how.checkpoint is None else str(how.checkpoint),
        "store": _store_of(how.checkpoint),
        "dropped_options": dropped,
        "thresholds": _thresholds(thresholds),
    }


def sweep(
    scenario: Scenario | str | Path,
    grid: Mapping[str, Sequence[Any]] | None = None,
    *,
    executor: str = "serial",
    max_workers: int | None = None,
    checkpoint: str | Path | None = None,
    progress: bool = True,
    model_study: bool = False,
    thresholds: Iterable[Any] | None = None,
    tables: Iterable[str] | None = None,
) -> StudyResult:
    """Run `scenario` over a grid of parameter values, one run per grid point.

    Parameters
    ----------
    scenario : Scenario, str or Path
        The base scenario.
    grid : mapping of str to list, optional
        Parameter name (a model override, or ``"year"``) to the values to try; several
        parameters give their Cartesian product. Defaults to the scenario's ``[sweep]``.
    executor : {"serial", "process", "dask"}, default "serial"
        Where the runs execute (:func:`corridor_sim.scenarios.executors.iter_runs`).
    max_workers : int, optional
        Worker processes for ``"process"`` and a new Dask ``LocalCluster``.
    checkpoint : str or Path, optional
        Folder where each finished run is saved; a second call with it runs only the
        missing ones and gives the same tables.
    progress : bool, default True
        Show a progress bar (in a terminal or a notebook).
    model_study : bool, default False
        Keep ``options.study`` (a model's own capacity study) in every run.
    thresholds : iterable, optional
        Conditions such as ``"unmet_mt>0"`` for :meth:`StudyResult.summary`.
    tables : iterable of str, optional
        Tables of each run's :class:`~corridor_sim.Result` to keep (e.g. ``["flows"]``),
        read back with :meth:`StudyResult.run_table`. With a checkpoint, the worker that ran
        the run writes them into it (``DIR/tables/NAME/000012.csv``) and returns only a
        reference, so they never pass through the scheduler; without one, they come back
        with the run.

    Returns
    -------
    StudyResult
        ``kind = "sweep"``; ``table("values")`` is the tidy long table (``run``, one column
        per swept parameter, ``metric``, ``value``, ``unit``, ``element``, ``bottleneck``),
        ``table("runs")`` one row per grid point; same on every executor.

    Raises
    ------
    ScenarioError
        If a swept name is not a parameter of the model or a value is out of bounds.
    StudyInterrupted
        On Ctrl-C (finished runs are kept in the checkpoint and the exception).

    Examples
    --------
    >>> import corridor_sim as cs
    >>> from corridor_sim.scenarios import example_scenario
    >>> s = example_scenario()
    >>> study = cs.sweep(s, {"s->d.capacity": [1.0, 4.0]}, progress=False)
    >>> study.wide()["delivered"].tolist()
    [1.0, 3.0]
    """
    check_executor(executor, max_workers)
    kept = check_table_names(tables)
    scn = load(scenario)
    values = _grid(scn, grid)
    scn.replace(sweep=values).check()  # errors name "sweep.<parameter>", not an override
    scn, dropped = _without_model_study(scn, model_study)
    names = list(values)
    points = math.prod(len(v) for v in values.values())
    _check_runs("sweep grid", points, "grid points")
    spec = {"kind": "sweep", "scenario": scn.to_dict(), "grid": values, "tables": kept}
    ckpt = _checkpoint(checkpoint, spec)
    store = _store_of(checkpoint)

    def point(i: int) -> dict[str, Any]:
        combo = _grid_point(values, i)
        variant = _variant(scn, combo, ",".join(f"{k}={v}" for k, v in combo.items())).check()
        return {
            "key": i,
            "scenario": variant,
            "inputs": combo,
            "seed": int(variant.seed),
            **({"tables": kept, "store": store} if kept else {}),
        }

    payloads = Payloads(points, point)
    payloads[0]  # the first grid point is made, so checked, before any run
    records = ckpt.load(range(len(payloads))) if ckpt else {}
    inputs = pd.DataFrame(
        {
            "input": names,
            "kind": ["year" if k == "year" else "parameter" for k in names],
            "values": [", ".join(map(str, values[k])) for k in names],
        }
    )
    how = _Execution(executor, max_workers, progress, checkpoint)
    meta = _meta("sweep", scn, len(payloads), how, dropped, thresholds)

    def result(done: dict[int, dict[str, Any]]) -> StudyResult:
        tables = {**build_tables("sweep", done, names), "inputs": inputs}
        return StudyResult("sweep", tables, meta, kept=_kept(done, kept))

    return how.execute(
        payloads, records, ckpt, result, desc=f"sweep {meta['scenario']}", unit="run"
    )


def _probe(
    scn: Scenario, explicit: Sequence[Input], params: Mapping[str, Any], kept: Sequence[str]
) -> dict[str, Any]:
    """Run the base scenario (and each drawn year) once: base values and the rows read.

    Parameters with an explicit distribution are overridden (by their default) in the
    probe, so the catalogue rows read only through their defaults are not drawn as well.
    """
    fixed = {
        i.name: params[i.name].default
        for i in explicit
        if i.kind == "parameter" and i.name in params
    }
    years = [int(scn.year)]
    for i in explicit:
        if i.kind == "year" and i.spec is not None:  # explicit inputs all have a spec
            years += [int(y) for y in i.spec[1] if int(y) not in years]
    read: list[str] = []
    base: dict[str, Any] = {}
    known = set(facts().index)
    for year in years:
        probe = scn.replace(year=year, overrides={**scn.overrides, **fixed})
        try:
            result = run(probe)
        except ScenarioError:
            raise
        except Exception as err:
            if interrupted_in(err):  # a Ctrl-C that a C extension turned into SystemError
                raise KeyboardInterrupt from err
            msg = (
                f"scenario {scn.name or scn.model!r} (year {year}) fails as it is, "
                f"before any draw: {err}"
            )
            raise ScenarioError(msg) from err
        # the provenance lists every row the run read (parameters' sources and fixed rows);
        # an overridden parameter's row is not among them
        prov = result.tables.get("provenance")
        ids = [] if prov is None else [str(i) for i in prov["source_id"] if str(i) in known]
        read += [i for i in ids if i not in read]
        if year == int(scn.year):
            base = record_of(result)
            for name in kept:
                if name not in result.tables:
                    msg = (
                        f"tables = {list(kept)!r}: a run of {scn.model!r} has no table "
                        f"{name!r}, {suggest(name, result.tables)}"
                    )
                    raise UnknownNameError(msg)
    return normalise({**base, "read": read})


def monte_carlo(
    scenario: Scenario | str | Path,
    n: int,
    *,
    distributions: Mapping[str, Sequence[Any]] | None = None,
    catalogue: bool = True,
    thresholds: Iterable[Any] | None = None,
    executor: str = "serial",
    max_workers: int | None = None,
    checkpoint: str | Path | None = None,
    progress: bool = True,
    model_study: bool = False,
    tables: Iterable[str] | None = None,
) -> StudyResult:
    """Run `n` draws of the uncertain inputs of `scenario`.

    Parameters
    ----------
    scenario : Scenario, str or Path
        The base scenario; its ``seed`` seeds every draw.
    n : int
        Number of draws (>= 1). Draw ``i`` depends only on the seed and ``i``, so a larger
        ``n`` with the same checkpoint extends a study.
    distributions : mapping, optional
        Input name (a model parameter, ``"year"`` or a catalogue id) to
        ``("uniform", low, high)``, ``("normal", mean, sd)``, ``("lognormal", mean, sigma)``,
        ``("triangular", low, mode, high)`` or ``("choice", [values])``. A parameter's
        numeric draws are clipped to its documented bounds. These override the
        catalogue's ranges.
    catalogue : bool, default True
        Also draw every catalogue row that the model reads and that has a range
        (``low``/``high`` in the catalogue), each from its own range.
    thresholds : iterable, optional
        Conditions such as ``"unmet_mt>0"``: their probability is in the summary.
    executor, max_workers, checkpoint, progress, model_study, tables
        As in :func:`sweep` (a checkpoint may be an fsspec URL that every worker reaches).

    Returns
    -------
    StudyResult
        ``kind = "monte_carlo"``: ``summary()`` (P10/P50/P90, bottleneck frequency,
        thresholds, sensitivity, failures) and the tables ``runs``, ``values`` (tidy long
        table keyed by ``draw``), ``inputs`` and ``base``. Equal seeds give equal tables on
        every executor.

    Raises
    ------
    ScenarioError
        A bad distribution, `n` or scenario, or a scenario that fails as it is.
    UnknownNameError
        A distribution for a name that is neither a parameter nor a catalogue id.
    StudyInterrupted
        On Ctrl-C (finished draws are kept in the checkpoint and the exception).

    Examples
    --------
    A pipe of 2 units per period towards a demand drawn between 1 and 3: demand falls
    short in the draws above 2, about half of them.

    >>> import corridor_sim as cs
    >>> from corridor_sim.scenarios import example_scenario
    >>> s = example_scenario(seed=1)
    >>> mc = cs.monte_carlo(s, 20, distributions={"d.demand": ("uniform", 1.0, 3.0)},
    ...                     catalogue=False, thresholds=["unmet>0"], progress=False)
    >>> wide = mc.wide()
    >>> p = mc.summary().thresholds["probability"].iloc[0]
    >>> bool(p == (wide["d.demand"] > 2.0).mean())
    True
    """
    check_executor(executor, max_workers)
    kept = check_table_names(tables)
    scn = load(scenario)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        msg = f"n = {n!r}: expected a positive number of draws"
        raise ScenarioError(msg)
    n = int(n)
    _check_runs("n", n, "draws")
    scn, dropped = _without_model_study(scn.check(), model_study)
    entry = get_model(scn.model)
    params = entry.parameters(scn.year) or {}
    explicit = explicit_inputs(distributions or {}, params, scn.model, list(facts().index))
    if not explicit and not catalogue:
        msg = "distributions is empty and catalogue=False: name at least one input to draw"
        raise ScenarioError(msg)
    spec = {
        "kind": "monte_carlo",
        "scenario": scn.to_dict(),
        "distributions": {i.name: list(i.spec) for i in explicit if i.spec is not None},
        "catalogue": bool(catalogue),
        "tables": kept,
    }
    ckpt = _checkpoint(checkpoint, spec)
    base = ckpt.load_base() if ckpt else None
    if base is None:
        base = _probe(scn, explicit, params, kept)
        if ckpt:
            ckpt.save_base(base)
    named = {i.name for i in explicit}
    drawn_rows = (
        [
            Input(fid, "catalogue", unit=u)
            for fid, u in ranges(base["read"])["unit"].items()
            if fid not in named
        ]
        if catalogue
        else []
    )
    inputs = [*explicit, *drawn_rows]
    if not inputs:
        warnings.warn(
            f"model {scn.model!r} reads no catalogue row with a range and no distribution was "
            "given: the draws differ only by their scenario seed",
            UserWarning,
            stacklevel=2,
        )
    names = [i.name for i in inputs]
    store = _store_of(checkpoint)
    payloads = Payloads(
        n,
        lambda i: {
            **_payload(scn, inputs, i),
            **({"tables": kept, "store": store} if kept else {}),
        },
    )
    payloads[0]  # the first draw is made, so checked, before any run
    records = ckpt.load(range(n)) if ckpt else {}
    table_inputs = pd.DataFrame([i.describe() for i in inputs], columns=_INPUT_COLUMNS)
    summary = base.get("summary") or {}
    base_table = pd.DataFrame(summary, columns=["metric", "value", "unit", "element"])
    how = _Execution(executor, max_workers, progress, checkpoint)
    meta = _meta("Monte Carlo", scn, n, how, dropped, thresholds, seed=int(scn.seed))
    meta["base_bottleneck"] = base.get("bottleneck", "")

    def result(done: dict[int, dict[str, Any]]) -> StudyResult:
        tables = build_tables("monte_carlo", done, names)
        return StudyResult(
            "monte_carlo",
            {**tables, "inputs": table_inputs, "base": base_table},
            meta,
            kept=_kept(done, kept),
        )

    desc = f"monte carlo {meta['scenario']}"
    return how.execute(payloads, records, ckpt, result, desc=desc, unit="draw")


_INPUT_COLUMNS = [
    "input",
    "kind",
    "unit",
    "distribution",
    "low",
    "high",
    "base",
    "source",
    "reason",
]


def _check_runs(where: str, count: int, unit: str) -> None:
    """Refuse a study of more runs than this machine's memory holds (before any work)."""
    maximum, reason = max_study_runs()
    check_count(where, count, maximum, reason, unit)


def _grid_point(values: Mapping[str, Sequence[Any]], i: int) -> dict[str, Any]:
    """Point `i` of the Cartesian product of `values`, in :func:`itertools.product` order."""
    combo: dict[str, Any] = {}
    for name in reversed(list(values)):
        i, j = divmod(i, len(values[name]))
        combo[name] = values[name][j]
    return dict(reversed(list(combo.items())))


def _payload(scn: Scenario, inputs: Sequence[Input], i: int) -> dict[str, Any]:
    """Return the scenario and catalogue values of draw `i` (its scenario checked)."""
    values = {inp.name: inp.draw(scn.seed, i) for inp in inputs}
    combo = {inp.name: values[inp.name] for inp in inputs if inp.kind in ("parameter", "year")}
    catalogue = {inp.name: values[inp.name] for inp in inputs if inp.kind == "catalogue"}
    seed = draw_seed(scn.seed, i)
    variant = _variant(scn, combo, f"draw={i}").replace(seed=seed).check()
    return {
        "key": i,
        "scenario": variant,
        "catalogue": catalogue,
        "inputs": jsonable(values),
        "seed": seed,
    }
