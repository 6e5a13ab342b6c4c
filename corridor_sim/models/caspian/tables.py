"""Result tables of the Caspian corridor study: flows, utilisation, bottlenecks, exports.

Everything here reads an :class:`~corridor_sim.models.caspian.dispatch.Hourly` and
the net it was solved on; nothing solves anything.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.models.caspian.dispatch import Hourly
from corridor_sim.models.caspian.network import HUBS, LINKS, ROUTES

__all__ = [
    "at_limit",
    "bottlenecks",
    "curtailment",
    "exports",
    "flows",
    "generation",
    "prices",
    "shadow_prices",
    "unmet",
    "utilisation",
]

_PCT = 10**2  # percent per unit (a unit conversion)
_MWH_PER_TWH = 1000 * 1000
_MWH_PER_GWH = 1000
_PRICE_TOL = 1e-3  # EUR/MWh: a hub at this price or below is curtailing green energy at the margin


def _month(hours: pd.Index) -> np.ndarray:
    """Month (1..12) of each hour of a non-leap year (hour 0 = 1 January 00:00)."""
    days = np.asarray(hours) // 24
    edges = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    return np.searchsorted(edges, days, side="right")


def at_limit(h: Hourly) -> pd.DataFrame:
    """Whether each link runs at its limit in each hour (limit > 0)."""
    lim = h.limit_mw
    tol = lim * 1e-6 + 1e-3
    return (h.flow_mw.abs() >= lim - tol) & (lim > 0)


def _loss_keep(net: pp.pandapowerNet) -> dict[str, float]:
    keep = {name: 1.0 for name in LINKS}
    for name, loss in zip(net.dcline.name, net.dcline.loss_percent, strict=True):
        keep[name] = 1 - float(loss) / _PCT
    return keep


def shadow_prices(h: Hourly, net: pp.pandapowerNet) -> pd.DataFrame:
    """Shadow price of each link's limit, EUR/MWh per MW (0 where the link is not at its limit).

    For a link at its limit the dual of the limit equals the gain of moving one more MW:
    the receiving-end price times the link's efficiency minus the sending-end price and
    the HVDC charge (the corridor's AC islands are trees, so this is exact in the DC-OPF).
    """
    keep = _loss_keep(net)
    wheel = dict.fromkeys(LINKS, 0.0)
    costs = net.poly_cost[net.poly_cost["et"] == "dcline"]
    for el, cp1 in zip(costs["element"], costs["cp1_eur_per_mw"], strict=True):
        wheel[str(net.dcline.at[el, "name"])] = float(cp1)
    price = h.price_eur_per_mwh
    out = {}
    for link in h.flow_mw.columns:
        a, b, _ = LINKS[link]
        forward = h.flow_mw[link].to_numpy() >= 0
        gain_fwd = price[b].to_numpy() * keep[link] - price[a].to_numpy() - wheel[link]
        gain_bwd = price[a].to_numpy() * keep[link] - price[b].to_numpy() - wheel[link]
        out[link] = np.clip(np.where(forward, gain_fwd, gain_bwd), 0.0, None)
    return pd.DataFrame(out, index=h.flow_mw.index).where(at_limit(h), 0.0)


def flows(h: Hourly, net: pp.pandapowerNet) -> pd.DataFrame:
    """Tidy hourly link table: link, hour, p_mw, limit_mw, loading_pct, at_limit, shadow price."""
    mu = shadow_prices(h, net)
    lim = h.limit_mw
    loading = (h.flow_mw.abs() / lim.where(lim > 0)).fillna(0.0) * _PCT
    frames = {
        "p_mw": h.flow_mw,
        "limit_mw": lim,
        "loading_pct": loading,
        "at_limit": at_limit(h),
        "shadow_price_eur_per_mwh": mu,
    }
    parts = [f.rename_axis(columns="link").stack().rename(k) for k, f in frames.items()]
    table = pd.concat(parts, axis=1).reset_index()
    table["kind"] = table["link"].map({k: v[2] for k, v in LINKS.items()})
    cols = ["link", "kind", "hour", "p_mw", "limit_mw", "loading_pct", "at_limit"]
    return table[[*cols, "shadow_price_eur_per_mwh"]].sort_values(["link", "hour"], kind="stable")


def utilisation(h: Hourly) -> pd.DataFrame:
    """Per link: rating, energy moved, mean and peak loading, hours at its limit."""
    lim = h.limit_mw
    loading = (h.flow_mw.abs() / lim.where(lim > 0)).fillna(0.0) * _PCT
    cap = lim.max()
    return pd.DataFrame(
        {
            "link": list(h.flow_mw.columns),
            "kind": [LINKS[k][2] for k in h.flow_mw.columns],
            "capacity_mw": cap.to_numpy(),
            "energy_twh": (h.flow_mw.abs().sum() / _MWH_PER_TWH).to_numpy(),
            "net_energy_twh": (h.flow_mw.sum() / _MWH_PER_TWH).to_numpy(),
            "mean_loading_pct": loading.mean().to_numpy(),
            "peak_loading_pct": loading.max().to_numpy(),
            "hours_at_limit": at_limit(h).sum().to_numpy().astype(int),
        }
    )


def _hub_curtailment(h: Hourly) -> pd.DataFrame:
    curt = h.curtailed_mw
    hubs = [c.split(".")[0] for c in curt.columns]
    return curt.T.groupby(hubs).sum().T.reindex(columns=list(HUBS), fill_value=0.0)


def _pocket(link: str, start: str, cheap: set[str], open_links: set[str]) -> set[str]:
    """Hubs reachable from `start` through cheap hubs and links other than `link`."""
    seen, todo = {start}, [start]
    while todo:
        hub = todo.pop()
        for other, (a, b, _) in LINKS.items():
            if other == link or other not in open_links:
                continue
            nxt = b if a == hub else a if b == hub else None
            if nxt is not None and nxt in cheap and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def bottlenecks(h: Hourly, net: pp.pandapowerNet) -> pd.DataFrame:
    """Rank the links by the green energy their limit blocked.

    Returns
    -------
    DataFrame
        One row per link, best (most binding) first: ``rank``, ``hours_at_limit``,
        ``mean_loading_pct``, ``peak_loading_pct``, ``blocked_gwh`` (curtailment in
        the zero-price pocket behind the link in hours it was at its limit: energy
        that extra MW on it could have moved), ``blocked_mwh_per_mw`` (hours in which
        one extra MW would have moved curtailed energy, i.e. MWh/yr per MW added),
        ``mean_shadow_price_eur_per_mwh`` (over hours at the limit) and
        ``congestion_rent_meur`` (sum of shadow price x limit).
    """
    util = utilisation(h).set_index("link")
    mu = shadow_prices(h, net)
    limit_hit = at_limit(h)
    curt = _hub_curtailment(h)
    price = h.price_eur_per_mwh
    blocked = defaultdict(float)
    blocked_hours = defaultdict(int)
    hubs = list(HUBS)
    cheap_mask = price[hubs].to_numpy() <= _PRICE_TOL
    candidates = limit_hit.to_numpy().any(axis=1) & cheap_mask.any(axis=1)
    for t in np.flatnonzero(candidates):
        cheap = {hub for hub, c in zip(hubs, cheap_mask[t], strict=True) if c}
        hits = limit_hit.iloc[t]
        open_links = {k for k in LINKS if k in hits.index and not hits[k]}
        for link in hits.index[hits.to_numpy()]:
            a, b, _ = LINKS[link]
            sender = a if h.flow_mw.iat[t, h.flow_mw.columns.get_loc(link)] >= 0 else b
            if sender not in cheap:
                continue
            pocket = _pocket(link, sender, cheap, open_links)
            energy = float(curt.iloc[t][list(pocket)].sum())
            if energy > 0:
                blocked[link] += energy
                blocked_hours[link] += 1
    table = pd.DataFrame(
        {
            "link": util.index,
            "kind": util["kind"].to_numpy(),
            "capacity_mw": util["capacity_mw"].to_numpy(),
            "hours_at_limit": util["hours_at_limit"].to_numpy(),
            "mean_loading_pct": util["mean_loading_pct"].to_numpy(),
            "peak_loading_pct": util["peak_loading_pct"].to_numpy(),
            "blocked_gwh": [blocked[k] / _MWH_PER_GWH for k in util.index],
            "blocked_mwh_per_mw": [blocked_hours[k] for k in util.index],
            "mean_shadow_price_eur_per_mwh": [
                float(mu.loc[limit_hit[k], k].mean()) if limit_hit[k].any() else 0.0
                for k in util.index
            ],
            "congestion_rent_meur": [
                float((mu[k] * h.limit_mw[k]).sum()) / _MWH_PER_TWH for k in util.index
            ],
        }
    )
    table = table.sort_values(
        ["blocked_gwh", "congestion_rent_meur", "hours_at_limit"], ascending=False, kind="stable"
    )
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True)


def exports(h: Hourly) -> pd.DataFrame:
    """Tidy hourly exports by route: route, link, hour, p_mw (flow leaving the Caucasus)."""
    parts = [
        pd.DataFrame(
            {"route": route, "link": link, "hour": h.flow_mw.index, "p_mw": h.flow_mw[link]}
        )
        for route, link in ROUTES.items()
    ]
    return pd.concat(parts, ignore_index=True)


def prices(h: Hourly) -> pd.DataFrame:
    """Tidy hourly nodal prices: hub, hour, price_eur_per_mwh."""
    stacked = h.price_eur_per_mwh.rename_axis(columns="hub").stack().rename("price_eur_per_mwh")
    table = stacked.reset_index()
    return table[["hub", "hour", "price_eur_per_mwh"]].sort_values(["hub", "hour"], kind="stable")


def unmet(h: Hourly) -> pd.DataFrame:
    """Hours with unserved demand: hub, hour, demand_mw, unserved_mw (only rows > 0)."""
    table = pd.concat(
        [
            h.demand_mw.rename_axis(columns="hub").stack().rename("demand_mw"),
            h.unserved_mw.rename_axis(columns="hub").stack().rename("unserved_mw"),
        ],
        axis=1,
    ).reset_index()
    table = table[table["unserved_mw"] > 1e-6]
    return table[["hub", "hour", "demand_mw", "unserved_mw"]].reset_index(drop=True)


def curtailment(h: Hourly) -> pd.DataFrame:
    """Monthly available and curtailed green energy per hub and kind (GWh)."""
    month = _month(h.available_mw.index)
    avail = h.available_mw.groupby(month).sum() / _MWH_PER_GWH
    curt = h.curtailed_mw.groupby(month).sum() / _MWH_PER_GWH
    rows = []
    for col in avail.columns:
        hub, kind = col.split(".")
        for m in avail.index:
            rows.append((hub, kind, int(m), float(avail.at[m, col]), float(curt.at[m, col])))
    cols = ["hub", "kind", "month", "available_gwh", "curtailed_gwh"]
    return pd.DataFrame(rows, columns=cols)


def generation(h: Hourly) -> pd.DataFrame:
    """Monthly energy per generator (GWh; the European sink's intake is negative)."""
    month = _month(h.generation_mw.index)
    energy = h.generation_mw.groupby(month).sum() / _MWH_PER_GWH
    rows = []
    for col in energy.columns:
        hub, kind = col.split(".")
        for m in energy.index:
            rows.append((hub, kind, int(m), float(energy.at[m, col])))
    return pd.DataFrame(rows, columns=["hub", "kind", "month", "energy_gwh"])
