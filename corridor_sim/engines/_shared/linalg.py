"""BLAS thread limits and solve block sizes around the power engine's hot paths.

OpenBLAS starts as many threads as there are cores. On a busy machine, or with several
worker processes, its threads fight each other for the same cores: a 118 x 118 inversion
measured 0.175 s with the default thread count on a loaded 2-core machine instead of about
1 ms. The engine's kernels (sparse triangular solves, small dense products) gain nothing from
BLAS threads, so they run with one by default (:func:`blas_threads`), through
``threadpoolctl`` (a dependency; should it be missing, the limit is a no-op and
``OPENBLAS_NUM_THREADS=1`` in the environment does the same).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from corridor_sim.errors import SpecError

__all__ = [
    "DEFAULT_BLAS_THREADS",
    "SOLVE_BLOCK_BYTES",
    "blas_threads",
    "check_blas_threads",
]

#: Bytes of right-hand sides per sparse solve: SuperLU's solves were fastest with blocks of
#: 16-64 columns on case1354pegase..case9241pegase (all 8760 hours as one block measured
#: 5-7x slower on case9241pegase); small nets take up to 512 hours per block.
SOLVE_BLOCK_BYTES = 2**19

#: BLAS threads the engine's hot paths use unless told otherwise.
DEFAULT_BLAS_THREADS = 1

try:  # optional: a small pure-Python package (joblib / scikit-learn maintainers)
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover - depends on the environment
    threadpool_limits = None


def check_blas_threads(value: int | None) -> int | None:
    """Return `value` if it is None or a positive integer, else raise ``SpecError``."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
        return value
    msg = f"blas_threads = {value!r}: expected a positive integer or None (leave BLAS as set)"
    raise SpecError(msg)


_ACTIVE: list[int] = []  # limits in force (nested calls with the same limit cost nothing)


@contextlib.contextmanager
def blas_threads(n_threads: int | None = DEFAULT_BLAS_THREADS) -> Iterator[None]:
    """Limit BLAS to `n_threads` threads inside the block (None: leave it as it is).

    ``threadpoolctl`` scans the loaded libraries on each call (about 1-10 ms); a nested call
    with the limit already in force does nothing.

    Examples
    --------
    >>> import numpy as np
    >>> with blas_threads(1):
    ...     _ = np.ones((50, 50)) @ np.ones((50, 50))
    """
    if n_threads is None or threadpool_limits is None or (_ACTIVE and _ACTIVE[-1] == n_threads):
        yield
        return
    with threadpool_limits(limits=n_threads, user_api="blas"):
        _ACTIVE.append(n_threads)
        try:
            yield
        finally:
            _ACTIVE.pop()
