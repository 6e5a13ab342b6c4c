"""Benchmark: full-year Caspian draws with the LP built once per process and warm-started.

Runs ``corridor_sim.models.caspian.run_year(year, seed=s)`` (8,760 h, every table) for
``--draws`` seeds, each seed twice in one process, alternating:

* ``cold``: the dispatch as before: a new HiGHS instance per block of hours, each solved
  from scratch (``solve_block(..., chain=None)``);
* ``warm``: the engine's default: the block LPs come from the process's LP cache
  (``corridor_sim.engines._shared.highs.PROCESS_LP_CACHE``, built once per worker, only
  costs and bounds change between blocks and draws) and each block starts from the previous
  block's basis of the same draw.

A warm-up draw of 168 h runs first (imports). Printed per draw: the whole ``run_year`` wall
time and its ``dispatch_seconds`` (network build + LP), cold and warm, their ratios, and the
largest relative difference of the summary metrics (the optimum is the same; a degenerate LP
may pick another vertex, so metrics agree to the solver tolerance, not bit for bit).

Run::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_warm_start.py --draws 3
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
    from corridor_sim.engines.dispatch import lp as dispatch_lp  # noqa: PLC0415
    from corridor_sim.engines.dispatch import run as dispatch_run  # noqa: PLC0415
    from corridor_sim.models.caspian import run_year  # noqa: PLC0415

    warm_block = dispatch_run.solve_block

    def cold_block(*a, chain=None, **k):  # noqa: ANN002, ANN003, ANN202, ARG001
        return dispatch_lp.solve_block(*a, **k)

    run_year(args.year, seed=0, hours=168, snapshot_hours=[])  # warm-up (imports)
    print(f"load average {os.getloadavg()[0]:.1f}; {args.draws} draws, year {args.year}")
    print(f"{'seed':>5}{'cold s':>9}{'warm s':>9}{'ratio':>7}{'LP cold':>9}{'LP warm':>9}"
          f"{'ratio':>7}{'max rel diff':>14}")  # fmt: skip
    ratios, lp_ratios = [], []
    for seed in range(1, args.draws + 1):
        out = {}
        for mode, block in (("cold", cold_block), ("warm", warm_block)):
            dispatch_run.solve_block = block
            t = time.perf_counter()
            res = run_year(args.year, seed=seed)
            out[mode] = (time.perf_counter() - t, res.meta["dispatch_seconds"], res.summary())
        dispatch_run.solve_block = warm_block
        (tc, dc, sc), (tw, dw, sw) = out["cold"], out["warm"]
        a, b = sc["value"].to_numpy(dtype=float), sw["value"].to_numpy(dtype=float)
        ok = np.isfinite(a) & np.isfinite(b)
        rel = float(np.max(np.abs(a[ok] - b[ok]) / np.maximum(1.0, np.abs(a[ok]))))
        ratios.append(tc / tw)
        lp_ratios.append(dc / dw)
        print(f"{seed:>5}{tc:>9.2f}{tw:>9.2f}{tc / tw:>6.2f}x{dc:>9.2f}{dw:>9.2f}"
              f"{dc / dw:>6.2f}x{rel:>14.1e}", flush=True)  # fmt: skip
    print(f"median ratio: draw {statistics.median(ratios):.2f}x, "
          f"dispatch {statistics.median(lp_ratios):.2f}x; "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
