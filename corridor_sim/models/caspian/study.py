"""The Caspian corridor's capacity study: sweep both cable ratings on the same profiles."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import pandas as pd

from corridor_sim.models.caspian import tables
from corridor_sim.models.caspian.costs import EXPANDABLE, link_costs, lower_bounds, ratings
from corridor_sim.models.caspian.dispatch import availability, dispatch_year
from corridor_sim.models.caspian.network import ROUTES
from corridor_sim.models.caspian.params import resolve_options, resolve_year
from corridor_sim.models.caspian.summary import summary_rows
from corridor_sim.units import HOURS_PER_YEAR, MEGA

__all__ = ["capacity_study"]


def capacity_study(
    year: int,
    *,
    caspian_mw: Sequence[float],
    black_sea_mw: Sequence[float],
    prof: pd.DataFrame,
    avail: pd.DataFrame | None = None,
    block_hours: int | None = None,
    ramping: bool = False,
    **overrides: Any,
) -> pd.DataFrame:
    """Sweep the two cable ratings: exports, curtailment and the binding link at each point.

    Parameters
    ----------
    year : int
        Modelled year.
    caspian_mw, black_sea_mw : sequence of float
        Ratings to try (MW, non-empty, >= 0); every combination is dispatched on the same
        profiles.
    prof : DataFrame
        Hourly profiles (:func:`corridor_sim.models.caspian.profiles`).
    avail : DataFrame, optional
        Link availability (events); default all available.
    block_hours : int, optional
        Hours per LP block.
    ramping : bool, default False
        Thermal ramp limits (see :func:`corridor_sim.models.caspian.run_year`).
    **overrides : float
        Other parameter overrides (the cable ratings are set by the sweep).

    Returns
    -------
    DataFrame
        ``caspian_mw, black_sea_mw, exported_twh, export_<route>_twh, europe_intake_twh,
        curtailed_twh, bottleneck`` (:func:`.tables.bottleneck`), ``cable_capex_meur``
        (investment of both cables at those ratings,
        :func:`corridor_sim.models.caspian.costs.link_costs`), ``objective_meur`` (the
        dispatch's operating objective over the horizon), ``cable_annuity_meur`` (annuity
        and fixed O&M of what every link of :data:`.costs.EXPANDABLE` adds above its existing
        rating, for the horizon's share of a year) and ``annual_cost_meur`` (their sum: what
        the sizing optimisation minimises, :mod:`.sizing`), ``hours`` (dispatched: the
        costs are for this share of a year).

    Raises
    ------
    SpecError
        A rating that is not a finite number >= 0 (named ``options.study_<cable>_mw``), or a
        bad override.

    Examples
    --------
    Two Caspian cable ratings on one day's profiles (a study over the year takes minutes):

    >>> from corridor_sim.models.caspian import profiles
    >>> study = capacity_study(2032, caspian_mw=[0.0, 1500.0], black_sea_mw=[1300.0],
    ...                        prof=profiles(2032, seed=1, hours=24))
    >>> study[["caspian_mw", "bottleneck"]].values.tolist()
    [[0.0, 'ge_tr'], [1500.0, 'tr_eu']]
    """
    opts = resolve_options(
        {"study_caspian_mw": caspian_mw, "study_black_sea_mw": black_sea_mw}, len(prof)
    )
    if avail is None:
        avail = availability((), len(prof))
    rows = []
    for cm, bm in itertools.product(opts["study_caspian_mw"], opts["study_black_sea_mw"]):
        p = resolve_year(year, {**overrides, "caspian_cable_mw": cm, "black_sea_cable_mw": bm})
        net, h = dispatch_year(p, prof, avail, block_hours, ramping=ramping)
        ranking = tables.bottlenecks(h, net)
        summ = {m: v for m, v, _, _ in summary_rows(h, ranking)}
        costs = link_costs(p, net["caspian_links"].set_index("element")["length_km"])
        cables = {"caspian_cable": cm, "black_sea_cable": bm}
        capex = sum(mw * costs.at[k, "investment_eur_per_mw"] for k, mw in cables.items())
        share = len(prof) / HOURS_PER_YEAR
        rated, low = ratings(p), lower_bounds(p)
        annuity = share * sum(
            max(0.0, rated[k] - low[k]) * costs.at[k, "annual_eur_per_mw"] for k in EXPANDABLE
        )
        rows.append(
            {
                "caspian_mw": cm,
                "black_sea_mw": bm,
                "exported_twh": summ["exported_twh"],
                **{f"export_{r}_twh": summ[f"export_{r}_twh"] for r in ROUTES},
                "europe_intake_twh": summ["europe_intake_twh"],
                "curtailed_twh": summ["curtailed_twh"],
                "bottleneck": tables.bottleneck(ranking),
                "cable_capex_meur": capex / MEGA,
                "objective_meur": summ["objective_meur"],
                "cable_annuity_meur": annuity / MEGA,
                "annual_cost_meur": summ["objective_meur"] + annuity / MEGA,
                "hours": len(prof),
            }
        )
    return pd.DataFrame(rows)
