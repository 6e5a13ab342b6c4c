import subprocess
import sys

import pandas as pd
import pytest

from corridor_sim.cli import main


def test_facts_table_and_csv(capsys):
    assert main(["facts"]) == 0
    out = capsys.readouterr().out
    assert "oil.abc.volume_2023" in out
    assert main(["facts", "--format", "csv", "--status", "assumption"]) == 0
    csv = capsys.readouterr().out
    assert csv.splitlines()[0].startswith("id,subject,value,unit,year,status")


def test_run_writes_tables_and_prints_summary(tmp_path, capsys, tiny):
    out = tmp_path / "run"
    assert main(["run", str(tiny), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "delivered" in text
    assert (out / "flows.csv").is_file()
    assert (out / "summary.csv").is_file()
    flows = pd.read_csv(out / "flows.csv")
    assert {"element", "source", "target", "period", "snapshot", "flow_kt", "capacity_kt"} <= set(
        flows.columns
    )


def test_sweep_uses_the_files_sweep_table(tmp_path, capsys, tiny):
    dest = tmp_path / "sweep.csv"
    assert main(["sweep", str(tiny), "--out", str(dest)]) == 0
    table = pd.read_csv(dest)
    assert table["run"].nunique() == 4


def test_sweep_with_param_flag(capsys, tiny):
    assert main(["sweep", str(tiny), "--param", "pipe.capacity=10,20"]) == 0
    assert "pipe.capacity" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "pattern"),
    [
        (["run", "missing.toml"], "no such scenario file"),
        (["sweep", "tiny.toml", "--param", "nonsense"], "expected NAME=V1,V2"),
        (["sweep", "tiny.toml", "--param", "pipe.capacty=1"], "did you mean"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, pattern, capsys, tiny, monkeypatch):
    monkeypatch.chdir(tiny.parent)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("corridor-sim: error:")
    assert pattern in err
    assert len(err.splitlines()) == 1


def test_console_script_has_no_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('model = "oil"\nyear = 2025\nwat = 1\n', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "corridor_sim.cli", "run", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "bad.toml: wat: unknown key" in proc.stderr


def test_output_cut_short_by_a_closed_pipe_is_not_an_error():
    # regression: `corridor-sim facts --format csv | head -n 1` printed
    # "corridor-sim: error: BrokenPipeError" (the table is larger than a pipe buffer)
    cmd = f"'{sys.executable}' -m corridor_sim.cli facts --format csv | head -n 1"
    proc = subprocess.run(cmd, shell=True, capture_output=True, text=True, check=False)
    assert proc.stdout.startswith("id,subject,value")
    assert proc.stderr == ""


def test_monte_carlo_dist_with_a_non_number_is_one_clear_line(capsys, tiny):
    # regression: "uniform:a:b" gave "ValueError: could not convert string to float: 'a'"
    code = main(["monte-carlo", str(tiny), "-n", "2", "--dist", "pipe.capacity=uniform:a:5"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--dist 'pipe.capacity=uniform:a:5': 'a' is not a number" in err


# ----------------------------------------------------------------- studies, logging, signals
import importlib.util  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
from pathlib import Path  # noqa: E402

import corridor_sim  # noqa: E402
from tests import interrupts as _interrupt  # noqa: E402
from tests.helpers import ROOT, example_output  # noqa: E402

STORM = ROOT / "examples" / "oil_storm_season.toml"


def test_version_flag(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"corridor-sim {corridor_sim.__version__}"


def test_monte_carlo_without_dist_prints_the_summary_and_writes_figures(tmp_path, capsys):
    out = tmp_path / "mc"
    code = main(
        [
            "monte-carlo",
            str(STORM),
            "-n",
            "6",
            "--quiet",
            "--threshold",
            "unmet_mt>0.3",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # --quiet: no progress bar, no log lines
    text = captured.out
    for word in ("p10", "p50", "p90", "bottleneck frequency", "tanker_lane", "unmet_mt > 0.3"):
        assert word in text
    written = {p.name for p in out.iterdir()}
    assert {"summary.csv", "runs.csv", "values.csv", "bottleneck_frequency.csv"} <= written
    assert {"study_fan.png", "study_tornado.png", "study_bottlenecks.png"} <= written
    runs = pd.read_csv(out / "runs.csv")
    assert "oil.fleet.asco_tankers_baku" in runs.columns
    assert len(runs) == 6


def test_monte_carlo_out_csv_keeps_the_long_table(tmp_path, capsys):
    dest = tmp_path / "mc.csv"
    assert main(["monte-carlo", str(STORM), "-n", "2", "-q", "--out", str(dest)]) == 0
    table = pd.read_csv(dest)
    assert {"draw", "metric", "value", "unit", "element", "bottleneck"} <= set(table.columns)


def test_verbose_logs_what_the_library_does(capsys, root):
    path = str(root / "examples" / "oil_volume_sweep.toml")
    assert main(["sweep", path, "--param", "kazakh_volume_mt_per_yr=1.7", "-v"]) == 0
    err = capsys.readouterr().err
    assert "corridor-sim: INFO: options.study = 'bottleneck_sequence'" in err
    assert main(["sweep", path, "--param", "kazakh_volume_mt_per_yr=1.7", "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_diff_lists_the_inputs_that_differ_and_metric_changes(capsys):
    a, b = example_output("oil_baseline_2025"), example_output("oil_btc_outage")
    capsys.readouterr()  # what their runs printed, if this test made them
    assert main(["diff", str(a), str(b), "-q"]) == 0
    out = capsys.readouterr().out
    assert "events" in out
    assert "storage_peak_kt" in out  # changed: listed
    assert "delivered_mt" not in out  # unchanged: counted, not listed
    assert "change" in out


def test_ctrl_c_in_any_command_is_one_line_and_exit_130(monkeypatch, capsys, tiny):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("corridor_sim.scenarios.runner.run", interrupted)
    assert main(["run", str(tiny)]) == 130
    err = capsys.readouterr().err
    assert err == "corridor-sim: interrupted\n"


def _wait_for_runs(folder: Path, count: int, proc: subprocess.Popen) -> None:
    def saved() -> bool:
        runs = folder / "runs"
        return runs.is_dir() and len(list(runs.glob("*.json"))) >= count

    _interrupt.wait_until(saved, proc, f"{count} runs saved")


@pytest.mark.parametrize(
    "executor",
    [
        "serial",
        "process",
        pytest.param(
            "dask",
            marks=[
                pytest.mark.slow,
                pytest.mark.skipif(
                    importlib.util.find_spec("distributed") is None,
                    reason="dask.distributed not installed",
                ),
            ],
        ),
    ],
)
def test_signal_interrupts_a_real_study_which_resumes_to_the_same_tables(tmp_path, executor):
    n = "24"
    ck, out, ref = tmp_path / "ck", tmp_path / "out", tmp_path / "ref"
    base = [sys.executable, "-m", "corridor_sim.cli", "monte-carlo", str(STORM), "-n", n, "-q"]
    cmd = [*base, "--executor", executor, "--workers", "2", "--checkpoint", str(ck), "--no-plots"]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    proc = _interrupt.popen(  # receives SIGINT even when the suite runs with it ignored
        [*cmd, "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    _wait_for_runs(ck, 3, proc)
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C in a terminal: the whole process group
    _, err = proc.communicate(timeout=_interrupt.EXIT_TIMEOUT_S)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("corridor-sim: interrupted: ")
    assert f"of {n} draws saved in {ck}" in lines[0]
    saved = len(list((ck / "runs").glob("*.json")))
    assert 3 <= saved < int(n)
    assert not out.exists()
    resumed = subprocess.run(
        [*cmd, "--out", str(out)], capture_output=True, text=True, env=env, check=False
    )
    assert resumed.returncode == 0, resumed.stderr
    whole = subprocess.run(
        [*base, "--no-plots", "--out", str(ref)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert whole.returncode == 0, whole.stderr
    for name in ("runs.csv", "values.csv", "summary.csv", "bottleneck_frequency.csv"):
        assert (out / name).read_bytes() == (ref / name).read_bytes(), name
