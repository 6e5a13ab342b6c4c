"""Studies on Dask's distributed scheduler: a lost worker, Ctrl-C, a plain script.

Each test starts a cluster (several seconds on a busy machine), so there are few: a
killed worker and the documented script run by default, the rest are marked slow.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import os
import re
import signal
import subprocess
import sys
import threading
import time
import types
from pathlib import Path

import pandas as pd
import pytest

import corridor_sim as cs
from corridor_sim.scenarios._dask import OwnCluster
from tests.helpers import ROOT

distributed = pytest.importorskip("distributed")

STORM = ROOT / "examples" / "oil_storm_season.toml"
SCALING = ROOT / "docs" / "scaling.md"


def _until(condition, timeout: float, what: str, poll: float = 0.05):
    """Wait for `condition()` to be true (a condition, not a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll)
    pytest.fail(f"not within {timeout} s: {what}")


def test_a_killed_worker_loses_no_draw_and_doubles_none(tmp_path):
    n = 16
    serial = cs.monte_carlo(STORM, n, progress=False, tables=["utilisation"])
    ck = tmp_path / "ck"
    # the study's own kind of LocalCluster (workers forked warm), run here so the test
    # can reach its workers
    cluster = OwnCluster(2)
    client = distributed.Client(cluster.address)
    out: dict[str, object] = {}

    def study() -> None:
        try:
            out["study"] = cs.monte_carlo(
                STORM, n, executor="dask", checkpoint=ck, progress=False, tables=["utilisation"]
            )
        except BaseException as err:  # reported below
            out["error"] = err

    thread = threading.Thread(target=study)
    try:
        thread.start()
        saved = lambda: len(list((ck / "runs").glob("*.json"))) if (ck / "runs").is_dir() else 0  # noqa: E731

        def busy_worker():
            # a warm worker (a draw is saved) in the middle of a draw
            if saved() < 1:
                return None
            busy = [a for a, keys in client.processing().items() if keys]
            return busy[0] if busy else None

        victim = _until(busy_worker, 180, "a worker busy with a draw after the first draw")
        in_flight = client.processing()[victim]
        pid = client.run(os.getpid, workers=[victim])[victim]
        assert saved() < n, "the study ended before the kill"
        os.kill(pid, signal.SIGKILL)
        thread.join(timeout=300)
        assert not thread.is_alive()
    finally:
        client.close()
        cluster.close()
    assert "error" not in out, out.get("error")
    assert in_flight  # the killed worker held draws that had not finished
    study = out["study"]
    assert sorted(study.runs["draw"]) == list(range(n))  # none lost, none twice
    for name in ("runs", "values", "inputs", "base"):
        pd.testing.assert_frame_equal(study.table(name), serial.table(name))
    # the workers wrote the kept tables into the checkpoint; they read back as serial's
    assert len(list((ck / "tables" / "utilisation").glob("*.csv"))) == n
    pd.testing.assert_frame_equal(study.run_table("utilisation"), serial.run_table("utilisation"))


def _docs_script() -> str:
    text = SCALING.read_text(encoding="utf-8")
    match = re.search(r"<!-- script: study\.py -->\s*```python\n(.*?)```", text, re.S)
    assert match, "docs/scaling.md: no block marked <!-- script: study.py -->"
    return match.group(1)


def test_the_documented_plain_script_runs_as_written(tmp_path):
    script = _docs_script()
    assert "__main__" not in script  # no main guard, as users write it
    path = tmp_path / "study.py"
    path.write_text(script, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "8 of 8 draws finished, 0 failed" in done.stdout
    assert "Traceback" not in done.stderr


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            kids += [int(p) for p in (task / "children").read_text().split()]
    return kids


def _cluster_started(pid: int) -> bool:
    for kid in _children(pid):
        try:
            if "_dask_cluster" in Path(f"/proc/{kid}/cmdline").read_text():
                return True
        except OSError:
            pass
    return False


def _default_sigint() -> None:
    # a shell without job control starts background jobs with SIGINT ignored; the child
    # must get the default so that Python installs its handler
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["cluster start", "mid-run", "save"])
def test_ctrl_c_ends_a_dask_study_at_once_with_one_line(tmp_path, moment):
    ck, out = tmp_path / "ck", tmp_path / "out"
    cmd = [sys.executable, "-m", "corridor_sim.cli", "monte-carlo", str(STORM), "-n", "40"]
    cmd += ["-q", "--executor", "dask", "--workers", "2", "--checkpoint", str(ck)]
    cmd += ["--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
        preexec_fn=_default_sigint,
    )
    saved = lambda: len(list((ck / "runs").glob("*.json"))) if (ck / "runs").is_dir() else 0  # noqa: E731
    reached = {
        "cluster start": lambda: _cluster_started(proc.pid),
        "mid-run": lambda: saved() >= 3,
        "save": lambda: list(tmp_path.glob(".out.new-*")),
    }[moment]
    try:
        _until(lambda: reached() or proc.poll() is not None, 300, moment)
        assert proc.poll() is None, f"the study ended before the {moment}"
        cluster = [k for k in _children(proc.pid) if moment != "save"]
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal: the foreground group
        start = time.monotonic()
        _, err = proc.communicate(timeout=60)
        seconds = time.monotonic() - start
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("corridor-sim: interrupted"), err
    print(f"{moment}: exit 130 {seconds:.2f} s after SIGINT (load {os.getloadavg()[0]:.1f})")
    assert seconds < 5 * max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1)), err
    for kid in cluster:  # the cluster process and its workers are gone
        assert (
            not Path(f"/proc/{kid}").exists() or "zombie" in Path(f"/proc/{kid}/status").read_text()
        )
    if moment == "mid-run":
        resumed = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        assert resumed.returncode == 0, resumed.stderr


# ------------------------------------------------------------------ cluster recipes
#: Keyword arguments the real classes take (dask-jobqueue 0.9.0, dask-kubernetes 2026.3.0),
#: used when the package is not installed.
CLUSTER_KWARGS = {
    "slurm": (
        "dask_jobqueue",
        "SLURMCluster",
        {
            "queue", "account", "walltime", "job_cpu", "job_mem", "job_extra_directives",
            "job_directives_skip", "cores", "memory", "processes", "interface", "nanny",
            "local_directory", "death_timeout", "worker_command", "worker_extra_args",
            "job_script_prologue", "log_directory", "shebang", "python", "config_name",
            "name", "n_workers", "silence_logs", "asynchronous", "security",
            "scheduler_options", "scheduler_cls", "shared_temp_directory",
        },
    ),
    "kubernetes": (
        "dask_kubernetes.operator",
        "KubeCluster",
        {
            "name", "namespace", "image", "n_workers", "resources", "env", "worker_command",
            "port_forward_cluster_ip", "create_mode", "shutdown_on_close", "idle_timeout",
            "resource_timeout", "scheduler_service_type", "custom_cluster_spec",
            "scheduler_forward_port", "jupyter", "loop", "asynchronous", "quiet",
        },
    ),
}  # fmt: skip


def _recipe(name: str) -> str:
    text = SCALING.read_text(encoding="utf-8")
    match = re.search(rf"<!-- recipe: {name} -->\s*```python\n(.*?)```", text, re.S)
    assert match, f"docs/scaling.md: no block marked <!-- recipe: {name} -->"
    return match.group(1)


def _allowed(name: str) -> set[str]:
    module, cls, known = CLUSTER_KWARGS[name]
    try:
        real = getattr(importlib.import_module(module), cls)
    except ImportError:
        return known
    return set(inspect.signature(real.__init__).parameters) | known


@pytest.mark.parametrize("name", list(CLUSTER_KWARGS))
def test_the_cluster_recipes_compile_and_pass_only_real_arguments(name):
    code = _recipe(name)
    tree = ast.parse(code)  # a syntax error fails here, with or without the package
    compile(tree, f"<recipe {name}>", "exec")
    _, cls, _ = CLUSTER_KWARGS[name]
    calls = [
        n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == cls
    ]
    assert len(calls) == 1
    passed = {k.arg for k in calls[0].keywords}
    assert passed <= _allowed(name), passed - _allowed(name)
    study = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and ast.unparse(n.func) == "cs.monte_carlo"
    ]
    keywords = {k.arg: ast.unparse(k.value) for k in study[0].keywords}
    assert keywords["executor"] == "'dask'"
    assert keywords["checkpoint"] == "CHECKPOINT"
    assert "__main__" not in code


def _fake_cluster_module(name: str, allowed: set[str]):
    """A module whose cluster class is a small LocalCluster taking the real class's arguments."""
    module, cls, _ = CLUSTER_KWARGS[name]

    class Fake(distributed.LocalCluster):
        def __init__(self, **kwargs):
            unknown = set(kwargs) - allowed
            assert not unknown, f"{cls} takes no {unknown}"
            workers = min(int(kwargs.get("n_workers") or 0), 2)
            super().__init__(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )

        def scale(self, n=None, jobs=None, **kwargs):
            return super().scale(min(int(jobs or n or 0), 2))

    fake = types.ModuleType(module)
    setattr(fake, cls, Fake)
    return module, fake


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CLUSTER_KWARGS))
def test_the_cluster_recipes_run_on_a_local_stand_in(name, tmp_path, monkeypatch, capsys):
    module, fake = _fake_cluster_module(name, _allowed(name))
    monkeypatch.setitem(sys.modules, module, fake)
    if "." in module:
        parent = types.ModuleType(module.split(".")[0])
        setattr(parent, module.split(".")[1], fake)
        monkeypatch.setitem(sys.modules, module.split(".")[0], parent)
    code = _recipe(name)
    code = re.sub(r"^SCENARIO = .*$", f'SCENARIO = "{STORM}"', code, flags=re.M)
    code = re.sub(r"^DRAWS = .*$", "DRAWS = 6", code, flags=re.M)
    code = re.sub(r"^CHECKPOINT = .*$", f'CHECKPOINT = "{tmp_path / "ck"}"', code, flags=re.M)
    exec(compile(code, f"<recipe {name}>", "exec"), {"__name__": "recipe"})
    assert "6 of 6 draws finished, 0 failed" in capsys.readouterr().out
    assert len(list((tmp_path / "ck" / "tables" / "utilisation").glob("*.csv"))) == 6
