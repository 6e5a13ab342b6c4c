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
2.5
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from corridor_sim.engines.commodity import CommodityNetwork
from corridor_sim.models.base import ModelEntry
from corridor_sim.models.middle_corridor.network import ARCS, SINK, SOURCE, make_slices, network
from corridor_sim.models.middle_corridor.params import PARAMS
from corridor_sim.models.middle_corridor.run import OPTIONS, simulate
from corridor_sim.models.middle_corridor.study import (
    bottleneck_sequence,
    corridor_capacity,
    upgrades,
)
from corridor_sim.models.params import Parameter

__all__ = [
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
]


def build(year: int, *, periods: int = 12, **overrides: Any) -> CommodityNetwork:  # noqa: ANN401
    """Build the corridor for `year` (2023 on) as a commodity network in kt per month.

    Raises
    ------
    UnknownNameError
        An override that is not a parameter (with suggestions).
    SpecError
        A bad value.
    """
    p = PARAMS.resolve(year, overrides)
    return network(p, make_slices(year, periods))


def parameters(year: int) -> dict[str, Parameter]:
    """Return the accepted overrides for `year` with defaults, units and source ids."""
    return PARAMS.parameters(year)


def provenance(year: int, **overrides: Any) -> pd.DataFrame:  # noqa: ANN401
    """Every parameter with its value, unit and catalogue id(s)."""
    return PARAMS.provenance(year, overrides)


def elements(year: int) -> list[str]:
    """Arc ids an event may name."""
    del year
    return list(ARCS)


def _figures(result: Any) -> dict[str, Any]:  # noqa: ANN401
    from corridor_sim.models.middle_corridor.figures import figures  # noqa: PLC0415

    return figures(result)


MODEL = ModelEntry(
    name="middle_corridor",
    description=(
        "Middle Corridor freight: China–Kazakhstan rail, Caspian ferries, Alat, "
        "BTK or Black Sea, to Europe"
    ),
    build=build,
    simulate=simulate,
    params=PARAMS,
    elements=elements,
    options=OPTIONS,
    resolutions=("month",),
    figures=_figures,
    max_periods=600,
    #: 2023-2025: the years of the public corridor volumes it backcasts
    years=(2023, 2025),
)
