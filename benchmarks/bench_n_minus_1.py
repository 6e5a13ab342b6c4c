"""Benchmark: N-1 screen of every line outage for every hour of a year, batched vs pandapower.

For each net (default case30 and case118), with the same seeded year of hourly load and gen
profiles as ``bench_dc_flow.py``:

1. :func:`corridor_sim.engines.power.n_minus_1` screens all in-service line outages x 8760 h
   (LODF, chunked hours), end to end (model build included), best of ``--repeat``;
2. pandapower's own contingency module, ``pandapower.contingency.run_contingency(net,
   {"line": {"index": lines}}, contingency_evaluation_function=pandapower.rundcpp)``, once per
   hour (base case + one ``rundcpp`` per outage) on the first ``--sample`` hours; its time is
   extrapolated linearly to 8760 h (each hour is an independent run, so the per-hour cost is
   the mean).

The worst post-contingency loading per line over the sampled hours is compared between the
two: the max |difference| in percentage points is printed, and the script exits with an error
when it exceeds ``TOL_PCT`` (1e-9, the exactness guard; ``tests/test_power_n1.py`` runs the
same check on one hour).

Run::

    /work/venv/bin/python benchmarks/bench_n_minus_1.py [--nets case30 case118] [--sample 3]
"""

from __future__ import annotations

import argparse
import copy
import logging
import time

import numpy as np
import pandapower as pp
import pandapower.contingency as pc
import pandapower.networks as pn
from bench_dc_flow import HOURS, year_profiles

from corridor_sim.engines.power import n_minus_1

#: Exactness guard: worst post-contingency loadings agree with pandapower to this (%-points).
TOL_PCT = 1e-9


def time_pandapower(net: pp.pandapowerNet, tables: dict, hours: int) -> tuple[float, np.ndarray]:
    """run_contingency for each of the first `hours` hours; returns time and worst loading."""
    work = copy.deepcopy(net)
    lines = work.line.index[work.line["in_service"]].to_numpy()
    worst = np.zeros(len(work.line))
    elapsed = 0.0
    for hour in range(hours):
        for name, table in tables.items():
            element = name.removesuffix("_p_mw")
            work[element].loc[table.columns, "p_mw"] = table.iloc[hour].to_numpy()
        start = time.perf_counter()
        # read the returned dict: with write_to_net=True, a second call does not overwrite
        # res_line.max_loading_percent once that column exists (pandapower 3.5.6)
        out = pc.run_contingency(
            work, {"line": {"index": lines}}, contingency_evaluation_function=pp.rundcpp
        )
        elapsed += time.perf_counter() - start
        worst = np.maximum(worst, np.nan_to_num(out["line"]["max_loading_percent"]))
    return elapsed, worst


def worst_difference_pct(net: pp.pandapowerNet, tables: dict, hours: int) -> tuple[float, float]:
    """pandapower's time for the first `hours` hours and the largest |worst loading| gap (%)."""
    loop, worst_pp = time_pandapower(net, tables, hours)
    sample = {k: v.iloc[:hours] for k, v in tables.items()}
    mine = n_minus_1(net, **sample, outages="lines").worst
    mine = mine[mine["element"] == "line"].set_index("element_index")["loading_pct"]
    diff = np.abs(mine.reindex(net.line.index).fillna(0.0).to_numpy() - worst_pp).max()
    return loop, float(diff)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nets", nargs="+", default=["case30", "case118"])
    parser.add_argument("--sample", type=int, default=3, help="hours run through pandapower")
    parser.add_argument("--repeat", type=int, default=3, help="best of N for n_minus_1")
    args = parser.parse_args()
    logging.getLogger("pandapower").setLevel(logging.ERROR)
    print(f"pandapower {pp.__version__}; all in-service line outages x {HOURS} h")
    print(f"pandapower run_contingency(rundcpp): first {args.sample} h timed, extrapolated")
    print(
        f"{'net':<9}{'outages':>8}{'n_minus_1':>12}{'pandapower':>13}{'speed-up':>10}"
        f"{'post-flows':>13}{'max |dLoad| %':>15}"
    )
    worst = 0.0
    for name in args.nets:
        net = getattr(pn, name)()
        tables = year_profiles(net)
        best, res = np.inf, None
        for _ in range(args.repeat):
            start = time.perf_counter()
            res = n_minus_1(net, **tables, outages="lines", threshold_pct=100.0)
            best = min(best, time.perf_counter() - start)
        loop, diff = worst_difference_pct(net, tables, args.sample)
        worst = max(worst, diff)
        year_loop = loop / args.sample * HOURS
        n_out = len(res.by_outage)
        post = n_out * HOURS * len(res.worst)
        print(
            f"{name:<9}{n_out:>8}{best:>10.2f} s{year_loop:>11.0f} s{year_loop / best:>9.0f}x"
            f"{post:>13.2e}{diff:>15.1e}"
        )
        print(f"{'':<9}(pandapower measured: {loop:.2f} s for {args.sample} h, "
              f"{loop / args.sample:.2f} s per hour; {len(res.islanding)} islanding outages, "
              f"{len(res.violations)} violations > 100 %)")  # fmt: skip
    if worst > TOL_PCT:
        msg = f"exactness guard failed: n_minus_1 differs from pandapower by {worst:.1e} %-points"
        raise SystemExit(msg)


if __name__ == "__main__":
    main()
