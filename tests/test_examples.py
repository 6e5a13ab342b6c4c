"""Every scenario file and script in examples/ runs, through the CLI and Python."""

import runpy
import sys
from pathlib import Path

import pytest

import corridor_sim as cs
from corridor_sim.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TOMLS = sorted(EXAMPLES.glob("*.toml"))
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


@pytest.mark.parametrize("path", TOMLS, ids=[p.stem for p in TOMLS])
def test_scenario_file_runs_from_the_cli(path, tmp_path, capsys):
    out = tmp_path / path.stem
    assert main(["run", str(path), "--out", str(out)]) == 0, capsys.readouterr().err
    written = {p.name for p in out.iterdir()}
    assert {"summary.csv", "meta.json"} <= written
    result = cs.Result.load(out)
    assert not result.summary().empty
    assert result.meta["model"] == cs.Scenario.from_toml(path, check=False).model


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_example_script_runs(path, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", [str(path), str(tmp_path)])
    runpy.run_path(str(path), run_name="__main__")
    assert any(tmp_path.iterdir()), f"{path.name} wrote nothing into its OUT_DIR"
