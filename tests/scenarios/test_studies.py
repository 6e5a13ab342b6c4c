"""Monte Carlo studies over the catalogue's ranges, their answers, checkpoints and executors.

The oil model runs in about 0.1 s, so these studies use it with a few draws.
"""

import importlib
import importlib.util
import threading

import numpy as np
import pandas as pd
import pytest

import corridor_sim as cs
from corridor_sim.catalogue import Fact, Status, draw_value, fact, facts, overriding, ranges, value
from corridor_sim.errors import FactError, ScenarioError, UnknownNameError
from corridor_sim.scenarios import execute as execute_module
from corridor_sim.scenarios.draws import draw_seed, input_rng
from corridor_sim.scenarios.executors import map_runs
from tests.helpers import ROOT, example_result

OIL = cs.Scenario(model="oil", year=2025, name="oil_test", seed=5)
#: Storm season and 2.2 Mt/yr: the tanker lane binds, so deliveries depend on the draws.
STORM = cs.Scenario.from_toml(ROOT / "examples" / "oil_storm_season.toml")
#: The rows with a range in the catalogue that the oil model reads (fleet, ports, tanks,
#: the Caspian weather shared with the Middle Corridor, costs, unit factors).
OIL_RANGES = {
    "oil.fleet.asco_tankers_baku",
    "oil.fleet.asco_dwt",
    "oil.fleet.kmtf_makhachkala_tankers",
    "oil.tanker.kmtf_cargo_per_call",
    "oil.tanker.cargo_share",
    "oil.tanker.port_time",
    "caspian_sea.weather.availability_winter",
    "caspian_sea.weather.availability_shoulder",
    "caspian_sea.weather.availability_summer",
    "oil.caspian.aktau_makhachkala_distance",
    "oil.aktau.storage",
    "oil.baku.storage_share_transit",
    "oil.reinforcement.lead_time",
    "oil.reinforcement.premium",
    "oil.cost.cpc_tariff",
    "oil.cost.makhachkala_transit",
    "oil.cost.reserve_premium",
    "oil.cost.storage_time_preference",
    "oil.cost.tank_handling",
    "oil.cost.tengiz_aktau",
    "oil.market.value",
    "units.crude.bbl_per_t",
}
HAS_DISTRIBUTED = importlib.util.find_spec("distributed") is not None


def _mc(scn=OIL, n=4, **kw):
    kw.setdefault("progress", False)
    return cs.monte_carlo(scn, n, **kw)


# ----------------------------------------------------------------------------- catalogue
def test_overriding_replaces_values_for_every_reader_and_nests():
    base = value("oil.tanker.dwt", unit="t")
    with overriding({"oil.tanker.dwt": 9000.0}):
        assert value("oil.tanker.dwt", unit="t") == 9000.0
        assert fact("oil.tanker.dwt").value == 9000.0
        assert fact("oil.tanker.dwt").low == 8000.0  # the range stays
        assert facts().loc["oil.tanker.dwt", "value"] == 9000.0
        with overriding({"oil.tanker.dwt": 9500.0, "oil.tanker.port_time": 3.0}):
            assert value("oil.tanker.dwt") == 9500.0
            assert cs.run(OIL).metric("tanker_lane_capacity_mt_per_yr") > 0
        assert value("oil.tanker.dwt") == 9000.0
        assert value("oil.tanker.port_time") == 2.0
    assert value("oil.tanker.dwt") == base


def test_overriding_is_per_thread():
    seen = []

    def other():
        seen.append(value("oil.tanker.dwt"))

    with overriding({"oil.tanker.dwt": 9000.0}):
        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert seen == [8000.0]


def test_overriding_rejects_unknown_qualitative_and_non_numbers():
    with (
        pytest.raises(FactError, match="unknown fact id 'oil.tanker.dwtt'"),
        overriding({"oil.tanker.dwtt": 1.0}),
    ):
        pass
    with (
        pytest.raises(FactError, match="qualitative"),
        overriding({"caspian.integration_memorandum": 1.0}),
    ):
        pass
    with (
        pytest.raises(FactError, match="expected a finite number"),
        overriding({"oil.tanker.dwt": float("nan")}),
    ):
        pass


def test_catalogue_ranges_hold_their_values_and_reasons():
    table = ranges()
    assert set(table.index) >= OIL_RANGES
    assert (table["low"] <= table["value"]).all()
    assert (table["value"] <= table["high"]).all()
    assert table["range_reason"].str.len().gt(20).all()
    assert table.loc["units.crude.bbl_per_t", ["low", "high"]].tolist() == [7.32, 7.38]


def _fact(shape, low=1.0, high=3.0, val=2.0):
    return Fact(
        "x.y.z",
        "test",
        val,
        "-",
        None,
        Status.ASSUMPTION,
        "engineering judgement",
        "",
        "",
        "because",
        "",
        low,
        high,
        shape,
        "test range",
    )


@pytest.mark.parametrize("shape", ["uniform", "triangular", "normal", "lognormal"])
def test_draw_value_follows_the_documented_shape(shape):
    rng = np.random.default_rng(0)
    x = np.array([draw_value(_fact(shape), rng) for _ in range(20000)])
    if shape in ("uniform", "triangular"):
        assert x.min() >= 1.0
        assert x.max() <= 3.0
    if shape == "uniform":
        assert x.mean() == pytest.approx(2.0, abs=0.02)
    if shape == "triangular":
        assert np.median(x) == pytest.approx(2.0, abs=0.03)  # symmetric around the mode
    if shape in ("normal", "lognormal"):  # low and high are the 5th and 95th percentiles
        assert np.quantile(x, [0.05, 0.95]) == pytest.approx([1.0, 3.0], abs=0.05)
    with pytest.raises(FactError, match="has no range"):
        draw_value(_fact(shape, None, None), rng)


# ---------------------------------------------------------------------- what is drawn
def test_monte_carlo_without_distributions_samples_the_catalogue_ranges():
    study = _mc(STORM, 5)
    assert set(study.input_names) == OIL_RANGES
    info = study.inputs.set_index("input")
    assert (info["source"] == "catalogue range").all()
    runs = study.runs
    for fid in OIL_RANGES:
        row = fact(fid)
        assert runs[fid].between(row.low, row.high).all(), fid
        assert runs[fid].nunique() == 5
    # the drawn rows reach the model: the lane capacity follows from them
    wide = study.wide()
    sailing_d = 2 * value("oil.caspian.aktau_baku_distance") / value("oil.tanker.speed") / 24
    asco_t = (
        wide["oil.fleet.asco_tankers_baku"]
        * wide["oil.fleet.asco_dwt"]
        * wide["oil.tanker.cargo_share"]
    )
    kmtf_t = value("oil.fleet.kmtf_tankers_baku") * wide["oil.tanker.kmtf_cargo_per_call"]
    cargo_kt = (asco_t + kmtf_t) / 1000
    expected = cargo_kt / (sailing_d + wide["oil.tanker.port_time"]) * 365 / 1000
    assert wide["tanker_lane_capacity_mt_per_yr"].tolist() == pytest.approx(expected.tolist())
    # and every run's provenance would show them: the base values are the catalogue's
    base = study.base.set_index("metric")["value"]
    assert base["tanker_lane_capacity_mt_per_yr"] == pytest.approx(
        example_result("oil_storm_season").metric("tanker_lane_capacity_mt_per_yr")
    )


def test_explicit_distributions_override_the_catalogue_ranges():
    study = _mc(
        n=4,
        distributions={
            "asco_tankers_baku": ("uniform", 3.0, 4.0),
            "oil.tanker.dwt": ("uniform", 9000.0, 9001.0),
        },
    )
    names = set(study.input_names)
    assert "asco_tankers_baku" in names
    # read only through the overridden parameter
    assert "oil.fleet.asco_tankers_baku" not in names
    assert (OIL_RANGES - {"oil.fleet.asco_tankers_baku"}) <= names
    info = study.inputs.set_index("input")
    assert info.loc["oil.tanker.dwt", "source"] == "explicit"
    assert study.runs["asco_tankers_baku"].between(3.0, 4.0).all()
    assert study.runs["oil.tanker.dwt"].between(9000.0, 9001.0).all()
    only = _mc(n=2, distributions={"asco_tankers_baku": ("uniform", 3.0, 4.0)}, catalogue=False)
    assert only.input_names == ["asco_tankers_baku"]


def test_unknown_input_names_are_named_with_suggestions():
    with pytest.raises(UnknownNameError, match="did you mean 'asco_tankers_baku'"):
        _mc(n=2, distributions={"asco_tankers_bak": ("uniform", 1, 2)})
    with pytest.raises(ScenarioError, match="a catalogue row takes numbers only"):
        _mc(n=2, distributions={"oil.tanker.dwt": ("choice", ["big"])})


def test_year_can_be_drawn():
    study = _mc(n=6, distributions={"year": ("choice", [2024, 2025])}, catalogue=False)
    wide = study.wide()
    assert set(wide["year"]) == {2024, 2025}
    # the Baku stream's documented volumes (the Makhachkala stream is offered besides)
    offered = dict(zip(wide["year"], wide["route_offered_mt"], strict=True))
    assert offered == pytest.approx({2024: 1.5, 2025: 1.7})


# ------------------------------------------------------------ reproducible, extendable
def test_draw_i_depends_only_on_the_seed_and_i():
    a = input_rng(3, 7, "oil.tanker.dwt").random()
    assert a == input_rng(3, 7, "oil.tanker.dwt").random()
    assert a != input_rng(3, 8, "oil.tanker.dwt").random()
    assert a != input_rng(4, 7, "oil.tanker.dwt").random()
    assert draw_seed(3, 7) == draw_seed(3, 7) != draw_seed(3, 8)


def test_more_draws_extend_fewer_and_seeds_decide():
    short, long = _mc(n=3), _mc(n=6)
    for name in ("runs", "values"):
        head = long.table(name)[long.table(name)["draw"] < 3].reset_index(drop=True)
        pd.testing.assert_frame_equal(short.table(name), head)
    other = _mc(OIL.replace(seed=6), n=3)
    drawn = "oil.tanker.kmtf_cargo_per_call"
    assert not other.runs[drawn].equals(short.runs[drawn])


@pytest.mark.parametrize(
    ("executor", "workers"),
    [
        ("process", 2),
        ("process", 3),
        pytest.param(
            "dask",
            2,
            marks=pytest.mark.skipif(not HAS_DISTRIBUTED, reason="dask.distributed not installed"),
        ),
    ],
)
def test_every_executor_and_worker_count_gives_the_same_tables(executor, workers, monkeypatch):
    import signal

    handlers = []  # the study's process never ignores SIGINT, not even while workers start
    real = signal.signal
    monkeypatch.setattr(signal, "signal", lambda s, h: handlers.append((s, h)) or real(s, h))
    serial = _mc(n=5)
    other = _mc(n=5, executor=executor, max_workers=workers)
    for name in ("runs", "values", "inputs", "base"):
        pd.testing.assert_frame_equal(serial.table(name), other.table(name))
    assert (signal.SIGINT, signal.SIG_IGN) not in handlers


def _blas_threads(_):
    import numpy  # noqa: F401 - load BLAS
    from threadpoolctl import threadpool_info

    return [p["num_threads"] for p in threadpool_info()]


def test_process_workers_use_one_blas_thread():
    threads = map_runs(_blas_threads, [0, 1], executor="process", max_workers=2)
    assert threads[0]
    assert all(t == 1 for ts in threads for t in ts)


# ------------------------------------------------------------------------------ answers
def test_summary_quantiles_bottlenecks_thresholds_and_sensitivity():
    study = _mc(STORM, 12, thresholds=["unmet_mt>0.3", "delivered_mt >= 1.9"])
    s = study.summary()
    wide = study.wide()
    q = s.metrics.set_index("metric")
    for metric in ("delivered_mt", "unmet_mt", "tanker_lane_capacity_mt_per_yr"):
        x = wide[metric].to_numpy()
        assert q.loc[metric, "p10"] == pytest.approx(np.quantile(x, 0.1))
        assert q.loc[metric, "p50"] == pytest.approx(np.median(x))
        assert q.loc[metric, "p90"] == pytest.approx(np.quantile(x, 0.9))
        assert q.loc[metric, "mean"] == pytest.approx(x.mean())
        assert q.loc[metric, "runs"] == 12
    assert q.loc["delivered_mt", "base"] == pytest.approx(
        example_result("oil_storm_season").metric("delivered_mt")
    )
    # conservation in every draw: delivered + unmet = offered
    assert (wide["delivered_mt"] + wide["unmet_mt"]).tolist() == pytest.approx(
        wide["offered_mt"].tolist()
    )
    b = s.bottlenecks
    assert b["runs"].sum() == 12
    assert b["share"].sum() == pytest.approx(1.0)
    assert (
        dict(zip(b["bottleneck"], b["runs"], strict=True))
        == wide["bottleneck"].replace("", "(none)").value_counts().to_dict()
    )
    t = s.thresholds.set_index("threshold")
    assert t.loc["unmet_mt > 0.3", "probability"] == pytest.approx((wide["unmet_mt"] > 0.3).mean())
    assert t.loc["delivered_mt >= 1.9", "probability"] == pytest.approx(
        (wide["delivered_mt"] >= 1.9).mean()
    )
    sens = s.sensitivity
    top = sens[sens["rank"] == 1].set_index("metric")["input"]
    assert top["storage_capacity_kt"] == "oil.baku.storage_share_transit"
    assert top["btc_spare_capacity_mt_per_yr"] == "units.crude.bbl_per_t"  # more bbl/t, fewer Mt
    rho = sens.set_index(["metric", "input"])["spearman_rho"]
    assert rho["btc_spare_capacity_mt_per_yr", "units.crude.bbl_per_t"] == pytest.approx(-1.0)
    text = s.to_text()
    assert "p10" in text
    assert "bottleneck frequency" in text
    with pytest.raises(UnknownNameError, match="did you mean 'unmet_mt'"):
        study.exceedance(["unmt_mt>0"])
    with pytest.raises(ScenarioError, match="expected METRIC>VALUE"):
        study.exceedance(["unmet_mt=0"])


def test_a_failing_draw_is_a_row_not_the_end_of_the_study():
    # a zero cargo per call is refused by the model: those draws fail, the others run
    study = _mc(
        n=8,
        distributions={"oil.tanker.kmtf_cargo_per_call": ("choice", [6000.0, 0.0])},
        catalogue=False,
    )
    runs = study.runs
    failed = runs[runs["status"] == "failed"]
    assert 0 < len(failed) < 8
    assert (failed["oil.tanker.kmtf_cargo_per_call"] == 0.0).all()
    assert failed["error"].str.contains("kmtf_cargo_t").all()
    s = study.summary()
    assert len(s.failed) == len(failed)
    assert s.metrics.set_index("metric").loc["delivered_mt", "runs"] == 8 - len(failed)
    assert f"{len(failed)} failed" in s.to_text()


# --------------------------------------------------------------------------- checkpoints
def test_checkpoint_resumes_only_what_is_missing_with_identical_tables(tmp_path, monkeypatch):
    whole = _mc(n=6)
    ck = tmp_path / "ck"
    _mc(n=6, checkpoint=ck)
    for name in ("000001.json", "000004.json"):
        (ck / "runs" / name).unlink()
    ran = []
    real = execute_module.run_task
    monkeypatch.setattr(execute_module, "run_task", lambda p: ran.append(p["key"]) or real(p))
    again = _mc(n=6, checkpoint=ck)
    assert sorted(ran) == [1, 4]
    for name in ("runs", "values", "inputs", "base"):
        pd.testing.assert_frame_equal(whole.table(name), again.table(name))
    ran.clear()
    longer = _mc(n=8, checkpoint=ck)  # extends: only draws 6 and 7 run
    assert sorted(ran) == [6, 7]
    assert len(longer.runs) == 8
    with pytest.raises(ScenarioError, match="holds another study .*scenario"):
        _mc(OIL.replace(seed=9), n=2, checkpoint=ck)


def test_interrupted_study_keeps_finished_draws_and_resumes(tmp_path, monkeypatch):
    whole = _mc(n=5)
    real = execute_module.iter_runs

    def interrupted(func, payloads, **kw):
        for k, (i, rec) in enumerate(real(func, payloads, **kw)):
            if k == 3:
                raise KeyboardInterrupt
            yield i, rec

    monkeypatch.setattr(execute_module, "iter_runs", interrupted)
    ck = tmp_path / "ck"
    with pytest.raises(cs.StudyInterrupted) as info:
        _mc(n=5, checkpoint=ck)
    err = info.value
    assert (err.done, err.total) == (3, 5)
    assert "3 of 5 draws saved in" in str(err)
    assert len(err.partial.runs) == 3
    assert isinstance(err, KeyboardInterrupt)
    monkeypatch.setattr(execute_module, "iter_runs", real)
    resumed = _mc(n=5, checkpoint=ck)
    for name in ("runs", "values"):
        pd.testing.assert_frame_equal(whole.table(name), resumed.table(name))


@pytest.mark.skipif(importlib.util.find_spec("dask") is None, reason="dask not installed")
def test_dask_without_distributed_warns_and_runs_one_by_one(monkeypatch):
    from corridor_sim.scenarios import executors

    real = importlib.import_module

    def no_distributed(name, *args):
        if name == "dask.distributed":
            raise ModuleNotFoundError(name)
        return real(name, *args)

    monkeypatch.setattr(executors.importlib, "import_module", no_distributed)
    with pytest.warns(RuntimeWarning, match="threaded scheduler cannot run these models"):
        out = map_runs(abs, [-1, -2, 3], executor="dask")
    assert out == [1, 2, 3]


def test_the_library_logs_to_corridor_sim_with_a_null_handler():
    import logging

    handlers = logging.getLogger("corridor_sim").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)
    assert not any(type(h) is logging.StreamHandler for h in handlers)
