"""Benchmark: full-year Caspian draws with the LP built once per process and warm-started.

Runs ``corridor_sim.models.caspian.run_year(year, seed=s)`` (8,760 h, every table) for
``--draws`` seeds, each seed in three modes in one process, alternating:

* ``cold``: a draw in a worker that has built nothing yet: the per-process caches are
  emptied first (the Caspian nets, ``corridor_sim.models.caspian.dispatch.NETS``; the nets
  the engine read, ``corridor_sim.engines.dispatch.netcache.PROCESS_NET_DATA``), and each
  block of hours gets a new HiGHS instance solved from scratch
  (``solve_block(..., chain=None)``);
* ``reuse``: the default: the net is built and read once per worker, the block LPs come
  from the process's LP cache (``corridor_sim.engines._shared.highs.PROCESS_LP_CACHE``:
  only costs and bounds change between blocks and draws), each solved from scratch: the
  same tables as ``cold``, to the bit;
* ``warm``: as ``reuse`` with ``dispatch(..., warm_start=True)``: each block starts from
  the previous block's basis of the same draw.

A warm-up draw of 168 h runs first (imports). Each seed runs the three modes in turn
``--repeat`` times; printed per draw and mode, the best of the repeats (the machine may be
shared): the whole ``run_year`` wall time, its CPU time (all threads of the process), the
speed-up (cold CPU time / the mode's CPU time), ``dispatch_seconds`` (net + LP, wall),
and the largest relative difference of the summary metrics to ``cold`` with its metric
(the optimum is the same; a degenerate LP may stop at another vertex when warm).

Run::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/bench_warm_start.py --draws 2
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
import warnings

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=3)
    parser.add_argument("--year", type=int, default=2032)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    from corridor_sim.engines.dispatch import lp as dispatch_lp
    from corridor_sim.engines.dispatch import run as dispatch_run
    from corridor_sim.engines.dispatch.netcache import PROCESS_NET_DATA
    from corridor_sim.models.caspian import run_year
    from corridor_sim.models.caspian.dispatch import NETS

    reuse_block = dispatch_run.solve_block

    def cold_block(*a, chain=None, warm_start=False, **k):
        return dispatch_lp.solve_block(*a, **k)

    def warm_block(*a, warm_start=False, **k):
        return reuse_block(*a, warm_start=True, **k)

    modes = {"cold": cold_block, "reuse": reuse_block, "warm": warm_block}
    run_year(args.year, seed=0, hours=168, snapshot_hours=[])  # warm-up (imports)
    print(f"load average {os.getloadavg()[0]:.1f}; {args.draws} draws, year {args.year}, "
          f"best of {args.repeat}")  # fmt: skip
    print(f"{'seed':>5}{'mode':>7}{'wall s':>8}{'cpu s':>8}{'speed-up':>10}{'dispatch s':>11}"
          f"{'max rel diff':>14}  metric")  # fmt: skip
    speedups: dict[str, list[float]] = {m: [] for m in modes}
    for seed in range(1, args.draws + 1):
        best: dict[str, list[float]] = {m: [np.inf, np.inf, np.inf] for m in modes}
        summaries = {}
        for _ in range(args.repeat):
            for mode, block in modes.items():
                dispatch_run.solve_block = block
                if mode == "cold":  # a worker that has built nothing yet
                    NETS.clear()
                    PROCESS_NET_DATA.clear()
                wall, cpu = time.perf_counter(), time.process_time()
                res = run_year(args.year, seed=seed)
                times = [time.perf_counter() - wall, time.process_time() - cpu]
                times.append(res.meta["dispatch_seconds"])
                best[mode] = [min(b, t) for b, t in zip(best[mode], times, strict=True)]
                summaries[mode] = res.summary()
        dispatch_run.solve_block = reuse_block
        ref = summaries["cold"].set_index(["metric", "element"])["value"].astype(float)
        for mode, (wall, cpu, disp) in best.items():
            mine = summaries[mode].set_index(["metric", "element"])["value"].astype(float)
            rel = ((mine - ref).abs() / np.maximum(1.0, ref.abs())).dropna()
            worst = rel.idxmax()[0] if rel.max() > 0 else ""
            speedups[mode].append(best["cold"][1] / cpu)
            print(f"{seed:>5}{mode:>7}{wall:>8.2f}{cpu:>8.2f}{speedups[mode][-1]:>9.2f}x"
                  f"{disp:>11.2f}{rel.max():>14.1e}  {worst}", flush=True)  # fmt: skip
    print("median speed-up of a draw over cold (CPU time): "
          + ", ".join(f"{m} {statistics.median(r):.2f}x" for m, r in speedups.items())
          + f"; load average {os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
