"""Benchmark: a year of hourly DC-OPF dispatch in blocks of HiGHS LPs vs a loop of rundcopp,
and case118 over 168 hours in the dispatch LP's formulations (``--case118``).

Builds a corridor-sized pandapower net (13 buses in three AC islands joined by three HVDC
links, 30 generators: 21 curtailable renewables and 9 gas units, 13 loads), seeded hourly
profiles for 8760 hours, then times

* ``dispatch(net, ...)`` over the whole year (default blocks of 168 hours),
* the same as one 8760-hour LP (``block_hours=8760``),
* ``pandapower.rundcopp`` hour by hour on a sample of hours, extrapolated to 8760 hours
  (a full loop would take many minutes), and checks that both give the same hourly cost on
  the sample (pandapower's dcline loss convention is converted, see docs/dispatch.md): the
  script exits with an error when the relative difference exceeds ``TOL_REL`` (1e-6, the
  exactness guard; ``tests/test_dispatch.py`` runs the same check on a few hours).

With ``--case118``: pandapower's case118 (linear costs, seeded hourly loads over 168 h) with
its own ratings (uncongested) and with tightened ratings (congested: every line limited to
its peak flow of the uncongested dispatch, the 25 most loaded to 70 % of it), solved in each
formulation (``angle``, ``kirchhoff``, ``ptdf``; ``auto`` picks ``angle`` here), medians of
``--repeat`` alternating runs, with the objectives (equal to 1e-9 or the script fails).

Run::

    /work/venv/bin/python benchmarks/bench_dispatch.py [--sample 48] [--hours 8760]
    OPENBLAS_NUM_THREADS=1 /work/venv/bin/python benchmarks/bench_dispatch.py --case118
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import time

import numpy as np
import pandapower as pp
import pandapower.networks as pn
import pandas as pd

from corridor_sim.engines.dispatch import DispatchResult, dispatch

LINE = "490-AL1/64-ST1A 220.0"
LOSS_PCT = (3.0, 4.0, 5.0)  # dcline losses, % of sent power (engine convention)
#: Exactness guard: hourly cost relative to rundcopp's, on hours without backward HVDC flow.
TOL_REL = 1e-6


def corridor_net(seed: int = 7) -> pp.pandapowerNet:
    """Three AC islands (east 5, middle 4, west 4 buses) in a chain of HVDC links."""
    rng = np.random.default_rng(seed)
    net = pp.create_empty_network(name="bench_corridor")
    islands = {"east": 5, "middle": 4, "west": 4}
    gas_cost = {"east": 35.0, "middle": 60.0, "west": 80.0}
    buses: dict[str, list[int]] = {}
    for name, n in islands.items():
        b = [pp.create_bus(net, vn_kv=220.0, name=f"{name}{i}") for i in range(n)]
        buses[name] = b
        for f, t in zip(b[:-1], b[1:], strict=True):
            pp.create_line(net, f, t, 100.0, LINE, max_loading_percent=100.0)
        pp.create_line(net, b[0], b[-1], 150.0, LINE, max_loading_percent=100.0)
        for k, bus in enumerate(b):
            g = pp.create_gen(net, bus, p_mw=0.0, slack=(k == 0), min_p_mw=0.0, max_p_mw=300.0)
            pp.create_poly_cost(net, g, "gen", cp1_eur_per_mw=gas_cost[name] + 5.0 * k)
            if k < 3:  # avoid identical costs: keeps the optimum unique
                pp.create_load(net, bus, p_mw=float(rng.uniform(80, 160)), controllable=False)
        if name == "east":
            pp.create_load(net, b[3], p_mw=100.0, controllable=False)
            pp.create_load(net, b[4], p_mw=100.0, controllable=False)
    for name in ("east", "middle"):
        for bus in buses[name]:
            for kind in range(2 if name == "east" else 1):
                s = pp.create_sgen(net, bus, p_mw=0.0, min_p_mw=0.0, max_p_mw=400.0,
                                   controllable=True)  # fmt: skip
                pp.create_poly_cost(net, s, "sgen", cp1_eur_per_mw=0.1 * (s + 1) + kind)
    while len(net.gen) + len(net.sgen) < 30:
        s = pp.create_sgen(net, buses["west"][1], p_mw=0.0, min_p_mw=0.0, max_p_mw=100.0,
                           controllable=True)  # fmt: skip
        pp.create_poly_cost(net, s, "sgen", cp1_eur_per_mw=0.05 * (s + 1))
    for (f, t), loss, cap in zip(
        [(buses["east"][2], buses["middle"][1]), (buses["middle"][3], buses["west"][2]),
         (buses["east"][4], buses["west"][0])],
        LOSS_PCT, (800.0, 500.0, 300.0), strict=True,
    ):  # fmt: skip
        pp.create_dcline(net, f, t, p_mw=1.0, loss_percent=loss, loss_mw=0.0,
                         vm_from_pu=1.0, vm_to_pu=1.0, max_p_mw=cap)  # fmt: skip
    return net


def profiles(net: pp.pandapowerNet, hours: int, seed: int = 11) -> dict[str, pd.DataFrame]:
    """Seeded hourly tables: renewable availability, demand and dcline outages."""
    rng = np.random.default_rng(seed)
    idx = pd.RangeIndex(hours, name="hour")
    t = np.arange(hours)
    solar = np.clip(np.sin((t % 24 - 6) / 12 * np.pi), 0, None)
    n_s = len(net.sgen)
    cf = np.where(np.arange(n_s) % 2 == 0, solar[:, None], 0.0) + rng.beta(2, 4, (hours, n_s))
    sgen = pd.DataFrame(np.clip(cf, 0, 1) * net.sgen.max_p_mw.to_numpy(), idx, net.sgen.index)
    daily = 1.0 + 0.15 * np.sin((t % 24 - 9) / 24 * 2 * np.pi)
    noise = rng.normal(1.0, 0.05, (hours, len(net.load)))
    load = pd.DataFrame(daily[:, None] * noise * net.load.p_mw.to_numpy(), idx, net.load.index)
    dc = np.repeat(net.dcline.max_p_mw.to_numpy()[None, :], hours, axis=0)
    dc[(t // 24) % 61 == 7, 0] = 0.0  # a one-day outage of the first link every 61 days
    return {
        "sgen_max_p_mw": sgen,
        "load_p_mw": load,
        "dcline_max_p_mw": pd.DataFrame(dc, idx, net.dcline.index),
    }


def rundcopp_hour(net: pp.pandapowerNet, tables: dict[str, pd.DataFrame], hour: int) -> float:
    """pandapower's DC-OPF for one hour; returns its cost (EUR)."""
    work = copy.deepcopy(net)
    work.load["p_mw"] = tables["load_p_mw"].loc[hour]
    work.sgen["max_p_mw"] = tables["sgen_max_p_mw"].loc[hour]
    cap = tables["dcline_max_p_mw"].loc[hour]
    work.dcline["max_p_mw"] = cap
    # pandapower's OPF fails with a 0 MW rating and with out-of-service dclines: drop them
    work.dcline = work.dcline[cap.to_numpy() > 0]
    keep = 1.0 - work.dcline["loss_percent"] / 100.0
    work.dcline["loss_percent"] = (1.0 / keep - 1.0) * 100.0  # OPF: % of delivered power
    pp.rundcopp(work)
    return float(work.res_cost)


def cost_gaps(
    net: pp.pandapowerNet, tables: dict[str, pd.DataFrame], res: DispatchResult, sample: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """rundcopp on the `sample` hours: its time, relative hourly cost gaps, comparable hours.

    pandapower's dclines only carry power from -> to; the engine's are bidirectional, so only
    the hours where the engine does not use a link backwards are comparable (third value).
    """
    hour_cost = res.generation.groupby("hour")["cost_eur"].sum()
    t0 = time.perf_counter()
    ref = np.array([rundcopp_hour(net, tables, int(h)) for h in sample])
    elapsed = time.perf_counter() - t0
    dc = res.flows[res.flows.branch_type == "dcline"]
    forward = dc.groupby("hour")["p_mw"].min().loc[sample].to_numpy() >= -1e-9
    mine = hour_cost.loc[sample].to_numpy()
    rel = np.abs(mine - ref) / np.maximum(np.abs(ref), 1.0)
    return elapsed, np.where(forward, rel, 0.0), forward


def case118(hours: int = 168, seed: int = 5) -> tuple[pp.pandapowerNet, dict[str, pd.DataFrame]]:
    """pandapower's case118 with linear costs and seeded hourly loads (uncongested ratings).

    ``cp2`` is dropped (the LP is linear) and ``cp1`` gets 0.0-0.6 EUR/MWh added by element
    (``0.1 x (row % 7)``) so that equal-cost units do not make the optimum degenerate. Loads
    follow a daily sine (+-15 %) times 5 % seeded noise per load and hour.
    """
    net = pn.case118()
    net.poly_cost["cp2_eur_per_mw2"] = 0.0
    net.poly_cost["cp1_eur_per_mw"] += 0.1 * (np.arange(len(net.poly_cost)) % 7)
    rng = np.random.default_rng(seed)
    t = np.arange(hours)
    daily = 1.0 + 0.15 * np.sin((t % 24 - 9) / 24 * 2 * np.pi)
    noise = rng.normal(1.0, 0.05, (hours, len(net.load)))
    load = daily[:, None] * noise * net.load.p_mw.to_numpy()
    idx = pd.RangeIndex(hours, name="hour")
    return net, {"load_p_mw": pd.DataFrame(load, idx, net.load.index)}


def congest(net: pp.pandapowerNet, tables: dict[str, pd.DataFrame], n_tight: int = 25) -> None:
    """Limit every line of `net` to its peak flow, the `n_tight` most loaded to 70 % of it."""
    free = dispatch(net, **tables)
    fl = free.flows[free.flows.branch_type == "line"]
    peak = fl.groupby("element")["p_mw"].apply(lambda s: s.abs().max())
    thermal = fl.groupby("element")["limit_mw"].first()
    pct = 100.0 * peak / thermal
    top = peak.sort_values(ascending=False).index[:n_tight]
    pct[top] *= 0.7
    net.line["max_loading_percent"] = pct.clip(lower=1e-3).reindex(net.line.index)


def case118_table(repeat: int) -> None:
    """Time case118 168 h in each formulation (alternating runs) and print medians."""
    avg = " ".join(f"{v:.1f}" for v in os.getloadavg())
    blas = os.environ.get("OPENBLAS_NUM_THREADS")
    print(f"case118, 168 h; OPENBLAS_NUM_THREADS={blas}; load average {avg} on {os.cpu_count()}")
    forms = ("angle", "kirchhoff", "ptdf")
    for label in ("uncongested", "congested"):
        net, tables = case118()
        if label == "congested":
            congest(net, tables)
        dispatch(net, **tables, hours=4)  # warm-up
        times: dict[str, list[float]] = {f: [] for f in forms}
        objective: dict[str, float] = {}
        for _ in range(repeat):
            for f in forms:
                t0 = time.perf_counter()
                res = dispatch(net, **tables, formulation=f)
                times[f].append(time.perf_counter() - t0)
                objective[f] = res.objective_eur
                binding = int((res.flows.shadow_price_eur_per_mwh > 1e-6).sum())
        for f in forms:
            runs = ", ".join(f"{t:.2f}" for t in times[f])
            med = statistics.median(times[f])
            print(f"  {label:11s} {f:9s} median {med:6.2f} s ({runs}), obj {objective[f]:.9e} EUR")
        print(f"  {label}: binding branch-hours {binding}")
        ref = objective["ptdf"]
        gap = max(abs(v - ref) / abs(ref) for v in objective.values())
        if gap > 1e-9:
            msg = f"case118 {label}: objectives differ between formulations by {gap:.1e}"
            raise SystemExit(msg)


def main() -> None:
    """Time the engine and the rundcopp loop and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=8760)
    parser.add_argument("--sample", type=int, default=48, help="rundcopp hours to time")
    parser.add_argument("--case118", action="store_true", help="case118 formulations only")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case118 timing")
    args = parser.parse_args()
    if args.case118:
        case118_table(args.repeat)
        return
    net = corridor_net()
    tables = profiles(net, args.hours)
    print(
        f"net: {len(net.bus)} buses, {len(net.line)} lines, {len(net.dcline)} dclines, "
        f"{len(net.gen)} gens + {len(net.sgen)} sgens, {len(net.load)} loads; "
        f"{args.hours} hours"
    )
    dispatch(net, **tables, hours=24)  # warm-up: imports, numba compilation in pandapower
    t0 = time.perf_counter()
    res = dispatch(net, **tables)
    t_blocks = time.perf_counter() - t0
    print(
        f"dispatch, {res.meta['blocks']} blocks of {res.meta['block_hours']} h: "
        f"{t_blocks:.2f} s (HiGHS {res.meta['solve_s']:.2f} s), "
        f"objective {res.objective_eur:.6e} EUR"
    )
    t0 = time.perf_counter()
    one = dispatch(net, **tables, block_hours=args.hours)
    t_one = time.perf_counter() - t0
    print(f"dispatch, one {args.hours}-hour LP: {t_one:.2f} s, objective {one.objective_eur:.6e}")
    sample = np.linspace(0, args.hours - 1, args.sample).astype(int)
    elapsed, rel, forward = cost_gaps(net, tables, res, sample)
    t_loop = elapsed / args.sample * args.hours
    print(
        f"rundcopp loop: {args.sample} sampled hours, extrapolated to {args.hours} h: "
        f"{t_loop:.1f} s; max relative hourly cost difference {rel.max():.1e} on the "
        f"{forward.sum()} sampled hours without backward HVDC flow"
    )
    print(f"speed-up (rundcopp loop / dispatch): {t_loop / t_blocks:.0f}x")
    if rel.max() > TOL_REL:
        msg = f"exactness guard failed: hourly cost differs from rundcopp by {rel.max():.1e}"
        raise SystemExit(msg)


if __name__ == "__main__":
    main()
