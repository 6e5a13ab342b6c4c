"""The Aktau–Baku–Ceyhan oil route from Python: build, solve, outage, capacity study, plots.

Run as ``python examples/oil_study.py [OUT_DIR]``; tables (CSV) and figures (PNG)
go to OUT_DIR (default: a new temporary directory), nothing is shown.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.pyplot as plt

import corridor_sim as cs
from corridor_sim.engines.commodity import max_flow, solve
from corridor_sim.models import oil
from corridor_sim.plotting import oil as oil_plots


def main(out: Path) -> None:
    """Run the study and write its tables and figures into `out`."""
    out.mkdir(parents=True, exist_ok=True)

    # 1. The network for 2025 straight into the engine.
    net = oil.build(2025)
    sol = solve(net)
    ceyhan_mt = sol.flows.query("element == 'ceyhan_export'")["flow_kt"].sum() / 1000
    print(f"2025: {ceyhan_mt:.2f} Mt delivered at Ceyhan (plan 1.7 Mt)")
    oil.provenance(2025).to_csv(out / "oil_provenance.csv", index=False)

    # 2. The engine's min cut in July: the first bottleneck.
    cut = max_flow(net, oil.SOURCE, oil.SINK, period=6)
    print(f"July max flow {cut.value:.0f} kt, min cut {cut.cut_arcs}")

    # 3. A 20-day BTC outage in June through the scenario layer.
    scn = cs.Scenario(
        model="oil",
        year=2025,
        name="btc-outage-python",
        events=[{"element": "btc", "start": 5, "days": 20}],
    )
    result = cs.run(scn)
    print(result.summary().to_string(index=False))
    result.save(out / "btc_outage")
    for stem, fig in oil_plots.figures(result).items():
        fig.savefig(out / f"{stem}.png", dpi=110, bbox_inches="tight")
        plt.close(fig)

    # 4. Capacity study: bottleneck, relieve, next bottleneck.
    sequence, sweep = oil.bottleneck_sequence(2025, steps=4)
    print(sequence.to_string(index=False))
    sequence.to_csv(out / "oil_bottleneck_sequence.csv", index=False)
    sweep.to_csv(out / "oil_sweep.csv", index=False)
    ax = oil_plots.sweep_curve(sweep)
    ax.figure.savefig(out / "oil_sweep_curve.png", dpi=110, bbox_inches="tight")
    plt.close(ax.figure)
    print(f"wrote tables and figures to {out}")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="oil_study_"))
    main(target)
