"""Result tables of the traced origin of exports (:mod:`.origin`) in the shared schema."""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor_sim.models.caspian.hourly import kahan_sum
from corridor_sim.models.caspian.network import LINKS, ROUTE_OF
from corridor_sim.models.caspian.origin import Trace, category, cross_border_links
from corridor_sim.models.caspian.tables import hour_keys
from corridor_sim.units import MWH_PER_TWH

__all__ = ["export_origin", "forward_green_share_pct", "origin", "origin_by_source"]

_TOL_MW = 1e-6
#: The two directions of a link's flow: from -> to (westward) and back.
_DIRECTIONS = ("forward", "backward")


def origin(trace: Trace, year: int) -> pd.DataFrame:
    """Hourly origin of every cross-border flow, at the link's from-end.

    Returns
    -------
    DataFrame
        ``element`` (link), ``period``, ``snapshot``, ``hour``, ``sender`` (the sending
        country, ``""`` without flow), ``direction`` (``forward``: westward, from -> to;
        ``backward``; ``""`` without flow), ``p_mw`` (the flow's size at the from-end, as
        ``abs(flows.p_mw)``), ``green_mw``, ``fossil_mw``, ``market_mw`` (its traced split),
        ``green_share_pct``.
    """
    parts = []
    of = [category(s) for s in trace.sources]
    for link in cross_border_links():
        frame = trace.at_from_end(link)
        mw = frame.to_numpy()
        cats = {  # pandas' group sum over the sources of each category, to the bit
            cat: kahan_sum([mw[:, j] for j, c in enumerate(of) if c == cat], len(mw))
            for cat in ("green", "fossil", "market")
        }
        size = frame.sum(axis=1).to_numpy()
        share = np.divide(cats["green"], size, out=np.full(len(size), np.nan),
                          where=size > _TOL_MW) * 100  # fmt: skip
        sender = trace.sender[link].to_numpy()
        direction = np.where(sender == "", "", np.where(trace.forward(link), *_DIRECTIONS))
        parts.append(
            pd.DataFrame(
                {
                    "element": link,
                    "hour": trace.sent_mw.index,
                    "sender": sender,
                    "direction": direction,
                    "p_mw": size,
                    "green_mw": cats["green"],
                    "fossil_mw": cats["fossil"],
                    "market_mw": cats["market"],
                    "green_share_pct": share,
                }
            )
        )
    table = pd.concat(parts, ignore_index=True)
    keys = hour_keys(table["hour"], year)
    table = table.drop(columns="hour")
    return pd.concat([table[["element"]], keys, table.drop(columns="element")], axis=1)


def export_origin(trace: Trace, year: int) -> pd.DataFrame:
    """Hourly westward exports on each export link by source (rows with a flow only).

    Returns
    -------
    DataFrame
        ``route``, ``element`` (export link), ``period``, ``snapshot``, ``hour``, ``source``
        (``<country>.<kind>``, e.g. ``az.wind``, ``ge.hydro``, ``az.thermal``),
        ``category`` (green, fossil, market), ``p_mw``.
    """
    parts = []
    for link in ROUTE_OF:
        frame = trace.exports(link)
        mw = frame.to_numpy()
        at = np.nonzero(mw > _TOL_MW)  # hour by hour, sources in order (as stack() lists them)
        parts.append(
            pd.DataFrame(
                {
                    "route": ROUTE_OF[link],
                    "element": link,
                    "hour": frame.index.to_numpy()[at[0]],
                    "source": np.asarray(frame.columns, dtype=object)[at[1]],
                    "p_mw": mw[at],
                }
            )
        )
    table = pd.concat(parts, ignore_index=True)
    table["category"] = table["source"].map({s: category(s) for s in trace.sources})
    keys = hour_keys(table["hour"], year)
    rest = table.drop(columns=["hour", "route", "element"])
    return pd.concat([table[["route", "element"]], keys, rest], axis=1)


def origin_by_source(trace: Trace) -> pd.DataFrame:
    """Energy moved over each cross-border link in the year, by direction and source.

    Energies are measured at the link's from-end, as in ``link_statistics``: the
    ``forward`` rows of a link add up to its ``forward_energy_twh``, the ``backward`` rows to
    its ``backward_energy_twh``.

    Returns
    -------
    DataFrame
        ``element``, ``direction`` (``forward``: westward, from -> to; ``backward``),
        ``sender`` (the sending country), ``source``, ``category``, ``energy_twh``; rows with
        energy only.
    """
    rows = []
    for link in cross_border_links():
        mix = trace.at_from_end(link).reset_index(drop=True)
        senders = trace.sender[link].to_numpy()
        forward = trace.forward(link)
        for direction, mask in zip(_DIRECTIONS, (forward, ~forward & (senders != "")),
                                   strict=True):  # fmt: skip
            for zone in sorted(set(senders[mask])):
                energy = mix[mask & (senders == zone)].sum() / MWH_PER_TWH
                for src, twh in energy.items():
                    if twh > _TOL_MW / MWH_PER_TWH:
                        rows.append((link, direction, zone, src, category(src), float(twh)))
    cols = ["element", "direction", "sender", "source", "category", "energy_twh"]
    table = pd.DataFrame(rows, columns=cols)
    table["order"] = table["element"].map({k: i for i, k in enumerate(LINKS)})
    table = table.sort_values(["order", "direction", "sender", "energy_twh"],
                              ascending=[True, False, True, False])  # fmt: skip
    return table.drop(columns="order").reset_index(drop=True)


def forward_green_share_pct(by_source: pd.DataFrame, links: list[str]) -> pd.Series:
    """Traced green share (%) of each link's forward energy, from `by_source`.

    `by_source` is :func:`origin_by_source`; links that do not cross a border (or move
    nothing forward) get NaN. ``link_statistics`` carries it as ``forward_green_share_pct``.
    """
    fwd = by_source[by_source["direction"] == "forward"]
    total = fwd.groupby("element")["energy_twh"].sum()
    green = fwd[fwd["category"] == "green"].groupby("element")["energy_twh"].sum()
    share = green.reindex(total.index, fill_value=0.0) / total.where(total > 0) * 100
    return share.reindex(links)
