"""How robust is each site's verdict? A small Monte Carlo over the catalogue's ranges.

Each draw takes every row of :data:`ROBUSTNESS_IDS` from its range (``low``, ``high``,
``distribution`` of ``assumptions_serbia_grid.csv``: line ratings and reactances,
transformer data, the neighbours' equivalents and net positions, the load's records,
shape, key and network losses, the plants' schedules, the prices), rebuilds the grid, the load, the
dispatch and the study of every site, and records which sites cause no N-1 violation
(``secure``) and which site the study ranks first (``best``). Draws are seeded from the
scenario's seed; the same seed gives the same table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.models.serbia.grid.network import GridSpec
from corridor_sim.models.serbia.grid.ties import default_open_borders
from corridor_sim.models.serbia.params import ALL_SITES, PARAMS, annual_energy_twh
from corridor_sim.models.serbia.profiles import HOURS
from corridor_sim.models.serbia.study.inputs import year_inputs
from corridor_sim.models.serbia.study.sites import attribute_violations, best_site, site_tables
from corridor_sim.models.serbia.values import cv, draw_from_ranges

__all__ = ["ROBUSTNESS_IDS", "robustness", "robustness_summary"]

#: Catalogue rows drawn from their ranges in each draw.
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
    "serbia.cost.gas.fuel",
    "serbia.market.power_price",
    "serbia.market.peak_base_ratio",
    "serbia.grid.ehv_connection_mw",
    "serbia.study.aggravation_pct",
    "serbia.study.area_km",
    "serbia.load.distribution_losses",
    "serbia.load.transmission_losses",
)


def robustness(
    year: int,
    *,
    draws: int,
    seed: int,
    overrides: Mapping[str, Any] | None = None,
    sites: Sequence[str] = ALL_SITES,
    hours: int = HOURS,
    planned: bool = True,
    ids: Sequence[str] = ROBUSTNESS_IDS,
    open_ties: frozenset[str] | None = None,
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
        Parameter overrides (technology, capacity, ...), as in a scenario.
    sites : sequence of str
        Sites compared ("none" is added: it decides which violations a site causes).
    hours : int
        Hours studied on the grid, from 1 January (the dispatch covers the year).
    planned : bool
        Include the planned grid changes.
    ids : sequence of str
        Catalogue rows to draw.
    open_ties : frozenset of str, optional
        Borders whose ties are open (default: those without N-1 credit, Serbia–Kosovo).

    Returns
    -------
    DataFrame
        One row per draw and plant site: ``draw, site, secure`` (no N-1 violation caused
        in the plant's area), ``n1_area_violation_hours``, ``best``,
        ``n1_site_violation_hours``, ``worst_n1_loading_pct``,
        ``worst_site_n1_loading_pct``, ``capacity_factor``, then one column per drawn row.

    Examples
    --------
    >>> t = robustness(2029, draws=1, seed=1, sites=["krusevac"], hours=24)
    >>> t[["draw", "site"]].values.tolist()
    [[0, 'krusevac']]
    """
    sites = list(dict.fromkeys(["none", *sites]))
    rng = np.random.default_rng([int(seed), 12])
    p = PARAMS.resolve(year, dict(overrides or {}))
    rows = []
    for k in range(int(draws)):
        draw = draw_from_ranges(list(ids), rng)
        ocgt = p.technology == "ocgt"
        grid = GridSpec(
            year=year,
            plant_capacity_mw=float(p.plant_capacity_mw),
            plant_min_load=float(p.ocgt_min_load if ocgt else p.min_load),
            annual_energy_twh=annual_energy_twh(year, draw),
            planned=planned,
            draw=draw,
            open_ties=default_open_borders() if open_ties is None else frozenset(open_ties),
        )
        yi = year_inputs(
            p, grid, rng=np.random.default_rng(rng.integers(2**31)), need_plant=True, need_none=True
        )
        tables = site_tables(sites, yi, grid=grid, n_hours=hours, events=[], ac_cases=0)
        attribute_violations(tables, cv("serbia.study.aggravation_pct", "%", draw))
        comp = tables["site_comparison"]
        best = best_site(comp)
        assert yi.with_plant is not None  # need_plant=True
        cf = float(yi.with_plant.plant_mw.sum() / (grid.plant_capacity_mw * HOURS))
        for row in comp[comp["site"] != "none"].itertuples(index=False):
            rows.append(
                {
                    "draw": k,
                    "site": row.site,
                    "secure": bool(row.n1_secure),
                    "n1_area_violation_hours": int(row.n1_area_violation_hours),
                    "best": row.site == best,
                    "n1_site_violation_hours": int(row.n1_site_violation_hours),
                    "worst_n1_loading_pct": float(row.worst_n1_loading_pct),
                    "worst_site_n1_loading_pct": float(row.worst_site_n1_loading_pct),
                    "capacity_factor": cf,
                    **dict(draw),
                }
            )
    return pd.DataFrame(rows)


def robustness_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per site: draws, probability of being N-1 secure and of being the best site.

    Examples
    --------
    >>> t = pd.DataFrame({"draw": [0, 0, 1, 1], "site": ["a", "b", "a", "b"],
    ...                   "secure": [True, False, True, True], "best": [True, False, False, True],
    ...                   "n1_site_violation_hours": [0, 3, 0, 0]})
    >>> robustness_summary(t)[["site", "p_secure", "p_best"]].values.tolist()
    [['a', 1.0, 0.5], ['b', 0.5, 0.5]]
    """
    g = table.groupby("site", sort=False)
    return pd.DataFrame(
        {
            "site": list(g.groups),
            "draws": g["draw"].nunique().to_numpy(),
            "p_secure": g["secure"].mean().to_numpy(),
            "p_best": g["best"].mean().to_numpy(),
            "median_site_violation_hours": g["n1_site_violation_hours"].median().to_numpy(),
        }
    )
