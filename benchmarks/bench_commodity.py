"""Benchmark: the commodity engine (one HiGHS LP over all periods) vs networkx network_simplex.

A random multi-period network (default 200 nodes, 800 arcs, 12 periods, no
storage so periods are independent) is solved

1. by :func:`corridor_sim.engines.commodity.solve` (one LP, all periods, tables and duals), and
2. by :func:`networkx.network_simplex`, once per period, on the same graph with a super source
   (supply arcs with supply cost), a super sink (demand arcs) and a bypass arc priced at the
   engine's unmet-demand penalty, so both minimise the same objective.

Both objectives are checked to agree; times are best of ``--repeat`` runs in this process.

Run::

    /work/venv/bin/python benchmarks/bench_commodity.py [--nodes 200 --arcs 800 --periods 12]
"""

from __future__ import annotations

import argparse
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


def best_of(repeat: int, fn):  # noqa: ANN202
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--arcs", type=int, default=800)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    net = build(args.nodes, args.arcs, args.periods)
    penalty = default_unmet_penalty(net)
    print(
        f"network: {len(net.nodes)} nodes, {len(net.arcs)} arcs, {net.n_periods} periods "
        f"({len(net.arcs) * net.n_periods} arc-period flow variables), unmet penalty {penalty:g}"
    )
    solve(net)  # warm-up (imports, caches)

    t_engine, sol = best_of(args.repeat, lambda: solve(net))

    def simplex_all() -> float:
        return sum(
            nx.network_simplex(networkx_period(net, t, penalty))[0] for t in range(net.n_periods)
        )

    graphs = [networkx_period(net, t, penalty) for t in range(net.n_periods)]
    t_nx, nx_cost = best_of(args.repeat, simplex_all)
    t_nx_only, _ = best_of(args.repeat, lambda: sum(nx.network_simplex(g)[0] for g in graphs))

    print(f"engine objective      {sol.total_cost:,.3f}")
    print(f"networkx objective    {nx_cost:,.3f}")
    assert abs(sol.total_cost - nx_cost) <= 1e-6 * max(1.0, abs(nx_cost)), "objectives differ"
    print(f"delivered {sol.metric('delivered'):,.1f} kt, unmet {sol.metric('unmet'):,.1f} kt")
    print(f"engine solve (1 LP, all periods, tables+duals): {t_engine * 1e3:9.1f} ms")
    print(f"networkx network_simplex x{net.n_periods} (incl. graph build): {t_nx * 1e3:9.1f} ms")
    print(
        f"networkx network_simplex x{net.n_periods} (solver only):      {t_nx_only * 1e3:9.1f} ms"
    )
    ratio = t_nx / t_engine
    faster = "engine" if ratio > 1 else "networkx"
    print(
        f"ratio networkx/engine = {ratio:.2f} (solver only {t_nx_only / t_engine:.2f}): "
        f"{faster} is faster"
    )


if __name__ == "__main__":
    main()
