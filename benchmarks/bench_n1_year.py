"""Benchmark: the streaming N-1 of case9241pegase over hours of a year: time and peak memory.

Every in-service line outage x ``--hours`` hours of the seeded year of load and gen
profiles the other power benchmarks use (``bench_dc_flow.year_profiles``: 8,760 h, daily
and seasonal shape times noise), with :func:`corridor_sim.engines.power.n_minus_1`
(``outages="lines"``, ``violations="compact"``, ``memory_mib``). ``--mode store`` (the
default) runs the stored screen (``store_dir=`` a fresh temporary directory, removed after):
base-case flows made one block of hours at a time, violating pairs written to disk;
``--mode memory`` the in-memory screen (the whole base case and the ``violation_counts``
frame held). Each value of ``--hours`` runs in its **own worker process** (so its peak
memory is its own) with one BLAS thread; the worker reports wall and CPU time of the
``n_minus_1`` call, the process's peak resident memory (``ru_maxrss``: interpreter, net,
profiles and the call; making the year of profiles alone peaks at about 0.9 GiB), the
resident memory just before the call and the highest one sampled during it (every 0.1 s,
the call's own peak), the number of outages, violating (outage, element) pairs and
violating (outage, hour, element) rows, and the store's size on disk. ``--trace`` also
reports the call's peak of ``tracemalloc`` (Python and numpy allocations; slower).

With two or more slices the script fits time and peak memory as a straight line in the
hours and **extrapolates** them to 8,760 h (printed as an extrapolation, not a measurement).
``--hours 8760`` measures the year itself (about an hour on 2 cores);
``--hours 8760 --sample-outages 200`` a year of a few outages: the memory of a year-long
stored screen (every block of hours, the year of inputs) in minutes.

Run::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_n1_year.py --hours 168 336 720
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_n1_year.py --hours 168 --mode memory
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
YEAR = 8760


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_mib() -> float:
    """Resident memory now (MiB), from /proc (Linux)."""
    with Path("/proc/self/statm").open() as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class _Sampler(threading.Thread):
    """Samples the resident memory every 0.1 s while the call runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak, self.done = _current_mib(), threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.peak = max(self.peak, _current_mib())


def worker(args: argparse.Namespace) -> None:
    """Run one slice in this process and print its figures as JSON."""
    warnings.filterwarnings("ignore")
    import pandapower.networks as pn

    from corridor_sim.engines.power import n_minus_1

    sys.path.insert(0, str(HERE))
    from bench_dc_flow import year_profiles

    net = getattr(pn, args.net)()
    tables = {k: v.iloc[: args.worker] for k, v in year_profiles(net).items()}
    store = Path(tempfile.mkdtemp(prefix="n1_year_")) / "store" if args.mode == "store" else None
    before, before_now = _rss_mib(), _current_mib()
    load0 = os.getloadavg()[0]
    sampler = _Sampler()
    sampler.start()
    if args.trace:
        tracemalloc.start()
    w, c = time.perf_counter(), time.process_time()
    outages: str | list[tuple[str, int]] = "lines"
    if args.sample_outages:
        lines = net.line.index[net.line["in_service"].to_numpy()].to_numpy()
        picked = np.linspace(0, lines.size - 1, args.sample_outages).round().astype(int)
        outages = [("line", int(i)) for i in lines[np.unique(picked)]]
    res = n_minus_1(
        net,
        **tables,
        outages=outages,
        violations="compact",
        memory_mib=args.memory_mib,
        store_dir=store,
    )
    wall, cpu = time.perf_counter() - w, time.process_time() - c
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if args.trace else None
    sampler.done.set()
    sampler.join()
    peak = _rss_mib()
    block = args.worker
    if store is None:
        pairs, disk = len(res.violation_counts), 0.0
    else:
        manifest = json.loads((store / "n1_store.json").read_text())
        pairs, block = manifest["n_pairs"], manifest["hours_per_block"]
        disk = sum(f.stat().st_size for f in store.rglob("*") if f.is_file()) / 2**20
        shutil.rmtree(store.parent)
    out = {
        "hours": args.worker,
        "mode": args.mode,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_mib": peak,
        "before_mib": before,
        "before_now_mib": before_now,
        "call_peak_mib": max(sampler.peak, before_now),
        "traced_mib": traced,
        "outages": len(res.by_outage),
        "violating_pairs": pairs,
        "violations": int(res.n_violations),
        "store_mib": disk,
        "hours_per_block": block,
        "load": (load0 + os.getloadavg()[0]) / 2,
    }
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, nargs="+", default=[168, 336])
    parser.add_argument("--net", default="case9241pegase")
    parser.add_argument("--mode", choices=["store", "memory"], default="store")
    parser.add_argument("--memory-mib", type=float, default=256.0, help="n_minus_1 memory_mib")
    parser.add_argument("--trace", action="store_true", help="also the call's tracemalloc peak")
    parser.add_argument(
        "--sample-outages",
        type=int,
        default=0,
        help="screen this many evenly spaced line outages only (memory checks of long runs)",
    )
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args)
        return
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}  # fmt: skip
    which = f"{args.sample_outages} sampled line outages" if args.sample_outages else ""
    print(f"N-1 of {args.net}, {which or 'every in-service line outage'}, mode {args.mode}, "
          f"memory_mib {args.memory_mib:g}")  # fmt: skip
    print(f"{'hours':>6}{'wall s':>9}{'CPU s':>9}{'peak MiB':>10}{'before':>8}{'call peak':>11}"
          f"{'traced':>8}{'outages':>9}{'violating pairs':>17}{'violations':>15}"
          f"{'store MiB':>11}{'load':>6}")  # fmt: skip
    rows = []
    for hours in args.hours:
        cmd = [sys.executable, __file__, "--worker", str(hours), "--net", args.net,
               "--memory-mib", str(args.memory_mib), "--mode", args.mode,
               "--sample-outages", str(args.sample_outages)]  # fmt: skip
        cmd += ["--trace"] if args.trace else []
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(r)
        traced = f"{r['traced_mib']:.0f}" if r["traced_mib"] is not None else "-"
        print(f"{r['hours']:>6}{r['wall_s']:>9.1f}{r['cpu_s']:>9.1f}{r['peak_mib']:>10.0f}"
              f"{r['before_now_mib']:>8.0f}{r['call_peak_mib']:>11.0f}{traced:>8}"
              f"{r['outages']:>9}{r['violating_pairs']:>17,}{r['violations']:>15,}"
              f"{r['store_mib']:>11.0f}{r['load']:>6.1f}", flush=True)  # fmt: skip
    if len({r["hours"] for r in rows}) >= 2 and max(r["hours"] for r in rows) < YEAR:
        h = np.array([r["hours"] for r in rows], dtype=float)
        keys = ("wall_s", "cpu_s", "call_peak_mib")
        fit = {k: np.polyfit(h, [r[k] for r in rows], 1) for k in keys}
        year = {k: float(np.polyval(p, YEAR)) for k, p in fit.items()}
        print(f"EXTRAPOLATED to {YEAR} h (straight line through the slices, not measured): "
              f"wall {year['wall_s']:.0f} s ({year['wall_s'] / 60:.1f} min), CPU "
              f"{year['cpu_s']:.0f} s ({year['cpu_s'] / 60:.1f} min); per extra hour "
              f"{fit['wall_s'][0]:.3f} s wall, {fit['cpu_s'][0]:.3f} s CPU, "
              f"{fit['call_peak_mib'][0]:.3f} MiB of call peak")  # fmt: skip
        block = max(r["hours_per_block"] for r in rows)
        if args.mode == "store":
            print(f"Memory is not extrapolated: a stored screen holds one block of at most "
                  f"{block} h of flows, so its call peak stops growing there (measure a long "
                  "run with --sample-outages); the time per block of hours adds one pass of "
                  "LODF columns.")  # fmt: skip
        else:
            print(f"EXTRAPOLATED peak of the in-memory screen (straight line): "
                  f"{year['call_peak_mib']:.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
