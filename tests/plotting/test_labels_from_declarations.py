"""Figures ready for a report: declared names and units, empty figures that say so."""

from __future__ import annotations

import pandas as pd
import pytest

import corridor_sim as cs
from corridor_sim.models.caspian.figures import curtailment_by_month
from corridor_sim.plotting.layout import legend_over_data, place_legend, text_collisions
from corridor_sim.plotting.names import element_label, metric_label, parameter_label
from corridor_sim.plotting.study import bottleneck_bars, sweep_plot, tornado
from corridor_sim.scenarios.study import StudyResult

NET = {
    "nodes": [
        {"id": "s", "kind": "supply", "supply": 5},
        {"id": "d", "kind": "demand", "demand": 3},
    ],
    "arcs": [{"source": "s", "target": "d", "capacity": 2, "cost": 1}],
}


@pytest.fixture(scope="module")
def toy_sweep():
    s = cs.Scenario(model="commodity", year=2025, network=NET, name="toy")
    return cs.sweep(s, {"s->d.capacity": [1.0, 2.0, 3.0], "d.demand": [2.0, 3.0]}, progress=False)


def test_sweep_plot_axes_read_as_words_with_units(toy_sweep) -> None:
    ax = sweep_plot(toy_sweep, "delivered")
    assert ax.get_ylabel() == "Delivered (t)"
    assert ax.get_xlabel() == "Capacity of s->d"
    assert "_" not in ax.get_ylabel()
    assert "2025" in ax.get_title()
    assert "toy" in ax.get_title()
    ax.figure.canvas.draw()
    assert legend_over_data(ax) == []
    assert text_collisions(ax.figure) == []


def test_labels_come_from_the_param_declarations() -> None:
    assert parameter_label("caspian", "black_sea_cable_mw") == (
        "Black Sea subsea HVDC cable rating (GE–RO) (MW)"
    )
    assert metric_label("export_via_black_sea_twh", "TWh") == "Export via black sea (TWh)"
    assert parameter_label("oil", "kazakh_volume_mt_per_yr").endswith("(Mt/yr)")


def test_an_empty_curtailment_figure_says_what_is_empty() -> None:
    table = pd.DataFrame(
        {"element": ["aktau"] * 3, "period": [0, 1, 2], "curtailed_gwh": [0.0, 0.0, 0.0]}
    )
    result = cs.Result({"curtailment": table}, meta={"model": "caspian", "year": 2032})
    ax = curtailment_by_month(result)
    assert any("Nothing curtailed in 2032" in t.get_text() for t in ax.texts)
    assert not ax.get_xticks().size  # no lone "00:00" tick
    assert "2032" in ax.get_title()


def test_place_legend_moves_off_the_data_and_outside_when_it_must() -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3))
    for y in (0.05, 0.5, 0.95):  # lines along the bottom, middle and top: no free corner
        ax.plot([0, 1], [y, y], label=f"at {y}")
    ax.plot([0.02, 0.02, 0.98, 0.98], [0, 1, 0, 1], label="sides")
    ax.set(xlim=(0, 1), ylim=(0, 1))
    legend = place_legend(ax)
    fig.canvas.draw()
    assert legend_over_data(ax) == []
    assert legend.get_window_extent().x0 >= ax.get_window_extent().x1  # outside, right


def test_the_tornado_of_a_sweep_names_inputs_by_declaration(toy_sweep) -> None:
    ax = tornado(toy_sweep, "delivered")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert all("_" not in label for label in labels)


def _bottleneck_study(model: str, bottlenecks: list[str]) -> StudyResult:
    """A finished study whose runs name `bottlenecks` (no model runs: only the table counts)."""
    runs = pd.DataFrame({"run": range(len(bottlenecks)), "status": "ok", "bottleneck": bottlenecks})
    return StudyResult(
        "sweep",
        {"runs": runs, "values": pd.DataFrame(columns=["run", "metric", "value", "unit"])},
        meta={"model": model, "year": 2032, "title": f"sweep of {model}"},
    )


@pytest.mark.parametrize(
    ("model", "bottlenecks", "names"),
    [
        (
            "caspian",
            ["caspian_cable", "caspian_cable", "black_sea_cable", "none"],
            [
                "Caspian subsea HVDC cable (KZ–AZ)",
                "Black Sea subsea HVDC cable (GE–RO)",
                "nothing binds",
            ],
        ),
        ("oil", ["btc", "tanker_lane", "tanker_lane"], ["tankers Aktau–Baku", "BTC pipeline"]),
        (
            "serbia",
            ["tap+igb", "ibs"],
            [
                "Interconnector Bulgaria–Serbia",
                "Trans Adriatic Pipeline + Interconnector Greece–Bulgaria",
            ],
        ),
    ],
)
def test_bottleneck_bars_name_elements_by_their_declarations(model, bottlenecks, names) -> None:
    ax = bottleneck_bars(_bottleneck_study(model, bottlenecks))
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert labels == names  # most frequent first, as the bars are drawn top down
    assert not any(b in labels for b in bottlenecks if b != "none")  # never the raw id
    ax.figure.canvas.draw()
    assert text_collisions(ax.figure) == []


def test_element_names_come_from_the_arc_tables_and_the_capacity_parameters() -> None:
    from corridor_sim.models.oil import CORRIDOR

    assert element_label("oil", "btc") == CORRIDOR.topology.names["btc"]
    rating = parameter_label("caspian", "caspian_cable_mw", unit=False)
    assert rating == "Caspian subsea HVDC cable rating (KZ–AZ)"  # the declaration it reads
    assert element_label("caspian", "caspian_cable") == "Caspian subsea HVDC cable (KZ–AZ)"
    assert element_label("caspian", "az_ge") == "Azerbaijan–Georgia AC link"
    assert element_label("commodity", "port->market") == "port → market"  # no declaration
    assert element_label("no_such_model", "a_b") == "a b"


@pytest.mark.parametrize(
    ("model", "element", "parameter"),
    [
        ("caspian", "kz_internal", "kz_west_link_mw"),
        ("caspian", "tr_internal", "tr_east_west_mw"),
        ("serbia", "contract", "contracted_volume_bcm_per_yr"),
    ],
)
def test_an_element_named_by_a_parameter_that_declares_it(model, element, parameter) -> None:
    """A capacity parameter whose name does not start with the element's id declares it."""
    label = element_label(model, element)
    declared = parameter_label(model, parameter, unit=False)
    assert (declared[:1].upper() + declared[1:]).startswith(label)  # less a "(remark)"
    assert len(label) > 0.6 * len(declared)
    assert label != element.replace("_", " ")


def test_every_caspian_link_that_can_bind_is_named_by_a_declaration() -> None:
    from corridor_sim.models.caspian.network import LINKS

    # az/ge/ro internal are copper-plate equivalents sized never to bind (network.py)
    can_bind = [k for k in LINKS if k not in ("az_internal", "ge_internal", "ro_internal")]
    assert all(element_label("caspian", k) != k.replace("_", " ") for k in can_bind)
