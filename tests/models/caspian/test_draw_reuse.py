"""Draws that reuse what the worker built: the same tables as a worker that built nothing yet.

Each draw here runs twice: once after the per-process caches of nets were emptied (a
fresh worker) and once in a sequence of draws with other drawn
values (A, B, A). The tables, the summary and the provenance must be identical, bit for bit.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable

import numpy as np
import pandapower as pp
import pandas as pd
import pytest

import corridor_sim as cs
from corridor_sim.catalogue import overriding, value
from corridor_sim.engines.dispatch.netcache import PROCESS_NET_DATA
from corridor_sim.models.caspian import profiles, snapshots
from corridor_sim.models.caspian.dispatch import NETS, availability, dispatch_year
from corridor_sim.models.caspian.hourly import _labels, _wide
from corridor_sim.models.caspian.params import resolve_year
from corridor_sim.models.caspian.profiles import _correlated_ar1
from corridor_sim.results.result import Result

HOURS = 48


def _fresh() -> None:
    NETS.clear()  # the LP cache gives the same answers whatever it holds (engine tests)
    PROCESS_NET_DATA.clear()


def _same(a: Result, b: Result) -> None:
    assert sorted(a.tables) == sorted(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True, obj=name)
    pd.testing.assert_frame_equal(a.summary_table, b.summary_table, check_exact=True)
    skip = {"dispatch_seconds"}
    assert {k: v for k, v in a.meta.items() if k not in skip} == {
        k: v for k, v in b.meta.items() if k not in skip
    }


def _draw(seed: int, catalogue: dict[str, float], **overrides: float) -> Callable[[], Result]:
    scenario = cs.Scenario(
        model="caspian", year=2032, periods=HOURS, seed=seed, overrides=overrides,
        options={"snapshot_hours": [5, 40]},
    )  # fmt: skip

    def run() -> Result:
        with overriding(catalogue):
            return cs.run(scenario)

    return run


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (_draw(1, {}), _draw(2, {})),  # profiles drawn: the same net
        (_draw(1, {}), _draw(1, {}, caspian_cable_mw=5000.0)),  # a parameter drawn
        (_draw(3, {}), _draw(3, {"caspian.market.ru.price": 55.0})),  # a row the net reads
    ],
    ids=["seed", "parameter", "catalogue-row"],
)
def test_draw_sequence_gives_each_draw_its_fresh_tables(a, b) -> None:
    _fresh()
    fresh_a = a()
    _fresh()
    fresh_b = b()
    _fresh()
    hits = NETS.hits
    first_a, then_b, again_a = a(), b(), a()
    assert NETS.hits > hits  # the second A reused the net built for the first
    _same(first_a, fresh_a)
    _same(then_b, fresh_b)
    _same(again_a, fresh_a)


def test_net_is_built_once_per_parameters_and_handed_out_as_a_copy() -> None:
    p = resolve_year(2032, {})
    prof = profiles(2032, seed=1, hours=24, params=p)
    avail = availability([], 24)
    NETS.clear()
    misses = NETS.misses
    net1, _ = dispatch_year(p, prof, avail)
    net1.line["max_i_ka"] = 0.0  # the caller's copy: the cached net is untouched
    net2, _ = dispatch_year(p, prof, avail, ramping=True)
    assert NETS.misses == misses + 1
    assert (net2.line["max_i_ka"] > 0).all()
    assert "ramp_up_mw_per_h" in net2.gen
    net3, _ = dispatch_year(p, prof, avail)
    assert "ramp_up_mw_per_h" not in net3.gen  # ramps went on net2's copy only


def _pandapower_snapshots(net, h, hours):
    """The snapshots as pandapower solves the net with its dclines: a new copy per hour."""
    frames = []
    for t in hours:
        snap = copy.deepcopy(net)
        hub = dict(zip(snap.load.name, snap.bus.loc[snap.load.bus, "name"], strict=True))
        snap.load["p_mw"] = [
            float(h.demand_mw.iloc[t][hub[n]] - h.unserved_mw.iloc[t][hub[n]])
            for n in snap.load.name
        ]
        pf = value("caspian.ac.load_power_factor", unit="-")
        snap.load["q_mvar"] = snap.load["p_mw"] * np.tan(np.arccos(pf))
        snap.sgen["p_mw"] = [float(h.generation_mw.iloc[t][n]) for n in snap.sgen.name]
        snap.gen["p_mw"] = [float(h.generation_mw.iloc[t][n]) for n in snap.gen.name]
        snap.dcline["p_mw"] = [float(h.flow_mw.iloc[t][n]) for n in snap.dcline.name]
        for method in ("ac", "dc"):
            if method == "ac":
                pp.runpp(snap, init="dc", max_iteration=30, numba=False)
            else:
                pp.rundcpp(snap)
            for kind, cols in (("bus", ["vm_pu", "va_degree"]),
                               ("line", ["p_from_mw", "pl_mw", "loading_percent"]),
                               ("dcline", ["p_from_mw", "pl_mw"])):  # fmt: skip
                res = snap[f"res_{kind}"]
                for el, row in zip(snap[kind].loc[res.index, "name"], res[cols].to_numpy(),
                                   strict=True):  # fmt: skip
                    for c, v in zip(cols, row, strict=True):
                        frames.append((t, method, kind, el, c.replace("percent", "pct"), v))
    return pd.DataFrame(frames, columns=["hour", "method", "element_type", "element", "col", "v"])


def test_snapshots_equal_pandapower_with_its_own_dclines() -> None:
    p = resolve_year(2032, {})
    prof = profiles(2032, seed=4, hours=48, params=p)
    net, h = dispatch_year(p, prof, availability([], 48))
    hours = [3, 20, 3, 41]
    shape = {kind: net[kind].shape for kind in ("gen", "dcline", "load")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = _pandapower_snapshots(net, h, [3, 20, 41])
        got = snapshots(net, h, hours, 2032)
    assert {kind: net[kind].shape for kind in shape} == shape  # the net is not modified
    assert sorted(set(got["hour"])) == [3, 20, 41]
    long = got.melt(
        id_vars=["hour", "method", "element_type", "element"],
        value_vars=["vm_pu", "va_degree", "p_from_mw", "pl_mw", "loading_pct"],
        var_name="col", value_name="v",
    ).dropna(subset=["v"])  # fmt: skip
    key = ["hour", "method", "element_type", "element", "col"]
    merged = ref.merge(long, on=key, how="outer", suffixes=("_ref", "_got"), indicator=True)
    assert (merged["_merge"] == "both").all()
    np.testing.assert_array_equal(merged["v_got"].to_numpy(), merged["v_ref"].to_numpy())


@pytest.mark.parametrize("shuffled", [False, True])
def test_wide_frames_equal_pandas_pivots_to_the_bit(shuffled: bool) -> None:
    rng = np.random.default_rng(5)
    hours, units = 30, 9
    long = pd.DataFrame(
        {
            "hour": np.repeat(np.arange(100, 100 + hours), units),
            "kind": np.tile(np.array(["gen", "sgen", "gen"] * 3, dtype=object), hours),
            "element": np.tile(np.arange(units), hours),
            "p_mw": rng.normal(0, 1, hours * units) * 10.0 ** rng.integers(-8, 9, hours * units),
        }
    )
    long.loc[long.sample(frac=0.05, random_state=1).index, "p_mw"] = np.nan
    if shuffled:
        long = long.sample(frac=1.0, random_state=2).reset_index(drop=True)
    name = {
        "gen": {e: f"g{e % 2}" for e in range(units)},
        "sgen": {e: f"s{e}" for e in range(units)},
    }
    keys = [long["kind"], long["element"]]
    got = _wide(long["hour"], keys, lambda k: _labels(k[0], k[1], name), long["p_mw"], name="name",
                total=True)  # fmt: skip
    labels = _labels(long["kind"].to_numpy(), long["element"].to_numpy(), name)
    ref = long.assign(name=labels).pivot_table(
        index="hour", columns="name", values="p_mw", aggfunc="sum"
    )
    pd.testing.assert_frame_equal(got, ref, check_exact=True, check_column_type=True)
    one = long.assign(
        name=[f"u{k}.{e}" for k, e in zip(long["kind"], long["element"], strict=True)]
    )
    got = _wide(one["hour"], [one["name"]], lambda k: k[0], one["p_mw"], name="name")
    ref = one.pivot(index="hour", columns="name", values="p_mw")
    pd.testing.assert_frame_equal(got, ref, check_exact=True, check_column_type=True)


def test_weather_series_equal_the_hour_by_hour_recursion_to_the_bit() -> None:
    corr = np.array([[1.0, 0.6, 0.3], [0.6, 1.0, 0.5], [0.3, 0.5, 1.0]])
    got = _correlated_ar1(np.random.default_rng(11), 2000, 0.97, corr)
    rng = np.random.default_rng(11)  # the same draws, the recursion written out
    chol = np.linalg.cholesky(corr + 1e-12 * np.eye(3))
    eps = rng.standard_normal((2000, 3)) @ chol.T * np.sqrt(1 - 0.97**2)
    ref = np.empty((2000, 3))
    ref[0] = rng.standard_normal(3) @ chol.T
    for i in range(1, 2000):
        ref[i] = 0.97 * ref[i - 1] + eps[i]
    np.testing.assert_array_equal(got, ref)


def test_monte_carlo_draws_of_a_row_the_net_reads_are_read_by_every_draw(caplog) -> None:
    scenario = cs.Scenario(model="caspian", year=2032, periods=24, seed=3,
                           options={"snapshot_hours": []})  # fmt: skip
    NETS.clear()
    with caplog.at_level("WARNING"):
        study = cs.monte_carlo(
            scenario, 3, distributions={"caspian.market.ru.price": ("uniform", 20.0, 45.0)},
            catalogue=False, progress=False,
        )  # fmt: skip
    assert "were not read" not in caplog.text
    assert (study.tables["runs"]["status"] == "ok").all()
    assert NETS.misses >= 3  # each drawn price builds its own net
