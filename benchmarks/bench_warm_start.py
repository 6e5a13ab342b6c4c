"""Benchmark: full-year Caspian draws with the LP built once per process and warm-started.

Runs ``corridor_sim.models.caspian.run_year(year, seed=s)`` (8,760 h, every table) for
``--draws`` seeds, each seed three times in one process, alternating:

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

A warm-up draw of 168 h runs first (imports). Printed per draw and mode: the whole
``run_year`` wall time and its ``dispatch_seconds`` (network build + LP), the ratio of
``cold`` to each (speed-up), and the largest relative difference of the summary metrics to ``cold`` with its
metric (the optimum is the same; a degenerate LP may stop at another vertex when warm).

Run::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/bench_warm_start.py --draws 3
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
    print(f"load average {os.getloadavg()[0]:.1f}; {args.draws} draws, year {args.year}")
    print(f"{'seed':>5}{'mode':>7}{'draw s':>9}{'ratio':>7}{'dispatch s':>11}{'ratio':>7}"
          f"{'max rel diff':>14}  metric")  # fmt: skip
    ratios: dict[str, list[float]] = {m: [] for m in modes}
    draw_ratios: dict[str, list[float]] = {m: [] for m in modes}
    for seed in range(1, args.draws + 1):
        out = {}
        for mode, block in modes.items():
            dispatch_run.solve_block = block
            if mode == "cold":  # a worker that has built nothing yet
                NETS.clear()
                PROCESS_NET_DATA.clear()
            t = time.perf_counter()
            res = run_year(args.year, seed=seed)
            out[mode] = (time.perf_counter() - t, res.meta["dispatch_seconds"], res.summary())
        dispatch_run.solve_block = reuse_block
        tc, dc, sc = out["cold"]
        ref = sc.set_index(["metric", "element"])["value"].astype(float)
        for mode, (t, d, summary) in out.items():
            mine = summary.set_index(["metric", "element"])["value"].astype(float)
            rel = ((mine - ref).abs() / np.maximum(1.0, ref.abs())).dropna()
            worst = rel.idxmax()[0] if rel.max() > 0 else ""
            ratios[mode].append(dc / d)
            draw_ratios[mode].append(tc / t)
            print(f"{seed:>5}{mode:>7}{t:>9.2f}{tc / t:>6.2f}x{d:>11.2f}{dc / d:>6.2f}x"
                  f"{rel.max():>14.1e}  {worst}", flush=True)  # fmt: skip
    print("median speed-up over cold, draw: "
          + ", ".join(f"{m} {statistics.median(r):.2f}x" for m, r in draw_ratios.items())
          + "; dispatch: "
          + ", ".join(f"{m} {statistics.median(r):.2f}x" for m, r in ratios.items())
          + f"; load average {os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
