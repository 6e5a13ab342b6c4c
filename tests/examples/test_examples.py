"""Every scenario file and script in examples/ runs, through the CLI and Python.

The scenario files run once per pytest run through ``corridor-sim run FILE --out DIR``
(:func:`tests.helpers.example_output`); the other tests read what that run wrote.
"""

import runpy
import sys

import pytest

import corridor_sim as cs
from tests.helpers import EXAMPLE_FILES, ROOT, example_output

EXAMPLES = ROOT / "examples"
TOMLS = EXAMPLE_FILES
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


@pytest.mark.parametrize("path", TOMLS, ids=[p.stem for p in TOMLS])
def test_scenario_file_runs_from_the_cli(path):
    out = example_output(path.stem)
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
