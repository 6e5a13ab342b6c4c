"""The dispatch LP's formulations (angle, kirchhoff, ptdf): same optimum, prices, shadow prices.

pandapower's rundcopp is the reference; the PTDF form is the engine before the sparse forms.
"""

from __future__ import annotations

import copy
import importlib

import numpy as np
import pandapower as pp
import pandapower.networks as pn
import pandas as pd
import pytest
import scipy.sparse as sp

from corridor_sim.engines import dispatch as eng
from corridor_sim.engines._shared.dcmodel import DCModel
from corridor_sim.engines.dispatch import choose_formulation, dispatch
from corridor_sim.engines.dispatch.cycles import cycle_rows
from corridor_sim.engines.dispatch.netdata import read_net
from corridor_sim.errors import SpecError
from tests.helpers import ROOT

FORMS = ("angle", "kirchhoff", "ptdf")
LINE = "490-AL1/64-ST1A 220.0"
SCALES = (0.7, 1.0, 1.15)


def _case30_tight() -> pp.pandapowerNet:
    net = pn.case30()
    net.poly_cost["cp2_eur_per_mw2"] = 0.0
    net.line["max_loading_percent"] = 1000.0
    free = copy.deepcopy(net)
    pp.rundcopp(free)
    loading = free.res_line["loading_percent"].abs().sort_values(ascending=False)
    for i in loading.index[:3]:
        net.line.loc[i, "max_loading_percent"] = loading[i] * 0.9
    return net


def _phase_shift_loop() -> pp.pandapowerNet:
    """A 4-bus loop with a phase-shifting trafo (shift 5 deg) and a binding line."""
    net = pp.create_empty_network()
    hv = [pp.create_bus(net, vn_kv=220.0) for _ in range(3)]
    lv = pp.create_bus(net, vn_kv=110.0)
    pp.create_ext_grid(net, hv[0], min_p_mw=0.0, max_p_mw=600.0)
    pp.create_line(net, hv[0], hv[1], 50.0, LINE, max_loading_percent=100.0)
    pp.create_line(net, hv[1], hv[2], 40.0, LINE, max_loading_percent=100.0)
    pp.create_line(net, hv[0], hv[2], 90.0, LINE, max_loading_percent=35.0)
    pp.create_transformer_from_parameters(
        net, hv[2], lv, sn_mva=300.0, vn_hv_kv=220.0, vn_lv_kv=110.0, vkr_percent=0.3,
        vk_percent=12.0, pfe_kw=0.0, i0_percent=0.0, shift_degree=5.0, max_loading_percent=90.0,
    )  # fmt: skip
    pp.create_gen(net, lv, p_mw=0.0, min_p_mw=0.0, max_p_mw=200.0)
    pp.create_load(net, hv[2], p_mw=180.0)
    pp.create_load(net, lv, p_mw=150.0)
    pp.create_poly_cost(net, 0, "ext_grid", cp1_eur_per_mw=30.0)
    pp.create_poly_cost(net, 0, "gen", cp1_eur_per_mw=75.0)
    return net


def _hours(net: pp.pandapowerNet) -> pd.DataFrame:
    p = net.load["p_mw"].to_numpy() * net.load["scaling"].to_numpy()
    return pd.DataFrame(
        np.outer(SCALES, p), pd.RangeIndex(len(SCALES), name="hour"), net.load.index
    )


@pytest.mark.parametrize("formulation", FORMS)
@pytest.mark.parametrize("build", [_case30_tight, _phase_shift_loop], ids=["case30", "shift"])
def test_each_formulation_matches_rundcopp(build: object, formulation: str) -> None:
    net = build()
    res = dispatch(net, load_p_mw=_hours(net), formulation=formulation)
    assert res.meta["formulation"] == formulation
    cost = res.generation.groupby("hour")["cost_eur"].sum()
    prices = res.prices.pivot(index="hour", columns="bus", values="price_eur_per_mwh")
    lines = res.flows[res.flows.branch_type == "line"].pivot(
        index="hour", columns="element", values="p_mw"
    )
    binding = 0
    for h, scale in enumerate(SCALES):
        ref = copy.deepcopy(net)
        ref.load["p_mw"] *= scale
        pp.rundcopp(ref)
        assert cost[h] == pytest.approx(ref.res_cost, rel=1e-7)
        np.testing.assert_allclose(prices.loc[h], ref.res_bus["lam_p"], atol=1e-5)
        np.testing.assert_allclose(lines.loc[h], ref.res_line["p_from_mw"], atol=1e-4)
        binding += int((res.flows.query("hour == @h").shadow_price_eur_per_mwh > 1e-6).sum())
    assert binding > 0  # the limits bind: prices differ between buses


def _islands_storage() -> tuple[pp.pandapowerNet, dict[str, pd.DataFrame]]:
    """Two meshed AC islands, two lossy HVDC links, renewables, storage, 24 hours."""
    rng = np.random.default_rng(4)
    net = pp.create_empty_network()
    isl = [[pp.create_bus(net, vn_kv=220.0) for _ in range(5)] for _ in range(2)]
    for k, group in enumerate(isl):
        for f, t in zip(group, group[1:] + group[:1], strict=True):
            pp.create_line(net, f, t, 60.0 + 10 * k, LINE, max_loading_percent=25.0)
        pp.create_line(net, group[0], group[2], 80.0, LINE, max_loading_percent=25.0)
        g = pp.create_gen(net, group[0], p_mw=0.0, slack=True, min_p_mw=0.0, max_p_mw=500.0)
        pp.create_poly_cost(net, g, "gen", cp1_eur_per_mw=40.0 + 45.0 * k)
        for b in group[1:]:
            pp.create_load(net, b, p_mw=float(rng.uniform(40, 90)))
    for b in isl[0][2:]:
        s = pp.create_sgen(net, b, p_mw=0.0, min_p_mw=0.0, max_p_mw=200.0, controllable=True)
        pp.create_poly_cost(net, s, "sgen", cp1_eur_per_mw=0.5 + s)
    pp.create_dcline(net, isl[0][3], isl[1][2], p_mw=0.0, loss_percent=3.0, loss_mw=0.5,
                     vm_from_pu=1.0, vm_to_pu=1.0, max_p_mw=400.0)  # fmt: skip
    pp.create_dcline(net, isl[0][4], isl[1][4], p_mw=0.0, loss_percent=4.0, loss_mw=0.0,
                     vm_from_pu=1.0, vm_to_pu=1.0, max_p_mw=300.0)  # fmt: skip
    pp.create_storage(net, isl[1][3], p_mw=0.0, max_e_mwh=300.0, max_p_mw=80.0, min_p_mw=-80.0,
                      soc_percent=20.0)  # fmt: skip
    hours = pd.RangeIndex(24, name="hour")
    day = np.clip(np.sin((np.arange(24) - 6) / 12 * np.pi), 0, None)
    avail = pd.DataFrame(200.0 * day[:, None] * rng.uniform(0.6, 1.0, (24, 3)), hours,
                         net.sgen.index)  # fmt: skip
    load = pd.DataFrame(net.load.p_mw.to_numpy() * rng.uniform(0.8, 1.2, (24, len(net.load))),
                        hours, net.load.index)  # fmt: skip
    return net, {"sgen_max_p_mw": avail, "load_p_mw": load}


def test_formulations_agree_on_islands_dclines_storage() -> None:
    net, tables = _islands_storage()
    res = {f: dispatch(net, **tables, formulation=f) for f in FORMS}
    ref = res["ptdf"]  # the engine's formulation before the sparse ones
    assert ref.flows.shadow_price_eur_per_mwh.gt(1e-6).any()
    assert ref.storage.p_mw.abs().max() > 1.0
    assert ref.unserved.p_mw.sum() > 1.0  # some hours at VOLL too
    for f in ("angle", "kirchhoff"):
        assert res[f].objective_eur == pytest.approx(ref.objective_eur, rel=1e-9)
        # the dispatch itself need not be unique (storage can shift energy between hours of
        # equal price); the optimum and its prices are
        for name, cols in (
            ("prices", ["price_eur_per_mwh"]),
            ("flows", ["shadow_price_eur_per_mwh"]),
        ):
            np.testing.assert_allclose(
                getattr(res[f], name)[cols], getattr(ref, name)[cols], atol=1e-5, err_msg=f
            )


def test_kirchhoff_cycles_hold_for_power_flow_flows() -> None:
    net = pn.case118()
    net.poly_cost["cp2_eur_per_mw2"] = 0.0
    model = DCModel.from_net(net)
    data = read_net(net, storage=False, round_trip_efficiency_pct=90.0, initial_soc_pct=50.0)
    kvl, rhs = cycle_rows(model, data.ref_row)
    assert kvl.shape == (model.n_branch - model.n_bus + data.n_island, model.n_branch)
    rng = np.random.default_rng(0)
    p = rng.normal(0, 50, model.n_bus)
    p[data.ref_row] -= p.sum()
    flows = model.branch_flow_mw(model.solve_angles_rad(p))
    np.testing.assert_allclose(kvl @ flows, rhs, atol=1e-6)
    # independent cycles: full row rank
    assert np.linalg.matrix_rank(sp.csr_matrix(kvl).toarray()) == kvl.shape[0]


def test_auto_choices_and_blocks() -> None:
    assert choose_formulation(eng.PTDF_MAX_BUSES) == "ptdf"
    assert choose_formulation(eng.PTDF_MAX_BUSES + 1) == "angle"
    net = pn.case57()
    net.poly_cost["cp2_eur_per_mw2"] = 0.0
    load = pd.DataFrame(
        np.outer(np.linspace(0.9, 1.1, 60), net.load.p_mw), pd.RangeIndex(60), net.load.index
    )
    res = dispatch(net, load_p_mw=load)
    assert res.meta["formulation"] == "angle"
    per_hour = res.meta["n_constraints"] / 60
    assert res.meta["block_hours"] == min(eng.BLOCK_HOURS, int(eng.BLOCK_ROWS // per_hour))
    assert res.meta["blocks"] == -(-60 // res.meta["block_hours"])
    one = dispatch(net, load_p_mw=load, block_hours=60)
    assert one.objective_eur == pytest.approx(res.objective_eur, rel=1e-9)
    with pytest.raises(SpecError, match="formulation = 'dc'"):
        dispatch(net, formulation="dc")


@pytest.mark.slow
def test_case118_week_formulations_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark's case118 168 h, congested: every formulation, one optimum (slow)."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    bench = importlib.import_module("bench_dispatch")
    net, tables = bench.case118(168)
    bench.congest(net, tables)
    res = {f: dispatch(net, **tables, formulation=f) for f in FORMS}
    ref = res["ptdf"]
    assert (ref.flows.shadow_price_eur_per_mwh > 1e-6).sum() > 100
    for f in ("angle", "kirchhoff"):
        assert res[f].objective_eur == pytest.approx(ref.objective_eur, rel=1e-9)
        # where a unit sits exactly at a limit the LMP is not unique (any price between the
        # neighbouring offers is a dual optimum): the forms may report different valid ones
        same = np.isclose(res[f].prices.price_eur_per_mwh, ref.prices.price_eur_per_mwh, atol=1e-4)
        assert same.mean() > 0.98
