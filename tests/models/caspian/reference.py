"""An independent reference LP for the Caspian corridor dispatch (tests only).

The corridor's AC islands are trees (they meet only through DC links), so Kirchhoff's
voltage law adds nothing and the DC-OPF reduces to a transport LP: nodal balance per
hub and hour, flows within limits, HVDC links with proportional losses. Solved with
SciPy's HiGHS in one sparse LP; nodal prices are the balance duals.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog


def line_rating_mw(net) -> np.ndarray:
    """MW rating of each line (max_i_ka x sqrt(3) x vn x parallel x loading limit)."""
    vn = net.bus.loc[net.line.from_bus, "vn_kv"].to_numpy()
    pct = net.line.get("max_loading_percent", pd.Series(100.0, index=net.line.index)).to_numpy()
    return (
        net.line.max_i_ka.to_numpy() * math.sqrt(3) * vn * net.line.parallel.to_numpy() * pct / 100
    )


def solve_reference(
    net, load_mw, sgen_max_mw, gen_max_mw, dcline_max_mw, *, voll_eur_per_mwh, hurdle=0.0
):
    """Solve the corridor dispatch; return dict of wide hourly frames and the objective."""
    hours = len(load_mw)
    buses = list(net.bus.index)
    pos = {b: i for i, b in enumerate(buses)}
    nb = len(buses)
    cost = net.poly_cost.set_index(["et", "element"])["cp1_eur_per_mw"]
    cols = []  # (kind, element, bus_in, bus_out, factor_in, cost, lo, hi-per-hour)
    for g, row in net.gen.iterrows():
        hi_g = gen_max_mw[g].to_numpy()
        cols.append(("gen", g, pos[row.bus], cost.get(("gen", g), 0.0), row.min_p_mw, hi_g))
    for s, row in net.sgen.iterrows():
        cols.append(("sgen", s, pos[row.bus], 0.0, 0.0, sgen_max_mw[s].to_numpy()))
    for ld, row in net.load.iterrows():
        cols.append(("unserved", ld, pos[row.bus], voll_eur_per_mwh, 0.0, load_mw[ld].to_numpy()))
    nv_inj = len(cols)
    rating = line_rating_mw(net)
    n_line, n_dc = len(net.line), len(net.dcline)
    nv = nv_inj + 2 * n_line + 2 * n_dc
    c = np.zeros(nv)
    lo = np.zeros((hours, nv))
    hi = np.zeros((hours, nv))
    a_rows, a_cols, a_vals = [], [], []
    for j, (_, _, b, cj, low, h) in enumerate(cols):
        c[j] = cj
        lo[:, j] = low
        hi[:, j] = h
        a_rows.append(b), a_cols.append(j), a_vals.append(1.0)
    for k, (_, row) in enumerate(net.line.iterrows()):
        j, jr = nv_inj + 2 * k, nv_inj + 2 * k + 1  # forward and reverse parts
        hi[:, j] = hi[:, jr] = rating[k]
        c[j] = c[jr] = hurdle
        a_rows += [pos[row.from_bus], pos[row.to_bus], pos[row.from_bus], pos[row.to_bus]]
        a_cols += [j, j, jr, jr]
        a_vals += [-1.0, 1.0, 1.0, -1.0]
    off = nv_inj + 2 * n_line
    for k, (d, row) in enumerate(net.dcline.iterrows()):
        jp, jm = off + 2 * k, off + 2 * k + 1
        keep = 1 - row.loss_percent / 100
        cap = dcline_max_mw[d].to_numpy()
        hi[:, jp], hi[:, jm] = cap, cap  # both directions, as the engine
        fb, tb = pos[row.from_bus], pos[row.to_bus]
        a_rows += [fb, tb, fb, tb]
        a_cols += [jp, jp, jm, jm]
        a_vals += [-1.0, keep, keep, -1.0]
        c[jp] = c[jm] = cost.get(("dcline", d), 0.0)
    a_hour = sp.csr_matrix((a_vals, (a_rows, a_cols)), shape=(nb, nv))
    a_eq = sp.kron(sp.identity(hours, format="csr"), a_hour, format="csr")
    b_eq = np.zeros((hours, nb))
    for ld, row in net.load.iterrows():
        b_eq[:, pos[row.bus]] += load_mw[ld].to_numpy()
    res = linprog(
        np.tile(c, hours),
        A_eq=a_eq,
        b_eq=b_eq.ravel(),
        bounds=np.column_stack([lo.ravel(), hi.ravel()]),
        method="highs",
    )
    assert res.status == 0, res.message
    x = res.x.reshape(hours, nv)
    lam = res.eqlin.marginals.reshape(hours, nb)
    idx = load_mw.index
    gen_names = [*net.gen.name, *net.sgen.name]
    gen = pd.DataFrame(x[:, : len(gen_names)], index=idx, columns=gen_names)
    unserved = pd.DataFrame(x[:, len(gen_names) : nv_inj], index=idx, columns=list(net.load.index))
    flows = {}
    for k, name in enumerate(net.line.name):
        flows[name] = x[:, nv_inj + 2 * k] - x[:, nv_inj + 2 * k + 1]
    losses = {}
    for k, (name, pct) in enumerate(zip(net.dcline.name, net.dcline.loss_percent, strict=True)):
        fwd, rev = x[:, off + 2 * k], x[:, off + 2 * k + 1]
        keep = 1 - pct / 100
        flows[name] = fwd - keep * rev  # power leaving the from bus, as the engine reports
        losses[name] = (1 - keep) * (fwd + rev)
    return {
        "generation_mw": gen,
        "unserved_mw": unserved,
        "flow_mw": pd.DataFrame(flows, index=idx),
        "price_eur_per_mwh": pd.DataFrame(lam, index=idx, columns=list(net.bus.name)),
        "loss_mw": pd.DataFrame(losses, index=idx),
        "objective_eur": float(res.fun),
    }
