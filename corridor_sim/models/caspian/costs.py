"""Investment and annual cost of the corridor's expandable links, from public project costs.

Per MW of rating:

* the Black Sea cable: its published project cost over its published rating
  (``caspian.cost.black_sea_cable`` / ``caspian.cable.black_sea.capacity``, B3, B2);
* the Caspian cable: HVDC submarine cable per MW and km times its length plus an HVDC
  converter pair (``caspian.cost.hvdc_submarine``, ``caspian.cost.hvdc_converter_pair``, B12);
* the Azerbaijan–Georgia reinforcement and the Zangezur line: HVAC overhead line per MW and km
  (``caspian.cost.hvac_overhead``, B12) times the route length;
* the Nakhchivan–Türkiye link: the overhead line plus the converter substation (a converter
  pair per kW, B12).

The annual cost of one MW is the investment times the annuity factor at
``discount_rate_pct`` over ``caspian.cost.transmission_life`` plus the fixed O&M share
``caspian.cost.transmission_fom``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.engines.dispatch import annuity_factor as engine_annuity_factor
from corridor_sim.units import PERCENT, THOUSAND

__all__ = ["EXPANDABLE", "annuity_factor", "link_costs", "lower_bounds", "npv", "ratings"]

#: Links whose rating the capacity study and the sizing optimise, in this order.
EXPANDABLE = ("caspian_cable", "black_sea_cable", "az_ge", "az_nakhchivan", "nakhchivan_tr")


def annuity_factor(rate_pct: float, life_yr: float) -> float:
    """Equal annual payment per unit of investment at `rate_pct` over `life_yr` years.

    The engine's :func:`corridor_sim.engines.dispatch.annuity_factor` with the rate in %.

    Examples
    --------
    >>> round(annuity_factor(7.0, 40), 6)
    0.075009
    >>> annuity_factor(0.0, 25)
    0.04

    Raises
    ------
    SpecError
        A rate of -100 % or below, or a life that is not positive.
    """
    return engine_annuity_factor(rate_pct / PERCENT, life_yr)


def npv(annual_eur: float, investment_eur: float, rate_pct: float, life_yr: float) -> float:
    """Net present value (EUR) of `annual_eur` each year for `life_yr` years less the investment."""
    return annual_eur / annuity_factor(rate_pct, life_yr) - investment_eur


def link_costs(p: Mapping[str, Any], lengths_km: Mapping[str, float]) -> pd.DataFrame:
    """Investment and annual cost per MW of each link of :data:`EXPANDABLE`.

    Parameters
    ----------
    p : mapping
        Resolved parameters (``discount_rate_pct``).
    lengths_km : mapping
        Route length of each link (the net's ``caspian_links`` table).

    Returns
    -------
    DataFrame
        Index ``element``; columns ``investment_eur_per_mw``, ``annual_eur_per_mw`` (annuity
        plus fixed O&M), ``basis`` (how the figure was made).
    """
    life = value("caspian.cost.transmission_life", unit="yr")
    fom = value("caspian.cost.transmission_fom", unit="%") / PERCENT
    factor = annuity_factor(p["discount_rate_pct"], life) + fom
    converter = value("caspian.cost.hvdc_converter_pair", unit="EUR/kW") * THOUSAND
    subsea = value("caspian.cost.hvdc_submarine", unit="EUR/MW/km")
    overhead = value("caspian.cost.hvac_overhead", unit="EUR/MW/km")
    black_sea = (
        value("caspian.cost.black_sea_cable", unit="MEUR")
        * THOUSAND
        * THOUSAND
        / value("caspian.cable.black_sea.capacity", unit="MW")
    )
    rows = {
        "caspian_cable": (
            subsea * lengths_km["caspian_cable"] + converter,
            "HVDC subsea per MW-km x length + converter pair (B12)",
        ),
        "black_sea_cable": (black_sea, "published project cost / published rating (B3, B2)"),
        "az_ge": (overhead * lengths_km["az_ge"], "HVAC overhead per MW-km x length (B12)"),
        "az_nakhchivan": (
            overhead * lengths_km["az_nakhchivan"],
            "HVAC overhead per MW-km x length (B12)",
        ),
        "nakhchivan_tr": (
            overhead * lengths_km["nakhchivan_tr"] + converter,
            "HVAC overhead per MW-km x length + converter (B12)",
        ),
    }
    table = pd.DataFrame(
        {
            "investment_eur_per_mw": [rows[k][0] for k in EXPANDABLE],
            "annual_eur_per_mw": [rows[k][0] * factor for k in EXPANDABLE],
            "basis": [rows[k][1] for k in EXPANDABLE],
        },
        index=pd.Index(EXPANDABLE, name="element"),
    )
    return table


def lower_bounds(p: Mapping[str, Any]) -> dict[str, float]:
    """Existing rating of each link of :data:`EXPANDABLE` (MW): only what is added costs.

    The AZ–GE tie's ``az_ge_mw`` and Nakhchivan's 75 MW exchange
    (``caspian.link.nakhchivan_tr.today``) exist; the cables and the Zangezur line do not.
    """
    return {
        "caspian_cable": 0.0,
        "black_sea_cable": 0.0,
        "az_ge": float(p["az_ge_mw"]),
        "az_nakhchivan": 0.0,
        "nakhchivan_tr": value("caspian.link.nakhchivan_tr.today", unit="MW"),
    }


def ratings(p: Mapping[str, Any]) -> dict[str, float]:
    """Rating (MW) of each link of :data:`EXPANDABLE` under the parameters `p`."""
    return {
        "caspian_cable": float(p["caspian_cable_mw"]),
        "black_sea_cable": float(p["black_sea_cable_mw"]),
        "az_ge": float(p["az_ge_mw"] + p["az_ge_reinforcement_mw"]),
        "az_nakhchivan": float(p["az_nakhchivan_mw"]),
        "nakhchivan_tr": float(p["nakhchivan_tr_mw"]),
    }
