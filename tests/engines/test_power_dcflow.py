"""Batched dc_flow against pandapower.rundcpp run hour by hour."""

from __future__ import annotations

import copy
import importlib
from types import ModuleType

import numpy as np
import pandapower as pp
import pandapower.networks as pn
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor_sim.engines.power import DCFlowResult, DCModel, dc_flow
from corridor_sim.engines.power import flow as _power_flow
from corridor_sim.errors import CorridorSimError, SpecError
from corridor_sim.results.schemas import validate
from tests.engines.power_nets import awkward_net, profiles, reference_run
from tests.helpers import ROOT

TOL_MW = 1e-9  # flows and slack outputs equal rundcpp's to round-off (measured <= 5e-12 MW)
NETS = {
    "case9": pn.case9,
    "case30": pn.case30,
    "case118": pn.case118,
    "example_simple": pn.example_simple,
    "awkward": awkward_net,
}


def _with_outages(net: pp.pandapowerNet) -> pp.pandapowerNet:
    """case118 with two lines out of service and a phase shift on a trafo."""
    net.line.loc[[10, 40], "in_service"] = False
    net.trafo.loc[0, "shift_degree"] = 5.0
    return net


NETS["case118_modified"] = lambda: _with_outages(pn.case118())


def _compare(res: DCFlowResult, ref: pp.pandapowerNet, hour: int) -> None:
    pairs = [
        (res.line_p_from_mw, ref.res_line["p_from_mw"]),
        (res.trafo_p_hv_mw, ref.res_trafo["p_hv_mw"]),
        (res.ext_grid_p_mw, ref.res_ext_grid["p_mw"]),
        (res.gen_p_mw, ref.res_gen["p_mw"]),
    ]
    for mine, theirs in pairs:
        got = mine.iloc[hour].to_numpy()
        want = theirs.reindex(mine.columns).to_numpy(dtype=float)
        np.testing.assert_allclose(got, np.nan_to_num(want), atol=TOL_MW, rtol=0)
    for mine, theirs in (
        (res.line_loading_pct, ref.res_line["loading_percent"]),
        (res.trafo_loading_pct, ref.res_trafo["loading_percent"]),
        (res.bus_va_degree, ref.res_bus["va_degree"]),
    ):
        want = theirs.reindex(mine.columns).to_numpy(dtype=float)
        np.testing.assert_allclose(mine.iloc[hour].to_numpy(), want, atol=1e-6, rtol=0)


@pytest.mark.parametrize("name", sorted(NETS))
def test_dc_flow_matches_rundcpp_hour_by_hour(name: str) -> None:
    net = NETS[name]()
    tables = profiles(net, 6, np.random.default_rng(7))
    res = dc_flow(net, **tables)
    assert res.line_p_from_mw.shape == (6, len(net.line))
    for hour in (0, 5):
        _compare(res, reference_run(net, tables, hour), hour)


def test_no_tables_is_one_rundcpp() -> None:
    net = pn.case30()
    res = dc_flow(net)
    ref = copy.deepcopy(net)
    pp.rundcpp(ref)
    assert res.line_p_from_mw.shape == (1, len(net.line))
    _compare(res, ref, 0)


def test_net_is_not_modified() -> None:
    net = awkward_net()
    before = copy.deepcopy(net)
    dc_flow(net, **profiles(net, 3, np.random.default_rng(1)))
    for table in ("bus", "line", "trafo", "load", "gen", "sgen", "ext_grid", "switch"):
        pd.testing.assert_frame_equal(net[table], before[table])
    assert net.res_line.empty


def test_arrays_equal_dataframes_and_partial_columns_keep_net_values() -> None:
    net = pn.case30()
    rng = np.random.default_rng(3)
    loads = net.load["p_mw"].to_numpy()[None, :] * rng.uniform(0.5, 1.5, (4, len(net.load)))
    by_frame = dc_flow(net, load_p_mw=pd.DataFrame(loads, columns=net.load.index))
    by_array = dc_flow(net, load_p_mw=loads)
    pd.testing.assert_frame_equal(
        by_frame.line_p_from_mw, by_array.line_p_from_mw, check_names=False
    )
    partial = pd.DataFrame({net.load.index[2]: [1.0, 50.0]}, index=[10, 11])
    res = dc_flow(net, load_p_mw=partial)
    assert list(res.line_p_from_mw.index) == [10, 11]
    full = net.load["p_mw"].to_numpy()[None, :].repeat(2, axis=0)
    full[:, 2] = [1.0, 50.0]
    np.testing.assert_allclose(
        res.line_p_from_mw.to_numpy(), dc_flow(net, load_p_mw=full).line_p_from_mw.to_numpy()
    )


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(0.0, 3.0), min_size=20, max_size=20))
def test_power_balance_and_superposition(factors: list[float]) -> None:
    net = _CASE30
    load = pd.DataFrame([net.load["p_mw"].to_numpy() * f for f in factors], columns=net.load.index)
    res = dc_flow(net, load_p_mw=load, model=_MODEL30)
    supplied = res.ext_grid_p_mw.sum(axis=1) + res.gen_p_mw.sum(axis=1)
    np.testing.assert_allclose(supplied, load.sum(axis=1) - net.sgen["p_mw"].sum(), atol=1e-6)
    # flows are affine in the injections: flow(f) = flow(0) + f * (flow(1) - flow(0))
    unit = dc_flow(net, load_p_mw=load.iloc[[0]] * 0 + net.load["p_mw"].to_numpy(), model=_MODEL30)
    zero = dc_flow(net, load_p_mw=load.iloc[[0]] * 0, model=_MODEL30)
    slope = unit.line_p_from_mw.to_numpy() - zero.line_p_from_mw.to_numpy()
    expect = zero.line_p_from_mw.to_numpy() + np.asarray(factors)[:, None] * slope
    np.testing.assert_allclose(res.line_p_from_mw.to_numpy(), expect, atol=1e-6)


_CASE30 = pn.case30()
_MODEL30 = DCModel.from_net(_CASE30)


@pytest.mark.parametrize("name", ["case30", "awkward", "case118_modified"])
def test_ptdf_reproduces_flows(name: str) -> None:
    net = NETS[name]()
    model = DCModel.from_net(net)
    p_bus = model.p_bus_mw[:, None] * np.array([[0.5, 1.0, 1.5]])
    flows = model.branch_flow_mw(model.solve_angles_rad(p_bus))
    via_ptdf = model.ptdf() @ p_bus + model.flow_offset_mw()[:, None]
    np.testing.assert_allclose(via_ptdf, flows, atol=1e-6)


def test_tidy_frame_and_result() -> None:
    net = pn.example_simple()
    res = dc_flow(net, **profiles(net, 3, np.random.default_rng(0)))
    frame = res.to_frame()
    assert list(frame.columns) == [
        "element", "element_type", "element_index", "period", "hour", "p_mw", "loading_pct",
    ]  # fmt: skip
    assert len(frame) == 3 * (len(net.line) + len(net.trafo))
    line0 = frame.query("element_type == 'line' and element_index == 0")
    np.testing.assert_allclose(line0["p_mw"].to_numpy(), res.line_p_from_mw[0].to_numpy())
    assert line0["period"].tolist() == [0, 1, 2]
    # example_simple names its lines and trafos uniquely: the names are the element ids
    assert set(frame["element"]) == set(net.line["name"]) | set(net.trafo["name"])
    result = validate(res.to_result())
    assert result.meta["model"] == "power"
    assert result.meta["calendar"] is False
    pd.testing.assert_frame_equal(result.flows, frame)
    np.testing.assert_array_equal(result.utilisation["utilisation_pct"], frame["loading_pct"])
    peak = frame.loc[frame["loading_pct"].idxmax()]
    assert result.metric("max_loading") == pytest.approx(peak["loading_pct"])
    summary = result.summary().set_index("metric")
    assert summary.loc["max_loading", "element"] == peak["element"]
    assert summary.loc["max_loading", "unit"] == "%"
    assert result.metric("hours") == 3


def test_result_with_dates_and_unnamed_elements() -> None:
    """A DatetimeIndex gives snapshots; nets without unique names get "<table> <index>" ids."""
    net = pn.case9()  # no element names
    stamps = pd.date_range("2032-01-01", periods=4, freq="h", tz="Asia/Baku")
    load = pd.DataFrame({1: [80.0, 90.0, 100.0, 110.0]}, index=stamps)
    result = validate(dc_flow(net, load_p_mw=load).to_result())
    assert result.meta["calendar"] is True
    flows = result.flows
    assert "hour" not in flows
    assert flows["snapshot"].dtype == "datetime64[ns]"
    assert flows["snapshot"].iloc[0] == pd.Timestamp("2032-01-01 00:00")  # local wall time
    assert set(flows["element"]) == {f"line {i}" for i in net.line.index}
    net.line["name"] = "same"
    named = dc_flow(net).to_frame()
    assert named["element"].iloc[0] == "line 0"  # duplicate names are not ids


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"load_p_mw": pd.DataFrame({99: [1.0]})}, r"load_p_mw: column 99 is not an element"),
        ({"load_p_mw": pd.DataFrame({"x": [1.0]})}, r"load_p_mw: column 'x'"),
        (
            {"load_p_mw": pd.DataFrame({0: [1.0, np.nan]})},
            r"load_p_mw: column 0, hour 1 has value nan",
        ),
        ({"sgen_p_mw": np.ones((2, 3))}, r"sgen_p_mw: array has 3 columns, expected one per"),
        ({"load_p_mw": np.ones(3)}, r"load_p_mw: numpy array of shape \(3,\)"),
        ({"load_p_mw": [1.0, 2.0]}, r"load_p_mw: got list"),
        (
            {
                "load_p_mw": pd.DataFrame({0: [1.0]}),
                "gen_p_mw": pd.DataFrame({0: [1.0]}, index=[5]),
            },
            r"gen_p_mw: its hour index differs",
        ),
        ({"load_p_mw": np.ones((2, 3)), "gen_p_mw": np.ones((3, 2))}, r"gen_p_mw: 3 hours"),
        ({"load_p_mw": pd.DataFrame({0: ["a"]})}, r"load_p_mw: non-numeric"),
        ({"load_p_mw": pd.DataFrame(columns=[0], dtype=float)}, r"load_p_mw: has no rows"),
    ],
)
def test_bad_tables_raise_spec_error(kwargs: dict, match: str) -> None:
    with pytest.raises(SpecError, match=match):
        dc_flow(pn.case9(), **kwargs)


def test_net_without_slack_raises() -> None:
    net = pn.case9()
    net.ext_grid["in_service"] = False
    with pytest.raises(CorridorSimError, match="cannot build a DC power flow.*reference bus"):
        dc_flow(net)
    with pytest.raises(CorridorSimError, match="cannot"):
        DCModel.from_net(net, check=True)


def test_two_ext_grids_on_different_buses_mv_oberrhein() -> None:
    net = pn.mv_oberrhein()  # real MV net, two HV/MV substations each with an ext_grid
    model = DCModel.from_net(net, check=True)
    assert model.ref_rows.size == 2
    tables = profiles(net, 3, np.random.default_rng(6))
    res = dc_flow(net, **tables, model=model)
    _compare(res, reference_run(net, tables, 2), 2)


def test_isolated_bus_is_nan_and_its_load_ignored() -> None:
    net = awkward_net()
    iso = int(net.bus.index[net.bus["name"] == "isolated"][0])
    res = dc_flow(net)
    assert np.isnan(res.bus_va_degree[iso]).all()
    more = net.load["p_mw"].to_numpy().copy()[None, :]
    more[0, net.load.index[net.load["bus"] == iso][0]] = 500.0
    np.testing.assert_allclose(
        dc_flow(net, load_p_mw=more).line_p_from_mw.to_numpy(), res.line_p_from_mw.to_numpy()
    )


@pytest.mark.parametrize("name", ["awkward", "case118_modified"])
def test_sparse_path_equals_dense_path(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    net = NETS[name]()
    tables = profiles(net, 5, np.random.default_rng(8))
    monkeypatch.setattr(_power_flow, "DENSE_MAX_BUS", 10**6)
    dense = dc_flow(net, **tables)
    monkeypatch.setattr(_power_flow, "DENSE_MAX_BUS", 0)
    sparse = dc_flow(net, **tables)
    for name in ("line_p_from_mw", "trafo_p_hv_mw", "ext_grid_p_mw", "gen_p_mw", "bus_va_degree"):
        pd.testing.assert_frame_equal(getattr(dense, name), getattr(sparse, name), atol=1e-9)


def test_non_numeric_table_value_is_named():
    """A text cell in an hourly table: the message names table, column, hour and value."""
    net = pn.case9()
    table = pd.DataFrame({1: [90.0, "ninety"]})
    expected = r"load_p_mw: non-numeric value \(column 1, hour 1 has value 'ninety'\)"
    with pytest.raises(SpecError, match=expected):
        dc_flow(net, load_p_mw=table)


def _benchmark(monkeypatch: pytest.MonkeyPatch, name: str) -> ModuleType:
    """Import benchmarks/<name>.py (the benchmarks are scripts, not a package)."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    return importlib.import_module(name)


def test_benchmark_exactness_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """bench_dc_flow's own comparison, on 3 hours: pandapower's run_timeseries(rundcpp) loop."""
    bench = _benchmark(monkeypatch, "bench_dc_flow")
    net = pn.case118()
    tables = bench.year_profiles(net)
    _, res = bench.time_batched(net, tables, 1, reuse=False)
    _, lines = bench.time_pandapower(net, tables, 3)
    assert bench.max_difference_mw(res, lines) <= bench.TOL_MW == TOL_MW
