"""Result tables of the site study (one site): worst cases, loadings, voltages, AC checks, hours."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.models.serbia.grid.network import MONITORED_KINDS, bus_points
from corridor_sim.models.serbia.profiles import hour_snapshots
from corridor_sim.units import MWH_PER_GWH

if TYPE_CHECKING:
    from corridor_sim.models.serbia.study.site import HourlyInputs, Screen, StudyConfig

__all__ = [
    "ac_check_table",
    "map_line_table",
    "violation_table",
    "bus_table",
    "comparison_row",
    "element_table",
    "hourly_table",
    "names",
    "voltage_table",
    "worst_table",
]


def names(net: pp.pandapowerNet) -> dict[tuple[str, int], tuple[str, str]]:
    """(element type, index) -> (name, corridor id) of every line and trafo."""
    out = {}
    for table in ("line", "trafo"):
        tab = net[table]
        for i in tab.index:
            out[(table, int(i))] = (str(tab.at[i, "name"]), str(tab.at[i, "corridor"]))
    return out


def worst_table(
    worst: pd.DataFrame, names_: dict[tuple[str, int], tuple[str, str]], label: str, year: int
) -> pd.DataFrame:
    """Worst N-1 case per monitored element, with names, ids and the time.

    Columns: ``site, element`` (name), ``element_id`` (corridor), ``element_type,
    element_index, base_loading_pct, loading_pct, p_mw, outage`` (name), ``outage_id``,
    ``outage_type, outage_index, period, snapshot, hour``.
    """
    wo = worst.rename(columns={"element": "element_type", "outage_element": "outage_type"})
    pairs = list(zip(wo["element_type"], wo["element_index"].astype(int), strict=True))
    wo.insert(0, "element_id", [names_[p][1] for p in pairs])
    wo.insert(0, "element", [names_[p][0] for p in pairs])
    wo.insert(0, "site", label)
    outages = zip(wo["outage_type"], wo["outage_index"].fillna(-1), strict=True)
    found = [
        names_.get((e, int(i)), ("", "")) if isinstance(e, str) else ("", "") for e, i in outages
    ]
    at = int(wo.columns.get_loc("outage_type"))
    wo.insert(at, "outage_id", [f[1] for f in found])
    wo.insert(at, "outage", [f[0] for f in found])
    hours = wo.pop("hour").astype(np.int64)
    wo["period"] = hours.to_numpy()
    wo["snapshot"] = hour_snapshots(year, hours)
    wo["hour"] = hours.to_numpy()
    return wo.reset_index(drop=True)


def violation_table(
    violations: pd.DataFrame, names_: dict[tuple[str, int], tuple[str, str]], label: str, year: int
) -> pd.DataFrame:
    """List every N-1 violation on a monitored element.

    Columns: ``site, element, element_id, outage, outage_id, period, snapshot, hour,
    loading_pct``.
    """
    v = violations
    el = [names_[(e, int(i))] for e, i in zip(v["element"], v["element_index"], strict=True)]
    out = [names_[(e, int(i))] for e, i in zip(v["outage_element"], v["outage_index"], strict=True)]
    hours = v["hour"].astype(np.int64).to_numpy()
    return pd.DataFrame(
        {
            "site": label,
            "element": [x[0] for x in el],
            "element_id": [x[1] for x in el],
            "outage": [x[0] for x in out],
            "outage_id": [x[1] for x in out],
            "period": hours,
            "snapshot": hour_snapshots(year, hours),
            "hour": hours,
            "loading_pct": v["loading_pct"].to_numpy(dtype=float),
        }
    )


def _route(net: pp.pandapowerNet, kind: str, idx: int) -> str:
    if kind == "line" and "geo" in net.line and isinstance(net.line.at[idx, "geo"], str):
        pts = json.loads(net.line.at[idx, "geo"])["coordinates"]
        return ";".join(f"{x:.4f} {y:.4f}" for x, y in pts)
    tab = net[kind]
    a, b = (
        (tab.at[idx, "from_bus"], tab.at[idx, "to_bus"])
        if kind == "line"
        else (tab.at[idx, "hv_bus"], tab.at[idx, "lv_bus"])
    )
    pts = bus_points(net)
    pos = {int(i): k for k, i in enumerate(net.bus.index)}
    return ";".join(f"{pts[pos[int(x)]][0]:.4f} {pts[pos[int(x)]][1]:.4f}" for x in (a, b))


def element_table(
    net: pp.pandapowerNet,
    loading: pd.DataFrame,
    worst: pd.DataFrame,
    names_: dict[tuple[str, int], tuple[str, str]],
    config: StudyConfig,
    label: str,
) -> pd.DataFrame:
    """Per monitored line and trafo: N-0 max and mean loading, worst N-1 loading, its route."""
    rows = []
    for (kind, idx), series in loading.items():
        idx = int(idx)
        tab = net[kind]
        a = int(tab.at[idx, "from_bus"] if kind == "line" else tab.at[idx, "hv_bus"])
        mine = (worst["element_type"] == kind) & (worst["element_index"] == idx)
        n1 = worst.loc[mine, "loading_pct"]
        rows.append(
            {
                "site": label,
                "element": names_[(kind, idx)][0],
                "element_type": kind,
                "corridor": names_[(kind, idx)][1],
                "kind": str(tab.at[idx, "kind"]),
                "vn_kv": float(net.bus.at[a, "vn_kv"]),
                "route": _route(net, kind, idx),
                "max_loading_pct": float(series.max()),
                "mean_loading_pct": float(series.mean()),
                "hours_over_limit": int((series > config.loading_limit_pct).sum()),
                "worst_n1_loading_pct": float(n1.iloc[0]) if len(n1) else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def _monitored_mask(snap: pp.pandapowerNet, table: str) -> np.ndarray:
    return snap[table]["kind"].isin(MONITORED_KINDS).to_numpy()


def _ac_losses(snap: pp.pandapowerNet) -> float:
    return float(
        snap.res_line["pl_mw"][_monitored_mask(snap, "line")].sum()
        + snap.res_trafo["pl_mw"][_monitored_mask(snap, "trafo")].sum()
    )


def voltage_table(
    snaps: dict[str, tuple[int, pp.pandapowerNet]], losses_mw: pd.Series, label: str, year: int
) -> pd.DataFrame:
    """Voltages of the Serbian 220/400 kV buses and AC losses at the peak and low hours.

    Columns: ``site, kind`` (peak / low), ``period, snapshot, hour, element`` (bus name and
    kV), ``vn_kv, vm_pu, max_line_loading_pct, losses_mw, losses_dc_estimate_mw``.
    """
    rows = []
    for tag, (h, snap) in snaps.items():
        ac = _ac_losses(snap)
        dc = float(losses_mw.loc[h]) if h in losses_mw.index else float("nan")
        lines = snap.res_line["loading_percent"][_monitored_mask(snap, "line")]
        serbian = snap.bus.index[snap.bus["country"] == "RS"]
        for b in serbian:
            rows.append(
                {
                    "site": label,
                    "kind": tag,
                    "period": h,
                    "snapshot": hour_snapshots(year, [h])[0],
                    "hour": h,
                    "element": f"{snap.bus.at[b, 'name']} {int(snap.bus.at[b, 'vn_kv'])} kV",
                    "vn_kv": float(snap.bus.at[b, "vn_kv"]),
                    "vm_pu": float(snap.res_bus.at[b, "vm_pu"]),
                    "max_line_loading_pct": float(lines.max()),
                    "losses_mw": ac,
                    "losses_dc_estimate_mw": dc,
                }
            )
    return pd.DataFrame(rows)


def ac_check_table(
    checks: list[tuple[Any, pp.pandapowerNet]], label: str, year: int
) -> pd.DataFrame:
    """Re-run the screened worst N-1 cases in AC: DC screen loading against AC loading.

    The site's worst cases overall and in the plant's area (option ``ac_cases`` each).
    Columns: ``site, element, element_id, outage, outage_id, period, snapshot, hour,
    dc_loading_pct, ac_loading_pct, min_vm_pu`` (lowest Serbian 220/400 kV voltage then).
    """
    rows = []
    for row, snap in checks:
        res = snap.res_line if row.element_type == "line" else snap.res_trafo
        serbian = snap.bus["country"] == "RS"
        rows.append(
            {
                "site": label,
                "element": row.element,
                "element_id": row.element_id,
                "outage": row.outage,
                "outage_id": row.outage_id,
                "period": int(row.hour),
                "snapshot": hour_snapshots(year, [int(row.hour)])[0],
                "hour": int(row.hour),
                "dc_loading_pct": float(row.loading_pct),
                "ac_loading_pct": float(res.at[int(row.element_index), "loading_percent"]),
                "min_vm_pu": float(snap.res_bus.loc[serbian, "vm_pu"].min()),
            }
        )
    columns = [
        "site",
        "element",
        "element_id",
        "outage",
        "outage_id",
        "period",
        "snapshot",
        "hour",
        "dc_loading_pct",
        "ac_loading_pct",
        "min_vm_pu",
    ]
    return pd.DataFrame(rows, columns=columns)


def hourly_table(
    label: str, year: int, inputs: HourlyInputs, with_plant: bool, screen: Screen
) -> pd.DataFrame:
    """One row per hour: ``site, period, snapshot, hour``, load, plant, losses, max loading."""
    n = len(inputs.national_mw)
    hours = np.arange(n)
    return pd.DataFrame(
        {
            "site": label,
            "period": hours,
            "snapshot": hour_snapshots(year, hours),
            "hour": hours,
            "national_load_mw": inputs.national_mw,
            "plant_mw": inputs.plant_mw if with_plant else np.zeros(n),
            "losses_mw": screen.losses_mw.reindex(range(n)).to_numpy(),
            "max_loading_pct": screen.loading.max(axis=1).reindex(range(n)).to_numpy(),
        }
    )


def _outage_count(frame: pd.DataFrame) -> int:
    return int(frame[["outage_element", "outage_index"]].drop_duplicates().shape[0])


def comparison_row(
    label: str,
    inputs: HourlyInputs,
    with_plant: bool,
    screen: Screen,
    tables: dict[str, pd.DataFrame],
    config: StudyConfig,
) -> pd.DataFrame:
    """Return the site's row of ``site_comparison``: losses, loadings, N-1 counts, AC checks."""
    bo, vi, ac = screen.by_outage, screen.violations, tables["voltages"]
    top = tables["loadings"].sort_values("max_loading_pct", ascending=False).iloc[0]
    w = tables["n1_worst"].iloc[0]
    isl = bo[bo["islanding"]] if "islanding" in bo else bo.iloc[:0]
    outside = (ac["vm_pu"] < config.vm_min_pu) | (ac["vm_pu"] > config.vm_max_pu)
    peak = ac[ac["kind"] == "peak"]
    checks = tables["ac_check"]
    plant = inputs.plant_mw if with_plant else np.zeros(len(inputs.national_mw))
    row = {
        "site": label,
        "plant_energy_gwh": float(plant.sum() / MWH_PER_GWH),
        "losses_mwh": float(screen.losses_mw.sum()),
        "losses_gwh": float(screen.losses_mw.sum()) / MWH_PER_GWH,  # what the figure writes
        "losses_peak_ac_mw": float(peak["losses_mw"].iloc[0]) if len(peak) else float("nan"),
        "losses_peak_dc_estimate_mw": (
            float(peak["losses_dc_estimate_mw"].iloc[0]) if len(peak) else float("nan")
        ),
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
        "worst_n1_ac_loading_pct": (
            float(checks["ac_loading_pct"].iloc[0]) if len(checks) else float("nan")
        ),
        "islanding_outages": _outage_count(isl),
        "min_voltage_pu": float(ac["vm_pu"].min()),
        "max_voltage_pu": float(ac["vm_pu"].max()),
        "voltage_violations": int(outside.sum()),
    }
    return pd.DataFrame([row])


def bus_table(net: pp.pandapowerNet, label: str) -> pd.DataFrame:
    """Return the map's buses: ``site, element`` (name), ``key, country, kind, vn_kv, lon, lat``."""
    plant_buses = set(net.gen.loc[net.gen["unit"] == "plant", "bus"].astype(int))
    points = bus_points(net)
    return pd.DataFrame(
        {
            "site": label,
            "element": net.bus["name"].to_numpy(),
            "key": net.bus["key"].to_numpy(),
            "country": net.bus["country"].to_numpy(),
            "kind": net.bus["kind"].to_numpy(),
            "vn_kv": net.bus["vn_kv"].to_numpy(),
            "lon": points[:, 0],
            "lat": points[:, 1],
            "plant": [int(b) in plant_buses for b in net.bus.index],
        }
    )


def map_line_table(net: pp.pandapowerNet, label: str) -> pd.DataFrame:
    """Lines the study does not monitor but the map draws (Kosovo's grid, the neighbours' ties).

    Columns: ``site, element, corridor, kind, vn_kv, route``.
    """
    tab = net.line[net.line["kind"] == "xk"]
    return pd.DataFrame(
        {
            "site": label,
            "element": tab["name"].to_numpy(),
            "corridor": tab["corridor"].to_numpy(),
            "kind": tab["kind"].to_numpy(),
            "vn_kv": net.bus.loc[tab["from_bus"], "vn_kv"].to_numpy(),
            "route": [_route(net, "line", int(i)) for i in tab.index],
        }
    )
