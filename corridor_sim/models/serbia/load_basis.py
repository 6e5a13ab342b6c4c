"""The energy basis of the Serbian load: end customers' consumption plus the network losses.

C4's 30.8 TWh (2024, ``serbia.load.annual_energy``) is what Serbia's **end customers**
consumed ("excluding internal use": households, other low voltage, medium and high voltage;
AERS via SEE Energy News). The grid carries more than that: the distribution networks lose a
share ``d`` of what they draw (``serbia.load.distribution_losses``) and the transmission grid
a share ``t`` of what it carries (``serbia.load.transmission_losses``). Two bases follow:

* **system consumption** ``S = C / ((1 - d) (1 - t))`` -- Serbian plants' net output plus net
  imports (pumping aside): ENTSO-E's "actual total load", the basis of the measured hours and
  of EMS's daily consumption records. The load shape is built on it (its record days are
  on it), and the market dispatch, whose DC-OPF has no losses, balances it.
* **withdrawal at the substations** ``W = S (1 - t) = C / (1 - d)`` -- what the 220/400 kV
  substations deliver to the distribution networks (and the customers they feed). The grid
  study puts it at the buses; the power flows compute the transmission losses themselves.

:func:`load_basis_table` prints the terms of a year with their catalogue rows.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.models.serbia.values import cv

__all__ = [
    "CONSUMPTION",
    "DISTRIBUTION_LOSSES",
    "TRANSMISSION_LOSSES",
    "load_basis_table",
    "system_energy_factor",
    "system_energy_twh",
    "withdrawal_share",
]

#: End customers' consumption of the base year (C4), TWh.
CONSUMPTION = "serbia.load.annual_energy"
#: Distribution losses, share of the energy the distribution networks draw.
DISTRIBUTION_LOSSES = "serbia.load.distribution_losses"
#: Transmission losses, share of the energy the transmission grid carries.
TRANSMISSION_LOSSES = "serbia.load.transmission_losses"


def system_energy_factor(draw: Mapping[str, float] | None = None) -> float:
    """System consumption over end customers' consumption: ``1 / ((1 - d) (1 - t))``.

    Parameters
    ----------
    draw : Mapping, optional
        Catalogue values drawn by the robustness study (or a fitted shape's).

    Returns
    -------
    float
        The factor (about 1.16 at the catalogue's 11.5 % and 2.44 %).

    Examples
    --------
    >>> round(system_energy_factor(), 4)
    1.1582
    >>> system_energy_factor({DISTRIBUTION_LOSSES: 0.0, TRANSMISSION_LOSSES: 0.0})
    1.0
    """
    d = cv(DISTRIBUTION_LOSSES, "p.u.", draw)
    t = cv(TRANSMISSION_LOSSES, "p.u.", draw)
    return 1.0 / ((1.0 - d) * (1.0 - t))


def withdrawal_share(draw: Mapping[str, float] | None = None) -> float:
    """Substations' withdrawal over system consumption: ``1 - t``.

    The grid study puts ``S (1 - t)`` at the substations; its power flows add the
    transmission losses.

    Parameters
    ----------
    draw : Mapping, optional
        Catalogue values drawn by the robustness study.

    Returns
    -------
    float

    Examples
    --------
    >>> round(withdrawal_share(), 4)
    0.9756
    """
    return 1.0 - cv(TRANSMISSION_LOSSES, "p.u.", draw)


def system_energy_twh(draw: Mapping[str, float] | None = None) -> float:
    """System consumption of the base year, TWh: ``C4 * system_energy_factor``.

    Parameters
    ----------
    draw : Mapping, optional
        Catalogue values drawn by the robustness study (or a fitted shape's: a measured
        total load carries its losses, so the fit sets both loss shares to zero).

    Returns
    -------
    float

    Examples
    --------
    >>> round(system_energy_twh(), 2)
    35.67
    """
    return cv(CONSUMPTION, "TWh", draw) * system_energy_factor(draw)


def load_basis_table(year: int | None = None) -> pd.DataFrame:
    """Return the terms of the load's energy in `year` (default the base year), TWh.

    Rows: end customers' consumption ``C`` (C4 grown at ``serbia.load.growth_per_yr``),
    distribution losses ``C d / (1 - d)``, the withdrawal at the substations ``W``,
    transmission losses ``W t / (1 - t)`` and the system consumption ``S``.

    Parameters
    ----------
    year : int, optional
        Model year; default ``serbia.load.base_year``.

    Returns
    -------
    DataFrame
        Columns ``term``, ``energy_twh``, ``formula``, ``source``.

    Examples
    --------
    >>> t = load_basis_table().set_index("term")["energy_twh"].round(2)
    >>> float(t["end customers' consumption"]), float(t["system consumption"])
    (30.8, 35.67)
    """
    base = int(value("serbia.load.base_year", unit="year"))
    year = base if year is None else int(year)
    growth = value("serbia.load.growth_per_yr", unit="1/yr")
    c = value(CONSUMPTION, unit="TWh") * (1 + growth) ** max(0, year - base)
    d = value(DISTRIBUTION_LOSSES, unit="p.u.")
    t = value(TRANSMISSION_LOSSES, unit="p.u.")
    w = c / (1 - d)
    s = w / (1 - t)
    rows = [
        ("end customers' consumption", c, "C", f"{CONSUMPTION}, serbia.load.growth_per_yr"),
        ("distribution losses", w - c, "C d / (1 - d)", DISTRIBUTION_LOSSES),
        ("withdrawal at the substations", w, "W = C / (1 - d)", "the grid study's bus loads"),
        ("transmission losses", s - w, "W t / (1 - t)", TRANSMISSION_LOSSES),
        ("system consumption", s, "S = W / (1 - t)", "the load shape's and the market's basis"),
    ]
    return pd.DataFrame(rows, columns=["term", "energy_twh", "formula", "source"])
