"""Dispatch LPs built once per process and warm-started: same optimum, history-independent."""

from __future__ import annotations

import copy

import numpy as np
import pandapower.networks as pn
import pandas as pd
import pytest
import scipy.sparse as sp

from corridor_sim.engines._shared import highs
from corridor_sim.engines._shared.highs import HighsLP, LPArrays, LPCache, solve_highs
from corridor_sim.engines.dispatch import dispatch
from corridor_sim.engines.dispatch import run as dispatch_run
from corridor_sim.engines.dispatch.lp import solve_block
from corridor_sim.engines.dispatch.netcache import PROCESS_NET_DATA
from corridor_sim.errors import SpecError


def _net():
    net = pn.case30()
    net.poly_cost["cp2_eur_per_mw2"] = 0.0
    net.line["max_loading_percent"] = 60.0  # some congestion: prices differ per bus
    return net


def _loads(net, seed: int, hours: int = 24) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    p = net.load["p_mw"].to_numpy() * rng.uniform(0.6, 1.2, (hours, len(net.load)))
    return pd.DataFrame(p, index=pd.RangeIndex(hours, name="hour"), columns=net.load.index)


def _tables(res) -> list[pd.DataFrame]:
    return [res.generation, res.flows, res.prices]


@pytest.mark.parametrize("warm_start", [False, True])
def test_draw_does_not_depend_on_what_the_process_solved_before(warm_start: bool) -> None:
    net = _net()
    a, b = _loads(net, 1), _loads(net, 2)
    highs.PROCESS_LP_CACHE.clear()
    fresh_b = dispatch(net, load_p_mw=b, block_hours=6, warm_start=warm_start)
    hits = highs.PROCESS_LP_CACHE.hits
    dispatch(net, load_p_mw=a, block_hours=6, warm_start=warm_start)
    again_b = dispatch(net, load_p_mw=b, block_hours=6, warm_start=warm_start)
    assert highs.PROCESS_LP_CACHE.hits > hits  # the second and third draws reused the LP
    assert fresh_b.objective_eur == again_b.objective_eur
    for mine, theirs in zip(_tables(fresh_b), _tables(again_b), strict=True):
        pd.testing.assert_frame_equal(mine, theirs)


def _cold(*args, chain=None, warm_start=False, **kwargs):
    return solve_block(*args, **kwargs)  # a new HiGHS instance per block, as before the cache


def test_reused_lp_gives_the_same_tables_as_a_new_one(monkeypatch: pytest.MonkeyPatch) -> None:
    net = _net()
    load = _loads(net, 4)
    dispatch(net, load_p_mw=_loads(net, 5), block_hours=6)  # the cache holds this LP now
    reused = dispatch(net, load_p_mw=load, block_hours=6)
    monkeypatch.setattr(dispatch_run, "solve_block", _cold)
    fresh = dispatch(net, load_p_mw=load, block_hours=6)
    assert reused.objective_eur == fresh.objective_eur
    for mine, theirs in zip(_tables(reused), _tables(fresh), strict=True):
        pd.testing.assert_frame_equal(mine, theirs)


def test_warm_blocks_reach_the_cold_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    net = _net()
    load = _loads(net, 3)
    warm = dispatch(net, load_p_mw=load, block_hours=4, warm_start=True)
    monkeypatch.setattr(dispatch_run, "solve_block", _cold)
    ref = dispatch(net, load_p_mw=load, block_hours=4)
    assert warm.objective_eur == pytest.approx(ref.objective_eur, rel=1e-9)
    np.testing.assert_allclose(
        warm.prices["price_eur_per_mwh"], ref.prices["price_eur_per_mwh"], rtol=1e-6, atol=1e-6
    )


def test_warm_start_must_be_a_bool() -> None:
    with pytest.raises(SpecError, match="warm_start = 'yes': expected True or False"):
        dispatch(_net(), warm_start="yes")


def test_highs_lp_update_and_clear_basis_equal_a_new_instance() -> None:
    rng = np.random.default_rng(0)
    a = sp.random(30, 60, density=0.2, random_state=1, format="csr") + sp.eye(30, 60)
    c = rng.uniform(1, 2, 60)
    lp = HighsLP(LPArrays(c, a, np.ones(30), np.full(30, np.inf), np.zeros(60), np.full(60, 5.0)))
    lp.solve()
    lo = rng.uniform(0.5, 2.0, 30)
    lp.update(row_lo=lo, c=c[::-1].copy())
    lp.clear_basis()
    got = lp.solve()
    ref = solve_highs(
        LPArrays(c[::-1].copy(), a, lo, np.full(30, np.inf), np.zeros(60), np.full(60, 5.0))
    )
    np.testing.assert_array_equal(got.x, ref.x)
    assert got.fun == ref.fun


def test_cache_is_bounded_by_models_and_nonzeros() -> None:
    cache = LPCache(max_models=2, max_nonzeros=10)
    args = (np.ones(2), np.ones(1), np.ones(1), np.zeros(2), np.ones(2))
    for k in range(3):
        cache.get(LPArrays(args[0], sp.csr_matrix([[1.0, float(k + 1)]]), *args[1:]))
    assert len(cache._models) == 2
    big = sp.csr_matrix(np.ones((1, 20)))
    cache.get(LPArrays(np.ones(20), big, np.ones(1), np.ones(1), np.zeros(20), np.ones(20)))
    assert len(cache._models) == 2  # 20 nonzeros: built, not kept


def test_net_read_once_per_content_and_changed_values_read_anew() -> None:
    net = _net()
    load = _loads(net, 6)
    PROCESS_NET_DATA.clear()
    first = dispatch(net, load_p_mw=load, block_hours=6)
    hits = PROCESS_NET_DATA.hits
    again = dispatch(copy.deepcopy(net), load_p_mw=load, block_hours=6)  # another object
    assert PROCESS_NET_DATA.hits == hits + 1
    for mine, theirs in zip(_tables(first), _tables(again), strict=True):
        pd.testing.assert_frame_equal(mine, theirs, check_exact=True)
    tighter = copy.deepcopy(net)
    tighter.line["max_loading_percent"] = 30.0
    got = dispatch(tighter, load_p_mw=load, block_hours=6)
    PROCESS_NET_DATA.clear()
    ref = dispatch(tighter, load_p_mw=load, block_hours=6)
    for mine, theirs in zip(_tables(got), _tables(ref), strict=True):
        pd.testing.assert_frame_equal(mine, theirs, check_exact=True)
    assert got.objective_eur > first.objective_eur
