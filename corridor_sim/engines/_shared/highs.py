"""Solver helpers shared by the LP engines.

Named statuses of :func:`scipy.optimize.linprog` (HiGHS), and :func:`solve_highs`, a direct
call of HiGHS (highspy) with ranged rows and dual values.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import scipy.sparse as sp
from scipy.optimize import OptimizeResult

from corridor_sim.errors import SolverError

__all__ = ["HighsSolution", "LinprogStatus", "linprog_status", "solve_highs"]


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
    reduced cost.
    """

    status: LinprogStatus
    message: str
    x: np.ndarray
    fun: float
    row_dual: np.ndarray
    col_dual: np.ndarray
    solve_s: float


#: HiGHS model statuses and the :class:`LinprogStatus` they mean.
_HIGHS_STATUS = {
    "kOptimal": LinprogStatus.OPTIMAL,
    "kTimeLimit": LinprogStatus.ITERATION_LIMIT,
    "kIterationLimit": LinprogStatus.ITERATION_LIMIT,
    "kInfeasible": LinprogStatus.INFEASIBLE,
    "kUnbounded": LinprogStatus.UNBOUNDED,
}


def solve_highs(
    c: np.ndarray,
    a: sp.spmatrix,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    col_lo: np.ndarray,
    col_hi: np.ndarray,
    *,
    options: Mapping[str, bool | float | str] | None = None,
) -> HighsSolution:
    """Minimise ``c x`` s.t. ``row_lo <= a x <= row_hi``, ``col_lo <= x <= col_hi`` (highspy).

    Rows may be equalities (``lo == hi``), one-sided (an infinite side) or ranged. HiGHS runs
    silently with its defaults plus `options` (``{"threads": 1, ...}``). When presolve cannot
    tell an infeasible LP from an unbounded one, it is solved again without presolve.

    Returns
    -------
    HighsSolution
        ``status`` is :class:`LinprogStatus` (``x`` and the duals are empty unless optimal).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> sol = solve_highs(np.array([1.0, 2.0]), sp.csr_matrix([[1.0, 1.0]]), np.array([3.0]),
    ...                   np.array([np.inf]), np.zeros(2), np.full(2, np.inf))
    >>> sol.status.label, sol.x.tolist(), sol.row_dual.tolist()
    ('optimal', [3.0, 0.0], [1.0])
    """
    import highspy  # import cost paid only by the LP engines that use it

    csc = sp.csc_matrix(a)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = int(csc.shape[1]), int(csc.shape[0])
    lp.col_cost_ = np.asarray(c, dtype=float)
    lp.col_lower_, lp.col_upper_ = np.asarray(col_lo, float), np.asarray(col_hi, float)
    lp.row_lower_, lp.row_upper_ = np.asarray(row_lo, float), np.asarray(row_hi, float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr
    lp.a_matrix_.index_ = csc.indices
    lp.a_matrix_.value_ = csc.data
    # the bare binding: highspy.Highs() prints HiGHS's start-up banner to stdout (once per
    # process), before output_flag can be set; _Highs() does not, and has the same methods
    h = getattr(highspy, "_Highs", highspy.Highs)()
    h.setOptionValue("output_flag", False)
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)
    h.passModel(lp)
    t0 = time.perf_counter()
    h.run()
    model_status = h.getModelStatus()
    if model_status == highspy.HighsModelStatus.kUnboundedOrInfeasible:
        h.setOptionValue("presolve", "off")
        h.run()
        model_status = h.getModelStatus()
    solve_s = time.perf_counter() - t0
    name = next((k for k, v in highspy.HighsModelStatus.__members__.items() if v == model_status))
    status = _HIGHS_STATUS.get(name, LinprogStatus.NUMERICAL)
    message = f"HiGHS model status {h.modelStatusToString(model_status)}"
    if status is not LinprogStatus.OPTIMAL:
        empty = np.zeros(0)
        return HighsSolution(status, message, empty, np.nan, empty, empty, solve_s)
    sol = h.getSolution()
    return HighsSolution(
        status=status,
        message=message,
        x=np.asarray(sol.col_value),
        fun=float(h.getInfo().objective_function_value),
        row_dual=np.asarray(sol.row_dual),
        col_dual=np.asarray(sol.col_dual),
        solve_s=solve_s,
    )
