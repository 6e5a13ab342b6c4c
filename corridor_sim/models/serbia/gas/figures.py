"""Figures of the Serbian gas chain, drawn from a Result that holds the gas study's tables.

``gas_balance_monthly`` (gas at Niš by month: today's users, what reaches the plant through
the route and from storage, and what is short) and ``gas_needs`` (the new contract and the
new capacity per leg the plant needs, per technology). :func:`figures` returns both when the
Result has the tables (``gas_chain_monthly``, ``gas_needs``, ``gas_new_capacity``) and
nothing otherwise, so a model can always merge it into its own figures; ``gas_routes``
(the price of each supply route and the daily capacity the plant needs on it) when the Result has
``gas_route_needs`` and ``gas_supply_legs``.

Every series with nothing to show is left out of the plot and the legend; titles name the
scenario and year; axes carry units; no text is smaller than 8 pt.
"""

from __future__ import annotations

from textwrap import fill
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from corridor_sim.models.serbia.params import SITE_LABELS
from corridor_sim.plotting.layout import place_legend
from corridor_sim.plotting.style import (
    CATEGORICAL,
    FONT_PT,
    figure_title,
    style_context,
    time_axis,
)

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from corridor_sim.results.result import Result

__all__ = ["figures", "gas_balance_monthly", "gas_needs", "gas_routes"]

_FONT = FONT_PT["label"]
_BLUE, _ORANGE, _GREEN, _VERMILLION, _PURPLE, _SKY = (CATEGORICAL[i] for i in range(6))
_TECH_LABELS = {"ccgt": "CCGT", "ocgt": "OCGT"}
#: Shortfalls below this (mcm per month) are not drawn.
_EPS = 1e-6


def _case_label(tech: str, site: str) -> str:
    name = _TECH_LABELS.get(tech, tech)
    return name if site == "all" else f"{name} at {SITE_LABELS.get(site, site)}"


def _cases(table: pd.DataFrame) -> list[tuple[str, str]]:
    return list(dict.fromkeys(zip(table["technology"], table["site"], strict=True)))


def _month_starts(month: pd.DataFrame, year: object) -> tuple[np.ndarray | pd.DatetimeIndex, bool]:
    """Return the x of monthly rows: the 1st of each month of `year`, else the month (1-12)."""
    try:
        year = int(year)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return month["month"].to_numpy(), False
    stamps = pd.to_datetime({"year": year, "month": month["month"].to_numpy(), "day": 1})
    return pd.DatetimeIndex(stamps), True


def _balance_axes(ax: Axes, month: pd.DataFrame, year: object = None) -> list[str]:
    """Stacked bars of one case; return the labels drawn (for one shared legend)."""
    x, dated = _month_starts(month, year)
    width = 0.8 * 30.4 if dated else 0.8
    series = [
        ("users_mcm", "today's users (contract)", "0.6", None),
        ("pipeline_to_plant_mcm", "plant, through the route", _GREEN, None),
        ("withdrawal_mcm", "plant, from Banatski Dvor", _BLUE, None),
        ("unmet_mcm", "plant, short (new contract or capacity)", "white", "///"),
    ]
    bottom = np.zeros(len(month))
    drawn = []
    for col, label, colour, hatch in series:
        vals = np.clip(month[col].to_numpy(dtype=float), 0.0, None)
        if vals.sum() <= _EPS:
            continue
        ax.bar(x, vals, bottom=bottom, width=width, color=colour, hatch=hatch,
               edgecolor=_VERMILLION if hatch else "black", linewidth=0.5,
               label=label)  # fmt: skip
        bottom += vals
        drawn.append(label)
    inject = month["injection_mcm"].to_numpy(dtype=float)
    if inject.sum() > _EPS:
        ax.bar(x, -inject, width=width, color=_SKY, edgecolor="black", linewidth=0.5,
               label="into Banatski Dvor")  # fmt: skip
        drawn.append("into Banatski Dvor")
        ax.axhline(0.0, color="black", linewidth=0.6)
    time_axis(ax, dated=dated, step="month",
              label=None if dated else "month of the year (1 = January)")  # fmt: skip
    if not dated:
        ax.set_xticks(x, [str(m) for m in x])
    ax.set_ylabel("gas at Niš (mcm per month)", fontsize=_FONT)
    ax.tick_params(labelsize=FONT_PT["tick"])
    return drawn


def gas_balance_monthly(result: Result) -> Figure:
    """Draw the gas at Niš by month per case: today's users, the plant's supply, its shortfall.

    One panel per case (technology and site). Bars: the contract gas today's users take, the
    plant's gas through the route and from its share of Banatski Dvor, what is short (hatched);
    injections below zero. The panel title gives the contract and today's users' share of it
    (numbers, not lines, so that equal values cannot hide each other).

    Returns
    -------
    Figure
    """
    with style_context():
        return _balance_figure(result)


def _balance_figure(result: Result) -> Figure:
    month = result.table("gas_chain_monthly")
    needs = result.table("gas_needs").set_index(["technology", "site"])
    cases = _cases(month)
    fig, axes = plt.subplots(1, len(cases), figsize=(5.2 * len(cases), 4.2), squeeze=False,
                             layout="constrained", sharey=True)  # fmt: skip
    labels: dict[str, Artist] = {}
    for ax, (tech, site) in zip(axes[0], cases, strict=True):
        part = month[(month["technology"] == tech) & (month["site"] == site)].sort_values("month")
        r = needs.loc[(tech, site)]
        _balance_axes(ax, part, result.meta.get("year"))
        ax.set_title(
            f"{_case_label(tech, site)}: need {r['gas_need_bcm_per_yr']:.3f} bcm/yr, "
            f"short {r['shortfall_bcm_per_yr']:.3f} bcm/yr\n"
            f"contract {r['contracted_bcm_per_yr']:.2f} bcm/yr, of which today's users take "
            f"{r['contract_existing_use_bcm_per_yr']:.2f}",
            fontsize=_FONT,
        )
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            labels.setdefault(lab, h)
    fig.legend(list(labels.values()), list(labels), loc="outside lower center",
               ncol=min(3, len(labels)), fontsize=FONT_PT["legend"], frameon=False)  # fmt: skip
    fig.suptitle(figure_title(result, "Gas balance by month at Niš"), fontsize=FONT_PT["title"])
    return fig


def gas_needs(result: Result) -> Figure:
    """Draw the new contract and the new capacity per leg that each case needs.

    Left: the new contract's largest daily rate with the plant's storage and without (its
    annual volume in the labels). Right: new capacity per leg of the route, with storage
    (solid) and without (hatched); legs that need none are left out.

    Returns
    -------
    Figure
    """
    with style_context():
        return _needs_figure(result)


def _needs_figure(result: Result) -> Figure:
    needs = result.table("gas_needs")
    cap = result.table("gas_new_capacity")
    cases = _cases(needs)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    x = np.arange(len(cases))
    w = 0.38
    for off, col, hatch, lab in ((-w / 2, "new_contract_max_mcm_per_d", None, "with storage"),
                                 (w / 2, "new_contract_max_mcm_per_d_no_storage", "///",
                                  "without storage")):  # fmt: skip
        vals = needs[col].to_numpy(dtype=float)
        bars = left.bar(x + off, vals, w, color=_PURPLE, hatch=hatch, edgecolor="black",
                        linewidth=0.5, label=lab, alpha=0.8 if hatch else 1.0)  # fmt: skip
        suffix = "" if hatch is None else "_no_storage"
        for b, v in zip(bars, needs[f"new_contract_bcm_per_yr{suffix}"], strict=True):
            left.annotate(f"{v:.2f} bcm/yr", (b.get_x() + b.get_width() / 2, b.get_height()),
                          ha="center", va="bottom", fontsize=FONT_PT["annotation"])  # fmt: skip
    top = float(needs[["new_contract_max_mcm_per_d", "new_contract_max_mcm_per_d_no_storage"]]
                .to_numpy(dtype=float).max())  # fmt: skip
    if top > 0:
        left.set_ylim(0.0, 1.45 * top)  # room for the legend above the labels
    left.set_xticks(x, [_case_label(t, s) for t, s in cases])
    left.set_xlabel("plant (technology, site)", fontsize=_FONT)
    left.set_ylabel("new contract, largest daily rate (mcm/d)", fontsize=_FONT)
    left.set_title("New contract (labels: volume per year)", fontsize=_FONT)
    legs = [e for e in dict.fromkeys(cap["element"]) if cap.loc[cap["element"] == e,
            "new_capacity_mcm_per_d"].max() > _EPS]  # fmt: skip
    if legs:
        bw = 0.8 / (2 * len(cases))
        xl = np.arange(len(legs))
        for i, (tech, site) in enumerate(cases):
            for j, storage in enumerate((True, False)):
                sel = cap[(cap["technology"] == tech) & (cap["site"] == site)
                          & (cap["storage"] == storage)].set_index("element")  # fmt: skip
                vals = [float(sel.loc[e, "new_capacity_mcm_per_d"]) for e in legs]
                lab = f"{_case_label(tech, site)}, {'with' if storage else 'without'} storage"
                colour = CATEGORICAL[i % len(CATEGORICAL)]
                right.bar(xl - 0.4 + bw * (2 * i + j + 0.5), vals, bw, color=colour,
                          hatch=None if storage else "///", edgecolor="black", linewidth=0.5,
                          label=lab)  # fmt: skip
        right.set_xticks(xl, legs)
        place_legend(right, fontsize=FONT_PT["legend"], frameon=False)
    else:
        right.text(0.5, 0.5, "no leg needs new capacity", ha="center", va="center",
                   transform=right.transAxes, fontsize=_FONT)  # fmt: skip
    right.set_xlabel("leg of the route (pipeline)", fontsize=_FONT)
    right.set_ylabel("new capacity (mcm/d)", fontsize=_FONT)
    right.set_title("New firm capacity per leg", fontsize=_FONT)
    for ax in (left, right):
        ax.tick_params(labelsize=FONT_PT["tick"])
    fig.suptitle(figure_title(result, "What the plant needs from the gas chain"),
                 fontsize=FONT_PT["title"])  # fmt: skip
    place_legend(left, fontsize=_FONT, frameon=False)  # last: the layout is settled by now
    return fig


def gas_routes(result: Result) -> Figure:
    """Draw each supply route's gas price at Niš and its room against the plant's gas need.

    Left: the price by route, the hub price and the route's transport tariffs stacked.
    Right: per route (the daily chain LP, :func:`~.sizing.route_needs`), the room its binding
    leg leaves for gas to Serbia on its tightest day, and the largest daily capacity the
    plant needs on the route without storage and with Banatski Dvor (mcm/d); each group
    names the binding leg and the days on which the plant's flow exceeds its room.

    Returns
    -------
    Figure
    """
    with style_context():
        return _routes_figure(result)


def _routes_figure(result: Result) -> Figure:
    needs = result.table("gas_route_needs")
    legs = result.table("gas_supply_legs")
    routes = list(needs["route"])
    # human names from the declarations (ROUTE_LABELS, SupplyLeg.label), before any "("
    names = [str(label).split(" (")[0] for label in needs["label"]]
    leg_names = dict(zip(legs["element"], legs["label"], strict=True))
    binds = [
        " + ".join(str(leg_names.get(leg, leg)).split(" (")[0] for leg in str(b).split("+"))
        for b in needs["binding_leg"]
    ]
    tariffs = legs.groupby("route", sort=False)["tariff_eur_per_mwh_th"].sum().reindex(routes)
    prices = needs["gas_price_eur_per_mwh_th"].to_numpy(dtype=float)
    hub = prices - tariffs.to_numpy(dtype=float)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
    x = np.arange(len(routes))
    left.bar(x, hub, 0.6, color=_BLUE, label="hub price (TTF)")
    left.bar(x, tariffs.to_numpy(dtype=float), 0.6, bottom=hub, color=_ORANGE,
             label="transport tariffs")  # fmt: skip
    for xi, v in zip(x, prices, strict=True):
        left.annotate(f"{v:.1f}", (xi, v), ha="center", va="bottom",
                      fontsize=FONT_PT["annotation"])  # fmt: skip
    left.set_ylim(0.0, 1.45 * float(prices.max()))  # room for the legend above the labels
    left.set_xticks(x, names)
    left.set_xlabel("supply route", fontsize=_FONT)
    left.set_ylabel("gas price at Niš (EUR/MWh_th)", fontsize=_FONT)
    left.set_title("Price: hub plus the route's tariffs", fontsize=_FONT)
    w = 0.27
    room = needs["room_min_mcm_per_d"].to_numpy(dtype=float)
    bare = needs["booked_no_storage_mcm_per_d"].to_numpy(dtype=float)
    stored = needs["booked_storage_mcm_per_d"].to_numpy(dtype=float)
    series = ((-w, room, _GREEN, None, "room on the binding leg"),
              (0.0, bare, _PURPLE, "///", "capacity the plant needs, no storage"),
              (w, stored, _PURPLE, None, "with Banatski Dvor"))  # fmt: skip
    for off, vals, colour, hatch, label in series:
        bars = right.bar(x + off, vals, w, color=colour, hatch=hatch, label=label,
                         edgecolor="black" if hatch else colour, linewidth=0.5)  # fmt: skip
        for b, v in zip(bars, vals, strict=True):  # a route without room shows its 0
            right.annotate(f"{v:.2f}", (b.get_x() + b.get_width() / 2, v), ha="center",
                           va="bottom", fontsize=FONT_PT["annotation"])  # fmt: skip
    days = needs["binding_days_storage"].astype(int).tolist()
    right.set_xticks(
        x,
        [f"{r}\n{fill(f'(binds: {b}, {d} days)', 24)}"
         for r, b, d in zip(names, binds, days, strict=True)],
    )  # fmt: skip
    right.set_ylim(0.0, 1.5 * float(max(bare.max(), room.max())))
    right.set_xlabel("supply route (binding leg, days its room is full)", fontsize=_FONT)
    right.set_ylabel("gas to Serbia (mcm/d)", fontsize=_FONT)
    own = str(result.meta.get("gas_route", ""))
    if result.meta.get("gas_route_dispatch"):
        price = "each route's price"
    else:
        price = f"the {names[routes.index(own)]} price" if own in routes else "its gas price"
    right.set_title(f"Largest day: room, and what the plant needs at {price}",
                    fontsize=_FONT)  # fmt: skip
    for ax in (left, right):
        ax.tick_params(labelsize=FONT_PT["tick"])
    fig.suptitle(figure_title(result, "The plant's gas by supply route"),
                 fontsize=FONT_PT["title"])  # fmt: skip
    place_legend(right, fontsize=FONT_PT["legend"], frameon=False)
    place_legend(left, fontsize=FONT_PT["legend"], frameon=False)
    return fig


def figures(result: Result) -> dict[str, Figure]:
    """Return the gas figures of `result` by file stem (none without the gas study tables)."""
    have = set(result.tables)
    out: dict[str, Figure] = {}
    if {"gas_chain_monthly", "gas_needs", "gas_new_capacity", "gas_legs"} <= have:
        out["serbia_gas_balance_monthly"] = gas_balance_monthly(result)
        out["serbia_gas_needs"] = gas_needs(result)
    if {"gas_route_needs", "gas_supply_legs"} <= have:
        out["serbia_gas_routes"] = gas_routes(result)
    return out
