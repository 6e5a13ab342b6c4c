"""One capacity study for every commodity corridor: capacity, volume sweep, bottleneck sequence.

The capacity of a corridor over a horizon is the sum of the engine's monthly maximum flows
from its source to its sink, annualised by one rule: Mt over the horizon's days times the
days of the year (:func:`corridor_capacity`). The bottleneck is each month's minimum cut;
the one found in most months is relieved and the next is sought (:func:`bottleneck_sequence`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.engines.commodity import CommodityNetwork, solve
from corridor_sim.errors import SpecError, is_number
from corridor_sim.models.toolkit.calendar import month_slices
from corridor_sim.models.toolkit.commodity import period_max_flows
from corridor_sim.units import THOUSAND, days_in_year

if TYPE_CHECKING:
    from corridor_sim.models.toolkit.corridor import Corridor

__all__ = [
    "SEQUENCE_COLUMNS",
    "SWEEP_COLUMNS",
    "annualise",
    "bottleneck_sequence",
    "corridor_capacity",
    "default_volumes",
    "volume_sweep",
]

#: Columns of the bottleneck sequence (a corridor's ``CAPACITY_UNITS`` add more).
SEQUENCE_COLUMNS = (
    "stage",
    "relieved",
    "bottleneck",
    "capacity_mt_per_yr",
    "first_shortfall_mt_per_yr",
    "lp_bottleneck",
    "shadow_price_usd_per_t",
)
#: Columns of a volume sweep.
SWEEP_COLUMNS = ("offered_mt_per_yr", "offered_mt", "delivered_mt", "unmet_mt", "bottleneck")
#: Offered volumes of a default sweep.
DEFAULT_SWEEP_POINTS = 16


def annualise(kt: float, days: float, year: int) -> float:
    """Return `kt` moved over `days` as Mt per year of `year` (the one annualisation rule).

    Examples
    --------
    >>> annualise(1000.0, 182.5, 2025)
    2.0
    """
    return kt / THOUSAND * days_in_year(year) / days


def _closed_outside(corridor: Corridor, net: CommodityNetwork) -> CommodityNetwork:
    for a in corridor.topology.arcs:
        if a.outside and a.id in net.arc_ids:
            net = net.with_arc(a.id, capacity=0.0)
    view = getattr(corridor.hook, "capacity_view", None)
    return net if view is None else view(net)


def corridor_capacity(
    corridor: Corridor,
    year: int,
    *,
    relieve: Iterable[str] = (),
    months: int = 12,
    **overrides: Any,
) -> dict[str, Any]:
    """Largest yearly volume the corridor can move, from the engine's max flow in every month.

    Arcs outside the corridor (a competing route) are closed, and the corridor hook's
    ``capacity_view`` applied, before the max flows.

    Parameters
    ----------
    corridor : Corridor
        The corridor (left out when called as ``oil.route_capacity`` or
        ``middle_corridor.corridor_capacity``, which are bound to theirs).
    year : int
        Model year.
    relieve : iterable of str, optional
        Arc ids lifted to unlimited capacity (what if this bottleneck were gone?).
    months : int, default 12
        Months from January; the capacity is annualised over them.
    **overrides
        The corridor's parameters (names as in its ``parameters``).

    Returns
    -------
    dict
        ``capacity_mt_per_yr`` (annualised sum of monthly max flows),
        ``first_shortfall_mt_per_yr`` (the offered yearly volume at which the tightest month
        is first full), ``cut_arcs`` (the min cut found in most months), ``cuts`` (every
        month's cut).

    Raises
    ------
    UnknownNameError
        An override that is not a parameter of the corridor.
    SpecError
        A bad year or value.

    Examples
    --------
    >>> from corridor_sim.models import oil
    >>> cap = oil.route_capacity(2025, months=2)
    >>> round(cap["capacity_mt_per_yr"], 2), cap["cut_arcs"]
    (2.33, ('tanker_lane',))
    """
    p = corridor.params.resolve(year, overrides)
    slices = month_slices(year, months)
    net = _closed_outside(corridor, corridor.network(p, slices, relieve=relieve))
    values, cuts = period_max_flows(net, corridor.source, corridor.sink)
    if np.isinf(values).any():
        return {
            "capacity_mt_per_yr": math.inf,
            "first_shortfall_mt_per_yr": math.inf,
            "cut_arcs": (),
            "cuts": [()] * len(slices),
        }
    days = np.array([s.days for s in slices])
    return {
        "capacity_mt_per_yr": annualise(float(values.sum()), float(days.sum()), year),
        "first_shortfall_mt_per_yr": annualise(float((values / days).min()), 1.0, year),
        "cut_arcs": Counter(cuts).most_common(1)[0][0],
        "cuts": cuts,
    }


def volume_sweep(
    corridor: Corridor,
    year: int,
    volumes: Sequence[float],
    *,
    relieve: Iterable[str] = (),
    months: int = 12,
    **overrides: Any,
) -> pd.DataFrame:
    """Solve the corridor for each offered yearly volume (the corridor's `volume` parameter).

    Parameters
    ----------
    corridor : Corridor
        The corridor.
    year : int
        Model year.
    volumes : sequence of float
        Offered volumes (Mt/yr).
    relieve : iterable of str, optional
        Arc ids lifted to unlimited capacity.
    months : int, default 12
        Horizon.
    **overrides
        The corridor's parameters.

    Returns
    -------
    pandas.DataFrame
        ``offered_mt_per_yr``, ``offered_mt`` (over the horizon), ``delivered_mt`` (flow on
        the arcs marked ``delivered``), ``unmet_mt``, ``bottleneck`` (the engine's top-ranked
        binding arc, or ``""``).

    Raises
    ------
    SpecError
        A volume that is not a number >= 0.

    Examples
    --------
    >>> from corridor_sim.models import oil
    >>> sweep = oil.volume_sweep(2025, [1.0, 2.0])
    >>> sweep["offered_mt_per_yr"].tolist()
    [1.0, 2.0]
    """
    relieve = tuple(relieve)
    fixed = {**overrides, **getattr(corridor.hook, "SWEEP_OVERRIDES", {})}
    slices = month_slices(year, months)
    horizon = sum(s.days for s in slices) / days_in_year(year)
    delivered_arcs = [a.id for a in corridor.topology.arcs if a.delivered]
    rows = []
    for vol in volumes:
        if not is_number(vol) or not vol >= 0:
            msg = f"volumes: {vol!r}: expected offered volumes in Mt/yr >= 0"
            raise SpecError(msg)
        p = corridor.params.resolve(year, {**fixed, corridor.volume: float(vol)})
        sol = solve(corridor.network(p, slices, relieve=relieve), name=f"sweep_{vol:g}")
        by_arc = sol.flows.groupby("element")["flow_kt"].sum()
        delivered = sum(float(by_arc.get(a, 0.0)) for a in delivered_arcs) / THOUSAND
        offered = float(vol) * horizon
        top = corridor.bottleneck(corridor.tidy(sol.bottlenecks))
        rows.append((float(vol), offered, delivered, max(offered - delivered, 0.0), top))
    return pd.DataFrame(rows, columns=list(SWEEP_COLUMNS))


def default_volumes(capacities: Sequence[float], *, n: int = DEFAULT_SWEEP_POINTS) -> list[float]:
    """Log-spaced offered volumes from a quarter of the first capacity to 1.5 x the last.

    Examples
    --------
    >>> v = default_volumes([2.0, 4.0], n=3)
    >>> v[0], v[-1]
    (0.5, 6.0)
    """
    finite = [c for c in capacities if math.isfinite(c) and c > 0]
    if not finite:
        return [1.0, 2.0]
    return [round(float(v), 4) for v in np.geomspace(min(finite) / 4, max(finite) * 1.5, n)]


def _lp_stage(
    corridor: Corridor,
    year: int,
    capacity: float,
    relieved: Sequence[str],
    months: int,
    overrides: dict[str, Any],
) -> tuple[str, float]:
    """Top-ranked binding arc and its shadow price with overload x `capacity` offered."""
    if corridor.overload is None:
        return "", float("nan")
    load = {**overrides, corridor.volume: value(corridor.overload, unit="-") * capacity}
    p = corridor.params.resolve(year, load)
    net = corridor.network(p, month_slices(year, months), relieve=relieved)
    top = corridor.tidy(solve(net, name=f"{corridor.name}_stage").bottlenecks)
    element = corridor.bottleneck(top)
    if not element:
        return "", float("nan")
    row = top[top["element"] == element].iloc[0]
    return element, float(row["shadow_price_mean_usd_per_t"])


def bottleneck_sequence(
    corridor: Corridor,
    year: int,
    *,
    steps: int = 4,
    volumes: Sequence[float] | None = None,
    months: int = 12,
    **overrides: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Find the corridor's bottleneck (min cut), relieve it, find the next, and so on.

    At each stage the capacity is :func:`corridor_capacity`; when the corridor names an
    overload factor, the LP is also solved with that factor times the capacity offered
    and its top-ranked binding arc reported (``lp_bottleneck``). The cut's arcs are
    lifted to unlimited capacity for the next stage; the study stops early when nothing
    limits the corridor.

    Parameters
    ----------
    corridor : Corridor
        The corridor.
    year : int
        Model year.
    steps : int, default 4
        Largest number of stages.
    volumes : sequence of float, optional
        Offered volumes (Mt/yr) of the delivered-versus-offered curves; default
        :func:`default_volumes` of the capacities found.
    months : int, default 12
        Horizon.
    **overrides
        The corridor's parameters.

    Returns
    -------
    (sequence, sweep) : tuple of DataFrame
        `sequence`: :data:`SEQUENCE_COLUMNS` plus the corridor's ``CAPACITY_UNITS``;
        `sweep`: :func:`volume_sweep` rows with ``stage`` and ``relieved``.

    Raises
    ------
    SpecError
        `steps` not a positive integer.

    Examples
    --------
    >>> from corridor_sim.models import oil
    >>> sequence, sweep = oil.bottleneck_sequence(2025, steps=2)
    >>> len(sequence) <= 2
    True
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        msg = f"steps = {steps!r}: expected a positive number of stages"
        raise SpecError(msg)
    relieved: list[str] = []
    rows = []
    for stage in range(steps):
        cap = corridor_capacity(corridor, year, relieve=relieved, months=months, **overrides)
        if not math.isfinite(cap["capacity_mt_per_yr"]) or not cap["cut_arcs"]:
            break
        lp = _lp_stage(corridor, year, cap["capacity_mt_per_yr"], relieved, months, overrides)
        rows.append(
            (
                stage,
                "+".join(relieved),
                "+".join(cap["cut_arcs"]),
                cap["capacity_mt_per_yr"],
                cap["first_shortfall_mt_per_yr"],
                *lp,
            )
        )
        relieved = [*relieved, *cap["cut_arcs"]]
    sequence = pd.DataFrame(rows, columns=list(SEQUENCE_COLUMNS))
    p = corridor.params.resolve(year, overrides)
    for column, factor in getattr(corridor.hook, "CAPACITY_UNITS", {}).items():
        sequence[column] = sequence["capacity_mt_per_yr"] * factor(p)
    if volumes is None:
        volumes = default_volumes(sequence["capacity_mt_per_yr"].tolist())
    frames = []
    for row in sequence.itertuples(index=False):
        relieve = [a for a in row.relieved.split("+") if a]
        frame = volume_sweep(corridor, year, volumes, relieve=relieve, months=months, **overrides)
        frame.insert(0, "stage", row.stage)
        frame.insert(1, "relieved", row.relieved)
        frames.append(frame)
    sweep = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return sequence, sweep
