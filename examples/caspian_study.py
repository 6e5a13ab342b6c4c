"""Caspian green-energy corridor from Python: the net, a cable-size study, AC snapshots.

Run as ``python examples/caspian_study.py [OUT_DIR]``; writes the capacity study, the
bottleneck ranking and the AC power-flow snapshots (CSV) and the figures (PNG) into OUT_DIR
(default: a new temporary folder). Uses six weeks of 2032 so that it runs in seconds; pass
``hours=8760`` to ``run_year`` for the whole year.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandapower as pp

from corridor_sim.models import caspian
from corridor_sim.plotting import figures

HOURS = 6 * 7 * 24


def main(out_dir: Path) -> None:
    """Build the 2032 net, run pandapower on it, then the hourly study with a cable sweep."""
    out_dir.mkdir(parents=True, exist_ok=True)
    # 1. the net is a plain pandapower net: any pandapower function works on it
    net = caspian.build(2032)
    pp.runpp(net)
    print(
        f"{net.name}: {len(net.bus)} hubs, {len(net.line)} AC links, {len(net.dcline)} HVDC links"
    )
    print(net["caspian_links"][["element", "kind", "capacity_mw", "length_km", "loss_pct"]])

    # 2. a user-supplied profile is just a DataFrame with the same columns
    prof = caspian.profiles(2032, seed=1, hours=HOURS)
    prof["az_absheron.wind"] = prof["az_absheron.wind"] * 0.9  # a calmer year at Absheron

    # 3. hourly dispatch with a capacity study of both cables and two AC snapshots
    result = caspian.run_year(
        2032,
        profile=prof,
        hours=HOURS,
        snapshot_hours=[100, 1000],
        study_caspian_mw=[0.0, 7000.0],
        study_black_sea_mw=[1300.0, 2600.0],
    )
    print(result.summary().to_string(index=False))
    print(result.bottlenecks.head(5).to_string(index=False))
    result.table("capacity_study").to_csv(out_dir / "caspian_capacity_study.csv", index=False)
    result.bottlenecks.to_csv(out_dir / "caspian_bottlenecks.csv", index=False)
    snaps = result.table("snapshots")
    snaps[snaps["method"] == "ac"].to_csv(out_dir / "caspian_ac_snapshots.csv", index=False)
    for stem, fig in figures(result).items():
        fig.savefig(out_dir / f"{stem}.png", dpi=110)
        matplotlib.pyplot.close(fig)
    print(f"wrote {len(list(out_dir.iterdir()))} files to {out_dir}")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="caspian_"))
    main(target)
