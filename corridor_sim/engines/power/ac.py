"""AC re-check of screened N-1 cases with ``pandapower.runpp`` (DC and AC side by side).

The DC screen is lossless and assumes 1 p.u. voltages; where it is optimistic shows on the
cases that matter most: the worst post-contingency case of the most loaded elements, or
every violating (outage, element) pair at its worst hour. Each distinct (outage, hour) is
one AC power flow on a copy of the net with that hour's set-points and the outage applied.
"""

from __future__ import annotations

import copy
import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.engines._shared.quiet import pandapower_quietly
from corridor_sim.errors import SpecError

if TYPE_CHECKING:
    from corridor_sim.engines.power.results import N1Result

__all__ = ["AC_COLUMNS", "ac_check"]

AC_COLUMNS = [
    "outage_element",
    "outage_index",
    "hour",
    "element",
    "element_index",
    "loading_dc_pct",
    "loading_ac_pct",
    "loading_ac_minus_dc_pct",
    "p_dc_mw",
    "p_ac_mw",
    "ac_converged",
]

_RESULT = {"line": ("res_line", "p_from_mw"), "trafo": ("res_trafo", "p_hv_mw")}


def _cases(n1: N1Result, cases: str, top_k: int) -> pd.DataFrame:
    if cases == "worst":
        if not isinstance(top_k, int | np.integer) or top_k < 1:
            msg = f"ac_top_k = {top_k!r}: expected a positive integer number of elements"
            raise SpecError(msg)
        return n1.worst.head(int(top_k))
    if cases == "violations":
        return n1.violation_counts
    msg = f"cases = {cases!r}: expected 'worst' or 'violations'"
    raise SpecError(msg)


def _set_hour(work: pp.pandapowerNet, tables: dict, position: int) -> None:
    """Write hour `position` of the hourly tables into `work` (p_mw before scaling)."""
    for name, table in tables.items():
        if table is None:
            continue
        element = name.removesuffix("_p_mw")
        if isinstance(table, pd.DataFrame):
            work[element].loc[table.columns, "p_mw"] = table.iloc[position].to_numpy(dtype=float)
        else:
            work[element]["p_mw"] = np.asarray(table, dtype=float)[position]


def ac_check(
    net: pp.pandapowerNet,
    n1: N1Result,
    tables: dict | None = None,
    *,
    cases: str = "worst",
    top_k: int = 10,
) -> pd.DataFrame:
    """Re-run screened N-1 cases with ``pandapower.runpp``: DC and AC loadings side by side.

    Parameters
    ----------
    net : pandapower.pandapowerNet
        The net screened (not modified; AC needs its ``q_mvar`` and voltage set-points,
        which are taken from the net as they are).
    n1 : N1Result
        The screen of `net`.
    tables : dict, optional
        The hourly tables given to ``n_minus_1`` (``{"load_p_mw": ..., ...}``).
    cases : {"worst", "violations"}, default "worst"
        "worst": the worst case of each of the `top_k` most loaded monitored elements;
        "violations": every violating (outage, element) pair at its worst hour.
    top_k : int, default 10

    Returns
    -------
    pandas.DataFrame
        ``outage_element, outage_index, hour, element, element_index, loading_dc_pct,
        loading_ac_pct, loading_ac_minus_dc_pct, p_dc_mw, p_ac_mw, ac_converged``; AC values
        are NaN where ``runpp`` did not converge.

    Examples
    --------
    >>> import pandapower.networks as pn
    >>> from corridor_sim.engines.power import n_minus_1
    >>> net = pn.case30()
    >>> checked = ac_check(net, n_minus_1(net), top_k=2)
    >>> checked[["element", "ac_converged"]].shape
    (2, 2)
    """
    wanted = _cases(n1, cases, top_k).reset_index(drop=True)
    tables = tables or {}
    hours = n1.hours
    rows = []
    work = copy.deepcopy(net)
    groups = wanted.groupby(["outage_element", "outage_index", "hour"], sort=False)
    for (o_kind, o_index, hour), group in groups:
        _set_hour(work, tables, int(hours.get_indexer([hour])[0]))
        work[o_kind].loc[o_index, "in_service"] = False
        try:
            with warnings.catch_warnings(), pandapower_quietly():
                warnings.simplefilter("ignore")
                pp.runpp(work, numba=False)
            converged = True
        except (pp.LoadflowNotConverged, UserWarning, ValueError, np.linalg.LinAlgError):
            converged = False
        finally:
            work[o_kind].loc[o_index, "in_service"] = True
        for row in group.itertuples():
            table, column = _RESULT[row.element]
            res = work[table]
            ac_load = float(res.at[row.element_index, "loading_percent"]) if converged else np.nan
            ac_p = float(res.at[row.element_index, column]) if converged else np.nan
            rows.append(
                (row.Index, o_kind, int(o_index), hour, row.element, int(row.element_index),
                 float(row.loading_pct), ac_load, ac_load - float(row.loading_pct),
                 float(row.p_mw), ac_p, converged)
            )  # fmt: skip
    frame = pd.DataFrame(rows, columns=["position", *AC_COLUMNS]).sort_values("position")
    return frame.drop(columns="position").reset_index(drop=True)  # in the order of `cases`
