"""The commodity LP as built: its input arrays, its variable layout and its solution.

:class:`Inputs` holds the network as arrays (built once per solve). :class:`Layout` names the
four blocks of the variable vector (arc flows, supplies, deliveries, storage levels), each a
slice of period-major columns, so that building the LP, reading its solution and diagnosing a
failure address a block by name instead of walking offsets. :class:`Solved` is the optimal
solution over the whole horizon, filled by one LP or block by block. Shared by
:mod:`corridor_sim.engines.commodity.lp`, ``_commodity_blocks``, ``_commodity_tables`` and
``_commodity_diag``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["LP", "Inputs", "Layout", "Solved", "per_period_matrix"]


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


@dataclass(frozen=True, slots=True)
class Inputs:
    """The network as arrays, built once per solve (``_commodity_lp.inputs``).

    Per-period arrays are (periods, width), period-major; node subsets are indices into
    ``network.nodes``. Every LP block is built from these, never from the node and arc objects.
    """

    n_periods: int
    n_nodes: int
    src: np.ndarray  # (A,) source node index of each arc
    tgt: np.ndarray  # (A,) target node index
    keep: np.ndarray  # (A,) 1 - loss fraction
    cost: np.ndarray  # (A,) cost per unit
    cap: np.ndarray  # (T, A) capacity x availability (0 where inf x 0)
    sup: np.ndarray  # node indices with supply in some period
    dem: np.ndarray  # node indices with demand in some period
    sto: np.ndarray  # storage node indices
    supply: np.ndarray  # (T, nS)
    demand: np.ndarray  # (T, nD)
    supply_cost: np.ndarray  # (nS,)
    value: np.ndarray  # (nD,)
    penalty: np.ndarray  # (nD,) unmet penalty (0 for open sinks)
    level_cap: np.ndarray  # (nL,)
    initial: np.ndarray  # (nL,)
    final: np.ndarray  # (nL,) minimum level after the last period (0 when unset)

    @property
    def vars_per_period(self) -> int:
        """LP variables per period: arcs, supplies, deliveries and levels."""
        return self.cap.shape[1] + self.sup.size + self.dem.size + self.sto.size


@dataclass(slots=True)
class Solved:
    """An optimal solution over the whole horizon as (periods, width) arrays.

    Filled by the single LP or block by block; the tables are built from it alone.
    ``shadow`` is ``-d objective / d capacity`` (>= 0 where the flow sits at its bound),
    ``price`` the dual of each node's balance row.
    """

    flow: np.ndarray  # (T, A)
    supplied: np.ndarray  # (T, nS)
    delivered: np.ndarray  # (T, nD)
    level: np.ndarray  # (T, nL)
    shadow: np.ndarray  # (T, A)
    price: np.ndarray  # (T, N)
    objective: float  # including the constant penalty x demand
    message: str
    solver: str
    blocks: int  # LPs solved
    block_periods: int  # periods per LP (the last block may be shorter)

    @classmethod
    def empty(cls, inp: Inputs, *, solver: str, blocks: int, block_periods: int) -> Solved:
        """Zero arrays of the right shapes, to be filled block by block."""
        t_n = inp.n_periods
        return cls(
            flow=np.zeros((t_n, inp.cap.shape[1])),
            supplied=np.zeros((t_n, inp.sup.size)),
            delivered=np.zeros((t_n, inp.dem.size)),
            level=np.zeros((t_n, inp.sto.size)),
            shadow=np.zeros((t_n, inp.cap.shape[1])),
            price=np.zeros((t_n, inp.n_nodes)),
            objective=0.0,
            message="",
            solver=solver,
            blocks=blocks,
            block_periods=block_periods,
        )


def per_period_matrix(values: Sequence[float | Sequence[float]], n_periods: int) -> np.ndarray:
    """Stack scalars / per-period tuples into an array of shape (n_periods, len(values))."""
    out = np.empty((n_periods, len(values)))
    for j, v in enumerate(values):  # one pass over elements, not periods x elements
        out[:, j] = v
    return out
