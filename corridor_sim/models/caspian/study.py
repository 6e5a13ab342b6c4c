"""The Caspian corridor's capacity study: sweep both cable ratings on the same profiles."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.models.caspian import tables
from corridor_sim.models.caspian.dispatch import availability, dispatch_year
from corridor_sim.models.caspian.network import ROUTES
from corridor_sim.models.caspian.params import resolve_options, resolve_year
from corridor_sim.models.caspian.summary import first_binding, summary_rows
from corridor_sim.units import MEGA, THOUSAND

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
    **overrides: Any,  # noqa: ANN401
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
        curtailed_twh, binding_link, cable_capex_meur`` (investment of both cables at
        those ratings: submarine cable per MW-km plus a converter pair per kW, B12).

    Raises
    ------
    SpecError
        A rating that is not a finite number >= 0 (named ``options.study_<cable>_mw``), or a
        bad override.
    """
    opts = resolve_options(
        {"study_caspian_mw": caspian_mw, "study_black_sea_mw": black_sea_mw}, len(prof)
    )
    if avail is None:
        avail = availability((), len(prof))
    per_mw_km = value("caspian.cost.hvdc_submarine", unit="EUR/MW/km")
    per_kw = value("caspian.cost.hvdc_converter_pair", unit="EUR/kW")
    lengths = {
        "caspian": value("caspian.cable.caspian.length", unit="km"),
        "black_sea": value("caspian.cable.black_sea.length", unit="km"),
    }
    rows = []
    for cm, bm in itertools.product(opts["study_caspian_mw"], opts["study_black_sea_mw"]):
        p = resolve_year(year, {**overrides, "caspian_cable_mw": cm, "black_sea_cable_mw": bm})
        net, h = dispatch_year(p, prof, avail, block_hours, ramping=ramping)
        ranking = tables.bottlenecks(h, net)
        summ = {m: v for m, v, _, _ in summary_rows(h, ranking)}
        capex = sum(
            mw * (lengths[k] * per_mw_km + THOUSAND * per_kw)
            for k, mw in (("caspian", cm), ("black_sea", bm))
        )
        rows.append(
            {
                "caspian_mw": cm,
                "black_sea_mw": bm,
                "exported_twh": summ["exported_twh"],
                **{f"export_{r}_twh": summ[f"export_{r}_twh"] for r in ROUTES},
                "europe_intake_twh": summ["europe_intake_twh"],
                "curtailed_twh": summ["curtailed_twh"],
                "binding_link": first_binding(ranking),
                "cable_capex_meur": capex / MEGA,
            }
        )
    return pd.DataFrame(rows)
