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


def test_run_writes_tables_and_prints_summary(tmp_path, capsys, root):
    out = tmp_path / "run"
    assert main(["run", str(root / "examples" / "commodity_custom.toml"), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "delivered" in text
    assert (out / "flows.csv").is_file()
    assert (out / "summary.csv").is_file()
    flows = pd.read_csv(out / "flows.csv")
    assert {"element", "source", "target", "period", "snapshot", "flow_kt", "capacity_kt"} <= set(
        flows.columns
    )


def test_sweep_uses_the_files_sweep_table(tmp_path, capsys, root):
    dest = tmp_path / "sweep.csv"
    assert (
        main(["sweep", str(root / "examples" / "commodity_custom.toml"), "--out", str(dest)]) == 0
    )
    table = pd.read_csv(dest)
    assert table["run"].nunique() == 4


def test_sweep_with_param_flag(capsys, root):
    path = str(root / "examples" / "commodity_custom.toml")
    assert main(["sweep", path, "--param", "port->market_a.capacity=10,20"]) == 0
    assert "port->market_a.capacity" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "pattern"),
    [
        (["run", "missing.toml"], "no such scenario file"),
        (["sweep", "examples/commodity_custom.toml", "--param", "nonsense"], "expected NAME=V1,V2"),
        (
            ["sweep", "examples/commodity_custom.toml", "--param", "port->market_a.capacty=1"],
            "did you mean",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, pattern, capsys, root, monkeypatch):
    monkeypatch.chdir(root)
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


def test_monte_carlo_dist_with_a_non_number_is_one_clear_line(capsys, root):
    # regression: "uniform:a:b" gave "ValueError: could not convert string to float: 'a'"
    path = str(root / "examples" / "commodity_custom.toml")
    code = main(["monte-carlo", path, "-n", "2", "--dist", "port->market_a.capacity=uniform:a:5"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--dist 'port->market_a.capacity=uniform:a:5': 'a' is not a number" in err
