"""Extendable branch ratings of the dispatch engine: brute force, duals, fixed ratings, errors."""

from __future__ import annotations

import copy
import itertools

import numpy as np
import pandapower as pp
import pandas as pd
import pytest

from corridor_sim.engines.dispatch import Extendable, annuity_factor, dispatch
from corridor_sim.errors import SpecError
from corridor_sim.results.schemas import validate

LINE = "490-AL1/64-ST1A 220.0"
HOURS = pd.RangeIndex(4, name="hour")
# loads in multiples of 10 MW: the total cost is piecewise linear in each rating with its
# kinks at multiples of 10 MW, so grids through those points contain the optimum
LOAD = pd.DataFrame({0: [100.0, 150.0, 200.0, 50.0], 1: [80.0, 120.0, 60.0, 100.0]}, HOURS)
LINE_COST, DC_COST = 30.0, 50.0  # EUR per MW of rating for the 4-hour horizon


def three_bus(*, loss_pct: float = 0.0) -> pp.pandapowerNet:
    """Cheap supply at a, an expensive gen at b, a dearer one at c (its own island via HVDC)."""
    net = pp.create_empty_network()
    a, b, c = (pp.create_bus(net, vn_kv=220.0, name=n) for n in "abc")
    pp.create_ext_grid(net, a, min_p_mw=0.0, max_p_mw=500.0)
    pp.create_line(net, a, b, 100.0, LINE, max_loading_percent=100.0)
    pp.create_gen(net, b, p_mw=0.0, min_p_mw=0.0, max_p_mw=300.0)
    pp.create_gen(net, c, p_mw=0.0, min_p_mw=0.0, max_p_mw=300.0, slack=True)
    pp.create_load(net, b, p_mw=100.0)
    pp.create_load(net, c, p_mw=80.0)
    pp.create_dcline(net, b, c, p_mw=0.0, loss_percent=loss_pct, loss_mw=0.0,
                     vm_from_pu=1.0, vm_to_pu=1.0, max_p_mw=100.0)  # fmt: skip
    pp.create_poly_cost(net, 0, "ext_grid", cp1_eur_per_mw=20.0)
    pp.create_poly_cost(net, 0, "gen", cp1_eur_per_mw=80.0)
    pp.create_poly_cost(net, 1, "gen", cp1_eur_per_mw=120.0)
    return net


def _thermal_mw(net: pp.pandapowerNet, line: int) -> float:
    """The line's MW rating at max_loading_percent = 100 (what the engine's limit reads)."""
    probe = copy.deepcopy(net)
    probe.line["max_loading_percent"] = 100.0
    fl = dispatch(probe, hours=1).flows
    return float(fl[(fl.branch_type == "line") & (fl.element == line)].limit_mw.iloc[0])


def _fixed(net: pp.pandapowerNet, thermal: float, line_mw: float, dc_mw: float) -> pp.pandapowerNet:
    """A copy of `net` with plain fixed ratings (no extendable machinery)."""
    out = copy.deepcopy(net)
    out.line.loc[0, "max_loading_percent"] = 100.0 * line_mw / thermal
    out.dcline.loc[0, "max_p_mw"] = dc_mw
    return out


def _total(net: pp.pandapowerNet, thermal: float, line_mw: float, dc_mw: float) -> float:
    """Brute-force point: fixed-rating dispatch + capital cost."""
    res = dispatch(_fixed(net, thermal, line_mw, dc_mw), load_p_mw=LOAD)
    return res.objective_eur + LINE_COST * line_mw + DC_COST * dc_mw


EXT = {
    ("line", 0): Extendable(max_mw=400.0, cost_eur_per_mw=LINE_COST),
    ("dcline", 0): Extendable(max_mw=200.0, cost_eur_per_mw=DC_COST),
}


@pytest.fixture(scope="module")
def optimum() -> tuple[pp.pandapowerNet, float, object]:
    net = three_bus()
    return net, _thermal_mw(net, 0), dispatch(net, load_p_mw=LOAD, extendable=EXT)


def test_optimum_equals_brute_force(optimum: tuple) -> None:
    net, thermal, res = optimum
    line_mw, dc_mw = res.ratings["rating_mw"].to_numpy()
    line_grid = np.arange(0.0, 406.0, 45.0)  # through the optimum's kinks (multiples of 10)
    dc_grid = np.arange(0.0, 201.0, 40.0)
    totals = {(r, dc_mw): _total(net, thermal, r, dc_mw) for r in line_grid}
    totals |= {(line_mw, d): _total(net, thermal, line_mw, d) for d in dc_grid}
    near = itertools.product(line_mw + np.array([-30.0, 30.0]), dc_mw + np.array([-20.0, 20.0]))
    totals |= {(r, d): _total(net, thermal, r, d) for r, d in near if r >= 0 and d >= 0}
    best = min(totals.values())
    assert res.objective_eur == pytest.approx(best, rel=1e-9)  # the grid holds the optimum
    assert all(res.objective_eur <= t + 1e-6 for t in totals.values())  # never worse
    # the LP's own ratings, as fixed ratings, cost exactly its objective
    assert _total(net, thermal, line_mw, dc_mw) == pytest.approx(res.objective_eur, rel=1e-9)
    assert res.objective_eur == pytest.approx(res.operating_cost_eur + res.capital_cost_eur)
    assert res.capital_cost_eur == pytest.approx(LINE_COST * line_mw + DC_COST * dc_mw)
    assert 0 < line_mw < 400  # an interior optimum: the test has teeth
    assert 0 < dc_mw < 200


def test_rating_duals(optimum: tuple) -> None:
    _, _, res = optimum
    r = res.ratings
    np.testing.assert_allclose(
        r.shadow_price_eur_per_mw, r.operating_value_eur_per_mw - r.cost_eur_per_mw, atol=1e-6
    )
    np.testing.assert_allclose(r.shadow_price_eur_per_mw, 0.0, atol=1e-6)  # between the bounds
    # the operating value is the sum of the hourly shadow prices of the branch
    fl = res.flows
    for row in r.itertuples():
        hourly = fl[(fl.branch_type == row.branch_type) & (fl.element == row.element)]
        assert hourly.shadow_price_eur_per_mwh.sum() == pytest.approx(
            row.operating_value_eur_per_mw, abs=1e-6
        )
        np.testing.assert_allclose(hourly.limit_mw, row.rating_mw)
        assert (hourly.p_mw.abs() <= row.rating_mw + 1e-6).all()
    # capped below the optimum: the rating sits at max_mw with a positive shadow price
    capped = dispatch(
        three_bus(), load_p_mw=LOAD,
        extendable={("dcline", 0): Extendable(max_mw=50.0, cost_eur_per_mw=DC_COST)},
    )  # fmt: skip
    row = capped.ratings.iloc[0]
    assert row.rating_mw == pytest.approx(50.0)
    assert row.shadow_price_eur_per_mw > 1.0
    assert row.shadow_price_eur_per_mw == pytest.approx(
        row.operating_value_eur_per_mw - DC_COST, abs=1e-6
    )


def test_formulations_agree_with_losses() -> None:
    net = three_bus(loss_pct=3.0)
    res = {
        f: dispatch(net, load_p_mw=LOAD, extendable=EXT, formulation=f) for f in ("ptdf", "angle")
    }
    assert res["ptdf"].objective_eur == pytest.approx(res["angle"].objective_eur, rel=1e-9)
    np.testing.assert_allclose(res["ptdf"].ratings.rating_mw, res["angle"].ratings.rating_mw,
                               atol=1e-6)  # fmt: skip
    np.testing.assert_allclose(
        res["ptdf"].prices.price_eur_per_mwh, res["angle"].prices.price_eur_per_mwh, atol=1e-6
    )


def loop_net() -> pp.pandapowerNet:
    """A meshed 4-bus loop: cheap supply at 0, demand and a dear gen at 2."""
    net = pp.create_empty_network()
    b = [pp.create_bus(net, vn_kv=220.0) for _ in range(4)]
    for f, t, km in ((0, 1, 60.0), (1, 2, 50.0), (2, 3, 70.0), (3, 0, 40.0)):
        pp.create_line(net, b[f], b[t], km, LINE, max_loading_percent=40.0)
    pp.create_ext_grid(net, b[0], min_p_mw=0.0, max_p_mw=800.0)
    pp.create_gen(net, b[2], p_mw=0.0, min_p_mw=0.0, max_p_mw=500.0)
    pp.create_load(net, b[2], p_mw=300.0)
    pp.create_load(net, b[1], p_mw=60.0)
    pp.create_poly_cost(net, 0, "ext_grid", cp1_eur_per_mw=25.0)
    pp.create_poly_cost(net, 0, "gen", cp1_eur_per_mw=90.0)
    return net


@pytest.mark.parametrize("formulation", ["ptdf", "angle"])
def test_meshed_optimum_never_worse_than_grid(formulation: str) -> None:
    net = loop_net()
    load = pd.DataFrame({0: [300.0, 380.0, 220.0], 1: [60.0, 40.0, 90.0]}, pd.RangeIndex(3))
    cost = 40.0
    ext = {("line", 1): Extendable(min_mw=0.0, max_mw=600.0, cost_eur_per_mw_km=cost / 50.0)}
    res = dispatch(net, load_p_mw=load, extendable=ext, formulation=formulation)
    rating = float(res.ratings.rating_mw.iloc[0])
    assert res.ratings.cost_eur_per_mw.iloc[0] == pytest.approx(cost)  # per km x 50 km
    thermal = _thermal_mw(net, 1)

    def total(r: float) -> float:
        fixed = copy.deepcopy(net)
        fixed.line.loc[1, "max_loading_percent"] = 100.0 * r / thermal
        return dispatch(fixed, load_p_mw=load, formulation=formulation).objective_eur + cost * r

    grid = {r: total(r) for r in np.linspace(0.0, 600.0, 13)}
    assert all(res.objective_eur <= t + 1e-6 for t in grid.values())
    assert total(rating) == pytest.approx(res.objective_eur, rel=1e-9)
    assert min(grid.values()) - res.objective_eur < 0.05 * res.objective_eur


def test_fixed_ratings_reproduce_todays_results(optimum: tuple) -> None:
    net, thermal, _ = optimum
    plain = dispatch(net, load_p_mw=LOAD)
    pinned = dispatch(
        net, load_p_mw=LOAD,
        extendable={
            ("line", 0): Extendable(min_mw=thermal, max_mw=thermal, cost_eur_per_mw=7.0),
            ("dcline", 0): Extendable(min_mw=100.0, max_mw=100.0),
        },
    )  # fmt: skip
    assert pinned.operating_cost_eur == pytest.approx(plain.objective_eur, rel=1e-12)
    assert pinned.capital_cost_eur == pytest.approx(7.0 * thermal)
    for name in ("generation", "prices", "unserved"):
        pd.testing.assert_frame_equal(getattr(pinned, name), getattr(plain, name), atol=1e-6)
    keys = ["branch_type", "element", "hour", "p_mw", "limit_mw", "loss_mw"]
    pd.testing.assert_frame_equal(pinned.flows[keys], plain.flows[keys], atol=1e-6)
    assert plain.ratings.empty
    assert plain.capital_cost_eur == 0.0
    assert plain.operating_cost_eur == plain.objective_eur


def test_dcline_availability_scales_the_rating() -> None:
    net = three_bus()
    avail = pd.DataFrame({0: [100.0, 50.0, 0.0, 100.0]}, HOURS)  # of max_p_mw = 100
    ext = {("dcline", 0): Extendable(max_mw=200.0, cost_eur_per_mw=DC_COST)}
    res = dispatch(net, load_p_mw=LOAD, dcline_max_p_mw=avail, extendable=ext)
    rating = float(res.ratings.rating_mw.iloc[0])
    dc = res.flows[res.flows.branch_type == "dcline"].set_index("hour")
    np.testing.assert_allclose(dc.limit_mw, rating * np.array([1.0, 0.5, 0.0, 1.0]))
    assert (dc.p_mw.abs() <= dc.limit_mw + 1e-6).all()
    assert dc.p_mw.loc[2] == pytest.approx(0.0, abs=1e-9)


def test_to_result_has_ratings_and_cost_split(optimum: tuple) -> None:
    _, _, res = optimum
    out = validate(res.to_result())
    ratings = out.tables["ratings"]
    assert ratings["element"].tolist() == ["line 0", "dcline 0"]
    np.testing.assert_allclose(ratings.rating_mw, res.ratings.rating_mw)
    assert out.metric("capital_cost") == pytest.approx(res.capital_cost_eur)
    assert out.metric("operating_cost") + out.metric("capital_cost") == pytest.approx(
        out.metric("objective")
    )


def test_annuity_factor() -> None:
    rate, years = 0.07, 40
    assert annuity_factor(rate, years) == pytest.approx(rate / (1 - 1.07**-40))
    # the annuity repays the investment: present value of the payments = 1
    pv = sum(annuity_factor(rate, years) / (1 + rate) ** k for k in range(1, years + 1))
    assert pv == pytest.approx(1.0)
    assert annuity_factor(0.0, 20) == pytest.approx(0.05)
    with pytest.raises(SpecError, match=r"annuity_factor\(rate=0.05, years=0\)"):
        annuity_factor(0.05, 0)


def test_extendable_errors() -> None:
    net = three_bus()
    ok = Extendable(max_mw=10.0)
    with pytest.raises(SpecError, match=r"line 7 is not in net.line"):
        dispatch(net, extendable={("line", 7): ok})
    with pytest.raises(SpecError, match=r"key \('bus', 0\)"):
        dispatch(net, extendable={("bus", 0): ok})
    with pytest.raises(SpecError, match=r"max_mw = 1.0 is below min_mw = 5.0"):
        dispatch(net, extendable={("line", 0): Extendable(min_mw=5.0, max_mw=1.0)})
    with pytest.raises(SpecError, match=r"cost_eur_per_mw = -1.0: expected a finite number >= 0"):
        dispatch(net, extendable={("line", 0): Extendable(cost_eur_per_mw=-1.0)})
    with pytest.raises(SpecError, match=r"length_km is None with cost_eur_per_mw_km"):
        dispatch(net, extendable={("dcline", 0): Extendable(cost_eur_per_mw_km=3.0)})
    with pytest.raises(SpecError, match=r"block_hours = 2 with extendable ratings"):
        dispatch(net, load_p_mw=LOAD, extendable={("line", 0): ok}, block_hours=2)
    with pytest.raises(SpecError, match=r"formulation = 'dense'"):
        dispatch(net, formulation="dense")
    out = copy.deepcopy(net)
    out.dcline.loc[0, "in_service"] = False
    with pytest.raises(SpecError, match=r"dcline 0 is out of service"):
        dispatch(out, extendable={("dcline", 0): ok})
