"""Solvers that know networks, not corridors.

- :mod:`~corridor_sim.engines.commodity`: multi-period flow LP with storage, duals, minimum cut.
- :mod:`~corridor_sim.engines.power`: batched DC power flow and N-1 on any pandapower net.
- :mod:`~corridor_sim.engines.dispatch`: hourly DC optimal power flow over a horizon (HiGHS).

Engines take their defaults as arguments (documented module constants), never read the
catalogue, and return results whose ``to_result()`` (or the result itself) follows
:mod:`corridor_sim.results.schemas`.
"""
