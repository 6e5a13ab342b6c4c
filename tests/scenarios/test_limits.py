"""Every count has a maximum, checked before any work, with the figure in the message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tracemalloc

import pytest

import corridor_sim as cs
from corridor_sim import _limits
from corridor_sim.cli import main
from corridor_sim.errors import ScenarioError
from corridor_sim.scenarios import runner
from corridor_sim.scenarios._records import build_tables
from corridor_sim.scenarios.execute import Payloads, normalise, run_task
from corridor_sim.scenarios.executors import iter_runs
from tests.helpers import ROOT

OIL = str(ROOT / "examples" / "oil_baseline_2025.toml")
NET = {
    "nodes": [
        {"id": "s", "kind": "supply", "supply": 5},
        {"id": "d", "kind": "demand", "demand": 3},
    ],
    "arcs": [{"source": "s", "target": "d", "capacity": 2}],
}


@pytest.fixture
def no_work(monkeypatch):
    """Fail if a study reaches its first model run."""

    def probe(*args, **kwargs):
        pytest.fail("the study ran the model before refusing the count")

    monkeypatch.setattr(runner, "_probe", probe)


def test_a_trillion_draws_is_refused_at_once_with_the_figure(no_work):
    maximum, _ = _limits.max_study_runs()
    with pytest.raises(ScenarioError) as info:
        cs.monte_carlo(OIL, 10**12)
    text = str(info.value)
    assert text.startswith("n = 1000000000000: a study keeps about 20 kB per run")
    assert f"at most {maximum:,} draws" in text
    assert "GB" in text


def test_cli_refuses_a_trillion_draws_in_one_line(capsys):
    assert main(["monte-carlo", OIL, "-n", "1000000000000", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert err.startswith("corridor-sim: error: n = 1000000000000:")


def test_a_sweep_grid_beyond_memory_is_refused_before_any_run(monkeypatch):
    def run_task(*args, **kwargs):
        pytest.fail("a sweep ran before refusing its grid")

    monkeypatch.setattr("corridor_sim.scenarios.execute.run_task", run_task)
    scn = cs.Scenario(model="commodity", year=2025, network=NET)
    values = [float(v) for v in range(1, 2001)]
    grid = {"s->d.capacity": values, "s.supply": values, "d.demand": values}
    with pytest.raises(ScenarioError, match=r"sweep grid = 8000000000: .* at most [\d,]+ grid"):
        cs.sweep(scn, grid, progress=False)


def test_sweep_points_follow_itertools_product_order():
    import itertools

    values = {"a": [1, 2, 3], "b": ["x", "y"], "c": [True, False]}
    expected = [dict(zip(values, c, strict=True)) for c in itertools.product(*values.values())]
    assert [runner._grid_point(values, i) for i in range(12)] == expected


def test_serbia_robustness_draws_have_a_maximum_from_time():
    scn = cs.Scenario(model="serbia", year=2029, options={"robustness_draws": 10**9})
    with pytest.raises(ScenarioError) as info:
        cs.run(scn, progress=False)
    text = str(info.value)
    assert text.startswith("options.robustness_draws = 1000000000: each draw is a grid study")
    assert "at least 0.5 s" in text
    assert "a week of one core, so at most 1,209,600 draws" in text


def test_payloads_are_made_only_as_workers_take_them():
    made: list[int] = []

    def make(i):
        made.append(i)
        return i

    payloads = Payloads(1000, make)
    runs = iter_runs(abs, payloads, executor="process", max_workers=2)
    try:
        first = next(runs)
        assert first[1] == first[0]
        assert len(made) <= 2 * 2 + 2  # the pool's window, not the 1000 payloads
    finally:
        runs.close()
    serial = iter_runs(abs, Payloads(10**12, lambda i: i), executor="serial")
    assert [next(serial) for _ in range(3)] == [(0, 0), (1, 1), (2, 2)]


def test_bytes_per_run_covers_a_measured_study():
    """The figure behind the draws' maximum: record and table rows of a run, at the peak."""
    scn = cs.Scenario(model="commodity", year=2025, network=NET)
    record = run_task({"key": 0, "scenario": scn, "inputs": {}, "seed": 1})
    n = 500
    tracemalloc.start()
    try:
        records = {i: normalise({**record, "key": i}) for i in range(n)}
        build_tables("monte_carlo", records, [])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak / n < _limits.BYTES_PER_RUN


def test_an_address_space_limit_lowers_the_maximum():
    code = "from corridor_sim import _limits; print(_limits.usable_memory_bytes())"

    def cap():
        import resource

        signal.signal(signal.SIGINT, signal.SIG_DFL)
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, resource.RLIM_INFINITY))

    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        preexec_fn=cap,
        check=True,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
    )
    assert int(out.stdout) <= 3 * 2**30
