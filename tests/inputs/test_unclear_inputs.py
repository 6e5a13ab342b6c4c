"""Inputs that used to give a bare TypeError, a culprit-free "LP infeasible", zeros from an
empty network, or pandas' "Empty DataFrame": each is now a clear error or notice."""

from __future__ import annotations

import numpy as np
import pandapower as pp
import pandas as pd
import pytest

import corridor_sim as cs
from corridor_sim.cli import main
from corridor_sim.engines.dispatch import dispatch
from corridor_sim.errors import InfeasibleError, ScenarioError, SpecError


@pytest.mark.parametrize("path", [123, None, b"examples/oil_baseline_2025.toml", 1.5])
def test_from_toml_of_something_not_a_path_names_it(path):
    with pytest.raises(ScenarioError, match=r"from_toml\(path = .*\): expected the path of a"):
        cs.Scenario.from_toml(path)


def _net(loading: float = 100.0, load: float = 30.0) -> pp.pandapowerNet:
    net = pp.create_empty_network(name="two buses")
    a, b = pp.create_bus(net, vn_kv=110.0), pp.create_bus(net, vn_kv=110.0)
    pp.create_ext_grid(net, a, max_p_mw=100.0, min_p_mw=0.0)
    pp.create_poly_cost(net, 0, "ext_grid", cp1_eur_per_mw=50.0)
    pp.create_line(
        net, a, b, 10.0, "149-AL1/24-ST1A 110.0", max_loading_percent=loading, name="a-b"
    )
    pp.create_load(net, b, p_mw=load, name="town")
    return net


def test_dispatch_refuses_a_negative_loading_limit():
    with pytest.raises(SpecError) as info:
        dispatch(_net(loading=-50.0))
    assert str(info.value) == (
        "net 'two buses': line 0 (a-b): max_loading_percent = -50.0; "
        "expected a loading limit >= 0 % (NaN: no limit)"
    )
    assert dispatch(_net(loading=np.nan)).objective_eur == pytest.approx(1500.0)  # no limit


def test_an_infeasible_dispatch_names_the_negative_load():
    with pytest.raises(InfeasibleError) as info:
        dispatch(_net(load=-30.0))
    text = str(info.value)
    assert text.startswith("dispatch LP infeasible")
    assert "negative demand" in text
    assert "load 0 (town) = -30.0 MW" in text
    table = pd.DataFrame({0: [10.0, -300.0]})
    with pytest.raises(InfeasibleError, match=r"load 0 \(town\) = -300.0 MW in hour 1"):
        dispatch(_net(), load_p_mw=table)


def test_an_infeasible_dispatch_names_a_closed_line():
    net = _net(loading=0.0)
    net.load.loc[0, "p_mw"] = -5.0
    with pytest.raises(InfeasibleError, match=r"max_loading_percent = 0 lets no power .*line 0"):
        dispatch(net)


def test_nan_in_the_load_table_is_named():
    table = pd.DataFrame({0: [10.0, np.nan]})
    with pytest.raises(SpecError, match=r"load_p_mw: column 0, hour 1 = nan; expected a finite"):
        dispatch(_net(), load_p_mw=table)


def test_an_empty_commodity_network_is_an_error(tmp_path, capsys):
    scn = cs.Scenario(model="commodity", year=2025, network={"nodes": [], "arcs": []})
    with pytest.raises(ScenarioError, match=r"\[network\].nodes is empty: expected at least"):
        cs.run(scn)
    path = tmp_path / "empty.toml"
    path.write_text('model = "commodity"\nyear = 2025\n[network]\nnodes = []\narcs = []\n')
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("corridor-sim: error: empty.toml: [network].nodes is empty")


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_facts_matching_nothing_says_so(capsys, fmt):
    assert main(["facts", "--subject", "zzzz", "--format", fmt]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Empty DataFrame" not in captured.err
    assert captured.err.startswith("corridor-sim: no facts match --subject 'zzzz' (")
    assert main(["facts", "--subject", "zzzz", "--status", "planned"]) == 0
    assert "no facts match --status 'planned' and --subject 'zzzz'" in capsys.readouterr().err
