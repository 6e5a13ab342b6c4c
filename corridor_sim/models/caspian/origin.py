"""Where exported energy comes from: flow tracing between the corridor's countries.

Every hour, each country (balancing area; the Nakhchivan exclave is one of its own) is one
node: its wind, solar, hydro, thermal and market
supply (the sources), its served demand, and what it sends and receives over the links to
other countries. Tracing follows the net-injection form of proportional sharing (Hörsch
et al. 2018; ``caspian.origin.flow_tracing``): a country's own output serves its own demand
first, in proportion to its mix; only its surplus enters the network, in that mix; at each
border what arrives mixes in proportion with what is there. So a country that burns fuel
only for its own residual demand sends out no fossil energy of its own, and a transit
country passes on the mix it received.

The mix of the flow a country sends, per source, solves one small linear system per hour
(batched with :func:`numpy.linalg.solve`):

    T_z c_z - sum_j r_jz c_j = s_z m_z,   T_z = s_z + sum_j r_jz,

with ``s_z`` the surplus (own output minus own demand, >= 0), ``m_z`` its own mix, ``r_jz``
what country ``z`` receives from ``j`` (after losses) and ``c_z`` the mix it sends on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from corridor_sim.models.caspian.fleets import HUBS
from corridor_sim.models.caspian.hourly import Hourly
from corridor_sim.models.caspian.network import LINKS
from corridor_sim.models.caspian.schedule import applies
from corridor_sim.units import PERCENT

__all__ = [
    "GREEN_KINDS",
    "Trace",
    "category",
    "cross_border_links",
    "source_of",
    "trace",
    "zone_of",
]

#: Source kinds counted as green.
GREEN_KINDS = ("wind", "solar", "hydro")


def zone_of(hub: str) -> str:
    """Return the balancing area of `hub`: its country, but ``nx`` for Nakhchivan.

    Nakhchivan is an exclave with its own thermal fleet and AC island.
    """
    return "nx" if hub == "nakhchivan" else HUBS[hub]


def source_of(generator: str) -> str:
    """Return the tracing source (``<zone>.<kind>``) of a generator name of :class:`Hourly`.

    Examples
    --------
    >>> source_of("az_absheron.wind"), source_of("az_rest.gas_export"), source_of("europe.market")
    ('az.wind', 'az.thermal', 'eu.market')
    """
    hub, kind = generator.split(".", 1)
    kind = "thermal" if kind.startswith("gas") else kind
    return f"{zone_of(hub)}.{kind}"


def category(source: str) -> str:
    """``green``, ``fossil`` or ``market`` (energy bought from a market of unknown origin)."""
    kind = source.split(".", 1)[1]
    if kind in GREEN_KINDS:
        return "green"
    return "fossil" if kind == "thermal" else "market"


def cross_border_links() -> list[str]:
    """Links between two different balancing areas (:func:`zone_of`), in :data:`LINKS` order."""
    return [k for k, (a, b, _) in LINKS.items() if zone_of(a) != zone_of(b)]


class Trace:
    """The traced mix of every cross-border flow of one dispatch.

    Attributes
    ----------
    sources : list of str
        ``<zone>.<kind>`` of every source, in column order.
    sent_mw : DataFrame
        Per cross-border link and hour: the power sent by the sending country (MW >= 0).
    sender : DataFrame
        The sending zone of each link and hour (``""`` when nothing flows).
    mix : dict of str to ndarray
        Link -> (hours x sources) MW of the sent power by source.
    keep : dict of str to float
        Link -> the share of what enters it that comes out (1 - loss).
    """

    def __init__(
        self,
        sources: list[str],
        sent: pd.DataFrame,
        sender: pd.DataFrame,
        mix: dict[str, np.ndarray],
        keep: dict[str, float] | None = None,
    ) -> None:
        self.sources = sources
        self.sent_mw = sent
        self.sender = sender
        self.mix = mix
        self.keep = dict(keep or {})

    def forward(self, link: str) -> np.ndarray:
        """Whether each hour's flow on `link` runs forward (westward, from -> to)."""
        return (self.sender[link] == zone_of(LINKS[link][0])).to_numpy()

    def at_from_end(self, link: str) -> pd.DataFrame:
        """Hourly MW by source of `link`'s flow measured at its from-end, both directions.

        The from-end is where ``flows.p_mw`` is measured: a forward flow is counted as sent,
        a backward flow as it arrives (after the link's losses). Every link energy of a
        result (``link_statistics``, ``origin_by_source``, the summary) uses this end.
        """
        frame = pd.DataFrame(self.mix[link], index=self.sent_mw.index, columns=self.sources)
        scale = np.where(self.forward(link), 1.0, self.keep.get(link, 1.0))
        return frame.mul(scale, axis=0)

    def by_category(self, link: str) -> pd.DataFrame:
        """Hourly MW of `link`'s sent power that is green, fossil or market."""
        frame = pd.DataFrame(self.mix[link], index=self.sent_mw.index, columns=self.sources)
        cats = [category(s) for s in self.sources]
        out = frame.T.groupby(cats).sum().T
        return out.reindex(columns=["green", "fossil", "market"], fill_value=0.0)

    def exports(self, link: str) -> pd.DataFrame:
        """Hourly MW by source of `link`'s westward (positive) flow only."""
        frame = pd.DataFrame(self.mix[link], index=self.sent_mw.index, columns=self.sources)
        return frame.mul(self.forward(link).astype(float), axis=0)

    def green_share_pct(self, links: list[str]) -> float:
        """Green share (%) of the energy sent westward on `links` over the horizon."""
        parts = [self.exports(k) for k in links]
        total = sum(float(p.to_numpy().sum()) for p in parts)
        green_cols = [s for s in self.sources if category(s) == "green"]
        green = sum(float(p[green_cols].to_numpy().sum()) for p in parts)
        return green / total * PERCENT if total > 0 else float("nan")


def _keep(net_links: pd.DataFrame) -> dict[str, float]:
    loss = net_links.set_index("element")["loss_pct"].fillna(0.0)
    return {k: 1 - float(loss.get(k, 0.0)) / PERCENT for k in LINKS}


def trace(h: Hourly, links: pd.DataFrame) -> Trace:
    """Trace the origin of every cross-border flow of `h` (see the module docstring).

    Parameters
    ----------
    h : Hourly
        A dispatch.
    links : DataFrame
        The net's link table (``net["caspian_links"]``: ``element``, ``loss_pct``).

    Returns
    -------
    Trace
    """
    applies("caspian.origin.flow_tracing")
    zones = sorted({zone_of(h) for h in HUBS})
    zpos = {z: i for i, z in enumerate(zones)}
    gen = h.generation_mw.fillna(0.0).clip(lower=0.0)
    src_of = {c: source_of(c) for c in gen.columns}
    sources = sorted(set(src_of.values()))
    spos = {s: i for i, s in enumerate(sources)}
    n_h, n_z, n_s = len(gen), len(zones), len(sources)
    g = np.zeros((n_h, n_z, n_s))
    for col, src in src_of.items():
        g[:, zpos[src.split(".")[0]], spos[src]] += gen[col].to_numpy()
    served = (h.demand_mw - h.unserved_mw).fillna(0.0)
    load = np.zeros((n_h, n_z))
    for hub in served.columns:
        load[:, zpos[zone_of(hub)]] += served[hub].to_numpy()
    keep = _keep(links)
    recv = np.zeros((n_h, n_z, n_z))  # recv[t, j, z]: received at z from j
    sent, sender = {}, {}
    for link in cross_border_links():
        a, b, _ = LINKS[link]
        za, zb = zpos[zone_of(a)], zpos[zone_of(b)]
        f = h.flow_mw[link].fillna(0.0).to_numpy()
        fwd = np.clip(f, 0.0, None)  # from-end: sent by a; b receives fwd * keep
        back = np.clip(-f, 0.0, None)  # from-end: received by a; b sent back / keep
        recv[:, za, zb] += fwd * keep[link]
        recv[:, zb, za] += back
        sent[link] = fwd + back / keep[link]
        sender[link] = np.where(fwd > 0, zone_of(a), np.where(back > 0, zone_of(b), ""))
    total_g = g.sum(axis=2)
    surplus = np.clip(total_g - load, 0.0, None)
    own_mix = np.divide(g, total_g[:, :, None], out=np.zeros_like(g), where=total_g[:, :, None] > 0)
    through = surplus + recv.sum(axis=1)
    idle = through <= 1e-9
    a_mat = -np.transpose(recv, (0, 2, 1))  # row z: -r_jz c_j
    diag = np.where(idle, 1.0, through)
    a_mat[:, np.arange(n_z), np.arange(n_z)] += diag
    rhs = surplus[:, :, None] * own_mix
    shares = np.linalg.solve(a_mat, rhs)  # (hours, zones, sources): mix of what z sends
    out = {}
    for link in cross_border_links():
        a, b, _ = LINKS[link]
        za, zb = zpos[zone_of(a)], zpos[zone_of(b)]
        from_a = (sender[link] == zone_of(a))[:, None]
        share = np.where(from_a, shares[:, za, :], shares[:, zb, :])
        out[link] = share * sent[link][:, None]
    idx = h.flow_mw.index
    return Trace(
        sources,
        pd.DataFrame(sent, index=idx),
        pd.DataFrame(sender, index=idx),
        out,
        keep,
    )
