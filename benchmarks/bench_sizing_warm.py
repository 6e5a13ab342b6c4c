"""Benchmark: the Caspian cable sizing LP cold and warm-started from the dispatch without expansion.

Runs ``corridor_sim.models.caspian.sizing.optimise(2032, prof=..., npv=False)`` (the
sizing LP: every hour of the horizon in one LP with the five links' ratings as variables,
then the dispatch at the optimal ratings) ``--repeat`` times each way in one process,
alternating: ``cold`` (the LP from HiGHS's own start, with presolve) and ``warm``
(``warm_start=True``: the dispatch without expansion is solved first in blocks of hours and
its basis starts the LP; HiGHS skips presolve when given a basis). Printed per run: the
whole ``optimise`` wall time, the engine call (``lp_s``: for ``warm`` it includes the
dispatch without expansion, ``warm_start_s``), HiGHS's time and simplex iterations, then
the medians, the ratio cold / warm in-process, and the largest differences of the ratings
(MW) and of the annual cost (relative) between the two.

Run::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_sizing_warm.py --weeks 13
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_sizing_warm.py          # the full year
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
import warnings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=None, help="weeks spread over the year")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    from corridor_sim.models import caspian
    from corridor_sim.models.caspian.sizing import optimise

    prof = caspian.profiles(2032, seed=args.seed)
    horizon = "full year" if args.weeks is None else f"{args.weeks} weeks"
    print(f"Caspian sizing 2032, seed {args.seed}, {horizon}; load {os.getloadavg()[0]:.1f}")
    print(f"{'mode':>5}{'optimise s':>12}{'LP call s':>11}{'of which start s':>18}"
          f"{'HiGHS s':>9}{'iterations':>12}")  # fmt: skip
    runs: dict[str, list] = {"cold": [], "warm": []}
    for _ in range(args.repeat):
        for mode in runs:
            t = time.perf_counter()
            s = optimise(2032, prof=prof, weeks=args.weeks, npv=False, warm_start=mode == "warm")
            wall = time.perf_counter() - t
            m = s.meta
            runs[mode].append((wall, m["lp_s"], s))
            print(f"{mode:>5}{wall:>12.2f}{m['lp_s']:>11.2f}{m.get('warm_start_s', 0.0):>18.2f}"
                  f"{m['solve_s']:>9.2f}{m['iterations']:>12d}", flush=True)  # fmt: skip
    med = {k: (statistics.median(w for w, _, _ in v), statistics.median(x for _, x, _ in v))
           for k, v in runs.items()}  # fmt: skip
    cold, warm = runs["cold"][-1][2], runs["warm"][-1][2]
    a = cold.table.set_index("element")["rating_mw"]
    b = warm.table.set_index("element")["rating_mw"]
    ca = {m: v for m, v, _, _ in cold.rows}["sizing_annual_cost_meur"]
    cb = {m: v for m, v, _, _ in warm.rows}["sizing_annual_cost_meur"]
    print(f"median optimise: cold {med['cold'][0]:.2f} s, warm {med['warm'][0]:.2f} s, "
          f"ratio cold/warm {med['cold'][0] / med['warm'][0]:.2f}x; LP call: cold "
          f"{med['cold'][1]:.2f} s, warm {med['warm'][1]:.2f} s, ratio "
          f"{med['cold'][1] / med['warm'][1]:.2f}x")  # fmt: skip
    print(f"ratings cold: {a.round(1).to_dict()}")
    rel = abs(cb - ca) / abs(ca)
    print(f"max |rating warm - cold| = {float((a - b).abs().max()):.2e} MW; annual cost "
          f"relative difference {rel:.1e}; load {os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
