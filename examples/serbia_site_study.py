"""Serbian 500 MW gas plant: the site study, its robustness and the gas balance from Python.

Run as ``python examples/serbia_site_study.py [OUT_DIR [DRAWS [HOURS]]]``; writes the
comparison tables (CSV) and the figures (PNG) into OUT_DIR (default: a new temporary
folder). DRAWS (default 2) draws of the robustness Monte Carlo over the catalogue ranges
(the grid, the load, the plants, the power price and the gas price on the plant's route:
the hub price and every tariff), each studied with the Kosovo ties open and credited over
the first HOURS hours (default 336: the first two weeks of January, with the winter peak);
``docs/serbia.md`` quotes a run over the whole year (8760).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import corridor_sim as cs
from corridor_sim.models import serbia
from corridor_sim.models.serbia.figures import site_robustness
from corridor_sim.models.serbia.study.robustness import robustness, robustness_summary
from corridor_sim.plotting import figures
from corridor_sim.plotting.style import save_figure


def main(out_dir: Path, draws: int = 2, hours: int = 336) -> None:
    """Run the study (all sites), a small robustness study, and save tables and plots."""
    out_dir.mkdir(parents=True, exist_ok=True)
    # the net itself, for pandapower users
    net = serbia.build(2029, site="krusevac")
    print(f"net {net.name}: {len(net.bus)} buses, {len(net.line)} lines, {len(net.trafo)} trafos")

    scenario = cs.Scenario(
        model="serbia",
        year=2029,
        seed=1,
        options={"site": "krusevac", "capacity_factors": [0.2, 0.4, 0.6, 0.8]},
    )
    result = cs.run(scenario)
    cols = [
        "site",
        "losses_mwh",
        "n1_area_violation_hours",
        "worst_area_n1_loading_pct",
        "worst_area_n1_element",
        "n1_site_violation_hours",
        "worst_n1_loading_pct",
        "min_voltage_pu",
    ]
    print(result.site_comparison[cols].to_string(index=False))
    print("best site by the grid study:", result.meta["best_site"])
    print(result.meta["verdict"])
    print(result.table("backcast").drop(columns="source_id").to_string(index=False))
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
    for name in ("site_comparison", "n1_worst", "ac_check", "backcast", "gas_balance"):
        result.table(name).to_csv(out_dir / f"serbia_{name}.csv", index=False)
    for stem, fig in figures(result).items():
        fig.savefig(out_dir / f"{stem}.png", dpi=110)

    # every draw with the Kosovo ties open (the default) and credited, on the same values
    table = robustness(2029, draws=draws, seed=1, hours=hours, both_tie_states=True)
    summary = robustness_summary(table)
    print(summary.to_string(index=False))
    table.to_csv(out_dir / "serbia_robustness.csv", index=False)
    fig = site_robustness(summary, year=2029).figure
    save_figure(fig, out_dir / "serbia_site_robustness.png")
    print(f"wrote tables and figures to {out_dir}")


if __name__ == "__main__":
    args = sys.argv[1:]
    out = Path(args[0]) if args else Path(tempfile.mkdtemp(prefix="serbia_"))
    main(out, *(int(a) for a in args[1:3]))
