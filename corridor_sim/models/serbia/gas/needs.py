"""How much new contract and new capacity the plant needs: bisections on the chain.

Both questions are asked of the chain with its legs replaced by one arc ``route``
(:func:`~corridor_sim.models.serbia.gas.chain.chain_network` with ``route_cap_mcm_per_d``),
because every leg of the main route may be expanded:

1. the **new contract's daily rate** ``R``: the smallest with which no user and no day is
   short when the route carries anything (:func:`new_contract_rate`);
2. the **route's daily capacity** ``X``: with a new contract of rate ``R``, the smallest
   daily flow the whole route must carry (storage at Niš flattens it).

A leg then needs ``max over days (route flow - room the leg leaves for gas to Serbia)`` of new
capacity. Each bisection stops within :data:`TOL_MCM_PER_D` and returns the upper end, which
always suffices. Without storage the route carries each day's demand, so ``X`` needs no
bisection.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridor_sim.engines.commodity import CommoditySolution, solve
from corridor_sim.models.serbia.gas.chain import DAYS, LEGS, chain_network, existing_use_mcm
from corridor_sim.models.serbia.gas.params import ChainSpec
from corridor_sim.units import THOUSAND

__all__ = [
    "TOL_MCM_PER_D",
    "Needs",
    "flow",
    "new_capacity",
    "new_contract_rate",
    "no_storage",
    "plant_needs",
    "ratable_storage",
    "shortfall",
]

#: Width (mcm/d) at which the bisections stop.
TOL_MCM_PER_D = 0.005
#: Shortfalls below this (mcm over the year) are solver round-off.
TOL_MCM = 1e-6


def shortfall(sol: CommoditySolution) -> float:
    """Unmet demand of every user over the year, mcm."""
    return float(sol.unmet["unmet_mcm"].sum())


def flow(sol: CommoditySolution, arc: str) -> np.ndarray:
    """Daily flow over `arc`, mcm/d."""
    f = sol.flows
    return f.loc[f["element"] == arc, "flow_mcm"].to_numpy()


def no_storage(spec: ChainSpec) -> ChainSpec:
    """`spec` without the plant's storage."""
    return dataclasses.replace(
        spec,
        plant_storage_mcm=0.0,
        plant_storage_withdrawal_mcm_per_d=0.0,
        plant_storage_injection_mcm_per_d=0.0,
    )


def _bisect(
    feasible_at: Callable[[float], CommoditySolution],
    lo: float,
    hi: float,
    best: CommoditySolution,
) -> tuple[float, CommoditySolution]:
    """Return the smallest x in [lo, hi] with no shortfall (hi has none, with `best`)."""
    sol = feasible_at(lo)
    if shortfall(sol) <= TOL_MCM:
        return lo, sol
    while hi - lo > TOL_MCM_PER_D:
        mid = 0.5 * (lo + hi)
        sol = feasible_at(mid)
        if shortfall(sol) <= TOL_MCM:
            hi, best = mid, sol
        else:
            lo = mid
    return hi, best


def _rate(
    spec: ChainSpec, need: np.ndarray, known: tuple[float, CommoditySolution] | None
) -> tuple[float, CommoditySolution]:
    def run(rate: float) -> CommoditySolution:
        net = chain_network(spec, need, new_contract_mcm_per_d=rate, route_cap_mcm_per_d=math.inf)
        return solve(net)

    demand = need.sum() + existing_use_mcm(spec).sum()
    # The new contract brings at least the year's demand that the contract cannot (storage
    # ends the year at least as full as it starts), spread over every day.
    lo = max(0.0, (demand - spec.contracted_volume * THOUSAND) / DAYS)
    if known is not None:
        return _bisect(run, lo, *known)
    hi = float((need + existing_use_mcm(spec)).max())
    best = run(hi)
    while shortfall(best) > TOL_MCM:  # round-off at the bound
        hi *= 1.01
        best = run(hi)
    return _bisect(run, lo, hi, best)


def new_contract_rate(spec: ChainSpec, need_mcm_per_d: npt.ArrayLike) -> float:
    """Smallest daily rate of a new contract (mcm/d) with which no user and no day is short.

    Examples
    --------
    >>> from corridor_sim.models.serbia.gas.study import chain_spec
    >>> spec = chain_spec(2029, plant_storage_mcm=0.0)
    >>> round(float(new_contract_rate(spec, np.full(365, 2.0))), 2)  # users take the contract
    2.0
    """
    return _rate(spec, np.asarray(need_mcm_per_d, dtype=float), None)[0]


@dataclass(frozen=True)
class Needs:
    """What one variant (with or without storage) of one case needs.

    Attributes
    ----------
    rate_mcm_per_d : float
        The new contract's daily rate ``R``.
    volume_mcm : float
        The new contract's volume over the year.
    route_mcm_per_d : np.ndarray
        What the route carries each day in the plan (at most ``X``).
    solution : CommoditySolution
        The plan on the chain without its legs.
    """

    rate_mcm_per_d: float
    volume_mcm: float
    route_mcm_per_d: np.ndarray
    solution: CommoditySolution


def _route(
    spec: ChainSpec, need: np.ndarray, rate: float, plan: CommoditySolution
) -> CommoditySolution:
    """Return the plan whose largest daily route flow is smallest (new contract at `rate`)."""
    if spec.plant_storage_mcm <= 0:
        return plan

    def run(cap: float) -> CommoditySolution:
        net = chain_network(spec, need, new_contract_mcm_per_d=rate, route_cap_mcm_per_d=cap)
        return solve(net)

    demand = need.sum() + existing_use_mcm(spec).sum()
    hi = float(flow(plan, "route").max())
    return _bisect(run, min(hi, demand / DAYS), hi, plan)[1]


def plant_needs(spec: ChainSpec, need_mcm_per_d: npt.ArrayLike) -> dict[bool, Needs]:
    """Return the new contract and route flow with the plant's storage (True) and without."""
    need = np.asarray(need_mcm_per_d, dtype=float)
    bare = no_storage(spec)
    rates = {False: _rate(bare, need, None)}
    rates[True] = rates[False] if bare == spec else _rate(spec, need, rates[False])
    out = {}
    for key, s in ((True, spec), (False, bare)):
        rate, plan = rates[key]
        plan = _route(s, need, rate, plan)
        new = flow(plan, "new_contract_delivery")
        out[key] = Needs(rate, float(new.sum()), flow(plan, "route"), plan)
    return out


def new_capacity(spec: ChainSpec, route_mcm_per_d: np.ndarray) -> dict[str, float]:
    """Return the new capacity (mcm/d) each main-route leg needs to carry `route_mcm_per_d`."""
    labels = pd.date_range(pd.Timestamp(year=spec.year, month=1, day=1), periods=DAYS, freq="D")
    out = {}
    for leg in LEGS:
        if leg.main:
            room = np.minimum(leg.free(spec, labels), leg.capacity(spec, labels)) * THOUSAND / DAYS
            out[leg.id] = float(max(0.0, (route_mcm_per_d - room).max()))
    return out


def ratable_storage(short_mcm_per_d: npt.ArrayLike) -> tuple[float, float, float]:
    """Storage volume (mcm), withdrawal and injection rates (mcm/d) for a flat new contract.

    The contract delivers the mean of `short_mcm_per_d` every day; storage takes the rest.

    Examples
    --------
    >>> ratable_storage([2.0, 0.0, 2.0, 0.0])
    (1.0, 1.0, 1.0)
    """
    short = np.asarray(short_mcm_per_d, dtype=float)
    mean = float(short.mean())
    path = np.cumsum(mean - short)
    volume = float(max(path.max(), 0.0) - min(path.min(), 0.0))
    out_rate = float(max(0.0, (short - mean).max()))
    in_rate = float(max(0.0, (mean - short).max()))
    return volume, out_rate, in_rate
