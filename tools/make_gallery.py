"""Write the notebook gallery (docs/gallery/*.ipynb) from the cells listed in this script.

The notebooks are stored without outputs and generated here so that they can be reviewed as
code: edit a notebook by editing its cells below, then run

    python tools/make_gallery.py            # rewrite docs/gallery/*.ipynb
    python tools/make_gallery.py --check    # exit 1 if a stored notebook differs from this script

The documentation build executes every notebook (myst-nb); ``tests/test_gallery.py`` checks
that the stored notebooks are what this script writes, carry no outputs, and between them use
every public model. Cell ids are fixed (``<stem>-<n>``) so that the files are reproducible.
Each notebook answers one question: a Markdown introduction states it, the code cells answer
it, and a closing Markdown cell reads the answer; numbers appear only in code output, never
typed into the text, so that the text cannot go stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

GALLERY = Path(__file__).resolve().parents[1] / "docs" / "gallery"

#: First code cell of every notebook: figures inline even when MPLBACKEND is set (docs build).
SETUP = "%matplotlib inline\nimport corridor_sim as cs"

Cell = tuple[str, str]  # ("md" | "code", source)


def md(text: str) -> Cell:
    """Return a Markdown cell (leading and trailing blank lines dropped)."""
    return ("md", text.strip("\n"))


def code(text: str) -> Cell:
    """Return a code cell (leading and trailing blank lines dropped)."""
    return ("code", text.strip("\n"))


def setup(imports: str) -> Cell:
    """Return the first code cell: :data:`SETUP` and the notebook's own imports."""
    return code(SETUP + "\n" + imports.strip("\n"))


OIL_ROUTE: list[Cell] = [
    md("""
# Where does Kazakh crude go on the Aktau–Baku–Ceyhan route?

Kazakhstan ships part of its crude from the port of Aktau across the Caspian by tanker to
Baku, and from there through the Baku–Tbilisi–Ceyhan (BTC) pipeline to the Mediterranean;
Baku–Supsa is the reserve. The same berths at Aktau also load tankers for Makhachkala.

**The question:** how much of the crude offered reaches Ceyhan, what limits the route, what
a 20-day BTC outage does to it, and whether the model reproduces what was reported for 2023.

Every capacity, fleet and cost behind the answer is a row of the facts catalogue: a figure
quoted from a source document, or a labelled assumption with its reason.
"""),
    setup("""
from corridor_sim.engines.commodity import max_flow
from corridor_sim.models import oil
from corridor_sim.models.oil import figures as oil_figures
from corridor_sim.plotting import figures"""),
    md("""
The volume planned for 2025 is a seed fact, with its quote and translation:
"""),
    code('cs.fact("oil.abc.volume_2025_plan")'),
    md("""
## The route as a network

`oil.build(year)` gives the commodity network of a year: nodes (fields, ports, tanks,
terminals) and arcs with monthly capacities. Any parameter can be overridden by keyword
(`oil.build(2025, asco_tankers_baku=4)`).
"""),
    code("""
net = oil.build(2025)
net"""),
    md("""
## Where the crude goes in 2025

A scenario is a model, a year and what to change; `cs.run` solves it month by month and
returns a `Result` whose tables (flows, utilisation, storage, delivered, ...) follow one
schema.
"""),
    code("""
baseline = cs.Scenario(model="oil", year=2025, name="oil 2025 baseline")
base = cs.run(baseline)
base"""),
    code("""
base.summary()"""),
    md("""
Delivered per terminal and month (kt): Ceyhan takes the Baku stream, Makhachkala its own
booked stream.
"""),
    code("""
base.delivered.pivot_table(
    index="snapshot", columns="element", values="delivered_kt", aggfunc="sum"
).round(1)"""),
    code("""
oil_figures.route_map(base);"""),
    md("""
## What limits the route

The engine's minimum cut between the Kazakh fields and the world market, in January (the
tanker lane runs below its summer availability in winter), names the first bottleneck and
the most the route could carry that month:
"""),
    code("""
cut = max_flow(net, oil.SOURCE, oil.SINK, period=0)
print(f"January: at most {cut.value:.0f} kt; the cut: {', '.join(cut.cut_arcs)}")"""),
    md("""
## A 20-day BTC outage in June

The event takes the pipeline out for the first 20 days of June. `cs.diff` runs both
scenarios and lists what differs in the inputs and in every summary metric.
"""),
    code("""
outage = cs.Scenario(
    model="oil",
    year=2025,
    name="BTC out 20 days in June",
    events=[{"element": "btc", "start": 5, "duration": 1, "days": 20}],
)
change = cs.diff(baseline, outage)
change.metrics[change.metrics["change"].abs() > 1e-9]"""),
    md("""
Where the crude waited: the tanks at both ends of the tanker lane, against their capacities.
"""),
    code("""
btc_out = change.results[1]
oil_figures.storage_levels(btc_out);"""),
    code("""
oil_figures.monthly_flow_stack(btc_out);"""),
    md("""
## Validation by role: the model against the public record

Every oil result carries a `validation` table. 2023 is the fit year: its loadings are offered
(role *input*) and the ASCO tankers on the Baku lane were chosen to give the minister's 12–14
calls a month (*fitted*). 2024 and 2025 are *predicted*: the model never reads those records,
so only these rows say how good it is. With `options = {"study": "backcast"}` a 2023 run offers
that year's loadings.
"""),
    code("""
backcast = cs.run(
    cs.Scenario(model="oil", year=2023, name="oil 2023 backcast", options={"study": "backcast"})
)
backcast.table("validation")"""),
    md("""
All figures of a run at once, as `corridor-sim run --out` writes them (closed here, since
they are shown above; `fig.savefig(path)` writes one):
"""),
    code("""
import matplotlib.pyplot as plt

all_figures = figures(btc_out)
for fig in all_figures.values():
    plt.close(fig)
sorted(all_figures)"""),
    md("""
## The answers in one table
"""),
    code("""
import pandas as pd

def metric(result, name):
    return float(result.summary().set_index("metric").loc[name, "value"])

record = backcast.table("validation")
predicted = record[(record["role"] == "predicted") & record["error_pct"].notna()]
pd.DataFrame(
    {
        "2025 offered to the route (Mt)": [metric(base, "route_offered_mt")],
        "2025 via Ceyhan (Mt)": [metric(base, "via_ceyhan_mt")],
        "Baku lane capacity (Mt/yr)": [metric(base, "tanker_lane_capacity_mt_per_yr")],
        "BTC outage: via Supsa (Mt)": [metric(btc_out, "via_supsa_mt")],
        "BTC outage: lost (Mt)": [metric(btc_out, "unmet_mt")],
        "BTC outage: Baku tanks peak (kt)": [metric(btc_out, "storage_peak_kt")],
        "BTC outage: Aktau tanks peak (kt)": [metric(btc_out, "aktau_storage_peak_kt")],
        "largest error of a predicted row (%)": [float(predicted["error_pct"].abs().max())],
    }
).T.rename(columns={0: "value"})"""),
    md("""
## Finding

The crude planned for 2025 reaches Ceyhan in full: the binding limit of the route is not the
pipeline but the tanker lane across the Caspian (the minimum cut above), which has room left
over the plan. A 20-day BTC outage is absorbed by the tanks at both ends of the lane — the
crude waits in Aktau and Sangachal and leaves when BTC is back — so the reserve route and
the loss stay at the values in the table. Fitted on 2023, the model predicts 2024's part-year
loadings toward Baku and Makhachkala closely; it over-predicts the first eight months of 2025,
because shipments toward BTC stopped in August 2025. `docs/oil.md` lists the judgement
calls (fleet size, tank shares) that move these answers, each with its range.
"""),
]


CASPIAN: list[Cell] = [
    md("""
# How green is the power that would cross the Caspian to Europe?

Azerbaijan plans 8 GW more wind and sun by 2032, a Caspian cable would bring Kazakh and Uzbek
power to Baku, and a Black Sea cable would carry it on from Georgia to Romania. Exports can
also leave through Georgia to Türkiye, or through Nakhchivan.

**The question:** of the energy exported to Europe in 2032, how much is green — traced back
to the wind, sun and water that produced it — by which route does it go, and what cable
sizes would an optimiser choose?

A full year is 8760 hourly DC optimal power flows; this notebook runs four weeks so that it
takes seconds (`hours=8760` gives the year; `docs/caspian.md` quotes the year's figures).
"""),
    setup("""
from corridor_sim.models import caspian
from corridor_sim.models.caspian import figures as caspian_figures

HOURS = 4 * 7 * 24  # four weeks of January 2032"""),
    md("""
## The network

`caspian.build(year)` is a plain pandapower net: hubs as buses, AC links as lines, the
subsea cables as HVDC links, so every pandapower function works on it.
"""),
    code("""
net = caspian.build(2032)
print(f"{net.name}: {len(net.bus)} hubs, {len(net.line)} AC links, {len(net.dcline)} HVDC links")
net["caspian_links"][["element", "kind", "capacity_mw", "length_km", "loss_pct"]]"""),
    md("""
## Four weeks of hourly dispatch, the origin of every exported MWh, and the cable sizes

`run_year` dispatches the corridor hour by hour against the hourly European price, traces
every flow back to its sources (flow tracing) and, with `sizing=True`, chooses the ratings
of the cables and ties in one linear programme with the dispatch (here on two of the weeks).
"""),
    code("""
result = caspian.run_year(
    2032, seed=1, hours=HOURS, snapshot_hours=[], sizing=True, sizing_weeks=2
)
result"""),
    md("""
### Which routes carry the exports
"""),
    code("""
summary = result.summary().set_index("metric")
summary.loc[
    [m for m in summary.index if m.startswith(("export_via_", "export_share_"))],
    ["value", "unit", "element"],
]"""),
    code("""
caspian_figures.corridor_map(result);"""),
    md("""
### How green the exports are

Flow tracing splits each export link's energy by source (`az.wind`, `kz.thermal`,
`eu.market`, ...) and by category: green (wind, sun, water), fossil (thermal) and market
(power bought from a market, of unknown origin).
"""),
    code("""
origin = result.table("origin_by_source")
exports = origin[
    origin["element"].isin(["black_sea_cable", "ge_tr", "nakhchivan_tr"])
    & (origin["direction"] == "forward")  # westward: the exports
]
by_category = exports.pivot_table(
    index="element", columns="category", values="energy_twh", aggfunc="sum", fill_value=0.0
)
(100 * by_category.div(by_category.sum(axis=1), axis=0)).round(1).add_suffix(" (%)")"""),
    code("""
summary.loc[
    ["green_share_pct", "green_export_twh", "fossil_export_twh", "market_export_twh",
     "az_new_green_export_share_pct", "az_green_export_share_target_pct"],
    ["value", "unit"],
]"""),
    code("""
caspian_figures.export_stack(result);"""),
    md("""
### What saturates
"""),
    code("""
result.bottlenecks.head(5)"""),
    code("""
caspian_figures.loading_duration_curves(result);"""),
    md("""
### The cable sizes the optimiser chooses

Each rating is a variable of the LP, at its annual cost per MW (public project costs,
annuity at the catalogue's discount rate); `npv_meur` is what the added capacity earns over
its cost.
"""),
    code("""
result.table("sizing")[
    ["element", "rating_mw", "added_mw", "annual_cost_meur", "exported_twh", "npv_meur"]
].round(1)"""),
    md("""
## Finding

The tables above answer the question for four winter weeks: the green share of each export
route, the rest being thermal power (Azerbaijan's gas above its own demand, Kazakh thermal
power passed on through the Caspian cable) and power bought from markets, and the links that
bind. Traced to its origin, the power that would reach Europe is far from all green: the
cables carry thermal power whenever it is cheaper than the European price, and the share of
Azerbaijan's new wind and sun that is exported stays below the target the seed states for it
(`az_green_export_share_target_pct`; both rows above). A green-only export rule
(`export_rule="additional"`) or the EU carbon border adjustment (`cbam=True`) change that;
`docs/caspian.md` gives the whole year and those variants. The optimiser's sizes are what
pays on these winter weeks alone, when wind and sun differ from the rest of the year: for
sizes to act on, size over weeks spread across the year
(`examples/caspian_2032_sizing.toml`).
"""),
]


SERBIA: list[Cell] = [
    md("""
# Where should Serbia's 500 MW gas plant go, and can it get the gas?

A 500 MW gas plant is planned near Niš, "either in Trupale, Kruševac, or Niška Banja". It
would burn Azerbaijani gas that comes through the Southern Gas Corridor and Bulgaria.

**The question:** which site loads Serbia's real 400/220 kV grid least and survives the loss
of any one line or transformer (N-1); does an open-cycle (OCGT) or a combined-cycle (CCGT)
plant change the answer; and can today's contract and the gas route supply it?

The grid study runs the winter peak (the first two weeks of January 2029, with the cold spell
of the record day) so that the notebook runs in seconds; the examples run the whole year.
"""),
    setup("""
import pandas as pd

from corridor_sim.models import serbia
from corridor_sim.models.serbia import figures as serbia_figures
from corridor_sim.models.serbia.gas import figures as gas_figures

WINTER_PEAK = 14 * 24  # hours"""),
    md("""
## The grid

`serbia.build(year, site=...)` is a pandapower net of Serbia's whole transmission grid (the
ENTSO-E map extract and the changes since) with the plant connected at the site.
"""),
    code("""
net = serbia.build(2029, site="krusevac")
print(f"{net.name}: {len(net.bus)} buses, {len(net.line)} lines, {len(net.trafo)} trafos")"""),
    md("""
## N-1 at every site over the winter peak

The run dispatches Serbia's plants and the new one against the regional power price every
hour, then screens every line circuit, transformer unit and tie line out in every hour, for
each candidate site and for no plant at all.
"""),
    code("""
scenario = cs.Scenario(
    model="serbia",
    year=2029,
    name="Serbia winter peak N-1",
    seed=1,
    resolution="hour",
    periods=WINTER_PEAK,
    options={"site": "krusevac"},
)
grid = cs.run(scenario)
grid"""),
    code("""
columns = [
    "site",
    "losses_mwh",
    "n1_area_violation_hours",
    "worst_area_n1_loading_pct",
    "worst_area_n1_element",
    "n1_site_violation_hours",
    "worst_site_n1_loading_pct",
    "worst_site_n1_outage",
]
grid.site_comparison[columns]"""),
    code("""
print("best site by the grid study:", grid.meta["best_site"])"""),
    code("""
serbia_figures.site_comparison(grid);"""),
    code("""
serbia_figures.grid_map(grid);"""),
    code("""
serbia_figures.n1_worst_cases(grid);"""),
    md("""
## OCGT or CCGT

The seed says "gas turbine": an open-cycle plant is cheaper to build but burns more gas per
MWh, so its power costs more and it runs only in the hours when the price is above that cost.
A sweep over the technology at the chosen site (one run per value; `run_hours`,
`capacity_factor` and the gas need are the winter weeks' dispatch scaled to a year):
"""),
    code("""
tech = cs.sweep(
    scenario.replace(name="OCGT or CCGT", options={"site": "krusevac", "sites": ["krusevac"]}),
    {"technology": ["ccgt", "ocgt"]},
    executor="serial",
    progress=False,
)
tech"""),
    code("""
tech.wide().set_index("technology")[
    ["plant_cost_eur_per_mwh", "power_price_eur_per_mwh", "plant_run_hours", "capacity_factor",
     "gas_need_bcm_per_yr", "losses_gwh"]
].round(3)"""),
    md("""
## The gas chain

The daily gas study follows the gas from the Azerbaijani contract through SCP, TANAP, TAP,
IGB and Bulgaria to Niš, with the storage at Banatski Dvor, for the plant dispatched at a
capacity factor of 0.5 (as `examples/serbia_gas_chain.py`). It answers, per technology, what
reaches the plant, what is short, and the smallest new contract that would leave no day short.
"""),
    code("""
import numpy as np

from corridor_sim.models.serbia.gas.study import chain_spec, gas_study
from corridor_sim.models.serbia.grid.network import GridSpec
from corridor_sim.models.serbia.params import PARAMS
from corridor_sim.models.serbia.profiles import national_load_mw, plant_dispatch_mw

spec = GridSpec.from_params(PARAMS.resolve(2029))
load_mw = national_load_mw(2029, rng=np.random.default_rng(1), spec=spec)
plant_mw = plant_dispatch_mw(
    load_mw, capacity_mw=spec.plant_capacity_mw, capacity_factor=0.5, min_load=spec.plant_min_load
)
gas = gas_study({"ccgt": plant_mw, "ocgt": plant_mw}, spec=chain_spec(2029))
gas.tables["gas_needs"][
    ["technology", "gas_need_bcm_per_yr", "delivered_bcm_per_yr", "new_contract_bcm_per_yr",
     "new_contract_max_mcm_per_d", "new_contract_max_mcm_per_d_no_storage"]
].round(3)"""),
    code("""
gas.tables["gas_new_capacity"].round(3)"""),
    md("""
The monthly balance of the plant's gas in the grid run (the plant at the site, its burn
against today's contract and the free capacity of the route):
"""),
    code("""
serbia_figures.gas_balance(grid);"""),
    code("""
grid.gas_balance[
    ["capacity_factor", "gas_need_bcm_per_yr", "supply_limit_bcm_per_yr", "shortfall_bcm_per_yr",
     "bottleneck"]
]"""),
    md("""
## Finding

The site table compares the three candidates with "no plant": grid losses, the N-1
violations the plant causes in its own area (`n1_area_violation_hours`) and anywhere in the
grid (`n1_site_violation_hours`; violations the grid has without the plant do not count),
and the worst N-1 loading in the area. `best_site` ranks the sites in that order of
importance: violations in the area, then the headroom left in the area, then violations
elsewhere, then losses — so a site with lower losses can rank below one that leaves more
headroom. The worst-case figure shows that the heaviest N-1 loadings of the grid lie away
from the three sites and are there with or without the plant.

The technology changes the plant's cost and its gas burn per MWh; in the winter weeks the
regional price is above the cost of both, so both run whenever they can, and the grid sees
the same plant. The gas is the harder constraint: today's contract is taken by Serbia's
present users, so nothing is delivered to the plant under it and the plant needs a new
contract of its own — the rate the gas study reports, with and without storage — whichever
site is chosen. `docs/serbia.md` gives the whole year and the variants of the chain.
"""),
]


MIDDLE: list[Cell] = [
    md("""
# What limits freight on the Middle Corridor, and in which order?

The Middle Corridor carries containers and dry freight from China through Kazakhstan, across
the Caspian by ferry and cargo ship to Alat near Baku, and through Georgia — by the
Baku–Tbilisi–Kars railway (BTK) or the Black Sea ports — to Europe.

**The question:** how much freight can the corridor take as the volume offered grows, which
link binds first, and what binds next once it is relieved?
"""),
    setup("""
from corridor_sim.models.middle_corridor import figures as mc_figures"""),
    md("""
## Today's volume

The planned 2.5 Mt of dry freight for 2025 and the rail freight that can divert from the
northern route through Russia:
"""),
    code("""
today = cs.run(cs.Scenario(model="middle_corridor", year=2025, name="Middle Corridor 2025"))
today.summary()"""),
    code("""
mc_figures.corridor_map(today);"""),
    code("""
mc_figures.monthly_flows(today);"""),
    code("""
mc_figures.transit_histogram(today);"""),
    md("""
## The bottleneck sequence

The model's own capacity study raises the volume offered until the corridor is full; the
engine's minimum cut names the bottleneck; the study then relieves it (unlimited capacity)
and repeats, so the table lists the bottlenecks in the order they would bind.
"""),
    code("""
study = cs.run(
    cs.Scenario(
        model="middle_corridor",
        year=2025,
        name="Middle Corridor bottleneck sequence",
        options={
            "study": "bottleneck_sequence",
            "relief_steps": 4,
            "sweep_volumes_mt_per_yr": [0.5, 1, 2, 3, 3.5, 4, 5, 6, 8, 9, 10, 11, 12, 14],
        },
    )
)
study.table("bottleneck_sequence")"""),
    code("""
mc_figures.sweep_curve(study);"""),
    md("""
## Finding

The sequence table is the answer: the first stage's bottleneck and its capacity (Mt/yr) are
what the corridor can carry today, and `first_shortfall_mt_per_yr` is the volume at which a
month is first short (the Caspian crossing loses availability in the winter storms). Each
later stage shows what the next investment would meet once the previous bottleneck is
relieved. The Caspian crossing binds before the ports and railways beyond it, so Alat and
BTK upgrades only matter once the crossing has more vessels.
"""),
]


ENGINES: list[Cell] = [
    md("""
# Do the engines agree with pandapower and networkx on your own network?

The corridor models are built on three engines that know networks, not corridors: a batched
DC power flow and N-1 screen, an hourly DC optimal power flow (dispatch), and a multi-period
commodity-flow LP. They take any pandapower net or networkx graph.

**The question:** do they give what pandapower and networkx give on the same input — and
what do they add (a whole day of hours at once, every outage in every hour, duals)?
"""),
    setup("""
import copy

import networkx as nx
import numpy as np
import pandas as pd
import pandapower as pp
import pandapower.networks as pn

from corridor_sim.engines.commodity import from_networkx, max_flow, solve
from corridor_sim.engines.dispatch import dispatch
from corridor_sim.engines.power import DCModel, dc_flow, n_minus_1, pandapower_quietly"""),
    md("""
## DC power flow for every hour at once (IEEE 118-bus case)

One load table for 24 hours — a DataFrame indexed by hour with one column per load, as
pandapower's time-series controllers take it — and one call:
"""),
    code("""
net = pn.case118()
rng = np.random.default_rng(42)
hours = pd.RangeIndex(24, name="hour")
load = pd.DataFrame(
    net.load.p_mw.to_numpy() * rng.uniform(0.6, 1.2, (len(hours), len(net.load))),
    index=hours,
    columns=net.load.index,
)
model = DCModel.from_net(net)  # once per net; reuse it across calls
flows = dc_flow(net, load_p_mw=load, model=model)
flows"""),
    md("""
The same 24 hours with `pandapower.rundcpp`, one hour at a time: the largest difference in
any line flow (MW). Without numba installed, pandapower logs a note on every power flow that
numba is missing (`rundcpp` ignores `numba=False`); `pandapower_quietly()` drops that one
note — and nothing else — inside the block, as the engines do around their own pandapower
calls.
"""),
    code("""
reference = []
for hour in hours:
    work = copy.deepcopy(net)
    work.load["p_mw"] = load.loc[hour].to_numpy()
    with pandapower_quietly():
        pp.rundcpp(work)
    reference.append(work.res_line["p_from_mw"].to_numpy())
gap = np.abs(flows.line_p_from_mw.to_numpy() - np.array(reference)).max()
print(f"largest |dc_flow - rundcpp| over {len(hours)} h x {len(net.line)} lines: {gap:.2e} MW")"""),
    md("""
## N-1: every line and transformer out, in every hour

`n_minus_1` screens every single-branch outage in every hour with line-outage distribution
factors. `worst` gives each monitored branch's worst post-contingency loading, with the
outage and hour that cause it (the loadings are low: pandapower's case118 has generous
thermal ratings; what matters here is the agreement).
"""),
    code("""
n1 = n_minus_1(net, load_p_mw=load, outages="lines+trafos", threshold_pct=100, model=model)
n1"""),
    code("""
n1.worst.sort_values("loading_pct", ascending=False).head()"""),
    md("""
Check the worst case with pandapower: take the outage out in that hour and run `rundcpp`.
"""),
    code("""
case = n1.worst.sort_values("loading_pct", ascending=False).iloc[0]
work = copy.deepcopy(net)
work.load["p_mw"] = load.loc[case["hour"]].to_numpy()
work[case["outage_element"]].loc[case["outage_index"], "in_service"] = False
with pandapower_quietly():
    pp.rundcpp(work)
rundcpp_pct = work[f"res_{case['element']}"].loc[case["element_index"], "loading_percent"]
print(
    f"{case['element']} {case['element_index']} with {case['outage_element']} "
    f"{case['outage_index']} out in hour {case['hour']}: "
    f"n_minus_1 {case['loading_pct']:.3f} %, rundcpp {rundcpp_pct:.3f} %"
)"""),
    md("""
## Dispatch: an hourly DC optimal power flow (IEEE 30-bus case)

`dispatch` solves the hours in one HiGHS linear programme. With linear costs and a few lines
tightened so that they bind, it should give `pandapower.rundcopp`'s cost, flows and nodal
prices in every hour.
"""),
    code("""
net30 = pn.case30()
net30.poly_cost["cp2_eur_per_mw2"] = 0.0  # linear costs: the LP's form
free = copy.deepcopy(net30)
with pandapower_quietly():
    pp.rundcopp(free)
net30.line["max_loading_percent"] = 1000.0
for i in free.res_line["loading_percent"].abs().nlargest(3).index:
    net30.line.loc[i, "max_loading_percent"] = 0.9 * abs(free.res_line.loc[i, "loading_percent"])

scales = pd.Series([0.7, 1.0, 1.15], index=pd.RangeIndex(3, name="hour"))
load30 = pd.DataFrame(
    np.outer(scales, net30.load.p_mw * net30.load.scaling), index=scales.index,
    columns=net30.load.index,
)
opf = dispatch(net30, load_p_mw=load30)
opf"""),
    code("""
rows = []
cost = opf.generation.groupby("hour")["cost_eur"].sum()
line_flows = opf.flows[opf.flows.branch_type == "line"]
lines = line_flows.pivot(index="hour", columns="element", values="p_mw")
prices = opf.prices.pivot(index="hour", columns="bus", values="price_eur_per_mwh")
for hour, scale in scales.items():
    ref = copy.deepcopy(net30)
    ref.load["p_mw"] = ref.load["p_mw"] * scale
    with pandapower_quietly():
        pp.rundcopp(ref)
    rows.append(
        {
            "hour": hour,
            "load scale": scale,
            "cost, dispatch (EUR)": cost[hour],
            "cost, rundcopp (EUR)": ref.res_cost,
            "max |flow gap| (MW)": np.abs(lines.loc[hour] - ref.res_line["p_from_mw"]).max(),
            "max |price gap| (EUR/MWh)": np.abs(prices.loc[hour] - ref.res_bus["lam_p"]).max(),
        }
    )
pd.DataFrame(rows).set_index("hour")"""),
    md("""
## A networkx graph on the commodity engine

A directed graph in networkx's flow convention (edge `capacity` and `weight`, node `demand`
negative for supply) goes into the engine as it is. Maximum flow and minimum-cost flow
against networkx:
"""),
    code("""
graph = nx.gnm_random_graph(12, 40, seed=5, directed=True)
graph = nx.relabel_nodes(graph, str)
edge_rng = np.random.default_rng(5)
for u, v in graph.edges:
    graph.edges[u, v]["capacity"] = int(edge_rng.integers(5, 30))
    graph.edges[u, v]["weight"] = int(edge_rng.integers(1, 10))
source, sink = "0", "11"
network = from_networkx(graph, unit="kt", name="random graph")
cut = max_flow(network, source, sink)
reference = nx.maximum_flow_value(graph, source, sink)
print(f"max flow: engine {cut.value:.1f}, networkx {reference:.1f}")
print("minimum cut:", cut.cut_arcs)"""),
    code("""
amount = int(cut.value)  # as much as the network can carry: the cut binds
graph.nodes[source]["demand"] = -amount
graph.nodes[sink]["demand"] = amount
solution = solve(from_networkx(graph, unit="kt", name="random graph"))
print(f"min-cost flow of {amount} kt: engine {solution.total_cost:.1f}, "
      f"networkx {nx.min_cost_flow_cost(graph):.1f}")
solution"""),
    md("""
The engine also returns the duals: the shadow price of each binding arc (what one more unit
of capacity would save) ranks the bottlenecks.
"""),
    code("""
solution.bottlenecks.head()"""),
    md("""
## A network of your own in a scenario

The `commodity` model runs a network described in the scenario (here as a dictionary; in a
TOML file it is the `[network]` table), so sweeps and Monte Carlo studies work on it too:
"""),
    code("""
own = cs.Scenario(
    model="commodity",
    year=2025,
    name="two fields, one port",
    network={
        "unit": "kt",
        "periods": ["2025-01", "2025-02", "2025-03"],
        "nodes": [
            {"id": "north", "kind": "supply", "supply": 60.0},
            {"id": "south", "kind": "supply", "supply": 40.0},
            {"id": "port", "kind": "storage", "storage_capacity": 30.0},
            {"id": "market", "kind": "demand", "demand": [90.0, 100.0, 110.0]},
        ],
        "arcs": [
            {"source": "north", "target": "port", "capacity": 70.0, "cost": 2.0},
            {"source": "south", "target": "port", "capacity": 50.0, "cost": 3.0},
            {"source": "port", "target": "market", "capacity": 95.0, "cost": 1.0,
             "availability": [1.0, 0.8, 1.0]},
        ],
    },
)
mine = cs.run(own)
mine"""),
    code("""
mine.bottlenecks"""),
    md("""
## Finding

On the same inputs the engines agree with pandapower and networkx to solver precision (the
gaps printed above), so a study can use them where it needs many hours or many outages at
once: `dc_flow` solves every hour in one factorisation, `n_minus_1` screens every outage in
every hour, `dispatch` solves the hours in one LP, and the commodity engine adds the duals
that rank the bottlenecks. `docs/power-engine.md`, `docs/dispatch.md` and
`docs/commodity.md` describe the formulations and the speed measured against the peers.
"""),
]


STUDIES: list[Cell] = [
    md("""
# How sure is the answer? A sweep and a Monte Carlo study

A single run answers a question for one set of inputs. Two kinds of study say how the answer
moves when the inputs move:

- a **sweep** runs the same scenario over a grid of parameter values;
- a **Monte Carlo** study draws every catalogue row that has a plausible range (fleet sizes,
  availabilities, costs ...) from that range, runs each draw, and summarises the spread.

**The question:** on the oil route in 2026, with the agreed 2.2 Mt/yr offered and a hard storm
season on the Caspian, how much crude is left behind, how likely is a shortfall, and which
uncertain input matters most?
"""),
    setup("""
from corridor_sim.plotting import study as study_plots"""),
    md("""
## A sweep over the volume offered

Four volumes offered to the route in 2025; one run each (serial executor: in this process).
"""),
    code("""
volumes = cs.sweep(
    cs.Scenario(model="oil", year=2025, name="oil volume sweep"),
    {"kazakh_volume_mt_per_yr": [1.7, 2.2, 3.0, 5.0]},
    executor="serial",
    progress=False,
)
volumes"""),
    code("""
volumes.wide().set_index("kazakh_volume_mt_per_yr")[
    ["route_offered_mt", "via_ceyhan_mt", "unmet_mt", "bottleneck"]
].round(3)"""),
    code("""
study_plots.sweep_plot(volumes, "unmet_mt");"""),
    md("""
## A Monte Carlo study of the storm season

The scenario: tanker availability halved in January–March and November–December 2026. Each
of the 40 draws takes every catalogue row with a range from its own seeded generator, so the
same seed gives the same draws on any executor.
"""),
    code("""
storm = cs.Scenario(
    model="oil",
    year=2026,
    name="oil storm season 2026",
    events=[
        {"element": "tanker_lane", "start": 0, "duration": 3, "availability": 0.5},
        {"element": "tanker_lane", "start": 10, "duration": 2, "availability": 0.5},
    ],
)
mc = cs.monte_carlo(
    storm, 40, executor="serial", progress=False, thresholds=["unmet_mt>0", "unmet_mt>0.5"]
)
mc"""),
    code("""
answer = mc.summary()
answer.metrics.set_index("metric").loc[["unmet_mt", "via_ceyhan_mt", "tanker_lane_mt"]]"""),
    code("""
answer.thresholds"""),
    code("""
answer.bottlenecks"""),
    code("""
study_plots.fan_chart(mc);"""),
    md("""
Which inputs move the crude left behind: the Spearman rank correlation of each drawn input
with `unmet_mt` over the draws. With `n` draws, a correlation of an input that has no effect
at all falls within about ±1.96/√(n−1) in 95 % of studies; with this many inputs drawn, one or
two unrelated inputs will pass that line by chance.
"""),
    code("""
import numpy as np

noise = 1.96 / np.sqrt(len(mc.runs) - 1)
ranked = answer.sensitivity[answer.sensitivity["metric"] == "unmet_mt"].head(8)
print(f"chance level with {len(mc.runs)} draws: |rho| < {noise:.2f}")
ranked.assign(beyond_chance=ranked["spearman_rho"].abs() > noise)"""),
    code("""
study_plots.tornado(mc, "unmet_mt");"""),
    md("""
A correlation is not an effect. The reinforcement tankers are not ordered in this scenario,
so their lead time cannot act on it, whatever its rank above; running the scenario with the
lead time at both ends of its range shows it:
"""),
    code("""
import pandas as pd

pd.Series(
    {
        days: cs.run(storm.with_overrides(reinforcement_lead_time_d=days))
        .summary()
        .set_index("metric")
        .loc["unmet_mt", "value"]
        for days in (14, 240)
    },
    name="unmet_mt (Mt) at a reinforcement lead time of (d)",
)"""),
    code("""
study_plots.bottleneck_bars(mc);"""),
    md("""
What was drawn, from which range and why (the first rows):
"""),
    code("""
mc.table("inputs").head(8)"""),
    md("""
## Finding

The sweep shows where the route stops taking more crude: the unmet volume is zero while the
tanker lane has room and grows once it binds. Under the storm season the Monte Carlo gives
the spread of the crude left behind (P10/P50/P90 in the metrics table), the probability of
any shortfall and of a large one (the thresholds table), and how often each element binds
(the bottlenecks table). The sensitivity ranking is the least certain part: the physical
drivers (tanker port time, the ASCO fleet and its tankers' size, the winter weather) sit
near the top, but at this number of draws an input with no effect can rank among them, as
the check shows. These draws show the shape; a report would run a few hundred
(`executor="process"` spreads them over the cores) and confirm a driver by a run with the
input moved, as above.
"""),
]


NOTEBOOKS: dict[str, list[Cell]] = {
    "oil_route": OIL_ROUTE,
    "caspian_corridor": CASPIAN,
    "serbia_plant": SERBIA,
    "middle_corridor": MIDDLE,
    "engines_own_net": ENGINES,
    "studies": STUDIES,
}


def notebook(stem: str, cells: list[Cell]) -> nbformat.NotebookNode:
    """Return the notebook `stem` from its cells, without outputs, with fixed cell ids."""
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for i, (kind, source) in enumerate(cells):
        cell = new_markdown_cell(source) if kind == "md" else new_code_cell(source)
        cell.id = f"{stem.replace('_', '-')}-{i:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def text(stem: str) -> str:
    """Return the stored file content of notebook `stem`."""
    return nbformat.writes(notebook(stem, NOTEBOOKS[stem])) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the gallery, or with ``--check`` report the notebooks that differ; exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--out", type=Path, default=GALLERY, help="folder (docs/gallery)")
    args = parser.parse_args(argv)
    stale = []
    for stem in NOTEBOOKS:
        path = args.out / f"{stem}.ipynb"
        wanted = text(stem)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != wanted:
                stale.append(path.name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(wanted, encoding="utf-8")
    if stale:
        print("not what tools/make_gallery.py writes:", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
