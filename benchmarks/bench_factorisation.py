"""Benchmark: sparse factorisations of the reduced susceptance matrix, KLU against SuperLU.

For each net (default case1354pegase, case2869pegase, case9241pegase) the DC model's reduced
susceptance matrix ``Bbus[pvpq, pvpq]`` is factorised and a year of right-hand sides
(8,760 columns: the net's own injections times a daily and seasonal shape and 5 % noise,
seeded) is solved in blocks of ``--block`` (256) columns, one BLAS thread, in one process,
alternating the backends ``--repeat`` times (median):

* ``superlu``: SciPy's ``splu`` as the engine used it before KLU (minimum-degree ordering on
  ``A + A.T``, symmetric mode), each block a C-ordered array as the engine builds it;
* ``klu``: the engine's KLU backend (SuiteSparse KLU from PyKLU: BTF + AMD ordering,
  ``corridor_sim.engines._shared.factor``), each block built Fortran-ordered and solved in
  place;
* ``kvxopt``: kvxopt's KLU (``kvxopt.klu.symbolic`` / ``numeric`` / ``solve``), when
  importable (``--kvxopt-path DIR`` adds a directory with it to ``sys.path``), with the
  conversion of each block to a kvxopt matrix included.

"factor ms" is the factorisation (analysis included); "refactor ms" a new numeric
factorisation with the same pattern as the engine does it (KLU: on the stored
``klu_analyze``; SuperLU: SciPy has no symbolic step, so a new ``splu``; reusing its column
ordering with ``permc_spec="NATURAL"`` on the permuted matrix measured 100x slower).
"max |dx|" is each backend's largest difference to SuperLU's angles (pu).

Run::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_factorisation.py [--nets case1354pegase]
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import statistics
import sys
import time
import warnings

import numpy as np
import pandapower.networks as pn
import scipy.sparse as sp
from scipy.sparse.linalg import splu

HOURS = 8760
NETS = ["case1354pegase", "case2869pegase", "case9241pegase"]


def reduced_matrix(name: str) -> tuple[sp.csc_matrix, np.ndarray]:
    """The net's reduced susceptance matrix and a year of right-hand sides (pu)."""
    from corridor_sim.engines.power import DCModel

    model = DCModel.from_net(getattr(pn, name)())
    pvpq = model.pvpq_rows
    a = sp.csc_matrix(model.bbus[pvpq][:, pvpq])
    rng = np.random.default_rng(42)
    hour = np.arange(HOURS)
    shape = 1.0 + 0.25 * np.sin(2 * np.pi * hour / 24 - 2.0)
    shape += 0.15 * np.cos(2 * np.pi * hour / HOURS)
    base = model.p_bus_mw[pvpq] / model.base_mva
    rhs = base[:, None] * shape[None, :] * rng.normal(1.0, 0.05, (pvpq.size, HOURS))
    return a, rhs


def _superlu(a: sp.csc_matrix, rhs: np.ndarray, block: int) -> tuple[float, float, np.ndarray]:
    t = time.perf_counter()
    lu = splu(a, permc_spec="MMD_AT_PLUS_A", options={"SymmetricMode": True})
    factor = time.perf_counter() - t
    out = np.empty_like(rhs)
    t = time.perf_counter()
    for start in range(0, rhs.shape[1], block):
        b = np.ascontiguousarray(rhs[:, start : start + block])  # C order, as the engine had
        out[:, start : start + block] = lu.solve(b)
    return factor, time.perf_counter() - t, out


def _superlu_refactor(a: sp.csc_matrix) -> float:
    from corridor_sim.engines._shared.factor import factorise

    lu = factorise(a, backend="superlu")
    t = time.perf_counter()
    lu.refactor(a)
    return time.perf_counter() - t


def _klu(a: sp.csc_matrix, rhs: np.ndarray, block: int) -> tuple[float, float, np.ndarray]:
    from corridor_sim.engines._shared.factor import factorise

    t = time.perf_counter()
    lu = factorise(a, backend="klu")
    factor = time.perf_counter() - t
    out = np.empty_like(rhs)
    t = time.perf_counter()
    for start in range(0, rhs.shape[1], block):
        b = np.asfortranarray(rhs[:, start : start + block])  # the engine builds it so
        out[:, start : start + block] = lu.solve(b, overwrite=True)
    return factor, time.perf_counter() - t, out


def _kvxopt(a: sp.csc_matrix, rhs: np.ndarray, block: int) -> tuple[float, float, np.ndarray]:
    from kvxopt import klu, matrix, spmatrix

    coo = a.tocoo()
    t = time.perf_counter()
    m = spmatrix(coo.data.tolist(), coo.row.tolist(), coo.col.tolist(), size=a.shape)
    fs = klu.symbolic(m)
    fn = klu.numeric(m, fs)
    factor = time.perf_counter() - t
    out = np.empty_like(rhs)
    t = time.perf_counter()
    for start in range(0, rhs.shape[1], block):
        b = matrix(np.asfortranarray(rhs[:, start : start + block]))
        klu.solve(m, fs, fn, b)
        out[:, start : start + block] = np.asarray(b)
    return factor, time.perf_counter() - t, out


def _klu_refactor(a: sp.csc_matrix) -> float:
    from corridor_sim.engines._shared.factor import factorise

    lu = factorise(a, backend="klu")
    t = time.perf_counter()
    lu.refactor(a)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nets", nargs="+", default=NETS)
    parser.add_argument("--block", type=int, default=256, help="right-hand sides per solve")
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs (median)")
    parser.add_argument("--kvxopt-path", help="directory holding kvxopt (pip install --target)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    if args.kvxopt_path:
        sys.path.append(args.kvxopt_path)
    backends = {"superlu": _superlu}
    if importlib.util.find_spec("PyKLU") is not None:
        backends["klu"] = _klu
    else:
        print("PyKLU is not installed (pip install pyklu): its rows are skipped")
    if importlib.util.find_spec("kvxopt") is not None:
        backends["kvxopt"] = _kvxopt
    print(f"{HOURS} right-hand sides in blocks of {args.block}; medians of {args.repeat}")
    print(f"{'net':<16}{'rows':>6}{'nnz':>8}{'backend':>9}{'factor ms':>11}{'refactor ms':>12}"
          f"{'solve s':>9}{'x superlu':>10}{'max |dx|':>10}")  # fmt: skip
    for name in args.nets:
        a, rhs = reduced_matrix(name)
        times: dict[str, list[tuple[float, float]]] = {k: [] for k in backends}
        results: dict[str, np.ndarray] = {}
        for _ in range(args.repeat):
            for key, fn in backends.items():
                try:
                    factor, solve, x = fn(a, rhs, args.block)
                except Exception as err:
                    print(f"{name:<16}{key:>31}  failed: {err}")
                    continue
                times[key].append((factor, solve))
                results[key] = x
        refactor = {"superlu": _superlu_refactor(a)}
        if "klu" in backends:
            refactor["klu"] = _klu_refactor(a)
        ref = statistics.median(s for _, s in times["superlu"])
        for key, rows in times.items():
            if not rows:
                continue
            factor = statistics.median(f for f, _ in rows)
            solve = statistics.median(s for _, s in rows)
            diff = float(np.abs(results[key] - results["superlu"]).max())
            re = refactor.get(key)
            re_s = f"{re * 1e3:>12.2f}" if re is not None else f"{'-':>12}"
            print(f"{name:<16}{a.shape[0]:>6}{a.nnz:>8}{key:>9}{factor * 1e3:>11.2f}{re_s}"
                  f"{solve:>9.2f}{ref / solve:>9.2f}x{diff:>10.1e}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
