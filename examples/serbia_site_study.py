"""Serbian 500 MW gas plant: the site study and the gas balance from Python.

Run as ``python examples/serbia_site_study.py [OUT_DIR]``; writes the comparison tables (CSV)
and the four figures (PNG) into OUT_DIR (default: a new temporary folder).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import corridor_sim as cs
from corridor_sim.models import serbia
from corridor_sim.plotting import figures


def main(out_dir: Path) -> None:
    """Run the study for the plant at Kruševac (all sites compared) and save tables and plots."""
    out_dir.mkdir(parents=True, exist_ok=True)
    # the net itself, for pandapower users
    net = serbia.build(2029, site="krusevac")
    print(f"net {net.name}: {len(net.bus)} buses, {len(net.line)} lines, {len(net.trafo)} trafos")

    scenario = cs.Scenario(
        model="serbia",
        year=2029,
        seed=1,
        overrides={"capacity_factor": 0.5},
        options={"site": "krusevac", "capacity_factors": [0.2, 0.4, 0.5, 0.6, 0.8]},
    )
    result = cs.run(scenario)
    cols = [
        "site",
        "losses_mwh",
        "max_loading_pct",
        "n1_violation_hours",
        "worst_n1_loading_pct",
        "worst_n1_element",
        "worst_n1_outage",
        "min_voltage_pu",
    ]
    print(result.site_comparison[cols].to_string(index=False))
    print("best site by the grid study:", result.meta["best_site"])
    print(
        result.gas_balance[
            [
                "capacity_factor",
                "gas_need_bcm_per_yr",
                "supply_limit_bcm_per_yr",
                "shortfall_bcm_per_yr",
                "bottleneck",
            ]
        ].to_string(index=False)
    )
    for name in ("site_comparison", "n1_worst", "gas_balance"):
        result.table(name).to_csv(out_dir / f"serbia_{name}.csv", index=False)
    for stem, fig in figures(result).items():
        fig.savefig(out_dir / f"{stem}.png", dpi=110)
    print(f"wrote tables and figures to {out_dir}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="serbia_")))
