"""The Caspian corridor study: a year of hourly dispatch, its tables, a cable-size sweep.

:func:`run_year` is the Python entry point (accepts a user profile DataFrame);
``_caspian_scenario.simulate`` reads a scenario (options, events) and calls it;
:func:`capacity_study` sweeps the Caspian and Black Sea cable ratings;
:func:`snapshots` runs pandapower's own AC (``runpp``) and DC (``rundcpp``) power flow
for chosen dispatched hours.
"""

from __future__ import annotations

import copy
import itertools
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandapower as pp
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.errors import ConvergenceError, SpecError
from corridor_sim.models.caspian import tables
from corridor_sim.models.caspian.dispatch import Hourly, availability, run_dispatch
from corridor_sim.models.caspian.network import GAS_HUBS, HUBS, ROUTES
from corridor_sim.models.caspian.profiles import HOURS_PER_YEAR, profiles
from corridor_sim.results.result import Result, summary_frame

if TYPE_CHECKING:
    from corridor_sim.models.base import EventLike

__all__ = ["capacity_study", "run_year", "snapshots"]

_MWH_PER_TWH = 1000 * 1000
_MWH_PER_GWH = 1000
_PCT = 10**2  # percent per unit


def _dispatch_year(
    year: int,
    overrides: Mapping[str, float],
    prof: pd.DataFrame,
    avail: pd.DataFrame,
    block_hours: int | None,
    *,
    ramping: bool = False,
) -> tuple[pp.pandapowerNet, Hourly]:
    from corridor_sim.models.caspian import build, resolve

    net = build(year, **overrides)
    if ramping:  # thermal ramp limits couple the hours (caspian.gen.gas.ramp_share_per_h)
        share = value("caspian.gen.gas.ramp_share_per_h", unit="-")
        gas = net.gen["type"] == "gas"
        net.gen["ramp_up_mw_per_h"] = np.where(gas, share * net.gen["max_p_mw"], np.nan)
        net.gen["ramp_down_mw_per_h"] = net.gen["ramp_up_mw_per_h"]
    voll = resolve(year, overrides)["voll_eur_per_mwh"]
    return net, run_dispatch(net, prof, avail=avail, voll_eur_per_mwh=voll, block_hours=block_hours)


#: Links on the export routes (the Central Asian feeder kz_uz and internal links excluded).
_EXPORT_LINKS = ("caspian_cable", "az_ge", "ge_tr", "black_sea_cable", "tr_eu")


def _first_binding(table: pd.DataFrame) -> str:
    """Top-ranked export-route link that reached its limit at least once (or ``"none"``)."""
    hit = table[(table["hours_at_limit"] > 0) & table["link"].isin(_EXPORT_LINKS)]
    return str(hit["link"].iloc[0]) if len(hit) else "none"


def _az_green_export_share_pct(h: Hourly) -> float:
    """Share of Azerbaijan's wind+solar output that left the country (not gas-backed)."""
    az_hubs = [hub for hub, c in HUBS.items() if c == "az"]
    gen = h.generation_mw
    green_cols = [c for c in h.available_mw.columns if c.split(".")[0] in az_hubs]
    green = gen[green_cols].sum(axis=1)
    gas = gen[f"{GAS_HUBS['az']}.gas"]
    demand = h.demand_mw[az_hubs].sum(axis=1) - h.unserved_mw[az_hubs].sum(axis=1)
    net_export = (green + gas - demand).clip(lower=0.0)
    gas_backed = (gas - demand).clip(lower=0.0)
    green_export = (net_export - gas_backed).clip(lower=0.0)
    total = float(green.sum())
    return float(green_export.sum()) / total * _PCT if total > 0 else 0.0


def _summary(h: Hourly, bottleneck: pd.DataFrame) -> list[tuple[str, float, str]]:
    route_twh = {
        r: float(h.flow_mw[link].clip(lower=0).sum()) / _MWH_PER_TWH for r, link in ROUTES.items()
    }
    available = float(h.available_mw.sum().sum())
    curtailed = float(h.curtailed_mw.sum().sum())
    sink = -float(h.generation_mw["europe.sink"].sum())
    first = _first_binding(bottleneck)
    first_row = bottleneck[bottleneck["link"] == first]
    total = sum(route_twh.values())
    rows = [
        ("exported_twh", total, "TWh"),
        *((f"export_{r}_twh", v, "TWh") for r, v in route_twh.items()),
        *(
            (f"export_share_{r}_pct", v / total * _PCT if total else 0.0, "%")
            for r, v in route_twh.items()
        ),
        ("europe_intake_twh", sink / _MWH_PER_TWH, "TWh"),
        ("green_available_twh", available / _MWH_PER_TWH, "TWh"),
        ("curtailed_twh", curtailed / _MWH_PER_TWH, "TWh"),
        ("curtailed_pct", curtailed / available * _PCT if available else 0.0, "%"),
        ("unserved_gwh", float(h.unserved_mw.sum().sum()) / _MWH_PER_GWH, "GWh"),
        ("az_green_export_share_pct", _az_green_export_share_pct(h), "%"),
        ("az_green_export_share_target_pct", value("az.green.export_share", unit="%"), "%"),
        (
            f"first_binding_link.{first}.hours_at_limit",
            float(first_row["hours_at_limit"].iloc[0]) if len(first_row) else 0.0,
            "h",
        ),
        ("objective_meur", h.objective_eur / _MWH_PER_TWH, "MEUR"),
        ("hours", float(len(h.flow_mw)), "h"),
    ]
    return rows


def _export_week(h: Hourly) -> int:
    """0-based week whose hourly export varies most (the most telling export stack)."""
    total = sum(h.flow_mw[link].clip(lower=0) for link in ROUTES.values())
    weeks = np.asarray(total.index) // (24 * 7)
    spread = pd.Series(total.to_numpy()).groupby(weeks).std().fillna(0.0)
    return int(spread.idxmax())


def _default_snapshot_hours(h: Hourly) -> list[int]:
    total = sum(h.flow_mw[link].clip(lower=0) for link in ROUTES.values())
    demand = h.demand_mw.sum(axis=1)
    return sorted({int(total.to_numpy().argmax()), int(demand.to_numpy().argmax())})


def _check_snapshot_hours(snapshot_hours: Sequence[int] | None, hours: int) -> None:
    """Each snapshot hour must be a whole hour of the dispatched horizon (0..hours-1)."""
    for t in snapshot_hours or ():
        whole = isinstance(t, (int, np.integer)) and not isinstance(t, bool)
        if not whole or not 0 <= t < hours:
            msg = (
                f"snapshot_hours entry {t!r}: expected an integer hour within 0..{hours - 1} "
                "(0-based, within the dispatched hours)"
            )
            raise SpecError(msg)


def _check_week(week: int | None, hours: int) -> None:
    """Check that the export-stack week is a whole week of the horizon (0-based)."""
    n_weeks = max(1, hours // (24 * 7))
    whole = isinstance(week, (int, np.integer)) and not isinstance(week, bool)
    if week is not None and (not whole or not 0 <= week < n_weeks):
        msg = f"week = {week!r}: expected an integer week within 0..{n_weeks - 1}"
        raise SpecError(msg)


def _check_ratings(name: str, ratings: Iterable[object]) -> None:
    """Cable ratings of the capacity study: finite numbers of MW >= 0."""
    for mw in ratings:
        number = isinstance(mw, (int, float, np.integer, np.floating)) and not isinstance(mw, bool)
        if not number or not np.isfinite(mw) or mw < 0:
            msg = f"{name} entry {mw!r}: expected a finite cable rating in MW >= 0, e.g. 2600"
            raise SpecError(msg)


def snapshots(net: pp.pandapowerNet, h: Hourly, hours: Iterable[int]) -> pd.DataFrame:
    """Run pandapower ``runpp`` (AC) and ``rundcpp`` (DC) at dispatched hours.

    Parameters
    ----------
    net : pandapowerNet
        The net the dispatch `h` was solved on (not modified; copies are solved).
    h : Hourly
        The dispatch.
    hours : iterable of int
        Hours (row positions of the dispatch) to solve.

    Returns
    -------
    DataFrame
        Columns ``hour, method ('ac'|'dc'), element_kind ('bus'|'line'|'dcline'),
        element, vm_pu, va_degree, p_from_mw, pl_mw, loading_pct``.

    Raises
    ------
    ConvergenceError
        If the AC power flow does not converge at an hour.
    """
    rows = []
    for t in hours:
        snap = copy.deepcopy(net)
        names = snap.load.name
        hub_of = dict(zip(names, snap.bus.loc[snap.load.bus, "name"], strict=True))
        snap.load["p_mw"] = [
            float(h.demand_mw.iloc[t][hub_of[n]] - h.unserved_mw.iloc[t][hub_of[n]]) for n in names
        ]
        pf = value("caspian.ac.load_power_factor", unit="-")
        snap.load["q_mvar"] = snap.load["p_mw"] * np.tan(np.arccos(pf))
        snap.sgen["p_mw"] = [float(h.generation_mw.iloc[t][n]) for n in snap.sgen.name]
        snap.gen["p_mw"] = [float(h.generation_mw.iloc[t][n]) for n in snap.gen.name]
        snap.dcline["p_mw"] = [float(h.flow_mw.iloc[t][n]) for n in snap.dcline.name]
        for method in ("ac", "dc"):
            try:
                if method == "ac":
                    pp.runpp(snap, init="dc", max_iteration=30, numba=False)
                else:
                    pp.rundcpp(snap, numba=False)
            except pp.LoadflowNotConverged as err:
                msg = f"snapshot hour {t}: pandapower {method.upper()} power flow did not converge"
                raise ConvergenceError(msg) from err
            for b, r in snap.res_bus.iterrows():
                rows.append(
                    (
                        t,
                        method,
                        "bus",
                        snap.bus.at[b, "name"],
                        r.vm_pu,
                        r.va_degree,
                        np.nan,
                        np.nan,
                        np.nan,
                    )
                )
            for i, r in snap.res_line.iterrows():
                rows.append(
                    (
                        t,
                        method,
                        "line",
                        snap.line.at[i, "name"],
                        np.nan,
                        np.nan,
                        r.p_from_mw,
                        r.pl_mw,
                        r.loading_percent,
                    )
                )
            for i, r in snap.res_dcline.iterrows():
                rows.append(
                    (
                        t,
                        method,
                        "dcline",
                        snap.dcline.at[i, "name"],
                        np.nan,
                        np.nan,
                        r.p_from_mw,
                        r.pl_mw,
                        np.nan,
                    )
                )
    cols = [
        "hour",
        "method",
        "element_kind",
        "element",
        "vm_pu",
        "va_degree",
        "p_from_mw",
        "pl_mw",
        "loading_pct",
    ]
    return pd.DataFrame(rows, columns=cols)


def capacity_study(
    year: int,
    *,
    caspian_mw: Sequence[float],
    black_sea_mw: Sequence[float],
    prof: pd.DataFrame,
    avail: pd.DataFrame | None = None,
    block_hours: int | None = None,
    ramping: bool = False,
    **overrides: float,
) -> pd.DataFrame:
    """Sweep the two cable ratings: exports, curtailment and the binding link at each point.

    Parameters
    ----------
    year : int
        Modelled year.
    caspian_mw, black_sea_mw : sequence of float
        Ratings to try (MW); every combination is dispatched on the same profiles.
    prof : DataFrame
        Hourly profiles (:func:`corridor_sim.models.caspian.profiles`).
    avail : DataFrame, optional
        Link availability (events); default all available.
    block_hours : int, optional
        Hours per LP block.
    ramping : bool, default False
        Thermal ramp limits (see :func:`run_year`).
    **overrides : float
        Other parameter overrides (the cable ratings are set by the sweep).

    Returns
    -------
    DataFrame
        ``caspian_mw, black_sea_mw, exported_twh, export_<route>_twh, europe_intake_twh,
        curtailed_twh, binding_link, cable_capex_meur`` (investment of both cables at
        those ratings: submarine cable per MW-km plus a converter pair per kW, B12).
    """
    _check_ratings("caspian_mw", caspian_mw)
    _check_ratings("black_sea_mw", black_sea_mw)
    if avail is None:
        avail = availability((), len(prof))
    per_mw_km = value("caspian.cost.hvdc_submarine", unit="EUR/MW/km")
    per_kw = value("caspian.cost.hvdc_converter_pair", unit="EUR/kW")
    lengths = {
        "caspian": value("caspian.cable.caspian.length", unit="km"),
        "black_sea": value("caspian.cable.black_sea.length", unit="km"),
    }
    rows = []
    for cm, bm in itertools.product(caspian_mw, black_sea_mw):
        over = {**overrides, "caspian_cable_mw": float(cm), "black_sea_cable_mw": float(bm)}
        net, h = _dispatch_year(year, over, prof, avail, block_hours, ramping=ramping)
        summ = dict((m, v) for m, v, _ in _summary(h, tables.bottlenecks(h, net)))
        capex = sum(
            mw * (lengths[k] * per_mw_km + 1000 * per_kw)
            for k, mw in (("caspian", cm), ("black_sea", bm))
        )
        rows.append(
            {
                "caspian_mw": float(cm),
                "black_sea_mw": float(bm),
                "exported_twh": summ["exported_twh"],
                **{f"export_{r}_twh": summ[f"export_{r}_twh"] for r in ROUTES},
                "europe_intake_twh": summ["europe_intake_twh"],
                "curtailed_twh": summ["curtailed_twh"],
                "binding_link": _first_binding(tables.bottlenecks(h, net)),
                "cable_capex_meur": capex / _MWH_PER_TWH,
            }
        )
    return pd.DataFrame(rows)


def run_year(
    year: int,
    *,
    seed: int = 0,
    hours: int = HOURS_PER_YEAR,
    profile: pd.DataFrame | None = None,
    events: Iterable[EventLike] = (),
    block_hours: int | None = None,
    week: int | None = None,
    snapshot_hours: Sequence[int] | None = None,
    study_caspian_mw: Sequence[float] | None = None,
    study_black_sea_mw: Sequence[float] | None = None,
    ramping: bool = False,
    **overrides: float,
) -> Result:
    """Dispatch the corridor hour by hour for `year` and tabulate flows and bottlenecks.

    Parameters
    ----------
    year : int
        Modelled year (2026 today ... 2032 full build-out).
    seed : int, default 0
        Seed of the generated profiles (ignored when `profile` is given).
    hours : int, default 8760
        Horizon from 1 January 00:00 UTC.
    profile : DataFrame, optional
        Your own hourly profiles with the columns of
        :func:`corridor_sim.models.caspian.profiles` (its first `hours` rows are used).
    events : iterable of EventLike
        Link outages/deratings (``element`` a link id, ``start``/``duration`` in hours).
    block_hours : int, optional
        Hours per LP block (default: one LP per stretch of constant AC availability).
    week : int, optional
        Week shown by the export-stack plot (default: the week whose export varies most).
    snapshot_hours : sequence of int, optional
        Hours for pandapower AC/DC snapshots (default: peak export and peak demand).
    study_caspian_mw, study_black_sea_mw : sequence of float, optional
        Cable ratings for the capacity study (either may be omitted: the year's rating).
    ramping : bool, default False
        Limit each thermal fleet's hourly change (``caspian.gen.gas.ramp_share_per_h``);
        this couples the hours, so the engine solves the horizon as one LP unless
        `block_hours` is given.
    **overrides : float
        Parameter overrides (see :func:`corridor_sim.models.caspian.parameters`).

    Returns
    -------
    Result
        Tables ``flows, utilisation, bottlenecks, prices, unmet, exports, curtailment,
        generation, snapshots`` (and ``capacity_study`` when asked); the summary has
        ``exported_twh``, export per route, ``curtailed_twh``, ``unserved_gwh`` and the
        first binding link; ``meta["dispatch_seconds"]`` is the LP wall time.

    Examples
    --------
    >>> res = run_year(2032, seed=1, hours=168, snapshot_hours=[])
    >>> res.metric("exported_twh") > 0
    True
    """
    from corridor_sim.models.caspian import resolve

    resolve(year, overrides)  # names and values checked before any work
    if profile is None:
        growth = resolve(year, overrides)["demand_growth_pct_per_yr"]
        prof = profiles(year, seed=seed, hours=hours, demand_growth_pct_per_yr=growth)
    else:
        if len(profile) < hours:
            msg = f"profile has {len(profile)} rows: expected at least hours = {hours}"
            raise SpecError(msg)
        prof = profile.iloc[:hours].reset_index(drop=True).rename_axis("hour")
    _check_snapshot_hours(snapshot_hours, hours)
    _check_week(week, hours)
    for name, ratings in (
        ("study_caspian_mw", study_caspian_mw),
        ("study_black_sea_mw", study_black_sea_mw),
    ):
        _check_ratings(name, ratings or ())
    avail = availability(events, hours)
    start = time.perf_counter()
    net, h = _dispatch_year(year, overrides, prof, avail, block_hours, ramping=ramping)
    seconds = time.perf_counter() - start
    bottleneck = tables.bottlenecks(h, net)
    snap_hours = (
        _default_snapshot_hours(h) if snapshot_hours is None else [int(t) for t in snapshot_hours]
    )
    snaps = snapshots(net, h, snap_hours)
    out = {
        "flows": tables.flows(h, net),
        "utilisation": tables.utilisation(h),
        "bottlenecks": bottleneck,
        "prices": tables.prices(h),
        "unmet": tables.unmet(h),
        "exports": tables.exports(h),
        "curtailment": tables.curtailment(h),
        "generation": tables.generation(h),
        "snapshots": snaps,
        "links": net["caspian_links"].copy(),
        "hubs": net["caspian_hubs"].copy(),
    }
    if study_caspian_mw is not None or study_black_sea_mw is not None:
        links = net["caspian_links"].set_index("link")["capacity_mw"]
        out["capacity_study"] = capacity_study(
            year,
            caspian_mw=study_caspian_mw or [float(links["caspian_cable"])],
            black_sea_mw=study_black_sea_mw or [float(links["black_sea_cable"])],
            prof=prof,
            avail=avail,
            block_hours=block_hours,
            ramping=ramping,
            **overrides,
        )
    meta: dict[str, Any] = {
        "model": "caspian",
        "year": int(year),
        "seed": int(seed),
        "hours": int(hours),
        "week": int(_export_week(h) if week is None else week),
        "first_binding_link": _first_binding(bottleneck),
        "dispatch_seconds": seconds,
        "ramping": bool(ramping),
        "objective": "min cost of thermal + lost load - value of energy delivered to Europe",
    }
    rows = _summary(h, bottleneck)
    branches = snaps[(snaps["method"] == "ac") & (snaps["element_kind"] != "bus")]
    for hour, grp in branches.groupby("hour"):
        rows.append((f"snapshot_hour_{hour}.ac_losses_mw", float(grp["pl_mw"].sum()), "MW"))
    return Result(tables=out, summary_table=summary_frame(rows), meta=meta)
