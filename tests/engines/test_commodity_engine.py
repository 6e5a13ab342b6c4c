"""The commodity-flow engine: conservation, capacities, losses, storage, duals, errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor_sim.engines.commodity import (
    Arc,
    CommodityNetwork,
    CommoditySolution,
    Node,
    NodeKind,
    default_unmet_penalty,
    max_flow,
    network_from_dict,
    solve,
)
from corridor_sim.errors import (
    CorridorSimError,
    InfeasibleError,
    ScenarioError,
    SolverError,
    SpecError,
    UnknownNameError,
)
from corridor_sim.results.result import Result
from corridor_sim.results.schemas import unit_suffix, validate

TOL = 1e-6


# -- helpers ------------------------------------------------------------------
def two_routes(pipe_capacity: float = 4.0) -> CommodityNetwork:
    return CommodityNetwork(
        nodes=(Node("field", kind="supply", supply=10.0), Node("port", kind="demand", demand=6.0)),
        arcs=(
            Arc("field", "port", capacity=pipe_capacity, cost=1.0, id="pipe"),
            Arc("field", "port", capacity=10.0, cost=3.0, id="tanker"),
        ),
        unit="kt",
    )


def assert_conservation(sol: CommoditySolution) -> None:
    """Every node, every period: in + supplied - out - delivered - storage change = 0."""
    net = sol.network
    u = unit_suffix(net.unit)
    index = {n: i for i, n in enumerate(net.node_ids)}
    balance = np.zeros((len(index), net.n_periods))
    f = sol.flows
    np.add.at(balance, (f["target"].map(index), f["period"]), f[f"received_{u}"])
    np.add.at(balance, (f["source"].map(index), f["period"]), -f[f"flow_{u}"])
    s, d = sol.supply, sol.unmet
    np.add.at(balance, (s["element"].map(index).to_numpy(int), s["period"]), s[f"supplied_{u}"])
    np.add.at(balance, (d["element"].map(index).to_numpy(int), d["period"]), -d[f"delivered_{u}"])
    for node, rows in sol.storage.groupby("element"):
        rows = rows.sort_values("period")
        level = rows[f"level_{u}"].to_numpy()
        before = np.concatenate([[net.node(node).initial_level], level[:-1]])
        balance[index[node], rows["period"].to_numpy()] -= level - before
    assert np.abs(balance).max(initial=0.0) < TOL


def assert_capacities(sol: CommoditySolution) -> None:
    u = unit_suffix(sol.meta["unit"])
    f = sol.flows
    assert (f[f"flow_{u}"] >= -TOL).all()
    assert (f[f"flow_{u}"] <= f[f"capacity_{u}"] + TOL).all()
    assert np.allclose(f[f"capacity_{u}"], f[f"capacity_nominal_{u}"] * f["availability_pu"])
    assert (f[f"shadow_price_cu_per_{u}"] >= 0).all()
    if len(sol.storage):
        assert (sol.storage[f"level_{u}"] <= sol.storage[f"capacity_{u}"] + TOL).all()
        assert (sol.storage[f"level_{u}"] >= -TOL).all()
    d = sol.unmet
    assert (d[f"delivered_{u}"] <= d[f"demand_{u}"] + TOL).all()
    s = sol.supply
    assert (s[f"supplied_{u}"] <= s[f"available_{u}"] + TOL).all()


@st.composite
def random_networks(draw: st.DrawFn, *, max_periods: int = 3) -> CommodityNetwork:
    """Small random multi-period networks with supply, demand, storage and losses."""
    n = draw(st.integers(3, 7))
    t_n = draw(st.integers(1, max_periods))
    ints = st.integers(0, 12)
    per = st.lists(ints, min_size=t_n, max_size=t_n)
    nodes = []
    for i in range(n):
        kind = draw(st.sampled_from(["supply", "demand", "storage", "transit"]))
        if kind == "supply":
            nodes.append(Node(f"n{i}", kind=kind, supply=draw(per), supply_cost=draw(ints)))
        elif kind == "demand":
            nodes.append(Node(f"n{i}", kind=kind, demand=draw(per)))
        elif kind == "storage":
            cap = draw(ints)
            nodes.append(
                Node(
                    f"n{i}",
                    kind=kind,
                    storage_capacity=cap,
                    initial_level=draw(st.integers(0, cap)),
                )
            )
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
            availability=draw(st.sampled_from([1.0, 0.5, 1.0])),
            cost=draw(ints),
            loss_fraction=draw(st.sampled_from([0.0, 0.0, 0.05, 0.2])),
        )
        for u, v in pairs
    )
    return CommodityNetwork(nodes=tuple(nodes), arcs=arcs, periods=t_n, unit="kt")


# -- the documented example ------------------------------------------------------
def test_two_routes_known_answer() -> None:
    sol = solve(two_routes())
    assert isinstance(sol, CommoditySolution)
    assert isinstance(sol, Result)
    assert sol.status == "optimal"
    assert sol.total_cost == pytest.approx(10.0)
    flows = sol.flows.set_index("element")
    assert flows.loc["pipe", "flow_kt"] == pytest.approx(4.0)
    assert flows.loc["tanker", "flow_kt"] == pytest.approx(2.0)
    assert flows.loc["pipe", "shadow_price_cu_per_kt"] == pytest.approx(2.0)
    assert flows.loc["tanker", "shadow_price_cu_per_kt"] == pytest.approx(0.0)
    assert sol.bottlenecks.loc[0, "element"] == "pipe"
    assert sol.bottlenecks.loc[0, "rank"] == 1
    assert sol.metric("delivered") == pytest.approx(6.0)
    assert sol.metric("unmet") == pytest.approx(0.0)
    # node price at the port: the marginal unit goes by tanker
    prices = sol.prices.set_index("element")["price_cu_per_kt"]
    assert prices["port"] == pytest.approx(3.0)


def test_contract_columns() -> None:
    sol = solve(two_routes())
    assert {"element", "source", "target", "period", "flow_kt", "capacity_kt"} <= set(sol.flows)
    assert "shadow_price_cu_per_kt" in sol.flows
    assert set(sol.utilisation) >= {"element", "period", "utilisation_pct", "binding"}
    assert set(sol.unmet) >= {"element", "period", "demand_kt", "delivered_kt", "unmet_kt"}
    assert set(sol.storage) >= {"element", "period", "level_kt", "inflow_kt", "outflow_kt"}
    assert set(sol.supply) >= {"element", "period", "supplied_kt", "available_kt"}
    assert set(sol.prices) >= {"element", "period", "price_cu_per_kt"}
    assert set(sol.bottlenecks) >= {
        "rank",
        "element",
        "source",
        "target",
        "binding_periods",
        "binding_period_labels",
        "shadow_price_mean_cu_per_kt",
        "shadow_price_max_cu_per_kt",
    }
    validate(sol, require_snapshot=False)
    assert sol.flows["period"].dtype.kind == "i"
    assert list(sol.delivered("port")["delivered_kt"]) == pytest.approx([6.0])
    with pytest.raises(UnknownNameError, match="prot"):
        sol.delivered("prot")


def test_shadow_price_finite_difference_exact() -> None:
    base = solve(two_routes()).total_cost
    shadow = solve(two_routes()).flows.set_index("element").loc["pipe", "shadow_price_cu_per_kt"]
    assert base - solve(two_routes(5.0)).total_cost == pytest.approx(shadow)
    assert solve(two_routes(3.0)).total_cost - base == pytest.approx(shadow)


@settings(max_examples=60, deadline=None)
@given(random_networks(max_periods=2), st.data())
def test_shadow_price_brackets_finite_differences(
    net: CommodityNetwork, data: st.DataObject
) -> None:
    """Convexity: saving from +d capacity <= shadow price <= extra cost from -d capacity."""
    sol = solve(net)
    f = sol.flows[np.isfinite(sol.flows["capacity_kt"])]
    if f.empty:
        return
    row = f.iloc[data.draw(st.integers(0, len(f) - 1))]
    arc, t, d = row["element"], int(row["period"]), 0.5
    nominal = np.broadcast_to(np.asarray(net.arc(arc).capacity, float), (net.n_periods,)).copy()
    avail = float(row["availability_pu"])
    if avail == 0:
        return
    up = nominal.copy()
    up[t] += d / avail
    saving = (sol.total_cost - solve(net.with_arc(arc, capacity=tuple(up))).total_cost) / d
    assert saving <= row["shadow_price_cu_per_kt"] + 1e-6
    if row["capacity_kt"] >= d:
        down = nominal.copy()
        down[t] -= d / avail
        extra = (solve(net.with_arc(arc, capacity=tuple(down))).total_cost - sol.total_cost) / d
        assert extra >= row["shadow_price_cu_per_kt"] - 1e-6


# -- invariants on random networks ----------------------------------------------
@settings(max_examples=100, deadline=None)
@given(random_networks())
def test_conservation_and_limits(net: CommodityNetwork) -> None:
    sol = solve(net)
    assert_conservation(sol)
    assert_capacities(sol)
    s = sol.summary().set_index("metric")["value"]
    assert s["supplied"] - s["losses"] == pytest.approx(
        s["delivered"]
        + sol.storage.groupby("element")["level_kt"].last().sum()
        - sum(n.initial_level for n in net.nodes),
        abs=1e-6,
    )
    assert sol.total_cost == pytest.approx(
        s["arc_cost"] + s["supply_cost"] + s["unmet_penalty_cost"] - s["revenue"], abs=1e-6
    )


@settings(max_examples=60, deadline=None)
@given(random_networks(), st.data())
def test_raising_a_capacity_never_lowers_delivery(
    net: CommodityNetwork, data: st.DataObject
) -> None:
    arc = net.arcs[data.draw(st.integers(0, len(net.arcs) - 1))]
    extra = data.draw(st.integers(1, 20))
    bigger = np.asarray(arc.capacity, float) + extra
    before = solve(net)
    after = solve(net.with_arc(arc.id, capacity=bigger.tolist() if bigger.ndim else float(bigger)))
    assert after.metric("delivered") >= before.metric("delivered") - 1e-6
    assert after.total_cost <= before.total_cost + 1e-6


@settings(max_examples=10, deadline=None)
@given(random_networks())
def test_deterministic(net: CommodityNetwork) -> None:
    assert solve(net).equals(solve(net))


# -- losses, storage, unmet demand, value ------------------------------------------
def test_losses_need_more_supply() -> None:
    net = CommodityNetwork(
        nodes=(Node("a", kind="supply", supply=100.0), Node("b", kind="demand", demand=45.0)),
        arcs=(Arc("a", "b", capacity=100.0, loss_fraction=0.1),),
    )
    sol = solve(net)
    assert sol.flows.loc[0, "flow_t"] == pytest.approx(50.0)
    assert sol.flows.loc[0, "received_t"] == pytest.approx(45.0)
    assert sol.metric("losses") == pytest.approx(5.0)
    assert max_flow(net, "a", "b").value == pytest.approx(90.0)


def test_storage_carries_volume_across_periods() -> None:
    net = CommodityNetwork(
        nodes=(
            Node("well", kind="supply", supply=[30.0, 0.0, 0.0]),
            Node("tank", kind="storage", storage_capacity=25.0),
            Node("city", kind="demand", demand=[0.0, 10.0, 15.0]),
        ),
        arcs=(Arc("well", "tank", capacity=100.0), Arc("tank", "city", capacity=100.0)),
        periods=("jan", "feb", "mar"),
    )
    sol = solve(net)
    assert sol.metric("unmet") == pytest.approx(0.0)
    assert list(sol.storage["level_t"]) == pytest.approx([25.0, 15.0, 0.0])
    assert list(sol.storage["period_label"]) == ["jan", "feb", "mar"]
    assert_conservation(sol)
    # a smaller tank cannot carry it all: 10 short in March
    small = solve(net.with_node("tank", storage_capacity=15.0))
    assert small.metric("unmet") == pytest.approx(10.0)
    assert small.unmet.set_index("period_label").loc["mar", "unmet_t"] == pytest.approx(10.0)


def test_final_level_kept_and_infeasible_final_level() -> None:
    net = CommodityNetwork(
        nodes=(
            Node("well", kind="supply", supply=10.0),
            Node(
                "tank", kind="storage", storage_capacity=50.0, initial_level=5.0, final_level=12.0
            ),
            Node("city", kind="demand", demand=6.0),
        ),
        arcs=(Arc("well", "tank", capacity=10.0), Arc("tank", "city", capacity=10.0)),
        periods=2,
    )
    sol = solve(net)
    assert sol.storage["level_t"].iloc[-1] >= 12.0 - TOL
    assert sol.metric("unmet") == pytest.approx(0.0)
    with pytest.raises(InfeasibleError, match=r"'tank'.*final_level = 40.*period 1.*at most 25"):
        solve(net.with_node("tank", final_level=40.0))


def test_unmet_demand_reported_and_priced() -> None:
    net = CommodityNetwork(
        nodes=(Node("a", kind="supply", supply=5.0), Node("b", kind="demand", demand=8.0)),
        arcs=(Arc("a", "b", capacity=10.0, cost=1.0),),
    )
    sol = solve(net)
    assert sol.unmet.loc[0, "unmet_t"] == pytest.approx(3.0)
    penalty = default_unmet_penalty(net)
    assert penalty > 1.0
    assert sol.prices.set_index("element").loc["b", "price_cu_per_t"] == pytest.approx(penalty)
    assert sol.metric("unmet_penalty_cost") == pytest.approx(3.0 * penalty)
    # a penalty below the path cost leaves demand unmet on purpose
    cheap = solve(net.with_node("b", unmet_penalty=0.5))
    assert cheap.metric("delivered") == pytest.approx(0.0)
    assert cheap.total_cost == pytest.approx(4.0)


def test_open_sink_pulls_flow_with_value() -> None:
    net = CommodityNetwork(
        nodes=(
            Node("a", kind="supply", supply=7.0, supply_cost=1.0),
            Node("market", kind="demand", demand=math.inf, value=5.0),
        ),
        arcs=(Arc("a", "market", capacity=math.inf, cost=2.0),),
    )
    sol = solve(net)
    assert sol.metric("delivered") == pytest.approx(7.0)
    assert math.isnan(sol.unmet.loc[0, "unmet_t"])
    assert sol.total_cost == pytest.approx(7.0 * (1 + 2 - 5))
    # not worth it when the value is below the path cost
    assert solve(net.with_node("market", value=2.5)).metric("delivered") == pytest.approx(0.0)
    with pytest.raises(SolverError, match="unbounded"):
        solve(net.with_node("a", supply=math.inf))


def test_outage_availability_per_period() -> None:
    net = CommodityNetwork(
        nodes=(Node("a", kind="supply", supply=10.0), Node("b", kind="demand", demand=10.0)),
        arcs=(Arc("a", "b", capacity=10.0, availability=[1.0, 0.0, 0.5], id="btc"),),
        periods=3,
    )
    sol = solve(net)
    assert list(sol.unmet["unmet_t"]) == pytest.approx([0.0, 10.0, 5.0])
    b = sol.bottlenecks.set_index("element")
    assert b.loc["btc", "binding_periods"] == 3
    assert b.loc["btc", "binding_period_labels"] == "0,1,2"
    assert b.loc["btc", "shadow_price_max_cu_per_t"] == pytest.approx(default_unmet_penalty(net))


def test_bottlenecks_ranked_by_shadow_price() -> None:
    net = CommodityNetwork(
        nodes=(
            Node("s", kind="supply", supply=100.0),
            Node("m"),
            Node("t", kind="demand", demand=20.0),
        ),
        arcs=(
            Arc("s", "m", capacity=8.0, cost=1.0, id="cheap"),
            Arc("s", "m", capacity=100.0, cost=4.0, id="dear"),
            Arc("m", "t", capacity=15.0, cost=0.0, id="last"),
            Arc("s", "t", capacity=100.0, cost=50.0, id="detour"),
        ),
    )
    sol = solve(net)
    b = sol.bottlenecks
    assert list(b["element"]) == ["last", "cheap"]
    assert list(b["rank"]) == [1, 2]
    assert b.loc[0, "shadow_price_mean_cu_per_t"] == pytest.approx(50.0 - 4.0)
    assert b.loc[1, "shadow_price_mean_cu_per_t"] == pytest.approx(3.0)


def test_solution_save_load_round_trip(tmp_path: object) -> None:
    net = two_routes()
    net = CommodityNetwork(nodes=net.nodes, arcs=net.arcs, periods=("2025-01",), unit="kt")
    sol = solve(net)
    sol.save(tmp_path)
    back = CommoditySolution.load(tmp_path)
    assert back.equals(sol)
    assert back.total_cost == pytest.approx(sol.total_cost)
    assert back.status == "optimal"


# -- bad input ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "error", "pattern"),
    [
        (lambda: Arc("a", "b", capacity=-1.0), SpecError, r"arc 'a->b': capacity = -1"),
        (lambda: Arc("a", "b", capacity=math.nan), SpecError, r"capacity = nan"),
        (lambda: Arc("a", "b", capacity=[1.0, math.nan]), SpecError, r"capacity\[1\] = nan"),
        (lambda: Arc("a", "b", capacity="big"), SpecError, r"capacity = 'big'"),
        (lambda: Arc("a", "b", capacity=1, availability=1.5), SpecError, r"availability = 1.5"),
        (lambda: Arc("a", "b", capacity=1, loss_fraction=1.0), SpecError, r"loss_fraction = 1.0"),
        (lambda: Arc("a", "b", capacity=1, loss_fraction=-0.1), SpecError, r"loss_fraction"),
        (lambda: Arc("a", "a", capacity=1), SpecError, r"two different nodes"),
        (lambda: Arc("a", "b", capacity=1, cost=math.inf), SpecError, r"cost = inf"),
        (lambda: Node("x", kind="sink"), SpecError, r"kind = 'sink'.*'storage'"),
        (lambda: Node("x", supply=-2.0), SpecError, r"node 'x': supply = -2"),
        (lambda: Node("x", demand=[1.0, -1.0]), SpecError, r"demand\[1\] = -1"),
        (lambda: Node("x", storage_capacity=3.0), SpecError, r"kind='storage'"),
        (
            lambda: Node("x", kind="storage", storage_capacity=3.0, initial_level=4.0),
            SpecError,
            r"initial_level = 4.0; expected a finite number between 0 and storage_capacity = 3.0",
        ),
        (lambda: Node(""), SpecError, r"Node.id"),
        (
            lambda: CommodityNetwork(nodes=(Node("a"), Node("a")), arcs=()),
            SpecError,
            r"node id 'a' appears more than once",
        ),
        (
            lambda: CommodityNetwork(
                nodes=(Node("a"), Node("b")),
                arcs=(Arc("a", "b", capacity=1.0), Arc("a", "b", capacity=2.0)),
            ),
            SpecError,
            r"arc id 'a->b' appears more than once",
        ),
        (
            lambda: CommodityNetwork(
                nodes=(Node("aktau"),), arcs=(Arc("aktau", "baku", capacity=1),)
            ),
            UnknownNameError,
            r"arc 'aktau->baku': target = 'baku' is not a node",
        ),
        (
            lambda: CommodityNetwork(
                nodes=(Node("a"), Node("b")), arcs=(Arc("a", "b", capacity=[1, 2]),), periods=3
            ),
            SpecError,
            r"arc 'a->b': capacity has 2 values; expected one number or 3 values",
        ),
        (lambda: CommodityNetwork(nodes=(), arcs=(), periods=0), SpecError, r"periods = 0"),
        (lambda: two_routes().with_arc("pipe", capacty=3), SpecError, r"did you mean 'capacity'"),
        (lambda: two_routes().with_arc("pipes", capacity=3), UnknownNameError, r"did you mean"),
        (lambda: two_routes().node("prot"), UnknownNameError, r"did you mean 'port'"),
        (lambda: max_flow(two_routes(), "field", "field"), SpecError, r"source = sink"),
        (lambda: max_flow(two_routes(), "field", "prot"), UnknownNameError, r"sink = 'prot'"),
        (lambda: max_flow(two_routes(), "field", "port", period=1), SpecError, r"period = 1"),
        (lambda: solve({"nodes": []}), SpecError, r"expected a CommodityNetwork"),
        (lambda: max_flow(None, "a", "b"), SpecError, r"expected a CommodityNetwork"),
    ],
)
def test_bad_input_errors(make: object, error: type[CorridorSimError], pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        make()


def test_network_from_dict() -> None:
    net = network_from_dict(
        {
            "unit": "kt",
            "periods": ["2025-01", "2025-02"],
            "name": "toy",
            "nodes": [
                {"id": "a", "kind": "supply", "supply": 5},
                {"id": "b", "kind": "demand", "demand": [3, 9]},
            ],
            "arcs": [{"source": "a", "target": "b", "capacity": 10, "cost": 1, "id": "link"}],
            "provenance": [["link.capacity", "oil.btc.capacity_design"]],
        }
    )
    assert net.node("a").kind is NodeKind.SUPPLY
    sol = solve(net)
    assert list(sol.unmet["unmet_kt"]) == pytest.approx([0.0, 4.0])
    assert net.provenance_table().to_dict("records") == [
        {"parameter": "link.capacity", "source_id": "oil.btc.capacity_design"}
    ]


@pytest.mark.parametrize(
    ("table", "error", "pattern"),
    [
        ({"nodes": [], "arcs": [], "period": 3}, ScenarioError, r"unknown key 'period'.*'periods'"),
        ({"nodes": []}, ScenarioError, r"missing key 'arcs'"),
        ({"nodes": [{"id": "a", "suply": 1}], "arcs": []}, ScenarioError, r"nodes\[0\].*'suply'"),
        ({"nodes": [{"id": "a", "supply": -1}], "arcs": []}, SpecError, r"nodes\[0\].*supply = -1"),
        ({"nodes": [{"kind": "supply"}], "arcs": []}, ScenarioError, r"nodes\[0\].*id"),
        ({"nodes": "a", "arcs": []}, ScenarioError, r"nodes = 'a'; expected a list of tables"),
        ({"nodes": [], "arcs": [], "periods": "x"}, SpecError, r"periods = 'x'"),
    ],
)
def test_network_from_dict_errors(
    table: dict[str, object], error: type[CorridorSimError], pattern: str
) -> None:
    with pytest.raises(error, match=pattern):
        network_from_dict(table)


def test_per_period_values_accept_arrays_and_series() -> None:
    arc = Arc("a", "b", capacity=np.array([1, 2.5]), availability=pd.Series([1.0, 0.5]))
    assert arc.capacity == (1.0, 2.5)
    assert arc.availability == (1.0, 0.5)
    assert Arc("a", "b", capacity=np.float64(3.0)).capacity == 3.0
    with pytest.raises(SpecError, match=r"shape \(2, 2\)"):
        Arc("a", "b", capacity=np.ones((2, 2)))
    with pytest.raises(SpecError, match="capacity = None"):
        Arc("a", "b", capacity=None)


def test_degenerate_networks() -> None:
    local = solve(CommodityNetwork(nodes=(Node("a", supply=3.0, demand=5.0),), arcs=()))
    assert local.unmet.loc[0, "delivered_t"] == pytest.approx(3.0)
    assert local.unmet.loc[0, "unmet_t"] == pytest.approx(2.0)
    empty = solve(CommodityNetwork(nodes=(Node("a"),), arcs=()))
    assert empty.total_cost == 0.0
    assert empty.flows.empty
    assert empty.bottlenecks.empty


@pytest.mark.parametrize("field", ["initial_level", "final_level"])
def test_infinite_storage_levels_are_spec_errors(field: str) -> None:
    # regression: initial_level = inf reached linprog as a bare ValueError, and
    # final_level = inf gave a misleading InfeasibleError
    with pytest.raises(SpecError, match=rf"node 'st': {field} = inf; expected a finite number"):
        Node("st", kind="storage", storage_capacity=math.inf, **{field: math.inf})


def test_zero_availability_on_infinite_capacity_warns_nothing() -> None:
    net = CommodityNetwork(
        nodes=(Node("s", supply=5.0), Node("d", demand=3.0)),
        arcs=(Arc("s", "d", capacity=math.inf, availability=0.0),),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sol = solve(net)
    assert sol.unmet["unmet_t"].tolist() == [3.0]
    assert sol.flows["capacity_t"].tolist() == [0.0]


def test_unbounded_error_names_the_runaway_arcs_and_nodes() -> None:
    # the unbounded message used to list generic causes only; now it names the culprits
    cycle = CommodityNetwork(
        nodes=(Node("a"), Node("b"), Node("c", supply=1.0), Node("d", demand=1.0)),
        arcs=(
            Arc("a", "b", capacity=math.inf, cost=-1.0),
            Arc("b", "a", capacity=math.inf, cost=0.5),
            Arc("c", "d", capacity=2.0, cost=1.0),
        ),
    )
    with pytest.raises(
        SolverError, match=r"unbounded \(flow grows without limit on arc\(s\) 'a->b', 'b->a'\)"
    ):
        solve(cycle)
    sink = CommodityNetwork(
        nodes=(Node("s", supply=math.inf), Node("m", demand=math.inf, value=3.0)),
        arcs=(Arc("s", "m", capacity=math.inf, cost=1.0, id="pipe"),),
    )
    with pytest.raises(
        SolverError,
        match=r"'pipe'; from infinite supply at 's'; into open sink\(s\) 'm' \(value 3\)",
    ):
        solve(sink)


@pytest.mark.parametrize("provenance", ["abc", 5, [("x", "y", "z")]])
def test_bad_provenance_is_a_spec_error(provenance: object) -> None:
    # regression: a string or a triple raised a bare ValueError/TypeError while unpacking
    with pytest.raises(SpecError, match=r"\[network\]: .*provenance = .*expected a list of"):
        network_from_dict({"nodes": [{"id": "a"}], "arcs": [], "provenance": provenance})
