"""Benchmark: one Monte Carlo study serially, on a process pool, and on Dask with 1/2/4 workers.

Runs the same study (default: 200 draws of ``examples/oil_storm_season.toml`` over the
catalogue's ranges) serially, on a process pool, and on Dask's distributed scheduler with
clusters of 1, 2 and 4 single-threaded process workers, checks that every run gives the
tables of the serial one, and measures the terms of the cost model of docs/scaling.md:

``t_draw``
    seconds per draw (the serial study divided by its draws);
``t_task``
    the scheduler's and the study's own cost per task: draws of a payload and a record of
    the study's sizes that do nothing, through the same executor, on one worker;
``bytes``
    bytes moved per draw (the pickled payload out, the pickled record back);
``t_start``, ``t_warm``
    a cluster's start, and its workers' first imports of corridor_sim and the models.

``t_cpu``
    CPU seconds per draw (the serial study's CPU divided by its draws).

The model: ``T(N) = t_start + t_warm + n * max(t_cpu / c(N), t_task)``, where ``c(N)`` is
the cores the N workers get: ``min(N, C)`` on C idle cores. On a shared machine other
jobs take their share: with L other runnable processes the kernel gives N workers about
``C * N / (N + L)`` cores, so ``c(N) = min(N, C, C * N / (N + L))``. The script measures
L just before each Dask run (a one-second busy loop: it gets ``C / (1 + L)`` of a core) and
prints the prediction beside the measured time.

``--peak-memory FILE ...`` instead runs one draw of each scenario in a fresh process and
prints its peak resident memory (what one single-threaded worker needs).

Run::

    python benchmarks/bench_monte_carlo.py [-n 200] [--workers 1 2 4] [--scenario FILE]
    python benchmarks/bench_monte_carlo.py --peak-memory examples/caspian_2032.toml
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import subprocess
import sys
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
    load = os.getloadavg()[0]
    cpu = _cpu()
    start = time.perf_counter()
    out = func(*args, **kwargs)
    seconds = time.perf_counter() - start
    cpu = _cpu() - cpu
    print(
        f"  {label:<44} {seconds:8.2f} s wall {cpu:7.2f} s CPU here  load {load:4.1f}", flush=True
    )
    return out, seconds


def _self_cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def other_load(cores: int, seconds: float = 1.0) -> float:
    """Other runnable processes, from the share of a core a busy loop gets now."""
    cpu, start = _self_cpu(), time.perf_counter()
    while time.perf_counter() - start < seconds:
        pass
    share = (_self_cpu() - cpu) / (time.perf_counter() - start)
    return max(0.0, cores / max(share, 1e-3) - 1.0) if share < 0.97 else 0.0


def cores_for(workers: int, cores: int, load: float) -> float:
    """c(N): the cores N workers get on `cores` cores beside `load` other processes."""
    return min(workers, cores, cores * workers / (workers + load))


def same(a: cs.StudyResult, b: cs.StudyResult) -> bool:
    try:
        for name in ("runs", "values"):
            pd.testing.assert_frame_equal(a.table(name), b.table(name))
    except AssertionError:
        return False
    return True


def _echo(payload):
    """A task of a draw's size that does nothing: returns the record it was given."""
    return payload["record"]


def _warm(_):
    """Import what a draw imports (a worker's first task pays this)."""
    import corridor_sim.models.oil
    import corridor_sim.scenarios.single  # noqa: F401

    return os.getpid()


def payload_bytes(scn: cs.Scenario, study: cs.StudyResult) -> tuple[int, int, dict]:
    """Pickled sizes of one draw's payload and record, and a record to echo."""
    from corridor_sim.scenarios import runner

    base = runner._probe(scn, [], {}, [])  # the study's own base record
    names = study.input_names
    draw = study.runs.iloc[0]
    payload = {
        "key": 0,
        "scenario": scn,
        "catalogue": {n: draw[n] for n in names},
        "inputs": {n: draw[n] for n in names},
        "seed": int(draw["seed"]),
        "limit_threads": True,
    }
    record = {**base, "key": 0, "inputs": payload["inputs"], "seed": payload["seed"]}
    return len(pickle.dumps(payload)), len(pickle.dumps(record)), record


_ONE_DRAW = """
import resource, sys, time
import corridor_sim as cs
from corridor_sim.scenarios.execute import run_task
scn = cs.Scenario.from_toml(sys.argv[1])
imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
record = run_task({"key": 0, "scenario": scn, "catalogue": {}, "inputs": {}, "seed": 1})
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{sys.argv[1]}: {record['status']} in {time.perf_counter() - start:.1f} s, "
      f"peak RSS {peak:.0f} MiB ({imported:.0f} MiB after the imports)")
"""


def peak_memory(files: list[str]) -> None:
    """One draw of each scenario in a fresh process: its peak resident memory."""
    for path in files:
        subprocess.run([sys.executable, "-c", _ONE_DRAW, path], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="draws")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--pool", type=int, default=2, help="process-pool workers")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1, help="C in the model")
    parser.add_argument("--scenario", default=str(ROOT / "examples" / "oil_storm_season.toml"))
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--peak-memory", nargs="+", metavar="FILE", default=None)
    args = parser.parse_args()
    if args.peak_memory:
        peak_memory(args.peak_memory)
        return
    scn = cs.Scenario.from_toml(args.scenario)
    kw = {"progress": False}
    n = args.n
    print(
        f"{n}-draw Monte Carlo of {Path(args.scenario).name} ({scn.model}), "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    cs.run(scn)  # imports and first-call costs out of the serial time
    cpu = _self_cpu()
    serial, t_serial = timed("serial", cs.monte_carlo, scn, n, **kw)
    t_cpu = (_self_cpu() - cpu) / n
    print(
        f"    t_draw = {t_serial / n * 1000:.1f} ms per draw (wall), t_cpu = {t_cpu * 1000:.1f} ms "
        f"CPU; inputs: {len(serial.input_names)}"
    )
    pool, t_pool = timed(
        f"process pool, {args.pool} workers",
        cs.monte_carlo,
        scn,
        n,
        executor="process",
        max_workers=args.pool,
        **kw,
    )
    rows = [
        ("serial", 1, t_serial, None, True),
        ("process pool", args.pool, t_pool, None, same(serial, pool)),
    ]
    if not args.no_dask:
        rows += _dask_rows(scn, serial, n, args, t_cpu)
    print("\n| executor | workers | time (s) | speed-up | model (s) | tables equal to serial |")
    print("|---|---|---|---|---|---|")
    for label, workers, seconds, model, equal in rows:
        predicted = "" if model is None else f"{model:.2f}"
        print(
            f"| {label} | {workers} | {seconds:.2f} | {t_serial / seconds:.2f}x | {predicted} "
            f"| {'yes' if equal else 'NO'} |"
        )


def _worker_peak_mib(_=None):
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker_cpu(_=None):
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def _dask_rows(scn, serial, n, args, t_cpu):
    try:
        from dask.distributed import Client
    except ImportError:
        print("  dask.distributed not installed: pip install 'corridor_sim[dask]'")
        return []
    from corridor_sim.scenarios._dask import OwnCluster
    from corridor_sim.scenarios.executors import map_runs

    out_b, back_b, record = payload_bytes(scn, serial)
    print(f"    bytes per draw: {out_b} out (payload) + {back_b} back (record)")
    rows = []
    t_task = None
    for workers in args.workers:
        print(f"  Dask, {workers} worker(s):")
        start = time.perf_counter()
        cluster = OwnCluster(workers)
        client = Client(cluster.address)
        t_start = time.perf_counter() - start
        try:
            _, t_warm = timed("workers' first imports (t_warm)", client.run, _warm, 0)
            if t_task is None:  # one worker: the cost of a task that does nothing
                echo = [{"record": record, "pad": b"x" * out_b}] * n
                _, t_echo = timed(
                    f"{n} empty tasks of a draw's size", map_runs, _echo, echo, executor="dask"
                )
                t_task = t_echo / n
                print(f"    t_task = {t_task * 1000:.2f} ms per task")
            load = other_load(args.cores)
            before = sum(client.run(_worker_cpu).values())
            study, t_study = timed(
                "study (client running, workers warm)",
                cs.monte_carlo,
                scn,
                n,
                executor="dask",
                progress=False,
            )
            worker_cpu = (sum(client.run(_worker_cpu).values()) - before) / n
            peak = max(client.run(_worker_peak_mib).values())
        finally:
            client.close()
            cluster.close()
        c = cores_for(workers, args.cores, load)
        model = n * max(t_cpu / c, t_task)
        print(
            f"    other load L = {load:.1f}, c(N) = {c:.2f} cores; workers' CPU per draw "
            f"{worker_cpu * 1000:.1f} ms; worker peak RSS {peak:.0f} MiB (limit "
            f"{(cluster.memory_limit_bytes or 0) / 2**30:.1f} GiB)"
        )
        print(
            f"    t_start = {t_start:.2f} s; model for the study {model:.2f} s, "
            f"measured {t_study:.2f} s "
            f"({(t_study - model) / model * 100:+.0f} %); with start and imports "
            f"{t_start + t_warm + t_study:.2f} s"
        )
        rows.append(
            (
                f"Dask (study alone; +{t_start + t_warm:.1f} s start and imports)",
                workers,
                t_study,
                model,
                same(serial, study),
            )
        )
    return rows


if __name__ == "__main__":
    main()
