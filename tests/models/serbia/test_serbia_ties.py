"""Serbia's cross-border ties: status as an input, N-1 credit, the verdict under both states."""

from __future__ import annotations

import dataclasses

import pytest

import corridor_sim as cs
from corridor_sim.catalogue import fact
from corridor_sim.errors import ScenarioError
from corridor_sim.models import serbia
from corridor_sim.models.serbia.grid.network import GridSpec, monitored
from corridor_sim.models.serbia.grid.ties import (
    TieStatus,
    default_open_borders,
    disputed_borders,
    tie_status_table,
)
from tests.helpers import example_result

KOSOVO_TIES = {"line_1680", "line_4235"}  # Kruševac 1 – Podujevo 220 kV, Niš 2 – Kosovo B 400 kV


def test_every_border_has_a_status_with_a_public_reference():
    table = tie_status_table()
    assert set(table["status"]) <= {s.value for s in TieStatus}
    for row in table.itertuples(index=False):
        assert row.reference.startswith("https://"), row.border
        assert fact(row.fact).quote
    kosovo = table.set_index("border").loc["RS-XK"]
    assert kosovo["status"] == TieStatus.ZERO_CAPACITY
    assert bool(kosovo["disputed"])
    assert not bool(kosovo["n1_credit"])
    assert "ECS-2/21" in fact("serbia.tie.rs_xk.status").subject
    assert default_open_borders() == disputed_borders() == frozenset({"RS-XK"})


def test_every_tie_of_the_grid_has_a_border_with_a_status():
    net = serbia.build(2029, site=None)
    ties = net.line[net.line["kind"] == "tie"]
    assert set(ties["border"]) <= set(tie_status_table()["border"])
    assert not (ties["border"] == "").any()


def test_kosovo_ties_get_no_n1_credit_by_default_and_a_scenario_may_credit_them():
    spec = GridSpec.for_year(2029)
    net = serbia.grid.network.build_grid(None, year=2029, spec=spec)
    kosovo = net.line["corridor"].isin(KOSOVO_TIES)
    assert kosovo.sum() == len(KOSOVO_TIES)
    assert not net.line.loc[kosovo, "in_service"].any()
    screened = {net.line.at[i, "corridor"] for t, i in monitored(net) if t == "line"}
    assert not screened & KOSOVO_TIES
    credited = dataclasses.replace(spec, open_ties=frozenset())
    net2 = serbia.grid.network.build_grid(None, year=2029, spec=credited)
    assert net2.line.loc[net2.line["corridor"].isin(KOSOVO_TIES), "in_service"].all()
    screened2 = {net2.line.at[i, "corridor"] for t, i in monitored(net2) if t == "line"}
    assert screened2 >= KOSOVO_TIES


def _run(**options):
    sc = cs.Scenario(
        model="serbia",
        year=2029,
        periods=24,
        options={"sites": ["none", "krusevac"], "capacity_factors": [0.5], **options},
    )
    return cs.run(sc)


def test_verdict_names_the_ties_it_relies_on_under_both_states():
    res = _run()
    states = res.table("tie_states")
    assert list(dict.fromkeys(states["tie_state"])) == ["RS-XK open", "RS-XK credited"]
    assert states.groupby("tie_state")["best"].sum().tolist() == [1, 1]
    assert "RS-XK" not in res.meta["ties_relied_on"]
    assert {"RS-BG", "RS-HU", "RS-RO"} <= set(res.meta["ties_relied_on"])
    assert res.meta["verdict"].startswith("With RS-XK open")
    assert "With RS-XK credited" in res.meta["verdict"]
    ties = res.table("ties").set_index("element")
    assert not ties.loc[sorted(KOSOVO_TIES), "in_study"].any()

    credited = _run(credit_ties=["RS-XK"], both_tie_states=False)
    assert "RS-XK" in credited.meta["ties_relied_on"]
    assert "disputed RS-XK (credited)" in credited.meta["verdict"]
    assert set(credited.table("tie_states")["tie_state"]) == {"RS-XK credited"}


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"credit_ties": ["RS-XX"]}, "RS-XX"),
        ({"open_ties": ["XK"]}, "XK"),
        ({"credit_ties": ["RS-XK"], "open_ties": ["RS-XK"]}, "credit_ties and open_ties"),
    ],
)
def test_bad_tie_options_are_named(options, match):
    with pytest.raises(ScenarioError, match=match):
        _run(**options)


def test_krusevac_fails_n1_with_the_kosovo_ties_open_over_the_year():
    """docs/serbia.md: with the ties open Kruševac is not N-1 secure; credited, it is."""
    res = example_result("serbia_kosovo_ties_open")
    states = res.table("tie_states").set_index(["tie_state", "site"])
    open_k = states.loc[("RS-XK open", "krusevac")]
    assert not open_k["n1_secure"]
    assert open_k["worst_area_n1_loading_pct"] == pytest.approx(110.95, abs=0.1)
    assert open_k["n1_area_violation_hours"] == 2762
    assert states.loc[("RS-XK credited", "krusevac"), "n1_secure"]
    assert states.loc[("RS-XK open", "trupale"), "n1_secure"]
