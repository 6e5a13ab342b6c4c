"""How robust is each site's verdict? A small Monte Carlo over the catalogue's ranges.

Each draw takes every row of :data:`ROBUSTNESS_IDS` from its range (``low``, ``high``,
``distribution`` of the catalogue: line ratings and reactances, transformer data, the
neighbours' equivalents and net positions, the load's records, shape, key and network
losses, the plants' schedules, the power price) and the rows of the gas price the plant pays
(:func:`gas_price_ids`: on a supply route the hub price and every tariff along it, at a
fixed price that price), rebuilds the grid, the load, the dispatch and the study of every
site, and records which sites cause no N-1 violation (``secure``) and which site the study
ranks first (``best``). With ``both_tie_states`` every draw is studied with the disputed
ties in both states (open, the default, and credited), on the same drawn values and the
same load and wind. Draws are seeded from the scenario's seed; the same seed gives the
same table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.models.params import ParamValues
from corridor_sim.models.serbia.gas.tariffs import route_price_ids
from corridor_sim.models.serbia.grid.network import GridSpec
from corridor_sim.models.serbia.grid.ties import default_open_borders, disputed_borders
from corridor_sim.models.serbia.market.params import FIXED_GAS_PRICE
from corridor_sim.models.serbia.params import ALL_SITES, PARAMS, annual_energy_twh
from corridor_sim.models.serbia.profiles import HOURS
from corridor_sim.models.serbia.study.inputs import year_inputs
from corridor_sim.models.serbia.study.sites import attribute_violations, best_site, site_tables
from corridor_sim.models.serbia.study.verdict import state_label
from corridor_sim.models.serbia.values import Draw, cv, draw_from_ranges

__all__ = ["ROBUSTNESS_IDS", "gas_price_ids", "robustness", "robustness_summary", "study_draw"]

#: Catalogue rows drawn from their ranges in each draw (the gas price's rows come on top,
#: by route: :func:`gas_price_ids`).
ROBUSTNESS_IDS: tuple[str, ...] = (
    "serbia.line.kv400.max_i_ka",
    "serbia.line.kv220.max_i_ka",
    "serbia.line.kv400.x_ohm_per_km",
    "serbia.line.kv220.x_ohm_per_km",
    "serbia.trafo.kv400_220.sn_mva",
    "serbia.trafo.vk_percent",
    "serbia.neighbour.internal_km",
    *(
        f"serbia.neighbour.{cc}.net_position"
        for cc in ("hu", "ro", "bg", "mk", "me", "ba", "hr", "xk")
    ),
    "serbia.load.winter_record_day_energy",
    "serbia.load.daily_swing",
    "serbia.load.growth_per_yr",
    "serbia.load.ehv_share_at_dual_stations",
    "serbia.load.seasonal_annual_amplitude",
    "serbia.load.seasonal_semiannual_amplitude",
    "serbia.load.spell_days",
    "serbia.gen.lignite_seasonal_amplitude",
    "serbia.gen.hydro_seasonal_amplitude",
    "serbia.gen.storage_hours",
    "serbia.market.power_price",
    "serbia.market.peak_base_ratio",
    "serbia.grid.ehv_connection_mw",
    "serbia.study.aggravation_pct",
    "serbia.study.area_km",
    "serbia.load.distribution_losses",
    "serbia.load.transmission_losses",
)

#: The fixed gas price's row (``gas_route = "fixed"``).
_FIXED_PRICE_ROW = "serbia.cost.gas.fuel"


def _overridden_rows(p: ParamValues) -> set[str]:
    """Catalogue rows behind the parameters the scenario overrides (the user set them)."""
    facts = (PARAMS[name].fact for name in p.overridden)
    return {f for f in facts if f}


def gas_price_ids(p: ParamValues) -> tuple[str, ...]:
    """Return the catalogue rows of the gas price the plant pays under parameters `p`.

    On a supply route (``gas_route``, default ``"azerbaijan"``) the price is the hub price
    plus the route's tariffs, so these rows are drawn
    (:func:`~corridor_sim.models.serbia.gas.tariffs.route_price_ids`); at the fixed price
    (``gas_route = "fixed"``) only ``serbia.cost.gas.fuel``. A row whose parameter the
    scenario overrides (``gas_hub_price_eur_per_mwh_th``, ``gas_price_eur_per_mwh_th``) is
    left at the user's value.

    Parameters
    ----------
    p : ParamValues
        Resolved parameters (``PARAMS.resolve(year, overrides)``).

    Returns
    -------
    tuple of str
        Catalogue ids, each with a range.

    Examples
    --------
    >>> gas_price_ids(PARAMS.resolve(2029, {"gas_route": "fixed"}))
    ('serbia.cost.gas.fuel',)
    >>> gas_price_ids(PARAMS.resolve(2029, {"gas_route": "lng"}))[:2]
    ('serbia.gas.hub.ttf_2024', 'serbia.gas.tariff.lng_regas')
    """
    rows = (_FIXED_PRICE_ROW,) if p.gas_route == FIXED_GAS_PRICE else route_price_ids(p.gas_route)
    fixed = _overridden_rows(p)
    return tuple(r for r in rows if r not in fixed)


def _default_ids(p: ParamValues) -> list[str]:
    fixed = _overridden_rows(p)
    return [r for r in ROBUSTNESS_IDS if r not in fixed] + list(gas_price_ids(p))


def _state_rows(
    p: ParamValues,
    grid: GridSpec,
    *,
    seed: int,
    sites: list[str],
    hours: int,
    options: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Study every site on `grid` (one tie state of one draw): one row per plant site."""
    draw = grid.draw
    yi = year_inputs(
        p, grid, rng=np.random.default_rng(seed), need_plant=True, need_none=True, **options
    )
    tables = site_tables(sites, yi, grid=grid, n_hours=hours, events=[], ac_cases=0)
    attribute_violations(tables, cv("serbia.study.aggravation_pct", "%", draw))
    comp = tables["site_comparison"]
    best = best_site(comp)
    assert yi.with_plant is not None  # need_plant=True
    plant = yi.with_plant.plant_mw
    common = {
        "tie_state": state_label(grid.open_ties),
        "capacity_factor": float(plant.sum() / (grid.plant_capacity_mw * HOURS)),
        "plant_run_hours": int((plant > 0).sum()),
        "gas_price_eur_per_mwh_th": float(yi.market.gas_price_eur_per_mwh_th),
        "plant_cost_eur_per_mwh": float(yi.plant_cost_eur_per_mwh),
    }
    return [
        {
            "site": row.site,
            **common,
            "secure": bool(row.n1_secure),
            "n1_area_violation_hours": int(row.n1_area_violation_hours),
            "best": row.site == best,
            "n1_site_violation_hours": int(row.n1_site_violation_hours),
            "worst_n1_loading_pct": float(row.worst_n1_loading_pct),
            "worst_site_n1_loading_pct": float(row.worst_site_n1_loading_pct),
        }
        for row in comp[comp["site"] != "none"].itertuples(index=False)
    ]


def study_draw(
    year: int,
    draw: Mapping[str, float],
    *,
    seed: int,
    overrides: Mapping[str, Any] | None = None,
    sites: Sequence[str] = ALL_SITES,
    hours: int = HOURS,
    planned: bool = True,
    open_ties: frozenset[str] | None = None,
    both_tie_states: bool = False,
    dispatch_mode: str = "economic",
    price_profile: str = "seepex",
    load_profile: str = "model",
) -> pd.DataFrame:
    """Study every site with the catalogue values of one `draw` (one draw of :func:`robustness`).

    Parameters
    ----------
    year : int
        Model year.
    draw : mapping of str to float
        Catalogue id -> value (in the row's unit); rows not in it keep the catalogue's value.
    seed : int
        Seeds the load noise and the wind's daily variation (the same in both tie states).
    overrides : mapping, optional
        Parameter overrides (technology, capacity, gas route, ...), as in a scenario.
    sites : sequence of str
        Sites compared ("none" is added: it decides which violations a site causes).
    hours : int
        Hours studied on the grid, from 1 January (the dispatch covers the year).
    planned : bool
        Include the planned grid changes.
    open_ties : frozenset of str, optional
        Borders whose ties are open (default: those without N-1 credit, Serbia–Kosovo).
    both_tie_states : bool
        Also study the disputed ties (Serbia–Kosovo) in their other state.
    dispatch_mode, price_profile, load_profile : str
        As :func:`~corridor_sim.models.serbia.study.inputs.year_inputs` (the scenario's
        options ``dispatch``, ``power_price_profile``, ``load_profile``).

    Returns
    -------
    DataFrame
        One row per tie state and plant site: ``site, tie_state, capacity_factor,
        plant_run_hours, gas_price_eur_per_mwh_th, plant_cost_eur_per_mwh, secure,
        n1_area_violation_hours, best, n1_site_violation_hours, worst_n1_loading_pct,
        worst_site_n1_loading_pct``, then one column per drawn row.

    Examples
    --------
    >>> from corridor_sim.models.serbia.gas.tariffs import HUB_PRICE
    >>> t = study_draw(2029, {HUB_PRICE: 50.0}, seed=1, sites=["krusevac"], hours=24)
    >>> t[["site", "gas_price_eur_per_mwh_th"]].round(1).values.tolist()
    [['krusevac', 64.2]]
    """
    p = PARAMS.resolve(year, dict(overrides or {}))
    d = Draw(draw)
    grid = dataclasses.replace(
        GridSpec.from_params(
            p,
            planned=planned,
            draw=d,
            open_ties=default_open_borders() if open_ties is None else frozenset(open_ties),
        ),
        annual_energy_twh=annual_energy_twh(year, d),
    )
    grids = [grid]
    if both_tie_states and disputed_borders():
        grids.append(dataclasses.replace(grid, open_ties=grid.open_ties ^ disputed_borders()))
    options = {
        "dispatch_mode": dispatch_mode,
        "price_profile": price_profile,
        "load_profile": load_profile,
    }
    names = list(dict.fromkeys(["none", *sites]))
    rows = [
        {**row, "scenario_state": k == 0, **dict(d)}
        for k, g in enumerate(grids)
        for row in _state_rows(p, g, seed=seed, sites=names, hours=hours, options=options)
    ]
    return pd.DataFrame(rows)


def robustness(
    year: int,
    *,
    draws: int,
    seed: int,
    overrides: Mapping[str, Any] | None = None,
    sites: Sequence[str] = ALL_SITES,
    hours: int = HOURS,
    planned: bool = True,
    ids: Sequence[str] | None = None,
    open_ties: frozenset[str] | None = None,
    both_tie_states: bool = False,
    dispatch_mode: str = "economic",
    price_profile: str = "seepex",
    load_profile: str = "model",
) -> pd.DataFrame:
    """Run `draws` studies with catalogue values drawn from their ranges.

    Parameters
    ----------
    year : int
        Model year.
    draws : int
        Number of draws.
    seed : int
        Seeds the draws (and each draw's load and wind noise).
    overrides : mapping, optional
        Parameter overrides (technology, capacity, gas route, ...), as in a scenario. The
        rows behind overridden parameters are not drawn.
    sites : sequence of str
        Sites compared ("none" is added: it decides which violations a site causes).
    hours : int
        Hours studied on the grid, from 1 January (the dispatch covers the year).
    planned : bool
        Include the planned grid changes.
    ids : sequence of str, optional
        Catalogue rows to draw (default: :data:`ROBUSTNESS_IDS` and the rows of the gas
        price the plant pays, :func:`gas_price_ids`).
    open_ties : frozenset of str, optional
        Borders whose ties are open (default: those without N-1 credit, Serbia–Kosovo).
    both_tie_states : bool
        Study every draw with the disputed ties in both states (column ``tie_state``).
    dispatch_mode, price_profile, load_profile : str
        As :func:`~corridor_sim.models.serbia.study.inputs.year_inputs`.

    Returns
    -------
    DataFrame
        One row per draw, tie state and plant site: ``draw``, then the columns of
        :func:`study_draw` (``secure``: no N-1 violation caused in the plant's area;
        ``best``; hours, loadings, the plant's capacity factor, run hours and gas price; one
        column per drawn row).

    Examples
    --------
    >>> t = robustness(2029, draws=1, seed=1, sites=["krusevac"], hours=24)
    >>> t[["draw", "site", "tie_state"]].values.tolist()
    [[0, 'krusevac', 'RS-XK open']]
    """
    rng = np.random.default_rng([int(seed), 12])
    p = PARAMS.resolve(year, dict(overrides or {}))
    chosen = _default_ids(p) if ids is None else list(ids)
    frames = []
    for k in range(int(draws)):
        draw = draw_from_ranges(chosen, rng)
        table = study_draw(
            year,
            draw,
            seed=int(rng.integers(2**31)),
            overrides=overrides,
            sites=sites,
            hours=hours,
            planned=planned,
            open_ties=open_ties,
            both_tie_states=both_tie_states,
            dispatch_mode=dispatch_mode,
            price_profile=price_profile,
            load_profile=load_profile,
        )
        frames.append(table.assign(draw=k))
    out = pd.concat(frames, ignore_index=True)
    return out[["draw", *(c for c in out.columns if c != "draw")]]


def robustness_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per tie state and site: draws, probability of being N-1 secure and of being the best.

    Parameters
    ----------
    table : DataFrame
        :func:`robustness`'s table (``draw, site, secure, best, n1_site_violation_hours``
        and, when there, ``tie_state``, ``capacity_factor``).

    Returns
    -------
    DataFrame
        ``tie_state`` (when the table has it), ``site, draws, p_secure, p_best,
        median_site_violation_hours`` and ``median_capacity_factor`` (when the table has
        the capacity factor), in the table's order.

    Examples
    --------
    >>> t = pd.DataFrame({"draw": [0, 0, 1, 1], "site": ["a", "b", "a", "b"],
    ...                   "secure": [True, False, True, True], "best": [True, False, False, True],
    ...                   "n1_site_violation_hours": [0, 3, 0, 0]})
    >>> robustness_summary(t)[["site", "p_secure", "p_best"]].values.tolist()
    [['a', 1.0, 0.5], ['b', 0.5, 0.5]]
    """
    keys = ["tie_state", "site"] if "tie_state" in table.columns else ["site"]
    g = table.groupby(keys, sort=False)
    out = g["draw"].nunique().rename("draws").reset_index()
    out["p_secure"] = g["secure"].mean().to_numpy()
    out["p_best"] = g["best"].mean().to_numpy()
    out["median_site_violation_hours"] = g["n1_site_violation_hours"].median().to_numpy()
    if "capacity_factor" in table.columns:
        out["median_capacity_factor"] = g["capacity_factor"].median().to_numpy()
    return out
