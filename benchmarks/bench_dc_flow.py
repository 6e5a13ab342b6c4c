"""Benchmark: a year of hourly DC flows, batched ``dc_flow`` vs pandapower's time-series loop.

For each net (default pandapower's case30 and case118) a seeded year of hourly profiles
(8760 h, every load and gen scaled by a daily/seasonal shape times noise) is solved

1. by :func:`corridor_sim.engines.power.dc_flow`: the whole year, timed end to end (DC model
   build, one factorisation, one sparse solve with 8760 right-hand sides, result tables);
2. by ``pandapower.timeseries.run_timeseries(net, run=pandapower.rundcpp)`` with ``ConstControl``
   + ``DFData`` for load and gen ``p_mw`` and an ``OutputWriter`` logging line and trafo flows,
   on the first ``--sample`` hours only. Its year is extrapolated from the *marginal* cost per
   hour: ``t(1 h) + (t(S h) - t(1 h)) / (S - 1) * 8759``, so the one-off set-up is not
   multiplied.

Both give the same flows on the sampled hours: the max |difference| is printed, and the script
exits with an error when it exceeds ``TOL_MW`` (1e-9 MW, the exactness guard;
``tests/test_power_dcflow.py`` runs the same check on a few hours). Everything
runs in one process on the same net; numba is used by pandapower when installed. The
``dc_flow`` time is the best of ``--repeat`` runs, end to end (``model=None``); the column
"reuse" is the same with a :class:`DCModel` built beforehand (``model=...``).

Run::

    /work/venv/bin/python benchmarks/bench_dc_flow.py [--nets case30 case118] [--sample 150]
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import logging
import time

import numpy as np
import pandapower as pp
import pandapower.networks as pn
import pandas as pd
from pandapower.control import ConstControl
from pandapower.timeseries import DFData, OutputWriter, run_timeseries

from corridor_sim.engines.power import DCFlowResult, DCModel, dc_flow

HOURS = 8760
#: Exactness guard: dc_flow and pandapower's loop agree to this on the sampled hours (MW).
TOL_MW = 1e-9


def year_profiles(net: pp.pandapowerNet, seed: int = 42) -> dict[str, pd.DataFrame]:
    """Hourly load and gen p_mw for one year: daily and seasonal shape times noise."""
    rng = np.random.default_rng(seed)
    hour = np.arange(HOURS)
    shape = (
        1.0 + 0.25 * np.sin(2 * np.pi * hour / 24 - 2.0) + 0.15 * np.cos(2 * np.pi * hour / HOURS)
    )
    out = {}
    for element in ("load", "gen"):
        table = net[element]
        if len(table) == 0:
            continue
        noise = rng.normal(1.0, 0.05, (HOURS, len(table)))
        values = table["p_mw"].to_numpy()[None, :] * shape[:, None] * noise
        out[f"{element}_p_mw"] = pd.DataFrame(values, columns=table.index)
    return out


def time_batched(
    net: pp.pandapowerNet, tables: dict[str, pd.DataFrame], repeat: int, *, reuse: bool
) -> tuple[float, DCFlowResult]:
    model = DCModel.from_net(net) if reuse else None
    best, res = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        res = dc_flow(net, **tables, model=model)
        best = min(best, time.perf_counter() - start)
    return best, res


def time_pandapower(
    net: pp.pandapowerNet, tables: dict[str, pd.DataFrame], hours: int
) -> tuple[float, pd.DataFrame]:
    work = copy.deepcopy(net)
    for name, table in tables.items():
        element = name.removesuffix("_p_mw")
        data = DFData(table.iloc[:hours])
        ConstControl(work, element, "p_mw", element_index=table.columns, data_source=data,
                     profile_name=table.columns)  # fmt: skip
    writer = OutputWriter(work, time_steps=range(hours), output_path=None)  # kept in memory
    writer.log_variable("res_line", "p_from_mw")
    writer.log_variable("res_line", "loading_percent")
    if len(work.trafo):
        writer.log_variable("res_trafo", "p_hv_mw")
    start = time.perf_counter()
    run_timeseries(work, time_steps=range(hours), run=pp.rundcpp, verbose=False)
    elapsed = time.perf_counter() - start
    return elapsed, writer.output["res_line.p_from_mw"].copy()


def max_difference_mw(res: DCFlowResult, lines: pd.DataFrame) -> float:
    """Largest |line flow difference| (MW) between `res` and pandapower's logged hours."""
    mine = res.line_p_from_mw.iloc[: len(lines)].to_numpy()
    return float(np.abs(mine - np.nan_to_num(lines.to_numpy(dtype=float))).max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nets", nargs="+", default=["case30", "case118"])
    parser.add_argument("--sample", type=int, default=150, help="hours run through pandapower")
    parser.add_argument("--repeat", type=int, default=3, help="best of N for dc_flow")
    args = parser.parse_args()
    logging.getLogger("pandapower").setLevel(logging.ERROR)
    numba = importlib.util.find_spec("numba") is not None
    print(f"numba installed: {numba}; pandapower {pp.__version__}; {HOURS} h per year")
    print(f"pandapower time-series: first {args.sample} h timed, extrapolated to {HOURS} h")
    print(
        f"{'net':<9}{'buses':>6}{'branches':>9}{'dc_flow':>10}{'reuse':>9}"
        f"{'pandapower':>12}{'speed-up':>10}{'(reuse)':>9}{'max |dP| MW':>13}"
    )
    worst = 0.0
    for name in args.nets:
        net = getattr(pn, name)()
        tables = year_profiles(net)
        batched, res = time_batched(net, tables, args.repeat, reuse=False)
        reused, _ = time_batched(net, tables, args.repeat, reuse=True)
        one, _ = time_pandapower(net, tables, 1)
        loop, lines = time_pandapower(net, tables, args.sample)
        per_hour = (loop - one) / (args.sample - 1)
        year_loop = one + per_hour * (HOURS - 1)
        diff = max_difference_mw(res, lines)
        worst = max(worst, diff)
        n_branch = len(net.line) + len(net.trafo)
        print(
            f"{name:<9}{len(net.bus):>6}{n_branch:>9}{batched:>8.3f} s{reused:>7.3f} s"
            f"{year_loop:>10.1f} s{year_loop / batched:>9.0f}x{year_loop / reused:>8.0f}x"
            f"{diff:>13.1e}"
        )
        print(f"{'':<9}(pandapower measured: {one:.3f} s for 1 h, {loop:.2f} s for "
              f"{args.sample} h -> {per_hour * 1e3:.1f} ms per extra hour)")  # fmt: skip
    if worst > TOL_MW:
        msg = f"exactness guard failed: dc_flow differs from rundcpp by {worst:.1e} MW > {TOL_MW}"
        raise SystemExit(msg)


if __name__ == "__main__":
    main()
