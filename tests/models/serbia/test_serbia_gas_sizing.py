"""Every supply route sized by the same daily chain LP: conservation, limits, monotonicity,
a networkx cross-check, and bad input named."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from corridor_sim.catalogue import value
from corridor_sim.engines.commodity import solve, to_networkx
from corridor_sim.errors import CorridorSimError, SpecError, UnknownNameError
from corridor_sim.models.serbia.gas.needs import TOL_MCM_PER_D, no_storage, plant_needs
from corridor_sim.models.serbia.gas.sizing import (
    route_legs,
    route_needs,
    route_network,
    size_route,
)
from corridor_sim.models.serbia.gas.study import chain_spec
from corridor_sim.models.serbia.gas.supply import leg_room_mcm_per_d, supply_legs
from corridor_sim.models.serbia.gas.tariffs import GAS_ROUTES
from corridor_sim.units import THOUSAND

DAYS = 365
#: A seasonal need: 1.4 mcm/d on average, 2.2 in mid-January, 0.6 in mid-July.
NEED = 1.4 + 0.8 * np.cos(2 * np.pi * (np.arange(DAYS) - 14) / DAYS)
SPEC = chain_spec(2029)
TOL = 1e-6


def _flow(sol, arc: str) -> np.ndarray:
    f = sol.flows
    return f.loc[f["element"] == arc, "flow_mcm"].to_numpy()


@pytest.fixture(scope="module", params=GAS_ROUTES)
def plan(request):
    """The plan at the route's peak day, with every leg expandable and the plant's storage."""
    route = request.param
    net = route_network(SPEC, route, NEED, expand=True, booked_mcm_per_d=1.8)
    return route, net, solve(net)


def test_chain_conserves_gas_each_day(plan):
    route, _, sol = plan
    legs = route_legs(SPEC, route)
    booked = _flow(sol, "booked")
    np.testing.assert_allclose(booked, _flow(sol, "new_contract_delivery"), atol=TOL)
    for leg in legs:  # the legs are in series: each carries what was booked
        np.testing.assert_allclose(_flow(sol, leg) + _flow(sol, f"{leg}_new"), booked, atol=TOL)
    into_nis = booked + _flow(sol, "withdrawal")
    np.testing.assert_allclose(into_nis, _flow(sol, "plant_offtake") + _flow(sol, "injection"),
                               atol=TOL)  # fmt: skip
    u = sol.unmet[sol.unmet["element"] == "plant"]
    np.testing.assert_allclose(u["delivered_mcm"] + u["unmet_mcm"], NEED, atol=TOL)
    st = sol.storage[sol.storage["element"] == "banatski_dvor"]
    level = st["level_mcm"].to_numpy()
    start = SPEC.plant_storage_start_level * SPEC.plant_storage_mcm
    net_in = _flow(sol, "injection") - _flow(sol, "withdrawal")
    np.testing.assert_allclose(np.diff(np.r_[start, level]), net_in, atol=TOL)
    assert level[-1] >= start - TOL  # the year ends at least as full
    assert float(u["unmet_mcm"].sum()) <= TOL  # 1.8 mcm/d booked with storage suffices


def test_chain_respects_capacities(plan):
    route, _, sol = plan
    for leg, room in route_legs(SPEC, route).items():
        assert (_flow(sol, leg) <= room + TOL).all()
    assert (_flow(sol, "booked") <= 1.8 + TOL).all()
    assert (_flow(sol, "injection") <= SPEC.plant_storage_injection_mcm_per_d + TOL).all()
    assert (_flow(sol, "withdrawal") <= SPEC.plant_storage_withdrawal_mcm_per_d + TOL).all()
    level = sol.storage.loc[sol.storage["element"] == "banatski_dvor", "level_mcm"]
    assert (level <= SPEC.plant_storage_mcm + TOL).all()
    assert (level >= -TOL).all()


@pytest.mark.parametrize("route", GAS_ROUTES)
def test_lp_matches_networkx_max_flow_on_a_day(route):
    """Without storage a day stands alone: the plant gets the day's max flow through the route."""
    bare = no_storage(SPEC)
    need = np.full(DAYS, 50.0)  # more than any route's room: the day's max flow decides
    what_if = {next(iter(route_legs(bare, route))): 3.0}  # TurkStream's string gets room
    net = route_network(bare, route, need, room_mcm_per_d=what_if)
    sol = solve(net)
    delivered = sol.unmet.loc[sol.unmet["element"] == "plant", "delivered_mcm"].to_numpy()
    for day in (0, 100, 364):
        graph = to_networkx(net, period=day)
        reference = nx.maximum_flow_value(graph, "new_contract", "plant")
        assert delivered[day] == pytest.approx(min(reference, 50.0), abs=1e-6)
        legs = route_legs(bare, route, what_if)
        assert reference == pytest.approx(min(r[day] for r in legs.values()))


@pytest.mark.parametrize("route", GAS_ROUTES)
def test_more_leg_room_never_raises_unmet_gas(route):
    legs = list(route_legs(SPEC, route))
    last = math.inf
    for room in (0.0, 0.5, 1.0, 1.5, 2.5):
        r = size_route(SPEC, route, NEED, room_mcm_per_d=dict.fromkeys(legs, room))
        for key in ("storage", "no_storage"):
            assert r[f"unmet_as_is_{key}_bcm_per_yr"] >= 0
        assert r["unmet_as_is_storage_bcm_per_yr"] <= last + 1e-9
        assert r["unmet_as_is_storage_bcm_per_yr"] <= r["unmet_as_is_no_storage_bcm_per_yr"] + 1e-9
        last = r["unmet_as_is_storage_bcm_per_yr"]
    assert last == pytest.approx(0.0, abs=1e-9)  # 2.5 mcm/d on every leg carries the plant


def test_more_storage_never_raises_the_daily_capacity_needed():
    booked = []
    for volume in (0.0, 30.0, 100.0, 300.0, 600.0):
        spec = chain_spec(2029, plant_storage_mcm=volume)
        r = size_route(spec, "lng", NEED)
        assert r["booked_storage_mcm_per_d"] <= r["booked_no_storage_mcm_per_d"] + TOL_MCM_PER_D
        booked.append(r["booked_storage_mcm_per_d"])
    assert booked[0] == pytest.approx(NEED.max())
    assert all(b <= a + TOL_MCM_PER_D for a, b in zip(booked, booked[1:], strict=False))
    assert booked[-1] < NEED.max() - 0.3  # storage flattens the winter


def test_sizing_answers_by_hand():
    r = size_route(SPEC, "lng", NEED)
    room = leg_room_mcm_per_d(SPEC, "igb")[0]  # 0.48 bcm/yr ratably
    assert r["binding_leg"] == "igb"
    assert r["new_contract_bcm_per_yr"] == pytest.approx(NEED.sum() / THOUSAND, rel=1e-9)
    assert r["booked_no_storage_mcm_per_d"] == pytest.approx(NEED.max())
    assert r["new_capacity_no_storage_mcm_per_d"] == pytest.approx(NEED.max() - room)
    booked = r["booked_storage_mcm_per_d"]
    assert r["new_capacity_storage_mcm_per_d"] == pytest.approx(booked - room, abs=1e-6)
    assert r["binding_days_no_storage"] == int((room - TOL <= NEED).sum())
    assert r["unmet_as_is_no_storage_bcm_per_yr"] == pytest.approx(
        np.clip(NEED - room, 0, None).sum() / THOUSAND
    )
    # storage cannot lift the year above the room: short by the need beyond 0.48 bcm/yr
    assert r["unmet_as_is_storage_bcm_per_yr"] == pytest.approx(NEED.sum() / THOUSAND - 0.48,
                                                                abs=1e-6)  # fmt: skip


def test_azerbaijani_route_agrees_with_the_chain():
    """The route's LP and the whole chain (needs.plant_needs) book the same largest day."""
    chain = plant_needs(SPEC, NEED)
    r = size_route(SPEC, "azerbaijan", NEED)
    assert r["booked_storage_mcm_per_d"] == pytest.approx(chain[True].route_mcm_per_d.max(),
                                                          abs=2 * TOL_MCM_PER_D)  # fmt: skip
    assert r["booked_no_storage_mcm_per_d"] == pytest.approx(chain[False].route_mcm_per_d.max(),
                                                             abs=1e-6)  # fmt: skip


def test_lng_terminals_room_is_the_ratable_room_at_most_the_send_out():
    room = leg_room_mcm_per_d(SPEC, "lng_terminals")
    free = supply_legs(SPEC).set_index(["route", "element"]).loc[("lng", "lng_terminals")]
    send = value("serbia.gas.lng.alexandroupolis.send_out", unit="mcm/d")
    assert send == 22.5
    assert room == pytest.approx(np.full(DAYS, free["free_bcm_per_yr"] * THOUSAND / DAYS))
    assert free["other_use_bcm_per_yr"] == pytest.approx(5.5 + 7.2 - 2.5)
    assert (leg_room_mcm_per_d(chain_spec(2024), "lng_terminals") == 0).all()  # from 2025


def test_bad_route_or_capacity_is_named():
    with pytest.raises(UnknownNameError, match=r"gas_route = 'lgn'.*did you mean 'lng'"):
        size_route(SPEC, "lgn", NEED)
    with pytest.raises(CorridorSimError, match=r"gas_route = 'lgn'"):
        route_needs(SPEC, NEED, efficiency=0.58, routes=("lgn",))
    with pytest.raises(SpecError, match=r"room_mcm_per_d\['igb'\] = -1.0: expected"):
        size_route(SPEC, "lng", NEED, room_mcm_per_d={"igb": -1.0})
    with pytest.raises(UnknownNameError, match=r"room_mcm_per_d\['tap'\]: not a leg of route"):
        size_route(SPEC, "lng", NEED, room_mcm_per_d={"tap": 1.0})
    with pytest.raises(SpecError, match=r"booked_mcm_per_d = -2.0"):
        route_network(SPEC, "lng", NEED, booked_mcm_per_d=-2.0)
    with pytest.raises(SpecError, match=r"igb_free_bcm_per_yr = -1.0"):
        chain_spec(2029, igb_free_bcm_per_yr=-1.0)
    with pytest.raises(SpecError, match="plant_mcm_per_d"):
        size_route(SPEC, "lng", NEED[:10])


def test_each_route_with_its_own_need():
    """A route sized with its own need (a mapping) answers as if sized alone with it."""
    low = NEED * 0.5
    table = route_needs(SPEC, {"lng": low, "balkan_stream": NEED}, efficiency=0.58)
    assert table["route"].tolist() == ["lng", "balkan_stream"]
    lng = table.set_index("route").loc["lng"]
    alone = size_route(SPEC, "lng", low)
    assert lng["gas_need_bcm_per_yr"] == pytest.approx(low.sum() / THOUSAND)
    assert lng["booked_storage_mcm_per_d"] == alone["booked_storage_mcm_per_d"]
    assert lng["carries_plant"]  # half the need fits IGB's room with storage
