"""Capacity study of the oil route: delivered against offered volume, bottlenecks in sequence."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.engines.commodity import CommodityNetwork, solve
from corridor_sim.engines.commodity import value_at as _at
from corridor_sim.errors import SpecError
from corridor_sim.models.oil.network import (
    SINK,
    SOURCE,
    TERMINAL_ARCS,
    make_slices,
    merge_release_arcs,
    network,
)
from corridor_sim.models.oil.params import PARAMS, per_day_kt
from corridor_sim.models.params import ParamValues
from corridor_sim.models.toolkit.commodity import period_max_flows
from corridor_sim.units import THOUSAND, days_in_year

__all__ = [
    "baku_stream",
    "bottleneck_sequence",
    "default_volumes",
    "route_capacity",
    "volume_sweep",
]

#: Route terminals: delivered by the Caspian route.
_ROUTE_TERMINALS = ("ceyhan", "supsa")


def _spec(year: int, overrides: dict[str, Any]) -> ParamValues:
    return PARAMS.resolve(year, overrides)


def baku_stream(net: CommodityNetwork) -> CommodityNetwork:
    """Return the network as the Baku stream sees it: the Makhachkala booking served first.

    The booked Makhachkala outlet is cheaper than BTC, so the LP fills it first; for the
    max-flow capacity of the route to Ceyhan and Supsa its monthly flow (the booking, or
    what its tankers can carry) is taken off the Aktau berths.
    """
    n = net.n_periods
    lane, booked, berth = (
        net.arc("makhachkala_lane"),
        net.node("makhachkala"),
        net.arc("aktau_loading"),
    )
    taken = [
        min(_at(booked.demand, k), _at(lane.capacity, k) * _at(lane.availability, k))
        for k in range(n)
    ]
    left = tuple(max(_at(berth.capacity, k) - taken[k], 0.0) for k in range(n))
    return net.with_arc("aktau_loading", capacity=left)


def route_capacity(
    year: int,
    *,
    relieve: Iterable[str] = (),
    months: int = 12,
    **overrides: Any,  # noqa: ANN401
) -> dict[str, Any]:
    """Largest yearly volume the route can move, from the engine's max flow in every month.

    Parameters
    ----------
    year : int
        Model year.
    relieve : iterable of str
        Arcs whose capacity is lifted first.
    months : int, default 12
        Horizon.
    **overrides
        parameters of :data:`~corridor_sim.models.oil.params.PARAMS`.

    Returns
    -------
    dict
        ``capacity_mt_per_yr`` (sum of monthly max flows, Mt), ``first_shortfall_mt_per_yr``
        (the offered yearly volume at which the tightest month is first full),
        ``cut_arcs`` (the min cut found in most months, a tuple of arc ids),
        ``cuts`` (the cut of every month).
    """
    spec = _spec(year, overrides)
    slices = make_slices(year, months)
    net = baku_stream(network(spec, slices, relieve=relieve))
    values, cuts = period_max_flows(net, SOURCE, SINK)
    if np.isinf(values).any():
        return {
            "capacity_mt_per_yr": math.inf,
            "first_shortfall_mt_per_yr": math.inf,
            "cut_arcs": (),
            "cuts": [()] * len(slices),
        }
    per_day = values / np.array([s.days for s in slices])
    common = Counter(cuts).most_common(1)[0][0]
    return {
        "capacity_mt_per_yr": float(values.sum()) / THOUSAND * 12 / months,
        "first_shortfall_mt_per_yr": float(per_day.min()) * days_in_year(year) / THOUSAND,
        "cut_arcs": common,
        "cuts": cuts,
    }


def volume_sweep(
    year: int,
    volumes: Sequence[float],
    *,
    relieve: Iterable[str] = (),
    months: int = 12,
    **overrides: Any,  # noqa: ANN401
) -> pd.DataFrame:
    """Solve the route for each offered yearly volume.

    Parameters
    ----------
    year : int
        Model year.
    volumes : sequence of float
        Kazakh volumes offered to the route (Mt/yr), each >= 0.
    relieve : iterable of str
        Arcs whose capacity is lifted.
    months : int, default 12
        Horizon.
    **overrides
        parameters of :data:`~corridor_sim.models.oil.params.PARAMS`
        (``kazakh_volume_mt_per_yr`` is set by the sweep).

    Returns
    -------
    pandas.DataFrame
        ``offered_mt_per_yr``, ``delivered_mt`` (Ceyhan + Supsa), ``unmet_mt``,
        ``via_supsa_mt``, ``bottleneck`` (the engine's top-ranked binding arc, or ``""``).

    Examples
    --------
    >>> frame = volume_sweep(2025, [1.0, 10.0])
    >>> frame["bottleneck"].tolist()
    ['', 'tanker_lane']
    """
    relieve = tuple(relieve)
    base = _spec(year, overrides)
    slices = make_slices(year, months)
    rows = []
    for vol in volumes:
        if isinstance(vol, bool) or not isinstance(vol, (int, float)) or not vol >= 0:
            msg = f"volumes: {vol!r}: expected offered volumes in Mt/yr >= 0"
            raise SpecError(msg)
        net = network(base.replace(kazakh_volume_mt_per_yr=float(vol)), slices, relieve=relieve)
        sol = solve(net, name=f"oil_sweep_{vol:g}")
        flows = sol.flows
        by_arc = flows.groupby("element")["flow_kt"].sum()
        delivered = sum(float(by_arc.get(TERMINAL_ARCS[t], 0)) for t in _ROUTE_TERMINALS)
        delivered /= THOUSAND
        offered = per_day_kt(year, float(vol)) * sum(s.days for s in slices) / THOUSAND
        ranked = merge_release_arcs(sol.bottlenecks)
        top = "" if ranked.empty else str(ranked.iloc[0]["element"])
        rows.append(
            (
                float(vol),
                offered,
                delivered,
                max(offered - delivered, 0),
                float(by_arc.get("supsa_export", 0)) / THOUSAND,
                top,
            )
        )
    columns = [
        "offered_mt_per_yr",
        "offered_mt",
        "delivered_mt",
        "unmet_mt",
        "via_supsa_mt",
        "bottleneck",
    ]
    return pd.DataFrame(rows, columns=columns)


def default_volumes(capacities: Sequence[float], *, n: int = 24) -> list[float]:
    """Log-spaced offered volumes from well below the first capacity to past the last finite one."""
    finite = [c for c in capacities if math.isfinite(c) and c > 0]
    if not finite:
        return [1, 2]
    low, high = min(finite) / 4, max(finite) * 3 / 2
    return [round(float(v), 4) for v in np.geomspace(low, high, n)]


def bottleneck_sequence(
    year: int,
    *,
    steps: int = 4,
    volumes: Sequence[float] | None = None,
    months: int = 12,
    **overrides: Any,  # noqa: ANN401
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Find the route's bottleneck, relieve it, find the next one, and so on.

    At each stage the route capacity is the sum of the engine's monthly maximum
    flows (:func:`corridor_sim.engines.commodity.max_flow`) from ``kazakh_fields``
    to ``world_market``; the bottleneck is its minimum cut. The LP is then solved
    with ``oil.study.overload_factor`` (1.1 x) that capacity offered, and its top-ranked binding
    arc (largest shadow price) is reported next to the cut. The cut's arcs are
    then lifted to unlimited capacity for the next stage.

    Parameters
    ----------
    year : int
        Model year.
    steps : int, default 4
        Largest number of stages (stops earlier when nothing limits the route).
    volumes : sequence of float, optional
        Offered volumes (Mt/yr) for the delivered-versus-offered curves; default
        log-spaced around the capacities found.
    months : int, default 12
        Horizon.
    **overrides
        parameters of :data:`~corridor_sim.models.oil.params.PARAMS`.

    Returns
    -------
    (sequence, sweep) : tuple of DataFrame
        `sequence`: ``stage``, ``relieved``, ``bottleneck`` (cut arcs joined by ``+``),
        ``capacity_mt_per_yr``, ``first_shortfall_mt_per_yr``, ``lp_bottleneck``,
        ``shadow_price_usd_per_t``. `sweep`: :func:`volume_sweep` rows with a ``stage`` column.

    Examples
    --------
    >>> seq, _ = bottleneck_sequence(2025, steps=2, volumes=[1.0])
    >>> seq["bottleneck"].tolist()
    ['tanker_lane', 'aktau_loading']
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        msg = f"steps = {steps!r}: expected a positive number of stages"
        raise SpecError(msg)
    relieved: list[str] = []
    rows = []
    for stage in range(steps):
        cap = route_capacity(year, relieve=relieved, months=months, **overrides)
        if not math.isfinite(cap["capacity_mt_per_yr"]):
            break
        overload = value("oil.study.overload_factor", unit="-")
        load = {**overrides, "kazakh_volume_mt_per_yr": overload * cap["capacity_mt_per_yr"]}
        net = network(_spec(year, load), make_slices(year, months), relieve=relieved)
        top = merge_release_arcs(solve(net, name=f"oil_stage_{stage}").bottlenecks)
        rows.append(
            (
                stage,
                "+".join(relieved),
                "+".join(cap["cut_arcs"]),
                cap["capacity_mt_per_yr"],
                cap["first_shortfall_mt_per_yr"],
                "" if top.empty else str(top.iloc[0]["element"]),
                float("nan") if top.empty else float(top.iloc[0]["shadow_price_mean_usd_per_t"]),
            )
        )
        relieved = [*relieved, *cap["cut_arcs"]]
    columns = [
        "stage",
        "relieved",
        "bottleneck",
        "capacity_mt_per_yr",
        "first_shortfall_mt_per_yr",
        "lp_bottleneck",
        "shadow_price_usd_per_t",
    ]
    sequence = pd.DataFrame(rows, columns=columns)
    if volumes is None:
        volumes = default_volumes(sequence["capacity_mt_per_yr"].tolist())
    frames = []
    for row in sequence.itertuples(index=False):
        relieve = [a for a in row.relieved.split("+") if a]
        frame = volume_sweep(year, volumes, relieve=relieve, months=months, **overrides)
        frame.insert(0, "stage", row.stage)
        frame.insert(1, "relieved", row.relieved)
        frames.append(frame)
    sweep = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return sequence, sweep
