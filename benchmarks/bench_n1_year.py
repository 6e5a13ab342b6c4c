"""Benchmark: the streaming N-1 of case9241pegase over hours of a year: time and peak memory.

Every in-service line outage x ``--hours`` hours of the seeded year of load and gen
profiles the other power benchmarks use (``bench_dc_flow.year_profiles``: 8,760 h, daily
and seasonal shape times noise), with :func:`corridor_sim.engines.power.n_minus_1`
(``outages="lines"``, ``violations="compact"``, ``memory_mib``). Each value of ``--hours``
runs in its **own worker process** (so its peak memory is its own) with one BLAS thread;
the worker reports wall and CPU time of the ``n_minus_1`` call, the process's peak resident
memory (``ru_maxrss``: interpreter, net, profiles and the call) and what it held before the
call, the number of outages and of violating (outage, element) pairs.

With two or more slices the script fits time and peak memory as a straight line in the
hours and **extrapolates** them to 8,760 h (printed as an extrapolation, not a measurement).
``--hours 8760`` measures the year itself (about an hour on 2 cores).

Run::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_n1_year.py --hours 168 720
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
YEAR = 8760


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(args: argparse.Namespace) -> None:
    """Run one slice in this process and print its figures as JSON."""
    warnings.filterwarnings("ignore")
    import pandapower.networks as pn

    from corridor_sim.engines.power import n_minus_1

    sys.path.insert(0, str(HERE))
    from bench_dc_flow import year_profiles

    net = getattr(pn, args.net)()
    tables = {k: v.iloc[: args.worker] for k, v in year_profiles(net).items()}
    before = _rss_mib()
    load0 = os.getloadavg()[0]
    w, c = time.perf_counter(), time.process_time()
    res = n_minus_1(
        net, **tables, outages="lines", violations="compact", memory_mib=args.memory_mib
    )
    wall, cpu = time.perf_counter() - w, time.process_time() - c
    out = {
        "hours": args.worker,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_mib": _rss_mib(),
        "before_mib": before,
        "outages": len(res.by_outage),
        "violating_pairs": len(res.violation_counts),
        "violations": int(res.n_violations),
        "load": (load0 + os.getloadavg()[0]) / 2,
    }
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, nargs="+", default=[168, 720])
    parser.add_argument("--net", default="case9241pegase")
    parser.add_argument("--memory-mib", type=float, default=256.0, help="n_minus_1 memory_mib")
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args)
        return
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}  # fmt: skip
    print(f"N-1 of {args.net}, every in-service line outage, memory_mib {args.memory_mib:g}")
    print(f"{'hours':>6}{'wall s':>10}{'CPU s':>10}{'peak MiB':>10}{'before MiB':>12}"
          f"{'outages':>9}{'violating pairs':>17}{'violations':>14}{'load':>6}")  # fmt: skip
    rows = []
    for hours in args.hours:
        cmd = [sys.executable, __file__, "--worker", str(hours), "--net", args.net,
               "--memory-mib", str(args.memory_mib)]  # fmt: skip
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(r)
        print(f"{r['hours']:>6}{r['wall_s']:>10.1f}{r['cpu_s']:>10.1f}{r['peak_mib']:>10.0f}"
              f"{r['before_mib']:>12.0f}{r['outages']:>9}{r['violating_pairs']:>17,}"
              f"{r['violations']:>14,}{r['load']:>6.1f}", flush=True)  # fmt: skip
    if len({r["hours"] for r in rows}) >= 2 and max(r["hours"] for r in rows) < YEAR:
        h = np.array([r["hours"] for r in rows], dtype=float)
        fit = {k: np.polyfit(h, [r[k] for r in rows], 1) for k in ("wall_s", "cpu_s", "peak_mib")}
        year = {k: float(np.polyval(p, YEAR)) for k, p in fit.items()}
        print(f"EXTRAPOLATED to {YEAR} h (straight line through the slices, not measured): "
              f"wall {year['wall_s']:.0f} s ({year['wall_s'] / 60:.1f} min), CPU "
              f"{year['cpu_s']:.0f} s, peak {year['peak_mib']:.0f} MiB; per extra hour "
              f"{fit['wall_s'][0]:.3f} s wall, {fit['cpu_s'][0]:.3f} s CPU, "
              f"{fit['peak_mib'][0]:.3f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
