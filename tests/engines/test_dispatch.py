"""Tests of the multi-period DC-OPF dispatch engine against pandapower's rundcopp and invariants."""

from __future__ import annotations

import ast
import copy
import importlib
from pathlib import Path
from types import ModuleType

import numpy as np
import pandapower as pp
import pandapower.networks as pn
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor_sim.catalogue import value
from corridor_sim.engines import dispatch as eng
from corridor_sim.engines._shared.highs import LinprogStatus
from corridor_sim.engines.dispatch import DispatchResult, dispatch
from corridor_sim.errors import InfeasibleError, SolverError, SpecError
from corridor_sim.results.schemas import validate
from tests.helpers import ROOT

ENGINES = Path(eng.__file__).parent

LINE_TYPE = "490-AL1/64-ST1A 220.0"
SCALES = (0.7, 1.0, 1.15)  # sampled "hours": load scaled per hour


def _linear(net: pp.pandapowerNet) -> pp.pandapowerNet:
    net.poly_cost["cp2_eur_per_mw2"] = 0.0
    return net


def _tight(net: pp.pandapowerNet, n_bind: int, factor: float) -> pp.pandapowerNet:
    """Limit every line to 100 % and the `n_bind` most loaded to `factor` x their free flow."""
    net.line["max_loading_percent"] = 1000.0
    free = copy.deepcopy(net)
    pp.rundcopp(free)
    loading = free.res_line["loading_percent"].abs().sort_values(ascending=False)
    for i in loading.index[:n_bind]:
        net.line.loc[i, "max_loading_percent"] = loading[i] * factor
    return net


def _reference(net: pp.pandapowerNet, scale: float) -> pp.pandapowerNet:
    ref = copy.deepcopy(net)
    ref.load["p_mw"] = ref.load["p_mw"] * scale
    pp.rundcopp(ref)
    return ref


def _load_table(net: pp.pandapowerNet) -> pd.DataFrame:
    p = net.load["p_mw"].to_numpy() * net.load["scaling"].to_numpy()
    idx = pd.RangeIndex(len(SCALES), name="hour")
    return pd.DataFrame(np.outer(SCALES, p), index=idx, columns=net.load.index)


def _pivot(table: pd.DataFrame, key: str, col: str) -> pd.DataFrame:
    return table.pivot(index="hour", columns=key, values=col)


@pytest.fixture(scope="module")
def case_results() -> dict[str, tuple[pp.pandapowerNet, DispatchResult]]:
    nets = {
        "case9": _tight(_linear(pn.case9()), 1, 0.8),
        "case30": _tight(_linear(pn.case30()), 3, 0.9),
    }
    return {k: (n, dispatch(n, load_p_mw=_load_table(n))) for k, n in nets.items()}


@pytest.mark.parametrize("case", ["case9", "case30"])
def test_matches_rundcopp_hour_by_hour(case_results: dict, case: str) -> None:
    net, res = case_results[case]
    gen = res.generation
    flows = _pivot(res.flows[res.flows.branch_type == "line"], "element", "p_mw")
    prices = _pivot(res.prices, "bus", "price_eur_per_mwh")
    cost = gen.groupby("hour")["cost_eur"].sum()
    binding = 0
    for h, scale in enumerate(SCALES):
        ref = _reference(net, scale)
        assert cost[h] == pytest.approx(ref.res_cost, rel=1e-6)
        np.testing.assert_allclose(flows.loc[h], ref.res_line["p_from_mw"], atol=1e-4)
        np.testing.assert_allclose(prices.loc[h], ref.res_bus["lam_p"], atol=1e-4)
        binding += int(
            (ref.res_line["loading_percent"] > net.line.max_loading_percent - 1e-6).sum()
        )
    assert res.objective_eur == pytest.approx(cost.sum(), rel=1e-9)
    assert binding > 0  # the tightened limits do bind in some sampled hour


def test_dcline_matches_rundcopp() -> None:
    """pandapower's OPF loses l % of the *delivered* power; the engine loses l' % of the sent
    power. With 1 - l'/100 = 1 / (1 + l/100) the two models are the same LP."""

    def build(loss_pct: float) -> pp.pandapowerNet:
        net = pp.create_empty_network()
        a1, a2, b1, b2 = (pp.create_bus(net, vn_kv=220.0) for _ in range(4))
        pp.create_ext_grid(net, a1, min_p_mw=0.0, max_p_mw=500.0)
        pp.create_line(net, a1, a2, 50.0, LINE_TYPE, max_loading_percent=100.0)
        pp.create_line(net, b1, b2, 50.0, LINE_TYPE, max_loading_percent=100.0)
        pp.create_gen(net, b2, p_mw=50.0, slack=True, min_p_mw=0.0, max_p_mw=300.0)
        pp.create_load(net, b2, p_mw=150.0, controllable=False)
        pp.create_load(net, a2, p_mw=20.0, controllable=False)
        pp.create_dcline(net, a2, b1, p_mw=10.0, loss_percent=loss_pct, loss_mw=0.0,
                         vm_from_pu=1.0, vm_to_pu=1.0, max_p_mw=80.0)  # fmt: skip
        pp.create_poly_cost(net, 0, "ext_grid", cp1_eur_per_mw=10.0)
        pp.create_poly_cost(net, 0, "gen", cp1_eur_per_mw=50.0)
        return net

    ref = build(2.0)
    pp.rundcopp(ref)
    res = dispatch(build(100.0 * (1.0 - 1.0 / 1.02)))
    assert res.objective_eur == pytest.approx(ref.res_cost, rel=1e-6)
    dc = res.flows[res.flows.branch_type == "dcline"].iloc[0]
    assert dc.p_mw == pytest.approx(ref.res_dcline.p_from_mw[0], abs=1e-6)
    assert dc.shadow_price_eur_per_mwh > 0  # the link is the bottleneck
    np.testing.assert_allclose(res.prices.price_eur_per_mwh, ref.res_bus.lam_p, atol=1e-6)


# --------------------------------------------------------------------------- corridor-like net
def corridor(
    *, line_pct: float = 100.0, storage_mwh: float = 0.0, hours: int = 48, seed: int = 3
) -> tuple[pp.pandapowerNet, dict[str, pd.DataFrame]]:
    """Two AC islands joined by two HVDC links, renewables, gas, loads and hourly tables."""
    rng = np.random.default_rng(seed)
    net = pp.create_empty_network()
    east = [pp.create_bus(net, vn_kv=220.0, name=f"e{i}") for i in range(4)]
    west = [pp.create_bus(net, vn_kv=220.0, name=f"w{i}") for i in range(4)]
    for group in (east, west):
        for f, t in zip(group[:-1], group[1:], strict=True):
            pp.create_line(net, f, t, 80.0, LINE_TYPE, max_loading_percent=line_pct)
        pp.create_line(net, group[0], group[-1], 120.0, LINE_TYPE, max_loading_percent=line_pct)
    pp.create_gen(net, east[0], p_mw=0.0, slack=True, min_p_mw=0.0, max_p_mw=200.0)
    pp.create_gen(net, west[0], p_mw=0.0, slack=True, min_p_mw=0.0, max_p_mw=400.0)
    pp.create_poly_cost(net, 0, "gen", cp1_eur_per_mw=60.0)
    pp.create_poly_cost(net, 1, "gen", cp1_eur_per_mw=90.0)
    for i, b in enumerate(east[1:]):
        s = pp.create_sgen(net, b, p_mw=0.0, max_p_mw=250.0, min_p_mw=0.0, controllable=True)
        pp.create_poly_cost(net, s, "sgen", cp1_eur_per_mw=float(i))
    for b in (*east, *west):
        pp.create_load(net, b, p_mw=60.0 if b in east else 120.0, controllable=False)
    pp.create_dcline(net, east[3], west[1], p_mw=1.0, loss_percent=3.0, loss_mw=0.0,
                     vm_from_pu=1.0, vm_to_pu=1.0, max_p_mw=300.0)  # fmt: skip
    pp.create_dcline(net, east[2], west[3], p_mw=1.0, loss_percent=5.0, loss_mw=1.0,
                     vm_from_pu=1.0, vm_to_pu=1.0, max_p_mw=150.0)  # fmt: skip
    if storage_mwh:
        pp.create_storage(net, west[2], p_mw=0.0, max_e_mwh=storage_mwh, max_p_mw=100.0,
                          min_p_mw=-100.0, soc_percent=0.0)  # fmt: skip
    idx = pd.RangeIndex(hours, name="hour")
    day = np.sin(np.arange(hours) / 24 * 2 * np.pi)
    avail = np.clip(0.5 + 0.5 * day[:, None] + rng.normal(0, 0.1, (hours, 3)), 0, 1) * 250.0
    load = net.load.p_mw.to_numpy() * (1.0 + 0.3 * rng.uniform(-1, 1, (hours, len(net.load))))
    tables = {
        "sgen_max_p_mw": pd.DataFrame(avail, index=idx, columns=net.sgen.index),
        "load_p_mw": pd.DataFrame(load, index=idx, columns=net.load.index),
        "dcline_max_p_mw": pd.DataFrame(
            np.where(np.arange(hours)[:, None] % 17 == 5, 0.0, [300.0, 150.0]),
            index=idx,
            columns=net.dcline.index,
        ),
    }
    return net, tables


@pytest.fixture(scope="module")
def corridor_result() -> tuple[pp.pandapowerNet, dict, DispatchResult]:
    net, tables = corridor()
    return net, tables, dispatch(net, **tables)


def test_conservation(corridor_result: tuple) -> None:
    _, _, res = corridor_result
    gen = res.generation.groupby("hour")["p_mw"].sum()
    uns = res.unserved.groupby("hour")[["p_mw", "demand_mw"]].sum()
    loss = res.flows.groupby("hour")["loss_mw"].sum()
    np.testing.assert_allclose(gen, uns.demand_mw - uns.p_mw + loss, atol=1e-6)


def test_limits_respected(corridor_result: tuple) -> None:
    _, tables, res = corridor_result
    fl = res.flows
    mon = fl.limit_mw.notna()
    assert (fl.p_mw[mon].abs() <= fl.limit_mw[mon] + 1e-6).all()
    gen = res.generation
    assert (gen.p_mw <= gen.available_mw + 1e-6).all()
    assert (gen.p_mw >= -1e-6).all()
    assert (gen.curtailed_mw >= 0).all()
    sg = _pivot(gen[gen.element_type == "sgen"], "element", "available_mw")
    np.testing.assert_allclose(sg, tables["sgen_max_p_mw"])
    out = fl[(fl.branch_type == "dcline") & (fl.limit_mw == 0)]
    assert len(out)
    assert (out.p_mw.abs() < 1e-9).all()
    assert (
        (res.unserved.p_mw >= -1e-9) & (res.unserved.p_mw <= res.unserved.demand_mw + 1e-9)
    ).all()


def test_prices_uncongested_equal_marginal_cost() -> None:
    net, tables = corridor(line_pct=1e4, hours=6)
    net.dcline["max_p_mw"] = 1e4
    tables.pop("dcline_max_p_mw")
    net.dcline["loss_percent"] = 0.0
    net.dcline["loss_mw"] = 0.0
    res = dispatch(net, **tables)
    gen = res.generation.merge(
        net.poly_cost.rename(columns={"et": "element_type"}), on=["element_type", "element"]
    )
    inner = gen[(gen.p_mw > 1e-6) & (gen.p_mw < gen.available_mw - 1e-6)]
    marginal = inner.groupby("hour")["cp1_eur_per_mw"].max()
    prices = res.prices.groupby("hour")["price_eur_per_mwh"]
    np.testing.assert_allclose(prices.max() - prices.min(), 0.0, atol=1e-6)
    np.testing.assert_allclose(prices.max().loc[marginal.index], marginal, atol=1e-6)
    assert (res.flows.shadow_price_eur_per_mwh.abs() < 1e-9).all()


def test_voll_sets_price_when_short() -> None:
    net, tables = corridor(hours=4)
    tables["load_p_mw"] = tables["load_p_mw"] * 3.0
    res = dispatch(net, **tables, voll_eur_per_mwh=1234.0)
    short = res.unserved[res.unserved.p_mw > 1e-6]
    assert len(short)
    price = res.prices.set_index(["bus", "hour"])["price_eur_per_mwh"]
    bus = net.load.bus
    for row in short.itertuples():
        assert price[(bus[row.load], row.hour)] == pytest.approx(1234.0)


@settings(max_examples=6, deadline=None)
@given(pct=st.floats(30.0, 150.0), extra=st.floats(0.0, 80.0))
def test_more_line_capacity_never_raises_cost(pct: float, extra: float) -> None:
    net, tables = corridor(line_pct=pct, hours=8)
    wider, _ = corridor(line_pct=pct + extra, hours=8)
    assert dispatch(wider, **tables).objective_eur <= dispatch(net, **tables).objective_eur + 1e-6


def test_blocks_are_exact_without_storage(corridor_result: tuple) -> None:
    net, tables, res = corridor_result
    one = dispatch(net, **tables, block_hours=1)
    assert one.meta["blocks"] == len(tables["load_p_mw"])
    assert one.objective_eur == pytest.approx(res.objective_eur, rel=1e-9)
    sub = dispatch(net, **tables, hours=[3, 4])
    assert sorted(sub.generation.hour.unique()) == [3, 4]


def test_storage_shifts_energy_across_hours() -> None:
    net, tables = corridor(storage_mwh=400.0, hours=48)
    with_st = dispatch(net, **tables)
    without = dispatch(net, **tables, storage=False)
    assert with_st.objective_eur < without.objective_eur - 1.0
    sto = with_st.storage
    assert (sto.soc_mwh >= -1e-6).all()
    assert (sto.soc_mwh <= 400.0 + 1e-6).all()
    assert (sto.p_mw.abs() <= 100.0 + 1e-6).all()
    assert sto.p_mw.max() > 1.0
    assert sto.p_mw.min() < -1.0
    soc = sto.soc_mwh.to_numpy()
    eta = np.sqrt(eng.STORAGE_ROUND_TRIP_EFFICIENCY_PCT / 100.0)
    p = sto.p_mw.to_numpy()
    step = np.where(p > 0, eta * p, p / eta)
    np.testing.assert_allclose(np.diff(soc), step[1:], atol=1e-6)
    # energy conservation with storage: generation = served demand + losses + charging
    gen = with_st.generation.groupby("hour")["p_mw"].sum()
    uns = with_st.unserved.assign(served_mw=lambda d: d.demand_mw - d.p_mw)
    served = uns.groupby("hour")["served_mw"].sum()
    loss = with_st.flows.groupby("hour")["loss_mw"].sum()
    np.testing.assert_allclose(gen, served + loss + sto.set_index("hour").p_mw, atol=1e-6)


def test_to_result_tables(corridor_result: tuple) -> None:
    net, tables, res = corridor_result
    out = validate(res.to_result())
    assert set(out.tables) >= {"flows", "utilisation", "prices", "unmet", "storage", "generation"}
    assert out.meta["calendar"] is False
    assert out.meta["status"] == "optimal"
    assert out.metric("objective") == pytest.approx(res.objective_eur)
    assert out.metric("unserved_energy") == pytest.approx(res.unserved["p_mw"].sum())
    assert out.metric("hours") == 48
    n_hours = len(tables["load_p_mw"])
    # buses are named e0..w3 (unique): their names are the ids; lines and gens are not named
    prices = out.prices
    assert set(prices["element"]) == set(net.bus["name"])
    assert prices["period"].tolist() == list(np.repeat(np.arange(n_hours), len(net.bus)))
    assert prices["hour"].tolist() == res.prices["hour"].tolist()
    np.testing.assert_array_equal(prices["price_eur_per_mwh"], res.prices["price_eur_per_mwh"])
    flows = out.flows
    assert set(flows["element_type"]) == {"line", "dcline"}
    assert {"line 0", "dcline 1"} <= set(flows["element"])
    np.testing.assert_array_equal(flows["element_index"], res.flows["element"])
    unmet = out.unmet
    np.testing.assert_array_equal(unmet["unmet_mw"], res.unserved["p_mw"])
    np.testing.assert_array_equal(unmet["demand_mw"], res.unserved["demand_mw"])
    assert set(unmet["element"]) == {f"load {i}" for i in net.load.index}
    util = out.utilisation
    np.testing.assert_array_equal(util["utilisation_pct"], flows["loading_pct"])
    priced = flows["shadow_price_eur_per_mwh"].to_numpy() > 1e-6
    assert util["binding"].to_numpy()[priced].all()
    bottlenecks = out.bottlenecks
    assert len(bottlenecks) > 0
    assert bottlenecks["rank"].tolist() == list(range(1, len(bottlenecks) + 1))
    per_element = util.groupby("element")["binding"].sum()
    np.testing.assert_array_equal(
        bottlenecks["binding_periods"], per_element.loc[bottlenecks["element"]].to_numpy()
    )
    assert out.metric("binding_branches") == len(bottlenecks)
    assert out.storage.empty
    assert "level_mwh" in out.storage


def test_to_result_with_dates_and_storage() -> None:
    net, tables = corridor(storage_mwh=200.0, hours=12)
    stamps = pd.date_range("2032-03-01", periods=12, freq="h", name="snapshot")
    dated = {k: t.set_axis(stamps) for k, t in tables.items()}
    res = dispatch(net, **dated)
    out = validate(res.to_result())
    assert out.meta["calendar"] is True
    for name in ("flows", "utilisation", "prices", "unmet", "storage"):
        table = out.tables[name]
        assert "hour" not in table
        assert (table["snapshot"] == stamps[table["period"]]).all()
    storage = out.storage
    np.testing.assert_array_equal(storage["level_mwh"], res.storage["soc_mwh"])
    assert storage["element"].tolist() == ["storage 0"] * 12


def test_defaults_are_the_catalogue_assumptions() -> None:
    """The engine's documented defaults equal the catalogue rows that give their reasons."""
    assert value("power.dispatch.voll", unit="EUR/MWh") == eng.VOLL_EUR_PER_MWH
    assert value("power.dispatch.block_hours", unit="h") == eng.BLOCK_HOURS
    rte = value("power.storage.round_trip_efficiency", unit="%")
    assert rte == eng.STORAGE_ROUND_TRIP_EFFICIENCY_PCT
    assert value("power.storage.initial_soc", unit="%") == eng.STORAGE_INITIAL_SOC_PCT


def test_engine_modules_do_not_read_the_catalogue() -> None:
    """Engines take their defaults as arguments (docs/architecture.md)."""
    for path in sorted(ENGINES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            assert not any(m.startswith("corridor_sim.catalogue") for m in modules), path.name


def test_storage_defaults_are_arguments() -> None:
    net, tables = corridor(storage_mwh=400.0, hours=24)
    net.storage["soc_percent"] = np.nan
    res = dispatch(net, **tables, storage_round_trip_efficiency_pct=64.0,
                   storage_initial_soc_pct=25.0)  # fmt: skip
    sto = res.storage
    eta = 0.8  # sqrt(0.64)
    p = sto.p_mw.to_numpy()
    step = np.where(p > 0, eta * p, p / eta)
    np.testing.assert_allclose(np.diff(sto.soc_mwh.to_numpy()), step[1:], atol=1e-6)
    first = 0.25 * 400.0 + (eta * p[0] if p[0] > 0 else p[0] / eta)
    assert sto.soc_mwh.iloc[0] == pytest.approx(first, abs=1e-6)
    assert sto.soc_mwh.iloc[-1] >= 0.25 * 400.0 - 1e-6  # ends no lower than it started
    with pytest.raises(SpecError, match=r"storage_round_trip_efficiency_pct = 0.0: expected"):
        dispatch(net, **tables, storage_round_trip_efficiency_pct=0.0)
    with pytest.raises(SpecError, match=r"storage_initial_soc_pct = 120.0: .* in \[0, 100\] %"):
        dispatch(net, **tables, storage_initial_soc_pct=120.0)


def test_unbounded_lp_names_the_status() -> None:
    net = pp.create_empty_network()
    bus = pp.create_bus(net, vn_kv=110.0)
    pp.create_ext_grid(net, bus)  # no max_p_mw: unbounded output
    pp.create_poly_cost(net, 0, "ext_grid", cp1_eur_per_mw=-10.0)
    pp.create_load(net, bus, p_mw=1.0, controllable=True, min_p_mw=0.0, max_p_mw=np.inf)
    with pytest.raises(SolverError, match=r"status 3, unbounded"):
        dispatch(net)
    assert LinprogStatus(2) is LinprogStatus.INFEASIBLE
    assert LinprogStatus.OPTIMAL.label == "optimal"


def test_errors_name_table_column_value() -> None:
    net, tables = corridor(hours=3)
    bad = tables["sgen_max_p_mw"].copy()
    bad.iloc[1, 0] = -5.0
    with pytest.raises(SpecError, match=r"sgen_max_p_mw: column .* hour 1 = -5.0"):
        dispatch(net, sgen_max_p_mw=bad)
    with pytest.raises(SpecError, match="not an element index"):
        dispatch(net, load_p_mw=tables["load_p_mw"].rename(columns={0: 99}))
    with pytest.raises(SpecError, match="index differs"):
        dispatch(net, load_p_mw=tables["load_p_mw"], sgen_max_p_mw=tables["sgen_max_p_mw"].iloc[:2])
    quad = copy.deepcopy(net)
    quad.poly_cost.loc[0, "cp2_eur_per_mw2"] = 0.1
    with pytest.raises(SpecError, match="cp2_eur_per_mw2"):
        dispatch(quad)
    must_run = copy.deepcopy(net)
    must_run.gen.loc[0, "min_p_mw"] = 150.0
    gmax = pd.DataFrame({0: [200.0, 100.0, 200.0]}, index=tables["load_p_mw"].index)
    with pytest.raises(InfeasibleError, match=r"gen 0 in hour 1: lower limit 150.0"):
        dispatch(must_run, gen_max_p_mw=gmax)
    with pytest.raises(SpecError, match="block_hours"):
        dispatch(net, block_hours=0)


def test_ramping_limits_couple_hours() -> None:
    net, tables = corridor(hours=24)
    free = dispatch(net, **tables)
    ramped = copy.deepcopy(net)
    ramped.gen["ramp_up_mw_per_h"] = [10.0, np.nan]
    ramped.gen["ramp_down_mw_per_h"] = [15.0, 20.0]
    res = dispatch(ramped, **tables)
    assert res.meta["blocks"] == 1  # ramps couple the hours: one LP by default
    p = _pivot(res.generation[res.generation.element_type == "gen"], "element", "p_mw")
    step = p.diff().iloc[1:]
    assert (step[0] <= 10.0 + 1e-6).all()
    assert (step[0] >= -15.0 - 1e-6).all()
    assert (step[1] >= -20.0 - 1e-6).all()
    free_p = _pivot(free.generation[free.generation.element_type == "gen"], "element", "p_mw")
    assert free_p.diff().abs().max().max() > 20.0  # the limits do bind
    assert res.objective_eur >= free.objective_eur - 1e-6


def test_trafo_limit_and_priced_load_match_rundcopp() -> None:
    net = pp.create_empty_network()
    hv, lv1, lv2 = (pp.create_bus(net, vn_kv=v) for v in (110.0, 20.0, 20.0))
    pp.create_ext_grid(net, hv, min_p_mw=0.0, max_p_mw=100.0)
    pp.create_transformer(net, hv, lv1, "25 MVA 110/20 kV", max_loading_percent=80.0)
    pp.create_line(net, lv1, lv2, 5.0, "NA2XS2Y 1x240 RM/25 12/20 kV", max_loading_percent=1e3)
    pp.create_gen(net, lv2, p_mw=0.0, min_p_mw=0.0, max_p_mw=30.0, vm_pu=1.0)
    pp.create_load(net, lv2, p_mw=25.0, controllable=False)
    pp.create_load(net, lv1, p_mw=5.0, min_p_mw=0.0, max_p_mw=10.0, controllable=True)
    pp.create_poly_cost(net, 0, "ext_grid", cp1_eur_per_mw=20.0)
    pp.create_poly_cost(net, 0, "gen", cp1_eur_per_mw=70.0)
    pp.create_poly_cost(net, 1, "load", cp1_eur_per_mw=-50.0)  # buys up to 50 EUR/MWh
    ref = copy.deepcopy(net)
    pp.rundcopp(ref)
    res = dispatch(net)
    assert res.objective_eur == pytest.approx(ref.res_cost, rel=1e-6)
    tr = res.flows[res.flows.branch_type == "trafo"].iloc[0]
    assert tr.p_mw == pytest.approx(ref.res_trafo.p_hv_mw[0], abs=1e-6)
    assert tr.loading_pct == pytest.approx(80.0, abs=1e-6)  # the trafo limit binds
    assert tr.shadow_price_eur_per_mwh > 0
    sink = res.generation[res.generation.element_type == "load"].p_mw.iloc[0]
    assert -sink == pytest.approx(ref.res_load.p_mw[1], abs=1e-6)
    np.testing.assert_allclose(res.prices.price_eur_per_mwh, ref.res_bus.lam_p, atol=1e-6)


def test_storage_spec_errors() -> None:
    net, tables = corridor(storage_mwh=100.0, hours=2)
    net.storage.loc[0, "soc_percent"] = 150.0
    with pytest.raises(SpecError, match="soc_percent = 150.0"):
        dispatch(net, **tables)


def test_bad_scalars_and_text_tables() -> None:
    net, tables = corridor(hours=2)
    with pytest.raises(SpecError, match="voll_eur_per_mwh = 'high'"):
        dispatch(net, voll_eur_per_mwh="high")  # type: ignore[arg-type]
    with pytest.raises(SpecError, match="load_p_mw: values must be numbers"):
        dispatch(net, load_p_mw=tables["load_p_mw"].map(lambda _: "x"))


def test_line_outages_per_hour_match_separate_runs() -> None:
    net, tables = corridor(hours=6)
    status = pd.DataFrame(1, index=tables["load_p_mw"].index, columns=[0, 4])
    status.loc[2:3, 0] = 0
    status.loc[3, 4] = 0
    res = dispatch(net, **tables, line_in_service=status)
    assert res.meta["topologies"] == 3
    assert list(res.generation.hour.unique()) == list(range(6))
    for hours, out in (([0, 1, 4, 5], []), ([2], [0]), ([3], [0, 4])):
        alone = copy.deepcopy(net)
        alone.line.loc[out, "in_service"] = False
        ref = dispatch(alone, **tables, hours=hours)
        got = res.generation[res.generation.hour.isin(hours)].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, ref.generation)
        lines = res.flows[res.flows.hour.isin(hours) & (res.flows.branch_type == "line")]
        assert not set(out) & set(lines.element)
    assert net.line.in_service.all()  # the input net is untouched


def _benchmark(monkeypatch: pytest.MonkeyPatch, name: str) -> ModuleType:
    """Import benchmarks/<name>.py (the benchmarks are scripts, not a package)."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    return importlib.import_module(name)


def test_benchmark_exactness_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """bench_dispatch's own comparison with rundcopp, on 4 hours of its corridor net."""
    bench = _benchmark(monkeypatch, "bench_dispatch")
    net = bench.corridor_net()
    tables = bench.profiles(net, 48)
    res = dispatch(net, **tables)
    _, rel, forward = bench.cost_gaps(net, tables, res, np.array([5, 17, 30, 41]))
    assert forward.any()
    assert rel.max() <= bench.TOL_REL
