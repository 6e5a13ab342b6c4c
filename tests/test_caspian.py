"""Caspian green-energy corridor: the net, profiles, hourly dispatch, tables and plots."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np
import pandapower as pp
import pandas as pd
import pytest
from _caspian_reference import line_rating_mw, solve_reference
from hypothesis import assume, given, settings

import corridor_sim as cs
from corridor_sim.catalogue import fact, value
from corridor_sim.errors import ScenarioError, SpecError, UnknownNameError
from corridor_sim.models import caspian
from corridor_sim.models.caspian.dispatch import (
    _inputs,
    availability,
    dispatch_year,
    run_dispatch,
)
from corridor_sim.models.caspian.network import HUBS, LINKS, capacity_factor_id, hub_demand
from corridor_sim.models.caspian.params import PARAMS, resolve_year
from corridor_sim.models.caspian.profiles import profile_columns, scale_to_capacity_factor
from corridor_sim.results.schemas import validate

WEEK = 24 * 7
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


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
    return {n: cs.run(cs.Scenario.from_toml(EXAMPLES / f"{n}.toml")) for n in names}


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
    assert set(net.dcline.name) == {"caspian_cable", "black_sea_cable", "ge_tr"}
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
    gas = net.gen.set_index("name").loc["az_rest.gas"]
    assert gas.export_mw == pytest.approx(2000.0)
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
        if kind == "demand":
            continue
        cf = value(capacity_factor_id(hub, kind), unit="-")
        assert prof[col].mean() == pytest.approx(cf, rel=0.01), col
        assert prof[col].between(0, 1).all()
    solar = prof["az_rest.solar"].to_numpy().reshape(365, 24)
    assert solar[:, 20:24].max() < solar[:, 6:10].max()  # night (UTC 20-24 = 00-04 local) vs day
    table = hub_demand(2032, resolve_year(2032).demand_growth_pct_per_yr).set_index("hub")
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
    load, sgen, gen, dc = _inputs(net, prof, availability((), len(prof)))
    voll = caspian.resolve(2032, {})["voll_eur_per_mwh"]
    ref = solve_reference(net, load, sgen, gen, dc, voll_eur_per_mwh=voll)
    assert h.objective_eur == pytest.approx(ref["objective_eur"], rel=1e-7)
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


@pytest.mark.parametrize("which", ["black_sea_cable_mw", "caspian_cable_mw"])
def test_bigger_cable_never_exports_less(which):
    prof = caspian.profiles(2032, seed=2, hours=WEEK)
    exported, objective = [], []
    for mw in (0.0, 700.0, 1300.0, 2600.0, 7000.0):
        res = caspian.run_year(2032, profile=prof, hours=WEEK, snapshot_hours=[], **{which: mw})
        exported.append(res.metric("europe_intake_twh") + res.metric("exported_twh"))
        objective.append(res.metric("objective_meur"))
    assert all(b >= a - 1e-9 for a, b in zip(exported, exported[1:], strict=False))
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
    routes = res.metric("export_caspian_black_sea_europe_twh") + res.metric(
        "export_azerbaijan_turkiye_europe_twh"
    )
    assert res.metric("exported_twh") == pytest.approx(routes)
    # the Black Sea cable cannot carry more than its rating for a year
    assert res.metric("export_caspian_black_sea_europe_twh") <= 1300 * 8760 / 1e6 + 1e-9
    bott = res.bottlenecks
    assert list(bott["rank"]) == list(range(1, len(LINKS) + 1))
    assert res.meta["first_binding_link"] in LINKS
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


def test_capacity_study_reports_each_point():
    prof = caspian.profiles(2032, seed=1, hours=WEEK)
    table = caspian.capacity_study(
        2032, caspian_mw=[0.0, 7000.0], black_sea_mw=[1300.0, 2600.0], prof=prof
    )
    assert len(table) == 4
    assert set(table["binding_link"]) <= {*LINKS, "none"}
    assert (table["cable_capex_meur"] > 0).any()
    for cm, grp in table.groupby("caspian_mw"):
        assert grp.sort_values("black_sea_mw")["exported_twh"].is_monotonic_increasing, cm


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
    import matplotlib.pyplot as plt

    from corridor_sim.plotting import figures

    res = caspian.run_year(
        2032, seed=1, hours=2 * WEEK, snapshot_hours=[], study_black_sea_mw=[0.0, 1300.0]
    )
    figs = figures(res)
    # curves that coincide (Black Sea cable and TR-EU both at 100 % all the time) stay visible
    lines = figs["caspian_loading_duration"].axes[0].lines
    styles = [(line.get_color(), line.get_linestyle()) for line in lines]
    assert len(set(styles)) == len(styles)
    assert len({line.get_linestyle() for line in lines}) > 1
    expected = {"map", "export_stack", "loading_duration", "curtailment_by_month", "capacity_study"}
    assert {f"caspian_{k}" for k in expected} == set(figs)
    for stem, fig in figs.items():
        fig.savefig(tmp_path / f"{stem}.png")
        plt.close(fig)
    assert len(list(tmp_path.glob("*.png"))) == len(expected)


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
    for _, g in net.gen[net.gen.type == "gas"].iterrows():
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
    load, sgen, gen, dc = _inputs(net, prof, availability((), len(prof)))
    res = dispatch(
        net,
        load_p_mw=load,
        sgen_max_p_mw=sgen,
        gen_max_p_mw=gen,
        dcline_max_p_mw=dc,
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

#: Headline figures of the examples (seed 1) as measured before the package took its
#: current shape (issue 9); the conversion must not move them.
HEADLINES = {
    "caspian_today": {
        "exported_twh": 3.932528645700012,
        "export_caspian_black_sea_europe_twh": 0.0,
        "export_azerbaijan_turkiye_europe_twh": 3.932528645700012,
        "curtailed_twh": 0.0,
        "az_green_export_share_pct": 74.0393633552631,
        "first_binding_link_hours_at_limit": ("az_ge", 4603.0),
    },
    "caspian_2032": {
        "exported_twh": 14.764087329850152,
        "export_caspian_black_sea_europe_twh": 11.388,
        "export_azerbaijan_turkiye_europe_twh": 3.3760873298501526,
        "curtailed_twh": 0.0,
        "az_green_export_share_pct": 57.851592513897174,
        "first_binding_link_hours_at_limit": ("az_ge", 5235.0),
    },
    "caspian_2032_black_sea_outage": {
        "exported_twh": 6.768027922526457,
        "export_caspian_black_sea_europe_twh": 4.7424,
        "export_azerbaijan_turkiye_europe_twh": 2.0256279225264575,
        "curtailed_twh": 0.0,
        "az_green_export_share_pct": 54.77123342593052,
        "first_binding_link_hours_at_limit": ("az_ge", 2095.0),
    },
}


@pytest.mark.parametrize("name", sorted(HEADLINES))
def test_headline_figures_of_the_examples_are_unchanged(examples, name):
    summary = examples[name].summary().set_index("metric")
    for metric, expected in HEADLINES[name].items():
        element, number = expected if isinstance(expected, tuple) else ("", expected)
        assert summary.at[metric, "value"] == pytest.approx(number, rel=1e-9, abs=1e-12), metric
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
        "caspian.link.az_ge.reinforcement",  # rules the model applies
        "caspian.gen.gas.serves_own_demand",
        "az.green.export_share",  # the summary's target
    ):
        assert fid in fixed, fid


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
    # year-gated rules: cables and the Central Asian fleets switch on in the commissioning year
    on = int(value("caspian.cable.caspian.commission_year", unit="year"))
    for name in ("caspian_cable_mw", "kz_export_wind_mw", "uz_export_mw"):
        assert PARAMS[name].default(on - 1) == 0.0
        assert PARAMS[name].default(on) > 0
    assert PARAMS["az_wind_share"].maximum == 1.0
    with pytest.raises(SpecError, match=r"overrides\.az_wind_share = 1\.5"):
        PARAMS.check("az_wind_share", 1.5)
    with pytest.raises(SpecError, match="year"):
        caspian.parameters(2019)


def test_docs_tables_are_generated_from_the_declarations():
    page = (Path(__file__).resolve().parents[1] / "docs" / "caspian.md").read_text("utf-8")
    for marker, table in (("parameters", PARAMS), ("options", caspian.OPTIONS)):
        text = page.split(f"<!-- {marker}:start -->\n")[1].split(f"<!-- {marker}:end -->")[0]
        assert text == table.markdown(), marker
