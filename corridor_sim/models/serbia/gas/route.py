"""Gas supply of the Serbian plant: Azerbaijani gas from Sangachal to Niš on the commodity engine.

Route (REFERENCES C6–C11): SCP (Azerbaijan–Georgia–Türkiye border) → TANAP (Türkiye, offtake
6 bcm/yr) → TAP (Kipoi–Komotini, then on to Italy) → IGB (Komotini–Stara Zagora, Bulgarian
offtake) → Bulgarian transmission (not limiting) → IBS (Novi Iskar–Niš) → the contract → the plant.
Other users of each pipeline are demands with priority over the plant, so the plant gets what
the route's free capacity and the contracted volume leave. Network unit: mcm per period (the
year, or a month); annual capacities are delivered ratably (in proportion to the month's days).
The unmet penalties only rank users (no currency), so prices are in cost units per mcm.

This is the first, annual balance that ``simulate`` runs. The daily gas chain with dated
capacities (TAP's 2026 expansion), the room other users leave on each leg, Banatski Dvor and
the new contract and capacity the plant needs is :mod:`.gas.chain`, :mod:`.gas.needs` and
:mod:`.gas.study` (docs/serbia.md, "The gas chain").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridor_sim.engines.commodity import (
    Arc,
    CommodityNetwork,
    CommoditySolution,
    Node,
    NodeKind,
    solve,
)
from corridor_sim.errors import SpecError, UnknownNameError, suggest
from corridor_sim.models.params import ParamValues
from corridor_sim.models.serbia.params import GAS_FIELDS, PARAMS, gas_param
from corridor_sim.models.toolkit.calendar import make_slices
from corridor_sim.units import (
    HOURS_PER_DAY,
    MWH_PER_TWH,
    THOUSAND,
    GasBasis,
    bcm_to_twh,
    twh_to_bcm,
)

__all__ = [
    "GasSpec",
    "bottleneck",
    "gas_balance",
    "gas_mcm_from_mwh",
    "gas_network",
    "monthly_from_hourly",
    "mwh_from_gas_mcm",
    "route_free_capacity",
]

#: Days per month of the model's 365-day year (the hourly horizon of 8760 hours).
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
#: Gas basis of the plant's heat rate: the Serbian regulator's LHV (units.gas.lhv_serbia).
BASIS = GasBasis.SERBIA_LHV
#: mcm per bcm.
_MCM_PER_BCM = THOUSAND
#: Priority of other pipeline users over the plant (unmet penalties, cost units per mcm).
_PENALTY_OTHERS, _PENALTY_PLANT = 10, 1
#: Shortfalls below this (bcm/yr) are solver round-off.
_TOL_BCM = 1e-9
_DIGITS = 12


def _check_efficiency(efficiency: float) -> None:
    if not 0 < efficiency <= 1:
        msg = f"efficiency = {efficiency!r}: expected a fraction in (0, 1], e.g. 0.58 for a CCGT"
        raise SpecError(msg)


def gas_mcm_from_mwh(energy_mwh: npt.ArrayLike, *, efficiency: float) -> np.ndarray:
    """Gas burnt (mcm, Serbian LHV basis) to make `energy_mwh` of electricity at `efficiency`.

    Examples
    --------
    >>> int(gas_mcm_from_mwh(1e6, efficiency=0.5))  # 1 TWh at 50 %: 216 million m3
    215
    """
    _check_efficiency(efficiency)
    e_twh = np.asarray(energy_mwh, dtype=float) / MWH_PER_TWH / efficiency
    return np.asarray(twh_to_bcm(e_twh, basis=BASIS)) * _MCM_PER_BCM


def mwh_from_gas_mcm(gas_mcm: npt.ArrayLike, *, efficiency: float) -> np.ndarray:
    """Electricity (MWh) made from `gas_mcm` at `efficiency` (inverse of :func:`gas_mcm_from_mwh`).

    Examples
    --------
    >>> round(float(mwh_from_gas_mcm(gas_mcm_from_mwh(42, efficiency=0.5), efficiency=0.5)), 9)
    42.0
    """
    _check_efficiency(efficiency)
    e_twh = np.asarray(bcm_to_twh(np.asarray(gas_mcm, dtype=float) / _MCM_PER_BCM, basis=BASIS))
    return e_twh * efficiency * MWH_PER_TWH


@dataclass(frozen=True, slots=True)
class GasSpec:
    """Leg capacities, other users and the contract, all in bcm/yr.

    A value holder built from the model's parameters (:meth:`from_params`); each field
    ``f`` is the parameter ``f_bcm_per_yr`` of :data:`~corridor_sim.models.serbia.params.PARAMS`.
    """

    scp_capacity: float
    scp_other_use: float
    tanap_capacity: float
    tanap_turkey_offtake: float
    tap_capacity: float
    tap_other_use: float
    igb_capacity: float
    igb_bulgaria_use: float
    ibs_capacity: float
    ibs_other_use: float
    contracted_volume: float
    contract_existing_use: float

    def __post_init__(self) -> None:
        for f in fields(self):
            x = getattr(self, f.name)
            if not (isinstance(x, int | float) and math.isfinite(x) and x >= 0):
                msg = f"{gas_param(f.name)} = {x!r}: expected a finite number of bcm/yr >= 0"
                raise SpecError(msg)

    @classmethod
    def from_params(cls, p: ParamValues) -> GasSpec:
        """Take the gas values of resolved parameters `p` (``PARAMS.resolve(year, overrides)``)."""
        return cls(**{name: float(p[gas_param(name)]) for name in GAS_FIELDS})

    @classmethod
    def for_year(cls, year: int, **overrides: float) -> GasSpec:
        """Catalogue values of `year`; `overrides` replace fields by name (bcm/yr).

        Raises
        ------
        UnknownNameError
            An override that is not a field (with a "did you mean").
        SpecError
            A negative or non-finite value.

        Examples
        --------
        >>> GasSpec.for_year(2025, contracted_volume=1.0).contract_available  # users: 0.033
        0.967
        """
        for key in overrides:
            if key not in GAS_FIELDS:
                msg = f"gas override {key!r}: unknown field, {suggest(key, GAS_FIELDS)}"
                raise UnknownNameError(msg)
        p = PARAMS.resolve(year, {gas_param(k): v for k, v in overrides.items()})
        return cls.from_params(p)

    @property
    def contract_available(self) -> float:
        """Contracted volume left for the plant, bcm/yr."""
        return max(0, self.contracted_volume - self.contract_existing_use)


def route_free_capacity(spec: GasSpec) -> dict[str, float]:
    """Free capacity of each leg for more gas to Serbia, bcm/yr (capacity minus other users).

    Examples
    --------
    >>> free = route_free_capacity(GasSpec.for_year(2029))
    >>> sorted(free)
    ['ibs', 'igb', 'scp', 'tanap', 'tap']
    """
    to_tap = spec.tap_other_use + spec.igb_bulgaria_use + spec.ibs_other_use
    tanap_use = spec.tanap_turkey_offtake + to_tap
    free = {
        "scp": max(0.0, spec.scp_capacity - spec.scp_other_use - tanap_use),
        "tanap": max(0.0, spec.tanap_capacity - tanap_use),
        "tap": max(0.0, spec.tap_capacity - to_tap),
        "igb": max(0.0, spec.igb_capacity - spec.igb_bulgaria_use - spec.ibs_other_use),
        "ibs": max(0.0, spec.ibs_capacity - spec.ibs_other_use),
    }
    return {k: round(v, _DIGITS) for k, v in free.items()}  # drop float round-off (bcm/yr)


def _per_period(bcm_per_yr: float, n_periods: int) -> float | tuple[float, ...]:
    """Annual volume per period in mcm: the year (1 period) or ratably by month (12)."""
    if n_periods == 1:
        return bcm_per_yr * _MCM_PER_BCM
    days = np.asarray(_DAYS, dtype=float)
    return tuple((bcm_per_yr * _MCM_PER_BCM * days / days.sum()).tolist())


def _check_burn(plant_mcm: npt.ArrayLike) -> np.ndarray:
    burn = np.asarray(plant_mcm, dtype=float)
    if (
        burn.ndim != 1
        or burn.size not in (1, len(_DAYS))
        or not np.all(np.isfinite(burn))
        or np.any(burn < 0)
    ):
        msg = (
            "plant_mcm: expected 1 (a year) or 12 (months) finite values >= 0, "
            f"got shape {burn.shape}"
        )
        raise SpecError(msg)
    return burn


def _nodes(spec: GasSpec, burn: np.ndarray) -> tuple[Node, ...]:
    """Supply at Sangachal, transit points, other users (priority) and the plant."""
    n = burn.size

    def m(bcm_per_yr: float) -> float | tuple[float, ...]:
        return _per_period(bcm_per_yr, n)

    other: dict[str, Any] = {"unmet_penalty": _PENALTY_OTHERS, "kind": NodeKind.DEMAND}
    return (
        Node(
            "sangachal",
            kind=NodeKind.SUPPLY,
            supply=m(spec.scp_capacity),
            label="Sangachal terminal",
        ),
        Node("erzurum", label="Georgia–Türkiye border (SCP/TANAP)"),
        Node(
            "scp_other_users", demand=m(spec.scp_other_use), label="Georgia, Türkiye (SD1)", **other
        ),
        Node("eskisehir", label="TANAP offtake, Türkiye"),
        Node("turkey_tanap", demand=m(spec.tanap_turkey_offtake), label="Türkiye (TANAP)", **other),
        Node("kipoi", label="Kipoi (TANAP/TAP)"),
        Node("komotini", label="Komotini (TAP/IGB)"),
        Node("tap_users", demand=m(spec.tap_other_use), label="Greece, Albania, Italy", **other),
        Node("stara_zagora", label="Stara Zagora (IGB)"),
        Node("bulgaria", demand=m(spec.igb_bulgaria_use), label="Bulgaria (SD contract)", **other),
        Node("novi_iskar", label="Novi Iskar (IBS)"),
        Node("nis_gas", label="Niš (IBS end)"),
        Node("ibs_other_users", demand=m(spec.ibs_other_use), label="Other IBS users", **other),
        Node(
            "plant",
            kind=NodeKind.DEMAND,
            demand=tuple(burn.tolist()) if n > 1 else float(burn[0]),
            unmet_penalty=_PENALTY_PLANT,
            label="the gas plant",
        ),
    )


def _arcs(spec: GasSpec, n: int) -> tuple[Arc, ...]:
    """Return the legs (capacities per period) and the uncapped offtakes."""

    def m(bcm_per_yr: float) -> float | tuple[float, ...]:
        return _per_period(bcm_per_yr, n)

    inf = math.inf
    return (
        Arc("sangachal", "erzurum", capacity=m(spec.scp_capacity), id="scp",
            label="South Caucasus Pipeline"),
        Arc("erzurum", "scp_other_users", capacity=inf, id="scp_offtake"),
        Arc("erzurum", "eskisehir", capacity=m(spec.tanap_capacity), id="tanap",
            label="TANAP (east)"),
        Arc("eskisehir", "turkey_tanap", capacity=inf, id="tanap_offtake"),
        Arc("eskisehir", "kipoi", capacity=m(spec.tanap_capacity), id="tanap_west",
            label="TANAP (west)"),
        Arc("kipoi", "komotini", capacity=m(spec.tap_capacity), id="tap", label="TAP"),
        Arc("komotini", "tap_users", capacity=m(spec.tap_capacity), id="tap_west",
            label="TAP beyond Komotini"),
        Arc("komotini", "stara_zagora", capacity=m(spec.igb_capacity), id="igb", label="IGB"),
        Arc("stara_zagora", "bulgaria", capacity=inf, id="igb_offtake"),
        Arc("stara_zagora", "novi_iskar", capacity=inf, id="bg_transmission",
            label="Bulgarian grid (not limiting)"),
        Arc("novi_iskar", "nis_gas", capacity=m(spec.ibs_capacity), id="ibs", label="IBS"),
        Arc("nis_gas", "ibs_other_users", capacity=inf, id="ibs_offtake"),
        Arc("nis_gas", "plant", capacity=m(spec.contract_available), id="contract",
            label="Contracted volume"),
    )  # fmt: skip


def gas_network(
    spec: GasSpec, plant_mcm: npt.ArrayLike, *, year: int, name: str = "serbia_gas"
) -> CommodityNetwork:
    """Build the route as a commodity network in mcm per period: one year, or 12 months.

    Parameters
    ----------
    spec : GasSpec
        Capacities, other users, contract (bcm/yr).
    plant_mcm : array_like of 1 or 12 floats
        Plant gas burn in the year (one value) or per month (twelve values), mcm. With months,
        capacities and the contract are delivered ratably (in proportion to the month's days).
    year : int
        Model year: the periods are ``"YYYY"`` or ``"YYYY-MM"`` with their snapshots
        (1 January, or the first day of each month).
    name : str
        Network name.

    Returns
    -------
    CommodityNetwork
        Arcs ``scp``, ``tanap``, ``tanap_west``, ``tap``, ``tap_west``, ``igb``,
        ``bg_transmission``, ``ibs``, ``contract``; the plant node ``plant``.

    Examples
    --------
    >>> net = gas_network(GasSpec.for_year(2029), [300.0], year=2029)
    >>> net.periods, net.unit
    (('2029',), 'mcm')
    """
    burn = _check_burn(plant_mcm)
    n = burn.size
    slices = make_slices(year, 1, resolution="year") if n == 1 else make_slices(year, n)
    params = [PARAMS[gas_param(f)] for f in GAS_FIELDS]
    prov = tuple((q.name, str(q.fact or q.default_text)) for q in params)
    return CommodityNetwork(
        nodes=_nodes(spec, burn),
        arcs=_arcs(spec, n),
        periods=tuple(s.label for s in slices),
        snapshots=tuple(s.start for s in slices),
        unit="mcm",
        name=name,
        provenance=prov,
    )


def monthly_from_hourly(hourly: npt.ArrayLike) -> np.ndarray:
    """Sum an 8760-hour series into 12 calendar months (non-leap year)."""
    x = np.asarray(hourly, dtype=float)
    edges = np.concatenate([[0], np.cumsum(_DAYS) * HOURS_PER_DAY])
    if x.size != edges[-1]:
        msg = f"hourly series has {x.size} values: expected {int(edges[-1])} (one non-leap year)"
        raise SpecError(msg)
    return np.add.reduceat(x, edges[:-1])


def bottleneck(spec: GasSpec) -> tuple[str, float]:
    """Return the tightest limit on gas for the plant, bcm/yr (ties joined by '+')."""
    limits = {"contract": spec.contract_available, **route_free_capacity(spec)}
    low = min(limits.values())
    names = [k for k, v in limits.items() if math.isclose(v, low, rel_tol=1e-9, abs_tol=1e-12)]
    return "+".join(names), low


def _plant_rows(sol: CommoditySolution) -> pd.DataFrame:
    return sol.unmet[sol.unmet["element"] == "plant"]


def gas_balance(
    spec: GasSpec, burn_mcm_by_cf: dict[float, np.ndarray], *, year: int
) -> tuple[pd.DataFrame, dict[float, CommoditySolution], dict[float, CommoditySolution]]:
    """Solve the route for each capacity factor's hourly burn; return the balance table.

    Each capacity factor is solved twice: over the year (one period: the annual need against
    the annual contract and free capacity) and month by month with ratable deliveries (shows
    the months in which a peaking plant would need more than 1/12 of the year's gas).

    Parameters
    ----------
    spec : GasSpec
        Route and contract.
    burn_mcm_by_cf : dict of float to array
        Hourly gas burn (mcm, 8760 values) of the plant for each capacity factor.
    year : int
        Model year (the periods' dates).

    Returns
    -------
    balance : DataFrame
        One row per capacity factor: ``capacity_factor, gas_need_bcm_per_yr,
        contracted_bcm_per_yr, contract_available_bcm_per_yr, free_capacity_bcm_per_yr,
        supply_limit_bcm_per_yr, delivered_bcm_per_yr, shortfall_bcm_per_yr, exceeds_supply,
        bottleneck, short_months_ratable, shortfall_ratable_bcm_per_yr``.
    annual, monthly : dict of float to CommoditySolution
        The engine solutions per capacity factor.
    """
    free = route_free_capacity(spec)
    name, limit = bottleneck(spec)
    rows, annual, monthly = [], {}, {}
    for cf, hourly in burn_mcm_by_cf.items():
        months = monthly_from_hourly(hourly)
        need = float(months.sum())
        year_sol = solve(gas_network(spec, [need], year=year, name=f"serbia_gas_cf{cf:g}_year"))
        month_sol = solve(gas_network(spec, months, year=year, name=f"serbia_gas_cf{cf:g}_month"))
        py, pm = _plant_rows(year_sol), _plant_rows(month_sol)
        short = float(py["unmet_mcm"].sum()) / _MCM_PER_BCM
        rows.append(
            {
                "capacity_factor": float(cf),
                "gas_need_bcm_per_yr": need / _MCM_PER_BCM,
                "contracted_bcm_per_yr": spec.contracted_volume,
                "contract_available_bcm_per_yr": spec.contract_available,
                "free_capacity_bcm_per_yr": min(free.values()),
                "supply_limit_bcm_per_yr": limit,
                "delivered_bcm_per_yr": float(py["delivered_mcm"].sum()) / _MCM_PER_BCM,
                "shortfall_bcm_per_yr": short,
                "exceeds_supply": bool(short > _TOL_BCM),
                "bottleneck": name,
                "short_months_ratable": int((pm["unmet_mcm"] > _TOL_BCM * _MCM_PER_BCM).sum()),
                "shortfall_ratable_bcm_per_yr": float(pm["unmet_mcm"].sum()) / _MCM_PER_BCM,
            }
        )
        annual[cf], monthly[cf] = year_sol, month_sol
    return pd.DataFrame(rows), annual, monthly
