"""Hand-over to other tools: Excel workbooks, xarray/NetCDF and pandapower JSON read back whole."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandapower as pp
import pandapower.networks as pn
import pandas as pd
import pytest

import corridor_sim as cs
from corridor_sim import Result
from corridor_sim.engines.power import dc_flow
from corridor_sim.errors import OptionalDependencyError, ResultError, SpecError
from corridor_sim.export import net_to_json, pandapower_models, to_pandapower_json
from corridor_sim.results._export import EXCEL_MAX_ROWS, column_unit
from tests.helpers import ROOT, example_result

xr = pytest.importorskip("xarray")
pytest.importorskip("openpyxl")

ENGINES = ["scipy"] + (["netcdf4"] if importlib.util.find_spec("netCDF4") else [])


@pytest.fixture(scope="module")
def oil_result() -> Result:
    return example_result("oil_btc_outage")


@pytest.fixture(scope="module")
def power_result() -> Result:
    """A DC flow over two days of dated hours: datetimes, ints, bools and text."""
    net = pn.case30()
    hours = pd.date_range("2030-01-01", periods=48, freq="h")
    shape = 1 + 0.2 * np.sin(np.arange(48) / 24 * 2 * np.pi)
    load = pd.DataFrame(
        np.outer(shape, net.load["p_mw"].to_numpy()), index=hours, columns=net.load.index
    )
    result = dc_flow(net, load_p_mw=load).to_result(model="case30")
    result.tables["flags"] = pd.DataFrame(
        {"element": ["a", "b", "c"], "ok": [True, False, True], "note": ["x", "", "z&<y>"]}
    )
    return result


# -- Excel ----------------------------------------------------------------------------
def _same_as_excel(frame: pd.DataFrame, back: pd.DataFrame) -> None:
    """The sheet holds the table: names, values; dtypes where Excel keeps them."""
    assert list(back.columns) == [str(c) for c in frame.columns]
    assert len(back) == len(frame)
    for col in frame.columns:
        left, right = frame[col].reset_index(drop=True), back[str(col)]
        kind = left.dtype
        if kind is np.dtype(object):  # text: an empty or missing cell reads back as missing
            assert left.fillna("").astype(str).tolist() == right.fillna("").astype(str).tolist()
        elif pd.api.types.is_datetime64_any_dtype(kind):
            assert pd.api.types.is_datetime64_any_dtype(right.dtype)
            pd.testing.assert_series_equal(left, right, check_names=False, check_dtype=False)
        elif pd.api.types.is_bool_dtype(kind) or pd.api.types.is_integer_dtype(kind):
            assert right.dtype == kind, (col, right.dtype)
            assert left.tolist() == right.tolist()
        else:  # floats: integral ones read back as int64, infinities as "inf" text;
            # 16 significant digits are kept
            np.testing.assert_allclose(
                left.to_numpy(float), right.to_numpy(dtype=object).astype(float), rtol=1e-15
            )


@pytest.mark.parametrize("which", ["oil_result", "power_result"])
def test_workbook_sheets_equal_the_tables(which, request, tmp_path) -> None:
    result = request.getfixturevalue(which)
    path = result.to_excel(tmp_path / "r.xlsx")
    assert list(pd.read_excel(path, sheet_name=None, nrows=0)) == [
        *result.tables,
        "summary",
        "meta",
    ]
    for name, frame in {**result.tables, "summary": result.summary_table}.items():
        # read text as text (pandas' reader would turn the text "false" into a bool)
        text = {str(c): str for c in frame.columns if frame[c].dtype == object}
        _same_as_excel(frame, pd.read_excel(path, sheet_name=name, dtype=text))


def test_workbook_meta_sheet_names_the_run_and_every_unit(oil_result, tmp_path) -> None:
    meta = pd.read_excel(oil_result.to_excel(tmp_path / "r.xlsx"), sheet_name="meta")
    assert list(meta.columns) == ["section", "name", "value"]
    head = meta[meta["section"] == "meta"].set_index("name")["value"]
    assert head["model"] == "oil"
    assert head["scenario"] == "oil_btc_outage"
    assert int(head["year"]) == oil_result.meta["year"]
    assert head["corridor_sim_version"] == cs.__version__
    units = meta[meta["section"] == "unit"].set_index("name")["value"]
    assert units["flows.flow_kt"] == "kt"
    assert units["flows.shadow_price_usd_per_t"] == "USD/t"
    assert units["utilisation.utilisation_pct"] == "%"
    assert "flows.element" not in units


def test_workbook_of_chosen_tables_and_refusals(oil_result, tmp_path) -> None:
    path = oil_result.to_excel(tmp_path / "r.xlsx", tables=["flows"])
    assert list(pd.read_excel(path, sheet_name=None)) == ["flows", "summary", "meta"]
    with pytest.raises(ResultError, match="exists"):
        oil_result.to_excel(path)
    oil_result.to_excel(path, overwrite=True, tables=["flows"])
    assert path.read_bytes()[:2] == b"PK"  # a zip file: the workbook
    with pytest.raises(cs.CorridorSimError, match="flow"):
        oil_result.to_excel(tmp_path / "x.xlsx", tables=["flowz"])
    big = Result({"big": pd.DataFrame({"x_mw": np.zeros(EXCEL_MAX_ROWS)})})
    with pytest.raises(ResultError, match=r"'big' has 1,048,576 rows.*to_netcdf"):
        big.to_excel(tmp_path / "big.xlsx")
    assert not (tmp_path / "big.xlsx").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# -- xarray / NetCDF --------------------------------------------------------------------
def test_to_xarray_pivots_per_period_tables_with_units(oil_result) -> None:
    ds = oil_result.to_xarray()
    flows = oil_result.flows
    var = ds["flows__flow_kt"]
    assert var.dims == ("snapshot", "element")
    assert var.attrs["units"] == "kt"
    assert ds["prices__price_usd_per_t"].dims == ("snapshot", "prices_element")
    assert ds.sizes["snapshot"] == flows["period"].nunique()
    assert ds.sizes["element"] == flows["element"].nunique()
    # every row of the table is one cell of the array
    for row in flows.sample(20, random_state=1).itertuples():
        cell = var.sel(snapshot=row.snapshot, element=row.element)
        assert float(cell) == row.flow_kt
    # labels became coordinates; other tables keep their rows
    assert list(ds["period"].dims) == ["snapshot"]
    assert ds["source"].sel(element=flows["element"].iloc[0]) == flows["source"].iloc[0]
    assert ds.sizes["provenance_row"] == len(oil_result.provenance)
    assert ds.sizes["summary_row"] == len(oil_result.summary_table)
    assert ds.attrs["model"] == "oil"
    assert ds.attrs["scenario"] == "oil_btc_outage"
    assert ds.attrs["corridor_sim_version"] == cs.__version__


def test_to_xarray_keeps_dtypes_of_full_grids(power_result) -> None:
    ds = power_result.to_xarray()
    flows = power_result.flows
    assert ds["flows__p_mw"].shape == (48, flows["element"].nunique())
    assert ds["snapshot"].dtype.kind == "M"
    assert ds["flags__ok"].dtype == bool
    assert ds["flows__loading_pct"].attrs["units"] == "%"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("which", ["oil_result", "power_result"])
def test_netcdf_reopened_equals_to_xarray(which, engine, request, tmp_path) -> None:
    result = request.getfixturevalue(which)
    path = result.to_netcdf(tmp_path / "r.nc", engine=engine)
    with xr.open_dataset(path, engine=engine) as back:
        back = back.load()
    expected = result.to_xarray()
    xr.testing.assert_identical(back, expected)
    assert back["snapshot"].dtype.kind == "M"  # datetimes round trip
    assert isinstance(back["element"].to_numpy()[0], str)  # text round trips as text


def test_netcdf_refuses_to_overwrite_and_unknown_engine(oil_result, tmp_path) -> None:
    path = oil_result.to_netcdf(tmp_path / "r.nc")
    with pytest.raises(ResultError, match="exists"):
        oil_result.to_netcdf(path)
    with pytest.raises(ResultError, match="engine 'h5'"):
        oil_result.to_netcdf(tmp_path / "s.nc", engine="h5")


def test_missing_optional_package_names_the_extra(oil_result, monkeypatch, tmp_path) -> None:
    real = importlib.util.find_spec

    def no_export(name, *args, **kwargs):
        if name in ("openpyxl", "xarray"):
            return None
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", no_export)
    for call in (
        lambda: oil_result.to_excel(tmp_path / "a.xlsx"),
        oil_result.to_xarray,
        lambda: oil_result.to_netcdf(tmp_path / "a.nc"),
    ):
        with pytest.raises(OptionalDependencyError, match=r"corridor_sim\[export\]"):
            call()
    assert not list(tmp_path.iterdir())


def test_column_unit() -> None:
    assert column_unit("flow_kt") == "kt"
    assert column_unit("price_eur_per_mwh") == "EUR/MWh"
    assert column_unit("capacity_mt_per_yr") == "Mt/yr"
    assert column_unit("utilisation_pct") == "%"
    assert column_unit("binding_periods") == ""
    assert column_unit("element") == ""


# -- pandapower JSON ------------------------------------------------------------------
@pytest.mark.parametrize(("model", "year"), [("caspian", 2032), ("serbia", 2029)])
def test_pandapower_json_round_trips_and_gives_the_same_flows(model, year, tmp_path) -> None:
    path = to_pandapower_json(model, year, tmp_path / f"{model}.json")
    original = cs.models.get_model(model).build(year)
    again = pp.from_json(path)
    pp.rundcpp(original)
    pp.rundcpp(again)
    for table in ("res_bus", "res_line", "res_trafo", "res_dcline"):
        if len(original[table]):
            pd.testing.assert_frame_equal(again[table], original[table], check_dtype=False)
    assert len(again.line) == len(original.line)


def test_pandapower_json_for_a_commodity_model_says_what_to_use(tmp_path) -> None:
    assert pandapower_models() == ["caspian", "serbia"]
    with pytest.raises(SpecError, match=r"'oil'.*CommodityNetwork.*to_networkx"):
        to_pandapower_json("oil", 2025, tmp_path / "oil.json")
    with pytest.raises(SpecError, match="expected a pandapower net"):
        net_to_json({"bus": []}, tmp_path / "x.json")
    assert not list(tmp_path.iterdir())


def test_pandapower_json_passes_build_parameters(tmp_path) -> None:
    path = to_pandapower_json("serbia", 2029, tmp_path / "s.json", site="none")
    net = pp.from_json(path)
    assert "plant" not in set(net.gen["name"].astype(str))


def test_the_calls_of_docs_export_md_run(tmp_path, monkeypatch) -> None:
    """Every Python block of docs/export.md runs as written (files go to a temporary folder)."""
    import re

    text = (ROOT / "docs" / "export.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 5
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    scope: dict = {}
    for block in blocks:
        exec(compile(block, "docs/export.md", "exec"), scope)
    for name in ("oil_btc_outage.xlsx", "flows.xlsx", "oil_btc_outage.nc", "caspian.json"):
        assert (tmp_path / name).stat().st_size > 0
