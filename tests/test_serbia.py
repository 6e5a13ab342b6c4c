"""Serbian plant model: the grid against pandapower, the N-1 study, the gas balance."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandapower as pp
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import corridor_sim as cs
from corridor_sim.catalogue import value
from corridor_sim.engines.power import dc_flow
from corridor_sim.errors import ScenarioError, SpecError, UnknownNameError
from corridor_sim.models import serbia
from corridor_sim.models.serbia.gas import (
    GasSpec,
    bottleneck,
    gas_balance,
    gas_mcm_from_mwh,
    mwh_from_gas_mcm,
    route_free_capacity,
)
from corridor_sim.models.serbia.network import GridSpec, build_grid, element_ids, grid_elements
from corridor_sim.models.serbia.profiles import HOURS, national_load_mw, plant_dispatch_mw
from corridor_sim.results.schemas import validate
from corridor_sim.units import twh_to_bcm

SITES = [None, "trupale", "krusevac", "niska_banja"]


def _scenario(**kw: object) -> SimpleNamespace:
    base = {
        "model": "serbia",
        "year": 2029,
        "name": "t",
        "overrides": {},
        "options": {},
        "resolution": "hour",
        "periods": None,
        "seed": 3,
        "events": (),
        "network": None,
    }
    base.update(kw)
    ns = SimpleNamespace(**base)
    ns.rng = lambda: np.random.default_rng(ns.seed)
    return ns


@pytest.fixture(scope="module")
def result() -> cs.Result:
    return serbia.simulate(_scenario(options={"site": "krusevac"}))


# ------------------------------------------------------------------ the net
@pytest.mark.parametrize("site", SITES)
def test_net_solves_ac_and_dc_with_coordinates(site):
    net = serbia.build(2029, site=site)
    pp.runpp(net, numba=False)
    assert net.converged
    assert net.bus["geo"].notna().all()
    pp.rundcpp(net)
    # DC: what the ext grids inject equals the load minus the plant
    plant = net.gen["p_mw"].sum() if len(net.gen) else 0.0
    assert net.res_ext_grid["p_mw"].sum() == pytest.approx(net.load["p_mw"].sum() - plant, rel=1e-9)
    if site is None:
        assert net.gen.empty
    else:
        gen = net.gen.iloc[0]
        assert gen["max_p_mw"] == value("serbia.plant.capacity", unit="MW") == 500
        assert gen["min_p_mw"] == pytest.approx(500 * value("serbia.plant.min_load", unit="p.u."))


def test_unknown_site_lists_the_three():
    with pytest.raises(UnknownNameError) as err:
        serbia.build(2029, site="belgrade")
    for name in ("trupale", "krusevac", "niska_banja"):
        assert name in str(err.value)
    assert "<Site." not in str(err.value)  # plain names, not enum reprs
    with pytest.raises(UnknownNameError, match="did you mean 'krusevac'"):
        serbia.build(2029, site="Krusevac")


def test_line_parameters_are_pandapower_std_types_and_c1_lengths():
    net = serbia.build(2029, site="trupale")
    std = pp.available_std_types(net, "line")
    t220 = std.loc["490-AL1/64-ST1A 220.0"]
    t380 = std.loc["490-AL1/64-ST1A 380.0"]
    l220 = net.line[net.bus.loc[net.line.from_bus, "vn_kv"].to_numpy() == 220].iloc[0]
    l400 = net.line[net.bus.loc[net.line.from_bus, "vn_kv"].to_numpy() == 400].iloc[0]
    for col in ("r_ohm_per_km", "x_ohm_per_km", "c_nf_per_km", "max_i_ka"):
        assert l220[col] == pytest.approx(t220[col])
    assert l400["r_ohm_per_km"] == pytest.approx(t380["r_ohm_per_km"] / 2)  # twin bundle
    assert l400["max_i_ka"] == pytest.approx(t380["max_i_ka"] * 2)
    # the looped-in line keeps its C1 length: 96.5 km = Jagodina–Trupale + Trupale–Niš
    halves = net.line[net.line["corridor"] == "jagodina_nis"]
    assert len(halves) == 2
    assert halves["length_km"].sum() == pytest.approx(96.5)


def test_build_rejects_unknown_and_bad_overrides():
    with pytest.raises(UnknownNameError, match="plant_size"):
        serbia.build(2029, site="trupale", plant_size=3)
    with pytest.raises(SpecError, match="plant_capacity_mw"):
        serbia.build(2029, plant_capacity_mw=-5)
    big = serbia.build(2029, site="trupale", plant_capacity_mw=600, min_load=0.5)
    assert big.gen.at[0, "max_p_mw"] == 600
    assert big.gen.at[0, "min_p_mw"] == 300


def test_build_call_shape_default_site_and_the_old_form():
    """build(year, site=...) like every model; the default site is the seed's preferred one."""
    net = serbia.build(2029)
    assert net.name == "serbia_krusevac_2029"
    assert serbia.preferred_site() == "krusevac"
    assert "Kruševac" in cs.fact("serbia.plant.preferred_site").subject
    assert serbia.build(year=2029).name == net.name
    assert serbia.build(2029, site="none").gen.empty
    assert serbia.build(2029, site=None).gen.empty
    with pytest.warns(DeprecationWarning, match=r"serbia.build\(year, site='trupale'\)"):
        old = serbia.build("trupale", year=2029)
    pp.runpp(old, numba=False)
    new = serbia.build(2029, site="trupale")
    pp.runpp(new, numba=False)
    pd.testing.assert_frame_equal(old.res_bus, new.res_bus)
    with pytest.warns(DeprecationWarning, match="old call"):
        assert serbia.build(None, year=2029).gen.empty  # the old "no plant"
    with pytest.raises(SpecError, match="year"):
        serbia.build()
    with pytest.raises(SpecError, match="given twice"):
        serbia.build(2029, year=2030)


def test_event_elements_without_building_a_net_match_every_site():
    ids = grid_elements(2029)
    assert ids == serbia.elements(2029) == serbia.MODEL.elements(2029)
    for site in SITES:
        assert element_ids(build_grid(site, year=2029)) == ids


def test_model_entry_declares_params_options_and_horizon():
    entry = serbia.MODEL
    assert entry.params is serbia.PARAMS
    assert entry.option_table is serbia.OPTIONS
    assert entry.max_periods == HOURS == 8760
    assert set(entry.parameters(2029)) == set(serbia.PARAMS.names)
    assert entry.parameters(2029)["plant_capacity_mw"].source == "serbia.plant.capacity"
    assert set(serbia.OPTIONS.names) == {"site", "sites", "capacity_factors"}


# ------------------------------------------------------------ power flows
@pytest.mark.parametrize("site", ["trupale", "krusevac"])
def test_dc_flow_equals_pandapower_rundcpp_hour_by_hour(site):
    net = serbia.build(2029, site=site)
    national = national_load_mw(2029, rng=np.random.default_rng(0))
    hours = [0, 4000, int(np.argmax(national))]
    scale = national[hours] / net.load["p_mw"].sum()
    load = pd.DataFrame(np.outer(scale, net.load["p_mw"]), index=hours, columns=net.load.index)
    gen = pd.DataFrame({0: [500.0, 0.0, 300.0]}, index=hours)
    ours = dc_flow(net, load_p_mw=load, gen_p_mw=gen)
    for k, h in enumerate(hours):
        ref = copy.deepcopy(net)
        ref.load["p_mw"] = load.loc[h].to_numpy()
        ref.gen["p_mw"] = gen.loc[h, 0]
        pp.rundcpp(ref)
        np.testing.assert_allclose(
            ours.line_p_from_mw.iloc[k], ref.res_line["p_from_mw"], atol=1e-6
        )
        np.testing.assert_allclose(ours.trafo_p_hv_mw.iloc[k], ref.res_trafo["p_hv_mw"], atol=1e-6)


def test_every_n1_case_was_run(result):
    comp = result.site_comparison.set_index("site")
    for site in SITES:
        key = site or "none"
        net = serbia.build(2029, site=site)
        n_branches = int(net.line["in_service"].sum() + net.trafo["in_service"].sum())
        assert comp.loc[key, "n1_outages"] == n_branches
        assert comp.loc[key, "n1_cases"] == n_branches * HOURS


def test_worst_n1_case_matches_pandapower(result):
    """Re-run the worst Kruševac contingency in pandapower: same loading."""
    worst = result.n1_worst[result.n1_worst["site"] == "krusevac"].iloc[0]
    hour = int(worst["hour"])
    hourly = result.hourly[
        (result.hourly["site"] == "krusevac") & (result.hourly["hour"] == hour)
    ].iloc[0]
    net = serbia.build(2029, site="krusevac")
    factor = hourly["national_load_mw"] / net.load["p_mw"].sum()
    net.load["p_mw"] *= factor
    net.gen["p_mw"] = hourly["plant_mw"]
    net[worst["outage_type"]].loc[int(worst["outage_index"]), "in_service"] = False
    pp.rundcpp(net)
    assert net[worst["element_type"]].at[int(worst["element_index"]), "name"] == worst["element"]
    res = net[f"res_{worst['element_type']}"]
    assert res.loc[int(worst["element_index"]), "loading_percent"] == pytest.approx(
        worst["loading_pct"], rel=1e-6
    )


def test_ac_losses_close_to_the_dc_estimate(result):
    comp = result.site_comparison
    ratio = comp["losses_peak_dc_estimate_mw"] / comp["losses_peak_ac_mw"]
    assert ratio.between(0.75, 1.1).all()


def test_site_comparison_has_all_sites_and_a_best_site(result):
    assert list(result.site_comparison["site"]) == ["none", "trupale", "krusevac", "niska_banja"]
    assert result.meta["best_site"] in {"trupale", "krusevac", "niska_banja"}
    assert result.meta["model"] == "serbia"
    ok = result.site_comparison.set_index("site")
    best = result.meta["best_site"]
    assert (
        ok.loc[best, "n1_violation_hours"]
        == ok.loc[["trupale", "krusevac", "niska_banja"], "n1_violation_hours"].min()
    )


def test_line_outage_event_takes_the_line_out():
    scn = _scenario(
        periods=48,
        options={"site": "krusevac", "sites": ["krusevac"]},
        events=(
            SimpleNamespace(
                element="krusevac_kraljevo", start=10, duration=5, availability=0.0, days=None
            ),
        ),
    )
    res = serbia.simulate(scn)
    comp = res.site_comparison.iloc[0]
    # in the 5 outage hours one fewer outage is screened
    net = serbia.build(2029, site="krusevac")
    n = int(len(net.line) + len(net.trafo))
    assert comp["n1_cases"] == n * 43 + (n - 1) * 5
    assert comp["islanding_outages"] == 1  # Kruševac–Niš then splits off Kruševac


def test_unknown_option_and_event_element_are_scenario_errors():
    with pytest.raises(ScenarioError, match="options.colour"):
        serbia.simulate(_scenario(options={"colour": 1}))
    with pytest.raises(ScenarioError, match="site"):
        serbia.simulate(_scenario(options={"site": "belgrade"}))
    ev = SimpleNamespace(element="nis_beograd", start=1, duration=1, availability=0.0, days=None)
    with pytest.raises(ScenarioError, match="nis_beograd"):
        serbia.simulate(_scenario(periods=10, events=(ev,)))


def test_same_seed_same_tables_other_seed_other_load():
    a = serbia.simulate(_scenario(periods=24, seed=5, options={"sites": ["trupale"]}))
    b = serbia.simulate(_scenario(periods=24, seed=5, options={"sites": ["trupale"]}))
    c = serbia.simulate(_scenario(periods=24, seed=6, options={"sites": ["trupale"]}))
    pd.testing.assert_frame_equal(a.site_comparison, b.site_comparison)
    pd.testing.assert_frame_equal(a.gas_balance, b.gas_balance)
    assert not np.allclose(a.hourly["national_load_mw"], c.hourly["national_load_mw"])


# ------------------------------------------------------------ load and dispatch
def test_national_load_reproduces_c4_and_c5():
    x = national_load_mw(2024, rng=np.random.default_rng(0))
    assert x.sum() / 1e6 == pytest.approx(value("serbia.load.annual_energy", unit="TWh"))
    daily = x.reshape(-1, 24).sum(axis=1) / 1000  # GWh/day
    record = value("serbia.load.record_day_energy", unit="GWh/day")
    assert daily.max() == pytest.approx(record, rel=0.05)


@settings(max_examples=25, deadline=None)
@given(cf=st.floats(0, 1))
def test_dispatch_meets_capacity_factor_and_min_load(cf):
    x = national_load_mw(2029, rng=np.random.default_rng(1))
    d = plant_dispatch_mw(x, capacity_mw=500, capacity_factor=cf, min_load=0.4)
    assert d.sum() == pytest.approx(cf * 500 * HOURS, abs=0.4 * 500 + 1e-6)
    on = d[d > 0]
    assert (on >= 0.4 * 500 - 1e-9).all()
    assert (d <= 500).all()


# ------------------------------------------------------------ gas
def test_gas_conversion_by_hand():
    lhv_kj_per_m3 = value("units.gas.lhv_serbia", unit="kJ/m3")
    # 1 GWh of electricity at 58 %: 3.6e12 J / 0.58 / (LHV J/m3) m3
    expected_mcm = 3.6e12 / 0.58 / (lhv_kj_per_m3 * 1e3) / 1e6
    assert gas_mcm_from_mwh(1000.0, efficiency=0.58) == pytest.approx(expected_mcm, rel=1e-12)
    assert mwh_from_gas_mcm(expected_mcm, efficiency=0.58) == pytest.approx(1000.0, rel=1e-12)
    # same as the units module: bcm of 1 TWh of heat
    assert gas_mcm_from_mwh(1e6, efficiency=1.0) == pytest.approx(
        twh_to_bcm(1.0, basis="serbia_lhv") * 1000
    )


@settings(max_examples=40, deadline=None)
@given(mwh=st.floats(0, 1e7), eff=st.floats(0.1, 1.0))
def test_gas_conversion_round_trip(mwh, eff):
    assert mwh_from_gas_mcm(gas_mcm_from_mwh(mwh, efficiency=eff), efficiency=eff) == pytest.approx(
        mwh, rel=1e-9, abs=1e-9
    )


def test_gas_conversion_rejects_bad_efficiency():
    with pytest.raises(SpecError, match="efficiency"):
        gas_mcm_from_mwh(1.0, efficiency=0.0)


@pytest.fixture(scope="module")
def load_2029() -> np.ndarray:
    return national_load_mw(2029, rng=np.random.default_rng(2))


@settings(max_examples=20, deadline=None)
@given(cf=st.floats(0, 1), contract=st.floats(0, 2), ibs=st.floats(0, 2))
def test_gas_need_exceeds_supply_exactly_when_the_numbers_say(load_2029, cf, contract, ibs):
    spec = GasSpec.for_year(2029, contracted_volume=contract, ibs_capacity=ibs)
    burn = gas_mcm_from_mwh(
        plant_dispatch_mw(load_2029, capacity_mw=500, capacity_factor=cf, min_load=0.4),
        efficiency=0.58,
    )
    need = burn.sum() / 1000
    limit = min(spec.contract_available, *route_free_capacity(spec).values())
    assume(abs(need - limit) > 1e-6)
    table, _, _ = gas_balance(spec, {cf: burn}, year=2029)
    row = table.iloc[0]
    assert row["gas_need_bcm_per_yr"] == pytest.approx(need)
    assert row["supply_limit_bcm_per_yr"] == pytest.approx(limit)
    assert bool(row["exceeds_supply"]) == (need > limit)
    assert row["delivered_bcm_per_yr"] == pytest.approx(min(need, limit), abs=1e-9)
    assert row["shortfall_bcm_per_yr"] == pytest.approx(max(0.0, need - limit), abs=1e-9)
    # ratable months can only be tighter than the year
    assert row["shortfall_ratable_bcm_per_yr"] >= row["shortfall_bcm_per_yr"] - 1e-9


def test_bottleneck_names_the_tightest_leg():
    assert bottleneck(GasSpec.for_year(2029, contracted_volume=1.0))[0] == "tanap+tap"
    assert bottleneck(GasSpec.for_year(2029, contracted_volume=0.1))[0] == "contract"
    name, limit = bottleneck(
        GasSpec.for_year(2029, contracted_volume=5, ibs_capacity=0.2, tap_other_use=0)
    )
    assert (name, limit) == ("ibs", pytest.approx(0.2))


def test_gas_balance_in_result_and_breakeven(result):
    bal = result.gas_balance
    assert (
        bal["exceeds_supply"]
        == (bal["gas_need_bcm_per_yr"] > bal["supply_limit_bcm_per_yr"] + 1e-9)
    ).all()
    s = result.summary().set_index("metric")["value"]
    cf = s["breakeven_capacity_factor"]
    limit = bal["supply_limit_bcm_per_yr"].iloc[0]
    if limit == 0:  # today's users take the whole contract: nothing is left for the plant
        assert cf == 0.0
        return
    need_at = np.interp(cf, bal["capacity_factor"], bal["gas_need_bcm_per_yr"])
    assert need_at == pytest.approx(limit, rel=1e-3)


def test_gas_spec_validation():
    with pytest.raises(SpecError, match="tap_capacity"):
        GasSpec.for_year(2029, tap_capacity=-1.0)
    with pytest.raises(UnknownNameError, match="did you mean 'tap_capacity'"):
        GasSpec.for_year(2029, tap_capacit=1.0)
    assert math.isclose(GridSpec.for_year(2024).annual_energy_twh, 30.8)


# ------------------------------------------------------------ plots
def test_figures(result):
    from corridor_sim.plotting import figures

    figs = figures(result)
    assert set(figs) == {
        "serbia_grid_map",
        "serbia_site_comparison",
        "serbia_n1_worst_cases",
        "serbia_gas_balance",
    }
    import matplotlib.pyplot as plt

    for fig in figs.values():
        assert fig.axes
        plt.close(fig)


@pytest.mark.parametrize("site", ["krusevac", "niska_banja"])
def test_n1_screen_matches_pandapower_contingency_analysis(site):
    """One peak hour: the power engine's N-1 equals pandapower.contingency with rundcpp."""
    from pandapower.contingency import run_contingency

    from corridor_sim.engines.power import n_minus_1

    net = serbia.build(2029, site=site)
    net.load["p_mw"] *= 1.4  # a high-load hour, plant at full output
    ours = n_minus_1(net, outages="lines+trafos")
    cases = {"line": {"index": list(net.line.index)}, "trafo": {"index": list(net.trafo.index)}}
    ref = copy.deepcopy(net)
    ref.line["max_loading_percent"] = ref.trafo["max_loading_percent"] = (
        100.0  # pandapower needs limits
    )
    run_contingency(ref, cases, contingency_evaluation_function=pp.rundcpp)
    for kind in ("line", "trafo"):
        worst = ours.worst[ours.worst["element"] == kind].set_index("element_index")
        mine = np.maximum(worst["loading_pct"], worst["base_loading_pct"]).sort_index()
        theirs = ref[f"res_{kind}"]["max_loading_percent"].sort_index()
        np.testing.assert_allclose(mine.to_numpy(), theirs.to_numpy(), rtol=1e-6)


def _reference_excerpts(text: str) -> list[str]:
    """The excerpt column (last cell) of every table row of REFERENCES.md."""
    cells = [line.rstrip().rstrip("|").rsplit("|", 1)[-1] for line in text.splitlines()]
    return [c.strip() for c in cells if c.strip().startswith('"')]


def test_serbia_assumptions_quote_references_verbatim():
    """Quotes are excerpts, not table cells stitched together.

    A quote sourced from REFERENCES.md lies inside one cell of the excerpt column; for C1 lines
    without an excerpt there, it is the verbatim start of the line's row in C1's lines.csv
    (line id, bus0, bus1, voltage class, circuits, length in m), whose length reads back to
    the value.
    """
    import re
    from pathlib import Path

    from corridor_sim.catalogue import facts

    refs = Path("/work/shared/REFERENCES.md")
    if not refs.is_file():
        pytest.skip("REFERENCES.md not available")
    excerpts = _reference_excerpts(refs.read_text(encoding="utf-8"))
    assert len(excerpts) > 40
    rows = facts(status="assumption")
    rows = rows[rows["id"].str.startswith("serbia.") & rows["source"].str.startswith("REFERENCES")]
    assert len(rows) >= 15
    c1_row = re.compile(r"^\d+,\d+,\d+,(380|220),1,(\d+\.\d+)…$")
    for fid, row in rows.iterrows():
        if any(row["quote"] in cell for cell in excerpts):
            continue
        match = c1_row.match(row["quote"])
        assert match, f"{fid}: {row['quote']!r} is not inside one excerpt of REFERENCES.md"
        assert row["source"] == "REFERENCES.md C1", fid
        assert f"row {row['quote'].split(',')[0]} of C1's lines.csv" in row["reason"], fid
        if row["unit"] == "km":
            assert float(match.group(2)) / 1000 == pytest.approx(row["value"], abs=0.05), fid


def test_derating_a_transformer_keeps_its_impedance():
    """A partial-availability event lowers the rating, not the flows (regression)."""
    from corridor_sim.engines.power import dc_flow
    from corridor_sim.models.serbia.study import _apply_events

    net = serbia.build(2029, site="krusevac")
    units = net.trafo.index[net.trafo["name"].str.startswith("krusevac1_220_110")]
    before = dc_flow(net)
    after = dc_flow(_apply_events(net, [("krusevac1_220_110_1", 0.5)]))
    np.testing.assert_allclose(
        after.trafo_p_hv_mw.to_numpy(), before.trafo_p_hv_mw.to_numpy(), atol=1e-9
    )
    first, second = units
    ratio = after.trafo_loading_pct[first] / before.trafo_loading_pct[first]
    assert float(ratio.iloc[0]) == pytest.approx(2.0)
    assert float(after.trafo_loading_pct[second].iloc[0]) == pytest.approx(
        float(before.trafo_loading_pct[second].iloc[0])
    )


def test_provenance_lists_every_catalogue_row_the_model_reads(monkeypatch):
    """cs.run's provenance names each catalogue id the run reads, and no other.

    Run twice: the second run builds its grids from the cache (keyed on the values read),
    so the cache must not hide a read.
    """
    import corridor_sim.catalogue._loader as loader

    seen: set[str] = set()
    original = loader.fact

    def recording_fact(fid: str, **kw: object):
        seen.add(fid)
        return original(fid, **kw)

    monkeypatch.setattr(loader, "fact", recording_fact)
    scn = cs.Scenario(model="serbia", year=2029, periods=24, options={"capacity_factors": [0.5]})
    for _ in range(2):
        seen.clear()
        prov = cs.run(scn).tables["provenance"]
        assert set(prov["source_id"]) == seen
        assert prov["source_id"].is_unique
    rows = prov.set_index("source_id")
    assert rows.at["serbia.line.jagodina_nis.length", "value"] == pytest.approx(96.5)
    assert rows.at["serbia.line.jagodina_nis.length", "unit"] == "km"
    assert rows.at["serbia.load.peak_hour", "parameter"] == "(fixed)"
    assert rows.at["serbia.plant.efficiency", "parameter"] == "efficiency"
    assert "units.gas.lhv_serbia" in rows.index  # read through corridor_sim.units
    # a scenario comparing two sites does not read the loop-in sites' rows
    seen.clear()
    two = cs.Scenario(
        model="serbia",
        year=2029,
        periods=24,
        overrides={"efficiency": 0.55},
        options={"sites": ["none", "krusevac"], "capacity_factors": [0.5]},
    )
    prov = cs.run(two).tables["provenance"]
    listed = set(prov["source_id"]) - {"override"}
    assert listed <= seen
    assert seen - listed == {"serbia.plant.efficiency"}  # overridden: the default is not used
    assert not {"serbia.site.trupale.loop_in_km", "serbia.coord.trupale.lon"} & listed
    assert prov.set_index("parameter").at["efficiency", "source_id"] == "override"


# ------------------------------------------------------------ result schema and examples
EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("serbia_*.toml"))


@pytest.fixture(scope="module")
def example_results() -> dict[str, cs.Result]:
    return {path.stem: cs.run(path) for path in EXAMPLES}


def test_every_example_result_is_in_the_shared_schema(example_results):
    assert len(example_results) == len(EXAMPLES) >= 5
    for name, res in example_results.items():
        validate(res)
        metrics = res.summary()["metric"]
        assert metrics.is_unique, name
        for site in ("trupale", "krusevac", "niska_banja", "none"):
            assert not metrics.str.contains(site).any(), name  # no data in metric names
        for table in ("flows", "utilisation", "unmet", "prices", "supply"):
            assert {"element", "period", "snapshot"} <= set(res.table(table).columns)
        for table in ("hourly", "n1_worst", "voltages"):
            assert {"period", "snapshot", "hour"} <= set(res.table(table).columns)


def test_examples_reproduce_the_documented_figures(example_results):
    """docs/serbia.md's table: losses, N-1 violation hours and worst loading per site."""
    res = example_results["serbia_krusevac_2029"]
    comp = res.site_comparison.set_index("site")
    expected = {  # site: (losses GWh, hours with N-1 violation, worst N-1 loading %)
        "none": (44.6, 0, 86.8),
        "trupale": (33.1, 0, 86.8),
        "krusevac": (44.0, 2366, 105.7),
        "niska_banja": (35.4, 0, 86.8),
    }
    for site, (gwh, hours, worst) in expected.items():
        assert comp.at[site, "losses_mwh"] / 1000 == pytest.approx(gwh, abs=0.05)
        assert comp.at[site, "n1_violation_hours"] == hours
        assert comp.at[site, "worst_n1_loading_pct"] == pytest.approx(worst, abs=0.05)
    s = res.summary().set_index("metric")
    assert s.at["best_site", "element"] == res.meta["best_site"] == "trupale"
    assert s.at["best_site", "value"] == 1.0
    assert s.at["n1_violation_hours", "element"] == "krusevac"  # the scenario's site
    assert s.at["n1_violation_hours", "value"] == 2366
    assert s.at["losses_gwh", "value"] == pytest.approx(comp.at["krusevac", "losses_mwh"] / 1000)
    # today's users take the whole 0.4 bcm/yr contract (serbia.gas.contract_existing_use)
    assert s.at["breakeven_capacity_factor", "value"] == 0.0
    assert s.at["gas_need_bcm_per_yr", "value"] == pytest.approx(0.408, abs=5e-4)
    for name in ("serbia_trupale_2029", "serbia_niska_banja_2029"):
        other = example_results[name]
        pd.testing.assert_frame_equal(other.site_comparison, res.site_comparison)
        assert other.metric("n1_violation_hours") == 0
    outage = example_results["serbia_krusevac_line_outage"].site_comparison.set_index("site")
    assert outage.at["krusevac", "n0_hours_over_limit"] > 0  # the remaining line is overloaded
    assert outage.at["krusevac", "islanding_outages"] == 1


def test_summary_site_metrics_follow_the_scenario_site_or_the_best_site():
    kw = {"periods": 48, "seed": 2}
    given = serbia.simulate(
        _scenario(options={"site": "none", "sites": ["trupale", "krusevac"]}, **kw)
    )
    s = given.summary().set_index("metric")
    assert s.at["losses_gwh", "element"] == "none"
    comp = given.site_comparison.set_index("site")
    assert list(comp.index) == ["trupale", "krusevac", "none"]  # the site is added
    assert s.at["losses_gwh", "value"] == pytest.approx(comp.at["none", "losses_mwh"] / 1000)
    free = serbia.simulate(_scenario(options={"sites": ["trupale", "krusevac"]}, **kw))
    s = free.summary().set_index("metric")
    assert s.at["n1_violation_hours", "element"] == free.meta["best_site"]
    assert s.at["best_site", "element"] == free.meta["best_site"]
    assert free.meta["site"] is None


def test_snapshots_are_the_hours_and_months_of_the_year(result):
    hourly = result.hourly[result.hourly["site"] == "krusevac"]
    assert (hourly["period"] == hourly["hour"]).all()
    start = pd.Timestamp("2029-01-01")
    assert ((hourly["snapshot"] - start) == pd.to_timedelta(hourly["hour"], unit="h")).all()
    worst = result.n1_worst.iloc[0]
    assert worst["snapshot"] == start + pd.Timedelta(hours=int(worst["hour"]))
    flows = result.flows
    months = pd.date_range("2029-01-01", periods=12, freq="MS")
    assert sorted(set(flows["snapshot"])) == list(months)
    assert flows["period_label"].iloc[0] == "2029-01"
    plant = result.unmet[result.unmet["element"] == "plant"]
    assert len(plant) == 12
    assert plant["delivered_mcm"].sum() + plant["unmet_mcm"].sum() == pytest.approx(
        plant["demand_mcm"].sum()
    )
    assert set(result.gas_free_capacity["element"]) <= set(flows["element"])


def _docs_block(text: str, tag: str) -> str:
    start, end = f"<!-- {tag}:start -->\n", f"<!-- {tag}:end -->"
    assert start in text, f"docs/serbia.md lacks <!-- {tag}:start -->"
    assert end in text, f"docs/serbia.md lacks <!-- {tag}:end -->"
    return text.split(start, 1)[1].split(end, 1)[0]


def test_docs_tables_are_generated_from_the_declarations():
    text = (Path(__file__).resolve().parents[1] / "docs" / "serbia.md").read_text("utf-8")
    assert _docs_block(text, "parameters") == serbia.PARAMS.markdown()
    assert _docs_block(text, "options") == serbia.OPTIONS.markdown()


def test_plotting_serbia_still_imports():
    from corridor_sim.models.serbia import figures as new
    from corridor_sim.plotting import serbia as old

    assert old.grid_map is new.grid_map
    assert old.figures is new.figures
