"""Solve an exported dispatch case with PyPSA + linopy + HiGHS; print timings as JSON.

Run by ``bench_dispatch_pypsa.py`` with the Python of a separate virtual environment that
has PyPSA (PyPSA 1.4 needs pandas >= 3, pandapower < 3 of pandas): it imports neither
pandapower nor corridor_sim. The case directory holds

* ``buses.csv``: ``name``;
* ``lines.csv``: ``name``, ``bus0``, ``bus1``, ``x`` (ohm at ``v_nom`` = 1 kV, i.e. the
  per-unit reactance on a 1 MVA base), ``s_nom`` (MW);
* ``generators.csv``: ``name``, ``bus``, ``p_nom``, ``p_min_pu``, ``marginal_cost``;
* ``generators_p_max_pu.csv``: snapshots x generators (load-shedding units follow the load);
* ``loads.csv``: ``name``, ``bus``; ``loads_p_set.csv``: snapshots x loads (MW).

Usage::

    /work/pypsa-venv/bin/python benchmarks/pypsa_dispatch_case.py CASE_DIR

prints ``{"optimize_s": ..., "solve_s": ..., "objective": ..., "status": ...}``, where
``optimize_s`` is ``Network.optimize()`` (linopy model, HiGHS, solution read back) after a
warm-up on two snapshots, and ``solve_s`` HiGHS's own run time.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
import pypsa


def network(case: Path) -> pypsa.Network:
    """The PyPSA network of the exported case."""
    n = pypsa.Network()
    loads_p = pd.read_csv(case / "loads_p_set.csv", index_col=0)
    n.set_snapshots(loads_p.index)
    buses = pd.read_csv(case / "buses.csv", dtype={"name": str})
    n.add("Bus", buses["name"].to_list(), v_nom=1.0)
    lines = pd.read_csv(case / "lines.csv", dtype={"name": str, "bus0": str, "bus1": str})
    n.add(
        "Line",
        lines["name"].to_list(),
        bus0=lines["bus0"].to_numpy(),
        bus1=lines["bus1"].to_numpy(),
        x=lines["x"].to_numpy(),
        r=0.0,
        s_nom=lines["s_nom"].to_numpy(),
    )
    gens = pd.read_csv(case / "generators.csv", dtype={"name": str, "bus": str})
    n.add(
        "Generator",
        gens["name"].to_list(),
        bus=gens["bus"].to_numpy(),
        p_nom=gens["p_nom"].to_numpy(),
        p_min_pu=gens["p_min_pu"].to_numpy(),
        marginal_cost=gens["marginal_cost"].to_numpy(),
    )
    p_max = pd.read_csv(case / "generators_p_max_pu.csv", index_col=0)
    n.generators_t.p_max_pu = p_max.set_axis(n.snapshots, axis=0)
    loads = pd.read_csv(case / "loads.csv", dtype={"name": str, "bus": str})
    n.add("Load", loads["name"].to_list(), bus=loads["bus"].to_numpy())
    n.loads_t.p_set = loads_p.set_axis(n.snapshots, axis=0).set_axis(
        loads["name"].to_list(), axis=1
    )
    return n


def main() -> None:
    """Warm up, time ``optimize()`` once, print JSON."""
    case = Path(sys.argv[1])
    warnings.simplefilter("ignore")
    n = network(case)
    n.optimize(snapshots=n.snapshots[:2], solver_name="highs", log_to_console=False)
    n = network(case)
    t0 = time.perf_counter()
    status, condition = n.optimize(solver_name="highs", log_to_console=False)
    optimize_s = time.perf_counter() - t0
    solver = n.model.solver_model
    solve_s = float(solver.getRunTime()) if hasattr(solver, "getRunTime") else float("nan")
    out = {
        "optimize_s": optimize_s,
        "solve_s": solve_s,
        "objective": float(n.objective),
        "status": f"{status}/{condition}",
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
