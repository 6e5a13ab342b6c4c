"""Result tables of the Caspian corridor study in the shared schema.

Everything here reads an :class:`~corridor_sim.models.caspian.dispatch.Hourly` and
the net it was solved on; nothing solves anything. The standard tables (``flows``,
``utilisation``, ``prices``, ``unmet``, ``bottlenecks``) follow
:mod:`corridor_sim.results.schemas`: ``element`` is the link or hub id, ``period`` the
0-based hour of the horizon, ``snapshot`` its start and ``hour`` the hour of the year. The
monthly tables (``curtailment``, ``generation``) count ``period`` in months.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.models.caspian.hourly import Hourly
from corridor_sim.models.caspian.network import HUBS, LINKS, ROUTES
from corridor_sim.units import HOURS_PER_DAY, MWH_PER_GWH, MWH_PER_TWH, PERCENT

__all__ = [
    "EXPORT_LINKS",
    "at_limit",
    "bottleneck",
    "bottlenecks",
    "curtailment",
    "exports",
    "flows",
    "generation",
    "hour_keys",
    "link_statistics",
    "prices",
    "shadow_prices",
    "unmet",
    "utilisation",
]

#: Links on the export routes (the Central Asian feeder kz_uz, the market ties and the
#: internal equivalents excluded): the candidates for "the bottleneck" (:func:`bottleneck`).
EXPORT_LINKS = (
    "caspian_cable", "az_ge", "ge_tr", "black_sea_cable", "tr_eu", "az_nakhchivan", "nakhchivan_tr",
)  # fmt: skip

_PRICE_TOL = 1e-3  # EUR/MWh: a hub at this price or below is curtailing green energy at the margin
_MARKET_ZONES = ("eu", "ru", "ir")  # priced markets: a low price there is not curtailment


def _month(hours: pd.Index) -> np.ndarray:
    """Month (1..12) of each hour of a non-leap year (hour 0 = 1 January 00:00)."""
    days = np.asarray(hours) // HOURS_PER_DAY
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
        keep[name] = 1 - float(loss) / PERCENT
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


def hour_keys(hours: pd.Index | np.ndarray | pd.Series, year: int) -> pd.DataFrame:
    """Return the schema keys of hourly rows: ``period``, ``snapshot`` (its start), ``hour``.

    The horizon starts on 1 January `year` at 00:00, so ``period`` equals ``hour`` (the hour
    of the year); the model year has 8760 hours, so in a leap year the last snapshot is
    30 December 23:00.
    """
    hour = np.asarray(hours, dtype=np.int64)
    start = np.datetime64(f"{int(year):04d}-01-01T00:00", "ns")
    snapshot = start + hour.astype("timedelta64[h]").astype("timedelta64[ns]")
    return pd.DataFrame({"period": hour, "snapshot": snapshot, "hour": hour})


def _with_hour_keys(table: pd.DataFrame, year: int, first: list[str]) -> pd.DataFrame:
    """Insert ``period, snapshot`` before ``hour`` and put `first` columns in front."""
    keys = hour_keys(table["hour"], year)
    table = table.drop(columns="hour").reset_index(drop=True)
    rest = [c for c in table.columns if c not in first]
    return pd.concat([table[first], keys, table[rest]], axis=1)


def _loading_pct(h: Hourly) -> pd.DataFrame:
    lim = h.limit_mw
    return (h.flow_mw.abs() / lim.where(lim > 0)).fillna(0.0) * PERCENT


def _long(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Stack wide hourly frames (index hour, one column per element) into one long table.

    Rows run hour by hour, the elements in column order, as ``stack()`` lists them; frames
    with the same hours and elements and no missing value are stacked on arrays.
    """
    first = next(iter(frames.values()))
    same = all(
        f.index.equals(first.index) and f.columns.equals(first.columns) for f in frames.values()
    )
    if (
        same
        and first.index.name is not None
        and not any(f.isna().to_numpy().any() for f in frames.values())
    ):
        n_h, n_c = first.shape
        out = {
            first.index.name: np.repeat(first.index.to_numpy(), n_c),
            "element": np.tile(np.asarray(first.columns, dtype=object), n_h),
        }
        out.update({k: f.to_numpy().reshape(-1) for k, f in frames.items()})
        return pd.DataFrame(out)
    parts = [f.rename_axis(columns="element").stack().rename(k) for k, f in frames.items()]
    return pd.concat(parts, axis=1).reset_index()


def flows(h: Hourly, net: pp.pandapowerNet, year: int) -> pd.DataFrame:
    """Hourly link flows in the shared schema.

    Returns
    -------
    DataFrame
        ``element`` (link id), ``period``, ``snapshot``, ``hour``, ``kind``, ``p_mw``
        (from-end, + westward), ``limit_mw``, ``loading_pct``, ``at_limit``,
        ``shadow_price_eur_per_mwh``; sorted by link and hour.
    """
    table = _long(
        {
            "p_mw": h.flow_mw,
            "limit_mw": h.limit_mw,
            "loading_pct": _loading_pct(h),
            "at_limit": at_limit(h),
            "shadow_price_eur_per_mwh": shadow_prices(h, net),
        }
    )
    table = table.sort_values(["element", "hour"], kind="stable")
    table["kind"] = table["element"].map({k: v[2] for k, v in LINKS.items()})
    cols = ["element", "hour", "kind", "p_mw", "limit_mw", "loading_pct", "at_limit"]
    return _with_hour_keys(table[[*cols, "shadow_price_eur_per_mwh"]], year, ["element"])


def utilisation(h: Hourly, year: int) -> pd.DataFrame:
    """Hourly loading of each link in the shared schema.

    Returns
    -------
    DataFrame
        ``element``, ``period``, ``snapshot``, ``hour``, ``kind``, ``utilisation_pct``
        (flow / limit; 0 where the limit is 0), ``binding`` (at its limit).
    """
    table = _long({"utilisation_pct": _loading_pct(h), "binding": at_limit(h)})
    table = table.sort_values(["element", "hour"], kind="stable")
    table["kind"] = table["element"].map({k: v[2] for k, v in LINKS.items()})
    cols = ["element", "hour", "kind", "utilisation_pct", "binding"]
    return _with_hour_keys(table[cols], year, ["element"])


def link_statistics(h: Hourly) -> pd.DataFrame:
    """Per link: rating, energy moved each way, mean and peak loading, hours at its limit.

    Every energy is measured at the link's from-end (where ``flows.p_mw`` is), over the
    horizon: ``forward_energy_twh`` is the westward flow (from -> to; for an export link,
    the energy leaving on it: the summary's ``export_via_*_twh``), ``backward_energy_twh``
    the eastward flow, ``net_energy_twh`` forward minus backward.

    Returns
    -------
    DataFrame
        ``element``, ``kind``, ``capacity_mw``, ``forward_energy_twh``,
        ``backward_energy_twh``, ``net_energy_twh``, ``mean_loading_pct``,
        ``peak_loading_pct``, ``binding_periods`` (hours at the limit).
    """
    loading = _loading_pct(h)
    cap = h.limit_mw.max()
    forward = h.flow_mw.clip(lower=0.0).sum() / MWH_PER_TWH
    backward = (-h.flow_mw).clip(lower=0.0).sum() / MWH_PER_TWH
    return pd.DataFrame(
        {
            "element": list(h.flow_mw.columns),
            "kind": [LINKS[k][2] for k in h.flow_mw.columns],
            "capacity_mw": cap.to_numpy(),
            "forward_energy_twh": forward.to_numpy(),
            "backward_energy_twh": backward.to_numpy(),
            "net_energy_twh": (forward - backward).to_numpy(),
            "mean_loading_pct": loading.mean().to_numpy(),
            "peak_loading_pct": loading.max().to_numpy(),
            "binding_periods": at_limit(h).sum().to_numpy().astype(np.int64),
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


def bottleneck(ranking: pd.DataFrame) -> str:
    """Return the run's bottleneck: the rank-1 row of `ranking` if it is one, else ``"none"``.

    **The bottleneck** is the export-route link (:data:`EXPORT_LINKS`) that reached its limit
    in at least one hour and whose limit cost the exports most: ranked by the green energy
    its limit blocked (``blocked_gwh``), then its congestion rent, then its hours at the
    limit. :func:`bottlenecks` ranks such links first and flags the one in its ``bottleneck``
    column; ``meta["bottleneck"]``, the summary's ``bottleneck_hours_at_limit``, the capacity
    study's ``bottleneck`` column and the figures all read it from there.
    """
    flagged = ranking[ranking["bottleneck"]]
    return str(flagged["element"].iloc[0]) if len(flagged) else "none"


def bottlenecks(h: Hourly, net: pp.pandapowerNet) -> pd.DataFrame:
    """Rank the links, the bottleneck first (see :func:`bottleneck`).

    Export-route links that reached their limit come first, then every other link; within
    each group by the green energy the link's limit blocked, then congestion rent, then
    hours at the limit.

    Returns
    -------
    DataFrame
        One row per link, best (most binding) first: ``rank``, ``element``, ``kind``,
        ``export_route`` (on an export route, :data:`EXPORT_LINKS`), ``bottleneck`` (true on
        the rank-1 row when it is an export-route link at its limit in some hour),
        ``capacity_mw``, ``binding_periods`` (hours at the limit), ``mean_loading_pct``,
        ``peak_loading_pct``, ``blocked_gwh`` (curtailment in the zero-price pocket behind
        the link in hours it was at its limit: energy that extra MW on it could have
        moved), ``blocked_mwh_per_mw`` (hours in which one extra MW would have moved
        curtailed energy, i.e. MWh/yr per MW added), ``shadow_price_mean_eur_per_mwh``
        (over hours at the limit) and ``congestion_rent_meur`` (sum of shadow price x
        limit).
    """
    stats = link_statistics(h).set_index("element")
    mu = shadow_prices(h, net)
    limit_hit = at_limit(h)
    mu_np, hit_np = mu.to_numpy(), limit_hit[list(mu.columns)].to_numpy()
    mu_col = {k: j for j, k in enumerate(mu.columns)}
    curt = _hub_curtailment(h)
    price = h.price_eur_per_mwh
    blocked: defaultdict[str, float] = defaultdict(float)
    blocked_hours: defaultdict[str, int] = defaultdict(int)
    hubs = [hub for hub, zone in HUBS.items() if zone not in _MARKET_ZONES]
    cheap_mask = price[hubs].to_numpy() <= _PRICE_TOL
    candidates = limit_hit.to_numpy().any(axis=1) & cheap_mask.any(axis=1)
    hit = limit_hit.to_numpy()
    hit_links = list(limit_hit.columns)
    in_hits = [(k, hit_links.index(k)) for k in LINKS if k in hit_links]
    flow = h.flow_mw.to_numpy()
    flow_col = {k: j for j, k in enumerate(h.flow_mw.columns)}
    curt_mw = curt.to_numpy()
    curt_col = {k: j for j, k in enumerate(curt.columns)}
    pockets: dict[tuple, list[int]] = {}  # the same pocket recurs in many hours
    for t in np.flatnonzero(candidates):
        cheap = frozenset(hub for hub, c in zip(hubs, cheap_mask[t], strict=True) if c)
        open_links = frozenset(k for k, j in in_hits if not hit[t, j])
        for j in np.flatnonzero(hit[t]):
            link = hit_links[j]
            a, b, _ = LINKS[link]
            sender = a if flow[t, flow_col[link]] >= 0 else b
            if sender not in cheap:
                continue
            key = (link, sender, cheap, open_links)
            if key not in pockets:
                pocket = _pocket(link, sender, set(cheap), set(open_links))
                pockets[key] = [curt_col[hub] for hub in pocket]
            energy = float(curt_mw[t, pockets[key]].sum())
            if energy > 0:
                blocked[link] += energy
                blocked_hours[link] += 1
    table = pd.DataFrame(
        {
            "element": stats.index,
            "kind": stats["kind"].to_numpy(),
            "capacity_mw": stats["capacity_mw"].to_numpy(),
            "binding_periods": stats["binding_periods"].to_numpy(),
            "mean_loading_pct": stats["mean_loading_pct"].to_numpy(),
            "peak_loading_pct": stats["peak_loading_pct"].to_numpy(),
            "blocked_gwh": [blocked[k] / MWH_PER_GWH for k in stats.index],
            "blocked_mwh_per_mw": np.array([blocked_hours[k] for k in stats.index], np.int64),
            "shadow_price_mean_eur_per_mwh": [
                float(pd.Series(mu_np[hit_np[:, j], j]).mean()) if hit_np[:, j].any() else 0.0
                for j in (mu_col[k] for k in stats.index)
            ],
            "congestion_rent_meur": [
                float((mu[k] * h.limit_mw[k]).sum()) / MWH_PER_TWH for k in stats.index
            ],
        }
    )
    export = table["element"].isin(EXPORT_LINKS).to_numpy()
    table.insert(2, "export_route", export)
    table["candidate"] = export & (table["binding_periods"].to_numpy() > 0)
    table = table.sort_values(
        ["candidate", "blocked_gwh", "congestion_rent_meur", "binding_periods"],
        ascending=False,
        kind="stable",
    )
    first = np.zeros(len(table), dtype=bool)
    first[0] = bool(table["candidate"].iloc[0]) if len(table) else False
    table = table.drop(columns="candidate")
    table.insert(3, "bottleneck", first)
    table.insert(0, "rank", np.arange(1, len(table) + 1, dtype=np.int64))
    return table.reset_index(drop=True)


def exports(h: Hourly, year: int) -> pd.DataFrame:
    """Hourly exports by route.

    Returns
    -------
    DataFrame
        ``route``, ``element`` (the link: the Black Sea cable; Georgia–Türkiye or
        Nakhchivan–Türkiye), ``period``, ``snapshot``, ``hour``, ``p_mw`` (flow leaving the
        South Caucasus on the link, + westward).
    """
    parts = [
        pd.DataFrame(
            {"route": route, "element": link, "hour": h.flow_mw.index, "p_mw": h.flow_mw[link]}
        )
        for route, links in ROUTES.items()
        for link in links
    ]
    table = pd.concat(parts, ignore_index=True)
    return _with_hour_keys(table, year, ["route", "element"])


def prices(h: Hourly, year: int) -> pd.DataFrame:
    """Hourly nodal prices.

    Returns
    -------
    DataFrame
        ``element`` (hub), ``period``, ``snapshot``, ``hour``, ``price_eur_per_mwh``; sorted
        by hub and hour.
    """
    table = _long({"price_eur_per_mwh": h.price_eur_per_mwh})
    table = table.sort_values(["element", "hour"], kind="stable")
    return _with_hour_keys(table[["element", "hour", "price_eur_per_mwh"]], year, ["element"])


def unmet(h: Hourly, year: int) -> pd.DataFrame:
    """Hours with unserved demand.

    Returns
    -------
    DataFrame
        ``element`` (hub), ``period``, ``snapshot``, ``hour``, ``demand_mw``, ``unmet_mw``;
        only rows with unserved demand (so often empty).
    """
    table = _long({"demand_mw": h.demand_mw, "unmet_mw": h.unserved_mw})
    table = table[table["unmet_mw"] > 1e-6]
    return _with_hour_keys(table[["element", "hour", "demand_mw", "unmet_mw"]], year, ["element"])


def _month_keys(month: pd.Series, year: int) -> pd.DataFrame:
    """``period`` (0-based month of the horizon) and ``snapshot`` (first of the month)."""
    month = month.astype(np.int64)
    snapshot = pd.to_datetime({"year": int(year), "month": month, "day": 1}).astype(
        "datetime64[ns]"
    )
    return pd.DataFrame({"period": month - 1, "snapshot": snapshot})


def curtailment(h: Hourly, year: int) -> pd.DataFrame:
    """Monthly available and curtailed green energy per hub and kind (GWh).

    Returns
    -------
    DataFrame
        ``element`` (hub), ``kind``, ``month`` (1..12), ``period`` (0-based month),
        ``snapshot`` (first of the month), ``available_gwh``, ``curtailed_gwh``.
    """
    month = _month(h.available_mw.index)
    avail = h.available_mw.groupby(month).sum() / MWH_PER_GWH
    curt = h.curtailed_mw.groupby(month).sum() / MWH_PER_GWH
    rows = []
    for col in avail.columns:
        hub, kind = col.split(".")
        for m in avail.index:
            rows.append((hub, kind, int(m), float(avail.at[m, col]), float(curt.at[m, col])))
    table = pd.DataFrame(
        rows, columns=["element", "kind", "month", "available_gwh", "curtailed_gwh"]
    )
    keys = _month_keys(table["month"], year)
    table.insert(3, "period", keys["period"])
    table.insert(4, "snapshot", keys["snapshot"])
    return table


def generation(h: Hourly, year: int) -> pd.DataFrame:
    """Monthly energy per generator (GWh; the European sink's intake is negative).

    Returns
    -------
    DataFrame
        ``element`` (hub), ``kind``, ``month`` (1..12), ``period`` (0-based month),
        ``snapshot`` (first of the month), ``energy_gwh``.
    """
    month = _month(h.generation_mw.index)
    energy = h.generation_mw.groupby(month).sum() / MWH_PER_GWH
    rows = []
    for col in energy.columns:
        hub, kind = col.split(".")
        for m in energy.index:
            rows.append((hub, kind, int(m), float(energy.at[m, col])))
    table = pd.DataFrame(rows, columns=["element", "kind", "month", "energy_gwh"])
    keys = _month_keys(table["month"], year)
    table.insert(3, "period", keys["period"])
    table.insert(4, "snapshot", keys["snapshot"])
    return table
