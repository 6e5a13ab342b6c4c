"""Tests of the Aktau–Baku–Ceyhan oil model (issue #4)."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor_sim.catalogue import fact, facts, recording, value
from corridor_sim.engines.commodity import max_flow, solve
from corridor_sim.errors import CorridorSimError, ScenarioError, SpecError, UnknownNameError
from corridor_sim.models import oil
from corridor_sim.models.oil.params import per_day_kt
from corridor_sim.results.schemas import validate
from tests.helpers import ROOT

EXAMPLES = ROOT / "examples"
TOL = 1e-6


def scenario(year: int = 2025, *, overrides=None, options=None, events=(), periods=None):
    """A ScenarioLike stand-in (the lead's Scenario works the same)."""
    ns = SimpleNamespace(
        model="oil",
        year=year,
        name="test",
        overrides=overrides or {},
        options=options or {},
        resolution=None,
        periods=periods,
        seed=0,
        events=tuple(events),
        network=None,
    )
    ns.rng = lambda: np.random.default_rng(0)
    return ns


def event(element, start, duration=1, availability=0.0, days=None):
    return SimpleNamespace(
        element=element, start=start, duration=duration, availability=availability, days=days
    )


def check_conservation_and_capacity(result) -> None:
    flows = result.flows
    assert (flows["flow_kt"] >= -TOL).all()
    assert (flows["flow_kt"] <= flows["capacity_kt"] * (1 + 1e-9) + TOL).all()
    storage = result.storage
    assert (storage["level_kt"] >= -TOL).all()
    assert (storage["level_kt"] <= storage["capacity_kt"] + TOL).all()
    supply = result.table("supply")
    nodes = result.table("nodes")
    sinks = set(nodes.loc[nodes["kind"] == "demand", "element"])
    assert {"world_market", "makhachkala"} <= sinks
    for period, part in flows.groupby("period"):
        out_ = part.groupby("source")["flow_kt"].sum()
        in_ = part.groupby("target")["flow_kt"].sum()
        sup = supply[supply["period"] == period].set_index("element")["supplied_kt"]
        sto = storage[storage["period"] == period].set_index("element")
        prev = storage[storage["period"] == period - 1].set_index("element")["level_kt"]
        for node in set(out_.index) | set(in_.index):
            if node in sinks:  # demand nodes take what arrives (delivered table)
                continue
            balance = in_.get(node, 0) + sup.get(node, 0) - out_.get(node, 0)
            if node in sto.index:
                balance -= sto.loc[node, "level_kt"] - prev.get(node, 0)
            assert abs(balance) < 1e-6, (period, node, balance)
    validate(result)


@pytest.mark.parametrize(
    ("year", "fact_id"), [(2023, "oil.abc.volume_2023"), (2025, "oil.abc.volume_2025_plan")]
)
def test_documented_volumes_are_delivered(year: int, fact_id: str) -> None:
    result = oil.simulate(scenario(year))
    documented = value(fact_id, unit="Mt")
    assert result.metric("route_offered_mt") == pytest.approx(documented)
    assert result.metric("via_makhachkala_mt") == pytest.approx(
        result.metric("makhachkala_booked_mt"), rel=1e-6
    )
    assert result.metric("via_ceyhan_mt") == pytest.approx(documented, abs=1e-9)
    assert result.metric("unmet_mt") == pytest.approx(0, abs=1e-9)
    assert result.metric("via_supsa_mt") == pytest.approx(0, abs=1e-9)
    check_conservation_and_capacity(result)


def test_build_runs_in_the_engine_with_coordinates() -> None:
    net = oil.build(2025)
    assert all(n.lon is not None and n.lat is not None for n in net.nodes)
    assert {"aktau", "baku", "ceyhan", "supsa", "kazakh_fields"} <= set(net.node_ids)
    assert net.periods[0] == "2025-01"
    assert len(net.periods) == 12
    sol = solve(net)
    delivered = sol.flows.query("element == 'ceyhan_export'")["flow_kt"].sum()
    assert delivered == pytest.approx(1700, rel=1e-9)
    assert "cpc" not in net.arc_ids
    assert "cpc" in oil.build(2025, include_novorossiysk=True).arc_ids


def test_later_years_use_the_agreed_volume() -> None:
    assert oil.parameters(2027)["kazakh_volume_mt_per_yr"].default == pytest.approx(2.2)
    assert oil.parameters(2024)["kazakh_volume_mt_per_yr"].default == pytest.approx(1.5)


def test_provenance_lists_every_parameter_with_catalogue_ids() -> None:
    table = oil.provenance(2025)
    known = set(facts()["id"])
    assert set(table["parameter"]) == set(oil.PARAMS.names)
    ids = table.loc[table["status"] != "modelling choice", "source_id"]
    assert set(ids) <= known
    prov = oil.build(2025).provenance_table()
    assert set(prov["parameter"]) == set(oil.PARAMS.names)
    overridden = oil.provenance(2025, asco_tankers_baku=6)
    row = overridden.query("parameter == 'asco_tankers_baku'")
    assert row["source_id"].tolist() == ["override"]


def test_outage_storage_then_supsa_then_lost() -> None:
    """A BTC outage fills the tanks, then goes to Supsa; with Supsa out too, crude is lost.

    The Baku stream offered during the outage (1.7 Mt/yr x days) must go somewhere:
    into tank space at either end of the sea lane (cheapest first), then Baku–Supsa,
    and only when both pipelines are out is any of it left unshipped.
    """
    base = oil.simulate(scenario(2025))
    tanks = base.metric("storage_capacity_kt") + oil.PARAMS.resolve(2025).aktau_storage_kt

    short = oil.simulate(scenario(2025, events=[event("btc", 5, days=20)]))
    arrived = per_day_kt(2025, 1.7) * 20
    assert arrived < tanks
    assert short.metric("delivered_mt") == pytest.approx(base.metric("delivered_mt"))
    assert short.metric("storage_peak_kt") == pytest.approx(short.metric("storage_capacity_kt"))
    assert short.metric("via_supsa_mt") == pytest.approx(0, abs=1e-9)
    held = short.metric("storage_peak_kt") + short.metric("aktau_storage_peak_kt")
    assert held == pytest.approx(arrived, rel=1e-9)

    long_ = oil.simulate(scenario(2025, events=[event("btc", 5, days=28)]))
    arrived = per_day_kt(2025, 1.7) * 28
    assert arrived > tanks
    assert long_.metric("delivered_mt") == pytest.approx(base.metric("delivered_mt"))
    assert long_.metric("aktau_storage_peak_kt") == pytest.approx(
        tanks - base.metric("storage_capacity_kt")
    )
    assert long_.metric("via_supsa_mt") * 1000 == pytest.approx(arrived - tanks, rel=1e-9)

    both = oil.simulate(
        scenario(2025, events=[event("btc", 5, days=28), event("baku_supsa", 5, days=28)])
    )
    assert both.metric("unmet_mt") * 1000 == pytest.approx(arrived - tanks, rel=1e-9)
    assert both.metric("delivered_mt") < long_.metric("delivered_mt")
    for result in (short, long_, both):
        check_conservation_and_capacity(result)


@settings(max_examples=12, deadline=None)
@given(
    month=st.integers(min_value=0, max_value=11),
    days=st.floats(min_value=0, max_value=28),
    element=st.sampled_from(["btc", "tanker_lane", "aktau_loading", "baku_supsa"]),
    volume=st.sampled_from([1.7, 2.6, 4.0]),
)
def test_an_outage_never_increases_delivered_volume(month, days, element, volume) -> None:
    over = {"kazakh_volume_mt_per_yr": volume}
    base = oil.simulate(scenario(2025, overrides=over))
    out = oil.simulate(scenario(2025, overrides=over, events=[event(element, month, days=days)]))
    assert out.metric("delivered_mt") <= base.metric("delivered_mt") + 1e-9
    check_conservation_and_capacity(out)


def test_storm_halving_cuts_the_tanker_lane() -> None:
    over = {"kazakh_volume_mt_per_yr": 2.2}
    storm = [event("tanker_lane", 0, duration=3, availability=0.5)]
    base = oil.simulate(scenario(2026, overrides=over))
    hit = oil.simulate(scenario(2026, overrides=over, events=storm))
    assert hit.metric("delivered_mt") < base.metric("delivered_mt")
    lane = hit.table("monthly_flows").query("element == 'tanker_lane' and period < 3")
    assert (lane["utilisation_pct"] > 99.9).all()
    base_cap = base.table("monthly_flows").query("element == 'tanker_lane' and period < 3")
    np.testing.assert_allclose(lane["capacity_kt"], base_cap["capacity_kt"].to_numpy() / 2)
    assert hit.meta["bottleneck"] == "tanker_lane"


def test_novorossiysk_disruption_absorbed_within_spare_capacity() -> None:
    over = {"include_novorossiysk": True}
    base = oil.simulate(scenario(2025, overrides=over))
    assert base.metric("cpc_diverted_mt") == pytest.approx(0, abs=1e-9)
    hit = oil.simulate(
        scenario(2025, overrides=over, events=[event("cpc", 2, duration=3, availability=0.3)])
    )
    absorbed = hit.metric("cpc_diverted_mt")
    assert absorbed > 0
    lane = base.table("monthly_flows").query("element == 'tanker_lane'")
    spare = (lane["capacity_kt"] - lane["flow_kt"]).sum() / 1000
    assert absorbed <= spare + 1e-9
    assert hit.metric("delivered_mt") <= base.metric("delivered_mt") + 1e-9
    check_conservation_and_capacity(hit)


def test_sweep_bottleneck_is_the_min_cut_arc() -> None:
    sequence, sweep = oil.bottleneck_sequence(2025, steps=3, volumes=[1, 3, 10, 40])
    assert sequence["bottleneck"].tolist()[:2] == ["tanker_lane", "aktau_loading"]
    for row in sequence.itertuples():
        assert row.lp_bottleneck in row.bottleneck.split("+")
    net = oil.build(2025)
    cut = max_flow(net, oil.SOURCE, oil.SINK, period=6)
    assert cut.cut_arcs == ("tanker_lane",)
    # arcs that can carry nothing are not in the network until they can
    assert not {"kuryk_loading", "kuryk_sea", "reinforcement_lane"} & set(net.arc_ids)
    assert "kuryk" not in net.node_ids
    more = oil.build(2025, kuryk_loading_mt_per_yr=1.0, reinforcement_tankers=2)
    assert {"kuryk_loading", "kuryk_sea", "reinforcement_lane"} <= set(more.arc_ids)
    assert np.all(np.diff(sequence["capacity_mt_per_yr"]) > 0)
    for _, part in sweep.groupby("stage"):
        assert (part["delivered_mt"] <= part["offered_mt"] + 1e-9).all()
        assert np.all(np.diff(part["delivered_mt"].to_numpy()) >= -1e-9)
    first = sequence.iloc[0]
    below = oil.volume_sweep(2025, [0.99 * first["first_shortfall_mt_per_yr"]])
    assert below["unmet_mt"].iloc[0] == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"events": [event("pipeline_x", 0)]}, ScenarioError),
        ({"events": [event("btc", 12)]}, ScenarioError),
        ({"events": [event("cpc", 0)]}, ScenarioError),
        ({"events": [event("kuryk_loading", 0)]}, ScenarioError),
        ({"overrides": {"kazakh_volume_mt_per_yr": -1.0}}, ScenarioError),
        ({"overrides": {"asco_tanker": 3}}, ScenarioError),
        ({"options": {"studdy": "bottleneck_sequence"}}, ScenarioError),
        ({"options": {"study": "max"}}, ScenarioError),
        ({"options": {"sweep_volumes_mt_per_yr": [1, -2]}}, ScenarioError),
    ],
)
def test_bad_input_raises_clear_errors(kwargs, error) -> None:
    with pytest.raises(error) as info:
        oil.simulate(scenario(2025, **kwargs))
    assert isinstance(info.value, CorridorSimError)


def test_build_errors() -> None:
    with pytest.raises(UnknownNameError, match="asco_tankers_baku"):
        oil.build(2025, asco_tanker=3)
    with pytest.raises(SpecError, match="kazakh_volume_mt_per_yr"):
        oil.build(2025, kazakh_volume_mt_per_yr=-1.0)
    with pytest.raises(SpecError, match="2023") as info:
        oil.build(2020)
    # the message must not offer a way out that does not work
    assert "kazakh_volume_mt_per_yr" not in str(info.value)
    with pytest.raises(SpecError, match="2023"):
        oil.build(2020, kazakh_volume_mt_per_yr=1.0)


def _inside_and_apart(ax) -> None:
    """Labels placed on a map neither overlap each other nor leave the axes."""
    from matplotlib.text import Text

    from corridor_sim.plotting.labels import placed_labels

    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    boxes = [Text.get_window_extent(t, renderer) for t in placed_labels(ax) if t.get_visible()]
    frame = ax.get_window_extent(renderer)
    for i, box in enumerate(boxes):
        assert frame.x0 - 1 <= box.x0, box
        assert box.x1 <= frame.x1 + 1, box
        assert frame.y0 - 1 <= box.y0, box
        assert box.y1 <= frame.y1 + 1, box
        for other in boxes[i + 1 :]:
            assert not box.overlaps(other), (box, other)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("oil_*.toml")), ids=lambda p: p.stem)
def test_examples_run_and_plot(path: Path, tmp_path: Path) -> None:
    import matplotlib as mpl

    mpl.use("Agg")
    import matplotlib.pyplot as plt

    from corridor_sim.plotting import figures
    from corridor_sim.plotting.style import save_figure
    from tests.helpers import check_figure, check_png, example_result

    result = example_result(path.stem)
    assert result.meta["model"] == "oil"
    for name in ("flows", "delivered", "monthly_flows", "unmet", "storage", "bottlenecks"):
        assert isinstance(result.table(name), pd.DataFrame)
    check_conservation_and_capacity(result)
    figs = figures(result)
    assert {"oil_route_map", "oil_monthly_flows"} <= set(figs)
    stored = result.metric("storage_peak_kt") + result.metric("aktau_storage_peak_kt")
    assert ("oil_storage" in figs) == (stored > 1e-6)  # no figure with nothing to show
    legend = figs["oil_monthly_flows"].axes[0].get_legend()
    entries = [t.get_text() for t in legend.get_texts()]
    assert ("offered, not shipped" in entries) == (result.metric("unmet_mt") > 1e-9)
    map_ax = figs["oil_route_map"].axes[0]
    texts = {t.get_text() for t in map_ax.texts}
    assert "Ceyhan terminal" in texts  # human names, not ids
    assert not texts & set(oil.elements(2025)), texts & set(oil.elements(2025))
    assert any(t.startswith("delivered ") for t in texts)
    _inside_and_apart(map_ax)
    if "sweep" in result.tables:
        assert "oil_sweep" in figs
        assert result.meta["first_bottleneck"] == "tanker_lane"
    assert result.table("validation")["role"].isin(["input", "fitted", "predicted"]).all()
    for stem, fig in figs.items():
        check_figure(fig, result)
        check_png(save_figure(fig, tmp_path / f"{stem}.png"))
        plt.close(fig)
    assert math.isfinite(result.metric("delivered_mt"))


def test_oil_figures_name_every_arc() -> None:
    from corridor_sim.models.oil.figures import ARC_NAMES

    assert set(oil.elements(2025)) <= set(ARC_NAMES)


def test_assumption_quotes_are_excerpts_not_table_cells() -> None:
    """A quote sourced from REFERENCES.md lies inside one cell of its excerpt column.

    Otherwise the row says it quotes the cited page itself (found with the search tool);
    table cells of REFERENCES.md (its value column) are summaries, not quotes.
    """
    refs = Path("/work/shared/REFERENCES.md")
    if not refs.is_file():
        pytest.skip("REFERENCES.md not available")
    cells = [
        line.rstrip().rstrip("|").rsplit("|", 1)[-1].strip()
        for line in refs.read_text(encoding="utf-8").splitlines()
    ]
    excerpts = [c for c in cells if c.startswith('"')]
    rows = facts(status="assumption")
    rows = rows[rows["id"].str.startswith("oil.") & (rows["quote"].fillna("") != "")]
    assert len(rows) >= 10
    for _, row in rows.iterrows():
        if any(row["quote"] in cell for cell in excerpts):
            continue
        page_quote = row["source"].startswith("web") or "Quote from the A" in row["reason"]
        assert page_quote, f"{row['id']}: {row['quote']!r} is not a REFERENCES.md excerpt"


def test_provenance_names_every_catalogue_row_the_model_reads() -> None:
    """Each id read by a run (capacities, unit factors, map positions) is in its provenance."""
    with recording() as seen:
        oil.simulate(scenario(2025, overrides={"include_novorossiysk": True}))
    res = oil.MODEL.run(scenario(2025, overrides={"include_novorossiysk": True}))
    listed = set(res.tables["provenance"]["source_id"])
    assert set(seen) <= listed, sorted(set(seen) - listed)
    assert "units.crude.bbl_per_t" in listed
    assert "oil.geo.tbilisi_lon" in listed
    over = res.tables["provenance"].query("parameter == 'include_novorossiysk'")
    assert over["source_id"].tolist() == ["override"]
    assert over["value_text"].tolist() == ["true"]


@pytest.mark.parametrize("year", [2024, 2025])
def test_daily_pipeline_capacities_are_the_quoted_bbl_per_day(year: int) -> None:
    """bbl/d capacities come back exactly per day, leap year or not (regression: 2024)."""
    p = oil.PARAMS.resolve(year)
    bbl_t = value("units.crude.bbl_per_t", unit="bbl/t")
    btc_bbl_d = per_day_kt(year, p.btc_capacity_mt_per_yr) * 1000 * bbl_t
    assert btc_bbl_d == pytest.approx(value("oil.btc.capacity_dra", unit="Mbbl/d") * 1e6)
    supsa_bbl_d = per_day_kt(year, p.supsa_capacity_mt_per_yr) * 1000 * bbl_t
    assert supsa_bbl_d == pytest.approx(value("oil.supsa.capacity", unit="bbl/d"))


def test_capacity_study_overload_comes_from_the_catalogue() -> None:
    """The LP stage of the capacity study offers overload_factor x capacity (no literal)."""
    with recording() as seen:
        seq, _ = oil.bottleneck_sequence(2025, steps=1, volumes=[1.0])
    assert "oil.study.overload_factor" in seen
    assert seq["lp_bottleneck"].iloc[0] == "tanker_lane"


def test_validation_by_role_fitted_on_2023_checked_on_2024_and_2025() -> None:
    from corridor_sim.models.toolkit.validation import VALIDATION_COLUMNS

    table = oil.simulate(scenario(2025)).table("validation")
    assert tuple(table.columns) == VALIDATION_COLUMNS
    assert set(table.loc[table["year"] == 2023, "role"]) == {"input", "fitted"}
    predicted = table[(table["role"] == "predicted") & table["error_pct"].notna()]
    assert len(predicted) >= 3
    assert set(predicted["year"]) == {2024, 2025}
    errors = predicted.set_index("quantity")["error_pct"]
    # pinned: docs/oil.md, "Validation by role"
    assert errors["Aktau -> Baku, January–June"] == pytest.approx(6.4, abs=0.05)
    assert errors["Aktau -> Baku, January–October"] == pytest.approx(4.2, abs=0.05)
    assert errors["Aktau -> Makhachkala, January–October"] == pytest.approx(3.3, abs=0.05)
    assert errors["Aktau loadings, all destinations, January–October"] == pytest.approx(
        -6.3, abs=0.05
    )
    assert errors["Kazakh crude through BTC, January–August"] == pytest.approx(25.8, abs=0.05)
    full = table[table["quantity"].str.startswith("Months the Baku tanker lane")]
    assert full.set_index("year")["modelled"].to_dict() == {2024: 3.0, 2025: 0.0}


def test_taraz_and_liwa_join_the_baku_lane_in_2025_at_6_kt_a_call() -> None:
    assert oil.PARAMS.resolve(2024).kmtf_tankers_baku == 0
    assert oil.PARAMS.resolve(2025).kmtf_tankers_baku == 2
    assert oil.PARAMS.resolve(2025).kmtf_cargo_t == pytest.approx(6000.0)
    assert fact("oil.fleet.asco_tankers").year == 2018


def test_headline_capacities_of_the_docs() -> None:
    # docs/oil.md: the Baku lane binds first at 2.67 Mt/yr in 2025 (first winter month short at
    # 2.33); with the 2023 fleet (no KMTF tankers on the lane) at 1.70 (1.49)
    cap = oil.route_capacity(2025)
    assert cap["cut_arcs"] == ("tanker_lane",)
    assert cap["capacity_mt_per_yr"] == pytest.approx(2.67, abs=0.005)
    assert cap["first_shortfall_mt_per_yr"] == pytest.approx(2.33, abs=0.005)
    old = oil.route_capacity(2024)
    assert old["capacity_mt_per_yr"] == pytest.approx(1.70, abs=0.005)
    assert old["first_shortfall_mt_per_yr"] == pytest.approx(1.49, abs=0.005)
