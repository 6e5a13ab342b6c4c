"""Long horizons: independent periods solved in blocks equal the single LP; storage stays exact.

- Without storage, ``solve(net, block_periods=k)`` (blocks of k periods, warm-started HiGHS)
  and ``solve(net, block_periods=T)`` (one LP with scipy's linprog) are two solutions of the
  same LP: equal objective, equal flows on networks with generic (tie-free) costs, and block
  duals that are optimal duals of the single LP (checked against the single LP's primal by
  complementary slackness, which makes them equal wherever the dual is unique).
- With storage, periods are linked and the exact LP over all periods is solved; it is
  checked against networkx ``network_simplex`` on the time-expanded graph.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor_sim.engines.commodity import (
    Arc,
    CommodityNetwork,
    CommoditySolution,
    Node,
    default_unmet_penalty,
    solve,
)
from corridor_sim.engines.commodity import blocks as _commodity_blocks
from corridor_sim.errors import SolverError, SpecError
from corridor_sim.testing import assert_within_capacity

PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79)


def _generic(i: int) -> float:
    """A small irrational offset, different for every i: sums of distinct ones never tie."""
    return 0.01 * (math.sqrt(PRIMES[i % len(PRIMES)]) % 1.0) * (1 + i // len(PRIMES))


@st.composite
def independent_networks(draw: st.DrawFn, *, generic: bool = True) -> CommodityNetwork:
    """Random networks without storage over 2..6 periods (losses, outages, open sinks)."""
    n = draw(st.integers(2, 7))
    t_n = draw(st.integers(2, 6))
    ints = st.integers(0, 12)
    per = st.lists(ints, min_size=t_n, max_size=t_n)
    k = iter(range(1000))
    jitter = (lambda: _generic(next(k))) if generic else (lambda: 0.0)
    nodes = []
    for i in range(n):
        kind = draw(st.sampled_from(["supply", "demand", "transit", "sink"]))
        if kind == "supply":
            cost = draw(ints) + jitter()
            nodes.append(Node(f"n{i}", kind=kind, supply=draw(per), supply_cost=cost))
        elif kind == "demand":
            nodes.append(Node(f"n{i}", kind=kind, demand=draw(per)))
        elif kind == "sink":  # an open sink pulled by its value only
            nodes.append(Node(f"n{i}", kind="demand", demand=math.inf, value=draw(ints)))
        else:
            nodes.append(Node(f"n{i}"))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]),
            min_size=1,
            max_size=3 * n,
            unique=True,
        )
    )
    arcs = tuple(
        Arc(
            f"n{u}",
            f"n{v}",
            capacity=draw(st.one_of(ints, per)),
            availability=draw(st.sampled_from([1.0, 0.5, 0.0])),
            cost=draw(st.integers(1, 12)) + jitter(),
            loss_fraction=draw(st.sampled_from([0.0, 0.0, 0.05, 0.2])),
        )
        for u, v in pairs
    )
    return CommodityNetwork(nodes=tuple(nodes), arcs=arcs, periods=t_n, unit="kt")


def assert_flow_conserved(sol: CommoditySolution, net: CommodityNetwork) -> None:
    """Every node and period: received + supplied - sent - delivered - storage change = 0."""
    t_n, index = net.n_periods, {n: i for i, n in enumerate(net.node_ids)}
    balance = np.zeros((len(index), t_n))
    f = sol.flows
    np.add.at(balance, (f["target"].map(index).to_numpy(int), f["period"]), f["received_kt"])
    np.add.at(balance, (f["source"].map(index).to_numpy(int), f["period"]), -f["flow_kt"])
    for table, col, sign in (("supply", "supplied_kt", 1.0), ("unmet", "delivered_kt", -1.0)):
        frame = sol.table(table)
        rows = frame["element"].map(index).to_numpy(int)
        np.add.at(balance, (rows, frame["period"].to_numpy(int)), sign * frame[col].to_numpy())
    for node, rows in sol.storage.groupby("element"):
        level = rows.sort_values("period")["level_kt"].to_numpy()
        before = np.concatenate([[net.node(node).initial_level], level[:-1]])
        balance[index[node]] -= level - before
    assert np.abs(balance).max(initial=0.0) < 1e-6


def _reduced_costs(net: CommodityNetwork, sol: CommoditySolution) -> dict[str, np.ndarray]:
    """Reduced costs ``c - A'y`` of arcs (T, A), supplies and deliveries from sol's prices."""
    t_n = net.n_periods
    index = {nid: i for i, nid in enumerate(net.node_ids)}
    y = sol.prices["price_cu_per_kt"].to_numpy().reshape(t_n, len(index))
    src = np.array([index[a.source] for a in net.arcs])
    tgt = np.array([index[a.target] for a in net.arcs])
    keep = np.array([1.0 - a.loss_fraction for a in net.arcs])
    cost = np.array([a.cost for a in net.arcs])
    out = {"flow": cost + y[:, src] - keep * y[:, tgt]}
    sup = [index[e] for e in sol.supply["element"].to_numpy()[: len(sol.supply) // t_n]]
    dem = [index[e] for e in sol.unmet["element"].to_numpy()[: len(sol.unmet) // t_n]]
    penalty = default_unmet_penalty(net)
    sc = np.array([net.nodes[i].supply_cost for i in sup])
    pv = np.array(
        [
            (0.0 if math.isinf(np.max(net.nodes[i].demand)) else penalty) + net.nodes[i].value
            for i in dem
        ]
    )
    out["supply"] = sc - y[:, sup] if sup else np.zeros((t_n, 0))
    out["delivery"] = -pv + y[:, dem] if dem else np.zeros((t_n, 0))
    return out


def _assert_optimal_duals(
    net: CommodityNetwork, primal: CommoditySolution, dual: CommoditySolution
):
    """`dual`'s prices and shadow prices are optimal duals of the LP that `primal` solves."""
    t_n = net.n_periods
    scale = 1e-7 * max(1.0, default_unmet_penalty(net))
    red = _reduced_costs(net, dual)
    f = primal.flows
    x = f["flow_kt"].to_numpy().reshape(t_n, -1)
    cap = f["capacity_kt"].to_numpy().reshape(t_n, -1)
    r = red["flow"]
    # complementary slackness with the other solution's flows, and dual feasibility
    assert np.all(r[x > 1e-7] <= scale)
    assert np.all(r[x < cap - 1e-7] >= -scale)
    shadow = dual.flows["shadow_price_cu_per_kt"].to_numpy().reshape(t_n, -1)
    at_cap = np.isfinite(cap) & (x >= cap - 1e-7)
    expected = np.where(np.isfinite(cap), np.maximum(-r, 0.0), 0.0)
    assert np.allclose(shadow[at_cap], expected[at_cap], atol=scale)
    for table, col, rc in (
        ("supply", "supplied_kt", "supply"),
        ("unmet", "delivered_kt", "delivery"),
    ):
        frame = primal.table(table)
        v = frame[col].to_numpy().reshape(t_n, -1)
        upper = frame["available_kt" if table == "supply" else "demand_kt"].to_numpy()
        upper = upper.reshape(t_n, -1)
        assert np.all(red[rc][v > 1e-7] <= scale)
        assert np.all(red[rc][v < upper - 1e-7] >= -scale)


@settings(max_examples=80, deadline=None)
@given(independent_networks(), st.data())
def test_blocks_equal_the_single_lp(net: CommodityNetwork, data: st.DataObject) -> None:
    t_n = net.n_periods
    k = data.draw(st.integers(1, t_n - 1))
    single = solve(net, block_periods=t_n)
    blocks = solve(net, block_periods=k)
    assert single.meta["blocks"] == 1
    assert blocks.meta["blocks"] == -(-t_n // k)
    assert blocks.meta["block_periods"] == k
    assert "highspy" in blocks.meta["solver"]
    assert blocks.total_cost == pytest.approx(single.total_cost, rel=1e-9, abs=1e-6)
    for name in ("flows", "utilisation", "unmet", "supply", "prices", "storage"):
        left, right = single.table(name), blocks.table(name)
        assert list(left.columns) == list(right.columns)
        assert (left.dtypes == right.dtypes).all()
        assert left[["element", "period"]].equals(right[["element", "period"]])
    # generic costs: the optimal flows are unique
    assert np.allclose(blocks.flows["flow_kt"], single.flows["flow_kt"], atol=1e-6)
    assert np.allclose(blocks.unmet["delivered_kt"], single.unmet["delivered_kt"], atol=1e-6)
    for metric in ("delivered", "supplied", "unmet", "losses", "arc_cost"):
        assert blocks.metric(metric) == pytest.approx(single.metric(metric), abs=1e-6)
    # duals: each is optimal for the other's primal, so they agree wherever they are unique
    _assert_optimal_duals(net, single, blocks)
    _assert_optimal_duals(net, blocks, single)
    assert_flow_conserved(blocks, net)
    assert_within_capacity(blocks)


@settings(max_examples=40, deadline=None)
@given(independent_networks(generic=False), st.data())
def test_blocks_equal_the_single_lp_with_ties(net: CommodityNetwork, data: st.DataObject) -> None:
    """Integer costs (many optima): same objective, and both solutions optimal for both."""
    k = data.draw(st.integers(1, net.n_periods - 1))
    single = solve(net, block_periods=net.n_periods)
    blocks = solve(net, block_periods=k)
    assert blocks.total_cost == pytest.approx(single.total_cost, rel=1e-9, abs=1e-6)
    _assert_optimal_duals(net, single, blocks)
    _assert_optimal_duals(net, blocks, single)
    assert_flow_conserved(blocks, net)


def _grid(n_arcs: int, t_n: int) -> CommodityNetwork:
    rng = np.random.default_rng(3)
    graph = nx.gnm_random_graph(30, n_arcs, seed=3, directed=True)
    nodes = [Node("0", kind="supply", supply=tuple(rng.integers(50, 90, t_n).astype(float)))]
    nodes += [Node(str(i)) for i in range(1, 27)]
    nodes += [
        Node(str(i), kind="demand", demand=tuple(rng.integers(5, 25, t_n).astype(float)))
        for i in range(27, 30)
    ]
    arcs = tuple(
        Arc(
            str(u),
            str(v),
            capacity=tuple(rng.integers(5, 40, t_n).astype(float)),
            cost=float(rng.integers(1, 9)),
        )
        for u, v in graph.edges
    )
    return CommodityNetwork(nodes=tuple(nodes), arcs=arcs, periods=t_n, unit="kt")


def test_automatic_block_size_and_meta() -> None:
    net = _grid(400, 24)  # 400 arcs + 1 supply + 3 deliveries = 404 variables per period
    sol = solve(net)
    k = _commodity_blocks.TARGET_BLOCK_VARIABLES // 404
    assert sol.meta["block_periods"] == k
    assert sol.meta["blocks"] == -(-24 // k)
    assert len(sol.flows) == 24 * len(net.arcs)
    one = solve(net, block_periods=24)
    assert one.meta["blocks"] == 1
    assert one.meta["solver"] == "HiGHS (scipy.optimize.linprog)"
    assert sol.total_cost == pytest.approx(one.total_cost, rel=1e-9)
    # a short horizon of a small network stays one LP, as before
    small = _grid(40, 12)
    assert solve(small).meta["blocks"] == 1


def test_block_path_is_deterministic() -> None:
    net = _grid(200, 10)
    assert solve(net, block_periods=1).equals(solve(net, block_periods=1))


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, "3"])
def test_bad_block_periods(bad: object) -> None:
    with pytest.raises(SpecError, match=r"block_periods = .*expected None or an int >= 1"):
        solve(_grid(40, 3), block_periods=bad)  # type: ignore[arg-type]


def test_storage_networks_are_one_lp() -> None:
    net = CommodityNetwork(
        nodes=(
            Node("f", kind="supply", supply=[10.0, 0.0, 0.0]),
            Node("tank", kind="storage", storage_capacity=20.0),
            Node("c", kind="demand", demand=[0.0, 5.0, 5.0]),
        ),
        arcs=(Arc("f", "tank", capacity=10.0), Arc("tank", "c", capacity=10.0)),
        periods=3,
    )
    sol = solve(net)
    assert sol.meta["blocks"] == 1
    assert sol.metric("unmet") == pytest.approx(0.0)
    assert solve(net, block_periods=3).meta["blocks"] == 1
    with pytest.raises(SpecError, match="storage node.*'tank'.*link all 3 periods"):
        solve(net, block_periods=1)


def test_unbounded_block_names_the_runaway() -> None:
    net = CommodityNetwork(
        nodes=(
            Node("s", kind="supply", supply=math.inf),
            Node("m", kind="demand", demand=[1.0, math.inf, 1.0], value=3.0),
        ),
        arcs=(Arc("s", "m", capacity=math.inf, cost=1.0, id="pipe"),),
        periods=3,
    )
    for k in (1, 3):
        with pytest.raises(SolverError, match="unbounded.*'pipe'.*infinite supply at 's'"):
            solve(net, block_periods=k)


def test_empty_blocks() -> None:
    net = CommodityNetwork(nodes=(Node("a"), Node("b")), arcs=(), periods=4)
    sol = solve(net, block_periods=1)
    assert sol.total_cost == 0.0
    assert sol.meta["blocks"] == 4
    assert len(sol.prices) == 8


# -- storage: the single LP against networkx on the time-expanded graph -----------------
@st.composite
def storage_networks(draw: st.DrawFn) -> CommodityNetwork:
    """Lossless integer networks with 1-2 storage nodes over 2..4 periods."""
    n = draw(st.integers(3, 6))
    t_n = draw(st.integers(2, 4))
    ints = st.integers(0, 9)
    per = st.lists(ints, min_size=t_n, max_size=t_n)
    n_store = draw(st.integers(1, 2))
    nodes = []
    for i in range(n):
        if i < n_store:
            cap = draw(st.integers(0, 15))
            nodes.append(
                Node(
                    f"n{i}",
                    kind="storage",
                    storage_capacity=cap,
                    initial_level=draw(st.integers(0, cap)),
                )
            )
        else:
            kind = draw(st.sampled_from(["supply", "demand", "transit"]))
            if kind == "supply":
                nodes.append(Node(f"n{i}", kind=kind, supply=draw(per), supply_cost=draw(ints)))
            elif kind == "demand":
                nodes.append(Node(f"n{i}", kind=kind, demand=draw(per)))
            else:
                nodes.append(Node(f"n{i}"))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]),
            min_size=1,
            max_size=3 * n,
            unique=True,
        )
    )
    arcs = tuple(
        Arc(f"n{u}", f"n{v}", capacity=draw(st.one_of(ints, per)), cost=draw(ints))
        for u, v in pairs
    )
    return CommodityNetwork(nodes=tuple(nodes), arcs=arcs, periods=t_n, unit="kt")


def _time_expanded_cost(net: CommodityNetwork) -> float:
    """The engine's objective from network_simplex on the time-expanded graph."""
    t_n = net.n_periods
    penalty = default_unmet_penalty(net)
    at = lambda v, t: v[t] if isinstance(v, tuple) else v  # noqa: E731
    g = nx.DiGraph()
    total_supply, const, initial = 0, 0.0, 0
    for t in range(t_n):
        for a in net.arcs:
            g.add_edge((a.source, t), (a.target, t), capacity=at(a.capacity, t), weight=a.cost)
        for node in net.nodes:
            supply, demand = at(node.supply, t), at(node.demand, t)
            if supply > 0:
                g.add_edge("S", (node.id, t), capacity=supply, weight=node.supply_cost)
                total_supply += supply
            if demand > 0:
                g.add_edge((node.id, t), "Z", capacity=demand, weight=-penalty)
                const += penalty * demand
            if node.kind == "storage":
                nxt = (node.id, t + 1) if t + 1 < t_n else "Z"
                g.add_edge((node.id, t), nxt, capacity=node.storage_capacity, weight=0)
    for node in net.nodes:
        if node.kind == "storage":
            g.add_node((node.id, 0))
            g.nodes[(node.id, 0)]["demand"] = -node.initial_level
            initial += node.initial_level
    g.add_edge("S", "Z", weight=0)  # supply left unused
    g.add_node("S")
    g.nodes["S"]["demand"] = -total_supply
    g.nodes["Z"]["demand"] = total_supply + initial
    return nx.network_simplex(g)[0] + const


@settings(max_examples=60, deadline=None)
@given(storage_networks())
def test_storage_lp_equals_time_expanded_network_simplex(net: CommodityNetwork) -> None:
    sol = solve(net)
    assert sol.meta["blocks"] == 1
    assert sol.total_cost == pytest.approx(_time_expanded_cost(net), rel=1e-9, abs=1e-6)
    assert_flow_conserved(sol, net)


def test_long_horizon_blocks_equal_single_lp() -> None:
    """200 arcs over 168 periods: automatic blocks against the single LP (about 1 s)."""
    net = _grid(200, 168)
    single = solve(net, block_periods=168)
    blocks = solve(net)
    assert blocks.meta["blocks"] > 1
    assert blocks.total_cost == pytest.approx(single.total_cost, rel=1e-9)
    _assert_optimal_duals(net, single, blocks)
