"""Public assertion helpers for results, usable in a user's own tests.

They check physical truths of a commodity-flow result (the tables of
:func:`corridor_sim.engines.commodity.solve`, or of any model built on it):
flow is conserved at every node in every period, and no arc carries more than
its available capacity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from corridor_sim.engines.commodity import CommodityNetwork
    from corridor_sim.results.result import Result

__all__ = ["assert_flow_conserved", "assert_results_equal", "assert_within_capacity"]


def _by_node(frame: pd.DataFrame, node_col: str, value_col: str) -> pd.Series:
    if frame.empty or value_col not in frame:
        index = pd.MultiIndex.from_arrays([[], []], names=[node_col, "period"])
        return pd.Series(dtype=float, index=index)
    return frame.groupby([node_col, "period"])[value_col].sum()


def _unit(result: Result) -> str:
    """Column-name unit of a commodity result (``kt`` in ``flow_kt``)."""
    cols = [c for c in result.table("flows").columns if str(c).startswith("flow_")]
    if not cols:
        msg = "flows table has no flow_<unit> column: not a commodity result"
        raise AssertionError(msg)
    return str(cols[0]).removeprefix("flow_")


def assert_flow_conserved(result: Result, network: CommodityNetwork, *, atol: float = 1e-6) -> None:
    """Assert flow balance at every node and period of a commodity result.

    For each node and period: supplied + received on arcs in - sent on arcs out
    - delivered - (storage level change) = 0.

    Parameters
    ----------
    result : Result
        Has tables ``flows`` (element, source, target, period, flow_<unit>,
        received_<unit>), ``supply`` (element, period, supplied_<unit>), ``unmet``
        (element, period, delivered_<unit>) and ``storage`` (element, period, level_<unit>).
    network : CommodityNetwork
        The network solved (for initial storage levels).
    atol : float, default 1e-6
        Absolute tolerance, in the network's unit.

    Raises
    ------
    AssertionError
        Naming the node, the period and the imbalance.
    """
    flows = result.table("flows")
    u = _unit(result)
    n_periods = len(network.periods)
    index = pd.MultiIndex.from_product(
        [list(network.node_ids), range(n_periods)], names=["node", "period"]
    )
    balance = pd.Series(0.0, index=index)
    parts = [
        (_by_node(result.supply, "element", f"supplied_{u}"), 1.0),
        (_by_node(flows, "target", f"received_{u}"), 1.0),
        (_by_node(flows, "source", f"flow_{u}"), -1.0),
        (_by_node(result.unmet, "element", f"delivered_{u}"), -1.0),
    ]
    for series, sign in parts:
        balance = balance.add(sign * series.rename_axis(["node", "period"]), fill_value=0.0)
    storage = result.storage
    if not storage.empty:
        level = storage.pivot_table(index="period", columns="element", values=f"level_{u}")
        level = level.sort_index()
        initial = pd.Series({n.id: n.initial_level for n in network.nodes if n.id in level.columns})
        prev = level.shift(1)
        prev.iloc[0] = initial[level.columns].to_numpy()
        change = (level - prev).stack().swaplevel().rename_axis(["node", "period"])
        balance = balance.add(-change, fill_value=0.0)
    worst = balance.abs().idxmax() if len(balance) else None
    if worst is not None and abs(balance[worst]) > atol:
        node, period = worst
        gap = balance[worst]
        msg = f"flow not conserved at node {node!r}, period {period}: imbalance {gap:.6g}"
        raise AssertionError(msg)


def assert_within_capacity(result: Result, *, atol: float = 1e-6) -> None:
    """Assert 0 <= flow <= capacity (available capacity) on every arc and period.

    Raises
    ------
    AssertionError
        Naming the arc, the period, the flow and the capacity.
    """
    flows = result.table("flows")
    u = _unit(result)
    flow, cap = flows[f"flow_{u}"], flows[f"capacity_{u}"]
    over = flows[(flow > cap + atol) | (flow < -atol)]
    if not over.empty:
        row = over.iloc[0]
        msg = (
            f"arc {row['element']!r} period {row['period']}: flow {row[f'flow_{u}']:.6g} "
            f"outside [0, {row[f'capacity_{u}']:.6g}] ({len(over)} violations)"
        )
        raise AssertionError(msg)


def assert_results_equal(left: Result, right: Result, *, rtol: float = 1e-9) -> None:
    """Assert two Results have the same tables and summary (floats within `rtol`).

    Raises
    ------
    AssertionError
        Naming the first table that differs.
    """
    if set(left.tables) != set(right.tables):
        msg = f"tables differ: {sorted(left.tables)} != {sorted(right.tables)}"
        raise AssertionError(msg)
    for name in [*left.tables, None]:
        a = left.summary_table if name is None else left.tables[name]
        b = right.summary_table if name is None else right.tables[name]
        try:
            pd.testing.assert_frame_equal(
                a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False, rtol=rtol
            )
        except AssertionError as err:
            msg = f"table {name or 'summary'!r} differs: {err}"
            raise AssertionError(msg) from err
