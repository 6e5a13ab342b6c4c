"""The Middle Corridor (Trans-Caspian International Transport Route) for freight, monthly.

Freight offered westbound at China's railheads crosses into Kazakhstan at Dostyk or
Altynkol, goes by rail to Aktau or Kuryk, across the Caspian by ferry or cargo ship to the
Port of Baku at Alat, by rail to Tbilisi and on either to Poti/Batumi and the Black Sea or
over Baku–Tbilisi–Kars into Türkiye, to Europe. Capacities come from the seeds (BTK 1 -> 5
Mt/yr, Alat 15 -> 25 Mt/yr) and public figures (``assumptions_freight.csv``); the ferries
and ships use the Caspian weather rows the oil tankers use. Flows are kt per month; the
summary gives Mt and TEU (TEU at the 2025 plan's mix: 26 t of dry cargo per container
carried, a mixed-cargo ratio; container counts become tonnes at 10 t per loaded TEU).

Examples
--------
>>> from corridor_sim.engines.commodity import solve
>>> sol = solve(build(2025))
>>> round(float(sol.flows.query("element == 'black_sea_ports'")["flow_kt"].sum()) / 1000, 2)
1.46
"""

from __future__ import annotations

from pathlib import Path

from corridor_sim.models.base import lazy_figures
from corridor_sim.models.middle_corridor import hook
from corridor_sim.models.middle_corridor.params import PARAMS
from corridor_sim.models.toolkit.corridor import Corridor

__all__ = [
    "CORRIDOR",
    "MODEL",
    "OPTIONS",
    "PARAMS",
    "SINK",
    "SOURCE",
    "bottleneck_sequence",
    "build",
    "corridor_capacity",
    "elements",
    "parameters",
    "provenance",
    "simulate",
    "upgrades",
    "volume_sweep",
]

SOURCE = "china"
SINK = "europe"

#: The corridor: nodes.csv and arcs.csv beside this file, the parameters and the hook.
CORRIDOR = Corridor(
    name="middle_corridor",
    folder=Path(__file__).parent,
    params=PARAMS,
    hook=hook,
    source=SOURCE,
    sink=SINK,
    volume="corridor_volume_mt_per_yr",
    geo="freight",
    weather="availability_",
)

MODEL = CORRIDOR.model(
    description=(
        "Middle Corridor freight: China–Kazakhstan rail, Caspian ferries, Alat, "
        "BTK or Black Sea, to Europe"
    ),
    figures=lazy_figures("corridor_sim.models.middle_corridor.figures:figures"),
    max_periods=600,
    #: 2023-2025: the years of the public corridor volumes it backcasts
    years=(2023, 2025),
)
OPTIONS = MODEL.option_table
build, simulate, elements, parameters, provenance = CORRIDOR.functions(MODEL)
corridor_capacity, volume_sweep, bottleneck_sequence = CORRIDOR.studies()
# corridor capacity under each upgrade case (BTK 1/5, Alat 15/25, new ferries)
upgrades = CORRIDOR.bind(hook.upgrades)
