"""Run scenarios: one run, a parameter sweep (capacity study), or a Monte Carlo study."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.errors import ScenarioError, UnknownNameError, suggest
from corridor_sim.models import get_model
from corridor_sim.results.result import Result
from corridor_sim.scenarios.executors import map_runs
from corridor_sim.scenarios.scenario import Scenario

__all__ = ["load", "monte_carlo", "run", "sweep"]

_DISTRIBUTIONS = {"uniform": 2, "normal": 2, "triangular": 3, "lognormal": 2, "choice": 1}


def load(scenario: Scenario | str | Path) -> Scenario:
    """Return `scenario` itself, or the Scenario read from a TOML path."""
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, (str, Path)):
        return Scenario.from_toml(scenario, check=False)
    msg = f"scenario = {scenario!r}: expected a Scenario or the path of a TOML file"
    raise ScenarioError(msg)


def run(scenario: Scenario | str | Path) -> Result:
    """Run one scenario and return its :class:`~corridor_sim.Result`.

    Parameters
    ----------
    scenario : Scenario, str or Path
        A Scenario, or the path of a scenario TOML file.

    Returns
    -------
    Result
        Tidy tables (``flows``, ``utilisation``, ``bottlenecks``, ``prices``,
        ``unmet``, ``storage`` where there is storage, and model-specific ones),
        ``summary()`` and ``meta`` (model, year, scenario, seed, overrides, events).

    Raises
    ------
    ScenarioError
        If the scenario is invalid for its model (checked before anything runs).
    InfeasibleError
        If the model's problem has no solution; the message names the constraint.

    Examples
    --------
    >>> import corridor_sim as cs
    >>> net = {"unit": "t", "nodes": [{"id": "s", "kind": "supply", "supply": 5},
    ...        {"id": "d", "kind": "demand", "demand": 3}],
    ...        "arcs": [{"source": "s", "target": "d", "capacity": 2}]}
    >>> r = cs.run(cs.Scenario(model="commodity", year=2025, network=net))
    >>> r.metric("unmet")
    1.0
    """
    scn = load(scenario).check()
    entry = get_model(scn.model)
    result = entry.run(scn)
    result.meta = {
        **result.meta,
        "model": scn.model,
        "year": int(scn.year),
        "scenario": scn.name or scn.model,
        "seed": int(scn.seed),
        "resolution": scn.resolution or entry.resolutions[0],
        "overrides": dict(scn.overrides),
        "options": dict(scn.options),
        "events": [e.to_dict() for e in scn.events],
    }
    if scn.source is not None:
        result.meta["source"] = str(scn.source)
    return result


def _run_summary(scenario: Scenario) -> tuple[pd.DataFrame, str]:
    result = run(scenario)
    return result.summary(), str(result.meta.get("bottleneck", "") or "")


def _grid(scn: Scenario, grid: Mapping[str, Sequence[Any]] | None) -> dict[str, list[Any]]:
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


def _tidy(
    combos: list[dict[str, Any]],
    outputs: list[tuple[pd.DataFrame, str]],
    key: str,
) -> pd.DataFrame:
    frames = []
    for i, (combo, (summary, bottleneck)) in enumerate(zip(combos, outputs, strict=True)):
        frame = summary.copy()
        for name, value in reversed(list(combo.items())):
            frame.insert(0, name, value)
        frame.insert(0, key, i)
        frame["bottleneck"] = bottleneck
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def sweep(
    scenario: Scenario | str | Path,
    grid: Mapping[str, Sequence[Any]] | None = None,
    *,
    executor: str = "serial",
    max_workers: int | None = None,
) -> pd.DataFrame:
    """Run `scenario` over a grid of parameter values (a capacity study).

    Parameters
    ----------
    scenario : Scenario, str or Path
        The base scenario.
    grid : mapping of str to list, optional
        Parameter name (a model override, or ``"year"``) to the values to try;
        several parameters give their Cartesian product. Defaults to the
        scenario's ``[sweep]`` table.
    executor : {"serial", "process", "dask"}, default "serial"
        Where the runs execute (see :func:`corridor_sim.scenarios.executors.map_runs`).
    max_workers : int, optional
        Pool size for ``"process"``.

    Returns
    -------
    pandas.DataFrame
        Long table: ``run``, one column per swept parameter, ``metric``,
        ``value``, ``unit``, ``bottleneck`` (the binding element the model
        names, empty when nothing binds). Same order whatever the executor.

    Raises
    ------
    ScenarioError
        If a swept name is not a parameter of the model or a value is out of bounds.

    Examples
    --------
    >>> import corridor_sim as cs
    >>> net = {"nodes": [{"id": "s", "kind": "supply", "supply": 5},
    ...        {"id": "d", "kind": "demand", "demand": 3}],
    ...        "arcs": [{"source": "s", "target": "d", "capacity": 2}]}
    >>> s = cs.Scenario(model="commodity", year=2025, network=net)
    >>> t = cs.sweep(s, {"s->d.capacity": [1.0, 4.0]})
    >>> t.loc[t.metric == "delivered", "value"].tolist()
    [1.0, 3.0]
    """
    scn = load(scenario)
    values = _grid(scn, grid)
    scn.replace(sweep=values).check()  # errors name "sweep.<parameter>", not an override
    names = list(values)
    combos = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values.values())]
    variants = [
        _variant(scn, combo, ",".join(f"{k}={v}" for k, v in combo.items())) for combo in combos
    ]
    for variant in variants:
        variant.check()
    outputs = map_runs(_run_summary, variants, executor=executor, max_workers=max_workers)
    return _tidy(combos, outputs, "run")


def _draw(
    rng: np.random.Generator,
    name: str,
    spec: Sequence[Any],
    n: int,
) -> np.ndarray:
    if isinstance(spec, (str, bytes)) or not isinstance(spec, Sequence) or not spec:
        msg = f"distributions[{name!r}] = {spec!r}: expected e.g. ('uniform', low, high)"
        raise ScenarioError(msg)
    kind, *args = spec
    if kind not in _DISTRIBUTIONS:
        msg = (
            f"distributions[{name!r}]: unknown distribution {kind!r}, "
            f"{suggest(str(kind), _DISTRIBUTIONS)}"
        )
        raise ScenarioError(msg)
    if len(args) != _DISTRIBUTIONS[kind]:
        msg = (
            f"distributions[{name!r}] = {spec!r}: {kind!r} takes "
            f"{_DISTRIBUTIONS[kind]} argument(s), got {len(args)}"
        )
        raise ScenarioError(msg)
    if kind == "choice":
        options = list(args[0])
        return np.asarray(options, dtype=object)[rng.integers(0, len(options), size=n)]
    if not all(isinstance(a, (int, float)) and math.isfinite(a) for a in args):
        msg = f"distributions[{name!r}] = {spec!r}: expected finite numbers after {kind!r}"
        raise ScenarioError(msg)
    if kind == "uniform":
        return rng.uniform(args[0], args[1], size=n)
    if kind == "normal":
        return rng.normal(args[0], args[1], size=n)
    if kind == "lognormal":
        return rng.lognormal(args[0], args[1], size=n)
    return rng.triangular(args[0], args[1], args[2], size=n)


def monte_carlo(
    scenario: Scenario | str | Path,
    n: int,
    *,
    distributions: Mapping[str, Sequence[Any]],
    executor: str = "serial",
    max_workers: int | None = None,
) -> pd.DataFrame:
    """Run `n` draws of uncertain parameters around `scenario`.

    Parameters
    ----------
    scenario : Scenario, str or Path
        The base scenario; its ``seed`` seeds every draw.
    n : int
        Number of draws (>= 1).
    distributions : mapping
        Parameter name to ``("uniform", low, high)``, ``("normal", mean, sd)``,
        ``("lognormal", mean, sigma)``, ``("triangular", low, mode, high)`` or
        ``("choice", [values])``. Numeric draws are clipped to the parameter's
        documented bounds (``Parameter.minimum`` / ``maximum``), so a normal
        distribution never asks for a negative capacity.
    executor, max_workers
        As in :func:`sweep`.

    Returns
    -------
    pandas.DataFrame
        Long table: ``draw``, one column per drawn parameter, ``metric``,
        ``value``, ``unit``, ``bottleneck``. The same seed gives the same table.
    """
    scn = load(scenario)
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        msg = f"n = {n!r}: expected a positive number of draws"
        raise ScenarioError(msg)
    if not distributions:
        msg = "distributions is empty: name at least one parameter to draw"
        raise ScenarioError(msg)
    params = get_model(scn.model).parameters(scn.year) or {}
    rng = scn.rng()
    draws: dict[str, np.ndarray] = {}
    for name in sorted(distributions):
        if params and name not in params:
            msg = (
                f"distributions: {name!r} is not a parameter of model {scn.model!r}, "
                f"{suggest(name, params)}"
            )
            raise UnknownNameError(msg)
        values = _draw(rng, name, distributions[name], n)
        if name == "year" and not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values
        ):
            msg = (
                f"distributions['year'] = {distributions[name]!r}: draws must be integer "
                "years; expected ('choice', [2025, 2030, ...])"
            )
            raise ScenarioError(msg)
        spec = params.get(name)
        if spec is not None and values.dtype != object:
            values = np.clip(values, spec.minimum, spec.maximum)
        draws[name] = values
    seeds = rng.integers(0, 2**31 - 1, size=n)
    combos = [
        {k: (v[i].item() if hasattr(v[i], "item") else v[i]) for k, v in draws.items()}
        for i in range(n)
    ]
    variants = [
        _variant(scn, combo, f"draw={i}").replace(seed=int(seeds[i]))
        for i, combo in enumerate(combos)
    ]
    for variant in variants:
        variant.check()
    outputs = map_runs(_run_summary, variants, executor=executor, max_workers=max_workers)
    return _tidy(combos, outputs, "draw")
