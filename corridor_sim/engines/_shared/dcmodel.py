"""Shared DC (B-theta) model of a pandapower net, built from pandapower's own conversion.

:class:`DCModel` is the linear algebra behind :func:`corridor_sim.engines.power.dc_flow`,
:func:`corridor_sim.engines.power.n_minus_1` and the dispatch LP. It is built once per net
by :meth:`DCModel.from_net`, which runs ``pandapower.rundcpp`` on a deep copy (the user's
net is never written to) and then reads the internal PYPOWER case ("ppci") that pandapower
itself solves: merged buses (closed bus-bus switches), out-of-service and isolated elements,
transformer phase shifts, the slack buses and the ``Bbus``/``Bf`` matrices from ``makeBdc``
are therefore exactly pandapower's.

Conventions (all powers in MW, angles in rad):

* matrix rows ("bus rows") are pandapower's ppci buses; ``bus_row[i]`` gives the row of the
  i-th entry of ``net.bus`` (``-1`` when the bus is out of service or isolated);
* ``p_bus_mw`` is the net injection (generation - load - shunt losses) per bus row for the
  net as given, *without* the phase-shift term;
* pandapower solves ``Bbus @ va = p_bus / base - Pbusinj`` on the non-slack rows with fixed
  slack angles, and branch flows are ``p_from = (Bf @ va + Pfinj) * base``.

How a dispatch LP uses it::

    flow_mw = model.ptdf() @ p_bus_mw + model.flow_offset_mw()

with ``p_bus_mw`` the (decision) net injection per bus row. PTDF columns of slack rows are
zero: whatever is injected at a slack bus is balanced there. ``flow_offset_mw`` carries the
phase-shifter term ``(Pfinj - PTDF @ Pbusinj) * base`` plus the effect of non-zero slack
angles; it is zero for a net without phase shift and with all slack angles equal to zero.
Element injections map to bus rows with :attr:`DCModel.elements` (:class:`ElementMap`: sign
included, loads and storage -1, gens/sgens +1, times ``scaling`` and in-service status). With
one slack the LP adds ``sum(p_bus_mw) == 0`` (the DC model is lossless). The readers of the
internal case are in :mod:`corridor_sim.engines._shared.ppci`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandapower as pp
import scipy.sparse as sp
from pandapower.pypower.idx_bus import BUS_TYPE, GS, REF, VA
from pandapower.pypower.makeBdc import makeBdc
from pandapower.pypower.makeSbus import makeSbus
from scipy.sparse.csgraph import connected_components

from corridor_sim.engines._shared.factor import Factor, check_backend, factorise
from corridor_sim.engines._shared.linalg import SOLVE_BLOCK_BYTES, blas_threads
from corridor_sim.engines._shared.net_checks import check_net_values, fingerprint
from corridor_sim.engines._shared.ppci import (
    INJECTION_SIGN,
    ElementMap,
    branch_map,
    check_supported,
    convert,
    element_map,
    loading_pct_per_mw,
    slack_units,
    working_copy,
)
from corridor_sim.engines._shared.quiet import pandapower_quietly
from corridor_sim.errors import CorridorSimError

__all__ = [
    "BRIDGE_TOL",
    "DENSE_INVERSE_MAX_BUS",
    "INJECTION_SIGN",
    "DCModel",
    "ElementMap",
    "FlowPlan",
]

#: Up to this many non-slack rows, ``ptdf()`` / ``angle_sensitivity()`` use a dense inverse
#: (LAPACK, one thread); above, column blocks of sparse solves with the stored factorisation.
DENSE_INVERSE_MAX_BUS = 400

#: |1 - PTDF_kk| below this: taking out branch k splits the grid (a bridge; no LODF).
BRIDGE_TOL = 1e-9

#: |flow difference| (MW) above which ``from_net(check=True)`` rejects the model.
_CHECK_TOL_MW = 1e-6

#: What pandapower raises when it cannot convert or solve a net (it raises ``UserWarning``
#: as an exception, e.g. "No reference bus is available").
_PF_ERRORS: tuple[type[Exception], ...] = (UserWarning, ValueError, KeyError, IndexError)
_PF_ERRORS += (FloatingPointError, ZeroDivisionError, np.linalg.LinAlgError)
_PF_ERRORS += (pp.LoadflowNotConverged,)


@dataclass(frozen=True, slots=True, eq=False)
class FlowPlan:
    """What every block of hourly flows needs, derived once per model.

    Attributes
    ----------
    pos : numpy.ndarray
        Positions (lines then trafos) of the in-service branches.
    bf_mw : scipy.sparse.csr_matrix
        Their ``Bf`` rows times base (MW per rad).
    shift_mw, per_mw : numpy.ndarray
        Their phase-shift flow term (MW) and loading per MW (%).
    bus_pos, bus_rows : numpy.ndarray
        Positions in ``net.bus`` of the solved buses, and their bus rows.
    rhs_offset : numpy.ndarray
        On pv/pq rows: ``Pbusinj + Bbus[pvpq, ref] va_ref`` (pu).
    slack_b_mw : scipy.sparse.csr_matrix
        ``Bbus`` rows of the slack buses times base.
    slack_c_mw : numpy.ndarray
        Phase-shift term at the slack buses (MW).
    """

    pos: np.ndarray
    bf_mw: sp.csr_matrix
    shift_mw: np.ndarray
    per_mw: np.ndarray
    bus_pos: np.ndarray
    bus_rows: np.ndarray
    rhs_offset: np.ndarray
    slack_b_mw: sp.csr_matrix
    slack_c_mw: np.ndarray


@dataclass(frozen=True, eq=False)
class DCModel:
    """Batched DC power-flow model of a pandapower net (see the module docstring).

    Build it with :meth:`from_net`; all arrays are read-only by convention. The fields are
    fixed at construction; what is derived from them (the dense PTDF, angle sensitivities,
    the reduced matrix pattern, :attr:`flow_plan`) is computed on first use and kept
    (:func:`functools.cached_property`), so the class has no ``__slots__``.

    Attributes
    ----------
    base_mva : float
        pandapower's per-unit base (MVA).
    bus_index : numpy.ndarray
        ``net.bus.index`` (pandapower bus indices).
    bus_row : numpy.ndarray
        Matrix row of each pandapower bus (merged buses share a row), ``-1`` if the bus is
        out of service or isolated.
    n_bus : int
        Number of matrix rows.
    ref_rows, pvpq_rows : numpy.ndarray
        Slack rows (fixed angle) and the others.
    va_ref_rad : numpy.ndarray
        Fixed angles of ``ref_rows`` (from ext_grid ``va_degree`` / slack gens).
    bbus, bf : scipy.sparse.csr_matrix
        pandapower's ``Bbus`` (n_bus x n_bus) and ``Bf`` (n_branch x n_bus), per unit.
    cft : scipy.sparse.csr_matrix
        Branch-bus incidence (+1 from bus, -1 to bus).
    p_shift_bus_mw, p_shift_branch_mw : numpy.ndarray
        Phase-shift injections ``Pbusinj * base`` and ``Pfinj * base``.
    p_bus_mw : numpy.ndarray
        Net injection per bus row for the net as given (gen - load - shunt), MW.
    branch_element : numpy.ndarray
        Element table of each branch row (``"line"``, ``"trafo"``, ``"trafo3w"``, ...).
    branch_element_index : numpy.ndarray
        pandapower index of the element of each branch row.
    branch_from_row, branch_to_row : numpy.ndarray
        Bus rows at the ends of each branch.
    loading_pct_per_mw : numpy.ndarray
        pandapower's ``loading_percent`` per MW of flow on each branch row (0 for branches
        that have no loading result, ``inf`` for a zero rating).
    line_index, line_row, trafo_index, trafo_row : numpy.ndarray
        Every line / trafo of the net and its branch row (``-1`` when out of service).
    elements : dict[str, ElementMap]
        Injection maps of ``load``, ``sgen``, ``gen``, ``storage``.
    ext_grid_index : numpy.ndarray
        ``net.ext_grid.index``.
    slack_element, slack_index, slack_row, slack_share, slack_p0_mw : numpy.ndarray
        The balancing units pandapower uses (ext_grids and gens with ``slack=True``): table,
        index, bus row, ``1 / (number of slack units at that bus)`` and initial ``p_mw``.
    lu : Factor
        Factorisation of ``bbus[pvpq, pvpq]``: KLU when PyKLU is installed, else SuperLU
        (``corridor_sim.engines._shared.factor``); ``lu.backend`` says which.

    Examples
    --------
    Build it once and pass it to :func:`~corridor_sim.engines.power.dc_flow` or
    :func:`~corridor_sim.engines.power.n_minus_1` for many runs on the same grid:

    >>> import pandas as pd
    >>> import pandapower.networks as pn
    >>> from corridor_sim.engines.power import dc_flow
    >>> net = pn.case9()
    >>> model = DCModel.from_net(net)
    >>> model.n_bus, model.line_index.tolist()
    (9, [0, 1, 2, 3, 4, 5, 6, 7, 8])
    >>> res = dc_flow(net, load_p_mw=pd.DataFrame({1: [90.0, 120.0]}), model=model)
    >>> res.line_loading_pct[2].round(1).tolist()  # line 2 in hours 0 and 1 (%)
    [43.8, 34.5]
    """

    base_mva: float
    bus_index: np.ndarray
    bus_row: np.ndarray
    n_bus: int
    ref_rows: np.ndarray
    pvpq_rows: np.ndarray
    va_ref_rad: np.ndarray
    bbus: sp.csr_matrix
    bf: sp.csr_matrix
    cft: sp.csr_matrix
    p_shift_bus_mw: np.ndarray
    p_shift_branch_mw: np.ndarray
    p_bus_mw: np.ndarray
    branch_element: np.ndarray
    branch_element_index: np.ndarray
    branch_from_row: np.ndarray
    branch_to_row: np.ndarray
    loading_pct_per_mw: np.ndarray
    line_index: np.ndarray
    line_row: np.ndarray
    trafo_index: np.ndarray
    trafo_row: np.ndarray
    elements: dict[str, ElementMap]
    ext_grid_index: np.ndarray
    slack_element: np.ndarray
    slack_index: np.ndarray
    slack_row: np.ndarray
    slack_share: np.ndarray
    slack_p0_mw: np.ndarray
    lu: Factor | None = field(repr=False)
    #: Digest of the net's element tables at build time (``_net_checks.fingerprint``).
    net_fingerprint: str = field(default="", repr=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_net(
        cls, net: pp.pandapowerNet, *, check: bool = False, factor: str | None = None
    ) -> DCModel:
        """Build the model from `net` (unchanged: pandapower works on a copy).

        Runs pandapower's own conversion (``_pd2ppc`` with ``rundcpp``'s default options:
        connectivity check, T trafo model, current-based trafo loading) on a copy of `net`.

        Parameters
        ----------
        net : pandapower.pandapowerNet
            Any net ``pandapower.rundcpp`` can solve.
        check : bool, default False
            Also run ``pandapower.rundcpp`` on a deep copy and require the base-case line and
            trafo flows to agree to 1e-6 MW (a guard for exotic elements; about 2x slower).
        factor : {"klu", "superlu"}, optional
            Sparse LU backend; default KLU when PyKLU is installed, else SuperLU. Both are
            exact to round-off; KLU's solves measured 1.4-3.4x faster on case1354pegase to
            case9241pegase, by block size (``benchmarks/bench_factorisation.py``).

        Returns
        -------
        DCModel

        Raises
        ------
        CorridorSimError
            If pandapower cannot convert or solve `net` (no slack, zero reactance...).
        SpecError
            If `net` holds elements this engine does not model (VSC/DC grid, TCSC, SVC, SSC),
            or `factor` is unknown or ``"klu"`` without PyKLU installed.

        Examples
        --------
        >>> import pandapower.networks as pn
        >>> model = DCModel.from_net(pn.case9())
        >>> model.n_bus, model.ptdf().shape
        (9, (9, 9))
        """
        name = getattr(net, "name", "") or "<unnamed>"
        check_net_values(net)
        check_backend(factor)
        work = working_copy(net)
        try:
            ppci = convert(work)
        except _PF_ERRORS as err:
            msg = f"pandapower cannot build a DC power flow for net {name!r}: {err}"
            raise CorridorSimError(msg) from err
        check_supported(ppci, name)
        try:
            model = cls._from_ppci(net, work, ppci, factor)
        except _PF_ERRORS + (RuntimeError,) as err:  # RuntimeError: a singular reduced Bbus
            msg = f"pandapower cannot build a DC power flow for net {name!r}: {err}"
            raise CorridorSimError(msg) from err
        object.__setattr__(model, "net_fingerprint", fingerprint(net))
        if check:
            model._check_against(net, name)
        return model

    @classmethod
    def _from_ppci(
        cls, net: pp.pandapowerNet, work: pp.pandapowerNet, ppci: dict, factor: str | None
    ) -> DCModel:
        """Assemble the model from pandapower's internal case of `net` (see ``_ppci``)."""
        internal, lookup = ppci["internal"], work._pd2ppc_lookups
        base = float(ppci["baseMVA"])
        bus, gen, branch = ppci["bus"], ppci["gen"], ppci["branch"]
        n_bus = bus.shape[0]
        bbus, bf, pbusinj, pfinj, cft = makeBdc(bus, branch)
        ref_rows = np.flatnonzero(bus[:, BUS_TYPE].real.astype(int) == REF)
        pvpq = np.setdiff1d(np.arange(n_bus), ref_rows)
        pp_bus = net.bus.index.to_numpy()
        bus_row = np.asarray(lookup["bus"], dtype=np.int64)[pp_bus]
        bus_row = np.where((bus_row >= 0) & (bus_row < n_bus), bus_row, -1)
        row_of = dict(zip(pp_bus.tolist(), bus_row.tolist(), strict=True))
        branches = branch_map(net, lookup, internal, branch)
        slack = slack_units(net, lookup, internal, gen)
        count = np.bincount(slack.row, minlength=n_bus)
        trafo_loading = work._options.get("trafo_loading", "current")
        return cls(
            base_mva=base,
            bus_index=pp_bus,
            bus_row=bus_row,
            n_bus=n_bus,
            ref_rows=ref_rows,
            pvpq_rows=pvpq,
            va_ref_rad=np.deg2rad(bus[ref_rows, VA].real),
            bbus=sp.csr_matrix(bbus),
            bf=sp.csr_matrix(bf),
            cft=sp.csr_matrix(cft),
            p_shift_bus_mw=np.asarray(pbusinj).ravel() * base,
            p_shift_branch_mw=np.asarray(pfinj).ravel() * base,
            p_bus_mw=(np.real(makeSbus(base, bus, gen)) - bus[:, GS].real / base) * base,
            branch_element=branches.element,
            branch_element_index=branches.element_index,
            branch_from_row=branches.from_row,
            branch_to_row=branches.to_row,
            loading_pct_per_mw=loading_pct_per_mw(net, bus, branches, trafo_loading=trafo_loading),
            line_index=net.line.index.to_numpy(),
            line_row=branches.rows_of["line"],
            trafo_index=net.trafo.index.to_numpy(),
            trafo_row=branches.rows_of["trafo"],
            elements={e: element_map(net, e, row_of) for e in INJECTION_SIGN if e in net},
            ext_grid_index=net.ext_grid.index.to_numpy(),
            slack_element=slack.element,
            slack_index=slack.index,
            slack_row=slack.row,
            slack_share=1.0 / count[slack.row] if slack.row.size else np.zeros(0),
            slack_p0_mw=slack.p0_mw,
            lu=factorise(bbus[pvpq][:, pvpq], backend=factor) if pvpq.size else None,
        )

    def _check_against(self, net: pp.pandapowerNet, name: str) -> None:
        """Compare the base-case flows with pandapower's own rundcpp result."""
        ref = copy.deepcopy(net)
        try:
            with pandapower_quietly():
                pp.rundcpp(ref)
        except _PF_ERRORS as err:
            msg = f"pandapower.rundcpp cannot solve net {name!r}: {err}"
            raise CorridorSimError(msg) from err
        flows = self.branch_flow_mw(self.solve_angles_rad(self.p_bus_mw))
        for element, rows, col in (
            ("line", self.line_row, "p_from_mw"),
            ("trafo", self.trafo_row, "p_hv_mw"),
        ):
            mine = np.where(rows >= 0, flows[np.maximum(rows, 0)], 0.0) if rows.size else rows
            diff = np.abs(mine - np.nan_to_num(ref[f"res_{element}"][col].to_numpy(dtype=float)))
            if mine.size and np.max(diff) > _CHECK_TOL_MW:
                worst = int(np.argmax(diff))
                msg = (
                    f"internal DC model disagrees with pandapower.rundcpp on {element} row "
                    f"{worst} by {diff[worst]:.3g} MW; the net holds an element the batched "
                    "engine does not model"
                )
                raise CorridorSimError(msg)

    # ------------------------------------------------------------------ linear algebra
    @property
    def n_branch(self) -> int:
        """Number of in-service branch rows."""
        return int(self.bf.shape[0])

    def solve_angles_rad(self, p_bus_mw: np.ndarray) -> np.ndarray:
        """Bus angles (rad) for net injections `p_bus_mw` (n_bus,) or (n_bus, n_cases).

        Solves pandapower's ``Bbus[pvpq, pvpq] va = p / base - Pbusinj - Bbus[pvpq, ref] va_ref``
        for all columns at once with the stored factorisation (in blocks of columns, one
        BLAS thread).
        """
        return self._solve(self.lu, p_bus_mw, self.p_shift_bus_mw)

    def _solve(self, lu: Factor | None, p_bus_mw: np.ndarray, shift_mw: np.ndarray) -> np.ndarray:
        """Angles for injections `p_bus_mw` with factorisation `lu` and shift term `shift_mw`."""
        p = np.asarray(p_bus_mw, dtype=float)
        one = p.ndim == 1
        p2 = p[:, None] if one else p
        va = np.empty_like(p2)
        va[self.ref_rows] = self.va_ref_rad[:, None]
        pvpq = self.pvpq_rows
        if pvpq.size:
            rhs = p2[pvpq] / self.base_mva - shift_mw[pvpq, None] / self.base_mva
            rhs = rhs - (self.bbus[pvpq][:, self.ref_rows] @ self.va_ref_rad)[:, None]
            step = self.block_columns(pvpq.size)
            assert lu is not None  # factorised whenever there are pv/pq rows
            with blas_threads(1):
                for start in range(0, rhs.shape[1], step):
                    va[pvpq, start : start + step] = lu.solve(rhs[:, start : start + step])
        return va[:, 0] if one else va

    def outage_flows_mw(self, branch_rows: np.ndarray, p_bus_mw: np.ndarray) -> np.ndarray:
        """Branch flows (MW) with the branch rows `branch_rows` out, for injections `p_bus_mw`.

        Any number of outages at once (N-k), solved exactly: the reduced susceptance matrix
        without those branches keeps its sparsity pattern (their entries become explicit
        zeros), so it is refactorised on the stored symbolic analysis (KLU; SuperLU orders
        it again). Rows of the outaged branches are 0.

        Parameters
        ----------
        branch_rows : array of int
            Branch rows (of ``bf``) to take out.
        p_bus_mw : numpy.ndarray
            Net injection per bus row, (n_bus,) or (n_bus, n_cases).

        Returns
        -------
        numpy.ndarray
            (n_branch,) or (n_branch, n_cases).

        Raises
        ------
        CorridorSimError
            If the outages leave buses without a slack (the matrix is singular).

        Examples
        --------
        >>> import pandapower.networks as pn
        >>> model = DCModel.from_net(pn.case9())
        >>> flows = model.outage_flows_mw([1], model.p_bus_mw)  # line 1 of the ring out
        >>> float(flows[1]), round(float(flows[2]), 1)
        (0.0, -90.0)
        """
        rows = np.unique(np.asarray(branch_rows, dtype=np.int64))
        if rows.size and (rows.min() < 0 or rows.max() >= self.n_branch):
            msg = f"branch_rows = {rows.tolist()}: expected rows in 0..{self.n_branch - 1}"
            raise CorridorSimError(msg)
        cut = sp.csr_matrix(self.cft[rows].T)  # n_bus x k
        shift = self.p_shift_bus_mw - cut @ self.p_shift_branch_mw[rows]
        lu = self.lu
        if lu is not None and rows.size:
            try:
                lu = lu.refactor(self._reduced_without(cut @ self.bf[rows]))
            except RuntimeError as err:  # singular: an island without a slack
                msg = f"taking out branch rows {rows.tolist()} leaves buses without a slack"
                raise CorridorSimError(msg) from err
        va = self._solve(lu, p_bus_mw, shift)
        flow = self.branch_flow_mw(va)
        flow[rows] = 0.0
        return flow

    def _reduced_without(self, delta: sp.spmatrix) -> sp.csc_matrix:
        """``Bbus[pvpq, pvpq] - delta[pvpq, pvpq]`` on the reduced matrix's own pattern."""
        a, slot = self._reduced_pattern
        d = sp.coo_matrix(sp.csr_matrix(delta)[self.pvpq_rows][:, self.pvpq_rows])
        pos = np.asarray(slot[d.row, d.col]).ravel().astype(np.int64) - 1
        data = a.data.copy()
        np.subtract.at(data, pos, d.data)
        return sp.csc_matrix((data, a.indices, a.indptr), shape=a.shape)

    @cached_property
    def _reduced_pattern(self) -> tuple[sp.csc_matrix, sp.csc_matrix]:
        """``Bbus[pvpq, pvpq]`` (sorted CSC) and the 1-based slot of each of its entries."""
        a = sp.csc_matrix(self.bbus[self.pvpq_rows][:, self.pvpq_rows])
        a.sort_indices()
        slot = sp.csc_matrix((np.arange(1.0, a.nnz + 1), a.indices, a.indptr), shape=a.shape)
        return a, slot

    def branch_flow_mw(self, va_rad: np.ndarray) -> np.ndarray:
        """From-end active power flow (MW) of each branch row for angles `va_rad`."""
        va = np.asarray(va_rad, dtype=float)
        flow = self.bf @ va
        shift = self.p_shift_branch_mw / self.base_mva
        flow = flow + (shift if va.ndim == 1 else shift[:, None])
        return flow * self.base_mva

    def slack_p_mw(
        self, va_rad: np.ndarray, p_bus_mw: np.ndarray, p0_mw: np.ndarray | None = None
    ) -> np.ndarray:
        """Output (MW) of each slack unit, split as pandapower does (equal share per bus).

        ``p0 + (Bbus @ va * base - p_bus + Pbusinj * base)[bus] * share``; `p0_mw` (n_slack,)
        or (n_slack, n_cases) defaults to the net's values.
        """
        va = np.asarray(va_rad, dtype=float)
        p = np.asarray(p_bus_mw, dtype=float)
        rows = self.slack_row
        shift = self.p_shift_bus_mw[rows]
        calc = (self.bbus[rows] @ va) * self.base_mva
        p0 = self.slack_p0_mw if p0_mw is None else np.asarray(p0_mw, dtype=float)
        if va.ndim == 1:
            return p0 + (calc - p[rows] + shift) * self.slack_share
        if p0.ndim == 1:
            p0 = p0[:, None]
        return p0 + (calc - p[rows] + shift[:, None]) * self.slack_share[:, None]

    def block_columns(self, n_rows: int | None = None) -> int:
        """Right-hand sides per sparse solve: about ``SOLVE_BLOCK_BYTES`` of them (16..512).

        The same for both backends: KLU alone solves a year faster in blocks of 256 (6.5 s
        against 17.0 s in blocks of 16 on case9241pegase), but ``dc_flow`` as a whole was
        slower with them (its flows and loadings of a block then leave the cache).
        """
        rows = max(1, self.n_bus if n_rows is None else n_rows)
        return int(min(512, max(16, SOLVE_BLOCK_BYTES // (8 * rows))))

    @cached_property
    def _dense_inverse(self) -> np.ndarray:
        """``inv(Bbus[pvpq, pvpq])`` (pu), computed once (small nets only)."""
        pvpq = self.pvpq_rows
        reduced = self.bbus[pvpq][:, pvpq].toarray()
        with blas_threads(1):
            return np.linalg.inv(reduced) if pvpq.size else np.zeros((0, 0))

    def transfer_sensitivity(
        self,
        from_rows: np.ndarray,
        to_rows: np.ndarray | None = None,
        branch_rows: np.ndarray | None = None,
    ) -> np.ndarray:
        """MW on `branch_rows` per MW injected at `from_rows` and taken out at `to_rows`.

        One column per transfer: ``PTDF[:, f] - PTDF[:, t]`` restricted to `branch_rows`
        (default all), computed with sparse solves of the stored factorisation, not the
        dense PTDF. A ``to_rows`` entry of -1 (or ``to_rows=None``) means no withdrawal:
        the column is then ``PTDF[:, f]``. Slack rows have zero columns.

        Returns
        -------
        numpy.ndarray
            Shape (len(branch_rows), len(from_rows)).
        """
        f = np.asarray(from_rows, dtype=np.int64)
        t = np.full(f.size, -1, dtype=np.int64) if to_rows is None else np.asarray(to_rows)
        bf = self.bf if branch_rows is None else self.bf[np.asarray(branch_rows, dtype=np.int64)]
        pvpq = self.pvpq_rows
        out = np.zeros((bf.shape[0], f.size))
        if not (pvpq.size and f.size and bf.shape[0]):
            return out
        pos = np.full(self.n_bus, -1, dtype=np.int64)
        pos[pvpq] = np.arange(pvpq.size)
        bf_p = sp.csr_matrix(bf[:, pvpq])
        step = self.block_columns(pvpq.size)
        assert self.lu is not None  # factorised whenever there are pv/pq rows
        with blas_threads(1):
            for start in range(0, f.size, step):
                cols = np.arange(start, min(f.size, start + step))
                rhs = np.zeros((pvpq.size, cols.size), order="F")
                for rows, sign in ((f[cols], 1.0), (t[cols], -1.0)):
                    ok = rows >= 0
                    ok[ok] = pos[rows[ok]] >= 0
                    rhs[pos[rows[ok]], np.flatnonzero(ok)] += sign
                out[:, cols] = bf_p @ self.lu.solve(rhs, overwrite=True)
        return out

    def ptdf(self) -> np.ndarray:
        """Dense PTDF (n_branch x n_bus): MW on each branch per MW injected at each bus row.

        Columns of slack rows are zero (the injection is balanced at that slack). Computed
        once and cached; read-only. It is n_branch x n_bus doubles (1.2 GB for case9241pegase):
        ``dc_flow`` and ``n_minus_1`` do not build it, they solve with the factorisation.
        """
        return self._ptdf

    @cached_property
    def _ptdf(self) -> np.ndarray:
        out = np.zeros((self.n_branch, self.n_bus))
        pvpq = self.pvpq_rows
        if pvpq.size and self.n_branch:
            if pvpq.size <= DENSE_INVERSE_MAX_BUS:
                bf_pvpq = self.bf[:, pvpq].toarray()
                with blas_threads(1):
                    out[:, pvpq] = bf_pvpq @ self._dense_inverse
            else:
                out[:, pvpq] = self.transfer_sensitivity(pvpq)
        out.flags.writeable = False
        return out

    def angle_sensitivity(self) -> np.ndarray:
        """Dense (n_bus x n_bus) rad per MW: ``va = angle_sensitivity() @ p_bus_mw + offset``.

        Rows and columns of slack rows are zero; the offset is
        ``solve_angles_rad(zeros)``. Cached and read-only.
        """
        return self._angle_sensitivity

    @cached_property
    def _angle_sensitivity(self) -> np.ndarray:
        out = np.zeros((self.n_bus, self.n_bus))
        pvpq = self.pvpq_rows
        if pvpq.size <= DENSE_INVERSE_MAX_BUS:
            out[np.ix_(pvpq, pvpq)] = self._dense_inverse / self.base_mva
        elif pvpq.size:
            eye = np.zeros((self.n_bus, pvpq.size))
            eye[pvpq, np.arange(pvpq.size)] = 1.0
            zero = self.solve_angles_rad(np.zeros(self.n_bus))
            out[:, pvpq] = (self.solve_angles_rad(eye * self.base_mva) - zero[:, None]) / (
                self.base_mva
            )
        out.flags.writeable = False
        return out

    @cached_property
    def zero_injection_angles_rad(self) -> np.ndarray:
        """Bus angles (rad) at zero injection: the slack angles and phase shifts (computed once).

        ``va = angle_sensitivity() @ p_bus_mw + zero_injection_angles_rad``; read-only.
        """
        out = self.solve_angles_rad(np.zeros(self.n_bus))
        out.flags.writeable = False
        return out

    @cached_property
    def flow_plan(self) -> FlowPlan:
        """The in-service branches' and slack buses' rows hourly flows are built from (once)."""
        rows = np.concatenate([self.line_row, self.trafo_row]).astype(np.int64)
        pos = np.flatnonzero(rows >= 0)
        base = self.base_mva
        pvpq, ref = self.pvpq_rows, self.ref_rows
        offset = self.p_shift_bus_mw[pvpq] / base
        if ref.size and pvpq.size:
            offset = offset + self.bbus[pvpq][:, ref] @ self.va_ref_rad
        return FlowPlan(
            pos=pos,
            bf_mw=sp.csr_matrix(self.bf[rows[pos]] * base),
            shift_mw=self.p_shift_branch_mw[rows[pos]],
            per_mw=self.loading_pct_per_mw[rows[pos]],
            bus_pos=np.flatnonzero(self.bus_row >= 0),
            bus_rows=self.bus_row[self.bus_row >= 0],
            rhs_offset=np.asarray(offset, dtype=float),
            slack_b_mw=sp.csr_matrix(self.bbus[self.slack_row] * base),
            slack_c_mw=self.p_shift_bus_mw[self.slack_row],
        )

    def flow_offset_mw(self) -> np.ndarray:
        """Injection-independent flow term (MW): phase shifters and slack angles.

        ``flows_mw = ptdf() @ p_bus_mw + flow_offset_mw()`` (the flows at zero injection).
        """
        return self.branch_flow_mw(self.solve_angles_rad(np.zeros(self.n_bus)))

    def lodf(
        self, outage_rows: np.ndarray, ptdf: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Line outage distribution factors for the branch rows `outage_rows`.

        Returns ``(lodf, denom)``: ``lodf`` (n_branch x n_outage) with
        ``post_flow = flow + lodf[:, k] * flow[outage_rows[k]]`` and ``lodf[outage, k] = -1``;
        ``denom = 1 - PTDF_kk`` (about 0 for a bridge: the outage splits the grid, and the
        column is then NaN). Without `ptdf` the columns come from sparse solves
        (:meth:`transfer_sensitivity`), not from the dense PTDF.
        """
        rows = np.asarray(outage_rows, dtype=np.int64)
        f, t = self.branch_from_row[rows], self.branch_to_row[rows]
        # flow on every branch per MW moved from f to t
        m = self.transfer_sensitivity(f, t) if ptdf is None else ptdf[:, f] - ptdf[:, t]
        denom = 1.0 - m[rows, np.arange(rows.size)]
        bridge = np.abs(denom) < BRIDGE_TOL
        with np.errstate(divide="ignore", invalid="ignore"):
            out = m / np.where(bridge, np.nan, denom)
        out[rows, np.arange(rows.size)] = np.where(bridge, np.nan, -1.0)
        return out, denom

    def islanded_rows(self, branch_row: int) -> np.ndarray:
        """Bus rows left without a slack when branch row `branch_row` is taken out (sorted).

        Empty unless the branch is a bridge between a part with a slack and one without.
        """
        keep = np.ones(self.n_branch, dtype=bool)
        keep[branch_row] = False
        f, t = self.branch_from_row[keep], self.branch_to_row[keep]
        graph = sp.coo_matrix((np.ones(f.size), (f, t)), shape=(self.n_bus, self.n_bus))
        _, labels = connected_components(graph, directed=False)
        fed = np.isin(labels, labels[self.ref_rows])
        return np.flatnonzero(~fed)
