"""Sparse LU of the reduced susceptance matrix: KLU when PyKLU is installed, SuperLU otherwise.

Every solve with the DC susceptance matrix (``dc_flow``, the LODF columns and the streaming
screen of ``n_minus_1``, PTDF columns for the dispatch) goes through :func:`factorise`, which
returns a :class:`Factor` of one of two backends:

``"klu"``
    SuiteSparse KLU (BTF + AMD ordering, left-looking LU), from the optional package PyKLU
    (``pip install pyklu`` or the ``fast`` extra: a 0.5 MB wheel bundling KLU, needing only
    numpy and scipy). Solves of a year of hours measured 2.7-3.4x faster than SuperLU's on
    case1354pegase, case2869pegase and case9241pegase in blocks of 256 right-hand sides, and
    1.4-1.5x in the blocks of 16-22 that ``dc_flow`` uses (``benchmarks/bench_factorisation.py``).
    The KLU routines are called through ``ctypes`` from the library PyKLU ships, so that a
    refactorisation keeps the symbolic analysis (:meth:`Factor.refactor`) and right-hand
    sides are solved in place; where that library does not export them (PyKLU built on
    Windows), PyKLU's own ``Klu`` class is used and a refactorisation analyses again.
``"superlu"``
    SciPy's ``splu`` with the minimum-degree ordering on ``A + A.T`` in symmetric mode: 75k
    instead of 101k nonzeros in L + U on case9241pegase (default COLAMD) and about 1.5x
    faster solves. The diagonal of a DC susceptance matrix dominates, so the diagonal
    pivots of symmetric mode are the ones partial pivoting picks. SciPy exposes no symbolic
    factorisation: a refactorisation orders the matrix again.

Both give the same angles to round-off (6e-12 pu measured; tests compare each backend with
``pandapower.rundcpp`` to 1e-9 MW). :func:`default_backend` picks KLU when it loads.
"""

from __future__ import annotations

import ctypes
import weakref
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from corridor_sim.errors import SpecError

__all__ = [
    "BACKENDS",
    "Factor",
    "available_backends",
    "check_backend",
    "default_backend",
    "factorise",
]

#: Backends in order of preference.
BACKENDS = ("klu", "superlu")

#: Bytes reserved for KLU's ``klu_common`` settings struct (about 200 bytes in KLU 2.x).
_KLU_COMMON_BYTES = 4096


class Factor(Protocol):
    """A factorisation of a square sparse matrix ``A`` that solves ``A x = b``."""

    backend: str
    n: int

    def solve(self, rhs: np.ndarray, *, overwrite: bool = False) -> np.ndarray:
        """``A^-1 rhs`` for `rhs` (n,) or (n, k); Fortran-ordered for k > 1.

        With ``overwrite=True`` a Fortran-ordered float64 `rhs` may be solved in place.
        """
        ...

    def refactor(self, matrix: sp.spmatrix) -> Factor:
        """Factorise `matrix`, which has this one's sparsity pattern.

        Reuses the symbolic analysis (ordering) where the backend allows it.
        """
        ...


# ------------------------------------------------------------------ KLU through ctypes
def _load_klu() -> ctypes.CDLL | None:
    """Load the KLU routines shipped inside PyKLU's extension (None: not available)."""
    try:
        from PyKLU import _klu
    except ImportError:
        return None
    try:
        lib = ctypes.CDLL(_klu.__file__)
        frees = (lib.klu_free_symbolic, lib.klu_free_numeric)
        _ = (lib.klu_defaults, lib.klu_analyze, lib.klu_factor, lib.klu_solve)
    except (OSError, AttributeError):
        return None
    ptr, i32 = ctypes.c_void_p, ctypes.c_int32
    lib.klu_defaults.argtypes, lib.klu_defaults.restype = [ptr], ctypes.c_int
    lib.klu_analyze.argtypes, lib.klu_analyze.restype = [i32, ptr, ptr, ptr], ptr
    lib.klu_factor.argtypes, lib.klu_factor.restype = [ptr, ptr, ptr, ptr, ptr], ptr
    lib.klu_solve.argtypes, lib.klu_solve.restype = [ptr, ptr, i32, i32, ptr, ptr], ctypes.c_int
    for free in frees:
        free.argtypes = [ptr, ptr]
        free.restype = ctypes.c_int
    return lib


def _has_pyklu() -> bool:
    try:
        from PyKLU import Klu  # noqa: F401 - optional
    except ImportError:
        return False
    return True


_KLU_LIB: Any = _load_klu()  # ctypes.CDLL with the KLU routines, or None
_PYKLU = _KLU_LIB is not None or _has_pyklu()


def _csc(matrix: sp.spmatrix) -> sp.csc_matrix:
    a = sp.csc_matrix(matrix, dtype=float)
    a.sort_indices()
    return a


class _KLUSymbolic:
    """KLU's symbolic analysis of one sparsity pattern (int32 CSC arrays kept alive)."""

    def __init__(self, a: sp.csc_matrix) -> None:
        lib = _KLU_LIB
        self.n = a.shape[0]
        self.indptr = np.ascontiguousarray(a.indptr, dtype=np.int32)
        self.indices = np.ascontiguousarray(a.indices, dtype=np.int32)
        self.common = ctypes.create_string_buffer(_KLU_COMMON_BYTES)
        lib.klu_defaults(self.common)
        self.handle = lib.klu_analyze(
            self.n, self.indptr.ctypes.data, self.indices.ctypes.data, self.common
        )
        if not self.handle:
            msg = "KLU could not analyse the matrix (out of memory or invalid pattern)"
            raise RuntimeError(msg)
        weakref.finalize(self, _free, lib.klu_free_symbolic, self.handle, self.common)

    def same_pattern(self, a: sp.csc_matrix) -> bool:
        return (
            a.shape == (self.n, self.n)
            and np.array_equal(a.indptr, self.indptr)
            and np.array_equal(a.indices, self.indices)
        )


def _free(func: Any, handle: int, common: Any) -> None:
    func(ctypes.byref(ctypes.c_void_p(handle)), common)


class _KLUFactor:
    """KLU numeric factorisation on a (shared) symbolic analysis."""

    backend = "klu"

    def __init__(self, a: sp.csc_matrix, symbolic: _KLUSymbolic | None = None) -> None:
        lib = _KLU_LIB
        self.symbolic = _KLUSymbolic(a) if symbolic is None else symbolic
        self.n = a.shape[0]
        data = np.ascontiguousarray(a.data, dtype=float)
        sym = self.symbolic
        self.handle = lib.klu_factor(
            sym.indptr.ctypes.data,
            sym.indices.ctypes.data,
            data.ctypes.data,
            sym.handle,
            sym.common,
        )
        if not self.handle:
            msg = "KLU: matrix is exactly singular"
            raise RuntimeError(msg)
        weakref.finalize(self, _free, lib.klu_free_numeric, self.handle, sym.common)

    def solve(self, rhs: np.ndarray, *, overwrite: bool = False) -> np.ndarray:
        b = np.asarray(rhs)
        if b.shape[0] != self.n or b.ndim not in (1, 2):
            msg = f"right-hand side of shape {b.shape}: expected ({self.n},) or ({self.n}, k)"
            raise ValueError(msg)
        in_place = overwrite and b.dtype == np.float64 and b.flags.f_contiguous
        x = b if in_place else np.array(b, dtype=float, order="F")
        k = 1 if x.ndim == 1 else x.shape[1]
        if k:
            sym = self.symbolic
            _KLU_LIB.klu_solve(sym.handle, self.handle, self.n, k, x.ctypes.data, sym.common)
        return x

    def refactor(self, matrix: sp.spmatrix) -> _KLUFactor:
        a = _csc(matrix)
        if not self.symbolic.same_pattern(a):
            msg = "refactor: the matrix's sparsity pattern differs from the analysed one"
            raise ValueError(msg)
        return _KLUFactor(a, self.symbolic)


class _PyKLUFactor:
    """PyKLU's own class (used where its library does not export the KLU routines)."""

    backend = "klu"

    def __init__(self, a: sp.csc_matrix) -> None:
        from PyKLU import Klu

        self.n = a.shape[0]
        self._klu = Klu(
            sp.csc_matrix(
                (a.data, a.indices.astype(np.int32), a.indptr.astype(np.int32)), shape=a.shape
            )
        )

    def solve(self, rhs: np.ndarray, *, overwrite: bool = False) -> np.ndarray:
        b = np.asarray(rhs)
        if overwrite and b.dtype == np.float64 and b.flags.f_contiguous:
            return self._klu.solve(b, copy=False)
        return self._klu.solve(np.array(b, dtype=float, order="F"), copy=False)

    def refactor(self, matrix: sp.spmatrix) -> _PyKLUFactor:
        return _PyKLUFactor(_csc(matrix))


# ------------------------------------------------------------------ SuperLU
class _SuperLUFactor:
    """SciPy's SuperLU, minimum-degree ordering on ``A + A.T``, symmetric mode."""

    backend = "superlu"

    def __init__(self, a: sp.csc_matrix) -> None:
        self.n = a.shape[0]
        self._lu = splu(a, permc_spec="MMD_AT_PLUS_A", options={"SymmetricMode": True})

    def solve(self, rhs: np.ndarray, *, overwrite: bool = False) -> np.ndarray:
        return self._lu.solve(np.asarray(rhs, dtype=float))

    def refactor(self, matrix: sp.spmatrix) -> _SuperLUFactor:
        # SciPy has no symbolic/numeric split (and a NATURAL ordering of the permuted
        # matrix measured 100x slower on case9241pegase than ordering afresh)
        return _SuperLUFactor(_csc(matrix))


# ------------------------------------------------------------------ front door
def available_backends() -> tuple[str, ...]:
    """Backends that load in this environment, preferred first.

    Examples
    --------
    >>> "superlu" in available_backends()
    True
    """
    return tuple(b for b in BACKENDS if b != "klu" or _PYKLU)


def default_backend() -> str:
    """``"klu"`` when PyKLU is installed, else ``"superlu"``."""
    return available_backends()[0]


def check_backend(backend: str | None) -> str | None:
    """Return `backend` if it is None or loads here, else raise ``SpecError``."""
    if backend is None or backend in available_backends():
        return backend
    if backend == "klu":
        msg = "factor = 'klu': PyKLU is not installed (pip install pyklu, or the 'fast' extra)"
    else:
        msg = f"factor = {backend!r}: expected one of {BACKENDS} or None (the fastest installed)"
    raise SpecError(msg)


def factorise(matrix: sp.spmatrix, *, backend: str | None = None) -> Factor:
    """Sparse LU of a square matrix (the reduced susceptance matrix of a DC model).

    Parameters
    ----------
    matrix : scipy.sparse matrix
        Square, nonsingular.
    backend : {"klu", "superlu"}, optional
        Default :func:`default_backend`.

    Returns
    -------
    Factor

    Raises
    ------
    SpecError
        For an unknown backend, or ``"klu"`` without PyKLU installed.
    RuntimeError
        If the matrix is singular.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> lu = factorise(sp.csc_matrix([[4.0, -1.0], [-1.0, 3.0]]), backend="superlu")
    >>> np.round(lu.solve(np.array([3.0, 2.0])), 12)
    array([1., 1.])
    """
    chosen = check_backend(backend) or default_backend()
    a = _csc(matrix)
    if chosen == "superlu":
        return _SuperLUFactor(a)
    return _KLUFactor(a) if _KLU_LIB is not None else _PyKLUFactor(a)
