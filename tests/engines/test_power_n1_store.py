"""n_minus_1(store_dir=...): a stored screen's tables equal the in-memory screen's exactly."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandapower as pp
import pandapower.networks as pn
import pandas as pd
import pytest

from corridor_sim.engines._shared.dcmodel import DCModel
from corridor_sim.engines.power import N1Result, n_minus_1
from corridor_sim.engines.power import flow as power_flow
from corridor_sim.errors import CorridorSimError, SpecError
from corridor_sim.results.schemas import validate
from tests.engines.power_nets import profiles, reference_run

TOL_MW = 1e-9


def _case118_modified() -> pp.pandapowerNet:
    net = pn.case118()
    net.line.loc[[10, 40], "in_service"] = False
    net.trafo.loc[0, "shift_degree"] = 5.0
    return net


def assert_same_screen(stored: N1Result, memory: N1Result) -> None:
    """Every table of the two screens is identical (values, causes, hours, order)."""
    pd.testing.assert_frame_equal(stored.worst, memory.worst)
    pd.testing.assert_frame_equal(stored.by_outage, memory.by_outage)
    pd.testing.assert_frame_equal(stored.islanding, memory.islanding)
    pd.testing.assert_frame_equal(stored.violation_counts, memory.violation_counts)
    assert stored.has_violation_rows == memory.has_violation_rows
    if memory.has_violation_rows:
        pd.testing.assert_frame_equal(stored.violations, memory.violations)
    pd.testing.assert_series_equal(stored._binding_hours, memory._binding_hours)
    assert stored.n_violations == memory.n_violations


@pytest.fixture(scope="module")
def case118_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """case118 (phase shift, lines out, bridges), 30 h: in memory and stored."""
    net = _case118_modified()
    tables = profiles(net, 30, np.random.default_rng(21))
    loose = n_minus_1(net, **tables, outages="lines+trafos", threshold_pct=1e9)
    threshold = float(loose.worst["loading_pct"].quantile(0.8))
    kwargs = {"outages": "lines+trafos", "threshold_pct": threshold, "violations": "full"}
    memory = n_minus_1(net, **tables, **kwargs)
    path = tmp_path_factory.mktemp("n1") / "store"
    stored = n_minus_1(net, **tables, **kwargs, store_dir=path)
    return net, tables, kwargs, memory, stored


def test_stored_screen_equals_in_memory(case118_pair: tuple) -> None:
    _, _, _, memory, stored = case118_pair
    assert memory.store_dir is None
    assert stored.store_dir is not None
    assert len(stored.violation_counts) > 0
    assert len(stored.islanding) > 0  # bridges are exercised
    assert_same_screen(stored, memory)
    # the base case is recomputed, bit for bit the in-memory one
    pd.testing.assert_frame_equal(stored.base.line_p_from_mw, memory.base.line_p_from_mw)
    pd.testing.assert_frame_equal(stored.base.trafo_loading_pct, memory.base.trafo_loading_pct)
    outage = ("line", int(memory.worst["outage_index"].iloc[0]))
    pd.testing.assert_frame_equal(stored.post_flows(outage), memory.post_flows(outage))
    a, b = validate(stored.to_result()), validate(memory.to_result())
    assert sorted(a.tables) == sorted(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.table(name), b.table(name))
    pd.testing.assert_frame_equal(a.summary(), b.summary())


def test_store_files_describe_themselves(case118_pair: tuple) -> None:
    _, tables, _, memory, stored = case118_pair
    path = stored.store_dir
    manifest = json.loads((path / "n1_store.json").read_text())
    assert manifest["complete"] is True
    assert manifest["n_hours"] == len(tables["load_p_mw"])
    assert manifest["n_outages"] == len(memory.by_outage)
    keys = np.load(path / "keys.npz")
    pairs = np.concatenate([np.load(f) for f in sorted((path / "pairs").glob("*.npy"))])
    assert len(pairs) == len(memory.violation_counts)
    assert int(pairs["n_hours"].sum()) == memory.n_violations
    first = memory.violation_counts.iloc[0]  # positions in keys.npz lead back to it
    o = np.flatnonzero(
        (keys["outage_element"] == first["outage_element"])
        & (keys["outage_index"] == first["outage_index"])
    )[0]
    m = np.flatnonzero(
        (keys["element"] == first["element"]) & (keys["element_index"] == first["element_index"])
    )[0]
    (record,) = pairs[(pairs["outage"] == o) & (pairs["element"] == m)]
    assert record["loading_pct"] == first["loading_pct"]
    assert record["n_hours"] == first["n_hours"]
    assert np.load(path / "hours.npy")[record["hour"]] == first["hour"]
    assert str(path) in stored._repr_html_()


def test_reported_cases_of_a_stored_screen_match_rundcpp(case118_pair: tuple) -> None:
    net, tables, _, _, stored = case118_pair
    picks = [*stored.worst.head(2).itertuples(index=False)]
    picks += [*stored.violation_counts.head(2).itertuples(index=False)]
    for row in picks:
        outage = (row.outage_element, int(row.outage_index))
        ref = reference_run(net, tables, stored.hours.get_loc(row.hour), outage)
        res = ref.res_line if row.element == "line" else ref.res_trafo
        col = "p_from_mw" if row.element == "line" else "p_hv_mw"
        assert row.p_mw == pytest.approx(float(res.at[row.element_index, col]), abs=TOL_MW)
    hours = [5, 17]
    for name in ("line_p_from_mw", "bus_va_degree"):
        np.testing.assert_allclose(
            getattr(stored.base_case(hours), name).to_numpy(),
            getattr(stored.base, name).iloc[hours].to_numpy(),
            atol=TOL_MW,
            rtol=0,
        )
    pd.testing.assert_index_equal(stored.base_case(hours).hours, pd.Index(hours))


def test_read_violation_counts_selects_like_the_table(case118_pair: tuple) -> None:
    _, _, _, memory, stored = case118_pair
    counts = memory.violation_counts
    outages = [(str(e), int(i)) for e, i in counts[["outage_element", "outage_index"]].head(40)
               .drop_duplicates().itertuples(index=False)][:3]  # fmt: skip
    elements = [("line", int(i)) for i in counts["element_index"].head(5)]
    for kwargs in ({"outages": outages}, {"elements": elements}, {}):
        got = stored.read_violation_counts(**kwargs)
        pd.testing.assert_frame_equal(got, memory.read_violation_counts(**kwargs))
    got = stored.read_violation_counts(outages=outages)
    assert set(map(tuple, got[["outage_element", "outage_index"]].to_numpy())) == set(outages)
    with pytest.raises(SpecError, match="outages entry 'line': expected a pair"):
        stored.read_violation_counts(outages=["line"])
    with pytest.raises(SpecError, match=r"hours: 99 was not screened"):
        stored.base_case([99])


def test_blocks_of_hours_give_the_same_tables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Four blocks of 8 hours (stored) against one scan of all hours (in memory)."""
    monkeypatch.setattr(DCModel, "block_columns", lambda self, n_rows=None: 8)
    net = _case118_modified()
    tables = profiles(net, 30, np.random.default_rng(8))
    model = DCModel.from_net(net)
    n_mon = int((model.line_row >= 0).sum() + (model.trafo_row >= 0).sum())
    memory_mib = 2 * 8 * 8 * n_mon / 2**20  # flows of 8 hours in half of it
    assert power_flow.hours_per_block(model, n_mon, int(memory_mib * 2**20)) == 8
    loose = n_minus_1(net, **tables, outages="lines+trafos", threshold_pct=1e9, model=model)
    threshold = float(loose.worst["loading_pct"].quantile(0.7))
    kwargs = {"outages": "lines+trafos", "threshold_pct": threshold, "violations": "full"}
    memory = n_minus_1(net, **tables, **kwargs, memory_mib=memory_mib, model=model)
    stored = n_minus_1(
        net, **tables, **kwargs, memory_mib=memory_mib, model=model, store_dir=tmp_path / "s"
    )
    assert len(list((tmp_path / "s" / "pairs").glob("*.npy"))) > 1
    assert not list((tmp_path / "s" / "pairs").glob("part-*"))  # merged
    counts = memory.violation_counts
    assert (counts["n_hours"] > 1).any()  # pairs violated in several blocks are merged
    assert_same_screen(stored, memory)


def test_case1354pegase_stored_equals_in_memory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A larger net, two days in blocks of 16 hours; outage flows against rundcpp."""
    monkeypatch.setattr(DCModel, "block_columns", lambda self, n_rows=None: 16)
    net = pn.case1354pegase()
    tables = profiles(net, 48, np.random.default_rng(1354))
    lines = net.line.index[net.line["in_service"]].to_numpy()
    outages = [("line", int(i)) for i in lines[::25]]
    model = DCModel.from_net(net)
    n_mon = int((model.line_row >= 0).sum() + (model.trafo_row >= 0).sum())
    kwargs = {"outages": outages, "threshold_pct": 90.0, "model": model,
              "memory_mib": 2 * 16 * 8 * n_mon / 2**20}  # fmt: skip
    memory = n_minus_1(net, **tables, **kwargs)
    stored = n_minus_1(net, **tables, **kwargs, store_dir=tmp_path / "s")
    assert memory.n_violations > 0
    assert_same_screen(stored, memory)
    for outage in outages[:2]:
        post = stored.post_flows(outage)
        for hour in (3, 40):
            ref = reference_run(net, tables, hour, outage)
            np.testing.assert_allclose(
                post["line"].iloc[hour].to_numpy(),
                ref.res_line["p_from_mw"].fillna(0.0).to_numpy(),
                atol=TOL_MW,
                rtol=0,
            )


def test_row_limit_and_compact_mode_in_a_store(tmp_path: Path) -> None:
    net = pn.case118()
    tables = profiles(net, 8, np.random.default_rng(3))
    low = float(n_minus_1(net, **tables).worst["loading_pct"].quantile(0.5))
    full = n_minus_1(net, **tables, threshold_pct=low, violations="full")
    limited = n_minus_1(
        net, **tables, threshold_pct=low, max_violation_rows=5, store_dir=tmp_path / "a"
    )
    with pytest.raises(SpecError, match=r"exceed max_violation_rows = 5"):
        _ = limited.violations
    assert not list((tmp_path / "a" / "rows").iterdir())
    compact = n_minus_1(
        net, **tables, threshold_pct=low, violations="compact", store_dir=tmp_path / "b"
    )
    for res in (limited, compact):
        assert not res.has_violation_rows
        pd.testing.assert_frame_equal(res.violation_counts, full.violation_counts)
        assert "violations" not in validate(res.to_result()).tables


def test_bad_store_dir_raises_spec_error_naming_it(tmp_path: Path) -> None:
    net = pn.case9()
    a_file = tmp_path / "file.txt"
    a_file.write_text("not a directory")
    with pytest.raises(SpecError, match=r"store_dir = .*file.txt' is an existing file"):
        n_minus_1(net, store_dir=a_file)
    with pytest.raises(SpecError, match=r"store_dir = .*cannot be written"):
        n_minus_1(net, store_dir=a_file / "below")  # parent is a file: not writable
    with pytest.raises(SpecError, match=r"store_dir = 3: expected a directory path"):
        n_minus_1(net, store_dir=3)
    with pytest.raises(SpecError, match=r"overwrite = 'yes': expected True or False"):
        n_minus_1(net, store_dir=tmp_path / "x", overwrite="yes")
    with pytest.raises(SpecError, match=r"holds other files \(file.txt\)"):
        n_minus_1(net, store_dir=tmp_path, overwrite=True)
    first = n_minus_1(net, store_dir=tmp_path / "n1")
    with pytest.raises(SpecError, match=r"holds an N-1 store already; pass overwrite=True"):
        n_minus_1(net, store_dir=tmp_path / "n1")
    again = n_minus_1(net, store_dir=tmp_path / "n1", overwrite=True)
    pd.testing.assert_frame_equal(again.worst, first.worst)
    empty = tmp_path / "empty"
    empty.mkdir()
    n_minus_1(net, store_dir=empty)  # an empty directory is fine


def test_reading_a_removed_store_raises(tmp_path: Path) -> None:
    res = n_minus_1(pn.case9(), threshold_pct=50.0, store_dir=tmp_path / "n1")
    assert len(res.violation_counts) > 0
    (tmp_path / "n1" / "n1_store.json").unlink()
    with pytest.raises(CorridorSimError, match=r"N-1 store .*n1' cannot be read"):
        _ = res.violation_counts
