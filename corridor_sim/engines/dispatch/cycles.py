"""Cycle basis of a DC network: Kirchhoff's voltage law as sparse rows on branch flows.

For the ``kirchhoff`` formulation of the dispatch LP (Hörsch et al., "Linear optimal power
flow using cycle flows", Electric Power Systems Research 158, 2018; PyPSA's default): with a
flow column per branch, the DC power flow is the nodal balance ``injection = C^T f``
(``C`` the branch-bus incidence) plus, for each independent cycle, ``sum_k s_k (f_k - sh_k)
/ b_k = 0`` (``s_k`` = +-1 the branch's direction along the cycle, ``b_k`` its susceptance
times the base MVA, ``sh_k`` its phase-shift flow). The cycles are those a spanning tree of
each island closes: one per branch outside the tree, ``n_branch - n_bus + n_island``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order

from corridor_sim.engines._shared.dcmodel import DCModel

__all__ = ["cycle_rows"]


def _tree(
    model: DCModel, roots: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Spanning forest: parent row, branch to the parent, depth per bus row; tree branches."""
    n, f, t = model.n_bus, model.branch_from_row, model.branch_to_row
    graph = sp.csr_matrix((np.ones(f.size), (f, t)), shape=(n, n))
    graph = ((graph + graph.T) > 0).astype(float)
    parent = np.full(n, -1, dtype=np.int64)
    depth = np.zeros(n, dtype=np.int64)
    up_branch = np.full(n, -1, dtype=np.int64)
    for root in roots:
        order, pred = breadth_first_order(graph, int(root), directed=False)
        for node in order[1:]:  # BFS order: a parent's depth is set before its children's
            parent[node] = pred[node]
            depth[node] = depth[pred[node]] + 1
    # one branch per (child, parent) pair is the tree branch; the others close cycles
    key = {}
    for k in range(f.size):
        for child, par in ((f[k], t[k]), (t[k], f[k])):
            if parent[child] == par and child not in key:
                key[child] = k
    for child, k in key.items():
        up_branch[child] = k
    in_tree = np.zeros(f.size, dtype=bool)
    in_tree[up_branch[up_branch >= 0]] = True
    return parent, up_branch, depth, in_tree


def cycle_rows(model: DCModel, roots: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """Kirchhoff's voltage law: ``kvl @ flow_mw == rhs`` (one row per independent cycle).

    Parameters
    ----------
    model : DCModel
        The net's DC model (``bf`` gives each branch's susceptance).
    roots : numpy.ndarray
        One bus row per island (the tree roots).

    Returns
    -------
    kvl : scipy.sparse.csr_matrix
        (n_cycles x n_branch), entries ``s_k / b_k`` (per-unit angle per MW).
    rhs : numpy.ndarray
        ``kvl @ shift``: the phase shifters' term.
    """
    f, t = model.branch_from_row, model.branch_to_row
    n_br = f.size
    bf = sp.csr_matrix(model.bf)
    b = np.asarray(bf[np.arange(n_br), f]).ravel()  # base-MVA susceptance of each branch
    parent, up_branch, depth, in_tree = _tree(model, roots)
    rows, cols, vals = [], [], []
    for cyc, k in enumerate(np.flatnonzero(~in_tree)):
        # the cycle: branch k from f to t, then the tree path from t back to f
        entries: list[tuple[int, float]] = [(int(k), 1.0)]
        a, c = int(t[k]), int(f[k])  # walk a (from t) and c (from f) up to their ancestor
        down: list[tuple[int, float]] = []
        while a != c:
            if depth[a] >= depth[c]:
                j = int(up_branch[a])  # traversed a -> parent(a)
                entries.append((j, 1.0 if f[j] == a else -1.0))
                a = int(parent[a])
            else:
                j = int(up_branch[c])  # traversed parent(c) -> c (on the way back to f)
                down.append((j, 1.0 if t[j] == c else -1.0))
                c = int(parent[c])
        for j, s in (*entries, *down):
            rows.append(cyc)
            cols.append(j)
            vals.append(1.0 if f[j] == t[j] else s / b[j])  # a self-loop: f = shift
    n_cyc = int((~in_tree).sum())
    kvl = sp.csr_matrix((vals, (rows, cols)), shape=(n_cyc, n_br))
    kvl.sum_duplicates()
    return kvl, kvl @ model.p_shift_branch_mw
