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
        The net the dispatch `h` was solved on (not modified; a copy is solved, its
        dclines as the generator pairs pandapower solves them as).
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
    hours = list(dict.fromkeys(int(t) for t in hours))
    if hours:
        snap = copy.deepcopy(net)  # one copy: every value an hour sets is set at each hour
        names = snap.load.name
        hub_of = dict(zip(names, snap.bus.loc[snap.load.bus, "name"], strict=True))
        tan_phi = np.tan(np.arccos(value("caspian.ac.load_power_factor", unit="-")))
        dclines = snap.dcline.copy()
        ends = None
    for t in hours:
        snap.load["p_mw"] = [
            float(h.demand_mw.iloc[t][hub_of[n]] - h.unserved_mw.iloc[t][hub_of[n]]) for n in names
        ]
        snap.load["q_mvar"] = snap.load["p_mw"] * tan_phi
        snap.sgen["p_mw"] = [float(h.generation_mw.iloc[t][n]) for n in snap.sgen.name]
        snap.gen.loc[net.gen.index, "p_mw"] = [
            float(h.generation_mw.iloc[t][n]) for n in net.gen.name
        ]
        dclines["p_mw"] = [float(h.flow_mw.iloc[t][n]) for n in dclines.name]
        ends = _dcline_gens(snap, dclines, ends)
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
            frames.append(_results(snap, t, method, dclines, ends))
    if not frames:
        table = pd.DataFrame(columns=_COLUMNS)
    else:
        table = pd.concat(frames, ignore_index=True).reindex(columns=_COLUMNS)
    keys = hour_keys(table["hour"], year)
    table.insert(0, "period", keys["period"])
    table.insert(1, "snapshot", keys["snapshot"])
    return table


def _dcline_gens(
    snap: pp.pandapowerNet, dclines: pd.DataFrame, ends: tuple[np.ndarray, np.ndarray] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Write `dclines` into `snap` as pandapower's generator pairs; return their gen indices.

    ``dclines`` carry the hour's ``p_mw``; the indices returned are the to and the from ends.

    ``runpp`` and ``rundcpp`` turn each dcline into a generator at each end (its receiving
    end injecting the sent power less the losses, its sending end drawing the sent power)
    and create them one by one at every run (pandapower's ``_add_dcline_gens``, most of a
    snapshot's time). Here they are created once, in bulk, with the same values and order
    (the snapshot tests check AC and DC results against pandapower's own to the bit), only
    their values change from hour to hour, and ``snap`` keeps no dclines.
    """
    p = dclines["p_mw"].to_numpy(dtype=float)
    sent = np.abs(p)
    loss_pct = dclines["loss_percent"].to_numpy(dtype=float)
    received = sent * (1 - loss_pct / 100) - dclines["loss_mw"].to_numpy(dtype=float)
    rating = dclines["max_p_mw"].to_numpy(dtype=float)
    forward = np.sign(p) > 0
    to_p = np.where(forward, received, -sent)
    from_p = np.where(forward, -sent, received)
    to_max, to_min = np.where(forward, rating, 0.0), np.where(forward, 0.0, -rating)
    from_max, from_min = np.where(forward, 0.0, rating), np.where(forward, -rating, 0.0)
    if ends is None:
        col = dclines.__getitem__
        idx = np.asarray(
            pp.create_gens(
                snap,
                _pairs(col("to_bus"), col("from_bus")),
                p_mw=_pairs(to_p, from_p),
                vm_pu=_pairs(col("vm_to_pu"), col("vm_from_pu")),
                min_p_mw=_pairs(to_min, from_min),
                max_p_mw=_pairs(to_max, from_max),
                max_q_mvar=_pairs(col("max_q_to_mvar"), col("max_q_from_mvar")),
                min_q_mvar=_pairs(col("min_q_to_mvar"), col("min_q_from_mvar")),
                in_service=_pairs(col("in_service"), col("in_service")),
            )
        )
        snap.dcline = snap.dcline.iloc[0:0]
        return idx[0::2], idx[1::2]
    to, frm = ends
    snap.gen.loc[to, ["p_mw", "min_p_mw", "max_p_mw"]] = np.column_stack([to_p, to_min, to_max])
    snap.gen.loc[frm, ["p_mw", "min_p_mw", "max_p_mw"]] = np.column_stack(
        [from_p, from_min, from_max]
    )
    return ends


def _pairs(to: pd.Series | np.ndarray, frm: pd.Series | np.ndarray) -> np.ndarray:
    """``[to[0], frm[0], to[1], frm[1], ...]``: the order pandapower creates a dcline's pair."""
    to, frm = np.asarray(to), np.asarray(frm)
    out = np.empty(2 * len(to), dtype=np.result_type(to, frm))
    out[0::2], out[1::2] = to, frm
    return out


def _results(
    snap: pp.pandapowerNet, hour: int, method: str, dclines: pd.DataFrame,
    ends: tuple[np.ndarray, np.ndarray],
) -> pd.DataFrame:  # fmt: skip
    """Bus, line and DC line results of a solved `snap`, one row per element.

    The DC lines' results come from their generator pairs, as pandapower reads them
    (``p_from_mw`` minus the sending end's output, ``pl_mw`` minus the pair's sum).
    """
    to_p = snap.res_gen.loc[ends[0], "p_mw"].to_numpy()
    from_p = snap.res_gen.loc[ends[1], "p_mw"].to_numpy()
    res_dcline = pd.DataFrame(
        {"p_from_mw": -from_p, "pl_mw": -(to_p + from_p)}, index=dclines.index
    )
    parts = []
    for kind, columns in _RESULTS.items():
        res = res_dcline if kind == "dcline" else snap[f"res_{kind}"]
        table = dclines if kind == "dcline" else snap[kind]
        part = res[list(columns)].rename(columns=columns)
        part.insert(0, "element", table.loc[res.index, "name"].to_numpy())
        part.insert(0, "element_type", kind)
        part.insert(0, "method", method)
        part.insert(0, "hour", hour)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
