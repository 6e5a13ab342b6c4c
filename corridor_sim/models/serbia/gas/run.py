"""The gas side of a serbia run: the plant's burn per capacity factor on the gas route.

Calls :mod:`.gas.route` through its public functions (``GasSpec``, ``gas_balance``,
``gas_mcm_from_mwh``, ``mwh_from_gas_mcm``, ``route_free_capacity``); the plant's hourly
output comes from its dispatch (the scenario's own) or, for the table's other capacity
factors, from running in the highest-price hours.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from corridor_sim.models.serbia.gas.route import (
    GasSpec,
    gas_balance,
    gas_mcm_from_mwh,
    mwh_from_gas_mcm,
    route_free_capacity,
)
from corridor_sim.units import THOUSAND

__all__ = ["GAS_TABLES", "breakeven_cf", "gas_tables", "hourly_burn_mcm", "tightest_legs"]

#: Tables of the gas route's monthly solution (at the scenario's capacity factor) in a Result.
GAS_TABLES = ("flows", "utilisation", "bottlenecks", "unmet", "prices", "supply")


def hourly_burn_mcm(plant_mw: np.ndarray, efficiency: float) -> np.ndarray:
    """Gas burnt per hour (mcm) for the plant's hourly output at `efficiency`."""
    return gas_mcm_from_mwh(np.asarray(plant_mw, dtype=float), efficiency=efficiency)


def breakeven_cf(
    limit_bcm_per_yr: float, capacity_mw: float, hours: int, efficiency: float
) -> float:
    """Capacity factor at which the plant's gas need equals `limit_bcm_per_yr` (capped at 1)."""
    energy_mwh = float(mwh_from_gas_mcm(limit_bcm_per_yr * THOUSAND, efficiency=efficiency))
    return min(1.0, energy_mwh / (capacity_mw * hours))


def gas_tables(
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
    for name in GAS_TABLES:
        tables[name] = monthly[cf].table(name)
    return tables


def tightest_legs(free: Mapping[str, float]) -> str:
    """Name the legs with the least free capacity, joined by '+'."""
    low = min(free.values())
    return "+".join(k for k, v in free.items() if math.isclose(v, low, abs_tol=1e-12))
