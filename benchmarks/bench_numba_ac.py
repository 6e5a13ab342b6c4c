"""Benchmark: pandapower's AC power flow (``runpp``) with numba and without.

pandapower recommends numba for ``runpp``; corridor_sim calls ``runpp(..., numba=False)``
for its few AC checks (``models/caspian/powerflow.py``, ``models/serbia/study/site.py``) and
keeps numba in the optional ``bench`` extra. This script measures what numba would save on
the nets those checks run on:

- **warm**: in one process, after a warm-up run, ``--repeat`` runs (default 20) of
  ``runpp`` on a fresh copy of the net with ``numba=True`` and ``numba=False``, alternated,
  the median of each; the whole measurement is done ``--rounds`` times (default 2);
- **cold**: a new Python process that imports pandapower, builds the net and runs
  ``runpp`` once (what one ``corridor-sim run`` of a model pays; numba compiles its
  functions then, or loads them from pandapower's on-disk cache), median of
  ``--cold`` processes (default 3) per mode.

Nets: the Serbian grid of ``corridor_sim.models.serbia.build(2029)`` (the call of
``models/serbia/study/site.py``: ``calculate_voltage_angles=True, init="dc"``), the Caspian
corridor of ``corridor_sim.models.caspian.build(2032)`` (``init="dc", max_iteration=30``)
and pandapower's case118 (defaults). Run with one BLAS thread::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_numba_ac.py

Without numba installed the script says so and stops (``pip install numba``).
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pandapower as pp

#: Net name -> (builder source, runpp keyword arguments).
NETS: dict[str, tuple[str, dict[str, Any]]] = {
    "serbia_2029": (
        "from corridor_sim.models import serbia; net = serbia.build(2029)",
        {"calculate_voltage_angles": True, "init": "dc"},
    ),
    "caspian_2032": (
        "from corridor_sim.models import caspian; net = caspian.build(2032)",
        {"init": "dc", "max_iteration": 30},
    ),
    "case118": ("import pandapower.networks as pn; net = pn.case118()", {}),
}

_COLD = """
import logging, time
t0 = time.perf_counter()
import pandapower as pp
logging.getLogger("pandapower").setLevel(logging.ERROR)
{build}
t1 = time.perf_counter()
pp.runpp(net, numba={numba}, **{kwargs!r})
t2 = time.perf_counter()
print(t2 - t1, t2 - t0)
"""


def build(name: str) -> pp.pandapowerNet:
    """Build net `name` of :data:`NETS`."""
    scope: dict[str, Any] = {}
    exec(NETS[name][0], scope)  # fixed source strings above
    return scope["net"]


def warm(name: str, repeat: int) -> dict[str, float]:
    """Median seconds of `repeat` ``runpp`` runs with and without numba (after warm-up)."""
    net, kwargs = build(name), NETS[name][1]
    times: dict[bool, list[float]] = {True: [], False: []}
    for numba in (True, False):  # warm-up: numba compiles (or loads its cache) here
        pp.runpp(copy.deepcopy(net), numba=numba, **kwargs)
    for _ in range(repeat):
        for numba in (True, False):
            work = copy.deepcopy(net)
            start = time.perf_counter()
            pp.runpp(work, numba=numba, **kwargs)
            times[numba].append(time.perf_counter() - start)
    return {"numba": statistics.median(times[True]), "no_numba": statistics.median(times[False])}


def cold(name: str, numba: bool, runs: int) -> tuple[float, float]:
    """Median (first runpp, whole process) seconds of `runs` fresh processes."""
    src = _COLD.format(build=NETS[name][0], numba=numba, kwargs=NETS[name][1])
    first, whole = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", src], capture_output=True, text=True, check=True, env=os.environ
        )
        a, b = (float(x) for x in out.stdout.split())
        first.append(a)
        whole.append(b)
    return statistics.median(first), statistics.median(whole)


def _table(rows: list[list[str]]) -> str:
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def main(argv: list[str] | None = None, *, echo: Callable[[str], None] = print) -> dict:
    """Run the benchmark and print a Markdown table; return the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nets", nargs="+", default=list(NETS), choices=list(NETS))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--cold", type=int, default=3)
    args = parser.parse_args(argv)
    if importlib.util.find_spec("numba") is None:
        echo("numba is not installed: pip install numba (or corridor_sim[bench])")
        return {}
    import numba

    logging.getLogger("pandapower").setLevel(logging.ERROR)
    echo(
        f"pandapower {pp.__version__}, numba {numba.__version__}, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    figures: dict[str, Any] = {}
    rows = [
        ["net", "buses", "round", "runpp numba", "runpp no numba", "ratio no/with"],
        ["---"] * 6,
    ]
    for name in args.nets:
        n_bus = len(build(name).bus)
        for r in range(args.rounds):
            w = warm(name, args.repeat)
            figures.setdefault(name, {"buses": n_bus, "warm": []})["warm"].append(w)
            rows.append(
                [
                    name,
                    str(n_bus),
                    str(r + 1),
                    f"{w['numba'] * 1e3:.1f} ms",
                    f"{w['no_numba'] * 1e3:.1f} ms",
                    f"{w['no_numba'] / w['numba']:.2f}",
                ]
            )
    echo(f"\nwarm runpp, median of {args.repeat} runs per round:\n")
    echo(_table(rows))
    rows = [
        ["net", "first runpp numba", "first runpp no numba", "process numba", "process no numba"],
        ["---"] * 5,
    ]
    for name in args.nets:
        with_n, without = cold(name, True, args.cold), cold(name, False, args.cold)
        figures[name]["cold"] = {"numba": with_n, "no_numba": without}
        rows.append(
            [
                name,
                f"{with_n[0]:.2f} s",
                f"{without[0]:.2f} s",
                f"{with_n[1]:.2f} s",
                f"{without[1]:.2f} s",
            ]
        )
    echo(f"\ncold: a new process builds the net and runs runpp once (median of {args.cold}):\n")
    echo(_table(rows))
    echo("\n" + json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
