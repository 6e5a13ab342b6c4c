"""Gas supply of the Serbian plant: Azerbaijani gas from Sangachal to Niš on the commodity engine.

Route (REFERENCES C6–C11): SCP (Azerbaijan–Georgia–Türkiye border) → TANAP (Türkiye, offtake
6 bcm/yr) → TAP (Kipoi–Komotini, then on to Italy) → IGB (Komotini–Stara Zagora, Bulgarian
offtake) → Bulgarian transmission (not limiting) → IBS (Novi Iskar–Niš) → the contract → the plant.
Other users of each pipeline are demands with priority over the plant, so the plant gets what
the route's free capacity and the contracted volume leave. Network unit: mcm per month; annual
capacities are delivered ratably (1/12 per month).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.engines.commodity import (
    Arc,
    CommodityNetwork,
    CommoditySolution,
    Node,
    NodeKind,
    solve,
)
from corridor_sim.errors import SpecError, UnknownNameError, suggest
from corridor_sim.units import GasBasis, bcm_to_twh, twh_to_bcm

__all__ = [
    "GasSpec",
    "gas_balance",
    "gas_mcm_from_mwh",
    "gas_network",
    "mwh_from_gas_mcm",
    "route_free_capacity",
]

MONTHS = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12")
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
#: Gas basis of the plant's heat rate: the Serbian regulator's LHV (units.gas.lhv_serbia).
BASIS = GasBasis.SERBIA_LHV
_MCM_PER_BCM = 1000.0
_MWH_PER_TWH = 1e6
#: Priority of other pipeline users over the plant (unmet penalties, cost units per mcm).
_PENALTY_OTHERS, _PENALTY_PLANT = 10, 1
#: Shortfalls below this (bcm/yr) are solver round-off.
_TOL_BCM = 1e-9
_DIGITS = 12


def gas_mcm_from_mwh(energy_mwh: npt.ArrayLike, *, efficiency: float) -> np.ndarray:
    """Gas burnt (mcm, Serbian LHV basis) to make `energy_mwh` of electricity at `efficiency`.

    Examples
    --------
    >>> int(gas_mcm_from_mwh(1e6, efficiency=0.5))  # 1 TWh at 50 %: 216 million m3
    215
    """
    if not 0 < efficiency <= 1:
        msg = f"efficiency = {efficiency!r}: expected a fraction in (0, 1], e.g. 0.58 for a CCGT"
        raise SpecError(msg)
    e_twh = np.asarray(energy_mwh, dtype=float) / _MWH_PER_TWH / efficiency
    return np.asarray(twh_to_bcm(e_twh, basis=BASIS)) * _MCM_PER_BCM


def mwh_from_gas_mcm(gas_mcm: npt.ArrayLike, *, efficiency: float) -> np.ndarray:
    """Electricity (MWh) made from `gas_mcm` at `efficiency` (inverse of :func:`gas_mcm_from_mwh`).

    Examples
    --------
    >>> round(float(mwh_from_gas_mcm(gas_mcm_from_mwh(42, efficiency=0.5), efficiency=0.5)), 9)
    42.0
    """
    if not 0 < efficiency <= 1:
        msg = f"efficiency = {efficiency!r}: expected a fraction in (0, 1], e.g. 0.58 for a CCGT"
        raise SpecError(msg)
    e_twh = np.asarray(bcm_to_twh(np.asarray(gas_mcm, dtype=float) / _MCM_PER_BCM, basis=BASIS))
    return e_twh * efficiency * _MWH_PER_TWH


def _g(fid: str) -> float:
    return value(f"serbia.gas.{fid}", unit="bcm/yr")


@dataclass(frozen=True, slots=True)
class GasSpec:
    """Leg capacities, other users and the contract, all in bcm/yr (catalogue defaults)."""

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
                msg = f"gas.{f.name}_bcm_per_yr = {x!r}: expected a finite number of bcm/yr >= 0"
                raise SpecError(msg)

    @classmethod
    def default(cls, **overrides: float) -> GasSpec:
        """Catalogue values; `overrides` replace fields by name (bcm/yr)."""
        base = cls(
            scp_capacity=_g("scp.capacity"),
            scp_other_use=_g("scp.other_use"),
            tanap_capacity=_g("tanap.capacity"),
            tanap_turkey_offtake=_g("tanap.turkey_offtake"),
            tap_capacity=_g("tap.capacity"),
            tap_other_use=_g("tap.other_use"),
            igb_capacity=_g("igb.capacity"),
            igb_bulgaria_use=_g("igb.bulgaria_use"),
            ibs_capacity=_g("ibs.capacity"),
            ibs_other_use=_g("ibs.other_use"),
            contracted_volume=_g("contract_now"),
            contract_existing_use=_g("contract_existing_use"),
        )
        names = [f.name for f in fields(cls)]
        for key in overrides:
            if key not in names:
                msg = f"gas override {key!r}: unknown field, {suggest(key, names)}"
                raise UnknownNameError(msg)
        return replace(base, **overrides)

    @property
    def contract_available(self) -> float:
        """Contracted volume left for the plant, bcm/yr."""
        return max(0, self.contracted_volume - self.contract_existing_use)


def route_free_capacity(spec: GasSpec) -> dict[str, float]:
    """Free capacity of each leg for more gas to Serbia, bcm/yr (capacity minus other users).

    Examples
    --------
    >>> free = route_free_capacity(GasSpec.default())
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


def gas_network(
    spec: GasSpec, plant_mcm: npt.ArrayLike, *, name: str = "serbia_gas"
) -> CommodityNetwork:
    """Build the route as a commodity network in mcm per period: one year, or 12 months.

    Parameters
    ----------
    spec : GasSpec
        Capacities, other users, contract (bcm/yr).
    plant_mcm : array_like of 1 or 12 floats
        Plant gas burn in the year (one value) or per month (twelve values), mcm. With months,
        capacities and the contract are delivered ratably (in proportion to the month's days).

    Returns
    -------
    CommodityNetwork
        Arcs ``scp``, ``tanap``, ``tanap_west``, ``tap``, ``tap_west``, ``igb``,
        ``bg_transmission``, ``ibs``, ``contract``; the plant node ``plant``.
    """
    burn = np.asarray(plant_mcm, dtype=float)
    if (
        burn.ndim != 1
        or burn.size not in (1, len(MONTHS))
        or not np.all(np.isfinite(burn))
        or np.any(burn < 0)
    ):
        msg = (
            "plant_mcm: expected 1 (a year) or 12 (months) finite values >= 0, "
            f"got shape {burn.shape}"
        )
        raise SpecError(msg)
    n = burn.size

    def m(bcm_per_yr: float) -> float | tuple[float, ...]:
        return _per_period(bcm_per_yr, n)

    other = {"unmet_penalty": _PENALTY_OTHERS, "kind": NodeKind.DEMAND}
    nodes = (
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
    arcs = (
        Arc(
            "sangachal",
            "erzurum",
            capacity=m(spec.scp_capacity),
            id="scp",
            label="South Caucasus Pipeline",
        ),
        Arc("erzurum", "scp_other_users", capacity=math.inf, id="scp_offtake"),
        Arc(
            "erzurum",
            "eskisehir",
            capacity=m(spec.tanap_capacity),
            id="tanap",
            label="TANAP (east)",
        ),
        Arc("eskisehir", "turkey_tanap", capacity=math.inf, id="tanap_offtake"),
        Arc(
            "eskisehir",
            "kipoi",
            capacity=m(spec.tanap_capacity),
            id="tanap_west",
            label="TANAP (west)",
        ),
        Arc("kipoi", "komotini", capacity=m(spec.tap_capacity), id="tap", label="TAP"),
        Arc(
            "komotini",
            "tap_users",
            capacity=m(spec.tap_capacity),
            id="tap_west",
            label="TAP beyond Komotini",
        ),
        Arc("komotini", "stara_zagora", capacity=m(spec.igb_capacity), id="igb", label="IGB"),
        Arc("stara_zagora", "bulgaria", capacity=math.inf, id="igb_offtake"),
        Arc(
            "stara_zagora",
            "novi_iskar",
            capacity=math.inf,
            id="bg_transmission",
            label="Bulgarian grid (not limiting)",
        ),
        Arc("novi_iskar", "nis_gas", capacity=m(spec.ibs_capacity), id="ibs", label="IBS"),
        Arc("nis_gas", "ibs_other_users", capacity=math.inf, id="ibs_offtake"),
        Arc(
            "nis_gas",
            "plant",
            capacity=m(spec.contract_available),
            id="contract",
            label="Contracted volume",
        ),
    )
    prov = tuple(
        (f"{f.name}_bcm_per_yr", fid)
        for f, fid in zip(
            fields(GasSpec),
            (
                "serbia.gas.scp.capacity",
                "serbia.gas.scp.other_use",
                "serbia.gas.tanap.capacity",
                "serbia.gas.tanap.turkey_offtake",
                "serbia.gas.tap.capacity",
                "serbia.gas.tap.other_use",
                "serbia.gas.igb.capacity",
                "serbia.gas.igb.bulgaria_use",
                "serbia.gas.ibs.capacity",
                "serbia.gas.ibs.other_use",
                "serbia.gas.contract_now",
                "serbia.gas.contract_existing_use",
            ),
            strict=True,
        )
    )
    periods = tuple(f"m{mm}" for mm in MONTHS) if n > 1 else ("year",)
    return CommodityNetwork(
        nodes=nodes, arcs=arcs, periods=periods, unit="mcm", name=name, provenance=prov
    )


def monthly_from_hourly(hourly: npt.ArrayLike) -> np.ndarray:
    """Sum an 8760-hour series into 12 calendar months (non-leap year)."""
    x = np.asarray(hourly, dtype=float)
    edges = np.concatenate([[0], np.cumsum(_DAYS) * 24])
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


def gas_balance(
    spec: GasSpec, burn_mcm_by_cf: dict[float, np.ndarray]
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
        year_sol = solve(gas_network(spec, [need], name=f"serbia_gas_cf{cf:g}_year"))
        month_sol = solve(gas_network(spec, months, name=f"serbia_gas_cf{cf:g}_month"))
        py = year_sol.unmet[year_sol.unmet["node"] == "plant"]
        pm = month_sol.unmet[month_sol.unmet["node"] == "plant"]
        short = float(py["unmet"].sum()) / _MCM_PER_BCM
        rows.append(
            {
                "capacity_factor": float(cf),
                "gas_need_bcm_per_yr": need / _MCM_PER_BCM,
                "contracted_bcm_per_yr": spec.contracted_volume,
                "contract_available_bcm_per_yr": spec.contract_available,
                "free_capacity_bcm_per_yr": min(free.values()),
                "supply_limit_bcm_per_yr": limit,
                "delivered_bcm_per_yr": float(py["delivered"].sum()) / _MCM_PER_BCM,
                "shortfall_bcm_per_yr": short,
                "exceeds_supply": bool(short > _TOL_BCM),
                "bottleneck": name,
                "short_months_ratable": int((pm["unmet"] > _TOL_BCM * _MCM_PER_BCM).sum()),
                "shortfall_ratable_bcm_per_yr": float(pm["unmet"].sum()) / _MCM_PER_BCM,
            }
        )
        annual[cf], monthly[cf] = year_sol, month_sol
    return pd.DataFrame(rows), annual, monthly
