"""What the gas chain delivers to the plant, and how much new contract and capacity it needs.

:func:`gas_study` takes the plant's hourly output per case (technology and site), turns it
into a daily gas need (:func:`~corridor_sim.models.serbia.gas.chain.daily_gas_need_mcm`) and
answers, per case:

1. **the chain as it is** -- one LP over the 365 days
   (:func:`~corridor_sim.models.serbia.gas.chain.chain_network`): the contract shared with
   today's users, the room each leg leaves, the plant's share of Banatski Dvor; what reaches
   the plant each day, the shortfall, the storage use;
2. **what it needs** -- the smallest daily rate ``R`` of a new contract with which nothing is
   short when every leg of the main route may be expanded (bisection on ``R`` over the
   network without the route, where unlimited new capacity makes the route never bind), with
   and without the plant's storage; at that ``R`` the least-cost schedule on the full network
   with new-capacity arcs gives the new contract's annual volume and the new capacity each leg
   needs (its peak daily flow over the new arc);
3. **a ratable new contract** -- the storage volume and rates that would let a flat
   contract (the shortfall's annual mean every day) serve the plant.

The gas need of a case depends only on its hourly output: two sites with the same dispatch
need the same gas (the chain ends at Niš for every site).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.engines.commodity import CommoditySolution, solve
from corridor_sim.errors import SpecError, UnknownNameError, suggest
from corridor_sim.models.serbia.gas.chain import (
    DAYS,
    chain_network,
    daily_gas_need_mcm,
    leg_table,
)
from corridor_sim.models.serbia.gas.needs import (
    flow,
    new_capacity,
    plant_needs,
    ratable_storage,
)
from corridor_sim.models.serbia.gas.params import GAS_PARAMS, ChainSpec
from corridor_sim.models.serbia.params import PARAMS
from corridor_sim.units import THOUSAND

__all__ = [
    "ENGINE_TABLES",
    "GasStudy",
    "chain_spec",
    "default_efficiencies",
    "gas_study",
]

#: Engine tables of one case's as-is solution that a Result carries.
ENGINE_TABLES = ("flows", "utilisation", "unmet", "prices", "storage", "supply", "bottlenecks")
#: Shortfalls below this (mcm over the year) are solver round-off.
_TOL_MCM = 1e-6
#: Bisection stops when the bracket on the new contract's daily rate is this narrow (mcm/d).
_RATE_TOL_MCM_PER_D = 0.005


def chain_spec(year: int, **overrides: Any) -> ChainSpec:  # numbers and a str
    """Return the chain's values for `year`: the serbia model's parameters and :data:`GAS_PARAMS`.

    `overrides` may name parameters of either table (``contracted_volume_bcm_per_yr``,
    ``tap_expansion_booked_share``, ...).

    Raises
    ------
    UnknownNameError
        A name that is in neither table (with a "did you mean").
    SpecError
        A value out of bounds.

    Examples
    --------
    >>> chain_spec(2029, tap_expansion_booked_share=0.5).tap_expansion_booked_share
    0.5
    """
    known = (*PARAMS.names, *(n for n in GAS_PARAMS.names if n not in PARAMS))
    for key in overrides:
        if key not in known:
            msg = f"overrides.{key}: unknown parameter of model 'serbia', {suggest(key, known)}"
            raise UnknownNameError(msg)
    model = {k: v for k, v in overrides.items() if k in PARAMS}
    own = {k: v for k, v in overrides.items() if k not in PARAMS}
    values = dict(PARAMS.resolve(year, model))
    if any(n not in values for n in GAS_PARAMS.names):
        values.update(GAS_PARAMS.resolve(year, own))
    return ChainSpec.from_params(values, year=year)


def default_efficiencies() -> dict[str, float]:
    """Efficiency per technology: ``ccgt`` the plant's (serbia.plant.efficiency), ``ocgt``."""
    return {
        "ccgt": value("serbia.plant.efficiency", unit="p.u."),
        "ocgt": value("serbia.gas.study.efficiency_ocgt", unit="p.u."),
    }


def _short(sol: CommoditySolution) -> float:
    return float(sol.unmet["unmet_mcm"].sum())


def _flow(sol: CommoditySolution, arc: str) -> np.ndarray:
    f = sol.flows
    return f.loc[f["element"] == arc, "flow_mcm"].to_numpy()


def _node(sol: CommoditySolution, node: str, column: str) -> np.ndarray:
    """Return a demand node's daily `column` (zeros for a node the engine omits: no demand)."""
    u = sol.unmet
    out = u.loc[u["element"] == node, column].to_numpy()
    return out if out.size or column == "snapshot" else np.zeros(DAYS)


def _level(sol: CommoditySolution, node: str) -> np.ndarray:
    s = sol.storage
    return s.loc[s["element"] == node, "level_mcm"].to_numpy()


@dataclass
class GasStudy:
    """The gas study's tables (see :func:`gas_study`) and the as-is engine solutions."""

    spec: ChainSpec
    tables: dict[str, pd.DataFrame]
    solutions: dict[tuple[str, str], CommoditySolution] = field(repr=False)

    def engine_tables(self, technology: str, site: str) -> dict[str, pd.DataFrame]:
        """Return the engine tables (:data:`ENGINE_TABLES`) of one case's chain as it is."""
        key = (technology, site)
        if key not in self.solutions:
            cases = [f"{t}/{s}" for t, s in self.solutions]
            msg = f"case {technology}/{site}: not studied, {suggest(f'{technology}/{site}', cases)}"
            raise UnknownNameError(msg)
        return {name: self.solutions[key].table(name) for name in ENGINE_TABLES}

    def result_tables(self, technology: str, site: str) -> dict[str, pd.DataFrame]:
        """Return the study's tables and the engine tables of one case, for a Result.

        The engine tables (``flows``, ``storage``, ...) are those of the chain as it is for
        (`technology`, `site`), by day; the gas tables hold every case.
        """
        return {**self.tables, **self.engine_tables(technology, site)}

    def summary_rows(self, technology: str, site: str) -> list[tuple[str, float, str, str]]:
        """Summary rows ``(metric, value, unit, element)`` of one case."""
        needs = self.tables["gas_needs"]
        row = needs[(needs["technology"] == technology) & (needs["site"] == site)]
        if row.empty:
            self.engine_tables(technology, site)  # raises with the cases studied
        r = row.iloc[0]
        cap = self.tables["gas_new_capacity"]
        cap = cap[(cap["technology"] == technology) & (cap["site"] == site) & cap["storage"]]
        top = cap["new_capacity_mcm_per_d"].max() if len(cap) else 0.0
        legs = "+".join(cap.loc[np.isclose(cap["new_capacity_mcm_per_d"], top), "element"])
        return [
            ("gas_chain_delivered_bcm_per_yr", r["delivered_bcm_per_yr"], "bcm/yr", "plant"),
            ("gas_chain_shortfall_bcm_per_yr", r["shortfall_bcm_per_yr"], "bcm/yr", "plant"),
            ("gas_new_contract_bcm_per_yr", r["new_contract_bcm_per_yr"], "bcm/yr", "plant"),
            ("gas_new_contract_max_mcm_per_d", r["new_contract_max_mcm_per_d"], "mcm/d", "plant"),
            ("gas_new_capacity_max_mcm_per_d", float(top), "mcm/d", legs if top > 0 else "none"),
            ("gas_storage_used_mcm", r["storage_used_mcm"], "mcm", "banatski_dvor"),
        ]


def _case_rows(
    spec: ChainSpec, need: np.ndarray, *, technology: str, site: str, efficiency: float
) -> tuple[CommoditySolution, dict[str, Any], list[dict[str, Any]], pd.DataFrame]:
    """Solve one case: the chain as it is, then the new contract and capacity it needs."""
    tag = {"technology": technology, "site": site}
    sol = solve(chain_network(spec, need, name=f"serbia_gas_{technology}_{site}"))
    delivered = _node(sol, "plant", "delivered_mcm")
    short = need - delivered
    store = _level(sol, "banatski_dvor")
    row: dict[str, Any] = {
        **tag,
        "efficiency_pu": efficiency,
        "contracted_bcm_per_yr": spec.contracted_volume,
        "contract_existing_use_bcm_per_yr": spec.contract_existing_use,
        "gas_need_bcm_per_yr": need.sum() / THOUSAND,
        "peak_need_mcm_per_d": float(need.max()),
        "delivered_bcm_per_yr": delivered.sum() / THOUSAND,
        "shortfall_bcm_per_yr": max(0.0, short.sum()) / THOUSAND,
        "shortfall_days": int((short > _TOL_MCM).sum()),
        "users_shortfall_bcm_per_yr": _node(sol, "users", "unmet_mcm").sum() / THOUSAND,
        "storage_used_mcm": float(store.max() - store.min()) if store.size else 0.0,
    }
    caps: list[dict[str, Any]] = []
    for with_storage, plan in plant_needs(spec, need).items():
        suffix = "" if with_storage else "_no_storage"
        rate = plan.rate_mcm_per_d
        row[f"new_contract_bcm_per_yr{suffix}"] = plan.volume_mcm / THOUSAND
        row[f"new_contract_max_mcm_per_d{suffix}"] = rate
        row[f"new_contract_load_factor_pu{suffix}"] = (
            plan.volume_mcm / (DAYS * rate) if rate > 0 else np.nan
        )
        row[f"route_max_mcm_per_d{suffix}"] = float(plan.route_mcm_per_d.max())
        for leg, extra in new_capacity(spec, plan.route_mcm_per_d).items():
            caps.append({**tag, "storage": with_storage, "element": leg,
                         "new_capacity_mcm_per_d": extra,
                         "new_capacity_bcm_per_yr": extra * DAYS / THOUSAND})  # fmt: skip
    volume, out_rate, in_rate = ratable_storage(short)
    row["ratable_storage_mcm"] = volume
    row["ratable_withdrawal_mcm_per_d"] = out_rate
    row["ratable_injection_mcm_per_d"] = in_rate
    daily = pd.DataFrame(
        {
            **tag,
            "period": np.arange(DAYS),
            "snapshot": _node(sol, "plant", "snapshot") if "snapshot" in sol.unmet else pd.NaT,
            "need_mcm": need,
            "delivered_mcm": delivered,
            "unmet_mcm": _node(sol, "plant", "unmet_mcm"),
            "users_mcm": _node(sol, "users", "delivered_mcm"),
            "contract_mcm": flow(sol, "contract_delivery") + flow(sol, "contract_swing"),
            "withdrawal_mcm": flow(sol, "withdrawal"),
            "injection_mcm": flow(sol, "injection"),
            "storage_level_mcm": store,
            "contract_left_mcm": _level(sol, "contract"),
        }
    )
    return sol, row, caps, daily


def _monthly(daily: pd.DataFrame) -> pd.DataFrame:
    """Sum the daily balance by calendar month (the gas balance by month)."""
    d = daily.assign(month=pd.DatetimeIndex(daily["snapshot"]).month)
    sums = ["need_mcm", "delivered_mcm", "unmet_mcm", "users_mcm", "contract_mcm",
            "withdrawal_mcm", "injection_mcm"]  # fmt: skip
    out = d.groupby(["technology", "site", "month"], sort=False)[sums].sum().reset_index()
    out["pipeline_to_plant_mcm"] = out["delivered_mcm"] - out["withdrawal_mcm"]
    end = d.groupby(["technology", "site", "month"], sort=False)["storage_level_mcm"].last()
    return out.merge(
        end.rename("storage_end_mcm").reset_index(), on=["technology", "site", "month"]
    )


def _cases(
    plant_mw: Mapping[Any, npt.ArrayLike], efficiency: Mapping[str, float]
) -> list[tuple[str, str, np.ndarray, float]]:
    out = []
    for key, mw in plant_mw.items():
        tech, site = (key, "all") if isinstance(key, str) else tuple(key)
        if tech not in efficiency:
            hint = suggest(str(tech), efficiency)
            msg = f"plant_mw[{key!r}]: no efficiency for technology {tech!r}, {hint}"
            raise UnknownNameError(msg)
        eff = float(efficiency[tech])
        out.append((str(tech), str(site), daily_gas_need_mcm(mw, efficiency=eff), eff))
    if not out:
        msg = "plant_mw: no case given; expected {technology or (technology, site): hourly MW}"
        raise SpecError(msg)
    return out


def gas_study(
    plant_mw: Mapping[Any, npt.ArrayLike],
    *,
    spec: ChainSpec,
    efficiency: Mapping[str, float] | None = None,
) -> GasStudy:
    """Study the gas chain for each case of the plant's hourly output.

    Parameters
    ----------
    plant_mw : mapping
        ``technology`` or ``(technology, site)`` -> hourly output of the plant, 8760 values
        (MW) -- the dispatch of that technology at that site (site ``"all"`` when only the
        technology is given).
    spec : ChainSpec
        The chain's year (:func:`chain_spec`).
    efficiency : mapping of str to float, optional
        Net efficiency per technology (default :func:`default_efficiencies`: ``ccgt``,
        ``ocgt``); the model passes its own parameters.

    Returns
    -------
    GasStudy
        Tables ``gas_needs`` (one row per case: need, delivered, shortfall, storage use, the
        new contract's volume and daily rate with and without storage, and the storage a flat
        new contract would need), ``gas_new_capacity`` (case, ``storage`` True/False, leg:
        ``new_capacity_mcm_per_d`` and as ``bcm/yr``), ``gas_chain_daily`` (case and day),
        ``gas_chain_monthly`` (case and month: the gas balance by month) and ``gas_legs``
        (:func:`~corridor_sim.models.serbia.gas.chain.leg_table`).

    Examples
    --------
    >>> study = gas_study({"ccgt": np.full(8760, 250.0)}, spec=chain_spec(2029))
    >>> r = study.tables["gas_needs"].iloc[0]
    >>> round(float(r["gas_need_bcm_per_yr"]), 3), round(float(r["new_contract_bcm_per_yr"]), 3)
    (0.408, 0.408)
    """
    eff = default_efficiencies() if efficiency is None else dict(efficiency)
    rows, caps, days, sols = [], [], [], {}
    for tech, site, need, e in _cases(plant_mw, eff):
        sol, row, cap, daily = _case_rows(spec, need, technology=tech, site=site, efficiency=e)
        sols[(tech, site)] = sol
        rows.append(row)
        caps += cap
        days.append(daily)
    daily = pd.concat(days, ignore_index=True)
    tables = {
        "gas_needs": pd.DataFrame(rows),
        "gas_new_capacity": pd.DataFrame(caps),
        "gas_chain_daily": daily,
        "gas_chain_monthly": _monthly(daily),
        "gas_legs": leg_table(spec),
    }
    return GasStudy(spec=spec, tables=tables, solutions=sols)
