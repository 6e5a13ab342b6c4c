"""The one HiGHS wrapper of the LP engines (dispatch, commodity).

:class:`HighsLP` holds one LP in a silent HiGHS instance (highspy) whose costs and bounds can
change between solves: the next solve starts from the previous optimal basis (warm start)
unless :meth:`HighsLP.clear_basis` is called. :func:`solve_highs` solves one LP cold.
:class:`LPCache` keeps HiGHS instances per process, keyed by the LP's structure (matrix and
options): draws and sweeps of one scenario in one worker process build each LP once and
only change costs and bounds (:data:`PROCESS_LP_CACHE`). Named statuses of
:func:`scipy.optimize.linprog` (HiGHS) are :class:`LinprogStatus`.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp
from scipy.optimize import OptimizeResult

from corridor_sim.errors import SolverError

__all__ = [
    "BASIS_STATUS",
    "PROCESS_LP_CACHE",
    "HighsLP",
    "HighsSolution",
    "LPArrays",
    "LPCache",
    "LinprogStatus",
    "highs_version",
    "linprog_status",
    "solve_highs",
    "structure_key",
]


class LinprogStatus(IntEnum):
    """The ``status`` code of :func:`scipy.optimize.linprog`, by name.

    The values are SciPy's documented codes, so ``res.status == LinprogStatus.OPTIMAL``
    reads what ``res.status == 0`` means.

    Examples
    --------
    >>> LinprogStatus(2).name, LinprogStatus.INFEASIBLE.label
    ('INFEASIBLE', 'infeasible')
    """

    OPTIMAL = 0
    ITERATION_LIMIT = 1
    INFEASIBLE = 2
    UNBOUNDED = 3
    NUMERICAL = 4

    @property
    def label(self) -> str:
        """Lower-case name, as reported in result metadata (``"optimal"``, ...)."""
        return self.name.lower()


def linprog_status(res: OptimizeResult) -> LinprogStatus:
    """Return the :class:`LinprogStatus` of a ``linprog`` result.

    Raises
    ------
    SolverError
        If SciPy reports a code outside the documented ones (0-4).
    """
    try:
        return LinprogStatus(int(res.status))
    except ValueError as err:
        known = ", ".join(f"{s.value} ({s.label})" for s in LinprogStatus)
        msg = f"linprog status = {res.status!r} ({res.message}): expected one of {known}"
        raise SolverError(msg) from err


@dataclass(frozen=True, slots=True, eq=False)
class HighsSolution:
    """Primal and dual values of an LP solved by :func:`solve_highs`.

    ``row_dual`` / ``col_dual`` are HiGHS's: the change of the optimal objective per unit
    increase of the row's (column's) active bound, so a row at its upper bound has
    ``row_dual <= 0``, at its lower bound ``>= 0`` (minimisation); for a column this is its
    reduced cost. ``iterations``: simplex iterations of the solve.
    """

    status: LinprogStatus
    message: str
    x: np.ndarray
    fun: float
    row_dual: np.ndarray
    col_dual: np.ndarray
    solve_s: float
    iterations: int = 0


#: HiGHS basis status codes (``highspy.HighsBasisStatus``): a column or row at its lower
#: bound, basic, at its upper bound, nonbasic free at zero, nonbasic.
BASIS_STATUS = {"lower": 0, "basic": 1, "upper": 2, "zero": 3, "nonbasic": 4}

#: HiGHS model statuses and the :class:`LinprogStatus` they mean.
_HIGHS_STATUS = {
    "kOptimal": LinprogStatus.OPTIMAL,
    "kTimeLimit": LinprogStatus.ITERATION_LIMIT,
    "kIterationLimit": LinprogStatus.ITERATION_LIMIT,
    "kInfeasible": LinprogStatus.INFEASIBLE,
    "kUnbounded": LinprogStatus.UNBOUNDED,
}


def highs_version() -> str:
    """HiGHS version of the installed highspy, ``"1.11.0"``."""
    import highspy

    return (
        f"{highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}.{highspy.HIGHS_VERSION_PATCH}"
    )


def _new_highs() -> Any:
    """Return a silent HiGHS instance.

    ``highspy.Highs()`` prints HiGHS's start-up banner to stdout (once per process) before
    ``output_flag`` can be set; the bare binding ``highspy._Highs`` does not and has the
    same methods, so it is used when this highspy has it.
    """
    import highspy

    h = getattr(highspy, "_Highs", highspy.Highs)()
    h.setOptionValue("output_flag", False)
    return h


class LPArrays(NamedTuple):
    """An LP as HiGHS takes it: ``min c x`` s.t. ``row_lo <= a x <= row_hi``, bounds on ``x``.

    The bounds are ``col_lo <= x <= col_hi``. Rows may be equalities (``lo == hi``),
    one-sided (an infinite side) or ranged.
    """

    c: np.ndarray
    a: sp.spmatrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    col_lo: np.ndarray
    col_hi: np.ndarray


class HighsLP:
    """The LP `lp` (:class:`LPArrays`) in a HiGHS instance, kept for re-solves.

    HiGHS runs silently with its defaults plus `options` (``{"threads": 1, ...}``). The matrix
    is fixed; :meth:`update` changes costs and bounds, and the next :meth:`solve` starts from
    the last optimal basis (dual simplex from a dual feasible basis when only bounds changed).

    Examples
    --------
    >>> lp = HighsLP(LPArrays(np.array([1.0, 2.0]), sp.csr_matrix([[1.0, 1.0]]), np.array([3.0]),
    ...                       np.array([np.inf]), np.zeros(2), np.full(2, np.inf)))
    >>> lp.solve().x.tolist()
    [3.0, 0.0]
    >>> lp.update(row_lo=np.array([5.0]))
    >>> lp.solve().fun
    5.0
    """

    def __init__(
        self, lp: LPArrays, *, options: Mapping[str, bool | float | str] | None = None
    ) -> None:
        import highspy

        c, a, row_lo, row_hi, col_lo, col_hi = lp
        csc = sp.csc_matrix(a)
        model = highspy.HighsLp()
        model.num_col_, model.num_row_ = int(csc.shape[1]), int(csc.shape[0])
        model.col_cost_ = np.asarray(c, dtype=float)
        model.col_lower_, model.col_upper_ = np.asarray(col_lo, float), np.asarray(col_hi, float)
        model.row_lower_, model.row_upper_ = np.asarray(row_lo, float), np.asarray(row_hi, float)
        model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        model.a_matrix_.start_ = csc.indptr
        model.a_matrix_.index_ = csc.indices
        model.a_matrix_.value_ = csc.data
        self.options = dict(options or {})
        self.n_col, self.n_row = model.num_col_, model.num_row_
        self._cost = np.asarray(c, dtype=float)
        self._bounds: list[np.ndarray] = [
            np.asarray(col_lo, float), np.asarray(col_hi, float),
            np.asarray(row_lo, float), np.asarray(row_hi, float),
        ]  # fmt: skip
        self._highs: Any = _new_highs()
        for key, value in self.options.items():
            self._highs.setOptionValue(key, value)
        self._highs.passModel(model)

    def update(
        self,
        *,
        c: np.ndarray | None = None,
        col_lo: np.ndarray | None = None,
        col_hi: np.ndarray | None = None,
        row_lo: np.ndarray | None = None,
        row_hi: np.ndarray | None = None,
    ) -> None:
        """Change costs and bounds (arrays of the full length; None: keep).

        Only the entries that differ from the current ones are passed to HiGHS.
        """
        h = self._highs
        if c is not None:
            c = np.asarray(c, dtype=float)
            at = np.flatnonzero(c != self._cost).astype(np.int32)  # only what changed
            if at.size:
                h.changeColsCost(at.size, at, c[at])
            self._cost = c
        if col_lo is not None or col_hi is not None:
            lo = self._bounds[0] if col_lo is None else np.asarray(col_lo, dtype=float)
            hi = self._bounds[1] if col_hi is None else np.asarray(col_hi, dtype=float)
            at = np.flatnonzero((lo != self._bounds[0]) | (hi != self._bounds[1])).astype(np.int32)
            if at.size:
                h.changeColsBounds(at.size, at, lo[at], hi[at])
            self._bounds[0:2] = [lo, hi]
        if row_lo is not None or row_hi is not None:
            lo = self._bounds[2] if row_lo is None else np.asarray(row_lo, dtype=float)
            hi = self._bounds[3] if row_hi is None else np.asarray(row_hi, dtype=float)
            at = np.flatnonzero((lo != self._bounds[2]) | (hi != self._bounds[3])).astype(np.int32)
            if at.size:
                h.changeRowsBounds(at.size, at, lo[at], hi[at])
            self._bounds[2:4] = [lo, hi]

    def clear_basis(self) -> None:
        """Forget the last solution: the next solve starts cold, as a new instance would."""
        self._highs.clearSolver()

    def basis(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the last basis: column and row statuses as int8 arrays (:data:`BASIS_STATUS`).

        Empty arrays when HiGHS has no valid basis (nothing solved yet, or cleared).
        """
        b = self._highs.getBasis()
        if not b.valid:
            return np.zeros(0, np.int8), np.zeros(0, np.int8)
        col = np.fromiter(map(int, b.col_status), dtype=np.int8, count=self.n_col)
        row = np.fromiter(map(int, b.row_status), dtype=np.int8, count=self.n_row)
        return col, row

    def set_basis(self, col_status: np.ndarray, row_status: np.ndarray) -> bool:
        """Start the next solve from this basis (statuses as :meth:`basis` returns them).

        Returns False, and leaves the solver as it was, when HiGHS rejects the basis (wrong
        lengths, or not exactly one basic variable per row); the next solve is then as
        before (warm from the last basis, or cold).
        """
        import highspy

        col = np.asarray(col_status, dtype=np.int8)
        row = np.asarray(row_status, dtype=np.int8)
        basic = int(BASIS_STATUS["basic"])
        n_basic = int(np.count_nonzero(col == basic) + np.count_nonzero(row == basic))
        if col.size != self.n_col or row.size != self.n_row or n_basic != self.n_row:
            return False
        members = list(highspy.HighsBasisStatus.__members__.values())
        by_code = [next(m for m in members if int(m) == k) for k in range(len(members))]
        b = highspy.HighsBasis()
        b.col_status = [by_code[k] for k in col.tolist()]
        b.row_status = [by_code[k] for k in row.tolist()]
        b.valid = True
        return self._highs.setBasis(b) == highspy.HighsStatus.kOk

    def solve(self) -> HighsSolution:
        """Run HiGHS; when presolve cannot tell infeasible from unbounded, run without it.

        Returns
        -------
        HighsSolution
            ``status`` is :class:`LinprogStatus` (``x`` and the duals are empty unless
            optimal).
        """
        import highspy

        h = self._highs
        t0 = time.perf_counter()
        h.run()
        model_status = h.getModelStatus()
        if model_status == highspy.HighsModelStatus.kUnboundedOrInfeasible:
            h.setOptionValue("presolve", "off")
            h.run()
            model_status = h.getModelStatus()
            h.setOptionValue("presolve", self.options.get("presolve", "choose"))
        solve_s = time.perf_counter() - t0
        name = next(k for k, v in highspy.HighsModelStatus.__members__.items() if v == model_status)
        status = _HIGHS_STATUS.get(name, LinprogStatus.NUMERICAL)
        message = f"HiGHS model status {h.modelStatusToString(model_status)}"
        if status is not LinprogStatus.OPTIMAL:
            empty = np.zeros(0)
            return HighsSolution(status, message, empty, np.nan, empty, empty, solve_s)
        sol = h.getSolution()
        info = h.getInfo()
        return HighsSolution(
            status=status,
            message=message,
            x=np.asarray(sol.col_value),
            fun=float(info.objective_function_value),
            row_dual=np.asarray(sol.row_dual),
            col_dual=np.asarray(sol.col_dual),
            solve_s=solve_s,
            iterations=int(info.simplex_iteration_count),
        )


def solve_highs(
    lp: LPArrays, *, options: Mapping[str, bool | float | str] | None = None
) -> HighsSolution:
    """Solve the LP `lp` cold (a new :class:`HighsLP`).

    Examples
    --------
    >>> sol = solve_highs(LPArrays(np.array([1.0, 2.0]), sp.csr_matrix([[1.0, 1.0]]),
    ...                            np.array([3.0]), np.array([np.inf]), np.zeros(2),
    ...                            np.full(2, np.inf)))
    >>> sol.status.label, sol.x.tolist(), sol.row_dual.tolist()
    ('optimal', [3.0, 0.0], [1.0])
    """
    return HighsLP(lp, options=options).solve()


def structure_key(a: sp.spmatrix, options: Mapping[str, bool | float | str] | None = None) -> str:
    """Digest of an LP's structure: the matrix (shape, pattern, values) and the options."""
    csr = sp.csr_matrix(a)
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((csr.shape, sorted((options or {}).items()))).encode())
    for part in (csr.indptr, csr.indices, csr.data):
        digest.update(np.ascontiguousarray(part).tobytes())
    return digest.hexdigest()


class LPCache:
    """HiGHS instances of one process, keyed by :func:`structure_key`.

    At most `max_models` instances and `max_nonzeros` matrix nonzeros in all (HiGHS holds
    about 100-200 bytes per nonzero with its factorisation: about 0.4-0.8 GB at the
    default); the least recently used go first, and a larger LP is built but not kept.

    An engine asks :meth:`get` for the LP of a block; a hit returns the instance built for an
    earlier block, draw or sweep point with the same matrix, with the new costs and bounds
    set. Whether the solve then starts from the last basis is the caller's choice (an engine
    that must give the same answer whatever ran before in the process clears it first).

    Examples
    --------
    >>> cache = LPCache(max_models=2)
    >>> a = sp.csr_matrix([[1.0, 1.0]])
    >>> one = LPArrays(np.ones(2), a, np.array([1.0]), np.array([1.0]), np.zeros(2), np.ones(2))
    >>> lp, hit = cache.get(one)
    >>> lp2, hit2 = cache.get(one._replace(row_lo=np.array([2.0]), row_hi=np.array([2.0])))
    >>> hit, hit2, lp is lp2, lp2.solve().fun
    (False, True, True, 2.0)
    """

    def __init__(self, max_models: int = 8, max_nonzeros: int = 4_000_000) -> None:
        self.max_models = int(max_models)
        self.max_nonzeros = int(max_nonzeros)
        self._models: OrderedDict[str, HighsLP] = OrderedDict()
        self._nnz: dict[str, int] = {}
        self.hits = 0
        self.misses = 0

    def get(
        self,
        lp: LPArrays,
        *,
        options: Mapping[str, bool | float | str] | None = None,
        key: str | None = None,
    ) -> tuple[HighsLP, bool]:
        """Return `lp` in a HiGHS instance, and whether that instance was cached.

        A cached instance has `lp.a`'s structure; its costs and bounds are changed to `lp`'s.
        """
        key = structure_key(lp.a, options) if key is None else key
        highs = self._models.get(key)
        if highs is None:
            self.misses += 1
            highs = HighsLP(lp, options=options)
            nnz = int(sp.csr_matrix(lp.a).nnz)
            if nnz <= self.max_nonzeros:
                self._models[key], self._nnz[key] = highs, nnz
                while len(self._models) > self.max_models or (
                    sum(self._nnz.values()) > self.max_nonzeros
                ):
                    old, _ = self._models.popitem(last=False)
                    del self._nnz[old]
            return highs, False
        self.hits += 1
        self._models.move_to_end(key)
        highs.update(c=lp.c, col_lo=lp.col_lo, col_hi=lp.col_hi, row_lo=lp.row_lo, row_hi=lp.row_hi)
        return highs, True

    def clear(self) -> None:
        """Drop every instance."""
        self._models.clear()
        self._nnz.clear()


#: The LP cache of this process (each worker of a process pool or Dask has its own).
PROCESS_LP_CACHE = LPCache()
