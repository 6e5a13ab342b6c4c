"""cs.diff and corridor-sim diff: scenarios, results in memory and saved result folders."""

from __future__ import annotations

import pytest

import corridor_sim as cs
from corridor_sim.cli import main
from corridor_sim.errors import ScenarioError
from corridor_sim.plotting.diff import diff_bars
from corridor_sim.scenarios import diff as diff_module
from tests.helpers import example_output


@pytest.fixture(scope="module")
def saved():
    """The oil baseline and the BTC outage as ``corridor-sim run --out`` saved them."""
    return example_output("oil_baseline_2025"), example_output("oil_btc_outage")


@pytest.fixture
def no_runs(monkeypatch):
    def fail(*args, **kwargs):
        msg = "diff ran a model"
        raise AssertionError(msg)

    monkeypatch.setattr(diff_module, "run", fail)


def test_two_saved_results_compare_without_running(saved, no_runs) -> None:
    d = cs.diff(*saved)
    metrics = d.metrics.set_index("metric")
    base, outage = (cs.Result.load(p) for p in saved)
    row = metrics.loc["storage_peak_kt"]
    assert row["a"] == base.metric("storage_peak_kt")
    assert row["b"] == outage.metric("storage_peak_kt")
    assert row["change"] == pytest.approx(row["b"] - row["a"])
    moved = d.changed_metrics
    assert "storage_peak_kt" in set(moved["metric"])  # the outage fills the Baku tanks
    assert "storage_capacity_kt" not in set(moved["metric"])  # the same in both
    assert (moved["change"] != 0).all() or moved["a"].isna().any()
    assert moved.set_index("metric").loc["storage_peak_kt", "change_pct"] != 0  # NaN: from 0
    bottlenecks = d.bottlenecks.set_index("element")
    assert bottlenecks.loc["btc", "change"] == "new in B"
    assert bottlenecks.loc["btc", "rank_b"] == 1
    assert "events" in set(d.inputs["input"])
    # same network, so flows compare (June is cut in two by the outage: sums over the year)
    assert d.flow_note.startswith("flows: ")
    assert "A's 12 and B's 13 periods" in d.flow_note


def test_results_in_memory_and_a_scenario_mix(monkeypatch) -> None:
    scenario = cs.Scenario(model="oil", year=2025, name="mix", periods=3)
    base = cs.run(scenario)
    calls = []
    real = diff_module.run
    monkeypatch.setattr(diff_module, "run", lambda s, **k: calls.append(s) or real(s, **k))
    d = cs.diff(base, scenario)
    assert len(calls) == 1  # only the scenario runs
    assert d.changed_metrics.empty
    assert d.inputs.empty
    assert "0 of" in repr(d)


def test_the_display_and_the_figure(saved, no_runs) -> None:
    d = cs.diff(*saved)
    text = str(d)
    assert "summary metrics that changed" in text
    assert "e+0" not in text
    assert "e-1" not in text
    assert "storage_capacity_kt" not in text  # unchanged: counted, not listed
    html = d._repr_html_()
    for part in ("ScenarioDiff", "inputs that differ", "metrics that changed", "btc"):
        assert part in html
    ax = diff_bars(d)
    title = ax.get_title()
    assert "oil_btc_outage against oil_baseline_2025" in title
    assert "2025" in title
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Storage peak" in labels
    assert not any("_" in label for label in labels)


def test_runs_of_different_models_are_refused_before_running(no_runs) -> None:
    with pytest.raises(ScenarioError, match=r"model 'oil'.*model 'caspian'.*nothing in common"):
        cs.diff(cs.Scenario(model="oil", year=2025), cs.Scenario(model="caspian", year=2032))
    a = cs.Result(meta={"model": "oil", "year": 2025})
    b = cs.Result(meta={"model": "caspian", "year": 2032})
    with pytest.raises(ScenarioError, match="nothing in common"):
        cs.diff(a, b)


def test_a_folder_that_is_not_a_result_is_named(tmp_path, tiny) -> None:
    with pytest.raises(ScenarioError, match=r"diff A = .*expected a Scenario"):
        cs.diff(tmp_path, tiny)


def test_the_cli_compares_two_folders(saved, no_runs, capsys, tmp_path) -> None:
    out = tmp_path / "d.csv"
    assert main(["diff", str(saved[0]), str(saved[1]), "--out", str(out), "-q"]) == 0
    text = capsys.readouterr().out
    assert "storage_peak_kt" in text
    assert f"A = {saved[0]}" in text
    assert out.is_file()


def test_a_result_and_its_own_scenario_differ_in_no_input(tiny) -> None:
    """A result's meta names its network; the scenario holds the table: not a change."""
    scenario = cs.Scenario.from_toml(tiny)
    result = cs.run(scenario)
    assert cs.diff(result, scenario).inputs.empty
    arcs = [{**scenario.network["arcs"][0], "capacity": 5.0}]
    other = scenario.replace(network={**scenario.network, "arcs": arcs})
    assert list(cs.diff(scenario, other).inputs["input"]) == ["network"]
