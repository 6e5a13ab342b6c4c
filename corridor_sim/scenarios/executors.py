"""Where many scenario runs execute: in-process, a process pool, or Dask.

Every executor maps a top-level function over picklable payloads and returns
the results in input order, so a sweep gives the same table whichever runs it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from enum import StrEnum
from typing import Any, TypeVar

from corridor_sim.errors import OptionalDependencyError, ScenarioError

__all__ = ["Executor", "map_runs"]

T = TypeVar("T")


class Executor(StrEnum):
    """How a sweep or Monte Carlo study runs its scenarios."""

    SERIAL = "serial"
    PROCESS = "process"
    DASK = "dask"


def map_runs(
    func: Callable[[Any], T],
    payloads: Sequence[Any],
    *,
    executor: str = "serial",
    max_workers: int | None = None,
) -> list[T]:
    """Apply `func` to every payload with the chosen executor, keeping order.

    Parameters
    ----------
    func : callable
        A module-level function (it must pickle for ``"process"`` and ``"dask"``).
    payloads : sequence
        One argument per run.
    executor : {"serial", "process", "dask"}, default "serial"
        ``"process"`` uses :class:`concurrent.futures.ProcessPoolExecutor`;
        ``"dask"`` uses ``dask.delayed`` and the active scheduler (a
        ``dask.distributed.Client`` if one is running, so clusters work).
    max_workers : int, optional
        Pool size for ``"process"``.

    Raises
    ------
    ScenarioError
        For an unknown executor name.
    OptionalDependencyError
        For ``"dask"`` when Dask is not installed.
    """
    try:
        kind = Executor(executor)
    except ValueError as err:
        valid = ", ".join(repr(e.value) for e in Executor)
        msg = f"executor = {executor!r}: expected one of {valid}"
        raise ScenarioError(msg) from err
    if kind is Executor.SERIAL or len(payloads) <= 1:
        return [func(p) for p in payloads]
    if kind is Executor.PROCESS:
        with ProcessPoolExecutor(max_workers=max_workers) as pool:
            return list(pool.map(func, payloads))
    try:
        dask = importlib.import_module("dask")
    except ModuleNotFoundError as err:
        msg = (
            "executor = 'dask' needs Dask, which is not installed: "
            "pip install 'corridor_sim[dask]' (or use executor='process')"
        )
        raise OptionalDependencyError(msg) from err
    tasks = [dask.delayed(func)(p) for p in payloads]
    return list(dask.compute(*tasks))
