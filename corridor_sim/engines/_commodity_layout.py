"""The commodity LP as built: its arrays and the layout of its variable blocks.

:class:`Layout` names the four blocks of the variable vector (arc flows, supplies, deliveries,
storage levels), each a slice of period-major columns, so that building the LP, reading its
solution and diagnosing a failure address a block by name instead of walking offsets.
Shared by :mod:`corridor_sim.engines._commodity_lp` and ``_commodity_diag``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["LP", "Layout"]


@dataclass(frozen=True, slots=True)
class Layout:
    """Slices of the variable vector: one block per kind, periods outermost.

    Attributes
    ----------
    n_periods : int
        Periods T.
    flow, supply, delivery, level : slice
        Arc flows (T x arcs), supplies (T x supply nodes), deliveries (T x demand
        nodes) and storage levels (T x storage nodes).
    """

    n_periods: int
    flow: slice
    supply: slice
    delivery: slice
    level: slice

    @classmethod
    def of(cls, n_periods: int, n_arcs: int, n_sup: int, n_dem: int, n_sto: int) -> Layout:
        """Lay out `n_periods` periods of blocks of these widths."""
        bounds = np.cumsum([0, *(n_periods * k for k in (n_arcs, n_sup, n_dem, n_sto))])
        flow, supply, delivery, level = (
            slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)
        )
        return cls(n_periods, flow, supply, delivery, level)

    @property
    def size(self) -> int:
        """Number of variables."""
        return self.level.stop

    def block(self, x: np.ndarray, name: str) -> np.ndarray:
        """Block `name` of vector `x` as a (periods, width) array."""
        return np.asarray(x[getattr(self, name)]).reshape(self.n_periods, -1)


@dataclass(frozen=True, slots=True)
class LP:
    """The linear programme of one network: ``min c x`` s.t. ``a_eq x = b_eq``, bounds."""

    c: np.ndarray
    a_eq: sp.csr_matrix
    b_eq: np.ndarray
    bounds: np.ndarray
    const: float
    layout: Layout
    sup: np.ndarray  # node indices with supply
    dem: np.ndarray  # node indices with demand
    sto: np.ndarray  # storage node indices
    penalty: np.ndarray  # per demand node (0 for open sinks)
    demand: np.ndarray  # (T, nD)
