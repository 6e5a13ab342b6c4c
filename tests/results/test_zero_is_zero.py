"""Zero is zero: solver round-off never becomes a finding (corridor_sim.results.tolerance).

A Monte Carlo of the oil route whose true shortfall probability is known (the Kazakh volume
drawn from three values, only the largest beyond the route's capacity) must report it; the
fan chart of its zero-median shortfall must not swing to -100 %; the tornado of a metric
that never moves must rank nothing.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import corridor_sim as cs
from corridor_sim.engines.commodity import Arc, CommodityNetwork, Node, solve
from corridor_sim.plotting.study import fan_chart, tornado
from corridor_sim.results.tolerance import FEASIBILITY_TOL, clean_summary, snap, tolerance, varies
from tests.helpers import EXAMPLES, example_result

#: Volumes drawn (Mt/yr); the route carries about 3.2 Mt/yr (tanker lane), so only 8.0 falls short.
VOLUMES = [1.0, 1.7, 8.0]


@pytest.fixture(scope="module")
def known_mc():
    return cs.monte_carlo(
        EXAMPLES / "oil_baseline_2025.toml",
        9,
        distributions={"kazakh_volume_mt_per_yr": ("choice", VOLUMES)},
        catalogue=False,
        thresholds=["unmet_mt>0"],
        progress=False,
    )


def test_the_baseline_reports_no_shortfall_exactly() -> None:
    result = example_result("oil_baseline_2025")
    assert result.metric("unmet_mt") == 0.0  # was 4.44e-16 (a difference of two sums)
    assert (result.table("unmet")["unmet_kt"] == 0.0).all()


def test_a_monte_carlo_reports_its_known_shortfall_probability(known_mc) -> None:
    wide = known_mc.wide()
    truth = float(np.mean(wide["kazakh_volume_mt_per_yr"] == max(VOLUMES)))
    assert 0 < truth < 1  # the draws hit both sides
    prob = known_mc.summary().thresholds.set_index("threshold")["probability"]
    assert prob["unmet_mt > 0"] == pytest.approx(truth)
    short = wide["unmet_mt"] > 0
    assert (short == (wide["kazakh_volume_mt_per_yr"] == max(VOLUMES))).all()
    assert (wide.loc[~short, "unmet_mt"] == 0.0).all()


def test_the_fan_of_a_zero_median_metric_does_not_swing_below_zero(known_mc) -> None:
    wide = known_mc.wide()
    assert wide["unmet_mt"].median() == 0.0
    ax = fan_chart(known_mc, metrics=["unmet_mt"])
    bars = [p for p in ax.patches if p.get_width() > 0]
    assert bars, "the shortfall draws are drawn"
    assert min(p.get_x() for p in bars) >= 0.0  # no band at -100 %
    assert "P50 0 Mt" in ax.get_yticklabels()[0].get_text()


def test_the_tornado_of_a_metric_that_never_moves_ranks_nothing(known_mc) -> None:
    values = known_mc.tables["values"].copy()
    still = values["metric"] == "via_makhachkala_mt"  # the Russian route: booked volume only
    assert values.loc[still, "value"].nunique() == 1
    # round-off as a solver leaves it: the last bits differ from draw to draw
    values.loc[still, "value"] += np.arange(still.sum()) * 4.4e-16
    study = copy.copy(known_mc)
    study.tables = {**known_mc.tables, "values": values}
    sens = study.sensitivity()
    assert "via_makhachkala_mt" not in set(sens["metric"])
    assert set(sens.loc[sens["metric"] == "unmet_mt", "input"]) == {"kazakh_volume_mt_per_yr"}
    ax = tornado(study, "via_makhachkala_mt")
    assert not ax.patches
    assert any("no input moves it" in t.get_text() for t in ax.texts)


def test_engine_flows_at_capacity_are_at_capacity() -> None:
    # a field of 1e6 t through a lossy pipe: the solver leaves round-off at this scale
    net = CommodityNetwork(
        nodes=(Node("f", kind="supply", supply=1.0e6 / 3.0), Node("m", kind="demand", demand=3e5)),
        arcs=(Arc("f", "m", capacity=1.0e6 / 3.0, cost=1.0, loss_fraction=0.1, id="pipe"),),
    )
    sol = solve(net)
    flow = sol.flows.loc[0]
    assert flow["flow_t"] == flow["capacity_t"]  # at its bound exactly, not 1e-10 below
    assert sol.unmet.loc[0, "unmet_t"] == 0.0
    assert sol.metric("unmet") == 0.0
    assert set(sol.bottlenecks["element"]) == {"pipe"}


def test_snap_and_clean_summary_follow_the_documented_rule() -> None:
    assert FEASIBILITY_TOL == 1e-7
    assert tolerance(1000.0) == pytest.approx(1e-4)
    x = np.array([-0.0, 5e-5, 2e-4, 999.99995, 1000.0 - 2e-4])
    out = snap(x, 1000.0, upper=1000.0)
    assert out.tolist() == [0.0, 0.0, 2e-4, 1000.0, 1000.0 - 2e-4]
    assert not np.signbit(out[0])
    frame = pd.DataFrame(
        {"metric": ["a", "b", "c"], "value": [3.684, 4.4e-16, 4.4e-16], "unit": ["Mt", "Mt", "%"]}
    )
    # per unit, scale at least 1: the lone % row is round-off too
    assert clean_summary(frame)["value"].tolist() == [3.684, 0.0, 0.0]
    assert varies([0.0, 1e-3])
    assert not varies([2.0, 2.0 + 2e-15])


#: Tables of inputs, not results (parameter values of every unit side by side).
_INPUT_TABLES = {"provenance", "nodes"}


@pytest.mark.parametrize(
    "stem",
    [
        "oil_baseline_2025",
        "oil_btc_outage",
        "middle_corridor_today",
        "serbia_gas_2025",
        "caspian_2032_black_sea_outage",
    ],
)
def test_no_example_shows_round_off(stem: str) -> None:
    """No summary value or result-table value is a non-zero below the solver's tolerance."""
    result = example_result(stem)
    summary = result.summary_table  # per unit: the scale of a Mt value is the largest Mt value
    assert clean_summary(summary)["value"].equals(summary["value"])
    noise = []
    for name, frame in result.tables.items():
        if name in _INPUT_TABLES:
            continue
        for col in frame.columns:
            if not pd.api.types.is_float_dtype(frame[col]):
                continue
            values = frame[col].to_numpy(dtype=float)
            values = np.abs(values[np.isfinite(values)])
            if not values.size:
                continue
            tiny = (values > 0) & (values <= tolerance(max(values.max(), 1.0)))
            if tiny.any():
                noise.append((name, col, float(values[tiny].max())))
    assert not noise, f"{stem}: round-off shown as a value: {noise[:5]}"
