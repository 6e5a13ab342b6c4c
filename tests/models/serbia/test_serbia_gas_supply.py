"""The Serbian gas supply as it is: routes, their dates and room, the price by route, and what
the plant needs on each route."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from corridor_sim.catalogue import value
from corridor_sim.errors import SpecError, UnknownNameError
from corridor_sim.models.serbia.gas.chain import daily_gas_need_mcm
from corridor_sim.models.serbia.gas.figures import figures
from corridor_sim.models.serbia.gas.sizing import route_needs
from corridor_sim.models.serbia.gas.study import chain_spec
from corridor_sim.models.serbia.gas.supply import supply_legs, supply_summary_rows
from corridor_sim.models.serbia.gas.tariffs import (
    GAS_ROUTES,
    LEG_TARIFFS,
    ROUTE_LEGS,
    check_route,
    delivered_price_eur_per_mwh_th,
    price_table,
)
from corridor_sim.models.serbia.market.dispatch import MarketSpec
from corridor_sim.models.serbia.params import PARAMS
from corridor_sim.plotting.style import save_figure
from corridor_sim.units import THOUSAND
from tests.helpers import ROOT, check_figure, check_png, example_result

#: A CCGT at 0.87 of its rating all year (the economic dispatch's capacity factor at the
#: fixed gas price of 28.4 EUR/MWh_th, ``gas_route = "fixed"``): a flat synthetic need.
NEED = daily_gas_need_mcm(np.full(8760, 500 * 0.87), efficiency=0.58)


@pytest.fixture(scope="module")
def needs() -> pd.DataFrame:
    return route_needs(chain_spec(2029), NEED, efficiency=0.58).set_index("route")


def test_route_price_is_hub_plus_every_tariff_along_it():
    hub = value("serbia.gas.hub.ttf_2024", unit="EUR/MWh_th")
    for route in GAS_ROUTES:
        tariffs = [value(LEG_TARIFFS[x], unit="EUR/MWh_th") for x in ROUTE_LEGS[route]
                   if x in LEG_TARIFFS]  # fmt: skip
        assert delivered_price_eur_per_mwh_th(route) == pytest.approx(hub + sum(tariffs))
        assert price_table(route)["eur_per_mwh_th"].iloc[0] == hub
    # documented: Azerbaijani 48.3, LNG 43.6, Balkan Stream 35.56 EUR/MWh_th at Niš
    assert delivered_price_eur_per_mwh_th("azerbaijan") == pytest.approx(48.3)
    assert delivered_price_eur_per_mwh_th("lng") == pytest.approx(43.6)
    assert delivered_price_eur_per_mwh_th("balkan_stream") == pytest.approx(35.56)
    # a higher hub price raises every route by the same amount
    up = delivered_price_eur_per_mwh_th("lng", hub_eur_per_mwh_th=hub + 10)
    assert up == pytest.approx(delivered_price_eur_per_mwh_th("lng") + 10)


def test_plant_gas_price_follows_the_route():
    default = MarketSpec.from_params(PARAMS.resolve(2029))
    assert default.gas_price_eur_per_mwh_th == pytest.approx(
        delivered_price_eur_per_mwh_th("azerbaijan")
    )
    fixed = MarketSpec.from_params(PARAMS.resolve(2029, {"gas_route": "fixed"}))
    assert fixed.gas_price_eur_per_mwh_th == value("serbia.cost.gas.fuel", unit="EUR/MWh_th")
    costs = {}
    for route in GAS_ROUTES:
        spec = MarketSpec.from_params(PARAMS.resolve(2029, {"gas_route": route}))
        assert spec.gas_price_eur_per_mwh_th == pytest.approx(delivered_price_eur_per_mwh_th(route))
        costs[route] = spec.plant_cost_eur_per_mwh
    assert costs["balkan_stream"] < costs["lng"] < costs["azerbaijan"]
    hub = MarketSpec.from_params(
        PARAMS.resolve(2029, {"gas_route": "lng", "gas_hub_price_eur_per_mwh_th": 44.1})
    )
    assert hub.gas_price_eur_per_mwh_th == pytest.approx(53.6)


def test_route_and_fixed_price_together_are_named():
    p = PARAMS.resolve(2029, {"gas_route": "lng", "gas_price_eur_per_mwh_th": 30.0})
    with pytest.raises(SpecError, match=r"gas_price_eur_per_mwh_th = 30.0 with gas_route = 'lng'"):
        MarketSpec.from_params(p)
    with pytest.raises(UnknownNameError, match="did you mean 'lng'"):
        check_route("lgn")


def test_legs_have_their_documented_capacities_and_dates():
    t = supply_legs(chain_spec(2029)).set_index(["route", "element"])
    assert t.loc[("azerbaijan", "ibs"), "capacity_bcm_per_yr"] == 1.8
    assert int(t.loc[("azerbaijan", "ibs"), "in_service_year"]) == 2023  # 10 December 2023
    assert int(t.loc[("lng", "igb"), "in_service_year"]) == 2022  # 1 October 2022
    assert t.loc[("lng", "lng_terminals"), "capacity_bcm_per_yr"] == 5.5 + 7.2
    # Alexandroupolis: 5.5 x (1 - 0.6 booked) + Serbia's own 0.3 booking
    assert t.loc[("lng", "lng_terminals"), "free_bcm_per_yr"] == pytest.approx(2.5)
    assert t.loc[("balkan_stream", "balkan_stream"), "free_bcm_per_yr"] == pytest.approx(4.25)
    assert (t["free_bcm_per_yr"] <= t["capacity_bcm_per_yr"]).all()


def test_a_leg_counts_from_the_first_whole_year_in_service():
    early = supply_legs(chain_spec(2023)).set_index(["route", "element"])
    assert not early.loc[("azerbaijan", "ibs"), "in_service"]  # inaugurated December 2023
    assert early.loc[("azerbaijan", "ibs"), "free_bcm_per_yr"] == 0.0
    y2024 = supply_legs(chain_spec(2024)).set_index(["route", "element"])
    assert y2024.loc[("azerbaijan", "ibs"), "in_service"]
    # Alexandroupolis from October 2024: only Revithoussa's room (none for Serbia) in 2024
    assert y2024.loc[("lng", "lng_terminals"), "free_bcm_per_yr"] == 0.0
    y2025 = supply_legs(chain_spec(2025)).set_index(["route", "element"])
    assert y2025.loc[("lng", "lng_terminals"), "free_bcm_per_yr"] == pytest.approx(2.5)


def test_needs_per_route_by_hand(needs):
    """A flat need: no storage can flatten it, so each route needs its peak day booked."""
    total, peak = NEED.sum() / THOUSAND, NEED.max()
    room = {"balkan_stream": 0.0, "azerbaijan": 0.4, "lng": 0.48}
    binding = {"balkan_stream": "turkstream", "azerbaijan": "tanap+tap", "lng": "igb"}
    for route in GAS_ROUTES:
        r = needs.loc[route]
        assert r["new_contract_bcm_per_yr"] == pytest.approx(total)  # no contract in 2029
        assert r["booked_no_storage_mcm_per_d"] == pytest.approx(peak)
        assert r["booked_storage_mcm_per_d"] == pytest.approx(peak, abs=5e-3)
        assert r["route_free_bcm_per_yr"] == pytest.approx(room[route])
        assert r["binding_leg"] == binding[route]
        extra = peak - room[route] * THOUSAND / 365
        assert r["new_capacity_no_storage_mcm_per_d"] == pytest.approx(max(0.0, extra))
        assert r["binding_days_no_storage"] == 365
        short = max(0.0, total - room[route])
        assert r["unmet_as_is_no_storage_bcm_per_yr"] == pytest.approx(short, abs=1e-9)
        assert not r["carries_plant"]
    assert needs.loc["azerbaijan", "legs_to_expand"] == "tanap+tap+igb"
    assert needs.loc["lng", "legs_to_expand"] == "igb"


def test_more_room_never_needs_more_capacity():
    base = route_needs(chain_spec(2029), NEED, efficiency=0.58).set_index("route")
    roomy = route_needs(
        chain_spec(2029, tanap_free_bcm_per_yr=2.0, tap_free_bcm_per_yr=2.0), NEED, efficiency=0.58
    ).set_index("route")
    for col in ("new_capacity_storage_mcm_per_d", "unmet_as_is_storage_bcm_per_yr"):
        assert (roomy[col] <= base[col] + 1e-9).all()
    assert roomy.loc["azerbaijan", "binding_leg"] == "igb"  # IGB binds once TANAP/TAP grow


def test_todays_contract_serves_the_plant_only_in_its_years():
    y2025 = route_needs(chain_spec(2025), NEED, efficiency=0.58).set_index("route")
    left = 0.4 - 23 * 365 / 256 / 1000
    assert y2025.loc["azerbaijan", "contract_for_plant_bcm_per_yr"] == pytest.approx(left, abs=5e-4)
    assert y2025.loc["lng", "contract_for_plant_bcm_per_yr"] == 0.0


def test_summary_names_the_binding_leg_and_the_answers(needs):
    rows = supply_summary_rows(needs.reset_index(), route="lng")
    assert len({m for m, *_ in rows}) == len(rows)  # one row per metric
    by = {(m, e): v for m, v, _, e in rows}
    assert by[("gas_route_free_bcm_per_yr", "lng:igb")] == pytest.approx(0.48)
    assert by[("gas_route_binding_days", "lng:igb")] == 365
    assert by[("gas_route_booked_no_storage_mcm_per_d", "lng:igb")] == pytest.approx(NEED.max())
    assert ("gas_cheapest_route_eur_per_mwh_th", "balkan_stream") in by
    assert ("gas_least_expansion_route_mcm_per_d", "lng") in by


def test_docs_state_the_supply_answer():
    text = (ROOT / "docs" / "serbia.md").read_text(encoding="utf-8")
    assert "## The gas supply as it is" in text
    assert "serbia_lng_vs_azeri_gas" in text


def test_docs_figures_of_the_azerbaijani_run_reproduced():
    """docs/serbia.md: the example's base run (Azerbaijani gas, CCGT at Kruševac, seed 1)."""
    result = example_result("serbia_lng_vs_azeri_gas")
    assert result.meta["gas_route"] == "azerbaijan"
    s = result.summary()
    one = s.drop_duplicates("metric").set_index("metric")["value"]
    assert one["plant_cost_eur_per_mwh"] == pytest.approx(88.9, abs=0.05)
    assert one["capacity_factor"] == pytest.approx(0.63, abs=0.005)
    assert one["plant_run_hours"] == 5497
    assert one["gas_need_bcm_per_yr"] == pytest.approx(0.512, abs=5e-4)
    assert one["gas_new_contract_bcm_per_yr"] == pytest.approx(0.512, abs=5e-4)
    needs = result.table("gas_route_needs").set_index("route")
    az, lng = needs.loc["azerbaijan"], needs.loc["lng"]
    assert az["binding_leg"] == "tanap+tap"
    assert az["booked_no_storage_mcm_per_d"] == pytest.approx(2.234, abs=5e-4)
    assert az["booked_storage_mcm_per_d"] == pytest.approx(1.402, abs=5e-3)
    assert az["new_capacity_no_storage_mcm_per_d"] == pytest.approx(1.138, abs=5e-4)
    assert az["new_capacity_storage_mcm_per_d"] == pytest.approx(0.306, abs=5e-3)
    assert az["binding_days_no_storage"] == 251
    assert lng["binding_leg"] == "igb"
    assert lng["route_free_bcm_per_yr"] == pytest.approx(0.48)
    assert not needs["carries_plant"].any()  # no route carries the plant as it is
    # the whole chain (with today's users and the contract) books the same largest day
    one = s.set_index(["metric", "element"])["value"]
    chain = one[("gas_new_contract_max_mcm_per_d", "plant")]
    assert az["booked_storage_mcm_per_d"] == pytest.approx(chain, abs=0.01)
    # the docs' table: every route with the plant dispatched at its own price, as written
    assert result.meta["gas_route_dispatch"]
    text = (ROOT / "docs" / "serbia.md").read_text(encoding="utf-8")
    names = {"balkan_stream": "Balkan Stream", "azerbaijan": "Azerbaijani", "lng": "Greek LNG"}
    for route, name in names.items():
        r = needs.loc[route]
        row = (
            f"| {name} | {r['gas_need_bcm_per_yr']:.3f} "
            f"| {r['booked_no_storage_mcm_per_d']:.3f} / {r['booked_storage_mcm_per_d']:.3f} "
        )
        tail = (
            f"| {r['new_capacity_no_storage_mcm_per_d']:.3f} / "
            f"{r['new_capacity_storage_mcm_per_d']:.3f} "
            f"| {r['binding_days_no_storage']} / {r['binding_days_storage']} "
            f"| {r['unmet_as_is_storage_bcm_per_yr']:.3f} |"
        )
        lines = [x for x in text.splitlines() if x.startswith(f"| {name} | ") and " / " in x]
        assert len(lines) == 1, lines
        line = lines[0]
        assert re.sub(r" \(0\.\d\d\)", "", line, count=1).startswith(row), line  # no CF
        assert line.endswith(tail), line


def test_routes_figure_is_honest(tmp_path):
    result = example_result("serbia_lng_vs_azeri_gas")
    figs = figures(result)
    assert "serbia_gas_routes" in figs
    fig = figs["serbia_gas_routes"]
    left, right = fig.axes[:2]
    tops = sorted(p.get_y() + p.get_height() for p in left.patches)
    prices = sorted(result.table("gas_route_needs")["gas_price_eur_per_mwh_th"])
    assert tops[-3:] == pytest.approx(prices)  # the stacks reach each route's price
    assert "0.00" in [t.get_text() for t in right.texts]  # Balkan Stream's room, drawn as 0
    check_figure(fig, result)
    check_png(save_figure(fig, tmp_path / "serbia_gas_routes.png"))
    for f in figs.values():
        plt.close(f)


def test_docs_which_route_binds_at_the_range_ends():
    """docs/serbia.md: the Azerbaijani run's own need with IGB most booked, and least."""
    need = example_result("serbia_lng_vs_azeri_gas").table("gas_chain_daily")["need_mcm"]
    igb = value("serbia.gas.igb.capacity", unit="bcm/yr")
    tight = route_needs(
        chain_spec(2029, igb_free_bcm_per_yr=igb * (1 - 0.94)), need, efficiency=0.58
    ).set_index("route")
    for route in ("azerbaijan", "lng"):
        assert tight.loc[route, "binding_leg"] == "igb"
        assert tight.loc[route, "new_capacity_storage_mcm_per_d"] == pytest.approx(0.909, abs=5e-4)
    roomy = route_needs(
        chain_spec(2029, tanap_free_bcm_per_yr=1.6, tap_free_bcm_per_yr=1.9,
                   igb_free_bcm_per_yr=igb * (1 - 0.52)),
        need,
        efficiency=0.58,
    ).set_index("route")  # fmt: skip
    assert roomy.loc[["azerbaijan", "lng"], "carries_plant"].all()
    assert not roomy.loc["balkan_stream", "carries_plant"]
    central = route_needs(chain_spec(2029), need, efficiency=0.58).set_index("route")
    assert central.loc["lng", "new_capacity_storage_mcm_per_d"] == pytest.approx(0.087, abs=5e-4)
