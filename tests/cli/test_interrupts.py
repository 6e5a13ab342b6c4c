"""Ctrl-C at any moment of ``corridor-sim``: one line on stderr and exit status 130.

The moments are conditions read from the child process, not fixed delays, so the test
means the same on a quiet and on a busy machine: numpy is being imported (0.2 s in on a
quiet machine), pandas is being imported (about a second in), and the draws are running
(the first is saved in the checkpoint). A SIGINT in the interpreter's own start-up, before
it has imported ``site`` (the first ~30 ms), ends any Python program with "Fatal Python
error"; no program can take it. SIGINT goes to the whole process group, as a
terminal's Ctrl-C does, so process-pool workers receive it too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corridor_sim.cli import main
from tests import interrupts as _interrupt
from tests.helpers import ROOT

OIL = str(ROOT / "examples" / "oil_baseline_2025.toml")

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/maps").exists(), reason="reads the child's state from /proc (Linux)"
)


def _moment(name: str, proc: subprocess.Popen, ck: Path) -> None:
    if name == "importing numpy":
        _interrupt.wait_until(lambda: _interrupt.maps_mention(proc.pid, "/numpy/"), proc, name)
    elif name == "importing pandas":
        _interrupt.wait_until(lambda: _interrupt.maps_mention(proc.pid, "pandas/_libs"), proc, name)
    else:  # a draw is saved: the next ones are running
        _interrupt.wait_until(lambda: any((ck / "runs").glob("*.json")), proc, name)


@pytest.mark.parametrize("executor", ["serial", "process"])
@pytest.mark.parametrize("moment", ["importing numpy", "importing pandas", "a draw saved"])
def test_ctrl_c_at_any_moment_is_one_line_and_exit_130(tmp_path, executor, moment):
    ck = tmp_path / "ck"
    cmd = [sys.executable, "-m", "corridor_sim.cli", "monte-carlo", OIL, "-n", "100000"]
    cmd += ["--quiet", "--executor", executor, "--workers", "2", "--checkpoint", str(ck)]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    proc = _interrupt.popen(
        cmd, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path, start_new_session=True
    )
    try:
        _moment(moment, proc, ck)
        sent = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=_interrupt.EXIT_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    took = time.monotonic() - sent
    assert proc.returncode == 130, (took, err)
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("corridor-sim: interrupted"), err
    if moment == "a draw saved" and lines[0] != "corridor-sim: interrupted":
        # the study's own line, unless the 2 s guard ended a study slower than that to stop
        assert "of 100000 draws saved in" in lines[0]


def _c_extension_interrupted(*args, **kwargs):
    """What a C extension that ignores a pending KeyboardInterrupt hands back."""
    try:
        raise KeyboardInterrupt  # noqa: TRY301 - the chain a C extension leaves
    except KeyboardInterrupt as err:
        msg = "<built-in function solve> returned a result with an exception set"
        raise SystemError(msg) from err


def test_a_ctrl_c_turned_into_system_error_is_still_ctrl_c(monkeypatch, capsys, tiny):
    monkeypatch.setattr("corridor_sim.scenarios.runner.run", _c_extension_interrupted)
    assert main(["run", str(tiny)]) == 130
    assert capsys.readouterr().err == "corridor-sim: interrupted\n"
    # in a probe, as in a draw: not "the scenario fails as it is", not a failed draw
    assert main(["monte-carlo", OIL, "-n", "3", "-q"]) == 130
    assert capsys.readouterr().err.startswith("corridor-sim: interrupted")


def test_a_draw_interrupted_inside_c_code_stops_the_study(monkeypatch):
    import corridor_sim as cs
    from corridor_sim.scenarios import single

    real = single.run
    calls = []

    def run(scenario, *args, **kwargs):
        calls.append(scenario)
        if len(calls) == 3:  # draws 0 and 1 finish, draw 2 is interrupted
            _c_extension_interrupted()
        return real(scenario, *args, **kwargs)

    monkeypatch.setattr(single, "run", run)
    with pytest.raises(cs.StudyInterrupted) as info:
        cs.monte_carlo(OIL, 5, progress=False)
    assert (info.value.done, info.value.total) == (2, 5)
