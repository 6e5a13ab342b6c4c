"""The site study: every hour of a year on each site's grid, N-1 screened, plus AC snapshots.

Method (see ``docs/serbia.md``):

* an hourly national load for the year (8760 hours) from the 2024 consumption (C4) with a
  seasonal shape peaking on the record day (C5), a daily cycle and seeded noise;
* the plant runs at full output in the highest-load hours until its energy matches the
  capacity factor (the last hour partly, never below the minimum load);
* :func:`corridor_sim.engines.power.dc_flow` and :func:`~corridor_sim.engines.power.n_minus_1`
  over all hours (every in-service line and transformer outage in every hour);
* losses per hour from the DC flows (``sum r * (P / V)^2``), checked against pandapower's AC
  power flow in two snapshots (peak and lowest load hour), which also give the voltages.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.engines.power import n_minus_1
from corridor_sim.errors import ConvergenceError, SpecError
from corridor_sim.models.serbia.grid import SUBSTATIONS, GridSpec, Site, build_grid

__all__ = ["HOURS", "StudyConfig", "national_load_mw", "plant_dispatch_mw", "site_study"]

HOURS = 8760
#: Buses at or below this level sit behind on-load tap changers (not modelled): their voltage is
#: reported but not counted as a violation.
_OLTC_KV = value("serbia.grid.vn_sub_kv", unit="kV")


def national_load_mw(
    year: int, *, rng: np.random.Generator, spec: GridSpec | None = None
) -> np.ndarray:
    """Hourly national consumption of Serbia in `year`, MW (8760 values).

    The daily mean follows ``1 + a cos(4 pi (d - d_rec) / days_per_year)`` (peaks on the
    record day, 17 July, and in mid-January) with `a` set so the record day's mean equals the
    record (``serbia.load.record_day_energy``) relative to the 2024 annual mean; a daily
    cycle (evening peak) and seeded noise are added, and the series is scaled to the year's
    annual energy exactly.

    Examples
    --------
    >>> x = national_load_mw(2024, rng=np.random.default_rng(0))
    >>> round(x.sum() / 1e5)  # 2024: 30.8 TWh
    308
    """
    spec = GridSpec.for_year(year) if spec is None else spec
    mean_day_gwh = value("serbia.load.annual_energy", unit="TWh") * 1000 / (HOURS / 24)
    amp = value("serbia.load.record_day_energy", unit="GWh/day") / mean_day_gwh - 1
    d_rec = value("serbia.load.record_day_of_year", unit="day")
    swing = value("serbia.load.daily_swing", unit="p.u.")
    noise = value("serbia.load.noise", unit="p.u.")
    peak_hour = value("serbia.load.peak_hour", unit="h")
    h = np.arange(HOURS)
    day = h // 24
    hour = h % 24
    seasonal = 1 + amp * np.cos(4 * np.pi * (day + 1 - d_rec) / (HOURS / 24))
    # a plain cosine: evening peak at serbia.load.peak_hour, trough 12 hours later
    daily = 1 + swing * np.cos(2 * np.pi * (hour - peak_hour) / 24)
    x = seasonal * daily * (1 + noise * rng.standard_normal(HOURS))
    return x / x.sum() * spec.annual_energy_twh * 1e6


def plant_dispatch_mw(
    national_mw: np.ndarray, *, capacity_mw: float, capacity_factor: float, min_load: float
) -> np.ndarray:
    """Plant output per hour: full output in the highest-load hours until the energy is reached.

    The energy is ``capacity_factor * capacity_mw * hours``; the last hour runs part-load,
    but not below ``min_load * capacity_mw`` (then it is dropped, which changes the energy by
    less than one hour at minimum load).

    Examples
    --------
    >>> d = plant_dispatch_mw(np.arange(10), capacity_mw=10, capacity_factor=0.25, min_load=0.4)
    >>> d.astype(int).tolist()
    [0, 0, 0, 0, 0, 0, 0, 5, 10, 10]
    """
    if not 0 <= capacity_factor <= 1:
        msg = f"capacity_factor = {capacity_factor!r}: expected a fraction in [0, 1]"
        raise SpecError(msg)
    n = len(national_mw)
    energy = capacity_factor * capacity_mw * n
    full = int(energy // capacity_mw)
    rest = energy - full * capacity_mw
    order = np.argsort(-np.asarray(national_mw), kind="stable")
    out = np.zeros(n)
    out[order[:full]] = capacity_mw
    if full < n and rest >= min_load * capacity_mw:
        out[order[full]] = rest
    return out


@dataclass(frozen=True, slots=True)
class StudyConfig:
    """Limits of the study (catalogue defaults)."""

    loading_limit_pct: float
    vm_min_pu: float
    vm_max_pu: float

    @classmethod
    def default(cls) -> StudyConfig:
        """Limits from ``serbia.study.*``."""
        return cls(
            loading_limit_pct=value("serbia.study.loading_limit", unit="%"),
            vm_min_pu=value("serbia.study.vm_min_pu", unit="p.u."),
            vm_max_pu=value("serbia.study.vm_max_pu", unit="p.u."),
        )


def _hour_tables(
    net: pp.pandapowerNet, national_mw: np.ndarray, plant_mw: np.ndarray, hours: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Hourly load and plant set-points (hours x element index) for the power engine."""
    idx = pd.Index(hours, name="hour")
    scale = national_mw[hours] / net.load["p_mw"].sum()
    load = pd.DataFrame(
        np.outer(scale, net.load["p_mw"].to_numpy()), index=idx, columns=net.load.index
    )
    gen = None
    if len(net.gen):
        gen = pd.DataFrame({int(net.gen.index[0]): plant_mw[hours]}, index=idx)
    return load, gen


def _apply_events(net: pp.pandapowerNet, active: Sequence[tuple[str, float]]) -> pp.pandapowerNet:
    """Copy `net` applying each (corridor, availability): 0 -> out of service, else derated.

    A derating lowers the thermal rating only: a transformer's ``vk_percent`` and
    ``vkr_percent`` are scaled with its ``sn_mva`` so its impedance in ohm (and the flows)
    stay as they were.
    """
    out = copy.deepcopy(net)
    for corridor, avail in active:
        for table, scaled in (
            ("line", ["max_i_ka"]),
            ("trafo", ["sn_mva", "vk_percent", "vkr_percent"]),
        ):
            mask = out[table]["corridor"] == corridor
            if avail <= 0:
                out[table].loc[mask, "in_service"] = False
            else:
                out[table].loc[mask, scaled] *= avail
    return out


def _branch_r_ohm(net: pp.pandapowerNet) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Series resistance (ohm) and voltage (kV) of lines and trafos (HV side)."""
    line_r = (net.line["r_ohm_per_km"] * net.line["length_km"] / net.line["parallel"]).to_numpy()
    line_kv = net.bus.loc[net.line["from_bus"], "vn_kv"].to_numpy()
    t = net.trafo
    trafo_r = (t["vkr_percent"] / 100 * t["vn_hv_kv"] ** 2 / t["sn_mva"] / t["parallel"]).to_numpy()
    return line_r, line_kv, trafo_r, t["vn_hv_kv"].to_numpy()


def _names(net: pp.pandapowerNet) -> dict[tuple[str, int], str]:
    out = {("line", int(i)): str(n) for i, n in net.line["name"].items()}
    out.update({("trafo", int(i)): str(n) for i, n in net.trafo["name"].items()})
    return out


def _ac_snapshot(net: pp.pandapowerNet, scale: float, plant: float) -> pp.pandapowerNet:
    snap = copy.deepcopy(net)
    snap.load["p_mw"] *= scale
    snap.load["q_mvar"] *= scale
    if len(snap.gen):
        snap.gen["p_mw"] = plant
        snap.gen["in_service"] = plant > 0
    try:
        pp.runpp(
            snap, calculate_voltage_angles=True, init="dc", numba=False
        )  # tiny net: JIT costs more
    except pp.powerflow.LoadflowNotConverged as err:
        msg = (
            f"AC power flow of {net.name!r} did not converge "
            f"(load scale {scale:.3f}, plant {plant:.0f} MW)"
        )
        raise ConvergenceError(msg) from err
    return snap


def site_study(
    site: Site | None,
    *,
    year: int,
    national_mw: np.ndarray,
    plant_mw: np.ndarray,
    events: Sequence[tuple[str, int, int, float]] = (),
    config: StudyConfig | None = None,
    spec: GridSpec | None = None,
) -> dict[str, pd.DataFrame]:
    """Run the hourly DC study, the N-1 screen and the AC snapshots for one site.

    Parameters
    ----------
    site : Site or None
        Plant site (``None``: no plant).
    year : int
        Model year.
    national_mw, plant_mw : numpy.ndarray
        Hourly national load and plant output (MW), same length.
    events : sequence of (corridor, start hour, duration hours, availability)
        Outages / deratings of lines or trafos (by corridor id).
    config : StudyConfig, optional
        Limits.

    Returns
    -------
    dict of str to DataFrame
        ``summary`` (one row), ``elements`` (per line/trafo), ``n1_worst`` (per monitored
        element), ``hourly`` (per hour), ``ac`` (per snapshot and substation bus).
    """
    config = StudyConfig.default() if config is None else config
    net = build_grid(site, year=year, spec=spec)
    label = site.value if site else "none"
    n = len(national_mw)
    plant_mw = plant_mw if site is not None else np.zeros(n)
    # group hours by the set of events active in them
    signature = [() for _ in range(n)]
    for corridor, start, duration, avail in events:
        for h in range(start, min(n, start + duration)):
            signature[h] = (*signature[h], (corridor, avail))
    groups: dict[tuple, list[int]] = {}
    for h, sig in enumerate(signature):
        groups.setdefault(sig, []).append(h)
    names = _names(net)
    line_r, line_kv, trafo_r, trafo_kv = _branch_r_ohm(net)
    loading, losses, by_outage, viol, worst = [], [], [], [], []
    n_cases = 0
    for sig, hours_list in groups.items():
        hours = np.asarray(hours_list)
        gnet = _apply_events(net, sig) if sig else net
        load, gen = _hour_tables(gnet, national_mw, plant_mw, hours)
        res = n_minus_1(
            gnet,
            load_p_mw=load,
            gen_p_mw=gen,
            outages="lines+trafos",
            threshold_pct=config.loading_limit_pct,
        )
        base = res.base
        ll = pd.concat({"line": base.line_loading_pct, "trafo": base.trafo_loading_pct}, axis=1)
        loading.append(ll)
        on_l = gnet.line["in_service"].to_numpy()
        on_t = gnet.trafo["in_service"].to_numpy()
        loss = (base.line_p_from_mw.to_numpy() / line_kv) ** 2 @ (line_r * on_l) + (
            base.trafo_p_hv_mw.to_numpy() / trafo_kv
        ) ** 2 @ (trafo_r * on_t)
        losses.append(pd.Series(loss, index=base.line_p_from_mw.index))
        by_outage.append(res.by_outage.assign(hours=len(hours)))
        viol.append(res.violations)
        worst.append(res.worst)
        n_cases += len(res.by_outage) * len(hours)
    ll = pd.concat(loading).sort_index()
    loss_mw = pd.concat(losses).sort_index()
    bo = pd.concat(by_outage, ignore_index=True)
    vi = pd.concat(viol, ignore_index=True)
    wo = pd.concat(worst, ignore_index=True).sort_values("loading_pct", ascending=False)
    wo = wo.drop_duplicates(["element", "element_index"]).reset_index(drop=True)
    wo.insert(0, "site", label)
    wo["element_name"] = [
        names[(e, int(i))] for e, i in zip(wo["element"], wo["element_index"], strict=True)
    ]
    wo["outage_name"] = [
        names.get((e, int(i)), "") if isinstance(e, str) else ""
        for e, i in zip(wo["outage_element"], wo["outage_index"].fillna(-1), strict=True)
    ]
    # elements: N-0 max and mean loading over all hours, with geometry for the map
    rows = []
    for (kind, idx), series in ll.items():
        tab = net[kind]
        if kind == "line":
            a, b = int(tab.at[idx, "from_bus"]), int(tab.at[idx, "to_bus"])
        else:
            a, b = int(tab.at[idx, "hv_bus"]), int(tab.at[idx, "lv_bus"])
        ga, gb = net.bus.at[a, "geo"], net.bus.at[b, "geo"]
        ca, cb = json.loads(ga)["coordinates"], json.loads(gb)["coordinates"]
        n1 = wo[(wo["element"] == kind) & (wo["element_index"] == idx)]["loading_pct"]
        rows.append(
            {
                "site": label,
                "element": names[(kind, int(idx))],
                "element_type": kind,
                "corridor": str(tab.at[idx, "corridor"]),
                "vn_kv": float(net.bus.at[a, "vn_kv"]),
                "from_lon": ca[0],
                "from_lat": ca[1],
                "to_lon": cb[0],
                "to_lat": cb[1],
                "max_loading_pct": float(series.max()),
                "mean_loading_pct": float(series.mean()),
                "hours_over_limit": int((series > config.loading_limit_pct).sum()),
                "worst_n1_loading_pct": float(n1.iloc[0]) if len(n1) else float("nan"),
            }
        )
    elements = pd.DataFrame(rows)
    # AC snapshots: peak and lowest national load hour
    ac_rows, ac_loss = [], {}
    mean_load = net.load["p_mw"].sum()
    for tag, h in (("peak", int(np.argmax(national_mw))), ("low", int(np.argmin(national_mw)))):
        snap = _ac_snapshot(net, national_mw[h] / mean_load, float(plant_mw[h]))
        ac_loss[tag] = float(snap.res_line["pl_mw"].sum() + snap.res_trafo["pl_mw"].sum())
        ac_loss[f"{tag}_dc"] = float(loss_mw.loc[h]) if h in loss_mw.index else float("nan")
        for b in snap.bus.index:
            zone = snap.bus.at[b, "zone"]
            if zone in (*SUBSTATIONS, "trupale", "niska_banja"):
                ac_rows.append(
                    {
                        "site": label,
                        "snapshot": tag,
                        "hour": h,
                        "bus": snap.bus.at[b, "name"],
                        "vn_kv": float(snap.bus.at[b, "vn_kv"]),
                        "vm_pu": float(snap.res_bus.at[b, "vm_pu"]),
                        "max_line_loading_pct": float(snap.res_line["loading_percent"].max()),
                        "losses_mw": ac_loss[tag],
                        "losses_dc_estimate_mw": ac_loss[f"{tag}_dc"],
                    }
                )
    ac = pd.DataFrame(ac_rows)
    hourly = pd.DataFrame(
        {
            "site": label,
            "hour": np.arange(n),
            "national_load_mw": national_mw,
            "plant_mw": plant_mw,
            "losses_mw": loss_mw.reindex(range(n)).to_numpy(),
            "max_loading_pct": ll.max(axis=1).reindex(range(n)).to_numpy(),
        }
    )
    top = elements.sort_values("max_loading_pct", ascending=False).iloc[0]
    w = wo.iloc[0]
    isl = bo[bo["islanding"]] if "islanding" in bo else bo.iloc[:0]
    summary = pd.DataFrame(
        [
            {
                "site": label,
                "plant_energy_gwh": float(plant_mw.sum() / 1000),
                "losses_mwh": float(loss_mw.sum()),
                "losses_peak_ac_mw": ac_loss["peak"],
                "losses_peak_dc_estimate_mw": ac_loss["peak_dc"],
                "max_loading_pct": float(top["max_loading_pct"]),
                "max_loading_element": str(top["element"]),
                "n0_hours_over_limit": int((ll.max(axis=1) > config.loading_limit_pct).sum()),
                "n1_outages": int(
                    bo[["outage_element", "outage_index"]].drop_duplicates().shape[0]
                ),
                "n1_cases": int(n_cases),
                "n1_violations": len(vi),
                "n1_violation_hours": int(vi["hour"].nunique()) if len(vi) else 0,
                "worst_n1_loading_pct": float(w["loading_pct"]),
                "worst_n1_element": str(w["element_name"]),
                "worst_n1_outage": str(w["outage_name"]),
                "islanding_outages": int(
                    isl[["outage_element", "outage_index"]].drop_duplicates().shape[0]
                ),
                "min_voltage_pu": float(ac["vm_pu"].min()),
                "max_voltage_pu": float(ac["vm_pu"].max()),
                "voltage_violations": int(
                    (
                        ((ac["vm_pu"] < config.vm_min_pu) | (ac["vm_pu"] > config.vm_max_pu))
                        & (ac["vn_kv"] > _OLTC_KV)
                    ).sum()
                ),
            }
        ]
    )
    plant_buses = set(net.gen["bus"].astype(int))
    buses = pd.DataFrame(
        {
            "site": label,
            "bus": net.bus["name"].to_numpy(),
            "zone": net.bus["zone"].to_numpy(),
            "vn_kv": net.bus["vn_kv"].to_numpy(),
            "lon": [json.loads(g)["coordinates"][0] for g in net.bus["geo"]],
            "lat": [json.loads(g)["coordinates"][1] for g in net.bus["geo"]],
            "plant": [int(b) in plant_buses for b in net.bus.index],
        }
    )
    return {
        "summary": summary,
        "elements": elements,
        "n1_worst": wo,
        "hourly": hourly,
        "ac": ac,
        "buses": buses,
    }
