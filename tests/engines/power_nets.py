"""Shared nets and helpers for tests/test_power_*.py (reference: a loop of pandapower.rundcpp)."""

from __future__ import annotations

import copy

import numpy as np
import pandapower as pp
import pandas as pd

STD_110 = "149-AL1/24-ST1A 110.0"
STD_20 = "NA2XS2Y 1x240 RM/25 12/20 kV"


def awkward_net() -> pp.pandapowerNet:
    """Small net with every feature the DC model must map like pandapower does.

    Out-of-service line and bus, open line switch, line to an out-of-service bus, bus merged by
    a closed bus-bus switch, parallel circuits, an isolated bus with a load, two ext_grids on
    one bus, a slack gen, a scaled gen, an out-of-service gen, a phase-shifting trafo closing a
    loop with a normal trafo, scaled/out-of-service loads, sgens, storage, shunt, ward, dcline
    and an impedance branch.
    """
    net = pp.create_empty_network(name="awkward")
    hv = [pp.create_bus(net, 110.0, name=f"hv{i}") for i in range(6)]
    mv = [pp.create_bus(net, 20.0, name=f"mv{i}") for i in range(4)]
    iso = pp.create_bus(net, 110.0, name="isolated")
    oos = pp.create_bus(net, 110.0, name="oos", in_service=False)
    merged = pp.create_bus(net, 110.0, name="merged")
    for a, b, km in [(0, 1, 10), (1, 2, 15), (2, 3, 12), (3, 0, 20), (1, 4, 8), (4, 5, 9)]:
        pp.create_line(net, hv[a], hv[b], km, STD_110)
    pp.create_line(net, hv[5], hv[2], 11.0, STD_110)
    pp.create_line(net, hv[0], hv[2], 25.0, STD_110)
    pp.create_line(net, hv[3], hv[5], 7.0, STD_110, in_service=False)
    open_line = pp.create_line(net, hv[4], hv[0], 6.0, STD_110)
    pp.create_switch(net, hv[4], open_line, et="l", closed=False)
    pp.create_line(net, hv[5], oos, 3.0, STD_110)
    pp.create_switch(net, hv[3], merged, et="b", closed=True)
    pp.create_line(net, merged, hv[4], 9.0, STD_110, parallel=2)
    pp.create_transformer(net, hv[1], mv[0], "40 MVA 110/20 kV")
    pp.create_transformer_from_parameters(
        net, hv[2], mv[1], sn_mva=40, vn_hv_kv=110, vn_lv_kv=20, vkr_percent=0.3,
        vk_percent=12, pfe_kw=20, i0_percent=0.05, shift_degree=0, tap_pos=1, tap_neutral=0,
        tap_step_degree=1.0, tap_step_percent=0.0, tap_side="hv", tap_min=-10, tap_max=10,
        tap_changer_type="Ideal",
    )  # fmt: skip
    for a, b in [(0, 1), (1, 2), (2, 3), (3, 0)]:
        pp.create_line(net, mv[a], mv[b], 2.0, STD_20)
    pp.create_ext_grid(net, hv[0])
    pp.create_ext_grid(net, hv[0])
    pp.create_gen(net, hv[5], p_mw=40.0, slack=True)
    pp.create_gen(net, hv[4], p_mw=30.0, scaling=0.8)
    pp.create_gen(net, hv[2], p_mw=10.0, in_service=False)
    loads = [(hv[1], 30), (hv[2], 25), (hv[3], 20), (merged, 15), (mv[0], 8), (mv[2], 6)]
    for bus, p_mw in [*loads, (iso, 5), (oos, 4)]:
        pp.create_load(net, bus, p_mw=p_mw)
    pp.create_load(net, mv[3], p_mw=3.0, scaling=0.5)
    pp.create_load(net, mv[1], p_mw=3.0, in_service=False)
    pp.create_sgen(net, mv[1], p_mw=5.0)
    pp.create_sgen(net, mv[3], p_mw=4.0, scaling=1.5)
    pp.create_storage(net, mv[2], p_mw=2.0, max_e_mwh=10.0)
    pp.create_shunt(net, hv[3], q_mvar=0.0, p_mw=0.5)
    pp.create_ward(net, hv[2], ps_mw=1.0, qs_mvar=0.0, pz_mw=0.2, qz_mvar=0.0)
    pp.create_dcline(
        net, hv[1], hv[5], p_mw=12.0, loss_percent=1.0, loss_mw=0.5, vm_from_pu=1.0, vm_to_pu=1.0
    )
    pp.create_impedance(net, hv[4], hv[2], rft_pu=0.01, xft_pu=0.05, sn_mva=100)
    return net


def profiles(
    net: pp.pandapowerNet, n_hours: int, rng: np.random.Generator
) -> dict[str, pd.DataFrame | None]:
    """Random hourly scaling of every load / sgen / gen / storage p_mw (hours 0..n_hours-1)."""
    out: dict[str, pd.DataFrame | None] = {}
    for element, low, high in (("load", 0.4, 1.4), ("sgen", 0.0, 1.2), ("gen", 0.5, 1.3)):
        table = net[element]
        if len(table) == 0:
            out[f"{element}_p_mw"] = None
            continue
        factor = rng.uniform(low, high, (n_hours, len(table)))
        out[f"{element}_p_mw"] = pd.DataFrame(
            table["p_mw"].to_numpy()[None, :] * factor, columns=table.index
        )
    if len(net.storage):
        values = rng.uniform(-3.0, 3.0, (n_hours, len(net.storage)))
        out["storage_p_mw"] = pd.DataFrame(values, columns=net.storage.index)
    return out


def reference_run(
    net: pp.pandapowerNet,
    tables: dict[str, pd.DataFrame | None],
    hour: int,
    outage: tuple[str, int] | None = None,
) -> pp.pandapowerNet:
    """pandapower.rundcpp on a copy of `net` with hour `hour` of `tables` applied."""
    work = copy.deepcopy(net)
    for name, table in tables.items():
        if table is None:
            continue
        element = name.removesuffix("_p_mw")
        work[element].loc[table.columns, "p_mw"] = table.iloc[hour].to_numpy()
    if outage is not None:
        work[outage[0]].loc[outage[1], "in_service"] = False
    pp.rundcpp(work)
    return work
