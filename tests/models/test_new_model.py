"""A fourth corridor is one new folder: nothing else in the package is edited.

The test copies the installed package, adds ``models/demo_ferry/`` (a small commodity model
built from the shared pieces) and its catalogue CSV, and runs it through the registry, the
scenario layer and the command line in a fresh interpreter. A second model arrives from
another installed distribution through the ``corridor_sim.models`` entry point group.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import corridor_sim

MODEL_INIT = '''
"""A demonstration ferry corridor: one port pair, a ferry lane, a market."""

from __future__ import annotations

from corridor_sim.engines.commodity import Arc, CommodityNetwork, Node, solve
from corridor_sim.models.toolkit.calendar import make_slices, snapshots
from corridor_sim.models.toolkit.commodity import event_availability, event_cuts, nodes_table
from corridor_sim.models.toolkit.commodity import apply_availability
from corridor_sim.models.base import ModelEntry
from corridor_sim.models.params import Param, ParamTable
from corridor_sim.results.result import Result, summary_frame

PARAMS = ParamTable(
    "demo_ferry",
    [
        Param("cargo_kt_per_month", "kt", "cargo offered per month", fact="demo_ferry.cargo"),
        Param("ferry_kt_per_month", "kt", "ferry lane capacity per month",
              fact="demo_ferry.ferry"),
    ],
)
ARCS = ("ferry",)


def build(year, *, periods=12, **overrides):
    p = PARAMS.resolve(year, overrides)
    slices = make_slices(year, periods)
    return CommodityNetwork(
        nodes=(
            Node("port_a", kind="supply", supply=p.cargo_kt_per_month, lon=50.0, lat=43.0),
            Node("port_b", kind="demand", demand=p.cargo_kt_per_month, lon=49.9, lat=40.4),
        ),
        arcs=(Arc("port_a", "port_b", capacity=p.ferry_kt_per_month, id="ferry"),),
        periods=tuple(s.label for s in slices),
        snapshots=snapshots(slices),
        unit="kt",
        name=f"demo_ferry_{year}",
    )


def simulate(scenario):
    months = scenario.periods or 12
    cuts = event_cuts(scenario.events, months, elements=ARCS, year=scenario.year)
    slices = make_slices(scenario.year, months, cuts)
    net = build(scenario.year, periods=months, **dict(scenario.overrides))
    from corridor_sim.models.toolkit.commodity import split_network
    net = apply_availability(split_network(net, slices), event_availability(scenario.events, slices))
    sol = solve(net)
    tables = dict(sol.tables)
    tables["nodes"] = nodes_table(net)
    rows = [("delivered_kt", sol.metric("delivered"), "kt"), ("unmet_kt", sol.metric("unmet"), "kt")]
    return Result(tables, summary_table=summary_frame(rows), meta={"model": "demo_ferry", "unit": "kt"})


MODEL = ModelEntry(
    name="demo_ferry",
    description="A demonstration ferry corridor",
    build=build,
    simulate=simulate,
    params=PARAMS,
    elements=lambda year: list(ARCS),
    max_periods=120,
)
'''

CSV = (
    "id,subject,value,unit,year,status,source,quote,translation_en,reason,reference\n"
    "demo_ferry.cargo,Cargo offered (demonstration),30,kt,,assumption,engineering judgement,,,"
    "A demonstration value for the test of a new model.,\n"
    "demo_ferry.ferry,Ferry lane capacity (demonstration),25,kt,,assumption,engineering judgement,,,"
    "A demonstration value for the test of a new model.,\n"
)

SCENARIO = """
model = "demo_ferry"
year = 2025
[[events]]
element = "ferry"
start = 1
days = 14
"""

CHECK = textwrap.dedent(
    """
    import json, sys
    # an editable install of corridor_sim would shadow the copy on PYTHONPATH
    sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
    import corridor_sim as cs
    assert cs.__file__.startswith(sys.argv[3]), cs.__file__
    from corridor_sim.cli import main
    from corridor_sim.models import available_models
    from corridor_sim.results.schemas import validate
    r = cs.run(sys.argv[1])
    validate(r)
    assert main(["run", sys.argv[1], "--out", sys.argv[2]]) == 0
    print(json.dumps({"models": available_models(), "delivered": r.metric("delivered_kt"),
                      "fixed": sorted(r.provenance["source_id"]),
                      "files": sorted(p for p in __import__("os").listdir(sys.argv[2]))}))
    """
)


def _run(tmp: Path, *extra: str, package_in: str | None = None) -> dict:
    paths = [package_in or str(tmp / "site"), str(tmp / "site"), *extra]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    out = subprocess.run(
        [sys.executable, "-c", CHECK, str(tmp / "demo.toml"), str(tmp / "out"), paths[0]],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp,  # not the checkout: `python -c` puts the working directory first on sys.path
        check=False,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_new_model_is_one_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    pkg = Path(corridor_sim.__file__).resolve().parent
    shutil.copytree(pkg, site / "corridor_sim", ignore=shutil.ignore_patterns("__pycache__"))
    before = {p.relative_to(site) for p in site.rglob("*") if p.is_file()}
    folder = site / "corridor_sim" / "models" / "demo_ferry"
    folder.mkdir()
    (folder / "__init__.py").write_text(MODEL_INIT, encoding="utf-8")
    data = site / "corridor_sim" / "catalogue" / "data" / "assumptions_demo_ferry.csv"
    data.write_text(CSV, encoding="utf-8")
    (tmp_path / "demo.toml").write_text(SCENARIO, encoding="utf-8")
    after = {p.relative_to(site) for p in site.rglob("*") if p.is_file()}
    added = after - before
    assert {p.parts[2] for p in added} <= {"demo_ferry", "data"}  # nothing else edited
    got = _run(tmp_path)
    assert "demo_ferry" in got["models"]
    # 25 kt/month of ferry for 30 kt offered, and the lane out for 14 days in February
    assert got["delivered"] < 12 * 25
    assert {"demo_ferry.cargo", "demo_ferry.ferry"} <= set(got["fixed"])
    assert "demo_ferry_map.png" in got["files"]


def test_a_model_from_another_package_registers_by_entry_point(tmp_path: Path) -> None:
    other = tmp_path / "other"
    (other / "ferry_plugin").mkdir(parents=True)
    code = MODEL_INIT.replace('fact="demo_ferry.cargo"', "value=30.0").replace(
        'fact="demo_ferry.ferry"', "value=25.0"
    )
    (other / "ferry_plugin" / "__init__.py").write_text(code, encoding="utf-8")
    info = other / "ferry_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ferry-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[corridor_sim.models]\ndemo_ferry = ferry_plugin:MODEL\n", encoding="utf-8"
    )
    site = tmp_path / "site"
    site.mkdir()
    (tmp_path / "demo.toml").write_text(SCENARIO, encoding="utf-8")
    installed = str(Path(corridor_sim.__file__).resolve().parents[1])
    got = _run(tmp_path, str(other), package_in=installed)
    assert "demo_ferry" in got["models"]
    assert got["delivered"] > 0


# -- a commodity corridor of the oil/freight kind: one folder of tables and a short hook ------

NODES = """id,kind,label,supply,demand,value
aktau,supply,Aktau,cargo_mt_per_yr,,
baku,demand,Baku,,inf,value_usd_per_t
"""
ARCS = """id,source,target,label,name,capacity,cost,availability,delivered
ferry,aktau,baku,ferry Aktau–Baku,ferry,rule:ferry_lane,freight_usd_per_t,sea,true
"""


class FerryHook:
    """All the Python a new corridor needs: its one derived capacity and its summary."""

    @staticmethod
    def ferry_lane(p):
        return p.ferries * p.ferry_mt_per_yr

    @staticmethod
    def summary(p, tables):
        return [("delivered_mt", tables["flows"]["flow_kt"].sum() / 1000, "Mt", "baku")]


def _ferry_corridor(folder: Path):
    from corridor_sim.models.params import Param, ParamTable
    from corridor_sim.models.toolkit.corridor import Corridor

    folder.mkdir()
    (folder / "nodes.csv").write_text(NODES, encoding="utf-8")
    (folder / "arcs.csv").write_text(ARCS, encoding="utf-8")
    weather = [
        Param(f"availability_{s}", "-", s, fact=f"caspian_sea.weather.availability_{s}")
        for s in ("winter", "shoulder", "summer")
    ]
    params = ParamTable(
        "ferry",
        [
            Param("cargo_mt_per_yr", "Mt/yr", "cargo offered", value=3.0),
            Param("ferries", "vessels", "ferries on the lane", value=2, kind="int"),
            Param("ferry_mt_per_yr", "Mt/yr", "one ferry's yearly capacity", value=1.0),
            Param("freight_usd_per_t", "USD/t", "ferry freight", value=10.0),
            Param("value_usd_per_t", "USD/t", "value of a delivered tonne", value=100.0),
            *weather,
        ],
    )
    return Corridor(
        name="ferry",
        folder=folder,
        params=params,
        hook=FerryHook,
        source="aktau",
        sink="baku",
        volume="cargo_mt_per_yr",
        geo="oil",  # the oil route's Aktau and Baku coordinates
        weather="availability_",
    )


def _scenario(**kw):
    from types import SimpleNamespace

    base = {
        "model": "ferry",
        "year": 2025,
        "name": "ferry",
        "overrides": {},
        "options": {},
        "resolution": None,
        "periods": None,
        "seed": 0,
        "events": (),
        "network": None,
    }
    return SimpleNamespace(**{**base, **kw})


def test_a_corridor_is_one_folder_of_tables_and_a_short_hook(tmp_path: Path) -> None:
    import pytest

    from corridor_sim.catalogue import value
    from corridor_sim.models.toolkit import study
    from corridor_sim.models.toolkit.caspian import season_of
    from corridor_sim.units import days_in_month

    corridor = _ferry_corridor(tmp_path / "ferry")
    model = corridor.model(description="A ferry corridor from one folder of tables")
    assert model.elements(2025) == ["ferry"]
    assert model.parameter_provenance(2025)["parameter"].tolist()[0] == "cargo_mt_per_yr"
    # capacity: 2 ferries x 1 Mt/yr, derated by the shared Caspian weather month by month
    avail = {
        s: value(f"caspian_sea.weather.availability_{s}", unit="-")
        for s in ("winter", "shoulder", "summer")
    }
    expected = sum(2.0 * days_in_month(2025, m) / 365 * avail[season_of(m)] for m in range(1, 13))
    cap = study.corridor_capacity(corridor, 2025)
    assert cap["capacity_mt_per_yr"] == pytest.approx(expected, rel=1e-9)
    assert cap["cut_arcs"] == ("ferry",)
    result = corridor.simulate(_scenario())
    assert result.metric("delivered_mt") == pytest.approx(expected, rel=1e-9)  # 3 Mt offered
    assert result.meta["bottleneck"] == "ferry"
    # an outage of the ferry in March takes away March's capacity, no more
    out = corridor.simulate(_scenario(events=[_event("ferry", 2)]))
    march = 2.0 * 31 / 365 * avail["shoulder"]
    assert out.metric("delivered_mt") == pytest.approx(expected - march, rel=1e-9)
    # the shared study: one bottleneck, then nothing limits the lane
    seq, sweep = study.bottleneck_sequence(corridor, 2025, volumes=[0.5, 4.0])
    assert seq["bottleneck"].tolist() == ["ferry"]
    assert sweep["delivered_mt"].tolist() == pytest.approx([0.5, expected], rel=1e-9)


def _event(element: str, start: int):
    from types import SimpleNamespace

    return SimpleNamespace(element=element, start=start, duration=1, availability=0.0, days=None)
