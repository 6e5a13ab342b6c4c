"""The robustness study draws the gas price the plant actually pays, and the draw reaches it.

On a supply route (the default, ``gas_route = "azerbaijan"``) the price is the hub price plus
the route's tariffs: those rows are drawn, the old fixed price (``serbia.cost.gas.fuel``) is
not. A dearer drawn gas price gives fewer run hours of the plant in the dispatch.
"""

from __future__ import annotations

import math

import pytest

from corridor_sim.catalogue import fact
from corridor_sim.models.serbia.gas.tariffs import (
    HUB_PRICE,
    LEG_TARIFFS,
    delivered_price_eur_per_mwh_th,
    route_price_ids,
)
from corridor_sim.models.serbia.params import PARAMS
from corridor_sim.models.serbia.study.robustness import (
    ROBUSTNESS_IDS,
    gas_price_ids,
    robustness,
    robustness_summary,
    study_draw,
)

FIXED = "serbia.cost.gas.fuel"


def test_gas_rows_follow_the_route():
    default = gas_price_ids(PARAMS.resolve(2029))
    assert default == route_price_ids("azerbaijan")
    assert default[0] == HUB_PRICE
    assert FIXED not in default
    assert FIXED not in ROBUSTNESS_IDS  # drawn only where it is used
    assert gas_price_ids(PARAMS.resolve(2029, {"gas_route": "fixed"})) == (FIXED,)
    # a value the user sets is not drawn
    hub_set = PARAMS.resolve(2029, {"gas_hub_price_eur_per_mwh_th": 40.0})
    assert HUB_PRICE not in gas_price_ids(hub_set)
    fixed_set = {"gas_route": "fixed", "gas_price_eur_per_mwh_th": 30.0}
    assert gas_price_ids(PARAMS.resolve(2029, fixed_set)) == ()
    for rows in (route_price_ids(r) for r in ("balkan_stream", "azerbaijan", "lng")):
        for fid in rows:
            f = fact(fid)
            assert f.has_range, fid
            assert f.low <= f.value <= f.high, fid
            assert f.range_reason, fid
    assert set(LEG_TARIFFS.values()) <= {
        fid for r in ("balkan_stream", "azerbaijan", "lng") for fid in route_price_ids(r)
    }


def test_dearer_drawn_gas_runs_the_plant_fewer_hours():
    """Hub price and a tariff at their range's ends: the drawn value reaches the dispatch."""
    hub = fact(HUB_PRICE)
    tanap = fact("serbia.gas.tariff.tanap")
    cases = [
        {HUB_PRICE: hub.low},
        {HUB_PRICE: hub.value, tanap.id: tanap.high},
        {HUB_PRICE: hub.high},
    ]
    runs = [study_draw(2029, d, seed=5, sites=["krusevac"], hours=24) for d in cases]
    hours = [int(t.at[0, "plant_run_hours"]) for t in runs]
    price = [float(t.at[0, "gas_price_eur_per_mwh_th"]) for t in runs]
    for d, p in zip(cases, price, strict=True):
        want = delivered_price_eur_per_mwh_th("azerbaijan", draw=d)
        assert math.isclose(p, want, rel_tol=1e-12)
    assert price == sorted(price)
    assert all(a > b for a, b in zip(hours, hours[1:], strict=False)), hours
    cf = [float(t.at[0, "capacity_factor"]) for t in runs]
    assert cf == sorted(cf, reverse=True)


def test_fixed_price_draws_only_the_fixed_row():
    t = robustness(2029, draws=1, seed=7, sites=["krusevac"], hours=24,
                   overrides={"gas_route": "fixed"})  # fmt: skip
    assert FIXED in t.columns
    assert not any(c.startswith("serbia.gas.") for c in t.columns)
    assert math.isclose(t.at[0, "gas_price_eur_per_mwh_th"], t.at[0, FIXED])


@pytest.mark.slow
def test_both_tie_states_share_the_draw():
    t = robustness(2029, draws=1, seed=2, sites=["krusevac"], hours=48, both_tie_states=True)
    assert list(t["tie_state"]) == ["RS-XK open", "RS-XK credited"]
    assert list(t["scenario_state"]) == [True, False]
    drawn = [c for c in t.columns if c.startswith("serbia.")]
    assert (t[drawn].nunique() == 1).all()  # the same values in both states
    s = robustness_summary(t)
    assert list(s["tie_state"]) == ["RS-XK open", "RS-XK credited"]
    assert (s["draws"] == 1).all()


def test_a_runs_robustness_follows_its_tie_options():
    """cs.run's robustness table studies the scenario's ties (here: Kosovo credited)."""
    import corridor_sim as cs

    options = {
        "sites": ["none", "krusevac"],
        "credit_ties": ["RS-XK"],
        "both_tie_states": False,
        "gas_chain": False,
        "ac_cases": 0,
        "robustness_draws": 1,
    }
    r = cs.run(cs.Scenario(model="serbia", year=2029, periods=24, seed=3, options=options))
    t = r.table("robustness")
    assert list(t["tie_state"]) == ["RS-XK credited"]
    assert HUB_PRICE in t.columns
    assert FIXED not in t.columns
    assert list(r.table("robustness_summary")["tie_state"]) == ["RS-XK credited"]
