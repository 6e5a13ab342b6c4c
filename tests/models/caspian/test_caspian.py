"""Caspian green-energy corridor: the net, profiles, hourly dispatch, tables and plots."""

from __future__ import annotations

import json
import math
import re
from types import SimpleNamespace

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np
import pandapower as pp
import pandas as pd
import pytest
from hypothesis import assume, given, settings

import corridor_sim as cs
from corridor_sim.catalogue import fact, value
from corridor_sim.errors import ScenarioError, SpecError, UnknownNameError
from corridor_sim.models import caspian
from corridor_sim.models.caspian.dispatch import (
    availability,
    dispatch_year,
    inputs,
    run_dispatch,
)
from corridor_sim.models.caspian.network import (
    DC_LINKS,
    HUBS,
    LINKS,
    capacity_factor_id,
    hub_demand,
)
from corridor_sim.models.caspian.params import PARAMS, resolve_year
from corridor_sim.models.caspian.profiles import profile_columns, scale_to_capacity_factor
from corridor_sim.results.schemas import validate
from tests.helpers import ROOT, example_result, figure_numbers, result_numbers, written_as
from tests.models.caspian.reference import line_rating_mw, solve_reference

WEEK = 24 * 7
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def week_2032():
    """Two weeks of 2032 dispatched on the engine."""
    net = caspian.build(2032)
    prof = caspian.profiles(2032, seed=3, hours=2 * WEEK)
    voll = caspian.resolve(2032, {})["voll_eur_per_mwh"]
    return net, prof, run_dispatch(net, prof, voll_eur_per_mwh=voll)


@pytest.fixture(scope="module")
def examples():
    """The full-year examples (and the half-year outage) run through ``cs.run``."""
    names = ("caspian_today", "caspian_2032", "caspian_2032_black_sea_outage")
    return {n: example_result(n) for n in names}


@pytest.fixture(scope="module")
def full_year_2032(examples):
    return examples["caspian_2032"]


# -- the net ---------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2024, 2026, 2029, 2032])
def test_net_solves_in_pandapower_ac_and_dc(year):
    net = caspian.build(year)
    pp.runpp(net)
    assert net.converged
    assert net.res_bus.vm_pu.between(0.9, 1.1).all()
    pp.rundcpp(net)
    assert net.converged
    assert len(net.bus) == len(HUBS)
    assert set(net.dcline.name) == set(DC_LINKS)
    assert {"az_ge", "kz_uz", "tr_eu"} <= set(net.line.name)


def test_every_bus_has_coordinates():
    net = caspian.build(2032)
    hubs = net["caspian_hubs"].set_index("element")
    for _, bus in net.bus.iterrows():
        geo = json.loads(bus.geo)
        assert geo["type"] == "Point"
        lon, lat = geo["coordinates"]
        assert (lon, lat) == (hubs.at[bus["name"], "lon"], hubs.at[bus["name"], "lat"])
        assert 20 < lon < 80
        assert 35 < lat < 50


def test_documented_figures_reproduced_in_the_build():
    today, target = caspian.parameters(2026), caspian.parameters(2032)
    # 2 GW export potential today: Azerbaijan's allowance above its own demand
    assert (
        today["az_gas_export_mw"].default
        == value("az.power.export_potential_now", unit="GW") * 1000
    )
    # +8 GW by 2032; at least 7 GW of green capacity within five years (by 2030)
    added = target["az_green_mw"].default - today["az_green_mw"].default
    assert added == pytest.approx(value("az.power.capacity_added_by_2032", unit="GW") * 1000)
    five_yr = fact("az.green.capacity_5yr")
    by_2030 = caspian.parameters(int(five_yr.year))["az_green_mw"].default
    assert by_2030 - today["az_green_mw"].default >= five_yr.value * 1000 - 1e-6
    shares = [caspian.schedule_share(y) for y in range(2024, 2035)]
    assert shares == sorted(shares)
    assert (shares[0], shares[-1]) == (0.0, 1.0)
    net = caspian.build(2032)
    az = net.sgen[net.sgen.name.str.startswith("az_") & net.sgen.type.isin(["wind", "solar"])]
    assert az.max_p_mw.sum() == pytest.approx(target["az_green_mw"].default)
    allowance = net.gen.set_index("name").loc["az_rest.gas_export"]
    assert allowance.max_p_mw == pytest.approx(2000.0)
    dc = net.dcline.set_index("name").max_p_mw
    assert dc["black_sea_cable"] == value("caspian.cable.black_sea.capacity", unit="MW")
    assert dc["caspian_cable"] == value("caspian.cable.caspian.capacity", unit="MW")
    assert caspian.build(2026).dcline.set_index("name").max_p_mw["black_sea_cable"] == 0.0


def test_engine_reads_the_stated_link_ratings(week_2032):
    net, _, h = week_2032
    links = net["caspian_links"].set_index("element")["capacity_mw"]
    rated = dict(zip(net.line.name, line_rating_mw(net), strict=True))
    for link, cap in links.items():
        assert h.limit_mw[link].max() == pytest.approx(cap, rel=1e-6)
        if link in rated:
            assert rated[link] == pytest.approx(cap, rel=1e-6)


# -- profiles --------------------------------------------------------------------------


def test_profiles_match_capacity_factors_and_demand():
    prof = caspian.profiles(2032, seed=7)
    assert list(prof.columns) == profile_columns()
    assert len(prof) == 8760
    for col in prof.columns:
        hub, kind = col.split(".")
        if kind in ("demand", "price"):
            continue
        cf = value(capacity_factor_id(hub, kind), unit="-")
        assert prof[col].mean() == pytest.approx(cf, rel=0.01), col
        assert prof[col].between(0, 1).all()
    solar = prof["az_rest.solar"].to_numpy().reshape(365, 24)
    assert solar[:, 20:24].max() < solar[:, 6:10].max()  # night (UTC 20-24 = 00-04 local) vs day
    table = hub_demand(2032, resolve_year(2032)).set_index("hub")
    for hub, row in table.iterrows():
        series = prof[f"{hub}.demand"]
        assert series.sum() / 1e6 == pytest.approx(row["annual_twh"], rel=1e-9)
        assert series.max() == pytest.approx(row["peak_mw"], rel=1e-9)


def test_profiles_are_deterministic_per_seed():
    a = caspian.profiles(2030, seed=5, hours=500)
    b = caspian.profiles(2030, seed=5, hours=500)
    c = caspian.profiles(2030, seed=6, hours=500)
    assert a.equals(b)
    assert not a.equals(c)
    assert a.equals(caspian.profiles(2030, seed=5).iloc[:500])


# -- dispatch --------------------------------------------------------------------------


def test_energy_balance_every_hour(week_2032):
    net, _, h = week_2032
    losses = h.loss_mw.sum(axis=1)
    keep = dict(zip(net.dcline.name, 1 - net.dcline.loss_percent / 100, strict=True))
    for name, k in keep.items():  # the engine's losses follow the flow and the stated loss_percent
        flow = h.flow_mw[name]
        expected = np.where(flow >= 0, flow * (1 - k), -flow / k * (1 - k))
        np.testing.assert_allclose(h.loss_mw[name], expected, atol=1e-6)
    supply = h.generation_mw.sum(axis=1)  # the European sink is negative
    served = h.demand_mw.sum(axis=1) - h.unserved_mw.sum(axis=1)
    np.testing.assert_allclose(supply - losses, served, atol=1e-3)


def test_limits_respected(week_2032):
    net, _, h = week_2032
    assert (h.flow_mw.abs() <= h.limit_mw + 1e-6).all().all()
    assert (h.generation_mw[h.available_mw.columns] <= h.available_mw + 1e-6).all().all()
    assert (h.curtailed_mw >= 0).all().all()
    gas = net.gen[net.gen.type == "gas"]
    for _, g in gas.iterrows():
        assert h.generation_mw[g["name"]].max() <= g.max_p_mw + 1e-6


def test_engine_agrees_with_reference_transport_lp(week_2032):
    net, prof, h = week_2032
    data = inputs(net, prof, availability((), len(prof)), export_rule="allowance")
    voll = caspian.resolve(2032, {})["voll_eur_per_mwh"]
    ref = solve_reference(data.net, data.load_mw, data.sgen_max_mw, data.gen_max_mw,
                          data.dcline_max_mw, voll_eur_per_mwh=voll)  # fmt: skip
    base = float(data.market_base_eur.sum())  # the markets' own demand at their price
    assert h.objective_eur == pytest.approx(ref["objective_eur"] - base, rel=1e-7)
    np.testing.assert_allclose(
        h.price_eur_per_mwh.to_numpy(), ref["price_eur_per_mwh"].to_numpy(), atol=1e-4
    )


def test_events_take_links_out(week_2032):
    net, prof, _ = week_2032
    events = [
        SimpleNamespace(
            element="black_sea_cable", start=10, duration=30, availability=0.0, days=None
        ),
        SimpleNamespace(element="az_ge", start=50, duration=20, availability=0.5, days=None),
    ]
    avail = availability(events, len(prof))
    h = run_dispatch(net, prof, avail=avail, voll_eur_per_mwh=3000.0)
    assert (h.flow_mw["black_sea_cable"].iloc[10:40].abs() < 1e-6).all()
    assert h.flow_mw["black_sea_cable"].iloc[40:].abs().max() > 0
    cap = net["caspian_links"].set_index("element").at["az_ge", "capacity_mw"]
    assert h.flow_mw["az_ge"].iloc[50:70].abs().max() <= cap / 2 + 1e-6


@pytest.mark.parametrize("which", ["black_sea_cable_mw", "caspian_cable_mw", "nakhchivan_tr_mw"])
def test_bigger_link_never_costs_more(which):
    """More capacity can only lower the cost of the dispatch (the LP gets more room)."""
    prof = caspian.profiles(2032, seed=2, hours=WEEK)
    objective = []
    for mw in (0.0, 700.0, 1300.0, 2600.0):
        res = caspian.run_year(2032, profile=prof, hours=WEEK, snapshot_hours=[], **{which: mw})
        objective.append(res.metric("objective_meur"))
    assert all(b <= a + 1e-6 for a, b in zip(objective, objective[1:], strict=False))


def test_result_is_deterministic_for_a_seed():
    a = caspian.run_year(2030, seed=4, hours=WEEK, snapshot_hours=[])
    b = caspian.run_year(2030, seed=4, hours=WEEK, snapshot_hours=[])
    c = caspian.run_year(2030, seed=5, hours=WEEK, snapshot_hours=[])
    assert a.equals(b)
    assert not a.equals(c)


def test_full_year_tables_and_summary(full_year_2032):
    res = full_year_2032
    assert res.meta["model"] == "caspian"
    assert res.metric("hours") == 8760
    assert res.metric("unserved_gwh") == pytest.approx(0.0, abs=1e-6)
    vias = ("black_sea", "georgia", "nakhchivan")
    assert res.metric("exported_twh") == pytest.approx(
        sum(res.metric(f"export_via_{v}_twh") for v in vias)
    )
    routes = res.metric("export_caspian_black_sea_europe_twh") + res.metric(
        "export_azerbaijan_turkiye_europe_twh"
    )
    assert res.metric("exported_twh") == pytest.approx(routes)
    # the Black Sea cable cannot carry more than its rating for a year
    assert res.metric("export_caspian_black_sea_europe_twh") <= 1300 * 8760 / 1e6 + 1e-9
    bott = res.bottlenecks
    assert list(bott["rank"]) == list(range(1, len(LINKS) + 1))
    assert res.meta["bottleneck"] in {*LINKS, "none"}
    # one definition of the bottleneck: the flagged rank-1 row of `bottlenecks`, read by the
    # meta, the summary and (through tables.bottleneck) the capacity study
    assert bott["bottleneck"].sum() <= 1
    if bott["bottleneck"].any():
        assert bott.loc[bott["bottleneck"], "rank"].tolist() == [1]
        assert bool(bott.at[0, "export_route"])
        assert bott.at[0, "binding_periods"] > 0
    first = bott["element"].iloc[0] if bott["bottleneck"].any() else "none"
    assert res.meta["bottleneck"] == first
    summary = res.summary().set_index("metric")
    assert summary.at["bottleneck_hours_at_limit", "element"] == first
    assert set(res.flows["element"]) == set(LINKS)
    assert len(res.flows) == 8760 * len(LINKS)
    ac = res.snapshots.query("method == 'ac' and element_type == 'bus'")
    assert ac["vm_pu"].between(0.9, 1.1).all()
    assert set(res.snapshots["hour"]) == {3000, 5000}  # options.snapshot_hours of the example
    assert res.meta["dispatch_seconds"] > 0
    # the per-link statistics are the hourly tables aggregated
    stats = res.link_statistics.set_index("element")
    hits = res.flows.groupby("element")["at_limit"].sum()
    assert (stats["binding_periods"] == hits[stats.index]).all()
    ranked = res.bottlenecks.set_index("element")["binding_periods"]
    assert (ranked == hits[ranked.index]).all()
    util = res.utilisation.groupby("element")["utilisation_pct"].mean()
    np.testing.assert_allclose(stats["mean_loading_pct"], util[stats.index])


def test_black_sea_cable_says_what_fills_it(full_year_2032):
    """The cable is not full in every hour, and the model says which sources fill it."""
    res = full_year_2032
    assert res.metric("hours_at_limit_via_black_sea") < 8760
    origin = res.table("export_origin")
    cable = origin[origin["element"] == "black_sea_cable"]
    by_source = cable.groupby("source")["p_mw"].sum() / 1e6
    assert by_source.sum() == pytest.approx(res.metric("export_via_black_sea_twh"), rel=1e-9)
    assert {"az.wind", "az.solar"} <= set(by_source.index)
    green = cable[cable["category"] == "green"]["p_mw"].sum() / 1e6
    share = green / by_source.sum() * 100
    assert share == pytest.approx(res.metric("green_share_caspian_black_sea_europe_pct"), rel=1e-9)


def test_capacity_study_reports_each_point():
    prof = caspian.profiles(2032, seed=1, hours=WEEK)
    table = caspian.capacity_study(
        2032, caspian_mw=[0.0, 7000.0], black_sea_mw=[1300.0, 2600.0], prof=prof
    )
    assert len(table) == 4
    assert set(table["bottleneck"]) <= {*LINKS, "none"}
    assert (table["cable_capex_meur"] > 0).any()
    for cm, grp in table.groupby("caspian_mw"):
        cost = grp.sort_values("black_sea_mw")["objective_meur"].to_numpy()
        assert cost[1] <= cost[0] + 1e-6, cm  # a bigger cable never costs more to operate
    np.testing.assert_allclose(
        table["annual_cost_meur"], table["objective_meur"] + table["cable_annuity_meur"]
    )


# -- origin of exports: flow tracing, export rules, CBAM ---------------------------------


def _toy_hourly(az_wind, ge_hydro, ge_gas, ge_demand, az_demand, az_ge, ge_out):
    """One hour: Azerbaijan sends `az_ge` to Georgia, Georgia `ge_out` to Romania (lossless)."""
    from corridor_sim.models.caspian.hourly import Hourly

    idx = pd.RangeIndex(1, name="hour")
    gen = pd.DataFrame(
        {"az_absheron.wind": [az_wind], "ge.hydro": [ge_hydro], "ge.gas": [ge_gas],
         "europe.market": [1000.0 - ge_out]}, index=idx,
    )  # fmt: skip
    demand = pd.DataFrame({"az_absheron": [az_demand], "ge": [ge_demand], "europe": [1000.0]},
                          index=idx)  # fmt: skip
    flows = pd.DataFrame(0.0, index=idx, columns=list(LINKS))
    flows["az_ge"], flows["black_sea_cable"] = az_ge, ge_out
    return Hourly(
        generation_mw=gen, available_mw=gen[["az_absheron.wind", "ge.hydro"]],
        demand_mw=demand, unserved_mw=demand * 0.0, price_eur_per_mwh=demand * 0.0,
        flow_mw=flows, limit_mw=flows.abs() + 1.0, loss_mw=flows * 0.0, objective_eur=0.0,
        europe_price_eur_per_mwh=pd.Series([90.0], index=idx),
    )  # fmt: skip


def test_flow_tracing_on_a_hand_made_hour():
    """Georgia's gas serves Georgia; what it passes on is Azerbaijan's wind (net injection)."""
    from corridor_sim.models.caspian.origin import trace

    links = pd.DataFrame({"element": list(LINKS), "loss_pct": 0.0})
    # Azerbaijan: 900 MW wind, 300 MW demand -> sends 600; Georgia: 200 hydro + 100 gas for
    # its 300 MW demand, passes 600 on to Romania
    tr = trace(_toy_hourly(900.0, 200.0, 100.0, 300.0, 300.0, 600.0, 600.0), links)
    cable = tr.by_category("black_sea_cable").iloc[0]
    assert cable["green"] == pytest.approx(600.0)
    assert cable["fossil"] == pytest.approx(0.0)
    mix = pd.Series(tr.mix["black_sea_cable"][0], index=tr.sources)
    assert mix["az.wind"] == pytest.approx(600.0)
    # Georgia now has 200 MW of its own surplus (more hydro): the cable carries its mix too
    tr = trace(_toy_hourly(900.0, 400.0, 100.0, 300.0, 300.0, 600.0, 800.0), links)
    mix = pd.Series(tr.mix["black_sea_cable"][0], index=tr.sources)
    assert mix.sum() == pytest.approx(800.0)
    assert mix["az.wind"] == pytest.approx(600.0)  # the surplus mix: 400 hydro, 100 gas of 500
    assert mix["ge.hydro"] == pytest.approx(200.0 * 400 / 500)
    assert mix["ge.thermal"] == pytest.approx(200.0 * 100 / 500)


def test_traced_mix_adds_up_to_every_flow(week_2032):
    from corridor_sim.models.caspian.origin import cross_border_links, trace

    net, _, h = week_2032
    tr = trace(h, net["caspian_links"])
    for link in cross_border_links():
        cats = tr.by_category(link)
        np.testing.assert_allclose(cats.sum(axis=1), tr.sent_mw[link], atol=1e-6)
        assert (cats.to_numpy() >= -1e-9).all()
        flow = h.flow_mw[link].abs().to_numpy()
        assert (tr.sent_mw[link].to_numpy() >= flow - 1e-6).all()  # sent = flow + losses


@pytest.fixture(scope="module")
def rules():
    """Two weeks of 2032 in summer under each export rule and with the CBAM."""
    prof = caspian.profiles(2032, seed=1).iloc[4000 : 4000 + 2 * WEEK].reset_index(drop=True)
    prof = prof.rename_axis("hour")
    runs = {}
    for name, kw in {
        "allowance": {},
        "matched": {"export_rule": "matched"},
        "additional": {"export_rule": "additional"},
        "cbam": {"cbam": True},
    }.items():
        runs[name] = caspian.run_year(2032, profile=prof, hours=2 * WEEK, snapshot_hours=[], **kw)
    return runs


def test_green_only_rules_keep_thermal_at_home(rules):
    for name in ("matched", "additional"):
        res = rules[name]
        assert res.metric("thermal_above_own_demand_twh") == pytest.approx(0.0, abs=1e-9)
        assert res.metric("unserved_gwh") == pytest.approx(0.0, abs=1e-6)
    # physical green-only: no exported MWh traces back to a thermal plant
    assert rules["additional"].metric("fossil_export_twh") == pytest.approx(0.0, abs=1e-6)
    assert rules["allowance"].metric("fossil_export_twh") > 0.01
    # the rules only take options away
    costs = [rules[n].metric("objective_meur") for n in ("allowance", "matched", "additional")]
    assert costs[0] <= costs[1] + 1e-6 <= costs[2] + 2e-6


def test_cbam_prices_the_fossil_share(rules):
    from corridor_sim.models.caspian.network import cbam_eur_per_mwh

    base, cbam = rules["allowance"], rules["cbam"]
    assert cbam.metric("thermal_above_own_demand_twh") <= base.metric(
        "thermal_above_own_demand_twh"
    )
    p = resolve_year(2032, {"cbam": True})
    per_mwh = cbam_eur_per_mwh(p)
    ets = value("caspian.cost.eu_ets_price", unit="EUR/t")
    co2 = value("caspian.gen.gas.co2_intensity_fuel", unit="tCO2/MWh_th")
    assert per_mwh == pytest.approx(ets * co2 / value("caspian.gen.gas.efficiency_az", unit="-"))
    charge = cbam.metric("thermal_above_own_demand_twh") * per_mwh
    assert cbam.metric("cbam_charge_meur") == pytest.approx(charge, rel=1e-9, abs=1e-12)
    assert cbam_eur_per_mwh(resolve_year(2032)) == 0.0


def test_thermal_caps_follow_the_rule():
    """Per hour: home thermal <= own demand (or residual); the allowance only above it."""
    from corridor_sim.models.caspian.fleets import FLEETS

    prof = caspian.profiles(2032, seed=2, hours=48)
    net = caspian.build(2032)
    for rule in ("allowance", "matched", "additional"):
        data = inputs(net, prof, availability((), 48), export_rule=rule)
        gen = data.net.gen
        hub_of_load = data.net.bus.loc[data.net.load.bus, "name"].to_numpy()
        hub_of_sgen = data.net.bus.loc[data.net.sgen.bus, "name"].to_numpy()
        load = data.load_mw.T.groupby(hub_of_load).sum().T
        green = data.sgen_max_mw.T.groupby(hub_of_sgen).sum().T
        for g, row in gen[gen["type"] == "gas"].iterrows():
            serves = list(FLEETS[row.fleet][1])
            demand = load.reindex(columns=serves, fill_value=0).sum(axis=1)
            cap = data.gen_max_mw[g]
            assert (cap <= demand + 1e-9).all(), (rule, row["name"])
            if rule == "additional":
                own = green.reindex(columns=serves, fill_value=0).sum(axis=1)
                assert (cap <= (demand - own).clip(lower=0) + 1e-9).all()
        export = gen.index[gen["type"] == "gas_export"]
        total = data.gen_max_mw[export].to_numpy().sum()
        assert (total > 0) == (rule == "allowance")


def test_seed_share_is_the_new_capacity_directed_to_export(full_year_2032):
    res = full_year_2032
    by_source = res.table("origin_by_source")
    left = by_source[
        by_source["sender"].isin(["az", "nx"])
        & by_source["source"].isin(["az.wind", "az.solar"])
        & (by_source["element"] != "az_nakhchivan")  # the exclave is Azerbaijan
    ]
    gen = res.table("generation")
    az_ws = gen[
        gen["element"].isin(["az_absheron", "az_rest"]) & gen["kind"].isin(["wind", "solar"])
    ]
    p = resolve_year(2032)
    new = (p.az_green_mw - value("caspian.az.green_today", unit="MW")) / p.az_green_mw
    expected = min(100.0, left["energy_twh"].sum() / (az_ws["energy_gwh"].sum() / 1e3 * new) * 100)
    assert res.metric("az_new_green_export_share_pct") == pytest.approx(expected, rel=1e-6)
    assert res.metric("az_new_green_mw") == pytest.approx(
        value("az.power.capacity_added_by_2032", unit="GW") * 1000
    )


# -- routes, ties, markets -------------------------------------------------------------


def test_nakhchivan_route_is_its_own_link():
    prof = caspian.profiles(2032, seed=1, hours=WEEK)
    today = caspian.run_year(2032, profile=prof, hours=WEEK, snapshot_hours=[])
    planned = caspian.run_year(2032, profile=prof, hours=WEEK, snapshot_hours=[],
                               nakhchivan_tr_mw=value("caspian.link.nakhchivan_tr.capacity",
                                                      unit="MW"))  # fmt: skip
    stats = planned.link_statistics.set_index("element")
    assert stats.at["nakhchivan_tr", "capacity_mw"] == 1000.0
    assert stats.at["az_nakhchivan", "capacity_mw"] == value(
        "caspian.link.az_nakhchivan.capacity", unit="MW"
    )
    assert today.metric("export_via_nakhchivan_twh") <= 75 * WEEK / 1e6 + 1e-9
    assert planned.metric("export_via_nakhchivan_twh") > today.metric("export_via_nakhchivan_twh")
    # the exclave passes on what the Zangezur line brings (it has little of its own)
    flows = planned.flows.pivot(index="hour", columns="element", values="p_mw")
    assert (flows["nakhchivan_tr"] <= 1000.0 + 1e-6).all()


def test_neighbour_ties_are_an_option():
    prof = caspian.profiles(2032, seed=1, hours=48)
    off = caspian.run_year(2032, profile=prof, hours=48, snapshot_hours=[])
    on = caspian.run_year(2032, profile=prof, hours=48, snapshot_hours=[], neighbour_ties=True)
    off_stats = off.link_statistics.set_index("element")
    on_stats = on.link_statistics.set_index("element")
    both = ["forward_energy_twh", "backward_energy_twh"]
    assert off_stats.loc[["az_ru", "az_ir"], both].to_numpy().sum() == 0.0
    assert on_stats.at["az_ir", "capacity_mw"] == value("caspian.link.az_ir.capacity", unit="MW")
    assert on_stats.loc[["az_ru", "az_ir"], both].to_numpy().sum() > 0
    assert on.metric("objective_meur") <= off.metric("objective_meur") + 1e-6


def test_europe_price_has_hours_and_seasons():
    from corridor_sim.models.caspian.profiles import europe_price

    price = europe_price(value("caspian.europe.price_mean", unit="EUR/MWh"))
    days = price.reshape(365, 24)
    assert price.mean() == pytest.approx(value("caspian.europe.price_mean", unit="EUR/MWh"))
    assert days.mean(axis=0).max() - days.mean(axis=0).min() > 50  # evening peak, midday dip
    assert days[:, 10:13].mean() < days[:, 16:19].mean()  # UTC: solar noon below the evening
    month = np.repeat(np.arange(12), [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    monthly = pd.Series(days.mean(axis=1)).groupby(month).mean()
    assert monthly.max() - monthly.min() > 30
    assert np.ptp(europe_price(80.0, "flat")) == 0.0


def test_europe_hub_price_is_the_profile_in_levels(week_2032):
    net, prof, h = week_2032
    step = value("caspian.europe.price_step", unit="EUR/MWh")
    expected = np.clip(prof["europe.price"].to_numpy(), -step, None)
    np.testing.assert_allclose(h.price_eur_per_mwh["europe"], expected, atol=step / 2 + 1e-6)


# -- weather and Central Asia from public figures -------------------------------------------


def test_weather_is_correlated_between_neighbouring_hubs():
    prof = caspian.profiles(2032, seed=11)
    corr = prof[[c for c in prof if c.endswith(".wind")]].corr()
    near = corr.at["az_absheron.wind", "kz_west.wind"]  # ~400 km across the sea
    far = corr.at["az_absheron.wind", "uz.wind"]  # ~1,700 km
    assert near > far + 0.15
    assert near > 0.3
    solar = prof[["tr.solar", "uz.solar"]].to_numpy().reshape(365, 24, 2)
    first_light = (solar > 0).argmax(axis=1).mean(axis=0)  # UTC hour of sunrise
    assert first_light[1] < first_light[0] - 1.5  # Tashkent (69 E) before Ankara (33 E)
    wind = prof["az_absheron.wind"].to_numpy().reshape(365, 24).mean(axis=1)
    assert wind[:60].mean() > wind[150:240].mean()  # winter windier than summer
    sun = prof["az_rest.solar"].to_numpy().reshape(365, 24).mean(axis=1)
    assert sun[150:240].mean() > 1.5 * sun[:60].mean()


def test_central_asia_follows_the_published_plans():
    p30 = resolve_year(2030)
    assert p30.uz_demand_twh == pytest.approx(value("caspian.demand.uz.annual_2030", unit="TWh"))
    assert p30.kz_demand_twh == pytest.approx(
        value("caspian.demand.kz.generation_2030", unit="TWh")
    )
    assert p30.uz_green_mw == pytest.approx(value("caspian.gen.uz.green_2030", unit="MW"))
    assert p30.uz_hydro_mw == pytest.approx(value("caspian.gen.uz.hydro_2030", unit="MW"))
    assert p30.uz_thermal_mw == pytest.approx(value("caspian.gen.uz.thermal_2030", unit="MW"))
    p24 = resolve_year(2024)
    assert p24.uz_demand_twh == pytest.approx(value("caspian.demand.uz.annual", unit="TWh"))
    # Kazakhstan's 2030 fleet meets the 15 % renewable target of its 2030 generation
    cf_w, cf_s = value("caspian.cf.kz.wind", unit="-"), value("caspian.cf.kz.solar", unit="-")
    ws = p30.kz_green_mw * (p30.kz_wind_share * cf_w + (1 - p30.kz_wind_share) * cf_s) * 8.76
    hydro = (
        value("caspian.gen.kz.small_hydro", unit="MW")
        * value("caspian.gen.kz.hydro_cf", unit="-")
        * 8.76
    )
    share = (ws + hydro) / 1000 / p30.kz_demand_twh * 100
    assert share == pytest.approx(value("caspian.gen.kz.res_share_2030", unit="%"), rel=1e-9)
    table = hub_demand(2030, p30).set_index("hub")
    assert table.loc[["kz_west", "kz_rest"], "annual_twh"].sum() == pytest.approx(p30.kz_demand_twh)
    # the cable carries what the two countries spare: no dedicated fleet by default
    assert p30.uz_export_mw == 0.0
    assert p30.kz_export_wind_mw == 0.0


def test_internal_equivalents_follow_their_catalogue_rows():
    """Aktau draws at most the Western Zone's transfer; the landings never bind first."""
    assert caspian.parameters(2027)["kz_west_link_mw"].default == 0.0
    assert caspian.parameters(2028)["kz_west_link_mw"].default == value(
        "caspian.link.kz_internal.capacity", unit="MW"
    )
    p = resolve_year(2032)
    rated = caspian.build(2032)["caspian_links"].set_index("element")["capacity_mw"]
    assert rated["kz_internal"] == 500.0
    brings = min(p.caspian_cable_mw, p.kz_west_link_mw + p.kz_export_wind_mw)
    headroom = value("caspian.link.az_internal.headroom", unit="MW")
    assert rated["az_internal"] == pytest.approx(
        headroom + brings + p.az_green_mw * p.az_wind_share
    )
    assert rated["ge_internal"] == rated["ro_internal"] > rated["black_sea_cable"]
    # the Western Zone has its own fleet, serving only its own demand
    net = caspian.build(2032)
    west = net.gen[net.gen["name"] == "kz_west.gas"]
    assert len(west) == 1
    assert west["fleet"].iloc[0] == "kzw"


def test_driving_assumptions_have_references_or_ranges():
    """Every rating, date and driver of the findings: a public quote, or a range."""
    ids = [
        "caspian.cable.caspian.capacity", "caspian.cable.caspian.commission_year",
        "caspian.link.az_ge.reinforcement", "caspian.link.kz_uz.capacity",
        "caspian.link.nakhchivan_tr.capacity", "caspian.link.nakhchivan_tr.commission_year",
        "caspian.link.az_nakhchivan.commission_year", "caspian.link.az_ru.capacity",
        "caspian.europe.price_mean", "caspian.cost.eu_ets_price", "caspian.cost.discount_rate",
        "caspian.cost.gas.az", "caspian.cost.black_sea_cable", "caspian.cf.az.wind",
        "caspian.profile.wind.correlation_length", "caspian.demand.uz.annual_2030",
        "caspian.gen.uz.green_2030", "caspian.demand.kz.generation_2030",
        # every internal equivalent: a reference or a range (no invented backbone)
        "caspian.link.kz_internal.capacity", "caspian.link.kz_internal.commission_year",
        "caspian.link.az_internal.headroom", "caspian.link.tr_internal.capacity",
    ]  # fmt: skip
    for fid in ids:
        row = fact(fid)
        assert row.has_range, fid
    quoted = (
        "caspian.link.az_nakhchivan.capacity", "caspian.link.az_ir.capacity",
        "caspian.gen.uz.green_2030", "caspian.cost.eu_ets_price",
        "caspian.cbam.actual_emissions_rule", "caspian.link.nakhchivan_tr.length",
        "caspian.link.kz_internal.capacity", "caspian.link.kz_internal.commission_year",
        "caspian.link.az_internal.headroom", "caspian.gen.kz_west.own_fleet",
    )  # fmt: skip
    for fid in quoted:
        row = fact(fid)
        assert row.quote, fid
        assert row.reference.startswith("http"), fid


# -- scenario layer and errors ------------------------------------------------------------


def _scenario(**kw):
    base = {
        "model": "caspian",
        "year": 2032,
        "name": "t",
        "overrides": {},
        "options": {},
        "resolution": "hour",
        "periods": WEEK,
        "seed": 1,
        "events": [],
        "network": None,
    }
    base.update(kw)
    ns = SimpleNamespace(**base)
    ns.rng = lambda: np.random.default_rng(ns.seed)
    return ns


def test_simulate_reads_scenario_options_and_events():
    ev = SimpleNamespace(
        element="black_sea_cable", start=0, duration=WEEK, availability=0.0, days=None
    )
    res = caspian.MODEL.simulate(
        _scenario(
            events=[ev], options={"week": 0, "snapshot_hours": [5]}, overrides={"ge_tr_mw": 350.0}
        )
    )
    assert res.metric("export_caspian_black_sea_europe_twh") == 0.0
    assert res.meta["week"] == 0
    stats = res.link_statistics.set_index("element")
    assert stats.at["ge_tr", "capacity_mw"] == 350.0


def test_scenario_can_ask_for_no_snapshots():
    res = caspian.MODEL.simulate(_scenario(periods=24, options={"snapshot_hours": []}))
    assert res.snapshots.empty
    assert not res.summary()["metric"].str.endswith("ac_losses_mw").any()
    assert res.meta["snapshot_hours"] == {}


@pytest.mark.parametrize(
    ("kw", "error", "text"),
    [
        ({"options": {"wek": 1}}, ScenarioError, "week"),
        ({"options": {"week": 99}}, ScenarioError, "week"),
        ({"options": {"study_caspian_mw": [-5]}}, ScenarioError, "study_caspian_mw"),
        ({"options": {"snapshot_hours": [10**6]}}, ScenarioError, "snapshot_hours"),
        ({"resolution": "month"}, ScenarioError, "hour"),
        ({"periods": 9000}, ScenarioError, "periods"),
        ({"overrides": {"black_sea_cabel_mw": 1.0}}, UnknownNameError, "black_sea_cable_mw"),
        ({"overrides": {"az_ge_mw": -1.0}}, SpecError, "az_ge_mw"),
        ({"overrides": {"az_ge_mw": math.nan}}, SpecError, "az_ge_mw"),
        ({"overrides": {"az_wind_share": 1.5}}, SpecError, "az_wind_share"),
    ],
)
def test_bad_scenario_input_is_named(kw, error, text):
    with pytest.raises(error, match=text):
        caspian.MODEL.simulate(_scenario(**kw))


def test_bad_build_and_profile_input():
    with pytest.raises(SpecError, match="year"):
        caspian.build(2019)
    with pytest.raises(UnknownNameError, match="did you mean"):
        caspian.build(2032, caspian_cable=1.0)
    with pytest.raises(SpecError, match="hours"):
        caspian.profiles(2032, seed=1, hours=0)
    with pytest.raises(ScenarioError, match="unknown link"):
        availability(
            [SimpleNamespace(element="bosporus", start=0, duration=1, availability=0.0)], 10
        )
    bad = caspian.profiles(2032, seed=1, hours=24).drop(columns=["tr.wind"])
    with pytest.raises(SpecError, match=r"tr\.wind"):
        caspian.run_year(2032, profile=bad, hours=24)
    assert set(caspian.MODEL.elements(2032)) == set(LINKS)


@pytest.mark.parametrize(
    ("column", "cell", "text"),
    [
        ("uz.wind", "calm", r"column 'uz\.wind', hour 3 has value 'calm'"),
        ("uz.wind", math.nan, r"column 'uz\.wind', hour 3 has value nan"),
        ("uz.wind", 1.5, r"column 'uz\.wind', hour 3 has value 1\.5; expected a capacity"),
        ("az_rest.demand", -5.0, r"column 'az_rest\.demand', hour 3 has value -5\.0"),
    ],
)
def test_bad_profile_cell_is_named(column, cell, text):
    """A user profile's bad cell (text, NaN, out of range) is named by column, hour and value."""
    prof = caspian.profiles(2032, seed=1, hours=24).astype(object)
    prof.loc[3, column] = cell
    with pytest.raises(SpecError, match=text):
        caspian.run_year(2032, profile=prof, hours=24, snapshot_hours=[])


@pytest.mark.parametrize("hours", [[24], [-1], [2.5], ["a"], [True]])
def test_snapshot_hours_outside_the_horizon_are_rejected(hours):
    """run_year's snapshot_hours: whole hours of the dispatched horizon (was IndexError/silent)."""
    with pytest.raises(SpecError, match=r"options\.snapshot_hours = .* within 0\.\.23"):
        caspian.run_year(2032, hours=24, snapshot_hours=hours)


@pytest.mark.parametrize(
    ("kw", "error", "text"),
    [
        ({"week": 1}, SpecError, r"options\.week = 1: expected an integer within 0\.\.0"),
        ({"week": -1}, SpecError, r"options\.week = -1"),
        ({"study_caspian_mw": ["big"]}, SpecError, r"study_caspian_mw = \['big'\]"),
        ({"study_black_sea_mw": [math.nan]}, SpecError, r"study_black_sea_mw = \[nan\]"),
        ({"block_hours": 0}, SpecError, r"options\.block_hours = 0"),
        ({"ramping": "yes"}, SpecError, r"options\.ramping = 'yes': expected true or false"),
        (
            {"events": [SimpleNamespace(element="ge_tr", start=0, duration=5, availability=2.0)]},
            ScenarioError,
            r"availability = 2\.0; expected a fraction",
        ),
    ],
)
def test_run_year_rejects_bad_python_arguments(kw, error, text):
    """run_year's week, study ratings and event availability are checked (were accepted)."""
    with pytest.raises(error, match=text):
        caspian.run_year(2032, hours=168, snapshot_hours=[], **kw)


# -- plots -----------------------------------------------------------------------------


def test_figures_are_drawn(tmp_path):
    """Every figure follows the house style; labels do not overlap; no empty figure."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from corridor_sim.models.caspian.figures import curtailment_by_month
    from corridor_sim.plotting import figures
    from corridor_sim.plotting.labels import placed_labels
    from corridor_sim.plotting.style import save_figure
    from tests.helpers import check_figure, check_png

    res = caspian.run_year(
        2032, seed=1, hours=2 * WEEK, snapshot_hours=[], study_black_sea_mw=[0.0, 1300.0]
    )
    res.meta["scenario"] = "caspian_figures"
    figs = figures(res)
    expected = {"map", "export_stack", "loading_duration", "capacity_study"}
    if res.metric("curtailed_twh") > 0:
        expected.add("curtailment_by_month")
    assert {f"caspian_{k}" for k in expected} == set(figs)
    # curves that coincide (links at 100 % all the time) stay visible
    lines = figs["caspian_loading_duration"].axes[0].lines
    styles = [(line.get_color(), line.get_linestyle()) for line in lines]
    assert len(set(styles)) == len(styles)
    # the hourly plot has a date axis
    stack = figs["caspian_export_stack"].axes[0]
    assert isinstance(stack.xaxis.get_major_formatter(), mdates.DateFormatter)
    for stem, fig in figs.items():
        check_figure(fig, res)
        for ax in fig.axes:
            fig.canvas.draw()
            renderer = fig.canvas.get_renderer()
            boxes = [Text.get_window_extent(t, renderer)  # the text, not its leader line
                     for t in placed_labels(ax) if t.get_visible()]  # fmt: skip
            for i, box in enumerate(boxes):
                assert not any(box.overlaps(other) for other in boxes[i + 1 :]), stem
        check_png(save_figure(fig, tmp_path / f"{stem}.png"))
        plt.close(fig)
    assert len(list(tmp_path.glob("*.png"))) == len(expected)
    empty = res.table("curtailment").assign(curtailed_gwh=0.0)
    quiet = cs.Result(tables={**res.tables, "curtailment": empty}, summary_table=res.summary(),
                      meta=res.meta)  # fmt: skip
    assert "caspian_curtailment_by_month" not in figures(quiet)
    assert "none curtailed" in curtailment_by_month(quiet).get_title()


def test_ramping_option_limits_thermal_changes():
    prof = caspian.profiles(2032, seed=2, hours=WEEK)
    over = {"gas_cost_tr_eur_per_mwh": 95.0}
    free = caspian.run_year(2032, profile=prof, hours=WEEK, snapshot_hours=[], **over)
    tied = caspian.run_year(2032, profile=prof, hours=WEEK, snapshot_hours=[], ramping=True, **over)
    assert tied.meta["ramping"] is True
    assert caspian.MODEL.simulate(_scenario(options={"ramping": True})).meta["ramping"]
    assert tied.metric("objective_meur") >= free.metric("objective_meur") - 1e-6
    share = value("caspian.gen.gas.ramp_share_per_h", unit="-")
    net = caspian.build(2032, **over)
    _, h = dispatch_year(resolve_year(2032, over), prof, availability((), WEEK), ramping=True)
    for _, g in net.gen[net.gen.type.isin(["gas", "gas_export"])].iterrows():
        step = h.generation_mw[g["name"]].diff().abs().max()
        assert step <= share * g.max_p_mw + 1e-6
    with pytest.raises(ScenarioError, match="ramping"):
        caspian.MODEL.simulate(_scenario(options={"ramping": "yes"}))


@settings(max_examples=40, deadline=None)
@given(
    raw=hnp.arrays(
        np.float64, st.integers(2, 200), elements=st.one_of(st.just(0.0), st.floats(1e-6, 50.0))
    ),
    cf=st.floats(0.02, 0.98),
)
def test_capacity_factor_scaling_hits_the_target(raw, cf):
    assume(raw.max() > 0)
    assume(cf < np.count_nonzero(raw) / raw.size)  # reachable: at most every producing hour at 1
    out = scale_to_capacity_factor(raw, cf)
    assert out.min() >= 0
    assert out.max() <= 1
    assert out.mean() == pytest.approx(cf, abs=1e-9)
    assert np.all(np.diff(out[np.argsort(raw, kind="stable")]) >= -1e-12)  # order kept


def test_shadow_prices_match_the_engine_duals(week_2032):
    from corridor_sim.engines.dispatch import dispatch
    from corridor_sim.models.caspian.tables import shadow_prices

    net, prof, h = week_2032
    data = inputs(net, prof, availability((), len(prof)), export_rule="allowance")
    net = data.net
    res = dispatch(
        net,
        load_p_mw=data.load_mw,
        sgen_max_p_mw=data.sgen_max_mw,
        gen_max_p_mw=data.gen_max_mw,
        dcline_max_p_mw=data.dcline_max_mw,
        storage=False,
        voll_eur_per_mwh=caspian.resolve(2032, {})["voll_eur_per_mwh"],
    )
    names = {("line", i): n for i, n in zip(net.line.index, net.line.name, strict=True)}
    names |= {("dcline", i): n for i, n in zip(net.dcline.index, net.dcline.name, strict=True)}
    fl = res.flows.assign(
        link=[names[k] for k in zip(res.flows.branch_type, res.flows.element, strict=True)]
    )
    engine = fl.pivot(index="hour", columns="link", values="shadow_price_eur_per_mwh")
    mine = shadow_prices(h, net)
    binding = mine > 1e-6
    assert binding.to_numpy().any()
    np.testing.assert_allclose(
        mine[binding].stack(), engine[mine.columns][binding].stack(), atol=1e-4
    )


# -- one shape: parameters, options, schema, provenance ------------------------------------

#: Headline figures of the examples (seed 1) as documented in docs/caspian.md ("Findings");
#: a change to the model or the catalogue that moves them must update the docs too.
HEADLINES = {
    "caspian_today": {
        "exported_twh": 3.9093428203978657,
        "export_caspian_black_sea_europe_twh": 0.0,
        "export_azerbaijan_turkiye_europe_twh": 3.9093428203978657,
        "curtailed_twh": 0.0,
        "green_share_pct": 39.44394517409553,
        "fossil_export_twh": 2.367343781652693,
        "thermal_above_own_demand_twh": 2.04283322155317,
        "export_to_eu_twh": 1.3388082257784641,
        "az_green_export_share_pct": 73.86171975894766,
        "bottleneck_hours_at_limit": ("tr_eu", 8760.0),
    },
    "caspian_2032": {
        "exported_twh": 13.574418149733553,
        "export_caspian_black_sea_europe_twh": 8.09503232653725,
        "export_azerbaijan_turkiye_europe_twh": 5.479385823196304,
        "curtailed_twh": 1.8482583392080922,
        "green_share_pct": 54.135161148691104,
        "fossil_export_twh": 5.5334998859224935,
        "thermal_above_own_demand_twh": 1.3062771353886342,
        "export_to_eu_twh": 9.58651015721315,
        "az_new_green_export_share_pct": 38.121755812216875,
        "az_new_green_export_link_share_pct": 25.937500000000004,
        "az_new_green_exportable_share_pct": 58.76653828006838,
        "az_green_export_share_pct": 47.19332027542253,
        "bottleneck_hours_at_limit": ("ge_tr", 6288.0),
    },
    "caspian_2032_black_sea_outage": {
        "exported_twh": 6.054444651250859,
        "export_caspian_black_sea_europe_twh": 3.0160219980157064,
        "export_azerbaijan_turkiye_europe_twh": 3.0384226532351524,
        "curtailed_twh": 1.7290165636381472,
        "green_share_pct": 57.8196139030689,
        "fossil_export_twh": 2.2084316406863853,
        "thermal_above_own_demand_twh": 0.5022202839364253,
        "export_to_eu_twh": 3.5980723466040416,
        "az_new_green_export_share_pct": 38.014343346605784,
        "bottleneck_hours_at_limit": ("ge_tr", 3712.0),
    },
}


@pytest.mark.parametrize("name", sorted(HEADLINES))
def test_headline_figures_of_the_examples_are_unchanged(examples, name):
    summary = examples[name].summary().set_index("metric")
    for metric, expected in HEADLINES[name].items():
        element, number = expected if isinstance(expected, tuple) else ("", expected)
        assert summary.at[metric, "value"] == pytest.approx(number, rel=1e-7, abs=1e-9), metric
        if element:
            assert summary.at[metric, "element"] == element


@pytest.mark.parametrize("name", ["caspian_today", "caspian_2032", "caspian_2032_black_sea_outage"])
def test_result_tables_pass_the_shared_schema(examples, name):
    res = validate(examples[name])
    year = res.meta["year"]
    for table in ("flows", "utilisation", "prices"):
        frame = res.tables[table]
        assert list(frame.columns[:4]) == ["element", "period", "snapshot", "hour"]
        assert (frame["period"] == frame["hour"]).all()
        start = pd.Timestamp(year=year, month=1, day=1)
        assert (frame["snapshot"] == start + pd.to_timedelta(frame["hour"], unit="h")).all()
    unmet_columns = ["element", "period", "snapshot", "hour", "demand_mw", "unmet_mw"]
    assert list(res.unmet.columns) == unmet_columns
    assert res.bottlenecks["binding_periods"].dtype == np.int64
    assert set(res.prices["element"]) == set(HUBS)
    monthly = res.table("curtailment")
    first = monthly["snapshot"].dt
    assert (first.day == 1).all()
    assert (first.month == monthly["month"]).all()
    assert (monthly["period"] == monthly["month"] - 1).all()
    assert "provenance" in res.tables  # added by MODEL.run, not by the model


def test_one_energy_per_link_and_direction(full_year_2032):
    """Forward, backward and net energy of a link are one figure each, in every table."""
    res = full_year_2032
    stats = res.link_statistics.set_index("element")
    flows = res.flows.pivot(index="hour", columns="element", values="p_mw")
    np.testing.assert_allclose(
        stats["forward_energy_twh"], flows.clip(lower=0).sum()[stats.index] / 1e6
    )
    np.testing.assert_allclose(
        stats["backward_energy_twh"], (-flows).clip(lower=0).sum()[stats.index] / 1e6
    )
    np.testing.assert_allclose(
        stats["net_energy_twh"], stats["forward_energy_twh"] - stats["backward_energy_twh"]
    )
    by_source = res.table("origin_by_source")
    per = by_source.groupby(["element", "direction"])["energy_twh"].sum().unstack(fill_value=0.0)
    for link in per.index:
        assert per.at[link, "forward"] == pytest.approx(
            stats.at[link, "forward_energy_twh"], rel=1e-9, abs=1e-12
        )
        assert per.get("backward", pd.Series(0.0, index=per.index))[link] == pytest.approx(
            stats.at[link, "backward_energy_twh"], rel=1e-9, abs=1e-12
        )
    for way, link in (
        ("black_sea", "black_sea_cable"),
        ("georgia", "ge_tr"),
        ("nakhchivan", "nakhchivan_tr"),
    ):
        assert res.metric(f"export_via_{way}_twh") == stats.at[link, "forward_energy_twh"]
    # the traced green share of the Black Sea route is the cable's forward green share
    assert stats.at["black_sea_cable", "forward_green_share_pct"] == pytest.approx(
        res.metric("green_share_caspian_black_sea_europe_pct"), rel=1e-9
    )


def test_exports_end_by_country(full_year_2032):
    """Every exported MWh ends in one country; 'to the EU' is Romania plus Türkiye's onward."""
    res = full_year_2032
    dest = res.table("exports_by_destination").set_index("destination")
    assert dest["energy_twh"].sum() == pytest.approx(res.metric("exported_twh"), rel=1e-9)
    assert (dest["energy_twh"] >= -1e-12).all()
    assert dest.at["romania", "energy_twh"] == res.metric("export_via_black_sea_twh")
    eu = dest.loc[dest["eu"], "energy_twh"].sum()
    assert res.metric("export_to_eu_twh") == pytest.approx(eu, rel=1e-12)
    for d in dest.index:
        assert res.metric(f"export_to_{d}_twh") == dest.at[d, "energy_twh"]
    # Türkiye passes on no more than it sends to the EU (its 500 MW export limit)
    tr_eu = res.link_statistics.set_index("element").at["tr_eu", "forward_energy_twh"]
    assert dest.at["bulgaria_greece", "energy_twh"] <= tr_eu + 1e-9
    assert dest.at["turkiye", "eu"] == False  # noqa: E712 - numpy bool


def test_seed_measures_beside_the_traced_share(full_year_2032):
    """The seed's capacity measure is the export links over the new MW; all three in 0..100."""
    res = full_year_2032
    links = sum(
        value(i, unit="MW")
        for i in ("caspian.cable.black_sea.capacity", "caspian.link.ge_tr.capacity",
                  "caspian.link.nakhchivan_tr.today")
    )  # fmt: skip
    new_mw = res.metric("az_new_green_mw")
    assert res.metric("az_new_green_export_link_share_pct") == pytest.approx(links / new_mw * 100)
    for m in ("az_new_green_export_link_share_pct", "az_new_green_exportable_share_pct",
              "az_new_green_export_share_pct"):  # fmt: skip
        assert 0.0 <= res.metric(m) <= 100.0, m
    # the links can carry at least the share of the output their rating covers
    assert res.metric("az_new_green_exportable_share_pct") >= res.metric(
        "az_new_green_export_link_share_pct"
    )


def test_validation_by_role(examples):
    """Today's corridor against recorded figures: roles, errors, at least three predictions."""
    from corridor_sim.models.caspian.validation import COLUMNS, ROLES

    table = examples["caspian_today"].table("validation")
    assert list(table.columns) == [
        "quantity", "role", "year", "unit", "modelled", "recorded", "error_pct", "source"
    ]  # fmt: skip
    assert list(table.columns) == COLUMNS
    assert set(table["role"]) <= set(ROLES)
    assert (table["role"] == "predicted").sum() >= 3
    np.testing.assert_allclose(
        table["error_pct"], (table["modelled"] - table["recorded"]) / table["recorded"].abs() * 100
    )
    for row in table.itertuples():
        ids = row.source.split(" - ")
        recorded = value(ids[0], unit="TWh") - sum(value(i, unit="TWh") for i in ids[1:])
        assert row.recorded == pytest.approx(recorded), row.quantity
        assert row.year == fact(ids[0]).year
    later = examples["caspian_2032"].table("validation")
    assert later.empty
    assert list(later.columns) == COLUMNS


#: The Caspian result's aggregate tables (its hourly tables would match anything).
_AGGREGATES = (
    "link_statistics", "bottlenecks", "exports_by_destination", "origin_by_source",
    "capacity_study", "sizing", "validation", "hubs", "links",
)  # fmt: skip


@pytest.mark.parametrize("name", ["caspian_2032", "caspian_2032_black_sea_outage"])
def test_every_number_on_a_figure_is_in_a_table(examples, name):
    """A label never computes its own figure: each number is a value of the same result."""
    from corridor_sim.models.caspian.figures import figures

    res = examples[name]
    values = result_numbers(res, _AGGREGATES)
    for stem, fig in figures(res).items():
        for token, text in figure_numbers(fig):
            assert written_as(token, values), f"{stem}: {token!r} in {text!r}"


def test_summary_metrics_are_documented_and_agree_across_models(examples):
    """Every Caspian metric is documented; a metric name shared with another model has one unit."""
    page = (ROOT / "docs" / "caspian.md").read_text("utf-8")
    documented = set(re.findall(r"`([a-z0-9_<>|…]+)`", page))
    templates = [re.compile("^" + re.sub(r"<[^>]+>", "[a-z0-9_]+", t) + "$")
                 for t in documented if "<" in t]  # fmt: skip
    units = {}
    for res in examples.values():
        for row in res.summary().itertuples():
            if row.metric.startswith("snapshot_") or row.metric.endswith("ac_losses_mw"):
                continue
            ok = row.metric in documented or any(t.match(row.metric) for t in templates)
            assert ok, f"{row.metric} is not in docs/caspian.md"
            units.setdefault(row.metric, set()).add(row.unit)
    assert all(len(u) == 1 for u in units.values()), units
    other = example_result("middle_corridor_today").summary()
    for row in other.itertuples():
        if row.metric in units:
            assert units[row.metric] == {row.unit}, row.metric


def test_summary_metric_names_carry_no_data(examples):
    names = set()
    for res in examples.values():
        summary = res.summary()
        names.add(tuple(m for m in summary["metric"] if not m.endswith("ac_losses_mw")))
        hours = [str(h) for h in set(res.snapshots["hour"])]
        for metric in summary["metric"]:
            assert not any(link in metric for link in LINKS), metric
            assert not any(h in metric for h in hours), metric
        snaps = summary[summary["metric"].str.endswith("ac_losses_mw")]
        assert snaps["element"].str.fullmatch(r"hour \d+").all()
    # the same metric names in every year and event set: a sweep pivots to one column each
    assert len(names) == 1
    today = examples["caspian_today"].summary().set_index("metric")
    assert today.at["snapshot_1_ac_losses_mw", "element"] == "hour 4000"
    outage = examples["caspian_2032_black_sea_outage"].summary().set_index("metric")
    peak = outage.at["peak_export_snapshot_ac_losses_mw", "element"]
    hour = int(peak.split()[1])
    exports = examples["caspian_2032_black_sea_outage"].table("exports")
    by_hour = exports.assign(p_mw=exports["p_mw"].clip(lower=0)).groupby("hour")["p_mw"].sum()
    assert by_hour.idxmax() == hour


def test_provenance_lists_every_catalogue_row_the_run_reads(monkeypatch):
    """Every catalogue row read during ``cs.run`` is in the run's provenance table."""
    import corridor_sim.catalogue._loader as loader
    import corridor_sim.models.caspian.run as caspian_run

    original = loader._index()
    seen: set[str] = set()

    class Watched(dict):
        def __getitem__(self, key):
            seen.add(key)
            return super().__getitem__(key)

    watched = Watched(original)
    monkeypatch.setattr(loader, "_index", lambda: watched)
    run_year = caspian_run.run_year

    def watching(*args, **kwargs):  # only the model's own reads, not the provenance builder's
        seen.clear()
        result = run_year(*args, **kwargs)
        reads.update(seen)
        return result

    reads: set[str] = set()
    monkeypatch.setattr(caspian_run, "run_year", watching)
    scn = cs.Scenario.from_dict(
        {
            "model": "caspian",
            "year": 2032,
            "name": "provenance",
            "resolution": "hour",
            "periods": WEEK,
            "seed": 1,
            "overrides": {"ge_tr_mw": 900.0},
            "options": {"ramping": True, "study_black_sea_mw": [1300, 2600]},
            "events": [{"element": "az_ge", "start": 10, "duration": 5, "availability": 0.5}],
        }
    )
    res = cs.run(scn)
    prov = res.tables["provenance"]
    listed = set(prov["source_id"])
    assert len(reads) > 100, "the run read no catalogue rows?"
    assert reads <= listed, sorted(reads - listed)
    by_param = prov.groupby("parameter")["source_id"].apply(set)
    assert set(PARAMS.names) <= set(by_param.index)
    assert by_param["ge_tr_mw"] == {"override"}
    assert "caspian.cable.black_sea.commission_year" in by_param["black_sea_cable_mw"]
    assert {"caspian.schedule.buildout", "az.green.capacity_5yr"} <= by_param["az_green_mw"]
    fixed = by_param["(fixed)"]
    for fid in (
        "caspian.hub.europe.lat",  # the net
        "caspian.profile.wind.persistence",  # the profiles
        "caspian.gen.gas.ramp_share_per_h",  # the ramping option
        "caspian.cost.hvdc_submarine",  # the capacity study
        "caspian.gen.gas.serves_own_demand",  # rules the model applies
        "caspian.origin.flow_tracing",
        "az.green.export_share",  # the summary's target
    ):
        assert fid in fixed, fid
    assert "caspian.link.az_ge.reinforcement" in by_param["az_ge_reinforcement_mw"]
    assert "caspian.demand.uz.annual_2030" in by_param["uz_demand_twh"]


def test_every_build_reads_the_catalogue_again():
    """No cache hides catalogue rows from a second run's provenance (was functools.cache)."""
    from corridor_sim.catalogue import recording

    reads = []
    for _ in range(2):
        with recording() as ids:
            caspian.build(2032)
        reads.append(set(ids))
    assert reads[0] == reads[1]
    assert "caspian.ac.r_ohm_per_km" in reads[1]


def test_parameters_and_options_are_declared_once():
    assert caspian.MODEL.params is PARAMS
    assert caspian.MODEL.option_table is caspian.OPTIONS
    assert set(caspian.MODEL.options) == set(caspian.OPTIONS.names)
    assert caspian.MODEL.max_periods == 8760
    for year in (2026, 2032):
        assert caspian.parameters(year) == PARAMS.parameters(year)
        assert caspian.resolve(year, {"az_ge_mw": 1.0}) == dict(
            PARAMS.resolve(year, {"az_ge_mw": 1.0})
        )
    # year-gated rules: cables and links switch on in their commissioning year
    for name, fid in (
        ("caspian_cable_mw", "caspian.cable.caspian.commission_year"),
        ("black_sea_cable_mw", "caspian.cable.black_sea.commission_year"),
        ("az_ge_reinforcement_mw", "caspian.cable.black_sea.commission_year"),
        ("az_nakhchivan_mw", "caspian.link.az_nakhchivan.commission_year"),
    ):
        on = int(value(fid, unit="year"))
        assert PARAMS[name].default(on - 1) == 0.0
        assert PARAMS[name].default(on) > 0
    on = int(value("caspian.link.nakhchivan_tr.commission_year", unit="year"))
    assert PARAMS["nakhchivan_tr_mw"].default(on - 1) == value(
        "caspian.link.nakhchivan_tr.today", unit="MW"
    )
    assert PARAMS["az_wind_share"].maximum == 1.0
    with pytest.raises(SpecError, match=r"overrides\.az_wind_share = 1\.5"):
        PARAMS.check("az_wind_share", 1.5)
    with pytest.raises(SpecError, match="year"):
        caspian.parameters(2019)


def test_docs_tables_are_generated_from_the_declarations():
    page = (ROOT / "docs" / "caspian.md").read_text("utf-8")
    for marker, table in (("parameters", PARAMS), ("options", caspian.OPTIONS)):
        text = page.split(f"<!-- {marker}:start -->\n")[1].split(f"<!-- {marker}:end -->")[0]
        assert text == table.markdown(), marker


# -- cable sizes by optimisation (needs the engine's extendable branches) -------------------


def _grid_cost(prof, **ratings):
    """Operating cost + annuities of the added MW, as the sizing counts them (MEUR)."""
    table = caspian.capacity_study(
        2032,
        caspian_mw=[ratings.pop("caspian_cable_mw")],
        black_sea_mw=[ratings.pop("black_sea_cable_mw")],
        prof=prof,
        **ratings,
    )
    return float(table["annual_cost_meur"].iloc[0])


def test_sizing_is_never_worse_than_the_grid_search():
    from corridor_sim.models.caspian.sizing import optimise

    prof = caspian.profiles(2032, seed=1).iloc[4000 : 4000 + WEEK].reset_index(drop=True)
    prof = prof.rename_axis("hour")
    sized = optimise(2032, prof=prof, npv=False)
    rows = {m: v for m, v, _, _ in sized.rows}
    optimum = rows["sizing_annual_cost_meur"] * len(prof) / 8760
    table = caspian.capacity_study(
        2032, caspian_mw=[0.0, 3500.0, 7000.0], black_sea_mw=[0.0, 1300.0, 2600.0], prof=prof
    )
    assert (table["annual_cost_meur"] >= optimum - 1e-6 * abs(optimum)).all()
    # the optimum dispatched at its own ratings costs what the LP said
    rating = sized.table.set_index("element")["rating_mw"]
    over = {
        "caspian_cable_mw": rating["caspian_cable"],
        "black_sea_cable_mw": rating["black_sea_cable"],
        "az_ge_reinforcement_mw": rating["az_ge"] - resolve_year(2032).az_ge_mw,
        "az_nakhchivan_mw": rating["az_nakhchivan"],
        "nakhchivan_tr_mw": rating["nakhchivan_tr"],
    }
    assert _grid_cost(prof, **over) == pytest.approx(optimum, rel=1e-6)


@pytest.mark.slow
def test_sizing_equals_a_brute_force_search_on_a_small_case():
    """One link free, two days: the LP's rating matches a 1-D search of the total cost."""
    from scipy.optimize import minimize_scalar

    from corridor_sim.models.caspian.sizing import optimise

    prof = caspian.profiles(2032, seed=1).iloc[4000:4048].reset_index(drop=True)
    prof = prof.rename_axis("hour")
    sized = optimise(2032, prof=prof, npv=False, links=("black_sea_cable",))
    rows = {m: v for m, v, _, _ in sized.rows}
    optimum = rows["sizing_annual_cost_meur"] * len(prof) / 8760

    def cost(mw: float) -> float:
        return _grid_cost(prof, caspian_cable_mw=7000.0, black_sea_cable_mw=float(mw))

    grid = np.linspace(0.0, 3000.0, 13)
    costs = [cost(mw) for mw in grid]
    assert min(costs) >= optimum - 1e-6 * abs(optimum)
    k = int(np.argmin(costs))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
    best = minimize_scalar(cost, bounds=(lo, hi), method="bounded", options={"xatol": 1e-3})
    assert best.fun == pytest.approx(optimum, rel=1e-7)


def test_sizing_reports_ratings_costs_and_npvs():
    from corridor_sim.models.caspian.costs import EXPANDABLE
    from corridor_sim.models.caspian.sizing import optimise

    prof = caspian.profiles(2032, seed=1, hours=2 * WEEK)
    sized = optimise(2032, prof=prof)
    table = sized.table.set_index("element")
    assert list(table.index) == list(EXPANDABLE)
    assert (table["rating_mw"] >= table["min_mw"] - 1e-6).all()
    assert (table["rating_mw"] <= table["max_mw"] + 1e-6).all()
    rows = {m: v for m, v, _, _ in sized.rows}
    spent = table["annual_cost_meur"].sum()
    assert rows["sizing_transmission_annual_cost_meur"] == pytest.approx(spent)
    if rows["sizing_exported_twh"] > 0:
        per_mwh = spent * 1e6 / (rows["sizing_exported_twh"] * 1e6)
        assert rows["sizing_transmission_cost_eur_per_mwh"] == pytest.approx(per_mwh)
    assert {"npv_meur", "npv_merchant_meur", "benefit_meur_per_yr"} <= set(table.columns)
    # a link the optimum builds is worth at least its cost to the system
    built = table[table["added_mw"] > 1.0]
    assert (built["npv_meur"] >= -1e-3 * built["investment_meur"].abs() - 1e-6).all()


def test_monte_carlo_samples_the_caspian_ranges():
    """The driving assumptions' ranges reach the model through cs.monte_carlo."""
    scn = cs.Scenario.from_dict(
        {"model": "caspian", "year": 2032, "name": "mc", "resolution": "hour", "periods": 24,
         "seed": 3, "options": {"snapshot_hours": []}}
    )  # fmt: skip
    study = cs.monte_carlo(scn, 2, progress=False)
    drawn = set(study.input_names)
    for fid in ("caspian.cost.gas.az", "caspian.europe.price_mean", "caspian.cf.az.wind",
                "caspian.demand.uz.annual_2030", "caspian.link.az_ge.reinforcement"):  # fmt: skip
        assert fid in drawn, fid
        row = fact(fid)
        assert study.runs[fid].between(row.low, row.high).all(), fid
    wide = study.wide()
    assert wide["europe_price_mean_eur_per_mwh"].round(6).tolist() != [94.26, 94.26]


def test_the_parameter_table_refuses_a_year_before_the_data() -> None:
    # caspian.parameters is the ModelEntry's, derived from PARAMS, which checks the year itself
    for call in (caspian.parameters, PARAMS.resolve, PARAMS.provenance):
        with pytest.raises(SpecError, match=r"year = 2020: expected an integer year >= 2022"):
            call(2020)
    assert caspian.parameters(2022)["black_sea_cable_mw"].default == 0.0
