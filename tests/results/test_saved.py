"""Saved results: the manifest's format is checked, links are written through, a killed
save's leftovers go at the next save, and an unwritable --out is refused before any run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import corridor_sim as cs
from corridor_sim.cli import main
from corridor_sim.errors import ResultError
from tests import interrupts
from tests.helpers import ROOT

OIL = str(ROOT / "examples" / "oil_baseline_2025.toml")


def _result(n: float = 1.0) -> cs.Result:
    return cs.Result({"flows": pd.DataFrame({"element": ["a", "b"], "flow_kt": [n, 2 * n]})})


def _set_manifest(folder, **fields):
    path = folder / "meta.json"
    payload = json.loads(path.read_text())
    payload.update(fields)
    path.write_text(json.dumps(payload))


def test_load_checks_the_format_and_its_version(tmp_path):
    out = _result().save(tmp_path / "r")
    assert json.loads((out / "meta.json").read_text())["format_version"] == "1.0"
    _set_manifest(out, format="someone.else")
    with pytest.raises(
        ResultError, match="format = 'someone.else'; expected 'corridor_sim.result'"
    ):
        cs.Result.load(out)
    _set_manifest(out, format="corridor_sim.result", format_version="2.0")
    with pytest.raises(ResultError, match=r"format version '2\.0'; this corridor_sim reads .*1\.0"):
        cs.Result.load(out)
    _set_manifest(out, format_version="1.7")
    with pytest.warns(UserWarning, match=r"version 1\.7 is newer .* \(1\.0\)"):
        assert cs.Result.load(out).equals(_result())
    payload = json.loads((out / "meta.json").read_text())
    del payload["format_version"]  # written before versions were recorded: 1.0
    (out / "meta.json").write_text(json.dumps(payload))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cs.Result.load(out).equals(_result())


def test_a_study_folder_records_its_format_version(tmp_path):
    net = {
        "nodes": [{"id": "s", "kind": "supply", "supply": 5}, {"id": "d", "kind": "demand"}],
        "arcs": [{"source": "s", "target": "d", "capacity": 2}],
    }
    net["nodes"][1]["demand"] = 3
    scn = cs.Scenario(model="commodity", year=2025, network=net)
    out = cs.sweep(scn, {"s->d.capacity": [1.0, 4.0]}, progress=False).save(tmp_path / "s")
    meta = json.loads((out / "meta.json").read_text())
    assert (meta["format"], meta["format_version"]) == ("corridor_sim.study", "1.0")
    with pytest.raises(ResultError, match="expected 'corridor_sim.result'"):
        cs.Result.load(out)


def test_a_linked_out_is_written_through_the_link(tmp_path, tiny):
    real = _result(1.0).save(tmp_path / "real")
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    assert _result(2.0).save(link, overwrite=True) == link
    assert link.is_symlink()
    assert cs.Result.load(real).equals(_result(2.0))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]  # nothing left over
    assert main(["run", str(tiny), "--out", str(link), "--overwrite", "--no-plots", "-q"]) == 0
    assert link.is_symlink()
    assert cs.Result.load(real).meta["scenario"] == "tiny"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


def test_a_dangling_link_is_refused_before_the_run(tmp_path, monkeypatch, capsys, tiny):
    def run(*args, **kwargs):
        pytest.fail("the scenario ran before --out was checked")

    monkeypatch.setattr("corridor_sim.scenarios.runner.run", run)
    link = tmp_path / "gone"
    link.symlink_to(tmp_path / "nowhere" / "out")
    assert main(["run", str(tiny), "--out", str(link)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"corridor-sim: error: --out {link}: a symbolic link to ")
    assert "which does not exist" in err
    with pytest.raises(ResultError, match="which does not exist"):
        _result().save(link)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc (Linux)")
def test_an_unwritable_out_is_refused_before_the_run_naming_the_users_path(
    monkeypatch, capsys, tiny
):
    def run(*args, **kwargs):
        pytest.fail("the scenario ran before --out was checked")

    monkeypatch.setattr("corridor_sim.scenarios.runner.run", run)
    assert main(["run", str(tiny), "--out", "/proc/nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("corridor-sim: error: --out /proc/nope: cannot write in /proc")
    assert ".new-" not in err
    assert ".probe-" not in err
    assert len(err.splitlines()) == 1
    assert main(["monte-carlo", OIL, "-n", "3", "--out", "/proc/nope.csv"]) == 2
    assert "--out /proc/nope.csv: cannot write in /proc" in capsys.readouterr().err


_BIG_SAVE = """
import sys, numpy as np, pandas as pd
from corridor_sim import Result, CorridorSimError
frame = pd.DataFrame({"v": np.arange(200_000, dtype=float)})
try:
    Result({"t": frame}).save(sys.argv[1])
except CorridorSimError as err:
    print(err)
"""


def test_a_file_size_limit_names_the_users_path(tmp_path):
    import resource

    def small_files():
        interrupts.default_sigint()
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, resource.RLIM_INFINITY))

    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", _BIG_SAVE, str(out)],
        capture_output=True,
        text=True,
        preexec_fn=small_files,
        check=False,
        timeout=interrupts.START_TIMEOUT_S,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"could not write {out}: File too large (")
    assert "ulimit -f" in proc.stdout
    assert ".new-" not in proc.stdout
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # the temporary folder is gone too


_SLOW_SAVE = """
import sys, numpy as np, pandas as pd
from corridor_sim import Result
tables = {f"t{i:02d}": pd.DataFrame({"v": np.full(50_000, 1.5)}) for i in range(200)}
Result(tables).save(sys.argv[1], overwrite=True)
"""


def test_a_killed_saves_temporary_folder_goes_at_the_next_save(tmp_path):
    out = tmp_path / "out"
    proc = interrupts.popen([sys.executable, "-c", _SLOW_SAVE, str(out)], stderr=subprocess.PIPE)
    try:
        interrupts.wait_until(
            lambda: any(p.name.startswith(".out.new-") for p in tmp_path.iterdir()),
            proc,
            "a temporary folder of the save",
        )
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".out.new-")]
    assert left  # SIGKILL: nothing could clean up
    alive = tmp_path / f".out.new-{os.getppid()}-running"  # a save still running elsewhere
    alive.mkdir()
    _result().save(out, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, "out"])
    assert cs.Result.load(out).equals(_result())


def test_a_file_out_through_a_link_and_leftovers(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("x\n1\n")
    link = tmp_path / "table.csv"
    link.symlink_to(real)
    stale = tmp_path / ".real.csv.new-999999999-abc"  # no such process
    stale.write_text("half a table")
    assert main(["monte-carlo", OIL, "-n", "2", "-q", "--out", str(link), "--overwrite"]) == 0
    assert link.is_symlink()
    assert "metric" in real.read_text()
    assert not stale.exists()
    assert np.isfinite(pd.read_csv(link)["value"]).all()
