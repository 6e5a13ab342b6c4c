"""What makes a dispatch LP infeasible, in the user's terms, when HiGHS only says so.

The dispatch serves demand with a penalty for what it cannot serve, so shortage never makes
it infeasible; surplus can: a load with negative demand injects power that no variable can
curtail, and a branch limited to 0 % carries nothing. :func:`infeasible_hint` names those
elements so the error says what to change.
"""

from __future__ import annotations

import numpy as np
import pandapower as pp
import pandas as pd

__all__ = ["infeasible_hint"]

_SHOWN = 3


def _label(table: pd.DataFrame, index: object) -> str:
    name = table.at[index, "name"] if "name" in table.columns else None
    return f" ({name})" if isinstance(name, str) and name else ""


def _negative_loads(net: pp.pandapowerNet, table: pd.DataFrame | None) -> list[str]:
    load = net.load
    if not len(load):
        return []
    active = (
        load["in_service"].to_numpy(dtype=bool)
        if "in_service" in load
        else np.ones(len(load), dtype=bool)
    )
    scaling = load["scaling"].to_numpy(dtype=float) if "scaling" in load else 1.0
    static = pd.Series(load["p_mw"].to_numpy(dtype=float) * scaling, index=load.index)
    found = []
    for pos, index in enumerate(load.index):
        if not active[pos]:
            continue
        if table is not None and index in table.columns:
            column = table[index]
            if (column < 0).any():
                hour = column.index[int(np.argmax(column.to_numpy() < 0))]
                found.append(
                    f"load {index}{_label(load, index)} = {float(column[hour])!r} MW in hour "
                    f"{hour!r}"
                )
        elif static[index] < 0:
            found.append(f"load {index}{_label(load, index)} = {float(static[index])!r} MW")
    return found


def _closed_branches(net: pp.pandapowerNet) -> list[str]:
    found = []
    for kind in ("line", "trafo"):
        table = net[kind]
        if "max_loading_percent" not in table or not len(table):
            continue
        pct = table["max_loading_percent"].to_numpy(dtype=float)
        on = table["in_service"].to_numpy(dtype=bool) if "in_service" in table else True
        for index in table.index[(pct == 0) & on]:
            found.append(f"{kind} {index}{_label(table, index)}")
    return found


def infeasible_hint(net: pp.pandapowerNet, load_p_mw: pd.DataFrame | None) -> str:
    """Return the likely causes of an infeasible dispatch of `net`, or "" if none is seen."""
    hints = []
    loads = _negative_loads(net, load_p_mw)
    if loads:
        more = f" and {len(loads) - _SHOWN} more" if len(loads) > _SHOWN else ""
        hints.append(
            "negative demand injects power that the dispatch must absorb and cannot curtail: "
            f"{', '.join(loads[:_SHOWN])}{more}; expected loads >= 0 MW (an injection is an "
            "sgen, which can be curtailed)"
        )
    closed = _closed_branches(net)
    if closed:
        more = f" and {len(closed) - _SHOWN} more" if len(closed) > _SHOWN else ""
        hints.append(
            f"max_loading_percent = 0 lets no power through {', '.join(closed[:_SHOWN])}{more}"
        )
    return "; ".join(hints)
