"""Benchmark: the dispatch engine against PyPSA (+ linopy + HiGHS) on the same DC-OPF.

case118 over 168 hours (``bench_dispatch.case118``: linear costs, seeded hourly loads), with
its own ratings (uncongested) and tightened ones (``bench_dispatch.congest``), solved by

* ``new``: :func:`corridor_sim.engines.dispatch.dispatch` of this checkout (``formulation=
  "auto"``), timed in this process;
* ``old`` (with ``--old-src DIR``): the engine of another checkout (e.g. ``/work/main``), in a
  subprocess with ``PYTHONPATH=DIR``, on the same net (pandapower JSON) and loads;
* ``pypsa``: PyPSA 1.4 in its own virtual environment (PyPSA needs pandas >= 3, pandapower
  pandas < 3, so they cannot share one): the case is exported to CSV files (buses; every
  branch as a line with the engine's reactance and MW rating; generators with marginal cost
  and ``p_nom``; one load-shedding generator per load at the value of lost load, so the two
  LPs are the same; hourly loads) and ``benchmarks/pypsa_dispatch_case.py`` runs in a
  subprocess, timing ``Network.optimize()`` only.

Runs alternate (new, old, pypsa, new, ...) ``--repeat`` times; the script prints each time,
the medians, the ratios to PyPSA and the objectives (which must agree to 1e-6 relative), and
the load average. BLAS threads are 1 in every process. The PyPSA environment (``--venv``,
default ``/work/pypsa-venv``, not part of the repository) is created with pip when missing;
with ``--no-install``, or when that fails, PyPSA is skipped with a message.

Run::

    /work/venv/bin/python benchmarks/bench_dispatch_pypsa.py --old-src /work/main
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandapower as pp  # noqa: E402
import pandas as pd  # noqa: E402

from corridor_sim.engines.dispatch.netdata import read_net  # noqa: E402
from corridor_sim.engines.dispatch import VOLL_EUR_PER_MWH, dispatch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dispatch import case118, congest  # noqa: E402

HERE = Path(__file__).resolve().parent
PYPSA_PINS = ("pypsa==1.4.0", "highspy")
#: Objectives of the three tools must agree to this (relative).
TOL_REL = 1e-6
_BIG_MW = 1e7  # s_nom of a branch without a limit

OLD_RUNNER = """
import json, sys, time, warnings
# an editable install of this checkout would shadow the old one on PYTHONPATH
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
import pandapower as pp, pandas as pd
warnings.simplefilter("ignore")
import corridor_sim
from corridor_sim.engines.dispatch import dispatch
net = pp.from_json(sys.argv[1])
load = pd.read_csv(sys.argv[2], index_col=0)
load.columns = [int(c) for c in load.columns]
load.index.name = "hour"
dispatch(net, load_p_mw=load, hours=4)
t0 = time.perf_counter()
res = dispatch(net, load_p_mw=load)
print(json.dumps({"optimize_s": time.perf_counter() - t0, "solve_s": res.meta["solve_s"],
                  "objective": res.objective_eur, "source": corridor_sim.__file__}))
"""


def export(net: pp.pandapowerNet, load: pd.DataFrame, folder: Path, voll: float) -> None:
    """Write the case as CSV files for ``pypsa_dispatch_case.py`` (see its docstring)."""
    data = read_net(net, storage=False, round_trip_efficiency_pct=90.0, initial_soc_pct=50.0)
    model = data.model
    if np.abs(model.p_shift_branch_mw).max(initial=0.0) > 0 or data.dclines.element.size:
        msg = "export: phase shifters and dclines are not exported; expected a plain AC net"
        raise SystemExit(msg)
    if (data.units.sign < 0).any() or not np.isfinite(data.units.hi).all():
        msg = "export: expected generators with finite max_p_mw only"
        raise SystemExit(msg)
    buses = [f"b{r}" for r in range(model.n_bus)]
    pd.DataFrame({"name": buses}).to_csv(folder / "buses.csv", index=False)
    f, t = model.branch_from_row, model.branch_to_row
    b_pu = np.asarray(model.bf[np.arange(f.size), f]).ravel()
    limit = np.where(np.isfinite(data.branch_limit_mw), data.branch_limit_mw, _BIG_MW)
    pd.DataFrame(
        {
            "name": [f"br{k}" for k in range(f.size)],
            "bus0": [buses[i] for i in f],
            "bus1": [buses[j] for j in t],
            "x": 1.0 / (model.base_mva * b_pu),  # MW = (theta_0 - theta_1) / x at 1 kV, 1 MVA
            "s_nom": limit,
        }
    ).to_csv(folder / "lines.csv", index=False)
    hours = load.index
    demand = load.reindex(columns=data.loads.element).to_numpy(dtype=float)
    names = [f"{k}{e}" for k, e in zip(data.units.type, data.units.element, strict=True)]
    shed = [f"shed{e}" for e in data.loads.element]
    shed_nom = np.maximum(demand.max(axis=0), 1e-6)
    gens = pd.DataFrame(
        {
            "name": names + shed,
            "bus": [buses[r] for r in data.units.row] + [buses[r] for r in data.loads.row],
            "p_nom": np.concatenate([data.units.hi, shed_nom]),
            "p_min_pu": np.concatenate([data.units.lo / data.units.hi, np.zeros(len(shed))]),
            "marginal_cost": np.concatenate([data.units.cost, np.full(len(shed), voll)]),
        }
    )
    gens.to_csv(folder / "generators.csv", index=False)
    pd.DataFrame(demand / shed_nom, index=hours, columns=shed).to_csv(
        folder / "generators_p_max_pu.csv"
    )
    loads = [f"load{e}" for e in data.loads.element]
    pd.DataFrame({"name": loads, "bus": [buses[r] for r in data.loads.row]}).to_csv(
        folder / "loads.csv", index=False
    )
    pd.DataFrame(demand, index=hours, columns=loads).to_csv(folder / "loads_p_set.csv")


def pypsa_python(venv: Path, *, install: bool) -> Path | None:
    """The PyPSA environment's python, created with pip when missing (None: unavailable)."""
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import pypsa, linopy, highspy"]
    if python.exists() and subprocess.run(probe, capture_output=True, check=False).returncode == 0:
        return python
    if not install:
        print(f"PyPSA skipped: no working PyPSA in {venv} (run without --no-install to create it)")
        return None
    print(f"creating {venv} with {' '.join(PYPSA_PINS)} (a few minutes) ...", flush=True)
    made = subprocess.run([sys.executable, "-m", "venv", str(venv)], check=False).returncode == 0
    pip = [str(venv / "bin" / "pip"), "install", "-q", *PYPSA_PINS]
    installed = made and subprocess.run(pip, check=False).returncode == 0
    if installed and subprocess.run(probe, capture_output=True, check=False).returncode == 0:
        return python
    print(f"PyPSA skipped: could not install {' '.join(PYPSA_PINS)} into {venv}")
    return None


def _subprocess_json(cmd: list[str], env: dict[str, str], cwd: Path) -> dict:
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, check=False)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not lines:
        msg = f"{cmd[0]} failed ({out.returncode}):\n{out.stderr[-2000:]}"
        raise SystemExit(msg)
    return json.loads(lines[-1])


def run_case(
    label: str,
    net: pp.pandapowerNet,
    load: pd.DataFrame,
    folder: Path,
    *,
    python: Path | None,
    old_src: Path | None,
    repeat: int,
) -> dict[str, dict]:
    """Alternate the tools `repeat` times on one case; return times and objectives."""
    folder.mkdir(parents=True, exist_ok=True)
    export(net, load, folder, VOLL_EUR_PER_MWH)
    pp.to_json(net, str(folder / "net.json"))
    load.to_csv(folder / "load.csv")
    dispatch(net, load_p_mw=load, hours=4)  # warm-up
    tools = {"new": [], "old": [], "pypsa": []}
    objective: dict[str, float] = {}
    env = dict(os.environ)
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = dispatch(net, load_p_mw=load)
        tools["new"].append(
            {"optimize_s": time.perf_counter() - t0, "solve_s": res.meta["solve_s"]}
        )
        objective["new"] = res.objective_eur
        if old_src is not None:
            old_env = env | {"PYTHONPATH": str(old_src)}
            cmd = [
                sys.executable,
                "-c",
                OLD_RUNNER,
                str(folder / "net.json"),
                str(folder / "load.csv"),
            ]
            got = _subprocess_json(cmd, old_env, folder)  # cwd: not this checkout
            if not got["source"].startswith(str(old_src)):
                msg = f"the old engine came from {got['source']}, not {old_src}"
                raise SystemExit(msg)
            tools["old"].append(got)
            objective["old"] = got["objective"]
        if python is not None:
            got = _subprocess_json(
                [str(python), str(HERE / "pypsa_dispatch_case.py"), str(folder)], env, folder
            )
            tools["pypsa"].append(got)
            objective["pypsa"] = got["objective"]
    meta = res.meta
    binding = int((res.flows.shadow_price_eur_per_mwh > 1e-6).sum())
    print(f"{label}: {meta['formulation']} formulation, {meta['blocks']} block(s) of "
          f"{meta['block_hours']} h, {meta['n_constraints']} rows, {meta['n_nonzeros']} nonzeros; "
          f"binding branch-hours {binding}")  # fmt: skip
    return {k: {"runs": v, "objective": objective.get(k)} for k, v in tools.items() if v}


def report(label: str, out: dict[str, dict]) -> None:
    """Print medians, ratios to PyPSA and objective gaps; fail when objectives differ."""
    med = {k: statistics.median(r["optimize_s"] for r in v["runs"]) for k, v in out.items()}
    for k, v in out.items():
        runs = ", ".join(f"{r['optimize_s']:.2f}" for r in v["runs"])
        solve = statistics.median(r["solve_s"] for r in v["runs"])
        ratio = f"  {med[k] / med['pypsa']:.2f}x PyPSA" if "pypsa" in med else ""
        print(f"  {label:11s} {k:5s} median {med[k]:6.2f} s (runs {runs}; solver {solve:.2f} s)"
              f"{ratio}  objective {v['objective']:.10e}")  # fmt: skip
    ref = out["new"]["objective"]
    gap = max(abs(v["objective"] - ref) / abs(ref) for v in out.values())
    print(f"  {label:11s} max relative objective difference {gap:.1e}")
    if gap > TOL_REL:
        msg = f"{label}: objectives differ by {gap:.1e} (> {TOL_REL:g})"
        raise SystemExit(msg)


def main() -> None:
    """Run both cases and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--venv", type=Path, default=Path("/work/pypsa-venv"))
    parser.add_argument("--no-install", action="store_true", help="skip PyPSA when missing")
    parser.add_argument("--old-src", type=Path, default=None, help="checkout of the old engine")
    parser.add_argument("--hours", type=int, default=168)
    args = parser.parse_args()
    python = pypsa_python(args.venv, install=not args.no_install)
    avg = " ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"case118, {args.hours} h; BLAS threads 1; load average {avg} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        for label in ("uncongested", "congested"):
            net, tables = case118(args.hours)
            if label == "congested":
                congest(net, tables)
            out = run_case(label, net, tables["load_p_mw"], Path(tmp) / label, python=python,
                           old_src=args.old_src, repeat=args.repeat)  # fmt: skip
            report(label, out)
    avg = " ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"load average at the end: {avg}")


if __name__ == "__main__":
    main()
