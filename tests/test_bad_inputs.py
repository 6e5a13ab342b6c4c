"""Bad input through the command line and the Python API: one clear line, never a traceback.

Each case names what is wrong (the flag, key, element or value) and ends with a
CorridorSimError (exit status 2 on the command line), before any long work runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import corridor_sim as cs
from corridor_sim.cli import main
from corridor_sim.errors import CorridorSimError

ROOT = Path(__file__).resolve().parents[1]
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
    with pytest.raises(SystemExit) as info:  # argparse errors exit 2 themselves
        code = main(argv)
        raise SystemExit(code)
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


def test_out_never_mixes_with_other_files(tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "flows.csv").write_text("my own table\n")
    assert main(["run", OIL, "--out", str(mine), "--no-plots"]) == 2
    assert "not a corridor_sim result" in capsys.readouterr().err
    assert (mine / "flows.csv").read_text() == "my own table\n"
    out = tmp_path / "out"
    assert main(["run", OIL, "--out", str(out), "--no-plots"]) == 0
    assert main(["run", OIL, "--out", str(out), "--no-plots"]) == 2
    assert "--overwrite" in capsys.readouterr().err
    study = str(ROOT / "examples" / "oil_volume_sweep.toml")
    assert main(["run", study, "--out", str(out), "--overwrite"]) == 0
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


def test_replacing_a_result_leaves_no_stale_files(tmp_path):
    out = tmp_path / "out"
    study = str(ROOT / "examples" / "oil_volume_sweep.toml")
    assert main(["run", study, "--out", str(out)]) == 0
    assert (out / "bottleneck_sequence.csv").is_file()
    assert main(["run", OIL, "--out", str(out), "--overwrite"]) == 0
    assert not (out / "bottleneck_sequence.csv").exists()
    assert cs.Result.load(out).meta["scenario"] == "oil_baseline_2025"


def test_ctrl_c_is_one_line_and_exit_130(tmp_path):
    code = (
        "import signal, os, threading, sys\n"
        "from corridor_sim.cli import main\n"
        "threading.Timer(1.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()\n"
        f"sys.exit(main(['monte-carlo', {OIL!r}, '-n', '100000', '--quiet']))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert proc.returncode == 130, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr


def test_frames_from_results_keep_their_types_after_a_bad_save(tmp_path):
    r = cs.Result({"flows": pd.DataFrame({"element": ["a"], "flow_kt": [1.0]})})
    with pytest.raises(CorridorSimError):
        r.save(tmp_path / "x" / ".." / ".." / "..")  # a folder of other files
