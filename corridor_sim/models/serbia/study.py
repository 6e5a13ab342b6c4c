"""The site study: every hour of a year on each site's grid, N-1 screened, plus AC snapshots.

Method (see ``docs/serbia.md``):

* the hourly national load and the plant's dispatch of :mod:`.profiles`;
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
from corridor_sim.engines.power import N1Result, n_minus_1
from corridor_sim.errors import ConvergenceError
from corridor_sim.models.serbia.network import SUBSTATIONS, GridSpec, build_grid
from corridor_sim.models.serbia.params import Site
from corridor_sim.models.serbia.profiles import hour_snapshots
from corridor_sim.units import MWH_PER_GWH, PERCENT

__all__ = ["StudyConfig", "site_study"]

#: Zones of the buses whose AC voltages are reported (substations and loop-in plant buses).
_REPORTED_ZONES = (*SUBSTATIONS, Site.TRUPALE.value, Site.NISKA_BANJA.value)


@dataclass(frozen=True, slots=True)
class StudyConfig:
    """Limits of the study (catalogue defaults).

    Attributes
    ----------
    loading_limit_pct : float
        Loading above which a line or transformer is a violation (N-0 and N-1).
    vm_min_pu, vm_max_pu : float
        Voltage band at the modelled substations.
    oltc_kv : float
        Buses at or below this level sit behind on-load tap changers (not modelled): their
        voltage is reported but not counted as a violation (the 110 kV level).
    """

    loading_limit_pct: float
    vm_min_pu: float
    vm_max_pu: float
    oltc_kv: float

    @classmethod
    def default(cls) -> StudyConfig:
        """Limits from ``serbia.study.*`` and the 110 kV level ``serbia.grid.vn_sub_kv``."""
        return cls(
            loading_limit_pct=value("serbia.study.loading_limit", unit="%"),
            vm_min_pu=value("serbia.study.vm_min_pu", unit="p.u."),
            vm_max_pu=value("serbia.study.vm_max_pu", unit="p.u."),
            oltc_kv=value("serbia.grid.vn_sub_kv", unit="kV"),
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
    trafo_r = t["vkr_percent"] / PERCENT * t["vn_hv_kv"] ** 2 / t["sn_mva"] / t["parallel"]
    trafo_r = trafo_r.to_numpy()
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


def _event_groups(
    events: Sequence[tuple[str, int, int, float]], n_hours: int
) -> dict[tuple, list[int]]:
    """Hours grouped by the set of (corridor, availability) events active in them."""
    signature: list[tuple] = [() for _ in range(n_hours)]
    for corridor, start, duration, avail in events:
        for h in range(start, min(n_hours, start + duration)):
            signature[h] = (*signature[h], (corridor, avail))
    groups: dict[tuple, list[int]] = {}
    for h, sig in enumerate(signature):
        groups.setdefault(sig, []).append(h)
    return groups


@dataclass(frozen=True, slots=True)
class _Screen:
    """The hourly DC flows and N-1 screen of one site, over all event groups."""

    loading: pd.DataFrame  # hours x (element_type, element_index), N-0 loading %
    losses_mw: pd.Series  # per hour
    by_outage: pd.DataFrame
    violations: pd.DataFrame
    worst: pd.DataFrame  # per monitored element, worst over all hours
    n_cases: int


def _losses_mw(net: pp.pandapowerNet, res: N1Result) -> pd.Series:
    """DC estimate of the losses per hour: ``sum r (P / V)^2`` over in-service branches."""
    line_r, line_kv, trafo_r, trafo_kv = _branch_r_ohm(net)
    on_l = net.line["in_service"].to_numpy()
    on_t = net.trafo["in_service"].to_numpy()
    base = res.base
    loss = (base.line_p_from_mw.to_numpy() / line_kv) ** 2 @ (line_r * on_l) + (
        base.trafo_p_hv_mw.to_numpy() / trafo_kv
    ) ** 2 @ (trafo_r * on_t)
    return pd.Series(loss, index=base.line_p_from_mw.index)


def _screen(
    net: pp.pandapowerNet,
    groups: dict[tuple, list[int]],
    national_mw: np.ndarray,
    plant_mw: np.ndarray,
    config: StudyConfig,
) -> _Screen:
    """DC flow and N-1 of every hour, one engine call per group of hours with the same events."""
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
        loading.append(
            pd.concat({"line": base.line_loading_pct, "trafo": base.trafo_loading_pct}, axis=1)
        )
        losses.append(_losses_mw(gnet, res))
        by_outage.append(res.by_outage.assign(hours=len(hours)))
        viol.append(res.violations)
        worst.append(res.worst)
        n_cases += len(res.by_outage) * len(hours)
    wo = pd.concat(worst, ignore_index=True).sort_values("loading_pct", ascending=False)
    return _Screen(
        loading=pd.concat(loading).sort_index(),
        losses_mw=pd.concat(losses).sort_index(),
        by_outage=pd.concat(by_outage, ignore_index=True),
        violations=pd.concat(viol, ignore_index=True),
        worst=wo.drop_duplicates(["element", "element_index"]).reset_index(drop=True),
        n_cases=n_cases,
    )


def _worst_table(
    worst: pd.DataFrame, names: dict[tuple[str, int], str], label: str, year: int
) -> pd.DataFrame:
    """Worst N-1 case per monitored element, with element and outage ids and the time.

    Columns: ``site, element`` (line or trafo name), ``element_type, element_index,
    base_loading_pct, loading_pct, p_mw, outage`` (name of the outaged branch),
    ``outage_type, outage_index, period, snapshot, hour``.
    """
    wo = worst.rename(columns={"element": "element_type", "outage_element": "outage_type"})
    pairs = zip(wo["element_type"], wo["element_index"], strict=True)
    wo.insert(0, "element", [names[(e, int(i))] for e, i in pairs])
    wo.insert(0, "site", label)
    outages = zip(wo["outage_type"], wo["outage_index"].fillna(-1), strict=True)
    outage = [names.get((e, int(i)), "") if isinstance(e, str) else "" for e, i in outages]
    wo.insert(int(wo.columns.get_loc("outage_type")), "outage", outage)
    hours = wo.pop("hour").astype(np.int64)
    wo["period"] = hours.to_numpy()
    wo["snapshot"] = hour_snapshots(year, hours)
    wo["hour"] = hours.to_numpy()
    return wo


def _element_table(
    net: pp.pandapowerNet,
    loading: pd.DataFrame,
    worst: pd.DataFrame,
    names: dict[tuple[str, int], str],
    config: StudyConfig,
    label: str,
) -> pd.DataFrame:
    """Per line and trafo: N-0 max and mean loading over all hours, worst N-1, map geometry."""
    rows = []
    for (kind, idx), series in loading.items():
        tab = net[kind]
        if kind == "line":
            a, b = int(tab.at[idx, "from_bus"]), int(tab.at[idx, "to_bus"])
        else:
            a, b = int(tab.at[idx, "hv_bus"]), int(tab.at[idx, "lv_bus"])
        ca = json.loads(net.bus.at[a, "geo"])["coordinates"]
        cb = json.loads(net.bus.at[b, "geo"])["coordinates"]
        mine = (worst["element_type"] == kind) & (worst["element_index"] == idx)
        n1 = worst[mine]["loading_pct"]
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
    return pd.DataFrame(rows)


def _ac_table(
    net: pp.pandapowerNet,
    national_mw: np.ndarray,
    plant_mw: np.ndarray,
    losses_mw: pd.Series,
    label: str,
    year: int,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """AC power flows at the peak and the lowest national load hour: bus voltages and losses.

    Returns the voltage table (``site, kind`` = peak/low, ``period, snapshot, hour, element``
    = bus name, ``vn_kv, vm_pu, max_line_loading_pct, losses_mw, losses_dc_estimate_mw``)
    and the losses by kind (``peak``, ``peak_dc``, ``low``, ``low_dc``), MW.
    """
    rows, ac_loss = [], {}
    mean_load = net.load["p_mw"].sum()
    for tag, h in (("peak", int(np.argmax(national_mw))), ("low", int(np.argmin(national_mw)))):
        snap = _ac_snapshot(net, national_mw[h] / mean_load, float(plant_mw[h]))
        ac_loss[tag] = float(snap.res_line["pl_mw"].sum() + snap.res_trafo["pl_mw"].sum())
        ac_loss[f"{tag}_dc"] = float(losses_mw.loc[h]) if h in losses_mw.index else float("nan")
        when = hour_snapshots(year, [h])[0]
        for b in snap.bus.index:
            if snap.bus.at[b, "zone"] not in _REPORTED_ZONES:
                continue
            rows.append(
                {
                    "site": label,
                    "kind": tag,
                    "period": h,
                    "snapshot": when,
                    "hour": h,
                    "element": snap.bus.at[b, "name"],
                    "vn_kv": float(snap.bus.at[b, "vn_kv"]),
                    "vm_pu": float(snap.res_bus.at[b, "vm_pu"]),
                    "max_line_loading_pct": float(snap.res_line["loading_percent"].max()),
                    "losses_mw": ac_loss[tag],
                    "losses_dc_estimate_mw": ac_loss[f"{tag}_dc"],
                }
            )
    return pd.DataFrame(rows), ac_loss


def _hourly_table(
    label: str, year: int, national_mw: np.ndarray, plant_mw: np.ndarray, screen: _Screen
) -> pd.DataFrame:
    """One row per hour: ``site, period, snapshot, hour``, load, plant, losses, max loading."""
    n = len(national_mw)
    hours = np.arange(n)
    return pd.DataFrame(
        {
            "site": label,
            "period": hours,
            "snapshot": hour_snapshots(year, hours),
            "hour": hours,
            "national_load_mw": national_mw,
            "plant_mw": plant_mw,
            "losses_mw": screen.losses_mw.reindex(range(n)).to_numpy(),
            "max_loading_pct": screen.loading.max(axis=1).reindex(range(n)).to_numpy(),
        }
    )


def _outage_count(frame: pd.DataFrame) -> int:
    return int(frame[["outage_element", "outage_index"]].drop_duplicates().shape[0])


def _comparison_row(
    label: str,
    plant_mw: np.ndarray,
    screen: _Screen,
    tables: dict[str, pd.DataFrame],
    ac_loss: dict[str, float],
    config: StudyConfig,
) -> pd.DataFrame:
    """Return the site's row of ``site_comparison``: losses, loadings, N-1 counts, voltages."""
    bo, vi, ac = screen.by_outage, screen.violations, tables["voltages"]
    top = tables["loadings"].sort_values("max_loading_pct", ascending=False).iloc[0]
    w = tables["n1_worst"].iloc[0]
    isl = bo[bo["islanding"]] if "islanding" in bo else bo.iloc[:0]
    outside = (ac["vm_pu"] < config.vm_min_pu) | (ac["vm_pu"] > config.vm_max_pu)
    row = {
        "site": label,
        "plant_energy_gwh": float(plant_mw.sum() / MWH_PER_GWH),
        "losses_mwh": float(screen.losses_mw.sum()),
        "losses_peak_ac_mw": ac_loss["peak"],
        "losses_peak_dc_estimate_mw": ac_loss["peak_dc"],
        "max_loading_pct": float(top["max_loading_pct"]),
        "max_loading_element": str(top["element"]),
        "n0_hours_over_limit": int((screen.loading.max(axis=1) > config.loading_limit_pct).sum()),
        "n1_outages": _outage_count(bo),
        "n1_cases": int(screen.n_cases),
        "n1_violations": len(vi),
        "n1_violation_hours": int(vi["hour"].nunique()) if len(vi) else 0,
        "worst_n1_loading_pct": float(w["loading_pct"]),
        "worst_n1_element": str(w["element"]),
        "worst_n1_outage": str(w["outage"]),
        "islanding_outages": _outage_count(isl),
        "min_voltage_pu": float(ac["vm_pu"].min()),
        "max_voltage_pu": float(ac["vm_pu"].max()),
        "voltage_violations": int((outside & (ac["vn_kv"] > config.oltc_kv)).sum()),
    }
    return pd.DataFrame([row])


def _bus_table(net: pp.pandapowerNet, label: str) -> pd.DataFrame:
    """Return the buses for the map: ``site, element`` (bus name), zone, kV, lon, lat, plant."""
    plant_buses = set(net.gen["bus"].astype(int))
    points = [json.loads(g)["coordinates"] for g in net.bus["geo"]]
    return pd.DataFrame(
        {
            "site": label,
            "element": net.bus["name"].to_numpy(),
            "zone": net.bus["zone"].to_numpy(),
            "vn_kv": net.bus["vn_kv"].to_numpy(),
            "lon": [p[0] for p in points],
            "lat": [p[1] for p in points],
            "plant": [int(b) in plant_buses for b in net.bus.index],
        }
    )


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
        Model year (hour 0 is 1 January of it).
    national_mw, plant_mw : numpy.ndarray
        Hourly national load and plant output (MW), same length.
    events : sequence of (corridor, start hour, duration hours, availability)
        Outages / deratings of lines or trafos (by corridor id).
    config : StudyConfig, optional
        Limits; default :meth:`StudyConfig.default`.
    spec : GridSpec, optional
        Plant and load values; default ``GridSpec.for_year(year)``.

    Returns
    -------
    dict of str to DataFrame
        ``site_comparison`` (one row), ``loadings`` (per line/trafo), ``n1_worst`` (per
        monitored element), ``hourly`` (per hour), ``voltages`` (per AC snapshot and
        substation bus), ``buses`` (the map's buses).
    """
    config = StudyConfig.default() if config is None else config
    net = build_grid(site, year=year, spec=spec)
    label = site.value if site else "none"
    n = len(national_mw)
    plant_mw = plant_mw if site is not None else np.zeros(n)
    names = _names(net)
    screen = _screen(net, _event_groups(events, n), national_mw, plant_mw, config)
    worst = _worst_table(screen.worst, names, label, year)
    loadings = _element_table(net, screen.loading, worst, names, config, label)
    voltages, ac_loss = _ac_table(net, national_mw, plant_mw, screen.losses_mw, label, year)
    parts = {"loadings": loadings, "n1_worst": worst, "voltages": voltages}
    return {
        "site_comparison": _comparison_row(label, plant_mw, screen, parts, ac_loss, config),
        **parts,
        "buses": _bus_table(net, label),
        "hourly": _hourly_table(label, year, national_mw, plant_mw, screen),
    }
