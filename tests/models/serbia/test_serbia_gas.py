"""The Serbian gas chain: conservation, capacities, the shared contract, TAP's 2026 expansion,
storage, monotonicity and the new contract and capacity the plant needs."""

from __future__ import annotations

import dataclasses
import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from corridor_sim.catalogue import value
from corridor_sim.engines.commodity import solve
from corridor_sim.errors import SpecError, UnknownNameError
from corridor_sim.models.serbia.gas.chain import (
    DAYS,
    LEGS,
    chain_network,
    daily_gas_need_mcm,
    existing_use_mcm,
    leg_table,
    serbian_demand_shape,
)
from corridor_sim.models.serbia.gas.figures import figures
from corridor_sim.models.serbia.gas.needs import new_contract_rate, ratable_storage
from corridor_sim.models.serbia.gas.params import GAS_PARAMS, ChainSpec
from corridor_sim.models.serbia.gas.route import gas_mcm_from_mwh
from corridor_sim.models.serbia.gas.study import chain_spec, default_efficiencies, gas_study
from corridor_sim.models.serbia.grid.network import GridSpec
from corridor_sim.models.serbia.params import PARAMS
from corridor_sim.models.serbia.profiles import national_load_mw, plant_dispatch_mw
from corridor_sim.plotting.style import save_figure
from corridor_sim.results.result import Result, summary_frame
from corridor_sim.results.schemas import validate
from corridor_sim.testing import assert_flow_conserved, assert_within_capacity
from corridor_sim.units import THOUSAND
from tests.helpers import ROOT, check_figure, check_png

matplotlib.use("Agg")


#: The 2024 contract (0.4 bcm/yr) taken in full by today's users: the top of the offtake range
#: (serbia.gas.contract_existing_use), so that the shared contract is tested where it binds.
TODAY = {"contracted_volume_bcm_per_yr": 0.4, "contract_existing_use_bcm_per_yr": 0.4}
#: Room enough on every leg that the contract, not the route, limits the plant.
ROOMY = {
    "scp_free_bcm_per_yr": 5.0,
    "tanap_free_bcm_per_yr": 5.0,
    "tap_free_bcm_per_yr": 5.0,
    "igb_free_bcm_per_yr": 5.0,
}


def _peaking_mw(capacity_mw: float = 500.0) -> np.ndarray:
    """A plant that runs 16 h a day in winter and summer months, 8 h otherwise."""
    hours = np.arange(DAYS * 24)
    month = pd.Timestamp("2029-01-01") + pd.to_timedelta(hours, unit="h")
    busy = np.isin(month.month, (1, 2, 7, 8, 12))
    on = np.where(busy, (hours % 24) >= 8, (hours % 24) >= 16)
    return np.where(on, capacity_mw, 0.0)


@pytest.fixture(scope="module")
def need() -> np.ndarray:
    return daily_gas_need_mcm(_peaking_mw(), efficiency=0.58)


@pytest.fixture(scope="module")
def roomy_plan(need):
    spec = chain_spec(2029, **{**TODAY, "contract_existing_use_bcm_per_yr": 0.2}, **ROOMY)
    net = chain_network(spec, need)
    return spec, net, solve(net)


@pytest.fixture(scope="module")
def study(need):
    mw = _peaking_mw()
    spec = chain_spec(2029, **TODAY)
    return gas_study({("ccgt", "krusevac"): mw, ("ocgt", "krusevac"): mw}, spec=spec)


def _delivered(sol, node: str = "plant") -> float:
    u = sol.unmet
    return float(u.loc[u["element"] == node, "delivered_mcm"].sum())


def _flow(sol, arc: str) -> np.ndarray:
    f = sol.flows
    return f.loc[f["element"] == arc, "flow_mcm"].to_numpy()


# ------------------------------------------------------------------ documented figures
def test_leg_capacities_reproduce_the_documented_figures():
    legs = leg_table(chain_spec(2029)).set_index("element")
    documented = {
        "scp": "serbia.gas.scp.capacity",
        "tanap": "serbia.gas.tanap.capacity",
        "igb": "serbia.gas.igb.capacity",
        "ibs": "serbia.gas.ibs.capacity",
        "balkan_stream": "serbia.gas.balkan_stream.capacity",
    }
    for leg, fid in documented.items():
        assert legs.loc[leg, "capacity_bcm_per_yr"] == value(fid, unit="bcm/yr"), leg
    assert (legs.loc["scp", "capacity_bcm_per_yr"], legs.loc["ibs", "capacity_bcm_per_yr"]) == (
        23.4,
        1.8,
    )
    # TAP in 2029: the nominal 10 bcm/yr plus the 1.2 bcm/yr expansion of 2026
    assert legs.loc["tap", "capacity_bcm_per_yr"] == pytest.approx(10.0 + 1.2)
    # IGB: 84 % of 3 bcm/yr booked leaves 0.48 for gas to Serbia
    assert legs.loc["igb", "free_bcm_per_yr"] == pytest.approx(3.0 * (1 - 0.84))
    assert legs.loc["balkan_stream", "free_bcm_per_yr"] == pytest.approx(20 - 15.75)
    assert (legs["free_bcm_per_yr"] <= legs["capacity_bcm_per_yr"] + 1e-12).all()
    assert np.allclose(legs["other_use_bcm_per_yr"] + legs["free_bcm_per_yr"],
                       legs["capacity_bcm_per_yr"])  # fmt: skip


def test_banatski_dvor_for_the_plant_only_after_the_expansion():
    before, after = chain_spec(2027), chain_spec(2028)
    assert before.plant_storage_mcm == 0.0
    assert before.plant_storage_withdrawal_mcm_per_d == 0.0
    added = value("serbia.gas.storage.working_volume_expanded", unit="mcm") - value(
        "serbia.gas.storage.working_volume", unit="mcm"
    )
    assert (added, after.plant_storage_mcm) == (300.0, 300.0)
    assert after.plant_storage_withdrawal_mcm_per_d == 10.0 - 5.0


def test_contract_runs_2024_to_2026_with_its_real_offtake():
    """SOCAR–Srbijagas: "up to 400 mcm a year, 2024 to 2026"; 23 mcm bought by 13 Sept 2024."""
    for year in (2024, 2026):
        spec = chain_spec(year)
        assert spec.contracted_volume == 0.4
        assert spec.contract_existing_use == pytest.approx(23 * 365 / 256 / 1000, abs=5e-4)
    for year in (2023, 2027, 2029):  # the contract ends before the plant: nothing to count on
        spec = chain_spec(year)
        assert (spec.contracted_volume, spec.contract_existing_use) == (0.0, 0.0)
        assert spec.contract_left_bcm_per_yr == 0.0


# ------------------------------------------------------------------ network laws
def test_flow_conserved_and_within_capacity(roomy_plan):
    _, net, sol = roomy_plan
    assert_flow_conserved(sol, net)
    assert_within_capacity(sol)


def test_legs_carry_at_most_the_room_left_by_other_users(roomy_plan):
    spec, _, sol = roomy_plan
    dates = pd.date_range("2029-01-01", periods=DAYS, freq="D")
    for leg in LEGS:
        room = np.minimum(leg.free(spec, dates), leg.capacity(spec, dates)) * THOUSAND / DAYS
        assert (_flow(sol, leg.id) <= room + 1e-6).all(), leg.id
        total = leg.capacity(spec, dates) - leg.free(spec, dates) + _flow(sol, leg.id) * DAYS / 1e3
        assert (total <= leg.capacity(spec, dates) + 1e-9).all(), leg.id


def test_daily_need_by_hand():
    mw = np.zeros(DAYS * 24)
    mw[:24] = 500.0  # one full day
    need = daily_gas_need_mcm(mw, efficiency=0.58)
    assert need[0] == pytest.approx(float(gas_mcm_from_mwh(12_000.0, efficiency=0.58)))
    assert need[1:].sum() == 0.0
    # 12 GWh at 58 % on the Serbian LHV (33,338.35 kJ/m3): 12e9 Wh * 3.6 kJ/Wh / 0.58 / LHV
    lhv = value("units.gas.lhv_serbia", unit="kJ/m3")
    assert need[0] == pytest.approx(12e6 * 3600 / 0.58 / lhv / 1e6, rel=1e-9)


def test_ocgt_needs_more_gas_in_the_ratio_of_efficiencies(study):
    needs = study.tables["gas_needs"].set_index("technology")
    ratio = needs.loc["ocgt", "gas_need_bcm_per_yr"] / needs.loc["ccgt", "gas_need_bcm_per_yr"]
    eff = default_efficiencies()
    assert ratio == pytest.approx(eff["ccgt"] / eff["ocgt"], rel=1e-12)


# ------------------------------------------------------------------ the shared contract
def test_today_users_come_before_the_plant(need):
    all_taken = solve(chain_network(chain_spec(2029, **TODAY, **ROOMY), need))
    assert _delivered(all_taken) == pytest.approx(0.0, abs=1e-6)
    assert _delivered(all_taken, "users") == pytest.approx(400.0)
    short = chain_spec(2029, **{**TODAY, "contracted_volume_bcm_per_yr": 0.3}, **ROOMY)
    sol = solve(chain_network(short, need))
    assert _delivered(sol) == pytest.approx(0.0, abs=1e-6)  # users short, plant gets nothing
    assert _delivered(sol, "users") == pytest.approx(300.0, rel=1e-6)


def test_plant_gets_what_today_users_leave(roomy_plan, need):
    spec, _, sol = roomy_plan  # contract 0.4, today's users 0.2
    left = (spec.contracted_volume - spec.contract_existing_use) * THOUSAND
    assert _delivered(sol, "users") == pytest.approx(200.0)
    assert _delivered(sol) == pytest.approx(min(left, need.sum()), rel=1e-6)
    delivered = _flow(sol, "contract_delivery") + _flow(sol, "contract_swing")
    assert delivered.sum() <= spec.contracted_volume * THOUSAND + 1e-6
    ratable = spec.contracted_volume * THOUSAND / DAYS
    assert delivered.max() <= ratable * spec.contract_daily_max + 1e-9


@pytest.mark.parametrize("profile", ["flat", "seasonal"])
def test_existing_use_profiles_take_the_same_volume(profile):
    use = existing_use_mcm(chain_spec(2029, existing_use_profile=profile, **TODAY))
    assert use.sum() == pytest.approx(400.0)
    assert (use.argmax() == 14) if profile == "seasonal" else np.allclose(use, use[0])


def test_serbian_demand_shape_reproduces_its_figures():
    total = (value("serbia.gas.demand.industry") + value("serbia.gas.demand.heating")) * 1e3
    daily = total * serbian_demand_shape()
    assert daily.max() == pytest.approx(value("serbia.gas.demand.peak_day"), rel=1e-6)
    assert daily.min() == pytest.approx(value("serbia.gas.demand.industry") * 1e3 / DAYS)


# ------------------------------------------------------------------ TAP expansion
def test_tap_expansion_adds_capacity_from_2026():
    t25 = leg_table(chain_spec(2025)).set_index("element").loc["tap"]
    t26 = leg_table(chain_spec(2026)).set_index("element").loc["tap"]
    assert t26["capacity_bcm_per_yr"] - t25["capacity_bcm_per_yr"] == pytest.approx(1.2)
    assert t26["free_bcm_per_yr"] == t25["free_bcm_per_yr"]  # booked by Italy and Albania
    half = leg_table(chain_spec(2026, tap_expansion_booked_share=0.5)).set_index("element")
    assert half.loc["tap", "free_bcm_per_yr"] == pytest.approx(0.4 + 0.6)
    late = leg_table(chain_spec(2026, tap_expansion_year=2027)).set_index("element")
    assert late.loc["tap", "capacity_bcm_per_yr"] == 10.0


def test_tap_expansion_delivers_more_when_tap_binds(need):
    base = {**ROOMY, "tap_free_bcm_per_yr": 0.4, "contract_existing_use_bcm_per_yr": 0.4,
            "contracted_volume_bcm_per_yr": 1.2, "tap_expansion_booked_share": 0.5}  # fmt: skip
    got = {y: _delivered(solve(chain_network(chain_spec(y, **base), need))) for y in (2025, 2026)}
    assert got[2025] == pytest.approx(0.0, abs=1e-6)  # today's users fill TAP's room
    assert got[2026] > 100.0  # 0.6 bcm/yr of the expansion is open to gas to Serbia


# ------------------------------------------------------------------ storage
def test_storage_cycles_within_its_limits(need):
    spec = chain_spec(2029, **{**TODAY, "contracted_volume_bcm_per_yr": 0.8},
                      contract_daily_max=1.0, **ROOMY)  # fmt: skip
    sol = solve(chain_network(spec, need))
    s = sol.storage
    level = s.loc[s["element"] == "banatski_dvor", "level_mcm"].to_numpy()
    assert level.min() >= -1e-9
    assert level.max() <= spec.plant_storage_mcm + 1e-9
    start = spec.plant_storage_start_level * spec.plant_storage_mcm
    assert level[-1] >= start - 1e-6
    out, into = _flow(sol, "withdrawal"), _flow(sol, "injection")
    assert out.max() <= spec.plant_storage_withdrawal_mcm_per_d + 1e-9
    assert into.max() <= spec.plant_storage_injection_mcm_per_d + 1e-9
    assert out.sum() > 10.0  # it is used: a flat contract meets a peaking plant
    assert level[-1] - start == pytest.approx(into.sum() - out.sum(), abs=1e-6)


def test_storage_lets_a_flat_contract_serve_more(need):
    spec = chain_spec(2029, **{**TODAY, "contracted_volume_bcm_per_yr": 0.8},
                      contract_daily_max=1.0, **ROOMY)  # fmt: skip
    with_storage = _delivered(solve(chain_network(spec, need)))
    bare = dataclasses.replace(spec, plant_storage_mcm=0.0, plant_storage_withdrawal_mcm_per_d=0.0,
                               plant_storage_injection_mcm_per_d=0.0)  # fmt: skip
    assert with_storage > _delivered(solve(chain_network(bare, need))) + 10.0


# ------------------------------------------------------------------ monotonicity
def test_more_contract_never_delivers_less(need):
    got = [
        _delivered(
            solve(
                chain_network(
                    chain_spec(2029, **{**TODAY, "contracted_volume_bcm_per_yr": c}, **ROOMY), need
                )
            )
        )  # fmt: skip
        for c in (0.4, 0.5, 0.7, 1.0)
    ]
    assert all(b >= a - 1e-6 for a, b in zip(got, got[1:], strict=False)), got
    assert got[-1] > got[0]


# ------------------------------------------------------------------ what the plant needs
def test_new_contract_rate_is_the_smallest_that_suffices(need):
    spec = chain_spec(2029)
    rate = new_contract_rate(spec, need)

    def short(r: float) -> float:
        net = chain_network(spec, need, new_contract_mcm_per_d=r, route_cap_mcm_per_d=math.inf)
        return float(solve(net).unmet["unmet_mcm"].sum())

    assert short(rate) <= 1e-6
    assert short(rate - 0.01) > 1e-6
    assert rate >= need.sum() / DAYS - 1e-9  # no contract in 2029: the new one brings it all


def test_needs_suffice_on_the_full_chain(study, need):
    """New contract at its rate and new capacity on every leg: nothing is short."""
    spec = study.spec
    row = study.tables["gas_needs"].set_index("technology").loc["ccgt"]
    cap = study.tables["gas_new_capacity"]
    cap = cap[(cap["technology"] == "ccgt") & cap["storage"]].set_index("element")
    add = cap["new_capacity_bcm_per_yr"]
    grown = dataclasses.replace(
        spec,
        scp_free_bcm_per_yr=spec.scp_free_bcm_per_yr + add["scp"],
        tanap_free_bcm_per_yr=spec.tanap_free_bcm_per_yr + add["tanap"],
        tap_free_bcm_per_yr=spec.tap_free_bcm_per_yr + add["tap"],
        igb_free_bcm_per_yr=spec.igb_free_bcm_per_yr + add["igb"],
        ibs_capacity=spec.ibs_capacity + add["ibs"],
    )
    sol = solve(chain_network(grown, need, new_contract_mcm_per_d=row["new_contract_max_mcm_per_d"]
                              + 1e-9))  # fmt: skip
    assert float(sol.unmet["unmet_mcm"].sum()) <= 1e-5
    # the new contract brings the whole need: today's users take the whole 0.4 bcm/yr contract
    assert row["new_contract_bcm_per_yr"] == pytest.approx(need.sum() / THOUSAND, rel=1e-6)
    assert row["shortfall_bcm_per_yr"] == pytest.approx(row["gas_need_bcm_per_yr"])


def test_storage_lowers_the_new_contract_rate_and_capacity(study):
    needs = study.tables["gas_needs"]
    assert (needs["new_contract_max_mcm_per_d"] <= needs["new_contract_max_mcm_per_d_no_storage"]
            + 1e-9).all()  # fmt: skip
    cap = study.tables["gas_new_capacity"].pivot_table(
        index=["technology", "element"], columns="storage", values="new_capacity_mcm_per_d"
    )
    assert (cap[True] <= cap[False] + 1e-9).all()
    assert cap.loc[("ccgt", "tap"), False] > cap.loc[("ccgt", "tap"), True] + 0.1


def test_ratable_storage_by_hand():
    assert ratable_storage([2.0, 0.0, 2.0, 0.0]) == (1.0, 1.0, 1.0)
    volume, out_rate, _ = ratable_storage([0.0, 0.0, 3.0])
    assert (volume, out_rate) == (2.0, 2.0)


def test_study_is_deterministic_and_per_site(need):
    mw = _peaking_mw()
    spec = chain_spec(2029, plant_storage_mcm=0.0, **ROOMY)
    a = gas_study({("ccgt", "trupale"): mw, ("ccgt", "krusevac"): mw}, spec=spec)
    t = a.tables["gas_needs"].drop(columns="site")
    pd.testing.assert_frame_equal(t.iloc[[0]].reset_index(drop=True),
                                  t.iloc[[1]].reset_index(drop=True))  # fmt: skip


# ------------------------------------------------------------------ result, figures, errors
def _result(study) -> Result:
    rows = study.summary_rows("ccgt", "krusevac")
    return Result(
        tables=study.result_tables("ccgt", "krusevac"),
        summary_table=summary_frame(rows),
        meta={"model": "serbia", "scenario": "gas-test", "year": 2029, "unit": "mcm"},
    )


def test_result_tables_follow_the_schema(study):
    r = validate(_result(study))
    assert r.metric("gas_new_contract_bcm_per_yr") == pytest.approx(
        study.tables["gas_needs"]["new_contract_bcm_per_yr"].iloc[0]
    )
    s = r.summary().set_index("metric")
    assert s.loc["gas_new_capacity_max_mcm_per_d", "element"] == "tanap+tap"


def test_figures_are_honest(study, tmp_path):
    result = _result(study)
    figs = figures(result)
    assert set(figs) == {"serbia_gas_balance_monthly", "serbia_gas_needs"}
    balance = figs["serbia_gas_balance_monthly"]
    assert "scenario gas-test (serbia, 2029)" in balance.get_suptitle()
    labels = [t.get_text() for leg in balance.legends for t in leg.get_texts()]
    assert "plant, from Banatski Dvor" not in labels  # nothing reaches the plant: not drawn
    assert "plant, short (new contract or capacity)" in labels
    # the contract and today's users' share are numbers in the title, not lines on each other
    assert not any(ax.get_lines() for ax in balance.axes)
    assert "contract 0.40 bcm/yr, of which today's users take 0.40" in balance.axes[0].get_title()
    for stem, fig in figs.items():
        check_figure(fig, result)
        check_png(save_figure(fig, tmp_path / f"{stem}.png"))
        plt.close(fig)
    assert figures(Result(tables={})) == {}


def test_bad_inputs_are_named():
    with pytest.raises(SpecError, match="plant_mw: 100 values"):
        daily_gas_need_mcm(np.zeros(100), efficiency=0.5)
    with pytest.raises(SpecError, match=r"plant_mw\[3\]"):
        daily_gas_need_mcm(np.r_[0, 0, 0, -1.0, np.zeros(8756)], efficiency=0.5)
    with pytest.raises(UnknownNameError, match="did you mean 'tap_free_bcm_per_yr'"):
        chain_spec(2029, tap_fre_bcm_per_yr=1.0)
    with pytest.raises(SpecError, match="tap_expansion_booked_share"):
        chain_spec(2029, tap_expansion_booked_share=1.5)
    with pytest.raises(UnknownNameError, match="no efficiency for technology 'ocgtt'"):
        gas_study({"ocgtt": np.zeros(8760)}, spec=chain_spec(2029))
    with pytest.raises(SpecError, match="contract_existing_use_bcm_per_yr"):
        dataclasses.replace(chain_spec(2029), contract_existing_use=-1.0)
    with pytest.raises(SpecError, match="plant_mcm_per_d"):
        chain_network(chain_spec(2029), np.zeros(10))


def test_gas_params_do_not_clash_with_the_model_parameters():
    assert not set(GAS_PARAMS.names) & set(PARAMS.names)
    spec = ChainSpec.from_params({**PARAMS.resolve(2029), **GAS_PARAMS.resolve(2029)}, year=2029)
    assert spec == chain_spec(2029)


# ------------------------------------------------------------------ the docs
def test_docs_gas_parameter_table_matches_the_code():
    text = (ROOT / "docs" / "serbia.md").read_text(encoding="utf-8")
    block = text.split("<!-- gas_parameters:start -->\n")[1].split("<!-- gas_parameters:end -->")[0]
    assert block == GAS_PARAMS.markdown()
    assert "## The gas chain" in text


def test_docs_results_reproduced():
    """docs/serbia.md, "The gas chain": 2029, CF 0.5, the model's peaking dispatch, seed 1."""
    grid = GridSpec.from_params(PARAMS.resolve(2029))
    load = national_load_mw(2029, rng=np.random.default_rng(1), spec=grid)
    mw = plant_dispatch_mw(
        load, capacity_mw=grid.plant_capacity_mw, capacity_factor=0.5, min_load=grid.plant_min_load
    )
    study = gas_study({"ccgt": mw, "ocgt": mw}, spec=chain_spec(2029, **TODAY))
    needs = study.tables["gas_needs"].set_index("technology")
    documented = {  # need bcm/yr, peak mcm/d, R with / without storage mcm/d, flat storage mcm
        # the top-load hours on the system basis (load_basis); on C4 alone: 99 and 140 mcm
        "ccgt": (0.408, 2.23, 1.12, 2.13, 101.3),
        "ocgt": (0.577, 3.16, 1.58, 3.05, 143.3),
    }
    for tech, (gas, peak, rate, bare, store) in documented.items():
        r = needs.loc[tech]
        assert r["gas_need_bcm_per_yr"] == pytest.approx(gas, abs=5e-4)
        assert r["peak_need_mcm_per_d"] == pytest.approx(peak, abs=5e-3)
        assert r["delivered_bcm_per_yr"] == pytest.approx(0.0, abs=1e-9)
        assert r["new_contract_bcm_per_yr"] == pytest.approx(gas, abs=5e-4)
        assert r["new_contract_max_mcm_per_d"] == pytest.approx(rate, abs=5e-3)
        assert r["new_contract_max_mcm_per_d_no_storage"] == pytest.approx(bare, abs=5e-3)
        assert r["ratable_storage_mcm"] == pytest.approx(store, abs=0.5)
    cap = study.tables["gas_new_capacity"].set_index(["technology", "storage", "element"])
    assert cap.loc[("ccgt", True, "tanap"), "new_capacity_bcm_per_yr"] == pytest.approx(
        0.41, abs=5e-3
    )
    assert cap.loc[("ccgt", False, "tap"), "new_capacity_bcm_per_yr"] == pytest.approx(
        0.82, abs=5e-3
    )
    assert cap.loc[("ccgt", True, "igb"), "new_capacity_bcm_per_yr"] == pytest.approx(
        0.33, abs=5e-3
    )
    assert cap.loc[("ocgt", False, "scp"), "new_capacity_bcm_per_yr"] == pytest.approx(
        0.15, abs=5e-3
    )
    assert cap.loc[("ccgt", False, "ibs"), "new_capacity_bcm_per_yr"] == 0.0
