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

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from corridor_sim.errors import SpecError
from corridor_sim.models.caspian import schedule as r
from corridor_sim.models.caspian.schedule import applies, fact_year, schedule_share, schedule_years
from corridor_sim.models.options import Option, OptionTable
from corridor_sim.models.params import Param, ParamTable, ParamValues
from corridor_sim.units import HOURS_PER_DAY, HOURS_PER_YEAR

__all__ = [
    "EXPORT_RULES",
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
    "schedule_years",
]

#: Hours in a week (the export-stack figure shows one).
HOURS_PER_WEEK = 7 * HOURS_PER_DAY


def _earliest_year() -> int:
    """Earliest data year of the national demand figures: the first year the model accepts."""
    ids = [f"caspian.demand.{c}.{k}" for c in ("kz", "uz", "az") for k in ("peak", "annual")]
    return min(fact_year(i) for i in ids)


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


def _link(name: str, desc: str, fid: str, **kw: Any) -> Param:
    return Param(name, "MW", desc, fact=fid, **kw)


def _cost(name: str, desc: str, fid: str) -> Param:
    return Param(name, "EUR/MWh", desc, fact=fid)


def _rule(name: str, unit: str, desc: str, rule: Callable[[int], float], **kw: Any) -> Param:
    return Param(name, unit, desc, rule=rule, **kw)


#: Export rules of the thermal fleets (``export_rule``): see :data:`EXPORT_RULES`.
EXPORT_RULES: dict[str, str] = {
    "allowance": "each country's thermal fleet serves its own demand; Azerbaijan's may run "
    "up to az_gas_export_mw above it (the seed's 2 GW export potential)",
    "matched": "green-only export by hourly matching: no thermal fleet runs above its own "
    "country's demand (caspian.gen.gas.export_rule.matched)",
    "additional": "green-only export, physical: thermal covers only the residual demand after "
    "the country's own available wind, solar and hydro (caspian.gen.gas.export_rule.additional)",
}

#: The Caspian corridor's parameters (``corridor-sim models --year Y`` lists them).
PARAMS = ParamTable(
    "caspian",
    [
        _rule(
            "caspian_cable_mw", "MW", "Caspian subsea HVDC cable rating (KZ–AZ)", r.caspian_cable
        ),
        _rule(
            "black_sea_cable_mw",
            "MW",
            "Black Sea subsea HVDC cable rating (GE–RO)",
            r.black_sea_cable,
        ),
        _link(
            "az_ge_mw",
            "Azerbaijan–Georgia AC link rating (existing, before the reinforcement)",
            "caspian.link.az_ge.capacity",
        ),
        _rule(
            "az_ge_reinforcement_mw",
            "MW",
            "Azerbaijan–Georgia capacity added for the Black Sea cable (no reference: a range)",
            r.az_ge_reinforcement,
        ),
        _link(
            "ge_tr_mw", "Georgia–Türkiye back-to-back HVDC rating", "caspian.link.ge_tr.capacity"
        ),
        _rule(
            "az_nakhchivan_mw",
            "MW",
            "Zangezur 330 kV line Azerbaijan–Nakhchivan rating",
            r.az_nakhchivan,
        ),
        _rule(
            "nakhchivan_tr_mw",
            "MW",
            "Nakhchivan–Türkiye 400 kV line and converter rating",
            r.nakhchivan_tr,
        ),
        _rule(
            "kz_west_link_mw",
            "MW",
            "Kazakhstan's Western Zone (Aktau) – rest of the grid transfer (500 kV Karabatan–Ulke)",
            r.kz_west_link,
            element="kz_internal",
        ),
        _link(
            "kz_uz_mw",
            "Kazakhstan–Uzbekistan AC link rating (before the export fleet)",
            "caspian.link.kz_uz.capacity",
        ),
        _link(
            "tr_eu_mw", "Türkiye–EU (Bulgaria/Greece) AC link rating", "caspian.link.tr_eu.capacity"
        ),
        _link(
            "tr_east_west_mw",
            "spare east–west transfer in Türkiye for power from the Caucasus (a range)",
            "caspian.link.tr_internal.capacity",
            element="tr_internal",
        ),
        Param(
            "neighbour_ties",
            "-",
            "true: Azerbaijan's ties to Russia and Iran trade with flat-priced external markets",
            value=False,
        ),
        _link(
            "az_ru_mw",
            "Azerbaijan–Russia tie rating (with neighbour_ties)",
            "caspian.link.az_ru.capacity",
        ),
        _link(
            "az_ir_mw",
            "Azerbaijan–Iran tie rating (with neighbour_ties)",
            "caspian.link.az_ir.capacity",
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
            "Kazakh wind at Aktau dedicated to the cable (stated: caspian.export.kz_wind)",
            value=0.0,
        ),
        Param(
            "uz_export_mw",
            "MW",
            "Uzbek green capacity dedicated to the cable (stated: caspian.export.uz_capacity)",
            value=0.0,
        ),
        _rule("kz_demand_twh", "TWh", "Kazakhstan's annual demand", r.kz_demand),
        _rule("uz_demand_twh", "TWh", "Uzbekistan's annual demand", r.uz_demand),
        _rule("kz_green_mw", "MW", "Kazakhstan's domestic wind+solar fleet", r.kz_green),
        _rule(
            "kz_wind_share",
            "-",
            "wind share of Kazakhstan's wind+solar fleet",
            r.kz_wind_share,
            maximum=1.0,
        ),
        _rule("uz_green_mw", "MW", "Uzbekistan's domestic wind+solar fleet", r.uz_green),
        _rule(
            "uz_wind_share",
            "-",
            "wind share of Uzbekistan's wind+solar fleet",
            r.uz_wind_share,
            maximum=1.0,
        ),
        _rule("uz_hydro_mw", "MW", "Uzbekistan's hydro fleet", r.uz_hydro),
        _rule("uz_thermal_mw", "MW", "Uzbekistan's thermal fleet", r.uz_thermal),
        _cost(
            "gas_cost_kz_eur_per_mwh", "thermal (coal) cost in Kazakhstan", "caspian.cost.gas.kz"
        ),
        _cost("gas_cost_uz_eur_per_mwh", "thermal cost in Uzbekistan", "caspian.cost.gas.uz"),
        _cost("gas_cost_az_eur_per_mwh", "thermal cost in Azerbaijan", "caspian.cost.gas.az"),
        _cost("gas_cost_ge_eur_per_mwh", "thermal cost in Georgia", "caspian.cost.gas.ge"),
        _cost("gas_cost_tr_eur_per_mwh", "thermal cost in Türkiye", "caspian.cost.gas.tr"),
        _cost(
            "europe_price_mean_eur_per_mwh",
            "mean European day-ahead price (the hourly profile is scaled to it)",
            "caspian.europe.price_mean",
        ),
        Param(
            "europe_price_profile",
            "-",
            "'hourly': Romania's 2023-24 day-ahead shape; 'flat': its mean in every hour",
            value="hourly",
            choices=("hourly", "flat"),
        ),
        Param(
            "export_rule",
            "-",
            "how thermal fleets may serve exports: 'allowance', 'matched' or 'additional'",
            value="allowance",
            choices=tuple(EXPORT_RULES),
        ),
        Param(
            "cbam",
            "-",
            "true: the fossil share of exports pays the EU carbon border adjustment",
            value=False,
        ),
        Param(
            "eu_ets_price_eur_per_t",
            "EUR/t",
            "EU ETS price, the CBAM certificate price",
            fact="caspian.cost.eu_ets_price",
        ),
        Param(
            "az_gas_efficiency",
            "-",
            "electric efficiency of Azerbaijan's thermal fleet (sets its CO2 per MWh)",
            fact="caspian.gen.gas.efficiency_az",
            minimum=0.1,
            maximum=1.0,
        ),
        _cost("voll_eur_per_mwh", "value of lost load", "caspian.cost.voll"),
        Param(
            "demand_growth_pct_per_yr",
            "%",
            "demand growth per year in Azerbaijan, Georgia and Türkiye after each figure's year",
            fact="caspian.demand.growth_pct_per_yr",
        ),
        _rule(
            "az_green_mw",
            "MW",
            "Azerbaijan's wind+solar capacity (1.23 GW in 2026, + 7 GW by 2030, + 8 GW by 2032)",
            r.az_green,
        ),
        _rule(
            "az_gas_export_mw",
            "MW",
            "Azerbaijan's thermal output allowed above its own demand (2 GW export potential)",
            r.az_gas_export,
        ),
        Param(
            "discount_rate_pct",
            "%",
            "discount rate of the transmission annuities and NPVs",
            fact="caspian.cost.discount_rate",
            maximum=50.0,
        ),
    ],
    year_check=check_year,
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
        Option(
            "sizing",
            "bool",
            "true: optimise the ratings of the cables, the AZ–GE tie and the Nakhchivan links with "
            "the dispatch in one LP (caspian.sizing; table 'sizing')",
            default=False,
        ),
        Option(
            "sizing_weeks",
            "int",
            "weeks spread over the horizon that the sizing LP (and a capacity study in the same "
            "run) solves, costs scaled to them (default: every hour)",
            minimum=1,
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
