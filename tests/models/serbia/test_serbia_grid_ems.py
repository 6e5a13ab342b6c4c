"""The Serbian grid against EMS's line counts and lengths, and the changes that complete it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandapower as pp
import pandapower.topology as top
import pytest

from corridor_sim.catalogue import fact, value
from corridor_sim.models import serbia
from corridor_sim.models.serbia.grid.compare import EMS_YEAR, ems_comparison, serbian_lines
from corridor_sim.models.serbia.grid.stored import read_tables
from corridor_sim.models.serbia.grid.tables import grid_tables

TOLERANCE_PCT = 5.0
CONVENTIONS = Path(__file__).resolve().parents[3] / "tools" / "serbia_ems_conventions.py"


@pytest.fixture(scope="module")
def comparison():
    return ems_comparison(EMS_YEAR).set_index("voltage_kv")


def test_ems_figures_are_catalogue_rows_with_the_ems_quote():
    for kv, n, km in ((400, 38, 1798.70), (220, 47, 1782.66)):
        lines = fact(f"serbia.grid.ems.kv{kv}.lines")
        length = fact(f"serbia.grid.ems.kv{kv}.length")
        assert (lines.value, length.value, lines.year) == (n, km, 2020)
        assert "31.12.2020" in lines.quote or "Број далековода" in lines.quote
        assert f"{km:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") in length.quote
        assert length.reference.startswith("http")


@pytest.mark.parametrize("kv", [400, 220])
def test_line_length_inside_serbia_is_within_5_pct_of_ems(comparison, kv):
    """Circuit km inside Serbia (tie lines up to the border) in the grid of 2020."""
    row = comparison.loc[kv]
    assert abs(row["length_error_pct"]) <= TOLERANCE_PCT, row.to_dict()


@pytest.mark.xfail(
    strict=True,
    reason="the grid of 2020 has 33 of EMS's 38 lines at 400 kV (-13.2 %) and 39 of its 47 "
    "at 220 kV (-17.0 %); no public source names the 5 and 8 missing lines, and no counting "
    "convention closes the gap without pushing the lengths over 5 % (docs/serbia.md, 'The "
    "grid against EMS's figures'; tools/serbia_ems_conventions.py)",
)
@pytest.mark.parametrize("kv", [400, 220])
def test_line_count_is_within_5_pct_of_ems(comparison, kv):
    row = comparison.loc[kv]
    assert abs(row["lines_error_pct"]) <= TOLERANCE_PCT, row.to_dict()


def test_counts_and_lengths_by_hand():
    """The comparison sums circuits and Serbian km of Serbia's lines and ties, nothing else."""
    lines = serbian_lines(EMS_YEAR)
    assert set(lines["kind"]) == {"rs", "tie"}
    tables = grid_tables(EMS_YEAR, None, planned=False).lines
    rs = tables[(tables["kind"] == "rs") & (tables["vn_kv"] < 300)]
    in_rs = lines[(lines["kind"] == "rs") & (lines["voltage_kv"] == 220)]
    assert in_rs["circuits"].sum() == rs["parallel"].sum()
    assert (in_rs["circuits"] * in_rs["length_in_serbia_km"]).sum() == pytest.approx(
        (rs["parallel"] * rs["length_km"]).sum()
    )
    ties = lines[lines["kind"] == "tie"]
    assert (ties["length_in_serbia_km"] <= ties["length_km"] + 0.05).all()
    # Pančevo 2 – Reșița: EMS gives 68.332 km in Serbia; the map's route is shorter
    pancevo = ties.set_index("id").loc["line_14671"]
    assert pancevo["circuits"] == 2
    assert 50 < pancevo["length_in_serbia_km"] < 68.4


def test_map_routes_run_short_of_emss_published_lengths():
    """Where EMS published a route length, the ENTSO-E map's route inside Serbia is shorter."""
    lines = serbian_lines(EMS_YEAR).set_index("id")["length_in_serbia_km"]
    pancevo = value("serbia.grid.ems.route.pancevo2_ro_border.length", unit="km")
    assert lines["line_14671"] < 0.85 * pancevo  # 56.3 km against 68.332
    # Leskovac 2 - border, since looped into Vranje 4 (which made the real route longer)
    leskovac = value("serbia.grid.ems.route.leskovac2_mk_border.length", unit="km")
    assert lines["line_6373"] + lines["line_14688"] < 0.9 * leskovac  # 86.4 km against 100


def _conventions():
    spec = importlib.util.spec_from_file_location("serbia_ems_conventions", CONVENTIONS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_counting_convention_closes_the_count_gap_within_the_lengths():
    """Per line counts fewer; Kosovo's lines match the counts but overshoot the lengths."""
    lines = serbian_lines(EMS_YEAR)
    xk = _conventions().kosovo_additions()
    assert set(xk["other_end"]) == {"XK", "RS", "AL", "ME", "MK", "EXT"}
    assert (xk.loc[xk["other_end"] == "RS", "circuits"] == 0).all()  # ties already counted
    for kv in (400, 220):
        sel = lines[lines["voltage_kv"] == kv]
        n_ems = value(f"serbia.grid.ems.kv{kv}.lines", unit="lines")
        km_ems = value(f"serbia.grid.ems.kv{kv}.length", unit="km")
        per_circuit = sel["circuits"].sum()
        assert len(sel) < per_circuit < n_ems  # a double line counted once: further off
        k = xk[xk["voltage_kv"] == kv]
        n = per_circuit + k["circuits"].sum()
        km = (sel["circuits"] * sel["length_in_serbia_km"]).sum() + k["km_in_kosovo"].sum()
        assert abs(n - n_ems) / n_ems <= TOLERANCE_PCT / 100  # 38 / 38 and 48 / 47
        assert (km - km_ems) / km_ems > TOLERANCE_PCT / 100  # but +9.9 % in length


def test_replaced_220_kv_line_leaves_with_the_400_kv_line():
    year = int(value("serbia.change.obrenovac_bajina_basta.year", unit="year"))
    assert (
        "replacement of the existing 220 kV"
        in fact("serbia.change.obrenovac_bajina_basta.replaces_220").quote
    )
    before = set(grid_tables(year - 1, None).lines["id"])
    after = set(grid_tables(year, None).lines["id"])
    assert "line_1693" in before
    assert "obrenovac_bajina_basta" not in before
    assert "line_1693" not in after
    assert "obrenovac_bajina_basta" in after
    # only what is built: the 220 kV line stays, the 400 kV line is not there
    built = set(grid_tables(year + 2, None, planned=False).lines["id"])
    assert "line_1693" in built
    assert "obrenovac_bajina_basta" not in built


def test_smederevo_loop_in_replaces_beograd_8_drmno():
    t = read_tables()
    old_km = float(t.lines.set_index("line_id").at["4242", "length_m"]) / 1000
    loop = value("serbia.change.smederevo3_400.loop_km", unit="km")
    lines = grid_tables(2029, None).lines.set_index("id")
    assert "line_4242" not in lines.index
    a, b = lines.loc["smederevo3_loop_in_a"], lines.loc["smederevo3_loop_in_b"]
    assert (a["to"], b["from"]) == ("smederevo3_400", "smederevo3_400")
    assert a["length_km"] + b["length_km"] == pytest.approx(old_km + 2 * loop)
    assert a["name"] == "Beograd 8 – Smederevo 3 400 kV"
    trafos = grid_tables(2029, None).trafos.set_index("id")
    assert trafos.at["smederevo3_400_220", "hv"] == "smederevo3_400"
    assert "ems_comparison" not in lines.index  # no stray ids


def test_bajina_basta_pljevlja_220_kv_tie():
    lines = grid_tables(2029, None).lines.set_index("id")
    row = lines.loc["bajina_basta_pljevlja_220"]
    assert (row["kind"], row["border"], row["vn_kv"]) == ("tie", "RS-ME", 220.0)
    f = fact("serbia.line.bajina_basta_pljevlja_220.length")
    assert row["length_km"] == pytest.approx(f.value)
    assert "Bajina Bašta – Pljevlja" in f.reason  # EMS crews on it (Kurir, January 2026)
    assert f.quote.startswith("14342,2050,6928,220,1,92594")  # the May 2018 map extract
    assert len(row["geometry"]) > 2  # the 2018 map's route, not a straight line
    # it leaves Serbia round the Bosnian salient at Višegrad and comes back
    ties = serbian_lines(2029).set_index("id")
    assert 0.6 < ties.at["bajina_basta_pljevlja_220", "length_in_serbia_km"] / f.value < 0.9


def test_rating_ranges_go_both_ways():
    for fid in ("serbia.line.kv220.max_i_ka", "serbia.line.kv400.max_i_ka"):
        f = fact(fid)
        assert f.low < f.value < f.high, fid
        assert f.range_reason


@pytest.mark.parametrize("year", [2020, 2029])
def test_completed_grid_has_no_island_and_solves(year):
    net = serbia.build(year, site="krusevac")
    graph = top.create_nxgraph(net, respect_switches=True, include_out_of_service=False)
    unsupplied = top.unsupplied_buses(net, mg=graph)
    assert not unsupplied
    pp.rundcpp(net)
    assert net.res_bus["va_degree"].notna().all()
    net = serbia.build(year, site="krusevac")
    pp.runpp(net, numba=False, init="dc", calculate_voltage_angles=True)
    assert net.converged


def test_vardiste_is_a_serbian_station_with_internal_lines():
    """Bus 2123 is the switching station Vardište; every ENTSO-E map version tags it RS and its
    lines to Bajina Bašta, Požega and Bistrica as Serbian, the line to Višegrad as the tie."""
    t = read_tables()
    assert t.station_names["2123"] == "Vardište"
    assert t.buses.set_index("bus_id").at["2123", "country"] == "RS"
    lines = serbian_lines(EMS_YEAR).set_index("id")
    for line in ("line_1684", "line_1685", "line_1688"):
        assert lines.at[line, "kind"] == "rs"
        assert "Vardište" in lines.at[line, "name"]
        assert lines.at[line, "length_in_serbia_km"] == pytest.approx(lines.at[line, "length_km"])


@pytest.mark.parametrize("year", [EMS_YEAR, 2029])
def test_visegrad_tie_connects_at_vardiste_in_every_year(year):
    """The Serbia–BiH 220 kV tie runs Vardište – Višegrad (map tie code 383.1.1, May 2018 route),
    not Bajina Bašta – border joint: the March 2022 map's ``line_13826`` is the northern part of
    the Bajina Bašta – Pljevlja 2 route that ``bajina_basta_pljevlja_220`` covers, so it is out."""
    f = fact("serbia.line.vardiste_visegrad_220.length")
    assert f.quote.startswith("2242,2052,2054,220,1,7380")  # the May 2018 map extract
    assert "383.1.1" in f.reason
    lines = grid_tables(year, None, planned=False).lines.set_index("id")
    assert "line_13826" not in lines.index
    row = lines.loc["vardiste_visegrad_220"]
    assert (row["from"], row["to"], row["vn_kv"]) == ("b2123", "b7202", 220.0)
    assert (row["kind"], row["border"], bool(row["in_service"])) == ("tie", "RS-BA", True)
    assert row["length_km"] == pytest.approx(f.value)
    assert row["geometry"][0] == pytest.approx((19.525452, 43.768119))  # the 2022 Vardište bus
    assert row["geometry"][-1] == pytest.approx((19.388544, 43.723586), abs=1e-5)  # Višegrad
    # no line left between Bajina Bašta and the border joint; the two BA ties stay two
    assert not ((lines["from"] == "b2119") & (lines["to"] == "b7202")).any()
    ba = lines[(lines["border"] == "RS-BA") & (lines["vn_kv"] < 300)]
    assert list(ba.index) == ["vardiste_visegrad_220"]
    # the part inside Serbia: more than the 2.4 km to the joint, less than the whole route
    ties = serbian_lines(year).set_index("id")
    assert 2.4 < ties.at["vardiste_visegrad_220", "length_in_serbia_km"] < f.value
