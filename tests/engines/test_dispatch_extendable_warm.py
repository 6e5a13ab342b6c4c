"""The LP with extendable ratings started from the dispatch without expansion: same optimum."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corridor_sim.engines.dispatch import Extendable, dispatch
from tests.engines.test_dispatch_extendable import EXT, LOAD, loop_net, three_bus

FORMULATIONS = ["ptdf", "angle", "kirchhoff"]


def _both(net, load, ext, formulation):
    cold = dispatch(net, load_p_mw=load, extendable=ext, formulation=formulation)
    warm = dispatch(net, load_p_mw=load, extendable=ext, formulation=formulation, warm_start=True)
    return cold, warm


def _same_optimum(cold, warm) -> None:
    assert warm.meta["warm_start_from"] == "dispatch without expansion"  # HiGHS took the basis
    assert warm.objective_eur == pytest.approx(cold.objective_eur, rel=1e-9)
    np.testing.assert_allclose(warm.ratings.rating_mw, cold.ratings.rating_mw, atol=1e-6)
    assert warm.capital_cost_eur == pytest.approx(cold.capital_cost_eur, rel=1e-9)


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_warm_sizing_reaches_the_cold_optimum(formulation: str) -> None:
    cold, warm = _both(three_bus(loss_pct=2.0), LOAD, EXT, formulation)
    _same_optimum(cold, warm)
    assert 0 < cold.ratings.rating_mw.iloc[0] < 400  # interior ratings: the start must move


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_warm_sizing_on_a_meshed_net_with_existing_ratings(formulation: str) -> None:
    net = loop_net()
    load = pd.DataFrame({0: [300.0, 380.0, 220.0, 340.0], 1: [60.0, 40.0, 90.0, 70.0]})
    ext = {
        ("line", 1): Extendable(min_mw=50.0, max_mw=600.0, cost_eur_per_mw=30.0),
        ("line", 2): Extendable(min_mw=0.0, max_mw=600.0, cost_eur_per_mw=45.0),
    }
    cold, warm = _both(net, load, ext, formulation)
    _same_optimum(cold, warm)
    np.testing.assert_allclose(
        warm.prices.price_eur_per_mwh, cold.prices.price_eur_per_mwh, rtol=1e-6, atol=1e-6
    )


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_mapped_basis_is_optimal_when_ratings_cannot_move(formulation: str) -> None:
    """With min_mw = max_mw the dispatch without expansion is the optimum: no iteration."""
    net = three_bus(loss_pct=2.0)
    pinned = {
        ("line", 0): Extendable(min_mw=120.0, max_mw=120.0, cost_eur_per_mw=30.0),
        ("dcline", 0): Extendable(min_mw=40.0, max_mw=40.0, cost_eur_per_mw=50.0),
    }
    cold, warm = _both(net, LOAD, pinned, formulation)
    _same_optimum(cold, warm)
    assert warm.meta["iterations"] == 0


def test_warm_start_without_extendable_ratings_has_no_start_basis() -> None:
    res = dispatch(three_bus(), load_p_mw=LOAD, warm_start=True)
    assert "warm_start_from" not in res.meta
    assert res.meta["iterations"] >= 0
