"""One serbia scenario: options and events -> the site study and the gas balance -> tables."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.errors import ScenarioError, SpecError, UnknownNameError, suggest
from corridor_sim.models.base import ScenarioLike
from corridor_sim.models.params import Option, OptionTable, ParamValues
from corridor_sim.models.serbia.gas import (
    GasSpec,
    gas_balance,
    gas_mcm_from_mwh,
    mwh_from_gas_mcm,
    route_free_capacity,
)
from corridor_sim.models.serbia.network import GridSpec, grid_elements
from corridor_sim.models.serbia.params import ALL_SITES, PARAMS, parse_site
from corridor_sim.models.serbia.profiles import HOURS, national_load_mw, plant_dispatch_mw
from corridor_sim.models.serbia.study import site_study
from corridor_sim.results.result import Result, summary_frame
from corridor_sim.units import MWH_PER_GWH, THOUSAND

__all__ = ["DEFAULT_CAPACITY_FACTORS", "OPTIONS", "simulate"]

#: Capacity factors of the gas study by default (p.u.).
DEFAULT_CAPACITY_FACTORS: tuple[float, ...] = tuple(
    round(float(x), 2) for x in np.arange(1, 10) / 10
)

#: The serbia model's ``[options]``.
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
    ],
)

#: Tables of the gas route's monthly solution (at the scenario's capacity factor) in a Result.
_GAS_TABLES = ("flows", "utilisation", "bottlenecks", "unmet", "prices", "supply")


def _options(scenario: ScenarioLike) -> tuple[str | None, list[str], list[float]]:
    """Return the scenario's site (or None), the sites compared and the gas capacity factors."""
    try:
        opts = OPTIONS.resolve(scenario.options)
    except (SpecError, UnknownNameError) as err:
        raise ScenarioError(str(err)) from err
    site = opts["site"]
    sites = list(opts["sites"])
    if site is not None and site not in sites:
        sites.append(site)
    return site, sites, [float(c) for c in opts["capacity_factors"]]


def _events(scenario: ScenarioLike, n_hours: int) -> list[tuple[str, int, int, float]]:
    """Events as (corridor, start hour, duration hours, availability), each checked."""
    known = grid_elements(scenario.year)
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


def _resolve(scenario: ScenarioLike) -> tuple[ParamValues, GridSpec, GasSpec, int]:
    """Parameters, grid and gas values, and the number of hours studied on the grid."""
    if scenario.resolution not in (None, "hour"):
        msg = f"resolution = {scenario.resolution!r}: model 'serbia' supports 'hour' only"
        raise ScenarioError(msg)
    n_hours = HOURS if scenario.periods is None else int(scenario.periods)
    if not 1 <= n_hours <= HOURS:
        msg = f"periods = {scenario.periods!r}: expected 1..{HOURS} hours"
        raise ScenarioError(msg)
    try:
        p = PARAMS.resolve(int(scenario.year), dict(scenario.overrides))
        grid = GridSpec.from_params(p)
        gas = GasSpec.from_params(p)
    except (SpecError, UnknownNameError) as err:
        msg = f"overrides: {err}"
        raise ScenarioError(msg) from err
    return p, grid, gas, n_hours


def best_site(comparison: pd.DataFrame) -> str:
    """Pick the site with fewest N-1 violation hours, then lowest worst N-1 loading and losses.

    The worst loading is compared to 0.1 % (rounded), so losses decide between sites whose
    worst case is the same element in the same hour. ``"none"`` only when no plant site was
    studied.
    """
    plants = comparison[comparison["site"] != "none"]
    if plants.empty:
        return "none"
    ranked = plants.assign(w=plants["worst_n1_loading_pct"].round(1)).sort_values(
        ["n1_violation_hours", "w", "losses_mwh"]
    )
    return str(ranked["site"].iloc[0])


def _breakeven_cf(limit_bcm_per_yr: float, grid: GridSpec, efficiency: float) -> float:
    """Capacity factor at which the plant's gas need equals `limit_bcm_per_yr` (capped at 1)."""
    energy_mwh = float(mwh_from_gas_mcm(limit_bcm_per_yr * THOUSAND, efficiency=efficiency))
    return min(1.0, energy_mwh / (grid.plant_capacity_mw * HOURS))


def _site_tables(
    sites: Sequence[str],
    *,
    year: int,
    grid: GridSpec,
    national_mw: np.ndarray,
    plant_mw: np.ndarray,
    events: Sequence[tuple[str, int, int, float]],
) -> dict[str, pd.DataFrame]:
    """Run the grid study of every site; stack each table over the sites in order."""
    parts: dict[str, list[pd.DataFrame]] = {}
    for s in sites:
        out = site_study(
            parse_site(s),
            year=year,
            national_mw=national_mw,
            plant_mw=plant_mw,
            events=events,
            spec=grid,
        )
        for key, frame in out.items():
            parts.setdefault(key, []).append(frame)
    return {k: pd.concat(v, ignore_index=True) for k, v in parts.items()}


def _gas_tables(
    gas: GasSpec, burns: Mapping[float, np.ndarray], *, cf: float, year: int
) -> dict[str, pd.DataFrame]:
    """Return the gas balance, the free capacity per leg and the monthly route's tables.

    The engine's tables (flows, prices, ...) are those of the scenario's capacity factor `cf`.
    """
    balance, _, monthly = gas_balance(gas, dict(burns), year=year)
    free = route_free_capacity(gas)
    tables = {
        "gas_balance": balance,
        "gas_free_capacity": pd.DataFrame(
            {"element": list(free), "free_capacity_bcm_per_yr": list(free.values())}
        ),
    }
    for name in _GAS_TABLES:
        tables[name] = monthly[cf].table(name)
    return tables


def _tightest_legs(free: Mapping[str, float]) -> str:
    low = min(free.values())
    return "+".join(k for k, v in free.items() if math.isclose(v, low, abs_tol=1e-12))


def _summary(
    *,
    balance_row: pd.Series,
    comparison: pd.DataFrame,
    site: str,
    best: str,
    free: Mapping[str, float],
    plant_energy_gwh: float,
    cf: float,
    breakeven: float,
) -> pd.DataFrame:
    """Summary rows: the gas balance at `cf`, the metrics of `site`, and the best site.

    ``best_site`` has value 1.0 and names the site in ``element``; the per-site metrics of
    every site compared are in the ``site_comparison`` table.
    """
    own = comparison.set_index("site").loc[site]
    rows = [
        ("gas_need_bcm_per_yr", balance_row["gas_need_bcm_per_yr"], "bcm/yr", "plant"),
        ("contracted_bcm_per_yr", balance_row["contracted_bcm_per_yr"], "bcm/yr", "contract"),
        (
            "route_free_capacity_bcm_per_yr",
            balance_row["free_capacity_bcm_per_yr"],
            "bcm/yr",
            _tightest_legs(free),
        ),
        ("gas_shortfall_bcm_per_yr", balance_row["shortfall_bcm_per_yr"], "bcm/yr", "plant"),
        ("plant_energy_gwh", plant_energy_gwh, "GWh"),
        ("capacity_factor", cf, "p.u."),
        ("breakeven_capacity_factor", breakeven, "p.u."),
        ("n1_violation_hours", own["n1_violation_hours"], "h", site),
        ("worst_n1_loading_pct", own["worst_n1_loading_pct"], "%", site),
        ("losses_gwh", own["losses_mwh"] / MWH_PER_GWH, "GWh", site),
        ("best_site", 1.0, "-", best),
    ]
    return summary_frame(rows)


def simulate(scenario: ScenarioLike) -> Result:
    """Run the site study and the gas balance for `scenario`.

    Parameters
    ----------
    scenario : ScenarioLike
        ``year``, ``overrides`` (see :data:`~corridor_sim.models.serbia.params.PARAMS`),
        ``options`` (:data:`OPTIONS`: ``site``, ``sites``, ``capacity_factors``), ``periods``
        (hours studied on the grid, default 8760, from 1 January), ``seed`` (hourly load
        noise) and ``events`` (line/trafo outages by hour).

    Returns
    -------
    Result
        Tables ``site_comparison``, ``loadings``, ``n1_worst``, ``voltages``, ``buses``,
        ``hourly``, ``gas_balance``, ``gas_free_capacity`` and the gas route's ``flows``,
        ``utilisation``, ``bottlenecks``, ``unmet``, ``prices``, ``supply`` (monthly, at the
        scenario's capacity factor); the summary's site metrics are those of the scenario's
        site (else the best site); ``meta["model"] = "serbia"``, ``meta["best_site"]``.

    Raises
    ------
    ScenarioError
        On an unknown option, site, event element or a bad value.
    """
    site, sites, cfs = _options(scenario)
    p, grid, gas, n_hours = _resolve(scenario)
    year = int(scenario.year)
    events = _events(scenario, n_hours)
    national = national_load_mw(year, rng=scenario.rng(), spec=grid)

    def dispatch(cf: float) -> np.ndarray:
        return plant_dispatch_mw(
            national,
            capacity_mw=grid.plant_capacity_mw,
            capacity_factor=cf,
            min_load=grid.plant_min_load,
        )

    cf = float(p.capacity_factor)
    plant = dispatch(cf)
    tables = _site_tables(
        sites,
        year=year,
        grid=grid,
        national_mw=national[:n_hours],
        plant_mw=plant[:n_hours],
        events=events,
    )
    comparison = tables["site_comparison"]
    best = best_site(comparison)
    hourly = tables["hourly"]
    hourly["gas_burn_mcm"] = gas_mcm_from_mwh(
        hourly["plant_mw"].to_numpy(), efficiency=p.efficiency
    )
    burns = {c: gas_mcm_from_mwh(dispatch(c), efficiency=p.efficiency) for c in sorted({*cfs, cf})}
    tables.update(_gas_tables(gas, burns, cf=cf, year=year))
    free = route_free_capacity(gas)
    balance = tables["gas_balance"]
    row = balance[balance["capacity_factor"] == cf].iloc[0]
    summary = _summary(
        balance_row=row,
        comparison=comparison,
        site=site if site is not None else best,
        best=best,
        free=free,
        plant_energy_gwh=float(plant.sum() / MWH_PER_GWH),
        cf=cf,
        breakeven=_breakeven_cf(row["supply_limit_bcm_per_yr"], grid, p.efficiency),
    )
    meta: dict[str, Any] = {
        "model": "serbia",
        "year": year,
        "best_site": best,
        "site": site,
        "sites": sites,
        "hours": n_hours,
        "gas_bottleneck": str(row["bottleneck"]),
        "bottleneck": str(row["bottleneck"]),  # read by corridor_sim.sweep
        "unit": "mcm",
        "gas_unit": "mcm per month",
        "contract_plan_bcm_per_yr": value("serbia.gas.contract_plan", unit="bcm/yr"),
    }
    return Result(tables=tables, summary_table=summary, meta=meta)
