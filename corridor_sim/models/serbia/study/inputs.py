"""One year's hourly inputs: load, plant schedules, prices and the economic dispatch.

:func:`year_inputs` builds what every site's grid study needs, once per scenario: the
national load, the Serbian plants' availability and schedules, the regional price, the
market dispatch with the plant and (when ``"none"`` is studied) without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.models.params import ParamValues
from corridor_sim.models.serbia.grid.network import GridSpec, build_grid
from corridor_sim.models.serbia.grid.tables import grid_tables
from corridor_sim.models.serbia.market.dispatch import (
    MarketResult,
    MarketSpec,
    market_dispatch,
    power_price_series,
)
from corridor_sim.models.serbia.profiles import national_load_mw, plant_dispatch_mw, unit_profiles
from corridor_sim.models.serbia.study.site import HourlyInputs, _hour_tables
from corridor_sim.models.serbia.validation.load import measured_profile_mw
from corridor_sim.units import MWH_PER_TWH

__all__ = ["YearInputs", "base_capacity_mw", "year_inputs"]


@dataclass(frozen=True, slots=True, eq=False)
class YearInputs:
    """The year's hourly inputs and market results.

    Attributes
    ----------
    national_mw : numpy.ndarray
        National load, MW (8760 hours): the system consumption, network losses included
        (:mod:`~corridor_sim.models.serbia.load_basis`), which the lossless market dispatch
        balances; the site study puts it less the transmission losses at the substations.
    price_eur_per_mwh : numpy.ndarray
        Regional price per hour.
    with_plant, without_plant : MarketResult or None
        Economic dispatch with the plant, and without it (for the "none" site).
    inputs_plant, inputs_none : HourlyInputs or None
        What the site study reads, with and without the plant.
    market : MarketSpec
    plant_cost_eur_per_mwh : float
    """

    national_mw: np.ndarray
    price_eur_per_mwh: np.ndarray
    with_plant: MarketResult | None
    without_plant: MarketResult | None
    inputs_plant: HourlyInputs | None
    inputs_none: HourlyInputs | None
    market: MarketSpec
    plant_cost_eur_per_mwh: float


def base_capacity_mw(draw: Mapping[str, float] | None = None) -> dict[str, float]:
    """Capacity by kind of plant in the base year of the 2024 generation figures (MW)."""
    base = int(value("serbia.load.base_year", unit="year"))
    gens = grid_tables(base, None, planned=False, draw=draw).gens
    return gens.groupby("kind")["capacity_mw"].sum().to_dict()


def _by_unit(net: pp.pandapowerNet, result: MarketResult) -> pd.DataFrame:
    """Market outputs keyed by plant id (``net.gen.unit``) instead of gen index."""
    units = net.gen["unit"]
    return pd.DataFrame(
        {units.at[i]: result.gen_p_mw[i].to_numpy() for i in result.gen_p_mw.columns},
        index=result.gen_p_mw.index,
    )


def year_inputs(
    p: ParamValues,
    grid: GridSpec,
    *,
    rng: np.random.Generator,
    need_plant: bool,
    need_none: bool,
    dispatch_mode: str = "economic",
    price_profile: str = "seepex",
    load_profile: str = "model",
) -> YearInputs:
    """Build the year's load, schedules, prices and the market dispatch(es).

    Parameters
    ----------
    p : ParamValues
        Resolved parameters (technology, prices, capacity factor, ...).
    grid : GridSpec
        Grid, load and draw values.
    rng : numpy.random.Generator
        Seeds the load noise and the wind's daily variation (in this order).
    need_plant, need_none : bool
        Dispatch with the plant (plant sites) and without it (the "none" site).
    dispatch_mode : {"economic", "capacity_factor"}
        Economic: the plant runs when the price covers its cost. ``capacity_factor``: it
        runs at ``capacity_factor`` in the highest-price hours (the other plants are still
        dispatched economically around it).
    price_profile : {"seepex", "synthetic"}
        The hourly price's shape: measured Serbian day-ahead prices, or the load-shaped
        synthetic one (:func:`~corridor_sim.models.serbia.market.dispatch.power_price_series`).
    load_profile : {"model", "measured_2015", "measured_2016"}
        The national load's shape: the model's (:func:`.profiles.national_load_mw`), or a
        measured year's hours (ENTSO-E, :func:`.validation.load.measured_profile_mw`),
        either at the year's energy. The model's noise is drawn either way, so the wind
        year is the same.
    """
    draw = grid.draw
    national = national_load_mw(grid.year, rng=rng, spec=grid)
    if load_profile != "model":
        national = measured_profile_mw(load_profile, annual_twh=national.sum() / MWH_PER_TWH)
    market = MarketSpec.from_params(p, draw)
    price = power_price_series(national, market, year=grid.year, profile=price_profile)
    limit = value("serbia.study.loading_limit", unit="%")
    base = base_capacity_mw(draw)
    wind_seed = int(rng.integers(2**31))  # one wind year for the cases with and without the plant
    results: dict[bool, tuple[MarketResult, HourlyInputs]] = {}
    for with_plant in (True, False):
        if (with_plant and not need_plant) or (not with_plant and not need_none):
            continue
        net = build_grid("krusevac" if with_plant else None, year=grid.year, spec=grid)
        units = net.gen[net.gen["kind"] != "position"][["unit", "kind", "max_p_mw"]]
        units = units[units["kind"] != "plant"].rename(columns={"max_p_mw": "capacity_mw"})
        avail = unit_profiles(
            units, base, national, rng=np.random.default_rng(wind_seed), draw=draw
        )
        fixed = None
        if with_plant and dispatch_mode == "capacity_factor":
            fixed = plant_dispatch_mw(
                price,
                capacity_mw=grid.plant_capacity_mw,
                capacity_factor=float(p.capacity_factor),
                min_load=market.min_load,
            )
        load, _ = _hour_tables(
            net,
            HourlyInputs(
                national, pd.DataFrame(index=range(len(national))), np.zeros(len(national))
            ),
            np.arange(len(national)),
            with_plant=False,
        )
        res = market_dispatch(
            net, load, avail, price, market, limit_pct=limit, plant_fixed_mw=fixed, draw=draw
        )
        inputs = HourlyInputs(national, _by_unit(net, res), res.plant_mw)
        results[with_plant] = (res, inputs)
    plant_res, plant_in = results.get(True, (None, None))
    none_res, none_in = results.get(False, (None, None))
    return YearInputs(
        national_mw=national,
        price_eur_per_mwh=price,
        with_plant=plant_res,
        without_plant=none_res,
        inputs_plant=plant_in,
        inputs_none=none_in,
        market=market,
        plant_cost_eur_per_mwh=market.plant_cost_eur_per_mwh,
    )
