"""One serbia scenario: options, events -> dispatch, site study, gas balance -> tables."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim._limits import check_count, max_repeats
from corridor_sim.catalogue import value
from corridor_sim.errors import ScenarioError, SpecError, UnknownNameError, suggest
from corridor_sim.models.base import ScenarioLike
from corridor_sim.models.options import Option, OptionTable
from corridor_sim.models.params import ParamValues
from corridor_sim.models.serbia.backcast import backcast_table
from corridor_sim.models.serbia.gas.chain import daily_gas_need_mcm
from corridor_sim.models.serbia.gas.route import GasSpec, route_free_capacity
from corridor_sim.models.serbia.gas.run import (
    breakeven_cf,
    gas_tables,
    hourly_burn_mcm,
    tightest_legs,
)
from corridor_sim.models.serbia.gas.sizing import route_needs
from corridor_sim.models.serbia.gas.study import chain_spec, gas_study
from corridor_sim.models.serbia.gas.supply import supply_legs, supply_summary_rows
from corridor_sim.models.serbia.gas.tariffs import GAS_ROUTES
from corridor_sim.models.serbia.grid.network import GridSpec, grid_elements
from corridor_sim.models.serbia.grid.ties import borders, disputed_borders, open_borders
from corridor_sim.models.serbia.market.dispatch import PRICE_PROFILES
from corridor_sim.models.serbia.market.params import FIXED_GAS_PRICE
from corridor_sim.models.serbia.params import ALL_SITES, PARAMS
from corridor_sim.models.serbia.profiles import HOURS, hour_snapshots, plant_dispatch_mw
from corridor_sim.models.serbia.study.inputs import YearInputs, year_inputs
from corridor_sim.models.serbia.study.robustness import robustness, robustness_summary
from corridor_sim.models.serbia.study.sites import attribute_violations, best_site, site_tables
from corridor_sim.models.serbia.study.verdict import (
    relied_on,
    site_verdict,
    tie_states_table,
    tie_table,
)
from corridor_sim.models.serbia.validation.load import (
    LOAD_PROFILES,
    held_out_hours,
    load_check,
    measured_load_available,
)
from corridor_sim.models.serbia.validation.table import validation
from corridor_sim.results.result import Result, summary_frame
from corridor_sim.units import MWH_PER_GWH

__all__ = ["DEFAULT_CAPACITY_FACTORS", "OPTIONS", "attribute_violations", "best_site", "simulate"]

#: Capacity factors of the gas study by default (p.u.).
DEFAULT_CAPACITY_FACTORS: tuple[float, ...] = tuple(
    round(float(x), 2) for x in np.arange(1, 10) / 10
)

#: The serbia model's ``[options]``.
#: Least time one robustness draw takes, s: a grid study of every site over the hours
#: (measured 2.8 s for one site over 24 h with ``robustness(2029, draws=1, seed=1,
#: sites=["krusevac"], hours=24)`` on a two-core machine under load 8; 0.5 s leaves room for
#: a machine several times faster).
ROBUSTNESS_DRAW_S = 0.5
#: Most robustness draws one run may ask for: a week of one core at ROBUSTNESS_DRAW_S.
MAX_ROBUSTNESS_DRAWS = max_repeats(ROBUSTNESS_DRAW_S)

OPTIONS = OptionTable(
    "serbia",
    [
        Option(
            "site",
            "str",
            "the scenario's site, whose grid the map draws and whose metrics the summary "
            "gives ('none': the grid without the plant); default: the best site of the study",
            choices=ALL_SITES,
        ),
        Option(
            "sites",
            "str_list",
            "sites compared by the grid study ('site' is added when missing)",
            default=list(ALL_SITES),
            choices=ALL_SITES,
            example='["none", "krusevac"]',
        ),
        Option(
            "capacity_factors",
            "float_list",
            "capacity factors (0..1) of the gas balance (the scenario's own is added)",
            default=list(DEFAULT_CAPACITY_FACTORS),
            minimum=0.0,
            maximum=1.0,
            example="[0.2, 0.5, 0.8]",
        ),
        Option(
            "dispatch",
            "str",
            "'economic': the plant runs when the power price covers its cost (DC-OPF); "
            "'capacity_factor': it runs at the parameter capacity_factor in the "
            "highest-price hours",
            default="economic",
            choices=("economic", "capacity_factor"),
        ),
        Option(
            "power_price_profile",
            "str",
            "'seepex': the measured hourly day-ahead prices of Serbia (ENTSO-E, 2023/24) "
            "scaled to power_price_eur_per_mwh; 'synthetic': a load-shaped price",
            default="seepex",
            choices=PRICE_PROFILES,
        ),
        Option(
            "load_profile",
            "str",
            "'model': the national load's modelled shape; 'measured_2015' or "
            "'measured_2016': the hours of ENTSO-E's measured load of that year (the Serbian "
            "control area, then with Kosovo), scaled to the model year's energy; needs the "
            "file tools/make_serbia_load.py makes, named by CORRIDOR_SIM_SERBIA_LOAD",
            default="model",
            choices=LOAD_PROFILES,
        ),
        Option(
            "planned_grid",
            "bool",
            "include the planned grid changes from their announced years (the Trans-Balkan "
            "corridor's sections 3 and 4); false: only the grid as built",
            default=True,
        ),
        Option(
            "credit_ties",
            "str_list",
            "borders whose ties the study credits although their status gives no N-1 credit "
            "(zero commercial capacity or disputed: Serbia–Kosovo); the verdict then says so",
            default=[],
            choices=borders(),
            example='["RS-XK"]',
        ),
        Option(
            "open_ties",
            "str_list",
            "borders whose ties the study treats as open (out of service all year)",
            default=[],
            choices=borders(),
            example='["RS-BG"]',
        ),
        Option(
            "both_tie_states",
            "bool",
            "also run the site study with the disputed ties (Serbia–Kosovo) in their other "
            "state, credited or open, and report the verdict under both (table tie_states)",
            default=True,
        ),
        Option(
            "gas_chain",
            "bool",
            "run the daily gas chain on this run's own dispatch of the plant (its capacity "
            "factor and gas need come from the dispatch): what reaches the plant, and the "
            "new contract and capacity it needs (tables gas_needs, gas_new_capacity, "
            "gas_chain_monthly, gas_chain_daily, gas_legs), and on each supply route "
            "(tables gas_supply_legs, gas_route_needs)",
            default=True,
        ),
        Option(
            "gas_route_dispatch",
            "bool",
            "size each supply route (table gas_route_needs) with the plant dispatched at that "
            "route's own gas price (one more dispatch of the plant per other route); false: "
            "every route with this run's dispatch",
            default=False,
        ),
        Option(
            "robustness_draws",
            "int",
            "draws of the robustness Monte Carlo over the catalogue ranges (0: none); adds "
            f"the tables robustness and robustness_summary; at most {MAX_ROBUSTNESS_DRAWS:,} "
            "(a week of one core)",
            default=0,
            minimum=0,
        ),
        Option(
            "ac_cases",
            "int",
            "worst N-1 cases per site, overall and in the plant's area, re-run in AC with "
            "pandapower.runpp",
            default=3,
            minimum=0,
        ),
    ],
)


def _options(scenario: ScenarioLike) -> dict[str, Any]:
    try:
        opts = dict(OPTIONS.resolve(scenario.options))
    except (SpecError, UnknownNameError) as err:
        raise ScenarioError(str(err)) from err
    sites = list(opts["sites"])
    if opts["site"] is not None and opts["site"] not in sites:
        sites.append(opts["site"])
    opts["sites"] = sites
    opts["capacity_factors"] = [float(c) for c in opts["capacity_factors"]]
    check_count(
        "options.robustness_draws",
        opts["robustness_draws"],
        MAX_ROBUSTNESS_DRAWS,
        f"each draw is a grid study of every site, at least {ROBUSTNESS_DRAW_S:g} s (measured: "
        "2.8 s for one site over 24 h on a busy two-core machine), and one run may take a "
        "week of one core",
        "draws",
        minimum=0,
    )
    return opts


def _events(
    scenario: ScenarioLike, n_hours: int, planned: bool
) -> list[tuple[str, int, int, float]]:
    """Events as (corridor, start hour, duration hours, availability), each checked."""
    known = grid_elements(scenario.year, planned=planned)
    out = []
    for i, ev in enumerate(scenario.events):
        if ev.element not in known:
            hint = suggest(ev.element, known)
            msg = f"events[{i}].element = {ev.element!r}: unknown line or transformer, {hint}"
            raise ScenarioError(msg)
        if ev.days is not None:
            msg = (
                f"events[{i}].days = {ev.days!r}: the serbia model is hourly; "
                "give start and duration in hours"
            )
            raise ScenarioError(msg)
        if ev.start >= n_hours:
            msg = f"events[{i}].start = {ev.start}: expected an hour index below {n_hours}"
            raise ScenarioError(msg)
        out.append((ev.element, int(ev.start), int(ev.duration), float(ev.availability)))
    return out


def _resolve(
    scenario: ScenarioLike, opts: dict[str, Any]
) -> tuple[ParamValues, GridSpec, GasSpec, int]:
    """Parameters, grid and gas values, and the number of hours studied on the grid."""
    if scenario.resolution not in (None, "hour"):
        msg = f"resolution = {scenario.resolution!r}: model 'serbia' supports 'hour' only"
        raise ScenarioError(msg)
    n_hours = HOURS if scenario.periods is None else int(scenario.periods)
    if not 1 <= n_hours <= HOURS:
        msg = f"periods = {scenario.periods!r}: expected 1..{HOURS} hours"
        raise ScenarioError(msg)
    try:
        both = set(opts["credit_ties"]) & set(opts["open_ties"])
        if both:
            msg = (
                f"options credit_ties and open_ties both name {sorted(both)}: expected each "
                "border in one of them at most"
            )
            raise ScenarioError(msg)
        opened = open_borders(credit=opts["credit_ties"], open_=opts["open_ties"])
    except UnknownNameError as err:
        raise ScenarioError(str(err)) from err
    try:
        p = PARAMS.resolve(int(scenario.year), dict(scenario.overrides))
        grid = GridSpec.from_params(p, planned=opts["planned_grid"], open_ties=opened)
        gas = GasSpec.from_params(p)
    except (SpecError, UnknownNameError) as err:
        msg = f"overrides: {err}"
        raise ScenarioError(msg) from err
    return p, grid, gas, n_hours


def _market_table(yi: YearInputs, year: int, kinds: dict[str, str]) -> pd.DataFrame:
    """Hourly market outcome: prices, the plant, Serbia's plants by kind, the exchange."""
    res = yi.with_plant if yi.with_plant is not None else yi.without_plant
    inputs = yi.inputs_plant if yi.inputs_plant is not None else yi.inputs_none
    assert res is not None  # year_inputs builds at least one case
    assert inputs is not None
    n = len(yi.national_mw)
    hours = np.arange(n)
    table = pd.DataFrame(
        {
            "element": "serbia",
            "period": hours,
            "snapshot": hour_snapshots(year, hours),
            "hour": hours,
            "price_eur_per_mwh": yi.price_eur_per_mwh,
            "serbia_price_eur_per_mwh": res.serbia_price_eur_per_mwh,
            "national_load_mw": yi.national_mw,
            "plant_mw": res.plant_mw,
            "unserved_mw": res.unserved_mw,
        }
    )
    columns = {"lignite": "lignite_mw", "hydro": "hydro_mw", "wind": "wind_mw", "chp": "chp_mw"}
    units = inputs.unit_mw
    for prefix, col in columns.items():
        cols = [u for u in units.columns if kinds.get(u, "").startswith(prefix)]
        table[col] = units[cols].sum(axis=1).to_numpy() if cols else 0.0
    serbian = table[["plant_mw", *columns.values()]].sum(axis=1)
    table["net_import_mw"] = yi.national_mw - serbian.to_numpy() - res.unserved_mw
    return table


def _summary(
    *,
    yi: YearInputs,
    balance_row: pd.Series,
    comparison: pd.DataFrame,
    site: str,
    best: str,
    free: dict,
    cf: float,
    breakeven: float,
    technology: str,
    capacity_mw: float,
) -> pd.DataFrame:
    """Summary rows: the plant's dispatch and gas at its capacity factor, the site, the best."""
    own = comparison.set_index("site").loc[site]
    res = yi.with_plant
    plant = res.plant_mw if res is not None else np.zeros(len(yi.national_mw))
    rows = [
        ("gas_need_bcm_per_yr", balance_row["gas_need_bcm_per_yr"], "bcm/yr", "plant"),
        ("contracted_bcm_per_yr", balance_row["contracted_bcm_per_yr"], "bcm/yr", "contract"),
        (
            "route_free_capacity_bcm_per_yr",
            balance_row["free_capacity_bcm_per_yr"],
            "bcm/yr",
            tightest_legs(free),
        ),
        ("gas_shortfall_bcm_per_yr", balance_row["shortfall_bcm_per_yr"], "bcm/yr", "plant"),
        ("plant_energy_gwh", float(plant.sum() / MWH_PER_GWH), "GWh", technology),
        ("capacity_factor", cf, "p.u.", technology),
        ("breakeven_capacity_factor", breakeven, "p.u.", technology),
        ("plant_cost_eur_per_mwh", yi.plant_cost_eur_per_mwh, "EUR/MWh", technology),
        ("power_price_eur_per_mwh", float(yi.price_eur_per_mwh.mean()), "EUR/MWh", "regional"),
        ("plant_run_hours", float((plant > 0).sum()), "h", technology),
        ("peak_load_mw", float(yi.national_mw.max()), "MW", "serbia"),
        ("n1_violation_hours", own["n1_violation_hours"], "h", site),
        ("n1_site_violation_hours", own["n1_site_violation_hours"], "h", site),
        ("n1_area_violation_hours", own["n1_area_violation_hours"], "h", site),
        ("worst_area_n1_loading_pct", own["worst_area_n1_loading_pct"], "%", site),
        ("worst_n1_loading_pct", own["worst_n1_loading_pct"], "%", site),
        ("losses_gwh", own["losses_mwh"] / MWH_PER_GWH, "GWh", site),
        ("best_site", 1.0, "-", best),
    ]
    del capacity_mw
    return summary_frame(rows)


def simulate(scenario: ScenarioLike) -> Result:
    """Run the dispatch, the site study and the gas balance for `scenario`.

    Parameters
    ----------
    scenario : ScenarioLike
        ``year``, ``overrides`` (see :data:`~corridor_sim.models.serbia.params.PARAMS`),
        ``options`` (:data:`OPTIONS`), ``periods`` (hours studied on the grid, default 8760,
        from 1 January; the dispatch and the gas balance always cover the year), ``seed``
        (load noise, wind) and ``events`` (line/trafo outages by hour).

    Returns
    -------
    Result
        Tables ``site_comparison``, ``ties`` (every tie line with its status, reference and
        whether the study credits it), ``tie_states`` (the verdict per site under the
        scenario's state of the disputed ties and, with ``both_tie_states``, the other),
        ``loadings``, ``n1_worst``, ``ac_check``, ``voltages``,
        ``buses``, ``hourly``, ``market``, ``backcast``, ``validation`` (the model against
        public records by role: input, fitted, predicted; :mod:`.validation.table`),
        ``load_check`` (the load model against measured hourly load, fitted on 2015 and
        checked on 2016; :mod:`.validation.load`) and ``load_hourly`` (the held-out year
        hour by hour, measured and modelled), these two only when the user has made the
        measured-load file (:func:`.validation.load.data_path`), ``gas_balance``,
        ``gas_free_capacity`` and the gas route's monthly ``flows``, ``utilisation``,
        ``bottlenecks``, ``unmet``, ``prices``, ``supply``; ``meta["best_site"]``,
        ``meta["verdict"]`` (the best site, the ties it relies on, and the verdict with the
        disputed ties in the other state) and ``meta["ties_relied_on"]``.

    Raises
    ------
    ScenarioError
        On an unknown option, site, event element or a bad value.

    Examples
    --------
    One site against the grid without the plant over the first day, with the slower
    parts left out (a full run takes minutes):

    >>> import corridor_sim as cs
    >>> options = {"sites": ["none", "krusevac"], "both_tie_states": False,
    ...            "gas_chain": False, "ac_cases": 0, "dispatch": "capacity_factor"}
    >>> r = simulate(cs.Scenario(model="serbia", year=2029, periods=24, options=options))
    >>> r.table("site_comparison")["site"].tolist(), r.meta["best_site"]
    (['none', 'krusevac'], 'krusevac')
    """
    opts = _options(scenario)
    site, sites = opts["site"], opts["sites"]
    p, grid, gas, n_hours = _resolve(scenario, opts)
    year = int(scenario.year)
    events = _events(scenario, n_hours, opts["planned_grid"])

    def inputs_on(g: GridSpec, q: ParamValues = p, *, plant_only: bool = False) -> YearInputs:
        """Return the year's hourly inputs (load, prices, dispatch) on grid `g`."""
        return year_inputs(
            q,
            g,
            rng=scenario.rng(),
            need_plant=plant_only or any(s != "none" for s in sites),
            need_none="none" in sites and not plant_only,
            dispatch_mode=opts["dispatch"],
            price_profile=opts["power_price_profile"],
            load_profile=opts["load_profile"],
        )

    yi = inputs_on(grid)
    tables = site_tables(
        sites, yi, grid=grid, n_hours=n_hours, events=events, ac_cases=opts["ac_cases"]
    )
    attribute_violations(tables, value("serbia.study.aggravation_pct", unit="%"))
    comparison = tables["site_comparison"]
    best = best_site(comparison)
    states = [(grid, comparison, best)]
    if opts["both_tie_states"] and disputed_borders():
        other = dataclasses.replace(grid, open_ties=grid.open_ties ^ disputed_borders())
        yi_other = inputs_on(other)
        t_other = site_tables(
            sites, yi_other, grid=other, n_hours=n_hours, events=events, ac_cases=0
        )
        attribute_violations(t_other, value("serbia.study.aggravation_pct", unit="%"))
        states.append((other, t_other["site_comparison"], best_site(t_other["site_comparison"])))
    tables["ties"] = tie_table(grid)
    tables["tie_states"] = tie_states_table(states)
    eff = yi.market.efficiency
    tables["hourly"]["gas_burn_mcm"] = hourly_burn_mcm(tables["hourly"]["plant_mw"], eff)
    plant = yi.with_plant.plant_mw if yi.with_plant is not None else np.zeros(HOURS)
    cf = round(float(plant.sum() / (grid.plant_capacity_mw * HOURS)), 6)

    def ranked(c: float) -> np.ndarray:
        return plant_dispatch_mw(
            yi.price_eur_per_mwh,
            capacity_mw=grid.plant_capacity_mw,
            capacity_factor=c,
            min_load=yi.market.min_load,
        )

    burns = {c: hourly_burn_mcm(ranked(c), eff) for c in opts["capacity_factors"]}
    burns[cf] = hourly_burn_mcm(plant, eff)
    tables.update(gas_tables(gas, dict(sorted(burns.items())), cf=cf, year=year))
    tables["market"] = _market_table(yi, year, _unit_kinds(grid))
    tables["backcast"] = backcast_table(rng=scenario.rng())
    tables["validation"] = validation()  # measured-load rows only with the user's file
    if measured_load_available():
        tables["load_check"] = load_check()
        tables["load_hourly"] = held_out_hours()
    if opts["robustness_draws"]:
        mc = robustness(
            year,
            draws=opts["robustness_draws"],
            seed=int(scenario.seed or 0),
            overrides=dict(scenario.overrides),
            sites=[s for s in sites if s != "none"],
            hours=n_hours,
            planned=opts["planned_grid"],
            open_ties=grid.open_ties,
            both_tie_states=opts["both_tie_states"],
            dispatch_mode=opts["dispatch"],
            price_profile=opts["power_price_profile"],
            load_profile=opts["load_profile"],
        )
        tables["robustness"] = mc
        tables["robustness_summary"] = robustness_summary(mc)
    chain_rows: list[tuple[str, float, str, str]] = []
    if opts["gas_chain"] and yi.with_plant is not None:
        tech = yi.market.technology
        chain = gas_study(
            {(tech, "dispatch"): plant},
            spec=chain_spec(year, **dict(scenario.overrides)),
            efficiency={tech: eff},
        )
        tables.update(chain.tables)
        chain_rows = chain.summary_rows(tech, "dispatch")
        own_need = daily_gas_need_mcm(plant, efficiency=eff)
        needs = route_needs(
            chain.spec,
            _route_needs_by_dispatch(
                scenario, own_need, p, lambda q: inputs_on(grid, q, plant_only=True)
            )
            if opts["gas_route_dispatch"]
            else own_need,
            efficiency=eff,
            hub_eur_per_mwh_th=float(p.gas_hub_price_eur_per_mwh_th),
        )
        tables["gas_supply_legs"] = supply_legs(chain.spec)
        tables["gas_route_needs"] = needs
        own = "azerbaijan" if p.gas_route == FIXED_GAS_PRICE else str(p.gas_route)
        chain_rows += supply_summary_rows(needs, route=own)
    free = route_free_capacity(gas)
    balance = tables["gas_balance"]
    row = balance[np.isclose(balance["capacity_factor"], cf)].iloc[0]
    verdict = site_verdict(tables["tie_states"], tables["ties"])
    summary = _summary(
        yi=yi,
        balance_row=row,
        comparison=comparison,
        site=site if site is not None else best,
        best=best,
        free=free,
        cf=cf,
        technology=yi.market.technology,
        breakeven=breakeven_cf(row["supply_limit_bcm_per_yr"], grid.plant_capacity_mw, HOURS, eff),
        capacity_mw=grid.plant_capacity_mw,
    )
    if chain_rows:
        summary = pd.concat([summary, summary_frame(chain_rows)], ignore_index=True)
    meta: dict[str, Any] = {
        "model": "serbia",
        "year": year,
        "best_site": best,
        "verdict": verdict,
        "ties_relied_on": relied_on(tables["ties"]),
        "ties_open": sorted(grid.open_ties),
        "ties_credited": sorted(set(opts["credit_ties"])),
        "site": site,
        "sites": sites,
        "hours": n_hours,
        "technology": yi.market.technology,
        "dispatch": opts["dispatch"],
        "gas_bottleneck": str(row["bottleneck"]),
        "bottleneck": str(row["bottleneck"]),  # read by corridor_sim.sweep
        "unit": "mcm",
        "gas_unit": "mcm per month",
        "gas_route": str(p.gas_route),
        "gas_route_dispatch": bool(opts["gas_route_dispatch"]),
        "gas_price_eur_per_mwh_th": float(yi.market.gas_price_eur_per_mwh_th),
        "contract_plan_bcm_per_yr": value("serbia.gas.contract_plan", unit="bcm/yr"),
    }
    return Result(tables=tables, summary_table=summary, meta=meta)


def _route_needs_by_dispatch(
    scenario: ScenarioLike,
    own_need: np.ndarray,
    p: ParamValues,
    inputs: Callable[[ParamValues], YearInputs],
) -> dict[str, np.ndarray]:
    """Return each supply route's daily gas need: the plant dispatched at that route's price.

    The run's own route keeps the run's need; another route re-runs the plant's dispatch with
    ``gas_route`` set to it (a fixed gas price of the scenario gives way to the route's).
    """
    base = {k: v for k, v in dict(scenario.overrides).items() if k != "gas_price_eur_per_mwh_th"}
    out = {}
    for route in GAS_ROUTES:
        if route == p.gas_route:
            out[route] = own_need
            continue
        yi = inputs(PARAMS.resolve(int(scenario.year), {**base, "gas_route": route}))
        if yi.with_plant is None:  # pragma: no cover - inputs(plant_only=True) has the plant
            msg = f"gas_route_dispatch: no dispatch of the plant on route {route!r}"
            raise ScenarioError(msg)
        out[route] = daily_gas_need_mcm(yi.with_plant.plant_mw, efficiency=yi.market.efficiency)
    return out


def _unit_kinds(grid: GridSpec) -> dict[str, str]:
    from corridor_sim.models.serbia.grid.tables import grid_tables

    gens = grid_tables(grid.year, None, planned=grid.planned, draw=grid.draw).gens
    return dict(zip(gens["id"], gens["kind"], strict=True))
