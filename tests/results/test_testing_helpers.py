import pytest

import corridor_sim as cs
from corridor_sim.models import commodity as custom
from corridor_sim.testing import assert_flow_conserved, assert_results_equal, assert_within_capacity
from tests.helpers import example_result


@pytest.fixture
def example(root):
    scn = cs.Scenario.from_toml(root / "examples" / "commodity_custom.toml")
    net = custom._over_time(custom.build(scn.year, network=scn.network), scn)
    return example_result("commodity_custom"), net


def test_custom_example_conserves_flow_and_respects_capacity(example):
    result, net = example
    assert_flow_conserved(result, net)
    assert_within_capacity(result)


def test_helpers_catch_a_tampered_result(example):
    result, net = example
    flows = result.flows.copy()
    flows.loc[0, "flow_kt"] += 5.0
    flows.loc[0, "received_kt"] += 5.0
    bad = cs.Result(tables={**result.tables, "flows": flows}, meta=result.meta)
    with pytest.raises(AssertionError, match="not conserved"):
        assert_flow_conserved(bad, net)
    flows.loc[0, "flow_kt"] = flows.loc[0, "capacity_kt"] + 1.0
    with pytest.raises(AssertionError, match="outside"):
        assert_within_capacity(cs.Result(tables={**result.tables, "flows": flows}))
    with pytest.raises(AssertionError, match="'flows' differs"):
        assert_results_equal(result, bad)


def test_same_scenario_same_tables(tiny):
    assert_results_equal(cs.run(tiny), cs.run(tiny))


def test_conservation_check_works_without_demand_or_supply_nodes():
    from corridor_sim.engines.commodity import Arc, CommodityNetwork, Node, solve

    net = CommodityNetwork(
        nodes=(Node("a", kind="supply", supply=3.0), Node("b")),
        arcs=(Arc("a", "b", capacity=1.0),),
    )
    assert_flow_conserved(solve(net), net)
    empty = CommodityNetwork(nodes=(Node("a"), Node("b")), arcs=(Arc("a", "b", capacity=1.0),))
    assert_flow_conserved(solve(empty), empty)
