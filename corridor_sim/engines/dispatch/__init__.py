"""Multi-period DC optimal power flow (economic dispatch with network limits) on HiGHS.

:func:`dispatch` takes any pandapower net with linear costs in ``net.poly_cost`` and hourly
tables (hours x element index, like pandapower time series) and solves, per block of hours,
one linear programme with SciPy's HiGHS: minimum generation cost plus value of lost load,
power balance with flow limits on lines and trafos with ``max_loading_percent`` (sparse bus
angles, or PTDF rows on small nets), HVDC links (``net.dcline``) with proportional losses,
optional storage, and optionally extendable branch ratings (:class:`Extendable`) optimised
with the dispatch. Nodal prices come from the duals. The formulation is in
``docs/dispatch.md``.
"""

from corridor_sim.engines.dispatch.extendable import Extendable, annuity_factor
from corridor_sim.engines.dispatch.results import DispatchResult
from corridor_sim.engines.dispatch.rows import FORMULATIONS
from corridor_sim.engines.dispatch.run import (
    BLOCK_HOURS,
    BLOCK_ROWS,
    PTDF_MAX_BUSES,
    STORAGE_INITIAL_SOC_PCT,
    STORAGE_ROUND_TRIP_EFFICIENCY_PCT,
    VOLL_EUR_PER_MWH,
    choose_formulation,
    dispatch,
)

__all__ = [
    "BLOCK_HOURS",
    "BLOCK_ROWS",
    "FORMULATIONS",
    "PTDF_MAX_BUSES",
    "STORAGE_INITIAL_SOC_PCT",
    "STORAGE_ROUND_TRIP_EFFICIENCY_PCT",
    "VOLL_EUR_PER_MWH",
    "DispatchResult",
    "Extendable",
    "annuity_factor",
    "choose_formulation",
    "dispatch",
]
