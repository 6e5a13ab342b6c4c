"""The commodity engine against networkx: max flow, min cut and min-cost flow on the same graphs."""

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
    Node,
    from_networkx,
    max_flow,
    solve,
    to_networkx,
)
from corridor_sim.errors import SpecError


@st.composite
def digraphs(draw: st.DrawFn, *, min_nodes: int = 2, max_nodes: int = 9) -> nx.DiGraph:
    """Random DiGraphs with integer capacities 0..20 and weights 0..9."""
    n = draw(st.integers(min_nodes, max_nodes))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]),
            min_size=1,
            max_size=n * (n - 1),
            unique=True,
        )
    )
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    for u, v in pairs:
        graph.add_edge(u, v, capacity=draw(st.integers(0, 20)), weight=draw(st.integers(0, 9)))
    return graph


@settings(max_examples=150, deadline=None)
@given(digraphs())
def test_max_flow_and_min_cut_match_networkx(graph: nx.DiGraph) -> None:
    s, t = 0, graph.number_of_nodes() - 1
    expected = nx.maximum_flow_value(graph, s, t)
    net = from_networkx(graph)
    result = max_flow(net, str(s), str(t))
    assert result.value == pytest.approx(expected, abs=1e-6)
    assert nx.minimum_cut_value(graph, s, t) == pytest.approx(result.value, abs=1e-6)
    # the cut separates s from t and its capacity is the flow value
    assert str(s) in result.source_side
    assert str(t) not in result.source_side
    cut_capacity = sum(net.arc(a).capacity for a in result.cut_arcs)
    assert cut_capacity == pytest.approx(result.value, abs=1e-6)
    for a in net.arcs:
        crosses = a.source in result.source_side and a.target not in result.source_side
        assert (a.id in result.cut_arcs) == crosses
    # removing the cut arcs disconnects t from s
    cut_pairs = [(int(net.arc(a).source), int(net.arc(a).target)) for a in result.cut_arcs]
    rest = graph.copy()
    rest.remove_edges_from(cut_pairs)
    rest.remove_edges_from([(u, v) for u, v, c in graph.edges(data="capacity") if c == 0])
    assert not nx.has_path(rest, s, t)
    # the flow returned is feasible and conserves volume
    flows = result.flows
    for node in net.node_ids:
        if node in (str(s), str(t)):
            continue
        net_in = sum(flows[a.id] for a in net.arcs if a.target == node)
        net_out = sum(flows[a.id] for a in net.arcs if a.source == node)
        assert net_in == pytest.approx(net_out, abs=1e-6)


@settings(max_examples=150, deadline=None)
@given(digraphs(), st.data())
def test_min_cost_flow_matches_network_simplex(graph: nx.DiGraph, data: st.DataObject) -> None:
    s, t = 0, graph.number_of_nodes() - 1
    top = int(nx.maximum_flow_value(graph, s, t))
    amount = data.draw(st.integers(0, top))
    graph.nodes[s]["demand"] = -amount
    graph.nodes[t]["demand"] = amount
    expected = nx.min_cost_flow_cost(graph)
    cost, flow_dict = nx.network_simplex(graph)
    assert cost == expected
    sol = solve(from_networkx(graph))
    assert sol.metric("unmet") == pytest.approx(0.0, abs=1e-6)
    assert sol.total_cost == pytest.approx(expected, abs=1e-6)
    assert sol.metric("arc_cost") == pytest.approx(expected, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(digraphs(min_nodes=3), st.data())
def test_many_sources_and_sinks_agree_or_report_unmet(
    graph: nx.DiGraph, data: st.DataObject
) -> None:
    nodes = list(graph.nodes)
    picks = data.draw(st.lists(st.integers(-6, 6), min_size=len(nodes), max_size=len(nodes)))
    picks[-1] -= sum(picks)  # balanced, as network_simplex requires
    for node, d in zip(nodes, picks, strict=True):
        graph.nodes[node]["demand"] = d
    sol = solve(from_networkx(graph))
    try:
        expected = nx.min_cost_flow_cost(graph)
    except nx.NetworkXUnfeasible:
        assert sol.metric("unmet") > 1e-6
        return
    assert sol.metric("unmet") == pytest.approx(0.0, abs=1e-6)
    assert sol.total_cost == pytest.approx(expected, abs=1e-6)


@settings(max_examples=30, deadline=None)
@given(digraphs())
def test_round_trip_through_networkx(graph: nx.DiGraph) -> None:
    graph.nodes[0]["demand"] = -3
    graph.nodes[1]["demand"] = 3
    net = from_networkx(graph, unit="kt")
    back = to_networkx(net)
    assert set(back.edges) == {(str(u), str(v)) for u, v in graph.edges}
    for u, v, attrs in graph.edges(data=True):
        assert back.edges[str(u), str(v)]["capacity"] == attrs["capacity"]
        assert back.edges[str(u), str(v)]["weight"] == attrs["weight"]
    for node, demand in graph.nodes(data="demand", default=0):
        assert back.nodes[str(node)]["demand"] == demand


def test_multidigraph_parallel_arcs() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("s", demand=-6)
    graph.add_node("t", demand=6)
    graph.add_edge("s", "t", key="pipe", capacity=4, weight=1)
    graph.add_edge("s", "t", key="tanker", capacity=10, weight=3)
    net = from_networkx(graph)
    assert net.arc_ids == ("s->t#pipe", "s->t#tanker")
    sol = solve(net)
    assert sol.total_cost == pytest.approx(nx.min_cost_flow_cost(graph))
    back = to_networkx(net)
    assert isinstance(back, nx.MultiDiGraph)
    assert nx.min_cost_flow_cost(back) == pytest.approx(sol.total_cost)


def test_missing_capacity_means_infinite() -> None:
    graph = nx.DiGraph()
    graph.add_edge("s", "m")
    graph.add_edge("m", "t", capacity=5)
    net = from_networkx(graph)
    assert math.isinf(net.arc("s->m").capacity)
    assert max_flow(net, "s", "t").value == pytest.approx(nx.maximum_flow_value(graph, "s", "t"))
    graph.add_edge("s", "t")
    result = max_flow(from_networkx(graph), "s", "t")
    assert math.isinf(result.value)
    assert result.cut_arcs == ()
    with pytest.raises(nx.NetworkXUnbounded):
        nx.maximum_flow_value(graph, "s", "t")


@pytest.mark.parametrize("block_periods", [None, 1, 3, 4])
def test_multi_period_equals_network_simplex_per_period(block_periods: int | None) -> None:
    """Without storage, periods are independent: the LP cost is the sum of per-period costs.

    Whether the periods are solved as one LP (4), one by one (1) or in uneven blocks (3).
    """
    rng = np.random.default_rng(7)
    graph = nx.gnm_random_graph(12, 40, seed=7, directed=True)
    t_n = 4
    caps = {e: rng.integers(5, 30, size=t_n).tolist() for e in graph.edges}
    weights = {e: int(rng.integers(1, 10)) for e in graph.edges}
    nodes = [Node("0", kind="supply", supply=[40.0] * t_n)]
    nodes += [Node(str(i)) for i in range(1, 11)]
    nodes.append(Node("11", kind="demand", demand=[40.0] * t_n))
    arcs = tuple(
        Arc(str(u), str(v), capacity=caps[u, v], cost=weights[u, v]) for u, v in graph.edges
    )
    net = CommodityNetwork(nodes=tuple(nodes), arcs=arcs, periods=t_n)
    sol = solve(net, block_periods=block_periods)
    assert sol.meta["blocks"] == {None: 1, 1: 4, 3: 2, 4: 1}[block_periods]
    total = 0.0
    for t in range(t_n):
        g = to_networkx(net, period=t)
        amount = min(40.0, nx.maximum_flow_value(g, "0", "11"))
        for n in g.nodes:
            g.nodes[n]["demand"] = 0
        g.nodes["0"]["demand"], g.nodes["11"]["demand"] = -amount, amount
        total += nx.min_cost_flow_cost(g)
        delivered = sol.unmet.loc[sol.unmet["period"] == t, "delivered_t"].sum()
        assert delivered == pytest.approx(amount, abs=1e-6)
    assert sol.metric("arc_cost") == pytest.approx(total, abs=1e-6)


def test_from_networkx_rejects_clashing_names() -> None:
    graph = nx.DiGraph()
    graph.add_edge(1, "1")
    with pytest.raises(SpecError, match="same str"):
        from_networkx(graph)
    with pytest.raises(SpecError, match="expected a networkx DiGraph"):
        from_networkx(nx.Graph())


@pytest.mark.parametrize("demand", [math.nan, math.inf, "4", None])
def test_from_networkx_rejects_bad_demand(demand: object) -> None:
    # regression: a NaN demand was silently read as a transit node, "4" raised a bare ValueError
    graph = nx.DiGraph()
    graph.add_node("s", demand=demand)
    graph.add_node("t", demand=4)
    graph.add_edge("s", "t", capacity=5)
    with pytest.raises(SpecError, match="node 's': demand = .*expected a finite number"):
        from_networkx(graph)
