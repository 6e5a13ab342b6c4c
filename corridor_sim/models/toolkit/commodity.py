"""What every commodity-network model does around the engine.

Oil, the user-described commodity network and the next corridor all turn scenario events
into per-slice availability (cutting periods at event days), name node positions from the
catalogue, and report per-slice engine tables again by whole period. Those steps live here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from corridor_sim.catalogue import value
from corridor_sim.engines.commodity import CommodityNetwork, max_flow, value_at
from corridor_sim.errors import ScenarioError, suggest
from corridor_sim.models.base import EventLike
from corridor_sim.models.toolkit.calendar import Slice, period_days

__all__ = [
    "apply_availability",
    "by_period",
    "coordinates",
    "event_availability",
    "event_cuts",
    "nodes_table",
    "slice_columns",
    "split_network",
]

#: Node and arc fields that are volumes per period (split in proportion to a slice's days).
_VOLUME_FIELDS = {"node": ("supply", "demand"), "arc": ("capacity",)}


def event_cuts(
    events: Sequence[EventLike],
    n_periods: int,
    *,
    elements: Iterable[str],
    year: int,
    resolution: str = "month",
    model: str = "",
) -> dict[int, set[float]]:
    """Check `events` against the horizon and return where their ``days`` cut the periods.

    Raises
    ------
    ScenarioError
        An unknown element, a period outside the horizon, or ``days`` longer than the
        period, naming ``events[i]``.
    """
    known = list(elements)
    cuts: dict[int, set[float]] = {}
    for i, event in enumerate(events):
        if event.element not in known:
            what = f"of model {model!r}" if model else "of the network"
            msg = (
                f"events[{i}].element = {event.element!r}: unknown element {what}, "
                f"{suggest(event.element, known)}"
            )
            raise ScenarioError(msg)
        last = event.start + event.duration - 1
        if event.start < 0 or last >= n_periods:
            msg = (
                f"events[{i}] ({event.element!r}): periods {event.start}..{last} are outside "
                f"the horizon of {n_periods} {resolution}s (0..{n_periods - 1})"
            )
            raise ScenarioError(msg)
        if event.days is None:
            continue
        if resolution == "hour":
            msg = (
                f"events[{i}] ({event.element!r}): days = {event.days!r} does not fit hourly "
                "periods; expected availability (a fraction 0..1) instead"
            )
            raise ScenarioError(msg)
        for m in range(event.start, last + 1):
            length = period_days(resolution, year, m)
            if event.days > length:
                msg = (
                    f"events[{i}] ({event.element!r}): days = {event.days:g} is longer than "
                    f"period {m} ({length:g} days); expected 0..{length:g}"
                )
                raise ScenarioError(msg)
            cuts.setdefault(m, set()).add(float(event.days))
    return cuts


def event_availability(
    events: Sequence[EventLike], slices: Sequence[Slice]
) -> dict[str, list[float]]:
    """Per-slice availability factor of each element named by `events` (1 where untouched).

    An event with ``days`` takes its element out for the first ``days`` days of every
    period it covers (the periods are cut there, see :func:`event_cuts`); without
    ``days`` its ``availability`` multiplies the element's availability in those periods.
    """
    out: dict[str, list[float]] = {}
    for event in events:
        factors = out.setdefault(event.element, [1.0] * len(slices))
        for k, s in enumerate(slices):
            if event.start <= s.month < event.start + event.duration:
                if event.days is None:
                    factors[k] *= float(event.availability)
                elif s.first_day < event.days:
                    factors[k] = 0.0
    return out


def _split(values: Any, slices: Sequence[Slice], share: np.ndarray, n: int) -> Any:
    """Per-period volumes (scalar or tuple) -> per-slice volumes in proportion to days."""
    per_period = np.broadcast_to(np.asarray(values, dtype=float), (n,))
    months = np.array([s.month for s in slices])
    with np.errstate(invalid="ignore"):
        out = np.where(np.isinf(per_period[months]), per_period[months], per_period[months] * share)
    return tuple(float(v) for v in out)


def _spread(values: Any, slices: Sequence[Slice]) -> Any:
    """Per-period fractions -> the same fraction in every slice of the period."""
    if not isinstance(values, tuple):
        return values
    return tuple(values[s.month] for s in slices)


def split_network(net: CommodityNetwork, slices: Sequence[Slice]) -> CommodityNetwork:
    """Return the network over `slices` instead of its own periods.

    Volumes per period (supply, demand, arc capacity) are split in proportion to each
    slice's share of its period's days; availabilities hold in every slice of their
    period; costs and storage are unchanged. Slices that are whole periods leave the
    network as it was (with the slices' snapshots).
    """
    n = net.n_periods
    if len(slices) == n and all(math.isclose(s.days, s.month_days) for s in slices):
        return _retime(net, slices, net.nodes, net.arcs)
    share = np.array([s.days / s.month_days for s in slices])
    nodes = tuple(
        _with(node, {f: _split(getattr(node, f), slices, share, n) for f in _VOLUME_FIELDS["node"]})
        for node in net.nodes
    )
    arcs = tuple(
        _with(
            arc,
            {
                "capacity": _split(arc.capacity, slices, share, n),
                "availability": _spread(arc.availability, slices),
            },
        )
        for arc in net.arcs
    )
    return _retime(net, slices, nodes, arcs)


def _with(item: Any, changes: Mapping[str, Any]) -> Any:
    import dataclasses

    return dataclasses.replace(item, **changes)


def _retime(
    net: CommodityNetwork, slices: Sequence[Slice], nodes: tuple[Any, ...], arcs: tuple[Any, ...]
) -> CommodityNetwork:
    import dataclasses

    return dataclasses.replace(
        net,
        nodes=nodes,
        arcs=arcs,
        periods=tuple(s.label for s in slices),
        snapshots=tuple(s.start for s in slices),
    )


def apply_availability(
    net: CommodityNetwork, availability: Mapping[str, Sequence[float]]
) -> CommodityNetwork:
    """Multiply per-slice event availability into the arcs' own availability."""
    n = net.n_periods
    for arc_id, factors in availability.items():
        arc = net.arc(arc_id)
        own = np.broadcast_to(np.asarray(arc.availability, dtype=float), (n,))
        net = net.with_arc(arc_id, availability=tuple((own * np.asarray(factors)).tolist()))
    return net


def slice_columns(frame: pd.DataFrame, slices: Sequence[Slice]) -> pd.DataFrame:
    """Add the slice's whole period (``month``), length (``duration_d``) and end (``end_d``)."""
    if frame.empty or "period" not in frame:
        return frame
    out = frame.copy()
    idx = out["period"].to_numpy()
    out["month"] = np.array([s.month for s in slices])[idx]
    out["duration_d"] = np.array([s.days for s in slices], dtype=float)[idx]
    out["end_d"] = np.cumsum([s.days for s in slices], dtype=float)[idx]
    return out


def by_period(
    frame: pd.DataFrame,
    slices: Sequence[Slice],
    *,
    sums: Mapping[str, str],
    maxes: Mapping[str, str] | None = None,
    key: str = "element",
) -> pd.DataFrame:
    """Aggregate a per-slice table to whole periods of the horizon.

    Parameters
    ----------
    frame : DataFrame
        Has ``period`` (slice index) and `key`.
    slices : sequence of Slice
        The slices the table's periods index.
    sums, maxes : mapping of output column to input column
        Columns summed (volumes) and maximised (prices) over the slices of a period.

    Returns
    -------
    DataFrame
        `key`, ``period`` (0-based period of the horizon), ``snapshot`` (its start),
        ``period_label``, then the aggregated columns.
    """
    maxes = dict(maxes or {})
    month = np.array([s.month for s in slices])
    starts = {s.month: s.start - pd.Timedelta(days=s.first_day) for s in slices}
    labels = {s.month: s.month_label for s in slices}
    work = frame.assign(_period=month[frame["period"].to_numpy()])
    agg = {out: (col, "sum") for out, col in sums.items()}
    agg.update({out: (col, "max") for out, col in maxes.items()})
    grouped = work.groupby([key, "_period"], sort=False).agg(**agg).reset_index()
    grouped = grouped.rename(columns={"_period": "period"})
    grouped.insert(2, "snapshot", pd.DatetimeIndex([starts[p] for p in grouped["period"]]))
    grouped.insert(3, "period_label", [labels[p] for p in grouped["period"]])
    return grouped.sort_values(["period"], kind="stable").reset_index(drop=True)


def coordinates(prefix: str, node: str) -> tuple[float, float]:
    """Return longitude and latitude (degrees) of `node`.

    From the catalogue rows ``<prefix>.geo.<node>_lon`` and ``_lat``.
    """
    return (
        value(f"{prefix}.geo.{node}_lon", unit="deg"),
        value(f"{prefix}.geo.{node}_lat", unit="deg"),
    )


def nodes_table(
    net: CommodityNetwork, extra: Iterable[tuple[str, str, float, float, str]] = ()
) -> pd.DataFrame:
    """Return the map's node table: ``element, kind, lon, lat, label`` (plus `extra` waypoints)."""
    rows = [(n.id, str(n.kind), n.lon, n.lat, n.label) for n in net.nodes]
    rows += list(extra)
    frame = pd.DataFrame(rows, columns=["element", "kind", "lon", "lat", "label"])
    frame[["lon", "lat"]] = frame[["lon", "lat"]].astype(float)
    return frame


def period_max_flows(
    net: CommodityNetwork, source: str, sink: str
) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """Max flow from `source` to `sink` in every period, and each period's min cut.

    A cut lists only arcs with capacity in its period (sorted ids): arcs that carry
    nothing are not bottlenecks.
    """
    values, cuts = [], []
    for k in range(net.n_periods):
        res = max_flow(net, source, sink, period=k)
        values.append(res.value)
        cuts.append(
            tuple(
                sorted(
                    a
                    for a in res.cut_arcs
                    if value_at(net.arc(a).capacity, k) * value_at(net.arc(a).availability, k) > 0
                )
            )
        )
    return np.array(values, dtype=float), cuts
