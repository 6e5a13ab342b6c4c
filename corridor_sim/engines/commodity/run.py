"""Solve a commodity network: the multi-period min-cost flow LP, front door of the engine."""

from __future__ import annotations

from corridor_sim.engines.commodity import lp as _commodity_lp
from corridor_sim.engines.commodity.network import CommodityNetwork
from corridor_sim.engines.commodity.solution import CommoditySolution

__all__ = ["solve"]


def solve(
    network: CommodityNetwork, *, name: str = "", block_periods: int | None = None
) -> CommoditySolution:
    """Solve the multi-period min-cost flow LP over all periods.

    Parameters
    ----------
    network : CommodityNetwork
        Nodes, arcs and periods; volumes in ``network.unit`` per period.
    name : str, optional
        Name recorded in ``meta["name"]`` (default: the network's name).
    block_periods : int, optional
        Periods per LP when no node is a storage node (periods are then independent).
        None: about 2,000 variables per LP (one period per LP for a few hundred arcs),
        and one LP over all periods when that covers the horizon. An int >= the number of
        periods forces one LP. Networks with storage nodes are always one LP; a smaller
        value for them is a :class:`SpecError`.

    Returns
    -------
    CommoditySolution
        A :class:`~corridor_sim.results.Result` with tables ``flows``,
        ``utilisation``, ``unmet``, ``storage``, ``supply``, ``prices``,
        ``bottlenecks`` (see :class:`CommoditySolution`), a summary
        (total_cost, supplied, delivered, unmet, losses, ...), and the
        attributes ``total_cost``, ``status`` and ``network``. ``meta["blocks"]``
        is the number of LPs solved, ``meta["block_periods"]`` the periods per LP
        and ``meta["solver"]`` which HiGHS interface solved them.

    Raises
    ------
    InfeasibleError
        A storage ``final_level`` cannot be reached; the message names the node,
        the period and the most that can be in store.
    SolverError
        The LP is unbounded (e.g. an open sink with positive value fed by an
        infinite supply, or a negative-cost cycle of infinite capacity), or HiGHS
        failed.
    SpecError
        `block_periods` is not None or an int >= 1, or is below the number of periods
        of a network with storage nodes.

    Notes
    -----
    Unmet demand costs ``unmet_penalty`` per unit; the default
    (:func:`default_unmet_penalty`) is a power of ten above
    ``1 + T * sum|arc cost| + max|supply cost| + max|value|`` (T = number of
    periods if the network has storage, else 1), times the loss
    amplification, so demand is met whenever the network can carry it.
    Shadow prices are ``-res.upper.marginals`` of the flow bounds (HiGHS
    reports d objective / d upper bound <= 0); node prices are
    ``res.eqlin.marginals`` of the balance rows written as
    ``inflow + supply - outflow - delivered - storage change = 0``, i.e. the
    cost of one more unit withdrawn at that node. When the LP is degenerate
    (two arcs in series, both full) HiGHS puts the shadow price on one of them;
    raising that one alone may then not save anything.

    Without storage nodes the LP is block-diagonal by period, so solving it in
    blocks of periods (each block's LP built on its own and solved with ``highspy``,
    warm-started from the previous block's basis) gives the same optimum: the same
    objective, and the same flows and duals wherever the LP has a unique optimum.
    Memory then grows with one block plus the result tables, not with the horizon.
    With storage the periods are linked and the exact LP over all periods is solved
    with :func:`scipy.optimize.linprog`.

    Examples
    --------
    >>> from corridor_sim.engines.commodity import Arc, CommodityNetwork, Node, max_flow, solve
    >>> net = CommodityNetwork(
    ...     nodes=(Node("a", kind="supply", supply=5.0), Node("b", kind="demand", demand=8.0)),
    ...     arcs=(Arc("a", "b", capacity=10.0, cost=1.0),),
    ... )
    >>> sol = solve(net)
    >>> sol.unmet[["element", "demand_t", "delivered_t", "unmet_t"]]
      element  demand_t  delivered_t  unmet_t
    0       b       8.0          5.0      3.0
    """
    return _commodity_lp.solve(network, name=name, block_periods=block_periods)
