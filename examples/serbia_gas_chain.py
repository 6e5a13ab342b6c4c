"""The gas chain to the Serbian plant: what reaches it, and what new contract and capacity it needs.

Runs the daily gas study (``corridor_sim.models.serbia.gas.study``) for an open-cycle and a
combined-cycle plant, each with its own economic dispatch of the year (the model's market
on the measured Serbian day-ahead prices: the capacity factor and the gas need come from the
dispatch, not from an assumption), in five variants of the chain:

- ``2029``: the chain as it is in 2029 (TAP's 1.2 bcm/yr expansion of 2026, booked by Italy
  and Albania; the plant's share of the expanded Banatski Dvor; the SOCAR–Srbijagas contract,
  up to 0.4 bcm/yr in 2024–2026, has ended);
- ``2029_no_tap_expansion``: the same without TAP's expansion;
- ``2029_tap_expansion_half_open``: half of the expansion open to gas to Serbia;
- ``2029_contract_1bcm``: the planned 1.0 bcm/yr contract (REFERENCES C7);
- ``2025``: before TAP's and Banatski Dvor's expansions.

Each year has its own dispatch (:func:`plant_output_mw`, on that year's grid and load). The
2025 and 2029 dispatches of the plant are nonetheless the same hour for hour (CCGT capacity
factor 0.628 in both): the plant runs when the regional price covers its cost, and nothing
that decision reads changes with the year (the measured price shape at the same annual mean,
``serbia.market.power_price``; the 2024 hub price and the route's tariffs; no carbon price),
and in neither year does a congested tie line change it. Only the rest of Serbia's dispatch and the
exchange follow the year's load.

Usage: ``python examples/serbia_gas_chain.py [OUT_DIR]`` (default ``out/serbia_gas_chain``):
writes ``needs.csv`` (one row per variant and technology), ``new_capacity.csv`` and the two
figures of each variant.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

from corridor_sim.models.serbia.gas.figures import figures
from corridor_sim.models.serbia.gas.study import chain_spec, gas_study
from corridor_sim.models.serbia.grid.network import GridSpec
from corridor_sim.models.serbia.params import PARAMS
from corridor_sim.models.serbia.study.inputs import year_inputs
from corridor_sim.plotting.style import save_figure
from corridor_sim.results.result import Result, summary_frame

matplotlib.use("Agg")

#: Variant -> (year, overrides of the chain).
VARIANTS: dict[str, tuple[int, dict[str, float]]] = {
    "2029": (2029, {}),
    "2029_no_tap_expansion": (2029, {"tap_expansion_bcm_per_yr": 0.0}),
    "2029_tap_expansion_half_open": (2029, {"tap_expansion_booked_share": 0.5}),
    "2029_contract_1bcm": (2029, {"contracted_volume_bcm_per_yr": 1.0}),
    "2025": (2025, {}),
}
_DISPATCH: dict[tuple[int, str], np.ndarray] = {}
#: Capacity factor of each dispatch (p.u. of the plant's rating).
_CF: dict[tuple[int, str], float] = {}


def plant_output_mw(year: int, technology: str) -> np.ndarray:
    """Hourly output of the 500 MW plant from its economic dispatch in `year` (seed 1)."""
    if (year, technology) not in _DISPATCH:
        p = PARAMS.resolve(year, {"technology": technology})
        yi = year_inputs(
            p,
            GridSpec.from_params(p),
            rng=np.random.default_rng(1),
            need_plant=True,
            need_none=False,
        )
        _DISPATCH[year, technology] = yi.with_plant.plant_mw
        _CF[year, technology] = float(yi.with_plant.plant_mw.mean() / p.plant_capacity_mw)
    return _DISPATCH[year, technology]


def main(out: Path) -> pd.DataFrame:
    """Run every variant; write the tables and figures into `out`; return the needs table."""
    out.mkdir(parents=True, exist_ok=True)
    needs, caps = [], []
    for name, (year, overrides) in VARIANTS.items():
        cases = {tech: plant_output_mw(year, tech) for tech in ("ccgt", "ocgt")}
        study = gas_study(cases, spec=chain_spec(year, **overrides))
        needs.append(study.tables["gas_needs"].assign(variant=name))
        caps.append(study.tables["gas_new_capacity"].assign(variant=name))
        result = Result(
            tables=study.result_tables("ccgt", "all"),
            summary_table=summary_frame(study.summary_rows("ccgt", "all")),
            meta={"model": "serbia", "scenario": f"gas chain {name}", "year": year},
        )
        for stem, fig in figures(result).items():
            save_figure(fig, out / f"{stem}_{name}.png")
            matplotlib.pyplot.close(fig)
    table = pd.concat(needs, ignore_index=True)
    table["capacity_factor_pu"] = [
        _CF[VARIANTS[v][0], t] for v, t in zip(table["variant"], table["technology"], strict=True)
    ]
    table.to_csv(out / "needs.csv", index=False)
    pd.concat(caps, ignore_index=True).to_csv(out / "new_capacity.csv", index=False)
    return table


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/serbia_gas_chain")
    shown = main(target)[
        [
            "variant",
            "technology",
            "gas_need_bcm_per_yr",
            "capacity_factor_pu",
            "delivered_bcm_per_yr",
            "new_contract_bcm_per_yr",
            "new_contract_max_mcm_per_d",
            "new_contract_max_mcm_per_d_no_storage",
        ]
    ]
    print(shown.round(3).to_string(index=False))
