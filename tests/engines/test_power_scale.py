"""The power engine at scale: streamed N-1, compact violations, sparse routes, AC re-check."""

from __future__ import annotations

import copy
import os

import numpy as np
import pandapower as pp
import pandapower.networks as pn
import pandas as pd
import pytest

from corridor_sim.engines._shared import dcmodel as _dcmodel
from corridor_sim.engines._shared.linalg import blas_threads, check_blas_threads
from corridor_sim.engines.power import DCModel, ac_check, dc_flow, n_minus_1
from corridor_sim.engines.power import flow as _power_flow
from corridor_sim.errors import SpecError
from corridor_sim.results.schemas import validate
from tests.engines.power_nets import awkward_net, profiles, reference_run

TOL_MW = 1e-9
BIG_NETS = os.environ.get("CORRIDOR_SIM_BIG_NETS", "") not in ("", "0")


def _case118_modified() -> pp.pandapowerNet:
    net = pn.case118()
    net.line.loc[[10, 40], "in_service"] = False
    net.trafo.loc[0, "shift_degree"] = 5.0
    return net


@pytest.fixture(scope="module")
def case118_screens() -> tuple:
    """case118 (phase shift, lines out, bridges): one screen per memory budget."""
    net = _case118_modified()
    tables = profiles(net, 30, np.random.default_rng(21))
    loose = n_minus_1(net, **tables, outages="lines+trafos", threshold_pct=1e9)
    threshold = float(loose.worst["loading_pct"].quantile(0.8))
    big = n_minus_1(net, **tables, outages="lines+trafos", threshold_pct=threshold)
    # 0.05 MiB: outage blocks of one or two outages, pairs in many small batches
    small = n_minus_1(
        net, **tables, outages="lines+trafos", threshold_pct=threshold, memory_mib=0.05
    )
    return net, tables, threshold, big, small


def test_memory_budget_does_not_change_results(case118_screens: tuple) -> None:
    _, _, _, big, small = case118_screens
    pd.testing.assert_frame_equal(big.by_outage, small.by_outage)
    pd.testing.assert_frame_equal(big.violation_counts, small.violation_counts)
    pd.testing.assert_frame_equal(big.violations, small.violations)
    pd.testing.assert_frame_equal(big.islanding, small.islanding)
    # equal maxima resolve to the lowest outage position, then the earliest hour, whatever
    # the blocks: the causes and hours agree too
    pd.testing.assert_frame_equal(big.worst, small.worst)
    assert len(big.islanding) > 0  # case118 has radial lines: bridges are exercised


def test_counts_are_the_full_list_compacted(case118_screens: tuple) -> None:
    _, _, threshold, big, _ = case118_screens
    full = big.violations
    assert len(full) == big.n_violations > 0
    assert (full["loading_pct"] > threshold).all()
    keys = ["outage_element", "outage_index", "element", "element_index"]
    grouped = full.sort_values("loading_pct", ascending=False, kind="stable").groupby(keys)
    expect = grouped.agg(
        n_hours=("hour", "size"), loading_pct=("loading_pct", "first"), hour=("hour", "first")
    )
    counts = big.violation_counts.set_index(keys)
    np.testing.assert_array_equal(counts["n_hours"], expect.loc[counts.index, "n_hours"])
    np.testing.assert_allclose(counts["loading_pct"], expect.loc[counts.index, "loading_pct"])
    assert big.violation_counts["n_hours"].sum() == big.n_violations
    per_outage = big.violation_counts.groupby(["outage_element", "outage_index"])["n_hours"].sum()
    by = big.by_outage.set_index(["outage_element", "outage_index"])["n_violations"]
    np.testing.assert_array_equal(per_outage.to_numpy(), by.loc[per_outage.index].to_numpy())


def test_reported_cases_match_rundcpp(case118_screens: tuple) -> None:
    """The worst case of the top elements and a violation row, re-run with pandapower."""
    net, tables, _, big, _ = case118_screens
    hours = big.base.hours
    picks = [*big.worst.head(3).itertuples(index=False)]
    picks += [*big.violation_counts.head(2).itertuples(index=False)]
    for row in picks:
        outage = (row.outage_element, int(row.outage_index))
        ref = reference_run(net, tables, hours.get_loc(row.hour), outage)
        res = ref.res_line if row.element == "line" else ref.res_trafo
        col = "p_from_mw" if row.element == "line" else "p_hv_mw"
        assert row.p_mw == pytest.approx(float(res.at[row.element_index, col]), abs=TOL_MW)
        want = float(res.at[row.element_index, "loading_percent"])
        assert row.loading_pct == pytest.approx(want, abs=1e-6)


def test_compact_mode_and_row_limit() -> None:
    net = pn.case118()
    tables = profiles(net, 8, np.random.default_rng(3))
    low = float(n_minus_1(net, **tables).worst["loading_pct"].quantile(0.5))
    full = n_minus_1(net, **tables, threshold_pct=low, violations="full")
    assert full.has_violation_rows
    compact = n_minus_1(net, **tables, threshold_pct=low, violations="compact")
    with pytest.raises(SpecError, match="violations='compact'"):
        _ = compact.violations
    limited = n_minus_1(net, **tables, threshold_pct=low, max_violation_rows=5)
    with pytest.raises(SpecError, match=r"exceed max_violation_rows = 5"):
        _ = limited.violations
    assert not limited.has_violation_rows
    for res in (compact, limited):
        assert res.n_violations == full.n_violations
        pd.testing.assert_frame_equal(res.violation_counts, full.violation_counts)
        result = validate(res.to_result())
        assert "violations" not in result.tables
        assert result.metric("violations") == full.n_violations
        pd.testing.assert_frame_equal(result.bottlenecks, validate(full.to_result()).bottlenecks)


def test_sparse_and_dense_sensitivities_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    net = _case118_modified()
    model = DCModel.from_net(net)
    dense_ptdf, dense_angle = model.ptdf().copy(), model.angle_sensitivity().copy()
    monkeypatch.setattr(_dcmodel, "DENSE_INVERSE_MAX_BUS", 0)
    sparse = DCModel.from_net(net)
    np.testing.assert_allclose(sparse.ptdf(), dense_ptdf, atol=1e-12)
    np.testing.assert_allclose(sparse.angle_sensitivity(), dense_angle, atol=1e-12)
    rows = np.array([3, 50, 100])
    lodf_dense, _ = model.lodf(rows, model.ptdf())
    lodf_sparse, _ = sparse.lodf(rows)
    np.testing.assert_allclose(lodf_sparse, lodf_dense, atol=1e-12)


def test_ac_check_reproduces_runpp() -> None:
    net = pn.case30()
    tables = profiles(net, 3, np.random.default_rng(2))
    res = n_minus_1(net, **tables, ac_check="worst", ac_top_k=3)
    ac = res.ac
    assert len(ac) == 3
    assert ac["ac_converged"].all()
    np.testing.assert_allclose(ac["loading_dc_pct"], res.worst["loading_pct"].head(3))
    row = ac.iloc[0]
    work = copy.deepcopy(net)
    for name, table in tables.items():
        if table is not None:
            element = name.removesuffix("_p_mw")
            work[element].loc[table.columns, "p_mw"] = table.loc[row["hour"]].to_numpy()
    work[row["outage_element"]].loc[row["outage_index"], "in_service"] = False
    pp.runpp(work)
    want = work.res_line.at[row["element_index"], "loading_percent"]
    assert row["loading_ac_pct"] == pytest.approx(want, rel=1e-9)
    assert "ac_check" in validate(res.to_result()).tables
    again = ac_check(net, res, tables, cases="violations")
    assert list(again.columns) == list(ac.columns)
    with pytest.raises(SpecError, match="ac_check = 'all'"):
        n_minus_1(net, ac_check="all")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"memory_mib": 0}, r"memory_mib = 0"),
        ({"violations": "some"}, r"violations = 'some'"),
        ({"max_violation_rows": -1}, r"max_violation_rows = -1"),
        ({"blas_threads": 0}, r"blas_threads = 0"),
    ],
)
def test_bad_streaming_arguments(kwargs: dict, match: str) -> None:
    with pytest.raises(SpecError, match=match):
        n_minus_1(pn.case9(), **kwargs)


def test_blas_threads_helpers() -> None:
    assert check_blas_threads(None) is None
    assert check_blas_threads(2) == 2
    with pytest.raises(SpecError, match="blas_threads = True"):
        check_blas_threads(True)
    with blas_threads(1), blas_threads(1):  # nested: the outer limit stays
        x = np.ones((20, 20)) @ np.ones((20, 20))
    assert x[0, 0] == 20.0
    net = awkward_net()
    tables = profiles(net, 4, np.random.default_rng(1))
    one = dc_flow(net, **tables)
    free = dc_flow(net, **tables, blas_threads=None)
    pd.testing.assert_frame_equal(one.line_p_from_mw, free.line_p_from_mw, atol=1e-12)


def test_dense_route_is_chosen_on_small_nets_only() -> None:
    assert _power_flow.use_dense(DCModel.from_net(pn.case30()))
    assert not _power_flow.use_dense(DCModel.from_net(pn.case300()))


@pytest.mark.slow
@pytest.mark.skipif(not BIG_NETS, reason="set CORRIDOR_SIM_BIG_NETS=1 for the big nets")
@pytest.mark.parametrize("name", ["case1354pegase", "case2869pegase", "case9241pegase"])
def test_big_nets_match_rundcpp(name: str) -> None:
    net = getattr(pn, name)()
    tables = profiles(net, 3, np.random.default_rng(5))
    res = dc_flow(net, **tables)
    for hour in (0, 2):
        ref = reference_run(net, tables, hour)
        got = res.line_p_from_mw.iloc[hour].to_numpy()
        np.testing.assert_allclose(got, ref.res_line["p_from_mw"].fillna(0.0), atol=TOL_MW, rtol=0)
        got = res.trafo_p_hv_mw.iloc[hour].to_numpy()
        np.testing.assert_allclose(got, ref.res_trafo["p_hv_mw"].fillna(0.0), atol=TOL_MW, rtol=0)
    if name != "case9241pegase":
        n1 = n_minus_1(net, **tables, outages=[("line", 5), ("line", 400)], violations="compact")
        for outage in (("line", 5), ("line", 400)):
            post = n1.post_flows(outage)
            ref = reference_run(net, tables, 1, outage)
            np.testing.assert_allclose(
                post["line"].iloc[1].to_numpy(),
                ref.res_line["p_from_mw"].fillna(0.0).to_numpy(),
                atol=TOL_MW,
                rtol=0,
            )
