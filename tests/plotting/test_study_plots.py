"""A sweep is not a model's own capacity study: names, runs and figures of each."""

import matplotlib.pyplot as plt
import pytest

import corridor_sim as cs
from corridor_sim.errors import UnknownNameError
from corridor_sim.plotting import oil
from corridor_sim.plotting import study as study_plots
from tests.helpers import ROOT, example_result

EXAMPLES = ROOT / "examples"
VOLUME_SWEEP = EXAMPLES / "oil_volume_sweep.toml"
STORM = EXAMPLES / "oil_storm_season.toml"


def test_a_sweep_leaves_out_the_models_own_capacity_study_unless_asked():
    grid = {"kazakh_volume_mt_per_yr": [1.7, 3.0]}
    study = cs.sweep(VOLUME_SWEEP, grid, progress=False)
    assert study.meta["dropped_options"] == {"study": "bottleneck_sequence"}
    assert "route_capacity_mt_per_yr" not in set(study.values["metric"])
    # the Baku stream at Ceyhan (the Makhachkala stream is delivered besides)
    delivered = study.wide().set_index("kazakh_volume_mt_per_yr")["via_ceyhan_mt"]
    assert delivered[1.7] == pytest.approx(1.7)
    assert delivered[3.0] < 3.0  # the tanker lane binds


@pytest.mark.slow
def test_model_study_true_runs_the_models_capacity_study_in_every_run():
    kept = cs.sweep(
        VOLUME_SWEEP, {"kazakh_volume_mt_per_yr": [1.7]}, progress=False, model_study=True
    )
    assert kept.meta["dropped_options"] == {}
    first = example_result("oil_volume_sweep").metric("route_capacity_mt_per_yr")
    capacity = kept.values.loc[kept.values["metric"] == "route_capacity_mt_per_yr", "value"]
    assert capacity.tolist() == pytest.approx([first])


def test_model_study_curves_come_from_a_run_and_a_sweep_says_so():
    ax = oil.sweep_curve(example_result("oil_volume_sweep"))  # the README's capacity study figure
    assert ax.get_lines()
    study = cs.sweep(VOLUME_SWEEP, {"kazakh_volume_mt_per_yr": [1.7, 3.0]}, progress=False)
    with pytest.raises(UnknownNameError, match=r"cs\.run\(scenario\) with options\.study"):
        oil.sweep_curve(study)
    ax = study_plots.sweep_plot(study, "via_ceyhan_mt")
    xs, ys = ax.get_lines()[0].get_data()
    assert list(xs) == [1.7, 3.0]
    assert ys[0] == pytest.approx(1.7)


def test_study_figures_of_a_monte_carlo():
    study = cs.monte_carlo(STORM, 6, progress=False)
    figs = study_plots.figures(study)
    assert set(figs) == {"study_fan", "study_tornado", "study_bottlenecks"}
    tornado = study_plots.tornado(study, "storage_capacity_kt")
    labels = [t.get_text() for t in tornado.get_yticklabels()]
    top = cs.fact("oil.baku.storage_share_transit").subject  # named by its catalogue row
    assert labels[0].replace("\n", " ") == top  # the top bar moves it most
    bars = study_plots.bottleneck_bars(study)
    assert [t.get_text() for t in bars.get_yticklabels()] == ["tankers Aktau–Baku"]
    fan = study_plots.fan_chart(study, ["delivered_mt", "unmet_mt"])
    assert len(fan.get_yticklabels()) == 2
    with pytest.raises(UnknownNameError, match="did you mean 'unmet_mt'"):
        study_plots.fan_chart(study, ["unmt_mt"])
    with pytest.raises(UnknownNameError, match="expected the StudyResult"):
        study_plots.fan_chart(example_result("oil_storm_season"))
    plt.close("all")
