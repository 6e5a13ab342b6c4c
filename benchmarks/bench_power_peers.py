"""Benchmark: dc_flow and n_minus_1 against pandapower's loop and lightsim2grid's C++ classes.

For each net (default pandapower's case118, case1354pegase, case2869pegase, case9241pegase)
and a seeded year of hourly load and gen profiles (``bench_dc_flow.year_profiles``: 8760 h,
daily and seasonal shape times noise), every tool runs in its **own worker process** (so its
peak memory is its own), with OpenBLAS at its default thread count and at one thread
(``--blas default 1``). Times are medians of ``--repeat`` runs inside the worker (wall and
CPU); the load average of the machine is printed with each row.

``dc_flow``, a year:

* ``corridor``: :func:`corridor_sim.engines.power.dc_flow`, end to end (DC model build,
  factorisation, blocked solves, result tables);
* ``lightsim2grid``: ``TimeSeriesCPP`` (algorithm ``DC_KLU``) on the grid from
  ``lightsim2grid.network.init_from_pandapower``: ``compute_Vs`` + ``compute_power_flows``
  for all hours (the grid conversion is timed separately, ``init``);
* ``pandapower``: ``run_timeseries(run=rundcpp)`` on ``--pp-hours`` hours, extrapolated from
  the marginal cost per hour (``bench_dc_flow.time_pandapower``).

``n_minus_1``, all in-service line outages x ``--n1-hours`` hours (extrapolated linearly to
a year when fewer):

* ``corridor``: :func:`~corridor_sim.engines.power.n_minus_1` (``violations="compact"``),
  on case9241pegase for ``--n1-hours-big`` (168) hours, extrapolated;
* ``lightsim2grid``: per hour, the hour's injections on the grid, a new
  ``ContingencyAnalysisCPP`` (it copies the grid) with every line outage, ``DC_KLU``,
  ``compute`` + ``compute_power_flows`` and the worst flow per branch; ``--ls-hours`` hours
  timed, extrapolated to a year;
* ``pandapower``: ``pandapower.contingency.run_contingency(rundcpp)`` for one hour on
  ``--pp-outages`` line outages, extrapolated to all outages and a year.

"max |dP| MW" is each tool's largest flow difference to ``pandapower.rundcpp`` on sampled
hours (dc) or sampled outages at hour 0 (N-1); pandapower is the reference (0). "peak GiB"
is the worker's maximum resident memory, "inputs GiB" what it held before the timed call
(interpreter, net, profiles). lightsim2grid is optional (``pip install lightsim2grid``, the
``bench`` extra); without it its rows are skipped with a message. Its Python wrappers need
grid2op, so the C++ classes are used directly.

Run::

    python benchmarks/bench_power_peers.py                     # all nets, dc and n1
    python benchmarks/bench_power_peers.py --nets case118 --what dc --blas 1
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HOURS = 8760
NETS = ["case118", "case1354pegase", "case2869pegase", "case9241pegase"]
TOOLS = ["corridor", "lightsim2grid", "pandapower"]
HERE = Path(__file__).resolve().parent


def _rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def _inputs(name: str, hours: int) -> tuple:
    import pandapower.networks as pn

    sys.path.insert(0, str(HERE))
    from bench_dc_flow import year_profiles

    net = getattr(pn, name)()
    tables = {k: v.iloc[:hours] for k, v in year_profiles(net).items()}
    return net, tables


def _reference(net, tables: dict, hour: int, outage: int | None = None):
    import pandapower as pp

    work = copy.deepcopy(net)
    for key, table in tables.items():
        work[key.removesuffix("_p_mw")].loc[table.columns, "p_mw"] = table.iloc[hour].to_numpy()
    if outage is not None:
        work.line.loc[outage, "in_service"] = False
    pp.rundcpp(work)
    return np.r_[work.res_line["p_from_mw"].fillna(0.0), work.res_trafo["p_hv_mw"].fillna(0.0)]


def _timed(fn, repeat: int) -> tuple[float, float, object]:
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        out = None  # the previous result must not count in this run's peak memory
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), out


# ------------------------------------------------------------------ lightsim2grid
def _ls_grid(net):
    from lightsim2grid.network import init_from_pandapower

    return init_from_pandapower(net)


def _ls_set_hour(grid, net, tables: dict, hour: int) -> None:
    for key, table in tables.items():
        element = key.removesuffix("_p_mw")
        change = {"load": grid.change_p_load, "gen": grid.change_p_gen,
                  "sgen": grid.change_p_sgen}[element]  # fmt: skip
        pos = net[element].index.get_indexer(table.columns)
        for k, value in zip(pos, table.iloc[hour].to_numpy(), strict=True):
            change(int(k), float(value))


def _ls_injections(grid, net, tables: dict) -> tuple[np.ndarray, ...]:
    n_hours = len(next(iter(tables.values())))
    gen = np.tile(np.array([g.target_p_mw for g in grid.get_generators()]), (n_hours, 1))
    sgen = np.tile(np.array([g.target_p_mw for g in grid.get_static_generators()]), (n_hours, 1))
    load = np.tile(np.array([x.target_p_mw for x in grid.get_loads()]), (n_hours, 1))
    for key, table in tables.items():
        target = {"load_p_mw": load, "gen_p_mw": gen, "sgen_p_mw": sgen}[key]
        target[:, net[key.removesuffix("_p_mw")].index.get_indexer(table.columns)] = table
    load_q = np.tile(np.array([x.target_q_mvar for x in grid.get_loads()]), (n_hours, 1))
    return gen, sgen, load, load_q


def _dc_lightsim(net, tables: dict, repeat: int) -> dict:
    from lightsim2grid.algorithm import AlgorithmType
    from lightsim2grid.lightsim2grid_cpp import TimeSeriesCPP

    w = time.perf_counter()
    grid = _ls_grid(net)
    init = time.perf_counter() - w
    gen, sgen, load, load_q = _ls_injections(grid, net, tables)
    v0 = np.ones(grid.total_bus(), dtype=complex)
    before = _rss_gib()

    def run(rows: slice = slice(None)) -> np.ndarray:
        ts = TimeSeriesCPP(grid)
        ts.change_algorithm(AlgorithmType.DC_KLU)
        status = ts.compute_Vs(gen[rows], sgen[rows], load[rows], load_q[rows], v0, 10, 1e-8)
        if status != 1:
            msg = f"lightsim2grid TimeSeriesCPP failed after {ts.nb_solved()} steps"
            raise RuntimeError(msg)
        return np.asarray(ts.compute_power_flows()).copy()

    run(slice(0, 2))  # warm-up, not timed
    wall, cpu, flows = _timed(run, repeat)
    n_branch = len(net.line) + len(net.trafo)
    diff = max(
        float(np.abs(flows[h, :n_branch] - _reference(net, tables, h)).max())
        for h in (0, len(flows) // 2, len(flows) - 1)
    )
    return {"wall": wall, "cpu": cpu, "diff": diff, "inputs": before, "init": init}


def _n1_lightsim(net, tables: dict, hours: int) -> dict:
    from lightsim2grid.algorithm import AlgorithmType
    from lightsim2grid.lightsim2grid_cpp import ContingencyAnalysisCPP

    grid = _ls_grid(net)
    lines = [int(k) for k in np.flatnonzero(net.line["in_service"].to_numpy())]
    v0 = np.ones(grid.total_bus(), dtype=complex)
    before = _rss_gib()
    walls, cpus, first = [], [], None
    for hour in range(hours):
        w, c = time.perf_counter(), time.process_time()
        _ls_set_hour(grid, net, tables, hour)
        sa = ContingencyAnalysisCPP(grid)  # copies the grid: one per hour
        sa.change_algorithm(AlgorithmType.DC_KLU)
        sa.add_multiple_n1(lines)
        sa.compute(v0, 10, 1e-8)
        sa.compute_power_flows()
        flows = np.asarray(sa.get_power_flows())
        np.nan_to_num(np.abs(flows)).max(axis=0)  # the worst flow per branch, as a screen keeps
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
        if first is None:
            ok = np.asarray(sa.converged_mask(), dtype=bool)  # islanding outages: not solved
            first = (flows.copy(), [int(d[0]) for d in sa.my_defaults()], ok)
    flows, order, ok = first
    solved = [line for k, line in enumerate(order) if ok[k]]
    picked = [solved[k] for k in np.linspace(0, len(solved) - 1, 3).astype(int)]
    diff = 0.0
    for line in picked:
        mine = np.nan_to_num(flows[order.index(line)][: len(net.line) + len(net.trafo)])
        diff = max(diff, float(np.abs(mine - _reference(net, tables, 0, line)).max()))
    per_hour_w, per_hour_c = statistics.median(walls), statistics.median(cpus)
    return {"wall": per_hour_w * HOURS, "cpu": per_hour_c * HOURS, "diff": diff,
            "inputs": before,
            "note": f"{hours} h timed, x{HOURS // max(hours, 1)}; {int((~ok).sum())} outages "
                    "not solved (islanding)"}  # fmt: skip


# ------------------------------------------------------------------ corridor_sim
def _dc_corridor(net, tables: dict, repeat: int) -> dict:
    from corridor_sim.engines.power import dc_flow

    dc_flow(net, **{k: v.iloc[:2] for k, v in tables.items()})  # warm-up (imports), not timed
    before = _rss_gib()
    wall, cpu, res = _timed(lambda: dc_flow(net, **tables), repeat)
    n_hours = len(res.hours)
    flows = np.c_[res.line_p_from_mw.to_numpy(), res.trafo_p_hv_mw.to_numpy()]
    diff = max(
        float(np.abs(flows[h] - _reference(net, tables, h)).max())
        for h in (0, n_hours // 2, n_hours - 1)
    )
    out_gib = (2 * flows.size + res.bus_va_degree.size) * 8 / 2**30
    return {"wall": wall, "cpu": cpu, "diff": diff, "inputs": before, "output": out_gib}


def _n1_corridor(net, tables: dict, repeat: int, hours: int) -> dict:
    from corridor_sim.engines.power import n_minus_1

    sample = {k: v.iloc[:hours] for k, v in tables.items()}
    n_minus_1(net, **{k: v.iloc[:2] for k, v in tables.items()}, outages=[("line", 0)])  # warm-up
    before = _rss_gib()
    wall, cpu, res = _timed(
        lambda: n_minus_1(net, **sample, outages="lines", violations="compact"), repeat
    )
    lines = res.by_outage["outage_index"].to_numpy()
    diff = 0.0
    for line in lines[np.linspace(0, len(lines) - 1, 3).astype(int)]:
        post = res.post_flows(("line", int(line))).iloc[0].to_numpy()
        diff = max(diff, float(np.abs(post - _reference(net, sample, 0, int(line))).max()))
    scale = HOURS / hours
    return {"wall": wall * scale, "cpu": cpu * scale, "diff": diff, "inputs": before,
            "note": f"{len(lines)} outages, {res.n_violations} violations"
                    + (f", {hours} h x{scale:.0f}" if hours < HOURS else "")}  # fmt: skip


# ------------------------------------------------------------------ pandapower
def _dc_pandapower(net, tables: dict, hours: int) -> dict:
    sys.path.insert(0, str(HERE))
    from bench_dc_flow import time_pandapower

    time_pandapower(net, tables, 1)  # warm-up (numba, imports), not timed
    before = _rss_gib()
    one, _ = time_pandapower(net, tables, 1)
    c = time.process_time()
    loop, _ = time_pandapower(net, tables, hours)
    cpu = time.process_time() - c
    per_hour = (loop - one) / (hours - 1)
    if per_hour <= 0:  # noise on a busy machine: fall back to the mean per hour
        one, per_hour = 0.0, loop / hours
    return {"wall": one + per_hour * (HOURS - 1), "cpu": cpu / hours * HOURS, "diff": 0.0,
            "inputs": before, "note": f"{hours} h timed"}  # fmt: skip


def _n1_pandapower(net, tables: dict, n_outages: int) -> dict:
    import pandapower as pp
    import pandapower.contingency as pc

    work = copy.deepcopy(net)
    for key, table in tables.items():
        work[key.removesuffix("_p_mw")].loc[table.columns, "p_mw"] = table.iloc[0].to_numpy()
    lines = work.line.index[work.line["in_service"]].to_numpy()
    picked = lines[np.linspace(0, len(lines) - 1, min(n_outages, len(lines))).astype(int)]
    pc.run_contingency(work, {"line": {"index": picked[:1]}},
                       contingency_evaluation_function=pp.rundcpp)  # warm-up  # fmt: skip
    before = _rss_gib()
    w, c = time.perf_counter(), time.process_time()
    cases = {"line": {"index": picked}}
    pc.run_contingency(work, cases, contingency_evaluation_function=pp.rundcpp)
    scale = len(lines) / len(picked) * HOURS
    wall, cpu = (time.perf_counter() - w) * scale, (time.process_time() - c) * scale
    return {"wall": wall, "cpu": cpu, "diff": 0.0, "inputs": before,
            "note": f"1 h x {len(picked)} outages timed"}  # fmt: skip


# ------------------------------------------------------------------ driver
def worker(args: argparse.Namespace) -> None:
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    n1 = args.what == "n1"
    hours = {
        ("dc", "pandapower"): args.pp_hours,
        ("n1", "lightsim2grid"): args.ls_hours,
    }.get((args.what, args.worker), HOURS)
    net, tables = _inputs(args.net, hours)
    if args.worker == "corridor":
        out = _n1_corridor(net, tables, args.repeat, args.n1_hours) if n1 else _dc_corridor(
            net, tables, args.repeat)  # fmt: skip
    elif args.worker == "lightsim2grid":
        out = _n1_lightsim(net, tables, hours) if n1 else _dc_lightsim(net, tables, args.repeat)
    else:
        out = _n1_pandapower(net, tables, args.pp_outages) if n1 else _dc_pandapower(
            net, tables, hours)  # fmt: skip
    out["peak"] = _rss_gib()
    print("RESULT " + json.dumps(out))


def _run_worker(args: argparse.Namespace, net: str, what: str, tool: str, blas: str) -> dict:
    env = dict(os.environ)
    env.pop("OPENBLAS_NUM_THREADS", None)
    if blas != "default":
        env["OPENBLAS_NUM_THREADS"] = blas
    cmd = [sys.executable, __file__, "--worker", tool, "--what", what, "--net", net,
           "--repeat", str(args.repeat), "--pp-hours", str(args.pp_hours),
           "--ls-hours", str(args.ls_hours), "--pp-outages", str(args.pp_outages),
           "--n1-hours", str(args.n1_hours_big if "9241" in net else args.n1_hours)]  # fmt: skip
    load = os.getloadavg()[0]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    if not lines:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1], "load": load}
    return {**json.loads(lines[-1][7:]), "load": (load + os.getloadavg()[0]) / 2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nets", nargs="+", default=NETS)
    parser.add_argument("--what", nargs="+", default=["dc", "n1"], choices=["dc", "n1"])
    parser.add_argument("--tools", nargs="+", default=TOOLS, choices=TOOLS)
    parser.add_argument("--blas", nargs="+", default=["default", "1"])
    parser.add_argument("--repeat", type=int, default=2, help="runs per worker (median)")
    parser.add_argument("--pp-hours", type=int, default=24, help="pandapower dc: hours timed")
    parser.add_argument("--ls-hours", type=int, default=3, help="lightsim2grid N-1: hours")
    parser.add_argument("--pp-outages", type=int, default=20, help="pandapower N-1: outages")
    parser.add_argument("--n1-hours", type=int, default=HOURS, help="corridor N-1 hours")
    parser.add_argument("--n1-hours-big", type=int, default=168,
                        help="corridor N-1 hours on nets above 5000 buses")  # fmt: skip
    parser.add_argument("--worker", choices=TOOLS, help=argparse.SUPPRESS)
    parser.add_argument("--net", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.what = args.what[0] if isinstance(args.what, list) else args.what
        worker(args)
        return
    tools = list(args.tools)
    if "lightsim2grid" in tools and importlib.util.find_spec("lightsim2grid") is None:
        print("lightsim2grid is not installed (pip install lightsim2grid, or the 'bench' "
              "extra): its rows are skipped")  # fmt: skip
        tools.remove("lightsim2grid")
    print(f"{os.cpu_count()} CPUs; times extrapolated to {HOURS} h; medians of {args.repeat}")
    head = (f"{'net':<15}{'what':<5}{'tool':<14}{'blas':>8}{'wall s':>12}{'cpu s':>12}"
            f"{'x ours':>11}{'peak GiB':>9}{'inputs':>7}{'max |dP| MW':>12}{'load':>6}  "
            "note")  # fmt: skip
    print(head)
    for what in args.what:
        for blas in args.blas:
            for net in args.nets:
                ours = None
                for tool in tools:
                    r = _run_worker(args, net, what, tool, blas)
                    if "error" in r:
                        print(f"{net:<15}{what:<5}{tool:<14}{blas:>8}  failed: {r['error']}")
                        continue
                    ours = r["wall"] if tool == "corridor" else ours
                    ratio = f"{r['wall'] / ours:>10.2f}x" if ours else f"{'':>11}"
                    note = r.get("note", "")
                    if "init" in r:
                        note = f"grid init {r['init']:.2f} s " + note
                    if "output" in r:
                        note = f"output {r['output']:.2f} GiB " + note
                    print(f"{net:<15}{what:<5}{tool:<14}{blas:>8}{r['wall']:>12.3f}{r['cpu']:>12.3f}"
                          f"{ratio}{r['peak']:>9.2f}{r['inputs']:>7.2f}{r['diff']:>12.1e}"
                          f"{r['load']:>6.1f}  {note}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
