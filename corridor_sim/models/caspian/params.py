"""Parameters and options of the Caspian corridor model, each declared once.

:data:`PARAMS` lists every override :func:`corridor_sim.models.caspian.build` accepts, with
its unit, bounds and where its default comes from: a catalogue row (``seeds.csv`` for the
documented figures, ``assumptions_caspian.csv`` for the rest) or a rule over such rows (the
cable ratings and the Central Asian export fleets switch on in the cables' commissioning
year; Azerbaijan's green fleet follows the build-out schedule). :data:`OPTIONS` lists the
scenario ``[options]``. The year checks and the build-out schedule live here too, because
the rules need them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from corridor_sim.catalogue import fact, value
from corridor_sim.errors import SpecError
from corridor_sim.models.params import Option, OptionTable, Param, ParamTable, ParamValues
from corridor_sim.units import HOURS_PER_DAY, HOURS_PER_YEAR, MW_PER_GW

__all__ = [
    "HOURS_PER_WEEK",
    "HOURS_PER_YEAR",
    "OPTIONS",
    "PARAMS",
    "applies",
    "check_hours",
    "check_year",
    "resolve_options",
    "resolve_year",
    "schedule_share",
]

#: Hours in a week (the export-stack figure shows one).
HOURS_PER_WEEK = 7 * HOURS_PER_DAY


def applies(rule_id: str) -> None:
    """Record that the model applies the catalogue rule `rule_id` (a row without a value).

    Rule rows (unit ``rule``) document how the model uses the figures, e.g.
    ``caspian.link.az_ge.reinforcement``; reading them here lists them in the provenance
    of every run that applies them.
    """
    fact(rule_id)


# -- years --------------------------------------------------------------------------------
def schedule_years() -> tuple[int, int]:
    """Return the base ('today') and target year of the build-out, from the seed facts."""
    base = fact("az.power.export_potential_now").year
    target = fact("az.power.capacity_added_by_2032").year
    return int(base), int(target)


def schedule_share(year: int) -> float:
    """Share (0..1) of the 2026 -> 2032 build-out reached in `year` (piecewise linear, clipped).

    The path runs through the seed figures: 0 today (2026), at least 7 GW of the 8 GW by
    2030 (``az.green.capacity_5yr``: "at least 7 gigawatts ... over the next five years"),
    all 8 GW by 2032 (``az.power.capacity_added_by_2032``); see
    ``caspian.schedule.buildout``.

    Examples
    --------
    >>> schedule_share(2026), schedule_share(2030), schedule_share(2032)
    (0.0, 0.875, 1.0)
    >>> schedule_share(2029)
    0.65625
    """
    applies("caspian.schedule.buildout")
    base, target = schedule_years()
    mid = int(fact("az.green.capacity_5yr").year)
    mid_share = value("az.green.capacity_5yr", unit="GW") / value(
        "az.power.capacity_added_by_2032", unit="GW"
    )
    if not base < mid < target:  # the five-year target outside the schedule: plain linear
        return float(min(1, max(0, (year - base) / (target - base))))
    return float(np.interp(year, [base, mid, target], [0.0, min(1.0, mid_share), 1.0]))


def _earliest_year() -> int:
    """Earliest data year of the national demand figures: the first year the model accepts."""
    ids = [f"caspian.demand.{c}.{k}" for c in ("kz", "uz", "az") for k in ("peak", "annual")]
    return min(int(fact(i).year) for i in ids)


def check_year(year: object) -> int:
    """Accept a whole year from the earliest data year on; before 2026 the 2026 fleet holds.

    Raises
    ------
    SpecError
        Naming the year and the accepted range.
    """
    first = _earliest_year()
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or year < first:
        base, target = schedule_years()
        msg = (
            f"year = {year!r}: expected an integer year >= {first} (the earliest data year; "
            f"{base} is today, {target} the full build-out)"
        )
        raise SpecError(msg)
    return int(year)


def check_hours(hours: object) -> int:
    """Accept a horizon of 1..8760 whole hours from 1 January 00:00.

    Raises
    ------
    SpecError
        If `hours` is not an integer from 1 to 8760.
    """
    if (
        isinstance(hours, bool)
        or not isinstance(hours, (int, np.integer))
        or not 1 <= hours <= HOURS_PER_YEAR
    ):
        msg = f"hours = {hours!r}: expected an integer from 1 to {HOURS_PER_YEAR}"
        raise SpecError(msg)
    return int(hours)


# -- rules of the year-dependent defaults ---------------------------------------------------
def _in_service(cable: str, year: int) -> bool:
    return year >= value(f"caspian.cable.{cable}.commission_year", unit="year")


def _caspian_cable(year: int) -> float:
    """`caspian.cable.caspian.capacity` from `caspian.cable.caspian.commission_year`, else 0."""
    rating = value("caspian.cable.caspian.capacity", unit="MW")
    return rating if _in_service("caspian", year) else 0.0


def _black_sea_cable(year: int) -> float:
    """`caspian.cable.black_sea.capacity` from `caspian.cable.black_sea.commission_year`, else 0."""
    rating = value("caspian.cable.black_sea.capacity", unit="MW")
    return rating if _in_service("black_sea", year) else 0.0


def _kz_export_wind(year: int) -> float:
    """`caspian.export.kz_wind` from `caspian.cable.caspian.commission_year`, else 0."""
    mw = value("caspian.export.kz_wind", unit="MW")
    return mw if _in_service("caspian", year) else 0.0


def _uz_export(year: int) -> float:
    """`caspian.export.uz_capacity` from `caspian.cable.caspian.commission_year`, else 0."""
    mw = value("caspian.export.uz_capacity", unit="MW")
    return mw if _in_service("caspian", year) else 0.0


def _az_green(year: int) -> float:
    """`caspian.az.green_today` + schedule share x `az.power.capacity_added_by_2032`."""
    added_gw = value("az.power.capacity_added_by_2032", unit="GW")
    return value("caspian.az.green_today", unit="MW") + schedule_share(year) * added_gw * MW_PER_GW


def _az_gas_export(year: int) -> float:
    """`az.power.export_potential_now` (GW) in MW, by `caspian.az.gas_export_today`."""
    del year
    applies("caspian.az.gas_export_today")
    return value("az.power.export_potential_now", unit="GW") * MW_PER_GW


def _link(name: str, desc: str, fid: str) -> Param:
    return Param(name, "MW", desc, fact=fid)


def _cost(name: str, desc: str, fid: str) -> Param:
    return Param(name, "EUR/MWh", desc, fact=fid)


#: The Caspian corridor's parameters (``corridor-sim models --year Y`` lists them).
PARAMS = ParamTable(
    "caspian",
    [
        Param(
            "caspian_cable_mw",
            "MW",
            "Caspian subsea HVDC cable rating (KZ–AZ)",
            rule=_caspian_cable,
        ),
        Param(
            "black_sea_cable_mw",
            "MW",
            "Black Sea subsea HVDC cable rating (GE–RO)",
            rule=_black_sea_cable,
        ),
        _link(
            "az_ge_mw",
            "Azerbaijan–Georgia AC link rating (before the reinforcement)",
            "caspian.link.az_ge.capacity",
        ),
        _link(
            "ge_tr_mw", "Georgia–Türkiye back-to-back HVDC rating", "caspian.link.ge_tr.capacity"
        ),
        _link(
            "kz_uz_mw",
            "Kazakhstan–Uzbekistan AC link rating (before the export fleet)",
            "caspian.link.kz_uz.capacity",
        ),
        _link(
            "tr_eu_mw", "Türkiye–EU (Bulgaria/Greece) AC link rating", "caspian.link.tr_eu.capacity"
        ),
        Param(
            "az_wind_share",
            "-",
            "wind share of Azerbaijan's wind+solar fleet",
            fact="caspian.az.wind_share",
            maximum=1.0,
        ),
        Param(
            "kz_export_wind_mw",
            "MW",
            "Kazakh wind at the Caspian landing for the cable",
            rule=_kz_export_wind,
        ),
        Param("uz_export_mw", "MW", "Uzbek green capacity for the cable", rule=_uz_export),
        _cost(
            "gas_cost_kz_eur_per_mwh", "thermal (coal) cost in Kazakhstan", "caspian.cost.gas.kz"
        ),
        _cost("gas_cost_uz_eur_per_mwh", "thermal cost in Uzbekistan", "caspian.cost.gas.uz"),
        _cost("gas_cost_az_eur_per_mwh", "thermal cost in Azerbaijan", "caspian.cost.gas.az"),
        _cost("gas_cost_ge_eur_per_mwh", "thermal cost in Georgia", "caspian.cost.gas.ge"),
        _cost("gas_cost_tr_eur_per_mwh", "thermal cost in Türkiye", "caspian.cost.gas.tr"),
        _cost(
            "europe_value_eur_per_mwh",
            "value of energy taken by the European sink",
            "caspian.cost.europe_value",
        ),
        _cost("voll_eur_per_mwh", "value of lost load", "caspian.cost.voll"),
        Param(
            "demand_growth_pct_per_yr",
            "%",
            "demand growth per year after each figure's data year",
            fact="caspian.demand.growth_pct_per_yr",
        ),
        Param(
            "az_green_mw",
            "MW",
            "Azerbaijan's wind+solar capacity (1.23 GW in 2026, + 7 GW by 2030, + 8 GW by 2032)",
            rule=_az_green,
        ),
        Param(
            "az_gas_export_mw",
            "MW",
            "Azerbaijan's thermal output allowed above its own demand (2 GW export potential)",
            rule=_az_gas_export,
        ),
    ],
)


def resolve_year(year: object, overrides: Mapping[str, Any] | None = None) -> ParamValues:
    """Check `year` and return the parameter values of that year with `overrides` applied.

    Raises
    ------
    SpecError
        A year before the earliest data year, or an override of the wrong type or out of
        bounds.
    UnknownNameError
        An override that is not a parameter (with a "did you mean").
    """
    return PARAMS.resolve(check_year(year), overrides)


# -- options -----------------------------------------------------------------------------------
#: The Caspian model's ``[options]``.
OPTIONS = OptionTable(
    "caspian",
    [
        Option(
            "week",
            "int",
            "0-based week of the year for the hourly export stack (default: the week whose "
            "export varies most)",
            minimum=0,
        ),
        Option(
            "snapshot_hours",
            "int_list",
            "hours for pandapower AC/DC power-flow snapshots (default: peak export and peak "
            "demand; [] for none)",
            minimum=0,
            example="[3000, 5000]",
        ),
        Option(
            "study_caspian_mw",
            "float_list",
            "Caspian cable ratings (MW) for the capacity study (default: the year's rating)",
            minimum=0.0,
            example="[0, 7000, 14000]",
        ),
        Option(
            "study_black_sea_mw",
            "float_list",
            "Black Sea cable ratings (MW) for the capacity study (default: the year's rating)",
            minimum=0.0,
            example="[0, 1300, 2600]",
        ),
        Option(
            "block_hours",
            "int",
            "hours per dispatch LP block (default: the engine's; the whole horizon with ramping)",
            minimum=1,
        ),
        Option(
            "ramping",
            "bool",
            "true: thermal ramp limits couple the hours (caspian.gen.gas.ramp_share_per_h)",
            default=False,
        ),
    ],
)

_LISTS = ("snapshot_hours", "study_caspian_mw", "study_black_sea_mw")


def resolve_options(options: Mapping[str, Any] | None, hours: int) -> dict[str, Any]:
    """Every option's value for a `hours`-long run, given ones checked (see :data:`OPTIONS`).

    ``week`` must be a whole week of the horizon and each snapshot hour an hour of it;
    ``snapshot_hours = []`` asks for no snapshots.

    Raises
    ------
    UnknownNameError
        An option the model does not have.
    SpecError
        A value of the wrong type or out of bounds (named ``options.<name>``).
    """
    given = dict(options or {})
    for key in _LISTS:  # any sequence (tuple, array) counts as a list
        raw = given.get(key)
        if isinstance(raw, Iterable) and not isinstance(raw, (str, bytes, Mapping, list)):
            given[key] = list(raw)
    no_snapshots = given.get("snapshot_hours") == []
    if no_snapshots:
        del given["snapshot_hours"]
    n_weeks = max(1, hours // HOURS_PER_WEEK)
    out = OPTIONS.resolve(
        given, bounds={"week": (0, n_weeks - 1), "snapshot_hours": (0, hours - 1)}
    )
    if no_snapshots:
        out["snapshot_hours"] = []
    return out
