"""The result type of the commodity engine: :class:`CommoditySolution`.

Import it from :mod:`corridor_sim.engines.commodity`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import pandas as pd

from corridor_sim.engines.commodity.network import CommodityNetwork
from corridor_sim.errors import UnknownNameError, suggest
from corridor_sim.results.result import Result
from corridor_sim.results.schemas import unit_suffix

__all__ = ["CommoditySolution"]


@dataclass(repr=False)
class CommoditySolution(Result):
    """Result of :func:`solve`: tidy tables plus the objective, status and network.

    Tables (all long: one row per element and period; volumes in ``network.unit``
    per period, costs in the network's cost units):

    Key columns ``element`` (arc or node id), ``period``, ``period_label`` and, when the
    network has snapshots, ``snapshot``; ``<u>`` is the network's unit in column form
    (``kt``) and ``<c>`` its cost unit (``usd_per_t``; ``cu_per_<u>`` when unset):

    - ``flows``: source, target, flow_<u>, received_<u>, capacity_<u> (= nominal x
      availability), capacity_nominal_<u>, availability_pu, utilisation_pct (NaN when
      the capacity is 0 or infinite), shadow_price_<c> (>= 0: cost saved per extra unit
      of capacity), unit_cost_<c>.
    - ``utilisation``: utilisation_pct, binding.
    - ``unmet``: demand_<u>, delivered_<u>, unmet_<u> (NaN for an open sink with
      infinite demand).
    - ``storage``: level_<u>, inflow_<u>, outflow_<u>, capacity_<u>.
    - ``supply``: supplied_<u>, available_<u>.
    - ``prices``: price_<c> (dual of the node balance).
    - ``bottlenecks``: rank, element, source, target, binding_periods (count),
      binding_period_labels, shadow_price_mean_<c>, shadow_price_max_<c>.

    Parameters
    ----------
    tables, summary_table, meta
        As for :class:`~corridor_sim.results.result.Result`.
    total_cost : float
        Objective value: arc and supply costs plus unmet penalties minus values, in the
        network's cost units over the horizon.
    status : str
        The solver's status (``"optimal"``).
    network : CommodityNetwork or None
        The network solved (``None`` after :meth:`load`).

    Examples
    --------
    Made by :func:`~corridor_sim.engines.commodity.solve`:

    >>> from corridor_sim.engines.commodity import network_from_dict, solve
    >>> from corridor_sim.scenarios import example_network
    >>> sol = solve(network_from_dict(example_network()))
    >>> sol.status, sol.total_cost
    ('optimal', 1.0)
    >>> sol.delivered()[["element", "demand_t", "delivered_t"]].values.tolist()
    [['d', 3.0, 2.0]]
    >>> sol.flows[["element", "flow_t", "shadow_price_cu_per_t"]].values.tolist()
    [['s->d', 2.0, 1.0]]
    """

    total_cost: float = math.nan
    status: str = ""
    network: CommodityNetwork | None = None

    @classmethod
    def load(cls, directory: str | Path) -> Self:
        """Read a solution written by :meth:`save` (``network`` is not saved: None).

        Notes
        -----
        Column dtypes are restored from ``meta.json``, so period labels such as
        ``"0"`` come back as strings.
        """
        sol = super().load(directory)
        if "total_cost" in set(sol.summary_table["metric"]):
            sol.total_cost = sol.metric("total_cost")
        sol.status = str(sol.meta.get("status", ""))
        return sol

    def delivered(self, node: str | None = None) -> pd.DataFrame:
        """Volume delivered per demand node and period.

        Parameters
        ----------
        node : str, optional
            Only this demand node.

        Returns
        -------
        DataFrame
            Columns element (the node), period, period_label, demand_<unit>, delivered_<unit>.
        """
        unit = unit_suffix(str(self.meta.get("unit", "t")))
        keys = [c for c in ("element", "period", "period_label", "snapshot") if c in self.unmet]
        table = self.table("unmet").loc[:, [*keys, f"demand_{unit}", f"delivered_{unit}"]]
        if node is None:
            return table.reset_index(drop=True)
        if node not in set(table["element"]):
            msg = f"node {node!r} has no demand in this solution: {suggest(node, table['element'])}"
            raise UnknownNameError(msg)
        return table[table["element"] == node].reset_index(drop=True)
