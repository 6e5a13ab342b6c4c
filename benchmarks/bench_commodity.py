"""Benchmark: the commodity engine vs networkx network_simplex, over short and long horizons.

A random network (default 200 nodes, 800 arcs, no storage, so the periods are independent)
is solved for each horizon in ``--periods`` (default 12, 168, 730 and 8,760 periods)

1. by :func:`corridor_sim.engines.commodity.solve` (all periods, tables and duals), and
2. by :func:`networkx.network_simplex`, once per period, on the same graph with a super source
   (supply arcs with supply cost), a super sink (demand arcs) and a bypass arc priced at the
   engine's unmet-demand penalty, so both minimise the same objective.

Each measurement runs in a fresh subprocess (one per horizon, solver and repeat) with BLAS
and OpenMP limited to one thread, so its peak resident memory (``ru_maxrss``) is its own:
"peak" is the whole process (imports and the network object included), "solve" the growth
during the solve (peak minus the resident size just before it). Times are medians over
``--repeat`` subprocesses; the machine may be shared, so the load average is printed too.

Run::

    python benchmarks/bench_commodity.py [--nodes 200 --arcs 800 --periods 12,168,730,8760]
        [--repeat 2] [--block-periods N] [--markdown]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import networkx as nx
import numpy as np

from corridor_sim.engines.commodity import (
    Arc,
    CommodityNetwork,
    Node,
    default_unmet_penalty,
    solve,
    to_networkx,
)

THREADS = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}


def build(n_nodes: int, n_arcs: int, n_periods: int, seed: int = 1) -> CommodityNetwork:
    rng = np.random.default_rng(seed)
    graph = nx.gnm_random_graph(n_nodes, n_arcs, seed=seed, directed=True)
    order = rng.permutation(n_nodes)
    supply_ids = set(order[: n_nodes // 20].tolist())
    demand_ids = set(order[n_nodes // 20 : n_nodes // 20 + n_nodes // 10].tolist())
    nodes = []
    for i in range(n_nodes):
        if i in supply_ids:
            supply = rng.integers(50, 150, size=n_periods).astype(float)
            nodes.append(
                Node(
                    f"n{i}",
                    kind="supply",
                    supply=tuple(supply),
                    supply_cost=float(rng.integers(1, 5)),
                )
            )
        elif i in demand_ids:
            demand = rng.integers(10, 60, size=n_periods).astype(float)
            nodes.append(Node(f"n{i}", kind="demand", demand=tuple(demand)))
        else:
            nodes.append(Node(f"n{i}"))
    arcs = tuple(
        Arc(
            f"n{u}",
            f"n{v}",
            capacity=tuple(rng.integers(10, 80, size=n_periods).astype(float)),
            cost=float(rng.integers(1, 20)),
        )
        for u, v in graph.edges
    )
    return CommodityNetwork(
        nodes=tuple(nodes), arcs=arcs, periods=n_periods, unit="kt", name="bench"
    )


def networkx_period(net: CommodityNetwork, period: int, penalty: float) -> nx.DiGraph:
    """The period as a balanced networkx min-cost-flow problem with the same objective."""
    g = to_networkx(net, period=period)
    for n in g.nodes:
        g.nodes[n]["demand"] = 0
    total = 0.0
    for node in net.nodes:
        supply = node.supply[period] if isinstance(node.supply, tuple) else node.supply
        demand = node.demand[period] if isinstance(node.demand, tuple) else node.demand
        if supply > 0:
            g.add_edge("_S", node.id, capacity=supply, weight=node.supply_cost)
        if demand > 0:
            g.add_edge(node.id, "_T", capacity=demand, weight=0)
            total += demand
    g.add_edge("_S", "_T", weight=penalty)  # unmet demand, infinite capacity
    g.nodes["_S"]["demand"] = -total
    g.nodes["_T"]["demand"] = total
    return g


def _rss_mib() -> float:
    """Resident set size now (Linux /proc), MiB."""
    with open("/proc/self/statm") as f:  # noqa: PTH123 - a proc file
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def child(args: argparse.Namespace) -> None:
    """One measurement in this process; prints one JSON line."""
    net = build(args.nodes, args.arcs, args.periods)
    before = _rss_mib()
    out: dict[str, object] = {}
    if args.child == "engine":
        start = time.perf_counter()
        kwargs = {} if args.block_periods is None else {"block_periods": args.block_periods}
        sol = solve(net, **kwargs)
        out["seconds"] = time.perf_counter() - start
        out["objective"] = sol.total_cost
        out["blocks"] = sol.meta.get("blocks", 1)
        out["rows"] = len(sol.flows)
    else:
        penalty = default_unmet_penalty(net)
        start = time.perf_counter()
        solver_only = 0.0
        total = 0.0
        for t in range(net.n_periods):
            g = networkx_period(net, t, penalty)
            t0 = time.perf_counter()
            total += nx.network_simplex(g)[0]
            solver_only += time.perf_counter() - t0
        out["seconds"] = time.perf_counter() - start
        out["solver_seconds"] = solver_only
        out["objective"] = total
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    out["peak_mib"] = peak
    out["solve_mib"] = peak - before
    print(json.dumps(out))


def measure(args: argparse.Namespace, which: str, periods: int) -> dict[str, float]:
    """Median of `args.repeat` subprocess measurements."""
    cmd = [
        sys.executable,
        __file__,
        "--child",
        which,
        "--nodes",
        str(args.nodes),
        "--arcs",
        str(args.arcs),
        "--periods",
        str(periods),
    ]
    if args.block_periods is not None:
        cmd += ["--block-periods", str(args.block_periods)]
    runs = []
    for _ in range(args.repeat):
        done = subprocess.run(
            cmd, env={**os.environ, **THREADS}, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            sys.exit(f"{which} at {periods} periods failed:\n{done.stderr}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    keys = [k for k, v in runs[0].items() if isinstance(v, (int, float))]
    return {k: statistics.median(r[k] for r in runs) for k in keys}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--arcs", type=int, default=800)
    parser.add_argument("--periods", default="12,168,730,8760")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--block-periods", type=int, default=None)
    parser.add_argument("--markdown", action="store_true", help="also print a markdown table")
    parser.add_argument("--child", choices=["engine", "networkx"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.periods = int(args.periods)
        child(args)
        return

    horizons = [int(p) for p in str(args.periods).split(",")]
    print(
        f"{args.nodes} nodes, {args.arcs} arcs, no storage; medians of {args.repeat} "
        f"subprocess runs; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    head = (
        f"{'periods':>7} {'engine s':>9} {'networkx s':>10} {'(solver)':>9} {'ratio':>6} "
        f"{'eng peak':>9} {'eng solve':>9} {'nx peak':>8} {'blocks':>6} "
        f"{'engine objective':>18} {'networkx objective':>18} {'rel diff':>9}"
    )
    print(head)
    rows = []
    for periods in horizons:
        eng = measure(args, "engine", periods)
        ref = measure(args, "networkx", periods)
        diff = abs(eng["objective"] - ref["objective"]) / max(1.0, abs(ref["objective"]))
        rows.append((periods, eng, ref, diff))
        print(
            f"{periods:>7} {eng['seconds']:>9.2f} {ref['seconds']:>10.2f} "
            f"{ref['solver_seconds']:>9.2f} {ref['seconds'] / eng['seconds']:>6.2f} "
            f"{eng['peak_mib']:>7.0f}Mi {eng['solve_mib']:>7.0f}Mi {ref['peak_mib']:>6.0f}Mi "
            f"{eng['blocks']:>6.0f} {eng['objective']:>18,.1f} {ref['objective']:>18,.1f} "
            f"{diff:>9.1e}",
            flush=True,
        )
        if diff > 1e-6:
            sys.exit(f"objectives differ at {periods} periods (relative {diff:.2e})")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    if args.markdown:
        print(
            "\n| periods | engine | networkx (solver only) | ratio nx/engine | engine peak RSS "
            "(solve) | networkx peak RSS | LPs | objective (engine = networkx) | rel. diff |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for periods, eng, ref, diff in rows:
            print(
                f"| {periods:,} | {eng['seconds']:.2f} s | {ref['seconds']:.2f} s "
                f"({ref['solver_seconds']:.2f} s) | {ref['seconds'] / eng['seconds']:.2f} | "
                f"{eng['peak_mib']:,.0f} MiB ({eng['solve_mib']:,.0f} MiB) | "
                f"{ref['peak_mib']:,.0f} MiB | {eng['blocks']:,.0f} | {eng['objective']:,.1f} | "
                f"{diff:.0e} |"
            )


if __name__ == "__main__":
    main()
