"""Network-agnostic commodity flow: multi-period min-cost flow LP with storage, duals and min cut.

A :class:`CommodityNetwork` holds :class:`Node` objects (supply, demand,
storage, transit) and :class:`Arc` objects (capacity per period, availability,
cost, loss) over a sequence of periods. :func:`solve` builds one linear
programme over all periods and solves it with HiGHS
(:func:`scipy.optimize.linprog`, ``method="highs"``; without storage nodes the periods are
independent and long horizons are solved in blocks of periods with ``highspy``)::

    min  sum_t [ sum_a cost_a x_at + sum_n supply_cost_n s_nt
                 + sum_n penalty_n (demand_nt - d_nt) - sum_n value_n d_nt ]
    s.t. sum_{a into n} (1 - loss_a) x_at - sum_{a out of n} x_at
         + s_nt - d_nt - (L_nt - L_n,t-1) = 0          (every node n, period t)
         0 <= x_at <= capacity_at * availability_at
         0 <= s_nt <= supply_nt,  0 <= d_nt <= demand_nt
         0 <= L_nt <= storage_capacity_n,  L_n,-1 = initial_level_n,
         L_n,T-1 >= final_level_n                        (storage nodes only)

Unmet demand ``demand - d`` is a penalised slack, so the LP is always feasible
except when a storage ``final_level`` cannot be reached (:class:`InfeasibleError`
naming the node). Duals: ``prices.price`` is the marginal cost of one more unit
withdrawn at a node in a period; ``flows.shadow_price_<cost unit> >= 0`` is the cost saved
per extra unit of capacity on an arc in a period (column names carry the network's units:
``flow_kt`` for ``unit="kt"``; see :class:`CommoditySolution`).

Examples
--------
A pipeline (4 units, cost 1) and a tanker lane (10 units, cost 3) from a field
to a port that wants 6 units: the pipeline fills, the tanker carries the rest,
and one more unit of pipeline capacity would save ``3 - 1 = 2``.

>>> net = CommodityNetwork(
...     nodes=(
...         Node("field", kind="supply", supply=10.0),
...         Node("port", kind="demand", demand=6.0),
...     ),
...     arcs=(
...         Arc("field", "port", capacity=4.0, cost=1.0, id="pipe"),
...         Arc("field", "port", capacity=10.0, cost=3.0, id="tanker"),
...     ),
...     unit="kt",
... )
>>> sol = solve(net)
>>> sol.total_cost
10.0
>>> sol.flows[["element", "flow_kt", "shadow_price_cu_per_kt"]]
  element  flow_kt  shadow_price_cu_per_kt
0    pipe      4.0                     2.0
1  tanker      2.0                     0.0
>>> mf = max_flow(net, "field", "port")
>>> mf.value, mf.cut_arcs
(14.0, ('pipe', 'tanker'))
"""

from corridor_sim.engines.commodity.io import (
    from_networkx,
    network_from_dict,
    to_networkx,
    value_at,
)
from corridor_sim.engines.commodity.lp import default_unmet_penalty
from corridor_sim.engines.commodity.maxflow import MaxFlowResult, max_flow
from corridor_sim.engines.commodity.network import CommodityNetwork
from corridor_sim.engines.commodity.run import solve
from corridor_sim.engines.commodity.solution import CommoditySolution
from corridor_sim.engines.commodity.spec import Arc, Node, NodeKind
from corridor_sim.engines.commodity.tables import horizon_totals

__all__ = [
    "Arc",
    "CommodityNetwork",
    "CommoditySolution",
    "MaxFlowResult",
    "Node",
    "NodeKind",
    "default_unmet_penalty",
    "from_networkx",
    "horizon_totals",
    "max_flow",
    "network_from_dict",
    "solve",
    "to_networkx",
    "value_at",
]
