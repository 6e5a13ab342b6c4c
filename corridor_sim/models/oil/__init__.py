"""The Aktau–Baku–Ceyhan oil route as a monthly commodity network.

Kazakh crude (``kazakh_fields``) is loaded at Aktau (``aktau_loading``), crosses
the Caspian by tanker (``tanker_lane``, capacity from fleet size, deadweight and
round-trip time, derated in the storm and ice season), waits if needed in the
Sangachal tanks near Baku (``baku_tanks``), and leaves by the BTC pipeline
(``btc``, the capacity Azerbaijani crude leaves free) to ``ceyhan`` or, as the
strategic reserve, by Baku–Supsa (``baku_supsa``) to ``supsa``. Optionally the
CPC pipeline to ``novorossiysk`` is added with its own Kazakh volume, which can
be diverted to Aktau (``cpc_diversion``) when CPC is disrupted.

Reserve rule (cost-based): Supsa and Novorossiysk cargoes carry a reserve premium
per tonne (``oil.cost.reserve_premium``: the Bosporus passage and the idle line's
stand-by cost) on top of the same pipeline tariff as BTC, so the LP sends crude
to Supsa only when BTC is full or out. Every delivered tonne is worth
``oil.market.value`` at the ``world_market`` sink, so the LP moves all crude it
can; what it cannot move is "unmet" (offered but not shipped).

Flows are kt per period (month, or part of a month around an outage); summaries
are in Mt. The route is data on the shared corridor template
(:mod:`corridor_sim.models.toolkit.corridor`): its nodes and arcs are ``nodes.csv`` and
``arcs.csv`` in this folder, its parameters :mod:`.params`, its own rules and tables the
hook :mod:`.hook`, the 2023 fit and its checks :mod:`.backcast`, the figures :mod:`.figures`.

Examples
--------
>>> from corridor_sim.engines.commodity import solve
>>> net = build(year=2025)
>>> sol = solve(net)
>>> round(float(sol.flows.query("element == 'ceyhan_export'")["flow_kt"].sum()) / 1000, 3)
1.7
"""

from __future__ import annotations

from pathlib import Path

from corridor_sim.models.base import lazy_figures
from corridor_sim.models.oil import hook
from corridor_sim.models.oil.params import PARAMS
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
    "elements",
    "parameters",
    "provenance",
    "route_capacity",
    "simulate",
    "volume_sweep",
]

#: Where the Kazakh crude of the route enters and where delivered crude leaves.
SOURCE = "kazakh_fields"
SINK = "world_market"
#: Longest horizon: 50 years of months (the documented figures end in the 2020s).
MAX_MONTHS = 600

#: The route: nodes.csv and arcs.csv beside this file, the parameters and the hook.
CORRIDOR = Corridor(
    name="oil",
    folder=Path(__file__).parent,
    params=PARAMS,
    hook=hook,
    source=SOURCE,
    sink=SINK,
    volume="kazakh_volume_mt_per_yr",
    geo="oil",
    weather="tanker_availability_",
    overload="oil.study.overload_factor",
    capacity_metric="route_capacity_mt_per_yr",
)

MODEL = CORRIDOR.model(
    description=(
        "Aktau–Baku–Ceyhan oil route: Kazakh crude by tanker and BTC, Supsa reserve, optional CPC"
    ),
    figures=lazy_figures("corridor_sim.models.oil.figures:figures"),
    max_periods=MAX_MONTHS,
    #: 2023: first year of the KMTF/ASCO fleet and port figures; 2026: the latest dated one
    years=(2023, 2026),
)
OPTIONS = MODEL.option_table
build, simulate, elements, parameters, provenance = CORRIDOR.functions(MODEL)
route_capacity, volume_sweep, bottleneck_sequence = CORRIDOR.studies()
