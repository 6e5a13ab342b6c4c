"""Cable sizes chosen by optimisation: ratings and hourly dispatch in one LP.

The ratings of the Caspian cable, the Black Sea cable, the Azerbaijan–Georgia tie, the
Zangezur line and the Nakhchivan–Türkiye link (:data:`.costs.EXPANDABLE`) are variables of
the dispatch LP, in the manner of PyPSA's ``p_nom_extendable``: the engine
(:func:`corridor_sim.engines.dispatch.dispatch` with ``extendable=``, an
:class:`~corridor_sim.engines.dispatch.Extendable` per branch) minimises the operating cost of
the hours solved plus each rating times its annual cost per MW (:func:`.costs.link_costs`:
public project costs, annuity at ``discount_rate_pct`` plus fixed O&M) scaled to the share
of the year those hours are. Existing ratings are lower bounds (only additions cost):
the AZ–GE tie's ``az_ge_mw`` and Nakhchivan's 75 MW exchange.

Results (:func:`optimise`): the optimal rating of each link, the cost of transmission per
exported MWh (the links' annual cost over the energy exported), and each link's NPV at
the stated discount rate, two ways: the system's (the operating cost the link saves, from a
dispatch with that link at its lower bound and the others at their optimum) and the
merchant's (the congestion rent it earns at the optimum).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.engines import dispatch as engine
from corridor_sim.errors import CorridorSimError, SpecError
from corridor_sim.models.caspian import tables
from corridor_sim.models.caspian.costs import (
    EXPANDABLE,
    annuity_factor,
    link_costs,
    lower_bounds,
    ratings,
)
from corridor_sim.models.caspian.dispatch import Inputs, availability, inputs
from corridor_sim.models.caspian.hourly import Hourly, to_hourly
from corridor_sim.models.caspian.network import DC_LINKS, ROUTE_OF, line_rating_mw, network
from corridor_sim.models.caspian.params import HOURS_PER_WEEK, resolve_year
from corridor_sim.models.params import ParamValues
from corridor_sim.units import HOURS_PER_YEAR, MEGA, MWH_PER_TWH

__all__ = ["Sizing", "optimise", "sample_hours"]

_NAMES = {
    "caspian_cable": "optimal_caspian_mw",
    "black_sea_cable": "optimal_black_sea_mw",
    "az_ge": "optimal_azerbaijan_georgia_mw",
    "az_nakhchivan": "optimal_zangezur_mw",
    "nakhchivan_tr": "optimal_nakhchivan_turkiye_mw",
}


@dataclass(frozen=True, slots=True)
class Sizing:
    """The result of :func:`optimise`.

    Attributes
    ----------
    table : DataFrame
        One row per optimised link (see :func:`optimise`).
    rows : list of tuple
        Summary rows ``(metric, value, unit, element)``.
    hourly : Hourly
        The dispatch at the optimal ratings (the hours solved).
    hours : list of int
        The hours solved.
    meta : dict
        The sizing LP's ``lp_s`` (wall seconds of the engine call), ``solve_s`` (HiGHS),
        ``iterations`` (simplex), ``warm_start`` and, when warm-started, ``warm_start_s``
        (the dispatch without expansion).
    """

    table: pd.DataFrame
    rows: list[tuple[str, float, str, str]]
    hourly: Hourly
    hours: list[int]
    meta: dict = field(default_factory=dict)


def _extendable_api() -> tuple[type, Any]:
    """Return the engine's extendable-branch API, or raise a clear error without it."""
    ext = getattr(engine, "Extendable", None)
    if ext is None:
        msg = (
            "cable sizing needs extendable branch ratings in corridor_sim.engines.dispatch "
            "(Extendable, dispatch(..., extendable=...)); this installation's engine has none"
        )
        raise CorridorSimError(msg)
    return ext, engine.dispatch


def sample_hours(hours: int, weeks: int | None) -> list[int]:
    """`weeks` whole weeks spread evenly over a `hours`-long horizon (None: every hour).

    Examples
    --------
    >>> len(sample_hours(8760, 4)), sample_hours(8760, 4)[168]
    (672, 2184)
    >>> len(sample_hours(100, None))
    100
    """
    n_weeks = hours // HOURS_PER_WEEK
    if weeks is None or n_weeks == 0 or weeks >= n_weeks:
        return list(range(hours))
    if weeks < 1:
        msg = f"options.sizing_weeks = {weeks!r}: expected at least 1 week"
        raise SpecError(msg)
    picked = np.unique(np.floor(np.arange(weeks) * n_weeks / weeks).astype(int))
    return [int(w * HOURS_PER_WEEK + h) for w in picked for h in range(HOURS_PER_WEEK)]


def _prepared(
    p: ParamValues, prof: pd.DataFrame, avail: pd.DataFrame, top: float
) -> tuple[Inputs, dict]:
    """Return inputs with each optimised dcline at a 1 MW placeholder (table = availability)."""
    # the internal equivalents behind the cables grow with them: size them for the bound
    net = network(resolve_year(p.year, {**_overridden(p), "caspian_cable_mw": top,
                                        "black_sea_cable_mw": top}))  # fmt: skip
    links = net["caspian_links"].set_index("element")
    for link in EXPANDABLE:
        if link in DC_LINKS:
            net.dcline.loc[int(links.at[link, "element_index"]), "max_p_mw"] = 1.0
    data = inputs(net, prof, avail, export_rule=p["export_rule"])
    index = {
        k: (str(links.at[k, "element_type"]), int(links.at[k, "element_index"])) for k in EXPANDABLE
    }
    return data, index


def _overridden(p: ParamValues) -> dict[str, Any]:
    """Return the overrides behind `p` (parameter name -> value)."""
    return {name: p[name] for name in p.overridden}


def _with_ratings(
    data: Inputs, index: Mapping[str, tuple[str, int]], fixed: Mapping[str, float],
    *, placeholder: bool = False,
) -> Inputs:  # fmt: skip
    """Return `data` (from :func:`_prepared`) with fixed ratings for the links in `fixed`.

    A dcline's table in `data` is its availability (x a 1 MW placeholder), so its hourly
    limit becomes the table times the rating; a line's current is scaled to the rating.
    With `placeholder`, the result keeps the placeholder convention for what other calls
    fix later (only the links in `fixed` change).
    """
    net = copy.deepcopy(data.net)
    dc_max = data.dcline_max_mw.copy()
    for link, mw in fixed.items():
        table, idx = index[link]
        if table == "dcline":
            dc_max[idx] = dc_max[idx] * mw  # the table holds the availability (x 1 MW)
            net.dcline.loc[idx, "max_p_mw"] = max(mw, 1e-9) if placeholder else mw
        else:
            now = float(line_rating_mw(net)[net.line.index.get_loc(idx)])
            scale = mw / now if now > 0 else 0.0
            net.line.loc[idx, "max_i_ka"] = max(float(net.line.at[idx, "max_i_ka"]) * scale, 1e-6)
    return Inputs(net, data.load_mw, data.sgen_max_mw, data.gen_max_mw, dc_max,
                  data.price_eur_per_mwh, data.market_base_eur)  # fmt: skip


def _solve(
    data: Inputs, voll: float, extendable: Mapping | None, *, warm_start: bool = False
) -> Any:
    """Every hour of `data` in one engine call (one LP with extendable ratings)."""
    _, run = _extendable_api()
    extra = {"extendable": extendable} if extendable else {}
    return run(
        data.net, load_p_mw=data.load_mw, sgen_max_p_mw=data.sgen_max_mw,
        gen_max_p_mw=data.gen_max_mw, dcline_max_p_mw=data.dcline_max_mw, storage=False,
        voll_eur_per_mwh=voll, warm_start=warm_start, **extra,
    )  # fmt: skip


def _operating_eur(res: Any, data: Inputs) -> float:
    """Operating cost of `data`'s hours, the markets' own demand left out (as Hourly's)."""
    return float(res.operating_cost_eur) - float(data.market_base_eur.sum())


def optimise(
    year: int,
    *,
    prof: pd.DataFrame,
    avail: pd.DataFrame | None = None,
    weeks: int | None = None,
    npv: bool = True,
    links: Sequence[str] = EXPANDABLE,
    warm_start: bool = False,
    **overrides: Any,
) -> Sizing:
    """Optimise the ratings of :data:`.costs.EXPANDABLE` with the dispatch of the hours.

    Parameters
    ----------
    year : int
        Model year.
    prof : DataFrame
        Hourly profiles (:func:`corridor_sim.models.caspian.profiles`).
    avail : DataFrame, optional
        Link availability (events); default all available.
    weeks : int, optional
        Solve only this many whole weeks spread over the horizon (:func:`sample_hours`),
        with the annual costs scaled to them; default every hour (one LP for the horizon).
    npv : bool, default True
        Also dispatch once per link at its lower bound for the system NPV (one more LP each).
    links : sequence of str, default :data:`.costs.EXPANDABLE`
        The links whose rating is optimised; the others keep the rating the parameters
        give them.
    warm_start : bool, default False
        Start the sizing LP from the dispatch without expansion (every link at its lower
        bound; ``dispatch(..., extendable=..., warm_start=True)``). The same optimum to
        solver tolerance; fewer simplex iterations on a few weeks, but slower on the full
        year (docs/benchmarks.md, ``benchmarks/bench_sizing_warm.py``), hence off.
    **overrides
        Parameter overrides (``discount_rate_pct``, ``export_rule``, ...).

    Returns
    -------
    Sizing
        ``table`` columns: ``element``, ``rating_mw``, ``min_mw``, ``max_mw``, ``at_bound``,
        ``added_mw``, ``investment_eur_per_mw``, ``annual_eur_per_mw``, ``investment_meur``
        and ``annual_cost_meur`` (of the added MW), ``exported_twh`` (per year, over the
        link westward), ``benefit_meur_per_yr`` (operating cost saved against the link at its
        lower bound), ``npv_meur``, ``congestion_rent_meur_per_yr``, ``npv_merchant_meur``.

    Raises
    ------
    CorridorSimError
        When the engine has no extendable branches.
    """
    ext_cls, _ = _extendable_api()
    p = resolve_year(year, overrides)
    if avail is None:
        avail = availability((), len(prof))
    hours = sample_hours(len(prof), weeks)
    share = len(hours) / HOURS_PER_YEAR
    unknown = [k for k in links if k not in EXPANDABLE]
    if unknown or not links:
        msg = f"links = {list(links)!r}: expected one or more of {list(EXPANDABLE)}"
        raise SpecError(msg)
    top = value("caspian.sizing.max_rating", unit="MW")
    data, index = _prepared(p, prof, avail, top)
    given = ratings(p)
    free = _with_ratings(data, index, {k: given[k] for k in EXPANDABLE if k not in links},
                         placeholder=True)  # fmt: skip
    lengths = data.net["caspian_links"].set_index("element")["length_km"]
    costs = link_costs(p, lengths)
    low = lower_bounds(p)
    ext = {
        index[k]: ext_cls(min_mw=low[k], max_mw=max(top, low[k]),
                          cost_eur_per_mw=float(costs.at[k, "annual_eur_per_mw"]) * share)
        for k in links
    }  # fmt: skip
    voll = p["voll_eur_per_mwh"]
    t0 = time.perf_counter()
    res = _solve(_subset(free, hours), voll, ext, warm_start=warm_start)
    meta = {
        "lp_s": time.perf_counter() - t0,
        "solve_s": float(res.meta["solve_s"]),
        "iterations": int(res.meta["iterations"]),
        "warm_start": warm_start,
    }
    if "warm_start_s" in res.meta:
        meta["warm_start_s"] = float(res.meta["warm_start_s"])
    by_key = {(str(r.branch_type), int(r.element)): r for r in res.ratings.itertuples()}
    rating = {k: float(by_key[index[k]].rating_mw) if k in links else given[k] for k in EXPANDABLE}
    fixed = _with_ratings(data, index, rating)
    sub = _subset(fixed, hours)
    h = to_hourly(
        sub.net, res, sub.load_mw, sub.sgen_max_mw, sub.dcline_max_mw, sub.price_eur_per_mwh
    )
    operating = _operating_eur(res, sub)
    h = h.with_objective(operating)
    table = _table(p, costs, rating, low, top, h, share)
    if npv:
        _add_npv(table, p, data, index, rating, low, hours, voll, operating, share)
    added = float((table["annual_cost_meur"]).sum())
    exported = sum(float(h.flow_mw[k].clip(lower=0).sum()) for k in ROUTE_OF) / MWH_PER_TWH / share
    rows = [
        *((_NAMES[k], rating[k], "MW", k) for k in EXPANDABLE),
        ("sizing_annual_cost_meur", (operating / MEGA + added * share) / share, "MEUR", ""),
        ("sizing_transmission_annual_cost_meur", added, "MEUR", ""),
        ("sizing_exported_twh", exported, "TWh", ""),
        ("sizing_transmission_cost_eur_per_mwh", added * MEGA / (exported * MWH_PER_TWH)
         if exported > 0 else float("nan"), "EUR/MWh", ""),
        ("sizing_hours", float(len(hours)), "h", ""),
        ("sizing_discount_rate_pct", float(p["discount_rate_pct"]), "%", ""),
    ]  # fmt: skip
    return Sizing(table=table, rows=rows, hourly=h, hours=list(hours), meta=meta)


def _subset(data: Inputs, hours: Sequence[int]) -> Inputs:
    sel = list(hours)
    return Inputs(
        data.net, data.load_mw.iloc[sel], data.sgen_max_mw.iloc[sel], data.gen_max_mw.iloc[sel],
        data.dcline_max_mw.iloc[sel], data.price_eur_per_mwh.iloc[sel],
        data.market_base_eur.iloc[sel],
    )  # fmt: skip


def _table(
    p: ParamValues, costs: pd.DataFrame, rating: Mapping[str, float], low: Mapping[str, float],
    top: float, h: Hourly, share: float,
) -> pd.DataFrame:  # fmt: skip
    rows = []
    for k in EXPANDABLE:
        added = max(0.0, rating[k] - low[k])
        west = (
            float(h.flow_mw[k].clip(lower=0).sum()) / MWH_PER_TWH / share if k in h.flow_mw else 0.0
        )
        rows.append(
            {
                "element": k,
                "rating_mw": rating[k],
                "min_mw": low[k],
                "max_mw": max(top, low[k]),
                "at_bound": bool(rating[k] >= max(top, low[k]) - 1e-6),
                "added_mw": added,
                "investment_eur_per_mw": float(costs.at[k, "investment_eur_per_mw"]),
                "annual_eur_per_mw": float(costs.at[k, "annual_eur_per_mw"]),
                "investment_meur": added * float(costs.at[k, "investment_eur_per_mw"]) / MEGA,
                "annual_cost_meur": added * float(costs.at[k, "annual_eur_per_mw"]) / MEGA,
                "exported_twh": west,
                "discount_rate_pct": float(p["discount_rate_pct"]),
            }
        )
    return pd.DataFrame(rows)


def _add_npv(
    table: pd.DataFrame, p: ParamValues, data: Inputs, index: Mapping[str, tuple[str, int]],
    rating: Mapping[str, float], low: Mapping[str, float], hours: Sequence[int], voll: float,
    operating: float, share: float,
) -> None:  # fmt: skip
    """System and merchant NPVs of each link at its optimal rating (columns added in place).

    System: the operating cost saved per year against a dispatch with the link at its lower
    bound (the others at their optimum; only its cost is read, so its blocks are
    warm-started). Merchant: the congestion rent (shadow price of the
    link's limit x its rating) at the optimum. Both net of fixed O&M, discounted over the
    link's life at ``discount_rate_pct``, less the investment in the added MW.
    """
    life = value("caspian.cost.transmission_life", unit="yr")
    fom = value("caspian.cost.transmission_fom", unit="%") / 100
    factor = annuity_factor(float(p["discount_rate_pct"]), life)
    fixed = _subset(_with_ratings(data, index, rating), hours)
    h = to_hourly(fixed.net, _solve(fixed, voll, None), fixed.load_mw,
                  fixed.sgen_max_mw, fixed.dcline_max_mw, fixed.price_eur_per_mwh)  # fmt: skip
    mu = tables.shadow_prices(h, fixed.net)
    benefit, rent = [], []
    for k in EXPANDABLE:
        without = _subset(_with_ratings(data, index, {**rating, k: low[k]}), hours)
        # only the optimal cost is read: blocks warm-started from each other reach it faster
        cost = _operating_eur(_solve(without, voll, None, warm_start=True), without)
        saved = (cost - operating) / share
        benefit.append(saved / MEGA)
        rent.append(float((mu[k] * h.limit_mw[k]).sum()) / share / MEGA)
    table["benefit_meur_per_yr"] = benefit
    invest = table["investment_meur"]
    table["npv_meur"] = [(b - fom * i) / factor - i for b, i in zip(benefit, invest, strict=True)]
    table["congestion_rent_meur_per_yr"] = rent
    table["npv_merchant_meur"] = [
        (r - fom * i) / factor - i for r, i in zip(rent, invest, strict=True)
    ]
