"""Bad input through the command line and the Python API: one clear line, never a traceback.

Each case names what is wrong (the flag, key, element or value) and ends with a
CorridorSimError (exit status 2 on the command line), before any long work runs.
"""

from __future__ import annotations

import shutil
import sys

import numpy as np
import pandas as pd
import pytest

import corridor_sim as cs
from corridor_sim.cli import main
from corridor_sim.errors import CorridorSimError
from tests import interrupts as _interrupt
from tests.helpers import ROOT, example_output

OIL = str(ROOT / "examples" / "oil_baseline_2025.toml")

CLI_CASES = [
    (["models", "--year", "99999"], "--year"),
    (["monte-carlo", OIL, "-n", "3", "--dist", "kazakh_volume_mt_per_yr=uniform:3:1"], "low 3"),
    (["monte-carlo", OIL, "-n", "3", "--dist", "kazakh_volume_mt_per_yr=normal:2:-1"], "spread"),
    (
        ["monte-carlo", OIL, "-n", "3", "--dist", "kazakh_volume_mt_per_yr=triangular:3:1:2"],
        "mode",
    ),
    (["monte-carlo", OIL, "-n", "3", "--dist", "kazakh_volume_mt_per_yr=choice:"], "choice"),
    (
        ["monte-carlo", OIL, "-n", "3", "--dist", "tanker_cargo_share=uniform:2:3"],
        "outside the parameter's bounds",
    ),
    (["monte-carlo", OIL, "-n", "0"], "draws"),
    (["sweep", OIL, "--workers", "0", "--param", "kazakh_volume_mt_per_yr=1"], "--workers"),
    (
        [
            "sweep",
            OIL,
            "--param",
            "kazakh_volume_mt_per_yr=1,2",
            "--param",
            "kazakh_volume_mt_per_yr=3",
        ],
        "given twice",
    ),
    (["run", str(ROOT / "examples" / "no_such.toml")], "no such scenario file"),
]


@pytest.mark.parametrize(("argv", "words"), CLI_CASES, ids=[" ".join(c[0][:2]) for c in CLI_CASES])
def test_cli_bad_input_is_one_line(argv, words, capsys):
    def run() -> None:  # argparse errors exit 2 themselves; ours return 2
        raise SystemExit(main(argv))

    with pytest.raises(SystemExit) as info:
        run()
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "Traceback" not in "\n".join(err)
    assert any(words in line for line in err), err


def _scn() -> cs.Scenario:
    return cs.Scenario.from_toml(OIL)


API_CASES = {
    "sweep over a list": lambda: cs.sweep(_scn(), [1, 2], progress=False),
    "max_workers as text": lambda: cs.sweep(
        _scn(), {"kazakh_volume_mt_per_yr": [1, 2]}, executor="process", max_workers="2"
    ),
    "draws as text": lambda: cs.monte_carlo(_scn(), "2", progress=False),
    "an override of 10**400": lambda: cs.run(
        _scn().with_overrides(kazakh_volume_mt_per_yr=10**400)
    ),
    "a horizon of a billion months": lambda: cs.run(_scn().replace(periods=1_000_000_000)),
    "an outage of 40 days in January": lambda: cs.run(
        _scn().replace(events=[{"element": "btc", "start": 0, "days": 40}])
    ),
    "year 1800": lambda: cs.run(_scn().replace(year=1800)),
}


@pytest.mark.parametrize("case", sorted(API_CASES))
def test_api_bad_input_is_a_corridor_sim_error(case):
    with pytest.raises(CorridorSimError) as info:
        API_CASES[case]()
    assert "\n" not in str(info.value)


def test_numpy_integers_are_accepted_where_integers_are():
    scn = _scn().replace(year=np.int64(2025), periods=np.int64(6))
    assert len(cs.run(scn).table("delivered")) > 0
    study = cs.monte_carlo(_scn(), np.int64(2), progress=False)
    assert len(study.table("runs")) == 2


def test_out_never_mixes_with_other_files(tmp_path, capsys, tiny):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "flows.csv").write_text("my own table\n")
    assert main(["run", str(tiny), "--out", str(mine), "--no-plots"]) == 2
    assert "not a corridor_sim result" in capsys.readouterr().err
    assert (mine / "flows.csv").read_text() == "my own table\n"
    out = tmp_path / "out"
    assert main(["run", str(tiny), "--out", str(out), "--no-plots"]) == 0
    assert main(["run", str(tiny), "--out", str(out), "--no-plots"]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert main(["run", str(tiny), "--out", str(out), "--overwrite"]) == 0
    study = str(tiny)
    sweep_out = tmp_path / "sweep"
    sweep_out.mkdir()
    (sweep_out / "notes.txt").write_text("keep me\n")
    # --out is checked before any run: this fails at once, not after the sweep
    assert main(["sweep", study, "--out", str(sweep_out)]) == 2
    assert (sweep_out / "notes.txt").read_text() == "keep me\n"
    table = tmp_path / "t.csv"
    table.write_text("x\n")
    assert main(["sweep", study, "--out", str(table)]) == 2
    assert table.read_text() == "x\n"


def test_replacing_a_result_leaves_no_stale_files(tmp_path, tiny):
    out = tmp_path / "out"
    shutil.copytree(example_output("oil_volume_sweep"), out)  # a result with a study table
    assert (out / "bottleneck_sequence.csv").is_file()
    assert main(["run", str(tiny), "--out", str(out), "--overwrite"]) == 0
    assert not (out / "bottleneck_sequence.csv").exists()
    assert cs.Result.load(out).meta["scenario"] == "tiny"


def test_ctrl_c_is_one_line_and_exit_130(tmp_path):
    code = (
        "import signal, os, threading, sys\n"
        "from corridor_sim.cli import main\n"
        "threading.Timer(1.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()\n"
        f"sys.exit(main(['monte-carlo', {OIL!r}, '-n', '100000', '--quiet']))\n"
    )
    # the child receives SIGINT even when the suite runs with it ignored (a background job)
    proc = _interrupt.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=_interrupt.START_TIMEOUT_S,
        cwd=tmp_path,
    )
    assert proc.returncode == 130, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr


def test_frames_from_results_keep_their_types_after_a_bad_save(tmp_path):
    r = cs.Result({"flows": pd.DataFrame({"element": ["a"], "flow_kt": [1.0]})})
    with pytest.raises(CorridorSimError):
        r.save(tmp_path / "x" / ".." / ".." / "..")  # a folder of other files


# -- engines: a user's own pandapower net ----------------------------------------------------
def _case30(changes=()):
    """case30 with linear costs and `changes` ((table, column, index), value) applied."""
    import pandapower.networks as pn

    net = pn.case30()
    net.poly_cost["cp2_eur_per_mw2"] = 0.0  # the dispatch LP is linear
    for (table, column, index), value in changes:
        net[table][column] = net[table][column].astype(float)
        net[table].loc[index, column] = value
    return net


ENGINE_CASES = {
    "dc_flow, NaN vn_kv": (
        lambda: _power().dc_flow(_case30([(("bus", "vn_kv", 3), np.nan)])),
        "bus 3: vn_kv = nan",
    ),
    "dc_flow, NaN line length": (
        lambda: _power().dc_flow(_case30([(("line", "length_km", 5), np.nan)])),
        "line 5: length_km = nan",
    ),
    "n_minus_1, NaN load": (
        lambda: _power().n_minus_1(_case30([(("load", "p_mw", 2), np.nan)])),
        "load 2: p_mw = nan",
    ),
    "dispatch, NaN cost": (
        lambda: _dispatch()(_case30([(("poly_cost", "cp1_eur_per_mw", 1), np.nan)])),
        "cp1_eur_per_mw = nan",
    ),
    "dispatch, infinite cost": (
        lambda: _dispatch()(_case30([(("poly_cost", "cp1_eur_per_mw", 1), np.inf)])),
        "cp1_eur_per_mw = inf",
    ),
    "dispatch, line half in service": (
        lambda: _dispatch()(_case30(), line_in_service=pd.DataFrame({0: [1.0, 0.5]})),
        "expected 0 or 1",
    ),
    "dispatch, line in service twice": (
        lambda: _dispatch()(_case30(), line_in_service=pd.DataFrame({0: [2, 1]})),
        "expected 0 or 1",
    ),
}


def _power():
    from corridor_sim.engines import power

    return power


def _dispatch():
    from corridor_sim.engines.dispatch import dispatch

    return dispatch


@pytest.mark.parametrize("case", sorted(ENGINE_CASES))
def test_engine_bad_net_names_the_element(case):
    call, words = ENGINE_CASES[case]
    with pytest.raises(CorridorSimError, match=words.replace("(", r"\(")) as info:
        call()
    assert "\n" not in str(info.value)


def test_a_dc_model_of_another_or_a_changed_net_is_refused():
    power = _power()
    net = _case30()
    model = power.DCModel.from_net(net)
    hours = pd.DataFrame({0: [20.0, 25.0]})
    reused = power.dc_flow(net, load_p_mw=hours, model=model)
    fresh = power.dc_flow(net, load_p_mw=hours)
    pd.testing.assert_frame_equal(reused.line_p_from_mw, fresh.line_p_from_mw)
    net.line.loc[3, "x_ohm_per_km"] *= 2  # the net changes after the model was built
    with pytest.raises(CorridorSimError, match="built from another net"):
        power.dc_flow(net, load_p_mw=hours, model=model)
    with pytest.raises(CorridorSimError, match="built from another net"):
        power.n_minus_1(net, model=model)
    import pandapower.networks as pn

    with pytest.raises(CorridorSimError, match="built from another net"):
        power.dc_flow(pn.case9(), model=model)


# -- models: rules between parameters, horizons and years ----------------------------------
MODEL_CASES = {
    "BTC spare above BTC capacity": (
        lambda: cs.run(_scn().with_overrides(btc_spare_capacity_mt_per_yr=90.0)),
        "btc_spare_capacity_mt_per_yr = 90.0 is above btc_capacity_mt_per_yr",
    ),
    "a Caspian event after the horizon": (
        lambda: cs.run(
            cs.Scenario(
                model="caspian",
                year=2032,
                name="e",
                periods=48,
                events=[{"element": "black_sea_cable", "start": 100}],
            )
        ),
        "outside the horizon of 48 hours",
    ),
    "a Caspian event with days": (
        lambda: cs.run(
            cs.Scenario(
                model="caspian",
                year=2032,
                name="e",
                periods=48,
                events=[{"element": "black_sea_cable", "start": 1, "days": 3}],
            )
        ),
        "does not fit hourly periods",
    ),
    "caspian before its figures": (
        lambda: cs.run(cs.Scenario(model="caspian", year=2010, name="early", periods=24)),
        "has figures for 2022..2035",
    ),
    "serbia before its figures": (
        lambda: cs.run(cs.Scenario(model="serbia", year=2015, name="early", periods=24)),
        "has figures for 2022..2030",
    ),
    "a commodity network of 10**20 periods": (
        lambda: _network(periods=10**20),
        "expected an int in 1..87840",
    ),
    "a commodity network with no unit": (lambda: _network(unit=""), "expected a unit name"),
    "a capacity of 10**400": (
        lambda: _network(arcs=[{"source": "a", "target": "b", "capacity": 10**400}]),
        "too large for a float",
    ),
}


def _network(**changes):
    from corridor_sim.engines.commodity import network_from_dict

    spec = {
        "unit": "kt",
        "periods": 2,
        "nodes": [{"id": "a", "kind": "supply", "supply": 5}, {"id": "b", "kind": "demand"}],
        "arcs": [{"source": "a", "target": "b", "capacity": 10}],
        **changes,
    }
    return network_from_dict(spec)


@pytest.mark.parametrize("case", sorted(MODEL_CASES))
def test_model_bad_input_names_the_culprit(case):
    call, words = MODEL_CASES[case]
    with pytest.raises(CorridorSimError) as info:
        call()
    assert words in str(info.value)
    assert "\n" not in str(info.value)


def test_a_year_after_the_figures_runs_with_a_warning_naming_them():
    with pytest.warns(UserWarning, match=r"figures cover 2023\.\.2026; later years carry"):
        result = cs.run(_scn().replace(year=2031))
    assert len(result.table("delivered")) > 0


def test_models_command_says_a_year_has_no_figures(capsys):
    assert main(["models", "--year", "2000"]) == 0
    out = capsys.readouterr().out
    assert "(no parameters for year 2000: its figures cover 2023..2026)" in out
