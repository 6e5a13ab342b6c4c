"""Did you mean: parameters found by spelling, declared aliases and meaning."""

from __future__ import annotations

import pytest

import corridor_sim as cs
from corridor_sim.errors import CorridorSimError
from corridor_sim.models._suggest import suggest_parameter
from corridor_sim.models.oil.params import PARAMS
from corridor_sim.models.params import Param


def _first(hint: str) -> str:
    return hint.split("'")[1]


def test_a_declared_alias_finds_the_fleet_parameter() -> None:
    hint = suggest_parameter("tanker_fleet_size", PARAMS)
    assert _first(hint) == "asco_fleet_tankers"  # not tanker_freight_usd_per_t by spelling
    assert "ASCO tanker fleet" in hint  # the description says what it is


def test_meaning_without_an_alias() -> None:
    params = [
        Param("black_sea_cable_mw", "MW", "Black Sea subsea HVDC cable rating", value=1000.0),
        Param("black_sea_loss_pct", "%", "losses of the Black Sea link", value=3.0),
        Param("caspian_cable_mw", "MW", "Caspian subsea cable rating", value=1000.0),
    ]
    # no close spelling; the words 'subsea' and 'rating' are in two descriptions
    assert _first(suggest_parameter("subsea_rating", params)) in {
        "black_sea_cable_mw",
        "caspian_cable_mw",
    }
    assert "black_sea_cable_mw" in suggest_parameter("black_sea_hvdc_cable", params).split(",")[0]


def test_spelling_still_works() -> None:
    assert _first(suggest_parameter("kazak_volume_mt_per_yr", PARAMS)) == "kazakh_volume_mt_per_yr"


def test_the_scenario_error_carries_the_suggestion() -> None:
    scn = cs.Scenario(model="oil", year=2025, overrides={"tanker_fleet_size": 5})
    with pytest.raises(
        CorridorSimError, match=r"tanker_fleet_size.*did you mean 'asco_fleet_tankers'"
    ):
        cs.run(scn)
