"""Headline figures of a Caspian corridor dispatch: the summary rows and their helpers.

Metric names are stable identifiers (no link id or hour in the name): which link binds
first and which hour a snapshot is go in the summary's ``element`` column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.models.caspian.fleets import FLEETS, HUBS
from corridor_sim.models.caspian.hourly import Hourly
from corridor_sim.models.caspian.network import ROUTE_OF, ROUTES, VIA
from corridor_sim.models.caspian.origin import Trace, category
from corridor_sim.models.caspian.params import HOURS_PER_WEEK
from corridor_sim.models.caspian.tables import EXPORT_LINKS, at_limit, bottleneck, link_statistics
from corridor_sim.units import MWH_PER_GWH, MWH_PER_TWH, PERCENT

__all__ = [
    "DESTINATIONS",
    "EXPORT_LINKS",
    "az_new_green_seed_measures_pct",
    "exports_by_destination",
    "az_green_export_share_pct",
    "az_new_green_export_share_pct",
    "default_snapshot_hours",
    "export_week",
    "origin_rows",
    "snapshot_rows",
    "summary_rows",
    "thermal_above_own_demand_mw",
]

_AC_LOSSES = "snapshot_ac_losses_mw"

#: Where exports leaving the South Caucasus end: destination id -> (country, in the EU).
DESTINATIONS: dict[str, tuple[str, bool]] = {
    "romania": ("Romania", True),
    "bulgaria_greece": ("Bulgaria/Greece", True),
    "turkiye": ("Türkiye", False),
}

#: A summary row: (metric, value, unit, element).
Row = tuple[str, float, str, str]


def _az(h: Hourly) -> tuple[list[str], list[str]]:
    az_hubs = list(FLEETS["az"][1])
    green = [c for c in h.available_mw.columns if c.split(".")[0] in az_hubs]
    return az_hubs, green


def az_green_export_share_pct(h: Hourly) -> float:
    """Share of Azerbaijan's wind+solar output that left the country, hour by hour (net).

    The first model's measure: each hour, Azerbaijan's net export counted green first after
    the thermal output above its own demand; every Azerbaijani green source counts.
    """
    az_hubs, green_cols = _az(h)
    gen = h.generation_mw
    green = gen[green_cols].sum(axis=1)
    thermal = gen[[c for c in gen.columns if c.startswith("az_rest.gas")]].sum(axis=1)
    demand = h.demand_mw[az_hubs].sum(axis=1) - h.unserved_mw[az_hubs].sum(axis=1)
    net_export = (green + thermal - demand).clip(lower=0.0)
    gas_backed = (thermal - demand).clip(lower=0.0)
    green_export = (net_export - gas_backed).clip(lower=0.0)
    total = float(green.sum())
    return float(green_export.sum()) / total * PERCENT if total > 0 else 0.0


def az_new_green_export_share_pct(h: Hourly, trace: Trace, new_share: float) -> float:
    """Return the seed's measure: share of the *new* green capacity directed to export (%).

    Azerbaijani wind and solar energy that leaves Azerbaijan (traced, over every border)
    divided by the output of the capacity added since 2026 (`new_share` of the fleet),
    the older plants serving home first; capped at 100 %. It is the share of the new
    capacity whose output is exported (``az.green.export_share``: "more than 70 percent").
    """
    az_ws = [c for c in trace.sources if c in ("az.wind", "az.solar")]
    cols = [trace.sources.index(c) for c in az_ws]
    leaving = [k for k in trace.mix if k != "az_nakhchivan"]  # the exclave is Azerbaijan
    left = sum(
        float(trace.at_from_end(k)[trace.sender[k].isin(["az", "nx"]).to_numpy()].iloc[:, cols]
              .to_numpy().sum())
        for k in leaving
    )  # fmt: skip
    _, green_cols = _az(h)
    ws = [c for c in green_cols if c.split(".")[1] in ("wind", "solar")]
    new_output = float(h.generation_mw[ws].to_numpy().sum()) * new_share
    return min(PERCENT, left / new_output * PERCENT) if new_output > 0 else 0.0


def exports_by_destination(trace: Trace, stats: pd.DataFrame) -> pd.DataFrame:
    """Where the exports leaving the South Caucasus end, by country (TWh over the horizon).

    Exports are the forward energy of the export links (:data:`ROUTE_OF`) in `stats`
    (``link_statistics``), measured where they leave the South Caucasus, as
    ``exported_twh``. What crosses the Black Sea cable
    ends in Romania (the EU). What enters Türkiye (Georgia–Türkiye, Nakhchivan–Türkiye)
    ends there unless Türkiye passes it on to the EU over ``tr_eu`` (Bulgaria/Greece, at
    most its 500 MW export limit): the part of ``tr_eu``'s forward flow that traces to
    sources outside Türkiye (:mod:`.origin`), at most what entered.

    Returns
    -------
    DataFrame
        ``destination`` (:data:`DESTINATIONS` id), ``country``, ``eu`` (bool), ``route``,
        ``element`` (the links it leaves the South Caucasus on, and ``tr_eu`` for what
        Türkiye passes on), ``energy_twh``.
    """
    energy = stats.set_index("element")["forward_energy_twh"]
    fwd = {k: float(energy[k]) for k in ROUTE_OF}
    into_tr = list(ROUTES["azerbaijan_turkiye_europe"])
    entered = sum(fwd[k] for k in into_tr)
    onward = trace.exports("tr_eu")
    foreign = [c for c in onward.columns if not c.startswith("tr.")]
    passed = min(entered, float(onward[foreign].to_numpy().sum()) / MWH_PER_TWH)
    rows = [
        ("romania", "caspian_black_sea_europe", "black_sea_cable", fwd["black_sea_cable"]),
        ("bulgaria_greece", "azerbaijan_turkiye_europe", "+".join([*into_tr, "tr_eu"]), passed),
        ("turkiye", "azerbaijan_turkiye_europe", "+".join(into_tr), entered - passed),
    ]
    return pd.DataFrame(
        [(d, *DESTINATIONS[d], route, el, twh) for d, route, el, twh in rows],
        columns=["destination", "country", "eu", "route", "element", "energy_twh"],
    )


def az_new_green_seed_measures_pct(
    h: Hourly, new_mw: float, new_share: float
) -> tuple[float, float]:
    """Return the seed's own measures of the new capacity "directed to export" (%).

    The seed speaks of capacity: Azerbaijan "will direct more than 70 percent of its green
    energy production capacity, of at least 7 gigawatts ..., towards export". Its measures
    here are what the export links out of the South Caucasus (:data:`ROUTE_OF`) could
    dedicate to the new capacity (`new_mw`, the share `new_share` of the fleet):

    * capacity: the links' summed rating over the new MW (mean over the hours; capped at 100);
    * energy: hour by hour, the most the links could carry of the new capacity's available
      output (``min(links' rating, new output)``) over that output, over the horizon.

    Neither is traced: they say how much of the new fleet the links leave room for, not
    what they carry (``az_new_green_export_share_pct``).
    """
    links = h.limit_mw[list(ROUTE_OF)].sum(axis=1)
    capacity = min(PERCENT, float(links.mean()) / new_mw * PERCENT) if new_mw > 0 else 0.0
    _, green_cols = _az(h)
    ws = [c for c in green_cols if c.split(".")[1] in ("wind", "solar")]
    new_output = h.available_mw[ws].sum(axis=1) * new_share
    total = float(new_output.sum())
    fits = float(np.minimum(links, new_output).sum())
    return capacity, (fits / total * PERCENT if total > 0 else 0.0)


def _traced(trace: Trace, links: Sequence[str]) -> dict[str, float]:
    """Energy (TWh) of the westward flow on `links` by category."""
    out = {"green": 0.0, "fossil": 0.0, "market": 0.0}
    for link in links:
        frame = trace.exports(link)
        for src, mwh in frame.sum().items():
            out[category(src)] += float(mwh) / MWH_PER_TWH
    return out


def thermal_above_own_demand_mw(h: Hourly) -> pd.Series:
    """Azerbaijan's thermal output above its own demand, hour by hour (MW).

    ``max(0, gas + gas_export - demand of the hubs the fleet serves)``: the part of the
    fleet's output that its own demand cannot take. Read from the total, not from the
    export allowance unit alone: without the CBAM the two units cost the same, so which of
    them runs below the own-demand cap is not decided by the objective (a warm-started
    solve may pick another optimal vertex), while the total and this excess are.

    Parameters
    ----------
    h : Hourly
        A Caspian dispatch's hourly results.

    Returns
    -------
    pandas.Series
        MW per hour (0 where the fleet runs within its own demand).

    Examples
    --------
    Two hours of Azerbaijan at 5,000 MW of own demand: the same total split two ways
    between the units gives the same excess.

    >>> from types import SimpleNamespace
    >>> demand = pd.DataFrame({"az_absheron": [3000.0, 3000.0], "az_rest": [2000.0, 2000.0]})
    >>> a = pd.DataFrame({"az_rest.gas": [5000.0, 4000.0], "az_rest.gas_export": [800.0, 0.0]})
    >>> b = pd.DataFrame({"az_rest.gas": [4200.0, 3000.0], "az_rest.gas_export": [1600.0, 1000.0]})
    >>> thermal_above_own_demand_mw(SimpleNamespace(generation_mw=a, demand_mw=demand)).tolist()
    [800.0, 0.0]
    >>> thermal_above_own_demand_mw(SimpleNamespace(generation_mw=b, demand_mw=demand)).tolist()
    [800.0, 0.0]
    """
    hub, serves = FLEETS["az"]
    gen = h.generation_mw
    zero = pd.Series(0.0, index=gen.index)
    total = gen.get(f"{hub}.gas", zero) + gen.get(f"{hub}.gas_export", zero)
    own = h.demand_mw.reindex(columns=list(serves), fill_value=0.0).sum(axis=1)
    return (total - own).clip(lower=0.0).rename("thermal_above_own_demand_mw")


def origin_rows(
    h: Hourly,
    trace: Trace,
    p: Mapping[str, Any],
    cbam_eur_per_mwh: float,
    stats: pd.DataFrame | None = None,
) -> list[Row]:
    """Summary rows of the exports' origin, the CBAM and the seed's 70 % export share."""
    stats = link_statistics(h) if stats is None else stats
    rows: list[Row] = []
    links = list(ROUTE_OF)
    total = _traced(trace, links)
    exported = sum(total.values())
    share = total["green"] / exported * PERCENT if exported > 0 else float("nan")
    rows += [
        ("green_share_pct", share, "%", "+".join(links)),
        ("green_export_twh", total["green"], "TWh", "+".join(links)),
        ("fossil_export_twh", total["fossil"], "TWh", "+".join(links)),
        ("market_export_twh", total["market"], "TWh", "+".join(links)),
    ]
    for route, route_links in ROUTES.items():
        rows.append((f"green_share_{route}_pct", trace.green_share_pct(list(route_links)), "%",
                     "+".join(route_links)))  # fmt: skip
    thermal = float(thermal_above_own_demand_mw(h).sum())
    rows.append(
        ("thermal_above_own_demand_twh", thermal / MWH_PER_TWH, "TWh", "az_rest.gas_export")
    )
    rows.append(("cbam_charge_meur", thermal * cbam_eur_per_mwh / MWH_PER_TWH, "MEUR", ""))
    limit = at_limit(h)
    green_cols = [s for s in trace.sources if category(s) == "green"]
    congested = sum(float(trace.exports(k)[green_cols].sum(axis=1)[limit[k]].sum()) for k in links)
    green_mwh = total["green"] * MWH_PER_TWH
    rows.append(("cbam_congested_green_share_pct",
                 congested / green_mwh * PERCENT if green_mwh > 0 else 0.0, "%", ""))  # fmt: skip
    new_mw = p["az_green_mw"] - value("caspian.az.green_today", unit="MW")
    new_share = max(0.0, new_mw) / p["az_green_mw"] if p["az_green_mw"] > 0 else 0.0
    by_country = exports_by_destination(trace, stats)
    eu = float(by_country.loc[by_country["eu"], "energy_twh"].sum())
    leaving = float(by_country["energy_twh"].sum())  # = exported_twh
    rows += [
        (f"export_to_{r.destination}_twh", r.energy_twh, "TWh", r.element)
        for r in by_country.itertuples()
    ]
    rows += [
        ("export_to_eu_twh", eu, "TWh", "black_sea_cable+tr_eu"),
        ("export_to_eu_share_pct", eu / leaving * PERCENT if leaving > 0 else 0.0, "%",
         "black_sea_cable+tr_eu"),
    ]  # fmt: skip
    cap_pct, energy_pct = az_new_green_seed_measures_pct(h, max(0.0, new_mw), new_share)
    rows += [
        ("az_new_green_mw", new_mw, "MW", ""),
        ("az_new_green_export_link_share_pct", cap_pct, "%", "+".join(ROUTE_OF)),
        ("az_new_green_exportable_share_pct", energy_pct, "%", "+".join(ROUTE_OF)),
        (
            "az_new_green_export_share_pct",
            az_new_green_export_share_pct(h, trace, new_share),
            "%",
            "",
        ),
        ("az_green_export_share_target_pct", value("az.green.export_share", unit="%"), "%", ""),
    ]
    return rows


def summary_rows(
    h: Hourly, bottlenecks: pd.DataFrame, stats: pd.DataFrame | None = None
) -> list[Row]:
    """Return the summary of one dispatch (exports by route, curtailment, the bottleneck).

    The exports are read from `stats` (``link_statistics`` of the same dispatch, made when
    not given): ``export_via_<way>_twh`` is the export link's ``forward_energy_twh``.
    """
    stats = (link_statistics(h) if stats is None else stats).set_index("element")
    via = {k: float(stats.at[k, "forward_energy_twh"]) for k in ROUTE_OF}
    route_twh = {r: sum(via[k] for k in links) for r, links in ROUTES.items()}
    available = float(h.available_mw.sum().sum())
    curtailed = float(h.curtailed_mw.sum().sum())
    intake = h.europe_intake_mw
    first = bottleneck(bottlenecks)
    first_row = bottlenecks[bottlenecks["element"] == first]
    total = sum(route_twh.values())
    limit = at_limit(h)
    return [
        ("exported_twh", total, "TWh", "+".join(ROUTE_OF)),
        *((f"export_{r}_twh", v, "TWh", "+".join(ROUTES[r])) for r, v in route_twh.items()),
        *(
            (f"export_share_{r}_pct", v / total * PERCENT if total else 0.0, "%",
             "+".join(ROUTES[r]))
            for r, v in route_twh.items()
        ),
        *((f"export_via_{VIA[k]}_twh", v, "TWh", k) for k, v in via.items()),
        *((f"hours_at_limit_via_{VIA[k]}", float(limit[k].sum()), "h", k) for k in via),
        ("europe_intake_twh", float(intake.sum()) / MWH_PER_TWH, "TWh", "europe"),
        ("europe_intake_value_meur",
         float((intake * h.europe_price_eur_per_mwh).sum()) / MWH_PER_TWH, "MEUR", "europe"),
        ("europe_price_mean_eur_per_mwh", float(h.europe_price_eur_per_mwh.mean()), "EUR/MWh",
         "europe"),
        ("green_available_twh", available / MWH_PER_TWH, "TWh", ""),
        ("curtailed_twh", curtailed / MWH_PER_TWH, "TWh", ""),
        ("curtailed_pct", curtailed / available * PERCENT if available else 0.0, "%", ""),
        ("unserved_gwh", float(h.unserved_mw.sum().sum()) / MWH_PER_GWH, "GWh", ""),
        ("az_green_export_share_pct", az_green_export_share_pct(h), "%", ""),
        (
            "bottleneck_hours_at_limit",
            float(first_row["binding_periods"].iloc[0]) if len(first_row) else 0.0,
            "h",
            first,
        ),
        ("objective_meur", h.objective_eur / MWH_PER_TWH, "MEUR", ""),
        ("hours", float(len(h.flow_mw)), "h", ""),
    ]  # fmt: skip


def export_week(h: Hourly) -> int:
    """0-based week whose hourly export varies most (the most telling export stack)."""
    total = sum(h.flow_mw[link].clip(lower=0) for link in ROUTE_OF)
    weeks = np.asarray(total.index) // HOURS_PER_WEEK
    spread = pd.Series(total.to_numpy()).groupby(weeks).std().fillna(0.0)
    return int(spread.idxmax())


def default_snapshot_hours(h: Hourly) -> dict[str, int]:
    """Return the hours of peak export (both routes) and of peak demand (all hubs), by role."""
    total = sum(h.flow_mw[link].clip(lower=0) for link in ROUTE_OF)
    demand = h.demand_mw[[c for c in h.demand_mw.columns if HUBS[c] not in ("eu", "ru", "ir")]]
    demand = demand.sum(axis=1)
    return {
        "peak_export": int(total.to_numpy().argmax()),
        "peak_demand": int(demand.to_numpy().argmax()),
    }


def snapshot_rows(snapshots: pd.DataFrame, roles: dict[str, int]) -> list[Row]:
    """``<role>_snapshot_ac_losses_mw`` per snapshot role, the hour in ``element``.

    The AC losses are the line and HVDC losses of pandapower's AC power flow at that hour.
    Roles are ``peak_export`` and ``peak_demand`` for the default hours, ``snapshot_1``,
    ``snapshot_2``, ... for hours the user chose (in the order given).
    """
    branches = snapshots[(snapshots["method"] == "ac") & (snapshots["element_type"] != "bus")]
    losses = branches.groupby("hour")["pl_mw"].sum()
    rows: list[Row] = []
    for role, hour in roles.items():
        name = f"{role}_ac_losses_mw" if role.startswith("snapshot_") else f"{role}_{_AC_LOSSES}"
        rows.append((name, float(losses.get(hour, np.nan)), "MW", f"hour {hour}"))
    return rows


def snapshot_roles(snapshot_hours: Sequence[int] | None, h: Hourly) -> dict[str, int]:
    """Role -> hour of each snapshot: the defaults by role, else the given hours in order."""
    if snapshot_hours is None:
        return default_snapshot_hours(h)
    return {f"snapshot_{i}": int(t) for i, t in enumerate(snapshot_hours, start=1)}
