"""One Caspian corridor run: a year of hourly dispatch, its tables and summary.

:func:`run_year` is the Python entry point (accepts a user profile DataFrame);
:func:`simulate` reads a scenario (options, events) and calls it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from corridor_sim.errors import ScenarioError, SpecError, UnknownNameError
from corridor_sim.models.caspian import origin_tables, tables
from corridor_sim.models.caspian.dispatch import availability, dispatch_year
from corridor_sim.models.caspian.network import LINKS, cbam_eur_per_mwh
from corridor_sim.models.caspian.origin import trace
from corridor_sim.models.caspian.params import (
    HOURS_PER_YEAR,
    check_hours,
    resolve_options,
    resolve_year,
)
from corridor_sim.models.caspian.powerflow import snapshots
from corridor_sim.models.caspian.profiles import profiles
from corridor_sim.models.caspian.sizing import optimise, sample_hours
from corridor_sim.models.caspian.study import capacity_study
from corridor_sim.models.caspian.summary import (
    export_week,
    exports_by_destination,
    origin_rows,
    snapshot_roles,
    snapshot_rows,
    summary_rows,
)
from corridor_sim.models.caspian.validation import validation
from corridor_sim.models.toolkit.commodity import event_cuts
from corridor_sim.results.result import Result, summary_frame

if TYPE_CHECKING:
    from corridor_sim.models.base import EventLike, ScenarioLike

__all__ = ["run_year", "simulate"]


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
    sizing: bool = False,
    sizing_weeks: int | None = None,
    **overrides: Any,
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
        Hours for pandapower AC/DC snapshots (default: peak export and peak demand;
        ``[]`` for none).
    study_caspian_mw, study_black_sea_mw : sequence of float, optional
        Cable ratings for the capacity study (either may be omitted: the year's rating).
    ramping : bool, default False
        Limit each thermal fleet's hourly change (``caspian.gen.gas.ramp_share_per_h``);
        this couples the hours, so the engine solves the horizon as one LP unless
        `block_hours` is given.
    sizing : bool, default False
        Optimise the ratings of the links of :data:`.costs.EXPANDABLE` with the dispatch
        (:func:`corridor_sim.models.caspian.sizing.optimise`): table ``sizing`` and the
        ``optimal_*`` and ``sizing_*`` summary rows.
    sizing_weeks : int, optional
        Weeks spread over the horizon that the sizing (and a capacity study in the same
        run) solves; default every hour.
    **overrides : float
        Parameter overrides (see :func:`corridor_sim.models.caspian.parameters`).

    Returns
    -------
    Result
        Standard tables ``flows``, ``utilisation``, ``prices``, ``unmet``, ``bottlenecks``
        (shared schema, see ``docs/caspian.md``) and ``link_statistics``, ``exports``,
        ``curtailment``, ``generation``, ``snapshots``, ``links``, ``hubs`` (and
        ``capacity_study`` when asked); the summary has ``exported_twh``, export per route,
        ``curtailed_twh``, ``unserved_gwh`` and ``bottleneck_hours_at_limit`` (the
        bottleneck, :func:`.tables.bottleneck`, in ``element``; also
        ``meta["bottleneck"]``); ``meta["dispatch_seconds"]`` is the build and LP wall time.

    Raises
    ------
    SpecError
        A bad year, horizon, option value (named ``options.<name>``), override or profile.
    UnknownNameError
        An override that is not a parameter.
    ScenarioError
        An event on an unknown link or with an availability outside 0..1.

    Examples
    --------
    >>> res = run_year(2032, seed=1, hours=168, snapshot_hours=[])
    >>> res.metric("exported_twh") > 0
    True
    """
    p = resolve_year(year, overrides)  # names and values checked before any work
    hours = check_hours(hours)
    given = {
        "week": week,
        "snapshot_hours": snapshot_hours,
        "study_caspian_mw": study_caspian_mw,
        "study_black_sea_mw": study_black_sea_mw,
        "block_hours": block_hours,
        "ramping": ramping,
        "sizing": sizing,
        "sizing_weeks": sizing_weeks,
    }
    opts = resolve_options({k: v for k, v in given.items() if v is not None}, hours)
    if profile is None:
        prof = profiles(p.year, seed=seed, hours=hours, params=p)
    else:
        if len(profile) < hours:
            msg = f"profile has {len(profile)} rows: expected at least hours = {hours}"
            raise SpecError(msg)
        prof = profile.iloc[:hours].reset_index(drop=True).rename_axis("hour")
    avail = availability(events, hours)
    start = time.perf_counter()
    net, h = dispatch_year(p, prof, avail, opts["block_hours"], ramping=opts["ramping"])
    seconds = time.perf_counter() - start
    ranking = tables.bottlenecks(h, net)
    origins = trace(h, net["caspian_links"])
    roles = snapshot_roles(opts["snapshot_hours"], h)
    snap_hours = sorted(set(roles.values())) if opts["snapshot_hours"] is None else roles.values()
    snaps = snapshots(net, h, snap_hours, p.year)
    links = net["caspian_links"].copy()
    by_source = origin_tables.origin_by_source(origins)
    stats = tables.link_statistics(h)
    stats["forward_green_share_pct"] = origin_tables.forward_green_share_pct(
        by_source, list(stats["element"])
    ).to_numpy()
    out = {
        "flows": tables.flows(h, net, p.year),
        "utilisation": tables.utilisation(h, p.year),
        "link_statistics": stats,
        "bottlenecks": ranking,
        "prices": tables.prices(h, p.year),
        "unmet": tables.unmet(h, p.year),
        "exports": tables.exports(h, p.year),
        "exports_by_destination": exports_by_destination(origins, stats),
        "origin": origin_tables.origin(origins, p.year),
        "export_origin": origin_tables.export_origin(origins, p.year),
        "origin_by_source": by_source,
        "curtailment": tables.curtailment(h, p.year),
        "generation": tables.generation(h, p.year),
        "snapshots": snaps,
        "links": links,
        "hubs": net["caspian_hubs"].copy(),
    }
    out["validation"] = validation(p.year, stats, out["generation"])
    sized = []
    if opts["sizing"]:
        result = optimise(p.year, prof=prof, avail=avail, weeks=opts["sizing_weeks"], **overrides)
        out["sizing"] = result.table
        sized = result.rows
    if opts["study_caspian_mw"] is not None or opts["study_black_sea_mw"] is not None:
        rating = links.set_index("element")["capacity_mw"]
        picked = sample_hours(hours, opts["sizing_weeks"])
        out["capacity_study"] = capacity_study(
            p.year,
            caspian_mw=opts["study_caspian_mw"] or [float(rating["caspian_cable"])],
            black_sea_mw=opts["study_black_sea_mw"] or [float(rating["black_sea_cable"])],
            prof=prof.iloc[picked].reset_index(drop=True).rename_axis("hour"),
            avail=avail.iloc[picked].reset_index(drop=True).rename_axis("hour"),
            block_hours=opts["block_hours"],
            ramping=opts["ramping"],
            **overrides,
        )
    week = opts["week"]
    meta: dict[str, Any] = {
        "model": "caspian",
        "year": p.year,
        "seed": int(seed),
        "hours": hours,
        "week": int(export_week(h) if week is None else week),
        "bottleneck": tables.bottleneck(ranking),  # what sweeps and Monte Carlo tabulate
        "snapshot_hours": dict(roles),
        "dispatch_seconds": seconds,
        "ramping": bool(opts["ramping"]),
        "export_rule": p["export_rule"],
        "cbam": bool(p["cbam"]),
        "objective": "min cost of thermal + lost load + HVDC charges - value of the energy "
        "Europe (hourly price) and the market ties take",
    }
    rows = [
        *summary_rows(h, ranking, stats),
        *origin_rows(h, origins, p, cbam_eur_per_mwh(p), stats),
        *sized,
        *snapshot_rows(snaps, roles),
    ]
    return Result(tables=out, summary_table=summary_frame(rows), meta=meta)


def simulate(scenario: ScenarioLike) -> Result:
    """Run a caspian scenario: overrides, events, options -> :func:`run_year`.

    Parameters
    ----------
    scenario : ScenarioLike
        ``year``, ``overrides`` (see :func:`corridor_sim.models.caspian.parameters`),
        ``periods`` (hours, default 8760), ``seed``, ``events`` (link id, start hour,
        duration in hours, availability 0..1) and ``options`` (see
        :data:`corridor_sim.models.caspian.params.OPTIONS`).

    Returns
    -------
    Result
        The tables of :func:`run_year` (``flows``, ``exports``, ``curtailment``,
        ``bottlenecks``, ``snapshots``, ...) and its summary (TWh, %, MW, EUR);
        ``meta["bottleneck"]`` names the binding export link.

    Raises
    ------
    ScenarioError
        Unknown option or option value, horizon over a year, a resolution other than
        ``"hour"``, an event on an unknown link.
    SpecError, UnknownNameError
        A bad override (from :func:`run_year`).

    Examples
    --------
    A day instead of the year (a full year takes a minute):

    >>> import corridor_sim as cs
    >>> scenario = cs.Scenario(model="caspian", year=2032, periods=24,
    ...                        options={"snapshot_hours": [12]})
    >>> r = simulate(scenario)
    >>> r.meta["bottleneck"], r.summary_table.iloc[0]["metric"]
    ('tr_eu', 'exported_twh')
    """
    hours = int(scenario.periods or HOURS_PER_YEAR)
    if hours > HOURS_PER_YEAR:
        msg = f"periods = {hours}: the caspian model runs at most one year ({HOURS_PER_YEAR} hours)"
        raise ScenarioError(msg)
    if scenario.resolution not in (None, "hour"):
        msg = f"resolution = {scenario.resolution!r}: the caspian model is hourly, expected 'hour'"
        raise ScenarioError(msg)
    try:
        opts = resolve_options(scenario.options, hours)
    except (SpecError, UnknownNameError) as err:
        raise ScenarioError(str(err)) from err
    # unknown links, events outside the horizon and `days` on hours are errors, not no-ops
    event_cuts(
        list(scenario.events),
        hours,
        elements=LINKS,
        year=int(scenario.year),
        resolution="hour",
        model="caspian",
    )
    return run_year(
        int(scenario.year),
        seed=int(scenario.seed),
        hours=hours,
        events=scenario.events,
        **opts,
        **dict(scenario.overrides),
    )
