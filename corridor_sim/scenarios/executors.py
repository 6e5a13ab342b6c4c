"""Where many scenario runs execute: in-process, a process pool, or Dask.

Every executor applies a module-level function to picklable payloads.
:func:`iter_runs` yields ``(index, result)`` as runs finish (so a study can save each one
and count it on its progress bar); :func:`map_runs` returns the results in input order.
Whatever the executor, a run's result depends only on its payload, so a study gives the
same table on every executor and worker count.

Workers do not fight over the machine's cores: every process-pool and Dask worker limits
BLAS and OpenMP pools to one thread (:func:`limit_threads`), so two workers on two cores
run two solvers, not two times two threads. ``executor="dask"`` uses Dask's distributed
scheduler: the running ``dask.distributed.Client`` if there is one (a cluster), otherwise a
``LocalCluster`` of single-threaded process workers started for the study in a child
process group of its own and ended with it (:mod:`corridor_sim.scenarios._dask`). Dask's
default threaded scheduler cannot run these models in parallel (they hold the GIL in pandas
and pandapower code), so without ``distributed`` the runs go one by one, with a warning.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import signal
import warnings
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from enum import StrEnum
from typing import Any, TypeVar

from corridor_sim.errors import OptionalDependencyError, ScenarioError

__all__ = [
    "THREAD_VARIABLES",
    "Executor",
    "check_executor",
    "iter_runs",
    "limit_threads",
    "map_runs",
]

T = TypeVar("T")

logger = logging.getLogger(__name__)

#: Environment variables that cap BLAS / OpenMP thread pools, set to 1 in every worker.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)

_LIMITS: list[Any] = []  # the threadpoolctl limiter of this worker process, kept alive


class Executor(StrEnum):
    """How a sweep or Monte Carlo study runs its scenarios."""

    SERIAL = "serial"
    PROCESS = "process"
    DASK = "dask"


def limit_threads() -> None:
    """Limit this process's BLAS and OpenMP thread pools to one thread (once per process).

    Sets :data:`THREAD_VARIABLES` for libraries loaded later and, through threadpoolctl,
    resizes the pools of those already loaded (a forked worker inherits numpy's OpenBLAS).
    """
    if _LIMITS:
        return
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency; the variables still apply
        _LIMITS.append(None)
        return
    _LIMITS.append(threadpool_limits(limits=1))


def _init_worker() -> None:
    """Process-pool worker start: one BLAS thread; Ctrl-C is the parent's to handle.

    The worker was forked with SIGINT blocked (:func:`_sigint_blocked`): a Ctrl-C that
    reached it before this point is still pending, and is dropped by ignoring SIGINT
    before unblocking it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    limit_threads()


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Block SIGINT in this thread while worker processes are forked from it.

    Blocked, not ignored: a Ctrl-C in this window waits and arrives when the block ends,
    so it is never lost; a forked worker inherits the block and ignores SIGINT before
    lifting it (:func:`_init_worker`), so it never prints a traceback of its own.
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _kind(executor: str) -> Executor:
    try:
        return Executor(executor)
    except ValueError as err:
        valid = ", ".join(repr(e.value) for e in Executor)
        msg = f"executor = {executor!r}: expected one of {valid}"
        raise ScenarioError(msg) from err


def _check_workers(max_workers: int | None) -> int | None:
    if max_workers is None:
        return None
    if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
        msg = f"max_workers = {max_workers!r}: expected a whole number of workers >= 1 (or None)"
        raise ScenarioError(msg)
    return max_workers


def check_executor(executor: str, max_workers: int | None) -> Executor:
    """Check an executor name and worker count before a study starts.

    Raises
    ------
    ScenarioError
        Naming the argument, the value and what was expected.
    """
    kind = _kind(executor)
    _check_workers(max_workers)
    return kind


def iter_runs(
    func: Callable[[Any], T],
    payloads: Sequence[Any],
    *,
    executor: str = "serial",
    max_workers: int | None = None,
    on_lost: Callable[[Any, str], T] | None = None,
) -> Generator[tuple[int, T], None, None]:
    """Apply `func` to every payload; yield ``(index, result)`` as each run finishes.

    Parameters
    ----------
    func : callable
        A module-level function (it must pickle for ``"process"`` and ``"dask"``).
    payloads : sequence
        One argument per run; only ``len()`` and iteration are used, and a process pool
        takes the payloads one by one as workers free up, so a lazy sequence stays lazy.
    executor : {"serial", "process", "dask"}, default "serial"
        ``"serial"`` runs here, in order; ``"process"`` uses a
        :class:`~concurrent.futures.ProcessPoolExecutor`; ``"dask"`` uses the running
        ``dask.distributed.Client`` or a ``LocalCluster`` started for these runs.
    max_workers : int, optional
        Worker processes (default: the machine's cores, at most one per payload).
    on_lost : callable, optional
        ``"dask"`` only: ``on_lost(payload, message)`` is the result of a run whose workers
        kept dying (Dask's ``KilledWorker``); without it, that error ends the runs.

    Raises
    ------
    ScenarioError
        For an unknown executor name or a bad `max_workers`.
    OptionalDependencyError
        For ``"dask"`` when Dask is not installed.

    Notes
    -----
    A process pool starts its workers when this is called, not on the first ``next()``.
    Closing the generator early (an exception or Ctrl-C in the loop body) cancels the runs
    not yet started and stops the workers; runs already yielded are kept by the caller.
    """
    kind = _kind(executor)
    workers = _check_workers(max_workers)
    if kind is Executor.DASK:
        return _iter_dask(func, payloads, workers, on_lost)
    if kind is Executor.SERIAL or len(payloads) <= 1 or workers == 1:
        return ((i, func(p)) for i, p in enumerate(payloads))
    # the pool starts (forks its workers) now, before the caller starts a progress bar's thread
    size = min(workers or os.cpu_count() or 1, len(payloads))
    pool = ProcessPoolExecutor(max_workers=size, initializer=_init_worker)
    items = enumerate(payloads)  # made one by one: a lazy sequence stays lazy
    index: dict[Future[T], int] = {}
    try:
        with _sigint_blocked():  # the first submit forks every worker
            _submit(pool, func, items, index, 1)
        _submit(pool, func, items, index, _IN_FLIGHT_PER_WORKER * size - 1)
    except BaseException:
        _stop_pool(pool)
        raise
    return _drain_pool(pool, func, items, index, _IN_FLIGHT_PER_WORKER * size)


def map_runs(
    func: Callable[[Any], T],
    payloads: Sequence[Any],
    *,
    executor: str = "serial",
    max_workers: int | None = None,
) -> list[T]:
    """Apply `func` to every payload with the chosen executor; results in input order.

    See :func:`iter_runs` for the parameters and errors.
    """
    out: dict[int, T] = dict(iter_runs(func, payloads, executor=executor, max_workers=max_workers))
    return [out[i] for i in range(len(payloads))]


#: Runs handed to a process pool ahead of time, per worker (the rest wait unbuilt).
_IN_FLIGHT_PER_WORKER = 2


def _submit(
    pool: ProcessPoolExecutor,
    func: Callable[[Any], T],
    items: Iterator[tuple[int, Any]],
    index: dict[Future[T], int],
    count: int,
) -> None:
    """Submit up to `count` more payloads from `items`, recording each future's index."""
    for _ in range(count):
        item = next(items, None)
        if item is None:
            return
        index[pool.submit(func, item[1])] = item[0]


def _drain_pool(
    pool: ProcessPoolExecutor,
    func: Callable[[Any], T],
    items: Iterator[tuple[int, Any]],
    index: dict[Future[T], int],
    window: int,
) -> Generator[tuple[int, T], None, None]:
    finished = False
    try:
        pending = set(index)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=index.__getitem__):
                yield index.pop(fut), fut.result()
            _submit(pool, func, items, index, window - len(index))
            pending = set(index)  # the futures not yet yielded, new ones included
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            _stop_pool(pool)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel queued runs and end the workers now (interrupted or failed study)."""
    processes = list(getattr(pool, "_processes", {}).values())  # no public way to end them
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(timeout=5)


def _iter_dask(
    func: Callable[[Any], T],
    payloads: Iterable[Any],
    workers: int | None,
    on_lost: Callable[[Any, str], T] | None,
) -> Generator[tuple[int, T], None, None]:
    try:
        dask = importlib.import_module("dask")
    except ModuleNotFoundError as err:
        msg = (
            "executor = 'dask' needs Dask, which is not installed: "
            "pip install 'corridor_sim[dask]' (or use executor='process')"
        )
        raise OptionalDependencyError(msg) from err
    try:
        distributed = importlib.import_module("dask.distributed")
    except ModuleNotFoundError:
        warnings.warn(
            "executor='dask' without dask.distributed: Dask's threaded scheduler cannot run "
            "these models in parallel (they hold the GIL), so the runs go one by one; "
            "pip install 'dask[distributed]' or use executor='process'",
            RuntimeWarning,
            stacklevel=3,
        )
        for i, payload in enumerate(payloads):
            yield i, dask.compute(dask.delayed(func)(payload))[0]
        return
    from corridor_sim.scenarios._dask import iter_dask  # here: Dask is optional

    yield from iter_dask(func, payloads, distributed, workers, on_lost)
