"""Objects show themselves briefly: one-line reprs, HTML cards, tables in dir()."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

import corridor_sim as cs
from corridor_sim import Result, Scenario
from corridor_sim.engines import commodity as eng
from corridor_sim.models import oil
from corridor_sim.results.display import REPR_LIMIT, html_card, one_line, table_list
from tests.helpers import ROOT, example_result

#: Longest repr the issue accepts (it complained of 3.6 to 10.4 kB lines).
MAX_REPR = 300


def _one_short_line(text: str) -> None:
    assert "\n" not in text
    assert len(text) <= min(MAX_REPR, REPR_LIMIT), len(text)
    assert "DataFrame" not in text
    assert "mappingproxy" not in text


@pytest.fixture(scope="module")
def oil_result() -> Result:
    return example_result("oil_baseline_2025")


# -- Result ------------------------------------------------------------------------
def test_result_repr_is_one_short_line(oil_result) -> None:
    text = repr(oil_result)
    _one_short_line(text)
    assert text.startswith("Result(model='oil', scenario='oil_baseline_2025', year=2025")
    for name in ("flows", "nodes"):
        assert f"{name}[{len(oil_result.tables[name])}]" in text
    shown = sum(f"{name}[" in text for name in oil_result.tables)
    if shown < len(oil_result.tables):  # the rest are counted, not dropped silently
        assert f"(+{len(oil_result.tables) - shown} more)" in text


def test_result_html_card_has_meta_summary_and_every_table(oil_result) -> None:
    card = oil_result._repr_html_()
    assert len(card) < 20_000
    for name, frame in oil_result.tables.items():
        assert f"<code>.{name}</code>" in card
        assert f">{len(frame):,}<" in card
    for metric in oil_result.summary_table["metric"].head(10):
        assert f">{metric}<" in card
    assert ">oil_baseline_2025<" in card
    assert "<script" not in card


def test_result_tables_are_offered_by_dir_and_reachable(oil_result) -> None:
    names = dir(oil_result)
    for table in oil_result.tables:
        assert table in names
        assert getattr(oil_result, table) is oil_result.tables[table]
    assert "summary" in names
    assert "save" in names


def test_result_repr_stays_short_with_many_or_odd_tables() -> None:
    tables = {f"table_{i:02d}": pd.DataFrame({"x": range(i)}) for i in range(60)}
    tables["<b>odd name</b>"] = pd.DataFrame({"<i>col</i>": [1]})
    r = Result(tables, meta={"model": "m" * 200, "scenario": "s"})
    _one_short_line(repr(r))
    assert "more)" in repr(r)
    card = r._repr_html_()
    assert "<b>odd name</b>" not in card
    assert "&lt;b&gt;odd name&lt;/b&gt;" in card
    assert "&lt;i&gt;col&lt;/i&gt;" in card
    assert "<b>odd name</b>" not in dir(r)  # not an identifier: not offered


def test_subclasses_of_result_use_the_same_display() -> None:
    solution = eng.solve(oil.build(2025))
    text = repr(solution)
    _one_short_line(text)
    assert text.startswith("CommoditySolution(")
    assert "bottlenecks" in solution._repr_html_()
    assert "flows" in dir(solution)


def test_empty_result_shows_itself() -> None:
    assert repr(Result()) == "Result(tables: none)"
    assert "Result" in Result()._repr_html_()


# -- Scenario ----------------------------------------------------------------------
def test_scenario_repr_is_short_and_says_what_it_changes() -> None:
    s = Scenario(
        model="oil",
        year=2025,
        name="btc-outage",
        overrides={"kazakh_volume_mt_per_yr": 2.0},
        events=[{"element": "btc", "start": 5, "duration": 1, "days": 10}],
    )
    text = repr(s)
    _one_short_line(text)
    assert "model='oil'" in text
    assert "year=2025" in text
    assert "name='btc-outage'" in text
    assert "kazakh_volume_mt_per_yr: 2" in text
    assert "events=1" in text


def test_scenario_html_lists_overrides_events_and_sweep() -> None:
    s = Scenario.from_toml(ROOT / "examples" / "oil_volume_sweep.toml", check=False)
    card = s._repr_html_()
    for key in s.sweep:
        assert key in card
    for key in s.options:
        assert key in card
    assert s.description in card or not s.description
    outage = Scenario.from_toml(ROOT / "examples" / "oil_btc_outage.toml", check=False)
    assert ">btc<" in outage._repr_html_()


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.toml")))
def test_every_example_scenario_has_a_short_repr(path) -> None:
    s = Scenario.from_toml(path, check=False)
    _one_short_line(repr(s))
    assert f"model='{s.model}'" in repr(s)
    assert "<script" not in s._repr_html_()


# -- CommodityNetwork --------------------------------------------------------------
def test_network_repr_counts_nodes_arcs_and_periods() -> None:
    net = oil.build(2025)
    text = repr(net)
    _one_short_line(text)
    assert f"nodes={len(net.nodes)}" in text
    assert f"arcs={len(net.arcs)}" in text
    assert f"'{net.n_periods} (" in text
    assert f"unit='{net.unit}'" in text


def test_network_html_lists_every_node_and_arc() -> None:
    net = oil.build(2025)
    card = net._repr_html_()
    assert len(card) < 20_000
    for item in (*net.nodes, *net.arcs):
        assert f">{item.id}<" in card
    assert "nodes (" in card
    assert "arcs (" in card


# -- the helpers -------------------------------------------------------------------
def test_one_line_leaves_out_empty_fields_and_cuts_long_ones() -> None:
    assert one_line("X", [("a", None), ("b", ""), ("c", {}), ("d", 0)]) == "X(d=0)"
    long = one_line("X", [("name", "n" * 500)])
    assert len(long) <= REPR_LIMIT
    assert "…" in long


def test_table_list_counts_what_it_leaves_out() -> None:
    tables = {f"t{i}": pd.DataFrame({"x": [1]}) for i in range(50)}
    text = table_list(tables, limit=40)
    assert text.endswith("more)")
    assert len(text) < 60


def test_html_card_escapes_everything() -> None:
    card = html_card(
        "<T>", [("<k>", "<v>")], summary=pd.DataFrame({"<c>": ["<x>"]}), subtitle="<s>"
    )
    for raw in ("<T>", "<k>", "<v>", "<c>", "<x>", "<s>"):
        assert raw not in card
        assert raw.replace("<", "&lt;").replace(">", "&gt;") in card


# -- engine results ------------------------------------------------------------------
def _dc_inputs():
    import numpy as np
    import pandapower.networks as pn

    net = pn.case30()
    hours = pd.date_range("2030-01-01", periods=24, freq="h")
    shape = 1 + 0.1 * np.sin(np.arange(24) / 24 * 2 * np.pi)
    load = pd.DataFrame(
        np.outer(shape, net.load["p_mw"].to_numpy()), index=hours, columns=net.load.index
    )
    return net, load


@pytest.fixture(scope="module")
def engine_results() -> dict:
    from corridor_sim.engines.dispatch import dispatch
    from corridor_sim.engines.power import dc_flow, n_minus_1

    net, load = _dc_inputs()
    linear = copy.deepcopy(net)
    linear.poly_cost["cp2_eur_per_mw2"] = 0.0
    oil_net = oil.build(2025)
    return {
        "DCFlowResult": dc_flow(net, load_p_mw=load),
        "N1Result": n_minus_1(net, load_p_mw=load),
        "DispatchResult": dispatch(linear, load_p_mw=load),
        "MaxFlowResult": eng.max_flow(oil_net, oil_net.nodes[0].id, oil_net.nodes[-1].id),
    }


ENGINE_TABLES = {
    "DCFlowResult": ("line_p_from_mw", "line_loading_pct", "gen_p_mw"),
    "N1Result": ("worst", "by_outage", "violation_counts", "islanding"),
    "DispatchResult": ("generation", "flows", "prices", "unserved", "storage"),
    "MaxFlowResult": (),
}


@pytest.mark.parametrize("kind", list(ENGINE_TABLES))
def test_engine_result_repr_is_short_and_names_size_and_key_figure(engine_results, kind) -> None:
    obj = engine_results[kind]
    text = repr(obj)
    _one_short_line(text)
    assert text.startswith(f"{kind}(")
    key = {
        "DCFlowResult": "max_loading_pct=",
        "N1Result": "worst_loading_pct=",
        "DispatchResult": "objective_eur=",
        "MaxFlowResult": "value=",
    }[kind]
    assert key in text
    if kind != "MaxFlowResult":
        assert "hours='24 (2030-01-01 00:00" in text
    assert f"{ENGINE_TABLES[kind][:1][0]}[" in text if ENGINE_TABLES[kind] else "cut_arcs" in text


@pytest.mark.parametrize("kind", list(ENGINE_TABLES))
def test_engine_result_html_lists_tables_with_sizes(engine_results, kind) -> None:
    obj = engine_results[kind]
    card = obj._repr_html_()
    assert len(card) < 30_000
    assert "<script" not in card
    assert card.count("<div class='cs-card'>") == 1
    for name in ENGINE_TABLES[kind]:
        frame = getattr(obj, name)
        assert f"<code>.{name}</code>" in card
        assert f">{len(frame):,}<" in card
        assert name in dir(obj)  # tab completion offers the tables


def test_n1_card_shows_the_worst_cases_by_id(engine_results) -> None:
    n1 = engine_results["N1Result"]
    card = n1._repr_html_()
    assert "worst cases (first 10)" in card
    assert "after line" in card
    assert "DCFlowResult(" in card  # the base flows, as one line


def test_engine_html_escapes_element_names() -> None:
    import pandapower as pp

    from corridor_sim.engines.power import dc_flow

    net = pp.create_empty_network()
    a = pp.create_bus(net, 110, name="<a>")
    b = pp.create_bus(net, 110, name="<b>")
    pp.create_ext_grid(net, a)
    pp.create_load(net, b, p_mw=10)
    pp.create_line(net, a, b, 10, "149-AL1/24-ST1A 110.0", name="<script>x</script>")
    result = dc_flow(net)
    assert "(<script>x</script>)" in repr(result)  # the line's name is its id
    card = result._repr_html_()
    assert "<script>" not in card
    assert "&lt;script&gt;x&lt;/script&gt;" in card


# -- study results -------------------------------------------------------------------
def test_study_result_and_summary_display(tmp_path) -> None:
    s = Scenario.from_toml(ROOT / "examples" / "oil_volume_sweep.toml")
    study = cs.sweep(s)
    text = repr(study)
    _one_short_line(text)
    assert text.startswith("StudyResult(kind='sweep'")
    assert f"runs={len(study.runs)}" in text
    card = study._repr_html_()
    for name, frame in study.tables.items():
        assert f"<code>.{name}</code>" in card
        assert f">{len(frame):,}<" in card
        assert name in dir(study)
    assert "bottleneck frequency" in card
    summary = study.summary()
    _one_short_line(repr(summary))
    assert str(summary) == summary.to_text()  # print() still gives the full text
    assert "metrics (" in summary._repr_html_()


# -- quiet in a notebook -------------------------------------------------------------
def test_corridor_sim_calls_print_no_numba_warning_or_solver_banner(caplog, capfd) -> None:
    import importlib.util
    import logging

    import pandapower as pp
    import pandapower.networks as pn

    from corridor_sim.engines.dispatch import dispatch
    from corridor_sim.engines.power import dc_flow, n_minus_1

    net = pn.case30()
    with caplog.at_level(logging.INFO, logger="pandapower"):
        dc_flow(net)
        n_minus_1(net, ac_check="worst")
        linear = copy.deepcopy(net)
        linear.poly_cost["cp2_eur_per_mw2"] = 0.0
        dispatch(linear)
    assert not [r for r in caplog.records if "numba" in r.getMessage()]
    out, err = capfd.readouterr()
    assert "HiGHS" not in out + err
    assert "numba" not in err
    # a user's own pandapower call still gets pandapower's message
    with caplog.at_level(logging.WARNING, logger="pandapower"):
        pp.rundcpp(copy.deepcopy(net))
    if importlib.util.find_spec("numba") is None:
        assert any("numba" in r.getMessage() for r in caplog.records)
