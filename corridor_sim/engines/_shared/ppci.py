"""Readers of pandapower's internal case ("ppci") behind :class:`._dcmodel.DCModel`.

Each function reads one part of what ``pandapower.rundcpp`` solves, from the arrays its own
conversion ``_pd2ppc`` builds: the branch rows of lines and trafos, the loading per MW,
the slack units and the element injection maps. See ``docs/power-engine.md``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import pandapower as pp
import pandas as pd
from pandapower.auxiliary import _add_auxiliary_elements, _init_rundcpp_options
from pandapower.pd2ppc import _pd2ppc
from pandapower.pypower.idx_brch import F_BUS, T_BUS
from pandapower.pypower.idx_bus import BASE_KV, BUS_TYPE, REF, VM
from pandapower.pypower.idx_gen import GEN_BUS, PG

from corridor_sim.engines._shared.quiet import pandapower_quietly
from corridor_sim.errors import SpecError
from corridor_sim.units import PERCENT

__all__ = [
    "INJECTION_SIGN",
    "BranchMap",
    "ElementMap",
    "SlackUnits",
    "branch_map",
    "check_supported",
    "convert",
    "element_map",
    "loading_pct_per_mw",
    "slack_units",
    "working_copy",
]

#: Sign of an element's ``p_mw`` in the bus injection (pandapower's load/generator convention).
INJECTION_SIGN: dict[str, float] = {
    "load": -1.0,
    "storage": -1.0,
    "sgen": 1.0,
    "gen": 1.0,
}

_SQRT3 = np.sqrt(3.0)


@dataclass(frozen=True, slots=True, eq=False)
class ElementMap:
    """Where the elements of one pandapower table inject.

    Attributes
    ----------
    element : str
        Table name (``"load"``, ``"sgen"``, ``"gen"``, ``"storage"``).
    index : numpy.ndarray
        Pandapower element indices, in table order.
    row : numpy.ndarray
        Bus row of each element, ``-1`` when it does not take part (out of service,
        or on an out-of-service / isolated bus).
    factor : numpy.ndarray
        MW injected at ``row`` per MW of the element's ``p_mw``:
        ``sign * scaling * active``.
    p_mw : numpy.ndarray
        The element's ``p_mw`` in the net (before scaling).
    """

    element: str
    index: np.ndarray
    row: np.ndarray
    factor: np.ndarray
    p_mw: np.ndarray


@dataclass(frozen=True, slots=True, eq=False)
class BranchMap:
    """Element table and index of each ppci branch row; branch rows of each element table."""

    element: np.ndarray  # table name per branch row ("" for helper branches)
    element_index: np.ndarray  # pandapower index per branch row (-1 when not a line/trafo/...)
    rows_of: dict[str, np.ndarray]  # table -> branch row of each element (-1: not in ppci)
    from_row: np.ndarray
    to_row: np.ndarray


@dataclass(frozen=True, slots=True, eq=False)
class SlackUnits:
    """The balancing units pandapower uses: ext_grids, then gens with ``slack=True``."""

    element: np.ndarray
    index: np.ndarray
    row: np.ndarray
    p0_mw: np.ndarray


def working_copy(net: pp.pandapowerNet) -> pp.pandapowerNet:
    """Copy of `net` for pandapower's conversion: element tables copied, results dropped.

    Much cheaper than ``copy.deepcopy`` (which also copies result tables and geodata); the
    conversion only adds keys and may append helper gens (dclines), so the user's tables are
    never touched.
    """
    cls = net.__class__
    work = cls.__new__(cls)
    for key, value in net.items():
        if key.startswith(("res_", "_")) and key != "_empty_res_bus":
            continue
        if isinstance(value, pd.DataFrame):
            dict.__setitem__(work, key, value.copy(deep=True))
        elif key == "std_types":
            dict.__setitem__(work, key, value)  # read only by the conversion
        else:
            dict.__setitem__(work, key, copy.deepcopy(value))
    work._setattr("_allow_invalid_attributes", net._allow_invalid_attributes)
    return work


def check_supported(ppci: dict, name: str) -> None:
    """Reject nets with elements the batched DC engine does not model.

    Raises
    ------
    SpecError
        DC buses, VSC converters, TCSC, SVC or SSC in the net, or no reference bus.
    """
    for key, what in (("bus_dc", "DC buses"), ("vsc", "VSC converters"), ("tcsc", "TCSC")):
        if len(ppci.get(key, ())) > 0:
            msg = (
                f"net {name!r} holds {what} (ppci[{key!r}]); the batched DC engine models "
                "AC nets only"
            )
            raise SpecError(msg)
    for key, what in (("svc", "SVC"), ("ssc", "SSC")):
        if len(ppci.get(key, ())) > 0:
            msg = f"net {name!r} holds {what} elements; the batched DC engine does not model them"
            raise SpecError(msg)
    if not (ppci["bus"][:, BUS_TYPE].real.astype(int) == REF).any():
        msg = (
            f"net {name!r} has no reference bus; expected an in-service ext_grid or a gen "
            "with slack=True"
        )
        raise SpecError(msg)


def branch_map(
    net: pp.pandapowerNet, lookup: dict, internal: dict, branch: np.ndarray
) -> BranchMap:
    """Map ppci branch rows to pandapower tables (ppc order -> in-service ppci rows)."""
    branch_is = np.asarray(internal["branch_is"], dtype=bool)
    ppc_to_ppci = np.where(branch_is, np.cumsum(branch_is) - 1, -1)
    n_br = branch.shape[0]
    br_elem = np.full(n_br, "", dtype=object)
    br_eidx = np.full(n_br, -1, dtype=np.int64)
    rows_of: dict[str, np.ndarray] = {}
    for element, (f, t) in lookup["branch"].items():
        table = net[element] if element in net else pd.DataFrame()
        idx = table.index.to_numpy() if element in ("line", "trafo", "impedance") else None
        rows = ppc_to_ppci[f:t]
        rows_of[element] = rows
        ok = rows >= 0
        br_elem[rows[ok]] = element
        if idx is not None and len(idx) == t - f:
            br_eidx[rows[ok]] = idx[ok]
    for element in ("line", "trafo"):
        rows_of.setdefault(element, np.full(len(net[element]), -1, dtype=np.int64))
    return BranchMap(
        element=br_elem.astype(str),
        element_index=br_eidx,
        rows_of=rows_of,
        from_row=branch[:, F_BUS].real.astype(np.int64),
        to_row=branch[:, T_BUS].real.astype(np.int64),
    )


def loading_pct_per_mw(
    net: pp.pandapowerNet, bus: np.ndarray, branches: BranchMap, *, trafo_loading: str
) -> np.ndarray:
    """Return pandapower's ``loading_percent`` per MW of flow on each branch row (0: no result).

    Lines: ``max(1/(vm*vn)_from, 1/(vm*vn)_to) / sqrt(3) / (max_i_ka*df*parallel) * 100``;
    trafos (current-based): ``max(vn_hv/(vm*vn)_hv, vn_lv/(vm*vn)_lv) / (sn_mva*parallel*df)
    * 100``; ``inf`` for a zero rating.
    """
    per_mw = np.zeros(branches.from_row.size)
    vm_kv = bus[:, VM].real * bus[:, BASE_KV].real
    inv_f, inv_t = 1.0 / vm_kv[branches.from_row], 1.0 / vm_kv[branches.to_row]
    if len(net.line):
        line = net.line
        imax = (line["max_i_ka"] * line["df"] * line["parallel"]).to_numpy(float)
        ok = branches.rows_of["line"] >= 0
        r = branches.rows_of["line"][ok]
        coef = np.maximum(inv_f[r], inv_t[r]) / _SQRT3 * PERCENT
        per_mw[r] = np.divide(coef, imax[ok], out=np.full(r.size, np.inf), where=imax[ok] != 0)
    if len(net.trafo):
        tr = net.trafo
        ok = branches.rows_of["trafo"] >= 0
        r = branches.rows_of["trafo"][ok]
        sn = tr["sn_mva"].to_numpy(float)[ok]
        derate = (tr["parallel"] * tr["df"]).to_numpy(float)[ok]
        if trafo_loading == "power":
            coef = np.ones(r.size)
        else:
            coef = np.maximum(
                inv_f[r] * tr["vn_hv_kv"].to_numpy(float)[ok],
                inv_t[r] * tr["vn_lv_kv"].to_numpy(float)[ok],
            )
        per_mw[r] = coef * PERCENT / sn / derate
    return per_mw


def slack_units(net: pp.pandapowerNet, lookup: dict, internal: dict, gen: np.ndarray) -> SlackUnits:
    """ext_grids and slack gens that pandapower uses as references, in its order."""
    ref_gens_ppc = np.asarray(internal["ref_gens"], dtype=np.int64)
    gen_is = np.asarray(internal["gen_is"], dtype=bool)
    gen_ppci = np.where(gen_is, np.cumsum(gen_is) - 1, -1)
    s_elem, s_idx, s_gen = [], [], []
    for element in ("ext_grid", "gen"):
        lk = lookup.get(element)
        if lk is None or len(lk) == 0 or element not in net:
            continue
        lk = np.asarray(lk, dtype=np.int64)
        for pp_idx in net[element].index.to_numpy():
            ppc_gen = lk[pp_idx] if pp_idx < len(lk) else -1
            if ppc_gen >= 0 and ppc_gen in ref_gens_ppc and gen_ppci[ppc_gen] >= 0:
                s_elem.append(element)
                s_idx.append(int(pp_idx))
                s_gen.append(int(gen_ppci[ppc_gen]))
    s_gen_arr = np.asarray(s_gen, dtype=np.int64)
    return SlackUnits(
        element=np.asarray(s_elem, dtype=str),
        index=np.asarray(s_idx, dtype=np.int64),
        row=gen[s_gen_arr, GEN_BUS].real.astype(np.int64),
        p0_mw=gen[s_gen_arr, PG].real.copy(),
    )


def element_map(net: pp.pandapowerNet, element: str, row_of: dict[int, int]) -> ElementMap:
    """Injection map of one element table (bus row, sign x scaling x in service, p_mw)."""
    table = net[element]
    buses = table["bus"].to_numpy(dtype=np.int64) if len(table) else np.zeros(0, dtype=np.int64)
    rows = np.asarray([row_of.get(int(b), -1) for b in buses], dtype=np.int64)
    active = table["in_service"].to_numpy(dtype=bool) if len(table) else np.zeros(0, bool)
    rows = np.where(active, rows, -1)
    scaling = table["scaling"].to_numpy(dtype=float) if "scaling" in table else np.ones(len(table))
    factor = np.where(rows >= 0, INJECTION_SIGN[element] * scaling, 0.0)
    return ElementMap(
        element=element,
        index=table.index.to_numpy(),
        row=rows,
        factor=factor,
        p_mw=table["p_mw"].to_numpy(dtype=float) if len(table) else np.zeros(0),
    )


def convert(work: pp.pandapowerNet) -> dict:
    """Return pandapower's internal case ("ppci") of `work`, with ``rundcpp``'s defaults."""
    with pandapower_quietly():
        _init_rundcpp_options(
            work, trafo_model="t", trafo_loading="current", recycle=None,
            check_connectivity=True, switch_rx_ratio=2, trafo3w_losses="hv",
        )  # fmt: skip
    _add_auxiliary_elements(work)
    empty = np.array([], dtype=np.int64)
    keys = ("bus", "bus_dc", "ext_grid", "gen", "branch", "branch_dc")
    work._pd2ppc_lookups = {key: empty for key in keys}
    _, ppci = _pd2ppc(work)
    return ppci
