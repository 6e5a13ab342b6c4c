"""The process that holds a study's own Dask ``LocalCluster`` (``python -m`` this module).

``executor="dask"`` without a running client starts this module as a child process in a
session of its own, connects a ``Client`` to the scheduler address it prints, and ends
the whole process group when the study is over. Keeping the cluster out of the study's
process gives three things:

- Ctrl-C in a terminal goes to the foreground process group only: the study's process
  gets it (and ends the cluster), the workers never see it, and the study's process never
  has to ignore SIGINT, not even while the workers start;
- Dask's worker processes are spawned by *this* module, so they re-import this module,
  not the user's script: a plain ``python study.py`` without an
  ``if __name__ == "__main__":`` guard works;
- ending the study is one ``killpg``, immediate at any moment (the workers hold nothing
  that is not already saved or returned).

Protocol: the first line on stdout is a JSON object ``{"address": ..., "workers": ...,
"memory_limit_bytes": ...}``; the process then waits for its stdin to close (the study
ended, or its process died) and ends its process group.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading


def _end_group() -> None:
    """End this process and every worker it started (one process group)."""
    try:
        os.killpg(os.getpgrp(), signal.SIGKILL)
    finally:  # not the group leader (run by hand): end this process at least
        os._exit(0)


def _watch_stdin() -> None:
    """End the group when stdin closes (the study is over or its process died)."""
    try:
        while sys.stdin.buffer.read(1 << 16):
            pass
    finally:
        _end_group()


#: What a draw imports: the workers fork from one process that imported them once.
PRELOAD = (
    "pandas",
    "pandapower",
    "highspy",
    "corridor_sim.scenarios.execute",
    "corridor_sim.scenarios.single",
    "corridor_sim.models",
)


def _fork_warm_workers() -> None:
    """Start workers by forking a server that imported :data:`PRELOAD` (not by spawning).

    Spawned workers each import pandas, pandapower and the models on their first draw
    (seconds each, all at once on a small machine); forked from a warm server, they start
    with them imported. Falls back to Dask's default where forkserver is missing.
    """
    import multiprocessing
    import multiprocessing.forkserver

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    import dask
    from distributed.utils import get_mp_context

    dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"})
    get_mp_context()  # Dask's own preload list first
    dasks = list(getattr(multiprocessing.forkserver._forkserver, "_preload_modules", []))
    multiprocessing.get_context("forkserver").set_forkserver_preload([*dasks, *PRELOAD])


def main(argv: list[str] | None = None) -> None:
    """Start the cluster, print its address, serve until stdin closes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--memory-limit", default="auto")
    parser.add_argument("--local-directory", default=None)
    args = parser.parse_args(argv)
    threading.Thread(target=_watch_stdin, daemon=True).start()
    from corridor_sim.scenarios.executors import THREAD_VARIABLES

    os.environ.update(dict.fromkeys(THREAD_VARIABLES, "1"))
    _fork_warm_workers()
    from dask.distributed import LocalCluster  # after the watcher is up

    cluster = LocalCluster(
        n_workers=args.workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.CRITICAL,
        memory_limit=args.memory_limit,
        local_directory=args.local_directory,
        env=dict.fromkeys(THREAD_VARIABLES, "1"),
    )
    limits = [w.memory_manager.memory_limit for w in cluster.workers.values()]
    line = {
        "address": cluster.scheduler_address,
        "workers": len(cluster.workers),
        "memory_limit_bytes": int(limits[0]) if limits and limits[0] else None,
    }
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()
    threading.Event().wait()  # until the watcher ends the group


if __name__ == "__main__":
    main()
