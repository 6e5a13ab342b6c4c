"""Batched DC power flow and N-1 screening over many hours, generic over any pandapower net.

:func:`dc_flow` returns, for all hours at once, what ``pandapower.rundcpp`` gives hour by hour
when per-hour ``p_mw`` tables (as pandapower's ``ConstControl`` would write them) are applied.
:func:`n_minus_1` screens every single-branch outage for every hour with line outage
distribution factors (LODF), streamed over blocks of outages and hours. Both factorise the
network once (:class:`DCModel`) and solve all hours as blocks of right-hand sides; there is no
Python loop over hours and no dense PTDF unless asked for (:meth:`DCModel.ptdf`).
See ``docs/power-engine.md`` for the math and the limits.
"""

from corridor_sim.engines._shared.dcmodel import DCModel
from corridor_sim.engines._shared.quiet import pandapower_quietly
from corridor_sim.engines.power.results import DCFlowResult, N1Result
from corridor_sim.engines.power.run import OutageSet, ac_check, dc_flow, n_minus_1

__all__ = [
    "DCFlowResult",
    "DCModel",
    "N1Result",
    "OutageSet",
    "ac_check",
    "dc_flow",
    "n_minus_1",
    "pandapower_quietly",
]
