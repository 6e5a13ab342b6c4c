"""The Dask executor: a study's runs as tasks on a running client or on a cluster of its own.

:func:`iter_dask` submits one task per payload, at most a few per worker thread at a time
(so neither the client nor the scheduler holds more than a window of payloads or results,
however many runs a study has), gathers each result as it finishes and releases it at
once. The scheduler re-runs the tasks of a worker that is lost (a killed process, a node
that dies); a run's result depends only on its payload and its record is keyed by it, so a
re-run changes nothing and no run is lost or counted twice. A run whose worker dies
``distributed.scheduler.allowed-failures`` + 1 times (3 + 1 by default; each time on a
different worker) is reported through `on_lost`, so the study records it as failed and
goes on.

Without a running client the study starts its own ``LocalCluster`` in a child process of
its own session (:mod:`corridor_sim.scenarios._dask_cluster`): Ctrl-C never reaches the
workers, a plain script without a main guard works, and the cluster ends with one
``killpg`` the moment the study ends or is interrupted.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from corridor_sim.errors import ScenarioError

__all__ = ["OwnCluster", "iter_dask"]

T = TypeVar("T")

logger = logging.getLogger(__name__)

#: Tasks in flight per worker thread: one running and one ready to start.
TASKS_PER_THREAD = 2
#: Seconds between looks at the cluster's size (an adaptive cluster grows and shrinks).
_RESIZE_EVERY_S = 2.0
#: Seconds a new cluster may take to print its address (workers import pandas on start).
START_TIMEOUT_S = 120.0


class OwnCluster:
    """A ``LocalCluster`` of single-threaded process workers in a child process group.

    Parameters
    ----------
    workers : int
        Worker processes.
    memory_limit : str or int, default "auto"
        Per worker, as Dask reads it (``"auto"``: the machine's memory divided by the
        workers); a worker above 95 % of it is restarted and its runs go elsewhere.

    Attributes
    ----------
    address : str
        The scheduler's address.
    memory_limit_bytes : int or None
        The memory limit of each worker.
    """

    def __init__(self, workers: int, memory_limit: str | int = "auto") -> None:
        self._tmp = Path(tempfile.mkdtemp(prefix="corridor_sim-dask-"))
        self._log = self._tmp / "cluster.log"
        self.proc: subprocess.Popen[bytes] | None = None
        try:
            self._start(workers, memory_limit)
        except BaseException:
            self.close()
            raise

    def _start(self, workers: int, memory_limit: str | int) -> None:
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.environ.get("PYTHONPATH", "")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (package_root, path) if p)}
        cmd = [
            sys.executable,
            "-m",
            "corridor_sim.scenarios._dask_cluster",
            "--workers",
            str(workers),
            "--memory-limit",
            str(memory_limit),
            "--local-directory",
            str(self._tmp),
        ]
        with self._log.open("wb") as log:
            self.proc = subprocess.Popen(  # our own module, no shell
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=env,
                start_new_session=True,  # Ctrl-C in a terminal does not reach the workers
            )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            tail = self._log.read_text(errors="replace").strip().splitlines()[-1:] or ["-"]
            msg = (
                f"executor = 'dask': the study's LocalCluster of {workers} workers did not "
                f"start (exit status {self.proc.returncode}: {tail[0]})"
            )
            raise ScenarioError(msg)
        info = json.loads(line)
        self.address: str = info["address"]
        self.workers: int = int(info["workers"])
        self.memory_limit_bytes: int | None = info["memory_limit_bytes"]

    def worker_pids(self) -> list[int]:
        """Process ids of the worker processes (children of the cluster process)."""
        if self.proc is None:
            return []
        pids: list[int] = []
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*"):  # Linux
            with contextlib.suppress(OSError):
                pids += [int(p) for p in (task / "children").read_text().split()]
        return sorted(pids)

    def close(self) -> None:
        """End the cluster and its workers now (one ``killpg``); remove its scratch folder."""
        proc, self.proc = self.proc, None
        if proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            proc.wait()
        shutil.rmtree(self._tmp, ignore_errors=True)


def _client(distributed: Any, workers: int | None) -> tuple[Any, OwnCluster | None]:
    """Return the running client, or a client of a new :class:`OwnCluster`."""
    try:
        return distributed.get_client(), None
    except ValueError:
        pass
    n = workers or os.cpu_count() or 1
    logger.info("starting a Dask LocalCluster of %d single-threaded process workers", n)
    cluster = OwnCluster(n)
    try:
        client = distributed.Client(cluster.address, set_as_default=False, timeout="60s")
    except BaseException:
        cluster.close()
        raise
    logger.info(
        "Dask cluster at %s: %d workers, memory limit %s per worker",
        cluster.address,
        cluster.workers,
        "none"
        if not cluster.memory_limit_bytes
        else f"{cluster.memory_limit_bytes / 2**30:.1f} GiB",
    )
    return client, cluster


def _threads(client: Any) -> int:
    with contextlib.suppress(Exception):
        return max(1, sum(client.nthreads().values()))
    return 1


def iter_dask(
    func: Callable[[Any], T],
    payloads: Iterable[Any],
    distributed: Any,  # the dask.distributed module
    workers: int | None,
    on_lost: Callable[[Any, str], T] | None = None,
) -> Iterator[tuple[int, T]]:
    """Yield ``(index, func(payload))`` as the runs finish on Dask's distributed scheduler.

    `payloads` is read lazily, a window of ``TASKS_PER_THREAD`` tasks per worker thread at
    a time. `on_lost(payload, message)` gives the result of a run whose workers kept dying
    (without it, that error ends the iteration).
    """
    client, cluster = _client(distributed, workers)
    prefix = f"{getattr(func, '__name__', 'run')}-{uuid.uuid4().hex[:8]}"
    source = enumerate(payloads)
    flying: dict[str, tuple[int, Any, Any]] = {}
    done = distributed.as_completed(loop=client.loop, with_results=False)
    threads, looked = _threads(client), time.monotonic()

    def refill() -> None:
        while len(flying) < TASKS_PER_THREAD * threads:
            try:
                i, payload = next(source)
            except StopIteration:
                return
            fut = client.submit(func, payload, key=f"{prefix}-{i}", pure=False)
            flying[fut.key] = (i, payload, fut)
            done.add(fut)

    try:
        refill()
        for fut in done:
            i, payload, _ = flying.pop(fut.key)
            try:
                result = fut.result()
            except distributed.KilledWorker as err:
                if on_lost is None:
                    raise
                result = on_lost(payload, f"KilledWorker: {err}")
            finally:
                fut.release()
            yield i, result
            if time.monotonic() - looked > _RESIZE_EVERY_S:
                threads, looked = _threads(client), time.monotonic()
            refill()
    finally:
        with _quiet_dask_logs():
            if cluster is not None:
                try:
                    with contextlib.suppress(Exception):
                        client.close(timeout=2)  # the scheduler still answers: quick
                finally:
                    cluster.close()
            elif flying:
                with contextlib.suppress(Exception):
                    client.cancel([f for _, _, f in flying.values()])


@contextlib.contextmanager
def _quiet_dask_logs() -> Iterator[None]:
    """Silence Dask's log lines about lost connections while a study ends its cluster."""
    quiet = [logging.getLogger(n) for n in ("distributed", "tornado", "asyncio")]
    levels = [q.level for q in quiet]
    for q in quiet:
        q.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for q, level in zip(quiet, levels, strict=True):
            q.setLevel(level)
