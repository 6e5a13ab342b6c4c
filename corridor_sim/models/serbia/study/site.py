"""The site study: every hour of a year on each site's grid, N-1 screened, worst cases in AC.

Method (see ``docs/serbia.md``):

* hourly loads and plant outputs from :mod:`.profiles` and the economic dispatch of
  :mod:`.market.dispatch` (the same for every site: Serbia is one bidding zone); the
  substations take the system consumption less the transmission losses
  (:func:`~corridor_sim.models.serbia.load_basis.withdrawal_share`): the flows carry their own;
* :func:`corridor_sim.engines.power.n_minus_1` over all hours, screening the outage of
  every Serbian line, transformer and tie line and monitoring the same elements (Kosovo's
  grid and the neighbours' equivalents carry flows but are neither screened nor monitored);
* losses per hour from the DC flows (``sum r (P / V)^2`` over the monitored elements);
* :func:`pandapower.runpp` at the peak and the lowest-load hour (voltages, AC losses) and
  on the screened worst N-1 cases (AC loading against the DC screen).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.engines.power import N1Result, n_minus_1
from corridor_sim.errors import ConvergenceError
from corridor_sim.models.serbia.grid.network import GridSpec, build_grid, copy_net, monitored
from corridor_sim.models.serbia.load_basis import withdrawal_share
from corridor_sim.models.serbia.params import Site
from corridor_sim.models.serbia.study.tables import (
    ac_check_table,
    bus_table,
    comparison_row,
    element_table,
    hourly_table,
    map_line_table,
    names,
    violation_table,
    voltage_table,
    worst_table,
)
from corridor_sim.units import PERCENT

__all__ = ["HourlyInputs", "StudyConfig", "site_study"]


@dataclass(frozen=True, slots=True)
class StudyConfig:
    """Limits of the study (catalogue defaults).

    Attributes
    ----------
    loading_limit_pct : float
        Loading above which a line or transformer is a violation (N-0 and N-1).
    vm_min_pu, vm_max_pu : float
        Voltage band at the 220 and 400 kV substations.
    ac_cases : int
        Worst N-1 cases re-run in AC per site.
    """

    loading_limit_pct: float
    vm_min_pu: float
    vm_max_pu: float
    ac_cases: int = 3

    @classmethod
    def default(cls, *, ac_cases: int = 3) -> StudyConfig:
        """Limits from ``serbia.study.*``."""
        return cls(
            loading_limit_pct=value("serbia.study.loading_limit", unit="%"),
            vm_min_pu=value("serbia.study.vm_min_pu", unit="p.u."),
            vm_max_pu=value("serbia.study.vm_max_pu", unit="p.u."),
            ac_cases=ac_cases,
        )


@dataclass(frozen=True, slots=True, eq=False)
class HourlyInputs:
    """What every site's grid sees in every hour.

    Attributes
    ----------
    national_mw : numpy.ndarray
        National load per hour, MW: the system consumption (losses included) in the market's
        inputs; the site study puts ``national_mw * withdrawal_share()`` at the substations.
    unit_mw : DataFrame
        Hours x plant id (``net.gen.unit``: Serbian plants and the neighbours' positions), MW.
    plant_mw : numpy.ndarray
        The 500 MW plant's output per hour (used at the plant sites).
    """

    national_mw: np.ndarray
    unit_mw: pd.DataFrame
    plant_mw: np.ndarray


def _hour_tables(
    net: pp.pandapowerNet, inputs: HourlyInputs, hours: np.ndarray, *, with_plant: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hourly load and generator set-points (hours x element index) for the power engine."""
    idx = pd.Index(hours, name="hour")
    shares = net.load["p_mw"].to_numpy() / net.load["p_mw"].sum()
    load = pd.DataFrame(
        np.outer(inputs.national_mw[hours], shares), index=idx, columns=net.load.index
    )
    cols = {}
    for i, unit in net.gen["unit"].items():
        if unit == "plant":
            cols[int(i)] = inputs.plant_mw[hours] if with_plant else np.zeros(len(hours))
        elif unit in inputs.unit_mw:
            cols[int(i)] = inputs.unit_mw[unit].to_numpy()[hours]
        else:
            cols[int(i)] = np.full(len(hours), float(net.gen.at[i, "p_mw"]))
    return load, pd.DataFrame(cols, index=idx)


def _apply_events(net: pp.pandapowerNet, active: Sequence[tuple[str, float]]) -> pp.pandapowerNet:
    """Copy `net` applying each (corridor, availability): 0 -> out of service, else derated.

    A derating lowers the thermal rating only: a transformer's ``vk_percent`` and
    ``vkr_percent`` are scaled with its ``sn_mva`` so its impedance in ohm (and the flows)
    stay as they were.
    """
    out = copy_net(net)
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
class Screen:
    """The hourly DC flows and N-1 screen of one site, over all event groups."""

    loading: pd.DataFrame  # hours x (element_type, element_index), N-0 loading %, monitored
    losses_mw: pd.Series  # per hour
    by_outage: pd.DataFrame
    violations: pd.DataFrame  # on monitored elements
    worst: pd.DataFrame  # per monitored element, worst over all hours
    n_cases: int


def _losses_mw(net: pp.pandapowerNet, res: N1Result, keep: set[tuple[str, int]]) -> pd.Series:
    """DC estimate of the losses per hour: ``sum r (P / V)^2`` over the monitored branches."""
    line_on = np.array([("line", int(i)) in keep for i in net.line.index])
    trafo_on = np.array([("trafo", int(i)) in keep for i in net.trafo.index])
    r_line = (net.line["r_ohm_per_km"] * net.line["length_km"] / net.line["parallel"]).to_numpy()
    kv_line = net.bus.loc[net.line["from_bus"], "vn_kv"].to_numpy()
    t = net.trafo
    r_trafo = t["vkr_percent"] / PERCENT * t["vn_hv_kv"] ** 2 / t["sn_mva"] / t["parallel"]
    base = res.base
    loss = (base.line_p_from_mw.to_numpy() / kv_line) ** 2 @ (r_line * line_on) + (
        base.trafo_p_hv_mw.to_numpy() / t["vn_hv_kv"].to_numpy()
    ) ** 2 @ (r_trafo.to_numpy() * trafo_on)
    return pd.Series(loss, index=base.line_p_from_mw.index)


def _screen(
    net: pp.pandapowerNet,
    groups: dict[tuple, list[int]],
    inputs: HourlyInputs,
    config: StudyConfig,
    *,
    with_plant: bool,
) -> Screen:
    """DC flow and N-1 of every hour, one engine call per group of hours with the same events."""
    loading, losses, by_outage, viol, worst = [], [], [], [], []
    n_cases = 0
    for sig, hours_list in groups.items():
        hours = np.asarray(hours_list)
        gnet = _apply_events(net, sig) if sig else net
        keep = set(monitored(gnet))
        load, gen = _hour_tables(gnet, inputs, hours, with_plant=with_plant)
        res = n_minus_1(
            gnet,
            load_p_mw=load,
            gen_p_mw=gen,
            outages=sorted(keep),
            threshold_pct=config.loading_limit_pct,
        )
        base = res.base
        frame = pd.concat({"line": base.line_loading_pct, "trafo": base.trafo_loading_pct}, axis=1)
        loading.append(frame[[c for c in frame.columns if (c[0], int(c[1])) in keep]])
        losses.append(_losses_mw(gnet, res, keep))
        by_outage.append(res.by_outage.assign(hours=len(hours)))
        mine = [
            (e, int(i)) in keep
            for e, i in zip(res.violations["element"], res.violations["element_index"], strict=True)
        ]
        viol.append(res.violations[np.asarray(mine, dtype=bool)])
        w = res.worst
        ok = [(e, int(i)) in keep for e, i in zip(w["element"], w["element_index"], strict=True)]
        worst.append(w[np.asarray(ok, dtype=bool)])
        n_cases += len(res.by_outage) * len(hours)
    wo = pd.concat(worst, ignore_index=True).sort_values("loading_pct", ascending=False)
    return Screen(
        loading=pd.concat(loading).sort_index(),
        losses_mw=pd.concat(losses).sort_index(),
        by_outage=pd.concat(by_outage, ignore_index=True),
        violations=pd.concat([v for v in viol if len(v)] or viol[:1], ignore_index=True),
        worst=wo.drop_duplicates(["element", "element_index"]).reset_index(drop=True),
        n_cases=n_cases,
    )


def ac_at_hour(
    net: pp.pandapowerNet,
    inputs: HourlyInputs,
    hour: int,
    *,
    with_plant: bool,
    outage: tuple[str, int] | None = None,
) -> pp.pandapowerNet:
    """AC power flow (:func:`pandapower.runpp`) of one hour, optionally with one branch out.

    Raises
    ------
    ConvergenceError
        If the power flow does not converge (naming the net, hour and outage).
    """
    snap = copy_net(net)
    load, gen = _hour_tables(snap, inputs, np.array([hour]), with_plant=with_plant)
    tan_phi = (snap.load["q_mvar"] / snap.load["p_mw"]).fillna(0.0).to_numpy()
    snap.load["p_mw"] = load.iloc[0].to_numpy()
    snap.load["q_mvar"] = load.iloc[0].to_numpy() * tan_phi
    snap.gen["p_mw"] = gen.iloc[0].reindex(snap.gen.index).to_numpy()
    plant = snap.gen["unit"] == "plant"
    snap.gen.loc[plant, "in_service"] = bool(with_plant and inputs.plant_mw[hour] > 0)
    if outage is not None:
        snap[outage[0]].loc[outage[1], "in_service"] = False
    try:
        pp.runpp(snap, calculate_voltage_angles=True, init="dc", numba=False)
    except pp.powerflow.LoadflowNotConverged as err:
        msg = f"AC power flow of {net.name!r} did not converge (hour {hour}, outage {outage})"
        raise ConvergenceError(msg) from err
    return snap


def area_elements(net: pp.pandapowerNet, draw: Mapping[str, float] | None = None) -> set[str]:
    """Names of the lines and trafos with an end within ``serbia.study.area_km`` of Niš 2."""
    from corridor_sim.models.serbia.grid.network import bus_points
    from corridor_sim.models.serbia.grid.stored import polyline_km
    from corridor_sim.models.serbia.values import cv

    radius = cv("serbia.study.area_km", "km", draw)
    pts = bus_points(net)
    nis = pts[int(np.flatnonzero(net.bus["key"].to_numpy() == "b2182")[0])]
    near = {
        int(b)
        for b, pt in zip(net.bus.index, pts, strict=True)
        if polyline_km([tuple(nis), tuple(pt)])[-1] <= radius
    }
    out = set()
    for table, ends in (("line", ("from_bus", "to_bus")), ("trafo", ("hv_bus", "lv_bus"))):
        tab = net[table]
        mask = tab[ends[0]].isin(near) | tab[ends[1]].isin(near)
        out |= set(tab.loc[mask, "name"])
    return out


def site_study(
    site: Site | None,
    *,
    year: int,
    inputs: HourlyInputs,
    events: Sequence[tuple[str, int, int, float]] = (),
    config: StudyConfig | None = None,
    spec: GridSpec | None = None,
) -> dict[str, pd.DataFrame]:
    """Run the hourly DC study, the N-1 screen and the AC checks for one site.

    Parameters
    ----------
    site : Site or None
        Plant site (``None``: no plant).
    year : int
        Model year (hour 0 is 1 January of it).
    inputs : HourlyInputs
        National load (the system consumption, losses included), plants' and neighbours'
        outputs, the plant's output, per hour. The substations take the national load times
        :func:`~corridor_sim.models.serbia.load_basis.withdrawal_share` (one minus the
        transmission losses, which the flows compute themselves).
    events : sequence of (corridor, start hour, duration hours, availability)
        Outages / deratings of lines or trafos (by corridor id).
    config : StudyConfig, optional
        Limits; default :meth:`StudyConfig.default`.
    spec : GridSpec, optional
        Plant, load and grid values; default ``GridSpec.for_year(year)``.

    Returns
    -------
    dict of str to DataFrame
        ``site_comparison`` (one row), ``loadings`` (per monitored line/trafo), ``n1_worst``
        (per monitored element), ``hourly`` (per hour), ``voltages`` (per AC snapshot and
        220/400 kV Serbian bus), ``ac_check`` (worst N-1 cases in AC), ``buses`` (the map's).
    """
    config = StudyConfig.default() if config is None else config
    net = build_grid(site, year=year, spec=spec)
    label = site.value if site else "none"
    n = len(inputs.national_mw)
    with_plant = site is not None
    names_ = names(net)
    share = withdrawal_share(spec.draw if spec is not None else None)
    system = inputs
    inputs = HourlyInputs(inputs.national_mw * share, inputs.unit_mw, inputs.plant_mw)
    screen = _screen(net, _event_groups(events, n), inputs, config, with_plant=with_plant)
    worst = worst_table(screen.worst, names_, label, year)
    area = area_elements(net, spec.draw if spec is not None else None)
    loadings = element_table(net, screen.loading, worst, names_, config, label)
    snaps = {
        tag: (h, ac_at_hour(net, inputs, h, with_plant=with_plant))
        for tag, h in (
            ("peak", int(np.argmax(inputs.national_mw))),
            ("low", int(np.argmin(inputs.national_mw))),
        )
    }
    voltages = voltage_table(snaps, screen.losses_mw, label, year)
    checks = []
    cases = pd.concat(
        [worst.head(config.ac_cases), worst[worst["element"].isin(area)].head(config.ac_cases)]
    )
    for row in cases.drop_duplicates(["element", "outage", "hour"]).itertuples(index=False):
        if not isinstance(row.outage_type, str):
            continue
        outage = (row.outage_type, int(row.outage_index))
        snap = ac_at_hour(net, inputs, int(row.hour), with_plant=with_plant, outage=outage)
        checks.append((row, snap))
    ac_check = ac_check_table(checks, label, year)
    violations = violation_table(screen.violations, names_, label, year)
    for table in (loadings, violations, worst):
        table["in_area"] = table["element"].isin(area)
    in_area = [c for c in screen.loading.columns if names_[(c[0], int(c[1]))][0] in area]
    area_max = screen.loading[in_area].max(axis=1).reindex(range(n)).to_numpy()
    parts = {
        "loadings": loadings,
        "n1_worst": worst,
        "voltages": voltages,
        "ac_check": ac_check,
        "n1_violations": violations,
    }
    return {
        "site_comparison": comparison_row(label, inputs, with_plant, screen, parts, config),
        **parts,
        "buses": bus_table(net, label),
        "map_lines": map_line_table(net, label),
        "hourly": hourly_table(label, year, system, with_plant, screen).assign(
            grid_load_mw=inputs.national_mw, max_area_loading_pct=area_max
        ),
    }
