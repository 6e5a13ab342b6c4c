"""Caspian green-energy corridor: Central Asia – Caucasus – Europe as a pandapower net.

:func:`build` returns a real :class:`pandapower.pandapowerNet` with one bus per hub
(western Kazakhstan at the Caspian landing, the rest of Kazakhstan, Uzbekistan, the
Absheron landing and the rest of Azerbaijan, Georgia and its Black Sea landing,
Türkiye, the Romanian landing at Constanța and the European onward demand), each
with its demand (a load), wind/solar/hydro (static generators) and gas (a
dispatchable generator), the Caspian and Black Sea subsea cables and the
Georgia–Türkiye back-to-back link as pandapower ``dcline`` elements, and the AC
interconnections as lines. Every number is read from the facts catalogue: the seed
figures (2 GW export potential today, 8 GW more by 2032) and the labelled
assumptions in ``assumptions_caspian.csv``.

The package holds the parameters and options (:mod:`.params`), the net
(:mod:`.network`), the hourly profiles (:mod:`.profiles`), the dispatch (:mod:`.dispatch`),
the result tables (:mod:`.tables`, :mod:`.summary`, :mod:`.powerflow`), the capacity study
(:mod:`.study`), the scenario run (:mod:`.run`) and the figures (:mod:`.figures`);
:data:`MODEL` wires it to the scenario layer. See ``docs/caspian.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from corridor_sim.models.base import ModelEntry, lazy_figures
from corridor_sim.models.caspian.network import HUBS, LINKS, ROUTES, network
from corridor_sim.models.caspian.params import (
    HOURS_PER_YEAR,
    OPTIONS,
    PARAMS,
    check_year,
    resolve_year,
)
from corridor_sim.models.caspian.powerflow import snapshots
from corridor_sim.models.caspian.profiles import profiles
from corridor_sim.models.caspian.run import run_year, simulate
from corridor_sim.models.caspian.schedule import schedule_share
from corridor_sim.models.caspian.study import capacity_study

if TYPE_CHECKING:
    import pandapower as pp

__all__ = [
    "HUBS",
    "LINKS",
    "MODEL",
    "OPTIONS",
    "PARAMS",
    "ROUTES",
    "build",
    "capacity_study",
    "elements",
    "parameters",
    "profiles",
    "resolve",
    "run_year",
    "schedule_share",
    "simulate",
    "snapshots",
]


def elements(year: int) -> list[str]:
    """Return the element ids an event may name (the links), e.g. ``"black_sea_cable"``.

    Parameters
    ----------
    year : int
        Model year (checked; every link is listed, in service or not).

    Returns
    -------
    list of str
        The link ids of the network, cables and interconnectors first.

    Raises
    ------
    SpecError
        A year outside the model's range.

    Examples
    --------
    >>> elements(2032)[:4]
    ['caspian_cable', 'black_sea_cable', 'ge_tr', 'az_ge']
    """
    check_year(year)
    return list(LINKS)


def resolve(year: int, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Every parameter's value for `year` with `overrides` applied and checked, as a dict.

    Kept for compatibility: :func:`corridor_sim.models.caspian.params.resolve_year` (or
    ``PARAMS.resolve``) returns the same values as a
    :class:`~corridor_sim.models.params.ParamValues`.

    Parameters
    ----------
    year : int
        Model year.
    overrides : mapping of str to float
        Parameter values replacing the year's defaults (names as in :func:`parameters`).

    Returns
    -------
    dict of str to object
        Every parameter's value (MW, shares, EUR/MWh as declared).

    Raises
    ------
    UnknownNameError
        An override name is not in :data:`PARAMS` (with a "did you mean").
    SpecError
        A bad year, or a value that is not a finite number within the parameter's bounds.

    Examples
    --------
    >>> p = resolve(2032, {"caspian_cable_mw": 1500.0})
    >>> p["caspian_cable_mw"], p["black_sea_cable_mw"]
    (1500.0, 1300.0)
    """
    return dict(resolve_year(year, overrides))


def build(year: int, **overrides: float) -> pp.pandapowerNet:
    """Return the corridor for `year` as a pandapower net (runs in ``runpp`` and ``rundcpp``).

    Parameters
    ----------
    year : int
        Modelled year: 2026 is today (2 GW export potential, no subsea cables yet),
        2032 the full state (+8 GW in Azerbaijan, the Caspian and Black Sea cables);
        years in between follow the schedule ``caspian.schedule.buildout`` (at least 7 GW
        of the 8 GW by 2030).
    **overrides : float
        Values replacing defaults of :func:`parameters` (e.g. ``black_sea_cable_mw=2600``).

    Returns
    -------
    pandapower.pandapowerNet
        Buses named by hub with ``geo`` coordinates (GeoJSON points, lon/lat), loads
        ``<hub>.demand``, static generators ``<hub>.<kind>`` (``max_p_mw`` = installed
        MW, ``p_mw`` = mean output), gas generators ``<hub>.gas`` (one slack per AC
        island), the sink ``europe.sink`` (negative output = energy taken by Europe,
        priced at ``europe_value_eur_per_mwh``), dclines and lines named by link id,
        plus the tables ``net["caspian_hubs"]`` (``element`` = hub id, country, lat,
        lon, vn_kv), ``net["caspian_links"]`` (``element`` = link id, ``element_type``
        and ``element_index`` of its pandapower row, kind, hubs, ``capacity_mw``,
        ``length_km``, ``loss_pct``) and ``net["caspian_parameters"]``. The as-built
        operating point (mean demand and renewable output, gas filling the rest, cables at
        0 MW) solves in ``runpp``.

    Notes
    -----
    pandapower's own OPF (``rundcopp``, ``runopp``) fixes each dcline's direction by the
    sign of its ``p_mw``: at the as-built 0 MW it allows only ``to -> from`` (eastward)
    flow. Set ``net.dcline["p_mw"]`` positive (westward) or negative before calling it, and
    ``net.sgen["max_p_mw"]`` to an hour's available output (as built it is the installed
    MW). The model's own dispatch (:func:`run_year`) lets every link run both ways and adds
    the per-country thermal cap, which pandapower's OPF does not have.

    Raises
    ------
    UnknownNameError
        An override name is not a parameter (the message suggests close names).
    SpecError
        `year` before 2022, or an override that is negative, NaN or out of range.

    Examples
    --------
    >>> import pandapower as pp
    >>> net = build(2032)
    >>> pp.runpp(net)
    >>> bool(net.converged), len(net.bus)
    (True, 14)
    >>> float(net.dcline.set_index("name").at["black_sea_cable", "max_p_mw"])
    1300.0
    """
    return network(resolve_year(year, overrides))


MODEL = ModelEntry(
    name="caspian",
    description="Caspian green-energy corridor (KZ/UZ–AZ–GE–TR/RO–Europe): hourly DC-OPF "
    "dispatch, bottlenecks, cable sizing",
    build=build,
    simulate=simulate,
    params=PARAMS,
    elements=elements,
    options=OPTIONS,
    resolutions=("hour",),
    figures=lazy_figures("corridor_sim.models.caspian.figures:figures"),
    max_periods=HOURS_PER_YEAR,
    #: 2022: base year of the profiles and demand figures; 2035: the latest national plan read
    years=(2022, 2035),
)
parameters = MODEL.parameters
