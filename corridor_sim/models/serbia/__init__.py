"""Serbian 500 MW gas plant near Niš: the grid site study and the gas supply from Azerbaijan.

``build(site, year=...)`` returns the pandapower net of the transmission grid around Niš with
the plant at Trupale, Kruševac or Niška Banja (or without it). ``simulate(scenario)`` runs the
site study over every hour of the year (DC flow and N-1 on the power engine, AC snapshots with
pandapower) for each site and "no plant", and the gas balance on the commodity engine for
several capacity factors. See ``docs/serbia.md``.

>>> from corridor_sim.models import serbia
>>> net = serbia.build("krusevac", year=2029)
>>> sorted(net.ext_grid.name)
['bulgaria', 'north_macedonia', 'rest_of_serbia']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.catalogue import fact, facts, value
from corridor_sim.errors import ScenarioError, SpecError, suggest
from corridor_sim.models.serbia.gas import (
    GasSpec,
    gas_balance,
    gas_mcm_from_mwh,
    mwh_from_gas_mcm,
    route_free_capacity,
)
from corridor_sim.models.serbia.grid import GridSpec, Site, build_grid, element_ids, parse_site
from corridor_sim.models.serbia.study import HOURS, national_load_mw, plant_dispatch_mw, site_study
from corridor_sim.models.base import ModelEntry, Parameter, ScenarioLike
from corridor_sim.results.result import Result, summary_frame

__all__ = ["MODEL", "OPTIONS", "Site", "build", "elements", "parameters", "simulate"]

#: Sites compared by default ("none": the grid without the plant).
ALL_SITES: tuple[str, ...] = ("none", *(s.value for s in Site))
#: Capacity factors of the gas study by default (p.u.).
DEFAULT_CAPACITY_FACTORS: tuple[float, ...] = tuple(round(x, 2) for x in np.arange(1, 10) / 10)

OPTIONS: dict[str, str] = {
    "site": "the scenario's site: 'trupale', 'krusevac', 'niska_banja' or 'none' (map, headline)",
    "sites": "list of sites to compare (default all three and 'none')",
    "capacity_factors": "list of capacity factors (0..1) for the gas balance (default 0.1..0.9)",
}

_GAS_SOURCES = {
    "scp_capacity": "serbia.gas.scp.capacity",
    "scp_other_use": "serbia.gas.scp.other_use",
    "tanap_capacity": "serbia.gas.tanap.capacity",
    "tanap_turkey_offtake": "serbia.gas.tanap.turkey_offtake",
    "tap_capacity": "serbia.gas.tap.capacity",
    "tap_other_use": "serbia.gas.tap.other_use",
    "igb_capacity": "serbia.gas.igb.capacity",
    "igb_bulgaria_use": "serbia.gas.igb.bulgaria_use",
    "ibs_capacity": "serbia.gas.ibs.capacity",
    "ibs_other_use": "serbia.gas.ibs.other_use",
    "contracted_volume": "serbia.gas.contract_now",
    "contract_existing_use": "serbia.gas.contract_existing_use",
}


def parameters(year: int) -> dict[str, Parameter]:
    """Return the accepted overrides for `year` with defaults, units and source ids."""
    grid = GridSpec.for_year(year)
    gas = GasSpec.default()
    out = {
        "capacity_factor": Parameter(
            "capacity_factor",
            value("serbia.plant.capacity_factor", unit="p.u."),
            "p.u.",
            "plant capacity factor (energy / (capacity x 8760 h))",
            "serbia.plant.capacity_factor",
            maximum=1.0,
        ),
        "plant_capacity_mw": Parameter(
            "plant_capacity_mw",
            grid.plant_capacity_mw,
            "MW",
            "plant rating",
            "serbia.plant.capacity",
            minimum=1,
        ),
        "efficiency": Parameter(
            "efficiency",
            value("serbia.plant.efficiency", unit="p.u."),
            "p.u.",
            "net electrical efficiency (LHV)",
            "serbia.plant.efficiency",
            minimum=0,
            maximum=1.0,
        ),
        "min_load": Parameter(
            "min_load",
            grid.plant_min_load,
            "p.u.",
            "minimum stable load",
            "serbia.plant.min_load",
            maximum=1,
        ),
    }
    for f in fields(GasSpec):
        name = f"{f.name}_bcm_per_yr"
        out[name] = Parameter(
            name,
            getattr(gas, f.name),
            "bcm/yr",
            fact(_GAS_SOURCES[f.name]).subject,
            _GAS_SOURCES[f.name],
        )
    return out


#: Catalogue rows read outside the ``serbia.*`` assumptions (the gas heat content of the
#: heat-rate conversion, via :mod:`corridor_sim.units`).
_OTHER_IDS = ("units.gas.lhv_serbia",)


def _provenance(params: Mapping[str, Parameter]) -> pd.DataFrame:
    """Every catalogue row the model reads, with the parameter it sets.

    One row per overridable parameter (``kind = "parameter"``), then one per other catalogue
    row the grid, load, study and gas models read (``kind = "fixed"``: line lengths and
    per-km values, transformer ratings, load shape and shares, coordinates, limits, ...).
    """
    rows = [(k, p.default, p.unit, p.source, "parameter") for k, p in params.items()]
    listed = {p.source for p in params.values()}
    ids = [i for i in facts(status="assumption").index if i.startswith("serbia.")]
    for fid in (*ids, *_OTHER_IDS):
        if fid not in listed:
            f = fact(fid)
            rows.append((fid.removeprefix("serbia."), f.value, f.unit, fid, "fixed"))
    columns = ["parameter", "default", "unit", "source_id", "kind"]
    return pd.DataFrame(rows, columns=columns)


def elements(year: int) -> list[str]:
    """Line and transformer ids an event may name (the same for every site)."""
    return element_ids(build_grid(None, year=year))


def build(site: str | Site | None = None, *, year: int, **overrides: float) -> pp.pandapowerNet:
    """Build the grid around Niš in `year` with the 500 MW plant at `site` (``None``: without).

    Parameters
    ----------
    site : {"trupale", "krusevac", "niska_banja"} or None
        Where the plant connects.
    year : int
        Model year (loads grow from the 2024 national consumption).
    **overrides
        ``plant_capacity_mw`` or ``min_load`` (other model parameters do not change the net).

    Returns
    -------
    pandapower.pandapowerNet
        Buses with coordinates, lines, transformers, loads (annual mean hour), three external
        grids and the plant as ``gen`` ``"plant"``.

    Raises
    ------
    UnknownNameError
        If `site` is not one of the three sites (the message lists them).
    SpecError
        If an override is not a grid parameter.

    Examples
    --------
    >>> net = build("trupale", year=2029)
    >>> len(net.line), len(net.trafo)
    (12, 17)
    """
    grid_keys = {"plant_capacity_mw": "plant_capacity_mw", "min_load": "plant_min_load"}
    unknown = [k for k in overrides if k not in grid_keys and k not in parameters(year)]
    if unknown:
        msg = f"build override {unknown[0]!r}: unknown, {suggest(unknown[0], grid_keys)}"
        raise SpecError(msg)
    spec = GridSpec.for_year(
        year, **{grid_keys[k]: float(v) for k, v in overrides.items() if k in grid_keys}
    )
    return build_grid(site, year=year, spec=spec)


def _option_list(options: Mapping[str, Any], key: str, default: Sequence[Any]) -> list[Any]:
    raw = options.get(key, default)
    if isinstance(raw, str) or not isinstance(raw, Sequence) or not raw:
        msg = f"options.{key} = {raw!r}: expected a non-empty list"
        raise ScenarioError(msg)
    return list(raw)


def _parse_options(scenario: ScenarioLike) -> tuple[str | None, list[str], list[float]]:
    options = dict(scenario.options)
    for key in options:
        if key not in OPTIONS:
            msg = f"options.{key}: unknown option of model 'serbia', {suggest(key, OPTIONS)}"
            raise ScenarioError(msg)
    site = options.get("site")
    if site is not None and site != "none":
        try:
            parse_site(site)
        except LookupError as err:
            msg = f"options.site: {err}"
            raise ScenarioError(msg) from err
    sites = _option_list(options, "sites", ALL_SITES)
    for s in sites:
        if s not in ALL_SITES:
            msg = f"options.sites: {s!r} is not a site; expected some of {list(ALL_SITES)}"
            raise ScenarioError(msg)
    if site is not None and site not in sites:
        sites.append(site)
    cfs = _option_list(options, "capacity_factors", DEFAULT_CAPACITY_FACTORS)
    for cf in cfs:
        if isinstance(cf, bool) or not isinstance(cf, int | float) or not 0 <= cf <= 1:
            msg = f"options.capacity_factors: {cf!r}: expected capacity factors in [0, 1]"
            raise ScenarioError(msg)
    return site, sites, [float(c) for c in cfs]


def _events(scenario: ScenarioLike, n_hours: int) -> list[tuple[str, int, int, float]]:
    known = elements(scenario.year)
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


def _best_site(comparison: pd.DataFrame) -> str:
    """Pick the site with fewest N-1 violation hours, then lowest worst N-1 loading and losses."""
    plants = comparison[comparison["site"] != "none"]
    if plants.empty:
        return "none"
    ranked = plants.assign(w=plants["worst_n1_loading_pct"].round(1)).sort_values(
        ["n1_violation_hours", "w", "losses_mwh"]
    )
    return str(ranked["site"].iloc[0])


def _breakeven_cf(limit_bcm_per_yr: float, grid: GridSpec, values: Mapping[str, float]) -> float:
    """Capacity factor at which the plant's gas need equals `limit_bcm_per_yr` (capped at 1)."""
    energy_mwh = float(mwh_from_gas_mcm(limit_bcm_per_yr * 1000, efficiency=values["efficiency"]))
    return min(1.0, energy_mwh / (grid.plant_capacity_mw * HOURS))


def simulate(scenario: ScenarioLike) -> Result:
    """Run the site study and the gas balance for `scenario`.

    Parameters
    ----------
    scenario : ScenarioLike
        ``year``, ``overrides`` (see :func:`parameters`), ``options`` (``site``, ``sites``,
        ``capacity_factors``), ``periods`` (hours studied on the grid, default 8760, from
        1 January), ``seed`` (hourly load noise) and ``events`` (line/trafo outages by hour).

    Returns
    -------
    Result
        Tables ``site_comparison``, ``loadings``, ``n1_worst``, ``voltages``, ``hourly``,
        ``gas_balance``, ``provenance`` and the gas route's ``flows``, ``utilisation``,
        ``bottlenecks``, ``unmet``, ``prices`` at the scenario's capacity factor;
        ``meta["model"] = "serbia"``, ``meta["best_site"]``.

    Raises
    ------
    ScenarioError
        On an unknown option, site, event element or a bad value.
    """
    site, sites, cfs = _parse_options(scenario)
    params = parameters(scenario.year)
    values = {k: p.default for k, p in params.items()}
    for key, val in scenario.overrides.items():
        if key not in params:
            msg = f"overrides.{key}: unknown parameter of model 'serbia', {suggest(key, params)}"
            raise ScenarioError(msg)
        values[key] = float(val)
    n_hours = HOURS if scenario.periods is None else int(scenario.periods)
    if not 1 <= n_hours <= HOURS:
        msg = f"periods = {scenario.periods!r}: expected 1..{HOURS} hours"
        raise ScenarioError(msg)
    try:
        grid = GridSpec.for_year(
            scenario.year,
            plant_capacity_mw=values["plant_capacity_mw"],
            plant_min_load=values["min_load"],
        )
        gas = GasSpec.default(**{f.name: values[f"{f.name}_bcm_per_yr"] for f in fields(GasSpec)})
    except SpecError as err:
        msg = f"overrides: {err}"
        raise ScenarioError(msg) from err
    events = _events(scenario, n_hours)
    national = national_load_mw(scenario.year, rng=scenario.rng(), spec=grid)

    def dispatch(cf: float) -> np.ndarray:
        return plant_dispatch_mw(
            national,
            capacity_mw=grid.plant_capacity_mw,
            capacity_factor=cf,
            min_load=grid.plant_min_load,
        )

    cf = values["capacity_factor"]
    plant = dispatch(cf)
    parts: dict[str, list[pd.DataFrame]] = {}
    for s in sites:
        out = site_study(
            None if s == "none" else Site(s),
            year=scenario.year,
            national_mw=national[:n_hours],
            plant_mw=plant[:n_hours],
            events=events,
            spec=grid,
        )
        for key, frame in out.items():
            parts.setdefault(key, []).append(frame)
    tables = {k: pd.concat(v, ignore_index=True) for k, v in parts.items()}
    comparison = tables.pop("summary")
    best = _best_site(comparison)
    hourly = tables.pop("hourly")
    hourly["gas_burn_mcm"] = gas_mcm_from_mwh(
        hourly["plant_mw"].to_numpy(), efficiency=values["efficiency"]
    )
    burns = {
        c: gas_mcm_from_mwh(dispatch(c), efficiency=values["efficiency"])
        for c in sorted({*cfs, cf})
    }
    balance, _, monthly = gas_balance(gas, burns)
    sol = monthly[cf]
    free = route_free_capacity(gas)
    prov = _provenance(params)
    result_tables = {
        "site_comparison": comparison,
        "loadings": tables["elements"],
        "n1_worst": tables["n1_worst"],
        "voltages": tables["ac"],
        "buses": tables["buses"],
        "hourly": hourly,
        "gas_balance": balance,
        "gas_free_capacity": pd.DataFrame(
            {"leg": list(free), "free_capacity_bcm_per_yr": list(free.values())}
        ),
        "provenance": prov,
    }
    for name in ("flows", "utilisation", "bottlenecks", "unmet", "prices"):
        result_tables[name] = sol.table(name)
    row = balance[balance["capacity_factor"] == cf].iloc[0]
    summary = [
        ("gas_need_bcm_per_yr", row["gas_need_bcm_per_yr"], "bcm/yr"),
        ("contracted_bcm_per_yr", row["contracted_bcm_per_yr"], "bcm/yr"),
        ("route_free_capacity_bcm_per_yr", row["free_capacity_bcm_per_yr"], "bcm/yr"),
        ("gas_shortfall_bcm_per_yr", row["shortfall_bcm_per_yr"], "bcm/yr"),
        ("plant_energy_gwh", float(plant.sum() / 1000), "GWh"),
        ("capacity_factor", cf, "p.u."),
        (
            "breakeven_capacity_factor",
            _breakeven_cf(row["supply_limit_bcm_per_yr"], grid, values),
            "p.u.",
        ),
    ]
    for _, r in comparison.iterrows():
        summary += [
            (f"n1_violation_hours_{r['site']}", r["n1_violation_hours"], "h"),
            (f"worst_n1_loading_pct_{r['site']}", r["worst_n1_loading_pct"], "%"),
            (f"losses_gwh_{r['site']}", r["losses_mwh"] / 1000, "GWh"),
        ]
    summary.append((f"best_site_is_{best}", 1.0, "-"))
    meta = {
        "model": "serbia",
        "best_site": best,
        "site": site,
        "sites": sites,
        "hours": n_hours,
        "gas_bottleneck": str(row["bottleneck"]),
        "bottleneck": str(row["bottleneck"]),  # read by corridor_sim.sweep
        "gas_unit": "mcm per month",
        "contract_plan_bcm_per_yr": value("serbia.gas.contract_plan", unit="bcm/yr"),
    }
    return Result(tables=result_tables, summary_table=summary_frame(summary), meta=meta)


def _figures(result: Any) -> dict[str, Any]:  # noqa: ANN401 - Result -> Figures
    from corridor_sim.models.serbia.figures import figures  # noqa: PLC0415 - matplotlib on use

    return figures(result)


MODEL = ModelEntry(
    name="serbia",
    description=(
        "Serbian 500 MW gas plant near Niš: grid site study (N-1 over 8760 h) "
        "and Azerbaijani gas supply"
    ),
    build=build,
    simulate=simulate,
    parameters=parameters,
    elements=elements,
    options=OPTIONS,
    resolutions=("hour",),
    figures=_figures,
)
