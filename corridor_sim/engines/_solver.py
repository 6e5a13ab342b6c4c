"""Named statuses of :func:`scipy.optimize.linprog` (HiGHS), shared by the LP engines."""

from __future__ import annotations

from enum import IntEnum

from scipy.optimize import OptimizeResult

from corridor_sim.errors import SolverError

__all__ = ["LinprogStatus", "linprog_status"]


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
