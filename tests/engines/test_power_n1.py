"""n_minus_1 (LODF over all hours) against pandapower.rundcpp with the element out of service."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from types import ModuleType

import networkx as nx
import numpy as np
import pandapower as pp
import pandapower.contingency as pc
import pandapower.networks as pn
import pandas as pd
import pytest

from corridor_sim.engines import power
from corridor_sim.engines.power import N1Result, n_minus_1
from corridor_sim.errors import SpecError
from corridor_sim.results.schemas import validate
from tests.engines.power_nets import awkward_net, profiles, reference_run
from tests.helpers import ROOT

TOL_MW = 1e-9  # post-contingency flows equal rundcpp's to round-off


def _case118_modified() -> pp.pandapowerNet:
    net = pn.case118()
    net.line.loc[[10, 40], "in_service"] = False
    net.trafo.loc[0, "shift_degree"] = 5.0
    return net


def _check_post_flows(res: N1Result, net: pp.pandapowerNet, tables: dict, outages, hours) -> None:
    for outage in outages:
        post = res.post_flows(outage)
        for hour in hours:
            ref = reference_run(net, tables, hour, outage)
            np.testing.assert_allclose(
                post["line"].iloc[hour].to_numpy(),
                ref.res_line["p_from_mw"].fillna(0.0).to_numpy(),
                atol=TOL_MW,
                rtol=0,
                err_msg=f"outage {outage}, hour {hour}",
            )
            if len(net.trafo):
                np.testing.assert_allclose(
                    post["trafo"].iloc[hour].to_numpy(),
                    ref.res_trafo["p_hv_mw"].fillna(0.0).to_numpy(),
                    atol=TOL_MW,
                    rtol=0,
                    err_msg=f"outage {outage}, hour {hour}",
                )


@pytest.mark.parametrize(
    ("factory", "n_sample"),
    [(pn.case9, 99), (pn.case30, 12), (awkward_net, 99), (pn.example_simple, 99)],
)
def test_post_contingency_flows_match_rundcpp(factory, n_sample: int) -> None:
    net = factory()
    tables = profiles(net, 4, np.random.default_rng(11))
    res = n_minus_1(net, **tables, outages="lines+trafos")
    outages = list(res.by_outage[["outage_element", "outage_index"]].itertuples(index=False))
    step = max(1, len(outages) // n_sample)
    picked = [(str(e), int(i)) for e, i in outages[::step]]
    _check_post_flows(res, net, tables, picked, hours=(0, 3))


def test_case118_sampled_outages_with_phase_shift_and_open_lines() -> None:
    net = _case118_modified()
    tables = profiles(net, 5, np.random.default_rng(5))
    rng = np.random.default_rng(2)
    lines = net.line.index[net.line["in_service"]].to_numpy()
    picked = [("line", int(i)) for i in rng.choice(lines, 6, replace=False)]
    picked += [("trafo", 0), ("trafo", 3)]
    res = n_minus_1(net, **tables, outages=picked, chunk_hours=2)
    _check_post_flows(res, net, tables, picked, hours=(1, 4))


def test_worst_and_by_outage_equal_brute_force_loop() -> None:
    net = pn.case30()
    tables = profiles(net, 2, np.random.default_rng(4))
    res = n_minus_1(net, **tables, outages="lines")
    best = np.full(len(net.line), -1.0)
    per_outage = {}
    for idx in net.line.index:
        peak = -1.0
        for hour in range(2):
            load = reference_run(net, tables, hour, ("line", int(idx))).res_line["loading_percent"]
            values = load.fillna(0.0).to_numpy()
            best = np.maximum(best, values)
            peak = max(peak, values.max())
        per_outage[int(idx)] = peak
    worst = res.worst.set_index("element_index").sort_index()
    np.testing.assert_allclose(worst["loading_pct"].to_numpy(), best, atol=1e-6)
    by_outage = res.by_outage.set_index("outage_index")["loading_pct"]
    np.testing.assert_allclose(by_outage.to_numpy(), [per_outage[i] for i in by_outage.index])
    # the reported cause reproduces the reported loading
    row = res.worst.iloc[0]
    post = res.post_flows((row["outage_element"], row["outage_index"]))
    hour = int(row["hour"])
    assert post[(row["element"], row["element_index"])].iloc[hour] == pytest.approx(row["p_mw"])


def test_agrees_with_pandapower_run_contingency() -> None:
    net = pn.case30()
    res = n_minus_1(net, outages="lines")
    ref = pn.case30()
    cases = {"line": {"index": ref.line.index.to_numpy()}}
    pc.run_contingency(ref, cases, contingency_evaluation_function=pp.rundcpp)
    worst = res.worst.set_index("element_index").sort_index()["loading_pct"]
    np.testing.assert_allclose(worst.to_numpy(), ref.res_line["max_loading_percent"], atol=1e-6)


def test_bridges_are_reported_as_islanding() -> None:
    net = pn.case30()
    res = n_minus_1(net, outages="lines")
    graph = nx.MultiGraph()
    graph.add_edges_from((int(r.from_bus), int(r.to_bus), int(i)) for i, r in net.line.iterrows())
    graph.add_edges_from(
        (int(r.hv_bus), int(r.lv_bus), -1 - int(i)) for i, r in net.trafo.iterrows()
    )
    bridges = set()
    for u, v in nx.bridges(nx.Graph(graph)):
        keys = [k for k in graph.get_edge_data(u, v) if k >= 0]
        if len(graph.get_edge_data(u, v)) == 1 and keys:
            bridges.add(keys[0])
    assert set(res.islanding["outage_index"]) == bridges
    flagged = set(res.by_outage.loc[res.by_outage["islanding"], "outage_index"])
    assert flagged == bridges
    for _, row in res.islanding.iterrows():
        ref = reference_run(net, {}, 0, ("line", int(row["outage_index"])))
        lost = set(ref.res_bus.index[ref.res_bus["va_degree"].isna()])
        assert set(row["islanded_buses"]) == lost
        peak = res.by_outage.set_index("outage_index").loc[row["outage_index"], "loading_pct"]
        assert np.isfinite(peak)


def test_violations_threshold_and_chunking() -> None:
    net = pn.case118()
    tables = profiles(net, 6, np.random.default_rng(9))
    loose = n_minus_1(net, **tables, threshold_pct=1e9)
    assert loose.violations.empty
    high, low = loose.worst["loading_pct"].quantile([0.9, 0.5])  # case118 ratings are generous
    tight = n_minus_1(net, **tables, threshold_pct=high, chunk_hours=1)
    assert (tight.violations["loading_pct"] > high).all()
    assert len(tight.violations) > 0
    assert tight.by_outage["n_violations"].sum() == len(tight.violations)
    more = n_minus_1(net, **tables, threshold_pct=low, chunk_hours=4)
    assert len(more.violations) > len(tight.violations)
    pd.testing.assert_frame_equal(tight.worst, more.worst)
    pd.testing.assert_frame_equal(
        tight.by_outage.drop(columns="n_violations"), more.by_outage.drop(columns="n_violations")
    )
    assert set(tight.violations.columns) >= {"p_mw", "loading_pct", "hour", "outage_index"}
    result = validate(tight.to_result())
    assert result.meta["calendar"] is False
    bottlenecks = result.bottlenecks
    assert not bottlenecks.empty
    assert bottlenecks["rank"].tolist() == list(range(1, len(bottlenecks) + 1))
    assert (bottlenecks["loading_pct"] > high).all()
    assert bottlenecks["loading_pct"].is_monotonic_decreasing
    violated = tight.violations.groupby(["element", "element_index"])["hour"].nunique()
    got = bottlenecks.set_index(["element_type", "element_index"])["binding_periods"]
    pd.testing.assert_series_equal(got.sort_index(), violated.sort_index(), check_names=False)
    assert set(bottlenecks["element"]) <= {f"{e} {i}" for e, i in violated.index}
    assert result.metric("worst_post_contingency_loading") == tight.worst["loading_pct"].max()
    assert result.metric("violations") == len(tight.violations)
    assert result.metric("outages_screened") == len(tight.by_outage)
    assert len(result.flows) == 6 * (len(net.line) + len(net.trafo))
    worst = result.table("worst")
    assert {"element", "element_type", "outage", "outage_type", "period", "hour"} <= set(worst)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"outages": "everything"}, r"outages = 'everything': expected 'lines'"),
        ({"outages": [("bus", 1)]}, r"element_type 'bus' unknown"),
        ({"outages": [("line", 999)]}, r"the net has no line with index 999"),
        ({"outages": [3]}, r"expected a pair"),
        ({"chunk_hours": 0}, r"chunk_hours = 0"),
        ({"threshold_pct": float("nan")}, r"threshold_pct = nan"),
    ],
)
def test_bad_arguments_raise_spec_error(kwargs: dict, match: str) -> None:
    with pytest.raises(SpecError, match=match):
        n_minus_1(pn.case9(), **kwargs)


def test_out_of_service_outage_is_rejected() -> None:
    net = pn.case9()
    net.line.loc[4, "in_service"] = False
    with pytest.raises(SpecError, match="line 4 is already out of service"):
        n_minus_1(net, outages=[("line", 4)])
    res = n_minus_1(net, outages="lines")
    assert 4 not in set(res.by_outage["outage_index"])
    with pytest.raises(SpecError, match="was not screened"):
        res.post_flows(("line", 4))


def test_engine_modules_import_no_cycle() -> None:
    """The power package's modules import one way (TYPE_CHECKING imports count too)."""
    package = Path(power.__file__).parent
    graph = nx.DiGraph()
    for path in package.glob("*.py"):
        graph.add_node(path.stem)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "corridor_sim.engines.power."
            ):
                graph.add_edge(path.stem, node.module.rsplit(".", 1)[1])
    assert list(nx.simple_cycles(graph)) == []
    assert graph.has_edge("contingency", "results")
    assert not graph.has_edge("contingency", "run")


def _benchmark(monkeypatch: pytest.MonkeyPatch, name: str) -> ModuleType:
    """Import benchmarks/<name>.py (the benchmarks are scripts, not a package)."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    return importlib.import_module(name)


def test_benchmark_exactness_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """bench_n_minus_1's own comparison on one hour: pandapower's run_contingency(rundcpp)."""
    bench = _benchmark(monkeypatch, "bench_n_minus_1")
    net = pn.case30()
    _, diff = bench.worst_difference_pct(net, bench.year_profiles(net), 1)
    assert diff <= bench.TOL_PCT
