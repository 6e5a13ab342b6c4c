"""Benchmark: one Monte Carlo study of a corridor model on the three executors.

Runs the same study (default: 200 draws of ``examples/oil_storm_season.toml`` over the
catalogue's ranges) serially, on a process pool of ``--workers`` processes, and on Dask's
distributed scheduler with a ``LocalCluster`` of ``--workers`` single-threaded process
workers, then prints each time and the speed-up over serial. It checks that the three
studies give identical tables (draw ``i`` depends only on the seed and ``i``).

Dask is timed twice: with the cluster started beforehand (as when a client is already
running: the study alone) and including the cluster's start and close (what
``executor="dask"`` costs when no client is running).

Speed-ups need an otherwise idle machine. The script prints the load average, and the CPU
seconds the serial and process-pool studies used (this process plus its worker processes):
equal CPU seconds mean the workers do not slow each other down (no thread
oversubscription), whatever else the machine runs.

Run::

    python benchmarks/bench_monte_carlo.py [-n 200] [--workers 2] [--scenario FILE]
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import time
from pathlib import Path

import pandas as pd

import corridor_sim as cs

ROOT = Path(__file__).resolve().parents[1]


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(label: str, func, *args, **kwargs):
    cpu = _cpu()
    start = time.perf_counter()
    out = func(*args, **kwargs)
    seconds = time.perf_counter() - start
    cpu = _cpu() - cpu
    print(f"  {label:<40} {seconds:8.2f} s wall {cpu:8.2f} s CPU", flush=True)
    return out, seconds


def same(a: cs.StudyResult, b: cs.StudyResult) -> bool:
    try:
        for name in ("runs", "values"):
            pd.testing.assert_frame_equal(a.table(name), b.table(name))
    except AssertionError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="draws")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scenario", default=str(ROOT / "examples" / "oil_storm_season.toml"))
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    scn = cs.Scenario.from_toml(args.scenario)
    kw = {"progress": False}
    print(
        f"{args.n}-draw Monte Carlo of {Path(args.scenario).name} ({scn.model}), "
        f"{os.cpu_count()} cores, {args.workers} workers, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    cs.run(scn)  # imports and first-call costs out of the serial time
    serial, t_serial = timed("serial", cs.monte_carlo, scn, args.n, **kw)
    print(f"    {t_serial / args.n * 1000:.0f} ms per draw; inputs: {len(serial.input_names)}")
    pool, t_pool = timed(
        f"process pool, {args.workers} workers",
        cs.monte_carlo,
        scn,
        args.n,
        executor="process",
        max_workers=args.workers,
        **kw,
    )
    rows = [("serial", t_serial, True), (f"process ({args.workers})", t_pool, same(serial, pool))]
    if not args.no_dask:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            print("  dask.distributed not installed: pip install 'corridor_sim[dask]'")
        else:
            start = time.perf_counter()
            cluster = LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
            t_start = time.perf_counter() - start
            print(f"  {'dask LocalCluster start':<38} {t_start:8.2f} s")
            with client:
                dask, t_dask = timed(
                    f"dask, running client, {args.workers} workers",
                    cs.monte_carlo,
                    scn,
                    args.n,
                    executor="dask",
                    **kw,
                )
            cluster.close()
            rows.append((f"dask, client running ({args.workers})", t_dask, same(serial, dask)))
            own, t_own = timed(
                "dask, LocalCluster started by the study",
                cs.monte_carlo,
                scn,
                args.n,
                executor="dask",
                max_workers=args.workers,
                **kw,
            )
            rows.append((f"dask, own LocalCluster ({args.workers})", t_own, same(serial, own)))
    print(f"\nload average at the end {os.getloadavg()[0]:.1f} (CPU of Dask workers not counted)")
    print("| executor | time (s) | speed-up | tables equal to serial |")
    print("|---|---|---|---|")
    for label, seconds, equal in rows:
        print(
            f"| {label} | {seconds:.2f} | {t_serial / seconds:.2f}x | {'yes' if equal else 'NO'} |"
        )


if __name__ == "__main__":
    main()
