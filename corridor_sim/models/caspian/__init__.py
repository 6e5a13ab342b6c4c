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

The hourly study (profiles, dispatch, bottlenecks, capacity sweep) lives in
:mod:`corridor_sim.models.caspian.profiles` and
:mod:`corridor_sim.models.caspian.study`; :data:`MODEL` wires it to the scenario
layer. See ``docs/caspian.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor_sim.catalogue import fact, value
from corridor_sim.errors import SpecError, UnknownNameError, suggest
from corridor_sim.models.caspian.network import (
    HUBS,
    LINKS,
    ROUTES,
    _check_year,
    assemble,
    schedule_share,
)
from corridor_sim.models.caspian.profiles import profiles
from corridor_sim.models.caspian.run import simulate as _simulate
from corridor_sim.models.caspian.study import capacity_study, run_year, snapshots
from corridor_sim.models.base import ModelEntry, Parameter

if TYPE_CHECKING:
    import pandapower as pp

    from corridor_sim.models.base import ScenarioLike
    from corridor_sim.results.result import Result

__all__ = [
    "HUBS",
    "LINKS",
    "MODEL",
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

_GW = 1000  # MW per GW

# override name -> (catalogue id, unit, gate): gate names the cable whose commissioning
# year switches the default on (0 MW before it)
_FROM_CATALOGUE: dict[str, tuple[str, str, str | None]] = {
    "caspian_cable_mw": ("caspian.cable.caspian.capacity", "MW", "caspian"),
    "black_sea_cable_mw": ("caspian.cable.black_sea.capacity", "MW", "black_sea"),
    "az_ge_mw": ("caspian.link.az_ge.capacity", "MW", None),
    "ge_tr_mw": ("caspian.link.ge_tr.capacity", "MW", None),
    "kz_uz_mw": ("caspian.link.kz_uz.capacity", "MW", None),
    "tr_eu_mw": ("caspian.link.tr_eu.capacity", "MW", None),
    "az_wind_share": ("caspian.az.wind_share", "-", None),
    "kz_export_wind_mw": ("caspian.export.kz_wind", "MW", "caspian"),
    "uz_export_mw": ("caspian.export.uz_capacity", "MW", "caspian"),
    "gas_cost_kz_eur_per_mwh": ("caspian.cost.gas.kz", "EUR/MWh", None),
    "gas_cost_uz_eur_per_mwh": ("caspian.cost.gas.uz", "EUR/MWh", None),
    "gas_cost_az_eur_per_mwh": ("caspian.cost.gas.az", "EUR/MWh", None),
    "gas_cost_ge_eur_per_mwh": ("caspian.cost.gas.ge", "EUR/MWh", None),
    "gas_cost_tr_eur_per_mwh": ("caspian.cost.gas.tr", "EUR/MWh", None),
    "europe_value_eur_per_mwh": ("caspian.cost.europe_value", "EUR/MWh", None),
    "voll_eur_per_mwh": ("caspian.cost.voll", "EUR/MWh", None),
    "demand_growth_pct_per_yr": ("caspian.demand.growth_pct_per_yr", "%", None),
}


def parameters(year: int) -> dict[str, Parameter]:
    """Return the overrides :func:`build` accepts for `year`, with defaults and sources.

    Parameters
    ----------
    year : int
        Modelled year (>= 2022, the earliest data year; before 2026 the 2026 fleet
        holds, after 2032 the 2032 state).

    Returns
    -------
    dict of str to Parameter
        Name -> :class:`~corridor_sim.models.base.Parameter` (default, unit, source).
        Cable ratings and the Central Asian export fleets are 0 before the cables'
        commissioning year (``caspian.cable.*.commission_year``).

    Examples
    --------
    >>> p = parameters(2032)
    >>> p["black_sea_cable_mw"].default, p["az_green_mw"].default, p["az_gas_export_mw"].default
    (1300.0, 9230.0, 2000.0)
    >>> parameters(2026)["black_sea_cable_mw"].default
    0.0
    """
    year = _check_year(year)
    on = {
        gate: year >= value(f"caspian.cable.{gate}.commission_year", unit="year")
        for gate in ("caspian", "black_sea")
    }
    out: dict[str, Parameter] = {}
    for name, (fid, unit, gate) in _FROM_CATALOGUE.items():
        default = value(fid, unit=unit) if gate is None or on[gate] else 0.0
        source = fid if gate is None else f"{fid}, caspian.cable.{gate}.commission_year"
        upper = 1.0 if unit == "-" else None
        out[name] = Parameter(name, float(default), unit, fact(fid).subject, source, 0.0, upper)
    az_green = (
        value("caspian.az.green_today", unit="MW")
        + schedule_share(year) * value("az.power.capacity_added_by_2032", unit="GW") * _GW
    )
    out["az_green_mw"] = Parameter(
        "az_green_mw",
        float(az_green),
        "MW",
        "Azerbaijan's wind+solar capacity (1.23 GW in 2026, + at least 7 GW by 2030, + 8 GW by "
        "2032, piecewise linear)",
        "caspian.az.green_today, az.power.capacity_added_by_2032, az.green.capacity_5yr, "
        "caspian.schedule.buildout",
    )
    out["az_gas_export_mw"] = Parameter(
        "az_gas_export_mw",
        float(value("az.power.export_potential_now", unit="GW") * _GW),
        "MW",
        "Azerbaijan's gas output allowed above its own demand (today's 2 GW export potential)",
        "az.power.export_potential_now, caspian.az.gas_export_today",
    )
    return out


def elements(year: int) -> list[str]:
    """Return the element ids an event may name (the links), e.g. ``"black_sea_cable"``."""
    _check_year(year)
    return list(LINKS)


def resolve(year: int, overrides: Mapping[str, Any]) -> dict[str, float]:
    """Return every parameter's value for `year` with `overrides` applied and checked.

    Raises
    ------
    UnknownNameError
        An override name is not in :func:`parameters` (with a "did you mean").
    SpecError
        A value that is not a finite number within the parameter's bounds.
    """
    specs = parameters(year)
    out = {k: float(p.default) for k, p in specs.items()}
    for key, raw in overrides.items():
        if key not in specs:
            msg = f"caspian override {key!r} = {raw!r}: unknown parameter, {suggest(key, specs)}"
            raise UnknownNameError(msg)
        spec = specs[key]
        ok_type = isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(
            raw, bool
        )
        number = float(raw) if ok_type else math.nan
        too_low = spec.minimum is not None and number < spec.minimum
        too_high = spec.maximum is not None and number > spec.maximum
        if not math.isfinite(number) or too_low or too_high:
            bounds = f"[{spec.minimum}, {spec.maximum if spec.maximum is not None else 'inf'}]"
            msg = (
                f"caspian override {key} = {raw!r}: expected a finite number in {spec.unit} "
                f"within {bounds}"
            )
            raise SpecError(msg)
        out[key] = number
    return out


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
        plus the tables ``net["caspian_hubs"]``, ``net["caspian_links"]`` and
        ``net["caspian_parameters"]``. The as-built operating point (mean demand and
        renewable output, gas filling the rest, cables at 0 MW) solves in ``runpp``.

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
    (True, 10)
    >>> float(net.dcline.set_index("name").at["black_sea_cable", "max_p_mw"])
    1300.0
    """
    year = _check_year(year)
    p = resolve(year, overrides)
    units = {k: spec.unit for k, spec in parameters(year).items()}
    return assemble(year, p, units)


_OPTIONS = {
    "week": "0-based week of the year for the hourly export stack (default: most varied week)",
    "snapshot_hours": "hours for pandapower AC/DC power-flow snapshots (default: peak export, "
    "peak demand)",
    "study_caspian_mw": "list of Caspian cable ratings (MW) for the capacity study",
    "study_black_sea_mw": "list of Black Sea cable ratings (MW) for the capacity study",
    "block_hours": "hours per dispatch LP block (default: the engine's, 168 h; the whole horizon "
    "with ramping)",
    "ramping": "true: thermal ramp limits couple the hours (caspian.gen.gas.ramp_share_per_h)",
}


def simulate(scenario: ScenarioLike) -> Result:
    """Run the hourly corridor study of `scenario` (see ``docs/caspian.md``).

    Reads ``scenario.year``, ``overrides``, ``periods`` (hours, default 8760),
    ``seed``, ``events`` (link id, start hour, duration in hours, availability) and
    ``options`` (``week``, ``snapshot_hours``, ``study_caspian_mw``,
    ``study_black_sea_mw``, ``block_hours``, ``ramping``) and returns :func:`run_year`'s
    Result.
    """
    return _simulate(scenario)


def _figures(result: Any) -> dict[str, Any]:  # noqa: ANN401 - Result -> Figures
    from corridor_sim.models.caspian.figures import figures  # noqa: PLC0415 - matplotlib on use

    return figures(result)


MODEL = ModelEntry(
    name="caspian",
    description="Caspian green-energy corridor (KZ/UZ–AZ–GE–TR/RO–Europe): hourly DC-OPF "
    "dispatch, bottlenecks, cable sizing",
    build=build,
    simulate=simulate,
    parameters=parameters,
    elements=elements,
    options=_OPTIONS,
    resolutions=("hour",),
    figures=_figures,
)
