"""pandapower's own AC (``runpp``) and DC (``rundcpp``) power flow at dispatched hours."""

from __future__ import annotations

import copy
from collections.abc import Iterable

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.engines.power import pandapower_quietly
from corridor_sim.errors import ConvergenceError
from corridor_sim.models.caspian.dispatch import Hourly
from corridor_sim.models.caspian.tables import hour_keys

__all__ = ["snapshots"]

#: Element type -> its pandapower result columns and their names in the snapshot table.
_RESULTS = {
    "bus": {"vm_pu": "vm_pu", "va_degree": "va_degree"},
    "line": {"p_from_mw": "p_from_mw", "pl_mw": "pl_mw", "loading_percent": "loading_pct"},
    "dcline": {"p_from_mw": "p_from_mw", "pl_mw": "pl_mw"},
}
_COLUMNS = [
    "hour",
    "method",
    "element_type",
    "element",
    "vm_pu",
    "va_degree",
    "p_from_mw",
    "pl_mw",
    "loading_pct",
]


def snapshots(net: pp.pandapowerNet, h: Hourly, hours: Iterable[int], year: int) -> pd.DataFrame:
    """Run pandapower ``runpp`` (AC) and ``rundcpp`` (DC) at dispatched hours.

    Parameters
    ----------
    net : pandapowerNet
        The net the dispatch `h` was solved on (not modified; copies are solved).
    h : Hourly
        The dispatch.
    hours : iterable of int
        Hours (row positions of the dispatch) to solve; each is solved once.
    year : int
        Model year (the snapshot timestamps start on 1 January).

    Returns
    -------
    DataFrame
        Columns ``period, snapshot, hour, method ('ac'|'dc'), element_type
        ('bus'|'line'|'dcline'), element (hub or link id), vm_pu, va_degree, p_from_mw,
        pl_mw, loading_pct``.

    Raises
    ------
    ConvergenceError
        If the AC power flow does not converge at an hour.

    Examples
    --------
    The AC and DC flows of noon on the first day of a 24-hour dispatch:

    >>> from corridor_sim.models.caspian import profiles
    >>> from corridor_sim.models.caspian.dispatch import availability, dispatch_year
    >>> from corridor_sim.models.caspian.params import resolve_year
    >>> p = resolve_year(2032, {})
    >>> net, h = dispatch_year(p, profiles(2032, seed=1, hours=24, params=p), availability([], 24))
    >>> snaps = snapshots(net, h, [12], 2032)
    >>> az_ge = snaps[snaps["element"] == "az_ge"].set_index("method")["p_from_mw"]
    >>> round(az_ge["ac"]), round(az_ge["dc"])  # MW from Azerbaijan to Georgia
    (1132, 1086)
    """
    frames = []
    for t in dict.fromkeys(int(t) for t in hours):
        snap = copy.deepcopy(net)
        names = snap.load.name
        hub_of = dict(zip(names, snap.bus.loc[snap.load.bus, "name"], strict=True))
        snap.load["p_mw"] = [
            float(h.demand_mw.iloc[t][hub_of[n]] - h.unserved_mw.iloc[t][hub_of[n]]) for n in names
        ]
        pf = value("caspian.ac.load_power_factor", unit="-")
        snap.load["q_mvar"] = snap.load["p_mw"] * np.tan(np.arccos(pf))
        snap.sgen["p_mw"] = [float(h.generation_mw.iloc[t][n]) for n in snap.sgen.name]
        snap.gen["p_mw"] = [float(h.generation_mw.iloc[t][n]) for n in snap.gen.name]
        snap.dcline["p_mw"] = [float(h.flow_mw.iloc[t][n]) for n in snap.dcline.name]
        for method in ("ac", "dc"):
            try:
                if method == "ac":
                    pp.runpp(snap, init="dc", max_iteration=30, numba=False)
                else:
                    with pandapower_quietly():
                        pp.rundcpp(snap)
            except pp.LoadflowNotConverged as err:
                msg = f"snapshot hour {t}: pandapower {method.upper()} power flow did not converge"
                raise ConvergenceError(msg) from err
            frames.append(_results(snap, t, method))
    if not frames:
        table = pd.DataFrame(columns=_COLUMNS)
    else:
        table = pd.concat(frames, ignore_index=True).reindex(columns=_COLUMNS)
    keys = hour_keys(table["hour"], year)
    table.insert(0, "period", keys["period"])
    table.insert(1, "snapshot", keys["snapshot"])
    return table


def _results(snap: pp.pandapowerNet, hour: int, method: str) -> pd.DataFrame:
    """Bus, line and DC line results of a solved `snap`, one row per element."""
    parts = []
    for kind, columns in _RESULTS.items():
        res = snap[f"res_{kind}"]
        part = res[list(columns)].rename(columns=columns)
        part.insert(0, "element", snap[kind].loc[res.index, "name"].to_numpy())
        part.insert(0, "element_type", kind)
        part.insert(0, "method", method)
        part.insert(0, "hour", hour)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
